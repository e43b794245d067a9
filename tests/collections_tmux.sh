#!/usr/bin/env bash
# Drives a collections case in a real terminal (tmux): finds an open case with a step left,
# filters the collections queue to its tenant with `/`, opens it, presses `r`, reads the
# preview (step, channels, recipient, balance) and answers `n`; then checks that nothing was
# sent: the case's step and timeline and the outbox are as they were. Skips without tmux.
set -euo pipefail
export LC_ALL=C.UTF-8
cd "$(dirname "$0")/.."

source tests/lib/tmux.sh
export UNITCYCLE_AI=offline

outbox_count() { "$BIN" --db "$DB" outbox list --json | grep -c '"idempotency_key"' || true; }

"$BIN" --db "$DB" demo --units 120 --seed 42 --today "$TODAY" 2>/dev/null
for job in lifecycle-classify collections-scan collections-escalation; do
    "$BIN" --db "$DB" jobs run "$job" --today "$TODAY" >/dev/null
done

# An open case below the last step (a level dot still empty): its id prefix and its tenant.
read -r CASE TENANT < <("$BIN" --db "$DB" collections list | awk -F '  +' \
    '$9 == "Open" && index($6, "○") { print $1, $3; exit }')
[ -n "${CASE:-}" ] || fail "no open case with a step left in the demo replica"
LAST="${TENANT##* }"
step_of() { "$BIN" --db "$DB" collections show "$CASE" | head -1 | grep -o 'step [0-9]'; }
STEP="$(step_of)"
ACTIONS="$("$BIN" --db "$DB" collections show "$CASE" --json | grep -c '"action_type"' || true)"
SENT="$(outbox_count)"

tmux new-session -d -s "$SESSION" -x 120 -y 40 \
    "env COLORTERM=truecolor TERM=xterm-256color UNITCYCLE_AI=offline '$BIN' --db '$DB' --today $TODAY"
expect "Leases by lifecycle state"
# `/` filters the queue to the tenant; Enter opens the case.
tmux send-keys -t "$SESSION" 5 / "$TENANT" Enter
expect "filter \"$TENANT\""
tmux send-keys -t "$SESSION" Enter
expect "Timeline · $ACTIONS actions"
tmux send-keys -t "$SESSION" r
# The message itself is drafted and shown before anything can be sent.
expect "── "
screen | grep -qE "y / Enter: send|Y \(shift\): send anyway" || fail "the confirm offers no send key"
# The popup's text, its lines joined (the frame's other columns left out).
popup() {
    local off=-1 line out=""
    while IFS= read -r line; do
        if [ "$off" -lt 0 ]; then
            case "$line" in *"┌ Confirm"*) local head="${line%%┌ Confirm*}"; off=${#head} ;; esac
            continue
        fi
        case "${line:off:1}" in "└") break ;; esac
        local rest="${line:off+1}"
        out+=" ${rest%%│*}"
    done < <(screen)
    tr -s ' ' <<<"$out"
}
preview="$(LC_ALL=C.UTF-8 popup)"
echo "preview:$preview"
for text in "Send step" "$LAST" "owed" "days overdue"; do
    grep -qF -- "$text" <<<"$preview" || fail "the preview does not show '$text'"
done
grep -qE "by (Email|SMS|Letter|Certified|Phone)" <<<"$preview" || fail "the preview names no channel"
grep -qE "── (sms|email|letter) to " <<<"$preview" || fail "the preview does not show the message"
tmux send-keys -t "$SESSION" n
expect "Cancelled: nothing was changed"
expect "Timeline · $ACTIONS actions"

tmux send-keys -t "$SESSION" q
for _ in $(seq 1 50); do
    tmux has-session -t "$SESSION" 2>/dev/null || break
    sleep 0.1
done
tmux has-session -t "$SESSION" 2>/dev/null && fail "the app did not quit on q"

# Nothing was sent: the same step, no new action on the case, no new message in the outbox.
[ "$(step_of)" = "$STEP" ] || fail "the case moved from $STEP to $(step_of)"
now="$("$BIN" --db "$DB" collections show "$CASE" --json | grep -c '"action_type"' || true)"
[ "$now" = "$ACTIONS" ] || fail "the case has $now actions, had $ACTIONS"
[ "$(outbox_count)" = "$SENT" ] || fail "the outbox had $SENT messages, now $(outbox_count)"
echo "ok: collections case driven in tmux (/ filter, r preview, n sends nothing)"
