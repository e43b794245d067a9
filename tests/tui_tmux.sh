#!/usr/bin/env bash
# Drives the `unitcycle` terminal app in a real terminal (tmux): opens it on a fresh demo
# replica, walks dashboard → lease table → lease detail, gives notice through the form, and
# checks the screen after each step. Skips cleanly when tmux is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."

source tests/lib/tmux.sh

"$BIN" --db "$DB" demo --units 120 --seed 42 --today "$TODAY" 2>/dev/null
# The app runs the jobs it owes when it opens; classify first so the lease picked stays active.
"$BIN" --db "$DB" jobs run lifecycle-classify --today "$TODAY" >/dev/null
LEASE="$("$BIN" --db "$DB" lifecycle list --status active --limit 1 --today "$TODAY" --json |
    grep -o '"lease_number": *"[^"]*"' | head -1 | sed 's/.*"\(L-[0-9]*\)"/\1/')"
[ -n "$LEASE" ] || fail "no active lease in the demo replica"

tmux new-session -d -s "$SESSION" -x 120 -y 40 \
    "env COLORTERM=truecolor TERM=xterm-256color '$BIN' --db '$DB' --today $TODAY"
expect "Leases by lifecycle state"
expect "local only"

tmux send-keys -t "$SESSION" 3
expect "Lease 1 of 120"
tmux send-keys -t "$SESSION" '?'
expect "Filter by state"
tmux send-keys -t "$SESSION" Escape
tmux send-keys -t "$SESSION" ':' "lease $LEASE" Enter
expect "Status history"
tmux send-keys -t "$SESSION" n
expect "Move-out date"
tmux send-keys -t "$SESSION" Tab Tab "Job relocation" Enter
expect "Give notice on lease $LEASE"
tmux send-keys -t "$SESSION" y
expect "Saved: Active → Notice Given"
expect "Job relocation"

# A small terminal gets a message, and the app comes back when it grows.
tmux resize-window -t "$SESSION" -x 70 -y 20
expect "Terminal too small (need 80×24)"
tmux resize-window -t "$SESSION" -x 120 -y 40
expect "Notice Given"

tmux send-keys -t "$SESSION" q
for _ in $(seq 1 50); do
    tmux has-session -t "$SESSION" 2>/dev/null || break
    sleep 0.1
done
tmux has-session -t "$SESSION" 2>/dev/null && fail "the app did not quit on q"

# The change reached the replica.
"$BIN" --db "$DB" lifecycle show "$LEASE" --today "$TODAY" | grep -q "Notice" || fail "lease $LEASE is not in notice in the replica"
# With no replica at the path, `unitcycle` creates the demo portfolio first, then opens the app.
tmux new-session -d -s "$SESSION" -x 100 -y 30 "'$BIN' --db '$WORK/fresh.db' --today $TODAY"
# A debug build drafts a day of letters for 1,200 units first: allow a minute on a busy machine.
expect "Leases by lifecycle state" 600
tmux send-keys -t "$SESSION" C-c
for _ in $(seq 1 50); do
    tmux has-session -t "$SESSION" 2>/dev/null || break
    sleep 0.1
done
tmux has-session -t "$SESSION" 2>/dev/null && fail "the app did not quit on Ctrl-C"
[ -f "$WORK/fresh.db" ] || fail "no demo replica was created"
echo "ok: tui driven in tmux (dashboard, lease table, help, give notice, resize, quit)"
