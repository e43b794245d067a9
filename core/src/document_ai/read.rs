//! Reading a PDF into positioned text lines: the upload checks, then a small interpreter of the
//! content stream's text operators (enough to place each `Tj`/`TJ` on the page), then lines
//! grouped by baseline. Everything the file says is untrusted: every lookup may fail and a
//! failure yields an empty page, never a panic.

use std::collections::HashMap;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document as Pdf, Encoding, Object, ObjectId};

use super::{BBox, Document, DocumentError, Page, Span, TextLine, MAX_BYTES, MAX_PAGES, MAX_STREAM_BYTES};

/// How far into the file `%PDF-` may start (some generators put whitespace or a BOM first).
const HEADER_SLACK: usize = 1024;
/// Form XObjects may draw forms; a loop or a deep nest is cut off here.
const MAX_FORM_DEPTH: usize = 4;
/// The most form XObjects one page may draw (real pages draw a handful).
const MAX_FORMS: usize = 256;
/// US Letter, when a page names no usable MediaBox.
const DEFAULT_MEDIA_BOX: [f32; 4] = [0.0, 0.0, 612.0, 792.0];

/// The caps an upload is held to; [`read_pdf`] uses the crate's constants. Smaller caps let
/// tests exercise each refusal without building a 50 MB file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_pages: usize,
    pub max_stream_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: MAX_BYTES, max_pages: MAX_PAGES, max_stream_bytes: MAX_STREAM_BYTES }
    }
}

/// Reads an uploaded PDF into pages of text lines, refusing what is not safe to read.
pub fn read_pdf(bytes: &[u8]) -> Result<Document, DocumentError> {
    read_pdf_with(bytes, Limits::default())
}

/// [`read_pdf`] under other caps.
pub fn read_pdf_with(bytes: &[u8], limits: Limits) -> Result<Document, DocumentError> {
    check_size(bytes.len(), limits.max_bytes)?;
    check_header(bytes)?;
    let options = lopdf::LoadOptions { max_decompressed_size: Some(limits.max_stream_bytes), ..Default::default() };
    let pdf = match Pdf::load_mem_with_options(bytes, options) {
        Ok(pdf) => pdf,
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            return Err(DocumentError::StreamTooLarge { max: limits.max_stream_bytes })
        }
        // lopdf fails outright on an encryption it cannot open; say why rather than "unreadable".
        Err(_) if declares_encryption(bytes) => return Err(DocumentError::Encrypted),
        Err(e) => return Err(DocumentError::Unreadable(e.to_string())),
    };
    if pdf.is_encrypted() || pdf.was_encrypted() || pdf.trailer.get(b"Encrypt").is_ok() {
        return Err(DocumentError::Encrypted);
    }
    let page_ids = pdf.get_pages();
    check_page_count(page_ids.len(), limits.max_pages)?;
    if page_ids.is_empty() {
        return Err(DocumentError::Unreadable("the PDF has no pages".into()));
    }
    let mut pages = Vec::with_capacity(page_ids.len());
    for (number, id) in page_ids {
        pages.push(read_page(&pdf, number, id, limits.max_stream_bytes)?);
    }
    Ok(Document { pages })
}

/// The size refusal, separate so it can be tested with a small cap.
pub(crate) fn check_size(bytes: usize, max: usize) -> Result<(), DocumentError> {
    if bytes > max {
        return Err(DocumentError::TooLarge { bytes, max });
    }
    Ok(())
}

/// The page-count refusal, separate so it can be tested with a small cap.
pub(crate) fn check_page_count(pages: usize, max: usize) -> Result<(), DocumentError> {
    if pages > max {
        return Err(DocumentError::TooManyPages { pages, max });
    }
    Ok(())
}

fn check_header(bytes: &[u8]) -> Result<(), DocumentError> {
    let start = bytes.iter().take(HEADER_SLACK).position(|b| !b.is_ascii_whitespace() && *b != 0);
    // A UTF-8 byte-order mark is whitespace to a person, so it is allowed too.
    let rest = match start {
        Some(i) => &bytes[i..],
        None => return Err(DocumentError::NotPdf),
    };
    let rest = rest.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(rest);
    if rest.starts_with(b"%PDF-") {
        Ok(())
    } else {
        Err(DocumentError::NotPdf)
    }
}

fn declares_encryption(bytes: &[u8]) -> bool {
    bytes.windows(8).any(|w| w == b"/Encrypt")
}

/// One page: its size, its text lines and whether it is a scan.
fn read_page(pdf: &Pdf, number: u32, id: ObjectId, max_stream: usize) -> Result<Page, DocumentError> {
    let media = media_box(pdf, id);
    let (width, height) = ((media[2] - media[0]).abs(), (media[3] - media[1]).abs());
    let mut page = Page { number, width, height, lines: Vec::new(), scanned: false };
    let Ok(page_dict) = pdf.get_dictionary(id) else { return Ok(page) };

    let mut content = Vec::new();
    for stream_id in pdf.get_page_contents(id) {
        let Ok(stream) = pdf.get_object(stream_id).and_then(Object::as_stream) else { continue };
        // The page's streams share one budget: many small bombs are still a bomb.
        let remaining = max_stream.saturating_sub(content.len());
        content
            .extend(decode_stream(stream, remaining).map_err(|_| DocumentError::StreamTooLarge { max: max_stream })?);
        content.push(b'\n');
    }
    let Ok(ops) = Content::decode(&content) else { return Ok(page) };

    let resources = page_resources(pdf, page_dict);
    let budget = max_stream.saturating_sub(content.len());
    let mut reader = PageReader { pdf, max_stream, budget, forms: 0, spans: Vec::new(), images: 0 };
    let mut state = GraphicsState::default();
    reader.run(&ops.operations, resources, &mut state, 0)?;

    let origin = (media[0].min(media[2]), media[1].max(media[3]));
    let spans: Vec<Placed> = reader
        .spans
        .into_iter()
        .map(|mut s| {
            // From PDF space (y up, origin at the MediaBox's corner) to the page's top-left.
            s.x -= origin.0;
            s.baseline = origin.1 - s.baseline;
            s
        })
        .collect();
    page.lines = group_lines(number, spans);
    page.scanned = page.lines.is_empty() && reader.images > 0;
    Ok(page)
}

/// A content stream decoded, refusing one that inflates past the cap.
fn decode_stream(stream: &lopdf::Stream, max: usize) -> Result<Vec<u8>, DocumentError> {
    match stream.get_plain_content_with_limit(max) {
        Ok(data) => Ok(data),
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            Err(DocumentError::StreamTooLarge { max })
        }
        // A stream in a filter we cannot decode has no text we can read.
        Err(_) => Ok(Vec::new()),
    }
}

/// The page's MediaBox, inherited from the page tree when the page has none.
fn media_box(pdf: &Pdf, id: ObjectId) -> [f32; 4] {
    let mut node = pdf.get_dictionary(id).ok();
    for _ in 0..32 {
        let Some(dict) = node else { break };
        if let Ok(obj) = dict.get(b"MediaBox") {
            let resolved = pdf.dereference(obj).map(|(_, o)| o).ok();
            if let Some(Ok(values)) = resolved.map(Object::as_array) {
                let nums: Vec<f32> = values.iter().filter_map(|o| number(pdf, o)).collect();
                if let [a, b, c, d] = nums[..] {
                    if (c - a).abs() > 1.0 && (d - b).abs() > 1.0 {
                        return [a, b, c, d];
                    }
                }
            }
        }
        node = dict.get(b"Parent").and_then(Object::as_reference).and_then(|p| pdf.get_dictionary(p)).ok();
    }
    DEFAULT_MEDIA_BOX
}

pub(super) fn page_resources<'a>(pdf: &'a Pdf, page: &'a Dictionary) -> Option<&'a Dictionary> {
    let mut node = Some(page);
    for _ in 0..32 {
        let dict = node?;
        if let Ok(obj) = dict.get(b"Resources") {
            return pdf.dereference(obj).ok().and_then(|(_, o)| o.as_dict().ok());
        }
        node = dict.get(b"Parent").and_then(Object::as_reference).and_then(|p| pdf.get_dictionary(p)).ok();
    }
    None
}

fn number(pdf: &Pdf, obj: &Object) -> Option<f32> {
    match pdf.dereference(obj).ok()?.1 {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r).filter(|r| r.is_finite()),
        _ => None,
    }
}

fn operand(op: &Operation, i: usize) -> Option<f32> {
    match op.operands.get(i)? {
        Object::Integer(v) => Some(*v as f32),
        Object::Real(v) => Some(*v).filter(|v| v.is_finite()),
        _ => None,
    }
}

/// An affine matrix `[a b c d e f]` as PDF writes it (row vectors: `p' = p × M`).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Matrix([f32; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translate(x: f32, y: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }

    /// `self` applied first, then `other`.
    fn then(self, other: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn from_operands(op: &Operation) -> Option<Matrix> {
        let mut m = [0.0; 6];
        for (i, v) in m.iter_mut().enumerate() {
            *v = operand(op, i)?;
        }
        Some(Matrix(m))
    }

    fn from_array(pdf: &Pdf, obj: &Object) -> Option<Matrix> {
        let values = pdf.dereference(obj).ok()?.1.as_array().ok()?;
        let nums: Vec<f32> = values.iter().filter_map(|o| number(pdf, o)).collect();
        let m: [f32; 6] = nums.try_into().ok()?;
        Some(Matrix(m))
    }

    /// How much the matrix stretches a vertical unit (the rendered font size per point).
    fn vertical_scale(&self) -> f32 {
        (self.0[2] * self.0[2] + self.0[3] * self.0[3]).sqrt()
    }

    fn horizontal_scale(&self) -> f32 {
        (self.0[0] * self.0[0] + self.0[1] * self.0[1]).sqrt()
    }
}

/// The parts of the graphics state that move text (`q`/`Q` save and restore all of it).
#[derive(Debug, Clone)]
struct GraphicsState {
    ctm: Matrix,
    font: Vec<u8>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    /// `Tz` / 100.
    h_scale: f32,
    leading: f32,
    rise: f32,
}

impl Default for GraphicsState {
    fn default() -> Self {
        GraphicsState {
            ctm: Matrix::IDENTITY,
            font: Vec::new(),
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// A run of text placed in PDF space (y up) until the page converts it.
#[derive(Debug, Clone)]
struct Placed {
    text: String,
    x: f32,
    baseline: f32,
    width: f32,
    size: f32,
}

/// How to turn a font's bytes into text and widths.
struct FontInfo<'a> {
    encoding: Option<Encoding<'a>>,
    /// `/FirstChar` and `/Widths` (thousandths of an em), when the font lists them.
    widths: Option<(i64, Vec<f32>)>,
    /// Two-byte codes (Type0 fonts): widths are estimated per character.
    two_byte: bool,
    /// Width in thousandths for a byte when the font lists none.
    fallback: fn(u8) -> f32,
}

impl FontInfo<'_> {
    fn decode(&self, bytes: &[u8]) -> String {
        let decoded = self.encoding.as_ref().and_then(|e| Pdf::decode_text(e, bytes).ok());
        // Latin-1 is what a simple font without a usable encoding most likely meant.
        decoded.unwrap_or_else(|| bytes.iter().map(|b| char::from(*b)).collect())
    }

    /// Width in thousandths of an em of each code in `bytes`, with whether it is a space.
    fn advances(&self, bytes: &[u8], text: &str) -> Vec<(f32, bool)> {
        if self.two_byte {
            return text.chars().map(|c| (500.0, c == ' ')).collect();
        }
        bytes
            .iter()
            .map(|b| {
                let listed = self.widths.as_ref().and_then(|(first, widths)| {
                    let i = i64::from(*b) - first;
                    usize::try_from(i).ok().and_then(|i| widths.get(i)).copied().filter(|w| *w > 0.0)
                });
                (listed.unwrap_or_else(|| (self.fallback)(*b)), *b == b' ')
            })
            .collect()
    }
}

struct PageReader<'a> {
    pdf: &'a Pdf,
    max_stream: usize,
    /// Bytes forms drawn on this page may still inflate to (what the page's own streams left).
    budget: usize,
    /// Forms drawn so far: a stream repeating `Do` on a large form would otherwise decode it
    /// again for every repeat.
    forms: usize,
    spans: Vec<Placed>,
    images: usize,
}

impl<'a> PageReader<'a> {
    fn fonts(&self, resources: Option<&'a Dictionary>) -> Result<HashMap<Vec<u8>, FontInfo<'a>>, DocumentError> {
        let mut out = HashMap::new();
        let Some(fonts) = resources.and_then(|r| r.get_deref(b"Font", self.pdf).ok()).and_then(|f| f.as_dict().ok())
        else {
            return Ok(out);
        };
        for (name, value) in fonts.iter() {
            let Some(font) = self.pdf.dereference(value).ok().and_then(|(_, o)| o.as_dict().ok()) else { continue };
            out.insert(name.clone(), self.font_info(font)?);
        }
        Ok(out)
    }

    fn font_info(&self, font: &'a Dictionary) -> Result<FontInfo<'a>, DocumentError> {
        let subtype = font.get(b"Subtype").and_then(Object::as_name).unwrap_or_default();
        let base = font.get(b"BaseFont").and_then(Object::as_name).unwrap_or_default();
        let base = String::from_utf8_lossy(base).to_lowercase();
        // A ToUnicode map is a stream too: one that inflates past the cap refuses the file; any
        // other unusable encoding falls back to Latin-1.
        let encoding = match font.get_font_encoding_with_limit(self.pdf, self.max_stream) {
            Ok(encoding) => Some(encoding),
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
                return Err(DocumentError::StreamTooLarge { max: self.max_stream })
            }
            Err(_) => None,
        };
        let widths = (|| {
            let first = font.get(b"FirstChar").ok().and_then(|o| self.pdf.dereference(o).ok())?.1.as_i64().ok()?;
            let list = font.get_deref(b"Widths", self.pdf).ok()?.as_array().ok()?;
            Some((first, list.iter().map(|o| number(self.pdf, o).unwrap_or(0.0)).collect()))
        })();
        let fallback: fn(u8) -> f32 = if base.contains("courier") || base.contains("mono") {
            |_| 600.0
        } else if base.contains("helvetica") || base.contains("arial") || base.contains("times") {
            helvetica_width
        } else {
            |_| 500.0
        };
        Ok(FontInfo { encoding, widths, two_byte: subtype == b"Type0", fallback })
    }

    /// Interprets one content stream's operators, recording text and images.
    fn run(
        &mut self,
        ops: &[Operation],
        resources: Option<&'a Dictionary>,
        state: &mut GraphicsState,
        depth: usize,
    ) -> Result<(), DocumentError> {
        let fonts = self.fonts(resources)?;
        let mut stack: Vec<GraphicsState> = Vec::new();
        let mut tm = Matrix::IDENTITY;
        let mut tlm = Matrix::IDENTITY;
        for op in ops {
            match op.operator.as_str() {
                // A stream that only pushes would grow without end; real pages nest a few levels.
                "q" if stack.len() < 256 => stack.push(state.clone()),
                "Q" => {
                    if let Some(saved) = stack.pop() {
                        *state = saved;
                    }
                }
                "cm" => {
                    if let Some(m) = Matrix::from_operands(op) {
                        state.ctm = m.then(state.ctm);
                    }
                }
                "BT" => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                "Tf" => {
                    if let Some(Ok(name)) = op.operands.first().map(Object::as_name) {
                        state.font = name.to_vec();
                    }
                    state.size = operand(op, 1).unwrap_or(state.size);
                }
                "Tc" => state.char_spacing = operand(op, 0).unwrap_or(0.0),
                "Tw" => state.word_spacing = operand(op, 0).unwrap_or(0.0),
                "Tz" => state.h_scale = operand(op, 0).unwrap_or(100.0) / 100.0,
                "TL" => state.leading = operand(op, 0).unwrap_or(0.0),
                "Ts" => state.rise = operand(op, 0).unwrap_or(0.0),
                "Td" | "TD" => {
                    let (x, y) = (operand(op, 0).unwrap_or(0.0), operand(op, 1).unwrap_or(0.0));
                    if op.operator == "TD" {
                        state.leading = -y;
                    }
                    tlm = Matrix::translate(x, y).then(tlm);
                    tm = tlm;
                }
                "Tm" => {
                    if let Some(m) = Matrix::from_operands(op) {
                        tlm = m;
                        tm = m;
                    }
                }
                "T*" => {
                    tlm = Matrix::translate(0.0, -state.leading).then(tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" => {
                    if op.operator != "Tj" {
                        if op.operator == "\"" {
                            state.word_spacing = operand(op, 0).unwrap_or(state.word_spacing);
                            state.char_spacing = operand(op, 1).unwrap_or(state.char_spacing);
                        }
                        tlm = Matrix::translate(0.0, -state.leading).then(tlm);
                        tm = tlm;
                    }
                    if let Some(Ok(bytes)) = op.operands.last().map(Object::as_str) {
                        let start = tm;
                        let (text, advance) = self.show(&fonts, state, bytes);
                        tm = Matrix::translate(advance, 0.0).then(tm);
                        self.place(state, start, text, advance);
                    }
                }
                "TJ" => {
                    let Some(Ok(items)) = op.operands.first().map(Object::as_array) else { continue };
                    let start = tm;
                    let mut text = String::new();
                    let mut total = 0.0;
                    for item in items {
                        match item {
                            Object::String(bytes, _) => {
                                let (t, advance) = self.show(&fonts, state, bytes);
                                text.push_str(&t);
                                total += advance;
                            }
                            other => {
                                let Some(n) = number(self.pdf, other) else { continue };
                                let shift = -n / 1000.0 * state.size * state.h_scale;
                                // A kern wider than a third of an em is a word gap some writers use for spaces.
                                if n < -333.0 && !text.ends_with(' ') {
                                    text.push(' ');
                                }
                                total += shift;
                            }
                        }
                    }
                    tm = Matrix::translate(total, 0.0).then(tm);
                    self.place(state, start, text, total);
                }
                "Do" => {
                    let Some(Ok(name)) = op.operands.first().map(Object::as_name) else { continue };
                    self.draw_xobject(name, resources, state, depth)?;
                }
                "BI" => self.images += 1,
                _ => {}
            }
        }
        Ok(())
    }

    /// Decodes `bytes` in the current font and returns the text with its advance in text space.
    fn show(&self, fonts: &HashMap<Vec<u8>, FontInfo<'a>>, state: &GraphicsState, bytes: &[u8]) -> (String, f32) {
        let (text, advances) = match fonts.get(&state.font) {
            Some(font) => {
                let text = font.decode(bytes);
                let advances = font.advances(bytes, &text);
                (text, advances)
            }
            None => {
                let text: String = bytes.iter().map(|b| char::from(*b)).collect();
                (text, bytes.iter().map(|b| (500.0, *b == b' ')).collect())
            }
        };
        let advance: f32 = advances
            .iter()
            .map(|(w, space)| {
                (w / 1000.0 * state.size + state.char_spacing + if *space { state.word_spacing } else { 0.0 })
                    * state.h_scale
            })
            .sum();
        (text, advance)
    }

    /// Records a run of text drawn from the text matrix `tm` with the given advance.
    fn place(&mut self, state: &GraphicsState, tm: Matrix, text: String, advance: f32) {
        if text.trim().is_empty() {
            return;
        }
        let render =
            Matrix([state.size * state.h_scale, 0.0, 0.0, state.size, 0.0, state.rise]).then(tm).then(state.ctm);
        let device = tm.then(state.ctm);
        let size = render.vertical_scale();
        if !(size.is_finite() && size > 0.0) {
            return;
        }
        let [_, _, _, _, x, y] = render.0;
        if !(x.is_finite() && y.is_finite()) {
            return;
        }
        let width = (advance * device.horizontal_scale()).abs();
        self.spans.push(Placed { text, x, baseline: y, width: if width.is_finite() { width } else { 0.0 }, size });
    }

    /// `Do`: an image counts towards "scanned"; a form is read like the page (it may hold text).
    fn draw_xobject(
        &mut self,
        name: &[u8],
        resources: Option<&'a Dictionary>,
        state: &GraphicsState,
        depth: usize,
    ) -> Result<(), DocumentError> {
        let pdf = self.pdf;
        let Some(xobjects) = resources.and_then(|r| r.get_deref(b"XObject", pdf).ok()).and_then(|x| x.as_dict().ok())
        else {
            return Ok(());
        };
        let Some(stream) = xobjects.get_deref(name, pdf).ok().and_then(|o| o.as_stream().ok()) else { return Ok(()) };
        match stream.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") => self.images += 1,
            Ok(b"Form") if depth < MAX_FORM_DEPTH && self.forms < MAX_FORMS => {
                self.forms += 1;
                let data = decode_stream(stream, self.budget)
                    .map_err(|_| DocumentError::StreamTooLarge { max: self.max_stream })?;
                self.budget -= data.len().min(self.budget);
                let Ok(content) = Content::decode(&data) else { return Ok(()) };
                let mut inner = state.clone();
                if let Some(m) = stream.dict.get(b"Matrix").ok().and_then(|m| Matrix::from_array(pdf, m)) {
                    inner.ctm = m.then(inner.ctm);
                }
                let form_resources =
                    stream.dict.get_deref(b"Resources", pdf).ok().and_then(|r| r.as_dict().ok()).or(resources);
                self.run(&content.operations, form_resources, &mut inner, depth + 1)?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// Helvetica's widths (thousandths of an em) for printable ASCII, from its AFM: the standard
/// fonts carry no `/Widths`, and a good width keeps label/value gaps measurable.
fn helvetica_width(b: u8) -> f32 {
    const WIDTHS: [u16; 95] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space../
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0..?
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @..O
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P.._
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `..o
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p..~
    ];
    b.checked_sub(32).and_then(|i| WIDTHS.get(usize::from(i))).map_or(556.0, |w| f32::from(*w))
}

/// Spans on the same baseline (within 0.3 × the font size) form a line; lines run top to
/// bottom and spans left to right.
fn group_lines(page: u32, mut spans: Vec<Placed>) -> Vec<TextLine> {
    spans.sort_by(|a, b| a.baseline.total_cmp(&b.baseline).then(a.x.total_cmp(&b.x)));
    let mut groups: Vec<Vec<Placed>> = Vec::new();
    for span in spans {
        let joins = groups
            .last()
            .and_then(|g| g.first())
            .is_some_and(|first| (span.baseline - first.baseline).abs() <= 0.3 * first.size.max(span.size));
        match groups.last_mut() {
            Some(group) if joins => group.push(span),
            _ => groups.push(vec![span]),
        }
    }
    groups
        .into_iter()
        .filter_map(|mut group| {
            group.sort_by(|a, b| a.x.total_cmp(&b.x));
            line_from(page, group)
        })
        .collect()
}

fn line_from(page: u32, group: Vec<Placed>) -> Option<TextLine> {
    let first = group.first()?;
    let mut text = String::new();
    let mut end: Option<f32> = None;
    let (mut left, mut right) = (first.x, first.x);
    let (mut top, mut bottom) = (f32::MAX, f32::MIN);
    let mut spans = Vec::with_capacity(group.len());
    for placed in group {
        let piece = placed.text.trim();
        if let Some(end) = end {
            let gap = placed.x - end;
            // A gap of two ems is a column break (label and value, table cells): three spaces
            // keep it apart from the single spaces inside a phrase.
            if gap > 2.0 * placed.size {
                text.push_str("   ");
            } else if gap > 0.15 * placed.size && !text.ends_with(' ') {
                text.push(' ');
            }
        }
        text.push_str(piece);
        let bbox =
            BBox { page, x: placed.x, y: placed.baseline - placed.size, width: placed.width, height: placed.size };
        left = left.min(bbox.x);
        right = right.max(bbox.x + bbox.width);
        top = top.min(bbox.y);
        bottom = bottom.max(bbox.y + bbox.height);
        end = Some(end.map_or(placed.x + placed.width, |e: f32| e.max(placed.x + placed.width)));
        spans.push(Span { text: piece.to_string(), bbox });
    }
    let bbox = BBox { page, x: left, y: top, width: right - left, height: bottom - top };
    Some(TextLine { text, spans, bbox })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(text: &str, x: f32, baseline: f32, width: f32) -> Placed {
        Placed { text: text.into(), x, baseline, width, size: 10.0 }
    }

    #[test]
    fn spans_on_one_baseline_join_with_one_space_or_a_column_break() {
        let lines = group_lines(
            1,
            vec![
                placed("Invoice #", 48.0, 100.0, 45.0),
                placed("A-1001", 160.0, 100.5, 30.0),
                placed("Ace", 48.0, 80.0, 18.0),
                placed("Plumbing", 69.0, 80.0, 40.0),
            ],
        );
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, vec!["Ace Plumbing", "Invoice #   A-1001"]);
        assert_eq!(lines[1].spans.len(), 2);
        assert_eq!(lines[1].bbox.y, 90.0);
    }

    #[test]
    fn the_size_and_page_caps_refuse_with_the_numbers() {
        assert_eq!(check_size(11, 10), Err(DocumentError::TooLarge { bytes: 11, max: 10 }));
        assert_eq!(check_size(10, 10), Ok(()));
        assert_eq!(check_page_count(3, 2), Err(DocumentError::TooManyPages { pages: 3, max: 2 }));
    }

    #[test]
    fn the_header_may_follow_whitespace_but_must_be_there() {
        assert_eq!(check_header(b"\n\n  %PDF-1.7"), Ok(()));
        assert_eq!(check_header(b"hello"), Err(DocumentError::NotPdf));
        assert_eq!(check_header(b""), Err(DocumentError::NotPdf));
        let far = [vec![b' '; 2000], b"%PDF-1.7".to_vec()].concat();
        assert_eq!(check_header(&far), Err(DocumentError::NotPdf));
    }

    #[test]
    fn matrices_compose_in_pdf_order() {
        let m = Matrix::translate(10.0, 20.0).then(Matrix([2.0, 0.0, 0.0, 2.0, 0.0, 0.0]));
        assert_eq!(m.0, [2.0, 0.0, 0.0, 2.0, 20.0, 40.0]);
    }
}
