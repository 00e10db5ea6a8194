#!/usr/bin/env bash
# WebSocket broadcast benchmark in granian's shape: 16 clients each send 2,500 small binary messages, the server
# broadcasts every message to all 16 clients (sender included), throughput = granian's "total" figure. AsgiBridge
# (bench/WsBroadcast, an ASGI app behind UseAsgi) against uvicorn (websockets implementation, httptools, uvloop, 1
# worker) serving granian's ASGI broadcast app, measured in alternating rounds of one window.
#
#   bench/ws-broadcast.sh                              # defaults: WARMUP=30 ROUNDS=5 (about 2-3 minutes)
#   WARMUP=5 ROUNDS=1 bench/ws-broadcast.sh            # smoke run
#
# Environment (all optional): WARMUP (seconds of warm-up runs against the AsgiBridge server; uvicorn gets 2 runs),
# ROUNDS (5), BENCH_CLIENTS (16), BENCH_MESSAGES (2500 per client), SERVER_CPU (1), CLIENT_CPU (0),
# PORT_BASE (18281: AsgiBridge on PORT_BASE, uvicorn on PORT_BASE+1), INSTALL_TOOLS.
# The client is C# (one process, ClientWebSocket; one unreported warm-up run per invocation, so its own JIT does not
# cap the measured run). Each measured run also records the server's CPU time (read by the client from /proc
# around that run) per delivered message and how busy the server's CPU was: when the AsgiBridge server is well below 100 %, the client on its
# one core is the bottleneck and the ratio understates the bridge. Output: bench/results/ws-broadcast-<time>/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WARMUP="${WARMUP:-30}"
ROUNDS="${ROUNDS:-5}"
SERVER_CPU="${SERVER_CPU:-1}"
CLIENT_CPU="${CLIENT_CPU:-0}"
PORT_BASE="${PORT_BASE:-18281}"
export BENCH_CLIENTS="${BENCH_CLIENTS:-16}" BENCH_MESSAGES="${BENCH_MESSAGES:-2500}" BENCH_RUNS=1

RESULTS="$ROOT/bench/results"
RUN_DIR="${RUN_DIR:-$RESULTS/ws-broadcast-$(date -u +%Y%m%dT%H%M%SZ)}"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ "$ROUNDS" =~ ^[1-9][0-9]*$ && "$WARMUP" =~ ^[0-9]+$ ]] || die "ROUNDS must be positive, WARMUP a whole number"
require_tools python
PIN_SERVER="$SERVER_CPU"
PIN_CLIENT="$CLIENT_CPU"
mkdir -p "$RUN_DIR"
PROJECT="$ROOT/bench/WsBroadcast"
DLL="$PROJECT/bin/Release/net10.0/WsBroadcast.dll"
log "building bench/WsBroadcast (Release)"
dotnet build "$PROJECT" -c Release -nologo -v q >"$RUN_DIR/build.log" 2>&1 || { cat "$RUN_DIR/build.log" >&2; die "build failed"; }

ASGI_PORT="$PORT_BASE"
UVICORN_PORT="$((PORT_BASE + 1))"
for port in "$ASGI_PORT" "$UVICORN_PORT"; do port_free "$port" || die "port $port is in use (set PORT_BASE)"; done

env -u ASPNETCORE_URLS taskset -c "$(server_cpus)" dotnet "$DLL" server "$ASGI_PORT" >"$RUN_DIR/server-asgi.log" 2>&1 &
PIDS+=($!)
declare -A PID_OF=([asgi]=$!)
(cd "$PY_APP_DIR" && exec env -u PYTHONPATH taskset -c "$(server_cpus)" "$PYTHON" -m uvicorn ws_broadcast:app --app-dir "$PY_APP_DIR" \
    --host 127.0.0.1 --port "$UVICORN_PORT" --ws websockets --loop uvloop --http httptools --no-access-log \
    --log-level warning --workers 1 --lifespan off) >"$RUN_DIR/server-uvicorn.log" 2>&1 &
PIDS+=($!)
PID_OF[uvicorn]=$!
declare -A URL_OF=([asgi]="ws://127.0.0.1:$ASGI_PORT/" [uvicorn]="ws://127.0.0.1:$UVICORN_PORT/")
for _ in $(seq 100); do
    grep -q '^ready' "$RUN_DIR/server-asgi.log" && curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$UVICORN_PORT/" && break
    for name in asgi uvicorn; do
        kill -0 "${PID_OF[$name]}" 2>/dev/null || { cat "$RUN_DIR/server-$name.log" >&2; die "$name server exited during startup"; }
    done
    sleep 0.2
done
grep -q '^ready' "$RUN_DIR/server-asgi.log" || die "the AsgiBridge server did not start"
versions="$("$PYTHON" -c 'import uvicorn, websockets, uvloop; print(f"uvicorn {uvicorn.__version__}, websockets {websockets.__version__}, uvloop {uvloop.__version__}")')"
log "servers ready: AsgiBridge pid ${PID_OF[asgi]}, uvicorn pid ${PID_OF[uvicorn]} ($versions)"

SAMPLES="$RUN_DIR/samples.tsv"
printf 'round\tserver\tthroughput_sum\tdelivered_per_s\twall_s\tserver_cpu_s\n' >"$SAMPLES"
client_run() { # label server -> appends to $SAMPLES unless label is warmup
    local label="$1" name="$2" before after line
    line="$(BENCH_SERVER_PID="${PID_OF[$name]}" pin "$PIN_CLIENT" dotnet "$DLL" client "${URL_OF[$name]}" 2>&1 | tee -a "$RUN_DIR/$label-$name.txt" | tail -1)"
    [[ "$line" == clients=* ]] || die "$name $label: client failed: $line"
    if [[ "$label" != warmup ]]; then
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$name" "$(sed -E 's/.*throughput_sum=([0-9]+).*/\1/' <<<"$line")" \
            "$(sed -E 's/.*delivered_per_s=([0-9]+).*/\1/' <<<"$line")" "$(sed -E 's/.*wall_s=([0-9.]+).*/\1/' <<<"$line")" \
            "$(sed -E 's/.*server_cpu_s=([0-9.]+).*/\1/' <<<"$line")" >>"$SAMPLES"
        log "round $label $name: $line"
    fi
}

log "warm-up: ${WARMUP}s of runs against AsgiBridge, 2 runs against uvicorn"
end=$((SECONDS + WARMUP))
while ((SECONDS < end)); do client_run warmup asgi; done
client_run warmup uvicorn
client_run warmup uvicorn
for round in $(seq "$ROUNDS"); do
    if ((round % 2)); then order=(asgi uvicorn); else order=(uvicorn asgi); fi
    for name in "${order[@]}"; do client_run "$round" "$name"; done
done
cleanup

"$PYTHON" - "$SAMPLES" "$BENCH_CLIENTS" "$BENCH_MESSAGES" "$versions" "$(cut -d' ' -f1-3 /proc/loadavg)" >"$RUN_DIR/report.md" <<'PY'
import os, statistics, sys
path, clients, messages, versions, load = sys.argv[1:6]
rows = [line.rstrip("\n").split("\t") for line in open(path)][1:]
by = {}
for r, server, total, delivered, wall, cpu in rows:
    by.setdefault(server, {})[int(r)] = (float(total), float(delivered), float(wall), float(cpu))
delivered_msgs = int(clients) * int(messages) * int(clients)
print("# WebSocket broadcast (granian's shape): AsgiBridge vs uvicorn")
print()
print(f"- {clients} clients x {messages} binary messages each, every message broadcast to all {clients}: {delivered_msgs:,} deliveries per run")
print(f"- uvicorn: {versions}, `--ws websockets --http httptools --loop uvloop --workers 1`; load average at the end {load}")
print("- throughput: granian's total figure (per client M x (N+1) / max(send time, receive time), summed over clients)")
print()
print("| server | throughput (median) | delivered msg/s | server CPU µs per delivered msg | server CPU busy |")
print("|---|---:|---:|---:|---:|")
for server in ("asgi", "uvicorn"):
    runs = by.get(server, {}).values()
    if not runs:
        continue
    t = statistics.median(v[0] for v in runs)
    d = statistics.median(v[1] for v in runs)
    cpu = statistics.median(v[3] * 1e6 / delivered_msgs for v in runs)
    busy = statistics.median(v[3] / v[2] for v in runs)
    print(f"| {server} | {t:,.0f} | {d:,.0f} | {cpu:.2f} | {busy:.0%} |")
ratios = [by["asgi"][k][0] / by["uvicorn"][k][0] for k in sorted(by.get("asgi", {})) if k in by.get("uvicorn", {})]
print()
if ratios:
    print(f"**asgi/uvicorn: {statistics.median(ratios):.2f}×** (per round: {', '.join(f'{x:.2f}' for x in ratios)}; target ≥ 1.5)")
PY
cp "$RUN_DIR/report.md" "$RESULTS/ws-broadcast-latest.md"
cat "$RUN_DIR/report.md" >&2
