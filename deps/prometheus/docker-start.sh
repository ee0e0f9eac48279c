#!/bin/sh
# Entry point of docker-compose.yml's prometheus service (prom/prometheus image, busybox
# sh): the configuration of ./lab (prometheus.yml.in beside this script, rendered with
# the container's LAB_PROM_* variables by deps/kafka/render.sh), then Prometheus in the
# foreground with the same retention as ./lab.
set -eu
here=$(dirname "$0")
conf=/prometheus/lab-prometheus.yml
sh "${LAB_RENDER:-/lab/kafka/render.sh}" "$here/prometheus.yml.in" >"$conf"
exec /bin/prometheus --config.file="$conf" --storage.tsdb.path=/prometheus \
  --storage.tsdb.retention.time="${LAB_PROMETHEUS_RETENTION:-7d}" --storage.tsdb.retention.size=1GB \
  --web.listen-address=0.0.0.0:9090 --web.page-title="Kafka Microservices Lab"
