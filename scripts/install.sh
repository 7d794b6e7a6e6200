#!/usr/bin/env bash
# Builds a release pushnote and installs it under PREFIX (default /usr/local):
#   PREFIX/bin/pushnote
#   PREFIX/share/man/man1/pushnote.1
#   PREFIX/share/bash-completion/completions/pushnote
#   PREFIX/share/zsh/site-functions/_pushnote
#   PREFIX/share/fish/vendor_completions.d/pushnote.fish
# The Swift runtime and libstdc++ are linked statically (pushnote links no FoundationNetworking, so
# no libcurl either), so the binary runs without a Swift toolchain; where that does not link, the
# shared one.
# PUSHNOTE_INSTALL_BINARY=FILE installs that already built binary instead of building one (the tests do).
set -euo pipefail
prefix="${1:-/usr/local}"
cd "$(dirname "$0")/.."
binary="${PUSHNOTE_INSTALL_BINARY:-}"
if [ -z "$binary" ]; then
  # libstdc++ goes in statically too (loading the shared one costs about 1 ms of every start). The
  # linker takes -lstdc++ from the first folder holding a libstdc++.so, and this one is a linker
  # script naming the archive. A fixed folder, so that a second install builds incrementally.
  static=()
  archive="$(clang -print-file-name=libstdc++.a 2>/dev/null || true)"
  if [ -f "$archive" ]; then
    mkdir -p .build/static-libstdc++
    echo "INPUT($archive)" >.build/static-libstdc++/libstdc++.so
    static=(-Xswiftc "-L$PWD/.build/static-libstdc++")
  fi
  if ! swift build -c release --static-swift-stdlib ${static[@]+"${static[@]}"} --product pushnote; then
    echo "install.sh: the static Swift runtime did not link; building against the shared one" >&2
    swift build -c release --product pushnote
  fi
  binary="$(swift build -c release --show-bin-path)/pushnote"
fi
install -d "$prefix/bin" "$prefix/share/man/man1" "$prefix/share/bash-completion/completions" \
  "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
install -m 755 "$binary" "$prefix/bin/pushnote.new"
mv -f "$prefix/bin/pushnote.new" "$prefix/bin/pushnote"
install -m 644 man/pushnote.1 "$prefix/share/man/man1/pushnote.1"
"$prefix/bin/pushnote" --generate-completion-script bash >"$prefix/share/bash-completion/completions/pushnote"
"$prefix/bin/pushnote" --generate-completion-script zsh >"$prefix/share/zsh/site-functions/_pushnote"
"$prefix/bin/pushnote" --generate-completion-script fish >"$prefix/share/fish/vendor_completions.d/pushnote.fish"
echo "installed $("$prefix/bin/pushnote" --version) in $prefix/bin/pushnote"
