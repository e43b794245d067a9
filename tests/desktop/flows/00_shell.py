"""The shell: the sidebar lists every view of the registry, `?` opens the key help and Escape
closes it, each nav link (and the keyboard jumps) opens its view."""
import os
import re

from driver import step

REGISTRY = os.path.join(os.path.dirname(__file__), "..", "..", "..", "desktop", "ui", "src", "features", "registry.ts")


def features():
    """(id, label, shortcut letter or None) of every registry entry, in sidebar order."""
    src = open(REGISTRY).read()
    body = src[src.index("export const features"):]
    out = []
    for entry in re.findall(r"\{ id: .*?component:", body, re.S):
        id_ = re.search(r'id: "([^"]+)"', entry).group(1)
        label = re.search(r'label: "([^"]+)"', entry).group(1)
        letter = re.search(r'shortcut: "([^"]+)"', entry)
        out.append((id_, label, letter.group(1) if letter else None))
    assert out, "no features found in registry.ts"
    return out


def heading(d, label):
    d.wait_text("main h1", label)
    assert d.text("main h1").strip() == label, d.text("main h1")


def run(d):
    entries = features()

    step(f"the sidebar lists all {len(entries)} views")
    for id_, label, _ in entries:
        d.find(f"#nav-{id_}")
        assert d.text(f"#nav-{id_}").strip() == label, (id_, d.text(f"#nav-{id_}"))
    step("the first view opens at start")
    heading(d, entries[0][1])
    assert d.eval("return document.querySelector(arguments[0]).getAttribute('aria-current')", f"#nav-{entries[0][0]}") == "page"
    d.shot("shell")

    step("? opens the key help, Escape closes it")
    d.eval("document.activeElement && document.activeElement.blur(); return true;")
    d.press("?")
    d.find("#key-help[open]")
    d.wait_text("#key-help", "Keyboard shortcuts")
    d.wait_text("#key-help", entries[-1][1])
    d.press("Escape")
    d.wait_gone("#key-help[open]")

    step("each nav link opens its view")
    for id_, label, _ in entries:
        d.click(f"#nav-{id_}")
        heading(d, label)
        current = d.eval("return [...document.querySelectorAll('nav [aria-current=page]')].map(a => a.id)")
        assert current == [f"nav-{id_}"], current

    step("Alt+1 and g then a letter jump between views")
    d.press("Alt+1")
    heading(d, entries[0][1])
    id_, label, letter = next(e for e in reversed(entries) if e[2])
    d.press("g")
    d.press(letter)
    heading(d, label)
    step("Back returns to the previous view")
    d.eval("history.back(); return true;")
    heading(d, entries[0][1])
