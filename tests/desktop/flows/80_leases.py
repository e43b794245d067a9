"""Leases: the table lists the demo's leases with their lifecycle badges; a lease page shows
the badge, the context progress and the timeline; giving notice (a bad date refused beside its
field first) is confirmed with what will change, and the badge becomes Notice Given."""
import datetime

from driver import step


def run(d):
    step("the leases table lists the demo's leases; narrow to active ones")
    d.click("#nav-leases")
    d.wait_text("main h1", "Leases")
    d.find("#leases-table")
    d.type_into("#lease-status-filter", "active")
    d.wait_text("#leases-table", "Active")
    d.shot("leases")

    step("open the first active lease from the keyboard: badge, progress, timeline")
    d.eval("document.querySelector('#leases-table table').focus(); return true;")
    d.press("Enter")
    d.wait_text("#lease-badge", "Active")
    assert "left" in d.text("#lease-progress") or "Expired" in d.text("#lease-progress"), d.text("#lease-progress")
    d.wait_text("#lease-dates", "Lease began")
    d.shot("lease-page")

    step("give notice: a bad date is refused beside its field")
    d.click("#action-give_notice")
    d.find("#lifecycle-form[open]")
    d.type_into("#notice-date", "03/15/2026")
    d.click("#lifecycle-submit")
    d.wait_text("#lifecycle-form", "YYYY-MM-DD")

    step("give notice with today's date: the confirm says what changes, the badge becomes Notice Given")
    today = d.eval("return document.querySelector('#move-out-date').value")  # default: today + 30
    notice = (datetime.date.fromisoformat(today) - datetime.timedelta(days=30)).isoformat()
    d.type_into("#notice-date", notice)
    d.type_into("#notice-reason", "Moving closer to work")
    d.click("#lifecycle-submit")
    d.wait_text("dialog[open] .confirm-body", "Active → Notice Given")
    assert "Moving closer to work" in d.text("dialog[open] .confirm-body")
    d.click("dialog[open] .confirm-ok")
    d.wait_text("#lease-badge", "Notice Given")
    d.wait_text("#lease-progress", "to move-out")
    d.wait_text("#lease-timeline", "Active → Notice Given")
    d.find("#action-mark_vacant")
    d.shot("lease-notice")
