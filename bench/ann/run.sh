#!/usr/bin/env bash
# Runs `agentdb bench ann` with what its peers and data need, installing it first through apt when missing:
#   - python3-hnswlib (and numpy) for Debian's /usr/bin/python3, the hnswlib peer's interpreter;
#   - the English Translation lists (long package descriptions) that `prepare-minilm` embeds.
#
# usage: bench/ann/run.sh --ensure-peers                 install the peers' packages only
#        bench/ann/run.sh prepare-minilm --out DIR ...   make the MiniLM data set
#        bench/ann/run.sh [bench ann options]            run the benchmark (see --help)
#
# AGENTDB_BENCH_ANN overrides the command run (default: the Release build of engine/AgentDb.Server, `bench ann`).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python=/usr/bin/python3   # Debian's interpreter: a pyenv python3 on PATH cannot see python3-hnswlib.

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "run.sh: need root to run: $*" >&2; exit 1; fi
}

ensure_hnswlib() {
  if "$python" -c 'import hnswlib, numpy' 2>/dev/null; then return; fi
  echo "run.sh: installing python3-hnswlib for $python" >&2
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-hnswlib python3-numpy
  "$python" -c 'import hnswlib, numpy' || { echo "run.sh: hnswlib still cannot be imported by $python" >&2; exit 1; }
}

ensure_translations() {
  if compgen -G '/var/lib/apt/lists/*_i18n_Translation-en*' >/dev/null; then return; fi
  echo "run.sh: fetching apt's English Translation lists (long package descriptions)" >&2
  as_root apt-get update -o Acquire::Languages=en
}

bench_ann() {
  if [ -n "${AGENTDB_BENCH_ANN:-}" ]; then
    # shellcheck disable=SC2086 # the override is a command line, split on purpose
    exec $AGENTDB_BENCH_ANN "$@"
  fi
  dotnet build "$repo/engine/AgentDb.Server/AgentDb.Server.csproj" -c Release -v quiet -nologo >&2
  exec dotnet "$repo/engine/AgentDb.Server/bin/Release/net10.0/agentdb.dll" bench ann "$@"
}

case "${1:-}" in
  --ensure-peers) ensure_hnswlib ;;
  prepare-minilm) ensure_translations; bench_ann "$@" ;;
  -h|--help|help) bench_ann --help ;;
  *)
    # The hnswlib peer runs unless --candidates leaves it out.
    if ! printf '%s\n' "$@" | grep -q -- '^--candidates' || printf '%s\n' "$@" | grep -q 'hnswlib'; then ensure_hnswlib; fi
    if ! printf '%s\n' "$@" | grep -q -- '^--hnswlib-script'; then set -- "$@" --hnswlib-script "$repo/bench/ann/hnswlib_peer.py"; fi
    bench_ann "$@" ;;
esac
