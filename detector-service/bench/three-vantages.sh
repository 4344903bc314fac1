#!/usr/bin/env bash
# End-to-end check of the issue's "done when" (not a test): a real Kafka broker (the infra/kafka-dist jars), three
# packaged detectors (vantages a, b, c, each also an aggregator) probing one primary every second and a reference
# target each, on 127.0.0.1. Kills the primary, then brings it back, and prints every event on baran.health-events
# with its broker timestamp, so the delays can be read off. Leaves no process behind.
#
#   ./mvnw -B -q -pl detector-service -am package -DskipTests && detector-service/bench/three-vantages.sh
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LIB=$ROOT/infra/kafka-dist/target/lib
APP=$ROOT/detector-service/target/quarkus-app/quarkus-run.jar
W=$ROOT/detector-service/target/three-vantages
rm -rf "$W"; mkdir -p "$W"
pids=()
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; done
  sleep 2
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
free() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
show() {
  python3 -c '
import sys, json
for line in open(sys.argv[1]):
    ts, key, val = line.split(" ", 2); e = json.loads(val); d = e["data"]
    print(ts, e["type"], key, d["incidentId"], " ".join(v["vantage"] + "=" + v["verdict"] for v in d["votes"]), "confidence", d.get("confidence"))
' "$W/events.log"
}
KP=$(free); CP=$(free); PP=$(free); RP=$(free)
cat >"$W/server.properties" <<P
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CP
listeners=PLAINTEXT://127.0.0.1:$KP,CONTROLLER://127.0.0.1:$CP
advertised.listeners=PLAINTEXT://127.0.0.1:$KP
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$W/kafka-data
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
P
java -cp "$LIB/*" kafka.tools.StorageTool format -t "$(python3 -c 'import base64,os;print(base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("="))')" \
  -c "$W/server.properties" >"$W/format.log" 2>&1
java -Xmx512m -cp "$LIB/*" kafka.Kafka "$W/server.properties" >"$W/kafka.log" 2>&1 & pids+=($!)
python3 "$HERE/three-vantages/target.py" "$PP" & primary=$!; pids+=($primary)
python3 "$HERE/three-vantages/target.py" "$RP" & pids+=($!)
for _ in $(seq 1 100); do (echo >/dev/tcp/127.0.0.1/$KP) 2>/dev/null && break; sleep 0.3; done
# A signing key per vantage; every aggregator's roster holds all three public halves.
roster=()
for v in a b c; do
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$W/$v.pem")
  roster+=("-Dbaran.signing.roster.$v.vantage=$v"
    "-Dbaran.signing.roster.$v.public-key=$(openssl pkey -in "$W/$v.pem" -pubout -outform DER | base64 | tr -d '\n')")
done
for v in a b c; do
  java -Xmx256m -Dquarkus.http.port="$(free)" -Dbaran.audit.store=log -Dkafka.bootstrap.servers=127.0.0.1:$KP -Dbaran.detector.vantage=$v \
    -Dbaran.detector.data-dir="$W/data-$v" -Dbaran.signing.key-file="$W/$v.pem" "${roster[@]}" \
    -Dbaran.detector.targets.demo-primary.url=http://127.0.0.1:$PP/healthz -Dbaran.detector.targets.demo-primary.scope=local/demo/web \
    -Dbaran.detector.targets.anchor.url=http://127.0.0.1:$RP/anchor -Dbaran.detector.targets.anchor.scope=ref/$v/anchor \
    -jar "$APP" >"$W/detector-$v.log" 2>&1 & pids+=($!)
done
java -cp "$LIB/*" "$HERE/three-vantages/WatchTopic.java" 127.0.0.1:$KP baran.health-events 600 >"$W/events.log" 2>"$W/watch.err" & pids+=($!)
echo "waiting for the three vantages to agree that local/demo/web is UP..."
for _ in $(seq 1 480); do
  grep -qh "quorum agrees it is UP (votes \[a=UP, b=UP, c=UP\])" "$W"/detector-*.log 2>/dev/null && break
  sleep 0.5
done
sleep 3
echo "killing the primary at $(date +%s%3N)"; kill "$primary"
for _ in $(seq 1 150); do grep -q outage.detected "$W/events.log" && break; sleep 0.2; done
sleep 4
python3 "$HERE/three-vantages/target.py" "$PP" & pids+=($!)
echo "primary back at $(date +%s%3N)"
for _ in $(seq 1 150); do grep -q outage.recovered "$W/events.log" && break; sleep 0.2; done
sleep 4
show
