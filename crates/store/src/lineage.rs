//! Lineage over the lot DAG with recursive SQL on both backends: one round trip per direction,
//! never one per node.

use std::collections::BTreeSet;

use cordtrace_domain::ids::{DonationId, DonorId, LotId, MaterialLotId};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement, Value};
use uuid::Uuid;

use crate::error::QueryError;

/// Rewrites `$1`-style placeholders for SQLite, which numbers them `?1`.
fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Sqlite => sql.replace('$', "?"),
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

#[derive(FromQueryResult)]
struct IdRow {
    id: Uuid,
}

/// `id IN (...)` placeholders `$first..` for `count` values.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn ids(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<Uuid>, QueryError> {
    let statement = statement(db.get_database_backend(), sql, values);
    Ok(IdRow::find_by_statement(statement)
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.id)
        .collect())
}

fn uuid_values<T: Copy + Into<Uuid>>(items: &[T]) -> Vec<Value> {
    items
        .iter()
        .map(|item| Value::from((*item).into()))
        .collect()
}

/// How many lot ids one recursive query binds. Both backends cap a statement's parameters
/// (SQLite at 32,766, PostgreSQL at 65,535), and a material lot used across a facility reaches
/// far more root lots than that; a larger set is walked in chunks and the results merged.
const ROOTS_PER_QUERY: usize = 5_000;

/// Every lot `lots` were made from, at any depth (not including `lots`).
pub async fn ancestors(
    db: &impl ConnectionTrait,
    lots: &[LotId],
) -> Result<Vec<LotId>, QueryError> {
    walk(
        db,
        lots,
        "WITH RECURSIVE up(id) AS (
             SELECT parent_id FROM lot_parent WHERE lot_id IN ({roots})
             UNION
             SELECT lp.parent_id FROM lot_parent lp JOIN up ON lp.lot_id = up.id
         )
         SELECT id FROM up",
    )
    .await
}

/// Every lot made from `lots`, at any depth (not including `lots`).
pub async fn descendants(
    db: &impl ConnectionTrait,
    lots: &[LotId],
) -> Result<Vec<LotId>, QueryError> {
    walk(
        db,
        lots,
        "WITH RECURSIVE down(id) AS (
             SELECT lot_id FROM lot_parent WHERE parent_id IN ({roots})
             UNION
             SELECT lp.lot_id FROM lot_parent lp JOIN down ON lp.parent_id = down.id
         )
         SELECT id FROM down",
    )
    .await
}

/// Runs the recursive query `template` (its root list written `{roots}`) from `lots`, at most
/// [`ROOTS_PER_QUERY`] roots per statement, and returns the lots reached, each once.
async fn walk(
    db: &impl ConnectionTrait,
    lots: &[LotId],
    template: &str,
) -> Result<Vec<LotId>, QueryError> {
    let mut reached = BTreeSet::new();
    for chunk in lots.chunks(ROOTS_PER_QUERY) {
        let sql = template.replace("{roots}", &placeholders(1, chunk.len()));
        reached.extend(
            ids(db, &sql, uuid_values(chunk))
                .await?
                .into_iter()
                .map(LotId::from_uuid),
        );
    }
    Ok(reached.into_iter().collect())
}

/// Every lot holding material of `donors` (the donor set propagates to every descendant).
pub async fn lots_of_donors(
    db: &impl ConnectionTrait,
    donors: &[DonorId],
) -> Result<Vec<LotId>, QueryError> {
    if donors.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT DISTINCT lot_id AS id FROM lot_donor WHERE donor_id IN ({})",
        placeholders(1, donors.len())
    );
    Ok(ids(db, &sql, uuid_values(donors))
        .await?
        .into_iter()
        .map(LotId::from_uuid)
        .collect())
}

/// Every lot made from `donations`, at any depth.
pub async fn lots_of_donations(
    db: &impl ConnectionTrait,
    donations: &[DonationId],
) -> Result<Vec<LotId>, QueryError> {
    if donations.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id FROM lot WHERE donation_id IN ({})",
        placeholders(1, donations.len())
    );
    let roots: Vec<LotId> = ids(db, &sql, uuid_values(donations))
        .await?
        .into_iter()
        .map(LotId::from_uuid)
        .collect();
    with_descendants(db, roots).await
}

/// Every lot a step using `materials` made, every lot such a step worked on in place (a step
/// that makes no lot, such as feeding), and every lot made from those, at any depth.
///
/// The lots a step took in to make new ones are not included: a passage from a cell bank with a
/// trypsin lot does not put the trypsin into the bank, nor into the bank's other branches.
pub async fn lots_using_materials(
    db: &impl ConnectionTrait,
    materials: &[MaterialLotId],
) -> Result<Vec<LotId>, QueryError> {
    if materials.is_empty() {
        return Ok(Vec::new());
    }
    let list = placeholders(1, materials.len());
    let sql = format!(
        "SELECT so.lot_id AS id FROM step_output so JOIN step_material sm ON sm.step_id = so.step_id
           WHERE sm.material_lot_id IN ({list})
         UNION
         SELECT si.lot_id AS id FROM step_input si JOIN step_material sm ON sm.step_id = si.step_id
           WHERE sm.material_lot_id IN ({list})
             AND NOT EXISTS (SELECT 1 FROM step_output made WHERE made.step_id = si.step_id)"
    );
    let roots: Vec<LotId> = ids(db, &sql, uuid_values(materials))
        .await?
        .into_iter()
        .map(LotId::from_uuid)
        .collect();
    with_descendants(db, roots).await
}

/// `roots` and their descendants, without duplicates.
pub async fn with_descendants(
    db: &impl ConnectionTrait,
    roots: Vec<LotId>,
) -> Result<Vec<LotId>, QueryError> {
    let mut all: BTreeSet<LotId> = roots.iter().copied().collect();
    all.extend(descendants(db, &roots).await?);
    Ok(all.into_iter().collect())
}

/// `lots` and their ancestors, without duplicates.
pub async fn with_ancestors(
    db: &impl ConnectionTrait,
    lots: Vec<LotId>,
) -> Result<Vec<LotId>, QueryError> {
    let mut all: BTreeSet<LotId> = lots.iter().copied().collect();
    all.extend(ancestors(db, &lots).await?);
    Ok(all.into_iter().collect())
}
