//! Checkpoints: C2SP tlog-checkpoint bodies in C2SP signed notes, and their verification.
//!
//! A checkpoint body is three lines, each ending in `\n`: the origin, the tree size in decimal,
//! and the root hash in standard base64. The note adds a blank line and one signature line,
//! `— <key name> <base64(key id || Ed25519 signature)>`, signed over the body.

use serde::{Deserialize, Serialize};
use signed_note::{Note, NoteError, StandardVerifier, VerifierList};

use crate::hash::Hash;
use crate::keys::{KeyError, check_origin};

/// A checkpoint as stored and exported: its size and root in the clear, and the signed note that
/// vouches for them. Only the note is trusted; a verifier checks that the clear fields agree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedCheckpoint {
    /// The number of entries covered.
    pub size: u64,
    /// The Merkle root of the first `size` entries.
    pub root: Hash,
    /// The signed note text, ending in a newline.
    pub note: String,
}

/// What a verified checkpoint note says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The ledger's name, which is also the signing key's name.
    pub origin: String,
    /// The number of entries covered.
    pub size: u64,
    /// The Merkle root of the first `size` entries.
    pub root: Hash,
}

/// Why a checkpoint note does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The text is not a signed note.
    #[error("the text is not a signed note")]
    MalformedNote,
    /// A signature line names the key but does not verify.
    #[error("the signature by {key_name} does not verify")]
    BadSignature {
        /// The key's name.
        key_name: String,
    },
    /// No signature line is by the key.
    #[error("the note has no signature by {key_name}")]
    NotSignedByKey {
        /// The key's name.
        key_name: String,
    },
    /// The note text is not a checkpoint body.
    #[error("the note text is not a checkpoint body (origin, size, base64 root)")]
    MalformedBody,
    /// The body carries extension lines, which this ledger never writes.
    #[error("the checkpoint body has extension lines, which cordtrace never writes")]
    ExtensionLines,
    /// The checkpoint names another log.
    #[error("the checkpoint origin {found:?} is not the key name {expected:?}")]
    OriginMismatch {
        /// The key's name.
        expected: String,
        /// The origin line.
        found: String,
    },
}

/// The body of the checkpoint note for `size` and `root`.
pub(crate) fn checkpoint_body(origin: &str, size: u64, root: Hash) -> Result<Vec<u8>, KeyError> {
    let checkpoint = tlog_tiles::Checkpoint::new(origin, size, root.to_tlog(), "")
        .map_err(|_| KeyError::InvalidOrigin(origin.to_owned()))?;
    Ok(checkpoint.to_bytes())
}

/// Verifies checkpoint notes signed by one ledger key.
#[derive(Clone)]
pub struct CheckpointVerifier {
    origin: String,
    verifier_key: String,
    verifier: StandardVerifier,
}

impl std::fmt::Debug for CheckpointVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckpointVerifier")
            .field("verifier_key", &self.verifier_key)
            .finish()
    }
}

impl CheckpointVerifier {
    /// Parses a C2SP verifier key `<name>+<8 hex digit key id>+<base64(0x01 || public key)>`.
    /// The name is the ledger's origin. Surrounding whitespace (a key file's final newline) is
    /// ignored.
    pub fn new(verifier_key: &str) -> Result<Self, KeyError> {
        let verifier_key = verifier_key.trim();
        let verifier = StandardVerifier::new(verifier_key)
            .map_err(|error| KeyError::MalformedVerifierKey(error.to_string()))?;
        let origin = signed_note::Verifier::name(&verifier).to_owned();
        check_origin(&origin)?;
        Ok(Self {
            origin,
            verifier_key: verifier_key.to_owned(),
            verifier,
        })
    }

    /// The ledger's origin: the key's name.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The verifier key as given.
    pub fn verifier_key(&self) -> &str {
        &self.verifier_key
    }

    /// Checks the note's signature by this key, then parses the body; the origin must be the
    /// key's name and there must be no extension lines.
    pub fn verify(&self, note_text: &str) -> Result<Checkpoint, CheckpointError> {
        let note =
            Note::from_bytes(note_text.as_bytes()).map_err(|_| CheckpointError::MalformedNote)?;
        let known = VerifierList::new(vec![Box::new(self.verifier.clone())]);
        note.verify(&known).map_err(|error| match error {
            NoteError::InvalidSignature { .. } => CheckpointError::BadSignature {
                key_name: self.origin.clone(),
            },
            NoteError::UnverifiedNote => CheckpointError::NotSignedByKey {
                key_name: self.origin.clone(),
            },
            _ => CheckpointError::MalformedNote,
        })?;
        let body = tlog_tiles::Checkpoint::from_bytes(note.text())
            .map_err(|_| CheckpointError::MalformedBody)?;
        if !body.extension().is_empty() {
            return Err(CheckpointError::ExtensionLines);
        }
        if body.origin() != self.origin {
            return Err(CheckpointError::OriginMismatch {
                expected: self.origin.clone(),
                found: body.origin().to_owned(),
            });
        }
        Ok(Checkpoint {
            origin: body.origin().to_owned(),
            size: body.size(),
            root: Hash::from_tlog(*body.hash()),
        })
    }
}

#[cfg(test)]
#[path = "checkpoint_tests.rs"]
mod tests;
