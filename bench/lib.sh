# Shared by run.sh, join.sh and idle.sh: their voice on stderr and the cleanup of everything they start.
# Source it after setting NAME (the prefix of every message).

say() { echo "$NAME: $*" >&2; }
die() { say "$*"; exit 1; }

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

# publish_node DIR: chorus-node as publish.sh makes it for this machine (self-contained, one file, ReadyToRun: see
# src/Node/Node.csproj), with the same flags: publishes share obj/, and a framework-dependent ReadyToRun publish
# there beside publish.sh's self-contained one left images that crashed the node at start (measured, 2026-12-05).
publish_node() {
    local rid
    case $(uname -m) in x86_64) rid=linux-x64 ;; aarch64) rid=linux-arm64 ;; *) die "no runtime identifier for $(uname -m)" ;; esac
    mkdir -p "$1"
    dotnet publish "$ROOT/src/Node/Node.csproj" -c Release -r "$rid" --self-contained \
        -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=none \
        -o "$1" -nologo -v q > "$1.log" 2>&1 || { cat "$1.log" >&2; die "publishing src/Node failed"; }
}
