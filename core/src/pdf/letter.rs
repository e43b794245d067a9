//! Letters as printable PDFs: a letterhead, the date, the recipient's address block, the
//! subject, the body and a box of the figures the letter is about (rent, balance, dates).
//! Used for renewal offers (1.2) and collections notices (1.3).

use chrono::{DateTime, Utc};

use super::{colors, Doc, Face, PdfError, MARGIN, PAGE_W};

/// What goes on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct LetterInput {
    pub property_name: String,
    pub property_address: String,
    /// The letter date as printed, e.g. "Nov 25, 2026".
    pub date: String,
    /// Name and address lines of the recipient.
    pub recipient: Vec<String>,
    pub subject: String,
    /// The letter text; blank lines separate paragraphs. Letterhead, date and address lines a
    /// drafted letter may already carry are dropped by `body_paragraphs`.
    pub body: String,
    /// (label, value) rows printed in a box before the body, values right-aligned in mono.
    pub figures: Vec<(String, String)>,
    /// A red banner for legal notices ("FINAL NOTICE"), if any.
    pub banner: Option<String>,
}

/// The paragraphs of a drafted letter, without a header the PDF prints itself: everything
/// before the greeting ("Dear …", "Hi …") is dropped when a greeting exists.
pub fn body_paragraphs(body: &str) -> Vec<String> {
    let lines: Vec<&str> = body.lines().collect();
    let start = lines
        .iter()
        .position(|l| {
            let t = l.trim_start();
            t.starts_with("Dear ") || t.starts_with("Hi ") || t.starts_with("Hello ")
        })
        .unwrap_or(0);
    let mut paras = Vec::new();
    let mut current = String::new();
    for line in &lines[start..] {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paras.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(line.trim_end());
        }
    }
    if !current.is_empty() {
        paras.push(current);
    }
    paras
}

/// Renders the letter (no I/O; the caller stores or attaches the bytes).
pub fn letter(input: &LetterInput, generated_at: DateTime<Utc>) -> Result<Vec<u8>, PdfError> {
    let mut doc = Doc::new(&input.subject, &input.property_name, generated_at)?;
    let width = PAGE_W - 2.0 * MARGIN;

    // Letterhead: a navy band with the property's name and address, a gold rule.
    doc.fill_rect(0.0, 0.0, PAGE_W, 72.0, colors::NAVY);
    doc.text_at(MARGIN, 20.0, &input.property_name, Face::Heading, 18.0, colors::WHITE, true);
    doc.text_at(MARGIN, 44.0, &input.property_address, Face::Body, 9.5, colors::WHITE, false);
    doc.rule(0.0, PAGE_W, 72.0, colors::GOLD, 3.0);
    doc.y = 100.0;

    doc.text_right(PAGE_W - MARGIN, doc.y, &input.date, Face::Body, 10.0, colors::MUTED, false);
    for line in &input.recipient {
        doc.text_at(MARGIN, doc.y, line, Face::Body, 10.5, colors::INK, false);
        doc.y += 14.0;
    }
    doc.y += 14.0;

    if let Some(banner) = &input.banner {
        doc.fill_rect(MARGIN, doc.y, width, 22.0, colors::RED);
        doc.text_at(MARGIN + 10.0, doc.y + 5.0, banner, Face::Heading, 11.0, colors::WHITE, true);
        doc.y += 32.0;
    }
    doc.text_at(MARGIN, doc.y, &format!("Re: {}", input.subject), Face::Heading, 12.0, colors::NAVY, true);
    doc.y += 24.0;

    if !input.figures.is_empty() {
        let h = 12.0 + 16.0 * input.figures.len() as f32;
        doc.fill_rect(MARGIN, doc.y, width, h, colors::PANEL);
        doc.stroke_rect(MARGIN, doc.y, width, h, colors::RULE);
        let mut y = doc.y + 8.0;
        for (label, value) in &input.figures {
            doc.text_at(MARGIN + 12.0, y, label, Face::Body, 10.0, colors::MUTED, false);
            doc.text_right(MARGIN + width - 12.0, y, value, Face::Mono, 10.0, colors::INK, false);
            y += 16.0;
        }
        doc.y += h + 18.0;
    }

    for para in body_paragraphs(&input.body) {
        let lines = doc.wrap(&para, Face::Body, 10.5, width);
        for line in lines {
            doc.ensure(15.0);
            doc.text_at(MARGIN, doc.y, &line, Face::Body, 10.5, colors::INK, false);
            doc.y += 15.0;
        }
        doc.y += 8.0;
    }
    Ok(doc.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> LetterInput {
        LetterInput {
            property_name: "Harbor View Apartments".into(),
            property_address: "120 Cedar St, Austin, TX 78701".into(),
            date: "Nov 25, 2026".into(),
            recipient: vec!["Maria Santos".into(), "Unit A304, Harbor View Apartments".into()],
            subject: "Your lease renewal offer".into(),
            body: "Harbor View Apartments\n120 Cedar St\n\nNov 25, 2026\n\nDear Maria,\n\nThank you for three great years.\nWe would like to offer you a renewal.\n\nSincerely,\nHarbor View Apartments Management".into(),
            figures: vec![("Current rent".into(), "$1,100.00".into()), ("Offered rent".into(), "$1,150.00".into())],
            banner: None,
        }
    }

    #[test]
    fn the_drafted_header_is_dropped_before_the_greeting() {
        let paras = body_paragraphs(&input().body);
        assert_eq!(paras[0], "Dear Maria,");
        assert_eq!(paras[1], "Thank you for three great years.\nWe would like to offer you a renewal.");
        assert_eq!(paras.last().unwrap(), "Sincerely,\nHarbor View Apartments Management");
        assert_eq!(body_paragraphs("Pay now.\n\nThanks"), vec!["Pay now.", "Thanks"]);
    }

    #[test]
    fn renders_a_pdf_with_the_letter_text() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(9, 0, 0).unwrap().and_utc();
        let bytes = letter(&LetterInput { banner: Some("FINAL NOTICE".into()), ..input() }, at).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        let text = super::super::page_texts(&bytes).unwrap().join("\n");
        for needle in
            ["Harbor View Apartments", "Dear Maria", "$1,150.00", "FINAL NOTICE", "Re: Your lease renewal offer"]
        {
            assert!(text.contains(needle), "{needle} missing from {text}");
        }
    }
}
