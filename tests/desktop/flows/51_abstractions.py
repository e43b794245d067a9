"""Lease abstraction (spec 4.3, side-by-side review with the original PDF): the `unitcycle` CLI
prints a demo lease as a PDF with a rent $75 above the record's; it is uploaded by path, tied to
its lease, through the dialog of the lease abstraction screen (g then a); its review draws the
page with a box over every term read; the person enters the governing law (not in the sample)
and saves it; "Apply to lease" shows the diff against the record — the rent changes, the deposit
does not — and confirming writes the checked rent to the lease, and the abstraction is applied."""
import importlib.util
import os
import subprocess

from driver import E2EError, step

_spec = importlib.util.spec_from_file_location("maintenance_flow", os.path.join(os.path.dirname(__file__), "48_maintenance.py"))
_maint = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_maint)
invoke, scroll_click, wait_for = _maint.invoke, _maint.scroll_click, _maint.wait_for


def amount(money):
    """"$1,450.00" → 1450.0."""
    return float(money.replace("$", "").replace(",", ""))


def sample(work, lease_number, rent):
    """Writes the lease as a PDF with the CLI, printing `rent`; returns its path."""
    cli = os.path.join(os.path.dirname(os.environ["APP"]), "unitcycle")
    out = os.path.join(work, "lease.pdf")
    r = subprocess.run([cli, "--db", os.path.join(work, "replica.db"), "leases", "sample", out, "--lease", lease_number,
                        "--rent", f"{rent:.2f}"], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise E2EError(f"unitcycle leases sample failed: {r.stderr or r.stdout}")
    line = r.stdout.strip().splitlines()[-1]
    assert os.path.exists(out) and "rent" in line, line
    return out, line


def run(d):
    _maint._pricing._flow.ensure_demo(d)
    work = os.environ["WORK"]

    step("a demo lease; the CLI prints it with a rent $75 above the record's")
    lease = invoke(d, "list_leases", {"search": None})[0]
    rent = amount(lease["monthly_rent"]) + 75
    path, line = sample(work, lease["lease_number"], rent)
    step(f"  {line}")
    before = {a["id"] for a in invoke(d, "abstractions_list", {"status": None})}

    step("g then a opens lease abstraction")
    d.eval("document.activeElement && document.activeElement.blur(); return true;")
    d.press("g")
    d.press("a")
    d.wait_text("main h1", "Lease abstraction")
    d.find("#lease-upload-open", timeout=30)

    step("upload it by path, tied to its lease; the review opens with the page drawn")
    scroll_click(d, "#lease-upload-open")
    d.find("#lease-upload-dialog[open]")
    d.type_into("#lease-id", lease["id"])
    d.type_into("#lease-path", path)
    d.click("#lease-upload")
    d.wait_gone("#lease-upload-dialog[open]", timeout=60)
    aid = wait_for("the review to open", lambda: d.eval(
        "const m = location.hash.match(/#\\/abstractions\\/([0-9a-f-]{36})/); return m ? m[1] : null"))
    assert aid not in before, aid
    d.find("#lease-page .span", timeout=60)
    d.find(".term-box[data-term=monthly_rent]")
    review = invoke(d, "abstraction_review", {"id": aid})
    a = review["abstraction"]
    assert a["lease_id"] == lease["id"], a["lease_id"]
    assert review["pages"] and review["pages"][0]["width"] > 0, "the page is read back"
    assert review["lease"]["lease_number"] == lease["lease_number"], review["lease"]
    assert amount(str(a["extracted_terms"]["monthly_rent"])) == rent, a["extracted_terms"]["monthly_rent"]
    assert "governing_law_state" in a["missing_terms"], a["missing_terms"]
    d.wait_text("#abstraction-lease", lease["lease_number"])
    d.shot("abstraction-review")

    step("choosing the rent's field highlights its box")
    d.eval("const el = document.querySelector('#term-monthly_rent'); el.scrollIntoView({block: 'center'}); el.focus(); return true;")
    d.find(".term-box.selected[data-term=monthly_rent]")

    step("enter the missing governing law and save the correction")
    d.type_into("#term-governing_law_state", "Oregon")
    d.wait_text("#save-terms", "(1)")
    scroll_click(d, "#save-terms")
    d.wait_text("#abstraction-status", "Reviewed", timeout=30)
    d.wait_text("#meta-governing_law_state", "corrected by")
    a = invoke(d, "abstraction_review", {"id": aid})["abstraction"]
    assert a["extracted_terms"]["governing_law_state"] == "Oregon" and a["status"] == "reviewed", a["status"]
    assert a["extracted_terms"]["monthly_rent"] is not None

    step("apply: the diff marks the rent as changing and the deposit unchanged")
    scroll_click(d, "#apply-terms")
    d.find("#apply-dialog[open]", timeout=30)
    d.find("#apply-diff tr.diff-row[data-term=monthly_rent][data-changes=true]")
    d.find("#apply-diff tr.diff-row.same[data-term=security_deposit][data-changes=false]")
    assert d.eval("return document.querySelector('input.apply-field[data-term=monthly_rent]').checked")
    assert not d.eval("return !!document.querySelector('input.apply-field[data-term=security_deposit]')")
    d.wait_text("#apply-dialog", "Only the checked terms are written to the lease; nothing is sent to the tenant.")
    d.shot("abstraction-apply")
    d.click("#confirm-apply")
    d.wait_gone("#apply-dialog[open]", timeout=30)
    d.wait_text("#abstraction-applied", "Applied", timeout=30)

    step("the lease's rent is the document's, and the abstraction is applied")
    after = next(l for l in invoke(d, "list_leases", {"search": None}) if l["id"] == lease["id"])
    assert amount(after["monthly_rent"]) == rent, (after["monthly_rent"], rent)
    a = next(x for x in invoke(d, "abstractions_list", {"status": "applied"}) if x["id"] == aid)
    assert a["applied_to_lease"] and a["status"] == "applied", a
