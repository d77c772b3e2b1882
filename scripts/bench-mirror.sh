#!/usr/bin/env bash
# Mirroring, side by side in one run, against a vsftpd of its own behind a
# 20 ms round trip (wan.py, 10 ms each way), as scripts/bench-fileops.sh
# sets it up; medians of RUNS alternating runs, and ratios:
#
#   1. wharf mirror of the 2,000-file tree (20 folders of 100 x 4 KiB) to
#      an empty local folder
#        vs lftp -e 'mirror --parallel=4 …'                target <= 0.5 x
#   2. the same mirror again, nothing changed (wharf must say "in sync")
#        vs lftp's second run                               target <= 0.5 x
#   3. ten files changed on the server, then the mirror: wharf's protocol
#      log must show exactly ten RETRs (checked once, then timed like 2.)
#
# Both clients write to tmpfs (/dev/shm): the disk is not what is measured.
# wharf keeps its sync record in a data folder of its own (WHARF_DATA_DIR).
#
#   scripts/bench-mirror.sh                 # everything, RUNS=5
#   RUNS=9 ONLY="first again changed" scripts/bench-mirror.sh
#   WHARF=path/to/wharf scripts/bench-mirror.sh     # that binary, no build
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
# shellcheck source=scripts/bench-lib.sh
source scripts/bench-lib.sh

RUNS=${RUNS:-5}
ONLY=${ONLY:-"first again changed"}
WAN_PY=${WAN_PY:-$ROOT/../shared/tools/wan.py}
USERPASS=wharftest:wharfpass
WAN_PORT=${WAN_PORT:-2133}
PASV_BASE=${PASV_BASE:-31200}
WAN=ftp://$USERPASS@127.0.0.1:$WAN_PORT
HOME_DIR=$(getent passwd wharftest | cut -d: -f6 || echo /home/wharftest)
SCRATCH=${SCRATCH:-/dev/shm/wharf-bench-mirror}
LFTP_SET="set ftp:ssl-allow no; set net:max-retries 1;"

bench_setup

out=$(mktemp -d)
PIDS=()
cleanup() {
    local p
    for p in ${PIDS[@]+"${PIDS[@]}"}; do kill "$p" 2>/dev/null || true; done
    rm -rf "$SCRATCH" "$out" "$HOME_DIR/bench/mirror-src"
}
trap cleanup EXIT
mkdir -p "$SCRATCH"
export WHARF_DATA_DIR=$SCRATCH/data

mkdir -p "$HOME_DIR/bench"
chown wharftest: "$HOME_DIR/bench"
make_tree "$HOME_DIR/bench/t2000" 20 100
# The source of every run: a copy, so changing ten files leaves the
# template alone.
rm -rf "$HOME_DIR/bench/mirror-src"
cp -a "$HOME_DIR/bench/t2000" "$HOME_DIR/bench/mirror-src"
chown -R wharftest: "$HOME_DIR/bench/mirror-src"

start_vsftpd vsftpd wan-mirror 127.0.0.2 "$WAN_PORT" "$PASV_BASE" $((PASV_BASE + 49)) \
    pasv_address=127.0.0.1
python3 "$WAN_PY" --listen 127.0.0.1 --target 127.0.0.2 \
    --ports "$WAN_PORT,$PASV_BASE-$((PASV_BASE + 49))" \
    --delay-ms 10 >"$out/wan.log" 2>&1 &
PIDS+=($!)
wait_for "$WAN"

SRC=$WAN/bench/mirror-src
# mirror WHO [NAME]: WHO's mirror into $SCRATCH/WHO, timed as NAME if given.
mirror() {
    local cmd
    if [[ $1 == wharf ]]; then
        cmd=("$WHARF" mirror ${VERBOSE:+-v} -j 4 "$SRC" "$SCRATCH/wharf")
    else
        cmd=(lftp -e "$LFTP_SET mirror --parallel=4 bench/mirror-src '$SCRATCH/lftp'; bye" "$WAN")
    fi
    if [[ -n ${2:-} ]]; then
        time_run "$2" "${cmd[@]}"
    else
        "${cmd[@]}" >/dev/null 2>"$out/err"
    fi
}

# retrs: how many files wharf's last run fetched (its protocol log, with
# VERBOSE=1).
retrs() { grep -c '^> .*RETR ' "$out/err" || true; }

# Each pair starts from empty targets (outside the timing).
for ((i = 0; i < RUNS; i++)); do
    rm -rf "$SCRATCH/wharf" "$SCRATCH/lftp" "$WHARF_DATA_DIR"
    for who in $(first_of "$i" wharf lftp); do
        if want first; then mirror "$who" "first-$who"; else mirror "$who"; fi
        check_tree "$SCRATCH/$who" 2000
    done
    if want again; then
        for who in $(first_of "$i" wharf lftp); do
            mirror "$who" "again-$who"
            if [[ $who == wharf ]] && ! grep -q '^in sync' "$out/err"; then
                log "wharf's second run did not say in sync:"; cat "$out/err" >&2; exit 1
            fi
        done
    fi
done

if want changed; then
    log "ten files changed on the server, then one mirror each"
    for f in $(find "$HOME_DIR/bench/mirror-src" -type f | sort | awk 'NR % 200 == 1'); do
        head -c 5000 /dev/urandom >"$f"
    done
    chown -R wharftest: "$HOME_DIR/bench/mirror-src"
    for who in wharf lftp; do
        VERBOSE=1 mirror "$who" "changed-$who"
        if [[ $who == wharf ]]; then
            [[ $(retrs) -eq 10 ]] || { log "wharf fetched $(retrs) files, want 10"; exit 1; }
            log "wharf fetched exactly the ten changed files"
        fi
    done
    for who in wharf lftp; do
        diff -r "$HOME_DIR/bench/mirror-src" "$SCRATCH/$who" >/dev/null \
            || { log "$who's copy differs from the source"; exit 1; }
    done
fi

PYTHONPATH=scripts python3 - "$out/times" "$RUNS" <<'PY'
from bench_report import *
print(f"medians of {sys.argv[2]} runs; 2,000 files x 4 KiB in 20 folders, 20 ms round trip, into tmpfs")
if "first-wharf" in rows:
    print("mirror to an empty folder")
    show("wharf mirror -j 4", "first-wharf"); show("lftp mirror --parallel=4", "first-lftp")
    ratio("wall, wharf / lftp", "first-wharf", "first-lftp", 0, 0.5)
if "again-wharf" in rows:
    print("the same mirror again, nothing changed")
    show("wharf mirror -j 4", "again-wharf"); show("lftp mirror --parallel=4", "again-lftp")
    ratio("wall, wharf / lftp", "again-wharf", "again-lftp", 0, 0.5)
if "changed-wharf" in rows:
    print("after ten files changed (one run each)")
    show("wharf mirror -j 4", "changed-wharf"); show("lftp mirror --parallel=4", "changed-lftp")
PY
