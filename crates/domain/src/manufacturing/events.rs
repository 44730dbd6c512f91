//! Events of the manufacturing record and how each changes the state.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::event::{EventMeta, EventPayload};
use crate::ids::{
    DeviationId, DonationId, DonorId, EquipmentId, HandoffId, LotId, MaterialLotId, StepId, UnitId,
    UserId,
};
use crate::isbt128::{Din, ProductCode};
use crate::redaction::{Redaction, RedactionReason};
use crate::state::{ApplyError, State};
use crate::subject::{Subject, SubjectKind};
use crate::time::Timestamp;
use crate::values::{CellCount, Celsius, Label, Millilitres, Narrative, ZonedTime};

use super::deviation::{Closure, Deviation, Severity};
use super::donation::{ArrivalCondition, DinSource, Donation, Receipt};
use super::donor::{
    Consent, Determination, Donor, DonorKey, EligibilityRequest, EligibilityStatus, ScreeningTest,
    Withdrawal,
};
use super::lot::{CellBankLevel, Lot, LotCode, LotKind, LotStatus};
use super::material::{Equipment, MaterialLot, MaterialQcStatus, ProductDefinition};
use super::step::{Measurement, ProcessingStep, StepKind};
use super::unit::{Container, Custody, LabelFormat, StorageLocation, Unit, UnitStatus};

fn subject(kind: SubjectKind, id: impl std::fmt::Display) -> Subject {
    Subject::new(kind, id)
}

fn missing(kind: &'static str, id: impl std::fmt::Display) -> ApplyError {
    ApplyError::Missing {
        kind,
        id: id.to_string(),
    }
}

fn duplicate(kind: &'static str, id: impl std::fmt::Display) -> ApplyError {
    ApplyError::Duplicate {
        kind,
        id: id.to_string(),
    }
}

fn actor_user(meta: &EventMeta) -> Result<UserId, ApplyError> {
    meta.actor.user_id().ok_or(ApplyError::Missing {
        kind: "user actor",
        id: meta.seq.to_string(),
    })
}

macro_rules! payload {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$fdoc])* pub $field: $ty,)*
        }
    };
}

payload!(
    /// A donor was registered (personal data goes to its own table, not here).
    DonorRegistered {
        /// The donor.
        donor_id: DonorId,
        /// The opaque key.
        key: DonorKey,
    }
);

impl EventPayload for DonorRegistered {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Donor, self.donor_id)]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.donors.contains_key(&self.donor_id) {
            return Err(duplicate("donor", self.donor_id));
        }
        state.donors.insert(
            self.donor_id,
            Donor {
                id: self.donor_id,
                key: self.key.clone(),
                consent: None,
                screening: Vec::new(),
                eligibility: None,
                eligibility_request: None,
                registered_at: meta.recorded_at,
                personal_data_redaction: None,
            },
        );
        Ok(())
    }
}

payload!(
    /// The donor's consent was recorded.
    ConsentRecorded {
        /// The donor.
        donor_id: DonorId,
        /// The consent.
        consent: Consent,
    }
);

impl EventPayload for ConsentRecorded {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Donor, self.donor_id)]
    }

    fn apply(&self, state: &mut State, _meta: &EventMeta) -> Result<(), ApplyError> {
        let donor = state
            .donors
            .get_mut(&self.donor_id)
            .ok_or_else(|| missing("donor", self.donor_id))?;
        donor.consent = Some(self.consent.clone());
        Ok(())
    }
}

payload!(
    /// The donor withdrew consent: nothing of theirs may be used further.
    ConsentWithdrawn {
        /// The donor.
        donor_id: DonorId,
        /// The withdrawal.
        withdrawal: Withdrawal,
    }
);

impl EventPayload for ConsentWithdrawn {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Donor, self.donor_id)]
    }

    fn apply(&self, state: &mut State, _meta: &EventMeta) -> Result<(), ApplyError> {
        let donor = state
            .donors
            .get_mut(&self.donor_id)
            .ok_or_else(|| missing("donor", self.donor_id))?;
        let consent = donor
            .consent
            .as_mut()
            .ok_or_else(|| missing("consent", self.donor_id))?;
        consent.withdrawal = Some(self.withdrawal.clone());
        Ok(())
    }
}

payload!(
    /// A screening result was recorded.
    ScreeningRecorded {
        /// The donor.
        donor_id: DonorId,
        /// The test.
        test: ScreeningTest,
    }
);

impl EventPayload for ScreeningRecorded {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Donor, self.donor_id)]
    }

    fn apply(&self, state: &mut State, _meta: &EventMeta) -> Result<(), ApplyError> {
        let donor = state
            .donors
            .get_mut(&self.donor_id)
            .ok_or_else(|| missing("donor", self.donor_id))?;
        donor.screening.push(self.test.clone());
        Ok(())
    }
}

payload!(
    /// QA determined the donor's eligibility (signed).
    EligibilityDetermined {
        /// The donor.
        donor_id: DonorId,
        /// The decision.
        status: EligibilityStatus,
        /// The reasons.
        reasons: Vec<Label>,
    }
);

impl EventPayload for EligibilityDetermined {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Donor, self.donor_id)]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        let determined_by = actor_user(meta)?;
        let donor = state
            .donors
            .get_mut(&self.donor_id)
            .ok_or_else(|| missing("donor", self.donor_id))?;
        donor.eligibility = Some(Determination {
            status: self.status,
            reasons: self.reasons.clone(),
            determined_by,
            determined_at: meta.recorded_at,
        });
        donor.eligibility_request = None;
        Ok(())
    }
}

payload!(
    /// A technician asked QA to determine the donor's eligibility: her record is complete.
    EligibilityRequested {
        /// The donor.
        donor_id: DonorId,
    }
);

impl EventPayload for EligibilityRequested {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Donor, self.donor_id)]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        let requested_by = actor_user(meta)?;
        let donor = state
            .donors
            .get_mut(&self.donor_id)
            .ok_or_else(|| missing("donor", self.donor_id))?;
        donor.eligibility_request = Some(EligibilityRequest {
            requested_by,
            requested_at: meta.recorded_at,
        });
        Ok(())
    }
}

payload!(
    /// A standing ELIGIBLE determination no longer holds (a reactive result arrived).
    EligibilityRevoked {
        /// The donor.
        donor_id: DonorId,
        /// Why.
        reason: Label,
    }
);

impl EventPayload for EligibilityRevoked {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Donor, self.donor_id)]
    }

    fn apply(&self, state: &mut State, _meta: &EventMeta) -> Result<(), ApplyError> {
        let donor = state
            .donors
            .get_mut(&self.donor_id)
            .ok_or_else(|| missing("donor", self.donor_id))?;
        donor.eligibility = None;
        Ok(())
    }
}

payload!(
    /// QA redacted the donor's personal data (signed). The entry names the donor by id and the
    /// reason by code; the personal data itself never reaches the ledger.
    DonorPersonalDataRedacted {
        /// The donor.
        donor_id: DonorId,
        /// Why.
        reason: RedactionReason,
    }
);

impl EventPayload for DonorPersonalDataRedacted {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Donor, self.donor_id)]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        let donor = state
            .donors
            .get_mut(&self.donor_id)
            .ok_or_else(|| missing("donor", self.donor_id))?;
        if donor.personal_data_redaction.is_some() {
            return Err(duplicate("personal data redaction of donor", self.donor_id));
        }
        donor.personal_data_redaction = Some(Redaction {
            reason: self.reason,
            redacted_at: meta.recorded_at,
        });
        Ok(())
    }
}

payload!(
    /// A cord donation was registered under its DIN.
    DonationRegistered {
        /// The donation.
        donation_id: DonationId,
        /// The birth mother.
        donor_id: DonorId,
        /// The DIN.
        din: Din,
        /// How the DIN was entered.
        din_source: DinSource,
        /// Recovery time with the ward's offset.
        collected_at: ZonedTime,
        /// Where.
        site: Label,
    }
);

impl EventPayload for DonationRegistered {
    fn subjects(&self) -> Vec<Subject> {
        vec![
            subject(SubjectKind::Donation, self.donation_id),
            subject(SubjectKind::Donor, self.donor_id),
        ]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.donations.contains_key(&self.donation_id) {
            return Err(duplicate("donation", self.donation_id));
        }
        if !state.donors.contains_key(&self.donor_id) {
            return Err(missing("donor", self.donor_id));
        }
        state.donations.insert(
            self.donation_id,
            Donation {
                id: self.donation_id,
                din: self.din,
                din_source: self.din_source,
                donor_id: self.donor_id,
                collected_at: self.collected_at,
                site: self.site.clone(),
                receipt: None,
                registered_at: meta.recorded_at,
            },
        );
        Ok(())
    }
}

payload!(
    /// The donation arrived at the lab.
    DonationReceived {
        /// The donation.
        donation_id: DonationId,
        /// The receipt.
        receipt: Receipt,
    }
);

impl EventPayload for DonationReceived {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Donation, self.donation_id)]
    }

    fn apply(&self, state: &mut State, _meta: &EventMeta) -> Result<(), ApplyError> {
        let donation = state
            .donations
            .get_mut(&self.donation_id)
            .ok_or_else(|| missing("donation", self.donation_id))?;
        donation.receipt = Some(self.receipt.clone());
        Ok(())
    }
}

payload!(
    /// A material lot was received into quarantine.
    MaterialLotRegistered {
        /// The material lot.
        material_lot_id: MaterialLotId,
        /// What it is.
        material: Label,
        /// Who made it.
        supplier: Label,
        /// The supplier's lot number.
        supplier_lot: Label,
        /// Expiry date.
        expires_on: NaiveDate,
    }
);

impl EventPayload for MaterialLotRegistered {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::MaterialLot, self.material_lot_id)]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.material_lots.contains_key(&self.material_lot_id) {
            return Err(duplicate("material lot", self.material_lot_id));
        }
        state.material_lots.insert(
            self.material_lot_id,
            MaterialLot {
                id: self.material_lot_id,
                material: self.material.clone(),
                supplier: self.supplier.clone(),
                supplier_lot: self.supplier_lot.clone(),
                expires_on: self.expires_on,
                qc_status: MaterialQcStatus::Quarantine,
                registered_at: meta.recorded_at,
            },
        );
        Ok(())
    }
}

payload!(
    /// QA released or rejected a material lot.
    MaterialQcChanged {
        /// The material lot.
        material_lot_id: MaterialLotId,
        /// The new status.
        status: MaterialQcStatus,
    }
);

impl EventPayload for MaterialQcChanged {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::MaterialLot, self.material_lot_id)]
    }

    fn apply(&self, state: &mut State, _meta: &EventMeta) -> Result<(), ApplyError> {
        let lot = state
            .material_lots
            .get_mut(&self.material_lot_id)
            .ok_or_else(|| missing("material lot", self.material_lot_id))?;
        lot.qc_status = self.status;
        Ok(())
    }
}

payload!(
    /// A piece of equipment was registered.
    EquipmentRegistered {
        /// The equipment.
        equipment_id: EquipmentId,
        /// Asset tag.
        asset_tag: Label,
        /// What it is.
        kind: Label,
        /// Calibration due date.
        calibration_due: NaiveDate,
    }
);

impl EventPayload for EquipmentRegistered {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Equipment, self.equipment_id)]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.equipment.contains_key(&self.equipment_id) {
            return Err(duplicate("equipment", self.equipment_id));
        }
        state.equipment.insert(
            self.equipment_id,
            Equipment {
                id: self.equipment_id,
                asset_tag: self.asset_tag.clone(),
                kind: self.kind.clone(),
                calibration_due: self.calibration_due,
                registered_at: meta.recorded_at,
            },
        );
        Ok(())
    }
}

payload!(
    /// Equipment was calibrated; a new due date applies.
    EquipmentCalibrated {
        /// The equipment.
        equipment_id: EquipmentId,
        /// The new due date.
        calibration_due: NaiveDate,
    }
);

impl EventPayload for EquipmentCalibrated {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Equipment, self.equipment_id)]
    }

    fn apply(&self, state: &mut State, _meta: &EventMeta) -> Result<(), ApplyError> {
        let equipment = state
            .equipment
            .get_mut(&self.equipment_id)
            .ok_or_else(|| missing("equipment", self.equipment_id))?;
        equipment.calibration_due = self.calibration_due;
        Ok(())
    }
}

payload!(
    /// The installation defined a product description code.
    ProductDefined {
        /// The 5-character product description code.
        code: String,
        /// Its description.
        description: Label,
    }
);

impl EventPayload for ProductDefined {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Product, &self.code)]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.products.contains_key(&self.code) {
            return Err(duplicate("product", &self.code));
        }
        state.products.insert(
            self.code.clone(),
            ProductDefinition {
                code: self.code.clone(),
                description: self.description.clone(),
                defined_at: meta.recorded_at,
            },
        );
        Ok(())
    }
}

/// A lot a step makes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLot {
    /// The new lot.
    pub lot_id: LotId,
    /// Its code.
    pub code: LotCode,
    /// Its kind.
    pub kind: LotKind,
    /// For cell banks.
    pub bank_level: Option<CellBankLevel>,
}

payload!(
    /// A processing step was recorded, with any lots it made.
    StepRecorded {
        /// The step.
        step_id: StepId,
        /// What it does.
        kind: StepKind,
        /// SOP.
        sop_id: Label,
        /// SOP version.
        sop_version: Label,
        /// Start.
        started_at: Timestamp,
        /// End, if done.
        ended_at: Option<Timestamp>,
        /// The donation (tissue processing).
        donation: Option<DonationId>,
        /// Input lots.
        inputs: Vec<LotId>,
        /// Lots made.
        outputs: Vec<NewLot>,
        /// Measurements.
        measurements: Vec<Measurement>,
        /// Equipment used.
        equipment: Vec<EquipmentId>,
        /// Material lots used.
        material_lots: Vec<MaterialLotId>,
        /// Notes.
        notes: Option<Narrative>,
    }
);

impl EventPayload for StepRecorded {
    fn subjects(&self) -> Vec<Subject> {
        let mut subjects = vec![subject(SubjectKind::Step, self.step_id)];
        subjects.extend(self.donation.map(|d| subject(SubjectKind::Donation, d)));
        subjects.extend(self.inputs.iter().map(|l| subject(SubjectKind::Lot, l)));
        subjects.extend(
            self.outputs
                .iter()
                .map(|l| subject(SubjectKind::Lot, l.lot_id)),
        );
        subjects.extend(
            self.equipment
                .iter()
                .map(|e| subject(SubjectKind::Equipment, e)),
        );
        subjects.extend(
            self.material_lots
                .iter()
                .map(|m| subject(SubjectKind::MaterialLot, m)),
        );
        subjects
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.steps.contains_key(&self.step_id) {
            return Err(duplicate("step", self.step_id));
        }
        let mut donors = BTreeSet::new();
        if let Some(donation_id) = self.donation {
            let donation = state
                .donations
                .get(&donation_id)
                .ok_or_else(|| missing("donation", donation_id))?;
            donors.insert(donation.donor_id);
        }
        for input in &self.inputs {
            let lot = state.lots.get(input).ok_or_else(|| missing("lot", input))?;
            donors.extend(lot.donors.iter().copied());
        }
        for output in &self.outputs {
            if state.lots.contains_key(&output.lot_id) {
                return Err(duplicate("lot", output.lot_id));
            }
            state.lots.insert(
                output.lot_id,
                Lot {
                    id: output.lot_id,
                    code: output.code.clone(),
                    kind: output.kind,
                    bank_level: output.bank_level,
                    status: LotStatus::InProcess,
                    held_from: None,
                    parents: self.inputs.clone(),
                    donation_id: self.donation,
                    donors: donors.clone(),
                    made_by: self.step_id,
                    created_at: meta.recorded_at,
                },
            );
        }
        state.steps.insert(
            self.step_id,
            ProcessingStep {
                id: self.step_id,
                kind: self.kind,
                sop_id: self.sop_id.clone(),
                sop_version: self.sop_version.clone(),
                operator: actor_user(meta)?,
                started_at: self.started_at,
                ended_at: self.ended_at,
                donation: self.donation,
                inputs: self.inputs.clone(),
                outputs: self.outputs.iter().map(|o| o.lot_id).collect(),
                measurements: self.measurements.clone(),
                equipment: self.equipment.clone(),
                material_lots: self.material_lots.clone(),
                notes: self.notes.clone(),
                recorded_at: meta.recorded_at,
            },
        );
        Ok(())
    }
}

payload!(
    /// An open step was completed.
    StepCompleted {
        /// The step.
        step_id: StepId,
        /// When it ended.
        ended_at: Timestamp,
        /// Measurements taken at the end.
        measurements: Vec<Measurement>,
        /// The step's lots (listed so each lot's chain shows the completion).
        lots: Vec<LotId>,
    }
);

impl EventPayload for StepCompleted {
    fn subjects(&self) -> Vec<Subject> {
        let mut subjects = vec![subject(SubjectKind::Step, self.step_id)];
        subjects.extend(self.lots.iter().map(|l| subject(SubjectKind::Lot, l)));
        subjects
    }

    fn apply(&self, state: &mut State, _meta: &EventMeta) -> Result<(), ApplyError> {
        let step = state
            .steps
            .get_mut(&self.step_id)
            .ok_or_else(|| missing("step", self.step_id))?;
        step.ended_at = Some(self.ended_at);
        step.measurements.extend(self.measurements.iter().cloned());
        Ok(())
    }
}

payload!(
    /// A lot moved through the state machine.
    LotStatusChanged {
        /// The lot.
        lot_id: LotId,
        /// Its status before.
        from: LotStatus,
        /// Its status after.
        to: LotStatus,
        /// Why, when a reason is required.
        reason: Option<Narrative>,
    }
);

impl EventPayload for LotStatusChanged {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Lot, self.lot_id)]
    }

    fn apply(&self, state: &mut State, _meta: &EventMeta) -> Result<(), ApplyError> {
        let lot = state
            .lots
            .get_mut(&self.lot_id)
            .ok_or_else(|| missing("lot", self.lot_id))?;
        lot.held_from = match self.to {
            LotStatus::OnHold => Some(self.from),
            _ => None,
        };
        lot.status = self.to;
        Ok(())
    }
}

payload!(
    /// A deviation was opened.
    DeviationOpened {
        /// The deviation.
        deviation_id: DeviationId,
        /// The lot.
        lot_id: LotId,
        /// The step, if any.
        step_id: Option<StepId>,
        /// Severity.
        severity: Severity,
        /// What happened.
        description: Narrative,
        /// The impact assessment, if already made.
        impact_assessment: Option<Narrative>,
    }
);

impl EventPayload for DeviationOpened {
    fn subjects(&self) -> Vec<Subject> {
        vec![
            subject(SubjectKind::Deviation, self.deviation_id),
            subject(SubjectKind::Lot, self.lot_id),
        ]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.deviations.contains_key(&self.deviation_id) {
            return Err(duplicate("deviation", self.deviation_id));
        }
        state.deviations.insert(
            self.deviation_id,
            Deviation {
                id: self.deviation_id,
                lot_id: self.lot_id,
                step_id: self.step_id,
                severity: self.severity,
                description: self.description.clone(),
                impact_assessment: self.impact_assessment.clone(),
                opened_by: actor_user(meta)?,
                opened_at: meta.recorded_at,
                closure: None,
            },
        );
        Ok(())
    }
}

payload!(
    /// A deviation's impact was assessed.
    DeviationAssessed {
        /// The deviation.
        deviation_id: DeviationId,
        /// The lot.
        lot_id: LotId,
        /// The assessment.
        impact_assessment: Narrative,
    }
);

impl EventPayload for DeviationAssessed {
    fn subjects(&self) -> Vec<Subject> {
        vec![
            subject(SubjectKind::Deviation, self.deviation_id),
            subject(SubjectKind::Lot, self.lot_id),
        ]
    }

    fn apply(&self, state: &mut State, _meta: &EventMeta) -> Result<(), ApplyError> {
        let deviation = state
            .deviations
            .get_mut(&self.deviation_id)
            .ok_or_else(|| missing("deviation", self.deviation_id))?;
        deviation.impact_assessment = Some(self.impact_assessment.clone());
        Ok(())
    }
}

payload!(
    /// QA closed a deviation (signed).
    DeviationClosed {
        /// The deviation.
        deviation_id: DeviationId,
        /// The lot.
        lot_id: LotId,
        /// The conclusion.
        conclusion: Narrative,
    }
);

impl EventPayload for DeviationClosed {
    fn subjects(&self) -> Vec<Subject> {
        vec![
            subject(SubjectKind::Deviation, self.deviation_id),
            subject(SubjectKind::Lot, self.lot_id),
        ]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        let closed_by = actor_user(meta)?;
        let deviation = state
            .deviations
            .get_mut(&self.deviation_id)
            .ok_or_else(|| missing("deviation", self.deviation_id))?;
        deviation.closure = Some(Closure {
            conclusion: self.conclusion.clone(),
            closed_by,
            closed_at: meta.recorded_at,
        });
        Ok(())
    }
}

/// One unit as filled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilledUnit {
    /// The unit.
    pub unit_id: UnitId,
    /// Its DIN.
    pub din: Din,
    /// Its product code with division.
    pub product_code: ProductCode,
    /// Bag or vial.
    pub container: Container,
    /// Volume.
    pub volume: Millilitres,
    /// Viable cells.
    pub cells: CellCount,
    /// Cryopreservation time.
    pub cryopreserved_at: Timestamp,
    /// Expiry.
    pub expires_at: Timestamp,
    /// Storage location.
    pub location: StorageLocation,
}

payload!(
    /// Units were filled from a drug product lot.
    UnitsFilled {
        /// The lot.
        lot_id: LotId,
        /// The units.
        units: Vec<FilledUnit>,
    }
);

impl EventPayload for UnitsFilled {
    fn subjects(&self) -> Vec<Subject> {
        let mut subjects = vec![subject(SubjectKind::Lot, self.lot_id)];
        subjects.extend(
            self.units
                .iter()
                .map(|u| subject(SubjectKind::Unit, u.unit_id)),
        );
        subjects
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if !state.lots.contains_key(&self.lot_id) {
            return Err(missing("lot", self.lot_id));
        }
        for filled in &self.units {
            if state.units.contains_key(&filled.unit_id) {
                return Err(duplicate("unit", filled.unit_id));
            }
            state.units.insert(
                filled.unit_id,
                Unit {
                    id: filled.unit_id,
                    lot_id: self.lot_id,
                    din: filled.din,
                    product_code: filled.product_code,
                    container: filled.container,
                    volume: filled.volume,
                    cells: filled.cells,
                    cryopreserved_at: filled.cryopreserved_at,
                    expires_at: filled.expires_at,
                    location: filled.location.clone(),
                    status: UnitStatus::Quarantine,
                    custody: Custody::Stored,
                    filled_at: meta.recorded_at,
                    labels_printed: 0,
                },
            );
        }
        Ok(())
    }
}

payload!(
    /// A unit was moved to another storage location.
    UnitStored {
        /// The unit.
        unit_id: UnitId,
        /// Its new location.
        location: StorageLocation,
    }
);

impl EventPayload for UnitStored {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Unit, self.unit_id)]
    }

    fn apply(&self, state: &mut State, _meta: &EventMeta) -> Result<(), ApplyError> {
        let unit = state
            .units
            .get_mut(&self.unit_id)
            .ok_or_else(|| missing("unit", self.unit_id))?;
        unit.location = self.location.clone();
        unit.custody = Custody::Stored;
        Ok(())
    }
}

payload!(
    /// A unit's label was printed: the trace from a label in a freezer to its print.
    UnitLabelPrinted {
        /// The unit.
        unit_id: UnitId,
        /// Which print of its label this is, from 1; every later one is a reprint.
        print: u32,
        /// The document printed.
        format: LabelFormat,
        /// The flag characters after the DIN in data structure 001: the type 3 check flag,
        /// or `05` on a reprint where the facility marks reprints so.
        din_flag: String,
    }
);

impl EventPayload for UnitLabelPrinted {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Unit, self.unit_id)]
    }

    fn apply(&self, state: &mut State, _meta: &EventMeta) -> Result<(), ApplyError> {
        let unit = state
            .units
            .get_mut(&self.unit_id)
            .ok_or_else(|| missing("unit", self.unit_id))?;
        // Prints are numbered without gaps: a replay that skipped or repeated one is wrong.
        if self.print != unit.labels_printed.saturating_add(1) {
            return Err(ApplyError::Inconsistent(format!(
                "label print {} of unit {} follows print {}",
                self.print, self.unit_id, unit.labels_printed
            )));
        }
        unit.labels_printed = self.print;
        Ok(())
    }
}

payload!(
    /// A unit was dispatched: the first half of a custody hand-off.
    UnitDispatched {
        /// The unit.
        unit_id: UnitId,
        /// The hand-off.
        handoff_id: HandoffId,
        /// Where to.
        destination: Label,
        /// The person who is to receive it.
        receiver: UserId,
    }
);

impl EventPayload for UnitDispatched {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Unit, self.unit_id)]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        let dispatched_by = actor_user(meta)?;
        let unit = state
            .units
            .get_mut(&self.unit_id)
            .ok_or_else(|| missing("unit", self.unit_id))?;
        unit.custody = Custody::InTransit {
            handoff: self.handoff_id,
            dispatched_by,
            dispatched_at: meta.recorded_at,
            destination: self.destination.clone(),
            receiver: self.receiver,
        };
        Ok(())
    }
}

payload!(
    /// A dispatched unit was received by another person: the second half of the hand-off.
    UnitReceived {
        /// The unit.
        unit_id: UnitId,
        /// The hand-off.
        handoff_id: HandoffId,
        /// Temperature on arrival.
        temperature: Celsius,
        /// Condition on arrival.
        condition: ArrivalCondition,
    }
);

impl EventPayload for UnitReceived {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Unit, self.unit_id)]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        let received_by = actor_user(meta)?;
        let unit = state
            .units
            .get_mut(&self.unit_id)
            .ok_or_else(|| missing("unit", self.unit_id))?;
        let Custody::InTransit { destination, .. } = &unit.custody else {
            return Err(missing("hand-off in transit", self.handoff_id));
        };
        unit.custody = Custody::Received {
            handoff: self.handoff_id,
            destination: destination.clone(),
            received_by,
            received_at: meta.recorded_at,
            temperature: self.temperature,
            condition: self.condition,
        };
        Ok(())
    }
}

payload!(
    /// A unit's status changed on its own (expiry, destruction, a hold).
    UnitStatusChanged {
        /// The unit.
        unit_id: UnitId,
        /// Before.
        from: UnitStatus,
        /// After.
        to: UnitStatus,
        /// Why.
        reason: Option<Narrative>,
    }
);

impl EventPayload for UnitStatusChanged {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Unit, self.unit_id)]
    }

    fn apply(&self, state: &mut State, _meta: &EventMeta) -> Result<(), ApplyError> {
        let unit = state
            .units
            .get_mut(&self.unit_id)
            .ok_or_else(|| missing("unit", self.unit_id))?;
        unit.status = self.to;
        Ok(())
    }
}
