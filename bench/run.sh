#!/usr/bin/env bash
# Measures Chorus end to end on this machine, and GNU parallel on the same generators for scale.
#
#   bench/run.sh            (about 3 minutes; a publish adds about 5 once src/ changed: see publish_release in lib.sh)
#   PHASES="throughput join" bench/run.sh   only some of: throughput latency join (the default: all three), and the
#                           older single-row runs json text parallel websocket (LINES=1000000 RATE=3000 LAT_SECONDS=10)
#   bench/run.sh --full     adds the idle run (bench/idle.sh: about 4 minutes more) and the scale run (bench/scale.sh: about 6)
#
# Builds once (dotnet build, Release) and publishes once (publish.sh: the ReadyToRun single files users deploy) into
# bench/out, then runs with NO_BUILD=1:
# 1. throughput (bench/throughput.sh): GNU parallel, one node over loopback and the embedded default, the published
#    executables and dotnet build's, 3 x 1,000,000 lines of 80 bytes;
# 2. latency (bench/latency.sh): the same rows and two nodes with ordering on, at 3 x 1,000 lines/s;
# 3. join (bench/join.sh): launch to first line, for a node and for the embedded default, and lines marked late when
#    a second node joins;
# and prints every figure on a line of its own (kept in bench/out/figures.txt), each script's Markdown table in
# bench/out/summary.md; with --full, then the idle cost (bench/idle.sh) and scale (bench/scale.sh).
# The older phases, each alone: json and text (one node, 3 generators x LINES, with its own CPU and RSS samples),
# parallel (the same under GNU parallel), websocket (one generator at RATE lines/s, write to WebSocket arrival).
# Everything it writes stays in bench/out/. Every wait is bounded; every process it starts is ended on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
OUT=$HERE/out
LINES=${LINES:-1000000}
RATE=${RATE:-3000}
LAT_SECONDS=${LAT_SECONDS:-10}
# Longest any one measured run may take before it is called a hang and stopped.
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
PHASES=" ${PHASES:-throughput latency join} "
FULL=""
[ "${1:-}" = --full ] && FULL=1
TAGS=(p1 p2 p3)
TOTAL=$((LINES * ${#TAGS[@]}))

AGG=$ROOT/src/Aggregator/bin/Release/net10.0/chorus-aggregator
NODE=$ROOT/src/Node/bin/Release/net10.0/chorus-node
PROBE=$HERE/LatencyProbe/bin/Release/net10.0/latency-probe
GEN=$OUT/bin/gen
CHECK=$OUT/bin/check

NAME=bench
. "$HERE/lib.sh"

# --- helpers -------------------------------------------------------------------------------------------
now_ns() { date +%s%N; }
# wait_exit PID SECONDS: wait for a background child, at most SECONDS; sets WAIT_RC (124 on timeout).
wait_exit() {
    local pid=$1 limit=$2 i
    for i in $(seq $((limit * 10))); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then WAIT_RC=124; return 0; fi
    WAIT_RC=0
    wait "$pid" || WAIT_RC=$?
}
# wait_stable FILE SECONDS: until FILE's size has not changed for one second (bounded).
wait_stable() {
    local last=-1 same=0 size i
    for i in $(seq $(($2 * 5))); do
        size=$(stat -c %s "$1")
        if [ "$size" = "$last" ]; then same=$((same + 1)); else same=0; last=$size; fi
        [ $same -ge 5 ] && return 0
        sleep 0.2
    done
    return 1
}
# machine_ticks: busy ticks of the whole machine (all CPUs), from /proc/stat.
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
TICKS=$(getconf CLK_TCK)
hwm_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }    # calc FORMAT EXPR
mib() { calc '%.0f' "$1 / 1024"; }

rss_mib() { awk '/^VmRSS/ { r = $2 } END { print int(r / 1024) }' "/proc/$1/status" 2>/dev/null || echo 0; }
# Samples CPU% and RSS of the aggregator and node once a second, `top`-style, until it is stopped or the
# aggregator is gone; keeps the node's latest per-thread CPU split (the node ends by itself).
sample() {
    local agg=$1 node=$2 file=$3 i a0 n0 a1 n1
    a0=$(cpu_ticks "$agg"); n0=$(cpu_ticks "$node")
    echo "t_s agg_cpu% node_cpu% agg_rss_mib node_rss_mib" > "$file"
    for i in $(seq "$RUN_TIMEOUT"); do
        sleep 1
        kill -0 "$agg" 2>/dev/null || break
        a1=$(cpu_ticks "$agg"); n1=$(cpu_ticks "$node")
        [ "$n1" = 0 ] && n1=$n0
        echo "$i $(((a1 - a0) * 100 / TICKS)) $(((n1 - n0) * 100 / TICKS)) $(rss_mib "$agg") $(rss_mib "$node")" >> "$file"
        if kill -0 "$node" 2>/dev/null; then
            thread_cpu "$node" > "$file.tmp"
            [ -s "$file.tmp" ] && mv "$file.tmp" "${file%.samples}.node-threads"
        fi
        a0=$a1; n0=$n1
    done
}

# start_aggregator NAME FORMAT: sets AGG_WRAP (the /usr/bin/time process), AGG_PID, JOIN, HTTP.
start_aggregator() {
    local name=$1 format=$2
    /usr/bin/time -f '%M %U %S %e' -o "$OUT/$name.agg.time" \
        "$AGG" --listen 127.0.0.1:0 --http 127.0.0.1:0 --format "$format" --no-color \
        > "$OUT/$name.out" 2> "$OUT/$name.agg.err" &
    AGG_WRAP=$!
    PIDS+=("$AGG_WRAP")
    JOIN=$(wait_for_line "$OUT/$name.agg.err" 'nodes join at' 30 | sed 's/.*nodes join at //') ||
        die "$name: the aggregator did not say where nodes join within 30 s; see $OUT/$name.agg.err"
    HTTP=$(wait_for_line "$OUT/$name.agg.err" 'watch at' 10 | sed 's|.*watch at http://||; s|/$||') ||
        die "$name: the aggregator did not say where to watch; see $OUT/$name.agg.err"
    AGG_PID=$(ps -o pid= --ppid "$AGG_WRAP" | tr -d ' ')
    [ -n "$AGG_PID" ] || die "$name: cannot find the aggregator's pid"
}
# stop_aggregator NAME: SIGTERM (a background job ignores SIGINT), bounded wait; sets AGG_RC.
stop_aggregator() {
    kill -TERM "$AGG_PID" 2>/dev/null || true
    wait_exit "$AGG_WRAP" 30
    AGG_RC=$WAIT_RC
    [ "$AGG_RC" = 124 ] && say "$1: the aggregator did not exit within 30 s of SIGTERM"
    return 0
}

# --- build ---------------------------------------------------------------------------------------------
command -v gcc > /dev/null || die "gcc is needed (apt-get install gcc)"
[ -x /usr/bin/time ] || die "/usr/bin/time is needed (apt-get install time)"
if ! command -v parallel > /dev/null; then
    [ "$(id -u)" = 0 ] || die "GNU parallel is needed: apt-get install parallel"
    say "installing GNU parallel"
    apt-get update -qq > /dev/null && apt-get install -y -qq parallel > /dev/null
fi
mkdir -p "$OUT/bin"
rm -f "$OUT"/*.out "$OUT"/*.err "$OUT"/*.time "$OUT"/*.gen "$OUT"/*.check "$OUT"/*.probe "$OUT"/*.samples "$OUT"/*-threads "$OUT"/*.tmp "$OUT"/*.delays "$OUT"/Procfile.*
say "building (Release)"
gcc -O2 -Wall -o "$GEN" "$HERE/gen.c"
gcc -O2 -Wall -o "$CHECK" "$HERE/check.c"
build_release "$OUT/build.log" src/Node src/Aggregator
[[ $PHASES == *" websocket "* ]] && build_release "$OUT/build.log" bench/LatencyProbe
publish_release "$OUT/publish"

LOAD_BEFORE=$(load_average)

# --- 1. chorus throughput ------------------------------------------------------------------------------
# run_chorus FORMAT: sets R_<FORMAT>_* results.
run_chorus() {
    local format=$1 name=chorus-$1 t0 t_end node_wrap node_pid a0 a1 m0 m1 size_before tag
    say "$name: ${#TAGS[@]} x $LINES lines through a node to the aggregator"
    start_aggregator "$name" "$format"
    : > "$OUT/$name.gen"
    for tag in "${TAGS[@]}"; do echo "$tag: $GEN $tag $LINES 0 $OUT/$name.gen"; done > "$OUT/Procfile.$name"

    # A spool of its own: the default (/tmp/chorus-spool-bench) is shared with any other bench running on
    # the machine, and with what an earlier, interrupted run left there.
    rm -rf "$OUT/$name.spool"
    a0=$(cpu_ticks "$AGG_PID"); m0=$(machine_ticks)
    t0=$(now_ns)
    # A spool of its own: the default one is named after the node, and another run of this script on the
    # same machine (another checkout) would share it and take this run's lines.
    rm -rf "$OUT/$name.spool"
    /usr/bin/time -f '%M %U %S %e' -o "$OUT/$name.node.time" \
        "$NODE" --aggregator "$JOIN" --name bench --spool "$OUT/$name.spool" --procfile "$OUT/Procfile.$name" \
        > "$OUT/$name.node.out" 2> "$OUT/$name.node.err" &
    node_wrap=$!
    PIDS+=("$node_wrap")
    node_pid=""
    for _ in $(seq 50); do
        node_pid=$(ps -o pid= --ppid "$node_wrap" | tr -d ' ')
        [ -n "$node_pid" ] && break
        sleep 0.1
    done
    sample "$AGG_PID" "${node_pid:-0}" "$OUT/$name.samples" &
    local sampler=$!
    PIDS+=("$sampler")

    wait_exit "$node_wrap" "$RUN_TIMEOUT"
    local node_rc=$WAIT_RC
    [ "$node_rc" = 124 ] && say "$name: the node was still running after $RUN_TIMEOUT s (hang?)"
    wait_stable "$OUT/$name.out" 120 || say "$name: the output was still growing 120 s after the node exited"
    t_end=$(stat -c %.9Y "$OUT/$name.out" | tr -d .)
    kill "$sampler" 2>/dev/null || true
    a1=$(cpu_ticks "$AGG_PID"); m1=$(machine_ticks)
    local agg_hwm
    agg_hwm=$(hwm_kb "$AGG_PID")
    thread_cpu "$AGG_PID" > "$OUT/$name.agg-threads"
    size_before=$(stat -c %s "$OUT/$name.out")
    stop_aggregator "$name"
    local after_stop=$(($(stat -c %s "$OUT/$name.out") - size_before))

    "$CHECK" "$format" "$LINES" "${TAGS[@]}" < "$OUT/$name.out" > "$OUT/$name.check"
    local got wall gen_cpu node_cpu agg_cpu all_cpu
    got=$(kv "$OUT/$name.check" got)
    wall=$(calc '%.2f' "($t_end - $t0) / 1e9")
    gen_cpu=$(awk '{ s += $2 + $3 } END { printf "%.1f", s }' "$OUT/$name.gen")
    # The node's rusage includes its children, the generators: take theirs out.
    node_cpu=$(awk -v g="$gen_cpu" '{ printf "%.1f", $2 + $3 - g }' "$OUT/$name.node.time" 2>/dev/null || echo "?")
    agg_cpu=$(calc '%.1f' "($a1 - $a0) / $TICKS")
    all_cpu=$(calc '%.1f' "($m1 - $m0) / $TICKS")

    eval "R_${format}_wall=$wall"
    eval "R_${format}_rate=$(calc '%.0f' "$TOTAL / $wall")"
    eval "R_${format}_lost=$(kv "$OUT/$name.check" lost)"
    eval "R_${format}_dup=$(kv "$OUT/$name.check" dup)"
    eval "R_${format}_order=$(kv "$OUT/$name.check" order)"
    eval "R_${format}_bad=$(($(kv "$OUT/$name.check" corrupt) + $(kv "$OUT/$name.check" mislabelled)))"
    eval "R_${format}_late=$(kv "$OUT/$name.check" late)"
    eval "R_${format}_agg_rss=$(mib "$(awk '{ print $1 }' "$OUT/$name.agg.time" 2>/dev/null || echo "$agg_hwm")")"
    eval "R_${format}_node_rss=$(mib "$(awk '{ print $1 }' "$OUT/$name.node.time" 2>/dev/null || echo 0)")"
    eval "R_${format}_node_rc=$node_rc"
    eval "R_${format}_agg_rc=$AGG_RC"
    eval "R_${format}_cpu_agg=$agg_cpu R_${format}_cpu_node=$node_cpu R_${format}_cpu_gen=$gen_cpu"
    eval "R_${format}_cpu_other=$(calc '%.1f' "$all_cpu - $agg_cpu - ${node_cpu/\?/0} - $gen_cpu")"
    eval "R_${format}_after_stop=$after_stop"
    # Where the time went: joining, the node reading the generators dry, the aggregator writing the rest.
    local up last gens_done
    up=$(grep -m1 '"event":"node-up"' "$OUT/$name.out" | sed 's/.*"ts":"\([^"]*\)".*/\1/') || true
    last=$(kv "$OUT/$name.check" ts_last)
    gens_done=$(awk 'BEGIN { m = 0 } $4 > m { m = $4 } END { printf "%.0f", m }' "$OUT/$name.gen")
    eval "R_${format}_joined=${up:+$(calc '%.2f' "($(date -d "$up" +%s%N) - $t0) / 1e9")}"
    eval "R_${format}_read=${last:+$(calc '%.2f' "($(date -d "$last" +%s%N) - $t0) / 1e9")}"
    eval "R_${format}_gens_done=$(calc '%.2f' "($gens_done - $t0) / 1e9")"
    eval "R_${format}_join_attempts=$(sed -n 's/.*joined the aggregator after \([0-9]*\) attempts.*/\1/p' "$OUT/$name.node.err" | head -1)"
    say "$name: $got of $TOTAL lines in ${wall}s, node exit $node_rc, aggregator exit $AGG_RC"
}

# --- 2. GNU parallel -----------------------------------------------------------------------------------
run_parallel() {
    local t0 t1 wrap
    say "parallel: ${#TAGS[@]} x $LINES lines, --line-buffer --tag"
    : > "$OUT/parallel.gen"
    t0=$(now_ns)
    /usr/bin/time -f '%M %U %S %e' -o "$OUT/parallel.time" \
        parallel --will-cite --line-buffer --tag -j "${#TAGS[@]}" "$GEN" {} "$LINES" 0 "$OUT/parallel.gen" \
        ::: "${TAGS[@]}" > "$OUT/parallel.out" 2> "$OUT/parallel.err" &
    wrap=$!
    PIDS+=("$wrap")
    wait_exit "$wrap" "$RUN_TIMEOUT"
    t1=$(now_ns)
    [ "$WAIT_RC" = 0 ] || say "parallel: exit $WAIT_RC"
    "$CHECK" tag "$LINES" "${TAGS[@]}" < "$OUT/parallel.out" > "$OUT/parallel.check"
    P_wall=$(calc '%.2f' "($t1 - $t0) / 1e9")
    P_rate=$(calc '%.0f' "$TOTAL / $P_wall")
    P_lost=$(kv "$OUT/parallel.check" lost)
    P_dup=$(kv "$OUT/parallel.check" dup)
    P_order=$(kv "$OUT/parallel.check" order)
    P_bad=$(($(kv "$OUT/parallel.check" corrupt) + $(kv "$OUT/parallel.check" mislabelled)))
    P_rss=$(mib "$(awk '{ print $1 }' "$OUT/parallel.time")")
    P_cpu_gen=$(awk '{ s += $2 + $3 } END { printf "%.1f", s }' "$OUT/parallel.gen")
    P_cpu=$(awk -v g="$P_cpu_gen" '{ printf "%.1f", $2 + $3 - g }' "$OUT/parallel.time")
}

# --- 3. latency ----------------------------------------------------------------------------------------
run_latency() {
    local count=$((RATE * LAT_SECONDS)) probe node_wrap
    say "latency: $count lines at $RATE lines/s, write to WebSocket arrival"
    start_aggregator latency json
    "$PROBE" "ws://$HTTP/ws" "$count" $((LAT_SECONDS + 60)) "$OUT/latency.delays" > "$OUT/latency.probe" 2> "$OUT/latency.probe.err" &
    probe=$!
    PIDS+=("$probe")
    wait_for_line "$OUT/latency.probe.err" connected 30 > /dev/null ||
        die "latency: the probe did not connect; see $OUT/latency.probe.err"
    echo "lat: $GEN lat $count $RATE" > "$OUT/Procfile.latency"
    rm -rf "$OUT/latency.spool"
    "$NODE" --aggregator "$JOIN" --name bench --spool "$OUT/latency.spool" --procfile "$OUT/Procfile.latency" \
        > "$OUT/latency.node.out" 2> "$OUT/latency.node.err" &
    node_wrap=$!
    PIDS+=("$node_wrap")
    wait_exit "$node_wrap" $((LAT_SECONDS + 60))
    L_node_rc=$WAIT_RC
    wait_exit "$probe" 30
    [ "$WAIT_RC" = 0 ] || say "latency: the probe ended with $WAIT_RC"
    stop_aggregator latency
    for key in lines p50_ms p90_ms p99_ms max_ms joined_lines joined_p50_ms joined_p90_ms joined_p99_ms joined_max_ms \
        missing order dup late gaps ended; do
        eval "L_$key=\$(kv \"\$OUT/latency.probe\" $key)"
    done
}

# Results of a phase left out read "-".
for var in wall joined gens_done read rate lost dup order bad late agg_rss node_rss cpu_agg cpu_node cpu_gen cpu_other \
    node_rc agg_rc join_attempts; do
    eval "R_json_$var=- R_text_$var=-"
done
P_wall=- P_rate=- P_lost=- P_dup=- P_order=- P_bad=- P_rss=- P_cpu=- P_cpu_gen=-
L_node_rc=-
for key in lines p50_ms p90_ms p99_ms max_ms joined_lines joined_p50_ms joined_p90_ms joined_p99_ms joined_max_ms \
    missing order dup late gaps ended; do
    eval "L_$key=-"
done
[[ $PHASES == *" json "* ]] && run_chorus json
[[ $PHASES == *" text "* ]] && run_chorus text
[[ $PHASES == *" parallel "* ]] && run_parallel
[[ $PHASES == *" websocket "* ]] && run_latency
# The scripts print one figure a line; their tables go to bench/out/SCRIPT/summary.md.
: > "$OUT/figures.txt"
for script in throughput latency join; do
    [[ $PHASES == *" $script "* ]] || continue
    say "$script (bench/$script.sh)"
    NO_BUILD=1 "$HERE/$script.sh" | tee -a "$OUT/figures.txt" || say "$script: bench/$script.sh failed; see $OUT/$script"
done

# --- 4. summary ----------------------------------------------------------------------------------------
OLDER=""
for phase in json text parallel websocket; do [[ $PHASES == *" $phase "* ]] && OLDER=1; done
ratio() { [[ $1 == - || $P_rate == - ]] && echo - || calc '%.2f' "$1 / $P_rate"; }
{
    echo
    echo "## Benchmark ($(made_at))"
    echo
    echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
        "$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)," \
        ".NET $(dotnet --version), load average before: $LOAD_BEFORE"
    echo
    if [ -n "$OLDER" ]; then
        echo "Throughput: ${#TAGS[@]} processes x $LINES lines of 80 bytes, one node over Akka.Remote (loopback), stdout to a file."
        echo
        echo "| | chorus json | chorus text | parallel --line-buffer --tag |"
        echo "|---|---:|---:|---:|"
        echo "| wall time (s) | $R_json_wall | $R_text_wall | $P_wall |"
        echo "| of which: node start to node-up (s) | ${R_json_joined:--} | - | - |"
        echo "| join attempts | ${R_json_join_attempts:-1} | ${R_text_join_attempts:-1} | - |"
        echo "| of which: node start to generators done (s) | $R_json_gens_done | $R_text_gens_done | - |"
        echo "| of which: node start to last line read by node (s) | ${R_json_read:--} | - | - |"
        echo "| lines/s | $R_json_rate | $R_text_rate | $P_rate |"
        echo "| ratio to parallel | $(ratio "$R_json_rate") | $(ratio "$R_text_rate") | 1.00 |"
        echo "| lines lost | $R_json_lost | $R_text_lost | $P_lost |"
        echo "| lines duplicated | $R_json_dup | $R_text_dup | $P_dup |"
        echo "| per-process order violations | $R_json_order | $R_text_order | $P_order |"
        echo "| spliced or mislabelled lines | $R_json_bad | $R_text_bad | $P_bad |"
        echo "| lines marked late | $R_json_late | $R_text_late | - |"
        echo "| peak RSS aggregator (MiB) | $R_json_agg_rss | $R_text_agg_rss | - |"
        echo "| peak RSS node (MiB) | $R_json_node_rss | $R_text_node_rss | $P_rss (parallel) |"
        echo "| CPU s: aggregator | $R_json_cpu_agg | $R_text_cpu_agg | - |"
        echo "| CPU s: node (parallel: itself) | $R_json_cpu_node | $R_text_cpu_node | $P_cpu |"
        echo "| CPU s: 3 generators | $R_json_cpu_gen | $R_text_cpu_gen | $P_cpu_gen |"
        echo "| CPU s: everything else on the machine | $R_json_cpu_other | $R_text_cpu_other | - |"
        echo "| exit codes node / aggregator | $R_json_node_rc / $R_json_agg_rc | $R_text_node_rc / $R_text_agg_rc | - |"
        echo
        echo "Latency: one process writing $RATE lines/s for $LAT_SECONDS s, write time to arrival at a WebSocket client (default reorder window)."
        echo
        echo "| lines | count | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) |"
        echo "|---|---:|---:|---:|---:|---:|"
        echo "| all received | $L_lines | $L_p50_ms | $L_p90_ms | $L_p99_ms | $L_max_ms |"
        echo "| written after node-up reached the client | $L_joined_lines | $L_joined_p50_ms | $L_joined_p90_ms | $L_joined_p99_ms | $L_joined_max_ms |"
        echo
        echo "Missing $L_missing, out of order $L_order, duplicated $L_dup, marked late $L_late, gap events $L_gaps;" \
            "the probe ended on: $L_ended; node exit $L_node_rc."
        echo
        echo "Wall time runs from starting chorus-node until the output file stopped growing (last write), or until parallel exited."
        echo "Files in $OUT: *.samples (CPU% and RSS each second), *-threads (CPU s per thread name),"
        echo "*.check (per-process counts), latency.delays (per line: number, write time, delay in ms)."
    fi
    for script in throughput latency join; do
        [[ $PHASES == *" $script "* ]] && [ -f "$OUT/$script/summary.md" ] && cat "$OUT/$script/summary.md"
    done
} > "$OUT/summary.md"
say "every figure above is in $OUT/figures.txt; the tables in $OUT/summary.md"

if [ -n "$FULL" ]; then
    say "idle: an idle aggregator, an idle node, then many (bench/idle.sh)"
    NO_BUILD=1 "$HERE/idle.sh" | tee -a "$OUT/figures.txt" && cat "$OUT/idle/summary.md" >> "$OUT/summary.md" ||
        say "idle: bench/idle.sh failed; see $OUT/idle"
    say "scale: 100 nodes x 10 processes into one aggregator, and 1,000 idle (bench/scale.sh: about 6 minutes more)"
    "$HERE/scale.sh" > /dev/null && tee -a "$OUT/summary.md" < "$OUT/scale/summary.md" ||
        say "scale: bench/scale.sh failed; see $OUT/scale"
fi

# Keep the small files of every run, to compare runs and to go back to the evidence.
RUN_DIR=$OUT/runs/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RUN_DIR"
cp "$OUT"/*.err "$OUT"/*.time "$OUT"/*.gen "$OUT"/*.check "$OUT"/*.samples "$OUT"/*-threads "$OUT"/*.probe \
    "$OUT"/*.delays "$OUT"/summary.md "$OUT"/figures.txt "$RUN_DIR"/ 2>/dev/null || true
say "summary and small files kept in $RUN_DIR"
