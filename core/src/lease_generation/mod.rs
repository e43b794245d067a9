//! Lease generation and e-signing (spec 4.5): the jurisdiction rules shipped in
//! `assets/lease_generation/jurisdiction_rules.json` (deposit limits, late-fee caps and grace
//! periods, notice periods, rent control and required disclosures for WA, CA, NY, OR, TX and FL,
//! each with its statute and effective date) and the clause library beside it; assembly by
//! rules; the generated lease's rows and port; the workflow from template to signatures; the
//! signed PDF with its certificate of completion; the public signing page; translation through
//! the gateway. A state without rules is said so, never assumed compliant.

pub mod assembly;
pub mod clauses;
pub mod document;
pub mod jurisdiction;
pub mod model;
pub mod monitor;
pub mod port;
pub mod renewal_analysis;
pub mod signing_page;
#[cfg(test)]
mod tests;
pub mod translate;
pub mod workflow;
