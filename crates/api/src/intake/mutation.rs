//! Mutations of donors, donations, material lots, equipment and product codes. Each parses its
//! input into domain types, runs one store command, and reads the result back.

use async_graphql::{Context, InputObject, Object, OneofObject};
use chrono::NaiveDate;
use cordtrace_domain::Refusal;
use cordtrace_domain::ids::{DonationId, DonorId, EquipmentId, MaterialLotId, ScreeningTestId};
use cordtrace_domain::manufacturing::commands::donations::ReceiptInput as DomainReceipt;
use cordtrace_domain::manufacturing::commands::donors::screening_test;
use cordtrace_domain::manufacturing::{Consent, ManufacturingError};
use cordtrace_domain::redaction::REDACTION_MEANING;
use cordtrace_domain::signature::Meaning;
use cordtrace_domain::values::{Celsius, Label, Narrative, ValueError, ZonedTime};
use cordtrace_store::commands::manufacturing::donations::{
    DinEntry, ReceiveDonation, RegisterDonation,
};
use cordtrace_store::commands::manufacturing::donors::{
    DetermineEligibility, RecordConsent, RecordScreening, RedactDonorPersonalData, RegisterDonor,
    RequestEligibility, WithdrawConsent,
};
use cordtrace_store::commands::manufacturing::materials::{
    CalibrateEquipment, DefineProduct, RegisterEquipment, RegisterMaterialLot, SetMaterialQc,
};
use cordtrace_store::queries::donors as reads;
use cordtrace_store::side_write::DonorPersonalData;
use uuid::Uuid;

use super::supplies::{EquipmentObject, MaterialLotObject, ProductDefinitionObject};
use super::types::{ConsentScope, DonationObject, DonorObject, EligibilityStatus, ScreeningResult};
use crate::context::{ApiContext, execute, parts};
use crate::error::{ApiError, ApiResult};
use crate::identity::SignatureInput;
use crate::production::{ArrivalCondition, MaterialQcStatus};
use crate::redaction::RedactionReason;
use crate::signing::sign;

/// A donor's personal data, kept apart from the ledger. Never logged.
#[derive(InputObject)]
pub struct DonorPersonalDataInput {
    /// Full name (1 to 200 characters).
    #[graphql(secret)]
    pub full_name: String,
    /// Date of birth.
    #[graphql(secret)]
    pub date_of_birth: Option<NaiveDate>,
    /// The hospital's record number.
    #[graphql(secret)]
    pub hospital_record_number: Option<String>,
    /// How to reach her (phone, address).
    #[graphql(secret)]
    pub contact: Option<String>,
}

/// The informed consent.
#[derive(InputObject, Debug)]
pub struct ConsentInput {
    /// The consent form.
    pub form_id: String,
    /// Its version.
    pub form_version: String,
    /// The date it was signed.
    pub signed_on: NaiveDate,
    /// What it covers: at least one of THERAPY and RESEARCH.
    pub scope: Vec<ConsentScope>,
}

/// One screening result.
#[derive(InputObject, Debug)]
pub struct ScreeningInput {
    /// The marker, exactly as named in `screeningPanel`.
    pub marker: String,
    /// The test method.
    pub method: String,
    /// The result.
    pub result: ScreeningResult,
    /// When the specimen was taken: within the panel's window of every recovery of her cords.
    pub specimen_date: NaiveDate,
}

/// An eligibility determination.
#[derive(InputObject, Debug)]
pub struct EligibilityInput {
    /// The decision.
    pub status: EligibilityStatus,
    /// The reasons; at least one for INELIGIBLE.
    #[graphql(default)]
    pub reasons: Vec<String>,
}

/// How the DIN of a new donation is given: exactly one of the three.
#[derive(OneofObject, Debug)]
pub enum DinEntryInput {
    /// Scanned barcode data: `=`, the 13 characters, two flag characters (a type 3 flag is
    /// checked against the DIN).
    Scanned(String),
    /// Typed from the label: the 13 characters and the keyboard check character (checked).
    Typed(String),
    /// `true`: cordtrace assigns the next DIN under the configured FIN.
    Assign(bool),
}

/// A new cord donation.
#[derive(InputObject, Debug)]
pub struct DonationInput {
    /// The birth mother.
    pub donor_id: Uuid,
    /// The DIN.
    pub din: DinEntryInput,
    /// When the cord was recovered: RFC 3339 with the ward's UTC offset.
    pub collected_at: String,
    /// Where.
    pub site: String,
}

/// Receipt of a donation at the lab.
#[derive(InputObject, Debug)]
pub struct ReceiptInput {
    /// When it arrived: RFC 3339 with a UTC offset.
    pub received_at: String,
    /// Temperature in the transport container, degrees Celsius (exact decimal, e.g. `4.5`).
    pub transport_temperature: String,
    /// The state it arrived in.
    pub condition: ArrivalCondition,
}

/// A new material lot, received into quarantine.
#[derive(InputObject, Debug)]
pub struct MaterialLotInput {
    /// What it is, e.g. `human platelet lysate`.
    pub material: String,
    /// Who made it.
    pub supplier: String,
    /// The supplier's lot number.
    pub supplier_lot: String,
    /// Its expiry date.
    pub expires_on: NaiveDate,
}

/// A new piece of equipment.
#[derive(InputObject, Debug)]
pub struct EquipmentInput {
    /// The asset tag on the device, unique.
    pub asset_tag: String,
    /// What it is, e.g. `biosafety cabinet`.
    pub kind: String,
    /// The last day it may be used before recalibration.
    pub calibration_due: NaiveDate,
}

fn refused(error: impl Into<ManufacturingError>) -> ApiError {
    Refusal::from(error.into()).into()
}

fn label(raw: &str, what: &'static str) -> ApiResult<Label> {
    Label::parse(raw, what).map_err(refused)
}

fn value<T>(parsed: Result<T, ValueError>) -> ApiResult<T> {
    parsed.map_err(refused)
}

/// The longest hospital record number the `donor_personal` table holds.
const MAX_RECORD_NUMBER_CHARS: usize = 64;

impl DonorPersonalDataInput {
    fn parse(self) -> ApiResult<DonorPersonalData> {
        let optional = |raw: Option<String>, what| raw.map(|text| label(&text, what)).transpose();
        let hospital_record_number =
            optional(self.hospital_record_number, "hospital record number")?;
        if hospital_record_number
            .as_ref()
            .is_some_and(|number| number.as_str().chars().count() > MAX_RECORD_NUMBER_CHARS)
        {
            return Err(ApiError::validation(
                "INVALID_VALUE",
                format!("hospital record number must be 1 to {MAX_RECORD_NUMBER_CHARS} characters"),
            ));
        }
        Ok(DonorPersonalData {
            full_name: label(&self.full_name, "full name")?,
            date_of_birth: self.date_of_birth,
            hospital_record_number,
            contact: optional(self.contact, "contact")?,
        })
    }
}

impl ConsentInput {
    fn parse(self) -> ApiResult<Consent> {
        if self.scope.is_empty() {
            return Err(ApiError::validation(
                "CONSENT_SCOPE_EMPTY",
                "a consent covers THERAPY, RESEARCH or both",
            ));
        }
        Ok(Consent {
            form_id: label(&self.form_id, "form id")?,
            form_version: label(&self.form_version, "form version")?,
            signed_on: self.signed_on,
            therapy: self.scope.contains(&ConsentScope::Therapy),
            research: self.scope.contains(&ConsentScope::Research),
            withdrawal: None,
        })
    }
}

impl DinEntryInput {
    fn parse(self) -> ApiResult<DinEntry> {
        Ok(match self {
            DinEntryInput::Scanned(raw) => DinEntry::Scanned(raw),
            DinEntryInput::Typed(raw) => DinEntry::Typed(raw),
            DinEntryInput::Assign(true) => DinEntry::Assign,
            DinEntryInput::Assign(false) => {
                return Err(ApiError::validation(
                    "DIN_ENTRY",
                    "give the DIN as `scanned` or `typed`, or set `assign: true`",
                ));
            }
        })
    }
}

async fn donor_after(api: &ApiContext, donor_id: DonorId) -> ApiResult<DonorObject> {
    reads::donor(api.executor.database(), donor_id)
        .await?
        .map(DonorObject::from)
        .ok_or_else(|| ApiError::not_found(format!("donor {donor_id}")))
}

async fn donation_after(api: &ApiContext, donation_id: DonationId) -> ApiResult<DonationObject> {
    reads::donation(api.executor.database(), donation_id)
        .await?
        .map(DonationObject::from)
        .ok_or_else(|| ApiError::not_found(format!("donation {donation_id}")))
}

async fn material_lot_after(
    api: &ApiContext,
    material_lot_id: MaterialLotId,
) -> ApiResult<MaterialLotObject> {
    reads::material_lot(api.executor.database(), material_lot_id)
        .await?
        .map(MaterialLotObject::from)
        .ok_or_else(|| ApiError::not_found(format!("material lot {material_lot_id}")))
}

async fn equipment_after(
    api: &ApiContext,
    equipment_id: EquipmentId,
) -> ApiResult<EquipmentObject> {
    reads::equipment_item(api.executor.database(), equipment_id)
        .await?
        .map(EquipmentObject::from)
        .ok_or_else(|| ApiError::not_found(format!("equipment {equipment_id}")))
}

/// Mutations of what enters the facility.
#[derive(Default)]
pub struct IntakeMutation;

#[Object]
impl IntakeMutation {
    /// Registers a donor under a new opaque key; her personal data is stored apart from the
    /// ledger.
    async fn register_donor(
        &self,
        ctx: &Context<'_>,
        personal_data: DonorPersonalDataInput,
    ) -> ApiResult<DonorObject> {
        let personal = personal_data.parse()?;
        let donor_id = DonorId::from_uuid(Uuid::now_v7());
        let (api, _key) = execute(
            ctx,
            "Mutation.registerDonor",
            RegisterDonor { donor_id, personal },
        )
        .await?;
        donor_after(api, donor_id).await
    }

    /// Records the donor's informed consent.
    async fn record_consent(
        &self,
        ctx: &Context<'_>,
        donor_id: Uuid,
        consent: ConsentInput,
    ) -> ApiResult<DonorObject> {
        let donor_id = DonorId::from_uuid(donor_id);
        let consent = consent.parse()?;
        let (api, ()) = execute(
            ctx,
            "Mutation.recordConsent",
            RecordConsent { donor_id, consent },
        )
        .await?;
        donor_after(api, donor_id).await
    }

    /// Records that the donor withdrew consent: her material may not be used further, and is
    /// flagged CONSENT_WITHDRAWN wherever it appears.
    async fn withdraw_consent(
        &self,
        ctx: &Context<'_>,
        donor_id: Uuid,
        withdrawn_on: NaiveDate,
        reason: String,
    ) -> ApiResult<DonorObject> {
        let donor_id = DonorId::from_uuid(donor_id);
        let reason = value(Narrative::parse(&reason, "reason"))?;
        let (api, ()) = execute(
            ctx,
            "Mutation.withdrawConsent",
            WithdrawConsent {
                donor_id,
                withdrawn_on,
                reason,
            },
        )
        .await?;
        donor_after(api, donor_id).await
    }

    /// Records a screening result of the birth mother's blood.
    async fn record_screening(
        &self,
        ctx: &Context<'_>,
        donor_id: Uuid,
        test: ScreeningInput,
    ) -> ApiResult<DonorObject> {
        let donor_id = DonorId::from_uuid(donor_id);
        let test = screening_test(
            ScreeningTestId::from_uuid(Uuid::now_v7()),
            label(&test.marker, "marker")?,
            label(&test.method, "method")?,
            test.result.into(),
            test.specimen_date,
        );
        let (api, _) = parts(ctx)?;
        let command = RecordScreening {
            donor_id,
            test,
            policy: api.manufacturing.screening.clone(),
        };
        execute(ctx, "Mutation.recordScreening", command).await?;
        donor_after(api, donor_id).await
    }

    /// A technician asks QA to determine the donor's eligibility once her record is complete
    /// (a consent, a recovered cord, every marker of the panel within the window); refused
    /// with every missing record in `extensions.reasons`, for a donor determined already
    /// (ELIGIBILITY_DETERMINED) and while a request waits (ALREADY_REQUESTED).
    async fn request_eligibility(
        &self,
        ctx: &Context<'_>,
        donor_id: Uuid,
    ) -> ApiResult<DonorObject> {
        let donor_id = DonorId::from_uuid(donor_id);
        let (api, _) = parts(ctx)?;
        let command = RequestEligibility {
            donor_id,
            policy: api.manufacturing.screening.clone(),
        };
        execute(ctx, "Mutation.requestEligibility", command).await?;
        donor_after(api, donor_id).await
    }

    /// QA determines the donor's eligibility, signed with the meaning RESPONSIBILITY (21 CFR
    /// 1271.50: a responsible person determines). ELIGIBLE is refused with every unmet
    /// condition listed in `extensions.reasons`.
    async fn determine_eligibility(
        &self,
        ctx: &Context<'_>,
        donor_id: Uuid,
        determination: EligibilityInput,
        signature: SignatureInput,
    ) -> ApiResult<DonorObject> {
        let (api, viewer) = parts(ctx)?;
        let donor_id = DonorId::from_uuid(donor_id);
        let reasons = determination
            .reasons
            .iter()
            .map(|reason| label(reason, "reason"))
            .collect::<ApiResult<Vec<Label>>>()?;
        let signature = sign(api, viewer, signature, Some(Meaning::Responsibility)).await?;
        let (api, ()) = execute(
            ctx,
            "Mutation.determineEligibility",
            DetermineEligibility {
                donor_id,
                status: determination.status.into(),
                reasons,
                policy: api.manufacturing.screening.clone(),
                signature,
            },
        )
        .await?;
        donor_after(api, donor_id).await
    }

    /// QA redacts the donor's personal data, signed with the meaning RESPONSIBILITY: every
    /// field of `personalData` becomes null and `redactedAt` is set, in one transaction with a
    /// ledger entry that holds only the donor's id and the coded reason. Her key, consent,
    /// screening, eligibility and donations stay. It cannot be undone, and personal data is
    /// never entered again for her; a second redaction is CONFLICT `ALREADY_REDACTED`.
    async fn redact_donor_personal_data(
        &self,
        ctx: &Context<'_>,
        donor_id: Uuid,
        reason: RedactionReason,
        signature: SignatureInput,
    ) -> ApiResult<DonorObject> {
        let (api, viewer) = parts(ctx)?;
        let donor_id = DonorId::from_uuid(donor_id);
        let signature = sign(api, viewer, signature, Some(REDACTION_MEANING)).await?;
        let (api, ()) = execute(
            ctx,
            "Mutation.redactDonorPersonalData",
            RedactDonorPersonalData {
                donor_id,
                reason: reason.into(),
                signature,
            },
        )
        .await?;
        donor_after(api, donor_id).await
    }

    /// Registers a cord donation under its ISBT 128 DIN, scanned, typed or assigned.
    async fn register_donation(
        &self,
        ctx: &Context<'_>,
        donation: DonationInput,
    ) -> ApiResult<DonationObject> {
        let (api, _) = parts(ctx)?;
        let donation_id = DonationId::from_uuid(Uuid::now_v7());
        let command = RegisterDonation {
            donation_id,
            donor_id: DonorId::from_uuid(donation.donor_id),
            din: donation.din.parse()?,
            fin: api.manufacturing.fin,
            collected_at: value(ZonedTime::parse(&donation.collected_at))?,
            site: label(&donation.site, "site")?,
        };
        let (api, _din) = execute(ctx, "Mutation.registerDonation", command).await?;
        donation_after(api, donation_id).await
    }

    /// Records the donation's receipt at the lab; the transit time is computed and flagged over
    /// the configured limit.
    async fn receive_donation(
        &self,
        ctx: &Context<'_>,
        donation_id: Uuid,
        receipt: ReceiptInput,
    ) -> ApiResult<DonationObject> {
        let donation_id = DonationId::from_uuid(donation_id);
        let input = DomainReceipt {
            donation_id,
            received_at: value(ZonedTime::parse(&receipt.received_at))?.utc(),
            transport_temperature: value(Celsius::parse(&receipt.transport_temperature))?,
            condition: receipt.condition.into(),
        };
        let (api, _) = parts(ctx)?;
        let command = ReceiveDonation {
            input,
            max_transit_hours: api.manufacturing.max_transit_hours,
        };
        execute(ctx, "Mutation.receiveDonation", command).await?;
        donation_after(api, donation_id).await
    }

    /// Registers a material lot, in QUARANTINE until QA releases it.
    async fn register_material_lot(
        &self,
        ctx: &Context<'_>,
        lot: MaterialLotInput,
    ) -> ApiResult<MaterialLotObject> {
        let material_lot_id = MaterialLotId::from_uuid(Uuid::now_v7());
        let command = RegisterMaterialLot {
            material_lot_id,
            material: label(&lot.material, "material")?,
            supplier: label(&lot.supplier, "supplier")?,
            supplier_lot: label(&lot.supplier_lot, "supplier lot")?,
            expires_on: lot.expires_on,
        };
        let (api, ()) = execute(ctx, "Mutation.registerMaterialLot", command).await?;
        material_lot_after(api, material_lot_id).await
    }

    /// QA releases or rejects a material lot (QUARANTINE to RELEASED or REJECTED; RELEASED to
    /// REJECTED), signed with the meaning APPROVAL: the decision that lets a reagent into
    /// production, or keeps it out, is QA's signed act (21 CFR 1271.210).
    async fn set_material_qc_status(
        &self,
        ctx: &Context<'_>,
        material_lot_id: Uuid,
        status: MaterialQcStatus,
        signature: SignatureInput,
    ) -> ApiResult<MaterialLotObject> {
        let (api, viewer) = parts(ctx)?;
        let material_lot_id = MaterialLotId::from_uuid(material_lot_id);
        let signature = sign(api, viewer, signature, Some(Meaning::Approval)).await?;
        let (api, ()) = execute(
            ctx,
            "Mutation.setMaterialQcStatus",
            SetMaterialQc {
                material_lot_id,
                status: status.into(),
                signature,
            },
        )
        .await?;
        material_lot_after(api, material_lot_id).await
    }

    /// Registers a piece of equipment.
    async fn register_equipment(
        &self,
        ctx: &Context<'_>,
        equipment: EquipmentInput,
    ) -> ApiResult<EquipmentObject> {
        let equipment_id = EquipmentId::from_uuid(Uuid::now_v7());
        let command = RegisterEquipment {
            equipment_id,
            asset_tag: label(&equipment.asset_tag, "asset tag")?,
            kind: label(&equipment.kind, "kind")?,
            calibration_due: equipment.calibration_due,
        };
        let (api, ()) = execute(ctx, "Mutation.registerEquipment", command).await?;
        equipment_after(api, equipment_id).await
    }

    /// Records a calibration and the new due date.
    async fn calibrate_equipment(
        &self,
        ctx: &Context<'_>,
        equipment_id: Uuid,
        calibration_due: NaiveDate,
    ) -> ApiResult<EquipmentObject> {
        let equipment_id = EquipmentId::from_uuid(equipment_id);
        let (api, ()) = execute(
            ctx,
            "Mutation.calibrateEquipment",
            CalibrateEquipment {
                equipment_id,
                calibration_due,
            },
        )
        .await?;
        equipment_after(api, equipment_id).await
    }

    /// Defines a product description code (a capital letter and four digits) with its text.
    async fn define_product(
        &self,
        ctx: &Context<'_>,
        code: String,
        description: String,
    ) -> ApiResult<ProductDefinitionObject> {
        let description = label(&description, "description")?;
        let (api, ()) = execute(
            ctx,
            "Mutation.defineProduct",
            DefineProduct {
                code: code.clone(),
                description,
            },
        )
        .await?;
        reads::product(api.executor.database(), &code)
            .await?
            .map(ProductDefinitionObject::from)
            .ok_or_else(|| ApiError::not_found(format!("product {code}")))
    }
}
