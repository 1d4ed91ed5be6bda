//! The two datasets in `shared/datasets` and what each page is scored against. Its README says
//! how they were made and how they are scored.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::text::html_to_text;

/// The URL Readability's own test suite gives its pages; metadata such as `siteName` and the
/// absolute links in `expected.html` depend on it.
pub const MOZILLA_URL: &str = "http://fakehost/test/page.html";

/// The metadata fields Readability's test pages state, in table order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Byline,
    Excerpt,
    SiteName,
    PublishedTime,
    Lang,
    Dir,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::Title,
        Field::Byline,
        Field::Excerpt,
        Field::SiteName,
        Field::PublishedTime,
        Field::Lang,
        Field::Dir,
    ];

    /// The key in `expected-metadata.json` (and in Readability.js's article).
    pub fn key(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Byline => "byline",
            Field::Excerpt => "excerpt",
            Field::SiteName => "siteName",
            Field::PublishedTime => "publishedTime",
            Field::Lang => "lang",
            Field::Dir => "dir",
        }
    }
}

/// A page to extract from.
#[derive(Debug, Clone)]
pub struct Source {
    pub id: String,
    /// `source.html`, or a gzipped `.html.gz`.
    pub file: PathBuf,
    pub url: String,
}

/// A page of Mozilla Readability's test suite.
#[derive(Debug)]
pub struct MozillaPage {
    pub source: Source,
    /// `expected.html` as text.
    pub expected_text: String,
    /// Per field of [`Field::ALL`]: `None` where `expected-metadata.json` does not state the
    /// field (then it is not scored), `Some(None)` where it states null.
    pub expected: Vec<Option<Option<String>>>,
    pub expected_readerable: bool,
}

/// A page of WCXB's dev split.
#[derive(Debug)]
pub struct WcxbPage {
    pub source: Source,
    pub page_type: String,
    /// `ground_truth.main_content`; empty on the pages that have none (they are not scored).
    pub main_content: String,
    /// Snippets that must appear in the extraction.
    pub with: Vec<String>,
    /// Boilerplate snippets that must not.
    pub without: Vec<String>,
}

/// The datasets folder: `$KLARTEXT_DATASETS`, else `shared/datasets` beside the repository.
pub fn root(repo: &Path) -> PathBuf {
    match std::env::var_os("KLARTEXT_DATASETS") {
        Some(dir) => PathBuf::from(dir),
        None => repo.join("../shared/datasets"),
    }
}

/// The page's bytes, unpacked if gzipped.
pub fn read_bytes(file: &Path) -> Result<Vec<u8>, String> {
    let bytes = fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    if file.extension().is_some_and(|ext| ext == "gz") {
        let mut unpacked = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_end(&mut unpacked)
            .map_err(|e| format!("{}: {e}", file.display()))?;
        Ok(unpacked)
    } else {
        Ok(bytes)
    }
}

/// The page as text. Both datasets store every page as UTF-8, whatever its `<meta charset>`
/// says, so the bytes are read as UTF-8 rather than sniffed, and every tool gets the same text.
pub fn read_page(file: &Path) -> Result<String, String> {
    Ok(String::from_utf8_lossy(&read_bytes(file)?).into_owned())
}

fn read_json(file: &Path) -> Result<Value, String> {
    let text = fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

pub fn load_mozilla(datasets: &Path) -> Result<Vec<MozillaPage>, String> {
    let base = datasets.join("readability");
    let mut names: Vec<String> = fs::read_dir(&base)
        .map_err(|e| format!("{}: {e}", base.display()))?
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("source.html").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let dir = base.join(&name);
            let metadata = read_json(&dir.join("expected-metadata.json"))?;
            let expected = Field::ALL
                .iter()
                .map(|field| {
                    metadata
                        .get(field.key())
                        .map(|value| value.as_str().map(str::to_owned))
                })
                .collect();
            Ok(MozillaPage {
                expected_text: html_to_text(&read_page(&dir.join("expected.html"))?),
                expected,
                expected_readerable: metadata["readerable"].as_bool().unwrap_or(false),
                source: Source {
                    id: name,
                    file: dir.join("source.html"),
                    url: MOZILLA_URL.to_owned(),
                },
            })
        })
        .collect()
}

pub fn load_wcxb(datasets: &Path) -> Result<Vec<WcxbPage>, String> {
    let base = datasets.join("wcxb-dev");
    let pages = read_json(&base.join("pages.json"))?;
    let pages = pages
        .as_object()
        .ok_or("wcxb-dev/pages.json is not an object")?;
    let mut ids: Vec<&String> = pages.keys().collect();
    ids.sort();
    ids.into_iter()
        .map(|id| {
            let truth = read_json(&base.join("ground-truth").join(format!("{id}.json")))?;
            let ground = &truth["ground_truth"];
            Ok(WcxbPage {
                page_type: pages[id]["page_type"]
                    .as_str()
                    .unwrap_or("article")
                    .to_owned(),
                main_content: ground["main_content"].as_str().unwrap_or("").to_owned(),
                with: string_list(ground.get("with")),
                without: string_list(ground.get("without")),
                source: Source {
                    id: id.clone(),
                    file: base.join("html").join(format!("{id}.html.gz")),
                    url: truth["url"]
                        .as_str()
                        .filter(|url| !url.is_empty())
                        .map(str::to_owned)
                        .unwrap_or_else(|| format!("http://fakehost/wcxb/{id}.html")),
                },
            })
        })
        .collect()
}
