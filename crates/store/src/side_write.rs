//! Writes outside the ledgered state, made in a command's transaction: what must not enter the
//! indelible ledger (password hashes, session tokens, personal data) or changes too often to
//! ledger (session activity).

use chrono::NaiveDate;
use cordtrace_domain::Timestamp;
use cordtrace_domain::ids::{DonorId, PatientId, SessionId, UserId};
use cordtrace_domain::values::Label;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
};

use crate::entity::{donor_personal, patient_personal, user_credential, user_session};
use crate::error::CommandError;

/// A donor's personal data, as entered by a technician. Readable by technicians and QA only.
/// Its texts are [`Label`]s, so they hold nothing unsafe to print.
#[derive(Clone, PartialEq, Eq)]
pub struct DonorPersonalData {
    /// Full name.
    pub full_name: Label,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// The hospital's record number.
    pub hospital_record_number: Option<Label>,
    /// How to reach her.
    pub contact: Option<Label>,
}

/// Personal data stays out of logs, even through Debug.
impl std::fmt::Debug for DonorPersonalData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DonorPersonalData(<redacted>)")
    }
}

/// A patient's personal data, as entered by a clinician. Readable by clinicians only. Its texts
/// are [`Label`]s, so they hold nothing unsafe to print.
#[derive(Clone, PartialEq, Eq)]
pub struct PatientPersonalData {
    /// Full name.
    pub full_name: Label,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// The hospital's record number.
    pub hospital_record_number: Option<Label>,
    /// The id on the wristband, exactly as a bedside scan's lookup key reads it (the number of
    /// an ISBT 128 `&#` structure, or the plain id).
    pub wristband_id: String,
}

/// Personal data stays out of logs, even through Debug.
impl std::fmt::Debug for PatientPersonalData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PatientPersonalData(<redacted>)")
    }
}

/// A write outside the ledgered state, made in the command's transaction.
///
/// These tables hold what must not enter the indelible ledger (password hashes, session tokens,
/// personal data) or what changes too often to ledger (session activity).
pub enum SideWrite {
    /// Sets a user's password hash.
    Credential {
        /// The user.
        user_id: UserId,
        /// The argon2id PHC string.
        password_hash: String,
    },
    /// Opens a session.
    SessionOpened {
        /// The session.
        session_id: SessionId,
        /// The user.
        user_id: UserId,
        /// SHA-256 of the token, hex.
        token_hash: String,
        /// The absolute end of the session.
        expires_at: Timestamp,
    },
    /// Ends a session (a logout). An ended session stays ended: its end is never moved.
    SessionEnded {
        /// The session.
        session_id: SessionId,
    },
    /// Ends every open session of a user, for good: what deactivation, an admin's password
    /// reset and a lock do (see [`Event::ends_sessions_of`]). A later reactivation, unlock or
    /// expiry of the lock opens none of them again; the user signs in anew.
    ///
    /// [`Event::ends_sessions_of`]: cordtrace_domain::Event::ends_sessions_of
    UserSessionsEnded {
        /// The user.
        user_id: UserId,
    },
    /// Stores a donor's personal data, apart from the ledger.
    DonorPersonal {
        /// The donor.
        donor_id: DonorId,
        /// The data.
        data: DonorPersonalData,
    },
    /// Stores a patient's personal data, apart from the ledger.
    PatientPersonal {
        /// The patient.
        patient_id: PatientId,
        /// The data.
        data: PatientPersonalData,
    },
    /// Sets every personal column of a donor's row to NULL and marks it redacted, so nothing
    /// of her personal data remains in any table.
    DonorPersonalRedacted {
        /// The donor.
        donor_id: DonorId,
        /// The time of the ledger entry that records the redaction.
        redacted_at: Timestamp,
    },
    /// Sets every personal column of a patient's row to NULL (the wristband id too, so no
    /// bedside scan finds the patient any more) and marks it redacted.
    PatientPersonalRedacted {
        /// The patient.
        patient_id: PatientId,
        /// The time of the ledger entry that records the redaction.
        redacted_at: Timestamp,
    },
}

impl SideWrite {
    /// Writes it in the command's transaction, at the command's time `now` (the time of its
    /// ledger entries, which a replayed history sets).
    pub(crate) async fn write(
        self,
        txn: &DatabaseTransaction,
        now: Timestamp,
    ) -> Result<(), CommandError> {
        let now = now.as_datetime();
        match self {
            SideWrite::Credential {
                user_id,
                password_hash,
            } => {
                let row = user_credential::ActiveModel {
                    user_id: Set(user_id.as_uuid()),
                    password_hash: Set(password_hash),
                    changed_at: Set(now),
                };
                user_credential::Entity::insert(row)
                    .on_conflict(
                        OnConflict::column(user_credential::Column::UserId)
                            .update_columns([
                                user_credential::Column::PasswordHash,
                                user_credential::Column::ChangedAt,
                            ])
                            .to_owned(),
                    )
                    .exec(txn)
                    .await?;
            }
            SideWrite::SessionOpened {
                session_id,
                user_id,
                token_hash,
                expires_at,
            } => {
                let row = user_session::ActiveModel {
                    id: Set(session_id.as_uuid()),
                    token_hash: Set(token_hash),
                    user_id: Set(user_id.as_uuid()),
                    created_at: Set(now),
                    last_seen_at: Set(now),
                    expires_at: Set(expires_at.as_datetime()),
                    ended_at: Set(None),
                };
                user_session::Entity::insert(row).exec(txn).await?;
            }
            SideWrite::SessionEnded { session_id } => {
                user_session::Entity::update_many()
                    .col_expr(user_session::Column::EndedAt, Expr::value(Some(now)))
                    .filter(user_session::Column::Id.eq(session_id.as_uuid()))
                    .filter(user_session::Column::EndedAt.is_null())
                    .exec(txn)
                    .await?;
            }
            SideWrite::UserSessionsEnded { user_id } => {
                user_session::Entity::update_many()
                    .col_expr(user_session::Column::EndedAt, Expr::value(Some(now)))
                    .filter(user_session::Column::UserId.eq(user_id.as_uuid()))
                    .filter(user_session::Column::EndedAt.is_null())
                    .exec(txn)
                    .await?;
            }
            SideWrite::DonorPersonal { donor_id, data } => {
                let row = donor_personal::ActiveModel {
                    donor_id: Set(donor_id.as_uuid()),
                    full_name: Set(Some(data.full_name.into())),
                    date_of_birth: Set(data.date_of_birth),
                    hospital_record_number: Set(data.hospital_record_number.map(String::from)),
                    contact: Set(data.contact.map(String::from)),
                    redacted_at: Set(None),
                };
                donor_personal::Entity::insert(row).exec(txn).await?;
            }
            SideWrite::PatientPersonal { patient_id, data } => {
                let row = patient_personal::ActiveModel {
                    patient_id: Set(patient_id.as_uuid()),
                    full_name: Set(Some(data.full_name.into())),
                    date_of_birth: Set(data.date_of_birth),
                    hospital_record_number: Set(data.hospital_record_number.map(String::from)),
                    wristband_id: Set(Some(data.wristband_id)),
                    redacted_at: Set(None),
                };
                patient_personal::Entity::insert(row).exec(txn).await?;
            }
            SideWrite::DonorPersonalRedacted {
                donor_id,
                redacted_at,
            } => {
                // Every field is named, so a personal column added later cannot be forgotten.
                let blank = donor_personal::ActiveModel {
                    donor_id: NotSet,
                    full_name: Set(None),
                    date_of_birth: Set(None),
                    hospital_record_number: Set(None),
                    contact: Set(None),
                    redacted_at: Set(Some(redacted_at.as_datetime())),
                };
                let result = donor_personal::Entity::update_many()
                    .set(blank)
                    .filter(donor_personal::Column::DonorId.eq(donor_id.as_uuid()))
                    .filter(donor_personal::Column::RedactedAt.is_null())
                    .exec(txn)
                    .await?;
                expect_one_redacted(result.rows_affected, "donor_personal", donor_id)?;
            }
            SideWrite::PatientPersonalRedacted {
                patient_id,
                redacted_at,
            } => {
                // Every field is named, so a personal column added later cannot be forgotten.
                let blank = patient_personal::ActiveModel {
                    patient_id: NotSet,
                    full_name: Set(None),
                    date_of_birth: Set(None),
                    hospital_record_number: Set(None),
                    wristband_id: Set(None),
                    redacted_at: Set(Some(redacted_at.as_datetime())),
                };
                let result = patient_personal::Entity::update_many()
                    .set(blank)
                    .filter(patient_personal::Column::PatientId.eq(patient_id.as_uuid()))
                    .filter(patient_personal::Column::RedactedAt.is_null())
                    .exec(txn)
                    .await?;
                expect_one_redacted(result.rows_affected, "patient_personal", patient_id)?;
            }
        }
        Ok(())
    }
}

/// The domain refuses a second redaction, so exactly one unredacted row must have been blanked;
/// anything else means the personal table disagrees with the ledger, and the command rolls back
/// rather than record a redaction that did not happen.
fn expect_one_redacted(
    rows_affected: u64,
    table: &str,
    id: impl std::fmt::Display,
) -> Result<(), CommandError> {
    if rows_affected == 1 {
        Ok(())
    } else {
        Err(CommandError::Corrupt(format!(
            "{table} has no unredacted row for {id}"
        )))
    }
}
