#!/usr/bin/env bash
# Runs a command with the tools that setup.sh built on PATH.
export PATH="${KUBEPRINT_TOOLS_DIR:-$HOME/.cache/kubeprint-tools}/bin:$PATH"
exec "$@"
