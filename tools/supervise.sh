#!/usr/bin/env bash
# supervise.sh NAME BINARY [ARGS...]: runs a service and restarts it when it dies
# (crash, SIGKILL), logging each restart as a JSON line. SIGTERM/SIGINT, to the process
# group or to the supervisor alone (`kill <pid from the pid file>`), stops both: the
# supervisor passes the signal on, the service drains, the supervisor waits and exits.
# (The service takes the same signal arriving twice at once as one request.)
name="$1"; shift
stopping=""
child=""
stop() {
  stopping=1
  if [[ -n "$child" ]] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null
    wait "$child"
  fi
  exit 0
}
trap stop TERM INT
log() { printf '{"timestamp":"%s","severity":"%s","service":"supervisor","message":"%s"}\n' \
  "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$1" "$2"; }
delay=1
while :; do
  started=$SECONDS
  "$@" &
  child=$!
  wait "$child"
  rc=$?
  [[ -n "$stopping" ]] && exit 0
  # a service that keeps dying at once backs off up to 10 s
  if ((SECONDS - started < 5)); then delay=$((delay < 10 ? delay * 2 : 10)); else delay=1; fi
  log WARNING "$name exited with status $rc; restarting in ${delay}s"
  sleep "$delay" &
  wait $! # (a plain sleep would hold a stop request until it ends)
  log INFO "restarting $name"
done
