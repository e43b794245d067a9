"""Tenant screening (spec 4.2): the applications view opened from the sidebar takes a new
application through its form for the first unit of the picker (an empty first name is refused
first, in the core's words, beside the form); Score shows the score and every risk factor; Deny
with a reason goes through the confirm, which lists the adverse action notice emailed to the
applicant's address with each factor and the typed reason; the application is then "denied", in
the view and in the replica, and neither the list nor the detail carries the date of birth or SSN."""
import datetime
import importlib.util
import os

from driver import step

_spec = importlib.util.spec_from_file_location("maintenance_flow", os.path.join(os.path.dirname(__file__), "48_maintenance.py"))
_maint = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_maint)
invoke, scroll_click, wait_for = _maint.invoke, _maint.scroll_click, _maint.wait_for

EMAIL = "dana.okafor.e2e@example.com"
REASON = "Could not verify the previous tenancy"


def run(d):
    _maint._pricing._flow.ensure_demo(d)

    step("the applications view opens from the sidebar")
    d.click("#nav-screening")
    d.wait_text("main h1", "Applications")
    before = len(invoke(d, "screening_list"))

    step("New application: the first unit of the picker; an empty first name is refused in core's words")
    scroll_click(d, "#scr-new")
    d.find("#scr-intake")
    wait_for("the unit picker", lambda: d.eval("return document.querySelectorAll('#scr-unit option').length") > 0)
    unit = d.eval("return document.querySelector('#scr-unit option').value")
    d.type_into("#scr-unit", unit)
    d.type_into("#scr-last", "Okafor")
    d.type_into("#scr-email", EMAIL)
    d.type_into("#scr-phone", "555-0101")
    d.type_into("#scr-employer", "Harbor Freight")
    d.type_into("#scr-income", "1500")
    d.type_into("#scr-since", (datetime.date.today() - datetime.timedelta(days=100)).isoformat())
    d.type_into("#scr-lease-months", "24")
    scroll_click(d, "#scr-eviction")
    assert d.eval("return document.querySelector('#scr-eviction').checked")
    scroll_click(d, "#scr-submit")
    d.wait_text("#scr-intake-error", "First name is required.")
    assert len(invoke(d, "screening_list")) == before, "nothing stored"
    d.shot("screening-refused")

    step("with a first name it is taken and shown, submitted")
    d.type_into("#scr-first", "Dana")
    scroll_click(d, "#scr-submit")
    d.wait_gone("#scr-intake")
    d.wait_text("#scr-detail h2", "Dana Okafor")
    d.wait_text("#scr-status", "Submitted")
    apps = invoke(d, "screening_list")
    assert len(apps) == before + 1, apps
    app = next(a for a in apps if a["email"] == EMAIL)
    assert app["unit_id"] == unit and app["status"] == "submitted", app
    d.find(f"#scr-list tr.scr-row[data-id='{app['id']}']")

    step("Score: the score, its breakdown and every risk factor")
    scroll_click(d, "#scr-score-btn")
    d.find("#scr-factors li", timeout=30)
    detail = invoke(d, "screening_detail", {"id": app["id"]})
    assert detail["status"] == "scored" and detail["ai_score"] is not None, detail
    d.wait_text("#scr-score", str(round(detail["ai_score"])))
    d.wait_text("#scr-factors", "Prior eviction on record")
    factors = d.eval("return [...document.querySelectorAll('#scr-factors li')].map(l => l.dataset.factor)")
    assert factors == [f["factor"] for f in detail["risk_factors"]], factors
    d.wait_text("#scr-breakdown", "Rental history")
    d.shot("screening-scored")

    step("Deny with a reason: the confirm lists the notice to the applicant with every reason")
    d.type_into("#scr-deny-reason", REASON)
    scroll_click(d, "#scr-deny")
    d.find("dialog[open] #scr-confirm")
    d.wait_text("dialog[open] #scr-confirm dd[data-field=notice]", f"emailed to {EMAIL}")
    reasons = d.eval("return [...document.querySelectorAll('dialog[open] #scr-confirm-reasons li')].map(l => l.innerText.trim())")
    assert reasons == [f["factor"] for f in detail["risk_factors"]] + [REASON], reasons
    d.shot("screening-confirm")
    d.click("dialog[open] .confirm-ok")
    d.wait_gone("dialog[open]")

    step("the application is denied, with the reason on record")
    d.wait_text("#scr-status", "Denied", timeout=30)
    d.wait_text("#scr-decision", REASON)
    assert d.eval("return document.querySelector('#scr-status').dataset.status") == "denied"
    d.find(f"#scr-list tr.scr-row[data-id='{app['id']}'][data-status='denied']")
    detail = invoke(d, "screening_detail", {"id": app["id"]})
    assert detail["status"] == "denied" and detail["decision_notes"] == REASON, detail
    for row in [*invoke(d, "screening_list"), detail]:
        assert not any(k in row for k in ("date_of_birth", "ssn_last_four")), row
    d.shot("screening-denied")
