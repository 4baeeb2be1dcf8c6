#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Time from process start to a usable main window (the embedded server
# started, the schema checked, the organisation listed), on an existing
# cluster with the demo chain, under Xvfb. Prints each run and the median.
#
#   tests/perf/bench-startup.sh [BUILD_DIR] [RUNS]
set -euo pipefail

build=${1:-_build}
runs=${2:-5}
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT

export XDG_DATA_HOME="$home/data" XDG_RUNTIME_DIR="$home/run" XDG_CONFIG_HOME="$home/config"
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" NO_AT_BRIDGE=1
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

"$build/src/admin/memberdesk-admin" demo --members 100000 --seed 1

times=()
for _ in $(seq "$runs"); do
  line=$(MDK_STARTUP_BENCHMARK=1 xvfb-run --auto-servernum "$build/src/memberdesk" 2>/dev/null | grep '^startup:')
  echo "$line"
  times+=("$(awk '{print $2}' <<<"$line")")
done

printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print "median startup to a usable window: " a[int((NR+1)/2)] " ms (target: under 2000 ms)"}'
