//! Which vendor to send (spec 5.4 dispatch): the warranty is checked first — a covered item goes
//! to its warranty holder, always — then the vendors who do this work are ranked by their
//! scorecard's overall score (the offline ranking is that arithmetic, nothing more). With
//! Claude, the spec's DISPATCH_REASONING_PROMPT words the reasoning and may reorder the
//! candidates; it cannot add a vendor, change a score or put anyone above the warranty holder.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{deviation_pct, VendorScorecard, WarrantyRecord};
use crate::ai::prompts::Task;
use crate::format::money;
use crate::model::{Vendor, WorkOrder, WorkOrderStatus};

/// The spec's dispatch prompt, word for word.
pub const DISPATCH_REASONING_PROMPT: &str = r#"Recommend the best vendor for this work order.
Work Order:
- Category: {category}
- Description: {description}
- Unit: {unit_number} at {property_name}
- Priority: {priority}
- Tenant notes: "{tenant_notes}"
Available Vendors (sorted by overall score):
{vendor_list_with_scores}
For each vendor, you have:
- Overall score (0-10), individual metric scores
- Specialty areas and percentage of jobs in this category
- Current open job count (workload)
- Historical average cost for this category
- First-visit resolution rate for this category
Also check: Is there an active warranty on the relevant equipment?
Warranty data: {warranty_data}
Recommend top 3 vendors with detailed reasoning. If warranty applies,
recommend contacting the warranty provider FIRST.
Return JSON:
{
"warranty_applies": boolean,
"warranty_recommendation": "string or null",
"recommendations": [
{
"rank": 1,
"vendor_id": "uuid",
"score": float,
"reasoning": {
"specialty_match": "string",
"performance": "string",
"workload": "string",
"cost_history": "string"
},
"estimated_cost_range": "string"
}
]
}"#;

/// The warranty item types a work order may be about: named in its title, or implied by its
/// category (HVAC, roofing).
pub fn warranty_items(category: &str, title: &str) -> Vec<&'static str> {
    let t = title.to_lowercase();
    let mut items: Vec<&'static str> = Vec::new();
    let named: &[(&str, &'static str)] = &[
        ("water heater", "Water Heater"),
        ("dishwasher", "Dishwasher"),
        ("refrigerator", "Refrigerator"),
        ("fridge", "Refrigerator"),
        ("disposal", "Garbage Disposal"),
        ("microwave", "Microwave"),
        ("oven", "Oven"),
        ("dryer", "Dryer"),
        ("roof", "Roof"),
        ("furnace", "HVAC"),
        ("hvac", "HVAC"),
        ("thermostat", "HVAC"),
        ("air condition", "HVAC"),
    ];
    for (word, item) in named {
        if t.contains(word) && !items.contains(item) {
            items.push(item);
        }
    }
    // "washer" but not "dishwasher".
    if t.split(|c: char| !c.is_alphanumeric()).any(|w| w == "washer") {
        items.push("Washer");
    }
    if items.is_empty() {
        match category {
            "hvac" => items.push("HVAC"),
            "roofing" => items.push("Roof"),
            _ => {}
        }
    }
    items
}

/// The spec's `warranty_check` block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct WarrantyCheck {
    pub has_warranty: bool,
    pub message: String,
    pub warranty_id: Option<Uuid>,
    pub item_type: Option<String>,
    pub warranty_vendor: Option<String>,
    pub warranty_vendor_id: Option<Uuid>,
    pub warranty_end: Option<NaiveDate>,
    pub coverage: Option<String>,
    pub contact: Option<String>,
}

/// The warranty in force on `unit` for one of `items` on `today` (the latest-ending), if any.
pub fn find_warranty<'a>(
    warranties: &'a [WarrantyRecord],
    unit_id: Uuid,
    items: &[&str],
    today: NaiveDate,
) -> Option<&'a WarrantyRecord> {
    warranties
        .iter()
        .filter(|w| w.unit_id == unit_id && w.in_force(today))
        .filter(|w| items.iter().any(|i| i.eq_ignore_ascii_case(&w.item_type)))
        .max_by_key(|w| w.warranty_end_date)
}

pub fn warranty_check(
    found: Option<&WarrantyRecord>,
    vendors: &HashMap<Uuid, &Vendor>,
    what: &str,
    unit: &str,
) -> WarrantyCheck {
    match found {
        None => WarrantyCheck {
            has_warranty: false,
            message: format!("No active warranty found for {what} in Unit {unit}."),
            warranty_id: None,
            item_type: None,
            warranty_vendor: None,
            warranty_vendor_id: None,
            warranty_end: None,
            coverage: None,
            contact: None,
        },
        Some(w) => {
            let holder = w.warranty_vendor_id.and_then(|id| vendors.get(&id)).map(|v| v.name.clone());
            let who = holder.clone().unwrap_or_else(|| w.warranty_provider.clone());
            WarrantyCheck {
                has_warranty: true,
                message: format!(
                    "{} {} in Unit {unit} is under warranty with {who} until {} ({}). Contact the warranty provider first{}.",
                    w.brand,
                    w.item_type,
                    w.warranty_end_date,
                    w.coverage_type.replace('_', " "),
                    if w.contact.is_empty() { String::new() } else { format!(": {}", w.contact) }
                ),
                warranty_id: Some(w.id),
                item_type: Some(w.item_type.clone()),
                warranty_vendor: Some(holder.unwrap_or_else(|| w.warranty_provider.clone())),
                warranty_vendor_id: w.warranty_vendor_id,
                warranty_end: Some(w.warranty_end_date),
                coverage: Some(w.coverage_type.clone()),
                contact: (!w.contact.is_empty()).then(|| w.contact.clone()),
            }
        }
    }
}

/// One vendor who could take the job, with the figures its reasoning states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub vendor_id: Uuid,
    pub name: String,
    pub trade: String,
    /// The latest scorecard's overall score; null when the vendor has none yet.
    pub overall_score: Option<f64>,
    pub first_visit_rate: Option<f64>,
    pub jobs: u32,
    pub jobs_in_category: u32,
    pub open_jobs: u32,
    /// The vendor's average invoiced cost for this category.
    pub avg_cost: Option<Decimal>,
    pub warranty_holder: bool,
}

impl Candidate {
    pub fn share(&self) -> u32 {
        if self.jobs == 0 {
            0
        } else {
            (self.jobs_in_category as f64 / self.jobs as f64 * 100.0).round() as u32
        }
    }
}

/// The vendors who could take a job of `category`: active, and either of the trade, or with
/// jobs of the category, or general maintenance (plus the warranty holder, whatever its trade).
pub fn candidates(
    category: &str,
    vendors: &[Vendor],
    history: &[&WorkOrder],
    open: &[&WorkOrder],
    scorecards: &[VendorScorecard],
    avg_costs: &HashMap<Uuid, Decimal>,
    warranty_holder: Option<Uuid>,
) -> Vec<Candidate> {
    let mut latest: HashMap<Uuid, &VendorScorecard> = HashMap::new();
    for s in scorecards {
        let e = latest.entry(s.vendor_id).or_insert(s);
        if s.period_start > e.period_start {
            *e = s;
        }
    }
    vendors
        .iter()
        .filter(|v| v.is_active || Some(v.id) == warranty_holder)
        .filter_map(|v| {
            let mine =
                history.iter().filter(|w| w.assigned_vendor_id == Some(v.id) && w.status != WorkOrderStatus::Cancelled);
            let (jobs, in_cat) = mine.fold((0, 0), |(a, b), w| (a + 1, b + u32::from(w.category == category)));
            let holder = Some(v.id) == warranty_holder;
            if !(holder || v.trade == category || in_cat > 0 || v.trade == "general") {
                return None;
            }
            let card = latest.get(&v.id);
            Some(Candidate {
                vendor_id: v.id,
                name: v.name.clone(),
                trade: v.trade.clone(),
                overall_score: card.map(|c| c.overall_score),
                first_visit_rate: card.map(|c| c.first_visit_resolution_rate),
                jobs,
                jobs_in_category: in_cat,
                open_jobs: open.iter().filter(|w| w.assigned_vendor_id == Some(v.id)).count() as u32,
                avg_cost: avg_costs.get(&v.id).copied(),
                warranty_holder: holder,
            })
        })
        .collect()
}

/// The offline ranking: the warranty holder first, then by overall score (unscored last),
/// fewer open jobs, then name.
pub fn rank(mut c: Vec<Candidate>) -> Vec<Candidate> {
    c.sort_by(|a, b| {
        b.warranty_holder
            .cmp(&a.warranty_holder)
            .then(b.overall_score.unwrap_or(-1.0).total_cmp(&a.overall_score.unwrap_or(-1.0)))
            .then(a.open_jobs.cmp(&b.open_jobs))
            .then(a.name.cmp(&b.name))
    });
    c
}

/// The four reasoning lines of the spec's example, from the candidate's figures.
pub fn reasoning(c: &Candidate, category: &str, benchmark: Option<Decimal>, warranty: &WarrantyCheck) -> Value {
    let specialty = if c.warranty_holder {
        format!(
            "Warranty holder for the {} until {}",
            warranty.item_type.clone().unwrap_or_default(),
            warranty.warranty_end.map(|d| d.to_string()).unwrap_or_default()
        )
    } else if c.trade == category {
        format!("Primary specialty: {category} ({}% of jobs)", c.share())
    } else if c.trade == "general" {
        format!("General maintenance, handles {category} ({}% of jobs)", c.share())
    } else {
        format!("{} specialist, handles {category} ({}% of jobs)", c.trade, c.share())
    };
    let performance = match (c.overall_score, c.first_visit_rate) {
        (Some(s), Some(r)) => format!("{s:.1}/10 overall, {r:.0}% first-visit resolution"),
        _ => "No scorecard yet".to_string(),
    };
    let workload = match c.open_jobs {
        0 => "0 open jobs (available)".to_string(),
        1 => "1 open job (low)".to_string(),
        n @ 2..=3 => format!("{n} open jobs (moderate)"),
        n => format!("{n} open jobs (high)"),
    };
    let cost_history = match (c.avg_cost, benchmark) {
        (Some(avg), Some(b)) => {
            let d = deviation_pct(avg, b);
            let against = if d.abs() <= 5.0 {
                "at benchmark".to_string()
            } else if d < 0.0 {
                format!("below benchmark {}", money(b))
            } else {
                format!("{d:.0}% above benchmark")
            };
            format!("Avg {} for {category} ({against})", money(avg))
        }
        (Some(avg), None) => format!("Avg {} for {category}", money(avg)),
        (None, _) => format!("No {category} jobs invoiced yet"),
    };
    json!({"specialty_match": specialty, "performance": performance, "workload": workload, "cost_history": cost_history})
}

/// A cost range around the vendor's average for the category (else the benchmark), ±12 %
/// rounded to $10; empty when there is no figure to base it on.
pub fn cost_range(avg: Option<Decimal>, benchmark: Option<Decimal>) -> String {
    let Some(base) = avg.or(benchmark) else { return String::new() };
    let ten = |x: f64| ((x / 10.0).round() * 10.0) as i64;
    let b = base.to_f64().unwrap_or(0.0);
    format!("${}-{}", ten(b * 0.88), ten(b * 1.12))
}

/// The model's input: the prompt's fields and the candidates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DispatchInput {
    pub category: String,
    pub description: String,
    pub unit_number: String,
    pub property_name: String,
    pub priority: String,
    pub tenant_notes: String,
    pub candidates: Vec<Candidate>,
    pub warranty: WarrantyCheck,
    pub benchmark: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AiRecommendation {
    pub rank: i32,
    pub vendor_id: Uuid,
    pub score: f64,
    pub reasoning: Value,
    #[serde(default)]
    pub estimated_cost_range: String,
}

/// The model's answer, in the prompt's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DispatchAnswer {
    pub warranty_applies: bool,
    pub warranty_recommendation: Option<String>,
    pub recommendations: Vec<AiRecommendation>,
}

/// The offline answer: the ranking and the figures' own reasoning.
pub fn offline_answer(input: &DispatchInput) -> DispatchAnswer {
    let ranked = rank(input.candidates.clone());
    DispatchAnswer {
        warranty_applies: input.warranty.has_warranty,
        warranty_recommendation: input.warranty.has_warranty.then(|| input.warranty.message.clone()),
        recommendations: ranked
            .iter()
            .take(3)
            .enumerate()
            .map(|(i, c)| AiRecommendation {
                rank: i as i32 + 1,
                vendor_id: c.vendor_id,
                score: c.overall_score.unwrap_or(0.0),
                reasoning: reasoning(c, &input.category, input.benchmark, &input.warranty),
                estimated_cost_range: cost_range(c.avg_cost, input.benchmark),
            })
            .collect(),
    }
}

/// Spec 5.4's dispatch reasoning.
pub struct DispatchReasoning;

impl Task for DispatchReasoning {
    const NAME: &'static str = "vendor_dispatch";
    const DESCRIPTION: &'static str = "Rank vendors for a work order (warranty first), with reasoning";
    type Input = DispatchInput;
    type Output = DispatchAnswer;

    fn system() -> String {
        "You are the maintenance coordinator of a residential property-management company. Use only the \
         figures given; never invent a vendor, a score or a cost."
            .into()
    }

    fn prompt(i: &DispatchInput) -> String {
        let list: Vec<String> = rank(i.candidates.clone())
            .iter()
            .map(|c| {
                format!(
                    "- {} (id {}): trade {}, overall {}, first-visit {}, {} of {} jobs in {}, {} open jobs, avg cost {}",
                    c.name,
                    c.vendor_id,
                    c.trade,
                    c.overall_score.map_or("unscored".into(), |s| format!("{s:.1}")),
                    c.first_visit_rate.map_or("n/a".into(), |r| format!("{r:.0}%")),
                    c.jobs_in_category,
                    c.jobs,
                    i.category,
                    c.open_jobs,
                    c.avg_cost.map_or("n/a".into(), money)
                )
            })
            .collect();
        DISPATCH_REASONING_PROMPT
            .replace("{category}", &i.category)
            .replace("{description}", &i.description)
            .replace("{unit_number}", &i.unit_number)
            .replace("{property_name}", &i.property_name)
            .replace("{priority}", &i.priority)
            .replace("{tenant_notes}", &i.tenant_notes)
            .replace("{vendor_list_with_scores}", &list.join("\n"))
            .replace("{warranty_data}", &serde_json::to_string(&i.warranty).unwrap_or_default())
    }

    fn output_schema() -> Value {
        json!({
            "type": "object",
            "required": ["warranty_applies", "recommendations"],
            "properties": {
                "warranty_applies": {"type": "boolean"},
                "warranty_recommendation": {"type": ["string", "null"]},
                "recommendations": {"type": "array", "maxItems": 3, "items": {
                    "type": "object",
                    "required": ["rank", "vendor_id", "score", "reasoning"],
                    "properties": {
                        "rank": {"type": "integer"}, "vendor_id": {"type": "string"}, "score": {"type": "number"},
                        "reasoning": {"type": "object"}, "estimated_cost_range": {"type": "string"}
                    }
                }}
            }
        })
    }

    fn check(i: &DispatchInput, out: &DispatchAnswer) -> Result<(), String> {
        for r in &out.recommendations {
            if !i.candidates.iter().any(|c| c.vendor_id == r.vendor_id) {
                return Err(format!("vendor {} is not one of the available vendors", r.vendor_id));
            }
        }
        if let Some(holder) = i.candidates.iter().find(|c| c.warranty_holder) {
            if out.recommendations.first().map(|r| r.vendor_id) != Some(holder.vendor_id) {
                return Err(format!("the warranty holder {} must be rank 1", holder.name));
            }
        }
        if out.recommendations.is_empty() && !i.candidates.is_empty() {
            return Err("no recommendation".into());
        }
        Ok(())
    }

    fn offline(i: &DispatchInput) -> Option<DispatchAnswer> {
        Some(offline_answer(i))
    }
}
