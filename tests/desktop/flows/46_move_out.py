"""Move-out inspection: a tenant whose move-in documented the living room gives notice (on the
lease page), a move-out inspection is started for the lease (its turnover case is then on the
board), photos go up from files the flow writes (the living room by bytes, the kitchen from a
camera folder with progress), the offline check leaves each to a person, the comparison with the
move-in highlights where the living room differs and marks the move-in's notes "no charge" (the
kitchen has no move-in photo), one photo is reviewed as damage with a priced item and one as
normal wear, the deduction letter is previewed then saved as a PDF, and finalizing puts the
deduction on the turnover case with the refund it leaves."""
import base64
import datetime
import os
import struct
import time
import zlib

from driver import E2EError, step

INVOKE = """
  const [cmd, args, done] = arguments;
  window.__TAURI_INTERNALS__.invoke(cmd, args).then(r => done({ok: r}), e => done({err: e}));
"""

# A raw-body command, as ipc.ts sends it: the bytes as the body, every header percent-encoded.
RAW = """
  const [cmd, b64, headers, done] = arguments;
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const encoded = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, encodeURIComponent(v)]));
  window.__TAURI_INTERNALS__.invoke(cmd, bytes, {headers: encoded}).then(r => done({ok: r}), e => done({err: e}));
"""

# The same path as the "Add photos…" input: bytes into a room through the page's hook.
ADD_FILES = """
  const [room, name, b64, done] = arguments;
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  window.ucMoveOut.addFiles(room, [{name, bytes}])
    .then(v => done(v.map(x => x.verdict).join(' | ')), e => done('ERROR ' + JSON.stringify(e)));
"""


def invoke(d, cmd, args=None):
    r = d.script(INVOKE, cmd, args or {})
    if "err" in r:
        raise E2EError(f"{cmd} failed: {r['err']}")
    return r["ok"]


def photo(lo, hi, patch=None, w=800, h=600):
    """A grey checkerboard PNG (16-pixel cells), with an optional dark (x0, y0, x1, y1) patch:
    the "damage" the comparison must find."""
    def px(x, y):
        if patch and patch[0] <= x < patch[2] and patch[1] <= y < patch[3]:
            return 12
        return hi if ((x // 16) + (y // 16)) % 2 else lo
    rows = b"".join(b"\x00" + bytes(px(x, y) for x in range(w)) for y in range(h))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


def b64(path):
    with open(path, "rb") as f:
        return base64.b64encode(f.read()).decode()


def money(text):
    return float(text.strip().replace("$", "").replace(",", ""))


def refund(text):
    """"Refund $1,200.00" → 1200.0, "Tenant owes $75.00" → -75.0."""
    amount = money(text.split("$", 1)[1])
    return -amount if text.strip().startswith("Tenant owes") else amount


def fmt(amount):
    return "${:,.2f}".format(abs(amount))


def wait_for(d, js, what, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        if d.eval(js):
            return
        time.sleep(0.25)
    raise E2EError(f"timed out waiting for {what}")


def run(d):
    step("a portfolio exists (the demo, made here only if no earlier flow made one)")
    if invoke(d, "app_info")["leases"] == 0:
        invoke(d, "create_demo")
    work = os.path.join(d.work, "move-out")
    before = write(os.path.join(work, "move-in", "living.png"), photo(40, 220))
    after = write(os.path.join(work, "living-after.png"), photo(40, 220, patch=(320, 240, 480, 360)))
    card = os.path.join(work, "DCIM")
    write(os.path.join(card, "100TEST", "KITCHEN_0001.PNG"), photo(30, 230))
    write(os.path.join(card, "100TEST", "notes.jpg"), b"not a photo")

    step("an active lease whose move-in documented the living room (photo and a scuffed wall)")
    lease = invoke(d, "lease_rows", {"search": None, "status": "active"})[0]
    move_in = invoke(d, "start_inspection", {"leaseId": lease["id"], "inspectorName": "E2E Move-in"})
    living = next(r for r in move_in["rooms"] if r["room"]["room_type"] == "living_room")
    r = d.script(RAW, "upload_photo", b64(before), {"room-id": living["room"]["id"], "file-name": "living.png"})
    assert "ok" in r, r
    invoke(d, "rate_item", {"itemId": living["items"][0]["id"], "rating": "poor", "notes": "Scuffed by the door at move-in"})

    step("the tenant gives notice on the lease page")
    d.eval("window.location.hash = arguments[0]; return true;", f"#/leases/{lease['id']}")
    d.wait_text("#lease-badge", "Active")
    d.click("#action-give_notice")
    d.find("#lifecycle-form[open]")
    today = (datetime.date.fromisoformat(d.eval("return document.querySelector('#move-out-date').value"))
             - datetime.timedelta(days=30)).isoformat()
    d.type_into("#notice-date", today)
    d.type_into("#notice-reason", "Buying a house")
    d.click("#lifecycle-submit")
    d.wait_text("dialog[open] .confirm-body", "Notice Given")
    d.click("dialog[open] .confirm-ok")
    d.wait_text("#lease-badge", "Notice Given")

    step("New move-out inspection offers the lease under notice; the inspector is required")
    d.click("#nav-move-out")
    d.wait_text("main h1", "Move-out inspections")
    d.click("#new-move-out")
    d.find("#new-move-out-dialog[open]")
    d.wait_text("#move-out-rule", "under notice")
    assert d.eval("return document.querySelector('#move-out-inspector').value") == "", "the inspector starts empty"
    d.type_into("#move-out-lease-search", lease["lease_number"])
    d.wait_text("#new-move-out-dialog .leases", lease["tenant_name"])
    d.click(f"#new-move-out-dialog .lease[data-lease='{lease['id']}'] input")
    d.click("#start-move-out")
    d.wait_text("#new-move-out-dialog", "Enter the inspector's name")
    d.type_into("#move-out-inspector", "E2E Inspector")
    d.click("#start-move-out")
    d.wait_gone("#new-move-out-dialog[open]")
    d.wait_text("#move-out-parties", lease["tenant_name"])
    d.wait_text("#move-out-blockers", "No photos yet")
    deposit = d.text("#move-out-deposit").strip()
    start_refund = refund(d.text("#move-out-refund"))
    inspection = d.eval("return location.hash.split('/')[2]")

    step("its turnover case is on the board")
    case_id = d.eval("return document.querySelector('#move-out-case-link').getAttribute('href').split('/')[2]")
    d.click("#nav-turnover")
    d.find(f".turnover-card[data-key='{case_id}']", timeout=40)
    d.eval("window.location.hash = arguments[0]; return true;", f"#/move-out/{inspection}")
    d.find("#move-out-add")

    step("the living room photo goes up from its file; the kitchen from a camera folder, with progress")
    verdicts = d.script(ADD_FILES, "living_room", "living-after.png", b64(after))
    assert not verdicts.startswith("ERROR"), verdicts
    d.wait_text(".room[data-room=living_room]", "1 photo")
    d.type_into("#move-out-room", "kitchen")
    d.type_into("#move-out-camera-folder", card)
    d.click("#move-out-camera-import")
    d.wait_text("#move-out-import-summary", "Kitchen: 1 imported, 0 already in this inspection, 1 refused", timeout=60)
    d.wait_text("#move-out-import-summary .refused", "100TEST/notes.jpg")
    d.wait_text(".room[data-room=kitchen]", "1 photo")
    wait_for(d, "return [...document.querySelectorAll('.photo-card img')].every(i => i.complete && i.naturalWidth > 0)"
                " && document.querySelectorAll('.photo-card img').length === 2", "the thumbnails")

    step("analyze: the offline check leaves both photos to a person, and says so")
    d.click("#move-out-analyze")
    d.wait_text("#move-out-run", "Offline check — classify by eye: 0 classified, 2 to classify by eye")
    d.wait_text(".room[data-room=living_room] .photo-class", "Needs review")
    d.wait_text(".room[data-room=living_room] .photo-provider", "Offline check — classify by eye")
    d.wait_text("#move-out-blockers", "2 photo(s) still need a classification")
    assert d.eval("return document.querySelector('#move-out-finalize').disabled"), "finalize waits for the review"
    d.shot("move-out-analyzed")

    step("compare with the move-in: the living room differs where the patch is; the kitchen has no move-in photo")
    d.click("#move-out-compare")
    d.wait_text("main h1", "Move-in vs move-out")
    d.find(".pair[data-room=living_room]", timeout=60)
    d.wait_text(".pair[data-room=living_room] .pair-status", "Differs: look at the pair")
    assert d.eval("return document.querySelectorAll('.pair[data-room=living_room] .region').length") > 0, "no region drawn"
    d.wait_text(".pair[data-room=living_room] .differences", "Pre-existing — no charge")
    d.wait_text(".pair[data-room=living_room] .differences", "Scuffed by the door at move-in")
    d.wait_text(".pair[data-room=kitchen] .pair-status", "No move-in photo")
    d.wait_text("#compare-text", "1 to review by eye")
    d.shot("move-out-compare")
    d.click("#compare-slider-mode")
    d.find(".pair[data-room=living_room] .slider .region")
    d.click("#compare-highlight")
    d.wait_gone(".pair[data-room=living_room] .region")
    d.shot("move-out-compare-slider")
    d.eval("history.back(); return true;")
    d.find("#move-out-add")

    step("review: the living room photo is damage with one priced item, the kitchen normal wear")
    card_css = ".room[data-room=living_room] .photo-card"
    d.click(f"{card_css} .classify[data-class=damage]")
    d.find(f"{card_css} .items-editor")
    d.type_into(f"{card_css} .item-desc", "Hole in the wall behind the door")
    d.type_into(f"{card_css} .item-category", "wall_damage")
    d.type_into(f"{card_css} .item-severity", "moderate")
    d.wait_text(f"{card_css} .range", "Table: $75.00–$200.00")
    d.type_into(f"{card_css} .item-cost", "lots")
    d.wait_text(f"{card_css} .items-editor", "Dollars and cents")
    d.type_into(f"{card_css} .item-cost", "150.00")
    d.click(f"{card_css} .save-damage")
    d.wait_text(f"{card_css} .photo-class", "Damage")
    d.wait_text(f"{card_css} .damage-items", "$150.00")
    d.click(".room[data-room=kitchen] .photo-card .classify[data-class=normal_wear]")
    d.wait_text(".room[data-room=kitchen] .photo-class", "Normal wear")
    d.wait_gone("#move-out-blockers")
    d.wait_text("#move-out-damage", "$150.00")
    expected = round(start_refund - 150, 2)

    step("the letter preview states the deposit, the item and the refund; generating saves the PDF")
    d.click("#move-out-letter")
    d.find("dialog[open] #move-out-letter-preview", timeout=40)
    text = d.text("#move-out-letter-preview")
    for needle in (deposit, "$150.00", fmt(expected), "Hole in the wall behind the door"):
        assert needle in text, (needle, text[:1500])
    d.shot("move-out-letter-preview")
    d.click("dialog[open] .confirm-ok")
    d.wait_text("#move-out-letter-path", ".pdf", timeout=40)
    path = d.text("#move-out-letter-path").strip()
    assert os.path.isfile(path) and open(path, "rb").read(4) == b"%PDF", path
    d.click("#move-out-letter-text summary")
    stated = d.text("#move-out-letter-text")
    for needle in (deposit, "$150.00", fmt(expected)):
        assert needle in stated, (needle, stated[:1500])

    step("finalize: the confirm lists the deduction and the refund, then the inspection locks")
    d.click("#move-out-finalize")
    d.find("dialog[open] #move-out-finalize-confirm")
    confirm = d.text("#move-out-finalize-confirm")
    assert "Living room: Hole in the wall behind the door" in confirm and "$150.00" in confirm, confirm
    assert fmt(expected) in confirm, (fmt(expected), confirm)
    d.shot("move-out-finalize-confirm")
    d.click("dialog[open] .confirm-ok")
    d.wait_text("#move-out-status", "Finalized")
    d.find("#move-out-locked")
    assert refund(d.text("#move-out-refund")) == expected, d.text("#move-out-refund")

    step("the turnover case shows the approved deduction and the refund")
    d.click("#move-out-case-link")
    d.wait_text("#turnover-deduction-list", "Living room: Hole in the wall behind the door")
    d.wait_text("#turnover-deductions", "$150.00")
    assert refund(d.text("#turnover-refund")) == expected, d.text("#turnover-refund")
    d.shot("move-out-turnover-case")
