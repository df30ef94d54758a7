//! Warehouse saved queries: create is an upsert by name (200 when it updated, 201 when it created), a query change
//! needs the `edited_history_id` last read (unless `soft_update`), deleted queries are hidden, the list shows the
//! minimal form newest first, 1000 per page, filtered by `search`.

use crate::pagination::paginate;
use crate::store::Project;
use crate::{Principal, ReferenceServer};
use posthog_data_warehouse::models::{
    DataWarehouseSavedQuery, DataWarehouseSavedQueryCreate, DataWarehouseSavedQueryMinimal,
    DataWarehouseSavedQueryPatch, DataWarehouseSavedQueryStatus, HogQLQuery, Nullable, OriginEnum,
    PaginatedDataWarehouseSavedQueryMinimalList, UserBasic,
};
use posthog_data_warehouse::server::{
    ApiError, RequestContext, WarehouseSavedQueriesApi, WarehouseSavedQueriesCreateResponse,
    WarehouseSavedQueriesListQuery, WarehouseSavedQueriesListResponse,
    WarehouseSavedQueriesPartialUpdateResponse, WarehouseSavedQueriesRetrieveResponse,
};
use serde_json::{json, Value};
use uuid::Uuid;

/// The server's fixed page size for this list.
const PAGE_SIZE: usize = 1000;

/// Tables every project has: a view may not take their names.
const SYSTEM_TABLES: &[&str] = &[
    "events",
    "persons",
    "person_distinct_ids",
    "sessions",
    "groups",
    "cohort_people",
    "log_entries",
    "numbers",
];

fn name_taken() -> ApiError {
    ApiError::field(
        "name",
        "invalid_input",
        "A table with this name already exists.",
    )
}

fn not_staff() -> ApiError {
    ApiError::validation("invalid_input", "Only staff users can create test views.")
}

fn folder_not_found() -> ApiError {
    // The reference server has no folders, so every folder id is unknown.
    ApiError::field("folder_id", "invalid_input", "Folder not found.")
}

/// Refuses a name that another table or live view already has.
fn check_name_free(project: &Project, name: &str, except: Option<Uuid>) -> Result<(), ApiError> {
    let system = SYSTEM_TABLES.iter().any(|t| t.eq_ignore_ascii_case(name));
    let view = project
        .saved_queries
        .values()
        .any(|q| q.deleted != Some(true) && q.name == name && Some(q.id) != except);
    if system || view {
        return Err(name_taken());
    }
    Ok(())
}

/// Checks a query as the real server does before accepting it (a SELECT, no placeholders) and infers its columns.
fn check_query(query: &HogQLQuery) -> Result<Vec<Value>, ApiError> {
    let text = query.query.trim();
    let invalid = |detail: String| ApiError::field("query", "invalid_input", detail);
    if text.is_empty() {
        return Err(invalid("Query is required.".into()));
    }
    let lower = text.to_ascii_lowercase();
    if !(lower.starts_with("select") || lower.starts_with("with")) {
        return Err(invalid(
            "Invalid query: only SELECT statements can be saved as views.".into(),
        ));
    }
    if text.contains('{') {
        return Err(invalid(
            "Variables like {variables} and {filters} are not allowed in views.".into(),
        ));
    }
    Ok(columns(text))
}

/// The columns of a `SELECT a, b AS c FROM ...`: one per top-level expression of the select list, named by its
/// alias or its last identifier. The types are unknown without running HogQL.
fn columns(select: &str) -> Vec<Value> {
    let lower = select.to_ascii_lowercase();
    let start = lower.find("select").map_or(0, |i| i + "select".len());
    let mut depth = 0i32;
    let mut parts = Vec::new();
    let mut current = String::new();
    let bytes: Vec<char> = select[start..].chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        let rest: String = bytes[i..]
            .iter()
            .take(6)
            .collect::<String>()
            .to_ascii_lowercase();
        let at_word_start = i == 0 || bytes[i - 1].is_whitespace();
        if depth == 0
            && at_word_start
            && rest.starts_with("from")
            && rest[4..].starts_with(char::is_whitespace)
        {
            break;
        }
        if depth == 0 && c == ',' {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
        i += 1;
    }
    parts.push(current);
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(|expr| {
            let lower = expr.to_ascii_lowercase();
            let name = match lower.rfind(" as ") {
                Some(i) => expr[i + 4..].trim().trim_matches('`').to_owned(),
                None => expr.rsplit('.').next().unwrap_or(expr).trim().to_owned(),
            };
            json!({
                "key": name,
                "name": name,
                "type": "unknown",
                "schema_valid": true,
                "fields": null,
                "table": null,
                "chain": null,
            })
        })
        .collect()
}

/// The caller as `created_by` shows it.
fn user_basic(caller: &Principal) -> UserBasic {
    let user = &caller.0;
    UserBasic {
        id: user.id,
        uuid: user.uuid,
        distinct_id: Some(user.uuid.to_string()),
        first_name: format!("User {}", user.id),
        last_name: String::new(),
        email: user.email.clone(),
        is_email_verified: Some(true),
        hedgehog_config: None,
        role_at_organization: None,
    }
}

fn minimal(q: &DataWarehouseSavedQuery) -> DataWarehouseSavedQueryMinimal {
    DataWarehouseSavedQueryMinimal {
        id: q.id,
        deleted: q.deleted,
        name: q.name.clone(),
        created_by: q.created_by.clone(),
        created_at: q.created_at,
        sync_frequency: q.sync_frequency.clone(),
        columns: q.columns.clone(),
        status: q.status,
        last_run_at: q.last_run_at,
        managed_viewset_kind: q.managed_viewset_kind.clone(),
        folder_id: q.folder_id,
        folder_name: q.folder_name.clone(),
        latest_error: q.latest_error.clone(),
        is_materialized: q.is_materialized,
        origin: q.origin,
        is_test: q.is_test,
        expires_at: q.expires_at,
        user_access_level: q.user_access_level.clone(),
    }
}

/// What a PATCH (or an upsert) asks to change. Shared so that both apply the same rules.
struct Change {
    deleted: Nullable<bool>,
    name: Option<String>,
    query: Nullable<HogQLQuery>,
    folder_id: Nullable<Uuid>,
    edited_history_id: Option<String>,
    soft_update: bool,
    is_test: Option<bool>,
}

/// Applies `change` to the saved query `id`, checking it first; nothing is changed when it is refused.
fn apply(
    project: &mut Project,
    id: Uuid,
    change: Change,
) -> Result<DataWarehouseSavedQuery, ApiError> {
    let current = project
        .saved_queries
        .get(&id)
        .filter(|q| q.deleted != Some(true))
        .ok_or(ApiError::NotFound)?;
    if current.managed_viewset_kind.is_some() {
        return Err(ApiError::validation(
            "invalid_input",
            "Cannot update a query from a managed viewset",
        ));
    }
    if change.is_test == Some(true) {
        return Err(not_staff());
    }
    if let Nullable::Value(_) = change.folder_id {
        return Err(folder_not_found());
    }
    let mut updated = current.clone();
    if let Some(name) = change.name {
        if name != updated.name {
            check_name_free(project, &name, Some(id))?;
        }
        updated.name = name;
    }
    match change.query {
        Nullable::Value(query) if updated.query.as_ref() != Some(&query) => {
            if !change.soft_update {
                let expected = updated.latest_history_id.map(|h| h.to_string());
                if change.edited_history_id != expected {
                    return Err(ApiError::validation(
                        "invalid_input",
                        "The query was modified by someone else.",
                    ));
                }
            }
            let columns = check_query(&query)?;
            if !change.soft_update {
                updated.columns = columns;
            }
            updated.query = Some(query);
            updated.status = Some(DataWarehouseSavedQueryStatus::Modified);
            project.last_history_id += 1;
            updated.latest_history_id = Some(project.last_history_id);
        }
        Nullable::Null => updated.query = None,
        _ => {}
    }
    change.deleted.apply_to(&mut updated.deleted);
    if change.folder_id.is_null() {
        updated.folder_id = None;
    }
    if let Some(is_test) = change.is_test {
        updated.is_test = is_test;
    }
    project.saved_queries.insert(id, updated.clone());
    Ok(updated)
}

impl WarehouseSavedQueriesApi for ReferenceServer {
    async fn list(
        &self,
        ctx: RequestContext<Principal>,
        project_id: String,
        query: WarehouseSavedQueriesListQuery,
    ) -> Result<WarehouseSavedQueriesListResponse, ApiError> {
        let project = self.project(&project_id)?;
        let search = query.search.map(|s| s.to_lowercase());
        let items: Vec<DataWarehouseSavedQueryMinimal> = self.store.read(project, |p| {
            // Newest first; the store keeps creation order.
            p.saved_queries
                .values()
                .rev()
                .filter(|q| q.deleted != Some(true) && q.origin != Some(OriginEnum::Endpoint))
                .filter(|q| {
                    search
                        .as_deref()
                        .map_or(true, |s| q.name.to_lowercase().contains(s))
                })
                .map(minimal)
                .collect()
        });
        Ok(match paginate(&ctx, items, query.page, PAGE_SIZE) {
            Ok(page) => {
                WarehouseSavedQueriesListResponse::Ok(PaginatedDataWarehouseSavedQueryMinimalList {
                    count: page.count,
                    next: page.next,
                    previous: page.previous,
                    results: page.results,
                })
            }
            Err(body) => WarehouseSavedQueriesListResponse::NotFound(body),
        })
    }

    async fn create(
        &self,
        ctx: RequestContext<Principal>,
        project_id: String,
        body: DataWarehouseSavedQueryCreate,
    ) -> Result<WarehouseSavedQueriesCreateResponse, ApiError> {
        let project = self.project(&project_id)?;
        let soft_update = matches!(body.soft_update, Nullable::Value(true));
        self.store.write(project, |p| {
            let existing = p
                .saved_queries
                .values()
                .find(|q| q.deleted != Some(true) && q.name == body.name)
                .map(|q| q.id);
            if let Some(id) = existing {
                // An existing name makes the create a partial update of that saved query.
                let change = Change {
                    deleted: body.deleted,
                    name: None,
                    query: body.query,
                    folder_id: body.folder_id,
                    edited_history_id: body.edited_history_id.value(),
                    soft_update,
                    is_test: body.is_test,
                };
                return apply(p, id, change).map(WarehouseSavedQueriesCreateResponse::Ok);
            }
            if body.is_test == Some(true) {
                return Err(not_staff());
            }
            if let Nullable::Value(_) = body.folder_id {
                return Err(folder_not_found());
            }
            check_name_free(p, &body.name, None)?;
            let columns = match &body.query {
                Nullable::Value(query) => check_query(query)?,
                _ if soft_update => Vec::new(),
                _ => {
                    return Err(ApiError::validation(
                        "invalid_input",
                        "Failed to retrieve types for view",
                    ))
                }
            };
            p.last_history_id += 1;
            let saved = DataWarehouseSavedQuery {
                id: Uuid::new_v4(),
                deleted: Some(body.deleted.value().unwrap_or(false)),
                name: body.name,
                query: body.query.value(),
                created_by: Some(user_basic(ctx.caller())),
                created_at: chrono::Utc::now(),
                sync_frequency: None,
                columns: if soft_update { Vec::new() } else { columns },
                status: None,
                last_run_at: None,
                managed_viewset_kind: None,
                folder_id: None,
                folder_name: None,
                latest_error: None,
                latest_history_id: Some(p.last_history_id),
                is_materialized: Some(false),
                origin: Some(OriginEnum::DataWarehouse),
                is_test: false,
                expires_at: None,
                user_access_level: Nullable::Value("editor".into()),
            };
            p.saved_queries.insert(saved.id, saved.clone());
            Ok(WarehouseSavedQueriesCreateResponse::Created(saved))
        })
    }

    async fn retrieve(
        &self,
        _ctx: RequestContext<Principal>,
        project_id: String,
        id: Uuid,
    ) -> Result<WarehouseSavedQueriesRetrieveResponse, ApiError> {
        let project = self.project(&project_id)?;
        self.store.read(project, |p| {
            p.saved_queries
                .get(&id)
                .filter(|q| q.deleted != Some(true))
                .map(|q| WarehouseSavedQueriesRetrieveResponse::Ok(q.clone()))
                .ok_or(ApiError::NotFound)
        })
    }

    async fn partial_update(
        &self,
        _ctx: RequestContext<Principal>,
        project_id: String,
        id: Uuid,
        body: DataWarehouseSavedQueryPatch,
    ) -> Result<WarehouseSavedQueriesPartialUpdateResponse, ApiError> {
        let project = self.project(&project_id)?;
        let change = Change {
            deleted: body.deleted,
            name: body.name,
            query: body.query,
            folder_id: body.folder_id,
            edited_history_id: body.edited_history_id.value(),
            soft_update: body.soft_update.value() == Some(true),
            is_test: body.is_test,
        };
        self.store.write(project, |p| {
            apply(p, id, change).map(WarehouseSavedQueriesPartialUpdateResponse::Ok)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(select: &str) -> Vec<String> {
        columns(select)
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn infers_columns_from_the_select_list() {
        assert_eq!(
            names("SELECT event, count() AS total, e.properties.$browser FROM events e GROUP BY event"),
            ["event", "total", "$browser"]
        );
        assert_eq!(names("select concat(a, b) as ab\nfrom t"), ["ab"]);
        assert_eq!(names("SELECT 1"), ["1"]);
    }

    #[test]
    fn refuses_non_select_queries_and_placeholders() {
        let query = |text: &str| HogQLQuery {
            kind: Some("HogQLQuery".into()),
            query: text.into(),
        };
        assert!(check_query(&query("SELECT 1")).is_ok());
        for bad in ["", "DROP TABLE events", "SELECT {filters}"] {
            let err = check_query(&query(bad)).unwrap_err();
            assert!(matches!(err, ApiError::Validation { attr: Some(ref a), .. } if a == "query"));
        }
    }
}
