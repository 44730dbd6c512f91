//! What verification reports: the first thing found wrong, and where.

use std::fmt;

use crate::hash::Hash;

/// The first fault found in a ledger, naming the entry (`seq`), checkpoint (`size`) or export
/// line at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Fault {
    /// An entry is missing: the next one has a higher `seq` than expected.
    #[error("entry {expected} is missing: the next entry has seq {found}")]
    SeqGap {
        /// The seq that should come next.
        expected: u64,
        /// The seq that came.
        found: u64,
    },
    /// An entry repeats or goes back: the next one has a lower `seq` than expected.
    #[error(
        "entry {found} appears where entry {expected} was expected (a duplicate or an entry out of order)"
    )]
    SeqRepeat {
        /// The seq that should come next.
        expected: u64,
        /// The seq that came.
        found: u64,
    },
    /// The entry's fields were changed after it was hashed.
    #[error("entry {seq}: stored hash {stored} differs from the recomputed hash {computed}")]
    HashMismatch {
        /// The entry.
        seq: u64,
        /// The hash stored with the entry.
        stored: Hash,
        /// The hash of its canonical bytes.
        computed: Hash,
    },
    /// The entry does not follow the previous one: an entry before it was changed, removed or
    /// inserted.
    #[error("entry {seq}: prev_hash {found} differs from the hash {expected} of entry {}", seq.saturating_sub(1))]
    BrokenLink {
        /// The entry.
        seq: u64,
        /// The hash of the previous entry.
        expected: Hash,
        /// The entry's `prev_hash`.
        found: Hash,
    },
    /// A subject's `prev_seq` does not name that subject's previous entry.
    #[error(
        "entry {seq}: subject {kind} {id:?} has prev_seq {}, but its previous entry is {}",
        SeqText(*found),
        SeqText(*expected)
    )]
    SubjectChain {
        /// The entry.
        seq: u64,
        /// The subject's kind.
        kind: String,
        /// The subject's id.
        id: String,
        /// The seq of the subject's previous entry, `None` if it had none.
        expected: Option<u64>,
        /// The entry's `prev_seq` for the subject.
        found: Option<u64>,
    },
    /// The same subject appears twice in one entry.
    #[error("entry {seq}: subject {kind} {id:?} is listed twice")]
    DuplicateSubject {
        /// The entry.
        seq: u64,
        /// The subject's kind.
        kind: String,
        /// The subject's id.
        id: String,
    },
    /// A correction names an entry that is not before it.
    #[error("entry {seq}: corrects entry {corrects}, which is not an earlier entry")]
    CorrectionTarget {
        /// The entry.
        seq: u64,
        /// The seq it claims to correct.
        corrects: u64,
    },
    /// The signature was made over other content than the entry's.
    #[error(
        "entry {seq}: the signature's content hash {found} is not the hash {expected} of the entry's action, subjects and payload"
    )]
    SignatureContent {
        /// The entry.
        seq: u64,
        /// The hash of the entry's action, subjects and payload.
        expected: Hash,
        /// The content hash in the signature.
        found: Hash,
    },
    /// The checkpoint note is not signed by the ledger key, or is not a checkpoint.
    #[error("checkpoint at size {size}: {reason}")]
    CheckpointSignature {
        /// The size written beside the note.
        size: u64,
        /// What is wrong with the note.
        reason: String,
    },
    /// The size or root beside the note is not what the note signs.
    #[error(
        "checkpoint at size {size}: the note signs size {signed_size} and root {signed_root}, not what is written beside it"
    )]
    CheckpointFields {
        /// The size written beside the note.
        size: u64,
        /// The size in the note.
        signed_size: u64,
        /// The root in the note.
        signed_root: Hash,
    },
    /// The signed root is not the root of the entries.
    #[error(
        "checkpoint at size {size}: signed root {signed} differs from the root {computed} of the entries"
    )]
    CheckpointRoot {
        /// The checkpoint size.
        size: u64,
        /// The root of the first `size` entries.
        computed: Hash,
        /// The root in the note.
        signed: Hash,
    },
    /// The checkpoint covers entries that are not there: the ledger lost its tail.
    #[error(
        "checkpoint at size {size} covers more than the {entries} entries present: entries were removed from the end"
    )]
    CheckpointBeyondLedger {
        /// The checkpoint size.
        size: u64,
        /// The number of entries seen.
        entries: u64,
    },
    /// The checkpoint does not extend the previous one.
    #[error(
        "checkpoint at size {size} is not consistent with the previous checkpoint at size {previous_size}"
    )]
    CheckpointInconsistent {
        /// The checkpoint size.
        size: u64,
        /// The previous checkpoint's size.
        previous_size: u64,
    },
    /// The export names another ledger than the verifier key.
    #[error("the export's origin {found:?} is not the verifier key's name {expected:?}")]
    OriginMismatch {
        /// The verifier key's name.
        expected: String,
        /// The export header's origin.
        found: String,
    },
    /// An export line cannot be read or is out of place.
    #[error("line {line}: {reason}")]
    Malformed {
        /// The 1-based line number.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// The verifier key given to the verifier is unusable.
    #[error("verifier key: {reason}")]
    VerifierKey {
        /// What is wrong.
        reason: String,
    },
    /// The verifier itself failed.
    #[error("internal verifier error: {0}")]
    Internal(String),
}

impl Fault {
    /// A stable machine-readable name for the kind of fault, such as `hash_mismatch`.
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::SeqGap { .. } => "seq_gap",
            Fault::SeqRepeat { .. } => "seq_repeat",
            Fault::HashMismatch { .. } => "hash_mismatch",
            Fault::BrokenLink { .. } => "broken_link",
            Fault::SubjectChain { .. } => "subject_chain",
            Fault::DuplicateSubject { .. } => "subject_duplicate",
            Fault::CorrectionTarget { .. } => "correction_target",
            Fault::SignatureContent { .. } => "signature_content",
            Fault::CheckpointSignature { .. } => "checkpoint_signature",
            Fault::CheckpointFields { .. } => "checkpoint_fields",
            Fault::CheckpointRoot { .. } => "checkpoint_root",
            Fault::CheckpointBeyondLedger { .. } => "checkpoint_beyond_ledger",
            Fault::CheckpointInconsistent { .. } => "checkpoint_inconsistent",
            Fault::OriginMismatch { .. } => "origin_mismatch",
            Fault::Malformed { .. } => "malformed",
            Fault::VerifierKey { .. } => "verifier_key",
            Fault::Internal(_) => "internal",
        }
    }

    /// The seq of the first entry at fault, for faults about entries. For a seq gap or repeat
    /// this is the seq that was expected: the first position where the ledger differs.
    pub fn seq(&self) -> Option<u64> {
        match self {
            Fault::SeqGap { expected, .. } | Fault::SeqRepeat { expected, .. } => Some(*expected),
            Fault::HashMismatch { seq, .. }
            | Fault::BrokenLink { seq, .. }
            | Fault::SubjectChain { seq, .. }
            | Fault::DuplicateSubject { seq, .. }
            | Fault::CorrectionTarget { seq, .. }
            | Fault::SignatureContent { seq, .. } => Some(*seq),
            _ => None,
        }
    }

    /// The checkpoint size, for faults about checkpoints.
    pub fn checkpoint_size(&self) -> Option<u64> {
        match self {
            Fault::CheckpointSignature { size, .. }
            | Fault::CheckpointFields { size, .. }
            | Fault::CheckpointRoot { size, .. }
            | Fault::CheckpointBeyondLedger { size, .. }
            | Fault::CheckpointInconsistent { size, .. } => Some(*size),
            _ => None,
        }
    }
}

/// Prints an optional seq as the number or `null`, as it appears in the entry.
struct SeqText(Option<u64>);

impl fmt::Display for SeqText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(seq) => write!(f, "{seq}"),
            None => f.write_str("null"),
        }
    }
}
