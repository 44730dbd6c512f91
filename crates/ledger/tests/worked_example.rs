//! The worked example of `docs/ledger-format.md`, so the document cannot drift from the code.
//! If this test fails, the format changed: update the document together with these literals.

use cordtrace_ledger::{
    ActionName, Actor, ChainVerifier, CheckpointVerifier, Entry, EntryBody, ExportLine, Hash,
    LedgerSigner, MemoryHashStore, Payload, SubjectLink, signed_content_hash, tree_root,
    verify_export,
};
use serde_json::json;

/// The format document, whose worked example must quote the literals below verbatim.
const FORMAT_DOC: &str = include_str!("../../../docs/ledger-format.md");

/// A test key whose Ed25519 seed is 32 bytes of 0x42. Never use it for a real ledger.
const EXAMPLE_PRIVATE_KEY: &str =
    "PRIVATE+KEY+cordtrace.example/ledger+df029db4+AUJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJC";
const EXAMPLE_VERIFIER_KEY: &str =
    "cordtrace.example/ledger+df029db4+ASFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS";

/// The canonical bytes, exactly as printed in the document.
const CANONICAL: &str = r#"{"action":"user.registered","actor":{"kind":"system"},"corrects":null,"id":"0193b7e0-2c4a-7d3e-8f10-5a6b7c8d9e0f","payload":{"must_change_password":true,"roles":["qa"],"user_id":"0193b7e0-2c4a-7d3e-8f10-000000000001","username":"qa.one"},"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","recorded_at":"2026-11-25T20:16:38.123456Z","seq":1,"signature":null,"subjects":[{"id":"0193b7e0-2c4a-7d3e-8f10-000000000001","kind":"user","prev_seq":null}]}"#;
/// SHA-256(0x00 || CANONICAL).
const HASH: &str = "f383e06030b0a386af206fa27b0ef6111d8e0d6e392d6a7ff74132f0e8037326";
/// What a signature on this entry would cover, and its SHA-256 (the `content_hash`).
const SIGNED_CONTENT: &str = r#"{"action":"user.registered","payload":{"must_change_password":true,"roles":["qa"],"user_id":"0193b7e0-2c4a-7d3e-8f10-000000000001","username":"qa.one"},"subjects":[{"id":"0193b7e0-2c4a-7d3e-8f10-000000000001","kind":"user"}]}"#;
const SIGNED_CONTENT_HASH: &str =
    "682aeff6e8e20d82d33df672f536f6989162f21f0642e1bc8e7b94025904bded";

/// The checkpoint for size 1, signed with the example key (Ed25519 signatures are deterministic).
const CHECKPOINT_NOTE: &str = "cordtrace.example/ledger\n\
    1\n\
    84PgYDCwo4avIG+iew72ER2ODW45LWp/90Ey8OgDcyY=\n\
    \n\
    \u{2014} cordtrace.example/ledger 3wKdtC6wDu9ftWtytCNr4TweovlmEy0D67nQlxzwz4MzoaVrdQrCTIhIoIPTAMsgldqO+ra4KrOWQB1O795XxDJixg0=\n";

/// The export of the one-entry ledger, line by line.
const EXPORT_LINES: [&str; 3] = [
    r#"{"type":"header","format":"cordtrace-ledger-export/1","origin":"cordtrace.example/ledger"}"#,
    r#"{"type":"entry","entry":{"seq":1,"id":"0193b7e0-2c4a-7d3e-8f10-5a6b7c8d9e0f","recorded_at":"2026-11-25T20:16:38.123456Z","actor":{"kind":"system"},"action":"user.registered","subjects":[{"kind":"user","id":"0193b7e0-2c4a-7d3e-8f10-000000000001","prev_seq":null}],"payload":{"must_change_password":true,"roles":["qa"],"user_id":"0193b7e0-2c4a-7d3e-8f10-000000000001","username":"qa.one"},"corrects":null,"signature":null,"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","hash":"f383e06030b0a386af206fa27b0ef6111d8e0d6e392d6a7ff74132f0e8037326"}}"#,
    r#"{"type":"checkpoint","checkpoint":{"size":1,"root":"f383e06030b0a386af206fa27b0ef6111d8e0d6e392d6a7ff74132f0e8037326","note":"cordtrace.example/ledger\n1\n84PgYDCwo4avIG+iew72ER2ODW45LWp/90Ey8OgDcyY=\n\n— cordtrace.example/ledger 3wKdtC6wDu9ftWtytCNr4TweovlmEy0D67nQlxzwz4MzoaVrdQrCTIhIoIPTAMsgldqO+ra4KrOWQB1O795XxDJixg0=\n"}}"#,
];

fn example_entry() -> Entry {
    let user_id = "0193b7e0-2c4a-7d3e-8f10-000000000001";
    Entry::seal(EntryBody {
        seq: 1,
        id: "0193b7e0-2c4a-7d3e-8f10-5a6b7c8d9e0f"
            .parse()
            .expect("a UUID"),
        recorded_at: "2026-11-25T20:16:38.123456Z".parse().expect("a timestamp"),
        actor: Actor::System,
        action: ActionName::parse("user.registered").expect("an action name"),
        subjects: vec![SubjectLink {
            kind: "user".to_owned(),
            id: user_id.to_owned(),
            prev_seq: None,
        }],
        payload: Payload::new(json!({
            "user_id": user_id,
            "username": "qa.one",
            "roles": ["qa"],
            "must_change_password": true
        }))
        .expect("a payload"),
        corrects: None,
        signature: None,
        prev_hash: Hash::ZERO,
    })
}

#[test]
fn canonical_bytes_and_hash_match_the_document() {
    let entry = example_entry();
    let canonical = String::from_utf8(entry.body().canonical_bytes()).unwrap();
    assert_eq!(canonical, CANONICAL);
    assert_eq!(entry.hash().to_string(), HASH);
}

#[test]
fn checkpoint_of_the_one_entry_ledger_matches_the_document() {
    let entry = example_entry();
    let signer = LedgerSigner::from_private_key(EXAMPLE_PRIVATE_KEY).unwrap();
    assert_eq!(signer.verifier_key(), EXAMPLE_VERIFIER_KEY);
    let mut tree = MemoryHashStore::new();
    tree.append_leaf(entry.hash()).unwrap();
    // A one-leaf tree's root is the leaf hash itself.
    let root = tree_root(1, &tree).unwrap();
    assert_eq!(root, entry.hash());
    let checkpoint = signer.sign_checkpoint(1, root).unwrap();
    assert_eq!(checkpoint.note, CHECKPOINT_NOTE);

    let verifier = CheckpointVerifier::new(EXAMPLE_VERIFIER_KEY).unwrap();
    let mut chain = ChainVerifier::new();
    chain.push(&entry).unwrap();
    chain.check_checkpoint(&checkpoint, &verifier).unwrap();
    assert_eq!(chain.finish().unwrap().entries, 1);
}

#[test]
fn signed_content_hash_matches_the_document() {
    let entry = example_entry();
    let body = entry.body();
    let content_hash = signed_content_hash(&body.action, &body.subjects, &body.payload);
    assert_eq!(content_hash, Hash::sha256(SIGNED_CONTENT.as_bytes()));
    assert_eq!(content_hash.to_string(), SIGNED_CONTENT_HASH);
}

#[test]
fn export_matches_the_document_and_verifies() {
    let entry = example_entry();
    let signer = LedgerSigner::from_private_key(EXAMPLE_PRIVATE_KEY).expect("the example key");
    let checkpoint = signer
        .sign_checkpoint(1, entry.hash())
        .expect("signing works");
    let lines = [
        ExportLine::header("cordtrace.example/ledger"),
        ExportLine::Entry { entry },
        ExportLine::Checkpoint { checkpoint },
    ];
    let text: String = lines.iter().map(ExportLine::to_json_line).collect();
    let expected: String = EXPORT_LINES
        .iter()
        .map(|line| format!("{line}\n"))
        .collect();
    assert_eq!(text, expected);
    let summary = verify_export(expected.as_bytes(), EXAMPLE_VERIFIER_KEY).unwrap();
    assert_eq!((summary.entries, summary.checkpoints), (1, 1));
}

#[test]
fn the_document_quotes_every_literal() {
    let literals = [
        ("canonical bytes", CANONICAL),
        ("entry hash", HASH),
        ("signed content", SIGNED_CONTENT),
        ("signed content hash", SIGNED_CONTENT_HASH),
        ("private key", EXAMPLE_PRIVATE_KEY),
        ("verifier key", EXAMPLE_VERIFIER_KEY),
        ("checkpoint note", CHECKPOINT_NOTE),
    ];
    for (name, literal) in literals
        .into_iter()
        .chain(EXPORT_LINES.map(|line| ("export line", line)))
    {
        assert!(
            FORMAT_DOC.contains(literal),
            "docs/ledger-format.md lacks the {name}: {literal}"
        );
    }
    let n_canonical_bytes = format!("({} bytes,", CANONICAL.len());
    assert!(
        FORMAT_DOC.contains(&n_canonical_bytes),
        "{n_canonical_bytes}"
    );
}
