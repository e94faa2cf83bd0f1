#!/usr/bin/env bash
# The server over TCP against Redis on the same machine, in one run (issue 6; figures in docs/BENCHMARKS.md).
#
#   bash bench/server/run.sh                 # N=200000 GET/SET/UPSERT requests, 20000 SEARCHes, 50 connections, P=1 and 16
#   N=500000 SEARCH_N=50000 bash bench/server/run.sh
#   OPS=get bash bench/server/run.sh        # GET only: redis-benchmark GET against agentdb GET (no SET/SEARCH/UPSERT)
#
# 1. Installs redis-server and redis-tools with apt-get if they are missing.
# 2. Starts redis-server on a free 127.0.0.1 port with no persistence, runs
#    `redis-benchmark -t set|get -c 50 -P {1,16} -n N -r RECORDS --csv` (-r: the same key space as our collection; SET
#    and GET in separate runs so that redis-server's CPU time per request can be told apart), and stops redis by its PID.
# 3. Runs `agentdb bench server` (Release build) with the same connection count and pipeline depths: GET, SEARCH and
#    UPSERT over TCP against `agentdb serve` as a child process, and the same operations in process as its baseline.
# 4. Runs SEARCH once more with the server in the benchmark's process (rows "interleaved:"), each in-process baseline
#    right before its wire run, for a same-load comparison.
# 5. Prints one table. Load generators and servers share the machine's cores (say so when quoting figures).
set -euo pipefail

N=${N:-200000}
SEARCH_N=${SEARCH_N:-20000}
CONNECTIONS=${CONNECTIONS:-50}
PIPELINES=${PIPELINES:-"1 16"}
RECORDS=${RECORDS:-10000}
EXTRA=${EXTRA:-}
OPS=${OPS:-all}
if [[ "$OPS" == "get" ]]; then
  redis_tests="get"
  agentdb_ops="--ops get"
else
  redis_tests="set get"
  agentdb_ops=""
fi
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d -t agentdb-bench-server-XXXXXX)
redis_pid=""

cleanup() {
  if [[ -n "$redis_pid" ]] && kill -0 "$redis_pid" 2>/dev/null; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
  echo "installing redis-server and redis-tools ..." >&2
  apt-get update && apt-get install -y redis-server redis-tools
fi

# A free loopback port: nothing answers on it (bounded tries).
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

echo "building agentdb (Release) ..." >&2
dotnet build "$repo/engine/AgentDb.Server/AgentDb.Server.csproj" -c Release -v q -nologo >/dev/null
agentdb="$repo/engine/AgentDb.Server/bin/Release/net10.0/agentdb.dll"

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "nproc: $(nproc)"
echo "cpu: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
echo "redis: $(redis-server --version | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

port=$(free_port)
redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --daemonize no --loglevel warning \
  >"$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 1 100); do
  if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then break; fi
  sleep 0.1
done
redis-cli -p "$port" ping | grep -q PONG

# CPU time (user + system, in clock ticks) a process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

pipelines_csv=""
for p in $PIPELINES; do
  for t in $redis_tests; do
    echo "redis-benchmark -t $t -c $CONNECTIONS -P $p -n $N -r $RECORDS --csv" >&2
    before=$(cpu_ticks "$redis_pid")
    redis-benchmark -h 127.0.0.1 -p "$port" -t "$t" -c "$CONNECTIONS" -P "$p" -n "$N" -r "$RECORDS" --csv >"$work/redis.csv"
    after=$(cpu_ticks "$redis_pid")
    awk -F'"' -v c="$CONNECTIONS" -v p="$p" -v n="$N" -v cpu="$((after - before))" -v hz="$hz" \
      'NR > 1 && $2 != "" { printf "redis,%s,%s,%s,%s,%.0f,%s,%s,-,%.2f\n", tolower($2), c, p, n, $4, $10, $14, cpu * 1e6 / hz / n }' \
      "$work/redis.csv" >>"$work/rows.csv"
  done
  pipelines_csv="${pipelines_csv:+$pipelines_csv,}$p"
done
kill "$redis_pid"
wait "$redis_pid" 2>/dev/null || true
redis_pid=""

echo "agentdb bench server $agentdb_ops --connections $CONNECTIONS --pipeline $pipelines_csv --requests $N --search-requests $SEARCH_N --records $RECORDS $EXTRA --csv" >&2
# shellcheck disable=SC2086
dotnet "$agentdb" bench server $agentdb_ops --connections "$CONNECTIONS" --pipeline "$pipelines_csv" --requests "$N" \
  --search-requests "$SEARCH_N" --records "$RECORDS" $EXTRA --csv >>"$work/rows.csv"
if [[ "$OPS" != "get" ]]; then
# SEARCH against its in-process baseline once more, interleaved: server and baseline in one process on one database,
# each baseline right before its wire run, so both see the same load from whatever else shares the machine.
echo "agentdb bench server --in-process-server --ops search --connections $CONNECTIONS --pipeline $pipelines_csv --search-requests $SEARCH_N --records $RECORDS $EXTRA --csv" >&2
# shellcheck disable=SC2086
dotnet "$agentdb" bench server --in-process-server --ops search --connections "$CONNECTIONS" --pipeline "$pipelines_csv" \
  --search-requests "$SEARCH_N" --records "$RECORDS" $EXTRA --csv | sed 's/^agentdb/interleaved:agentdb/' >>"$work/rows.csv"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "| system | op | connections | pipeline | requests | ops/s | p50 ms | p99 ms | p99.9 ms | server CPU µs/op |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
sort -t, -k2,2 -k4,4n -k1,1 "$work/rows.csv" | awk -F, '{
  conns = ($4 == 0) ? $3 " " (($2 == "upsert") ? "tasks" : "threads") : $3
  pipe = ($4 == 0) ? "-" : $4
  printf "| %s | %s | %s | %s | %s | %d | %s | %s | %s | %s |\n", $1, $2, conns, pipe, $5, $6, $7, $8, $9, $10
}'
