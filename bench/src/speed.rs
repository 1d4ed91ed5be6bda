//! Speed, native half of `./build.sh bench`: makes the pathological pages, runs the `klartext`
//! CLI on each under `/usr/bin/time -v` (wall time and peak RSS), reads criterion's medians of
//! `cargo bench --bench core`, and writes it all to `tests/out/bench/native.json` for
//! `tests/bench/run.mjs`, which measures the browser side and prints the table.
//!
//!   cargo run --release -p klartext-bench --bin speed
//!
//! The pages (in `tests/out/bench/pages/`, made afresh each run, byte for byte the same):
//! - `big-10mb.html`, `big-50mb.html`: the `<body>` contents of the 130 Mozilla pages, each in
//!   a `<div>`, one after another in name order and round again until the size is reached,
//!   under one `<head>`: real markup, real boilerplate, many articles.
//! - `deep-100k.html`: 100,000 nested `<div>`s around a few paragraphs.
//!
//! KLARTEXT_DATASETS   the datasets folder (default: ../shared/datasets beside the repo)
//! KLARTEXT_CLI        the CLI (default: target/release/klartext, as `./build.sh` builds it)
//! CRITERION_HOME      criterion's results (default: $CARGO_TARGET_DIR/criterion, else target/criterion)

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use serde::Serialize;
use serde_json::Value;

const MIB: usize = 1024 * 1024;
const DEPTH: usize = 100_000;
/// What `benches/core.rs` names its functions, in table order.
const NATIVE_FUNCTIONS: [&str; 4] = ["lol_html_bare", "lol_html_noop", "klartext", "dom_smoothie"];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ is inside the repository")
        .to_path_buf()
}

fn datasets(repo: &Path) -> PathBuf {
    match std::env::var_os("KLARTEXT_DATASETS") {
        Some(dir) => PathBuf::from(dir),
        None => repo.join("../shared/datasets"),
    }
}

/// Where criterion keeps its results: as criterion itself decides.
fn criterion_dir(repo: &Path) -> PathBuf {
    if let Some(dir) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(dir);
    }
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir).join("criterion"),
        None => repo.join("target/criterion"),
    }
}

/// The CLI that `./build.sh` builds (release profile, as shipped).
fn cli(repo: &Path) -> PathBuf {
    match std::env::var_os("KLARTEXT_CLI") {
        Some(file) => PathBuf::from(file),
        None => repo.join("target/release/klartext"),
    }
}

/// What is inside a page's `<body>` (the whole page when it has no body tags).
fn body_of(html: &str) -> &str {
    let lower = html.to_ascii_lowercase();
    let start = lower
        .find("<body")
        .and_then(|at| lower[at..].find('>').map(|end| at + end + 1))
        .unwrap_or(0);
    let end = lower
        .rfind("</body")
        .filter(|&end| end >= start)
        .unwrap_or(html.len());
    &html[start..end]
}

/// The Mozilla pages' bodies, one after another, until the page has at least `size` bytes.
fn big_page(bodies: &[&str], size: usize) -> String {
    let mut html = String::with_capacity(size + 4 * MIB);
    html.push_str(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Klartext bench: the Mozilla pages' bodies, one after another</title></head><body>\n",
    );
    for (i, body) in bodies.iter().cycle().enumerate() {
        if html.len() >= size {
            break;
        }
        let _ = writeln!(html, "<div class=\"page page-{i}\">{body}</div>");
    }
    html.push_str("</body></html>\n");
    html
}

fn deep_page(depth: usize) -> String {
    let mut html = String::with_capacity(depth * 11 + 4096);
    html.push_str(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Klartext bench: 100,000 nested divs</title></head><body>",
    );
    html.push_str(&"<div>".repeat(depth));
    for i in 0..5 {
        let _ = write!(
            html,
            "<p>Paragraph {i} at the bottom of a very deep page. It has a few sentences, \
             with commas, so that a reader view would want to show it, and it goes on \
             long enough to count as prose rather than as a caption or a menu.</p>"
        );
    }
    html.push_str(&"</div>".repeat(depth));
    html.push_str("</body></html>\n");
    html
}

#[derive(Serialize)]
struct PathologicalRun {
    name: String,
    file: String,
    bytes: usize,
    ok: bool,
    exit: String,
    wall_ms: f64,
    user_ms: f64,
    max_rss_kib: u64,
    /// The JSON article's size: a sign that something was extracted.
    output_bytes: usize,
}

/// Runs the CLI on one page under `/usr/bin/time -v`.
fn run_cli(cli: &Path, name: &str, file: &Path, bytes: usize) -> Result<PathologicalRun, String> {
    let output = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(cli)
        .args([
            "extract",
            "--format",
            "json",
            "--url",
            "http://127.0.0.1/bench.html",
        ])
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("/usr/bin/time: {e} (Debian package `time`)"))?;
    let report = String::from_utf8_lossy(&output.stderr);
    let field = |label: &str| {
        report
            .lines()
            .find_map(|line| line.trim().strip_prefix(label))
            .map(str::trim)
            .unwrap_or("")
            .to_owned()
    };
    let seconds = |text: &str| text.parse::<f64>().unwrap_or(f64::NAN);
    // "h:mm:ss" or "m:ss.ss"
    let wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss):")
        .split(':')
        .fold(0.0, |total, part| total * 60.0 + seconds(part));
    // Before time's report: the CLI's own last line, and time's word on how it ended.
    let before: Vec<&str> = report
        .lines()
        .take_while(|line| !line.contains("Command being timed"))
        .collect();
    let signal = before
        .iter()
        .find(|line| line.starts_with("Command terminated by signal"));
    let said = before
        .iter()
        .rev()
        .find(|line| !line.starts_with("Command "))
        .unwrap_or(&"");
    let exit = match signal {
        Some(signal) => signal
            .trim_start_matches("Command terminated by ")
            .to_owned(),
        None => format!("exit {}", field("Exit status:")),
    };
    Ok(PathologicalRun {
        name: name.to_owned(),
        file: file.display().to_string(),
        bytes,
        ok: output.status.success(),
        exit: if output.status.success() {
            "exit 0".into()
        } else {
            format!("{exit}: {said}")
        },
        wall_ms: wall * 1000.0,
        user_ms: seconds(&field("User time (seconds):")) * 1000.0,
        max_rss_kib: field("Maximum resident set size (kbytes):")
            .parse()
            .unwrap_or(0),
        output_bytes: output.stdout.len(),
    })
}

#[derive(Serialize)]
struct NativeFunction {
    name: String,
    /// Criterion's median of one iteration over the whole set, in milliseconds, and its 95%
    /// confidence interval.
    median_ms: f64,
    median_low_ms: f64,
    median_high_ms: f64,
    samples: usize,
}

/// Criterion's estimates for one function of the `mozilla` group.
fn criterion_estimate(criterion: &Path, name: &str) -> Result<NativeFunction, String> {
    let dir = criterion.join("mozilla").join(name).join("new");
    let read = |file: &str| -> Result<Value, String> {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "{}: {e} (run `cargo bench -p klartext-bench --bench core`)",
                path.display()
            )
        })?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let estimates = read("estimates.json")?;
    let sample = read("sample.json")?;
    let ns = |value: &Value| value.as_f64().unwrap_or(f64::NAN) / 1e6;
    let median = &estimates["median"];
    Ok(NativeFunction {
        name: name.to_owned(),
        median_ms: ns(&median["point_estimate"]),
        median_low_ms: ns(&median["confidence_interval"]["lower_bound"]),
        median_high_ms: ns(&median["confidence_interval"]["upper_bound"]),
        samples: sample["times"].as_array().map_or(0, Vec::len),
    })
}

#[derive(Serialize)]
struct Native {
    /// `/proc/loadavg` right after the criterion run: the machine may be shared.
    load_average: String,
    /// Bytes of the 130 Mozilla pages: one iteration of every function.
    mozilla_pages: usize,
    mozilla_bytes: usize,
    functions: Vec<NativeFunction>,
    pathological: Vec<PathologicalRun>,
}

fn run() -> Result<(), String> {
    let load_average = std::fs::read_to_string("/proc/loadavg")
        .map(|load| load.split(' ').take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let repo = repo_root();
    let out = repo.join("tests/out/bench");
    let pages_dir = out.join("pages");
    std::fs::create_dir_all(&pages_dir).map_err(|e| format!("{}: {e}", pages_dir.display()))?;

    let sources = klartext_bench::mozilla_sources(&datasets(&repo))?;
    let bodies: Vec<&str> = sources.iter().map(|page| body_of(page)).collect();
    let pages = [
        ("10 MB", "big-10mb.html", big_page(&bodies, 10 * MIB)),
        ("50 MB", "big-50mb.html", big_page(&bodies, 50 * MIB)),
        ("100k deep", "deep-100k.html", deep_page(DEPTH)),
    ];
    let cli = cli(&repo);
    if !cli.is_file() {
        return Err(format!(
            "{} is missing: run ./build.sh first",
            cli.display()
        ));
    }
    let mut pathological = Vec::new();
    for (name, file, html) in &pages {
        let path = pages_dir.join(file);
        std::fs::write(&path, html).map_err(|e| format!("{}: {e}", path.display()))?;
        let run = run_cli(&cli, name, &path, html.len())?;
        eprintln!(
            "speed: {name}: {} bytes, {:.0} ms, {} KiB peak RSS, {}",
            run.bytes, run.wall_ms, run.max_rss_kib, run.exit
        );
        pathological.push(run);
    }
    let functions = NATIVE_FUNCTIONS
        .iter()
        .map(|name| criterion_estimate(&criterion_dir(&repo), name))
        .collect::<Result<Vec<_>, _>>()?;
    let native = Native {
        load_average,
        mozilla_pages: sources.len(),
        mozilla_bytes: sources.iter().map(String::len).sum(),
        functions,
        pathological,
    };
    let file = out.join("native.json");
    let json = serde_json::to_string_pretty(&native).map_err(|e| e.to_string())?;
    std::fs::write(&file, json).map_err(|e| format!("{}: {e}", file.display()))?;
    eprintln!("speed: wrote {}", file.display());
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("speed: {message}");
            ExitCode::FAILURE
        }
    }
}
