#!/usr/bin/env bash
# A long SIGKILL soak of the storage engine: the suite's crash test (a child process writing in sync mode, killed at
# random moments, every acknowledged write checked after each restart) with many more cycles.
#
# usage: bench/crash-soak.sh [CYCLES] [SECONDS]     defaults: 500 cycles, at most 1800 s
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cycles="${1:-500}"
seconds="${2:-1800}"
AGENTDB_CRASH_CYCLES="$cycles" AGENTDB_CRASH_SECONDS="$seconds" \
  dotnet test "$repo/tests/AgentDb.Engine.Tests" -c Release \
    --filter "FullyQualifiedName~CrashRecoveryTests.SigKillAtRandomMoments" \
    --logger "console;verbosity=detailed"
