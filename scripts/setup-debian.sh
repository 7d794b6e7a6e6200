#!/usr/bin/env bash
# Installs what pushnote and its tests need on a Debian machine that already has Swift 6.2 or later.
#   scripts/setup-debian.sh                       libcmark, libssl, pkg-config, tzdata, git, man (and the tools
#                                                 tests use)
#   scripts/setup-debian.sh --with-test-oracles   also the Python packages the tests use as oracles
set -euo pipefail
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends \
  libcmark-dev libssl-dev openssl cmark pkg-config tzdata git ca-certificates curl librsvg2-bin python3 \
  python3-pip man-db groff-base bash ngircd >/dev/null
if [ "${1:-}" = "--with-test-oracles" ]; then
  python3 -m pip install --quiet --disable-pip-version-check -r "$(dirname "$0")/requirements-test.txt" \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages -r "$(dirname "$0")/requirements-test.txt"
fi
