//! `donor`, `donor_screening` <-> [`Donor`].

use std::collections::BTreeMap;

use cordtrace_domain::Timestamp;
use cordtrace_domain::ids::{DonorId, ScreeningTestId, UserId};
use cordtrace_domain::manufacturing::{
    Consent, Determination, Donor, DonorKey, EligibilityRequest, ScreeningTest, Withdrawal,
};
use cordtrace_domain::values::{Label, Narrative};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::common::{
    enum_text, insert_all, parse, parse_enum, position, redaction_columns, redaction_from_columns,
    upsert,
};
use crate::entity::{donor, donor_screening};
use crate::error::{QueryError, corrupt};

pub(crate) async fn save(db: &impl ConnectionTrait, donors: &[&Donor]) -> Result<(), QueryError> {
    let rows = donors
        .iter()
        .map(|d| {
            let consent = d.consent.as_ref();
            let withdrawal = consent.and_then(|c| c.withdrawal.as_ref());
            let eligibility = d.eligibility.as_ref();
            let (redacted_at, redaction_reason) =
                redaction_columns(d.personal_data_redaction.as_ref());
            Ok(donor::ActiveModel {
                id: Set(d.id.as_uuid()),
                donor_key: Set(d.key.as_str().to_owned()),
                consent_form_id: Set(consent.map(|c| c.form_id.to_string())),
                consent_form_version: Set(consent.map(|c| c.form_version.to_string())),
                consent_signed_on: Set(consent.map(|c| c.signed_on)),
                consent_therapy: Set(consent.map(|c| c.therapy)),
                consent_research: Set(consent.map(|c| c.research)),
                consent_withdrawn_on: Set(withdrawal.map(|w| w.withdrawn_on)),
                consent_withdrawal_reason: Set(withdrawal.map(|w| w.reason.as_str().to_owned())),
                eligibility_status: Set(eligibility.map(|e| enum_text(&e.status))),
                eligibility_reasons: Set(eligibility
                    .map(|e| serde_json::to_string(&e.reasons))
                    .transpose()
                    .map_err(|e| corrupt("donor.eligibility_reasons", e))?),
                eligibility_determined_by: Set(eligibility.map(|e| e.determined_by.as_uuid())),
                eligibility_determined_at: Set(eligibility.map(|e| e.determined_at.as_datetime())),
                eligibility_requested_by: Set(d
                    .eligibility_request
                    .map(|r| r.requested_by.as_uuid())),
                eligibility_requested_at: Set(d
                    .eligibility_request
                    .map(|r| r.requested_at.as_datetime())),
                registered_at: Set(d.registered_at.as_datetime()),
                personal_data_redacted_at: Set(redacted_at),
                personal_data_redaction_reason: Set(redaction_reason),
            })
        })
        .collect::<Result<Vec<_>, QueryError>>()?;
    upsert(db, rows).await?;
    let ids: Vec<Uuid> = donors.iter().map(|d| d.id.as_uuid()).collect();
    donor_screening::Entity::delete_many()
        .filter(donor_screening::Column::DonorId.is_in(ids))
        .exec(db)
        .await?;
    let screening = donors
        .iter()
        .flat_map(|d| {
            d.screening
                .iter()
                .enumerate()
                .map(|(index, test)| donor_screening::ActiveModel {
                    id: Set(test.id.as_uuid()),
                    donor_id: Set(d.id.as_uuid()),
                    position: Set(position(index)),
                    marker: Set(test.marker.to_string()),
                    method: Set(test.method.to_string()),
                    result: Set(enum_text(&test.result)),
                    specimen_date: Set(test.specimen_date),
                })
        })
        .collect();
    insert_all(db, screening).await
}

fn from_rows(
    row: donor::Model,
    screening: Vec<donor_screening::Model>,
) -> Result<Donor, QueryError> {
    let consent = match (
        row.consent_form_id,
        row.consent_form_version,
        row.consent_signed_on,
        row.consent_therapy,
        row.consent_research,
    ) {
        (Some(form_id), Some(form_version), Some(signed_on), Some(therapy), Some(research)) => {
            let withdrawal = match (row.consent_withdrawn_on, row.consent_withdrawal_reason) {
                (Some(withdrawn_on), Some(reason)) => Some(Withdrawal {
                    withdrawn_on,
                    reason: parse(
                        Narrative::parse(&reason, "reason"),
                        "donor.consent_withdrawal_reason",
                    )?,
                }),
                (None, None) => None,
                _ => {
                    return Err(QueryError::Corrupt(
                        "donor withdrawal columns are inconsistent".to_owned(),
                    ));
                }
            };
            Some(Consent {
                form_id: parse(Label::parse(&form_id, "form id"), "donor.consent_form_id")?,
                form_version: parse(
                    Label::parse(&form_version, "form version"),
                    "donor.consent_form_version",
                )?,
                signed_on,
                therapy,
                research,
                withdrawal,
            })
        }
        (None, None, None, None, None) => None,
        _ => {
            return Err(QueryError::Corrupt(
                "donor consent columns are inconsistent".to_owned(),
            ));
        }
    };
    let eligibility = match (
        row.eligibility_status,
        row.eligibility_reasons,
        row.eligibility_determined_by,
        row.eligibility_determined_at,
    ) {
        (Some(status), Some(reasons), Some(by), Some(at)) => Some(Determination {
            status: parse_enum(&status, "donor.eligibility_status")?,
            reasons: serde_json::from_str(&reasons)
                .map_err(|e| corrupt("donor.eligibility_reasons", e))?,
            determined_by: UserId::from_uuid(by),
            determined_at: Timestamp::from_datetime(at),
        }),
        (None, None, None, None) => None,
        _ => {
            return Err(QueryError::Corrupt(
                "donor eligibility columns are inconsistent".to_owned(),
            ));
        }
    };
    let eligibility_request = match (row.eligibility_requested_by, row.eligibility_requested_at) {
        (Some(by), Some(at)) => Some(EligibilityRequest {
            requested_by: UserId::from_uuid(by),
            requested_at: Timestamp::from_datetime(at),
        }),
        (None, None) => None,
        _ => {
            return Err(QueryError::Corrupt(
                "donor eligibility request columns are inconsistent".to_owned(),
            ));
        }
    };
    let personal_data_redaction = redaction_from_columns(
        row.personal_data_redacted_at,
        row.personal_data_redaction_reason,
        "donor",
    )?;
    let screening = screening
        .into_iter()
        .map(|test| {
            Ok(ScreeningTest {
                id: ScreeningTestId::from_uuid(test.id),
                marker: parse(
                    Label::parse(&test.marker, "marker"),
                    "donor_screening.marker",
                )?,
                method: parse(
                    Label::parse(&test.method, "method"),
                    "donor_screening.method",
                )?,
                result: parse_enum(&test.result, "donor_screening.result")?,
                specimen_date: test.specimen_date,
            })
        })
        .collect::<Result<_, QueryError>>()?;
    Ok(Donor {
        id: DonorId::from_uuid(row.id),
        key: DonorKey::from_stored(row.donor_key),
        consent,
        screening,
        eligibility,
        eligibility_request,
        registered_at: Timestamp::from_datetime(row.registered_at),
        personal_data_redaction,
    })
}

/// Loads donors by id, or every donor with `None`.
pub(crate) async fn load(
    db: &impl ConnectionTrait,
    ids: Option<Vec<DonorId>>,
) -> Result<BTreeMap<DonorId, Donor>, QueryError> {
    let mut query = donor::Entity::find();
    let mut screening_query =
        donor_screening::Entity::find().order_by_asc(donor_screening::Column::Position);
    if let Some(ids) = &ids {
        let uuids: Vec<Uuid> = ids.iter().map(DonorId::as_uuid).collect();
        query = query.filter(donor::Column::Id.is_in(uuids.clone()));
        screening_query = screening_query.filter(donor_screening::Column::DonorId.is_in(uuids));
    }
    let mut screening: BTreeMap<Uuid, Vec<donor_screening::Model>> = BTreeMap::new();
    for test in screening_query.all(db).await? {
        screening.entry(test.donor_id).or_default().push(test);
    }
    query
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let tests = screening.remove(&row.id).unwrap_or_default();
            from_rows(row, tests).map(|d| (d.id, d))
        })
        .collect()
}

/// The highest donor key sequence used in year `year_2digit`.
pub(crate) async fn last_key_sequence(
    db: &impl ConnectionTrait,
    year_2digit: u8,
) -> Result<u32, QueryError> {
    let prefix = format!("DNR{year_2digit:02}-");
    let last = donor::Entity::find()
        .filter(donor::Column::DonorKey.starts_with(&prefix))
        .order_by_desc(donor::Column::DonorKey)
        .one(db)
        .await?;
    Ok(last
        .and_then(|row| {
            row.donor_key
                .strip_prefix(&prefix)
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0))
}
