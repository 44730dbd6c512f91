//! Unit commands: filling, storage, custody hand-offs, status.

use std::collections::BTreeSet;

use cordtrace_domain::identity::Username;
use cordtrace_domain::ids::{DonationId, HandoffId, LotId, UnitId};
use cordtrace_domain::isbt128::{Din, Fin};
use cordtrace_domain::manufacturing::commands::units::{
    self, LabelPrint, Receiver, UnitDin, UnitSpec,
};
use cordtrace_domain::manufacturing::{
    ArrivalCondition, LabelFormat, ManufacturingError, StorageLocation, UnitStatus,
};
use cordtrace_domain::values::{Celsius, Label, Narrative};
use cordtrace_domain::{Refusal, RefusalKind, State, Timestamp};
use sea_orm::DatabaseTransaction;

use super::donations::last_din_sequence;
use crate::commands::load;
use crate::error::CommandError;
use crate::executor::{Command, CommandContext, Decision};
use crate::lineage;
use crate::projection::donations::{DonationFilter, load as load_donations};
use crate::projection::lots::load as load_lots;
use crate::projection::materials::load_products;
use crate::projection::units::{UnitFilter, load as load_units};
use crate::projection::users;

/// Fills units from a drug product lot. The units carry the DIN of the lot's one source
/// donation, or a pool DIN assigned under the configured FIN when several donations went in.
pub struct FillUnits {
    /// The lot.
    pub lot_id: LotId,
    /// When the units were cryopreserved.
    pub cryopreserved_at: Timestamp,
    /// The units.
    pub units: Vec<UnitSpec>,
    /// The FIN for pool DINs.
    pub fin: Option<Fin>,
}

impl Command for FillUnits {
    type Output = Din;
    const NAME: &'static str = "fill_units";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<Din>, CommandError> {
        let txn = context.txn;
        let mut state = State::default();
        load::lots_with_donors(txn, &mut state, vec![self.lot_id]).await?;
        let lineage = lineage::with_ancestors(txn, self.lot_id).await?;
        let donations: BTreeSet<DonationId> = load_lots(txn, Some(lineage))
            .await?
            .values()
            .filter_map(|lot| lot.donation_id)
            .collect();
        let source =
            load_donations(txn, DonationFilter::Ids(donations.into_iter().collect())).await?;
        let din = match source
            .values()
            .map(|d| d.din)
            .collect::<Vec<_>>()
            .as_slice()
        {
            [single] => UnitDin::Donation(*single),
            // Every unit of a pooled lot carries the one pool DIN its first fill assigned.
            _ => match filled_din(txn, self.lot_id).await? {
                Some(din) => UnitDin::Pool(din),
                None => UnitDin::Pool(assign_pool_din(txn, self.fin, context.now).await?),
            },
        };
        state
            .units
            .extend(load_units(txn, UnitFilter::Din(din.din())).await?);
        state.products = load_products(txn).await?;
        let events = units::fill(
            &state,
            &context.actor,
            self.lot_id,
            din,
            self.cryopreserved_at,
            self.units,
            context.now,
        )
        .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, din.din()))
    }
}

/// The DIN of the units already filled from `lot_id`, if any.
async fn filled_din(txn: &DatabaseTransaction, lot_id: LotId) -> Result<Option<Din>, CommandError> {
    Ok(load_units(txn, UnitFilter::Lots(vec![lot_id]))
        .await?
        .into_values()
        .next()
        .map(|unit| unit.din))
}

/// A new pool DIN under the installation's FIN, next in this year's sequence.
async fn assign_pool_din(
    txn: &DatabaseTransaction,
    fin: Option<Fin>,
    now: Timestamp,
) -> Result<Din, CommandError> {
    let fin = fin.ok_or_else(|| {
        Refusal::new(
            RefusalKind::Validation,
            "NO_FIN_CONFIGURED",
            "a multi-donation lot needs a pool DIN, and no FIN is configured to assign one",
        )
    })?;
    let year = load::year_2digit(now);
    let next = last_din_sequence(txn, fin, year).await? + 1;
    let (din, _) =
        Din::assign(fin, year, next).map_err(|e| Refusal::from(ManufacturingError::from(e)))?;
    Ok(din)
}

async fn unit_state(context: &CommandContext<'_>, unit_id: UnitId) -> Result<State, CommandError> {
    let mut state = State::default();
    state
        .units
        .extend(load_units(context.txn, UnitFilter::Ids(vec![unit_id])).await?);
    Ok(state)
}

/// Records a print of a unit's label, as prepared (see [`units::print_label`]).
pub struct PrintUnitLabel {
    /// The unit.
    pub unit_id: UnitId,
    /// The document printed.
    pub format: LabelFormat,
    /// The print the document was made for.
    pub prepared: LabelPrint,
    /// Whether the facility marks reprints with the flag `05`.
    pub flags_reprints: bool,
}

impl Command for PrintUnitLabel {
    type Output = ();
    const NAME: &'static str = "print_unit_label";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let state = unit_state(context, self.unit_id).await?;
        let events = units::print_label(
            &state,
            &context.actor,
            self.unit_id,
            self.format,
            self.prepared,
            self.flags_reprints,
        )
        .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}

/// What to do with one unit.
pub enum UnitAction {
    /// Move it to a storage location.
    Store(StorageLocation),
    /// Dispatch it: the first half of a hand-off.
    Dispatch {
        /// The new hand-off.
        handoff_id: HandoffId,
        /// Where to.
        destination: Label,
        /// Who is to receive it.
        receiver: Username,
    },
    /// Receive it: the second half, by another person.
    Receive {
        /// Temperature on arrival.
        temperature: Celsius,
        /// Condition on arrival.
        condition: ArrivalCondition,
    },
    /// QA records expiry or destruction.
    Status {
        /// The new status.
        to: UnitStatus,
        /// Why.
        reason: Option<Narrative>,
    },
}

/// Applies a [`UnitAction`].
pub struct ChangeUnit {
    /// The unit.
    pub unit_id: UnitId,
    /// What to do.
    pub action: UnitAction,
}

impl Command for ChangeUnit {
    type Output = ();
    const NAME: &'static str = "change_unit";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let state = unit_state(context, self.unit_id).await?;
        let actor = &context.actor;
        let events = match self.action {
            UnitAction::Store(location) => units::store(&state, actor, self.unit_id, location),
            UnitAction::Dispatch {
                handoff_id,
                destination,
                receiver,
            } => {
                let found = users::find_by_username(context.txn, &receiver).await?;
                let named = match &found {
                    Some(user) => Receiver::Found(user),
                    None => Receiver::Unknown(&receiver),
                };
                units::dispatch(&state, actor, self.unit_id, handoff_id, destination, named)
            }
            UnitAction::Receive {
                temperature,
                condition,
            } => units::receive(&state, actor, self.unit_id, temperature, condition),
            UnitAction::Status { to, reason } => {
                units::change_status(&state, actor, self.unit_id, to, reason, context.now)
            }
        }
        .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}
