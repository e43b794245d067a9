//! Move-out photo inspection (spec 3.1): the vision prompt, the classifications and the repair
//! cost table every estimate is checked against before it can become a deduction.
//!
//! A model's estimate outside the table's range for its category and severity is brought to the
//! nearest bound (and said so): a tenant is never charged more than the table allows, and a
//! figure the table does not cover (`other`) is left for a person to price.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::model::string_enum;
use crate::turnover::DeductionCategory;

/// The spec's system prompt for move-out photos, word for word.
pub const MOVE_OUT_SYSTEM_PROMPT: &str = r#"You are a property inspection AI. Analyze this photo from a
move-out inspection. Classify each issue as:
- "normal_wear": Expected wear and tear for the tenancy duration
- "damage": Tenant-caused damage beyond normal wear
For each damage item found, provide:
1. Description of the damage
2. Severity: minor, moderate, severe
3. Estimated repair cost in USD
4. Category: wall_damage, floor_damage, fixture_damage, appliance_damage,
cleaning_needed, other
Return JSON format:
{
"classification": "damage" | "normal_wear" | "clean",
"confidence": 0.0-1.0,
"description": "Overall description of photo",
"damage_items": [
{
"item": "Description",
"severity": "minor|moderate|severe",
"estimated_cost": 0.00,
"category": "category_name"
}
]
}"#;

/// The user turn sent with each photo.
pub const MOVE_OUT_USER_PROMPT: &str = "Analyze this move-out inspection photo.";

string_enum! {
    /// `inspection_photo.ai_classification` (and `human_classification`).
    PhotoClassification {
        Pending => "pending", "Pending";
        NormalWear => "normal_wear", "Normal wear";
        Damage => "damage", "Damage";
        Clean => "clean", "Clean";
        NeedsReview => "needs_review", "Needs review";
    }
}

string_enum! {
    /// A damage item's severity.
    DamageSeverity {
        Minor => "minor", "Minor";
        Moderate => "moderate", "Moderate";
        Severe => "severe", "Severe";
    }
}

string_enum! {
    /// A damage item's category.
    DamageCategory {
        WallDamage => "wall_damage", "Wall damage";
        FloorDamage => "floor_damage", "Floor damage";
        FixtureDamage => "fixture_damage", "Fixture damage";
        ApplianceDamage => "appliance_damage", "Appliance damage";
        CleaningNeeded => "cleaning_needed", "Cleaning";
        Other => "other", "Other";
    }
}

/// The spec's repair cost table: (category, [(min, max) for minor, moderate, severe]) in dollars.
pub const REPAIR_COSTS: [(DamageCategory, [(i64, i64); 3]); 5] = [
    (DamageCategory::WallDamage, [(25, 75), (75, 200), (200, 500)]),
    (DamageCategory::FloorDamage, [(50, 150), (150, 400), (400, 1200)]),
    (DamageCategory::FixtureDamage, [(30, 100), (100, 300), (300, 800)]),
    (DamageCategory::ApplianceDamage, [(50, 150), (150, 500), (500, 2000)]),
    (DamageCategory::CleaningNeeded, [(100, 200), (200, 400), (400, 800)]),
];

/// The table's range for a category and severity; None for `other` (a person prices it).
pub fn cost_range(category: DamageCategory, severity: DamageSeverity) -> Option<(Decimal, Decimal)> {
    let column = match severity {
        DamageSeverity::Minor => 0,
        DamageSeverity::Moderate => 1,
        DamageSeverity::Severe => 2,
    };
    REPAIR_COSTS
        .iter()
        .find(|(c, _)| *c == category)
        .map(|(_, ranges)| (Decimal::from(ranges[column].0), Decimal::from(ranges[column].1)))
}

/// A checked estimate: the cost that may be deducted and why it differs from the estimate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct CheckedCost {
    pub amount: Option<Decimal>,
    /// Why the amount is not the estimate (empty when it is).
    pub note: String,
}

/// The estimate brought within the table's range (None when the table has no range: a person
/// prices it; a missing estimate takes the range's lower bound, never more).
pub fn check_cost(category: DamageCategory, severity: DamageSeverity, estimated: Option<Decimal>) -> CheckedCost {
    let Some((lo, hi)) = cost_range(category, severity) else {
        return CheckedCost {
            amount: None,
            note: format!("{} is not in the repair cost table: price it.", category.label()),
        };
    };
    let money = crate::format::money;
    match estimated {
        None => {
            CheckedCost { amount: Some(lo), note: format!("No estimate given: the table's lowest, {}.", money(lo)) }
        }
        Some(e) if e < lo => CheckedCost {
            amount: Some(lo),
            note: format!("Estimate {} is below the table's {}–{}: {}.", money(e), money(lo), money(hi), money(lo)),
        },
        Some(e) if e > hi => CheckedCost {
            amount: Some(hi),
            note: format!(
                "Estimate {} is above the table's {}–{}: capped at {}.",
                money(e),
                money(lo),
                money(hi),
                money(hi)
            ),
        },
        Some(e) => CheckedCost { amount: Some(e.round_dp(2)), note: String::new() },
    }
}

/// The deposit deduction category a damage category is charged under (spec 2.1's list).
pub fn deduction_category(category: DamageCategory) -> DeductionCategory {
    match category {
        DamageCategory::WallDamage => DeductionCategory::WallDamage,
        DamageCategory::FloorDamage => DeductionCategory::Carpet,
        DamageCategory::ApplianceDamage => DeductionCategory::ApplianceRepair,
        DamageCategory::CleaningNeeded => DeductionCategory::Cleaning,
        DamageCategory::FixtureDamage | DamageCategory::Other => DeductionCategory::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;
    use DamageCategory::*;
    use DamageSeverity::*;

    #[test]
    fn every_cell_of_the_repair_cost_table() {
        let table = [
            (WallDamage, Minor, 25, 75),
            (WallDamage, Moderate, 75, 200),
            (WallDamage, Severe, 200, 500),
            (FloorDamage, Minor, 50, 150),
            (FloorDamage, Moderate, 150, 400),
            (FloorDamage, Severe, 400, 1200),
            (FixtureDamage, Minor, 30, 100),
            (FixtureDamage, Moderate, 100, 300),
            (FixtureDamage, Severe, 300, 800),
            (ApplianceDamage, Minor, 50, 150),
            (ApplianceDamage, Moderate, 150, 500),
            (ApplianceDamage, Severe, 500, 2000),
            (CleaningNeeded, Minor, 100, 200),
            (CleaningNeeded, Moderate, 200, 400),
            (CleaningNeeded, Severe, 400, 800),
        ];
        for (category, severity, lo, hi) in table {
            assert_eq!(
                cost_range(category, severity),
                Some((Decimal::from(lo), Decimal::from(hi))),
                "{category} {severity}"
            );
        }
        for severity in DamageSeverity::ALL {
            assert_eq!(cost_range(Other, *severity), None);
        }
    }

    #[test]
    fn an_estimate_is_kept_within_the_table() {
        assert_eq!(check_cost(WallDamage, Moderate, Some(dec!(120))).amount, Some(dec!(120)));
        let high = check_cost(WallDamage, Minor, Some(dec!(300)));
        assert_eq!(high.amount, Some(dec!(75)));
        assert!(high.note.contains("capped at $75.00"), "{}", high.note);
        assert_eq!(check_cost(ApplianceDamage, Severe, Some(dec!(100))).amount, Some(dec!(500)));
        assert_eq!(check_cost(CleaningNeeded, Minor, None).amount, Some(dec!(100)));
        let other = check_cost(Other, Severe, Some(dec!(999)));
        assert_eq!(other.amount, None, "a person prices what the table does not cover");
    }

    #[test]
    fn damage_is_charged_under_the_deduction_categories() {
        assert_eq!(deduction_category(WallDamage), DeductionCategory::WallDamage);
        assert_eq!(deduction_category(FloorDamage), DeductionCategory::Carpet);
        assert_eq!(deduction_category(CleaningNeeded), DeductionCategory::Cleaning);
        assert_eq!(deduction_category(ApplianceDamage), DeductionCategory::ApplianceRepair);
        assert_eq!(deduction_category(FixtureDamage), DeductionCategory::Other);
    }

    #[test]
    fn the_prompt_is_the_specs() {
        assert!(MOVE_OUT_SYSTEM_PROMPT
            .starts_with("You are a property inspection AI. Analyze this photo from a\nmove-out inspection."));
        assert!(MOVE_OUT_SYSTEM_PROMPT.ends_with("]\n}"));
    }
}
