//! Insight variables: create derives `code_name` (unique per project), `List` variables keep their values as
//! strings, PATCH changes only what is sent (`code_name` never), list pages by 500.

use crate::pagination::paginate;
use crate::{Principal, ReferenceServer};
use posthog_data_warehouse::models::{
    InsightVariable, InsightVariableCreate, InsightVariablePatch, InsightVariableType,
    PaginatedInsightVariableList,
};
use posthog_data_warehouse::server::{
    ApiError, InsightVariablesApi, InsightVariablesCreateResponse, InsightVariablesDestroyResponse,
    InsightVariablesListQuery, InsightVariablesListResponse, InsightVariablesPartialUpdateResponse,
    InsightVariablesRetrieveResponse, RequestContext,
};
use serde_json::Value;
use uuid::Uuid;

/// The server's fixed page size for this list.
const PAGE_SIZE: usize = 500;

/// The name used in queries: letters, digits, spaces and `_` kept, spaces turned into `_`, lowercased.
pub fn code_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '_')
        .map(|c| if c == ' ' { '_' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

/// `values` of a `List` variable: an array whose scalars are kept as strings.
fn list_values(values: Option<Value>) -> Result<Option<Value>, ApiError> {
    let Some(values) = values.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let invalid = || {
        ApiError::field(
            "values",
            "invalid_input",
            "Values must be a list of strings, numbers or booleans.",
        )
    };
    let Value::Array(items) = values else {
        return Err(invalid());
    };
    let strings = items
        .into_iter()
        .map(|item| match item {
            Value::String(s) => Ok(Value::String(s)),
            Value::Number(n) => Ok(Value::String(n.to_string())),
            Value::Bool(b) => Ok(Value::String(b.to_string())),
            _ => Err(invalid()),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Value::Array(strings)))
}

/// A variable as it is read: `List` variables always show an array of values and a string (or null) default.
fn shown(variable: &InsightVariable) -> InsightVariable {
    let mut shown = variable.clone();
    if shown.r#type == InsightVariableType::List {
        if shown.values.as_ref().map_or(true, Value::is_null) {
            shown.values = Some(Value::Array(Vec::new()));
        }
        shown.default_value = match shown.default_value.take() {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(Value::String(s)),
            Some(other) => Some(Value::String(other.to_string())),
        };
    }
    shown
}

fn duplicate_code_name() -> ApiError {
    ApiError::validation(
        "invalid_input",
        "Variable with this code name already exists",
    )
}

impl ReferenceServer {
    /// The insight variable `id` of a project, as `retrieve` answers it. Public so that the benchmark's
    /// hand-written axum route runs exactly the same lookup as the generated one.
    pub fn insight_variable(
        &self,
        project_id: &str,
        id: Uuid,
    ) -> Result<InsightVariable, ApiError> {
        let project = self.project(project_id)?;
        self.store.read(project, |p| {
            p.insight_variables
                .get(&id)
                .map(shown)
                .ok_or(ApiError::NotFound)
        })
    }
}

impl InsightVariablesApi for ReferenceServer {
    async fn list(
        &self,
        ctx: RequestContext<Principal>,
        project_id: String,
        query: InsightVariablesListQuery,
    ) -> Result<InsightVariablesListResponse, ApiError> {
        let project = self.project(&project_id)?;
        let items: Vec<InsightVariable> = self.store.read(project, |p| {
            p.insight_variables.values().map(shown).collect()
        });
        Ok(match paginate(&ctx, items, query.page, PAGE_SIZE) {
            Ok(page) => InsightVariablesListResponse::Ok(PaginatedInsightVariableList {
                count: page.count,
                next: page.next,
                previous: page.previous,
                results: page.results,
            }),
            Err(body) => InsightVariablesListResponse::NotFound(body),
        })
    }

    async fn create(
        &self,
        ctx: RequestContext<Principal>,
        project_id: String,
        body: InsightVariableCreate,
    ) -> Result<InsightVariablesCreateResponse, ApiError> {
        let project = self.project(&project_id)?;
        // `null` and leaving the field out both mean "no value" on create.
        let values = if body.r#type == InsightVariableType::List {
            list_values(body.values.value())?
        } else {
            body.values.value()
        };
        let variable = InsightVariable {
            id: Uuid::new_v4(),
            code_name: Some(code_name(&body.name)),
            name: body.name,
            r#type: body.r#type,
            default_value: body.default_value.value(),
            created_by: Some(ctx.caller().0.id),
            created_at: chrono::Utc::now(),
            values,
        };
        self.store.write(project, |p| {
            let taken = p
                .insight_variables
                .values()
                .any(|v| v.code_name == variable.code_name);
            if taken {
                return Err(duplicate_code_name());
            }
            p.insight_variables.insert(variable.id, variable.clone());
            Ok(InsightVariablesCreateResponse::Created(shown(&variable)))
        })
    }

    async fn retrieve(
        &self,
        _ctx: RequestContext<Principal>,
        project_id: String,
        id: Uuid,
    ) -> Result<InsightVariablesRetrieveResponse, ApiError> {
        self.insight_variable(&project_id, id)
            .map(InsightVariablesRetrieveResponse::Ok)
    }

    async fn partial_update(
        &self,
        _ctx: RequestContext<Principal>,
        project_id: String,
        id: Uuid,
        body: InsightVariablePatch,
    ) -> Result<InsightVariablesPartialUpdateResponse, ApiError> {
        let project = self.project(&project_id)?;
        self.store.write(project, |p| {
            let current = p.insight_variables.get(&id).ok_or(ApiError::NotFound)?;
            // Work on a copy so that a refused update changes nothing.
            let mut variable = current.clone();
            if let Some(name) = body.name {
                variable.name = name;
            }
            if let Some(kind) = body.r#type {
                variable.r#type = kind;
            }
            body.default_value.apply_to(&mut variable.default_value);
            body.values.apply_to(&mut variable.values);
            if variable.r#type == InsightVariableType::List {
                variable.values = list_values(variable.values)?;
            }
            p.insight_variables.insert(id, variable.clone());
            Ok(InsightVariablesPartialUpdateResponse::Ok(shown(&variable)))
        })
    }

    async fn destroy(
        &self,
        _ctx: RequestContext<Principal>,
        project_id: String,
        id: Uuid,
    ) -> Result<InsightVariablesDestroyResponse, ApiError> {
        let project = self.project(&project_id)?;
        self.store.write(project, |p| {
            p.insight_variables
                .shift_remove(&id)
                .map(|_| InsightVariablesDestroyResponse::NoContent)
                .ok_or(ApiError::NotFound)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_code_names() {
        assert_eq!(code_name("Country"), "country");
        assert_eq!(code_name("Event Name (v2)!"), "event_name_v2");
        assert_eq!(code_name("already_snake"), "already_snake");
        assert_eq!(code_name("Straße"), "straße");
    }

    #[test]
    fn list_values_become_strings() {
        let values = list_values(Some(serde_json::json!(["a", 1, true]))).unwrap();
        assert_eq!(values, Some(serde_json::json!(["a", "1", "true"])));
        assert_eq!(list_values(None).unwrap(), None);
        assert!(list_values(Some(serde_json::json!([{"a": 1}]))).is_err());
        assert!(list_values(Some(serde_json::json!("a"))).is_err());
    }
}
