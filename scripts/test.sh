#!/usr/bin/env bash
# The whole test suite, as CI runs it: build (debug and release), unit and end-to-end tests
# (the e2e tests run the built binary and real clipboard/mail tools when installed), the
# shipped packs' own examples, and the labelled evaluation against its targets.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test     # no-op when everything is installed
swift build
scripts/build-release.sh
.build/debug/caviar patterns test
swift test
if [ "${CAVIAR_EVAL:-0}" = 1 ] && [ -f eval/score.py ]; then
  python3 eval/score.py --caviar .build/release/caviar --check
fi
