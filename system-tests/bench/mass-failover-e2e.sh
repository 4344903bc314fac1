#!/usr/bin/env bash
# Mass failover, end to end: the packaged detector, orchestrator and replication-worker, Kafka, the Temporal dev server,
# PostgreSQL and moto behind route53_rate_proxy.py (Route 53's 5 requests/s per account, Throttling beyond it).
# N runbooks (default 1000; one service, one CNAME, one dns.switch step each, no approval, blast-radius guard off) in one
# scope; the detector's target for that scope is stopped (one signed outage.detected), then brought back.
# Prints, for 1 zone and for 10 zones: outage event -> last record switched, recovery event -> last record restored,
# Route 53 calls forwarded and throttled by the proxy, executions by phase. Never a pass/fail: read the figures.
#
#   system-tests/bench/mass-failover-e2e.sh                 # 1000 services, 1 zone then 10 zones
#   SERVICES=200 ZONES="1" system-tests/bench/mass-failover-e2e.sh
#   SKIP_BUILD=1 system-tests/bench/mass-failover-e2e.sh    # the services are packaged already
#   ROUNDS=2 ...          # two outages in a row, each measured: the second meets services that have failed over before
#   TEMPORAL_DB=file ...  # the dev server's state in a SQLite file, as bin/local-stack keeps it (default: in memory);
#                         # file-defaults: the server's own (a rollback journal); "--sqlite-pragma k=v ...": these
#   INSYNC_AFTER=10 ...   # Route 53's propagation: GetChange answers PENDING for 10 s after a change (moto: never)
#   BENCH_ORCHESTRATOR="baran.readiness.enabled=false" BENCH_WORKER="k=v,k=v" ...   # extra settings, to try a tuning
#   BENCH_ORCHESTRATOR_JAVA_OPTIONS="-XX:StartFlightRecording=filename=/tmp/o.jfr" ...  # also BENCH_WORKER_JAVA_OPTIONS
#
# Needs what the system tests need (bin/bootstrap): Kafka jars, temporal CLI, PostgreSQL, moto_server, python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export PATH=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):/root/go/bin:$PATH
services=${SERVICES:-1000}
if [ -z "${SKIP_BUILD:-}" ]; then
    echo "packaging the services (./mvnw package -pl system-tests -am -DskipTests)..."
    ./mvnw -B -ntp -o -q package -pl system-tests -am -DskipTests -Dspotless.check.skip=true
fi
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "temporal: $(temporal --version 2>/dev/null | head -1)"
for zones in ${ZONES:-1 10}; do
    log=$(mktemp -t mass-failover-e2e.XXXXXX.log)
    ./mvnw -B -ntp -o -pl system-tests -am test-compile org.apache.maven.plugins:maven-failsafe-plugin:3.5.2:integration-test \
        org.apache.maven.plugins:maven-failsafe-plugin:3.5.2:verify \
        -Dit.test=MassFailoverE2EBench -Dfailsafe.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
        -Dbench.services="$services" -Dbench.zones="$zones" -Dbench.insync-after="${INSYNC_AFTER:-0}" \
        -Dbench.rounds="${ROUNDS:-1}" -Dbench.temporal-db="${TEMPORAL_DB:-}" \
        -Dbench.orchestrator="${BENCH_ORCHESTRATOR:-}" -Dbench.worker="${BENCH_WORKER:-}" \
        -Dbench.orchestrator.java-options="${BENCH_ORCHESTRATOR_JAVA_OPTIONS:-}" \
        -Dbench.worker.java-options="${BENCH_WORKER_JAVA_OPTIONS:-}" >"$log" 2>&1 || {
        echo "the run with $zones zone(s) failed; its log: $log (and system-tests/target/failsafe-reports)" >&2
        grep -E "^BENCH|Tests run:|FAIL" "$log" >&2 || true
        exit 1
    }
    grep -E "^BENCH|^progress" "$log" | sed -n '1,400p' | grep -E "^BENCH" || true
    echo "  full log (with progress lines): $log"
done
echo "after the runs: load average $(cut -d' ' -f1-3 /proc/loadavg)"
