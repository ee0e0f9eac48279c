#!/usr/bin/env bash
# bench.sh (./lab bench): one benchmark run against the RUNNING lab stack (./lab up).
#
#   tools/bench.sh [--quick] [--out DIR]
#
# Measures, in one run, the ceilings of this machine right now (a bare QHttpServer
# route, Kafka's ProducerPerformance, redis-benchmark for the commands our Lua uses,
# Elasticsearch _bulk of our documents) and then our system (order-service at
# saturation, with the rest of the pipeline running and paused, end-to-end confirmed orders/s over 60 s, POST->notification latency at
# 100/1,000/5,000 orders/s, search lag at 1,000/s, peak RSS and CPU of each service),
# prints one table and writes JSON under build/bench/. Every order of the run is
# followed to its WebSocket notification: an order with no notification or more than
# one fails the bench (exit 1). --quick shortens every phase for trial runs.
# docs/BENCHMARKS.md explains the figures and what bounds each of them.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LAB_HOME="${LAB_HOME:-/var/tmp/kafka-lab}"
LAB_STATE="${LAB_STATE:-$LAB_HOME/state}"
BUILD_DIR="${LAB_BUILD_DIR:-$ROOT/build}"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$ROOT/deps/pom.xml")"
KAFKA_LIBS="$LAB_HOME/dist/kafka-$KAFKA_VERSION/libs"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
KAFKA="127.0.0.1:${LAB_KAFKA_PORT:-9092}"
REDIS_PORT="${LAB_REDIS_PORT:-6379}"
ES="http://127.0.0.1:${LAB_ES_PORT:-9200}"
ORDER_PORT="${LAB_ORDER_PORT:-5000}"
SEARCH_PORT="${LAB_SEARCH_PORT:-5100}"
NOTIFIER_PORT="${LAB_NOTIFIER_PORT:-8000}"
BARE_PORT="${LAB_BENCH_BARE_PORT:-5099}"
CONCURRENCY="${LAB_BENCH_CONCURRENCY:-64}"
SERVICES=(order-service payment-service inventory-service notifier-service search-service)
SERVICE_PORTS=("$ORDER_PORT" "${LAB_PAYMENT_PORT:-5200}" "${LAB_INVENTORY_PORT:-5300}" "$NOTIFIER_PORT" "$SEARCH_PORT")

QUICK=0
OUT_BASE="$BUILD_DIR/bench"
while (($#)); do
  case "$1" in
    --quick) QUICK=1 ;;
    --out) OUT_BASE="$2"; shift ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option '$1' (--quick, --out DIR)" >&2; exit 2 ;;
  esac
  shift
done

# phase lengths (seconds): full / --quick
if ((QUICK)); then
  T_BARE=5 T_SAT=5 T_E2E=15 T_RATE=5 WARM_ORDERS=10000 KAFKA_RECORDS=50000 KAFKA_PACED=3000 REDIS_N=50000 ES_DOCS=20000
else
  T_BARE=10 T_SAT=10 T_E2E=60 T_RATE=12 WARM_ORDERS=30000 KAFKA_RECORDS=200000 KAFKA_PACED=10000 REDIS_N=200000 ES_DOCS=100000
fi

say() { printf '\033[1;34m[bench]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[bench] error:\033[0m %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- preflight
command -v python3 >/dev/null || die "python3 is needed to assemble the results"
command -v redis-benchmark >/dev/null || die "redis-benchmark missing (Debian package redis-tools): run ./lab deps"
redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG || die "Redis is not answering on :$REDIS_PORT: run ./lab up first"
timeout 10 kcat -b "$KAFKA" -L -m 3 2>/dev/null | grep -q 'broker 1 at' || die "Kafka is not answering on $KAFKA: run ./lab up first"
curl -fsS --max-time 3 "$ES/_cluster/health" >/dev/null 2>&1 || die "Elasticsearch is not answering on $ES: run ./lab up first"
for i in "${!SERVICES[@]}"; do
  curl -fsS --max-time 3 "http://127.0.0.1:${SERVICE_PORTS[$i]}/healthz" >/dev/null 2>&1 \
    || die "${SERVICES[$i]} is not healthy on :${SERVICE_PORTS[$i]}: run ./lab up first (./lab status shows what runs)"
done
[[ -f "$KAFKA_LIBS/kafka-tools-$KAFKA_VERSION.jar" ]] || die "Kafka $KAFKA_VERSION tools not in $KAFKA_LIBS: run ./lab deps"

GEN="$BUILD_DIR/tools/bulk-order-generator/bulk-order-generator"
BARE="$BUILD_DIR/tools/bench/bare-http/bare-http"
if [[ ! -x "$GEN" || ! -x "$BARE" ]]; then
  say "building bulk-order-generator and bare-http in $BUILD_DIR"
  cmake --build "$BUILD_DIR" -j2 --target bulk-order-generator bare-http >&2 || die "build failed (run ./lab build)"
fi

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$OUT_BASE/$STAMP"
mkdir -p "$OUT"
T0=$SECONDS
say "results in $OUT ($( ((QUICK)) && echo quick || echo full) run)"

{
  echo "{"
  echo "\"nproc\": $(nproc),"
  echo "\"cpu\": \"$(sed -n 's/^model name\s*:\s*//p' /proc/cpuinfo | head -n1)\","
  echo "\"mem_total_mib\": $(($(sed -n 's/^MemTotal:\s*\([0-9]*\).*/\1/p' /proc/meminfo) / 1024)),"
  echo "\"kernel\": \"$(uname -r)\","
  echo "\"load_start\": \"$(cut -d' ' -f1-3 /proc/loadavg)\","
  echo "\"quick\": $QUICK,"
  echo "\"concurrency\": $CONCURRENCY,"
  echo "\"started\": \"$(date -u +%FT%TZ)\""
  echo "}"
} >"$OUT/machine.json"

# ---------------------------------------------------------------- resource sampler
# One line per service per second: epoch-seconds name rss-KiB cpu-ticks. The service
# is the child of its supervisor (pid file of ./lab up); re-resolved every round, so
# a restart mid-run is sampled too (and shows up as a new pid).
service_pid() {
  local sup child exe
  sup="$(cat "$LAB_STATE/run/$1.pid" 2>/dev/null)" || return 1
  case "$1" in
    kafka | redis) kill -0 "$sup" 2>/dev/null && { echo "$sup"; return 0; }; return 1 ;; # exec'd in place
  esac
  for child in $(pgrep -P "$sup" 2>/dev/null); do
    # argv[0], not /proc/PID/exe: a rebuild replaces the binary and exe then ends in " (deleted)"
    exe="$(tr '\0' '\n' <"/proc/$child/cmdline" 2>/dev/null | head -n1)"
    [[ "$exe" == */"$1" ]] && { echo "$child"; return 0; }
  done
  return 1
}
sampler() {
  while :; do
    local now name pid rss ticks
    now="$(date +%s.%N)"
    for name in "${SERVICES[@]}" kafka redis; do
      pid="$(service_pid "$name")" || continue
      rss="$(sed -n 's/^VmRSS:\s*\([0-9]*\).*/\1/p' "/proc/$pid/status" 2>/dev/null)" || continue
      ticks="$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null)" || continue
      echo "$now $name $pid ${rss:-0} ${ticks:-0}"
    done
    # the whole machine: busy ticks of all cores (user nice system irq softirq steal)
    echo "$now machine 0 0 $(awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat)"
    sleep 1
  done
}
sampler >"$OUT/resources.txt" 2>/dev/null &
SAMPLER_PID=$!
BARE_PID=""
PAUSED=() # pids stopped with SIGSTOP by the saturation-alone phase; never left stopped
resume_paused() {
  if ((${#PAUSED[@]})); then kill -CONT "${PAUSED[@]}" 2>/dev/null || true; fi
  PAUSED=()
}
cleanup() {
  resume_paused
  kill "$SAMPLER_PID" 2>/dev/null || true
  [[ -n "$BARE_PID" ]] && kill "$BARE_PID" 2>/dev/null || true
  redis-cli -p "$REDIS_PORT" --scan --pattern 'bench:*' 2>/dev/null | xargs -r -n 500 redis-cli -p "$REDIS_PORT" del >/dev/null 2>&1 || true
}
trap cleanup EXIT

gen() { "$GEN" -q --json "$@"; }

search_backlog() {
  "$JAVA_HOME/bin/java" -Xmx128m -cp "$KAFKA_LIBS/*" org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
    --bootstrap-server "$KAFKA" --describe --group search-service 2>/dev/null \
    | awk '$1 == "search-service" && $6 ~ /^[0-9]+$/ {s += $6} END {print s + 0}'
}
wait_search_idle() {
  local left i
  for ((i = 0; i < 30; i++)); do
    left="$(search_backlog)"
    ((left == 0)) && return 0
    say "  search-service still has $left events to index; waiting"
    sleep 2
  done
  say "  search-service backlog did not reach 0; measuring anyway"
}

# ---------------------------------------------------------------- warm-up
# Kafka and Elasticsearch run on the JVM: just after `./lab up` they are still compiling
# their hot paths (C2 at a third of a core, Kafka near a full core at 100 orders/s) and
# every figure below would measure that. Orders through the whole pipeline, not
# measured, until it has caught up.
say "warm-up: $WARM_ORDERS orders through the pipeline (not measured)"
gen -u "http://127.0.0.1:$ORDER_PORT/create_order" -n "$WARM_ORDERS" -r 1000 -c "$CONCURRENCY" \
  >"$OUT/warm-up.json" || die "warm-up failed: $(cat "$OUT/warm-up.json")"
wait_search_idle

# ---------------------------------------------------------------- ceilings
say "ceiling 1/4: bare QHttpServer route, ${T_BARE}s flat out, $CONCURRENCY connections"
"$BARE" --port "$BARE_PORT" >"$OUT/bare-http.log" 2>&1 &
BARE_PID=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$BARE_PORT") 2>/dev/null && break; sleep 0.1; done
gen -u "http://127.0.0.1:$BARE_PORT/create_order" -d "$T_BARE" -c "$CONCURRENCY" >"$OUT/bare-http.json" \
  || die "bare-http run failed (port $BARE_PORT busy? set LAB_BENCH_BARE_PORT)"
kill "$BARE_PID" 2>/dev/null || true
wait "$BARE_PID" 2>/dev/null || true
BARE_PID=""

say "ceiling 2/4: redis-benchmark (EVALSHA of a small script, HSET, INCR), $REDIS_N requests each, 50 clients"
SHA="$(redis-cli -p "$REDIS_PORT" script load \
  "redis.call('HSET', KEYS[1], 'state', ARGV[1]) return redis.call('HINCRBY', KEYS[1], 'n', 1)")"
{
  redis-benchmark -p "$REDIS_PORT" -c 50 -n "$REDIS_N" -r 10000 --csv evalsha "$SHA" 1 'bench:h:__rand_int__' accepted
  redis-benchmark -p "$REDIS_PORT" -c 50 -n "$REDIS_N" -r 10000 --csv hset 'bench:h:__rand_int__' status confirmed
  redis-benchmark -p "$REDIS_PORT" -c 50 -n "$REDIS_N" -r 10000 --csv incr 'bench:c:__rand_int__'
} >"$OUT/redis-benchmark.csv" 2>"$OUT/redis-benchmark.err" || die "redis-benchmark failed: $(tail -n 3 "$OUT/redis-benchmark.err")"

say "ceiling 3/4: Kafka ProducerPerformance, $KAFKA_RECORDS records of 120 B, acks=all, flat out; then $KAFKA_PACED at 1,000/s"
"$JAVA_HOME/bin/java" -Xmx256m -cp "$KAFKA_LIBS/*" org.apache.kafka.tools.ProducerPerformance \
  --topic bench.perf --num-records "$KAFKA_RECORDS" --record-size 120 --throughput -1 \
  --producer-props "bootstrap.servers=$KAFKA" acks=all >"$OUT/kafka-producer-perf.txt" 2>&1 \
  || die "ProducerPerformance failed: $(tail -n 5 "$OUT/kafka-producer-perf.txt")"
# the same tool paced at 1,000 records/s: one produce hop's latency at the rate of the latency target
"$JAVA_HOME/bin/java" -Xmx256m -cp "$KAFKA_LIBS/*" org.apache.kafka.tools.ProducerPerformance \
  --topic bench.perf --num-records "$KAFKA_PACED" --record-size 120 --throughput 1000 \
  --producer-props "bootstrap.servers=$KAFKA" acks=all linger.ms=2 >"$OUT/kafka-producer-perf-1000.txt" 2>&1 \
  || die "ProducerPerformance (1,000/s) failed: $(tail -n 5 "$OUT/kafka-producer-perf-1000.txt")"

say "ceiling 4/4: Elasticsearch _bulk of $ES_DOCS order documents into the scratch index bench-order-logs"
curl -fsS -X DELETE "$ES/bench-order-logs" >/dev/null 2>&1 || true
gen --bulk-es "$ES_DOCS" --index bench-order-logs --bulk-size 1000 --bulk-parallel 2 --es-url "$ES" \
  >"$OUT/es-bulk.json" || die "Elasticsearch bulk run failed: $(cat "$OUT/es-bulk.json")"
curl -fsS -X DELETE "$ES/bench-order-logs" >/dev/null 2>&1 || true

# ---------------------------------------------------------------- ours
# search-service must have caught up before the search-lag run, or the lag measures
# an old backlog instead of indexing.

watch_opts=(--watch --ws-url "ws://127.0.0.1:$NOTIFIER_PORT/ws" --watch-timeout 90 -c "$CONCURRENCY")
URL="http://127.0.0.1:$ORDER_PORT/create_order"
FAILED_RUNS=()
run_ours() { # name, generator args...: a watched run; a lost or duplicated notification fails the bench
  local name="$1"; shift
  local rc=0 start
  start="$(date +%s.%N)"
  gen -u "$URL" "${watch_opts[@]}" "$@" >"$OUT/$name.json" || rc=$?
  run_done "$name" "$start" "$rc"
}
run_done() { # name, start time, generator exit status
  local name="$1" start="$2" rc="$3"
  echo "$name $start $(date +%s.%N)" >>"$OUT/phases.txt"
  if ((rc == 1)); then
    FAILED_RUNS+=("$name")
    say "  $name: exactly-once check FAILED (see $OUT/$name.json)"
  elif ((rc != 0)); then
    die "$name: bulk-order-generator failed with status $rc: $(cat "$OUT/$name.json")"
  fi
}

wait_search_idle
for rate in 100 1000 5000; do
  extra=()
  if ((rate == 1000)); then
    extra=(--search-lag --es-url "$ES" --index order-logs --lag-every-ms 50)
    say "ours: ${rate} orders/s for ${T_RATE}s, POST->notification latency + search lag"
  else
    say "ours: ${rate} orders/s for ${T_RATE}s, POST->notification latency"
  fi
  run_ours "rate-$rate" -r "$rate" -d "$T_RATE" "${extra[@]}"
done

say "ours: order-service at saturation, ${T_SAT}s flat out"
run_ours saturation -d "$T_SAT"

# The same with the machine to order-service, Redis and Kafka: payment-, inventory- and
# search-service are paused (SIGSTOP) while the load runs, so the comparison with the
# bare route is not about the CPU the rest of the pipeline takes. They resume when the
# load ends (or the bench exits) and work off the backlog; every order is still
# followed to its notification.
# The pause stays under 5 s: a consumer stopped longer than the services' 10 s session
# timeout (minus a heartbeat interval) loses its partitions and the catch-up starts
# with a rebalance.
T_ALONE=$((QUICK ? 3 : 4))
say "ours: order-service alone at saturation (payment-, inventory-, search-service paused), ${T_ALONE}s flat out"
for name in payment-service inventory-service search-service; do
  pid="$(service_pid "$name")" && PAUSED+=("$pid")
done
((${#PAUSED[@]} == 3)) || die "cannot find the pids of payment-, inventory- and search-service to pause"
kill -STOP "${PAUSED[@]}"
start="$(date +%s.%N)"
gen -u "$URL" "${watch_opts[@]}" --watch-timeout 180 -d "$T_ALONE" >"$OUT/saturation-alone.json" &
gen_pid=$!
sleep "$T_ALONE"
sleep 0.5
resume_paused
rc=0
wait "$gen_pid" || rc=$?
run_done saturation-alone "$start" "$rc"
wait_search_idle

say "ours: end to end, ${T_E2E}s flat out, every order followed to its notification"
run_ours e2e -d "$T_E2E"

sleep 1.5 # one more resource sample after the last phase
kill "$SAMPLER_PID" 2>/dev/null || true
echo "{\"load_end\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"seconds\": $((SECONDS - T0)), \"clk_tck\": $(getconf CLK_TCK)}" \
  >"$OUT/end.json"

# ---------------------------------------------------------------- table + JSON
rc=0
python3 "$ROOT/tools/bench/report.py" "$OUT" "$OUT_BASE/latest.json" || rc=$?
say "done in $((SECONDS - T0))s; JSON: $OUT/summary.json (also $OUT_BASE/latest.json)"
if ((${#FAILED_RUNS[@]})); then
  die "orders lost or notified twice in: ${FAILED_RUNS[*]} — a bench that loses orders is a failed bench"
fi
exit "$rc"
