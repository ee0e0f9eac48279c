#!/bin/sh
# Entry point of docker-compose.yml's kafka service (apache/kafka image, busybox sh):
# the broker settings of ./lab (server.properties.in beside this script, rendered with
# the container's LAB_KAFKA_* variables), storage formatted on first start as ./lab
# does, then the broker in the foreground. LAB_KAFKA_HOME is the image's /opt/kafka.
set -eu
here=$(dirname "$0")
kafka_home="${LAB_KAFKA_HOME:-/opt/kafka}"
conf="$kafka_home/config/lab-server.properties"
sh "$here/render.sh" "$here/server.properties.in" >"$conf"
if [ ! -f "$LAB_KAFKA_DATA_DIR/meta.properties" ]; then
  "$kafka_home/bin/kafka-storage.sh" format -t "$("$kafka_home/bin/kafka-storage.sh" random-uuid)" \
    -c "$conf" --ignore-formatted
fi
exec "$kafka_home/bin/kafka-server-start.sh" "$conf"
