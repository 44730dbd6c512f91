//! `/lineage/{kind}/{id}`: the lineage picture of a unit, lot, donation, donor or material
//! lot. One document per kind reads the trace (`upstream` behind a unit or lot, `downstream`
//! from anything but a unit, a page of lots and of units with their counts), never a read per
//! node; the records and what was made from what become a [`Graph`], drawn by
//! [`crate::charts::lineage`] with the same boxes listed in a table under the picture.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::json;
use uuid::Uuid;

use super::{Layout, Message, Shell, error_page, render, shell};
use crate::charts::lineage::{self, Graph, Kind, Node, Row};
use crate::{Shared, client, documents};

/// The roles that read a look-back, to offer its link only to them.
const LOOKBACK_READERS: [&str; 4] = ["CLINICIAN", "ANALYST", "QA", "AUDITOR"];

/// What a lineage starts from, as its URL names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Start {
    Unit,
    Lot,
    Donor,
    Donation,
    MaterialLot,
}

impl Start {
    const ALL: [Start; 5] = [
        Start::Unit,
        Start::Lot,
        Start::Donor,
        Start::Donation,
        Start::MaterialLot,
    ];

    /// The kind in the URL, as the ledger and the look-back name it too.
    fn name(self) -> &'static str {
        match self {
            Start::Unit => "unit",
            Start::Lot => "lot",
            Start::Donor => "donor",
            Start::Donation => "donation",
            Start::MaterialLot => "material_lot",
        }
    }

    fn kind(self) -> Kind {
        match self {
            Start::Unit => Kind::Unit,
            Start::Lot => Kind::Lot,
            Start::Donor => Kind::Donor,
            Start::Donation => Kind::Donation,
            Start::MaterialLot => Kind::MaterialLot,
        }
    }

    fn document(self) -> &'static str {
        match self {
            Start::Unit => documents::LINEAGE_UNIT,
            Start::Lot => documents::LINEAGE_LOT,
            Start::Donor => documents::LINEAGE_DONOR,
            Start::Donation => documents::LINEAGE_DONATION,
            Start::MaterialLot => documents::LINEAGE_MATERIAL_LOT,
        }
    }
}

#[derive(Template)]
#[template(path = "lineage.html")]
struct LineagePage {
    layout: Layout,
    /// The starting record in words, such as `unit A999926000001 X`.
    about: String,
    svg: String,
    rows: Vec<Row>,
    /// Whether some boxes stand for several records.
    bounded: bool,
    /// The chain of custody of the starting record.
    custody: String,
    /// The look-back of the starting record, where there is one (not from a unit).
    lookback: Option<String>,
}

/// The answer of any of the five documents: each fills the fields it asks for.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    upstream: Option<Upstream>,
    downstream: Option<Downstream>,
    donor: Option<DonorRecord>,
    donation: Option<DonationRecord>,
    material_lot: Option<MaterialLotRecord>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Upstream {
    unit: Option<UnitRecord>,
    lots: Vec<LotRecord>,
    steps: Vec<StepRecord>,
    material_lots: Vec<MaterialLotRecord>,
    donations: Vec<SourceDonation>,
    donors: Vec<DonorStanding>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Downstream {
    lots: Nodes<LotRecord>,
    units: Nodes<UnitRecord>,
    lot_count: u64,
    unit_count: u64,
}

#[derive(Deserialize)]
struct Nodes<T> {
    nodes: Vec<T>,
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LotRecord {
    id: String,
    code: String,
    kind: String,
    status: String,
    made_by_step_id: String,
    donation_id: Option<String>,
    parents: Vec<Id>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UnitRecord {
    id: String,
    din: String,
    din_check_character: String,
    product_code: String,
    status: String,
    lot: Id,
    custody: UnitCustody,
}

#[derive(Deserialize)]
struct UnitCustody {
    destination: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StepRecord {
    id: String,
    kind: String,
    sop_id: String,
    sop_version: String,
    ended_at: Option<String>,
    donation: Option<Id>,
    inputs: Vec<Id>,
    outputs: Vec<Id>,
    material_lots: Vec<Id>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MaterialLotRecord {
    id: String,
    material: String,
    supplier: String,
    supplier_lot: String,
    qc_status: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SourceDonation {
    id: String,
    din: String,
    din_check_character: String,
    donor_id: String,
    site: String,
    received_at: Option<String>,
}

#[derive(Deserialize)]
struct DonorStanding {
    id: String,
    key: String,
    eligibility: String,
    consent: String,
}

/// A donor as `donor(id:)` and `Donation.donor` give her.
#[derive(Deserialize)]
struct DonorRecord {
    id: String,
    key: String,
    eligibility: Eligibility,
    consent: Option<Consent>,
    #[serde(default)]
    donations: Vec<DonationRecord>,
}

#[derive(Deserialize)]
struct Eligibility {
    status: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Consent {
    withdrawn_on: Option<String>,
}

/// A donation as `donation(id:)` and `Donor.donations` give it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DonationRecord {
    id: String,
    din: String,
    check_character: String,
    site: String,
    /// Present once the lab received it.
    receipt: Option<IgnoredAny>,
    donor: Option<Box<DonorRecord>>,
}

/// `GET /lineage/{kind}/{id}`.
pub(crate) async fn get(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let Some(start) = Start::ALL.into_iter().find(|start| start.name() == kind) else {
        return refused(
            &shell,
            StatusCode::NOT_FOUND,
            format!(
                "There is no lineage of a “{kind}”: a lineage starts from a unit, lot, \
                 donation, donor or material lot (NOT_FOUND)."
            ),
        );
    };
    let Ok(uuid) = Uuid::parse_str(id.trim()) else {
        return refused(
            &shell,
            StatusCode::BAD_REQUEST,
            format!(
                "“{id}” is not the identifier of a {}: cordtrace identifies records by UUID, \
                 such as 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b (VALIDATION).",
                start.kind().noun().to_lowercase()
            ),
        );
    };
    let id = uuid.to_string();
    let answer: Answer = match client::run(
        &web,
        &shell.visitor.viewer,
        start.document(),
        json!({ "id": id }),
        None,
    )
    .await
    {
        Ok(answer) => answer,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    let traced = trace(start, &id, answer);
    // The look-back lists every lot and unit a box of the rest counts; it starts from
    // anything but a unit, and is offered to the roles that read it (the API decides).
    let lookback = (start != Start::Unit
        && LOOKBACK_READERS.iter().any(|role| shell.has_role(role)))
    .then(|| format!("/lookback?from={}&id={id}", start.name()));
    let picture = lineage::picture(
        &traced.graph,
        &traced.unread,
        &traced.about,
        lookback.as_deref(),
    );
    render(
        StatusCode::OK,
        &LineagePage {
            layout: shell.layout(),
            about: traced.about,
            svg: picture.svg,
            rows: picture.rows,
            bounded: picture.bounded,
            custody: format!("/custody/{}/{id}", start.name()),
            lookback,
        },
    )
}

fn refused(shell: &Shell, status: StatusCode, line: String) -> Response {
    render(
        status,
        &Message {
            layout: shell.layout(),
            title: "No such lineage".to_owned(),
            lines: vec![line],
        },
    )
}

/// The graph of an answer, how many lots and units the trace reached beyond those it listed,
/// and the starting record in words.
struct Traced {
    graph: Graph,
    unread: Vec<(Kind, u64)>,
    about: String,
}

fn trace(start: Start, id: &str, answer: Answer) -> Traced {
    let mut graph = Graph::default();
    if let Some(donor) = &answer.donor {
        graph.add_start(donor_node(donor));
        for donation in &donor.donations {
            graph.add(donation_node(donation));
            graph.link((Kind::Donor, &donor.id), (Kind::Donation, &donation.id));
        }
    }
    if let Some(donation) = &answer.donation {
        graph.add_start(donation_node(donation));
        if let Some(donor) = &donation.donor {
            graph.add(donor_node(donor));
            graph.link((Kind::Donor, &donor.id), (Kind::Donation, &donation.id));
        }
    }
    if let Some(material) = &answer.material_lot {
        graph.add_start(material_node(material));
    }
    if let Some(upstream) = &answer.upstream {
        add_upstream(&mut graph, start, id, upstream);
    }
    let mut unread = Vec::new();
    if let Some(downstream) = &answer.downstream {
        add_downstream(&mut graph, start, id, downstream);
        let listed = |nodes: usize| u64::try_from(nodes).unwrap_or(u64::MAX);
        unread.push((
            Kind::Lot,
            downstream
                .lot_count
                .saturating_sub(listed(downstream.lots.nodes.len())),
        ));
        unread.push((
            Kind::Unit,
            downstream
                .unit_count
                .saturating_sub(listed(downstream.units.nodes.len())),
        ));
    }
    let about = graph
        .find(start.kind(), id)
        .map(|index| {
            let node = &graph.nodes()[index];
            format!("{} {}", node.kind.noun().to_lowercase(), node.name)
        })
        .unwrap_or_else(|| format!("{} {id}", start.kind().noun().to_lowercase()));
    Traced {
        graph,
        unread,
        about,
    }
}

/// Everything behind a unit or lot: donors into donations, donations, input lots and material
/// lots into steps, steps into the lots they made, the lot into the unit.
fn add_upstream(graph: &mut Graph, start: Start, id: &str, upstream: &Upstream) {
    if let Some(unit) = &upstream.unit {
        graph.add_start(unit_node(unit));
    }
    for donor in &upstream.donors {
        graph.add(Node {
            kind: Kind::Donor,
            id: donor.id.clone(),
            name: donor.key.clone(),
            detail: format!("consent {}", donor.consent),
            status: donor.eligibility.clone(),
            href: Some(format!("/donors/{}", donor.id)),
        });
    }
    for donation in &upstream.donations {
        graph.add(Node {
            kind: Kind::Donation,
            id: donation.id.clone(),
            name: format!("{} {}", donation.din, donation.din_check_character),
            detail: donation.site.clone(),
            status: received(donation.received_at.is_some()),
            href: Some(format!("/donations/{}", donation.id)),
        });
        graph.link(
            (Kind::Donor, &donation.donor_id),
            (Kind::Donation, &donation.id),
        );
    }
    for material in &upstream.material_lots {
        graph.add(material_node(material));
    }
    for lot in &upstream.lots {
        let node = lot_node(lot);
        if start == Start::Lot && lot.id == id {
            graph.add_start(node);
        } else {
            graph.add(node);
        }
    }
    for step in &upstream.steps {
        graph.add(Node {
            kind: Kind::Step,
            id: step.id.clone(),
            name: words(&step.kind),
            detail: format!("SOP {} v{}", step.sop_id, step.sop_version),
            status: if step.ended_at.is_some() {
                "ENDED"
            } else {
                "OPEN"
            }
            .to_owned(),
            href: Some(format!("/custody/step/{}", step.id)),
        });
        if let Some(donation) = &step.donation {
            graph.link((Kind::Donation, &donation.id), (Kind::Step, &step.id));
        }
        for material in &step.material_lots {
            graph.link((Kind::MaterialLot, &material.id), (Kind::Step, &step.id));
        }
        for input in &step.inputs {
            graph.link((Kind::Lot, &input.id), (Kind::Step, &step.id));
        }
        for output in &step.outputs {
            graph.link((Kind::Step, &step.id), (Kind::Lot, &output.id));
        }
    }
    for lot in &upstream.lots {
        link_lot(graph, lot);
    }
    if let Some(unit) = &upstream.unit {
        graph.link((Kind::Lot, &unit.lot.id), (Kind::Unit, &unit.id));
    }
}

/// What was made from the start: lots from their parents (the trace has no steps downstream),
/// units from their lot, and the lots nothing else in the trace leads into from the start.
fn add_downstream(graph: &mut Graph, start: Start, id: &str, downstream: &Downstream) {
    for lot in &downstream.lots.nodes {
        graph.add(lot_node(lot));
    }
    for unit in &downstream.units.nodes {
        graph.add(unit_node(unit));
    }
    for lot in &downstream.lots.nodes {
        link_lot(graph, lot);
    }
    for unit in &downstream.units.nodes {
        graph.link((Kind::Lot, &unit.lot.id), (Kind::Unit, &unit.id));
    }
    if start != Start::Lot {
        for lot in &downstream.lots.nodes {
            if graph
                .find(Kind::Lot, &lot.id)
                .is_some_and(|index| !graph.has_inputs(index))
            {
                graph.link((start.kind(), id), (Kind::Lot, &lot.id));
            }
        }
    }
}

/// A lot's edges when the trace has not the step that made it: from its parents, or from its
/// donation.
fn link_lot(graph: &mut Graph, lot: &LotRecord) {
    if graph.find(Kind::Step, &lot.made_by_step_id).is_some() {
        return;
    }
    for parent in &lot.parents {
        graph.link((Kind::Lot, &parent.id), (Kind::Lot, &lot.id));
    }
    if let Some(donation) = &lot.donation_id {
        graph.link((Kind::Donation, donation), (Kind::Lot, &lot.id));
    }
}

fn lot_node(lot: &LotRecord) -> Node {
    Node {
        kind: Kind::Lot,
        id: lot.id.clone(),
        name: lot.code.clone(),
        detail: words(&lot.kind),
        status: lot.status.clone(),
        href: Some(format!("/lots/{}", lot.id)),
    }
}

fn unit_node(unit: &UnitRecord) -> Node {
    let detail = match &unit.custody.destination {
        Some(destination) => format!("{}, to {destination}", unit.product_code),
        None => unit.product_code.clone(),
    };
    Node {
        kind: Kind::Unit,
        id: unit.id.clone(),
        name: format!("{} {}", unit.din, unit.din_check_character),
        detail,
        status: unit.status.clone(),
        href: Some(format!("/units/{}", unit.id)),
    }
}

fn material_node(material: &MaterialLotRecord) -> Node {
    Node {
        kind: Kind::MaterialLot,
        id: material.id.clone(),
        name: material.material.clone(),
        // The supplier's lot first: it is what identifies the material lot, and a long
        // supplier name is what the box cuts short.
        detail: format!("lot {} of {}", material.supplier_lot, material.supplier),
        status: material.qc_status.clone(),
        href: Some(format!("/lineage/material_lot/{}", material.id)),
    }
}

fn donor_node(donor: &DonorRecord) -> Node {
    // The consent as `DonorStanding.consent` states it, so a donor reads the same whichever
    // answer named her.
    let consent = match &donor.consent {
        None => "NONE",
        Some(Consent {
            withdrawn_on: Some(_),
        }) => "WITHDRAWN",
        Some(_) => "GIVEN",
    };
    Node {
        kind: Kind::Donor,
        id: donor.id.clone(),
        name: donor.key.clone(),
        detail: format!("consent {consent}"),
        status: donor.eligibility.status.clone(),
        href: Some(format!("/donors/{}", donor.id)),
    }
}

fn donation_node(donation: &DonationRecord) -> Node {
    Node {
        kind: Kind::Donation,
        id: donation.id.clone(),
        name: format!("{} {}", donation.din, donation.check_character),
        detail: donation.site.clone(),
        status: received(donation.receipt.is_some()),
        href: Some(format!("/donations/{}", donation.id)),
    }
}

/// A donation's status: whether the lab has received it.
fn received(received: bool) -> String {
    if received { "RECEIVED" } else { "NOT RECEIVED" }.to_owned()
}

/// An enum value as words: `DRUG_PRODUCT` as `drug product`.
fn words(value: &str) -> String {
    value.replace('_', " ").to_lowercase()
}
