//! Broadcasts (spec 5.3's `broadcast_message`): one message to the tenants a filter picks, on
//! email, SMS and in-app. A broadcast is created as a draft ([`NewBroadcast::checked`] refuses bad
//! input with a message), previewed (how many tenants, and exactly what each is sent), then sent:
//! the recipients are fixed when it is first sent (one `broadcast_recipient` row per tenant and
//! channel), each message queued through the outbox in the transaction that marks its row sent,
//! so a retried send queues nothing twice and only retries the rows not sent yet. A tenant with no
//! address for a channel, or whose record has no value for a variable the text uses, is recorded
//! `skipped` with the reason; a malformed address `failed`. An in-app message is delivered by its
//! row itself (the resident portal reads it), so it queues no outbox message.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::port::{phone_key, CommunicationsPort, HubWrite};
use super::templates::{render, variables_in, RecordValues};
use crate::format::check_text;
use crate::model::{Lease, LeaseStatus, Tenant};
use crate::outbox::{DeliveryChannel, NewMessage};
use crate::port::in_scope;
use crate::records::port::Holder;
use crate::store::{Result, StoreError};

/// `broadcast_message.channels` items.
pub const CHANNELS: &[&str] = &["email", "sms", "in_app"];
/// `broadcast_message.status`.
pub const STATUSES: &[&str] = &["draft", "sending", "sent"];
/// `broadcast_recipient.status`.
pub const DELIVERY_STATUSES: &[&str] = &["queued", "sent", "failed", "skipped"];
/// The keys a recipient filter may have.
pub const FILTER_KEYS: &[&str] =
    &["property_id", "building", "unit_range", "lease_status", "min_balance", "has_balance"];
/// The lease states a filter may pick (a vacant lease has no one to write to).
pub const LEASE_STATES: &[&str] = &["active", "month_to_month", "notice"];
/// The longest title (`max_length=200`).
pub const MAX_TITLE: usize = 200;
/// The longest text a broadcast may send.
pub const MAX_CONTENT: usize = 5000;

/// The queued action's entity (`sync_action.entity`).
pub const ENTITY: &str = "broadcast_message";

/// One `broadcast_message` row. `property_id` is the filter's property (`None`: every property
/// of whoever sends it); it is the property the row syncs by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct BroadcastMessage {
    pub id: Uuid,
    pub property_id: Option<Uuid>,
    pub title: String,
    pub content: String,
    pub channels: Vec<String>,
    /// `{property_id, building, unit_range, lease_status, min_balance, has_balance}`, each optional.
    #[schema(value_type = Object)]
    #[specta(type = std::collections::BTreeMap<String, String>)]
    pub recipient_filter: Value,
    pub recipient_count: i32,
    pub sent_count: i32,
    pub read_count: i32,
    /// `draft`, `sending` or `sent`.
    pub status: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One `broadcast_recipient` row: a broadcast to one tenant on one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct BroadcastRecipient {
    pub id: Uuid,
    pub broadcast_id: Uuid,
    pub tenant_id: Uuid,
    pub property_id: Uuid,
    pub unit_id: Option<Uuid>,
    pub channel: String,
    pub address: String,
    /// `queued`, `sent`, `failed` or `skipped`.
    pub status: String,
    /// The text this tenant is sent (empty when it could not be filled in).
    pub content: String,
    /// The outbox message's idempotency key (empty for in-app and for rows not sent).
    pub outbox_message_key: String,
    /// Why the row was skipped or failed.
    pub error: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Who a broadcast goes to; every key optional, all given ones must match.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RecipientFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_id: Option<Uuid>,
    /// The building's name (any case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building: Option<String>,
    /// `"100-199"`: units whose number (its last run of digits, so `B-205` is 205) is in the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_range: Option<String>,
    /// `active`, `month_to_month` or `notice`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_status: Option<String>,
    /// Tenants owing at least this much.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::format::wire::opt_money")]
    #[schema(value_type = Option<String>)]
    #[specta(type = Option<String>)]
    pub min_balance: Option<Decimal>,
    /// `true`: tenants owing anything; `false`: tenants owing nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_balance: Option<bool>,
}

fn digits_of(unit_number: &str) -> Option<u64> {
    let chars: Vec<char> = unit_number.chars().collect();
    let end = chars.iter().rposition(char::is_ascii_digit)? + 1;
    let start = chars[..end].iter().rposition(|c| !c.is_ascii_digit()).map_or(0, |i| i + 1);
    chars[start..end].iter().collect::<String>().parse().ok()
}

fn parse_range(text: &str) -> std::result::Result<(u64, u64), String> {
    let bad = || format!("recipient_filter.unit_range: '{text}' is not a range of unit numbers like \"100-199\".");
    let (lo, hi) = text.split_once('-').ok_or_else(bad)?;
    let (lo, hi): (u64, u64) = (lo.trim().parse().map_err(|_| bad())?, hi.trim().parse().map_err(|_| bad())?);
    if lo > hi {
        return Err(format!("recipient_filter.unit_range: {lo} is above {hi}."));
    }
    Ok((lo, hi))
}

impl RecipientFilter {
    /// Reads a filter as a person or a client gives it, refusing an unknown key or a bad value.
    pub fn parse(v: &Value) -> std::result::Result<RecipientFilter, String> {
        let empty = Map::new();
        let obj = match v {
            Value::Null => &empty,
            Value::Object(o) => o,
            _ => return Err("recipient_filter must be an object (e.g. {\"property_id\": \"…\"}).".into()),
        };
        if let Some(k) = obj.keys().find(|k| !FILTER_KEYS.contains(&k.as_str())) {
            return Err(format!("recipient_filter: '{k}' is not a filter (known: {}).", FILTER_KEYS.join(", ")));
        }
        let text = |k: &str| -> std::result::Result<Option<String>, String> {
            match obj.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
                Some(Value::String(s)) => check_text(&format!("recipient_filter.{k}"), s, 100, false).map(Some),
                Some(_) => Err(format!("recipient_filter.{k} must be text.")),
            }
        };
        let property_id = text("property_id")?
            .map(|s| {
                Uuid::parse_str(&s).map_err(|_| format!("recipient_filter.property_id: '{s}' is not a property id."))
            })
            .transpose()?;
        let unit_range = text("unit_range")?;
        if let Some(r) = &unit_range {
            parse_range(r)?;
        }
        let lease_status = text("lease_status")?.map(|s| s.to_lowercase());
        if let Some(s) = &lease_status {
            if !LEASE_STATES.contains(&s.as_str()) {
                return Err(format!(
                    "recipient_filter.lease_status: '{s}' is not one of: {}.",
                    LEASE_STATES.join(", ")
                ));
            }
        }
        let min_balance = match obj.get("min_balance") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => Some(crate::format::parse_money(s)),
            Some(Value::Number(n)) => Some(crate::format::parse_money(&n.to_string())),
            Some(_) => Some(Err("must be an amount".to_string())),
        }
        .transpose()
        .map_err(|e| format!("recipient_filter.min_balance: {e}"))?;
        if min_balance.is_some_and(|m| m < Decimal::ZERO) {
            return Err("recipient_filter.min_balance: an amount owed is not negative.".into());
        }
        let has_balance = match obj.get("has_balance") {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => return Err("recipient_filter.has_balance must be true or false.".into()),
        };
        Ok(RecipientFilter {
            property_id,
            building: text("building")?,
            unit_range,
            lease_status,
            min_balance,
            has_balance,
        })
    }

    /// The filter as stored (`broadcast_message.recipient_filter`).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or_else(|_| Value::Object(Map::new()))
    }

    /// Whether matching needs each tenant's balance.
    pub fn needs_balance(&self) -> bool {
        self.min_balance.is_some() || self.has_balance.is_some()
    }

    /// In words, for a confirm: "property …, building A, units 100-199".
    pub fn describe(&self, property_name: Option<&str>) -> String {
        let mut parts = Vec::new();
        match (self.property_id, property_name) {
            (Some(_), Some(name)) => parts.push(name.to_string()),
            (Some(id), None) => parts.push(format!("property {id}")),
            (None, _) => parts.push("every property".into()),
        }
        if let Some(b) = &self.building {
            parts.push(format!("building {b}"));
        }
        if let Some(r) = &self.unit_range {
            parts.push(format!("units {r}"));
        }
        if let Some(s) = &self.lease_status {
            parts.push(format!("{} leases", s.replace('_', "-")));
        }
        if let Some(m) = self.min_balance {
            parts.push(format!("owing at least {}", crate::format::money(m)));
        }
        match self.has_balance {
            Some(true) => parts.push("owing a balance".into()),
            Some(false) => parts.push("owing nothing".into()),
            None => {}
        }
        parts.join(", ")
    }
}

/// What a person or a client asks to broadcast (the spec's body).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct BroadcastInput {
    pub title: String,
    pub content: String,
    #[serde(default)]
    pub channels: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Object)]
    #[specta(type = std::collections::BTreeMap<String, String>)]
    pub recipient_filter: Value,
}

/// A broadcast checked at the boundary: everything the API, the TUI and a pushed action refuse alike.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBroadcast {
    pub title: String,
    pub content: String,
    pub channels: Vec<String>,
    pub filter: RecipientFilter,
}

impl NewBroadcast {
    pub fn checked(input: &BroadcastInput) -> std::result::Result<NewBroadcast, String> {
        let title = check_text("title", &input.title, MAX_TITLE, true)?;
        let content = check_text("content", &input.content, MAX_CONTENT, true)?;
        variables_in(&content).map_err(|e| format!("content: {e}"))?;
        let mut channels: Vec<String> = Vec::new();
        for c in &input.channels {
            let c = c.trim().to_lowercase();
            if !CHANNELS.contains(&c.as_str()) {
                return Err(format!("channels: '{c}' is not one of: {}.", CHANNELS.join(", ")));
            }
            if !channels.contains(&c) {
                channels.push(c);
            }
        }
        if channels.is_empty() {
            return Err(format!("channels: pick at least one of: {}.", CHANNELS.join(", ")));
        }
        // The order of CHANNELS, whatever order they were given in.
        channels.sort_by_key(|c| CHANNELS.iter().position(|x| x == c));
        Ok(NewBroadcast { title, content, channels, filter: RecipientFilter::parse(&input.recipient_filter)? })
    }
}

/// A tenant with a live lease a broadcast may go to, with what their record says.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub tenant: Tenant,
    pub lease: Lease,
    pub unit_number: String,
    pub building: Option<String>,
    pub property_name: String,
    /// The record's values (the balance only when the filter or the text needs it).
    pub values: RecordValues,
}

/// The candidates `filter` picks, each tenant once (their first live lease).
pub fn recipients<'a>(filter: &RecipientFilter, candidates: &'a [Candidate]) -> Vec<&'a Candidate> {
    let range = filter.unit_range.as_deref().and_then(|r| parse_range(r).ok());
    let mut seen = HashSet::new();
    candidates
        .iter()
        .filter(|c| filter.property_id.is_none_or(|p| c.lease.property_id == p))
        .filter(|c| {
            filter
                .building
                .as_deref()
                .is_none_or(|b| c.building.as_deref().is_some_and(|name| name.trim().eq_ignore_ascii_case(b.trim())))
        })
        .filter(|c| range.is_none_or(|(lo, hi)| digits_of(&c.unit_number).is_some_and(|n| (lo..=hi).contains(&n))))
        .filter(|c| filter.lease_status.as_deref().is_none_or(|s| c.lease.lease_status.as_str() == s))
        .filter(|c| filter.min_balance.is_none_or(|m| c.values.balance_due.is_some_and(|b| b >= m)))
        .filter(|c| {
            filter.has_balance.is_none_or(|has| c.values.balance_due.is_some_and(|b| (b > Decimal::ZERO) == has))
        })
        .filter(|c| seen.insert(c.tenant.id))
        .collect()
}

/// Where a message on `channel` goes for `tenant`: `Err((status, why))` when it cannot go.
pub fn address_for(channel: &str, tenant: &Tenant) -> std::result::Result<String, (&'static str, String)> {
    let name = tenant.first_name.trim();
    match channel {
        "email" => {
            let email = tenant.email.trim();
            if email.is_empty() {
                Err(("skipped", format!("{name} has no email on file.")))
            } else if !email.contains('@') || email.contains(char::is_whitespace) {
                Err(("failed", format!("The email on file for {name} ('{email}') is not an address.")))
            } else {
                Ok(email.to_string())
            }
        }
        "sms" => {
            let phone = tenant.phone.trim();
            if phone.is_empty() {
                Err(("skipped", format!("{name} has no phone on file.")))
            } else if phone_key(phone).len() < 10 {
                Err(("failed", format!("The phone on file for {name} ('{phone}') is not a full number.")))
            } else {
                Ok(phone.to_string())
            }
        }
        _ => Ok("in_app".into()),
    }
}

/// One message a broadcast will send (or why it will not), as the confirm shows it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct Delivery {
    pub tenant_id: Uuid,
    pub tenant_name: String,
    pub property_id: Uuid,
    pub unit_id: Option<Uuid>,
    pub unit_number: String,
    pub property_name: String,
    pub channel: String,
    pub address: String,
    /// `queued` (will be sent), `sent` (already sent), `skipped` or `failed`.
    pub status: String,
    pub content: String,
    pub reason: Option<String>,
}

/// The messages `content` makes for `matched` on `channels` (pure): each filled in from the
/// tenant's own record, or skipped with the reason.
pub fn plan(content: &str, channels: &[String], matched: &[&Candidate]) -> Vec<Delivery> {
    let mut out = Vec::new();
    for c in matched {
        let rendered = render(content, &c.values);
        for channel in channels {
            let (status, address, text, reason) = match (&rendered, address_for(channel, &c.tenant)) {
                (Err(why), _) => ("skipped", String::new(), String::new(), Some(why.clone())),
                (Ok(text), Err((status, why))) => (status, String::new(), text.clone(), Some(why)),
                (Ok(text), Ok(address)) => ("queued", address, text.clone(), None),
            };
            out.push(Delivery {
                tenant_id: c.tenant.id,
                tenant_name: c.tenant.full_name(),
                property_id: c.lease.property_id,
                unit_id: Some(c.lease.unit_id),
                unit_number: c.unit_number.clone(),
                property_name: c.property_name.clone(),
                channel: channel.clone(),
                address,
                status: status.into(),
                content: text,
                reason,
            });
        }
    }
    out
}

/// What a broadcast will do: how many tenants, how many messages on each channel, and each one.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct BroadcastPreview {
    pub title: String,
    /// The filter in words.
    pub audience: String,
    pub recipient_count: usize,
    /// Messages that will be queued now.
    pub to_send: usize,
    pub already_sent: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Messages to send per channel.
    pub by_channel: BTreeMap<String, usize>,
    pub deliveries: Vec<Delivery>,
}

fn summarize(title: &str, audience: String, deliveries: Vec<Delivery>) -> BroadcastPreview {
    let count = |s: &str| deliveries.iter().filter(|d| d.status == s).count();
    let mut by_channel = BTreeMap::new();
    for d in deliveries.iter().filter(|d| d.status == "queued") {
        *by_channel.entry(d.channel.clone()).or_insert(0) += 1;
    }
    BroadcastPreview {
        title: title.to_string(),
        audience,
        recipient_count: deliveries.iter().map(|d| d.tenant_id).collect::<HashSet<_>>().len(),
        to_send: count("queued"),
        already_sent: count("sent"),
        skipped: count("skipped"),
        failed: count("failed"),
        by_channel,
        deliveries,
    }
}

fn live(l: &Lease) -> bool {
    matches!(l.lease_status, LeaseStatus::Active | LeaseStatus::MonthToMonth | LeaseStatus::Notice)
}

/// The portal link a template may give (`UNITCYCLE_PORTAL_URL`), if one is set.
fn portal_url() -> Option<String> {
    std::env::var("UNITCYCLE_PORTAL_URL").ok().map(|u| u.trim().to_string()).filter(|u| !u.is_empty())
}

/// Every tenant with a live lease in the filter's property (or every property in scope), with
/// their record's values; the balance and open work orders only loaded when `filter` or
/// `content` needs them.
pub fn candidates<P: CommunicationsPort + ?Sized>(
    port: &P,
    filter: &RecipientFilter,
    content: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Candidate>> {
    let used = variables_in(content).map_err(|e| StoreError::Rejected(format!("content: {e}")))?;
    let needs_balance = filter.needs_balance() || used.iter().any(|v| v == "balance_due");
    let open_by_unit: Option<HashMap<Uuid, u32>> = if used.iter().any(|v| v == "open_maintenance_count") {
        let mut m = HashMap::new();
        for w in port.open_work_orders()? {
            *m.entry(w.unit_id).or_insert(0) += 1;
        }
        Some(m)
    } else {
        None
    };
    let properties: Vec<Uuid> = match filter.property_id {
        Some(p) => {
            in_scope(port, p, "Property", p)
                .map_err(|_| StoreError::Rejected(format!("recipient_filter.property_id: no property {p}.")))?;
            vec![p]
        }
        None => {
            let mut all: Vec<Uuid> = port.property_zones()?.into_keys().collect();
            all.sort();
            all
        }
    };
    let portal = portal_url();
    let mut out = Vec::new();
    for p in properties {
        let property = port.property(p)?;
        let today = crate::time::today_at(port, p, now)?;
        let buildings: HashMap<Uuid, String> = port.buildings_of(p)?.into_iter().map(|b| (b.id, b.name)).collect();
        let units: HashMap<Uuid, crate::model::Unit> = port.units_of(p)?.into_iter().map(|u| (u.id, u)).collect();
        let mut leases: Vec<Lease> = port.leases_of(Holder::Property(p))?.into_iter().filter(live).collect();
        leases.sort_by(|a, b| (a.tenant_id, b.lease_begin_date, a.id).cmp(&(b.tenant_id, a.lease_begin_date, b.id)));
        for lease in leases {
            let tenant = port.tenant(lease.tenant_id)?;
            if tenant.archived_at.is_some() {
                continue;
            }
            let unit = units.get(&lease.unit_id);
            let balance = if needs_balance {
                let entries = port.ledger_since(tenant.id, NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(today))?;
                Some(crate::ledger::allocate(&entries).balance().max(Decimal::ZERO))
            } else {
                None
            };
            let values = RecordValues {
                first_name: tenant.first_name.clone(),
                last_name: tenant.last_name.clone(),
                unit_number: unit.map(|u| u.unit_number.clone()),
                property_name: Some(property.name.clone()),
                rent_amount: Some(lease.monthly_rent_amount),
                due_date: Some(super::inbound::next_due(today, lease.rent_due_day)),
                lease_end_date: if lease.lease_status == LeaseStatus::MonthToMonth {
                    None
                } else {
                    lease.lease_end_date
                },
                balance_due: balance,
                open_maintenance_count: open_by_unit
                    .as_ref()
                    .map(|m| m.get(&lease.unit_id).copied().unwrap_or_default()),
                portal_url: portal.clone(),
            };
            out.push(Candidate {
                unit_number: unit.map(|u| u.unit_number.clone()).unwrap_or_default(),
                building: unit.and_then(|u| u.building_id).and_then(|b| buildings.get(&b).cloned()),
                property_name: property.name.clone(),
                tenant,
                lease,
                values,
            });
        }
    }
    Ok(out)
}

fn property_name<P: CommunicationsPort + ?Sized>(port: &P, filter: &RecipientFilter) -> Option<String> {
    filter.property_id.and_then(|p| port.property(p).ok()).map(|p| p.name)
}

/// What `new` would send now, before anything is stored (the composer's live count and confirm).
pub fn preview_new<P: CommunicationsPort + ?Sized>(
    port: &P,
    new: &NewBroadcast,
    now: DateTime<Utc>,
) -> Result<BroadcastPreview> {
    let all = candidates(port, &new.filter, &new.content, now)?;
    let matched = recipients(&new.filter, &all);
    let deliveries = plan(&new.content, &new.channels, &matched);
    Ok(summarize(&new.title, new.filter.describe(property_name(port, &new.filter).as_deref()), deliveries))
}

fn stored_filter(b: &BroadcastMessage) -> Result<RecipientFilter> {
    RecipientFilter::parse(&b.recipient_filter).map_err(|e| StoreError::Corrupt(format!("broadcast {}: {e}", b.id)))
}

/// The broadcast `id`, if the caller may see it.
pub fn get<P: CommunicationsPort + ?Sized>(port: &P, id: Uuid) -> Result<BroadcastMessage> {
    let b = port.broadcast(id)?;
    if let Some(p) = b.property_id {
        in_scope(port, p, "Broadcast", id)?;
    }
    Ok(b)
}

/// What sending broadcast `id` would do now: a draft from today's records; one being or already
/// sent from its recorded rows (the rows not sent yet are what a retry sends).
pub fn preview<P: CommunicationsPort + ?Sized>(port: &P, id: Uuid, now: DateTime<Utc>) -> Result<BroadcastPreview> {
    let b = get(port, id)?;
    let filter = stored_filter(&b)?;
    let rows = port.broadcast_recipients(id)?;
    let audience = filter.describe(property_name(port, &filter).as_deref());
    if b.status == "draft" && rows.is_empty() {
        let new =
            NewBroadcast { title: b.title.clone(), content: b.content.clone(), channels: b.channels.clone(), filter };
        return preview_new(port, &new, now);
    }
    let mut deliveries = Vec::new();
    for r in rows {
        let tenant = port.tenant(r.tenant_id)?;
        let (address, status, reason) = match (r.status.as_str(), r.content.is_empty()) {
            ("sent", _) => (r.address.clone(), "sent", None),
            (_, true) => (String::new(), "skipped", Some(r.error.clone())),
            _ => match address_for(&r.channel, &tenant) {
                Ok(a) => (a, "queued", None),
                Err((status, why)) => (String::new(), status, Some(why)),
            },
        };
        deliveries.push(Delivery {
            tenant_id: r.tenant_id,
            tenant_name: tenant.full_name(),
            property_id: r.property_id,
            unit_id: r.unit_id,
            unit_number: match r.unit_id {
                Some(u) => port.unit(u)?.unit_number,
                None => String::new(),
            },
            property_name: port.property(r.property_id)?.name,
            channel: r.channel,
            address,
            status: status.into(),
            content: r.content,
            reason,
        });
    }
    Ok(summarize(&b.title, audience, deliveries))
}

/// Creates broadcast `id` as a draft (the same id again with the same text is the same draft).
pub fn create<P: CommunicationsPort + ?Sized>(
    port: &mut P,
    id: Uuid,
    new: &NewBroadcast,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<BroadcastMessage> {
    if let Some(p) = new.filter.property_id {
        in_scope(&*port, p, "Property", p)
            .map_err(|_| StoreError::Rejected(format!("recipient_filter.property_id: no property {p}.")))?;
    }
    if let Ok(existing) = port.broadcast(id) {
        let same = existing.title == new.title
            && existing.content == new.content
            && existing.channels == new.channels
            && existing.recipient_filter == new.filter.to_value();
        return if same { Ok(existing) } else { Err(StoreError::Rejected("This broadcast exists already.".into())) };
    }
    let b = BroadcastMessage {
        id,
        property_id: new.filter.property_id,
        title: new.title.clone(),
        content: new.content.clone(),
        channels: new.channels.clone(),
        recipient_filter: new.filter.to_value(),
        recipient_count: 0,
        sent_count: 0,
        read_count: 0,
        status: "draft".into(),
        sent_at: None,
        created_by: actor.to_string(),
        created_at: now,
        updated_at: now,
    };
    port.write_hub(&HubWrite { broadcasts: vec![b.clone()], ..Default::default() }, now)?;
    Ok(b)
}

/// What a send did.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct SendOutcome {
    pub broadcast: BroadcastMessage,
    /// Messages queued by this send (0 on a retry after everything was sent).
    pub queued: usize,
    /// Messages sent by an earlier send (not queued again).
    pub already_sent: usize,
    pub skipped: usize,
    pub failed: usize,
    pub recipients: Vec<BroadcastRecipient>,
}

fn recipient_id(broadcast: Uuid, tenant: Uuid, channel: &str) -> Uuid {
    Uuid::new_v5(&broadcast, format!("{tenant}:{channel}").as_bytes())
}

/// Sends broadcast `id`: the first send fixes its recipients (status `sending`), then every row
/// not sent yet is queued through the outbox and marked sent in one transaction (status `sent`).
/// A retry queues only what is still unsent; a tenant whose address was fixed since is reached.
pub fn send<P: CommunicationsPort + ?Sized>(port: &mut P, id: Uuid, now: DateTime<Utc>) -> Result<SendOutcome> {
    let mut b = get(&*port, id)?;
    let mut rows = port.broadcast_recipients(id)?;
    if rows.is_empty() && b.status == "draft" {
        let filter = stored_filter(&b)?;
        let all = candidates(&*port, &filter, &b.content, now)?;
        let matched = recipients(&filter, &all);
        if matched.is_empty() {
            return Err(StoreError::Rejected(format!(
                "No tenant matches the filter ({}): nothing was sent.",
                filter.describe(property_name(&*port, &filter).as_deref())
            )));
        }
        rows = plan(&b.content, &b.channels, &matched)
            .into_iter()
            .map(|d| BroadcastRecipient {
                id: recipient_id(id, d.tenant_id, &d.channel),
                broadcast_id: id,
                tenant_id: d.tenant_id,
                property_id: d.property_id,
                unit_id: d.unit_id,
                channel: d.channel,
                address: d.address,
                status: if d.status == "queued" { "queued".into() } else { d.status },
                content: d.content,
                outbox_message_key: String::new(),
                error: d.reason.unwrap_or_default(),
                sent_at: None,
                created_at: now,
                updated_at: now,
            })
            .collect();
        b.status = "sending".into();
        b.recipient_count = rows.iter().map(|r| r.tenant_id).collect::<HashSet<_>>().len() as i32;
        b.updated_at = now;
        port.write_hub(&HubWrite { broadcasts: vec![b.clone()], recipients: rows.clone(), ..Default::default() }, now)?;
    }
    let mut w = HubWrite::default();
    let (mut queued, mut already_sent) = (0, 0);
    for r in rows.iter_mut() {
        if r.status == "sent" {
            already_sent += 1;
            continue;
        }
        if r.content.is_empty() {
            continue; // the text could not be filled in from this tenant's record
        }
        let tenant = port.tenant(r.tenant_id)?;
        let before = r.clone();
        match address_for(&r.channel, &tenant) {
            Err((status, why)) => {
                r.status = status.into();
                r.error = why;
            }
            Ok(address) => {
                if r.channel != "in_app" {
                    let key = format!("broadcast_recipient:{}", r.id);
                    w.outbox.push(NewMessage {
                        idempotency_key: key.clone(),
                        channel: if r.channel == "sms" { DeliveryChannel::Sms } else { DeliveryChannel::Email },
                        recipient_name: tenant.full_name(),
                        recipient: address.clone(),
                        subject: b.title.clone(),
                        body: r.content.clone(),
                        attachment_sha256: None,
                        attachment_name: None,
                        related_type: ENTITY.into(),
                        related_id: Some(id),
                        scheduled_for: now,
                    });
                    r.outbox_message_key = key;
                }
                r.address = address;
                r.status = "sent".into();
                r.error = String::new();
                r.sent_at = Some(now);
                queued += 1;
            }
        }
        if *r != before {
            r.updated_at = now;
            w.recipients.push(r.clone());
        }
    }
    // Counted up by what this send queued, not recounted from the rows: a caller on the server
    // sees only the deliveries in their own properties.
    if b.status != "sent" || queued > 0 {
        b.status = "sent".into();
        b.sent_count = b.sent_count.saturating_add(i32::try_from(queued).unwrap_or(i32::MAX));
        b.sent_at = b.sent_at.or(Some(now));
        b.updated_at = now;
        w.broadcasts.push(b.clone());
    }
    if w != HubWrite::default() {
        port.write_hub(&w, now)?;
    }
    let count = |s: &str| rows.iter().filter(|r| r.status == s).count();
    Ok(SendOutcome {
        queued,
        already_sent,
        skipped: count("skipped"),
        failed: count("failed"),
        broadcast: b,
        recipients: rows,
    })
}

/// A person's step on a broadcast, as it travels from a replica to the server; the broadcast is
/// the queued action's `entity_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BroadcastAction {
    Create {
        title: String,
        content: String,
        channels: Vec<String>,
        #[schema(value_type = Object)]
        #[specta(type = std::collections::BTreeMap<String, String>)]
        recipient_filter: Value,
        actor: String,
    },
    Send,
}

/// Applies `action` to broadcast `id`.
pub fn apply_action<P: CommunicationsPort + ?Sized>(
    port: &mut P,
    id: Uuid,
    action: &BroadcastAction,
    now: DateTime<Utc>,
) -> Result<SendOutcome> {
    match action {
        BroadcastAction::Create { title, content, channels, recipient_filter, actor } => {
            let input = BroadcastInput {
                title: title.clone(),
                content: content.clone(),
                channels: channels.clone(),
                recipient_filter: recipient_filter.clone(),
            };
            let new = NewBroadcast::checked(&input).map_err(StoreError::Rejected)?;
            let broadcast = create(port, id, &new, actor, now)?;
            Ok(SendOutcome { broadcast, queued: 0, already_sent: 0, skipped: 0, failed: 0, recipients: Vec::new() })
        }
        BroadcastAction::Send => send(port, id, now),
    }
}

/// Applies `action` on a replica: queued for the server when connected (the server sends the
/// messages), in the transaction of its rows; sent from the replica's own outbox otherwise.
pub fn act_on_replica(
    store: &mut crate::store::Store,
    id: Uuid,
    action: &BroadcastAction,
    now: DateTime<Utc>,
) -> Result<SendOutcome> {
    let json = serde_json::to_value(action).map_err(|e| StoreError::Rejected(e.to_string()))?;
    apply_action(&mut crate::store::Queueing::on_replica(store, ENTITY, id, json)?, id, action, now)
}

#[cfg(test)]
mod tests;
