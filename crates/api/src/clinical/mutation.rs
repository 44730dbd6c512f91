//! Clinical mutations. Each parses its input into domain types, runs one store command as the
//! viewer in the role the access table grants, and reads the result back.

use async_graphql::{Context, Object};
use chrono::{DateTime, NaiveDate, Utc};
use cordtrace_domain::Timestamp;
use cordtrace_domain::clinical::{BedsideScans, LookbackSource};
use cordtrace_domain::ids::{
    AdministrationId, AdverseEventId, BedsideCheckId, OrderId, PatientId, RecallId, UnitId, VisitId,
};
use cordtrace_domain::redaction::REDACTION_MEANING;
use cordtrace_domain::signature::Meaning;
use cordtrace_domain::values::Kilograms;
use cordtrace_store::commands::clinical::administration::AdministerUnit;
use cordtrace_store::commands::clinical::bedside::CheckAtBedside;
use cordtrace_store::commands::clinical::followup::{
    RecordAdverseEvent, RecordVisit, ResolveAdverseEvent,
};
use cordtrace_store::commands::clinical::orders::{
    AllocateUnit, CancelOrder, DeallocateUnit, PlaceOrder, ThawUnit,
};
use cordtrace_store::commands::clinical::patients::{
    RecordWeight, RedactPatientPersonalData, RegisterPatient,
};
use cordtrace_store::commands::clinical::recall::InitiateRecall;
use cordtrace_store::queries::clinical as reads;
use uuid::Uuid;

use super::bedside::BedsideCheckResult;
use super::inputs::{
    AdministrationInput, AdverseEventInput, OrderInput, PatientPersonalDataInput, VisitInput,
    narrative, refused,
};
use super::lookback::{LookbackObject, RecallResult};
use super::types::{
    AdministrationObject, AdverseEventObject, OrderObject, PatientObject, VisitObject,
};
use crate::context::{ApiContext, execute, parts};
use crate::error::{ApiError, ApiResult};
use crate::identity::SignatureInput;
use crate::production::DownstreamFrom;
use crate::redaction::RedactionReason;
use crate::signing::sign;

async fn read_patient(api: &ApiContext, id: PatientId) -> ApiResult<PatientObject> {
    reads::patient(api.executor.database(), id)
        .await?
        .map(PatientObject::from)
        .ok_or_else(|| ApiError::not_found(format!("patient {id}")))
}

async fn read_order(api: &ApiContext, id: OrderId) -> ApiResult<OrderObject> {
    reads::order(api.executor.database(), id)
        .await?
        .map(OrderObject::from)
        .ok_or_else(|| ApiError::not_found(format!("order {id}")))
}

async fn read_allocated_order(api: &ApiContext, unit_id: UnitId) -> ApiResult<OrderObject> {
    let order_id = reads::order_of_unit(api.executor.database(), unit_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("order of unit {unit_id}")))?;
    read_order(api, order_id).await
}

/// Clinical mutations.
#[derive(Default)]
pub struct ClinicalMutation;

#[Object]
impl ClinicalMutation {
    /// Registers a patient under a new opaque key (`PAT26-000001`); the personal data (name,
    /// date of birth, record number, wristband id) is stored apart from the ledger. A wristband
    /// id already in use is refused with CONFLICT `WRISTBAND_IN_USE`.
    async fn register_patient(
        &self,
        ctx: &Context<'_>,
        personal_data: PatientPersonalDataInput,
    ) -> ApiResult<PatientObject> {
        let personal = personal_data.parse()?;
        let patient_id = PatientId::from_uuid(Uuid::now_v7());
        let command = RegisterPatient {
            patient_id,
            personal,
        };
        let (api, _key) = execute(ctx, "Mutation.registerPatient", command).await?;
        read_patient(api, patient_id).await
    }

    /// Records a body weight measured on a date (the dose is computed from the latest).
    async fn record_weight(
        &self,
        ctx: &Context<'_>,
        patient_id: Uuid,
        #[graphql(desc = "Kilograms, as an exact decimal (1 to 400).")] kilograms: String,
        measured_on: NaiveDate,
    ) -> ApiResult<PatientObject> {
        let patient_id = PatientId::from_uuid(patient_id);
        let command = RecordWeight {
            patient_id,
            weight: Kilograms::parse(&kilograms).map_err(refused)?,
            measured_on,
        };
        let (api, ()) = execute(ctx, "Mutation.recordWeight", command).await?;
        read_patient(api, patient_id).await
    }

    /// A clinician redacts the patient's personal data, signed with meaning RESPONSIBILITY:
    /// every field of `personalData` becomes null and `redactedAt` is set, in one transaction
    /// with a ledger entry that holds only the patient's id and the coded reason. The wristband
    /// id goes too, so a bedside scan of it finds no patient (UNKNOWN_PATIENT) and may be given
    /// to someone else. The key, weights, orders, administrations and follow-up stay. It cannot
    /// be undone, and personal data is never entered again for the patient (someone registered
    /// in error is registered anew); a second redaction is CONFLICT `ALREADY_REDACTED`.
    async fn redact_patient_personal_data(
        &self,
        ctx: &Context<'_>,
        patient_id: Uuid,
        reason: RedactionReason,
        signature: SignatureInput,
    ) -> ApiResult<PatientObject> {
        let patient_id = PatientId::from_uuid(patient_id);
        let (api, viewer) = parts(ctx)?;
        let signature = sign(api, viewer, signature, Some(REDACTION_MEANING)).await?;
        let command = RedactPatientPersonalData {
            patient_id,
            reason: reason.into(),
            signature,
        };
        let (api, ()) = execute(ctx, "Mutation.redactPatientPersonalData", command).await?;
        read_patient(api, patient_id).await
    }

    /// A clinician signs an order (meaning AUTHORSHIP or APPROVAL): dose per kg, infusion days
    /// and route.
    async fn place_order(
        &self,
        ctx: &Context<'_>,
        order: OrderInput,
        signature: SignatureInput,
    ) -> ApiResult<OrderObject> {
        let order_id = OrderId::from_uuid(Uuid::now_v7());
        let order = order.parse(order_id)?;
        let (api, viewer) = parts(ctx)?;
        let signature = sign(api, viewer, signature, None).await?;
        let (api, ()) =
            execute(ctx, "Mutation.placeOrder", PlaceOrder { order, signature }).await?;
        read_order(api, order_id).await
    }

    /// Cancels an active order; its units not yet given are released from it.
    async fn cancel_order(
        &self,
        ctx: &Context<'_>,
        order_id: Uuid,
        reason: String,
    ) -> ApiResult<OrderObject> {
        let order_id = OrderId::from_uuid(order_id);
        let command = CancelOrder {
            order_id,
            reason: narrative(&reason, "a reason")?,
        };
        let (api, ()) = execute(ctx, "Mutation.cancelOrder", command).await?;
        read_order(api, order_id).await
    }

    /// Allocates a RELEASED unit (every donor ELIGIBLE, not expired, not thawed) to an active
    /// order, at most one unit per scheduled infusion.
    async fn allocate_unit(
        &self,
        ctx: &Context<'_>,
        order_id: Uuid,
        unit_id: Uuid,
    ) -> ApiResult<OrderObject> {
        let order_id = OrderId::from_uuid(order_id);
        let command = AllocateUnit {
            order_id,
            unit_id: UnitId::from_uuid(unit_id),
        };
        let (api, ()) = execute(ctx, "Mutation.allocateUnit", command).await?;
        read_order(api, order_id).await
    }

    /// Takes a unit not yet given back from its order; returns the order.
    async fn deallocate_unit(
        &self,
        ctx: &Context<'_>,
        unit_id: Uuid,
        reason: String,
    ) -> ApiResult<OrderObject> {
        let unit_id = UnitId::from_uuid(unit_id);
        let (api, _) = parts(ctx)?;
        let order_id = reads::order_of_unit(api.executor.database(), unit_id).await?;
        let command = DeallocateUnit {
            unit_id,
            reason: narrative(&reason, "a reason")?,
        };
        let (api, ()) = execute(ctx, "Mutation.deallocateUnit", command).await?;
        let order_id =
            order_id.ok_or_else(|| ApiError::not_found(format!("order of unit {unit_id}")))?;
        read_order(api, order_id).await
    }

    /// Records that an allocated unit was thawed (the time thawing finished); its post-thaw
    /// use-by time is fixed from the configured window. Returns the unit's order.
    async fn thaw_unit(
        &self,
        ctx: &Context<'_>,
        unit_id: Uuid,
        thawed_at: DateTime<Utc>,
    ) -> ApiResult<OrderObject> {
        let unit_id = UnitId::from_uuid(unit_id);
        let (api, _) = parts(ctx)?;
        let command = ThawUnit {
            unit_id,
            thawed_at: Timestamp::from_datetime(thawed_at),
            policy: api.clinical,
        };
        let (api, ()) = execute(ctx, "Mutation.thawUnit", command).await?;
        read_allocated_order(api, unit_id).await
    }

    /// Checks the scanned unit against the scanned wristband: `unitScans` are the raw strings
    /// the scanner read from the bag (its ISBT 128 DIN, product code and expiry structures, in
    /// any order, compound messages included), `patientScan` the wristband (`&#...` or the
    /// plain id). Returns `ok` with every reason that applies and the facts to show. Every
    /// check, accepted or refused, is a ledger entry; the wristband is never recorded.
    async fn bedside_check(
        &self,
        ctx: &Context<'_>,
        unit_scans: Vec<String>,
        #[graphql(secret)] patient_scan: String,
    ) -> ApiResult<BedsideCheckResult> {
        let (api, _) = parts(ctx)?;
        let scans = BedsideScans::parse(&unit_scans, &patient_scan);
        let scan_errors = scans
            .scan_errors()
            .iter()
            .map(|code| (*code).to_owned())
            .collect();
        let check_id = BedsideCheckId::from_uuid(Uuid::now_v7());
        let command = CheckAtBedside {
            check_id,
            scans,
            policy: api.clinical,
        };
        let (_, outcome) = execute(ctx, "Mutation.bedsideCheck", command).await?;
        Ok(BedsideCheckResult::new(check_id, outcome, scan_errors))
    }

    /// A clinician confirms an infusion, signed with meaning RESPONSIBILITY. The unit's latest
    /// bedside check must be an accepted one for this patient, made within the configured time
    /// before the start; a unit is administered once (a second confirmation is CONFLICT
    /// `ALREADY_ADMINISTERED`).
    async fn administer_unit(
        &self,
        ctx: &Context<'_>,
        administration: AdministrationInput,
        signature: SignatureInput,
    ) -> ApiResult<AdministrationObject> {
        let administration_id = AdministrationId::from_uuid(Uuid::now_v7());
        let administration = administration.parse(administration_id)?;
        let (api, viewer) = parts(ctx)?;
        let signature = sign(api, viewer, signature, Some(Meaning::Responsibility)).await?;
        let command = AdministerUnit {
            administration,
            signature,
            policy: api.clinical,
        };
        let (api, ()) = execute(ctx, "Mutation.administerUnit", command).await?;
        reads::administration(api.executor.database(), administration_id)
            .await?
            .map(AdministrationObject::from)
            .ok_or_else(|| ApiError::not_found(format!("administration {administration_id}")))
    }

    /// Records a follow-up visit (at least one measurement).
    async fn record_visit(&self, ctx: &Context<'_>, visit: VisitInput) -> ApiResult<VisitObject> {
        let visit_id = VisitId::from_uuid(Uuid::now_v7());
        let visit = visit.parse(visit_id)?;
        let (api, ()) = execute(ctx, "Mutation.recordVisit", RecordVisit { visit }).await?;
        reads::visit(api.executor.database(), visit_id)
            .await?
            .map(VisitObject::from)
            .ok_or_else(|| ApiError::not_found(format!("visit {visit_id}")))
    }

    /// Records an adverse event (CTCAE term and grade, seriousness, relatedness, onset).
    async fn record_adverse_event(
        &self,
        ctx: &Context<'_>,
        adverse_event: AdverseEventInput,
    ) -> ApiResult<AdverseEventObject> {
        let adverse_event_id = AdverseEventId::from_uuid(Uuid::now_v7());
        let adverse_event = adverse_event.parse(adverse_event_id)?;
        let command = RecordAdverseEvent { adverse_event };
        let (api, ()) = execute(ctx, "Mutation.recordAdverseEvent", command).await?;
        read_adverse_event(api, adverse_event_id).await
    }

    /// Records the resolution of an ongoing adverse event.
    async fn resolve_adverse_event(
        &self,
        ctx: &Context<'_>,
        adverse_event_id: Uuid,
        resolved_on: NaiveDate,
    ) -> ApiResult<AdverseEventObject> {
        let adverse_event_id = AdverseEventId::from_uuid(adverse_event_id);
        let command = ResolveAdverseEvent {
            adverse_event_id,
            resolved_on,
        };
        let (api, ()) = execute(ctx, "Mutation.resolveAdverseEvent", command).await?;
        read_adverse_event(api, adverse_event_id).await
    }

    /// QA recalls everything downstream of a donor, donation, material lot or lot, signed with
    /// meaning APPROVAL and with a reason: every lot and unit not yet administered goes ON_HOLD
    /// or RECALLED in one transaction, and the patients who received one are returned.
    async fn recall(
        &self,
        ctx: &Context<'_>,
        from: DownstreamFrom,
        reason: String,
        signature: SignatureInput,
    ) -> ApiResult<RecallResult> {
        let source = LookbackSource::from(from);
        let reason = narrative(&reason, "a reason")?;
        let (api, viewer) = parts(ctx)?;
        let signature = sign(api, viewer, signature, Some(Meaning::Approval)).await?;
        let recall_id = RecallId::from_uuid(Uuid::now_v7());
        let command = InitiateRecall {
            recall_id,
            source,
            reason,
            signature,
        };
        let (api, outcome) = execute(ctx, "Mutation.recall", command).await?;
        let lookback = reads::lookback(api.executor.database(), source)
            .await?
            .ok_or_else(|| ApiError::not_found(from))?;
        Ok(RecallResult {
            recall_id: recall_id.as_uuid(),
            lots_changed: outcome.lots.iter().map(|id| id.as_uuid()).collect(),
            units_changed: outcome.units.iter().map(|id| id.as_uuid()).collect(),
            patients_to_contact: outcome
                .patients_to_contact
                .into_iter()
                .map(Into::into)
                .collect(),
            lookback: LookbackObject(lookback),
        })
    }
}

async fn read_adverse_event(api: &ApiContext, id: AdverseEventId) -> ApiResult<AdverseEventObject> {
    reads::adverse_event(api.executor.database(), id)
        .await?
        .map(AdverseEventObject::from)
        .ok_or_else(|| ApiError::not_found(format!("adverse event {id}")))
}
