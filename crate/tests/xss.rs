//! The core's HTML output alone is safe: every XSS vector (DOMPurify's 223 test payloads and
//! Klartext's own in `tests/fixtures/hostile/xss-extra.json`), embedded in a paragraph of a
//! real article, comes out with no element, attribute or URL that could run script, load a
//! frame or a style, navigate or submit, and as plain well-formed markup (checked by
//! `crate/fuzz/src/lib.rs`, the fuzz target's checks). The extension sanitizes once more with
//! DOMPurify; tests/e2e/xss.test.mjs tests that whole path in Chromium and Firefox.

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod oracle;

use std::path::PathBuf;

use serde_json::Value;

const PAGE_URL: &str = "https://example.org/news/2024/bridge.html";

fn hostile_fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/hostile")
        .join(name)
}

/// Every vector: (title, payload), with the placeholders of Klartext's own vectors filled in.
fn vectors() -> Vec<(String, String)> {
    let mut all = Vec::new();
    for file in ["dompurify-vectors.json", "xss-extra.json"] {
        let text = std::fs::read_to_string(hostile_fixture(file)).expect(file);
        let list: Vec<Value> = serde_json::from_str(&text).expect(file);
        for v in list {
            let payload = v["payload"]
                .as_str()
                .unwrap()
                .replace("BEACON", "alert(document.domain)")
                .replace("HIT", "https://beacon.invalid/hit");
            let title = v["title"].as_str().unwrap_or("(untitled)").to_string();
            all.push((title, payload));
        }
    }
    all
}

const INTRO: [&str; 3] = [
    "The city council decided on Tuesday, after a debate that lasted well into the evening, \
     to renovate the old stone bridge over the river instead of tearing it down.",
    "Engineers had warned for years that the arches were crumbling, and a report published in \
     the spring found that two of the five piers needed urgent repairs before the winter.",
    "Residents on both banks had collected more than four thousand signatures for keeping the \
     bridge, which has connected the market square with the old mill since 1847.",
];

/// A page whose article holds `payloads`, each in a paragraph that starts with its marker.
fn article_page(payloads: &[(usize, &str)]) -> String {
    let mut page = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Old bridge will be renovated</title></head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>\
         <article><h1>Old bridge will be renovated</h1>",
    );
    for p in INTRO {
        page.push_str(&format!("<p>{p}</p>\n"));
    }
    for (i, payload) in payloads {
        page.push_str(&format!(
            "<p>Paragraph marker-{i}: the works will take two summers, and the bridge stays \
             open for people on foot and on bicycles the whole time. {payload} The cost, \
             shared by the city and the region, is put at 3.2 million euros.</p>\n{RESET}\n"
        ));
    }
    page.push_str(
        "<p>The first scaffolding is expected in March, the council said, and traffic will be \
         diverted over the new bridge downstream, which opened in 2009.</p></article>\
         <footer>© Example News</footer></body></html>",
    );
    page
}

/// Closes whatever a payload left open, so that the next one is read as markup again.
const RESET: &str = "<!-- -->\"'`-->]]></textarea></title></style></xmp></noembed>\
    </noframes></noscript></iframe></select></template></svg></math></table></form>\
    </object></a></option></listing></button></details></marquee></q></blockquote>";

#[test]
fn every_vector_alone_in_an_article_comes_out_safe() {
    let vectors = vectors();
    assert!(vectors.len() >= 223 + 80, "{} vectors", vectors.len());
    let mut missing = Vec::new();
    for (i, (title, payload)) in vectors.iter().enumerate() {
        let page = article_page(&[(i, payload)]);
        let result = std::panic::catch_unwind(|| oracle::check_page(&page, Some(PAGE_URL)));
        if let Err(panic) = result {
            let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
            panic!("vector {i} ({title}): {message}");
        }
        let article = klartext::extract(
            &page,
            &klartext::Options {
                url: Some(PAGE_URL.into()),
                ..Default::default()
            },
        )
        .unwrap();
        if !article.text.contains(&format!("marker-{i}:")) {
            missing.push(format!("{i} {title}"));
        }
    }
    // The test means something only if the payloads' paragraphs are in the article.
    assert!(
        missing.len() * 50 <= vectors.len(),
        "{} of {} payload paragraphs are not in the article: {missing:#?}",
        missing.len(),
        vectors.len()
    );
}

#[test]
fn all_vectors_in_one_article_come_out_safe() {
    let vectors = vectors();
    let payloads: Vec<(usize, &str)> = vectors
        .iter()
        .enumerate()
        .map(|(i, (_, p))| (i, p.as_str()))
        .collect();
    for url in [Some(PAGE_URL), None, Some("file:///home/user/saved.html")] {
        oracle::check_page(&article_page(&payloads), url);
    }
}

/// The same vectors without a page URL, through the CLI path's decoding, with no article
/// around them: the core sees only the payload.
#[test]
fn every_vector_as_a_whole_page_comes_out_safe() {
    for (title, payload) in vectors() {
        let result = std::panic::catch_unwind(|| {
            oracle::extract_and_check(&[&[0u8][..], payload.as_bytes()].concat());
            oracle::extract_and_check(&[&[1u8][..], payload.as_bytes()].concat());
        });
        assert!(result.is_ok(), "{title}: {payload}");
    }
}

#[test]
fn encoded_javascript_urls_never_survive() {
    let schemes = [
        "javascript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "jav&#x0A;ascript:alert(1)",
        "jav&#13;ascript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)",
        "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)",
        "java\nscript:alert(1)",
        "java\tscript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " &#14; javascript:alert(1)",
        "\u{1}javascript:alert(1)",
        "javascript&colon;alert(1)",
        "&Tab;javascript:alert(1)",
        "&#x2028;javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "  data:text/html,x",
    ];
    for scheme in schemes {
        let page = article_page(&[(
            0,
            &format!(
                "<a href=\"{scheme}\">link</a> <img src=\"{scheme}\" alt=\"i\"> \
                 <img srcset=\"{scheme} 1x\" alt=\"s\"> <blockquote cite=\"{scheme}\">q</blockquote>"
            ),
        )]);
        for url in [Some(PAGE_URL), None] {
            let article = klartext::extract(
                &page,
                &klartext::Options {
                    url: url.map(str::to_string),
                    ..Default::default()
                },
            )
            .unwrap();
            assert!(
                oracle::check_output(&article.html).is_ok(),
                "{scheme}: {}",
                article.html
            );
            let lower = article.html.to_ascii_lowercase();
            for bad in ["javascript", "vbscript", "data:text", "svg"] {
                assert!(!lower.contains(bad), "{scheme} ({url:?}): {}", article.html);
            }
            assert!(article.text.contains("marker-0"), "{}", article.text);
        }
    }
}

#[test]
fn a_base_href_cannot_make_links_unsafe() {
    for base in [
        "javascript:/alert(1)/",
        "jav&#x09;ascript://x/",
        "data:text/html,x/",
        "vbscript:x",
    ] {
        let page = article_page(&[(0, "<a href=\"relative\">relative link</a>")])
            .replace("<head>", &format!("<head><base href=\"{base}\">"));
        let article = klartext::extract(
            &page,
            &klartext::Options {
                url: Some(PAGE_URL.into()),
                ..Default::default()
            },
        )
        .unwrap();
        oracle::check_output(&article.html).unwrap();
        // The link keeps a safe address or none at all.
        assert!(
            !article.html.contains("script") && !article.html.contains("data:"),
            "{base}: {}",
            article.html
        );
        assert!(article.html.contains(">relative link</a>"), "{base}");
    }
}

/// The checks themselves catch what they must (a test that cannot fail proves nothing).
#[test]
fn the_output_checks_refuse_unsafe_markup() {
    let bad = [
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\" JAVA&#x09;SCRIPT:alert(1)\">x</a>",
        "<a href=\"jav&amp;#x09;ascript:x\">x</a>", // fine: &amp; decodes to a literal '&'
        "<a href=\"java\tscript:alert(1)\">x</a>",
        "<a href=\"data:text/html,x\">x</a>",
        "<img src=\"data:image/svg+xml,x\">",
        "<img srcset=\"https://a.example/x 1x, javascript:alert(1) 2x\">",
        "<img src=x onerror=alert(1)>",
        "<p onclick=\"alert(1)\">x</p>",
        "<p style=\"background:url(x)\">x</p>",
        "<svg></svg>",
        "<math><mi>x</mi></math><script>alert(1)</script>",
        "<p>x",
        "<p>x</div>",
        "<p>a < b</p>",
        "<p>&#60;script&#62;</p>",
        "<p title='x'>y</p>",
        "<iframe srcdoc=\"x\"></iframe>",
        "<p><!-- x --></p>",
    ];
    let mut accepted = Vec::new();
    for html in bad {
        if oracle::check_output(html).is_ok() {
            accepted.push(html);
        }
    }
    assert_eq!(accepted, ["<a href=\"jav&amp;#x09;ascript:x\">x</a>"]);
    for good in [
        "<p>a &lt; b &amp; c</p>",
        "<p><a href=\"https://example.org/?a=1&amp;b=2\" title=\"&quot;x&quot;\">x</a></p>",
        "<figure><img src=\"data:image/png;base64,AAAA\" alt=\"x\"><figcaption>c</figcaption></figure>",
        "<p>x<br>y</p><hr>",
        "<math><mrow><mi>x</mi><mo>=</mo><mn>1</mn></mrow></math>",
        "<a href=\"mailto:a@example.org\">mail</a>",
        "<a href=\"#section-2\">jump</a>",
    ] {
        assert_eq!(oracle::check_output(good), Ok(()), "{good}");
    }
}
