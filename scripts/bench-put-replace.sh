#!/usr/bin/env bash
# Why a put that replaces a big file can be slow: alternating 1 GiB puts of
# wharf and curl to the interop vsftpd (127.0.0.1:2121, its upload/ folder),
# each timed, with the most dirty page cache seen during it.
#
#   MODE=replace  scripts/bench-put-replace.sh   # back to back (the default)
#   MODE=synced   scripts/bench-put-replace.sh   # `sync` before each put
#   MODE=fresh    scripts/bench-put-replace.sh   # no old file, `sync` first
#   N=8 …                                        # pairs of runs (default 6)
#
# wharf writes under a temporary name and renames it over the old file when
# complete; curl truncates the old file at STOR. Back to back, the old copy
# may still be written back to the server's disk while the new one arrives.
# Needs root (reads the server's folder) and scripts/interop-servers.sh start.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

MODE=${MODE:-replace}
N=${N:-6}
WHARF=${WHARF:-target/release/wharf}
[[ -x $WHARF ]] || cargo build --release --locked --quiet
URL=ftp://wharftest:wharfpass@127.0.0.1:2121
DIR=/home/wharftest/upload
WORK=$(mktemp -d /dev/shm/wharf-put-replace.XXXXXX)
trap 'rm -rf "$WORK"; rm -f "$DIR/src.bin" "$DIR/src-curl.bin"' EXIT
head -c 1073741824 /dev/urandom >"$WORK/src.bin"

dirty() { awk '/^Dirty:/{print $2}' /proc/meminfo; }
watch_dirty() {
    local max=0 d
    while [[ -f $WORK/on ]]; do
        d=$(dirty)
        ((d > max)) && max=$d
        sleep 0.05
    done
    echo "$max" >"$WORK/max"
}

for ((i = 1; i <= N; i++)); do
    for who in wharf curl; do
        case $MODE in
            fresh) rm -f "$DIR/src.bin" "$DIR/src-curl.bin"; sync ;;
            synced) sync ;;
        esac
        touch "$WORK/on"
        watch_dirty &
        watcher=$!
        start=$(date +%s.%N)
        if [[ $who == wharf ]]; then
            "$WHARF" put -q --overwrite "$WORK/src.bin" "$URL/upload/"
        else
            curl -sS -T "$WORK/src.bin" "$URL/upload/src-curl.bin"
        fi
        end=$(date +%s.%N)
        rm -f "$WORK/on"
        wait "$watcher"
        printf '%s %-5s %5.2f s   most dirty %5d MiB\n' "$i" "$who" \
            "$(echo "$end - $start" | bc)" $(($(cat "$WORK/max") / 1024))
    done
done
