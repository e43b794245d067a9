#!/usr/bin/env bash
# Drives the portfolio chat in a real terminal (tmux): on a demo replica, asks with :ask for the
# month-to-month leases of the first property and checks the sentence's count against
# `unitcycle ask` (the same rules, run from the command line), sees the table, moves to it with
# Tab and opens the first row's unit with Enter; back in the chat, proposes a work order for that
# unit, reviews it in the confirm (a) and creates it (y). Skips without tmux.
set -euo pipefail
export LC_ALL=C.UTF-8
cd "$(dirname "$0")/.."

source tests/lib/tmux.sh
export UNITCYCLE_AI=offline

"$BIN" --db "$DB" demo --units 300 --seed 42 --today "$TODAY" 2>/dev/null
question="month-to-month leases at Harbor View"
# "9 month-to-month leases at Harbor View Apartments, $17,644.00 in monthly rent. (offline: …)"
said="$("$BIN" --db "$DB" ask "$question" | head -1)"
count="${said%% *}"
[ -n "$count" ] && [ "$count" -gt 0 ] || fail "no month-to-month leases from \`unitcycle ask\`: $said"
first_unit="$("$BIN" --db "$DB" ask "$question" | sed -n 4p | awk -F' [|] ' '{print $2}')"
[ -n "$first_unit" ] || fail "no first row from \`unitcycle ask\`"

tmux new-session -d -s "$SESSION" -x 140 -y 40 \
    "env COLORTERM=truecolor TERM=xterm-256color UNITCYCLE_AI=offline '$BIN' --db '$DB' --today $TODAY"
expect "Leases by lifecycle state"
tmux send-keys -t "$SESSION" ":ask $question" Enter
expect "You: $question"
expect "$count month-to-month leases at Harbor View Apartments"
expect "tool: query_leases"
expect "Property"
expect "month_to_month"
tmux send-keys -t "$SESSION" Tab
tmux send-keys -t "$SESSION" Enter
expect "$first_unit"
expect "Unit $first_unit"
tmux send-keys -t "$SESSION" Escape
expect "tool: query_leases"
tmux send-keys -t "$SESSION" Tab
tmux send-keys -t "$SESSION" "create a work order for unit $first_unit at Harbor View: leaking faucet" Enter
expect "I can create this once you confirm it"
tmux send-keys -t "$SESSION" Tab
tmux send-keys -t "$SESSION" a
expect "Create this?"
expect "Leaking faucet"
tmux send-keys -t "$SESSION" y
expect "Created: Work order 'Leaking faucet' for unit $first_unit"
tmux send-keys -t "$SESSION" q
echo "ok: portfolio chat driven in tmux (:ask, the answer and its table, a row opens its unit, a proposed work order created after its confirm)"
