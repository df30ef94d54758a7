//! Pagination styles: each style's keys (and only those), the cursor's source, non-empty wire names, and extra
//! envelope fields that do not clash with the style's own.

use super::Validator;
use crate::spec::*;

impl Validator<'_> {
    pub(super) fn pagination(&mut self) {
        let spec = self.spec;
        self.names_unique(
            spec.pagination.iter().map(|p| &p.name),
            "pagination style",
            |s| s.to_owned(),
        );
        for p in &spec.pagination {
            let kind = p.style.value;
            // Every key a style may take, whether it was written, and the styles it belongs to.
            let keys: [(&str, bool, &[PageStyleKind]); 16] = {
                use PageStyleKind::*;
                [
                    (
                        "limit_param",
                        p.limit_param.is_some(),
                        &[LimitOffset, Cursor, Link],
                    ),
                    ("offset_param", p.offset_param.is_some(), &[LimitOffset]),
                    (
                        "default_limit",
                        p.default_limit.is_some(),
                        &[LimitOffset, Cursor, Link],
                    ),
                    (
                        "max_limit",
                        p.max_limit.is_some(),
                        &[LimitOffset, Cursor, Link],
                    ),
                    (
                        "above_max_limit",
                        p.above_max_limit.is_some(),
                        &[LimitOffset, Cursor, Link],
                    ),
                    ("page_param", p.page_param.is_some(), &[PageNumber, Link]),
                    ("page_size", p.page_size.is_some(), &[PageNumber]),
                    ("count", p.count.is_some(), &[LimitOffset, PageNumber]),
                    ("next", p.next.is_some(), &[LimitOffset, PageNumber]),
                    ("previous", p.previous.is_some(), &[LimitOffset, PageNumber]),
                    (
                        "results",
                        p.results.is_some(),
                        &[LimitOffset, PageNumber, Cursor],
                    ),
                    ("cursor_param", p.cursor_param.is_some(), &[Cursor]),
                    ("cursor_item", p.cursor_item.is_some(), &[Cursor]),
                    ("cursor_field", p.cursor_field.is_some(), &[Cursor]),
                    ("has_more", p.has_more.is_some(), &[Cursor]),
                    (
                        "fields",
                        !p.fields.is_empty(),
                        &[LimitOffset, PageNumber, Cursor],
                    ),
                ]
            };
            for (key, present, styles) in keys {
                if present && !styles.contains(&kind) {
                    let why = if kind == PageStyleKind::Link {
                        " (the answer is the item list itself; the links are in the `Link` header)"
                    } else {
                        ""
                    };
                    self.err(
                        p.style.span,
                        format!("`{key}` does not apply to the `{}` style{why}", kind.name()),
                        format!("remove `{key}`"),
                    );
                }
            }
            self.max_limit(p);
            if kind == PageStyleKind::Cursor {
                if p.cursor_param.is_none() {
                    self.err(
                        p.name.span,
                        format!("cursor style `{}` needs `cursor_param`", p.name.value),
                        "name the query parameter the next request sets, e.g. `cursor_param: starting_after`",
                    );
                }
                match (&p.cursor_item, &p.cursor_field) {
                    (None, None) => self.err(
                        p.name.span,
                        format!("cursor style `{}` needs the cursor's source", p.name.value),
                        "add `cursor_item: id` (the last item's field) or `cursor_field: next_cursor` (the envelope's)",
                    ),
                    (Some(_), Some(field)) => self.err(
                        field.span,
                        "`cursor_item` and `cursor_field` both say where the cursor comes from",
                        "keep one",
                    ),
                    _ => {}
                }
            }
            let names = [
                &p.limit_param,
                &p.offset_param,
                &p.page_param,
                &p.count,
                &p.next,
                &p.previous,
                &p.results,
                &p.cursor_param,
                &p.cursor_item,
                &p.cursor_field,
                &p.has_more,
            ];
            for n in names.into_iter().flatten() {
                if n.value.is_empty() {
                    self.err(
                        n.span,
                        "a parameter or field name cannot be empty",
                        "write the name used on the wire",
                    );
                }
            }
            // The envelope's own fields, as the style names them.
            let own: Vec<String> = match kind {
                PageStyleKind::LimitOffset | PageStyleKind::PageNumber => [
                    (&p.count, "count"),
                    (&p.next, "next"),
                    (&p.previous, "previous"),
                    (&p.results, "results"),
                ]
                .iter()
                .map(|(n, d)| n.as_ref().map_or(d.to_string(), |n| n.value.clone()))
                .collect(),
                PageStyleKind::Cursor => [&p.results, &p.has_more, &p.cursor_field]
                    .into_iter()
                    .enumerate()
                    .filter_map(|(i, n)| match (i, n) {
                        (0, None) => Some("results".to_owned()),
                        (_, n) => n.as_ref().map(|n| n.value.clone()),
                    })
                    .collect(),
                PageStyleKind::Link => Vec::new(),
            };
            for f in &p.fields {
                if own.contains(&f.name.value) {
                    self.err(
                        f.name.span,
                        format!(
                            "field `{}` is already a field of the page envelope",
                            f.name.value
                        ),
                        "remove it from `fields`: the style declares it",
                    );
                }
                self.field(f);
            }
        }
    }

    /// `max_limit` is a page size (at least 1, not below the default) on a style that has a limit parameter;
    /// `above_max_limit` says what a larger one gets, so it needs `max_limit`.
    fn max_limit(&mut self, p: &PaginationStyle) {
        let takes_limit = match p.style.value {
            PageStyleKind::LimitOffset => true,
            PageStyleKind::Cursor | PageStyleKind::Link => p.limit_param.is_some(),
            PageStyleKind::PageNumber => false,
        };
        if let (Some(above), None) = (&p.above_max_limit, &p.max_limit) {
            self.err(
                above.span,
                format!("`above_max_limit` of pagination style `{}` has no `max_limit` to be above", p.name.value),
                "add `max_limit: N` (the largest page size the server gives), or remove `above_max_limit`",
            );
        }
        let Some(max) = &p.max_limit else {
            return;
        };
        if p.style.value != PageStyleKind::PageNumber && !takes_limit {
            self.err(
                max.span,
                format!(
                    "pagination style `{}` has no limit parameter for `max_limit` to bound",
                    p.name.value
                ),
                "add `limit_param: limit` (the page-size query parameter), or remove `max_limit`",
            );
        }
        if max.value < 1 {
            self.err(
                max.span,
                format!("`max_limit` of pagination style `{}` is {}, but a page holds at least one item", p.name.value, max.value),
                "write the largest page size the server gives, 1 or more",
            );
        } else if let Some(default) = p.default_limit.filter(|d| *d > max.value) {
            self.err(
                max.span,
                format!("`max_limit` of pagination style `{}` is {}, below its `default_limit` of {default}", p.name.value, max.value),
                "raise `max_limit` or lower `default_limit`: the server's own page size cannot exceed its largest",
            );
        }
    }
}
