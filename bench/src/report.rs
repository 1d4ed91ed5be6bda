//! The table, the per-page TSV files and the list of Klartext's worst pages.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use crate::datasets::{Field, MozillaPage, WcxbPage};
use crate::score::{mean_prf, median, MozillaScore, TextScore, WcxbScore};
use crate::tools::Tool;

/// Scores of one tool on every page of both datasets.
pub struct ToolScores {
    pub tool: Tool,
    /// False when the tool's results are missing altogether (Readability.js not run).
    pub ran: bool,
    pub mozilla: Vec<MozillaScore>,
    pub wcxb: Vec<WcxbScore>,
}

const LABEL_WIDTH: usize = 40;
const COLUMN_WIDTH: usize = 16;

struct Table {
    out: String,
}

impl Table {
    fn heading(&mut self, text: &str) {
        let _ = writeln!(self.out, "{text}");
    }

    fn row(&mut self, label: &str, cells: impl IntoIterator<Item = String>) {
        let _ = write!(self.out, "  {label:<LABEL_WIDTH$}");
        for cell in cells {
            let _ = write!(self.out, "{cell:>COLUMN_WIDTH$}");
        }
        let _ = writeln!(self.out);
    }
}

fn ratio(numerator: usize, denominator: usize) -> String {
    format!("{numerator}/{denominator}")
}

fn percent(numerator: usize, denominator: usize) -> String {
    if denominator == 0 {
        "-".into()
    } else {
        format!("{:.1}%", 100.0 * numerator as f64 / denominator as f64)
    }
}

fn decimal(value: Option<f64>) -> String {
    value.map_or("-".into(), |value| format!("{value:.3}"))
}

fn milliseconds(value: Option<f64>) -> String {
    value.map_or("-".into(), |value| format!("{value:.1}"))
}

/// One row per tool column; a tool that did not run shows "not run".
fn cells(tools: &[ToolScores], cell: impl Fn(&ToolScores) -> String) -> Vec<String> {
    tools
        .iter()
        .map(|scores| {
            if scores.ran {
                cell(scores)
            } else {
                "not run".into()
            }
        })
        .collect()
}

fn prf_rows<'a>(
    table: &mut Table,
    tools: &'a [ToolScores],
    select: impl Fn(&'a ToolScores) -> Vec<&'a TextScore>,
) {
    let means: Vec<_> = tools
        .iter()
        .map(|scores| mean_prf(select(scores)))
        .collect();
    let column = |value: fn(&crate::text::Prf) -> f64| {
        tools
            .iter()
            .zip(&means)
            .map(|(scores, mean)| {
                if scores.ran {
                    decimal(mean.as_ref().map(value))
                } else {
                    "not run".into()
                }
            })
            .collect::<Vec<_>>()
    };
    table.row("F1", column(|prf| prf.f1));
    table.row("precision", column(|prf| prf.precision));
    table.row("recall", column(|prf| prf.recall));
    table.row(
        "F1 of Klartext's own `text` field",
        tools.iter().map(|scores| {
            let own: Vec<f64> = select(scores)
                .iter()
                .filter_map(|score| score.own_text_f1)
                .collect();
            if own.is_empty() {
                String::new()
            } else {
                decimal(Some(own.iter().sum::<f64>() / own.len() as f64))
            }
        }),
    );
}

pub fn table(
    tools: &[ToolScores],
    mozilla: &[MozillaPage],
    wcxb: &[WcxbPage],
    versions: &str,
) -> String {
    let mut table = Table { out: String::new() };
    table.heading(versions);
    table.heading("");
    let _ = write!(table.out, "  {:<LABEL_WIDTH$}", "");
    for scores in tools {
        let _ = write!(table.out, "{:>COLUMN_WIDTH$}", scores.tool.name());
    }
    let _ = writeln!(table.out);

    table.heading(&format!(
        "Mozilla Readability test pages ({}): text against expected.html",
        mozilla.len()
    ));
    prf_rows(&mut table, tools, |scores| {
        scores.mozilla.iter().map(|score| &score.text).collect()
    });
    table.row(
        "pages with F1 >= 0.99",
        cells(tools, |scores| {
            let good = scores.mozilla.iter().filter(|s| s.text.prf.f1 >= 0.99);
            ratio(good.count(), mozilla.len())
        }),
    );
    for (index, field) in Field::ALL.iter().enumerate() {
        let stated = mozilla
            .iter()
            .filter(|page| page.expected[index].is_some())
            .count();
        table.row(
            &format!("{} matches", field.key()),
            cells(tools, |scores| {
                let matches = scores.mozilla.iter();
                let matches = matches.filter(|s| s.fields[index] == Some(true));
                ratio(matches.count(), stated)
            }),
        );
    }
    table.row(
        "readerable agrees",
        cells(tools, |scores| {
            let agrees = scores.mozilla.iter().filter(|s| s.readerable).count();
            ratio(agrees, mozilla.len())
        }),
    );
    table.row(
        "failures",
        cells(tools, |scores| {
            let failed = scores.mozilla.iter().filter(|s| s.text.failure.is_some());
            failed.count().to_string()
        }),
    );
    table.row(
        "median time per page (ms)",
        cells(tools, |scores| {
            let times: Vec<f64> = scores.mozilla.iter().filter_map(|s| s.text.ms).collect();
            milliseconds(median(&times))
        }),
    );

    let scored: Vec<bool> = wcxb.iter().map(crate::score::has_ground_truth).collect();
    for page_type in ["article", "documentation", "all"] {
        let in_group = |page: &WcxbPage| page_type == "all" || page.page_type == page_type;
        let pages = wcxb.iter().filter(|page| in_group(page)).count();
        let scored_pages = wcxb
            .iter()
            .zip(&scored)
            .filter(|(page, &scored)| scored && in_group(page))
            .count();
        table.heading(&format!(
            "WCXB dev, {page_type} pages ({pages}; {scored_pages} with ground-truth text): \
             bag of words against main_content"
        ));
        prf_rows(&mut table, tools, |scores| {
            wcxb.iter()
                .zip(&scores.wcxb)
                .zip(&scored)
                .filter(|((page, _), &scored)| scored && in_group(page))
                .map(|((_, score), _)| &score.text)
                .collect()
        });
    }
    let with_total: usize = wcxb.iter().map(|page| page.with.len()).sum();
    let without_total: usize = wcxb.iter().map(|page| page.without.len()).sum();
    table.row(
        &format!("`with` snippets found (of {with_total})"),
        cells(tools, |scores| {
            percent(scores.wcxb.iter().map(|s| s.with_found).sum(), with_total)
        }),
    );
    table.row(
        &format!("`without` snippets leaked (of {without_total})"),
        cells(tools, |scores| {
            let leaked = scores.wcxb.iter().map(|s| s.without_found).sum();
            percent(leaked, without_total)
        }),
    );
    table.row(
        "failures",
        cells(tools, |scores| {
            let failed = scores.wcxb.iter().filter(|s| s.text.failure.is_some());
            failed.count().to_string()
        }),
    );
    table.row(
        "median time per page (ms)",
        cells(tools, |scores| {
            let times: Vec<f64> = scores.wcxb.iter().filter_map(|s| s.text.ms).collect();
            milliseconds(median(&times))
        }),
    );
    table.out
}

/// A TSV cell: tabs and newlines in failure messages would break the row.
fn tsv_cell(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

fn f4(value: f64) -> String {
    format!("{value:.4}")
}

fn flag(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "1",
        Some(false) => "0",
        None => "-",
    }
}

/// Per-page scores of the Mozilla pages, one row a page, so that runs can be diffed. Times are
/// left out: they differ on every run.
pub fn mozilla_tsv(tools: &[ToolScores], pages: &[MozillaPage]) -> String {
    let mut header = vec!["page".to_owned()];
    for scores in tools {
        let slug = scores.tool.slug();
        header.extend(["f1", "p", "r"].map(|column| format!("{slug}_{column}")));
        if scores.tool == Tool::Klartext {
            header.push(format!("{slug}_text_field_f1"));
        }
        header.extend(Field::ALL.map(|field| format!("{slug}_{}", field.key())));
        header.push(format!("{slug}_readerable"));
        header.push(format!("{slug}_failure"));
    }
    let mut out = header.join("\t") + "\n";
    for (index, page) in pages.iter().enumerate() {
        let mut row = vec![page.source.id.clone()];
        for scores in tools {
            let score = &scores.mozilla[index];
            let prf = score.text.prf;
            row.extend([prf.f1, prf.precision, prf.recall].map(f4));
            if scores.tool == Tool::Klartext {
                row.push(score.text.own_text_f1.map_or("-".into(), f4));
            }
            row.extend(score.fields.iter().map(|&matched| flag(matched).to_owned()));
            row.push(flag(Some(score.readerable)).to_owned());
            row.push(tsv_cell(score.text.failure.as_deref().unwrap_or("")));
        }
        out += &(row.join("\t") + "\n");
    }
    out
}

/// Per-page scores of the WCXB pages, as [`mozilla_tsv`] does for Mozilla's.
pub fn wcxb_tsv(tools: &[ToolScores], pages: &[WcxbPage]) -> String {
    let mut header = vec!["page".to_owned(), "type".to_owned()];
    for scores in tools {
        let slug = scores.tool.slug();
        header.extend(["f1", "p", "r"].map(|column| format!("{slug}_{column}")));
        if scores.tool == Tool::Klartext {
            header.push(format!("{slug}_text_field_f1"));
        }
        header.extend(["with_found", "without_leaked", "failure"].map(|c| format!("{slug}_{c}")));
    }
    let mut out = header.join("\t") + "\n";
    for (index, page) in pages.iter().enumerate() {
        let mut row = vec![page.source.id.clone(), page.page_type.clone()];
        for scores in tools {
            let score = &scores.wcxb[index];
            let prf = score.text.prf;
            if score.scored {
                row.extend([prf.f1, prf.precision, prf.recall].map(f4));
            } else {
                row.extend(["-", "-", "-"].map(str::to_owned));
            }
            if scores.tool == Tool::Klartext {
                let own = score.text.own_text_f1.filter(|_| score.scored);
                row.push(own.map_or("-".into(), f4));
            }
            row.push(format!("{}/{}", score.with_found, page.with.len()));
            row.push(format!("{}/{}", score.without_found, page.without.len()));
            row.push(tsv_cell(score.text.failure.as_deref().unwrap_or("")));
        }
        out += &(row.join("\t") + "\n");
    }
    out
}

/// The `count` pages where `scores` did worst, worst first: `(page, type, score)`.
pub fn worst<'a>(
    pages: impl IntoIterator<Item = (&'a str, &'a str, &'a TextScore)>,
    count: usize,
) -> String {
    let mut pages: Vec<_> = pages.into_iter().collect();
    pages.sort_by(|a, b| a.2.prf.f1.total_cmp(&b.2.prf.f1).then(a.0.cmp(b.0)));
    let mut out = String::new();
    for (id, page_type, score) in pages.into_iter().take(count) {
        let _ = write!(
            out,
            "  {id:<40} F1 {:.3}  P {:.3}  R {:.3}  {page_type}",
            score.prf.f1, score.prf.precision, score.prf.recall
        );
        if let Some(failure) = &score.failure {
            let _ = write!(out, "  failed: {failure}");
        }
        out.push('\n');
    }
    out
}

pub fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
