#!/bin/bash
# Runs a class of the broker's jars (stand-in for Kafka's own script of that name).
exec java ${KAFKA_HEAP_OPTS:--Xmx1G -Xms256M} ${KAFKA_OPTS:-} -cp "/opt/kafka/libs/*" "$@"
