//! URLs: the page's address, and the page's links and images resolved against it.
//!
//! One small contract, two implementations of the same standard (WHATWG URL). Natively it is
//! the `url` crate. In wasm it is the browser's own parser (`URL.parse`): the `url` crate with
//! its IDNA and Unicode normalisation tables was about a tenth of the wasm core, and the reader
//! page has a URL parser already. crate/tests/urls.rs (native) and
//! tests/e2e/url-resolution.test.mjs (the wasm build) hold both to one table of cases,
//! tests/fixtures/url-cases.json.

use thiserror::Error;

/// Why a string is not an absolute URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ParseError {
    /// It has no scheme: a relative URL, which needs a base.
    #[error("relative URL without a base")]
    RelativeWithoutBase,
    /// It has a scheme but does not parse (a bad host, port or IPv6 address, …).
    #[error("not a valid URL")]
    Invalid,
}

/// Whether `input` starts with a scheme (`letter *( letter / digit / "+" / "-" / "." ) ":"`)
/// once the URL parser's own clean-up is done: leading and trailing C0 controls and spaces
/// trimmed, tabs and newlines removed. Without one, parsing without a base fails and nothing
/// else does, in both implementations.
#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
fn has_scheme(input: &str) -> bool {
    let trimmed = input.trim_matches(|c: char| c <= ' ');
    let mut chars = trimmed.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r'));
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    for c in chars {
        match c {
            ':' => return true,
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {}
            _ => return false,
        }
    }
    false
}

/// The path of a serialised URL whose scheme is `scheme_len` bytes long: after `scheme:` and
/// any `//authority`, up to `?` or `#`.
#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
fn path_of(href: &str, scheme_len: usize) -> &str {
    let rest = &href[scheme_len + 1..];
    let rest = match rest.strip_prefix("//") {
        Some(after) => after.find('/').map_or("", |i| &after[i..]),
        None => rest,
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    &rest[..end]
}

/// The path of a `data:` URL that the URL parser gives back as it stands but for the scheme's
/// case (`data:` + the path), or `None` when the parser must see it. Inline images are mostly
/// such URLs, and some are hundreds of kilobytes of base64: parsing one cost more than the rest
/// of its page (natively half the core's time on a page with a 64 KB image; in wasm a copy into
/// JS and back). After `data:` a path that does not start with `/` is opaque (with `/` it is a
/// hierarchical path, or an authority after `//`, which the parser normalises), and the parser
/// changes an opaque path only where it holds a C0 control, a space, a byte above `~`, or a `?`
/// or `#` (a query or fragment follows, with their own percent-encoding): a path of none of
/// those is left alone. `input` is already trimmed.
pub fn plain_data_url(input: &str) -> Option<&str> {
    let path = input
        .get(..5)
        .filter(|scheme| scheme.eq_ignore_ascii_case("data:"))
        .map(|_| &input[5..])?;
    let opaque = !path.starts_with('/');
    let unchanged = path
        .bytes()
        .all(|b| b > b' ' && b <= b'~' && b != b'?' && b != b'#');
    (opaque && unchanged).then_some(path)
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::ParseError;

    /// An absolute URL.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Url(url::Url);

    impl Url {
        pub fn parse(input: &str) -> Result<Url, ParseError> {
            match url::Url::parse(input) {
                Ok(url) => Ok(Url(url)),
                Err(url::ParseError::RelativeUrlWithoutBase) => {
                    Err(ParseError::RelativeWithoutBase)
                }
                Err(_) => Err(ParseError::Invalid),
            }
        }

        /// `input` resolved against this URL, as a link in a page at this address is.
        pub fn join(&self, input: &str) -> Option<Url> {
            self.0.join(input).ok().map(Url)
        }

        /// The serialised URL.
        pub fn as_str(&self) -> &str {
            self.0.as_str()
        }

        /// The scheme, lowercase, without the colon.
        pub fn scheme(&self) -> &str {
            self.0.scheme()
        }

        pub fn path(&self) -> &str {
            self.0.path()
        }

        /// The host as serialised (a domain, an IPv4 address, or an IPv6 address in brackets).
        pub fn host(&self) -> Option<String> {
            self.0.host_str().map(str::to_owned)
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::{has_scheme, ParseError};
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// The platform's `URL` (window, worker and service worker alike).
        #[wasm_bindgen(js_name = URL)]
        type JsUrl;

        /// `URL.parse(input, base)`: the URL, or null where `new URL` would throw.
        #[wasm_bindgen(static_method_of = JsUrl, js_class = "URL", js_name = parse)]
        fn parse(input: &str, base: Option<&str>) -> Option<JsUrl>;

        #[wasm_bindgen(method, getter)]
        fn href(this: &JsUrl) -> String;

        #[wasm_bindgen(method, getter)]
        fn hostname(this: &JsUrl) -> String;
    }

    /// An absolute URL, kept as its serialisation (the only part that crosses back from JS).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Url {
        href: String,
        /// The length of the scheme at the start of `href`.
        scheme: usize,
    }

    impl Url {
        fn from_js(url: &JsUrl) -> Url {
            let href = url.href();
            // A parsed URL's serialisation starts with its scheme and a colon.
            let scheme = href.find(':').unwrap_or(0);
            Url { href, scheme }
        }

        pub fn parse(input: &str) -> Result<Url, ParseError> {
            // Links are mostly relative: they are told apart here without a call into JS.
            if !has_scheme(input) {
                return Err(ParseError::RelativeWithoutBase);
            }
            JsUrl::parse(input, None)
                .map(|url| Url::from_js(&url))
                .ok_or(ParseError::Invalid)
        }

        /// `input` resolved against this URL, as a link in a page at this address is.
        pub fn join(&self, input: &str) -> Option<Url> {
            JsUrl::parse(input, Some(&self.href)).map(|url| Url::from_js(&url))
        }

        /// The serialised URL.
        pub fn as_str(&self) -> &str {
            &self.href
        }

        /// The scheme, lowercase, without the colon.
        pub fn scheme(&self) -> &str {
            &self.href[..self.scheme]
        }

        pub fn path(&self) -> &str {
            super::path_of(&self.href, self.scheme)
        }

        /// The host as serialised (a domain, an IPv4 address, or an IPv6 address in brackets).
        pub fn host(&self) -> Option<String> {
            let host = JsUrl::parse(&self.href, None)?.hostname();
            (!host.is_empty()).then_some(host)
        }
    }
}

pub use imp::Url;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::random_chunks;

    #[test]
    fn schemes_are_told_apart_from_relative_urls_as_the_parser_does() {
        for (input, expected) in [
            ("https://example.org/", true),
            ("  HTTPS://example.org/", true),
            ("h\tttp://example.org/", true),
            ("mailto:a@example.org", true),
            ("a+b-c.d:x", true),
            ("data:image/png;base64,AAAA", true),
            ("/path", false),
            ("path/to", false),
            ("//example.org/", false),
            ("?q", false),
            ("#top", false),
            ("1http://x", false),
            ("ht tp://x", false),
            ("", false),
            ("c:", true),
        ] {
            assert_eq!(has_scheme(input), expected, "{input:?}");
            let parsed = Url::parse(input);
            if !expected {
                assert_eq!(parsed, Err(ParseError::RelativeWithoutBase), "{input:?}");
            } else {
                assert_ne!(parsed, Err(ParseError::RelativeWithoutBase), "{input:?}");
            }
        }
    }

    #[test]
    fn a_plain_data_url_is_what_the_parser_gives_back() {
        // Hand-picked cases, then random ones: the scheme in either case, then pieces with the
        // bytes the parser treats apart among them.
        let mut inputs: Vec<String> = [
            "data:image/png;base64,iVBORw0KGgo=",
            "DATA:image/gif;base64,R0lGOD+/lhAQ==",
            "Data:,",
            "data:image/svg+xml,%3Csvg%3E",
            "data:text/plain,a b",
            "data:image/png;base64,AA\nAA",
            "data:image/png;base64,AA?x",
            "data:image/png;base64,AA#x",
            "data:image/png;base64,\u{e9}",
            "data:a\\b",
            "data:",
            "dat:x",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        const PIECES: &[&str] = &[
            "a",
            "Z",
            "0",
            "9",
            "+",
            "/",
            "=",
            ";",
            ",",
            ":",
            ".",
            "-",
            "_",
            "%",
            "!",
            "$",
            "&",
            "'",
            "(",
            ")",
            "*",
            "@",
            "~",
            "\\",
            " ",
            "?",
            "#",
            "\t",
            "\n",
            "\u{1}",
            "\u{7f}",
            "\u{e9}",
            "data:",
            "DaTa:",
            "image/png;base64,",
        ];
        const SCHEMES: [&str; 3] = ["data:", "DaTa:", "data:image/png;base64,"];
        let chunks = random_chunks(PIECES, 0x2545_f491_4f6c_dd1d, 12, 20_000);
        inputs.extend(
            chunks
                .enumerate()
                .map(|(n, chunk)| SCHEMES[n % 3].to_owned() + &chunk),
        );
        let mut plain = 0;
        for input in &inputs {
            let Some(path) = plain_data_url(input) else {
                continue;
            };
            plain += 1;
            let url = Url::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(url.as_str(), format!("data:{path}"), "{input:?}");
            assert_eq!(url.scheme(), "data", "{input:?}");
            assert_eq!(url.path(), path, "{input:?}");
        }
        assert!(plain > 2_000, "too few plain cases to test: {plain}");
        for input in [
            "data:a b",
            "data:a?b",
            "data:a#b",
            "data://host/a",
            "data:/a/../b",
            "data:a\nb",
            "data:\u{e9}",
            "date:x",
        ] {
            assert_eq!(plain_data_url(input), None, "{input:?}");
        }
    }

    #[test]
    fn the_path_is_read_from_the_serialisation_as_the_parser_reads_it() {
        for input in [
            "https://example.org/a/b?c#d",
            "https://example.org",
            "https://user:pw@example.org:8080/x#y",
            "data:image/png;base64,AAAA",
            "data:image/svg+xml,<svg/>#frag",
            "mailto:a@example.org?subject=x",
            "file:///home/user/page.html",
        ] {
            let url = Url::parse(input).unwrap();
            assert_eq!(
                path_of(url.as_str(), url.scheme().len()),
                url.path(),
                "{input:?}"
            );
        }
    }
}
