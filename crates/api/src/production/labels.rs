//! Printing a unit's label: the data of its ISBT 128 symbols and every line it prints, read
//! from the record and the installation's settings, with the print recorded in the ledger
//! (`unit.label_printed`) so a label in a freezer is traced to its print. The HTTP routes that
//! render the label as SVG, PDF or ZPL and the `printUnitLabel` mutation share this.

use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;
use cordtrace_domain::Refusal;
use cordtrace_domain::ids::UnitId;
use cordtrace_domain::isbt128::{Expiry, LabelDateTime, ProcessingDate, UnitLabelData};
use cordtrace_domain::manufacturing::commands::units::{self, LabelPrint};
use cordtrace_domain::manufacturing::{self as mfg, Unit, label_warnings};
use cordtrace_store::commands::manufacturing::units::PrintUnitLabel;
use cordtrace_store::queries::{clinical, donors, production};
use uuid::Uuid;

use super::UnitContainer;
use crate::context::{ApiContext, Viewer, parts};
use crate::error::{ApiError, ApiResult};
use crate::mirror::mirror_enum;

/// The operation whose access rule every label print follows, over GraphQL or HTTP.
pub const PRINT_LABEL_OPERATION: &str = "Mutation.printUnitLabel";

/// The document a label is printed as.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelFormat {
    /// SVG, for a browser's print dialog.
    Svg,
    /// PDF at the label's size.
    Pdf,
    /// ZPL II, for a thermal label printer.
    Zpl,
}

mirror_enum!(LabelFormat <=> mfg::LabelFormat { Svg, Pdf, Zpl });

/// Everything one printed label carries, as the record and the installation state it.
#[derive(Clone, Debug)]
pub struct PrintedLabel {
    /// Which print of this unit's label this is, from 1, and the flag it carries.
    pub print: LabelPrint,
    /// The unit.
    pub unit: Unit,
    /// The data of its symbols (with the flag this print carries).
    pub data: UnitLabelData,
    /// The installation's description of the product code.
    pub product_description: String,
    /// The facility's name and address.
    pub facility_name: String,
    /// The facility's address.
    pub facility_address: String,
    /// The storage conditions.
    pub storage: String,
    /// When the cord was collected (single-donor units), in the facility's zone.
    pub collected_at: Option<DateTime<Tz>>,
    /// When the unit expires, in the facility's zone.
    pub expires_at: DateTime<Tz>,
    /// Its donors' opaque keys.
    pub donor_keys: Vec<String>,
    /// The patient it is allocated to.
    pub recipient: Option<LabelRecipient>,
    /// The warnings, in print order.
    pub warnings: Vec<&'static str>,
}

/// The intended recipient a label names.
#[derive(Clone)]
pub struct LabelRecipient {
    /// The patient's opaque key, printed on every label of an allocated unit.
    pub key: String,
    /// The patient's full name, only for a viewer who may read a patient's personal data
    /// (`Patient.personalData`) and while it is not redacted; never in the ledger.
    pub name: Option<String>,
}

/// Personal data stays out of logs, even through Debug.
impl std::fmt::Debug for LabelRecipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabelRecipient")
            .field("key", &self.key)
            .field("name", &self.name.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A label time in the facility's zone, to the minute as ISBT 128 carries it.
fn label_time(instant: DateTime<Tz>) -> ApiResult<LabelDateTime> {
    let time = instant
        .time()
        .with_second(0)
        .and_then(|t| t.with_nanosecond(0));
    LabelDateTime::new(instant.date_naive(), time).map_err(|error| {
        ApiError::validation(
            error.code(),
            format!("{instant} cannot be printed as an ISBT 128 date: {error}"),
        )
    })
}

/// Prints the label of `unit_id` as `format` for `viewer`: [`prepare_unit_label`], then
/// [`record_label_print`].
pub async fn print_unit_label(
    api: &ApiContext,
    viewer: &Viewer,
    unit_id: UnitId,
    format: mfg::LabelFormat,
) -> ApiResult<PrintedLabel> {
    let label = prepare_unit_label(api, viewer, unit_id).await?;
    record_label_print(api, viewer, &label, format).await?;
    Ok(label)
}

/// Records the print of `label`, prepared by [`prepare_unit_label`] and rendered as `format`:
/// refused (LABEL_PRINTED_MEANWHILE) when another print was recorded since, so the ledger
/// always names the print the document carries.
pub async fn record_label_print(
    api: &ApiContext,
    viewer: &Viewer,
    label: &PrintedLabel,
    format: mfg::LabelFormat,
) -> ApiResult<()> {
    let actor = viewer.actor(PRINT_LABEL_OPERATION)?;
    let session = viewer.session()?;
    api.executor
        .execute_in_session(
            session.session_id,
            actor,
            PrintUnitLabel {
                unit_id: label.unit.id,
                format,
                prepared: label.print,
                flags_reprints: api.manufacturing.labels.flags_reprints,
            },
        )
        .await?;
    Ok(())
}

/// The label of `unit_id` for its next print, read and checked with nothing written: a label
/// that cannot be made (an unknown unit or product code, a unit that may not be labelled, a
/// date ISBT 128 cannot express) is refused here, before the caller renders it and records
/// the print.
pub async fn prepare_unit_label(
    api: &ApiContext,
    viewer: &Viewer,
    unit_id: UnitId,
) -> ApiResult<PrintedLabel> {
    // Who may print is checked before anything is read.
    viewer.actor(PRINT_LABEL_OPERATION)?;
    let database = api.executor.database();
    let record = production::unit(database, unit_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("unit {unit_id}")))?;
    let unit = record.unit;
    let description_code = unit.product_code.description_code().to_owned();
    let product = donors::product(database, &description_code)
        .await?
        .ok_or_else(|| {
            ApiError::validation(
                "UNKNOWN_PRODUCT_CODE",
                format!("the installation's product table does not describe {description_code}"),
            )
        })?;
    let lot = production::lot(database, record.lot.id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("lot {}", record.lot.id)))?;
    let zone = api.clinical.time_zone;
    let expires_at = unit.expires_at.as_datetime().with_timezone(&zone);
    let expiry = Expiry::new(label_time(expires_at)?);
    // A unit of one donation carries its DIN, and that donation's collection date; a pool
    // carries its production (cryopreservation) date instead.
    let donation = donors::donation_by_din(database, unit.din).await?;
    let collected_at = donation.as_ref().map(|donation| {
        donation
            .collected_at
            .utc()
            .as_datetime()
            .with_timezone(&zone)
    });
    let processing_date = match collected_at {
        Some(collected) => ProcessingDate::Collection(label_time(collected)?),
        None => ProcessingDate::Production(label_time(
            unit.cryopreserved_at.as_datetime().with_timezone(&zone),
        )?),
    };
    let recipient = match clinical::order_of_unit(database, unit_id).await? {
        Some(order_id) => recipient(api, viewer, order_id).await?,
        None => None,
    };
    let donors: Vec<&mfg::Donor> = lot.donors.iter().collect();
    let warnings = label_warnings(unit.status, &donors, recipient.is_some())
        .into_iter()
        .map(mfg::LabelWarning::text)
        .collect();
    let labels = &api.manufacturing.labels;
    let print = units::next_label_print(&unit, labels.flags_reprints).map_err(Refusal::from)?;
    Ok(PrintedLabel {
        print,
        data: UnitLabelData::new(
            unit.din,
            print.flag,
            unit.product_code,
            expiry,
            Some(processing_date),
        ),
        product_description: product.description.to_string(),
        facility_name: labels.facility_name.clone(),
        facility_address: labels.facility_address.clone(),
        storage: labels.storage.clone(),
        collected_at,
        expires_at,
        donor_keys: lot
            .donors
            .iter()
            .map(|donor| donor.key.as_str().to_owned())
            .collect(),
        recipient,
        warnings,
        unit,
    })
}

/// The patient `order_id` is for, with the name only when `viewer` may read it: the access
/// rule of `Patient.personalData` decides, so a technician's print names the patient by key
/// alone and a user who is also a clinician gets the name a clinician reads.
async fn recipient(
    api: &ApiContext,
    viewer: &Viewer,
    order_id: cordtrace_domain::ids::OrderId,
) -> ApiResult<Option<LabelRecipient>> {
    let database = api.executor.database();
    let Some(order) = clinical::order(database, order_id).await? else {
        return Ok(None);
    };
    let Some(patient) = clinical::patient(database, order.patient_id).await? else {
        return Ok(None);
    };
    let name = if viewer.acting_role(PERSONAL_DATA_FIELD).is_ok() {
        clinical::personal_data(database, vec![patient.id])
            .await?
            .remove(&patient.id)
            .and_then(|personal| personal.full_name)
    } else {
        None
    };
    Ok(Some(LabelRecipient {
        key: patient.key.as_str().to_owned(),
        name,
    }))
}

/// The field whose access rule says who may read a patient's name.
const PERSONAL_DATA_FIELD: &str = "Patient.personalData";

/// A printed label, as the API shows it: the strings its symbols encode and the lines it
/// prints, for a print client that draws its own layout.
#[derive(SimpleObject)]
pub struct PrintedUnitLabel {
    /// Which print of this unit's label this is, from 1; every later one is a reprint.
    print: i32,
    /// The unit.
    unit_id: Uuid,
    /// Bag (the 100 mm x 100 mm base label) or vial (the small container label).
    container: UnitContainer,
    /// The data structures, one Code 128 symbol each, in print order: DIN with flags (001),
    /// product code (003), expiry (004 or 005), collection or production date.
    data_structures: Vec<String>,
    /// The Data Matrix's compound message (data structure 023).
    compound_message: String,
    /// The eye-readable DIN, spaced as printed.
    eye_readable_din: String,
    /// The flag characters printed after it.
    flag_characters: String,
    /// The keyboard check character, printed boxed and encoded in no symbol.
    check_character: String,
    /// The installation's description of the product.
    product_description: String,
    /// The facility.
    facility_name: String,
    /// Its address.
    facility_address: String,
    /// Collection time (single-donor units), in the facility's zone.
    collected_at: Option<DateTime<Utc>>,
    /// Expiry, in UTC; printed in the facility's zone.
    expires_at: DateTime<Utc>,
    /// Viable cells.
    cells: String,
    /// Volume in mL.
    volume_ml: String,
    /// The storage conditions.
    storage: String,
    /// The donors' opaque keys (never personal data).
    donor_keys: Vec<String>,
    /// The intended recipient's opaque key, when allocated.
    recipient_key: Option<String>,
    /// The warnings, in print order.
    warnings: Vec<String>,
}

impl From<PrintedLabel> for PrintedUnitLabel {
    fn from(label: PrintedLabel) -> Self {
        let eye = label.data.eye_readable_din();
        Self {
            print: i32::try_from(label.print.print).unwrap_or(i32::MAX),
            unit_id: label.unit.id.as_uuid(),
            container: label.unit.container.into(),
            data_structures: label
                .data
                .structures()
                .iter()
                .map(|scan| scan.data_structure())
                .collect(),
            compound_message: label.data.compound().to_string(),
            eye_readable_din: eye.din_text(),
            flag_characters: eye.flag_text(),
            check_character: eye.check_character().to_string(),
            product_description: label.product_description,
            facility_name: label.facility_name,
            facility_address: label.facility_address,
            collected_at: label
                .collected_at
                .map(|collected| collected.with_timezone(&Utc)),
            expires_at: label.expires_at.with_timezone(&Utc),
            cells: label.unit.cells.get().to_string(),
            volume_ml: label.unit.volume.value().to_string(),
            storage: label.storage,
            donor_keys: label.donor_keys,
            recipient_key: label.recipient.map(|recipient| recipient.key),
            warnings: label.warnings.into_iter().map(str::to_owned).collect(),
        }
    }
}

/// Label printing.
#[derive(Default)]
pub struct LabelMutation;

#[Object]
impl LabelMutation {
    /// Prints a unit's label: records the print in the ledger (a reprint carries the flag 05
    /// where the facility marks reprints so) and returns what the label carries.
    async fn print_unit_label(
        &self,
        ctx: &Context<'_>,
        unit_id: Uuid,
        format: LabelFormat,
    ) -> ApiResult<PrintedUnitLabel> {
        let (api, viewer) = parts(ctx)?;
        print_unit_label(api, viewer, UnitId::from_uuid(unit_id), format.into())
            .await
            .map(PrintedUnitLabel::from)
    }
}
