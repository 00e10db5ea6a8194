#!/usr/bin/env bash
# AsgiBridge load benchmark: raw Kestrel (app.Run) vs the same app through app.UseAsgi, side by side.
#
#   bench/run.sh                          # defaults: WARMUP=30 DURATION=10 ROUNDS=5 (about 13 minutes)
#   DURATION=3 WARMUP=5 ROUNDS=1 bench/run.sh   # smoke run (about 1.5 minutes)
#
# Environment (all optional):
#   DURATION          seconds of each measured run (default 10)
#   WARMUP            seconds of the initial HTTP/1.1 hello warm-up of each server (default 30; h2c gets half of it)
#   WORKLOAD_WARMUP   seconds of the per-workload warm-up before the first round (default 5)
#   ROUNDS            paired rounds (default 5)
#   SERVER_CPU        CPU the two servers are pinned to (default 1)
#   CLIENT_CPU        CPU wrk/h2load are pinned to (default 0)
#   WRK_CONNECTIONS   wrk connections (default 64; wrk -t1)
#   H2_CLIENTS        h2load connections (default 8; h2load -t1)
#   H2_STREAMS        h2load concurrent streams per connection (default 8)
#   PORT_BASE         first of four consecutive loopback ports (default 18081)
#
# Method: both servers run at once, pinned to SERVER_CPU, the load generator to CLIENT_CPU. Each server is warmed up
# (tiered JIT/PGO needs ~20-30 s under load on one core), then every round measures each workload x protocol cell on
# raw and asgi back to back (order alternating by round), so slow host drift hits both alike. The table reports the
# median req/s of each side and the median of the per-round asgi/raw ratios. Every run is checked for failed
# requests (wrk: non-2xx/3xx and socket errors; h2load: failed/errored/timeout and non-2xx); any failure is flagged
# and makes the script exit with status 1. Results are also written to bench/results/latest.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-30}"
WORKLOAD_WARMUP="${WORKLOAD_WARMUP:-5}"
ROUNDS="${ROUNDS:-5}"
SERVER_CPU="${SERVER_CPU:-1}"
CLIENT_CPU="${CLIENT_CPU:-0}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-64}"
H2_CLIENTS="${H2_CLIENTS:-8}"
H2_STREAMS="${H2_STREAMS:-8}"
PORT_BASE="${PORT_BASE:-18081}"
TARGET_RATIO="0.95"

RESULTS="$ROOT/bench/results"
RUN_DIR="$RESULTS/run-$(date -u +%Y%m%dT%H%M%SZ)"
SERVER_PROJECT="$ROOT/bench/AsgiBridge.Benchmarks.Server"
SERVER_DLL="$SERVER_PROJECT/bin/Release/net10.0/AsgiBridge.Benchmarks.Server.dll"

WORKLOADS=(hello 64k echo16k)
PROTOCOLS=(http1 h2c)
MODES=(raw asgi)

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 2; }
have() { command -v "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------- tools
install_tools() {
    local missing=()
    have wrk || missing+=(wrk)
    have h2load || missing+=(nghttp2-client)
    have taskset || missing+=(util-linux)
    have curl || missing+=(curl)
    if ((${#missing[@]} == 0)); then
        return
    fi

    local sudo=""
    if [[ "$(id -u)" -ne 0 ]]; then
        have sudo || die "need root or sudo to install: ${missing[*]}"
        sudo="sudo"
    fi

    log "installing ${missing[*]} with apt-get"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${missing[@]}"
}

# ---------------------------------------------------------------- servers
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_of() { # mode protocol
    local offset=0
    [[ "$1" == asgi ]] && offset=2
    [[ "$2" == h2c ]] && offset=$((offset + 1))
    echo $((PORT_BASE + offset))
}

pin() { # cpu, command...
    local cpu="$1"
    shift
    if [[ -n "$cpu" ]]; then
        taskset -c "$cpu" "$@"
    else
        "$@"
    fi
}

start_server() { # mode
    local mode="$1" h1 h2
    h1="$(port_of "$mode" http1)"
    h2="$(port_of "$mode" h2c)"
    for port in "$h1" "$h2"; do
        if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
            die "port $port is already in use (set PORT_BASE)"
        fi
    done

    local cmd=(dotnet "$SERVER_DLL" "$mode" "$h1" "$h2")
    [[ -n "$PIN_SERVER" ]] && cmd=(taskset -c "$PIN_SERVER" "${cmd[@]}")
    env -u ASPNETCORE_URLS -u ASPNETCORE_HTTP_PORTS -u ASPNETCORE_ENVIRONMENT "${cmd[@]}" >"$RUN_DIR/server-$mode.log" 2>&1 &
    PIDS+=($!)
    local pid=$!
    for _ in $(seq 150); do
        if ! kill -0 "$pid" 2>/dev/null; then
            cat "$RUN_DIR/server-$mode.log" >&2
            die "$mode server exited during startup"
        fi
        if grep -q '^ready' "$RUN_DIR/server-$mode.log"; then
            log "$(grep '^ready' "$RUN_DIR/server-$mode.log") pid=$pid"
            return
        fi
        sleep 0.2
    done
    die "$mode server did not start within 30 s"
}

# Checks that each server answers each workload correctly (body bytes and length) on both protocols.
verify_servers() {
    local mode proto port flag got
    for mode in "${MODES[@]}"; do
        for proto in "${PROTOCOLS[@]}"; do
            port="$(port_of "$mode" "$proto")"
            flag=()
            [[ "$proto" == h2c ]] && flag=(--http2-prior-knowledge)
            got="$(curl -sf "${flag[@]}" "http://127.0.0.1:$port/")" || die "$mode $proto hello failed"
            [[ "$got" == "Hello, world!" ]] || die "$mode $proto hello returned '$got'"
            got="$(curl -sf "${flag[@]}" -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port/64k")" || die "$mode $proto /64k failed"
            [[ "$got" == 65536 ]] || die "$mode $proto /64k returned $got bytes"
            curl -sf "${flag[@]}" -H 'content-type: application/octet-stream' --data-binary "@$BODY_FILE" \
                -o "$RUN_DIR/echo-check.bin" "http://127.0.0.1:$port/echo" || die "$mode $proto /echo failed"
            cmp -s "$BODY_FILE" "$RUN_DIR/echo-check.bin" || die "$mode $proto /echo did not echo the body"
        done
    done
    log "responses verified: hello, 64k and echo16k on HTTP/1.1 and h2c, raw and asgi"
}

# ---------------------------------------------------------------- load
path_of() { # workload
    case "$1" in
        hello) echo / ;;
        64k) echo /64k ;;
        echo16k) echo /echo ;;
    esac
}

# Runs one load test; prints "<req/s> <ok|FAIL:reason>". Output of the tool is kept in $4.
run_load() { # workload protocol port seconds outfile
    local workload="$1" proto="$2" port="$3" seconds="$4" out="$5"
    local url="http://127.0.0.1:$port$(path_of "$workload")"
    local cmd
    if [[ "$proto" == http1 ]]; then
        cmd=(wrk -t1 "-c$WRK_CONNECTIONS" "-d${seconds}s")
        [[ "$workload" == echo16k ]] && cmd+=(-s "$LUA_FILE")
    else
        cmd=(h2load -t1 "-c$H2_CLIENTS" "-m$H2_STREAMS" -D "$seconds")
        [[ "$workload" == echo16k ]] && cmd+=(-d "$BODY_FILE" -H 'content-type: application/octet-stream')
    fi
    cmd+=("$url")
    if [[ -n "$PIN_CLIENT" ]]; then
        cmd=(taskset -c "$PIN_CLIENT" "${cmd[@]}")
    fi
    "${cmd[@]}" >"$out" 2>&1 || true
    if [[ "$proto" == http1 ]]; then
        parse_wrk "$out"
    else
        parse_h2load "$out"
    fi
}

parse_wrk() {
    awk '
        /^Requests\/sec:/ { rate = $2 }
        / requests in / { total = $1 }
        /Non-2xx or 3xx responses:/ { non2xx = $NF }
        /Socket errors:/ { gsub(/,/, ""); sock = $4 + $6 + $8 + $10 }
        END {
            status = "ok"
            if (rate == "" || total + 0 == 0) status = "FAIL:no-requests"
            else if (non2xx + 0 > 0) status = "FAIL:" non2xx "-non-2xx"
            else if (sock + 0 > 0) status = "FAIL:" sock "-socket-errors"
            printf "%s %s\n", (rate == "" ? 0 : rate), status
        }' "$1"
}

parse_h2load() {
    awk '
        /^finished in/ { rate = $4 }
        /^requests:/ { succeeded = $8; failed = $10; errored = $12; timeout = $14 }
        /^status codes:/ { other = $5 + $7 + $9 }
        END {
            status = "ok"
            if (rate == "" || succeeded + 0 == 0) status = "FAIL:no-requests"
            else if (failed + errored + timeout > 0) status = "FAIL:" failed "-failed-" errored "-errored-" timeout "-timeout"
            else if (other + 0 > 0) status = "FAIL:" other "-non-2xx"
            printf "%s %s\n", (rate == "" ? 0 : rate), status
        }' "$1"
}

# Warm-up or measurement: runs one cell on one server; failures are appended to $FAILURES_FILE (this runs in subshells).
measure() { # label workload protocol mode seconds
    local label="$1" workload="$2" proto="$3" mode="$4" seconds="$5"
    local out="$RUN_DIR/$label-$workload-$proto-$mode.txt" result rate status
    result="$(run_load "$workload" "$proto" "$(port_of "$mode" "$proto")" "$seconds" "$out")"
    rate="${result%% *}"
    status="${result#* }"
    if [[ "$status" != ok ]]; then
        echo "$label $workload $proto $mode $status" >>"$FAILURES_FILE"
        log "FAILED $label $workload $proto $mode: $status (see $out)"
    fi
    echo "$rate $status"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ---------------------------------------------------------------- main
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer"
for value in "$DURATION" "$WARMUP" "$WORKLOAD_WARMUP"; do
    [[ "$value" =~ ^[0-9]+$ ]] || die "DURATION, WARMUP and WORKLOAD_WARMUP are whole seconds"
done
((DURATION > 0)) || die "DURATION must be at least 1"

have dotnet || die "the .NET 10 SDK (dotnet) is required"
install_tools

CPUS="$(nproc)"
PIN_SERVER="$SERVER_CPU"
PIN_CLIENT="$CLIENT_CPU"
if ((CPUS < 2)); then
    log "warning: only $CPUS CPU: not pinning; server and load generator share the CPU"
    PIN_SERVER=""
    PIN_CLIENT=""
fi

mkdir -p "$RUN_DIR"
BODY_FILE="$RUN_DIR/body16k.bin"
LUA_FILE="$RUN_DIR/post16k.lua"
FAILURES_FILE="$RUN_DIR/failures.txt"
: >"$FAILURES_FILE"
head -c 16384 /dev/zero | tr '\0' 'a' >"$BODY_FILE"
cat >"$LUA_FILE" <<'LUA'
wrk.method = "POST"
wrk.body = string.rep("a", 16384)
wrk.headers["Content-Type"] = "application/octet-stream"
LUA

log "building the benchmark server (Release)"
DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build "$SERVER_PROJECT" -c Release -nologo -v q >"$RUN_DIR/build.log" 2>&1 \
    || { cat "$RUN_DIR/build.log" >&2; die "build failed"; }

cells=$(( ${#WORKLOADS[@]} * ${#PROTOCOLS[@]} ))
h2_warmup=$(( (WARMUP + 1) / 2 ))
estimate=$(( 2 * (WARMUP + h2_warmup) + 2 * cells * WORKLOAD_WARMUP + 2 * cells * ROUNDS * DURATION ))
log "plan: warm-up ${WARMUP}s http1 + ${h2_warmup}s h2c per server, ${WORKLOAD_WARMUP}s per workload, $ROUNDS rounds x $cells cells x 2 servers x ${DURATION}s (about $(( estimate / 60 + 1 )) min)"
log "load: http1 = wrk -t1 -c$WRK_CONNECTIONS; h2c = h2load -t1 -c$H2_CLIENTS -m$H2_STREAMS; servers on CPU ${PIN_SERVER:-any}, client on CPU ${PIN_CLIENT:-any}"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

for mode in "${MODES[@]}"; do
    start_server "$mode"
done
verify_servers

for mode in "${MODES[@]}"; do
    if ((WARMUP > 0)); then
        log "warm-up $mode: hello http1 ${WARMUP}s, hello h2c ${h2_warmup}s"
        measure warmup hello http1 "$mode" "$WARMUP" >/dev/null
        measure warmup hello h2c "$mode" "$h2_warmup" >/dev/null
    fi
done

if ((WORKLOAD_WARMUP > 0)); then
    log "per-workload warm-up: ${WORKLOAD_WARMUP}s each"
    for workload in "${WORKLOADS[@]}"; do
        for proto in "${PROTOCOLS[@]}"; do
            for mode in "${MODES[@]}"; do
                measure warmup "$workload" "$proto" "$mode" "$WORKLOAD_WARMUP" >/dev/null
            done
        done
    done
fi

SAMPLES="$RUN_DIR/samples.tsv" # round workload protocol mode req/s status
: >"$SAMPLES"
for round in $(seq "$ROUNDS"); do
    order=("${MODES[@]}")
    ((round % 2 == 0)) && order=(asgi raw)
    for workload in "${WORKLOADS[@]}"; do
        for proto in "${PROTOCOLS[@]}"; do
            line="round $round/$ROUNDS $workload $proto:"
            for mode in "${order[@]}"; do
                read -r rate status < <(measure "round$round" "$workload" "$proto" "$mode" "$DURATION")
                printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$workload" "$proto" "$mode" "$rate" "$status" >>"$SAMPLES"
                line+=" $mode $(printf '%.0f' "$rate")"
                [[ "$status" == ok ]] || line+=" ($status)"
            done
            log "$line"
        done
    done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

cleanup

# ---------------------------------------------------------------- report
table="$RUN_DIR/table.tsv"
: >"$table"
for workload in "${WORKLOADS[@]}"; do
    for proto in "${PROTOCOLS[@]}"; do
        cell() { awk -F'\t' -v w="$workload" -v p="$proto" -v m="$1" '$2 == w && $3 == p && $4 == m { print $5 }' "$SAMPLES"; }
        raw_median="$(cell raw | median)"
        asgi_median="$(cell asgi | median)"
        ratios="$(awk -F'\t' -v w="$workload" -v p="$proto" '
            $2 == w && $3 == p { rate[$1, $4] = $5; rounds[$1] = 1 }
            END { for (r in rounds) if (rate[r, "raw"] > 0) printf "%d %.3f\n", r, rate[r, "asgi"] / rate[r, "raw"] }' "$SAMPLES" | sort -n | awk '{ print $2 }')"
        ratio_median="$(printf '%s\n' "$ratios" | median)"
        failed="$(awk -F'\t' -v w="$workload" -v p="$proto" '$2 == w && $3 == p && $6 != "ok" { n++ } END { print n + 0 }' "$SAMPLES")"
        status="ok"
        ((failed > 0)) && status="FAILED ($failed runs)"
        target="yes"
        awk -v r="$ratio_median" -v t="$TARGET_RATIO" 'BEGIN { exit !(r < t) }' && target="no"
        printf '%s\t%s\t%.0f\t%.0f\t%.3f\t%s\t%s\t%s\n' "$workload" "$proto" "$raw_median" "$asgi_median" "$ratio_median" \
            "$target" "$(printf '%s' "$ratios" | tr '\n' ' ')" "$status" >>"$table"
    done
done

printf '\n%-8s %-6s %14s %14s %11s %8s  %s\n' workload proto "raw req/s" "asgi req/s" "asgi/raw" ">=0.95" status
while IFS=$'\t' read -r workload proto raw asgi ratio target ratios status; do
    printf '%-8s %-6s %14s %14s %11s %8s  %s\n' "$workload" "$proto" "$raw" "$asgi" "${ratio}x" "$target" "$status"
done <"$table"
echo

commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty=""
[[ -n "$(git -C "$ROOT" status --porcelain -- src bench 2>/dev/null)" ]] && dirty=" (with uncommitted changes)"
cpu_model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
{
    echo "# AsgiBridge load benchmark: raw Kestrel vs UseAsgi"
    echo
    echo "- run: $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$commit\`$dirty"
    echo "- machine: $CPUS CPUs ($cpu_model), $(uname -sr), .NET $(dotnet --version) SDK; load average before $LOAD_BEFORE, after $LOAD_AFTER"
    echo "- servers pinned to CPU ${PIN_SERVER:-any}, load generator to CPU ${PIN_CLIENT:-any}; $(grep '^ready' "$RUN_DIR/server-raw.log" | cut -d' ' -f5-)"
    echo "- HTTP/1.1: \`wrk -t1 -c$WRK_CONNECTIONS\`; h2c (prior knowledge): \`h2load -t1 -c$H2_CLIENTS -m$H2_STREAMS\`"
    echo "- warm-up ${WARMUP}s HTTP/1.1 + ${h2_warmup}s h2c hello per server, ${WORKLOAD_WARMUP}s per workload; $ROUNDS paired rounds of ${DURATION}s, raw/asgi order alternating"
    echo "- req/s: median over rounds; ratio: median of the per-round asgi/raw ratios (same measurement window); target >= $TARGET_RATIO"
    echo
    echo "| workload | protocol | raw req/s | asgi req/s | asgi/raw | >= $TARGET_RATIO | per-round ratios | status |"
    echo "|---|---|---:|---:|---:|---|---|---|"
    while IFS=$'\t' read -r workload proto raw asgi ratio target ratios status; do
        echo "| $workload | $proto | $raw | $asgi | ${ratio}x | $target | ${ratios% } | $status |"
    done <"$table"
    echo
    if [[ -s "$FAILURES_FILE" ]]; then
        echo "**Runs with failed requests (warm-ups included):**"
        echo
        sed 's/^/- /' "$FAILURES_FILE"
        echo
    fi
    echo "Raw tool output: \`bench/results/$(basename "$RUN_DIR")/\`."
} >"$RESULTS/latest.md"
log "wrote $RESULTS/latest.md (tool output in $RUN_DIR)"

FAILURES="$(wc -l <"$FAILURES_FILE")"
if ((FAILURES > 0)); then
    log "$FAILURES load runs (warm-ups included) had failed requests: see FAILED lines above"
    exit 1
fi
