//! Batched loads for nested fields (a donation's donor, a donor's donations, personal data and
//! signatures), so a list of N items costs one query per field, not N.
//!
//! The loader keeps no cache: every request sees the current state.

use std::collections::HashMap;

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use cordtrace_domain::ids::DonorId;
use cordtrace_domain::manufacturing::{Donation, Donor};
use cordtrace_ledger::EntrySignature;
use cordtrace_store::Database;
use cordtrace_store::queries::donors::{self as reads, DonorPersonalRecord};

use crate::error::{ApiError, ApiResult, ErrorCode};

/// Key: the personal data of a donor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct PersonalDataOf(pub DonorId);

/// Key: every donation of a donor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct DonationsOf(pub DonorId);

/// Key: the signature of a donor's standing eligibility determination.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct EligibilitySignatureOf(pub DonorId);

/// Reads donors and what hangs off them, many keys per query.
pub struct IntakeLoader {
    database: Database,
}

/// The loader the schema holds.
pub type IntakeDataLoader = DataLoader<IntakeLoader>;

/// A loader over `database` that batches the keys asked for within a millisecond.
pub fn data_loader(database: Database) -> IntakeDataLoader {
    DataLoader::new(IntakeLoader { database }, tokio::spawn)
}

/// The loader, from a resolver's context.
pub(crate) fn loader<'a>(ctx: &'a Context<'_>) -> ApiResult<&'a IntakeDataLoader> {
    ctx.data::<IntakeDataLoader>()
        .map_err(|_| ApiError::new(ErrorCode::Internal, "internal error"))
}

fn donor_ids<K>(keys: &[K], id: impl Fn(&K) -> DonorId) -> Vec<DonorId> {
    keys.iter().map(id).collect()
}

impl Loader<DonorId> for IntakeLoader {
    type Value = Donor;
    type Error = ApiError;

    async fn load(&self, keys: &[DonorId]) -> Result<HashMap<DonorId, Donor>, ApiError> {
        Ok(reads::donors_by_id(&self.database, keys.to_vec())
            .await?
            .into_iter()
            .collect())
    }
}

impl Loader<PersonalDataOf> for IntakeLoader {
    type Value = DonorPersonalRecord;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[PersonalDataOf],
    ) -> Result<HashMap<PersonalDataOf, DonorPersonalRecord>, ApiError> {
        Ok(
            reads::personal_data(&self.database, donor_ids(keys, |key| key.0))
                .await?
                .into_iter()
                .map(|(id, record)| (PersonalDataOf(id), record))
                .collect(),
        )
    }
}

impl Loader<DonationsOf> for IntakeLoader {
    type Value = Vec<Donation>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[DonationsOf],
    ) -> Result<HashMap<DonationsOf, Vec<Donation>>, ApiError> {
        Ok(
            reads::donations_of_donors(&self.database, donor_ids(keys, |key| key.0))
                .await?
                .into_iter()
                .map(|(id, donations)| (DonationsOf(id), donations))
                .collect(),
        )
    }
}

impl Loader<EligibilitySignatureOf> for IntakeLoader {
    type Value = EntrySignature;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[EligibilitySignatureOf],
    ) -> Result<HashMap<EligibilitySignatureOf, EntrySignature>, ApiError> {
        Ok(
            reads::eligibility_signatures(&self.database, donor_ids(keys, |key| key.0))
                .await?
                .into_iter()
                .map(|(id, signature)| (EligibilitySignatureOf(id), signature))
                .collect(),
        )
    }
}
