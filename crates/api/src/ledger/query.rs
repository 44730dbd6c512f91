//! Ledger queries.

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Context, Object};
use cordtrace_domain::subject::{Subject, SubjectKind};
use cordtrace_ledger::CheckpointVerifier;
use cordtrace_store::ledger::{checkpoints, proofs, read, verify};

use super::types::{
    CheckpointObject, ConsistencyProofObject, InclusionProofObject, LedgerEntry, VerificationResult,
};
use crate::access;
use crate::context::parts;
use crate::error::{ApiError, ApiResult};
use crate::paging::{cursor, page_size};

/// Page size when `first` is not given: a screenful of entries.
const DEFAULT_ENTRIES: u64 = 100;

type EntryConnection = Connection<String, LedgerEntry, EmptyFields, EmptyFields>;

/// `after` as a seq (0 before the first entry) and `first` within bounds.
fn page_bounds(after: Option<String>, first: Option<i32>) -> ApiResult<(u64, u64)> {
    Ok((
        cursor::<u64>(after)?.unwrap_or(0),
        page_size(first, DEFAULT_ENTRIES)?,
    ))
}

/// Fetches one more than asked to learn whether another page follows.
fn connection(
    after: u64,
    first: u64,
    mut entries: Vec<cordtrace_ledger::Entry>,
) -> EntryConnection {
    let has_next = entries.len() as u64 > first;
    entries.truncate(usize::try_from(first).unwrap_or(usize::MAX));
    let mut connection = Connection::new(after > 0, has_next);
    connection.edges.extend(
        entries
            .into_iter()
            .map(|entry| Edge::new(entry.seq().to_string(), LedgerEntry::from(entry))),
    );
    connection
}

/// Ledger queries.
#[derive(Default)]
pub struct LedgerQuery;

#[Object]
impl LedgerQuery {
    /// Entries in seq order: those every subject of which your roles read (for an auditor,
    /// every entry), only those of one `action` when it is given (`lot.released`). The
    /// cursor is the seq of the last entry seen.
    async fn ledger_entries(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
        action: Option<String>,
    ) -> ApiResult<EntryConnection> {
        let (api, viewer) = parts(ctx)?;
        let visible = access::visible(viewer)?;
        let (after, first) = page_bounds(after, first)?;
        let action = action
            .as_deref()
            .map(str::trim)
            .filter(|action| !action.is_empty());
        let entries = read::visible_entries_after(
            api.executor.database(),
            &visible,
            action,
            after,
            first + 1,
        )
        .await?;
        Ok(connection(after, first, entries))
    }

    /// One entry; FORBIDDEN `SUBJECT_NOT_READABLE` if it touches a subject your roles do not
    /// read.
    async fn ledger_entry(&self, ctx: &Context<'_>, seq: u64) -> ApiResult<LedgerEntry> {
        let (api, viewer) = parts(ctx)?;
        let visible = access::visible(viewer)?;
        let entry = read::entry(api.executor.database(), seq)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("ledger entry {seq}")))?;
        if !visible.shows(&entry) {
            return Err(ApiError::forbidden_because(
                "SUBJECT_NOT_READABLE",
                format!("ledger entry {seq} touches a subject your roles do not read"),
            ));
        }
        Ok(LedgerEntry::from(entry))
    }

    /// One subject's chain of custody: its entries in order, each linked to the previous by
    /// `prevSeq`. `kind` is a subject kind such as `user`. FORBIDDEN `SUBJECT_NOT_READABLE`
    /// unless your roles read that kind (or it is your own user record); of the chain, only
    /// the entries every subject of which you may read are listed.
    async fn chain_of_custody(
        &self,
        ctx: &Context<'_>,
        kind: String,
        id: String,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<EntryConnection> {
        let (api, viewer) = parts(ctx)?;
        let visible = access::visible(viewer)?;
        let kind = SubjectKind::parse(&kind).ok_or_else(|| {
            ApiError::validation(
                "UNKNOWN_SUBJECT_KIND",
                format!("`{kind}` is not a subject kind"),
            )
        })?;
        if !visible.subject(kind, &id) {
            let message = match kind {
                SubjectKind::User => "your roles read no other user's records".to_owned(),
                other => format!("your roles do not read `{other}` subjects"),
            };
            return Err(ApiError::forbidden_because("SUBJECT_NOT_READABLE", message));
        }
        let (after, first) = page_bounds(after, first)?;
        let subject = Subject::new(kind, id);
        let entries = read::subject_chain(
            api.executor.database(),
            &subject,
            &visible,
            after,
            first + 1,
        )
        .await?;
        Ok(connection(after, first, entries))
    }

    /// The latest signed checkpoint.
    async fn latest_checkpoint(&self, ctx: &Context<'_>) -> ApiResult<Option<CheckpointObject>> {
        let (api, _) = parts(ctx)?;
        Ok(checkpoints::latest(api.executor.database())
            .await?
            .map(CheckpointObject::from))
    }

    /// The C2SP verifier key that checks this installation's checkpoints.
    async fn ledger_public_key(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let (api, _) = parts(ctx)?;
        Ok(api.signer.verifier_key())
    }

    /// Proves entry `seq` is in the tree of `treeSize` entries (default: the latest checkpoint).
    async fn inclusion_proof(
        &self,
        ctx: &Context<'_>,
        seq: u64,
        tree_size: Option<u64>,
    ) -> ApiResult<InclusionProofObject> {
        let (api, _) = parts(ctx)?;
        proofs::inclusion(api.executor.database(), seq, tree_size)
            .await
            .map(InclusionProofObject::from)
            .map_err(proof_error)
    }

    /// Proves the tree of `fromSize` entries is a prefix of the tree of `toSize` (default: the
    /// latest checkpoint).
    async fn consistency_proof(
        &self,
        ctx: &Context<'_>,
        from_size: u64,
        to_size: Option<u64>,
    ) -> ApiResult<ConsistencyProofObject> {
        let (api, _) = parts(ctx)?;
        proofs::consistency(api.executor.database(), from_size, to_size)
            .await
            .map(ConsistencyProofObject::from)
            .map_err(proof_error)
    }

    /// Verifies the whole ledger now: hashes, links, sub-chains, checkpoints, and a replay
    /// compared with the current state. One verification runs at a time in a server process;
    /// a request that asks while another runs waits for it.
    async fn verify_ledger(&self, ctx: &Context<'_>) -> ApiResult<VerificationResult> {
        let (api, _) = parts(ctx)?;
        // Waiting here holds no database connection; the running verification holds one.
        let _one_at_a_time = api
            .verifications
            .acquire()
            .await
            .map_err(|error| ApiError::internal(&error))?;
        let started = std::time::Instant::now();
        let verifier = CheckpointVerifier::new(&api.signer.verifier_key())
            .map_err(|error| ApiError::internal(&error))?;
        match verify::verify(api.executor.database(), &verifier).await {
            Ok(report) => {
                metrics::counter!(VERIFICATIONS, "result" => "ok").increment(1);
                Ok(VerificationResult::passed(report))
            }
            Err(verify::VerifyError::Fault(fault)) => {
                // The one alert a ledger operator must not miss; the fault's detail is in
                // the answer, not in the log (it may quote a record).
                metrics::counter!(VERIFICATIONS, "result" => "failed").increment(1);
                tracing::error!(target: "cordtrace::security", "ledger verification failed");
                Ok(VerificationResult::failed(fault, started.elapsed()))
            }
            Err(verify::VerifyError::Query(error)) => Err(error.into()),
        }
    }
}

/// Verifications run through the API, by result: what an alert on a failing ledger reads.
const VERIFICATIONS: &str = "cordtrace_ledger_verifications_total";

fn proof_error(error: proofs::ProofRequestError) -> ApiError {
    match error {
        proofs::ProofRequestError::OutOfRange(message) => {
            ApiError::validation("OUT_OF_RANGE", message)
        }
        proofs::ProofRequestError::Query(error) => error.into(),
    }
}
