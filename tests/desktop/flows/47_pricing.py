"""Revenue intelligence: the dashboard opened with the keyboard (g then v) states the totals the
`pricing_dashboard` command returns, a bar and a line per property, the units below market
sorted by gap; a unit opens its 90-day price history chart with the factors of its figure and
its comps; a property's one-page revenue-opportunity PDF is saved and is on disk."""
import importlib.util
import os

from driver import E2EError, step

_spec = importlib.util.spec_from_file_location("renewals_flow", os.path.join(os.path.dirname(__file__), "30_renewals.py"))
_flow = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_flow)

INVOKE = """
  const [cmd, args, done] = arguments;
  window.__TAURI_INTERNALS__.invoke(cmd, args).then(r => done({ok: r}), e => done({err: e}));
"""


def invoke(d, cmd, args=None):
    r = d.script(INVOKE, cmd, args or {})
    if "err" in r:
        raise E2EError(f"{cmd} failed: {r['err']}")
    return r["ok"]


def fmt(amount):
    """A decimal string as the app shows money: "-1234.5" → "-$1,234.50"."""
    value = float(amount)
    return ("-" if value < 0 else "") + "${:,.2f}".format(abs(value))


def gap_pct(p):
    """A gap percentage as the app shows it: -6.14 → "-6.1%", 0 → "+0.0%" (-0.0 too, as JavaScript's)."""
    return "{:+.1f}%".format(p + 0.0)


def scroll_click(d, css):
    """Clicks an element below the fold: the dashboard scrolls inside its pane, which the driver
    does not scroll for us."""
    d.find(css)
    d.eval("document.querySelector(arguments[0]).scrollIntoView({block: 'center'}); return true", css)
    try:
        d.click(css)
    except E2EError:
        # WebKitWebDriver sometimes calls a visible cell of a tall scrolled table "not
        # interactable": the same click, dispatched by the page.
        print("  (clicked through the page)", d.eval(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
            "return [r.x, r.y, r.width, r.height, window.innerHeight]", css))
        d.eval("document.querySelector(arguments[0]).click(); return true", css)


def run(d):
    _flow.ensure_demo(d)

    step("g then v opens the revenue intelligence dashboard")
    d.eval("document.activeElement && document.activeElement.blur(); return true;")
    d.press("g")
    d.press("v")
    d.wait_text("main h1", "Revenue intelligence")
    d.find("#pricing-totals", timeout=60)

    step("the totals are the ones the pricing_dashboard command returns")
    data = invoke(d, "pricing_dashboard", {"propertyId": None})
    totals = data["totals"]
    assert data["priced"] > 0 and totals["units_below_market"] > 0, totals
    expected = {
        "#pricing-analyzed": str(totals["total_units_analyzed"]),
        "#pricing-below": str(totals["units_below_market"]),
        "#pricing-at": str(totals["units_at_market"]),
        "#pricing-above": str(totals["units_above_market"]),
        "#pricing-monthly": fmt(totals["total_monthly_gap"]),
        "#pricing-annual": fmt(totals["annual_revenue_opportunity"]),
        "#pricing-avg": gap_pct(totals["avg_gap_pct"]),
    }
    for css, text in expected.items():
        d.wait_text(css, text)
        assert d.text(css).strip() == text, (css, d.text(css), text)

    step("a gap bar and a line per property; the units below market are sorted by gap")
    props = data["properties"]
    bars = d.eval("return [...document.querySelectorAll('#pricing-gap-bars .gap-bar')].map(g => g.dataset.key)")
    assert bars == [p["property_id"] for p in props], (bars, props)
    for p in props:
        row = d.text(f"#pricing-properties tr[data-key='{p['property_id']}']")
        assert p["property_name"] in row and fmt(p["monthly_gap"]) in row, (row, p)
    d.wait_text("#pricing-units", data["below"][0]["unit_number"])
    gaps = d.eval("""return [...document.querySelectorAll('#pricing-units tbody tr.dt-row')]
                       .map(r => r.dataset.key)""")
    want = [u["snapshot"]["unit_id"] for u in data["below"]][: len(gaps)]
    assert gaps == want, (gaps[:5], want[:5])
    d.shot("pricing-dashboard")

    step("a connected replica would refuse the engine; this standalone one offers it")
    run_button = d.eval("const b = document.querySelector('#pricing-run'); return b ? [b.disabled, b.title] : null")
    assert run_button is not None and run_button[0] is False, run_button
    assert data["engine"]["refusal"] is None, data["engine"]

    step("the largest gap opens its 90-day price history with its factors and comps")
    worst = data["below"][0]
    scroll_click(d, f"#pricing-units tr.dt-row[data-key='{worst['snapshot']['unit_id']}'] td:nth-child(2)")
    d.wait_text("main h1", f"Unit {worst['unit_number']} price history")
    d.find("#pricing-history-chart svg")
    lines = d.eval("""return [...document.querySelectorAll('#pricing-history-chart path.series')]
                        .map(p => [p.dataset.series, (p.getAttribute('d') || '').length])""")
    assert [k for k, _ in lines] == ["current", "market", "recommended"], lines
    assert all(n > 0 for _, n in lines), lines
    factors = d.text("#pricing-factors")
    for needle in (fmt(worst["snapshot"]["market_rent"]), worst["strategy_label"], worst["basis_label"],
                   "Seasonal factor", "Size adjustment", "Vacancy discount", "Confidence", worst["snapshot"]["reason"]):
        assert needle in factors, (needle, factors[:1500])
    history = invoke(d, "pricing_history", {"unitId": worst["snapshot"]["unit_id"]})
    if history["comps"]:
        d.wait_text("#pricing-comps", fmt(history["comps"][0]["rent"]))
    d.shot("pricing-history")
    d.press("Backspace")
    d.find("#pricing-totals")

    step("save a property's revenue-opportunity PDF: the path is shown and the file exists")
    target = next(p for p in props if p["units_below"] > 0)
    scroll_click(d, f"#pricing-properties tr[data-key='{target['property_id']}'] .pricing-pdf")
    path = d.wait_text(f"#pricing-properties tr[data-key='{target['property_id']}'] .pricing-pdf-path", ".pdf", timeout=40).strip()
    assert "revenue-opportunity" in path and os.sep + "reports" + os.sep in path, path
    assert os.path.isfile(path), path
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-", path
    d.shot("pricing-pdf-saved")
