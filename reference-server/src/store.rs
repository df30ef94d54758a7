//! The in-memory store: one [`Project`] per project id, created with demo data on first use.
//!
//! Every operation takes the lock once, does its reads and writes, and releases it before answering, so
//! concurrent requests never lose an update and no lock is held across an `.await`.

use chrono::{DateTime, Utc};
use indexmap::IndexMap;
use posthog_data_warehouse::models::{
    AccessMethodEnum, DataWarehouseSavedQuery, EngineEnum, ExternalDataSourceSerializers,
    ExternalDataSourceType, InsightVariable, RevenueAnalyticsConfig,
};
use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};
use uuid::Uuid;

/// Every project's data.
#[derive(Debug, Default)]
pub struct Store {
    projects: RwLock<HashMap<i64, Project>>,
}

impl Store {
    /// Runs `f` on project `id` (created with demo data if new) under the read lock.
    pub fn read<R>(&self, id: i64, f: impl FnOnce(&Project) -> R) -> R {
        {
            let projects = self.projects.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(project) = projects.get(&id) {
                return f(project);
            }
        }
        let mut projects = self
            .projects
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        f(projects.entry(id).or_insert_with(|| Project::demo(id)))
    }

    /// Runs `f` on project `id` (created with demo data if new) under the write lock.
    pub fn write<R>(&self, id: i64, f: impl FnOnce(&mut Project) -> R) -> R {
        // A panic in another request cannot leave a project half-updated in a way that matters here: every
        // mutation is a single assignment or insert, so the data behind a poisoned lock is still consistent.
        let mut projects = self
            .projects
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        f(projects.entry(id).or_insert_with(|| Project::demo(id)))
    }
}

/// One project's data.
#[derive(Debug)]
pub struct Project {
    /// Insight variables in creation order.
    pub insight_variables: IndexMap<Uuid, InsightVariable>,
    /// Saved queries in creation order (deleted ones included, hidden from reads).
    pub saved_queries: IndexMap<Uuid, DataWarehouseSavedQuery>,
    /// External data sources in creation order.
    pub sources: IndexMap<Uuid, Source>,
    /// The last activity-log id given to a saved-query edit.
    pub last_history_id: i64,
}

/// An external data source and its webhook state.
#[derive(Debug, Clone)]
pub struct Source {
    /// The source as `revenue_analytics_config` answers it.
    pub source: ExternalDataSourceSerializers,
    /// The webhook, if one was created.
    pub webhook: Option<Webhook>,
}

/// The hog function receiving a source's webhook calls.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// The hog function's id.
    pub id: Uuid,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Its inputs (the source type's webhook fields).
    pub inputs: IndexMap<String, serde_json::Value>,
    /// Maps the external system's event types to schema names.
    pub schema_mapping: IndexMap<String, String>,
}

/// The demo sources every project starts with, in creation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoSource {
    /// A Stripe source synced into the warehouse, with a webhook already created.
    Stripe = 1,
    /// A Postgres database queried directly (`access_method: direct`): the one `connections/` lists.
    PrimaryDatabase = 2,
    /// A Postgres database synced into the warehouse (no webhook support).
    AnalyticsPostgres = 3,
    /// A second Stripe source whose webhook was not created yet.
    StripeEu = 4,
}

impl DemoSource {
    /// Every demo source.
    pub const ALL: [DemoSource; 4] = [
        DemoSource::Stripe,
        DemoSource::PrimaryDatabase,
        DemoSource::AnalyticsPostgres,
        DemoSource::StripeEu,
    ];

    /// The source's id in `project`: predictable, so that clients (and the README) can name the demo sources
    /// although none of the 18 operations lists them all.
    pub fn id(self, project: i64) -> Uuid {
        let project = u128::from(project.unsigned_abs() as u32);
        Uuid::from_u128(0x0000_0000_0000_4000_8000_0000_0000_0000 | (project << 16) | self as u128)
    }
}

/// Source types whose sources can receive webhook calls, with their webhook fields (required first).
pub fn webhook_fields(source_type: &ExternalDataSourceType) -> Option<&'static [&'static str]> {
    match source_type {
        ExternalDataSourceType::Stripe => Some(&["signing_secret"]),
        _ => None,
    }
}

impl Project {
    /// A new project holding the demo sources.
    pub fn demo(project: i64) -> Project {
        let now = Utc::now();
        let source = |which: DemoSource,
                      source_type: ExternalDataSourceType,
                      prefix: &str,
                      access: AccessMethodEnum| {
            let webhooks = webhook_fields(&source_type).is_some();
            let direct = access == AccessMethodEnum::Direct;
            ExternalDataSourceSerializers {
                id: which.id(project),
                created_at: now - chrono::Duration::days(30 - which as i64),
                created_by: Some("demo@example.com".into()),
                status: "Completed".into(),
                revenue_analytics_config: RevenueAnalyticsConfig {
                    enabled: source_type == ExternalDataSourceType::Stripe,
                    include_invoiceless_charges: true,
                },
                source_type,
                latest_error: None,
                prefix: Some(prefix.to_owned()),
                description: None,
                access_method: access,
                engine: direct.then_some(EngineEnum::Duckdb),
                last_run_at: (!direct).then(|| (now - chrono::Duration::hours(1)).to_rfc3339()),
                schemas: Vec::new(),
                job_inputs: Some(serde_json::json!({})),
                user_access_level: Some("editor".into()),
                supports_webhooks: webhooks,
            }
        };
        let stripe = Source {
            source: source(
                DemoSource::Stripe,
                ExternalDataSourceType::Stripe,
                "",
                AccessMethodEnum::Warehouse,
            ),
            webhook: Some(Webhook {
                id: Uuid::new_v4(),
                created_at: now,
                inputs: IndexMap::from([(
                    "signing_secret".to_owned(),
                    serde_json::json!("whsec_demo"),
                )]),
                schema_mapping: IndexMap::from([
                    ("charge".to_owned(), "Charge".to_owned()),
                    ("customer".to_owned(), "Customer".to_owned()),
                ]),
            }),
        };
        let plain = |which, source_type, prefix, access| Source {
            source: source(which, source_type, prefix, access),
            webhook: None,
        };
        let sources = [
            stripe,
            plain(
                DemoSource::PrimaryDatabase,
                ExternalDataSourceType::Postgres,
                "Primary database",
                AccessMethodEnum::Direct,
            ),
            plain(
                DemoSource::AnalyticsPostgres,
                ExternalDataSourceType::Postgres,
                "analytics_",
                AccessMethodEnum::Warehouse,
            ),
            plain(
                DemoSource::StripeEu,
                ExternalDataSourceType::Stripe,
                "eu_",
                AccessMethodEnum::Warehouse,
            ),
        ];
        Project {
            insight_variables: IndexMap::new(),
            saved_queries: IndexMap::new(),
            sources: sources.into_iter().map(|s| (s.source.id, s)).collect(),
            last_history_id: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_ids_differ_per_project_and_source() {
        let mut ids: Vec<Uuid> = [1, 2, 99_999]
            .iter()
            .flat_map(|p| DemoSource::ALL.iter().map(move |s| s.id(*p)))
            .collect();
        assert_eq!(ids[0].to_string(), "00000000-0000-4000-8000-000000010001");
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 12);
    }

    #[test]
    fn projects_are_created_on_first_use_and_kept() {
        let store = Store::default();
        store.write(1, |p| p.last_history_id = 7);
        assert_eq!(store.read(1, |p| p.last_history_id), 7);
        assert_eq!(
            store.read(2, |p| (p.last_history_id, p.sources.len())),
            (0, 4)
        );
    }
}
