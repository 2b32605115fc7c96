#!/usr/bin/env bash
# Check-cycle benchmark: `tracker check` beside urlwatch (and changedetection.io) on the shared corpus.
#
#   bash bench/run.sh                          # REPS=3, N=100 and 500, 0/50 ms, conditional GET off/on
#   REPS=5 NS=500 WITH_CD=1 bash bench/run.sh  # also changedetection.io (slow: ~20 s a cycle at N=500)
#
# It uses ../shared/bench as it is (corpus_server.py, bench.py: called by path, nothing copied): one
# corpus server per N on a free loopback port, tools interleaved A B A B, three cycles per repetition
# (baseline, mutation, idle), each a whole process timed by /usr/bin/time -v. Results go to
# bench/results/<UTC stamp>/ (gitignored): cycles.jsonl, RESULTS.md (the harness's tables), logs, env.txt.
#
# How tracker is plugged in: per repetition, the harness's --setup-cmd writes config.toml in the fresh
# state directory (database there, [fetch] and [slack] below) and `tracker watch import "$BENCH_URLS_JSON"
# --only` adds the N pages (list pages and documents: DocumentParser over the harness's selector; feeds:
# FeedParser; alert policy "all"; built-in regulators disabled). Each cycle is
# `tracker check --config $BENCH_STATE_DIR/config.toml` with SLACK_WEBHOOK_URL pointing at the corpus
# server's fake incoming webhook: what tracker reports is what its real alerting path posted
# (--changed-from slack), each alert naming the watched URL.
#
# Knobs (environment, defaults in brackets):
#   REPS [3]  NS ["100 500"]  LATENCIES [0,50]  CONDITIONAL [0,1]  FRACTION [0.05]  SEED [42]
#   WITH_CD [0]                 also measure changedetection.io 0.60.10 (batch mode)
#   PER_HOST_CONCURRENCY [10]   tracker's connections to the one corpus host (urlwatch: 10 threads)
#   PER_HOST_DELAY [0]          tracker's pause between requests to one host (default config: 1 s)
#   RESPECT_ROBOTS [true]       the corpus answers /robots.txt with 404 = everything allowed
#   SLACK_INTERVAL [0]          [slack].per_channel_interval; real Slack webhooks take ~1 message/s
#   TRACKER [repo .venv/bin/tracker]  VENVS [~/.cache/peer-bench/venvs]  PYTHON [python3]
#   PEER_BENCH [repo/../shared/bench]  NETNS [auto]: measure inside `unshare -n` (loopback only) if root
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
export PEER_BENCH=${PEER_BENCH:-$(cd "$REPO/../shared/bench" && pwd)}
export VENVS=${VENVS:-${HOME}/.cache/peer-bench/venvs} PYTHON=${PYTHON:-python3}
export TRACKER=${TRACKER:-$REPO/.venv/bin/tracker}
export REPS=${REPS:-3} NS=${NS:-"100 500"} LATENCIES=${LATENCIES:-0,50} CONDITIONAL=${CONDITIONAL:-0,1}
export FRACTION=${FRACTION:-0.05} SEED=${SEED:-42} WITH_CD=${WITH_CD:-0} NETNS=${NETNS:-auto}
export PER_HOST_CONCURRENCY=${PER_HOST_CONCURRENCY:-10} PER_HOST_DELAY=${PER_HOST_DELAY:-0}
export RESPECT_ROBOTS=${RESPECT_ROBOTS:-true} SLACK_INTERVAL=${SLACK_INTERVAL:-0}
export URLWATCH_VERSION=${URLWATCH_VERSION:-2.29} CD_VERSION=${CD_VERSION:-0.60.10}

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# The per-repetition setup, run by the harness in the fresh state directory (no shell: hence sh -c).
tracker_setup() {
    cat <<EOF
sh -c 'printf "%s\n" "[tracker]" "database = \"tracker.sqlite3\"" "" "[fetch]" \
"allow_private_addresses = true" "respect_robots = $RESPECT_ROBOTS" \
"per_host_concurrency = $PER_HOST_CONCURRENCY" "per_host_delay = $PER_HOST_DELAY" "max_concurrency = $PER_HOST_CONCURRENCY" "" \
"[slack]" "per_channel_interval = $SLACK_INTERVAL" "" > "\$BENCH_STATE_DIR/config.toml" \
&& exec "$TRACKER" watch import "\$BENCH_URLS_JSON" --only --out "\$BENCH_STATE_DIR/config.toml"'
EOF
}

measure() {  # phase 2, possibly inside the network namespace
    local out=$1
    if [ "${BENCH_IN_NETNS:-0}" = 1 ]; then ip link set lo up; fi
    local tools=(--tool "urlwatch=$VENVS/urlwatch/bin/urlwatch")
    if [ "$WITH_CD" = 1 ]; then tools+=(--tool "changedetection=$VENVS/changedetection/bin/changedetection.io"); fi
    # sh -c: the config path is in the environment the harness gives each cycle
    tools+=(--tool "cmd:tracker=sh -c 'SLACK_WEBHOOK_URL=\$BENCH_SLACK_URL exec $TRACKER check --config \$BENCH_STATE_DIR/config.toml'"
            --setup-cmd "$(tracker_setup)" --changed-from slack)
    SERVER_PID=""
    trap 'if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi' EXIT
    for n in $NS; do
        local pf="$out/server-$n.port"
        log "corpus server n=$n"
        "$PYTHON" "$PEER_BENCH/corpus_server.py" --host 127.0.0.1 --port 0 --port-file "$pf" --n "$n" \
            --fraction "$FRACTION" --seed "$SEED" 2>"$out/server-$n.log" &
        SERVER_PID=$!
        for _ in $(seq 1 300); do [ -s "$pf" ] && break; kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        [ -s "$pf" ] || { log "server did not start"; cat "$out/server-$n.log" >&2; exit 1; }
        "$PYTHON" "$PEER_BENCH/bench.py" run --base-url "http://127.0.0.1:$(cat "$pf")" "${tools[@]}" \
            --reps "$REPS" --latency "$LATENCIES" --conditional "$CONDITIONAL" --out "$out/cycles.jsonl" \
            --workdir "$out/work" 2>&1 | tee -a "$out/cycles.log" >&2
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    done
}

if [ "${1:-}" = "__measure" ]; then
    measure "$2"
    exit 0
fi

[ -x "$TRACKER" ] || { log "no tracker at $TRACKER (make the venv: python3.11 -m venv .venv && .venv/bin/pip install -e .)"; exit 1; }
mkvenv() {  # name, requirement
    local name=$1 req=$2
    [ -x "$VENVS/$name/bin/python" ] || "$PYTHON" -m venv "$VENVS/$name"
    if [ "$("$VENVS/$name/bin/python" -m pip show "${req%%==*}" 2>/dev/null | sed -n 's/^Version: //p')" != "${req##*==}" ]; then
        log "pip install $req into $VENVS/$name"
        "$VENVS/$name/bin/python" -m pip install -q "$req"
    fi
}
# Like the peers (pip compiles what it installs) and like the wheel in the Docker image, tracker runs from
# compiled bytecode: an editable install under PYTHONDONTWRITEBYTECODE=1 would compile its ~45 modules in
# every cycle (~50 ms of CPU each time). The .pyc files land in __pycache__/ (gitignored).
"$(dirname "$TRACKER")/python" -m compileall -q "$REPO/tracker" "$REPO/sources" >/dev/null \
    || log "compileall failed: tracker's modules will be compiled in every cycle"
mkdir -p "$VENVS"
mkvenv urlwatch "urlwatch==$URLWATCH_VERSION"
if [ "$WITH_CD" = 1 ]; then mkvenv changedetection "changedetection.io==$CD_VERSION"; fi

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$HERE/results/$STAMP"
mkdir -p "$OUT"
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "host: $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
    echo "python: $("$PYTHON" --version 2>&1); tracker's: $("$(dirname "$TRACKER")/python" --version 2>&1)"
    echo "tracker: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)$(git -C "$REPO" diff --quiet 2>/dev/null || echo '+local changes')"
    echo "urlwatch: $("$VENVS/urlwatch/bin/urlwatch" --version 2>&1)"
    [ "$WITH_CD" = 1 ] && echo "changedetection.io: $CD_VERSION"
    echo "knobs: REPS=$REPS NS='$NS' LATENCIES=$LATENCIES CONDITIONAL=$CONDITIONAL FRACTION=$FRACTION SEED=$SEED"
    echo "tracker bytecode: precompiled (compileall), PYTHONDONTWRITEBYTECODE=${PYTHONDONTWRITEBYTECODE:-unset}"
    echo "tracker fetch: per_host_concurrency=$PER_HOST_CONCURRENCY per_host_delay=$PER_HOST_DELAY respect_robots=$RESPECT_ROBOTS; slack per_channel_interval=$SLACK_INTERVAL"
} >"$OUT/env.txt"
log "results go to $OUT"

if [ "$NETNS" = 1 ] || { [ "$NETNS" = auto ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null \
    && command -v ip >/dev/null && unshare -n true 2>/dev/null; }; then
    log "measuring inside a loopback-only network namespace (unshare -n)"
    BENCH_IN_NETNS=1 unshare -n -- bash "$HERE/run.sh" __measure "$OUT"
else
    bash "$HERE/run.sh" __measure "$OUT"
fi

{
    echo "# tracker vs peers, $STAMP"
    echo
    sed 's/^/    /' "$OUT/env.txt"
    echo
    echo "## Check cycles (whole process, /usr/bin/time -v; median [min-max] over $REPS repetitions)"
    echo
    "$PYTHON" "$PEER_BENCH/bench.py" table --ref urlwatch "$OUT/cycles.jsonl"
} >"$OUT/RESULTS.md"
cat "$OUT/RESULTS.md"
log "done: $OUT/RESULTS.md"
