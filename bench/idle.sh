#!/usr/bin/env bash
# Idle cost: CPU that Chorus burns while nothing is written, as a share of one core.
#
#   bench/idle.sh        (SECONDS_IDLE=60 NODES=100 SETTLE=5 by default; NO_BUILD=1 skips the build and publish;
#                         measures publish.sh's ReadyToRun single files, what users deploy; IDLE_BUILD=build measures
#                         `dotnet build`'s instead; see executables in lib.sh for NODE, AGG, PUB_NODE, PUB_AGG)
#
# 1. an aggregator with no node at all, for SECONDS_IDLE after start-up;
# 2. one node running `sleep` (nothing to say), joined to it: the node's CPU and the aggregator's;
# 3. the aggregator with NODES idle nodes joined (real chorus-node processes, one `sleep` each), and the
#    nodes' own CPU, in all and per node.
# Each measurement starts SETTLE seconds after the last process joined, so start-up (the JIT, the joins) is not
# counted. CPU is utime+stime from /proc/PID/stat over the window; for the one idle node, also per thread name
# (/proc/PID/task/*/stat, in OUT/node-1.threads), to see what burns it. Ends every process it started.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
OUT=${IDLE_OUT:-$HERE/out/idle}
SECONDS_IDLE=${SECONDS_IDLE:-60}
NODES=${NODES:-100}
SETTLE=${SETTLE:-5}
IDLE_BUILD=${IDLE_BUILD:-published}
TICKS=$(getconf CLK_TCK)

NAME=idle
. "$HERE/lib.sh"

# sum_ticks PID...: utime+stime of all of them.
sum_ticks() { local s=0 p; for p in "$@"; do s=$((s + $(cpu_ticks "$p"))); done; echo "$s"; }
# percent TICKS: share of one core over the window.
percent() { awk -v t="$1" -v hz="$TICKS" -v s="$SECONDS_IDLE" 'BEGIN { printf "%.2f", 100 * t / hz / s }'; }
# count_lines FILE PATTERN
count_lines() { grep -c -- "$2" "$1" 2>/dev/null || true; }

executables "$OUT.build.log" src/Node src/Aggregator
case $IDLE_BUILD in
    published) AGG=$PUB_AGG NODE=$PUB_NODE ;;
    build) AGG=$BUILD_AGG NODE=$BUILD_NODE ;;
    *) die "IDLE_BUILD is published or build, not $IDLE_BUILD" ;;
esac
rm -rf "$OUT" && mkdir -p "$OUT"
# An idle node holds about 60-70 MiB: start no more than the memory available allows (100 MiB each, for margin).
FITS=$(awk '/^MemAvailable/ { print int($2 / 1024 / 100) }' /proc/meminfo)
if [ "$FITS" -lt "$NODES" ]; then
    say "only $FITS nodes fit in the memory available ($(awk '/^MemAvailable/ { print int($2 / 1024) }' /proc/meminfo) MiB); measuring $FITS instead of $NODES"
    NODES=$FITS
fi
[ "$NODES" -ge 2 ] || die "not enough memory available for even two idle nodes"
LOAD_BEFORE=$(load_average)

"$AGG" --listen 127.0.0.1:0 --http 127.0.0.1:0 --format json --no-color > "$OUT/agg.out" 2> "$OUT/agg.err" &
AGG_PID=$!
PIDS+=("$AGG_PID")
JOIN=$(wait_for_line "$OUT/agg.err" 'nodes join at' 30 | sed 's/.*nodes join at //') ||
    die "the aggregator did not say where nodes join within 30 s; see $OUT/agg.err"

# start_nodes FROM TO: nodes idle-FROM..idle-TO, each running one `sleep`; adds their pids to NODE_PIDS.
NODE_PIDS=()
start_nodes() {
    local i
    for i in $(seq "$1" "$2"); do
        "$NODE" --aggregator "$JOIN" --name "idle-$i" --spool-max-bytes 0 -- sleep 100000 \
            > /dev/null 2> "$OUT/node-$i.err" &
        NODE_PIDS+=($!)
        PIDS+=($!)
    done
}
# wait_up N SECONDS: until the aggregator has reported N node-up events.
wait_up() {
    local i
    for i in $(seq $(($2 * 10))); do
        [ "$(count_lines "$OUT/agg.out" '"event":"node-up"')" -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}
# window PID...: sets W_AGG (the aggregator's ticks) and W_OTHERS (the other pids' ticks) over SECONDS_IDLE.
window() {
    local a0 o0
    a0=$(cpu_ticks "$AGG_PID"); o0=$(sum_ticks "$@")
    sleep "$SECONDS_IDLE"
    W_AGG=$(($(cpu_ticks "$AGG_PID") - a0)); W_OTHERS=$(($(sum_ticks "$@") - o0))
}

say "1/3: the aggregator alone, ${SECONDS_IDLE} s"
sleep "$SETTLE"
window
AGG_ALONE=$(percent "$W_AGG")
say "aggregator alone: $AGG_ALONE % of a core"

say "2/3: one idle node, ${SECONDS_IDLE} s"
start_nodes 1 1
wait_up 1 30 || die "the node did not join within 30 s; see $OUT/node-1.err"
sleep "$SETTLE"
thread_ticks "${NODE_PIDS[0]}" > "$OUT/node-1.threads-before"
window "${NODE_PIDS[@]}"
AGG_ONE=$(percent "$W_AGG"); NODE_ONE=$(percent "$W_OTHERS")
# Per thread name over the window, as a share of one core, busiest first.
thread_ticks "${NODE_PIDS[0]}" | awk -F'\t' -v hz="$TICKS" -v s="$SECONDS_IDLE" '
    NR == FNR { before[$2] = $1; next }
    $1 - before[$2] > 0 { printf "%6.2f %%  %s\n", 100 * ($1 - before[$2]) / hz / s, $2 }' "$OUT/node-1.threads-before" - |
    sort -rn > "$OUT/node-1.threads"
say "one node: node $NODE_ONE %, aggregator $AGG_ONE %; the node's busiest threads: $(head -3 "$OUT/node-1.threads" | sed 's/^ *//' | paste -sd ';')"

say "3/3: $NODES idle nodes, ${SECONDS_IDLE} s"
# In groups of ten, so the machine's two cores are not asked to start a hundred runtimes at once.
for from in $(seq 2 10 "$NODES"); do
    to=$((from + 9)); [ "$to" -gt "$NODES" ] && to=$NODES
    start_nodes "$from" "$to"
    wait_up "$to" 120 || die "only $(count_lines "$OUT/agg.out" '"event":"node-up"') of $to nodes joined within 120 s; see $OUT/node-*.err"
done
sleep "$SETTLE"
DOWN_BEFORE=$(count_lines "$OUT/agg.out" '"event":"node-down"')
window "${NODE_PIDS[@]}"
AGG_MANY=$(percent "$W_AGG"); NODES_MANY=$(percent "$W_OTHERS")
PER_NODE=$(awk -v p="$NODES_MANY" -v n="$NODES" 'BEGIN { printf "%.2f", p / n }')
DOWNS=$(($(count_lines "$OUT/agg.out" '"event":"node-down"') - DOWN_BEFORE))
AGG_RSS=$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$AGG_PID/status")
say "$NODES nodes: aggregator $AGG_MANY %, nodes $NODES_MANY % in all ($PER_NODE % each), node-down events $DOWNS"

{
    echo
    echo "## Idle cost ($(made_at))"
    echo
    echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load average before: $LOAD_BEFORE."
    echo "Share of one core over $SECONDS_IDLE s, from $SETTLE s after the last join; each node runs one \`sleep\`." \
        "Executables: $IDLE_BUILD ($NODE)."
    echo
    echo "| | aggregator | node(s) | aim |"
    echo "|---|---:|---:|---|"
    echo "| aggregator, no node | $AGG_ALONE % | - | <= 0.5 % |"
    echo "| one idle node | $AGG_ONE % | $NODE_ONE % | node <= 0.5 % |"
    echo "| $NODES idle nodes | $AGG_MANY % | $NODES_MANY % in all, $PER_NODE % each | aggregator <= 10 % |"
    echo
    echo "Aggregator RSS with $NODES nodes: $AGG_RSS MiB; node-down events while idle: $DOWNS."
    echo
    echo "The one idle node's threads over its window (share of one core): $(head -5 "$OUT/node-1.threads" | sed 's/^ *\([0-9.]*\) %  \(.*\)/\2 \1 %/' | paste -sd ';' | sed 's/;/; /g')."
} > "$OUT/summary.md"
echo "idle aggregator alone $AGG_ALONE % of a core (aim <= 0.5)"
echo "idle node $NODE_ONE % of a core over its first $SECONDS_IDLE s from $SETTLE s after its join (aim <= 0.5); its aggregator $AGG_ONE %"
echo "idle aggregator with $NODES idle nodes $AGG_MANY % of a core (aim <= 10 with 100), nodes $PER_NODE % each"
