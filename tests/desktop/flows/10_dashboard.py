"""Dashboard: the empty replica offers the demo; creating it fills the KPI cards and charts
(the other flows build on this portfolio)."""
from driver import step


def run(d):
    step("the empty replica's dashboard offers the demo portfolio")
    d.click("#nav-dashboard")
    d.wait_text("main h1", "Dashboard")
    d.find("#create-demo")
    d.shot("dashboard-empty")

    step("create the demo portfolio: progress while it runs, then the KPIs and charts")
    d.click("#create-demo")
    d.wait_text("#kpi-units", "60", timeout=240)
    assert "vacant" in d.text("#kpi-units"), d.text("#kpi-units")
    assert d.text("#kpi-revenue").count("$") >= 1, d.text("#kpi-revenue")
    assert "open case" in d.text("#kpi-collections"), d.text("#kpi-collections")
    lifecycle = d.eval("return document.querySelector('#lifecycle-bar').innerText")
    for label in ["Active", "Month-to-month", "Notice", "Vacant"]:
        assert label in lifecycle, lifecycle
    assert "Step 5" in d.text("#collections-chart"), d.text("#collections-chart")
    assert "Pending review" in d.text("#renewal-chart"), d.text("#renewal-chart")
    assert d.text("main h1").strip() == "Dashboard"
    d.shot("dashboard")
