#!/usr/bin/env bash
# File operations, side by side in one run, against vsftpd from
# scripts/interop-servers.sh; medians of RUNS alternating runs, and ratios:
#
#   1. wharf rm -r of 500 files in 5 folders behind a 20 ms round trip
#      (wan.py, 10 ms each way, in front of a second vsftpd)
#        vs lftp -e 'rm -r …'                             target <= 0.2 x
#   2. wharf find over 2,000 files in 20 folders, same round trip
#        vs lftp -e 'find …'                              target <= 0.3 x
#   3. wharf rm -r of the 2,000-file tree on plain loopback
#        vs lftp -e 'rm -r …'                             target <= 1.0 x
#
# The servers are set up as scripts/bench-transfer.sh does (see there why
# a vsftpd of its own, and how wan.py makes the round trip). Each rm run
# deletes a fresh copy of a template tree (made once, copied as root and
# given to wharftest before each run, outside the timing).
#
#   scripts/bench-fileops.sh              # everything, RUNS=5
#   RUNS=9 ONLY="rm find loop" scripts/bench-fileops.sh
#   WHARF=path/to/wharf scripts/bench-fileops.sh    # that binary, no build
#   WAN_PORT=2151 LOOP_PORT=2152 scripts/bench-fileops.sh  # other ports
#     (passive ports: WAN_PORT's 50 from PASV_BASE, LOOP_PORT's the next 50)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
# shellcheck source=scripts/bench-lib.sh
source scripts/bench-lib.sh

RUNS=${RUNS:-5}
ONLY=${ONLY:-"rm find loop"}
WAN_PY=${WAN_PY:-$ROOT/../shared/tools/wan.py}
USERPASS=wharftest:wharfpass
WAN_PORT=${WAN_PORT:-2131}
LOOP_PORT=${LOOP_PORT:-2141}
PASV_BASE=${PASV_BASE:-31000}
LOOP=ftp://$USERPASS@127.0.0.1:$LOOP_PORT
WAN=ftp://$USERPASS@127.0.0.1:$WAN_PORT
HOME_DIR=$(getent passwd wharftest | cut -d: -f6 || echo /home/wharftest)
SCRATCH=${SCRATCH:-/dev/shm/wharf-bench-fileops}
LFTP_SET="set ftp:ssl-allow no; set net:max-retries 1;"

bench_setup

mkdir -p "$SCRATCH"
out=$(mktemp -d)
PIDS=()
cleanup() {
    local p
    for p in ${PIDS[@]+"${PIDS[@]}"}; do kill "$p" 2>/dev/null || true; done
    rm -rf "$SCRATCH" "$out" "$HOME_DIR"/bench/rm-run-*
}
trap cleanup EXIT

mkdir -p "$HOME_DIR/bench"
chown wharftest: "$HOME_DIR/bench"
make_tree "$HOME_DIR/bench/t500" 5 100
make_tree "$HOME_DIR/bench/t2000" 20 100

# copy_tree TEMPLATE NAME: a fresh copy to delete, owned by wharftest.
copy_tree() {
    rm -rf "$HOME_DIR/bench/$2"
    cp -a "$HOME_DIR/bench/$1" "$HOME_DIR/bench/$2"
    chown -R wharftest: "$HOME_DIR/bench/$2"
}

# gone NAME: the copy was deleted whole.
gone() {
    [[ ! -e $HOME_DIR/bench/$1 ]] || { log "bench/$1 is still there"; exit 1; }
}

if want rm || want find; then
    start_vsftpd vsftpd wan-fileops 127.0.0.2 "$WAN_PORT" "$PASV_BASE" $((PASV_BASE + 49)) \
        pasv_address=127.0.0.1
    python3 "$WAN_PY" --listen 127.0.0.1 --target 127.0.0.2 \
        --ports "$WAN_PORT,$PASV_BASE-$((PASV_BASE + 49))" \
        --delay-ms 10 >"$out/wan.log" 2>&1 &
    PIDS+=($!)
    wait_for "$WAN"
fi
if want loop; then
    start_vsftpd vsftpd bench-fileops 127.0.0.1 "$LOOP_PORT" $((PASV_BASE + 50)) $((PASV_BASE + 99))
    wait_for "$LOOP"
fi

if want rm; then
    log "rm -r of 500 files in 5 folders behind a 20 ms round trip, $RUNS runs each"
    for ((i = 0; i < RUNS; i++)); do
        for who in $(first_of "$i" wharf lftp); do
            copy_tree t500 rm-run-$who
            if [[ $who == wharf ]]; then
                time_run rm-wharf "$WHARF" rm -r "$WAN/bench/rm-run-wharf"
            else
                time_run rm-lftp lftp -e "$LFTP_SET rm -r bench/rm-run-lftp; bye" "$WAN"
            fi
            gone rm-run-$who
        done
    done
fi

if want find; then
    log "find over 2,000 files in 20 folders behind a 20 ms round trip, $RUNS runs each"
    for ((i = 0; i < RUNS; i++)); do
        for who in $(first_of "$i" wharf lftp); do
            if [[ $who == wharf ]]; then
                time_run find-wharf sh -c "'$WHARF' find '$WAN/bench/t2000' >'$out/found'"
            else
                time_run find-lftp sh -c "lftp -e '$LFTP_SET find bench/t2000; bye' '$WAN' >'$out/found'"
            fi
            n=$(grep -c '\.bin$' "$out/found" || true)
            [[ $n -eq 2000 ]] || { log "$who find printed $n files, want 2000"; exit 1; }
        done
    done
fi

if want loop; then
    log "rm -r of 2,000 files in 20 folders on loopback, $RUNS runs each"
    for ((i = 0; i < RUNS; i++)); do
        for who in $(first_of "$i" wharf lftp); do
            copy_tree t2000 rm-run-$who
            if [[ $who == wharf ]]; then
                time_run loop-wharf "$WHARF" rm -r "$LOOP/bench/rm-run-wharf"
            else
                time_run loop-lftp lftp -e "$LFTP_SET rm -r bench/rm-run-lftp; bye" "$LOOP"
            fi
            gone rm-run-$who
        done
    done
fi

PYTHONPATH=scripts python3 - "$out/times" "$RUNS" <<'PY'
from bench_report import *
print(f"medians of {sys.argv[2]} runs")
if "rm-wharf" in rows:
    print("rm -r, 500 files x 4 KiB, 5 folders, 20 ms round trip")
    show("wharf rm -r (-j 4)", "rm-wharf"); show("lftp rm -r", "rm-lftp")
    ratio("wall, wharf / lftp", "rm-wharf", "rm-lftp", 0, 0.2)
if "find-wharf" in rows:
    print("find, 2,000 files, 20 folders, 20 ms round trip")
    show("wharf find (-j 4)", "find-wharf"); show("lftp find", "find-lftp")
    ratio("wall, wharf / lftp", "find-wharf", "find-lftp", 0, 0.3)
if "loop-wharf" in rows:
    print("rm -r, 2,000 files x 4 KiB, 20 folders, loopback")
    show("wharf rm -r (-j 4)", "loop-wharf"); show("lftp rm -r", "loop-lftp")
    ratio("wall, wharf / lftp", "loop-wharf", "loop-lftp", 0, 1.0)
PY
