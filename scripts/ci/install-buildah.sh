#!/usr/bin/env bash
# Installs buildah (a daemonless image builder) from Debian for the test that
# builds kubeprint's container image (test/integration/image.test.ts).
# Idempotent: does nothing when buildah is already on PATH.
set -euo pipefail

TOOLS="${KUBEPRINT_TOOLS_DIR:-$HOME/.cache/kubeprint-tools}"

# The image test installs npm packages offline, from a cache made here for the
# current package-lock.json (this step may reach the npm registry; the test
# never does).
prepare_npm_cache() {
  local cache="$TOOLS/image-npm-cache" stamp sum tmp
  stamp="$cache/.package-lock.sha256"
  sum=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    echo "npm cache for the image test is ready ($cache)"
    return 0
  fi
  tmp=$(mktemp -d)
  cp package.json package-lock.json "$tmp/"
  rm -rf "$cache"
  mkdir -p "$cache"
  if (cd "$tmp" && npm ci --cache "$cache" --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null); then
    echo "$sum" >"$stamp"
    echo "npm cache for the image test filled ($cache)"
  else
    echo "install-buildah: could not fill the npm cache for the image test; it will skip" >&2
  fi
  rm -rf "$tmp"
}

cd "$(dirname "$0")/../.."
if command -v buildah >/dev/null 2>&1; then
  echo "buildah already installed: $(buildah --version)"
  prepare_npm_cache
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
prepare_npm_cache
