//! Tests of the entry's JSON shape and hash.

use serde_json::{Value, json};

use super::*;
use crate::signed_content_hash;

fn sample_body() -> EntryBody {
    let action = ActionName::parse("lot.released").unwrap();
    let subjects = vec![
        SubjectLink {
            kind: "lot".to_owned(),
            id: "L-0001".to_owned(),
            prev_seq: Some(12),
        },
        SubjectLink {
            kind: "unit".to_owned(),
            id: "W0000 26 000001".to_owned(),
            prev_seq: None,
        },
    ];
    let payload = Payload::new(json!({"disposition": "released", "n_units": 4})).unwrap();
    let content_hash = signed_content_hash(&action, &subjects, &payload);
    EntryBody {
        seq: 13,
        id: "0193b7e0-2c4a-7d3e-8f10-5a6b7c8d9e0f".parse().unwrap(),
        recorded_at: "2026-11-25T20:16:38.123456Z".parse().unwrap(),
        actor: Actor::User {
            user_id: "0193b7e0-0000-7000-8000-000000000001".parse().unwrap(),
            role: "qa".to_owned(),
        },
        action,
        subjects,
        payload,
        corrects: Some(Correction {
            seq: 5,
            reason: "typo in lot number".to_owned(),
        }),
        signature: Some(EntrySignature {
            signer_id: "0193b7e0-0000-7000-8000-000000000001".parse().unwrap(),
            printed_name: "Jane Roe".to_owned(),
            signed_at: "2026-11-25T20:16:37.000001Z".parse().unwrap(),
            meaning: SignatureMeaning::Approval,
            content_hash,
        }),
        prev_hash: Hash::leaf(b"entry 12"),
    }
}

fn sample_json() -> Value {
    serde_json::to_value(Entry::seal(sample_body())).unwrap()
}

#[test]
fn json_shape_has_every_field() {
    let json = sample_json();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "action",
            "actor",
            "corrects",
            "hash",
            "id",
            "payload",
            "prev_hash",
            "recorded_at",
            "seq",
            "signature",
            "subjects"
        ]
    );
    assert_eq!(
        json["actor"],
        json!({"kind": "user", "user_id": "0193b7e0-0000-7000-8000-000000000001", "role": "qa"})
    );
    assert_eq!(json["subjects"][1]["prev_seq"], Value::Null);
    assert_eq!(json["signature"]["meaning"], "APPROVAL");
    assert_eq!(
        json["signature"]["signed_at"],
        "2026-11-25T20:16:37.000001Z"
    );

    let mut body = sample_body();
    body.corrects = None;
    body.signature = None;
    body.actor = Actor::System;
    let json = serde_json::to_value(Entry::seal(body)).unwrap();
    assert_eq!(json["corrects"], Value::Null);
    assert_eq!(json["signature"], Value::Null);
    assert_eq!(json["actor"], json!({"kind": "system"}));
}

#[test]
fn hash_is_the_rfc9162_leaf_hash_of_the_canonical_body() {
    let entry = Entry::seal(sample_body());
    let canonical = entry.body().canonical_bytes();
    assert_eq!(entry.hash().to_tlog(), tlog_tiles::record_hash(&canonical));
    assert_eq!(entry.recompute_hash(), entry.hash());
    assert!(!String::from_utf8(canonical).unwrap().contains("\"hash\""));
}

#[test]
fn parsing_and_printing_round_trip_byte_for_byte() {
    let entry = Entry::seal(sample_body());
    let text = serde_json::to_string(&entry).unwrap();
    let parsed: Entry = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed, entry);
    assert_eq!(serde_json::to_string(&parsed).unwrap(), text);
    assert_eq!(parsed.recompute_hash(), entry.hash());
}

#[test]
fn parsing_keeps_a_wrong_stored_hash() {
    let mut json = sample_json();
    json["hash"] = json!(Hash::ZERO);
    let parsed: Entry = serde_json::from_value(json).unwrap();
    assert_eq!(parsed.hash(), Hash::ZERO);
    assert_ne!(parsed.recompute_hash(), Hash::ZERO);
}

#[test]
fn parsing_refuses_anything_that_would_not_print_back_identically() {
    type Edit = fn(&mut Value);
    let cases: [(&str, Edit); 16] = [
        ("missing hash", |j| {
            drop(j.as_object_mut().unwrap().remove("hash"))
        }),
        ("missing corrects", |j| {
            drop(j.as_object_mut().unwrap().remove("corrects"))
        }),
        ("missing signature", |j| {
            drop(j.as_object_mut().unwrap().remove("signature"))
        }),
        ("missing prev_seq", |j| {
            drop(j["subjects"][1].as_object_mut().unwrap().remove("prev_seq"))
        }),
        ("unknown top-level field", |j| j["extra"] = json!(1)),
        ("unknown subject field", |j| {
            j["subjects"][0]["extra"] = json!(1)
        }),
        ("unknown signature field", |j| {
            j["signature"]["extra"] = json!(1)
        }),
        ("unknown actor field", |j| j["actor"]["extra"] = json!(1)),
        ("system actor with a user", |j| {
            j["actor"] = json!({"kind": "system", "role": "qa"})
        }),
        ("uppercase uuid", |j| {
            j["id"] = json!("0193B7E0-2C4A-7D3E-8F10-5A6B7C8D9E0F")
        }),
        ("braced uuid", |j| {
            j["id"] = json!("{0193b7e0-2c4a-7d3e-8f10-5a6b7c8d9e0f}")
        }),
        ("time without micros", |j| {
            j["recorded_at"] = json!("2026-11-25T20:16:38Z")
        }),
        ("time with offset", |j| {
            j["recorded_at"] = json!("2026-11-25T20:16:38.123456+00:00")
        }),
        ("uppercase hash", |j| {
            j["prev_hash"] = json!("AB".repeat(32))
        }),
        ("float in payload", |j| j["payload"]["n_units"] = json!(4.5)),
        ("unknown meaning", |j| {
            j["signature"]["meaning"] = json!("approval")
        }),
    ];
    for (name, edit) in cases {
        let mut json = sample_json();
        edit(&mut json);
        assert!(
            serde_json::from_value::<Entry>(json).is_err(),
            "{name} was accepted"
        );
    }
}

#[test]
fn every_meaning_has_its_ledger_name() {
    let cases = [
        (SignatureMeaning::Authorship, "AUTHORSHIP"),
        (SignatureMeaning::Review, "REVIEW"),
        (SignatureMeaning::Approval, "APPROVAL"),
        (SignatureMeaning::Responsibility, "RESPONSIBILITY"),
        (SignatureMeaning::Verification, "VERIFICATION"),
    ];
    for (meaning, name) in cases {
        assert_eq!(serde_json::to_value(meaning).unwrap(), json!(name));
        assert_eq!(
            serde_json::from_value::<SignatureMeaning>(json!(name)).unwrap(),
            meaning
        );
    }
}
