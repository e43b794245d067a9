//! The knowledge base from the desktop (spec 4.6: "the knowledge base edited per property in the
//! TUI and desktop"): a property's entries (by category and search, retired ones too), an entry
//! saved (new, edited, retired or restored) through the core's onboarding workflow, queued for
//! the server when connected, and a question put to the FAQ bot about the property through the
//! app's gateway, answered from the active entries with the one it cites. Core's refusals are the
//! error's detail, word for word.

use chrono::Utc;
use serde::Serialize;
use uuid::Uuid;

use super::ops::id;
use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::onboarding::model::{KnowledgeEntry, KB_CATEGORIES};
use unitcycle_core::onboarding::port::OnboardingPort;
use unitcycle_core::onboarding::workflow::{
    self as wf, ChatReply, ChatRequest, KnowledgeInput, OnboardingAction, OnboardingOutcome,
};

/// A property's knowledge base as the page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct KnowledgeBase {
    pub property_id: Uuid,
    pub property_name: String,
    /// The categories an entry is filed under, in the spec's order.
    pub categories: Vec<String>,
    /// The entries the filters let through: active ones first, then by category and question.
    pub entries: Vec<KnowledgeEntry>,
    /// Every entry of the property, and how many of them are retired (whatever the filters).
    pub total: u32,
    pub retired: u32,
}

/// `text`, trimmed, unless blank.
fn given(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// Property `property_id`'s entries in `category` (any when none) matching `search` (in the
/// question, answer or keywords); retired ones only when `include_retired`.
pub fn kb_entries(
    s: &AppState,
    property_id: String,
    category: Option<String>,
    search: Option<String>,
    include_retired: bool,
) -> CmdResult<KnowledgeBase> {
    let property_id = id(&property_id)?;
    let store = s.store()?;
    let category = given(category).map(|c| c.to_lowercase());
    let mut entries =
        wf::knowledge(&*store, property_id, category.as_deref(), given(search).as_deref(), include_retired)?;
    entries.sort_by_key(|e| !e.is_active);
    let all = store.knowledge_base(property_id)?;
    Ok(KnowledgeBase {
        property_id,
        property_name: store.property(property_id)?.name,
        categories: KB_CATEGORIES.iter().map(|c| c.to_string()).collect(),
        entries,
        total: all.len() as u32,
        retired: all.iter().filter(|e| !e.is_active).count() as u32,
    })
}

/// Saves `entry` in property `property_id`'s knowledge base: a new one (no id), an edit, or a
/// retire or restore (`is_active`). A new entry whose question the property has already is
/// refused, so it cannot replace that entry unseen.
pub fn kb_save(s: &AppState, property_id: String, entry: KnowledgeInput) -> CmdResult<KnowledgeEntry> {
    let property_id = id(&property_id)?;
    let mut store = s.store()?;
    if entry.id.is_none() {
        let question = entry.question.trim();
        if let Some(same) =
            store.knowledge_base(property_id)?.into_iter().find(|e| e.question.trim().eq_ignore_ascii_case(question))
        {
            return Err(CommandError::invalid(format!(
                "This property already has the question '{}'{}: edit that entry instead.",
                same.question,
                if same.is_active { "" } else { " (retired)" }
            )));
        }
    }
    match wf::act_on_replica(&mut store, property_id, &OnboardingAction::SaveKnowledge { entry }, Utc::now())? {
        OnboardingOutcome::Knowledge(saved) => Ok(saved),
        _ => Err(CommandError::new("internal", "saving a knowledge-base entry returned something else")),
    }
}

/// The FAQ bot's answer to `question` about property `property_id`, from its active entries:
/// the entry it cites, its confidence and whether a person should take the question.
pub fn kb_ask(s: &AppState, property_id: String, question: String) -> CmdResult<ChatReply> {
    let request = ChatRequest { question, checklist_id: None, tenant_id: None, property_id: Some(id(&property_id)?) };
    let mut store = s.store()?;
    Ok(wf::chat(&mut *store, &s.gateway, &request, Utc::now())?)
}

#[cfg(test)]
mod tests {
    use super::super::collections::tests::demo;
    use super::super::ops;
    use super::*;

    fn input(question: &str) -> KnowledgeInput {
        KnowledgeInput {
            id: None,
            category: "Amenities".into(),
            question: question.into(),
            answer:
                "Yes: the rooftop garden on building C is open 7 AM to 9 PM; plots are $15 a month from the office."
                    .into(),
            keywords: vec!["rooftop garden".into(), " Garden ".into(), "plot".into()],
            is_active: true,
        }
    }

    #[test]
    fn an_entry_is_added_found_answered_retired_and_restored_through_core() {
        let (s, _dir) = demo();
        let property = ops::list_properties(&s, false).unwrap()[0].id.to_string();
        let seeded = ops::kb_entries(&s, property.clone(), None, None, true).unwrap();
        assert!(seeded.entries.len() > 10 && seeded.retired == 0, "{seeded:?}");
        assert_eq!(seeded.categories.len(), 9);
        let parking = ops::kb_entries(&s, property.clone(), Some("parking".into()), None, false).unwrap();
        assert!(!parking.entries.is_empty() && parking.entries.iter().all(|e| e.category == "parking"));

        let saved = ops::kb_save(&s, property.clone(), input("Is there a rooftop garden for residents?")).unwrap();
        assert_eq!((saved.category.as_str(), saved.is_active), ("amenities", true));
        assert_eq!(saved.keywords, ["rooftop garden", "garden", "plot"]);
        let found = ops::kb_entries(&s, property.clone(), None, Some("ROOFTOP".into()), false).unwrap();
        assert_eq!(found.entries.iter().map(|e| e.id).collect::<Vec<_>>(), [saved.id]);
        assert_eq!(found.total, seeded.total + 1);

        let e = ops::kb_save(&s, property.clone(), input("is there a rooftop garden for residents?")).unwrap_err();
        assert!(e.detail.contains("already has the question"), "{}", e.detail);

        let reply = ops::kb_ask(&s, property.clone(), "Can I rent a plot in the rooftop garden?".into()).unwrap();
        assert_eq!(reply.answer.source_question.as_deref(), Some(saved.question.as_str()), "{reply:?}");
        assert_eq!(reply.answer.answer, saved.answer);
        assert!(!reply.answer.handoff && reply.answer.confidence > 0.0 && reply.handoff_conversation_id.is_none());

        let retire = KnowledgeInput {
            id: Some(saved.id),
            category: saved.category.clone(),
            question: saved.question.clone(),
            answer: saved.answer.clone(),
            keywords: saved.keywords.clone(),
            is_active: false,
        };
        let retired = ops::kb_save(&s, property.clone(), retire.clone()).unwrap();
        assert!(!retired.is_active && retired.created_at == saved.created_at);
        let active = ops::kb_entries(&s, property.clone(), None, Some("rooftop".into()), false).unwrap();
        assert!(active.entries.is_empty() && active.retired == 1);
        let all = ops::kb_entries(&s, property.clone(), None, None, true).unwrap();
        assert_eq!(all.entries.last().map(|e| e.id), Some(saved.id), "retired entries last");
        let reply = ops::kb_ask(&s, property.clone(), "Can I rent a plot in the rooftop garden?".into()).unwrap();
        assert_ne!(reply.answer.source_question.as_deref(), Some(saved.question.as_str()), "{reply:?}");

        let restored = ops::kb_save(&s, property, KnowledgeInput { is_active: true, ..retire }).unwrap();
        assert!(restored.is_active);
    }

    #[test]
    fn refusals_are_the_core_messages() {
        let (s, _dir) = demo();
        let property = ops::list_properties(&s, false).unwrap()[0].id.to_string();
        let before = ops::kb_entries(&s, property.clone(), None, None, true).unwrap().total;
        let bad = KnowledgeInput { category: "pets".into(), ..input("Are cats allowed?") };
        let core = bad.clone().checked().unwrap_err().to_string();
        let e = ops::kb_save(&s, property.clone(), bad).unwrap_err();
        assert_eq!((e.code, e.detail.as_str()), ("invalid_input", core.as_str()));
        let e = ops::kb_save(&s, property.clone(), KnowledgeInput { answer: " ".into(), ..input("Q?") }).unwrap_err();
        assert_eq!(e.detail, "An entry needs a question and an answer.");
        assert_eq!(ops::kb_entries(&s, property.clone(), None, None, true).unwrap().total, before, "nothing stored");

        let e = ops::kb_ask(&s, property.clone(), "  ".into()).unwrap_err();
        assert_eq!((e.code, e.detail.as_str()), ("invalid_input", "question is required."));
        let missing = Uuid::new_v4().to_string();
        assert_eq!(ops::kb_entries(&s, missing, None, None, true).unwrap_err().code, "not_found");
        assert_eq!(ops::kb_entries(&s, "x".into(), None, None, true).unwrap_err().code, "invalid_input");
    }

    #[test]
    fn a_connected_replica_queues_the_save_for_the_server() {
        let (s, _dir) = demo();
        let property = ops::list_properties(&s, false).unwrap()[0].id.to_string();
        s.store()
            .unwrap()
            .conn()
            .execute("INSERT INTO sync_state (server_url, device_id) VALUES ('https://uc.example.test', 'd1')", [])
            .unwrap();
        let saved = ops::kb_save(&s, property.clone(), input("Is there a rooftop garden for residents?")).unwrap();
        let (entity, entity_id): (String, String) = s
            .store()
            .unwrap()
            .conn()
            .query_row("SELECT entity, entity_id FROM sync_action WHERE entity = ?1", [wf::ENTITY], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((entity.as_str(), entity_id), (wf::ENTITY, property.clone()));
        let found = ops::kb_entries(&s, property, None, Some("rooftop".into()), false).unwrap();
        assert_eq!(found.entries.iter().map(|e| e.id).collect::<Vec<_>>(), [saved.id], "applied locally at once");
    }
}
