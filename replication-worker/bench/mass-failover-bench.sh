#!/usr/bin/env bash
# Mass failover, the worker's side: 1,000 services (one Route 53 CNAME each) switched and restored against moto behind
# route53_rate_proxy.py (Route 53's 5 requests/s per account, Throttling beyond it). Prints the time to the last record
# switched and restored, throttled answers and failed steps, for 1 zone and for 10 zones. See README "Mass failover".
#   replication-worker/bench/mass-failover-bench.sh [services] [concurrency]
# Needs moto_server and python3 on PATH (as the worker's integration tests do). Measures the worker only: the steps are
# run as its PlanStep/ApplyStep/UndoStep activities run them, on as many threads as a Temporal worker runs activities;
# Temporal, the orchestrator and its dispatch are not included. Concurrency: the worker's baran.actions.max-concurrent (1000).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):/root/go/bin:$PATH
services=${1:-1000}
concurrency=${2:-1000}
for zones in 1 10; do
  ./mvnw -B -ntp -o -q test -pl replication-worker -Dtest=MassFailoverBench -Dsurefire.failIfNoSpecifiedTests=false \
    -Dbench.services="$services" -Dbench.zones="$zones" -Dbench.concurrency="$concurrency" -Dquarkus.log.level=WARN \
    2>&1 | grep '^BENCH' || { echo "bench with $zones zone(s) failed; see replication-worker/target/surefire-reports" >&2; exit 1; }
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sr)"
