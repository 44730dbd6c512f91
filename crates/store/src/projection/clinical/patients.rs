//! `patient`, `patient_weight` <-> [`Patient`]; the wristband lookup in `patient_personal`.

use std::collections::BTreeMap;

use cordtrace_domain::Timestamp;
use cordtrace_domain::clinical::{Patient, PatientKey, WeightMeasurement};
use cordtrace_domain::ids::{PatientId, UserId};
use cordtrace_domain::values::Kilograms;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::super::common::{
    insert_all, parse, position, redaction_columns, redaction_from_columns, upsert,
};
use super::uuids;
use crate::entity::{patient, patient_personal, patient_weight};
use crate::error::QueryError;

/// Saves patients with every weight they hold (the state holds each patient whole).
pub(crate) async fn save(
    db: &impl ConnectionTrait,
    patients: &[&Patient],
) -> Result<(), QueryError> {
    let rows = patients
        .iter()
        .map(|p| {
            let (redacted_at, redaction_reason) =
                redaction_columns(p.personal_data_redaction.as_ref());
            patient::ActiveModel {
                id: Set(p.id.as_uuid()),
                patient_key: Set(p.key.as_str().to_owned()),
                registered_at: Set(p.registered_at.as_datetime()),
                personal_data_redacted_at: Set(redacted_at),
                personal_data_redaction_reason: Set(redaction_reason),
            }
        })
        .collect();
    upsert(db, rows).await?;
    let ids: Vec<Uuid> = patients.iter().map(|p| p.id.as_uuid()).collect();
    patient_weight::Entity::delete_many()
        .filter(patient_weight::Column::PatientId.is_in(ids))
        .exec(db)
        .await?;
    let weights = patients
        .iter()
        .flat_map(|p| {
            p.weights
                .iter()
                .enumerate()
                .map(|(index, w)| patient_weight::ActiveModel {
                    patient_id: Set(p.id.as_uuid()),
                    position: Set(position(index)),
                    weight_kg: Set(w.weight.value().to_string()),
                    measured_on: Set(w.measured_on),
                    recorded_by: Set(w.recorded_by.as_uuid()),
                    recorded_at: Set(w.recorded_at.as_datetime()),
                })
        })
        .collect();
    insert_all(db, weights).await
}

/// Loads patients with their weights, by id, or every patient with `None`.
pub(crate) async fn load(
    db: &impl ConnectionTrait,
    ids: Option<Vec<PatientId>>,
) -> Result<BTreeMap<PatientId, Patient>, QueryError> {
    let mut query = patient::Entity::find();
    let mut weight_query =
        patient_weight::Entity::find().order_by_asc(patient_weight::Column::Position);
    if let Some(ids) = &ids {
        if ids.is_empty() {
            return Ok(BTreeMap::new());
        }
        query = query.filter(patient::Column::Id.is_in(uuids(ids)));
        weight_query = weight_query.filter(patient_weight::Column::PatientId.is_in(uuids(ids)));
    }
    let mut weights: BTreeMap<Uuid, Vec<WeightMeasurement>> = BTreeMap::new();
    for row in weight_query.all(db).await? {
        weights
            .entry(row.patient_id)
            .or_default()
            .push(WeightMeasurement {
                weight: parse(Kilograms::parse(&row.weight_kg), "patient_weight.weight_kg")?,
                measured_on: row.measured_on,
                recorded_by: UserId::from_uuid(row.recorded_by),
                recorded_at: Timestamp::from_datetime(row.recorded_at),
            });
    }
    query
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let patient = Patient {
                id: PatientId::from_uuid(row.id),
                key: PatientKey::from_stored(row.patient_key),
                weights: weights.remove(&row.id).unwrap_or_default(),
                registered_at: Timestamp::from_datetime(row.registered_at),
                personal_data_redaction: redaction_from_columns(
                    row.personal_data_redacted_at,
                    row.personal_data_redaction_reason,
                    "patient",
                )?,
            };
            Ok((patient.id, patient))
        })
        .collect()
}

/// The highest patient key sequence used in year `year_2digit`.
pub(crate) async fn last_key_sequence(
    db: &impl ConnectionTrait,
    year_2digit: u8,
) -> Result<u32, QueryError> {
    let prefix = PatientKey::prefix(year_2digit);
    let last: Option<String> = patient::Entity::find()
        .select_only()
        .column(patient::Column::PatientKey)
        .filter(patient::Column::PatientKey.starts_with(&prefix))
        .order_by_desc(patient::Column::PatientKey)
        .into_tuple()
        .one(db)
        .await?;
    Ok(last
        .and_then(|key| key.strip_prefix(&prefix).and_then(|n| n.parse().ok()))
        .unwrap_or(0))
}

/// The patient whose wristband id is exactly `lookup_key` (a redacted row matches nothing).
pub(crate) async fn by_wristband(
    db: &impl ConnectionTrait,
    lookup_key: &str,
) -> Result<Option<PatientId>, QueryError> {
    let found: Option<Uuid> = patient_personal::Entity::find()
        .select_only()
        .column(patient_personal::Column::PatientId)
        .filter(patient_personal::Column::WristbandId.eq(lookup_key))
        .into_tuple()
        .one(db)
        .await?;
    Ok(found.map(PatientId::from_uuid))
}
