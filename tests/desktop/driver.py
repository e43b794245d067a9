"""WebDriver helpers for the desktop e2e flows (tauri-driver + WebKitWebDriver), standard library only.

A flow receives one `Driver` (already attached to the app's window) and calls its methods:
`d.click(css)`, `d.wait_text(css, needle)`, `d.type_into(css, text)`, `d.press("Escape")`, ...
Every failure raises `E2EError` (an AssertionError), so a flow's own `assert`s and the helpers'
timeouts are reported the same way by the runner (tests/desktop/e2e.py).
"""
import base64
import http.client
import json
import os
import struct
import time
import urllib.error
import urllib.request
import zlib

EL = "element-6066-11e4-a52e-4f735466cecf"

# WebDriver key codes for the keys flows press by name (https://w3c.github.io/webdriver/#keyboard-actions).
KEYS = {
    "Enter": "\ue007", "Escape": "\ue00c", "Tab": "\ue004", "Backspace": "\ue003", "Delete": "\ue017", "Space": " ",
    "ArrowLeft": "\ue012", "ArrowUp": "\ue013", "ArrowRight": "\ue014", "ArrowDown": "\ue015",
    "Home": "\ue011", "End": "\ue010", "PageUp": "\ue00e", "PageDown": "\ue00f",
    "Shift": "\ue008", "Ctrl": "\ue009", "Alt": "\ue00a", "Meta": "\ue03d",
}
MODIFIERS = ("Shift", "Ctrl", "Alt", "Meta")


class E2EError(AssertionError):
    """A WebDriver call failed or something never appeared."""


def step(msg):
    print(f"   - {msg}", flush=True)


def urlopen(r, timeout):
    # tauri-driver reuses kept-alive connections to WebKitWebDriver; one the native driver has
    # just closed comes back as a reset before the request was read. The session is intact,
    # so the request is sent again on a fresh connection.
    for attempt in range(4):
        try:
            return urllib.request.urlopen(r, timeout=timeout)
        except (http.client.RemoteDisconnected, ConnectionResetError):
            if attempt == 3:
                raise
            time.sleep(0.5)


class Driver:
    """One WebDriver session on the app. `work` is the test's scratch folder (replica, reports)."""

    def __init__(self, base, sid, work):
        self.base = base
        self.sid = sid
        self.work = work
        self.S = f"/session/{sid}"

    @classmethod
    def open(cls, base, app, work):
        caps = {"capabilities": {"alwaysMatch": {"tauri:options": {"application": app}}}}
        d = cls(base, None, work)
        d.sid = d.req("POST", "/session", caps)["sessionId"]
        d.S = f"/session/{d.sid}"
        return d

    def close(self):
        try:
            self.req("DELETE", self.S)
        except E2EError:
            pass

    # -- raw protocol ---------------------------------------------------------------------

    def req(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        r = urllib.request.Request(self.base + path, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urlopen(r, timeout=120) as resp:
                return json.loads(resp.read() or b"null").get("value")
        except urllib.error.HTTPError as e:
            raise E2EError(f"WebDriver {method} {path} failed: {e.read().decode()[:500]}")

    # -- elements -------------------------------------------------------------------------

    def find(self, css, timeout=20):
        end = time.time() + timeout
        while True:
            r = urllib.request.Request(self.base + self.S + "/element",
                                       data=json.dumps({"using": "css selector", "value": css}).encode(),
                                       method="POST", headers={"Content-Type": "application/json"})
            try:
                with urlopen(r, timeout=30) as resp:
                    value = json.loads(resp.read())["value"]
                if isinstance(value, dict) and EL in value:
                    return value[EL]
                if time.time() > end:
                    raise E2EError(f"element not found: {css} ({value})")
                time.sleep(0.25)
            except urllib.error.HTTPError:
                if time.time() > end:
                    raise E2EError(f"element not found: {css}")
                time.sleep(0.25)

    def click(self, css):
        self.req("POST", f"{self.S}/element/{self.find(css)}/click", {})

    def text(self, css, timeout=20):
        # Read in one script, never through an element reference: the app re-renders while a
        # test polls, and WebKitWebDriver answers a stale reference with 404 or drops the session.
        end = time.time() + timeout
        while True:
            t = self.req("POST", f"{self.S}/execute/sync",
                         {"script": "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;",
                          "args": [css]})
            if t is not None:
                return t
            if time.time() > end:
                raise E2EError(f"element not found: {css}")
            time.sleep(0.25)

    def script(self, src, *args):
        """Runs `src` asynchronously: it must call its last argument (the callback) with the result."""
        return self.req("POST", f"{self.S}/execute/async", {"script": src, "args": list(args)})

    def eval(self, src, *args):
        """Runs `src` synchronously and returns what it returns."""
        return self.req("POST", f"{self.S}/execute/sync", {"script": src, "args": list(args)})

    def wait_text(self, css, needle, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            try:
                t = self.text(css)
                if needle in t:
                    return t
            except E2EError:
                pass
            time.sleep(0.3)
        raise E2EError(f"'{needle}' never appeared in {css}")

    def wait_gone(self, css, timeout=20):
        """Waits until nothing visible matches `css` (removed, or display: none)."""
        end = time.time() + timeout
        while time.time() < end:
            gone = self.eval("const e = document.querySelector(arguments[0]);"
                             "return !e || e.getClientRects().length === 0;", css)
            if gone:
                return
            time.sleep(0.25)
        raise E2EError(f"{css} is still shown")

    def type_into(self, css, text):
        """Sets an input/textarea/select's value and fires input + change, as typing would, so
        Svelte's bindings and oninput handlers see it (a bare `.value =` is invisible to them)."""
        self.find(css)
        ok = self.eval("""
          const [css, text] = arguments;
          const el = document.querySelector(css);
          if (!el) return false;
          const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype
                      : el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
          Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, text);
          el.dispatchEvent(new Event('input', { bubbles: true }));
          el.dispatchEvent(new Event('change', { bubbles: true }));
          return true;
        """, css, text)
        if not ok:
            raise E2EError(f"could not type into {css}")

    def press(self, key):
        """Presses a key on the focused element through WebDriver actions, so the app sees real
        keydown/keyup events: "Escape", "?", "g", "Alt+1", "Shift+Tab"."""
        parts = key.split("+") if len(key) > 1 else [key]
        mods = [KEYS[p] for p in parts[:-1] if p in MODIFIERS]
        last = parts[-1]
        k = KEYS.get(last, last)
        seq = ([{"type": "keyDown", "value": m} for m in mods] + [{"type": "keyDown", "value": k}, {"type": "keyUp", "value": k}]
               + [{"type": "keyUp", "value": m} for m in reversed(mods)])
        self.req("POST", f"{self.S}/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": seq}]})

    def shot(self, name):
        # Screenshots for a person to look at, when UNITCYCLE_E2E_SHOTS names a folder.
        folder = os.environ.get("UNITCYCLE_E2E_SHOTS")
        if folder:
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, name + ".png"), "wb") as f:
                f.write(base64.b64decode(self.req("GET", f"{self.S}/screenshot")))

    # -- test data ------------------------------------------------------------------------

    def camera_card(self):
        """A fake camera card in the work folder: good, dark, truncated, not-an-image and duplicate files."""
        dcim = os.path.join(self.work, "DCIM")
        os.makedirs(os.path.join(dcim, "100TEST")); os.makedirs(os.path.join(dcim, "101TEST"))
        sharp = png(40, 220)
        files = {"100TEST/IMG_0001.PNG": sharp, "100TEST/IMG_0002.PNG": png(2, 40),
                 "100TEST/IMG_0003.PNG": sharp[: len(sharp) // 2], "100TEST/notes.jpg": b"not a photo",
                 "101TEST/IMG_0101.PNG": sharp}
        for name, data in files.items():
            with open(os.path.join(dcim, name), "wb") as f:
                f.write(data)
        return dcim


def png(lo, hi, w=800, h=600):
    """A grey checkerboard PNG (16-pixel cells), written without any imaging library."""
    rows = b"".join(b"\x00" + bytes(hi if ((x // 16) + (y // 16)) % 2 else lo for x in range(w)) for y in range(h))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
