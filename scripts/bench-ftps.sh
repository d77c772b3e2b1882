#!/usr/bin/env bash
# Explicit FTPS transfers, side by side in one run, against vsftpd with the
# interop FTPS settings (TLS required on control and data connections, and
# each data connection resuming the control connection's TLS session);
# medians of RUNS alternating runs, each figure's range, and ratios:
#
#   1. one 1 GiB file on loopback (bench-tree's big.bin), into tmpfs:
#        wharf get  vs curl --ssl-reqd -k       wall  target <= 1.05 x
#        wharf put  vs curl --ssl-reqd -k -T    wall  target <= 1.05 x
#        wharf peak resident memory (get and put)     target <= 48 MiB
#   2. 100 files x 4 KiB in 5 folders behind a 20 ms round trip (wan.py,
#      10 ms each way, in front of a second vsftpd):
#        wharf get (defaults: 4 connections)
#          vs lftp mirror --parallel=4 (ssl:verify-certificate no)  target <= 0.5 x
#
# The servers: vsftpd on 127.0.0.1:2142 (the interop vsftpd-tls settings,
# without its per-command and TLS debug logs), and a second one on
# 127.0.0.2:2132 behind wan.py on 127.0.0.1:2132 (see bench-transfer.sh
# for why a second address). The certificate is the interop one (self-
# signed for localhost): wharf pins it with --trust-fingerprint (so it
# still checks it), curl and lftp skip the check.
#
# Uploads go into a tmpfs folder on the server (upload-tmpfs), downloads
# into tmpfs here: the disk is not what this measures.
#
#   scripts/bench-ftps.sh                 # everything, RUNS=5
#   RUNS=9 ONLY="big" scripts/bench-ftps.sh
#   WHARF=path/to/wharf scripts/bench-ftps.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
# shellcheck source=scripts/bench-lib.sh
source scripts/bench-lib.sh

RUNS=${RUNS:-5}
ONLY=${ONLY:-"big wan"}
WAN_PY=${WAN_PY:-$ROOT/../shared/tools/wan.py}
USERPASS=wharftest:wharfpass
LOOP=ftp://$USERPASS@127.0.0.1:2142
WAN=ftp://$USERPASS@127.0.0.1:2132
HOME_DIR=$(getent passwd wharftest | cut -d: -f6 || echo /home/wharftest)
SCRATCH=${SCRATCH:-/dev/shm/wharf-bench-ftps}
LFTP_SET="set ftp:ssl-force yes; set ftp:ssl-protect-data yes; set ssl:verify-certificate no; set net:max-retries 1;"
CURL_TLS=(--ssl-reqd -k)

bench_setup
FP=$(bash scripts/interop-servers.sh env | sed -n 's/^export WHARF_INTEROP_TLS_FINGERPRINT=//p')
[[ -n $FP ]] || { log "no certificate fingerprint from scripts/interop-servers.sh env"; exit 1; }
WHARF_TLS=(--trust-fingerprint "$FP")

mkdir -p "$SCRATCH"
out=$(mktemp -d)
PIDS=()
cleanup() {
    local p
    for p in ${PIDS[@]+"${PIDS[@]}"}; do kill "$p" 2>/dev/null || true; done
    rm -rf "$SCRATCH" "$out" "$SCRATCH-up"
    rm -f "$HOME_DIR/upload-ftps"
}
trap cleanup EXIT

mkdir -p "$HOME_DIR/bench"
chown wharftest: "$HOME_DIR/bench"
make_tree "$HOME_DIR/bench/t100" 5 20

if want big; then
    start_vsftpd vsftpd-tls bench-tls 127.0.0.1 2142 31100 31149
    wait_for "$LOOP" "${CURL_TLS[@]}"

    log "1 GiB get over FTPS on loopback, $RUNS runs each"
    for ((i = 0; i < RUNS; i++)); do
        for who in $(first_of "$i" wharf curl); do
            fresh
            if [[ $who == wharf ]]; then
                time_run get-wharf "$WHARF" get -q "${WHARF_TLS[@]}" "${LOOP/ftp:/ftpes:}/big.bin" "$SCRATCH/dl/"
            else
                time_run get-curl curl -sS "${CURL_TLS[@]}" -o "$SCRATCH/dl/big.bin" "$LOOP/big.bin"
            fi
            [[ $(stat -c %s "$SCRATCH/dl/big.bin") -eq 1073741824 ]] || { log "short download"; exit 1; }
        done
    done

    log "1 GiB put over FTPS on loopback into tmpfs on the server, $RUNS runs each"
    fresh
    cp "$HOME_DIR/big.bin" "$SCRATCH/up.bin"
    mkdir -p "$SCRATCH-up"
    chown wharftest: "$SCRATCH-up"
    ln -sfn "$SCRATCH-up" "$HOME_DIR/upload-ftps"
    for ((i = 0; i < RUNS; i++)); do
        for who in $(first_of "$i" wharf curl); do
            rm -f "$SCRATCH-up/put.bin"
            if [[ $who == wharf ]]; then
                time_run put-wharf "$WHARF" put -q "${WHARF_TLS[@]}" "$SCRATCH/up.bin" "${LOOP/ftp:/ftpes:}/upload-ftps/put.bin"
            else
                time_run put-curl curl -sS "${CURL_TLS[@]}" -T "$SCRATCH/up.bin" "$LOOP/upload-ftps/put.bin"
            fi
            [[ $(stat -c %s "$SCRATCH-up/put.bin") -eq 1073741824 ]] || { log "short upload"; exit 1; }
        done
    done
    rm -f "$SCRATCH/up.bin" "$SCRATCH-up/put.bin"
fi

if want wan; then
    log "100 files over FTPS behind a 20 ms round trip, $RUNS runs each"
    start_vsftpd vsftpd-tls wan-tls 127.0.0.2 2132 31150 31199 pasv_address=127.0.0.1
    python3 "$WAN_PY" --listen 127.0.0.1 --target 127.0.0.2 --ports 2132,31150-31199 \
        --delay-ms 10 >"$out/wan.log" 2>&1 &
    PIDS+=($!)
    wait_for "$WAN" "${CURL_TLS[@]}"
    for ((i = 0; i < RUNS; i++)); do
        for who in $(first_of "$i" wharf lftp); do
            fresh
            if [[ $who == wharf ]]; then
                time_run wan-wharf "$WHARF" get -q "${WHARF_TLS[@]}" "${WAN/ftp:/ftpes:}/bench/t100" "$SCRATCH/dl/t100"
            else
                time_run wan-lftp lftp -e "$LFTP_SET mirror --parallel=4 bench/t100 $SCRATCH/dl/t100; bye" "$WAN"
            fi
            check_tree "$SCRATCH/dl/t100" 100
        done
    done
fi

PYTHONPATH=scripts python3 - "$out/times" "$RUNS" "${PUT_RUNS:-0}" <<'PY'
from bench_report import *
print(f"explicit FTPS (TLS on control and data), medians of {sys.argv[2]} runs")
if "get-wharf" in rows:
    print("1 GiB from vsftpd on loopback into tmpfs")
    show("wharf get", "get-wharf"); show("curl --ssl-reqd", "get-curl")
    ratio("get wall, wharf / curl", "get-wharf", "get-curl", 0, 1.05)
    ratio("get cpu, wharf / curl", "get-wharf", "get-curl", 1, 1.5)
if "put-wharf" in rows:
    print("1 GiB to vsftpd (tmpfs) on loopback from tmpfs")
    show("wharf put", "put-wharf"); show("curl --ssl-reqd -T", "put-curl")
    ratio("put wall, wharf / curl", "put-wharf", "put-curl", 0, 1.05)
if "get-wharf" in rows:
    peak("wharf peak rss (get, put)", [n for n in ("get-wharf", "put-wharf") if n in rows], 48)
if "wan-wharf" in rows:
    print("100 files x 4 KiB, 5 folders, 20 ms round trip")
    show("wharf get (-j 4)", "wan-wharf"); show("lftp mirror --parallel=4", "wan-lftp")
    ratio("wall, wharf / lftp", "wan-wharf", "wan-lftp", 0, 0.5)
PY
