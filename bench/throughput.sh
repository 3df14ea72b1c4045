#!/usr/bin/env bash
# Throughput beside GNU parallel in the same run, with the embedded default as its own row.
#
#   bench/throughput.sh         (LINES=1000000 per process, 3 processes, ROUNDS=1)
#
# Rows, one after the other, ROUNDS times: `parallel --line-buffer --tag` over 3 generators writing LINES
# lines of 80 bytes as fast as they can; the same generators under one chorus-node joined over loopback to a
# running chorus-aggregator (text format, stdout to a file; from launching the node); and the embedded default,
# `chorus-aggregator --procfile` (from launching it: its start-up counts). The node and embedded rows measure what
# users deploy, publish.sh's ReadyToRun single files; node-build and embedded-build, `dotnet build`'s JIT-only
# executables (ROWS="parallel node embedded" leaves those out). Each output is checked line by line
# with bench/check.c (lost, duplicated, reordered, spliced). Wall time ends at the output file's last write.
# Prints one figure a line (`throughput ROW ...`) and keeps bench/out/throughput/summary.md; peak RSS and
# CPU come from /usr/bin/time (the node's and the embedded aggregator's without their generators).
# Needs bench/out/bin/{gen,check} and both builds (built and published here unless NO_BUILD is set; see
# executables in lib.sh for NODE, AGG, PUB_NODE and PUB_AGG, which measure other builds). Ends every process it started.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
OUT=$HERE/out/throughput
LINES=${LINES:-1000000}
ROUNDS=${ROUNDS:-1}
RUN_TIMEOUT=${RUN_TIMEOUT:-120}
ROWS=(${ROWS:-parallel node embedded node-build embedded-build})
GEN=$HERE/out/bin/gen
CHECK=$HERE/out/bin/check
TAGS=(p1 p2 p3)
TOTAL=$((LINES * ${#TAGS[@]}))

NAME=throughput
. "$HERE/lib.sh"

if [ -z "${NO_BUILD:-}" ]; then
    mkdir -p "$HERE/out/bin"
    gcc -O2 -Wall -o "$GEN" "$HERE/gen.c"
    gcc -O2 -Wall -o "$CHECK" "$HERE/check.c"
fi
executables "$HERE/out/throughput.build.log" src/Node src/Aggregator
command -v parallel > /dev/null || die "GNU parallel is needed: apt-get install parallel"
[ -x /usr/bin/time ] || die "/usr/bin/time is needed (apt-get install time)"
rm -rf "$OUT" && mkdir -p "$OUT"

now_ns() { date +%s%N; }
# bounded PID: waits for PID at most RUN_TIMEOUT s; says so and ends it when it takes longer.
bounded() {
    local i
    for i in $(seq $((RUN_TIMEOUT * 10))); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$1" 2>/dev/null && { say "still running after $RUN_TIMEOUT s (hang?); stopping it"; kill -TERM "$1"; }
    wait "$1" || say "exit code $?"
}
# procfile ROW: the generators, each appending its own rusage to OUT/ROW.gen.
procfile() {
    : > "$OUT/$1.gen"
    for tag in "${TAGS[@]}"; do echo "$tag: $GEN $tag $LINES 0 $OUT/$1.gen"; done > "$OUT/$1.Procfile"
}
# timed NAME COMMAND...: always started in the background (&), so exec leaves the subshell and its pid is time's.
timed() { exec /usr/bin/time -f '%M %U %S' -o "$OUT/$1.time" "${@:2}"; }
# record ROW T0 [MODE]: checks the output, then wall time (to its last write), rate, RSS and CPU (without the generators).
record() {
    local gen_cpu end
    "$CHECK" "${3:-text}" "$LINES" "${TAGS[@]}" < "$OUT/$1.out" > "$OUT/$1.check"
    end=$(stat -c %.9Y "$OUT/$1.out" | tr -d .)
    gen_cpu=$(awk '{ s += $2 + $3 } END { printf "%.2f", s }' "$OUT/$1.gen")
    {
        echo "wall=$(awk -v a="$2" -v b="$end" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')"
        echo "rss_mib=$(awk '{ printf "%.0f", $1 / 1024 }' "$OUT/$1.time")"
        echo "cpu=$(awk -v g="$gen_cpu" '{ printf "%.1f", $2 + $3 - g }' "$OUT/$1.time")"
        [ -f "$OUT/$1.agg.time" ] && echo "agg_rss_mib=$(awk '{ printf "%.0f", $1 / 1024 }' "$OUT/$1.agg.time")"
        [ -f "$OUT/$1.agg.time" ] && echo "agg_cpu=$(awk '{ printf "%.1f", $2 + $3 }' "$OUT/$1.agg.time")"
        cat "$OUT/$1.check"
    } > "$OUT/$1.result"
}

row_parallel() {
    procfile "$1"
    local t0 pid
    t0=$(now_ns)
    timed "$1" parallel --will-cite --line-buffer --tag -j "${#TAGS[@]}" "$GEN" {} "$LINES" 0 "$OUT/$1.gen" ::: "${TAGS[@]}" \
        > "$OUT/$1.out" 2> "$OUT/$1.err" &
    pid=$!
    PIDS+=("$pid")
    bounded "$pid"
    record "$1" "$t0" tag
}

# row_node ROW AGGREGATOR NODE
row_node() {
    procfile "$1"
    local agg join t0 node agg_pid
    timed "$1.agg" "$2" --listen 127.0.0.1:0 --http 127.0.0.1:0 --no-color > "$OUT/$1.out" 2> "$OUT/$1.agg.err" &
    agg=$!
    PIDS+=("$agg")
    join=$(wait_for_line "$OUT/$1.agg.err" 'nodes join at' 30 | sed 's/.*nodes join at //') ||
        die "$1: the aggregator did not say where nodes join within 30 s; see $OUT/$1.agg.err"
    t0=$(now_ns)
    timed "$1" "$3" --aggregator "$join" --name bench --spool "$OUT/$1.spool" --procfile "$OUT/$1.Procfile" \
        > /dev/null 2> "$OUT/$1.node.err" &
    node=$!
    PIDS+=("$node")
    bounded "$node"
    # The node exits once everything is acknowledged; the aggregator may still be writing the last of it.
    local last=-1 size
    for _ in $(seq 100); do
        size=$(stat -c %s "$OUT/$1.out")
        [ "$size" = "$last" ] && break
        last=$size
        sleep 0.3
    done
    agg_pid=$(ps -o pid= --ppid "$agg" | tr -d ' ')
    kill -TERM "$agg_pid" 2>/dev/null || true
    bounded "$agg"
    record "$1" "$t0"
}

# row_embedded ROW AGGREGATOR
row_embedded() {
    procfile "$1"
    local t0 pid
    t0=$(now_ns)
    timed "$1" "$2" --listen 127.0.0.1:0 --http 127.0.0.1:0 --no-color --name bench --procfile "$OUT/$1.Procfile" \
        > "$OUT/$1.out" 2> "$OUT/$1.err" &
    pid=$!
    PIDS+=("$pid")
    bounded "$pid"
    record "$1" "$t0"
}

LOAD_BEFORE=$(load_average)
for round in $(seq "$ROUNDS"); do
    for row in "${ROWS[@]}"; do
        say "round $round: $row, ${#TAGS[@]} x $LINES lines"
        case $row in
            parallel) row_parallel "$row.$round" ;;
            node) row_node "$row.$round" "$PUB_AGG" "$PUB_NODE" ;;
            embedded) row_embedded "$row.$round" "$PUB_AGG" ;;
            node-build) row_node "$row.$round" "$BUILD_AGG" "$BUILD_NODE" ;;
            embedded-build) row_embedded "$row.$round" "$BUILD_AGG" ;;
            *) die "unknown row $row in ROWS (parallel node embedded node-build embedded-build)" ;;
        esac
    done
done
LOAD_AFTER=$(load_average)

rate() { awk -v w="$(kv "$OUT/$1.result" wall)" -v n="$TOTAL" 'BEGIN { printf "%.0f", n / w }'; }
ratio() { awk -v a="$(rate "$1")" -v b="$(rate "$2")" 'BEGIN { printf "%.2f", a / b }'; }
damage() { local f=$OUT/$1.result; echo "$(kv "$f" lost) / $(kv "$f" dup) / $(kv "$f" order) / $(($(kv "$f" corrupt) + $(kv "$f" mislabelled)))"; }
{
    echo
    echo "### Throughput ($(made_at))"
    echo
    echo "${#TAGS[@]} processes x $LINES lines of 80 bytes, stdout to a file. $(nproc) CPUs, load average before $LOAD_BEFORE, after $LOAD_AFTER."
    echo "node, embedded: publish.sh's ReadyToRun single files ($PUB_AGG); *-build: dotnet build's ($BUILD_AGG)."
    echo
    echo "| row | wall (s) | lines/s | ratio to parallel | lost / doubled / reordered / spliced | peak RSS (MiB) | CPU s | aggregator RSS (MiB) / CPU s |"
    echo "|---|---:|---:|---:|---|---:|---:|---|"
    for round in $(seq "$ROUNDS"); do
        for row in "${ROWS[@]}"; do
            f=$OUT/$row.$round.result
            echo "| $row ($round) | $(kv "$f" wall) | $(rate "$row.$round") | $(ratio "$row.$round" "parallel.$round") | $(damage "$row.$round") |" \
                "$(kv "$f" rss_mib) | $(kv "$f" cpu) | $(kv "$f" agg_rss_mib) / $(kv "$f" agg_cpu) |"
        done
    done
} > "$OUT/summary.md"
has_row() { [[ " ${ROWS[*]} " == *" $1 "* ]]; }
for round in $(seq "$ROUNDS"); do
    has_row parallel && echo "throughput parallel $(rate "parallel.$round") lines/s"
    for row in "${ROWS[@]}"; do
        [ "$row" = parallel ] && continue
        f=$OUT/$row.$round.result
        echo -n "throughput $row $(rate "$row.$round") lines/s"
        has_row parallel && echo -n ", ratio to parallel $(ratio "$row.$round" "parallel.$round")"
        echo " (lost/doubled/reordered/spliced $(damage "$row.$round"))"
        echo "throughput $row peak RSS $(kv "$f" rss_mib) MiB, CPU $(kv "$f" cpu) s$([ -n "$(kv "$f" agg_cpu)" ] && echo "; its aggregator $(kv "$f" agg_rss_mib) MiB, CPU $(kv "$f" agg_cpu) s")"
    done
done
