#!/usr/bin/env bash
# tools/docker-check.sh (`./lab docker-check`, which installs podman, runc and debootstrap
# first): the Dockerfile built for real and its image run, without a container registry.
#
#  1. a Debian bookworm base image made with debootstrap from Debian's packages, cached
#     in $LAB_HOME/docker and imported into podman as localhost/debian:bookworm;
#  2. `podman build` of the Dockerfile from it (BASE_IMAGE/RUNTIME_IMAGE arguments; the
#     compose file builds the same file from debian:bookworm), then a look inside the
#     build stage: no browser, JDK, Maven or clang, no console or tests built;
#  3. an isolated Kafka, Redis and Elasticsearch (`./lab infra up` on its own state
#     directory and free ports, as tools/chaos.sh does; the shared lab is never touched);
#  4. lab-admin from the image creates the topics; the five services run from the image
#     with host networking on free ports and must answer /healthz; one order goes through
#     (confirmed, searchable), the page and Swagger UI are served from the image.
#
# Containers run with runc, cgroupfs and explicit ulimits: on these hosts crun fails
# ("cgroups in hybrid mode not supported") and podman's default ulimits fail
# ("setrlimit ... Operation not permitted").
# Prints the time of each phase and a final "N passed, M failed"; exits non-zero on a failure.
# Options: --keep (keep the isolated state directory and the containers' logs).
set -uo pipefail
LAB_TAG=docker-check
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
root="$LAB_ROOT"
keep=0
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "docker-check: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

cache="$LAB_HOME/docker"
base_image=localhost/debian:bookworm
image=localhost/kafka-microservices-lab:check
podman=(podman --runtime runc --cgroup-manager=cgroupfs)
limits=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
services=("${SERVICE_NAMES[@]}")

passed=0 failed=0
ok()   { echo "ok   - $*"; passed=$((passed + 1)); }
fail() { echo "FAIL - $*"; failed=$((failed + 1)); }
note() { echo "docker-check: $*"; }
finish() { note "finished in $((SECONDS - t0))s"; echo "$passed passed, $failed failed"; ((failed == 0)); exit; }
t0=$SECONDS

for tool in podman runc debootstrap python3 curl; do
  command -v "$tool" >/dev/null || { fail "$tool is missing (./lab docker-check installs it)"; finish; }
done

# ---------------------------------------------------------------- 1. base image
t=$SECONDS
if "${podman[@]}" image exists "$base_image"; then
  note "base image $base_image: present"
else
  mkdir -p "$cache"
  if [[ ! -f "$cache/bookworm.tar" ]]; then
    note "making a Debian bookworm base image with debootstrap (once, about a minute)"
    rm -rf "$cache/rootfs"
    if ! debootstrap --variant=minbase bookworm "$cache/rootfs" http://deb.debian.org/debian \
         >"$cache/debootstrap.log" 2>&1; then
      tail -n 20 "$cache/debootstrap.log"
      fail "debootstrap bookworm"; finish
    fi
    # the sources of the debian:bookworm image: updates and security too
    rm -f "$cache/rootfs/etc/apt/sources.list"
    cat >"$cache/rootfs/etc/apt/sources.list.d/debian.sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    # The certificate authorities this machine trusts beyond Debian's list (a machine
    # behind a TLS-inspecting proxy has one): ca-certificates adds them when the build
    # installs it, and Debian's npm is told to use that store, as this machine's npm is.
    mkdir -p "$cache/rootfs/usr/local/share/ca-certificates" "$cache/rootfs/usr/etc"
    python3 - "$cache/rootfs/usr/local/share/ca-certificates/host-extra.crt" <<'PY'
import glob, re, sys
pem = re.compile(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", re.S)
host = pem.findall(open("/etc/ssl/certs/ca-certificates.crt").read())
debian = set()
for f in glob.glob("/usr/share/ca-certificates/**/*.crt", recursive=True):
    debian.update(pem.findall(open(f).read()))
extra = [c for c in host if c not in debian]
if extra:
    open(sys.argv[1], "w").write("\n".join(extra) + "\n")
print(f"docker-check: {len(extra)} certificate authorities trusted here beyond Debian's list")
PY
    echo "cafile=/etc/ssl/certs/ca-certificates.crt" >"$cache/rootfs/usr/etc/npmrc"
    rm -rf "$cache/rootfs/var/cache/apt/archives/"*.deb "$cache/rootfs/var/lib/apt/lists/"*
    tar -C "$cache/rootfs" -c . >"$cache/bookworm.tar.part" && mv "$cache/bookworm.tar.part" "$cache/bookworm.tar"
    rm -rf "$cache/rootfs"
  fi
  "${podman[@]}" import "$cache/bookworm.tar" "$base_image" >/dev/null \
    || { fail "podman import of the bookworm base image"; finish; }
fi
ok "bookworm base image $base_image from debootstrap ($((SECONDS - t))s)"

# ---------------------------------------------------------------- 2. build
t=$SECONDS
log="$cache/build.log"
mkdir -p "$cache"
note "building the Dockerfile with podman (log: $log)"
build=("${podman[@]}" build --network host "${limits[@]}"
  --build-arg BASE_IMAGE="$base_image" --build-arg RUNTIME_IMAGE="$base_image" -f "$root/Dockerfile")
if nice -n 10 "${build[@]}" -t "$image" "$root" >"$log" 2>&1; then
  ok "Dockerfile builds ($((SECONDS - t))s; image $(( $("${podman[@]}" image inspect --format '{{.Size}}' "$image") / 1048576 )) MiB)"
else
  tail -n 40 "$log"
  fail "Dockerfile does not build (log: $log)"; finish
fi
# npm prints its warnings (an engine that does not fit the lockfile, a deprecated
# package); the build must not have any
if grep -Ei '^npm (warn|err)' "$log"; then fail "npm warned while installing (above)"; else ok "npm installs without a warning"; fi
# the build stage, from the layer cache: only what building the services needs
stage=localhost/kafka-microservices-lab:check-build
if "${build[@]}" --target build -t "$stage" "$root" >>"$log" 2>&1; then
  heavy=$("${podman[@]}" run --rm --network host "${limits[@]}" "$stage" sh -c \
    'for t in chromium java mvn clang; do command -v $t; done; ls -d build/console build/tests node_modules/playwright-core 2>/dev/null' 2>&1)
  [[ -z "$heavy" ]] && ok "build stage: no browser, JDK, Maven or clang; console, tests and playwright not built" \
    || fail "build stage holds what the services do not need: $heavy"
else
  fail "build stage alone does not build (log: $log)"
fi

# ---------------------------------------------------------------- 3. infrastructure
t=$SECONDS
mkdir -p "$LAB_HOME"
state="$(mktemp -d "$LAB_HOME/docker-check.XXXXXX")"
chmod a+rx "$state"
export LAB_STATE="$state" LAB_INFRA=local
export LAB_REDIS_PORT=$(free_port) LAB_KAFKA_PORT=$(free_port) LAB_KAFKA_CONTROLLER_PORT=$(free_port)
export LAB_ES_PORT=$(free_port) LAB_ES_HEAP="${LAB_ES_HEAP:-512m}"
declare -A port
for svc in "${services[@]}"; do port[$svc]=$(free_port); done
containers=()
cleanup() {
  local c
  for c in "${containers[@]}"; do
    ((keep)) && "${podman[@]}" logs "$c" >"$state/$c.log" 2>&1
    "${podman[@]}" rm -f -t 10 "$c" >/dev/null 2>&1
  done
  "$root/lab" infra down >"$state/down.log" 2>&1 || cat "$state/down.log" >&2
  if ((keep)); then note "state and logs kept in $state"; else rm -rf "$state"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
note "isolated infrastructure in $state (kafka :$LAB_KAFKA_PORT, redis :$LAB_REDIS_PORT, es :$LAB_ES_PORT)"
if "$root/lab" infra up >"$state/infra-up.log" 2>&1; then
  ok "isolated Kafka, Redis and Elasticsearch up ($((SECONDS - t))s)"
else
  tail -n 30 "$state/infra-up.log"
  fail "the isolated infrastructure did not come up"; finish
fi

# ---------------------------------------------------------------- 4. the image's programs
t=$SECONDS
run=("${podman[@]}" run --network host "${limits[@]}"
  -e KAFKA_BROKERS="127.0.0.1:$LAB_KAFKA_PORT" -e REDIS_HOST=127.0.0.1 -e REDIS_PORT="$LAB_REDIS_PORT"
  -e ELASTICSEARCH_URL="http://127.0.0.1:$LAB_ES_PORT" -e BIND_ADDRESS=127.0.0.1)
if topics=$("${run[@]}" --rm "$image" lab-admin create-topics --partitions 6 2>&1); then
  ok "lab-admin from the image creates the topics ($(grep -m1 'topics present' <<<"$topics"))"
else
  fail "lab-admin create-topics from the image: $topics"
fi
for svc in "${services[@]}"; do
  name="lab-check-$svc-$$"
  if "${run[@]}" -d --name "$name" "$image" "$svc" --port "${port[$svc]}" >/dev/null 2>"$state/$svc.run.err"; then
    containers+=("$name")
  else
    fail "podman run $svc: $(cat "$state/$svc.run.err")"
  fi
done
# 90 s is a hang detector, not a speed target: healthy services answer within seconds
for svc in "${services[@]}"; do
  url="http://127.0.0.1:${port[$svc]}/healthz" healthy="" name="lab-check-$svc-$$"
  for _ in $(seq 1 180); do
    curl -fs --max-time 2 "$url" >/dev/null 2>&1 && { healthy=1; break; }
    [[ "$("${podman[@]}" container inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" == true ]] || break
    sleep 0.5
  done
  if [[ -n "$healthy" ]]; then ok "$svc from the image answers /healthz ($(curl -s "$url"))"; else
    fail "$svc from the image does not answer $url (its container exited, or 90 s passed)"
    "${podman[@]}" logs --tail 20 "$name" 2>&1 | sed 's/^/      /'
  fi
done
note "services from the image started in $((SECONDS - t))s"

order_id=$(( (RANDOM << 15 | RANDOM) + 1 ))
answer=$(curl -s -X POST "http://127.0.0.1:${port[order-service]}/create_order" \
  -H 'Content-Type: application/json' -d "{\"order_id\": $order_id, \"item\": \"mouse\", \"quantity\": 2}")
[[ "$answer" == *'"Order created"'* ]] && ok "POST /create_order answers Order created" || fail "POST /create_order answered: $answer"
status="" found=""
for _ in $(seq 1 120); do # 60 s hang detector
  [[ "$status" == *'"status":"confirmed"'* ]] || status=$(curl -s "http://127.0.0.1:${port[order-service]}/orders/$order_id")
  [[ -n "$found" ]] || { curl -s "http://127.0.0.1:${port[search-service]}/search?item=mouse" | grep -q "\"order_id\":$order_id" && found=1; }
  [[ "$status" == *'"status":"confirmed"'* && -n "$found" ]] && break
  sleep 0.5
done
[[ "$status" == *'"status":"confirmed"'* ]] && ok "order $order_id is confirmed" || fail "order $order_id: $status"
[[ -n "$found" ]] && ok "order $order_id is searchable" || fail "order $order_id not found by /search"
curl -fs "http://127.0.0.1:${port[notifier-service]}/" | grep -qi '<html' \
  && ok "notifier-service serves the page from the image (/opt/lab/frontend)" || fail "the page is not served"
curl -fs -o /dev/null "http://127.0.0.1:${port[order-service]}/docs/swagger-ui-bundle.js" \
  && ok "order-service serves Swagger UI from the image (/opt/lab/swagger-ui)" || fail "Swagger UI is not served"
finish
