//! Lease generation (spec 4.5), first increment: the jurisdiction rules shipped in
//! `assets/lease_generation/jurisdiction_rules.json` (the spec's `jurisdiction_rule` rows: deposit
//! limits, late-fee caps and grace periods, notice periods, rent control and required
//! disclosures for WA, CA, NY, TX and FL, each with its statute and effective date) and the check
//! of a lease's terms against them. A state without rules is said so, never assumed compliant.

pub mod assembly;
pub mod clauses;
pub mod jurisdiction;
