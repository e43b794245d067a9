"""Records: add a property behind its confirm; a bad time zone is refused first, its error
beside the time zone field; the property then opens with its (empty) units table."""
from driver import step


def run(d):
    step("open Records: the demo's properties are listed")
    d.click("#nav-records")
    d.wait_text("main h1", "Records")
    d.find("#properties-table")

    step("add a property with a bad time zone: refused beside the field")
    d.click("#rec-add-property")
    d.find("#property-form[open]")
    assert d.eval("return document.querySelector('#pf-name').value") == "", "the form starts empty"
    d.type_into("#pf-name", "Juniper Court")
    d.type_into("#pf-city", "Boulder")
    d.type_into("#pf-time-zone", "Mars/Olympus")
    d.click("#pf-submit")
    d.wait_text("dialog[open] .confirm-body", "time zone Mars/Olympus")
    d.click("dialog[open] .confirm-ok")
    err = d.wait_text("#property-form .field.has-error", "Unknown time zone 'Mars/Olympus'")
    assert "Time zone" in err, err

    step("fix the time zone: the property is added")
    d.type_into("#pf-time-zone", "America/Denver")
    d.click("#pf-submit")
    d.wait_text("dialog[open] .confirm-body", "time zone America/Denver")
    d.click("dialog[open] .confirm-ok")
    d.wait_gone("#property-form[open]")
    d.wait_text("#properties-table", "Juniper Court")
    d.shot("records")

    step("the form starts empty again")
    d.click("#rec-add-property")
    d.find("#property-form[open]")
    assert d.eval("return document.querySelector('#pf-name').value") == "", "left over from the last run"
    d.press("Escape")
    d.wait_gone("#property-form[open]")
