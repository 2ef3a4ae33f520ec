#!/usr/bin/env bash
# Installs etcd 3.4 (server and etcdctl) from Debian for the etcd integration tests.
# Idempotent: does nothing when both binaries are already on PATH.
set -euo pipefail

if command -v etcd >/dev/null 2>&1 && command -v etcdctl >/dev/null 2>&1; then
  echo "etcd already installed: $(etcd --version | head -n1)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends etcd-server etcd-client

# The package enables a systemd unit; the tests start their own members on free
# ports, so a system etcd is not needed (and may not exist without systemd).
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now etcd >/dev/null 2>&1 || true
fi

etcd --version | head -n1
etcdctl version | head -n1
