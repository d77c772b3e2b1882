#!/usr/bin/env bash
# The whole test suite, set-up included: brings up the interop FTP servers
# (vsftpd, pure-ftpd, proftpd on 127.0.0.1, plain and FTPS; needs root for
# apt-get and the test user the first time), then runs every test with cargo.
#
#   scripts/test.sh                 # everything
#   scripts/test.sh --test engine   # extra arguments go to `cargo test`
#
# The servers keep running afterwards so re-runs are quick;
# `scripts/interop-servers.sh stop` stops them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/interop-servers.sh install
bash scripts/interop-servers.sh start
eval "$(bash scripts/interop-servers.sh env)"
# The interop tests refuse to skip when this is set.
export WHARF_REQUIRE_INTEROP=1

cargo test --locked "$@"
