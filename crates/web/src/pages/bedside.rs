//! `/bedside`: the bedside check and the administration, the one screen where a mix-up would
//! reach a patient.
//!
//! Built for a keyboard-wedge scanner: one focused input, each scan ends with Enter, and the
//! screen says which scan it expects next (the wristband, then every barcode of the unit
//! label, in any order, or its Data Matrix). It needs no script: the scans so far ride in
//! hidden fields of a plain form. What the scans mean, and whether the unit may be infused, is
//! the API's `bedsideCheck`; this page only carries the scans there and shows the verdict.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use cordtrace_domain::isbt128::Scan;
use serde::Deserialize;

use super::{Layout, Shell, Shown, csrf_refusal, render, shell, shown};
use crate::time::FacilityTime;
use crate::{Shared, client, documents, session};

/// One scan so far, with what kind of barcode it looks like (a hint for the person; the API
/// parses it).
struct ScanShown {
    kind: &'static str,
    text: String,
}

fn kind_of(scan: &str) -> &'static str {
    match scan.get(..2) {
        Some("=<") => "product code",
        Some("=>" | "&>") => "expiry",
        Some("=+") => "Data Matrix (several structures)",
        Some(_) if scan.starts_with('=') => "DIN",
        _ => "other",
    }
}

/// What a scan is, by the domain's ISBT 128 grammar, where that tells it is not the scan the
/// screen expects: a unit label's barcode where the wristband is expected, or a wristband (or
/// a staff badge) where the unit label is. Anything else goes on to the check, whose parser
/// judges it.
fn wrong_kind(scan: &str, expecting_wristband: bool) -> Option<&'static str> {
    let structures = Scan::parse_all(scan).ok()?;
    let first = structures.first()?;
    match (expecting_wristband, first) {
        (_, Scan::Staff(_)) => Some("That is a staff badge, not a barcode of this check"),
        (false, Scan::Patient(_)) => Some(
            "That is a wristband, and the patient is scanned already; scan the barcodes of the \
             unit label, or start again for another patient",
        ),
        (true, Scan::Patient(_)) | (false, _) => None,
        (true, _) => Some(
            "That is a barcode of a unit label; scan the patient's wristband first, then the unit",
        ),
    }
}

#[derive(Template)]
#[template(path = "bedside.html")]
struct ScanPage {
    layout: Layout,
    csrf: String,
    patient_scan: String,
    unit_scans: String,
    scans: Vec<ScanShown>,
    /// A note from the previous step (an administration recorded), without its patient data.
    notice: Option<String>,
    error: Option<Shown>,
}

impl ScanPage {
    fn new(shell: &Shell, patient_scan: String, unit_scans: Vec<String>) -> Self {
        Self {
            layout: shell.layout(),
            csrf: super::csrf::form_token(&shell.token),
            scans: unit_scans
                .iter()
                .map(|scan| ScanShown {
                    kind: kind_of(scan),
                    text: scan.clone(),
                })
                .collect(),
            unit_scans: unit_scans.join("\n"),
            patient_scan,
            notice: None,
            error: None,
        }
    }

    /// The next scan the screen expects.
    fn expecting_wristband(&self) -> bool {
        self.patient_scan.is_empty()
    }
}

/// `GET /bedside`: a fresh screen, expecting a wristband.
pub(crate) async fn get(State(web): State<Shared>, headers: HeaderMap) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    if !shell.has_role("CLINICIAN") {
        // Offered to clinicians only; a check posted anyway is the API's to refuse.
        return super::not_offered(&shell, "The bedside check is for clinicians.");
    }
    render(
        StatusCode::OK,
        &ScanPage::new(&shell, String::new(), Vec::new()),
    )
}

/// The scan form: the scans so far, the new scan, and which button was pressed.
#[derive(Deserialize)]
pub(crate) struct ScanForm {
    csrf: Option<String>,
    #[serde(default)]
    patient_scan: String,
    /// The unit scans so far, one a line (a scan ends with Enter, so holds no line break).
    #[serde(default)]
    unit_scans: String,
    #[serde(default)]
    scan: String,
    #[serde(default)]
    action: String,
}

/// `POST /bedside`: adds a scan, starts again, or runs the check.
pub(crate) async fn post(
    State(web): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<ScanForm>,
) -> Response {
    if let Some(refused) = csrf_refusal(session::session_token(&headers), form.csrf.as_deref()) {
        return refused;
    }
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let mut patient_scan = form.patient_scan.trim().to_owned();
    let mut unit_scans: Vec<String> = form
        .unit_scans
        .lines()
        .map(str::trim)
        .filter(|scan| !scan.is_empty())
        .map(str::to_owned)
        .collect();
    let scan = form.scan.trim();
    if let Some(sentence) = wrong_kind(scan, patient_scan.is_empty()) {
        // The scan is set aside, not added: the screen still expects what it expected.
        let mut page = ScanPage::new(&shell, patient_scan, unit_scans);
        page.error = Some(Shown {
            message: format!("{sentence}. Nothing was added."),
            code: "WRONG_SCAN_KIND".to_owned(),
            reasons: Vec::new(),
        });
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    if !scan.is_empty() {
        if patient_scan.is_empty() {
            scan.clone_into(&mut patient_scan);
        } else {
            unit_scans.push(scan.to_owned());
        }
    }
    match form.action.as_str() {
        "restart" => render(
            StatusCode::OK,
            &ScanPage::new(&shell, String::new(), Vec::new()),
        ),
        "check" if !patient_scan.is_empty() && !unit_scans.is_empty() => {
            check(&web, &shell, &patient_scan, &unit_scans).await
        }
        _ => render(
            StatusCode::OK,
            &ScanPage::new(&shell, patient_scan, unit_scans),
        ),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CheckData {
    bedside_check: CheckResult,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CheckResult {
    ok: bool,
    reasons: Vec<Finding>,
    scan_errors: Vec<String>,
    facts: Facts,
}

#[derive(Deserialize)]
struct Finding {
    code: String,
    message: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Facts {
    unit_id: Option<String>,
    din_with_check_character: Option<String>,
    product_code: Option<String>,
    product_description: Option<String>,
    lot_code: Option<String>,
    cells: Option<i64>,
    volume_ml: Option<String>,
    expires_at: Option<String>,
    thawed_at: Option<String>,
    use_by: Option<String>,
    patient_id: Option<String>,
    patient_key: Option<String>,
    prescribed_dose_per_kg: Option<i64>,
    weight_kg: Option<String>,
    weight_measured_on: Option<String>,
    cells_per_kg: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BedsidePatientData {
    me: Signer,
    patient: BedsidePatient,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Signer {
    printed_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BedsidePatient {
    personal_data: Option<PersonalData>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PersonalData {
    full_name: Option<String>,
}

/// The DIN as printed eye-readable: 13 characters and the boxed keyboard check character.
struct DinShown {
    din: String,
    check: String,
}

impl DinShown {
    fn new(with_check: &str) -> Self {
        let split = with_check
            .char_indices()
            .last()
            .map_or(with_check.len(), |(index, _)| index);
        Self {
            din: with_check[..split].to_owned(),
            check: with_check[split..].to_owned(),
        }
    }
}

/// The verdict of an accepted check: the facts to compare with the bag and the wristband, and
/// the administration form.
#[derive(Template)]
#[template(path = "bedside_ok.html")]
struct AcceptedPage {
    layout: Layout,
    csrf: String,
    unit_id: String,
    patient_id: String,
    patient_key: String,
    patient_name: String,
    din: DinShown,
    product: String,
    lot_code: String,
    cells: String,
    /// The cells as the administration form's input takes them (digits only).
    cells_input: String,
    volume_ml: String,
    dose: String,
    prescribed: String,
    weight: String,
    expires_at: String,
    thawed_at: String,
    use_by: String,
    minutes_left: String,
    signer: String,
    /// The zone the start and end are typed in.
    time_zone: &'static str,
    started_at: String,
    ended_at: String,
}

/// The verdict of a refused check: every reason, and no way forward to administration.
#[derive(Template)]
#[template(path = "bedside_refused.html")]
struct RefusedPage {
    layout: Layout,
    reasons: Vec<(String, String)>,
    scan_errors: Vec<String>,
}

/// A count with its digits grouped by three (`75 000 000`), so that a factor of ten cannot be
/// misread at a glance.
fn grouped(count: i64) -> String {
    let digits = count.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if count < 0 {
        out.push('-');
    }
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(digit);
    }
    out
}

fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "—".to_owned())
}

async fn check(
    web: &crate::Web,
    shell: &Shell,
    patient_scan: &str,
    unit_scans: &[String],
) -> Response {
    let answer: Result<CheckData, _> = client::run(
        web,
        &shell.visitor.viewer,
        documents::BEDSIDE_CHECK,
        serde_json::json!({ "unitScans": unit_scans, "patientScan": patient_scan }),
        None,
    )
    .await;
    let result = match answer {
        Ok(data) => data.bedside_check,
        Err(failures) => {
            let mut page = ScanPage::new(shell, patient_scan.to_owned(), unit_scans.to_vec());
            page.error = shown(&failures);
            return render(StatusCode::OK, &page);
        }
    };
    let facts = result.facts;
    let (true, Some(unit_id), Some(patient_id)) =
        (result.ok, facts.unit_id.clone(), facts.patient_id.clone())
    else {
        return render(
            StatusCode::OK,
            &RefusedPage {
                layout: shell.layout(),
                reasons: result
                    .reasons
                    .into_iter()
                    .map(|finding| (finding.code, shell.time.in_text(&finding.message)))
                    .collect(),
                scan_errors: result.scan_errors,
            },
        );
    };
    let patient: Result<BedsidePatientData, _> = client::run(
        web,
        &shell.visitor.viewer,
        documents::BEDSIDE_PATIENT,
        serde_json::json!({ "id": patient_id }),
        None,
    )
    .await;
    let patient = match patient {
        Ok(patient) => patient,
        Err(failures) => return super::error_page(Some(shell.layout()), &failures),
    };
    render(
        StatusCode::OK,
        &accepted(shell, unit_id, patient_id, facts, patient),
    )
}

fn accepted(
    shell: &Shell,
    unit_id: String,
    patient_id: String,
    facts: Facts,
    patient: BedsidePatientData,
) -> AcceptedPage {
    let time: &FacilityTime = &shell.time;
    let now = Utc::now();
    let minutes_left = facts
        .use_by
        .as_deref()
        .and_then(|use_by| chrono::DateTime::parse_from_rfc3339(use_by).ok())
        .map_or_else(
            || "—".to_owned(),
            |use_by| {
                let minutes = (use_by.with_timezone(&Utc) - now).num_minutes();
                format!("{minutes} min")
            },
        );
    let product = match (facts.product_code, facts.product_description) {
        (Some(code), Some(description)) => format!("{description} ({code})"),
        (Some(code), None) => code,
        _ => "—".to_owned(),
    };
    AcceptedPage {
        layout: shell.layout(),
        csrf: super::csrf::form_token(&shell.token),
        unit_id,
        patient_id,
        patient_key: or_dash(facts.patient_key),
        patient_name: or_dash(
            patient
                .patient
                .personal_data
                .and_then(|data| data.full_name),
        ),
        din: DinShown::new(facts.din_with_check_character.as_deref().unwrap_or("—")),
        product,
        lot_code: or_dash(facts.lot_code),
        cells: facts.cells.map_or_else(|| "—".to_owned(), grouped),
        cells_input: facts
            .cells
            .map_or_else(String::new, |cells| cells.to_string()),
        volume_ml: facts.volume_ml.clone().unwrap_or_default(),
        dose: facts.cells_per_kg.map_or_else(
            || "—".to_owned(),
            |dose| format!("{} cells/kg", grouped(dose)),
        ),
        prescribed: facts.prescribed_dose_per_kg.map_or_else(
            || "—".to_owned(),
            |dose| format!("{} cells/kg", grouped(dose)),
        ),
        weight: match (facts.weight_kg, facts.weight_measured_on) {
            (Some(kg), Some(on)) => format!("{kg} kg, measured {on}"),
            (Some(kg), None) => format!("{kg} kg"),
            _ => "—".to_owned(),
        },
        expires_at: facts
            .expires_at
            .map_or_else(|| "—".to_owned(), |at| time.show(&at)),
        thawed_at: facts
            .thawed_at
            .map_or_else(|| "—".to_owned(), |at| time.show(&at)),
        use_by: facts
            .use_by
            .map_or_else(|| "—".to_owned(), |at| time.show(&at)),
        minutes_left,
        signer: patient.me.printed_name,
        time_zone: time.name(),
        started_at: time.input_value(now),
        ended_at: time.input_value(now),
    }
}

/// The administration form with its signature.
#[derive(Deserialize)]
pub(crate) struct AdministrationForm {
    csrf: Option<String>,
    unit_id: String,
    patient_id: String,
    started_at: String,
    ended_at: String,
    volume_ml: String,
    cells: String,
    #[serde(default)]
    reactions: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AdministeredData {
    administer_unit: Administered,
}

#[derive(Deserialize)]
struct Administered {
    id: String,
}

/// `POST /bedside/administer`: `administerUnit`, signed with the meaning RESPONSIBILITY. Then
/// the screen starts again for the next patient, showing nothing of this one.
pub(crate) async fn administer(
    State(web): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<AdministrationForm>,
) -> Response {
    if let Some(refused) = csrf_refusal(session::session_token(&headers), form.csrf.as_deref()) {
        return refused;
    }
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let mut page = ScanPage::new(&shell, String::new(), Vec::new());
    let (Some(started_at), Some(ended_at)) = (
        shell.time.parse_input(&form.started_at),
        shell.time.parse_input(&form.ended_at),
    ) else {
        page.error = Some(Shown {
            message: format!(
                "the start and end must be dates and times in {}; nothing was recorded",
                shell.time.name()
            ),
            code: "VALIDATION".to_owned(),
            reasons: Vec::new(),
        });
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let Ok(cells) = form.cells.trim().parse::<i64>() else {
        page.error = Some(Shown {
            message: "the cells infused must be a whole number; nothing was recorded".to_owned(),
            code: "VALIDATION".to_owned(),
            reasons: Vec::new(),
        });
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let reactions: Vec<&str> = form
        .reactions
        .lines()
        .map(str::trim)
        .filter(|reaction| !reaction.is_empty())
        .collect();
    let answer: Result<AdministeredData, _> = client::run(
        &web,
        &shell.visitor.viewer,
        documents::ADMINISTER,
        serde_json::json!({
            "administration": {
                "unitId": form.unit_id,
                "patientId": form.patient_id,
                "startedAt": started_at,
                "endedAt": ended_at,
                "volumeMl": form.volume_ml.trim(),
                "cells": cells,
                "reactions": reactions,
            },
            "signature": { "password": form.password, "meaning": "RESPONSIBILITY" },
        }),
        None,
    )
    .await;
    match answer {
        Ok(data) => {
            page.notice = Some(format!(
                "Administration recorded and signed (record {}). Ready for the next patient.",
                data.administer_unit.id
            ));
            render(StatusCode::OK, &page)
        }
        Err(failures) => {
            page.error = shown(&failures);
            let status = page
                .error
                .as_ref()
                .map_or(StatusCode::INTERNAL_SERVER_ERROR, |error| {
                    super::status_for(&error.code)
                });
            render(status, &page)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{grouped, wrong_kind};

    #[test]
    fn counts_are_grouped_by_three() {
        assert_eq!(grouped(75_000_000), "75\u{202f}000\u{202f}000");
        assert_eq!(grouped(1_000), "1\u{202f}000");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(0), "0");
    }

    #[test]
    fn a_scan_of_the_other_kind_is_told_apart_and_the_rest_goes_to_the_check() {
        let wristband = "&#0006WB3001";
        let din = "=A99992600000100";
        assert!(wrong_kind(din, true).is_some(), "a DIN for a wristband");
        assert!(wrong_kind("=<S1001VA0", true).is_some());
        assert!(
            wrong_kind(wristband, false).is_some(),
            "a wristband for a unit"
        );
        assert_eq!(wrong_kind(wristband, true), None);
        assert_eq!(wrong_kind(din, false), None);
        // A plain wristband id and what no grammar reads are the check's to judge.
        assert_eq!(wrong_kind("WB3001", true), None);
        assert_eq!(wrong_kind("garbage", false), None);
    }
}
