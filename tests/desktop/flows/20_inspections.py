"""Move-in inspections: a lease moving in today is offered by "New inspection" (a two-year
tenant is not), photos go up as raw bytes and come back as media: thumbnails with their
verdicts, a camera folder imports with progress, the offline check runs and is labelled,
signing is refused until the inspection is complete, both sign, finalize is confirmed, and the
condition report is shown with pdf.js."""
import datetime
import os
import re
import time
from zoneinfo import ZoneInfo

from driver import E2EError, step

INVOKE = """
  const [cmd, args, done] = arguments;
  window.__TAURI_INTERNALS__.invoke(cmd, args).then(r => done({ok: r}), e => done({err: e}));
"""


def invoke(d, cmd, args=None):
    r = d.script(INVOKE, cmd, args or {})
    if "err" in r:
        raise E2EError(f"{cmd} failed: {r['err']}")
    return r["ok"]


def move_in_lease(d):
    """A lease beginning today on a new unit of a new property in America/Los_Angeles, so the
    flow never depends on the demo's dates: (lease number, tenant name)."""
    stamp = str(int(time.time()))[-6:]
    today = datetime.datetime.now(ZoneInfo("America/Los_Angeles")).date().isoformat()
    act = lambda action: invoke(d, "record_action", {"entityId": None, "action": action})
    p = act({"action": "create_property", "name": f"E2E Move-ins {stamp}", "city": "Oakland", "time_zone": "America/Los_Angeles"})
    b = act({"action": "create_building", "property_id": p["id"], "name": "Main", "floors": 2})
    u = act({"action": "create_unit", "property_id": p["id"], "building_id": b["id"], "unit_number": "1A",
             "bedrooms": 1, "bathrooms": "1", "market_rent": "1500.00"})
    t = act({"action": "add_tenant", "first_name": "Mira", "last_name": f"Movein{stamp}", "email": f"mira{stamp}@example.test"})
    year, month, day = today.split("-")
    terms = {"lease_begin_date": today, "lease_end_date": f"{int(year) + 1}-{month}-{'28' if month == '02' else day}",
             "monthly_rent_amount": "1500.00", "security_deposit": "1500.00"}
    lease = invoke(d, "new_lease", {"unitId": u["id"], "tenantId": t["id"], "terms": terms})
    return lease["lease_number"], f"Mira Movein{stamp}"


CANVAS_PHOTO = """
  const [name, lo, hi, done] = arguments;
  const c = document.createElement('canvas'); c.width = 800; c.height = 600;
  const g = c.getContext('2d');
  for (let y = 0; y < 600; y += 16) for (let x = 0; x < 800; x += 16) {
    const v = ((x + y) / 16) % 2 ? hi : lo; g.fillStyle = `rgb(${v},${v},${v})`; g.fillRect(x, y, 16, 16);
  }
  c.toBlob(b => b.arrayBuffer().then(buf =>
    window.ucInspection.addFiles([{name, bytes: new Uint8Array(buf)}])
      .then(v => done(v.map(x => x.verdict).join(' | ')), e => done('ERROR ' + JSON.stringify(e)))), 'image/jpeg', 0.92);
"""

SIGN = """
  const [role, done] = arguments;
  const c = document.querySelector(`#sig-${role} canvas`); const r = c.getBoundingClientRect();
  const ev = (type, x, y) => c.dispatchEvent(new PointerEvent(type, {clientX: r.left + x, clientY: r.top + y, pointerId: 1, bubbles: true}));
  ev('pointerdown', 20, 40); for (let x = 20; x < 260; x += 10) ev('pointermove', x, 40 + (x % 30)); ev('pointerup', 260, 40);
  done(true);
"""


def run(d):
    step("a portfolio exists (the demo, made here only if no earlier flow made one)")
    if invoke(d, "app_info")["leases"] == 0:
        invoke(d, "create_demo")
    lease_number, tenant = move_in_lease(d)

    step("New inspection offers the lease moving in today, with the rule, and the name starts empty")
    d.click("#nav-inspections")
    d.wait_text("main h1", "Move-in inspections")
    d.click("#new-inspection")
    d.find("#new-inspection-dialog[open]")
    d.wait_text("#inspectable-rule", "within 30 days")
    assert d.eval("return document.querySelector('#inspector-name').value") == "", "the inspector name must start empty"
    d.type_into("#lease-search", lease_number)
    d.wait_text("#new-inspection-dialog .leases", tenant)
    step("validation: starting without a name is refused in place")
    d.click(f"#new-inspection-dialog .lease[data-lease] input")
    d.click("#start-inspection")
    d.wait_text("#new-inspection-dialog", "Enter the inspector's name")
    d.type_into("#inspector-name", "E2E Inspector")
    d.click("#start-inspection")
    d.wait_gone("#new-inspection-dialog[open]")
    d.find("#room-pane")
    d.wait_text("#insp-parties", tenant)

    step("a sharp and a dark photo go up as bytes; verdicts shown; thumbnails load through media:")
    verdicts = d.script(CANVAS_PHOTO, "e2e-sharp.jpg", 40, 220)
    assert verdicts.startswith("Good photo"), verdicts
    verdicts = d.script(CANVAS_PHOTO, "e2e-dark.jpg", 2, 40)
    assert verdicts.startswith("Retake: too dark"), verdicts
    d.wait_text("#room-photos", "Retake: too dark")
    d.wait_text("#room-photos", "Good photo")
    end = time.time() + 30
    while True:
        imgs = d.eval("return [...document.querySelectorAll('#room-photos img')].map(i => [i.src, i.complete, i.naturalWidth])")
        if len(imgs) == 2 and all(w > 0 for _, _, w in imgs):
            break
        if time.time() > end:
            raise E2EError(f"thumbnails did not load: {imgs}")
        time.sleep(0.3)
    for src, _, _ in imgs:
        assert src.startswith("media:") or src.startswith("http://media.localhost"), src
        assert "base64" not in src, src
    assert d.eval("return document.querySelectorAll('img[src^=\"data:\"]').length") == 0
    d.shot("inspection-photos")

    step("a camera folder imports with progress: good, dark, truncated, not an image, duplicate")
    assert d.eval("return document.querySelector('#camera-folder').value") == "", "the folder field must start empty"
    folder = d.camera_card()
    d.type_into("#camera-folder", folder)
    d.click("#camera-import")
    d.wait_text(".import-summary", "Camera import: 2 imported, 1 already in this inspection, 2 refused", timeout=60)
    refused = d.text(".import-summary .refused")
    assert "100TEST/IMG_0003.PNG: the image is damaged or incomplete" in refused, refused
    assert "100TEST/notes.jpg: the file is not an image UnitCycle can read" in refused, refused
    d.wait_text("#room-photos", "100TEST/IMG_0001.PNG")

    step("the offline check runs and is labelled by its provider")
    d.wait_text("#insp-ai-status", "Offline check")
    d.wait_text("#insp-queued", "4 photo(s) queued")
    d.click("#analyze")
    d.wait_text("#insp-queued", "0 photo(s) queued")
    d.wait_text("#room-photos", "Offline check — rate by eye")

    step("rate an item with the keyboard-selectable ratings; add and remove an issue")
    d.click("#room-pane ~ .items .item .rating[data-rating=good] input")
    d.wait_text(".items .item .by", "Rated by the inspector: Good")
    d.type_into(".items .item .issue-desc", "3-inch scratch on drywall")
    d.click(".items .item .add-issue")
    d.wait_text(".items .item .issues", "3-inch scratch on drywall")
    d.click(".items .item .del-issue")
    d.wait_gone(".items .item .issues")

    step("signing is refused below the rule, with what is missing")
    d.click("#go-sign")
    d.wait_text("#signing-blocked", "signing needs a complete inspection (100%)")
    d.script(SIGN, "tenant")
    d.type_into("#sig-tenant .signer", "Terry Tenant")
    d.click("#sig-tenant .save")
    err = d.wait_text("#sig-tenant .sig-error", "signing needs a complete inspection")
    assert "Missing:" in err, err

    step("complete every room (a good photo each, every item rated), then sign twice")
    rooms = d.eval("return [...document.querySelectorAll('[role=tab][data-tab]')].map(b => b.dataset.tab).filter(t => t !== 'sign')")
    for room in rooms:
        d.click(f"[data-tab='{room}']")
        d.find(f"#room-pane[data-room='{room}']")
        if "Done" in d.text(f"[data-tab='{room}'] .state"):
            continue
        if d.eval("return document.querySelectorAll('#room-photos .verdict.ok').length") == 0:
            d.script(CANVAS_PHOTO, f"wide-{room[:8]}.jpg", 40, 220)
        unrated = d.eval("return [...document.querySelectorAll('.items .item')].filter(i => !i.querySelector('.rating.on')).map(i => i.dataset.item)")
        for item in unrated:
            d.click(f".item[data-item='{item}'] .rating[data-rating=good] input")
            d.wait_text(f".item[data-item='{item}'] .by", "Rated by the inspector")
        d.wait_text(f"[data-tab='{room}'] .state", "Done")
    d.wait_text("#completeness-pct", "100%")
    d.click("#go-sign")
    d.wait_gone("#signing-blocked")
    for role, name in (("tenant", "Terry Tenant"), ("manager", "Morgan Manager")):
        d.script(SIGN, role)
        d.type_into(f"#sig-{role} .signer", name)
        d.click(f"#sig-{role} .save")
        signed = d.wait_text(f"#sig-{role} .signed", f"Signed by {name}")
        assert not re.search(r"\d{4}-\d{2}-\d{2}T|\d{2}:\d{2}:\d{2}", signed), f"a raw timestamp is shown: {signed}"
        assert ("PST" in signed) or ("PDT" in signed), f"the time is not shown in the property's zone: {signed}"

    step("finalize through the confirm dialog")
    d.click("#finalize")
    d.wait_text("dialog[open]", "Finalize this inspection?")
    d.click("dialog[open] .confirm-ok")
    d.wait_text("#status", "Finalized")
    d.find("#finalized-at")

    step("generate the report and see its pages in the PDF view")
    d.click("#generate-report")
    pages = d.wait_text("#report-pages", "MOVE-IN CONDITION REPORT", timeout=60)
    n = int(pages.split()[0])
    assert n >= 5, pages
    d.wait_text("#report-pdf .pdf-pages", f"{n} pages", timeout=60)
    reports = os.path.join(d.work, "reports")
    pdfs = [f for f in os.listdir(reports) if f.startswith("move-in-") and f.endswith(".pdf")]
    assert pdfs, os.listdir(reports)
    d.shot("inspection-report")

    step("the list shows it finalized at 100%")
    d.click("#nav-inspections")
    d.type_into("#inspection-table .dt-filter", tenant.split()[1])
    d.wait_text("#inspection-table", "Finalized")
    d.wait_text("#inspection-table", "100%")
