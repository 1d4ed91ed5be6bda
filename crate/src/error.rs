use thiserror::Error;

/// Why a page could not be processed. Each message is one line, fit to show a user.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum Error {
    #[error("the input is empty")]
    Empty,
    #[error("the input is not HTML (it looks like binary data)")]
    Binary,
    #[error("the page is too large or too deeply nested to process ({0})")]
    TooLarge(String),
    #[error("the HTML could not be parsed: {0}")]
    Parse(String),
    #[error("invalid URL {0:?}: {1}")]
    Url(String, String),
    #[error("the page is not UTF-8 ({0})")]
    NotUtf8(String),
    #[error("the page has no element {0}")]
    NoElement(u32),
}
