//! Article metadata: title, byline, dates, site name, language and excerpt.
//!
//! The scan collects raw material ([`RawMeta`]) while it streams the page; [`resolve`] turns it
//! into [`Metadata`], preferring structured sources (JSON-LD, OpenGraph, Dublin Core, Twitter,
//! plain meta tags) over the document itself.
//!
//! The order of preference and the title heuristics follow Mozilla Readability
//! (`_getJSONLD`, `_getArticleMetadata`, `_getArticleTitle`), so that pages come out the way
//! Firefox's reader view shows them; where we deviate, the comment at that place says why.

use std::collections::HashMap;

use serde_json::Value;

/// What the scan collected from the page, entities already decoded, whitespace collapsed.
#[derive(Debug, Clone, Default)]
pub struct RawMeta {
    /// Text of the first `<title>`.
    pub title: Option<String>,
    /// `lang` and `dir` of the `<html>` element.
    pub lang: Option<String>,
    pub dir: Option<String>,
    /// `<meta>` tags as (key, content): the key is the lowercased `property`, `name` or
    /// `itemprop` attribute (all that are present, one pair each), e.g. `og:title`,
    /// `article:published_time`, `dc.title`, `twitter:title`, `description`, `author`.
    pub metas: Vec<(String, String)>,
    /// Raw text of each `<script type="application/ld+json">`.
    pub json_ld: Vec<String>,
    /// Text of the page's `<h1>` and `<h2>` headings, in document order (at most a few dozen).
    pub headings: Vec<(u8, String)>,
    /// Text of elements that look like bylines: `rel="author"`, `itemprop~="author"`, or a
    /// class/id matching `byline|author|dateline|writtenby|p-author` (first few, document order).
    pub byline_candidates: Vec<String>,
    /// `datetime` attributes of `<time>` elements (first few, document order).
    pub times: Vec<String>,
}

/// The resolved metadata of a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published_time: Option<String>,
    pub site_name: Option<String>,
    pub lang: Option<String>,
    pub dir: Option<String>,
    pub excerpt: Option<String>,
    pub lead_image: Option<String>,
}

/// Resolves the raw material into metadata. `first_paragraph` is the first paragraph of the
/// extracted article: the excerpt falls back to it when the page gives no description.
pub fn resolve(raw: &RawMeta, first_paragraph: Option<&str>) -> Metadata {
    // Computed once: JSON-LD needs it to choose between `name` and `headline`, and it is the
    // title of last resort.
    let document_title = title_from_document(raw.title.as_deref().unwrap_or(""), &raw.headings);
    let json_ld = raw
        .json_ld
        .iter()
        .find_map(|script| JsonLdArticle::parse(script, &document_title))
        .unwrap_or_default();
    let metas = MetaValues::collect(&raw.metas);

    let site_name = first_value(
        [json_ld.site_name.as_deref()],
        metas.get_all(&["og:site_name"]),
    );

    // A title the publisher declared (JSON-LD, Dublin Core, OpenGraph, Twitter) is taken as
    // written, as Readability does: when it ends in "| Site", the publisher chose that title
    // for it, and cutting it would make ours differ from every other reader's. `<title>` is
    // different: templates append the site's name to every page's, so only there is the
    // site's name cut off (on top of Readability's separator heuristics).
    let title = first_value(
        [json_ld.title.as_deref()],
        metas
            .get_all(&[
                "dc:title",
                "dcterm:title",
                "og:title",
                "weibo:article:title",
                "weibo:webpage:title",
                "title",
                "twitter:title",
                "parsely-title",
            ])
            // Microdata (`<meta itemprop="headline">`), which Readability does not read.
            .chain(microdata(&raw.metas, "headline")),
    )
    .or_else(|| {
        let title = normalize_spaces(&document_title);
        let title = match &site_name {
            Some(site_name) => without_site_name(&title, site_name).unwrap_or(title),
            None => title,
        };
        non_empty(title)
    });

    // `article:author` is mostly a link to the author's profile page, which is no byline.
    let article_author = metas
        .get("article:author")
        .filter(|author| !looks_like_url(author));
    let byline = first_value(
        [json_ld.byline.as_deref()],
        metas
            .get_all(&["dc:creator", "dcterm:creator", "author", "parsely-author"])
            .chain(article_author),
    )
    .or_else(|| {
        raw.byline_candidates
            .iter()
            .map(|candidate| candidate.trim().to_string())
            .find(|candidate| is_plausible_byline(candidate))
    });

    let excerpt = first_value(
        [json_ld.excerpt.as_deref()],
        metas.get_all(&[
            "dc:description",
            "dcterm:description",
            "og:description",
            "weibo:article:description",
            "weibo:webpage:description",
            "description",
            "twitter:description",
        ]),
    )
    .or_else(|| first_paragraph.and_then(|text| non_empty(text.trim().to_string())));

    let published_time = first_value(
        [json_ld.date_published.as_deref()],
        metas
            .get_all(&["article:published_time", "parsely-pub-date"])
            .chain(microdata(&raw.metas, "datepublished")),
    )
    .or_else(|| {
        raw.times
            .iter()
            .map(|time| time.trim())
            .find(|time| is_iso8601_date(time))
            .map(str::to_owned)
    });

    let lead_image = first_value(
        [],
        raw_metas(
            &raw.metas,
            &[
                "og:image",
                "og:image:url",
                "og:image:secure_url",
                "twitter:image",
                "twitter:image:src",
            ],
        )
        .chain(json_ld.image.as_deref())
        .chain(microdata(&raw.metas, "image"))
        .chain(microdata(&raw.metas, "thumbnailurl")),
    );

    Metadata {
        title,
        byline,
        published_time,
        site_name,
        lang: raw
            .lang
            .as_deref()
            .and_then(|lang| non_empty(collapse_whitespace(lang))),
        dir: raw
            .dir
            .as_deref()
            .and_then(|dir| non_empty(collapse_whitespace(dir))),
        excerpt,
        lead_image,
    }
}

/// The first usable value among structured sources, in order: entities unescaped (pages often
/// escape meta values twice, and JSON-LD strings are not HTML-decoded by the parser at all),
/// trimmed (as Readability, inner whitespace is the page's), empty values skipped.
fn first_value<'a, const N: usize>(
    json_ld: [Option<&'a str>; N],
    metas: impl Iterator<Item = &'a str>,
) -> Option<String> {
    json_ld
        .into_iter()
        .flatten()
        .chain(metas)
        .find_map(|value| non_empty(unescape_entities(value).trim().to_string()))
}

/// `url` made absolute against `base`, if it is an http(s) URL: a lead image is shown, so no
/// other scheme (`javascript:`, `data:`) passes.
pub(crate) fn absolute_http_url(url: &str, base: Option<&crate::resolve::Url>) -> Option<String> {
    let url = url.trim();
    let parsed = match base {
        Some(base) => base.join(url)?,
        None => crate::resolve::Url::parse(url).ok()?,
    };
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.as_str().to_owned())
}

/// Decodes HTML character references. The attribute flavour leaves `&copy=1`-style text alone,
/// which matters because these values are often URLs or came out of attributes already.
fn unescape_entities(value: &str) -> String {
    htmlize::unescape_attribute(value).into_owned()
}

/// Readability's `normalize`: runs of two or more whitespace characters become one space, a
/// single one (a non-breaking or ideographic space) stays as it is.
fn normalize_spaces(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut run = String::new();
    for c in value.trim().chars() {
        if c.is_whitespace() {
            run.push(c);
            continue;
        }
        match run.chars().count() {
            0 => {}
            1 => out.push_str(&run),
            _ => out.push(' '),
        }
        run.clear();
        out.push(c);
    }
    out
}

fn collapse_whitespace(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn non_empty(value: String) -> Option<String> {
    (!value.is_empty()).then_some(value)
}

/// Readability's test for a byline found in the document: some text, but not a paragraph.
fn is_plausible_byline(text: &str) -> bool {
    let length = text.trim().chars().count();
    length > 0 && length < 100
}

fn looks_like_url(value: &str) -> bool {
    crate::resolve::Url::parse(value.trim()).is_ok()
}

/// The content of the raw `<meta>` tags with exactly these keys, in key order (first tag first).
fn raw_metas<'a>(
    metas: &'a [(String, String)],
    keys: &'a [&'a str],
) -> impl Iterator<Item = &'a str> + 'a {
    keys.iter().flat_map(move |key| {
        metas
            .iter()
            .filter(move |(name, _)| name.trim() == *key)
            .map(|(_, content)| content.as_str())
    })
}

/// A microdata property given by `<meta itemprop>`, when the page gives it once: several are
/// several items (the article and the teasers around it), and which one is the article's is
/// not known.
fn microdata<'a>(metas: &'a [(String, String)], property: &'a str) -> Option<&'a str> {
    let mut values = metas
        .iter()
        .filter(move |(name, _)| name.trim() == property)
        .map(|(_, content)| content.as_str());
    let first = values.next()?;
    values.next().is_none().then_some(first)
}

/// Meta tag values under Readability's normalised keys (`dc.title` → `dc:title`, the first
/// recognised entry of a space-separated `property` list, …).
struct MetaValues<'a> {
    by_key: HashMap<String, &'a str>,
}

impl<'a> MetaValues<'a> {
    fn collect(metas: &'a [(String, String)]) -> Self {
        let mut by_key = HashMap::new();
        for (attribute, content) in metas {
            if content.trim().is_empty() {
                continue;
            }
            if let Some(key) = normalized_meta_key(attribute) {
                // A later tag wins, as in Readability (it fills a plain object in document
                // order).
                by_key.insert(key, content.as_str());
            }
        }
        Self { by_key }
    }

    fn get(&self, key: &str) -> Option<&'a str> {
        self.by_key.get(key).copied()
    }

    fn get_all<'k>(&'k self, keys: &'k [&'k str]) -> impl Iterator<Item = &'a str> + 'k {
        keys.iter().filter_map(move |key| self.get(key))
    }
}

const META_FIELDS: [&str; 6] = [
    "author",
    "creator",
    "pub-date",
    "description",
    "title",
    "site_name",
];
const META_NAME_PREFIXES: [&str; 7] = [
    "dc",
    "dcterm",
    "og",
    "twitter",
    "parsely",
    "weibo:article",
    "weibo:webpage",
];
const META_PROPERTY_PREFIXES: [&str; 5] = ["article", "dc", "dcterm", "og", "twitter"];
const META_PROPERTY_FIELDS: [&str; 6] = [
    "author",
    "creator",
    "description",
    "published_time",
    "title",
    "site_name",
];

/// Maps a meta tag's `name`/`property`/`itemprop` to the key Readability looks it up under, or
/// `None` if Readability ignores the tag. The scan does not tell which attribute a key came
/// from, so both of Readability's patterns are tried: first the one for a single `name`
/// (`[prefix sep] field`, dots becoming colons), then the one for a `property` list (the first
/// `prefix:field` found anywhere in it).
fn normalized_meta_key(attribute: &str) -> Option<String> {
    // Both patterns allow whitespace around the separators; removing it all first keeps the
    // matching below simple and finds the same keys.
    let compact: String = attribute
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    name_key(&compact).or_else(|| property_key(&compact))
}

fn name_key(compact: &str) -> Option<String> {
    let is_field = |text: &str| META_FIELDS.contains(&text);
    let matches = is_field(compact)
        || META_NAME_PREFIXES.iter().any(|prefix| {
            compact
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.strip_prefix(['-', '.', ':']).is_some_and(is_field))
        });
    matches.then(|| compact.replace('.', ":"))
}

fn property_key(compact: &str) -> Option<String> {
    compact.char_indices().find_map(|(start, _)| {
        let text = &compact[start..];
        META_PROPERTY_PREFIXES.iter().find_map(|prefix| {
            let rest = text.strip_prefix(prefix)?.strip_prefix(':')?;
            let field = META_PROPERTY_FIELDS
                .iter()
                .find(|field| rest.starts_with(*field))?;
            Some(format!("{prefix}:{field}"))
        })
    })
}

/// What a schema.org article in JSON-LD says about itself.
#[derive(Debug, Default)]
struct JsonLdArticle {
    title: Option<String>,
    byline: Option<String>,
    excerpt: Option<String>,
    site_name: Option<String>,
    date_published: Option<String>,
    image: Option<String>,
}

/// The schema.org types Readability takes metadata from: Article and its subtypes.
const ARTICLE_TYPES: [&str; 19] = [
    "Article",
    "AdvertiserContentArticle",
    "NewsArticle",
    "AnalysisNewsArticle",
    "AskPublicNewsArticle",
    "BackgroundNewsArticle",
    "OpinionNewsArticle",
    "ReportageNewsArticle",
    "ReviewNewsArticle",
    "Report",
    "SatiricalArticle",
    "ScholarlyArticle",
    "MedicalScholarlyArticle",
    "SocialMediaPosting",
    "BlogPosting",
    "LiveBlogPosting",
    "DiscussionForumPosting",
    "TechArticle",
    "APIReference",
];

impl JsonLdArticle {
    /// Reads one `<script type="application/ld+json">`. `None` if it is not valid JSON or holds
    /// no schema.org article; the caller then tries the next script.
    fn parse(script: &str, document_title: &str) -> Option<Self> {
        let json = strip_cdata(script);
        let parsed: Value = serde_json::from_str(json).ok()?;
        let candidate = match &parsed {
            Value::Array(items) => items.iter().find(|item| is_article(item))?,
            _ => &parsed,
        };
        if !has_schema_org_context(candidate) {
            return None;
        }
        let article = if candidate.get("@type").is_none() {
            candidate
                .get("@graph")?
                .as_array()?
                .iter()
                .find(|item| is_article(item))?
        } else {
            candidate
        };
        if !is_article(article) {
            return None;
        }
        Some(Self::from_article(article, document_title))
    }

    fn from_article(article: &Value, document_title: &str) -> Self {
        let text = |key: &str| article.get(key).and_then(Value::as_str);
        let title = match (text("name"), text("headline")) {
            // Some sites put their own name into `name` and the article's title into
            // `headline`; whichever resembles the document's title is the article's.
            (Some(name), Some(headline)) if name != headline => {
                let name_matches = text_similarity(name, document_title) > 0.75;
                let headline_matches = text_similarity(headline, document_title) > 0.75;
                Some(if headline_matches && !name_matches {
                    headline
                } else {
                    name
                })
            }
            (Some(name), _) => Some(name),
            (None, headline) => headline,
        };
        Self {
            title: title.map(str::to_owned),
            byline: article.get("author").and_then(author_names),
            excerpt: text("description").map(str::to_owned),
            site_name: article
                .get("publisher")
                .and_then(|publisher| publisher.get("name"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            date_published: text("datePublished").map(str::to_owned),
            image: article.get("image").and_then(image_url),
        }
    }
}

/// Some pages wrap their JSON-LD in a CDATA section, which JSON parsers reject.
fn strip_cdata(script: &str) -> &str {
    let trimmed = script.trim();
    let without_start = trimmed.strip_prefix("<![CDATA[").unwrap_or(trimmed);
    without_start
        .strip_suffix("]]>")
        .unwrap_or(without_start)
        .trim()
}

fn has_schema_org_context(item: &Value) -> bool {
    let is_schema_org = |value: &Value| {
        value.as_str().is_some_and(|url| {
            let url = url.trim_end_matches('/');
            url == "http://schema.org" || url == "https://schema.org"
        })
    };
    match item.get("@context") {
        Some(Value::Object(context)) => context.get("@vocab").is_some_and(is_schema_org),
        // A list of contexts is valid JSON-LD; Readability misses it, but it names schema.org
        // just as clearly.
        Some(Value::Array(contexts)) => contexts.iter().any(|context| {
            is_schema_org(context) || context.get("@vocab").is_some_and(is_schema_org)
        }),
        Some(context) => is_schema_org(context),
        None => false,
    }
}

fn is_article(item: &Value) -> bool {
    let is_article_type = |value: &Value| {
        value.as_str().is_some_and(|name| {
            // `schema:NewsArticle` and `https://schema.org/NewsArticle` name the same type.
            let name = name.rsplit(['/', ':']).next().unwrap_or(name);
            ARTICLE_TYPES.contains(&name)
        })
    };
    match item.get("@type") {
        Some(Value::Array(types)) => types.iter().any(is_article_type),
        Some(value) => is_article_type(value),
        None => false,
    }
}

/// `author` as a person (`{"name": …}`), a plain name, or a list of those, joined with ", ".
fn author_names(author: &Value) -> Option<String> {
    let name = |value: &Value| -> Option<String> {
        let name = match value {
            Value::String(name) => name.as_str(),
            _ => value.get("name")?.as_str()?,
        };
        let name = name.trim();
        // A bare string is sometimes the author's profile URL rather than a name.
        (!name.is_empty() && !looks_like_url(name)).then(|| name.to_owned())
    };
    match author {
        Value::Array(authors) => {
            let names: Vec<String> = authors.iter().filter_map(name).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => name(author),
    }
}

/// `image` as a URL, an ImageObject (`{"url": …}`) or a list of those: the first URL.
fn image_url(image: &Value) -> Option<String> {
    match image {
        Value::String(url) => Some(url.clone()),
        Value::Array(images) => images.iter().find_map(image_url),
        Value::Object(object) => object.get("url").and_then(image_url),
        _ => None,
    }
}

/// How much of `b`'s wording also occurs in `a`, from 0 (nothing) to 1 (all of it): the share of
/// `b`'s text (by length) made of words that `a` contains too.
fn text_similarity(a: &str, b: &str) -> f64 {
    fn words(text: &str) -> Vec<String> {
        text.to_lowercase()
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|word| !word.is_empty())
            .map(str::to_owned)
            .collect()
    }
    let words_a = words(a);
    let words_b = words(b);
    if words_a.is_empty() || words_b.is_empty() {
        return 0.0;
    }
    let joined_length = |words: &[&String]| {
        words.iter().map(|word| word.chars().count()).sum::<usize>() + words.len().saturating_sub(1)
    };
    let all_b: Vec<&String> = words_b.iter().collect();
    let unique_b: Vec<&String> = words_b
        .iter()
        .filter(|word| !words_a.contains(word))
        .collect();
    1.0 - joined_length(&unique_b) as f64 / joined_length(&all_b) as f64
}

/// Separators sites put between an article's title and their own name (or section).
const TITLE_SEPARATORS: [char; 8] = ['|', '-', '–', '—', '\\', '/', '>', '»'];
/// The separators that signal a hierarchy ("Site » Section » Article") rather than a suffix.
const HIERARCHICAL_SEPARATORS: [char; 4] = ['\\', '/', '>', '»'];

/// The article's title guessed from `<title>` and the headings: Readability's
/// `_getArticleTitle`. `<title>` usually is "Article | Site" or "Site: Article"; the site's part
/// is cut off unless what is left would be too short to be a title.
fn title_from_document(title: &str, headings: &[(u8, String)]) -> String {
    let original = title.trim();
    let mut current = original.to_owned();
    let mut had_hierarchical_separators = false;

    if let Some(last) = separator_positions(original, &TITLE_SEPARATORS).last() {
        had_hierarchical_separators =
            !separator_positions(original, &HIERARCHICAL_SEPARATORS).is_empty();
        current = original[..*last].to_owned();
        if word_count(&current) < 3 {
            // Probably "Site | Article": drop the first part instead.
            current = match original.find(TITLE_SEPARATORS) {
                Some(first) => original[first..].chars().skip(1).collect(),
                None => original.to_owned(),
            };
        }
    } else if original.contains(": ") {
        // A heading with exactly this text means the colon belongs to the title itself.
        let is_a_heading = headings.iter().any(|(_, text)| text.trim() == original);
        if !is_a_heading {
            let after_last_colon = &original[original.rfind(':').map_or(0, |i| i + 1)..];
            current = after_last_colon.to_owned();
            if word_count(&current) < 3 {
                current = original[original.find(':').map_or(0, |i| i + 1)..].to_owned();
            } else if word_count(&original[..original.find(':').unwrap_or(0)]) > 5 {
                // Too many words before the colon for a site name: keep the whole title.
                current = original.to_owned();
            }
        }
    } else {
        let length = original.encode_utf16().count();
        if !(15..=150).contains(&length) {
            let mut h1s = headings.iter().filter(|(level, _)| *level == 1);
            if let (Some((_, only_h1)), None) = (h1s.next(), h1s.next()) {
                current = only_h1.clone();
            }
        }
    }

    let current = normalize_spaces(&current);
    let current_words = word_count(&current);
    // Four words or fewer is too short to trust, unless a hierarchical title lost exactly its
    // first part.
    if current_words <= 4
        && (!had_hierarchical_separators
            || current_words + 1 != word_count(&without_separators(original)))
    {
        return original.to_owned();
    }
    current
}

/// Byte offsets of the whitespace before each separator that stands between whitespace.
fn separator_positions(text: &str, separators: &[char]) -> Vec<usize> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    chars
        .windows(3)
        .filter(|window| {
            window[0].1.is_whitespace()
                && separators.contains(&window[1].1)
                && window[2].1.is_whitespace()
        })
        .map(|window| window[0].0)
        .collect()
}

/// The title with every whitespace-surrounded separator removed (its surrounding whitespace too).
fn without_separators(text: &str) -> String {
    // Separators (" | ", " » ") may share their spaces ("a | » b"): the cut ranges overlap, so
    // they are merged while the text is copied around them.
    let mut result = String::with_capacity(text.len());
    let mut copied = 0;
    for position in separator_positions(text, &TITLE_SEPARATORS) {
        let end = position
            + text[position..]
                .chars()
                .take(3)
                .map(char::len_utf8)
                .sum::<usize>();
        if position >= copied {
            result.push_str(&text[copied..position]);
        }
        copied = copied.max(end);
    }
    result.push_str(&text[copied.min(text.len())..]);
    result
}

/// Words as Readability counts them (`split(/\s+/).length`): leading or trailing whitespace
/// counts as an empty word, and the empty string has one.
fn word_count(text: &str) -> usize {
    let mut runs = 0;
    let mut in_whitespace = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_whitespace {
                runs += 1;
            }
            in_whitespace = true;
        } else {
            in_whitespace = false;
        }
    }
    runs + 1
}

/// Separators that may stand between a title and the site's name. Besides Readability's title
/// separators, the middle dot is common ("Article · Site").
const SITE_NAME_SEPARATORS: [char; 10] = ['|', '-', '–', '—', '\\', '/', '>', '»', '·', '•'];

/// The title without the site's name when the site's name is a suffix ("Article | Site") or
/// prefix ("Site – Article") set off by a separator; `None` if it has no such affix.
fn without_site_name(title: &str, site_name: &str) -> Option<String> {
    let title: Vec<char> = title.chars().collect();
    let site: Vec<char> = collapse_whitespace(site_name).chars().collect();
    if site.is_empty() || title.len() <= site.len() + 3 {
        return None;
    }
    let same = |a: &[char], b: &[char]| {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x == y || x.to_lowercase().eq(y.to_lowercase()))
    };
    let is_separator = |chars: &[char]| {
        chars[0].is_whitespace()
            && SITE_NAME_SEPARATORS.contains(&chars[1])
            && chars[2].is_whitespace()
    };
    let suffix_start = title.len() - site.len();
    let remainder: &[char] = if same(&title[suffix_start..], &site)
        && is_separator(&title[suffix_start - 3..suffix_start])
    {
        &title[..suffix_start - 3]
    } else if same(&title[..site.len()], &site) && is_separator(&title[site.len()..site.len() + 3])
    {
        &title[site.len() + 3..]
    } else {
        return None;
    };
    non_empty(collapse_whitespace(&remainder.iter().collect::<String>()))
}

/// Whether `text` is an ISO 8601 date, optionally with a time and a zone: "2024-06-25",
/// "2015-07-24T05:36:09+01:00", "2017-11-03 03:01:00.000000". Used to tell a `<time datetime>`
/// worth reporting from "yesterday" or "5 min".
fn is_iso8601_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let slice = bytes.get(range)?;
        slice
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| slice.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let date_ok = digits(0..4).is_some()
        && bytes.get(4) == Some(&b'-')
        && digits(5..7).is_some_and(|month| (1..=12).contains(&month))
        && bytes.get(7) == Some(&b'-')
        && digits(8..10).is_some_and(|day| (1..=31).contains(&day));
    if !date_ok {
        return false;
    }
    let rest = &text[10..];
    if rest.is_empty() {
        return true;
    }
    let Some(time) = rest.strip_prefix(['T', 't', ' ']) else {
        return false;
    };
    is_iso8601_time(time)
}

/// "hh:mm[:ss[.fraction]]" followed by nothing, "Z" or an offset "+hh[[:]mm]".
fn is_iso8601_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    let two_digits = |at: usize, max: u32| {
        bytes
            .get(at..at + 2)
            .filter(|pair| pair.iter().all(u8::is_ascii_digit))
            .is_some_and(|pair| u32::from(pair[0] - b'0') * 10 + u32::from(pair[1] - b'0') <= max)
    };
    if !(two_digits(0, 23) && bytes.get(2) == Some(&b':') && two_digits(3, 59)) {
        return false;
    }
    let mut at = 5;
    if bytes.get(at) == Some(&b':') {
        if !two_digits(at + 1, 60) {
            return false;
        }
        at += 3;
        if matches!(bytes.get(at), Some(b'.' | b',')) {
            let fraction = bytes[at + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if fraction == 0 {
                return false;
            }
            at += 1 + fraction;
        }
    }
    let zone = &text[at..];
    match zone.as_bytes() {
        [] | [b'Z' | b'z'] => true,
        [b'+' | b'-', ..] => {
            let offset = &zone.as_bytes()[1..];
            let is_hours = |pair: &[u8]| pair.iter().all(u8::is_ascii_digit);
            match offset {
                [h1, h2] => is_hours(&[*h1, *h2]),
                [h1, h2, m1, m2] | [h1, h2, b':', m1, m2] => {
                    is_hours(&[*h1, *h2]) && is_hours(&[*m1, *m2])
                }
                _ => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metas(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(key, content)| (key.to_string(), content.to_string()))
            .collect()
    }

    fn raw_with_metas(pairs: &[(&str, &str)]) -> RawMeta {
        RawMeta {
            metas: metas(pairs),
            ..RawMeta::default()
        }
    }

    #[test]
    fn meta_title_priority_follows_readability() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (
                &[("twitter:title", "Twitter"), ("og:title", "Open Graph")],
                "Open Graph",
            ),
            (
                &[("og:title", "Open Graph"), ("dc.title", "Dublin Core")],
                "Dublin Core",
            ),
            (
                &[("title", "Plain"), ("weibo:article:title", "Weibo")],
                "Weibo",
            ),
            (&[("parsely-title", "Parsely")], "Parsely"),
            (
                &[("parsely-title", "Parsely"), ("twitter:title", "Twitter")],
                "Twitter",
            ),
            (&[("dcterm:title", "Terms"), ("title", "Plain")], "Terms"),
        ];
        for (pairs, expected) in cases {
            let resolved = resolve(&raw_with_metas(pairs), None);
            assert_eq!(resolved.title.as_deref(), Some(*expected), "{pairs:?}");
        }
    }

    #[test]
    fn space_separated_properties_use_their_first_recognised_entry() {
        // Readability's own test page "metadata-space-separated-properties".
        let raw = raw_with_metas(&[
            ("x:title dc:title", "Preferred title"),
            ("og:title twitter:title", "A title"),
            ("dc:creator twitter:site_name", "Creator Name"),
            ("author", "FAIL"),
            (
                "og:description x:description twitter:description",
                "A description",
            ),
            ("dc:description og:description", "Preferred description"),
            ("description", "FAIL"),
        ]);
        let resolved = resolve(&raw, None);
        assert_eq!(resolved.title.as_deref(), Some("Preferred title"));
        assert_eq!(resolved.byline.as_deref(), Some("Creator Name"));
        assert_eq!(resolved.excerpt.as_deref(), Some("Preferred description"));
        assert_eq!(resolved.site_name, None);
    }

    #[test]
    fn meta_keys_are_normalised_like_readability() {
        let cases = [
            ("dc.title", Some("dc:title")),
            ("DC.Creator", Some("dc:creator")),
            ("og : title", Some("og:title")),
            ("parsely-pub-date", Some("parsely-pub-date")),
            (
                "weibo:webpage:description",
                Some("weibo:webpage:description"),
            ),
            ("article:published_time", Some("article:published_time")),
            ("article:author", Some("article:author")),
            ("x:title dc:title", Some("dc:title")),
            ("og:image", None),
            ("viewport", None),
            ("keywords", None),
        ];
        for (attribute, expected) in cases {
            assert_eq!(
                normalized_meta_key(attribute).as_deref(),
                expected,
                "{attribute}"
            );
        }
    }

    #[test]
    fn later_meta_tag_with_the_same_key_wins() {
        let raw = raw_with_metas(&[("author", "First"), ("author", "Second")]);
        assert_eq!(resolve(&raw, None).byline.as_deref(), Some("Second"));
    }

    #[test]
    fn empty_meta_content_is_ignored() {
        let raw = raw_with_metas(&[("og:title", "Real title"), ("og:title", "   ")]);
        assert_eq!(resolve(&raw, None).title.as_deref(), Some("Real title"));
    }

    #[test]
    fn entities_in_meta_values_are_unescaped() {
        // Readability's own test page "unescape-html-entities": the DOM already decoded one
        // level, Readability decodes the next.
        let raw = raw_with_metas(&[(
            "dc:description og:description",
            "&#xg; &#x1F62D; &#128557; &#xFFFFFFFF; &#x0;",
        )]);
        assert_eq!(
            resolve(&raw, None).excerpt.as_deref(),
            Some("&#xg; 😭 😭 \u{fffd} \u{fffd}")
        );
    }

    #[test]
    fn article_author_is_a_byline_unless_it_is_a_url() {
        let raw = raw_with_metas(&[("article:author", "https://www.facebook.com/someone")]);
        assert_eq!(resolve(&raw, None).byline, None);
        let raw = raw_with_metas(&[("article:author", "Jane Doe")]);
        assert_eq!(resolve(&raw, None).byline.as_deref(), Some("Jane Doe"));
        let raw = raw_with_metas(&[("article:author", "Jane Doe"), ("author", "John Roe")]);
        assert_eq!(resolve(&raw, None).byline.as_deref(), Some("John Roe"));
    }

    #[test]
    fn values_are_trimmed_and_keep_their_inner_whitespace() {
        let raw = RawMeta {
            lang: Some("  en-GB ".into()),
            dir: Some(" ".into()),
            ..raw_with_metas(&[("og:title", "  A \n\t title  "), ("og:site_name", "\u{a0}")])
        };
        let resolved = resolve(&raw, None);
        // As Readability: the page's own spacing inside a value is kept.
        assert_eq!(resolved.title.as_deref(), Some("A \n\t title"));
        assert_eq!(resolved.site_name, None);
        assert_eq!(resolved.lang.as_deref(), Some("en-GB"));
        assert_eq!(resolved.dir, None);
    }

    const NEWS_ARTICLE: &str = r#"{
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Headline from JSON-LD",
        "author": {"@type": "Person", "name": " Jane Doe "},
        "description": "A description with an &amp; entity",
        "publisher": {"@type": "Organization", "name": "The Daily Example"},
        "datePublished": "2021-11-01T10:52:50+0100",
        "image": {"@type": "ImageObject", "url": "https://example.com/lead.jpg"}
    }"#;

    #[test]
    fn json_ld_article_is_preferred_over_meta_tags() {
        let raw = RawMeta {
            json_ld: vec![NEWS_ARTICLE.into()],
            ..raw_with_metas(&[
                ("og:title", "Open Graph title"),
                ("author", "Meta Author"),
                ("description", "Meta description"),
                ("og:site_name", "Meta Site"),
                ("article:published_time", "2000-01-01"),
            ])
        };
        let resolved = resolve(&raw, None);
        assert_eq!(resolved.title.as_deref(), Some("Headline from JSON-LD"));
        assert_eq!(resolved.byline.as_deref(), Some("Jane Doe"));
        assert_eq!(
            resolved.excerpt.as_deref(),
            Some("A description with an & entity")
        );
        assert_eq!(resolved.site_name.as_deref(), Some("The Daily Example"));
        assert_eq!(
            resolved.published_time.as_deref(),
            Some("2021-11-01T10:52:50+0100")
        );
        assert_eq!(
            resolved.lead_image.as_deref(),
            Some("https://example.com/lead.jpg")
        );
    }

    #[test]
    fn json_ld_that_is_not_an_article_or_not_json_is_skipped() {
        let raw = RawMeta {
            json_ld: vec![
                "{ not json at all".into(),
                r#"{"@context": "https://schema.org", "@type": "WebSite", "name": "Site"}"#.into(),
                r#"{"@context": "https://example.org", "@type": "Article", "name": "Elsewhere"}"#
                    .into(),
                r#"<![CDATA[ {"@context": "http://schema.org/", "@type": "BlogPosting",
                    "name": "From CDATA"} ]]>"#
                    .into(),
            ],
            ..raw_with_metas(&[("og:title", "Open Graph title")])
        };
        assert_eq!(resolve(&raw, None).title.as_deref(), Some("From CDATA"));
    }

    #[test]
    fn json_ld_graph_arrays_and_context_objects_are_searched() {
        let graph = r#"{"@context": "https://schema.org", "@graph": [
            {"@type": "WebPage", "name": "Page"},
            {"@type": ["Thing", "Article"], "headline": "In a graph"}]}"#;
        let array = r#"[{"@context": "https://schema.org", "@type": "Organization"},
            {"@context": "https://schema.org", "@type": "ReportageNewsArticle", "name": "In an array"}]"#;
        let vocab = r#"{"@context": {"@vocab": "http://schema.org/"}, "@type": "schema:TechArticle",
            "name": "With a vocabulary"}"#;
        for (script, expected) in [
            (graph, "In a graph"),
            (array, "In an array"),
            (vocab, "With a vocabulary"),
        ] {
            let raw = RawMeta {
                json_ld: vec![script.into()],
                ..RawMeta::default()
            };
            assert_eq!(resolve(&raw, None).title.as_deref(), Some(expected));
        }
    }

    #[test]
    fn only_the_first_json_ld_article_counts() {
        let first = r#"{"@context": "https://schema.org", "@type": "Article", "name": "First"}"#;
        let second = r#"{"@context": "https://schema.org", "@type": "Article", "name": "Second",
            "author": {"name": "Not Used"}}"#;
        let raw = RawMeta {
            json_ld: vec![first.into(), second.into()],
            ..raw_with_metas(&[("author", "Meta Author")])
        };
        let resolved = resolve(&raw, None);
        assert_eq!(resolved.title.as_deref(), Some("First"));
        assert_eq!(resolved.byline.as_deref(), Some("Meta Author"));
    }

    #[test]
    fn json_ld_name_or_headline_is_chosen_by_the_document_title() {
        let script = r#"{"@context": "https://schema.org", "@type": "NewsArticle",
            "name": "Aktuálně.cz", "headline": "West Ham hrozí gigantům, okouzlil i Linekera"}"#;
        let raw = RawMeta {
            title: Some("West Ham hrozí gigantům, okouzlil i Linekera | Aktuálně.cz".into()),
            json_ld: vec![script.into()],
            ..RawMeta::default()
        };
        assert_eq!(
            resolve(&raw, None).title.as_deref(),
            Some("West Ham hrozí gigantům, okouzlil i Linekera")
        );

        let raw = RawMeta {
            title: Some("Something else entirely".into()),
            ..raw
        };
        assert_eq!(resolve(&raw, None).title.as_deref(), Some("Aktuálně.cz"));
    }

    #[test]
    fn json_ld_authors_in_all_shapes() {
        let cases = [
            (r#""Jane Doe""#, Some("Jane Doe")),
            (
                r#"{"@type": "Person", "name": "Jane Doe"}"#,
                Some("Jane Doe"),
            ),
            (
                r#"[{"name": "Jane Doe"}, {"url": "https://x"}, {"name": "John Roe"}]"#,
                Some("Jane Doe, John Roe"),
            ),
            (
                r#"["Jane Doe", {"name": "John Roe"}]"#,
                Some("Jane Doe, John Roe"),
            ),
            (r#""https://example.com/authors/jane""#, None),
            (r##"{"@id": "#author"}"##, None),
        ];
        for (author, expected) in cases {
            let script = format!(
                r#"{{"@context": "https://schema.org", "@type": "Article", "author": {author}}}"#
            );
            let raw = RawMeta {
                json_ld: vec![script],
                ..RawMeta::default()
            };
            assert_eq!(resolve(&raw, None).byline.as_deref(), expected, "{author}");
        }
    }

    #[test]
    fn title_falls_back_to_the_document_title() {
        type Case<'a> = (&'a str, &'a [(u8, &'a str)], &'a str);
        // (title, headings, expected) — cases from Readability's heuristics.
        let cases: &[Case] = &[
            // The last part after a separator is the site.
            (
                "Lorem ipsum dolor sit amet – Some Site",
                &[],
                "Lorem ipsum dolor sit amet",
            ),
            (
                "The 'birth lottery' and economic mobility - CNNMoney",
                &[],
                "The 'birth lottery' and economic mobility",
            ),
            // Too short after cutting the end: cut the start instead.
            (
                "Site | A somewhat longer title here",
                &[],
                "A somewhat longer title here",
            ),
            // Four words or fewer are not trusted: the whole title.
            ("Site | Short title here", &[], "Site | Short title here"),
            // Short titles are kept whole.
            ("Base URL test", &[], "Base URL test"),
            // A colon with a matching heading belongs to the title.
            (
                "This is a long title with a colon: Hello there",
                &[(1, "This is a long title with a colon: Hello there")],
                "This is a long title with a colon: Hello there",
            ),
            (
                "Site name: The actual article title is here",
                &[],
                "The actual article title is here",
            ),
            // Too many words before the colon for a site name.
            (
                "This is a long title with a colon: Hello there all of you",
                &[(2, "Something else")],
                "This is a long title with a colon: Hello there all of you",
            ),
            // Very short title and a single h1: the h1.
            (
                "Home",
                &[(1, "The real headline of the page")],
                "The real headline of the page",
            ),
            ("Home", &[(1, "One"), (1, "Two")], "Home"),
            // Hierarchical titles that lose exactly their first part.
            (
                "Site » News » A short one",
                &[],
                "Site » News » A short one",
            ),
        ];
        for (title, headings, expected) in cases {
            let headings: Vec<(u8, String)> = headings
                .iter()
                .map(|(level, text)| (*level, text.to_string()))
                .collect();
            let raw = RawMeta {
                title: Some(title.to_string()),
                headings,
                ..RawMeta::default()
            };
            assert_eq!(
                resolve(&raw, None).title.as_deref(),
                Some(*expected),
                "{title}"
            );
        }
    }

    #[test]
    fn no_title_anywhere_is_none() {
        assert_eq!(resolve(&RawMeta::default(), None).title, None);
    }

    #[test]
    fn a_declared_title_keeps_its_site_name() {
        let raw = raw_with_metas(&[
            ("og:title", "How to Build a Terrarium | eHow"),
            ("og:site_name", "eHow"),
        ]);
        let resolved = resolve(&raw, None);
        assert_eq!(
            resolved.title.as_deref(),
            Some("How to Build a Terrarium | eHow")
        );
    }

    #[test]
    fn site_name_suffix_and_prefix_are_removed_from_the_document_title() {
        let cases = [
            (
                "How to Build a Terrarium | eHow",
                "eHow",
                "How to Build a Terrarium",
            ),
            (
                "Article title – The Daily Example",
                "the daily example",
                "Article title",
            ),
            (
                "The Daily Example - Article title",
                "The Daily Example",
                "Article title",
            ),
            ("Article title · V8", "V8", "Article title"),
            // Not set off by a separator, or not the site's name: kept.
            (
                "Article title by The Daily Example",
                "The Daily Example",
                "Article title by The Daily Example",
            ),
            // Not the site's name, but Readability's rule for `<title>` cuts the last part.
            (
                "Friday Facts #282 - 0.17 in sight | Factorio",
                "Factorio.com",
                "Friday Facts #282 - 0.17 in sight",
            ),
            // Nothing would be left.
            ("eHow", "eHow", "eHow"),
        ];
        for (title, site_name, expected) in cases {
            let raw = RawMeta {
                title: Some(title.into()),
                ..raw_with_metas(&[("og:site_name", site_name)])
            };
            let resolved = resolve(&raw, None);
            assert_eq!(resolved.title.as_deref(), Some(expected), "{title}");
            assert_eq!(resolved.site_name.as_deref(), Some(site_name));
        }
    }

    #[test]
    fn byline_falls_back_to_a_plausible_candidate() {
        let raw = RawMeta {
            byline_candidates: vec![
                "   ".into(),
                "x".repeat(120),
                "  By Jane\n Doe ".into(),
                "Later".into(),
            ],
            ..RawMeta::default()
        };
        assert_eq!(resolve(&raw, None).byline.as_deref(), Some("By Jane\n Doe"));
    }

    #[test]
    fn excerpt_falls_back_to_the_first_paragraph() {
        let resolved = resolve(&RawMeta::default(), Some("  First   paragraph.\n"));
        assert_eq!(resolved.excerpt.as_deref(), Some("First   paragraph."));
        let raw = raw_with_metas(&[("description", "Described")]);
        assert_eq!(
            resolve(&raw, Some("First paragraph.")).excerpt.as_deref(),
            Some("Described")
        );
        assert_eq!(resolve(&RawMeta::default(), Some(" ")).excerpt, None);
    }

    #[test]
    fn published_time_falls_back_to_the_first_iso_time_element() {
        let raw = RawMeta {
            times: vec![
                "yesterday".into(),
                " 2020-09-21 ".into(),
                "2021-01-01".into(),
            ],
            ..RawMeta::default()
        };
        assert_eq!(
            resolve(&raw, None).published_time.as_deref(),
            Some("2020-09-21")
        );
        let raw = RawMeta {
            times: vec!["2020-09-21".into()],
            ..raw_with_metas(&[("parsely-pub-date", "2024-04-20T04:20:00.000Z")])
        };
        assert_eq!(
            resolve(&raw, None).published_time.as_deref(),
            Some("2024-04-20T04:20:00.000Z")
        );
    }

    #[test]
    fn iso8601_dates_are_recognised() {
        for valid in [
            "2024-06-25",
            "2015-07-24T05:36:09+01:00",
            "2021-11-01T10:52:50+0100",
            "2017-11-03 03:01:00.000000",
            "2015-03-17T16:27:40.294Z",
            "2018-04-05T06:00",
            "2019-01-03T07:00:02.000Z",
            "2020-01-01T00:00-05",
        ] {
            assert!(is_iso8601_date(valid), "{valid}");
        }
        for invalid in [
            "",
            "yesterday",
            "2024",
            "2024-13-01",
            "2024-06-32",
            "24-06-25",
            "2024-06-25T",
            "2024-06-25T25:00",
            "2024-06-25T10:00:00.Z",
            "2024-06-25T10:00+1",
            "2024-06-25 and more",
        ] {
            assert!(!is_iso8601_date(invalid), "{invalid}");
        }
    }

    #[test]
    fn lead_image_is_an_absolute_http_url() {
        let base = crate::resolve::Url::parse("https://example.com/news/story.html").ok();
        let cases = [
            ("/img/lead.jpg", Some("https://example.com/img/lead.jpg")),
            (
                "//cdn.example.net/a.jpg",
                Some("https://cdn.example.net/a.jpg"),
            ),
            (
                " http://example.org/b.png ",
                Some("http://example.org/b.png"),
            ),
            ("javascript:alert(1)", None),
            ("data:image/png;base64,AAAA", None),
        ];
        for (image, expected) in cases {
            assert_eq!(
                absolute_http_url(image, base.as_ref()).as_deref(),
                expected,
                "{image}"
            );
        }
        assert_eq!(absolute_http_url("/img/lead.jpg", None), None);
    }

    #[test]
    fn lead_image_prefers_open_graph() {
        let raw = RawMeta {
            json_ld: vec![NEWS_ARTICLE.into()],
            ..raw_with_metas(&[
                ("twitter:image", "https://example.com/twitter.jpg"),
                ("og:image", "https://example.com/og.jpg"),
            ])
        };
        assert_eq!(
            resolve(&raw, None).lead_image.as_deref(),
            Some("https://example.com/og.jpg")
        );
    }

    #[test]
    fn microdata_fills_what_the_other_sources_leave_out() {
        // (meta tags, field, expected): microdata alone, and microdata behind a stronger source.
        type Field = fn(&Metadata) -> Option<&str>;
        type Case<'a> = (&'a [(&'a str, &'a str)], Field, &'a str);
        let cases: [Case; 6] = [
            (
                &[("headline", "Microdata headline")],
                |m| m.title.as_deref(),
                "Microdata headline",
            ),
            (
                &[
                    ("headline", "Microdata headline"),
                    ("og:title", "Open Graph"),
                ],
                |m| m.title.as_deref(),
                "Open Graph",
            ),
            (
                &[("datepublished", "2024-09-04T10:00:00+02:00")],
                |m| m.published_time.as_deref(),
                "2024-09-04T10:00:00+02:00",
            ),
            (
                &[("image", "https://example.com/microdata.jpg")],
                |m| m.lead_image.as_deref(),
                "https://example.com/microdata.jpg",
            ),
            (
                &[("thumbnailurl", "https://example.com/thumb.jpg")],
                |m| m.lead_image.as_deref(),
                "https://example.com/thumb.jpg",
            ),
            (
                &[
                    ("image", "https://example.com/microdata.jpg"),
                    ("og:image", "https://example.com/og.jpg"),
                ],
                |m| m.lead_image.as_deref(),
                "https://example.com/og.jpg",
            ),
        ];
        for (pairs, field, expected) in cases {
            let resolved = resolve(&raw_with_metas(pairs), None);
            assert_eq!(field(&resolved), Some(expected), "{pairs:?}");
        }
        // Given twice, a property belongs to several items: neither is taken.
        let twice = raw_with_metas(&[
            ("datepublished", "2015-03-12T13:11:07Z"),
            ("datepublished", "2015-03-11T19:46:14Z"),
        ]);
        assert_eq!(resolve(&twice, None).published_time, None);
    }

    #[test]
    fn word_count_matches_javascript_split() {
        assert_eq!(word_count(""), 1);
        assert_eq!(word_count("one"), 1);
        assert_eq!(word_count("one two"), 2);
        assert_eq!(word_count(" one two"), 3);
        assert_eq!(word_count("one  two "), 3);
    }

    #[test]
    fn text_similarity_measures_shared_words() {
        assert_eq!(text_similarity("a b c", "a b c"), 1.0);
        assert_eq!(text_similarity("a b c", "x y z"), 0.0);
        assert_eq!(text_similarity("", "x"), 0.0);
        let similarity = text_similarity("west ham news", "West Ham hrozí");
        // "hrozí" (5 of the 14 characters of "west ham hrozí") is not in the first text.
        assert!((similarity - 9.0 / 14.0).abs() < 1e-9, "{similarity}");
    }
}
