//! What the speed measurements share: the datasets folder and the Mozilla pages they run over,
//! read one way for the criterion bench, the paired bench and the speed table alike, and the
//! passes they time, defined once so that both benches time the same floor and the same core.

use std::path::{Path, PathBuf};

use lol_html::{HtmlRewriter, Settings};

/// The URL Readability's own test suite gives its pages.
pub const MOZILLA_URL: &str = "http://fakehost/test/page.html";

/// The datasets folder: `KLARTEXT_DATASETS`, or `shared/datasets` beside the repository.
pub fn datasets_dir() -> PathBuf {
    match std::env::var_os("KLARTEXT_DATASETS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/datasets"),
    }
}

/// The Mozilla pages' sources in name order, read as UTF-8 (as the quality harness does).
pub fn mozilla_sources(datasets: &Path) -> Result<Vec<String>, String> {
    let base = datasets.join("readability");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&base)
        .map_err(|e| format!("{}: {e}", base.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("source.html"))
        .filter(|file| file.is_file())
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| {
            std::fs::read(file)
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .map_err(|e| format!("{}: {e}", file.display()))
        })
        .collect()
}

/// One lol_html pass with `settings` (which should be non-strict, as the core's) over `html`,
/// its output dropped.
pub fn run_pass(html: &str, settings: Settings<'_, '_>) {
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter.write(html.as_bytes()).expect("no handler fails");
    rewriter.end().expect("no handler fails");
}

/// `klartext::extract` as the wasm binding calls it, on a Mozilla page: the article's length.
pub fn klartext_extract(html: &str) -> usize {
    let options = klartext::Options {
        url: Some(MOZILLA_URL.to_owned()),
        ..Default::default()
    };
    klartext::extract(html, &options).map_or(0, |article| article.html.len())
}
