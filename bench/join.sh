#!/usr/bin/env bash
# Join: how soon a freshly launched node's first line reaches the aggregator's stdout, and what late lines
# a slow join costs.
#
#   bench/join.sh                       (LAUNCHES=10 LATE_LINES=40000 by default)
#   NODES="before=DIR/chorus-node after=DIR2/chorus-node" bench/join.sh     other builds side by side
#
# 1. LAUNCHES times: launch `chorus-node -- echo ...` against a running aggregator (loopback) and time, from
#    the exec, each phase: Akka starting remoting (process and runtime start, flags, config, the actor
#    system's core), remoting listening, node-up on the aggregator's stdout, the node's own "joined" notice
#    on its stderr, and the echoed line on the aggregator's stdout; also `chorus-node --version` alone
#    (process and runtime start, no actor system), and the CPU time of the node's whole run (it ends once its
#    line is acknowledged), which the machine's load moves less than the times. The phases come from Akka's own
#    info lines, which a --config file turns on for these launches only. Reports the median and the range.
# 2. Two nodes, the second launched 0.5 s after the first, each with 2 generators writing LATE_LINES lines
#    at 20,000 lines/s: the lines marked late on stdout (the aim: at most 1 %).
# NODES (label=path ...) are the node builds measured: by default `dotnet build`'s (JIT only, as the tests and
# `dotnet run` use it) and the published one (ReadyToRun, as publish.sh makes it), each beside an aggregator of the
# same build (AGGS: the same labels, in the same order; so the published node joins the published aggregator, what
# users deploy). The launches alternate between them and part 2 runs once for each, so that each figure stands beside
# the others' under the same load. Needs bench/out/bin/gen and both builds, which bench/run.sh (or this script,
# unless NO_BUILD is set) builds and publishes; see executables in lib.sh for NODE, AGG, PUB_NODE and PUB_AGG.
# Times come from bash's $EPOCHREALTIME as each line is read from a pipe (a few hundred microseconds of
# resolution on a loaded machine). Ends every process it started.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
OUT=$HERE/out/join
LAUNCHES=${LAUNCHES:-10}
LATE_LINES=${LATE_LINES:-40000}
GEN=$HERE/out/bin/gen
CHECK=$HERE/out/bin/check

NAME=join
. "$HERE/lib.sh"

# stamp FILE: each line read, prefixed with the time it was read (seconds, microseconds).
stamp() { local line; while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done > "$1"; }
# stamp_of FILE PATTERN SECONDS: the time of the first line matching PATTERN, or fail.
stamp_of() {
    local until=$((SECONDS + $3))
    # Bounded by the clock, not by a count of tries: on a loaded machine each grep takes far longer than the sleep.
    while [ "$SECONDS" -lt "$until" ]; do
        grep -m1 -- "$2" "$1" 2>/dev/null | cut -d' ' -f1 && return 0
        sleep 0.005
    done
    return 1
}
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }
# median_range VALUES...: "median (min-max)".
median_range() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f (%d-%d)", m, v[1], v[NR] }'; }

if [ -z "${NO_BUILD:-}" ]; then
    mkdir -p "$HERE/out/bin"
    gcc -O2 -Wall -o "$GEN" "$HERE/gen.c"
    gcc -O2 -Wall -o "$CHECK" "$HERE/check.c"
fi
executables "$OUT.build.log" src/Node src/Aggregator
NODES=${NODES:-build=$BUILD_NODE published=$PUB_NODE}
AGGS=${AGGS:-build=$BUILD_AGG published=$PUB_AGG}
rm -rf "$OUT" && mkdir -p "$OUT"
LOAD_BEFORE=$(load_average)

# start_aggregator NAME AGGREGATOR [unstamped]: stdout stamped line by line into OUT/NAME.out (or, unstamped, written there
# as it is: bash stamps some ten thousand lines a second, and on a loaded machine fewer, so the aggregator would
# wait on its stdout and hold the nodes back, which makes lines late for a reason that is not the join's);
# sets AGG_PID and JOIN.
start_aggregator() {
    local out=$OUT/$1.out
    if [ -z "${3:-}" ]; then
        # Through a FIFO rather than a pipeline, so that $! is the aggregator's own pid.
        out=$OUT/$1.fifo
        mkfifo "$out"
        stamp "$OUT/$1.out" < "$out" &
        PIDS+=($!)
    fi
    # A task queue of its own: aggregators of two builds run at once here.
    "$2" --listen 127.0.0.1:0 --http 127.0.0.1:0 --format json --no-color --state-dir "$OUT/$1.state" > "$out" 2> "$OUT/$1.agg.err" &
    AGG_PID=$!
    PIDS+=("$AGG_PID")
    JOIN=$(stamp_of "$OUT/$1.agg.err" 'nodes join at' 30 > /dev/null && grep -m1 'nodes join at' "$OUT/$1.agg.err" | sed 's/.*nodes join at //') ||
        die "the aggregator did not say where nodes join within 30 s; see $OUT/$1.agg.err"
}
# stop_aggregator PID
stop_aggregator() {
    local i
    kill -TERM "$1" 2>/dev/null || true
    for i in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
}

# Akka's info lines ("Starting remoting", "Remoting started") mark the phases of a launch on the node's stderr.
printf 'akka.loglevel = INFO\n' > "$OUT/phases.conf"
LABELS=() BINS=() AGG_BINS=()
for entry in $NODES; do LABELS+=("${entry%%=*}"); BINS+=("${entry#*=}"); done
for entry in $AGGS; do AGG_BINS+=("${entry#*=}"); done
[ ${#AGG_BINS[@]} = ${#BINS[@]} ] || die "AGGS names ${#AGG_BINS[@]} aggregators for ${#BINS[@]} nodes in NODES: one each, in the same order"
for bin in "${BINS[@]}"; do [ -x "$bin" ] || die "$bin is not an executable chorus-node (NODES=\"label=path ...\")"; done
for bin in "${AGG_BINS[@]}"; do [ -x "$bin" ] || die "$bin is not an executable chorus-aggregator (AGGS=\"label=path ...\")"; done
# Per build (by index): space-separated figures in ms.
declare -A EMBEDDED_FIRST=() EMBEDDED_CPU=() VERSION=() STARTING=() LISTENING=() UP=() JOINED=() FIRST=() UP_AFTER_REMOTING=() CPU=()
# ms_since T0 FILE PATTERN SECONDS: ms from T0 to the first line of FILE matching PATTERN, or "-".
ms_since() { local t; t=$(stamp_of "$2" "$3" "$4") && ms "$1" "$t" || echo -; }

# --- 1. launch to first line ---------------------------------------------------------------------------
say "1/2: $LAUNCHES launches of a node that echoes one line, for each of: ${LABELS[*]}"
for i in $(seq "$LAUNCHES"); do
    for b in "${!BINS[@]}"; do
        t0=$EPOCHREALTIME; "${BINS[$b]}" --version > /dev/null; t1=$EPOCHREALTIME
        VERSION[$b]+=" $(ms "$t0" "$t1")"
    done
done
# One aggregator per build, all running while the launches alternate.
declare -A LAUNCH_JOIN=() LAUNCH_AGG=()
for b in "${!BINS[@]}"; do
    start_aggregator "launch-$b" "${AGG_BINS[$b]}"
    LAUNCH_JOIN[$b]=$JOIN LAUNCH_AGG[$b]=$AGG_PID
done
for i in $(seq "$LAUNCHES"); do
    for b in "${!BINS[@]}"; do
        name=join-$b-$i
        t0=$EPOCHREALTIME
        /usr/bin/time -f '%U %S' -o "$OUT/$name.time" \
            "${BINS[$b]}" --aggregator "${LAUNCH_JOIN[$b]}" --name "$name" --spool-max-bytes 0 --config "$OUT/phases.conf" -- echo "first-line-$name" \
            2>&1 > /dev/null | stamp "$OUT/$name.err" &
        PIDS+=($!)
        up=$(stamp_of "$OUT/launch-$b.out" "\"event\":\"node-up\",\"node\":\"$name\"" 30) || die "$name: no node-up within 30 s"
        first=$(stamp_of "$OUT/launch-$b.out" "first-line-$name" 30) || die "$name: its line did not arrive within 30 s"
        starting=$(ms_since "$t0" "$OUT/$name.err" 'Starting remoting' 5)
        listening=$(ms_since "$t0" "$OUT/$name.err" 'Remoting started' 5)
        joined=$(ms_since "$t0" "$OUT/$name.err" 'joined the aggregator' 5)
        STARTING[$b]+=" $starting"; LISTENING[$b]+=" $listening"; JOINED[$b]+=" $joined"
        UP[$b]+=" $(ms "$t0" "$up")"; FIRST[$b]+=" $(ms "$t0" "$first")"
        [ "$listening" != - ] && UP_AFTER_REMOTING[$b]+=" $(($(ms "$t0" "$up") - listening))"
        say "launch $i, ${LABELS[$b]}: remoting starting $starting ms, listening $listening, node-up $(ms "$t0" "$up"), joined $joined, first line $(ms "$t0" "$first")"
        wait "${PIDS[-1]}" 2>/dev/null || true
        CPU[$b]+=" $(awk '{ printf "%.0f", ($1 + $2) * 1000 }' "$OUT/$name.time" 2>/dev/null || echo -)"
        # The embedded default: chorus-aggregator with a Procfile of one echo, from its exec to the line on its stdout
        # (stamped as read); it ends once its process has.
        name=embedded-$b-$i
        echo "first: echo first-line-$name" > "$OUT/$name.Procfile"
        t0=$EPOCHREALTIME
        /usr/bin/time -f '%U %S' -o "$OUT/$name.time" \
            "${AGG_BINS[$b]}" --listen 127.0.0.1:0 --http 127.0.0.1:0 --no-color --state-dir "$OUT/$name.state" --name "$name" --procfile "$OUT/$name.Procfile" \
            2> "$OUT/$name.err" | stamp "$OUT/$name.out" &
        PIDS+=($!)
        first=$(stamp_of "$OUT/$name.out" "first-line-$name" 30) || die "$name: its line did not come out within 30 s"
        EMBEDDED_FIRST[$b]+=" $(ms "$t0" "$first")"
        wait "${PIDS[-1]}" 2>/dev/null || true
        EMBEDDED_CPU[$b]+=" $(awk '{ printf "%.0f", ($1 + $2) * 1000 }' "$OUT/$name.time" 2>/dev/null || echo -)"
        say "launch $i, ${LABELS[$b]}: embedded default's first line $(ms "$t0" "$first") ms"
    done
done
for b in "${!BINS[@]}"; do stop_aggregator "${LAUNCH_AGG[$b]}"; done

# --- 2. two nodes, the second half a second later: lines marked late (LATE_LINES=0 leaves it out) -------
declare -A LATE_COUNT=() RECEIVED=() EXITS=()
LATE_TOTAL=$((4 * LATE_LINES))
if [ "$LATE_LINES" -gt 0 ]; then
for b in "${!BINS[@]}"; do
    say "2/2, ${LABELS[$b]}: two nodes x 2 generators x $LATE_LINES lines at 20,000 lines/s, the second node 0.5 s later"
    start_aggregator "late-$b" "${AGG_BINS[$b]}" unstamped
    for n in a b; do
        for p in 1 2; do echo "$n$p: $GEN $n$p $LATE_LINES 20000"; done > "$OUT/Procfile.$n"
    done
    "${BINS[$b]}" --aggregator "$JOIN" --name late-a --spool-max-bytes 0 --procfile "$OUT/Procfile.a" > /dev/null 2> "$OUT/late-$b-a.err" &
    A=$!; PIDS+=("$A")
    sleep 0.5
    "${BINS[$b]}" --aggregator "$JOIN" --name late-b --spool-max-bytes 0 --procfile "$OUT/Procfile.b" > /dev/null 2> "$OUT/late-$b-b.err" &
    B=$!; PIDS+=("$B")
    A_RC=0 B_RC=0
    wait "$A" || A_RC=$?; wait "$B" || B_RC=$?
    EXITS[$b]="$A_RC/$B_RC"
    sleep 1
    stop_aggregator "$AGG_PID"
    LATE_COUNT[$b]=$(grep -c '"late":true' "$OUT/late-$b.out" || true)
    RECEIVED[$b]=$(grep -c '"type":"line"' "$OUT/late-$b.out" || true)
done
fi

# row TITLE AIM ARRAY: one table row, a column per build.
row() {
    local title=$1 aim=$2 b values
    local -n figures=$3
    printf '| %s |' "$title"
    for b in "${!BINS[@]}"; do
        values=$(printf '%s\n' ${figures[$b]:-} | grep -v '^-$' || true)
        if [ -n "$values" ]; then printf ' %s |' "$(median_range $values)"; else printf ' - |'; fi
    done
    printf ' %s |\n' "$aim"
}
late_share() { awk -v l="$1" -v t="$LATE_TOTAL" 'BEGIN { if (t > 0 && l != "") printf "%.2f", 100 * l / t; else printf "-" }'; }

{
    echo
    echo "## Join ($(made_at))"
    echo
    echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load average before: $LOAD_BEFORE, after: $(load_average)."
    echo "From exec of chorus-node, on loopback; median (min-max) of $LAUNCHES launches, in ms."
    echo
    printf '| |'; for label in "${LABELS[@]}"; do printf ' %s |' "$label"; done; echo ' aim |'
    printf '|---|'; for label in "${LABELS[@]}"; do printf -- '---:|'; done; echo '---|'
    row '`chorus-node --version` exits (process and runtime start)' '' VERSION
    row 'Akka starts remoting (runtime, flags, config, actor system)' '' STARTING
    row 'remoting listening' '' LISTENING
    row 'node-up on the aggregator'"'"'s stdout' '' UP
    row 'of which after remoting was listening (association, join)' '<= 100' UP_AFTER_REMOTING
    row 'node'"'"'s "joined" notice on its stderr' '' JOINED
    row 'first line on the aggregator'"'"'s stdout' '<= 300' FIRST
    row 'CPU time of the node'"'"'s whole run, user + system (less moved by the load than the times above)' '' CPU
    row 'embedded default (`chorus-aggregator --procfile`, one echo): exec to its first line on stdout' '' EMBEDDED_FIRST
    row 'CPU time of that embedded run, user + system' '' EMBEDDED_CPU
    echo
    for b in "${!BINS[@]}"; do
        [ "$LATE_LINES" -gt 0 ] || break
        echo "${LABELS[$b]}: two nodes, the second 0.5 s later, 4 x $LATE_LINES lines at 20,000 lines/s each: ${LATE_COUNT[$b]} of $LATE_TOTAL" \
            "marked late ($(late_share "${LATE_COUNT[$b]}") %, aim <= 1 %); ${RECEIVED[$b]} lines received; node exit codes ${EXITS[$b]}" \
            "(3: lines the aggregator had not acknowledged within drain-timeout, lost here without a spool)."
    done
} > "$OUT/summary.md"
# One figure a line, for bench/run.sh.
for b in "${!BINS[@]}"; do
    m() { local -n f=$1; local v; v=$(printf '%s\n' ${f[$b]:-} | grep -v '^-$' || true); [ -n "$v" ] && median_range $v || echo -; }
    echo "join ${LABELS[$b]} first line $(m FIRST) ms after launching chorus-node (median (min-max) of $LAUNCHES; aim <= 300)"
    echo "join ${LABELS[$b]} node-up $(m UP_AFTER_REMOTING) ms after the node's remoting listened (aim <= 100)"
    echo "join ${LABELS[$b]} node CPU $(m CPU) ms a launch"
    echo "join ${LABELS[$b]} embedded first line $(m EMBEDDED_FIRST) ms after launching chorus-aggregator --procfile, CPU $(m EMBEDDED_CPU) ms"
    [ "$LATE_LINES" -gt 0 ] && echo "join ${LABELS[$b]} two nodes, the second 0.5 s later: ${LATE_COUNT[$b]} of $LATE_TOTAL lines late ($(late_share "${LATE_COUNT[$b]}") %, aim <= 1 %)" || true
done
