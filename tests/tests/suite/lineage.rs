//! Lineage over GraphQL: upstream from a unit to every lot, step, material lot, piece of
//! equipment, donation and donor behind it; downstream from a donor, donation, material lot or lot
//! to every lot and unit made from it, at any depth, and nothing more.

use std::collections::BTreeSet;

use cordtrace_domain::Role;
use cordtrace_tests::fixtures::{
    Bench, Eligibility, Fixtures, assert_refused, production_server, try_fill, unit_input,
};
use serde_json::{Value, json};

const UPSTREAM: &str = "query($from: UpstreamFrom!) { upstream(from: $from) { \
    unit { id din } lots { id code kind flags } steps { id kind } \
    materialLots { id material } equipment { id assetTag } \
    donations { id din dinCheckCharacter donorId } \
    donors { id key eligibility consent } } }";

const DOWNSTREAM: &str = "query($from: DownstreamFrom!) { downstream(from: $from) { \
    lotCount unitCount administrationCount \
    lots(first: 500) { nodes { id code kind status } pageInfo { hasNextPage } } \
    units(first: 500) { nodes { id din productCode status custody { state } } \
        pageInfo { hasNextPage } } } }";

/// One page of the units downstream of a start.
const UNITS_PAGE: &str = "query($from: DownstreamFrom!, $after: String, $first: Int) { \
    downstream(from: $from) { units(after: $after, first: $first) { \
        edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }";

/// One page of the lots downstream of a start.
const LOTS_PAGE: &str = "query($from: DownstreamFrom!, $after: String, $first: Int) { \
    downstream(from: $from) { lots(after: $after, first: $first) { \
        edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }";

fn ids(list: &Value) -> BTreeSet<String> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Every id of a downstream list, walked `first` at a time with `query` (one of the `*_PAGE`
/// queries, whose list is `field`), checking the cursors and page flags on the way.
async fn walk_pages(
    server: &cordtrace_tests::TestServer,
    token: &str,
    query: &str,
    field: &str,
    from: &Value,
    first: i64,
) -> Vec<String> {
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let response = server
            .gql(
                Some(token),
                query,
                json!({ "from": from, "after": after, "first": first }),
            )
            .await;
        let page = &response.data()["downstream"][field];
        let edges = page["edges"].as_array().cloned().unwrap_or_default();
        assert!(edges.len() as i64 <= first, "{page}");
        assert_eq!(page["pageInfo"]["hasPreviousPage"], json!(!after.is_null()));
        for edge in &edges {
            assert_eq!(edge["cursor"], edge["node"]["id"], "the cursor is the id");
            seen.push(edge["node"]["id"].as_str().unwrap_or_default().to_owned());
        }
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            return seen;
        }
        assert_eq!(edges.len() as i64, first, "only the last page is short");
        after = page["pageInfo"]["endCursor"].clone();
    }
}

fn set(items: &[&String]) -> BTreeSet<String> {
    items.iter().map(|item| (*item).clone()).collect()
}

#[tokio::test]
async fn lineage_runs_up_from_a_unit_to_its_donors_and_down_from_donors_and_materials() {
    let server = production_server().await;
    let fixtures = Fixtures::open(&server).await;
    let first = fixtures.donor(Eligibility::Eligible).await;
    let second = fixtures.donor(Eligibility::Eligible).await;
    let medium = fixtures.released_material("alpha-MEM medium").await;
    let trypsin_a = fixtures.released_material("trypsin lot A").await;
    let trypsin_b = fixtures.released_material("trypsin lot B").await;
    let dmso = fixtures.released_material("DMSO").await;
    let cabinet = fixtures.calibrated_equipment("BSC-LIN-01").await;
    let freezer = fixtures.calibrated_equipment("CRF-LIN-01").await;
    fixtures.product("S1001").await;
    fixtures.product("S1002").await;
    fixtures.close().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let auditor = server.user_token("auditor.one", &[Role::Auditor]).await;
    let clinician = server.user_token("clin.one", &[Role::Clinician]).await;
    let bench = Bench {
        server: &server,
        token: tech.clone(),
        equipment: vec![cabinet.to_string()],
        materials: vec![medium.to_string()],
    };

    // The first donor's culture is banked; two passages from the bank use different trypsin
    // lots. Branch A is pooled with the second donor's material into a drug product (formulated
    // with DMSO, frozen in the controlled-rate freezer); branch B becomes a single-donor product.
    let tissue = bench.tissue(first.donation_id).await;
    let primary = bench
        .make("EXPLANT_CULTURE", &[&tissue], &["PRIMARY_CULTURE"])
        .await
        .remove(0);
    let feeding = bench
        .step(bench.input("IN_PROCESS", &[&primary], &[]))
        .await;
    let bank = bench
        .make("BANKING", &[&primary], &["CELL_BANK"])
        .await
        .remove(0);
    let mut passage_a = bench.input("PASSAGE", &[&bank], &["PASSAGE"]);
    passage_a["materialLotIds"] = json!([medium.to_string(), trypsin_a.to_string()]);
    let passage_a_step = bench.step(passage_a).await;
    let branch_a = passage_a_step["outputs"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut passage_b = bench.input("PASSAGE", &[&bank], &["PASSAGE"]);
    passage_b["materialLotIds"] = json!([medium.to_string(), trypsin_b.to_string()]);
    let passage_b_step = bench.step(passage_b).await;
    let branch_b = passage_b_step["outputs"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let substance_a = bench.harvest(&branch_a).await;
    let other = bench.expanded(second.donation_id).await;
    let other_substance = bench.harvest(&other).await;
    let pooled = bench
        .make(
            "POOL",
            &[&substance_a, &other_substance],
            &["DRUG_SUBSTANCE"],
        )
        .await
        .remove(0);
    let mut formulation = bench.input("FORMULATION", &[&pooled], &["DRUG_PRODUCT"]);
    formulation["materialLotIds"] = json!([dmso.to_string()]);
    formulation["equipmentIds"] = json!([freezer.to_string()]);
    let formulation_step = bench.step(formulation).await;
    let pool_product = formulation_step["outputs"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let substance_b = bench.harvest(&branch_b).await;
    let single_product = bench.formulate(&[&substance_b]).await;
    let pool_units = try_fill(
        &server,
        &tech,
        &pool_product,
        vec![unit_input("S1001VA0", "P01"), unit_input("S1001VB0", "P02")],
    )
    .await;
    let pool_units = pool_units.data()["fillUnits"]["units"].clone();
    let single_units = try_fill(
        &server,
        &tech,
        &single_product,
        vec![unit_input("S1002V00", "P03")],
    )
    .await;
    let single_units = single_units.data()["fillUnits"]["units"].clone();

    // Upstream from a pooled unit: both donors, both donations, every ancestor lot, the steps
    // that made them, with their material lots and equipment; nothing of branch B.
    let unit_id = pool_units[0]["id"].clone();
    let response = server
        .gql(
            Some(&auditor),
            UPSTREAM,
            json!({ "from": { "unitId": unit_id } }),
        )
        .await;
    let upstream = &response.data()["upstream"];
    assert_eq!(upstream["unit"]["id"], unit_id);
    let lots = ids(&upstream["lots"]);
    assert!(lots.contains(&pool_product) && lots.contains(&tissue) && lots.contains(&bank));
    assert!(lots.contains(&other) && lots.contains(&branch_a));
    assert!(!lots.contains(&branch_b) && !lots.contains(&single_product));
    assert_eq!(lots.len(), 11, "{}", upstream["lots"]);
    let steps = ids(&upstream["steps"]);
    assert!(steps.contains(feeding["id"].as_str().unwrap_or_default()));
    assert!(steps.contains(passage_a_step["id"].as_str().unwrap_or_default()));
    assert!(!steps.contains(passage_b_step["id"].as_str().unwrap_or_default()));
    assert_eq!(
        steps.len(),
        12,
        "11 steps made the lots, one fed a culture in place"
    );
    let materials = ids(&upstream["materialLots"]);
    assert_eq!(
        materials,
        set(&[
            &medium.to_string(),
            &trypsin_a.to_string(),
            &dmso.to_string()
        ])
    );
    let equipment = ids(&upstream["equipment"]);
    assert_eq!(
        equipment,
        set(&[&cabinet.to_string(), &freezer.to_string()])
    );
    let donations = ids(&upstream["donations"]);
    assert_eq!(
        donations,
        set(&[
            &first.donation_id.to_string(),
            &second.donation_id.to_string()
        ])
    );
    let donors = upstream["donors"].as_array().cloned().unwrap_or_default();
    assert_eq!(donors.len(), 2);
    assert!(
        donors
            .iter()
            .all(|donor| donor["eligibility"] == "ELIGIBLE")
    );
    assert!(donors.iter().all(|donor| donor["consent"] == "GIVEN"));
    let pool_lot = upstream["lots"]
        .as_array()
        .and_then(|lots| lots.iter().find(|lot| lot["id"] == json!(pool_product)))
        .cloned()
        .unwrap_or_default();
    assert_eq!(pool_lot["flags"], json!(["MULTI_DONOR_POOL"]));

    // Upstream from a lot starts at the lot.
    let response = server
        .gql(
            Some(&auditor),
            UPSTREAM,
            json!({ "from": { "lotId": branch_b } }),
        )
        .await;
    let upstream = &response.data()["upstream"];
    assert_eq!(upstream["unit"], Value::Null);
    assert_eq!(
        ids(&upstream["lots"]),
        set(&[&tissue, &primary, &bank, &branch_b])
    );
    assert_eq!(ids(&upstream["donations"]).len(), 1);

    // Downstream from the first donor: every lot of hers and every unit, pooled or not.
    let all_units: BTreeSet<String> = ids(&pool_units)
        .union(&ids(&single_units))
        .cloned()
        .collect();
    for from in [
        json!({ "donorId": first.donor_id.to_string() }),
        json!({ "donationId": first.donation_id.to_string() }),
    ] {
        let response = server
            .gql(Some(&auditor), DOWNSTREAM, json!({ "from": from }))
            .await;
        let downstream = &response.data()["downstream"];
        let lots = ids(&downstream["lots"]["nodes"]);
        assert!(lots.contains(&tissue) && lots.contains(&pool_product));
        assert!(lots.contains(&single_product) && !lots.contains(&other));
        assert_eq!(ids(&downstream["units"]["nodes"]), all_units, "{from}");
        assert_eq!(downstream["units"]["nodes"][0]["status"], "QUARANTINE");
        assert_eq!(downstream["lotCount"], json!(lots.len()));
        assert_eq!(downstream["unitCount"], json!(all_units.len()));
        assert_eq!(downstream["administrationCount"], 0);
        assert_eq!(downstream["units"]["pageInfo"]["hasNextPage"], false);
    }

    // Page by page, one unit or two lots at a time: every item once, in id (recording) order,
    // the same set as in one page.
    let from_donor = json!({ "donorId": first.donor_id.to_string() });
    let unit_walk = walk_pages(&server, &auditor, UNITS_PAGE, "units", &from_donor, 1).await;
    let mut in_order = unit_walk.clone();
    in_order.sort();
    assert_eq!(unit_walk, in_order, "units come in id order");
    assert_eq!(
        unit_walk.iter().cloned().collect::<BTreeSet<_>>(),
        all_units
    );
    assert_eq!(unit_walk.len(), all_units.len(), "no unit twice");
    let lot_walk = walk_pages(&server, &auditor, LOTS_PAGE, "lots", &from_donor, 2).await;
    let response = server
        .gql(Some(&auditor), DOWNSTREAM, json!({ "from": from_donor }))
        .await;
    let lots_at_once = ids(&response.data()["downstream"]["lots"]["nodes"]);
    assert_eq!(lot_walk.len(), lots_at_once.len(), "no lot twice");
    assert_eq!(lot_walk.into_iter().collect::<BTreeSet<_>>(), lots_at_once);
    // A cursor that is not an id, and a negative page size, are refused.
    for (after, first, reason) in [
        (json!("not-a-cursor"), json!(1), "BAD_CURSOR"),
        (Value::Null, json!(-1), "BAD_PAGE_SIZE"),
    ] {
        let response = server
            .gql(
                Some(&auditor),
                UNITS_PAGE,
                json!({ "from": from_donor, "after": after, "first": first }),
            )
            .await;
        assert_refused(&response, "VALIDATION", Some(reason));
    }

    // Downstream from the second donor reaches only the pool.
    let response = server
        .gql(
            Some(&auditor),
            DOWNSTREAM,
            json!({ "from": { "donorId": second.donor_id.to_string() } }),
        )
        .await;
    assert_eq!(
        ids(&response.data()["downstream"]["units"]["nodes"]),
        ids(&pool_units)
    );

    // A trypsin lot reaches only the branch whose passage used it: not the bank, not the other
    // branch.
    let response = server
        .gql(
            Some(&auditor),
            DOWNSTREAM,
            json!({ "from": { "materialLotId": trypsin_b.to_string() } }),
        )
        .await;
    let downstream = &response.data()["downstream"];
    let lots = ids(&downstream["lots"]["nodes"]);
    assert_eq!(
        lots,
        set(&[&branch_b, &substance_b, &single_product]),
        "{}",
        downstream["lots"]
    );
    assert_eq!(ids(&downstream["units"]["nodes"]), ids(&single_units));
    // The medium was used everywhere, and so reaches every unit.
    let response = server
        .gql(
            Some(&auditor),
            DOWNSTREAM,
            json!({ "from": { "materialLotId": medium.to_string() } }),
        )
        .await;
    assert_eq!(
        ids(&response.data()["downstream"]["units"]["nodes"]),
        all_units
    );

    // Downstream from the bank lot: both branches.
    let response = server
        .gql(
            Some(&auditor),
            DOWNSTREAM,
            json!({ "from": { "lotId": bank } }),
        )
        .await;
    let downstream = &response.data()["downstream"];
    assert!(ids(&downstream["lots"]["nodes"]).contains(&bank));
    assert_eq!(ids(&downstream["units"]["nodes"]), all_units);

    // Unknown starts, a start that names two things, and a clinician, are refused.
    let unknown = uuid::Uuid::now_v7().to_string();
    let response = server
        .gql(
            Some(&auditor),
            UPSTREAM,
            json!({ "from": { "unitId": unknown } }),
        )
        .await;
    assert_refused(&response, "NOT_FOUND", None);
    let response = server
        .gql(
            Some(&auditor),
            DOWNSTREAM,
            json!({ "from": { "donorId": unknown } }),
        )
        .await;
    assert_refused(&response, "NOT_FOUND", None);
    let response = server
        .gql(
            Some(&auditor),
            DOWNSTREAM,
            json!({ "from": { "donorId": unknown, "lotId": unknown } }),
        )
        .await;
    assert_refused(&response, "VALIDATION", None);
    let response = server
        .gql(
            Some(&clinician),
            UPSTREAM,
            json!({ "from": { "unitId": unit_id } }),
        )
        .await;
    assert_refused(&response, "FORBIDDEN", None);
    server.finish().await;
}
