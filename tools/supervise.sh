#!/usr/bin/env bash
# supervise.sh NAME BINARY [ARGS...]: runs a service and restarts it when it dies
# (crash, SIGKILL), logging each restart as a JSON line. SIGTERM/SIGINT to the process
# group stops both: the service drains, the supervisor waits for it and exits.
name="$1"; shift
stopping=""
child=""
trap 'stopping=1; [[ -n "$child" ]] && wait "$child"; exit 0' TERM INT
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
  sleep "$delay"
  log INFO "restarting $name"
done
