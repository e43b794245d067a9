#!/usr/bin/env bash
# Drives tenant screening in a real terminal (tmux): on a demo replica, :screening, a new
# application typed into the intake form for a vacant unit, scored (s) with its factors shown,
# then denied (d) with a reason after the confirm lists the adverse action notice's reasons.
# Skips without tmux.
set -euo pipefail
export LC_ALL=C.UTF-8
cd "$(dirname "$0")/.."

source tests/lib/tmux.sh
export UNITCYCLE_AI=offline

"$BIN" --db "$DB" demo --units 120 --seed 42 --today "$TODAY" 2>/dev/null
unit="$("$BIN" --db "$DB" ask "vacant units at Harbor View" | sed -n 4p | awk -F' [|] ' '{print $2}')"
[ -n "$unit" ] || fail "no vacant unit from \`unitcycle ask\`"

tmux new-session -d -s "$SESSION" -x 150 -y 45 \
    "env COLORTERM=truecolor TERM=xterm-256color UNITCYCLE_AI=offline '$BIN' --db '$DB' --today $TODAY"
expect "Leases by lifecycle state"
tmux send-keys -t "$SESSION" ":screening" Enter
expect "No applications yet"
tmux send-keys -t "$SESSION" n
expect "New application"
for field in "$unit" "Alex" "Rivera" "alex@example.com" "555-0100" "Acme" "1500" "2026-08-01" "" "" "y"; do
    tmux send-keys -t "$SESSION" -l "$field"
    tmux send-keys -t "$SESSION" Tab
done
tmux send-keys -t "$SESSION" Enter
expect "Alex Rivera: submitted"
expect "Applications (1)"
tmux send-keys -t "$SESSION" s
# $1,500 a month, under 4 months employed, an eviction and no landlord: 100 - 35 - 20 - 30 = 15.
expect "score 15 (deny)"
expect "Prior eviction on record"
tmux send-keys -t "$SESSION" d
expect "Reason"
tmux send-keys -t "$SESSION" -l "Income below twice the rent"
tmux send-keys -t "$SESSION" Enter
expect "An adverse action notice is emailed to alex@example.com"
expect "Income below twice the rent"
tmux send-keys -t "$SESSION" y
expect "Alex Rivera: denied"
tmux send-keys -t "$SESSION" q
echo "ok: tenant screening driven in tmux (intake form, score with its factors, denial with the notice's reasons)"
