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
    /// Request headers every operation takes (`api.headers`).
    pub headers: Vec<Param>,
    /// Response headers any answer may carry (`api.response_headers`).
    pub response_headers: Vec<Param>,
    /// The header the API reads idempotency keys from (`api.idempotency_header`).
    pub idempotency_header: Option<Name>,
}

/// How callers authenticate: one or several schemes, and the scope rules every scheme shares.
#[derive(Debug, Clone, PartialEq)]
pub struct Auth {
    pub span: Span,
    /// In spec order. The single-scheme form (`auth: {scheme: bearer, ...}`) gives one scheme.
    pub schemes: Vec<AuthScheme>,
    /// The schemes an operation accepts unless it says otherwise (`auth.default`); empty: every scheme.
    pub default: Vec<Name>,
    pub wildcard_scope: Option<Name>,
    pub implied_scopes: Vec<ScopeRule>,
}

/// One way of presenting credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthScheme {
    /// The scheme's name: the OpenAPI `securitySchemes` key, and what operations' `auth:` lists refer to.
    pub name: Name,
    pub kind: Spanned<SchemeKind>,
    /// Where an API key goes (`in`, with `name`): API keys only.
    pub key_location: Option<Spanned<KeyLocation>>,
    /// The header or query parameter an API key goes in.
    pub key_name: Option<Name>,
    pub env: Option<Name>,
    pub description: Option<String>,
}

/// The kinds of credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `Authorization: Basic base64(user:password)`.
    Basic,
    /// A key in a header or a query parameter of the spec's naming.
    ApiKey,
}

impl SchemeKind {
    pub const ALL: [(&'static str, SchemeKind); 3] = [
        ("bearer", SchemeKind::Bearer),
        ("basic", SchemeKind::Basic),
        ("api_key", SchemeKind::ApiKey),
    ];
}

/// Where an API key is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    Header,
    Query,
}

/// What an operation accepts as credentials (`auth:` of an operation).
#[derive(Debug, Clone, PartialEq)]
pub enum OpAuth {
    /// `auth` absent or `true`: the API's default schemes.
    Default,
    /// `auth: false`: callable without credentials.
    Open,
    /// `auth: [scheme, ...]`: any one of these schemes.
    AnyOf(Vec<Name>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScopeRule {
    pub from: Name,
    pub grants: Name,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PaginationStyle {
    pub name: Name,
    pub style: Spanned<PageStyleKind>,
    pub description: Option<String>,
    pub limit_param: Option<Name>,
    pub offset_param: Option<Name>,
    pub default_limit: Option<i64>,
    /// The largest page size the server gives (`max_limit`), and what a larger limit gets (`above_max_limit`).
    pub max_limit: Option<Spanned<i64>>,
    pub above_max_limit: Option<Spanned<AboveMaxLimit>>,
    pub page_param: Option<Name>,
    pub page_size: Option<i64>,
    pub count: Option<Name>,
    pub next: Option<Name>,
    pub previous: Option<Name>,
    pub results: Option<Name>,
    /// Cursor style: the query parameter the next request sets (`starting_after`, `after`).
    pub cursor_param: Option<Name>,
    /// Cursor style: the field of the last item whose value is the next cursor (`id`).
    pub cursor_item: Option<Name>,
    /// Cursor style: the envelope field holding the next cursor (`next_cursor`).
    pub cursor_field: Option<Name>,
    /// Cursor style: the envelope's boolean that says whether more pages follow (`has_more`).
    pub has_more: Option<Name>,
    /// Other fields of the page envelope (Stripe's `object` and `url`), after the style's own.
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Errors {
    pub span: Span,
    pub models: Vec<Name>,
    /// The standard answers by kind (`unauthenticated`, `validation`, ...), in spec order.
    pub answers: Vec<ErrorAnswer>,
    /// Which answer a path parameter that does not parse gets (`validation`, the default, or `not_found`).
    pub malformed_path: Option<Spanned<ErrorKind>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorAnswer {
    pub kind: Spanned<ErrorKind>,
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
    /// Set for a model written inline where a type was expected (a field's, a body's, ...): where, for messages.
    pub inline: Option<String>,
    /// `renamed_from`: the model's name in an earlier version of the spec (read by `apigen diff` only).
    pub renamed_from: Option<Name>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ModelKind {
    Struct {
        fields: Vec<Field>,
        reject_unknown_fields: bool,
        /// Models whose fields come first, in order (composition).
        extends: Vec<Name>,
    },
    Enum {
        values: Vec<EnumValue>,
        open: bool,
    },
    Union {
        /// The field naming the variant; `None` for an untagged union, whose variants are tried in order.
        tag: Option<Name>,
        variants: Vec<UnionVariant>,
        open: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    pub value: Spanned<Literal>,
    pub description: Option<String>,
    pub rust_name: Option<Name>,
    pub deprecated: Option<Deprecation>,
}

/// A scalar as written in YAML: a string (quoted, or plain text that is no number or boolean), an integer or a
/// boolean.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Literal {
    Str(String),
    Int(i64),
    Bool(bool),
}

impl Literal {
    /// The value as text (`1`, `true`, `low`).
    pub fn text(&self) -> String {
        match self {
            Literal::Str(s) => s.clone(),
            Literal::Int(i) => i.to_string(),
            Literal::Bool(b) => b.to_string(),
        }
    }

    /// The kind of value, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Literal::Str(_) => "a string",
            Literal::Int(_) => "an integer",
            Literal::Bool(_) => "a boolean",
        }
    }
}

/// One variant of a union: for a tagged union, the tag's value that selects it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub tag: Option<Name>,
    pub ty: Spanned<TypeExpr>,
    pub rust_name: Option<Name>,
    pub description: Option<String>,
}

/// `deprecated: true` or `deprecated: "why, and what to use instead"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Deprecation {
    pub note: Option<String>,
    pub span: Span,
}

/// Which request form of a model-typed field's model a create or PATCH body holds (`write_as`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteAs {
    /// The model's create body, in create and PATCH bodies alike.
    Create,
    /// The create body in create bodies, the PATCH body in PATCH bodies.
    Patch,
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
    /// The value an absent field takes.
    pub default: Option<Spanned<serde_json::Value>>,
    pub deprecated: Option<Deprecation>,
    pub write_as: Option<Spanned<WriteAs>>,
    /// `renamed_from`: the field's wire name in an earlier version of the spec (read by `apigen diff` only).
    pub renamed_from: Option<Name>,
}

/// Documented value constraints; generated servers enforce them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Constraints {
    pub max_length: Option<i64>,
    pub min_length: Option<i64>,
    pub pattern: Option<Name>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_items: Option<i64>,
    pub max_items: Option<i64>,
    /// Where each constraint's value is written, by key (`"min_items"`), so that a mistake in one points at it.
    pub spans: Vec<(&'static str, Span)>,
}

impl Constraints {
    /// Whether any constraint is written.
    pub fn any(&self) -> bool {
        // Every field named, so that a new constraint cannot be forgotten here; where they are written is no
        // constraint.
        let Constraints {
            max_length,
            min_length,
            pattern,
            minimum,
            maximum,
            min_items,
            max_items,
            spans: _,
        } = self;
        max_length.is_some()
            || min_length.is_some()
            || pattern.is_some()
            || minimum.is_some()
            || maximum.is_some()
            || min_items.is_some()
            || max_items.is_some()
    }

    /// Where the first of `keys` written in the spec is, if any.
    pub fn span_of(&self, keys: &[&str]) -> Option<Span> {
        self.spans
            .iter()
            .filter(|(key, _)| keys.contains(key))
            .map(|(_, span)| *span)
            .min_by_key(|span| span.offset)
    }
}

impl TypeExpr {
    /// The type as written in a spec, for messages (`list<string>`, `uuid`, `Label`).
    pub fn text(&self) -> String {
        match self {
            TypeExpr::Prim(p) => p.name().to_owned(),
            TypeExpr::List(i) => format!("list<{}>", i.text()),
            TypeExpr::Map(i) => format!("map<{}>", i.text()),
            TypeExpr::Named(n) => n.clone(),
            TypeExpr::Page(i) => format!("page<{}>", i.text()),
            TypeExpr::Create(n) => format!("create<{n}>"),
            TypeExpr::Patch(n) => format!("patch<{n}>"),
            TypeExpr::Events(i) => format!("events<{}>", i.text()),
            TypeExpr::None => "none".to_owned(),
        }
    }

    /// A multipart body's file part (`binary`), or its file parts of one name (`list<binary>`).
    pub fn is_file(&self) -> bool {
        match self {
            TypeExpr::Prim(Prim::Binary) => true,
            TypeExpr::List(inner) => matches!(**inner, TypeExpr::Prim(Prim::Binary)),
            _ => false,
        }
    }
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
    /// `events<T>`: a stream of server-sent events whose data are `T` (responses only).
    Events(Box<TypeExpr>),
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
    /// Raw bytes: a binary body or answer, or a file part of a multipart body.
    Binary,
}

impl Prim {
    pub const ALL: [(&'static str, Prim); 11] = [
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
        ("binary", Prim::Binary),
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
    pub default: Option<Spanned<serde_json::Value>>,
    pub deprecated: Option<Deprecation>,
    pub constraints: Constraints,
    /// How a list or object is written in the query (`style`).
    pub style: Option<Spanned<ParamStyle>>,
}

/// How a query parameter that is a list or an object is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `a=1&a=2` (the default for lists).
    Form,
    /// `a=1,2`.
    Comma,
    /// `a[]=1&a[]=2`.
    Brackets,
    /// `a[gt]=1&a[lt]=5` (objects; the only way they are written).
    DeepObject,
}

impl ParamStyle {
    pub const ALL: [(&'static str, ParamStyle); 4] = [
        ("form", ParamStyle::Form),
        ("comma", ParamStyle::Comma),
        ("brackets", ParamStyle::Brackets),
        ("deep_object", ParamStyle::DeepObject),
    ];

    pub fn name(self) -> &'static str {
        ParamStyle::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map_or("?", |(n, _)| n)
    }
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
    pub method: Spanned<Method>,
    pub path: Option<Name>,
    pub operation_id: Option<Name>,
    pub summary: String,
    pub description: Option<String>,
    pub scopes: Vec<Name>,
    pub auth: OpAuth,
    pub params: Vec<Param>,
    pub query: Vec<Param>,
    /// Request headers of this operation (besides the API's).
    pub headers: Vec<Param>,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
    pub pagination: Option<Name>,
    pub idempotent: Option<bool>,
    /// Whether the operation takes the API's idempotency key (default: when it is not idempotent).
    pub idempotency_key: Option<Spanned<bool>>,
    pub deprecated: Option<Deprecation>,
    /// `renamed_from`: the operation's name in an earlier version of the spec (read by `apigen diff` only).
    pub renamed_from: Option<Name>,
}

/// A request body: its type and how it is encoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub ty: Spanned<TypeExpr>,
    /// `content`, as written: `json`, `form`, `multipart` or a media type; `None` for JSON.
    pub content: Option<Name>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: Spanned<StatusKey>,
    pub ty: Spanned<TypeExpr>,
    pub description: Option<String>,
    /// The media types of the body (`content`), as written; empty: the type's default.
    pub content: Vec<Name>,
    /// Response headers of this answer (besides the API's).
    pub headers: Vec<Param>,
    /// For an event stream: the `data` that ends it (`[DONE]`).
    pub sentinel: Option<Name>,
}

/// A response's key: a status, a range of statuses (`4XX`) or every status not listed (`default`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(into = "String")]
pub enum StatusKey {
    Code(u16),
    /// The hundreds digit: `4` for `4XX`.
    Range(u8),
    Default,
}

impl From<StatusKey> for String {
    fn from(status: StatusKey) -> String {
        status.text()
    }
}

impl From<u16> for StatusKey {
    fn from(code: u16) -> Self {
        StatusKey::Code(code)
    }
}

impl std::fmt::Display for StatusKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

impl StatusKey {
    /// As written in OpenAPI: `200`, `4XX`, `default`.
    pub fn text(self) -> String {
        match self {
            StatusKey::Code(c) => c.to_string(),
            StatusKey::Range(d) => format!("{d}XX"),
            StatusKey::Default => "default".into(),
        }
    }

    /// Whether answers with this key are successes (2xx).
    pub fn is_success(self) -> bool {
        match self {
            StatusKey::Code(c) => (200..300).contains(&c),
            StatusKey::Range(d) => d == 2,
            StatusKey::Default => false,
        }
    }
}

/// What the server does with a page size above the style's `max_limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AboveMaxLimit {
    /// Answers the validation error naming the limit parameter (Stripe).
    Reject,
    /// Gives `max_limit` items instead (GitHub, Django REST framework).
    Clamp,
}

impl AboveMaxLimit {
    pub const ALL: [(&'static str, AboveMaxLimit); 2] = [
        ("reject", AboveMaxLimit::Reject),
        ("clamp", AboveMaxLimit::Clamp),
    ];
}

/// The pagination styles of the language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyleKind {
    LimitOffset,
    PageNumber,
    /// The next request sets a cursor parameter from the last item or from the envelope.
    Cursor,
    /// The next page's URL is in the `Link` header (`rel="next"`); the body is the list itself.
    Link,
}

impl PageStyleKind {
    pub const ALL: [(&'static str, PageStyleKind); 4] = [
        ("limit_offset", PageStyleKind::LimitOffset),
        ("page_number", PageStyleKind::PageNumber),
        ("cursor", PageStyleKind::Cursor),
        ("link", PageStyleKind::Link),
    ];

    pub fn name(self) -> &'static str {
        match self {
            PageStyleKind::LimitOffset => "limit_offset",
            PageStyleKind::PageNumber => "page_number",
            PageStyleKind::Cursor => "cursor",
            PageStyleKind::Link => "link",
        }
    }
}

// The methods and the kinds of standard error answers are the runtime's own enums, so the generator and the
// generated code spell them alike.
pub use apigen_runtime::{ErrorKind, HttpMethod as Method};

/// Whether an API must declare the answer `kind`: the generated server gives it, and has no other body for it.
pub fn error_kind_required(kind: ErrorKind, has_auth: bool) -> bool {
    match kind {
        ErrorKind::Validation | ErrorKind::NotFound => true,
        ErrorKind::Unauthenticated | ErrorKind::InvalidCredentials | ErrorKind::MissingScope => {
            has_auth
        }
        ErrorKind::MethodNotAllowed | ErrorKind::PayloadTooLarge | ErrorKind::ServerError => false,
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Facts about spec values, shared by validate and lower.
// ---------------------------------------------------------------------------------------------------------------

/// Splits a path into its `{param}` names, or says what is malformed.
pub fn path_params(path: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return Err("a `}` without a matching `{`".into());
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or("a `{` without a matching `}`")?;
        let name = &after[..close];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "`{{{name}}}` is not a parameter name (letters, digits and `_` only)"
            ));
        }
        let seg_start = rest[..open].rfind('/').map_or(0, |i| i + 1);
        let seg_end = after[close + 1..]
            .find('/')
            .map_or(after.len(), |i| close + 1 + i);
        if open != seg_start || close + 1 != seg_end {
            return Err(format!(
                "`{{{name}}}` must fill a whole path segment, as in `/items/{{{name}}}/`"
            ));
        }
        out.push(name);
        rest = &after[close + 1..];
    }
    Ok(out)
}

/// True for a scope string the language accepts: segments of letters, digits, `_`, `-`, `.` joined by `:`.
pub fn is_valid_scope(scope: &str) -> bool {
    !scope.is_empty()
        && scope.split(':').all(|seg| {
            !seg.is_empty()
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        })
}

/// Joins path pieces with single slashes: `["/api", "/items", "/{id}/"]` → `/api/items/{id}/`.
pub fn join_path(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts.iter().filter(|p| !p.is_empty()) {
        if out.ends_with('/') && p.starts_with('/') {
            out.push_str(&p[1..]);
        } else if !out.is_empty() && !out.ends_with('/') && !p.starts_with('/') {
            out.push('/');
            out.push_str(p);
        } else {
            out.push_str(p);
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

impl Spec {
    /// The full path of `op` in `resource`: base path, resource path and the operation's own path, joined.
    pub fn op_path(&self, resource: &Resource, op: &Operation) -> String {
        let base = self.api.base_path.as_ref().map_or("", |b| b.value.as_str());
        let own = op.path.as_ref().map_or("", |p| p.value.as_str());
        join_path(&[base, &resource.path.value, own])
    }
}

impl Model {
    /// The struct's fields with those of the models it extends first, bases in order, each base's own bases
    /// before it; a base that is not a struct, or that was already met (a cycle), adds nothing. `lookup` finds a
    /// model by name.
    pub fn all_fields<'s>(&'s self, lookup: &dyn Fn(&str) -> Option<&'s Model>) -> Vec<&'s Field> {
        fn walk<'s>(
            m: &'s Model,
            lookup: &dyn Fn(&str) -> Option<&'s Model>,
            seen: &mut Vec<&'s str>,
            out: &mut Vec<&'s Field>,
        ) {
            if seen.contains(&m.name.value.as_str()) {
                return;
            }
            seen.push(&m.name.value);
            if let ModelKind::Struct {
                fields, extends, ..
            } = &m.kind
            {
                for base in extends {
                    if let Some(b) = lookup(&base.value) {
                        walk(b, lookup, seen, out);
                    }
                }
                out.extend(fields.iter());
            }
        }
        let mut out = Vec::new();
        walk(self, lookup, &mut Vec::new(), &mut out);
        out
    }
}

impl Operation {
    /// Whether retrying the operation is safe: as written, or by its method.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent.unwrap_or(self.method.value.is_idempotent())
    }
}

impl PaginationStyle {
    /// The query parameters the style adds, with the server's default value (for docs).
    pub fn params(&self) -> Vec<(String, Option<i64>)> {
        let name = |n: &Option<Name>, default: &str| {
            n.as_ref().map_or(default.to_owned(), |n| n.value.clone())
        };
        match self.style.value {
            PageStyleKind::LimitOffset => vec![
                (name(&self.limit_param, "limit"), self.default_limit),
                (name(&self.offset_param, "offset"), None),
            ],
            PageStyleKind::PageNumber => vec![(name(&self.page_param, "page"), None)],
            PageStyleKind::Cursor => {
                let mut params = Vec::new();
                if let Some(limit) = &self.limit_param {
                    params.push((limit.value.clone(), self.default_limit));
                }
                params.push((name(&self.cursor_param, "cursor"), None));
                params
            }
            // A Link-paginated list is asked for page by page only through the links; the first request may
            // still choose a page and its size.
            PageStyleKind::Link => {
                let mut params = Vec::new();
                if let Some(limit) = &self.limit_param {
                    params.push((limit.value.clone(), self.default_limit));
                }
                if let Some(page) = &self.page_param {
                    params.push((page.value.clone(), None));
                }
                params
            }
        }
    }
}

impl TypeExpr {
    /// The envelope type name for `page<T>` of this item type.
    pub fn page_name(&self) -> String {
        fn stem(t: &TypeExpr) -> String {
            match t {
                TypeExpr::Prim(p) => crate::ident::camel_stem(p.name()),
                TypeExpr::List(i) => format!("{}List", stem(i)),
                TypeExpr::Map(i) => format!("{}Map", stem(i)),
                TypeExpr::Named(n) => crate::ident::camel_stem(n),
                _ => "Item".into(),
            }
        }
        crate::ident::type_name_of(&["Paginated", &stem(self), "List"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_params_are_whole_segments() {
        assert_eq!(path_params("/a/{id}/b/{x_1}/"), Ok(vec!["id", "x_1"]));
        assert!(path_params("/a/{id").is_err());
        assert!(path_params("/a/id}").is_err());
        assert!(path_params("/a/x{id}")
            .unwrap_err()
            .contains("whole path segment"));
        assert!(path_params("/a/{}").is_err());
    }

    #[test]
    fn joins_paths() {
        assert_eq!(
            join_path(&["/api/projects/{project_id}", "/insight_variables", "/{id}/"]),
            "/api/projects/{project_id}/insight_variables/{id}/"
        );
        assert_eq!(join_path(&["", "/items", "/"]), "/items/");
        assert_eq!(join_path(&["", "/items", ""]), "/items");
    }

    #[test]
    fn scopes() {
        assert!(is_valid_scope("insight_variable:read"));
        assert!(is_valid_scope("admin"));
        assert!(!is_valid_scope("a::b"));
        assert!(!is_valid_scope("has space:read"));
        assert!(!is_valid_scope(""));
    }

    #[test]
    fn only_the_answers_a_server_gives_without_a_body_of_its_own_are_optional() {
        assert!(error_kind_required(ErrorKind::NotFound, false));
        assert!(!error_kind_required(ErrorKind::MissingScope, false));
        assert!(error_kind_required(ErrorKind::MissingScope, true));
        assert!(!error_kind_required(ErrorKind::ServerError, true));
    }
}
