//! Offline letters and messages for the Phase 1 features: renewal offers (1.2), rent-increase
//! notices and move-out inspection notices (1.4), collections messages in every tone and channel
//! (1.3) and the command-center action descriptions (1.4).
//!
//! Pure functions over plain input structs: the same input always gives the same text, filled
//! with the real names, units, amounts and dates. SMS bodies stay within one 160-character
//! segment; renewal letters stay under the spec's 300 words.

use chrono::{NaiveDate, NaiveTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::format::{date, money};

/// One SMS segment.
pub const SMS_MAX_CHARS: usize = 160;
/// "Keep under 300 words" (spec 1.4, renewal offer prompt).
pub const RENEWAL_MAX_WORDS: usize = 300;

/// Collections tone, chosen by the collections engine's `select_tone`.
pub use crate::collections::Tone;
/// `ai_action_queue.action_type`.
pub use crate::command_center::ActionType;
/// How a message reaches the tenant: the outbox's channels.
pub use crate::outbox::DeliveryChannel as Channel;

/// A finished message: what the preview shows and the outbox sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Draft {
    pub channel: Channel,
    /// Email subject or letter "Re:" line; SMS has none.
    pub subject: Option<String>,
    pub body: String,
}

impl Draft {
    /// As a preview shows it: emails with their subject line; letters carry their Re: line in
    /// the body already.
    pub fn render(&self) -> String {
        match (&self.subject, self.channel) {
            (Some(s), Channel::Email) => format!("Subject: {s}\n\n{}", self.body),
            _ => self.body.clone(),
        }
    }
}

/// Who a message is for and where they live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Recipient {
    pub first_name: String,
    pub last_name: String,
    pub unit_number: String,
    pub property_name: String,
    /// One line, e.g. `120 Cedar St, Austin, TX 78701`.
    pub property_address: String,
}

impl Recipient {
    /// Who a letter about `unit` is for (the tenant, at the property's address).
    pub fn of(
        tenant: &crate::model::Tenant,
        unit: &crate::model::Unit,
        property: &crate::model::Property,
    ) -> Recipient {
        Recipient {
            first_name: tenant.first_name.clone(),
            last_name: tenant.last_name.clone(),
            unit_number: unit.unit_number.clone(),
            property_address: format!(
                "{}, {}, {} {}",
                property.address, property.city, property.state, property.zip_code
            ),
            property_name: property.name.clone(),
        }
    }

    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name.trim(), self.last_name.trim()).trim().to_string()
    }

    fn first(&self) -> String {
        let first = self.first_name.trim();
        if first.is_empty() {
            self.full_name()
        } else {
            first.to_string()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct RenewalLetterInput {
    pub recipient: Recipient,
    pub current_rent: Decimal,
    pub offer_rent: Decimal,
    pub market_rent: Option<Decimal>,
    pub term_months: u32,
    pub lease_end_date: Option<NaiveDate>,
    pub respond_by: NaiveDate,
    pub today: NaiveDate,
    pub channel: Channel,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct RentIncreaseInput {
    pub recipient: Recipient,
    pub current_rent: Decimal,
    pub new_rent: Decimal,
    pub effective_date: NaiveDate,
    pub respond_by: NaiveDate,
    pub today: NaiveDate,
    pub channel: Channel,
}

/// A payment plan offered with a collections message (escalation level 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PlanOffer {
    pub installments: u32,
    pub installment_amount: Decimal,
    pub first_due: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct CollectionsInput {
    pub recipient: Recipient,
    /// Everything owed now, late fees included.
    pub balance: Decimal,
    pub late_fees: Decimal,
    pub due_date: NaiveDate,
    pub days_overdue: i64,
    /// The date the collections engine asks payment by.
    pub pay_by: NaiveDate,
    pub tone: Tone,
    pub channel: Channel,
    pub plan: Option<PlanOffer>,
    pub today: NaiveDate,
    /// The notices already sent on this case, oldest first (from its timeline): a message may
    /// speak of earlier notices only when there are some.
    #[serde(default)]
    pub earlier_notices: Vec<EarlierNotice>,
    /// Set when the tenant has moved out: the former-tenant wording (a balance left on a
    /// former residence, never an eviction threat at the empty unit), by post to the
    /// forwarding address.
    #[serde(default)]
    pub former_tenant: Option<FormerTenant>,
}

/// One notice on a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct EarlierNotice {
    /// The step's description, e.g. `Formal notice`.
    pub description: String,
    pub sent_on: NaiveDate,
}

/// A tenant who no longer lives at the unit the balance is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct FormerTenant {
    pub moved_out: Option<NaiveDate>,
    /// Where letters go now; `None` when the tenant left none (no letter can be posted).
    pub forwarding_address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct MoveOutInspectionInput {
    pub recipient: Recipient,
    pub move_out_date: Option<NaiveDate>,
    pub inspection_date: NaiveDate,
    pub inspection_time: Option<NaiveTime>,
    pub today: NaiveDate,
    pub channel: Channel,
}

/// The facts behind one command-center recommendation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ActionInput {
    pub action_type: ActionType,
    pub tenant_name: String,
    pub unit_number: String,
    pub property_name: String,
    /// `lease_status` at generation time, e.g. `month_to_month`.
    pub lifecycle_state: String,
    pub current_rent: Decimal,
    pub market_rent: Decimal,
    /// Rent to offer or to raise to, when the action has one.
    pub proposed_rent: Option<Decimal>,
    pub term_months: Option<u32>,
    /// Days until lease end or move-out (negative when past).
    pub days_to_event: Option<i64>,
    /// Days in the current state (e.g. days month-to-month).
    pub days_in_state: Option<i64>,
    pub event_date: Option<NaiveDate>,
    /// Past-due balance, for eviction prep.
    pub balance: Option<Decimal>,
    pub today: NaiveDate,
}

/// The spec's `upsert_action` result: `{description, payload, draft_content, confidence, reason}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ActionSuggestion {
    /// Short, for the AI Action column: `Offer renewal @ $1,150.00`.
    pub description: String,
    /// `generation_reason`: why this action, with the numbers.
    pub reason: String,
    /// 0.00–1.00; the command center hides anything under 0.60.
    pub confidence: Decimal,
    pub payload: serde_json::Value,
    pub draft_content: String,
}

// ── helpers ─────────────────────────────────────────────────────────────────

/// The first candidate that fits one SMS segment; the last resort is cut to fit.
fn fit_sms(candidates: Vec<String>) -> String {
    let mut last = String::new();
    for c in candidates {
        if c.chars().count() <= SMS_MAX_CHARS {
            return c;
        }
        last = c;
    }
    let mut cut: String = last.chars().take(SMS_MAX_CHARS - 1).collect();
    cut.push('…');
    cut
}

fn sms(body: String) -> Draft {
    Draft { channel: Channel::Sms, subject: None, body }
}

/// Wraps paragraphs as an email (greeting, body, sign-off) or a letter (dated header, address
/// block, Re: line, greeting, body, sign-off).
fn compose(
    channel: Channel,
    r: &Recipient,
    today: NaiveDate,
    subject: String,
    greeting: &str,
    paras: &[String],
) -> Draft {
    let at_unit = format!("Unit {}, {}\n{}", r.unit_number, r.property_name, r.property_address);
    compose_to(channel, r, &at_unit, today, subject, greeting, paras)
}

/// [`compose`] with the letter's address block given (a former tenant's forwarding address).
fn compose_to(
    channel: Channel,
    r: &Recipient,
    address: &str,
    today: NaiveDate,
    subject: String,
    greeting: &str,
    paras: &[String],
) -> Draft {
    let mut out = String::new();
    if channel == Channel::Letter {
        out.push_str(&format!("{}\n{}\n\n{}\n\n", r.property_name, r.property_address, date(today)));
        out.push_str(&format!("{}\n{address}\n\n", r.full_name()));
        out.push_str(&format!("Re: {subject}\n\n"));
    }
    out.push_str(greeting);
    out.push_str("\n\n");
    for p in paras {
        out.push_str(p);
        out.push_str("\n\n");
    }
    out.push_str(&format!("Sincerely,\n{} Management", r.property_name));
    Draft { channel, subject: Some(subject), body: out }
}

fn respond_line(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "reply to this email",
        _ => "contact the leasing office",
    }
}

fn term_text(months: u32) -> String {
    if months == 1 {
        "1-month".to_string()
    } else {
        format!("{months}-month")
    }
}

fn time_text(t: NaiveTime) -> String {
    t.format("%-I:%M %p").to_string()
}

// ── renewal letter (1.2 / 1.4 renewal_offer) ────────────────────────────────

pub fn renewal_letter(i: &RenewalLetterInput) -> Draft {
    let r = &i.recipient;
    let change = i.offer_rent - i.current_rent;
    let end = i.lease_end_date.map(date);
    // A lease whose end date has passed is running month to month: say so, not "ends on" a past date.
    let ended = i.lease_end_date.is_some_and(|e| e < i.today);
    if i.channel == Channel::Sms {
        let end_bit = match &end {
            Some(e) if ended => format!(" has been month-to-month since {e}"),
            Some(e) => format!(" ends {e}"),
            None => " is up for renewal".into(),
        };
        return sms(fit_sms(vec![
            format!(
                "Hi {}, your lease at {} unit {}{}. Renew {} months at {}/mo? Reply by {}. - {}",
                r.first(),
                r.property_name,
                r.unit_number,
                end_bit,
                i.term_months,
                money(i.offer_rent),
                date(i.respond_by),
                r.property_name
            ),
            format!(
                "Hi {}, renew unit {} for {} months at {}/mo? Please reply by {}.",
                r.first(),
                r.unit_number,
                i.term_months,
                money(i.offer_rent),
                date(i.respond_by)
            ),
            format!(
                "Renewal offer, unit {}: {}/mo. Reply by {}.",
                r.unit_number,
                money(i.offer_rent),
                date(i.respond_by)
            ),
        ]));
    }
    let mut paras = vec![format!(
        "Thank you for making unit {} at {} your home. {}, and we would be glad to have you stay.",
        r.unit_number,
        r.property_name,
        match &end {
            Some(e) if ended => format!("Your lease has been month-to-month since it ended on {e}"),
            Some(e) => format!("Your current lease ends on {e}"),
            None => "Your lease is up for renewal".to_string(),
        }
    )];
    let rate = if change > Decimal::ZERO {
        format!(
            "We are offering a {} renewal at {} per month, up {} from your current rent of {}.",
            term_text(i.term_months),
            money(i.offer_rent),
            money(change),
            money(i.current_rent)
        )
    } else if change < Decimal::ZERO {
        format!(
            "We are offering a {} renewal at {} per month, {} less than your current rent of {}.",
            term_text(i.term_months),
            money(i.offer_rent),
            money(-change),
            money(i.current_rent)
        )
    } else {
        format!(
            "We are offering a {} renewal with no change to your rent of {} per month.",
            term_text(i.term_months),
            money(i.offer_rent)
        )
    };
    let market = match i.market_rent {
        Some(m) if m > i.offer_rent => {
            format!(" Comparable units here are currently listed at {} per month.", money(m))
        }
        _ => String::new(),
    };
    paras.push(format!("{rate}{market}"));
    paras.push(format!(
        "If a different term suits you better, let us know: we are happy to discuss other lengths. Please {} by {} to accept this offer or talk through your options.",
        respond_line(i.channel),
        date(i.respond_by)
    ));
    compose(
        i.channel,
        r,
        i.today,
        format!("Your lease renewal offer for unit {}", r.unit_number),
        &format!("Dear {},", r.first()),
        &paras,
    )
}

// ── rent-increase notice (1.4 rent_increase_notice) ────────────────────────

pub fn rent_increase_notice(i: &RentIncreaseInput) -> Draft {
    let r = &i.recipient;
    let delta = i.new_rent - i.current_rent;
    if i.channel == Channel::Sms {
        return sms(fit_sms(vec![
            format!(
                "Hi {}, notice from {}: rent for unit {} changes from {} to {}/mo on {}. Questions? Reply by {}.",
                r.first(),
                r.property_name,
                r.unit_number,
                money(i.current_rent),
                money(i.new_rent),
                date(i.effective_date),
                date(i.respond_by)
            ),
            format!(
                "Hi {}, rent for unit {} will be {}/mo from {}. Reply with any questions.",
                r.first(),
                r.unit_number,
                money(i.new_rent),
                date(i.effective_date)
            ),
            format!("Unit {}: rent {}/mo from {}.", r.unit_number, money(i.new_rent), date(i.effective_date)),
        ]));
    }
    let paras = vec![
        format!(
            "Thank you for being a resident of {}. We appreciate the care you have taken of unit {}.",
            r.property_name, r.unit_number
        ),
        format!(
            "This is your 30-day notice that your monthly rent will change from {} to {}, an increase of {}, starting {}. Rents for comparable homes in the area have risen, and this adjustment keeps your rent in line with the market.",
            money(i.current_rent),
            money(i.new_rent),
            money(delta),
            date(i.effective_date)
        ),
        format!(
            "All other terms of your tenancy stay the same. If you have questions or would like to discuss a longer lease term, please {} by {}.",
            respond_line(i.channel),
            date(i.respond_by)
        ),
    ];
    compose(
        i.channel,
        r,
        i.today,
        format!("Notice of rent change for unit {}, effective {}", r.unit_number, date(i.effective_date)),
        &format!("Dear {},", r.full_name()),
        &paras,
    )
}

// ── collections messages (1.3) ──────────────────────────────────────────────

fn plan_text(p: &PlanOffer) -> String {
    format!("{} monthly payments of {} starting {}", p.installments, money(p.installment_amount), date(p.first_due))
}

/// What a message may say of earlier notices: nothing when none was sent.
fn earlier_text(i: &CollectionsInput) -> Option<String> {
    let last = i.earlier_notices.last()?;
    let n = i.earlier_notices.len();
    let notices = if n == 1 { "our earlier notice".to_string() } else { format!("our {n} earlier notices") };
    Some(format!("{notices} (the last on {})", date(last.sent_on)))
}

pub fn collections_message(i: &CollectionsInput) -> Draft {
    let r = &i.recipient;
    let bal = money(i.balance);
    let due = date(i.due_date);
    let pay_by = date(i.pay_by);
    let days = i.days_overdue;
    let day_word = if days == 1 { "day" } else { "days" };
    let former = i.former_tenant.as_ref();
    // A former tenant's balance is on their former residence; a current tenant's on their home.
    let unit_ref = match former {
        Some(_) => format!("your former residence, unit {} at {}", r.unit_number, r.property_name),
        None => format!("unit {} at {}", r.unit_number, r.property_name),
    };
    if i.channel == Channel::Sms {
        let plan =
            i.plan.as_ref().map(|p| format!(" Plan available: {} x {}.", p.installments, money(p.installment_amount)));
        let plan = plan.unwrap_or_default();
        let referral = if former.is_some() { "referred for collection" } else { "referred for legal action" };
        // Late fees accrue only while the lease runs.
        let fees_note = if former.is_some() { "" } else { " to avoid further fees" };
        let candidates = match i.tone {
            Tone::Friendly => vec![
                format!(
                    "Hi {}, a friendly reminder from {}: {} for unit {} was due {}.{plan} Please pay when you can, or reply if you need help. Thanks!",
                    r.first(), r.property_name, bal, r.unit_number, due
                ),
                format!("Hi {}, friendly reminder: {} for unit {} was due {}.{plan} Thanks!", r.first(), bal, r.unit_number, due),
                format!("Reminder: {} for unit {} was due {}. Thanks!", bal, r.unit_number, due),
            ],
            Tone::Firm => vec![
                format!(
                    "{}, your balance of {} for unit {} is {days} {day_word} past due. Please pay by {}{fees_note}.{plan} - {}",
                    r.first(), bal, r.unit_number, pay_by, r.property_name
                ),
                format!("{}, {} for unit {} is {days} {day_word} past due. Please pay by {}.{plan}", r.first(), bal, r.unit_number, pay_by),
                format!("Unit {}: {} is {days} {day_word} past due. Pay by {}.", r.unit_number, bal, pay_by),
            ],
            Tone::Formal => vec![
                format!(
                    "Notice to {}: {} is past due on unit {}, {}, since {}. Payment is required by {}.{plan}",
                    r.full_name(), bal, r.unit_number, r.property_name, due, pay_by
                ),
                format!("Notice to {}: {} past due on unit {} since {}. Payment required by {}.", r.full_name(), bal, r.unit_number, due, pay_by),
                format!("Notice: {} past due on unit {}. Payment required by {}.", bal, r.unit_number, pay_by),
            ],
            Tone::Legal => vec![
                format!(
                    "FINAL NOTICE to {}, unit {}: {} past due since {}. If unpaid by {}, this account will be {referral}. - {}",
                    r.full_name(), r.unit_number, bal, due, pay_by, r.property_name
                ),
                format!("FINAL NOTICE, unit {}: {} past due. If unpaid by {}, it will be {referral}.", r.unit_number, bal, pay_by),
                format!("FINAL NOTICE unit {}: {} unpaid. Referral after {}.", r.unit_number, bal, pay_by),
            ],
        };
        return sms(fit_sms(candidates));
    }

    let fees = if i.late_fees > Decimal::ZERO {
        format!(", which includes {} in late fees", money(i.late_fees))
    } else {
        String::new()
    };
    let respond = respond_line(i.channel);
    let plan_para = i.plan.as_ref().map(|p| {
        format!(
            "If paying in full is difficult right now, we can offer a payment plan of {}. Please {} by {} to accept it.",
            plan_text(p),
            respond,
            pay_by
        )
    });
    let earlier = earlier_text(i);
    let (subject, greeting, mut paras) = match i.tone {
        Tone::Friendly => (
            format!("Friendly reminder: balance for unit {}", r.unit_number),
            format!("Hi {},", r.first()),
            vec![
                format!(
                    "We hope all is well. Our records show a balance of {bal} for {unit_ref}, due on {due}{fees}. It may simply have slipped by."
                ),
                format!(
                    "You can pay through the resident portal or at the leasing office. If something has come up, please {respond}; we are glad to help."
                ),
            ],
        ),
        Tone::Firm => (
            format!("Past-due balance for unit {}: {bal}", r.unit_number),
            format!("Dear {},", r.first()),
            vec![
                format!("Your balance of {bal} for {unit_ref} is now {days} {day_word} past due (due {due}){fees}."),
                match former {
                    None => format!(
                        "Please pay the full balance by {pay_by} to avoid additional late fees. If you have already paid, thank you, and please {respond} so we can update your account."
                    ),
                    Some(_) => format!(
                        "Please pay the full balance by {pay_by}. If you have already paid, thank you, and please {respond} so we can update your account."
                    ),
                },
            ],
        ),
        Tone::Formal => (
            format!("Formal notice of past-due balance: unit {}, {}", r.unit_number, r.property_name),
            format!("Dear {},", r.full_name()),
            vec![
                format!(
                    "This is formal notice that your account for {unit_ref} has a past-due balance of {bal}{fees}. Payment was due on {due} and is now {days} {day_word} late."
                ),
                match former {
                    None => format!(
                        "Payment in full is required by {pay_by}. Continued non-payment is a breach of your lease and may lead to further action under its terms."
                    ),
                    Some(_) => format!(
                        "Payment in full is required by {pay_by}. The balance remains owed under the terms of your former lease."
                    ),
                },
            ],
        ),
        Tone::Legal => (
            match former {
                None => format!("Final notice before legal action: unit {}", r.unit_number),
                Some(_) => format!("Final notice before referral for collection: unit {}", r.unit_number),
            },
            format!("Dear {},", r.full_name()),
            vec![
                match &earlier {
                    Some(e) => format!(
                        "Despite {e}, your account for {unit_ref} remains unpaid. The past-due balance is {bal}{fees}, outstanding since {due} ({days} {day_word})."
                    ),
                    None => format!(
                        "Your account for {unit_ref} remains unpaid. The past-due balance is {bal}{fees}, outstanding since {due} ({days} {day_word})."
                    ),
                },
                match former {
                    None => format!(
                        "If the full balance is not received by {pay_by}, this matter will be referred to our attorney, who may file an eviction action and seek all amounts owed as permitted by law and your lease."
                    ),
                    Some(_) => format!(
                        "If the full balance is not received by {pay_by}, this account may be referred to a collection agency or to small claims court to recover the amount owed, as permitted by law."
                    ),
                },
            ],
        ),
    };
    if let Some(p) = plan_para {
        paras.push(p);
    }
    if i.tone == Tone::Legal && i.channel == Channel::Letter {
        paras.push("This notice is sent by certified mail.".to_string());
    }
    match former.and_then(|f| f.forwarding_address.as_deref()).filter(|_| i.channel == Channel::Letter) {
        Some(address) => compose_to(i.channel, r, address, i.today, subject, &greeting, &paras),
        None => compose(i.channel, r, i.today, subject, &greeting, &paras),
    }
}

// ── move-out inspection notice (1.4 move_out_inspection_notice) ────────────

pub fn move_out_inspection_notice(i: &MoveOutInspectionInput) -> Draft {
    let r = &i.recipient;
    let when = match i.inspection_time {
        Some(t) => format!("{} at {}", date(i.inspection_date), time_text(t)),
        None => date(i.inspection_date),
    };
    if i.channel == Channel::Sms {
        return sms(fit_sms(vec![
            format!(
                "Hi {}, your move-out inspection for unit {} at {} is set for {}. Please attend or tell us in advance if you can't. Thanks!",
                r.first(),
                r.unit_number,
                r.property_name,
                when
            ),
            format!("Hi {}, move-out inspection for unit {}: {}. Please attend or let us know.", r.first(), r.unit_number, when),
            format!("Unit {} move-out inspection: {}.", r.unit_number, when),
        ]));
    }
    let moving = match i.move_out_date {
        Some(d) => format!("As you prepare to move out on {}, we", date(d)),
        None => "As you prepare to move out, we".to_string(),
    };
    let paras = vec![
        format!("{moving} have scheduled the move-out inspection of unit {} at {} for {when}.", r.unit_number, r.property_name),
        "During the inspection we compare the unit with its move-in condition report to tell normal wear and tear from damage. The result is used to assess your security deposit, and you will receive an itemized statement of any deductions.".to_string(),
        format!(
            "We encourage you to attend so we can walk through the unit together. If you cannot be there, or need a different time, please {} before the inspection date.",
            respond_line(i.channel)
        ),
    ];
    compose(
        i.channel,
        r,
        i.today,
        format!("Move-out inspection for unit {} on {}", r.unit_number, date(i.inspection_date)),
        &format!("Dear {},", r.full_name()),
        &paras,
    )
}

// ── command-center action descriptions (1.4) ────────────────────────────────

/// Confidence the offline provider gives a rule-based recommendation: the spec's default
/// (`result.get('confidence', 0.70)`), which passes the 0.60 display threshold.
pub const OFFLINE_CONFIDENCE: Decimal = Decimal::from_parts(70, 0, 0, false, 2);

pub fn action_description(i: &ActionInput) -> ActionSuggestion {
    let rent = i.proposed_rent.unwrap_or(i.current_rent);
    let gap = i.market_rent - i.current_rent;
    let days = |d: i64| if d == 1 { "1 day".to_string() } else { format!("{d} days") };
    let at_rent = if gap > Decimal::ZERO {
        format!("at {}, {} below market ({})", money(i.current_rent), money(gap), money(i.market_rent))
    } else {
        format!("at {} (market {})", money(i.current_rent), money(i.market_rent))
    };
    let (description, reason, payload) = match i.action_type {
        ActionType::RenewalOffer => (
            format!("Offer renewal @ {}", money(rent)),
            match i.days_in_state {
                Some(d) => format!("{} has been month-to-month for {} {at_rent}.", i.tenant_name, days(d)),
                None => format!("{}'s lease is due for renewal {at_rent}.", i.tenant_name),
            },
            json!({"template_slug": "renewal_offer", "rent_amount": rent, "term_months": i.term_months.unwrap_or(12)}),
        ),
        ActionType::EarlyRenewalNudge => (
            "Offer early renewal".to_string(),
            match (i.days_to_event, i.event_date) {
                (Some(d), Some(e)) => format!("Lease ends in {} ({}) {at_rent}.", days(d), date(e)),
                (Some(d), None) => format!("Lease ends in {} {at_rent}.", days(d)),
                _ => format!("Active lease nearing its end {at_rent}."),
            },
            json!({"template_slug": "early_renewal_nudge", "rent_amount": rent, "term_months": i.term_months.unwrap_or(12)}),
        ),
        ActionType::RentIncreaseNotice => {
            let delta = rent - i.current_rent;
            (
                format!("Rent increase notice (+{})", money(delta)),
                match i.days_in_state {
                    Some(d) => format!("Month-to-month for {} {at_rent}.", days(d)),
                    None => format!("Rent is {at_rent}."),
                },
                json!({"template_slug": "rent_increase_notice", "current_rent": i.current_rent, "new_rent": rent}),
            )
        }
        ActionType::MoveOutInspection => (
            "Schedule inspection".to_string(),
            match (i.days_to_event, i.event_date) {
                (Some(d), Some(e)) if d >= 0 => format!("Tenant gave notice; moves out in {} ({}).", days(d), date(e)),
                (Some(d), Some(e)) => format!("Move-out date {} passed {} ago.", date(e), days(-d)),
                _ => "Tenant gave notice; the move-out inspection is not yet scheduled.".to_string(),
            },
            json!({"template_slug": "move_out_inspection_notice", "inspection_date": i.event_date}),
        ),
        ActionType::ListingPrep => (
            "Begin pre-listing prep".to_string(),
            match i.days_to_event {
                Some(d) => format!("Move-out in {}: begin pre-listing prep 14 days before move-out.", days(d)),
                None => "Begin pre-listing prep 14 days before move-out.".to_string(),
            },
            json!({"template_slug": "listing_prep", "list_rent": i.market_rent}),
        ),
        ActionType::EvictionPrep => (
            "Begin eviction prep".to_string(),
            match i.balance {
                Some(b) => format!("{} owes {} and is in {} status.", i.tenant_name, money(b), i.lifecycle_state),
                None => format!("{} is in {} status with unresolved collections.", i.tenant_name, i.lifecycle_state),
            },
            json!({"template_slug": "eviction_prep", "balance": i.balance}),
        ),
    };
    let draft_content = format!("Unit {} — {}\n{}\n{}", i.unit_number, i.tenant_name, description, reason);
    ActionSuggestion { description, reason, confidence: OFFLINE_CONFIDENCE, payload, draft_content }
}
