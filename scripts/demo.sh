#!/usr/bin/env bash
# Fresh machine to first redaction: install libpcre2-dev if missing, build in release mode,
# and redact the bundled sample.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build-release.sh
echo "--- samples/mail-fr-de.txt, redacted:"
.build/release/caviar redact samples/mail-fr-de.txt
