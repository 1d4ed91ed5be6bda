//! The content script leaves the text of long scripts and style sheets out of the page it hands
//! to the core (extension/serialise.js: on large pages it is most of the bytes). That is only
//! sound if the core never reads it: here every script (but JSON-LD) and style sheet of each
//! page is emptied, and the article must come out exactly as from the whole page — on the
//! repository's fixture pages and, where the datasets are present, on the Mozilla pages and the
//! WCXB dev pages.

use std::io::Read;
use std::path::{Path, PathBuf};

use lol_html::html_content::ContentType;
use lol_html::{element, rewrite_str, RewriteStrSettings};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `html` with the content of every `<script>` but JSON-LD and of every `<style>` removed.
fn without_script_text(html: &str) -> String {
    rewrite_str(
        html,
        RewriteStrSettings::new().append_element_content_handler(element!("script, style", |el| {
            let json = el.tag_name() == "script"
                && el
                    .get_attribute("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
            if !json {
                el.set_inner_content("", ContentType::Text);
            }
            Ok(())
        })),
    )
    .unwrap()
}

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.filter_map(Result::ok).map(|e| e.path()) {
        if path.is_dir() {
            html_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "html" || e == "gz") {
            out.push(path);
        }
    }
}

#[test]
fn the_article_does_not_depend_on_script_or_style_text() {
    let mut files = Vec::new();
    html_files(&repo().join("crate/tests/fixtures"), &mut files);
    html_files(&repo().join("tests/fixtures"), &mut files);
    let datasets = std::env::var_os("KLARTEXT_DATASETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/datasets"));
    html_files(&datasets.join("readability"), &mut files);
    html_files(&datasets.join("wcxb-dev/html"), &mut files);
    assert!(files.len() > 20, "the fixture pages were not found");
    let options = klartext::Options {
        url: Some("http://fakehost/test/page.html".into()),
        ..Default::default()
    };
    let mut emptied = 0;
    for file in &files {
        let mut bytes = std::fs::read(file).unwrap();
        if file.extension().is_some_and(|e| e == "gz") {
            let mut unzipped = Vec::new();
            flate2::read::GzDecoder::new(bytes.as_slice())
                .read_to_end(&mut unzipped)
                .unwrap();
            bytes = unzipped;
        }
        let html = String::from_utf8_lossy(&bytes).into_owned();
        let stripped = without_script_text(&html);
        if stripped.len() < html.len() {
            emptied += 1;
        }
        let whole = klartext::extract(&html, &options).map_err(|e| e.to_string());
        let without = klartext::extract(&stripped, &options).map_err(|e| e.to_string());
        assert!(
            whole == without,
            "{}: the article differs without script and style text",
            file.display()
        );
    }
    assert!(
        emptied > 10,
        "only {emptied} pages had script or style text"
    );
}
