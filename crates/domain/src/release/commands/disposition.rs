//! QA disposition: release or reject a lot in quarantine, signed.

use crate::actor::Actor;
use crate::duties::Work;
use crate::event::Event;
use crate::ids::{LotId, UnitId};
use crate::manufacturing::{LotStatus, UnitStatus};
use crate::refusal::{Reason, Refusal, RefusalKind, Refuse};
use crate::release::conditions::{LOT_ON_HOLD, release_blockers};
use crate::release::error::{ReleaseError, unknown};
use crate::release::events::{LotRejected, LotReleased};
use crate::role::Role;
use crate::signature::{Meaning, Signature};
use crate::state::State;
use crate::values::Narrative;

use super::{acting_user, check_signature};

/// What QA decides, with its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DispositionInput {
    /// Release, with an optional note.
    Release {
        /// QA's note.
        note: Option<Narrative>,
    },
    /// Reject, with the reason (required: Annex 11 asks why).
    Reject {
        /// Why.
        reason: Narrative,
    },
}

/// QA releases or rejects a lot in QUARANTINE, signed with the meaning APPROVAL by the actor.
///
/// A release is refused unless every condition of
/// [`release_blockers`](crate::release::conditions::release_blockers) holds, and the refusal lists
/// every unmet one. Its kind is FORBIDDEN when separation of duties excludes the signer (nothing
/// else they fix would let them release), otherwise CONFLICT. A lot not in QUARANTINE is refused
/// as CONFLICT with `LOT_NOT_IN_QUARANTINE` naming its status (and `LOT_ON_HOLD` when held): this
/// is what the second of two concurrent dispositions gets, since the store runs commands one
/// after the other. A lot held from QUARANTINE gets the other unmet conditions of a release
/// listed too.
///
/// The lot's units in QUARANTINE change with it, in the same event: RELEASED on release,
/// REJECTED (set aside for destruction) on rejection. Units already out of quarantine (expired,
/// destroyed) keep their status.
///
/// The state must hold what `release_blockers` needs and the lot's units.
pub fn dispose(
    state: &State,
    actor: &Actor,
    lot_id: LotId,
    input: DispositionInput,
    signature: &Signature,
) -> Result<Vec<Event>, Refusal> {
    let user_id = acting_user(actor, &[Role::Qa], "qa")?;
    check_signature(user_id, signature, Some(Meaning::Approval))?;
    let lot = state
        .lots
        .get(&lot_id)
        .ok_or_else(|| unknown("lot", lot_id))?;
    let releasing = matches!(input, DispositionInput::Release { .. });

    let mut reasons = Vec::new();
    if lot.status != LotStatus::Quarantine {
        let not_in_quarantine = ReleaseError::LotNotInQuarantine {
            lot: lot.code.as_str().to_owned(),
            status: lot.status,
            action: "disposition",
        };
        reasons.push(Reason {
            code: not_in_quarantine.code(),
            message: not_in_quarantine.to_string(),
        });
        if lot.status == LotStatus::OnHold {
            reasons.push(Reason {
                code: LOT_ON_HOLD,
                message: format!("lot {} is on hold", lot.code),
            });
        }
        let held_from_quarantine =
            lot.status == LotStatus::OnHold && lot.held_from == Some(LotStatus::Quarantine);
        if !(releasing && held_from_quarantine) {
            return Err(Refusal {
                kind: RefusalKind::Conflict,
                reasons,
            });
        }
    }
    if releasing {
        reasons.extend(release_blockers(state, lot_id, Some(user_id))?);
    }
    if !reasons.is_empty() {
        let duty_codes = [
            Work::ProcessingStep.conflict_code(),
            Work::TestResult.conflict_code(),
        ];
        let excluded = lot.status == LotStatus::Quarantine
            && reasons
                .iter()
                .any(|reason| duty_codes.contains(&reason.code));
        return Err(Refusal {
            kind: if excluded {
                RefusalKind::Forbidden
            } else {
                RefusalKind::Conflict
            },
            reasons,
        });
    }

    let units: Vec<UnitId> = state
        .units
        .values()
        .filter(|unit| unit.lot_id == lot_id && unit.status == UnitStatus::Quarantine)
        .map(|unit| unit.id)
        .collect();
    let specification_id = state
        .lot_testing
        .get(&lot_id)
        .map(|testing| testing.specification_id);
    let event = match input {
        DispositionInput::Release { note } => {
            // release_blockers refuses a lot whose testing has not begun, so this is set.
            let specification_id = specification_id
                .ok_or_else(|| unknown("testing record of lot", lot.code.as_str()))?;
            Event::LotReleased(LotReleased {
                lot_id,
                specification_id,
                units,
                note,
            })
        }
        DispositionInput::Reject { reason } => Event::LotRejected(LotRejected {
            lot_id,
            specification_id,
            units,
            reason,
        }),
    };
    Ok(vec![event])
}
