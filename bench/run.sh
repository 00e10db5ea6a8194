#!/usr/bin/env bash
# AsgiBridge load benchmark: raw Kestrel (app.Run), the same workloads through app.UseAsgi (tuned, user-style and
# dictionary-form ASGI apps) and uvicorn (httptools + uvloop, 1 worker) serving a plain Python ASGI app, all in
# one measurement window.
#
#   bench/run.sh                                  # defaults: WARMUP=30 DURATION=10 ROUNDS=4 (about 30 minutes)
#   DURATION=3 WARMUP=5 WORKLOAD_WARMUP=1 ROUNDS=1 bench/run.sh   # smoke run (about 4 minutes)
#   RECIPE=recipe bench/run.sh                    # adds raw@recipe and asgi@recipe columns (hosting recipe)
#   SERVERS="raw asgi raw@inline asgi@inline" WORKLOADS="hello echo16k" bench/run.sh
#
# Environment (all optional):
#   SERVERS           servers to run, APP or APP@PROFILE (default "raw asgi asgi-user asgi-dict uvicorn");
#                     APP: raw | raw-complete | asgi | asgi-user | asgi-dict | uvicorn; PROFILE: see PROFILES in bench/lib.sh
#   RECIPE            a profile name (usually "recipe"): appends raw@RECIPE and asgi@RECIPE to SERVERS
#   WORKLOADS         default "hello hellohdrs 64k echo16k"
#   PROTOCOLS         default "http1 h2c" (uvicorn has no HTTP/2: it only runs the http1 cells)
#   DURATION          seconds of each measured run (default 10)
#   WARMUP            seconds of the initial HTTP/1.1 hello warm-up of each C# server (default 30; h2c gets half;
#                     uvicorn gets 5 s: it has no JIT)
#   WORKLOAD_WARMUP   seconds of the per-workload warm-up of each server before the first round (default 5)
#   ROUNDS            rounds (default 4); the server order rotates every round
#   SERVER_CPU        CPU the servers are pinned to (default 1); CLIENT_CPU: CPU of wrk/h2load (default 0)
#   WRK_CONNECTIONS   wrk connections (default 64; wrk -t1)
#   H2_CLIENTS        h2load connections (default 8); H2_STREAMS: concurrent streams per connection (default 8)
#   PORT_BASE         first port (default 18081); server i uses PORT_BASE+3i (HTTP/1.1), +1 (h2c), +2 (counters)
#   INSTALL_TOOLS     1 (default): apt-get install missing Debian packages; 0: fail instead
#
# Method: all servers run at once, pinned to SERVER_CPU, the load generator to CLIENT_CPU, only one under load at
# a time. Each server is warmed up (tiered JIT/PGO needs ~20-30 s under load on one core), then every round
# measures each workload x protocol cell on every server back to back, the order rotating by round, so slow host
# drift hits all alike. Ratios are computed per round (same window) and the table gives their median and their
# spread (min-max over rounds). Besides req/s every run records, per request, the server's CPU time and context
# switches (/proc) and, for the C# servers, allocated bytes, gen0 GCs and thread-pool work items (the server's
# counters endpoint). Every run is checked for failed requests; any failure is flagged and the script exits 1.
# Results: bench/results/latest.md (git-ignored) and bench/results/run-<time>/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-30}"
WORKLOAD_WARMUP="${WORKLOAD_WARMUP:-5}"
ROUNDS="${ROUNDS:-4}"
SERVER_CPU="${SERVER_CPU:-1}"
CLIENT_CPU="${CLIENT_CPU:-0}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-64}"
H2_CLIENTS="${H2_CLIENTS:-8}"
H2_STREAMS="${H2_STREAMS:-8}"
PORT_BASE="${PORT_BASE:-18081}"
read -r -a SERVER_LIST <<<"${SERVERS:-raw asgi asgi-user asgi-dict uvicorn}"
read -r -a WORKLOAD_LIST <<<"${WORKLOADS:-hello hellohdrs 64k echo16k}"
read -r -a PROTOCOL_LIST <<<"${PROTOCOLS:-http1 h2c}"
if [[ -n "${RECIPE:-}" ]]; then
    SERVER_LIST+=("raw@$RECIPE" "asgi@$RECIPE")
fi

RESULTS="$ROOT/bench/results"
RUN_DIR="${RUN_DIR:-$RESULTS/run-$(date -u +%Y%m%dT%H%M%SZ)}"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- checks
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer"
for value in "$DURATION" "$WARMUP" "$WORKLOAD_WARMUP" "$PORT_BASE"; do
    [[ "$value" =~ ^[0-9]+$ ]] || die "DURATION, WARMUP, WORKLOAD_WARMUP and PORT_BASE are whole numbers"
done
((DURATION > 0)) || die "DURATION must be at least 1"
((${#SERVER_LIST[@]} > 0)) || die "SERVERS is empty"
declare -A seen=()
need_python=""
for spec in "${SERVER_LIST[@]}"; do
    [[ -z "${seen[$spec]:-}" ]] || die "server '$spec' is listed twice"
    seen[$spec]=1
    case "$(spec_app "$spec")" in
        raw | raw-complete | asgi | asgi-user | asgi-dict) profile_settings "$(spec_profile "$spec")" ;;
        uvicorn) need_python=python ;;
        *) die "unknown server '$spec' (raw, asgi, asgi-user, asgi-dict, uvicorn, optionally @PROFILE)" ;;
    esac
done
for workload in "${WORKLOAD_LIST[@]}"; do path_of "$workload" >/dev/null; done
for proto in "${PROTOCOL_LIST[@]}"; do
    [[ "$proto" == http1 || "$proto" == h2c ]] || die "unknown protocol '$proto' (http1, h2c)"
done

require_tools $need_python

CPUS="$(nproc)"
PIN_SERVER="$SERVER_CPU"
PIN_CLIENT="$CLIENT_CPU"
if ((CPUS < 2)); then
    log "warning: only $CPUS CPU: not pinning; servers and load generator share the CPU"
    PIN_SERVER=""
    PIN_CLIENT=""
fi

mkdir -p "$RUN_DIR"
FAILURES_FILE="$RUN_DIR/failures.txt"
: >"$FAILURES_FILE"
write_load_files
build_server

serves() { # spec protocol: uvicorn has no HTTP/2
    [[ "$2" == http1 ]] || is_dotnet "$1"
}

runs_per_round=0
for workload in "${WORKLOAD_LIST[@]}"; do
    for proto in "${PROTOCOL_LIST[@]}"; do
        for spec in "${SERVER_LIST[@]}"; do
            serves "$spec" "$proto" && runs_per_round=$((runs_per_round + 1))
        done
    done
done
h2_warmup=$(((WARMUP + 1) / 2))
estimate=$((runs_per_round * (WORKLOAD_WARMUP + ROUNDS * DURATION) + ${#SERVER_LIST[@]} * (WARMUP + h2_warmup) + 30))
log "plan: ${SERVER_LIST[*]}; ${WORKLOAD_LIST[*]} on ${PROTOCOL_LIST[*]}; $ROUNDS rounds x $runs_per_round runs x ${DURATION}s (about $((estimate / 60 + 1)) min)"
log "load: http1 = wrk -t1 -c$WRK_CONNECTIONS; h2c = h2load -t1 -c$H2_CLIENTS -m$H2_STREAMS; servers on CPU ${PIN_SERVER:-any}, client on CPU ${PIN_CLIENT:-any}"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

declare -A PID_OF=() INDEX_OF=()
for i in "${!SERVER_LIST[@]}"; do
    spec="${SERVER_LIST[$i]}"
    start_server "$spec" "$i"
    PID_OF[$spec]="$SERVER_PID"
    INDEX_OF[$spec]="$i"
done
for spec in "${SERVER_LIST[@]}"; do
    for proto in "${PROTOCOL_LIST[@]}"; do
        serves "$spec" "$proto" && verify_server "$spec" "${INDEX_OF[$spec]}" "$proto"
    done
done
log "responses verified (body bytes, echo content, Content-Length) on every server and protocol"

port_for() { # spec protocol
    if [[ "$2" == h2c ]]; then port_h2 "${INDEX_OF[$1]}"; else port_h1 "${INDEX_OF[$1]}"; fi
}

# One load run on one server, with the server's counters before and after. Prints a samples.tsv tail:
# req/s status requests cpu_ticks ctx_switches alloc_bytes gen0 tp_work_items user_ticks
measure() { # label workload protocol spec seconds
    local label="$1" workload="$2" proto="$3" spec="$4" seconds="$5"
    local out="$RUN_DIR/$label-$workload-$proto-$spec.txt" pid="${PID_OF[$spec]}" before after s0="" s1="" rate status requests
    before="$(proc_counters "$pid")"
    is_dotnet "$spec" && s0="$(server_stats "$(port_stats "${INDEX_OF[$spec]}")")"
    read -r rate status requests < <(run_load "$workload" "$proto" "$(port_for "$spec" "$proto")" "$seconds" "$out")
    after="$(proc_counters "$pid")"
    is_dotnet "$spec" && s1="$(server_stats "$(port_stats "${INDEX_OF[$spec]}")")"
    kill -0 "$pid" 2>/dev/null || { echo "$label $workload $proto $spec server-died" >>"$FAILURES_FILE"; die "$spec died (see $RUN_DIR/server-$spec.log)"; }
    if [[ "$status" != ok ]]; then
        echo "$label $workload $proto $spec $status" >>"$FAILURES_FILE"
        log "FAILED $label $workload $proto $spec: $status (see $out)"
    fi
    local t0 c0 u0 t1 c1 u1
    read -r t0 c0 u0 <<<"$before"
    read -r t1 c1 u1 <<<"$after"
    local ticks=$((t1 - t0)) ctx=$((c1 - c0)) user=$((u1 - u0)) alloc=NA gen0=NA items=NA
    if [[ -n "$s0" && -n "$s1" ]]; then
        alloc=$(($(stat_field "$s1" alloc_bytes) - $(stat_field "$s0" alloc_bytes)))
        gen0=$(($(stat_field "$s1" gc0) - $(stat_field "$s0" gc0)))
        items=$(($(stat_field "$s1" tp_work_items) - $(stat_field "$s0" tp_work_items)))
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rate" "$status" "$requests" "$ticks" "$ctx" "$alloc" "$gen0" "$items" "$user"
}

for spec in "${SERVER_LIST[@]}"; do
    if is_dotnet "$spec"; then
        if ((WARMUP > 0)); then
            log "warm-up $spec: hello http1 ${WARMUP}s, hello h2c ${h2_warmup}s"
            measure warmup hello http1 "$spec" "$WARMUP" >/dev/null
            measure warmup hello h2c "$spec" "$h2_warmup" >/dev/null
        fi
    elif ((WARMUP > 0)); then
        log "warm-up $spec: hello http1 5s"
        measure warmup hello http1 "$spec" 5 >/dev/null
    fi
done

if ((WORKLOAD_WARMUP > 0)); then
    log "per-workload warm-up: ${WORKLOAD_WARMUP}s each"
    for workload in "${WORKLOAD_LIST[@]}"; do
        for proto in "${PROTOCOL_LIST[@]}"; do
            for spec in "${SERVER_LIST[@]}"; do
                serves "$spec" "$proto" && measure warmup "$workload" "$proto" "$spec" "$WORKLOAD_WARMUP" >/dev/null
            done
        done
    done
fi

SAMPLES="$RUN_DIR/samples.tsv"
printf 'round\tworkload\tprotocol\tserver\treq_s\tstatus\trequests\tcpu_ticks\tctx_switches\talloc_bytes\tgen0\ttp_work_items\tuser_ticks\n' >"$SAMPLES"
n=${#SERVER_LIST[@]}
for round in $(seq "$ROUNDS"); do
    order=()
    for k in $(seq 0 $((n - 1))); do
        order+=("${SERVER_LIST[$(((k + round - 1) % n))]}")
    done
    for workload in "${WORKLOAD_LIST[@]}"; do
        for proto in "${PROTOCOL_LIST[@]}"; do
            line="round $round/$ROUNDS $workload $proto:"
            for spec in "${order[@]}"; do
                serves "$spec" "$proto" || continue
                tail="$(measure "round$round" "$workload" "$proto" "$spec" "$DURATION")"
                printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$workload" "$proto" "$spec" "$tail" >>"$SAMPLES"
                line+=" $spec $(printf '%.0f' "${tail%%$'\t'*}")"
                status="$(cut -f2 <<<"$tail")"
                [[ "$status" == ok ]] || line+=" ($status)"
            done
            log "$line"
        done
    done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

cleanup

# ---------------------------------------------------------------- report
commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty=""
[[ -n "$(git -C "$ROOT" status --porcelain -- src bench 2>/dev/null)" ]] && dirty=" (with uncommitted changes)"
cpu_model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
{
    echo "- run: $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$commit\`$dirty"
    echo "- machine: $CPUS CPUs ($cpu_model), $(uname -sr), .NET SDK $(dotnet --version); load average before $LOAD_BEFORE, after $LOAD_AFTER"
    echo "- servers pinned to CPU ${PIN_SERVER:-any}, load generator to CPU ${PIN_CLIENT:-any}; HTTP/1.1 \`wrk -t1 -c$WRK_CONNECTIONS\`, h2c \`h2load -t1 -c$H2_CLIENTS -m$H2_STREAMS\`"
    echo "- warm-up ${WARMUP}s HTTP/1.1 + ${h2_warmup}s h2c hello per C# server (uvicorn 5 s), ${WORKLOAD_WARMUP}s per workload; $ROUNDS rounds of ${DURATION}s, server order rotating"
    for spec in "${SERVER_LIST[@]}"; do
        echo "- \`$spec\`: $(grep '^ready' "$RUN_DIR/server-$spec.log" | cut -d' ' -f2- | sed -E 's/ (http1|h2c|stats)=[0-9]+//g')"
    done
} >"$RUN_DIR/header.md"
"$PYTHON" "$ROOT/bench/report.py" "$SAMPLES" "$RUN_DIR/header.md" "$FAILURES_FILE" "$(basename "$RUN_DIR")" >"$RUN_DIR/report.md"
cp "$RUN_DIR/report.md" "$RESULTS/latest.md"
sed -n '/^## Against raw/,/^## Per-request/p' "$RUN_DIR/report.md" | sed '$d' >&2
log "wrote $RESULTS/latest.md (tool output in $RUN_DIR)"

FAILURES="$(wc -l <"$FAILURES_FILE")"
if ((FAILURES > 0)); then
    log "$FAILURES load runs (warm-ups included) had failed requests: see FAILED lines above"
    exit 1
fi
