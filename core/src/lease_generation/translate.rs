//! Translation of a lease (spec 4.5's translation prompt) through the AI gateway. There is no
//! machine translation offline: the offline provider says so rather than pass English off as a
//! translation. Every translation carries the binding-language disclaimer, in the target
//! language and in English; an answer without the English disclaimer is refused and repaired.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::model::GeneratedLease;
use super::port::{LeaseGenerationPort, LeaseWrite};
use super::workflow::BINDING_LANGUAGE_DISCLAIMER;
use crate::ai::prompts::Task;
use crate::ai::Gateway;
use crate::port::in_scope;
use crate::store::{Result, StoreError};

/// The languages a lease may be translated into (names as the prompt takes them).
pub const LANGUAGES: &[&str] =
    &["Spanish", "Chinese", "Vietnamese", "Korean", "Tagalog", "Russian", "Arabic", "French", "Portuguese"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranslationInput {
    pub target_language: String,
    pub document_html: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct TranslationOutput {
    pub document_html: String,
}

pub struct LeaseTranslation;

impl Task for LeaseTranslation {
    const NAME: &'static str = "lease_translation";
    const DESCRIPTION: &'static str =
        "Translate a lease, keeping its legal meaning, with the binding-language disclaimer";
    type Input = TranslationInput;
    type Output = TranslationOutput;

    fn system() -> String {
        "You are a legal translator of residential leases. Keep the exact legal meaning; never simplify, add or \
         remove terms, amounts or dates."
            .into()
    }

    fn prompt(i: &TranslationInput) -> String {
        format!(
            "Translate this residential lease from English to {lang}.\nMaintain exact legal meaning — do not \
             simplify or paraphrase legal terms.\nUse the formal register appropriate for legal documents in \
             {lang}.\nCRITICAL: Add the following disclaimer at the top of the translated document:\n\"{BINDING_LANGUAGE_DISCLAIMER}\"\n\
             Translate the disclaimer itself into {lang} as well, then include the English version immediately \
             below it.\nSource document:\n{}\n\nReturn JSON: {{\"document_html\": \"...\"}}",
            i.document_html,
            lang = i.target_language
        )
    }

    fn output_schema() -> Value {
        json!({"type": "object", "required": ["document_html"], "properties": {"document_html": {"type": "string"}}})
    }

    fn check(_i: &TranslationInput, o: &TranslationOutput) -> std::result::Result<(), String> {
        if o.document_html.contains("the English version shall prevail") {
            Ok(())
        } else {
            Err("The translation must include the English binding-language disclaimer verbatim.".into())
        }
    }

    fn offline(_i: &TranslationInput) -> Option<TranslationOutput> {
        None
    }
}

/// What a translation request gave.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct Translation {
    pub language: String,
    pub document_html: String,
    pub disclaimer: String,
    pub provider: String,
}

/// Translates lease `id` into `language` and keeps the translation on the lease. Offline it is
/// refused with the reason: no machine translation without Claude.
pub fn translate<P: LeaseGenerationPort>(
    port: &mut P,
    gateway: &Gateway,
    id: Uuid,
    language: &str,
    now: DateTime<Utc>,
) -> Result<Translation> {
    let mut lease: GeneratedLease = port.generated_lease(id)?;
    in_scope(port, lease.property_id, "Generated lease", id)?;
    let language = LANGUAGES.iter().find(|l| l.eq_ignore_ascii_case(language.trim())).ok_or_else(|| {
        StoreError::Rejected(format!("Language '{}' is not one of: {}.", language.trim(), LANGUAGES.join(", ")))
    })?;
    if gateway.provider().kind() == crate::ai::provider::ProviderKind::Offline {
        return Err(StoreError::Rejected(
            "No machine translation offline: translating a lease needs Claude (set ANTHROPIC_API_KEY). The English \
             lease is the binding one."
                .into(),
        ));
    }
    let input = TranslationInput { target_language: language.to_string(), document_html: lease.document_html.clone() };
    let out = gateway
        .run::<LeaseTranslation>(&input, port, now)
        .map_err(|e| StoreError::Rejected(format!("The translation could not be made: {e}")))?;
    let provider = out.provider.as_str().to_string();
    let html = out.value.document_html;
    let mut map = lease.translations.as_object().cloned().unwrap_or_default();
    map.insert(language.to_string(), Value::String(html.clone()));
    lease.translations = Value::Object(map);
    lease.updated_at = now;
    port.write_lease_rows(&LeaseWrite { leases: vec![lease], ..Default::default() }, now)?;
    Ok(Translation {
        language: language.to_string(),
        document_html: html,
        disclaimer: BINDING_LANGUAGE_DISCLAIMER.into(),
        provider,
    })
}
