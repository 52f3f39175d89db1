#!/usr/bin/env bash
# Runs the libFuzzer harnesses (Fuzz/) over SheetIO's readers.
#
# usage: tools/fuzz.sh SECONDS_EACH [xlsx|xls|csv ...]
#
# Seeds are the test fixtures (made by Tests/Fixtures/*.py, as `make test` makes them), split
# by extension; each harness's corpus grows in .build-fuzz/corpus/NAME across runs. A crash
# or hang is saved in .build-fuzz/findings/NAME/ and makes the script exit 1; replay it with
# the harness built as usual: `swift run fuzz-xlsx FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(xlsx csv xls)
scratch=.build-fuzz

for h in "${harnesses[@]}"; do
    swift build -c release --sanitize fuzzer -Xswiftc -DFUZZING --scratch-path "$scratch/build" --product "fuzz-$h" >&2
done
bin=$(swift build -c release --sanitize fuzzer -Xswiftc -DFUZZING --scratch-path "$scratch/build" --show-bin-path)

# Seeds: the fixture set `make test` made, or a fresh one.
fixtures=$(ls -d .build-fixtures/*/ 2>/dev/null | while read -r d; do [ -f "$d/expected.json" ] && echo "$d"; done | head -1 || true)
if [ -z "$fixtures" ]; then
    fixtures="$scratch/fixtures"
    rm -rf "$fixtures" && mkdir -p "$fixtures"
    for script in make_fixtures.py make_hostile.py make_signins.py; do python3 "Tests/Fixtures/$script" "$fixtures" >&2; done
fi

status=0
for h in "${harnesses[@]}"; do
    corpus="$scratch/corpus/$h"
    findings="$scratch/findings/$h"
    mkdir -p "$corpus" "$findings"
    case $h in
        xlsx) patterns=(-name '*.xlsx' -o -name '*.xlsm') ;;
        xls) patterns=(-name '*.xls' -o -name '*.et') ;;
        csv) patterns=(-name '*.csv' -o -name '*.txt' -o -name '*.tsv') ;;
    esac
    find "$fixtures" -type f \( "${patterns[@]}" \) -size -1M -exec cp -n {} "$corpus/" \; 2>/dev/null || true
    if [ "$h" = xlsx ]; then
        # The same packages with stored (uncompressed) entries, so mutations reach the XML
        # rather than only the deflate stream.
        python3 - "$corpus" <<'PY'
import io, os, sys, zipfile
corpus = sys.argv[1]
for name in os.listdir(corpus):
    path = os.path.join(corpus, name)
    if not name.endswith(".xlsx") or name.startswith("stored-"):
        continue
    try:
        src = zipfile.ZipFile(path)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
            for info in src.infolist():
                z.writestr(info.filename, src.read(info.filename))
    except Exception:
        continue
    if buf.tell() < 262144:
        with open(os.path.join(corpus, "stored-" + name), "wb") as f:
            f.write(buf.getvalue())
PY
    fi
    log="$scratch/fuzz-$h.log"
    # -rss_limit_mb and -timeout turn runaway memory and hangs into findings too.
    if "$bin/fuzz-$h" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=262144 \
        -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" >"$log" 2>&1; then
        outcome="no crash"
    else
        outcome="FINDING (see $log and $findings/)"
        status=1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    rm -f /tmp/kaoping-fuzz-*."$h"
    echo "fuzz-$h: $runs inputs in ${seconds} s, corpus $(ls "$corpus" | wc -l) files: $outcome"
done
exit $status
