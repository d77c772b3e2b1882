#!/usr/bin/env bash
# Checks the FTPS servers of scripts/interop-servers.sh with real clients,
# and shows what they demand. Run after `scripts/interop-servers.sh start`
# (as root: it reads the test user's home to clean up); prints one line per
# check and exits 1 if any outcome differs from the expected one.
#
#   scripts/check-ftps-servers.sh
#   VERBOSE=1 scripts/check-ftps-servers.sh     # also the clients' logs on failure
#
# What it checks, for vsftpd-tls (explicit), vsftpd-implicit, proftpd-tls
# and pure-ftpd-tls:
#   - the certificate each presents is .interop/tls/cert.pem, whose
#     fingerprint `env` prints (WHARF_INTEROP_TLS_FINGERPRINT)
#   - the TLS version each negotiates (openssl s_client: default, and with
#     TLS 1.0 / 1.1 / 1.2 / 1.3 only)
#   - curl --ssl-reqd -k (explicit ftp://, implicit ftps://), TLS 1.2 and
#     1.3, passive: list the home folder, a download, three uploads in a row
#     on one connection and a download of each back (sha256 compared);
#     active (--ftp-port -) the same, where the curl here can (see below)
#   - lftp (GnuTLS, ssl:verify-certificate no), TLS 1.2 and 1.3, passive
#     and active: the same (and no transfer lftp had to redo)
#   - Python's ftplib, data connections resuming the control connection's
#     session, TLS 1.2 and 1.3, passive and active: the same
#   - session reuse is required: curl --no-sessionid gets 522 from vsftpd,
#     425 from proftpd (pure-ftpd does not check)
#   - TLS is required: a plain login is refused; a clear data connection
#     (PROT C) is refused by vsftpd and proftpd (pure-ftpd -Y 2 allows it)
# and for vsftpd-tls10: it negotiates TLS 1.0 only, and a client offering
# TLS 1.2 and 1.3 only is refused.
#
# Facts of the clients here (Debian 12) that the checks allow for:
#   - curl 7.87 to 7.88 cannot do active FTPS at all (it forgets the TLS
#     filter on the accepted data connection and hangs: curl issue #10666,
#     fixed in 8.0.0). With such a curl, active mode is shown failing once
#     and left to lftp and ftplib.
#   - Uploads with TLS 1.3 to vsftpd often fail with curl and lftp: vsftpd
#     sends a session ticket on each data connection, the client uploads
#     and closes without reading it (an unread ticket makes the close a TCP
#     reset), and vsftpd answers 426 Failure reading network stream and
#     keeps a truncated file (lftp then redoes the upload by itself).
#     ftplib, which ends each data connection with a TLS shutdown (it reads
#     up to the server's close_notify), never hits it. And curl's second upload on one
#     connection may not resume the session (vsftpd 522, proftpd 425).
#     These are reported as notes, not failures. Everything with TLS 1.2,
#     downloads with TLS 1.3, lftp's TLS 1.3 uploads to proftpd and
#     pure-ftpd, and all of ftplib's transfers must pass cleanly.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

VERBOSE=${VERBOSE:-0}
eval "$(bash scripts/interop-servers.sh env)"
USERPASS=wharftest:wharfpass

# server -> host:port and how TLS starts
declare -A ADDR=() MODE=()
hostport() { local u=${1#*://}; u=${u#*@}; echo "${u%%/*}"; }
ADDR[vsftpd-tls]=$(hostport "$WHARF_INTEROP_VSFTPD_TLS");           MODE[vsftpd-tls]=explicit
ADDR[vsftpd-implicit]=$(hostport "$WHARF_INTEROP_VSFTPD_IMPLICIT"); MODE[vsftpd-implicit]=implicit
ADDR[proftpd-tls]=$(hostport "$WHARF_INTEROP_PROFTPD_TLS");         MODE[proftpd-tls]=explicit
ADDR[pure-ftpd-tls]=$(hostport "$WHARF_INTEROP_PUREFTPD_TLS");      MODE[pure-ftpd-tls]=explicit
ADDR[vsftpd-tls10]=$(hostport "$WHARF_INTEROP_VSFTPD_TLS10");       MODE[vsftpd-tls10]=explicit
SERVERS=(vsftpd-tls vsftpd-implicit proftpd-tls pure-ftpd-tls)
# What a data connection that does not resume the session gets.
declare -A NOREUSE=([vsftpd-tls]=522 [vsftpd-implicit]=522 [proftpd-tls]=425 [pure-ftpd-tls]=accepted)
declare -A PKG_OF_VSFTPD=([vsftpd-tls]=1 [vsftpd-implicit]=1)

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"; rm -f "${WHARF_INTEROP_HOME:-/nonexistent}"/upload/.ftps-check-* 2>/dev/null' EXIT

FAILS=0 NOTES=0
pass() { printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; FAILS=$((FAILS + 1)); }
note() { printf 'note  %s\n' "$*"; NOTES=$((NOTES + 1)); }
show() { [[ $VERBOSE == 1 && -f $1 ]] && sed 's/^/      | /' "$1" | tail -n 40; return 0; }

url_of() {  # curl's URL for <server>: explicit ftp://, implicit ftps://
    if [[ ${MODE[$1]} == implicit ]]; then echo "ftps://${ADDR[$1]}"; else echo "ftp://${ADDR[$1]}"; fi
}

# Test files: three sizes, random content.
head -c 300000 /dev/urandom >"$TMP/up1"
head -c 4096 /dev/urandom >"$TMP/up2"
head -c 1 /dev/urandom >"$TMP/up3"
sums_equal() {  # <dir with dl1..3>: are they up1..3?
    local i
    for i in 1 2 3; do
        [[ -f $1/dl$i && $(sha256sum <"$TMP/up$i") == $(sha256sum <"$1/dl$i") ]] || return 1
    done
}

# ----------------------------------------------------------- certificate --

echo "== certificate $WHARF_INTEROP_TLS_CERT"
subj=$(openssl x509 -in "$WHARF_INTEROP_TLS_CERT" -noout -subject -ext subjectAltName -enddate 2>&1 | tr '\n' ' ')
fp=$(openssl x509 -in "$WHARF_INTEROP_TLS_CERT" -noout -fingerprint -sha256 | sed 's/^[^=]*=/SHA256:/')
if [[ $subj == *"CN = localhost"* && $subj == *"DNS:localhost"* && $subj == *"IP Address:127.0.0.1"* ]]; then
    pass "certificate: $subj"
else
    fail "certificate: $subj"
fi
if [[ $fp == "${WHARF_INTEROP_TLS_FINGERPRINT:-}" ]]; then
    pass "WHARF_INTEROP_TLS_FINGERPRINT=$fp"
else
    fail "WHARF_INTEROP_TLS_FINGERPRINT=${WHARF_INTEROP_TLS_FINGERPRINT:-} but the certificate's is $fp"
fi
for s in "${SERVERS[@]}" vsftpd-tls10; do
    start=(-starttls ftp); [[ ${MODE[$s]} == implicit ]] && start=()
    got=$(timeout 10 openssl s_client -cipher 'DEFAULT@SECLEVEL=0' "${start[@]}" -connect "${ADDR[$s]}" </dev/null 2>/dev/null |
        openssl x509 -noout -fingerprint -sha256 2>/dev/null | sed 's/^[^=]*=/SHA256:/')
    if [[ $got == "$fp" ]]; then pass "$s presents it"; else fail "$s presents ${got:-nothing}"; fi
done

# ---------------------------------------------------------- TLS versions --

# s_client <server> [options]: "TLSv1.3 TLS_AES_256_GCM_SHA384", or the error.
s_client() {
    local s=$1 out start=(-starttls ftp)
    shift
    [[ ${MODE[$s]} == implicit ]] && start=()
    out=$(timeout 10 openssl s_client "$@" "${start[@]}" -connect "${ADDR[$s]}" </dev/null 2>&1)
    if [[ $out =~ (New|Reused),\ (TLSv[0-9.]+),\ Cipher\ is\ ([^[:space:]]+) ]]; then
        echo "${BASH_REMATCH[2]} ${BASH_REMATCH[3]}"
    else
        echo "refused: $(grep -o -m1 -E 'error:[^:]*:SSL routines:[^:]*:[^:]*' <<<"$out" | cut -d: -f4-)"
    fi
}
# expect_tls <server> <what> <pattern> [s_client options]
expect_tls() {
    local s=$1 what=$2 want=$3 got
    shift 3
    got=$(s_client "$s" "$@")
    # shellcheck disable=SC2053
    if [[ $got == $want ]]; then pass "$s $what: $got"; else fail "$s $what: $got (expected $want)"; fi
}

echo "== TLS versions (openssl s_client: -starttls ftp for explicit, plain -connect for implicit)"
for s in "${SERVERS[@]}"; do
    expect_tls "$s" "default client" "TLSv1.3 *"
    expect_tls "$s" "TLS 1.3 only" "TLSv1.3 *" -tls1_3
    expect_tls "$s" "TLS 1.2 only" "TLSv1.2 *" -tls1_2
    expect_tls "$s" "TLS 1.1 only" "refused*" -tls1_1 -cipher 'DEFAULT@SECLEVEL=0'
    expect_tls "$s" "TLS 1.0 only" "refused*" -tls1 -cipher 'DEFAULT@SECLEVEL=0'
done
s=vsftpd-tls10
expect_tls "$s" "TLS 1.0 only (client at SECLEVEL=0)" "TLSv1.0 *" -tls1 -cipher 'DEFAULT@SECLEVEL=0'
expect_tls "$s" "any version (client at SECLEVEL=0)" "TLSv1.0 *" -cipher 'DEFAULT@SECLEVEL=0'
expect_tls "$s" "TLS 1.2 and 1.3 only (what rustls offers)" "refused*alert protocol version" -no_tls1 -no_tls1_1
expect_tls "$s" "TLS 1.3 only" "refused*alert protocol version" -tls1_3
expect_tls "$s" "TLS 1.2 only (server answers TLS 1.0)" "refused*unsupported protocol" -tls1_2
expect_tls "$s" "TLS 1.1 only (server answers TLS 1.0)" "refused*unsupported protocol" -tls1_1 -cipher 'DEFAULT@SECLEVEL=0'

# ------------------------------------------------------------------ curl --

curl_version=$(curl --version | awk 'NR == 1 {print $2}')
curl_active_ok=1
[[ $(printf '%s\n' "$curl_version" 8.0.0 | sort -V | head -n1) == 8.0.0 ]] || curl_active_ok=0

# curl_run <log> <args...>: curl with the common options; its -v log in <log>.
curl_run() {
    local log=$1
    shift
    curl -v -sS --ssl-reqd -k --max-time 20 -u "$USERPASS" "$@" 2>"$log"
}
curl_tls() { grep -o -m1 -E 'SSL connection using TLSv[0-9.]+' "$1" | awk '{print $4}'; }
curl_reply() { grep -o -E 'got [0-9]{3}|Access denied: [0-9]{3}|RETR response: [0-9]{3}' "$1" | tail -n1; }

echo "== curl $curl_version"
# Known files, fetched three in a row on one connection.
declare -A KNOWN=([binary.bin]=binary.bin [lines.txt]=lines.txt [data.bin]=nested/deeper/data.bin)
for s in "${SERVERS[@]}"; do
    u=$(url_of "$s")
    for tls in 1.2 1.3; do
        modes=(passive)
        [[ $curl_active_ok == 1 ]] && modes+=(active)
        for mode in "${modes[@]}"; do
            what="$s curl TLS $tls $mode"
            d="$TMP/curl-$s-$tls-$mode"; mkdir -p "$d"
            o=("--tlsv$tls" --tls-max "$tls" --fail-early)   # --fail-early: else the exit code is the last URL's
            [[ $mode == active ]] && o+=(--ftp-port -)
            n=".ftps-check-$s-curl-$tls-$mode"
            if ! curl_run "$d/list.log" "${o[@]}" "$u/" >"$d/list" || ! grep -q hello.txt "$d/list"; then
                fail "$what: list of the home folder: $(tail -n1 "$d/list.log")"; show "$d/list.log"; continue
            fi
            neg=$(curl_tls "$d/list.log")
            if [[ $neg != "TLSv$tls" ]]; then fail "$what: negotiated ${neg:-nothing}"; continue; fi
            gets=()
            for f in "${!KNOWN[@]}"; do gets+=("$u/${KNOWN[$f]}" -o "$d/$f"); done
            ok=1
            curl_run "$d/get.log" "${o[@]}" "${gets[@]}" || ok=0
            for f in "${!KNOWN[@]}"; do
                cmp -s "$d/$f" "$WHARF_INTEROP_HOME/${KNOWN[$f]}" || ok=0
            done
            if [[ $ok == 0 ]]; then
                fail "$what: 3 downloads in a row: $(tail -n1 "$d/get.log")"; show "$d/get.log"; continue
            fi
            # Three uploads in a row on one control connection, then the
            # three back on one connection.
            if ! curl_run "$d/put.log" "${o[@]}" -T "$TMP/up1" "$u/upload/$n-1" \
                -T "$TMP/up2" "$u/upload/$n-2" -T "$TMP/up3" "$u/upload/$n-3"; then
                r=$(curl_reply "$d/put.log")
                r=${r#got }
                if [[ $tls == 1.3 && $s != pure-ftpd-tls && $r =~ ^(522|425|426)$ ]]; then
                    note "$what: negotiated $neg; list and 3 downloads in a row fine; 3 uploads in a row: $(grep -E "^< $r " "$d/put.log" | tail -n1 | cut -c3- | tr -d '\r') (curl and TLS 1.3 tickets, see the top of this script)"
                else
                    fail "$what: 3 uploads in a row: $(tail -n1 "$d/put.log")"; show "$d/put.log"
                fi
                continue
            fi
            if [[ $(grep -c '^\* Re-using existing connection' "$d/put.log") -lt 2 ]]; then
                fail "$what: the three uploads did not share one connection"; show "$d/put.log"; continue
            fi
            if curl_run "$d/back.log" "${o[@]}" "$u/upload/$n-1" -o "$d/dl1" \
                "$u/upload/$n-2" -o "$d/dl2" "$u/upload/$n-3" -o "$d/dl3" && sums_equal "$d"; then
                pass "$what: negotiated $neg; list, 3 downloads in a row, 3 uploads in a row + the 3 back, one connection each, sha256 equal"
            else
                fail "$what: downloads back: $(tail -n1 "$d/back.log")"; show "$d/back.log"
            fi
        done
    done
done
if [[ $curl_active_ok == 0 ]]; then
    d="$TMP/curl-active"; mkdir -p "$d"
    if curl_run "$d/list.log" --max-time 5 --ftp-port - "$(url_of vsftpd-tls)/" >/dev/null; then
        fail "curl $curl_version listed vsftpd-tls in active mode: it can do active FTPS after all; set curl_active_ok=1 for it"
    else
        note "curl $curl_version active mode (--ftp-port -): $(tail -n1 "$d/list.log") (curl issue #10666, fixed in 8.0.0): active mode is checked with lftp and ftplib"
    fi
fi

# Session reuse required: a data connection that does not resume the
# control connection's session (curl --no-sessionid), listing and upload.
echo "== session reuse (curl --no-sessionid)"
for s in "${SERVERS[@]}"; do
    u=$(url_of "$s")
    d="$TMP/noreuse-$s"; mkdir -p "$d"
    want=${NOREUSE[$s]}
    for op in list put; do
        if [[ $op == list ]]; then
            curl_run "$d/$op.log" --no-sessionid "$u/" >/dev/null
        else
            curl_run "$d/$op.log" --no-sessionid -T "$TMP/up3" "$u/upload/.ftps-check-$s-noreuse"
        fi
        rc=$?
        r=$(curl_reply "$d/$op.log")
        reply=$(grep -E '^< (522|425) ' "$d/$op.log" | tail -n1 | cut -c3- | tr -d '\r')
        if [[ $want == accepted ]]; then
            if [[ $rc == 0 ]]; then pass "$s $op without session reuse: accepted (pure-ftpd does not check)"; else fail "$s $op without session reuse: $(tail -n1 "$d/$op.log")"; fi
        elif [[ $rc != 0 && $r == "got $want" ]]; then
            pass "$s $op without session reuse: refused, ${reply:-$want}"
        else
            fail "$s $op without session reuse: rc $rc, ${r:-no reply} (expected $want)"; show "$d/$op.log"
        fi
    done
done

# ------------------------------------------------------------------ lftp --

echo "== $(lftp --version | head -n1 | tr -s ' |' ' ')"
# (One line: lftp -e stops at a newline.) lftp retries a failed transfer
# by itself, so its debug log (-d) is searched for the failures it hid.
LFTP_SET="set ssl:verify-certificate no; set ftp:ssl-force true; set ftp:ssl-protect-data true; set ftp:ssl-protect-list true; set net:max-retries 3; set net:reconnect-interval-base 1; set net:reconnect-interval-multiplier 1; set net:timeout 10; set cmd:fail-exit true; set xfer:clobber on"
declare -A GNUTLS=([1.2]="NORMAL:-VERS-ALL:+VERS-TLS1.2" [1.3]="NORMAL:-VERS-ALL:+VERS-TLS1.3")
for s in "${SERVERS[@]}"; do
    if [[ ${MODE[$s]} == implicit ]]; then u="ftps://${ADDR[$s]}"; else u="ftp://${ADDR[$s]}"; fi
    for tls in 1.2 1.3; do
        for mode in passive active; do
            what="$s lftp TLS $tls $mode"
            d="$TMP/lftp-$s-$tls-$mode"; mkdir -p "$d"
            pm=on; [[ $mode == active ]] && pm=off
            n=".ftps-check-$s-lftp-$tls-$mode"
            cmds="$LFTP_SET; set ssl:priority ${GNUTLS[$tls]}; set ftp:passive-mode $pm"
            cmds+="; cls -1 >list; get hello.txt -o hello; cd upload"
            cmds+="; put $TMP/up1 -o $n-1; put $TMP/up2 -o $n-2; put $TMP/up3 -o $n-3"
            cmds+="; get $n-1 -o dl1; get $n-2 -o dl2; get $n-3 -o dl3; bye"
            if (cd "$d" && timeout 120 lftp -d -u "${USERPASS%%:*},${USERPASS#*:}" -e "$cmds" "$u" >"$d/lftp.log" 2>&1) &&
                grep -q hello.txt "$d/list" && [[ $(cat "$d/hello") == "hello wharf" ]] && sums_equal "$d"; then
                hidden=$(grep -E '^<--- (421|425|426|450|451|522|550) ' "$d/lftp.log" | cut -c6- | tr -d '\r' | sort | uniq -c |
                    awk '{c=$1; $1=""; printf "%s%s x%d", (NR>1?", ":""), substr($0,2), c}')
                if [[ -z $hidden ]]; then
                    pass "$what: list, download, 3 uploads in a row + 3 downloads back on one connection, sha256 equal"
                elif [[ $tls == 1.3 && ${PKG_OF_VSFTPD[$s]-} == 1 && $hidden =~ ^426\ Failure\ reading\ network\ stream\.\ x[0-9]+$ ]]; then
                    note "$what: all transfers done, sha256 equal, but lftp redid uploads after: $hidden (vsftpd and TLS 1.3 uploads, see the top of this script)"
                else
                    fail "$what: all transfers done, but lftp redid some after: $hidden"; show "$d/lftp.log"
                fi
            else
                fail "$what: $(grep -v '^\(<---\|--->\|----\)' "$d/lftp.log" | tail -n1)"; show "$d/lftp.log"
            fi
        done
    done
done

# ---------------------------------------------------------------- ftplib --

# Python's ftplib with data connections that resume the control
# connection's TLS session (plain FTP_TLS does not, and vsftpd/proftpd
# refuse it); explicit or implicit, passive or active, TLS 1.2 or 1.3.
cat >"$TMP/ftplib_check.py" <<'PY'
import ftplib, hashlib, io, socket, ssl, sys

class Reuse(ftplib.FTP_TLS):
    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(conn, server_hostname=self.host,
                                            session=self.sock.session)
        return conn, size

class Implicit(Reuse):
    def connect(self, host, port, timeout=20):
        self.host, self.port = host, port
        self.sock = socket.create_connection((host, port), timeout)
        self.af = self.sock.family
        self.sock = self.context.wrap_socket(self.sock, server_hostname=host)
        self.file = self.sock.makefile("r", encoding=self.encoding)
        self.welcome = self.getresp()
        return self.welcome

addr, mode, data, tls, name, files = sys.argv[1:7]
host, port = addr.rsplit(":", 1)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
v = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}[tls]
ctx.minimum_version = ctx.maximum_version = v
f = (Implicit if mode == "implicit" else Reuse)(context=ctx, timeout=20)
f.connect(host, int(port))
if mode == "explicit":
    f.auth()
f.login("wharftest", "wharfpass")
f.prot_p()
f.set_pasv(data == "passive")
assert "hello.txt" in f.nlst(), "hello.txt not listed"
got = io.BytesIO()
f.retrbinary("RETR hello.txt", got.write)
assert got.getvalue() == b"hello wharf\n", got.getvalue()
blobs = [open(p, "rb").read() for p in files.split(",")]
for i, b in enumerate(blobs, 1):
    f.storbinary(f"STOR upload/{name}-{i}", io.BytesIO(b))
for i, b in enumerate(blobs, 1):
    got = io.BytesIO()
    f.retrbinary(f"RETR upload/{name}-{i}", got.write)
    assert hashlib.sha256(got.getvalue()).digest() == hashlib.sha256(b).digest(), f"{name}-{i} differs"
print(f.sock.version())
f.quit()
PY
echo "== $(python3 --version) ftplib (data connections resume the control connection's session)"
for s in "${SERVERS[@]}"; do
    for tls in 1.2 1.3; do
        for mode in passive active; do
            what="$s ftplib TLS $tls $mode"
            if out=$(timeout 60 python3 "$TMP/ftplib_check.py" "${ADDR[$s]}" "${MODE[$s]}" "$mode" "$tls" \
                ".ftps-check-$s-py-$tls-$mode" "$TMP/up1,$TMP/up2,$TMP/up3" 2>&1) && [[ $out == "TLSv$tls" ]]; then
                pass "$what: negotiated $out; list, download, 3 uploads in a row + 3 downloads back on one connection, sha256 equal"
            else
                fail "$what: $(tail -n1 <<<"$out")"
            fi
        done
    done
done

# ------------------------------------------------------------ TLS needed --

echo "== TLS required"
cat >"$TMP/plain_check.py" <<'PY'
import ftplib, ssl, sys
addr, what = sys.argv[1:3]
host, port = addr.rsplit(":", 1)
try:
    if what == "login":
        f = ftplib.FTP(timeout=15)
        f.connect(host, int(port))
        f.login("wharftest", "wharfpass")
        print("accepted")
    else:  # clear data: TLS control connection, PROT C, then a download
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        f = ftplib.FTP_TLS(context=ctx, timeout=15)
        f.connect(host, int(port))
        f.auth()
        f.login("wharftest", "wharfpass")
        f.prot_c()
        f.retrbinary("RETR hello.txt", lambda b: None)
        print("accepted")
except ftplib.all_errors as e:
    print("refused: " + " ".join(str(e).split()))
PY
for s in "${SERVERS[@]}" vsftpd-tls10; do
    [[ ${MODE[$s]} == implicit ]] && continue
    got=$(python3 "$TMP/plain_check.py" "${ADDR[$s]}" login 2>&1)
    if [[ $got == refused:* ]]; then pass "$s plain login: $got"; else fail "$s plain login: $got"; fi
done
a=${ADDR[vsftpd-implicit]}
got=$(timeout 5 bash -c "exec 3<>/dev/tcp/${a%:*}/${a##*:}; IFS= read -r -t 3 l <&3 && echo \"\$l\"" 2>&1 | tr -d '\r')
if [[ $got != 220* ]]; then pass "vsftpd-implicit plain connection: no greeting before TLS"; else fail "vsftpd-implicit greets in clear: $got"; fi
for s in vsftpd-tls proftpd-tls pure-ftpd-tls; do
    got=$(python3 "$TMP/plain_check.py" "${ADDR[$s]}" data 2>&1)
    if [[ $s == pure-ftpd-tls ]]; then
        if [[ $got == accepted ]]; then pass "$s clear data connection (PROT C): accepted (-Y 2 lets the client choose; -Y 3 would refuse)"; else fail "$s PROT C: $got"; fi
    elif [[ $got == refused:* ]]; then
        pass "$s clear data connection (PROT C): $got"
    else
        fail "$s clear data connection (PROT C): $got"
    fi
done

# -------------------------------------------------------------- TLS 1.0 --

echo "== vsftpd-tls10 with curl"
d="$TMP/tls10"; mkdir -p "$d"
u=$(url_of vsftpd-tls10)
if curl_run "$d/old.log" --tlsv1.0 --tls-max 1.0 --ciphers 'DEFAULT@SECLEVEL=0' "$u/hello.txt" >"$d/hello" &&
    [[ $(cat "$d/hello") == "hello wharf" && $(curl_tls "$d/old.log") =~ ^TLSv1(\.0)?$ ]]; then
    pass "vsftpd-tls10 curl --tls-max 1.0 at SECLEVEL=0: download over TLSv1"
else
    fail "vsftpd-tls10 curl TLS 1.0: $(tail -n1 "$d/old.log")"; show "$d/old.log"
fi
if curl_run "$d/new.log" --tlsv1.2 "$u/hello.txt" >/dev/null; then
    fail "vsftpd-tls10 accepted a TLS 1.2+ client"
else
    pass "vsftpd-tls10 curl --tlsv1.2: refused: $(tail -n1 "$d/new.log")"
fi

echo
if [[ $FAILS -gt 0 ]]; then
    echo "check-ftps-servers: $FAILS check(s) FAILED, $NOTES note(s)"
    exit 1
fi
echo "check-ftps-servers: all checks passed ($NOTES note(s))"
