//! The one-page revenue-opportunity report of one property (spec 2.2), as a PDF: the property and
//! the date, the totals of [`super::revenue_opportunity`] over the property's latest snapshots
//! (units priced, below market, the monthly and annual opportunity, the average gap), a bar per
//! unit for the units furthest below market, and a table of those units with the factors of
//! their figures (strategy, confidence, basis).
//!
//! Every figure comes from the latest snapshots as the engine wrote them; nothing is estimated
//! here. [`gather`] reads them through the port, [`render`] draws the page (pure: the same input
//! gives the same bytes), with the page builder of [`crate::pdf`].

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::port::PricingPort;
use super::{PricingSnapshot, RevenueOpportunity, AT_MARKET_PCT};
use crate::format::{date, money};
use crate::pdf::{colors, Doc, Face, PdfError, MARGIN, PAGE_W};
use crate::store::{Result, StoreError};

/// At most this many units below market are drawn and listed (the largest shortfalls): the
/// report stays one page however large the property.
pub const WORST_UNITS: usize = 15;

/// A unit below market on the report: its latest snapshot and its number.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportUnit {
    pub unit_number: String,
    pub snapshot: PricingSnapshot,
}

/// Everything the page shows, read from one property's latest snapshots.
#[derive(Debug, Clone, PartialEq)]
pub struct RevenueReport {
    pub property_id: Uuid,
    pub property_name: String,
    /// The property's date the report is made on.
    pub date: NaiveDate,
    /// The day of the newest snapshot (None: the engine has not priced the property).
    pub as_of: Option<NaiveDate>,
    /// Units with a snapshot, vacant ones included.
    pub units_priced: u32,
    /// [`super::revenue_opportunity`] of the property's latest snapshots.
    pub opportunity: RevenueOpportunity,
    /// The units furthest below market, largest shortfall first, at most [`WORST_UNITS`].
    pub worst: Vec<ReportUnit>,
}

/// Whether the revenue opportunity counts `s` below market (an occupied unit more than 2 % under).
pub fn below_market(s: &PricingSnapshot) -> bool {
    s.current_rent.is_some() && s.rent_gap_pct < -AT_MARKET_PCT
}

/// The units below market among `snapshots`, the largest shortfall first (then the deepest
/// percentage, then by unit id so the order never changes between reads).
pub fn worst_first(snapshots: &[PricingSnapshot]) -> Vec<&PricingSnapshot> {
    let mut below: Vec<&PricingSnapshot> = snapshots.iter().filter(|s| below_market(s)).collect();
    below.sort_by(|a, b| {
        a.rent_gap_amount
            .cmp(&b.rent_gap_amount)
            .then(a.rent_gap_pct.total_cmp(&b.rent_gap_pct))
            .then(a.unit_id.cmp(&b.unit_id))
    });
    below
}

/// The report of `property_id` on `today` (the property's date), from its latest snapshots.
pub fn gather<P: PricingPort + ?Sized>(port: &P, property_id: Uuid, today: NaiveDate) -> Result<RevenueReport> {
    if !port.property_zones()?.contains_key(&property_id) {
        return Err(StoreError::NotFound { what: "Property", id: property_id.to_string() });
    }
    let property = port.property(property_id)?;
    let snapshots: Vec<PricingSnapshot> =
        port.latest_snapshots()?.into_iter().filter(|s| s.property_id == property_id).collect();
    let names = HashMap::from([(property_id, property.name.clone())]);
    let opportunity = super::revenue_opportunity(&snapshots, &names);
    let mut worst = Vec::new();
    for s in worst_first(&snapshots).into_iter().take(WORST_UNITS) {
        worst.push(ReportUnit { unit_number: port.unit(s.unit_id)?.unit_number, snapshot: s.clone() });
    }
    Ok(RevenueReport {
        property_id,
        property_name: property.name,
        date: today,
        as_of: snapshots.iter().map(|s| s.snapshot_date).max(),
        units_priced: snapshots.len() as u32,
        opportunity,
        worst,
    })
}

/// The file the report is saved as: `revenue-opportunity-<property>-<date>.pdf`.
pub fn file_name(report: &RevenueReport) -> String {
    format!("revenue-opportunity-{}-{}.pdf", report.property_name, report.date)
}

/// `-6.1%`, `+0.4%`.
pub fn pct(p: f64) -> String {
    format!("{p:+.1}%")
}

const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Amber, the revenue screens' colour for a gap.
const GAP: (u8, u8, u8) = (0xD9, 0x77, 0x06);

/// The totals as (label, value, note) in the order the page shows them.
pub fn totals(report: &RevenueReport) -> [(&'static str, String, String); 5] {
    let o = &report.opportunity;
    [
        ("Units priced", report.units_priced.to_string(), format!("{} occupied analysed", o.total_units_analyzed)),
        ("Below market", o.units_below_market.to_string(), format!("of {} occupied", o.total_units_analyzed)),
        ("Monthly opportunity", money(o.total_monthly_gap), "short of market each month".into()),
        ("Annual opportunity", money(o.annual_revenue_opportunity), "twelve months of it".into()),
        ("Average gap", pct(o.avg_gap_pct), "occupied units vs market".into()),
    ]
}

/// Draws the report: always one page.
pub fn render(report: &RevenueReport, generated_at: DateTime<Utc>) -> std::result::Result<Vec<u8>, PdfError> {
    // The footer has room for about 60 characters of the name beside the page number.
    let mut name: String = report.property_name.chars().take(60).collect();
    if name.len() < report.property_name.len() {
        name = format!("{}...", name.trim_end());
    }
    let footer = format!("UnitCycle revenue opportunity - {name} - {}", report.date.format("%Y-%m-%d"));
    let mut d = Doc::new(&format!("Revenue opportunity - {}", report.property_name), &footer, generated_at)?;
    header(&mut d, report);
    totals_panel(&mut d, report);
    if report.worst.is_empty() {
        let text = if report.units_priced == 0 {
            "No unit of this property has a pricing snapshot yet: run the pricing engine, then make the report again."
        } else {
            "No occupied unit is more than 2% below its market rent: there is no gap to close."
        };
        d.paragraph(MARGIN, CONTENT_W, text, Face::Body, 11.0, colors::INK);
    } else {
        bars(&mut d, report);
        table(&mut d, report);
    }
    notes(&mut d, report);
    Ok(d.finish())
}

fn header(d: &mut Doc, r: &RevenueReport) {
    d.fill_rect(0.0, 0.0, PAGE_W, 92.0, colors::NAVY);
    d.fill_rect(0.0, 92.0, PAGE_W, 3.0, colors::GOLD);
    d.text_at(MARGIN, 22.0, "REVENUE OPPORTUNITY", Face::Heading, 10.0, colors::GOLD, true);
    d.text_right(
        PAGE_W - MARGIN,
        20.0,
        &format!("Report date {}", date(r.date)),
        Face::Body,
        9.5,
        colors::WHITE,
        false,
    );
    let as_of = r.as_of.map_or_else(|| "Not priced yet".to_string(), |a| format!("Priced as of {}", date(a)));
    d.text_right(PAGE_W - MARGIN, 34.0, &as_of, Face::Body, 9.5, colors::WHITE, false);
    let name = fit(d, &r.property_name, Face::Heading, 20.0, CONTENT_W);
    d.text_at(MARGIN, 48.0, &name, Face::Heading, 20.0, colors::WHITE, true);
    d.y = 112.0;
}

/// `text` cut to `width` with an ellipsis when it is wider.
fn fit(d: &Doc, text: &str, face: Face, size: f32, width: f32) -> String {
    if d.width(text, face, size) <= width {
        return text.to_string();
    }
    let mut out: String = text.to_string();
    while !out.is_empty() && d.width(&format!("{out}..."), face, size) > width {
        out.pop();
    }
    format!("{}...", out.trim_end())
}

fn totals_panel(d: &mut Doc, r: &RevenueReport) {
    let top = d.y;
    let h = 62.0;
    d.fill_rect(MARGIN, top, CONTENT_W, h, colors::PANEL);
    let col = CONTENT_W / 5.0;
    for (n, (label, value, note)) in totals(r).iter().enumerate() {
        let x = MARGIN + 10.0 + n as f32 * col;
        d.text_at(x, top + 9.0, label, Face::Body, 8.5, colors::MUTED, false);
        let colour = if n == 1 && r.opportunity.units_below_market > 0 { colors::RED } else { colors::NAVY };
        // A large figure is set smaller rather than run into the next column.
        let mut size = 13.0;
        while size > 8.0 && d.width(value, Face::Mono, size) > col - 16.0 {
            size -= 0.5;
        }
        d.text_at(x, top + 22.0, value, Face::Mono, size, colour, true);
        d.text_at(x, top + 42.0, note, Face::Body, 7.5, colors::MUTED, false);
    }
    let o = &r.opportunity;
    let line = format!(
        "{} at market (within {AT_MARKET_PCT}%), {} above market; vacant units are priced but have no gap.",
        o.units_at_market, o.units_above_market
    );
    d.text_at(MARGIN, top + h + 6.0, &line, Face::Body, 8.5, colors::MUTED, false);
    d.y = top + h + 28.0;
}

fn bars(d: &mut Doc, r: &RevenueReport) {
    let title = if r.worst.len() < r.opportunity.units_below_market as usize {
        format!(
            "Gap per unit: the {} of {} units below market furthest under it",
            r.worst.len(),
            r.opportunity.units_below_market
        )
    } else {
        format!("Gap per unit: the {} units below market", r.worst.len())
    };
    d.text_at(MARGIN, d.y, &title, Face::Heading, 12.0, colors::NAVY, true);
    d.y += 22.0;
    let (label_w, value_w) = (58.0, 118.0);
    let track = CONTENT_W - label_w - value_w;
    let largest = r.worst.iter().map(|u| -u.snapshot.rent_gap_amount).max().unwrap_or_default();
    for u in &r.worst {
        let s = &u.snapshot;
        let y = d.y;
        let unit = fit(d, &u.unit_number, Face::Mono, 8.5, label_w - 4.0);
        d.text_at(MARGIN, y + 1.0, &unit, Face::Mono, 8.5, colors::INK, false);
        let share = if largest > Decimal::ZERO { (-s.rent_gap_amount / largest).to_f32().unwrap_or(0.0) } else { 0.0 };
        d.fill_rect(MARGIN + label_w, y + 1.0, track, 9.0, colors::PANEL);
        // A unit with any gap gets a sliver, so it never reads as none.
        d.fill_rect(MARGIN + label_w, y + 1.0, (track * share).max(1.5), 9.0, GAP);
        let value = format!("{} ({})", money(s.rent_gap_amount), pct(s.rent_gap_pct));
        d.text_right(PAGE_W - MARGIN, y + 1.0, &value, Face::Mono, 8.5, colors::INK, false);
        d.y += 12.5;
    }
    d.y += 12.0;
}

fn table(d: &mut Doc, r: &RevenueReport) {
    // (heading, width, right-aligned)
    const COLS: [(&str, f32, bool); 8] = [
        ("UNIT", 52.0, false),
        ("CURRENT", 68.0, true),
        ("MARKET", 68.0, true),
        ("GAP $", 66.0, true),
        ("GAP %", 50.0, true),
        ("STRATEGY", 84.0, false),
        ("CONF.", 40.0, true),
        ("BASIS", 88.0, false),
    ];
    let cell = |d: &mut Doc, n: usize, y: f32, text: &str, face: Face, colour: (u8, u8, u8), bold: bool| {
        let x: f32 = MARGIN + COLS[..n].iter().map(|c| c.1).sum::<f32>();
        let (_, w, right) = COLS[n];
        if right {
            d.text_right(x + w - 6.0, y, text, face, 8.5, colour, bold);
        } else {
            let x = if n == 0 { x } else { x + 8.0 };
            d.text_at(x, y, text, face, 8.5, colour, bold);
        }
    };
    let y = d.y;
    for (n, (heading, _, _)) in COLS.iter().enumerate() {
        cell(d, n, y, heading, Face::Body, colors::MUTED, true);
    }
    d.rule(MARGIN, PAGE_W - MARGIN, y + 13.0, colors::RULE, 0.75);
    d.y += 17.0;
    for u in &r.worst {
        let s = &u.snapshot;
        let y = d.y;
        let current = s.current_rent.map_or_else(|| "vacant".to_string(), money);
        let row: [(String, Face, (u8, u8, u8)); 8] = [
            (fit(d, &u.unit_number, Face::Mono, 8.5, COLS[0].1 - 4.0), Face::Mono, colors::INK),
            (current, Face::Mono, colors::INK),
            (money(s.market_rent), Face::Mono, colors::INK),
            (money(s.rent_gap_amount), Face::Mono, colors::RED),
            (pct(s.rent_gap_pct), Face::Mono, colors::RED),
            (s.pricing_strategy.label().to_string(), Face::Body, colors::INK),
            (format!("{:.0}%", s.confidence_score * 100.0), Face::Mono, colors::INK),
            (s.basis.label().to_string(), Face::Body, colors::INK),
        ];
        for (n, (text, face, colour)) in row.iter().enumerate() {
            cell(d, n, y, text, *face, *colour, false);
        }
        d.rule(MARGIN, PAGE_W - MARGIN, y + 12.0, colors::PANEL, 0.5);
        d.y += 13.0;
    }
    d.y += 8.0;
}

fn notes(d: &mut Doc, r: &RevenueReport) {
    let hidden = (r.opportunity.units_below_market as usize).saturating_sub(r.worst.len());
    if hidden > 0 {
        let more = format!(
            "{hidden} more units below market count in the totals but are not listed here (the app lists them all)."
        );
        d.paragraph(MARGIN, CONTENT_W, &more, Face::Body, 7.5, colors::INK);
    }
    let text = format!(
        "Figures from the latest pricing snapshot of each unit. Below market: a current rent more than \
         {AT_MARKET_PCT}% under the unit's market rent. The monthly opportunity sums what those units are short of \
         it; the annual opportunity is twelve months of it. The average gap is over the occupied units."
    );
    d.paragraph(MARGIN, CONTENT_W, &text, Face::Body, 7.5, colors::MUTED);
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use rust_decimal_macros::dec;

    use super::*;
    use crate::pdf::page_texts;
    use crate::pricing::{Basis, Strategy};

    const PROPERTY: Uuid = Uuid::from_u128(7);

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
    }

    /// An occupied unit paying `current` against a market of `market`.
    fn snap(n: u128, current: Option<Decimal>, market: Decimal) -> PricingSnapshot {
        let (gap, gap_pct) = current.map_or((Decimal::ZERO, 0.0), |c| super::super::gap(c, market));
        PricingSnapshot {
            id: Uuid::from_u128(1000 + n),
            unit_id: Uuid::from_u128(100 + n),
            property_id: PROPERTY,
            snapshot_date: "2026-11-25".parse().unwrap(),
            current_rent: current,
            market_rent: market,
            recommended_rent: market.round_dp(0),
            rent_per_sqft: None,
            market_rent_per_sqft: None,
            rent_gap_amount: gap,
            rent_gap_pct: gap_pct,
            days_vacant: 0,
            seasonal_factor: 0.98,
            demand_score: 0.9,
            comp_count: 4,
            confidence_score: 0.8,
            pricing_strategy: Strategy::Aggressive,
            created_at: at(),
            basis: Basis::Internal,
            reason: "4 comps".into(),
            size_adjustment: 1.0,
            vacancy_discount: 0.0,
        }
    }

    fn report(snapshots: &[PricingSnapshot]) -> RevenueReport {
        let names = HashMap::from([(PROPERTY, "Harbor View Apartments".to_string())]);
        RevenueReport {
            property_id: PROPERTY,
            property_name: "Harbor View Apartments".into(),
            date: "2026-11-25".parse().unwrap(),
            as_of: snapshots.iter().map(|s| s.snapshot_date).max(),
            units_priced: snapshots.len() as u32,
            opportunity: super::super::revenue_opportunity(snapshots, &names),
            worst: worst_first(snapshots)
                .into_iter()
                .take(WORST_UNITS)
                .map(|s| ReportUnit { unit_number: format!("A{}", s.unit_id.as_u128() - 100), snapshot: s.clone() })
                .collect(),
        }
    }

    fn text_of(bytes: &[u8]) -> (usize, String) {
        let pages = page_texts(bytes).unwrap();
        (pages.len(), pages.join("\n"))
    }

    /// Every total of the opportunity, as the page states it.
    fn assert_states_totals(text: &str, r: &RevenueReport, o: &RevenueOpportunity) {
        for needle in [
            money(o.total_monthly_gap),
            money(o.annual_revenue_opportunity),
            pct(o.avg_gap_pct),
            r.property_name.clone(),
            date(r.date),
        ] {
            assert!(text.contains(&needle), "{needle} missing from {text}");
        }
        let stated: Vec<(&str, String)> = totals(r).into_iter().map(|(label, value, _)| (label, value)).collect();
        assert_eq!(stated[0], ("Units priced", r.units_priced.to_string()));
        assert_eq!(stated[1], ("Below market", o.units_below_market.to_string()));
        for (label, value) in stated {
            assert!(text.contains(label) && text.contains(&value), "{label} {value} missing from {text}");
        }
    }

    #[test]
    fn forty_units_below_market_fit_one_page_with_the_fifteen_largest_gaps() {
        // Units 1–40 short of a $1,500 market by $10 × n (1–3 within 2 %: at market); 41–45 at
        // market; 46 vacant.
        let mut snapshots: Vec<PricingSnapshot> =
            (1..=40).map(|n| snap(n, Some(dec!(1500) - Decimal::from(10 * n)), dec!(1500))).collect();
        snapshots.extend((41..=45).map(|n| snap(n, Some(dec!(1500)), dec!(1500))));
        snapshots.push(snap(46, None, dec!(1450)));
        let r = report(&snapshots);
        assert_eq!(r.worst.len(), WORST_UNITS);
        assert_eq!(r.worst[0].unit_number, "A40", "the largest shortfall first");
        assert_eq!(r.worst[14].unit_number, "A26");
        let o = &r.opportunity;
        assert_eq!((o.total_units_analyzed, o.units_below_market, o.units_at_market), (45, 37, 8));
        assert_eq!(o.total_monthly_gap, Decimal::from((4..=40).map(|n| 10 * n).sum::<i64>()));

        let (pages, text) = text_of(&render(&r, at()).unwrap());
        assert_eq!(pages, 1, "{text}");
        assert_states_totals(&text, &r, o);
        assert!(text.contains("-$400.00") && text.contains("-26.7%"), "A40's gap: {text}");
        assert!(text.contains("Aggressive") && text.contains("Internal comps") && text.contains("80%"));
        assert!(text.contains("22 more units below market"), "{text}");
        assert!(!text.contains("A25"), "only the fifteen largest are listed");

        // A long name is cut to the page's width, and the report stays one page.
        let long = RevenueReport { property_name: "Harbor View Apartments and Townhomes ".repeat(5), ..r };
        let (pages, text) = text_of(&render(&long, at()).unwrap());
        assert_eq!(pages, 1, "{text}");
        assert!(text.contains("Harbor View Apartments and Townhomes Harbor"), "{text}");
    }

    #[test]
    fn a_property_without_a_gap_or_without_snapshots_says_so_on_its_one_page() {
        let none = report(&[]);
        let (pages, text) = text_of(&render(&none, at()).unwrap());
        assert_eq!(pages, 1);
        assert!(text.contains("No unit of this property has a pricing snapshot yet"), "{text}");
        let at_market = report(&[snap(1, Some(dec!(1500)), dec!(1500))]);
        let (pages, text) = text_of(&render(&at_market, at()).unwrap());
        assert_eq!(pages, 1);
        assert!(text.contains("No occupied unit is more than 2% below"), "{text}");
        assert_states_totals(&text, &at_market, &at_market.opportunity);
    }

    #[test]
    fn the_demo_property_report_states_the_revenue_opportunity_of_its_latest_snapshots() {
        let mut store = crate::store::Store::in_memory().unwrap();
        let today: NaiveDate = "2026-11-25".parse().unwrap();
        crate::demo::generate(
            &mut store,
            &crate::demo::DemoConfig { units: 60, ..crate::demo::DemoConfig::new(today) },
        )
        .unwrap();
        crate::pricing::workflow::daily(&mut store, today, at()).unwrap();
        let snapshots = store.latest_snapshots().unwrap();
        let mut checked = 0;
        for property in store.property_zones().unwrap().into_keys() {
            let r = gather(&store, property, today).unwrap();
            let expected = super::super::workflow::opportunity(&store, Some(property)).unwrap();
            assert_eq!(r.opportunity, expected);
            assert_eq!(r.units_priced as usize, snapshots.iter().filter(|s| s.property_id == property).count());
            let (pages, text) = text_of(&render(&r, at()).unwrap());
            assert_eq!(pages, 1, "{text}");
            assert_states_totals(&text, &r, &expected);
            for u in &r.worst {
                assert!(below_market(&u.snapshot));
                assert!(text.contains(&money(u.snapshot.rent_gap_amount)), "{} missing", u.unit_number);
            }
            checked += usize::from(expected.units_below_market > 0);
        }
        assert!(checked > 0, "the demo has a property with units below market");
        let missing = gather(&store, Uuid::nil(), today).unwrap_err();
        assert!(matches!(missing, StoreError::NotFound { .. }), "{missing}");
        let first = store.property_zones().unwrap().into_keys().next().unwrap();
        assert!(file_name(&gather(&store, first, today).unwrap()).ends_with("-2026-11-25.pdf"));
    }
}
