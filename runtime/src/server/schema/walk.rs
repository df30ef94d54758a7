//! The walk behind [`Schema::check`]: a JSON value against a [`Type`], with Django REST framework's messages.
//!
//! The walk is recursive, bounded by [`MAX_DEPTH`] nested containers, [`MAX_HOPS`] named types resolved without
//! entering a container (only a union that contains itself gets there), and [`MAX_STEPS`] values visited per call.
//! A failure builds its `attr` on the way out (each level adds its key), so a value that passes costs no path
//! bookkeeping.

use super::{
    Enum, Invalid, Literal, Rules, Schema, Struct, Type, TypeDef, Union, Variant, MAX_DEPTH,
};
use serde_json::{Map, Number, Value};

/// How many named types may be resolved in a row without entering a list or object: a union of unions of unions
/// is already rare, so more means a union that contains itself, which [`Schema::verify`] reports.
pub(super) const MAX_HOPS: usize = 32;

/// How many values one call may visit, retries of untagged unions included. A 1 MiB body holds at most about half a
/// million values, so only untagged unions retried over and over get near this, and they are stopped within
/// about a second instead of running for ever.
pub(super) const MAX_STEPS: u64 = 4_000_000;

/// The longest failure reason of one variant quoted in an untagged union's message, so that nested unions cannot
/// multiply the message's length.
const MAX_REASON_CHARS: usize = 200;

pub(super) const NULL: &str = "This field may not be null.";
pub(super) const REQUIRED: &str = "This field is required.";

/// A problem on its way out of the walk. It is boxed so that the `Result` every level of the walk returns is one
/// pointer wide: failures are rare, and small results keep the recursive frames small (see [`Walker::value`]).
#[derive(Debug)]
pub(super) struct Fail(Box<Problem>);

#[derive(Debug)]
struct Problem {
    code: &'static str,
    detail: String,
    /// The path innermost first, so each level appends its key.
    attr_rev: Vec<String>,
    /// A fault that ends the whole check: too deep, too long, or a broken schema. An untagged union does not try
    /// its next variant after one of these.
    fatal: bool,
}

impl Fail {
    pub(super) fn new(code: &'static str, detail: impl Into<String>) -> Fail {
        Fail(Box::new(Problem {
            code,
            detail: detail.into(),
            attr_rev: Vec::new(),
            fatal: false,
        }))
    }

    fn fatal(code: &'static str, detail: impl Into<String>) -> Fail {
        let mut fail = Fail::new(code, detail);
        fail.0.fatal = true;
        fail
    }

    /// A fault of the schema, not of the request.
    pub(super) fn schema(detail: impl Into<String>) -> Fail {
        Fail::fatal(Invalid::SCHEMA_FAULT, detail)
    }

    /// The same problem, one level further out: inside `segment`.
    pub(super) fn within(mut self, segment: impl Into<String>) -> Fail {
        self.0.attr_rev.push(segment.into());
        self
    }

    pub(super) fn is_fatal(&self) -> bool {
        self.0.fatal
    }

    /// `name (attr: detail)`, one entry of an untagged union's message.
    pub(super) fn reason(&self, name: &str) -> String {
        let problem = &self.0;
        let mut detail: String = problem.detail.chars().take(MAX_REASON_CHARS).collect();
        if detail.len() < problem.detail.len() {
            detail.push('…');
        }
        if problem.attr_rev.is_empty() {
            format!("{name} ({detail})")
        } else {
            let attr: Vec<&str> = problem.attr_rev.iter().rev().map(String::as_str).collect();
            format!("{name} ({}: {detail})", attr.join("."))
        }
    }

    pub(super) fn into_invalid(self) -> Invalid {
        let Problem {
            code,
            detail,
            mut attr_rev,
            ..
        } = *self.0;
        attr_rev.reverse();
        Invalid {
            code,
            detail,
            attr: attr_rev,
            location: None,
        }
    }
}

/// The message of an untagged union none of whose variants matched.
pub(super) fn none_matched(reasons: &[String]) -> Fail {
    Fail::new(
        "invalid",
        format!("Matches none of: {}", reasons.join(", ")),
    )
}

/// Where the walk is: how deep, how many named types resolved since the last container, and whether it fills in
/// defaults (a dry run, which only tells whether a value passes, does not).
#[derive(Debug, Clone, Copy)]
pub(super) struct Cx {
    depth: usize,
    hops: usize,
    pub(super) fill: bool,
}

impl Cx {
    pub(super) const TOP: Cx = Cx {
        depth: 0,
        hops: 0,
        fill: true,
    };

    /// Inside a list or object.
    pub(super) fn descend(self) -> Result<Cx, Fail> {
        if self.depth >= MAX_DEPTH {
            return Err(Fail::fatal(
                "invalid",
                format!(
                    "Nested too deeply: at most {MAX_DEPTH} levels of lists and objects are accepted."
                ),
            ));
        }
        Ok(Cx {
            depth: self.depth + 1,
            hops: 0,
            ..self
        })
    }

    /// Through a named type.
    pub(super) fn hop(self) -> Result<Cx, Fail> {
        if self.hops >= MAX_HOPS {
            return Err(Fail::schema(format!(
                "more than {MAX_HOPS} named types in a row without a list or object: a union contains itself"
            )));
        }
        Ok(Cx {
            hops: self.hops + 1,
            ..self
        })
    }

    /// Not inside any list or object.
    pub(super) fn is_top(self) -> bool {
        self.depth == 0
    }

    pub(super) fn dry(self) -> Cx {
        Cx {
            fill: false,
            ..self
        }
    }
}

/// One check (or one conversion and its check): the schema and the steps spent so far.
pub(super) struct Walker<'s> {
    pub(super) schema: &'s Schema,
    steps: u64,
}

impl<'s> Walker<'s> {
    pub(super) fn new(schema: &'s Schema) -> Self {
        Walker { schema, steps: 0 }
    }

    /// Checks `value` and fills in its defaults.
    pub(super) fn check(
        &mut self,
        value: &mut Value,
        ty: &Type,
        rules: &Rules,
    ) -> Result<(), Fail> {
        self.value(value, ty, rules, Cx::TOP)
    }

    /// Spends one step of the budget.
    pub(super) fn step(&mut self) -> Result<(), Fail> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(Fail::fatal("invalid", "The value is too complex to check."));
        }
        Ok(())
    }

    /// The named type at `index`.
    pub(super) fn named(&self, index: usize) -> Result<&'s TypeDef, Fail> {
        self.schema.types.get(index).ok_or_else(|| {
            Fail::schema(format!(
                "the schema has {} types, not a type number {index}",
                self.schema.types.len()
            ))
        })
    }

    /// Checks one value that is present (a nullable field's `null` never gets here).
    ///
    /// This and the functions it recurses through (`named_value`, `union`, `untagged`, `list`, `map`, `object`)
    /// stay small and leave what does not recurse to other functions: a debug build gives every local its own
    /// stack slot, so the size of these frames times [`MAX_DEPTH`] is the stack a deep value needs.
    pub(super) fn value(
        &mut self,
        value: &mut Value,
        ty: &Type,
        rules: &Rules,
        cx: Cx,
    ) -> Result<(), Fail> {
        self.step()?;
        if value.is_null() {
            return Err(null());
        }
        match ty {
            Type::List(item) => self.list(value, item, rules, cx),
            Type::Map(item) => self.map(value, item, cx),
            Type::Named(index) => self.named_value(value, *index, rules, cx),
            scalar => scalar_value(value, scalar, rules, cx.fill),
        }
    }

    fn named_value(
        &mut self,
        value: &mut Value,
        index: usize,
        rules: &Rules,
        cx: Cx,
    ) -> Result<(), Fail> {
        let cx = cx.hop()?;
        match self.named(index)? {
            TypeDef::Struct(shape) => self.object(value, shape, cx),
            TypeDef::Enum(choices) => choice(value, choices, cx.fill),
            TypeDef::Union(union) => self.union(value, union, rules, cx),
        }
    }

    fn list(&mut self, value: &mut Value, item: &Type, rules: &Rules, cx: Cx) -> Result<(), Fail> {
        let Value::Array(items) = value else {
            return Err(type_error(&Type::List(&Type::Json), value));
        };
        item_counts(items.len(), rules)?;
        let cx = cx.descend()?;
        for (index, element) in items.iter_mut().enumerate() {
            self.value(element, item, &Rules::NONE, cx)
                .map_err(|fail| fail.within(index.to_string()))?;
        }
        Ok(())
    }

    fn map(&mut self, value: &mut Value, item: &Type, cx: Cx) -> Result<(), Fail> {
        let Value::Object(entries) = value else {
            return Err(type_error(&Type::Map(&Type::Json), value));
        };
        let cx = cx.descend()?;
        for (key, element) in entries.iter_mut() {
            self.value(element, item, &Rules::NONE, cx)
                .map_err(|fail| fail.within(key.as_str()))?;
        }
        Ok(())
    }

    fn object(&mut self, value: &mut Value, shape: &Struct, cx: Cx) -> Result<(), Fail> {
        let Value::Object(entries) = value else {
            return Err(type_error(&Type::Map(&Type::Json), value));
        };
        let cx = cx.descend()?;
        // The keys in the order they were sent, so the first problem reported is the first in the document.
        for (key, element) in entries.iter_mut() {
            self.step()?;
            match shape.fields.iter().find(|field| field.name == key.as_str()) {
                Some(field) if element.is_null() && field.nullable => {}
                Some(field) => self
                    .value(element, &field.ty, &field.rules, cx)
                    .map_err(|fail| fail.within(key.as_str()))?,
                None if shape.reject_unknown => {
                    return Err(Fail::new("invalid_input", "Unknown field.").within(key.as_str()))
                }
                None => {}
            }
        }
        missing_fields(entries, shape, cx.fill)
    }

    fn union(
        &mut self,
        value: &mut Value,
        union: &Union,
        rules: &Rules,
        cx: Cx,
    ) -> Result<(), Fail> {
        let Some(tag) = union.tag else {
            return self.untagged(value, union, rules, cx);
        };
        let variant = tagged_variant(value, union, tag)?;
        if self.declares(&variant.ty, tag) {
            return self.value(value, &variant.ty, rules, cx);
        }
        // The tag is the union's alone: the variant's struct is checked without it (it may refuse unknown
        // fields), and it is put back first, where the generated union's serializer writes it.
        let Value::Object(entries) = value else {
            unreachable!("tagged_variant accepted only an object")
        };
        let tag_value = entries.shift_remove(tag);
        let result = self.value(value, &variant.ty, rules, cx);
        if let (Some(tag_value), Value::Object(entries)) = (tag_value, value) {
            entries.shift_insert(0, tag.to_owned(), tag_value);
        }
        result
    }

    /// Whether `ty` is a struct with a field named `tag` (a tagged variant that carries its own tag).
    fn declares(&self, ty: &Type, tag: &str) -> bool {
        match ty {
            Type::Named(index) => matches!(
                self.schema.types.get(*index),
                Some(TypeDef::Struct(shape)) if shape.fields.iter().any(|field| field.name == tag)
            ),
            _ => false,
        }
    }

    fn untagged(
        &mut self,
        value: &mut Value,
        union: &Union,
        rules: &Rules,
        cx: Cx,
    ) -> Result<(), Fail> {
        let mut reasons = Vec::new();
        for variant in union.variants {
            // A dry run first: a variant that fails half-way must not leave its defaults in the value.
            match self.value(value, &variant.ty, rules, cx.dry()) {
                Ok(()) if cx.fill => return self.value(value, &variant.ty, rules, cx),
                Ok(()) => return Ok(()),
                Err(fail) if fail.is_fatal() => return Err(fail),
                Err(fail) => reasons.push(fail.reason(variant.name)),
            }
        }
        Err(none_matched(&reasons))
    }
}

/// The variant a tagged union's value names, or why it names none (`attr` the tag field).
fn tagged_variant(value: &Value, union: &Union, tag: &str) -> Result<&'static Variant, Fail> {
    let Value::Object(entries) = value else {
        return Err(type_error(&Type::Map(&Type::Json), value));
    };
    let variants: &'static [Variant] = union.variants;
    match entries.get(tag) {
        None => Err(Fail::new("required", REQUIRED)),
        Some(Value::Null) => Err(null()),
        Some(Value::String(name)) => variants
            .iter()
            .find(|variant| variant.tag == Some(name.as_str()))
            .ok_or_else(|| invalid_choice(&Value::String(name.clone()))),
        Some(other) => Err(invalid_choice(other)),
    }
    .map_err(|fail| fail.within(tag))
}

fn null() -> Fail {
    Fail::new("null", NULL)
}

/// A scalar: its JSON type, then its rules.
fn scalar_value(value: &mut Value, ty: &Type, rules: &Rules, fill: bool) -> Result<(), Fail> {
    match ty {
        Type::String => match value {
            Value::String(text) => string_rules(text, rules),
            _ => Err(type_error(ty, value)),
        },
        Type::Integer => match integer_of(value) {
            Some(n) => {
                // Integral floats pass, as in Django REST framework, and become integers for serde.
                if fill && !value.is_i64() {
                    *value = Value::from(n);
                }
                integer_rules(n, rules)
            }
            None => Err(type_error(ty, value)),
        },
        Type::Number => match value {
            Value::Number(n) => number_rules(n, rules),
            _ => Err(type_error(ty, value)),
        },
        Type::Boolean if value.is_boolean() => Ok(()),
        Type::Uuid if value.as_str().is_some_and(is_uuid) => Ok(()),
        Type::DateTime if value.as_str().is_some_and(is_datetime) => Ok(()),
        Type::Date if value.as_str().is_some_and(is_date) => Ok(()),
        Type::Json => Ok(()),
        _ => Err(type_error(ty, value)),
    }
}

/// Django REST framework's `ListField` checks emptiness first, then its length validators, maximum before
/// minimum; they are checked before the items, since they are cheaper and the list's own problem.
fn item_counts(count: usize, rules: &Rules) -> Result<(), Fail> {
    let count = count as u64;
    if count == 0 && rules.min_items == Some(1) {
        return Err(Fail::new("empty", "This list may not be empty."));
    }
    if let Some(max) = rules.max_items.filter(|max| count > *max) {
        return Err(Fail::new(
            "max_length",
            format!("Ensure this field has no more than {max} elements."),
        ));
    }
    if let Some(min) = rules.min_items.filter(|min| count < *min) {
        return Err(Fail::new(
            "min_length",
            format!("Ensure this field has at least {min} elements."),
        ));
    }
    Ok(())
}

/// The declared fields not sent: defaults filled in (unless in a dry run), and the first required one reported.
fn missing_fields(
    entries: &mut Map<String, Value>,
    shape: &Struct,
    fill: bool,
) -> Result<(), Fail> {
    for field in shape.fields {
        if entries.contains_key(field.name) {
            continue;
        }
        match field.default {
            Some(text) if fill => {
                let default = serde_json::from_str(text).map_err(|error| {
                    Fail::schema(format!(
                        "the default of `{}.{}` is not JSON: {error}",
                        shape.name, field.name
                    ))
                })?;
                entries.insert(field.name.to_owned(), default);
            }
            Some(_) => {}
            None if field.required => {
                return Err(Fail::new("required", REQUIRED).within(field.name));
            }
            None => {}
        }
    }
    Ok(())
}

/// The value of a JSON number that is an integer: an `i64`, or a float with no fraction inside the `i64` range.
pub(super) fn integer_of(value: &Value) -> Option<i64> {
    let Value::Number(number) = value else {
        return None;
    };
    if let Some(n) = number.as_i64() {
        return Some(n);
    }
    if number.is_u64() {
        // Above i64::MAX.
        return None;
    }
    let float = number.as_f64()?;
    // -2^63 is a float and an i64; 2^63 is the first float above i64::MAX. Between them the cast is exact.
    let in_range = (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&float);
    (float.fract() == 0.0 && in_range).then_some(float as i64)
}

pub(super) fn is_uuid(text: &str) -> bool {
    uuid::Uuid::try_parse(text).is_ok()
}

pub(super) fn is_datetime(text: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(text).is_ok()
}

/// Exactly `YYYY-MM-DD`, a real date: chrono's `%Y` alone would also take signs and five-digit years.
pub(super) fn is_date(text: &str) -> bool {
    let shape = text.len() == 10
        && text.bytes().enumerate().all(|(index, byte)| match index {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    shape && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

/// Python's name for the type of a JSON value, as Django REST framework prints it.
pub(super) fn python_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(number) if number.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// The problem with a value of the wrong JSON type for `ty`. Named types are reported by their own checks.
pub(super) fn type_error(ty: &Type, value: &Value) -> Fail {
    let detail = match ty {
        Type::String => "Not a valid string.",
        Type::Integer => "A valid integer is required.",
        Type::Number => "A valid number is required.",
        Type::Boolean => "Must be a valid boolean.",
        Type::Uuid => "Must be a valid UUID.",
        Type::DateTime => {
            "Datetime has wrong format. Use one of these formats instead: \
             YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
        }
        Type::Date => "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
        Type::Json => "Value must be valid JSON.",
        Type::List(_) => {
            return Fail::new(
                "not_a_list",
                format!(
                    "Expected a list of items but got type \"{}\".",
                    python_type(value)
                ),
            )
        }
        Type::Map(_) | Type::Named(_) => {
            return Fail::new(
                "invalid",
                format!(
                    "Expected a dictionary of items but got type \"{}\".",
                    python_type(value)
                ),
            )
        }
    };
    Fail::new("invalid", detail)
}

/// `"x" is not a valid choice.`: strings as they are, other values as JSON text.
pub(super) fn invalid_choice(value: &Value) -> Fail {
    let text = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    Fail::new(
        "invalid_choice",
        format!("\"{text}\" is not a valid choice."),
    )
}

/// Whether a value is one of the enum's literals; an integral float matching an integer literal becomes that
/// integer, as for [`Type::Integer`].
fn choice(value: &mut Value, choices: &Enum, fill: bool) -> Result<(), Fail> {
    for literal in choices.values {
        let matched = match (literal, &*value) {
            (Literal::Str(expected), Value::String(text)) => expected == text,
            (Literal::Int(expected), number) => integer_of(number) == Some(*expected),
            (Literal::Bool(expected), Value::Bool(flag)) => expected == flag,
            _ => false,
        };
        if matched {
            if let (Literal::Int(n), true) = (literal, fill && !value.is_i64()) {
                *value = Value::from(*n);
            }
            return Ok(());
        }
    }
    Err(invalid_choice(value))
}

/// Django REST framework's order for a `CharField`: maximum length, minimum length, then the pattern.
fn string_rules(text: &str, rules: &Rules) -> Result<(), Fail> {
    if rules.max_length.is_some() || rules.min_length.is_some() {
        // Python counts code points, as `chars` does; only counted when a rule needs it.
        let count = text.chars().count() as u64;
        if let Some(max) = rules.max_length.filter(|max| count > *max) {
            return Err(Fail::new(
                "max_length",
                format!("Ensure this field has no more than {max} characters."),
            ));
        }
        if let Some(min) = rules.min_length.filter(|min| count < *min) {
            return Err(Fail::new(
                "min_length",
                format!("Ensure this field has at least {min} characters."),
            ));
        }
    }
    if let Some(pattern) = rules.pattern {
        let regex = pattern.regex().map_err(|error| {
            Fail::schema(format!(
                "the pattern `{}` does not compile: {error}",
                pattern.source()
            ))
        })?;
        if !regex.is_match(text) {
            return Err(Fail::new(
                "invalid",
                "This value does not match the required pattern.",
            ));
        }
    }
    Ok(())
}

/// Bounds on an integer, compared exactly: `n > max` is `n > floor(max)` for an integer `n`, and both sides fit an
/// `i128` (the float cast saturates), so no precision is lost near `i64::MAX` as it would be in `f64`.
fn integer_rules(n: i64, rules: &Rules) -> Result<(), Fail> {
    let n = i128::from(n);
    let above = |max: &f64| !max.is_nan() && n > max.floor() as i128;
    let below = |min: &f64| !min.is_nan() && n < min.ceil() as i128;
    bound_errors(rules.maximum.filter(above), rules.minimum.filter(below))
}

fn number_rules(number: &Number, rules: &Rules) -> Result<(), Fail> {
    // Every serde_json number has an f64 value; None cannot happen, and then no bound is exceeded.
    let Some(value) = number.as_f64() else {
        return Ok(());
    };
    bound_errors(
        rules.maximum.filter(|max| value > *max),
        rules.minimum.filter(|min| value < *min),
    )
}

/// The error for an exceeded bound, the maximum first as Django REST framework's validators run.
fn bound_errors(above: Option<f64>, below: Option<f64>) -> Result<(), Fail> {
    if let Some(max) = above {
        return Err(Fail::new(
            "max_value",
            format!(
                "Ensure this value is less than or equal to {}.",
                bound_text(max)
            ),
        ));
    }
    if let Some(min) = below {
        return Err(Fail::new(
            "min_value",
            format!(
                "Ensure this value is greater than or equal to {}.",
                bound_text(min)
            ),
        ));
    }
    Ok(())
}

/// A bound as people write it: `5`, not `5.0`.
fn bound_text(bound: f64) -> String {
    if bound.fract() == 0.0 && bound.abs() < 1e15 {
        format!("{}", bound as i64)
    } else {
        format!("{bound}")
    }
}
