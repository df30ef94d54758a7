//! Pagination styles: each style's keys, and non-empty wire names.

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
            // (the style's own parameter names, the other style's keys and whether they were written)
            type Keys<'a> = (&'a [(&'a str, &'a Option<Name>)], &'a [(&'a str, bool)]);
            let (own, other): Keys = match p.style.value {
                PageStyleKind::LimitOffset => (
                    &[
                        ("limit_param", &p.limit_param),
                        ("offset_param", &p.offset_param),
                    ],
                    &[
                        ("page_param", p.page_param.is_some()),
                        ("page_size", p.page_size.is_some()),
                    ],
                ),
                PageStyleKind::PageNumber => (
                    &[("page_param", &p.page_param)],
                    &[
                        ("limit_param", p.limit_param.is_some()),
                        ("offset_param", p.offset_param.is_some()),
                        ("default_limit", p.default_limit.is_some()),
                    ],
                ),
            };
            for (key, present) in other {
                if *present {
                    self.err(
                        p.style.span,
                        format!(
                            "`{key}` does not apply to the `{}` style",
                            p.style.value.name()
                        ),
                        format!("remove `{key}`"),
                    );
                }
            }
            for (_, name) in own.iter().copied().chain([
                ("count", &p.count),
                ("next", &p.next),
                ("previous", &p.previous),
                ("results", &p.results),
            ]) {
                if let Some(n) = name {
                    if n.value.is_empty() {
                        self.err(
                            n.span,
                            "a parameter or field name cannot be empty",
                            "write the name used on the wire",
                        );
                    }
                }
            }
        }
    }
}
