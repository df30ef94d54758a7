//! The external data source actions, on the demo sources every project starts with. Nothing here reaches a real
//! third-party system: syncs, schema discovery and CDC checks are simulated deterministically, and the actions
//! answer their own 400s with `{"message": ...}` as the real server does.

use crate::store::{webhook_fields, Source};
use crate::{Principal, ReferenceServer};
use indexmap::IndexMap;
use posthog_data_warehouse::models::{
    AccessMethodEnum, AvailableColumn, CdcManagementMode, CdcPrerequisitesResult,
    CheckCdcPrerequisitesRequest, DatabaseSchemaRequest, DatabaseSchemaTable,
    ExternalDataSourceConnectionOption, ExternalDataSourceRevenueAnalyticsConfig,
    ExternalDataSourceType, ExternalWebhookInfo, MessageResponse, Nullable, SourcePrefixRequest,
    UpdateWebhookInputsRequest, UpdateWebhookInputsResponse, WebhookHogFunction, WebhookInfo,
};
use posthog_data_warehouse::server::{
    ApiError, ExternalDataSourcesApi, ExternalDataSourcesCheckCdcPrerequisitesResponse,
    ExternalDataSourcesConnectionsResponse, ExternalDataSourcesDatabaseSchemaResponse,
    ExternalDataSourcesReloadResponse, ExternalDataSourcesRevenueAnalyticsConfigResponse,
    ExternalDataSourcesSourcePrefixResponse, ExternalDataSourcesUpdateWebhookInputsResponse,
    ExternalDataSourcesWebhookInfoResponse, ExternalDataSourcesWizardResponse, RequestContext,
};
use serde_json::{json, Value};
use uuid::Uuid;

fn message(text: impl Into<String>) -> MessageResponse {
    MessageResponse {
        message: text.into(),
    }
}

/// True for hosts the real server refuses to connect to (loopback and private networks).
fn internal_host(host: &str) -> bool {
    let host = host.trim().trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => {
            ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified()
        }
        Ok(std::net::IpAddr::V6(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Err(_) => false,
    }
}

/// The tables a source type offers in `database_schema` (a fixed demo list per type).
fn demo_tables(source_type: &ExternalDataSourceType) -> Option<Vec<DatabaseSchemaTable>> {
    let column = |field: &str, kind: &str, nullable: bool| AvailableColumn {
        field: field.into(),
        label: field.into(),
        r#type: kind.into(),
        nullable,
    };
    let (tables, webhooks, cdc): (&[&str], bool, Option<bool>) = match source_type {
        ExternalDataSourceType::Stripe => (
            &["Charge", "Customer", "Invoice", "Subscription"],
            true,
            None,
        ),
        ExternalDataSourceType::Hubspot => (&["contacts", "companies", "deals"], false, None),
        ExternalDataSourceType::Postgres => (&["accounts", "orders"], false, Some(true)),
        _ => return None,
    };
    Some(
        tables
            .iter()
            .map(|table| DatabaseSchemaTable {
                table: (*table).to_owned(),
                should_sync: false,
                incremental_fields: vec![json!({"field": "created", "label": "created", "type": "datetime", "field_type": "datetime"})],
                incremental_available: true,
                append_available: true,
                cdc_available: cdc,
                incremental_field: None,
                sync_type: None,
                rows: Some(1000),
                supports_webhooks: webhooks,
                description: None,
                should_sync_default: true,
                available_columns: vec![
                    column("id", "string", false),
                    column("created", "datetime", false),
                ],
                detected_primary_keys: Some(vec!["id".into()]),
            })
            .collect(),
    )
}

fn find<'p>(sources: &'p IndexMap<Uuid, Source>, id: &Uuid) -> Result<&'p Source, ApiError> {
    sources.get(id).ok_or(ApiError::NotFound)
}

impl ExternalDataSourcesApi for ReferenceServer {
    async fn reload(
        &self,
        _ctx: RequestContext<Principal>,
        project_id: String,
        id: Uuid,
    ) -> Result<ExternalDataSourcesReloadResponse, ApiError> {
        let project = self.project(&project_id)?;
        self.store.write(project, |p| {
            let source = p.sources.get_mut(&id).ok_or(ApiError::NotFound)?;
            // A warehouse source starts a sync; a direct source refreshes its schema list (its {added, deleted}
            // body is not part of the spec, so the answer is an empty 200 either way).
            if source.source.access_method == AccessMethodEnum::Warehouse {
                source.source.status = "Running".into();
            }
            Ok(ExternalDataSourcesReloadResponse::Ok)
        })
    }

    async fn revenue_analytics_config(
        &self,
        _ctx: RequestContext<Principal>,
        project_id: String,
        id: Uuid,
        body: ExternalDataSourceRevenueAnalyticsConfig,
    ) -> Result<ExternalDataSourcesRevenueAnalyticsConfigResponse, ApiError> {
        let project = self.project(&project_id)?;
        self.store.write(project, |p| {
            let source = p.sources.get_mut(&id).ok_or(ApiError::NotFound)?;
            let config = &mut source.source.revenue_analytics_config;
            if let Some(enabled) = body.enabled {
                config.enabled = enabled;
            }
            if let Some(include) = body.include_invoiceless_charges {
                config.include_invoiceless_charges = include;
            }
            Ok(ExternalDataSourcesRevenueAnalyticsConfigResponse::Ok(
                source.source.clone(),
            ))
        })
    }

    async fn update_webhook_inputs(
        &self,
        _ctx: RequestContext<Principal>,
        project_id: String,
        id: Uuid,
        body: UpdateWebhookInputsRequest,
    ) -> Result<ExternalDataSourcesUpdateWebhookInputsResponse, ApiError> {
        use ExternalDataSourcesUpdateWebhookInputsResponse as Answer;
        let project = self.project(&project_id)?;
        self.store.write(project, |p| {
            let source = p.sources.get_mut(&id).ok_or(ApiError::NotFound)?;
            let Some(fields) = webhook_fields(&source.source.source_type) else {
                return Ok(Answer::BadRequest(message(
                    "This source type does not support webhooks",
                )));
            };
            if body.inputs.is_empty() {
                return Ok(Answer::BadRequest(message("No inputs provided")));
            }
            let unknown: Vec<&str> = body
                .inputs
                .keys()
                .map(String::as_str)
                .filter(|k| !fields.contains(k))
                .collect();
            if !unknown.is_empty() {
                return Ok(Answer::BadRequest(message(format!(
                    "Invalid input keys: {}",
                    unknown.join(", ")
                ))));
            }
            let blank: Vec<&str> = body
                .inputs
                .iter()
                .filter(|(_, v)| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()))
                .map(|(k, _)| k.as_str())
                .collect();
            if !blank.is_empty() {
                return Ok(Answer::BadRequest(message(format!(
                    "Missing required fields: {}",
                    blank.join(", ")
                ))));
            }
            let Some(webhook) = source.webhook.as_mut() else {
                return Ok(Answer::BadRequest(message(
                    "No webhook function found for this source. Create a webhook first.",
                )));
            };
            webhook.inputs.extend(body.inputs);
            Ok(Answer::Ok(UpdateWebhookInputsResponse { success: true }))
        })
    }

    async fn webhook_info(
        &self,
        ctx: RequestContext<Principal>,
        project_id: String,
        id: Uuid,
    ) -> Result<ExternalDataSourcesWebhookInfoResponse, ApiError> {
        let project = self.project(&project_id)?;
        // The URL the external system calls, on this server's own address.
        let base = ctx.absolute_url();
        let base = base.split("/api/").next().unwrap_or_default().to_owned();
        self.store.read(project, |p| {
            let source = find(&p.sources, &id)?;
            let info = match (&source.source.supports_webhooks, &source.webhook) {
                (false, _) => WebhookInfo {
                    supports_webhooks: false,
                    exists: false,
                    hog_function: None,
                    webhook_url: Nullable::Null,
                    schema_mapping: Some(IndexMap::new()),
                    external_status: Nullable::Null,
                },
                (true, None) => WebhookInfo {
                    supports_webhooks: true,
                    exists: false,
                    hog_function: None,
                    webhook_url: Nullable::Absent,
                    schema_mapping: None,
                    external_status: Nullable::Absent,
                },
                (true, Some(webhook)) => {
                    let url = format!("{base}/public/webhooks/{}", webhook.id);
                    WebhookInfo {
                        supports_webhooks: true,
                        exists: true,
                        hog_function: Some(WebhookHogFunction {
                            id: webhook.id,
                            name: format!("{} webhook", source.source.source_type),
                            enabled: true,
                            created_at: webhook.created_at,
                            status: Some(json!({"state": 1, "tokens": 10000})),
                        }),
                        webhook_url: Nullable::Value(url.clone()),
                        schema_mapping: Some(webhook.schema_mapping.clone()),
                        external_status: Nullable::Value(ExternalWebhookInfo {
                            exists: true,
                            url: Some(url),
                            enabled_events: Some(
                                webhook
                                    .schema_mapping
                                    .keys()
                                    .map(|k| format!("{k}.updated"))
                                    .collect(),
                            ),
                            status: Some("enabled".into()),
                            description: Some("PostHog data warehouse".into()),
                            created_at: Some(webhook.created_at.to_rfc3339()),
                            error: None,
                        }),
                    }
                }
            };
            Ok(ExternalDataSourcesWebhookInfoResponse::Ok(info))
        })
    }

    async fn check_cdc_prerequisites(
        &self,
        _ctx: RequestContext<Principal>,
        project_id: String,
        body: CheckCdcPrerequisitesRequest,
    ) -> Result<ExternalDataSourcesCheckCdcPrerequisitesResponse, ApiError> {
        use ExternalDataSourcesCheckCdcPrerequisitesResponse as Answer;
        self.project(&project_id)?;
        if body.source_type != "Postgres" {
            return Ok(Answer::BadRequest(message(
                "CDC prerequisite checks are only supported for Postgres.",
            )));
        }
        if body.host.trim().is_empty() || !(1..=65535).contains(&body.port) {
            return Ok(Answer::BadRequest(message(
                "Invalid source config: host and a port from 1 to 65535 are required",
            )));
        }
        if internal_host(&body.host) {
            return Ok(Answer::BadRequest(message(
                "Hosts with internal IP addresses are not allowed",
            )));
        }
        // No real database is reached: `.invalid` hosts (RFC 2606) stand for unreachable ones.
        if body.host.ends_with(".invalid") {
            return Ok(Answer::BadRequest(message(format!(
                "Could not connect to Postgres to check prerequisites: could not translate host name \"{}\" to address",
                body.host
            ))));
        }
        let mut errors = Vec::new();
        if body.cdc_management_mode == Some(CdcManagementMode::SelfManaged) {
            if blank(body.cdc_slot_name.as_deref()) {
                errors.push("A replication slot name is required in self-managed mode.".to_owned());
            }
            if blank(body.cdc_publication_name.as_deref()) {
                errors.push("A publication name is required in self-managed mode.".to_owned());
            }
        }
        Ok(Answer::Ok(CdcPrerequisitesResult {
            valid: Some(errors.is_empty()),
            errors: Some(errors),
        }))
    }

    async fn connections(
        &self,
        _ctx: RequestContext<Principal>,
        project_id: String,
    ) -> Result<ExternalDataSourcesConnectionsResponse, ApiError> {
        let project = self.project(&project_id)?;
        let connections = self.store.read(project, |p| {
            // Newest first; only sources queried directly, which are Postgres ones.
            p.sources
                .values()
                .rev()
                .map(|s| &s.source)
                .filter(|s| {
                    s.access_method == AccessMethodEnum::Direct
                        && s.source_type == ExternalDataSourceType::Postgres
                })
                .map(|s| ExternalDataSourceConnectionOption {
                    id: s.id,
                    prefix: s.prefix.clone(),
                    engine: s.engine.clone(),
                })
                .collect()
        });
        Ok(ExternalDataSourcesConnectionsResponse::Ok(connections))
    }

    async fn database_schema(
        &self,
        _ctx: RequestContext<Principal>,
        project_id: String,
        body: DatabaseSchemaRequest,
    ) -> Result<ExternalDataSourcesDatabaseSchemaResponse, ApiError> {
        use ExternalDataSourcesDatabaseSchemaResponse as Answer;
        self.project(&project_id)?;
        if body.access_method == Some(AccessMethodEnum::Direct)
            && body.source_type != ExternalDataSourceType::Postgres
        {
            return Ok(Answer::BadRequest(message(
                "Direct query mode is currently supported only for Postgres sources.",
            )));
        }
        // The real server fails with a 500 on a type it does not know; a 400 says the same without the fault.
        Ok(match demo_tables(&body.source_type) {
            Some(tables) => Answer::Ok(tables),
            None => Answer::BadRequest(message(format!(
                "Invalid source config: the reference server cannot list tables of {} sources",
                body.source_type
            ))),
        })
    }

    async fn source_prefix(
        &self,
        _ctx: RequestContext<Principal>,
        project_id: String,
        body: SourcePrefixRequest,
    ) -> Result<ExternalDataSourcesSourcePrefixResponse, ApiError> {
        use ExternalDataSourcesSourcePrefixResponse as Answer;
        let project = self.project(&project_id)?;
        let prefix = body
            .prefix
            .value()
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty());
        if body.access_method == Some(AccessMethodEnum::Direct) {
            if body.source_type != "Postgres" {
                return Ok(Answer::BadRequest(message(
                    "Direct query mode is currently supported only for Postgres sources.",
                )));
            }
            if prefix.is_none() {
                return Ok(Answer::BadRequest(message(
                    "Name is required for direct query sources",
                )));
            }
        }
        let source_type = ExternalDataSourceType::from(body.source_type.as_str());
        self.store.read(project, |p| {
            let same_type: Vec<&Source> = p
                .sources
                .values()
                .filter(|s| s.source.source_type == source_type)
                .collect();
            Ok(match prefix {
                None if !same_type.is_empty() => {
                    Answer::BadRequest(message("Source type already exists. Prefix is required"))
                }
                Some(prefix)
                    if same_type
                        .iter()
                        .any(|s| s.source.prefix.as_deref() == Some(&prefix)) =>
                {
                    Answer::BadRequest(message("Prefix already exists"))
                }
                _ => Answer::Ok,
            })
        })
    }

    async fn wizard(
        &self,
        _ctx: RequestContext<Principal>,
        project_id: String,
    ) -> Result<ExternalDataSourcesWizardResponse, ApiError> {
        self.project(&project_id)?;
        let field = |name: &str, label: &str, kind: &str| json!({"name": name, "label": label, "type": kind, "required": true, "placeholder": ""});
        let config = |name: &str, caption: &str, fields: Vec<Value>, webhook_fields: Vec<Value>| {
            json!({
                "name": name,
                "label": name,
                "caption": caption,
                "iconPath": format!("/static/services/{}.png", name.to_lowercase()),
                "docsUrl": format!("https://posthog.com/docs/cdp/sources/{}", name.to_lowercase()),
                "fields": fields,
                "releaseStatus": "ga",
                "betaSource": false,
                "unreleasedSource": false,
                "webhookFields": webhook_fields,
            })
        };
        let wizard = IndexMap::from([
            (
                "Stripe".to_owned(),
                config(
                    "Stripe",
                    "Enter your Stripe credentials to automatically pull your Stripe data into the PostHog Data warehouse.",
                    vec![field("stripe_secret_key", "API key", "password")],
                    vec![field("signing_secret", "Signing secret", "password")],
                ),
            ),
            (
                "Hubspot".to_owned(),
                config("Hubspot", "Connect your Hubspot account.", vec![field("hubspot_integration_id", "Hubspot account", "oauth")], Vec::new()),
            ),
            (
                "Postgres".to_owned(),
                config(
                    "Postgres",
                    "Enter your Postgres credentials to automatically pull your Postgres data into the PostHog Data warehouse.",
                    ["host", "port", "database", "user", "password", "schema"]
                        .iter()
                        .map(|f| field(f, f, if *f == "password" { "password" } else { "text" }))
                        .collect(),
                    Vec::new(),
                ),
            ),
        ]);
        Ok(ExternalDataSourcesWizardResponse::Ok(wizard))
    }
}

/// True for a missing or blank setting.
fn blank(value: Option<&str>) -> bool {
    value.map_or(true, |s| s.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_internal_hosts() {
        for host in [
            "localhost",
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.0.9",
            "[::1]",
            "0.0.0.0",
        ] {
            assert!(internal_host(host), "{host}");
        }
        for host in ["db.example.com", "8.8.8.8", "172.32.0.1"] {
            assert!(!internal_host(host), "{host}");
        }
    }

    #[test]
    fn offers_demo_tables_for_known_types() {
        assert_eq!(
            demo_tables(&ExternalDataSourceType::Stripe).unwrap().len(),
            4
        );
        assert!(demo_tables(&ExternalDataSourceType::Unknown("Nope".into())).is_none());
    }
}
