# Shared by tests/dist/*.sh (sourced): the repository, the version, failing,
# and a PATH without cargo or rustc (what a user without a Rust toolchain has).
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)
[ -n "$version" ] || { echo "no version in Cargo.toml" >&2; exit 1; }
fail() { echo "error: $(basename "$0"): $*" >&2; exit 1; }
path_without_cargo() {
  local dir out=""
  local IFS=:
  for dir in $PATH; do
    [ -n "$dir" ] || continue
    if [ -x "$dir/cargo" ] || [ -x "$dir/rustc" ] || [ -x "$dir/rustup" ]; then continue; fi
    out="${out:+$out:}$dir"
  done
  printf '%s' "$out"
}
# Prints a file's size in bytes.
size_of() { wc -c < "$1" | tr -d ' '; }
