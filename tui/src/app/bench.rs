//! `unitcycle bench tui`: time frames of the property grid (5,000 units) and the lease table
//! (100,000 leases) drawn into a 120×40 `TestBackend`, every sidebar screen over the same
//! replica (the revenue screen over its units priced), and the command center re-filtering,
//! re-sorting and drawing 100,000 rows per frame.

use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::NaiveDate;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::store::Store;
use uuid::Uuid;

use rust_decimal::Decimal;
use unitcycle_core::command_center::{ActionType, Row as CcRow};
use unitcycle_core::model::LeaseStatus;

use super::screens::command_center::CommandCenter;
use super::screens::property::PropertyView;
use super::screens::Screen;
use super::worker::{CcData, Data, PricingData, PricingRow, PropertyData};
use super::{App, Cx, Env, Nav};

const FRAMES: u32 = 200;

fn env(today: NaiveDate) -> Env {
    let now = today.and_hms_opt(9, 0, 0).expect("valid time").and_utc();
    Env { today, actor: "user:bench@tui".into(), db_label: "bench.db".into(), now: Box::new(move || now) }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// One markdown row of frame times: `| what | mean | p50 | p99 | max |`.
fn report(table: &mut Vec<String>, name: &str, times: &mut [Duration]) {
    times.sort();
    let sum: Duration = times.iter().sum();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    table.push(format!(
        "| {name} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms |",
        ms(sum / times.len() as u32),
        ms(times[times.len() / 2]),
        ms(times[times.len() * 99 / 100]),
        ms(times[times.len() - 1])
    ));
}

fn print_table(table: &[String]) {
    println!("\n| frame (key + fetch when needed + draw) | mean | p50 | p99 | max |\n|---|---:|---:|---:|---:|");
    for row in table {
        println!("{row}");
    }
}

pub fn run(units: u32, leases: u32, replica: Option<&std::path::Path>) -> Result<()> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("valid date");
    println!("### Terminal app: {FRAMES} frames each at 120×40 (TestBackend), today {today}\n");
    let mut table = Vec::new();

    // The property grid: one property's real rows, repeated to `units` units over 4 buildings.
    let mut store = Store::in_memory()?;
    demo::generate(&mut store, &DemoConfig { units: 200, seed: 42, today })?;
    let property = store.properties()?.remove(0);
    let mut grid = store.property_grid(property.id)?;
    let stats = store.lifecycle_stats(&Default::default(), today)?;
    let sample = grid.units.clone();
    grid.units.clear();
    let per_building = units.div_ceil(4).max(1) as usize;
    for i in 0..units as usize {
        let mut row = sample[i % sample.len()].clone();
        row.unit.id = Uuid::from_u128(i as u128 + 1);
        row.unit.building_id = Some(Uuid::from_u128((i / per_building) as u128 + 1_000_000));
        row.building_name = format!("Building {}", (b'A' + (i / per_building) as u8) as char);
        row.unit.floor = ((i % per_building) / 50) as i32 + 1;
        row.unit.unit_number = format!("{}{:03}", row.unit.floor, i % 50 + 1);
        grid.units.push(row);
    }
    let env = env(today);
    let mut view = PropertyView::new(property.id.to_string());
    let mut cx = Cx {
        today,
        actor: env.actor.clone(),
        now: (env.now)(),
        replica: env.db_label.clone(),
        id: 1,
        requests: Vec::new(),
        push: Vec::new(),
        message: None,
        edit: None,
    };
    let t = Instant::now();
    view.on_data(Data::Property(Box::new(PropertyData { property, buildings: Vec::new(), stats, grid })), &mut cx);
    println!("- property grid layout ({units} units): {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
    let mut terminal = Terminal::new(TestBackend::new(120, 40))?;
    let mut times = Vec::new();
    for i in 0..FRAMES {
        let action = if i % 10 == 9 { super::keys::Action::PageDown } else { super::keys::Action::Down };
        let t = Instant::now();
        view.on_action(action, &mut cx);
        terminal.draw(|f| view.draw(f, f.area(), &env))?;
        times.push(t.elapsed());
    }
    report(&mut table, &format!("property grid, {units} units: move + draw"), &mut times);

    // The lease table over a real replica of `leases` units (one current lease each, plus history).
    let dir = tempfile::tempdir()?;
    let path = replica.map_or_else(|| dir.path().join("bench.db"), |p| p.to_path_buf());
    let store = if path.exists() {
        Store::open(&path)?
    } else {
        let mut store = Store::create(&path)?;
        let t = Instant::now();
        let s = demo::generate(&mut store, &DemoConfig { units: leases, seed: 42, today })?;
        println!("- generate {} leases: {:.2} s", s.leases, t.elapsed().as_secs_f64());
        store
    };
    let t = Instant::now();
    let order = store.lease_order(&Default::default(), Default::default())?;
    println!(
        "- lease order (ids of {} leases, sorted, off the draw thread): {:.1} ms",
        order.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let all = order.len();
    for offset in [0, all / 2, all.saturating_sub(400)] {
        let t = Instant::now();
        store.lease_rows(&Default::default(), Default::default(), offset, Some(400))?;
        let rows = t.elapsed();
        let t = Instant::now();
        store.lease_rows_by_id(&order[offset..(offset + 400).min(all)])?;
        println!(
            "- page of 400 at offset {offset} of {all}: OFFSET query {:.1} ms, by id from the order {:.1} ms",
            rows.as_secs_f64() * 1e3,
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    let t = Instant::now();
    let cc_rows = store.command_center_rows(&unitcycle_core::time::Days::uniform(today))?;
    println!(
        "- command_center_rows over the replica ({} units, off the draw thread): {:.1} ms",
        cc_rows.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    drop(cc_rows);
    // The revenue screen needs the units priced: once (a kept replica keeps its snapshots).
    let mut store = store;
    if unitcycle_core::pricing::port::PricingPort::latest_snapshots(&store)?.is_empty() {
        let t = Instant::now();
        let now = today.and_hms_opt(12, 0, 0).expect("valid time").and_utc();
        let r = unitcycle_core::pricing::workflow::daily(&mut store, today, now)?;
        println!("- price {} units (the pricing engine): {:.1} s", r.units, t.elapsed().as_secs_f64());
    }
    let mut app = App::new(env, store);
    let t = Instant::now();
    app.goto(Nav::Lifecycle);
    app.settle();
    println!(
        "- open lease table (order + stats + first page, off the draw thread): {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut terminal = Terminal::new(TestBackend::new(120, 40))?;
    terminal.draw(|f| app.draw(f))?;

    let mut times = Vec::new();
    for _ in 0..FRAMES {
        let t = Instant::now();
        terminal.draw(|f| app.draw(f))?;
        times.push(t.elapsed());
    }
    report(&mut table, &format!("lease table, {all} leases: draw only"), &mut times);

    let mut times = Vec::new();
    for _ in 0..FRAMES {
        let t = Instant::now();
        app.handle_key(key(KeyCode::Down));
        app.settle();
        terminal.draw(|f| app.draw(f))?;
        times.push(t.elapsed());
    }
    report(&mut table, &format!("lease table, {all} leases: ↓ (fetch when needed) + draw"), &mut times);

    let mut times = Vec::new();
    for i in 0..FRAMES / 4 {
        let t = Instant::now();
        app.handle_key(key(if i % 2 == 0 { KeyCode::End } else { KeyCode::Home }));
        app.settle();
        terminal.draw(|f| app.draw(f))?;
        times.push(t.elapsed());
    }
    report(&mut table, &format!("lease table, {all} leases: End/Home + fetch + draw"), &mut times);

    // Every other screen of the sidebar over the same replica: open, then ↓ with a draw each.
    for (nav, name) in [
        (Nav::Dashboard, "dashboard"),
        (Nav::Properties, "properties"),
        (Nav::Renewals, "renewals"),
        (Nav::Collections, "collections"),
        (Nav::CommandCenter, "command center"),
        (Nav::Turnover, "turnover board"),
        (Nav::Pricing, "revenue intelligence"),
    ] {
        let t = Instant::now();
        app.goto(nav);
        app.settle();
        println!("- open {name} (off the draw thread): {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
        let mut times = Vec::new();
        for i in 0..FRAMES {
            let t = Instant::now();
            app.handle_key(key(if i % 20 < 10 { KeyCode::Down } else { KeyCode::Up }));
            app.settle();
            terminal.draw(|f| app.draw(f))?;
            times.push(t.elapsed());
        }
        report(&mut table, &format!("{name}, {all} leases: ↓/↑ + draw"), &mut times);
    }
    command_center(today, leases as usize, &mut table)?;
    pricing(today, leases as usize, &mut table)?;
    print_table(&table);
    Ok(())
}

/// `n` synthetic command-center rows: four properties, every state, a third with an AI action.
fn synthetic_rows(n: usize) -> Vec<CcRow> {
    let states = [LeaseStatus::Active, LeaseStatus::MonthToMonth, LeaseStatus::Notice, LeaseStatus::Vacant];
    let actions = [ActionType::RenewalOffer, ActionType::RentIncreaseNotice, ActionType::MoveOutInspection];
    let risks = ["low", "medium", "high"];
    (0..n)
        .map(|i| {
            let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 33;
            let state = states[(h % 4) as usize];
            CcRow {
                unit_id: Uuid::from_u128(i as u128 + 1),
                unit_number: format!("{}{:03}", (b'A' + (i % 26) as u8) as char, i % 1000),
                property_id: Uuid::from_u128(1_000_000 + (i % 4) as u128),
                property_name: format!("Property {}", i % 4),
                tenant_name: (state != LeaseStatus::Vacant).then(|| format!("Tenant {i}")),
                lifecycle_state: state,
                rent: Decimal::from(900 + (h % 2000) as i64),
                market_rent: Decimal::from(1000 + (h % 2100) as i64),
                days_to_event: (state != LeaseStatus::MonthToMonth).then_some((h % 400) as i64 - 30),
                risk_level: (h % 5 < 3).then(|| risks[(h % 3) as usize].to_string()),
                ai_action: (h % 3 == 0).then(|| actions[(h / 3 % 3) as usize]),
                ai_confidence: (h % 3 == 0).then(|| 0.6 + (h % 40) as f64 / 100.0),
            }
        })
        .collect()
}

/// The command center over `n` rows in memory: each frame changes a filter or the sort (so
/// `command_center::view` filters and sorts every row) and draws at 120×40.
fn command_center(today: NaiveDate, n: usize, table: &mut Vec<String>) -> Result<()> {
    use super::keys::Action;
    let env = env(today);
    let mut cx = Cx {
        today,
        actor: env.actor.clone(),
        now: (env.now)(),
        replica: env.db_label.clone(),
        id: 1,
        requests: Vec::new(),
        push: Vec::new(),
        message: None,
        edit: None,
    };
    let rows = synthetic_rows(n);
    let mut screen = CommandCenter::default();
    let t = Instant::now();
    let labels = vec![None; rows.len()];
    let data = CcData::new(rows, labels);
    let worker = t.elapsed();
    let t = Instant::now();
    screen.on_data(Data::CommandCenter(Box::new(data)), &mut cx);
    println!(
        "- command center, {n} rows: every sort order made on the worker {:.1} ms, screen takes them + first view {:.2} ms",
        worker.as_secs_f64() * 1e3,
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut terminal = Terminal::new(TestBackend::new(120, 40))?;
    let cycle = [
        Action::ToggleMtm,
        Action::CycleSort,
        Action::SortDirection,
        Action::ToggleNotice,
        Action::ToggleAiOnly,
        Action::CycleSort,
        Action::ToggleMtm,
        Action::ToggleAiOnly,
        Action::ToggleNotice,
        Action::CycleProperty,
    ];
    let mut times = Vec::new();
    for i in 0..FRAMES as usize {
        let t = Instant::now();
        screen.on_action(cycle[i % cycle.len()], &mut cx);
        terminal.draw(|f| screen.draw(f, f.area(), &env))?;
        times.push(t.elapsed());
    }
    report(table, &format!("command center, {n} rows: filter/sort key + draw"), &mut times);
    let mut times = Vec::new();
    for i in 0..FRAMES as usize {
        let t = Instant::now();
        screen.on_action(if i % 10 == 9 { Action::PageDown } else { Action::ToggleSelect }, &mut cx);
        terminal.draw(|f| screen.draw(f, f.area(), &env))?;
        times.push(t.elapsed());
    }
    report(table, &format!("command center, {n} rows: select + draw"), &mut times);
    Ok(())
}

/// `n` synthetic units below market over 500 properties, as the revenue screen's worker
/// answers them (the opportunity, the rows and every sort order).
fn synthetic_pricing(n: usize) -> PricingData {
    use std::collections::HashMap;
    use unitcycle_core::pricing::{self, Basis, PricingSnapshot, Strategy};
    let at = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("valid date");
    let names: HashMap<Uuid, String> =
        (0..500).map(|p| (Uuid::from_u128(1_000_000 + p), format!("Property {p:03}"))).collect();
    let rows: Vec<PricingRow> = (0..n)
        .map(|i| {
            let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 33;
            let market = Decimal::from(1000 + (h % 2000) as i64);
            // 3 % to 17 % below market.
            let current = (market * Decimal::new(97 - (h % 15) as i64, 2)).round_dp(2);
            let (gap, pct) = pricing::gap(current, market);
            let property_id = Uuid::from_u128(1_000_000 + (i % 500) as u128);
            PricingRow {
                snapshot: PricingSnapshot {
                    id: Uuid::from_u128(i as u128 + 1),
                    unit_id: Uuid::from_u128(i as u128 + 10_000_000),
                    property_id,
                    snapshot_date: today,
                    current_rent: Some(current),
                    market_rent: market,
                    recommended_rent: market.round_dp(0),
                    rent_per_sqft: None,
                    market_rent_per_sqft: None,
                    rent_gap_amount: gap,
                    rent_gap_pct: pct,
                    days_vacant: 0,
                    seasonal_factor: 0.98,
                    demand_score: 0.93,
                    comp_count: 3 + (h % 20) as i32,
                    confidence_score: 0.6 + (h % 35) as f64 / 100.0,
                    pricing_strategy: Strategy::Aggressive,
                    created_at: at,
                    basis: Basis::Internal,
                    reason: "Internal comps at this property.".into(),
                    size_adjustment: 1.0,
                    vacancy_discount: 0.0,
                },
                unit: format!("{}{:03}", (b'A' + (i % 26) as u8) as char, i % 1000),
                property: names[&property_id].clone(),
            }
        })
        .collect();
    let snapshots: Vec<PricingSnapshot> = rows.iter().map(|r| r.snapshot.clone()).collect();
    let opportunity = pricing::revenue_opportunity(&snapshots, &names);
    let orders = super::screens::pricing::Orders::new(&rows);
    PricingData { opportunity, rows, orders, priced: n, as_of: Some(today) }
}

/// The revenue screen over `n` units below market in memory: each frame changes the sort (so
/// the view is rebuilt from a prepared order) or moves the cursor, and draws at 120×40.
fn pricing(today: NaiveDate, n: usize, table: &mut Vec<String>) -> Result<()> {
    use super::keys::Action;
    use super::screens::pricing::Pricing;
    let env = env(today);
    let mut cx = Cx {
        today,
        actor: env.actor.clone(),
        now: (env.now)(),
        replica: env.db_label.clone(),
        id: 1,
        requests: Vec::new(),
        push: Vec::new(),
        message: None,
        edit: None,
    };
    let t = Instant::now();
    let data = synthetic_pricing(n);
    let worker = t.elapsed();
    let mut screen = Pricing::default();
    let t = Instant::now();
    screen.on_data(Data::Pricing(Box::new(data)), &mut cx);
    println!(
        "- revenue screen, {n} units below market: opportunity and every sort order on the worker {:.1} ms, screen takes them {:.2} ms",
        worker.as_secs_f64() * 1e3,
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut terminal = Terminal::new(TestBackend::new(120, 40))?;
    let cycle = [Action::CycleSort, Action::SortDirection, Action::Down, Action::PageDown, Action::Bottom];
    let mut times = Vec::new();
    for i in 0..FRAMES as usize {
        let t = Instant::now();
        screen.on_action(cycle[i % cycle.len()], &mut cx);
        terminal.draw(|f| screen.draw(f, f.area(), &env))?;
        times.push(t.elapsed());
    }
    report(table, &format!("revenue screen, {n} units below market: sort/move key + draw"), &mut times);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_revenue_benchmark_runs_on_a_small_portfolio() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let data = synthetic_pricing(1_000);
        assert_eq!((data.rows.len(), data.opportunity.units_below_market), (1_000, 1_000));
        assert_eq!(data.opportunity.by_property.len(), 500);
        let mut table = Vec::new();
        pricing(today, 1_000, &mut table).unwrap();
        assert_eq!(table.len(), 1);
    }

    #[test]
    fn the_command_center_benchmark_runs_on_a_small_portfolio() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let rows = synthetic_rows(1_000);
        assert_eq!(rows.len(), 1_000);
        assert!(rows.iter().any(|r| r.ai_action.is_some()) && rows.iter().any(|r| r.tenant_name.is_none()));
        let mut table = Vec::new();
        command_center(today, 1_000, &mut table).unwrap();
        assert_eq!(table.len(), 2);
    }
}
