#!/usr/bin/env bash
# Builds yamldecoder (test/yamldecoder: kubectl v1.36's YAML decoder, printing
# JSON) into $KUBEPRINT_TOOLS_DIR/bin (default ~/.cache/kubeprint-tools/bin) for
# the scalar-spelling test in src/sources. Rebuilt when its sources change; the
# test skips and says so when the binary is absent.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOOLS="${KUBEPRINT_TOOLS_DIR:-$HOME/.cache/kubeprint-tools}"
OUT="$TOOLS/bin/yamldecoder"
STAMP="$OUT.sum"
say() { echo "install-yamldecoder: $*" >&2; }

sum=$(cat test/yamldecoder/go.mod test/yamldecoder/go.sum test/yamldecoder/main.go | sha256sum | cut -d' ' -f1)
if [ -x "$OUT" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$sum" ]; then
  say "already built ($OUT)"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  say "no Go toolchain to build test/yamldecoder; the scalar-spelling test skips"
  exit 1
fi
mkdir -p "$TOOLS/bin"
(cd test/yamldecoder && CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN="${KUBEPRINT_GOTOOLCHAIN:-local}" \
  go build -trimpath -o "$OUT.tmp.$$" .)
mv "$OUT.tmp.$$" "$OUT"
echo "$sum" >"$STAMP"
say "built $OUT"
