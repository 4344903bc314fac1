#!/usr/bin/env bash
# Dispatch throughput: one outage.detected for N runbooks (default 1000) in one scope, on a fresh Temporal dev server
# (`temporal server start-dev`, SQLite in memory) and PostgreSQL, started as the tests start them. Prints the time from
# the dispatch call to the last execution started, and the redelivery of the same event (which starts none).
#
#   orchestrator-service/bench/dispatch-bench.sh            # 1000 runbooks
#   RUNBOOKS=5000 orchestrator-service/bench/dispatch-bench.sh
#   CONCURRENCY=64 orchestrator-service/bench/dispatch-bench.sh   # baran.dispatch.concurrency (default 32)
#
# The workflow worker is off during the run, so the figures are the dispatch's alone (the executions wait at their
# first workflow task). Never a pass/fail: read the figures.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export PATH=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):/root/go/bin:$PATH
[ -d infra/kafka-dist/target/lib ] || ./mvnw -B -ntp -q -pl infra/kafka-dist generate-resources
log=$(mktemp -t dispatch-bench.XXXXXX.log)
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "temporal: $(temporal --version 2>/dev/null | head -1)"
./mvnw -B -ntp -o -pl orchestrator-service -am verify -Dspotless.check.skip=true \
    -Dit.test='DispatchIT#oneOutageStartsOneExecutionPerRunbookAndItsRedeliveryStartsNone' -Dtest=none \
    -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dbaran.bench.runbooks="${RUNBOOKS:-1000}" ${CONCURRENCY:+-Dbaran.dispatch.concurrency=$CONCURRENCY} >"$log" 2>&1 || {
    echo "the run failed; its log: $log" >&2
    grep -E "Tests run:|FAIL" "$log" >&2 || true
    exit 1
}
grep -E "^saved|^dispatch of" "$log"
grep -oE "event [^ ]+ \(outage of bench/[^)]+\): [0-9]+ runbook\(s\).*" "$log" | sed 's/^/  /'
echo "after the run: load average $(cut -d' ' -f1-3 /proc/loadavg); full log: $log"
