#!/usr/bin/env bash
# Drives the leasing funnel in a real terminal (tmux): on a demo replica (two vacant units on the
# market, their leads, one tour booked), :listings shows both listings and `c` runs the price
# check; :leads lists the leads by score with their factors and `r` shows the exact reply
# before anything is queued (n sends nothing); :showings shows the booked tour with its no-show
# risk in the week view; :funnel charts leads to applications. Skips without tmux.
set -euo pipefail
export LC_ALL=C.UTF-8
cd "$(dirname "$0")/.."

source tests/lib/tmux.sh
export UNITCYCLE_AI=offline

"$BIN" --db "$DB" demo --units 300 --seed 42 --today "$TODAY" 2>/dev/null
"$BIN" --db "$DB" listings feed --out "$WORK/feed.xml" | grep -qF "2 active listing(s)" || fail "feed"
[ "$(grep -c "<ILS_Unit " "$WORK/feed.xml")" -eq 2 ] || fail "the feed does not carry the two listings"

tmux new-session -d -s "$SESSION" -x 150 -y 45 \
    "env COLORTERM=truecolor TERM=xterm-256color UNITCYCLE_AI=offline '$BIN' --db '$DB' --today $TODAY"
expect "Leases by lifecycle state"
tmux send-keys -t "$SESSION" ":listings" Enter
expect "2 listing(s) · 2 active"
expect "Unit A102"
tmux send-keys -t "$SESSION" c
expect "recommended"
tmux send-keys -t "$SESSION" Escape
expect "2 listing(s) · 2 active"
tmux send-keys -t "$SESSION" ":leads" Enter
expect "Rosa Martinez"
expect "touring"
tmux send-keys -t "$SESSION" r
expect "Queue this email to Rosa Martinez <rosa.martinez@example.com>?"
expect "Hi Rosa, thank you for your interest"
tmux send-keys -t "$SESSION" n
sleep 0.3
screen | grep -qF "Queue this email" && fail "n did not cancel the reply"
tmux send-keys -t "$SESSION" ":showings" Enter
tmux send-keys -t "$SESSION" w
expect "Rosa Martinez"
expect "guided"
tmux send-keys -t "$SESSION" ":funnel" Enter
expect "Tour funnel"
expect "Tours booked"
tmux send-keys -t "$SESSION" q
echo "ok: the leasing funnel driven in tmux (listings and a price check, a lead's reply shown before sending, the booked tour, the funnel)"
