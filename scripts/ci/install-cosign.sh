#!/usr/bin/env bash
# Builds cosign (the reference Sigstore signing tool) for the image-verification
# integration tests. Idempotent: does nothing when cosign is already in the tools
# folder or on PATH. The tests look in $KUBEPRINT_TOOLS_DIR/bin, then on PATH.
set -euo pipefail
COSIGN_VERSION=v2.6.5
TOOLS="${KUBEPRINT_TOOLS_DIR:-$HOME/.cache/kubeprint-tools}"

if [ -x "$TOOLS/bin/cosign" ]; then
  echo "cosign already built: $("$TOOLS/bin/cosign" version 2>/dev/null | grep -m1 GitVersion || echo "$TOOLS/bin/cosign")"
  exit 0
fi
if command -v cosign >/dev/null 2>&1; then
  echo "cosign already on PATH: $(command -v cosign)"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-cosign: no Go toolchain to build cosign $COSIGN_VERSION; the tests that need it skip" >&2
  exit 1
fi
mkdir -p "$TOOLS/bin"
# shellcheck source=scripts/progress.sh
. "$(dirname "$0")/../progress.sh"
GOBIN="$TOOLS/bin" GOFLAGS=-buildvcs=false logged "building cosign $COSIGN_VERSION into $TOOLS/bin (takes a few minutes)" \
  "$TOOLS/logs/cosign-$COSIGN_VERSION.log" go install "github.com/sigstore/cosign/v2/cmd/cosign@$COSIGN_VERSION"
"$TOOLS/bin/cosign" version 2>/dev/null | grep -m1 GitVersion || true
