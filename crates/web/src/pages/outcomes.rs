//! `/outcomes`: the outcome summary by prescribed dose per kg, by lot and by donor: change
//! from baseline at each time point, and adverse events by CTCAE grade, in tables and charts.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::{Layout, error_page, render, shell};
use crate::charts::bars::{ChangeGroup, GradeGroup, change_bars, grade_bars};
use crate::{Shared, client, documents};

/// The measures shown, in order, with their names and units.
const MEASURES: [(&str, &str, &str); 4] = [
    ("SLEDAI_2K", "SLEDAI-2K", "points"),
    ("PROTEINURIA_G_PER_DAY", "Proteinuria", "g/day"),
    (
        "PROTEIN_CREATININE_RATIO",
        "Protein/creatinine ratio",
        "g/g",
    ),
    ("PREDNISONE_MG_PER_DAY", "Prednisone equivalent", "mg/day"),
];

#[derive(Template)]
#[template(path = "outcomes.html")]
struct OutcomesPage {
    layout: Layout,
    groupings: Vec<Grouping>,
}

/// One way of grouping the patients (by dose, by lot, by donor).
struct Grouping {
    id: &'static str,
    title: &'static str,
    /// The time points, in months.
    months: Vec<i64>,
    groups: Vec<GroupShown>,
    charts: Vec<String>,
}

struct GroupShown {
    label: String,
    patients: i64,
    /// Per measure: its name and unit, and the mean change at each time point (or "n/a").
    changes: Vec<(&'static str, &'static str, Vec<String>)>,
    adverse_events: String,
    serious: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OutcomesData {
    outcome_summary: Summary,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    by_dose: Vec<Group>,
    by_lot: Vec<Group>,
    by_donor: Vec<Group>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Group {
    lot_code: Option<String>,
    donor_key: Option<String>,
    dose_per_kg: Option<i64>,
    patient_count: i64,
    timepoints: Vec<Timepoint>,
    adverse_events_by_grade: Vec<u32>,
    serious_adverse_events: i64,
}

#[derive(Deserialize)]
struct Timepoint {
    months: i64,
    measures: Vec<MeasureChange>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MeasureChange {
    measure: String,
    mean_change: Option<String>,
}

impl Group {
    /// What the group is named by on the page.
    fn label(&self) -> String {
        if let Some(dose) = self.dose_per_kg {
            format!("{dose} cells/kg")
        } else if let Some(code) = &self.lot_code {
            format!("lot {code}")
        } else if let Some(key) = &self.donor_key {
            format!("donor {key}")
        } else {
            "group".to_owned()
        }
    }

    /// The mean change of `measure` at each time point, as the API writes it.
    fn changes_of(&self, measure: &str) -> Vec<Option<&str>> {
        self.timepoints
            .iter()
            .map(|timepoint| {
                timepoint
                    .measures
                    .iter()
                    .find(|change| change.measure == measure)
                    .and_then(|change| change.mean_change.as_deref())
            })
            .collect()
    }
}

/// `GET /outcomes`.
pub(crate) async fn get(State(web): State<Shared>, headers: HeaderMap) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let summary = match client::run::<OutcomesData>(
        &web,
        &shell.visitor.viewer,
        documents::OUTCOMES,
        serde_json::json!({}),
        None,
    )
    .await
    {
        Ok(data) => data.outcome_summary,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    let groupings = vec![
        grouping("dose", "By prescribed dose per kg", &summary.by_dose),
        grouping("lot", "By lot", &summary.by_lot),
        grouping("donor", "By donor", &summary.by_donor),
    ];
    render(
        StatusCode::OK,
        &OutcomesPage {
            layout: shell.layout(),
            groupings,
        },
    )
}

fn grouping(id: &'static str, title: &'static str, groups: &[Group]) -> Grouping {
    let months = groups
        .first()
        .map(|group| group.timepoints.iter().map(|point| point.months).collect())
        .unwrap_or_default();
    Grouping {
        id,
        title,
        months,
        groups: groups
            .iter()
            .map(|group| GroupShown {
                label: group.label(),
                patients: group.patient_count,
                changes: MEASURES
                    .iter()
                    .map(|(measure, name, unit)| {
                        let changes = group
                            .changes_of(measure)
                            .into_iter()
                            .map(|change| change.unwrap_or("n/a").to_owned())
                            .collect();
                        (*name, *unit, changes)
                    })
                    .collect(),
                adverse_events: group
                    .adverse_events_by_grade
                    .iter()
                    .enumerate()
                    .map(|(grade, count)| format!("G{}: {count}", grade + 1))
                    .collect::<Vec<_>>()
                    .join(", "),
                serious: group.serious_adverse_events,
            })
            .collect(),
        charts: charts(id, groups),
    }
}

/// The change of each measure by group, then the adverse events by grade, as SVG.
fn charts(id: &str, groups: &[Group]) -> Vec<String> {
    let mut charts: Vec<String> = MEASURES
        .iter()
        .map(|(measure, name, unit)| {
            let changes: Vec<ChangeGroup> = groups
                .iter()
                .map(|group| {
                    let mut mean_change = [None; 3];
                    for (slot, change) in mean_change.iter_mut().zip(group.changes_of(measure)) {
                        *slot = change.and_then(|change| change.parse::<f64>().ok());
                    }
                    ChangeGroup {
                        label: group.label(),
                        mean_change,
                    }
                })
                .collect();
            change_bars(
                &format!("{id}-{measure}"),
                &format!("{name}: mean change from baseline"),
                unit,
                &changes,
            )
        })
        .collect();
    let grades: Vec<GradeGroup> = groups
        .iter()
        .map(|group| {
            let mut by_grade = [0; 5];
            for (slot, count) in by_grade.iter_mut().zip(&group.adverse_events_by_grade) {
                *slot = *count;
            }
            GradeGroup {
                label: group.label(),
                by_grade,
                serious: u32::try_from(group.serious_adverse_events).unwrap_or(u32::MAX),
            }
        })
        .collect();
    charts.push(grade_bars(
        &format!("{id}-grades"),
        "Adverse events by CTCAE grade",
        &grades,
    ));
    charts
}
