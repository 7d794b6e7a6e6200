#!/usr/bin/env bash
# Installs the test dependencies, then builds and runs every test (Swift Testing).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh --with-test-oracles
# The tests make real git commits; give git an identity where the machine has none.
if [ -z "$(git config user.name || true)" ]; then
  export GIT_AUTHOR_NAME="pushnote tests" GIT_COMMITTER_NAME="pushnote tests"
  export GIT_AUTHOR_EMAIL="tests@pushnote.invalid" GIT_COMMITTER_EMAIL="tests@pushnote.invalid"
fi
# Style: the checked-in .swift-format, enforced.
swift format lint --strict --recursive Sources Tests Benchmarks Package.swift
swift build --build-tests
swift test --skip-build --disable-xctest
