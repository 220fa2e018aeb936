//! The `procflow` binary: parse the command line, run, exit with a status.
//! Exit status: 0 no errors, 1 errors in the checked files, 2 the command
//! could not run.

mod cli;
mod output;

// The compiler allocates many small nodes and strings; mimalloc serves them
// markedly faster than the system allocator (see docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
