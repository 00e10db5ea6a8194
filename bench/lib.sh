# Shared by bench/run.sh, bench/profile.sh and bench/recipe.sh: tools, server specs and recipe profiles, servers,
# load generators and their output parsers. Source it after setting ROOT, RUN_DIR and the PORT_BASE/CPU variables.
# shellcheck shell=bash

PYTHON="${PYTHON:-/usr/bin/python3}" # Debian's python: a python3 earlier on PATH may lack uvicorn/httptools/uvloop
SERVER_PROJECT="$ROOT/bench/AsgiBridge.Benchmarks.Server"
SERVER_DLL="$SERVER_PROJECT/bin/Release/net10.0/AsgiBridge.Benchmarks.Server.dll"
PY_APP_DIR="$ROOT/bench/python"

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() {
    log "error: $*"
    exit 2
}
have() { command -v "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------- tools
# Checks every tool; installs Debian packages for missing ones unless INSTALL_TOOLS=0, then fails loudly if any is
# still missing. Arguments: extra needs among: python strace perf.
require_tools() {
    local need_python=0 need_strace=0 need_perf=0 arg
    for arg in "$@"; do
        case "$arg" in
            python) need_python=1 ;;
            strace) need_strace=1 ;;
            perf) need_perf=1 ;;
        esac
    done

    check_missing() {
        MISSING=()
        have dotnet || MISSING+=(dotnet-sdk)
        have wrk || MISSING+=(wrk)
        have h2load || MISSING+=(nghttp2-client)
        have taskset || MISSING+=(util-linux)
        have curl || MISSING+=(curl)
        if ((need_python)); then
            [[ -x "$PYTHON" ]] || MISSING+=(python3)
            "$PYTHON" -c 'import uvicorn' 2>/dev/null || MISSING+=(python3-uvicorn)
            "$PYTHON" -c 'import httptools' 2>/dev/null || MISSING+=(python3-httptools)
            "$PYTHON" -c 'import uvloop' 2>/dev/null || MISSING+=(python3-uvloop)
            "$PYTHON" -c 'import websockets' 2>/dev/null || MISSING+=(python3-websockets)
        fi
        ((need_strace)) && { have strace || MISSING+=(strace); }
        ((need_perf)) && { have perf || MISSING+=(linux-perf); }
        return 0
    }

    check_missing
    ((${#MISSING[@]} == 0)) && return 0
    local installable=("${MISSING[@]/dotnet-sdk/}")
    if [[ "${INSTALL_TOOLS:-1}" == 1 && " ${MISSING[*]} " != *" dotnet-sdk "* ]]; then
        local sudo=""
        if [[ "$(id -u)" -ne 0 ]]; then
            have sudo || die "missing: ${MISSING[*]}; need root or sudo to install them"
            sudo="sudo"
        fi
        log "installing ${installable[*]} with apt-get"
        $sudo apt-get update >&2 || true
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${installable[@]}" >&2 || true
        check_missing
    fi
    ((${#MISSING[@]} == 0)) || die "missing tools: ${MISSING[*]} (Debian packages; the .NET 10 SDK for dotnet). Python: $PYTHON"
}

build_server() {
    log "building the benchmark server (Release)"
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build "$SERVER_PROJECT" -c Release -nologo -v q >"$RUN_DIR/build.log" 2>&1 \
        || { cat "$RUN_DIR/build.log" >&2; die "build failed"; }
}

# ---------------------------------------------------------------- server specs and recipe profiles
# A server spec is APP or APP@PROFILE. APP: raw | raw-complete | asgi | asgi-user | asgi-dict (the C# server's modes)
# | uvicorn.
# PROFILE names one hosting setting (or the recommended recipe) applied to a C# server; see bench/README.md.
spec_app() { echo "${1%%@*}"; }
spec_profile() { [[ "$1" == *@* ]] && echo "${1#*@}" || echo ""; }
is_dotnet() { [[ "$(spec_app "$1")" != uvicorn ]]; }

# The hosting recipe (bench/README.md, "Hosting recipe"): settings that are safe for every ASGI app. "recipe" is
# settings only; "recipebig" adds the larger transport blocks, which need code (a memory pool) and cost memory.
RECIPE_ARGS=(--no-hosting-diagnostics)
RECIPE_ENV=(DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0)

# Sets P_ARGS (server switches) and P_ENV (NAME=value runtime variables) for a profile.
profile_settings() {
    P_ARGS=()
    P_ENV=()
    case "$1" in
        "") ;;
        recipe) P_ARGS=("${RECIPE_ARGS[@]}"); P_ENV=("${RECIPE_ENV[@]}") ;;
        recipebig) P_ARGS=("${RECIPE_ARGS[@]}" --pool-block 65536); P_ENV=("${RECIPE_ENV[@]}") ;;
        inline) P_ARGS=(--inline-scheduling); P_ENV=(DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1) ;;
        inlinesched) P_ARGS=(--inline-scheduling) ;;
        inlinecomp) P_ENV=(DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1) ;;
        ioq0) P_ARGS=(--ioqueues 0) ;;
        nowait) P_ARGS=(--wait-for-data false) ;;
        minthreads) P_ARGS=(--min-threads 8) ;;
        recipemax) P_ARGS=("${RECIPE_ARGS[@]}" --pool-block 65536 --max-response-buffer 1048576); P_ENV=("${RECIPE_ENV[@]}") ;;
        pooled) P_ARGS=(--pooled-bodies) ;; # AsgiOptions.RequestBodyBuffers = Pooled: no per-request body array (asgi only; changes the chunk lifetime)
        recipepooled) P_ARGS=("${RECIPE_ARGS[@]}" --pool-block 65536 --max-response-buffer 1048576 --pooled-bodies); P_ENV=("${RECIPE_ENV[@]}") ;; # recipemax + pooled
        bigresp) P_ARGS=(--max-response-buffer 1048576) ;; # experiment: a 64 KiB response fits Kestrel's response buffer, so its write does not wait
        bigblocks) P_ARGS=(--pool-block 65536) ;; # experiment: 64 KiB pool blocks, so one recv takes a whole 16 KiB body
        nohostdiag) P_ARGS=(--no-hosting-diagnostics) ;; # no per-request Activity + log scope from hosting
        nospin) P_ENV=(DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0) ;; # idle workers sleep at once instead of spinning
        gcserver) P_ENV=(DOTNET_gcServer=1) ;;
        gcnonconc) P_ENV=(DOTNET_gcConcurrent=0) ;;
        gen0big) P_ENV=(DOTNET_GCgen0size=0x4000000) ;; # 64 MiB gen0 budget (hex)
        nopgo) P_ENV=(DOTNET_TieredPGO=0) ;;
        notiered) P_ENV=(DOTNET_TieredCompilation=0) ;;
        nor2r) P_ENV=(DOTNET_ReadyToRun=0) ;;
        *) die "unknown profile '$1' (see PROFILES in bench/lib.sh)" ;;
    esac
}
PROFILES="recipe recipebig recipemax recipepooled pooled bigresp inline inlinesched inlinecomp ioq0 nowait minthreads nohostdiag bigblocks nospin gcserver gcnonconc gen0big nopgo notiered nor2r"

# Ports of the server at index $1 in the server list: HTTP/1.1, h2c, stats.
port_h1() { echo $((PORT_BASE + 3 * $1)); }
port_h2() { echo $((PORT_BASE + 3 * $1 + 1)); }
port_stats() { echo $((PORT_BASE + 3 * $1 + 2)); }

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
        kill -INT "$pid" 2>/dev/null || true
        sleep 0.2
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    PIDS=()
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

server_cpus() { echo "${PIN_SERVER:-0-$(($(nproc) - 1))}"; }

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

EXTRA_SERVER_ARGS=() # more switches for every C# server (profile.sh: --alloc-types)

# Starts the server of spec $1 at index $2; sets SERVER_PID. The log goes to $RUN_DIR/server-<spec>.log.
start_server() { # spec index
    local spec="$1" index="$2" app profile logf h1 h2 st
    app="$(spec_app "$spec")"
    profile="$(spec_profile "$spec")"
    logf="$RUN_DIR/server-$spec.log"
    h1="$(port_h1 "$index")"
    h2="$(port_h2 "$index")"
    st="$(port_stats "$index")"
    for port in "$h1" "$h2" "$st"; do
        port_free "$port" || die "port $port is already in use (set PORT_BASE)"
    done

    if [[ "$app" == uvicorn ]]; then
        [[ -z "$profile" ]] || die "profiles apply to the C# servers only: $spec"
        (cd "$PY_APP_DIR" && exec env -u PYTHONPATH taskset -c "$(server_cpus)" "$PYTHON" -m uvicorn asgi_app:app --app-dir "$PY_APP_DIR" \
            --host 127.0.0.1 --port "$h1" --loop uvloop --http httptools --no-access-log --log-level warning \
            --workers 1 --lifespan off) >"$logf" 2>&1 &
        SERVER_PID=$!
        PIDS+=("$SERVER_PID")
        for _ in $(seq 100); do
            kill -0 "$SERVER_PID" 2>/dev/null || { cat "$logf" >&2; die "uvicorn exited during startup"; }
            if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$h1/"; then
                local version
                version="$("$PYTHON" -c 'import uvicorn, httptools, uvloop; print(f"uvicorn={uvicorn.__version__} httptools={httptools.__version__} uvloop={uvloop.__version__}")')"
                echo "ready mode=uvicorn http1=$h1 $version python=$("$PYTHON" -c 'import sys; print(sys.version.split()[0])')" >>"$logf"
                log "ready $spec ($version) pid=$SERVER_PID"
                return
            fi
            sleep 0.2
        done
        die "uvicorn did not start within 20 s"
    fi

    profile_settings "$profile"
    env -u ASPNETCORE_URLS -u ASPNETCORE_HTTP_PORTS -u ASPNETCORE_ENVIRONMENT "${P_ENV[@]}" \
        taskset -c "$(server_cpus)" dotnet "$SERVER_DLL" "$app" "$h1" "$h2" --stats-port "$st" "${P_ARGS[@]}" "${EXTRA_SERVER_ARGS[@]}" \
        >"$logf" 2>&1 &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    for _ in $(seq 150); do
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$logf" >&2; die "$spec server exited during startup"; }
        if grep -q '^ready' "$logf"; then
            log "$(grep '^ready' "$logf") pid=$SERVER_PID"
            return
        fi
        sleep 0.2
    done
    die "$spec server did not start within 30 s"
}

# Checks one server's answers on one protocol: body bytes and length.
verify_server() { # spec index protocol
    local spec="$1" port flag=() got
    port="$( [[ "$3" == h2c ]] && port_h2 "$2" || port_h1 "$2")"
    [[ "$3" == h2c ]] && flag=(--http2-prior-knowledge)
    got="$(curl -sf "${flag[@]}" "http://127.0.0.1:$port/")" || die "$spec $3 hello failed"
    [[ "$got" == "Hello, world!" ]] || die "$spec $3 hello returned '$got'"
    got="$(curl -sf "${flag[@]}" -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port/64k")" || die "$spec $3 /64k failed"
    [[ "$got" == 65536 ]] || die "$spec $3 /64k returned $got bytes"
    curl -sf "${flag[@]}" -H 'content-type: application/octet-stream' --data-binary "@$BODY_FILE" \
        -o "$RUN_DIR/echo-check.bin" "http://127.0.0.1:$port/echo" || die "$spec $3 /echo failed"
    cmp -s "$BODY_FILE" "$RUN_DIR/echo-check.bin" || die "$spec $3 /echo did not echo the body"
    got="$(curl -sf "${flag[@]}" -D - -o /dev/null "http://127.0.0.1:$port/" | tr -d '\r' | grep -ci '^content-length: 13$' || true)"
    [[ "$got" == 1 ]] || die "$spec $3 hello has no Content-Length: 13 (chunked responses would not compare)"
}

# ---------------------------------------------------------------- load
# Request files: a 16 KiB body, the wrk POST script, the 10 browser headers (wrk script and h2load -H list).
write_load_files() {
    BODY_FILE="$RUN_DIR/body16k.bin"
    LUA_POST="$RUN_DIR/post16k.lua"
    LUA_HEADERS="$RUN_DIR/headers.lua"
    head -c 16384 /dev/zero | tr '\0' 'a' >"$BODY_FILE"
    cat >"$LUA_POST" <<'LUA'
wrk.method = "POST"
wrk.body = string.rep("a", 16384)
wrk.headers["Content-Type"] = "application/octet-stream"
LUA
    BROWSER_HEADERS=(
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
        "Accept-Language: en-US,en;q=0.9"
        "Accept-Encoding: gzip, deflate, br"
        "Cache-Control: no-cache"
        "Pragma: no-cache"
        "Cookie: session=3f9a1c2e7b4d4e0f8a6b; theme=dark; _ga=GA1.1.1234567890.1700000000"
        "Referer: http://127.0.0.1/index.html"
        "X-Request-Id: 7c9e6679-7425-40de-944b-e07fc1f90ae7"
        "Upgrade-Insecure-Requests: 1"
    )
    {
        local header
        for header in "${BROWSER_HEADERS[@]}"; do
            printf 'wrk.headers["%s"] = "%s"\n' "${header%%: *}" "${header#*: }"
        done
    } >"$LUA_HEADERS"
}

path_of() { # workload
    case "$1" in
        hello | hellohdrs) echo / ;;
        64k) echo /64k ;;
        echo16k) echo /echo ;;
        *) die "unknown workload '$1'" ;;
    esac
}

# Runs one load test against a port; prints "<req/s> <ok|FAIL:reason> <requests>". Tool output goes to $5.
run_load() { # workload protocol port seconds outfile
    local workload="$1" proto="$2" port="$3" seconds="$4" out="$5"
    local url="http://127.0.0.1:$port$(path_of "$workload")"
    local cmd
    if [[ "$proto" == http1 ]]; then
        cmd=(wrk -t1 "-c$WRK_CONNECTIONS" "-d${seconds}s")
        [[ "$workload" == echo16k ]] && cmd+=(-s "$LUA_POST")
        [[ "$workload" == hellohdrs ]] && cmd+=(-s "$LUA_HEADERS")
    else
        cmd=(h2load -t1 "-c$H2_CLIENTS" "-m$H2_STREAMS" -D "$seconds")
        [[ "$workload" == echo16k ]] && cmd+=(-d "$BODY_FILE" -H 'content-type: application/octet-stream')
        if [[ "$workload" == hellohdrs ]]; then
            local header
            for header in "${BROWSER_HEADERS[@]}"; do
                cmd+=(-H "$header")
            done
        fi
    fi
    cmd+=("$url")
    pin "$PIN_CLIENT" "${cmd[@]}" >"$out" 2>&1 || true
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
            printf "%s %s %d\n", (rate == "" ? 0 : rate), status, total
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
            printf "%s %s %d\n", (rate == "" ? 0 : rate), status, succeeded
        }' "$1"
}

# ---------------------------------------------------------------- per-process counters
# CPU ticks (utime+stime, all threads), context switches (voluntary+involuntary, all threads) and user-mode CPU ticks
# (utime) of a process. The server's own code runs in user mode; the kernel's share moves most with the VM's scheduling.
proc_counters() { # pid -> "ticks ctxsw user_ticks"
    local pid="$1" ticks ctx
    ticks="$(awk '{ print $14 + $15, $14 }' "/proc/$pid/stat" 2>/dev/null || echo 0 0)"
    ctx="$(cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n + 0 }')"
    echo "${ticks% *} $ctx ${ticks#* }"
}

# All lines of the C# server's counters endpoint (the first has the counters; with --alloc-types, alloc_type lines follow).
server_stats_all() { # stats-port
    if exec 3<>"/dev/tcp/127.0.0.1/$1"; then
        timeout 2 cat <&3 || true
        exec 3<&-
    fi 2>/dev/null
}

# One line of the C# server's runtime counters (empty for uvicorn or when unreachable).
server_stats() { # stats-port
    local line=""
    if exec 3<>"/dev/tcp/127.0.0.1/$1"; then
        line="$(timeout 2 cat <&3 | head -1 || true)"
        exec 3<&-
    fi 2>/dev/null
    echo "$line"
}

stat_field() { # line key
    local value
    value="$(tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2 }')"
    echo "${value:-0}"
}
