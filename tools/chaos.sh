#!/usr/bin/env bash
# tools/chaos.sh: fault injection under load (tests/chaos/tst_chaos) against an ISOLATED
# Kafka, Redis and Elasticsearch: its own state directory and free ports, started here
# with `./lab infra up` and torn down at the end. The shared lab (9092/6379/9200) is
# never stopped or restarted. See docs/RELIABILITY.md.
#
#   tools/chaos.sh                 short form (~6 min on 2 cores): 50 orders/s, 15 s ES outage
#   tools/chaos.sh --long          long form (~15 min): 150 orders/s, 60 s ES outage, Redis SIGKILL
#   tools/chaos.sh --cluster       cluster form (~12 min): three Kafka nodes, Redis with a replica and
#                                  three Sentinels; partition leader SIGKILLed, a broker stopped 30 s,
#                                  a rolling restart, the active controller SIGKILLed, the Redis
#                                  master SIGKILLed (the `cluster.short` CTest test runs two of them)
#   options: --build-dir DIR (default build/), --report FILE (Markdown table), --keep (keep state dir)
#            --rate N (orders/s), any other argument goes to tst_chaos (e.g. a test function name)
#   LAB_KAFKA_BROKERS=3 (./lab chaos --brokers 3): the usual phases on three Kafka nodes
#
# Prints the per-phase table, the counts (faults injected, orders during faults, 2xx,
# lost, duplicates) and a final line "N passed, M failed"; exits non-zero on a failure.
set -uo pipefail
LAB_TAG=chaos
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
root="$LAB_ROOT"
build="$BUILD_DIR"
long=0 keep=0 cluster=0 report="" extra=()
while (($#)); do
  case "$1" in
    --long) long=1 ;;
    --cluster) cluster=1 ;;
    --keep) keep=1 ;;
    --build-dir) build="$2"; shift ;;
    --report) report="$2"; shift ;;
    --rate) export CHAOS_RATE="$2"; shift ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) extra+=("$1") ;;
  esac
  shift
done
bin="$build/tests/chaos/tst_chaos"
[[ -x "$bin" ]] || { echo "chaos: $bin is not built (cmake --build $build --target tst_chaos)" >&2; exit 2; }


mkdir -p "$LAB_HOME"
state="$(mktemp -d "$LAB_HOME/chaos.XXXXXX")"
chmod a+rx "$state"
export LAB_STATE="$state" LAB_INFRA=local  # its own infrastructure, whatever the caller uses
# Kafka nodes: 3 in the cluster form, else what LAB_KAFKA_BROKERS says (a count, or the
# list ./lab test hands down, whose entries are counted), 1 by default
nodes=1
if ((cluster)); then nodes=3
elif [[ "${LAB_KAFKA_BROKERS:-1}" =~ ^[0-9]+$ ]]; then nodes="${LAB_KAFKA_BROKERS:-1}"
else commas="${LAB_KAFKA_BROKERS//[^,]/}"; nodes=$((${#commas} + 1)); fi
kafka_ports=() controller_ports=()
for ((i = 0; i < nodes; i++)); do kafka_ports+=("$(free_port)"); controller_ports+=("$(free_port)"); done
export LAB_KAFKA_PORTS="${kafka_ports[*]}" LAB_KAFKA_CONTROLLER_PORTS="${controller_ports[*]}"
export LAB_KAFKA_PORT="${kafka_ports[0]}" LAB_KAFKA_CONTROLLER_PORT="${controller_ports[0]}"
export LAB_REDIS_PORT=$(free_port) LAB_REDIS_REPLICA_PORT=$(free_port)
export LAB_SENTINEL_PORTS="$(free_port) $(free_port) $(free_port)"
# Sentinels in the cluster form; otherwise as ./lab decides (on with three nodes)
if ((cluster)); then export LAB_REDIS_SENTINEL=1; fi
export LAB_REDIS_SENTINEL="${LAB_REDIS_SENTINEL:-$( ((nodes > 1)) && echo 1 || echo 0)}" LAB_REDIS_MASTER_NAME=lab
export LAB_ES_PORT=$(free_port) LAB_ES_HEAP="${LAB_ES_HEAP:-512m}"
export LAB_KAFKA_HEAP="${LAB_KAFKA_HEAP:-$( ((nodes > 1)) && echo 384m || echo 512m)}"
export LAB_KAFKA_JMX_PORT=$(free_port)
# what the test's labtest:: helpers and ServiceStack read
brokers="$(printf '127.0.0.1:%s,' "${kafka_ports[@]}")"
export LAB_KAFKA_BROKERS="${brokers%,}" LAB_REDIS_HOST=127.0.0.1 LAB_REDIS_SENTINELS=""
if [[ "$LAB_REDIS_SENTINEL" == 1 ]]; then
  sentinels="$(printf '127.0.0.1:%s,' $LAB_SENTINEL_PORTS)"
  LAB_REDIS_SENTINELS="${sentinels%,}"
fi
export LAB_ELASTICSEARCH_URL="http://127.0.0.1:$LAB_ES_PORT"
export LAB_BUILD_DIR="$build" LAB_SOURCE_DIR="$root" CHAOS_ISOLATED=1 CHAOS_LONG=$long CHAOS_CLUSTER=$cluster
[[ -n "$report" ]] && export CHAOS_REPORT="$report"
echo "chaos: isolated infrastructure in $state (kafka $LAB_KAFKA_BROKERS, redis :$LAB_REDIS_PORT${LAB_REDIS_SENTINELS:+ behind the Sentinels $LAB_REDIS_SENTINELS}, es :$LAB_ES_PORT)"

cleanup() {
  "$root/lab" infra down >"$state/down.log" 2>&1 || cat "$state/down.log" >&2
  if ((keep)); then echo "chaos: state kept in $state"; else rm -rf "$state"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

t0=$SECONDS
if ! "$root/lab" infra up >"$state/infra-up.log" 2>&1; then
  tail -n 40 "$state/infra-up.log" >&2
  echo "chaos: the isolated infrastructure did not come up"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "chaos: infrastructure up in $((SECONDS - t0))s; running tst_chaos ($( ((cluster)) && echo cluster || { [[ $long == 1 ]] && echo long || echo short; }) form)"
# QTest's watchdog aborts a test function that runs longer than QTEST_FUNCTION_TIMEOUT
# (default 5 min). A long phase (the 60 s Elasticsearch outage, its restart, a 300 s
# audit bound) can legitimately approach that, and Qt 6.4's watchdog may count two
# consecutive functions as one when the first ends just before the next begins (it
# then aborted the long form 14 s into slowWebSocketClient). So the bound is set here,
# deliberately, as a hang detector above the longest phase's own bounds (short: ~8 min
# worst case, long: ~15 min) and below CTest's timeout for chaos.short (1800 s).
export QTEST_FUNCTION_TIMEOUT="${QTEST_FUNCTION_TIMEOUT:-$([[ $long == 1 ]] && echo 1800000 || echo 900000)}"
# If this script dies (CTest's timeout, a SIGKILL), the test dies with it, and the
# services it started die with the test (labtest::tieToTestLifetime).
setpriv --pdeathsig KILL -- "$bin" "${extra[@]}"
rc=$?
echo "chaos: finished in $((SECONDS - t0))s with status $rc"
exit $rc
