#!/usr/bin/env bash
# Starts (or stops) a Docker engine for deploy-tests/compose-e2e.sh and the Testcontainers path of the tests, on a
# machine where dockerd is installed (bin/bootstrap docker) but not running as a service.
#
#   deploy-tests/docker-engine.sh start    exits 0 once `docker info` answers (an engine already running is used)
#   deploy-tests/docker-engine.sh stop     stops only an engine this script started
#
# The engine's log and pid file: .baran/dockerd.log, .baran/dockerd.pid. Needs root.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state=$root/.baran
mkdir -p "$state"
case ${1:-} in
  start)
    if docker info > /dev/null 2>&1; then echo "docker-engine: an engine answers already"; exit 0; fi
    command -v dockerd > /dev/null 2>&1 || { echo "docker-engine: dockerd is missing (bin/bootstrap docker)" >&2; exit 2; }
    [[ $EUID -eq 0 ]] || { echo "docker-engine: starting dockerd needs root" >&2; exit 2; }
    setsid dockerd > "$state/dockerd.log" 2>&1 < /dev/null &
    echo $! > "$state/dockerd.pid"
    for _ in $(seq 60); do
      docker info > /dev/null 2>&1 && { echo "docker-engine: started (pid $(cat "$state/dockerd.pid"))"; exit 0; }
      kill -0 "$(cat "$state/dockerd.pid")" 2> /dev/null || break
      sleep 1
    done
    echo "docker-engine: dockerd did not answer within 60 s; its log:" >&2
    tail -n 20 "$state/dockerd.log" >&2
    exit 1
    ;;
  stop)
    [[ -s $state/dockerd.pid ]] || { echo "docker-engine: not started by this script"; exit 0; }
    pid=$(cat "$state/dockerd.pid")
    kill "$pid" 2> /dev/null || true
    for _ in $(seq 30); do kill -0 "$pid" 2> /dev/null || break; sleep 1; done
    rm -f "$state/dockerd.pid"
    echo "docker-engine: stopped"
    ;;
  *) echo "usage: deploy-tests/docker-engine.sh start|stop" >&2; exit 2 ;;
esac
