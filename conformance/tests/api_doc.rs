//! `generated/API.md` documents every operation of the spec: method and path, scopes, parameters, responses and a
//! curl example.

#[test]
fn api_reference_covers_every_operation() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let doc =
        std::fs::read_to_string(root.join("generated/API.md")).expect("generated/API.md exists");
    let source = std::fs::read_to_string(root.join("spec/posthog.yaml")).unwrap();
    let api =
        apigen::lower_source("spec/posthog.yaml", &source, false).unwrap_or_else(|e| panic!("{e}"));
    let mut count = 0;
    for op in api.resources.iter().flat_map(|r| &r.operations) {
        count += 1;
        let start = doc
            .find(&format!("### {}\n", op.summary))
            .unwrap_or_else(|| panic!("no section for {}", op.operation_id));
        let end = doc[start + 4..]
            .find("\n### ")
            .map_or(doc.len(), |i| start + 4 + i);
        let section = &doc[start..end];
        assert!(
            section.contains(&format!("`{} {}`", op.method.as_str(), op.path)),
            "{}: method and path",
            op.operation_id
        );
        assert!(
            section.contains(&op.operation_id),
            "{}: operation id",
            op.operation_id
        );
        for scope in &op.scopes {
            assert!(
                section.contains(&format!("`{scope}`")),
                "{}: scope {scope}",
                op.operation_id
            );
        }
        for p in &op.params {
            assert!(
                section.contains(&format!("| `{}` |", p.wire_name)),
                "{}: parameter {}",
                op.operation_id,
                p.wire_name
            );
        }
        for r in &op.responses {
            assert!(
                section.contains(&format!("| {} |", r.status)),
                "{}: status {}",
                op.operation_id,
                r.status
            );
        }
        assert!(
            section.contains(&format!("curl -X {}", op.method.as_str())),
            "{}: curl example",
            op.operation_id
        );
    }
    assert_eq!(count, 18);
}
