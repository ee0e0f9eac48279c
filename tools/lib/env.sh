# tools/lib/env.sh: what ./lab and tools/*.sh share, in one place. Sourced, never run:
#
#   LAB_TAG=bench; source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
#
# Paths (the source tree, the shared downloads, the state directory, the build
# directories), the versions deps/pom.xml pins, the components' ports as the LAB_*
# variables set them, the five services, the messages (say, warn, die, tagged with
# LAB_TAG) and the CMake configure step (CMakePresets.json). Nothing here starts,
# stops or changes anything.

LAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Downloads and unpacked distributions, shared by every clone (outside the source tree).
LAB_HOME="${LAB_HOME:-/var/tmp/kafka-lab}"
LAB_DIST="$LAB_HOME/dist"
# Data, logs and pid files of the running components: one state directory.
LAB_STATE="${LAB_STATE:-$LAB_HOME/state}"
BUILD_DIR="${LAB_BUILD_DIR:-$LAB_ROOT/build}"

KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$LAB_ROOT/deps/pom.xml")"
ES_VERSION="$(sed -n 's:.*<elasticsearch.version>\(.*\)</elasticsearch.version>.*:\1:p' "$LAB_ROOT/deps/pom.xml")"
KAFKA_LIBS="$LAB_DIST/kafka-$KAFKA_VERSION/libs"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
export JAVA_HOME

# The five services: name:port-variable:default-port, in start order
SERVICES=(order-service:LAB_ORDER_PORT:5000 search-service:LAB_SEARCH_PORT:5100
  payment-service:LAB_PAYMENT_PORT:5200 inventory-service:LAB_INVENTORY_PORT:5300
  notifier-service:LAB_NOTIFIER_PORT:8000)
SERVICE_NAMES=("${SERVICES[@]%%:*}")

# service_port NAME: the port NAME listens on, as LAB_<NAME>_PORT says now
service_port() {
  local entry n var def
  for entry in "${SERVICES[@]}"; do
    IFS=: read -r n var def <<<"$entry"
    [[ "$n" == "$1" ]] && { echo "${!var:-$def}"; return; }
  done
  return 1
}

# lab_ports: the infrastructure's ports from the LAB_* variables (again after a script
# changes them, as the isolated soak and chaos runs do)
lab_ports() {
  REDIS_PORT="${LAB_REDIS_PORT:-6379}"
  KAFKA_PORT="${LAB_KAFKA_PORT:-9092}"
  KAFKA_CONTROLLER_PORT="${LAB_KAFKA_CONTROLLER_PORT:-9093}"
  # the broker's JMX (request counts for ./lab bench), loopback only, no auth; 0 = none
  KAFKA_JMX_PORT="${LAB_KAFKA_JMX_PORT:-9999}"
  ES_PORT="${LAB_ES_PORT:-9200}"
  ES_TRANSPORT_PORT="${LAB_ES_TRANSPORT_PORT:-$((ES_PORT + 100))}" # between nodes; loopback, unused by clients
}
lab_ports

# Messages: say and warn on standard output and error (LAB_SAY_FD=2 moves say to
# standard error too, for scripts whose output is data); die exits LAB_DIE_STATUS (1).
say()  { printf '\033[1;34m[%s]\033[0m %s\n' "${LAB_TAG:-lab}" "$*" >&"${LAB_SAY_FD:-1}"; }
warn() { printf '\033[1;33m[%s]\033[0m %s\n' "${LAB_TAG:-lab}" "$*" >&2; }
die()  { printf '\033[1;31m[%s] error:\033[0m %s\n' "${LAB_TAG:-lab}" "$*" >&2; exit "${LAB_DIE_STATUS:-1}"; }

# free_port: a TCP port free on 127.0.0.1 right now, and never one that this script or
# the script that started it handed out already, nor one that ./lab derives from such a
# port (+1 the Redis replica, +2 and +4 Kafka's other nodes, +100 Elasticsearch's
# transport): two picks of one isolated stack once collided that way (soak.short: the
# notifier's port was Elasticsearch's transport port). The file LAB_PORTS_GIVEN, shared
# by the scripts a script starts, remembers the ports given.
export LAB_PORTS_GIVEN="${LAB_PORTS_GIVEN:-${TMPDIR:-/tmp}/lab-ports.$$}"
free_port() {
  python3 - "$LAB_PORTS_GIVEN" <<'PY'
import socket, sys
path = sys.argv[1]
try:
    with open(path) as f:
        given = {int(x) for x in f.read().split()}
except FileNotFoundError:
    given = set()
near = {g + d for g in given for d in (-100, -4, -2, -1, 0, 1, 2, 4, 100)}
for _ in range(1000):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    if port not in near:
        break
with open(path, "a") as f:
    f.write(f"{port}\n")
print(port)
PY
}

# cmake_configure PRESET DIR [CMAKE-ARGS...]: configures DIR from a configure preset of
# CMakePresets.json (default, asan, fuzz); its output goes to DIR/configure.log and,
# on failure, its tail to standard error
cmake_configure() {
  local preset="$1" dir="$2"
  shift 2
  command -v cmake >/dev/null || die "cmake missing: run ./lab deps"
  mkdir -p "$dir"
  cmake --preset "$preset" -S "$LAB_ROOT" -B "$dir" "$@" >"$dir/configure.log" 2>&1 \
    || { tail -n 40 "$dir/configure.log" >&2; die "cmake configure failed (preset $preset, $dir/configure.log)"; }
}
