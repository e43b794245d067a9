//! The move-in inspection screens' reads: which leases can be inspected (the core's
//! `inspections::eligibility` rule, applied on each property's local date) and the inspection
//! page as one value — the detail, what is still missing, whether it can be signed (the core's
//! `SIGNING_RULE`), the parties' names and the property's time zone, so the front end shows
//! every time as the property's wall clock.

use chrono::Utc;
use serde::Serialize;

use super::ops::id;
use crate::{AppState, CmdResult};
use unitcycle_core::inspections::eligibility::{self, InspectableLease};
use unitcycle_core::inspections::{self as insp, Completeness, InspectionDetail};

/// The leases offered by "New inspection", with the rule that chose them.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct InspectableLeases {
    /// `eligibility::RULE`, shown in the dialog.
    pub rule: &'static str,
    pub leases: Vec<InspectableLease>,
}

/// The inspection page.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct InspectionView {
    pub detail: InspectionDetail,
    pub completeness: Completeness,
    /// Why signing is refused now (the core's words), `None` when it can be signed.
    pub signing_blocked: Option<String>,
    /// `inspections::SIGNING_RULE`.
    pub signing_rule: &'static str,
    /// The property's IANA time zone: signature, finalize and report times are shown in it.
    pub time_zone: String,
    pub property_name: String,
    pub unit_number: String,
    pub tenant_name: String,
    pub lease_number: String,
    /// The file of the last generated report beside the replica, when it is there (to open
    /// with the system viewer).
    pub report_path: Option<String>,
}

/// The leases a move-in inspection makes sense for now (see `eligibility::RULE`).
pub fn inspectable_leases(s: &AppState, search: Option<String>) -> CmdResult<InspectableLeases> {
    let leases = s.store()?.inspectable_leases(search.as_deref(), Utc::now())?;
    Ok(InspectableLeases { rule: eligibility::RULE, leases })
}

/// The file name a report of `detail` is written under in `reports/`.
pub(super) fn report_name(property: &str, unit: &str, detail: &InspectionDetail) -> String {
    format!("move-in-{property}-unit-{unit}-{}.pdf", detail.inspection.inspection_date)
}

/// The inspection page: detail, completeness, signing readiness, names and time zone.
pub fn inspection_view(s: &AppState, id_text: String) -> CmdResult<InspectionView> {
    let store = s.store()?;
    let detail = store.move_in_detail(id(&id_text)?)?;
    let i = &detail.inspection;
    let property = store.property(i.property_id)?;
    let unit = store.unit(i.unit_id)?;
    let lease = store.lease_row(i.lease_id)?;
    let completeness = insp::completeness(&detail);
    let signing_blocked = insp::signing_blockers(&completeness);
    let report_path = insp::blob_hash(&i.condition_report_url).and_then(|_| {
        let dir = s.db_path.parent()?.join("reports");
        let name = super::ops::safe_name(&report_name(&property.name, &unit.unit_number, &detail));
        let path = dir.join(name);
        path.is_file().then(|| path.display().to_string())
    });
    Ok(InspectionView {
        completeness,
        signing_blocked,
        signing_rule: insp::SIGNING_RULE,
        time_zone: property.time_zone,
        property_name: property.name,
        unit_number: unit.unit_number,
        tenant_name: lease.tenant_name,
        lease_number: lease.lease.lease_number,
        report_path,
        detail,
    })
}
