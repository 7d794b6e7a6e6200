#!/usr/bin/env bash
# Builds a release pushnote and installs it under PREFIX (default /usr/local):
#   PREFIX/bin/pushnote
#   PREFIX/share/man/man1/pushnote.1
#   PREFIX/share/bash-completion/completions/pushnote
#   PREFIX/share/zsh/site-functions/_pushnote
#   PREFIX/share/fish/vendor_completions.d/pushnote.fish
# The Swift runtime, libstdc++ and libcmark are linked statically (pushnote links no
# FoundationNetworking, so no libcurl either), so the binary runs without a Swift toolchain; where
# that does not link, the shared one.
# PUSHNOTE_INSTALL_BINARY=FILE installs that already built binary instead of building one (the tests do).
set -euo pipefail
prefix="${1:-/usr/local}"
cd "$(dirname "$0")/.."
binary="${PUSHNOTE_INSTALL_BINARY:-}"
if [ -z "$binary" ]; then
  # libstdc++ and libcmark go in statically too: loading each shared one costs 0.3 to 1 ms of every
  # start. The linker takes -lNAME from the first folder holding a libNAME.so; in this folder each
  # is a linker script naming the archive, and libcmark's pkg-config file here puts the folder first.
  # A fixed folder, so that a second install builds incrementally.
  static="$PWD/.build/static-libs"
  rm -rf "$static"
  mkdir -p "$static/pkgconfig"
  libdir="$(pkg-config --variable=libdir libcmark 2>/dev/null || true)"
  for archive in "$(clang -print-file-name=libstdc++.a 2>/dev/null || true)" "$libdir/libcmark.a"; do
    if [ -f "$archive" ]; then echo "INPUT($archive)" >"$static/$(basename "$archive" .a).so"; fi
  done
  if [ -n "$libdir" ]; then
    sed "s|^Libs: |Libs: -L$static |" "$(pkg-config --variable=pcfiledir libcmark)/libcmark.pc" >"$static/pkgconfig/libcmark.pc"
  fi
  if ! PKG_CONFIG_PATH="$static/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" swift build -c release --static-swift-stdlib \
    --product pushnote; then
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
