//! The technician's worklist on the home page: donations registered and not yet received
//! (with the time of recovery and the hours since), lots in process with their current step,
//! units dispatched and waiting to be received (the custody hand-offs open), and the units the
//! technician received and has not stored since (theirs to store). Each list is
//! read through the API; a list that cannot be read says so instead of showing nothing.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::connection::{Connection, every_page};
use super::donations;
use super::{Shell, Shown, shown};
use crate::client::Failures;
use crate::{Web, client, documents};

/// A donation on its way to the lab.
pub(crate) struct AwaitingDonation {
    pub(crate) id: String,
    pub(crate) din: String,
    pub(crate) donor_key: String,
    pub(crate) collected_at: String,
    /// Hours since the cord was recovered, to one decimal.
    pub(crate) hours_since: String,
}

/// A lot in process and where it stands.
pub(crate) struct LotInProcess {
    pub(crate) id: String,
    pub(crate) code: String,
    pub(crate) kind: String,
    pub(crate) created_at: String,
    /// The latest step that took it in or made it, with who and when; or none yet.
    pub(crate) current_step: String,
}

/// A unit dispatched and not yet received.
pub(crate) struct HandOff {
    pub(crate) id: String,
    pub(crate) din: String,
    pub(crate) product_code: String,
    pub(crate) lot_code: String,
    pub(crate) destination: String,
    pub(crate) dispatched: String,
}

/// A unit the technician received and has not stored since.
pub(crate) struct ToStore {
    pub(crate) id: String,
    pub(crate) din: String,
    pub(crate) product_code: String,
    pub(crate) lot_code: String,
    /// Where and when it was received.
    pub(crate) received: String,
}

/// What waits for a technician.
#[derive(Default)]
pub(crate) struct LabWorklist {
    pub(crate) donations: Vec<AwaitingDonation>,
    pub(crate) lots: Vec<LotInProcess>,
    pub(crate) hand_offs: Vec<HandOff>,
    /// The units this technician received: theirs to put into storage.
    pub(crate) to_store: Vec<ToStore>,
    /// Why a list could not be read, if one could not.
    pub(crate) error: Option<Shown>,
}

#[derive(Deserialize)]
struct LotsData {
    lots: Connection<Lot>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Lot {
    id: String,
    code: String,
    kind: String,
    created_at: String,
}

#[derive(Deserialize)]
struct StepsData {
    steps: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Step {
    kind: String,
    started_at: String,
    ended_at: Option<String>,
    operator: Operator,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Operator {
    printed_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UnitsInCustody {
    units_in_custody: Connection<Unit>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Unit {
    id: String,
    din: String,
    din_check_character: String,
    product_code: String,
    lot: LotCode,
    custody: Custody,
}

#[derive(Deserialize)]
struct LotCode {
    code: String,
}

#[derive(Deserialize)]
struct Person {
    id: String,
}

/// A unit's custody as the worklist reads it: the dispatch while in transit, the receipt once
/// received.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Custody {
    destination: Option<String>,
    dispatched_at: Option<String>,
    dispatched_by: Option<Operator>,
    receiver: Option<Operator>,
    received_at: Option<String>,
    received_by: Option<Person>,
}

/// Every unit in the custody `state`, page by page.
async fn units_in_custody(web: &Web, shell: &Shell, state: &str) -> Result<Vec<Unit>, Failures> {
    every_page(
        web,
        shell,
        documents::LAB_UNITS_IN_CUSTODY,
        json!({ "state": state }),
        |data: UnitsInCustody| data.units_in_custody,
    )
    .await
}

/// Reads the technician's worklist.
pub(crate) async fn read(web: &Web, shell: &Shell) -> LabWorklist {
    let mut worklist = LabWorklist::default();
    match awaiting_donations(web, shell).await {
        Ok(awaiting) => worklist.donations = awaiting,
        Err(failures) => worklist.error = shown(&failures),
    }
    if let Err(failures) = lots_and_hand_offs(web, shell, &mut worklist).await {
        worklist.error = worklist.error.or_else(|| shown(&failures));
    }
    worklist
}

async fn awaiting_donations(web: &Web, shell: &Shell) -> Result<Vec<AwaitingDonation>, Failures> {
    let now = Utc::now();
    Ok(donations::all(web, shell)
        .await?
        .into_iter()
        .filter(|donation| donation.receipt.is_none())
        .map(|donation| AwaitingDonation {
            hours_since: hours_since(&donation.collected_at_utc, now),
            collected_at: shell.time.show(&donation.collected_at),
            id: donation.id,
            din: donation.din_with_check,
            donor_key: donation.donor.key,
        })
        .collect())
}

/// Hours from `instant` to `now`, to one decimal, for a person to read.
fn hours_since(instant: &str, now: DateTime<Utc>) -> String {
    DateTime::parse_from_rfc3339(instant).map_or_else(
        |_| instant.to_owned(),
        |instant| {
            let minutes = (now - instant.with_timezone(&Utc)).num_minutes();
            // For a person to read only: no decision is made on it here.
            let hours = minutes as f64 / 60.0;
            format!("{hours:.1} hours")
        },
    )
}

async fn lots_and_hand_offs(
    web: &Web,
    shell: &Shell,
    worklist: &mut LabWorklist,
) -> Result<(), Failures> {
    let viewer = &shell.visitor.viewer;
    // Every lot in process and every unit in transit, page by page: the API filters by
    // status and by custody, so a facility's history does not push one off the list.
    let lots = every_page(
        web,
        shell,
        documents::LAB_LOTS,
        json!({}),
        |data: LotsData| data.lots,
    )
    .await?;
    for lot in lots {
        let steps: StepsData = client::run(
            web,
            viewer,
            documents::LAB_STEPS,
            json!({ "lotId": lot.id }),
            None,
        )
        .await?;
        // `steps(lotId:)` is in start-time order: the last is the lot's current step.
        let current_step = steps.steps.into_iter().last().map_or_else(
            || "no step yet".to_owned(),
            |step| {
                let state = step.ended_at.map_or_else(
                    || "open".to_owned(),
                    |ended| format!("ended {}", shell.time.show(&ended)),
                );
                format!(
                    "{}, started {} by {}, {state}",
                    step.kind,
                    shell.time.show(&step.started_at),
                    step.operator.printed_name
                )
            },
        );
        worklist.lots.push(LotInProcess {
            created_at: shell.time.show(&lot.created_at),
            id: lot.id,
            code: lot.code,
            kind: lot.kind,
            current_step,
        });
    }
    worklist.hand_offs = units_in_custody(web, shell, "IN_TRANSIT")
        .await?
        .into_iter()
        .map(|unit| HandOff {
            dispatched: match (unit.custody.dispatched_at, unit.custody.dispatched_by) {
                (Some(at), Some(by)) => format!("{} by {}", shell.time.show(&at), by.printed_name),
                (Some(at), None) => shell.time.show(&at),
                _ => String::new(),
            },
            id: unit.id,
            din: format!("{}{}", unit.din, unit.din_check_character),
            product_code: unit.product_code,
            lot_code: unit.lot.code,
            destination: match unit.custody.receiver {
                Some(receiver) => format!(
                    "{}, for {}",
                    unit.custody.destination.unwrap_or_default(),
                    receiver.printed_name
                ),
                None => unit.custody.destination.unwrap_or_default(),
            },
        })
        .collect();
    // A unit received by this technician is in their hands until they store it.
    worklist.to_store = units_in_custody(web, shell, "RECEIVED")
        .await?
        .into_iter()
        .filter(|unit| {
            unit.custody
                .received_by
                .as_ref()
                .is_some_and(|person| person.id == shell.me.id)
        })
        .map(|unit| ToStore {
            received: format!(
                "at {}, {}",
                unit.custody.destination.unwrap_or_default(),
                unit.custody
                    .received_at
                    .map(|at| shell.time.show(&at))
                    .unwrap_or_default()
            ),
            id: unit.id,
            din: format!("{}{}", unit.din, unit.din_check_character),
            product_code: unit.product_code,
            lot_code: unit.lot.code,
        })
        .collect();
    Ok(())
}
