//! GraphQL counterparts of the production record: lots, steps, deviations, units and the
//! records the store reads them into.

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use cordtrace_domain::isbt128::Din;
use cordtrace_domain::manufacturing::{
    self as mfg, Custody, Donation, Donor, Equipment, MaterialLot, Measurement,
};
use cordtrace_store::queries::production::{
    CustodyState as StoreCustodyState, DeviationRecord, LotFlag as StoreLotFlag, LotRecord, LotRef,
    StaffRef, StepRecord, UnitRecord,
};
use uuid::Uuid;

use crate::mirror::mirror_enum;

/// What a lot is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LotKind {
    /// Cord tissue from a donation.
    CordTissue,
    /// Explant culture (P0).
    PrimaryCulture,
    /// A passage.
    Passage,
    /// A master or working cell bank.
    CellBank,
    /// Harvested drug substance.
    DrugSubstance,
    /// Formulated drug product, filled into units.
    DrugProduct,
}

mirror_enum!(LotKind <=> mfg::LotKind {
    CordTissue, PrimaryCulture, Passage, CellBank, DrugSubstance, DrugProduct
});

/// Master or working cell bank.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellBankLevel {
    /// Master cell bank.
    Master,
    /// Working cell bank (from a master).
    Working,
}

mirror_enum!(CellBankLevel <=> mfg::CellBankLevel { Master, Working });

/// The status of a lot.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LotStatus {
    /// Being processed.
    InProcess,
    /// Processing done; awaiting testing and disposition.
    Quarantine,
    /// Released by QA.
    Released,
    /// Rejected by QA (or discarded in process).
    Rejected,
    /// Held pending investigation.
    OnHold,
    /// Recalled after release.
    Recalled,
    /// Past its expiry.
    Expired,
    /// Destroyed.
    Destroyed,
}

mirror_enum!(LotStatus <=> mfg::LotStatus {
    InProcess, Quarantine, Released, Rejected, OnHold, Recalled, Expired, Destroyed
});

/// What a step does, which fixes how many lots go in and come out.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// Cord tissue prepared from a received donation: the donation in, one CORD_TISSUE lot out.
    TissueProcessing,
    /// Explant culture: one lot in, one lot out.
    ExplantCulture,
    /// A passage: one lot in, one lot out.
    Passage,
    /// A split: one lot in, two or more out.
    Split,
    /// A pool: two or more lots in, one out.
    Pool,
    /// Banking: one lot in, one CELL_BANK lot out.
    Banking,
    /// Harvest: one lot in, one lot out.
    Harvest,
    /// Formulation: one or more lots in, one lot out.
    Formulation,
    /// Work on one lot that makes no new lot (feeding, counting, inspection).
    InProcess,
}

mirror_enum!(StepKind <=> mfg::StepKind {
    TissueProcessing, ExplantCulture, Passage, Split, Pool, Banking, Harvest, Formulation,
    InProcess
});

/// A kind of measurement; each has one unit and one range.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeasurementKind {
    /// Viable cells counted, unit `cells`, a whole number from 1 to 10^13.
    ViableCellCount,
    /// Viability, unit `%`, 0 to 100.
    Viability,
    /// Passage number, unit `passage`, 0 to 100.
    PassageNumber,
    /// Cumulative population doublings, unit `PD`, 0 to 200.
    PopulationDoublings,
    /// Volume, unit `mL`, 0 to 10000.
    Volume,
    /// Confluence, unit `%`, 0 to 100.
    Confluence,
}

impl MeasurementKind {
    /// The domain's name of the kind, which [`Measurement::parse`] takes.
    pub(crate) const fn domain_name(self) -> &'static str {
        match self {
            MeasurementKind::ViableCellCount => "VIABLE_CELL_COUNT",
            MeasurementKind::Viability => "VIABILITY",
            MeasurementKind::PassageNumber => "PASSAGE_NUMBER",
            MeasurementKind::PopulationDoublings => "POPULATION_DOUBLINGS",
            MeasurementKind::Volume => "VOLUME",
            MeasurementKind::Confluence => "CONFLUENCE",
        }
    }
}

impl From<&Measurement> for MeasurementKind {
    fn from(measurement: &Measurement) -> Self {
        match measurement {
            Measurement::ViableCellCount(_) => MeasurementKind::ViableCellCount,
            Measurement::Viability(_) => MeasurementKind::Viability,
            Measurement::PassageNumber(_) => MeasurementKind::PassageNumber,
            Measurement::PopulationDoublings(_) => MeasurementKind::PopulationDoublings,
            Measurement::Volume(_) => MeasurementKind::Volume,
            Measurement::Confluence(_) => MeasurementKind::Confluence,
        }
    }
}

/// How serious a deviation is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviationSeverity {
    /// Minor.
    Minor,
    /// Major.
    Major,
    /// Critical.
    Critical,
}

mirror_enum!(DeviationSeverity <=> mfg::Severity { Minor, Major, Critical });

/// A unit's container.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitContainer {
    /// A cryobag.
    Bag,
    /// A cryovial.
    Vial,
}

mirror_enum!(UnitContainer <=> mfg::Container { Bag, Vial });

/// The status of a unit.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitStatus {
    /// Its lot awaits disposition.
    Quarantine,
    /// Released with its lot.
    Released,
    /// Held.
    OnHold,
    /// Recalled.
    Recalled,
    /// Its lot was rejected: set aside for destruction.
    Rejected,
    /// Past its expiry.
    Expired,
    /// Destroyed.
    Destroyed,
    /// Given to a patient.
    Administered,
}

mirror_enum!(UnitStatus <=> mfg::UnitStatus {
    Quarantine, Released, OnHold, Recalled, Rejected, Expired, Destroyed, Administered
});

/// The state a shipment arrived in.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrivalCondition {
    /// Intact, sealed, labelled.
    Intact,
    /// Packaging damaged.
    Damaged,
    /// Leaking.
    Leaking,
}

mirror_enum!(ArrivalCondition <=> mfg::ArrivalCondition { Intact, Damaged, Leaking });

/// QC status of a material lot.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaterialQcStatus {
    /// Received, not yet approved.
    Quarantine,
    /// Approved for use.
    Released,
    /// Refused.
    Rejected,
}

mirror_enum!(MaterialQcStatus <=> mfg::MaterialQcStatus { Quarantine, Released, Rejected });

/// Why a lot needs attention, from the current state of its donors.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LotFlag {
    /// A donor has no eligibility determination yet: the lot stays in quarantine.
    DonorEligibilityPending,
    /// A donor was determined ineligible: store apart and mark.
    DonorIneligible,
    /// A donor withdrew consent: no further use of their material.
    ConsentWithdrawn,
    /// Material of several donors is in the lot.
    MultiDonorPool,
}

mirror_enum!(LotFlag <=> StoreLotFlag {
    DonorEligibilityPending, DonorIneligible, ConsentWithdrawn, MultiDonorPool
});

/// A donor's eligibility as it stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DonorEligibilityState {
    /// Determined eligible.
    Eligible,
    /// Determined ineligible.
    Ineligible,
    /// No determination yet (or a determination was revoked).
    Pending,
}

/// A donor's consent as it stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DonorConsentState {
    /// No consent on record.
    None,
    /// Consent given and not withdrawn.
    Given,
    /// Consent withdrawn: no further use of the donor's material.
    Withdrawn,
}

/// Who holds a unit.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustodyState {
    /// In storage at its location.
    Stored,
    /// Dispatched, not yet received.
    InTransit,
    /// Received at a destination.
    Received,
}

mirror_enum!(CustodyState <=> StoreCustodyState { Stored, InTransit, Received });

/// A DIN with the keyboard check character printed after it.
fn din_parts(din: Din) -> (String, String) {
    (din.to_string(), din.check_character().to_string())
}

/// A user as records name them.
#[derive(SimpleObject, Clone, Debug)]
pub struct StaffMember {
    /// Identity.
    pub id: Uuid,
    /// The printed name of signature manifestations.
    pub printed_name: String,
}

impl From<StaffRef> for StaffMember {
    fn from(staff: StaffRef) -> Self {
        Self {
            id: staff.id.as_uuid(),
            printed_name: staff.printed_name,
        }
    }
}

/// A lot as other records name it.
#[derive(SimpleObject, Clone, Debug)]
pub struct LotSummary {
    /// Identity.
    pub id: Uuid,
    /// Its distinct identification code, such as `DP26-000012`.
    pub code: String,
    /// What it is.
    pub kind: LotKind,
    /// Its status.
    pub status: LotStatus,
}

impl From<LotRef> for LotSummary {
    fn from(lot: LotRef) -> Self {
        Self {
            id: lot.id.as_uuid(),
            code: lot.code.as_str().to_owned(),
            kind: lot.kind.into(),
            status: lot.status.into(),
        }
    }
}

/// A donor as production sees them: the opaque key, eligibility and consent. No personal data.
#[derive(SimpleObject, Clone, Debug)]
pub struct DonorStanding {
    /// Identity.
    pub id: Uuid,
    /// The opaque donor key, such as `DNR26-000001`.
    pub key: String,
    /// Eligibility as it stands.
    pub eligibility: DonorEligibilityState,
    /// The reasons given with the determination.
    pub eligibility_reasons: Vec<String>,
    /// Consent as it stands.
    pub consent: DonorConsentState,
    /// Whether the consent covers therapy.
    pub consent_covers_therapy: bool,
}

impl From<Donor> for DonorStanding {
    fn from(donor: Donor) -> Self {
        let eligibility = if donor.is_eligible() {
            DonorEligibilityState::Eligible
        } else if donor.is_ineligible() {
            DonorEligibilityState::Ineligible
        } else {
            DonorEligibilityState::Pending
        };
        let consent = match &donor.consent {
            None => DonorConsentState::None,
            Some(consent) if consent.withdrawal.is_some() => DonorConsentState::Withdrawn,
            Some(_) => DonorConsentState::Given,
        };
        Self {
            id: donor.id.as_uuid(),
            key: donor.key.as_str().to_owned(),
            eligibility,
            eligibility_reasons: donor
                .eligibility
                .map(|d| d.reasons.into_iter().map(String::from).collect())
                .unwrap_or_default(),
            consent,
            consent_covers_therapy: donor.consent.is_some_and(|c| c.therapy),
        }
    }
}

/// The cord donation a lineage starts from.
#[derive(SimpleObject, Clone, Debug)]
pub struct SourceDonation {
    /// Identity.
    pub id: Uuid,
    /// The 13-character DIN.
    pub din: String,
    /// The keyboard check character printed after the DIN.
    pub din_check_character: String,
    /// The donor.
    pub donor_id: Uuid,
    /// Recovery time with the ward's UTC offset.
    pub collected_at: DateTime<FixedOffset>,
    /// Where.
    pub site: String,
    /// When it arrived at the lab, once received.
    pub received_at: Option<DateTime<Utc>>,
}

impl From<Donation> for SourceDonation {
    fn from(donation: Donation) -> Self {
        let (din, din_check_character) = din_parts(donation.din);
        Self {
            id: donation.id.as_uuid(),
            din,
            din_check_character,
            donor_id: donation.donor_id.as_uuid(),
            collected_at: donation.collected_at.local(),
            site: donation.site.into(),
            received_at: donation.receipt.map(|r| r.received_at.as_datetime()),
        }
    }
}

/// A material lot a step used.
#[derive(SimpleObject, Clone, Debug)]
pub struct MaterialLotUsed {
    /// Identity.
    pub id: Uuid,
    /// What it is, such as `human platelet lysate`.
    pub material: String,
    /// Who made it.
    pub supplier: String,
    /// The supplier's lot number.
    pub supplier_lot: String,
    /// Its expiry date.
    pub expires_on: NaiveDate,
    /// Its QC status now.
    pub qc_status: MaterialQcStatus,
}

impl From<MaterialLot> for MaterialLotUsed {
    fn from(lot: MaterialLot) -> Self {
        Self {
            id: lot.id.as_uuid(),
            material: lot.material.into(),
            supplier: lot.supplier.into(),
            supplier_lot: lot.supplier_lot.into(),
            expires_on: lot.expires_on,
            qc_status: lot.qc_status.into(),
        }
    }
}

/// Equipment a step used.
#[derive(SimpleObject, Clone, Debug)]
pub struct EquipmentUsed {
    /// Identity.
    pub id: Uuid,
    /// The asset tag on the device.
    pub asset_tag: String,
    /// What it is, such as `biosafety cabinet`.
    pub kind: String,
    /// The last day it may be used before recalibration, as it stands now.
    pub calibration_due: NaiveDate,
}

impl From<Equipment> for EquipmentUsed {
    fn from(equipment: Equipment) -> Self {
        Self {
            id: equipment.id.as_uuid(),
            asset_tag: equipment.asset_tag.into(),
            kind: equipment.kind.into(),
            calibration_due: equipment.calibration_due,
        }
    }
}

/// A manufacturing lot with its lineage one level up and down, and flags from its donors.
#[derive(SimpleObject, Clone, Debug)]
pub struct Lot {
    /// Identity.
    pub id: Uuid,
    /// Its distinct identification code (no personal data), such as `DP26-000012`.
    pub code: String,
    /// What it is.
    pub kind: LotKind,
    /// For cell banks, master or working.
    pub bank_level: Option<CellBankLevel>,
    /// Its status.
    pub status: LotStatus,
    /// While ON_HOLD, the status it was held from.
    pub held_from: Option<LotStatus>,
    /// Flags computed from its donors' current state.
    pub flags: Vec<LotFlag>,
    /// Every donor whose material is in the lot.
    pub donors: Vec<DonorStanding>,
    /// For cord tissue, the donation it came from.
    pub donation_id: Option<Uuid>,
    /// The step that made it.
    pub made_by_step_id: Uuid,
    /// The lots it was made from.
    pub parents: Vec<LotSummary>,
    /// The lots made from it.
    pub children: Vec<LotSummary>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

impl From<LotRecord> for Lot {
    fn from(record: LotRecord) -> Self {
        let lot = record.lot;
        Self {
            id: lot.id.as_uuid(),
            code: lot.code.as_str().to_owned(),
            kind: lot.kind.into(),
            bank_level: lot.bank_level.map(Into::into),
            status: lot.status.into(),
            held_from: lot.held_from.map(Into::into),
            flags: record.flags.into_iter().map(Into::into).collect(),
            donors: record.donors.into_iter().map(Into::into).collect(),
            donation_id: lot.donation_id.map(|d| d.as_uuid()),
            made_by_step_id: lot.made_by.as_uuid(),
            parents: record.parents.into_iter().map(Into::into).collect(),
            children: record.children.into_iter().map(Into::into).collect(),
            created_at: lot.created_at.as_datetime(),
        }
    }
}

/// A typed measurement.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "Measurement")]
pub struct MeasurementObject {
    /// What was measured.
    pub kind: MeasurementKind,
    /// The value, as an exact decimal.
    pub value: String,
    /// Its unit.
    pub unit: String,
}

impl From<Measurement> for MeasurementObject {
    fn from(measurement: Measurement) -> Self {
        Self {
            kind: MeasurementKind::from(&measurement),
            value: measurement.value_text(),
            unit: measurement.unit().to_owned(),
        }
    }
}

/// A processing step (21 CFR 1271.270: recorded as done, naming the person and the date).
#[derive(SimpleObject, Clone, Debug)]
pub struct Step {
    /// Identity.
    pub id: Uuid,
    /// What it does.
    pub kind: StepKind,
    /// The SOP followed.
    pub sop_id: String,
    /// Its version.
    pub sop_version: String,
    /// Who did it.
    pub operator: StaffMember,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended; null while open.
    pub ended_at: Option<DateTime<Utc>>,
    /// For tissue processing, the donation.
    pub donation: Option<SourceDonation>,
    /// Lots that went in.
    pub inputs: Vec<LotSummary>,
    /// Lots it made.
    pub outputs: Vec<LotSummary>,
    /// Measurements, in the order recorded.
    pub measurements: Vec<MeasurementObject>,
    /// Equipment used.
    pub equipment: Vec<EquipmentUsed>,
    /// Material lots used.
    pub material_lots: Vec<MaterialLotUsed>,
    /// Notes.
    pub notes: Option<String>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

impl From<StepRecord> for Step {
    fn from(record: StepRecord) -> Self {
        let step = record.step;
        Self {
            id: step.id.as_uuid(),
            kind: step.kind.into(),
            sop_id: step.sop_id.into(),
            sop_version: step.sop_version.into(),
            operator: record.operator.into(),
            started_at: step.started_at.as_datetime(),
            ended_at: step.ended_at.map(|t| t.as_datetime()),
            donation: record.donation.map(Into::into),
            inputs: record.inputs.into_iter().map(Into::into).collect(),
            outputs: record.outputs.into_iter().map(Into::into).collect(),
            measurements: step.measurements.into_iter().map(Into::into).collect(),
            equipment: record.equipment.into_iter().map(Into::into).collect(),
            material_lots: record.material_lots.into_iter().map(Into::into).collect(),
            notes: step.notes.map(String::from),
            recorded_at: step.recorded_at.as_datetime(),
        }
    }
}

/// A deviation against a lot or one of its steps. While open, it blocks release of the lot.
#[derive(SimpleObject, Clone, Debug)]
pub struct Deviation {
    /// Identity.
    pub id: Uuid,
    /// The lot concerned.
    pub lot: LotSummary,
    /// The step concerned, if any.
    pub step_id: Option<Uuid>,
    /// Its severity.
    pub severity: DeviationSeverity,
    /// What happened.
    pub description: String,
    /// The impact assessment, once made.
    pub impact_assessment: Option<String>,
    /// Who opened it.
    pub opened_by: StaffMember,
    /// When.
    pub opened_at: DateTime<Utc>,
    /// Whether it is still open.
    pub open: bool,
    /// QA's conclusion, once closed.
    pub conclusion: Option<String>,
    /// Who closed it (a signed act; the signature is on its ledger entry).
    pub closed_by: Option<StaffMember>,
    /// When.
    pub closed_at: Option<DateTime<Utc>>,
}

impl From<DeviationRecord> for Deviation {
    fn from(record: DeviationRecord) -> Self {
        let deviation = record.deviation;
        let open = deviation.is_open();
        let closure = deviation.closure;
        Self {
            id: deviation.id.as_uuid(),
            lot: record.lot.into(),
            step_id: deviation.step_id.map(|s| s.as_uuid()),
            severity: deviation.severity.into(),
            description: deviation.description.into(),
            impact_assessment: deviation.impact_assessment.map(String::from),
            opened_by: record.opened_by.into(),
            opened_at: deviation.opened_at.as_datetime(),
            open,
            conclusion: closure.as_ref().map(|c| c.conclusion.as_str().to_owned()),
            closed_by: record.closed_by.map(Into::into),
            closed_at: closure.map(|c| c.closed_at.as_datetime()),
        }
    }
}

/// Where a unit is stored.
#[derive(SimpleObject, Clone, Debug)]
pub struct StorageLocation {
    /// Site.
    pub site: String,
    /// Freezer (dewar).
    pub freezer: String,
    /// Rack.
    pub rack: String,
    /// Box.
    pub r#box: String,
    /// Position in the box.
    pub position: String,
}

impl From<mfg::StorageLocation> for StorageLocation {
    fn from(location: mfg::StorageLocation) -> Self {
        Self {
            site: location.site.into(),
            freezer: location.freezer.into(),
            rack: location.rack.into(),
            r#box: location.r#box.into(),
            position: location.position.into(),
        }
    }
}

/// Who holds a unit: stored, in transit (dispatched by whom, when, where to, for whom) or
/// received (by whom, when, at what temperature and in what condition).
#[derive(SimpleObject, Clone, Debug)]
pub struct UnitCustody {
    /// The state.
    pub state: CustodyState,
    /// The hand-off, while in transit or once received.
    pub handoff_id: Option<Uuid>,
    /// Where to.
    pub destination: Option<String>,
    /// While in transit, who dispatched it.
    pub dispatched_by: Option<StaffMember>,
    /// While in transit, when.
    pub dispatched_at: Option<DateTime<Utc>>,
    /// While in transit, the person the dispatch names, who alone receives it.
    pub receiver: Option<StaffMember>,
    /// Once received, who received it.
    pub received_by: Option<StaffMember>,
    /// Once received, when.
    pub received_at: Option<DateTime<Utc>>,
    /// Temperature on arrival, in °C.
    pub arrival_temperature_celsius: Option<String>,
    /// Condition on arrival.
    pub arrival_condition: Option<ArrivalCondition>,
}

impl UnitCustody {
    fn new(record: &UnitRecord) -> Self {
        let empty = Self {
            state: CustodyState::Stored,
            handoff_id: None,
            destination: None,
            dispatched_by: record.dispatched_by.clone().map(Into::into),
            dispatched_at: None,
            receiver: record.receiver.clone().map(Into::into),
            received_by: record.received_by.clone().map(Into::into),
            received_at: None,
            arrival_temperature_celsius: None,
            arrival_condition: None,
        };
        match record.unit.custody.clone() {
            Custody::Stored => empty,
            Custody::InTransit {
                handoff,
                dispatched_at,
                destination,
                ..
            } => Self {
                state: CustodyState::InTransit,
                handoff_id: Some(handoff.as_uuid()),
                destination: Some(destination.into()),
                dispatched_at: Some(dispatched_at.as_datetime()),
                ..empty
            },
            Custody::Received {
                handoff,
                destination,
                received_at,
                temperature,
                condition,
                ..
            } => Self {
                state: CustodyState::Received,
                handoff_id: Some(handoff.as_uuid()),
                destination: Some(destination.into()),
                received_at: Some(received_at.as_datetime()),
                arrival_temperature_celsius: Some(temperature.value().to_string()),
                arrival_condition: Some(condition.into()),
                ..empty
            },
        }
    }
}

/// A bag or vial of drug product, identified by ISBT 128 DIN and product code.
#[derive(SimpleObject, Clone, Debug)]
pub struct Unit {
    /// Identity.
    pub id: Uuid,
    /// The drug product lot it was filled from.
    pub lot: LotSummary,
    /// The 13-character DIN: the source donation's, or the pool DIN of a multi-donation lot.
    pub din: String,
    /// The keyboard check character printed after the DIN.
    pub din_check_character: String,
    /// The 8-character product code `αooootds`, with its division.
    pub product_code: String,
    /// The division `ds` (`00` undivided).
    pub division: String,
    /// Bag or vial.
    pub container: UnitContainer,
    /// Volume, in mL, as an exact decimal.
    pub volume_ml: String,
    /// Viable cells.
    pub cells: u64,
    /// When it was cryopreserved.
    pub cryopreserved_at: DateTime<Utc>,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// Where it is stored.
    pub location: StorageLocation,
    /// Its status.
    pub status: UnitStatus,
    /// Who holds it.
    pub custody: UnitCustody,
    /// When it was filled.
    pub filled_at: DateTime<Utc>,
}

impl From<UnitRecord> for Unit {
    fn from(record: UnitRecord) -> Self {
        let custody = UnitCustody::new(&record);
        let unit = record.unit;
        let (din, din_check_character) = din_parts(unit.din);
        Self {
            id: unit.id.as_uuid(),
            lot: record.lot.into(),
            din,
            din_check_character,
            product_code: unit.product_code.as_str().to_owned(),
            division: unit.product_code.division().to_owned(),
            container: unit.container.into(),
            volume_ml: unit.volume.value().to_string(),
            cells: unit.cells.get(),
            cryopreserved_at: unit.cryopreserved_at.as_datetime(),
            expires_at: unit.expires_at.as_datetime(),
            location: unit.location.into(),
            status: unit.status.into(),
            custody,
            filled_at: unit.filled_at.as_datetime(),
        }
    }
}

/// What a fill made: the DIN every unit carries and the units.
#[derive(SimpleObject, Clone, Debug)]
pub struct FillUnitsPayload {
    /// The 13-character DIN of the units: the source donation's, or a newly assigned pool DIN.
    pub din: String,
    /// Its keyboard check character.
    pub din_check_character: String,
    /// The units filled, by product code.
    pub units: Vec<Unit>,
}

impl FillUnitsPayload {
    /// The payload for units filled under `din`.
    pub(crate) fn new(din: Din, units: Vec<UnitRecord>) -> Self {
        let (din, din_check_character) = din_parts(din);
        Self {
            din,
            din_check_character,
            units: units.into_iter().map(Into::into).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::resolver_utils::EnumType as _;

    use super::*;

    #[test]
    fn every_measurement_kind_is_a_domain_kind() {
        for item in MeasurementKind::items() {
            let kind = item.value;
            let unit = Measurement::KINDS
                .iter()
                .find(|(name, _)| *name == kind.domain_name())
                .map(|(_, unit)| *unit);
            assert!(unit.is_some(), "{kind:?} is not a domain kind");
            assert_eq!(item.name, kind.domain_name());
        }
        assert_eq!(MeasurementKind::items().len(), Measurement::KINDS.len());
    }
}
