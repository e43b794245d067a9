"""Invoices (spec 3.2, side-by-side review): a sample bill from a demo work order's vendor, made
by the `unitcycle` CLI with its number under a label the offline reader does not know, is
uploaded by path through the dialog of the invoices screen (g then b); its review draws the
page with a box over every field read, the number is not read right, the person types it in and
approves — the confirm lists exactly that correction and says nothing is paid or sent — and the
invoice is approved, matched to the work order. The same vendor's next bill is then read right
without correction, by the template the approval taught."""
import importlib.util
import os
import subprocess

from driver import E2EError, step

_spec = importlib.util.spec_from_file_location("maintenance_flow", os.path.join(os.path.dirname(__file__), "48_maintenance.py"))
_maint = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_maint)
invoke, scroll_click, wait_for, keys = _maint.invoke, _maint.scroll_click, _maint.wait_for, _maint.keys


def sample(work, wo, name, n):
    """Writes a sample invoice for work order `wo` with the CLI; returns (path, number, total)."""
    cli = os.path.join(os.path.dirname(os.environ["APP"]), "unitcycle")
    out = os.path.join(work, name)
    r = subprocess.run([cli, "--db", os.path.join(work, "replica.db"), "invoices", "sample", out, "--work-order", wo,
                        "--number-label", "Ref. code", "--n", str(n)], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise E2EError(f"unitcycle invoices sample failed: {r.stderr or r.stdout}")
    line = r.stdout.strip().splitlines()[-1]
    parts = line.split(" · ")
    assert len(parts) == 4 and os.path.exists(out), line
    return out, parts[2].strip(), parts[3].replace("total", "").strip()


def upload(d, path):
    d.eval("document.activeElement && document.activeElement.blur(); return true;")
    scroll_click(d, "#invoice-upload-open")
    d.find("#invoice-upload-dialog[open]")
    d.type_into("#invoice-path", path)
    d.click("#invoice-upload")
    d.wait_gone("#invoice-upload-dialog[open]", timeout=60)


def opened_id(d):
    return wait_for("the review to open", lambda: d.eval(
        "const m = location.hash.match(/#\\/invoices\\/([0-9a-f-]{36})/); return m ? m[1] : null"))


def run(d):
    _maint._pricing._flow.ensure_demo(d)
    work = os.environ["WORK"]

    step("a demo work order with a vendor (completed or in progress)")
    rows = invoke(d, "maintenance_view", {"status": "all", "propertyId": None})["rows"]
    wo = next((r for r in rows if r["vendor_name"] and r["order"]["status"] in ("completed", "in_progress")), None)
    assert wo, "the demo has a work order with a vendor"
    wo_id = wo["order"]["id"]
    before = {x["invoice_id"] for x in invoke(d, "invoices_queue", {"status": None})}

    step("the CLI writes its vendor's bill with the number under 'Ref. code'")
    path, number, total = sample(work, wo_id, "invoice-a.pdf", 1)
    step(f"  {number}, {total}, from {wo['vendor_name']}")

    step("g then b opens the invoices queue")
    d.eval("document.activeElement && document.activeElement.blur(); return true;")
    d.press("g")
    d.press("b")
    d.wait_text("main h1", "Invoices")
    d.find("#invoice-upload-open", timeout=30)

    step("upload it by path through the dialog; its review opens")
    upload(d, path)
    inv = opened_id(d)
    assert inv not in before, inv
    d.find("#invoice-page .span", timeout=60)
    d.find(".field-box[data-field=total]")
    review = invoke(d, "invoice_review", {"invoiceId": inv})
    assert review["pages"] and review["pages"][0]["width"] > 0, "the page is read back"
    assert review["extraction"]["matched_work_order_id"] == wo_id, review["extraction"]["wo_match_reasoning"]
    spans = d.eval("return document.querySelectorAll('#invoice-page .span').length")
    assert spans >= sum(len(l["spans"]) for l in review["pages"][0]["lines"]), spans
    read = review["extraction"]["extracted_invoice_number"]
    assert read != number, f"the number under 'Ref. code' was read ({read})"
    assert d.eval("return document.querySelector('#field-invoice_number').value") == read
    d.shot("invoice-review")

    step("the total's box is highlighted when its field is chosen")
    d.click("#field-total")
    d.find(".field-box.selected[data-field=total]")

    step("type the right number; approve shows that one correction and that nothing is paid or sent")
    d.type_into("#field-invoice_number", number)
    scroll_click(d, "#invoice-approve")
    d.find("#invoice-confirm[open]")
    corrections = d.eval("return [...document.querySelectorAll('#invoice-corrections .correction')].map(c => c.dataset.field)")
    assert corrections == ["invoice_number"], corrections
    d.wait_text("#invoice-corrections .correction[data-field=invoice_number]", number)
    d.wait_text("#invoice-confirm", "Nothing is paid or sent.")
    d.shot("invoice-approve-confirm")
    d.click("#confirm-approve")
    d.wait_gone("#invoice-confirm[open]", timeout=30)
    d.wait_text("#invoice-approved", "Approved", timeout=30)
    d.wait_text("#invoice-matched", wo["order"]["title"][:40])

    step("it is approved with the number typed, matched to the work order")
    x = next(q for q in invoke(d, "invoices_queue", {"status": "approved"}) if q["invoice_id"] == inv)
    assert x["status"] == "approved" and x["matched_work_order_id"] == wo_id, x
    review = invoke(d, "invoice_review", {"invoiceId": inv})
    assert review["invoice"]["invoice_number"] == number and review["invoice"]["status"] == "approved", review["invoice"]
    assert review["extraction"]["raw_response"]["approved"]["corrections"]["invoice_number"] == number

    step("the same vendor's next bill is read right by the learned template")
    path2, number2, _ = sample(work, wo_id, "invoice-b.pdf", 2)
    assert number2 != number, number2
    scroll_click(d, "#invoice-back")
    d.find("#invoice-queue tr.dt-row", timeout=30)
    d.find(f"#invoice-queue tr.dt-row[data-key='{inv}']")
    upload(d, path2)
    inv2 = wait_for("the second review", lambda: (lambda i: i if i and i != inv else None)(opened_id(d)))
    d.find("#invoice-page .span", timeout=60)
    review2 = invoke(d, "invoice_review", {"invoiceId": inv2})
    x2 = review2["extraction"]
    assert x2["extracted_invoice_number"] == number2, (x2["extracted_invoice_number"], number2)
    assert x2["field_sources"]["invoice_number"]["via"] == "template", x2["field_sources"]["invoice_number"]
    assert d.eval("return document.querySelector('#field-invoice_number').value") == number2
    d.wait_text("#meta-invoice_number", "template")
    d.find(".field-box[data-field=invoice_number]")
    d.shot("invoice-template")
