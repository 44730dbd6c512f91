//! Identifiers as people scan or type them, resolved to the id of the record they name
//! through the API: a lot code, a DIN (scanned with its flag, or typed with or without its
//! check character), a donor key, a supplier lot number, an asset tag, or the record's own id
//! as its label carries it. What a record is, and who may find it, is the API's answer.

use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::Shell;
use crate::client::{self, Failures};
use crate::{Web, documents};

/// Why a scan names no single record.
pub(crate) enum Unresolved {
    /// The API refused the lookup: not found, malformed, or not for this role.
    Refused(Failures),
    /// Nothing or several records carry it: the sentence says which.
    Unclear(String),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MaterialLotsBySupplierLot {
    material_lots_by_supplier_lot: Vec<MaterialLotFound>,
}

#[derive(Deserialize)]
struct MaterialLotFound {
    id: String,
    supplier: String,
}

/// The record's own id, when that is what was scanned.
fn own_id(scanned: &str) -> Option<String> {
    Uuid::parse_str(scanned).is_ok().then(|| scanned.to_owned())
}

/// The id `scanned` names: its own, or the one the lookup `document` finds with `scanned` as
/// its `$variable`.
async fn own_or_found(
    web: &Web,
    shell: &Shell,
    scanned: &str,
    document: &str,
    variable: &str,
) -> Result<String, Unresolved> {
    if let Some(id) = own_id(scanned) {
        return Ok(id);
    }
    client::run_for_id(
        web,
        &shell.visitor.viewer,
        document,
        json!({ variable: scanned }),
    )
    .await
    .map_err(Unresolved::Refused)
}

/// The lot of a code (`L26-…`) or an id.
pub(crate) async fn lot(web: &Web, shell: &Shell, scanned: &str) -> Result<String, Unresolved> {
    own_or_found(web, shell, scanned, documents::LOT_BY_CODE, "code").await
}

/// The cord donation of a DIN or an id.
pub(crate) async fn donation(
    web: &Web,
    shell: &Shell,
    scanned: &str,
) -> Result<String, Unresolved> {
    own_or_found(web, shell, scanned, documents::DONATION_BY_DIN, "din").await
}

/// The donor of an opaque key (`DNR26-000001`) or an id.
pub(crate) async fn donor(web: &Web, shell: &Shell, scanned: &str) -> Result<String, Unresolved> {
    own_or_found(web, shell, scanned, documents::DONOR_BY_KEY, "key").await
}

/// The equipment of an asset tag or an id.
pub(crate) async fn equipment(
    web: &Web,
    shell: &Shell,
    scanned: &str,
) -> Result<String, Unresolved> {
    own_or_found(
        web,
        shell,
        scanned,
        documents::EQUIPMENT_BY_ASSET_TAG,
        "assetTag",
    )
    .await
}

/// The material lot of an id, or of a supplier lot number when exactly one material lot
/// carries it (two suppliers may use the same number: the person then scans the lot's own
/// identifier).
pub(crate) async fn material_lot(
    web: &Web,
    shell: &Shell,
    scanned: &str,
) -> Result<String, Unresolved> {
    if let Some(id) = own_id(scanned) {
        return Ok(id);
    }
    let found = client::run::<MaterialLotsBySupplierLot>(
        web,
        &shell.visitor.viewer,
        documents::MATERIAL_LOTS_BY_SUPPLIER_LOT,
        json!({ "supplierLot": scanned }),
        None,
    )
    .await
    .map_err(Unresolved::Refused)?
    .material_lots_by_supplier_lot;
    match found.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(Unresolved::Unclear(format!(
            "no material lot has the supplier lot {scanned}"
        ))),
        several => Err(Unresolved::Unclear(format!(
            "{} material lots carry the supplier lot {scanned} (from {}): scan the lot's own \
             identifier instead",
            several.len(),
            several
                .iter()
                .map(|lot| lot.supplier.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}
