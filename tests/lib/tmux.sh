# Shared by the tmux scripts (sourced, not run: scripts/test runs tests/*.sh only). Skips the
# caller without tmux, finds the `unitcycle` binary, makes a work directory and a session
# named after the caller, and defines fail, screen and expect.
# shellcheck shell=bash
SCRIPT="tests/$(basename "$0")"
if ! command -v tmux >/dev/null 2>&1; then
    echo "SKIP $SCRIPT: tmux is not installed"
    exit 0
fi

# The workspace build of scripts/test (same features as the tests): nothing is compiled twice.
# UNITCYCLE_BIN names a binary already built instead (e.g. after `cargo build -p unitcycle`
# with a shared target directory).
if [ -z "${UNITCYCLE_BIN:-}" ]; then
    cargo build --workspace --all-targets --locked --quiet
fi
BIN="${UNITCYCLE_BIN:-$PWD/target/debug/unitcycle}"
WORK="$(mktemp -d)"
SESSION="unitcycle-$(basename "$0" .sh)-$$"
DB="$WORK/replica.db"
TODAY=2026-11-25

cleanup() {
    tmux kill-session -t "$SESSION" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $1"
    echo "---- screen ----"
    tmux capture-pane -p -t "$SESSION" || true
    exit 1
}

screen() { tmux capture-pane -p -t "$SESSION"; }

# Waits for TEXT to appear on the screen: up to TRIES tenths of a second (default 20 s).
expect() {
    local text="$1" tries="${2:-200}"
    for _ in $(seq 1 "$tries"); do
        screen | grep -qF -- "$text" && return 0
        sleep 0.1
    done
    fail "expected '$text' on screen"
}
