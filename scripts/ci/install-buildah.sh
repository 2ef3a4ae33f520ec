#!/usr/bin/env bash
# Installs buildah (a daemonless image builder) from Debian for the test that
# builds kubeprint's container image (test/integration/image.test.ts).
# Idempotent: does nothing when buildah is already on PATH.
set -euo pipefail

if command -v buildah >/dev/null 2>&1; then
  echo "buildah already installed: $(buildah --version)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends buildah
buildah --version
