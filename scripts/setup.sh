#!/usr/bin/env bash
# Installs and builds what kubeprint's example (`setup.sh example`) or its
# tests (`setup.sh test`) need. Safe to run again: each step is skipped when
# its result is already there. Tools built from Go modules go to
# $KUBEPRINT_TOOLS_DIR (default ~/.cache/kubeprint-tools/bin), outside the repo,
# so a fresh clone reuses them.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-example}"
TOOLS="${KUBEPRINT_TOOLS_DIR:-$HOME/.cache/kubeprint-tools}"
export PATH="$TOOLS/bin:$PATH"
HELM_VERSION=v3.19.0
KUSTOMIZE_VERSION=v5.5.0

say() { echo "setup: $*" >&2; }
# shellcheck source=scripts/progress.sh
. scripts/progress.sh
LOGS="$TOOLS/logs"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi
# Build only when a source changed since the last build (npm run build always builds).
stamp=dist/.build-stamp
if [ -f "$stamp" ] && [ -z "$(find src tsconfig.json package-lock.json -newer "$stamp" -type f ! -name '*.test.ts' -print -quit)" ]; then
  say "kubeprint is built (dist/ is newer than src/)"
else
  say "building kubeprint (tsc)"
  # the stamp takes the time the build started: a file saved during the build is built next time
  started=$(mktemp)
  npm run --silent build
  mv "$started" "$stamp"
fi

go_tool() { # name module
  if command -v "$1" >/dev/null 2>&1; then return 0; fi
  if ! command -v go >/dev/null 2>&1; then
    say "$1 is missing and no Go toolchain is here to build it; install $1 yourself"
    return 0
  fi
  GOBIN="$TOOLS/bin" GOFLAGS=-buildvcs=false logged "building $1 ($2) into $TOOLS/bin" "$LOGS/$1.log" go install "$2" ||
    say "building $1 failed; kubeprint reports what needs it as render-failed"
}

go_tool helm "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
if ! command -v kubectl >/dev/null 2>&1; then
  go_tool kustomize "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
fi

if [ "$mode" = test ]; then
  for s in scripts/ci/install-*.sh; do
    [ -f "$s" ] || continue
    bash "$s" >&2 || say "$s failed; the tests that need it skip and say what is missing"
  done
fi
