//! Batched loads for nested clinical fields (a patient's personal data, orders,
//! administrations, visits and adverse events; an order's units; the patient behind an
//! exposure), so a list of N items costs one query per field, not N. No cache: every request
//! sees the current state.

use std::collections::HashMap;

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use cordtrace_domain::clinical::{AdverseEvent, Order, Patient, Visit};
use cordtrace_domain::ids::{OrderId, PatientId};
use cordtrace_store::Database;
use cordtrace_store::queries::clinical::{
    self as reads, AdministrationRecord, AllocationRecord, PatientPersonalRecord,
};

use crate::error::{ApiError, ApiResult, ErrorCode};

/// Key: a patient's personal data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct PersonalDataOf(pub PatientId);

/// Key: a patient's orders.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct OrdersOf(pub PatientId);

/// Key: a patient's administrations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct AdministrationsOf(pub PatientId);

/// Key: a patient's visits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct VisitsOf(pub PatientId);

/// Key: a patient's adverse events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct AdverseEventsOf(pub PatientId);

/// Key: the units allocated to an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct AllocationsOf(pub OrderId);

/// Reads patients and what hangs off them, many keys per query.
pub struct ClinicalLoader {
    database: Database,
}

/// The loader the schema holds.
pub type ClinicalDataLoader = DataLoader<ClinicalLoader>;

/// A loader over `database` that batches the keys asked for together.
pub fn data_loader(database: Database) -> ClinicalDataLoader {
    DataLoader::new(ClinicalLoader { database }, tokio::spawn)
}

/// The loader, from a resolver's context.
pub(crate) fn loader<'a>(ctx: &'a Context<'_>) -> ApiResult<&'a ClinicalDataLoader> {
    ctx.data::<ClinicalDataLoader>()
        .map_err(|_| ApiError::new(ErrorCode::Internal, "internal error"))
}

fn patient_ids<K>(keys: &[K], id: impl Fn(&K) -> PatientId) -> Vec<PatientId> {
    keys.iter().map(id).collect()
}

/// Implements a loader from a key wrapping a patient id to a batched store read.
macro_rules! by_patient {
    ($key:ident, $value:ty, $read:path) => {
        impl Loader<$key> for ClinicalLoader {
            type Value = $value;
            type Error = ApiError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $value>, ApiError> {
                Ok($read(&self.database, patient_ids(keys, |key| key.0))
                    .await?
                    .into_iter()
                    .map(|(id, value)| ($key(id), value))
                    .collect())
            }
        }
    };
}

by_patient!(PersonalDataOf, PatientPersonalRecord, reads::personal_data);
by_patient!(OrdersOf, Vec<Order>, reads::orders_of_patients);
by_patient!(
    AdministrationsOf,
    Vec<AdministrationRecord>,
    reads::administrations_of_patients
);
by_patient!(VisitsOf, Vec<Visit>, reads::visits_of_patients);
by_patient!(
    AdverseEventsOf,
    Vec<AdverseEvent>,
    reads::adverse_events_of_patients
);

impl Loader<PatientId> for ClinicalLoader {
    type Value = Patient;
    type Error = ApiError;

    async fn load(&self, keys: &[PatientId]) -> Result<HashMap<PatientId, Patient>, ApiError> {
        Ok(reads::patients_by_id(&self.database, keys.to_vec())
            .await?
            .into_iter()
            .collect())
    }
}

impl Loader<AllocationsOf> for ClinicalLoader {
    type Value = Vec<AllocationRecord>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[AllocationsOf],
    ) -> Result<HashMap<AllocationsOf, Vec<AllocationRecord>>, ApiError> {
        Ok(
            reads::allocations_of_orders(&self.database, keys.iter().map(|key| key.0).collect())
                .await?
                .into_iter()
                .map(|(id, records)| (AllocationsOf(id), records))
                .collect(),
        )
    }
}
