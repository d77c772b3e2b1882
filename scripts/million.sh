#!/usr/bin/env bash
# A folder of 1,000,000 entries against the real binary (tests/million.rs
# with WHARF_BIG_LISTING=1000000): peak memory of `wharf ls -U`, sorted
# `wharf ls` and the TUI, and the TUI's key latency while the listing
# arrives and is sorted, with the worst key held to 50 ms
# (WHARF_KEY_LIMIT_MS). The suite runs the same tests with 200,000.
#   PROFILE=release scripts/million.sh   the build users install (slow to build)
#   scripts/million.sh                   a debug build
# Best on a quiet machine: a shared one adds pauses of its own.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PROFILE=${PROFILE:-dev}
export WHARF_BIG_LISTING=${WHARF_BIG_LISTING:-1000000}
export WHARF_KEY_LIMIT_MS=${WHARF_KEY_LIMIT_MS:-50}
cargo test --profile "$PROFILE" --test million -- --nocapture --test-threads 1 2>&1 |
    grep -E '^(ls|TUI|sorted|slow)|test result|panicked|worst'
