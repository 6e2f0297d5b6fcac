#!/usr/bin/env bash
# Stored ownership data at scale: writes an ownership file of PARTIES parties and EDGES holdings (some owners named
# as listed Entity List and SDN parties), then times, with the release build on a new SQLite store:
#   vetter ownership import   (read, store the version, audit record)
#   vetter check              (the first answer builds the day's ownership context: every party resolved by a
#                              recorded screening, both rules computed; printed with its peak memory)
#   vetter ownership check    (the report for every party)
# One party in a hundred is held 60 % by a listed owner.
# usage: scripts/ownership-bench.sh [PARTIES=100000] [EDGES=1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
parties=${1:-100000}
edges=${2:-1000000}
swift build -c release >/dev/null 2>&1
directory=$(mktemp -d)
trap 'rm -rf "$directory"' EXIT
python3 - "$parties" "$edges" "$directory/ownership.csv" <<'PY'
import random, sys
parties, edges, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
random.seed(42)
listed = ["Hangzhou Hikvision Digital Technology Co. Ltd.", "SDN:306", "Zhejiang Dahua Technology Co., Ltd.",
          "Megvii Technology Limited", "Banco Nacional de Cuba"]
names = [f"Holding {i:06d} Trading Company" for i in range(parties)]
names[:len(listed)] = listed
owners = [[] for _ in range(parties)]
for _ in range(edges):
    owners[random.randrange(parties)].append(random.randrange(parties))
with open(path, "w") as f:
    f.write("owner,owned,percent,relationship,source,as_of\n")
    for owned, those in enumerate(owners):
        if not those:
            continue
        weights = [random.uniform(0.05, 1) for _ in those]
        total = random.uniform(50, 100) / sum(weights)
        for owner, weight in zip(those, weights):
            share = "unknown" if random.randrange(20) == 0 else f"{weight * total:.2f}"
            f.write(f"\"{names[owner]}\",\"{names[owned]}\",{share},direct,bench,2026-01-01\n")
        if owned % 100 == 0 and owned >= len(listed):
            # One party in a hundred is 60 % held by a listed owner: chains of restriction start there.
            f.write(f"\"{random.choice(listed)}\",\"{names[owned]}\",60,direct,bench,2026-01-01\n")
PY
echo "file       $(wc -l < "$directory/ownership.csv") lines, $(du -h "$directory/ownership.csv" | cut -f1)"
vetter=(.build/release/vetter --db "$directory/v.sqlite")
"${vetter[@]}" lists >/dev/null 2>&1
measure() { # label command...
    /usr/bin/time -f "%e s, peak %M KB" -o "$directory/time" "${@:2}" >"$directory/out" 2>"$directory/err" || {
        cat "$directory/err" >&2
        exit 1
    }
    echo "$1 $(cat "$directory/time")"
}
measure "import    " "${vetter[@]}" ownership import "$directory/ownership.csv"
measure "check     " "${vetter[@]}" check --party "Holding 000777 Trading Company" --eccn EAR99
measure "report    " "${vetter[@]}" ownership check --json
echo "restricted $(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for p in d['parties'] if (p['ofac']['restricted'] or p['affiliates']['restricted']) and not (p['ofac']['listed'] or p['affiliates']['listed'])), 'of', len(d['parties']), 'parties by ownership;', sum(1 for p in d['parties'] if p['ofac']['red_flag_29'] or p['affiliates']['red_flag_29']), 'with Red Flag 29')" "$directory/out")"
