"""The e2e steps of the plain-JS front end (desktop/ui/legacy/), kept unchanged as the porters'
reference: each ported view gets its own flows/NN_name.py with these steps rewritten against
the Svelte markup. Not run: the runner only picks up NN_*.py files.
"""
import os

from driver import step


def run(d):
    # The old script's helper names, bound to the driver, so the steps below read as they did.
    req, S, work = d.req, d.S, d.work
    find, click, text, script, wait_text, shot, camera_card = d.find, d.click, d.text, d.script, d.wait_text, d.shot, d.camera_card

    step("create the demo portfolio in an empty replica; the dashboard shows it")
    click("#create-demo")
    wait_text("#kpi-units", "60")
    wait_text("#collections-chart", "Step 5")
    wait_text("#property-table", "Harbor View")
    shot("dashboard")
    step("pick a lease and start an inspection")
    click("#nav-new")
    find("#inspector-name")
    script("document.querySelector('#inspector-name').value = 'E2E Inspector'; arguments[0](true);")
    click("button.start")
    find("#photo-input")

    make_photo = """
      const [name, lo, hi, done] = arguments;
      const c = document.createElement('canvas'); c.width = 800; c.height = 600;
      const g = c.getContext('2d');
      for (let y = 0; y < 600; y += 16) for (let x = 0; x < 800; x += 16) {
        const v = ((x + y) / 16) % 2 ? hi : lo; g.fillStyle = `rgb(${v},${v},${v})`; g.fillRect(x, y, 16, 16);
      }
      window.UC.addPhoto(name, c.toDataURL('image/jpeg', 0.92)).then(a => done(a.quality.verdict), e => done('ERROR ' + JSON.stringify(e)));
    """
    step("add a sharp photo")
    verdict = script(make_photo, "e2e-sharp.jpg", 40, 220)
    assert verdict.startswith("Good photo"), verdict
    wait_text(".photo-verdict", "Good photo")
    step("add a dark photo and see the retake verdict")
    verdict = script(make_photo, "e2e-dark.jpg", 2, 40)
    assert verdict.startswith("Retake: too dark"), verdict
    wait_text(".photos", "Retake: too dark")

    step("import a camera folder: good, dark, truncated, not an image, duplicate")
    folder = camera_card()
    summary = script("""
      const [folder, done] = arguments;
      window.UC.importCameraFolder(folder).then(r => done(r ? `${r.imported.length}/${r.duplicates.length}/${r.refused.length}` : 'none'),
                                                e => done('ERROR ' + JSON.stringify(e)));
    """, folder)
    assert summary == "2/1/2", summary
    wait_text(".import-summary", "Camera import: 2 imported, 1 already in this inspection, 2 refused")
    refused = text(".import-summary .refused")
    assert "100TEST/IMG_0003.PNG: the image is damaged or incomplete" in refused, refused
    assert "100TEST/notes.jpg: the file is not an image UnitCycle can read" in refused, refused
    wait_text(".photos", "100TEST/IMG_0002.PNG")

    step("run the offline condition check and see it labelled")
    wait_text("#ai-status", "Offline check")
    wait_text("#queued", "4 photo(s) queued for analysis")
    click("#analyze")
    wait_text(".photos", "Offline check — rate by eye")
    wait_text("#queued", "0 photo(s) queued for analysis")

    step("rate an item")
    click(".item .rating-btn[data-rating=good]")
    wait_text(".item .by", "inspector")

    step("sign twice and finalize")
    click("#go-sign")
    sign = """
      const [role, done] = arguments;
      const c = document.querySelector(`#sig-${role} canvas`); const r = c.getBoundingClientRect();
      const ev = (type, x, y) => c.dispatchEvent(new PointerEvent(type, {clientX: r.left + x, clientY: r.top + y, pointerId: 1, bubbles: true}));
      ev('pointerdown', 20, 60); for (let x = 20; x < 260; x += 10) ev('pointermove', x, 60 + (x % 40)); ev('pointerup', 260, 60);
      document.querySelector(`#sig-${role} .signer`).value = role === 'tenant' ? 'Terry Tenant' : 'Morgan Manager';
      done(true);
    """
    script(sign, "tenant"); click("#sig-tenant .save"); wait_text("#sig-tenant", "Signed by Terry Tenant")
    script(sign, "manager"); click("#sig-manager .save"); wait_text("#sig-manager", "Signed by Morgan Manager")
    click("#finalize")
    wait_text("#status", "finalized")

    step("generate the condition report")
    click("#generate-report")
    pages = wait_text("#report-pages", "pages:")
    assert "MOVE-IN CONDITION REPORT" in pages, pages
    n = int(pages.split()[0])
    assert n >= 5, pages
    reports = os.path.join(work, "reports")
    pdfs = [f for f in os.listdir(reports) if f.endswith(".pdf")]
    assert len(pdfs) == 1, pdfs
    with open(os.path.join(reports, pdfs[0]), "rb") as f:
        assert f.read(5) == b"%PDF-"
    shot("report")

    step("print a renewal offer letter from the renewal queue")
    click("#nav-renewals")
    click(".renewal-row td")
    click(".renewal-detail:not(.hidden) .letter-pdf")
    wait_text(".renewal-detail:not(.hidden) .doc-pages", "page(s)")
    letters = os.path.join(work, "letters")
    assert any(f.startswith("renewal-offer") and f.endswith(".pdf") for f in os.listdir(letters)), os.listdir(letters)

    step("approve that renewal and send it, each behind its confirm step")
    click(".renewal-detail:not(.hidden) .review-step[data-action=approve]")
    wait_text(".renewal-detail:not(.hidden) .confirm-question", "Approve the renewal for")
    click(".renewal-detail:not(.hidden) .review-confirm")
    click(".renewal-detail:not(.hidden) .review-step[data-action=send]")
    wait_text(".renewal-detail:not(.hidden) .confirm-question", "Email the offer letter")
    click(".renewal-detail:not(.hidden) .review-confirm")
    find(".renewal-detail:not(.hidden) .review-step[data-action=accept]")
    wait_text("#renewal-table", "Sent to Tenant")
    shot("renewals")

    step("open the most overdue collections case and save the letter it sent")
    click("#nav-collections")
    click(".case-row td")
    wait_text("#timeline", "step 5")
    click("#case-documents .save-doc")
    wait_text("#case-documents .doc-pages", "page(s)")
    assert sum(f.endswith(".pdf") for f in os.listdir(letters)) == 2, os.listdir(letters)
    shot("collections-case")
    step("add a property in the Records view behind its confirm box; a bad time zone is refused")
    click("#nav-records")
    click("#rec-add-property")
    set_value = "document.querySelector(arguments[0]).value = arguments[1]; arguments[2](true);"
    script(set_value, "#rf-name", "Juniper Court")
    script(set_value, "#rf-time_zone", "Mars/Olympus")
    req("POST", f"{S}/element/{find('#rf-city')}/value", {"text": "\ue007"})  # Enter submits
    wait_text("#rec-question", "Add property Juniper Court")
    click("#rec-form .rec-yes")
    wait_text("#rec-form .rec-error", "Refused:")
    script(set_value, "#rf-time_zone", "America/Denver")
    click("#rec-form button[type=submit]")
    wait_text("#rec-question", "time zone America/Denver?")
    click("#rec-form .rec-yes")
    wait_text(".rec-answer", "Added Juniper Court (America/Denver).")
    wait_text("#rec-properties", "Juniper Court")
    shot("records")
    print(f"desktop e2e: 1 passed, 0 failed ({n}-page report: {pdfs[0]})")
