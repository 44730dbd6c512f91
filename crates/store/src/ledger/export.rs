//! Export: the whole ledger as JSON Lines, verifiable offline with the public key alone.

use std::io::Write;

use cordtrace_ledger::ExportLine;

use super::rows::{self, entry_from_row, entry_rows_after};
use crate::db::Database;
use crate::error::QueryError;

/// Entries read per query.
const PAGE: u64 = 2_000;

/// What an export wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportSummary {
    /// Entries written.
    pub entries: u64,
    /// Checkpoints written.
    pub checkpoints: u64,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading failed.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// Writing failed.
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
}

/// Writes the header, every entry in order, then every checkpoint, to `out`.
///
/// Every read happens in one snapshot, so an export of a live ledger never holds a checkpoint
/// of entries it does not hold.
pub async fn export(
    database: &Database,
    origin: &str,
    out: &mut impl Write,
) -> Result<ExportSummary, ExportError> {
    let snapshot = super::read_snapshot(database).await?;
    let db = &snapshot;
    out.write_all(ExportLine::header(origin).to_json_line().as_bytes())?;
    let mut entries = 0;
    let mut after = 0;
    loop {
        let page = entry_rows_after(db, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = u64::try_from(last.seq).unwrap_or(u64::MAX);
        for row in &page {
            let entry = entry_from_row(row).map_err(|error| {
                QueryError::Corrupt(format!("entry {} cannot be exported: {error}", row.seq))
            })?;
            out.write_all(ExportLine::Entry { entry }.to_json_line().as_bytes())?;
            entries += 1;
        }
    }
    let checkpoints = rows::checkpoints(db).await?;
    for checkpoint in &checkpoints {
        out.write_all(
            ExportLine::Checkpoint {
                checkpoint: checkpoint.clone(),
            }
            .to_json_line()
            .as_bytes(),
        )?;
    }
    out.flush()?;
    // The snapshot only read; ending it releases it at once.
    snapshot.rollback().await.map_err(QueryError::from)?;
    Ok(ExportSummary {
        entries,
        checkpoints: checkpoints.len() as u64,
    })
}
