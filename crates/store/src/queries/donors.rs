//! Reads of what enters the facility: donors (and, apart from them, their personal data), cord
//! donations, material lots, equipment and the installation's product codes.
//!
//! Lists come in pages ordered by id (UUID v7, so in registration order); nested lists are read
//! in one query for many parents, so a resolver that batches its keys never issues one query
//! per row.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use cordtrace_domain::Timestamp;
use cordtrace_domain::ids::{DonationId, DonorId, EquipmentId, MaterialLotId};
use cordtrace_domain::isbt128::Din;
use cordtrace_domain::manufacturing::{Donation, Donor, Equipment, MaterialLot, ProductDefinition};
use cordtrace_domain::subject::SubjectKind;
use cordtrace_ledger::EntrySignature;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::Page;
use crate::db::Database;
use crate::entity::{
    donation, donor, donor_personal, equipment, ledger_entry, ledger_subject, material_lot,
};
use crate::error::{QueryError, corrupt};
use crate::projection::donations::DonationFilter;
use crate::projection::materials::EquipmentFilter;
use crate::projection::{donations, donors, materials};

/// The most items one page holds, whatever the caller asks.
pub const MAX_PAGE: u64 = 500;

/// The ledger action whose signature is the signature of an eligibility determination.
const ELIGIBILITY_DETERMINED: &str = "donor.eligibility_determined";

/// Ledger sequence numbers per `IN (...)` list, well under both backends' parameter limits.
const SEQ_CHUNK: usize = 1_000;

/// A donor's personal data as stored, or what is left of it after redaction. Never part of the
/// ledger.
#[derive(Clone, PartialEq, Eq)]
pub struct DonorPersonalRecord {
    /// Full name; `None` once redacted.
    pub full_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// The hospital's record number.
    pub hospital_record_number: Option<String>,
    /// How to reach her.
    pub contact: Option<String>,
    /// When the data was redacted, if it was.
    pub redacted_at: Option<Timestamp>,
}

/// Personal data stays out of logs, even through Debug.
impl std::fmt::Debug for DonorPersonalRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DonorPersonalRecord(<redacted>)")
    }
}

fn clamp(first: u64) -> u64 {
    first.min(MAX_PAGE)
}

/// Up to `first + 1` ids after `after`, in order: the extra one tells whether a next page exists.
async fn page_ids<E>(
    db: &impl ConnectionTrait,
    column: E::Column,
    after: Option<Uuid>,
    first: u64,
) -> Result<Vec<Uuid>, QueryError>
where
    E: EntityTrait,
{
    let mut query = E::find()
        .select_only()
        .column(column)
        .order_by_asc(column)
        .limit(clamp(first) + 1);
    if let Some(after) = after {
        query = query.filter(column.gt(after));
    }
    Ok(query.into_tuple::<Uuid>().all(db).await?)
}

/// Splits fetched ids into the page's ids and whether a next page exists.
fn split_page(mut ids: Vec<Uuid>, first: u64) -> (Vec<Uuid>, bool) {
    let first = usize::try_from(clamp(first)).unwrap_or(usize::MAX);
    let has_next = ids.len() > first;
    ids.truncate(first);
    (ids, has_next)
}

/// The values of `loaded` in the order of `ids`.
fn in_order<K: Ord, V>(ids: impl IntoIterator<Item = K>, mut loaded: BTreeMap<K, V>) -> Vec<V> {
    ids.into_iter()
        .filter_map(|id| loaded.remove(&id))
        .collect()
}

/// One donor.
pub async fn donor(database: &Database, id: DonorId) -> Result<Option<Donor>, QueryError> {
    Ok(donors::load(database.connection(), Some(vec![id]))
        .await?
        .remove(&id))
}

/// The donor registered under the opaque key `key` (`DNR26-000001`).
pub async fn donor_by_key(database: &Database, key: &str) -> Result<Option<Donor>, QueryError> {
    let found: Option<Uuid> = donor::Entity::find()
        .select_only()
        .column(donor::Column::Id)
        .filter(donor::Column::DonorKey.eq(key))
        .into_tuple()
        .one(database.connection())
        .await?;
    match found {
        Some(id) => donor(database, DonorId::from_uuid(id)).await,
        None => Ok(None),
    }
}

/// Donors by id (those that exist).
pub async fn donors_by_id(
    database: &Database,
    ids: Vec<DonorId>,
) -> Result<BTreeMap<DonorId, Donor>, QueryError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    donors::load(database.connection(), Some(ids)).await
}

/// Up to `first` donors registered after `after`, in registration order.
pub async fn donor_page(
    database: &Database,
    after: Option<DonorId>,
    first: u64,
) -> Result<Page<Donor>, QueryError> {
    let db = database.connection();
    let fetched =
        page_ids::<donor::Entity>(db, donor::Column::Id, after.map(|id| id.as_uuid()), first)
            .await?;
    let (ids, has_next) = split_page(fetched, first);
    let ids: Vec<DonorId> = ids.into_iter().map(DonorId::from_uuid).collect();
    let loaded = donors_by_id(database, ids.clone()).await?;
    Ok(Page {
        items: in_order(ids, loaded),
        has_next,
    })
}

/// The personal data of donors by id (those that have a row).
pub async fn personal_data(
    database: &Database,
    ids: Vec<DonorId>,
) -> Result<BTreeMap<DonorId, DonorPersonalRecord>, QueryError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let uuids: Vec<Uuid> = ids.iter().map(DonorId::as_uuid).collect();
    Ok(donor_personal::Entity::find()
        .filter(donor_personal::Column::DonorId.is_in(uuids))
        .all(database.connection())
        .await?
        .into_iter()
        .map(|row| {
            (
                DonorId::from_uuid(row.donor_id),
                DonorPersonalRecord {
                    full_name: row.full_name,
                    date_of_birth: row.date_of_birth,
                    hospital_record_number: row.hospital_record_number,
                    contact: row.contact,
                    redacted_at: row.redacted_at.map(Timestamp::from_datetime),
                },
            )
        })
        .collect())
}

/// The electronic signature of each donor's latest eligibility determination, from the ledger
/// entry that records it (21 CFR 11.70: the signature lives in the signed record).
pub async fn eligibility_signatures(
    database: &Database,
    ids: Vec<DonorId>,
) -> Result<BTreeMap<DonorId, EntrySignature>, QueryError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let db = database.connection();
    let subject_ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let links: Vec<(String, i64)> = ledger_subject::Entity::find()
        .select_only()
        .column(ledger_subject::Column::SubjectId)
        .column(ledger_subject::Column::Seq)
        .filter(ledger_subject::Column::SubjectKind.eq(SubjectKind::Donor.as_str()))
        .filter(ledger_subject::Column::SubjectId.is_in(subject_ids))
        .into_tuple()
        .all(db)
        .await?;
    let donor_of_seq: BTreeMap<i64, String> =
        links.into_iter().map(|(id, seq)| (seq, id)).collect();
    let seqs: Vec<i64> = donor_of_seq.keys().copied().collect();
    let mut signatures = BTreeMap::new();
    for chunk in seqs.chunks(SEQ_CHUNK) {
        let rows: Vec<(i64, Option<String>)> = ledger_entry::Entity::find()
            .select_only()
            .column(ledger_entry::Column::Seq)
            .column(ledger_entry::Column::Signature)
            .filter(ledger_entry::Column::Seq.is_in(chunk.to_vec()))
            .filter(ledger_entry::Column::Action.eq(ELIGIBILITY_DETERMINED))
            .order_by_asc(ledger_entry::Column::Seq)
            .into_tuple()
            .all(db)
            .await?;
        for (seq, signature) in rows {
            let (Some(donor_id), Some(signature)) = (donor_of_seq.get(&seq), signature) else {
                continue;
            };
            let donor_id: DonorId = donor_id
                .parse()
                .map_err(|error| corrupt("ledger_subject.subject_id", error))?;
            let signature: EntrySignature = serde_json::from_str(&signature)
                .map_err(|error| corrupt("ledger_entry.signature", error))?;
            // Rows come in seq order, so the last one kept is the latest determination.
            signatures.insert(donor_id, signature);
        }
    }
    Ok(signatures)
}

/// One donation.
pub async fn donation(database: &Database, id: DonationId) -> Result<Option<Donation>, QueryError> {
    Ok(
        donations::load(database.connection(), DonationFilter::Ids(vec![id]))
            .await?
            .remove(&id),
    )
}

/// The donation registered under `din`.
pub async fn donation_by_din(
    database: &Database,
    din: Din,
) -> Result<Option<Donation>, QueryError> {
    Ok(
        donations::load(database.connection(), DonationFilter::Din(din))
            .await?
            .into_values()
            .next(),
    )
}

/// Every donation of each donor, in registration order.
pub async fn donations_of_donors(
    database: &Database,
    ids: Vec<DonorId>,
) -> Result<BTreeMap<DonorId, Vec<Donation>>, QueryError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut by_donor: BTreeMap<DonorId, Vec<Donation>> = BTreeMap::new();
    for donation in donations::load(database.connection(), DonationFilter::Donors(ids))
        .await?
        .into_values()
    {
        by_donor
            .entry(donation.donor_id)
            .or_default()
            .push(donation);
    }
    Ok(by_donor)
}

/// Up to `first` donations registered after `after`, in registration order.
pub async fn donation_page(
    database: &Database,
    after: Option<DonationId>,
    first: u64,
) -> Result<Page<Donation>, QueryError> {
    let db = database.connection();
    let fetched = page_ids::<donation::Entity>(
        db,
        donation::Column::Id,
        after.map(|id| id.as_uuid()),
        first,
    )
    .await?;
    let (ids, has_next) = split_page(fetched, first);
    let ids: Vec<DonationId> = ids.into_iter().map(DonationId::from_uuid).collect();
    let loaded = if ids.is_empty() {
        BTreeMap::new()
    } else {
        donations::load(db, DonationFilter::Ids(ids.clone())).await?
    };
    Ok(Page {
        items: in_order(ids, loaded),
        has_next,
    })
}

/// One material lot.
pub async fn material_lot(
    database: &Database,
    id: MaterialLotId,
) -> Result<Option<MaterialLot>, QueryError> {
    Ok(
        materials::load_material_lots(database.connection(), Some(vec![id]))
            .await?
            .remove(&id),
    )
}

/// Up to `first` material lots registered after `after`, in registration order.
pub async fn material_lot_page(
    database: &Database,
    after: Option<MaterialLotId>,
    first: u64,
) -> Result<Page<MaterialLot>, QueryError> {
    let db = database.connection();
    let fetched = page_ids::<material_lot::Entity>(
        db,
        material_lot::Column::Id,
        after.map(|id| id.as_uuid()),
        first,
    )
    .await?;
    let (ids, has_next) = split_page(fetched, first);
    let ids: Vec<MaterialLotId> = ids.into_iter().map(MaterialLotId::from_uuid).collect();
    let loaded = if ids.is_empty() {
        BTreeMap::new()
    } else {
        materials::load_material_lots(db, Some(ids.clone())).await?
    };
    Ok(Page {
        items: in_order(ids, loaded),
        has_next,
    })
}

/// One piece of equipment.
pub async fn equipment_item(
    database: &Database,
    id: EquipmentId,
) -> Result<Option<Equipment>, QueryError> {
    Ok(
        materials::load_equipment(database.connection(), EquipmentFilter::Ids(vec![id]))
            .await?
            .remove(&id),
    )
}

/// The piece of equipment whose (unique) asset tag is `asset_tag`, if one is registered.
pub async fn equipment_by_asset_tag(
    database: &Database,
    asset_tag: &str,
) -> Result<Option<Equipment>, QueryError> {
    Ok(materials::load_equipment(
        database.connection(),
        EquipmentFilter::AssetTag(asset_tag.to_owned()),
    )
    .await?
    .into_values()
    .next())
}

/// Every material lot whose supplier lot number is `supplier_lot`, in registration order:
/// two suppliers may use the same number, so there may be several.
pub async fn material_lots_by_supplier_lot(
    database: &Database,
    supplier_lot: &str,
) -> Result<Vec<MaterialLot>, QueryError> {
    let db = database.connection();
    let ids: Vec<MaterialLotId> = material_lot::Entity::find()
        .filter(material_lot::Column::SupplierLot.eq(supplier_lot))
        .order_by_asc(material_lot::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|row| MaterialLotId::from_uuid(row.id))
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let loaded = materials::load_material_lots(db, Some(ids.clone())).await?;
    Ok(in_order(ids, loaded))
}

/// Up to `first` pieces of equipment registered after `after`, in registration order.
pub async fn equipment_page(
    database: &Database,
    after: Option<EquipmentId>,
    first: u64,
) -> Result<Page<Equipment>, QueryError> {
    let db = database.connection();
    let fetched = page_ids::<equipment::Entity>(
        db,
        equipment::Column::Id,
        after.map(|id| id.as_uuid()),
        first,
    )
    .await?;
    let (ids, has_next) = split_page(fetched, first);
    let ids: Vec<EquipmentId> = ids.into_iter().map(EquipmentId::from_uuid).collect();
    let loaded = if ids.is_empty() {
        BTreeMap::new()
    } else {
        materials::load_equipment(db, EquipmentFilter::Ids(ids.clone())).await?
    };
    Ok(Page {
        items: in_order(ids, loaded),
        has_next,
    })
}

/// One product definition.
pub async fn product(
    database: &Database,
    code: &str,
) -> Result<Option<ProductDefinition>, QueryError> {
    Ok(materials::load_products(database.connection())
        .await?
        .remove(code))
}

/// Up to `first` product definitions whose code sorts after `after`, by code. The table is the
/// installation's short list of codes, read whole.
pub async fn product_page(
    database: &Database,
    after: Option<&str>,
    first: u64,
) -> Result<Page<ProductDefinition>, QueryError> {
    let first = usize::try_from(clamp(first)).unwrap_or(usize::MAX);
    let mut items: Vec<ProductDefinition> = materials::load_products(database.connection())
        .await?
        .into_values()
        .filter(|product| after.is_none_or(|after| product.code.as_str() > after))
        .take(first + 1)
        .collect();
    let has_next = items.len() > first;
    items.truncate(first);
    Ok(Page { items, has_next })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_never_shows_in_debug_output() {
        let record = DonorPersonalRecord {
            full_name: Some("Test Person".to_owned()),
            date_of_birth: NaiveDate::from_ymd_opt(1990, 1, 2),
            hospital_record_number: Some("TEST-MRN-1".to_owned()),
            contact: Some("test contact".to_owned()),
            redacted_at: None,
        };
        let shown = format!("{record:?}");
        assert!(
            !shown.contains("Test Person") && !shown.contains("TEST-MRN-1"),
            "{shown}"
        );
    }

    #[test]
    fn a_page_keeps_what_was_asked_and_knows_whether_more_follow() {
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        assert_eq!(split_page(ids.clone(), 2), (ids[..2].to_vec(), true));
        assert_eq!(split_page(ids[..2].to_vec(), 2), (ids[..2].to_vec(), false));
        assert_eq!(split_page(Vec::new(), 0), (Vec::new(), false));
    }
}
