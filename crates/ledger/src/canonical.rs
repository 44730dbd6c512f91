//! RFC 8785 (JCS) canonical bytes, and the content hash that binds a signature to its record.

use serde::Serialize;

use crate::entry::SubjectLink;
use crate::hash::Hash;
use crate::payload::{ActionName, Payload};

/// The RFC 8785 canonical UTF-8 encoding of `value`.
///
/// # Panics
///
/// Never for the ledger's own types: canonicalization fails only on non-finite floats or
/// non-string map keys, and [`Payload`] admits no floats while every map here has string keys.
pub(crate) fn canonical_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json_canonicalizer::to_vec(value)
        .expect("ledger values hold no floats and no non-string keys, so RFC 8785 cannot fail")
}

/// What an electronic signature covers: the action, the subjects (without `prev_seq`) and the
/// payload.
#[derive(Serialize)]
struct SignedContent<'a> {
    action: &'a ActionName,
    subjects: Vec<SignedSubject<'a>>,
    payload: &'a Payload,
}

/// A subject as the signature sees it: which aggregate, not where it sits in its sub-chain.
#[derive(Serialize)]
struct SignedSubject<'a> {
    kind: &'a str,
    id: &'a str,
}

/// SHA-256 of the canonical bytes of `{"action": ..., "subjects": [{"kind", "id"}, ...],
/// "payload": ...}`.
///
/// An [`EntrySignature`](crate::EntrySignature) carries this value, so a signature copied onto
/// another record (another action, subject or payload) no longer matches. Subjects keep their
/// order; `prev_seq` is left out because it describes the ledger, not what was signed.
pub fn signed_content_hash(
    action: &ActionName,
    subjects: &[SubjectLink],
    payload: &Payload,
) -> Hash {
    let content = SignedContent {
        action,
        subjects: subjects
            .iter()
            .map(|subject| SignedSubject {
                kind: &subject.kind,
                id: &subject.id,
            })
            .collect(),
        payload,
    };
    Hash::sha256(&canonical_bytes(&content))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn canonical_bytes_sort_keys_and_drop_whitespace() {
        let cases = [
            (
                json!({"b": 1, "a": [true, null]}),
                r#"{"a":[true,null],"b":1}"#,
            ),
            (json!({"é": "x", "z": "y"}), r#"{"z":"y","é":"x"}"#),
            (
                json!({"s": "line\nbreak \"quoted\" \u{1}"}),
                r#"{"s":"line\nbreak \"quoted\" \u0001"}"#,
            ),
            (
                json!({"n": -9007199254740991_i64}),
                r#"{"n":-9007199254740991}"#,
            ),
        ];
        for (value, want) in cases {
            assert_eq!(String::from_utf8(canonical_bytes(&value)).unwrap(), want);
        }
    }

    #[test]
    fn signed_content_hash_ignores_prev_seq_but_not_subjects() {
        let action = ActionName::parse("lot.released").unwrap();
        let payload = Payload::new(json!({"disposition": "released"})).unwrap();
        let subject = |id: &str, prev_seq| SubjectLink {
            kind: "lot".to_owned(),
            id: id.to_owned(),
            prev_seq,
        };
        let base = signed_content_hash(&action, &[subject("L1", Some(3))], &payload);

        let expected_content = r#"{"action":"lot.released","payload":{"disposition":"released"},"subjects":[{"id":"L1","kind":"lot"}]}"#;
        assert_eq!(base, Hash::sha256(expected_content.as_bytes()));

        assert_eq!(
            base,
            signed_content_hash(&action, &[subject("L1", None)], &payload)
        );
        let other_action = ActionName::parse("lot.rejected").unwrap();
        let other_payload = Payload::new(json!({"disposition": "rejected"})).unwrap();
        let changed = [
            signed_content_hash(&action, &[subject("L2", Some(3))], &payload),
            signed_content_hash(&other_action, &[subject("L1", Some(3))], &payload),
            signed_content_hash(&action, &[subject("L1", Some(3))], &other_payload),
            signed_content_hash(&action, &[], &payload),
        ];
        for hash in changed {
            assert_ne!(hash, base);
        }
    }
}
