//! Loading the slice of state a command decides on.

use std::collections::BTreeSet;

use cordtrace_domain::ids::{DonationId, DonorId, EquipmentId, LotId, MaterialLotId, UserId};
use cordtrace_domain::signature::Signature;
use cordtrace_domain::{Actor, Refusal, RefusalKind, State, Timestamp};
use sea_orm::DatabaseTransaction;

use crate::error::CommandError;
use crate::projection::donations::DonationFilter;
use crate::projection::materials::EquipmentFilter;
use crate::projection::{donations, donors, lots, materials, users};

/// Adds donors (by id) to the state.
pub(crate) async fn donors(
    txn: &DatabaseTransaction,
    state: &mut State,
    ids: impl IntoIterator<Item = DonorId>,
) -> Result<(), CommandError> {
    let ids: Vec<DonorId> = ids
        .into_iter()
        .filter(|id| !state.donors.contains_key(id))
        .collect();
    if !ids.is_empty() {
        state.donors.extend(donors::load(txn, Some(ids)).await?);
    }
    Ok(())
}

/// Adds donations (by id) and their donors to the state.
pub(crate) async fn donations(
    txn: &DatabaseTransaction,
    state: &mut State,
    ids: Vec<DonationId>,
) -> Result<(), CommandError> {
    if ids.is_empty() {
        return Ok(());
    }
    let loaded = donations::load(txn, DonationFilter::Ids(ids)).await?;
    let donor_ids: Vec<DonorId> = loaded.values().map(|d| d.donor_id).collect();
    state.donations.extend(loaded);
    donors(txn, state, donor_ids).await
}

/// Adds every donation of `donor` to the state.
pub(crate) async fn donations_of_donor(
    txn: &DatabaseTransaction,
    state: &mut State,
    donor: DonorId,
) -> Result<(), CommandError> {
    state
        .donations
        .extend(donations::load(txn, DonationFilter::Donors(vec![donor])).await?);
    Ok(())
}

/// Adds lots (by id) and every donor of theirs to the state.
pub(crate) async fn lots_with_donors(
    txn: &DatabaseTransaction,
    state: &mut State,
    ids: Vec<LotId>,
) -> Result<(), CommandError> {
    let ids: Vec<LotId> = ids
        .into_iter()
        .filter(|id| !state.lots.contains_key(id))
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let loaded = lots::load(txn, Some(ids)).await?;
    let donor_ids: BTreeSet<DonorId> = loaded
        .values()
        .flat_map(|l| l.donors.iter().copied())
        .collect();
    state.lots.extend(loaded);
    donors(txn, state, donor_ids).await
}

/// Adds equipment and material lots (by id) to the state.
pub(crate) async fn equipment_and_materials(
    txn: &DatabaseTransaction,
    state: &mut State,
    equipment: Vec<EquipmentId>,
    material_lots: Vec<MaterialLotId>,
) -> Result<(), CommandError> {
    if !equipment.is_empty() {
        state
            .equipment
            .extend(materials::load_equipment(txn, EquipmentFilter::Ids(equipment)).await?);
    }
    if !material_lots.is_empty() {
        state
            .material_lots
            .extend(materials::load_material_lots(txn, Some(material_lots)).await?);
    }
    Ok(())
}

/// Checks that `signature` was made by the acting user, who may still sign (not deactivated or
/// locked since the password was checked), and returns it to bind to the entry.
pub(crate) async fn signature(
    txn: &DatabaseTransaction,
    actor: Actor,
    signature: Signature,
    now: Timestamp,
) -> Result<Signature, CommandError> {
    if actor.user_id() != Some(signature.signer_id) {
        return Err(Refusal::new(
            RefusalKind::Forbidden,
            "SIGNER_NOT_ACTOR",
            "a signature must be made by the user who performs the action",
        )
        .into());
    }
    let signer: UserId = signature.signer_id;
    let user = users::find(txn, signer)
        .await?
        .ok_or_else(|| CommandError::Corrupt(format!("signer {signer} vanished")))?;
    cordtrace_domain::identity::commands::ensure_can_authenticate(&user, now)
        .map_err(Refusal::from)?;
    Ok(signature)
}

/// The two-digit year of `now`, for keys and codes.
pub(crate) fn year_2digit(now: Timestamp) -> u8 {
    use chrono::Datelike;
    u8::try_from(now.as_datetime().year().rem_euclid(100)).unwrap_or(0)
}
