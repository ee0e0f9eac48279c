#!/usr/bin/env bash
# System test of `LAB_INFRA=external ./lab up|status|down`: the five services against a
# Kafka, Redis and Elasticsearch that run already and that ./lab must not touch. They
# stand in for docker-compose's: an isolated `./lab infra up` (its own state directory,
# free ports; the shared lab is never used). The services use the same state directory
# (as on a machine where `./lab infra up` ran with the defaults), so that ./lab could
# reach the infrastructure's pid files, and free ports. Checks: the services come up
# against the external infrastructure and an order flows; ./lab created the topics, the
# index template exists; no infrastructure process was started; `./lab infra down` is
# refused; `./lab down` stops the services and leaves the infrastructure running, the
# same processes.
set -uo pipefail
root="${1:?usage: lab-external.sh REPO_ROOT}"
passed=0 failed=0
ok()   { echo "ok   - $*"; passed=$((passed + 1)); }
fail() { echo "FAIL - $*"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed"; ((failed == 0)); exit; }

source "$root/tools/lib/env.sh" # free_port

mkdir -p /var/tmp/kafka-lab
infra="$(mktemp -d /var/tmp/kafka-lab/external.XXXXXX)"
state="$infra"
chmod a+rx "$infra"
redis_port=$(free_port) kafka_port=$(free_port) controller_port=$(free_port) es_port=$(free_port)
# the infrastructure, as its owner starts it
infra_lab() {
  env -u LAB_INFRA LAB_STATE="$infra" LAB_REDIS_PORT="$redis_port" LAB_KAFKA_PORT="$kafka_port" \
    LAB_KAFKA_CONTROLLER_PORT="$controller_port" LAB_ES_PORT="$es_port" LAB_ES_HEAP=512m "$root/lab" "$@"
}
# the services: LAB_INFRA=external, the infrastructure named by the services' variables
# only (./lab's own LAB_*_PORT for it stay at their defaults, which the shared lab uses)
export LAB_ORDER_PORT=$(free_port) LAB_SEARCH_PORT=$(free_port) LAB_PAYMENT_PORT=$(free_port)
export LAB_INVENTORY_PORT=$(free_port) LAB_NOTIFIER_PORT=$(free_port) LAB_PROMETHEUS_PORT=$(free_port)
svc_lab() {
  env -u LAB_REDIS_PORT -u LAB_KAFKA_PORT -u LAB_ES_PORT LAB_INFRA=external LAB_STATE="$state" \
    KAFKA_BROKERS="127.0.0.1:$kafka_port" REDIS_HOST=127.0.0.1 REDIS_PORT="$redis_port" \
    ELASTICSEARCH_URL="http://127.0.0.1:$es_port/" LAB_EXTERNAL_WAIT=300 "$root/lab" "$@"
}
echo "state $infra; infrastructure kafka :$kafka_port redis :$redis_port es :$es_port; services order :$LAB_ORDER_PORT"

cleanup() {
  svc_lab down >/dev/null 2>&1
  infra_lab infra down >/dev/null 2>&1
  rm -rf "$infra"
}
trap cleanup EXIT

if infra_lab infra up >"$infra/up.log" 2>&1; then ok "isolated infrastructure up (the stand-in for docker-compose's)"; else
  fail "isolated infrastructure up"; tail -n 30 "$infra/up.log"; finish
fi
infra_pids() { cat "$infra"/run/{redis,kafka,elasticsearch}.pid 2>/dev/null | tr '\n' ' '; }

# as after `docker-compose up -d`: Elasticsearch is not up yet when ./lab up starts
infra_lab infra stop elasticsearch >"$infra/es-stop.log" 2>&1
svc_lab up >"$state/up.log" 2>&1 &
up_pid=$!
# Elasticsearch starts only once ./lab up waits for it (300 s: a hang detector for deps and build)
for _ in $(seq 1 600); do
  grep -q "waiting for elasticsearch at" "$state/up.log" 2>/dev/null && break
  kill -0 "$up_pid" 2>/dev/null || break
  sleep 0.5
done
infra_lab infra start elasticsearch >"$infra/es-start.log" 2>&1 || { fail "Elasticsearch restart"; tail "$infra/es-start.log"; }
before="$(infra_pids)"
if wait "$up_pid"; then ok "LAB_INFRA=external ./lab up"; else
  fail "LAB_INFRA=external ./lab up"; tail -n 40 "$state/up.log"; finish
fi
grep -q "waiting for elasticsearch at http://127.0.0.1:$es_port" "$state/up.log" \
  && ok "./lab up waited for Elasticsearch, which came up after it started" || fail "no wait for Elasticsearch in the output"
for name in redis kafka elasticsearch; do
  grep -q "$name answers at" "$state/up.log" && ok "./lab up saw $name answer" || fail "no answer from $name in the output"
done
[[ "$(infra_pids)" == "$before" ]] && ok "./lab up started no infrastructure process (same pids: $before)" \
  || fail "infrastructure pids before ./lab up: $before, after: $(infra_pids)"
grep -q "Kafka             127.0.0.1:$kafka_port  (external)" "$state/up.log" \
  && ok "the URL table names the external Kafka" || fail "URL table: $(grep Kafka "$state/up.log")"

topics=$(timeout 20 kcat -b "127.0.0.1:$kafka_port" -L 2>/dev/null | grep -oE 'topic "[a-z.]+" with [0-9]+ partitions' | sort | tr '\n' ' ')
[[ "$topics" == *'"order.created" with 6 partitions'* && "$topics" == *'"order.notification" with 6 partitions'* ]] \
  && grep -q "topics present: order.created" "$state/up.log" \
  && ok "./lab up created the topics on the external Kafka (lab-admin)" || fail "topics: $topics"
curl -fs "http://127.0.0.1:$es_port/_index_template/lab-order-logs" >/dev/null \
  && ok "the index template lab-order-logs is on the external Elasticsearch" || fail "no index template"

order_id=$(( (RANDOM << 15 | RANDOM) + 1 ))
answer=$(curl -s -X POST "http://127.0.0.1:$LAB_ORDER_PORT/create_order" -H 'Content-Type: application/json' \
  -d "{\"order_id\": $order_id, \"item\": \"mouse\", \"quantity\": 2}")
[[ "$answer" == *'"Order created"'* ]] && ok "POST /create_order answers Order created" || fail "POST answered: $answer"
status="" found=""
for _ in $(seq 1 120); do # 60 s: a hang detector, the order takes well under a second
  [[ "$status" == *'"status":"confirmed"'* ]] || status=$(curl -s "http://127.0.0.1:$LAB_ORDER_PORT/orders/$order_id")
  [[ -n "$found" ]] || { curl -s "http://127.0.0.1:$LAB_SEARCH_PORT/search?item=mouse" | grep -q "\"order_id\":$order_id" && found=1; }
  [[ "$status" == *'"status":"confirmed"'* && -n "$found" ]] && break
  sleep 0.5
done
[[ "$status" == *'"status":"confirmed"'* ]] && ok "the order is confirmed" || fail "order status: $status"
[[ -n "$found" ]] && ok "the order is searchable in the external Elasticsearch" || fail "order not found by /search"

svc_lab status >"$state/status.log" 2>&1
grep -Eq "^kafka +healthy .*external: 127.0.0.1:$kafka_port" "$state/status.log" \
  && ok "./lab status shows the external Kafka" || { fail "./lab status"; cat "$state/status.log"; }

if svc_lab infra down >"$state/infra-down.log" 2>&1; then fail "LAB_INFRA=external ./lab infra down was not refused"
else grep -q "does not start or stop" "$state/infra-down.log" && ok "LAB_INFRA=external ./lab infra down is refused" \
  || fail "infra down: $(cat "$state/infra-down.log")"; fi

svc_pids=""
for pf in "$state"/run/*-service.pid; do p=$(cat "$pf"); svc_pids="$svc_pids $p $(pgrep -P "$p" | tr '\n' ' ')"; done
svc_lab down >"$state/down.log" 2>&1 && ok "LAB_INFRA=external ./lab down" || fail "./lab down: $(tail -5 "$state/down.log")"
left=""
for p in $svc_pids; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
[[ -z "$left" ]] && ok "./lab down stopped every service process" || fail "service processes left:$left"
after="$(infra_pids)"
alive=1
for p in $before; do kill -0 "$p" 2>/dev/null || alive=0; done
[[ "$before" == "$after" && $alive == 1 ]] && ok "the infrastructure still runs, the same processes ($before)" \
  || fail "infrastructure processes before: $before, after: $after"
redis-cli -p "$redis_port" ping | grep -q PONG && timeout 10 kcat -b "127.0.0.1:$kafka_port" -L >/dev/null 2>&1 \
  && curl -fs "http://127.0.0.1:$es_port/_cluster/health" >/dev/null \
  && ok "Redis, Kafka and Elasticsearch still answer" || fail "the infrastructure does not answer after ./lab down"
finish
