#!/usr/bin/env bash
# Where the time goes: per-request syscalls, read/write sizes, context switches and wake-ups, CPU per thread,
# allocation, GCs and thread-pool work items, and a sampled CPU profile, for each server on each cell.
#
#   bench/profile.sh                                   # defaults below, about 12 minutes
#   SERVERS="raw asgi" CELLS="echo16k:http1" WARMUP=10 bench/profile.sh
#
# Environment (all optional):
#   SERVERS         server specs as in run.sh (default "raw asgi uvicorn")
#   CELLS           workload:protocol list (default "hello:http1 64k:http1 echo16k:http1 hello:h2c echo16k:h2c")
#   WARMUP          seconds of HTTP/1.1 + h2c hello warm-up per C# server before anything is counted (default 30)
#   COUNT_SECONDS   seconds of the counted load run per cell (default 5): perf stat tracepoints + /proc + counters
#   STRACE_SECONDS  seconds traced with strace for read/write sizes (default 2; 0 skips). strace slows the server
#                   down, which changes batching: use its sizes, take the counts from perf stat
#   PERF_SECONDS    seconds of perf record -g sampling per cell (default 4; 0 skips). The C# servers then run with
#                   DOTNET_PerfMapEnabled=1 and DOTNET_EnableWriteXorExecute=0 so JIT-compiled frames have names
#   ALLOC_TYPES     1 (default): the C# servers sample allocations by type (--alloc-types); 0: off
#   SERVER_CPU, CLIENT_CPU, WRK_CONNECTIONS, H2_CLIENTS, H2_STREAMS, PORT_BASE (default 18181), INSTALL_TOOLS
#
# The counted run is not perturbed: perf stat counts kernel tracepoints (syscalls:sys_enter_*, sched:*) for the
# server process only, with negligible overhead. Output: bench/results/profile-<time>/profile.md (+ raw files).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WARMUP="${WARMUP:-30}"
COUNT_SECONDS="${COUNT_SECONDS:-5}"
STRACE_SECONDS="${STRACE_SECONDS:-2}"
PERF_SECONDS="${PERF_SECONDS:-4}"
SERVER_CPU="${SERVER_CPU:-1}"
CLIENT_CPU="${CLIENT_CPU:-0}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-64}"
H2_CLIENTS="${H2_CLIENTS:-8}"
H2_STREAMS="${H2_STREAMS:-8}"
PORT_BASE="${PORT_BASE:-18181}"
read -r -a SERVER_LIST <<<"${SERVERS:-raw asgi uvicorn}"
read -r -a CELL_LIST <<<"${CELLS:-hello:http1 64k:http1 echo16k:http1 hello:h2c echo16k:h2c}"

RESULTS="$ROOT/bench/results"
RUN_DIR="${RUN_DIR:-$RESULTS/profile-$(date -u +%Y%m%dT%H%M%SZ)}"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

extra=(perf)
((STRACE_SECONDS > 0)) && extra+=(strace)
for spec in "${SERVER_LIST[@]}"; do
    [[ "$(spec_app "$spec")" == uvicorn ]] && extra+=(python)
done
require_tools "${extra[@]}"
perf stat -e 'syscalls:sys_enter_read' -- true >/dev/null 2>&1 || die "perf cannot count syscall tracepoints here (perf_event_paranoid / tracefs)"

PIN_SERVER="$SERVER_CPU"
PIN_CLIENT="$CLIENT_CPU"
[[ "${ALLOC_TYPES:-1}" == 1 ]] && EXTRA_SERVER_ARGS=(--alloc-types)
mkdir -p "$RUN_DIR"
write_load_files
build_server

EVENTS="raw_syscalls:sys_enter"
for sc in read write readv writev recvfrom sendto recvmsg sendmsg epoll_wait epoll_pwait epoll_ctl futex sched_yield \
    mprotect madvise membarrier clock_gettime getrusage; do
    EVENTS+=",syscalls:sys_enter_$sc"
done
EVENTS+=",sched:sched_switch,sched:sched_wakeup,cpu-migrations,page-faults"

# CPU ticks per thread name (/proc/PID/task/*/stat: comm and utime+stime), "name ticks" lines.
thread_ticks() { # pid
    local task
    for task in /proc/"$1"/task/*; do
        # comm may contain spaces: take the text between the parentheses, then fields after it.
        sed -E 's/^[0-9]+ \((.*)\) (.*)$/\1\t\2/' "$task/stat" 2>/dev/null | awk -F'\t' '{ split($2, f, " "); print $1 "\t" f[12] + f[13] }'
    done | sed -E 's/[0-9]+\t/\t/; s/ +\t/\t/' | awk -F'\t' '{ t[$1] += $2 } END { for (n in t) print n "\t" t[n] }'
}

strace_sizes() { "$PYTHON" "$ROOT/bench/strace_sizes.py" "$1"; }

REPORT="$RUN_DIR/profile.md"
{
    echo "# Where the time goes (bench/profile.sh)"
    echo
    echo "- run: $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)\`; load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- server on CPU $SERVER_CPU, load on CPU $CLIENT_CPU; wrk -t1 -c$WRK_CONNECTIONS; h2load -t1 -c$H2_CLIENTS -m$H2_STREAMS; ${COUNT_SECONDS}s counted per cell after ${WARMUP}s warm-up"
    echo "- per-request figures divide the server process's counts (perf stat tracepoints, /proc, counters endpoint) by the requests the load generator completed"
    echo
} >"$REPORT"

for i in "${!SERVER_LIST[@]}"; do
    spec="${SERVER_LIST[$i]}"
    # Perf maps name JIT-compiled frames; with W^X on, perf attributes them to memfd:doublemapper instead.
    if ((PERF_SECONDS > 0)); then export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0; fi
    start_server "$spec" "$i"
    unset DOTNET_PerfMapEnabled DOTNET_EnableWriteXorExecute
    pid="$SERVER_PID"
    h1="$(port_h1 "$i")"
    h2="$(port_h2 "$i")"
    if is_dotnet "$spec" && ((WARMUP > 0)); then
        log "warm-up $spec: ${WARMUP}s http1 + $((WARMUP / 2))s h2c hello"
        run_load hello http1 "$h1" "$WARMUP" "$RUN_DIR/warmup-$spec-h1.txt" >/dev/null
        run_load hello h2c "$h2" "$((WARMUP / 2))" "$RUN_DIR/warmup-$spec-h2.txt" >/dev/null
    fi

    for cell in "${CELL_LIST[@]}"; do
        workload="${cell%%:*}"
        proto="${cell#*:}"
        [[ "$proto" == h2c ]] && ! is_dotnet "$spec" && continue
        port="$([[ "$proto" == h2c ]] && echo "$h2" || echo "$h1")"
        tag="$spec-$workload-$proto"
        log "profiling $tag"
        run_load "$workload" "$proto" "$port" 3 "$RUN_DIR/warm-$tag.txt" >/dev/null # per-workload warm-up

        # 1. counted run: perf stat on the server process while the load runs.
        st=""
        is_dotnet "$spec" && st="$(port_stats "$i")"
        s0=""; [[ -n "$st" ]] && { server_stats_all "$st" >"$RUN_DIR/stats0-$tag.txt"; s0="$(head -1 "$RUN_DIR/stats0-$tag.txt")"; }
        p0="$(proc_counters "$pid")"
        thread_ticks "$pid" >"$RUN_DIR/threads0-$tag.tsv"
        perf stat -x, -e "$EVENTS" -p "$pid" -o "$RUN_DIR/perfstat-$tag.csv" -- sleep "$((COUNT_SECONDS + 1))" &
        perf_pid=$!
        sleep 0.5
        read -r rate status requests < <(run_load "$workload" "$proto" "$port" "$COUNT_SECONDS" "$RUN_DIR/count-$tag.txt")
        wait "$perf_pid" || true
        p1="$(proc_counters "$pid")"
        thread_ticks "$pid" >"$RUN_DIR/threads1-$tag.tsv"
        s1=""; [[ -n "$st" ]] && { server_stats_all "$st" >"$RUN_DIR/stats1-$tag.txt"; s1="$(head -1 "$RUN_DIR/stats1-$tag.txt")"; }
        [[ "$status" == ok ]] || log "warning: $tag counted run: $status"

        # 2. read/write sizes under strace.
        if ((STRACE_SECONDS > 0)); then
            timeout -s INT "$((STRACE_SECONDS + 1))" strace -f -qq -p "$pid" -o "$RUN_DIR/strace-$tag.txt" \
                -e trace=read,write,readv,writev,recvfrom,sendto,recvmsg,sendmsg -e signal=none 2>/dev/null &
            strace_pid=$!
            sleep 0.5
            run_load "$workload" "$proto" "$port" "$STRACE_SECONDS" "$RUN_DIR/strace-load-$tag.txt" >/dev/null
            wait "$strace_pid" 2>/dev/null || true
        fi

        # 3. sampled CPU profile.
        if ((PERF_SECONDS > 0)); then
            perf record -q -F 999 -g -p "$pid" -o "$RUN_DIR/perf-$tag.data" -- sleep "$((PERF_SECONDS + 1))" 2>/dev/null &
            rec_pid=$!
            sleep 0.5
            run_load "$workload" "$proto" "$port" "$PERF_SECONDS" "$RUN_DIR/perf-load-$tag.txt" >/dev/null
            wait "$rec_pid" 2>/dev/null || true
            perf report -i "$RUN_DIR/perf-$tag.data" --no-children --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -12 >"$RUN_DIR/perf-dso-$tag.txt" || true
            perf report -i "$RUN_DIR/perf-$tag.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -40 >"$RUN_DIR/perf-sym-$tag.txt" || true
        fi

        # ---- summary
        {
            echo "## $spec, $workload, $proto"
            echo
            read -r t0 c0 _ <<<"$p0"
            read -r t1 c1 _ <<<"$p1"
            ticks=$((t1 - t0))
            ctx=$((c1 - c0))
            awk -v n="$requests" -v r="$rate" -v t="$ticks" -v c="$ctx" -v hz="$(getconf CLK_TCK)" 'BEGIN {
                printf "%.0f req/s over %d requests (busy machine: indicative only); server CPU %.1f µs/req; context switches %.2f/req\n\n", r, n, t * 1e6 / hz / n, c / n }'
            if [[ -n "$s0" && -n "$s1" ]]; then
                awk -v n="$requests" -v a="$(($(stat_field "$s1" alloc_bytes) - $(stat_field "$s0" alloc_bytes)))" \
                    -v g0="$(($(stat_field "$s1" gc0) - $(stat_field "$s0" gc0)))" -v g1="$(($(stat_field "$s1" gc1) - $(stat_field "$s0" gc1)))" \
                    -v tp="$(($(stat_field "$s1" tp_work_items) - $(stat_field "$s0" tp_work_items)))" \
                    -v lc="$(($(stat_field "$s1" lock_contentions) - $(stat_field "$s0" lock_contentions)))" \
                    -v th="$(stat_field "$s1" tp_threads)" 'BEGIN {
                    printf "Runtime: %.0f B allocated/req, %.1f gen0 and %.1f gen1 GCs per 100k req, %.2f thread-pool work items/req, %d lock contentions, %d thread-pool threads\n\n", a / n, g0 * 1e5 / n, g1 * 1e5 / n, tp / n, lc, th }'
            fi
            if [[ -n "$s1" ]] && grep -q '^alloc_type' "$RUN_DIR/stats1-$tag.txt"; then
                echo "Allocations by type during the counted run (GCAllocationTick samples, one per ~100 KB; B/req estimated from the sampled bytes):"
                echo
                echo "| type | samples | share of top 10 | ≈ B/req |"
                echo "|---|---:|---:|---:|"
                awk -v n="$requests" '
                    FNR == NR { if ($1 == "alloc_type") { t0[$4] = $2; b0[$4] = $3 } next }
                    $1 == "alloc_type" { d = $2 - t0[$4]; if (d > 0) { dt[$4] = d; db[$4] = $3 - b0[$4]; total += d } }
                    END { for (k in dt) printf "%d\t%d\t%s\n", dt[k], db[k], k }' "$RUN_DIR/stats0-$tag.txt" "$RUN_DIR/stats1-$tag.txt" |
                    sort -nr | head -10 | awk -F'\t' -v n="$requests" '{ s += $1; row[NR] = $0 } END { for (i = 1; i <= NR; i++) { split(row[i], f, "\t"); printf "| `%s` | %d | %.0f%% | %.0f |\n", f[3], f[1], 100 * f[1] / s, f[2] / n } }'
                echo
            fi
            echo "| event | per request |"
            echo "|---|---:|"
            awk -F, -v n="$requests" '$1 ~ /^[0-9]+$/ && $1 > 0 { sub(/^syscalls:sys_enter_/, "", $3); sub(/^raw_syscalls:sys_enter/, "all syscalls", $3); printf "| %s | %.2f |\n", $3, $1 / n }' \
                "$RUN_DIR/perfstat-$tag.csv"
            echo
            echo "CPU by thread (share of the process's CPU time during the counted run):"
            echo
            join -t $'\t' -a 2 -e 0 -o '0,1.2,2.2' <(sort "$RUN_DIR/threads0-$tag.tsv") <(sort "$RUN_DIR/threads1-$tag.tsv") |
                awk -F'\t' '{ d = $3 - $2; if (d > 0) { t[$1] = d; s += d } } END { for (k in t) printf "%s\t%.0f%%\n", k, 100 * t[k] / s }' | sort -t $'\t' -k2 -nr | head -6 |
                awk -F'\t' '{ printf "- `%s`: %s\n", $1, $2 }'
            echo
            if ((STRACE_SECONDS > 0)) && [[ -s "$RUN_DIR/strace-$tag.txt" ]]; then
                echo "Sizes under strace (${STRACE_SECONDS}s; bytes returned per successful call):"
                echo
                echo "| syscall | calls | EAGAIN | mean B | p50 | p90 | max |"
                echo "|---|---:|---:|---:|---:|---:|---:|"
                strace_sizes "$RUN_DIR/strace-$tag.txt"
                echo
            fi
            if [[ -s "$RUN_DIR/perf-dso-$tag.txt" ]]; then
                echo "CPU samples by module (perf, ${PERF_SECONDS}s):"
                echo
                echo '```'
                head -8 "$RUN_DIR/perf-dso-$tag.txt"
                echo '```'
                echo
                echo "Top symbols:"
                echo
                echo '```'
                head -25 "$RUN_DIR/perf-sym-$tag.txt" | cut -c1-150
                echo '```'
                echo
            fi
        } >>"$REPORT"
    done
    kill -TERM "$pid" 2>/dev/null || true
    cleanup
done

log "wrote $REPORT"
