# Sourced by the setup scripts: run a long build with its output in a log file
# and a progress line on stderr every 30 seconds, so a first run on a new
# machine (about 20 minutes of Go builds) is never silent.

# logged LABEL LOGFILE COMMAND...: the command's output goes to LOGFILE; returns its status.
logged() {
  local label="$1" log="$2"
  shift 2
  mkdir -p "$(dirname "$log")"
  local start=$SECONDS
  echo "setup: $label (log: $log)" >&2
  "$@" >"$log" 2>&1 &
  local status=0
  wait_with_progress $! "$label" || status=$?
  if [ "$status" -eq 0 ]; then
    echo "setup: done: $label in $(elapsed $((SECONDS - start)))" >&2
  else
    echo "setup: FAILED: $label after $(elapsed $((SECONDS - start))); last lines of $log:" >&2
    tail -n 5 "$log" >&2
  fi
  return "$status"
}

# wait_with_progress PID LABEL: waits for PID, saying every 30 s that LABEL is still running.
wait_with_progress() {
  local pid="$1" label="$2" start=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    for _ in $(seq 30); do
      sleep 1
      kill -0 "$pid" 2>/dev/null || break 2
    done
    echo "setup: ... still $label, $(elapsed $((SECONDS - start)))" >&2
  done
  wait "$pid"
}

elapsed() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
