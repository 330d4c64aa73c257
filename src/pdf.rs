//! The printable sheet as PDF bytes: draws the pages [`crate::sheet::layout`] places; no I/O.
//!
//! Only the PDF built-in fonts are used (nothing embedded), so text stays real,
//! copyable text. The output is the same bytes for the same vault and date.

use printpdf::{
    BuiltinFont, Color, Greyscale, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem,
};

use crate::sheet::afm::Font;
use crate::sheet::layout::{self, Layout, Mark};
use crate::sheet::{Sheet, TITLE};
use crate::vault::{Timestamp, Vault};

pub use crate::sheet::{Paper, SheetOptions, render_text};

/// The sheet for `vault` (already filtered to the services to print) as a PDF.
pub fn render_pdf(vault: &Vault, opts: &SheetOptions, now: Timestamp) -> Vec<u8> {
    let sheet = Sheet::new(vault, opts, now);
    layout_pdf(&layout::layout(&sheet, opts.paper))
}

/// Draws a laid-out sheet.
pub fn layout_pdf(layout: &Layout) -> Vec<u8> {
    let pages = layout
        .pages
        .iter()
        .map(|page| {
            let mut ops = Vec::with_capacity(page.marks.len() * 4);
            let mut state = State::default();
            for mark in &page.marks {
                draw(&mut ops, &mut state, mark, layout.height);
            }
            PdfPage::new(Mm::from(Pt(layout.width)), Mm::from(Pt(layout.height)), ops)
        })
        .collect();
    let mut doc = PdfDocument::new(TITLE);
    let mut bytes = doc.with_pages(pages).save(
        &PdfSaveOptions {
            // Flate-compressing the page streams was a third of the time for a
            // large vault; the sheet is text and lines, a few KB a page unpacked.
            optimize: false,
            ..PdfSaveOptions::default()
        },
        &mut Vec::new(),
    );
    stable_id(&mut bytes);
    bytes
}

/// printpdf writes a pseudo-random file identifier (`/ID[(...)(...)]` in the
/// trailer), different on every call; replace it, in place and at the same
/// length, with one derived from the rest of the file, so the same vault and
/// day always give the same bytes.
fn stable_id(bytes: &mut [u8]) {
    const KEY: &[u8] = b"/ID[(";
    let Some(at) = bytes.windows(KEY.len()).rposition(|w| w == KEY) else {
        return;
    };
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut id = Vec::new();
    for round in 0u8..4 {
        for &b in bytes[..at].iter().chain(&[round]) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        id.extend((0..16).map(|i| b'A' + ((hash >> (i * 4)) & 0xf) as u8));
    }
    let mut i = at + KEY.len();
    for _ in 0..2 {
        let Some(len) = bytes[i..].iter().position(|&b| b == b')') else {
            return;
        };
        let field = &mut bytes[i..i + len];
        if !field.iter().all(u8::is_ascii_alphanumeric) {
            return;
        }
        for (dst, src) in field.iter_mut().zip(id.iter().cycle()) {
            *dst = *src;
        }
        // Past `)(` to the second string.
        i += len + 2;
        if i >= bytes.len() {
            return;
        }
    }
}

fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale::new(level, None))
}

fn point(x: f32, y: f32, height: f32) -> Point {
    Point {
        x: Pt(x),
        y: Pt(height - y),
    }
}

fn builtin(font: Font) -> BuiltinFont {
    match font {
        Font::Helvetica => BuiltinFont::Helvetica,
        Font::HelveticaBold => BuiltinFont::HelveticaBold,
        Font::CourierBold => BuiltinFont::CourierBold,
    }
}

/// The graphics state already set on a page: fill and stroke colour, font and line
/// width persist across text objects and paths, so each is set only when it changes
/// (fewer operations for printpdf to hold and write).
#[derive(Default)]
struct State {
    fill: Option<f32>,
    font: Option<(Font, f32)>,
    outline: Option<f32>,
    width: Option<f32>,
}

impl State {
    fn outline(&mut self, ops: &mut Vec<Op>, level: f32, width: f32) {
        if self.outline != Some(level) {
            ops.push(Op::SetOutlineColor { col: grey(level) });
            self.outline = Some(level);
        }
        if self.width != Some(width) {
            ops.push(Op::SetOutlineThickness { pt: Pt(width) });
            self.width = Some(width);
        }
    }
}

fn draw(ops: &mut Vec<Op>, state: &mut State, mark: &Mark, height: f32) {
    match mark {
        Mark::Text {
            x,
            y,
            font,
            size,
            grey: level,
            text,
        } => {
            ops.push(Op::StartTextSection);
            if state.fill != Some(*level) {
                ops.push(Op::SetFillColor { col: grey(*level) });
                state.fill = Some(*level);
            }
            if state.font != Some((*font, *size)) {
                ops.push(Op::SetFont {
                    font: PdfFontHandle::Builtin(builtin(*font)),
                    size: Pt(*size),
                });
                state.font = Some((*font, *size));
            }
            ops.push(Op::SetTextCursor {
                pos: point(*x, *y, height),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::Text(text.clone())],
            });
            ops.push(Op::EndTextSection);
        }
        Mark::Line {
            from,
            to,
            width,
            grey: level,
        } => {
            state.outline(ops, *level, *width);
            ops.push(Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: point(from.0, from.1, height),
                            bezier: false,
                        },
                        LinePoint {
                            p: point(to.0, to.1, height),
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            });
        }
        Mark::Box { x, y, size } => {
            state.outline(ops, 0.0, 0.9);
            ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(*x),
                    y: Pt(height - y - size),
                    width: Pt(*size),
                    height: Pt(*size),
                    mode: Some(PaintMode::Stroke),
                    winding_order: None,
                },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_identifier_depends_only_on_the_content() {
        let with =
            |body: &str, id: &str| format!("%PDF-1.3\n{body}\ntrailer\n<</ID[({id})({id})]>>");
        let mut a = with("same", "JCIABBBHEADIHCEBFGEIAAIHJCDBDJFC").into_bytes();
        let mut b = with("same", "IIDAAGCHAGFIIGEGGFHDBAJJJDBEDHGA").into_bytes();
        let mut c = with("diff", "IIDAAGCHAGFIIGEGGFHDBAJJJDBEDHGA").into_bytes();
        let len = a.len();
        stable_id(&mut a);
        stable_id(&mut b);
        stable_id(&mut c);
        assert_eq!(a, b);
        assert_eq!(a.len(), len);
        assert_ne!(a[len - 40..], c[len - 40..]);
    }
}
