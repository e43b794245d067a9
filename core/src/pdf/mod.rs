//! PDF documents (printpdf) with the spec's fonts embedded and its colours: a small page
//! builder (text with measured widths and wrapping, boxes, lines, images, automatic page
//! breaks, numbered footers) and the documents built with it.
//!
//! Building a document is pure: it takes the data and `generated_at` and returns bytes.

pub mod condition_report;
pub mod letter;

use printpdf::{
    Color, Line, LinePoint, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfParseOptions,
    PdfSaveOptions, Point, Pt, RawImage, Rect, Rgb, TextItem, TextRenderingMode, XObjectTransform,
};

pub use condition_report::{condition_report, ReportInput};

/// The spec's design tokens.
pub mod colors {
    pub const NAVY: (u8, u8, u8) = (0x0F, 0x17, 0x2A);
    pub const GOLD: (u8, u8, u8) = (0xEA, 0xB3, 0x08);
    pub const TEAL: (u8, u8, u8) = (0x0D, 0x94, 0x88);
    pub const INK: (u8, u8, u8) = (0x1E, 0x29, 0x3B);
    pub const MUTED: (u8, u8, u8) = (0x64, 0x74, 0x8B);
    pub const RULE: (u8, u8, u8) = (0xCB, 0xD5, 0xE1);
    pub const PANEL: (u8, u8, u8) = (0xF1, 0xF5, 0xF9);
    pub const RED: (u8, u8, u8) = (0xB9, 0x1C, 0x1C);
    pub const WHITE: (u8, u8, u8) = (0xFF, 0xFF, 0xFF);
}

const HEADING_TTF: &[u8] = include_bytes!("../../../assets/fonts/PlusJakartaSans.ttf");
const BODY_TTF: &[u8] = include_bytes!("../../../assets/fonts/DMSans.ttf");
const MONO_TTF: &[u8] = include_bytes!("../../../assets/fonts/JetBrainsMono.ttf");

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font {0} could not be read")]
    Font(&'static str),
    #[error("the PDF could not be read: {0}")]
    Parse(String),
}

/// Which of the three embedded faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Heading,
    Body,
    Mono,
}

struct LoadedFont {
    parsed: ParsedFont,
    id: printpdf::FontId,
}

/// US Letter, in points.
pub const PAGE_W: f32 = 612.0;
pub const PAGE_H: f32 = 792.0;
pub const MARGIN: f32 = 48.0;
const FOOTER_H: f32 = 36.0;

/// A document being written, page by page, top to bottom.
pub struct Doc {
    doc: PdfDocument,
    fonts: [LoadedFont; 3],
    pages: Vec<Vec<Op>>,
    /// Distance from the top of the current page to the next line.
    pub y: f32,
    footer_left: String,
}

fn rgb(c: (u8, u8, u8)) -> Color {
    Color::Rgb(Rgb {
        r: f32::from(c.0) / 255.0,
        g: f32::from(c.1) / 255.0,
        b: f32::from(c.2) / 255.0,
        icc_profile: None,
    })
}

impl Doc {
    pub fn new(title: &str, footer_left: &str, generated_at: chrono::DateTime<chrono::Utc>) -> Result<Doc, PdfError> {
        let mut doc = PdfDocument::new(title);
        if let Ok(when) = printpdf::OffsetDateTime::from_unix_timestamp(generated_at.timestamp()) {
            doc.metadata.info.creation_date = when;
            doc.metadata.info.modification_date = when;
            doc.metadata.info.metadata_date = when;
        }
        doc.metadata.info.creator = "UnitCycle".into();
        doc.metadata.info.producer = "UnitCycle (printpdf)".into();
        let mut load = |bytes: &[u8], name: &'static str| -> Result<LoadedFont, PdfError> {
            let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or(PdfError::Font(name))?;
            let id = doc.add_font(&parsed);
            Ok(LoadedFont { parsed, id })
        };
        let fonts =
            [load(HEADING_TTF, "Plus Jakarta Sans")?, load(BODY_TTF, "DM Sans")?, load(MONO_TTF, "JetBrains Mono")?];
        let mut d = Doc { doc, fonts, pages: Vec::new(), y: 0.0, footer_left: footer_left.to_string() };
        d.new_page();
        Ok(d)
    }

    fn font(&self, face: Face) -> &LoadedFont {
        &self.fonts[face as usize]
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Starts a new page unless `height` more points fit above the footer.
    pub fn ensure(&mut self, height: f32) -> bool {
        if self.y + height > PAGE_H - MARGIN - FOOTER_H {
            self.new_page();
            true
        } else {
            false
        }
    }

    /// Width of `text` in points.
    pub fn width(&self, text: &str, face: Face, size: f32) -> f32 {
        let f = &self.font(face).parsed;
        let upm = f32::from(f.units_per_em.max(1));
        let units: u32 = text
            .chars()
            .map(|c| {
                let gid = f.lookup_glyph_index(c as u32).unwrap_or(0);
                u32::from(f.get_glyph_width(gid).unwrap_or(0))
            })
            .sum();
        units as f32 / upm * size
    }

    /// Splits `text` into lines no wider than `max_width` (words longer than a line are cut).
    pub fn wrap(&self, text: &str, face: Face, size: f32, max_width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for para in text.lines() {
            let mut line = String::new();
            for word in para.split_whitespace() {
                let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
                if self.width(&candidate, face, size) <= max_width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let mut piece = String::new();
                for c in word.chars() {
                    piece.push(c);
                    if self.width(&piece, face, size) > max_width && piece.chars().count() > 1 {
                        piece.pop();
                        lines.push(std::mem::take(&mut piece));
                        piece.push(c);
                    }
                }
                line = piece;
            }
            lines.push(line);
        }
        if lines.is_empty() {
            lines.push(String::new());
        }
        lines
    }

    /// Draws one line of text with its baseline `top + size` points below the page top.
    #[allow(clippy::too_many_arguments)]
    pub fn text_at(&mut self, x: f32, top: f32, text: &str, face: Face, size: f32, color: (u8, u8, u8), bold: bool) {
        let font = self.font(face).id.clone();
        let ops = self.ops();
        ops.push(Op::SaveGraphicsState);
        ops.push(Op::StartTextSection);
        ops.push(Op::SetFont { font: PdfFontHandle::External(font), size: Pt(size) });
        ops.push(Op::SetFillColor { col: rgb(color) });
        if bold {
            ops.push(Op::SetOutlineColor { col: rgb(color) });
            ops.push(Op::SetOutlineThickness { pt: Pt(size / 30.0) });
            ops.push(Op::SetTextRenderingMode { mode: TextRenderingMode::FillStroke });
        }
        ops.push(Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(PAGE_H - top - size) } });
        ops.push(Op::ShowText { items: vec![TextItem::Text(text.to_string())] });
        ops.push(Op::EndTextSection);
        ops.push(Op::RestoreGraphicsState);
    }

    /// Right-aligned text ending at `right`.
    #[allow(clippy::too_many_arguments)]
    pub fn text_right(
        &mut self,
        right: f32,
        top: f32,
        text: &str,
        face: Face,
        size: f32,
        color: (u8, u8, u8),
        bold: bool,
    ) {
        let w = self.width(text, face, size);
        self.text_at(right - w, top, text, face, size, color, bold);
    }

    /// Writes wrapped text at the cursor, breaking pages as needed; returns the lines written.
    pub fn paragraph(&mut self, x: f32, width: f32, text: &str, face: Face, size: f32, color: (u8, u8, u8)) -> usize {
        let lines = self.wrap(text, face, size, width);
        let lh = size * 1.4;
        for line in &lines {
            self.ensure(lh);
            let y = self.y;
            self.text_at(x, y, line, face, size, color, false);
            self.y += lh;
        }
        lines.len()
    }

    /// A filled rectangle; `top` from the page top.
    pub fn fill_rect(&mut self, x: f32, top: f32, w: f32, h: f32, color: (u8, u8, u8)) {
        let ops = self.ops();
        ops.push(Op::SaveGraphicsState);
        ops.push(Op::SetFillColor { col: rgb(color) });
        ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(PAGE_H - top - h),
                width: Pt(w),
                height: Pt(h),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
        ops.push(Op::RestoreGraphicsState);
    }

    /// An outlined rectangle.
    pub fn stroke_rect(&mut self, x: f32, top: f32, w: f32, h: f32, color: (u8, u8, u8)) {
        let ops = self.ops();
        ops.push(Op::SaveGraphicsState);
        ops.push(Op::SetOutlineColor { col: rgb(color) });
        ops.push(Op::SetOutlineThickness { pt: Pt(0.75) });
        ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(PAGE_H - top - h),
                width: Pt(w),
                height: Pt(h),
                mode: Some(PaintMode::Stroke),
                winding_order: None,
            },
        });
        ops.push(Op::RestoreGraphicsState);
    }

    /// A horizontal rule at `top`.
    pub fn rule(&mut self, x1: f32, x2: f32, top: f32, color: (u8, u8, u8), thickness: f32) {
        let p = |x: f32| LinePoint { p: Point { x: Pt(x), y: Pt(PAGE_H - top) }, bezier: false };
        let ops = self.ops();
        ops.push(Op::SaveGraphicsState);
        ops.push(Op::SetOutlineColor { col: rgb(color) });
        ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        ops.push(Op::DrawLine { line: Line { points: vec![p(x1), p(x2)], is_closed: false } });
        ops.push(Op::RestoreGraphicsState);
    }

    /// Places an image scaled to fit `w × h` (keeping its aspect), top-left at (`x`, `top`);
    /// returns the drawn size.
    pub fn image(&mut self, img: &image::DynamicImage, x: f32, top: f32, w: f32, h: f32) -> (f32, f32) {
        let (iw, ih) = (img.width().max(1) as f32, img.height().max(1) as f32);
        let scale = (w / iw).min(h / ih);
        let (dw, dh) = (iw * scale, ih * scale);
        let raw = match RawImage::from_dynamic_image(image::DynamicImage::ImageRgb8(img.to_rgb8())) {
            Ok(r) => r,
            Err(_) => return (0.0, 0.0),
        };
        let id = self.doc.add_image(&raw);
        self.ops().push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(Pt(x)),
                translate_y: Some(Pt(PAGE_H - top - dh)),
                scale_x: Some(scale),
                scale_y: Some(scale),
                dpi: Some(72.0),
                ..Default::default()
            },
        });
        (dw, dh)
    }

    /// Adds the footers ("… · Page n of N") and returns the PDF bytes.
    pub fn finish(mut self) -> Vec<u8> {
        let total = self.pages.len();
        let footer = self.footer_left.clone();
        let mut pages = std::mem::take(&mut self.pages);
        for (i, ops) in pages.iter_mut().enumerate() {
            let page_no = format!("Page {} of {}", i + 1, total);
            self.pages = vec![std::mem::take(ops)];
            let top = PAGE_H - MARGIN + 8.0;
            self.rule(MARGIN, PAGE_W - MARGIN, top - 6.0, colors::RULE, 0.5);
            self.text_at(MARGIN, top, &footer, Face::Body, 8.0, colors::MUTED, false);
            self.text_right(PAGE_W - MARGIN, top, &page_no, Face::Mono, 8.0, colors::MUTED, false);
            *ops = self.pages.pop().unwrap_or_default();
        }
        let pdf_pages: Vec<PdfPage> = pages
            .into_iter()
            .map(|ops| PdfPage::new(printpdf::Mm(PAGE_W * 25.4 / 72.0), printpdf::Mm(PAGE_H * 25.4 / 72.0), ops))
            .collect();
        self.doc.with_pages(pdf_pages).save(&PdfSaveOptions::default(), &mut Vec::new())
    }
}

/// The text of each page of a PDF (for checks and tests: "does the report say what it should").
pub fn page_texts(bytes: &[u8]) -> Result<Vec<String>, PdfError> {
    let doc = PdfDocument::parse(bytes, &PdfParseOptions::default(), &mut Vec::new()).map_err(PdfError::Parse)?;
    Ok(doc.extract_text().into_iter().map(|lines| lines.join("\n")).collect())
}
