//! GraphQL counterparts of donors, their personal data, and cord donations, with the flags that
//! follow a donor's material wherever it appears.

use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use cordtrace_domain::manufacturing::{
    Consent, Determination, Donation, Donor, Receipt, ScreeningTest,
};
use cordtrace_store::queries::donors::DonorPersonalRecord;
use uuid::Uuid;

use super::loaders::{DonationsOf, EligibilitySignatureOf, PersonalDataOf, loader};
use crate::error::{ApiError, ApiResult};
use crate::ledger::LedgerSignature;
use crate::production::{ArrivalCondition, DonorEligibilityState};
use crate::redaction::PersonalDataRedactionObject;

/// Why a donor's material may not be used as it stands. Shown on the donor, on each of her
/// donations, and on anything made from them.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DonorFlag {
    /// No ELIGIBLE determination stands yet: the material stays in quarantine.
    DonorEligibilityPending,
    /// The donor was determined INELIGIBLE: store the material apart and mark it.
    DonorIneligible,
    /// The donor withdrew consent: no further use of her material.
    ConsentWithdrawn,
}

/// The flags of a donor's material.
pub(crate) fn donor_flags(donor: &Donor) -> Vec<DonorFlag> {
    let mut flags = Vec::new();
    if donor.is_ineligible() {
        flags.push(DonorFlag::DonorIneligible);
    } else if !donor.is_eligible() {
        flags.push(DonorFlag::DonorEligibilityPending);
    }
    if donor.consent_withdrawn() {
        flags.push(DonorFlag::ConsentWithdrawn);
    }
    flags
}

/// A screening result.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "cordtrace_domain::manufacturing::ScreeningResult")]
pub enum ScreeningResult {
    /// Reactive.
    Reactive,
    /// Non-reactive.
    NonReactive,
    /// Indeterminate.
    Indeterminate,
}

/// A determination QA can record.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "cordtrace_domain::manufacturing::EligibilityStatus")]
pub enum EligibilityStatus {
    /// Eligible.
    Eligible,
    /// Ineligible.
    Ineligible,
}

/// What the donor consented to.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsentScope {
    /// Use for therapy.
    Therapy,
    /// Use for research.
    Research,
}

/// How a donation's DIN was entered.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "cordtrace_domain::manufacturing::DinSource")]
pub enum DinSource {
    /// Scanned from a barcode.
    Scanned,
    /// Typed with its keyboard check character.
    Typed,
    /// Assigned by cordtrace from the configured FIN.
    Assigned,
}

/// The informed consent on record.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "Consent")]
pub struct ConsentObject {
    /// The consent form.
    pub form_id: String,
    /// Its version.
    pub form_version: String,
    /// The date it was signed.
    pub signed_on: NaiveDate,
    /// What it covers.
    pub scope: Vec<ConsentScope>,
    /// When the donor withdrew, if she did.
    pub withdrawn_on: Option<NaiveDate>,
    /// Why, as recorded.
    pub withdrawal_reason: Option<String>,
}

impl From<Consent> for ConsentObject {
    fn from(consent: Consent) -> Self {
        let scope = [
            (consent.therapy, ConsentScope::Therapy),
            (consent.research, ConsentScope::Research),
        ]
        .into_iter()
        .filter_map(|(given, scope)| given.then_some(scope))
        .collect();
        Self {
            form_id: consent.form_id.into(),
            form_version: consent.form_version.into(),
            signed_on: consent.signed_on,
            scope,
            withdrawn_on: consent.withdrawal.as_ref().map(|w| w.withdrawn_on),
            withdrawal_reason: consent.withdrawal.map(|w| w.reason.into()),
        }
    }
}

/// One screening test of the birth mother's blood.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "ScreeningTest")]
pub struct ScreeningTestObject {
    /// Identity.
    pub id: Uuid,
    /// The marker, from the configured panel.
    pub marker: String,
    /// The test method.
    pub method: String,
    /// The result.
    pub result: ScreeningResult,
    /// When the specimen was taken.
    pub specimen_date: NaiveDate,
}

impl From<ScreeningTest> for ScreeningTestObject {
    fn from(test: ScreeningTest) -> Self {
        Self {
            id: test.id.as_uuid(),
            marker: test.marker.into(),
            method: test.method.into(),
            result: test.result.into(),
            specimen_date: test.specimen_date,
        }
    }
}

/// A donor's eligibility: the standing determination, if any, and its signature.
#[derive(Clone, Debug)]
pub struct EligibilityObject {
    donor: Donor,
}

#[Object(name = "Eligibility")]
impl EligibilityObject {
    /// PENDING until QA determines, and again after a reactive result revokes ELIGIBLE.
    async fn status(&self) -> DonorEligibilityState {
        match self.determination().map(|d| d.status) {
            None => DonorEligibilityState::Pending,
            Some(cordtrace_domain::manufacturing::EligibilityStatus::Eligible) => {
                DonorEligibilityState::Eligible
            }
            Some(cordtrace_domain::manufacturing::EligibilityStatus::Ineligible) => {
                DonorEligibilityState::Ineligible
            }
        }
    }

    /// The reasons recorded with the determination.
    async fn reasons(&self) -> Vec<String> {
        self.determination()
            .map(|d| d.reasons.iter().map(ToString::to_string).collect())
            .unwrap_or_default()
    }

    /// Who determined it.
    async fn determined_by(&self) -> Option<Uuid> {
        self.determination().map(|d| d.determined_by.as_uuid())
    }

    /// When.
    async fn determined_at(&self) -> Option<DateTime<Utc>> {
        self.determination().map(|d| d.determined_at.as_datetime())
    }

    /// Who asked QA for the determination still waiting; null when none waits.
    async fn requested_by(&self) -> Option<Uuid> {
        self.donor
            .eligibility_request
            .map(|request| request.requested_by.as_uuid())
    }

    /// When the waiting request was made.
    async fn requested_at(&self) -> Option<DateTime<Utc>> {
        self.donor
            .eligibility_request
            .map(|request| request.requested_at.as_datetime())
    }

    /// The electronic signature of the determination, as bound to its ledger entry.
    async fn signature(&self, ctx: &Context<'_>) -> ApiResult<Option<LedgerSignature>> {
        if self.determination().is_none() {
            return Ok(None);
        }
        Ok(loader(ctx)?
            .load_one(EligibilitySignatureOf(self.donor.id))
            .await?
            .map(LedgerSignature::from))
    }
}

impl EligibilityObject {
    fn determination(&self) -> Option<&Determination> {
        self.donor.eligibility.as_ref()
    }
}

/// A donor's personal data. Readable by technicians and QA only; everyone else gets null and a
/// FORBIDDEN error at this field.
#[derive(SimpleObject, Clone)]
#[graphql(name = "DonorPersonalData")]
pub struct PersonalDataObject {
    /// Full name; null once redacted.
    pub full_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// The hospital's record number.
    pub hospital_record_number: Option<String>,
    /// How to reach her.
    pub contact: Option<String>,
    /// When the data was redacted, if it was.
    pub redacted_at: Option<DateTime<Utc>>,
}

impl From<DonorPersonalRecord> for PersonalDataObject {
    fn from(record: DonorPersonalRecord) -> Self {
        Self {
            full_name: record.full_name,
            date_of_birth: record.date_of_birth,
            hospital_record_number: record.hospital_record_number,
            contact: record.contact,
            redacted_at: record.redacted_at.map(|t| t.as_datetime()),
        }
    }
}

/// A donor (the birth mother), known everywhere by an opaque key.
#[derive(Clone, Debug)]
pub struct DonorObject(pub(crate) Donor);

impl From<Donor> for DonorObject {
    fn from(donor: Donor) -> Self {
        Self(donor)
    }
}

#[Object(name = "Donor")]
impl DonorObject {
    /// Identity.
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }

    /// The opaque key printed on forms instead of a name, e.g. `DNR26-000001`.
    async fn key(&self) -> &str {
        self.0.key.as_str()
    }

    /// When the donor was registered.
    async fn registered_at(&self) -> DateTime<Utc> {
        self.0.registered_at.as_datetime()
    }

    /// The consent, once recorded.
    async fn consent(&self) -> Option<ConsentObject> {
        self.0.consent.clone().map(ConsentObject::from)
    }

    /// Screening results, in the order recorded.
    async fn screening(&self) -> Vec<ScreeningTestObject> {
        self.0
            .screening
            .iter()
            .cloned()
            .map(ScreeningTestObject::from)
            .collect()
    }

    /// The eligibility determination.
    async fn eligibility(&self) -> EligibilityObject {
        EligibilityObject {
            donor: self.0.clone(),
        }
    }

    /// Why her material may not be used as it stands; empty once ELIGIBLE with consent standing.
    async fn flags(&self) -> Vec<DonorFlag> {
        donor_flags(&self.0)
    }

    /// Her cord donations, in registration order.
    async fn donations(&self, ctx: &Context<'_>) -> ApiResult<Vec<DonationObject>> {
        Ok(loader(ctx)?
            .load_one(DonationsOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(DonationObject::from)
            .collect())
    }

    /// Set once QA redacted her personal data (`personalData` is then blank); everything else
    /// about her stays.
    async fn personal_data_redaction(&self) -> Option<PersonalDataRedactionObject> {
        self.0
            .personal_data_redaction
            .map(PersonalDataRedactionObject::from)
    }

    /// Her personal data: technicians and QA only (access rule `Donor.personalData`).
    async fn personal_data(&self, ctx: &Context<'_>) -> ApiResult<Option<PersonalDataObject>> {
        Ok(loader(ctx)?
            .load_one(PersonalDataOf(self.0.id))
            .await?
            .map(PersonalDataObject::from))
    }
}

/// Receipt of a donation at the lab.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "DonationReceipt")]
pub struct ReceiptObject {
    /// Who received it.
    pub received_by: Uuid,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// Temperature in the transport container, degrees Celsius, as entered (exact decimal).
    pub transport_temperature: String,
    /// The state it arrived in.
    pub condition: ArrivalCondition,
    /// Whole minutes from collection to receipt.
    pub minutes_since_collection: i32,
    /// Hours from collection to receipt, to two decimals.
    pub hours_since_collection: f64,
    /// Whether the transit exceeded the configured limit (`max_transit_hours`).
    pub over_time_limit: bool,
}

impl From<Receipt> for ReceiptObject {
    fn from(receipt: Receipt) -> Self {
        let minutes = receipt.minutes_since_collection;
        Self {
            received_by: receipt.received_by.as_uuid(),
            received_at: receipt.received_at.as_datetime(),
            transport_temperature: receipt.transport_temperature.value().to_string(),
            condition: receipt.condition.into(),
            minutes_since_collection: i32::try_from(minutes).unwrap_or(i32::MAX),
            hours_since_collection: (minutes as f64 / 60.0 * 100.0).round() / 100.0,
            over_time_limit: receipt.over_time_limit,
        }
    }
}

/// A cord donation, identified by its ISBT 128 DIN.
#[derive(Clone, Debug)]
pub struct DonationObject(pub(crate) Donation);

impl From<Donation> for DonationObject {
    fn from(donation: Donation) -> Self {
        Self(donation)
    }
}

#[Object(name = "Donation")]
impl DonationObject {
    /// Identity.
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }

    /// The 13 characters of the DIN, e.g. `A999926000001`.
    async fn din(&self) -> String {
        self.0.din.to_string()
    }

    /// The DIN as printed eye-readable: the 13 characters and the keyboard check character.
    async fn din_with_check(&self) -> String {
        self.0.din.eye_readable()
    }

    /// The ISO/IEC 7064 MOD 37-2 keyboard check character.
    async fn check_character(&self) -> String {
        self.0.din.check_character().to_string()
    }

    /// How the DIN was entered.
    async fn din_source(&self) -> DinSource {
        self.0.din_source.into()
    }

    /// The birth mother's id.
    async fn donor_id(&self) -> Uuid {
        self.0.donor_id.as_uuid()
    }

    /// The birth mother.
    async fn donor(&self, ctx: &Context<'_>) -> ApiResult<DonorObject> {
        loader(ctx)?
            .load_one(self.0.donor_id)
            .await?
            .map(DonorObject::from)
            .ok_or_else(|| ApiError::not_found(format!("donor {}", self.0.donor_id)))
    }

    /// Flags of the donor's material: her eligibility and consent, as they stand now.
    async fn flags(&self, ctx: &Context<'_>) -> ApiResult<Vec<DonorFlag>> {
        let donor = loader(ctx)?
            .load_one(self.0.donor_id)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("donor {}", self.0.donor_id)))?;
        Ok(donor_flags(&donor))
    }

    /// When the cord was recovered, RFC 3339 with the ward's UTC offset.
    async fn collected_at(&self) -> String {
        self.0.collected_at.into()
    }

    /// The same instant in UTC.
    async fn collected_at_utc(&self) -> DateTime<Utc> {
        self.0.collected_at.utc().as_datetime()
    }

    /// Where.
    async fn site(&self) -> &str {
        self.0.site.as_str()
    }

    /// Receipt at the lab, once received.
    async fn receipt(&self) -> Option<ReceiptObject> {
        self.0.receipt.clone().map(ReceiptObject::from)
    }

    /// When it was registered.
    async fn registered_at(&self) -> DateTime<Utc> {
        self.0.registered_at.as_datetime()
    }
}
