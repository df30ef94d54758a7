//! Values as the text HTTP carries them in: query parameters in each [`ParamStyle`], form bodies (and multipart
//! text parts) with Rails and Stripe bracket keys, and header values. The client writes requests with these and
//! the server writes response headers with them; the server's `schema` reads all of them back.

#[cfg(feature = "client")]
use super::ParamStyle;
#[cfg(feature = "client")]
use serde_json::Map;
use serde_json::Value;

/// The text of a scalar: a string as it is, a number or boolean as JSON writes it; `None` for anything else.
pub(super) fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// A header value: a scalar's text, or a list of scalars joined with `, ` (HTTP's list syntax, which the server
/// splits again). Objects and `null` have no header form.
pub(super) fn header(value: &Value) -> Result<String, String> {
    if let Some(text) = scalar(value) {
        return Ok(text);
    }
    match value {
        Value::Array(items) => items
            .iter()
            .map(|item| {
                scalar(item).ok_or("a list in a header may only hold strings, numbers and booleans")
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|texts| texts.join(", "))
            .map_err(str::to_owned),
        Value::Null => Err("null has no header form".to_owned()),
        _ => Err("an object has no header form".to_owned()),
    }
}

#[cfg(feature = "client")]
/// The pairs of a form body (`application/x-www-form-urlencoded`, or the text parts of a multipart body) holding
/// `fields`: `name=x`, objects as `metadata[plan]=pro`, lists of scalars as `expand[]=a&expand[]=b`, lists of
/// objects or lists with indexes (`items[0][price]=p`, unambiguous where `[]` is not), `null` as an empty value
/// (Stripe's way to unset a field), and empty lists and objects as an empty value too (Stripe's way to clear
/// them).
pub(super) fn form_pairs(fields: &Map<String, Value>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, value) in fields {
        nested(name.clone(), value, &mut out);
    }
    out
}

#[cfg(feature = "client")]
/// The pairs of the query parameter `name` holding `value`, written in `style` (see [`ParamStyle`]). `null` and
/// an empty list send nothing.
pub(super) fn query_pairs(name: &str, value: &Value, style: ParamStyle) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match value {
        Value::Null => {}
        Value::Array(items) if items.is_empty() => {}
        Value::Array(items) => match items.iter().map(scalar).collect::<Option<Vec<_>>>() {
            Some(texts) => match style {
                ParamStyle::Form => out.extend(texts.into_iter().map(|t| (name.to_owned(), t))),
                ParamStyle::Comma => out.push((name.to_owned(), texts.join(","))),
                ParamStyle::Brackets => {
                    out.extend(texts.into_iter().map(|t| (format!("{name}[]"), t)))
                }
                ParamStyle::DeepObject => out.extend(
                    texts
                        .into_iter()
                        .enumerate()
                        .map(|(i, t)| (format!("{name}[{i}]"), t)),
                ),
            },
            // Lists of objects have only the indexed form.
            None => indexed(name, items, &mut out),
        },
        other => nested(name.to_owned(), other, &mut out),
    }
    out
}

#[cfg(feature = "client")]
/// `value` under the key `key`, brackets added for what it holds.
fn nested(key: String, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => out.push((key, String::new())),
        Value::Object(fields) if fields.is_empty() => out.push((key, String::new())),
        Value::Object(fields) => {
            for (name, inner) in fields {
                nested(format!("{key}[{name}]"), inner, out);
            }
        }
        Value::Array(items) if items.is_empty() => out.push((key, String::new())),
        Value::Array(items) => match items.iter().map(scalar).collect::<Option<Vec<_>>>() {
            Some(texts) => out.extend(texts.into_iter().map(|t| (format!("{key}[]"), t))),
            None => indexed(&key, items, out),
        },
        scalar_value => out.push((key, scalar(scalar_value).unwrap_or_default())),
    }
}

#[cfg(feature = "client")]
fn indexed(key: &str, items: &[Value], out: &mut Vec<(String, String)>) {
    for (index, item) in items.iter().enumerate() {
        nested(format!("{key}[{index}]"), item, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[cfg(feature = "client")]
    fn pairs(list: &[(String, String)]) -> Vec<String> {
        list.iter().map(|(k, v)| format!("{k}={v}")).collect()
    }

    #[test]
    #[cfg(feature = "client")]
    fn forms_use_bracket_keys() {
        let fields = json!({
            "name": "x",
            "amount": 5,
            "live": false,
            "description": null,
            "metadata": {"plan": "pro", "seats": 3},
            "expand": ["customer", "invoice"],
            "items": [{"price": "p1", "quantity": 2}, {"price": "p2"}],
            "tags": [],
            "extra": {},
        });
        let Value::Object(fields) = fields else {
            unreachable!("an object literal")
        };
        assert_eq!(
            pairs(&form_pairs(&fields)),
            [
                "name=x",
                "amount=5",
                "live=false",
                "description=",
                "metadata[plan]=pro",
                "metadata[seats]=3",
                "expand[]=customer",
                "expand[]=invoice",
                "items[0][price]=p1",
                "items[0][quantity]=2",
                "items[1][price]=p2",
                "tags=",
                "extra=",
            ]
        );
    }

    #[test]
    #[cfg(feature = "client")]
    fn query_lists_follow_their_style() {
        let list = json!([1, 2]);
        let styles = [
            (ParamStyle::Form, vec!["a=1", "a=2"]),
            (ParamStyle::Comma, vec!["a=1,2"]),
            (ParamStyle::Brackets, vec!["a[]=1", "a[]=2"]),
            (ParamStyle::DeepObject, vec!["a[0]=1", "a[1]=2"]),
        ];
        for (style, expected) in styles {
            assert_eq!(
                pairs(&query_pairs("a", &list, style)),
                expected,
                "{style:?}"
            );
        }
        let object = json!({"gt": 5, "range": {"lte": "x"}});
        assert_eq!(
            pairs(&query_pairs("created", &object, ParamStyle::Form)),
            ["created[gt]=5", "created[range][lte]=x"]
        );
        assert!(query_pairs("a", &json!(null), ParamStyle::Form).is_empty());
        assert!(query_pairs("a", &json!([]), ParamStyle::Comma).is_empty());
        assert_eq!(
            pairs(&query_pairs("a", &json!("b c"), ParamStyle::Comma)),
            ["a=b c"]
        );
        assert_eq!(
            pairs(&query_pairs("a", &json!([{"k": 1}]), ParamStyle::Form)),
            ["a[0][k]=1"]
        );
    }

    #[test]
    fn header_values_are_text_or_comma_lists() {
        assert_eq!(header(&json!("2022-11-28")), Ok("2022-11-28".to_owned()));
        assert_eq!(header(&json!(7)), Ok("7".to_owned()));
        assert_eq!(header(&json!(["a", true, 1])), Ok("a, true, 1".to_owned()));
        assert!(header(&json!({"a": 1})).is_err());
        assert!(header(&json!([[1]])).is_err());
        assert!(header(&json!(null)).is_err());
    }
}
