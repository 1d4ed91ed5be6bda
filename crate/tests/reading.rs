//! A page handed over in pieces (`klartext::Reading`, as the extension's reader view gets it:
//! several messages, each chunk written as it arrives) gives the article the whole page gives
//! (`klartext::extract`), wherever the chunks end: inside a tag, a comment or a character. With
//! user rules that lol_html has to match (combinators), on the reference page, the clutter
//! pages and the Mozilla test pages (when the dataset is there).

use klartext::rules::UserRules;
use klartext::{Error, Options, Reading};

// Only the pages are used here.
#[allow(dead_code)]
#[path = "common/clutter_fixtures.rs"]
mod clutter_fixtures;

/// Reads `html` with `options` in chunks of at most `longest` bytes (the sizes vary with `seed`).
fn read_in_chunks(
    html: &str,
    options: &Options,
    longest: usize,
    seed: usize,
) -> Result<klartext::Article, Error> {
    let mut reading = Reading::new(options, if seed % 2 == 0 { html.len() } else { 0 })?;
    let bytes = html.as_bytes();
    let mut at = 0;
    let mut n = seed as u64;
    while at < bytes.len() {
        n = n
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let len = 1 + (n >> 33) as usize % longest;
        let end = (at + len).min(bytes.len());
        // Given away or lent, as the wasm binding and the CLI give them.
        if n % 3 == 0 {
            reading.write_owned(bytes[at..end].to_vec())?;
        } else {
            reading.write(&bytes[at..end])?;
        }
        at = end;
    }
    reading.extract()
}

#[test]
fn a_page_read_in_pieces_is_the_page_read_whole() {
    let (user_rules, errors) = UserRules::parse(
        "example.com##article > div.sticky-box\n##div > aside p\n##ul > li:nth-child(2)\n",
    );
    assert!(errors.is_empty(), "{errors:?}");
    let options = Options {
        url: Some("https://example.com/page".into()),
        user_rules,
        ..Default::default()
    };
    let sources = clutter_fixtures::every_page();
    assert!(sources.len() > 10, "{} pages", sources.len());
    for (i, (name, html)) in sources.iter().enumerate() {
        let whole = klartext::extract(html, &options);
        for longest in [7, 1000, 65_536] {
            let pieces = read_in_chunks(html, &options, longest, i);
            assert_eq!(pieces, whole, "{name}, chunks of up to {longest} bytes");
        }
    }
}

#[test]
fn a_reading_fails_as_extract_does() {
    let options = Options::default();
    let mut reading = Reading::new(&options, 0).unwrap();
    reading.write(b"  \n ").unwrap();
    assert_eq!(reading.extract().unwrap_err(), Error::Empty);

    let mut reading = Reading::new(&options, 0).unwrap();
    reading.write(b"<p>caf\xc3").unwrap();
    reading.write(b"\xa9 \xff</p>").unwrap();
    let err = reading.extract().unwrap_err();
    assert!(matches!(err, Error::NotUtf8(_)), "{err}");
    assert!(
        err.to_string().starts_with("the page is not UTF-8"),
        "{err}"
    );

    let bad_url = Options {
        url: Some("not a url".into()),
        ..Default::default()
    };
    assert!(matches!(Reading::new(&bad_url, 0), Err(Error::Url(..))));
}
