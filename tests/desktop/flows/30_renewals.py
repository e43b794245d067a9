"""Renewals: the queue, a renewal's offer letter rendered in the app (pdf.js), approve at an
edited rent, send behind a confirm that shows the letter and recipient."""
from driver import step


def ensure_demo(d):
    """The demo portfolio, created here only when an earlier flow has not (the replica is empty)."""
    got = d.script("""
      const done = arguments[arguments.length - 1];
      const invoke = window.__TAURI_INTERNALS__.invoke;
      invoke('app_info').then(i => i.leases > 0 ? done('had') : invoke('create_demo').then(() => done('created')))
        .catch(e => done('error: ' + JSON.stringify(e)));
    """)
    step(f"demo portfolio: {got}")
    assert got in ("had", "created"), got


def run(d):
    ensure_demo(d)
    step("the renewal queue lists pending offers")
    d.click("#nav-renewals")
    d.wait_text("main h1", "Renewals")
    try:
        d.find("#renewals-status", timeout=60)
    except Exception:
        print(d.text("main")[:2000])
        raise
    d.type_into("#renewals-status", "pending")
    d.wait_text("#renewals-table", "Pending Review")
    d.click("#renewals-table tbody tr.dt-row td:nth-child(2)")
    d.find("#renewal-detail")
    d.wait_text("#renewal-detail", "Churn factors")

    step("the offer letter is printed and rendered in the app")
    d.click("#renewal-letter")
    d.find("#renewal-letter-pdf canvas", timeout=40)
    d.wait_text("#renewal-letter-pages", "page")
    d.shot("renewal-letter")

    step("a bad rent is refused in the form; an edited one is approved")
    d.type_into("#renewal-rent", "twelve")
    d.wait_text("#renewal-detail", "Dollars and cents")
    assert d.eval("return document.querySelector('#renewal-approve').disabled")
    rent = d.eval("return document.querySelector('#renewal-detail').innerText.match(/offer \\$([\\d,]+\\.\\d\\d)/)[1]").replace(",", "")
    d.type_into("#renewal-rent", rent)
    d.click("#renewal-approve")
    d.find("#renewal-send")

    step("send shows the letter and recipient first, then sends on confirm")
    d.click("#renewal-send")
    d.wait_text("#send-preview", "goes by email")
    d.wait_text("#send-preview", "/month")
    d.click("dialog[open] .confirm-ok")
    d.find("#renewal-accept")
    d.wait_text("#renewal-detail", "Sent to Tenant")
    d.shot("renewal-sent")
