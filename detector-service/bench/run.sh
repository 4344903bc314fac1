#!/usr/bin/env bash
# Benchmark of one detector's probing core (not a test): N targets on 127.0.0.1, the detector pinned to core 0, the
# targets' servers to core 1. Prints probes/s, scheduling lag p50/p90/p99/max and CPU.
#
#   detector-service/bench/run.sh [targets=10000] [kind=http|tcp] [measure seconds=60] [warm-up seconds=15] [interval ms=1000]
#
# BENCH_JAVA_OPTS adds JVM options to the detector (e.g. a JFR recording); BENCH_GC chooses its collector
# (-XX:+UseZGC by default, as the detector's image runs it).
# BENCH_NICE=-10 runs both processes at that niceness, to keep other work on a shared machine from skewing the figures.
# Builds the module and its test classes in the reactor when they are missing (nothing is installed in ~/.m2), and
# needs taskset (util-linux). Leaves no process behind.
set -Eeuo pipefail

TARGETS=${1:-10000}
KIND=${2:-http}
MEASURE=${3:-60}
WARMUP=${4:-15}
INTERVAL=${5:-1000}
PORTS=50
FIRST_PORT=${BENCH_FIRST_PORT:-21000}

MODULE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(cd "$MODULE/.." && pwd)
cd "$ROOT"

command -v taskset >/dev/null 2>&1 || { echo "bench: taskset is missing (apt-get install util-linux)" >&2; exit 1; }
CP_FILE=$MODULE/target/bench.classpath
if [[ ! -d $MODULE/target/test-classes/io/baran/detector/bench || ! -s $CP_FILE || $CP_FILE -ot $MODULE/pom.xml ]]; then
  # In the reactor, so the project's own libraries come from this tree's target/classes, not from ~/.m2.
  ./mvnw -B -q -o -pl detector-service -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$CP_FILE" >/dev/null
fi
CP=$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$CP_FILE")
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
LOGS=$MODULE/target/bench
mkdir -p "$LOGS"

targets_pid=""
cleanup() { [[ -n $targets_pid ]] && kill "$targets_pid" 2>/dev/null || true; }
trap cleanup EXIT

# Quiet logs: the benchmark prints its own figures.
QUIET=(-Djava.util.logging.manager=org.jboss.logmanager.LogManager -Dlogging.configuration=file:/dev/null)

NICE=()
[[ -n ${BENCH_NICE:-} ]] && NICE=(nice -n "$BENCH_NICE")
"${NICE[@]}" taskset -c 1 "$JAVA" -Xmx512m "${QUIET[@]}" -cp "$CP" io.baran.detector.bench.BenchTargets "$FIRST_PORT" "$PORTS" \
  >"$LOGS/targets.log" 2>&1 &
targets_pid=$!
for _ in $(seq 1 300); do
  grep -q ready "$LOGS/targets.log" 2>/dev/null && break
  kill -0 "$targets_pid" 2>/dev/null || { echo "bench: the targets' servers stopped:" >&2; cat "$LOGS/targets.log" >&2; exit 1; }
  sleep 0.1
done
grep -q ready "$LOGS/targets.log" || { echo "bench: the targets' servers did not start" >&2; exit 1; }

echo "bench: $TARGETS $KIND targets every ${INTERVAL} ms on $PORTS ports; detector on core 0 (taskset -c 0), targets on core 1"
echo "bench: machine: $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: niceness ${BENCH_NICE:-0}"
"${NICE[@]}" taskset -c 0 "$JAVA" -Xmx1g ${BENCH_GC:--XX:+UseZGC} ${BENCH_JAVA_OPTS:-} "${QUIET[@]}" -cp "$CP" io.baran.detector.bench.ProbeBench \
  "$TARGETS" "$INTERVAL" "$WARMUP" "$MEASURE" "$KIND" "$FIRST_PORT" "$PORTS" 2>"$LOGS/detector.log"
