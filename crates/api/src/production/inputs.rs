//! Inputs of the production mutations, and their parsing into domain types at the boundary.
//!
//! Every constrained value is parsed here by its domain parser; a refusal carries the domain's
//! reason code (INVALID_VALUE, STEP_SHAPE, a DIN or product code error).

use async_graphql::{InputObject, OneofObject};
use chrono::{DateTime, Utc};
use cordtrace_domain::ids::{
    DeviationId, DonationId, DonorId, EquipmentId, LotId, MaterialLotId, StepId, UnitId,
};
use cordtrace_domain::isbt128::{Din, ProductCode};
use cordtrace_domain::manufacturing::commands::lots::NewDeviation;
use cordtrace_domain::manufacturing::commands::steps::StepInput;
use cordtrace_domain::manufacturing::commands::units::UnitSpec;
use cordtrace_domain::manufacturing::{self as mfg, ManufacturingError, Measurement};
use cordtrace_domain::values::{CellCount, Label, Millilitres, Narrative};
use cordtrace_domain::{Refusal, Timestamp};
use cordtrace_store::commands::manufacturing::steps::OutputRequest;
use cordtrace_store::queries::production::{DownstreamStart, UpstreamStart};
use uuid::Uuid;

use super::types::{
    CellBankLevel, DeviationSeverity, LotKind, MeasurementKind, StepKind, UnitContainer,
};
use crate::error::{ApiError, ApiResult};

/// A domain refusal of an input value, with the domain's reason code.
pub(crate) fn refused(error: impl Into<ManufacturingError>) -> ApiError {
    Refusal::from(error.into()).into()
}

/// A short text (1 to 200 characters).
pub(crate) fn label(raw: &str, what: &'static str) -> ApiResult<Label> {
    Label::parse(raw, what).map_err(refused)
}

/// A longer text (1 to 4000 characters).
pub(crate) fn narrative(raw: &str, what: &'static str) -> ApiResult<Narrative> {
    Narrative::parse(raw, what).map_err(refused)
}

/// An instant from the API, at the ledger's precision.
pub(crate) fn timestamp(time: DateTime<Utc>) -> Timestamp {
    Timestamp::from_datetime(time)
}

/// A DIN as read from a label: typed with its check character (`A999926000001` + check, or
/// spaced as printed) or scanned (`=` + DIN + flag).
pub(crate) fn din(raw: &str) -> ApiResult<Din> {
    let parsed = if raw.trim_start().starts_with('=') {
        Din::parse_scanned(raw).map(|(din, _flag)| din)
    } else {
        Din::parse_typed(raw)
    };
    parsed.map_err(refused)
}

/// A product code `αooootds`, typed or scanned (`=<` + code).
pub(crate) fn product_code(raw: &str) -> ApiResult<ProductCode> {
    let trimmed = raw.trim();
    ProductCode::parse(trimmed.strip_prefix("=<").unwrap_or(trimmed))
        .map_err(|error| ApiError::validation(error.code(), error.to_string()))
}

/// A measurement as entered.
#[derive(InputObject, Debug)]
pub struct MeasurementInput {
    /// What was measured.
    pub kind: MeasurementKind,
    /// The value as a decimal, such as `92.5` (no exponent).
    pub value: String,
    /// The unit; it must be the kind's unit (`cells`, `%`, `passage`, `PD`, `mL`).
    pub unit: String,
}

/// Parses measurements; a wrong unit or a value out of range is refused.
pub(crate) fn parse_measurements(inputs: Vec<MeasurementInput>) -> ApiResult<Vec<Measurement>> {
    inputs
        .into_iter()
        .map(|m| Measurement::parse(m.kind.domain_name(), &m.value, &m.unit).map_err(refused))
        .collect()
}

/// A lot the step makes.
#[derive(InputObject, Debug)]
pub struct StepOutputInput {
    /// Its kind.
    pub kind: LotKind,
    /// For CELL_BANK lots, master or working; null for every other kind.
    pub bank_level: Option<CellBankLevel>,
}

/// A processing step as the operator records it; the operator is the signed-in user.
#[derive(InputObject, Debug)]
pub struct RecordStepInput {
    /// What the step does.
    pub kind: StepKind,
    /// The SOP followed.
    pub sop_id: String,
    /// Its version.
    pub sop_version: String,
    /// When it started (not in the future).
    pub started_at: DateTime<Utc>,
    /// When it ended, if it is already done (not before the start, not in the future).
    pub ended_at: Option<DateTime<Utc>>,
    /// For TISSUE_PROCESSING, the received donation.
    pub donation_id: Option<Uuid>,
    /// The lots that go in.
    #[graphql(default)]
    pub input_lot_ids: Vec<Uuid>,
    /// The lots the step makes; their codes are assigned.
    #[graphql(default)]
    pub outputs: Vec<StepOutputInput>,
    /// Measurements.
    #[graphql(default)]
    pub measurements: Vec<MeasurementInput>,
    /// Equipment used (each within calibration).
    #[graphql(default)]
    pub equipment_ids: Vec<Uuid>,
    /// Material lots used (each RELEASED and unexpired).
    #[graphql(default)]
    pub material_lot_ids: Vec<Uuid>,
    /// Notes.
    pub notes: Option<String>,
}

impl RecordStepInput {
    /// The domain's step input (with outputs still to be coded) and the outputs to make.
    pub(crate) fn parse(self, step_id: StepId) -> ApiResult<(StepInput, Vec<OutputRequest>)> {
        let input = StepInput {
            step_id,
            kind: self.kind.into(),
            sop_id: label(&self.sop_id, "an SOP id")?,
            sop_version: label(&self.sop_version, "an SOP version")?,
            started_at: timestamp(self.started_at),
            ended_at: self.ended_at.map(timestamp),
            donation: self.donation_id.map(DonationId::from_uuid),
            inputs: self
                .input_lot_ids
                .into_iter()
                .map(LotId::from_uuid)
                .collect(),
            outputs: Vec::new(),
            measurements: parse_measurements(self.measurements)?,
            equipment: self
                .equipment_ids
                .into_iter()
                .map(EquipmentId::from_uuid)
                .collect(),
            material_lots: self
                .material_lot_ids
                .into_iter()
                .map(MaterialLotId::from_uuid)
                .collect(),
            notes: self
                .notes
                .as_deref()
                .map(|notes| narrative(notes, "notes"))
                .transpose()?,
        };
        let outputs = self
            .outputs
            .into_iter()
            .map(|output| OutputRequest {
                lot_id: LotId::from_uuid(Uuid::now_v7()),
                kind: output.kind.into(),
                bank_level: output.bank_level.map(Into::into),
            })
            .collect();
        Ok((input, outputs))
    }
}

/// A deviation as reported.
#[derive(InputObject, Debug)]
pub struct OpenDeviationInput {
    /// The lot concerned.
    pub lot_id: Uuid,
    /// The step concerned, if any (it must have touched the lot).
    pub step_id: Option<Uuid>,
    /// Severity.
    pub severity: DeviationSeverity,
    /// What happened.
    pub description: String,
    /// The impact assessment, if already made.
    pub impact_assessment: Option<String>,
}

impl OpenDeviationInput {
    /// The domain's new deviation.
    pub(crate) fn parse(self, deviation_id: DeviationId) -> ApiResult<NewDeviation> {
        Ok(NewDeviation {
            deviation_id,
            lot_id: LotId::from_uuid(self.lot_id),
            step_id: self.step_id.map(StepId::from_uuid),
            severity: self.severity.into(),
            description: narrative(&self.description, "a description")?,
            impact_assessment: self
                .impact_assessment
                .as_deref()
                .map(|text| narrative(text, "an impact assessment"))
                .transpose()?,
        })
    }
}

/// Where a unit is stored.
#[derive(InputObject, Debug)]
pub struct StorageLocationInput {
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

impl StorageLocationInput {
    /// The domain's storage location.
    pub(crate) fn parse(self) -> ApiResult<mfg::StorageLocation> {
        Ok(mfg::StorageLocation {
            site: label(&self.site, "a site")?,
            freezer: label(&self.freezer, "a freezer")?,
            rack: label(&self.rack, "a rack")?,
            r#box: label(&self.r#box, "a box")?,
            position: label(&self.position, "a position")?,
        })
    }
}

/// One unit to fill.
#[derive(InputObject, Debug)]
pub struct UnitFillInput {
    /// The product code `αooootds` with its division; its description code must be defined by
    /// the installation, and no other unit of the same DIN may carry it.
    pub product_code: String,
    /// Bag or vial.
    pub container: UnitContainer,
    /// Volume in mL, as a decimal.
    pub volume_ml: String,
    /// Viable cells.
    pub cells: u64,
    /// Expiry date and time (after the cryopreservation time).
    pub expires_at: DateTime<Utc>,
    /// Where it is stored.
    pub location: StorageLocationInput,
}

impl UnitFillInput {
    fn parse(self) -> ApiResult<UnitSpec> {
        Ok(UnitSpec {
            unit_id: UnitId::from_uuid(Uuid::now_v7()),
            product_code: product_code(&self.product_code)?,
            container: self.container.into(),
            volume: Millilitres::parse(&self.volume_ml).map_err(refused)?,
            cells: CellCount::new(self.cells).map_err(refused)?,
            expires_at: timestamp(self.expires_at),
            location: self.location.parse()?,
        })
    }
}

/// A fill of units from a DRUG_PRODUCT lot in process.
#[derive(InputObject, Debug)]
pub struct FillUnitsInput {
    /// The lot.
    pub lot_id: Uuid,
    /// When the units were cryopreserved.
    pub cryopreserved_at: DateTime<Utc>,
    /// The units (1 to 1000).
    pub units: Vec<UnitFillInput>,
}

impl FillUnitsInput {
    /// The lot, the cryopreservation time and the unit specifications.
    pub(crate) fn parse(self) -> ApiResult<(LotId, Timestamp, Vec<UnitSpec>)> {
        let units = self
            .units
            .into_iter()
            .map(UnitFillInput::parse)
            .collect::<ApiResult<Vec<_>>>()?;
        Ok((
            LotId::from_uuid(self.lot_id),
            timestamp(self.cryopreserved_at),
            units,
        ))
    }
}

/// Where an upstream trace starts: exactly one of a unit or a lot.
#[derive(OneofObject, Debug, Clone, Copy)]
pub enum UpstreamFrom {
    /// A unit.
    #[graphql(name = "unitId")]
    Unit(Uuid),
    /// A lot.
    #[graphql(name = "lotId")]
    Lot(Uuid),
}

impl std::fmt::Display for UpstreamFrom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UpstreamFrom::Unit(id) => write!(f, "unit {id}"),
            UpstreamFrom::Lot(id) => write!(f, "lot {id}"),
        }
    }
}

impl From<UpstreamFrom> for UpstreamStart {
    fn from(from: UpstreamFrom) -> Self {
        match from {
            UpstreamFrom::Unit(id) => UpstreamStart::Unit(UnitId::from_uuid(id)),
            UpstreamFrom::Lot(id) => UpstreamStart::Lot(LotId::from_uuid(id)),
        }
    }
}

/// Where a downstream trace starts: exactly one of a donor, a donation, a material lot or a lot.
#[derive(OneofObject, Debug, Clone, Copy)]
pub enum DownstreamFrom {
    /// A donor: every lot holding their material.
    #[graphql(name = "donorId")]
    Donor(Uuid),
    /// A donation: every lot made from it.
    #[graphql(name = "donationId")]
    Donation(Uuid),
    /// A material lot: every lot a step using it made or worked on, and their descendants.
    #[graphql(name = "materialLotId")]
    MaterialLot(Uuid),
    /// A lot and its descendants.
    #[graphql(name = "lotId")]
    Lot(Uuid),
}

impl std::fmt::Display for DownstreamFrom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DownstreamFrom::Donor(id) => write!(f, "donor {id}"),
            DownstreamFrom::Donation(id) => write!(f, "donation {id}"),
            DownstreamFrom::MaterialLot(id) => write!(f, "material lot {id}"),
            DownstreamFrom::Lot(id) => write!(f, "lot {id}"),
        }
    }
}

impl From<DownstreamFrom> for DownstreamStart {
    fn from(from: DownstreamFrom) -> Self {
        match from {
            DownstreamFrom::Donor(id) => DownstreamStart::Donor(DonorId::from_uuid(id)),
            DownstreamFrom::Donation(id) => DownstreamStart::Donation(DonationId::from_uuid(id)),
            DownstreamFrom::MaterialLot(id) => {
                DownstreamStart::MaterialLot(MaterialLotId::from_uuid(id))
            }
            DownstreamFrom::Lot(id) => DownstreamStart::Lot(LotId::from_uuid(id)),
        }
    }
}
