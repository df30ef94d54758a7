//! The IR: the API resolved, named and typed, as plain data.
//!
//! Every model, field, parameter and operation carries its Rust name and its wire name. Types are resolved
//! (`Ty::Named` always points at a type that exists). Emitters read only this, never the spec or the YAML.

/// The whole API, ready to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Package name of the generated crate (`posthog-data-warehouse`).
    pub package_name: String,
    /// Crate name as used in `use` paths (`posthog_data_warehouse`).
    pub crate_name: String,
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub server: String,
    pub server_env: Option<String>,
    pub auth: Option<Auth>,
    /// Parameters of the base path, shared by every operation (e.g. `project_id`).
    pub base_params: Vec<Param>,
    pub structs: Vec<Struct>,
    pub enums: Vec<Enum>,
    pub pagination: Vec<Pagination>,
    pub errors: Errors,
    pub resources: Vec<Resource>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    /// Security scheme name (OpenAPI), e.g. `PersonalAPIKeyAuth`.
    pub scheme_name: String,
    pub env: Option<String>,
    pub description: Option<String>,
    pub wildcard_scope: Option<String>,
    pub implied_scopes: Vec<(String, String)>,
}

/// A struct model. One spec model gives up to three: the response, its create body and its PATCH body.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub rust_name: String,
    /// The model's name in the spec (also the OpenAPI component name).
    pub wire_name: String,
    pub doc: String,
    pub role: StructRole,
    pub fields: Vec<Field>,
    /// Response role only: the model's write-only fields, which the Rust type leaves out. Kept so that documents
    /// describing the whole model (OpenAPI, API reference) still show them.
    pub write_only_fields: Vec<Field>,
    pub reject_unknown_fields: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructRole {
    /// What the server sends (write-only fields left out).
    Response,
    /// A create request body (read-only fields left out).
    Create,
    /// A PATCH request body (read-only fields left out, every field optional).
    Patch,
    /// A pagination envelope.
    Page,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub rust_name: String,
    pub wire_name: String,
    pub doc: String,
    pub ty: Ty,
    /// May be absent on the wire.
    pub optional: bool,
    /// May be `null` on the wire.
    pub nullable: bool,
    /// The type refers back to its own struct without a list or map between: it must be boxed.
    pub boxed: bool,
    pub constraints: Constraints,
    pub example: Option<serde_json::Value>,
    /// Whether the field appears in responses, requests, or both.
    pub access: Access,
}

/// Which direction a field travels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    /// Only in responses.
    ReadOnly,
    /// Only in requests.
    WriteOnly,
}

impl Field {
    /// How the field is represented in Rust.
    pub fn presence(&self) -> Presence {
        match (self.optional, self.nullable) {
            (false, false) => Presence::Required,
            (false, true) => Presence::Nullable,
            (true, false) => Presence::Optional,
            (true, true) => Presence::Tristate,
        }
    }
}

/// Whether a field may be absent and/or null, which decides its Rust type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// `T`
    Required,
    /// `Option<T>`, always sent (`null` for `None`).
    Nullable,
    /// `Option<T>`, left out when `None`.
    Optional,
    /// `Nullable<T>`: absent, null or a value.
    Tristate,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Constraints {
    pub max_length: Option<i64>,
    pub min_length: Option<i64>,
    pub pattern: Option<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// A resolved type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    String,
    I64,
    F64,
    Bool,
    Uuid,
    DateTime,
    Date,
    /// A string documented as a URI.
    Uri,
    /// A string documented as an e-mail address.
    Email,
    Json,
    List(Box<Ty>),
    Map(Box<Ty>),
    /// A struct or enum, by Rust name.
    Named(String),
}

impl Ty {
    /// True for the types a path or query parameter can take.
    pub fn is_scalar(&self) -> bool {
        !matches!(self, Ty::Json | Ty::List(_) | Ty::Map(_)) && !matches!(self, Ty::Named(_))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enum {
    pub rust_name: String,
    pub wire_name: String,
    pub doc: String,
    pub variants: Vec<Variant>,
    /// Unknown values decode into an `Unknown(String)` variant instead of failing.
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub rust_name: String,
    pub wire_name: String,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    pub name: String,
    pub doc: Option<String>,
    pub style: PageStyle,
    pub count: String,
    pub next: String,
    pub previous: String,
    pub results: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStyle {
    LimitOffset {
        limit_param: String,
        offset_param: String,
        default_limit: Option<i64>,
    },
    PageNumber {
        page_param: String,
        page_size: Option<i64>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Errors {
    /// Error body types (Rust names), tried in order when decoding an error response.
    pub models: Vec<String>,
    pub answers: Vec<ErrorAnswer>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorAnswer {
    /// `unauthenticated`, `invalid_credentials`, `missing_scope`, `validation`, `not_found`, ...
    pub kind: String,
    pub status: u16,
    pub model: String,
    pub body: serde_json::Value,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// Module/method name (`insight_variables`).
    pub rust_name: String,
    /// Type name (`InsightVariables`).
    pub type_name: String,
    pub wire_name: String,
    pub doc: Option<String>,
    pub operations: Vec<Operation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Method name within its resource (`partial_update`).
    pub rust_name: String,
    /// Type-name stem (`InsightVariablesPartialUpdate`), unique across the API.
    pub type_name: String,
    /// The operation's name in the spec.
    pub wire_name: String,
    /// OpenAPI operationId.
    pub operation_id: String,
    pub method: Method,
    /// Full path template, base path included (`/api/projects/{project_id}/insight_variables/{id}/`).
    pub path: String,
    pub segments: Vec<Segment>,
    pub summary: String,
    pub description: Option<String>,
    pub scopes: Vec<String>,
    pub auth: bool,
    /// Path parameters in path order (base parameters included).
    pub path_params: Vec<Param>,
    pub query_params: Vec<Param>,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
    pub pagination: Option<OpPagination>,
    pub idempotent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    /// A parameter by wire name.
    Param(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub rust_name: String,
    pub wire_name: String,
    pub doc: Option<String>,
    pub ty: Ty,
    pub required: bool,
    pub example: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub ty: Ty,
    /// The body is a PATCH body (`patch<M>`): every field optional.
    pub is_patch: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// `None`: no body.
    pub ty: Option<Ty>,
    pub doc: Option<String>,
    /// Variant name in the operation's response enum (`Ok`, `Created`, `BadRequest`, ...).
    pub variant: String,
    pub is_success: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpPagination {
    /// Index into [`Api::pagination`].
    pub style: usize,
    /// The item type of `results`.
    pub item: Ty,
    /// The envelope struct's Rust name.
    pub envelope: String,
}
