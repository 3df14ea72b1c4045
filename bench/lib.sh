# Shared by every bench script: their voice on stderr, the cleanup of everything they start, and the small readers
# their summaries use. Source it after setting NAME (the prefix of every message) and ROOT (the checkout).

say() { echo "$NAME: $*" >&2; }
die() { say "$*"; exit 1; }
# kv FILE KEY: the value of a KEY=VALUE line in a result file.
kv() { sed -n "s/^$2=//p" "$1" | head -1; }
# load_average: the 1, 5 and 15 minute load averages, as every summary gives them before and after its runs.
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
# made_at: when, and at which commit, a summary was made (ROOT is the checkout).
made_at() { echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')"; }

# --- cleanup: every process started here (PIDS+=...), and whatever they started ---------------------------
PIDS=()
descendants() {
    local child
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do descendants "$child"; echo "$child"; done
}
cleanup() {
    local all=() pid i
    for pid in "${PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null || continue
        all+=($(descendants "$pid") "$pid")
    done
    [ ${#all[@]} -gt 0 ] || return 0
    kill -TERM "${all[@]}" 2>/dev/null || true
    for i in $(seq 100); do
        kill -0 "${all[@]}" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "${all[@]}" 2>/dev/null || true
}
# Every aggregator and node started here keeps its state (the task store and its lock, a node's default spool) in a
# directory of this run: a bench beside a running aggregator, or another bench, shares nothing with it.
BENCH_STATE=$(mktemp -d "${TMPDIR:-/tmp}/chorus-bench-state.XXXXXX")
export XDG_STATE_HOME="$BENCH_STATE"
trap 'cleanup; rm -rf "$BENCH_STATE"' EXIT
trap 'exit 130' INT TERM

# cpu_ticks PID: utime+stime of a live process, in clock ticks (0 once it is gone).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# thread_ticks PID: CPU clock ticks per thread name (threads of one name added up), as "ticks<TAB>name" lines.
thread_ticks() {
    local task
    for task in /proc/"$1"/task/*; do
        # comm may hold spaces, so take it from its own file and the times from after the ")" in stat.
        printf '%s\t%s\n' "$(sed 's/.*) //' "$task/stat" 2>/dev/null | awk '{ print $12 + $13 }')" "$(cat "$task/comm" 2>/dev/null)"
    done | awk -F'\t' '$1 != "" { s[$2] += $1 } END { for (n in s) printf "%d\t%s\n", s[n], n }'
}
# thread_cpu PID: CPU seconds per thread name, busiest first.
thread_cpu() {
    thread_ticks "$1" | awk -F'\t' -v hz="$(getconf CLK_TCK)" '$1 > 0 { printf "%6.2f  %s\n", $1 / hz, $2 }' | sort -rn
}
# wait_for_line FILE PATTERN SECONDS: the first line of FILE matching PATTERN, or fail.
wait_for_line() {
    local i
    for i in $(seq $(($3 * 10))); do
        grep -m1 -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# build_release LOG PROJECT...: a Release build of each project (relative to the root), quietly into LOG; on a
# failure its log goes to stderr and the run ends.
build_release() {
    local log=$1 project
    shift
    for project in "$@"; do
        dotnet build -c Release --nologo -v q "$ROOT/$project" > "$log" 2>&1 ||
            { cat "$log" >&2; die "building $project failed"; }
    done
}

# publish_release DIR: the release this machine's hosts would get, made by publish.sh itself (self-contained single
# files, both ReadyToRun: README, Install) into DIR; sets PUB_NODE and PUB_AGG to its executables. Only publish.sh's
# flags: publishes share obj/, and a framework-dependent ReadyToRun publish there beside publish.sh's self-contained one
# left images that crashed the node at start (measured, 2026-12-05). Its log goes to DIR.log.
publish_release() {
    local rid folder
    case $(uname -m) in x86_64) rid=linux-x64 ;; aarch64) rid=linux-arm64 ;; *) die "no runtime identifier for $(uname -m)" ;; esac
    mkdir -p "$1"
    # Skipped when nothing it is made from changed since: a ReadyToRun publish compiles every assembly again (about
    # 4.5 CPU minutes on this 2-core machine) whenever dotnet build has rebuilt a library in between, as it does.
    published_release "$1"
    if [ -x "${PUB_AGG:-}" ] && [ -z "$(find "$ROOT/src" "$ROOT/hocon" "$ROOT/publish.sh" "$ROOT"/Directory.*.props "$ROOT/global.json" \
            \( -name bin -o -name obj \) -prune -o -newer "$PUB_AGG" -type f -print 2>/dev/null | head -1)" ]; then
        say "publish.sh's files in $1 are newer than the sources: not publishing again"
        return 0
    fi
    say "publishing (publish.sh $rid: both executables ReadyToRun, a few minutes of CPU)"
    CHORUS_ARTIFACTS=$1 "$ROOT/publish.sh" "$rid" > "$1.log" 2>&1 || { cat "$1.log" >&2; die "publish.sh $rid failed"; }
    folder=$(tail -2 "$1.log" | head -1)
    PUB_NODE=$folder/chorus-node PUB_AGG=$folder/chorus-aggregator
}
# published_release DIR: sets PUB_NODE and PUB_AGG to what publish_release left in DIR (for NO_BUILD runs), unless set.
published_release() {
    local folder
    folder=$(ls -d "$1"/chorus-*-linux-* 2>/dev/null | grep -v 'tar.gz$' | head -1) || true
    PUB_NODE=${PUB_NODE:-${folder:+$folder/chorus-node}} PUB_AGG=${PUB_AGG:-${folder:+$folder/chorus-aggregator}}
}

# executables LOG PROJECT...: the two builds the scripts measure. BUILD_NODE and BUILD_AGG: `dotnet build`'s Release
# output (JIT only, what the tests and `dotnet run` use; NODE=... AGG=... measure another build), built here into LOG
# with PROJECT... unless NO_BUILD is set. PUB_NODE and PUB_AGG: what users deploy, publish.sh's single files
# (ReadyToRun), published here into bench/out/publish unless NO_BUILD is set or PUB_NODE=... PUB_AGG=... name another's.
executables() {
    local log=$1
    shift
    BUILD_NODE=${NODE:-$ROOT/src/Node/bin/Release/net10.0/chorus-node}
    BUILD_AGG=${AGG:-$ROOT/src/Aggregator/bin/Release/net10.0/chorus-aggregator}
    if [ -z "${NO_BUILD:-}" ]; then
        say "building (Release)"
        build_release "$log" "$@"
        [ -n "${PUB_NODE:-}" ] || publish_release "$ROOT/bench/out/publish"
    fi
    published_release "$ROOT/bench/out/publish"
    local bin
    for bin in "$BUILD_NODE" "$BUILD_AGG" "$PUB_NODE" "$PUB_AGG"; do
        [ -x "$bin" ] || die "${bin:-the published release} is not there: run without NO_BUILD once (it builds and publishes), or set NODE/AGG/PUB_NODE/PUB_AGG"
    done
}
