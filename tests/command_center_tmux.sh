#!/usr/bin/env bash
# Drives the command center in a real terminal (tmux): filter to month-to-month, select three
# units, run a bulk rent-increase notice, and read the result summary. Skips without tmux.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v tmux >/dev/null 2>&1; then
    echo "SKIP tests/command_center_tmux.sh: tmux is not installed"
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
SESSION="unitcycle-cc-$$"
DB="$WORK/replica.db"
TODAY=2026-11-25
export UNITCYCLE_AI=offline

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

# Waits up to 20 s for TEXT to appear on the screen.
expect() {
    for _ in $(seq 1 200); do
        screen | grep -qF -- "$1" && return 0
        sleep 0.1
    done
    fail "expected '$1' on screen"
}

"$BIN" --db "$DB" demo --units 200 --seed 42 --today "$TODAY" 2>/dev/null
"$BIN" --db "$DB" jobs run lifecycle-classify --today "$TODAY" >/dev/null
"$BIN" --db "$DB" jobs run ai-action-queue --today "$TODAY" >/dev/null
before="$("$BIN" --db "$DB" outbox list --limit 1000 --json | grep -c '"idempotency_key"' || true)"

tmux new-session -d -s "$SESSION" -x 120 -y 40 \
    "env COLORTERM=truecolor TERM=xterm-256color UNITCYCLE_AI=offline '$BIN' --db '$DB' --today $TODAY"
expect "Leases by lifecycle state"
tmux send-keys -t "$SESSION" 6
expect "Showing 200 units"
# Month-to-month only, units with an AI action, then three of them.
tmux send-keys -t "$SESSION" M; sleep 0.3; tmux send-keys -t "$SESSION" w; sleep 0.5
expect "AI only [on]"
for key in Space j Space j Space; do tmux send-keys -t "$SESSION" "$key"; sleep 0.3; done
expect "3 selected"
tmux send-keys -t "$SESSION" b
expect "Send via"
# Cycle the panel's action until confirming would send rent increase notices.
found=""
for _ in $(seq 1 7); do
    tmux send-keys -t "$SESSION" Enter
    sleep 0.5
    if screen | grep -qF "Send 3 rent increase notices by email now?"; then
        found=yes
        break
    fi
    tmux send-keys -t "$SESSION" n t
    sleep 0.5
done
[ -n "$found" ] || fail "the bulk panel never offered rent increase notices"
tmux send-keys -t "$SESSION" y
expect "Bulk action finished"
# Units already at market are skipped with their reason; the rest are sent once each.
summary="$(screen | grep -o 'Executed [0-9]* · already done [0-9]* · skipped [0-9]* · messages queued [0-9]*' | head -1)"
[ -n "$summary" ] || fail "no result summary"
read -r executed already skipped queued <<< "$(echo "$summary" | grep -o '[0-9]\+' | tr '\n' ' ')"
[ "$((executed + skipped))" -eq 3 ] && [ "$already" -eq 0 ] && [ "$queued" -eq "$executed" ] || fail "unexpected summary: $summary"

tmux send-keys -t "$SESSION" Escape q q
after="$("$BIN" --db "$DB" outbox list --limit 1000 --json | grep -c '"idempotency_key"' || true)"
[ "$((after - before))" -eq "$queued" ] || fail "expected $queued new outbox messages, found $((after - before))"
echo "ok: command center driven in tmux (MTM filter, 3 selected, bulk rent increase: $summary)"
