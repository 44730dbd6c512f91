//! The warnings a unit's label carries (FACT-JACIE container label, 21 CFR 1271.370), decided
//! from the unit's status, its donors' eligibility and its allocation, so every document that
//! prints a label prints the same ones.

use super::donor::Donor;
use super::unit::UnitStatus;

/// A warning printed on a unit label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LabelWarning {
    /// The unit's lot awaits its disposition, or a donor's eligibility is not determined.
    Quarantine,
    /// A donor's eligibility is not determined (21 CFR 1271.60(d)).
    NotEvaluatedForInfectiousSubstances,
    /// A donor was determined ineligible: the biohazard legend (21 CFR 1271.65(b)).
    Biohazard,
    /// A donor was determined ineligible.
    AdviseCommunicableDiseaseRisks,
    /// The unit is recalled, held or rejected: it must not be used while so.
    DoNotUse,
    /// The unit is allocated to one patient.
    IntendedRecipientOnly,
}

impl LabelWarning {
    /// The words printed.
    pub fn text(self) -> &'static str {
        match self {
            Self::Quarantine => "QUARANTINE",
            Self::NotEvaluatedForInfectiousSubstances => "NOT EVALUATED FOR INFECTIOUS SUBSTANCES",
            Self::Biohazard => "BIOHAZARD",
            Self::AdviseCommunicableDiseaseRisks => {
                "WARNING: Advise patient of communicable disease risks"
            }
            Self::DoNotUse => "DO NOT USE: recalled, on hold or rejected",
            Self::IntendedRecipientOnly => "FOR USE BY INTENDED RECIPIENT ONLY",
        }
    }
}

/// The warnings of a unit with `status`, made from `donors`, allocated to a patient or not, in
/// the order a label prints them.
pub fn label_warnings(status: UnitStatus, donors: &[&Donor], allocated: bool) -> Vec<LabelWarning> {
    let undetermined = donors.iter().any(|donor| donor.eligibility.is_none());
    let ineligible = donors.iter().any(|donor| donor.is_ineligible());
    let mut warnings = Vec::new();
    if status == UnitStatus::Quarantine || undetermined {
        warnings.push(LabelWarning::Quarantine);
    }
    if undetermined {
        warnings.push(LabelWarning::NotEvaluatedForInfectiousSubstances);
    }
    if ineligible {
        warnings.push(LabelWarning::Biohazard);
        warnings.push(LabelWarning::AdviseCommunicableDiseaseRisks);
    }
    if matches!(
        status,
        UnitStatus::Recalled | UnitStatus::OnHold | UnitStatus::Rejected
    ) {
        warnings.push(LabelWarning::DoNotUse);
    }
    if allocated {
        warnings.push(LabelWarning::IntendedRecipientOnly);
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DonorId, UserId};
    use crate::manufacturing::donor::{Determination, DonorKey, EligibilityStatus};
    use crate::time::Timestamp;

    fn donor(status: Option<EligibilityStatus>) -> Donor {
        let at = Timestamp::from_datetime(chrono::DateTime::UNIX_EPOCH);
        Donor {
            id: DonorId::from_uuid(uuid::Uuid::from_u128(1)),
            key: DonorKey::from_stored("DNR26-000001".to_owned()),
            consent: None,
            screening: Vec::new(),
            eligibility: status.map(|status| Determination {
                status,
                reasons: Vec::new(),
                determined_by: UserId::from_uuid(uuid::Uuid::from_u128(2)),
                determined_at: at,
            }),
            eligibility_request: None,
            registered_at: at,
            personal_data_redaction: None,
        }
    }

    #[test]
    fn each_condition_prints_its_warnings_and_a_released_unit_of_an_eligible_donor_none() {
        use LabelWarning::*;
        let eligible = donor(Some(EligibilityStatus::Eligible));
        let pending = donor(None);
        let ineligible = donor(Some(EligibilityStatus::Ineligible));
        assert!(label_warnings(UnitStatus::Released, &[&eligible], false).is_empty());
        assert_eq!(
            label_warnings(UnitStatus::Quarantine, &[&eligible], false),
            [Quarantine]
        );
        assert_eq!(
            label_warnings(UnitStatus::Released, &[&eligible, &pending], true),
            [
                Quarantine,
                NotEvaluatedForInfectiousSubstances,
                IntendedRecipientOnly
            ]
        );
        assert_eq!(
            label_warnings(UnitStatus::Recalled, &[&ineligible], false),
            [Biohazard, AdviseCommunicableDiseaseRisks, DoNotUse]
        );
    }
}
