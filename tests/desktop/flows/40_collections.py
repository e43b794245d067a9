"""Collections: open a case, record a payment and see the balance change, send the next step
after its preview in the confirm dialog, and see it on the timeline."""
import importlib.util
import os
import time

from driver import step

_spec = importlib.util.spec_from_file_location("renewals_flow", os.path.join(os.path.dirname(__file__), "30_renewals.py"))
_flow = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_flow)


# The timeline label of each step's entry (collections::ActionType labels).
STEP_LABELS = {"1": "SMS Reminder", "2": "Email Notice", "3": "Formal Letter", "4": "Payment Plan Offer", "5": "Legal Escalation"}


def money(text):
    return float(text.strip().replace("$", "").replace(",", ""))


def run(d):
    _flow.ensure_demo(d)
    step("the collections queue shows its cases and the chart by step")
    d.click("#nav-collections")
    d.wait_text("main h1", "Collections")
    d.wait_text("#collections-by-step", "Step 1")
    d.find("#collections-table tbody tr.dt-row")

    step("open a case that has a next step")
    # A case with steps left to send and a balance well above the payment below.
    case_id = d.script("""
      const done = arguments[arguments.length - 1];
      window.__TAURI_INTERNALS__.invoke('list_collections', { all: false }).then(q => {
        const c = q.rows.find(r => r.case.status === 'open' && r.case.escalation_level < 3 && Number(r.case.current_balance) > 100);
        done(c ? c.case.id : null);
      }).catch(e => done(null));
    """)
    assert case_id, "the demo has an open case below step 3"
    d.click(f"#collections-table tbody tr.dt-row[data-key='{case_id}'] td:nth-child(2)")
    d.find("#case-balance")
    d.wait_text("#case-next", "Next: step")
    before = money(d.text("#case-balance"))

    step("record a payment: the form checks it and the balance drops in place")
    d.click("#case-record-payment")
    d.find("dialog[open] #payment-amount")
    assert d.eval("return document.querySelector('#payment-date').value.length") == 10, "the date defaults to today"
    d.type_into("#payment-amount", "abc")
    d.wait_text("#payment-form", "Dollars and cents")
    d.type_into("#payment-amount", "25.00")
    d.click("#payment-submit")
    d.wait_gone("dialog[open] #payment-form")
    end = time.time() + 20
    while money(d.text("#case-balance")) != round(before - 25, 2) and time.time() < end:
        time.sleep(0.25)
    assert money(d.text("#case-balance")) == round(before - 25, 2), (before, d.text("#case-balance"))
    d.wait_text("#case-timeline", "Payment Received")

    step("next step: the confirm shows each message before anything is sent")
    level = d.text("#case-next").split("step ")[1].split(" ")[0]
    d.click("#case-next-step")
    d.find("dialog[open] #step-preview", timeout=40)
    d.wait_text("#step-preview", "Channel")
    d.wait_text("#step-preview", "Subject")
    d.wait_text("#step-preview", "Step " + level)
    d.shot("collections-preview")
    step("cancel sends nothing; confirm sends it and the timeline shows it")
    d.click("dialog[open] .confirm-cancel")
    d.wait_gone("dialog[open] #step-preview")
    assert ("Next: step " + level) in d.text("#case-next")
    entries = d.eval("return document.querySelectorAll('#case-timeline li').length")
    d.click("#case-next-step")
    d.find("dialog[open] #step-preview", timeout=40)
    d.click("dialog[open] .confirm-ok")
    d.wait_text("#case-step", level + " ·", timeout=40)
    label = STEP_LABELS[level]
    d.wait_text("#case-timeline", label)
    assert d.eval("return document.querySelectorAll('#case-timeline li').length") > entries
    d.shot("collections-case")
