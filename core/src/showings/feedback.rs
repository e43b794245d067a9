//! Post-tour feedback analysis (spec 5.2 `FEEDBACK_NLP_PROMPT`) through the AI gateway, with an
//! offline analysis made only from what the prospect wrote: each liked item a positive theme,
//! each disliked item a negative one, and the comments' sentences read for the themes they name
//! (kitchen, light, noise, price …) with the sentiment of the words beside them. The sentiment
//! score (-1.0 to 1.0) is half the rating ((rating − 3) / 2) and half the balance of positive
//! and negative themes. Offline, no apply likelihood is guessed (it is `null`) and the follow-up
//! says what the record shows; the answer is marked for review. The themes of a listing's
//! feedback are aggregated for `GET /api/v1/showings/feedback/themes/`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::model::{ShowingFeedback, Theme};
use crate::ai::prompts::Task;

/// What the analysis reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackInput {
    pub name: String,
    pub unit_number: String,
    pub property_name: String,
    pub rating: i32,
    pub liked: Vec<String>,
    pub disliked: Vec<String>,
    pub comments: String,
    pub would_apply: Option<bool>,
    pub price_perception: String,
}

/// One theme of the model's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct AnalysedTheme {
    pub theme: String,
    pub sentiment: String,
    #[serde(default)]
    pub detail: String,
}

/// The spec's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct FeedbackAnalysis {
    pub themes: Vec<AnalysedTheme>,
    pub improvements: Vec<String>,
    /// 0-100; `null` offline (not guessed).
    pub apply_likelihood: Option<i32>,
    pub follow_up_approach: String,
    pub sentiment_score: f64,
    #[serde(default)]
    pub needs_review: bool,
}

/// Theme words the comments are read for, with the theme each names.
const THEME_WORDS: &[(&str, &str)] = &[
    ("kitchen", "kitchen"),
    ("appliance", "kitchen"),
    ("light", "natural_light"),
    ("sunny", "natural_light"),
    ("bright", "natural_light"),
    ("window", "natural_light"),
    ("closet", "closet_space"),
    ("storage", "closet_space"),
    ("bathroom", "bathroom_size"),
    ("shower", "bathroom_size"),
    ("parking", "parking"),
    ("garage", "parking"),
    ("noise", "noise"),
    ("noisy", "noise"),
    ("loud", "noise"),
    ("quiet", "noise"),
    ("price", "price"),
    ("rent", "price"),
    ("expensive", "price"),
    ("cheap", "price"),
    ("location", "location"),
    ("neighborhood", "location"),
    ("commute", "location"),
    ("layout", "layout"),
    ("space", "size"),
    ("spacious", "size"),
    ("small", "size"),
    ("tiny", "size"),
    ("cramped", "size"),
    ("clean", "cleanliness"),
    ("dirty", "cleanliness"),
    ("amenities", "amenities"),
    ("gym", "amenities"),
    ("pool", "amenities"),
    ("laundry", "laundry"),
    ("washer", "laundry"),
];

const POSITIVE: &[&str] = &[
    "love",
    "loved",
    "great",
    "nice",
    "bright",
    "spacious",
    "clean",
    "beautiful",
    "good",
    "quiet",
    "perfect",
    "amazing",
    "modern",
    "updated",
    "like",
    "liked",
    "cheap",
    "convenient",
    "sunny",
];
const NEGATIVE: &[&str] = &[
    "small",
    "tiny",
    "cramped",
    "noisy",
    "loud",
    "dark",
    "dirty",
    "expensive",
    "old",
    "bad",
    "smell",
    "broken",
    "dated",
    "worn",
    "far",
    "no",
    "not",
    "lacking",
    "poor",
    "hate",
    "disliked",
];

fn words(text: &str) -> Vec<String> {
    text.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

fn norm(item: &str) -> String {
    item.trim().to_lowercase().split_whitespace().collect::<Vec<_>>().join("_")
}

/// The themes the comments name, each with the sentiment of its sentence.
pub fn comment_themes(comments: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for sentence in comments.split(['.', '!', '?', ';', '\n']) {
        let w = words(sentence);
        let pos = w.iter().filter(|x| POSITIVE.contains(&x.as_str())).count();
        let neg = w.iter().filter(|x| NEGATIVE.contains(&x.as_str())).count();
        let sentiment = match pos.cmp(&neg) {
            std::cmp::Ordering::Greater => "positive",
            std::cmp::Ordering::Less => "negative",
            std::cmp::Ordering::Equal => "neutral",
        };
        for (word, theme) in THEME_WORDS {
            if w.iter().any(|x| x == word || x == &format!("{word}s")) && !out.iter().any(|(t, _)| t == theme) {
                out.push(((*theme).to_string(), sentiment.to_string()));
            }
        }
    }
    out
}

/// The themes of one piece of feedback: liked, disliked and the comments', counted.
pub fn themes_of(liked: &[String], disliked: &[String], comments: &str) -> Vec<Theme> {
    let mut map: BTreeMap<(String, String), (i32, Vec<String>)> = BTreeMap::new();
    for l in liked.iter().map(|l| norm(l)).filter(|l| !l.is_empty()) {
        map.entry((l, "positive".into())).or_default().0 += 1;
    }
    for d in disliked.iter().map(|d| norm(d)).filter(|d| !d.is_empty()) {
        map.entry((d, "negative".into())).or_default().0 += 1;
    }
    for (t, s) in comment_themes(comments) {
        let e = map.entry((t, s)).or_default();
        e.0 += 1;
        e.1.push("from the comments".into());
    }
    map.into_iter()
        .map(|((theme, sentiment), (count, detail))| Theme { theme, sentiment, count, detail: detail.join(", ") })
        .collect()
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// -1.0 to 1.0: half the rating, half the themes' balance (the rating alone with no themes).
pub fn sentiment_score(rating: i32, themes: &[Theme]) -> f64 {
    let r = f64::from(rating.clamp(1, 5) - 3) / 2.0;
    let pos: i32 = themes.iter().filter(|t| t.sentiment == "positive").map(|t| t.count).sum();
    let neg: i32 = themes.iter().filter(|t| t.sentiment == "negative").map(|t| t.count).sum();
    if pos + neg == 0 {
        return round2(r);
    }
    round2((0.5 * r + 0.5 * f64::from(pos - neg) / f64::from(pos + neg)).clamp(-1.0, 1.0))
}

/// The offline analysis.
pub fn offline_analysis(i: &FeedbackInput) -> FeedbackAnalysis {
    let themes = themes_of(&i.liked, &i.disliked, &i.comments);
    let mut improvements: Vec<String> = themes
        .iter()
        .filter(|t| t.sentiment == "negative")
        .map(|t| format!("Address '{}' (raised by the prospect)", t.theme.replace('_', " ")))
        .collect();
    if i.price_perception == "too_high" {
        improvements.push("Review the asking rent: the prospect found it too high".into());
    }
    let follow_up_approach = match (i.would_apply, i.price_perception.as_str()) {
        (Some(true), _) => "Send the application link now; they said they would apply".to_string(),
        (Some(false), "too_high") => "Follow up only if the rent changes or a lower-priced unit opens".to_string(),
        (Some(false), _) => "Thank them; offer similar units if any open".to_string(),
        (None, _) if i.rating >= 4 => "Follow up within two days with the application link".to_string(),
        _ => "Ask what would make the unit right for them".to_string(),
    };
    FeedbackAnalysis {
        sentiment_score: sentiment_score(i.rating, &themes),
        themes: themes
            .into_iter()
            .map(|t| AnalysedTheme { detail: t.detail, theme: t.theme, sentiment: t.sentiment })
            .collect(),
        improvements,
        apply_likelihood: None,
        follow_up_approach,
        needs_review: true,
    }
}

/// The spec's FEEDBACK_NLP_PROMPT.
#[derive(Debug, Clone, Copy)]
pub struct FeedbackNlp;

impl Task for FeedbackNlp {
    const NAME: &'static str = "showing_feedback_analysis";
    const DESCRIPTION: &'static str = "Themes, improvements and sentiment of post-tour feedback (5.2)";
    type Input = FeedbackInput;
    type Output = FeedbackAnalysis;

    fn system() -> String {
        "You analyse post-tour feedback for rental units. Use only what the prospect wrote; do not invent details."
            .into()
    }

    fn prompt(i: &FeedbackInput) -> String {
        format!(
            "Analyze this post-tour feedback for a rental unit.\nProspect name: {}\nUnit: {} at {}\nOverall rating: \
             {}/5\nLiked: {}\nDisliked: {}\nComments: \"{}\"\nWould apply: {}\nPrice perception: {}\nExtract:\n1. Key \
             themes with sentiment (positive/negative/neutral)\n2. Actionable improvements for the listing or unit\n3. \
             Likelihood to apply (0-100%)\n4. Suggested follow-up approach\nReturn JSON:\n{{\n\"themes\": [\n{{\"theme\": \
             \"string\", \"sentiment\": \"positive|negative|neutral\", \"detail\": \"string\"}}\n],\n\"improvements\": \
             [\"string\"],\n\"apply_likelihood\": 0-100,\n\"follow_up_approach\": \"string\",\n\"sentiment_score\": -1.0 \
             to 1.0\n}}",
            i.name,
            i.unit_number,
            i.property_name,
            i.rating,
            i.liked.join(", "),
            i.disliked.join(", "),
            i.comments,
            i.would_apply.map_or("unknown".to_string(), |b| b.to_string()),
            if i.price_perception.is_empty() { "not given" } else { &i.price_perception }
        )
    }

    fn output_schema() -> Value {
        json!({"type": "object", "required": ["themes", "improvements", "follow_up_approach", "sentiment_score"],
            "properties": {
                "themes": {"type": "array", "items": {"type": "object", "required": ["theme", "sentiment"],
                    "properties": {"theme": {"type": "string"},
                        "sentiment": {"enum": ["positive", "negative", "neutral"]}, "detail": {"type": "string"}}}},
                "improvements": {"type": "array", "items": {"type": "string"}},
                "apply_likelihood": {"type": ["integer", "null"], "minimum": 0, "maximum": 100},
                "follow_up_approach": {"type": "string"},
                "sentiment_score": {"type": "number", "minimum": -1, "maximum": 1}}})
    }

    fn check(_i: &FeedbackInput, o: &FeedbackAnalysis) -> Result<(), String> {
        if !(-1.0..=1.0).contains(&o.sentiment_score) {
            return Err("sentiment_score is between -1.0 and 1.0".into());
        }
        if o.apply_likelihood.is_some_and(|p| !(0..=100).contains(&p)) {
            return Err("apply_likelihood is 0 to 100".into());
        }
        if o.themes.iter().any(|t| !["positive", "negative", "neutral"].contains(&t.sentiment.as_str())) {
            return Err("a theme's sentiment is positive, negative or neutral".into());
        }
        Ok(())
    }

    fn offline(i: &FeedbackInput) -> Option<FeedbackAnalysis> {
        Some(offline_analysis(i))
    }
}

/// One theme across a listing's feedback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ThemeSummary {
    pub theme: String,
    pub count: i32,
    pub positive: i32,
    pub negative: i32,
    pub neutral: i32,
    /// `positive`, `negative` or `mixed`/`neutral`: the larger side.
    pub sentiment: String,
}

/// `GET /api/v1/showings/feedback/themes/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ThemesReport {
    pub listing_id: Option<Uuid>,
    pub feedback_count: i32,
    pub avg_rating: Option<f64>,
    pub avg_sentiment_score: Option<f64>,
    pub would_apply: i32,
    pub price_perception: BTreeMap<String, i32>,
    /// The most mentioned first.
    pub themes: Vec<ThemeSummary>,
    pub improvements: Vec<String>,
}

/// The themes of `feedback` (one listing's, or all in scope).
pub fn aggregate(listing_id: Option<Uuid>, feedback: &[ShowingFeedback]) -> ThemesReport {
    let mut by: BTreeMap<String, (i32, i32, i32)> = BTreeMap::new();
    for f in feedback {
        for t in &f.key_themes {
            let e = by.entry(t.theme.clone()).or_default();
            match t.sentiment.as_str() {
                "positive" => e.0 += t.count,
                "negative" => e.1 += t.count,
                _ => e.2 += t.count,
            }
        }
    }
    let mut themes: Vec<ThemeSummary> = by
        .into_iter()
        .map(|(theme, (p, n, u))| ThemeSummary {
            theme,
            count: p + n + u,
            positive: p,
            negative: n,
            neutral: u,
            sentiment: match p.cmp(&n) {
                std::cmp::Ordering::Greater => "positive",
                std::cmp::Ordering::Less => "negative",
                std::cmp::Ordering::Equal if p > 0 => "mixed",
                std::cmp::Ordering::Equal => "neutral",
            }
            .into(),
        })
        .collect();
    themes.sort_by(|a, b| b.count.cmp(&a.count).then(a.theme.cmp(&b.theme)));
    let n = feedback.len();
    let avg =
        |f: &dyn Fn(&ShowingFeedback) -> f64| (n > 0).then(|| round2(feedback.iter().map(f).sum::<f64>() / n as f64));
    let mut price_perception = BTreeMap::new();
    for f in feedback.iter().filter(|f| !f.price_perception.is_empty()) {
        *price_perception.entry(f.price_perception.clone()).or_insert(0) += 1;
    }
    let improvements = themes
        .iter()
        .filter(|t| t.negative > t.positive)
        .map(|t| format!("'{}' disliked by {} prospect(s)", t.theme.replace('_', " "), t.negative))
        .collect();
    ThemesReport {
        listing_id,
        feedback_count: n as i32,
        avg_rating: avg(&|f| f64::from(f.overall_rating)),
        avg_sentiment_score: avg(&|f| f.sentiment_score),
        would_apply: feedback.iter().filter(|f| f.would_apply == Some(true)).count() as i32,
        price_perception,
        themes,
        improvements,
    }
}
