"""Lease builder (spec 4.5): the builder opened with the keyboard (g then e) picks a new vacant
unit in California (a state with rules on record); the terms are filled and the clause details the assembly names as
missing are typed in, and the lease is compliant; checking the habitability waiver raises the risk
to its score and shows the prohibition with its statute, live, and unchecking it clears both; the
preview shows the tenant. "Generate draft" writes the draft; "Edit draft" loads it back into the
form, where the rent is changed and "Save draft" writes it over the same lease (the detail and the
replica show the new rent, the form is fresh again); "Send for signing…" goes through the
confirm, which lists exactly the emails `builder_send_preview` returns (the tenant's address among
them); each signer then signs in person and the lease is "Fully signed", in the view and in the
replica, with the lease record made; a sent lease's "Edit draft" is disabled with the reason."""
import importlib.util
import os
import time

from driver import step

_spec = importlib.util.spec_from_file_location("maintenance_flow", os.path.join(os.path.dirname(__file__), "48_maintenance.py"))
_maint = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_maint)
invoke, scroll_click, wait_for = _maint.invoke, _maint.scroll_click, _maint.wait_for

TENANT = "Alex Rivera"
EMAIL = "alex.rivera.e2e@example.com"


def ruled_vacant_unit(d):
    """A new vacant unit in Oakland, California (a state with rules on record, where the
    habitability waiver is prohibited), and its clause library."""
    stamp = str(int(time.time()))[-6:]
    act = lambda action: invoke(d, "record_action", {"entityId": None, "action": action})
    p = act({"action": "create_property", "name": f"E2E Lease Court {stamp}", "address": "12 Lake St", "city": "Oakland",
             "state": "CA", "time_zone": "America/Los_Angeles"})
    b = act({"action": "create_building", "property_id": p["id"], "name": "Main", "floors": 2})
    u = act({"action": "create_unit", "property_id": p["id"], "building_id": b["id"], "unit_number": "1A",
             "bedrooms": 1, "bathrooms": "1", "market_rent": "1450.00"})
    lib = invoke(d, "builder_clauses", {"unitId": u["id"]})
    assert any(c["slug"] == "habitability_waiver" and c["prohibited_here"] for c in lib["clauses"]), lib
    return u, lib


def attr(d, css, name):
    return d.eval("const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null", css, name)


def run(d):
    _maint._pricing._flow.ensure_demo(d)
    before = len(invoke(d, "builder_leases"))

    unit, lib = ruled_vacant_unit(d)

    step("the lease builder opens with g then e")
    d.find("main")
    d.press("g")
    d.press("e")
    d.wait_text("main h1", "Lease builder")

    step("a vacant unit in California; the clause library shows the waiver prohibited, flagged")
    wait_for("the unit picker", lambda: d.eval("return document.querySelectorAll('#lb-unit option').length") > 0)
    d.type_into("#lb-unit", unit["id"])
    d.find(f"#lb-clauses[data-unit='{unit['id']}']")
    d.wait_text("#lb-jurisdiction", "Oakland, CA")
    waiver = next(c for c in lib["clauses"] if c["slug"] == "habitability_waiver")
    d.find("#lb-clauses li.lb-clause[data-slug='habitability_waiver'][data-flagged='true']")
    d.wait_text("#lb-clauses li.lb-clause[data-slug='habitability_waiver']", f"Prohibited in {lib['state']}")

    step("the terms and every clause detail the assembly names as missing")
    d.type_into("#lb-tenant", TENANT)
    d.type_into("#lb-email", EMAIL)
    d.type_into("#lb-rent", "1450")
    d.type_into("#lb-deposit", "1000")
    d.type_into("#lb-late-fee", "50")
    d.type_into("#lb-grace", "5")
    d.find("#lb-variables input[data-variable='landlord_paid_utilities']")

    def fill_missing():
        names = d.eval("return [...document.querySelectorAll('#lb-variables input.missing')].map(i => i.dataset.variable)")
        for n in names:
            d.type_into(f"#lb-variables input[data-variable='{n}']", "Water and trash" if n == "landlord_paid_utilities" else "None known")
        return attr(d, "#lb-compliance", "data-errors") == "0"
    wait_for("a compliant lease", fill_missing)
    d.wait_text("#lb-compliance", "Compliant")
    low = int(attr(d, "#lb-risk", "data-score"))
    assert low <= 70, low
    wait_for("the preview with the tenant", lambda: TENANT in (attr(d, "#lb-preview", "srcdoc") or ""))
    assert "Water and trash" in attr(d, "#lb-preview", "srcdoc")
    d.shot("lease-builder-compliant")

    step("checking the waiver: the risk rises to its score and the prohibition shows its statute")
    scroll_click(d, "#lb-clause-habitability_waiver")
    wait_for("the risk of the waiver", lambda: attr(d, "#lb-risk", "data-score") == str(waiver["risk_score"]))
    d.wait_text("#lb-violations li[data-rule='prohibited_clause']", waiver["prohibited_here"])
    assert attr(d, "#lb-compliance", "data-sendable") == "false"
    d.shot("lease-builder-prohibited")
    scroll_click(d, "#lb-clause-habitability_waiver")
    wait_for("the risk back", lambda: attr(d, "#lb-risk", "data-score") == str(low))
    wait_for("compliant again", lambda: attr(d, "#lb-compliance", "data-errors") == "0")

    step("Generate draft writes the draft and selects it")
    scroll_click(d, "#lb-generate")
    d.wait_text("#lb-lease h3", TENANT)
    d.wait_text("#lb-lease-status", "Draft")
    leases = invoke(d, "builder_leases")
    assert len(leases) == before + 1, leases
    lease = next(l for l in leases if l["tenant_email"] == EMAIL)
    assert lease["status"] == "draft" and lease["unit_id"] == unit["id"], lease
    d.find(f"#lb-leases tr.lb-lease[data-id='{lease['id']}'][data-status='draft']")

    step("Edit draft loads the draft into the form; a new rent is saved over the same lease")
    scroll_click(d, "#lb-edit")
    d.find(f"#lb-editing[data-id='{lease['id']}']")
    d.wait_text("#lb-generate", "Save draft")
    wait_for("the draft's tenant in the form", lambda: d.eval("return document.querySelector('#lb-tenant').value") == TENANT)
    d.type_into("#lb-rent", "1525")
    wait_for("the preview at the new rent", lambda: "1,525" in (attr(d, "#lb-preview", "srcdoc") or ""))
    d.shot("lease-builder-editing")
    scroll_click(d, "#lb-generate")
    d.wait_text("#lb-lease", "$1,525.00 a month")
    d.wait_text("#lb-generate", "Generate draft")
    d.wait_gone("#lb-editing")
    edited = invoke(d, "builder_leases")
    assert len(edited) == before + 1, edited
    row = next(l for l in edited if l["id"] == lease["id"])
    assert row["status"] == "draft" and float(row["monthly_rent"]) == 1525, row

    step("Send for signing: the confirm lists exactly the emails queued, the tenant's among them")
    expected = invoke(d, "builder_send_preview", {"id": lease["id"], "signers": []})
    assert EMAIL in [m["recipient"] for m in expected], expected
    scroll_click(d, "#lb-send")
    d.find("dialog[open] #lb-confirm[data-kind='send']")
    d.wait_text(f"dialog[open] #lb-confirm .lb-email[data-recipient='{EMAIL}']", f"To {TENANT} <{EMAIL}>")
    shown = d.eval("return [...document.querySelectorAll('dialog[open] #lb-confirm .lb-email')].map(e => "
                   "[e.dataset.recipient, e.querySelector('.subject').innerText.trim(), e.querySelector('.body').textContent])")
    assert shown == [[m["recipient"], m["subject"].strip(), m["body"]] for m in expected], (shown, expected)
    d.shot("lease-builder-send-confirm")
    d.click("dialog[open] .confirm-ok")
    d.wait_gone("dialog[open]")
    d.wait_text("#lb-lease-status", "Sent for signing", timeout=30)
    signers = next(l for l in invoke(d, "builder_leases") if l["id"] == lease["id"])["signers"]
    assert [s["signer_email"] for s in signers] == [m["recipient"] for m in expected], signers
    assert all(s["status"] == "pending" for s in signers), signers
    assert d.eval("return document.querySelector('#lb-edit').disabled") is True
    d.wait_text("#lb-edit-blocked", "Only a draft not yet sent can be edited")

    step("each signer signs in person; the lease is fully signed")
    for i, s in enumerate(signers):
        scroll_click(d, f"#lb-signers li.lb-signer[data-id='{s['id']}'] .lb-sign")
        d.find("dialog[open] #lb-confirm[data-kind='lines']")
        d.wait_text("dialog[open] #lb-confirm dd[data-field='typed signature']", s["signer_name"])
        d.click("dialog[open] .confirm-ok")
        d.wait_gone("dialog[open]")
        d.find(f"#lb-signers li.lb-signer[data-id='{s['id']}'][data-status='signed']", timeout=30)
        if i < len(signers) - 1:
            d.wait_text("#lb-lease-status", "Partially signed")
    d.wait_text("#lb-signing-summary", "Fully signed", timeout=30)
    d.find(f"#lb-leases tr.lb-lease[data-id='{lease['id']}'][data-status='fully_signed']")
    done = next(l for l in invoke(d, "builder_leases") if l["id"] == lease["id"])
    assert done["status"] == "fully_signed" and done["tenant_lease_id"], done
    assert all(s["status"] == "signed" and s["signed_at"] for s in done["signers"]), done
    d.shot("lease-builder-signed")
