//! Domain types for the tables the specification treats as already existing.
//!
//! Field names follow the spec (and the `db_table` columns) exactly. Money is `Decimal`,
//! ids are UUIDs, calendar dates are `NaiveDate` and instants are UTC.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Declares a closed string enum with its database/wire spelling and a display label.
/// One table per enum keeps `as_str`, `parse` and serde in agreement.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal, $label:literal;)+ }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, specta::Type)]
        $(#[$meta])*
        pub enum $name {
            $(#[serde(rename = $text)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The spelling stored in the database and sent on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            /// The human label shown on screens.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                Self::parse(text).ok_or_else(|| {
                    let allowed: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    format!("unknown {} '{}' (expected one of: {})", $crate::model::words(stringify!($name)), text, allowed.join(", "))
                })
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let text = value.as_str()?;
                Self::parse(text).ok_or_else(|| rusqlite::types::FromSqlError::Other(
                    format!("unknown {} '{}'", stringify!($name), text).into(),
                ))
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use string_enum;

/// `LeaseStatus` → `lease status`, for messages.
pub fn words(type_name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in type_name.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(ch.to_lowercase());
    }
    out
}

string_enum! {
    /// The lifecycle state of a lease (spec 1.1, `tenant_lease.lease_status`).
    LeaseStatus {
        Active => "active", "Active";
        MonthToMonth => "month_to_month", "Month-to-Month";
        Notice => "notice", "Notice Given";
        Vacant => "vacant", "Vacant";
    }
}

string_enum! {
    /// `units_unit.status`: the physical unit, not the tenancy.
    UnitStatus {
        Occupied => "occupied", "Occupied";
        Vacant => "vacant", "Vacant";
        Maintenance => "maintenance", "Maintenance";
    }
}

string_enum! {
    /// `tenant_ledger_entry.trans_type`.
    TransType {
        Charge => "Charge", "Charge";
        Payment => "Payment", "Payment";
    }
}

string_enum! {
    /// `units_maintenance.priority`.
    WorkOrderPriority {
        Low => "low", "Low";
        Medium => "medium", "Medium";
        High => "high", "High";
        Emergency => "emergency", "Emergency";
    }
}

string_enum! {
    /// `units_maintenance.status`.
    WorkOrderStatus {
        Open => "open", "Open";
        InProgress => "in_progress", "In Progress";
        Completed => "completed", "Completed";
        Cancelled => "cancelled", "Cancelled";
    }
}

string_enum! {
    /// `invoices.status`.
    InvoiceStatus {
        Pending => "pending", "Pending";
        Approved => "approved", "Approved";
        Paid => "paid", "Paid";
        Rejected => "rejected", "Rejected";
    }
}

/// `properties`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Property {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub city: String,
    pub state: String,
    pub zip_code: String,
    pub property_type: String,
    pub total_units: i64,
    pub year_built: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// IANA time zone (`America/Los_Angeles`): "today" for the property's leases is its local
    /// date (`crate::time`). 'UTC' when not given.
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    /// When the record was archived (kept for history, hidden from lists, refused for new
    /// leases); `None` while in use.
    #[serde(default)]
    pub archived_at: Option<DateTime<Utc>>,
}

fn default_time_zone() -> String {
    crate::time::DEFAULT_ZONE.to_string()
}

/// `buildings`: a property has one or more buildings, each with floors of units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Building {
    pub id: Uuid,
    pub property_id: Uuid,
    pub name: String,
    pub floors: i32,
    pub created_at: DateTime<Utc>,
    /// When the record was archived (kept for history, hidden from lists, refused for new
    /// leases); `None` while in use.
    #[serde(default)]
    pub archived_at: Option<DateTime<Utc>>,
}

/// `units_unit` (`UnitsUnit`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Unit {
    pub id: Uuid,
    pub property_id: Uuid,
    pub building_id: Option<Uuid>,
    pub unit_number: String,
    pub floor: i32,
    pub bedrooms: i32,
    pub bathrooms: Decimal,
    pub square_feet: i32,
    pub market_rent: Decimal,
    pub current_rent: Decimal,
    pub status: UnitStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the record was archived (kept for history, hidden from lists, refused for new
    /// leases); `None` while in use.
    #[serde(default)]
    pub archived_at: Option<DateTime<Utc>>,
}

/// `tenants` (`Tenants`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Tenant {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub date_of_birth: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    /// When the record was archived (kept for history, hidden from lists, refused for new
    /// leases); `None` while in use.
    #[serde(default)]
    pub archived_at: Option<DateTime<Utc>>,
    /// Where letters go once the tenant has moved out; empty when none was left.
    #[serde(default)]
    pub forwarding_address: String,
}

impl Tenant {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// `tenant_lease` (`TenantLease`) with every lifecycle field of spec 1.1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Lease {
    pub id: Uuid,
    pub lease_number: String,
    pub tenant_id: Uuid,
    pub unit_id: Uuid,
    pub property_id: Uuid,
    pub lease_begin_date: NaiveDate,
    pub lease_end_date: Option<NaiveDate>,
    pub monthly_rent_amount: Decimal,
    pub security_deposit: Decimal,
    /// Day of the month rent falls due (1–28).
    pub rent_due_day: u8,
    /// Late fee charged once a rent charge is unpaid past the grace period.
    pub late_fee_amount: Decimal,
    pub grace_period_days: i32,
    /// The pre-lifecycle record status of the existing model ('current', 'past').
    pub status: String,
    pub lease_status: LeaseStatus,
    pub lease_status_changed_at: Option<DateTime<Utc>>,
    pub lease_status_changed_by: String,
    pub holdover_start_date: Option<NaiveDate>,
    pub notice_date: Option<NaiveDate>,
    pub notice_move_out_date: Option<NaiveDate>,
    pub actual_move_out_date: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `lease_status_log`: one row per lifecycle transition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LeaseStatusLog {
    pub id: Uuid,
    pub lease_id: Uuid,
    pub previous_status: LeaseStatus,
    pub new_status: LeaseStatus,
    pub reason: String,
    pub changed_by: String,
    pub metadata: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// `tenant_ledger_entry` (`TenantLedgerEntry`): charges and payments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LedgerEntry {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub lease_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub property_id: Option<Uuid>,
    pub trans_type: TransType,
    /// 'rent', 'late_fee', 'utility', 'deposit', 'payment', …
    pub category: String,
    pub description: String,
    /// Always positive; `trans_type` says which way it goes.
    pub amount: Decimal,
    pub trans_date: NaiveDate,
    /// For charges: when it falls due. Payments have none.
    pub due_date: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

/// `vendors` (the spec's `invoices.Vendor` and `vendors.VendorsVendor` are this one table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Vendor {
    pub id: Uuid,
    pub name: String,
    pub trade: String,
    pub contact_name: String,
    pub email: String,
    pub phone: String,
    pub license_number: String,
    pub insurance_expiry: Option<NaiveDate>,
    pub hourly_rate: Decimal,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
}

/// `units_maintenance` (`UnitsMaintenance`): a work order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct WorkOrder {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub property_id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub title: String,
    pub description: String,
    pub category: String,
    pub priority: WorkOrderPriority,
    pub status: WorkOrderStatus,
    pub requested_date: NaiveDate,
    pub completed_date: Option<NaiveDate>,
    pub cost: Decimal,
    pub assigned_vendor_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    /// The day the vendor's visit is (or was) booked: response time is measured to it.
    #[serde(default)]
    pub scheduled_date: Option<NaiveDate>,
    /// The tenant's rating of the finished job, 1–5 (vendor scorecards' tenant satisfaction).
    #[serde(default)]
    pub tenant_rating: Option<i32>,
}

/// `invoices`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Invoice {
    pub id: Uuid,
    pub vendor_id: Option<Uuid>,
    pub property_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub work_order_id: Option<Uuid>,
    pub invoice_number: String,
    pub invoice_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub subtotal: Decimal,
    pub tax: Decimal,
    pub total_amount: Decimal,
    pub status: InvoiceStatus,
    pub confidence_score: Option<f64>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub line_items: Vec<InvoiceLineItem>,
}

/// `invoice_line_items`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct InvoiceLineItem {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub description: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub total: Decimal,
    pub gl_code: String,
}

/// `equipment` (predictive maintenance's `Equipment`; `property_ref` as in the spec).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Equipment {
    pub id: Uuid,
    pub property_ref_id: Uuid,
    pub unit_id: Option<Uuid>,
    pub name: String,
    pub equipment_type: String,
    pub manufacturer: String,
    pub model_number: String,
    pub install_date: NaiveDate,
    pub age_years: f64,
    pub expected_lifespan_years: f64,
    pub warranty_expiry: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

impl Equipment {
    /// Share of the expected lifespan already used, 0.0 = new, 1.0 = due for replacement.
    pub fn lifespan_used(&self) -> f64 {
        if self.expected_lifespan_years > 0.0 {
            self.age_years / self.expected_lifespan_years
        } else {
            0.0
        }
    }
}

/// `job_run`: a record of one run of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct JobRun {
    pub id: Uuid,
    pub job_name: String,
    pub run_date: NaiveDate,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub outcome: String,
    pub summary: String,
    pub counts: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_their_database_spelling() {
        for status in LeaseStatus::ALL {
            assert_eq!(LeaseStatus::parse(status.as_str()), Some(*status));
        }
        assert_eq!(LeaseStatus::MonthToMonth.as_str(), "month_to_month");
        assert_eq!(LeaseStatus::Notice.label(), "Notice Given");
        assert_eq!(TransType::Charge.as_str(), "Charge");
        assert_eq!(serde_json::to_string(&LeaseStatus::MonthToMonth).unwrap(), "\"month_to_month\"");
    }

    #[test]
    fn unknown_enum_text_names_the_choices() {
        let err = "expired".parse::<LeaseStatus>().unwrap_err();
        assert!(err.contains("active, month_to_month, notice, vacant"), "{err}");
    }
}
