#!/usr/bin/env bash
# Self-contained single-file chorus-node and chorus-aggregator for hosts without .NET (README, Install).
#
#   ./publish.sh [RID...]        RID: linux-x64, linux-arm64 (default: both)
#
# For each RID writes artifacts/chorus-VERSION-RID/ (the two executables and hocon/, the defaults they read
# from beside themselves) and artifacts/chorus-VERSION-RID.tar.gz holding that folder. Needs the .NET SDK
# here only; the hosts need nothing. CHORUS_ARTIFACTS=DIR writes elsewhere (the tests publish into a temp dir).
# CHORUS_READY_TO_RUN=false leaves out the ReadyToRun compilation (README, Install): the same files, JIT only, several
# minutes of CPU sooner. For the shipping test, whose promises are about the files and not their start-up.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
artifacts=${CHORUS_ARTIFACTS:-$root/artifacts}
supported=(linux-x64 linux-arm64)

fail() { echo "publish.sh: $*" >&2; exit 2; }

command -v dotnet >/dev/null || fail "dotnet is not on PATH: install the .NET SDK (global.json names the version) to publish."

rids=("$@")
[ ${#rids[@]} -gt 0 ] || rids=("${supported[@]}")
for rid in "${rids[@]}"; do
  case " ${supported[*]} " in
    *" $rid "*) ;;
    *) fail "unknown runtime '$rid': use one or more of ${supported[*]}." ;;
  esac
done

ready_to_run=()
case ${CHORUS_READY_TO_RUN:-true} in
  true) ;;
  false) ready_to_run=(-p:PublishReadyToRun=false) ;;
  *) fail "CHORUS_READY_TO_RUN is true or false, not '$CHORUS_READY_TO_RUN'." ;;
esac

version=$(dotnet msbuild "$root/src/Node/Node.csproj" -getProperty:Version)
[ -n "$version" ] || fail "could not read the version from src/Node/Node.csproj."

for rid in "${rids[@]}"; do
  name=chorus-$version-$rid
  out=$artifacts/$name
  rm -rf "$out" "$out.tar.gz"
  for project in Node Aggregator; do
    # Not trimmed: Akka builds serializers, loggers and the remoting provider from type names in HOCON by
    # reflection, which trimming cannot see. Both are ReadyToRun (their csproj files say why; README, Install,
    # gives the sizes and times).
    dotnet publish "$root/src/$project/$project.csproj" -c Release -r "$rid" --self-contained \
      -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true \
      -p:DebugType=none "${ready_to_run[@]}" \
      -o "$out" -v quiet -nologo \
      || fail "dotnet publish of src/$project for $rid failed (see above)."
  done
  # Publishing the aggregator copies the node's runtimeconfig.json from its project reference; the
  # single-file chorus-node carries its own.
  rm -f "$out/chorus-node.runtimeconfig.json"
  for file in chorus-node chorus-aggregator hocon/wire.conf; do
    [ -e "$out/$file" ] || fail "$out/$file is missing after publishing."
  done
  tar -C "$artifacts" -czf "$out.tar.gz" "$name"
  echo "$out"
  echo "$out.tar.gz"
done
