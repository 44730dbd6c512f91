//! `GET /labels/units/{unitId}.svg`, `.pdf` and `.zpl`, and `GET /labels/lots/{lotId}.pdf`:
//! a unit's ISBT 128 label, or a sheet of every unit of a lot, for a role that prints labels
//! (bearer token or the web application's session cookie). Every label served is a print:
//! the label is prepared and rendered first (a label that cannot be made writes nothing), then
//! the print is recorded in the ledger, then the document is sent; fetching one is therefore
//! not idempotent, each fetch is a reprint.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::DateTime;
use chrono_tz::Tz;
use cordtrace_api::{
    ApiError, ErrorCode, PrintedLabel, Viewer, prepare_unit_label, record_label_print,
};
use cordtrace_domain::ids::{LotId, UnitId};
use cordtrace_domain::manufacturing::commands::units;
use cordtrace_domain::manufacturing::{Container, LabelFormat};
use cordtrace_labels::{Recipient, UnitLabel};
use cordtrace_store::queries::production;
use uuid::Uuid;

use super::AppState;
use super::certificate::{api_error, document_response, error, viewer};

/// `{id}.{extension}` of a label URL.
fn split(file: &str) -> Option<(Uuid, &str)> {
    let (id, extension) = file.rsplit_once('.')?;
    Some((Uuid::parse_str(id).ok()?, extension))
}

fn format_of(extension: &str) -> Option<LabelFormat> {
    match extension {
        "svg" => Some(LabelFormat::Svg),
        "pdf" => Some(LabelFormat::Pdf),
        "zpl" => Some(LabelFormat::Zpl),
        _ => None,
    }
}

fn time_text(instant: DateTime<Tz>) -> String {
    instant.format("%Y-%m-%d %H:%M %:z").to_string()
}

/// Cells as people write them on a label: `75 x 10^6 viable cells`. ASCII only, because
/// thermal printers' and PDF base fonts have no superscripts.
fn cells_text(cells: u64) -> String {
    const MILLION: u64 = 1_000_000;
    if cells >= MILLION && cells.is_multiple_of(MILLION / 10) {
        let tenths = cells / (MILLION / 10);
        let text = if tenths.is_multiple_of(10) {
            (tenths / 10).to_string()
        } else {
            format!("{}.{}", tenths / 10, tenths % 10)
        };
        format!("{text} x 10^6 viable cells")
    } else {
        format!("{cells} viable cells")
    }
}

/// The label a print gives, laid out by `cordtrace_labels`.
fn unit_label(printed: PrintedLabel) -> UnitLabel {
    UnitLabel {
        data: printed.data,
        product_description: printed.product_description,
        facility_name: printed.facility_name,
        facility_address: printed.facility_address,
        collection: printed
            .collected_at
            .map(|collected| format!("Collected {}", time_text(collected))),
        expiry: format!("Expires {}", time_text(printed.expires_at)),
        cells: cells_text(printed.unit.cells.get()),
        volume: format!("{} mL", printed.unit.volume.value()),
        storage: printed.storage,
        donor_key: printed.donor_keys.join(", "),
        recipient: printed.recipient.map(|recipient| Recipient {
            key: recipient.key,
            name: recipient.name,
        }),
        warnings: printed.warnings.into_iter().map(str::to_owned).collect(),
        container: match printed.unit.container {
            Container::Bag => cordtrace_labels::Container::Bag,
            Container::Vial => cordtrace_labels::Container::Vial,
        },
    }
}

/// A rendered document: its content type and bytes.
type Rendered = (&'static str, Vec<u8>);

/// Renders `labels` as `format` (SVG holds one label; ZPL one format per label).
fn render(format: LabelFormat, labels: &[UnitLabel]) -> Result<Rendered, ApiError> {
    let rendered = match (format, labels) {
        (LabelFormat::Svg, [label]) => cordtrace_labels::svg(label)
            .map(|svg| ("image/svg+xml; charset=utf-8", svg.into_bytes())),
        (LabelFormat::Svg, _) => {
            return Err(ApiError::validation(
                "ONE_LABEL_PER_SVG",
                "an SVG holds one label",
            ));
        }
        (LabelFormat::Zpl, labels) => labels
            .iter()
            .map(cordtrace_labels::zpl)
            .collect::<Result<String, _>>()
            .map(|zpl| ("text/plain; charset=utf-8", zpl.into_bytes())),
        (LabelFormat::Pdf, labels) => {
            cordtrace_labels::pdf(labels).map(|pdf| ("application/pdf", pdf))
        }
    };
    // What the record holds cannot be laid out (a control character in a setting, say):
    // refused before the print is recorded.
    rendered.map_err(|failure| ApiError::validation(failure.code(), failure.to_string()))
}

fn not_a_label(what: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        &format!("no such label: {what} (a UUID, then .svg, .pdf or .zpl; a lot's sheet is .pdf)"),
    )
}

/// `GET /labels/units/{unitId}.{svg,pdf,zpl}`.
pub async fn unit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let viewer = match viewer(&state, &headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let Some((id, format)) = split(&file).and_then(|(id, ext)| Some((id, format_of(ext)?))) else {
        return not_a_label(&file);
    };
    let printed = match prepare_unit_label(&state.api, &viewer, UnitId::from_uuid(id)).await {
        Ok(printed) => printed,
        Err(failure) => return api_error(failure),
    };
    let rendered = match render(format, &[unit_label(printed.clone())]) {
        Ok(rendered) => rendered,
        Err(failure) => return api_error(failure),
    };
    match record_label_print(&state.api, &viewer, &printed, format).await {
        Ok(()) => document_response(rendered.0, rendered.1),
        Err(failure) => api_error(failure),
    }
}

/// `GET /labels/lots/{lotId}.pdf`: one page per unit of the lot that may still be labelled
/// (not destroyed, administered or expired), each page a recorded print.
pub async fn lot(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let viewer = match viewer(&state, &headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let Some((id, "pdf")) = split(&file) else {
        return not_a_label(&file);
    };
    match lot_sheet(&state, &viewer, LotId::from_uuid(id)).await {
        Ok((content_type, body)) => document_response(content_type, body),
        Err(failure) => api_error(failure),
    }
}

/// Every labelable unit of the lot, prepared and rendered, then each print recorded.
async fn lot_sheet(state: &AppState, viewer: &Viewer, lot_id: LotId) -> Result<Rendered, ApiError> {
    // Who may print is checked before the lot is read, so the sheet tells nobody else what
    // the lot holds.
    viewer.actor(cordtrace_api::PRINT_LABEL_OPERATION)?;
    let flags_reprints = state.api.manufacturing.labels.flags_reprints;
    let units: Vec<UnitId> = production::units_of_lot(state.api.executor.database(), lot_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("lot {lot_id}")))?
        .into_iter()
        // The domain's rule for which units may get a label, not a copy of it.
        .filter(|record| units::next_label_print(&record.unit, flags_reprints).is_ok())
        .map(|record| record.unit.id)
        .collect();
    if units.is_empty() {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("lot {lot_id} has no unit to label: it was not filled, or every unit is used"),
        ));
    }
    let mut prepared = Vec::with_capacity(units.len());
    for unit_id in units {
        prepared.push(prepare_unit_label(&state.api, viewer, unit_id).await?);
    }
    let labels: Vec<UnitLabel> = prepared.iter().cloned().map(unit_label).collect();
    let rendered = render(LabelFormat::Pdf, &labels)?;
    // One print per page. A print another person records between this sheet's preparation
    // and its own record refuses the rest of the sheet (LABEL_PRINTED_MEANWHILE): the pages
    // recorded before it stay in the ledger although no sheet is sent, and printing the sheet
    // again reprints them. One transaction for the sheet would close that window.
    for label in &prepared {
        record_label_print(&state.api, viewer, label, LabelFormat::Pdf).await?;
    }
    Ok(rendered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_written_as_people_write_them() {
        assert_eq!(cells_text(75_000_000), "75 x 10^6 viable cells");
        assert_eq!(cells_text(7_500_000), "7.5 x 10^6 viable cells");
        assert_eq!(cells_text(1_234_567), "1234567 viable cells");
        assert_eq!(cells_text(500), "500 viable cells");
    }

    #[test]
    fn a_label_url_names_a_uuid_and_a_known_document() {
        let id = "01900000-0000-7000-8000-000000000001";
        assert_eq!(split(&format!("{id}.svg")).map(|(_, ext)| ext), Some("svg"));
        assert!(split("not-a-uuid.svg").is_none());
        assert!(split(id).is_none());
        assert_eq!(format_of("png"), None);
    }
}
