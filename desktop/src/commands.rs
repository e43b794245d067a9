//! The commands the front end invokes. `ops` holds plain functions over `&AppState` (tested
//! directly); the `#[tauri::command]`s below are one line each.

use serde::Serialize;
use uuid::Uuid;

use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::ai::ProviderKind;
use unitcycle_core::inspections::camera::{CameraFile, CameraScan};
use unitcycle_core::inspections::{
    Completeness, ConditionRating, InspectionDetail, IssueSeverity, MoveInInspection, MoveInItem, MoveInPhoto,
    MoveInRoom, PhotoQuality, SignerRole,
};
use unitcycle_core::store::{AnalysisRun, CameraImport, InspectionListRow};

/// A lease in the picker.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LeaseOption {
    pub id: Uuid,
    pub lease_number: String,
    pub tenant_name: String,
    pub unit_number: String,
    pub property_name: String,
    pub lease_status: String,
    pub lease_begin_date: String,
    pub monthly_rent: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AppInfo {
    pub db_path: String,
    pub schema_version: i64,
    pub leases: u64,
    pub ai: AiInfo,
    /// Photos waiting for condition analysis, across the replica.
    pub photos_queued: i64,
}

/// Which provider condition analysis uses, so the screens can label its results.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AiInfo {
    /// `claude` or `offline` (the value photos and items record as their provider).
    pub provider: &'static str,
    pub model: String,
    /// How results are labelled: "Analysed by Claude" or "Offline check — rate by eye".
    pub label: &'static str,
    /// Why this provider is active.
    pub note: String,
}

/// The label of analysis results by provider (`ai_provider` / `analysis_provider` values).
pub fn analysis_label(provider: ProviderKind) -> &'static str {
    match provider {
        ProviderKind::Claude => "Analysed by Claude",
        ProviderKind::Offline => "Offline check — rate by eye",
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PhotoAdded {
    pub photo: MoveInPhoto,
    pub quality: PhotoQuality,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ReportResult {
    pub path: String,
    pub sha256: String,
    pub bytes: usize,
    /// The first line of each page's text, read back from the written PDF.
    pub pages: Vec<String>,
}

/// Every command runs off the main thread: decoding photos, writing the report PDF or creating
/// the demo would otherwise freeze the window (and the WebDriver session driving it) meanwhile.
/// The replica behind `AppState` is locked per call, so commands never interleave on it.
macro_rules! commands {
    ($($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)+) => {
        $(
            #[tauri::command(async)]
            #[specta::specta]
            pub fn $name(state: tauri::State<'_, AppState>, $($arg: $ty),*) -> CmdResult<$ret> {
                ops::$name(&state, $($arg),*)
            }
        )+

        /// Every typed command: the invoke handler and the TypeScript bindings come from this
        /// one list, so a changed command cannot drift from its caller.
        pub fn typed() -> tauri_specta::Builder<tauri::Wry> {
            tauri_specta::Builder::<tauri::Wry>::new().commands(tauri_specta::collect_commands![$($name),+])
        }
    };
}

commands! {
    app_info() -> AppInfo;
    create_demo() -> AppInfo;
    list_leases(search: Option<String>) -> Vec<LeaseOption>;
    list_inspections() -> Vec<InspectionListRow>;
    start_inspection(lease_id: String, inspector_name: String) -> InspectionDetail;
    get_inspection(id: String) -> InspectionDetail;
    inspectable_leases(search: Option<String>) -> inspections::InspectableLeases;
    inspection_view(id: String) -> inspections::InspectionView;
    delete_photo(photo_id: String) -> InspectionDetail;
    rate_item(item_id: String, rating: Option<String>, notes: Option<String>) -> MoveInItem;
    add_issue(item_id: String, severity: String, description: String, dimensions: String, location: String) -> MoveInItem;
    remove_issue(item_id: String, index: usize) -> MoveInItem;
    set_room_notes(room_id: String, notes: String) -> MoveInRoom;
    completeness(id: String) -> Completeness;
    finalize(id: String) -> MoveInInspection;
    generate_report(id: String) -> ReportResult;
    open_path(path: String) -> ();
    scan_camera_folder(folder: String) -> CameraScan;
    analyze(id: String) -> AnalysisRun;
    import_camera_files(room_id: String, files: Vec<CameraFile>) -> CameraImport;
    dashboard() -> portfolio::Dashboard;
    list_renewals(status: Option<String>) -> portfolio::Queue<portfolio::RenewalRow>;
    renewal_letter_pdf(id: String) -> ReportResult;
    renewal_action(id: String, action: String, rent: Option<String>) -> portfolio::RenewalRow;
    list_collections(all: bool) -> portfolio::Queue<portfolio::CaseRow>;
    collection_case(id: String) -> portfolio::CaseDetail;
    renewal_set_letter(id: String, text: String) -> portfolio::RenewalRow;
    case_next_step(case_id: String) -> collections::NextStep;
    case_preview_step(case_id: String) -> collections::StepPreview;
    case_send_step(case_id: String, override_schedule: bool) -> collections::CaseActed;
    case_check_payment(case_id: String, amount: String, paid_on: String) -> collections::PaymentCheck;
    case_record_payment(case_id: String, amount: String, paid_on: String) -> collections::CaseActed;
    case_offer_plan(case_id: String, installments: u32, installment_amount: Option<String>, start_date: String) -> collections::CaseActed;
    case_escalate(case_id: String) -> collections::CaseActed;
    case_add_note(case_id: String, text: String) -> collections::CaseActed;
    command_center(filter: Option<unitcycle_core::command_center::Filter>) -> command_center::CommandCenterView;
    cc_queue_action(queue_id: String, action: String) -> String;
    bulk_preview(action_type: String, unit_ids: Vec<String>, method: String, scheduled_on: Option<String>) -> command_center::BulkPreview;
    bulk_run(request_id: String, action_type: String, unit_ids: Vec<String>, method: String, scheduled_on: Option<String>) -> command_center::BulkDone;
    bulk_progress(request_id: String) -> Option<(usize, usize)>;
    save_document(sha256: String, name: String) -> ReportResult;
    import_preview(kind: String, csv: String, choices: Option<Vec<import::Choice>>) -> import::ImportPreview;
    import_apply(kind: String, csv: String, choices: Option<Vec<import::Choice>>) -> unitcycle_core::import::ImportReport;
    export_rent_roll() -> import::ExportResult;
    record_action(entity_id: Option<String>, action: serde_json::Value) -> records::Written;
    list_properties(include_archived: bool) -> Vec<unitcycle_core::model::Property>;
    property_records(property_id: String) -> records::PropertyRecords;
    lease_ledger(lease_id: String) -> records::LeaseLedger;
    find_tenant(email: String) -> Option<unitcycle_core::model::Tenant>;
    new_lease(unit_id: String, tenant_id: String, terms: serde_json::Value) -> unitcycle_core::store::LeaseListRow;
    lease_rows(search: Option<String>, status: Option<String>) -> Vec<leases::LeaseRow>;
    lease_page(lease_id: String) -> leases::LeasePage;
    lifecycle_preview(lease_id: String, request: leases::LifecycleRequest) -> leases::LifecyclePreview;
    lifecycle_action(lease_id: String, request: leases::LifecycleRequest) -> leases::LeasePage;
    settings() -> settings::Settings;
    set_server_url(url: String) -> settings::Settings;
    open_replica(path: String, create: bool) -> settings::ReplicaCheck;
    turnover_board() -> turnover::TurnoverBoard;
    turnover_case(id: String) -> turnover::TurnoverDetail;
    turnover_act(id: String, action: turnover::TurnoverRequest) -> turnover::TurnoverDetail;
    turnover_letter_preview(id: String) -> turnover::LetterPreview;
    turnover_letter_pdf(id: String) -> ReportResult;
    move_out_list() -> Vec<move_out::MoveOutRow>;
    move_out_leases(search: Option<String>) -> move_out::MoveOutLeases;
    move_out_create(lease_id: String, inspector_name: String) -> move_out::MoveOutPage;
    move_out_page(id: String) -> move_out::MoveOutPage;
    move_out_import_camera_files(id: String, room: String, files: Vec<CameraFile>) -> move_out::MoveOutImport;
    move_out_analyze(id: String) -> move_out::MoveOutAnalyzed;
    move_out_review(photo_id: String, classification: String, damage_items: Option<Vec<move_out::DamageItemInput>>) -> move_out::MoveOutPage;
    move_out_letter_preview(id: String) -> move_out::MoveOutLetter;
    move_out_letter_pdf(id: String) -> move_out::MoveOutLetterSaved;
    move_out_finalize(id: String) -> move_out::MoveOutFinalized;
    move_out_compare(move_in_id: String, move_out_id: String) -> unitcycle_core::inspections::move_out::comparison::Comparison;
    pricing_dashboard(property_id: Option<String>) -> pricing::PricingDashboard;
    pricing_history(unit_id: String) -> pricing::PricingHistory;
    pricing_run_engine(property_id: Option<String>) -> unitcycle_core::jobs::JobReport;
    pricing_report_pdf(property_id: String) -> ReportResult;
    maintenance_view(status: Option<String>, property_id: Option<String>) -> maintenance::MaintenanceView;
    maintenance_units(search: Option<String>, property_id: Option<String>) -> Vec<maintenance::UnitChoice>;
    maintenance_act(id: Option<String>, action: unitcycle_core::work_orders::MaintenanceAction) -> maintenance::MaintenanceActed;
    work_order_dispatch(work_order_id: String) -> unitcycle_core::vendor_intelligence::workflow::DispatchView;
    equipment_view() -> maintenance::EquipmentView;
    risk_view(property_id: Option<String>) -> maintenance::RiskView;
    vendors_view() -> vendors::VendorsView;
    vendors_detect_repeats() -> unitcycle_core::jobs::JobReport;
    vendor_scorecard(vendor_id: String) -> unitcycle_core::vendor_intelligence::workflow::ScorecardDetail;
    invoices_queue(status: Option<String>) -> Vec<unitcycle_core::invoice_processing::record::InvoiceAiExtraction>;
    invoice_upload_path(path: String) -> unitcycle_core::invoice_processing::record::InvoiceAiExtraction;
    invoice_upload_bytes(file_name: String, bytes: Vec<u8>) -> unitcycle_core::invoice_processing::record::InvoiceAiExtraction;
    invoice_review(invoice_id: String) -> invoices::InvoiceReview;
    invoice_approve(invoice_id: String, corrections: invoices::ApproveCorrections) -> unitcycle_core::invoice_processing::record::InvoiceAiExtraction;
    invoice_match(invoice_id: String, work_order_id: String) -> unitcycle_core::invoice_processing::record::InvoiceAiExtraction;
    abstractions_list(status: Option<String>) -> Vec<unitcycle_core::lease_abstraction::LeaseAbstraction>;
    abstraction_upload_path(path: String, lease_id: Option<Uuid>) -> unitcycle_core::lease_abstraction::LeaseAbstraction;
    abstraction_upload_bytes(file_name: String, bytes: Vec<u8>, lease_id: Option<Uuid>) -> unitcycle_core::lease_abstraction::LeaseAbstraction;
    abstraction_review(id: String) -> abstractions::AbstractionReview;
    abstraction_update_terms(id: String, terms: serde_json::Value) -> unitcycle_core::lease_abstraction::LeaseAbstraction;
    abstraction_diff(id: String, lease_id: Option<Uuid>) -> unitcycle_core::lease_abstraction::workflow::ApplyOutcome;
    abstraction_apply(id: String, lease_id: Option<Uuid>, fields: Vec<String>) -> unitcycle_core::lease_abstraction::workflow::ApplyOutcome;
    chat_conversations() -> Vec<unitcycle_core::portfolio_chat::record::ChatConversation>;
    chat_messages(conversation_id: String) -> Vec<chat::ChatTurn>;
    chat_ask(conversation_id: Option<String>, question: String) -> chat::ChatTurn;
    chat_confirm(conversation_id: String, message_id: String) -> unitcycle_core::portfolio_chat::action::ConfirmedAction;
    chat_digest() -> unitcycle_core::portfolio_chat::record::DailyDigest;
    screening_list() -> Vec<screening::ApplicationListItem>;
    screening_detail(id: String) -> screening::ApplicationDetail;
    screening_units() -> Vec<screening::UnitOption>;
    screening_submit(application: unitcycle_core::screening::NewApplication) -> screening::ApplicationDetail;
    screening_score(id: String) -> screening::ApplicationDetail;
    screening_approve(id: String, notes: String, conditional: bool) -> screening::ApplicationDetail;
    screening_deny(id: String, reason: String) -> screening::ApplicationDetail;
    builder_clauses(unit_id: String) -> lease_generation::ClauseLibrary;
    builder_assemble(request: lease_generation::BuilderRequest) -> lease_generation::BuilderPreview;
    builder_generate(request: lease_generation::BuilderRequest) -> unitcycle_core::lease_generation::workflow::LeaseDetail;
    builder_edit(id: String, request: lease_generation::BuilderRequest) -> unitcycle_core::lease_generation::workflow::LeaseDetail;
    builder_leases() -> Vec<lease_generation::BuilderLeaseRow>;
    builder_lease(id: String) -> unitcycle_core::lease_generation::workflow::LeaseDetail;
    builder_send_preview(id: String, signers: Vec<unitcycle_core::lease_generation::workflow::SignerInput>) -> Vec<lease_generation::SigningEmail>;
    builder_send(id: String, signers: Vec<unitcycle_core::lease_generation::workflow::SignerInput>) -> unitcycle_core::lease_generation::workflow::LeaseOutcome;
    builder_sign_in_person(signature_id: String, typed_name: String) -> unitcycle_core::lease_generation::workflow::SignOutcome;
    builder_void(id: String, reason: String) -> unitcycle_core::lease_generation::workflow::LeaseDetail;
    builder_renew(id: String, new_rent: Option<String>, rent_increase_pct: Option<String>, term_months: Option<u32>) -> unitcycle_core::lease_generation::workflow::LeaseDetail;
    kb_entries(property_id: String, category: Option<String>, search: Option<String>, include_retired: bool) -> onboarding::KnowledgeBase;
    kb_save(property_id: String, entry: unitcycle_core::onboarding::workflow::KnowledgeInput) -> unitcycle_core::onboarding::model::KnowledgeEntry;
    kb_ask(property_id: String, question: String) -> unitcycle_core::onboarding::workflow::ChatReply;
    staging_view() -> staging::StagingView;
    staging_project(project_id: String) -> staging::StagingPage;
    staging_create(unit_id: String, style: String) -> staging::StagingPage;
    staging_upload_bytes(project_id: String, room: String, bytes: Vec<u8>) -> staging::StagingPage;
    staging_upload_path(project_id: String, room: String, path: String) -> staging::StagingPage;
    staging_generate(project_id: String) -> staging::StagingPage;
    staging_progress(project_id: String) -> Option<(u32, u32)>;
    staging_publish(project_id: String) -> staging::StagingPage;
    listings_view() -> listings::ListingsView;
    listing_page(listing_id: String) -> listings::ListingPage;
    listing_save(listing_id: String, title: String, description: String, photos: Vec<unitcycle_core::listing_syndication::edit::PhotoEdit>) -> listings::ListingPage;
    listing_publish(listing_id: String, platforms: Vec<String>) -> listings::ListingPage;
    listing_delist(listing_id: String) -> listings::ListingPage;
    listing_units() -> Vec<unitcycle_core::staging::workflow::VacantUnit>;
    listing_create(unit_id: String) -> listings::ListingPage;
}

pub mod abstractions;
pub mod chat;
pub mod collections;
pub mod command_center;
pub mod import;
pub mod inspections;
pub mod invoices;
pub mod lease_generation;
pub mod leases;
pub mod listings;
pub mod maintenance;
pub mod move_out;
pub mod onboarding;
pub mod portfolio;
pub mod pricing;
pub mod records;
pub mod screening;
pub mod settings;
pub mod staging;
pub mod turnover;
pub mod vendors;

pub mod ops {
    use std::collections::HashMap;

    use chrono::Utc;

    pub use super::abstractions::{
        abstraction_apply, abstraction_diff, abstraction_review, abstraction_update_terms, abstraction_upload_bytes,
        abstraction_upload_path, abstractions_list,
    };
    pub use super::chat::{chat_ask, chat_confirm, chat_conversations, chat_digest, chat_messages};
    pub use super::collections::{
        case_add_note, case_check_payment, case_escalate, case_next_step, case_offer_plan, case_preview_step,
        case_record_payment, case_send_step,
    };
    pub use super::command_center::{bulk_preview, bulk_progress, bulk_run, cc_queue_action, command_center};
    pub use super::import::{export_rent_roll, import_apply, import_preview};
    pub use super::inspections::{inspectable_leases, inspection_view};
    pub use super::invoices::{
        invoice_approve, invoice_match, invoice_review, invoice_upload_bytes, invoice_upload_path, invoices_queue,
    };
    pub use super::lease_generation::{
        builder_assemble, builder_clauses, builder_edit, builder_generate, builder_lease, builder_leases,
        builder_renew, builder_send, builder_send_preview, builder_sign_in_person, builder_void,
    };
    pub use super::leases::{lease_page, lease_rows, lifecycle_action, lifecycle_preview};
    pub use super::listings::{
        listing_create, listing_delist, listing_page, listing_publish, listing_save, listing_units, listings_view,
    };
    pub use super::maintenance::{
        equipment_view, maintenance_act, maintenance_units, maintenance_view, risk_view, work_order_dispatch,
    };
    pub use super::move_out::{
        add_move_out_photo, move_out_analyze, move_out_compare, move_out_create, move_out_finalize,
        move_out_import_camera_files, move_out_leases, move_out_letter_pdf, move_out_letter_preview, move_out_list,
        move_out_page, move_out_review,
    };
    pub use super::onboarding::{kb_ask, kb_entries, kb_save};
    pub use super::portfolio::{
        collection_case, dashboard, list_collections, list_renewals, renewal_action, renewal_letter_pdf,
        renewal_set_letter, save_document,
    };
    pub use super::pricing::{pricing_dashboard, pricing_history, pricing_report_pdf, pricing_run_engine};
    pub use super::records::{find_tenant, lease_ledger, list_properties, new_lease, property_records, record_action};
    pub use super::screening::{
        screening_approve, screening_deny, screening_detail, screening_list, screening_score, screening_submit,
        screening_units,
    };
    pub use super::settings::{open_replica, set_server_url, settings};
    pub use super::staging::{
        staging_create, staging_generate, staging_progress, staging_project, staging_publish, staging_upload_bytes,
        staging_upload_path, staging_view,
    };
    pub use super::turnover::{
        turnover_act, turnover_board, turnover_case, turnover_letter_pdf, turnover_letter_preview,
    };
    pub use super::vendors::{vendor_scorecard, vendors_detect_repeats, vendors_view};
    use super::*;
    use unitcycle_core::demo::{self, DemoConfig};
    use unitcycle_core::inspections::{self as insp, camera};
    use unitcycle_core::pdf::{self, ReportInput};
    use unitcycle_core::store::{InspectionFilter, LeaseFilter, LeaseSort};

    pub(super) fn id(text: &str) -> CmdResult<Uuid> {
        Uuid::parse_str(text.trim()).map_err(|_| CommandError::invalid(format!("'{text}' is not an id")))
    }

    fn parse<T: std::str::FromStr<Err = String>>(text: &str) -> CmdResult<T> {
        text.parse().map_err(CommandError::invalid)
    }

    pub fn app_info(s: &AppState) -> CmdResult<AppInfo> {
        let store = s.store()?;
        let status = s.gateway.status();
        Ok(AppInfo {
            db_path: s.db_path.display().to_string(),
            schema_version: store.schema_version()?,
            leases: store.count_leases(&LeaseFilter::default())?,
            ai: AiInfo {
                provider: status.provider.as_str(),
                model: status.model,
                label: analysis_label(status.provider),
                note: status.note,
            },
            photos_queued: store.queued_move_in_photos()?,
        })
    }

    /// Fills an empty replica with the demo portfolio (refused when it already has leases) and
    /// runs the day's jobs offline, as `unitcycle demo` does, so every queue has work in it.
    pub fn create_demo(s: &AppState) -> CmdResult<AppInfo> {
        {
            let mut store = s.store()?;
            if store.count_leases(&LeaseFilter::default())? > 0 {
                return Err(CommandError::invalid("this replica already has data; the demo is only for an empty one"));
            }
            let now = Utc::now();
            // The demo's properties are in US time zones: its day is the westernmost one's, so no
            // property sees its records dated after its own today (from midnight UTC the UTC date
            // is a day ahead of every US property).
            let today = unitcycle_core::time::today_in("America/Los_Angeles", now).map_err(CommandError::invalid)?;
            let cfg = DemoConfig { units: 60, ..DemoConfig::new(today) };
            demo::generate(&mut store, &cfg)?;
            demo::run_demo_jobs(&mut store, cfg.today, now, |_| ())?;
        }
        app_info(s)
    }

    pub fn list_leases(s: &AppState, search: Option<String>) -> CmdResult<Vec<LeaseOption>> {
        let filter = LeaseFilter { search: search.filter(|q| !q.trim().is_empty()), ..LeaseFilter::default() };
        let rows = s.store()?.lease_rows(&filter, LeaseSort::default(), 0, Some(200))?;
        Ok(rows
            .into_iter()
            .map(|r| LeaseOption {
                id: r.lease.id,
                lease_number: r.lease.lease_number,
                tenant_name: r.tenant_name,
                unit_number: r.unit_number,
                property_name: r.property_name,
                lease_status: r.lease.lease_status.label().to_string(),
                lease_begin_date: r.lease.lease_begin_date.to_string(),
                monthly_rent: unitcycle_core::format::money(r.lease.monthly_rent_amount),
            })
            .collect())
    }

    pub fn list_inspections(s: &AppState) -> CmdResult<Vec<InspectionListRow>> {
        Ok(s.store()?.move_in_inspections(&InspectionFilter::default())?)
    }

    pub fn start_inspection(s: &AppState, lease_id: String, inspector_name: String) -> CmdResult<InspectionDetail> {
        let now = Utc::now();
        let mut store = s.store()?;
        let lease_id = id(&lease_id)?;
        // The inspection is dated on the property's local date.
        let today = unitcycle_core::time::today_at(&*store, store.lease(lease_id)?.property_id, now)?;
        Ok(store.create_move_in_inspection(lease_id, &inspector_name, today, now)?)
    }

    pub fn get_inspection(s: &AppState, id_text: String) -> CmdResult<InspectionDetail> {
        Ok(s.store()?.move_in_detail(id(&id_text)?)?)
    }

    pub fn add_photo(s: &AppState, room_id: String, file_name: String, bytes: &[u8]) -> CmdResult<PhotoAdded> {
        let (photo, quality) =
            s.store()?.add_move_in_photo(&s.blobs, id(&room_id)?, &file_name, bytes, None, Utc::now())?;
        s.prewarm(&photo);
        Ok(PhotoAdded { photo, quality })
    }

    pub fn delete_photo(s: &AppState, photo_id: String) -> CmdResult<InspectionDetail> {
        Ok(s.store()?.delete_move_in_photo(id(&photo_id)?, Utc::now())?)
    }

    pub fn rate_item(
        s: &AppState,
        item_id: String,
        rating: Option<String>,
        notes: Option<String>,
    ) -> CmdResult<MoveInItem> {
        let rating = match rating.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(r) => Some(parse::<ConditionRating>(r)?),
        };
        Ok(s.store()?.rate_move_in_item(id(&item_id)?, rating, notes.as_deref(), Utc::now())?)
    }

    pub fn add_issue(
        s: &AppState,
        item_id: String,
        severity: String,
        description: String,
        dimensions: String,
        location: String,
    ) -> CmdResult<MoveInItem> {
        let issue = insp::human_issue(parse::<IssueSeverity>(&severity)?, &description, &dimensions, &location)?;
        Ok(s.store()?.add_move_in_item_issue(id(&item_id)?, issue, Utc::now())?)
    }

    pub fn remove_issue(s: &AppState, item_id: String, index: usize) -> CmdResult<MoveInItem> {
        Ok(s.store()?.remove_move_in_item_issue(id(&item_id)?, index, Utc::now())?)
    }

    pub fn set_room_notes(s: &AppState, room_id: String, notes: String) -> CmdResult<MoveInRoom> {
        Ok(s.store()?.set_move_in_room_notes(id(&room_id)?, &notes, Utc::now())?)
    }

    pub fn completeness(s: &AppState, id_text: String) -> CmdResult<Completeness> {
        Ok(s.store()?.move_in_completeness(id(&id_text)?)?)
    }

    /// Condition analysis of the queued photos through the AI gateway: Claude when configured
    /// (photos stay queued while it cannot be reached), else the offline check, which measures
    /// and asks for every item to be rated by eye. Every AI call lands in `ai_run`.
    pub fn analyze(s: &AppState, id_text: String) -> CmdResult<AnalysisRun> {
        Ok(s.store()?.analyze_move_in_with_gateway(&s.blobs, id(&id_text)?, &s.gateway, Utc::now())?)
    }

    /// The photos a camera folder holds (JPEG and PNG, one level of subfolders, in camera order).
    pub fn scan_camera_folder(_s: &AppState, folder: String) -> CmdResult<CameraScan> {
        camera::scan_folder(std::path::Path::new(folder.trim())).map_err(|e| CommandError::invalid(e.to_string()))
    }

    /// Imports camera files into a room: each is quality-checked and added unless its content
    /// is already in the inspection; files that are not usable photos are refused with their
    /// reason and the rest still import. The front end sends a scan's files a few at a time
    /// to show progress.
    pub fn import_camera_files(s: &AppState, room_id: String, files: Vec<CameraFile>) -> CmdResult<CameraImport> {
        let import = s.store()?.import_move_in_camera_files(&s.blobs, id(&room_id)?, &files, Utc::now())?;
        import.imported.iter().for_each(|i| s.prewarm(&i.photo));
        Ok(import)
    }

    pub fn sign(
        s: &AppState,
        id_text: String,
        role: String,
        signer_name: String,
        png: &[u8],
    ) -> CmdResult<MoveInInspection> {
        let role = parse::<SignerRole>(&role)?;
        Ok(s.store()?.sign_move_in(&s.blobs, id(&id_text)?, role, &signer_name, png, Utc::now())?)
    }

    pub fn finalize(s: &AppState, id_text: String) -> CmdResult<MoveInInspection> {
        Ok(s.store()?.finalize_move_in(id(&id_text)?, Utc::now())?)
    }

    /// Builds the condition report, stores it as a blob, writes a copy under `reports/`
    /// beside the replica, and reads it back to confirm its pages.
    pub fn generate_report(s: &AppState, id_text: String) -> CmdResult<ReportResult> {
        let inspection_id = id(&id_text)?;
        let now = Utc::now();
        let mut store = s.store()?;
        let detail = store.move_in_detail(inspection_id)?;
        let i = &detail.inspection;
        let property = store.property(i.property_id)?;
        let unit = store.unit(i.unit_id)?;
        let lease = store.lease_row(i.lease_id)?;
        let mut photos = HashMap::new();
        for p in detail.rooms.iter().flat_map(|r| &r.photos) {
            if let Some(bytes) = p.blob_hash().and_then(|h| s.blobs.get(h).ok()) {
                photos.insert(p.id, bytes);
            }
        }
        let sig = |url: &str| insp::blob_hash(url).and_then(|h| s.blobs.get(h).ok());
        let (tenant_sig, manager_sig) = (sig(&i.tenant_signature_url), sig(&i.manager_signature_url));
        let bytes = pdf::condition_report(&ReportInput {
            detail: &detail,
            property: &property,
            unit: &unit,
            tenant_name: &lease.tenant_name,
            lease_number: &lease.lease.lease_number,
            photos: &photos,
            tenant_signature: tenant_sig.as_deref(),
            manager_signature: manager_sig.as_deref(),
            generated_at: now,
        })?;
        let name = super::inspections::report_name(&property.name, &unit.unit_number, &detail);
        let report = write_document(s, "reports", &name, &bytes)?;
        store.set_move_in_report(inspection_id, &report.sha256, now)?;
        Ok(report)
    }

    /// Keeps a generated PDF in the blob store, writes a copy as `<replica dir>/<dir>/<name>`
    /// (the name made safe for any file system), and reads it back to confirm its pages.
    pub(super) fn write_document(s: &AppState, dir: &str, name: &str, bytes: &[u8]) -> CmdResult<ReportResult> {
        let hash = s.blobs.put(bytes)?;
        let dir = s.db_path.parent().map(|p| p.join(dir)).unwrap_or_else(|| dir.into());
        let path = dir.join(safe_name(name));
        std::fs::create_dir_all(&dir)
            .and_then(|_| std::fs::write(&path, bytes))
            .map_err(|e| CommandError::new("storage", format!("cannot write {}: {e}", path.display())))?;
        let pages = pdf::page_texts(bytes)?
            .iter()
            .map(|t| t.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("").to_string())
            .collect();
        Ok(ReportResult { path: path.display().to_string(), sha256: hash, bytes: bytes.len(), pages })
    }

    /// `name` made safe for any file system.
    pub(super) fn safe_name(name: &str) -> String {
        name.replace(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'), "-")
    }

    /// The folders beside the replica that hold what the app generates; only files in them open.
    pub(super) const DOCUMENT_DIRS: [&str; 2] = ["letters", "reports"];

    /// `path` if it is a file inside one of `DOCUMENT_DIRS` (after resolving `..` and links), so
    /// the front end cannot make the app launch an arbitrary file or program.
    pub(super) fn generated_file(s: &AppState, path: &str) -> CmdResult<std::path::PathBuf> {
        let refused =
            || CommandError::new("invalid_input", format!("{path} is not a letter or report of this replica"));
        let file = std::fs::canonicalize(path).map_err(|_| refused())?;
        let base = s.db_path.parent().and_then(|p| std::fs::canonicalize(p).ok()).ok_or_else(refused)?;
        let inside = DOCUMENT_DIRS.iter().any(|d| file.parent() == Some(base.join(d).as_path()));
        if inside && file.is_file() {
            Ok(file)
        } else {
            Err(refused())
        }
    }

    /// Opens a generated letter or report with the system's viewer (nothing else).
    pub fn open_path(s: &AppState, path: String) -> CmdResult<()> {
        let file = generated_file(s, &path)?;
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else if cfg!(windows) {
            "explorer"
        } else {
            "xdg-open"
        };
        std::process::Command::new(opener)
            .arg(&file)
            .spawn()
            .map(|_| ())
            .map_err(|e| CommandError::new("storage", format!("cannot open {path}: {e}")))
    }
}

#[cfg(test)]
mod tests;
