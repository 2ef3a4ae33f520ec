#!/usr/bin/env bash
# Installs the OCI distribution registry (Debian package docker-registry, distribution 2.8)
# and htpasswd (apache2-utils) for the image-verification integration tests. Idempotent: does nothing when the
# binary is already there. The tests start their own registry on a loopback port
# with a temporary config and storage, so the system service is disabled.
set -euo pipefail

# apache2-utils gives htpasswd, for the test of a registry that demands basic auth.
PKGS=()
if ! command -v docker-registry >/dev/null 2>&1 && [ ! -x /usr/bin/docker-registry ]; then
  PKGS+=(docker-registry)
fi
if ! command -v htpasswd >/dev/null 2>&1; then
  PKGS+=(apache2-utils)
fi
if [ ${#PKGS[@]} -eq 0 ]; then
  echo "docker-registry and htpasswd already installed: $(/usr/bin/docker-registry --version 2>/dev/null || command -v docker-registry)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${PKGS[@]}"

if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now docker-registry >/dev/null 2>&1 || true
fi
# Without systemd, the package's init script may have started one on :5000; the tests do not need it.
if command -v service >/dev/null 2>&1; then
  $SUDO service docker-registry stop >/dev/null 2>&1 || true
fi

/usr/bin/docker-registry --version 2>/dev/null || true
