"""Virtual staging and the listing editor (specs 4.1 and 5.1): the staging view opened with the
keyboard (g then h) makes a project for a demo listing's vacant unit in the Industrial style
picked by its name, and the project shows that style; two empty-room photos are added by path,
generated offline (each pair labelled "enhanced, not staged", its before/after divider moved with
→), and published to the listing after the confirm that lists each photo. The listings view (g
then u) opens that listing; its second photo is moved up with the keyboard (Alt+↑), the title is
edited, and Save stores both: after a reload of the window, the editor shows the new title and
order, as `listing_page` does."""
import importlib.util
import os
import time

from driver import png, step

_spec = importlib.util.spec_from_file_location("maintenance_flow", os.path.join(os.path.dirname(__file__), "48_maintenance.py"))
_maint = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_maint)
invoke, scroll_click, wait_for = _maint.invoke, _maint.scroll_click, _maint.wait_for

STAMP = str(int(time.time()))[-6:]
TITLE = f"Sunny corner home by the park (E2E {STAMP})"


def _wait(what, check, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        got = check()
        if got:
            return got
        time.sleep(0.3)
    raise AssertionError(f"{what} never happened")


def photo_urls(d):
    return d.eval("return [...document.querySelectorAll('#listing-photos li')].map(li => li.dataset.url)")


def go_key(d, letter, heading):
    d.find("main")
    d.eval("document.activeElement && document.activeElement.blur(); return true;")
    d.press("g")
    d.press(letter)
    d.wait_text("main h1", heading)


def run(d):
    _maint._pricing._flow.ensure_demo(d)
    rows = invoke(d, "listings_view")["rows"]
    target = next(r for r in rows if r["listing"]["status"] in ("active", "draft") and r["photos"] == 0)
    listing_id, unit_id = target["listing"]["id"], target["listing"]["unit_id"]

    step("staging opens with g then h; a project is made for the listed unit in the Industrial style")
    go_key(d, "h", "Virtual staging")
    scroll_click(d, "#staging-new")
    d.find("#staging-new-dialog[open]")
    d.type_into("#staging-unit", unit_id)
    names = d.eval("return [...document.querySelectorAll('#staging-styles .style-name')].map(e => e.textContent.trim())")
    assert names == ["Modern", "Traditional", "Minimalist", "Industrial", "Scandinavian"], names
    d.click("#staging-styles label[data-style='industrial']")
    d.click("#staging-create")
    d.wait_gone("#staging-new-dialog[open]")
    d.find("#staging-project[data-style='industrial']", timeout=30)
    d.wait_text("#staging-style", "Industrial style")
    project_id = d.eval("return document.querySelector('#staging-project').dataset.id")

    step("two empty-room photos are added by path and generated offline, labelled as core labels them")
    for room, shade in (("living room", 60), ("kitchen", 150)):
        path = os.path.join(d.work, f"staging-{room.replace(' ', '-')}.png")
        with open(path, "wb") as f:
            f.write(png(shade, 220, 320, 240))
        d.type_into("#staging-room", room)
        d.type_into("#staging-path", path)
        d.click("#staging-upload-path")
        _wait(f"the {room} photo", lambda: d.eval("return document.querySelectorAll('#staging-photos figure.photo').length")
              == (1 if room == "living room" else 2))
    scroll_click(d, "#staging-generate")
    _wait("both photos generated", lambda: d.eval(
        "return document.querySelectorAll(\"#staging-photos figure.photo[data-status='completed']\").length") == 2, timeout=90)
    labels = d.eval("return [...document.querySelectorAll('#staging-photos figure.photo')].map(f => f.dataset.label)")
    assert labels == ["enhanced, not staged", "enhanced, not staged"], labels
    page = invoke(d, "staging_project", {"projectId": project_id})
    assert [p["label"] for p in page["photos"]] == labels, page["photos"]
    d.eval("document.querySelector('#staging-photos .divider').focus(); return true")
    d.press("ArrowRight")
    _wait("the divider moved", lambda: d.eval("return document.querySelector('#staging-photos .pair').dataset.position") == "55")
    d.shot("staging-generated")

    step("publish goes through the confirm listing each photo; the listing gets them")
    scroll_click(d, "#staging-publish")
    d.find("dialog[open] #staging-plan")
    plan = d.eval("return [...document.querySelectorAll('dialog[open] #staging-plan li')].map(e => e.textContent.trim())")
    assert plan == ["1. Living room — enhanced, not staged", "2. Kitchen — enhanced, not staged"], plan
    d.click("dialog[open] .confirm-ok")
    d.wait_gone("dialog[open]")
    d.find("#staging-project[data-status='published']", timeout=30)
    stored = invoke(d, "listing_page", {"listingId": listing_id})
    before = [p["url"] for p in stored["photos"]]
    assert len(before) == 2, stored["photos"]

    step("the listings view (g then u) opens the listing with its photos in order")
    go_key(d, "u", "Listings")
    scroll_click(d, f"#listing-list tr[data-key='{listing_id}']")
    d.find(f"#listing-editor[data-id='{listing_id}']", timeout=30)
    _wait("the photos in order", lambda: photo_urls(d) == before)

    step("the second photo moves up with Alt+Up, the title is edited, and Save stores both")
    d.eval("document.querySelector('#listing-photos li[data-index=\"1\"]').focus(); return true")
    d.press("Alt+ArrowUp")
    _wait("the order changed", lambda: photo_urls(d) == before[::-1])
    d.type_into("#listing-title", TITLE)
    scroll_click(d, "#listing-save")
    _wait("the save", lambda: invoke(d, "listing_page", {"listingId": listing_id})["detail"]["title"] == TITLE)
    saved = invoke(d, "listing_page", {"listingId": listing_id})
    assert [p["url"] for p in saved["photos"]] == before[::-1], saved["photos"]
    d.shot("listing-saved")

    step("after a reload the editor shows the stored title and order")
    d.eval("window.location.reload(); return true")
    time.sleep(1)
    d.find(f"#listing-editor[data-id='{listing_id}']", timeout=60)
    _wait("the stored title", lambda: d.eval("return document.querySelector('#listing-title').value") == TITLE)
    _wait("the stored order", lambda: photo_urls(d) == before[::-1])
