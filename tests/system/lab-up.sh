#!/usr/bin/env bash
# System test of the README's first command: `./lab up` from nothing (its own state
# directory, every port free and different from the running lab), its JVM warm-up
# leaves nothing behind, Kafka's JMX listens on loopback only, the seed's curl flow,
# a service killed with SIGKILL comes back healthy within 10 s, a second `./lab up`
# does no harm, Prometheus scrapes every service (and sees the consumer lag), every
# service's /metrics passes `promtool check metrics` with one label set per name, every
# component's log stays under its cap (here 2 files of 64 KiB, so that the chatty ones
# rotate), and `./lab down` leaves no process behind.
set -uo pipefail
root="${1:?usage: lab-up.sh REPO_ROOT}"
passed=0 failed=0
ok()   { echo "ok   - $*"; passed=$((passed + 1)); }
fail() { echo "FAIL - $*"; failed=$((failed + 1)); }

source "$root/tools/lib/env.sh" # free_port

state="$(mktemp -d /var/tmp/kafka-lab/systest.XXXXXX)"
chmod a+rx "$state"
export LAB_STATE="$state" LAB_INFRA=local  # ./lab up from nothing, its own infrastructure
export LAB_REDIS_PORT=$(free_port) LAB_KAFKA_PORT=$(free_port) LAB_KAFKA_CONTROLLER_PORT=$(free_port)
export LAB_ES_PORT=$(free_port) LAB_ES_HEAP=512m LAB_KAFKA_JMX_PORT=$(free_port)
export LAB_ORDER_PORT=$(free_port) LAB_SEARCH_PORT=$(free_port) LAB_PAYMENT_PORT=$(free_port)
export LAB_INVENTORY_PORT=$(free_port) LAB_NOTIFIER_PORT=$(free_port) LAB_PROMETHEUS_PORT=$(free_port)
export LAB_LOG_SIZE=64K LAB_LOG_FILES=2
echo "state $state; order :$LAB_ORDER_PORT search :$LAB_SEARCH_PORT kafka :$LAB_KAFKA_PORT es :$LAB_ES_PORT"

cleanup() {
  "$root/lab" down >/dev/null 2>&1
  rm -rf "$state"
}
trap cleanup EXIT

if "$root/lab" up >"$state/up.log" 2>&1; then ok "./lab up from nothing"; else
  fail "./lab up from nothing"; tail -n 40 "$state/up.log"; echo "$passed passed, $failed failed"; exit 1
fi
grep -q "Order API" "$state/up.log" && ok "./lab up prints where everything runs" || fail "./lab up prints the URL table"

# The warm-up (lab-warmup namespace) ran and left no topic, Redis key, index or process.
grep -q "warm-up done" "$state/up.log" && ok "./lab up warmed up the JVMs it started" || fail "no warm-up in ./lab up"
topics=$(kcat -b "127.0.0.1:$LAB_KAFKA_PORT" -L 2>/dev/null | grep -c 'topic "lab-warmup\.')
keys=$(redis-cli -p "$LAB_REDIS_PORT" --scan --pattern 'lab-warmup:*' | wc -l)
index=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$LAB_ES_PORT/lab-warmup-order-logs")
scratch=$(grep -l "LAB_NAMESPACE=lab-warmup" /proc/[0-9]*/environ 2>/dev/null | xargs -r grep -l "127.0.0.1:$LAB_KAFKA_PORT" 2>/dev/null | wc -l)
# its throw-away Redis runs in $state/logs/warm-up: the only redis-server in $state must be the lab's
for p in $(pgrep -x redis-server); do
  [[ "$p" != "$(cat "$state/run/redis.pid")" && "$(readlink "/proc/$p/cwd")" == "$state"/* ]] && scratch=$((scratch + 1))
done
[[ "$topics" == 0 && "$keys" == 0 && "$index" == 404 && "$scratch" == 0 ]] \
  && ok "the warm-up left nothing behind" \
  || fail "the warm-up left $topics topics, $keys Redis keys, index HTTP $index, $scratch processes"
# JMX for ./lab bench, on loopback only: the listening socket's local address
jmx=$(ss -Hltn "sport = :$LAB_KAFKA_JMX_PORT" | awk '{print $4}')
[[ -n "$jmx" && "$jmx" != *"*"* && "$jmx" != 0.0.0.0:* && "$jmx" == *127.0.0.1* ]] \
  && ok "Kafka's JMX listens on loopback only ($jmx)" || fail "Kafka's JMX socket: '${jmx:-none}'"

order_id=$(( (RANDOM << 15 | RANDOM) + 1 ))
answer=$(curl -s -X POST "http://127.0.0.1:$LAB_ORDER_PORT/create_order" -H 'Content-Type: application/json' \
  -d "{\"order_id\": $order_id, \"item\": \"mouse\", \"quantity\": 2000}")
[[ "$answer" == '{"message":"Order created"}' || "$answer" == '{"message": "Order created"}' ]] \
  && ok "seed POST /create_order answers Order created" || fail "seed POST answered: $answer"

found=""
for _ in $(seq 1 60); do
  if curl -s "http://127.0.0.1:$LAB_SEARCH_PORT/search?item=mouse" | grep -q "\"order_id\":$order_id"; then found=1; break; fi
  sleep 0.5
done
[[ -n "$found" ]] && ok "seed GET /search?item=mouse returns the order" || fail "order $order_id not searchable within 30 s"

status=""
for _ in $(seq 1 40); do
  status=$(curl -s "http://127.0.0.1:$LAB_ORDER_PORT/orders/$order_id")
  grep -q '"status":"confirmed"' <<<"$status" && break
  sleep 0.25
done
grep -q '"status":"confirmed"' <<<"$status" && ok "GET /orders/$order_id is confirmed" || fail "order status: $status"

# The browser UI on its (non-default) port may call the Order API; another origin may not.
page="http://127.0.0.1:$LAB_NOTIFIER_PORT"
grant=$(curl -s -o /dev/null -D - -X OPTIONS "http://127.0.0.1:$LAB_ORDER_PORT/create_order" -H "Origin: $page" \
  -H 'Access-Control-Request-Method: POST' | tr -d '\r' | sed -n 's/^[Aa]ccess-[Cc]ontrol-[Aa]llow-[Oo]rigin: //p')
[[ "$grant" == "$page" ]] && ok "the Order API allows the browser UI's origin ($page)" \
  || fail "preflight from $page granted '$grant' (./lab up must pass NOTIFIER_PORT to the services)"
refused=$(curl -s -o /dev/null -w '%{http_code}' -X OPTIONS "http://127.0.0.1:$LAB_ORDER_PORT/create_order" \
  -H 'Origin: http://evil.example' -H 'Access-Control-Request-Method: POST')
[[ "$refused" == 403 ]] && ok "the Order API refuses another origin" || fail "preflight from http://evil.example answered $refused"

# Prometheus (on by default): every service's /metrics scraped (it sends Host
# 127.0.0.1:<port>, which the services allow), and the consumer lag is a series
prom="http://127.0.0.1:$LAB_PROMETHEUS_PORT"
grep -q "Prometheus .*$LAB_PROMETHEUS_PORT" "$state/up.log" && ok "./lab up names Prometheus' URL" \
  || fail "./lab up does not print Prometheus' URL"
ups=""
for _ in $(seq 1 60); do # a hang bound (30 s; the scrape interval is 5 s)
  ups=$(curl -s "$prom/api/v1/query?query=up" | python3 -c 'import json,sys
print(" ".join(sorted(r["metric"]["job"] for r in json.load(sys.stdin)["data"]["result"] if r["value"][1] == "1")))' 2>/dev/null)
  [[ "$ups" == "inventory-service notifier-service order-service payment-service prometheus search-service" ]] && break
  sleep 0.5
done
[[ "$ups" == "inventory-service notifier-service order-service payment-service prometheus search-service" ]] \
  && ok "Prometheus scrapes every service (up == 1)" || fail "Prometheus sees up for: '$ups'"
lag=""
for _ in $(seq 1 60); do
  lag=$(curl -s "$prom/api/v1/query?query=lab_kafka_consumer_group_lag" | grep -o '"group":"payment-service"')
  [[ -n "$lag" ]] && break
  sleep 0.5
done
[[ -n "$lag" ]] && ok "Prometheus has the consumer lag of payment-service" || fail "no lab_kafka_consumer_group_lag{group=\"payment-service\"}"
rules=$(curl -s "$prom/api/v1/rules" | grep -o '"name":"ConsumerLagHigh"')
[[ -n "$rules" ]] && ok "Prometheus loaded the lab's alert rules" || fail "no alert rules loaded"

# Every service's /metrics passes Prometheus' own linter, and across the five a metric
# name means one thing: one set of label keys (servicemetrics.h defines each once)
scrapes="$state/metrics"
mkdir -p "$scrapes"
for port in $LAB_ORDER_PORT $LAB_SEARCH_PORT $LAB_PAYMENT_PORT $LAB_INVENTORY_PORT $LAB_NOTIFIER_PORT; do
  curl -s "http://127.0.0.1:$port/metrics" >"$scrapes/$port.txt"
  if lint=$(promtool check metrics <"$scrapes/$port.txt" 2>&1) && [[ -s "$scrapes/$port.txt" ]]; then
    ok "promtool check metrics: :$port's /metrics is clean"
  else
    fail "promtool check metrics on :$port: ${lint:-empty scrape}"
  fi
done
mixed=$(python3 - "$scrapes"/*.txt <<'PY'
import re, sys
keys = {}
for path in sys.argv[1:]:
    for line in open(path):
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ", line)
        if not m or line.startswith("#"):
            continue
        name = re.sub(r"_(bucket|sum|count)$", "", m[1])
        labels = frozenset(k for k in re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="', m[2] or "") if k != "le")
        keys.setdefault(name, {}).setdefault(labels, path.rsplit("/", 1)[-1])
print(" ".join(f"{n}:{'|'.join(','.join(sorted(k)) for k in ks)}" for n, ks in sorted(keys.items()) if len(ks) > 1))
PY
)
[[ -z "$mixed" ]] && ok "every metric name has one set of label keys across the five services" \
  || fail "metric names with several sets of label keys: $mixed"

# SIGKILL the payment-service process (not its supervisor): back and healthy within 10 s
sup=$(cat "$state/run/payment-service.pid")
child=$(pgrep -P "$sup" | head -n1)
if [[ -n "$child" ]]; then
  kill -KILL "$child"
  back=""
  for _ in $(seq 1 100); do
    sleep 0.1
    newchild=$(pgrep -P "$sup" | head -n1)
    if [[ -n "$newchild" && "$newchild" != "$child" ]] \
       && curl -fs "http://127.0.0.1:$LAB_PAYMENT_PORT/healthz" >/dev/null; then back=1; break; fi
  done
  [[ -n "$back" ]] && ok "payment-service killed with SIGKILL is back and healthy within 10 s" \
    || fail "payment-service not back within 10 s"
  grep -q "restarting payment-service" "$state"/logs/payment-service/payment-service.log* \
    && ok "the restart is logged" || fail "restart not logged"
else
  fail "no payment-service process under its supervisor"
fi

# `kill <pid from the pid file>` (SIGTERM to the supervisor alone, not the group) stops
# the supervisor AND its service, which drains and exits 0 ("stopped" in its log); the
# second ./lab up below starts it again.
sup=$(cat "$state/run/inventory-service.pid")
child=$(pgrep -P "$sup" | head -n1)
if [[ -n "$child" ]]; then
  kill -TERM "$sup"
  gone=""
  for _ in $(seq 1 300); do # a hang bound (30 s; the drain takes well under a second)
    if ! kill -0 "$sup" 2>/dev/null && ! kill -0 "$child" 2>/dev/null; then gone=1; break; fi
    sleep 0.1
  done
  [[ -n "$gone" ]] && ok "a plain kill of the supervisor stops it and its service" \
    || fail "after kill $sup: supervisor $(kill -0 "$sup" 2>/dev/null && echo running || echo gone), service $(kill -0 "$child" 2>/dev/null && echo running || echo gone)"
  tail -n 3 "$state/logs/inventory-service.log" | grep -q '"inventory-service stopped"\|"stopped"' \
    && ok "the service drained and stopped cleanly" || { fail "no clean stop in the log"; tail -n 5 "$state/logs/inventory-service.log"; }
else
  fail "no inventory-service process under its supervisor"
fi

if "$root/lab" up >"$state/up2.log" 2>&1 && grep -q "already running" "$state/up2.log"; then
  ok "a second ./lab up does no harm"
else fail "second ./lab up"; tail -n 20 "$state/up2.log"; fi

# Every component's log is capped: LAB_LOG_FILES files of LAB_LOG_SIZE under logs/NAME/,
# logs/NAME.log the one being written. rotatelogs checks the size before each write, so
# a file may pass the size by one write (a few KiB).
cap=$((2 * 64 * 1024 + 2 * 16384))
over="" rotated="" unlinked="" names=""
for d in "$state"/logs/*/; do
  name=$(basename "$d")
  [[ -f "$d/$name.log" ]] || continue # not a component's log (e.g. nothing)
  names="$names $name"
  size=$(cat "$d/$name".log* | wc -c)
  ((size <= cap)) || over="$over $name:$size"
  [[ -f "$d/$name.log.1" ]] && rotated="$rotated $name"
  [[ "$state/logs/$name.log" -ef "$(ls -t "$d/$name".log* | head -n1)" ]] || unlinked="$unlinked $name"
done
[[ $(wc -w <<<"$names") -ge 8 ]] && ok "every component writes a capped log:$names" || fail "capped logs only for:$names"
[[ -z "$over" ]] && ok "every component's log stays under 2 x 64 KiB" || fail "logs over their cap:$over"
[[ -n "$rotated" ]] && ok "the logs rotate (kept 2 files:$rotated)" || fail "no log rotated"
[[ -z "$unlinked" ]] && ok "logs/NAME.log is the file being written" || fail "logs/NAME.log is not the newest file for:$unlinked"

# every process ./lab started: the pid files, their children and grandchildren
pids=""
for pf in "$state"/run/*.pid; do
  p=$(cat "$pf"); pids="$pids $p"
  for c in $(pgrep -P "$p"); do pids="$pids $c $(pgrep -P "$c" | tr '\n' ' ')"; done
done
"$root/lab" down >"$state/down.log" 2>&1 && ok "./lab down" || fail "./lab down"
# SIGTERM to each service's group reaches the service twice (directly and passed on by
# its supervisor): taken as one request, every service drains and logs its clean stop
# instead of exiting at once on the second signal.
unclean=""
for s in order-service payment-service inventory-service notifier-service search-service; do
  tail -n 5 "$state/logs/$s.log" | grep -q '"stopped"\|'"\"$s stopped\"" || unclean="$unclean $s"
done
[[ -z "$unclean" ]] && ok "./lab down: every service drained and stopped cleanly" \
  || fail "no clean stop logged by:$unclean"
left=""
for p in $pids; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
left="$left $(pgrep -f -- "$state" | tr '\n' ' ')"
[[ -z "${left// /}" ]] && ok "./lab down leaves no process behind ($(wc -w <<<"$pids") checked)" \
  || { fail "processes left:$left"; ps -o pid,cmd -p ${left// /,} ; }
for p in $LAB_ORDER_PORT $LAB_SEARCH_PORT $LAB_PAYMENT_PORT $LAB_INVENTORY_PORT $LAB_NOTIFIER_PORT \
         $LAB_KAFKA_PORT $LAB_ES_PORT $LAB_REDIS_PORT $LAB_KAFKA_JMX_PORT $LAB_PROMETHEUS_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then fail "port $p still open after down"; fi
done

echo "$passed passed, $failed failed"
((failed == 0))
