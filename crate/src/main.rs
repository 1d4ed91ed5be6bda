//! `klartext`, the command-line front end of the core: reads a page, prints its article.
//!
//! Other tools call it, so its interface is fixed:
//! `klartext extract [--url URL] [--format text|html|json] [FILE|-]` and
//! `klartext clean [--url URL] [--report] [FILE|-]`, both with `[--rules FILE] [--keep LIST]`
//! for a user's own rules and the categories to leave alone. Errors are one line on
//! stderr, `klartext: <message>`; the exit code is 1 for a page that cannot be processed and 2
//! for a wrong invocation.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use klartext::{Article, Error, Options};

#[derive(Debug, Parser)]
#[command(
    name = "klartext",
    version,
    about = "Finds the article in a web page and drops the clutter around it"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Extract the article from an HTML page.
    Extract(ExtractArgs),
    /// Print the page without its clutter (comments, video chrome, promotions, social,
    /// newsletter, cookie consent, ads), its layout and navigation kept.
    Clean(CleanArgs),
}

#[derive(Debug, Args)]
struct CleanArgs {
    /// The page's address: site-specific clutter rules apply by its host.
    #[arg(long, value_name = "URL")]
    url: Option<String>,

    /// Instead of the page, list the removed blocks: category, rule and a text preview.
    #[arg(long)]
    report: bool,

    #[command(flatten)]
    user: UserArgs,

    /// The HTML file to read; `-` reads standard input.
    #[arg(value_name = "FILE", default_value = "-")]
    file: PathBuf,
}

#[derive(Debug, Args)]
struct ExtractArgs {
    /// The page's address: relative links and images are resolved against it.
    #[arg(long, value_name = "URL")]
    url: Option<String>,

    /// What to print: the article's plain text, its clean HTML, or both with the metadata as
    /// one JSON object.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    #[command(flatten)]
    user: UserArgs,

    /// The HTML file to read; `-` reads standard input.
    #[arg(value_name = "FILE", default_value = "-")]
    file: PathBuf,
}

/// What the extension's per-site settings give the core.
#[derive(Debug, Args)]
struct UserArgs {
    /// A file of your own rules in the ad-block cosmetic syntax (`example.com##.selector`),
    /// matched with the built-in ones. A line that cannot be used is an error.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,

    /// Clutter categories to leave alone, comma-separated: comments, video-chrome, promotions,
    /// social, newsletter, cookie-consent, ads, navigation.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    keep: Vec<String>,
}

impl UserArgs {
    /// The core's options for the page at `url`.
    fn options(&self, url: Option<String>) -> Result<Options, Failure> {
        let user_rules = match &self.rules {
            None => klartext::rules::UserRules::default(),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|error| {
                    Failure::usage(format!(
                        "cannot read {}: {}",
                        path.display(),
                        describe(&error)
                    ))
                })?;
                let (rules, errors) = klartext::rules::UserRules::parse(&text);
                if let Some(first) = errors.first() {
                    let more = match errors.len() {
                        1 => String::new(),
                        n => format!(" (and {} more)", n - 1),
                    };
                    return Err(Failure::usage(format!(
                        "{}:{}: {}{more}",
                        path.display(),
                        first.line,
                        first.message
                    )));
                }
                rules
            }
        };
        let mut categories = klartext::rules::Categories::ALL;
        for name in &self.keep {
            let category = klartext::rules::category_named(name.trim())
                .filter(|c| *c != klartext::clutter::Category::User)
                .ok_or_else(|| Failure::usage(format!("--keep: unknown category {name:?}")))?;
            categories = categories.without(category);
        }
        Ok(Options {
            url,
            user_rules,
            categories,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Html,
    Json,
}

/// Why the command failed: the message to show and the exit code that classifies it.
struct Failure {
    message: String,
    exit_code: u8,
}

impl Failure {
    /// The input could not be read or processed.
    fn input(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            exit_code: 1,
        }
    }

    /// The command line was wrong (clap reports its own usage errors with the same code).
    fn usage(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            exit_code: 2,
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        match error {
            // The only URL the core is given is the one from `--url`.
            Error::Url(..) => Failure::usage(error.to_string()),
            _ => Failure::input(error.to_string()),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => extract(&args),
        Command::Clean(args) => clean(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            // If even stderr is gone there is nobody left to tell.
            let _ = writeln!(io::stderr(), "klartext: {}", failure.message);
            ExitCode::from(failure.exit_code)
        }
    }
}

fn extract(args: &ExtractArgs) -> Result<(), Failure> {
    if let Some(url) = &args.url {
        check_page_url(url)?;
    }
    let options = args.user.options(args.url.clone())?;
    let bytes = read_input(&args.file)?;
    let html = klartext::decode::decode(&bytes)?;
    let article = klartext::extract(&html, &options)?;
    // A front page or a form still yields its most article-like text, which a reader of the
    // text or HTML could take for an article: say so on stderr (JSON carries `readerable`).
    if !article.readerable && !matches!(args.format, Format::Json) {
        eprintln!(
            "klartext: note: this page does not look like an article; \
             printed is its most article-like part"
        );
    }
    print_article(&article, args.format)
}

fn clean(args: &CleanArgs) -> Result<(), Failure> {
    if let Some(url) = &args.url {
        check_page_url(url)?;
    }
    let options = args.user.options(args.url.clone())?;
    let bytes = read_input(&args.file)?;
    let html = klartext::decode::decode(&bytes)?;
    let cleaned = klartext::clean(&html, &options)?;
    let output = if args.report {
        // One line a block: category, rule, preview; tab-separated for other tools.
        cleaned
            .removed
            .iter()
            .map(|r| {
                let category = r.category.map_or("other".to_string(), |c| {
                    serde_json::to_value(c)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                });
                format!("{category}\t{}\t{}", r.rule, r.preview)
            })
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        cleaned.html
    };
    write_output(&output)
}

fn write_output(text: &str) -> Result<(), Failure> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    match write_with_final_newline(&mut out, text).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(Failure::input(format!(
            "cannot write the output: {}",
            describe(&error)
        ))),
    }
}

/// Links are resolved against `--url`, so it must be a web page's absolute address.
fn check_page_url(url: &str) -> Result<(), Failure> {
    let invalid =
        |reason: &str| Failure::usage(Error::Url(url.to_owned(), reason.to_owned()).to_string());
    let parsed = url::Url::parse(url).map_err(|error| invalid(&error.to_string()))?;
    match parsed.scheme() {
        "http" | "https" => Ok(()),
        _ => Err(invalid("not an http or https address")),
    }
}

fn read_input(file: &PathBuf) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    if file.as_os_str() == "-" {
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|error| Failure::input(format!("cannot read standard input: {error}")))?;
    } else {
        bytes = std::fs::read(file).map_err(|error| {
            Failure::input(format!(
                "cannot read {}: {}",
                file.display(),
                describe(&error)
            ))
        })?;
    }
    Ok(bytes)
}

/// An I/O error's message without Rust's "(os error N)" suffix, which tells a user nothing.
fn describe(error: &io::Error) -> String {
    let message = error.to_string();
    match message.find(" (os error") {
        Some(end) => message[..end].to_owned(),
        None => message,
    }
}

fn print_article(article: &Article, format: Format) -> Result<(), Failure> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = match format {
        Format::Text => write_with_final_newline(&mut out, &article.text),
        Format::Html => write_with_final_newline(&mut out, &article.html),
        Format::Json => serde_json::to_writer(&mut out, article)
            .map_err(io::Error::from)
            .and_then(|()| out.write_all(b"\n")),
    }
    .and_then(|()| out.flush());
    match written {
        Ok(()) => Ok(()),
        // The reader went away (`klartext extract page.html | head -1`): it has all it wanted.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(Failure::input(format!(
            "cannot write the output: {}",
            describe(&error)
        ))),
    }
}

fn write_with_final_newline(out: &mut impl Write, text: &str) -> io::Result<()> {
    out.write_all(text.trim_end_matches('\n').as_bytes())?;
    out.write_all(b"\n")
}
