#!/usr/bin/env bash
# `make run-cluster`: N TravelPack processes on one PostgreSQL behind Caddy (deploy/Caddyfile), sticky by cookie.
# Every process gets the same database URL, secret key and base URL (the balancer's), and its own port and data dir.
# Ctrl+C, or any one of them exiting, stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${TRAVELPACK_DATABASE_URL:?set it to a PostgreSQL URL: SQLite is one process}"
command -v caddy >/dev/null || { echo "run-cluster needs Caddy 2 as its balancer (apt-get install caddy)" >&2; exit 1; }
PYTHON=${PYTHON:-.venv/bin/python}
PROCESSES=${CLUSTER_PROCESSES:-2}
FIRST_PORT=${CLUSTER_FIRST_PORT:-8081}
DATA=${CLUSTER_DATA_DIR:-data/cluster}
export CLUSTER_PORT=${CLUSTER_PORT:-8080}
export TRAVELPACK_BASE_URL=${TRAVELPACK_BASE_URL:-http://localhost:$CLUSTER_PORT}

mkdir -p "$DATA"
if [ -z "${TRAVELPACK_SECRET_KEY:-}" ]; then  # one key for all, made once (each data dir would make its own)
	[ -s "$DATA/secret.key" ] || (umask 077 && "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(48))' >"$DATA/secret.key")
	TRAVELPACK_SECRET_KEY=$(cat "$DATA/secret.key")
	export TRAVELPACK_SECRET_KEY
fi

pids=()
stop() {
	trap - INT TERM EXIT
	kill -TERM "${pids[@]}" 2>/dev/null || true
	wait
}
trap stop INT TERM EXIT

upstreams=()
for n in $(seq "$PROCESSES"); do
	port=$((FIRST_PORT + n - 1))
	mkdir -p "$DATA/$n"
	TRAVELPACK_PORT=$port TRAVELPACK_DATA_DIR=$DATA/$n NICEGUI_STORAGE_PATH=$DATA/$n/.nicegui "$PYTHON" main.py &
	pids+=($!)
	upstreams+=("127.0.0.1:$port")
done
# Caddy keeps its autosaved config and state under the data dir, not in ~
CLUSTER_UPSTREAMS=${upstreams[*]} XDG_CONFIG_HOME=$DATA/caddy XDG_DATA_HOME=$DATA/caddy caddy run --config deploy/Caddyfile --adapter caddyfile &
pids+=($!)
echo "TravelPack: $PROCESSES processes behind $TRAVELPACK_BASE_URL (Ctrl+C stops them all)"
wait -n
