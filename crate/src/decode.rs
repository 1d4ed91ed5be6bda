//! Turns a page's bytes into text, finding the encoding the way browsers do.
//!
//! The order is WHATWG's encoding sniffing: a byte order mark wins; then a `<meta charset>` (or
//! `http-equiv="content-type"`) within the first 1024 bytes; then, with no declaration, UTF-8
//! if the bytes are valid UTF-8, otherwise Firefox's detector (`chardetng`), whose usual answer
//! for Western pages is windows-1252. There is no HTTP header to consult: the CLI reads files.

use encoding_rs::{Encoding, REPLACEMENT, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252, X_USER_DEFINED};

use crate::Error;

/// How far into the page the `<meta>` prescan looks, as the HTML standard specifies.
const PRESCAN_LENGTH: usize = 1024;
/// How much of the page the binary-data check looks at.
const BINARY_SAMPLE_LENGTH: usize = 8 * 1024;

/// Decodes a page's bytes into a string. Malformed sequences become U+FFFD.
///
/// Fails with [`Error::Empty`] when there is nothing but ASCII whitespace, and with
/// [`Error::Binary`] when the bytes are evidently not text (a known image/archive/document
/// signature, or control bytes that text never contains).
pub fn decode(bytes: &[u8]) -> Result<String, Error> {
    let (bom_encoding, body) = match Encoding::for_bom(bytes) {
        Some((encoding, bom_length)) => (Some(encoding), &bytes[bom_length..]),
        None => (None, bytes),
    };

    if bom_encoding.is_none() && has_binary_signature(body) {
        return Err(Error::Binary);
    }
    // UTF-16 has a zero byte in every ASCII character, so it is judged after decoding.
    let is_utf16 =
        bom_encoding.is_some_and(|encoding| encoding == UTF_16LE || encoding == UTF_16BE);
    if !is_utf16 && has_binary_bytes(body) {
        return Err(Error::Binary);
    }

    let encoding = bom_encoding
        .or_else(|| {
            declared_encoding(&body[..body.len().min(PRESCAN_LENGTH)]).map(|d| prefer_utf8(d, body))
        })
        .unwrap_or_else(|| detected_encoding(body));
    let (text, _had_errors) = encoding.decode_without_bom_handling(body);

    if is_utf16 && has_binary_chars(&text) {
        return Err(Error::Binary);
    }
    if text
        .trim_matches(|c: char| c.is_ascii_whitespace())
        .is_empty()
    {
        return Err(Error::Empty);
    }
    Ok(text.into_owned())
}

/// A page that declares a legacy encoding but whose bytes are valid UTF-8 with non-ASCII text
/// in them was re-encoded after it was written (saved pages and archives keep the old
/// `<meta charset>`): text in a legacy multi-byte or Latin encoding is practically never valid
/// UTF-8 by chance.
fn prefer_utf8(declared: &'static Encoding, body: &[u8]) -> &'static Encoding {
    if declared != UTF_8 && !body.is_ascii() && std::str::from_utf8(body).is_ok() {
        UTF_8
    } else {
        declared
    }
}

/// Signatures of formats that are sometimes handed to a reader by mistake (a saved image, a
/// compressed download, a PDF).
fn has_binary_signature(bytes: &[u8]) -> bool {
    const SIGNATURES: [&[u8]; 11] = [
        b"\x89PNG\r\n\x1a\n",
        b"\xFF\xD8\xFF", // JPEG
        b"GIF87a",
        b"GIF89a",
        b"%PDF-",
        b"PK\x03\x04",       // ZIP, and so docx, epub, jar, …
        b"PK\x05\x06",       // empty ZIP
        b"\x1F\x8B",         // gzip
        b"\x28\xB5\x2F\xFD", // zstd
        b"\x7FELF",
        b"\x00asm", // WebAssembly
    ];
    let is_webp = bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP";
    is_webp
        || SIGNATURES
            .iter()
            .any(|signature| bytes.starts_with(signature))
}

/// The WHATWG MIME sniffing standard's "binary data bytes": C0 controls that no text format
/// uses. ESC is not among them, as ISO-2022-JP needs it.
fn is_binary_byte(byte: u8) -> bool {
    matches!(byte, 0x00..=0x08 | 0x0B | 0x0E..=0x1A | 0x1C..=0x1F)
}

/// A stray control byte happens in real pages; more than one in a hundred does not.
fn has_binary_bytes(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(BINARY_SAMPLE_LENGTH)];
    let binary = sample.iter().filter(|byte| is_binary_byte(**byte)).count();
    binary > sample.len() / 100
}

fn has_binary_chars(text: &str) -> bool {
    let sample = text.chars().take(BINARY_SAMPLE_LENGTH);
    let (mut total, mut binary) = (0, 0);
    for c in sample {
        total += 1;
        if u8::try_from(c).is_ok_and(is_binary_byte) {
            binary += 1;
        }
    }
    binary > total / 100
}

/// The encoding without a declaration: UTF-8 if the bytes are UTF-8, otherwise chardetng's
/// guess.
fn detected_encoding(bytes: &[u8]) -> &'static Encoding {
    match std::str::from_utf8(bytes) {
        Ok(_) => UTF_8,
        // Cut off inside a character (a truncated download) but UTF-8 up to there.
        Err(error) if error.error_len().is_none() => UTF_8,
        Err(_) => {
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            detector.guess(None, chardetng::Utf8Detection::Allow)
        }
    }
}

/// The encoding a `<meta>` in `head` declares: the HTML standard's "prescan a byte stream to
/// determine its encoding", which skips comments and other tags' attributes so that a
/// `charset` in them is not mistaken for a declaration.
fn declared_encoding(head: &[u8]) -> Option<&'static Encoding> {
    let mut position = 0;
    while position < head.len() {
        let rest = &head[position..];
        if rest.starts_with(b"<!--") {
            // The comment's "--" may be the start of its own "-->", as in "<!-->".
            position += 2 + find(&rest[2..], b"-->")? + 3;
        } else if starts_with_ignore_case(rest, b"<meta")
            && rest
                .get(5)
                .is_some_and(|byte| is_space(*byte) || *byte == b'/')
        {
            position += 6;
            if let Some(encoding) = meta_encoding(head, &mut position) {
                return Some(encoding);
            }
        } else if rest.len() >= 2
            && rest[0] == b'<'
            && (rest[1].is_ascii_alphabetic()
                || (rest[1] == b'/' && rest.get(2).is_some_and(u8::is_ascii_alphabetic)))
        {
            // Another tag: skip its name and its attributes, whose values may contain '>'.
            position += rest[1..]
                .iter()
                .position(|byte| is_space(*byte) || *byte == b'>')?
                + 1;
            while attribute(head, &mut position)?.is_some() {}
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            position += rest.iter().position(|byte| *byte == b'>')? + 1;
        } else {
            position += 1;
        }
    }
    None
}

/// Reads the attributes of a `<meta>` whose name ends before `position`; returns the encoding
/// it declares, if any, and leaves `position` after its attributes.
fn meta_encoding(head: &[u8], position: &mut usize) -> Option<&'static Encoding> {
    let mut seen_names: Vec<Vec<u8>> = Vec::new();
    let mut got_pragma = false;
    let mut need_pragma = None;
    let mut charset = None;
    // Running out of bytes inside the tag ends the prescan without a result.
    while let Some((name, value)) = attribute(head, position)? {
        if seen_names.contains(&name) {
            continue;
        }
        match name.as_slice() {
            b"http-equiv" => got_pragma |= value == b"content-type",
            b"content" if charset.is_none() => {
                if let Some(encoding) = charset_from_content(&value) {
                    charset = Some(encoding);
                    need_pragma = Some(true);
                }
            }
            b"charset" if charset.is_none() => {
                charset = Encoding::for_label(&value);
                need_pragma = Some(false);
            }
            _ => {}
        }
        seen_names.push(name);
    }
    match need_pragma {
        None => None,
        Some(true) if !got_pragma => None,
        Some(_) => charset.and_then(declared_encoding_to_use),
    }
}

/// The HTML standard's corrections to a declared encoding: a page that could be read as ASCII
/// to find its `<meta>` is not UTF-16, and `x-user-defined` means windows-1252. The
/// "replacement" encoding (for labels like ISO-2022-KR) would turn the page into a single
/// U+FFFD; a reader is better served by detection.
fn declared_encoding_to_use(encoding: &'static Encoding) -> Option<&'static Encoding> {
    if encoding == UTF_16LE || encoding == UTF_16BE {
        Some(UTF_8)
    } else if encoding == X_USER_DEFINED {
        Some(WINDOWS_1252)
    } else if encoding == REPLACEMENT {
        None
    } else {
        Some(encoding)
    }
}

/// The HTML standard's "algorithm for extracting a character encoding from a meta element":
/// the `charset=…` inside a `content` value like `text/html; charset=windows-1252`.
fn charset_from_content(content: &[u8]) -> Option<&'static Encoding> {
    let mut position = 0;
    loop {
        position += find_ignore_case(&content[position..], b"charset")? + b"charset".len();
        let after_name = skip_spaces(content, position);
        if content.get(after_name) != Some(&b'=') {
            // "charset" not followed by '=' (say, in "charsetx"): look for the next one.
            position = after_name;
            continue;
        }
        let value_start = skip_spaces(content, after_name + 1);
        let value = &content[value_start..];
        return match value.first()? {
            quote @ (b'"' | b'\'') => {
                let end = value[1..].iter().position(|byte| byte == quote)?;
                Encoding::for_label(&value[1..1 + end])
            }
            _ => {
                let end = value
                    .iter()
                    .position(|byte| is_space(*byte) || *byte == b';')
                    .unwrap_or(value.len());
                Encoding::for_label(&value[..end])
            }
        };
    }
}

/// The HTML standard's "get an attribute" step of the prescan. `None`: the bytes ran out;
/// `Some(None)`: the tag ended; `Some(Some((name, value)))`: an attribute, name and value
/// ASCII-lowercased.
#[allow(clippy::type_complexity)]
fn attribute(head: &[u8], position: &mut usize) -> Option<Option<(Vec<u8>, Vec<u8>)>> {
    let byte_at = |at: usize| head.get(at).copied();
    while is_space(byte_at(*position)?) || byte_at(*position)? == b'/' {
        *position += 1;
    }
    if byte_at(*position)? == b'>' {
        return Some(None);
    }
    let mut name = Vec::new();
    let mut value = Vec::new();
    // The name: up to '=', whitespace, '/' or '>'. A leading '=' belongs to the name.
    loop {
        let byte = byte_at(*position)?;
        if byte == b'=' && !name.is_empty() {
            break;
        }
        if is_space(byte) {
            *position = skip_spaces(head, *position);
            if byte_at(*position)? != b'=' {
                return Some(Some((name, value)));
            }
            break;
        }
        if byte == b'/' || byte == b'>' {
            return Some(Some((name, value)));
        }
        name.push(byte.to_ascii_lowercase());
        *position += 1;
    }
    // At '=': the value, quoted or not.
    *position = skip_spaces(head, *position + 1);
    let first = byte_at(*position)?;
    if first == b'"' || first == b'\'' {
        *position += 1;
        loop {
            let byte = byte_at(*position)?;
            *position += 1;
            if byte == first {
                return Some(Some((name, value)));
            }
            value.push(byte.to_ascii_lowercase());
        }
    }
    if first == b'>' {
        return Some(Some((name, value)));
    }
    loop {
        let byte = byte_at(*position)?;
        if is_space(byte) || byte == b'>' {
            return Some(Some((name, value)));
        }
        value.push(byte.to_ascii_lowercase());
        *position += 1;
    }
}

/// ASCII whitespace as the HTML standard defines it.
fn is_space(byte: u8) -> bool {
    matches!(byte, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

fn skip_spaces(bytes: &[u8], mut position: usize) -> usize {
    while bytes.get(position).is_some_and(|byte| is_space(*byte)) {
        position += 1;
    }
    position
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
}

fn starts_with_ignore_case(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes
        .get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{ISO_8859_15, SHIFT_JIS};

    fn page(head: &str, body: &[u8]) -> Vec<u8> {
        let mut bytes = format!("<!DOCTYPE html><html><head>{head}</head><body><p>").into_bytes();
        bytes.extend_from_slice(body);
        bytes.extend_from_slice(b"</p></body></html>");
        bytes
    }

    fn encoded(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, had_errors) = encoding.encode(text);
        assert!(
            !had_errors,
            "{text} is not representable in {}",
            encoding.name()
        );
        bytes.into_owned()
    }

    fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
        let mut bytes = if little_endian {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for unit in text.encode_utf16() {
            let pair = if little_endian {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            };
            bytes.extend_from_slice(&pair);
        }
        bytes
    }

    const GERMAN: &str =
        "Grüße aus München: Die schöne Größe der Bäume überrascht Jäger und Förster.";

    #[test]
    fn plain_utf8_is_kept() {
        let bytes = page("", GERMAN.as_bytes());
        assert!(decode(&bytes).unwrap().contains(GERMAN));
    }

    #[test]
    fn utf8_bom_is_removed() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(page("", GERMAN.as_bytes()));
        let text = decode(&bytes).unwrap();
        assert!(text.starts_with("<!DOCTYPE"));
        assert!(text.contains(GERMAN));
    }

    #[test]
    fn utf8_bom_overrides_a_meta_declaration() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(page(r#"<meta charset="windows-1252">"#, GERMAN.as_bytes()));
        assert!(decode(&bytes).unwrap().contains(GERMAN));
    }

    #[test]
    fn utf16_with_bom_in_both_byte_orders() {
        let html = format!("<html><body><p>{GERMAN} 日本語</p></body></html>");
        for little_endian in [true, false] {
            let text = decode(&utf16(&html, little_endian)).unwrap();
            assert_eq!(text, html, "little endian: {little_endian}");
        }
    }

    #[test]
    fn meta_charset_windows_1252() {
        let bytes = page(
            r#"<meta charset="windows-1252">"#,
            &encoded(WINDOWS_1252, "Preis: 5 € – Grüße"),
        );
        assert!(decode(&bytes).unwrap().contains("Preis: 5 € – Grüße"));
    }

    #[test]
    fn meta_charset_latin1_label_means_windows_1252() {
        // The bytes 0x80 and 0x96 are C1 controls in ISO-8859-1 but € and – in windows-1252,
        // which browsers use for this label.
        let bytes = page("<meta charset=ISO-8859-1>", b"5 \x80 \x96 Gr\xFC\xDFe");
        assert!(decode(&bytes).unwrap().contains("5 € – Grüße"));
    }

    #[test]
    fn meta_charset_shift_jis() {
        let bytes = page(
            "<meta charset='Shift_JIS'>",
            &encoded(SHIFT_JIS, "日本語のテキスト"),
        );
        assert!(decode(&bytes).unwrap().contains("日本語のテキスト"));
    }

    #[test]
    fn meta_charset_iso_8859_15() {
        // 0xA4 is € in ISO-8859-15 but ¤ in windows-1252, so only the declaration explains it.
        let bytes = page(r#"<meta charset="iso-8859-15" />"#, b"5 \xA4");
        assert_eq!(
            declared_encoding(&bytes[..bytes.len().min(PRESCAN_LENGTH)]),
            Some(ISO_8859_15)
        );
        assert!(decode(&bytes).unwrap().contains("5 €"));
    }

    #[test]
    fn http_equiv_content_type() {
        let bytes = page(
            r#"<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=windows-1252">"#,
            &encoded(WINDOWS_1252, GERMAN),
        );
        assert!(decode(&bytes).unwrap().contains(GERMAN));
    }

    #[test]
    fn prescan_follows_the_standard() {
        let cases: [(&str, Option<&'static Encoding>); 12] = [
            ("<meta charset=utf-8>", Some(UTF_8)),
            ("<meta charset=\"latin1\">", Some(WINDOWS_1252)),
            // A declared UTF-16 is read as UTF-8: the declaration itself was ASCII.
            ("<meta charset=utf-16le>", Some(UTF_8)),
            ("<meta charset=x-user-defined>", Some(WINDOWS_1252)),
            // `content` counts only together with http-equiv="content-type".
            ("<meta content=\"text/html; charset=shift_jis\">", None),
            (
                "<meta content='text/html;charset = \"shift_jis\"' http-equiv=content-type>",
                Some(SHIFT_JIS),
            ),
            (
                "<meta http-equiv=content-type content=\"charsetx; charset=utf-8\">",
                Some(UTF_8),
            ),
            // Declarations inside comments or other tags' attributes don't count.
            (
                "<!-- <meta charset=shift_jis> --><meta charset=utf-8>",
                Some(UTF_8),
            ),
            (
                "<div title='<meta charset=shift_jis>'><meta charset=iso-8859-15>",
                Some(ISO_8859_15),
            ),
            (
                "<meta charset=nonsense><meta charset=shift_jis>",
                Some(SHIFT_JIS),
            ),
            ("<meta name=description content=charset=shift_jis>", None),
            ("<metadata charset=shift_jis>", None),
        ];
        for (head, expected) in cases {
            let bytes = format!("<html><head>{head}</head><body>x</body></html>");
            assert_eq!(
                declared_encoding(bytes.as_bytes()).map(Encoding::name),
                expected.map(Encoding::name),
                "{head}"
            );
        }
    }

    #[test]
    fn prescan_only_looks_at_the_first_1024_bytes() {
        let padding = " ".repeat(PRESCAN_LENGTH);
        let bytes = page(
            &format!("{padding}<meta charset=iso-8859-15>"),
            b"Gr\xFC\xDFe aus M\xFCnchen, sch\xF6ne Gr\xF6\xDFe",
        );
        // The late declaration is ignored; detection finds windows-1252.
        let text = decode(&bytes).unwrap();
        assert!(text.contains("Grüße aus München, schöne Größe"));
    }

    #[test]
    fn valid_utf8_wins_over_a_stale_legacy_declaration() {
        let bytes = page(r#"<meta charset="gb2312">"#, "谷歌在2014年收购".as_bytes());
        assert!(decode(&bytes).unwrap().contains("谷歌在2014年收购"));
    }

    #[test]
    fn undeclared_latin1_bytes_are_detected() {
        let bytes = page("", &encoded(WINDOWS_1252, GERMAN));
        assert!(decode(&bytes).unwrap().contains(GERMAN));
    }

    #[test]
    fn invalid_utf8_in_a_utf8_page_becomes_replacement_characters() {
        let bytes = page(
            r#"<meta charset="utf-8">"#,
            b"caf\xC3\xA9 \xFF\xFE broken \xE2\x82",
        );
        let text = decode(&bytes).unwrap();
        assert!(text.contains("café \u{FFFD}\u{FFFD} broken \u{FFFD}"));
    }

    #[test]
    fn truncated_utf8_without_a_declaration_stays_utf8() {
        let mut bytes = page("", GERMAN.as_bytes());
        bytes.extend_from_slice("ü".as_bytes().split_last().unwrap().1);
        let text = decode(&bytes).unwrap();
        assert!(text.contains(GERMAN));
        assert!(text.ends_with('\u{FFFD}'));
    }

    #[test]
    fn empty_input_is_an_error() {
        for bytes in [
            &b""[..],
            b" \n\t\r\n ",
            b"\xEF\xBB\xBF",
            b"\xFF\xFE",
            b"\xFF\xFE \0\n\0",
        ] {
            assert_eq!(decode(bytes), Err(Error::Empty), "{bytes:?}");
        }
    }

    #[test]
    fn binary_input_is_an_error() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&[0; 64]);
        let gzip = b"\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03<html>".to_vec();
        let zeros = vec![0u8; 4096];
        let mut mostly_text = page("", GERMAN.as_bytes());
        mostly_text.extend(std::iter::repeat_n(0x01, mostly_text.len() / 10));
        let utf16_binary: Vec<u8> = utf16("\0\0\0\0<html>", true);
        for bytes in [
            png,
            gzip,
            b"%PDF-1.7\n".to_vec(),
            b"PK\x03\x04\x14\x00".to_vec(),
            b"GIF89a\x01\x00".to_vec(),
            b"\xFF\xD8\xFF\xE0\x00\x10JFIF".to_vec(),
            zeros,
            mostly_text,
            utf16_binary,
        ] {
            assert_eq!(decode(&bytes), Err(Error::Binary), "{:?}", &bytes[..8]);
        }
    }

    #[test]
    fn a_stray_control_byte_is_tolerated() {
        let mut bytes = page("", GERMAN.as_bytes());
        bytes.extend(std::iter::repeat_n(b'x', 2000));
        bytes.push(0);
        assert!(decode(&bytes).unwrap().contains(GERMAN));
    }
}
