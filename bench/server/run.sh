#!/usr/bin/env bash
# The server over TCP against Redis on the same machine, in one run (issue 6; figures in docs/BENCHMARKS.md).
#
#   bash bench/server/run.sh                 # N=200000 GET/SET/UPSERT requests, 20000 SEARCHes, 50 connections, P=1 and 16
#   N=500000 SEARCH_N=50000 bash bench/server/run.sh
#   OPS=get bash bench/server/run.sh        # GET only: redis-benchmark GET against agentdb GET (no SET/SEARCH/UPSERT)
#
# 1. Installs redis-server and redis-tools with apt-get if they are missing.
# 2. Starts redis-server on a free 127.0.0.1 port with no persistence, stores RECORDS keys named as redis-benchmark's -r
#    names them (key:000000000000 ...) so that every GET is a hit, runs
#    `redis-benchmark -t set|get -c 50 -P {1,16} -n N -r RECORDS --csv` (-r: the same key space as our collection; SET
#    and GET in separate runs so that redis-server's CPU time per request can be told apart), and stops redis by its PID.
#    GET runs twice: with 3-byte values (redis-benchmark's default, row "redis") and with MATCHED_BYTES-byte values
#    (row "redis-matched"), whose 47-byte reply is about the size of our 49-byte GET response frame (24-byte header,
#    [id "key:00001234", nil, {"v":"xyz"}, version]). The client CPU column is redis-benchmark's CPU time per request
#    (bash `time`) and, for agentdb, the load generator's (its process during the wire run).
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
MATCHED_BYTES=${MATCHED_BYTES:-40}
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

# Stores RECORDS keys with values of $1 bytes, named as redis-benchmark -r names its keys, so that GETs hit.
populate() {
  local value
  value=$(head -c "$1" /dev/zero | tr '\0' 'x')
  for ((i = 0; i < RECORDS; i++)); do printf 'SET key:%012d %s\r\n' "$i" "$value"; done \
    | redis-cli -p "$port" --pipe >/dev/null
  [[ "$(redis-cli -p "$port" dbsize)" -ge "$RECORDS" ]]
}

# One redis-benchmark run: appends a row named $1 (test $2, pipeline $3, extra arguments after).
redis_run() {
  local system=$1 t=$2 p=$3
  shift 3
  echo "redis-benchmark -t $t -c $CONNECTIONS -P $p -n $N -r $RECORDS $* --csv" >&2
  local before after client
  before=$(cpu_ticks "$redis_pid")
  client=$( { TIMEFORMAT='%U %S'; time redis-benchmark -h 127.0.0.1 -p "$port" -t "$t" -c "$CONNECTIONS" -P "$p" -n "$N" \
    -r "$RECORDS" "$@" --csv >"$work/redis.csv"; } 2>&1 | tail -1)
  after=$(cpu_ticks "$redis_pid")
  awk -F'"' -v s="$system" -v c="$CONNECTIONS" -v p="$p" -v n="$N" -v cpu="$((after - before))" -v hz="$hz" -v client="$client" \
    'NR > 1 && $2 != "" { split(client, t, " "); printf "%s,%s,%s,%s,%s,%.0f,%s,%s,-,%.2f,%.2f\n", s, tolower($2), c, p, n, $4, $10, $14, cpu * 1e6 / hz / n, (t[1] + t[2]) * 1e6 / n }' \
    "$work/redis.csv" >>"$work/rows.csv"
}

pipelines_csv=""
for p in $PIPELINES; do
  pipelines_csv="${pipelines_csv:+$pipelines_csv,}$p"
done
populate 3
for p in $PIPELINES; do
  for t in $redis_tests; do
    redis_run redis "$t" "$p" # SET writes redis-benchmark's default 3-byte values over the same keys
  done
done
populate "$MATCHED_BYTES"
for p in $PIPELINES; do
  redis_run redis-matched get "$p" -d "$MATCHED_BYTES"
done
echo "redis keyspace hits/misses: $(redis-cli -p "$port" info stats | tr -d '\r' | grep -E '^keyspace_(hits|misses)' | tr '\n' ' ')"
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
echo "| system | op | connections | pipeline | requests | ops/s | p50 ms | p99 ms | p99.9 ms | server CPU µs/op | client CPU µs/op |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
sort -t, -k2,2 -k4,4n -k1,1 "$work/rows.csv" | awk -F, '{
  conns = ($4 == 0) ? $3 " " (($2 == "upsert") ? "tasks" : "threads") : $3
  pipe = ($4 == 0) ? "-" : $4
  client = (NF >= 11) ? $11 : "-"
  printf "| %s | %s | %s | %s | %s | %d | %s | %s | %s | %s | %s |\n", $1, $2, conns, pipe, $5, $6, $7, $8, $9, $10, client
}'
