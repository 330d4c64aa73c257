//! Bytes to text: byte-order marks, UTF-16, legacy code pages, and refusing binary data.

/// Why the bytes are not text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotText {
    Binary,
}

/// Decodes `input` as text. UTF-8 (with or without BOM), UTF-16 LE/BE (with BOM, or
/// without one when the zero bytes make it plain), and anything else byte by byte as
/// Windows-1252: backup codes are ASCII, so a wrong guess only garbles the prose.
pub(crate) fn decode(input: &[u8]) -> Result<String, NotText> {
    if looks_like_binary_format(input) {
        return Err(NotText::Binary);
    }
    let text = if let Some(rest) = input.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        decode_utf8_lossy(rest)
    } else if input.starts_with(&[0xFF, 0xFE, 0, 0]) || input.starts_with(&[0, 0, 0xFE, 0xFF]) {
        // UTF-32: nobody saves backup codes this way; refuse rather than guess.
        return Err(NotText::Binary);
    } else if let Some(rest) = input.strip_prefix(&[0xFF, 0xFE]) {
        decode_utf16(rest, false)
    } else if let Some(rest) = input.strip_prefix(&[0xFE, 0xFF]) {
        decode_utf16(rest, true)
    } else if let Some(big_endian) = bomless_utf16(input) {
        decode_utf16(input, big_endian)
    } else {
        decode_utf8_lossy(input)
    };
    if looks_binary(&text) {
        return Err(NotText::Binary);
    }
    Ok(text)
}

/// Well-known binary file signatures (a PDF, an image, an archive, an age file).
fn looks_like_binary_format(input: &[u8]) -> bool {
    const MAGIC: &[&[u8]] = &[
        b"%PDF-",
        b"\x89PNG",
        b"GIF87a",
        b"GIF89a",
        b"\xFF\xD8\xFF",
        b"PK\x03\x04",
        b"\x7FELF",
        b"\x1F\x8B",
        b"age-encryption.org/v1",
        b"-----BEGIN AGE ENCRYPTED FILE-----",
        b"\xD0\xCF\x11\xE0",
        b"{\\rtf",
    ];
    MAGIC.iter().any(|m| input.starts_with(m))
}

/// UTF-16 without a BOM: most ASCII characters leave one byte of each pair zero.
fn bomless_utf16(input: &[u8]) -> Option<bool> {
    if input.len() < 8 {
        return None;
    }
    let pairs = input.len() / 2;
    let (mut even_zero, mut odd_zero) = (0usize, 0usize);
    for pair in input.chunks_exact(2) {
        even_zero += usize::from(pair[0] == 0);
        odd_zero += usize::from(pair[1] == 0);
    }
    if odd_zero * 10 >= pairs * 4 && even_zero * 20 <= pairs {
        Some(false)
    } else if even_zero * 10 >= pairs * 4 && odd_zero * 20 <= pairs {
        Some(true)
    } else {
        None
    }
}

fn decode_utf16(bytes: &[u8], big_endian: bool) -> String {
    let units = bytes.chunks_exact(2).map(|p| {
        if big_endian {
            u16::from_be_bytes([p[0], p[1]])
        } else {
            u16::from_le_bytes([p[0], p[1]])
        }
    });
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Valid UTF-8 stays as it is; each invalid byte is read as Windows-1252.
fn decode_utf8_lossy(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(chunk.invalid().iter().map(|&b| cp1252(b)));
    }
    out
}

/// One byte of Windows-1252 (Latin-1 with printable characters in 0x80-0x9F).
pub(crate) fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Text with NULs or more than a sprinkle of control characters is not a paste.
fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut controls = 0usize;
    for c in text.chars() {
        total += 1;
        if c == '\0' {
            return true;
        }
        let harmless = matches!(c, '\t' | '\n' | '\r' | '\x0b' | '\x0c' | '\x1a' | '\x1b');
        if c.is_control() && !harmless {
            controls += 1;
        }
    }
    controls >= 2 && controls * 50 > total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if big_endian {
                &[0xFE, 0xFF]
            } else {
                &[0xFF, 0xFE]
            });
        }
        for u in s.encode_utf16() {
            out.extend_from_slice(&if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            });
        }
        out
    }

    #[test]
    fn reads_boms_and_utf16() {
        assert_eq!(decode(b"\xEF\xBB\xBFabc").unwrap(), "abc");
        let s = "codes:\r\nabcde-12345\r\n";
        assert_eq!(decode(&utf16(s, false, true)).unwrap(), s);
        assert_eq!(decode(&utf16(s, true, true)).unwrap(), s);
        assert_eq!(decode(&utf16(s, false, false)).unwrap(), s);
        assert_eq!(decode(&utf16(s, true, false)).unwrap(), s);
    }

    #[test]
    fn reads_legacy_bytes_as_cp1252_and_keeps_valid_utf8() {
        assert_eq!(
            decode(b"\x95 ab\xA0cd \xe2\x9c\x93").unwrap(),
            "• ab\u{a0}cd ✓"
        );
    }

    #[test]
    fn refuses_binary() {
        assert_eq!(decode(b"ab\0cd"), Err(NotText::Binary));
        assert_eq!(decode(b"%PDF-1.7\n..."), Err(NotText::Binary));
        let noise: Vec<u8> = (0u8..=255).cycle().take(600).collect();
        assert_eq!(decode(&noise), Err(NotText::Binary));
    }
}
