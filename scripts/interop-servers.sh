#!/usr/bin/env bash
# Local FTP and FTPS servers for wharf's interop tests and benchmarks.
#
#   scripts/interop-servers.sh install     # fetch vsftpd, pure-ftpd, proftpd (+ mod_tls, curl, lftp, openssl)
#   scripts/interop-servers.sh start       # test user, test tree, certificate; start all servers
#   scripts/interop-servers.sh stop        # stop them
#   scripts/interop-servers.sh restart     # stop + start
#   scripts/interop-servers.sh status      # which are running
#   scripts/interop-servers.sh check       # curl smoke test (plain), then scripts/check-ftps-servers.sh
#   scripts/interop-servers.sh env         # eval "$(scripts/interop-servers.sh env)"
#   scripts/interop-servers.sh bench-tree  # big/ (100,000 empty files) + big.bin (1 GiB)
#
# Every subcommand is idempotent. Needs root (apt-get, useradd, and the
# servers switch to the logged-in user). Everything they write lives under
# .interop/ in the repo (git-ignored); the only system changes are the
# apt-installed runtime libraries / curl / lftp / openssl, the local user
# `wharftest`, and the PAM service file /etc/pam.d/wharf-vsftpd.
#
#   server           control port     passive ports  env var (URL)
#   vsftpd           127.0.0.1:2121   30000-30049    WHARF_INTEROP_VSFTPD           ftp://
#   pure-ftpd        127.0.0.1:2122   30050-30099    WHARF_INTEROP_PUREFTPD         ftp://
#   proftpd          127.0.0.1:2123   30100-30149    WHARF_INTEROP_PROFTPD          ftp://
#   vsftpd-tls       127.0.0.1:2124   30150-30199    WHARF_INTEROP_VSFTPD_TLS       ftpes://
#   vsftpd-implicit  127.0.0.1:2125   30200-30249    WHARF_INTEROP_VSFTPD_IMPLICIT  ftps://
#   proftpd-tls      127.0.0.1:2126   30250-30299    WHARF_INTEROP_PROFTPD_TLS      ftpes://
#   pure-ftpd-tls    127.0.0.1:2127   30400-30449    WHARF_INTEROP_PUREFTPD_TLS     ftpes://
#   vsftpd-tls10     127.0.0.1:2128   30450-30499    WHARF_INTEROP_VSFTPD_TLS10     ftpes://
#
# (30300-30399 belong to tests/interop_limits.rs's own servers on 2161-2162,
# 30500-30549 to tests/interop_verify.rs's proftpd on 2171.)
# Logs: .interop/logs/<server>.log. Configs: .interop/conf/.
#
# All listen on 127.0.0.1 only. Login wharftest / wharfpass, anonymous off,
# passive (PASV/EPSV) and active (PORT/EPRT) both work, uploads allowed,
# no chroot (paths are the user's home, e.g. /home/wharftest/hello.txt is
# ftp://.../hello.txt).
#
# The FTPS servers (ftpes:// = explicit, AUTH TLS on the control port;
# ftps:// = implicit, TLS from the first byte) all require TLS on the
# control and the data connections, share one self-signed certificate
# (.interop/tls/cert.pem, CN=localhost, subjectAltName DNS:localhost and
# IP:127.0.0.1; `env` prints its path as WHARF_INTEROP_TLS_CERT and its
# SHA-256 as WHARF_INTEROP_TLS_FINGERPRINT=SHA256:AB:CD:...), and:
#   vsftpd-tls       ssl_enable, force_local_logins_ssl, force_local_data_ssl,
#                    require_ssl_reuse=YES (data connections must resume the
#                    control connection's TLS session); TLS 1.2 and 1.3
#   vsftpd-implicit  the same with implicit_ssl=YES
#   proftpd, proftpd-tls also load mod_digest (HASH, XSHA256…: checksums)
#   proftpd-tls      mod_tls: TLSRequired on, TLSProtocol TLSv1.2 TLSv1.3,
#                    session reuse required (proftpd's default)
#   pure-ftpd-tls    -Y 2 (cleartext sessions refused); no session reuse
#                    check; TLS 1.2 and 1.3
#   vsftpd-tls10     offers TLS 1.0 only (OPENSSL_CONF with Min/MaxProtocol
#                    TLSv1 and @SECLEVEL=0: vsftpd 3.0.3 has no option for it)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INTEROP="$ROOT/.interop"
PKGS="$INTEROP/pkgs"
DEBS="$INTEROP/debs"
CONF="$INTEROP/conf"
RUN="$INTEROP/run"
LOGS="$INTEROP/logs"

FTP_USER=wharftest
FTP_PASS=wharfpass
HOST=127.0.0.1

TLS_DIR="$INTEROP/tls"
CERT="$TLS_DIR/cert.pem"
KEY="$TLS_DIR/key.pem"

# Debian packages, each extracted into .interop/pkgs/<package>.
PACKAGES=(vsftpd pure-ftpd proftpd)
# package -> binary inside its dir, and the .debs it is made of. proftpd's
# mod_tls ships in proftpd-mod-crypto; the other modules used are compiled in.
declare -A BIN=([vsftpd]=usr/sbin/vsftpd [pure-ftpd]=usr/sbin/pure-ftpd [proftpd]=usr/sbin/proftpd)
declare -A DEBPKGS=([vsftpd]="vsftpd" [pure-ftpd]="pure-ftpd" [proftpd]="proftpd-core proftpd-mod-crypto")

# Server instances: the three plain ones, then the FTPS ones.
SERVERS=(vsftpd pure-ftpd proftpd vsftpd-tls vsftpd-implicit proftpd-tls pure-ftpd-tls vsftpd-tls10)
# instance -> package, control port, passive range, env var suffix, URL scheme
# (ftp: plain; ftpes: explicit TLS, AUTH TLS; ftps: implicit TLS).
declare -A PKG=([vsftpd]=vsftpd [pure-ftpd]=pure-ftpd [proftpd]=proftpd
    [vsftpd-tls]=vsftpd [vsftpd-implicit]=vsftpd [proftpd-tls]=proftpd
    [pure-ftpd-tls]=pure-ftpd [vsftpd-tls10]=vsftpd)
declare -A PORT=([vsftpd]=2121 [pure-ftpd]=2122 [proftpd]=2123
    [vsftpd-tls]=2124 [vsftpd-implicit]=2125 [proftpd-tls]=2126
    [pure-ftpd-tls]=2127 [vsftpd-tls10]=2128)
declare -A PASV_MIN=([vsftpd]=30000 [pure-ftpd]=30050 [proftpd]=30100
    [vsftpd-tls]=30150 [vsftpd-implicit]=30200 [proftpd-tls]=30250
    [pure-ftpd-tls]=30400 [vsftpd-tls10]=30450)
declare -A PASV_MAX=([vsftpd]=30049 [pure-ftpd]=30099 [proftpd]=30149
    [vsftpd-tls]=30199 [vsftpd-implicit]=30249 [proftpd-tls]=30299
    [pure-ftpd-tls]=30449 [vsftpd-tls10]=30499)
declare -A ENVNAME=([vsftpd]=VSFTPD [pure-ftpd]=PUREFTPD [proftpd]=PROFTPD
    [vsftpd-tls]=VSFTPD_TLS [vsftpd-implicit]=VSFTPD_IMPLICIT [proftpd-tls]=PROFTPD_TLS
    [pure-ftpd-tls]=PUREFTPD_TLS [vsftpd-tls10]=VSFTPD_TLS10)
declare -A SCHEME=([vsftpd]=ftp [pure-ftpd]=ftp [proftpd]=ftp
    [vsftpd-tls]=ftpes [vsftpd-implicit]=ftps [proftpd-tls]=ftpes
    [pure-ftpd-tls]=ftpes [vsftpd-tls10]=ftpes)

# Tools used by tests/benchmarks/checks (command -> Debian package).
declare -A TOOLS=([curl]=curl [lftp]=lftp [python3]=python3 [openssl]=openssl)

START_TIMEOUT=${WHARF_INTEROP_START_TIMEOUT:-20}   # seconds per server

export DEBIAN_FRONTEND=noninteractive

log() { printf 'interop: %s\n' "$*" >&2; }
die() { printf 'interop: error: %s\n' "$*" >&2; exit 1; }

need_root() {
    [[ $(id -u) -eq 0 ]] && return 0
    if command -v sudo >/dev/null 2>&1; then
        exec sudo -E bash "$0" "$@"
    fi
    die "must run as root (apt-get, useradd, and the servers need it)"
}

# ---------------------------------------------------------------- install --

APT_UPDATED=0
apt_update_once() {
    if [[ $APT_UPDATED -eq 0 ]]; then
        log "apt-get update"
        apt-get update -qq </dev/null
        APT_UPDATED=1
    fi
}

apt_install() {
    [[ $# -gt 0 ]] || return 0
    apt_update_once
    log "apt-get install $*"
    apt-get install -y -qq --no-install-recommends "$@" </dev/null >/dev/null
}

pkg_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# Print the "not found" sonames of every ELF file in an extracted package.
missing_libs() {
    local dir=$1 f d dirs=()
    for d in usr/sbin usr/bin usr/lib; do [[ -d $dir/$d ]] && dirs+=("$dir/$d"); done
    find "${dirs[@]}" -type f |
        while read -r f; do
            head -c4 "$f" 2>/dev/null | grep -q $'^\x7fELF' || continue
            ldd "$f" 2>/dev/null | awk '/not found/ {print $1}' || true
        done | sort -u
}

# Library package names (lib*) from the Depends: of the downloaded .debs.
lib_depends() {
    local name=$1 deb
    for deb in "$PKGS/$name/.debs"/*.deb; do
        dpkg-deb -f "$deb" Depends Pre-Depends | sed 's/^[A-Za-z-]*: //'
    done | tr ',' '\n' | sed 's/([^)]*)//g; s/|.*//; s/:any//; s/ //g' |
        grep '^lib' | sort -u
}

extract_server() {
    local name=$1 dest="$PKGS/$1" p
    local want="${DEBPKGS[$name]}" wantv
    read -r -a wantv <<<"$want"
    if [[ -x "$dest/${BIN[$name]}" && -f "$dest/.done" && "$(cat "$dest/.done")" == "$want" ]]; then
        return 0
    fi
    apt_update_once
    log "downloading + extracting $name ($want)"
    rm -rf "${dest:?}" "${DEBS:?}/${name:?}"
    mkdir -p "$DEBS/$name" "$dest/.debs"
    # Downloaded as root into a root-owned dir; tell apt not to drop to _apt.
    (cd "$DEBS/$name" && apt-get download -qq -o APT::Sandbox::User=root "${wantv[@]}" </dev/null)
    for p in "$DEBS/$name"/*.deb; do
        dpkg -x "$p" "$dest"
        cp "$p" "$dest/.debs/"
    done
    [[ -x "$dest/${BIN[$name]}" ]] || die "$name: ${BIN[$name]} not found after extracting $want"
    printf '%s' "$want" >"$dest/.done"
}

cmd_install() {
    local name missing libs=() sys=() t
    mkdir -p "$PKGS" "$DEBS"
    for name in "${PACKAGES[@]}"; do
        extract_server "$name"
    done

    # Runtime libraries of the extracted binaries (libwrap0 for vsftpd,
    # libmemcached/libhiredis/libpcre2-posix for proftpd, libsodium23 for
    # proftpd-mod-crypto's modules, ...), installed the normal way. Only
    # when ldd actually reports something missing.
    for name in "${PACKAGES[@]}"; do
        missing=$(missing_libs "$PKGS/$name")
        if [[ -n $missing ]]; then
            log "$name is missing: ${missing//$'\n'/ }"
            for t in $(lib_depends "$name"); do
                pkg_installed "$t" || libs+=("$t")
            done
        fi
    done
    # PAM's pam_unix (vsftpd authenticates through PAM).
    pkg_installed libpam-modules || sys+=(libpam-modules)
    for t in "${!TOOLS[@]}"; do
        command -v "$t" >/dev/null 2>&1 || sys+=("${TOOLS[$t]}")
    done
    if [[ ${#libs[@]} -gt 0 || ${#sys[@]} -gt 0 ]]; then
        apt_install ${libs[@]+"${libs[@]}"} ${sys[@]+"${sys[@]}"}
    fi

    for name in "${PACKAGES[@]}"; do
        missing=$(missing_libs "$PKGS/$name")
        [[ -z $missing ]] || die "$name still lacks libraries after install: ${missing//$'\n'/ }"
    done
    log "install ok: ${PACKAGES[*]} in $PKGS"
}

# ------------------------------------------------------------ test user --

user_home() { getent passwd "$FTP_USER" | cut -d: -f6; }
user_uid() { id -u "$FTP_USER"; }

ensure_user() {
    if ! id "$FTP_USER" >/dev/null 2>&1; then
        log "creating user $FTP_USER"
        # Empty skel: no .bashrc/.profile, so listings hold only the test tree.
        local skel="$INTEROP/empty-skel"
        mkdir -p "$skel"
        useradd --create-home --skel "$skel" --shell /bin/bash \
            --comment "wharf interop tests" "$FTP_USER"
    fi
    # Always (re)set the password: cheap, and repairs a user made elsewhere.
    echo "$FTP_USER:$FTP_PASS" | chpasswd
    local home; home=$(user_home)
    [[ -d $home ]] || { mkdir -p "$home"; chown "$FTP_USER:" "$home"; }
}

# Known files. Rewritten on every start so their content is always known,
# with a fixed mtime (2024-01-02 03:04:05 UTC; MDTM 20240102030405) so
# tests can check dates; anything else tests uploaded is left alone.
write_test_tree() {
    local home; home=$(user_home)
    HOME_DIR="$home" python3 - <<'PY'
import os
home = os.environ["HOME_DIR"]
MTIME = 1704164645  # 2024-01-02T03:04:05Z
files = {
    "hello.txt": b"hello wharf\n",
    "empty.txt": b"",
    "with space.txt": b"a name with a space\n",
    "\u00fcbung.txt": "\u00dcbung macht den Meister\n".encode("utf-8"),
    "lines.txt": b"".join(b"line %04d\n" % i for i in range(1, 1001)),
    "crlf.txt": b"one\r\ntwo\r\nthree\r\n",
    "binary.bin": bytes(range(256)) * 4,          # 1024 bytes, all byte values
    "nested/readme.txt": b"nested readme\n",
    "nested/deeper/deep.txt": b"deep file\n",
    "nested/deeper/data.bin": bytes((i * 7) % 256 for i in range(4096)),
}
for rel, data in files.items():
    path = os.path.join(home, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path, "rb") as f:
            same = f.read() == data
    except FileNotFoundError:
        same = False
    if not same:
        with open(path, "wb") as f:
            f.write(data)
    os.utime(path, (MTIME, MTIME))
os.makedirs(os.path.join(home, "upload"), exist_ok=True)
PY
    chown -R "$FTP_USER:" "$home/hello.txt" "$home/empty.txt" "$home/with space.txt" \
        "$home/übung.txt" "$home/lines.txt" "$home/crlf.txt" "$home/binary.bin" \
        "$home/nested" "$home/upload"
}

# ---------------------------------------------------------------- configs --

PAM_SERVICE=wharf-vsftpd
ensure_pam() {
    local f="/etc/pam.d/$PAM_SERVICE"
    local want
    want=$'# written by wharf scripts/interop-servers.sh (vsftpd test server)\nauth\trequired\tpam_unix.so\naccount\trequired\tpam_unix.so\nsession\trequired\tpam_unix.so'
    if [[ ! -f $f || "$(cat "$f")" != "$want" ]]; then
        printf '%s\n' "$want" >"$f"
    fi
}

# ------------------------------------------------------------ certificate --

# One self-signed certificate for every FTPS server: CN=localhost,
# subjectAltName DNS:localhost + IP:127.0.0.1, valid for a year, an end-entity
# certificate (CA:FALSE). Made again when missing or within a week of expiry;
# CERT_NEW=1 then, so servers still holding the old one get restarted.
CERT_NEW=0
ensure_cert() {
    mkdir -p "$TLS_DIR"
    chmod 755 "$TLS_DIR"
    if [[ -s $CERT && -s $KEY ]] &&
        openssl x509 -in "$CERT" -noout -checkend $((7 * 86400)) >/dev/null 2>&1; then
        return 0
    fi
    command -v openssl >/dev/null 2>&1 || die "openssl is missing; run: scripts/interop-servers.sh install"
    log "creating the FTPS certificate $CERT"
    rm -f "$CERT.tmp" "$KEY.tmp"
    (umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
        -keyout "$KEY.tmp" -out "$CERT.tmp" -subj "/CN=localhost" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -addext "basicConstraints=critical,CA:FALSE" \
        -addext "keyUsage=critical,digitalSignature,keyEncipherment" \
        -addext "extendedKeyUsage=serverAuth" 2>/dev/null) ||
        die "openssl could not make the certificate"
    chmod 644 "$CERT.tmp"
    chmod 600 "$KEY.tmp"
    mv -f "$KEY.tmp" "$KEY"
    mv -f "$CERT.tmp" "$CERT"
    CERT_NEW=1
}

# SHA256:AB:CD:... of the certificate's DER (what a pinning client compares).
cert_fingerprint() {
    local fp
    fp=$(openssl x509 -in "$CERT" -noout -fingerprint -sha256 2>/dev/null) || return 1
    fp=${fp#*=}
    [[ -n $fp ]] || return 1
    echo "SHA256:${fp^^}"
}

# ---------------------------------------------------------------- configs --

is_tls() { [[ ${SCHEME[$1]} != ftp ]]; }

# vsftpd config of instance <name>: the plain settings (for `vsftpd` exactly
# what tests/interop_limits.rs and scripts/bench-transfer.sh derive theirs
# from), then the TLS ones.
vsftpd_conf() {
    local name=$1 ssl=NO
    is_tls "$name" && ssl=YES
    cat <<EOF
# generated by scripts/interop-servers.sh
listen=YES
listen_ipv6=NO
listen_address=$HOST
listen_port=${PORT[$name]}
background=NO
seccomp_sandbox=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
chroot_local_user=NO
pam_service_name=$PAM_SERVICE
secure_chroot_dir=$INTEROP/vsftpd-empty
userlist_enable=NO
tcp_wrappers=NO
ssl_enable=$ssl
pasv_enable=YES
pasv_min_port=${PASV_MIN[$name]}
pasv_max_port=${PASV_MAX[$name]}
port_enable=YES
connect_from_port_20=NO
utf8_filesystem=YES
async_abor_enable=YES
ls_recurse_enable=YES
dirmessage_enable=NO
use_localtime=NO
hide_ids=NO
max_clients=0
max_per_ip=0
xferlog_enable=YES
xferlog_std_format=NO
log_ftp_protocol=YES
vsftpd_log_file=$(logfile "$name")
ftpd_banner=wharf interop $name
EOF
    is_tls "$name" || return 0
    cat <<EOF
# FTPS: TLS required for login and data; each data connection must resume
# the control connection's TLS session (require_ssl_reuse, vsftpd's default).
rsa_cert_file=$CERT
rsa_private_key_file=$KEY
force_local_logins_ssl=YES
force_local_data_ssl=YES
require_ssl_reuse=YES
ssl_sslv2=NO
ssl_sslv3=NO
debug_ssl=YES
EOF
    case $name in
        vsftpd-tls | vsftpd-implicit)
            # TLS 1.2 and 1.3 (vsftpd 3.0.3 has no switch for either; TLS 1.1
            # is refused by OpenSSL 3's default security level).
            echo "ssl_tlsv1=NO"
            ;;
        vsftpd-tls10)
            # TLS 1.0 only: vsftpd 3.0.3 knows ssl_sslv2/ssl_sslv3/ssl_tlsv1
            # and nothing newer (ssl_tlsv1_1 and up are "unrecognised"), so
            # the upper bound comes from $CONF/openssl-tls10.cnf (OPENSSL_CONF,
            # MaxProtocol = TLSv1). OpenSSL 3 needs security level 0 for TLS 1.0.
            echo "ssl_tlsv1=YES"
            echo "ssl_ciphers=DEFAULT@SECLEVEL=0"
            ;;
    esac
    [[ $name == vsftpd-implicit ]] && echo "implicit_ssl=YES"
    return 0
}

proftpd_conf() {
    local name=$1
    cat <<EOF
# generated by scripts/interop-servers.sh
ServerName              "wharf interop $name"
ServerIdent             on "wharf interop $name"
ServerType              standalone
UseIPv6                 off
DefaultAddress          $HOST
SocketBindTight         on
Port                    ${PORT[$name]}
PassivePorts            ${PASV_MIN[$name]} ${PASV_MAX[$name]}
User                    nobody
Group                   nogroup
Umask                   022
MaxInstances            50
PidFile                 $(pidfile "$name")
ScoreboardFile          $RUN/$name.scoreboard
SystemLog               $(logfile "$name")
TransferLog             $LOGS/$name.xferlog
WtmpLog                 off
UseReverseDNS           off
UseFtpUsers             off
DelayEngine             off
AuthOrder               mod_auth_unix.c
RequireValidShell       off
AllowOverwrite          on
TimesGMT                on
# mod_digest (in proftpd-core): HASH (FEAT: CRC32;MD5;SHA-1*;SHA-256;SHA-512)
# and XCRC/XMD5/XSHA1/XSHA256/XSHA512, for checking copies against the
# server's checksum.
ModulePath              $PKGS/proftpd/usr/lib/proftpd
LoadModule              mod_digest.c
DigestEngine            on
<Limit LOGIN>
  AllowAll
</Limit>
<Directory />
  AllowOverwrite        on
  <Limit ALL>
    AllowAll
  </Limit>
</Directory>
EOF
    is_tls "$name" || return 0
    cat <<EOF
# FTPS (mod_tls from proftpd-mod-crypto): TLS required on control and data
# connections, TLS 1.2 and 1.3. Data connections must resume the control
# connection's TLS session: proftpd's default (no NoSessionReuseRequired).
LoadModule              mod_tls.c
TLSEngine               on
TLSLog                  $LOGS/$name.tls.log
TLSRequired             on
TLSProtocol             TLSv1.2 TLSv1.3
TLSRSACertificateFile   $CERT
TLSRSACertificateKeyFile $KEY
TLSVerifyClient         off
EOF
}

write_configs() {
    local name
    mkdir -p "$CONF" "$RUN" "$LOGS" "$INTEROP/vsftpd-empty"
    chmod 755 "$INTEROP" "$CONF" "$RUN" "$LOGS"
    chmod 755 "$INTEROP/vsftpd-empty"
    # must stay empty and not writable by the ftp user
    find "$INTEROP/vsftpd-empty" -mindepth 1 -delete

    for name in "${SERVERS[@]}"; do
        case ${PKG[$name]} in
            vsftpd) vsftpd_conf "$name" >"$CONF/$name.conf" ;;
            proftpd) proftpd_conf "$name" >"$CONF/$name.conf" ;;
        esac
    done

    # OpenSSL settings of vsftpd-tls10 only (its process's OPENSSL_CONF).
    cat >"$CONF/openssl-tls10.cnf" <<EOF
# generated by scripts/interop-servers.sh: TLS 1.0 and nothing else
openssl_conf = wharf_tls10
[wharf_tls10]
ssl_conf = wharf_tls10_ssl
[wharf_tls10_ssl]
system_default = wharf_tls10_default
[wharf_tls10_default]
MinProtocol = TLSv1
MaxProtocol = TLSv1
CipherString = DEFAULT@SECLEVEL=0
EOF
}

# ------------------------------------------------------------- processes --

pidfile() { echo "$RUN/$1.pid"; }
logfile() { echo "$LOGS/$1.log"; }

# The executable of instance <name>. The plain servers run their package's
# binary; every other instance runs a hard link of it named after the
# instance (.interop/pkgs/vsftpd/usr/sbin/vsftpd-tls, ...), so that
# /proc/<pid>/exe tells the instances apart (stop, status, lost pid files).
exe_of() {
    local name=$1 pkg=${PKG[$1]} bin
    bin="$PKGS/$pkg/${BIN[$pkg]}"
    if [[ $name == "$pkg" ]]; then echo "$bin"; else echo "${bin%/*}/$name"; fi
}

link_exe() {
    local name=$1 pkg=${PKG[$1]} bin exe
    bin="$PKGS/$pkg/${BIN[$pkg]}"
    exe=$(exe_of "$name")
    [[ $exe == "$bin" || $exe -ef $bin ]] && return 0
    ln -f "$bin" "$exe" 2>/dev/null || cp -f "$bin" "$exe"
}

# Does <pid> run the executable <path>?
runs_exe() {
    local path=$1 pid=$2 exe
    [[ -n $pid && -d /proc/$pid ]] || return 1
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
    [[ ${exe% (deleted)} == "$path" ]]
}

# Is <pid> a running instance of *our* <name> (its exact executable)?
is_ours() { runs_exe "$(exe_of "$1")" "$2"; }

running_pid() {
    local name=$1 f pid
    f=$(pidfile "$name")
    [[ -f $f ]] || return 1
    pid=$(cat "$f")
    is_ours "$name" "$pid" || return 1
    echo "$pid"
}

# Read the greeting on 127.0.0.1:<port>; succeed if it is a 220.
answers_220() {
    local port=$1 line=""
    (
        exec 3<>"/dev/tcp/$HOST/$port" || exit 1
        IFS= read -r -t 3 line <&3 || exit 1
        printf 'QUIT\r\n' >&3 || true
        exec 3>&- 3<&-
        [[ $line == 220* ]]
    ) 2>/dev/null
}

# The same over implicit TLS (the greeting comes after the handshake).
answers_220_tls() {
    python3 -c '
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
try:
    with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3) as s:
        with ctx.wrap_socket(s) as t:
            line = t.makefile("rb").readline()
            t.sendall(b"QUIT\r\n")
except (OSError, ValueError):
    sys.exit(1)
sys.exit(0 if line.startswith(b"220") else 1)
' "$HOST" "$1" 2>/dev/null
}

answers() {
    local name=$1
    if [[ ${SCHEME[$name]} == ftps ]]; then
        answers_220_tls "${PORT[$name]}"
    else
        answers_220 "${PORT[$name]}"
    fi
}

# Start <name> in the background (the caller waits for it: wait_server).
# Succeeds without starting anything when it already runs; sets LAUNCHED.
LAUNCHED=""
launch_server() {
    local name=$1 port=${PORT[$1]} pid log exe uid tls=()
    LAUNCHED=""
    log=$(logfile "$name")
    exe=$(exe_of "$name")

    if pid=$(running_pid "$name"); then
        if [[ $CERT_NEW -eq 1 ]] && is_tls "$name"; then
            log "$name (pid $pid) has the old certificate; restarting it"
            stop_server "$name"
        elif answers "$name"; then
            log "$name already running (pid $pid, port $port)"
            return 0
        else
            log "$name pid $pid is alive but not answering; restarting it"
            stop_server "$name"
        fi
    fi
    if answers "$name"; then
        die "port $port (for $name) already answers FTP but not from this checkout's $name; stop that server first (ss -ltnp 'sport = :$port')"
    fi
    link_exe "$name"

    printf '\n==== %s start %s ====\n' "$name" "$(date -u +%FT%TZ)" >>"$log"
    case $name in
        vsftpd | vsftpd-tls | vsftpd-implicit)
            nohup "$exe" "$CONF/$name.conf" </dev/null >>"$log" 2>&1 &
            ;;
        vsftpd-tls10)
            OPENSSL_CONF="$CONF/openssl-tls10.cnf" \
                nohup "$exe" "$CONF/$name.conf" </dev/null >>"$log" 2>&1 &
            ;;
        pure-ftpd | pure-ftpd-tls)
            uid=$(user_uid)
            # -Y 2: cleartext sessions refused (TLS for the control
            # connection; data connections as the client asks with PROT).
            # -2 cert,key: the certificate (default /etc/ssl/private/pure-ftpd.pem).
            [[ $name == pure-ftpd-tls ]] && tls=(-Y 2 -2 "$CERT,$KEY")
            # -S bind addr,port  -p passive range  -l unix: /etc/passwd+shadow
            # -E no anonymous    -u min uid (default refuses uid < 1000)
            # -H don't resolve   -L max files in a listing (default 10000 would
            #                       truncate bench-tree's 100,000-file folder)
            # -4 IPv4 only      -O transfer log.  No -B: stays in foreground.
            nohup "$exe" -S "$HOST,$port" -4 -p "${PASV_MIN[$name]}:${PASV_MAX[$name]}" \
                -l unix -E -u "$(( uid < 1000 ? uid : 1000 ))" -H -L 1000000:64 \
                -O "clf:$LOGS/$name.xferlog" -f none ${tls[@]+"${tls[@]}"} \
                </dev/null >>"$log" 2>&1 &
            ;;
        proftpd | proftpd-tls)
            nohup "$exe" -n -c "$CONF/$name.conf" </dev/null >>"$log" 2>&1 &
            ;;
    esac
    pid=$!
    echo "$pid" >"$(pidfile "$name")"
    LAUNCHED=$pid
}

# Wait until <name> (pid <pid>) greets with 220.
wait_server() {
    local name=$1 pid=$2 log
    log=$(logfile "$name")
    local deadline=$((SECONDS + START_TIMEOUT))
    until answers "$name"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "---- last lines of $log ----" >&2; tail -n 20 "$log" >&2 || true
            die "$name exited during startup; see $log"
        fi
        if (( SECONDS >= deadline )); then
            echo "---- last lines of $log ----" >&2; tail -n 20 "$log" >&2 || true
            die "$name (pid $pid) did not answer 220 on $HOST:${PORT[$name]} within ${START_TIMEOUT}s; see $log"
        fi
        sleep 0.1
    done
    log "$name up: pid $pid, ${SCHEME[$name]}://$HOST:${PORT[$name]}, passive ${PASV_MIN[$name]}-${PASV_MAX[$name]}, log $log"
}

stop_server() {
    local name=$1 pid pids=() p i exe
    exe=$(exe_of "$name")
    if pid=$(running_pid "$name"); then pids+=("$pid"); fi
    # Also catch a listener of this checkout whose pid file was lost
    # (matched by its exact executable under .interop/pkgs/<package>).
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        [[ " ${pids[*]-} " == *" $p "* ]] && continue
        runs_exe "$exe" "$p" && pids+=("$p")
    done
    rm -f "$(pidfile "$name")"
    [[ ${#pids[@]} -gt 0 ]] || return 0
    kill -TERM "${pids[@]}" 2>/dev/null || true
    # is_ours (not kill -0): an exited server may linger as a zombie until
    # its new parent reaps it, and a zombie has no /proc/<pid>/exe.
    local alive=()
    for ((i = 0; i < 50; i++)); do
        alive=()
        for p in "${pids[@]}"; do runs_exe "$exe" "$p" && alive+=("$p"); done
        [[ ${#alive[@]} -eq 0 ]] && break
        sleep 0.1
    done
    if [[ ${#alive[@]} -gt 0 ]]; then
        log "$name: pid ${alive[*]} ignored SIGTERM for 5s; sending SIGKILL"
        kill -KILL "${alive[@]}" 2>/dev/null || true
    fi
    log "$name stopped (pid ${pids[*]})"
}

cmd_start() {
    local name pkg
    for pkg in "${PACKAGES[@]}"; do
        [[ -x "$PKGS/$pkg/${BIN[$pkg]}" ]] ||
            die "$pkg is not installed; run: scripts/interop-servers.sh install"
    done
    [[ -f "$PKGS/proftpd/usr/lib/proftpd/mod_tls.so" ]] ||
        die "proftpd's mod_tls is not installed; run: scripts/interop-servers.sh install"
    ensure_user
    write_test_tree
    ensure_pam
    ensure_cert
    write_configs
    # All at once, then wait for each: they start in parallel.
    local -A started=()
    for name in "${SERVERS[@]}"; do
        launch_server "$name"
        [[ -n $LAUNCHED ]] && started[$name]=$LAUNCHED
    done
    for name in "${SERVERS[@]}"; do
        [[ -n ${started[$name]-} ]] && wait_server "$name" "${started[$name]}"
    done
    return 0
}

cmd_stop() {
    local name
    for name in "${SERVERS[@]}"; do stop_server "$name"; done
}

cmd_status() {
    local name pid rc=0
    for name in "${SERVERS[@]}"; do
        if pid=$(running_pid "$name") && answers "$name"; then
            echo "$name: running (pid $pid, ${SCHEME[$name]}://$HOST:${PORT[$name]})"
        else
            echo "$name: stopped"; rc=3
        fi
    done
    return $rc
}

# One URL per server (ftp:// plain, ftpes:// explicit TLS, ftps:// implicit
# TLS), the FTPS certificate and its SHA-256 fingerprint, the home folder.
cmd_env() {
    local name fp
    for name in "${SERVERS[@]}"; do
        echo "export WHARF_INTEROP_${ENVNAME[$name]}=${SCHEME[$name]}://$FTP_USER:$FTP_PASS@$HOST:${PORT[$name]}"
    done
    # The certificate every FTPS server presents (self-signed), for tests
    # that pin it: WHARF_INTEROP_TLS_FINGERPRINT=SHA256:AB:CD:... (upper-case
    # hex pairs of the SHA-256 of its DER).
    echo "export WHARF_INTEROP_TLS_CERT=$CERT"
    if [[ -r $CERT ]] && fp=$(cert_fingerprint); then
        echo "export WHARF_INTEROP_TLS_FINGERPRINT=$fp"
    else
        log "no certificate at $CERT yet (scripts/interop-servers.sh start makes it)"
    fi
    # Where the servers' root (the user's home) is on disk, for tests that
    # check uploads server-side.
    local home
    home=$(getent passwd "$FTP_USER" | cut -d: -f6 || true)
    echo "export WHARF_INTEROP_HOME=${home:-/home/$FTP_USER}"
}

# ----------------------------------------------------------------- check --

# Smoke test of each running plain server with curl: list (home, nested),
# a download, an upload, in EPSV, PASV, EPRT and PORT mode. Then the FTPS
# servers: scripts/check-ftps-servers.sh.
PLAIN_SERVERS=(vsftpd pure-ftpd proftpd)
cmd_check() {
    local name port url mode opts got fails=0
    local tmp; tmp=$(mktemp)
    # Anonymous must be refused. Failed logins are slow on purpose (vsftpd
    # ~3 s, pure-ftpd ~4 s), so probe all three at once in the background.
    local -A anon_pid=()
    for name in "${PLAIN_SERVERS[@]}"; do
        curl -sS --max-time 15 "ftp://$HOST:${PORT[$name]}/" >/dev/null 2>&1 &
        anon_pid[$name]=$!
    done
    for name in "${PLAIN_SERVERS[@]}"; do
        port=${PORT[$name]}
        url="ftp://$FTP_USER:$FTP_PASS@$HOST:$port"
        for mode in epsv pasv eprt port; do
            case $mode in
                epsv) opts=() ;;
                pasv) opts=(--disable-epsv) ;;
                eprt) opts=(--ftp-port "$HOST") ;;
                port) opts=(--ftp-port "$HOST" --disable-eprt) ;;
            esac
            local c=(curl -sS --max-time 10 "${opts[@]}")
            if ! got=$("${c[@]}" "$url/" 2>&1) || [[ $got != *hello.txt* ]]; then
                log "check $name $mode: LIST / failed: $got"; fails=$((fails + 1)); continue
            fi
            if ! got=$("${c[@]}" -l "$url/nested/deeper/" 2>&1) || [[ $got != *deep.txt* ]]; then
                log "check $name $mode: NLST nested/deeper/ failed: $got"; fails=$((fails + 1)); continue
            fi
            if ! got=$("${c[@]}" "$url/hello.txt" 2>&1) || [[ $got != "hello wharf" ]]; then
                log "check $name $mode: RETR hello.txt failed: $got"; fails=$((fails + 1)); continue
            fi
            printf 'check %s %s %s\n' "$name" "$mode" "$$" >"$tmp"
            if ! got=$("${c[@]}" -T "$tmp" "$url/upload/.check-$mode" 2>&1) ||
                ! got=$("${c[@]}" "$url/upload/.check-$mode" 2>&1) ||
                [[ $got != "$(cat "$tmp")" ]]; then
                log "check $name $mode: STOR/RETR upload/.check-$mode failed: $got"; fails=$((fails + 1)); continue
            fi
            "${c[@]}" -o /dev/null -Q "DELE upload/.check-$mode" "$url/" >/dev/null 2>&1 || true
        done
        log "check $name: done (see $(logfile "$name"))"
    done
    rm -f "$tmp"
    for name in "${PLAIN_SERVERS[@]}"; do
        if wait "${anon_pid[$name]}"; then
            log "check $name: anonymous login was accepted"; fails=$((fails + 1))
        fi
    done
    [[ $fails -eq 0 ]] || die "$fails interop server check(s) failed"
    log "check ok: the plain servers list/get/put in EPSV, PASV, EPRT and PORT mode"
    bash "$ROOT/scripts/check-ftps-servers.sh"
}

# ------------------------------------------------------------ bench tree --

cmd_bench_tree() {
    id "$FTP_USER" >/dev/null 2>&1 || ensure_user
    local home; home=$(user_home)
    local n=100000 size=$((1024 * 1024 * 1024))
    if [[ -d $home/big && $(find "$home/big" -maxdepth 1 -type f -name 'file_*.dat' | wc -l) -eq $n ]]; then
        log "$home/big already has $n files"
    else
        log "creating $home/big with $n empty files"
        rm -rf "$home/big.tmp"
        DIR="$home/big.tmp" N=$n python3 -c '
import os
d = os.environ["DIR"]; n = int(os.environ["N"])
os.mkdir(d)
for i in range(1, n + 1):
    os.close(os.open("%s/file_%06d.dat" % (d, i), os.O_CREAT | os.O_WRONLY, 0o644))
'
        chown -R "$FTP_USER:" "$home/big.tmp"
        rm -rf "$home/big"
        mv "$home/big.tmp" "$home/big"
    fi
    if [[ -f $home/big.bin && $(stat -c %s "$home/big.bin") -eq $size ]]; then
        log "$home/big.bin already 1 GiB"
    else
        log "creating $home/big.bin (1 GiB from /dev/urandom)"
        head -c "$size" /dev/urandom >"$home/big.bin.tmp"
        chown "$FTP_USER:" "$home/big.bin.tmp"
        mv "$home/big.bin.tmp" "$home/big.bin"
    fi
}

# ------------------------------------------------------------------ main --

usage() {
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
}

main() {
    local cmd=${1:-}
    case $cmd in
        install | start | stop | restart | status | bench-tree) need_root "$@" ;;
    esac
    case $cmd in
        install) cmd_install ;;
        start) cmd_start ;;
        stop) cmd_stop ;;
        restart) cmd_stop; cmd_start ;;
        status) cmd_status ;;
        check) cmd_check ;;
        env) cmd_env ;;
        bench-tree) cmd_bench_tree ;;
        -h | --help | help) usage ;;
        *) usage >&2; exit 2 ;;
    esac
}

main "$@"
