#!/usr/bin/env bash
# tools/bench/cpu-per-order.sh: what one order costs each component, in CPU time, at a
# fixed rate, on the stack `./lab up` runs (one broker or cluster mode: the same LAB_*
# variables find it). Sends orders with bulk-order-generator (--watch: every accepted
# order must get exactly one notification), reads each component's CPU ticks (its
# process and all its descendants, /proc/PID/stat) before and after, and prints per
# component the CPU seconds, the share of a core and the CPU milliseconds per order,
# then the generator's latency summary. docs/SCALING.md uses it.
#
#   tools/bench/cpu-per-order.sh [--rate N (300)] [--duration S (30)] [--label TEXT]
#
# A fixed rate, not flat out: CPU per order is what a capacity plan needs, and it is
# measured the same whatever else the machine does (latency is not: see the load
# average it prints).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rate=300 duration=30 label=""
while (($#)); do
  case "$1" in
    --rate) rate="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --label) label="$2"; shift ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cpu-per-order: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
state="${LAB_STATE:-${LAB_HOME:-/var/tmp/kafka-lab}/state}"
build="${LAB_BUILD_DIR:-$root/build}"
gen="$build/tools/bulk-order-generator/bulk-order-generator"
[[ -x "$gen" ]] || { echo "cpu-per-order: $gen is not built" >&2; exit 2; }

# pid and every descendant's utime + stime, in clock ticks
tree_ticks() {
  local pid="$1" total=0 t child
  t="$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null)" || { echo 0; return; }
  total=$((total + ${t:-0}))
  for child in $(pgrep -P "$pid" 2>/dev/null); do total=$((total + $(tree_ticks "$child"))); done
  echo "$total"
}
components() {
  local f
  for f in "$state"/run/*.pid; do
    [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null && basename "$f" .pid
  done
}
snapshot() { local c; for c in $(components); do echo "$c $(tree_ticks "$(cat "$state/run/$c.pid")")"; done; }

order_port="${LAB_ORDER_PORT:-5000}" notifier_port="${LAB_NOTIFIER_PORT:-8000}"
hz="$(getconf CLK_TCK)"
before="$(snapshot)"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
t0="$(date +%s.%N)"
summary="$("$gen" -q --json -u "http://127.0.0.1:$order_port/create_order" --watch \
  --ws-url "ws://127.0.0.1:$notifier_port/ws" -r "$rate" -d "$duration" -c 32)"
rc=$?
t1="$(date +%s.%N)"
after="$(snapshot)"
orders="$(python3 -c 'import json,sys; print(int(json.loads(sys.argv[1])["ok"]))' "$summary" 2>/dev/null || echo 0)"
echo "cpu-per-order${label:+ ($label)}: $rate orders/s for ${duration}s, $orders accepted; load average $load_before -> $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$before" "$after" "$orders" "$hz" "$t0" "$t1" "$summary" <<'PY'
import json, sys
before = dict(l.split() for l in sys.argv[1].splitlines() if l.strip())
after = dict(l.split() for l in sys.argv[2].splitlines() if l.strip())
orders, hz, wall = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[6]) - float(sys.argv[5])
rows, total = [], 0.0
for name in sorted(after):
    if name not in before:
        continue
    cpu = (int(after[name]) - int(before[name])) / hz
    total += cpu
    rows.append((name, cpu))
print(f"{'component':<20} {'CPU-s':>7} {'% of a core':>12} {'CPU-ms/order':>13}")
for name, cpu in rows:
    print(f"{name:<20} {cpu:7.2f} {100 * cpu / wall:11.0f}% {1000 * cpu / max(orders, 1):13.3f}")
print(f"{'all of them':<20} {total:7.2f} {100 * total / wall:11.0f}% {1000 * total / max(orders, 1):13.3f}")
s = json.loads(sys.argv[7])
lat = s.get("latency_ms", {})
watch = s.get("watch", {})
print("POST answer ms: p50 {} p99 {} max {}".format(lat.get("p50"), lat.get("p99"), lat.get("max")))
if watch:
    w = watch.get("latency_ms", {})
    print("POST->notification ms: p50 {} p99 {} max {}; exactly once {}, none {}, duplicated {}".format(
        w.get("p50"), w.get("p99"), w.get("max"), int(watch.get("exactly_once", 0)), int(watch.get("none", 0)),
        int(watch.get("duplicated", 0))))
PY
exit $rc
