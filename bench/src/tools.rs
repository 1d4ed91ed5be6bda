//! The three extractors and how each is run.
//!
//! Klartext and dom_smoothie run natively, one page per child process (this binary's
//! `extract-one` mode): the workspace builds with `panic = "abort"`, and a page can also
//! overflow a stack or hang, so a process per page is what lets one page fail alone and lets a
//! hung page be stopped. Readability.js runs in Node (`tests/quality/readability.mjs`), whose
//! results are read from its JSON file.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::datasets::{read_page, Field, Source};
use crate::text::html_to_text;

/// A page that takes a tool longer than this counts as a failure.
pub const TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tool {
    Klartext,
    ReadabilityJs,
    DomSmoothie,
}

impl Tool {
    /// Table order: Klartext first, beside its two peers.
    pub const ALL: [Tool; 3] = [Tool::Klartext, Tool::ReadabilityJs, Tool::DomSmoothie];
    /// The tools this binary runs itself.
    pub const NATIVE: [Tool; 2] = [Tool::Klartext, Tool::DomSmoothie];

    pub fn name(self) -> &'static str {
        match self {
            Tool::Klartext => "Klartext",
            Tool::ReadabilityJs => "Readability.js",
            Tool::DomSmoothie => "dom_smoothie",
        }
    }

    /// The name in file columns and on the `extract-one` command line.
    pub fn slug(self) -> &'static str {
        match self {
            Tool::Klartext => "klartext",
            Tool::ReadabilityJs => "readability_js",
            Tool::DomSmoothie => "dom_smoothie",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Tool> {
        Tool::ALL.into_iter().find(|tool| tool.slug() == slug)
    }
}

/// What a tool extracted from one page.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Extraction {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub excerpt: Option<String>,
    pub site_name: Option<String>,
    pub published_time: Option<String>,
    pub lang: Option<String>,
    pub dir: Option<String>,
    pub readerable: Option<bool>,
    /// The article's HTML.
    pub html: String,
    /// The tool's own plain text, where it makes one for readers (Klartext's `text`).
    pub own_text: Option<String>,
    /// Time spent in the tool, parsing included, in milliseconds.
    pub ms: f64,
}

impl Extraction {
    pub fn field(&self, field: Field) -> Option<&str> {
        match field {
            Field::Title => self.title.as_deref(),
            Field::Byline => self.byline.as_deref(),
            Field::Excerpt => self.excerpt.as_deref(),
            Field::SiteName => self.site_name.as_deref(),
            Field::PublishedTime => self.published_time.as_deref(),
            Field::Lang => self.lang.as_deref(),
            Field::Dir => self.dir.as_deref(),
        }
    }
}

/// An extraction ready to score: the article HTML turned into text.
#[derive(Debug, Clone)]
pub struct Output {
    pub extraction: Extraction,
    pub text: String,
}

/// A tool's result on one page: its output, or why it has none.
pub type Outcome = Result<Output, String>;

fn into_output(extraction: Extraction) -> Output {
    Output {
        text: html_to_text(&extraction.html),
        extraction,
    }
}

/// What the `extract-one` child prints.
#[derive(Serialize, Deserialize)]
enum ChildReport {
    Extracted(Box<Extraction>),
    Failed(String),
}

/// The `extract-one TOOL URL FILE` mode: runs one native tool on one page and prints a
/// [`ChildReport`] as JSON.
pub fn extract_one(args: &[String]) -> Result<(), String> {
    let [tool, url, file] = args else {
        return Err("usage: quality extract-one TOOL URL FILE".into());
    };
    let tool = Tool::from_slug(tool).ok_or_else(|| format!("unknown tool {tool}"))?;
    let html = read_page(Path::new(file))?;
    let report = match extract_natively(tool, &html, url) {
        Ok(extraction) => ChildReport::Extracted(Box::new(extraction)),
        Err(reason) => ChildReport::Failed(reason),
    };
    println!(
        "{}",
        serde_json::to_string(&report).map_err(|e| e.to_string())?
    );
    Ok(())
}

fn extract_natively(tool: Tool, html: &str, url: &str) -> Result<Extraction, String> {
    let start = Instant::now();
    let mut extraction = match tool {
        Tool::Klartext => {
            let options = klartext::Options {
                url: Some(url.to_owned()),
                ..Default::default()
            };
            let article = klartext::extract(html, &options).map_err(|e| e.to_string())?;
            Extraction {
                title: article.title,
                byline: article.byline,
                excerpt: article.excerpt,
                site_name: article.site_name,
                published_time: article.published_time,
                lang: article.lang,
                dir: article.dir,
                readerable: Some(article.readerable),
                html: article.html,
                own_text: Some(article.text),
                ms: 0.0,
            }
        }
        Tool::DomSmoothie => {
            let mut readability =
                dom_smoothie::Readability::new(html, Some(url), None).map_err(|e| e.to_string())?;
            // Before parse(), which takes the document apart.
            let readerable = readability.is_probably_readable();
            let article = readability.parse().map_err(|e| e.to_string())?;
            Extraction {
                title: Some(article.title).filter(|title| !title.is_empty()),
                byline: article.byline,
                excerpt: article.excerpt,
                site_name: article.site_name,
                published_time: article.published_time,
                lang: article.lang,
                dir: article.dir,
                readerable: Some(readerable),
                html: article.content.to_string(),
                own_text: None,
                ms: 0.0,
            }
        }
        Tool::ReadabilityJs => return Err("Readability.js runs in Node".into()),
    };
    extraction.ms = start.elapsed().as_secs_f64() * 1000.0;
    Ok(extraction)
}

/// Runs `tool` on `source` in a child process, within [`TIMEOUT`].
pub fn run_native(tool: Tool, source: &Source) -> Outcome {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut child = Command::new(exe)
        .arg("extract-one")
        .arg(tool.slug())
        .arg(&source.url)
        .arg(&source.file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start: {e}"))?;
    // Read both pipes while the child runs: a full pipe would stall it.
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let stdout = thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let stderr = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) => break status,
            None if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("timed out after {} s", TIMEOUT.as_secs()));
            }
            None => thread::sleep(Duration::from_millis(2)),
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    if !status.success() {
        let last_line = stderr.lines().rev().find(|line| !line.trim().is_empty());
        return Err(format!("crashed ({status}): {}", last_line.unwrap_or("")));
    }
    match serde_json::from_slice(&stdout) {
        Ok(ChildReport::Extracted(extraction)) => Ok(into_output(*extraction)),
        Ok(ChildReport::Failed(reason)) => Err(reason),
        Err(e) => Err(format!("unreadable output: {e}")),
    }
}

/// One page's entry in `readability-js.json`, as `tests/quality/readability-worker.mjs`
/// writes it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsPage {
    ok: bool,
    error: Option<String>,
    ms: Option<f64>,
    readerable: Option<bool>,
    title: Option<String>,
    byline: Option<String>,
    excerpt: Option<String>,
    site_name: Option<String>,
    published_time: Option<String>,
    lang: Option<String>,
    dir: Option<String>,
    html: Option<String>,
}

#[derive(Deserialize)]
struct JsResults {
    readability: String,
    jsdom: String,
    datasets: HashMap<String, HashMap<String, JsPage>>,
}

/// Readability.js's results, as written by `tests/quality/readability.mjs`.
pub struct ReadabilityJs {
    /// "0.6.0 (jsdom 29.0.1)".
    pub version: String,
    datasets: HashMap<String, HashMap<String, JsPage>>,
}

impl ReadabilityJs {
    pub fn load(file: &Path) -> Result<ReadabilityJs, String> {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let results: JsResults =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        Ok(ReadabilityJs {
            version: format!("{} (jsdom {})", results.readability, results.jsdom),
            datasets: results.datasets,
        })
    }

    /// The result on page `id` of `dataset` ("mozilla" or "wcxb").
    pub fn outcome(&mut self, dataset: &str, id: &str) -> Outcome {
        let page = self
            .datasets
            .get_mut(dataset)
            .and_then(|pages| pages.remove(id))
            .ok_or("no result in readability-js.json")?;
        if !page.ok {
            return Err(page.error.unwrap_or_else(|| "failed".into()));
        }
        Ok(into_output(Extraction {
            title: page.title,
            byline: page.byline,
            excerpt: page.excerpt,
            site_name: page.site_name,
            published_time: page.published_time,
            lang: page.lang,
            dir: page.dir,
            readerable: page.readerable,
            html: page.html.unwrap_or_default(),
            own_text: None,
            ms: page.ms.unwrap_or(f64::NAN),
        }))
    }
}
