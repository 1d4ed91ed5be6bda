//! A fast extraction-quality regression test: a fixed subset of the Mozilla Readability pages
//! and the WCXB dev pages (`tests/quality/subset.tsv`), each with the lowest bag-of-words F1
//! it may score. The full benchmark against the peers is `./build.sh quality`.

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The datasets sit beside the repository (`../shared/datasets`), as on CI.
fn datasets() -> PathBuf {
    std::env::var_os("KLARTEXT_DATASETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/datasets"))
}

/// Lowercase `\w+` tokens, counted: the datasets' README's scoring.
fn tokens(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
    {
        *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    counts
}

fn f1(predicted: &str, reference: &str) -> f64 {
    let (p, r) = (tokens(predicted), tokens(reference));
    let common: usize = p
        .iter()
        .map(|(w, n)| (*n).min(*r.get(w).unwrap_or(&0)))
        .sum();
    let (np, nr) = (p.values().sum::<usize>(), r.values().sum::<usize>());
    if np == 0 || nr == 0 {
        return if np == nr { 1.0 } else { 0.0 };
    }
    let (precision, recall) = (common as f64 / np as f64, common as f64 / nr as f64);
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

/// The text of Readability's `expected.html`: tags become spaces, references are decoded.
fn html_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    htmlize::unescape(text).into_owned()
}

/// The page's HTML, its reference text and the URL to extract it with.
fn load(dataset: &str, page: &str) -> (String, String, String) {
    let root = datasets().join(dataset);
    match dataset {
        "readability" => {
            let dir = root.join(page);
            let source = std::fs::read(dir.join("source.html")).unwrap();
            let expected = std::fs::read_to_string(dir.join("expected.html")).unwrap();
            let html = klartext::decode::decode(&source).unwrap();
            (
                html,
                html_text(&expected),
                "http://fakehost/test/page.html".into(),
            )
        }
        "wcxb-dev" => {
            let gz = std::fs::File::open(root.join(format!("html/{page}.html.gz"))).unwrap();
            let mut bytes = Vec::new();
            flate2::read::GzDecoder::new(gz)
                .read_to_end(&mut bytes)
                .unwrap();
            let truth: serde_json::Value = serde_json::from_slice(
                &std::fs::read(root.join(format!("ground-truth/{page}.json"))).unwrap(),
            )
            .unwrap();
            let text = truth["ground_truth"]["main_content"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let url = truth["url"]
                .as_str()
                .unwrap_or("http://fakehost/")
                .to_string();
            (klartext::decode::decode(&bytes).unwrap(), text, url)
        }
        other => panic!("unknown dataset {other}"),
    }
}

#[test]
fn subset_scores_at_least_its_floor() {
    assert!(
        datasets().is_dir(),
        "the quality datasets are missing: expected {} (set KLARTEXT_DATASETS)",
        datasets().display()
    );
    let list = std::fs::read_to_string(repo().join("tests/quality/subset.tsv")).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let fields: Vec<&str> = line.split('\t').collect();
        let [dataset, page, floor] = fields[..] else {
            panic!("bad subset line {line:?}")
        };
        let floor: f64 = floor.parse().unwrap();
        let (html, reference, url) = load(dataset, page);
        let article = klartext::extract(
            &html,
            &klartext::Options {
                url: Some(url),
                ..Default::default()
            },
        )
        .unwrap();
        let score = f1(&article.text, &reference);
        checked += 1;
        if score < floor {
            failures.push(format!("{dataset}/{page}: F1 {score:.3} < {floor:.2}"));
        }
    }
    assert!(checked >= 50, "the subset lists only {checked} pages");
    assert!(
        failures.is_empty(),
        "quality regressions:\n{}",
        failures.join("\n")
    );
}
