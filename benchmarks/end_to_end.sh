#!/usr/bin/env bash
# Two synthetic lists of N records each (default 1,000,000), encoded and linked with the
# defaults by the CLI, each step under /usr/bin/time (wall seconds and peak RSS):
#
#     benchmarks/end_to_end.sh 1000000 /tmp/e2e            # realistic names (padan synth's default)
#     benchmarks/end_to_end.sh 1000000 /tmp/e2e classic    # the name model of docs' figures
#
# Prints one line per step: "<step> <seconds> s <peak KB> KB". docs/benchmarks.md records it.
set -euo pipefail
records=${1:-1000000}
folder=${2:-padan-e2e}
names=${3:-realistic}
padan=${PADAN:-padan}
mkdir -p "$folder" && cd "$folder"
time_it() { local name=$1; shift; /usr/bin/time -f "$name %e s %M KB" "$@" > "$name.log" 2> "$name.time" || { cat "$name.log" "$name.time" >&2; exit 1; }; tail -1 "$name.time"; }
time_it synth "$padan" synth --seed 3 --population $((3 * records)) \
    --agencies "A:$records,B:$records" --names "$names" --format parquet --out lists
[ -f key.bin ] || "$padan" keygen key.bin > /dev/null
[ -f schema.toml ] || "$padan" schema init schema.toml > /dev/null
for agency in A B; do
    time_it "encode-$agency" "$padan" encode "lists/$agency.parquet" --schema schema.toml \
        --key-file key.bin --out "$agency.padan"
done
time_it link "$padan" link A=A.padan B=B.padan --out run
