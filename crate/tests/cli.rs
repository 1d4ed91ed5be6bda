//! Runs the built `klartext` binary the way other tools call it.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn article_page() -> String {
    std::fs::read_to_string(fixture("artikel.html")).expect("fixture artikel.html")
}

/// Runs `klartext` with `args`, feeding `stdin` to it.
fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_klartext"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("klartext starts");
    let mut child_stdin = child.stdin.take().expect("stdin is piped");
    // The binary may exit without reading (usage errors), so a broken pipe here is fine.
    let _ = child_stdin.write_all(stdin);
    drop(child_stdin);
    child.wait_with_output().expect("klartext runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// The error contract: exit code, and exactly one line on stderr that starts with "klartext: ".
fn assert_fails(output: &Output, exit_code: i32, message_part: &str) {
    let stderr = stderr(output);
    assert_eq!(output.status.code(), Some(exit_code), "stderr: {stderr}");
    assert!(stderr.starts_with("klartext: "), "stderr: {stderr:?}");
    assert_eq!(stderr.lines().count(), 1, "stderr: {stderr:?}");
    assert!(stderr.contains(message_part), "stderr: {stderr:?}");
    assert!(output.stdout.is_empty(), "stdout: {:?}", stdout(output));
}

// The article's own sentences, and the menu's, from tests/fixtures/artikel.html.
const ARTICLE_PARAGRAPHS: [&str; 3] = [
    "Im Frühjahr kehren die Weißstörche in die Dörfer an der Oder zurück.",
    "„Die kürzere Reise spart Kraft, und die Tiere sind früher zurück“, sagt die Biologin Grete Müller",
    "Die Beringer an der Oder zählen deshalb jeden Vogel, der im April auf seinem Nest landet.",
];
const MENU_ENTRIES: [&str; 3] = [
    "Startseite",
    "Politik und Gesellschaft",
    "Impressum und Datenschutzerklärung",
];

fn assert_is_the_article(text: &str) {
    for paragraph in ARTICLE_PARAGRAPHS {
        assert!(
            text.contains(paragraph),
            "missing {paragraph:?} in:\n{text}"
        );
    }
    for entry in MENU_ENTRIES {
        assert!(!text.contains(entry), "menu entry {entry:?} in:\n{text}");
    }
}

#[test]
fn usage_errors_exit_with_2() {
    for args in [
        &[][..],
        &["frobnicate"],
        &["extract", "--format", "pdf"],
        &["extract", "--no-such-flag"],
        &["extract", "a.html", "b.html"],
    ] {
        let output = run(args, b"");
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn help_and_version_succeed() {
    let help = run(&["extract", "--help"], b"");
    assert_eq!(help.status.code(), Some(0));
    for option in ["--url", "--format", "[FILE]"] {
        assert!(
            stdout(&help).contains(option),
            "{option} in {}",
            stdout(&help)
        );
    }
    let version = run(&["--version"], b"");
    assert_eq!(version.status.code(), Some(0));
    assert!(stdout(&version).starts_with("klartext "));
}

#[test]
fn a_url_that_is_not_an_absolute_web_address_is_a_usage_error() {
    let page = article_page();
    for url in [
        "example.com/page",
        "/relative/path",
        "ftp://example.com/file",
        "not a url",
    ] {
        let output = run(&["extract", "--url", url], page.as_bytes());
        assert_fails(&output, 2, url);
    }
}

#[test]
fn a_missing_file_is_an_input_error() {
    let missing = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("no-such-page.html");
    let output = run(&["extract", missing.to_str().unwrap()], b"");
    assert_fails(&output, 1, "no-such-page.html");
}

#[test]
fn a_directory_is_an_input_error() {
    let output = run(&["extract", env!("CARGO_TARGET_TMPDIR")], b"");
    assert_fails(&output, 1, "cannot read");
}

#[test]
fn empty_input_is_an_input_error() {
    for input in [&b""[..], b" \n\t \r\n"] {
        let output = run(&["extract"], input);
        assert_fails(&output, 1, "empty");
    }
}

#[test]
fn binary_input_is_an_input_error() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&[0; 256]);
    let gzip = b"\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03\xAB\xCD".to_vec();
    for input in [png, gzip] {
        let output = run(&["extract", "-"], &input);
        assert_fails(&output, 1, "binary");
    }
}

#[test]
fn extracts_the_article_from_a_file() {
    let output = run(&["extract", fixture("artikel.html").to_str().unwrap()], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_is_the_article(&stdout(&output));
}

#[test]
fn extracts_the_article_from_stdin() {
    for args in [
        &["extract"][..],
        &["extract", "-"],
        &["extract", "--format", "text", "-"],
    ] {
        let output = run(args, article_page().as_bytes());
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(output.stderr.is_empty(), "{}", stderr(&output));
        assert_is_the_article(&stdout(&output));
    }
}

#[test]
fn a_page_that_is_not_an_article_says_so_on_stderr_and_still_prints_its_best_part() {
    let page = "<!doctype html><html><body><nav><a href=/>Home</a> <a href=/news>News</a></nav>\
                <p>Sign in to continue.</p></body></html>";
    for format in ["text", "html"] {
        let output = run(&["extract", "--format", format, "-"], page.as_bytes());
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let said = stderr(&output);
        assert!(said.starts_with("klartext: note: "), "{format}: {said:?}");
        assert!(said.contains("does not look like an article"), "{said:?}");
        assert_eq!(said.lines().count(), 1, "{said:?}");
    }
    // JSON says it in its `readerable` field, and stderr stays quiet for tools that read it.
    let output = run(&["extract", "--format", "json", "-"], page.as_bytes());
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).expect("JSON output");
    assert_eq!(json["readerable"], Value::Bool(false));
}

#[test]
fn text_output_is_blocks_separated_by_blank_lines_and_ends_with_one_newline() {
    let output = run(&["extract"], article_page().as_bytes());
    let text = stdout(&output);
    assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "{text:?}");
    // Each paragraph of the fixture is its own block.
    let blocks: Vec<&str> = text.trim_end().split("\n\n").collect();
    for paragraph in [
        "Im Frühjahr kehren die Weißstörche",
        "Doch die Zählungen der Naturschutzverbände",
        "Ob der Trend anhält",
    ] {
        assert!(
            blocks.iter().any(|block| block.starts_with(paragraph)),
            "{paragraph:?} does not start a block in {blocks:#?}"
        );
    }
}

#[test]
fn html_output_is_the_clean_article() {
    let output = run(&["extract", "--format", "html"], article_page().as_bytes());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let html = stdout(&output);
    assert!(html.contains("<p>"), "{html}");
    assert!(html.contains("Weißstörche"), "{html}");
    for entry in MENU_ENTRIES {
        assert!(!html.contains(entry), "menu entry {entry:?} in:\n{html}");
    }
    assert!(!html.contains("<nav"), "{html}");
}

#[test]
fn json_output_has_exactly_the_documented_keys_and_types() {
    let output = run(
        &[
            "extract",
            "--format",
            "json",
            "--url",
            "https://example.com/natur/stoerche.html",
        ],
        article_page().as_bytes(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stdout = stdout(&output);
    assert_eq!(stdout.lines().count(), 1, "one line: {stdout}");
    let json: Value = serde_json::from_str(&stdout).expect("valid JSON");
    let object = json.as_object().expect("a JSON object");

    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = vec![
        "title",
        "byline",
        "published_time",
        "site_name",
        "kicker",
        "lang",
        "dir",
        "excerpt",
        "lead_image",
        "readerable",
        "html",
        "text",
        "removed",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);

    for key in [
        "title",
        "byline",
        "published_time",
        "site_name",
        "kicker",
        "lang",
        "dir",
        "excerpt",
        "lead_image",
    ] {
        assert!(
            object[key].is_string() || object[key].is_null(),
            "{key}: {}",
            object[key]
        );
    }
    assert!(object["readerable"].is_boolean());
    assert!(object["html"].is_string());
    assert_is_the_article(object["text"].as_str().unwrap());
}

#[test]
fn json_output_carries_the_page_metadata() {
    let output = run(&["extract", "--format", "json"], article_page().as_bytes());
    let json: Value = serde_json::from_str(&stdout(&output)).expect("valid JSON");
    assert_eq!(json["title"], "Die Rückkehr der Störche nach Brandenburg");
    assert_eq!(json["site_name"], "Märkische Rundschau");
    assert_eq!(json["byline"], "Jürgen Köhler");
    assert_eq!(json["lang"], "de");
    assert_eq!(
        json["excerpt"],
        "Immer mehr Weißstörche überwintern nicht mehr in Afrika."
    );
    assert_eq!(json["readerable"], true);
}

fn windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, had_errors) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!had_errors);
    bytes.into_owned()
}

#[test]
fn a_declared_windows_1252_page_gives_utf8_text() {
    let page = article_page().replacen("<head>", "<head>\n<meta charset=\"windows-1252\">", 1);
    let output = run(&["extract"], &windows_1252(&page));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_is_the_article(&stdout(&output));
}

#[test]
fn an_undeclared_windows_1252_page_gives_utf8_text() {
    let output = run(&["extract"], &windows_1252(&article_page()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_is_the_article(&stdout(&output));
}

#[test]
fn a_utf16le_page_with_bom_gives_utf8_text() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in article_page().encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let output = run(&["extract"], &bytes);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_is_the_article(&stdout(&output));
}

#[test]
fn a_closed_stdout_ends_quietly() {
    // Enough text that the output cannot fit in a pipe's buffer.
    let paragraph = format!("<p>{}</p>\n", ARTICLE_PARAGRAPHS.join(" ").repeat(20));
    let page = article_page().replacen(
        "</article>",
        &format!("{}</article>", paragraph.repeat(100)),
        1,
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_klartext"))
        .arg("extract")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("klartext starts");
    // Close the reading end before klartext has written anything: it reads all input first.
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(page.as_bytes()).unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let stderr = stderr(&output);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(output.status.code(), Some(0));
}
