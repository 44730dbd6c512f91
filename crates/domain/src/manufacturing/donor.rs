//! Donors (birth mothers): consent, screening and eligibility. Their personal data never enters
//! the domain: it lives in its own redactable table, keyed by the donor id.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{DonorId, ScreeningTestId, UserId};
use crate::redaction::Redaction;
use crate::time::Timestamp;
use crate::values::{Label, Narrative};

/// The opaque key printed on forms instead of a name (21 CFR 1271.290(c)), e.g. `DNR26-000001`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DonorKey(String);

impl DonorKey {
    /// The key for the `sequence`-th donor registered in year `year_2digit`.
    pub fn new(year_2digit: u8, sequence: u32) -> Self {
        Self(format!("DNR{year_2digit:02}-{sequence:06}"))
    }

    /// Reads a stored key back.
    pub fn from_stored(key: String) -> Self {
        Self(key)
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The informed consent on record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// The consent form.
    pub form_id: Label,
    /// Its version.
    pub form_version: Label,
    /// The date it was signed.
    pub signed_on: NaiveDate,
    /// Consent to use for therapy.
    pub therapy: bool,
    /// Consent to use for research.
    pub research: bool,
    /// Set once the donor withdraws.
    pub withdrawal: Option<Withdrawal>,
}

/// A withdrawal of consent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    /// When the donor withdrew.
    pub withdrawn_on: NaiveDate,
    /// Why, as recorded.
    pub reason: Narrative,
}

/// A screening result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ScreeningResult {
    /// Reactive.
    Reactive,
    /// Non-reactive.
    NonReactive,
    /// Indeterminate.
    Indeterminate,
}

/// One screening test of the birth mother's blood.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreeningTest {
    /// Identity.
    pub id: ScreeningTestId,
    /// The marker, from the configured list.
    pub marker: Label,
    /// The test method.
    pub method: Label,
    /// The result.
    pub result: ScreeningResult,
    /// When the specimen was taken.
    pub specimen_date: NaiveDate,
}

/// A donor eligibility determination (21 CFR 1271.50).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EligibilityStatus {
    /// Eligible.
    Eligible,
    /// Ineligible.
    Ineligible,
}

/// A signed eligibility determination.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Determination {
    /// The decision.
    pub status: EligibilityStatus,
    /// The reasons (required for INELIGIBLE).
    pub reasons: Vec<Label>,
    /// Who determined it.
    pub determined_by: UserId,
    /// When.
    pub determined_at: Timestamp,
}

/// A technician's request that QA determine a donor's eligibility, made once her record is
/// complete (consent, a recovered cord, every marker of the panel).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityRequest {
    /// Who asked.
    pub requested_by: UserId,
    /// When.
    pub requested_at: Timestamp,
}

/// A donor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Donor {
    /// Identity.
    pub id: DonorId,
    /// The opaque key.
    pub key: DonorKey,
    /// The consent, once recorded.
    pub consent: Option<Consent>,
    /// Screening results, in the order recorded.
    pub screening: Vec<ScreeningTest>,
    /// The current determination; `None` while pending.
    pub eligibility: Option<Determination>,
    /// The request for a determination still waiting for QA; a determination answers it.
    pub eligibility_request: Option<EligibilityRequest>,
    /// When the donor was registered.
    pub registered_at: Timestamp,
    /// Set once her personal data is redacted; the donor and her record stay.
    pub personal_data_redaction: Option<Redaction>,
}

impl Donor {
    /// Whether a determination of ELIGIBLE stands.
    pub fn is_eligible(&self) -> bool {
        self.eligibility
            .as_ref()
            .is_some_and(|d| d.status == EligibilityStatus::Eligible)
    }

    /// Whether a determination of INELIGIBLE stands.
    pub fn is_ineligible(&self) -> bool {
        self.eligibility
            .as_ref()
            .is_some_and(|d| d.status == EligibilityStatus::Ineligible)
    }

    /// Whether the donor withdrew consent.
    pub fn consent_withdrawn(&self) -> bool {
        self.consent
            .as_ref()
            .is_some_and(|c| c.withdrawal.is_some())
    }
}

/// One screening marker and whether a reactive result excludes the donor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkerRule {
    /// The marker's name as recorded, e.g. `HIV-1/2`.
    pub name: String,
    /// Whether anything but NON_REACTIVE makes the donor ineligible (CMV, for one, does not).
    pub exclusionary: bool,
}

/// The screening rules an installation configures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScreeningPolicy {
    /// The markers that must be tested.
    pub markers: Vec<MarkerRule>,
    /// How many days a specimen may be from the cord's recovery (21 CFR 1271.80: 7).
    pub window_days: i64,
}

impl Default for ScreeningPolicy {
    /// The 21 CFR 1271.80/.85 panel for a cord donor, tested on the birth mother's blood.
    fn default() -> Self {
        let exclusionary = |name: &str| MarkerRule {
            name: name.to_owned(),
            exclusionary: true,
        };
        Self {
            markers: vec![
                exclusionary("HIV-1/2"),
                exclusionary("HBsAg"),
                exclusionary("anti-HBc"),
                exclusionary("HBV NAT"),
                exclusionary("anti-HCV"),
                exclusionary("HCV NAT"),
                exclusionary("HIV NAT"),
                exclusionary("HTLV-I/II"),
                exclusionary("syphilis"),
                MarkerRule {
                    name: "CMV".to_owned(),
                    exclusionary: false,
                },
            ],
            window_days: 7,
        }
    }
}

impl ScreeningPolicy {
    /// The rule for `marker`, if it is configured.
    pub fn rule(&self, marker: &str) -> Option<&MarkerRule> {
        self.markers.iter().find(|rule| rule.name == marker)
    }
}
