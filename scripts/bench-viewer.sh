#!/usr/bin/env bash
# The viewer over a big local file, issue 13's targets: a 1 GiB file shows
# its first screen in ≤ 100 ms and its last in ≤ 100 ms, in ≤ 64 MiB.
# Builds the bench in release mode (cargo bench), writes the file in
# /dev/shm (WHARF_BENCH_DIR to change it; WHARF_BENCH_MIB for its size in
# MiB, default 1024), drives wharf's own `update` (F3, End, PageUp, Home)
# and the search's scan over it, and prints the times and the peak memory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo bench --locked --quiet --bench viewer
