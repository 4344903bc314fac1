#!/usr/bin/env bash
# docker-compose.yml end to end, on a machine with a Docker engine (and no image registry: the images come from
# deploy-tests/images/build.sh, test stand-ins built locally).
#
#   deploy-tests/compose-e2e.sh [--keep] [--no-build]
#     --keep      leave the stack running at the end (no `down -v`)
#     --no-build  use the service images already built (no `compose build`, `up` without --build)
#
# 1. builds the stand-in images and the three services' images (their Dockerfiles, through compose);
# 2. `docker compose --profile sandbox up --build -d` and waits (bounded) until every service is healthy and every
#    one-shot job has exited 0;
# 3. the README's drill (as operator, a token from the compose Keycloak): the record www.baran.test. switches to the
#    standby during the hold and is restored, the execution completes with its steps undone;
# 4. the automatic path: `docker compose stop demo-primary` switches the record, `start` restores it;
# 5. the Temporal Web UI of the stack (http://127.0.0.1:8233) renders the drill's execution in headless Chromium;
# 6. `docker compose --profile sandbox down -v`, and nothing of the project is left (containers, volumes, networks).
# Prints the figures (build and start-up times, image sizes). Logs of every container go to
# .baran/compose-e2e/ when a step fails. Needs: docker with buildx and compose (bin/bootstrap docker), python3
# with boto3, chromium, curl.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
keep=0 build=1
for arg in "$@"; do
  case $arg in
    --keep) keep=1 ;;
    --no-build) build=0 ;;
    *) echo "usage: deploy-tests/compose-e2e.sh [--keep] [--no-build]" >&2; exit 2 ;;
  esac
done
out=$root/.baran/compose-e2e
mkdir -p "$out"
project=baran
compose=(docker compose --profile sandbox)
export COMPOSE_PARALLEL_LIMIT=${COMPOSE_PARALLEL_LIMIT:-2}

log() { printf '[compose-e2e %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
figures=()
figure() { figures+=("$1"); log "figure: $1"; }
fail() {
  log "FAILED: $*"
  "${compose[@]}" ps -a > "$out/ps.txt" 2>&1 || true
  local s
  for s in $("${compose[@]}" ps -a --services 2>/dev/null); do
    "${compose[@]}" logs --no-color "$s" > "$out/$s.log" 2>&1 || true
  done
  log "container logs in $out"
  if ((!keep)); then "${compose[@]}" down -v --remove-orphans > /dev/null 2>&1 || true; fi
  exit 1
}

# until SECONDS WHAT CMD...: runs CMD every 2 s until it succeeds, at most SECONDS.
until_ok() {
  local limit=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@"; do
    ((SECONDS < deadline)) || fail "$what: not within $limit s"
    sleep 2
  done
}

docker info > /dev/null 2>&1 || { log "no Docker engine answers (docker info)"; exit 2; }
docker compose version > /dev/null 2>&1 || { log "docker compose is missing (bin/bootstrap docker)"; exit 2; }
python3 -c 'import boto3' 2> /dev/null || { log "python3 lacks boto3 (bin/bootstrap)"; exit 2; }
chromium=$(command -v chromium || command -v chromium-browser || true)
[[ -n $chromium ]] || { log "chromium is missing (bin/bootstrap)"; exit 2; }
if [[ -n $(docker ps -aq --filter "label=com.docker.compose.project=$project") ]]; then
  log "a compose project '$project' already exists: docker compose --profile sandbox down -v first"
  exit 2
fi

# 1. images ------------------------------------------------------------------------------------------------------
started=$SECONDS
"$root/deploy-tests/images/build.sh"
figure "stand-in images: $((SECONDS - started)) s"
up=(up -d)
if ((build)); then
  started=$SECONDS
  nice -n 15 "${compose[@]}" build --quiet || fail "docker compose build"
  figure "the three service images (docker compose build): $((SECONDS - started)) s"
  up=(up --build -d)
fi

# 2. up, healthy ---------------------------------------------------------------------------------------------------
# Every service is either long-running with a health check (must be healthy) or a one-shot job (must exit 0).
all_ready() {
  python3 - "$@" <<'PY'
import json, subprocess, sys
raw = subprocess.run(["docker", "compose", "--profile", "sandbox", "ps", "-a", "--format", "json"],
                     capture_output=True, text=True, check=True).stdout
rows = [json.loads(l) for l in raw.splitlines() if l.strip().startswith("{")] if not raw.lstrip().startswith("[") else json.loads(raw)
services = subprocess.run(["docker", "compose", "--profile", "sandbox", "config", "--services"],
                          capture_output=True, text=True, check=True).stdout.split()
state = {r["Service"]: r for r in rows}
pending = []
for s in services:
    r = state.get(s)
    if r is None:
        pending.append(s + ": not created"); continue
    if r["State"] == "exited":
        if r.get("ExitCode") != 0:
            print(f"{s} exited {r.get('ExitCode')}", file=sys.stderr); sys.exit(3)
        continue
    if r.get("Health") != "healthy":
        pending.append(f"{s}: {r['State']} {r.get('Health') or ''}".strip())
if pending:
    open(sys.argv[1], "w").write("\n".join(pending) + "\n")
    sys.exit(1)
PY
}
wait_ready() {
  local limit=$1 deadline=$((SECONDS + $1)) rc
  while :; do
    rc=0
    all_ready "$out/pending.txt" || rc=$?
    ((rc == 0)) && return 0
    ((rc == 3)) && fail "a one-shot job failed"
    ((SECONDS < deadline)) || fail "not every service healthy within $limit s: $(paste -sd';' "$out/pending.txt")"
    sleep 3
  done
}
started=$SECONDS
"${compose[@]}" "${up[@]}" --quiet-pull > "$out/up.log" 2>&1 || { tail -n 20 "$out/up.log" >&2; fail "docker compose up"; }
wait_ready 600
figure "${up[*]} to every service healthy: $((SECONDS - started)) s"

# 3. the drill ------------------------------------------------------------------------------------------------------
token() { bin/local-stack token "$1"; }
record() { python3 bin/seed-moto --endpoint http://127.0.0.1:5000 --list 2> /dev/null | grep -F 'www.baran.test.' || true; }
points_at() { record | grep -qF "$1"; }
api() { curl -sS --max-time 20 -H "Authorization: Bearer $OPERATOR" -H 'Content-Type: application/json' "$@"; }

until_ok 10 "the record www.baran.test. at the primary before the drill" points_at primary.baran.test.
OPERATOR=$(token operator) || fail "no token for operator from the compose Keycloak"
answer=$(api -X POST 127.0.0.1:8080/api/drills -d '{"runbook":"demo-web"}') || fail "POST /api/drills"
drill=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["executionId"])' <<< "$answer") \
  || fail "POST /api/drills answered $answer"
log "drill $drill started"
until_ok 60 "the drill switching www.baran.test. to the standby" points_at standby.baran.test.
drill_done() {
  local body
  body=$(api "127.0.0.1:8080/api/executions/$drill") || return 1
  printf '%s\n' "$body" > "$out/drill.json"
  python3 -c '
import json, sys
e = json.load(sys.stdin)
if e.get("status") in ("failed", "terminated", "cancelled", "timed-out"):
    sys.exit("the drill ended " + e["status"])
sys.exit(0 if e.get("status") == "completed" else 1)' < "$out/drill.json"
}
until_ok 120 "the drill completing" drill_done
python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))
assert e["startedBy"]["name"] == "operator", e["startedBy"]
states = {s["name"]: s["state"] for s in e["steps"]}
assert states.get("move-traffic") == "undone", states
' "$out/drill.json" || fail "the drill's execution: $(cat "$out/drill.json")"
until_ok 10 "the record restored after the drill" points_at primary.baran.test.
log "drill $drill completed: switched to the standby and restored"

# 4. the automatic path ----------------------------------------------------------------------------------------------
"${compose[@]}" stop demo-primary > /dev/null 2>&1 || fail "docker compose stop demo-primary"
started=$SECONDS
until_ok 120 "the outage switching www.baran.test. to the standby" points_at standby.baran.test.
figure "outage (demo-primary stopped) to the record at the standby: $((SECONDS - started)) s"
"${compose[@]}" start demo-primary > /dev/null 2>&1 || fail "docker compose start demo-primary"
started=$SECONDS
until_ok 180 "the recovery restoring www.baran.test. to the primary" points_at primary.baran.test.
figure "recovery (demo-primary started) to the record restored: $((SECONDS - started)) s"

# 5. the Temporal Web UI ---------------------------------------------------------------------------------------------
render() {
  local profile
  profile=$(mktemp -d)
  timeout 90 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$profile" \
    --window-size=1400,1000 --virtual-time-budget=20000 --dump-dom "$1" 2> /dev/null > "$out/ui.html" || true
  rm -rf "$profile"
}
ui_shows() {
  render "http://127.0.0.1:8233/namespaces/default/workflows/$drill"
  # The payloads (and so the steps' summaries) stay encrypted on this page: the UI's codec calls from the browser
  # carry no token here (the system tests' FailoverChainIT shows them decoded, through a token-adding proxy).
  grep -qF "$drill" "$out/ui.html" && grep -qF "Completed" "$out/ui.html"
}
until_ok 120 "the Temporal Web UI (http://127.0.0.1:8233) rendering $drill with its steps" ui_shows
log "the Temporal Web UI renders $drill"

# 6. figures, down -v ------------------------------------------------------------------------------------------------
for image in baran/orchestrator-service:0.1.0-SNAPSHOT baran/replication-worker:0.1.0-SNAPSHOT \
  baran/detector-service:0.1.0-SNAPSHOT; do
  figure "$image: $(docker image inspect -f '{{.Size}}' "$image" | numfmt --to=iec)"
done
if ((keep)); then
  log "stack left running (--keep)"
else
  "${compose[@]}" down -v --remove-orphans > /dev/null 2>&1 || fail "docker compose down -v"
  left=$(docker ps -aq --filter "label=com.docker.compose.project=$project"
    docker volume ls -q --filter "label=com.docker.compose.project=$project"
    docker network ls -q --filter "label=com.docker.compose.project=$project")
  [[ -z $left ]] || fail "down -v left: $left"
  log "down -v: no container, volume or network of project $project left"
fi
printf '%s\n' "${figures[@]}" > "$out/figures.txt"
log "PASSED"
printf '  %s\n' "${figures[@]}" >&2
