//! The facts only `apigen diff` reads ([`ir::Evolution`]): the spec's `renamed_from`s, the models defined in place,
//! and the spans of items the rest of the IR keeps none for.

use super::TypeTable;
use crate::ir::{self, RenameKind};
use crate::spec::{self, ModelKind};

pub(super) fn evolution(spec: &spec::Spec, table: &TypeTable) -> ir::Evolution {
    let lookup = |n: &str| table.models.get(n).map(|(_, m)| *m);
    let mut renames = Vec::new();
    for m in &spec.models {
        if let Some(from) = &m.renamed_from {
            renames.push(ir::Rename {
                kind: RenameKind::Model,
                from: from.value.clone(),
                to: m.name.value.clone(),
                span: from.span,
            });
        }
        if matches!(m.kind, ModelKind::Struct { .. }) {
            // Inherited fields are renamed in every model that holds them.
            for f in m.all_fields(&lookup) {
                if let Some(from) = &f.renamed_from {
                    renames.push(ir::Rename {
                        kind: RenameKind::Field {
                            model: m.name.value.clone(),
                        },
                        from: from.value.clone(),
                        to: f.name.value.clone(),
                        span: from.span,
                    });
                }
            }
        }
    }
    for r in &spec.resources {
        for op in &r.operations {
            if let Some(from) = &op.renamed_from {
                renames.push(ir::Rename {
                    kind: RenameKind::Operation {
                        resource: r.name.value.clone(),
                    },
                    from: from.value.clone(),
                    to: op.name.value.clone(),
                    span: from.span,
                });
            }
        }
    }
    let mut inline: Vec<ir::TypeId> = spec
        .models
        .iter()
        .filter(|m| m.inline.is_some())
        .filter_map(|m| table.models.get(m.name.value.as_str()).map(|(id, _)| *id))
        .collect();
    inline.sort();
    ir::Evolution {
        version_span: spec.api.version.span,
        auth_span: spec.api.auth.as_ref().map(|a| a.span),
        errors_span: spec.errors.span,
        renames,
        inline,
    }
}
