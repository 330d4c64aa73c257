//! The printable sheet as PDF: draws the pages [`crate::sheet::layout`] places; no file I/O.
//!
//! Only the PDF built-in fonts are used (nothing embedded), so text stays real,
//! copyable text. The output is the same bytes for the same vault and date.
//!
//! printpdf makes the document (catalog, page tree, fonts, metadata) and lopdf,
//! its backend, writes it. The page content streams are written here, a page at
//! a time as the layout fills it, and compressed at once: the sheet needs only
//! text in three built-in fonts, straight lines and boxes, and going through
//! printpdf's operation list held every page several times over (445 MiB for
//! 10,000 services) and was most of the time (docs/performance.md).

use std::io::{self, Write};

use flate2::{Compress, Compression, FlushCompress};
use lopdf::{Dictionary, Object, Stream, StringFormat};
use printpdf::{BuiltinFont, Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Pt};

use crate::sheet::afm::{self, Font};
use crate::sheet::layout::{self, Mark};
use crate::sheet::{Sheet, TITLE};
use crate::vault::{Timestamp, Vault};

pub use crate::sheet::{Paper, SheetOptions, render_text};

/// The sheet for `vault` (already filtered to the services to print) as PDF bytes.
pub fn render_pdf(vault: &Vault, opts: &SheetOptions, now: Timestamp) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_pdf(&Sheet::new(vault, opts, now), opts.paper, &mut bytes)
        .expect("writing to memory cannot fail");
    bytes
}

/// Writes `sheet` as a PDF to `out`. Each page is drawn and compressed as soon
/// as it is laid out, so memory grows with the compressed size of the sheet,
/// not with the number of marks on it.
pub fn write_pdf(sheet: &Sheet, paper: Paper, out: &mut impl Write) -> io::Result<()> {
    let (_, height) = paper.size();
    let mut writer = PageWriter::new(height);
    let mut bodies = Vec::new();
    let (furniture, count) = layout::layout_each(&sheet.summary, sheet.sections(), paper, |page| {
        bodies.push(writer.stream(&page.marks, true));
    });
    // A few hundred bytes each: not worth a compressor reset per page.
    let furniture = (0..count)
        .map(|i| writer.stream(&furniture.marks(i, count), false))
        .collect();
    let mut doc = document(paper, bodies, furniture);
    doc.trailer.set("ID", writer.file_id());
    doc.save_to(out)
}

/// The document: printpdf's pages, each with `bodies[i]` then `furniture[i]`
/// as its content.
fn document(paper: Paper, bodies: Vec<Stream>, furniture: Vec<Stream>) -> lopdf::Document {
    let (width, height) = paper.size();
    // The fonts are named on the first page so that printpdf adds them to the
    // resources every page shares; the placeholder content is then replaced.
    let fonts = FONTS
        .iter()
        .map(|font| Op::SetFont {
            font: PdfFontHandle::Builtin(builtin(*font)),
            size: Pt(10.0),
        })
        .collect::<Vec<_>>();
    let pages = (0..bodies.len())
        .map(|i| {
            let ops = if i == 0 { fonts.clone() } else { Vec::new() };
            PdfPage::new(Mm::from(Pt(width)), Mm::from(Pt(height)), ops)
        })
        .collect();
    let mut pdf = PdfDocument::new(TITLE);
    pdf.with_pages(pages);
    let mut doc = pdf.to_lopdf_document(
        &PdfSaveOptions {
            optimize: false,
            ..PdfSaveOptions::default()
        },
        &mut Vec::new(),
    );
    let page_ids: Vec<_> = doc.get_pages().into_values().collect();
    assert_eq!(page_ids.len(), bodies.len(), "printpdf made every page");
    for ((page_id, body), furniture) in page_ids.into_iter().zip(bodies).zip(furniture) {
        let body = doc.add_object(body);
        let furniture = doc.add_object(furniture);
        let page = doc
            .get_dictionary_mut(page_id)
            .expect("a page is a dictionary");
        let placeholder = page.get(b"Contents").and_then(Object::as_reference).ok();
        page.set(
            "Contents",
            vec![Object::Reference(body), Object::Reference(furniture)],
        );
        if let Some(id) = placeholder {
            doc.objects.remove(&id);
        }
    }
    doc
}

const FONTS: [Font; 3] = [Font::Helvetica, Font::HelveticaBold, Font::CourierBold];

fn builtin(font: Font) -> BuiltinFont {
    match font {
        Font::Helvetica => BuiltinFont::Helvetica,
        Font::HelveticaBold => BuiltinFont::HelveticaBold,
        Font::CourierBold => BuiltinFont::CourierBold,
    }
}

/// Draws pages into compressed content streams, hashing what it draws for the
/// file identifier.
struct PageWriter {
    height: f32,
    /// One page's operations, reused.
    ops: Vec<u8>,
    deflate: Compress,
    /// FNV-1a over every stream written, in order.
    hash: u64,
}

impl PageWriter {
    fn new(height: f32) -> PageWriter {
        PageWriter {
            height,
            ops: Vec::with_capacity(64 * 1024),
            // Fast: the sheet is repetitive text, and level 1 already shrinks it
            // about fivefold at a fraction of the default level's time.
            deflate: Compress::new(Compression::fast(), true),
            hash: 0xcbf2_9ce4_8422_2325,
        }
    }

    /// The content stream that draws `marks`, compressed or not.
    fn stream(&mut self, marks: &[Mark], compress: bool) -> Stream {
        self.ops.clear();
        let mut state = State::default();
        for mark in marks {
            draw(&mut self.ops, &mut state, mark, self.height);
        }
        if !compress {
            let plain = self.ops.clone();
            self.mix(&plain);
            return Stream::new(Dictionary::new(), plain).with_compression(false);
        }
        let mut packed = Vec::with_capacity(self.ops.len() / 3 + 64);
        self.deflate.reset();
        loop {
            let consumed = self.deflate.total_in() as usize;
            let status = self
                .deflate
                .compress_vec(&self.ops[consumed..], &mut packed, FlushCompress::Finish)
                .expect("deflate into memory");
            if status == flate2::Status::StreamEnd {
                break;
            }
            packed.reserve(packed.capacity().max(4096));
        }
        // Every page is held until the document is written: keep only what it uses.
        packed.shrink_to_fit();
        self.mix(&packed);
        let dict = Dictionary::from_iter([("Filter", Object::Name(b"FlateDecode".to_vec()))]);
        Stream::new(dict, packed).with_compression(false)
    }

    /// Adds a stream's bytes to the hash.
    fn mix(&mut self, bytes: &[u8]) {
        for &b in bytes.iter().chain(&[0xff]) {
            self.hash = (self.hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// The trailer's `/ID`: two equal strings derived from the content, so the
    /// same vault and day always give the same bytes (printpdf writes random ones).
    fn file_id(&self) -> Object {
        let mut id = Vec::with_capacity(32);
        let mut hash = self.hash;
        for round in 0u64..2 {
            hash = (hash ^ round).wrapping_mul(0x0100_0000_01b3);
            id.extend((0..16).map(|i| b'A' + ((hash >> (i * 4)) & 0xf) as u8));
        }
        let id = Object::String(id, StringFormat::Literal);
        Object::Array(vec![id.clone(), id])
    }
}

/// The graphics state already set on a page: fill and stroke grey, font and line
/// width persist across text objects and paths, so each is set only when it changes.
#[derive(Default)]
struct State {
    fill: Option<f32>,
    font: Option<(Font, f32)>,
    stroke: Option<f32>,
    width: Option<f32>,
}

impl State {
    fn stroke(&mut self, ops: &mut Vec<u8>, grey: f32, width: f32) {
        if self.stroke != Some(grey) {
            num(ops, grey);
            ops.extend_from_slice(b" G\n");
            self.stroke = Some(grey);
        }
        if self.width != Some(width) {
            num(ops, width);
            ops.extend_from_slice(b" w\n");
            self.width = Some(width);
        }
    }
}

/// Appends the operations that draw `mark`; layout coordinates (from the top)
/// become PDF coordinates (from the bottom).
fn draw(ops: &mut Vec<u8>, state: &mut State, mark: &Mark, height: f32) {
    match mark {
        Mark::Text {
            x,
            y,
            font,
            size,
            grey,
            text,
        } => {
            if state.fill != Some(*grey) {
                num(ops, *grey);
                ops.extend_from_slice(b" g\n");
                state.fill = Some(*grey);
            }
            ops.extend_from_slice(b"BT\n");
            if state.font != Some((*font, *size)) {
                ops.push(b'/');
                ops.extend_from_slice(builtin(*font).get_pdf_id().as_bytes());
                ops.push(b' ');
                num(ops, *size);
                ops.extend_from_slice(b" Tf\n");
                state.font = Some((*font, *size));
            }
            nums(ops, &[*x, height - y]);
            ops.extend_from_slice(b" Td\n");
            string(ops, text);
            ops.extend_from_slice(b" Tj\nET\n");
        }
        Mark::Line {
            from,
            to,
            width,
            grey,
        } => {
            state.stroke(ops, *grey, *width);
            nums(ops, &[from.0, height - from.1]);
            ops.extend_from_slice(b" m ");
            nums(ops, &[to.0, height - to.1]);
            ops.extend_from_slice(b" l S\n");
        }
        Mark::Box { x, y, size } => {
            state.stroke(ops, 0.0, 0.9);
            nums(ops, &[*x, height - y - size, *size, *size]);
            ops.extend_from_slice(b" re S\n");
        }
    }
}

/// Numbers separated by spaces.
fn nums(ops: &mut Vec<u8>, values: &[f32]) {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            ops.push(b' ');
        }
        num(ops, *v);
    }
}

/// A number as PDF writes it: at most three decimals (a thousandth of a point
/// is far below what a printer resolves), no exponent, no trailing zeros.
fn num(ops: &mut Vec<u8>, v: f32) {
    let milli = (f64::from(v) * 1000.0).round() as i64;
    if milli < 0 {
        ops.push(b'-');
    }
    let milli = milli.unsigned_abs();
    digits(ops, milli / 1000, 1);
    let mut frac = milli % 1000;
    if frac != 0 {
        ops.push(b'.');
        let mut places = 3;
        while frac.is_multiple_of(10) {
            frac /= 10;
            places -= 1;
        }
        digits(ops, frac, places);
    }
}

/// `n` in decimal, zero-padded to at least `width` digits (this is on the hot
/// path: a large sheet writes millions of numbers).
fn digits(ops: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    while n > 0 || buf.len() - at < width {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    ops.extend_from_slice(&buf[at..]);
}

/// A literal string in WinAnsi, the built-in fonts' encoding: parentheses and
/// backslashes escaped, bytes outside printable ASCII written as octal escapes
/// (so no line ending inside a string is ever rewritten by a reader).
fn string(ops: &mut Vec<u8>, text: &str) {
    ops.push(b'(');
    for c in text.chars() {
        // The layout only places text `pdf_text` made showable.
        let b = afm::win_ansi_byte(c).unwrap_or(b'?');
        match b {
            b'(' | b')' | b'\\' => ops.extend_from_slice(&[b'\\', b]),
            0x20..=0x7e => ops.push(b),
            _ => {
                let _ = write!(ops, "\\{b:03o}");
            }
        }
    }
    ops.push(b')');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num_text(v: f32) -> String {
        let mut out = Vec::new();
        num(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_are_short_and_never_exponents() {
        assert_eq!(num_text(0.0), "0");
        assert_eq!(num_text(12.0), "12");
        assert_eq!(num_text(841.89), "841.89");
        assert_eq!(num_text(0.085 * 13.0), "1.105");
        assert_eq!(num_text(-2.5), "-2.5");
        assert_eq!(num_text(1e-7), "0");
        assert_eq!(num_text(1234.5678), "1234.568");
        assert_eq!(num_text(3.05), "3.05");
        assert_eq!(num_text(0.007), "0.007");
        assert_eq!(num_text(-0.5), "-0.5");
        assert_eq!(num_text(100.1), "100.1");
    }

    #[test]
    fn strings_escape_what_pdf_would_misread() {
        let mut out = Vec::new();
        string(&mut out, r"a(b)c\d é€");
        assert_eq!(out, br"(a\(b\)c\\d \351\200)");
    }

    #[test]
    fn state_is_set_only_when_it_changes() {
        let text = |x: f32| Mark::Text {
            x,
            y: 10.0,
            font: Font::CourierBold,
            size: 13.0,
            grey: 0.0,
            text: "ab".into(),
        };
        let mut ops = Vec::new();
        let mut state = State::default();
        for mark in [text(1.0), text(2.0)] {
            draw(&mut ops, &mut state, &mark, 100.0);
        }
        let ops = String::from_utf8(ops).unwrap();
        assert_eq!(ops.matches(" Tf").count(), 1, "{ops}");
        assert_eq!(ops.matches(" g\n").count(), 1, "{ops}");
        assert_eq!(ops.matches("Tj").count(), 2, "{ops}");
        assert!(ops.contains("1 90 Td\n(ab) Tj"), "{ops}");
    }
}
