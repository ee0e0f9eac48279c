#!/usr/bin/env bash
# Static checks of the Docker path (no Docker engine needed): docker-compose.yml is
# valid, names the seed's ports (published on loopback unless LAB_PUBLISH_ADDRESS says
# otherwise), uses the same Kafka/Elasticsearch versions as the local stack
# (deps/pom.xml) and the Dockerfile installs deps/debian-packages.txt.
set -uo pipefail
root="${1:?usage: check-compose.sh REPO_ROOT}"
cd "$root" || exit 2
fail=0
check() { # check DESCRIPTION COMMAND...
  if "${@:2}" >/dev/null 2>&1; then echo "ok   - $1"; else echo "FAIL - $1"; fail=1; fi
}
kafka_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' deps/pom.xml)"
es_version="$(sed -n 's:.*<elasticsearch.version>\(.*\)</elasticsearch.version>.*:\1:p' deps/pom.xml)"
config="$(docker-compose -f docker-compose.yml config 2>&1)"
check "docker-compose config validates" docker-compose -f docker-compose.yml config -q
for port in 8080 5601 5000 5100 8000; do
  check "seed port $port is published" grep -Eq "published: \"?$port\"?|- \"?([0-9.]+:)?$port:$port(/tcp)?\"?" <<<"$config"
done
check "every port is published on the host's loopback by default (docs/SECURITY.md)" \
  /usr/bin/python3 - <<'PY'
import subprocess, yaml
env = {k: v for k, v in __import__("os").environ.items() if k != "LAB_PUBLISH_ADDRESS"}
cfg = yaml.safe_load(subprocess.run(["docker-compose", "-f", "docker-compose.yml", "config"],
                                    capture_output=True, text=True, check=True, env=env).stdout)
ports = [p for s in cfg["services"].values() for p in s.get("ports", [])]
assert ports and all(str(p).startswith("127.0.0.1:") or (isinstance(p, dict) and p.get("host_ip") == "127.0.0.1")
                     for p in ports), ports
PY
check "Kafka image is apache/kafka:$kafka_version (deps/pom.xml)" grep -q "image: apache/kafka:$kafka_version" docker-compose.yml
check "Elasticsearch image is $es_version (deps/pom.xml)" grep -q "elasticsearch/elasticsearch:$es_version" docker-compose.yml
check "Kibana image is $es_version" grep -q "kibana/kibana:$es_version" docker-compose.yml
redis_deb="$(dpkg-query -W -f='${Version}' redis-server 2>/dev/null | sed -E 's/^[0-9]+://; s/-.*//')"
check "Redis image matches Debian's redis-server ($redis_deb)" grep -q "image: redis:$redis_deb" docker-compose.yml
check "Kibana data view order-logs* on timestamp is created" grep -q '"title": "order-logs\*".*"timeFieldName": "timestamp"' docker-compose.yml
check "Dockerfile installs deps/debian-packages.txt" grep -q "COPY deps/debian-packages.txt" Dockerfile
check "Dockerfile is Debian bookworm" grep -q "^FROM debian:bookworm AS build" Dockerfile
for svc in order-service payment-service inventory-service notifier-service search-service; do
  check "$svc has a healthcheck and waits for healthy dependencies" \
    /usr/bin/python3 - "$svc" <<'PY'
import sys, subprocess, yaml
svc = sys.argv[1]
cfg = yaml.safe_load(subprocess.run(["docker-compose", "-f", "docker-compose.yml", "config"],
                                    capture_output=True, text=True, check=True).stdout)
s = cfg["services"][svc]
assert "healthcheck" in s
deps = s["depends_on"]
assert deps["redis"]["condition"] == "service_healthy"
assert deps["elasticsearch"]["condition"] == "service_healthy"
assert deps["kafka-init"]["condition"] == "service_completed_successfully"
PY
done
if ((fail)); then echo "0 passed, 1 failed"; exit 1; fi
echo "compose and Dockerfile checks passed"
