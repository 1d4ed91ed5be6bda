//! The extraction-quality harness: runs Klartext and dom_smoothie over the quality datasets,
//! reads what Readability.js extracted from the same pages (`tests/quality/readability.mjs`),
//! scores all three and prints one table. `./build.sh quality` runs both halves.
//!
//!   cargo run --release -p klartext-bench --bin quality
//!
//! KLARTEXT_DATASETS      the datasets folder (default: ../shared/datasets beside the repo)
//! KLARTEXT_QUALITY_JOBS  pages extracted at once (default 2: the machine has two cores)

mod datasets;
mod report;
mod score;
mod text;
mod tools;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

use datasets::{MozillaPage, Source, WcxbPage};
use report::ToolScores;
use tools::{Outcome, ReadabilityJs, Tool};

/// Klartext's worst pages listed per dataset.
const WORST_PAGES: usize = 15;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("extract-one") => tools::extract_one(&args[1..]),
        None => run(),
        Some(other) => Err(format!("unknown argument {other}: run without arguments")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("quality: {message}");
            ExitCode::FAILURE
        }
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ is inside the repository")
        .to_path_buf()
}

/// A package's version as Cargo.lock pins it.
fn locked_version(repo: &Path, package: &str) -> String {
    let lock = std::fs::read_to_string(repo.join("Cargo.lock")).unwrap_or_default();
    let name_line = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == name_line {
            if let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = ")) {
                return version.trim_matches('"').to_owned();
            }
        }
    }
    "?".into()
}

/// Runs the native tools on every page, `KLARTEXT_QUALITY_JOBS` pages at a time. The result is
/// indexed like `sources`, then like [`Tool::NATIVE`].
fn run_native(sources: &[&Source]) -> Vec<Vec<Outcome>> {
    let jobs: Vec<(usize, Tool)> = (0..sources.len())
        .flat_map(|page| Tool::NATIVE.map(|tool| (page, tool)))
        .collect();
    let workers = std::env::var("KLARTEXT_QUALITY_JOBS")
        .ok()
        .and_then(|jobs| jobs.parse::<usize>().ok())
        .unwrap_or(2)
        .max(1);
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel();
    thread::scope(|scope| {
        for _ in 0..workers {
            let sender = sender.clone();
            let (jobs, next) = (&jobs, &next);
            scope.spawn(move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(page, tool)) = jobs.get(index) else {
                    break;
                };
                let outcome = tools::run_native(tool, sources[page]);
                if sender.send((index, outcome)).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        let mut outcomes: Vec<Option<Outcome>> = jobs.iter().map(|_| None).collect();
        for (done, (index, outcome)) in receiver.iter().enumerate() {
            outcomes[index] = Some(outcome);
            if (done + 1) % 200 == 0 || done + 1 == jobs.len() {
                eprintln!("native tools: {}/{} extractions", done + 1, jobs.len());
            }
        }
        let mut outcomes = outcomes.into_iter().map(|o| o.expect("every job reports"));
        (0..sources.len())
            .map(|_| outcomes.by_ref().take(Tool::NATIVE.len()).collect())
            .collect()
    })
}

fn run() -> Result<(), String> {
    let started = Instant::now();
    let repo = repo_root();
    let datasets = datasets::root(&repo);
    if !datasets.is_dir() {
        return Err(format!(
            "no datasets at {} (set KLARTEXT_DATASETS)",
            datasets.display()
        ));
    }
    let mozilla = datasets::load_mozilla(&datasets)?;
    let wcxb = datasets::load_wcxb(&datasets)?;
    let out_dir = repo.join("tests/out/quality");
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;

    let js_file = out_dir.join("readability-js.json");
    let mut readability_js = match ReadabilityJs::load(&js_file) {
        Ok(results) => Some(results),
        Err(error) => {
            eprintln!(
                "quality: Readability.js results missing ({error}); run node tests/quality/readability.mjs"
            );
            None
        }
    };

    let sources: Vec<&Source> = mozilla
        .iter()
        .map(|page| &page.source)
        .chain(wcxb.iter().map(|page| &page.source))
        .collect();
    let mut native = run_native(&sources).into_iter();
    let native_mozilla: Vec<Vec<Outcome>> = native.by_ref().take(mozilla.len()).collect();
    let native_wcxb: Vec<Vec<Outcome>> = native.collect();

    let scores: Vec<ToolScores> = Tool::ALL
        .iter()
        .map(|&tool| {
            let ran = tool != Tool::ReadabilityJs || readability_js.is_some();
            let mut outcome = |dataset: &str, id: &str, native: &[Outcome]| match tool {
                Tool::ReadabilityJs => match readability_js.as_mut() {
                    Some(results) => results.outcome(dataset, id),
                    None => Err("not run".into()),
                },
                _ => {
                    let column = Tool::NATIVE.iter().position(|&t| t == tool);
                    native[column.expect("a native tool")].clone()
                }
            };
            ToolScores {
                tool,
                ran,
                mozilla: mozilla
                    .iter()
                    .zip(&native_mozilla)
                    .map(|(page, native)| {
                        score::score_mozilla(page, &outcome("mozilla", &page.source.id, native))
                    })
                    .collect(),
                wcxb: wcxb
                    .iter()
                    .zip(&native_wcxb)
                    .map(|(page, native)| {
                        score::score_wcxb(page, &outcome("wcxb", &page.source.id, native))
                    })
                    .collect(),
            }
        })
        .collect();

    let versions = format!(
        "Klartext {} (this working tree) · Readability.js {} · dom_smoothie {}",
        locked_version(&repo, "klartext"),
        readability_js
            .as_ref()
            .map_or("(not run)", |results| results.version.as_str()),
        locked_version(&repo, "dom_smoothie"),
    );
    println!("{}", report::table(&scores, &mozilla, &wcxb, &versions));
    print_notes(&wcxb, &misdecoded_pages(&sources));
    print_worst(&scores[0], &mozilla, &wcxb);

    let mozilla_tsv = out_dir.join("mozilla.tsv");
    let wcxb_tsv = out_dir.join("wcxb.tsv");
    report::write(&mozilla_tsv, &report::mozilla_tsv(&scores, &mozilla))?;
    report::write(&wcxb_tsv, &report::wcxb_tsv(&scores, &wcxb))?;
    println!("Per-page results: {}", mozilla_tsv.display());
    println!("                  {}", wcxb_tsv.display());
    println!(
        "Scored in {:.0} s (Readability.js results from {}).",
        started.elapsed().as_secs_f64(),
        js_file.display()
    );
    Ok(())
}

/// The pages on which `klartext::decode` (what the CLI reads files with) does not arrive at the
/// UTF-8 text the datasets store: the tools are all given the stored text, so this is the only
/// place a decoding mistake shows.
fn misdecoded_pages<'a>(sources: &[&'a Source]) -> Vec<&'a str> {
    sources
        .iter()
        .filter(|source| {
            let Ok(bytes) = datasets::read_bytes(&source.file) else {
                return false;
            };
            let stored = String::from_utf8_lossy(&bytes);
            let stored = stored.strip_prefix('\u{feff}').unwrap_or(&stored);
            klartext::decode::decode(&bytes).map_or(true, |decoded| decoded != stored)
        })
        .map(|source| source.id.as_str())
        .collect()
}

fn print_notes(wcxb: &[WcxbPage], misdecoded: &[&str]) {
    let unscored: Vec<&str> = wcxb
        .iter()
        .filter(|page| !score::has_ground_truth(page))
        .map(|page| page.source.id.as_str())
        .collect();
    println!("Notes:");
    println!(
        "  Text is each tool's article HTML read as a reader sees it (blocks on their own lines),"
    );
    println!(
        "  with expected.html read the same way; tokens are lowercase \\w+ runs, counted as a bag."
    );
    println!("  Metadata fields a page's expected-metadata.json leaves out are not scored (hence /74 for lang).");
    if !unscored.is_empty() {
        println!(
            "  WCXB pages without ground-truth text, left out of the F1 means: {}",
            unscored.join(", ")
        );
    }
    println!("  A failure (error, crash, no article, over 20 s) scores 0; times are medians of the rest.");
    println!("  Readability.js's time includes building the jsdom document.");
    if misdecoded.is_empty() {
        println!("  klartext::decode reads every page as the UTF-8 the datasets store.");
    } else {
        println!(
            "  klartext::decode reads these pages differently from the UTF-8 the datasets store: {}",
            misdecoded.join(", ")
        );
    }
    println!();
}

fn print_worst(klartext: &ToolScores, mozilla: &[MozillaPage], wcxb: &[WcxbPage]) {
    println!("Klartext's {WORST_PAGES} worst Mozilla pages:");
    print!(
        "{}",
        report::worst(
            mozilla.iter().zip(&klartext.mozilla).map(|(page, score)| (
                page.source.id.as_str(),
                "",
                &score.text
            )),
            WORST_PAGES,
        )
    );
    println!("Klartext's {WORST_PAGES} worst WCXB pages:");
    print!(
        "{}",
        report::worst(
            wcxb.iter()
                .zip(&klartext.wcxb)
                .filter(|(_, score)| score.scored)
                .map(|(page, score)| (
                    page.source.id.as_str(),
                    page.page_type.as_str(),
                    &score.text
                )),
            WORST_PAGES,
        )
    );
    println!();
}
