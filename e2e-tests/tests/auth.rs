//! Every operation, through the generated client: no key and an unknown key give `401` with PostHog's exact
//! bodies, a key without the operation's scope gives `403` naming that scope, and the keys that hold the scope
//! (directly, through `*`, or implied by `:write`) get through.

mod common;

use common::*;
use posthog_data_warehouse::models::{ErrorResponse, ErrorType};
use std::collections::HashSet;

fn authentication_error(code: &str, detail: &str) -> ErrorResponse {
    ErrorResponse {
        r#type: ErrorType::AuthenticationError,
        code: code.into(),
        detail: detail.into(),
        attr: None,
    }
}

#[test]
fn the_table_covers_all_18_operations_once() {
    let names: HashSet<&str> = operations().iter().map(|case| case.name).collect();
    assert_eq!(names.len(), 18);
}

#[tokio::test]
async fn no_key_is_401_not_authenticated() {
    let server = start().await;
    let ids = seed(&server).await;
    let client = server.client(None);
    for case in operations() {
        let result = (case.call)(client.clone(), ids).await;
        if let Err(error) = &result {
            assert_eq!(error.operation(), Some(case.name));
            let api = error.api_error().expect("an error answer");
            assert_eq!(
                api.headers.get("www-authenticate").map(|v| v.as_bytes()),
                Some(&b"Bearer"[..]),
                "{}",
                case.name
            );
        }
        let (status, body) = error_response(result);
        assert_eq!(status, 401, "{}", case.name);
        assert_eq!(
            body,
            authentication_error(
                "not_authenticated",
                "Authentication credentials were not provided."
            ),
            "{}",
            case.name
        );
    }
}

#[tokio::test]
async fn unknown_key_is_401_authentication_failed() {
    let server = start().await;
    let ids = seed(&server).await;
    let client = server.client(Some(UNKNOWN));
    for case in operations() {
        let (status, body) = error_response((case.call)(client.clone(), ids).await);
        assert_eq!(status, 401, "{}", case.name);
        assert_eq!(
            body,
            authentication_error(
                "authentication_failed",
                "Personal API key found in request Authorization header is invalid."
            ),
            "{}",
            case.name
        );
    }
}

/// The keys that lack `scope`, and those that hold it, among the test keys.
fn keys_for(scope: &str) -> (Vec<&'static str>, Vec<&'static str>) {
    let holds = |key: &str| match key {
        ADMIN => true,
        VARIABLE_READER => scope == "insight_variable:read",
        // `external_data_source:write` implies `external_data_source:read`.
        SOURCE_WRITER => scope.starts_with("external_data_source:"),
        _ => false,
    };
    [ADMIN, VARIABLE_READER, SOURCE_WRITER, USELESS]
        .into_iter()
        .partition(|key| !holds(key))
}

#[tokio::test]
async fn a_key_without_the_scope_is_403_naming_it() {
    let server = start().await;
    let ids = seed(&server).await;
    let mut refusals = 0;
    for case in operations() {
        let (lacking, _) = keys_for(case.scope);
        assert!(lacking.contains(&USELESS), "{}", case.name);
        for key in lacking {
            let (status, body) = error_response((case.call)(server.client(Some(key)), ids).await);
            assert_eq!(status, 403, "{} with {key}", case.name);
            assert_eq!(
                body,
                authentication_error(
                    "permission_denied",
                    &format!("API key missing required scope '{}'", case.scope)
                ),
                "{} with {key}",
                case.name
            );
            refusals += 1;
        }
    }
    // 9 source operations refused to 2 keys, 5 variable operations to 2 or 3, 4 saved-query ones to 3.
    assert_eq!(refusals, 9 * 2 + 2 * 2 + 3 * 3 + 4 * 3);
}

#[tokio::test]
async fn keys_holding_the_scope_get_through() {
    for case in operations() {
        // A fresh server per operation: `destroy` and `create` change what the next calls see.
        let server = start().await;
        let ids = seed(&server).await;
        let (_, holding) = keys_for(case.scope);
        for (index, key) in holding.into_iter().enumerate() {
            let result = (case.call)(server.client(Some(key)), ids).await;
            if case.name == "insight_variables.destroy" && index > 0 {
                // The first key deleted it already.
                assert_eq!(error_response(result), (404, not_found()));
                continue;
            }
            if let Err(error) = result {
                panic!("{} with {key}: {error}", case.name);
            }
        }
    }
}
