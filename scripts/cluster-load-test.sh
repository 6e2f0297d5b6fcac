#!/usr/bin/env bash
# Load test of two `vetter serve` nodes on one PostgreSQL database against one node on SQLite, in the same run:
# POST /v1/screen on loopback with wrk (Debian's), every screening recorded. Starts a throw-away PostgreSQL cluster
# (scripts/postgres.sh), the two nodes on it, then one node on a new SQLite store; prints wrk's figures for each.
# usage: scripts/cluster-load-test.sh [DURATION=60s] [CONNECTIONS=32 per node]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-60s}
connections=${2:-32}
command -v wrk >/dev/null || { echo "cluster-load-test: wrk is missing (apt-get install wrk)" >&2; exit 1; }
swift build -c release >/dev/null
directory=$(mktemp -d)
pgdir=$(mktemp -d)   # a folder of its own: as root the cluster runs as `postgres`, which must own it
pids=()
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; scripts/postgres.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$directory" "$pgdir"' EXIT
address=$(scripts/postgres.sh start "$pgdir")

start() { # name database; sets $url
    .build/release/vetter serve --port 0 --db "$2" --log-level notice 2>"$directory/$1.log" &
    pids+=($!)
    for _ in $(seq 600); do grep -q "Listening on" "$directory/$1.log" 2>/dev/null && break; sleep 0.1; done
    url=$(grep -m1 -o "http://127.0.0.1:[0-9]*" "$directory/$1.log")
}
start a "$address"
a=$url
key=$(grep -m1 -o "vk_[0-9a-f]*" "$directory/a.log")
start b "$address"
b=$url
wrk -t1 -c8 -d5s -s scripts/wrk-screen.lua "$a/v1/screen" -- "$key" >/dev/null
wrk -t1 -c8 -d5s -s scripts/wrk-screen.lua "$b/v1/screen" -- "$key" >/dev/null
echo "== two nodes on PostgreSQL, $duration, $connections connections each =="
wrk -t1 -c"$connections" -d"$duration" --latency -s scripts/wrk-screen.lua "$a/v1/screen" -- "$key" >"$directory/wrk-a.txt" &
first=$!
wrk -t1 -c"$connections" -d"$duration" --latency -s scripts/wrk-screen.lua "$b/v1/screen" -- "$key" >"$directory/wrk-b.txt"
wait "$first"
echo "-- node A"; cat "$directory/wrk-a.txt"
echo "-- node B"; cat "$directory/wrk-b.txt"
for p in "${pids[@]}"; do kill -TERM "$p"; wait "$p" 2>/dev/null || true; done
pids=()

start s "$directory/v.sqlite"
s=$url
skey=$(grep -m1 -o "vk_[0-9a-f]*" "$directory/s.log")
wrk -t1 -c8 -d5s -s scripts/wrk-screen.lua "$s/v1/screen" -- "$skey" >/dev/null
echo "== one node on SQLite, $duration, $((connections * 2)) connections =="
wrk -t2 -c"$((connections * 2))" -d"$duration" --latency -s scripts/wrk-screen.lua "$s/v1/screen" -- "$skey"
