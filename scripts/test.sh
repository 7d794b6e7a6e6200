#!/usr/bin/env bash
# Installs the test dependencies, then builds and runs every test (Swift Testing).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh --with-test-oracles
swift build --build-tests
swift test --skip-build --disable-xctest
