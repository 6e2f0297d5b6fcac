#!/usr/bin/env bash
# schemathesis against a running server: every documented operation, every check, for a fixed time.
#   Tests/schemathesis/run.sh BASE_URL ADMIN_KEY [SECONDS]
# The server must run on a throw-away store: the fuzzer creates keys and watched parties.
set -euo pipefail
base=$1
export VETTER_KEY=$2
seconds=${3:-60}
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
curl -fsS -H "Authorization: Bearer $VETTER_KEY" "$base/openapi.yaml" -o "$work/openapi.yaml"
cd "$work"
# A request dated in the past builds that day's index the first time (seconds in a debug build, more while other
# test processes share the two cores): the default 10 s per request would report a slow answer as a failure.
schemathesis --config-file "$here/schemathesis.toml" run "$work/openapi.yaml" --url "$base" \
    --max-time "$seconds" --request-timeout 60 --seed 1 --no-color
