//! The rules of `apigen diff`: one row per kind of change, with its five verdicts and how three other tools judge
//! the same change. The comparison ([`super::compare`]) only decides which rule a change is and which facts hold
//! for it; what breaks whom is read from this table, never decided in code. Adding a construct to the language is
//! adding its rows here, the comparison that finds them, and their golden pairs.
//!
//! A verdict is `Y` (always breaks), `N` (never), or `If(&[facts])`: breaks when any of those facts holds for the
//! change (the comparison states them: e.g. whether the old model rejects unknown fields).

use std::fmt;

/// A fact about one change that some verdicts depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fact {
    /// In the old spec the item cannot be absent (a response always sends it; a request must send it).
    OldRequired,
    /// In the new spec the item cannot be absent.
    NewRequired,
    /// The old side's struct rejects unknown fields (`unknown_fields: reject`; in answers only a struct that is
    /// also a request struct, the one kind generated with `deny_unknown_fields`).
    OldStrict,
    /// The new side's struct rejects unknown fields.
    NewStrict,
    /// The old enum or union is closed (a client fails on a value it does not know).
    OldClosed,
    /// The new enum or union is closed.
    NewClosed,
    /// The Rust that client code writes for it changes (a field's type, a setter's form, `send`'s return type).
    ClientRust,
    /// The Rust that server code writes for it changes (a field's type, a handler argument's type).
    ServerRust,
    /// Client code builds the struct as a literal (it is nested in a request, not an operation's body of setters).
    ClientLiteral,
    /// The new side does not read what the old side writes (a query list's style, say).
    NewRefusesOld,
    /// The old side does not read what the new side writes.
    OldRefusesNew,
}

impl Fact {
    pub const ALL: [Fact; 11] = [
        Fact::OldRequired,
        Fact::NewRequired,
        Fact::OldStrict,
        Fact::NewStrict,
        Fact::OldClosed,
        Fact::NewClosed,
        Fact::ClientRust,
        Fact::ServerRust,
        Fact::ClientLiteral,
        Fact::NewRefusesOld,
        Fact::OldRefusesNew,
    ];

    /// The words the README's table and the reports use.
    pub fn describe(self) -> &'static str {
        match self {
            Fact::OldRequired => "it was required",
            Fact::NewRequired => "it is required",
            Fact::OldStrict => "the old model rejects unknown fields",
            Fact::NewStrict => "the new model rejects unknown fields",
            Fact::OldClosed => "the old one is closed",
            Fact::NewClosed => "the new one is closed",
            Fact::ClientRust => "the client's Rust changes",
            Fact::ServerRust => "the server's Rust changes",
            Fact::ClientLiteral => "clients build it as a struct literal",
            Fact::NewRefusesOld => "the new side does not read the old form",
            Fact::OldRefusesNew => "the old side does not read the new form",
        }
    }

    /// Its name in JSON reports.
    pub fn name(self) -> &'static str {
        match self {
            Fact::OldRequired => "old_required",
            Fact::NewRequired => "new_required",
            Fact::OldStrict => "old_strict",
            Fact::NewStrict => "new_strict",
            Fact::OldClosed => "old_closed",
            Fact::NewClosed => "new_closed",
            Fact::ClientRust => "client_rust",
            Fact::ServerRust => "server_rust",
            Fact::ClientLiteral => "client_literal",
            Fact::NewRefusesOld => "new_refuses_old",
            Fact::OldRefusesNew => "old_refuses_new",
        }
    }
}

/// One verdict of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum V {
    /// Breaks.
    Y,
    /// Does not break.
    N,
    /// Breaks when any of these facts holds.
    If(&'static [Fact]),
}

impl V {
    pub fn holds(self, facts: &[Fact]) -> bool {
        match self {
            V::Y => true,
            V::N => false,
            V::If(any) => any.iter().any(|f| facts.contains(f)),
        }
    }
}

impl fmt::Display for V {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            V::Y => f.write_str("yes"),
            V::N => f.write_str("no"),
            V::If(facts) => {
                let words: Vec<&str> = facts.iter().map(|x| x.describe()).collect();
                write!(f, "if {}", words.join(" or "))
            }
        }
    }
}

/// The five parties a change can break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Party {
    /// Clients generated from OLD, against a server of NEW.
    OldClients,
    /// Clients generated from NEW, against a server of OLD (a rollout).
    OldServers,
    /// Rust code calling the regenerated client and models stops compiling.
    ClientCode,
    /// A user's implementation of the regenerated server traits stops compiling.
    ServerCode,
    /// It compiles and decodes, but acts differently.
    Behaviour,
}

impl Party {
    pub const ALL: [Party; 5] = [
        Party::OldClients,
        Party::OldServers,
        Party::ClientCode,
        Party::ServerCode,
        Party::Behaviour,
    ];

    /// The JSON key (`old_clients`), also accepted by `--fail-on` with `-` for `_`.
    pub fn key(self) -> &'static str {
        match self {
            Party::OldClients => "old_clients",
            Party::OldServers => "old_servers",
            Party::ClientCode => "client_code",
            Party::ServerCode => "server_code",
            Party::Behaviour => "behaviour",
        }
    }

    /// The column title of reports and the README.
    pub fn title(self) -> &'static str {
        match self {
            Party::OldClients => "old clients",
            Party::OldServers => "old servers",
            Party::ClientCode => "client code",
            Party::ServerCode => "server code",
            Party::Behaviour => "behaviour",
        }
    }
}

/// One kind of change.
#[derive(Debug)]
pub struct Rule {
    /// The stable id (`operation-removed`), used in reports and allow files.
    pub id: &'static str,
    /// What the change is, in a few words.
    pub summary: &'static str,
    /// The verdicts, in [`Party::ALL`] order.
    pub verdicts: [V; 5],
    /// How oasdiff, buf breaking and cargo-semver-checks judge the same change (the README's table), from
    /// `shared/reference/api-evolution.md`; `—` where the tool has no rule.
    pub oasdiff: &'static str,
    pub buf: &'static str,
    pub semver_checks: &'static str,
}

impl Rule {
    pub fn verdict(&self, party: Party) -> V {
        // `Party`'s discriminants are its places in `Party::ALL`, the order of `verdicts`.
        self.verdicts[party as usize]
    }
}

use Fact::*;
use V::{If, N, Y};

macro_rules! rules {
    ($( $name:ident = $id:literal, $summary:literal, [$c:expr, $s:expr, $rc:expr, $rs:expr, $b:expr], $od:literal, $buf:literal, $csc:literal; )*) => {
        /// Every rule, by name; [`RuleId::rule`] gives its row.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RuleId { $( $name, )* }

        /// The table, in [`RuleId`] order.
        pub static RULES: &[Rule] = &[ $( Rule {
            id: $id,
            summary: $summary,
            verdicts: [$c, $s, $rc, $rs, $b],
            oasdiff: $od,
            buf: $buf,
            semver_checks: $csc,
        }, )* ];

        impl RuleId {
            pub const ALL: &'static [RuleId] = &[ $( RuleId::$name, )* ];
        }
    };
}

impl RuleId {
    pub fn rule(self) -> &'static Rule {
        // `RULES` and `RuleId` are made by one macro from one list, so every id indexes its row.
        &RULES[self as usize]
    }
}

const RCC: V = If(&[ClientRust]);
const RCS: V = If(&[ServerRust]);

rules! {
    // The API as a whole.
    PackageRenamed = "package-renamed", "the generated package (crate) is renamed", [N, N, Y, Y, N], "—", "—", "crate renamed: every path breaks";
    ServerChanged = "server-changed", "the default base URL changes", [N, N, N, N, Y], "—", "—", "—";
    ServerEnvChanged = "server-env-changed", "the variable overriding the base URL changes", [N, N, N, N, Y], "—", "—", "—";
    VersionChanged = "version-changed", "api.version changes", [N, N, N, N, N], "info.version (api-major-version-not-bumped)", "—", "—";
    // Authentication and scopes.
    AuthAdded = "auth-added", "the API now requires credentials", [Y, N, Y, Y, N], "api-security-added (info)", "—", "method signature changed";
    AuthRemoved = "auth-removed", "the API no longer takes credentials", [N, Y, Y, Y, N], "api-security-removed (info)", "—", "method signature changed";
    AuthSchemeNameChanged = "auth-scheme-name-changed", "a security scheme is renamed (same kind and key): `credential(name)` calls name it", [N, N, N, N, Y], "api-security-component-removed/added", "—", "— (scheme names are strings)";
    AuthEnvChanged = "auth-env-changed", "the variable holding a scheme's credential changes", [N, N, N, N, Y], "—", "—", "—";
    AuthSchemeAdded = "auth-scheme-added", "a security scheme is added (operations that accept it are compared too)", [N, N, N, N, N], "api-security-component-added (info)", "—", "—";
    AuthSchemeRemoved = "auth-scheme-removed", "a security scheme is removed (credentials held only for it fail)", [Y, N, N, N, Y], "api-security-component-removed (info)", "—", "— (scheme names are strings)";
    AuthSchemeKindChanged = "auth-scheme-kind-changed", "a scheme's kind changes (bearer, basic, API key)", [Y, Y, N, N, N], "api-security-component-type-changed", "—", "—";
    AuthKeyMoved = "auth-key-moved", "an API key's location (header or query) or name changes", [Y, Y, N, N, N], "api-security-component-changed", "—", "—";
    AuthDefaultChanged = "auth-default-changed", "the default schemes change (each operation's accepted schemes are compared)", [N, N, N, N, N], "api-global-security-changed", "—", "—";
    OperationSchemesNarrowed = "operation-schemes-narrowed", "an operation no longer accepts a scheme", [Y, N, N, N, N], "api-security-removed (info)", "—", "—";
    OperationSchemesWidened = "operation-schemes-widened", "an operation accepts another scheme", [N, Y, N, N, N], "api-security-added (info)", "—", "—";
    OperationSchemesReordered = "operation-schemes-reordered", "an operation's schemes change preference order (a client holding several sends another)", [N, N, N, N, Y], "—", "—", "—";
    WildcardScopeRemoved = "wildcard-scope-removed", "the wildcard scope is removed or changed", [Y, N, N, N, N], "—", "—", "—";
    WildcardScopeAdded = "wildcard-scope-added", "a wildcard scope is added (access widened)", [N, Y, N, N, N], "—", "—", "—";
    ImpliedScopeRemoved = "implied-scope-removed", "a scope implication rule is removed", [Y, N, N, N, N], "—", "—", "—";
    ImpliedScopeAdded = "implied-scope-added", "a scope implication rule is added (access widened)", [N, Y, N, N, N], "—", "—", "—";
    ScopeAdded = "scope-added", "an operation requires a scope the old scopes do not grant", [Y, N, N, N, N], "api-security-scope-added (info)", "—", "—";
    ScopeRemoved = "scope-removed", "an operation no longer requires a scope (access widened)", [N, Y, N, N, N], "api-security-scope-removed (info)", "—", "—";
    ScopeImplied = "scope-changed-implied", "an operation's scopes change, each granted by the other side's", [N, N, N, N, N], "api-security-scope-added/removed (info)", "—", "—";
    OperationAuthAdded = "operation-auth-added", "a public operation now requires credentials", [Y, N, N, Y, N], "api-security-added (info)", "—", "—";
    OperationAuthRemoved = "operation-auth-removed", "an operation becomes public (no credentials sent)", [N, Y, N, Y, N], "api-security-removed (info)", "—", "—";
    // Operations.
    OperationRemoved = "operation-removed", "an operation is removed", [Y, N, Y, Y, N], "api-removed-without-deprecation (error; info if deprecated first)", "RPC_NO_DELETE (FILE, PACKAGE)", "inherent_method_missing, trait_method_missing";
    OperationAdded = "operation-added", "an operation is added", [N, Y, N, Y, N], "endpoint-added (info)", "—", "trait_method_added";
    OperationRenamed = "operation-renamed", "an operation is renamed (same method and path)", [N, N, Y, Y, N], "—", "RPC_SAME_NAME", "inherent_method_missing, trait_method_missing";
    OperationMethodChanged = "operation-method-changed", "an operation's HTTP method changes", [Y, Y, N, N, N], "seen as removed + added", "—", "—";
    OperationPathChanged = "operation-path-changed", "an operation's path changes", [Y, Y, N, N, N], "seen as removed + added", "—", "—";
    OperationIdChanged = "operation-id-changed", "an operation's operationId (documents only) changes", [N, N, N, N, N], "—", "—", "—";
    OperationDeprecated = "operation-deprecated", "an operation is deprecated", [N, N, N, N, N], "endpoint-deprecated (info)", "—", "—";
    OperationUndeprecated = "operation-undeprecated", "an operation is no longer deprecated", [N, N, N, N, N], "endpoint-reactivated (info)", "—", "—";
    IdempotencyChanged = "idempotency-changed", "whether an operation may be retried changes", [N, N, N, N, Y], "—", "RPC_SAME_IDEMPOTENCY_LEVEL", "—";
    IdempotencyKeyAdded = "idempotency-key-added", "an operation now gets an idempotency key (and is retried with it)", [N, N, N, N, Y], "new-optional-request-header (info)", "—", "—";
    IdempotencyKeyRemoved = "idempotency-key-removed", "an operation no longer gets an idempotency key", [N, N, N, N, Y], "request-header-removed (warning)", "—", "—";
    IdempotencyHeaderRenamed = "idempotency-header-renamed", "the header idempotency keys travel in changes (a server deduplicating reads another)", [N, N, N, N, Y], "request-header-removed + added", "—", "—";
    // Parameters.
    PathParamRenamed = "path-param-renamed", "a path parameter is renamed (same position)", [N, N, N, N, N], "endpoints matched ignoring names", "—", "— (arguments are positional)";
    PathParamAdded = "path-param-added", "a path parameter is added", [Y, Y, Y, Y, N], "new-required-request-parameter (error)", "—", "method_parameter_count_changed";
    PathParamRemoved = "path-param-removed", "a path parameter is removed", [Y, Y, Y, Y, N], "request-parameter-removed (warning)", "—", "method_parameter_count_changed";
    QueryParamAdded = "query-param-added", "an optional query parameter is added", [N, N, N, N, N], "new-optional-request-parameter (info)", "—", "— (a new setter)";
    RequiredQueryParamAdded = "required-query-param-added", "a required query parameter is added", [Y, N, Y, N, Y], "new-required-request-parameter (error)", "—", "method_parameter_count_changed";
    QueryParamRemoved = "query-param-removed", "a query parameter is removed (old clients' values are ignored)", [N, If(&[OldRequired]), Y, Y, Y], "request-parameter-removed (warning)", "—", "inherent_method_missing";
    QueryParamBecameRequired = "query-param-became-required", "a query parameter becomes required", [Y, N, Y, Y, N], "request-parameter-became-required (error)", "—", "method_parameter_count_changed";
    QueryParamBecameOptional = "query-param-became-optional", "a query parameter becomes optional", [N, Y, Y, Y, N], "request-parameter-became-optional (info)", "—", "method_parameter_count_changed";
    QueryParamStyleChanged = "query-param-style-changed", "a query list's style (form, comma, brackets, deep_object) changes", [If(&[NewRefusesOld]), If(&[OldRefusesNew]), N, N, N], "request-parameter-style/explode changed", "—", "—";
    RequestHeaderAdded = "request-header-added", "an optional request header is added (the operation's or the API's)", [N, N, N, RCS, N], "new-optional-request-parameter (info)", "—", "— (a new setter)";
    RequiredRequestHeaderAdded = "required-request-header-added", "a required request header is added (an operation's is an argument)", [Y, N, RCC, RCS, N], "new-required-request-header (error)", "—", "method_parameter_count_changed";
    RequestHeaderRemoved = "request-header-removed", "a request header is removed (old clients' values are ignored)", [N, If(&[OldRequired]), Y, Y, Y], "request-header-removed (warning)", "—", "inherent_method_missing";
    RequestHeaderBecameRequired = "request-header-became-required", "a request header becomes required", [Y, N, RCC, Y, N], "request-header-became-required (error)", "—", "method_parameter_count_changed";
    RequestHeaderBecameOptional = "request-header-became-optional", "a request header becomes optional", [N, Y, RCC, Y, N], "request-header-became-optional (info)", "—", "method_parameter_count_changed";
    ParamLocationChanged = "param-location-changed", "a parameter moves between path, query and headers (a query parameter or header keeps its setter or argument; old clients' optional values are ignored)", [If(&[NewRequired]), If(&[OldRequired]), RCC, Y, Y], "seen as removed + added", "—", "method_parameter_count_changed";
    ParamDefaultChanged = "param-default-changed", "a query parameter's default is added, removed or changed", [N, N, N, RCS, Y], "request-parameter-default-value-changed (error)", "FIELD_SAME_DEFAULT", "—";
    ParamDeprecated = "param-deprecated", "a parameter is deprecated", [N, N, N, N, N], "request-parameter-deprecated (info)", "—", "—";
    // Bodies.
    RequestBodyAdded = "request-body-added", "an operation now takes a request body (a struct body's fields are setters, another body an argument)", [Y, N, RCC, Y, N], "request-body-added (error if required)", "—", "method_parameter_count_changed";
    RequestBodyEncodingChanged = "request-body-encoding-changed", "a body's content changes between json, form and multipart (the server refuses the other)", [Y, Y, N, N, N], "request-body-media-type-removed/added (error)", "—", "—";
    RequestMediaTypeChanged = "request-media-type-changed", "a raw or text body's media type changes (the server reads any)", [N, N, N, N, Y], "request-body-media-type-changed", "—", "—";
    RequestBodyRemoved = "request-body-removed", "an operation no longer takes a request body (old clients' bodies are ignored)", [N, Y, Y, Y, Y], "request-body-removed (error)", "—", "inherent_method_missing";
    // Responses.
    SuccessStatusAdded = "success-status-added", "a 2xx answer is added", [If(&[OldClosed]), N, RCC, N, N], "response-success-status-added (info)", "—", "enum_variant_added";
    SuccessStatusRemoved = "success-status-removed", "a 2xx answer is removed", [N, If(&[NewClosed]), RCC, Y, N], "response-success-status-removed (error)", "—", "enum_variant_missing";
    OutcomeStatusAdded = "outcome-status-added", "a non-2xx answer the client returns as a value is added", [N, N, Y, N, N], "response-non-success-status-added (info)", "—", "enum_variant_added";
    OutcomeStatusRemoved = "outcome-status-removed", "a non-2xx answer the client returns as a value is removed", [N, N, Y, Y, N], "response-non-success-status-removed (info)", "—", "enum_variant_missing";
    ErrorStatusAdded = "error-status-added", "a documented error answer is added", [N, N, N, N, N], "response-non-success-status-added (info)", "—", "— (a new variant the server may return)";
    ErrorStatusRemoved = "error-status-removed", "a documented error answer is removed", [N, N, N, Y, N], "response-non-success-status-removed (info)", "—", "enum_variant_missing";
    StatusRoleChanged = "status-role-changed", "an answer moves between a value and an error of the client", [N, N, Y, N, Y], "—", "—", "—";
    StatusCodeBecameRange = "status-code-became-range", "an answer's code becomes a range or `default` (the server may send other codes; the server's variant takes a status)", [If(&[OldClosed]), N, RCC, Y, N], "response-status-removed + added", "—", "enum_variant_missing";
    StatusRangeBecameCode = "status-range-became-code", "a range or `default` answer becomes one of its codes", [N, If(&[NewClosed]), RCC, Y, N], "response-status-removed + added", "—", "enum_variant_missing";
    ResponseEncodingChanged = "response-encoding-changed", "an answer's content changes between json, text, binary and events (what `send` returns)", [Y, Y, Y, Y, N], "response-media-type-removed/added (error)", "—", "method return type changed (not detected)";
    ResponseMediaTypeChanged = "response-media-type-changed", "an answer's media types change within one content (documents and Accept)", [N, N, N, N, Y], "response-media-type-changed", "—", "—";
    EventsSentinelAdded = "events-sentinel-added", "an event stream now ends with a sentinel (old clients decode it as an event)", [Y, N, N, N, N], "—", "—", "—";
    EventsSentinelRemoved = "events-sentinel-removed", "an event stream no longer ends with a sentinel (new clients decode the old one)", [N, Y, N, N, N], "—", "—", "—";
    EventsSentinelChanged = "events-sentinel-changed", "an event stream's sentinel changes", [Y, Y, N, N, N], "—", "—", "—";
    ResponseHeaderAdded = "response-header-added", "a response header is added (clients read every header as an `Option`)", [N, N, N, RCS, N], "response-header-added (info)", "—", "constructible_struct_adds_field";
    ResponseHeaderRemoved = "response-header-removed", "a response header is removed", [N, N, Y, RCS, N], "response-header-removed (error if required)", "—", "struct_pub_field_missing";
    ResponseHeaderBecameOptional = "response-header-became-optional", "a response header may now be absent (clients read it as an `Option` either way)", [N, N, N, RCS, N], "response-header-became-optional (error)", "—", "not detected (type changes)";
    ResponseHeaderBecameRequired = "response-header-became-required", "a response header is now always sent", [N, N, N, RCS, N], "—", "—", "not detected (type changes)";
    ResponseBodyAdded = "response-body-added", "an answer now has a body (new clients decode one an old server does not send)", [N, Y, Y, Y, N], "response-body-added (info)", "—", "method return type changed (not detected)";
    ResponseBodyRemoved = "response-body-removed", "an answer no longer has a body", [Y, N, Y, Y, N], "response-body-removed (error)", "—", "method return type changed (not detected)";
    // Types at a position (a field's, a parameter's, a body's, an answer's).
    ResponseTypeChanged = "response-type-changed", "a type in a response changes", [Y, Y, Y, Y, N], "response-property-type-changed (error)", "FIELD_SAME_TYPE, FIELD_WIRE_JSON_COMPATIBLE_TYPE", "not detected (type changes)";
    RequestTypeChanged = "request-type-changed", "a type in a request changes", [Y, Y, Y, Y, N], "request-property-type-changed (error)", "FIELD_SAME_TYPE, FIELD_WIRE_JSON_COMPATIBLE_TYPE", "not detected (type changes)";
    ResponseTypeNarrowed = "response-type-narrowed", "a response type now takes fewer values (e.g. number to integer)", [N, Y, RCC, RCS, N], "response-property-type-changed (error)", "FIELD_WIRE_JSON_COMPATIBLE_TYPE", "not detected (type changes)";
    RequestTypeWidened = "request-type-widened", "a request type now takes more values (e.g. integer to number, anything to json)", [N, Y, RCC, RCS, N], "request-property-type-generalized (info)", "FIELD_WIRE_JSON_COMPATIBLE_TYPE", "not detected (type changes)";
    ResponseTypeWidened = "response-type-widened", "a response type now takes more values", [Y, N, RCC, RCS, N], "response-property-type-generalized (error)", "FIELD_WIRE_JSON_COMPATIBLE_TYPE", "not detected (type changes)";
    RequestTypeNarrowed = "request-type-narrowed", "a request type now takes fewer values", [Y, N, RCC, RCS, N], "request-property-type-changed (error)", "FIELD_WIRE_JSON_COMPATIBLE_TYPE", "not detected (type changes)";
    FormatChanged = "format-changed", "a string's documented format (string, uri, email) changes", [N, N, N, N, N], "request/response-property-format-changed", "—", "— (same Rust type)";
    TypeRenamed = "type-renamed", "a model is renamed (declared with renamed_from, or a derived inline name)", [N, N, Y, Y, N], "— (schemas renamed read as removed + added)", "— (names are not on the wire)", "struct_missing";
    TypeReplaced = "type-replaced", "a position names another model (its structure is compared too)", [N, N, Y, Y, N], "seen through the structures", "FIELD_SAME_TYPE", "not detected (type changes)";
    ModelRemoved = "model-removed", "a model is removed", [N, N, Y, Y, N], "— (components are not endpoints)", "MESSAGE_NO_DELETE", "struct_missing, enum_missing";
    ModelAdded = "model-added", "a model is added", [N, N, N, N, N], "—", "—", "—";
    ExtendsChanged = "extends-changed", "a struct's extends list changes (its flattened fields are compared)", [N, N, N, N, N], "allOf changes (false positives: oasdiff#766)", "—", "—";
    // Fields.
    ResponseFieldRemoved = "response-field-removed", "a response field is removed", [If(&[OldRequired]), N, Y, Y, N], "response-required-property-removed (error), response-optional-property-removed (warning)", "FIELD_NO_DELETE", "struct_pub_field_missing";
    ResponseFieldAdded = "response-field-added", "a response field is added", [If(&[OldStrict]), If(&[NewRequired]), N, Y, N], "response-property-added (info)", "—", "constructible_struct_adds_field";
    ResponseFieldBecameWriteOnly = "response-field-became-write-only", "a field becomes write-only (no longer in responses)", [If(&[OldRequired]), N, Y, Y, N], "response-property-became-write-only", "—", "struct_pub_field_missing";
    RequestFieldRemoved = "request-field-removed", "a request field is removed (ignored, or refused by a strict model)", [If(&[NewStrict]), If(&[OldRequired]), Y, Y, Y], "request-property-removed (warning)", "FIELD_NO_DELETE", "struct_pub_field_missing";
    RequestFieldBecameReadOnly = "request-field-became-read-only", "a field becomes read-only (no longer taken in requests)", [If(&[NewStrict]), If(&[OldRequired]), Y, Y, Y], "request-property-became-read-only", "—", "struct_pub_field_missing";
    RequestFieldAdded = "request-field-added", "a request field is added", [If(&[NewRequired]), If(&[OldStrict]), If(&[ClientLiteral]), N, N], "new-required-request-property (error), new-optional-request-property (info)", "—", "constructible_struct_adds_field";
    FieldRenamed = "field-renamed", "a field's wire name changes (declared with renamed_from)", [If(&[OldRequired, OldStrict, NewRequired]), If(&[OldRequired, NewRequired, NewStrict]), RCC, RCS, Y], "seen as removed + added", "FIELD_SAME_JSON_NAME", "struct_pub_field_missing";
    RustNameChanged = "rust-name-changed", "a field's, value's or variant's Rust name changes (wire name kept)", [N, N, Y, Y, N], "—", "FIELD_SAME_NAME", "struct_pub_field_missing, enum_variant_missing";
    ResponseFieldBecameOptional = "response-field-became-optional", "a response field may now be absent", [Y, N, RCC, RCS, N], "response-property-became-optional (error)", "FIELD_SAME_CARDINALITY", "not detected (type changes)";
    ResponseFieldBecameRequired = "response-field-became-required", "a response field is now always sent", [N, Y, RCC, RCS, N], "response-property-became-required (info)", "FIELD_SAME_CARDINALITY", "not detected (type changes)";
    ResponseFieldBecameNullable = "response-field-became-nullable", "a response field may now be null (an `Option` takes null, so only a required one breaks)", [If(&[OldRequired]), N, RCC, RCS, N], "response-property-became-nullable (error)", "FIELD_SAME_CARDINALITY", "not detected (type changes)";
    ResponseFieldBecameNonNullable = "response-field-became-non-nullable", "a response field is never null any more", [N, If(&[NewRequired]), RCC, RCS, N], "response-property-became-not-nullable (info)", "FIELD_SAME_CARDINALITY", "not detected (type changes)";
    RequestFieldBecameRequired = "request-field-became-required", "a request field must now be sent (required_on_create, a removed default)", [Y, N, RCC, RCS, N], "request-property-became-required (error)", "MESSAGE_SAME_REQUIRED_FIELDS", "not detected (type changes)";
    RequestFieldBecameOptional = "request-field-became-optional", "a request field may now be left out", [N, Y, RCC, RCS, N], "request-property-became-optional (info)", "MESSAGE_SAME_REQUIRED_FIELDS", "not detected (type changes)";
    RequestFieldBecameNullable = "request-field-became-nullable", "a request field now takes null", [N, Y, RCC, RCS, N], "request-property-became-nullable (info)", "FIELD_SAME_CARDINALITY", "not detected (type changes)";
    RequestFieldBecameNonNullable = "request-field-became-non-nullable", "a request field no longer takes null (it cannot be cleared)", [Y, N, RCC, RCS, N], "request-property-became-not-nullable (error)", "FIELD_SAME_CARDINALITY", "not detected (type changes)";
    DefaultChanged = "default-changed", "a field's default is added, removed or changed", [N, N, RCC, RCS, Y], "request-property-default-value-changed (info)", "FIELD_SAME_DEFAULT", "not detected";
    FieldDeprecated = "field-deprecated", "a field is deprecated", [N, N, N, N, N], "request/response-property-deprecated (info)", "—", "—";
    WriteAsChanged = "write-as-changed", "a field's request form (write_as) changes", [N, N, Y, Y, N], "seen through the structures", "—", "not detected (type changes)";
    UnknownFieldsRejected = "unknown-fields-rejected", "a request model now rejects unknown fields", [N, N, N, N, Y], "—", "—", "—";
    UnknownFieldsIgnored = "unknown-fields-ignored", "a request model now ignores unknown fields", [N, N, N, N, Y], "—", "—", "—";
    // Constraints.
    RequestConstraintTightened = "request-constraint-tightened", "a request value's constraint is tightened", [Y, N, N, N, N], "request-property-max-length-decreased, -min-increased, ... (error)", "—", "—";
    RequestConstraintLoosened = "request-constraint-loosened", "a request value's constraint is loosened", [N, Y, N, N, N], "request-property-max-length-increased, ... (info)", "—", "—";
    ResponseConstraintTightened = "response-constraint-tightened", "a response value's documented constraint is tightened", [N, N, N, N, N], "response-property-max-length-decreased, ... (info)", "—", "—";
    ResponseConstraintLoosened = "response-constraint-loosened", "a response value's documented constraint is loosened", [N, N, N, N, Y], "response-property-max-length-increased, ... (warning)", "—", "—";
    PatternChanged = "pattern-changed", "a request value's pattern is added, removed or changed (a changed one refuses both ways: containment is undecidable)", [If(&[NewRefusesOld]), If(&[OldRefusesNew]), N, N, N], "request-property-pattern-added/changed (error)", "—", "—";
    // Enums.
    ResponseEnumValueAdded = "response-enum-value-added", "a value is added to an enum in responses", [If(&[OldClosed]), N, Y, N, N], "response-property-enum-value-added (warning)", "— (proto3 enums are open)", "enum_variant_added";
    ResponseEnumValueRemoved = "response-enum-value-removed", "a value is removed from an enum in responses", [N, If(&[NewClosed]), Y, Y, N], "response-property-enum-value-removed (info)", "ENUM_VALUE_NO_DELETE", "enum_variant_missing";
    RequestEnumValueAdded = "request-enum-value-added", "a value is added to an enum in requests", [N, Y, N, Y, N], "request-property-enum-value-added (info)", "—", "enum_variant_added";
    RequestEnumValueRemoved = "request-enum-value-removed", "a value is removed from an enum in requests", [Y, N, Y, Y, N], "request-property-enum-value-removed (error)", "ENUM_VALUE_NO_DELETE", "enum_variant_missing";
    EnumOpened = "enum-opened", "a closed enum becomes open (unknown values kept as Unknown; code matching it changes)", [N, N, RCC, RCS, N], "— (x-extensible-enum)", "ENUM_SAME_TYPE", "enum_variant_added";
    EnumClosed = "enum-closed", "an open enum becomes closed (code matching Unknown changes)", [N, N, RCC, RCS, N], "— (x-extensible-enum)", "ENUM_SAME_TYPE", "enum_variant_missing";
    EnumValueDeprecated = "enum-value-deprecated", "an enum value is deprecated", [N, N, N, N, N], "—", "—", "—";
    // Unions.
    ResponseUnionVariantAdded = "response-union-variant-added", "a variant is added to a union in responses", [If(&[OldClosed]), N, Y, N, N], "response-property-one-of-added (info)", "ONEOF (FIELD_SAME_ONEOF)", "enum_variant_added";
    ResponseUnionVariantRemoved = "response-union-variant-removed", "a variant is removed from a union in responses", [N, If(&[NewClosed]), Y, Y, N], "response-property-one-of-removed (info)", "FIELD_SAME_ONEOF", "enum_variant_missing";
    RequestUnionVariantAdded = "request-union-variant-added", "a variant is added to a union in requests", [N, Y, N, Y, N], "request-property-one-of-added (info)", "FIELD_SAME_ONEOF", "enum_variant_added";
    RequestUnionVariantRemoved = "request-union-variant-removed", "a variant is removed from a union in requests", [Y, N, Y, Y, N], "request-property-one-of-removed (error)", "FIELD_SAME_ONEOF", "enum_variant_missing";
    UnionTagChanged = "union-tag-changed", "a union's tag field, or its tagging, changes", [Y, Y, N, N, N], "response/request-property-discriminator-changed", "—", "—";
    UnionOpened = "union-opened", "a closed union becomes open (code matching it changes)", [N, N, RCC, RCS, N], "—", "—", "enum_variant_added";
    UnionClosed = "union-closed", "an open union becomes closed (code matching Unknown changes)", [N, N, RCC, RCS, N], "—", "—", "enum_variant_missing";
    UnionOrderChanged = "union-order-changed", "an untagged union's variants are tried in another order", [N, N, N, N, Y], "—", "—", "—";
    // Pagination.
    PaginationStyleChanged = "pagination-style-changed", "an operation's pagination style changes (its page parameters are compared too)", [N, N, N, N, Y], "—", "—", "—";
    PaginationAdded = "pagination-added", "an operation becomes paginated", [N, N, N, N, Y], "—", "—", "—";
    PaginationRemoved = "pagination-removed", "an operation is no longer paginated", [N, N, Y, N, Y], "—", "—", "inherent_method_missing (items, pages)";
    PageSizeChanged = "page-size-changed", "a pagination style's page size or default limit changes", [N, N, N, N, Y], "—", "—", "—";
    PageLimitClampChanged = "page-limit-clamp-changed", "a pagination style starts or stops giving its largest page to a larger limit, or its largest changes while it does (a refused limit is the limit parameter's `maximum`, compared as a constraint)", [N, N, N, N, Y], "—", "—", "—";
    PageCursorChanged = "page-cursor-changed", "where a cursor comes from (an item's field, an envelope's) or the has_more flag changes (the server's handler reads the cursor)", [N, N, N, N, Y], "—", "—", "—";
    // The errors section.
    ErrorModelAdded = "error-model-added", "an error body model is added", [N, N, Y, N, Y], "—", "—", "enum_variant_added";
    ErrorModelRemoved = "error-model-removed", "an error body model is removed", [N, N, Y, N, Y], "—", "—", "enum_variant_missing";
    ErrorAnswerChanged = "error-answer-changed", "a standard error answer's status, model or body changes", [N, N, N, N, Y], "response-status/body changes", "—", "—";
    ErrorAnswerAdded = "error-answer-added", "a standard error answer is declared", [N, N, N, N, Y], "—", "—", "—";
    ErrorAnswerRemoved = "error-answer-removed", "a standard error answer is no longer declared (a plain answer instead)", [N, N, N, N, Y], "—", "—", "—";
    MalformedPathChanged = "malformed-path-changed", "which answer a malformed path parameter gets changes", [N, N, N, N, Y], "—", "—", "—";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_every_rule_has_a_row() {
        assert_eq!(RuleId::ALL.len(), RULES.len());
        let mut seen = std::collections::HashSet::new();
        for id in RuleId::ALL {
            let rule = id.rule();
            assert!(seen.insert(rule.id), "duplicate id {}", rule.id);
            assert!(
                rule.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                rule.id
            );
        }
    }

    #[test]
    fn conditional_verdicts_hold_only_with_their_facts() {
        let rule = RuleId::ResponseEnumValueAdded.rule();
        assert!(rule.verdict(Party::OldClients).holds(&[Fact::OldClosed]));
        assert!(!rule.verdict(Party::OldClients).holds(&[Fact::NewClosed]));
        assert!(rule.verdict(Party::ClientCode).holds(&[]));
        assert!(!rule.verdict(Party::ServerCode).holds(&[Fact::OldClosed]));
    }
}
