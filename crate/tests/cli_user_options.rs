//! The command line's `--rules FILE` and `--keep LIST`: a user's own rules and the categories to
//! leave alone, as the extension's per-site settings give them to the core.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const URL: &str = "https://www.krone.at/3423614";

fn reference_page() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/krone-putin-nordkorea.html")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_klartext"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("klartext runs")
}

fn rules_file(name: &str, text: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("rules file written");
    path
}

/// The categories of `clean --report`'s lines.
fn categories(output: &Output) -> Vec<String> {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect()
}

#[test]
fn keep_leaves_the_named_categories_alone() {
    let page = reference_page();
    let page = page.to_str().unwrap();
    let all = categories(&run(&["clean", "--report", "--url", URL, page]));
    assert!(all.iter().any(|c| c == "comments") && all.iter().any(|c| c == "video-chrome"));
    let kept = categories(&run(&[
        "clean",
        "--report",
        "--url",
        URL,
        "--keep",
        "comments,video-chrome",
        page,
    ]));
    assert!(!kept.iter().any(|c| c == "comments" || c == "video-chrome"));
    assert!(kept.iter().any(|c| c == "ads"), "{kept:?}");
    // The comment section stays whole: no other signal takes its parts as page furniture.
    let page_out = run(&["clean", "--url", URL, "--keep", "comments", page]);
    let html = String::from_utf8(page_out.stdout).unwrap();
    assert!(
        html.contains("Liebe Leserin, lieber Leser,"),
        "the comments were taken"
    );
    let all_out = run(&["clean", "--url", URL, page]);
    assert!(!String::from_utf8(all_out.stdout)
        .unwrap()
        .contains("Liebe Leserin, lieber Leser,"));
}

#[test]
fn rules_hide_the_users_elements_on_their_site() {
    let page = reference_page();
    let page = page.to_str().unwrap();
    let rules = rules_file(
        "user-rules-ok.txt",
        "! mine\nkrone.at##h1\nexample.org##p\n",
    );
    let report = run(&[
        "clean",
        "--report",
        "--url",
        URL,
        "--rules",
        rules.to_str().unwrap(),
        page,
    ]);
    let text = String::from_utf8(report.stdout.clone()).unwrap();
    let mine: Vec<&str> = text.lines().filter(|l| l.starts_with("user\t")).collect();
    assert_eq!(mine.len(), 1, "{text}");
    assert!(mine[0].starts_with("user\tkrone.at##h1\t"), "{}", mine[0]);
}

#[test]
fn a_bad_rules_file_or_category_is_a_usage_error_with_its_place() {
    let page = reference_page();
    let page = page.to_str().unwrap();
    let rules = rules_file(
        "user-rules-bad.txt",
        "krone.at##.ok\n##div:has(.x)\nh2 + p\n",
    );
    let output = run(&["clean", "--rules", rules.to_str().unwrap(), page]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("klartext: ") && stderr.contains("user-rules-bad.txt:2: "),
        "{stderr}"
    );
    assert!(stderr.contains("(and 1 more)"), "{stderr}");
    assert!(output.stdout.is_empty());

    let output = run(&["extract", "--keep", "comments,sidebars", page]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("\"sidebars\""), "{stderr}");
}
