#!/usr/bin/env bash
# Hosting settings one at a time: for each profile P, one bench/run.sh window with raw, asgi, raw@P and asgi@P, so
# every setting is judged against the same servers without it, on raw Kestrel and on the bridge alike.
#
#   bench/recipe.sh                                   # all profiles below: long (about 10 min per profile)
#   RECIPE_PROFILES="inline nowait" ROUNDS=3 bench/recipe.sh
#   bench/recipe.sh --summarize bench/results/recipe-<time>   # rebuild recipe.md from the run directories
#
# Environment: RECIPE_PROFILES (default below), and everything run.sh takes; defaults here: WORKLOADS="hello 64k
# echo16k", PROTOCOLS="http1 h2c", ROUNDS=3, DURATION=5, WARMUP=30, WORKLOAD_WARMUP=3.
# Output: bench/results/recipe-<time>/recipe.md (the "with / without" table of every profile) and one run dir each.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
read -r -a LIST <<<"${RECIPE_PROFILES:-recipe recipebig inline inlinesched inlinecomp ioq0 nowait nohostdiag bigblocks nospin minthreads gcserver gcnonconc gen0big nopgo notiered nor2r}"
export WORKLOADS="${WORKLOADS:-hello 64k echo16k}" PROTOCOLS="${PROTOCOLS:-http1 h2c}" ROUNDS="${ROUNDS:-3}" \
    DURATION="${DURATION:-5}" WARMUP="${WARMUP:-30}" WORKLOAD_WARMUP="${WORKLOAD_WARMUP:-3}"
# Appends one profile's tables from its run.sh report to recipe.md.
summarize() { # run_dir profile
    local run_dir="$1" profile="$2" report="$1/report.md"
    {
        echo "## $profile"
        echo
        grep "^- \`raw@$profile\`" "$report" 2>/dev/null || true
        echo
        if [[ -s "$report" ]]; then
            awk '/^## Hosting settings/ { on = 1; next } on && /^\|/ { print; seen = 1; next } on && seen { exit }' "$report"
            echo
            echo "Per-request costs: CPU µs (indicative), context switches, allocated B, gen0 GCs per 100k, thread-pool items:"
            echo
            awk '/^## Per-request costs/ { on = 1; next } /^## / { on = 0 } on && /^\|/' "$report"
        else
            echo "(no report: run.sh failed, see $run_dir)"
        fi
        echo
    } >>"$OUT/recipe.md"
}

header() {
    {
        echo "# Hosting settings, one window each (bench/recipe.sh)"
        echo
        echo "Each table: the server with the setting over the same server without it, per-round ratios (median, min–max)."
        echo "$ROUNDS rounds of ${DURATION}s after ${WARMUP}s warm-up; workloads $WORKLOADS on $PROTOCOLS."
        echo
    } >"$OUT/recipe.md"
}

# bench/recipe.sh --summarize DIR rebuilds DIR/recipe.md from the run directories already in DIR.
if [[ "${1:-}" == --summarize ]]; then
    OUT="$(cd "$2" && pwd)"
    header
    for run_dir in "$OUT"/*/; do
        summarize "${run_dir%/}" "$(basename "$run_dir")"
    done
    echo "[recipe] wrote $OUT/recipe.md" >&2
    exit 0
fi

OUT="$ROOT/bench/results/recipe-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
header
status=0
for profile in "${LIST[@]}"; do
    run_dir="$OUT/$profile"
    echo "[recipe] $profile" >&2
    if ! RUN_DIR="$run_dir" SERVERS="raw asgi raw@$profile asgi@$profile" RECIPE="" "$ROOT/bench/run.sh"; then
        status=1
        echo "[recipe] $profile: run.sh failed (see $run_dir)" >&2
    fi
    summarize "$run_dir" "$profile"
done
echo "[recipe] wrote $OUT/recipe.md" >&2
exit $status
