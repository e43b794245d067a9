//! The spec's query tools over a [`PortfolioData`] snapshot: each validates its input against
//! the schema (a bad status or metric is an error the model or the person sees), matches a
//! property name fuzzily, and answers with rows, totals and one sentence from those numbers.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::data::PortfolioData;
use super::ToolAnswer;
use crate::format::money;
use crate::model::LeaseStatus;

/// Lower-case words of `s`.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// How well `query` names `name` (0 = not at all): every query word is a prefix of, or one or two
/// typos from, a word of the name.
pub fn name_match(name: &str, query: &str) -> usize {
    let (n, q) = (words(name), words(query));
    if q.is_empty() {
        return 0;
    }
    let hit =
        |qw: &String| n.iter().any(|nw| nw.starts_with(qw.as_str()) || (qw.len() >= 5 && edit_distance(nw, qw) <= 2));
    if q.iter().all(hit) {
        q.len() * 10 + usize::from(n.len() == q.len())
    } else {
        0
    }
}

/// The property `query` names, matched fuzzily; an error lists the properties when none does.
pub fn resolve_property(data: &PortfolioData, query: &str) -> Result<String, String> {
    let names = data.property_names();
    names
        .iter()
        .map(|n| (name_match(n, query), n))
        .filter(|(s, _)| *s > 0)
        .max_by_key(|(s, n)| (*s, std::cmp::Reverse((*n).clone())))
        .map(|(_, n)| n.clone())
        .ok_or_else(|| format!("No property is called '{query}'. The properties are: {}.", names.join(", ")))
}

fn property_of(data: &PortfolioData, input: &Value) -> Result<Option<String>, String> {
    match input.get("property_name") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => resolve_property(data, s).map(Some),
        Some(other) => Err(format!("property_name must be text, not {other}")),
    }
}

fn limit_of(input: &Value) -> Result<usize, String> {
    match input.get("limit") {
        None | Some(Value::Null) => Ok(20),
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=500).contains(n))
            .map(|n| n as usize)
            .ok_or_else(|| format!("limit must be a whole number from 1 to 500, not {v}")),
    }
}

fn enum_of<'a>(input: &'a Value, key: &str, allowed: &[&str]) -> Result<Option<&'a str>, String> {
    match input.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(Some(s)),
        Some(v) => Err(format!("{key} must be one of {}, not {v}", allowed.join(", "))),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn at(property: &Option<String>) -> String {
    property.as_ref().map_or_else(|| " across the portfolio".to_string(), |p| format!(" at {p}"))
}

fn answer(
    tool: &str,
    input: &Value,
    columns: &[&str],
    rows: Vec<(String, Vec<String>)>,
    limit: usize,
    totals: Value,
    summary: String,
) -> ToolAnswer {
    let matched = rows.len();
    let (row_ids, rows): (Vec<String>, Vec<Vec<String>>) = rows.into_iter().take(limit).unzip();
    ToolAnswer {
        tool: tool.into(),
        input: input.clone(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
        row_ids,
        matched,
        totals,
        summary,
    }
}

/// `query_leases`: units' current leases by property, status and days to lease end.
pub fn query_leases(data: &PortfolioData, input: &Value) -> Result<ToolAnswer, String> {
    let property = property_of(data, input)?;
    let status = enum_of(input, "lease_status", &["active", "month_to_month", "notice", "vacant"])?;
    let within = match input.get("expiring_within_days") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .filter(|n| (0..=3650).contains(n))
                .ok_or_else(|| format!("expiring_within_days must be 0 to 3650, not {v}"))?,
        ),
    };
    let limit = limit_of(input)?;
    let mut hits: Vec<_> = data
        .units
        .iter()
        .filter(|r| property.as_ref().is_none_or(|p| &r.property_name == p))
        .filter(|r| status.is_none_or(|s| r.lifecycle_state.as_str() == s))
        .filter(|r| {
            within.is_none_or(|n| {
                r.lifecycle_state == LeaseStatus::Active && r.days_to_event.is_some_and(|d| (0..=n).contains(&d))
            })
        })
        .collect();
    hits.sort_by(|a, b| {
        let key = |r: &&crate::command_center::Row| r.days_to_event.unwrap_or(i64::MAX);
        if within.is_some() { key(a).cmp(&key(b)) } else { std::cmp::Ordering::Equal }
            .then(a.property_name.cmp(&b.property_name))
            .then(a.unit_number.cmp(&b.unit_number))
    });
    let rent: Decimal = hits.iter().filter(|r| r.lifecycle_state != LeaseStatus::Vacant).map(|r| r.rent).sum();
    let what = match (status, within) {
        (_, Some(n)) => format!("{} expiring within {n} days", plural(hits.len(), "lease", "leases")),
        (Some("vacant"), _) => plural(hits.len(), "vacant unit", "vacant units"),
        (Some(s), _) => format!(
            "{} {}",
            hits.len(),
            if hits.len() == 1 {
                format!("{} lease", s.replace('_', "-"))
            } else {
                format!("{} leases", s.replace('_', "-"))
            }
        ),
        (None, None) => plural(hits.len(), "unit", "units"),
    };
    let summary = format!("{what}{}, {} in monthly rent.", at(&property), money(rent));
    let rows = hits
        .iter()
        .map(|r| {
            (
                r.unit_id.to_string(),
                vec![
                    r.property_name.clone(),
                    r.unit_number.clone(),
                    r.tenant_name.clone().unwrap_or_default(),
                    r.lifecycle_state.as_str().to_string(),
                    money(r.rent),
                    money(r.market_rent),
                    r.days_to_event.map(|d| d.to_string()).unwrap_or_default(),
                ],
            )
        })
        .collect();
    let totals = json!({"count": hits.len(), "monthly_rent": rent.to_string()});
    Ok(answer(
        "query_leases",
        input,
        &["Property", "Unit", "Tenant", "Status", "Rent", "Market", "Days"],
        rows,
        limit,
        totals,
        summary,
    ))
}

/// `query_vacancy`: vacant units, the vacancy rate, and (with pricing) the market rent they
/// stand to earn.
pub fn query_vacancy(data: &PortfolioData, input: &Value) -> Result<ToolAnswer, String> {
    let property = property_of(data, input)?;
    let pricing = input.get("include_pricing").and_then(Value::as_bool).unwrap_or(false);
    let all: Vec<_> = data.units.iter().filter(|r| property.as_ref().is_none_or(|p| &r.property_name == p)).collect();
    let mut vacant: Vec<_> = all.iter().filter(|r| r.lifecycle_state == LeaseStatus::Vacant).collect();
    vacant.sort_by(|a, b| a.property_name.cmp(&b.property_name).then(a.unit_number.cmp(&b.unit_number)));
    let rate = if all.is_empty() { 0.0 } else { vacant.len() as f64 * 100.0 / all.len() as f64 };
    let market: Decimal = vacant.iter().map(|r| r.market_rent).sum();
    let mut summary =
        format!("{} of {}{} are vacant ({rate:.1}%).", vacant.len(), plural(all.len(), "unit", "units"), at(&property));
    if pricing {
        summary.push_str(&format!(" At market rent they would bring {} a month.", money(market)));
    }
    let mut columns = vec!["Property", "Unit", "Days vacant"];
    if pricing {
        columns.push("Market rent");
    }
    let rows = vacant
        .iter()
        .map(|r| {
            let mut cells = vec![
                r.property_name.clone(),
                r.unit_number.clone(),
                r.days_to_event.map(|d| d.to_string()).unwrap_or_default(),
            ];
            if pricing {
                cells.push(money(r.market_rent));
            }
            (r.unit_id.to_string(), cells)
        })
        .collect();
    let totals = json!({"vacant": vacant.len(), "units": all.len(), "vacancy_rate_pct": (rate * 10.0).round() / 10.0, "market_rent": market.to_string()});
    Ok(answer("query_vacancy", input, &columns, rows, 500, totals, summary))
}

/// `query_maintenance`: work orders by status, property and priority.
pub fn query_maintenance(data: &PortfolioData, input: &Value) -> Result<ToolAnswer, String> {
    let property = property_of(data, input)?;
    let status = enum_of(input, "status", &["open", "in_progress", "completed"])?;
    let priority = enum_of(input, "priority", &["low", "medium", "high", "urgent"])?;
    let limit = limit_of(input)?;
    let mut hits: Vec<_> = data
        .work_orders
        .iter()
        .filter(|w| property.as_ref().is_none_or(|p| &w.property_name == p))
        .filter(|w| status.is_none_or(|s| w.order.status.as_str() == s))
        .filter(|w| priority.is_none_or(|p| w.order.priority.as_str() == p))
        .collect();
    hits.sort_by(|a, b| b.order.requested_date.cmp(&a.order.requested_date).then(a.order.id.cmp(&b.order.id)));
    let cost: Decimal = hits.iter().map(|w| w.order.cost).sum();
    let label = [priority, status.map(|s| if s == "in_progress" { "in-progress" } else { s })]
        .iter()
        .flatten()
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let noun = if hits.len() == 1 { "work order" } else { "work orders" };
    let summary = format!(
        "{} {}{noun}{}{}.",
        hits.len(),
        if label.is_empty() { String::new() } else { format!("{label} ") },
        at(&property),
        if cost > Decimal::ZERO { format!(", {} in cost", money(cost)) } else { String::new() }
    );
    let rows = hits
        .iter()
        .map(|w| {
            (
                w.order.id.to_string(),
                vec![
                    w.property_name.clone(),
                    w.unit_number.clone(),
                    w.order.title.clone(),
                    w.order.category.clone(),
                    w.order.priority.as_str().to_string(),
                    w.order.status.as_str().to_string(),
                    w.order.requested_date.to_string(),
                    money(w.order.cost),
                ],
            )
        })
        .collect();
    let totals = json!({"count": hits.len(), "cost": cost.to_string()});
    Ok(answer(
        "query_maintenance",
        input,
        &["Property", "Unit", "Title", "Category", "Priority", "Status", "Requested", "Cost"],
        rows,
        limit,
        totals,
        summary,
    ))
}

/// The months a `date_range` names: `this_month` (default), `last_month`, `YYYY-MM`, or
/// `YYYY-MM-DD..YYYY-MM-DD`. Returns the first and last day.
pub fn date_range(text: Option<&str>, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), String> {
    let first = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let last = |d: NaiveDate| {
        let next = if d.month() == 12 {
            NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
        };
        next.and_then(|n| n.pred_opt()).unwrap_or(d)
    };
    let t = text.unwrap_or("this_month").trim().to_lowercase().replace(' ', "_");
    match t.as_str() {
        "" | "this_month" | "month" | "current_month" => Ok((first(today), last(today))),
        "last_month" | "previous_month" => {
            let d = first(today).pred_opt().unwrap_or(today);
            Ok((first(d), last(d)))
        }
        other => {
            if let Some((a, b)) = other.split_once("..") {
                let p = |s: &str| {
                    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("'{s}' is not a date (YYYY-MM-DD)"))
                };
                let (a, b) = (p(a)?, p(b)?);
                return if a <= b { Ok((a, b)) } else { Err("the range ends before it begins".into()) };
            }
            let d = NaiveDate::parse_from_str(&format!("{other}-01"), "%Y-%m-%d").map_err(|_| {
                format!("date_range '{other}' is not this_month, last_month, YYYY-MM or YYYY-MM-DD..YYYY-MM-DD")
            })?;
            Ok((d, last(d)))
        }
    }
}

/// `query_financials`: the rent roll, collection rate, delinquency, revenue (payments received)
/// by property, or rent against market.
pub fn query_financials(data: &PortfolioData, input: &Value) -> Result<ToolAnswer, String> {
    let metrics = ["total_rent_roll", "collection_rate", "delinquency", "revenue_by_property", "rent_variance"];
    let metric = enum_of(input, "metric", &metrics)?.unwrap_or("total_rent_roll");
    let property = property_of(data, input)?;
    let (from, to) = date_range(input.get("date_range").and_then(Value::as_str), data.today)?;
    let in_scope = |name: &str| property.as_ref().is_none_or(|p| p == name);
    let occupied: Vec<_> =
        data.units.iter().filter(|r| in_scope(&r.property_name) && r.lifecycle_state != LeaseStatus::Vacant).collect();
    let by_property = |f: &dyn Fn(&str) -> Decimal| -> Vec<(String, Decimal)> {
        let mut names: Vec<String> = data.property_names().into_iter().filter(|n| in_scope(n)).collect();
        names.sort();
        names
            .into_iter()
            .map(|n| {
                let v = f(&n);
                (n, v)
            })
            .collect()
    };
    let range = format!("{from} to {to}");
    Ok(match metric {
        "total_rent_roll" => {
            let total: Decimal = occupied.iter().map(|r| r.rent).sum();
            let rows = by_property(&|p| occupied.iter().filter(|r| r.property_name == p).map(|r| r.rent).sum());
            let summary = format!(
                "The monthly rent roll{} is {} over {}.",
                at(&property),
                money(total),
                plural(occupied.len(), "occupied unit", "occupied units")
            );
            let rows = rows.into_iter().map(|(p, v)| (p.clone(), vec![p, money(v)])).collect();
            answer(
                "query_financials",
                input,
                &["Property", "Rent roll"],
                rows,
                500,
                json!({"total_rent_roll": total.to_string(), "occupied_units": occupied.len()}),
                summary,
            )
        }
        "rent_variance" => {
            let mut rows: Vec<_> = occupied.iter().map(|r| (r, r.market_rent - r.rent)).collect();
            rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.unit_number.cmp(&b.0.unit_number)));
            let total: Decimal = rows.iter().map(|(_, v)| *v).sum();
            // What the units below market miss (those above market do not offset it).
            let shortfall: Decimal = rows.iter().map(|(_, v)| *v).filter(|v| *v > Decimal::ZERO).sum();
            let under = rows.iter().filter(|(_, v)| *v > Decimal::ZERO).count();
            let summary = format!(
                "{} of {}{} rent below market; together {} a month under market.",
                under,
                plural(rows.len(), "occupied unit", "occupied units"),
                at(&property),
                money(shortfall)
            );
            let table = rows
                .iter()
                .map(|(r, v)| {
                    (
                        r.unit_id.to_string(),
                        vec![
                            r.property_name.clone(),
                            r.unit_number.clone(),
                            r.tenant_name.clone().unwrap_or_default(),
                            r.lifecycle_state.as_str().to_string(),
                            money(r.rent),
                            money(r.market_rent),
                            money(*v),
                        ],
                    )
                })
                .collect();
            answer(
                "query_financials",
                input,
                &["Property", "Unit", "Tenant", "Status", "Rent", "Market", "Under market"],
                table,
                500,
                json!({"units_below_market": under, "below_market_shortfall": shortfall.to_string(), "total_variance": total.to_string()}),
                summary,
            )
        }
        "collection_rate" | "revenue_by_property" | "delinquency" => {
            let leases: Vec<_> = data.leases.iter().filter(|l| in_scope(&l.property_name)).collect();
            match metric {
                "collection_rate" => {
                    let due = |l: &&super::data::LeaseMoney| -> (Decimal, Decimal) {
                        l.ledger
                            .charges
                            .iter()
                            .filter(|c| c.due_date >= from && c.due_date <= to)
                            .fold((Decimal::ZERO, Decimal::ZERO), |(a, p), c| {
                                (a + c.amount, p + c.amount - c.open_amount)
                            })
                    };
                    let (charged, paid) =
                        leases.iter().map(due).fold((Decimal::ZERO, Decimal::ZERO), |(a, b), (c, d)| (a + c, b + d));
                    let rate = |c: Decimal, p: Decimal| {
                        if c > Decimal::ZERO {
                            (p / c * Decimal::ONE_HUNDRED).round_dp(1)
                        } else {
                            Decimal::ZERO
                        }
                    };
                    let rows = by_property(&|_| Decimal::ZERO)
                        .into_iter()
                        .map(|(p, _)| {
                            let (c, pd) = leases
                                .iter()
                                .filter(|l| l.property_name == p)
                                .map(due)
                                .fold((Decimal::ZERO, Decimal::ZERO), |(a, b), (c, d)| (a + c, b + d));
                            (p.clone(), vec![p, money(c), money(pd), format!("{}%", rate(c, pd))])
                        })
                        .collect();
                    let summary = format!(
                        "{}% of the {} due from {range}{} has been collected ({}).",
                        rate(charged, paid),
                        money(charged),
                        at(&property),
                        money(paid)
                    );
                    answer(
                        "query_financials",
                        input,
                        &["Property", "Due", "Collected", "Rate"],
                        rows,
                        500,
                        json!({"due": charged.to_string(), "collected": paid.to_string(), "collection_rate_pct": rate(charged, paid).to_string()}),
                        summary,
                    )
                }
                "revenue_by_property" => {
                    let received = |p: &str| -> Decimal {
                        leases
                            .iter()
                            .filter(|l| l.property_name == p)
                            .flat_map(|l| &l.payments)
                            .filter(|(d, _)| *d >= from && *d <= to)
                            .map(|(_, a)| *a)
                            .sum()
                    };
                    let rows = by_property(&received);
                    let total: Decimal = rows.iter().map(|(_, v)| *v).sum();
                    let summary = format!("{} was received from {range}{}.", money(total), at(&property));
                    let rows = rows.into_iter().map(|(p, v)| (p.clone(), vec![p, money(v)])).collect();
                    answer(
                        "query_financials",
                        input,
                        &["Property", "Received"],
                        rows,
                        500,
                        json!({"revenue": total.to_string()}),
                        summary,
                    )
                }
                _ => {
                    let mut owing: Vec<_> = leases
                        .iter()
                        .map(|l| (l, l.ledger.overdue(data.today).map(|c| c.open_amount).sum::<Decimal>()))
                        .filter(|(_, v)| *v > Decimal::ZERO)
                        .collect();
                    owing.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.unit_number.cmp(&b.0.unit_number)));
                    let total: Decimal = owing.iter().map(|(_, v)| *v).sum();
                    let summary = format!(
                        "{} owe {} past due{}.",
                        plural(owing.len(), "lease", "leases"),
                        money(total),
                        at(&property)
                    );
                    let rows = owing
                        .iter()
                        .map(|(l, v)| {
                            (
                                l.lease_id.to_string(),
                                vec![l.property_name.clone(), l.unit_number.clone(), l.tenant_name.clone(), money(*v)],
                            )
                        })
                        .collect();
                    answer(
                        "query_financials",
                        input,
                        &["Property", "Unit", "Tenant", "Past due"],
                        rows,
                        500,
                        json!({"delinquent_leases": owing.len(), "past_due": total.to_string()}),
                        summary,
                    )
                }
            }
        }
        other => return Err(format!("metric '{other}' is not one of {}", metrics.join(", "))),
    })
}

/// Runs a query tool by name.
pub fn run(data: &PortfolioData, name: &str, input: &Value) -> Result<ToolAnswer, String> {
    match name {
        "query_leases" => query_leases(data, input),
        "query_financials" => query_financials(data, input),
        "query_maintenance" => query_maintenance(data, input),
        "query_vacancy" => query_vacancy(data, input),
        other => Err(format!("'{other}' is not a query tool")),
    }
}

/// Totals as `name → text`, for screens.
pub fn totals_text(a: &ToolAnswer) -> BTreeMap<String, String> {
    a.totals
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_string)))
        .collect()
}
