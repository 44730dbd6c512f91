//! Donor commands.

use chrono::NaiveDate;
use cordtrace_domain::ids::DonorId;
use cordtrace_domain::manufacturing::commands::donors;
use cordtrace_domain::manufacturing::{
    Consent, DonorKey, EligibilityStatus, ScreeningPolicy, ScreeningTest,
};
use cordtrace_domain::redaction::RedactionReason;
use cordtrace_domain::signature::Signature;
use cordtrace_domain::values::{Label, Narrative};
use cordtrace_domain::{Refusal, State};

use crate::commands::load;
use crate::error::CommandError;
use crate::executor::{Command, CommandContext, Decision};
use crate::projection::donors as donor_rows;
use crate::side_write::{DonorPersonalData, SideWrite};

/// Registers a donor and stores her personal data apart from the ledger.
pub struct RegisterDonor {
    /// The new donor's id.
    pub donor_id: DonorId,
    /// Her personal data.
    pub personal: DonorPersonalData,
}

impl Command for RegisterDonor {
    type Output = DonorKey;
    const NAME: &'static str = "register_donor";

    async fn decide(
        self,
        context: &CommandContext<'_>,
    ) -> Result<Decision<DonorKey>, CommandError> {
        let year = load::year_2digit(context.now);
        let sequence = donor_rows::last_key_sequence(context.txn, year).await? + 1;
        let key = DonorKey::new(year, sequence);
        let events =
            donors::register(&context.actor, self.donor_id, key.clone()).map_err(Refusal::from)?;
        Ok(
            Decision::new(State::default(), events, key).with_side_write(
                SideWrite::DonorPersonal {
                    donor_id: self.donor_id,
                    data: self.personal,
                },
            ),
        )
    }
}

async fn donor_state(
    context: &CommandContext<'_>,
    donor_id: DonorId,
) -> Result<State, CommandError> {
    let mut state = State::default();
    load::donors(context.txn, &mut state, [donor_id]).await?;
    load::donations_of_donor(context.txn, &mut state, donor_id).await?;
    Ok(state)
}

/// Records consent.
pub struct RecordConsent {
    /// The donor.
    pub donor_id: DonorId,
    /// The consent.
    pub consent: Consent,
}

impl Command for RecordConsent {
    type Output = ();
    const NAME: &'static str = "record_consent";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let state = donor_state(context, self.donor_id).await?;
        let events = donors::record_consent(&state, &context.actor, self.donor_id, self.consent)
            .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}

/// Records a withdrawal of consent.
pub struct WithdrawConsent {
    /// The donor.
    pub donor_id: DonorId,
    /// When.
    pub withdrawn_on: NaiveDate,
    /// Why.
    pub reason: Narrative,
}

impl Command for WithdrawConsent {
    type Output = ();
    const NAME: &'static str = "withdraw_consent";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let state = donor_state(context, self.donor_id).await?;
        let events = donors::withdraw_consent(
            &state,
            &context.actor,
            self.donor_id,
            self.withdrawn_on,
            self.reason,
        )
        .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}

/// Records a screening result.
pub struct RecordScreening {
    /// The donor.
    pub donor_id: DonorId,
    /// The test.
    pub test: ScreeningTest,
    /// Markers and window.
    pub policy: ScreeningPolicy,
}

impl Command for RecordScreening {
    type Output = ();
    const NAME: &'static str = "record_screening";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let state = donor_state(context, self.donor_id).await?;
        let events = donors::record_screening(
            &state,
            &context.actor,
            self.donor_id,
            self.test,
            &self.policy,
        )
        .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}

/// A technician requests QA's eligibility determination for a donor whose record is complete.
pub struct RequestEligibility {
    /// The donor.
    pub donor_id: DonorId,
    /// Markers and window.
    pub policy: ScreeningPolicy,
}

impl Command for RequestEligibility {
    type Output = ();
    const NAME: &'static str = "request_eligibility";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let state = donor_state(context, self.donor_id).await?;
        let events =
            donors::request_eligibility(&state, &context.actor, self.donor_id, &self.policy)?;
        Ok(Decision::new(state, events, ()))
    }
}

/// QA determines eligibility, signed.
pub struct DetermineEligibility {
    /// The donor.
    pub donor_id: DonorId,
    /// The decision.
    pub status: EligibilityStatus,
    /// The reasons.
    pub reasons: Vec<Label>,
    /// Markers and window.
    pub policy: ScreeningPolicy,
    /// The re-checked signature.
    pub signature: Signature,
}

impl Command for DetermineEligibility {
    type Output = ();
    const NAME: &'static str = "determine_eligibility";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let state = donor_state(context, self.donor_id).await?;
        let events = donors::determine_eligibility(
            &state,
            &context.actor,
            self.donor_id,
            self.status,
            self.reasons,
            &self.policy,
        )?;
        let signature =
            load::signature(context.txn, context.actor, self.signature, context.now).await?;
        Ok(Decision::new(state, events, ()).signed(signature))
    }
}

/// QA redacts a donor's personal data, signed: one ledger entry with the donor's id and the
/// coded reason, and her row in `donor_personal` blanked in the same transaction.
pub struct RedactDonorPersonalData {
    /// The donor.
    pub donor_id: DonorId,
    /// Why.
    pub reason: RedactionReason,
    /// The re-checked signature.
    pub signature: Signature,
}

impl Command for RedactDonorPersonalData {
    type Output = ();
    const NAME: &'static str = "redact_donor_personal_data";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let mut state = State::default();
        load::donors(context.txn, &mut state, [self.donor_id]).await?;
        let events = donors::redact_personal_data(
            &state,
            &context.actor,
            &self.signature,
            self.donor_id,
            self.reason,
        )
        .map_err(Refusal::from)?;
        let signature =
            load::signature(context.txn, context.actor, self.signature, context.now).await?;
        Ok(Decision::new(state, events, ())
            .signed(signature)
            .with_side_write(SideWrite::DonorPersonalRedacted {
                donor_id: self.donor_id,
                redacted_at: context.now,
            }))
    }
}
