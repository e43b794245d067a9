"""Command center: filter the units, select two, preview a bulk action unit by unit, run it."""
import importlib.util
import os

from driver import step

_spec = importlib.util.spec_from_file_location("renewals_flow", os.path.join(os.path.dirname(__file__), "30_renewals.py"))
_flow = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_flow)
ensure_demo = _flow.ensure_demo


def centred_click(d, css):
    """Below the table (or a long preview) a button can be outside the window, and the toasts
    of an earlier flow can lie over it: scroll it to the middle and click it from the page."""
    d.find(css)
    d.eval("const b = document.querySelector(arguments[0]); b.scrollIntoView({block: 'center'}); b.click(); return true;", css)


def run(d):
    ensure_demo(d)
    step("the command center lists the units with filters")
    d.click("#nav-command-center")
    d.wait_text("main h1", "Command center")
    d.find("#cc-table tbody tr.dt-row")
    d.eval("""const b = [...document.querySelectorAll('main fieldset input')].find(i => i.value === 'active');
      b.click(); return true;""")
    d.wait_text("main", "0 vacant")

    step("select two units (checkbox and Space)")
    d.click("#cc-table tbody tr.dt-row:nth-of-type(2) .dt-check input")
    d.click("#cc-table tbody tr.dt-row:nth-of-type(3) .dt-check input")
    d.wait_text("#bulk-panel h2", "2 units selected")

    step("preview a move-out inspection notice by email on each unit")
    d.type_into("#bulk-action", "move_out_inspection")
    d.type_into("#bulk-method", "email")
    centred_click(d, "#bulk-preview")
    d.wait_text("#bulk-preview-list", "2 acted on", timeout=60)
    d.wait_text("#bulk-preview-list", "move-out inspection scheduled for")
    d.wait_text("#bulk-preview-list", "Subject")
    d.shot("command-center-preview")

    step("run it behind the confirm; the summary says what was done")
    centred_click(d, "#bulk-run")
    d.wait_text("dialog[open]", "2 will be acted on")
    d.click("dialog[open] .confirm-ok")
    d.wait_text("#bulk-result", "2 executed, 0 skipped", timeout=60)
    d.wait_text("#bulk-result", "2 messages queued")
    d.shot("command-center-done")
