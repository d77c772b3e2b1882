#!/usr/bin/env bash
# Listing a 100,000-entry folder on vsftpd, side by side in one run:
#   - `curl` fetching the LIST (the reference)
#   - `wharf ls` (headless, same engine)             target ≤ 1.3 × curl
#   - the wharf TUI until its first screen of the folder  target ≤ 1.5 × curl,
#     with its peak memory (target < 48 MiB) and idle CPU
# Needs the interop servers (scripts/interop-servers.sh start) and root for
# the one-time bench tree. Prints the figures and the ratios.
# PROFILE=profiling benches the build with symbols (for perf) instead of
# the stripped release build users install.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS=${RUNS:-10}
PROFILE=${PROFILE:-release}
WHARF=target/$PROFILE/wharf
bash scripts/interop-servers.sh start >/dev/null
bash scripts/interop-servers.sh bench-tree >/dev/null
cargo build --profile "$PROFILE" --locked --quiet
command -v hyperfine >/dev/null || apt-get install -y hyperfine >/dev/null

URL=${URL:-ftp://wharftest:wharfpass@127.0.0.1:2121/big/}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

hyperfine --style none --warmup 2 --runs "$RUNS" --export-json "$out/ls.json" \
    -n curl "curl -s '$URL' -o /dev/null" \
    -n "wharf ls" "$WHARF ls '$URL' >/dev/null"
python3 scripts/bench_first_screen.py "$WHARF" "$URL" file_000001.dat "$RUNS" >"$out/tui.json"

python3 - "$out/ls.json" "$out/tui.json" <<'PY'
import json, sys, statistics
ls = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
tui = json.load(open(sys.argv[2]))
curl = statistics.median(ls["curl"]["times"])
wls = statistics.median(ls["wharf ls"]["times"])
first = tui["first_screen_s_median"]
print(f"curl LIST of 100,000 entries   median {curl:.3f} s")
print(f"wharf ls                       median {wls:.3f} s   ratio {wls / curl:.2f} x curl (target <= 1.30)")
print(f"wharf TUI first screen         median {first:.3f} s   ratio {first / curl:.2f} x curl (target <= 1.50)")
print(f"wharf TUI peak resident memory {tui['peak_rss_mib']} MiB (target < 48)")
print(f"wharf TUI idle CPU             {tui['idle_cpu_percent']} %")
PY
