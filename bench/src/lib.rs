//! What the speed measurements share: the datasets folder and the Mozilla pages they run over,
//! read one way for the criterion bench, the paired bench and the speed table alike.

use std::path::{Path, PathBuf};

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
