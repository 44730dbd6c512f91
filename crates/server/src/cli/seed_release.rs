//! The release part of `cordtrace seed-demo`: the default specification, and the demo drug
//! product lot tested against it and released by QA, through the same commands as the API.

use anyhow::{Context as _, bail};
use chrono::{Duration, Utc};
use cordtrace_domain::identity::PrintedName;
use cordtrace_domain::ids::{InvestigationId, LotId, TestResultId};
use cordtrace_domain::release::commands::{DispositionInput, NewResult};
use cordtrace_domain::release::{ResultValue, default_drug_product_specification};
use cordtrace_domain::signature::{Meaning, Signature};
use cordtrace_domain::values::{Label, Narrative};
use cordtrace_domain::{Actor, Timestamp};
use cordtrace_store::Executor;
use cordtrace_store::commands::release::{BeginTesting, DisposeLot, RecordResult};
use uuid::Uuid;

/// A passing value of each test of the default specification.
fn passing_value(code: &str) -> Option<&'static str> {
    Some(match code {
        "CD73" | "CD90" | "CD105" => "98.5",
        "CD34" | "CD45" | "CD14" | "CD19" | "HLA_DR" => "0.4",
        "VIABILITY" => "92.0",
        "VIABLE_CELL_COUNT" => "2.5",
        "STERILITY" => "NO_GROWTH",
        "MYCOPLASMA" => "NOT_DETECTED",
        "ENDOTOXIN" => "0.10",
        "KARYOTYPE" => "NORMAL_KARYOTYPE",
        "POTENCY" => "41",
        _ => return None,
    })
}

/// Tests `lot_id` against the specification in effect as `analyst`, recording a passing result
/// for every test, then releases it as `qa`, signed with the meaning APPROVAL.
pub(crate) async fn test_and_release(
    executor: &Executor,
    analyst: Actor,
    qa: Actor,
    qa_name: &PrintedName,
    lot_id: LotId,
) -> anyhow::Result<()> {
    executor
        .execute(analyst, BeginTesting { lot_id })
        .await
        .context("cannot begin testing the demo lot")?;
    let specification = default_drug_product_specification()?;
    let tested_at = Timestamp::from_datetime(Utc::now() - Duration::hours(2));
    for test in specification.tests() {
        let Some(value) = passing_value(test.code().as_str()) else {
            bail!("no demo value for test {}", test.code());
        };
        let new = NewResult {
            result_id: TestResultId::from_uuid(Uuid::now_v7()),
            investigation_id: InvestigationId::from_uuid(Uuid::now_v7()),
            lot_id,
            test_code: test.code().clone(),
            value: ResultValue::parse(value)?,
            unit: test.unit().cloned(),
            method: test.method().clone(),
            instrument: Label::parse("Demo QC instrument", "instrument")?,
            sample_id: Label::parse(&format!("QC-DEMO-{}", test.code()), "sample id")?,
            tested_at,
            retest_of: None,
        };
        executor
            .execute(analyst, RecordResult { new })
            .await
            .with_context(|| format!("cannot record the demo result of {}", test.code()))?;
    }
    let Actor::User { user_id, .. } = qa else {
        bail!("QA is a user")
    };
    let signature = Signature {
        signer_id: user_id,
        printed_name: qa_name.clone(),
        signed_at: Timestamp::from_datetime(Utc::now()),
        meaning: Meaning::Approval,
    };
    let note = Narrative::parse("batch record and release results reviewed (demo)", "note")?;
    executor
        .execute(
            qa,
            DisposeLot {
                lot_id,
                input: DispositionInput::Release { note: Some(note) },
                signature,
            },
        )
        .await
        .context("cannot release the demo lot")?;
    Ok(())
}
