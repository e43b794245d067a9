//! The offline letters and messages of the Phase 1 features, snapshotted for two tenants in
//! every tone and channel, and checked against the spec's limits.

use chrono::{NaiveDate, NaiveTime};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use unitcycle_core::ai::letters::{
    action_description, collections_message, move_out_inspection_notice, renewal_letter, rent_increase_notice,
    ActionInput, ActionType, Channel, CollectionsInput, Draft, EarlierNotice, FormerTenant, MoveOutInspectionInput,
    PlanOffer, Recipient, RenewalLetterInput, RentIncreaseInput, Tone, RENEWAL_MAX_WORDS, SMS_MAX_CHARS,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Two tenants: a short name at a short property, and long names that test the SMS limit.
struct Case {
    key: &'static str,
    recipient: Recipient,
    current_rent: Decimal,
    offer_rent: Decimal,
    market_rent: Decimal,
    lease_end: NaiveDate,
    balance: Decimal,
    late_fees: Decimal,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            key: "maria_santos",
            recipient: Recipient {
                first_name: "Maria".into(),
                last_name: "Santos".into(),
                unit_number: "1624B".into(),
                property_name: "Cedar Court".into(),
                property_address: "120 Cedar St, Austin, TX 78701".into(),
            },
            current_rent: dec!(1100),
            offer_rent: dec!(1150),
            market_rent: dec!(1175),
            lease_end: d(2026, 3, 31),
            balance: dec!(1175),
            late_fees: dec!(75),
        },
        Case {
            key: "uriel_trejo_villanueva",
            recipient: Recipient {
                first_name: "Uriel Alejandro".into(),
                last_name: "Trejo-Villanueva".into(),
                unit_number: "1543C".into(),
                property_name: "Riverside Commons at Barton Creek".into(),
                property_address: "4800 Riverside Dr, Austin, TX 78741".into(),
            },
            current_rent: dec!(975),
            offer_rent: dec!(975),
            market_rent: dec!(1050),
            lease_end: d(2026, 2, 28),
            balance: dec!(2012.5),
            late_fees: dec!(62.5),
        },
    ]
}

const TODAY: (i32, u32, u32) = (2026, 1, 15);

fn today() -> NaiveDate {
    d(TODAY.0, TODAY.1, TODAY.2)
}

fn section(out: &mut String, title: &str, draft: &Draft) {
    out.push_str(&format!(
        "=== {title} ({} chars, {} words) ===\n{}\n\n",
        draft.body.chars().count(),
        draft.body.split_whitespace().count(),
        draft.render()
    ));
}

fn check_limits(draft: &Draft, r: &Recipient) {
    assert!(draft.body.contains(&r.unit_number), "every message names the unit:\n{}", draft.body);
    if draft.channel == Channel::Sms {
        assert!(draft.body.chars().count() <= SMS_MAX_CHARS, "SMS over {SMS_MAX_CHARS}: {}", draft.body);
        assert!(draft.subject.is_none());
    } else {
        assert!(draft.subject.is_some());
        assert!(draft.body.contains(r.first_name.as_str()), "greets the tenant by name:\n{}", draft.body);
    }
}

/// A 12-month renewal offer to the case's tenant, answered by Feb 14.
fn renewal_input(c: &Case, lease_end: NaiveDate, channel: Channel) -> RenewalLetterInput {
    RenewalLetterInput {
        recipient: c.recipient.clone(),
        current_rent: c.current_rent,
        offer_rent: c.offer_rent,
        market_rent: Some(c.market_rent),
        term_months: 12,
        lease_end_date: Some(lease_end),
        respond_by: d(2026, 2, 14),
        today: today(),
        channel,
    }
}

#[test]
fn renewal_letters() {
    for c in cases() {
        let mut out = String::new();
        for channel in Channel::ALL.iter().copied() {
            let draft = renewal_letter(&renewal_input(&c, c.lease_end, channel));
            check_limits(&draft, &c.recipient);
            assert!(draft.body.split_whitespace().count() < RENEWAL_MAX_WORDS);
            assert!(draft.body.contains(&unitcycle_core::format::money(c.offer_rent)));
            section(&mut out, &format!("renewal {}", channel.as_str()), &draft);
        }
        insta::assert_snapshot!(format!("renewal_{}", c.key), out);
    }
}

/// A lease that ended and rolled over to month-to-month is never told it "ends" on a past date.
#[test]
fn a_lease_past_its_end_reads_as_month_to_month() {
    let c = cases().remove(0);
    let lapsed = today() - chrono::Duration::days(90);
    for channel in Channel::ALL.iter().copied() {
        let draft = renewal_letter(&renewal_input(&c, lapsed, channel));
        check_limits(&draft, &c.recipient);
        assert!(draft.body.contains("month-to-month since"), "{}:\n{}", channel.as_str(), draft.body);
        assert!(!draft.body.contains(" ends "), "{}:\n{}", channel.as_str(), draft.body);
    }
}

#[test]
fn rent_increase_notices() {
    for c in cases() {
        let mut out = String::new();
        for channel in Channel::ALL.iter().copied() {
            let input = RentIncreaseInput {
                recipient: c.recipient.clone(),
                current_rent: c.current_rent,
                new_rent: c.market_rent,
                effective_date: d(2026, 3, 1),
                respond_by: d(2026, 2, 1),
                today: today(),
                channel,
            };
            let draft = rent_increase_notice(&input);
            check_limits(&draft, &c.recipient);
            assert!(draft.body.contains(&unitcycle_core::format::money(c.market_rent)));
            section(&mut out, &format!("rent increase {}", channel.as_str()), &draft);
        }
        insta::assert_snapshot!(format!("rent_increase_{}", c.key), out);
    }
}

#[test]
fn collections_messages_in_every_tone_and_channel() {
    for c in cases() {
        let mut out = String::new();
        for (level, tone) in Tone::ALL.iter().copied().enumerate() {
            let mut bodies = Vec::new();
            for channel in Channel::ALL.iter().copied() {
                let input = CollectionsInput {
                    recipient: c.recipient.clone(),
                    balance: c.balance,
                    late_fees: c.late_fees,
                    due_date: today() - chrono::Days::new([1, 5, 8, 12][level]),
                    days_overdue: [1, 5, 8, 12][level] as i64,
                    pay_by: d(2026, 1, 20),
                    tone,
                    channel,
                    // The level-4 step (firm for good history) offers a payment plan.
                    plan: (tone == Tone::Firm).then(|| PlanOffer {
                        installments: 3,
                        installment_amount: (c.balance / dec!(3)).round_dp(2),
                        first_due: d(2026, 2, 1),
                    }),
                    today: today(),
                    // One notice per earlier step, so the legal letter may say "despite".
                    earlier_notices: (0..level)
                        .map(|l| EarlierNotice { description: format!("Step {}", l + 1), sent_on: d(2026, 1, 2) })
                        .collect(),
                    former_tenant: None,
                };
                let draft = collections_message(&input);
                check_limits(&draft, &c.recipient);
                assert!(draft.body.contains(&unitcycle_core::format::money(c.balance)), "{}", draft.body);
                bodies.push(draft.body.clone());
                section(&mut out, &format!("collections {} {}", tone.as_str(), channel.as_str()), &draft);
            }
            assert_ne!(bodies[1], bodies[2], "email and letter differ");
        }
        insta::assert_snapshot!(format!("collections_{}", c.key), out);
    }
}

#[test]
fn tones_read_differently() {
    let c = &cases()[0];
    let texts: Vec<String> = Tone::ALL
        .iter()
        .copied()
        .map(|tone| {
            collections_message(&CollectionsInput {
                recipient: c.recipient.clone(),
                balance: c.balance,
                late_fees: c.late_fees,
                due_date: d(2026, 1, 10),
                days_overdue: 5,
                pay_by: d(2026, 1, 20),
                tone,
                channel: Channel::Email,
                plan: None,
                today: today(),
                earlier_notices: vec![EarlierNotice {
                    description: "Friendly reminder".into(),
                    sent_on: d(2026, 1, 11),
                }],
                former_tenant: None,
            })
            .render()
        })
        .collect();
    assert!(texts[0].contains("Friendly reminder"));
    assert!(texts[1].contains("avoid additional late fees"));
    assert!(texts[2].contains("formal notice"));
    assert!(texts[3].contains("referred to our attorney"));
}

#[test]
fn move_out_inspection_notices() {
    for c in cases() {
        let mut out = String::new();
        for channel in Channel::ALL.iter().copied() {
            let input = MoveOutInspectionInput {
                recipient: c.recipient.clone(),
                move_out_date: Some(d(2026, 1, 31)),
                inspection_date: d(2026, 2, 2),
                inspection_time: NaiveTime::from_hms_opt(10, 30, 0),
                today: today(),
                channel,
            };
            let draft = move_out_inspection_notice(&input);
            check_limits(&draft, &c.recipient);
            assert!(draft.body.contains("Feb 2, 2026"));
            section(&mut out, &format!("move-out inspection {}", channel.as_str()), &draft);
        }
        insta::assert_snapshot!(format!("move_out_inspection_{}", c.key), out);
    }
}

#[test]
fn command_center_action_descriptions() {
    for c in cases() {
        let mut out = String::new();
        for action in ActionType::ALL.iter().copied() {
            let (state, days_to_event, days_in_state, event_date) = match action {
                ActionType::RenewalOffer | ActionType::RentIncreaseNotice => ("month_to_month", None, Some(90), None),
                ActionType::EarlyRenewalNudge => ("active", Some(75), None, Some(d(2026, 3, 31))),
                ActionType::MoveOutInspection | ActionType::ListingPrep | ActionType::EvictionPrep => {
                    ("notice", Some(12), None, Some(d(2026, 1, 27)))
                }
            };
            let input = ActionInput {
                action_type: action,
                tenant_name: c.recipient.full_name(),
                unit_number: c.recipient.unit_number.clone(),
                property_name: c.recipient.property_name.clone(),
                lifecycle_state: state.into(),
                current_rent: c.current_rent,
                market_rent: c.market_rent,
                proposed_rent: Some(c.market_rent),
                term_months: Some(12),
                days_to_event,
                days_in_state,
                event_date,
                balance: (action == ActionType::EvictionPrep).then_some(c.balance),
                today: today(),
            };
            let s = action_description(&input);
            assert!(s.description.chars().count() <= 40, "{}", s.description);
            assert!(s.confidence >= dec!(0.60), "offline suggestions pass the display threshold");
            out.push_str(&format!(
                "=== {} ===\ndescription: {}\nreason: {}\nconfidence: {}\npayload: {}\n\n",
                action.as_str(),
                s.description,
                s.reason,
                s.confidence,
                s.payload
            ));
        }
        insta::assert_snapshot!(format!("actions_{}", c.key), out);
    }
}

/// A legal-tone message for Maria's balance, with the given history and status.
fn legal(channel: Channel, earlier: Vec<EarlierNotice>, former: Option<FormerTenant>) -> CollectionsInput {
    let c = &cases()[0];
    CollectionsInput {
        recipient: c.recipient.clone(),
        balance: c.balance,
        late_fees: c.late_fees,
        due_date: d(2026, 1, 1),
        days_overdue: 14,
        pay_by: d(2026, 1, 20),
        tone: Tone::Legal,
        channel,
        plan: None,
        today: today(),
        earlier_notices: earlier,
        former_tenant: former,
    }
}

#[test]
fn a_legal_letter_speaks_of_earlier_notices_only_when_the_timeline_holds_them() {
    use unitcycle_core::ai::prompts::check_collections_facts;
    let first = legal(Channel::Letter, vec![], None);
    let body = collections_message(&first).body;
    assert!(!body.contains("Despite") && !body.to_lowercase().contains("earlier notice"), "{body}");
    assert!(body.contains("Your account for unit 1624B at Cedar Court remains unpaid."), "{body}");
    // A draft (Claude's, say) that claims notices the case never sent is refused before sending.
    let claim = body.replace("Your account", "Despite earlier notices, your account");
    assert_eq!(
        check_collections_facts(&first, &claim).unwrap_err(),
        "The collections message refers to earlier notices, but none was sent on this case."
    );

    let sent = vec![
        EarlierNotice { description: "Friendly reminder".into(), sent_on: d(2026, 1, 2) },
        EarlierNotice { description: "Detailed notice".into(), sent_on: d(2026, 1, 4) },
    ];
    let later = legal(Channel::Letter, sent, None);
    let body = collections_message(&later).body;
    assert!(body.contains("Despite our 2 earlier notices (the last on Jan 4, 2026), your account"), "{body}");
    assert!(check_collections_facts(&later, &body).is_ok());
}

#[test]
fn a_former_tenant_gets_the_former_tenant_wording_at_the_forwarding_address_and_no_eviction_threat() {
    use unitcycle_core::ai::prompts::check_collections_facts;
    let former =
        FormerTenant { moved_out: Some(d(2025, 6, 1)), forwarding_address: Some("9 Elm Rd, Dallas, TX 75201".into()) };
    let input = legal(Channel::Letter, vec![], Some(former));
    let body = collections_message(&input).body;
    assert!(!body.to_lowercase().contains("evict"), "{body}");
    assert!(body.contains("your former residence, unit 1624B at Cedar Court"), "{body}");
    assert!(body.contains("collection agency or to small claims court"), "{body}");
    assert!(body.contains("Maria Santos\n9 Elm Rd, Dallas, TX 75201\n"), "addressed to the forwarding address: {body}");
    // The current tenant's legal letter threatens eviction; the same text to a former tenant is refused.
    let current = collections_message(&legal(Channel::Letter, vec![], None)).body;
    assert!(current.contains("eviction"));
    assert_eq!(
        check_collections_facts(&input, &current).unwrap_err(),
        "The collections message threatens eviction, but the tenant has moved out."
    );
    // Every tone and channel of a former tenant's message stays free of eviction.
    for &tone in Tone::ALL {
        for &channel in Channel::ALL {
            let i = CollectionsInput { tone, channel, ..input.clone() };
            let text = collections_message(&i).body;
            assert!(check_collections_facts(&i, &text).is_ok(), "{tone:?} {channel:?}: {text}");
        }
    }
}

#[test]
fn a_collections_message_states_only_the_cases_figures() {
    use unitcycle_core::ai::prompts::check_collections_facts;
    let input = legal(Channel::Email, vec![], None);
    let body = collections_message(&input).body;
    assert!(check_collections_facts(&input, &body).is_ok());
    let wrong = body.replace(&unitcycle_core::format::money(input.balance), "$99,999.00");
    assert!(check_collections_facts(&input, &wrong).unwrap_err().contains("states $99,999.00"));
}
