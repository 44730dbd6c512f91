//! The two free-form parts of an entry, constrained so that they canonicalize unambiguously:
//! the action name and the payload object.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// The largest integer magnitude a payload may hold: 2^53 - 1, the I-JSON (RFC 7493) limit.
///
/// RFC 8785 writes numbers as IEEE 754 doubles, so a larger integer would not survive
/// canonicalization unchanged.
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// A dotted lowercase action name such as `lot.released` or `user.password_changed`.
///
/// At least two segments separated by `.`; each segment starts with `a-z` and continues with
/// `a-z`, `0-9` or `_`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ActionName(String);

/// Why a string is not an action name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a dotted lowercase action name such as lot.released")]
pub struct ActionNameError(String);

impl ActionName {
    /// Checks the shape described on [`ActionName`].
    pub fn parse(name: &str) -> Result<Self, ActionNameError> {
        let is_segment = |segment: &str| {
            let mut chars = segment.chars();
            chars.next().is_some_and(|first| first.is_ascii_lowercase())
                && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        let n_segments = name.split('.').count();
        if n_segments >= 2 && name.split('.').all(is_segment) {
            Ok(Self(name.to_owned()))
        } else {
            Err(ActionNameError(name.to_owned()))
        }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ActionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ActionName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The event-specific data of an entry: a JSON object whose numbers are all integers within
/// ±[`MAX_SAFE_INTEGER`].
///
/// Fractions and exponents are refused because their canonical text (RFC 8785 §3.2.2.3) is
/// easy for an independent verifier to get wrong; domain values with fractions are carried as
/// scaled integers or strings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Payload(Map<String, Value>);

/// Why a JSON value is not a payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// The top level must be an object.
    #[error("the payload must be a JSON object")]
    NotAnObject,
    /// A number is a fraction, has an exponent, or is too large.
    #[error("payload number {number} at {path} is not an integer within ±(2^53 - 1)")]
    UnsafeNumber {
        /// Where the number is, as a JSON pointer.
        path: String,
        /// The number as parsed.
        number: String,
    },
}

impl Payload {
    /// Checks that `value` is an object with only safe integers in it.
    pub fn new(value: Value) -> Result<Self, PayloadError> {
        let Value::Object(map) = value else {
            return Err(PayloadError::NotAnObject);
        };
        for (key, child) in &map {
            check_numbers(child, &format!("/{}", escape_pointer(key)))?;
        }
        Ok(Self(map))
    }

    /// An empty object.
    pub fn empty() -> Self {
        Self(Map::new())
    }

    /// The payload as a JSON object.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The payload as a JSON value.
    pub fn to_value(&self) -> Value {
        Value::Object(self.0.clone())
    }
}

impl<'de> Deserialize<'de> for Payload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::new(value).map_err(serde::de::Error::custom)
    }
}

/// Walks `value`, refusing any number that is not a safe integer; `path` names the position.
fn check_numbers(value: &Value, path: &str) -> Result<(), PayloadError> {
    match value {
        Value::Number(number) => {
            let is_safe = number
                .as_i64()
                .is_some_and(|int| (-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(&int));
            if is_safe {
                Ok(())
            } else {
                Err(PayloadError::UnsafeNumber {
                    path: path.to_owned(),
                    number: number.to_string(),
                })
            }
        }
        Value::Array(items) => {
            for (item_idx, item) in items.iter().enumerate() {
                check_numbers(item, &format!("{path}/{item_idx}"))?;
            }
            Ok(())
        }
        Value::Object(map) => {
            for (key, child) in map {
                check_numbers(child, &format!("{path}/{}", escape_pointer(key)))?;
            }
            Ok(())
        }
        Value::Null | Value::Bool(_) | Value::String(_) => Ok(()),
    }
}

/// Escapes a key for a JSON pointer (RFC 6901).
fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn action_names() {
        let cases = [
            ("lot.released", true),
            ("user.password_changed", true),
            ("auth.login_failed_unknown_user", true),
            ("unit.thaw2.started", true),
            ("released", false),
            ("Lot.released", false),
            ("lot..released", false),
            ("lot.released.", false),
            (".lot", false),
            ("lot.2nd", false),
            ("lot.re-leased", false),
            ("lot.released ", false),
            ("", false),
        ];
        for (name, want_ok) in cases {
            assert_eq!(ActionName::parse(name).is_ok(), want_ok, "{name:?}");
        }
    }

    #[test]
    fn payload_numbers() {
        let cases = [
            (json!({}), Ok(())),
            (
                json!({"n": 1, "m": -7, "s": "1.5", "b": true, "z": null}),
                Ok(()),
            ),
            (json!({"n": MAX_SAFE_INTEGER}), Ok(())),
            (json!({"n": -MAX_SAFE_INTEGER}), Ok(())),
            (json!({"n": MAX_SAFE_INTEGER + 1}), Err("/n")),
            (json!({"n": -MAX_SAFE_INTEGER - 1}), Err("/n")),
            (json!({"n": u64::MAX}), Err("/n")),
            (json!({"n": 1.5}), Err("/n")),
            (json!({"n": 1.0}), Err("/n")),
            (json!({"a": [1, {"b/c": [0.5]}]}), Err("/a/1/b~1c/0")),
        ];
        for (value, want) in cases {
            let got = Payload::new(value.clone())
                .map(|_| ())
                .map_err(|error| match error {
                    PayloadError::UnsafeNumber { path, .. } => path,
                    PayloadError::NotAnObject => "not an object".to_owned(),
                });
            assert_eq!(got, want.map_err(str::to_owned), "{value}");
        }
    }

    #[test]
    fn payload_must_be_an_object() {
        for value in [json!(null), json!([]), json!("x"), json!(1)] {
            assert_eq!(Payload::new(value), Err(PayloadError::NotAnObject));
        }
    }

    #[test]
    fn payload_parsing_refuses_exponents_fractions_and_negative_zero() {
        for text in [
            r#"{"n":1e3}"#,
            r#"{"n":1.0}"#,
            r#"{"n":-0.0}"#,
            r#"{"n":-0}"#,
        ] {
            assert!(serde_json::from_str::<Payload>(text).is_err(), "{text}");
        }
        let parsed: Payload = serde_json::from_str(r#"{"n":-12}"#).unwrap();
        assert_eq!(
            serde_json_canonicalizer::to_string(&parsed).unwrap(),
            r#"{"n":-12}"#
        );
    }
}
