//! The release part of `cordtrace seed-demo`: the demo drug product lot tested against the
//! default specification and released by QA, through the same commands as the API.
//!
//! Each result is read when its test would be (cell count and viability within hours of the
//! fill, a sterility culture 14 days after inoculation) and recorded then, on the demo's
//! timeline; QA releases once the last one is in.

use anyhow::{Context as _, bail};
use chrono::Duration;
use cordtrace_domain::Timestamp;
use cordtrace_domain::ids::{InvestigationId, LotId, TestResultId};
use cordtrace_domain::release::commands::{DispositionInput, NewResult};
use cordtrace_domain::release::{ResultValue, default_drug_product_specification};
use cordtrace_domain::signature::Meaning;
use cordtrace_domain::values::{Label, Narrative};
use cordtrace_store::Executor;
use cordtrace_store::commands::release::{BeginTesting, DisposeLot, RecordResult};
use uuid::Uuid;

use super::seed::Staff;
use super::seed_timeline::Timeline;

/// A passing value of each test of the default specification, and how long after sampling at
/// the fill its result is read.
fn passing_result(code: &str) -> Option<(&'static str, Duration)> {
    Some(match code {
        // Counted on the fill's retained sample the same afternoon.
        "VIABILITY" => ("92.0", Duration::hours(1)),
        "VIABLE_CELL_COUNT" => ("2.5", Duration::hours(1)),
        // Flow cytometry the next morning.
        "CD73" | "CD90" | "CD105" => ("98.5", Duration::hours(19)),
        "CD34" | "CD45" | "CD14" | "CD19" | "HLA_DR" => ("0.4", Duration::hours(19)),
        // A kinetic LAL assay, the next day.
        "ENDOTOXIN" => ("0.10", Duration::hours(22)),
        // A PCR assay, within days.
        "MYCOPLASMA" => ("NOT_DETECTED", Duration::days(3)),
        // A 5-day lymphocyte proliferation assay.
        "POTENCY" => ("41", Duration::days(5)),
        // G-banding after culture and harvest of metaphases.
        "KARYOTYPE" => ("NORMAL_KARYOTYPE", Duration::days(10)),
        // The culture is read at the end of its 14-day incubation.
        "STERILITY" => ("NO_GROWTH", Duration::days(14)),
        _ => return None,
    })
}

/// How long after reading a result the analyst records it.
const RECORDING_DELAY_MINUTES: i64 = 30;

/// Begins testing `lot_id` at `sampled` (the fill) against the specification in effect as the
/// analyst, records a passing result for every test when it is read, then releases the lot as
/// QA at `released`, signed with the meaning APPROVAL.
pub(crate) async fn test_and_release(
    executor: &Executor,
    timeline: &Timeline,
    staff: &Staff,
    lot_id: LotId,
    sampled: Timestamp,
    released: Timestamp,
) -> anyhow::Result<()> {
    let analyst = staff.analyst.actor;
    timeline.reach(sampled)?;
    executor
        .execute(analyst, BeginTesting { lot_id })
        .await
        .context("cannot begin testing the demo lot")?;
    let specification = default_drug_product_specification()?;
    let mut planned = specification
        .tests()
        .iter()
        .map(|test| match passing_result(test.code().as_str()) {
            Some((value, after)) => Ok((sampled.plus(after), value, test)),
            None => bail!("no demo value for test {}", test.code()),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    // The clock only moves forward: record in the order the results come in.
    planned.sort_by_key(|(tested_at, _, _)| *tested_at);
    for (tested_at, value, test) in planned {
        timeline.reach(tested_at.plus(Duration::minutes(RECORDING_DELAY_MINUTES)))?;
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
    timeline.reach(released)?;
    let note = Narrative::parse("batch record and release results reviewed (demo)", "note")?;
    executor
        .execute(
            staff.qa.actor,
            DisposeLot {
                lot_id,
                input: DispositionInput::Release { note: Some(note) },
                // Signed when the release is recorded: at the timeline's time, not the system's.
                signature: staff.qa.signs(Meaning::Approval, timeline.now()),
            },
        )
        .await
        .context("cannot release the demo lot")?;
    Ok(())
}
