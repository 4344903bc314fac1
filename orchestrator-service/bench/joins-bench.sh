#!/usr/bin/env bash
# What a mass outage's joins cost: N failed-over executions (default 1000) on a Temporal dev server (in memory) with the
# orchestrator's workflow worker running them, then N joins as the Update joinOutage (each answered once a worker has
# run the execution's workflow task: it takes or refuses the outage) and N as the signal outageDetected (answered once
# Temporal has it), BENCH_CONCURRENCY at once (default 32, as baran.dispatch.concurrency). Never a pass/fail: read the
# figures.
#
#   orchestrator-service/bench/joins-bench.sh
#   EXECUTIONS=200 CONCURRENCY=8 orchestrator-service/bench/joins-bench.sh
#
# Needs the temporal CLI (bin/bootstrap).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export PATH=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH
echo "machine: $(nproc) cores, $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "temporal: $(temporal --version 2>/dev/null | head -1)"
log=$(mktemp -t joins-bench.XXXXXX.log)
./mvnw -B -ntp -o -pl orchestrator-service -am test-compile \
    org.apache.maven.plugins:maven-failsafe-plugin:3.5.2:integration-test \
    org.apache.maven.plugins:maven-failsafe-plugin:3.5.2:verify \
    -Dit.test=JoinsBench -Dfailsafe.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
    -Dbench.executions="${EXECUTIONS:-1000}" -Dbench.concurrency="${CONCURRENCY:-32}" >"$log" 2>&1 || {
    echo "the bench failed; its log: $log (and orchestrator-service/target/failsafe-reports)" >&2
    grep -E "^BENCH|Tests run:|FAIL" "$log" >&2 || true
    exit 1
}
grep -E "^BENCH" "$log" || true
echo "after the run: load average $(cut -d' ' -f1-3 /proc/loadavg); full log: $log"
