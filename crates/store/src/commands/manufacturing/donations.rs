//! Donation commands.

use cordtrace_domain::ids::{DonationId, DonorId};
use cordtrace_domain::isbt128::{Din, Fin};
use cordtrace_domain::manufacturing::commands::donations::{
    self, DinInput, NewDonation, ReceiptInput,
};
use cordtrace_domain::values::{Label, ZonedTime};
use cordtrace_domain::{Refusal, RefusalKind, State};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::commands::load;
use crate::entity::{donation, unit};
use crate::error::{CommandError, QueryError};
use crate::executor::{Command, CommandContext, Decision};
use crate::projection::donations::{DonationFilter, load as load_donations};

/// How the DIN of a new donation is given at the API.
#[derive(Clone, Debug)]
pub enum DinEntry {
    /// Scanned barcode data.
    Scanned(String),
    /// Typed with the check character.
    Typed(String),
    /// To be assigned from the configured FIN.
    Assign,
}

/// The highest DIN sequence used under `fin` in year `year_2digit`, over donations and units
/// (pool DINs share the sequence).
pub(crate) async fn last_din_sequence(
    db: &impl ConnectionTrait,
    fin: Fin,
    year_2digit: u8,
) -> Result<u32, QueryError> {
    let prefix = format!("{}{year_2digit:02}", fin.as_str());
    let from_donations: Option<String> = donation::Entity::find()
        .select_only()
        .column(donation::Column::Din)
        .filter(donation::Column::Din.starts_with(&prefix))
        .order_by_desc(donation::Column::Din)
        .into_tuple()
        .one(db)
        .await?;
    let from_units: Option<String> = unit::Entity::find()
        .select_only()
        .column(unit::Column::Din)
        .filter(unit::Column::Din.starts_with(&prefix))
        .order_by_desc(unit::Column::Din)
        .into_tuple()
        .one(db)
        .await?;
    Ok([from_donations, from_units]
        .into_iter()
        .flatten()
        .filter_map(|din| Din::parse(&din).ok().map(|din| din.sequence()))
        .max()
        .unwrap_or(0))
}

/// Registers a donation.
pub struct RegisterDonation {
    /// Its id.
    pub donation_id: DonationId,
    /// The birth mother.
    pub donor_id: DonorId,
    /// The DIN.
    pub din: DinEntry,
    /// The FIN to assign under, when assigning.
    pub fin: Option<Fin>,
    /// Recovery time with offset.
    pub collected_at: ZonedTime,
    /// Where.
    pub site: Label,
}

impl Command for RegisterDonation {
    type Output = Din;
    const NAME: &'static str = "register_donation";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<Din>, CommandError> {
        let input = match self.din {
            DinEntry::Scanned(raw) => DinInput::Scanned(raw),
            DinEntry::Typed(raw) => DinInput::Typed(raw),
            DinEntry::Assign => {
                let fin = self.fin.ok_or_else(|| {
                    Refusal::new(
                        RefusalKind::Validation,
                        "NO_FIN_CONFIGURED",
                        "no FIN is configured to assign DINs under",
                    )
                })?;
                let year = load::year_2digit(context.now);
                let next_sequence = last_din_sequence(context.txn, fin, year).await? + 1;
                DinInput::Assign {
                    fin,
                    year_2digit: year,
                    next_sequence,
                }
            }
        };
        let (din, din_source) = input.resolve().map_err(Refusal::from)?;
        let mut state = State::default();
        load::donors(context.txn, &mut state, [self.donor_id]).await?;
        state
            .donations
            .extend(load_donations(context.txn, DonationFilter::Din(din)).await?);
        let events = donations::register(
            &state,
            &context.actor,
            NewDonation {
                donation_id: self.donation_id,
                donor_id: self.donor_id,
                din,
                din_source,
                collected_at: self.collected_at,
                site: self.site,
            },
            context.now,
        )
        .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, din))
    }
}

/// Records receipt at the lab.
pub struct ReceiveDonation {
    /// What arrived, when and how.
    pub input: ReceiptInput,
    /// The transit limit.
    pub max_transit_hours: i64,
}

impl Command for ReceiveDonation {
    type Output = ();
    const NAME: &'static str = "receive_donation";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let mut state = State::default();
        load::donations(context.txn, &mut state, vec![self.input.donation_id]).await?;
        let events = donations::receive(
            &state,
            &context.actor,
            self.input,
            self.max_transit_hours,
            context.now,
        )
        .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}
