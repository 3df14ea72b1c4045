#!/usr/bin/env bash
# Scale: one aggregator and many nodes (bench/LoadNodes: the node's own uplink, serializer and remoting, many
# nodes in one process, because a hundred real chorus-node processes and their thousand children do not fit
# on a 2-core machine beside the aggregator).
#
#   bench/scale.sh      (NODES=100 PROCS=10 RATE_TOTAL=100000 PACED_SECONDS=20 SAT_LINES=10000 IDLE_NODES=1000
#                        SECONDS_IDLE=60 SETTLE=5 PER_SYSTEM=10; NO_BUILD=1 skips the build; PHASES="idle paced saturate")
#
# 1. idle: 100 idle nodes joined, the aggregator's CPU over SECONDS_IDLE; then IDLE_NODES in all, again;
# 2. paced: NODES x PROCS processes writing RATE_TOTAL lines/s in all for PACED_SECONDS: write-to-stdout delay;
# 3. saturate: each process writes SAT_LINES lines as fast as its uplink takes them: the aggregate rate, and
#    each node's share of it while all were busy.
# The aggregator writes JSON to a pipe that bench/arrivals.c reads, stamping each line as it arrives and checking
# every process's numbers (lost, duplicated, reordered). Every run is bounded in time; every process it starts is
# ended on exit; loopback only.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
OUT=${SCALE_OUT:-$HERE/out/scale}
NODES=${NODES:-100}
PROCS=${PROCS:-10}
RATE_TOTAL=${RATE_TOTAL:-100000}
PACED_SECONDS=${PACED_SECONDS:-20}
SAT_LINES=${SAT_LINES:-10000}
IDLE_NODES=${IDLE_NODES:-1000}
SECONDS_IDLE=${SECONDS_IDLE:-60}
SETTLE=${SETTLE:-5}
PER_SYSTEM=${PER_SYSTEM:-10}
PHASES=" ${PHASES:-idle paced saturate} "
AGG=${AGG:-$ROOT/src/Aggregator/bin/Release/net10.0/chorus-aggregator}
LOAD=$HERE/LoadNodes/bin/Release/net10.0/load-nodes
ARRIVALS=$HERE/out/bin/arrivals
TICKS=$(getconf CLK_TCK)

NAME=scale
. "$HERE/lib.sh"

if [ -z "${NO_BUILD:-}" ]; then
    say "building (Release)"
    mkdir -p "$HERE/out/bin"
    gcc -O2 -Wall -o "$ARRIVALS" "$HERE/arrivals.c"
    build_release "$OUT.build.log" src/Aggregator bench/LoadNodes
fi
rm -rf "$OUT" && mkdir -p "$OUT"
percent() { awk -v t="$1" -v hz="$TICKS" -v s="$2" 'BEGIN { printf "%.2f", 100 * t / hz / s }'; }
rss_mib() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }
hwm_mib() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# start_aggregator NAME: JSON on stdout through a FIFO into arrivals (expecting N_NODES x PROCS x LINES); sets AGG_PID,
# ARR_PID, JOIN, METRICS.
start_aggregator() {
    local name=$1 nodes=$2 procs=$3 lines=$4
    mkfifo "$OUT/$name.fifo"
    "$ARRIVALS" "$nodes" "$procs" "$lines" < "$OUT/$name.fifo" > "$OUT/$name.arrivals" &
    ARR_PID=$!
    PIDS+=("$ARR_PID")
    "$AGG" --listen 127.0.0.1:0 --http 127.0.0.1:0 --format json --no-color > "$OUT/$name.fifo" 2> "$OUT/$name.agg.err" &
    AGG_PID=$!
    PIDS+=("$AGG_PID")
    JOIN=$(wait_for_line "$OUT/$name.agg.err" 'nodes join at' 30 | sed 's/.*nodes join at //') ||
        die "$name: the aggregator did not say where nodes join within 30 s; see $OUT/$name.agg.err"
    METRICS=$(wait_for_line "$OUT/$name.agg.err" 'watch at' 10 | sed 's|.*watch at ||')metrics ||
        die "$name: the aggregator did not say where to watch; see $OUT/$name.agg.err"
}
# stop_aggregator: SIGTERM, then bounded waits for it and for arrivals (which ends when the FIFO closes).
stop_aggregator() {
    local i
    kill -TERM "$AGG_PID" 2>/dev/null || true
    for i in $(seq 300); do kill -0 "$AGG_PID" 2>/dev/null || break; sleep 0.1; done
    for i in $(seq 100); do kill -0 "$ARR_PID" 2>/dev/null || break; sleep 0.1; done
}
# load_nodes NAME NODES PROCS RATE LINES SECONDS FIRST: a load-nodes run in the background; sets LOAD_PID.
load_nodes() {
    "$LOAD" "$JOIN" "$METRICS" "$2" "$3" "$4" "$5" "$6" "$7" "$PER_SYSTEM" "$OUT/spool" > "$OUT/$1.load" 2> "$OUT/$1.load.err" &
    LOAD_PID=$!
    PIDS+=("$LOAD_PID")
}
# wait_said FILE PATTERN SECONDS PID: until FILE says PATTERN, failing early if PID ended.
wait_said() {
    local i
    for i in $(seq $(($3 * 10))); do
        grep -q -- "$2" "$1" 2>/dev/null && return 0
        kill -0 "$4" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
wait_pid() {
    local i
    for i in $(seq $(($2 * 10))); do kill -0 "$1" 2>/dev/null || { wait "$1" || true; return 0; }; sleep 0.1; done
    return 1
}

SUMMARY=$OUT/summary.md
# The figures, one per line, printed last.
FIGURES=()
{
    echo
    echo "## Scale ($(made_at))"
    echo
    echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), .NET $(dotnet --version)."
    echo "Nodes are bench/LoadNodes (the node's UplinkActor, outbox, serializer and Akka.Remote; $PER_SYSTEM nodes per"
    echo "actor system, so per remoting connection) in one process beside the aggregator; loopback; stdout JSON into a pipe."
    echo
} > "$SUMMARY"

# --- 1. idle ----------------------------------------------------------------------------------------------
if [[ $PHASES == *" idle "* ]]; then
    FIRST_IDLE=$((IDLE_NODES < 100 ? IDLE_NODES : 100))
    say "idle: $FIRST_IDLE idle nodes, then $IDLE_NODES, ${SECONDS_IDLE} s each"
    start_aggregator idle 1 1 1
    L0=$(load_average)
    load_nodes idle-a "$FIRST_IDLE" 0 0 0 $((SECONDS_IDLE * 3 + 300)) 1
    A_PID=$LOAD_PID
    wait_said "$OUT/idle-a.load.err" 'all joined' 120 "$A_PID" || die "idle: the first $FIRST_IDLE nodes did not all join; see $OUT/idle-a.load.err"
    sleep "$SETTLE"
    a0=$(cpu_ticks "$AGG_PID"); n0=$(cpu_ticks "$A_PID")
    sleep "$SECONDS_IDLE"
    IDLE_AGG_100=$(percent $(($(cpu_ticks "$AGG_PID") - a0)) "$SECONDS_IDLE")
    IDLE_NODES_100=$(percent $(($(cpu_ticks "$A_PID") - n0)) "$SECONDS_IDLE")
    IDLE_RSS_100=$(rss_mib "$AGG_PID"); L1=$(load_average)
    say "idle: $FIRST_IDLE nodes: aggregator $IDLE_AGG_100 % of a core, $IDLE_RSS_100 MiB (load $L0 -> $L1)"
    IDLE_AGG_ALL=- IDLE_NODES_ALL=- IDLE_RSS_ALL=- L2=- L3=- IDLE_JOIN=-
    if [ "$IDLE_NODES" -gt "$FIRST_IDLE" ]; then
        L2=$(load_average)
        load_nodes idle-b $((IDLE_NODES - FIRST_IDLE)) 0 0 0 $((SECONDS_IDLE * 2 + 300)) $((FIRST_IDLE + 1))
        B_PID=$LOAD_PID
        wait_said "$OUT/idle-b.load.err" 'all joined' 300 "$B_PID" || die "idle: not all $IDLE_NODES nodes joined; see $OUT/idle-b.load.err"
        IDLE_JOIN=$(sed -n 's/.*all joined: .* after \(.*\) s/\1/p' "$OUT/idle-b.load.err")
        sleep "$SETTLE"
        a0=$(cpu_ticks "$AGG_PID"); n0=$(($(cpu_ticks "$A_PID") + $(cpu_ticks "$B_PID")))
        sleep "$SECONDS_IDLE"
        IDLE_AGG_ALL=$(percent $(($(cpu_ticks "$AGG_PID") - a0)) "$SECONDS_IDLE")
        IDLE_NODES_ALL=$(percent $(($(cpu_ticks "$A_PID") + $(cpu_ticks "$B_PID") - n0)) "$SECONDS_IDLE")
        IDLE_RSS_ALL=$(rss_mib "$AGG_PID"); L3=$(load_average)
        say "idle: $IDLE_NODES nodes: aggregator $IDLE_AGG_ALL % of a core, $IDLE_RSS_ALL MiB (load $L2 -> $L3)"
        kill -TERM "$B_PID" 2>/dev/null || true
        wait_pid "$B_PID" 60 || say "idle: load-nodes (second group) did not end within 60 s of SIGTERM"
    fi
    kill -TERM "$A_PID" 2>/dev/null || true
    wait_pid "$A_PID" 60 || say "idle: load-nodes did not end within 60 s of SIGTERM"
    DOWNS=$(grep -c 'reporting node-down' "$OUT/idle.agg.err" || true)
    stop_aggregator
    {
        echo "| Idle nodes joined, ${SECONDS_IDLE} s from ${SETTLE} s after the last join | aggregator CPU (share of a core) | aggregator RSS | load-nodes CPU (all nodes) | load average before -> after |"
        echo "|---|---:|---:|---:|---|"
        echo "| $FIRST_IDLE | $IDLE_AGG_100 % | $IDLE_RSS_100 MiB | $IDLE_NODES_100 % | $L0 -> $L1 |"
        echo "| $IDLE_NODES (all joined in ${IDLE_JOIN} s) | $IDLE_AGG_ALL % | $IDLE_RSS_ALL MiB | $IDLE_NODES_ALL % | $L2 -> $L3 |"
        echo
        echo "Node-down while idle: $DOWNS."
        echo
    } >> "$SUMMARY"
    FIGURES+=("aggregator CPU with $FIRST_IDLE idle nodes: $IDLE_AGG_100 % of a core (aim <= 10 %), RSS $IDLE_RSS_100 MiB")
    FIGURES+=("aggregator CPU with $IDLE_NODES idle nodes: $IDLE_AGG_ALL % of a core, RSS $IDLE_RSS_ALL MiB")
fi

# run_load NAME RATE_PER_PROC LINES_PER_PROC SECONDS: one aggregator, NODES x PROCS writing; sets the aggregator's CPU and peak RSS.
run_load() {
    local name=$1 a0
    start_aggregator "$name" "$NODES" "$PROCS" "$3"
    RUN_LOAD_BEFORE=$(load_average)
    load_nodes "$name" "$NODES" "$PROCS" "$2" "$3" "$4" 1
    wait_said "$OUT/$name.load.err" 'all joined' 120 "$LOAD_PID" || die "$name: not all $NODES nodes joined; see $OUT/$name.load.err"
    a0=$(cpu_ticks "$AGG_PID")
    wait_pid "$LOAD_PID" $(($4 + 60)) || say "$name: load-nodes still running $(($4 + 60)) s after all joined"
    RUN_AGG_CPU=$(awk -v t=$(($(cpu_ticks "$AGG_PID") - a0)) -v hz="$TICKS" 'BEGIN { printf "%.1f", t / hz }')
    RUN_AGG_HWM=$(hwm_mib "$AGG_PID")
    RUN_LOAD_AFTER=$(load_average)
    stop_aggregator
}

# --- 2. paced -----------------------------------------------------------------------------------------------
if [[ $PHASES == *" paced "* ]]; then
    PER_PROC=$(awk -v r="$RATE_TOTAL" -v n=$((NODES * PROCS)) 'BEGIN { printf "%g", r / n }')
    PACED_LINES=$(awk -v r="$PER_PROC" -v s="$PACED_SECONDS" 'BEGIN { printf "%d", r * s }')
    say "paced: $NODES nodes x $PROCS processes at $PER_PROC lines/s each ($RATE_TOTAL in all) for $PACED_SECONDS s"
    run_load paced "$PER_PROC" "$PACED_LINES" $((PACED_SECONDS + 120))
    F=$OUT/paced.arrivals
    {
        echo "Paced: $NODES nodes x $PROCS processes, $RATE_TOTAL lines/s in all for $PACED_SECONDS s (load average $RUN_LOAD_BEFORE before, $RUN_LOAD_AFTER after)."
        echo
        echo "| lines | lost / duplicated / reordered / late | rate (lines/s) | node share, lowest / highest | delay p50 | p90 | p99 | p99.9 | max | aggregator CPU s / peak RSS |"
        echo "|---:|---|---:|---|---:|---:|---:|---:|---:|---|"
        echo "| $(kv "$F" got) of $(kv "$F" expected) | $(kv "$F" lost) / $(kv "$F" dup) / $(kv "$F" order) / $(kv "$F" late) | $(kv "$F" rate) |" \
             "$(kv "$F" min_node_share) / $(kv "$F" max_node_share) |" \
             "$(kv "$F" p50_ms) ms | $(kv "$F" p90_ms) ms | $(kv "$F" p99_ms) ms | $(kv "$F" p999_ms) ms | $(kv "$F" max_ms) ms | $RUN_AGG_CPU s / $RUN_AGG_HWM MiB |"
        echo
    } >> "$SUMMARY"
    FIGURES+=("delay p99 at $RATE_TOTAL lines/s from $NODES x $PROCS processes: $(kv "$F" p99_ms) ms ($(kv "$F" lost) lost, $(kv "$F" late) late)")
fi

# --- 3. saturate ----------------------------------------------------------------------------------------------
if [[ $PHASES == *" saturate "* ]]; then
    say "saturate: $NODES nodes x $PROCS processes x $SAT_LINES lines, as fast as the uplinks take them"
    run_load saturate 0 "$SAT_LINES" 300
    F=$OUT/saturate.arrivals
    {
        echo "Saturated: $NODES nodes x $PROCS processes x $SAT_LINES lines, each as fast as its uplink takes them (load average $RUN_LOAD_BEFORE before, $RUN_LOAD_AFTER after)."
        echo
        echo "| lines | lost / duplicated / reordered / late | aggregate rate (lines/s) | while all nodes busy: rate, seconds | node share, lowest / highest (1.00 = fair) | delay p99 | aggregator CPU s / peak RSS |"
        echo "|---:|---|---:|---|---|---:|---|"
        echo "| $(kv "$F" got) of $(kv "$F" expected) | $(kv "$F" lost) / $(kv "$F" dup) / $(kv "$F" order) / $(kv "$F" late) | $(kv "$F" rate) |" \
             "$(kv "$F" fair_window_rate), $(kv "$F" fair_window_s) s | $(kv "$F" min_node_share) / $(kv "$F" max_node_share) | $(kv "$F" p99_ms) ms | $RUN_AGG_CPU s / $RUN_AGG_HWM MiB |"
        echo
    } >> "$SUMMARY"
    FIGURES+=("aggregate rate, $NODES nodes x $PROCS processes saturated: $(kv "$F" rate) lines/s ($(kv "$F" lost) lost of $(kv "$F" expected))")
    FIGURES+=("lowest / highest node share while all were busy: $(kv "$F" min_node_share) / $(kv "$F" max_node_share) of a fair share (aim: lowest >= 0.5)")
    FIGURES+=("aggregator peak RSS, saturated: $RUN_AGG_HWM MiB")
fi
[ ${#FIGURES[@]} -gt 0 ] && printf -- '- %s\n' "${FIGURES[@]}" >> "$SUMMARY"
cat "$SUMMARY"
