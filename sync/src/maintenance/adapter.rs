//! `MaintenancePort` over PostgreSQL. Rows are read and written through their canonical JSON
//! (`pgdomain::rows`, `pg::upsert_rows`), so the column list is the sync registry's, once.

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use tokio_postgres::types::ToSql;
use tokio_postgres::Transaction;
use unitcycle_core::invoice_processing::record::{InvoiceAiExtraction, InvoiceVendorTemplate};
use unitcycle_core::model::{Building, Equipment, Invoice, InvoiceLineItem, Unit, Vendor, WorkOrder};
use unitcycle_core::predictive_maintenance::{PreventiveWoSuggestion, UnitRiskScore};
use unitcycle_core::store::StoreError;
use unitcycle_core::vendor_intelligence::{
    PriceBenchmark, RepeatVisitAlert, VendorContract, VendorDispatchRecommendation, VendorScorecard, WarrantyRecord,
};
use unitcycle_core::work_orders::port::{MaintenancePort, MaintenanceWrites};
use uuid::Uuid;

use crate::adapter::{store_error, PgPort, RowWrite, StoreResult};
use crate::pg;
use crate::pgdomain;

impl RowWrite for MaintenanceWrites {
    async fn apply(&self, tx: &Transaction<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        let applied = async {
            for (table, rows) in self.tables().map_err(|e| pg::PgError::Setup(e.to_string()))? {
                if rows.is_empty() {
                    continue;
                }
                let t = pg::synced(table)?;
                let ids = pg::upsert_rows(tx, t, &rows).await?;
                pg::bump(tx, t, &ids).await?;
            }
            for m in &self.messages {
                pgdomain::enqueue(tx, m, now).await?;
            }
            Ok::<_, pg::PgError>(())
        };
        applied.await.map_err(store_error)
    }
}

/// A unit's property is in scope (for tables keyed by unit).
const UNIT_IN_SCOPE: &str = "(SELECT u.property_id FROM units_unit u WHERE u.id = r.unit_id) = ANY($1)";

impl PgPort {
    fn select<T: DeserializeOwned>(
        &self,
        table: &str,
        where_sql: &str,
        args: &[&(dyn ToSql + Sync)],
    ) -> StoreResult<Vec<T>> {
        self.block(pgdomain::rows(self.client(), table, where_sql, args))
    }

    fn one<T: DeserializeOwned>(&self, table: &str, id: Uuid, what: &'static str) -> StoreResult<T> {
        self.select::<T>(table, "r.id = $1 AND r.property_id = ANY($2)", &[&id, &self.scope])?
            .pop()
            .ok_or_else(|| StoreError::NotFound { what, id: id.to_string() })
    }
}

impl MaintenancePort for PgPort {
    fn maintenance_units(&self) -> StoreResult<Vec<Unit>> {
        self.select(
            "units_unit",
            "r.archived_at IS NULL AND r.property_id = ANY($1) ORDER BY r.property_id, r.unit_number",
            &[&self.scope],
        )
    }

    fn maintenance_buildings(&self) -> StoreResult<Vec<Building>> {
        self.select("buildings", "r.property_id = ANY($1) ORDER BY r.name", &[&self.scope])
    }

    fn work_orders_since(&self, since: NaiveDate) -> StoreResult<Vec<WorkOrder>> {
        self.select(
            "units_maintenance",
            "r.requested_date >= $1 AND r.property_id = ANY($2) ORDER BY r.requested_date, r.id",
            &[&since, &self.scope],
        )
    }

    fn open_work_orders(&self) -> StoreResult<Vec<WorkOrder>> {
        self.select(
            "units_maintenance",
            "r.status IN ('open', 'in_progress') AND r.property_id = ANY($1) ORDER BY r.requested_date, r.id",
            &[&self.scope],
        )
    }

    fn work_order(&self, id: Uuid) -> StoreResult<WorkOrder> {
        self.one("units_maintenance", id, "Work order")
    }

    fn equipment_list(&self) -> StoreResult<Vec<Equipment>> {
        self.select("equipment", "r.property_ref_id = ANY($1) ORDER BY r.property_ref_id, r.name", &[&self.scope])
    }

    fn vendor_list(&self) -> StoreResult<Vec<Vendor>> {
        self.select("vendors", "TRUE ORDER BY r.name", &[])
    }

    fn invoices_since(&self, since: NaiveDate) -> StoreResult<Vec<Invoice>> {
        self.select(
            "invoices",
            "r.invoice_date >= $1 AND r.property_id = ANY($2) ORDER BY r.invoice_date, r.id",
            &[&since, &self.scope],
        )
    }

    fn invoice(&self, id: Uuid) -> StoreResult<Invoice> {
        // An uploaded invoice has no property until it is matched to a work order.
        let mut inv: Invoice = self
            .select::<Invoice>(
                "invoices",
                "r.id = $1 AND (r.property_id IS NULL OR r.property_id = ANY($2))",
                &[&id, &self.scope],
            )?
            .pop()
            .ok_or_else(|| StoreError::NotFound { what: "Invoice", id: id.to_string() })?;
        inv.line_items =
            self.select::<InvoiceLineItem>("invoice_line_items", "r.invoice_id = $1 ORDER BY r.id", &[&id])?;
        Ok(inv)
    }

    fn latest_risk_scores(&self) -> StoreResult<Vec<UnitRiskScore>> {
        self.select(
            "unit_risk_score",
            "r.property_id = ANY($1) AND r.score_date =
             (SELECT MAX(x.score_date) FROM unit_risk_score x WHERE x.unit_id = r.unit_id) ORDER BY r.unit_id",
            &[&self.scope],
        )
    }

    fn suggestions(&self) -> StoreResult<Vec<PreventiveWoSuggestion>> {
        self.select(
            "preventive_wo_suggestion",
            "r.property_id = ANY($1) ORDER BY r.suggested_date, r.id",
            &[&self.scope],
        )
    }

    fn scorecards(&self) -> StoreResult<Vec<VendorScorecard>> {
        self.select("vendor_scorecard", "TRUE ORDER BY r.period_start, r.vendor_id", &[])
    }

    fn dispatches(&self, work_order_id: Uuid) -> StoreResult<Vec<VendorDispatchRecommendation>> {
        self.select("vendor_dispatch_recommendation", "r.work_order_id = $1 ORDER BY r.rank", &[&work_order_id])
    }

    fn warranties(&self) -> StoreResult<Vec<WarrantyRecord>> {
        self.select("warranty_record", &format!("{UNIT_IN_SCOPE} ORDER BY r.warranty_end_date, r.id"), &[&self.scope])
    }

    fn contracts(&self) -> StoreResult<Vec<VendorContract>> {
        self.select("vendor_contract", "TRUE ORDER BY r.end_date, r.id", &[])
    }

    fn repeat_alerts(&self) -> StoreResult<Vec<RepeatVisitAlert>> {
        self.select(
            "repeat_visit_alert",
            &format!("{UNIT_IN_SCOPE} ORDER BY r.repeat_visit_date DESC, r.id"),
            &[&self.scope],
        )
    }

    fn benchmarks(&self) -> StoreResult<Vec<PriceBenchmark>> {
        self.select("price_benchmark", "TRUE ORDER BY r.work_category", &[])
    }

    fn vendor_invoices(&self, vendor_id: Uuid) -> StoreResult<Vec<Invoice>> {
        self.select(
            "invoices",
            "r.vendor_id = $1 AND (r.property_id IS NULL OR r.property_id = ANY($2)) ORDER BY r.invoice_date DESC, r.id",
            &[&vendor_id, &self.scope],
        )
    }

    fn invoice_extractions(&self) -> StoreResult<Vec<InvoiceAiExtraction>> {
        self.select(
            "invoice_ai_extraction",
            "(r.property_id IS NULL OR r.property_id = ANY($1)) ORDER BY r.created_at DESC, r.id",
            &[&self.scope],
        )
    }

    fn invoice_extraction(&self, invoice_id: Uuid) -> StoreResult<Option<InvoiceAiExtraction>> {
        Ok(self
            .select(
                "invoice_ai_extraction",
                "r.invoice_id = $1 AND (r.property_id IS NULL OR r.property_id = ANY($2))",
                &[&invoice_id, &self.scope],
            )?
            .pop())
    }

    fn invoice_templates(&self) -> StoreResult<Vec<InvoiceVendorTemplate>> {
        self.select("invoice_vendor_template", "TRUE ORDER BY r.vendor_key", &[])
    }

    fn write_maintenance(&mut self, w: &MaintenanceWrites, now: DateTime<Utc>) -> StoreResult<()> {
        if w.is_empty() {
            return Ok(());
        }
        self.write_all(std::slice::from_ref(w), now)
    }
}
