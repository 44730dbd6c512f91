//! Reading entries: by position, one by one, and one subject's sub-chain, each limited to the
//! entries a reader may see ([`Visible`]).

use std::collections::BTreeSet;

use cordtrace_domain::subject::{Subject, SubjectKind};
use cordtrace_ledger as ledger;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoColumnRef, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::rows::{entry_from_row, entry_rows_after, to_i64};
use crate::db::Database;
use crate::entity::{ledger_entry, ledger_subject};
use crate::error::QueryError;

/// The entries a reader may see: those every subject of which is of a kind they read, or is
/// their own record (a user reading their own sub-chain). An entry that touches no subject is
/// visible to every reader. The API decides the kinds from the reader's roles; the reads here
/// only apply them, in SQL for lists and in [`Visible::shows`] for one entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visible {
    kinds: BTreeSet<SubjectKind>,
    own: Option<Subject>,
}

impl Visible {
    /// Entries whose subjects are all of `kinds` or `own`.
    pub fn new(kinds: impl IntoIterator<Item = SubjectKind>, own: Option<Subject>) -> Self {
        Self {
            kinds: kinds.into_iter().collect(),
            own,
        }
    }

    /// Whether every entry is visible.
    pub fn is_everything(&self) -> bool {
        SubjectKind::ALL
            .iter()
            .all(|kind| self.kinds.contains(kind))
    }

    /// Whether the subject `kind` `id` is visible.
    pub fn subject(&self, kind: SubjectKind, id: &str) -> bool {
        self.kinds.contains(&kind)
            || self
                .own
                .as_ref()
                .is_some_and(|own| own.kind == kind && own.id == id)
    }

    /// Whether `entry` is visible: every subject it touches is. A subject of a kind this build
    /// does not know is not.
    pub fn shows(&self, entry: &ledger::Entry) -> bool {
        entry.body().subjects.iter().all(|link| {
            SubjectKind::parse(&link.kind).is_some_and(|kind| self.subject(kind, &link.id))
        })
    }

    /// The SQL condition that the entry at `seq` (a column of the outer query) touches no
    /// subject outside what is visible; `None` when every entry is.
    fn condition(&self, seq: impl IntoColumnRef) -> Option<Expr> {
        if self.is_everything() {
            return None;
        }
        let hidden = Alias::new("hidden");
        let kind = || Expr::col((hidden.clone(), ledger_subject::Column::SubjectKind));
        let mut outside = Query::select();
        outside
            .expr(Expr::val(1))
            .from_as(ledger_subject::Entity, hidden.clone())
            .and_where(Expr::col((hidden.clone(), ledger_subject::Column::Seq)).equals(seq))
            .and_where(kind().is_not_in(self.kinds.iter().map(SubjectKind::as_str)));
        if let Some(own) = &self.own {
            outside.and_where(kind().ne(own.kind.as_str()).or(
                Expr::col((hidden.clone(), ledger_subject::Column::SubjectId)).ne(own.id.as_str()),
            ));
        }
        Some(Expr::exists(outside).not())
    }
}

fn decode(row: &ledger_entry::Model) -> Result<ledger::Entry, QueryError> {
    entry_from_row(row).map_err(|error| QueryError::Corrupt(format!("entry {}: {error}", row.seq)))
}

/// Up to `first` entries after `after` (a seq; 0 for the start), in order: every entry, for
/// tools that read the whole ledger.
pub async fn entries_after(
    database: &Database,
    after: u64,
    first: u64,
) -> Result<Vec<ledger::Entry>, QueryError> {
    entry_rows_after(database.connection(), after, first)
        .await?
        .iter()
        .map(decode)
        .collect()
}

/// Up to `first` of the entries `visible` shows after `after` (a seq; 0 for the start), in
/// order; only those of `action` when it is given. (The filter scans by seq: the browser pages
/// through a ledger an auditor reads, not a hot path.)
pub async fn visible_entries_after(
    database: &Database,
    visible: &Visible,
    action: Option<&str>,
    after: u64,
    first: u64,
) -> Result<Vec<ledger::Entry>, QueryError> {
    let mut select = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::Seq.gt(to_i64(after)?))
        .order_by_asc(ledger_entry::Column::Seq)
        .limit(first);
    if let Some(action) = action {
        select = select.filter(ledger_entry::Column::Action.eq(action));
    }
    if let Some(condition) = visible.condition((ledger_entry::Entity, ledger_entry::Column::Seq)) {
        select = select.filter(condition);
    }
    select
        .all(database.connection())
        .await?
        .iter()
        .map(decode)
        .collect()
}

/// The entry at `seq`.
pub async fn entry(database: &Database, seq: u64) -> Result<Option<ledger::Entry>, QueryError> {
    ledger_entry::Entity::find_by_id(to_i64(seq)?)
        .one(database.connection())
        .await?
        .as_ref()
        .map(decode)
        .transpose()
}

/// Up to `first` of the entries about `subject` with `seq > after` that `visible` shows, in
/// order: its chain of custody as that reader may see it.
pub async fn subject_chain(
    database: &Database,
    subject: &Subject,
    visible: &Visible,
    after: u64,
    first: u64,
) -> Result<Vec<ledger::Entry>, QueryError> {
    let mut select = ledger_subject::Entity::find()
        .select_only()
        .column(ledger_subject::Column::Seq)
        .filter(ledger_subject::Column::SubjectKind.eq(subject.kind.as_str()))
        .filter(ledger_subject::Column::SubjectId.eq(subject.id.as_str()))
        .filter(ledger_subject::Column::Seq.gt(to_i64(after)?))
        .order_by_asc(ledger_subject::Column::Seq)
        .limit(first);
    if let Some(condition) =
        visible.condition((ledger_subject::Entity, ledger_subject::Column::Seq))
    {
        select = select.filter(condition);
    }
    let seqs: Vec<i64> = select.into_tuple().all(database.connection()).await?;
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    ledger_entry::Entity::find()
        .filter(ledger_entry::Column::Seq.is_in(seqs))
        .order_by_asc(ledger_entry::Column::Seq)
        .all(database.connection())
        .await?
        .iter()
        .map(decode)
        .collect()
}
