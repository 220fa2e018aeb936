//! The `procflow` binary: parse the command line, run, exit with a status.
//! Exit status: 0 no errors, 1 errors in the checked files, 2 the command
//! could not run.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
