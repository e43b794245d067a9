"""Knowledge base (spec 4.6): the page opened with the keyboard (g then f) lists a demo property's
entries as `kb_entries` returns them; saving an empty new entry shows the form's own checks and
sends nothing; an entry is added through the editor (category, question, answer, comma-separated
keywords) and is found by search; the FAQ bot, asked a question about the property, answers with
that entry's answer, cites it, with its confidence, and does not hand off; the entry is retired
after the confirm, shown as retired, and the bot no longer cites it."""
import importlib.util
import os
import time

from driver import step

_spec = importlib.util.spec_from_file_location("pricing_flow", os.path.join(os.path.dirname(__file__), "47_pricing.py"))
_pricing = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_pricing)
invoke, scroll_click = _pricing.invoke, _pricing.scroll_click

STAMP = str(int(time.time()))[-6:]
QUESTION = f"Is there a rooftop garden for residents (E2E {STAMP})?"
ANSWER = "Yes: the rooftop garden on building C is open 7 AM to 9 PM; plots are $15 a month from the office."
ASK = "Can I rent a plot in the rooftop garden?"


def _wait(what, check, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        got = check()
        if got:
            return got
        time.sleep(0.3)
    raise AssertionError(f"{what} never happened")


def row_ids(d):
    return d.eval("return [...document.querySelectorAll('#kb-entries tr.kb-entry')].map(r => r.dataset.id)")


def run(d):
    _pricing._flow.ensure_demo(d)
    # A demo property (seeded from the shipped handbook); earlier flows may add properties of their own.
    entries = lambda p: invoke(d, "kb_entries", {"propertyId": p["id"], "category": None, "search": None, "includeRetired": True})
    listed = [(p, entries(p)) for p in invoke(d, "list_properties", {"includeArchived": False})]
    prop, seeded = next(((p, s) for p, s in listed if s["total"] > 0), listed[0])
    assert seeded["total"] > 0, seeded

    step("the knowledge base opens with g then f; a demo property's entries are listed")
    d.find("main")
    d.eval("document.activeElement && document.activeElement.blur(); return true;")
    d.press("g")
    d.press("f")
    d.wait_text("main h1", "Knowledge base")
    d.type_into("#kb-property", prop["id"])
    _wait("the seeded entries", lambda: row_ids(d) == [e["id"] for e in seeded["entries"]])
    options = d.eval("return [...document.querySelectorAll('#kb-f-category option')].map(o => o.value)")
    assert options == seeded["categories"] and len(options) == 9, options

    step("an empty entry is refused by the form, beside its fields, and nothing is sent")
    scroll_click(d, "#kb-new")
    scroll_click(d, "#kb-save")
    d.wait_text("#kb-editor", "Type the question a tenant asks.")
    d.wait_text("#kb-editor", "Type the answer the bot gives.")
    after = invoke(d, "kb_entries", {"propertyId": prop["id"], "category": None, "search": None, "includeRetired": True})
    assert after["total"] == seeded["total"], after

    step("a new amenities entry is added through the editor")
    d.type_into("#kb-f-category", "amenities")
    d.type_into("#kb-f-question", QUESTION)
    d.type_into("#kb-f-answer", ANSWER)
    d.type_into("#kb-f-keywords", "Rooftop garden, garden plot, plot")
    scroll_click(d, "#kb-save")
    d.find("#kb-editor[data-mode='edit']")
    stored = invoke(d, "kb_entries", {"propertyId": prop["id"], "category": "amenities", "search": STAMP, "includeRetired": True})
    assert len(stored["entries"]) == 1, stored
    entry = stored["entries"][0]
    assert entry["question"] == QUESTION and entry["answer"] == ANSWER and entry["is_active"], entry
    assert entry["keywords"] == ["rooftop garden", "garden plot", "plot"], entry
    d.shot("knowledge-base-added")

    step("the entry is found by search")
    d.type_into("#kb-search", "rooftop garden")
    _wait("the search result", lambda: row_ids(d) == [entry["id"]])
    d.wait_text(f"#kb-entries tr.kb-entry[data-id='{entry['id']}']", QUESTION)

    step("the FAQ bot answers from that entry, citing it, without handing off")
    d.type_into("#kb-question", ASK)
    scroll_click(d, "#kb-ask-submit")
    d.find(f"#kb-reply[data-source='{entry['id']}'][data-handoff='false']", timeout=30)
    d.wait_text("#kb-reply-answer", ANSWER)
    d.wait_text("#kb-reply-source", f"From the entry “{QUESTION}” (Amenities)")
    expected = invoke(d, "kb_ask", {"propertyId": prop["id"], "question": ASK})
    assert expected["source_entry_id"] == entry["id"] and not expected["handoff"], expected
    d.wait_text("#kb-reply-confidence", f"{round(expected['confidence'] * 100)}%")
    d.wait_text("#kb-reply-handoff", "No")
    d.shot("knowledge-base-answer")

    step("the entry is retired after the confirm; the bot no longer cites it")
    scroll_click(d, "#kb-retire")
    d.find("dialog[open] #kb-confirm")
    d.wait_text("dialog[open] #kb-confirm dd[data-field='entry']", QUESTION)
    d.wait_text("dialog[open] #kb-confirm dd[data-field='effect']", "stops citing it")
    d.click("dialog[open] .confirm-ok")
    d.wait_gone("dialog[open]")
    d.find(f"#kb-entries tr.kb-entry[data-id='{entry['id']}'][data-active='false']", timeout=30)
    d.find("#kb-editor-state[data-active='false']")
    d.find("#kb-restore")
    gone = invoke(d, "kb_entries", {"propertyId": prop["id"], "category": None, "search": STAMP, "includeRetired": False})
    assert gone["entries"] == [], gone
    scroll_click(d, "#kb-ask-submit")
    _wait("an answer not from the retired entry",
          lambda: d.eval("const r = document.querySelector('#kb-reply'); return r ? r.dataset.source : null")
          not in (None, entry["id"]))
    again = invoke(d, "kb_ask", {"propertyId": prop["id"], "question": ASK})
    assert again["source_entry_id"] != entry["id"], again
    d.shot("knowledge-base-retired")
