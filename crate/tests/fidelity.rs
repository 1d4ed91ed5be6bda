//! Fidelity of the written article (issue 3): each case is an article page with one feature in
//! it, and what its HTML must and must not contain once extracted. Every page has enough prose
//! around the feature to be chosen as an article, so a case tests the writer, not the scorer.

const PROSE: &str =
    "<p>The council met on Tuesday evening to discuss the new budget, the state of \
the roads, and the long-delayed plans for the library, which has been closed since spring.</p>\
<p>Residents filled the hall, and many of them spoke, some for the plans and some against them, \
until the chair closed the debate after more than two hours of questions and answers.</p>";

/// A page with `feature` between two runs of prose, at https://example.com/news/story.html.
fn page(head: &str, feature: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>Council debates the budget</title>{head}</head>\
         <body><article><h1>Council debates the budget</h1>{PROSE}{feature}{PROSE}</article>\
         </body></html>"
    )
}

struct Case {
    name: &'static str,
    head: &'static str,
    feature: &'static str,
    /// Substrings of the article's HTML.
    present: &'static [&'static str],
    absent: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "a paragraph of a one-word link is the article's own reference, kept",
        head: "",
        feature: r#"<p><a href="/docs/budget-2027.pdf">PDF</a></p>"#,
        present: &[r#"<a href="https://example.com/docs/budget-2027.pdf">PDF</a>"#],
        absent: &[],
    },
    Case {
        name: "a paragraph that is a headline's link is a teaser, dropped",
        head: "",
        feature: r#"<p><a href="/news/roads.html">Read also: the roads plan that nobody wanted</a></p>"#,
        present: &[],
        absent: &["roads plan", "roads.html"],
    },
    Case {
        name: "a one-word link that opens a new tab leads away (a shop, a map), dropped",
        head: "",
        feature: r#"<p><a href="https://shop.example.net/budget-book" target="_blank">Amazon</a></p>"#,
        present: &[],
        absent: &["Amazon", "shop.example.net"],
    },
    Case {
        name: "lazy image: data-src instead of a placeholder",
        head: "",
        feature: r#"<figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/img/hall.jpg" alt="The hall"><figcaption>The hall on Tuesday.</figcaption></figure>"#,
        present: &[r#"src="https://example.com/img/hall.jpg""#, "<figcaption>The hall on Tuesday.</figcaption>"],
        absent: &["data:image/gif"],
    },
    Case {
        name: "lazy image: the noscript fallback replaces the placeholder",
        head: "",
        feature: r#"<figure><img class="lazyload" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="The hall"><noscript><img src="/img/hall-full.jpg" alt="The hall"></noscript><figcaption>The hall.</figcaption></figure>"#,
        present: &[r#"<img alt="The hall" src="https://example.com/img/hall-full.jpg">"#],
        absent: &["data:image/gif", "noscript"],
    },
    Case {
        name: "noscript after a loaded image adds no duplicate",
        head: "",
        feature: r#"<figure><img src="/img/hall.jpg" alt="The hall"><noscript><img src="/img/hall.jpg" alt="The hall"></noscript></figure>"#,
        present: &[r#"src="https://example.com/img/hall.jpg""#],
        absent: &[r#"src="https://example.com/img/hall.jpg"><img"#],
    },
    Case {
        name: "picture: the sources carry a lazy picture's image",
        head: "",
        feature: r#"<figure><picture><source data-srcset="/img/hall.webp 1x, /img/hall@2x.webp 2x" type="image/webp"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="The hall"></picture></figure>"#,
        present: &[
            r#"src="https://example.com/img/hall.webp""#,
            r#"srcset="https://example.com/img/hall.webp 1x, https://example.com/img/hall@2x.webp 2x""#,
        ],
        absent: &["<source", "<picture"],
    },
    Case {
        name: "picture: an img with its own source keeps it",
        head: "",
        feature: r#"<figure><picture><source srcset="/img/hall.webp"><img src="/img/hall.jpg" alt="The hall"></picture></figure>"#,
        present: &[r#"src="https://example.com/img/hall.jpg""#],
        absent: &["hall.webp"],
    },
    Case {
        name: "picture: its sources are not another image's (a dropped lazy picture before an img without a source)",
        head: "",
        feature: r#"<div hidden><picture><source data-srcset="/img/teaser.webp 1x" type="image/webp"><img alt="Teaser"></picture></div><figure><img alt="The hall" width="77"></figure>"#,
        present: &[r#"<img alt="The hall" width="77">"#],
        absent: &["teaser.webp"],
    },
    Case {
        name: "srcset resolved against <base>",
        head: r#"<base href="https://cdn.example.net/assets/">"#,
        feature: r#"<figure><img src="hall.jpg" srcset="hall-640.jpg 640w, hall-1280.jpg 1280w" alt="The hall"></figure>"#,
        present: &[
            r#"src="https://cdn.example.net/assets/hall.jpg""#,
            r#"srcset="https://cdn.example.net/assets/hall-640.jpg 640w, https://cdn.example.net/assets/hall-1280.jpg 1280w""#,
        ],
        absent: &[],
    },
    Case {
        name: "a layout table is unwrapped",
        head: "",
        feature: "<table><tr><td><p>The chair thanked the residents for coming, and promised a second meeting before the budget is voted on in May.</p></td><td>Printed in the council's own newsletter, the minutes follow next week.</td></tr></table>",
        present: &[
            "<p>The chair thanked the residents",
            "<p>Printed in the council's own newsletter",
        ],
        absent: &["<table", "<td", "<tr"],
    },
    Case {
        name: "a data table is kept",
        head: "",
        feature: "<table><caption>Budget by department</caption><thead><tr><th>Department</th><th>2024</th><th>2025</th></tr></thead><tbody><tr><td>Roads</td><td>4.1</td><td>4.6</td></tr><tr><td>Library</td><td>1.2</td><td>1.9</td></tr><tr><td>Parks</td><td>0.8</td><td>0.7</td></tr></tbody></table>",
        present: &["<table>", "<caption>Budget by department</caption>", "<th>Department</th>", "<td>Library</td>"],
        absent: &[],
    },
    Case {
        name: "pre keeps its whitespace",
        head: "",
        feature: "<pre><code>fn main() {\n    println!(\"budget\");\n}</code></pre>",
        present: &["<pre><code>fn main() {\n    println!(\"budget\");\n}</code></pre>"],
        absent: &[],
    },
    Case {
        name: "a list without items is an indented passage, kept",
        head: "",
        feature: "<blockquote><b>A resident wrote:</b><ul><i>The library was the only warm room in town for a whole winter.</i></ul></blockquote>",
        present: &["<i>The library was the only warm room in town for a whole winter.</i>"],
        absent: &[],
    },
    Case {
        name: "a div of inline text is a paragraph, whatever its class",
        head: "",
        feature: r#"<div class="media-container"><img src="/img/hall.jpg" alt="The hall"></div><div class="media-caption">The hall on Tuesday, with the council at the front - Image: Town Crier</div>"#,
        present: &["<p>The hall on Tuesday, with the council at the front - Image: Town Crier</p>"],
        absent: &[],
    },
    Case {
        name: "hidden elements are dropped",
        head: "",
        feature: r#"<p hidden>Hidden by attribute, never shown.</p><p aria-hidden="true">Hidden from readers of all kinds.</p><p style="display: none">Hidden by style, never shown.</p>"#,
        present: &[],
        absent: &["Hidden by attribute", "Hidden from readers", "Hidden by style"],
    },
    Case {
        name: "dir and lang of a quoted passage are kept",
        head: "",
        feature: r#"<blockquote lang="ar" dir="rtl"><p>الميزانية الجديدة تخدم الجميع في المدينة، كما قال أحد السكان في القاعة.</p></blockquote>"#,
        present: &[r#"<blockquote lang="ar" dir="rtl">"#],
        absent: &[],
    },
];

#[test]
fn each_feature_is_written_faithfully() {
    let options = klartext::Options {
        url: Some("https://example.com/news/story.html".into()),
        ..Default::default()
    };
    let mut failures = Vec::new();
    for case in CASES {
        let html = page(case.head, case.feature);
        let article = match klartext::extract(&html, &options) {
            Ok(article) => article,
            Err(e) => {
                failures.push(format!("{}: {e}", case.name));
                continue;
            }
        };
        for needle in case.present {
            if !article.html.contains(needle) {
                failures.push(format!("{}: missing {needle:?}", case.name));
            }
        }
        for needle in case.absent {
            if article.html.contains(needle) {
                failures.push(format!("{}: has {needle:?}", case.name));
            }
        }
        if !failures.is_empty() && failures.last().is_some_and(|f| f.starts_with(case.name)) {
            failures.push(format!("  html: {}", article.html));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The lead (a standfirst and a lead figure in the article's header, outside the body's
/// wrapper) is part of the article; a byline and a date beside them are not text.
#[test]
fn the_lead_beside_the_body_is_kept() {
    let html = format!(
        "<!DOCTYPE html><html><head><title>Council debates the budget | Town Crier</title>\
         <meta property=\"og:site_name\" content=\"Town Crier\"></head><body>\
         <header class=\"site-header\"><a href=\"/\">Town Crier</a></header>\
         <article class=\"post\"><header class=\"entry-header\">\
         <h1>Council debates the budget</h1>\
         <p class=\"byline\">By Ann Smith</p><time datetime=\"2024-05-02\">2 May 2024</time>\
         <p class=\"standfirst\">Residents packed the town hall as the council argued for two hours over roads and the library.</p>\
         <figure class=\"post-thumbnail\"><img src=\"/img/hall.jpg\" alt=\"The hall\">\
         <figcaption>The town hall was full on Tuesday evening.</figcaption></figure>\
         </header><div class=\"entry-content\">{PROSE}{PROSE}</div></article></body></html>"
    );
    let options = klartext::Options {
        url: Some("https://example.com/news/story.html".into()),
        ..Default::default()
    };
    let article = klartext::extract(&html, &options).unwrap();
    let text = &article.text;
    for lead in [
        "Residents packed the town hall as the council argued for two hours",
        "The town hall was full on Tuesday evening.",
    ] {
        assert!(text.contains(lead), "missing {lead:?} in:\n{text}");
    }
    assert!(!text.contains("By Ann Smith"), "{text}");
    assert!(
        text.find("Residents packed") < text.find("The council met"),
        "{text}"
    );
}
