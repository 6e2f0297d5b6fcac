#!/usr/bin/env bash
# Load test of POST /v1/screen on loopback: starts a release `vetter serve` on a new store, runs wrk against it
# (Debian's wrk), and prints wrk's figures and the server's resident memory before and after.
# usage: [WRK_THREADS=2] [VETTER_LOG_LEVEL=info] [IMPORT_DURING=FILE] scripts/load-test.sh [DURATION=60s] [CONNECTIONS=32]
# With IMPORT_DURING, that list file is posted to /v1/imports 5 s into the run: the screens go on while it is read,
# written, and the index in use replaced (wrk's "Non-2xx" line would count any failed request).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-60s}
connections=${2:-32}
command -v wrk >/dev/null || { echo "load-test: wrk is missing (apt-get install wrk)" >&2; exit 1; }
swift build -c release >/dev/null
directory=$(mktemp -d)
trap 'kill -TERM $pid 2>/dev/null || true; rm -rf "$directory"' EXIT
.build/release/vetter serve --port 0 --db "$directory/v.sqlite" ${VETTER_LOG_LEVEL:+--log-level "$VETTER_LOG_LEVEL"} 2>"$directory/serve.log" &
pid=$!
for _ in $(seq 600); do grep -q "Listening on" "$directory/serve.log" 2>/dev/null && break; sleep 0.1; done
base=$(grep -o "http://127.0.0.1:[0-9]*" "$directory/serve.log" | head -1)
key=$(grep -o "vk_[0-9a-f]*" "$directory/serve.log" | head -1)
rss() { awk '/VmRSS/ { printf "%.0f MB", $2 / 1024 }' "/proc/$pid/status"; }
# A short warm-up, so that "before" is the memory of a server that has answered requests.
wrk -t2 -c"$connections" -d5s -s scripts/wrk-screen.lua "$base/v1/screen" -- "$key" >/dev/null
echo "server RSS before: $(rss)"
if [ -n "${IMPORT_DURING:-}" ]; then
    (sleep 5 && curl -s -o "$directory/import.json" -w "import during the run: HTTP %{http_code} in %{time_total} s\n" \
        -H "Authorization: Bearer $key" --data-binary @"$IMPORT_DURING" \
        "$base/v1/imports?filename=$(basename "$IMPORT_DURING")") &
    importer=$!
fi
wrk -t"${WRK_THREADS:-2}" -c"$connections" -d"$duration" --latency -s scripts/wrk-screen.lua "$base/v1/screen" -- "$key"
if [ -n "${importer:-}" ]; then wait "$importer"; fi
echo "server RSS after:  $(rss)"
echo "log lines written: $(grep -c 'route=/v1/screen status=200' "$directory/serve.log")"
