#!/bin/sh
# render.sh TEMPLATE: prints TEMPLATE with every @NAME@ replaced by the value of the
# environment variable NAME, and fails naming the first one that is not set.
# Then the settings in LAB_KAFKA_BROKER_CONFIG (comma-separated key=value, optional),
# one per line: Java reads the last of a repeated key, so they override the template's.
# POSIX sh, grep and sed only: ./lab runs it with Debian's tools, docker-compose.yml's
# kafka service with the apache/kafka image's busybox.
set -eu
template="${1:?usage: render.sh TEMPLATE}"
[ -r "$template" ] || { echo "render.sh: cannot read $template" >&2; exit 1; }
names=$(grep -o '@[A-Z][A-Z0-9_]*@' "$template" | tr -d @ | sort -u)
set --
for name in $names; do
  eval "isset=\${$name+set} value=\${$name-}"
  [ -n "$isset" ] || { echo "render.sh: $name is not set (needed by $template)" >&2; exit 1; }
  # a value goes into sed's replacement: escape its delimiter, & and backslashes
  value=$(printf '%s' "$value" | sed 's/[\\|&]/\\&/g')
  set -- "$@" -e "s|@$name@|$value|g"
done
if [ $# -eq 0 ]; then cat "$template"; else sed "$@" "$template"; fi
[ -n "${LAB_KAFKA_BROKER_CONFIG:-}" ] || exit 0
echo "# LAB_KAFKA_BROKER_CONFIG"
old_ifs=$IFS IFS=,
for setting in $LAB_KAFKA_BROKER_CONFIG; do
  case "$setting" in
    [a-z]*=*) echo "$setting" ;;
    *) echo "render.sh: '$setting' in LAB_KAFKA_BROKER_CONFIG is not key=value" >&2; exit 1 ;;
  esac
done
IFS=$old_ifs
