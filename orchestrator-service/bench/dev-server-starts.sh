#!/usr/bin/env bash
# The floor under a mass failover's dispatch: how fast the Temporal dev server alone starts the orchestrator's failover
# executions on this machine, with nothing else running (no worker, no orchestrator, Kafka or moto). The starts are
# built as the orchestrator builds them (ExecutionLauncher.startOptions, the encrypted ExecutionRequest); the server
# keeps its state in memory, then in a SQLite file as bin/local-stack keeps it. Prints starts per second and the CPU
# seconds of the server and of the client. Never a pass/fail: read the figures.
#
#   orchestrator-service/bench/dev-server-starts.sh
#   STARTS=2000 CONCURRENCY=8 orchestrator-service/bench/dev-server-starts.sh
#
# Needs the temporal CLI (bin/bootstrap).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export PATH=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH
echo "temporal: $(temporal --version 2>/dev/null | head -1)"
log=$(mktemp -t dev-server-starts.XXXXXX.log)
./mvnw -B -ntp -o -pl orchestrator-service -am test-compile org.apache.maven.plugins:maven-failsafe-plugin:3.5.2:integration-test \
    org.apache.maven.plugins:maven-failsafe-plugin:3.5.2:verify \
    -Dit.test=DevServerStartsBench -Dfailsafe.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
    -Dbench.starts="${STARTS:-1000}" -Dbench.concurrency="${CONCURRENCY:-32}" >"$log" 2>&1 || {
    echo "the bench failed; its log: $log (and orchestrator-service/target/failsafe-reports)" >&2
    grep -E "^BENCH|Tests run:|FAIL" "$log" >&2 || true
    exit 1
}
grep -E "^BENCH" "$log" || true
echo "  full log: $log"
