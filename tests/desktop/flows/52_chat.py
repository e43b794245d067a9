"""Ask the portfolio (spec 3.3): the chat view opened with the keyboard (g then k) shows today's
digest; "open work orders" is asked with Enter and answered (offline, by the rules) with the tool
it called and its table of work orders, "n of m rows", each row opening its work order; "remind me
to call the roofer" proposes a reminder that is created only after the confirm lists exactly what
will be created; the answer then says "Created", a second confirm is refused, and the
conversation is in the recent list, where it loads again."""
import importlib.util
import os

from driver import step

_spec = importlib.util.spec_from_file_location("maintenance_flow", os.path.join(os.path.dirname(__file__), "48_maintenance.py"))
_maint = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_maint)
invoke, scroll_click, wait_for = _maint.invoke, _maint.scroll_click, _maint.wait_for


def ask(d, question):
    """Types `question` into the question box and presses Enter; returns the new turn's element css."""
    before = d.eval("return document.querySelectorAll('#chat-turns article.turn').length")
    d.type_into("#chat-question", question)
    d.eval("document.querySelector('#chat-question').focus(); return true;")
    d.press("Enter")
    wait_for(f"the answer to '{question}'",
             lambda: d.eval("return document.querySelectorAll('#chat-turns article.turn').length") > before, timeout=60)
    return f"#chat-turns article.turn:nth-child({before + 1})"


def run(d):
    _maint._pricing._flow.ensure_demo(d)

    step("g then k opens the chat, with today's digest")
    d.eval("document.activeElement && document.activeElement.blur(); return true;")
    d.press("g")
    d.press("k")
    d.wait_text("main h1", "Ask the portfolio")
    d.find("#chat-question")
    d.find("#chat-digest .digest-item", timeout=30)
    digest = invoke(d, "chat_digest")
    assert digest["highlights"], digest
    d.wait_text("#chat-digest", digest["highlights"][0]["text"])

    step("/ focuses the question box")
    d.eval("document.activeElement && document.activeElement.blur(); return true;")
    d.press("/")
    assert d.eval("return document.activeElement && document.activeElement.id") == "chat-question"

    step("ask 'open work orders': the answer, its tool and its table")
    turn = ask(d, "open work orders")
    d.find(f"{turn} table.answer tbody tr.answer-row", timeout=30)
    d.wait_text(f"{turn} .tool", "tool: query_maintenance")
    rows = d.eval("return document.querySelectorAll(arguments[0]).length", f"{turn} tr.answer-row")
    assert rows > 0, rows
    d.wait_text(f"{turn} .rows-count", f"{rows} of ")
    headers = d.eval("return [...document.querySelectorAll(arguments[0])].map(h => h.innerText.trim())", f"{turn} thead th")
    assert headers and all(headers), headers
    d.shot("chat-table")
    conversation = invoke(d, "chat_conversations")[0]
    turns = invoke(d, "chat_messages", {"conversationId": conversation["id"]})
    assert turns[-1]["table"]["tool"] == "query_maintenance", turns[-1]["calls"]
    assert len(turns[-1]["table"]["rows"]) == rows

    step("ask 'remind me to call the roofer': a proposal, not created")
    turn = ask(d, "remind me to call the roofer")
    d.find(f"{turn} .proposed button.create", timeout=30)
    d.wait_text(f"{turn} .proposed", "Proposed, not created")
    assert not d.eval("return !!document.querySelector(arguments[0])", f"{turn} .created")

    step("Create… opens the confirm listing the reminder; confirming creates it")
    scroll_click(d, f"{turn} .proposed button.create")
    d.find("dialog[open] #chat-proposal")
    d.wait_text("dialog[open] #chat-proposal dd[data-field=kind]", "Reminder")
    d.wait_text("dialog[open] #chat-proposal dd[data-field=title]", "the roofer")
    d.wait_text("dialog[open] #chat-proposal dd[data-field=when]", "Emailed to you")
    d.shot("chat-confirm")
    d.click("dialog[open] .confirm-ok")
    d.wait_gone("dialog[open]")
    d.wait_text(f"{turn} .created", "Created", timeout=30)
    assert not d.eval("return !!document.querySelector(arguments[0])", f"{turn} .proposed")
    d.shot("chat-created")

    step("it was created once: the message records it and a second confirm is refused")
    turns = invoke(d, "chat_messages", {"conversationId": conversation["id"]})
    last = turns[-1]
    assert last["pending"] is None and last["created"], last
    again = d.script("""
      const done = arguments[arguments.length - 1];
      window.__TAURI_INTERNALS__.invoke('chat_confirm', arguments[0])
        .then(() => done('created again')).catch(e => done(e.detail || JSON.stringify(e)));
    """, {"conversationId": conversation["id"], "messageId": last["message_id"]})
    assert "created already" in again, again

    step("the conversation is in the recent list and loads again")
    d.click("#chat-new")
    wait_for("the turns to clear", lambda: d.eval("return document.querySelectorAll('#chat-turns article.turn').length") == 0)
    d.click(f"#chat-conversations button[data-id='{conversation['id']}']")
    wait_for("the conversation to load", lambda: d.eval("return document.querySelectorAll('#chat-turns article.turn').length") == 2)
    d.wait_text("#chat-turns article.turn:nth-child(2) .created", "Created")

    step("a work order row opens its work order")
    scroll_click(d, "#chat-turns article.turn:nth-child(1) tr.answer-row")
    d.wait_text("main h1", "Maintenance")
    assert "wo=" in d.eval("return location.hash"), d.eval("return location.hash")
