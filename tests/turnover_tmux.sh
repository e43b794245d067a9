#!/usr/bin/env bash
# Drives the turnover board in a real terminal (tmux): on the demo replica with the
# turnover-daily job run (a case for each lease under notice), opens the board with 7, reads
# the selected card, presses `>` and checks the confirm line says from which stage to which,
# answers `y` and checks the card moved; then starts the app again and checks the board still
# shows it moved (it was written to the replica). Skips without tmux.
set -euo pipefail
export LC_ALL=C.UTF-8
cd "$(dirname "$0")/.."

source tests/lib/tmux.sh
export UNITCYCLE_AI=offline

"$BIN" --db "$DB" demo --units 120 --seed 42 --today "$TODAY" 2>/dev/null
"$BIN" --db "$DB" jobs run turnover-daily --today "$TODAY" >/dev/null

start() {
    tmux new-session -d -s "$SESSION" -x 120 -y 40 \
        "env COLORTERM=truecolor TERM=xterm-256color UNITCYCLE_AI=offline '$BIN' --db '$DB' --today $TODAY"
    expect "Leases by lifecycle state"
    tmux send-keys -t "$SESSION" 7
    expect "Turnover"
}

stop() {
    tmux send-keys -t "$SESSION" q
    for _ in $(seq 1 50); do
        tmux has-session -t "$SESSION" 2>/dev/null || return 0
        sleep 0.1
    done
    fail "the app did not quit on q"
}

# The column (1 to 5, Notice Given to Leased) of the card of unit $1 marked selected (▸).
column_of() {
    screen | awk -F '│' -v card="▸$1 · " '
        { for (i = 4; i <= NF; i += 2) if (index($i, card) == 1) { print (i - 2) / 2; exit } }'
}

start
expect "Notice Given 8"
expect "Pre-Inspection 0"
# The selected card's unit: `▸A110 · Harbor Vi…`.
card="$(screen | grep -o '▸[^│]*' | head -1)"
unit="${card#▸}"
unit="${unit%% ·*}"
[ -n "$unit" ] || fail "no card is selected on the board"
[ "$(column_of "$unit")" = 1 ] || fail "unit $unit is not selected in the Notice Given column"

tmux send-keys -t "$SESSION" '>'
expect "Move unit $unit · "
screen | grep -F "Move unit $unit · " | grep -qF "from Notice Given to Pre-Inspection? y/n" \
    || fail "the confirm line does not say from which stage to which"
tmux send-keys -t "$SESSION" y
expect "Moved unit $unit · "
expect "Notice Given 7"
expect "Pre-Inspection 1"
[ "$(column_of "$unit")" = 2 ] || fail "unit $unit is not in the Pre-Inspection column"
stop

# Written to the replica: a new run of the app shows the card where it was moved.
start
expect "Pre-Inspection 1"
expect "Notice Given 7"
tmux send-keys -t "$SESSION" l
expect "▸$unit · "
[ "$(column_of "$unit")" = 2 ] || fail "after a restart unit $unit is not in the Pre-Inspection column"
stop
echo "ok: turnover board driven in tmux (> confirm, y moves the card, kept in the replica)"
