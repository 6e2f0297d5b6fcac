#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (every reader of outside input, the normaliser and the scorer) with the
# fuzzer and address sanitizers, and runs each for a fixed number of inputs from a seed corpus made of the real
# files in ../shared/data. A crash, a failed invariant, a leak or a timeout stops the target, keeps the input in
# .fuzz/artifacts/ and makes the script exit non-zero.
#
#   scripts/fuzz.sh [RUNS] [TARGET ...]      RUNS defaults to 20000; targets default to all of them
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs=${1:-20000}
shift || true
shared="${VETTER_SHARED_DATA:-$root/../shared/data}"
eval_set="$shared/../eval/dev.csv"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(FuzzCSL FuzzOFAC FuzzOFACXML FuzzDPL FuzzOtherLists FuzzZip FuzzPartyCSV FuzzTransaction FuzzScreen)
fi
# libFuzzer's coverage instrumentation and its runtime without a main (each target's main.swift starts it through
# LLVMFuzzerRunDriver: SwiftPM gives every executable its own entry point, which -sanitize=fuzzer's main would
# clash with).
toolchain="$(dirname "$(readlink -f "$(command -v swiftc)")")/.."
runtime="$(ls "$toolchain"/lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a | head -1)"
flags=(-c release --package-path "$root/Fuzz" -Xswiftc -sanitize=address
    -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table
    -Xlinker "$runtime" -Xlinker -lstdc++)
swift build "${flags[@]}" 2>&1 | grep -v "Cannot export local symbol" >&2
bin="$(swift build "${flags[@]}" --show-bin-path)"

work="$root/.fuzz"
mkdir -p "$work/artifacts"
seeds="$work/seeds"
rm -rf "$seeds"
# Seeds: the heads of real files (libFuzzer mutates inputs of up to 64 KiB here).
seed() { # target, name, file
    mkdir -p "$seeds/$1"
    head -c 65536 "$3" > "$seeds/$1/$2"
}
zhead() { mkdir -p "$seeds/$1"; gzip -dc "$3" | head -c 65536 > "$seeds/$1/$2" || true; }
seed FuzzCSL sample-2025-06 "$shared/csl/sample-2025-06.csv"
seed FuzzCSL sample-2019 "$shared/csl/sample-2019-12-old-layout.csv"
zhead FuzzCSL consolidated "$shared/csl/consolidated-2022-05.csv.gz"
seed FuzzCSL consolidated-gz "$shared/csl/sample-2025-06.csv"
gzip -c "$shared/csl/sample-2025-06.csv" > "$seeds/FuzzCSL/sample.gz"
for file in sdn add alt sdn_comments; do seed FuzzOFAC "$file" "$shared/ofac/sdn-2021-07/$file.csv"; done
seed FuzzOFAC cons_prim "$shared/ofac/cons-2025-12/cons_prim.csv"
seed FuzzOFACXML sdn "$shared/native-samples/sdn__sdn.xml"
seed FuzzOFACXML consolidated "$shared/native-samples/treasury_consolidated__consolidated.xml"
mkdir -p "$seeds/FuzzOFACXML" "$seeds/FuzzZip"
for file in "$shared"/other-us-lists/*.csv; do seed FuzzOtherLists "$(basename "$file" .csv)" "$file"; done
python3 - "$seeds/FuzzZip" "$shared" <<'PY'
import sys, zipfile, os
out, shared = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(os.path.join(shared, "ofac/cons-enhanced-xml-2025-01-14.zip")) as z:
    with open(os.path.join(out, "../FuzzOFACXML/enhanced"), "wb") as f:
        f.write(z.read("CONS_ENHANCED.XML")[:65536])
with zipfile.ZipFile(os.path.join(out, "sdn-xml.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    z.write(os.path.join(shared, "native-samples/sdn__sdn.xml"), "sdn.xml")
with zipfile.ZipFile(os.path.join(out, "stored.zip"), "w", zipfile.ZIP_STORED) as z:
    z.write(os.path.join(shared, "other-us-lists/special_leg__section_889.csv"), "889.csv")
PY
seed FuzzDPL dpl "$shared/bis/dpl-2023-11.txt"
seed FuzzDPL dpl-native "$shared/native-samples/dpl__dpl.txt"
mkdir -p "$seeds/FuzzPartyCSV" "$seeds/FuzzTransaction" "$seeds/FuzzScreen"
head -c 65536 "$eval_set" > "$seeds/FuzzPartyCSV/dev" 2>/dev/null || true
printf 'id,name,country,type,address\n1,"Kim, Jong Un",KP,individual,"Pyongyang\nKorea"\n' > "$seeds/FuzzPartyCSV/quoted"
printf '{"parties":[{"name":"Hikvision","role":"end_user","country":"CN","type":"entity"}],"items":[{"eccn":"5A992.c","quantity":2},{"eccn":"EAR99"}],"date":"2024-01-31"}' \
    > "$seeds/FuzzTransaction/hikvision"
printf '{"parties":[{"name":""}],"items":[]}' > "$seeds/FuzzTransaction/empty"
printf 'id,name,date_of_birth,identifiers\n1,Said Jan,1981-02,OR801168; IMO 8984484\n' > "$seeds/FuzzPartyCSV/evidence"
# Names in the scripts and shapes the normaliser reads itself: Burmese, Chinese proper names, former names.
printf 'ကောင်းမြတ်ထက် ကုမ္ပဏီလီမိတက် ၁၂' > "$seeds/FuzzScreen/burmese"
printf '北京理工大学' > "$seeds/FuzzScreen/cedict"
printf 'MV Lagos Pearl (ex Atlantic Palm, 2006), formerly known as Warta 7' > "$seeds/FuzzScreen/former"
if [ -f "$eval_set" ]; then
    # sed reads the whole file: no stage of the pipe exits early, so pipefail never sees a SIGPIPE (141).
    sed -n '2,301p' "$eval_set" | cut -d, -f2 | split -l 1 - "$seeds/FuzzScreen/name-"
fi

export VETTER_FUZZ_LIST="$shared/csl/sample-2025-06.csv"
# FoundationXML leaks the error objects it makes for malformed XML (a few hundred bytes each, inside
# _CFErrorCreateFromXMLInterface); only that frame is suppressed, every other leak still fails the run.
printf 'leak:_CFErrorCreateFromXMLInterface\n' > "$work/lsan.supp"
export LSAN_OPTIONS="suppressions=$work/lsan.supp"
status=0
summary=()
for target in "${targets[@]}"; do
    corpus="$work/corpus/$target"
    mkdir -p "$corpus"
    log="$work/$target.log"
    echo "== $target: $runs inputs" >&2
    if "$bin/$target" -runs="$runs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/$target-" "$corpus" "$seeds/$target" > "$log" 2>&1; then
        result="ok"
    else
        result="FAILED (see $log and $work/artifacts)"
        status=1
    fi
    executed=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    summary+=("$target: $executed inputs, $result")
done
printf '%s\n' "${summary[@]}"
exit $status
