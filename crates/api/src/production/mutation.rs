//! Production mutations: steps, lot status, deviations, units and their custody.
//!
//! Each resolver parses its input into domain types, runs one store command as the viewer in the
//! role the access table grants, and reads the result back.

use std::collections::BTreeSet;

use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};
use cordtrace_domain::identity::Username;
use cordtrace_domain::ids::{DeviationId, HandoffId, LotId, StepId, UnitId};
use cordtrace_domain::manufacturing::commands::lots::LotAction;
use cordtrace_domain::signature::Meaning;
use cordtrace_domain::values::Celsius;
use cordtrace_store::commands::manufacturing::lots::{
    AssessDeviation, ChangeLotStatus, CloseDeviation, OpenDeviation,
};
use cordtrace_store::commands::manufacturing::steps::{CompleteStep, RecordStep};
use cordtrace_store::commands::manufacturing::units::{ChangeUnit, FillUnits, UnitAction};
use cordtrace_store::queries::production;
use uuid::Uuid;

use super::inputs::{
    FillUnitsInput, MeasurementInput, OpenDeviationInput, RecordStepInput, StorageLocationInput,
    label, narrative, parse_measurements, refused, timestamp,
};
use super::types::{ArrivalCondition, Deviation, FillUnitsPayload, Lot, Step, Unit, UnitStatus};
use crate::context::{ApiContext, execute, parts};
use crate::error::{ApiError, ApiResult};
use crate::identity::SignatureInput;
use crate::signing;

async fn read_step(api: &ApiContext, step_id: StepId) -> ApiResult<Step> {
    production::step(api.executor.database(), step_id)
        .await?
        .map(Step::from)
        .ok_or_else(|| ApiError::not_found(format!("step {step_id}")))
}

async fn read_lot(api: &ApiContext, lot_id: LotId) -> ApiResult<Lot> {
    production::lot(api.executor.database(), lot_id)
        .await?
        .map(Lot::from)
        .ok_or_else(|| ApiError::not_found(format!("lot {lot_id}")))
}

async fn read_deviation(api: &ApiContext, deviation_id: DeviationId) -> ApiResult<Deviation> {
    production::deviation(api.executor.database(), deviation_id)
        .await?
        .map(Deviation::from)
        .ok_or_else(|| ApiError::not_found(format!("deviation {deviation_id}")))
}

async fn read_unit(api: &ApiContext, unit_id: UnitId) -> ApiResult<Unit> {
    production::unit(api.executor.database(), unit_id)
        .await?
        .map(Unit::from)
        .ok_or_else(|| ApiError::not_found(format!("unit {unit_id}")))
}

async fn change_lot(
    ctx: &Context<'_>,
    operation: &str,
    lot_id: Uuid,
    action: LotAction,
) -> ApiResult<Lot> {
    let lot_id = LotId::from_uuid(lot_id);
    let (api, ()) = execute(ctx, operation, ChangeLotStatus { lot_id, action }).await?;
    read_lot(api, lot_id).await
}

async fn change_unit(
    ctx: &Context<'_>,
    operation: &str,
    unit_id: Uuid,
    action: UnitAction,
) -> ApiResult<Unit> {
    let unit_id = UnitId::from_uuid(unit_id);
    let (api, ()) = execute(ctx, operation, ChangeUnit { unit_id, action }).await?;
    read_unit(api, unit_id).await
}

/// Production mutations.
#[derive(Default)]
pub struct ProductionMutation;

#[Object]
impl ProductionMutation {
    /// Records a processing step done by the signed-in technician; the lots it makes get codes.
    async fn record_step(&self, ctx: &Context<'_>, input: RecordStepInput) -> ApiResult<Step> {
        let step_id = StepId::from_uuid(Uuid::now_v7());
        let (input, outputs) = input.parse(step_id)?;
        let (api, _codes) =
            execute(ctx, "Mutation.recordStep", RecordStep { input, outputs }).await?;
        read_step(api, step_id).await
    }

    /// Completes an open step, with any measurements taken at its end.
    async fn complete_step(
        &self,
        ctx: &Context<'_>,
        step_id: Uuid,
        ended_at: DateTime<Utc>,
        #[graphql(default)] measurements: Vec<MeasurementInput>,
    ) -> ApiResult<Step> {
        let step_id = StepId::from_uuid(step_id);
        let command = CompleteStep {
            step_id,
            ended_at: timestamp(ended_at),
            measurements: parse_measurements(measurements)?,
        };
        let (api, ()) = execute(ctx, "Mutation.completeStep", command).await?;
        read_step(api, step_id).await
    }

    /// Ends processing of a lot: IN_PROCESS to QUARANTINE (no step of the lot may be open).
    async fn complete_lot(&self, ctx: &Context<'_>, lot_id: Uuid) -> ApiResult<Lot> {
        change_lot(ctx, "Mutation.completeLot", lot_id, LotAction::Complete).await
    }

    /// Holds a lot pending investigation.
    async fn hold_lot(&self, ctx: &Context<'_>, lot_id: Uuid, reason: String) -> ApiResult<Lot> {
        let reason = narrative(&reason, "a reason")?;
        change_lot(ctx, "Mutation.holdLot", lot_id, LotAction::Hold(reason)).await
    }

    /// Lifts a hold: the lot returns to the status it was held from.
    async fn lift_lot_hold(
        &self,
        ctx: &Context<'_>,
        lot_id: Uuid,
        reason: String,
    ) -> ApiResult<Lot> {
        let reason = narrative(&reason, "a reason")?;
        change_lot(
            ctx,
            "Mutation.liftLotHold",
            lot_id,
            LotAction::LiftHold(reason),
        )
        .await
    }

    /// Discards a lot in process: IN_PROCESS to REJECTED.
    async fn discard_lot(&self, ctx: &Context<'_>, lot_id: Uuid, reason: String) -> ApiResult<Lot> {
        let reason = narrative(&reason, "a reason")?;
        change_lot(
            ctx,
            "Mutation.discardLot",
            lot_id,
            LotAction::Discard(reason),
        )
        .await
    }

    /// Records a lot's expiry.
    async fn expire_lot(&self, ctx: &Context<'_>, lot_id: Uuid) -> ApiResult<Lot> {
        change_lot(ctx, "Mutation.expireLot", lot_id, LotAction::Expire).await
    }

    /// Records the destruction of a rejected, recalled or expired lot.
    async fn destroy_lot(&self, ctx: &Context<'_>, lot_id: Uuid, reason: String) -> ApiResult<Lot> {
        let reason = narrative(&reason, "a reason")?;
        change_lot(
            ctx,
            "Mutation.destroyLot",
            lot_id,
            LotAction::Destroy(reason),
        )
        .await
    }

    /// Opens a deviation against a lot, and optionally one of its steps.
    async fn open_deviation(
        &self,
        ctx: &Context<'_>,
        input: OpenDeviationInput,
    ) -> ApiResult<Deviation> {
        let deviation_id = DeviationId::from_uuid(Uuid::now_v7());
        let new = input.parse(deviation_id)?;
        let (api, ()) = execute(ctx, "Mutation.openDeviation", OpenDeviation { new }).await?;
        read_deviation(api, deviation_id).await
    }

    /// Records the impact assessment of an open deviation.
    async fn assess_deviation(
        &self,
        ctx: &Context<'_>,
        deviation_id: Uuid,
        impact_assessment: String,
    ) -> ApiResult<Deviation> {
        let deviation_id = DeviationId::from_uuid(deviation_id);
        let command = AssessDeviation {
            deviation_id,
            impact_assessment: narrative(&impact_assessment, "an impact assessment")?,
        };
        let (api, ()) = execute(ctx, "Mutation.assessDeviation", command).await?;
        read_deviation(api, deviation_id).await
    }

    /// Closes an assessed deviation with QA's conclusion, signed with the meaning APPROVAL.
    async fn close_deviation(
        &self,
        ctx: &Context<'_>,
        deviation_id: Uuid,
        conclusion: String,
        signature: SignatureInput,
    ) -> ApiResult<Deviation> {
        let deviation_id = DeviationId::from_uuid(deviation_id);
        let conclusion = narrative(&conclusion, "a conclusion")?;
        let (api, viewer) = parts(ctx)?;
        let signature = signing::sign(api, viewer, signature, Some(Meaning::Approval)).await?;
        let command = CloseDeviation {
            deviation_id,
            conclusion,
            signature,
        };
        let (api, ()) = execute(ctx, "Mutation.closeDeviation", command).await?;
        read_deviation(api, deviation_id).await
    }

    /// Fills units from a DRUG_PRODUCT lot in process. They carry the DIN of the lot's one source
    /// donation, or a pool DIN assigned under the installation's FIN.
    async fn fill_units(
        &self,
        ctx: &Context<'_>,
        input: FillUnitsInput,
    ) -> ApiResult<FillUnitsPayload> {
        let (lot_id, cryopreserved_at, units) = input.parse()?;
        let unit_ids: BTreeSet<UnitId> = units.iter().map(|spec| spec.unit_id).collect();
        let (api, _) = parts(ctx)?;
        let command = FillUnits {
            lot_id,
            cryopreserved_at,
            units,
            fin: api.manufacturing.fin,
        };
        let (api, din) = execute(ctx, "Mutation.fillUnits", command).await?;
        let units = production::units(api.executor.database(), &unit_ids).await?;
        Ok(FillUnitsPayload::new(din, units))
    }

    /// Moves a unit to a storage location.
    async fn store_unit(
        &self,
        ctx: &Context<'_>,
        unit_id: Uuid,
        location: StorageLocationInput,
    ) -> ApiResult<Unit> {
        let location = location.parse()?;
        change_unit(
            ctx,
            "Mutation.storeUnit",
            unit_id,
            UnitAction::Store(location),
        )
        .await
    }

    /// Dispatches a unit: the first half of a custody hand-off, naming the place and the
    /// person (an active technician or clinician, by username) who alone may receive it.
    async fn dispatch_unit(
        &self,
        ctx: &Context<'_>,
        unit_id: Uuid,
        destination: String,
        #[graphql(desc = "The username of the person who is to receive the unit.")]
        receiver: String,
    ) -> ApiResult<Unit> {
        let action = UnitAction::Dispatch {
            handoff_id: HandoffId::from_uuid(Uuid::now_v7()),
            destination: label(&destination, "a destination")?,
            receiver: Username::parse(receiver.trim()).map_err(|error| {
                ApiError::validation("BAD_USERNAME", format!("the receiver: {error}"))
            })?,
        };
        change_unit(ctx, "Mutation.dispatchUnit", unit_id, action).await
    }

    /// Receives a dispatched unit: the second half, by the person its dispatch named
    /// (NOT_THE_RECEIVER for anyone else).
    async fn receive_unit(
        &self,
        ctx: &Context<'_>,
        unit_id: Uuid,
        #[graphql(desc = "Temperature on arrival, in °C, as a decimal.")]
        temperature_celsius: String,
        condition: ArrivalCondition,
    ) -> ApiResult<Unit> {
        let action = UnitAction::Receive {
            temperature: Celsius::parse(&temperature_celsius).map_err(refused)?,
            condition: condition.into(),
        };
        change_unit(ctx, "Mutation.receiveUnit", unit_id, action).await
    }

    /// Records a unit's expiry (once past its expiry time) or its destruction (with a reason,
    /// from REJECTED, RECALLED or EXPIRED).
    async fn set_unit_status(
        &self,
        ctx: &Context<'_>,
        unit_id: Uuid,
        status: UnitStatus,
        reason: Option<String>,
    ) -> ApiResult<Unit> {
        let action = UnitAction::Status {
            to: status.into(),
            reason: reason
                .as_deref()
                .map(|reason| narrative(reason, "a reason"))
                .transpose()?,
        };
        change_unit(ctx, "Mutation.setUnitStatus", unit_id, action).await
    }
}
