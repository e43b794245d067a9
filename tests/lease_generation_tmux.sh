#!/usr/bin/env bash
# Drives lease generation and e-signing (spec 4.5) in a real terminal (tmux): on a demo
# replica, :leases-gen, a new lease typed into the form for a vacant unit; the form says which
# clause lacks a value (nothing is written), the value is filled and the draft is made; s shows
# the exact emails (tenant and manager) before y sends; each signer signs in person (p) and the
# lease is fully signed; the unit is then occupied (no longer among `unitcycle ask`'s vacant
# units, and Active on its screen). Skips without tmux.
set -euo pipefail
export LC_ALL=C.UTF-8
cd "$(dirname "$0")/.."

source tests/lib/tmux.sh
export UNITCYCLE_AI=offline

vacant() { "$BIN" --db "$DB" ask "vacant units at Harbor View" | awk -F' [|] ' 'NR > 3 && NF > 2 {print $2}'; }

"$BIN" --db "$DB" demo --units 120 --seed 42 --today "$TODAY" 2>/dev/null
unit="$(vacant | head -n 1)"
[ -n "$unit" ] || fail "no vacant unit from \`unitcycle ask\`"

tmux new-session -d -s "$SESSION" -x 150 -y 45 \
    "env COLORTERM=truecolor TERM=xterm-256color UNITCYCLE_AI=offline UNITCYCLE_MANAGER_EMAIL=manager@example.com '$BIN' --db '$DB' --today $TODAY"
expect "Leases by lifecycle state"
tmux send-keys -t "$SESSION" ":leases-gen" Enter
expect "No generated leases yet"
tmux send-keys -t "$SESSION" n
expect "New lease"
for field in "$unit at Harbor View" "Alex Rivera" "alex@example.com"; do
    tmux send-keys -t "$SESSION" -l "$field"
    tmux send-keys -t "$SESSION" Tab
done
tmux send-keys -t "$SESSION" Enter
# The Utilities clause needs the utilities the landlord pays: said before anything is written.
expect "Needs a value: landlord_paid_utilities"
expect "Nothing was made yet"
for _ in $(seq 1 120); do tmux send-keys -t "$SESSION" BSpace; done
tmux send-keys -t "$SESSION" -l \
    "landlord_paid_utilities=water and trash; floodplain_status=is not; flood_damage_status=is not; sprinkler_status=has; smoking_policy=not permitted"
tmux send-keys -t "$SESSION" Enter
expect "Alex Rivera: lease draft"
expect "Ready to send (s)"
tmux send-keys -t "$SESSION" s
expect "To: Alex Rivera <alex@example.com>"
expect "Subject: Please sign your lease"
expect "To: Property Manager <manager@example.com>"
tmux send-keys -t "$SESSION" y
expect "2 signing email(s) queued"
expect "sent for signing"
tmux send-keys -t "$SESSION" p
expect "signs in person"
tmux send-keys -t "$SESSION" -l "Alex Rivera"
tmux send-keys -t "$SESSION" Enter
expect "waiting for Property Manager"
expect "partially signed"
tmux send-keys -t "$SESSION" p
expect "Property Manager <manager@example.com> (property manager)"
tmux send-keys -t "$SESSION" -l "Pat Manager"
tmux send-keys -t "$SESSION" Enter
expect "Signed: lease fully signed"
expect "the unit is occupied"
tmux send-keys -t "$SESSION" Enter
expect "Active"
tmux send-keys -t "$SESSION" q
sleep 0.5
left="$(vacant)"
[ -n "$left" ] || fail "no vacant units listed by \`unitcycle ask\` after the lease"
if grep -qxF -- "$unit" <<<"$left"; then
    fail "unit $unit is still vacant after the lease was fully signed"
fi
echo "ok: lease generation driven in tmux (missing value said, filled, emails shown before sending, signed in person, unit occupied)"
