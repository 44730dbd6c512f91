//! Export round trip and tamper detection, through the public API only.

mod common;

use common::{ORIGIN, TestLedger, twenty_entries};
use cordtrace_ledger::{
    Entry, EntryBody, ExportLine, Fault, LedgerSigner, Payload, SignedCheckpoint, Summary,
    signed_content_hash, verify_export,
};
use serde_json::json;

/// The fault's kind and the seq or checkpoint size it names.
fn describe(fault: &Fault) -> Position {
    (fault.kind(), fault.seq().or(fault.checkpoint_size()))
}

/// The export file of `entries` and `checkpoints`.
pub fn export(origin: &str, entries: &[Entry], checkpoints: &[SignedCheckpoint]) -> Vec<u8> {
    let mut lines = vec![ExportLine::header(origin)];
    lines.extend(entries.iter().map(|entry| ExportLine::Entry {
        entry: entry.clone(),
    }));
    lines.extend(checkpoints.iter().map(|checkpoint| ExportLine::Checkpoint {
        checkpoint: checkpoint.clone(),
    }));
    lines
        .iter()
        .map(ExportLine::to_json_line)
        .collect::<String>()
        .into_bytes()
}

fn edit_body(entries: &mut [Entry], seq: u64, rehash: bool, edit: impl FnOnce(&mut EntryBody)) {
    let entry_idx = usize::try_from(seq - 1).expect("seq fits in usize");
    let (mut body, hash) = entries[entry_idx].clone().into_parts();
    edit(&mut body);
    entries[entry_idx] = if rehash {
        Entry::seal(body)
    } else {
        Entry::from_parts(body, hash)
    };
}

fn tamper_payload(body: &mut EntryBody) {
    body.payload = Payload::new(json!({"step": 999, "note": "tampered"})).expect("a valid payload");
}

#[test]
fn an_untouched_export_verifies() {
    let ledger = twenty_entries();
    let checkpoints = [ledger.checkpoint(10), ledger.checkpoint(20)];
    let bytes = export(ORIGIN, &ledger.entries, &checkpoints);
    let summary = verify_export(bytes.as_slice(), &ledger.verifier_key()).unwrap();
    let bytes_hashed = ledger
        .entries
        .iter()
        .map(|entry| entry.body().canonical_bytes().len() as u64)
        .sum();
    assert_eq!(
        summary,
        Summary {
            entries: 20,
            checkpoints: 2,
            bytes_hashed,
            last_checkpoint_size: 20
        }
    );
}

type Tamper = fn(&TestLedger, &mut Vec<Entry>, &mut Vec<SignedCheckpoint>) -> String;

/// A fault's kind and the seq or checkpoint size it names.
type Position = (&'static str, Option<u64>);

#[test]
fn each_tampering_is_reported_with_its_kind_and_position() {
    let ledger = twenty_entries();
    // Each case edits the entries and checkpoints and returns the verifier key to use.
    let cases: [(&str, Tamper, Position); 12] = [
        (
            "payload edited",
            |l, entries, _| {
                edit_body(entries, 7, false, tamper_payload);
                l.verifier_key()
            },
            ("hash_mismatch", Some(7)),
        ),
        (
            "payload edited and entry rehashed",
            |l, entries, _| {
                edit_body(entries, 7, true, tamper_payload);
                l.verifier_key()
            },
            ("broken_link", Some(8)),
        ),
        (
            "signed payload edited and rehashed",
            |l, entries, _| {
                edit_body(entries, 10, true, tamper_payload);
                l.verifier_key()
            },
            ("signature_content", Some(10)),
        ),
        (
            "last entry rewritten with a fresh content hash",
            |l, entries, _| {
                edit_body(entries, 20, true, |body| {
                    tamper_payload(body);
                    let content_hash =
                        signed_content_hash(&body.action, &body.subjects, &body.payload);
                    body.signature.as_mut().unwrap().content_hash = content_hash;
                });
                l.verifier_key()
            },
            ("checkpoint_root", Some(20)),
        ),
        (
            "subject link edited and rehashed",
            |l, entries, _| {
                edit_body(entries, 9, true, |body| body.subjects[0].prev_seq = Some(3));
                l.verifier_key()
            },
            ("subject_chain", Some(9)),
        ),
        (
            "entry deleted",
            |l, entries, _| {
                entries.remove(6);
                l.verifier_key()
            },
            ("seq_gap", Some(7)),
        ),
        (
            "two entries swapped",
            |l, entries, _| {
                entries.swap(6, 7);
                l.verifier_key()
            },
            ("seq_gap", Some(7)),
        ),
        (
            "entry duplicated",
            |l, entries, _| {
                entries.insert(7, entries[6].clone());
                l.verifier_key()
            },
            ("seq_repeat", Some(8)),
        ),
        (
            "tail truncated after a checkpoint",
            |l, entries, _| {
                entries.truncate(15);
                l.verifier_key()
            },
            ("checkpoint_beyond_ledger", Some(20)),
        ),
        (
            "checkpoints out of order",
            |l, _, checkpoints| {
                checkpoints.reverse();
                l.verifier_key()
            },
            ("checkpoint_inconsistent", Some(10)),
        ),
        (
            "wrong key with the same origin",
            |_, _, _| LedgerSigner::generate(ORIGIN).unwrap().verifier_key(),
            ("checkpoint_signature", Some(10)),
        ),
        (
            "key of another ledger",
            |_, _, _| {
                LedgerSigner::generate("other.test/ledger")
                    .unwrap()
                    .verifier_key()
            },
            ("origin_mismatch", None),
        ),
    ];
    for (name, tamper, want) in cases {
        let mut entries = ledger.entries.clone();
        let mut checkpoints = vec![ledger.checkpoint(10), ledger.checkpoint(20)];
        let verifier_key = tamper(&ledger, &mut entries, &mut checkpoints);
        let bytes = export(ORIGIN, &entries, &checkpoints);
        let fault = verify_export(bytes.as_slice(), &verifier_key).unwrap_err();
        assert_eq!(describe(&fault), want, "{name}: {fault}");
    }
}

#[test]
fn malformed_exports_name_the_line() {
    let ledger = twenty_entries();
    let bytes = export(ORIGIN, &ledger.entries[..3], &[ledger.checkpoint(2)]);
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5);
    let join = |lines: &[&str]| {
        lines
            .iter()
            .map(|line| format!("{line}\n"))
            .collect::<String>()
    };
    let entry_with_extra_field = lines[2].replacen(
        "{\"type\":\"entry\",",
        "{\"type\":\"entry\",\"extra\":1,",
        1,
    );
    let header_with_other_format = lines[0].replace("export/1", "export/2");
    let cases: [(&str, String, u64); 9] = [
        ("empty file", String::new(), 1),
        ("header missing", join(&lines[1..]), 1),
        (
            "other format",
            join(&[&header_with_other_format, lines[1], lines[2]]),
            1,
        ),
        (
            "not JSON",
            join(&[lines[0], lines[1], "{not json", lines[3]]),
            3,
        ),
        ("blank line", join(&[lines[0], lines[1], "", lines[2]]), 3),
        (
            "unknown field",
            join(&[lines[0], lines[1], &entry_with_extra_field]),
            3,
        ),
        (
            "unknown type",
            join(&[lines[0], r#"{"type":"comment","text":"hi"}"#]),
            2,
        ),
        ("second header", join(&[lines[0], lines[1], lines[0]]), 3),
        (
            "entry after checkpoint",
            join(&[lines[0], lines[1], lines[2], lines[4], lines[3]]),
            5,
        ),
    ];
    for (name, text, want_line) in cases {
        let fault = verify_export(text.as_bytes(), &ledger.verifier_key()).unwrap_err();
        assert_eq!(fault.kind(), "malformed", "{name}: {fault}");
        assert!(
            matches!(fault, Fault::Malformed { line, .. } if line == want_line),
            "{name}: {fault}"
        );
    }
}

#[test]
fn an_unusable_verifier_key_is_its_own_fault() {
    let ledger = twenty_entries();
    let bytes = export(ORIGIN, &ledger.entries, &[]);
    let fault = verify_export(bytes.as_slice(), "not a key").unwrap_err();
    assert_eq!(fault.kind(), "verifier_key");
}

#[test]
fn export_lines_have_the_documented_shape() {
    let ledger = twenty_entries();
    let bytes = export(ORIGIN, &ledger.entries[..1], &[ledger.checkpoint(1)]);
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        lines[0],
        json!({"type": "header", "format": "cordtrace-ledger-export/1", "origin": ORIGIN})
    );
    assert_eq!(lines[1]["type"], "entry");
    assert_eq!(lines[1]["entry"]["hash"], json!(ledger.entries[0].hash()));
    assert_eq!(lines[2]["type"], "checkpoint");
    assert_eq!(lines[2]["checkpoint"]["size"], 1);
    assert_eq!(
        lines[2]["checkpoint"]["root"],
        json!(ledger.entries[0].hash())
    );
    assert!(
        lines[2]["checkpoint"]["note"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{ORIGIN}\n1\n"))
    );
}
