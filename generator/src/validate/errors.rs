//! The standard error answers: the required ones present, statuses, models, and bodies that fit their models.

use super::types::Placeholders;
use super::Validator;
use crate::spec::*;

impl Validator<'_> {
    pub(super) fn errors(&mut self) {
        let errors = &self.spec.errors;
        if errors.models.is_empty() {
            self.err(errors.span, "`errors.models` lists no error body model", "add `errors:` with `models: [ErrorModel]` and the standard answers (see the spec language in README.md)");
        }
        for m in &errors.models {
            match self.models.get(m.value.as_str()) {
                Some(Model {
                    kind: ModelKind::Struct { .. },
                    ..
                }) => {}
                Some(_) => self.err(
                    m.span,
                    format!("error model `{}` is an enum", m.value),
                    "an error body must be a struct model",
                ),
                None => self.unknown_type(&m.value, m.span),
            }
        }
        // The client decodes an error body into the first model that fits, so a model that every JSON object fits
        // (no field it needs, unknown fields ignored) hides the models listed after it: they are never decoded.
        let lookup = |n: &str| self.models.get(n).copied();
        let catch_all = errors.models.iter().position(|m| {
            lookup(&m.value).is_some_and(|model| match &model.kind {
                ModelKind::Struct {
                    reject_unknown_fields,
                    ..
                } => {
                    !reject_unknown_fields
                        && model
                            .all_fields(&lookup)
                            .iter()
                            .all(|f| f.optional || f.default.is_some() || f.write_only)
                }
                _ => false,
            })
        });
        if let Some(first) = catch_all {
            let hider = errors.models[first].value.clone();
            for hidden in &errors.models[first + 1..] {
                self.err(
                    hidden.span,
                    format!(
                        "error model `{}` is never decoded: `{hider}`, tried before it, fits every JSON object \
                         (none of its fields is required)",
                        hidden.value
                    ),
                    format!(
                        "list `{}` before `{hider}` in `errors.models`, or make a field of `{hider}` required",
                        hidden.value
                    ),
                );
            }
        }
        let has_auth = self.spec.api.auth.is_some();
        for kind in ErrorKind::ALL
            .into_iter()
            .filter(|k| error_kind_required(*k, has_auth))
        {
            if !errors.answers.iter().any(|a| a.kind.value == kind) {
                let kind = kind.as_str();
                self.err(
                    errors.span,
                    format!("`errors` is missing the `{kind}` answer"),
                    format!(
                        "add `{kind}: {{status, model, body}}`: generated servers answer with it"
                    ),
                );
            }
        }
        for a in &errors.answers {
            if !(400..=599).contains(&a.status.value) {
                self.err(
                    a.status.span,
                    format!("`{}` is not an error status", a.status.value),
                    "an error answer has a status from 400 to 599",
                );
            }
            if !errors.models.iter().any(|m| m.value == a.model.value) {
                self.err(
                    a.model.span,
                    format!("`{}` is not one of `errors.models`", a.model.value),
                    "list it under `errors.models`, or use one that is",
                );
            }
            if !a.body.is_object() {
                self.err(
                    a.body_span,
                    "an error body must be a mapping",
                    "write the JSON body as a YAML mapping",
                );
            } else if errors.models.iter().any(|m| m.value == a.model.value) {
                // The generated server sends this body and the generated client decodes it with the model: it
                // must be a value of the model, `{placeholders}` standing for the text the server fills in.
                let model = TypeExpr::Named(a.model.value.clone());
                let placeholders = if a.kind.value == ErrorKind::Validation {
                    Placeholders::TextOrNullAttr
                } else {
                    Placeholders::Text
                };
                if let Err(why) = self.json_fits(&a.body, &model, placeholders, 0) {
                    self.err(
                        a.body_span,
                        format!(
                            "the `{}` answer's body is not a `{}`: {why}",
                            a.kind.value.as_str(),
                            a.model.value
                        ),
                        format!(
                            "make the body fit the model `{}`, or the model the body",
                            a.model.value
                        ),
                    );
                }
            }
        }
    }
}
