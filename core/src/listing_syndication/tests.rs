//! Listing syndication as the spec writes it: the lead weights and grades, content within each
//! platform's limits, the price check and stats shapes, the MITS feed's structure, and the
//! workflow on a replica (create → publish → lead → respond → auto-delist).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

use super::analysis::{self, price_check, view_percentile};
use super::feed::{mits_feed, FeedEntry};
use super::model::{CompetingListing, Listing, ListingLead, QualificationFactors};
use super::optimize::{self, OptimizeInput};
use super::port::ListingPort;
use super::publisher::FeedPublisher;
use super::scoring::{self, LeadFacts, LeadInput, ListingFacts};
use super::workflow::{self as wf, NewLead, NewListing, RespondBody};
use crate::model::{Property, Unit, UnitStatus};
use crate::store::Store;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn money(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn facts(message: &str) -> LeadFacts {
    LeadFacts {
        prospect_name: "Maya Chen".into(),
        email: "maya@example.com".into(),
        phone: "555-010-2030".into(),
        message: message.into(),
        move_in_date: Some(d("2026-12-20")),
        stated_income: Some(money("6000")),
        rent: money("1900"),
        today: d("2026-12-01"),
    }
}

#[test]
fn the_score_is_the_prompts_weights_over_the_five_factors() {
    let all = QualificationFactors {
        income_signal: 1.0,
        urgency: 1.0,
        message_quality: 1.0,
        timeline_fit: 1.0,
        completeness: 1.0,
    };
    assert_eq!(scoring::score(&all), 100);
    // 0.30×0.8 + 0.25×0.9 + 0.20×0.7 + 0.15×0.5 + 0.10×1.0 = 0.78 → 78.
    let f = QualificationFactors {
        income_signal: 0.8,
        urgency: 0.9,
        message_quality: 0.7,
        timeline_fit: 0.5,
        completeness: 1.0,
    };
    assert_eq!(scoring::score(&f), 78);
    // Each weight alone.
    for (f, s) in [
        (QualificationFactors { income_signal: 1.0, ..Default::default() }, 30),
        (QualificationFactors { urgency: 1.0, ..Default::default() }, 25),
        (QualificationFactors { message_quality: 1.0, ..Default::default() }, 20),
        (QualificationFactors { timeline_fit: 1.0, ..Default::default() }, 15),
        (QualificationFactors { completeness: 1.0, ..Default::default() }, 10),
    ] {
        assert_eq!(scoring::score(&f), s, "{f:?}");
    }
    // Out-of-range factors (a model's) are clamped.
    assert_eq!(scoring::score(&QualificationFactors { income_signal: 7.0, urgency: -2.0, ..Default::default() }), 30);
}

#[test]
fn grades_are_a_from_80_b_from_60_c_from_40_else_d() {
    for (s, g) in [(100, "A"), (80, "A"), (79, "B"), (60, "B"), (59, "C"), (40, "C"), (39, "D"), (0, "D")] {
        assert_eq!(scoring::grade(s), g, "{s}");
    }
}

#[test]
fn timeline_fit_is_high_within_30_days_medium_to_60_low_after() {
    let today = d("2026-12-01");
    for (m, f) in [
        (Some("2026-12-01"), 1.0),
        (Some("2026-12-31"), 1.0),
        (Some("2027-01-01"), 0.5),
        (Some("2027-01-30"), 0.5),
        (Some("2027-01-31"), 0.0),
        (None, 0.0),
    ] {
        assert_eq!(scoring::timeline_fit(m.map(d), today), f, "{m:?}");
    }
}

#[test]
fn income_of_three_times_the_rent_is_a_full_signal_and_a_mention_is_half() {
    assert_eq!(scoring::income_signal(&facts("")), 1.0); // 6000 ≥ 3 × 1900
    let yearly = LeadFacts { stated_income: Some(money("72000")), ..facts("") }; // 6000 a month
    assert_eq!(scoring::income_signal(&yearly), 1.0);
    let low = LeadFacts { stated_income: Some(money("3000")), ..facts("") };
    assert_eq!(scoring::income_signal(&low), 0.1);
    let none = LeadFacts { stated_income: None, ..facts("I work as a nurse at the hospital.") };
    assert_eq!(scoring::income_signal(&none), 0.5);
    let silent = LeadFacts { stated_income: None, ..facts("Is it available?") };
    assert_eq!(scoring::income_signal(&silent), 0.0);
}

#[test]
fn a_detailed_urgent_complete_lead_is_an_a_and_a_bare_one_a_d() {
    let good = facts(
        "Hello! I'm relocating for a new job and need to move by December 20. I earn $6,000 a month as an \
         engineer. Is parking included, and are cats allowed? Thank you.",
    );
    let f = scoring::offline_factors(&good);
    assert_eq!((f.income_signal, f.urgency, f.timeline_fit, f.completeness), (1.0, 1.0, 1.0, 1.0));
    assert_eq!(f.message_quality, 1.0);
    assert_eq!(scoring::score(&f), 100);
    let bare = LeadFacts {
        prospect_name: "J".into(),
        phone: String::new(),
        move_in_date: None,
        stated_income: None,
        ..facts("available?")
    };
    let f = scoring::offline_factors(&bare);
    let s = scoring::score(&f);
    assert_eq!((s, scoring::grade(s)), (9, "D"), "{f:?}"); // 0.3 message × 20% + 1/3 × 10%
}

fn listing_facts() -> ListingFacts {
    ListingFacts {
        title: "2 Bed 1 Bath at Cedar Court".into(),
        rent: money("1900"),
        bedrooms: 2,
        bathrooms: Decimal::ONE,
        available: "now".into(),
        pet_policy: "Cats allowed".into(),
    }
}

#[test]
fn the_offline_reply_states_only_the_listings_own_figures() {
    let reply = scoring::offline_response("Maya Chen", &listing_facts());
    assert_eq!(
        reply,
        "Hi Maya, thank you for your interest in 2 Bed 1 Bath at Cedar Court. The home has 2 bedrooms and 1 bathroom \
         and rents for $1,900.00/month. It is available now. Pets: Cats allowed. Would you like to schedule a tour? \
         Reply with a few times that work for you."
    );
    assert_eq!(scoring::dollar_figures(&reply), vec![money("1900.00")]);
}

#[test]
fn a_model_reply_naming_another_figure_is_refused() {
    use crate::ai::prompts::Task;
    let input = LeadInput { lead: facts("hi"), platform: "zillow".into(), listing: listing_facts() };
    let mut answer = scoring::offline_answer(&input);
    assert!(scoring::LeadQualification::check(&input, &answer).is_ok());
    answer.suggested_response = "Rent is $1,850 if you sign today.".into();
    assert!(scoring::LeadQualification::check(&input, &answer).unwrap_err().contains("1850"));
}

fn opt_input(platform: &str) -> OptimizeInput {
    OptimizeInput {
        platform_name: platform.into(),
        title: "Unit 4B".into(),
        description: "Bright corner unit with south-facing windows and a renovated bathroom. ".repeat(60),
        rent: money("1900"),
        bedrooms: 2,
        bathrooms: Decimal::ONE,
        sqft: 850,
        amenities: vec!["dishwasher".into(), "in_unit_laundry".into()],
        pet_policy: "Cats allowed".into(),
        neighborhood: "Springfield".into(),
        vacant: true,
    }
}

#[test]
fn every_platform_gets_content_within_its_limits_cut_at_a_word() {
    for l in optimize::LIMITS {
        let o = optimize::offline(&opt_input(l.platform));
        assert!(o.optimized_title.chars().count() <= l.title_char_limit, "{}: {}", l.platform, o.optimized_title);
        assert!(o.optimized_description.chars().count() <= l.description_char_limit, "{}", l.platform);
        assert!(!o.optimized_description.ends_with("renovat"), "{}", l.platform);
        assert!((0..=100).contains(&o.seo_score));
        assert_eq!(
            o.keywords_used,
            ["pet-friendly", "in-unit laundry", "dishwasher", "move-in ready", "near Springfield"],
            "{}",
            l.platform
        );
    }
    assert_eq!(optimize::trim_to("one two three", 9), "one two");
    assert_eq!(optimize::trim_to("one two three", 13), "one two three");
    assert_eq!(optimize::trim_to("abcdefghij", 4), "abcd");
}

#[test]
fn tone_follows_the_platform_and_only_true_keywords_are_used() {
    let zillow = optimize::offline(&opt_input("zillow"));
    assert!(
        zillow.optimized_title.starts_with("2 Bed 1 Bath – $1,900.00/mo – Pet-friendly"),
        "{}",
        zillow.optimized_title
    );
    assert!(zillow.optimized_description.ends_with("Contact us today to schedule a tour."));
    let cl = optimize::offline(&opt_input("craigslist"));
    assert!(cl.optimized_title.starts_with("$1,900.00 / 2br - pet-friendly"), "{}", cl.optimized_title);
    let fb = optimize::offline(&opt_input("facebook"));
    assert!(fb.optimized_description.starts_with("Hi! "));
    // No pets, no amenities, occupied, no city: nothing to claim.
    let plain = OptimizeInput {
        amenities: vec![],
        pet_policy: "No pets".into(),
        vacant: false,
        neighborhood: String::new(),
        ..opt_input("zillow")
    };
    let o = optimize::offline(&plain);
    assert!(o.keywords_used.is_empty());
    assert!(!o.optimized_description.to_lowercase().contains("pet-friendly"));
    // 20 for the call to action + 10 for bedrooms and rent in the title.
    assert_eq!(o.seo_score, 30);
}

fn comp(rent: &str, bedrooms: i32) -> CompetingListing {
    CompetingListing {
        id: Uuid::new_v4(),
        listing_id: Uuid::nil(),
        property_id: Uuid::nil(),
        competitor_address: "1 Main St".into(),
        competitor_rent: money(rent),
        competitor_bedrooms: bedrooms,
        competitor_sqft: None,
        competitor_amenities: vec![],
        price_diff_pct: 0.0,
        feature_advantages: vec![],
        scraped_at: at("2026-12-01T00:00:00Z"),
    }
}

#[test]
fn a_stale_listing_over_the_comps_is_told_to_come_down_toward_the_median() {
    let comps: Vec<_> = ["1800", "1825", "1850", "1850", "1875", "1900", "2400"]
        .iter()
        .map(|r| comp(r, if *r == "2400" { 3 } else { 2 }))
        .collect();
    let c = price_check(money("1900"), 2, money("1880"), &comps, 18, 22);
    assert_eq!(c.comparables_count, 6);
    assert_eq!(c.market_median, money("1850"));
    assert_eq!(c.recommended_rent, money("1850"));
    assert_eq!(c.confidence, 0.86);
    assert_eq!((c.days_on_market, c.view_percentile), (18, 22));
    let v = serde_json::to_value(&c).unwrap();
    for k in [
        "current_rent",
        "recommended_rent",
        "confidence",
        "reasoning",
        "comparables_count",
        "market_median",
        "days_on_market",
        "view_percentile",
    ] {
        assert!(v.get(k).is_some(), "{k}");
    }
    assert_eq!(v["current_rent"], json!(1900.0));
    // Not stale and in line: it stands. Without comps: the unit's market rent.
    let c = price_check(money("1860"), 2, money("1880"), &comps, 5, 60);
    assert_eq!(c.recommended_rent, money("1860"));
    let c = price_check(money("2000"), 2, money("1880"), &[], 20, 10);
    assert_eq!((c.market_median, c.recommended_rent, c.confidence), (money("1880"), money("1900"), 0.4));
}

#[test]
fn stale_means_over_14_days_and_below_the_25th_percentile() {
    assert_eq!(view_percentile(10, &[20, 30, 40, 50]), 0);
    assert_eq!(view_percentile(35, &[20, 30, 40, 50]), 50);
    assert_eq!(view_percentile(10, &[]), 50);
    assert!(analysis::is_stale(15, 24));
    assert!(!analysis::is_stale(14, 0));
    assert!(!analysis::is_stale(30, 25));
}

pub(super) fn unit(bedrooms: i32) -> Unit {
    Unit {
        id: Uuid::from_u128(7),
        property_id: Uuid::from_u128(1),
        building_id: None,
        unit_number: "4B".into(),
        floor: 2,
        bedrooms,
        bathrooms: Decimal::ONE,
        square_feet: 850,
        market_rent: money("1880"),
        current_rent: Decimal::ZERO,
        status: UnitStatus::Vacant,
        created_at: at("2026-01-01T00:00:00Z"),
        updated_at: at("2026-01-01T00:00:00Z"),
        archived_at: None,
    }
}

fn property() -> Property {
    Property {
        id: Uuid::from_u128(1),
        name: "Cedar & Pine".into(),
        address: "12 Cedar Ct".into(),
        city: "Springfield".into(),
        state: "IL".into(),
        zip_code: "62701".into(),
        property_type: "multifamily".into(),
        total_units: 10,
        year_built: None,
        created_at: at("2026-01-01T00:00:00Z"),
        updated_at: at("2026-01-01T00:00:00Z"),
        time_zone: "UTC".into(),
        archived_at: None,
    }
}

pub(super) fn listing(id: u128, status: &str) -> Listing {
    Listing {
        id: Uuid::from_u128(id),
        unit_id: Uuid::from_u128(7),
        property_id: Uuid::from_u128(1),
        turnover_case_id: None,
        staging_project_id: None,
        status: status.into(),
        asking_rent: money("1900"),
        title: format!("Listing {id} <bright>"),
        description: "Sunny & quiet".into(),
        photos: json!([
            {"url": "https://img.test/a.jpg", "caption": "Living room", "order": 1, "virtually_staged": true},
            {"url": "https://img.test/b.jpg", "caption": "Kitchen", "order": 0}
        ]),
        amenities: vec!["dishwasher".into()],
        pet_policy: "Cats allowed".into(),
        parking: String::new(),
        published_at: Some(at("2026-11-10T12:00:00Z")),
        delisted_at: None,
        total_views: 0,
        total_inquiries: 0,
        days_on_market: 0,
        is_stale: false,
        last_price_check: json!({}),
        competitor_analysis: json!({}),
        created_at: at("2026-11-01T00:00:00Z"),
        updated_at: at("2026-11-01T00:00:00Z"),
    }
}

/// The feed's structure: the MITS elements present, in order, once per active listing.
fn check_mits_structure(xml: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if !xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>") {
        problems.push("no XML declaration".into());
    }
    for tag in ["<PhysicalProperty", "</PhysicalProperty>"] {
        if xml.matches(tag).count() != 1 {
            problems.push(format!("{tag} must appear once"));
        }
    }
    for unit in xml.split("<ILS_Unit ").skip(1) {
        let unit = &unit[..unit.find("</ILS_Unit>").unwrap_or(unit.len())];
        let mut last = 0;
        for tag in [
            "<Units>",
            "<Unit>",
            "<Identification ",
            "<MarketingName>",
            "<UnitBedrooms>",
            "<UnitBathrooms>",
            "<MinSquareFeet>",
            "<MarketRent>",
            "<EffectiveRent ",
            "<Availability>",
        ] {
            match unit.find(tag) {
                Some(i) if i >= last => last = i,
                Some(_) => problems.push(format!("{tag} out of order")),
                None => problems.push(format!("{tag} missing")),
            }
        }
    }
    let opens = xml.matches("<Property>").count();
    if opens != xml.matches("</Property>").count() || xml.matches("<PropertyID>").count() != opens {
        problems.push("each Property needs one PropertyID".into());
    }
    problems
}

#[test]
fn the_mits_feed_carries_only_active_listings_with_staged_photos_flagged() {
    let entries: Vec<FeedEntry> = [(1, "active"), (2, "draft"), (3, "delisted"), (4, "paused")]
        .iter()
        .map(|(id, s)| FeedEntry { listing: listing(*id, s), unit: unit(2), property: property() })
        .collect();
    let xml = mits_feed(&entries, at("2026-12-01T00:00:00Z"));
    assert_eq!(check_mits_structure(&xml), Vec::<String>::new(), "{xml}");
    assert_eq!(xml.matches("<ILS_Unit ").count(), 1);
    assert!(xml.contains(&format!("<ILS_Unit IDValue=\"{}\">", Uuid::from_u128(1))));
    assert!(!xml.contains(&Uuid::from_u128(2).to_string()) && !xml.contains(&Uuid::from_u128(3).to_string()));
    assert!(xml.contains("<MarketingName>Cedar &amp; Pine</MarketingName>"));
    assert!(xml.contains("<Title>Listing 1 &lt;bright&gt;</Title>"));
    assert!(xml.contains("<UnitBedrooms>2</UnitBedrooms>") && xml.contains("<MarketRent>1900.00</MarketRent>"));
    // Photos by order; the staged one says so in its caption and description.
    let kitchen = xml.find("<Caption>Kitchen</Caption>").unwrap();
    let staged = xml.find("<Caption>Virtually staged – Living room</Caption>").unwrap();
    assert!(kitchen < staged);
    assert_eq!(xml.matches("<Description>Virtually staged</Description>").count(), 1);
    // No active listing: an empty, well-formed document.
    let empty = mits_feed(&entries[1..], at("2026-12-01T00:00:00Z"));
    assert_eq!(check_mits_structure(&empty), Vec::<String>::new());
    assert!(!empty.contains("<Property>"));
}

#[test]
fn stats_have_the_spec_shape() {
    let mut a = listing(1, "active");
    a.total_views = 200;
    a.total_inquiries = 7;
    a.is_stale = true;
    let b = listing(2, "draft");
    let lead = |grade: &str, platform: &str, created: &str| ListingLead {
        id: Uuid::new_v4(),
        listing_id: a.id,
        property_id: a.property_id,
        source_platform: platform.into(),
        prospect_name: "X Y".into(),
        email: String::new(),
        phone: String::new(),
        message: String::new(),
        move_in_date: None,
        stated_income: None,
        lead_score: 0,
        lead_grade: grade.into(),
        qualification_factors: QualificationFactors::default(),
        status: "new".into(),
        ai_suggested_response: String::new(),
        scored_by: "offline".into(),
        created_at: at(created),
        updated_at: at(created),
    };
    let leads = vec![
        lead("A", "zillow", "2026-12-01T10:00:00Z"),
        lead("B", "apartments_com", "2026-11-20T10:00:00Z"),
        lead("B", "apartments_com", "2026-12-02T10:00:00Z"),
    ];
    let s = analysis::stats(&[a, b], &leads, d("2026-12-05"));
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(
        v,
        json!({"active_listings": 1, "total_leads_this_month": 2, "avg_days_on_market": 25.0,
            "overall_conversion_rate": 0.035, "leads_by_grade": {"A": 1, "B": 2, "C": 0, "D": 0},
            "top_platform": "apartments_com", "top_platform_leads": 2, "stale_listings": 1})
    );
}

/// A replica with the demo portfolio; a vacant unit without an active lease.
fn replica() -> (Store, Unit) {
    let mut store = Store::in_memory().unwrap();
    crate::demo::generate(
        &mut store,
        &crate::demo::DemoConfig { units: 40, ..crate::demo::DemoConfig::new(d("2026-12-01")) },
    )
    .unwrap();
    let units: Vec<Unit> = store.properties().unwrap().iter().flat_map(|p| store.units(p.id).unwrap()).collect();
    let free = units
        .into_iter()
        .find(|u| wf::leased(&store, u.id).unwrap().is_none() && u.market_rent > Decimal::ZERO)
        .expect("a unit without an active lease");
    (store, free)
}

#[test]
fn a_listing_is_created_published_answered_and_delisted_on_the_replica() {
    let (mut store, u) = replica();
    let gateway = crate::ai::Gateway::offline("test".into());
    let now = at("2026-12-01T15:00:00Z");
    let id = Uuid::from_u128(100);
    let new = NewListing { unit_id: u.id, amenities: vec!["in_unit_laundry".into()], ..Default::default() };
    let l = wf::create(&mut store, id, new, now).unwrap();
    assert_eq!((l.status.as_str(), l.asking_rent), ("draft", u.market_rent));
    assert!(l.title.contains(&format!("Unit {}", u.unit_number)), "{}", l.title);
    assert!(l.description.contains("in-unit laundry"));

    let out = wf::publish(&mut store, &FeedPublisher, id, &["zillow".into(), "craigslist".into()], now).unwrap();
    assert_eq!(out.status, "active");
    assert!(out.platforms.iter().all(|p| p.syndication_status == "pending" && p.platform_listing_url.is_none()));
    assert!(wf::publish(&mut store, &FeedPublisher, id, &["myspace".into()], now).is_err());
    let feed = wf::feed(&store, now).unwrap();
    assert!(feed.contains(&id.to_string()));

    let lead = wf::add_lead(
        &mut store,
        &gateway,
        Uuid::from_u128(200),
        NewLead {
            listing_id: id,
            source_platform: "zillow".into(),
            prospect_name: "Maya Chen".into(),
            email: "maya@example.com".into(),
            phone: "555-010-2030".into(),
            message: "Hello, I work as a nurse and need to move asap. Is parking included?".into(),
            move_in_date: Some(d("2026-12-15")),
            stated_income: None,
        },
        now,
    )
    .unwrap();
    let f = lead.qualification_factors;
    assert_eq!((f.income_signal, f.urgency, f.timeline_fit, f.completeness), (0.5, 1.0, 1.0, 1.0));
    assert_eq!(lead.lead_score, scoring::score(&f));
    assert_eq!(lead.lead_grade, scoring::grade(lead.lead_score));
    assert_eq!(store.listing(id).unwrap().total_inquiries, 1);

    let r = wf::respond(&mut store, lead.id, &RespondBody::default(), now).unwrap();
    assert_eq!((r.channel.as_str(), r.lead.status.as_str()), ("email", "contacted"));
    assert_eq!(r.message, lead.ai_suggested_response);
    let body: String = store
        .conn()
        .query_row("SELECT body FROM outbox_message WHERE related_id = ?1", [lead.id.to_string()], |r| r.get(0))
        .unwrap();
    assert_eq!(body, r.message);

    let stats = wf::stats(&store, d("2026-12-01")).unwrap();
    assert_eq!((stats.active_listings, stats.top_platform.as_deref()), (1, Some("zillow")));

    let out = wf::delist(&mut store, &FeedPublisher, id, now + Duration::days(3)).unwrap();
    assert_eq!(out.status, "delisted");
    assert!(out.platforms.iter().all(|p| p.syndication_status == "delisted"));
    assert!(!wf::feed(&store, now).unwrap().contains(&id.to_string()));
    assert_eq!(store.listing(id).unwrap().days_on_market, 3);
}

#[test]
fn bad_input_is_refused_with_its_field_named() {
    let (mut store, u) = replica();
    let now = at("2026-12-01T15:00:00Z");
    let bad = NewListing { unit_id: u.id, asking_rent: Some(Decimal::ZERO), ..Default::default() };
    assert!(wf::create(&mut store, Uuid::new_v4(), bad, now).unwrap_err().to_string().contains("asking_rent"));
    let bad = NewListing { unit_id: u.id, photos: Some(json!([{"caption": "x"}])), ..Default::default() };
    assert!(wf::create(&mut store, Uuid::new_v4(), bad, now).unwrap_err().to_string().contains("photos[0]"));
    let id = Uuid::new_v4();
    wf::create(&mut store, id, NewListing { unit_id: u.id, ..Default::default() }, now).unwrap();
    let gateway = crate::ai::Gateway::offline("test".into());
    let no_contact =
        NewLead { listing_id: id, source_platform: "zillow".into(), prospect_name: "A B".into(), ..Default::default() };
    assert!(wf::add_lead(&mut store, &gateway, Uuid::new_v4(), no_contact, now).is_err());
}

#[test]
fn a_leased_unit_is_delisted_by_the_job_and_a_stale_one_gets_a_price_check() {
    let (mut store, u) = replica();
    let now = at("2026-12-01T15:00:00Z");
    let id = Uuid::from_u128(300);
    wf::create(&mut store, id, NewListing { unit_id: u.id, ..Default::default() }, now).unwrap();
    wf::publish(&mut store, &FeedPublisher, id, &["zillow".into()], now - Duration::days(20)).unwrap();
    // The stale check on 2026-12-01: 20 days, no peers (percentile 50) → not stale.
    let r = wf::stale_job(&mut store, d("2026-12-01"), now).unwrap();
    assert_eq!(r.counts["stale"], 0);
    // A second active listing with more views puts ours at the 0th percentile.
    let (other_unit, _) = {
        let units: Vec<Unit> = store.properties().unwrap().iter().flat_map(|p| store.units(p.id).unwrap()).collect();
        (units.into_iter().find(|x| x.id != u.id && wf::leased(&store, x.id).unwrap().is_none()).unwrap(), ())
    };
    let other = Uuid::from_u128(301);
    wf::create(&mut store, other, NewListing { unit_id: other_unit.id, ..Default::default() }, now).unwrap();
    wf::publish(&mut store, &FeedPublisher, other, &["zillow".into()], now).unwrap();
    wf::record_analytics(
        &mut store,
        other,
        &wf::AnalyticsInput {
            platform_name: "zillow".into(),
            date: d("2026-12-01"),
            views: 90,
            inquiries: 3,
            ..Default::default()
        },
        now,
    )
    .unwrap();
    let r = wf::stale_job(&mut store, d("2026-12-01"), now).unwrap();
    assert_eq!(r.counts["stale"], 1, "{}", r.counts);
    let l = store.listing(id).unwrap();
    assert!(l.is_stale);
    assert_eq!(l.last_price_check["days_on_market"], 20);
    assert_eq!(r.counts["price_checks"][0]["price_check"]["view_percentile"], 0);

    // A lease on the unit: the 30-minute job delists it everywhere.
    let lease_id: Option<String> = store
        .conn()
        .query_row("SELECT id FROM tenant_lease WHERE unit_id <> ?1 LIMIT 1", [u.id.to_string()], |r| r.get(0))
        .ok();
    let lease_id = lease_id.expect("a lease to move");
    store
        .conn()
        .execute(
            "UPDATE tenant_lease SET unit_id = ?1, lease_status = 'active' WHERE id = ?2",
            [u.id.to_string(), lease_id],
        )
        .unwrap();
    let r = wf::auto_delist_job(&mut store, &FeedPublisher, d("2026-12-01"), now).unwrap();
    assert_eq!(r.counts["delisted"], 1);
    let l = store.listing(id).unwrap();
    assert_eq!((l.status.as_str(), l.delisted_at), ("delisted", Some(now)));
    assert!(wf::platforms_of(&store, id).unwrap().iter().all(|p| p.syndication_status == "delisted"));
    assert_eq!(store.listing(other).unwrap().status, "active");
}

#[test]
fn a_connected_replica_queues_the_reply_for_the_server_instead_of_sending_it() {
    let (mut store, u) = replica();
    let gateway = crate::ai::Gateway::offline("test".into());
    let now = at("2026-12-01T15:00:00Z");
    let id = Uuid::from_u128(400);
    wf::create(&mut store, id, NewListing { unit_id: u.id, ..Default::default() }, now).unwrap();
    let lead = NewLead {
        listing_id: id,
        source_platform: "zumper".into(),
        prospect_name: "Ana Diaz".into(),
        email: "ana@example.com".into(),
        ..Default::default()
    };
    let lead = wf::add_lead(&mut store, &gateway, Uuid::from_u128(401), lead, now).unwrap();
    store
        .conn()
        .execute("INSERT INTO sync_state (server_url, device_id, email, cursor) VALUES ('http://s', 'd', 'e', 0)", [])
        .unwrap();
    let action = wf::ListingAction::Respond { lead_id: lead.id, body: RespondBody::default() };
    let out = wf::act_on_replica(&mut store, &FeedPublisher, id, &action, now).unwrap();
    assert!(matches!(out, wf::ListingOutcome::Responded(r) if r.lead.status == "contacted"));
    let count = |sql: &str| store.conn().query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count("SELECT COUNT(*) FROM outbox_message WHERE related_type = 'listing_lead'"), 0);
    assert_eq!(count("SELECT COUNT(*) FROM sync_action WHERE entity = 'listing'"), 1);
    // A reply named under another listing is not found.
    let wrong = wf::act_on_replica(&mut store, &FeedPublisher, Uuid::from_u128(999), &action, now);
    assert!(wrong.is_err());
}

#[test]
fn an_edit_reorders_and_recaptions_the_photos_refreshes_platform_text_and_is_queued_when_connected() {
    use super::edit::PhotoEdit;
    let (mut store, u) = replica();
    let now = at("2026-12-01T15:00:00Z");
    let id = Uuid::from_u128(500);
    let photos = json!([
        {"url": "blob:aa", "caption": "Living room (virtually staged)", "order": 0, "virtually_staged": true},
        {"url": "blob:bb", "caption": "Kitchen", "order": 1},
    ]);
    wf::create(&mut store, id, NewListing { unit_id: u.id, photos: Some(photos), ..Default::default() }, now).unwrap();
    wf::publish(&mut store, &FeedPublisher, id, &["zillow".into()], now).unwrap();
    let order = vec![
        PhotoEdit { url: "blob:bb".into(), caption: "Open kitchen".into() },
        PhotoEdit { url: "blob:aa".into(), caption: "Living room".into() },
    ];
    let action = wf::ListingAction::Edit {
        title: "Sunny corner home".into(),
        description: "Quiet street.".into(),
        photos: order,
    };
    let later = now + Duration::hours(1);
    let out = wf::apply_action(&mut store, &FeedPublisher, id, &action, later).unwrap();
    let wf::ListingOutcome::Edited(l) = out else { panic!("an edit answers the listing") };
    assert_eq!((l.title.as_str(), l.updated_at, l.status.as_str()), ("Sunny corner home", later, "active"));
    let stored = store.listing(id).unwrap();
    assert_eq!(
        stored.photos,
        json!([
            {"url": "blob:bb", "caption": "Open kitchen", "order": 0},
            {"url": "blob:aa", "caption": "Living room (virtually staged)", "order": 1, "virtually_staged": true},
        ])
    );
    let zillow = &wf::platforms_of(&store, id).unwrap()[0];
    assert_eq!(zillow.platform_specific_content["title"], "Sunny corner home");
    assert_eq!(zillow.platform_specific_content["provider"], "edited");
    assert_eq!(zillow.platform_specific_content["channel"], "feed");

    // Invented photos are refused with the core's words; nothing changes.
    let bad = wf::ListingAction::Edit {
        title: "T".into(),
        description: "D".into(),
        photos: vec![
            PhotoEdit { url: "blob:zz".into(), caption: String::new() },
            PhotoEdit { url: "blob:aa".into(), caption: String::new() },
        ],
    };
    let e = wf::apply_action(&mut store, &FeedPublisher, id, &bad, later).unwrap_err().to_string();
    assert!(e.contains("photos[0]: blob:zz is not one of the listing's photos"), "{e}");
    assert_eq!(store.listing(id).unwrap(), stored);

    // Connected: applied at once and queued for the server to replay through the same action.
    store
        .conn()
        .execute("INSERT INTO sync_state (server_url, device_id, email, cursor) VALUES ('http://s', 'd', 'e', 0)", [])
        .unwrap();
    let again = wf::ListingAction::Edit {
        title: "Sunny corner home, 2 bed".into(),
        description: "Quiet street.".into(),
        photos: vec![
            PhotoEdit { url: "blob:aa".into(), caption: "Living room".into() },
            PhotoEdit { url: "blob:bb".into(), caption: "Kitchen".into() },
        ],
    };
    wf::act_on_replica(&mut store, &FeedPublisher, id, &again, later).unwrap();
    assert_eq!(store.listing(id).unwrap().title, "Sunny corner home, 2 bed");
    let queued: String =
        store.conn().query_row("SELECT action FROM sync_action WHERE entity = 'listing'", [], |r| r.get(0)).unwrap();
    let queued: serde_json::Value = serde_json::from_str(&queued).unwrap();
    assert_eq!((queued["type"].as_str(), queued["photos"][0]["url"].as_str()), (Some("edit"), Some("blob:aa")));
}

#[test]
fn a_leased_units_listing_cannot_be_edited() {
    let (mut store, u) = replica();
    let now = at("2026-12-01T15:00:00Z");
    let id = Uuid::from_u128(600);
    let l = wf::create(&mut store, id, NewListing { unit_id: u.id, ..Default::default() }, now).unwrap();
    let (lease_id, number): (String, String) = store
        .conn()
        .query_row("SELECT id, lease_number FROM tenant_lease WHERE unit_id <> ?1 LIMIT 1", [u.id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    store
        .conn()
        .execute(
            "UPDATE tenant_lease SET unit_id = ?1, lease_status = 'active' WHERE id = ?2",
            [u.id.to_string(), lease_id],
        )
        .unwrap();
    let e = wf::edit(&mut store, id, "New title", &l.description, &[], now).unwrap_err().to_string();
    assert_eq!(e, format!("The unit has an active lease ({number}); its listing cannot be edited."));
}
