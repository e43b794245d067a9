//! Tenant onboarding (spec 4.6): from the signed lease through the first thirty days. The
//! checklist is generated from the lease, unit and property (the spec's task types and
//! triggers, each dated), worked by the hourly processor and watched by the 09:00 stalled
//! check; renters' insurance is verified against the lease's requirements; keys are handed over
//! with who, what and when; and tenants' questions are answered from the property's knowledge
//! base (the FAQ bot) or handed to a person.

pub mod assist;
pub mod checklist;
pub mod faq;
pub mod handbook;
pub mod model;
pub mod port;
pub mod utility_guide;
pub mod verify_document;
pub mod welcome;
pub mod workflow;
