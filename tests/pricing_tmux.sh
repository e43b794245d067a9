#!/usr/bin/env bash
# Drives the revenue intelligence screen in a real terminal (tmux): on a demo replica over three
# properties (`unitcycle demo` prices it, with a replayed price history), opens the screen with
# 8 and checks its totals against `unitcycle pricing opportunity`; checks the table is sorted by
# gap, sorts it by gap % with `o` and checks the order on screen, flips it with `d`; opens the
# selected unit's history with Enter and checks its chart, factors and comps; then `r` asks
# before running the pricing engine, `n` runs nothing and `y` runs it (on the demo's day, only
# units changed since are written again). Skips without tmux.
set -euo pipefail
export LC_ALL=C.UTF-8
cd "$(dirname "$0")/.."

source tests/lib/tmux.sh
export UNITCYCLE_AI=offline

"$BIN" --db "$DB" demo --units 600 --seed 42 --today "$TODAY" 2>/dev/null
# "545 units analysed: 170 below market, 102 at market, 273 above …"
summary="$("$BIN" --db "$DB" pricing opportunity | head -1)"
analysed="${summary%% units analysed*}"
below="$(echo "$summary" | sed -E 's/.*: ([0-9]+) below market.*/\1/')"
[ -n "$analysed" ] && [ -n "$below" ] || fail "no opportunity from \`unitcycle pricing opportunity\`: $summary"

tmux new-session -d -s "$SESSION" -x 120 -y 40 \
    "env COLORTERM=truecolor TERM=xterm-256color UNITCYCLE_AI=offline '$BIN' --db '$DB' --today $TODAY"
expect "Leases by lifecycle state"
tmux send-keys -t "$SESSION" 8
expect "Revenue Intelligence"
expect " $analysed units analysed · $below below market · "
expect "Units below market · $below · sorted by gap \$ ↓"
for property in "Harbor View Apartments" "Maple Grove Commons" "Riverside Lofts"; do
    screen | grep -F "$property " | grep -qF " below · avg " || fail "no gap bar for $property"
done

# The gap column ($, then %) of the table rows on screen, in order.
column() {
    screen | grep -F ' -$' | grep -oE "$1" | tr -d '$,%'
}
ordered() {
    local values
    values="$(column "$1")"
    [ "$(echo "$values" | wc -l)" -gt 5 ] || fail "too few rows in the table"
    [ "$values" = "$(echo "$values" | sort -g $2)" ] || fail "the table is not in order: $values"
}
ordered ' -\$[0-9,]+\.[0-9]{2}' ''
tmux send-keys -t "$SESSION" o
expect "sorted by gap % ↓"
ordered ' -[0-9]+\.[0-9]%' ''
tmux send-keys -t "$SESSION" d
expect "sorted by gap % ↑"
ordered ' -[0-9]+\.[0-9]%' '-r'

# The selected unit's history: `│▸B105    Maple Grove Commons …`.
row="$(screen | grep -o '│▸[^│]*' | head -1)"
unit="$(echo "${row#│▸}" | awk '{print $1}')"
[ -n "$unit" ] || fail "no unit is selected in the table"
tmux send-keys -t "$SESSION" Enter
expect "Unit $unit price history"
expect "90-day history  ━ market  ━ current"
expect "Why this figure"
for factor in "Basis           Internal comps" "Seasonal        ×0.98" "Confidence" "Strategy"; do
    expect "$factor" 20
done
# The comps panel: every comp, or the closest a snapshot keeps.
screen | grep -qE "Comps used · |Closest [0-9]+ of [0-9]+ comps" || fail "no comps panel"
screen | grep -qF "Aug 28" && screen | grep -qF "Nov 25" || fail "the chart does not run over the 90 days to today"
tmux send-keys -t "$SESSION" Escape
expect "sorted by gap % ↑"

# `r` says what it will do; n runs nothing; y runs the engine.
tmux send-keys -t "$SESSION" r
expect "Run the pricing engine now for Nov 25, 2026?"
tmux send-keys -t "$SESSION" n
expect "Cancelled: the pricing engine did not run"
tmux send-keys -t "$SESSION" r
expect "y / Enter: run now"
tmux send-keys -t "$SESSION" y
expect "Pricing engine: Priced 600 units: " 300
# The demo priced today already: only units the app's catch-up changed on opening (a lease the
# day's classification moved to vacant) get a new snapshot.
ran="$(screen | grep -oE 'Priced 600 units: [0-9]+ snapshots written, [0-9]+ unchanged')"
written="$(echo "$ran" | sed -E 's/.*: ([0-9]+) snapshots.*/\1/')"
unchanged="$(echo "$ran" | sed -E 's/.*written, ([0-9]+) unchanged/\1/')"
[ $((written + unchanged)) -eq 600 ] && [ "$written" -lt 10 ] || fail "unexpected engine run: $ran"
tmux send-keys -t "$SESSION" q
for _ in $(seq 1 50); do
    tmux has-session -t "$SESSION" 2>/dev/null || break
    sleep 0.1
done
runs="$("$BIN" --db "$DB" jobs runs --limit 1000 | grep -c pricing-engine)"
# The demo's run and the one confirmed with y (n ran nothing).
[ "$runs" -eq 2 ] || fail "expected 2 pricing-engine runs in \`unitcycle jobs runs\`, got $runs"
echo "ok: revenue screen driven in tmux (totals, sort by gap, unit history, r confirm, y runs the engine)"
