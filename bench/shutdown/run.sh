#!/usr/bin/env bash
# Issue 12.2: SIGTERM to a process holding 1,000 WebSockets and 100 SSE streams (half of each over HTTP/2).
# Prints exit code, time to exit, the clients' close-code histogram, clean SSE ends and the lifespan shutdown.
# Counts: SHUTDOWN_WEBSOCKETS (1000), SHUTDOWN_SSE (100), SHUTDOWN_HTTP2_SHARE (0.5). Loopback only; ends by itself.
set -euo pipefail
cd "$(dirname "$0")"
ulimit -n 65536 2>/dev/null || true   # ~2,200 sockets across the two processes
dotnet build -c Release -v quiet -nologo >/dev/null
exec dotnet bin/Release/net10.0/ShutdownBench.dll run
