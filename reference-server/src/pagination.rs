//! Page-number pagination as Django REST framework's `PageNumberPagination` does it: a fixed page size, `page`
//! from 1, `next`/`previous` as absolute URLs of this request with `page` replaced (or removed for page 1), and
//! "Invalid page." for a page past the end.

use posthog_data_warehouse::models::{ErrorResponse, ErrorType};
use posthog_data_warehouse::server::RequestContext;

/// One page of items with its links.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// Every item across all pages.
    pub count: i64,
    /// The next page's URL.
    pub next: Option<String>,
    /// The previous page's URL.
    pub previous: Option<String>,
    /// This page's items.
    pub results: Vec<T>,
}

/// The page `page` (default 1) of `items`, `size` per page. An empty list still has a first page.
pub fn paginate<C, T>(
    ctx: &RequestContext<C>,
    items: Vec<T>,
    page: Option<i64>,
    size: usize,
) -> Result<Page<T>, ErrorResponse> {
    let count = items.len();
    let pages = count.div_ceil(size).max(1);
    let number = page.unwrap_or(1);
    let index = usize::try_from(number)
        .ok()
        .filter(|n| (1..=pages).contains(n))
        .ok_or_else(invalid_page)?;
    let results = items
        .into_iter()
        .skip((index - 1) * size)
        .take(size)
        .collect();
    let next = (index < pages)
        .then(|| ctx.absolute_url_with_query("page", Some(&(index + 1).to_string())));
    let previous = match index {
        1 => None,
        2 => Some(ctx.absolute_url_with_query("page", None)),
        _ => Some(ctx.absolute_url_with_query("page", Some(&(index - 1).to_string()))),
    };
    Ok(Page {
        count: i64::try_from(count).unwrap_or(i64::MAX),
        next,
        previous,
        results,
    })
}

/// The body PostHog answers for a page that does not exist.
fn invalid_page() -> ErrorResponse {
    ErrorResponse {
        r#type: ErrorType::InvalidRequest,
        code: "not_found".into(),
        detail: "Invalid page.".into(),
        attr: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(uri: &str) -> RequestContext<()> {
        let request = axum::http::Request::builder()
            .uri(uri)
            .header("host", "127.0.0.1:8010")
            .body(())
            .unwrap();
        RequestContext::new((), request.into_parts().0)
    }

    #[test]
    fn links_pages() {
        let items: Vec<u32> = (0..5).collect();
        let first = paginate(&ctx("/x/"), items.clone(), None, 2).unwrap();
        assert_eq!((first.count, first.results.clone()), (5, vec![0, 1]));
        assert_eq!(
            first.next.as_deref(),
            Some("http://127.0.0.1:8010/x/?page=2")
        );
        assert_eq!(first.previous, None);
        let second = paginate(&ctx("/x/?page=2&search=a"), items.clone(), Some(2), 2).unwrap();
        assert_eq!(
            second.previous.as_deref(),
            Some("http://127.0.0.1:8010/x/?search=a")
        );
        assert_eq!(
            second.next.as_deref(),
            Some("http://127.0.0.1:8010/x/?page=3&search=a")
        );
        let last = paginate(&ctx("/x/?page=3"), items.clone(), Some(3), 2).unwrap();
        assert_eq!((last.results, last.next), (vec![4], None));
        assert_eq!(
            last.previous.as_deref(),
            Some("http://127.0.0.1:8010/x/?page=2")
        );
    }

    #[test]
    fn the_docs_show_this_code() {
        // docs/server.md quotes the links' code under "Page links"; it must stay the code that runs.
        let docs = include_str!("../../docs/server.md");
        let section = docs.split("## Page links").nth(1).expect("the section");
        let quoted = section
            .split("```rust\n")
            .nth(1)
            .and_then(|block| block.split("```").next())
            .expect("a Rust block");
        assert!(quoted.contains("absolute_url_with_query"), "{quoted}");
        assert!(
            include_str!("pagination.rs").contains(quoted),
            "docs/server.md quotes code that is not in src/pagination.rs:\n{quoted}"
        );
    }

    #[test]
    fn pages_out_of_range_are_invalid() {
        for page in [0, -1, 4] {
            let err = paginate(&ctx("/x/"), vec![1, 2, 3, 4, 5], Some(page), 2).unwrap_err();
            assert_eq!(err.detail, "Invalid page.");
        }
        let empty = paginate::<(), u8>(&ctx("/x/"), Vec::new(), Some(1), 2).unwrap();
        assert_eq!((empty.count, empty.next, empty.previous), (0, None, None));
        assert!(paginate::<(), u8>(&ctx("/x/"), Vec::new(), Some(2), 2).is_err());
    }
}
