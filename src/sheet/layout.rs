//! Places a sheet's content on pages: positions, wrapping and pagination; pure, no PDF.
//!
//! Coordinates are PostScript points from the page's top-left corner, `y`
//! growing downwards (the PDF writer flips them). A service's section is kept
//! on one page; only a section taller than a whole page is split, and then it
//! continues under a `name (continued)` heading.

use std::ops::Range;

use super::afm::{self, Font};
use super::{EACH_ONCE, KEEP_SAFE, Paper, Section, SheetCode, Summary, TITLE, pdf_text};

/// Left and right margin.
pub const MARGIN_X: f32 = 50.0;
/// From the top edge to the top of the header.
const MARGIN_TOP: f32 = 40.0;
/// From the bottom edge to the last footer baseline.
const MARGIN_BOTTOM: f32 = 30.0;

/// Size of a code, in points: Courier-Bold, 0.6 em per character.
pub const CODE_SIZE: f32 = 13.0;
/// The smallest size a long code is shrunk to before it wraps.
const CODE_MIN_SIZE: f32 = 9.0;
/// Height of one row of codes.
const CODE_ROW: f32 = 21.0;
/// Side of a checkbox.
const BOX: f32 = 10.0;
/// From a box's left edge to its code.
const BOX_GAP: f32 = 18.0;
/// Between two columns of codes.
const COLUMN_GAP: f32 = 24.0;
/// From the end of a code to its "used" label.
const TRAILER_GAP: f32 = 10.0;

const NAME_SIZE: f32 = 13.0;
const NAME_LINE: f32 = 17.0;
const META_SIZE: f32 = 9.0;
const META_LINE: f32 = 12.0;
const SMALL_SIZE: f32 = 8.0;
const SMALL_LINE: f32 = 10.0;
/// Space between two sections (a thin rule sits in the middle of it).
const SECTION_GAP: f32 = 18.0;
/// A note longer than this many lines is shortened on paper.
const NOTE_LINES: usize = 4;
/// A code longer than this many lines (at the smallest size) is shortened.
const CODE_LINES: usize = 12;

const GREY_TEXT: f32 = 0.3;
const GREY_USED: f32 = 0.45;
const GREY_RULE: f32 = 0.7;

/// Something drawn on a page.
#[derive(Clone, Debug, PartialEq)]
pub enum Mark {
    /// Text with its baseline starting at (`x`, `y`), in WinAnsi-safe characters.
    Text {
        x: f32,
        y: f32,
        font: Font,
        size: f32,
        /// 0 is black, 1 white.
        grey: f32,
        text: String,
    },
    /// A straight stroke.
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
        grey: f32,
    },
    /// An empty checkbox, top-left corner at (`x`, `y`).
    Box { x: f32, y: f32, size: f32 },
}

impl Mark {
    /// Left, top, right and bottom edges; text spans 0.8 of its size above the
    /// baseline and 0.22 below (Helvetica's ascender is 0.718, descender 0.207).
    pub fn bounds(&self) -> (f32, f32, f32, f32) {
        match self {
            Mark::Text {
                x,
                y,
                font,
                size,
                text,
                ..
            } => (
                *x,
                y - size * 0.8,
                x + afm::width(*font, *size, text),
                y + size * 0.22,
            ),
            Mark::Line { from, to, .. } => (
                from.0.min(to.0),
                from.1.min(to.1),
                from.0.max(to.0),
                from.1.max(to.1),
            ),
            Mark::Box { x, y, size } => (*x, *y, x + size, y + size),
        }
    }

    fn shifted(mut self, dy: f32) -> Mark {
        match &mut self {
            Mark::Text { y, .. } | Mark::Box { y, .. } => *y += dy,
            Mark::Line { from, to, .. } => {
                from.1 += dy;
                to.1 += dy;
            }
        }
        self
    }
}

/// Which codes of which section a page holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// Index into [`Sheet::sections`].
    pub section: usize,
    /// Indices into that section's codes.
    pub codes: Range<usize>,
    /// The section started on an earlier page.
    pub continued: bool,
}

/// One page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    pub marks: Vec<Mark>,
    pub parts: Vec<Part>,
}

/// The whole sheet, laid out.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
}

/// Lines of `text` no wider than `max` points, broken after spaces and
/// punctuation where possible and anywhere when a word alone is too wide.
pub fn wrap(text: &str, font: Font, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_w = 0.0;
    for token in tokens(text) {
        let ink = token.trim_end();
        let ink_w = afm::width(font, size, ink);
        if line_w + ink_w <= max {
            line.push_str(token);
            line_w += afm::width(font, size, token);
            continue;
        }
        if !line.is_empty() {
            lines.push(line.trim_end().to_string());
            line.clear();
            line_w = 0.0;
        }
        let token = token.trim_start();
        if afm::width(font, size, token.trim_end()) <= max {
            line.push_str(token);
            line_w = afm::width(font, size, token);
            continue;
        }
        for c in token.chars() {
            let w = afm::width(font, size, c.encode_utf8(&mut [0; 4]));
            if line_w + w > max && !line.is_empty() {
                lines.push(line.trim_end().to_string());
                line.clear();
                line_w = 0.0;
            }
            line.push(c);
            line_w += w;
        }
    }
    let last = line.trim_end();
    if !last.is_empty() || lines.is_empty() {
        lines.push(last.to_string());
    }
    lines
}

/// `text` cut after each space or break character (`/`, `-`, `.`, ...), keeping them.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = rest.len();
        let mut iter = rest.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            let breaks = c == ' ' || "/-._?&=+,;:@".contains(c);
            let next_is_space = iter.peek().is_some_and(|(_, n)| *n == ' ');
            if breaks && !next_is_space {
                end = i + c.len_utf8();
                break;
            }
        }
        let (token, tail) = rest.split_at(end);
        rest = tail;
        Some(token)
    })
}

/// `lines`, shortened to `max` lines with an ellipsis on the last one.
fn at_most(mut lines: Vec<String>, max: usize, font: Font, size: f32, width: f32) -> Vec<String> {
    if lines.len() > max {
        lines.truncate(max);
        let last = lines.last_mut().expect("max > 0");
        let ellipsis = " \u{2026}";
        while !last.is_empty() && afm::width(font, size, &format!("{last}{ellipsis}")) > width {
            last.pop();
        }
        last.push_str(ellipsis);
    }
    lines
}

/// A horizontal band of a section: never split across pages.
struct Row {
    height: f32,
    /// Positioned with `y` relative to the top of the row.
    marks: Vec<Mark>,
    /// The codes it shows.
    codes: Range<usize>,
}

fn text_rows(
    text: &str,
    x: f32,
    width: f32,
    font: Font,
    size: f32,
    line: f32,
    grey: f32,
) -> Vec<Row> {
    wrap(&pdf_text(text), font, size, width)
        .into_iter()
        .map(|text| text_row(text, x, font, size, line, grey))
        .collect()
}

fn text_row(text: String, x: f32, font: Font, size: f32, line: f32, grey: f32) -> Row {
    Row {
        height: line,
        marks: vec![Mark::Text {
            x,
            y: line - (line - size) / 2.0 - size * 0.2,
            font,
            size,
            grey,
            text,
        }],
        codes: 0..0,
    }
}

/// One code's checkbox, text and label, positioned within its row.
struct CodeCell {
    marks: Vec<Mark>,
    /// From the top of the row to the bottom of the last line.
    height: f32,
}

/// A line of code text at `baseline`, each zero slashed, struck through when used.
fn code_marks(marks: &mut Vec<Mark>, x: f32, baseline: f32, size: f32, text: &str, used: bool) {
    let grey = if used { GREY_USED } else { 0.0 };
    let advance = f32::from(afm::COURIER_ADVANCE) / 1000.0 * size;
    marks.push(Mark::Text {
        x,
        y: baseline,
        font: Font::CourierBold,
        size,
        grey,
        text: text.to_string(),
    });
    // A slash through every zero, so it never reads as the letter O.
    for (i, _) in text.chars().enumerate().filter(|(_, c)| *c == '0') {
        let left = x + i as f32 * advance;
        marks.push(Mark::Line {
            from: (left + 0.28 * advance, baseline + 0.03 * size),
            to: (left + 0.72 * advance, baseline - 0.64 * size),
            width: 0.085 * size,
            grey,
        });
    }
    if used {
        let y = baseline - 0.3 * size;
        marks.push(Mark::Line {
            from: (x - 2.0, y),
            to: (x + advance * text.chars().count() as f32 + 2.0, y),
            width: 1.1,
            grey: 0.15,
        });
    }
}

/// Checkbox whose bottom sits a little below the baseline; ticked when used.
fn box_marks(marks: &mut Vec<Mark>, x: f32, baseline: f32, ticked: bool) {
    let top = baseline - BOX + 1.0;
    marks.push(Mark::Box {
        x,
        y: top,
        size: BOX,
    });
    if ticked {
        let p = |dx: f32, dy: f32| (x + dx * BOX, top + dy * BOX);
        marks.push(Mark::Line {
            from: p(0.2, 0.5),
            to: p(0.42, 0.78),
            width: 1.4,
            grey: 0.0,
        });
        marks.push(Mark::Line {
            from: p(0.42, 0.78),
            to: p(0.85, 0.15),
            width: 1.4,
            grey: 0.0,
        });
    }
}

/// One code in a cell `width` wide starting at `x`.
fn code_cell(code: &SheetCode, x: f32, width: f32) -> CodeCell {
    let mut marks = Vec::new();
    let text = pdf_text(&code.code);
    let used = code.used.is_some();
    let room = width - BOX_GAP;
    let chars = text.chars().count().max(1) as f32;
    let size = (room / (0.6 * chars)).clamp(CODE_MIN_SIZE, CODE_SIZE);
    // Codes too long even at the smallest size wrap, at a space or dash if they have one.
    let lines = wrap(&text, Font::CourierBold, size, room);
    let lines = at_most(lines, CODE_LINES, Font::CourierBold, size, room);
    let first_baseline = 15.0;
    let line_gap = size * 1.25;
    box_marks(&mut marks, x, first_baseline, used);
    let mut baseline = first_baseline;
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            baseline += line_gap;
        }
        code_marks(&mut marks, x + BOX_GAP, baseline, size, line, used);
    }
    let mut bottom = baseline + (CODE_ROW - first_baseline);
    if let Some(trailer) = code.trailer() {
        let trailer = pdf_text(&trailer);
        let code_end = x + BOX_GAP + afm::width(Font::CourierBold, size, &lines[lines.len() - 1]);
        let right = x + width;
        let beside = code_end + TRAILER_GAP;
        if beside + afm::width(Font::Helvetica, SMALL_SIZE, &trailer) <= right {
            marks.push(Mark::Text {
                x: beside,
                y: baseline,
                font: Font::Helvetica,
                size: SMALL_SIZE,
                grey: GREY_TEXT,
                text: trailer,
            });
        } else {
            let lines = wrap(&trailer, Font::Helvetica, SMALL_SIZE, room);
            let lines = at_most(lines, NOTE_LINES, Font::Helvetica, SMALL_SIZE, room);
            let mut y = baseline + 2.0;
            for line in lines {
                y += SMALL_LINE;
                marks.push(Mark::Text {
                    x: x + BOX_GAP,
                    y,
                    font: Font::Helvetica,
                    size: SMALL_SIZE,
                    grey: GREY_TEXT,
                    text: line,
                });
            }
            bottom = y + 6.0;
        }
    }
    CodeCell {
        marks,
        height: bottom.max(CODE_ROW),
    }
}

/// Code rows: two columns when every cell fits in half the width, else one.
fn code_rows(section: &Section, x: f32, width: f32) -> Vec<Row> {
    let half = (width - COLUMN_GAP) / 2.0;
    // A "used" label that does not fit beside its code goes under it; a code
    // note needs the whole width.
    let fits_half = |c: &SheetCode| {
        let code_w = afm::width(Font::CourierBold, CODE_SIZE, &pdf_text(&c.code));
        BOX_GAP + code_w <= half && c.note.is_none()
    };
    let columns = if section.codes.len() > 1 && section.codes.iter().all(fits_half) {
        2
    } else {
        1
    };
    let cell_w = if columns == 2 { half } else { width };
    let mut rows = Vec::with_capacity(section.codes.len().div_ceil(columns));
    for (r, chunk) in section.codes.chunks(columns).enumerate() {
        let first = r * columns;
        let mut row = Row {
            height: 0.0,
            marks: Vec::new(),
            codes: first..first + chunk.len(),
        };
        for (i, code) in chunk.iter().enumerate() {
            let cell = code_cell(code, x + i as f32 * (half + COLUMN_GAP), cell_w);
            row.height = row.height.max(cell.height);
            row.marks.extend(cell.marks);
        }
        rows.push(row);
    }
    rows
}

/// A section laid out as rows: its heading rows, then its code rows.
struct Block {
    head: Vec<Row>,
    codes: Vec<Row>,
}

impl Block {
    fn height(&self) -> f32 {
        self.head.iter().chain(&self.codes).map(|r| r.height).sum()
    }
}

fn block(section: &Section, x: f32, width: f32) -> Block {
    let mut head = text_rows(
        &section.name,
        x,
        width,
        Font::HelveticaBold,
        NAME_SIZE,
        NAME_LINE,
        0.0,
    );
    let meta = |text: &str| {
        text_rows(
            text,
            x,
            width,
            Font::Helvetica,
            META_SIZE,
            META_LINE,
            GREY_TEXT,
        )
    };
    head.extend(meta(&section.status_line()));
    if let Some(line) = section.new_set_line() {
        head.extend(meta(&line));
    }
    if let Some(note) = &section.note {
        let lines = wrap(
            &pdf_text(&format!("note: {note}")),
            Font::Helvetica,
            META_SIZE,
            width,
        );
        let lines = at_most(lines, NOTE_LINES, Font::Helvetica, META_SIZE, width);
        head.extend(
            lines
                .into_iter()
                .map(|l| text_row(l, x, Font::Helvetica, META_SIZE, META_LINE, GREY_TEXT)),
        );
    }
    head.push(Row {
        height: 3.0,
        marks: Vec::new(),
        codes: 0..0,
    });
    if let Some(line) = section.empty_line() {
        head.extend(text_rows(
            line,
            x,
            width,
            Font::Helvetica,
            10.0,
            CODE_ROW,
            0.0,
        ));
    }
    Block {
        head,
        codes: code_rows(section, x, width),
    }
}

/// Fills pages top to bottom, handing each page on as soon as it is full.
struct Pager<F: FnMut(Page)> {
    page: Page,
    /// Pages handed on so far.
    done: usize,
    on_page: F,
    y: f32,
    top: f32,
    bottom: f32,
    left: f32,
    right: f32,
    /// Nothing placed on the current page yet.
    empty: bool,
}

impl<F: FnMut(Page)> Pager<F> {
    fn page(&mut self) -> &mut Page {
        &mut self.page
    }

    fn new_page(&mut self, top: f32) {
        (self.on_page)(std::mem::take(&mut self.page));
        self.done += 1;
        self.top = top;
        self.y = top;
        self.empty = true;
    }

    /// Hands on the last page; returns the page count.
    fn finish(mut self) -> usize {
        (self.on_page)(std::mem::take(&mut self.page));
        self.done + 1
    }

    fn room(&self) -> f32 {
        self.bottom - self.y
    }

    /// Space and a thin rule between this section and the one above it.
    fn gap_needed(&self) -> f32 {
        if self.empty { 0.0 } else { SECTION_GAP }
    }

    fn gap(&mut self) {
        if !self.empty {
            let y = self.y + SECTION_GAP / 2.0 - 2.0;
            let (left, right) = (self.left, self.right);
            self.page().marks.push(Mark::Line {
                from: (left, y),
                to: (right, y),
                width: 0.5,
                grey: GREY_RULE,
            });
            self.y += SECTION_GAP;
        }
        self.empty = false;
    }

    fn place(&mut self, row: Row) {
        let y = self.y;
        self.y += row.height;
        self.page()
            .marks
            .extend(row.marks.into_iter().map(|m| m.shifted(y)));
    }
}

/// What every page has besides its body: the running header (after page 1),
/// the footer and the page number, drawn once the page count is known.
#[derive(Clone, Debug)]
pub struct Furniture {
    pub width: f32,
    pub height: f32,
    left: f32,
    right: f32,
    footer: Vec<String>,
    footer_top: f32,
    running_head: [Mark; 2],
}

impl Furniture {
    /// The marks of page `index` (from 0) of `count`.
    pub fn marks(&self, index: usize, count: usize) -> Vec<Mark> {
        let (left, right, footer_top) = (self.left, self.right, self.footer_top);
        let mut marks = Vec::with_capacity(self.footer.len() + 4);
        if index > 0 {
            marks.extend(self.running_head.iter().cloned());
        }
        marks.push(Mark::Line {
            from: (left, footer_top - 2.0),
            to: (right, footer_top - 2.0),
            width: 0.5,
            grey: GREY_RULE,
        });
        let mut y = footer_top;
        for line in &self.footer {
            y += SMALL_LINE;
            marks.push(Mark::Text {
                x: left,
                y,
                font: Font::Helvetica,
                size: SMALL_SIZE,
                grey: GREY_TEXT,
                text: line.clone(),
            });
        }
        let number = format!("page {} of {count}", index + 1);
        let w = afm::width(Font::Helvetica, SMALL_SIZE, &number);
        marks.push(Mark::Text {
            x: right - w,
            y: footer_top + SMALL_LINE,
            font: Font::Helvetica,
            size: SMALL_SIZE,
            grey: 0.0,
            text: number,
        });
        marks
    }
}

/// Lays the whole sheet out on pages of `paper`, furniture included.
pub fn layout(
    summary: &Summary,
    sections: impl IntoIterator<Item = Section>,
    paper: Paper,
) -> Layout {
    let mut pages = Vec::new();
    let (furniture, count) = layout_each(summary, sections, paper, |page| pages.push(page));
    for (i, page) in pages.iter_mut().enumerate() {
        page.marks.extend(furniture.marks(i, count));
    }
    Layout {
        width: furniture.width,
        height: furniture.height,
        pages,
    }
}

/// Lays the sheet out on pages of `paper`, handing each page's body to `on_page`
/// as soon as it is full, so only one page is held at a time. Returns the
/// furniture to add to every page and the page count.
pub fn layout_each(
    summary: &Summary,
    sections: impl IntoIterator<Item = Section>,
    paper: Paper,
    on_page: impl FnMut(Page),
) -> (Furniture, usize) {
    let (width, height) = paper.size();
    let left = MARGIN_X;
    let right = width - MARGIN_X;
    let body_w = right - left;

    // Footer: the reminder on the left (wrapped if need be), page numbers on the right.
    let widest_number = afm::width(Font::Helvetica, SMALL_SIZE, "page 9999 of 9999");
    let mut reminder = EACH_ONCE.to_string();
    if summary.has_zero {
        reminder.push_str(" In codes, a slashed 0 is the digit zero.");
    }
    let footer = wrap(
        &reminder,
        Font::Helvetica,
        SMALL_SIZE,
        body_w - widest_number - 16.0,
    );
    let footer_top = height - MARGIN_BOTTOM - SMALL_LINE * footer.len() as f32;
    let body_bottom = footer_top - 8.0;

    // Headers: the full one on page 1, a short running one after.
    let mut first_head = Vec::new();
    let mut y = MARGIN_TOP + 20.0;
    first_head.push(Mark::Text {
        x: left,
        y,
        font: Font::HelveticaBold,
        size: 20.0,
        grey: 0.0,
        text: TITLE.to_string(),
    });
    for (text, size, grey) in [
        (summary.line(), 10.0, 0.0),
        (KEEP_SAFE.to_string(), 9.0, GREY_TEXT),
    ] {
        for line in wrap(&pdf_text(&text), Font::Helvetica, size, body_w) {
            y += size + 5.0;
            first_head.push(Mark::Text {
                x: left,
                y,
                font: Font::Helvetica,
                size,
                grey,
                text: line,
            });
        }
    }
    y += 8.0;
    first_head.push(Mark::Line {
        from: (left, y),
        to: (right, y),
        width: 1.0,
        grey: 0.0,
    });
    let first_top = y + 14.0;
    let running = format!("{TITLE} · printed {}", summary.printed);
    let running_head = [
        Mark::Text {
            x: left,
            y: MARGIN_TOP,
            font: Font::Helvetica,
            size: SMALL_SIZE,
            grey: GREY_TEXT,
            text: running,
        },
        Mark::Line {
            from: (left, MARGIN_TOP + 5.0),
            to: (right, MARGIN_TOP + 5.0),
            width: 0.5,
            grey: GREY_RULE,
        },
    ];
    let later_top = MARGIN_TOP + 20.0;

    let mut pager = Pager {
        page: Page::default(),
        done: 0,
        on_page,
        y: first_top,
        top: first_top,
        bottom: body_bottom,
        left,
        right,
        empty: true,
    };
    pager.page().marks.extend(first_head);
    if summary.services == 0 {
        pager.place(text_row(
            "No services on this sheet.".into(),
            left,
            Font::Helvetica,
            11.0,
            CODE_ROW,
            0.0,
        ));
    }
    let page_body = body_bottom - later_top;
    for (index, section) in sections.into_iter().enumerate() {
        let block = block(&section, left, body_w);
        let total = block.height();
        let codes = section.codes.len();
        if total + pager.gap_needed() > pager.room() && total <= page_body && !pager.empty {
            pager.new_page(later_top);
        }
        if total + pager.gap_needed() <= pager.room() {
            // Fits here: the section stays whole.
            pager.gap();
            for row in block.head.into_iter().chain(block.codes) {
                pager.place(row);
            }
            pager.page().parts.push(Part {
                section: index,
                codes: 0..codes,
                continued: false,
            });
            continue;
        }
        // Taller than a whole page (or than the first page's body, when that
        // page is still empty): start on a fresh page unless the heading and
        // a few rows fit here, then continue on as many pages as it takes.
        let head_h: f32 = block.head.iter().map(|r| r.height).sum();
        let lead: f32 = block.codes.iter().take(3).map(|r| r.height).sum();
        if !pager.empty && head_h + lead + pager.gap_needed() > pager.room() {
            pager.new_page(later_top);
        }
        pager.gap();
        for row in block.head {
            pager.place(row);
        }
        let mut part = Part {
            section: index,
            codes: 0..0,
            continued: false,
        };
        for row in block.codes {
            if row.height > pager.room() && part.codes.end > part.codes.start {
                pager.page().parts.push(part.clone());
                pager.new_page(later_top);
                pager.empty = false;
                for head in text_rows(
                    &format!("{} (continued)", section.name),
                    left,
                    body_w,
                    Font::HelveticaBold,
                    11.0,
                    NAME_LINE,
                    0.0,
                ) {
                    pager.place(head);
                }
                pager.y += 3.0;
                part = Part {
                    section: index,
                    codes: row.codes.start..row.codes.start,
                    continued: true,
                };
            }
            if part.codes.is_empty() {
                part.codes.start = row.codes.start;
            }
            part.codes.end = row.codes.end;
            pager.place(row);
        }
        pager.page().parts.push(part);
    }

    let count = pager.finish();
    let furniture = Furniture {
        width,
        height,
        left,
        right,
        footer,
        footer_top,
        running_head,
    };
    (furniture, count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::SetKind;

    fn section(name: &str, codes: usize, len: usize) -> Section {
        Section {
            name: name.to_string(),
            added: "2026-01-01".into(),
            unused: codes,
            total: codes,
            low: false,
            kind: SetKind::Set,
            new_set_url: None,
            note: None,
            codes: (0..codes)
                .map(|i| SheetCode {
                    code: format!("{i:0len$}"),
                    used: None,
                    note: None,
                })
                .collect(),
        }
    }

    /// The sheet of these sections, laid out.
    fn sheet(sections: Vec<Section>, paper: Paper) -> Layout {
        let summary = Summary {
            printed: "2026-03-01".into(),
            services: sections.len(),
            total: sections.iter().map(|s| s.total).sum(),
            unused: sections.iter().map(|s| s.unused).sum(),
            unused_only: false,
            has_zero: sections
                .iter()
                .any(|s| s.codes.iter().any(|c| c.code.contains('0'))),
        };
        layout(&summary, sections, paper)
    }

    fn texts(page: &Page) -> Vec<&str> {
        page.marks
            .iter()
            .filter_map(|m| match m {
                Mark::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Every mark inside the margins, and no two texts on top of each other.
    fn assert_tidy(layout: &Layout) {
        for (n, page) in layout.pages.iter().enumerate() {
            for mark in &page.marks {
                let (l, t, r, b) = mark.bounds();
                assert!(
                    l >= MARGIN_X - 3.0 && r <= layout.width - MARGIN_X + 3.0,
                    "page {n}: off the side: {mark:?}"
                );
                assert!(
                    t >= MARGIN_TOP - 10.0 && b <= layout.height - MARGIN_BOTTOM + 3.0,
                    "page {n}: off the top or bottom: {mark:?}"
                );
            }
            let boxes: Vec<_> = page
                .marks
                .iter()
                .filter(|m| matches!(m, Mark::Text { .. } | Mark::Box { .. }))
                .map(|m| (m, m.bounds()))
                .collect();
            for (i, (m1, a)) in boxes.iter().enumerate() {
                for (m2, b) in &boxes[i + 1..] {
                    let apart = a.2 <= b.0 + 0.01
                        || b.2 <= a.0 + 0.01
                        || a.3 <= b.1 + 0.01
                        || b.3 <= a.1 + 0.01;
                    assert!(apart, "page {n}: overlap:\n{m1:?}\n{m2:?}");
                }
            }
        }
    }

    #[test]
    fn a_small_sheet_is_one_page() {
        let l = sheet(
            vec![section("github", 16, 11), section("google", 10, 9)],
            Paper::A4,
        );
        assert_eq!(l.pages.len(), 1);
        assert_eq!(
            l.pages[0].parts,
            [
                Part {
                    section: 0,
                    codes: 0..16,
                    continued: false
                },
                Part {
                    section: 1,
                    codes: 0..10,
                    continued: false
                }
            ]
        );
        assert!(texts(&l.pages[0]).contains(&"page 1 of 1"));
        assert_tidy(&l);
    }

    #[test]
    fn sections_are_never_split_when_they_fit_on_a_page() {
        let sections: Vec<Section> = (0..40)
            .map(|i| section(&format!("service-{i}"), 4 + i % 17, 8 + i % 20))
            .collect();
        for paper in [Paper::A4, Paper::Letter] {
            let l = sheet(sections.clone(), paper);
            assert!(l.pages.len() > 5, "{}", l.pages.len());
            let parts: Vec<&Part> = l.pages.iter().flat_map(|p| &p.parts).collect();
            assert_eq!(parts.len(), 40, "one part per section");
            for (i, part) in parts.iter().enumerate() {
                assert_eq!(part.section, i, "in vault order");
                assert_eq!(part.codes, 0..sections[i].codes.len());
                assert!(!part.continued);
            }
            let n = l.pages.len();
            for (i, page) in l.pages.iter().enumerate() {
                assert!(!page.parts.is_empty(), "no empty pages");
                assert!(texts(page).contains(&format!("page {} of {n}", i + 1).as_str()));
            }
            assert_tidy(&l);
        }
    }

    #[test]
    fn a_section_taller_than_a_page_continues_on_the_next() {
        let l = sheet(
            vec![section("small", 4, 8), section("huge", 300, 10)],
            Paper::A4,
        );
        let parts: Vec<&Part> = l.pages.iter().flat_map(|p| &p.parts).collect();
        assert!(parts.len() >= 4, "{parts:?}");
        assert_eq!(parts[0].codes, 0..4);
        let mut next = 0;
        for (k, part) in parts[1..].iter().enumerate() {
            assert_eq!(part.section, 1);
            assert_eq!(part.codes.start, next, "contiguous, nothing lost");
            assert!(!part.codes.is_empty());
            assert_eq!(part.continued, k > 0);
            next = part.codes.end;
        }
        assert_eq!(next, 300);
        assert!(texts(&l.pages[2]).contains(&"huge (continued)"));
        assert_tidy(&l);
    }

    #[test]
    fn long_names_notes_and_codes_wrap_inside_the_page() {
        let mut long = section(&"w".repeat(64), 6, 10);
        long.name = format!("{}/{}", "W".repeat(40), "m".repeat(40));
        long.new_set_url = Some(format!("https://example.com/{}", "x/".repeat(80)));
        long.note = Some("a long note ".repeat(100));
        long.codes[1].note = Some("where this code came from ".repeat(10));
        long.codes[2].used = Some("2026-02-01".into());
        long.codes[3].code = "K".repeat(80);
        long.codes[4].code = "Z".repeat(2000);
        let l = sheet(vec![long], Paper::A4);
        let t = texts(&l.pages[0]);
        assert!(t.iter().filter(|s| s.starts_with("WWW")).count() >= 1);
        assert!(
            t.iter().any(|s| s.starts_with("mmm")),
            "name wrapped: {t:?}"
        );
        assert!(
            t.iter().any(|s| s.ends_with('\u{2026}')),
            "long note shortened"
        );
        assert!(
            t.contains(&"K".repeat(80).as_str()),
            "a long code shrinks, stays whole"
        );
        assert_tidy(&l);
    }

    #[test]
    fn short_codes_go_in_two_columns_long_ones_in_one() {
        let l = sheet(vec![section("a", 8, 11)], Paper::A4);
        let xs: std::collections::BTreeSet<i32> = l.pages[0]
            .marks
            .iter()
            .filter_map(|m| match m {
                Mark::Box { x, .. } => Some(*x as i32),
                _ => None,
            })
            .collect();
        assert_eq!(xs.len(), 2);
        let l = sheet(vec![section("a", 8, 40)], Paper::A4);
        let boxes = l.pages[0]
            .marks
            .iter()
            .filter(|m| matches!(m, Mark::Box { x, .. } if *x != MARGIN_X))
            .count();
        assert_eq!(boxes, 0);
    }

    #[test]
    fn wrap_breaks_at_punctuation_then_anywhere() {
        let w = |s: &str, max| wrap(s, Font::Helvetica, 10.0, max);
        assert_eq!(w("hello world", 1000.0), ["hello world"]);
        assert_eq!(w("hello world", 30.0), ["hello", "world"]);
        assert_eq!(
            w("github.com/settings/auth", 60.0),
            ["github.com/", "settings/auth"]
        );
        let pieces = w(&"m".repeat(50), 100.0);
        assert!(pieces.len() > 1);
        assert_eq!(pieces.concat(), "m".repeat(50));
        for p in &pieces {
            assert!(afm::width(Font::Helvetica, 10.0, p) <= 100.0);
        }
        assert_eq!(w("", 10.0), [""]);
    }

    #[test]
    fn an_empty_sheet_still_has_a_page() {
        let l = sheet(Vec::new(), Paper::Letter);
        assert_eq!(l.pages.len(), 1);
        assert!(texts(&l.pages[0]).contains(&"No services on this sheet."));
        assert_eq!((l.width, l.height), (612.0, 792.0));
    }
}
