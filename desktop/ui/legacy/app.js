// UnitCycle desktop front end: plain JS over the Tauri commands. Every change is sent to the
// replica at once (the commands persist before they return), so closing the window loses nothing.
"use strict";

const RATINGS = ["excellent", "good", "fair", "poor", "damaged"];
const LABEL = { excellent: "Excellent", good: "Good", fair: "Fair", poor: "Poor", damaged: "Damaged" };
const $ = (sel, root = document) => root.querySelector(sel);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

async function call(cmd, args = {}) {
  try {
    return await window.__TAURI_INTERNALS__.invoke(cmd, args);
  } catch (e) {
    const detail = e && e.detail ? e.detail : String(e);
    toast(detail, true);
    throw e;
  }
}

let toastTimer;
function toast(text, error = false) {
  const t = $("#toast");
  t.textContent = text;
  t.className = "show" + (error ? " error" : "");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (t.className = ""), 6000);
}

const state = { view: "inspections", detail: null, roomIndex: 0, thumbs: {}, report: null, info: null, importResult: null, busy: false };

// How analysis results are labelled, by the provider they record.
const PROVIDER_LABEL = { claude: "Analysed by Claude", offline: "Offline check — rate by eye" };
const providerLabel = (p) => PROVIDER_LABEL[p] || (p ? `Analysed by ${p}` : "");

async function loadInfo() {
  state.info = await call("app_info");
  $("#replica").textContent = state.info.db_path;
  const ai = state.info.ai;
  $("#ai-status").innerHTML = `<span class="ai-dot ${ai.provider}"></span>${esc(ai.provider === "claude" ? `Claude · ${ai.model}` : "Offline check")}
    <div title="${esc(ai.note)}">${state.info.photos_queued} photo(s) queued for analysis</div>`;
  $("#ai-status").title = ai.note;
  return state.info;
}

function nav(view) {
  state.view = view;
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("active", a.dataset.view === view));
  render();
}

async function render() {
  const main = $("#main");
  if (state.view === "dashboard") return renderDashboard(main);
  if (state.view === "import") return renderImport(main);
  if (state.view === "records") return renderRecords(main);
  if (state.view === "renewals") return renderRenewals(main);
  if (state.view === "collections") return renderCollections(main);
  if (state.view === "case") return renderCase(main);
  if (state.view === "leases") return renderLeases(main, false);
  if (state.view === "new") return renderLeases(main, true);
  if (state.view === "inspection") return renderInspection(main);
  return renderInspections(main);
}

async function renderInspections(main) {
  const info = await loadInfo();
  const rows = await call("list_inspections");
  main.innerHTML = `
    <h1>Move-in inspections</h1>
    <div class="toolbar">
      <button class="primary" id="new-inspection">New inspection</button>
      ${info.leases === 0 ? '<button id="create-demo">Create demo portfolio</button><span class="muted">This replica has no leases yet.</span>' : ""}
    </div>
    ${rows.length === 0 ? '<p class="muted">No inspections yet.</p>' : `
    <table><thead><tr><th>Date</th><th>Property</th><th>Unit</th><th>Tenant</th><th>Status</th><th class="num">Complete</th><th class="num">Score</th></tr></thead>
    <tbody>${rows.map((r) => `<tr class="inspection-row" data-id="${r.inspection.id}">
      <td class="mono">${esc(r.inspection.inspection_date)}</td><td>${esc(r.property_name)}</td><td>${esc(r.unit_number)}</td>
      <td>${esc(r.tenant_name)}</td><td><span class="badge ${r.inspection.status}">${esc(r.inspection.status.replace(/_/g, " "))}</span></td>
      <td class="num">${r.inspection.completeness_pct}%</td><td class="num">${r.inspection.overall_condition_score ?? "—"}</td></tr>`).join("")}
    </tbody></table>`}`;
  $("#new-inspection").onclick = () => nav("new");
  const demo = $("#create-demo");
  if (demo) demo.onclick = createDemo;
  main.querySelectorAll(".inspection-row").forEach((tr) => (tr.onclick = () => openInspection(tr.dataset.id)));
}

async function renderLeases(main, picking) {
  main.innerHTML = `
    <h1>${picking ? "New move-in inspection" : "Leases"}</h1>
    <div class="toolbar">
      ${picking ? '<label>Inspector <input type="text" id="inspector-name" placeholder="Your name"></label>' : ""}
      <input type="search" id="lease-search" placeholder="Search tenant, unit or lease number">
    </div>
    <div id="lease-table"></div>`;
  const name = $("#inspector-name");
  if (name) name.value = localStorage.getItem("inspector") || "";
  const load = async () => {
    const leases = await call("list_leases", { search: $("#lease-search").value || null });
    $("#lease-table").innerHTML = leases.length === 0 ? '<p class="muted">No leases match. Create the demo portfolio from the Dashboard.</p>' : `
      <table><thead><tr><th>Lease</th><th>Tenant</th><th>Unit</th><th>Property</th><th>Status</th><th>Begins</th><th class="money">Rent</th>${picking ? "<th></th>" : ""}</tr></thead>
      <tbody>${leases.map((l) => `<tr class="lease-row"><td class="mono">${esc(l.lease_number)}</td><td>${esc(l.tenant_name)}</td>
        <td>${esc(l.unit_number)}</td><td>${esc(l.property_name)}</td><td>${esc(l.lease_status)}</td><td class="mono">${esc(l.lease_begin_date)}</td>
        <td class="money">${esc(l.monthly_rent)}</td>${picking ? `<td><button class="accent start" data-lease="${l.id}">Start</button></td>` : ""}</tr>`).join("")}</tbody></table>`;
    $("#lease-table").querySelectorAll("button.start").forEach((b) => (b.onclick = async () => {
      const inspector = $("#inspector-name").value.trim();
      localStorage.setItem("inspector", inspector);
      const detail = await call("start_inspection", { leaseId: b.dataset.lease, inspectorName: inspector });
      state.detail = detail; state.roomIndex = 0; state.report = null; state.view = "inspection";
      render();
    }));
  };
  let timer;
  $("#lease-search").oninput = () => { clearTimeout(timer); timer = setTimeout(load, 150); };
  await load();
}

async function openInspection(id) {
  state.detail = await call("get_inspection", { id });
  state.roomIndex = 0; state.report = null; state.view = "inspection";
  render();
}

async function refresh() {
  state.detail = await call("get_inspection", { id: state.detail.inspection.id });
  renderInspection($("#main"));
}

function renderInspection(main) {
  const d = state.detail, i = d.inspection;
  const locked = i.status === "finalized";
  const rd = d.rooms[state.roomIndex];
  main.innerHTML = `
    <div class="toolbar"><h1 style="margin:0">Move-in inspection</h1>
      <span class="badge ${i.status}" id="status">${esc(i.status.replace(/_/g, " "))}</span>
      <span class="muted mono">${esc(i.inspection_date)} · ${esc(i.inspector_name)}</span></div>
    <div class="layout">
      <div class="rooms card"><h3>Rooms</h3>${d.rooms.map((r, n) => `<button class="room-btn ${n === state.roomIndex ? "current" : ""}" data-n="${n}">
        <span>${esc(r.room.room_name)}</span><span class="${r.room.is_complete ? "done" : "muted"}">${r.room.is_complete ? "✓" : r.room.photo_count + "📷"}</span></button>`).join("")}
        <button id="go-sign" class="${state.roomIndex === -1 ? "current" : ""}">Sign &amp; finalize</button></div>
      <div id="room-pane">${rd ? roomPane(rd, locked) : signPane(i, locked)}</div>
      <div>${completenessPane(i)}</div>
    </div>`;
  main.querySelectorAll(".room-btn").forEach((b) => (b.onclick = () => { state.roomIndex = +b.dataset.n; renderInspection(main); }));
  $("#go-sign").onclick = () => { state.roomIndex = -1; renderInspection(main); };
  $("#analyze").onclick = async (e) => {
    const button = e.target;
    button.disabled = true; button.textContent = "Analysing…";
    try {
      const run = await call("analyze", { id: i.id });
      toast(run.message || `${providerLabel(run.provider)}: ${run.analysed} analysed, ${run.needs_review} need review, ${run.failed} failed`, run.still_queued > 0);
    } finally { refresh(); }
  };
  loadCompleteness(i.id);
  if (rd) wireRoom(rd, locked); else wireSign(i, locked);
}

function completenessPane(i) {
  return `<div class="card" id="completeness"><h3>Completeness</h3>
    <div class="num" style="text-align:left;font-size:22px" id="completeness-pct">${i.completeness_pct}%</div>
    <div class="bar"><div style="width:${i.completeness_pct}%"></div></div>
    <div id="missing" class="missing muted">…</div>
    <p class="muted">Score <span class="mono">${i.overall_condition_score ?? "—"}</span> · ${i.total_items_documented} items rated</p>
    <p class="muted" id="queued">…</p>
    <button id="analyze">${state.info && state.info.ai.provider === "claude" ? "Analyse queued photos with Claude" : "Run offline check"}</button>
    <p class="muted" id="analysis-provider">${esc(state.info ? state.info.ai.note : "")}</p></div>`;
}

async function loadCompleteness(id) {
  const c = await call("completeness", { id });
  $("#queued").textContent = `${c.photos_awaiting_analysis} photo(s) queued for analysis`;
  loadInfo();
  const list = (title, items) => items.length ? `<p><b>${title}</b></p><ul>${items.map((x) => `<li>${esc(x)}</li>`).join("")}</ul>` : "";
  $("#missing").innerHTML = c.is_complete ? '<p class="done">Every room photographed, every item rated.</p>' :
    list("Rooms without photos", c.rooms_without_photos.map((r) => r.room_name)) +
    list(`Items without ratings (${c.items_without_ratings.length})`, c.items_without_ratings.slice(0, 8).map((x) => `${x.room_name}: ${x.item_label}`)) +
    (c.photos_to_retake.length ? `<p>${c.photos_to_retake.length} photo(s) to retake</p>` : "") +
    (c.photos_awaiting_analysis ? `<p>${c.photos_awaiting_analysis} photo(s) queued for analysis</p>` : "");
}

function roomPane(rd, locked) {
  const r = rd.room;
  return `<div class="card"><div class="item-head"><h2>${esc(r.room_name)}</h2><span class="badge">${esc(r.overall_condition.replace("_", " "))}</span></div>
    <div class="toolbar"><label class="muted">Add photos <input type="file" id="photo-input" accept="image/jpeg,image/png" multiple ${locked ? "disabled" : ""}></label></div>
    ${locked ? "" : `<div class="toolbar camera"><label class="muted">Camera folder <input type="text" id="camera-folder" size="34" placeholder="/media/camera/DCIM"></label>
      <button id="camera-import">Import from camera folder</button></div>
    <div id="import-progress" class="hidden"><div class="bar"><div></div></div><span class="muted"></span></div>`}
    <div id="import-result">${importResultHtml()}</div>
    <div class="photos">${rd.photos.map((p) => `<div class="photo" data-photo="${p.id}"><img alt="${esc(p.file_name)}" data-thumb="${p.id}">
      <div class="meta"><div>${esc(p.file_name)} <span class="mono muted">${p.width}×${p.height}</span></div>
      <div class="photo-verdict verdict ${p.is_acceptable ? "ok" : "bad"}">${p.is_acceptable ? "Good photo" : "Retake: " + esc(p.ai_quality_issues.join(", ").replace(/_/g, " "))} (score ${(p.ai_quality_score ?? 0).toFixed(2)})</div>
      ${p.quality_suggestion ? `<div class="muted">${esc(p.quality_suggestion)}</div>` : ""}
      <div class="muted analysis">Analysis: ${esc(p.analysis_status.replace("_", " "))}${p.analysis_provider ? " · " + esc(providerLabel(p.analysis_provider)) : ""}</div>
      ${locked ? "" : `<button class="del-photo" data-photo="${p.id}">Remove</button>`}</div></div>`).join("")}</div>
    <h3>Room notes</h3><textarea id="room-notes" ${locked ? "disabled" : ""}>${esc(r.notes)}</textarea></div>
    <div class="card"><h3>Items</h3>${rd.items.map((it) => itemHtml(it, locked)).join("")}</div>
    <div class="toolbar"><button id="prev-room">← Previous</button><button class="primary" id="next-room">Next →</button></div>`;
}

// The rating that counts is the inspector's when given; the AI's stays visible, struck through.
function itemHtml(it, locked) {
  const rating = it.human_override || it.condition_rating;
  const conf = it.ai_confidence == null ? "" : `, ${Math.round(it.ai_confidence * 100)}% confident`;
  const ai = it.condition_rating ? `${providerLabel(it.ai_provider)}: ${LABEL[it.condition_rating]}${conf}` : "";
  const by = it.human_override
    ? `<span class="human">Rated by inspector: ${LABEL[it.human_override]}</span>${ai ? ` <s class="ai-overridden">${esc(ai)}</s>` : ""}`
    : (ai ? `<span class="ai">${esc(ai)}</span> — click a rating to override` : "not rated");
  return `<div class="item" data-item="${it.id}"><div class="item-head"><b>${esc(it.item_label)}</b>
    <div class="ratings">${RATINGS.map((r) => `<button class="rating-btn ${rating === r ? "on" : ""}" data-rating="${r}" ${locked ? "disabled" : ""}>${LABEL[r]}</button>`).join("")}</div></div>
    <div class="by" data-rated-by="${it.human_override ? "human" : esc(it.ai_provider)}">${by}</div>
    ${it.ai_description ? `<div class="muted ai-description">${esc(it.ai_description)}</div>` : ""}
    <textarea class="item-notes" placeholder="Notes" ${locked ? "disabled" : ""}>${esc(it.human_notes)}</textarea>
    <ul class="issues">${it.ai_pre_existing_issues.map((x, n) => `<li>${esc(x.severity)}: ${esc(x.description)}${x.dimensions ? " · " + esc(x.dimensions) : ""}${x.location ? " · at " + esc(x.location) : ""}${x.source && x.source !== "human" ? ` <span class="muted">(${esc(x.source === "claude" ? "Claude" : x.source)})</span>` : ""}
      ${locked ? "" : `<button class="del-issue" data-index="${n}">×</button>`}</li>`).join("")}</ul>
    ${locked ? "" : `<div class="issue-form"><select class="issue-sev">${["cosmetic", "minor", "moderate", "major"].map((s) => `<option>${s}</option>`).join("")}</select>
      <input type="text" class="issue-desc" placeholder="Pre-existing issue"><input type="text" class="issue-dim" placeholder="Size" size="8">
      <input type="text" class="issue-loc" placeholder="Where" size="10"><button class="add-issue">Add issue</button></div>`}</div>`;
}

function readAsDataUrl(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

async function addPhoto(fileName, dataUrl) {
  const rd = state.detail.rooms[state.roomIndex];
  const added = await call("add_photo", { roomId: rd.room.id, fileName, dataBase64: dataUrl });
  toast(`${fileName}: ${added.quality.verdict}${added.quality.suggestion ? " — " + added.quality.suggestion : ""}`, !added.quality.is_acceptable);
  await refresh();
  return added;
}

function importResultHtml() {
  const r = state.importResult;
  if (!r || !state.detail || r.roomId !== state.detail.rooms[state.roomIndex]?.room.id) return "";
  const list = (cls, title, rows) => rows.length ? `<p><b>${title}</b></p><ul class="${cls}">${rows.join("")}</ul>` : "";
  return `<div class="card import-summary"><h3>Camera import: ${r.imported.length} imported, ${r.duplicates.length} already in this inspection, ${r.refused.length} refused</h3>
    ${list("imported", "Imported", r.imported.map((p) => `<li>${esc(p.name)} — <span class="verdict ${p.photo.is_acceptable ? "ok" : "bad"}">${esc(p.verdict)}</span></li>`))}
    ${list("duplicates", "Skipped (already imported)", r.duplicates.map((n) => `<li>${esc(n)}</li>`))}
    ${list("refused", "Refused", r.refused.map((x) => `<li>${esc(x.name)}: ${esc(x.reason)}</li>`))}</div>`;
}

// Scans the folder, then imports a few files per call so the bar moves and the window stays live.
async function importCameraFolder(folder) {
  const rd = state.detail.rooms[state.roomIndex];
  localStorage.setItem("cameraFolder", folder);
  const scan = await call("scan_camera_folder", { folder });
  if (scan.files.length === 0) { toast(`No JPEG or PNG photos in ${folder}`, true); return null; }
  const total = { roomId: rd.room.id, imported: [], duplicates: [], refused: scan.unreadable.map((u) => ({ name: u, reason: "could not be listed" })) };
  const box = $("#import-progress");
  box.classList.remove("hidden");
  state.busy = true;
  try {
    for (let n = 0; n < scan.files.length; n += 4) {
      $("span", box).textContent = `Importing ${Math.min(n + 4, scan.files.length)} of ${scan.files.length}…`;
      $(".bar > div", box).style.width = `${Math.round((n * 100) / scan.files.length)}%`;
      const part = await call("import_camera_files", { roomId: rd.room.id, files: scan.files.slice(n, n + 4) });
      total.imported.push(...part.imported); total.duplicates.push(...part.duplicates); total.refused.push(...part.refused);
    }
  } finally {
    state.busy = false;
    state.importResult = total;
    await refresh();
  }
  toast(`Camera import: ${total.imported.length} imported, ${total.duplicates.length} already there, ${total.refused.length} refused`, total.refused.length > 0);
  return total;
}

function wireRoom(rd, locked) {
  document.querySelectorAll("img[data-thumb]").forEach(async (img) => {
    const id = img.dataset.thumb;
    if (!state.thumbs[id]) state.thumbs[id] = await call("photo_thumbnail", { photoId: id }).catch(() => "");
    img.src = state.thumbs[id];
  });
  $("#prev-room").onclick = () => { state.roomIndex = Math.max(0, state.roomIndex - 1); renderInspection($("#main")); };
  $("#next-room").onclick = () => { state.roomIndex = state.roomIndex + 1 >= state.detail.rooms.length ? -1 : state.roomIndex + 1; renderInspection($("#main")); };
  if (locked) return;
  $("#camera-folder").value = localStorage.getItem("cameraFolder") || "";
  $("#camera-import").onclick = async (e) => {
    const folder = $("#camera-folder").value.trim();
    if (!folder) return toast("Enter the camera folder, for example /media/camera/DCIM", true);
    e.target.disabled = true;
    try { await importCameraFolder(folder); } catch (_) { /* shown in the toast */ } finally { e.target.disabled = false; }
  };
  $("#photo-input").onchange = async (e) => {
    for (const f of e.target.files) {
      try { await addPhoto(f.name, await readAsDataUrl(f)); } catch (_) { /* shown in the toast */ }
    }
  };
  document.querySelectorAll(".del-photo").forEach((b) => (b.onclick = async () => { await call("delete_photo", { photoId: b.dataset.photo }); refresh(); }));
  $("#room-notes").onchange = async (e) => { await call("set_room_notes", { roomId: rd.room.id, notes: e.target.value }); };
  document.querySelectorAll(".item").forEach((el) => {
    const itemId = el.dataset.item;
    el.querySelectorAll(".rating-btn").forEach((b) => (b.onclick = async () => {
      const clear = b.classList.contains("on");
      await call("rate_item", { itemId, rating: clear ? null : b.dataset.rating, notes: null });
      refresh();
    }));
    $(".item-notes", el).onchange = async (e) => { await call("rate_item", { itemId, rating: currentOverride(itemId), notes: e.target.value }); };
    $(".add-issue", el).onclick = async () => {
      await call("add_issue", { itemId, severity: $(".issue-sev", el).value, description: $(".issue-desc", el).value, dimensions: $(".issue-dim", el).value, location: $(".issue-loc", el).value });
      refresh();
    };
    el.querySelectorAll(".del-issue").forEach((b) => (b.onclick = async () => { await call("remove_issue", { itemId, index: +b.dataset.index }); refresh(); }));
  });
}

function currentOverride(itemId) {
  for (const r of state.detail.rooms) for (const it of r.items) if (it.id === itemId) return it.human_override;
  return null;
}

function signPane(i, locked) {
  const pad = (role, label, name, at) => `<div class="card" id="sig-${role}"><h3>${label}</h3>
    ${at ? `<p class="done">Signed by ${esc(name)} <span class="mono muted">${esc(at)}</span></p>` : '<p class="muted">Not signed yet</p>'}
    ${locked ? "" : `<canvas class="pad" width="600" height="200"></canvas>
    <div class="toolbar"><input type="text" class="signer" placeholder="Full name" value="${esc(name)}"><button class="clear">Clear</button><button class="primary save">Save signature</button></div>`}</div>`;
  return `<div class="card"><h2>Signatures</h2><p class="muted">Tenant and manager sign with mouse, finger or pen. Finalizing needs both and locks the inspection.</p></div>
    <div class="sigs">${pad("tenant", "Tenant", i.tenant_signer_name, i.tenant_signed_at)}${pad("manager", "Manager", i.manager_signer_name, i.manager_signed_at)}</div>
    <div class="card toolbar">
      <button class="accent" id="finalize" ${locked ? "disabled" : ""}>${locked ? "Finalized" : "Finalize & lock"}</button>
      <button class="primary" id="generate-report">Generate condition report (PDF)</button>
      <button id="open-report" ${state.report ? "" : "disabled"}>Open PDF</button></div>
    <div class="card" id="report">${state.report ? `<p>Saved <span class="mono">${esc(state.report.path)}</span></p>
      <p id="report-pages">${state.report.pages.length} pages: ${state.report.pages.map(esc).join(" · ")}</p>` : '<p class="muted">No report generated in this session.</p>'}</div>`;
}

function wireSign(i, locked) {
  $("#generate-report").onclick = async () => {
    state.report = await call("generate_report", { id: i.id });
    toast(`Report written: ${state.report.pages.length} pages`);
    refresh();
  };
  $("#open-report").onclick = () => state.report && call("open_path", { path: state.report.path });
  if (locked) return;
  $("#finalize").onclick = async () => { await call("finalize", { id: i.id }); toast("Inspection finalized and locked"); refresh(); };
  for (const role of ["tenant", "manager"]) {
    const box = $(`#sig-${role}`);
    const canvas = $("canvas", box);
    const ctx = canvas.getContext("2d");
    ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#0F172A";
    let drawing = false, inked = false;
    const pos = (e) => { const r = canvas.getBoundingClientRect(); return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height]; };
    canvas.onpointerdown = (e) => { drawing = true; try { canvas.setPointerCapture(e.pointerId); } catch (_) { /* synthetic events have no capture */ } const [x, y] = pos(e); ctx.beginPath(); ctx.moveTo(x, y); };
    canvas.onpointermove = (e) => { if (!drawing) return; const [x, y] = pos(e); ctx.lineTo(x, y); ctx.stroke(); inked = true; };
    canvas.onpointerup = canvas.onpointerleave = () => { drawing = false; };
    $(".clear", box).onclick = () => { ctx.clearRect(0, 0, canvas.width, canvas.height); inked = false; };
    $(".save", box).onclick = async () => {
      if (!inked) return toast("Sign in the box first", true);
      const png = canvas.toDataURL("image/png");
      await call("sign", { id: i.id, role, signerName: $(".signer", box).value, pngBase64: png });
      toast(`${role === "tenant" ? "Tenant" : "Manager"} signature saved`);
      refresh();
    };
  }
}

// Hooks the end-to-end test drives (same code paths as the file input).
window.UC = { addPhoto, importCameraFolder, state, nav };

document.querySelectorAll("nav a").forEach((a) => (a.onclick = (e) => { e.preventDefault(); nav(a.dataset.view); }));
// Keyboard: Alt+1…7 (or Ctrl+1…7) move between views, Esc goes back from a detail, ? shows the keys.
const KEYS = [["dashboard", "Dashboard"], ["leases", "Leases"], ["renewals", "Renewals"], ["collections", "Collections"],
  ["inspections", "Move-in inspections"], ["new", "New inspection"], ["records", "Records"]];
document.addEventListener("keydown", (e) => {
  if (e.target.matches("input, textarea, select")) return;
  const n = Number(e.key);
  if ((e.altKey || e.ctrlKey) && n >= 1 && n <= KEYS.length) { e.preventDefault(); nav(KEYS[n - 1][0]); }
  else if (e.key === "Escape" && state.view === "case") nav("collections");
  else if (e.key === "Escape" && state.view === "inspection") nav("inspections");
  else if (e.key === "?") toast(KEYS.map(([, label], i) => `Alt+${i + 1} ${label}`).join(" · ") + " · Esc back");
});
KEYS.forEach(([view], i) => { const a = $(`#nav-${view}`); if (a) a.title = `Alt+${i + 1}`; });
nav("dashboard");
