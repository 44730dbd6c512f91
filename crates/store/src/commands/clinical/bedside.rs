//! The bedside check: every check is recorded, accepted or refused.

use cordtrace_domain::clinical::commands::bedside;
use cordtrace_domain::clinical::{BedsideOutcome, BedsideScans};
use cordtrace_domain::ids::BedsideCheckId;
use cordtrace_domain::{Refusal, State};

use super::ClinicalPolicy;
use super::load as clinical_load;
use crate::error::CommandError;
use crate::executor::{Command, CommandContext, Decision};
use crate::projection::clinical::orders::OrderFilter;
use crate::projection::clinical::patients as patient_rows;
use crate::projection::materials::load_products;
use crate::projection::units::UnitFilter;

/// Checks the scanned unit and wristband against the record and records the check.
///
/// The unit is looked up by the scanned DIN (with its lot and the lot's donors, its allocation
/// and that order, its thaw, latest check and administration); the wristband's lookup key in
/// the personal-data table, giving the patient (with weights and orders). The wristband itself
/// is neither recorded nor returned.
pub struct CheckAtBedside {
    /// The new check's id.
    pub check_id: BedsideCheckId,
    /// What the scanners read, already parsed (problems are findings, not errors).
    pub scans: BedsideScans,
    /// The limits in force and the facility's time zone.
    pub policy: ClinicalPolicy,
}

impl Command for CheckAtBedside {
    type Output = BedsideOutcome;
    const NAME: &'static str = "bedside_check";

    async fn decide(
        self,
        context: &CommandContext<'_>,
    ) -> Result<Decision<BedsideOutcome>, CommandError> {
        let txn = context.txn;
        let mut state = State::default();
        let mut label_time = context.now;
        if let Some((din, product_code)) = self.scans.unit_key() {
            clinical_load::units_with_records(txn, &mut state, UnitFilter::Din(din)).await?;
            state.products = load_products(txn).await?;
            if let Some(unit) = state
                .units
                .values()
                .find(|unit| unit.product_code == product_code)
            {
                label_time = unit.expires_at;
            }
        }
        let patient_id = match self.scans.wristband() {
            Some(wristband) => patient_rows::by_wristband(txn, wristband.lookup_key()).await?,
            None => None,
        };
        if let Some(patient_id) = patient_id {
            clinical_load::orders(txn, &mut state, OrderFilter::Patients(vec![patient_id])).await?;
            clinical_load::patients(txn, &mut state, [patient_id]).await?;
        }
        let decision = bedside::check(
            &state,
            &context.actor,
            self.check_id,
            &self.scans,
            patient_id,
            &self.policy.bedside(label_time),
            context.now,
        )
        .map_err(Refusal::from)?;
        Ok(Decision::new(state, decision.events, decision.outcome))
    }
}
