#!/usr/bin/env bash
# Join: how soon a freshly launched node's first line reaches the aggregator's stdout, and what late lines
# a slow join costs.
#
#   bench/join.sh                       (LAUNCHES=10 LATE_LINES=40000 by default)
#
# 1. LAUNCHES times: launch `chorus-node -- echo ...` against a running aggregator (loopback) and time, from
#    the exec, the node-up event and the echoed line on the aggregator's stdout, and the node's own
#    "joined" notice on its stderr; also `chorus-node --version` alone (process and runtime start, no actor
#    system). Reports the median and the range.
# 2. Two nodes, the second launched 0.5 s after the first, each with 2 generators writing LATE_LINES lines
#    at 20,000 lines/s: the lines marked late on stdout (the aim: at most 1 %).
# Needs bench/out/bin/gen, which bench/run.sh (or this script, unless NO_BUILD is set) builds.
# Times come from bash's $EPOCHREALTIME as each line is read from a pipe (a few hundred microseconds of
# resolution on a loaded machine). Ends every process it started.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
OUT=$HERE/out/join
LAUNCHES=${LAUNCHES:-10}
LATE_LINES=${LATE_LINES:-40000}
AGG=${AGG:-$ROOT/src/Aggregator/bin/Release/net10.0/chorus-aggregator}
NODE=${NODE:-$ROOT/src/Node/bin/Release/net10.0/chorus-node}
GEN=$HERE/out/bin/gen
CHECK=$HERE/out/bin/check

NAME=join
. "$HERE/lib.sh"

# stamp FILE: each line read, prefixed with the time it was read (seconds, microseconds).
stamp() { local line; while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done > "$1"; }
# stamp_of FILE PATTERN SECONDS: the time of the first line matching PATTERN, or fail.
stamp_of() {
    local i
    for i in $(seq $(($3 * 200))); do
        grep -m1 -- "$2" "$1" 2>/dev/null | cut -d' ' -f1 && return 0
        sleep 0.005
    done
    return 1
}
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }
# median_range VALUES...: "median (min-max)".
median_range() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f (%d-%d)", m, v[1], v[NR] }'; }

if [ -z "${NO_BUILD:-}" ]; then
    say "building (Release)"
    mkdir -p "$HERE/out/bin"
    gcc -O2 -Wall -o "$GEN" "$HERE/gen.c"
    gcc -O2 -Wall -o "$CHECK" "$HERE/check.c"
    for project in src/Node src/Aggregator; do
        dotnet build -c Release --nologo -v q "$ROOT/$project" > "$OUT.build.log" 2>&1 ||
            { cat "$OUT.build.log" >&2; die "building $project failed"; }
    done
fi
rm -rf "$OUT" && mkdir -p "$OUT"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# start_aggregator NAME: stdout stamped line by line into OUT/NAME.out; sets AGG_PID and JOIN.
start_aggregator() {
    # Through a FIFO rather than a pipeline, so that $! is the aggregator's own pid.
    mkfifo "$OUT/$1.fifo"
    stamp "$OUT/$1.out" < "$OUT/$1.fifo" &
    PIDS+=($!)
    "$AGG" --listen 127.0.0.1:0 --http 127.0.0.1:0 --format json --no-color > "$OUT/$1.fifo" 2> "$OUT/$1.agg.err" &
    AGG_PID=$!
    PIDS+=("$AGG_PID")
    JOIN=$(stamp_of "$OUT/$1.agg.err" 'nodes join at' 30 > /dev/null && grep -m1 'nodes join at' "$OUT/$1.agg.err" | sed 's/.*nodes join at //') ||
        die "the aggregator did not say where nodes join within 30 s; see $OUT/$1.agg.err"
}
stop_aggregator() {
    local i
    kill -TERM "$AGG_PID" 2>/dev/null || true
    for i in $(seq 100); do kill -0 "$AGG_PID" 2>/dev/null || return 0; sleep 0.1; done
}

# --- 1. launch to first line ---------------------------------------------------------------------------
say "1/2: $LAUNCHES launches of a node that echoes one line"
VERSION=() UP=() FIRST=() JOINED=()
for i in $(seq "$LAUNCHES"); do
    t0=$EPOCHREALTIME; "$NODE" --version > /dev/null; t1=$EPOCHREALTIME
    VERSION+=("$(ms "$t0" "$t1")")
done
start_aggregator launch
for i in $(seq "$LAUNCHES"); do
    t0=$EPOCHREALTIME
    "$NODE" --aggregator "$JOIN" --name "join-$i" --spool-max-bytes 0 -- echo "first-line-$i" 2>&1 > /dev/null | stamp "$OUT/node-$i.err" &
    PIDS+=($!)
    up=$(stamp_of "$OUT/launch.out" "\"event\":\"node-up\",\"node\":\"join-$i\"" 30) || die "join-$i: no node-up within 30 s"
    first=$(stamp_of "$OUT/launch.out" "first-line-$i" 30) || die "join-$i: its line did not arrive within 30 s"
    joined=$(stamp_of "$OUT/node-$i.err" 'joined the aggregator' 5) || joined=$first
    UP+=("$(ms "$t0" "$up")"); FIRST+=("$(ms "$t0" "$first")"); JOINED+=("$(ms "$t0" "$joined")")
    say "launch $i: node-up ${UP[-1]} ms, first line ${FIRST[-1]} ms, node says joined ${JOINED[-1]} ms"
    wait "${PIDS[-1]}" 2>/dev/null || true
done
stop_aggregator

# --- 2. two nodes, the second half a second later: lines marked late (LATE_LINES=0 leaves it out) -------
LATE_COUNT=- LATE_TOTAL=0 RECEIVED=-
if [ "$LATE_LINES" -gt 0 ]; then
say "2/2: two nodes x 2 generators x $LATE_LINES lines at 20,000 lines/s, the second node 0.5 s later"
start_aggregator late
for n in a b; do
    for p in 1 2; do echo "$n$p: $GEN $n$p $LATE_LINES 20000"; done > "$OUT/Procfile.$n"
done
"$NODE" --aggregator "$JOIN" --name late-a --spool-max-bytes 0 --procfile "$OUT/Procfile.a" > /dev/null 2> "$OUT/late-a.err" &
A=$!; PIDS+=("$A")
sleep 0.5
"$NODE" --aggregator "$JOIN" --name late-b --spool-max-bytes 0 --procfile "$OUT/Procfile.b" > /dev/null 2> "$OUT/late-b.err" &
B=$!; PIDS+=("$B")
wait "$A" || true; wait "$B" || true
sleep 1
stop_aggregator
cut -d' ' -f2- "$OUT/late.out" > "$OUT/late.lines"
LATE_TOTAL=$((4 * LATE_LINES))
LATE_COUNT=$(grep -c '"late":true' "$OUT/late.lines" || true)
RECEIVED=$(grep -c '"type":"line"' "$OUT/late.lines" || true)
fi

{
    echo
    echo "## Join ($(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?'))"
    echo
    echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load average before: $LOAD_BEFORE."
    echo "From exec of chorus-node, on loopback; median (min-max) of $LAUNCHES launches, in ms."
    echo
    echo "| | ms | aim |"
    echo "|---|---:|---|"
    echo "| \`chorus-node --version\` exits (process and runtime start) | $(median_range "${VERSION[@]}") | |"
    echo "| node-up on the aggregator's stdout | $(median_range "${UP[@]}") | |"
    echo "| node's \"joined\" notice on its stderr | $(median_range "${JOINED[@]}") | |"
    echo "| first line on the aggregator's stdout | $(median_range "${FIRST[@]}") | <= 300 |"
    echo
    echo "Two nodes, the second 0.5 s later, 4 x $LATE_LINES lines at 20,000 lines/s each: $LATE_COUNT of $LATE_TOTAL" \
        "marked late ($(awk -v l="$LATE_COUNT" -v t="$LATE_TOTAL" 'BEGIN { if (t > 0) printf "%.2f", 100 * l / t; else printf "-" }') %, aim <= 1 %); $RECEIVED lines received."
} | tee "$OUT/summary.md"
