#!/usr/bin/env bash
# The release build every script, benchmark and README command uses.
# - The Swift runtime and Foundation are linked statically: loading about twenty shared
#   libraries was half of `caviar --version`.
# - On Linux the executable is not position-independent (-no-pie): a PIE carries about 85 000
#   relative relocations, and applying them copied some 250 pages of the binary at every start:
#   3.7 ms of CPU before `main`, against 2.0 ms without. Shared libraries (PCRE2, libc) are still
#   loaded at random addresses. Set CAVIAR_PIE=1 to build a PIE anyway.
# Extra arguments go to `swift build` (for example `--product caviar-bench`).
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(-c release --static-swift-stdlib)
if [ "$(uname -s)" = Linux ] && [ "${CAVIAR_PIE:-0}" != 1 ]; then
  flags+=(-Xswiftc -Xclang-linker -Xswiftc -no-pie)
fi
exec swift build "${flags[@]}" "$@"
