#!/usr/bin/env bash
# Drives the command center in a real terminal (tmux): filter to month-to-month, select three
# units, run a bulk rent-increase notice, and read the result summary. Skips without tmux.
set -euo pipefail
cd "$(dirname "$0")/.."

source tests/lib/tmux.sh
export UNITCYCLE_AI=offline

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
