//! Portfolio chat (spec 3.3), first increment: the spec's five tools with their input schemas,
//! answered from one snapshot of the portfolio (`data`), and the offline path that maps a
//! manager's question onto a tool call by rules (`offline`). Every answer carries its rows, the
//! totals it cites and one sentence built from those numbers; a question it cannot map gets
//! what it can answer instead, never a number.

pub mod action;
pub mod data;
pub mod digest;
pub mod offline;
pub mod port;
pub mod record;
pub mod tools;
pub mod workflow;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The spec's `TOOLS`, word for word (names, descriptions, input schemas).
pub fn tool_definitions() -> Vec<Value> {
    vec![
        json!({
            "name": "query_leases",
            "description": "Query lease data. Can filter by status, property, date range.",
            "input_schema": {"type": "object", "properties": {
                "property_name": {"type": "string", "description": "Filter by property name"},
                "lease_status": {"type": "string", "enum": ["active", "month_to_month", "notice", "vacant"]},
                "expiring_within_days": {"type": "integer"},
                "limit": {"type": "integer", "default": 20}
            }}
        }),
        json!({
            "name": "query_financials",
            "description": "Query financial data: rent roll, collections, revenue.",
            "input_schema": {"type": "object", "properties": {
                "metric": {"type": "string", "enum": [
                    "total_rent_roll", "collection_rate", "delinquency", "revenue_by_property", "rent_variance"
                ]},
                "property_name": {"type": "string"},
                "date_range": {"type": "string"}
            }}
        }),
        json!({
            "name": "query_maintenance",
            "description": "Query maintenance/work order data.",
            "input_schema": {"type": "object", "properties": {
                "status": {"type": "string", "enum": ["open", "in_progress", "completed"]},
                "property_name": {"type": "string"},
                "priority": {"type": "string", "enum": ["low", "medium", "high", "urgent"]},
                "limit": {"type": "integer", "default": 20}
            }}
        }),
        json!({
            "name": "query_vacancy",
            "description": "Get vacancy information across portfolio.",
            "input_schema": {"type": "object", "properties": {
                "property_name": {"type": "string"},
                "include_pricing": {"type": "boolean", "default": false}
            }}
        }),
        json!({
            "name": "create_action",
            "description": "Create an action item (work order, reminder, etc).",
            "input_schema": {"type": "object", "properties": {
                "action_type": {"type": "string", "enum": ["work_order", "reminder", "follow_up"]},
                "title": {"type": "string"},
                "description": {"type": "string"},
                "unit_id": {"type": "string"},
                "priority": {"type": "string"}
            }, "required": ["action_type", "title"]}
        }),
    ]
}

/// A tool's answer: the rows (as a table a screen can show and open), the totals the sentence
/// cites, and the sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ToolAnswer {
    pub tool: String,
    pub input: Value,
    pub columns: Vec<String>,
    /// One row per record, in `columns` order; `row_ids` names each row's unit, lease or work
    /// order so a screen can open it.
    pub rows: Vec<Vec<String>>,
    pub row_ids: Vec<String>,
    /// Rows matched before `limit` cut the table.
    pub matched: usize,
    #[specta(type = std::collections::BTreeMap<String, String>)]
    pub totals: Value,
    pub summary: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_tools_are_the_specs() {
        let names: Vec<String> =
            tool_definitions().iter().map(|t| t["name"].as_str().unwrap_or_default().to_string()).collect();
        assert_eq!(names, ["query_leases", "query_financials", "query_maintenance", "query_vacancy", "create_action"]);
        let create = &tool_definitions()[4];
        assert_eq!(create["input_schema"]["required"], json!(["action_type", "title"]));
        assert_eq!(tool_definitions()[0]["input_schema"]["properties"]["limit"]["default"], 20);
    }
}
