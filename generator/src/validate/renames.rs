//! `renamed_from` (read by `apigen diff`): an item's name in an earlier version must not be a name the spec still
//! uses beside it, or the comparison could not tell the renamed item from the one still there.

use super::Validator;
use crate::spec::*;

impl Validator<'_> {
    pub(super) fn renames(&mut self) {
        let spec = self.spec;
        let hint_self = "remove `renamed_from`, or write the name the item had before";
        for m in &spec.models {
            if let Some(from) = &m.renamed_from {
                if from.value == m.name.value {
                    self.err(
                        from.span,
                        format!("model `{}` is renamed from its own name", m.name.value),
                        hint_self,
                    );
                } else if self.models.contains_key(from.value.as_str()) {
                    self.err(
                        from.span,
                        format!(
                            "model `{}` is renamed from `{}`, which is still a model of this spec",
                            m.name.value, from.value
                        ),
                        "a renamed model's old name cannot stay in use; remove `renamed_from` or the other model",
                    );
                }
            }
            let ModelKind::Struct { fields, .. } = &m.kind else {
                continue;
            };
            let models = &self.models;
            let lookup = |n: &str| models.get(n).copied();
            let all: Vec<String> = m
                .all_fields(&lookup)
                .iter()
                .map(|f| f.name.value.clone())
                .collect();
            for f in fields {
                let Some(from) = &f.renamed_from else {
                    continue;
                };
                if from.value == f.name.value {
                    self.err(
                        from.span,
                        format!("field `{}` is renamed from its own name", f.name.value),
                        hint_self,
                    );
                } else if all.contains(&from.value) {
                    self.err(
                        from.span,
                        format!(
                            "field `{}` of model `{}` is renamed from `{}`, which is still a field of the model",
                            f.name.value, m.name.value, from.value
                        ),
                        "a renamed field's old name cannot stay in use; remove `renamed_from` or the other field",
                    );
                }
            }
        }
        for r in &spec.resources {
            for op in &r.operations {
                let Some(from) = &op.renamed_from else {
                    continue;
                };
                if from.value == op.name.value {
                    self.err(
                        from.span,
                        format!("operation `{}` is renamed from its own name", op.name.value),
                        hint_self,
                    );
                } else if r.operations.iter().any(|o| o.name.value == from.value) {
                    self.err(
                        from.span,
                        format!(
                            "operation `{}` of resource `{}` is renamed from `{}`, which is still an operation of the resource",
                            op.name.value, r.name.value, from.value
                        ),
                        "a renamed operation's old name cannot stay in use; remove `renamed_from` or the other operation",
                    );
                }
            }
        }
    }
}
