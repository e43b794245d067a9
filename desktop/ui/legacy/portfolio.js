// The back-office views beside inspections, mirroring the terminal app's groups: the portfolio
// dashboard, the renewal queue with its offer letters, and the collections queue with each case's
// timeline and the letters it sent. Loaded before app.js, whose helpers ($, esc, call, toast,
// state, nav) these functions use when they run.
"use strict";

const LIFECYCLE = [
  ["active", "Active", "var(--teal)"], ["month_to_month", "Month-to-month", "var(--gold)"],
  ["notice", "Notice", "#EA580C"], ["vacant", "Vacant", "#94A3B8"],
];
const RISK_COLOUR = { low: "var(--teal)", medium: "var(--gold)", high: "#EA580C", critical: "var(--red)" };
const pct = (n, total) => (total > 0 ? (100 * n) / total : 0);

// A horizontal bar per entry, scaled to `scale` or else the largest: [label, value, colour].
function barChart(entries, id, scale) {
  const max = scale || Math.max(1, ...entries.map((e) => e[1]));
  return `<div class="hbars" id="${id}">${entries.map(([label, value, colour]) => `<div class="hbar">
    <span class="hbar-label">${esc(label)}</span>
    <span class="hbar-track"><span style="width:${pct(value, max)}%;background:${colour || "var(--navy)"}"></span></span>
    <span class="num">${value}</span></div>`).join("")}</div>`;
}

// A written document: its path, its pages read back, and a button to open it.
function documentResult(doc, what) {
  toast(`${what}: ${doc.pages.length} page(s) written to ${doc.path}`);
  return `<div class="doc-result"><span class="mono">${esc(doc.path)}</span>
    <span class="muted doc-pages">${doc.pages.length} page(s): ${esc(doc.pages.join(" · "))}</span>
    <button class="open-doc" data-path="${esc(doc.path)}">Open</button></div>`;
}

function wireOpen(root) {
  root.querySelectorAll(".open-doc").forEach((b) => (b.onclick = () => call("open_path", { path: b.dataset.path })));
}

async function renderDashboard(main) {
  const d = await call("dashboard");
  const k = d.kpis, l = k.lifecycle;
  if (k.units === 0) {
    main.innerHTML = `<h1>Dashboard</h1><div class="card"><p>This replica has no portfolio yet.</p>
      <button class="primary" id="create-demo">Create demo portfolio</button>
      <p class="muted">Or run <span class="mono">unitcycle sync</span> to pull yours from the server.</p></div>`;
    $("#create-demo").onclick = createDemo;
    return;
  }
  const r = d.renewals, c = d.collections;
  const kpi = (label, value, sub, id) => `<div class="kpi card" id="${id}"><div class="muted">${label}</div>
    <div class="kpi-value">${esc(value)}</div><div class="muted">${sub}</div></div>`;
  const stack = LIFECYCLE.map(([key, label, colour]) => `<span title="${label}: ${l[key]}" style="width:${pct(l[key], l.total_leases)}%;background:${colour}"></span>`).join("");
  main.innerHTML = `
    <h1>Dashboard</h1><p class="muted">As of <span class="mono">${esc(d.today)}</span> · ${k.properties} properties · ${k.buildings} buildings</p>
    <div class="kpis">
      ${kpi("Units", k.units.toLocaleString(), `${k.vacant_units} vacant (${d.vacancy_pct}%)`, "kpi-units")}
      ${kpi("Renewals to review", r.total_pending, `${r.total_sent} sent · ${Math.round(r.acceptance_rate * 100)}% accepted`, "kpi-renewals")}
      ${kpi("Projected renewal revenue", d.projected_revenue, `per year · avg +${r.avg_rent_increase_pct.toFixed(1)}%`, "kpi-revenue")}
      ${kpi("Collections outstanding", d.outstanding, `${c.open_cases} open cases · ${c.on_payment_plan} on a plan`, "kpi-collections")}
      ${kpi("Collected, last 30 days", d.collected_30_days, `${c.paid_last_30_days} cases paid`, "kpi-collected")}
    </div>
    <div class="grid2">
      <div class="card"><h3>Lease lifecycle</h3>
        <div class="stack" id="lifecycle-bar">${stack}</div>
        <div class="legend">${LIFECYCLE.map(([key, label, colour]) => `<span><i style="background:${colour}"></i>${label} <b class="mono">${l[key]}</b></span>`).join("")}</div>
        <p class="muted">Expiring: <span class="mono">${l.expiring_30_days}</span> in 30 days · <span class="mono">${l.expiring_60_days}</span> in 60 · <span class="mono">${l.expiring_90_days}</span> in 90</p></div>
      <div class="card"><h3>Renewal churn risk</h3>${barChart(["low", "medium", "high", "critical"].map((x) => [x[0].toUpperCase() + x.slice(1), r.by_risk_level[x] || 0, RISK_COLOUR[x]]), "churn-chart")}</div>
      <div class="card"><h3>Collections by escalation step</h3>${barChart([1, 2, 3, 4, 5].map((n) => [`Step ${n} · ${STEP_NAME[n]}`, c.by_escalation_level[n] || 0, n >= 4 ? "var(--red)" : n === 3 ? "#EA580C" : "var(--gold)"]), "collections-chart")}
        <p class="muted">Average <span class="mono">${c.avg_days_overdue}</span> days overdue · ${c.escalated} escalated to legal</p></div>
      <div class="card"><h3>Move-in inspections</h3>${barChart(Object.entries(d.inspections).map(([s, n]) => [s.replace(/_/g, " "), n, s === "finalized" ? "var(--teal)" : "var(--gold)"]), "inspections-chart")}
        ${Object.keys(d.inspections).length === 0 ? '<p class="muted">None yet: start one from New inspection.</p>' : ""}</div>
    </div>
    <div class="card"><h3>Properties</h3><table id="property-table"><thead><tr><th>Property</th><th>City</th><th class="num">Units</th><th class="num">Vacant</th><th>Vacancy</th><th class="num">Notice</th><th class="num">Expiring 90 d</th></tr></thead>
      <tbody>${k.per_property.map((p) => `<tr><td>${esc(p.name)}</td><td>${esc(p.city)}</td><td class="num">${p.units}</td><td class="num">${p.vacant_units}</td>
        <td><div class="bar small"><div style="width:${pct(p.vacant_units, p.units)}%;background:#94A3B8"></div></div></td>
        <td class="num">${p.lifecycle.notice}</td><td class="num">${p.lifecycle.expiring_90_days}</td></tr>`).join("")}</tbody></table></div>`;
}

const STEP_NAME = { 1: "SMS reminder", 2: "Email notice", 3: "Formal notice", 4: "Plan offer", 5: "Legal warning" };

async function createDemo() {
  toast("Creating the demo portfolio and running today's jobs…");
  await call("create_demo");
  toast("Demo portfolio created");
  render();
}

async function renderRenewals(main) {
  const status = state.renewalStatus || "";
  main.innerHTML = `<h1>Renewals</h1>
    <div class="toolbar"><label>Status <select id="renewal-status">${["", "pending", "approved", "sent", "accepted", "declined", "expired"]
      .map((s) => `<option value="${s}" ${s === status ? "selected" : ""}>${s ? s[0].toUpperCase() + s.slice(1) : "All"}</option>`).join("")}</select></label>
      <span class="muted">Highest churn first. Click a row to review it: approve (at another rent if you like), send, record the answer, print the letter.</span></div>
    <div id="renewal-table"><p class="muted">Loading…</p></div>`;
  $("#renewal-status").onchange = (e) => { state.renewalStatus = e.target.value; renderRenewals(main); };
  const { total, rows } = await call("list_renewals", { status: status || null });
  if (rows.length === 0) {
    $("#renewal-table").innerHTML = '<p class="muted">No renewal recommendations here. The nightly renewal scan (<span class="mono">unitcycle jobs run renewal-scan</span>) fills this queue.</p>';
    return;
  }
  $("#renewal-table").innerHTML = `${shownOf(rows.length, total, "recommendations")}<table><thead><tr><th>Tenant</th><th>Unit</th><th>Property</th><th>Churn</th><th>Risk</th>
    <th class="money">Current</th><th class="money">Recommended</th><th class="num">Change</th><th>Status</th></tr></thead>
    <tbody>${rows.map((r, n) => {
      const p = r.renewal;
      return `<tr class="renewal-row" data-n="${n}"><td>${esc(r.names.tenant_name)}</td><td>${esc(r.names.unit_number)}</td><td>${esc(r.names.property_name)}</td>
      <td><span class="gauge"><span style="width:${Math.round(p.churn_score * 100)}%;background:${RISK_COLOUR[p.churn_risk_level]}"></span></span> <span class="mono">${p.churn_score.toFixed(2)}</span></td>
      <td><span class="badge risk-${p.churn_risk_level}">${esc(p.churn_risk_level)}</span></td>
      <td class="money">${esc(r.current_rent)}</td><td class="money">${esc(r.recommended_rent)}</td>
      <td class="num">${p.rent_increase_pct >= 0 ? "+" : ""}${p.rent_increase_pct.toFixed(1)}%</td><td>${esc(r.status_label)}</td></tr>
      <tr class="renewal-detail ${p.id === state.openRenewal ? "" : "hidden"}" data-n="${n}"><td colspan="9">${renewalDetail(r)}</td></tr>`;
    }).join("")}</tbody></table>`;
  main.querySelectorAll(".renewal-row").forEach((tr) => (tr.onclick = () =>
    main.querySelector(`.renewal-detail[data-n="${tr.dataset.n}"]`).classList.toggle("hidden")));
  main.querySelectorAll(".review").forEach((box) => wireReview(main, box, rows.find((r) => r.renewal.id === box.dataset.id)));
  main.querySelectorAll(".letter-pdf").forEach((b) => (b.onclick = async (e) => {
    e.stopPropagation();
    b.disabled = true;
    try {
      const doc = await call("renewal_letter_pdf", { id: b.dataset.id });
      const out = b.parentElement.querySelector(".doc-out");
      out.innerHTML = documentResult(doc, "Renewal letter");
      wireOpen(out);
    } finally { b.disabled = false; }
  }));
}

function renewalDetail(r) {
  const p = r.renewal;
  return `<div class="detail-grid"><div><h3>Churn factors</h3>${barChart(r.factors.map(([key, v]) => [key.replace(/_/g, " "), v.toFixed(2), RISK_COLOUR[p.churn_risk_level]]), `factors-${p.id}`, 1)}
      <p class="muted">${esc(p.rent_strategy.replace(/_/g, " "))} · ${p.recommended_term_months}-month term from <span class="mono">${esc(p.recommended_lease_start)}</span></p>
      <p>${esc(p.rent_reasoning)}</p></div>
    <div><h3>Offer letter <span class="muted">(${esc(p.letter_provider || "not drafted")})</span></h3>
      <pre class="letter">${esc(p.renewal_letter_text || "No letter drafted yet.")}</pre>
      <button class="accent letter-pdf" data-id="${p.id}" ${p.renewal_letter_text ? "" : "disabled"}>Letter PDF</button><div class="doc-out"></div>
      <h3 class="review-title">Review</h3><div class="review" data-id="${p.id}"></div></div></div>`;
}

// The review step the recommendation's status allows, behind one confirm that says what happens.
const REVIEW = {
  pending: [["approve", "Approve", (r, rent) => `Approve the renewal for ${r.names.tenant_name} at ${rent}/mo?`]],
  approved: [["send", "Send to tenant", (r) => `Email the offer letter (with its PDF) to ${r.names.tenant_name} now?`]],
  sent: [["accept", "Tenant accepted", (r) => `Record that ${r.names.tenant_name} accepted? The lease is renewed at ${r.recommended_rent}/mo.`],
    ["decline", "Tenant declined", (r) => `Record that ${r.names.tenant_name} declined the offer?`]],
};

function wireReview(main, box, r) {
  const p = r.renewal, steps = REVIEW[p.status] || [];
  const idle = () => {
    box.innerHTML = steps.length === 0 ? `<p class="muted">${esc(r.status_label)}: nothing left to review.</p>` :
      `${p.status === "pending" ? `<label class="muted">Rent <input type="text" class="review-rent mono" size="10" value="${esc(p.recommended_rent)}"></label> ` : ""}
       ${steps.map(([action, label]) => `<button class="primary review-step" data-action="${action}">${label}</button>`).join(" ")}`;
    box.querySelectorAll(".review-step").forEach((b) => (b.onclick = (e) => { e.stopPropagation(); confirmStep(b.dataset.action); }));
  };
  const confirmStep = (action) => {
    const rentInput = box.querySelector(".review-rent");
    const rent = rentInput ? rentInput.value.trim() : null;
    const [, , question] = steps.find(([a]) => a === action);
    box.innerHTML = `<p class="confirm-question">${esc(question(r, rent && !rent.startsWith("$") ? "$" + rent : rent))}</p>
      <button class="accent review-confirm">Yes, ${esc(action)}</button> <button class="review-cancel">Cancel</button>`;
    box.querySelector(".review-cancel").onclick = idle;
    box.querySelector(".review-confirm").onclick = async () => {
      try {
        const done = await call("renewal_action", { id: p.id, action, rent });
        toast(`${done.names.tenant_name}: ${done.status_label}`);
        state.openRenewal = p.id;
        renderRenewals(main);
      } catch (_) { idle(); }
    };
  };
  idle();
}

// "Showing 500 of 41,220 recommendations" when the queue is longer than one view lists.
function shownOf(shown, total, what) {
  return `<p class="muted" id="queue-count">${shown < total ? `Showing ${shown.toLocaleString()} of ${total.toLocaleString()} ${what}; narrow the list to see the rest.` : `${total.toLocaleString()} ${what}`}</p>`;
}

function levelDots(level) {
  return `<span class="dots" title="Escalation step ${level} of 5">${[1, 2, 3, 4, 5].map((n) => `<i class="${n <= level ? "on" : ""}"></i>`).join("")}</span>`;
}

async function renderCollections(main) {
  const all = !!state.collectionsAll;
  main.innerHTML = `<h1>Collections</h1>
    <div class="toolbar"><label><input type="checkbox" id="cases-all" ${all ? "checked" : ""}> Include paid, escalated and written-off cases</label>
      <span class="muted">Most overdue first. Send steps, plans and payments from the terminal (<span class="mono">unitcycle</span> → 5).</span></div>
    <div id="case-table"><p class="muted">Loading…</p></div>`;
  $("#cases-all").onchange = (e) => { state.collectionsAll = e.target.checked; renderCollections(main); };
  const { total, rows } = await call("list_collections", { all });
  $("#case-table").innerHTML = rows.length === 0 ? '<p class="muted">No collection cases. The 08:00 collections scan opens one for each overdue charge.</p>' :
    `${shownOf(rows.length, total, "cases")}<table><thead><tr><th>Tenant</th><th>Unit</th><th>Property</th><th class="money">Balance</th><th class="num">Days</th><th>Step</th><th>Tone</th><th>Risk profile</th><th>Status</th></tr></thead>
    <tbody>${rows.map((r) => `<tr class="case-row" data-id="${r.case.id}"><td>${esc(r.names.tenant_name)}</td><td>${esc(r.names.unit_number)}</td><td>${esc(r.names.property_name)}</td>
      <td class="money">${esc(r.balance)}</td><td class="num">${r.case.days_overdue}</td><td>${levelDots(r.case.escalation_level)}</td>
      <td>${esc(r.tone_label)}</td><td>${esc(r.risk_label)}</td><td>${esc(r.status_label)}</td></tr>`).join("")}</tbody></table>`;
  main.querySelectorAll(".case-row").forEach((tr) => (tr.onclick = () => { state.caseId = tr.dataset.id; state.view = "case"; render(); }));
}

async function renderCase(main) {
  const d = await call("collection_case", { id: state.caseId });
  const r = d.row, c = r.case;
  main.innerHTML = `<div class="toolbar"><button id="back-to-cases">← Collections</button><h1 style="margin:0">${esc(r.names.tenant_name)}</h1>
      <span class="muted">Unit ${esc(r.names.unit_number)} · ${esc(r.names.property_name)} · lease <span class="mono">${esc(r.names.lease_number)}</span></span></div>
    <div class="kpis">
      <div class="kpi card"><div class="muted">Balance</div><div class="kpi-value" id="case-balance">${esc(r.balance)}</div><div class="muted">unpaid since <span class="mono">${esc(c.due_date)}</span></div></div>
      <div class="kpi card"><div class="muted">Escalation</div><div class="kpi-value">${levelDots(c.escalation_level)}</div><div class="muted">${c.days_overdue} days overdue · ${esc(r.status_label)}</div></div>
      <div class="kpi card"><div class="muted">Tone</div><div class="kpi-value">${esc(r.tone_label)}</div><div class="muted">${esc(r.risk_label)}</div></div>
    </div>
    <div class="grid2"><div class="card"><h3>Timeline</h3><ol class="timeline" id="timeline">${d.actions.map((a) => `<li>
        <div><b>${esc(a.label)}</b> <span class="muted">${esc(a.action.channel)} · step ${a.action.escalation_level} · <span class="mono">${esc(a.action.created_at.slice(0, 16).replace("T", " "))}</span>${a.action.ai_provider ? ` · drafted by ${esc(a.action.ai_provider)}` : ""}</span></div>
        ${a.action.message_text ? `<pre class="letter">${esc(a.action.message_text)}</pre>` : ""}</li>`).join("") || '<li class="muted">Nothing sent yet.</li>'}</ol></div>
      <div><div class="card"><h3>Letters sent</h3><div id="case-documents">${d.documents.length === 0 ? '<p class="muted">No letters yet: the formal notice (step 3) is the first that goes out on paper.</p>' :
        d.documents.map((doc) => `<div class="doc"><div>${esc(doc.subject)}</div><div class="muted mono">${esc(doc.name)} · ${esc(doc.created_at.slice(0, 10))}</div>
          <button class="save-doc" data-sha="${doc.sha256}" data-name="${esc(doc.name)}">Save PDF</button><div class="doc-out"></div></div>`).join("")}</div></div>
      ${d.plan ? `<div class="card"><h3>Payment plan · ${esc(d.plan.status)}</h3><table id="plan-table"><thead><tr><th>#</th><th>Due</th><th class="money">Amount</th><th>Status</th></tr></thead>
        <tbody>${d.plan.installments.map((i) => `<tr><td class="num">${i.installment_number}</td><td class="mono">${esc(i.due_date)}</td><td class="money">$${esc(i.amount)}</td><td>${esc(i.status)}</td></tr>`).join("")}</tbody></table></div>` : ""}
      </div></div>`;
  $("#back-to-cases").onclick = () => nav("collections");
  main.querySelectorAll(".save-doc").forEach((b) => (b.onclick = async () => {
    const doc = await call("save_document", { sha256: b.dataset.sha, name: b.dataset.name });
    const out = b.parentElement.querySelector(".doc-out");
    out.innerHTML = documentResult(doc, "Letter");
    wireOpen(out);
  }));
}
