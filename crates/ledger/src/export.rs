//! The export file: JSON Lines with a header, every entry in `seq` order, then every checkpoint
//! in size order, verifiable offline with nothing but the ledger's verifier key.

use std::io::BufRead;

use serde::{Deserialize, Serialize};

use crate::checkpoint::{CheckpointVerifier, SignedCheckpoint};
use crate::entry::Entry;
use crate::fault::Fault;
use crate::verify::{ChainVerifier, Summary};

/// The `format` value of the header line of this version of the export.
pub const EXPORT_FORMAT: &str = "cordtrace-ledger-export/1";

/// One line of an export file, tagged by its `type` field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[expect(
    clippy::large_enum_variant,
    reason = "lines are handled one at a time, so boxing the entry would only add an allocation"
)]
pub enum ExportLine {
    /// The first line: `{"type":"header","format":"cordtrace-ledger-export/1","origin":...}`.
    Header {
        /// Always [`EXPORT_FORMAT`] for this version.
        format: String,
        /// The ledger's origin, which names its checkpoint key.
        origin: String,
    },
    /// `{"type":"entry","entry":{...}}`, in `seq` order.
    Entry {
        /// The entry with its stored hash.
        entry: Entry,
    },
    /// `{"type":"checkpoint","checkpoint":{"size":...,"root":...,"note":...}}`, after all
    /// entries, in size order.
    Checkpoint {
        /// The checkpoint with its signed note.
        checkpoint: SignedCheckpoint,
    },
}

impl ExportLine {
    /// The header line for the ledger named `origin`.
    pub fn header(origin: &str) -> Self {
        ExportLine::Header {
            format: EXPORT_FORMAT.to_owned(),
            origin: origin.to_owned(),
        }
    }

    /// The line as compact JSON followed by `\n`.
    ///
    /// # Panics
    ///
    /// Never: every value in an export line serializes to JSON (all map keys are strings).
    pub fn to_json_line(&self) -> String {
        let mut line = serde_json::to_string(self)
            .expect("export lines hold only string-keyed maps, which always serialize");
        line.push('\n');
        line
    }
}

/// Where the reader is in the file: each section may only follow the one before it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Start,
    Entries,
    Checkpoints,
}

/// Verifies an export against the ledger's verifier key text (see [`CheckpointVerifier::new`]).
pub fn verify_export(reader: impl BufRead, verifier_key: &str) -> Result<Summary, Fault> {
    let verifier = CheckpointVerifier::new(verifier_key).map_err(|error| Fault::VerifierKey {
        reason: error.to_string(),
    })?;
    verify_export_with(reader, &verifier)
}

/// Verifies an export with an already parsed verifier key and reports the first fault.
///
/// A line that is not valid JSON of the right shape, or is out of place, is a
/// [`Fault::Malformed`] naming its 1-based line number.
pub fn verify_export_with(
    mut reader: impl BufRead,
    verifier: &CheckpointVerifier,
) -> Result<Summary, Fault> {
    let mut chain = ChainVerifier::new();
    let mut section = Section::Start;
    let mut text = String::new();
    let mut line: u64 = 0;
    loop {
        text.clear();
        line += 1;
        let malformed = |reason: String| Fault::Malformed { line, reason };
        let n_bytes = reader
            .read_line(&mut text)
            .map_err(|error| malformed(format!("cannot read the line: {error}")))?;
        if n_bytes == 0 {
            break;
        }
        let parsed: ExportLine = serde_json::from_str(text.strip_suffix('\n').unwrap_or(&text))
            .map_err(|error| malformed(error.to_string()))?;
        section = match (section, parsed) {
            (Section::Start, ExportLine::Header { format, origin }) => {
                if format != EXPORT_FORMAT {
                    return Err(malformed(format!(
                        "format {format:?} is not {EXPORT_FORMAT:?}"
                    )));
                }
                if origin != verifier.origin() {
                    return Err(Fault::OriginMismatch {
                        expected: verifier.origin().to_owned(),
                        found: origin,
                    });
                }
                Section::Entries
            }
            (Section::Start, _) => {
                return Err(malformed("the first line must be the header".to_owned()));
            }
            (Section::Entries, ExportLine::Entry { entry }) => {
                chain.push(&entry)?;
                Section::Entries
            }
            (Section::Entries | Section::Checkpoints, ExportLine::Checkpoint { checkpoint }) => {
                chain.check_checkpoint(&checkpoint, verifier)?;
                Section::Checkpoints
            }
            (Section::Checkpoints, ExportLine::Entry { .. }) => {
                return Err(malformed(
                    "an entry line follows a checkpoint line".to_owned(),
                ));
            }
            (_, ExportLine::Header { .. }) => {
                return Err(malformed("a second header line".to_owned()));
            }
        };
    }
    if section == Section::Start {
        return Err(Fault::Malformed {
            line: 1,
            reason: "the export is empty: the header line is missing".to_owned(),
        });
    }
    chain.finish()
}
