#!/usr/bin/env bash
# tools/soak.sh (./lab soak): steady load for N minutes, then a verdict on whether
# anything grows without bound (docs/RELIABILITY.md, "Soak").
#
#   tools/soak.sh [--minutes N] [--rate R] [--warmup S] [--isolated] [--retention D] [--out DIR]
#                 [--plot FILE] [--keep]
#
#   --minutes N    how long the load runs (default 5; `--minutes 60` is the long form)
#   --rate R       orders per second, open loop (default 50)
#   --warmup S     seconds left out of the fit (default: 60, isolated: the retention + 60)
#   --isolated     its own Kafka, Redis, Elasticsearch and five services (./lab up on free
#                  ports, its own state directory, removed afterwards unless --keep), with
#                  short limits so that everything bounded levels off within the run:
#                  ORDER_RETENTION --retention (30s; 2m from 15 minutes on), Kafka topics
#                  retained as long (LAB_KAFKA_TOPIC_CONFIG), __consumer_offsets and the
#                  metadata log rolled as often (LAB_KAFKA_BROKER_CONFIG), logs capped at 3 x 256K
#                  (1M from 15 minutes on), the notifier's dedupe window 10,000 orders,
#                  Redis rewriting its AOF from 4 MiB. Without it: the running `./lab up`
#                  stack, as it is configured.
#   --out DIR      samples, report and plot (default build/soak/<time>)
#   --plot FILE    also copy the plot there (e.g. docs/soak-60min.png)
#
# Samples every second (tools/soak/soak.py): RSS and open fds of every process, Redis
# used_memory and keys, the state directory's disk use, Kafka's log size, the consumers'
# lag; every order is followed to its notification (bulk-order-generator --watch: each
# accepted order exactly once). After the warm-up a straight line is fitted to every
# series: one that still grows fails the soak (exit 1), and so does a lost or duplicated
# notification. On the running stack a series bounded by a limit the run cannot reach
# (ORDER_RETENTION of days, a log cap of megabytes) is reported as such; Redis memory
# then fails only if it would reach maxmemory before the retention levels it off.
set -uo pipefail
LAB_TAG=soak LAB_SAY_FD=2
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
root="$LAB_ROOT" build="$BUILD_DIR"
minutes=5 rate=50 warmup="" isolated=0 retention="" out="" plot="" keep=0
while (($#)); do
  case "$1" in
    --minutes) minutes="$2"; shift ;;
    --rate) rate="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --isolated) isolated=1 ;;
    --retention) retention="$2"; shift ;;
    --out) out="$2"; shift ;;
    --plot) plot="$2"; shift ;;
    --keep) keep=1 ;;
    -h | --help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "soak: unknown option '$1' (--help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$minutes" =~ ^[0-9]+(\.[0-9]+)?$ && "$rate" =~ ^[0-9]+$ ]] || { echo "soak: --minutes and --rate must be numbers" >&2; exit 2; }

GEN="$build/tools/bulk-order-generator/bulk-order-generator"
ADMIN="$build/tools/lab-admin/lab-admin"
for b in "$GEN" "$ADMIN"; do [[ -x "$b" ]] || die "$b is not built (./lab build)"; done
command -v gnuplot >/dev/null || die "gnuplot missing (Debian package gnuplot-nox): run ./lab deps"
out="${out:-$build/soak/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
# seconds in a duration like ./lab's services read it (7d, 2m, 30s, 90)
seconds_of() { python3 -c 'import re,sys; m=re.fullmatch(r"\s*(\d+)\s*(ms|s|m|h|d)?\s*", sys.argv[1].lower());
u={"ms":0.001,"s":1,"m":60,"h":3600,"d":86400,None:1}; print(int(int(m[1])*u[m[2]]) if m else -1)' "$1"; }

state="" settings=""
cleanup() {
  [[ -n "${SAMPLER:-}" ]] && kill "$SAMPLER" 2>/dev/null
  if ((isolated)) && [[ -n "$state" ]]; then
    "$root/lab" down >"$out/down.log" 2>&1 || tail -n 20 "$out/down.log" >&2
    if ((keep)); then say "state kept in $state"; else rm -rf "$state"; fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ((isolated)); then
  long=$(python3 -c "print(1 if $minutes >= 15 else 0)")
  retention="${retention:-$([[ $long == 1 ]] && echo 2m || echo 30s)}"
  retention_s="$(seconds_of "$retention")"
  ((retention_s > 0)) || die "--retention $retention is not a duration"
  mkdir -p "$LAB_HOME"
  state="$(mktemp -d "$LAB_HOME/soak.XXXXXX")"
  chmod a+rx "$state"
  export LAB_STATE="$state" LAB_INFRA=local LAB_BUILD_DIR="$build"
  export LAB_REDIS_PORT=$(free_port) LAB_KAFKA_PORT=$(free_port) LAB_KAFKA_CONTROLLER_PORT=$(free_port)
  export LAB_ES_PORT=$(free_port) LAB_ES_HEAP="${LAB_ES_HEAP:-512m}"
  export LAB_ORDER_PORT=$(free_port) LAB_SEARCH_PORT=$(free_port) LAB_PAYMENT_PORT=$(free_port)
  export LAB_INVENTORY_PORT=$(free_port) LAB_NOTIFIER_PORT=$(free_port) LAB_KAFKA_JMX_PORT=$(free_port)
  # no Prometheus: its own history would be one more growing store to tell apart
  export LAB_PROMETHEUS=0 LAB_PROMETHEUS_PORT=$(free_port)
  # the limits short enough to be reached in the run (see --help)
  export ORDER_RETENTION="$retention" ORDER_UNDECIDED_RETENTION=1h NOTIFIER_DEDUPE_WINDOW=10000
  export LAB_KAFKA_TOPIC_CONFIG="retention.ms=$((retention_s * 1000)),segment.ms=$((retention_s * 1000 / 3))"
  # Kafka's own logs on the same clock: __consumer_offsets (compacted, but never its
  # active segment, which rolls by log.roll.ms, a day) and the KRaft metadata log (its
  # segments roll weekly and go once a snapshot covers them and they are past retention)
  third_ms=$((retention_s * 1000 / 3))
  export LAB_KAFKA_BROKER_CONFIG="log.roll.ms=$third_ms,metadata.log.segment.ms=$third_ms,metadata.log.max.snapshot.interval.ms=$third_ms,metadata.max.retention.ms=$((retention_s * 1000))"
  export LAB_LOG_SIZE="$([[ $long == 1 ]] && echo 1M || echo 256K)" LAB_LOG_FILES=3
  settings="ORDER_RETENTION=$retention, Kafka retention $retention (its internal logs rolled as often), logs 3 x $LAB_LOG_SIZE"
  say "isolated stack in $state (order :$LAB_ORDER_PORT, kafka :$LAB_KAFKA_PORT, redis :$LAB_REDIS_PORT, es :$LAB_ES_PORT)"
  t0=$SECONDS
  if ! "$root/lab" up >"$out/up.log" 2>&1; then
    tail -n 40 "$out/up.log" >&2
    die "the isolated stack did not come up"
  fi
  redis-cli -p "$LAB_REDIS_PORT" CONFIG SET auto-aof-rewrite-min-size 4mb >/dev/null
  say "stack up in $((SECONDS - t0))s"
  warmup="${warmup:-$((retention_s + 60))}"
  mode=isolated
else
  export LAB_STATE
  mode=running
  warmup="${warmup:-60}"
fi

lab_ports # the isolated stack's, if it moved them
ORDER_PORT="$(service_port order-service)" NOTIFIER_PORT="$(service_port notifier-service)"
KAFKA="127.0.0.1:$KAFKA_PORT"
for name in "${SERVICE_NAMES[@]}"; do
  curl -fsS --max-time 3 "http://127.0.0.1:$(service_port "$name")/healthz" >/dev/null 2>&1 \
    || die "no healthy $name on :$(service_port "$name"): run ./lab up first (or --isolated)"
done
[[ -d "$LAB_STATE/run" ]] || die "no state directory $LAB_STATE (LAB_STATE): the soak samples the processes ./lab up started"
# the services' own retention, as they report it
retention_s="$(curl -fsS "http://127.0.0.1:$NOTIFIER_PORT/metrics" | awk '$1 == "lab_order_retention_seconds" {print int($2)}')"
[[ -n "$retention_s" ]] || die "notifier-service does not report lab_order_retention_seconds (an older build?)"
[[ -n "$settings" ]] || settings="ORDER_RETENTION=${retention_s}s"

say "sampling every second into $out/samples.tsv"
python3 "$root/tools/soak/soak.py" sample --state "$LAB_STATE" --redis-port "$REDIS_PORT" --lab-admin "$ADMIN" \
  --kafka "$KAFKA" --namespace "${LAB_NAMESPACE:-}" --out "$out/samples.tsv" &
SAMPLER=$!
seconds=$(python3 -c "print(int($minutes * 60))")
say "load: $rate orders/s for $minutes min, every order followed to its notification"
gen_rc=0
"$GEN" -u "http://127.0.0.1:$ORDER_PORT/create_order" -d "$seconds" -r "$rate" -c 8 --items mouse,keyboard,lamp,chair \
  --watch --ws-url "ws://127.0.0.1:$NOTIFIER_PORT/ws" --watch-timeout 60 --json >"$out/load.json" 2>"$out/load.log" || gen_rc=$?
kill "$SAMPLER"; wait "$SAMPLER" 2>/dev/null; SAMPLER=""
python3 - "$out/load.json" <<'EOF' >&2 || true
import json, sys
d = json.load(open(sys.argv[1]))
w = d.get("watch", {})
print(f"[soak] load: {d.get('sent', '?'):.0f} sent, status {d.get('status', {})}; of "
      f"{w.get('accepted', 0):.0f} accepted, {w.get('exactly_once', 0):.0f} notified exactly once, "
      f"{w.get('none', 0):.0f} never, {w.get('duplicated', 0):.0f} more than once")
EOF
# the logs' cap: every component's LAB_LOG_FILES x LAB_LOG_SIZE (rotatelogs), Elasticsearch's
# GC log (2 x 8 MiB) and 1 MiB for the small files (rotatelogs' errors, the supervisors' pid lines)
log_size="${LAB_LOG_SIZE:-10M}"
log_bytes=$(numfmt --from=iec "$log_size") || die "LAB_LOG_SIZE ($log_size) is not a size like 10M"
components=$(find "$LAB_STATE/logs" -mindepth 1 -maxdepth 1 -type d | wc -l)
log_cap=$(( components * ${LAB_LOG_FILES:-5} * log_bytes + 17 * 1048576 ))
rc=0
python3 "$root/tools/soak/soak.py" analyze --samples "$out/samples.tsv" --warmup "$warmup" --rate "$rate" \
  --minutes "$minutes" --mode "$mode" --retention-s "$retention_s" --es-budget 2048 --log-cap "$log_cap" --settings "$settings" || rc=1
if ((gen_rc != 0)); then
  echo "SOAK FAILED: the load generator exited with $gen_rc (1: an accepted order got no notification or several; $out/load.log)"
  rc=1
fi
[[ -n "$plot" && -f "$out/plot.png" ]] && cp "$out/plot.png" "$plot" && say "plot copied to $plot"
exit $rc
