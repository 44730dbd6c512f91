//! Donors: registration, consent, screening, eligibility.

use chrono::NaiveDate;

use crate::actor::Actor;
use crate::event::Event;
use crate::ids::{DonorId, ScreeningTestId};
use crate::manufacturing::donor::{
    Consent, DonorKey, EligibilityStatus, ScreeningPolicy, ScreeningResult, ScreeningTest,
    Withdrawal,
};
use crate::manufacturing::events::{
    ConsentRecorded, ConsentWithdrawn, DonorPersonalDataRedacted, DonorRegistered,
    EligibilityDetermined, EligibilityRequested, EligibilityRevoked, ScreeningRecorded,
};
use crate::manufacturing::{Donor, ManufacturingError};
use crate::redaction::{REDACTION_MEANING, RedactionReason};
use crate::refusal::{Reason, Refusal, RefusalKind};
use crate::role::Role;
use crate::signature::Signature;
use crate::state::State;
use crate::values::{Label, Narrative};

use super::{acting_user, unknown};

const STAFF: &[Role] = &[Role::Technician, Role::Qa];

fn donor(state: &State, donor_id: DonorId) -> Result<&Donor, ManufacturingError> {
    state
        .donors
        .get(&donor_id)
        .ok_or_else(|| unknown("donor", donor_id))
}

/// Registers a donor under an opaque key; the store writes the personal data apart.
pub fn register(
    actor: &Actor,
    donor_id: DonorId,
    key: DonorKey,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, STAFF, "technician or qa")?;
    Ok(vec![Event::DonorRegistered(DonorRegistered {
        donor_id,
        key,
    })])
}

/// Records the consent.
pub fn record_consent(
    state: &State,
    actor: &Actor,
    donor_id: DonorId,
    consent: Consent,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, STAFF, "technician or qa")?;
    let donor = donor(state, donor_id)?;
    if donor.consent_withdrawn() {
        return Err(ManufacturingError::ConsentWithdrawn(
            donor.key.as_str().to_owned(),
        ));
    }
    Ok(vec![Event::ConsentRecorded(ConsentRecorded {
        donor_id,
        consent: Consent {
            withdrawal: None,
            ..consent
        },
    })])
}

/// Records a withdrawal of consent, which blocks any further use of the donor's material.
pub fn withdraw_consent(
    state: &State,
    actor: &Actor,
    donor_id: DonorId,
    withdrawn_on: NaiveDate,
    reason: Narrative,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, STAFF, "technician or qa")?;
    let donor = donor(state, donor_id)?;
    let key = donor.key.as_str().to_owned();
    match &donor.consent {
        None => Err(ManufacturingError::NoConsent(key)),
        Some(consent) if consent.withdrawal.is_some() => {
            Err(ManufacturingError::AlreadyWithdrawn(key))
        }
        Some(_) => Ok(vec![Event::ConsentWithdrawn(ConsentWithdrawn {
            donor_id,
            withdrawal: Withdrawal {
                withdrawn_on,
                reason,
            },
        })]),
    }
}

/// QA redacts the donor's personal data, signed with meaning RESPONSIBILITY (the caller
/// checks that the signer is the actor, binds the signature and blanks the personal data in the
/// same transaction). QA only: erasing a person's data is a quality decision, not a data-entry
/// step. Only the fact, its time and its coded reason are recorded; the donor, her consent,
/// screening, eligibility and donations stay. A second redaction is refused.
pub fn redact_personal_data(
    state: &State,
    actor: &Actor,
    signature: &Signature,
    donor_id: DonorId,
    reason: RedactionReason,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, &[Role::Qa], "qa")?;
    if signature.meaning != REDACTION_MEANING {
        return Err(ManufacturingError::WrongMeaning {
            expected: REDACTION_MEANING,
            found: signature.meaning,
        });
    }
    let donor = donor(state, donor_id)?;
    if donor.personal_data_redaction.is_some() {
        return Err(ManufacturingError::AlreadyRedacted(
            donor.key.as_str().to_owned(),
        ));
    }
    Ok(vec![Event::DonorPersonalDataRedacted(
        DonorPersonalDataRedacted { donor_id, reason },
    )])
}

/// The days between a specimen and the nearest recovery of the donor's cords, if any cord is
/// registered.
fn recovery_dates(state: &State, donor_id: DonorId) -> Vec<NaiveDate> {
    state
        .donations
        .values()
        .filter(|donation| donation.donor_id == donor_id)
        .map(|donation| donation.collected_at.local().date_naive())
        .collect()
}

fn within_window(specimen: NaiveDate, recovery: NaiveDate, days: i64) -> bool {
    (specimen - recovery).num_days().abs() <= days
}

/// The donor's results for `marker` from specimens within `window_days` of every recovery.
fn results_in_window<'d>(
    donor: &'d Donor,
    marker: &str,
    recoveries: &[NaiveDate],
    window_days: i64,
) -> Vec<&'d ScreeningTest> {
    donor
        .screening
        .iter()
        .filter(|test| test.marker.as_str() == marker)
        .filter(|test| {
            recoveries
                .iter()
                .all(|recovery| within_window(test.specimen_date, *recovery, window_days))
        })
        .collect()
}

/// Records a screening result. The state must hold the donor's donations, whose recovery dates
/// bound the specimen date.
pub fn record_screening(
    state: &State,
    actor: &Actor,
    donor_id: DonorId,
    test: ScreeningTest,
    policy: &ScreeningPolicy,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, STAFF, "technician or qa")?;
    let donor = donor(state, donor_id)?;
    let rule = policy
        .rule(test.marker.as_str())
        .ok_or_else(|| ManufacturingError::UnknownMarker(test.marker.as_str().to_owned()))?;
    for recovery in recovery_dates(state, donor_id) {
        if !within_window(test.specimen_date, recovery, policy.window_days) {
            return Err(ManufacturingError::SpecimenOutsideWindow {
                specimen: test.specimen_date.to_string(),
                recovery: recovery.to_string(),
                days: policy.window_days,
            });
        }
    }
    let mut events = Vec::new();
    if rule.exclusionary && test.result != ScreeningResult::NonReactive && donor.is_eligible() {
        events.push(Event::EligibilityRevoked(EligibilityRevoked {
            donor_id,
            reason: Label::parse(
                &format!("{} result for {}", result_name(test.result), rule.name),
                "reason",
            )?,
        }));
    }
    events.insert(
        0,
        Event::ScreeningRecorded(ScreeningRecorded { donor_id, test }),
    );
    Ok(events)
}

fn result_name(result: ScreeningResult) -> &'static str {
    match result {
        ScreeningResult::Reactive => "REACTIVE",
        ScreeningResult::NonReactive => "NON_REACTIVE",
        ScreeningResult::Indeterminate => "INDETERMINATE",
    }
}

/// A new screening test's id and fields.
pub fn screening_test(
    id: ScreeningTestId,
    marker: Label,
    method: Label,
    result: ScreeningResult,
    specimen_date: NaiveDate,
) -> ScreeningTest {
    ScreeningTest {
        id,
        marker,
        method,
        result,
        specimen_date,
    }
}

/// A technician asks QA to determine the donor's eligibility, once her record is complete: a
/// consent on record, a recovered cord, and for every configured marker a result from a
/// specimen within the window of every recovery (reactive or not: that is QA's to weigh).
/// Refused with every missing record listed, for a donor already determined, and while a
/// request waits. The state must hold the donor's donations.
pub fn request_eligibility(
    state: &State,
    actor: &Actor,
    donor_id: DonorId,
    policy: &ScreeningPolicy,
) -> Result<Vec<Event>, Refusal> {
    acting_user(actor, &[Role::Technician], "technician")?;
    let donor = donor(state, donor_id)?;
    if let Some(determination) = &donor.eligibility {
        return Err(Refusal::new(
            RefusalKind::Conflict,
            "ELIGIBILITY_DETERMINED",
            format!(
                "QA has determined the donor {}; a new request follows a new result",
                match determination.status {
                    EligibilityStatus::Eligible => "ELIGIBLE",
                    EligibilityStatus::Ineligible => "INELIGIBLE",
                }
            ),
        ));
    }
    if donor.eligibility_request.is_some() {
        return Err(Refusal::new(
            RefusalKind::Conflict,
            "ALREADY_REQUESTED",
            "QA's determination was requested already and is still waiting",
        ));
    }
    let mut missing = Vec::new();
    if donor.consent.is_none() {
        missing.push(Reason {
            code: "NO_CONSENT",
            message: "no consent on record".to_owned(),
        });
    }
    let recoveries = recovery_dates(state, donor_id);
    if recoveries.is_empty() {
        missing.push(Reason {
            code: "NO_DONATION",
            message: "no cord donation is registered for the donor".to_owned(),
        });
    }
    for rule in &policy.markers {
        if results_in_window(donor, &rule.name, &recoveries, policy.window_days).is_empty() {
            missing.push(Reason {
                code: "SCREENING_MISSING",
                message: format!(
                    "no {} result from a specimen within {} days of recovery",
                    rule.name, policy.window_days
                ),
            });
        }
    }
    if !missing.is_empty() {
        return Err(Refusal {
            kind: RefusalKind::Conflict,
            reasons: missing,
        });
    }
    Ok(vec![Event::EligibilityRequested(EligibilityRequested {
        donor_id,
    })])
}

/// QA determines eligibility (the caller binds the signature). ELIGIBLE is refused with every
/// unmet condition listed: consent for therapy that stands, a recovered cord, and for every
/// configured marker a result from a specimen within the window of every recovery, NON_REACTIVE
/// where the marker excludes. The state must hold the donor's donations.
pub fn determine_eligibility(
    state: &State,
    actor: &Actor,
    donor_id: DonorId,
    status: EligibilityStatus,
    reasons: Vec<Label>,
    policy: &ScreeningPolicy,
) -> Result<Vec<Event>, Refusal> {
    acting_user(actor, &[Role::Qa], "qa")?;
    let donor = donor(state, donor_id)?;
    if status == EligibilityStatus::Ineligible {
        if reasons.is_empty() {
            return Err(Refusal::new(
                RefusalKind::Validation,
                "REASON_REQUIRED",
                "an INELIGIBLE determination needs at least one reason",
            ));
        }
        return Ok(vec![Event::EligibilityDetermined(EligibilityDetermined {
            donor_id,
            status,
            reasons,
        })]);
    }
    let mut unmet = Vec::new();
    let mut push = |code: &'static str, message: String| unmet.push(Reason { code, message });
    match &donor.consent {
        None => push("NO_CONSENT", "no consent on record".to_owned()),
        Some(consent) if consent.withdrawal.is_some() => {
            push("CONSENT_WITHDRAWN", "consent was withdrawn".to_owned());
        }
        Some(consent) if !consent.therapy => {
            push("CONSENT_SCOPE", "consent does not cover therapy".to_owned());
        }
        Some(_) => {}
    }
    let recoveries = recovery_dates(state, donor_id);
    if recoveries.is_empty() {
        push(
            "NO_DONATION",
            "no cord donation is registered for the donor".to_owned(),
        );
    }
    for rule in &policy.markers {
        let in_window = results_in_window(donor, &rule.name, &recoveries, policy.window_days);
        if in_window.is_empty() {
            push(
                "SCREENING_MISSING",
                format!(
                    "no {} result from a specimen within {} days of recovery",
                    rule.name, policy.window_days
                ),
            );
        } else if rule.exclusionary
            && in_window
                .iter()
                .any(|test| test.result != ScreeningResult::NonReactive)
        {
            push(
                "SCREENING_REACTIVE",
                format!("{} is not NON_REACTIVE", rule.name),
            );
        }
    }
    if !unmet.is_empty() {
        return Err(Refusal {
            kind: RefusalKind::Conflict,
            reasons: unmet,
        });
    }
    Ok(vec![Event::EligibilityDetermined(EligibilityDetermined {
        donor_id,
        status,
        reasons,
    })])
}
