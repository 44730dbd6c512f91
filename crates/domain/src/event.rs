//! Domain events: what the ledger records, and what replay applies.

use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::clinical::events::*;
use crate::identity::events::*;
use crate::manufacturing::events::*;
use crate::release::events::*;
use crate::state::{ApplyError, State};
use crate::subject::Subject;
use crate::time::Timestamp;

/// What replay knows about the entry an event came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventMeta {
    /// The entry's sequence number.
    pub seq: u64,
    /// When the entry was recorded (server clock).
    pub recorded_at: Timestamp,
    /// Who caused it.
    pub actor: Actor,
}

/// The payload of one event: the aggregates it touches and how it changes them.
pub trait EventPayload {
    /// Every aggregate the event touches, in a fixed order; `apply` touches no other.
    fn subjects(&self) -> Vec<Subject>;

    /// Applies the event to the state. Fails only if the ledger is inconsistent.
    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError>;
}

macro_rules! events {
    ($($(#[$doc:meta])* $action:literal => $variant:ident($payload:ty),)*) => {
        /// Every event cordtrace records. Serialised as `{"action": ..., "payload": {...}}`.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "action", content = "payload")]
        pub enum Event {
            $(
                $(#[$doc])*
                #[serde(rename = $action)]
                $variant($payload),
            )*
        }

        impl Event {
            /// The dotted action name recorded in the ledger.
            pub fn action(&self) -> &'static str {
                match self {
                    $(Event::$variant(_) => $action,)*
                }
            }

            fn payload_ref(&self) -> &dyn EventPayload {
                match self {
                    $(Event::$variant(payload) => payload,)*
                }
            }

            /// Every action name, for documentation and tests.
            pub const ACTIONS: &'static [&'static str] = &[$($action,)*];
        }
    };
}

events! {
    /// A user was registered.
    "user.registered" => UserRegistered(UserRegistered),
    /// A user's roles were replaced.
    "user.roles_changed" => UserRolesChanged(UserRolesChanged),
    /// A user was deactivated; users are never deleted.
    "user.deactivated" => UserDeactivated(UserDeactivated),
    /// A deactivated user was reactivated.
    "user.reactivated" => UserReactivated(UserReactivated),
    /// A user changed their own password.
    "user.password_changed" => PasswordChanged(PasswordChanged),
    /// An admin reset a user's password; it must be changed at next login.
    "user.password_reset" => PasswordReset(PasswordReset),
    /// A user signed in.
    "user.login_succeeded" => LoginSucceeded(LoginSucceeded),
    /// A password check failed (at login or when signing).
    "user.authentication_failed" => AuthenticationFailed(AuthenticationFailed),
    /// A login named no active user; the attempted name is not recorded.
    "auth.login_failed_unknown_user" => UnknownUserLoginFailed(UnknownUserLoginFailed),
    /// Too many failures locked the account.
    "user.locked" => UserLocked(UserLocked),
    /// An admin unlocked the account.
    "user.unlocked" => UserUnlocked(UserUnlocked),
    /// A user signed out.
    "user.logged_out" => LoggedOut(LoggedOut),
    /// A donor was registered.
    "donor.registered" => DonorRegistered(DonorRegistered),
    /// A donor's consent was recorded.
    "donor.consent_recorded" => ConsentRecorded(ConsentRecorded),
    /// A donor withdrew consent.
    "donor.consent_withdrawn" => ConsentWithdrawn(ConsentWithdrawn),
    /// A screening result was recorded.
    "donor.screening_recorded" => ScreeningRecorded(ScreeningRecorded),
    /// QA determined eligibility (signed).
    "donor.eligibility_determined" => EligibilityDetermined(EligibilityDetermined),
    /// A technician asked QA for the donor's eligibility determination.
    "donor.eligibility_requested" => EligibilityRequested(EligibilityRequested),
    /// An ELIGIBLE determination no longer stands.
    "donor.eligibility_revoked" => EligibilityRevoked(EligibilityRevoked),
    /// QA redacted a donor's personal data (signed, RESPONSIBILITY).
    "donor.personal_data_redacted" => DonorPersonalDataRedacted(DonorPersonalDataRedacted),
    /// A cord donation was registered.
    "donation.registered" => DonationRegistered(DonationRegistered),
    /// A donation arrived at the lab.
    "donation.received" => DonationReceived(DonationReceived),
    /// A material lot was registered.
    "material_lot.registered" => MaterialLotRegistered(MaterialLotRegistered),
    /// A material lot's QC status changed.
    "material_lot.qc_changed" => MaterialQcChanged(MaterialQcChanged),
    /// Equipment was registered.
    "equipment.registered" => EquipmentRegistered(EquipmentRegistered),
    /// Equipment was calibrated.
    "equipment.calibrated" => EquipmentCalibrated(EquipmentCalibrated),
    /// A product description code was defined.
    "product.defined" => ProductDefined(ProductDefined),
    /// A processing step was recorded.
    "step.recorded" => StepRecorded(StepRecorded),
    /// An open step was completed.
    "step.completed" => StepCompleted(StepCompleted),
    /// A lot changed status.
    "lot.status_changed" => LotStatusChanged(LotStatusChanged),
    /// A deviation was opened.
    "deviation.opened" => DeviationOpened(DeviationOpened),
    /// A deviation was assessed.
    "deviation.assessed" => DeviationAssessed(DeviationAssessed),
    /// A deviation was closed (signed).
    "deviation.closed" => DeviationClosed(DeviationClosed),
    /// Units were filled from a lot.
    "lot.units_filled" => UnitsFilled(UnitsFilled),
    /// A unit moved to a storage location.
    "unit.stored" => UnitStored(UnitStored),
    /// A unit's label was printed (or reprinted).
    "unit.label_printed" => UnitLabelPrinted(UnitLabelPrinted),
    /// A unit was dispatched.
    "unit.dispatched" => UnitDispatched(UnitDispatched),
    /// A unit was received.
    "unit.received" => UnitReceived(UnitReceived),
    /// A unit changed status.
    "unit.status_changed" => UnitStatusChanged(UnitStatusChanged),
    /// A release specification version was defined.
    "specification.defined" => SpecificationDefined(SpecificationDefined),
    /// Testing of a lot began against the specification in effect that day.
    "lot.testing_started" => TestingStarted(TestingStarted),
    /// A release test result was recorded and evaluated.
    "result.recorded" => ResultRecorded(ResultRecorded),
    /// A result was invalidated (signed).
    "result.invalidated" => ResultInvalidated(ResultInvalidated),
    /// A failed required result opened an out-of-specification investigation.
    "investigation.opened" => InvestigationOpened(InvestigationOpened),
    /// QA closed an investigation (signed).
    "investigation.closed" => InvestigationClosed(InvestigationClosed),
    /// QA released a lot and its units (signed, APPROVAL).
    "lot.released" => LotReleased(LotReleased),
    /// QA rejected a lot and set its units aside (signed, APPROVAL).
    "lot.rejected" => LotRejected(LotRejected),
    /// A patient was registered.
    "patient.registered" => PatientRegistered(PatientRegistered),
    /// A patient's body weight was measured.
    "patient.weight_recorded" => WeightRecorded(WeightRecorded),
    /// A clinician redacted a patient's personal data (signed, RESPONSIBILITY).
    "patient.personal_data_redacted" => PatientPersonalDataRedacted(PatientPersonalDataRedacted),
    /// A clinician signed an order for infusions.
    "order.placed" => OrderPlaced(OrderPlaced),
    /// An order was cancelled; its units not yet given were released from it.
    "order.cancelled" => OrderCancelled(OrderCancelled),
    /// A released unit was allocated to an order.
    "unit.allocated" => UnitAllocated(UnitAllocated),
    /// A unit was taken back from its order.
    "unit.deallocated" => UnitDeallocated(UnitDeallocated),
    /// An allocated unit was thawed.
    "unit.thawed" => UnitThawed(UnitThawed),
    /// A bedside check passed.
    "bedside.check_accepted" => BedsideCheckAccepted(BedsideCheckAccepted),
    /// A bedside check failed (a safety event), with every reason's code.
    "bedside.check_refused" => BedsideCheckRefused(BedsideCheckRefused),
    /// A unit was infused (signed, RESPONSIBILITY).
    "unit.administered" => UnitAdministered(UnitAdministered),
    /// A follow-up visit was recorded.
    "visit.recorded" => VisitRecorded(VisitRecorded),
    /// An adverse event was recorded.
    "adverse_event.recorded" => AdverseEventRecorded(AdverseEventRecorded),
    /// An adverse event resolved.
    "adverse_event.resolved" => AdverseEventResolved(AdverseEventResolved),
    /// QA initiated a recall (signed, APPROVAL).
    "recall.initiated" => RecallInitiated(RecallInitiated),
}

impl Event {
    /// Every aggregate the event touches.
    pub fn subjects(&self) -> Vec<Subject> {
        self.payload_ref().subjects()
    }

    /// Applies the event to `state`.
    pub fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        self.payload_ref().apply(state, meta)
    }

    /// The payload alone, as the ledger stores it.
    pub fn payload_json(&self) -> serde_json::Value {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut map)) => {
                map.remove("payload").unwrap_or(serde_json::Value::Null)
            }
            // Serialising plain data structs cannot fail and always yields the tagged object.
            _ => serde_json::Value::Null,
        }
    }

    /// Rebuilds an event from a ledger entry's action and payload.
    pub fn from_parts(action: &str, payload: serde_json::Value) -> Result<Self, serde_json::Error> {
        serde_json::from_value(serde_json::json!({ "action": action, "payload": payload }))
    }
}
