//! Pagination: how an operation's pages link to each other ([`Paging`]), and the stream of pages every style
//! shares. Three styles:
//!
//! - the next page's URL in the envelope (Django REST framework's `next`);
//! - a cursor ([`CursorPaging`]): the next request is the first one with a query parameter set to the last item's
//!   field (Stripe's `starting_after` = the last `id`) or to a token of the envelope (`after`, `next_cursor`),
//!   until a `has_more` flag is false, or, without one, until the token is empty or a page has no items;
//! - the `Link` header (RFC 8288, GitHub's): the `rel="next"` target, the body being the list of items itself.
//!
//! Every link followed must stay on the base URL's scheme, host and port, and must not point to the page just
//! read; a cursor must advance. A page that breaks a rule ends the stream with [`Error::PageRefused`].

use super::{Error, ErrorBody, Operation, RawResponse, Runtime};
use reqwest::header::LINK;
use reqwest::Url;
use serde_json::Value;

/// How an operation's pages link to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// The envelope holds the next page's URL and the items.
    NextUrl(PageFields),
    /// The next page is asked for with a cursor.
    Cursor(CursorPaging),
    /// The `Link` header names the next page; the body is the list of items.
    Link,
}

/// The wire names of a page envelope's fields that pagination follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageFields {
    /// The absolute (or relative) URL of the next page; `null` or absent on the last page.
    pub next: &'static str,
    /// The page's items.
    pub results: &'static str,
}

/// Cursor pagination: where the cursor comes from and where it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CursorPaging {
    /// The query parameter the next request carries the cursor in (`starting_after`, `after`, `cursor`).
    pub param: &'static str,
    /// Where the cursor is read.
    pub source: CursorSource,
    /// The envelope's field that says whether more pages follow (`has_more`), if it has one.
    pub has_more: Option<&'static str>,
    /// The envelope's field holding the items (`data`).
    pub results: &'static str,
}

/// Where a page's cursor is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CursorSource {
    /// This field of the page's last item (Stripe's `id`).
    LastItem(&'static str),
    /// This field of the envelope (`next_cursor`, OpenAI's `last_id`).
    Envelope(&'static str),
}

impl Paging {
    /// The items of a page: the envelope's items field, or for `Link` pagination the body itself.
    pub(super) fn items(self, page: &mut Value) -> Value {
        let field = match self {
            Paging::NextUrl(fields) => fields.results,
            Paging::Cursor(cursor) => cursor.results,
            Paging::Link => return page.take(),
        };
        page.get_mut(field)
            .map(Value::take)
            .unwrap_or(Value::Array(Vec::new()))
    }
}

/// Where the stream goes after a page.
pub(super) enum Next<B> {
    /// Fetch this URL.
    Fetch(Url),
    /// That was the last page.
    Done,
    /// The page's link may not be followed: the stream ends with this error after the page.
    Refuse(Error<B>),
}

/// Where the page after `page` (fetched from `url`; the first page came from `first`) is.
pub(super) fn next_page<B: ErrorBody>(
    runtime: &Runtime<B>,
    op: Operation,
    paging: Paging,
    first: &Url,
    url: &Url,
    raw: &RawResponse,
    page: &Value,
) -> Next<B> {
    let refuse = |url: String, reason| {
        Next::Refuse(Error::PageRefused {
            operation: op.name,
            url,
            reason,
        })
    };
    let follow = |target: &str| match runtime.follow(op, url, target) {
        Ok(url) => Next::Fetch(url),
        Err(e) => Next::Refuse(e),
    };
    match paging {
        Paging::NextUrl(fields) => match page.get(fields.next).and_then(Value::as_str) {
            None | Some("") => Next::Done,
            Some(next) => follow(next),
        },
        Paging::Link => match next_link(
            raw.headers()
                .get_all(LINK)
                .iter()
                .filter_map(|v| v.to_str().ok()),
        ) {
            Some(next) => follow(&next),
            None => Next::Done,
        },
        Paging::Cursor(cursor) => {
            let items = page.get(cursor.results).and_then(Value::as_array);
            let empty = items.map_or(true, Vec::is_empty);
            let token = match cursor.source {
                CursorSource::LastItem(field) => items
                    .and_then(|i| i.last())
                    .and_then(|item| item.get(field)),
                CursorSource::Envelope(field) => page.get(field),
            };
            let token = match token {
                None | Some(Value::Null) => None,
                Some(Value::String(text)) if text.is_empty() => None,
                Some(Value::String(text)) => Some(text.clone()),
                Some(Value::Number(number)) => Some(number.to_string()),
                Some(_) => return refuse(String::new(), "the cursor is not a string or a number"),
            };
            let more = match cursor.has_more {
                Some(flag) => page.get(flag).and_then(Value::as_bool).unwrap_or(false),
                None => token.is_some() && !empty,
            };
            if !more {
                return Next::Done;
            }
            let Some(token) = token else {
                return refuse(
                    String::new(),
                    "the page says more follow but gives no cursor",
                );
            };
            let mut next = first.clone();
            let kept: Vec<(String, String)> = first
                .query_pairs()
                .filter(|(name, _)| name != cursor.param)
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect();
            next.set_query(None);
            next.query_pairs_mut()
                .extend_pairs(kept)
                .append_pair(cursor.param, &token);
            if next == *url {
                return refuse(next.to_string(), "the cursor did not advance");
            }
            Next::Fetch(next)
        }
    }
}

/// The target of the first `rel="next"` link among `Link` header values (RFC 8288: several links per value,
/// separated by commas; parameters after `;`, quoted or not; `rel` a space-separated list of relation types,
/// compared case-insensitively). Malformed links are skipped.
pub(super) fn next_link<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<String> {
    values
        .into_iter()
        .flat_map(links)
        .find(|(_, rels)| rels.iter().any(|rel| rel.eq_ignore_ascii_case("next")))
        .map(|(target, _)| target)
}

/// Every well-formed link of one `Link` value, as (target, relation types).
fn links(value: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        let Some(after) = rest.strip_prefix('<') else {
            return out;
        };
        let Some(end) = after.find('>') else {
            return out;
        };
        let target = after[..end].trim().to_owned();
        rest = &after[end + 1..];
        let mut rels = Vec::new();
        // Parameters: `; name=value` or `; name="quoted, value"`, until the next link's comma.
        loop {
            rest = rest.trim_start();
            let Some(after) = rest.strip_prefix(';') else {
                break;
            };
            let after = after.trim_start();
            let name_end = after.find(['=', ';', ',']).unwrap_or(after.len());
            let name = after[..name_end].trim();
            rest = &after[name_end..];
            let mut param_value = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start();
                if let Some(quoted) = after.strip_prefix('"') {
                    let mut chars = quoted.char_indices();
                    let mut closed = None;
                    while let Some((at, c)) = chars.next() {
                        match c {
                            '\\' => {
                                if let Some((_, escaped)) = chars.next() {
                                    param_value.push(escaped);
                                }
                            }
                            '"' => {
                                closed = Some(at + 1);
                                break;
                            }
                            other => param_value.push(other),
                        }
                    }
                    let Some(closed) = closed else {
                        return out;
                    };
                    rest = &quoted[closed..];
                } else {
                    let end = after.find([';', ',']).unwrap_or(after.len());
                    param_value = after[..end].trim().to_owned();
                    rest = &after[end..];
                }
            }
            if name.eq_ignore_ascii_case("rel") && rels.is_empty() {
                rels = param_value.split_whitespace().map(str::to_owned).collect();
            }
        }
        out.push((target, rels));
        // Anything up to the next comma that is not a parameter is malformed: skip it.
        match rest.find(',') {
            Some(comma) => rest = &rest[comma..],
            None => return out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_next_among_several_links() {
        let github = r#"<https://api.github.com/repositories/1300192/issues?page=2>; rel="prev", <https://api.github.com/repositories/1300192/issues?page=4>; rel="next", <https://api.github.com/repositories/1300192/issues?page=515>; rel="last", <https://api.github.com/repositories/1300192/issues?page=1>; rel="first""#;
        assert_eq!(
            next_link([github]).as_deref(),
            Some("https://api.github.com/repositories/1300192/issues?page=4")
        );
        // Several values, unquoted and multi-valued rels, other parameters (with commas inside quotes) first.
        let values = [
            r#"</a>; rel=prev"#,
            r#"</b?x=1,2>; title="a, b; c"; REL="last Next""#,
        ];
        assert_eq!(next_link(values).as_deref(), Some("/b?x=1,2"));
        assert_eq!(next_link([r#"</c>; rel="nextish""#]), None);
        assert_eq!(next_link([""]), None);
        assert_eq!(next_link(["garbage, </d>; rel=next"]), None);
        assert_eq!(next_link([r#"</e>; rel="next"#]), None, "an unclosed quote");
        assert_eq!(
            next_link([r#"</f>; rel=next, </g>; rel=next"#]).as_deref(),
            Some("/f")
        );
    }

    #[test]
    fn items_come_from_the_envelope_or_the_body() {
        let mut page = serde_json::json!({"data": [1, 2], "has_more": true});
        let cursor = Paging::Cursor(CursorPaging {
            param: "starting_after",
            source: CursorSource::LastItem("id"),
            has_more: Some("has_more"),
            results: "data",
        });
        assert_eq!(cursor.items(&mut page), serde_json::json!([1, 2]));
        let mut list = serde_json::json!([3]);
        assert_eq!(Paging::Link.items(&mut list), serde_json::json!([3]));
        let mut other = serde_json::json!({});
        assert_eq!(
            Paging::NextUrl(PageFields {
                next: "next",
                results: "results"
            })
            .items(&mut other),
            serde_json::json!([])
        );
    }
}
