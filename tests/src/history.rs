//! Infusions in the past, for tests of what follows one (follow-up schedules, outcome
//! summaries, the visits a clinician is due to make).
//!
//! The API records an infusion only as it happens (its bedside check must precede the start by
//! at most 30 minutes), so a patient treated months ago cannot be entered through it. These
//! helpers take a unit the API has prepared and checked, and record its administration through
//! the store's executor as the real `AdministerUnit` decides it, with the infusion times of its
//! event moved back: an entry like any other in the ledger, which still verifies.

use chrono::{Duration, Utc};
use cordtrace_domain::clinical::commands::administration::NewAdministration;
use cordtrace_domain::identity::PrintedName;
use cordtrace_domain::ids::{AdministrationId, PatientId, UnitId, UserId};
use cordtrace_domain::signature::{Meaning, Signature};
use cordtrace_domain::values::{CellCount, Millilitres};
use cordtrace_domain::{Actor, Event, Role, Timestamp};
use cordtrace_store::commands::clinical::ClinicalPolicy;
use cordtrace_store::commands::clinical::administration::AdministerUnit;
use cordtrace_store::executor::{Command, CommandContext, Decision};
use cordtrace_store::{CommandError, Executor};
use uuid::Uuid;

use crate::TestServer;

/// `AdministerUnit` as the domain decides it now, with the infusion recorded `back` earlier.
struct Historic {
    inner: AdministerUnit,
    back: Duration,
}

impl Command for Historic {
    type Output = ();
    const NAME: &'static str = "test_historic_administration";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let back = self.back;
        let mut decision = self.inner.decide(context).await?;
        for event in &mut decision.events {
            if let Event::UnitAdministered(given) = event {
                given.started_at = Timestamp::from_datetime(given.started_at.as_datetime() - back);
                given.ended_at = Timestamp::from_datetime(given.ended_at.as_datetime() - back);
            }
        }
        Ok(decision)
    }
}

/// What was given, and to whom, in [`administer_days_ago`].
pub struct PastInfusion<'a> {
    /// The unit: allocated to the patient, thawed and accepted at the bedside just now.
    pub unit_id: &'a str,
    /// The patient.
    pub patient_id: &'a str,
    /// The whole unit's cells.
    pub cells: u64,
    /// The whole unit's volume, in mL.
    pub volume_ml: &'a str,
}

/// Gives `infusion` as the clinician `clinician`, recorded `days_ago` days ago. Panics (the
/// test fails) when the domain refuses it.
pub async fn administer_days_ago(
    server: &TestServer,
    clinician: UserId,
    infusion: PastInfusion<'_>,
    days_ago: i64,
) {
    let database = server.store_database().await;
    let (executor, writer) = Executor::start(database.clone());
    let now = Timestamp::from_datetime(Utc::now());
    let command = Historic {
        inner: AdministerUnit {
            administration: NewAdministration {
                administration_id: AdministrationId::from_uuid(Uuid::now_v7()),
                unit_id: UnitId::from_uuid(Uuid::parse_str(infusion.unit_id).expect("a unit id")),
                patient_id: PatientId::from_uuid(
                    Uuid::parse_str(infusion.patient_id).expect("a patient id"),
                ),
                started_at: now,
                ended_at: now,
                volume: Millilitres::parse(infusion.volume_ml).expect("a volume"),
                cells: CellCount::new(infusion.cells).expect("a cell count"),
                reactions: Vec::new(),
            },
            signature: Signature {
                signer_id: clinician,
                printed_name: PrintedName::parse("Test clinician").expect("a name"),
                signed_at: now,
                meaning: Meaning::Responsibility,
            },
            policy: ClinicalPolicy::default(),
        },
        back: Duration::days(days_ago),
    };
    let actor = Actor::User {
        user_id: clinician,
        role: Role::Clinician,
    };
    executor
        .execute(actor, command)
        .await
        .unwrap_or_else(|error| panic!("the historic administration is refused: {error:?}"));
    drop(executor);
    writer.await.expect("the writer stops");
    database.close().await.expect("the database closes");
}
