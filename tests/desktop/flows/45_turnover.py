"""Turnover: the board with its five stage columns and figures, a case opened from its card,
moved one stage after the confirm says what will happen, a deduction added then approved (the
refund changes), and the deduction letter previewed with the deposit, the deduction and the
refund in it, then generated as a PDF."""
import importlib.util
import os
import time

from driver import step

_spec = importlib.util.spec_from_file_location("renewals_flow", os.path.join(os.path.dirname(__file__), "30_renewals.py"))
_flow = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_flow)


def money(text):
    return float(text.strip().replace("$", "").replace(",", ""))


def refund(text):
    """The refund as a signed amount: "Refund $1,200.00" → 1200.0, "Tenant owes $75.00" → -75.0."""
    amount = money(text.split("$", 1)[1])
    return -amount if text.strip().startswith("Tenant owes") else amount


def fmt(amount):
    return "${:,.2f}".format(abs(amount))


def run(d):
    _flow.ensure_demo(d)
    step("the board shows five stage columns, the figures and the cards")
    d.click("#nav-turnover")
    d.wait_text("main h1", "Turnover")
    d.find("#turnover-board", timeout=60)
    d.wait_text("#turnover-stats", "Open cases")
    d.wait_text("#turnover-stats", "Letters overdue")
    stages = d.eval("return [...document.querySelectorAll('#turnover-board .column')].map(c => c.dataset.stage)")
    assert stages == ["notice", "inspect", "make_ready", "listed", "leased"], stages
    d.find("#turnover-board .turnover-card")

    step("open a case that has not reached the listed stage")
    case_id = d.script("""
      const done = arguments[arguments.length - 1];
      window.__TAURI_INTERNALS__.invoke('turnover_board').then(b => {
        const c = b.cards.find(r => ['notice', 'inspect', 'make_ready'].includes(r.case.stage));
        done(c ? c.case.id : null);
      }).catch(e => done(null));
    """)
    assert case_id, "the demo board has an open case before the listed stage"
    d.click(f".turnover-card[data-key='{case_id}'] a.title")
    d.find("#turnover-refund")
    d.wait_text("#turnover-refund", "$")
    d.find("#turnover-checklist")

    step("move it to the next stage: the confirm says what will happen first")
    label = d.text("#turnover-advance").replace("Move to ", "").rstrip("…").strip()
    d.click("#turnover-advance")
    d.find("dialog[open] #turnover-confirm")
    d.wait_text("#turnover-confirm", "to " + label)
    d.wait_text("#turnover-confirm", "one at a time")
    d.shot("turnover-advance-confirm")
    d.click("dialog[open] .confirm-cancel")
    d.wait_gone("dialog[open] #turnover-confirm")
    assert label in d.text("#turnover-advance"), "cancel moved nothing"
    d.click("#turnover-advance")
    d.find("dialog[open] #turnover-confirm")
    d.click("dialog[open] .confirm-ok")
    d.wait_text("#turnover-stage", label)
    assert label not in d.text("#turnover-advance"), d.text("#turnover-advance")

    step("add a deduction: the refund does not change until it is approved")
    before = refund(d.text("#turnover-refund"))
    deposit = d.text("#turnover-deposit").strip()
    d.type_into("#turnover-ded-category", "wall_damage")
    d.type_into("#turnover-ded-description", "Patch and paint the hallway wall")
    d.type_into("#turnover-ded-amount", "abc")
    d.wait_text("#turnover-deduction-form", "Dollars and cents")
    d.type_into("#turnover-ded-amount", "180.00")
    d.click("#turnover-ded-add")
    d.wait_text("#turnover-deduction-list", "Patch and paint the hallway wall")
    assert refund(d.text("#turnover-refund")) == before, d.text("#turnover-refund")
    key = d.eval("""return [...document.querySelectorAll('#turnover-deduction-list tr[data-key]')]
                      .find(r => r.innerText.includes('Patch and paint the hallway wall')).dataset.key""")

    step("approve it: the refund drops by its amount")
    d.click(f".turnover-approve[data-key='{key}']")
    expected = round(before - 180, 2)
    end = time.time() + 20
    while refund(d.text("#turnover-refund")) != expected and time.time() < end:
        time.sleep(0.25)
    assert refund(d.text("#turnover-refund")) == expected, (before, d.text("#turnover-refund"))
    d.wait_text("#turnover-deductions", "$180.00")

    step("the letter preview states the deposit, the deduction and the refund")
    d.click("#turnover-letter")
    d.find("dialog[open] #turnover-letter-preview", timeout=40)
    text = d.text("#turnover-letter-preview")
    for needle in (deposit, "$180.00", fmt(expected), "Patch and paint the hallway wall"):
        assert needle in text, (needle, text[:1500])
    d.shot("turnover-letter-preview")
    step("generate it: the PDF is saved and the deadline shows it generated")
    d.click("dialog[open] .confirm-ok")
    d.wait_text("#turnover-letter-path", ".pdf", timeout=40)
    d.wait_text("#turnover-letter-due", "Generated")
    d.shot("turnover-case")
