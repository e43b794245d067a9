// The Records view: properties (with their time zone), their buildings and units, a unit's lease
// ledger (charge, payment, credit, void) and a new lease on a vacant unit. Every write is one
// records action (`record_action`, or `new_lease`) checked by the core; before it is sent a
// confirm box says exactly what will be written, and the backend's answer or refusal is shown
// inline where the form was. Forms: Enter submits, Esc cancels; in a confirm box Enter is Yes.
// Loaded before app.js, whose helpers ($, esc, call, toast, state, nav) these functions use.
"use strict";

const rec = { props: [], archived: false, propertyId: null, detail: null, unitId: null, ledger: null, open: null, answer: null };

const ZONES = (() => {
  try { return Intl.supportedValuesOf("timeZone"); } catch { return []; }
})();
const PROPERTY_TYPES = ["multifamily", "single_family", "townhome", "condo", "mixed_use", "commercial"];
const CHARGE_CATEGORIES = ["rent", "late_fee", "utility", "damage", "deposit", "parking", "pet", "fee", "other"];

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
// "$1,850.00" for a decimal string; the text itself when it is not a number (the backend says why).
const fmtMoney = (s) => (s === "" || s === null || s === undefined || isNaN(Number(s)) ? String(s ?? "") : usd.format(Number(s)));
// A money field as typed ("$1,850") sent as the decimal string the backend parses ("1850").
const moneyText = (s) => String(s ?? "").trim().replace(/[$,\s]/g, "");

// Invokes a command and answers { ok, value } or { ok: false, error } (shown inline, not as a toast).
async function attempt(cmd, args) {
  try {
    return { ok: true, value: await window.__TAURI_INTERNALS__.invoke(cmd, args) };
  } catch (e) {
    return { ok: false, error: e && e.detail ? e.detail : String(e) };
  }
}

const selectedProperty = () => rec.props.find((p) => p.id === rec.propertyId) || (rec.detail && rec.detail.property);
const selectedUnit = () => rec.detail && rec.detail.units.find((u) => u.unit.id === rec.unitId);
const liveLease = (row) => (row && row.lease && row.lease.lease_status !== "vacant" ? row.lease : null);

async function loadRecords() {
  rec.props = await call("list_properties", { includeArchived: rec.archived });
  if (rec.propertyId && !rec.props.some((p) => p.id === rec.propertyId)) rec.propertyId = null;
  rec.detail = rec.propertyId ? await call("property_records", { propertyId: rec.propertyId }) : null;
  if (rec.unitId && !selectedUnit()) rec.unitId = null;
  const lease = liveLease(selectedUnit()) || (selectedUnit() && selectedUnit().lease);
  rec.ledger = lease ? await call("lease_ledger", { leaseId: lease.id }) : null;
}

// ---- forms -------------------------------------------------------------------------------

// A field: { name, label, value, type: "text" | "number" | "date" | "money" | "select", options, list, required }.
function fieldHtml(f) {
  const id = `rf-${f.name}`;
  const value = f.value ?? "";
  let input;
  if (f.type === "select") {
    input = `<select id="${id}" name="${f.name}">${f.options.map((o) => {
      const [v, l] = Array.isArray(o) ? o : [o, o.replace(/_/g, " ")];
      return `<option value="${esc(v)}" ${String(v) === String(value) ? "selected" : ""}>${esc(l)}</option>`;
    }).join("")}</select>`;
  } else {
    const type = f.type === "money" ? "text" : f.type || "text";
    const extra = f.type === "money" ? ' inputmode="decimal" placeholder="0.00"' : f.type === "number" ? ` step="${f.step || 1}"` : "";
    input = `<input type="${type}" id="${id}" name="${f.name}" value="${esc(value)}"${extra}${f.list ? ` list="${f.list}"` : ""}${f.required ? " required" : ""}>`;
  }
  return `<label for="${id}">${esc(f.label)}${input}</label>`;
}

// Opens a form in `slot` (a container's id). `submit(values)` answers { question, run } (what the
// confirm box asks, and the write) or a string saying what is missing.
function openForm(slot, title, fields, submitLabel, submit) {
  rec.open = { slot, title, fields, submitLabel, submit };
  rec.answer = null;
  drawRecords();
}

function formHtml(o) {
  return `<form class="card rec-form" id="rec-form" autocomplete="off"><h3>${esc(o.title)}</h3>
    <div class="fields">${o.fields.map(fieldHtml).join("")}</div>
    <div class="toolbar"><button type="submit" class="primary">${esc(o.submitLabel)}</button>
    <button type="button" class="rec-cancel">Cancel</button><span class="muted">Enter: review · Esc: cancel</span></div>
    <div class="rec-confirm hidden" role="alertdialog" aria-labelledby="rec-question">
      <p class="confirm-question" id="rec-question"></p>
      <button type="button" class="accent rec-yes">Yes, write it</button> <button type="button" class="rec-no">No</button></div>
    <p class="verdict bad rec-error hidden" role="alert"></p></form>`;
}

function wireForm(form) {
  const o = rec.open;
  let pending = null;
  const confirmBox = $(".rec-confirm", form);
  const error = $(".rec-error", form);
  const showError = (text) => { error.textContent = text; error.classList.remove("hidden"); };
  const close = () => { rec.open = null; drawRecords(); };
  const back = () => { pending = null; confirmBox.classList.add("hidden"); $("button[type=submit]", form).disabled = false; form.elements[0].focus(); };
  form.onsubmit = (e) => {
    e.preventDefault();
    if (pending) return;
    const values = Object.fromEntries(o.fields.map((f) => [f.name, form.elements[f.name].value.trim()]));
    const plan = o.submit(values);
    if (typeof plan === "string") return showError(plan);
    error.classList.add("hidden");
    pending = plan;
    $("#rec-question", form).textContent = plan.question;
    confirmBox.classList.remove("hidden");
    $("button[type=submit]", form).disabled = true;
    $(".rec-yes", form).focus();
  };
  $(".rec-cancel", form).onclick = close;
  $(".rec-no", form).onclick = back;
  $(".rec-yes", form).onclick = async () => {
    const plan = pending;
    if (!plan) return;
    $(".rec-yes", form).disabled = true;
    const r = await plan.run();
    if (!r.ok) {
      $(".rec-yes", form).disabled = false;
      back();
      return showError(`Refused: ${r.error}`);
    }
    rec.open = null;
    rec.answer = { slot: o.slot, text: r.text };
    await loadRecords();
    drawRecords();
  };
  form.onkeydown = (e) => {
    if (e.key !== "Escape") return;
    e.preventDefault(); e.stopPropagation();
    if (pending) back(); else close();
  };
  const first = form.querySelector("input, select");
  if (first) first.focus();
  else form.requestSubmit(); // an archive has nothing to fill in: straight to its confirm box
}

// A records action, sent; answers { ok, text } with what the backend wrote or { ok: false, error }.
async function sendAction(entityId, action, said) {
  const r = await attempt("record_action", { entityId, action });
  if (!r.ok) return r;
  return { ok: true, text: said(r.value.row) + (r.value.queued ? " (queued for the server)" : "") };
}

// An archive or void straight from a row: the same confirm box, in the row's slot.
function confirmOnly(slot, title, question, run) {
  openForm(slot, title, [], "Review", () => ({ question, run }));
}

// ---- properties --------------------------------------------------------------------------

function propertyFields(p = {}) {
  return [
    { name: "name", label: "Name", value: p.name, required: true },
    { name: "address", label: "Address", value: p.address },
    { name: "city", label: "City", value: p.city },
    { name: "state", label: "State", value: p.state },
    { name: "zip_code", label: "ZIP", value: p.zip_code },
    { name: "property_type", label: "Type", type: "select", options: PROPERTY_TYPES, value: p.property_type || "multifamily" },
    { name: "year_built", label: "Year built", type: "number", value: p.year_built },
    { name: "time_zone", label: "Time zone (IANA)", value: p.time_zone || Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", list: "rec-zones", required: true },
  ];
}

function propertyBody(v) {
  const body = { name: v.name, address: v.address, city: v.city, state: v.state, zip_code: v.zip_code, property_type: v.property_type, time_zone: v.time_zone };
  if (v.year_built !== "") body.year_built = Number(v.year_built);
  return body;
}

const where = (v) => [v.address, v.city, v.state].filter((x) => x).join(", ");

function addProperty() {
  openForm("rec-properties-slot", "Add a property", propertyFields(), "Add property…", (v) => ({
    question: `Add property ${v.name}${where(v) ? ` (${where(v)})` : ""}: ${v.property_type.replace(/_/g, " ")}, time zone ${v.time_zone}${v.year_built ? `, built ${v.year_built}` : ""}?`,
    run: () => sendAction(null, { action: "create_property", ...propertyBody(v) }, (p) => `Added ${p.name} (${p.time_zone}).`),
  }));
}

function editProperty(p) {
  openForm("rec-properties-slot", `Edit ${p.name}`, propertyFields(p), "Save…", (v) => ({
    question: `Save ${p.name} as: ${v.name}${where(v) ? ` (${where(v)})` : ""}, ${v.property_type.replace(/_/g, " ")}, time zone ${v.time_zone}${v.year_built ? `, built ${v.year_built}` : ""}?`,
    run: () => sendAction(p.id, { action: "update_property", ...propertyBody(v) }, (r) => `Saved ${r.name} (${r.time_zone}).`),
  }));
}

function archiveProperty(p) {
  confirmOnly("rec-properties-slot", `Archive ${p.name}`,
    `Archive ${p.name} with its ${p.total_units} unit(s) and its buildings? Its leases, ledger and history are kept; it leaves the lists.`,
    () => sendAction(p.id, { action: "archive_property" }, (r) => `Archived ${r.name}.`));
}

// ---- buildings and units -----------------------------------------------------------------

function addBuilding(p) {
  openForm("rec-buildings-slot", `Add a building to ${p.name}`, [
    { name: "name", label: "Name", required: true }, { name: "floors", label: "Floors", type: "number", value: 1 },
  ], "Add building…", (v) => ({
    question: `Add building ${v.name} to ${p.name}: ${v.floors || 1} floor(s)?`,
    run: () => sendAction(null, { action: "create_building", property_id: p.id, name: v.name, floors: Number(v.floors || 1) },
      (b) => `Added building ${b.name} (${b.floors} floors).`),
  }));
}

function editBuilding(b) {
  openForm("rec-buildings-slot", `Edit building ${b.name}`, [
    { name: "name", label: "Name", value: b.name, required: true }, { name: "floors", label: "Floors", type: "number", value: b.floors },
  ], "Save…", (v) => ({
    question: `Save building ${b.name} as ${v.name}: ${v.floors} floor(s)?`,
    run: () => sendAction(b.id, { action: "update_building", name: v.name, floors: Number(v.floors) }, (r) => `Saved building ${r.name} (${r.floors} floors).`),
  }));
}

function archiveBuilding(b) {
  confirmOnly("rec-buildings-slot", `Archive building ${b.name}`, `Archive building ${b.name}? It must have no units in use.`,
    () => sendAction(b.id, { action: "archive_building" }, (r) => `Archived building ${r.name}.`));
}

function unitFields(u = {}, buildings = []) {
  const fields = [
    { name: "unit_number", label: "Unit number", value: u.unit_number, required: true },
    { name: "building_id", label: "Building", type: "select", value: u.building_id || "", options: [["", "— none"], ...buildings.map((b) => [b.id, b.name])] },
    { name: "floor", label: "Floor", type: "number", value: u.floor ?? 1 },
    { name: "bedrooms", label: "Bedrooms", type: "number", value: u.bedrooms ?? 1 },
    { name: "bathrooms", label: "Bathrooms", type: "number", step: 0.5, value: u.bathrooms ?? "1" },
    { name: "square_feet", label: "Square feet", type: "number", value: u.square_feet ?? 0 },
    { name: "market_rent", label: "Market rent", type: "money", value: u.market_rent ?? "" },
  ];
  if (u.id) fields.push({ name: "status", label: "Status", type: "select", value: u.status, options: u.status === "occupied" ? ["occupied"] : ["vacant", "maintenance"] });
  return fields;
}

function unitBody(v) {
  const body = {
    unit_number: v.unit_number, floor: Number(v.floor || 1), bedrooms: Number(v.bedrooms || 0), bathrooms: v.bathrooms || "1",
    square_feet: Number(v.square_feet || 0), market_rent: moneyText(v.market_rent) || "0",
  };
  if (v.building_id) body.building_id = v.building_id;
  return body;
}

const unitSummary = (v) => `${v.bedrooms || 0} bd, ${v.bathrooms || 1} ba${Number(v.square_feet) ? `, ${v.square_feet} sq ft` : ""}, market rent ${fmtMoney(moneyText(v.market_rent) || "0")}`;

function addUnit(p, buildings) {
  openForm("rec-units-slot", `Add a unit to ${p.name}`, unitFields({}, buildings), "Add unit…", (v) => {
    const b = buildings.find((x) => x.id === v.building_id);
    return {
      question: `Add unit ${v.unit_number} to ${p.name}${b ? ` (building ${b.name})` : ""}: ${unitSummary(v)}?`,
      run: () => sendAction(null, { action: "create_unit", property_id: p.id, ...unitBody(v) },
        (u) => `Added unit ${u.unit_number}: ${u.bedrooms} bd, ${u.bathrooms} ba, market rent ${fmtMoney(u.market_rent)}.`),
    };
  });
}

function editUnit(u, buildings) {
  openForm("rec-units-slot", `Edit unit ${u.unit_number}`, unitFields(u, buildings), "Save…", (v) => ({
    question: `Save unit ${u.unit_number} as unit ${v.unit_number}: ${unitSummary(v)}, ${v.status}?`,
    run: () => sendAction(u.id, { action: "update_unit", ...unitBody(v), status: v.status },
      (r) => `Saved unit ${r.unit_number}: ${r.bedrooms} bd, ${r.bathrooms} ba, market rent ${fmtMoney(r.market_rent)}, ${r.status}.`),
  }));
}

function archiveUnit(u) {
  confirmOnly("rec-units-slot", `Archive unit ${u.unit_number}`, `Archive unit ${u.unit_number}? Its leases and ledger are kept; it leaves the lists.`,
    () => sendAction(u.id, { action: "archive_unit" }, (r) => `Archived unit ${r.unit_number}.`));
}

// ---- a new lease ---------------------------------------------------------------------------

function newLease(p, u) {
  const today = new Date().toISOString().slice(0, 10);
  const yearOn = new Date(Date.now() + 364 * 864e5).toISOString().slice(0, 10);
  openForm("rec-lease-slot", `New lease of unit ${u.unit_number}`, [
    { name: "email", label: "Tenant email", required: true },
    { name: "first_name", label: "First name (new tenant)" },
    { name: "last_name", label: "Last name (new tenant)" },
    { name: "phone", label: "Phone (new tenant)" },
    { name: "begin", label: "Begins", type: "date", value: today, required: true },
    { name: "end", label: "Ends", type: "date", value: yearOn, required: true },
    { name: "rent", label: "Monthly rent", type: "money", value: u.market_rent, required: true },
    { name: "deposit", label: "Security deposit", type: "money", value: u.market_rent },
    { name: "due_day", label: "Rent due day", type: "number", value: 1 },
  ], "Sign lease…", (v) => {
    if (!v.email) return "Give the tenant's email (an existing tenant is found by it).";
    const terms = {
      lease_begin_date: v.begin, lease_end_date: v.end, monthly_rent_amount: moneyText(v.rent),
      security_deposit: moneyText(v.deposit) || "0", rent_due_day: Number(v.due_day || 1),
    };
    const who = v.first_name || v.last_name ? `${v.first_name} ${v.last_name}`.trim() : v.email;
    return {
      question: `Sign a lease of unit ${u.unit_number} at ${p.name} to ${who} <${v.email}> (added as a tenant unless already on record): `
        + `${v.begin} to ${v.end}, rent ${fmtMoney(terms.monthly_rent_amount)} due on day ${terms.rent_due_day}, deposit ${fmtMoney(terms.security_deposit)}?`,
      run: async () => {
        const found = await attempt("find_tenant", { email: v.email });
        if (!found.ok) return found;
        let tenant = found.value;
        let added = "";
        if (!tenant) {
          const t = await attempt("record_action", { entityId: null, action: { action: "add_tenant", first_name: v.first_name, last_name: v.last_name, email: v.email, phone: v.phone } });
          if (!t.ok) return t;
          tenant = t.value.row;
          added = `Added tenant ${tenant.first_name} ${tenant.last_name}. `;
        }
        const l = await attempt("new_lease", { unitId: u.id, tenantId: tenant.id, terms });
        if (!l.ok) return { ok: false, error: added + l.error };
        return { ok: true, text: `${added}Signed lease ${l.value.lease_number}: ${l.value.tenant_name}, unit ${l.value.unit_number}, rent ${fmtMoney(l.value.monthly_rent_amount)}.` };
      },
    };
  });
}

// ---- the ledger --------------------------------------------------------------------------

const ENTRY_LABEL = { charge: "Post charge", payment: "Payment", credit: "Credit" };

function postEntry(kind) {
  const L = rec.ledger;
  const fields = [
    { name: "amount", label: "Amount", type: "money", required: true },
    { name: "trans_date", label: "Date", type: "date", value: L.today, required: true },
    { name: "description", label: "Description" },
  ];
  if (kind === "charge") fields.splice(1, 0, { name: "category", label: "Category", type: "select", options: CHARGE_CATEGORIES, value: "rent" },
    { name: "due_date", label: "Due", type: "date" });
  openForm("rec-ledger-slot", `${ENTRY_LABEL[kind]} on ${L.lease.lease_number}`, fields, "Review…", (v) => {
    const amount = moneyText(v.amount);
    if (!amount) return "Give an amount.";
    const action = { action: "post_ledger", lease_id: L.lease.id, kind, category: v.category || "", description: v.description, amount, trans_date: v.trans_date };
    if (v.due_date) action.due_date = v.due_date;
    const what = kind === "charge" ? `a ${v.category.replace(/_/g, " ")} charge of ${fmtMoney(amount)}${v.due_date ? ` due ${v.due_date}` : ""}`
      : kind === "payment" ? `a payment of ${fmtMoney(amount)}` : `a credit of ${fmtMoney(amount)}`;
    // Paying more than is owed is allowed, but said: the excess stays as a credit.
    const owed = Number(L.balance);
    const paid = Number(amount);
    const over = kind === "payment" && paid > owed
      ? ` Warning: the payment is ${fmtMoney((paid - Math.max(owed, 0)).toFixed(2))} more than the balance ${fmtMoney(Math.max(owed, 0).toFixed(2))}; the excess will be a credit.`
      : "";
    return {
      question: `Post ${what} on ${v.trans_date} to lease ${L.lease.lease_number} (${L.lease.tenant_name}, unit ${L.lease.unit_number})${v.description ? `: “${v.description}”` : ""}?${over}`,
      run: () => sendAction(null, action, (e) => `Posted ${e.trans_type.toLowerCase()} ${e.category} ${fmtMoney(e.amount)} on ${e.trans_date}.`),
    };
  });
}

function voidEntry(e) {
  const L = rec.ledger;
  openForm("rec-ledger-slot", `Void ${e.description}`, [{ name: "reason", label: "Reason", required: true }], "Review…", (v) => {
    if (!v.reason) return "Give the reason for the void.";
    return {
      question: `Void the ${e.trans_type.toLowerCase()} “${e.description}” of ${fmtMoney(e.amount)} (${e.trans_date}) on ${L.lease.lease_number}, because “${v.reason}”? A reversing entry of ${fmtMoney(e.amount)} is posted today; both stay on the ledger.`,
      run: () => sendAction(e.id, { action: "void_ledger", reason: v.reason }, (r) => `Voided: ${r.description}.`),
    };
  });
}

// ---- drawing -----------------------------------------------------------------------------

function slot(id) {
  const o = rec.open && rec.open.slot === id ? formHtml(rec.open) : "";
  const a = rec.answer && rec.answer.slot === id ? `<p class="verdict ok rec-answer" role="status">${esc(rec.answer.text)}</p>` : "";
  return `<div id="${id}">${a}${o}</div>`;
}

async function renderRecords(main) {
  rec.open = null; rec.answer = null;
  main.innerHTML = '<h1>Records</h1><p class="muted">Loading…</p>';
  await loadRecords();
  drawRecords();
}

function drawRecords() {
  const main = $("#main");
  if (state.view !== "records") return;
  const p = selectedProperty();
  const d = rec.detail;
  main.innerHTML = `
    <h1>Records</h1>
    <p class="muted">Properties, buildings, units, tenants and ledger entries entered by hand. Nothing with history is deleted:
      archiving keeps a record's leases and ledger, and a void posts a reversing entry.</p>
    <datalist id="rec-zones">${ZONES.map((z) => `<option value="${esc(z)}">`).join("")}</datalist>
    <div class="toolbar"><button class="primary" id="rec-add-property">Add property</button>
      <label><input type="checkbox" id="rec-archived" ${rec.archived ? "checked" : ""}> Show archived</label></div>
    ${slot("rec-properties-slot")}
    ${rec.props.length === 0 ? '<p class="muted" id="rec-empty">No properties yet: add one.</p>' : `
    <table id="rec-properties"><thead><tr><th>Property</th><th>City</th><th>Type</th><th>Time zone</th><th class="num">Units</th><th></th></tr></thead>
    <tbody>${rec.props.map((x) => `<tr class="rec-property ${x.id === rec.propertyId ? "current" : ""} ${x.archived_at ? "unmapped" : ""}" data-id="${x.id}">
      <td><button class="link rec-open" data-id="${x.id}">${esc(x.name)}</button>${x.archived_at ? ' <span class="badge">archived</span>' : ""}</td>
      <td>${esc(x.city)}</td><td>${esc(x.property_type.replace(/_/g, " "))}</td><td class="mono">${esc(x.time_zone)}</td><td class="num">${x.total_units}</td>
      <td class="actions">${x.archived_at ? "" : `<button class="rec-edit-property" data-id="${x.id}">Edit</button> <button class="rec-archive-property" data-id="${x.id}">Archive</button>`}</td></tr>`).join("")}
    </tbody></table>`}
    ${p && d ? propertyPanel(p, d) : ""}`;
  wireRecords(main, p, d);
}

function propertyPanel(p, d) {
  const live = !p.archived_at;
  const u = selectedUnit();
  return `
    <h2 class="review-title" id="rec-property-title">${esc(p.name)} <span class="muted">${esc(p.time_zone)}</span></h2>
    <div class="card"><h3>Buildings</h3>
      ${live ? '<div class="toolbar"><button id="rec-add-building">Add building</button></div>' : ""}
      ${slot("rec-buildings-slot")}
      ${d.buildings.length === 0 ? '<p class="muted">No buildings (units may stand without one).</p>' : `
      <table id="rec-buildings"><thead><tr><th>Building</th><th class="num">Floors</th><th></th></tr></thead><tbody>${d.buildings.map((b) => `
        <tr><td>${esc(b.name)}</td><td class="num">${b.floors}</td><td class="actions">${live ? `<button class="rec-edit-building" data-id="${b.id}">Edit</button>
        <button class="rec-archive-building" data-id="${b.id}">Archive</button>` : ""}</td></tr>`).join("")}</tbody></table>`}
    </div>
    <div class="card"><h3>Units</h3>
      ${live ? '<div class="toolbar"><button id="rec-add-unit">Add unit</button></div>' : ""}
      ${slot("rec-units-slot")}
      ${d.units.length === 0 ? '<p class="muted">No units yet.</p>' : `
      <table id="rec-units"><thead><tr><th>Unit</th><th>Building</th><th class="num">Bd</th><th class="num">Ba</th><th class="num">Sq ft</th>
        <th class="money">Market rent</th><th>Status</th><th>Tenant</th><th></th></tr></thead><tbody>${d.units.map((r) => {
        const lease = liveLease(r);
        return `<tr class="${r.unit.id === rec.unitId ? "current" : ""}"><td><button class="link rec-unit" data-id="${r.unit.id}">${esc(r.unit.unit_number)}</button></td>
        <td>${esc(r.building_name)}</td><td class="num">${r.unit.bedrooms}</td><td class="num">${esc(r.unit.bathrooms)}</td><td class="num">${r.unit.square_feet}</td>
        <td class="money">${fmtMoney(r.unit.market_rent)}</td><td>${esc(lease ? lease.lease_status.replace(/_/g, " ") : r.unit.status)}</td>
        <td>${lease ? esc(r.tenant_name) : ""}</td><td class="actions">${live ? `<button class="rec-unit" data-id="${r.unit.id}">${lease ? "Ledger" : "Open"}</button>
        <button class="rec-edit-unit" data-id="${r.unit.id}">Edit</button> <button class="rec-archive-unit" data-id="${r.unit.id}">Archive</button>` : ""}</td></tr>`;
      }).join("")}</tbody></table>`}
    </div>
    ${u ? unitPanel(p, u) : ""}`;
}

function unitPanel(p, u) {
  const lease = liveLease(u);
  const L = rec.ledger;
  const sign = !lease && !p.archived_at ? `<div class="toolbar"><button class="primary" id="rec-new-lease">New lease…</button>
    <span class="muted">Unit ${esc(u.unit.unit_number)} is vacant: sign a lease to a tenant on record or a new one.</span></div>` : "";
  const ledger = L ? `
    <p id="rec-balance">Lease <span class="mono">${esc(L.lease.lease_number)}</span> · ${esc(L.lease.tenant_name)} ·
      ${esc(L.lease.lease_status.replace(/_/g, " "))} · balance <strong class="mono">${esc(L.balance_label)}</strong></p>
    ${lease ? `<div class="toolbar">${Object.entries(ENTRY_LABEL).map(([k, l]) => `<button class="rec-post" data-kind="${k}">${l}</button>`).join("")}</div>` : ""}
    ${slot("rec-ledger-slot")}
    ${L.entries.length === 0 ? '<p class="muted">No entries yet.</p>' : `
    <table id="rec-ledger"><thead><tr><th>Date</th><th>Type</th><th>Category</th><th>Description</th><th class="money">Amount</th><th></th></tr></thead>
    <tbody>${L.entries.map((e) => `<tr class="${e.voided ? "unmapped" : ""}"><td class="mono">${esc(e.trans_date)}</td><td>${esc(e.trans_type)}</td>
      <td>${esc(e.category.replace(/_/g, " "))}</td><td>${esc(e.description)}</td><td class="money">${esc(e.amount_label)}</td>
      <td class="actions">${e.voided ? '<span class="muted">voided</span>' : e.category === "void" || !lease ? "" : `<button class="rec-void" data-id="${e.id}">Void</button>`}</td></tr>`).join("")}</tbody></table>`}` : "";
  return `<div class="card" id="rec-unit-panel"><h3>Unit ${esc(u.unit.unit_number)}${L ? " · ledger" : ""}</h3>
    ${sign}${slot("rec-lease-slot")}${ledger}</div>`;
}

function wireRecords(main, p, d) {
  const on = (sel, fn) => main.querySelectorAll(sel).forEach((b) => (b.onclick = (e) => { e.stopPropagation(); fn(b.dataset); }));
  const prop = (id) => rec.props.find((x) => x.id === id);
  $("#rec-add-property").onclick = addProperty;
  $("#rec-archived").onchange = async (e) => { rec.archived = e.target.checked; await loadRecords(); drawRecords(); };
  on(".rec-open", async ({ id }) => { rec.propertyId = id; rec.unitId = null; rec.open = null; rec.answer = null; await loadRecords(); drawRecords(); });
  on(".rec-edit-property", ({ id }) => editProperty(prop(id)));
  on(".rec-archive-property", ({ id }) => archiveProperty(prop(id)));
  if (p && d) {
    const building = (id) => d.buildings.find((b) => b.id === id);
    const unit = (id) => d.units.find((r) => r.unit.id === id);
    const add = $("#rec-add-building");
    if (add) add.onclick = () => addBuilding(p);
    const addU = $("#rec-add-unit");
    if (addU) addU.onclick = () => addUnit(p, d.buildings);
    on(".rec-edit-building", ({ id }) => editBuilding(building(id)));
    on(".rec-archive-building", ({ id }) => archiveBuilding(building(id)));
    on(".rec-unit", async ({ id }) => { rec.unitId = id; rec.open = null; rec.answer = null; await loadRecords(); drawRecords(); });
    on(".rec-edit-unit", ({ id }) => editUnit(unit(id).unit, d.buildings));
    on(".rec-archive-unit", ({ id }) => archiveUnit(unit(id).unit));
    const sign = $("#rec-new-lease");
    if (sign) sign.onclick = () => newLease(p, selectedUnit().unit);
    on(".rec-post", ({ kind }) => postEntry(kind));
    on(".rec-void", ({ id }) => voidEntry(rec.ledger.entries.find((e) => e.id === id)));
  }
  const form = $("#rec-form");
  if (form) {
    wireForm(form);
    form.scrollIntoView({ block: "nearest" });
  }
}
