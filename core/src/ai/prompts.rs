//! The registry of prompt tasks. Each task names its system prompt and user prompt (the spec's
//! text, filled from a typed input), the JSON shape of its answer and its offline
//! implementation. Later features add a `Task` impl and one `entry::<...>()` line.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use super::letters::{
    self, ActionInput, ActionSuggestion, Channel, CollectionsInput, Draft, MoveOutInspectionInput, RenewalLetterInput,
    RentIncreaseInput, SMS_MAX_CHARS,
};
use super::provider::{AiError, CompletionRequest};
use crate::format::{date, money};
use crate::inspections::analysis::{ConditionAnalysisInput, ConditionAnswer};

/// One kind of AI call with typed input and output.
pub trait Task {
    /// Registry name and `ai_run.task` value.
    const NAME: &'static str;
    const DESCRIPTION: &'static str;
    type Input: Serialize + DeserializeOwned;
    type Output: Serialize + DeserializeOwned;

    fn system() -> String;
    /// The user prompt for a model, filled from the input.
    fn prompt(input: &Self::Input) -> String;
    /// JSON Schema of `Output`, told to the model.
    fn output_schema() -> Value;
    /// Checks beyond the type (length limits and the like); a failure triggers the repair request.
    fn check(_input: &Self::Input, _output: &Self::Output) -> Result<(), String> {
        Ok(())
    }
    /// The deterministic offline answer, or `None` when the task needs a model.
    fn offline(input: &Self::Input) -> Option<Self::Output>;
}

/// A registry entry: the task with its types erased, so providers can work from a name.
pub struct PromptTask {
    pub name: &'static str,
    pub description: &'static str,
    pub system: fn() -> String,
    pub output_schema: fn() -> Value,
    /// Validates an answer for an input (JSON in, JSON answer).
    pub validate: fn(&Value, &Value) -> Result<(), String>,
    /// The offline answer for an input given as JSON.
    pub offline: fn(&Value) -> Result<Option<Value>, AiError>,
}

fn parse_input<T: Task>(input: &Value) -> Result<T::Input, AiError> {
    <T::Input as serde::Deserialize>::deserialize(input)
        .map_err(|e| AiError::Input { task: T::NAME.into(), detail: e.to_string() })
}

fn validate_erased<T: Task>(input: &Value, answer: &Value) -> Result<(), String> {
    let output = <T::Output as serde::Deserialize>::deserialize(answer).map_err(|e| e.to_string())?;
    let input = <T::Input as serde::Deserialize>::deserialize(input).map_err(|e| format!("input: {e}"))?;
    T::check(&input, &output)
}

fn offline_erased<T: Task>(input: &Value) -> Result<Option<Value>, AiError> {
    let input = parse_input::<T>(input)?;
    T::offline(&input)
        .map(|out| {
            serde_json::to_value(out).map_err(|e| AiError::Input { task: T::NAME.into(), detail: e.to_string() })
        })
        .transpose()
}

/// The registry entry for a task.
pub fn entry<T: Task>() -> PromptTask {
    PromptTask {
        name: T::NAME,
        description: T::DESCRIPTION,
        system: T::system,
        output_schema: T::output_schema,
        validate: validate_erased::<T>,
        offline: offline_erased::<T>,
    }
}

/// Every task, in the order `unitcycle ai status` lists them.
pub fn registry() -> Vec<PromptTask> {
    vec![
        entry::<RenewalLetter>(),
        entry::<RentIncreaseNotice>(),
        entry::<CollectionsMessage>(),
        entry::<MoveOutInspectionNotice>(),
        entry::<CommandCenterAction>(),
        entry::<ConditionAnalysis>(),
        entry::<crate::inspections::move_out::analysis::MoveOutPhotoAnalysis>(),
        entry::<crate::inspections::move_out::comparison::PhotoComparison>(),
        entry::<crate::vendor_intelligence::dispatch::DispatchReasoning>(),
        entry::<crate::vendor_intelligence::price_analysis::PriceAnalysisTask>(),
        entry::<crate::lease_generation::translate::LeaseTranslation>(),
        entry::<crate::lease_generation::renewal_analysis::RenewalAnalysis>(),
        entry::<crate::communications_hub::classify::MessageClassification>(),
        entry::<crate::communications_hub::auto_response::AutoResponseTask>(),
        entry::<crate::onboarding::faq::TenantFaq>(),
        entry::<crate::onboarding::welcome::WelcomeEmailTask>(),
        entry::<crate::onboarding::verify_document::DocumentVerification>(),
        entry::<crate::onboarding::utility_guide::UtilityGuideTask>(),
        entry::<crate::onboarding::handbook::HandbookExtraction>(),
        entry::<crate::staging::listing::ListingTask>(),
        entry::<crate::showings::feedback::FeedbackNlp>(),
        entry::<crate::showings::nurture::NurtureMessageTask>(),
        entry::<crate::listing_syndication::optimize::ListingOptimization>(),
        entry::<crate::listing_syndication::scoring::LeadQualification>(),
        entry::<crate::listing_syndication::competitor_scan::CompetitorAnalysis>(),
    ]
}

pub fn find(name: &str) -> Result<PromptTask, AiError> {
    registry().into_iter().find(|t| t.name == name).ok_or_else(|| AiError::UnknownTask(name.to_string()))
}

/// The completion request for a task: system prompt, filled prompt, input data and schema.
pub fn request<T: Task>(input: &T::Input) -> Result<CompletionRequest, AiError> {
    let data =
        serde_json::to_value(input).map_err(|e| AiError::Input { task: T::NAME.into(), detail: e.to_string() })?;
    Ok(CompletionRequest {
        task: T::NAME.to_string(),
        system: T::system(),
        prompt: T::prompt(input),
        input: data,
        output_schema: T::output_schema(),
        attachments: Vec::new(),
        max_tokens: None,
    })
}

// ── shared prompt text ──────────────────────────────────────────────────────

const LETTER_SYSTEM: &str = "You are the leasing assistant of a residential property-management company. \
Write clear, accurate, courteous tenant communications using only the facts given. Never invent amounts, \
dates, fees or legal claims. Sign off as the property's management.";

fn json_instruction(schema: &Value) -> String {
    format!(
        "Respond with one JSON object and nothing else (no prose, no code fences) matching this JSON Schema:\n{schema}"
    )
}

fn draft_schema() -> Value {
    json!({
        "type": "object",
        "required": ["channel", "body"],
        "properties": {
            "channel": {"type": "string", "enum": ["sms", "email", "letter"]},
            "subject": {"type": ["string", "null"], "description": "email subject or letter Re: line; null for sms"},
            "body": {"type": "string"}
        }
    })
}

fn channel_instruction(channel: Channel) -> String {
    match channel {
        Channel::Sms => {
            format!("Channel: sms. One SMS segment: the body must be at most {SMS_MAX_CHARS} characters; subject null.")
        }
        Channel::Email => {
            "Channel: email. Give a subject line and a plain-text body with greeting and sign-off.".into()
        }
        Channel::Letter => {
            "Channel: letter. Give the Re: line as subject and a printable letter body with date, address block, \
             greeting and sign-off."
                .into()
        }
    }
}

fn check_draft(channel: Channel, draft: &Draft, max_words: Option<usize>) -> Result<(), String> {
    if draft.channel != channel {
        return Err(format!("channel must be {}", channel.as_str()));
    }
    if draft.body.trim().is_empty() {
        return Err("body is empty".into());
    }
    let chars = draft.body.chars().count();
    if channel == Channel::Sms && chars > SMS_MAX_CHARS {
        return Err(format!("sms body is {chars} characters; the limit is {SMS_MAX_CHARS}"));
    }
    if let Some(max) = max_words {
        let words = draft.body.split_whitespace().count();
        if words > max {
            return Err(format!("body is {words} words; keep it under {max}"));
        }
    }
    Ok(())
}

// ── the Phase 1 tasks ───────────────────────────────────────────────────────

/// Spec 1.2 / 1.4 `renewal_offer`.
pub struct RenewalLetter;

impl Task for RenewalLetter {
    const NAME: &'static str = "renewal_letter";
    const DESCRIPTION: &'static str = "Renewal offer letter (1.2, 1.4 renewal_offer)";
    type Input = RenewalLetterInput;
    type Output = Draft;

    fn system() -> String {
        format!("{LETTER_SYSTEM}\n\n{}", json_instruction(&draft_schema()))
    }

    fn prompt(i: &RenewalLetterInput) -> String {
        let r = &i.recipient;
        format!(
            "Draft a personalized renewal offer letter for tenant {} at unit {}, {}. Current rent: {}/mo. \
             Offer rent: {}/mo for {} months. Format as a professional business letter. Keep under 300 words. \
             Include: gratitude for being a tenant, proposed new rate, term options, response deadline.\n\
             Lease ends: {}. Market rent: {}. Respond by: {}. Today: {}. Property address: {}.\n{}",
            r.full_name(),
            r.unit_number,
            r.property_name,
            money(i.current_rent),
            money(i.offer_rent),
            i.term_months,
            i.lease_end_date.map(date).unwrap_or_else(|| "month-to-month".into()),
            i.market_rent.map(money).unwrap_or_else(|| "unknown".into()),
            date(i.respond_by),
            date(i.today),
            r.property_address,
            channel_instruction(i.channel)
        )
    }

    fn output_schema() -> Value {
        draft_schema()
    }

    fn check(i: &RenewalLetterInput, d: &Draft) -> Result<(), String> {
        check_draft(i.channel, d, Some(letters::RENEWAL_MAX_WORDS))
    }

    fn offline(i: &RenewalLetterInput) -> Option<Draft> {
        Some(letters::renewal_letter(i))
    }
}

/// Spec 1.4 `rent_increase_notice`.
pub struct RentIncreaseNotice;

impl Task for RentIncreaseNotice {
    const NAME: &'static str = "rent_increase_notice";
    const DESCRIPTION: &'static str = "30-day rent increase notice (1.4 rent_increase_notice)";
    type Input = RentIncreaseInput;
    type Output = Draft;

    fn system() -> String {
        format!("{LETTER_SYSTEM}\n\n{}", json_instruction(&draft_schema()))
    }

    fn prompt(i: &RentIncreaseInput) -> String {
        let r = &i.recipient;
        format!(
            "Draft a 30-day rent increase notice for tenant {} at unit {}. Current rent: {}/mo. New rent: {}/mo \
             (increase of {}). Reference market conditions, express appreciation, provide deadline to respond.\n\
             Property: {}, {}. Effective: {}. Respond by: {}. Today: {}.\n{}",
            r.full_name(),
            r.unit_number,
            money(i.current_rent),
            money(i.new_rent),
            money(i.new_rent - i.current_rent),
            r.property_name,
            r.property_address,
            date(i.effective_date),
            date(i.respond_by),
            date(i.today),
            channel_instruction(i.channel)
        )
    }

    fn output_schema() -> Value {
        draft_schema()
    }

    fn check(i: &RentIncreaseInput, d: &Draft) -> Result<(), String> {
        check_draft(i.channel, d, None)
    }

    fn offline(i: &RentIncreaseInput) -> Option<Draft> {
        Some(letters::rent_increase_notice(i))
    }
}

/// A collections message states only the case's figures, speaks of earlier notices only when
/// the timeline holds some, and never threatens a former tenant with eviction.
pub fn check_collections_facts(i: &CollectionsInput, body: &str) -> Result<(), String> {
    let mut figures = vec![i.balance, i.late_fees];
    if let Some(p) = &i.plan {
        figures.push(p.installment_amount);
    }
    crate::figures::check(body, &figures, "collections message")?;
    let lower = body.to_lowercase();
    let claims_earlier =
        ["earlier notice", "previous notice", "prior notice", "despite", "repeated notice", "already been notified"]
            .iter()
            .any(|w| lower.contains(w));
    if claims_earlier && i.earlier_notices.is_empty() {
        return Err("The collections message refers to earlier notices, but none was sent on this case.".into());
    }
    if i.former_tenant.is_some() && lower.contains("evict") {
        return Err("The collections message threatens eviction, but the tenant has moved out.".into());
    }
    Ok(())
}

/// Spec 1.3: the message of one escalation step, in the tone `select_tone` chose.
pub struct CollectionsMessage;

impl Task for CollectionsMessage {
    const NAME: &'static str = "collections_message";
    const DESCRIPTION: &'static str = "Collections message by tone and channel (1.3)";
    type Input = CollectionsInput;
    type Output = Draft;

    fn system() -> String {
        format!(
            "{LETTER_SYSTEM} You write rent collection messages whose tone follows the escalation: friendly \
             (a reminder that assumes good faith), firm (clear deadline, consequences of further fees), formal \
             (a notice of breach under the lease), legal (final notice before referral to an attorney).\n\n{}",
            json_instruction(&draft_schema())
        )
    }

    fn prompt(i: &CollectionsInput) -> String {
        let r = &i.recipient;
        let plan = i
            .plan
            .as_ref()
            .map(|p| {
                format!(
                    "Offer a payment plan: {} installments of {} starting {}.",
                    p.installments,
                    money(p.installment_amount),
                    date(p.first_due)
                )
            })
            .unwrap_or_else(|| "No payment plan is offered.".into());
        let history = match i.earlier_notices.as_slice() {
            [] => "No notice has been sent on this case yet: do not refer to earlier notices.".to_string(),
            sent => {
                let list: Vec<String> =
                    sent.iter().map(|n| format!("{} on {}", n.description, date(n.sent_on))).collect();
                format!("Notices already sent on this case: {}.", list.join("; "))
            }
        };
        let status = match &i.former_tenant {
            None => "The tenant lives at the unit.".to_string(),
            Some(f) => format!(
                "The tenant has moved out{}: write to a former tenant about the balance left on their former \
                 residence; never threaten eviction.",
                f.moved_out.map(|d| format!(" (on {})", date(d))).unwrap_or_default()
            ),
        };
        format!(
            "Write a {} collections message for tenant {} at unit {}, {} ({}). Balance due: {} (late fees {}). \
             Originally due {}, now {} days overdue. Ask for payment by {}. {plan} {history} {status} Today: {}.\n{}",
            i.tone.as_str(),
            r.full_name(),
            r.unit_number,
            r.property_name,
            r.property_address,
            money(i.balance),
            money(i.late_fees),
            date(i.due_date),
            i.days_overdue,
            date(i.pay_by),
            date(i.today),
            channel_instruction(i.channel)
        )
    }

    fn output_schema() -> Value {
        draft_schema()
    }

    fn check(i: &CollectionsInput, d: &Draft) -> Result<(), String> {
        check_draft(i.channel, d, None)?;
        check_collections_facts(i, &d.body)
    }

    fn offline(i: &CollectionsInput) -> Option<Draft> {
        Some(letters::collections_message(i))
    }
}

/// Spec 1.4 `move_out_inspection_notice`.
pub struct MoveOutInspectionNotice;

impl Task for MoveOutInspectionNotice {
    const NAME: &'static str = "move_out_inspection_notice";
    const DESCRIPTION: &'static str = "Move-out inspection notice (1.4 move_out_inspection)";
    type Input = MoveOutInspectionInput;
    type Output = Draft;

    fn system() -> String {
        format!("{LETTER_SYSTEM}\n\n{}", json_instruction(&draft_schema()))
    }

    fn prompt(i: &MoveOutInspectionInput) -> String {
        let r = &i.recipient;
        format!(
            "Draft a notice scheduling a move-out inspection for unit {} on {}. Explain the purpose \
             (move-in/move-out comparison, deposit assessment). Request tenant presence or advance notice if \
             they cannot attend.\nTenant: {}. Property: {}, {}. Time: {}. Move-out date: {}. Today: {}.\n{}",
            r.unit_number,
            date(i.inspection_date),
            r.full_name(),
            r.property_name,
            r.property_address,
            i.inspection_time.map(|t| t.format("%-I:%M %p").to_string()).unwrap_or_else(|| "to be confirmed".into()),
            i.move_out_date.map(date).unwrap_or_else(|| "not given".into()),
            date(i.today),
            channel_instruction(i.channel)
        )
    }

    fn output_schema() -> Value {
        draft_schema()
    }

    fn check(i: &MoveOutInspectionInput, d: &Draft) -> Result<(), String> {
        check_draft(i.channel, d, None)
    }

    fn offline(i: &MoveOutInspectionInput) -> Option<Draft> {
        Some(letters::move_out_inspection_notice(i))
    }
}

/// Spec 1.4 nightly AI action queue: one recommendation's description, reason and payload.
pub struct CommandCenterAction;

impl Task for CommandCenterAction {
    const NAME: &'static str = "command_center_action";
    const DESCRIPTION: &'static str = "Command-center action description (1.4 ai_action_queue)";
    type Input = ActionInput;
    type Output = ActionSuggestion;

    fn system() -> String {
        format!(
            "You are the portfolio assistant of a residential property manager. For one unit and one recommended \
             action, write a short description for a table column (under 40 characters, e.g. \"Offer renewal @ \
             $1,150.00\"), the reason with the numbers that justify it, a confidence between 0 and 1, the payload \
             for the action and a short draft. Use only the facts given.\n\n{}",
            json_instruction(&Self::output_schema())
        )
    }

    fn prompt(i: &ActionInput) -> String {
        format!(
            "Action: {}. Unit {} at {}, tenant {}, lifecycle state {}. Current rent {}, market rent {}, proposed \
             rent {}, term {} months. Days to event: {}. Days in state: {}. Event date: {}. Past-due balance: {}. \
             Today: {}.",
            i.action_type.as_str(),
            i.unit_number,
            i.property_name,
            i.tenant_name,
            i.lifecycle_state,
            money(i.current_rent),
            money(i.market_rent),
            i.proposed_rent.map(money).unwrap_or_else(|| "none".into()),
            i.term_months.map(|t| t.to_string()).unwrap_or_else(|| "n/a".into()),
            i.days_to_event.map(|d| d.to_string()).unwrap_or_else(|| "n/a".into()),
            i.days_in_state.map(|d| d.to_string()).unwrap_or_else(|| "n/a".into()),
            i.event_date.map(date).unwrap_or_else(|| "n/a".into()),
            i.balance.map(money).unwrap_or_else(|| "none".into()),
            date(i.today)
        )
    }

    fn output_schema() -> Value {
        json!({
            "type": "object",
            "required": ["description", "reason", "confidence", "payload", "draft_content"],
            "properties": {
                "description": {"type": "string"},
                "reason": {"type": "string"},
                "confidence": {"type": "string", "description": "decimal 0.00-1.00 as a string, e.g. \"0.82\""},
                "payload": {"type": "object"},
                "draft_content": {"type": "string"}
            }
        })
    }

    fn check(_i: &ActionInput, s: &ActionSuggestion) -> Result<(), String> {
        if s.confidence < rust_decimal::Decimal::ZERO || s.confidence > rust_decimal::Decimal::ONE {
            return Err(format!("confidence {} is outside 0..1", s.confidence));
        }
        if s.description.trim().is_empty() {
            return Err("description is empty".into());
        }
        Ok(())
    }

    fn offline(i: &ActionInput) -> Option<ActionSuggestion> {
        Some(letters::action_description(i))
    }
}

// ── the Phase 4 tasks ───────────────────────────────────────────────────────

/// The spec's CONDITION_ANALYSIS_PROMPT (4.4), word for word with `{room_name}` filled.
pub const CONDITION_ANALYSIS_PROMPT: &str = r#"You are inspecting a {room_name} for a legal move-in condition report.
Analyze this photo and identify every visible item and its condition.
For EACH item found, return:
{
"items": [{
"item_type": "walls|ceiling|floor_carpet|floor_tile|windows|...",
"item_label": "North wall near window",
"condition_rating": "excellent|good|fair|poor|damaged",
"description": "Detailed description of current condition",
"pre_existing_issues": [{
"severity": "cosmetic|minor|moderate|major",
"description": "3-inch scratch on drywall",
"dimensions": "3 inches long, surface-level",
"location": "Upper-left quadrant, 5 feet from floor"
}],
"confidence": 0.0-1.0
}],
"room_summary": "Overall room assessment in 1-2 sentences",
"overall_condition": "excellent|good|fair|poor|damaged"
}
Be thorough. In a legal dispute, anything NOT documented here is
assumed to be the tenant's responsibility at move-out."#;

/// Spec 4.4: Claude Vision on one move-in photo. Vision only: there is no offline answer here
/// (the offline check is `inspections::analysis::OfflineAnalyzer`, which measures and rates nothing).
pub struct ConditionAnalysis;

impl Task for ConditionAnalysis {
    const NAME: &'static str = "condition_analysis";
    const DESCRIPTION: &'static str = "Move-in photo condition analysis (4.4, vision)";
    type Input = ConditionAnalysisInput;
    type Output = ConditionAnswer;

    fn system() -> String {
        format!(
            "You are a meticulous residential property inspector documenting a unit's condition at move-in. \
             Describe only what is visible in the photo; when something cannot be judged from it, say so and give \
             a low confidence.\n\n{}",
            json_instruction(&Self::output_schema())
        )
    }

    fn prompt(i: &ConditionAnalysisInput) -> String {
        let mut text = CONDITION_ANALYSIS_PROMPT.replace("{room_name}", &i.room_name);
        if !i.items.is_empty() {
            let hints: Vec<String> = i.items.iter().map(|h| format!("- {} ({})", h.item_type, h.item_label)).collect();
            text.push_str(&format!(
                "\n\nThe checklist for this room, as item_type (label); use these item_type values for the items \
                 they describe and add any other item you see:\n{}",
                hints.join("\n")
            ));
        }
        text
    }

    fn output_schema() -> Value {
        let rating = json!({"type": "string", "enum": ["excellent", "good", "fair", "poor", "damaged"]});
        json!({
            "type": "object",
            "required": ["items", "room_summary", "overall_condition"],
            "properties": {
                "items": {"type": "array", "items": {
                    "type": "object",
                    "required": ["item_type", "item_label", "condition_rating", "description", "pre_existing_issues", "confidence"],
                    "properties": {
                        "item_type": {"type": "string"},
                        "item_label": {"type": "string"},
                        "condition_rating": rating,
                        "description": {"type": "string"},
                        "pre_existing_issues": {"type": "array", "items": {
                            "type": "object",
                            "required": ["severity", "description"],
                            "properties": {
                                "severity": {"type": "string", "enum": ["cosmetic", "minor", "moderate", "major"]},
                                "description": {"type": "string"},
                                "dimensions": {"type": "string"},
                                "location": {"type": "string"}
                            }
                        }},
                        "confidence": {"type": "number", "minimum": 0, "maximum": 1}
                    }
                }},
                "room_summary": {"type": "string"},
                "overall_condition": rating
            }
        })
    }

    fn check(_i: &ConditionAnalysisInput, a: &ConditionAnswer) -> Result<(), String> {
        for (n, item) in a.items.iter().enumerate() {
            let at = format!("items[{n}]");
            if item.item_type.trim().is_empty() {
                return Err(format!("{at}.item_type is empty"));
            }
            if !(0.0..=1.0).contains(&item.confidence) {
                return Err(format!("{at}.confidence {} is outside 0..1", item.confidence));
            }
            if item.pre_existing_issues.iter().any(|x| x.description.trim().is_empty()) {
                return Err(format!("{at} has a pre-existing issue without a description"));
            }
        }
        Ok(())
    }

    fn offline(_i: &ConditionAnalysisInput) -> Option<ConditionAnswer> {
        None
    }
}
