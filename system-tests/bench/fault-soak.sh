#!/usr/bin/env bash
# The fault suite's soak: FaultSuiteIT with many runs (default 50) of drills and outage-triggered failovers and
# recoveries on the packaged services, two orchestrator replicas, under a seeded random schedule of kill -9s
# (orchestrator, worker, detector, Temporal dev server, Kafka broker), PostgreSQL restarts, redelivered outage events
# and provider API faults (a fault proxy in front of moto). Prints the suite's table (runs, faults by kind, each
# invariant held/violated), the seed, the machine and how long it took; exits non-zero if an invariant broke.
#
#   system-tests/bench/fault-soak.sh                      # 50 runs, a new seed
#   RUNS=80 SEED=12345 system-tests/bench/fault-soak.sh   # replays the schedule of seed 12345
#   SKIP_BUILD=1 system-tests/bench/fault-soak.sh         # the services are packaged already
#
# Needs what the system tests need (bin/bootstrap): Kafka jars, temporal CLI, PostgreSQL, moto_server.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export PATH=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):/root/go/bin:$PATH
runs=${RUNS:-50}
seed=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
if [ -z "${SKIP_BUILD:-}" ]; then
    echo "packaging the services (./mvnw package -pl system-tests -am -DskipTests)..."
    ./mvnw -B -ntp -o -q package -pl system-tests -am -DskipTests -Dspotless.check.skip=true
fi
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "seed: $seed, runs: $runs"
log=$(mktemp -t fault-soak.XXXXXX.log)
started=$(date +%s)
status=0
./mvnw -B -ntp -o -pl system-tests -am test-compile org.apache.maven.plugins:maven-failsafe-plugin:3.5.2:integration-test \
    org.apache.maven.plugins:maven-failsafe-plugin:3.5.2:verify \
    -Dit.test=FaultSuiteIT -Dfailsafe.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
    -Dbaran.faults.runs="$runs" -Dbaran.faults.seed="$seed" >"$log" 2>&1 || status=$?
echo "took $(( $(date +%s) - started )) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -f system-tests/target/fault-suite.txt ]; then
    cat system-tests/target/fault-suite.txt
else
    grep -E "^fault suite|Tests run:|FAIL" "$log" || true
fi
echo "full log: $log (services' logs under system-tests/target/infra/faults-*)"
exit "$status"
