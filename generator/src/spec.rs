//! The spec as written: the types [`crate::load`] fills from YAML, every name and type with its [`Span`].
//!
//! These types mirror the language one to one (see the spec language in README.md); nothing here is resolved yet.
//! Names are still wire names, type expressions still unresolved. [`crate::validate`] checks them and
//! [`crate::lower`] turns them into the IR.

use crate::diagnostic::Span;

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

pub type Name = Spanned<String>;

#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub api: Api,
    pub pagination: Vec<PaginationStyle>,
    pub errors: Errors,
    pub models: Vec<Model>,
    pub resources: Vec<Resource>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub name: Name,
    pub title: String,
    pub version: Name,
    pub description: Option<String>,
    pub server: Name,
    pub server_env: Option<Name>,
    pub auth: Option<Auth>,
    pub base_path: Option<Name>,
    pub base_params: Vec<Param>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Auth {
    pub scheme: Name,
    pub name: Option<Name>,
    pub env: Option<Name>,
    pub description: Option<String>,
    pub wildcard_scope: Option<Name>,
    pub implied_scopes: Vec<ScopeRule>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScopeRule {
    pub from: Name,
    pub grants: Name,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PaginationStyle {
    pub name: Name,
    pub style: Name,
    pub description: Option<String>,
    pub limit_param: Option<Name>,
    pub offset_param: Option<Name>,
    pub default_limit: Option<i64>,
    pub page_param: Option<Name>,
    pub page_size: Option<i64>,
    pub count: Option<Name>,
    pub next: Option<Name>,
    pub previous: Option<Name>,
    pub results: Option<Name>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Errors {
    pub span: Span,
    pub models: Vec<Name>,
    /// The standard answers by kind (`unauthenticated`, `validation`, ...), in spec order.
    pub answers: Vec<ErrorAnswer>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorAnswer {
    pub kind: Name,
    pub status: Spanned<i64>,
    pub model: Name,
    pub body: serde_json::Value,
    pub body_span: Span,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub name: Name,
    pub description: Option<String>,
    pub kind: ModelKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ModelKind {
    Struct {
        fields: Vec<Field>,
        reject_unknown_fields: bool,
    },
    Enum {
        values: Vec<EnumValue>,
        open: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    pub value: Name,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: Name,
    pub ty: Spanned<TypeExpr>,
    pub description: Option<String>,
    pub nullable: bool,
    pub optional: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub required_on_create: bool,
    pub constraints: Constraints,
    pub example: Option<serde_json::Value>,
    pub rust_name: Option<Name>,
}

/// Documented value constraints; generated servers enforce them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Constraints {
    pub max_length: Option<i64>,
    pub min_length: Option<i64>,
    pub pattern: Option<Name>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
}

/// A type expression as written (`list<InsightVariable>`, `uuid`, `page<X>` ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeExpr {
    Prim(Prim),
    List(Box<TypeExpr>),
    Map(Box<TypeExpr>),
    Named(String),
    Page(Box<TypeExpr>),
    Create(String),
    Patch(String),
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prim {
    String,
    Integer,
    Number,
    Boolean,
    Uuid,
    DateTime,
    Date,
    Uri,
    Email,
    Json,
}

impl Prim {
    pub const ALL: [(&'static str, Prim); 10] = [
        ("string", Prim::String),
        ("integer", Prim::Integer),
        ("number", Prim::Number),
        ("boolean", Prim::Boolean),
        ("uuid", Prim::Uuid),
        ("datetime", Prim::DateTime),
        ("date", Prim::Date),
        ("uri", Prim::Uri),
        ("email", Prim::Email),
        ("json", Prim::Json),
    ];

    pub fn name(self) -> &'static str {
        Prim::ALL
            .iter()
            .find(|(_, p)| *p == self)
            .map_or("?", |(n, _)| n)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: Name,
    pub ty: Spanned<TypeExpr>,
    pub description: Option<String>,
    pub required: bool,
    pub example: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub name: Name,
    pub description: Option<String>,
    pub path: Name,
    pub operations: Vec<Operation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub name: Name,
    pub method: Name,
    pub path: Option<Name>,
    pub operation_id: Option<Name>,
    pub summary: String,
    pub description: Option<String>,
    pub scopes: Vec<Name>,
    pub auth: bool,
    pub params: Vec<Param>,
    pub query: Vec<Param>,
    pub body: Option<Spanned<TypeExpr>>,
    pub responses: Vec<Response>,
    pub pagination: Option<Name>,
    pub idempotent: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: Spanned<i64>,
    pub ty: Spanned<TypeExpr>,
    pub description: Option<String>,
}
