#!/usr/bin/env bash
# Transfers, side by side in one run, against vsftpd from
# scripts/interop-servers.sh; medians of RUNS alternating runs (each with
# its maximum beside it), and ratios:
#
#   1. one 1 GiB file on loopback (bench-tree's big.bin), into tmpfs:
#        wharf get  vs curl      wall  target <= 1.05 x, CPU (user+sys) <= 1.5 x
#        wharf put  vs curl -T   wall  target <= 1.05 x  (PUT_RUNS runs, see below)
#        wharf get peak resident memory  target <= 32 MiB
#   2. 100 files x 4 KiB in 5 folders behind a 20 ms round trip (wan.py,
#      10 ms each way, in front of a second vsftpd):
#        wharf get (defaults: 4 connections)
#          vs lftp -e 'mirror --parallel=4'                target <= 0.5 x
#   3. 2,000 files x 4 KiB in 20 folders on plain loopback:
#        wharf get  vs lftp mirror --parallel=4            target <= 0.8 x
#
# The servers: a vsftpd of its own for the bench on 127.0.0.1:2141 (same
# binary and settings as the interop one on 2121, but logging as Debian's
# default vsftpd.conf does: transfers, not every command; the interop
# server writes each command and reply to its log, which costs it CPU per
# command and so weighs on whichever client sends more of them), and a
# second one behind the round trip.
#
# How the round trip is made: wan.py listens on 127.0.0.1 and forwards each
# port to the same port on 127.0.0.2, delaying every chunk. vsftpd cannot
# listen on 127.0.0.1:2131 then, so a second vsftpd (same binary, config
# .interop/conf/vsftpd-wan.conf) listens on 127.0.0.2:2131 with its own
# passive ports 31000-31049 and pasv_address=127.0.0.1: a PASV reply
# advertises the proxy, so lftp (which uses PASV and its address) goes
# through it too; wharf and curl use EPSV and the control connection's
# address anyway. Clients connect to ftp://127.0.0.1:2131.
#
# Uploads: vsftpd writes them to its disk (ext4 here), and its close() of
# a 1 GiB file after the 226 takes 0.4-0.5 s (vsftpd truncates a new file,
# which makes ext4 allocate every delayed block on close). Both clients
# wait for it (curl's QUIT, wharf's SIZE/RNFR), and the disk makes one run
# differ from the next by +-15 %: put gets PUT_RUNS runs (3 x RUNS), and
# the server's own receive time per upload (from its log) is shown beside
# the wall times. A second put goes into a tmpfs folder on the server
# (upload-tmpfs, a symlink), which leaves the clients' share alone.
#
# Needs root (the servers, the bench trees in /home/wharftest/bench, created
# once), curl, lftp, python3. Downloads go to a tmpfs folder, deleted
# between runs; uploads go to upload/ and are deleted between runs.
#
#   scripts/bench-transfer.sh            # everything, RUNS=5
#   RUNS=9 ONLY="big wan many" scripts/bench-transfer.sh
#   ONLY=put PUT_RUNS=24 scripts/bench-transfer.sh  # the put loop alone
#   WHARF=path/to/wharf scripts/bench-transfer.sh   # that binary, no build
#   PROFILE=profiling scripts/bench-transfer.sh     # the build with symbols (perf)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
# shellcheck source=scripts/bench-lib.sh
source scripts/bench-lib.sh

RUNS=${RUNS:-5}
PUT_RUNS=${PUT_RUNS:-$((RUNS * 3))}
ONLY=${ONLY:-"big wan many"}
WAN_PY=${WAN_PY:-$ROOT/../shared/tools/wan.py}
USERPASS=wharftest:wharfpass
LOOP=ftp://$USERPASS@127.0.0.1:2141
WAN=ftp://$USERPASS@127.0.0.1:2131
HOME_DIR=$(getent passwd wharftest | cut -d: -f6 || echo /home/wharftest)
SCRATCH=${SCRATCH:-/dev/shm/wharf-bench}
# lftp without its AUTH TLS attempt (the servers have no TLS: one round trip
# lftp would lose for nothing) and without retries that hide errors.
LFTP_SET="set ftp:ssl-allow no; set net:max-retries 1;"

bench_setup

mkdir -p "$SCRATCH"
out=$(mktemp -d)
PIDS=()
cleanup() {
    local p
    for p in ${PIDS[@]+"${PIDS[@]}"}; do kill "$p" 2>/dev/null || true; done
    rm -rf "$SCRATCH" "$out"
    rm -f "$HOME_DIR/upload/bench-put.bin"
    rm -rf "$HOME_DIR/upload-tmpfs" "$SCRATCH-up"
}
trap cleanup EXIT

# ---------------------------------------------------------------- trees --

mkdir -p "$HOME_DIR/bench"
chown wharftest: "$HOME_DIR/bench"
make_tree "$HOME_DIR/bench/t100" 5 20
make_tree "$HOME_DIR/bench/t2000" 20 100

# -------------------------------------------------------------- servers --

if want big || want put || want many; then
    start_vsftpd vsftpd bench 127.0.0.1 2141 31050 31099
    wait_for "$LOOP"
fi

# --------------------------------------------------------------- timing --

if want big; then
    log "1 GiB get on loopback, $RUNS runs each"
    for ((i = 0; i < RUNS; i++)); do
        for who in $(first_of "$i" wharf curl); do
            fresh
            if [[ $who == wharf ]]; then
                time_run get-wharf "$WHARF" get -q "$LOOP/big.bin" "$SCRATCH/dl/"
            else
                time_run get-curl curl -sS -o "$SCRATCH/dl/big.bin" "$LOOP/big.bin"
            fi
            [[ $(stat -c %s "$SCRATCH/dl/big.bin") -eq 1073741824 ]] || { log "short download"; exit 1; }
        done
    done
fi

if want big || want put; then
    cp "$HOME_DIR/big.bin" "$SCRATCH/up.bin"
    # put_run NAME WHO FOLDER: one upload of up.bin into FOLDER, timed, and
    # the server's receive time for it (its log's Kbyte/sec) as NAME-server.
    put_run() {
        local name=$1 who=$2 folder=$3
        rm -f "$HOME_DIR/$folder/bench-put.bin"
        sync
        if [[ $who == wharf ]]; then
            time_run "$name-wharf" "$WHARF" put -q "$SCRATCH/up.bin" "$LOOP/$folder/bench-put.bin"
        else
            time_run "$name-curl" curl -sS -T "$SCRATCH/up.bin" "$LOOP/$folder/bench-put.bin"
        fi
        [[ $(stat -c %s "$HOME_DIR/$folder/bench-put.bin") -eq 1073741824 ]] || { log "short upload"; exit 1; }
        local rate
        rate=$(grep 'OK UPLOAD' "$ROOT/.interop/logs/vsftpd-bench.log" | tail -n 1 | sed -n 's/.*bytes, \([0-9.]*\)Kbyte.*/\1/p')
        if [[ -n $rate ]]; then
            echo "$name-$who-server $(python3 -c "print(1048576 / $rate)") 0 0 0" >>"$out/times"
        fi
    }
    log "1 GiB put on loopback, $PUT_RUNS runs each, into the server's disk and into tmpfs"
    mkdir -p "$SCRATCH-up"
    chown wharftest: "$SCRATCH-up"
    ln -sfn "$SCRATCH-up" "$HOME_DIR/upload-tmpfs"
    for ((i = 0; i < PUT_RUNS; i++)); do
        for who in $(first_of "$i" wharf curl); do
            put_run put "$who" upload
        done
        for who in $(first_of "$i" wharf curl); do
            put_run shm "$who" upload-tmpfs
        done
    done
    rm -f "$SCRATCH/up.bin" "$HOME_DIR/upload/bench-put.bin"
fi

if want wan; then
    log "100 files behind a 20 ms round trip, $RUNS runs each"
    start_vsftpd vsftpd wan 127.0.0.2 2131 31000 31049 pasv_address=127.0.0.1
    python3 "$WAN_PY" --listen 127.0.0.1 --target 127.0.0.2 --ports 2131,31000-31049 \
        --delay-ms 10 >"$out/wan.log" 2>&1 &
    PIDS+=($!)
    wait_for "$WAN"
    for ((i = 0; i < RUNS; i++)); do
        for who in $(first_of "$i" wharf lftp); do
            fresh
            if [[ $who == wharf ]]; then
                time_run wan-wharf "$WHARF" get -q "$WAN/bench/t100" "$SCRATCH/dl/t100"
            else
                time_run wan-lftp lftp -e "$LFTP_SET mirror --parallel=4 bench/t100 $SCRATCH/dl/t100; bye" "$WAN"
            fi
            check_tree "$SCRATCH/dl/t100" 100
        done
    done
fi

if want many; then
    log "2,000 files in 20 folders on loopback, $RUNS runs each"
    for ((i = 0; i < RUNS; i++)); do
        for who in $(first_of "$i" wharf lftp); do
            fresh
            if [[ $who == wharf ]]; then
                time_run many-wharf "$WHARF" get -q "$LOOP/bench/t2000" "$SCRATCH/dl/t2000"
            else
                time_run many-lftp lftp -e "$LFTP_SET mirror --parallel=4 bench/t2000 $SCRATCH/dl/t2000; bye" "$LOOP"
            fi
            check_tree "$SCRATCH/dl/t2000" 2000
        done
    done
fi

PYTHONPATH=scripts python3 - "$out/times" "$RUNS" "${PUT_RUNS:-0}" <<'PY'
from bench_report import *
runs, put_runs = sys.argv[2], sys.argv[3]
print(f"medians of {runs} runs")
if "get-wharf" in rows:
    print("1 GiB from vsftpd on loopback into tmpfs")
    show("wharf get", "get-wharf"); show("curl", "get-curl")
    ratio("get wall, wharf / curl", "get-wharf", "get-curl", 0, 1.05)
    ratio("get cpu, wharf / curl", "get-wharf", "get-curl", 1, 1.5)
    peak("wharf get peak rss", ["get-wharf"], 32)
if "put-wharf" in rows:
    print(f"1 GiB to vsftpd on loopback from tmpfs, medians of {put_runs} runs")
    show("wharf put", "put-wharf"); show("curl -T", "put-curl")
    if "put-wharf-server" in rows:
        print(f"  {'server receive time, wharf/curl':<34} {med('put-wharf-server', 0):.3f} s (max {top('put-wharf-server', 0):.3f}) / {med('put-curl-server', 0):.3f} s (max {top('put-curl-server', 0):.3f})")
    ratio("put wall, wharf / curl", "put-wharf", "put-curl", 0, 1.05)
    print(f"  {'put wall max, wharf / curl':<34} {top('put-wharf', 0) / top('put-curl', 0):5.2f} x")
    # Runs go in pairs (wharf and curl one after the other): the median of
    # the pairs' ratios is less moved by drift over the whole run.
    pairs = [w[0] / c[0] for w, c in zip(rows["put-wharf"], rows["put-curl"])]
    print(f"  {'median of the pair ratios':<34} {statistics.median(pairs):5.2f} x")
    print("  the same into a tmpfs folder on the server (no disk in the way)")
    show("wharf put", "shm-wharf"); show("curl -T", "shm-curl")
    r = med("shm-wharf", 0) / med("shm-curl", 0)
    print(f"  {'put wall into tmpfs, wharf / curl':<34} {r:5.2f} x")
if "wan-wharf" in rows:
    print("100 files x 4 KiB, 5 folders, 20 ms round trip")
    show("wharf get (-j 4)", "wan-wharf"); show("lftp mirror --parallel=4", "wan-lftp")
    ratio("wall, wharf / lftp", "wan-wharf", "wan-lftp", 0, 0.5)
if "many-wharf" in rows:
    print("2,000 files x 4 KiB, 20 folders, loopback")
    show("wharf get (-j 4)", "many-wharf"); show("lftp mirror --parallel=4", "many-lftp")
    ratio("wall, wharf / lftp", "many-wharf", "many-lftp", 0, 0.8)
PY
