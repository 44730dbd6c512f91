//! `donor`: current state of each donor (a ledger projection; no personal data).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "donor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub donor_key: String,
    pub consent_form_id: Option<String>,
    pub consent_form_version: Option<String>,
    pub consent_signed_on: Option<Date>,
    pub consent_therapy: Option<bool>,
    pub consent_research: Option<bool>,
    pub consent_withdrawn_on: Option<Date>,
    pub consent_withdrawal_reason: Option<String>,
    pub eligibility_status: Option<String>,
    pub eligibility_reasons: Option<String>,
    pub eligibility_determined_by: Option<Uuid>,
    pub eligibility_determined_at: Option<DateTimeUtc>,
    pub eligibility_requested_by: Option<Uuid>,
    pub eligibility_requested_at: Option<DateTimeUtc>,
    pub registered_at: DateTimeUtc,
    pub personal_data_redacted_at: Option<DateTimeUtc>,
    pub personal_data_redaction_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
