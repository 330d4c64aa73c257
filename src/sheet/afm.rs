//! Advance widths of the PDF built-in fonts for WinAnsi text, from Adobe's AFM metrics.
//!
//! Helvetica is proportional, so wrapping and right-aligning text needs each
//! glyph's width; Courier is monospaced at 600/1000 em. Widths are in 1/1000 em.

/// The built-in fonts the sheet uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Font {
    Helvetica,
    HelveticaBold,
    /// Codes: monospaced, every glyph 0.6 em wide.
    CourierBold,
}

/// Courier's advance for every glyph, in 1/1000 em.
pub const COURIER_ADVANCE: u16 = 600;

/// Helvetica, WinAnsi bytes 0x20..=0xFF (0 where WinAnsi has no character).
#[rustfmt::skip]
const HELVETICA: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0x30
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 0x50
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 0x60
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,   // 0x70
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,    // 0x80
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,   // 0x90
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // 0xF0
];

/// Helvetica-Bold, WinAnsi bytes 0x20..=0xFF (0 where WinAnsi has no character).
#[rustfmt::skip]
const HELVETICA_BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0x30
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // 0x50
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // 0x60
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,   // 0x70
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,    // 0x80
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667,   // 0x90
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // 0xF0
];

/// The WinAnsi (PDF 32000-1 Annex D.2) byte for `c`, or `None` when the built-in
/// fonts cannot show it. Control characters have no byte here.
pub fn win_ansi_byte(c: char) -> Option<u8> {
    if let cp @ (0x20..=0x7E | 0xA0..=0xFF) = c as u32 {
        return Some(cp as u8);
    }
    Some(match c {
        '\u{20AC}' => 0x80,
        '\u{201A}' => 0x82,
        '\u{0192}' => 0x83,
        '\u{201E}' => 0x84,
        '\u{2026}' => 0x85,
        '\u{2020}' => 0x86,
        '\u{2021}' => 0x87,
        '\u{02C6}' => 0x88,
        '\u{2030}' => 0x89,
        '\u{0160}' => 0x8A,
        '\u{2039}' => 0x8B,
        '\u{0152}' => 0x8C,
        '\u{017D}' => 0x8E,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201C}' => 0x93,
        '\u{201D}' => 0x94,
        '\u{2022}' => 0x95,
        '\u{2013}' => 0x96,
        '\u{2014}' => 0x97,
        '\u{02DC}' => 0x98,
        '\u{2122}' => 0x99,
        '\u{0161}' => 0x9A,
        '\u{203A}' => 0x9B,
        '\u{0153}' => 0x9C,
        '\u{017E}' => 0x9E,
        '\u{0178}' => 0x9F,
        _ => return None,
    })
}

/// The advance of one character in 1/1000 em. Characters WinAnsi cannot show
/// (which the sheet never emits) count as a full em, so they never overflow.
pub fn advance(font: Font, c: char) -> u16 {
    let table = match font {
        Font::CourierBold => return COURIER_ADVANCE,
        Font::Helvetica => &HELVETICA,
        Font::HelveticaBold => &HELVETICA_BOLD,
    };
    match win_ansi_byte(c) {
        Some(b) => table[usize::from(b - 0x20)],
        None => 1000,
    }
}

/// The width of `text` at `size` points, in points.
pub fn width(font: Font, size: f32, text: &str) -> f32 {
    let units: u32 = text.chars().map(|c| u32::from(advance(font, c))).sum();
    units as f32 * size / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_win_ansi_character_has_a_width() {
        for cp in 0x20..=0x17FFu32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            if win_ansi_byte(c).is_some() {
                assert!(advance(Font::Helvetica, c) > 0, "{c:?}");
                assert!(advance(Font::HelveticaBold, c) > 0, "{c:?}");
            }
        }
        for c in ['€', '…', '“', '”', '—', '™', 'Ÿ'] {
            assert!(advance(Font::Helvetica, c) > 0, "{c:?}");
        }
    }

    #[test]
    fn known_widths() {
        let close = |a: f32, b: f32| (a - b).abs() < 1e-3;
        assert!(close(width(Font::Helvetica, 10.0, "Hi"), 9.44));
        assert!(close(width(Font::HelveticaBold, 10.0, "m"), 8.89));
        assert!(close(width(Font::CourierBold, 10.0, "abc"), 18.0));
        assert_eq!(advance(Font::Helvetica, 'i'), 222);
        assert_eq!(advance(Font::Helvetica, 'ï'), 278);
        assert_eq!(advance(Font::HelveticaBold, 'W'), 944);
    }
}
