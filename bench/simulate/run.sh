#!/usr/bin/env bash
# The `agentdb simulate` figures of docs/BENCHMARKS.md ("Simulations (issue 8)"): every scenario embedded (a fresh
# temporary directory per run), concurrent, concurrent with batched writes, and one agent at a time as the in-run
# baseline; then lean-agentic-swarm against `agentdb serve` on loopback. Each run's JSON report goes to $OUT.
# Usage: bench/simulate/run.sh [OUT_DIR]   (after: dotnet build engine/AgentDb.Server -c Release)
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
dll="$here/engine/AgentDb.Server/bin/Release/net10.0/agentdb.dll"
out="${1:-/tmp/agentdb-simulate-bench}"
mkdir -p "$out"
echo "date $(date -u +%FT%TZ)  nproc $(nproc)  $(lscpu | grep 'Model name' | sed 's/  */ /g')"

run() {
  local name="$1"; shift
  echo "== $name: agentdb simulate $*   (load $(cut -d' ' -f1-3 /proc/loadavg))"
  dotnet "$dll" simulate "$@" --report "$out/$name.json" | sed -n 2,4p
}

run lean-baseline      lean-agentic-swarm --swarm-size 30   --iterations 20 --parallel 1
run lean               lean-agentic-swarm --swarm-size 1000 --iterations 20 --parallel 1000
run lean-optimized     lean-agentic-swarm --swarm-size 1000 --iterations 20 --parallel 1000 --optimize
run reflexion-baseline reflexion-learning --swarm-size 5    --iterations 40 --parallel 1
run reflexion          reflexion-learning --swarm-size 1000 --iterations 10 --parallel 1000
run reflexion-optimized reflexion-learning --swarm-size 1000 --iterations 10 --parallel 1000 --optimize
run multi-baseline     multi-agent-swarm  --swarm-size 10   --iterations 20 --parallel 1
run multi              multi-agent-swarm  --swarm-size 1000 --iterations 10 --parallel 1000
run multi-optimized    multi-agent-swarm  --swarm-size 1000 --iterations 10 --parallel 1000 --optimize
run voting-baseline    voting-consensus   --parallel 1
run voting             voting-consensus   --parallel 50
run voting-large       voting-consensus   --swarm-size 1000 --parallel 1000
run voting-optimized   voting-consensus   --swarm-size 1000 --parallel 1000 --optimize
run market-baseline    stock-market       --parallel 1
run market             stock-market       --parallel 100
run market-optimized   stock-market       --parallel 100 --optimize

# Against a server on loopback (no API keys, hashing embedder of the embedded runs' dimension).
data="$(mktemp -d)"
log="$data/serve.log"
env -u AGENTDB_API_KEYS dotnet "$dll" serve --data "$data/db" --port 0 --http-port 0 --embedder hashing-128 >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do grep -q 'agentdb ready' "$log" && break; sleep 0.2; done
endpoint="$(grep -o 'protocol=[^ ]*' "$log" | cut -d= -f2)"
run lean-server-baseline lean-agentic-swarm --swarm-size 30  --iterations 20 --parallel 1 --server "$endpoint"
run lean-server          lean-agentic-swarm --swarm-size 300 --iterations 20 --parallel 8 --server "$endpoint"
run lean-server-32       lean-agentic-swarm --swarm-size 300 --iterations 20 --parallel 32 --server "$endpoint"
run lean-server-256      lean-agentic-swarm --swarm-size 1000 --iterations 20 --parallel 256 --server "$endpoint"
