//! What kind of document an upload is, guessed from its words, so the app can offer the right
//! reader (invoice extraction or lease abstraction) before anyone picks one.

use serde::{Deserialize, Serialize};

use super::Document;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Invoice,
    Lease,
    Other,
}

const INVOICE_WORDS: [&str; 6] = ["invoice", "bill to", "amount due", "subtotal", "remit", "total due"];
const LEASE_WORDS: [&str; 6] = ["lease", "landlord", "tenant", "premises", "term", "security deposit"];

/// The likelier kind and a confidence in 0..1. Each keyword counts once (a lease says
/// "tenant" fifty times; that is no more telling than once); the confidence grows with how many
/// different keywords were seen and how far ahead the winner is.
pub fn classify(doc: &Document) -> (DocumentKind, f64) {
    let text: String = doc.lines().map(|l| l.text.to_lowercase()).collect::<Vec<_>>().join("\n");
    let score = |words: &[&str]| words.iter().filter(|w| contains_word(&text, w)).count();
    let (invoice, lease) = (score(&INVOICE_WORDS), score(&LEASE_WORDS));
    if invoice == 0 && lease == 0 {
        return (DocumentKind::Other, 0.0);
    }
    let (kind, won, lost) =
        if invoice >= lease { (DocumentKind::Invoice, invoice, lease) } else { (DocumentKind::Lease, lease, invoice) };
    if won == lost {
        // A tie says nothing about which it is.
        return (DocumentKind::Other, 0.0);
    }
    let coverage = (won as f64 / 3.0).min(1.0);
    let margin = (won - lost) as f64 / won as f64;
    (kind, (coverage * margin).clamp(0.0, 1.0))
}

/// `word` appears in `text` with no letter directly before or after it ("term" is not in
/// "determine").
fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphabetic) && !after.is_some_and(char::is_alphabetic)
    })
}

#[cfg(test)]
mod tests {
    use super::super::{BBox, Page, TextLine};
    use super::*;

    fn doc(lines: &[&str]) -> Document {
        let bbox = BBox { page: 1, x: 0.0, y: 0.0, width: 0.0, height: 0.0 };
        let lines = lines.iter().map(|t| TextLine { text: t.to_string(), spans: Vec::new(), bbox }).collect();
        Document { pages: vec![Page { number: 1, width: 612.0, height: 792.0, lines, scanned: false }] }
    }

    #[test]
    fn invoice_and_lease_words_decide_the_kind() {
        let (kind, confidence) = classify(&doc(&["INVOICE", "Bill To: Harbor View", "Subtotal 100.00", "Amount Due"]));
        assert_eq!(kind, DocumentKind::Invoice);
        assert!(confidence > 0.9, "{confidence}");
        let (kind, _) = classify(&doc(&["Residential Lease", "Landlord: A", "Tenant: B", "Premises: 1 Main St"]));
        assert_eq!(kind, DocumentKind::Lease);
    }

    #[test]
    fn a_document_with_neither_vocabulary_is_other() {
        assert_eq!(classify(&doc(&["Minutes of the board meeting"])), (DocumentKind::Other, 0.0));
        // "determine" does not contain the word "term".
        assert_eq!(classify(&doc(&["We determine nothing"])), (DocumentKind::Other, 0.0));
    }
}
