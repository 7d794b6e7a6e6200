#!/usr/bin/env bash
# Installs what pushnote and its tests need on a Debian machine that already has Swift 6.2+.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  libcmark-dev cmark pkg-config tzdata git ca-certificates curl librsvg2-bin >/dev/null
if [ "${1:-}" = "--with-test-oracles" ]; then
  python3 -m pip install --quiet --disable-pip-version-check -r "$(dirname "$0")/requirements-test.txt"
fi
