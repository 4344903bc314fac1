#!/bin/sh
# Applies acls.txt to a Kafka cluster with kafka-acls.sh, as a principal allowed to alter ACLs (a super user).
#   KAFKA_BIN=/opt/kafka/bin ./apply-acls.sh <bootstrap servers> <admin client properties file> [acls.txt]
# The client properties file holds the admin's security.protocol, sasl.mechanism, sasl.jaas.config and truststore;
# it is a secret, never committed. Adding an ACL that exists already changes nothing, so this may run again.
set -eu
bootstrap=${1:?bootstrap servers}
config=${2:?admin client properties file}
file=${3:-$(dirname "$0")/acls.txt}
acls="${KAFKA_BIN:-/opt/kafka/bin}/kafka-acls.sh"

grep -v '^[[:space:]]*#' "$file" | grep -v '^[[:space:]]*$' | while read -r principal resource pattern name operations; do
  set -- --bootstrap-server "$bootstrap" --command-config "$config" --add \
    --allow-principal "User:$principal" --resource-pattern-type "$pattern" "--$resource" "$name"
  for operation in $(echo "$operations" | tr ',' ' '); do
    set -- "$@" --operation "$operation"
  done
  "$acls" "$@"
done
