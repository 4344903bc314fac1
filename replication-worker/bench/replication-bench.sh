#!/usr/bin/env bash
# Replication benchmark (not a test): copies one data set from moto S3 to fake-gcs-server twice, once with
# Baran's replicator and once with rclone configured for the same endpoints, and prints the throughput of each
# and their ratio, with each one's peak memory (RSS).
#
#   replication-worker/bench/replication-bench.sh [small objects] [large objects] [MiB per large object]
#   defaults: 10000 small objects (1-16 KiB) and 4 large ones of 240 MiB: about 1 GiB
#
# Needs: java 17, moto_server (pip install "moto[server]"), fake-gcs-server (go install
# github.com/fsouza/fake-gcs-server@v1.56.1), rclone (apt-get install -y rclone). Both copiers get the same
# concurrency (BENCH_CONCURRENCY, default 16). BENCH_JAVA_OPTS are the replicator JVM's options (default
# -Xmx1g; e.g. add -XX:TieredStopAtLevel=1). Leaves no process behind.
set -Eeuo pipefail

SMALL=${1:-10000}
LARGE=${2:-4}
LARGE_MIB=${3:-240}
CONCURRENCY=${BENCH_CONCURRENCY:-16}
PART_MIB=${BENCH_PART_MIB:-8}
BUFFERS=${BENCH_BUFFERS:-24}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MODULE=$(cd "$HERE/.." && pwd)
ROOT=$(cd "$MODULE/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/baran-bench.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null 2>&1 || { echo "bench: $1 is missing: $2" >&2; exit 1; }; }
GCS_BIN=$(command -v fake-gcs-server || echo "$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin/fake-gcs-server")
[[ -x $GCS_BIN ]] || { echo "bench: fake-gcs-server is missing: go install github.com/fsouza/fake-gcs-server@v1.56.1" >&2; exit 1; }
need moto_server 'pip install "moto[server]"'
need rclone 'apt-get install -y rclone'
need java 'Java 17'
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { for _ in $(seq 1 300); do (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "bench: nothing on port $1" >&2; exit 1; }
rss_mib() { awk '/Maximum resident set size/ {printf "%d", $6/1024}' "$1"; }
cpu_seconds() { awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$1"; }

echo "==> building the worker's test classes"
(cd "$ROOT" && ./mvnw -q -B -pl replication-worker -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$WORK/classpath" -Dmdep.includeScope=test >/dev/null)
CP="$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$WORK/classpath")"
JAVA=(java -Xmx1g -Daws.accessKeyId=test -Daws.secretAccessKey=test -cp "$CP")
read -r -a JAVA_OPTS <<<"${BENCH_JAVA_OPTS:--Xmx1g}"
COPY_JAVA=(java "${JAVA_OPTS[@]}" -Daws.accessKeyId=test -Daws.secretAccessKey=test -cp "$CP")

S3_PORT=$(free_port); GCS_PORT=$(free_port)
moto_server -H 127.0.0.1 -p "$S3_PORT" >"$WORK/moto.log" 2>&1 & PIDS+=($!)
"$GCS_BIN" -scheme http -host 127.0.0.1 -port "$GCS_PORT" -backend memory -log-level error >"$WORK/gcs.log" 2>&1 & PIDS+=($!)
wait_port "$S3_PORT"; wait_port "$GCS_PORT"
S3=http://127.0.0.1:$S3_PORT
GCS=http://127.0.0.1:$GCS_PORT

echo "==> seeding s3://bench-source: $SMALL small objects, $LARGE x $LARGE_MIB MiB"
start=$(date +%s)
"${JAVA[@]}" io.baran.worker.replication.BenchMain seed "$S3" bench-source "$SMALL" "$LARGE" "$LARGE_MIB"
echo "    seeded in $(( $(date +%s) - start )) s"

echo "==> Baran: one pass, concurrency $CONCURRENCY, parts of $PART_MIB MiB, $BUFFERS buffers, JVM ${JAVA_OPTS[*]}"
/usr/bin/time -v -o "$WORK/baran.time" "${COPY_JAVA[@]}" io.baran.worker.replication.BenchMain copy "$S3" bench-source "$GCS" bench-baran \
  "$CONCURRENCY" "$PART_MIB" "$BUFFERS" "$WORK/ledger" | tee "$WORK/baran.out"
read -r B_OBJECTS B_BYTES B_SECONDS < <(sed -n 's/^BARAN objects=\([0-9]*\) bytes=\([0-9]*\) seconds=\([0-9.]*\).*/\1 \2 \3/p' "$WORK/baran.out")
B_RSS=$(rss_mib "$WORK/baran.time"); B_CPU=$(cpu_seconds "$WORK/baran.time")

echo "==> rclone $(rclone version | head -n1 | cut -d' ' -f2): copy, --transfers $CONCURRENCY"
export RCLONE_CONFIG_SRC_TYPE=s3 RCLONE_CONFIG_SRC_PROVIDER=Other RCLONE_CONFIG_SRC_ENDPOINT=$S3 RCLONE_CONFIG_SRC_REGION=us-east-1 \
  RCLONE_CONFIG_SRC_ACCESS_KEY_ID=test RCLONE_CONFIG_SRC_SECRET_ACCESS_KEY=test RCLONE_CONFIG_SRC_FORCE_PATH_STYLE=true \
  RCLONE_CONFIG_DST_TYPE=gcs RCLONE_CONFIG_DST_ENDPOINT=$GCS/storage/v1/ RCLONE_CONFIG_DST_ANONYMOUS=true RCLONE_CONFIG_DST_PROJECT_NUMBER=bench
unset AWS_CA_BUNDLE  # rclone's S3 client refuses a custom CA bundle with its own HTTP transport
start=$(date +%s.%N)
/usr/bin/time -v -o "$WORK/rclone.time" rclone copy src:bench-source dst:bench-rclone --transfers "$CONCURRENCY" \
  --checkers "$CONCURRENCY" -q --config /dev/null
R_SECONDS=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$start" "$(date +%s.%N)")
R_RSS=$(rss_mib "$WORK/rclone.time"); R_CPU=$(cpu_seconds "$WORK/rclone.time")
read -r R_OBJECTS R_BYTES < <(rclone size dst:bench-rclone --json --config /dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["count"], d["bytes"])')

python3 - "$B_OBJECTS" "$B_BYTES" "$B_SECONDS" "$B_RSS" "$B_CPU" "$R_OBJECTS" "$R_BYTES" "$R_SECONDS" "$R_RSS" "$R_CPU" <<'PY'
import sys
bo, bb, bs, brss, bcpu, ro, rb, rs, rrss, rcpu = sys.argv[1:]
bo, bb, bs, ro, rb, rs = int(bo), int(bb), float(bs), int(ro), int(rb), float(rs)
mib = 1024 * 1024
print()
print(f"{'copier':<8} {'objects':>8} {'MiB':>8} {'seconds':>8} {'MiB/s':>8} {'objects/s':>10} {'peak RSS MiB':>13} {'CPU s':>7}")
print(f"{'baran':<8} {bo:>8} {bb/mib:>8.0f} {bs:>8.1f} {bb/mib/bs:>8.1f} {bo/bs:>10.0f} {brss:>13} {bcpu:>7}")
print(f"{'rclone':<8} {ro:>8} {rb/mib:>8.0f} {rs:>8.1f} {rb/mib/rs:>8.1f} {ro/rs:>10.0f} {rrss:>13} {rcpu:>7}")
print("(baran's seconds are the pass's; its CPU and RSS are the whole JVM's, start-up included)")
print(f"\nbaran / rclone throughput: {(bb/bs)/(rb/rs):.2f}x")
if bo != ro or bb != rb:
    print("WARNING: the two copies differ in objects or bytes")
PY
