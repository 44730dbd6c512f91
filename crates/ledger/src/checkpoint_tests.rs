//! Tests of checkpoint signing and verification, and of the key formats.

use signed_note::{Note, StandardSigner};

use super::*;
use crate::keys::LedgerSigner;

/// The example key of Go's `golang.org/x/mod/sumdb/note` documentation, also used in the
/// `signed_note` crate's documentation; its private half is public, so it is only for tests.
const PETER_PRIVATE: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_VERIFIER: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

fn root() -> Hash {
    Hash::leaf(b"root")
}

/// Signs an arbitrary note text with `signer`, for notes the ledger itself would never write.
fn sign_text(private_key: &str, text: &str) -> String {
    let signer = StandardSigner::new(private_key).unwrap();
    let mut note = Note::new(text.as_bytes(), &[]).unwrap();
    note.add_sigs(&[&signer]).unwrap();
    String::from_utf8(note.to_bytes()).unwrap()
}

#[test]
fn private_key_round_trips_and_derives_the_published_verifier_key() {
    let signer = LedgerSigner::from_private_key(&format!("{PETER_PRIVATE}\n")).unwrap();
    assert_eq!(signer.private_key_string(), PETER_PRIVATE);
    assert_eq!(signer.verifier_key(), PETER_VERIFIER);
    assert_eq!(signer.origin(), "PeterNeumann");
}

#[test]
fn generated_keys_round_trip() {
    let signer = LedgerSigner::generate("cordtrace.example/ledger").unwrap();
    let reparsed = LedgerSigner::from_private_key(&signer.private_key_string()).unwrap();
    assert_eq!(reparsed.verifier_key(), signer.verifier_key());
    assert!(
        signer
            .verifier_key()
            .starts_with("cordtrace.example/ledger+")
    );
    CheckpointVerifier::new(&signer.verifier_key()).unwrap();
}

#[test]
fn debug_output_hides_the_private_key() {
    let signer = LedgerSigner::from_private_key(PETER_PRIVATE).unwrap();
    let debug = format!("{signer:?}");
    let secret = PETER_PRIVATE.splitn(5, '+').nth(4).unwrap();
    assert!(debug.contains(PETER_VERIFIER), "{debug}");
    assert!(
        !debug.contains(secret) && !debug.contains("PRIVATE"),
        "{debug}"
    );
}

#[test]
fn invalid_origins_and_keys_are_refused() {
    for origin in [
        "",
        "has space",
        "a+b",
        "tab\there",
        "caf\u{e9}",
        "new\nline",
    ] {
        assert_eq!(
            LedgerSigner::generate(origin).unwrap_err(),
            KeyError::InvalidOrigin(origin.to_owned())
        );
    }
    let bad_private = [
        "",
        "PRIVATE+KEY+PeterNeumann+c74f20a3",
        &PETER_PRIVATE.replace("c74f20a3", "c74f20a4"),
        &PETER_PRIVATE.replace("PRIVATE", "PUBLIC"),
        PETER_VERIFIER,
    ];
    for text in bad_private {
        assert_eq!(
            LedgerSigner::from_private_key(text).unwrap_err(),
            KeyError::MalformedPrivateKey,
            "{text}"
        );
    }
    for text in [
        "",
        PETER_PRIVATE,
        &PETER_VERIFIER.replace("c74f20a3", "c74f20a4"),
    ] {
        assert!(CheckpointVerifier::new(text).is_err(), "{text}");
    }
}

#[test]
fn signed_checkpoint_has_the_c2sp_layout_and_verifies() {
    let signer = LedgerSigner::from_private_key(PETER_PRIVATE).unwrap();
    let signed = signer.sign_checkpoint(42, root()).unwrap();
    let root_base64 = BASE64_ROOT;
    let body = format!("PeterNeumann\n42\n{root_base64}\n");
    assert!(
        signed
            .note
            .starts_with(&format!("{body}\n\u{2014} PeterNeumann ")),
        "{}",
        signed.note
    );
    assert!(signed.note.ends_with('\n'));
    assert_eq!(signed.note.lines().count(), 5);
    assert_eq!((signed.size, signed.root), (42, root()));

    let verifier = CheckpointVerifier::new(PETER_VERIFIER).unwrap();
    let checkpoint = verifier.verify(&signed.note).unwrap();
    assert_eq!(
        checkpoint,
        Checkpoint {
            origin: "PeterNeumann".to_owned(),
            size: 42,
            root: root()
        }
    );
}

/// Standard base64 of `root()`, the third line of the checkpoint body.
const BASE64_ROOT: &str = "PAb5plclr2BSYfY2ZyyWINQJcx2JpFHXRV/pxK4WeCk=";

#[test]
fn tampered_or_foreign_notes_are_refused() {
    let signer = LedgerSigner::from_private_key(PETER_PRIVATE).unwrap();
    let note = signer.sign_checkpoint(42, root()).unwrap().note;
    let verifier = CheckpointVerifier::new(PETER_VERIFIER).unwrap();
    let other_key = LedgerSigner::generate("PeterNeumann")
        .unwrap()
        .private_key_string();
    let not_signed = CheckpointError::NotSignedByKey {
        key_name: "PeterNeumann".to_owned(),
    };
    let bad_signature = CheckpointError::BadSignature {
        key_name: "PeterNeumann".to_owned(),
    };
    // Change one base64 character in the middle of the signature to another valid one.
    let mut flipped_signature = note.clone().into_bytes();
    let signature_char = flipped_signature.len() - 20;
    flipped_signature[signature_char] = if flipped_signature[signature_char] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let cases = [
        (
            "size changed",
            note.replace("\n42\n", "\n43\n"),
            bad_signature.clone(),
        ),
        (
            "signature changed",
            String::from_utf8(flipped_signature).unwrap(),
            bad_signature,
        ),
        (
            "signed by another key",
            sign_text(&other_key, &format!("PeterNeumann\n42\n{BASE64_ROOT}\n")),
            not_signed,
        ),
        (
            "no signature block",
            format!("PeterNeumann\n42\n{BASE64_ROOT}\n"),
            CheckpointError::MalformedNote,
        ),
        ("empty", String::new(), CheckpointError::MalformedNote),
        (
            "not a checkpoint body",
            sign_text(PETER_PRIVATE, "hello\n"),
            CheckpointError::MalformedBody,
        ),
        (
            "extension line",
            sign_text(
                PETER_PRIVATE,
                &format!("PeterNeumann\n42\n{BASE64_ROOT}\nextra\n"),
            ),
            CheckpointError::ExtensionLines,
        ),
        (
            "other origin",
            sign_text(
                PETER_PRIVATE,
                &format!("example.com/log\n42\n{BASE64_ROOT}\n"),
            ),
            CheckpointError::OriginMismatch {
                expected: "PeterNeumann".to_owned(),
                found: "example.com/log".to_owned(),
            },
        ),
    ];
    for (name, text, want) in cases {
        assert_eq!(verifier.verify(&text), Err(want), "{name}");
    }
}
