//! The IR: the API resolved, named and typed, as plain data, with every decision already made.
//!
//! [`crate::lower`] builds it from a validated spec; the emitters only print it. So everything an emitter needs is
//! here, decided once: every Rust name (types, fields, accessors, setters, arguments, handlers, response variants),
//! each parameter's location, each response's role, which types the server checks, which standard error answers
//! each operation can give, which optional dependencies the crate uses. Types refer to each other by [`TypeId`], an
//! index into [`Api::types`] that `lower` hands out, so a reference can never dangle and no emitter looks a name up.
//! Spans are kept beside what they locate, for tools that compare two specs (`apigen diff`).

pub use crate::diagnostic::Span;
pub use crate::spec::{ErrorKind, KeyLocation, Literal, Method, ParamStyle, SchemeKind, StatusKey};

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
    /// Default base URL, without a trailing `/`.
    pub server: String,
    pub server_env: Option<String>,
    pub auth: Option<Auth>,
    /// Request headers every operation takes, set once on the client; the server checks them on every operation.
    pub headers: Vec<Param>,
    /// Response headers any answer may carry.
    pub response_headers: Vec<Header>,
    /// Every named type: models, their create and PATCH bodies, page envelopes. [`TypeId`]s index it.
    pub types: Vec<TypeDef>,
    pub pagination: Vec<Pagination>,
    pub errors: Errors,
    pub resources: Vec<Resource>,
    /// The types a request can carry, in [`Api::types`] order: the server's input schema describes exactly these.
    pub request_types: Vec<TypeId>,
    /// What only a comparison of two versions needs (`apigen diff`): declared renames, and where the items that
    /// carry no span of their own were written. No emitter reads it.
    pub evolution: Evolution,
}

/// Facts for comparing two versions of a spec.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Evolution {
    /// Where `api.version` is written.
    pub version_span: Span,
    /// Where `api.auth` is written (its `scheme`), if it is.
    pub auth_span: Option<Span>,
    /// Where the `errors` section is written.
    pub errors_span: Span,
    /// Every `renamed_from` of the spec: what an item was called in an earlier version.
    pub renames: Vec<Rename>,
    /// The models defined in place (their names are derived from where they stand), in [`Api::types`] order.
    pub inline: Vec<TypeId>,
}

/// A declared rename: `to` (this version's wire name) was `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    pub kind: RenameKind,
    pub from: String,
    pub to: String,
    /// Where `renamed_from` is written.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenameKind {
    /// A model (its wire name).
    Model,
    /// A field of the struct model `model` (its fields inherited through `extends` included).
    Field { model: String },
    /// An operation of the resource `resource`.
    Operation { resource: String },
}

impl Api {
    /// The type `id` names. Ids are only made by `lower`, as indexes of `types`, so the index is always in range.
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The struct `id` names, if it is one.
    pub fn struct_(&self, id: TypeId) -> Option<&Struct> {
        match &self.ty(id).kind {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        }
    }

    /// The enum `id` names, if it is one.
    pub fn enum_(&self, id: TypeId) -> Option<&Enum> {
        match &self.ty(id).kind {
            TypeKind::Enum(e) => Some(e),
            _ => None,
        }
    }

    /// Every operation with its resource, in spec order.
    pub fn operations(&self) -> impl Iterator<Item = (&Resource, &Operation)> {
        self.resources
            .iter()
            .flat_map(|r| r.operations.iter().map(move |op| (r, op)))
    }
}

/// How callers authenticate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    /// In spec order; operations refer to them by index.
    pub schemes: Vec<Scheme>,
    /// The schemes an operation accepts unless it says otherwise, by index, in preference order.
    pub default: Vec<usize>,
    pub wildcard_scope: Option<String>,
    /// `(from, grants)` rules; `{object}` stands for one scope segment.
    pub implied_scopes: Vec<(String, String)>,
}

impl Auth {
    /// The environment variable of the first default scheme that names one (then of any scheme): where docs say
    /// the credential is kept.
    pub fn env(&self) -> Option<&str> {
        self.default
            .iter()
            .filter_map(|i| self.schemes.get(*i))
            .chain(&self.schemes)
            .find_map(|s| s.env.as_deref())
    }
}

/// One way of presenting credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    /// The scheme's name in the spec and in OpenAPI's `securitySchemes` (`PersonalAPIKeyAuth`).
    pub name: String,
    pub kind: SchemeKind,
    /// For API keys: where the key goes and under which header or parameter name.
    pub key: Option<(KeyLocation, String)>,
    /// The environment variable users keep the credential in.
    pub env: Option<String>,
    pub description: Option<String>,
    pub span: Span,
}

/// An index into [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// A named type of the generated crate.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub rust_name: String,
    /// Its name in documents (the OpenAPI component name): the model's spec name, `{M}Create`, ...
    pub wire_name: String,
    /// The type's documentation (the spec's text, or a sentence saying what the type is).
    pub doc: String,
    /// Where the model it comes from was defined.
    pub span: Span,
    pub origin: Origin,
    pub kind: TypeKind,
    /// Its index among [`Api::request_types`] (the server's input schema), if a request can carry it.
    pub schema_index: Option<usize>,
}

/// Why a type exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A model of the spec (what the server sends, for a struct).
    Model,
    /// The create request body of a model.
    Create { of: TypeId },
    /// The PATCH request body of a model.
    Patch { of: TypeId },
    /// A page envelope of a paginated list.
    Page { style: PaginationId },
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    Enum(Enum),
    Union(Union),
}

impl TypeKind {
    /// A struct's fields (the Rust type's); none for an enum or a union.
    pub fn fields(&self) -> &[Field] {
        match self {
            TypeKind::Struct(s) => &s.fields,
            TypeKind::Enum(_) | TypeKind::Union(_) => &[],
        }
    }
}

/// One of several types: chosen by a tag field's value, or (untagged) the first that fits, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// The tag field's wire name; `None` for an untagged union.
    pub tag: Option<String>,
    pub variants: Vec<UnionVariant>,
    /// A client keeps a value of no known variant as raw JSON (`Unknown`) instead of failing; a server refuses it.
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub rust_name: String,
    /// The tag value that selects it (tagged unions).
    pub tag: Option<String>,
    pub ty: Ty,
    pub doc: String,
    pub span: Span,
    /// Tagged unions: the variant's struct declares the tag field itself (so it keeps it when decoding alone).
    pub declares_tag: bool,
}

/// How a struct gets `Default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultImpl {
    None,
    /// Every field may be left out: `#[derive(Default)]` is the empty value.
    Derive,
    /// Every field may be left out or has a default: an `impl Default` with the spec's defaults.
    Manual,
}

/// `deprecated` in the spec, with its note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecated {
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Model structs only: the write-only fields, which the Rust type leaves out. Kept so that documents describing
    /// the whole model (OpenAPI, API reference) still show them.
    pub write_only_fields: Vec<Field>,
    /// A request carrying it is refused when it has a field the struct does not know.
    pub reject_unknown_fields: bool,
    /// The server decodes it from requests: optional fields there refuse `null`.
    pub request: bool,
    pub default_impl: DefaultImpl,
    /// The models whose fields come first (`extends`), for documents that show the composition; the fields are
    /// already in `fields`.
    pub extends: Vec<TypeId>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub rust_name: String,
    pub wire_name: String,
    /// The field's documentation (the spec's text, or a sentence naming the field).
    pub doc: String,
    pub span: Span,
    pub ty: Ty,
    pub presence: Presence,
    /// The type refers back to its own struct without a list or map between: it must be boxed.
    pub boxed: bool,
    pub constraints: Constraints,
    pub example: Option<serde_json::Value>,
    /// Whether the field appears in responses, requests, or both.
    pub access: Access,
    /// The value an absent field takes (then it is never `Option` for being absent).
    pub default: Option<serde_json::Value>,
    pub deprecated: Option<Deprecated>,
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

impl Presence {
    /// The field may be left out.
    pub fn optional(self) -> bool {
        matches!(self, Presence::Optional | Presence::Tristate)
    }

    /// The field may be `null`.
    pub fn nullable(self) -> bool {
        matches!(self, Presence::Nullable | Presence::Tristate)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Constraints {
    pub max_length: Option<u64>,
    pub min_length: Option<u64>,
    pub pattern: Option<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// A resolved type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
    /// A struct or enum of [`Api::types`].
    Named(TypeId),
    /// Raw bytes: a file part of a multipart body (`rt::File`).
    Binary,
}

impl Ty {
    /// True for the string types (`string`, `uri`, `email`), which Rust holds as `String`.
    pub fn is_string(&self) -> bool {
        matches!(self, Ty::String | Ty::Uri | Ty::Email)
    }

    /// A multipart body's file part (`Binary`) or file parts of one name (`List(Binary)`): held as `File`s, never
    /// serialized.
    pub fn is_file(&self) -> bool {
        self.is_file_list() || *self == Ty::Binary
    }

    /// File parts of one name (`list<binary>`), sent as one part each.
    pub fn is_file_list(&self) -> bool {
        matches!(self, Ty::List(inner) if **inner == Ty::Binary)
    }

    /// The named type, if this is one.
    pub fn named(&self) -> Option<TypeId> {
        match self {
            Ty::Named(id) => Some(*id),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enum {
    pub variants: Vec<Variant>,
    /// Unknown values decode into an `Unknown` variant instead of failing.
    pub open: bool,
    /// What the values are on the wire.
    pub kind: EnumKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumKind {
    String,
    Integer,
    Boolean,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub rust_name: String,
    /// The value's text (`low`, `1`, `true`), for documents.
    pub wire_name: String,
    /// The value as it is on the wire.
    pub value: Literal,
    /// The value's documentation, if the spec gives one.
    pub doc: Option<String>,
    pub span: Span,
    pub deprecated: Option<Deprecated>,
}

/// A pagination style's largest page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxLimit {
    pub value: i64,
    /// A larger limit is given `value` items (`true`), or refused with the validation error (`false`).
    pub clamp: bool,
}

/// An index into [`Api::pagination`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PaginationId(pub usize);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    pub name: String,
    pub doc: Option<String>,
    pub span: Span,
    pub style: PageStyle,
    /// The largest page size the server gives, and what a larger limit gets (styles with a limit parameter).
    pub max_limit: Option<MaxLimit>,
    /// The envelope's field names on the wire (the limit-offset and page-number styles' envelope).
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
    /// The next request sets `cursor_param` from the last item or from the envelope.
    Cursor {
        cursor_param: String,
        source: CursorSource,
        /// The envelope's "more pages follow" flag, if it has one.
        has_more: Option<String>,
        limit_param: Option<String>,
        default_limit: Option<i64>,
    },
    /// The next page is the `Link` header's `rel="next"`; the answer is the item list.
    Link {
        limit_param: Option<String>,
        page_param: Option<String>,
        default_limit: Option<i64>,
    },
}

/// Where a cursor comes from (wire names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorSource {
    /// This field of the last item of the page.
    LastItem(String),
    /// This field of the envelope.
    Envelope(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Errors {
    /// Error body types, tried in this order when decoding an error answer.
    pub models: Vec<ErrorModel>,
    pub answers: Vec<ErrorAnswer>,
    /// The answer a path parameter that does not parse gets: `Validation` (400 naming it) or `NotFound` (as
    /// Django REST framework's `get_object_or_404` answers a malformed id).
    pub malformed_path: ErrorKind,
}

impl Errors {
    /// The answer of `kind`, if the spec declares one.
    pub fn answer(&self, kind: ErrorKind) -> Option<&ErrorAnswer> {
        self.answers.iter().find(|a| a.kind == kind)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorModel {
    pub ty: TypeId,
    /// The variant of the client's `ApiErrorBody` enum that holds it.
    pub variant: String,
}

/// One of the API's standard error answers.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorAnswer {
    pub kind: ErrorKind,
    pub status: u16,
    pub model: TypeId,
    /// The body as JSON, with `{placeholders}` the server fills in.
    pub body: serde_json::Value,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// Module-style name (`insight_variables`).
    pub rust_name: String,
    /// Type-name stem (`InsightVariables`).
    pub type_name: String,
    pub wire_name: String,
    pub doc: Option<String>,
    pub span: Span,
    /// The `Client` method returning this resource's operations.
    pub client_accessor: String,
    /// The type that accessor returns (`InsightVariablesClient`).
    pub client_type: String,
    /// The server trait (`InsightVariablesApi`).
    pub server_trait: String,
    /// The cargo feature gating its client and server code (`insight-variables`), on by default.
    pub feature: String,
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
    /// The name of the `static` describing it in its resource's client and server files (`PARTIAL_UPDATE`).
    pub static_name: String,
    /// OpenAPI operationId.
    pub operation_id: String,
    pub span: Span,
    pub method: Method,
    /// Full path template, base path included (`/api/projects/{project_id}/insight_variables/{id}/`).
    pub path: String,
    pub summary: String,
    pub description: Option<String>,
    pub deprecated: Option<Deprecated>,
    pub security: Security,
    /// The schemes it accepts (indexes into [`Auth::schemes`]), in preference order; empty when it takes none.
    pub schemes: Vec<usize>,
    /// Whether [`Operation::schemes`] are the API's default ones (then emitters need not spell them out).
    pub default_schemes: bool,
    /// Required scopes (all of them).
    pub scopes: Vec<String>,
    /// Path parameters in path order (base parameters included), then query parameters, then the operation's own
    /// headers (the API's are in [`Api::headers`]).
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
    /// The API's standard answers this operation can give, besides its own responses, in [`ErrorKind::ALL`] order.
    pub standard_errors: Vec<ErrorKind>,
    pub pagination: Option<OpPagination>,
    pub idempotent: bool,
    /// The header the operation takes idempotency keys in: the client sends a fresh key with each call.
    pub idempotency_header: Option<String>,
    pub client: ClientOp,
    pub server: ServerOp,
}

impl Operation {
    /// The path parameters, in path order.
    pub fn path_params(&self) -> impl Iterator<Item = &Param> {
        self.params
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
    }

    /// The query parameters, in spec order.
    pub fn query_params(&self) -> impl Iterator<Item = &Param> {
        self.params
            .iter()
            .filter(|p| p.location == ParamLocation::Query)
    }

    /// The operation's own header parameters, in spec order.
    pub fn header_params(&self) -> impl Iterator<Item = &Param> {
        self.params
            .iter()
            .filter(|p| p.location == ParamLocation::Header)
    }

    /// The responses decoded as values by the client (the others become errors).
    pub fn outcomes(&self) -> impl Iterator<Item = &Response> {
        self.responses
            .iter()
            .filter(|r| r.role != ResponseRole::Error)
    }
}

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// The API has no authentication.
    None,
    /// Credentials (and the operation's scopes) are checked before the handler runs.
    Required,
    /// Open to anyone; a valid key still identifies the caller on the server. The client sends no key.
    Optional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The parameter's name as a Rust value (a field of the query struct, unique within the operation).
    pub rust_name: String,
    pub wire_name: String,
    pub doc: Option<String>,
    pub span: Span,
    pub location: ParamLocation,
    pub ty: Ty,
    pub required: bool,
    pub example: Option<serde_json::Value>,
    /// The value the server takes when the parameter is absent.
    pub default: Option<serde_json::Value>,
    pub deprecated: Option<Deprecated>,
    pub constraints: Constraints,
    /// How a list or object is written in the query (lists default to `form`, objects are `deep_object`).
    pub style: ParamStyle,
    /// The largest value the server passes on: a larger one is replaced by it (a page size above a pagination
    /// style's `max_limit` with `above_max_limit: clamp`). A refused one is `constraints.maximum` instead.
    pub clamp: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub ty: Ty,
    /// The body is a PATCH body (`patch<M>`): every field optional.
    pub is_patch: bool,
    pub encoding: BodyEncoding,
    /// Where the body's type is written.
    pub span: Span,
}

/// How a request body travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyEncoding {
    /// `application/json`.
    Json,
    /// `application/x-www-form-urlencoded`, nested keys in brackets (`metadata[plan]=pro`).
    Form,
    /// `multipart/form-data`: a text part per scalar field, a file part per `binary` field.
    Multipart,
    /// Raw bytes (`binary`) of this media type (or the caller's).
    Binary { media_type: String },
    /// A text body (`string`) of this media type.
    Text { media_type: String },
}

impl BodyEncoding {
    /// The media type OpenAPI names.
    pub fn media_type(&self) -> &str {
        match self {
            BodyEncoding::Json => "application/json",
            BodyEncoding::Form => "application/x-www-form-urlencoded",
            BodyEncoding::Multipart => "multipart/form-data",
            BodyEncoding::Binary { media_type } | BodyEncoding::Text { media_type } => media_type,
        }
    }
}

/// How an answer's body travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseEncoding {
    /// No body.
    Empty,
    /// `application/json` (or a `+json` media type).
    Json { media_type: String },
    /// Text of this media type, as a `String`.
    Text { media_type: String },
    /// Raw bytes of one of these media types (the first is the default).
    Binary { media_types: Vec<String> },
    /// `text/event-stream` whose events' data are JSON values of the response type; `sentinel` is the `data` that
    /// ends the stream.
    Events { sentinel: Option<String> },
}

/// A response header.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// Its name as a Rust field (of the answer's headers struct).
    pub rust_name: String,
    pub wire_name: String,
    pub doc: Option<String>,
    pub ty: Ty,
    /// The server must set it (a field that is not an `Option`).
    pub required: bool,
    pub deprecated: Option<Deprecated>,
    pub span: Span,
    /// One of the API's response headers (`api.response_headers`), which any answer may carry: the server's
    /// answers leave them to middleware; the client reads them like the answer's own.
    pub api_wide: bool,
}

/// What a documented response is to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseRole {
    /// A 2xx answer.
    Success,
    /// A non-2xx answer the client returns as a value: its body is not one of the API's error models.
    Outcome,
    /// A non-2xx answer with an error model (or no body): the client returns it as an error.
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: StatusKey,
    /// `None`: no body. For an event stream, the type of each event's data.
    pub ty: Option<Ty>,
    pub encoding: ResponseEncoding,
    /// Its own headers, then the API's response headers it may also carry.
    pub headers: Vec<Header>,
    /// The server's struct of this answer's own headers (not the API-wide ones), when it has any.
    pub headers_struct: Option<String>,
    pub doc: Option<String>,
    pub span: Span,
    /// Variant name in the operation's response enums (`Ok`, `Created`, `BadRequest`, `ClientError`, ...).
    pub variant: String,
    pub role: ResponseRole,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpPagination {
    pub style: PaginationId,
    /// The item type of a page.
    pub item: Ty,
    /// The page envelope struct; `None` for Link pagination, whose answer is the item list.
    pub envelope: Option<TypeId>,
    /// The envelope's wire fields holding the items and, for the next-URL styles, the next page's URL.
    pub results_field: Option<String>,
    pub next_field: Option<String>,
}

/// The client's view of an operation: every name it prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOp {
    /// The request builder (`InsightVariablesCreateRequest`).
    pub request_type: String,
    /// What `send` returns on success.
    pub returns: ClientReturns,
    /// The struct of the typed response headers `send_with_headers` returns, when the answers declare any.
    pub headers_struct: Option<String>,
    /// The method's arguments, in order.
    pub args: Vec<ClientArg>,
    /// The builder's setters, in order.
    pub setters: Vec<Setter>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientReturns {
    /// No documented body: `()`.
    Unit,
    /// The one documented outcome's body, whichever 2xx status carried it.
    Value(Ty),
    /// Several outcomes: this enum (one variant per outcome).
    Enum(String),
    /// Raw bytes (`send`), or a byte stream (`send_streaming`).
    Binary,
    /// A text body.
    Text,
    /// A stream of server-sent events whose data are this type.
    Events(Ty),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientArg {
    /// The argument's name, unique among the method's arguments.
    pub name: String,
    pub source: ArgSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgSource {
    /// A path or required query parameter: an index into [`Operation::params`].
    Param(usize),
    /// The whole request body (a body that is not a struct).
    Body,
}

/// A builder method setting one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setter {
    /// Takes the value (`name`).
    pub name: String,
    /// Takes the stored form: an `Option` (`set_name`), or `Nullable` for a three-state field.
    pub set_name: String,
    /// Sends `null` (`default_value_null`), for fields that may be null.
    pub null_name: Option<String>,
    pub target: SetterTarget,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetterTarget {
    /// An optional query parameter: an index into [`Operation::params`].
    Param(usize),
    /// A field of the body struct, by index.
    Field(usize),
}

/// The server's view of an operation: every name it prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerOp {
    /// The handler function (`insight_variables_partial_update`).
    pub handler: String,
    /// The struct of the query parameters, if there are any.
    pub query_struct: Option<String>,
    /// The struct of the header parameters (the API's and the operation's), if there are any.
    pub headers_struct: Option<String>,
    /// The answer enum the trait method returns.
    pub response_enum: String,
    /// The trait method's path arguments, one per path parameter, clear of `ctx`, `query`, `headers` and `body`.
    pub path_args: Vec<String>,
}
