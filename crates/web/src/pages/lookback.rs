//! `/lookback`: from a donor, donation, material lot or lot, every lot and unit downstream by
//! status and every patient who received one (by opaque key; their page, with what identifies
//! them, opens for those who read patients), and, for QA, the
//! recall: its consequences are listed before the signature is asked for.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::form::Fields;
use super::scanned::{self, Unresolved};
use super::{Layout, Shell, Shown, posted_shell, render, shell, shown, status_for};
use crate::{Shared, Web, client, csrf, documents};

/// Where a look-back starts, as `DownstreamFrom` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Origin {
    Donor,
    Donation,
    MaterialLot,
    Lot,
}

impl Origin {
    const ALL: [Origin; 4] = [
        Origin::Lot,
        Origin::Donor,
        Origin::Donation,
        Origin::MaterialLot,
    ];

    fn name(self) -> &'static str {
        match self {
            Origin::Donor => "donor",
            Origin::Donation => "donation",
            Origin::MaterialLot => "material_lot",
            Origin::Lot => "lot",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Origin::Donor => "a donor (her key)",
            Origin::Donation => "a donation (its DIN)",
            Origin::MaterialLot => "a material lot (its supplier lot)",
            Origin::Lot => "a lot (its code)",
        }
    }

    /// The id of the record `scanned` names: its identifier as people hold it, or its id.
    async fn resolve(self, web: &Web, shell: &Shell, scanned: &str) -> Result<String, Shown> {
        let resolved = match self {
            Origin::Donor => scanned::donor(web, shell, scanned).await,
            Origin::Donation => scanned::donation(web, shell, scanned).await,
            Origin::MaterialLot => scanned::material_lot(web, shell, scanned).await,
            Origin::Lot => scanned::lot(web, shell, scanned).await,
        };
        resolved.map_err(|unresolved| match unresolved {
            Unresolved::Refused(failures) => shown(&failures).unwrap_or_else(|| Shown {
                message: format!("nothing is found by {scanned}"),
                code: "NOT_FOUND".to_owned(),
                reasons: Vec::new(),
            }),
            Unresolved::Unclear(sentence) => Shown {
                message: format!("{sentence}; nothing was looked up"),
                code: "VALIDATION".to_owned(),
                reasons: Vec::new(),
            },
        })
    }

    /// The `DownstreamFrom` input for `id`.
    fn input(self, id: &str) -> Value {
        let field = match self {
            Origin::Donor => "donorId",
            Origin::Donation => "donationId",
            Origin::MaterialLot => "materialLotId",
            Origin::Lot => "lotId",
        };
        json!({ field: id })
    }
}

#[derive(Template)]
#[template(path = "lookback.html")]
struct LookbackPage {
    layout: Layout,
    csrf: String,
    kinds: Vec<(&'static str, &'static str)>,
    from: Option<Origin>,
    id: String,
    found: Option<Found>,
    /// The patients who received a unit downstream, by opaque key.
    patients: Vec<PatientShown>,
    may_recall: bool,
    signer: String,
    done: Option<String>,
    error: Option<Shown>,
}

impl LookbackPage {
    fn selected(&self, kind: &str) -> bool {
        self.from.is_some_and(|from| from.name() == kind)
    }
}

/// What a look-back found, by status.
struct Found {
    /// The id of the record it started from.
    id: String,
    lots: Vec<LotsWithStatus>,
    units: Vec<UnitsWithStatus>,
    /// Units a recall would move: every one not yet given.
    units_to_move: i64,
    lots_total: i64,
}

struct PatientShown {
    key: String,
    administrations: Vec<String>,
}

#[derive(Deserialize)]
struct LookbackData {
    lookback: Lookback,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Lookback {
    lots_by_status: Vec<LotsWithStatus>,
    units_by_status: Vec<UnitsWithStatus>,
    patients: Vec<Exposure>,
}

#[derive(Deserialize)]
struct LotsWithStatus {
    status: String,
    count: i64,
    lots: Vec<AffectedLot>,
}

#[derive(Deserialize)]
struct AffectedLot {
    id: String,
    code: String,
    kind: String,
}

#[derive(Deserialize)]
struct UnitsWithStatus {
    status: String,
    count: i64,
    units: Vec<AffectedUnit>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AffectedUnit {
    id: String,
    din_with_check_character: String,
    product_code: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Exposure {
    patient_key: Option<String>,
    administrations: Vec<Given>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Given {
    started_at: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recalled {
    recall: RecallResult,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecallResult {
    lots_changed: Vec<String>,
    units_changed: Vec<String>,
    patients_to_contact: Vec<Value>,
}

/// `?from=lot&id=`.
#[derive(Deserialize)]
pub(crate) struct LookbackQuery {
    from: Option<Origin>,
    #[serde(default)]
    id: String,
}

/// `GET /lookback`.
pub(crate) async fn get(
    State(web): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<LookbackQuery>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    page(&web, &shell, query.from, query.id.trim(), None, None).await
}

/// `POST /lookback`: the recall, signed with the meaning APPROVAL.
pub(crate) async fn recall(
    State(web): State<Shared>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let fields = Fields(fields);
    let shell = match posted_shell(&web, &headers, &fields).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let from = Origin::ALL
        .into_iter()
        .find(|from| from.name() == fields.text("from"));
    let id = fields.text("id");
    let Some(kind) = from else {
        return page(&web, &shell, None, id, None, None).await;
    };
    let record = match kind.resolve(&web, &shell, id).await {
        Ok(record) => record,
        Err(shown) => return page(&web, &shell, from, id, None, Some(shown)).await,
    };
    let answer: Result<Recalled, _> = client::run(
        &web,
        &shell.visitor.viewer,
        documents::RECALL,
        json!({
            "from": kind.input(&record),
            "reason": fields.text("reason"),
            "signature": { "password": fields.text("password"), "meaning": "APPROVAL" },
        }),
        None,
    )
    .await;
    match answer {
        Ok(data) => {
            let done = format!(
                "Recall recorded and signed: {} lot(s) and {} unit(s) moved; {} patient(s) to contact.",
                data.recall.lots_changed.len(),
                data.recall.units_changed.len(),
                data.recall.patients_to_contact.len()
            );
            page(&web, &shell, from, id, Some(done), None).await
        }
        Err(failures) => page(&web, &shell, from, id, None, shown(&failures)).await,
    }
}

async fn page(
    web: &Web,
    shell: &Shell,
    from: Option<Origin>,
    id: &str,
    done: Option<String>,
    mut error: Option<Shown>,
) -> Response {
    let viewer = &shell.visitor.viewer;
    let mut found = None;
    let mut patients = Vec::new();
    let record = match (from, id.is_empty()) {
        (Some(from), false) => match from.resolve(web, shell, id).await {
            Ok(record) => Some((from, record)),
            Err(shown) => {
                error = error.or(Some(shown));
                None
            }
        },
        _ => None,
    };
    if let Some((from, record)) = record {
        let variables = json!({ "from": from.input(&record) });
        match client::run::<LookbackData>(web, viewer, documents::LOOKBACK, variables, None).await {
            Ok(data) => {
                let lookback = data.lookback;
                found = Some(Found {
                    id: record,
                    units_to_move: lookback
                        .units_by_status
                        .iter()
                        .filter(|group| group.status != "ADMINISTERED")
                        .map(|group| group.count)
                        .sum(),
                    lots_total: lookback
                        .lots_by_status
                        .iter()
                        .map(|group| group.count)
                        .sum(),
                    lots: lookback.lots_by_status,
                    units: lookback.units_by_status,
                });
                patients = lookback
                    .patients
                    .into_iter()
                    .map(|exposure| PatientShown {
                        key: exposure.patient_key.unwrap_or_default(),
                        administrations: exposure
                            .administrations
                            .iter()
                            .map(|given| shell.time.show(&given.started_at))
                            .collect(),
                    })
                    .collect();
            }
            Err(failures) => error = error.or_else(|| shown(&failures)),
        }
    }
    let status = error
        .as_ref()
        .map_or(StatusCode::OK, |shown| status_for(&shown.code));
    render(
        status,
        &LookbackPage {
            layout: shell.layout(),
            csrf: csrf::form_token(&shell.token),
            kinds: Origin::ALL
                .into_iter()
                .map(|from| (from.name(), from.label()))
                .collect(),
            from,
            id: id.to_owned(),
            found,
            patients,
            may_recall: shell.has_role("QA"),
            signer: shell.me.printed_name.clone(),
            done,
            error,
        },
    )
}
