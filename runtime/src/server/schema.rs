//! Request inputs checked against static descriptions of their types: JSON bodies, parameters and form bodies.
//!
//! The generated axum server describes every input of every operation as data: a [`Schema`] (one [`TypeDef`] per
//! model, referred to by index with [`Type::Named`]) and one [`Param`] per parameter, all emitted as `static` items.
//! Before decoding an input into its generated serde type, the server calls
//!
//! - [`Schema::check`] on a JSON body: the first problem, in document order, with Django REST framework's codes and
//!   messages (which PostHog and many JSON APIs share); absent fields with a default are filled in;
//! - [`Schema::params`] on the path, query and headers: each declared parameter parsed from its text into a typed
//!   JSON value (`"5"` becomes `5`), then checked like a body field;
//! - [`Schema::form`] on an `application/x-www-form-urlencoded` body with Rails and Stripe bracket keys
//!   (`items[0][price]=p`), typed by the schema, then checked.
//!
//! Because the checked value is what serde then decodes, the check guarantees the decoding succeeds: it only accepts
//! what the generated types accept, and where it is more lenient than serde (an integral float such as `5.0` for an
//! integer, as Django REST framework accepts it) it rewrites the value in place (`5.0` becomes `5`).
//!
//! # Design
//!
//! - Descriptors are plain `Copy` data with `&'static` references, so a generated `static` can hold them; the only
//!   state is [`Pattern`]'s regex, compiled on first use.
//! - The walk is recursive but bounded: at most [`MAX_DEPTH`] nested containers (serde_json's own parser stops
//!   at 128, so every body it parsed fits) and a budget of steps per call, so neither deep nesting nor untagged
//!   unions retried over a large body can exhaust the stack or the CPU. Both are reported as an [`Invalid`] of
//!   their own. At the limit the walk needs about 100 KiB of stack in a release build, 250 KiB in a debug one.
//! - A descriptor that is wrong (a [`Type::Named`] index out of range, a default that is not JSON, a pattern that
//!   does not compile, a union that contains itself) is a fault of the server, not of the request. It is reported
//!   with the code [`Invalid::SCHEMA_FAULT`] so the caller can answer 500, and [`Schema::verify`] finds all such
//!   faults at once, so a generated test can prove there are none.
//! - Parameters and forms are first turned into JSON by the schema (text leaves typed where they parse), then go
//!   through the same [`Schema::check`], so every input reports the same codes and messages for the same problem.
//!
//! # Behaviour, where Django REST framework or the specs left a choice
//!
//! - JSON types are strict, as serde is: `"5"` is not an integer and `5` is not a string (Django REST framework
//!   would coerce both). Integral floats are the exception, since no information is lost: `5.0` passes for an
//!   integer (and for an integer enum value) and is rewritten to `5`. Integers must fit an `i64`.
//! - "First in document order" means an object's keys in the order sent, then its missing required fields in
//!   declaration order; a list's item counts before its items.
//! - List item counts use Django REST framework's `ListField` codes, `min_length` and `max_length` (with the
//!   "elements" messages); `min_items: 1` on an empty list is `empty`.
//! - Text parameters read booleans as Django REST framework does (`true`, `True`, `1`, `yes`, `on`, … and their
//!   opposites) and integers with spaces and a zero fraction allowed (` 7.0 `); numbers must be finite (`1e400`,
//!   `inf` and `NaN` are refused). A parameter declared as JSON holds JSON text.
//! - An untagged union tries its variants in order with dry runs, so a variant that fails leaves no defaults
//!   behind; its message quotes each variant's reason (at most 200 characters each, so nested unions cannot
//!   multiply the message's length).

use axum::http::HeaderMap;
use regex::Regex;
use serde_json::{Map, Value};
use std::fmt;
use std::sync::OnceLock;

mod convert;
mod text;
mod verify;
mod walk;

#[cfg(test)]
mod tests;

/// The deepest nesting of lists and objects that [`Schema::check`] walks: serde_json's own parser stops at 128, so
/// any body it parsed fits, while a value built some other way cannot exhaust the stack.
pub const MAX_DEPTH: usize = 128;

/// The deepest nesting of bracket keys in forms and query strings (`a[b][c]` is 3 levels), as Rack limits it.
pub const MAX_KEY_DEPTH: usize = 32;

/// The type of a value, as the generated serde type sees it.
///
/// An open enum (one whose generated type keeps unknown values) is described by its underlying scalar type, since
/// any value of that type is accepted. List items and map values are never `null`, as in Django REST framework's
/// `ListField` and `DictField`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// A JSON string.
    String,
    /// A JSON number that is integral and fits an `i64`; `5.0` is accepted and rewritten to `5`.
    Integer,
    /// Any JSON number (serde_json's numbers are always finite).
    Number,
    /// `true` or `false`.
    Boolean,
    /// A string that [`uuid::Uuid::try_parse`] accepts (hyphenated, simple, braced or URN form).
    Uuid,
    /// An RFC 3339 date and time with an offset, e.g. `2024-05-01T10:00:00Z`.
    DateTime,
    /// A calendar date written `YYYY-MM-DD`.
    Date,
    /// Any JSON value but `null` (which needs a nullable field, as in Django REST framework's `JSONField`).
    Json,
    /// A JSON array of values of the type.
    List(&'static Type),
    /// A JSON object whose values are of the type.
    Map(&'static Type),
    /// The type at this index of [`Schema::types`]. Recursive types refer to themselves this way.
    Named(usize),
}

/// A named type of the schema: a struct, an enum or a union.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TypeDef {
    /// An object with declared fields.
    Struct(Struct),
    /// One of a closed set of literal values.
    Enum(Enum),
    /// One of several types, chosen by a tag field or by trying each in turn.
    Union(Union),
}

/// An object with declared fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Struct {
    /// The model's name, for messages and [`Schema::verify`].
    pub name: &'static str,
    /// The fields, in declaration order.
    pub fields: &'static [Field],
    /// Whether a field that is not declared is refused (`invalid_input`, "Unknown field.") rather than ignored.
    pub reject_unknown: bool,
}

/// One field of a [`Struct`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// The name on the wire, as written in the spec.
    pub name: &'static str,
    /// The field's type.
    pub ty: Type,
    /// Whether an absent field without a default is refused (`required`).
    pub required: bool,
    /// Whether `null` is accepted (otherwise it is refused with code `null`).
    pub nullable: bool,
    /// The value an absent field takes, as JSON text (`"10"`, `"\"asc\""`). It is filled in unchecked, as Django
    /// REST framework does with defaults.
    pub default: Option<&'static str>,
    /// The constraints on the field's value.
    pub rules: Rules,
}

impl Field {
    /// A required, non-nullable field without a default or rules; change the rest with struct update syntax
    /// (`Field { nullable: true, ..Field::required("name", Type::String) }`), which works in a `static`.
    pub const fn required(name: &'static str, ty: Type) -> Field {
        Field {
            name,
            ty,
            required: true,
            nullable: false,
            default: None,
            rules: Rules::NONE,
        }
    }

    /// An optional, non-nullable field without a default or rules.
    pub const fn optional(name: &'static str, ty: Type) -> Field {
        Field {
            required: false,
            ..Field::required(name, ty)
        }
    }
}

/// The constraints on a value. Each applies to the values it fits (lengths and patterns to strings, bounds to
/// numbers, item counts to lists) and is ignored elsewhere; [`Schema::verify`] reports the ones that do not fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    /// The fewest characters (Unicode scalar values, as Python counts them, not bytes).
    pub min_length: Option<u64>,
    /// The most characters.
    pub max_length: Option<u64>,
    /// A regular expression the string must match somewhere (anchor it with `^…$` to match the whole string), as
    /// JSON Schema and Django's `RegexValidator` search.
    pub pattern: Option<&'static Pattern>,
    /// The smallest number accepted.
    pub minimum: Option<f64>,
    /// The largest number accepted.
    pub maximum: Option<f64>,
    /// The fewest list items; `1` means the list may not be empty (code `empty`, Django REST framework's
    /// `allow_empty=False`).
    pub min_items: Option<u64>,
    /// The most list items.
    pub max_items: Option<u64>,
}

impl Rules {
    /// No constraints.
    pub const NONE: Rules = Rules {
        min_length: None,
        max_length: None,
        pattern: None,
        minimum: None,
        maximum: None,
        min_items: None,
        max_items: None,
    };
}

impl Default for Rules {
    fn default() -> Self {
        Rules::NONE
    }
}

/// A regular expression from the spec, compiled the first time it is used.
///
/// It holds a lock, so a generated schema declares each pattern as its own `static` and refers to it:
/// `static NAME_PATTERN: Pattern = Pattern::new("^[a-z]+$");` then `pattern: Some(&NAME_PATTERN)`.
pub struct Pattern {
    source: &'static str,
    // The compile error is kept rather than retried: the source never changes, and the walk reports it as a fault
    // of the schema.
    compiled: OnceLock<Result<Regex, regex::Error>>,
}

impl Pattern {
    /// A pattern with this source (Rust `regex` syntax, which the generator checks).
    pub const fn new(source: &'static str) -> Pattern {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// The source, as written in the spec.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// The compiled expression, or why the source does not compile.
    pub fn regex(&self) -> Result<&Regex, &regex::Error> {
        self.compiled
            .get_or_init(|| Regex::new(self.source))
            .as_ref()
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// A closed set of literal values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enum {
    /// The enum's name, for messages and [`Schema::verify`].
    pub name: &'static str,
    /// The accepted values, in declaration order (which decides between `Str("1")` and `Int(1)` for the text `1`).
    pub values: &'static [Literal],
}

/// One value of an [`Enum`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Literal {
    /// A JSON string; matches only a string.
    Str(&'static str),
    /// A JSON integer; matches a number of that value (`1` or `1.0`), never a string.
    Int(i64),
    /// A JSON boolean; matches only that boolean.
    Bool(bool),
}

/// One of several types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Union {
    /// The union's name, for messages and [`Schema::verify`].
    pub name: &'static str,
    /// The wire name of the field whose value names the variant; `None` for an untagged union, whose variants are
    /// tried in order.
    pub tag: Option<&'static str>,
    /// The variants, in declaration order.
    pub variants: &'static [Variant],
}

/// One variant of a [`Union`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    /// The variant's name, used in the message of an untagged union that matches none.
    pub name: &'static str,
    /// The tag value that selects this variant in a tagged union; `None` in an untagged one.
    pub tag: Option<&'static str>,
    /// The variant's type. In a tagged union it is a struct, which either declares the tag field itself (as a
    /// one-value enum or a string: then it is checked like any other field) or leaves it to the union (then the
    /// struct is checked without it). The tag stays in the value either way.
    pub ty: Type,
}

/// Every named type an API's inputs refer to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schema {
    /// The types, referred to by index with [`Type::Named`].
    pub types: &'static [TypeDef],
}

/// Where a parameter is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Location {
    /// A path segment, already percent-decoded by the router.
    Path,
    /// The query string.
    Query,
    /// A request header (names compared case-insensitively).
    Header,
}

/// How a query parameter that is a list or an object is written: the type the client writes parameters with
/// ([`ParamStyle`](super::super::ParamStyle)), so both sides agree. Path and header lists are always
/// comma-separated (OpenAPI's `simple` style), whatever the style.
pub use super::super::ParamStyle as Style;

/// One declared parameter of an operation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Param {
    /// The name on the wire; compared case-insensitively for headers.
    pub name: &'static str,
    /// Where the parameter is read from.
    pub location: Location,
    /// The parameter's type. Scalars and lists of scalars go anywhere; objects only in the query.
    pub ty: Type,
    /// Whether an absent or empty parameter without a default is refused (`required`).
    pub required: bool,
    /// The value an absent parameter takes, as JSON text.
    pub default: Option<&'static str>,
    /// The constraints on the parameter's value.
    pub rules: Rules,
    /// How a list or object is written in the query.
    pub style: Style,
    /// The largest value passed on: a larger integer is replaced by it (a page size above the largest the server
    /// gives, where the spec says a larger limit gets the largest).
    pub clamp: Option<i64>,
}

impl Param {
    /// An optional query parameter in the default style, without a default or rules; change the rest with struct
    /// update syntax, which works in a `static`.
    pub const fn query(name: &'static str, ty: Type) -> Param {
        Param {
            name,
            location: Location::Query,
            ty,
            required: false,
            default: None,
            rules: Rules::NONE,
            style: Style::Form,
            clamp: None,
        }
    }

    /// A required path parameter.
    pub const fn path(name: &'static str, ty: Type) -> Param {
        Param {
            location: Location::Path,
            required: true,
            ..Param::query(name, ty)
        }
    }

    /// An optional header parameter.
    pub const fn header(name: &'static str, ty: Type) -> Param {
        Param {
            location: Location::Header,
            ..Param::query(name, ty)
        }
    }
}

/// Why an input is refused: the first problem found, with Django REST framework's code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The machine-readable code: `invalid`, `required`, `null`, `invalid_choice`, `not_a_list`, `empty`,
    /// `invalid_input`, `max_length`, `min_length`, `max_value`, `min_value`, or [`Invalid::SCHEMA_FAULT`].
    pub code: &'static str,
    /// The human-readable message.
    pub detail: String,
    /// Where the problem is: object keys and list indexes, outermost first (`["items", "0", "name"]`), starting
    /// with the parameter's name for parameters. Empty for the input as a whole. The caller joins the segments
    /// (PostHog joins them with `__`).
    pub attr: Vec<String>,
    /// Where the parameter was read from; `None` for bodies.
    pub location: Option<Location>,
}

impl Invalid {
    /// The code of a fault in the schema itself (see [`Schema::verify`]): the server's fault, to answer with 500.
    pub const SCHEMA_FAULT: &'static str = "schema_fault";

    /// Whether this is a fault of the schema rather than of the request.
    pub fn is_schema_fault(&self) -> bool {
        self.code == Invalid::SCHEMA_FAULT
    }

    /// The attr segments joined with `separator`, or `None` for the input as a whole.
    pub fn attr_joined(&self, separator: &str) -> Option<String> {
        (!self.attr.is_empty()).then(|| self.attr.join(separator))
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.attr_joined(".") {
            Some(attr) => write!(f, "{attr}: {}", self.detail),
            None => f.write_str(&self.detail),
        }
    }
}

impl std::error::Error for Invalid {}

impl Schema {
    /// Checks a decoded JSON body against `ty` and `rules`, filling in the default of every absent field that has
    /// one and rewriting integral floats given for integers (`5.0` to `5`), so that the generated serde type then
    /// decodes it.
    ///
    /// Reports the first problem in document order: an object's keys in the order they were sent (serde_json's
    /// `preserve_order` keeps it), then its missing required fields in declaration order. A list's item counts are
    /// checked before its items, since they are the list's own problem and cheap to find.
    pub fn check(&self, value: &mut Value, ty: &Type, rules: &Rules) -> Result<(), Invalid> {
        walk::Walker::new(self)
            .check(value, ty, rules)
            .map_err(walk::Fail::into_invalid)
    }

    /// Parses and checks every parameter in `params`, returning them keyed by wire name in declaration order.
    ///
    /// `path` holds the router's percent-decoded path parameters, `query` the raw query string (without `?`).
    /// Text becomes typed JSON (`"5"` → `5`, booleans as Django REST framework reads them: `true`, `True`, `1`,
    /// `yes`, `on` and their opposites), then goes through [`Schema::check`] with the parameter's rules, so enums,
    /// patterns and bounds report as in bodies, with `attr` starting with the parameter's name and `location` set.
    ///
    /// Lists are read as their [`Style`] says (path and header lists are comma-separated), objects always as deep
    /// objects (`created[gt]=5`); a parameter declared as [`Type::Json`] holds JSON text (`?filter={"a":1}`).
    ///
    /// An empty value counts as absent (`?page=` is no page, as Django REST framework reads it); a repeated scalar
    /// takes its last value; unknown query parameters are ignored. An absent parameter takes its default, is
    /// `required`, or is left out of the map. Text that is not UTF-8 once percent-decoded is refused with the
    /// type's `invalid` message; a malformed percent sequence (`%zz`) is kept as it was sent, as browsers do.
    pub fn params(
        &self,
        params: &[Param],
        path: &[(&str, &str)],
        query: Option<&str>,
        headers: &HeaderMap,
    ) -> Result<Map<String, Value>, Invalid> {
        convert::params(self, params, path, query, headers)
    }

    /// Decodes an `application/x-www-form-urlencoded` body with nested bracket keys, as Rails and Stripe send them
    /// (`name=x&metadata[plan]=pro&expand[]=a&items[0][price]=p&items[][price]=q`), into JSON typed by `ty`, then
    /// checks it with [`Schema::check`].
    ///
    /// Every leaf is text on the wire; it is typed by the field it lands in (`"5"` → `5` for an integer). An empty
    /// leaf follows Django REST framework's rules for form input: `null` for a nullable field (how Stripe unsets
    /// one), absent for an optional field that is not a string, and the empty string otherwise. Lists are written
    /// with `[]` (Rails starts a new item when a key repeats within the last one), with indexes (`[0]`, ordered by
    /// index, gaps closed), or as repeated plain keys.
    pub fn form(&self, body: &[u8], ty: &Type) -> Result<Value, Invalid> {
        convert::form(self, body, ty)
    }

    /// [`Schema::form`] for pairs already split and decoded: the text parts of a multipart body, each part's name
    /// a key (`metadata[plan]`, `tags[]`) and its content the value.
    pub fn form_pairs(
        &self,
        pairs: impl IntoIterator<Item = (String, Vec<u8>)>,
        ty: &Type,
    ) -> Result<Value, Invalid> {
        convert::form_pairs(self, pairs, ty)
    }

    /// Finds every fault in the schema: indexes out of range, defaults that are not JSON or do not pass their own
    /// check, patterns that do not compile, rules that fit no value of their type, enums without values, tagged
    /// unions whose variants lack a tag or a struct declaring it, and unions that contain themselves. A generated
    /// crate calls this in a test, so that [`Invalid::SCHEMA_FAULT`] never happens at run time.
    pub fn verify(&self) -> Result<(), Vec<String>> {
        verify::schema(self)
    }

    /// Like [`Schema::verify`] for one operation's parameters: names unique per location, path parameters
    /// required, objects only in the query, styles that fit their types, and defaults and rules as for fields.
    pub fn verify_params(&self, params: &[Param]) -> Result<(), Vec<String>> {
        verify::params(self, params)
    }
}
