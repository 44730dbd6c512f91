//! The streaming verifier, entry by entry and checkpoint by checkpoint.

mod common;

use common::{TestLedger, twenty_entries};
use cordtrace_ledger::{
    ChainVerifier, CheckpointVerifier, Correction, Entry, EntryBody, Fault, Hash, SignedCheckpoint,
};

/// A fault's kind and the seq or checkpoint size it names.
type Position = (&'static str, Option<u64>);

fn verifier_for(ledger: &TestLedger) -> CheckpointVerifier {
    CheckpointVerifier::new(&ledger.verifier_key()).expect("the test ledger's key parses")
}

fn correction(seq: u64) -> Option<Correction> {
    Some(Correction {
        seq,
        reason: "transcription error".to_owned(),
    })
}

/// Pushes `entries` and returns the first fault's kind and seq.
fn first_fault(entries: &[Entry]) -> Option<Position> {
    let mut chain = ChainVerifier::new();
    entries
        .iter()
        .find_map(|entry| chain.push(entry).err())
        .map(|fault| (fault.kind(), fault.seq()))
}

/// The ledger's entries with entry `seq` rebuilt (and resealed) by `edit`.
fn with_edit(ledger: &TestLedger, seq: usize, edit: impl FnOnce(&mut EntryBody)) -> Vec<Entry> {
    let mut entries = ledger.entries.clone();
    let (mut body, _) = entries[seq - 1].clone().into_parts();
    edit(&mut body);
    entries[seq - 1] = Entry::seal(body);
    entries
}

#[test]
fn entry_faults() {
    let ledger = twenty_entries();
    // Entry 4 is about lot L1 (last seen at 1) and unit U0; entry 2 is about L2 and U2.
    type Edit = fn(&mut EntryBody);
    let cases: [(&str, usize, Edit, Position); 9] = [
        (
            "first entry does not start from zero",
            1,
            |b| b.prev_hash = Hash::leaf(b"x"),
            ("broken_link", Some(1)),
        ),
        (
            "first entry numbered 2",
            1,
            |b| b.seq = 2,
            ("seq_gap", Some(1)),
        ),
        (
            "first entry numbered 0",
            1,
            |b| b.seq = 0,
            ("seq_repeat", Some(1)),
        ),
        (
            "prev_seq set on a subject's first entry",
            2,
            |b| b.subjects[0].prev_seq = Some(1),
            ("subject_chain", Some(2)),
        ),
        (
            "prev_seq null on a later entry",
            4,
            |b| b.subjects[0].prev_seq = None,
            ("subject_chain", Some(4)),
        ),
        (
            "prev_seq names an older entry",
            7,
            |b| b.subjects[0].prev_seq = Some(1),
            ("subject_chain", Some(7)),
        ),
        (
            "subject listed twice",
            4,
            |b| b.subjects.push(b.subjects[0].clone()),
            ("subject_duplicate", Some(4)),
        ),
        (
            "correction of a later entry",
            6,
            |b| b.corrects = correction(6),
            ("correction_target", Some(6)),
        ),
        (
            "correction of entry 0",
            6,
            |b| b.corrects = correction(0),
            ("correction_target", Some(6)),
        ),
    ];
    for (name, seq, edit, want) in cases {
        assert_eq!(
            first_fault(&with_edit(&ledger, seq, edit)),
            Some(want),
            "{name}"
        );
    }
    assert_eq!(first_fault(&ledger.entries), None);
    let valid_correction = with_edit(&ledger, 20, |b| {
        b.corrects = correction(19);
        b.signature = None;
    });
    assert_eq!(first_fault(&valid_correction), None);
}

#[test]
fn checkpoint_faults() {
    let ledger = twenty_entries();
    let verifier = verifier_for(&ledger);
    let wrong_root = |size| {
        ledger
            .signer
            .sign_checkpoint(size, Hash::leaf(b"wrong"))
            .unwrap()
    };
    let relabelled = |mut checkpoint: SignedCheckpoint| {
        checkpoint.size = 9;
        checkpoint
    };
    let cases: [(&str, Vec<SignedCheckpoint>, Option<Position>); 7] = [
        (
            "two good checkpoints",
            vec![ledger.checkpoint(10), ledger.checkpoint(20)],
            None,
        ),
        (
            "the same checkpoint twice",
            vec![ledger.checkpoint(10), ledger.checkpoint(10)],
            None,
        ),
        (
            "the empty tree, then more",
            vec![ledger.checkpoint(0), ledger.checkpoint(1)],
            None,
        ),
        (
            "signed root is wrong",
            vec![wrong_root(10)],
            Some(("checkpoint_root", Some(10))),
        ),
        (
            "clear size differs from the note",
            vec![relabelled(ledger.checkpoint(10))],
            Some(("checkpoint_fields", Some(9))),
        ),
        (
            "size goes backwards",
            vec![ledger.checkpoint(12), ledger.checkpoint(11)],
            Some(("checkpoint_inconsistent", Some(11))),
        ),
        (
            "beyond the entries",
            vec![ledger.checkpoint(20), wrong_root(21)],
            Some(("checkpoint_beyond_ledger", Some(21))),
        ),
    ];
    for (name, checkpoints, want) in cases {
        let mut chain = ChainVerifier::new();
        for entry in &ledger.entries {
            chain.push(entry).unwrap();
        }
        let got = checkpoints
            .iter()
            .find_map(|checkpoint| chain.check_checkpoint(checkpoint, &verifier).err())
            .map(|fault| (fault.kind(), fault.checkpoint_size()));
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn checkpoints_can_be_checked_while_entries_stream_in() {
    let ledger = twenty_entries();
    let verifier = verifier_for(&ledger);
    let mut chain = ChainVerifier::new();
    for entry in &ledger.entries {
        chain.push(entry).unwrap();
        if entry.seq() % 7 == 0 {
            let checkpoint = chain
                .check_checkpoint(&ledger.checkpoint(entry.seq()), &verifier)
                .unwrap();
            assert_eq!(checkpoint.size, entry.seq());
        }
    }
    let summary = chain.finish().unwrap();
    assert_eq!(
        (
            summary.entries,
            summary.checkpoints,
            summary.last_checkpoint_size
        ),
        (20, 2, 14)
    );
}

#[test]
fn after_a_fault_every_call_returns_it() {
    let ledger = twenty_entries();
    let verifier = verifier_for(&ledger);
    let mut chain = ChainVerifier::new();
    chain.push(&ledger.entries[0]).unwrap();
    let fault = chain.push(&ledger.entries[2]).unwrap_err();
    assert!(matches!(
        fault,
        Fault::SeqGap {
            expected: 2,
            found: 3
        }
    ));
    assert_eq!(chain.push(&ledger.entries[1]), Err(fault.clone()));
    assert_eq!(
        chain.check_checkpoint(&ledger.checkpoint(1), &verifier),
        Err(fault.clone())
    );
    assert_eq!(chain.entries_seen(), 1);
    assert_eq!(chain.finish(), Err(fault));
}

#[test]
fn fault_messages_name_the_position() {
    let cases = [
        (
            Fault::SeqGap {
                expected: 7,
                found: 8,
            },
            "entry 7 is missing: the next entry has seq 8",
        ),
        (
            Fault::SubjectChain {
                seq: 4,
                kind: "lot".to_owned(),
                id: "L1".to_owned(),
                expected: Some(1),
                found: None,
            },
            "entry 4: subject lot \"L1\" has prev_seq null, but its previous entry is 1",
        ),
        (
            Fault::CheckpointBeyondLedger {
                size: 20,
                entries: 15,
            },
            "checkpoint at size 20 covers more than the 15 entries present: entries were removed from the end",
        ),
        (
            Fault::Malformed {
                line: 3,
                reason: "bad".to_owned(),
            },
            "line 3: bad",
        ),
    ];
    for (fault, want) in cases {
        assert_eq!(fault.to_string(), want);
    }
}
