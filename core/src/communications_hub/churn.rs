//! The churn prediction of spec 5.3 (`CHURN_PREDICTION_FACTORS`): five factors, each 0–1, under
//! the spec's weights (sentiment trend 0.30, complaint frequency 0.25, response engagement 0.20,
//! maintenance satisfaction 0.15, payment patterns 0.10) and its thresholds (0.3 medium, 0.5
//! high, 0.7 critical). Every factor is returned beside the probability.

use serde::{Deserialize, Serialize};

/// The spec's weights, in its order.
pub const WEIGHTS: [(&str, f64); 5] = [
    ("sentiment_trend", 0.30),
    ("complaint_frequency", 0.25),
    ("response_engagement", 0.20),
    ("maintenance_satisfaction", 0.15),
    ("payment_patterns", 0.10),
];

/// What the daily sentiment job counts for a tenant over the last 30 days.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ChurnSignals {
    /// Rolling 30-day average sentiment (-1..1) and the previous 30 days' (the trajectory).
    pub sentiment_avg: f64,
    pub previous_sentiment_avg: Option<f64>,
    /// Complaints and negative messages in the last 30 days (> 3 a month is high risk).
    pub complaints_30d: u32,
    /// Messages sent to the tenant that asked for an answer, and those answered.
    pub followups_sent: u32,
    pub followups_answered: u32,
    /// Open maintenance requests and those open more than 7 days.
    pub open_maintenance: u32,
    pub overdue_maintenance: u32,
    /// Charges in the last 12 months and those paid late.
    pub charges_12mo: u32,
    pub late_12mo: u32,
}

/// Each factor's value (0 = no risk, 1 = most risk).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ChurnFactors {
    pub sentiment_trend: f64,
    pub complaint_frequency: f64,
    pub response_engagement: f64,
    pub maintenance_satisfaction: f64,
    pub payment_patterns: f64,
}

/// The probability (0–1, three places), its risk level and its factors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ChurnPrediction {
    pub churn_probability: f64,
    pub risk_level: String,
    pub factors: ChurnFactors,
}

/// The spec's thresholds: below 0.3 low, below 0.5 medium, below 0.7 high, else critical.
pub fn risk_level(p: f64) -> &'static str {
    match p {
        p if p >= 0.7 => "critical",
        p if p >= 0.5 => "high",
        p if p >= 0.3 => "medium",
        _ => "low",
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

pub fn predict(s: &ChurnSignals) -> ChurnPrediction {
    // Negative mood is risk; a falling one adds to it.
    let level = ((-s.sentiment_avg).clamp(-1.0, 1.0) + 1.0) / 2.0;
    let falling = s.previous_sentiment_avg.map_or(0.0, |p| ((p - s.sentiment_avg) / 2.0).clamp(0.0, 1.0));
    let factors = ChurnFactors {
        sentiment_trend: round3((level * 0.7 + falling * 0.3).clamp(0.0, 1.0)),
        complaint_frequency: round3((f64::from(s.complaints_30d) / 4.0).min(1.0)),
        response_engagement: if s.followups_sent == 0 {
            0.0
        } else {
            round3(1.0 - f64::from(s.followups_answered.min(s.followups_sent)) / f64::from(s.followups_sent))
        },
        maintenance_satisfaction: round3(
            (f64::from(s.open_maintenance) / 4.0 * 0.5 + f64::from(s.overdue_maintenance) / 2.0 * 0.5).min(1.0),
        ),
        payment_patterns: round3((f64::from(s.late_12mo) / f64::from(s.charges_12mo.max(1)) * 2.0).min(1.0)),
    };
    let values = [
        factors.sentiment_trend,
        factors.complaint_frequency,
        factors.response_engagement,
        factors.maintenance_satisfaction,
        factors.payment_patterns,
    ];
    let p = round3(WEIGHTS.iter().zip(values).map(|((_, w), v)| w * v).sum::<f64>());
    ChurnPrediction { churn_probability: p, risk_level: risk_level(p).into(), factors }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_weights_are_the_specs_and_sum_to_one() {
        assert!((WEIGHTS.iter().map(|(_, w)| w).sum::<f64>() - 1.0).abs() < 1e-9);
        assert_eq!(WEIGHTS[0], ("sentiment_trend", 0.30));
        assert_eq!(WEIGHTS[4], ("payment_patterns", 0.10));
    }

    #[test]
    fn thresholds_follow_the_spec() {
        for (p, want) in
            [(0.0, "low"), (0.299, "low"), (0.3, "medium"), (0.5, "high"), (0.699, "high"), (0.7, "critical")]
        {
            assert_eq!(risk_level(p), want, "{p}");
        }
    }

    #[test]
    fn a_happy_tenant_is_low_and_an_angry_unanswered_one_critical() {
        let happy = predict(&ChurnSignals { sentiment_avg: 0.8, charges_12mo: 12, ..Default::default() });
        assert_eq!(happy.risk_level, "low", "{happy:?}");
        let angry = predict(&ChurnSignals {
            sentiment_avg: -0.7,
            previous_sentiment_avg: Some(-0.1),
            complaints_30d: 4,
            followups_sent: 3,
            followups_answered: 0,
            open_maintenance: 2,
            overdue_maintenance: 2,
            charges_12mo: 12,
            late_12mo: 3,
        });
        assert_eq!(angry.risk_level, "critical", "{angry:?}");
        // Mood −0.7 falling from −0.1: 0.85 × 0.7 + 0.3 × 0.3 = 0.685. Each factor times its weight:
        // 0.30 × 0.685 + 0.25 × 1 + 0.20 × 1 + 0.15 × 0.75 + 0.10 × 0.5 = 0.818.
        assert_eq!(angry.factors.sentiment_trend, 0.685);
        assert_eq!(angry.factors.complaint_frequency, 1.0);
        assert_eq!(angry.churn_probability, 0.818);
    }
}
