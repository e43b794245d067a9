"""Maintenance and vendors: the maintenance screen opened with the keyboard (g then w) lists the
open work orders; a work order is created for a demo unit through the dialog, assigned to a
vendor, refused in core's words when completed with a tenant rating of 7, then completed with a
cost and a rating and leaves the open list; a risk suggestion is approved and its work order
opens (and is dispatched to a recommended vendor); the vendors screen (g then y) shows the
scorecards as the `vendors_view` command returns them, a vendor's six metrics as bars, and
finds the repeat visit the new work order made (a plumbing job two days after another on the same
unit) and resolves it."""
import datetime
import importlib.util
import os
import time

from driver import E2EError, step

_spec = importlib.util.spec_from_file_location("pricing_flow", os.path.join(os.path.dirname(__file__), "47_pricing.py"))
_pricing = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_pricing)
invoke, scroll_click = _pricing.invoke, _pricing.scroll_click


def keys(d, css):
    return d.eval("return [...document.querySelectorAll(arguments[0])].map(r => r.dataset.key)", css)


def wait_for(what, check, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        got = check()
        if got:
            return got
        time.sleep(0.3)
    raise E2EError(f"{what} never happened")


def open_rows(d):
    return {r["order"]["id"]: r for r in invoke(d, "maintenance_view", {"status": "open", "propertyId": None})["rows"]}


def run(d):
    _pricing._flow.ensure_demo(d)

    step("g then w opens maintenance with the open work orders")
    d.eval("document.activeElement && document.activeElement.blur(); return true;")
    d.press("g")
    d.press("w")
    d.wait_text("main h1", "Maintenance")
    d.find("#work-orders tr.dt-row", timeout=60)
    view = invoke(d, "maintenance_view", {"status": None, "propertyId": None})
    assert view["status"] == "open" and view["rows"], view["status"]
    shown = keys(d, "#work-orders tr.dt-row")
    assert shown and shown[0] == view["rows"][0]["order"]["id"], (shown[:3], view["rows"][0]["order"]["id"])
    d.shot("maintenance-work-orders")

    step("a plumbing job on a demo unit done two days ago (through the commands)")
    unit = invoke(d, "maintenance_units", {"search": None, "propertyId": None})[0]
    today = datetime.date.fromisoformat(view["today"])
    earlier = invoke(d, "maintenance_act", {"id": None, "action": {
        "action": "create", "unit_id": unit["id"], "title": "E2E tap drips", "description": "", "category": "plumbing",
        "priority": "medium", "requested_date": str(today - datetime.timedelta(days=3)), "tenant_id": None}})
    invoke(d, "maintenance_act", {"id": earlier["outcome"]["id"], "action": {
        "action": "complete", "completed_date": str(today - datetime.timedelta(days=2)), "cost": "95.00", "tenant_rating": 4}})

    step("create a work order for the same unit through the dialog")
    title = f"E2E leaking kitchen tap {int(time.time())}"
    d.click("#new-work-order")
    d.find("#new-wo-dialog[open]")
    d.type_into("#new-wo-unit-search", f"{unit['unit_number']} {unit['property_name']}")
    wait_for("the unit search", lambda: d.eval(
        "return [...document.querySelectorAll('#new-wo-unit option')].some(o => o.value === arguments[0])", unit["id"]))
    d.type_into("#new-wo-unit", unit["id"])
    d.type_into("#new-wo-title", title)
    d.type_into("#new-wo-description", "Drips all night under the sink.")
    d.type_into("#new-wo-category", "plumbing")
    d.type_into("#new-wo-priority", "high")
    d.click("#new-wo-submit")
    d.wait_gone("#new-wo-dialog[open]")
    d.wait_text("#wo-title", title)
    made = wait_for("the new work order", lambda: next((r for r in open_rows(d).values() if r["order"]["title"] == title), None))
    wo = made["order"]["id"]
    assert made["unit_number"] == unit["unit_number"] and made["order"]["category"] == "plumbing", made
    d.find(f"#work-orders tr.dt-row[data-key='{wo}']")

    step("assign it to a vendor")
    vendor = view["vendors"][0]
    scroll_click(d, "#wo-assign")
    d.type_into("#wo-vendor-pick", vendor["id"])
    scroll_click(d, "#wo-step-submit")
    d.wait_text("#wo-vendor", vendor["name"])
    assert open_rows(d)[wo]["order"]["assigned_vendor_id"] == vendor["id"]

    step("a tenant rating of 7 is refused in core's words")
    scroll_click(d, "#wo-complete")
    d.type_into("#wo-cost", "185.40")
    d.type_into("#wo-rating", "7")
    scroll_click(d, "#wo-step-submit")
    d.wait_text("#wo-step-error", "A tenant rating is 1 to 5, not 7.")
    assert open_rows(d)[wo]["order"]["status"] == "open"
    d.shot("maintenance-refused-rating")

    step("completed with a cost and a rating, it leaves the open list")
    d.type_into("#wo-rating", "5")
    scroll_click(d, "#wo-step-submit")
    d.wait_text("#wo-finished", "takes no further steps")
    d.wait_text("#wo-cost-shown", "$185.40")
    d.wait_gone(f"#work-orders tr.dt-row[data-key='{wo}']")
    assert wo not in open_rows(d)
    done = {r["order"]["id"]: r for r in invoke(d, "maintenance_view", {"status": "completed", "propertyId": None})["rows"]}
    assert done[wo]["order"]["cost"] == "185.40" and done[wo]["order"]["tenant_rating"] == 5, done[wo]

    step("the risk tab puts every factor beside the score; approving a suggestion makes its work order")
    scroll_click(d, "#maint-tab-risk")
    d.find("#risk-scores", timeout=60)
    risk = invoke(d, "risk_view", {"propertyId": None})
    worst = risk["scores"][0]
    cells = d.eval("return [...document.querySelectorAll('#risk-scores tbody tr:first-child td.factor')].map(c => c.dataset.factor)")
    assert cells == [f["key"] for f in risk["factors"]], cells
    assert keys(d, "#risk-scores tbody tr")[0] == worst["score"]["unit_id"]
    first = d.text("#risk-scores tbody tr:first-child")
    assert "{:.1f}".format(worst["score"]["risk_score"]) in first, first
    assert risk["suggestions"], "the demo suggests preventive work"
    suggestion = risk["suggestions"][0]["suggestion"]
    scroll_click(d, f"#risk-suggestions tr[data-key='{suggestion['id']}'] .suggestion-approve")
    d.wait_text("#risk-result", "Suggestion approved")
    d.wait_gone(f"#risk-suggestions tr[data-key='{suggestion['id']}']")
    scroll_click(d, "#risk-open-wo")
    d.wait_text("#wo-title", suggestion["title"][:60])
    approved = next(r for r in open_rows(d).values() if r["order"]["title"] == suggestion["title"][:200])
    assert approved["order"]["unit_id"] == suggestion["unit_id"], approved
    d.shot("maintenance-suggestion-approved")

    step("its dispatch recommends at most three vendors; accepting one assigns it")
    scroll_click(d, "#wo-dispatch")
    d.find("#wo-dispatch-panel .dispatch-choice", timeout=60)
    choices = keys(d, "#wo-dispatch-panel .dispatch-choice")
    assert 1 <= len(choices) <= 3, choices
    dispatch = invoke(d, "work_order_dispatch", {"workOrderId": approved["order"]["id"]})
    assert choices == [c["vendor_id"] for c in dispatch["recommendations"]], (choices, dispatch["recommendations"])
    pick = dispatch["recommendations"][0]
    scroll_click(d, f"#wo-dispatch-panel .dispatch-choice[data-key='{pick['vendor_id']}'] .dispatch-accept")
    d.wait_text("#wo-vendor", pick["vendor_name"])
    assert open_rows(d)[approved["order"]["id"]]["order"]["assigned_vendor_id"] == pick["vendor_id"]

    step("g then y opens the vendors with their scorecards, best first")
    d.eval("document.activeElement && document.activeElement.blur(); return true;")
    d.press("g")
    d.press("y")
    d.wait_text("main h1", "Vendors")
    d.find("#vendor-scorecards tr.dt-row", timeout=60)
    vendors = invoke(d, "vendors_view")
    assert vendors["cards"], "the demo scores its vendors"
    rows = keys(d, "#vendor-scorecards tr.dt-row")
    assert rows == [c["card"]["vendor_id"] for c in vendors["cards"]][: len(rows)], rows
    best = vendors["cards"][0]
    row = d.text(f"#vendor-scorecards tr.dt-row[data-key='{best['card']['vendor_id']}']")
    assert best["name"] in row and "{:.1f}".format(best["card"]["overall_score"]) in row, row

    step("a vendor opens its six metrics as bars")
    scroll_click(d, f"#vendor-scorecards tr.dt-row[data-key='{best['card']['vendor_id']}'] td")
    d.wait_text("#vendor-detail-name", best["name"])
    bars = keys(d, "#vendor-metric-bars .metric-bar")
    assert bars == ["response_time", "first_visit", "cost_accuracy", "sla_compliance", "tenant_satisfaction", "documentation"], bars
    d.shot("vendors")

    step("looking for repeat visits finds the one made above; resolve it")
    assert vendors["detect_refusal"] is None, vendors["detect_refusal"]
    scroll_click(d, "#vendors-detect")
    d.wait_text("#vendors-detect-result", "repeat visit", timeout=40)
    vendors = invoke(d, "vendors_view")
    alert = next(a["alert"] for a in vendors["alerts"] if a["alert"]["repeat_work_order_id"] == wo)
    assert alert["unit_id"] == unit["id"] and alert["work_category"] == "plumbing", alert
    d.find(f"#repeat-alerts tr[data-key='{alert['id']}']")
    d.type_into(f"#repeat-alerts tr[data-key='{alert['id']}'] .alert-resolution", "warranty_claim")
    scroll_click(d, f"#repeat-alerts tr[data-key='{alert['id']}'] .alert-resolve")
    d.wait_gone(f"#repeat-alerts tr[data-key='{alert['id']}']")
    after = invoke(d, "vendors_view")
    assert alert["id"] not in [a["alert"]["id"] for a in after["alerts"]]
    resolved = invoke(d, "vendors_view")
    assert resolved["stats"]["open_repeat_alerts"] == len(resolved["alerts"])
    d.wait_text("#vendor-open-alerts", str(after["stats"]["open_repeat_alerts"]))
