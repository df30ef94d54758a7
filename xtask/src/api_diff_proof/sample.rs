//! Witness values: JSON one side of a pair may send that is valid for that side, chosen, wherever the two sides
//! differ, as what only that side allows (an enum value the other lacks, a field left out that the other requires,
//! `null` where the other refuses it, a length or number past the other's bound). Where they agree, a full value:
//! every optional field set. A change that breaks the other side on the wire then shows as a real failure, and a
//! change judged safe is tried at its most different.

use apigen::ir::{Api, Constraints, Field, Literal, Struct, Ty, TypeKind};
use serde_json::{json, Map, Value};

/// The side producing values (`this`) and the side receiving them (`other`).
#[derive(Clone, Copy)]
pub struct Sampler<'a> {
    pub this: &'a Api,
    pub other: &'a Api,
}

/// What stands at the same place on the other side, if anything does.
#[derive(Clone, Copy, Default)]
pub struct Other<'a> {
    pub ty: Option<&'a Ty>,
    pub constraints: Option<&'a Constraints>,
}

fn may_be_absent(f: &Field) -> bool {
    f.presence.optional() || f.default.is_some()
}

impl<'a> Sampler<'a> {
    pub fn value(&self, t: &Ty, c: &Constraints, other: Other<'a>) -> Value {
        let oc = other.constraints;
        match t {
            Ty::String | Ty::Uri | Ty::Email => {
                let base = match t {
                    Ty::Uri => "https://example.com/",
                    Ty::Email => "a@example.com",
                    // Starts with a capital: the corpus's one pattern (`^[A-Z]`) accepts it.
                    _ => "Abc",
                };
                let len = pick_len(
                    c.min_length,
                    c.max_length,
                    oc.and_then(|o| o.min_length),
                    oc.and_then(|o| o.max_length),
                    base.len() as u64,
                );
                let (mine, theirs) = (c.pattern.as_deref(), oc.and_then(|o| o.pattern.as_deref()));
                if mine.is_none() && theirs.is_none() {
                    return fit(base, len);
                }
                // With a pattern on either side: a candidate this side's pattern takes and the other's refuses,
                // else one this side takes (a spec's pattern that no candidate fits leaves the base).
                let takes = |p: Option<&str>, v: &Value| match (p, v.as_str()) {
                    (None, _) => true,
                    (Some(p), Some(text)) => regex::Regex::new(p).is_ok_and(|r| r.is_match(text)),
                    (Some(_), None) => false,
                };
                let candidates: Vec<Value> = [base, "abc", "ABC", "123", "a b", "-"]
                    .iter()
                    .map(|b| fit(b, len))
                    .collect();
                candidates
                    .iter()
                    .find(|v| takes(mine, v) && theirs.is_some() && !takes(theirs, v))
                    .or_else(|| candidates.iter().find(|v| takes(mine, v)))
                    .cloned()
                    .unwrap_or_else(|| fit(base, len))
            }
            Ty::I64 => json!(pick_num(
                c.minimum,
                c.maximum,
                oc.and_then(|o| o.minimum),
                oc.and_then(|o| o.maximum),
                1.0
            ) as i64),
            // Not a whole number: a side expecting an integer cannot take it.
            Ty::F64 => json!(pick_num(
                c.minimum,
                c.maximum,
                oc.and_then(|o| o.minimum),
                oc.and_then(|o| o.maximum),
                1.5
            )),
            Ty::Bool => json!(true),
            Ty::Uuid => json!("00000000-0000-0000-0000-000000000001"),
            Ty::DateTime => json!("2024-01-02T03:04:05Z"),
            Ty::Date => json!("2024-01-02"),
            Ty::Json => json!({"any": [1, "json"]}),
            // Bytes have no JSON witness: pairs holding them are left to the golden reports
            // (`super::unsupported`).
            Ty::Binary => json!("bytes"),
            Ty::List(item) => {
                let other_item = match other.ty {
                    Some(Ty::List(i)) => Some(&**i),
                    _ => None,
                };
                let n = pick_len(
                    c.min_items,
                    c.max_items,
                    oc.and_then(|o| o.min_items),
                    oc.and_then(|o| o.max_items),
                    // Two items: one reads alike in every query style, two tell `a=1&a=2` from `a=1,2`.
                    2,
                );
                let v = self.value(
                    item,
                    &Constraints::default(),
                    Other {
                        ty: other_item,
                        constraints: None,
                    },
                );
                Value::Array(vec![v; n as usize])
            }
            Ty::Map(item) => {
                let other_item = match other.ty {
                    Some(Ty::Map(i)) => Some(&**i),
                    _ => None,
                };
                json!({"k": self.value(item, &Constraints::default(), Other { ty: other_item, constraints: None })})
            }
            Ty::Named(id) => {
                let other_id = other.ty.and_then(Ty::named);
                let def = self.this.ty(*id);
                match &def.kind {
                    TypeKind::Struct(s) => {
                        let os = other_id.and_then(|o| self.other.struct_(o));
                        Value::Object(self.object(s, os))
                    }
                    TypeKind::Enum(e) => {
                        let theirs: Vec<&Literal> = match other_id.map(|o| &self.other.ty(o).kind) {
                            Some(TypeKind::Enum(oe)) => {
                                oe.variants.iter().map(|v| &v.value).collect()
                            }
                            _ => Vec::new(),
                        };
                        let v = e
                            .variants
                            .iter()
                            .find(|v| !theirs.is_empty() && !theirs.contains(&&v.value))
                            .or_else(|| e.variants.first());
                        match v.map(|v| &v.value) {
                            Some(Literal::Str(s)) => json!(s),
                            Some(Literal::Int(i)) => json!(i),
                            Some(Literal::Bool(b)) => json!(b),
                            None => Value::Null,
                        }
                    }
                    TypeKind::Union(u) => {
                        let theirs = other_id.and_then(|o| match &self.other.ty(o).kind {
                            TypeKind::Union(ou) => Some(ou),
                            _ => None,
                        });
                        let key = |v: &apigen::ir::UnionVariant| {
                            v.tag.clone().unwrap_or_else(|| v.rust_name.clone())
                        };
                        // The other side's variant of the same key, when its fields differ from this one's.
                        let fields = |api: &Api, t: &Ty| -> Vec<(String, bool)> {
                            t.named()
                                .and_then(|id| api.struct_(id))
                                .map(|s| {
                                    s.fields
                                        .iter()
                                        .map(|f| (f.wire_name.clone(), may_be_absent(f)))
                                        .collect()
                                })
                                .unwrap_or_default()
                        };
                        let differs = |v: &apigen::ir::UnionVariant| {
                            theirs
                                .and_then(|t| t.variants.iter().find(|w| key(w) == key(v)))
                                .is_some_and(|w| {
                                    fields(self.this, &v.ty) != fields(self.other, &w.ty)
                                })
                        };
                        let chosen = u
                            .variants
                            .iter()
                            .find(|v| {
                                theirs.is_some_and(|t| !t.variants.iter().any(|w| key(w) == key(v)))
                            })
                            .or_else(|| u.variants.iter().find(|v| differs(v)))
                            .or_else(|| u.variants.first());
                        let Some(v) = chosen else { return Value::Null };
                        let their_variant =
                            theirs.and_then(|t| t.variants.iter().find(|w| key(w) == key(v)));
                        let inner = self.value(
                            &v.ty,
                            &Constraints::default(),
                            Other {
                                ty: their_variant.map(|w| &w.ty),
                                constraints: None,
                            },
                        );
                        match (&u.tag, &v.tag, inner) {
                            (Some(tag), Some(value), Value::Object(fields)) => {
                                // The tag first, then the variant's fields (its own tag field, if it declares one,
                                // holds the same value).
                                let mut out = Map::new();
                                out.insert(tag.clone(), json!(value));
                                for (k, x) in fields {
                                    if k != *tag {
                                        out.insert(k, x);
                                    }
                                }
                                Value::Object(out)
                            }
                            (_, _, inner) => inner,
                        }
                    }
                }
            }
        }
    }

    /// A struct's fields as a JSON object (the fields [`Sampler::field`] leaves out are not there).
    pub fn object(&self, s: &Struct, os: Option<&Struct>) -> Map<String, Value> {
        let mut out = Map::new();
        for f in &s.fields {
            if let Some(v) = self.field(f, os) {
                out.insert(f.wire_name.clone(), v);
            }
        }
        out
    }

    /// A field's witness: `None` to leave it out.
    pub fn field(&self, f: &Field, os: Option<&Struct>) -> Option<Value> {
        let of = os.and_then(|o| o.fields.iter().find(|g| g.wire_name == f.wire_name));
        if may_be_absent(f) && of.is_some_and(|g| !may_be_absent(g)) {
            return None;
        }
        if f.presence.nullable() && of.is_some_and(|g| !g.presence.nullable()) {
            return Some(Value::Null);
        }
        Some(self.value(
            &f.ty,
            &f.constraints,
            Other {
                ty: of.map(|g| &g.ty),
                constraints: of.map(|g| &g.constraints),
            },
        ))
    }
}

/// A length (or count) within `[min, max]`, past the other side's bounds if it can be.
fn pick_len(
    min: Option<u64>,
    max: Option<u64>,
    omin: Option<u64>,
    omax: Option<u64>,
    default: u64,
) -> u64 {
    let lo = min.unwrap_or(0);
    let hi = max.unwrap_or(u64::MAX);
    let ok = |n: u64| n >= lo && n <= hi;
    let mut candidates = Vec::new();
    if let Some(m) = omax {
        candidates.push(m.saturating_add(1));
    }
    if let Some(m) = omin {
        candidates.push(m.saturating_sub(1));
    }
    candidates
        .into_iter()
        .find(|n| ok(*n) && (omin.is_some_and(|m| *n < m) || omax.is_some_and(|m| *n > m)))
        .unwrap_or_else(|| default.clamp(lo, hi.max(lo)))
}

fn pick_num(
    min: Option<f64>,
    max: Option<f64>,
    omin: Option<f64>,
    omax: Option<f64>,
    default: f64,
) -> f64 {
    let ok = |n: f64| min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m);
    let mut candidates = Vec::new();
    if let Some(m) = omax {
        candidates.push(m + 1.0);
    }
    if let Some(m) = omin {
        candidates.push(m - 1.0);
    }
    if let Some(v) = candidates.into_iter().find(|n| ok(*n)) {
        return v;
    }
    if ok(default) {
        default
    } else {
        min.or(max).unwrap_or(default)
    }
}

/// `base` cut or padded (with `x`) to `len` characters.
fn fit(base: &str, len: u64) -> Value {
    let mut s: String = base.chars().take(len as usize).collect();
    while (s.chars().count() as u64) < len {
        s.push('x');
    }
    Value::String(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_numbers_step_past_the_other_sides_bounds_within_their_own() {
        // Own max 200, the other's 50: 51 witnesses the tightening.
        assert_eq!(pick_len(None, Some(200), None, Some(50), 3), 51);
        // Own max 50, the other's 200: nothing of ours is past it; the default.
        assert_eq!(pick_len(None, Some(50), None, Some(200), 3), 3);
        assert_eq!(pick_len(Some(5), None, None, None, 3), 5);
        assert_eq!(pick_num(Some(0.0), None, Some(1.0), None, 1.5), 0.0);
        assert_eq!(pick_num(None, None, None, None, 1.5), 1.5);
        assert_eq!(fit("Abc", 5), json!("Abcxx"));
        assert_eq!(fit("Abc", 1), json!("A"));
    }
}
