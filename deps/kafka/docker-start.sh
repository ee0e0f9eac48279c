#!/bin/sh
# Entry point of docker-compose.yml's kafka service (apache/kafka image, busybox sh):
# the broker settings of ./lab (deps/kafka/server.properties.in, rendered with the
# container's LAB_KAFKA_* variables), storage formatted on first start like ./lab does,
# then the broker in the foreground.
set -eu
conf=/opt/kafka/config/lab-server.properties
sh /lab/kafka/render.sh /lab/kafka/server.properties.in >"$conf"
if [ ! -f "$LAB_KAFKA_DATA_DIR/meta.properties" ]; then
  /opt/kafka/bin/kafka-storage.sh format -t "$(/opt/kafka/bin/kafka-storage.sh random-uuid)" \
    -c "$conf" --ignore-formatted
fi
exec /opt/kafka/bin/kafka-server-start.sh "$conf"
