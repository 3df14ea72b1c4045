#!/usr/bin/env bash
# Latency at a trickle: the delay from a line's write to its arrival on the tool's stdout, beside GNU parallel
# in the same run.
#
#   bench/latency.sh            (RATE=1000 lines/s per process, 3 processes, LAT_SECONDS=10, ROUNDS=1)
#
# Rows, one after the other, ROUNDS times: `parallel --line-buffer --tag` over 3 paced generators; the same
# generators under one chorus-node joined over loopback to chorus-aggregator (stdout); the embedded default,
# `chorus-aggregator --procfile`; two-nodes: two chorus-node processes joined to one aggregator, 2 generators each
# (4 x RATE lines/s), the default reorder window, so every line waits for the merge to know the other node has
# nothing older (aim: p99 <= the window + 10 ms). Those rows measure what users deploy, publish.sh's ReadyToRun
# single files; node-build and embedded-build the same with `dotnet build`'s JIT-only executables (ROWS=... picks
# rows). Each generator stamps every line with its CLOCK_REALTIME write time (gen.c);
# bench/delay.c reads the tool's stdout through a pipe and takes the time of each read minus that. For the two
# Chorus rows only lines written after node-up reached stdout count (before it, lines wait for the join: see
# bench/join.sh); they are also given from one second after node-up on, past a fresh process's warm-up
# (for parallel: one second after its first line). Prints one figure a line (`latency ROW p50|p99 ...`) and keeps bench/out/latency/summary.md.
# OUT/ROW.delays has every counted line's write time (ms from the first) and delay, to see when slow ones came.
# Needs bench/out/bin/gen and both builds (built and published here unless NO_BUILD is set; see executables in
# lib.sh for NODE, AGG, PUB_NODE and PUB_AGG, which measure other builds). Ends every process it started.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
OUT=$HERE/out/latency
RATE=${RATE:-1000}
LAT_SECONDS=${LAT_SECONDS:-10}
ROUNDS=${ROUNDS:-1}
ROWS=(${ROWS:-parallel node embedded two-nodes node-build embedded-build})
GEN=$HERE/out/bin/gen
DELAY=$HERE/out/bin/delay
TAGS=(p1 p2 p3)
PER=$((RATE * LAT_SECONDS))
TOTAL=$((PER * ${#TAGS[@]}))

NAME=latency
. "$HERE/lib.sh"

mkdir -p "$HERE/out/bin"
[ -n "${NO_BUILD:-}" ] || gcc -O2 -Wall -o "$GEN" "$HERE/gen.c"
executables "$HERE/out/latency.build.log" src/Node src/Aggregator
gcc -O2 -Wall -o "$DELAY" "$HERE/delay.c"
command -v parallel > /dev/null || die "GNU parallel is needed: apt-get install parallel"
rm -rf "$OUT" && mkdir -p "$OUT"
for tag in "${TAGS[@]}"; do echo "$tag: $GEN $tag $PER $RATE"; done > "$OUT/Procfile"
for n in a b; do for p in 1 2; do echo "$n$p: $GEN $n$p $PER $RATE"; done > "$OUT/Procfile.$n"; done

# measure ROW [after-node-up [LINES]]: starts the delay reader on OUT/ROW.fifo; sets READER.
measure() {
    mkfifo "$OUT/$1.fifo"
    "$DELAY" "${3:-$TOTAL}" $((LAT_SECONDS + 60)) "${2:-all}" "$OUT/$1.delays" < "$OUT/$1.fifo" > "$OUT/$1.result" &
    READER=$!
    PIDS+=("$READER")
}
# finish ROW PID: waits for the reader, then ends PID (SIGTERM; a background job ignores SIGINT).
finish() {
    local i
    wait "$READER" || say "$1: the delay reader failed"
    kill -TERM "$2" 2>/dev/null || true
    for i in $(seq 100); do kill -0 "$2" 2>/dev/null || break; sleep 0.1; done
}

row_parallel() {
    measure "$1"
    parallel --will-cite --line-buffer --tag -j "${#TAGS[@]}" "$GEN" {} "$PER" "$RATE" ::: "${TAGS[@]}" \
        > "$OUT/$1.fifo" 2> "$OUT/$1.err" &
    local pid=$!
    PIDS+=("$pid")
    finish "$1" "$pid"
}

# start_aggregator ROW AGGREGATOR: its stdout into ROW's delay reader; sets AGG_PID and JOIN.
start_aggregator() {
    "$2" --listen 127.0.0.1:0 --http 127.0.0.1:0 --no-color > "$OUT/$1.fifo" 2> "$OUT/$1.agg.err" &
    AGG_PID=$!
    PIDS+=("$AGG_PID")
    JOIN=$(wait_for_line "$OUT/$1.agg.err" 'nodes join at' 30 | sed 's/.*nodes join at //') ||
        die "$1: the aggregator did not say where nodes join within 30 s; see $OUT/$1.agg.err"
}

# row_node ROW AGGREGATOR NODE
row_node() {
    measure "$1" after-node-up
    start_aggregator "$1" "$2"
    "$3" --aggregator "$JOIN" --name bench --spool "$OUT/$1.spool" --procfile "$OUT/Procfile" \
        > /dev/null 2> "$OUT/$1.node.err" &
    PIDS+=($!)
    finish "$1" "$AGG_PID"
}

# row_two_nodes ROW AGGREGATOR NODE: nodes a and b, 2 generators each, both launched at once.
row_two_nodes() {
    local n
    measure "$1" after-node-up $((4 * PER))
    start_aggregator "$1" "$2"
    for n in a b; do
        "$3" --aggregator "$JOIN" --name "bench-$n" --spool "$OUT/$1.$n.spool" --procfile "$OUT/Procfile.$n" \
            > /dev/null 2> "$OUT/$1.node-$n.err" &
        PIDS+=($!)
    done
    finish "$1" "$AGG_PID"
}

# row_embedded ROW AGGREGATOR
row_embedded() {
    measure "$1" after-node-up
    "$2" --listen 127.0.0.1:0 --http 127.0.0.1:0 --no-color --name bench --procfile "$OUT/Procfile" \
        > "$OUT/$1.fifo" 2> "$OUT/$1.err" &
    local pid=$!
    PIDS+=("$pid")
    finish "$1" "$pid"
}

LOAD_BEFORE=$(load_average)
for round in $(seq "$ROUNDS"); do
    for row in "${ROWS[@]}"; do
        say "round $round: $row, $PER lines a process at $RATE lines/s each"
        case $row in
            parallel) row_parallel "$row.$round" ;;
            node) row_node "$row.$round" "$PUB_AGG" "$PUB_NODE" ;;
            embedded) row_embedded "$row.$round" "$PUB_AGG" ;;
            two-nodes) row_two_nodes "$row.$round" "$PUB_AGG" "$PUB_NODE" ;;
            node-build) row_node "$row.$round" "$BUILD_AGG" "$BUILD_NODE" ;;
            embedded-build) row_embedded "$row.$round" "$BUILD_AGG" ;;
            *) die "unknown row $row in ROWS (parallel node embedded two-nodes node-build embedded-build)" ;;
        esac
    done
done
LOAD_AFTER=$(load_average)

{
    echo
    echo "### Latency at a trickle ($(made_at))"
    echo
    echo "${#TAGS[@]} processes x $RATE lines/s for $LAT_SECONDS s, write to arrival on stdout (a pipe). $(nproc) CPUs," \
        "load average before $LOAD_BEFORE, after $LOAD_AFTER. Chorus rows: lines written after node-up;" \
        "node, embedded, two-nodes (2 nodes x 2 processes): publish.sh's ReadyToRun single files; *-build: dotnet build's."
    echo
    echo "| row | lines counted | missing | out of order | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | from 1 s after node-up: p50 / p99 / max (ms) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
    for round in $(seq "$ROUNDS"); do
        for row in "${ROWS[@]}"; do
            f=$OUT/$row.$round.result
            echo "| $row ($round) | $(kv "$f" counted) | $(kv "$f" missing) | $(kv "$f" order) | $(kv "$f" p50_ms) | $(kv "$f" p90_ms) | $(kv "$f" p99_ms) | $(kv "$f" max_ms) | $(kv "$f" steady_p50_ms) / $(kv "$f" steady_p99_ms) / $(kv "$f" steady_max_ms) |"
        done
    done
} > "$OUT/summary.md"
# The default reorder window, as hocon/aggregator.conf sets it (the two-node row's aim is this + 10 ms).
WINDOW_MS=$(sed -n 's/^ *reorder-window = \([0-9]*\)ms$/\1/p' "$ROOT/hocon/aggregator.conf" | head -1)
for round in $(seq "$ROUNDS"); do
    for row in "${ROWS[@]}"; do
        f=$OUT/$row.$round.result
        echo "latency $row p50 $(kv "$f" p50_ms) ms"
        echo "latency $row p99 $(kv "$f" p99_ms) ms (missing $(kv "$f" missing), out of order $(kv "$f" order))$(
            [ "$row" = two-nodes ] && echo "; aim <= reorder window + 10 = $((WINDOW_MS + 10)) ms" || true)"
        echo "latency $row from 1 s after node-up p99 $(kv "$f" steady_p99_ms) ms"
    done
done
