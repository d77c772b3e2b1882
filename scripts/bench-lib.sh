# Shared by the transfer benches (scripts/bench-transfer.sh, plain FTP, and
# scripts/bench-ftps.sh, explicit FTPS): sourced, not run. Needs ROOT (the
# repo), SCRATCH (a tmpfs folder) and `out` (a temp folder for the timings)
# set by the caller, and a PIDS array the caller kills on exit.

log() { printf 'bench: %s\n' "$*" >&2; }

# Installs and starts the interop servers, makes the bench tree (big.bin),
# checks the other clients are there, and builds wharf unless WHARF names a
# binary: release is what users install (stripped); profiling is the same
# code with line tables and symbols, for perf while the bench runs.
#
# INTEROP_READY=1: the interop servers are already set up and running (from
# another checkout of the repo, whose .interop/ this one's links to):
# leave them and the test user's files alone.
bench_setup() {
    if [[ -z ${INTEROP_READY:-} ]]; then
        bash scripts/interop-servers.sh install >/dev/null
        bash scripts/interop-servers.sh start >/dev/null
        bash scripts/interop-servers.sh bench-tree >/dev/null
    fi
    local t
    for t in curl lftp python3; do
        command -v "$t" >/dev/null || { log "$t is missing (scripts/interop-servers.sh install)"; exit 1; }
    done
    if [[ -z ${WHARF:-} ]]; then
        PROFILE=${PROFILE:-release}
        log "building wharf ($PROFILE)"
        cargo build --profile "$PROFILE" --locked --quiet
        WHARF=$ROOT/target/$PROFILE/wharf
    fi
}

# make_tree DIR FOLDERS PER: folders of 4 KiB random files, created once as
# root and given to wharftest.
make_tree() {
    local dir=$1 folders=$2 per=$3
    local want=$((folders * per))
    if [[ -d $dir && $(find "$dir" -type f | wc -l) -eq $want ]]; then
        return 0
    fi
    log "creating $dir ($want files of 4 KiB in $folders folders)"
    rm -rf "$dir.tmp" "$dir"
    DIR="$dir.tmp" FOLDERS=$folders PER=$per python3 -c '
import os
d, n, per = os.environ["DIR"], int(os.environ["FOLDERS"]), int(os.environ["PER"])
for i in range(n):
    sub = os.path.join(d, "d%02d" % i)
    os.makedirs(sub)
    for j in range(per):
        with open(os.path.join(sub, "f%03d.bin" % j), "wb") as f:
            f.write(os.urandom(4096))
'
    chown -R wharftest: "$dir.tmp"
    mv "$dir.tmp" "$dir"
}

# start_vsftpd BASE NAME ADDRESS PORT PASV_MIN PASV_MAX [EXTRA...]: a vsftpd
# with the settings of the interop server whose config is BASE (vsftpd,
# vsftpd-tls) but without the per-command protocol log and TLS debug log
# (they cost the server CPU per command, which weighs on whichever client
# sends more of them).
start_vsftpd() {
    local base=$1 name=$2 addr=$3 port=$4 lo=$5 hi=$6
    shift 6
    local conf=$ROOT/.interop/conf/vsftpd-$name.conf
    sed -e "s/^listen_address=.*/listen_address=$addr/" \
        -e "s/^listen_port=.*/listen_port=$port/" \
        -e "s/^pasv_min_port=.*/pasv_min_port=$lo/" \
        -e "s/^pasv_max_port=.*/pasv_max_port=$hi/" \
        -e 's/^log_ftp_protocol=.*/log_ftp_protocol=NO/' \
        -e 's/^debug_ssl=.*/debug_ssl=NO/' \
        -e "s#^vsftpd_log_file=.*#vsftpd_log_file=$ROOT/.interop/logs/vsftpd-$name.log#" \
        "$ROOT/.interop/conf/$base.conf" >"$conf"
    grep -q '^listen_address=' "$conf" || echo "listen_address=$addr" >>"$conf"
    local extra
    for extra in "$@"; do echo "$extra" >>"$conf"; done
    "$ROOT/.interop/pkgs/vsftpd/usr/sbin/vsftpd" "$conf" </dev/null >>"$ROOT/.interop/logs/vsftpd-$name.log" 2>&1 &
    PIDS+=($!)
}

# wait_for URL [CURL_OPTS...]: until the server lists its root.
wait_for() {
    local url=$1
    shift
    for _ in $(seq 50); do
        curl -s --max-time 2 "$@" "$url/" -o /dev/null && return 0
        sleep 0.2
    done
    log "no server at $url"
    exit 1
}

# want CASE: whether ONLY names CASE.
want() { [[ " $ONLY " == *" $1 "* ]]; }

# time_run NAME CMD...: runs CMD, appends "NAME wall user sys maxrss_kb" to $out/times.
time_run() {
    local name=$1
    shift
    /usr/bin/time -o "$out/one" -f "%e %U %S %M" "$@" >/dev/null 2>"$out/err" || {
        log "$name failed:"; cat "$out/err" >&2; cat "$out/one" >&2 || true; exit 1
    }
    echo "$name $(tail -n 1 "$out/one")" >>"$out/times"
}

# check_tree DIR FILES: the same tree arrived (file count).
check_tree() {
    local dir=$1 files=$2
    local n; n=$(find "$dir" -type f | wc -l)
    [[ $n -eq $files ]] || { log "$dir has $n files, want $files"; exit 1; }
}

fresh() { rm -rf "$SCRATCH/dl"; mkdir -p "$SCRATCH/dl"; }

# first_of I A B: "A B" on even runs, "B A" on odd ones. Who goes first
# alternates: the page cache and the other core's load drift during a run.
first_of() { if (($1 % 2)); then echo "$3 $2"; else echo "$2 $3"; fi; }
