#!/usr/bin/env bash
# Builds the control-plane binaries the cluster integration tests run:
# kube-apiserver, kube-controller-manager, kube-scheduler and etcd (through the
# wrapper modules in test/controlplane/) and kwok. Each goes to $KUBEPRINT_TOOLS_DIR/controlplane/<name>-<version>/
# (default ~/.cache/kubeprint-tools, outside the repo, so a fresh clone reuses
# it) and is built only when absent, i.e. again only when a version changes.
# Never fails the run: when a build fails it says why and the tests that need
# the binary skip, naming it.
set -uo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../../test/controlplane/versions.env
. test/controlplane/versions.env
TOOLS="${KUBEPRINT_TOOLS_DIR:-$HOME/.cache/kubeprint-tools}"
ROOT="$TOOLS/controlplane"
LOGS="$ROOT/logs"
mkdir -p "$LOGS"
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
# Go 1.26 builds all three pinned versions; a pin that needs a newer Go sets
# GOTOOLCHAIN here (e.g. GOTOOLCHAIN=go1.27.3), and every build below gets it.
export GOTOOLCHAIN="${KUBEPRINT_GOTOOLCHAIN:-local}"

say() { echo "install-controlplane: $*" >&2; }

if ! command -v go >/dev/null 2>&1; then
  say "no Go toolchain here; cannot build kube-apiserver/etcd/kwok (the cluster tests skip)"
  exit 0
fi

# shellcheck source=scripts/progress.sh
. "$(dirname "$0")/../progress.sh"

timed() { # log-file command...: runs the command, records wall time and peak RSS, says it is still running
  local log="$1"
  shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v -o "$log.time" nice -n 10 "$@" >"$log" 2>&1 &
  else
    nice -n 10 "$@" >"$log" 2>&1 &
  fi
  wait_with_progress $! "building $(basename "$log" .log)"
}

report_time() { # log-file name
  [ -f "$1.time" ] || return 0
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$1.time" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$1.time" | awk '{print $NF}')
  say "$2 built in $wall (peak RSS of the slowest process: $((rss / 1024)) MiB)"
}

check_pin() { # go.mod version
  grep -q " $2\$" "$1" || { say "$1 does not pin $2 (versions.env and the wrapper module disagree)"; return 1; }
}

build_wrapped() { # name version module-dir package [ldflags]
  local name="$1" version="$2" dir="$3" pkg="$4" ldflags="${5:-}"
  local out="$ROOT/$name-$version/$name"
  if [ -x "$out" ]; then say "$name $version already built ($out)"; return 0; fi
  check_pin "$dir/go.mod" "$version" || return 0
  local log="$LOGS/$name-$version.log"
  say "building $name $version into $out (log: $log; takes minutes)"
  local tmp="$out.tmp.$$"
  mkdir -p "$(dirname "$out")"
  if (cd "$dir" && { [ -f go.sum ] || go mod tidy; } && timed "$log" go build -trimpath -ldflags="$ldflags" -o "$tmp" "$pkg"); then
    mv "$tmp" "$out"
    report_time "$log" "$name $version"
  else
    rm -f "$tmp"
    say "building $name $version failed (see $log): $(tail -n 3 "$log" 2>/dev/null | tr '\n' ' ')"
  fi
}

# what Kubernetes' own build stamps in (hack/lib/version.sh); without it /version says v0.0.0-master
k8s_minor=$(echo "$K8S_VERSION" | cut -d. -f2)
k8s_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$k8s_minor -X $pkg.gitTreeState=clean"
done
build_wrapped kube-apiserver "$K8S_VERSION" test/controlplane/apiserver k8s.io/kubernetes/cmd/kube-apiserver "$k8s_ldflags"
build_wrapped kube-controller-manager "$K8S_VERSION" test/controlplane/apiserver k8s.io/kubernetes/cmd/kube-controller-manager "$k8s_ldflags"
# only its --help is used (test/integration/control-plane-flags.test.ts); built from the same module and cache
build_wrapped kube-scheduler "$K8S_VERSION" test/controlplane/apiserver k8s.io/kubernetes/cmd/kube-scheduler "$k8s_ldflags"
build_wrapped etcd "$ETCD_VERSION" test/controlplane/etcd go.etcd.io/etcd/server/v3

kwok_out="$ROOT/kwok-$KWOK_VERSION/kwok"
kwok_stages="$ROOT/kwok-$KWOK_VERSION/stages.yaml"
if [ ! -s "$kwok_stages" ]; then
  # kwok runs no stages of its own: it needs the "fast" node and pod stages
  # kwokctl ships (nodes Ready, pods Running at once), from the same module
  kwok_dir=$(go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" 2>/dev/null | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  if [ -n "$kwok_dir" ] && [ -d "$kwok_dir/kustomize/stage" ]; then
    mkdir -p "$ROOT/kwok-$KWOK_VERSION"
    for f in node/fast/node-initialize.yaml pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
      echo "---"
      cat "$kwok_dir/kustomize/stage/$f"
    done >"$kwok_stages.tmp" && mv "$kwok_stages.tmp" "$kwok_stages"
  else
    say "cannot find kwok $KWOK_VERSION's stage files in the module cache"
  fi
fi
if [ -x "$kwok_out" ]; then
  say "kwok $KWOK_VERSION already built ($kwok_out)"
else
  log="$LOGS/kwok-$KWOK_VERSION.log"
  mkdir -p "$ROOT/kwok-$KWOK_VERSION"
  say "building kwok $KWOK_VERSION into $kwok_out (log: $log)"
  if GOBIN="$ROOT/kwok-$KWOK_VERSION" timed "$log" go install -trimpath "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"; then
    report_time "$log" "kwok $KWOK_VERSION"
  else
    say "building kwok $KWOK_VERSION failed (see $log): $(tail -n 3 "$log" 2>/dev/null | tr '\n' ' ')"
  fi
fi
exit 0
