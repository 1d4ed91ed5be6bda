//! The clutter fixture pages (`tests/fixtures/clutter/*.html` with their `*.expect.json`), read
//! the same way by the reader-view test (`clutter.rs`) and the clean-in-place test
//! (`clutter_in_place.rs`).

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Clutter lines this long count as shown wherever they appear in the text; shorter ones only
/// as a whole line or block (a short line such as "Share" is also part of longer sentences).
pub const ANYWHERE: usize = 20;

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/clutter")
}

pub struct Page {
    pub name: String,
    pub html: String,
    pub expect: Value,
}

/// Every fixture page, sorted by name.
pub fn pages() -> Vec<Page> {
    let dir = fixtures();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|file| file.strip_suffix(".expect.json").map(str::to_string))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let read = |path: &Path| {
                std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            };
            let html = read(&dir.join(format!("{name}.html")));
            let expect = serde_json::from_str(&read(&dir.join(format!("{name}.expect.json"))))
                .unwrap_or_else(|e| panic!("{name}.expect.json: {e}"));
            Page { name, html, expect }
        })
        .collect()
}

/// Every page the core's equivalence tests run on, as (name, HTML): the clutter pages, the
/// reference page and the Mozilla test pages (when the dataset is there).
// Not every test that includes this module uses it.
#[allow(dead_code)]
pub fn every_page() -> Vec<(String, String)> {
    let mut sources: Vec<(String, String)> = pages()
        .into_iter()
        .map(|page| (page.name, page.html))
        .collect();
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let reference = repo.join("tests/fixtures/krone-putin-nordkorea.html");
    sources.push(("krone".into(), std::fs::read_to_string(reference).unwrap()));
    if let Ok(entries) = std::fs::read_dir(repo.join("../shared/datasets/readability")) {
        for entry in entries.flatten() {
            if let Ok(html) = std::fs::read_to_string(entry.path().join("source.html")) {
                sources.push((entry.file_name().to_string_lossy().into_owned(), html));
            }
        }
    }
    sources
}

/// The expectation's list under `key` (`article`, `clutter`), each line trimmed.
pub fn strings(expect: &Value, key: &str) -> Vec<String> {
    expect[key]
        .as_array()
        .unwrap_or_else(|| panic!("`{key}` is not an array"))
        .iter()
        .map(|s| s.as_str().expect("a string").trim().to_string())
        .collect()
}

/// The pages a gaps file (`KNOWN-GAPS.txt`, `IN-PLACE-GAPS.txt`) lists as failing today for a
/// stated reason: the first tab-separated field of each line that is not a `#` comment.
pub fn gaps(file: &str) -> Vec<String> {
    std::fs::read_to_string(fixtures().join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').next().unwrap().trim().to_string())
        .collect()
}
