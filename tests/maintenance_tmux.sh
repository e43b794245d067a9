#!/usr/bin/env bash
# Drives the maintenance risk screen in a real terminal (tmux): on a demo replica scored by the
# weekly risk job (run here, not left to the demo), opens the heatmap with 9 and checks its
# legend against `unitcycle maintenance heatmap`; moves to a unit, opens its risk card with
# Enter (the five factors with their points of 30/20/20/20/10, the prediction), goes back, and
# opens the vendors screen with :vendors. Skips without tmux.
set -euo pipefail
export LC_ALL=C.UTF-8
cd "$(dirname "$0")/.."

source tests/lib/tmux.sh
export UNITCYCLE_AI=offline

"$BIN" --db "$DB" demo --units 300 --seed 42 --today "$TODAY" 2>/dev/null
"$BIN" --db "$DB" jobs run risk-scoring --today "$TODAY" >/dev/null
"$BIN" --db "$DB" jobs run vendor-scorecards --today "$TODAY" >/dev/null
# "Harbor View Apartments · 100 units · average risk 21.3 · 70 low · 20 medium · …" (first property).
first="$("$BIN" --db "$DB" maintenance heatmap | sed -n 3p)"
property="${first%% · *}"
low="$(echo "$first" | sed -E 's/.* ([0-9]+) low .*/\1/')"
[ -n "$property" ] && [ -n "$low" ] || fail "no heatmap from \`unitcycle maintenance heatmap\`: $first"

tmux new-session -d -s "$SESSION" -x 120 -y 40 \
    "env COLORTERM=truecolor TERM=xterm-256color UNITCYCLE_AI=offline '$BIN' --db '$DB' --today $TODAY"
expect "Leases by lifecycle state"
tmux send-keys -t "$SESSION" 9
expect "Maintenance Risk"
expect " $property · property 1/"
expect "Risk: ██ low $low  ██ medium "
expect " critical "
expect "unscored 0"
expect "Heatmap · building › floor › unit"
screen | grep -qE '│ F[0-9]+ ' || fail "no floor row in the heatmap"

# The selected cell is marked; l moves to the next unit.
unit="$(screen | grep -oE '▸[A-Z0-9-]+' | head -1 | tr -d '▸')"
[ -n "$unit" ] || fail "no unit is selected in the heatmap"
tmux send-keys -t "$SESSION" l
expect "Enter: risk card"
unit="$(screen | grep -oE '▸[A-Z0-9-]+' | head -1 | tr -d '▸')"
tmux send-keys -t "$SESSION" Enter
expect "Unit $unit risk"
expect "Risk card"
for factor in "Frequency" "Cost trend" "Equipment age" "Repeat issues" "Season" "Next WO" "Cost ahead"; do
    expect "$factor" 20
done
screen | grep -qE '/30$|/30 ' || fail "no frequency points out of 30"
expect "Preventive suggestions · "
tmux send-keys -t "$SESSION" Escape
expect "Heatmap · building › floor › unit"

# The vendors screen: the scorecards the job wrote, sorted by overall.
tmux send-keys -t "$SESSION" ":vendors" Enter
expect "Scorecards ("
expect "Overall↓"
# The repeat-visit alerts: `a` asks how to resolve one and what that changes; `n` leaves it open.
tmux send-keys -t "$SESSION" Tab
expect "Repeat visits ("
tmux send-keys -t "$SESSION" a
expect "Resolve the repeat-visit alert"
tmux send-keys -t "$SESSION" n
expect "Cancelled: nothing was changed"
tmux send-keys -t "$SESSION" q
echo "ok: maintenance risk screen driven in tmux (heatmap legend, risk card, vendors)"
