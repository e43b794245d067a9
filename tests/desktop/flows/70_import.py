"""Import: pick a small rent roll CSV (tests/fixtures), see the detected column mapping and the
dry run (nothing written), map a column differently, import behind the confirm, see the result;
importing the same file again creates nothing."""
import os

from driver import step

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "rent_roll_buildium.csv")

PICK = """
  const [name, text] = arguments;
  const input = document.querySelector('#import-file');
  const dt = new DataTransfer();
  dt.items.add(new File([text], name, { type: 'text/csv' }));
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  return true;
"""


def pick(d):
    d.find("#import-file")
    d.eval(PICK, "rent_roll_buildium.csv", open(FIXTURE).read())


def run(d):
    step("pick a rent roll: the mapping is detected and a dry run writes nothing")
    d.click("#nav-import")
    d.wait_text("main h1", "Import")
    pick(d)
    d.wait_text("#import-mapping", "Unit number")
    d.wait_text("#import-dry-run", "nothing written")
    counts = d.text("#import-counts")
    assert "would create" in counts.lower(), counts
    d.shot("import-preview")

    step("a column mapped to nothing is shown as not imported and the dry run runs again")
    d.type_into("select[aria-label='Field for column Phone number']", "")
    d.wait_text("#import-mapping", "not imported")

    step("import behind the confirm; the result names what was written")
    d.click("#import-confirm")
    d.wait_text("dialog[open] .confirm-body", "rent_roll_buildium.csv")
    d.click("dialog[open] .confirm-ok")
    d.wait_text("#import-done", "every row written", timeout=60)
    assert "created" in d.text("#import-done-counts").lower()

    step("the same file again: nothing new to import")
    pick(d)
    d.wait_text("#import-dry-run", "Nothing new to import")
    d.click("#import-cancel")
