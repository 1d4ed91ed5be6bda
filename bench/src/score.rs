//! Per-page scores of one tool's outcome, and their sums over a dataset.

use crate::datasets::{Field, MozillaPage, WcxbPage};
use crate::text::{bag_of_words, normalize_for_snippets, Prf};
use crate::tools::Outcome;

/// How a tool's text did on one page. A failure scores 0.
#[derive(Debug, Clone, Default)]
pub struct TextScore {
    pub failure: Option<String>,
    pub prf: Prf,
    /// F1 of the tool's own plain text, where it makes one (Klartext's `text`).
    pub own_text_f1: Option<f64>,
    pub ms: Option<f64>,
}

fn score_text(outcome: &Outcome, reference: &str) -> TextScore {
    match outcome {
        Ok(output) => TextScore {
            failure: None,
            prf: bag_of_words(&output.text, reference),
            own_text_f1: output
                .extraction
                .own_text
                .as_deref()
                .map(|text| bag_of_words(text, reference).f1),
            ms: Some(output.extraction.ms).filter(|ms| ms.is_finite()),
        },
        Err(reason) => TextScore {
            failure: Some(reason.clone()),
            ..TextScore::default()
        },
    }
}

#[derive(Debug, Clone)]
pub struct MozillaScore {
    pub text: TextScore,
    /// Per field of [`Field::ALL`]: whether it matches, or `None` where the page does not
    /// state it.
    pub fields: Vec<Option<bool>>,
    pub readerable: bool,
}

/// Metadata values compare after trimming whitespace; null and empty are the same.
fn same_value(expected: Option<&str>, got: Option<&str>) -> bool {
    fn clean(value: Option<&str>) -> Option<&str> {
        value.map(str::trim).filter(|value| !value.is_empty())
    }
    clean(expected) == clean(got)
}

pub fn score_mozilla(page: &MozillaPage, outcome: &Outcome) -> MozillaScore {
    let extraction = outcome.as_ref().ok().map(|output| &output.extraction);
    MozillaScore {
        text: score_text(outcome, &page.expected_text),
        fields: Field::ALL
            .iter()
            .zip(&page.expected)
            .map(|(&field, expected)| {
                let expected = expected.as_ref()?;
                Some(extraction.is_some_and(|extraction| {
                    same_value(expected.as_deref(), extraction.field(field))
                }))
            })
            .collect(),
        readerable: extraction.and_then(|extraction| extraction.readerable)
            == Some(page.expected_readerable),
    }
}

#[derive(Debug, Clone)]
pub struct WcxbScore {
    pub text: TextScore,
    /// False on the pages without ground-truth text: their F1 measures nothing.
    pub scored: bool,
    pub with_found: usize,
    pub without_found: usize,
}

pub fn score_wcxb(page: &WcxbPage, outcome: &Outcome) -> WcxbScore {
    let text = outcome
        .as_ref()
        .map(|output| normalize_for_snippets(&output.text))
        .unwrap_or_default();
    let found = |snippets: &[String]| {
        snippets
            .iter()
            .filter(|snippet| {
                let snippet = normalize_for_snippets(snippet);
                !snippet.is_empty() && text.contains(&snippet)
            })
            .count()
    };
    WcxbScore {
        text: score_text(outcome, &page.main_content),
        scored: has_ground_truth(page),
        with_found: found(&page.with),
        without_found: found(&page.without),
    }
}

pub fn has_ground_truth(page: &WcxbPage) -> bool {
    !crate::text::tokens(&page.main_content).is_empty()
}

/// Means of precision, recall and F1 over pages.
pub fn mean_prf<'a>(scores: impl IntoIterator<Item = &'a TextScore>) -> Option<Prf> {
    let mut sum = Prf::default();
    let mut pages = 0usize;
    for score in scores {
        sum.precision += score.prf.precision;
        sum.recall += score.prf.recall;
        sum.f1 += score.prf.f1;
        pages += 1;
    }
    (pages > 0).then(|| Prf {
        precision: sum.precision / pages as f64,
        recall: sum.recall / pages as f64,
        f1: sum.f1 / pages as f64,
    })
}

pub fn median<'a>(values: impl IntoIterator<Item = &'a f64>) -> Option<f64> {
    let mut values: Vec<f64> = values.into_iter().copied().collect();
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => None,
        n if n % 2 == 1 => Some(values[n / 2]),
        n => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_compares_trimmed_with_null_and_empty_equal() {
        assert!(same_value(Some(" Title \n"), Some("Title")));
        assert!(same_value(None, Some("  ")));
        assert!(same_value(Some(""), None));
        assert!(!same_value(Some("a"), None));
        assert!(!same_value(Some("a"), Some("A")));
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }
}
