//! The lease as a paginated PDF (title, lease id, numbered clauses each with an initials line,
//! the signature blocks, then each addendum on its own pages with its own initials and signature
//! lines) and, once every party has signed, the same document followed by a certificate of
//! completion: who viewed and signed what, when, from where, and the SHA-256 of the signed PDF.
//!
//! Rendering is pure and never fails on a signer's data: a drawn signature that cannot be read
//! prints the signer's name and says so.

use std::io::Cursor;

use base64::Engine;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::assembly::AssembledLease;
use super::signing_page::{page_count, role_label};
use crate::pdf::{colors, Doc, Face, PdfError, MARGIN, PAGE_W};

/// One signer as the document and certificate show them.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SigningParty {
    /// tenant | co_tenant | guarantor | property_manager
    pub role: String,
    pub name: String,
    pub email: String,
    /// pending | viewed | signed | declined
    pub status: String,
    pub signed_at: Option<DateTime<Utc>>,
    pub viewed_at: Option<DateTime<Utc>>,
    pub consent_at: Option<DateTime<Utc>>,
    pub ip_address: Option<String>,
    pub user_agent: String,
    pub pages_viewed: Vec<i32>,
    pub time_spent_seconds: i32,
    /// "typed" | "drawn" | "" (not signed)
    pub signature_kind: String,
    /// typed: the typed name; drawn: "data:image/png;base64,..."
    pub signature_data: String,
}

/// What the PDF is made of.
pub struct LeaseDocument<'a> {
    /// e.g. "Residential Lease — Harbor View, Unit 204"
    pub title: &'a str,
    pub lease: &'a AssembledLease,
    /// (title, text), e.g. ("Addendum A — Pet", "…"), each on its own page(s) after the lease.
    pub addenda: &'a [(String, String)],
    pub parties: &'a [SigningParty],
    pub lease_id: uuid::Uuid,
}

const BODY: f32 = 10.5;
const CERT: f32 = 9.0;
/// Space a signature block takes; kept together on one page.
const SIGNATURE_BLOCK: f32 = 100.0;

/// The lease as a PDF: what each party signs, and (with the parties' signatures filled in) the
/// signed copy whose hash the certificate records.
pub fn lease_pdf(doc: &LeaseDocument<'_>, generated_at: DateTime<Utc>) -> Result<Vec<u8>, PdfError> {
    render(doc, generated_at, None)
}

/// The completion certificate page(s) appended to the signed lease: for each party role, name,
/// email, status, consent to sign electronically (time), first viewed, signed at, IP, user
/// agent, pages viewed (e.g. "1–6 of 6"), time spent (e.g. "4 min 12 s"), signature kind; then
/// "Document SHA-256: <hex>", the SHA-256 of `signed_pdf` (the lease PDF without the
/// certificate), and the lease id. Returns (the lease pages followed by the certificate, the hex
/// SHA-256 of `signed_pdf`).
///
/// The lease pages are rendered again in the same document (one valid PDF, no merging of
/// files); the hash names the stored `signed_pdf` the caller produced with `lease_pdf`.
pub fn with_certificate(
    signed_pdf: &[u8],
    doc: &LeaseDocument<'_>,
    completed_at: DateTime<Utc>,
) -> Result<(Vec<u8>, String), PdfError> {
    let sha = sha256_hex(signed_pdf);
    let pdf = render(doc, completed_at, Some((&sha, completed_at)))?;
    Ok((pdf, sha))
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// The lease, then the certificate when `certificate` is (sha256 of the signed PDF, completed at).
fn render(
    doc: &LeaseDocument<'_>,
    generated_at: DateTime<Utc>,
    certificate: Option<(&str, DateTime<Utc>)>,
) -> Result<Vec<u8>, PdfError> {
    let mut pdf = Doc::new(doc.title, &format!("Lease {}", doc.lease_id), generated_at)?;
    let width = PAGE_W - 2.0 * MARGIN;

    // Header: the title and the lease id (no generation time, so a re-render for the certificate
    // prints the same lease pages).
    for line in pdf.wrap(doc.title, Face::Heading, 18.0, width) {
        let y = pdf.y;
        pdf.text_at(MARGIN, y, &line, Face::Heading, 18.0, colors::NAVY, true);
        pdf.y += 24.0;
    }
    let y = pdf.y;
    let meta = format!("Lease ID {} · State {}", doc.lease_id, doc.lease.state);
    pdf.text_at(MARGIN, y, &meta, Face::Mono, 8.5, colors::MUTED, false);
    pdf.y += 16.0;
    let y = pdf.y;
    pdf.rule(MARGIN, PAGE_W - MARGIN, y, colors::GOLD, 1.5);
    pdf.y += 16.0;

    for c in &doc.lease.clauses {
        section(&mut pdf, &format!("{}. {}", c.number, c.clause.title), &c.text, doc.parties.len(), width);
    }

    // The signature page(s): a heading kept with the first block.
    pdf.y += 6.0;
    pdf.ensure(28.0 + SIGNATURE_BLOCK);
    let y = pdf.y;
    pdf.text_at(MARGIN, y, "Signatures", Face::Heading, 13.0, colors::NAVY, true);
    pdf.y += 20.0;
    pdf.paragraph(
        MARGIN,
        width,
        "By signing below, each party agrees to every term of this lease and its addenda.",
        Face::Body,
        9.5,
        colors::MUTED,
    );
    pdf.y += 10.0;
    signature_blocks(&mut pdf, doc.parties);

    for (title, text) in doc.addenda {
        pdf.new_page();
        section(&mut pdf, title, text, doc.parties.len(), width);
        pdf.y += 6.0;
        signature_blocks(&mut pdf, doc.parties);
    }

    if let Some((sha, completed_at)) = certificate {
        certificate_pages(&mut pdf, doc, sha, completed_at, width);
    }
    Ok(pdf.finish())
}

/// A numbered clause or an addendum: heading, wrapped text, and an initials line with one blank
/// per party (two when no parties are named, as in the HTML lease).
fn section(pdf: &mut Doc, heading: &str, text: &str, parties: usize, width: f32) {
    // Keep the heading with at least two lines of its text.
    pdf.ensure(18.0 + 2.0 * BODY * 1.4);
    for line in pdf.wrap(heading, Face::Heading, 11.5, width) {
        pdf.ensure(18.0);
        let y = pdf.y;
        pdf.text_at(MARGIN, y, &line, Face::Heading, 11.5, colors::NAVY, true);
        pdf.y += 18.0;
    }
    pdf.paragraph(MARGIN, width, text, Face::Body, BODY, colors::INK);
    pdf.y += 4.0;
    pdf.ensure(16.0);
    let blanks = vec!["______"; parties.max(2)].join(" ");
    let y = pdf.y;
    pdf.text_right(PAGE_W - MARGIN, y, &format!("Initials: {blanks}"), Face::Body, 9.0, colors::MUTED, false);
    pdf.y += 24.0;
}

/// How a drawn signature's data URL decodes, flattened onto white (the PDF image is RGB, and a
/// transparent canvas would otherwise turn black). `None` for anything that is not a PNG data URL
/// of sensible size.
fn drawn_image(data: &str) -> Option<image::DynamicImage> {
    let b64 = data.trim().strip_prefix("data:image/png;base64,")?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok()?;
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), image::ImageFormat::Png);
    // A signature pad is a few hundred pixels; refuse anything that could exhaust memory.
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(4096);
    limits.max_image_height = Some(4096);
    limits.max_alloc = Some(64 * 1024 * 1024);
    reader.limits(limits);
    let rgba = reader.decode().ok()?.to_rgba8();
    Some(image::DynamicImage::ImageRgb8(flatten_on_white(&rgba)))
}

fn flatten_on_white(rgba: &image::RgbaImage) -> image::RgbImage {
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

fn is_signed(p: &SigningParty) -> bool {
    p.status == "signed"
}

/// Per party: the role, the signature (typed name, drawn image, or an empty line), the name under
/// the line, and when it was signed electronically or a blank date.
fn signature_blocks(pdf: &mut Doc, parties: &[SigningParty]) {
    for p in parties {
        pdf.ensure(SIGNATURE_BLOCK);
        let y0 = pdf.y;
        let role = role_label(&p.role).to_uppercase();
        pdf.text_at(MARGIN, y0, &role, Face::Heading, 8.5, colors::MUTED, true);
        if is_signed(p) {
            let x = MARGIN + 6.0;
            match p.signature_kind.as_str() {
                "drawn" => match drawn_image(&p.signature_data) {
                    Some(img) => {
                        pdf.image(&img, x, y0 + 13.0, 240.0, 42.0);
                    }
                    None => {
                        pdf.text_at(x, y0 + 16.0, &p.name, Face::Heading, 14.0, colors::NAVY, false);
                        let note = "(drawn signature could not be read)";
                        pdf.text_at(x, y0 + 38.0, note, Face::Body, 8.0, colors::RED, false);
                    }
                },
                // A typed signature is the name the signer typed (their name if that is missing).
                // The embedded faces have no italic, so the heading face at a larger size sets it
                // apart from the printed name under the line.
                _ => {
                    let typed = if p.signature_data.trim().is_empty() { &p.name } else { &p.signature_data };
                    pdf.text_at(x, y0 + 26.0, typed.trim(), Face::Heading, 20.0, colors::NAVY, false);
                }
            }
        }
        pdf.rule(MARGIN, MARGIN + 300.0, y0 + 58.0, colors::INK, 0.75);
        let who = format!("{}, {}", p.name, role_label(&p.role));
        pdf.text_at(MARGIN, y0 + 62.0, &who, Face::Body, 9.5, colors::INK, false);
        if is_signed(p) {
            let when = p.signed_at.map_or_else(|| "(time not recorded)".to_string(), utc);
            let line = format!("Signed electronically {when}");
            pdf.text_at(MARGIN, y0 + 77.0, &line, Face::Body, 8.5, colors::TEAL, false);
        } else {
            pdf.text_at(MARGIN, y0 + 77.0, "Date: ________________", Face::Body, 9.5, colors::INK, false);
        }
        pdf.y = y0 + SIGNATURE_BLOCK;
    }
}

/// "1–3, 5 of 6" from the page numbers a signer saw (any order, repeats ignored).
fn pages_summary(pages: &[i32], total: usize) -> String {
    let mut seen: Vec<i32> = pages.iter().copied().filter(|p| *p > 0).collect();
    seen.sort_unstable();
    seen.dedup();
    if seen.is_empty() {
        return format!("none of {total}");
    }
    let mut runs: Vec<String> = Vec::new();
    let mut start = seen[0];
    let mut end = seen[0];
    for &p in &seen[1..] {
        if p == end + 1 {
            end = p;
            continue;
        }
        runs.push(if start == end { start.to_string() } else { format!("{start}–{end}") });
        start = p;
        end = p;
    }
    runs.push(if start == end { start.to_string() } else { format!("{start}–{end}") });
    format!("{} of {total}", runs.join(", "))
}

/// "4 min 12 s", "42 s", "1 h 2 min 5 s".
fn duration(seconds: i32) -> String {
    let s = seconds.max(0);
    let (h, m, s) = (s / 3600, s % 3600 / 60, s % 60);
    match (h, m) {
        (0, 0) => format!("{s} s"),
        (0, _) => format!("{m} min {s} s"),
        _ => format!("{h} h {m} min {s} s"),
    }
}

fn certificate_heading(pdf: &mut Doc, continued: bool) {
    let y = pdf.y;
    let title = if continued { "Certificate of Completion (continued)" } else { "Certificate of Completion" };
    pdf.text_at(MARGIN, y, title, Face::Heading, 18.0, colors::NAVY, true);
    pdf.y += 26.0;
}

/// Label/value rows; values wrap in the right column. Returns the rows' height.
fn rows_height(pdf: &Doc, rows: &[(&str, String)], value_width: f32) -> f32 {
    rows.iter().map(|(_, v)| pdf.wrap(v, Face::Body, CERT, value_width).len() as f32 * 13.0).sum()
}

fn write_rows(pdf: &mut Doc, rows: &[(&str, String)], value_x: f32, value_width: f32) {
    for (label, value) in rows {
        let y = pdf.y;
        pdf.text_at(MARGIN + 10.0, y, label, Face::Body, CERT, colors::MUTED, false);
        for line in pdf.wrap(value, Face::Body, CERT, value_width) {
            let y = pdf.y;
            pdf.text_at(value_x, y, &line, Face::Body, CERT, colors::INK, false);
            pdf.y += 13.0;
        }
    }
}

fn certificate_pages(pdf: &mut Doc, doc: &LeaseDocument<'_>, sha: &str, completed_at: DateTime<Utc>, width: f32) {
    pdf.new_page();
    certificate_heading(pdf, false);
    pdf.paragraph(
        MARGIN,
        width,
        "This certificate records how each party viewed and signed the document below electronically under \
         the E-SIGN Act and UETA, each after consenting to do business electronically. It is part of the signed \
         document.",
        Face::Body,
        9.5,
        colors::MUTED,
    );
    pdf.y += 8.0;
    let value_x = MARGIN + 150.0;
    let value_width = PAGE_W - MARGIN - value_x;
    let summary = [
        ("Document", doc.title.to_string()),
        ("Lease ID", doc.lease_id.to_string()),
        ("Completed", utc(completed_at)),
        ("Parties", doc.parties.len().to_string()),
    ];
    write_rows(pdf, &summary, value_x, value_width);
    pdf.y += 10.0;

    let total = page_count(doc.lease, doc.addenda);
    let or_not = |t: Option<DateTime<Utc>>, none: &str| t.map_or_else(|| none.to_string(), utc);
    for p in doc.parties {
        let kind = match p.signature_kind.as_str() {
            "typed" => "Typed name".to_string(),
            "drawn" => "Drawn".to_string(),
            "" => "Not signed".to_string(),
            other => other.to_string(),
        };
        let rows = [
            ("Email", p.email.clone()),
            ("Status", p.status.clone()),
            ("Consent to sign electronically", or_not(p.consent_at, "not given")),
            ("First viewed", or_not(p.viewed_at, "not viewed")),
            ("Signed at", or_not(p.signed_at, "not signed")),
            ("IP address", p.ip_address.clone().filter(|s| !s.trim().is_empty()).unwrap_or("not recorded".into())),
            ("User agent", if p.user_agent.trim().is_empty() { "not recorded".into() } else { p.user_agent.clone() }),
            ("Pages viewed", pages_summary(&p.pages_viewed, total)),
            ("Time spent", duration(p.time_spent_seconds)),
            ("Signature", kind),
        ];
        // A party's record stays on one page; a new page repeats the heading.
        let h = 22.0 + rows_height(pdf, &rows, value_width) + 10.0;
        if pdf.ensure(h) {
            certificate_heading(pdf, true);
        }
        let y = pdf.y;
        pdf.rule(MARGIN, PAGE_W - MARGIN, y, colors::RULE, 0.5);
        pdf.y += 6.0;
        let y = pdf.y;
        let who = format!("{} — {}", role_label(&p.role), p.name);
        pdf.text_at(MARGIN, y, &who, Face::Heading, 10.5, colors::NAVY, true);
        pdf.y += 16.0;
        write_rows(pdf, &rows, value_x, value_width);
        pdf.y += 10.0;
    }

    if pdf.ensure(70.0) {
        certificate_heading(pdf, true);
    }
    let y = pdf.y;
    pdf.rule(MARGIN, PAGE_W - MARGIN, y, colors::GOLD, 1.0);
    pdf.y += 8.0;
    let y = pdf.y;
    pdf.text_at(MARGIN, y, &format!("Document SHA-256: {sha}"), Face::Mono, 8.5, colors::INK, false);
    pdf.y += 14.0;
    let y = pdf.y;
    pdf.text_at(MARGIN, y, &format!("Lease ID: {}", doc.lease_id), Face::Mono, 8.5, colors::INK, false);
    pdf.y += 16.0;
    pdf.paragraph(
        MARGIN,
        width,
        "The SHA-256 digest is of the signed lease PDF without this certificate, as stored when the last party \
         signed. Any change to that file changes the digest.",
        Face::Body,
        8.5,
        colors::MUTED,
    );
}

#[cfg(test)]
mod tests {

    use chrono::NaiveDate;

    use super::super::assembly::assemble;
    use super::*;
    use crate::pdf::page_texts;

    use super::super::assembly::fixtures::{terms, vars};

    /// A long lease: most of the library's standard clauses.
    fn lease() -> AssembledLease {
        let slugs: Vec<String> = [
            "parties",
            "premises",
            "term",
            "rent",
            "security_deposit",
            "late_fees",
            "utilities",
            "maintenance",
            "entry",
            "subletting",
            "pets",
            "bed_bugs",
            "radon",
            "flood_disclosure",
            "signatures",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assemble("WA", None, &slugs, &vars(), &terms(), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
    }

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        NaiveDate::from_ymd_opt(2026, 12, 5).unwrap().and_hms_opt(h, m, s).unwrap().and_utc()
    }

    fn party(role: &str, name: &str, ip: &str) -> SigningParty {
        SigningParty {
            role: role.into(),
            name: name.into(),
            email: format!("{}@example.com", name.split(' ').next().unwrap_or("x").to_lowercase()),
            status: "pending".into(),
            signed_at: None,
            viewed_at: None,
            consent_at: None,
            ip_address: Some(ip.into()),
            user_agent: String::new(),
            pages_viewed: Vec::new(),
            time_spent_seconds: 0,
            signature_kind: String::new(),
            signature_data: String::new(),
        }
    }

    fn signed(mut p: SigningParty, kind: &str, data: &str) -> SigningParty {
        p.status = "signed".into();
        p.viewed_at = Some(at(14, 0, 0));
        p.consent_at = Some(at(14, 3, 40));
        p.signed_at = Some(at(14, 4, 12));
        p.user_agent =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36".into();
        p.pages_viewed = (1..=6).collect();
        p.time_spent_seconds = 252;
        p.signature_kind = kind.into();
        p.signature_data = data.into();
        p
    }

    fn addenda() -> Vec<(String, String)> {
        vec![("Addendum A — Pet".into(), "One cat, Miso, is allowed. No other pets without written consent.".into())]
    }

    fn texts(bytes: &[u8]) -> Vec<String> {
        assert!(bytes.starts_with(b"%PDF"));
        page_texts(bytes).unwrap()
    }

    fn id() -> uuid::Uuid {
        uuid::Uuid::from_u128(0x0193_8a2b_4c5d_7e6f_8091_a2b3_c4d5_e6f7)
    }

    #[test]
    fn every_clause_is_numbered_titled_and_initialled_on_numbered_pages() {
        let lease = lease();
        let addenda = addenda();
        let parties = [party("tenant", "Alex Rivera", "203.0.113.7"), party("property_manager", "Sam Ortiz", "")];
        let title = "Residential Lease — Harbor View, Unit 204";
        let doc = LeaseDocument { title, lease: &lease, addenda: &addenda, parties: &parties, lease_id: id() };
        let pages = texts(&lease_pdf(&doc, at(9, 0, 0)).unwrap());
        let all = pages.join("\n");
        assert!(pages.len() > 1, "a long lease runs over pages");
        for (i, page) in pages.iter().enumerate() {
            let label = format!("Page {} of {}", i + 1, pages.len());
            assert!(page.contains(&label), "{label} in {page}");
        }
        assert!(pages[0].contains(title) && pages[0].contains(&id().to_string()));
        for c in &lease.clauses {
            let heading = format!("{}. {}", c.number, c.clause.title);
            assert!(all.contains(&heading), "{heading} missing");
        }
        assert!(all.contains("Tenant pays rent of $1,800.00 per month"));
        // One initials line per clause and per addendum.
        assert_eq!(all.matches("Initials: ______ ______").count(), lease.clauses.len() + addenda.len());
        // The addendum starts its own page and carries signature lines.
        let last = pages.last().unwrap();
        assert!(last.contains("Addendum A — Pet") && last.contains("Sam Ortiz, Property manager"));
        assert!(!all.contains("Signed electronically") && all.contains("Date: ________________"));
    }

    #[test]
    fn a_signed_typed_party_shows_the_typed_name_and_when() {
        let lease = lease();
        let parties = [
            signed(party("tenant", "Alex Rivera", "203.0.113.7"), "typed", "Alex J. Rivera"),
            party("property_manager", "Sam Ortiz", "198.51.100.20"),
        ];
        let doc = LeaseDocument { title: "Lease", lease: &lease, addenda: &[], parties: &parties, lease_id: id() };
        let all = texts(&lease_pdf(&doc, at(15, 0, 0)).unwrap()).join("\n");
        assert!(all.contains("Alex J. Rivera"), "the typed signature");
        assert!(all.contains("Alex Rivera, Tenant"));
        assert!(all.contains("Signed electronically 2026-12-05 14:04:12 UTC"));
        assert_eq!(all.matches("Date: ________________").count(), 1, "the manager has not signed");
    }

    #[test]
    fn the_certificate_follows_the_lease_and_names_the_hash_of_the_signed_pdf() {
        let lease = lease();
        let addenda = addenda();
        let mut guarantor = signed(party("guarantor", "Pat Kim", "192.0.2.44"), "typed", "Pat Kim");
        guarantor.pages_viewed = vec![3, 1, 2, 2, 6];
        let parties = [
            signed(party("tenant", "Alex Rivera", "203.0.113.7"), "typed", "Alex Rivera"),
            guarantor,
            signed(party("property_manager", "Sam Ortiz", "198.51.100.20"), "typed", "Sam Ortiz"),
        ];
        let doc = LeaseDocument { title: "Lease", lease: &lease, addenda: &addenda, parties: &parties, lease_id: id() };
        let signed_pdf = lease_pdf(&doc, at(14, 30, 0)).unwrap();
        let (final_pdf, sha) = with_certificate(&signed_pdf, &doc, at(14, 31, 0)).unwrap();
        assert_eq!(sha, sha256_hex(&signed_pdf));
        assert_eq!(sha.len(), 64);
        let lease_pages = texts(&signed_pdf);
        let pages = texts(&final_pdf);
        assert!(pages.len() > lease_pages.len(), "the lease pages, then the certificate");
        assert!(pages[0].contains("1. Parties"));
        let last = pages.last().unwrap();
        assert!(last.contains("Certificate of Completion"), "{last}");
        assert!(last.contains(&format!("Document SHA-256: {sha}")), "{last}");
        assert!(last.contains(&format!("Lease ID: {}", id())));
        let certificate = pages[lease_pages.len()..].join("\n");
        for p in &parties {
            assert!(certificate.contains(p.ip_address.as_deref().unwrap()), "{}'s IP", p.name);
            assert!(certificate.contains(&p.email));
        }
        let total = page_count(&lease, &addenda);
        assert!(certificate.contains(&format!("1–6 of {total}")), "{certificate}");
        assert!(certificate.contains(&format!("1–3, 6 of {total}")));
        assert!(certificate.contains("4 min 12 s") && certificate.contains("2026-12-05 14:03:40 UTC"));
        assert!(certificate.contains("Guarantor — Pat Kim") && certificate.contains("Typed name"));
    }

    #[test]
    fn a_drawn_signature_that_cannot_be_read_prints_the_name_and_does_not_panic() {
        let lease = lease();
        for data in [
            "data:image/png;base64,!!!not base64!!!",
            "not a data url",
            "data:image/png;base64,aGVsbG8gd29ybGQ=",
            "data:image/jpeg;base64,/9j/4AAQ",
            "",
        ] {
            let parties = [signed(party("tenant", "Alex Rivera", "203.0.113.7"), "drawn", data)];
            let doc = LeaseDocument { title: "Lease", lease: &lease, addenda: &[], parties: &parties, lease_id: id() };
            let pdf = lease_pdf(&doc, at(15, 0, 0)).unwrap();
            let all = texts(&pdf).join("\n");
            assert!(all.contains("(drawn signature could not be read)"), "{data}");
            assert!(all.contains("Signed electronically"));
            let (with_cert, _) = with_certificate(&pdf, &doc, at(15, 1, 0)).unwrap();
            assert!(texts(&with_cert).last().unwrap().contains("Drawn"));
        }
    }

    #[test]
    fn a_drawn_png_signature_is_drawn_on_white() {
        // A transparent pad with one dark stroke, as canvas.toDataURL gives it.
        let mut pad = image::RgbaImage::new(120, 40);
        for x in 10..110 {
            pad.put_pixel(x, 20, image::Rgba([15, 23, 42, 255]));
        }
        let mut png = Vec::new();
        image::DynamicImage::ImageRgba8(pad).write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        let url = format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(&png));
        let img = drawn_image(&url).unwrap().to_rgb8();
        assert_eq!(img.get_pixel(0, 0).0, [255, 255, 255], "transparent is white, not black");
        assert_eq!(img.get_pixel(50, 20).0, [15, 23, 42]);

        let lease = lease();
        let parties = [signed(party("co_tenant", "Jordan Lee", "203.0.113.8"), "drawn", &url)];
        let doc = LeaseDocument { title: "Lease", lease: &lease, addenda: &[], parties: &parties, lease_id: id() };
        let all = texts(&lease_pdf(&doc, at(15, 0, 0)).unwrap()).join("\n");
        assert!(!all.contains("could not be read"));
        assert!(all.contains("Jordan Lee, Co-tenant") && all.contains("Signed electronically"));
    }

    #[test]
    fn pages_viewed_time_spent_and_hash_read_as_a_person_expects() {
        assert_eq!(pages_summary(&[3, 1, 2, 2, 6], 6), "1–3, 6 of 6");
        assert_eq!(pages_summary(&[1, 2, 3, 4, 5, 6], 6), "1–6 of 6");
        assert_eq!(pages_summary(&[], 6), "none of 6");
        assert_eq!(duration(252), "4 min 12 s");
        assert_eq!(duration(42), "42 s");
        assert_eq!(duration(3725), "1 h 2 min 5 s");
        assert_eq!(duration(-5), "0 s");
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
