// The Import view: a rent roll or ledger CSV the person picks. The file is read here (an
// <input type=file>) and its text sent to the backend, which opens no path it is handed. The
// steps: the detected column mapping (a select per column; every change re-runs the dry run),
// the dry run's counts and every bad row by line, a confirm that says what will be written, the
// import (every row or none), the result. The rent roll exports to reports/ beside the replica.
// Loaded before app.js, whose helpers ($, esc, call, toast, state, nav) these functions use.
"use strict";

const KIND_LABEL = { rent_roll: "Rent roll", ledger: "Ledger (transactions)" };
const imp = { kind: "rent_roll", name: "", csv: null, choices: [], preview: null, result: null, exported: null };

// "2 properties, 14 units and 5 opening balances", from a report's created counts.
function createdList(report) {
  const parts = Object.entries(report.counts).filter(([, c]) => c.created > 0)
    .map(([k, c]) => `${c.created} ${k.replace(/_/g, " ")}`);
  return parts.length <= 1 ? parts.join("") : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

function countsTable(report, id) {
  const verb = report.applied ? "Created" : "Would create";
  return `<table id="${id}"><thead><tr><th>Records</th><th class="num">${verb}</th><th class="num">Already there</th></tr></thead>
    <tbody>${Object.entries(report.counts).map(([k, c]) => `<tr><td>${esc(k.replace(/_/g, " "))}</td>
    <td class="num">${c.created}</td><td class="num">${c.matched}</td></tr>`).join("")}</tbody></table>`;
}

function badRows(report) {
  if (report.errors.length === 0) return "";
  return `<div class="card" id="import-errors"><h3>${report.errors.length} bad row(s): nothing will be imported until they are fixed</h3>
    <table><thead><tr><th class="num">Line</th><th>Why</th></tr></thead><tbody>${report.errors.map((e) =>
    `<tr><td class="num">${e.line}</td><td>${esc(e.message)}</td></tr>`).join("")}</tbody></table></div>`;
}

async function preview() {
  imp.preview = await call("import_preview", { kind: imp.kind, csv: imp.csv, choices: imp.choices });
}

async function renderImport(main) {
  const p = imp.preview;
  main.innerHTML = `
    <h1>Import</h1>
    <p class="muted">A rent roll (properties, units, tenants, leases, deposits, open balances) or a ledger (charges and payments)
      exported as CSV by AppFolio, Buildium, Yardi, Rent Manager or a spreadsheet. Nothing is written before you confirm,
      and importing the same file again creates nothing.</p>
    <div class="toolbar">
      <label>Kind <select id="import-kind">${Object.entries(KIND_LABEL).map(([k, l]) => `<option value="${k}" ${k === imp.kind ? "selected" : ""}>${l}</option>`).join("")}</select></label>
      <input type="file" id="import-file" accept=".csv,text/csv">
      ${imp.name ? `<span class="mono">${esc(imp.name)}</span>` : ""}
      <button id="export-roll">Export the rent roll</button>
    </div>
    <div id="import-export">${imp.exported ? `<div class="doc-result"><span class="mono">${esc(imp.exported.path)}</span>
      <span class="muted">${imp.exported.units} units</span><button class="open-doc" data-path="${esc(imp.exported.path)}">Open</button></div>` : ""}</div>
    <div id="import-result">${imp.result ? resultCard(imp.result) : ""}</div>
    ${p && !imp.result ? stepsHtml(p) : ""}`;
  $("#import-kind").onchange = async (e) => { imp.kind = e.target.value; imp.choices = []; imp.result = null; if (imp.csv !== null) await preview(); render(); };
  $("#import-file").onchange = async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    imp.name = file.name; imp.csv = await file.text(); imp.choices = []; imp.result = null;
    try { await preview(); } finally { render(); }
  };
  $("#export-roll").onclick = async () => {
    imp.exported = await call("export_rent_roll");
    toast(`Wrote ${imp.exported.units} units to ${imp.exported.path}`);
    render();
  };
  wireOpen(main);
  main.querySelectorAll("select.map-field").forEach((s) => (s.onchange = async () => {
    imp.choices.push({ column: s.dataset.column, field: s.value === "" ? null : s.value });
    await preview();
    render();
  }));
  const go = $("#import-confirm");
  if (go) go.onclick = () => {
    $("#import-confirm-box").classList.remove("hidden");
    go.disabled = true;
  };
  const cancel = $("#import-cancel");
  if (cancel) cancel.onclick = () => { imp.csv = null; imp.name = ""; imp.preview = null; imp.choices = []; toast("Cancelled: nothing was written"); render(); };
  const yes = $("#import-yes");
  if (yes) yes.onclick = async () => {
    yes.disabled = true;
    imp.result = await call("import_apply", { kind: imp.kind, csv: imp.csv, choices: imp.choices });
    toast(imp.result.applied ? "Imported" : "Nothing was imported", !imp.result.applied && imp.result.errors.length > 0);
    render();
  };
  const no = $("#import-no");
  if (no) no.onclick = () => { $("#import-confirm-box").classList.add("hidden"); $("#import-confirm").disabled = false; };
}

function stepsHtml(p) {
  const r = p.report;
  const options = (current) => `<option value="" ${current === null ? "selected" : ""}>— not imported</option>` +
    p.fields.map((f) => `<option value="${f.field}" ${f.field === current ? "selected" : ""}>${esc(f.name)}</option>`).join("");
  const mapping = `<div class="card"><h3>1 · Columns (${p.mapping.columns.filter((c) => c.field !== null).length} of ${p.mapping.columns.length} imported)</h3>
    <table id="import-mapping"><thead><tr><th>Column in the file</th><th>Field</th><th></th></tr></thead><tbody>${p.mapping.columns.map((c) =>
      `<tr class="${c.field === null ? "unmapped" : ""}"><td>${esc(c.column)}</td><td><select class="map-field" data-column="${esc(c.column)}">${options(c.field)}</select></td>
      <td class="muted">${c.field === null ? "not imported" : c.overridden ? "your choice" : "detected"}</td></tr>`).join("")}</tbody></table>
    ${p.mapping.error ? `<p class="verdict bad" id="mapping-error">Cannot import yet: ${esc(p.mapping.error)}</p>` : ""}</div>`;
  if (!r) return mapping;
  const what = createdList(r);
  const ok = r.errors.length === 0 && what !== "";
  const dry = `<div class="card" id="import-dry-run"><h3>2 · Dry run: ${r.rows} data rows, nothing written</h3>${countsTable(r, "import-counts")}
    ${r.errors.length === 0 && what === "" ? '<p class="muted">Nothing new to import: every row is already in the replica.</p>' : ""}</div>${badRows(r)}`;
  const confirm = `<div class="card"><h3>3 · Import</h3>
    <button class="primary" id="import-confirm" ${ok ? "" : "disabled"}>Import…</button> <button id="import-cancel">Cancel</button>
    <div id="import-confirm-box" class="hidden"><p id="import-confirm-text">Write ${esc(what)} from <span class="mono">${esc(imp.name)}</span> to this replica?
      Every row or none is written.</p><button class="accent" id="import-yes">Yes, import</button> <button id="import-no">No</button></div></div>`;
  return mapping + dry + confirm;
}

function resultCard(r) {
  const head = r.applied ? `Imported ${esc(imp.name)}: every row written.`
    : r.errors.length ? `${esc(imp.name)} was not imported: nothing was written.` : "Nothing new to import.";
  return `<div class="card" id="import-done"><h3>${head}</h3>${countsTable(r, "import-done-counts")}</div>${badRows(r)}`;
}
