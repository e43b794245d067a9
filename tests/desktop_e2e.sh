#!/usr/bin/env bash
# End to end: drives the real desktop window under Xvfb through WebDriver (tauri-driver +
# WebKitWebDriver) on a fresh replica. This script sets up the display, the driver and the
# replica (and retries a dropped session once); tests/desktop/e2e.py runs the flows in
# tests/desktop/flows/NN_*.py in one session, with the helpers of tests/desktop/driver.py.
# UNITCYCLE_E2E_SHOTS=<folder> saves screenshots (and one of a failing flow).
# Skips (exit 0, with a message) when Xvfb, WebKitWebDriver or tauri-driver are unavailable.
set -euo pipefail
cd "$(dirname "$0")/.."

skip() { echo "desktop e2e: SKIPPED - $*"; exit 0; }

command -v Xvfb >/dev/null || skip "Xvfb is not installed (apt-get install xvfb)"
command -v WebKitWebDriver >/dev/null || skip "WebKitWebDriver is not installed (apt-get install webkit2gtk-driver)"
command -v python3 >/dev/null || skip "python3 is not installed"
if ! command -v tauri-driver >/dev/null; then
    if [ "${UNITCYCLE_E2E_NO_INSTALL:-}" = "1" ]; then skip "tauri-driver is not installed"; fi
    echo "==> cargo install tauri-driver --locked"
    cargo install tauri-driver --locked >/dev/null 2>&1 || skip "tauri-driver could not be installed"
    export PATH="$HOME/.cargo/bin:$PATH"
fi

echo "==> building unitcycle-desktop"
# The workspace build of scripts/test: `cargo build -p` would resolve features differently and
# compile most of the dependency tree a second time.
cargo build --workspace --all-targets --locked 2>&1 | tail -n 1
# Cargo's target directory (a worktree may build into a shared one).
target="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
app="$target/debug/unitcycle-desktop"
[ -x "$app" ] || { echo "desktop e2e: no binary at $app"; exit 1; }

# One full session: fresh X server, driver and replica. WebKitWebDriver sometimes drops the
# connection on a loaded machine, so a failed session is retried once from scratch.
session() {
work="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    [ -n "${UNITCYCLE_E2E_KEEP:-}" ] && cp -r "$work" /tmp/e2e-keep; rm -rf "$work"
}

display=":$(( 90 + RANDOM % 100 ))"
Xvfb "$display" -screen 0 1280x800x24 >"$work/xvfb.log" 2>&1 &
pids+=($!)
port=$(( 4500 + RANDOM % 1000 ))
native=$(( port + 1 ))
sleep 1
# The manager's address: a chat reminder is emailed to it (the desktop's user is not an address).
DISPLAY="$display" UNITCYCLE_DB="$work/replica.db" UNITCYCLE_AI=offline UNITCYCLE_MANAGER_EMAIL=manager@example.com WEBKIT_DISABLE_COMPOSITING_MODE=1 \
    tauri-driver --port "$port" --native-port "$native" >"$work/driver.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/status', timeout=1)" 2>/dev/null && break
    sleep 0.2
done

APP="$app" PORT="$port" WORK="$work" python3 tests/desktop/e2e.py
}

attempt() {
    local status=0
    session || status=$?
    cleanup
    return $status
}

attempt || { [ -n "${UNITCYCLE_E2E_ONCE:-}" ] && exit 1; echo "desktop e2e: session failed; retrying once from scratch"; attempt; }
