//! Work orders, predictive maintenance (2.3) and vendor intelligence (5.4) on the replica: the
//! replica's side of [`MaintenancePort`]. Feature rows go through their one column list
//! (`work_orders::port::columns`).

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::entities::{
    building_from_row, collect, equipment_from_row, invoice_from_row, unit_from_row, vendor_from_row,
    work_order_from_row, BUILDING_COLS, EQUIPMENT_COLS, INVOICE_COLS, UNIT_COLS, VENDOR_COLS, WORK_ORDER_COLS,
};
use super::json_rows;
use super::{Queueing, Result, Store, StoreError};
use crate::invoice_processing::record::{InvoiceAiExtraction, InvoiceVendorTemplate};
use crate::model::{Building, Equipment, Invoice, Unit, Vendor, WorkOrder};
use crate::predictive_maintenance::{PreventiveWoSuggestion, UnitRiskScore};
use crate::vendor_intelligence::{
    PriceBenchmark, RepeatVisitAlert, VendorContract, VendorDispatchRecommendation, VendorScorecard, WarrantyRecord,
};
use crate::work_orders::port::{columns, MaintenancePort, MaintenanceWrites};

fn rows<T: serde::de::DeserializeOwned>(
    store: &Store,
    table: &str,
    tail: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<T>> {
    let cols = columns(table).ok_or_else(|| StoreError::Corrupt(format!("no column list for {table}")))?;
    json_rows::select(store.conn(), table, cols, tail, params)
}

fn write(tx: &rusqlite::Transaction<'_>, w: &MaintenanceWrites, now: DateTime<Utc>) -> Result<()> {
    for (table, values) in w.tables().map_err(|e| StoreError::Corrupt(e.to_string()))? {
        if values.is_empty() {
            continue;
        }
        let cols = columns(table).ok_or_else(|| StoreError::Corrupt(format!("no column list for {table}")))?;
        json_rows::upsert(tx, table, cols, &values)?;
    }
    for m in &w.messages {
        crate::outbox::enqueue(tx, m, now)?;
    }
    Ok(())
}

impl MaintenancePort for Store {
    fn maintenance_units(&self) -> Result<Vec<Unit>> {
        collect(
            self,
            &format!("SELECT {UNIT_COLS} FROM units_unit WHERE archived_at IS NULL ORDER BY property_id, unit_number"),
            [],
            unit_from_row,
        )
    }

    fn maintenance_buildings(&self) -> Result<Vec<Building>> {
        collect(self, &format!("SELECT {BUILDING_COLS} FROM buildings ORDER BY name"), [], building_from_row)
    }

    fn work_orders_since(&self, since: NaiveDate) -> Result<Vec<WorkOrder>> {
        collect(
            self,
            &format!("SELECT {WORK_ORDER_COLS} FROM units_maintenance WHERE requested_date >= ?1 ORDER BY requested_date, id"),
            [since],
            work_order_from_row,
        )
    }

    fn open_work_orders(&self) -> Result<Vec<WorkOrder>> {
        collect(
            self,
            &format!(
                "SELECT {WORK_ORDER_COLS} FROM units_maintenance WHERE status IN ('open', 'in_progress')
                 ORDER BY requested_date, id"
            ),
            [],
            work_order_from_row,
        )
    }

    fn work_order(&self, id: Uuid) -> Result<WorkOrder> {
        collect(
            self,
            &format!("SELECT {WORK_ORDER_COLS} FROM units_maintenance WHERE id = ?1"),
            [id.to_string()],
            work_order_from_row,
        )?
        .pop()
        .ok_or_else(|| StoreError::NotFound { what: "Work order", id: id.to_string() })
    }

    fn equipment_list(&self) -> Result<Vec<Equipment>> {
        collect(
            self,
            &format!("SELECT {EQUIPMENT_COLS} FROM equipment ORDER BY property_ref_id, name"),
            [],
            equipment_from_row,
        )
    }

    fn vendor_list(&self) -> Result<Vec<Vendor>> {
        collect(self, &format!("SELECT {VENDOR_COLS} FROM vendors ORDER BY name"), [], vendor_from_row)
    }

    fn invoices_since(&self, since: NaiveDate) -> Result<Vec<Invoice>> {
        collect(
            self,
            &format!("SELECT {INVOICE_COLS} FROM invoices WHERE invoice_date >= ?1 ORDER BY invoice_date, id"),
            [since],
            invoice_from_row,
        )
    }

    fn invoice(&self, id: Uuid) -> Result<Invoice> {
        let mut inv = collect(
            self,
            &format!("SELECT {INVOICE_COLS} FROM invoices WHERE id = ?1"),
            [id.to_string()],
            invoice_from_row,
        )?
        .pop()
        .ok_or_else(|| StoreError::NotFound { what: "Invoice", id: id.to_string() })?;
        inv.line_items = rows(self, "invoice_line_items", "WHERE r.invoice_id = ?1 ORDER BY r.id", [id.to_string()])?;
        Ok(inv)
    }

    fn latest_risk_scores(&self) -> Result<Vec<UnitRiskScore>> {
        rows(
            self,
            "unit_risk_score",
            "WHERE r.score_date = (SELECT MAX(x.score_date) FROM unit_risk_score x WHERE x.unit_id = r.unit_id)
             ORDER BY r.unit_id",
            [],
        )
    }

    fn suggestions(&self) -> Result<Vec<PreventiveWoSuggestion>> {
        rows(self, "preventive_wo_suggestion", "ORDER BY r.suggested_date, r.id", [])
    }

    fn scorecards(&self) -> Result<Vec<VendorScorecard>> {
        rows(self, "vendor_scorecard", "ORDER BY r.period_start, r.vendor_id", [])
    }

    fn dispatches(&self, work_order_id: Uuid) -> Result<Vec<VendorDispatchRecommendation>> {
        rows(
            self,
            "vendor_dispatch_recommendation",
            "WHERE r.work_order_id = ?1 ORDER BY r.rank",
            [work_order_id.to_string()],
        )
    }

    fn warranties(&self) -> Result<Vec<WarrantyRecord>> {
        rows(self, "warranty_record", "ORDER BY r.warranty_end_date, r.id", [])
    }

    fn contracts(&self) -> Result<Vec<VendorContract>> {
        rows(self, "vendor_contract", "ORDER BY r.end_date, r.id", [])
    }

    fn repeat_alerts(&self) -> Result<Vec<RepeatVisitAlert>> {
        rows(self, "repeat_visit_alert", "ORDER BY r.repeat_visit_date DESC, r.id", [])
    }

    fn benchmarks(&self) -> Result<Vec<PriceBenchmark>> {
        rows(self, "price_benchmark", "ORDER BY r.work_category", [])
    }

    fn vendor_invoices(&self, vendor_id: Uuid) -> Result<Vec<Invoice>> {
        collect(
            self,
            &format!("SELECT {INVOICE_COLS} FROM invoices WHERE vendor_id = ?1 ORDER BY invoice_date DESC, id"),
            [vendor_id.to_string()],
            invoice_from_row,
        )
    }

    fn invoice_extractions(&self) -> Result<Vec<InvoiceAiExtraction>> {
        rows(self, "invoice_ai_extraction", "ORDER BY r.created_at DESC, r.id", [])
    }

    fn invoice_extraction(&self, invoice_id: Uuid) -> Result<Option<InvoiceAiExtraction>> {
        Ok(rows(self, "invoice_ai_extraction", "WHERE r.invoice_id = ?1", [invoice_id.to_string()])?.pop())
    }

    fn invoice_templates(&self) -> Result<Vec<InvoiceVendorTemplate>> {
        rows(self, "invoice_vendor_template", "ORDER BY r.vendor_key", [])
    }

    fn write_maintenance(&mut self, w: &MaintenanceWrites, now: DateTime<Utc>) -> Result<()> {
        if w.is_empty() {
            return Ok(());
        }
        self.transaction(|tx| write(tx, w, now))
    }
}

impl MaintenancePort for Queueing<'_> {
    fn maintenance_units(&self) -> Result<Vec<Unit>> {
        self.store.maintenance_units()
    }
    fn maintenance_buildings(&self) -> Result<Vec<Building>> {
        self.store.maintenance_buildings()
    }
    fn work_orders_since(&self, since: NaiveDate) -> Result<Vec<WorkOrder>> {
        self.store.work_orders_since(since)
    }
    fn open_work_orders(&self) -> Result<Vec<WorkOrder>> {
        self.store.open_work_orders()
    }
    fn work_order(&self, id: Uuid) -> Result<WorkOrder> {
        MaintenancePort::work_order(self.store, id)
    }
    fn equipment_list(&self) -> Result<Vec<Equipment>> {
        self.store.equipment_list()
    }
    fn vendor_list(&self) -> Result<Vec<Vendor>> {
        self.store.vendor_list()
    }
    fn invoices_since(&self, since: NaiveDate) -> Result<Vec<Invoice>> {
        self.store.invoices_since(since)
    }
    fn invoice(&self, id: Uuid) -> Result<Invoice> {
        MaintenancePort::invoice(self.store, id)
    }
    fn latest_risk_scores(&self) -> Result<Vec<UnitRiskScore>> {
        self.store.latest_risk_scores()
    }
    fn suggestions(&self) -> Result<Vec<PreventiveWoSuggestion>> {
        self.store.suggestions()
    }
    fn scorecards(&self) -> Result<Vec<VendorScorecard>> {
        self.store.scorecards()
    }
    fn dispatches(&self, work_order_id: Uuid) -> Result<Vec<VendorDispatchRecommendation>> {
        self.store.dispatches(work_order_id)
    }
    fn warranties(&self) -> Result<Vec<WarrantyRecord>> {
        self.store.warranties()
    }
    fn contracts(&self) -> Result<Vec<VendorContract>> {
        self.store.contracts()
    }
    fn repeat_alerts(&self) -> Result<Vec<RepeatVisitAlert>> {
        self.store.repeat_alerts()
    }
    fn benchmarks(&self) -> Result<Vec<PriceBenchmark>> {
        self.store.benchmarks()
    }
    fn vendor_invoices(&self, vendor_id: Uuid) -> Result<Vec<Invoice>> {
        self.store.vendor_invoices(vendor_id)
    }
    fn invoice_extractions(&self) -> Result<Vec<InvoiceAiExtraction>> {
        self.store.invoice_extractions()
    }
    fn invoice_extraction(&self, invoice_id: Uuid) -> Result<Option<InvoiceAiExtraction>> {
        self.store.invoice_extraction(invoice_id)
    }
    fn invoice_templates(&self) -> Result<Vec<InvoiceVendorTemplate>> {
        self.store.invoice_templates()
    }
    fn write_maintenance(&mut self, w: &MaintenanceWrites, now: DateTime<Utc>) -> Result<()> {
        let Some(action) = self.action.clone() else { return self.store.write_maintenance(w, now) };
        self.store.transaction(|tx| {
            write(tx, w, now)?;
            crate::sync_actions::queue(tx, &action, now)
        })
    }
}
