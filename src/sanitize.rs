//! Neutralises text from the vault or the user before it reaches a terminal.

use std::borrow::Cow;

/// True for characters that must never reach a terminal raw: controls (C0, DEL,
/// C1, including ESC) and the bidirectional overrides and isolates that can make
/// text read differently from what it is.
pub fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The text with every dangerous character shown as a visible escape (`\u{1b}`).
pub fn display(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_dangerous) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_dangerous(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_bidi() {
        assert_eq!(display("plain name"), "plain name");
        assert_eq!(display("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(display("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(display("nul\0"), "nul\\u{0}");
        assert_eq!(display("tab\there"), "tab\\u{9}here");
    }
}
