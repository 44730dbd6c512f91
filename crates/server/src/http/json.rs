//! JSON parsing that refuses duplicate keys.
//!
//! `serde_json` keeps the last of two equal keys, so `{"query": A, "query": B}` runs B while a
//! proxy, a log or an audit tool that keeps the first sees A. A request whose meaning depends on
//! which parser reads it is refused instead, at every depth (a duplicate inside `variables` is as
//! ambiguous as one at the top).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// The longest key quoted in an error message, in characters.
const MAX_QUOTED_KEY_CHARS: usize = 40;

/// Parses `bytes` as one JSON value, refusing an object with two equal keys (compared after
/// unescaping, so `"query"` and `"qu\u0065ry"` are equal).
pub fn from_slice(bytes: &[u8]) -> serde_json::Result<Value> {
    serde_json::from_slice::<UniqueKeys>(bytes).map(|UniqueKeys(value)| value)
}

/// Parses `text` as [`from_slice`] does.
pub fn from_str(text: &str) -> serde_json::Result<Value> {
    from_slice(text.as_bytes())
}

/// A JSON value none of whose objects has a key twice.
struct UniqueKeys(Value);

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(UniqueKeysVisitor)
            .map(UniqueKeys)
    }
}

struct UniqueKeysVisitor;

impl<'de> Visitor<'de> for UniqueKeysVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(UniqueKeys(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "duplicate key {}",
                    quoted_key(&key)
                )));
            }
            let UniqueKeys(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// `key` in quotes, cut short if it is long.
fn quoted_key(key: &str) -> String {
    if key.chars().count() <= MAX_QUOTED_KEY_CHARS {
        format!("{key:?}")
    } else {
        let start: String = key.chars().take(MAX_QUOTED_KEY_CHARS).collect();
        format!("{start:?}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_refused_at_every_depth() {
        let refused = [
            r#"{"query": "{a}", "query": "{b}"}"#,
            r#"{"query": "{a}", "qu\u0065ry": "{b}"}"#,
            r#"{"query": "{a}", "variables": {"x": 1, "x": 2}}"#,
            r#"{"query": "{a}", "variables": {"input": [{"din": "A", "din": "B"}]}}"#,
            r#"{"query": "{a}", "extensions": {"e": {}, "e": {}}}"#,
        ];
        for text in refused {
            let error = from_str(text).expect_err(text).to_string();
            assert!(error.starts_with("duplicate key "), "{text}: {error}");
        }
        let long_key = "k".repeat(10_000);
        let error = from_str(&format!(r#"{{"{long_key}": 1, "{long_key}": 2}}"#))
            .expect_err("a duplicate")
            .to_string();
        assert!(error.len() < 100, "{error}");
    }

    #[test]
    fn everything_else_parses_as_serde_json_does() {
        let accepted = [
            r#"{"query": "{a}", "variables": {"x": 1, "y": [1, 2.5, -3, null, true]}}"#,
            r#"{"a": {"k": 1}, "b": {"k": 1}}"#,
            r#"[{"k": 1}, {"k": 2}]"#,
            r#""text with \"quotes\" and \u00e9""#,
            "18446744073709551615",
            "-1.5e300",
            "{}",
        ];
        for text in accepted {
            let expected: Value = serde_json::from_str(text).expect(text);
            assert_eq!(from_str(text).expect(text), expected, "{text}");
        }
        for text in ["", "{", r#"{"a": 1,}"#, "[1] 2", "nul"] {
            assert!(from_str(text).is_err(), "{text}");
        }
    }
}
