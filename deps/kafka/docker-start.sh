#!/bin/sh
# Entry point of docker-compose.yml's kafka services (apache/kafka image, busybox sh):
# the broker settings of ./lab (server.properties.in beside this script, rendered with
# the container's LAB_KAFKA_* variables), storage formatted on first start as ./lab
# does (with LAB_KAFKA_CLUSTER_ID when the nodes of a cluster must share one), then the
# broker in the foreground. LAB_KAFKA_HOME is the image's /opt/kafka.
set -eu
# A node that is not among the quorum's voters could never join it: say why and stop.
case ",${LAB_KAFKA_QUORUM_VOTERS:-}," in
  *",${LAB_KAFKA_NODE_ID:-}@"*) ;;
  *) echo "kafka node ${LAB_KAFKA_NODE_ID:-?} is not among the voters '${LAB_KAFKA_QUORUM_VOTERS:-}':" \
       "start the cluster profile with: docker-compose --env-file deps/compose-cluster.env up -d" >&2
     exit 1 ;;
esac
here=$(dirname "$0")
kafka_home="${LAB_KAFKA_HOME:-/opt/kafka}"
conf="$kafka_home/config/lab-server.properties"
sh "$here/render.sh" "$here/server.properties.in" >"$conf"
if [ ! -f "$LAB_KAFKA_DATA_DIR/meta.properties" ]; then
  cluster_id="${LAB_KAFKA_CLUSTER_ID:-}"
  [ -n "$cluster_id" ] || cluster_id=$("$kafka_home/bin/kafka-storage.sh" random-uuid)
  "$kafka_home/bin/kafka-storage.sh" format -t "$cluster_id" -c "$conf" --ignore-formatted
fi
exec "$kafka_home/bin/kafka-server-start.sh" "$conf"
