//! The lot page as the electronic batch record, in a real headless Chromium, as technicians use
//! it: from the received donation (tissue processing recorded from its page, a cabinet past its
//! calibration refused first) through explant culture, passage, a split into two lots, a pool across two
//! donors (flagged multi-donor in words), harvest and formulation to a drug product lot, each
//! step recorded in the browser with its SOP, times, measurements, equipment and material lots
//! scanned in; an expired material refused at its field with its code and nothing written; a
//! measurement out of range shown against its range before the form is sent; a deviation
//! opened from the step it concerns; units filled, a stale form refused once another technician
//! completed the lot; a unit stored at a scanned location, dispatched and received by a second
//! technician. An auditor sees the
//! record without a form and a forged post is refused; a clinician is not shown the lot.
//!
//! Every page is checked with axe-core; `batch-record.png` is left in `target/web-artifacts/`.

use chrono::{Duration, Utc};
use cordtrace_domain::Role;
use cordtrace_domain::manufacturing::MaterialQcStatus;
use cordtrace_tests::browser::Browser;
use cordtrace_tests::fixtures::{Bench, Eligibility, Fixtures, production_server};
use cordtrace_tests::release_fixtures::signature;
use cordtrace_tests::{PASSWORD, TestServer};
use serde_json::json;

/// The code of lot `lot_id`, read through the API.
async fn lot_code(server: &TestServer, token: &str, lot_id: &str) -> String {
    let answer = server
        .gql(
            Some(token),
            "query($id: UUID!) { lot(id: $id) { code } }",
            json!({ "id": lot_id }),
        )
        .await;
    answer.data()["lot"]["code"]
        .as_str()
        .expect("a lot code")
        .to_owned()
}

/// The ids of the lots the page's "Made into" links to.
async fn children(browser: &Browser) -> Vec<String> {
    let hrefs = browser
        .eval(
            "Array.from(document.querySelectorAll('#lot-children a')) \
             .map(a => a.getAttribute('href').replace('/lots/', ''))",
        )
        .await;
    serde_json::from_value(hrefs).expect("a list of lot ids")
}

/// Fills the step form's common fields: `kind`, its SOP, and what it makes.
async fn step_form(browser: &Browser, kind: &str, output_kind: &str, outputs: &str) {
    browser.set_value("#step-kind", kind).await;
    browser.fill("#step-sop_id", &format!("SOP-{kind}")).await;
    browser.fill("#step-sop_version", "4").await;
    browser.set_value("#step-output_kind", output_kind).await;
    browser.set_value("#step-output_count", outputs).await;
}

/// Sends the step form and expects it recorded.
async fn record_step(browser: &Browser) {
    browser.click("#step-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("Step recorded"), "{page}");
}

/// Waits until `selector`'s text contains `expected` (a fragment htmx swaps in).
async fn wait_for_text(browser: &Browser, selector: &str, expected: &str) -> String {
    let mut text = String::new();
    for _ in 0..100 {
        text = browser
            .eval(&format!(
                "document.querySelector({}).innerText",
                json!(selector)
            ))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if text.contains(expected) {
            return text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{selector} never said {expected:?}; it says {text:?}");
}

#[tokio::test]
async fn technicians_keep_the_batch_record_from_cord_tissue_to_a_dispatched_unit() {
    let server = production_server().await;
    let fixtures = Fixtures::open(&server).await;
    let donor = fixtures.donor(Eligibility::Eligible).await;
    let second_donor = fixtures.donor(Eligibility::Eligible).await;
    fixtures.product("S1001").await;
    let expired = fixtures
        .material_lot(
            "trypsin",
            MaterialQcStatus::Released,
            (Utc::now() - Duration::days(2)).date_naive(),
        )
        .await;
    fixtures.calibrated_equipment("BSC-WEB-01").await;
    fixtures
        .equipment("BSC-WEB-OLD", (Utc::now() - Duration::days(3)).date_naive())
        .await;
    server.add_user("tech.one", &[Role::Technician]).await;
    server.add_user("tech.two", &[Role::Technician]).await;
    server.add_user("audit.one", &[Role::Auditor]).await;
    server.add_user("clin.one", &[Role::Clinician]).await;
    let tech = server.login("tech.one", PASSWORD).await;
    let qa = server.user_token("qa.one", &[Role::Qa]).await;
    let lysate = server
        .gql(
            Some(&tech),
            "mutation($lot: MaterialLotInput!) { registerMaterialLot(lot: $lot) { id } }",
            json!({ "lot": {
                "material": "human platelet lysate",
                "supplier": "Invented Biologics",
                "supplierLot": "HPL-WEB-0042",
                "expiresOn": (Utc::now() + Duration::days(200)).date_naive().to_string(),
            }}),
        )
        .await;
    let lysate = lysate.data()["registerMaterialLot"]["id"]
        .as_str()
        .expect("a material lot id")
        .to_owned();
    server
        .gql(
            Some(&qa),
            "mutation($id: UUID!, $sig: SignatureInput!) { setMaterialQcStatus(materialLotId: $id, \
             status: RELEASED, signature: $sig) { id } }",
            json!({ "id": lysate, "sig": signature("APPROVAL") }),
        )
        .await
        .data();

    // The second donor's material is expanded through the API, to be pooled in the browser.
    let bench = Bench {
        server: &server,
        token: tech.clone(),
        equipment: Vec::new(),
        materials: Vec::new(),
    };
    let other_donor_lot = bench.expanded(second_donor.donation_id).await;
    let other_donor_code = lot_code(&server, &tech, &other_donor_lot).await;

    // Tissue processing starts the batch record from the received donation's page.
    let browser = Browser::launch().await;
    browser.sign_in(&server, "tech.one", PASSWORD).await;
    browser
        .goto(&server.url(&format!("/donations/{}", donor.donation_id)))
        .await;
    browser
        .assert_accessible("a received donation with its first step")
        .await;
    browser.fill("#tissue-equipment_ids", "BSC-WEB-OLD").await;
    let entries = server.ledger_entry_count().await;
    browser.click("#tissue-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("CALIBRATION_OVERDUE"), "{page}");
    assert_eq!(
        server.ledger_entry_count().await,
        entries,
        "nothing written"
    );
    browser.set_value("#tissue-equipment_ids", "").await;
    browser.fill("#tissue-equipment_ids", "BSC-WEB-01").await;
    browser.click("#tissue-form button[type=submit]").await;
    let url = browser.url().await;
    let tissue = url
        .split("/lots/")
        .nth(1)
        .and_then(|rest| rest.split('?').next())
        .unwrap_or_else(|| panic!("the new lot's page: {url}"))
        .to_owned();
    let page = browser.text().await;
    assert!(page.contains("Step recorded"), "{page}");
    assert!(page.contains("TISSUE_PROCESSING"), "{page}");
    assert!(page.contains("Record the next step"), "{page}");
    browser
        .assert_accessible("a cord tissue lot's batch record")
        .await;

    // Explant culture with an expired material lot scanned in: refused at its field with its
    // code, what was typed kept, nothing written.
    let entries = server.ledger_entry_count().await;
    step_form(&browser, "EXPLANT_CULTURE", "PRIMARY_CULTURE", "1").await;
    browser
        .fill("#step-material_lot_ids", &expired.to_string())
        .await;
    browser.click("#step-form button[type=submit]").await;
    let problem = browser
        .eval("document.querySelector('#step-material_lot_ids-problem').innerText")
        .await;
    let problem = problem.as_str().unwrap_or_default();
    assert!(problem.contains("MATERIAL_EXPIRED"), "{problem}");
    assert_eq!(
        browser
            .eval("document.querySelector('#step-material_lot_ids').value")
            .await,
        json!(expired.to_string())
    );
    assert_eq!(
        browser
            .eval("document.querySelector('#step-sop_id').value")
            .await,
        json!("SOP-EXPLANT_CULTURE")
    );
    assert_eq!(server.ledger_entry_count().await, entries);
    browser
        .assert_accessible("a step refused at its material")
        .await;

    // A scan of the wrong kind (a lot's code where a material lot goes) names no material
    // lot: refused at its field, nothing written.
    browser
        .set_value("#step-material_lot_ids", &other_donor_code)
        .await;
    browser.click("#step-form button[type=submit]").await;
    let problem = browser
        .eval("document.querySelector('#step-material_lot_ids-problem').innerText")
        .await;
    let problem = problem.as_str().unwrap_or_default();
    assert!(
        problem.contains(&format!(
            "no material lot has the supplier lot {other_donor_code}"
        )),
        "{problem}"
    );
    assert_eq!(server.ledger_entry_count().await, entries);

    // The released lysate scanned by its supplier lot number, with a cabinet past its
    // calibration: refused at the equipment field, nothing written.
    browser
        .set_value("#step-material_lot_ids", "HPL-WEB-0042")
        .await;
    browser.fill("#step-equipment_ids", "BSC-WEB-OLD").await;
    browser.click("#step-form button[type=submit]").await;
    let problem = browser
        .eval("document.querySelector('#step-equipment_ids-problem').innerText")
        .await;
    let problem = problem.as_str().unwrap_or_default();
    assert!(problem.contains("CALIBRATION_OVERDUE"), "{problem}");
    assert_eq!(server.ledger_entry_count().await, entries);

    // The calibrated cabinet by its asset tag instead: recorded.
    browser.set_value("#step-equipment_ids", "").await;
    browser.fill("#step-equipment_ids", "BSC-WEB-01").await;
    record_step(&browser).await;
    let page = browser.text().await;
    assert!(page.contains("EXPLANT_CULTURE"), "{page}");
    assert!(
        page.contains("human platelet lysate lot HPL-WEB-0042 of Invented Biologics"),
        "{page}"
    );
    assert!(page.contains("BSC-WEB-01 (biosafety cabinet)"), "{page}");
    assert!(page.contains("Test tech.one"), "{page}");
    let primary = children(&browser).await.remove(0);

    // A passage, with a viability out of range shown against its range as it is typed.
    browser.goto(&server.url(&format!("/lots/{primary}"))).await;
    assert_eq!(
        browser
            .eval("document.querySelector('#lot-parents a').getAttribute('href')")
            .await,
        json!(format!("/lots/{tissue}")),
        "the parent is linked"
    );
    step_form(&browser, "PASSAGE", "PASSAGE", "1").await;
    browser.fill("#step-measurement_VIABILITY", "120").await;
    let check = wait_for_text(
        &browser,
        "#step-measurement_VIABILITY-check",
        "Out of range",
    )
    .await;
    assert!(check.contains("between 0 and 100"), "{check}");
    assert!(check.contains("INVALID_VALUE"), "{check}");
    let range = browser
        .eval("document.querySelector('#step-measurement_VIABILITY-range').innerText")
        .await;
    assert!(
        range.as_str().unwrap_or_default().contains("0 to 100"),
        "{range}"
    );
    browser
        .assert_accessible("a measurement out of range")
        .await;
    browser.set_value("#step-measurement_VIABILITY", "").await;
    browser.fill("#step-measurement_VIABILITY", "92.5").await;
    wait_for_text(
        &browser,
        "#step-measurement_VIABILITY-check",
        "within its range",
    )
    .await;
    browser.fill("#step-measurement_PASSAGE_NUMBER", "1").await;
    record_step(&browser).await;
    assert!(browser.text().await.contains("VIABILITY: 92.5 %"));
    let passage = children(&browser).await.remove(0);

    // A split into two lots.
    browser.goto(&server.url(&format!("/lots/{passage}"))).await;
    step_form(&browser, "SPLIT", "PASSAGE", "2").await;
    record_step(&browser).await;
    let halves = children(&browser).await;
    assert_eq!(halves.len(), 2, "a split makes two lots");

    // The second half pooled with the second donor's lot: flagged multi-donor in words.
    browser
        .goto(&server.url(&format!("/lots/{}", halves[1])))
        .await;
    step_form(&browser, "POOL", "PASSAGE", "1").await;
    browser.fill("#step-other_lots", &other_donor_code).await;
    record_step(&browser).await;
    let pool = children(&browser).await.remove(0);
    browser.goto(&server.url(&format!("/lots/{pool}"))).await;
    let page = browser.text().await;
    assert!(page.contains("multi-donor pool"), "{page}");
    assert!(page.contains(&other_donor_code), "{page}");

    // Harvest of the first half, and a deviation opened from that step.
    browser
        .goto(&server.url(&format!("/lots/{}", halves[0])))
        .await;
    step_form(&browser, "HARVEST", "DRUG_SUBSTANCE", "1").await;
    record_step(&browser).await;
    let substance = children(&browser).await.remove(0);
    browser
        .goto(&server.url(&format!("/lots/{substance}")))
        .await;
    browser
        .eval("document.querySelector('details.subpanel').open = true")
        .await;
    browser
        .set_value("form.deviation-form select[name=severity]", "MAJOR")
        .await;
    browser
        .fill(
            "form.deviation-form textarea[name=description]",
            "Incubator door left open for 10 minutes during harvest",
        )
        .await;
    browser
        .click("form.deviation-form button[type=submit]")
        .await;
    let page = browser.text().await;
    assert!(page.contains("Deviation opened"), "{page}");
    assert!(page.contains("MAJOR\tHARVEST step started"), "{page}");
    assert!(page.contains("open: blocks release"), "{page}");

    // Formulation into the drug product lot.
    step_form(&browser, "FORMULATION", "DRUG_PRODUCT", "1").await;
    record_step(&browser).await;
    let product = children(&browser).await.remove(0);

    // Units filled, then the lot completed.
    browser.goto(&server.url(&format!("/lots/{product}"))).await;
    browser
        .assert_accessible("a drug product lot in process")
        .await;
    browser
        .set_value("#fill-product_codes", "S1001VA0\nS1001VB0")
        .await;
    browser.fill("#fill-volume_ml", "50").await;
    browser.fill("#fill-cells", "75000000").await;
    let expiry = (Utc::now() + Duration::days(365)).format("%Y-%m-%dT%H:%M");
    browser
        .set_value("#fill-expires_at", &expiry.to_string())
        .await;
    browser
        .fill("#fill-site", "Invented Cell Therapy Facility")
        .await;
    browser.fill("#fill-freezer", "LN2-01").await;
    browser.fill("#fill-rack", "R01").await;
    browser.fill("#fill-box", "B01").await;
    browser.set_value("#fill-positions", "P01\nP02").await;
    browser.click("#fill-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("Units filled"), "{page}");
    assert!(
        page.contains("S1001VA0") && page.contains("S1001VB0"),
        "{page}"
    );
    // Another technician completes the lot meanwhile: this page's forms are stale, and a step
    // recorded from it is refused at the top of the page (its form is gone), nothing written.
    let tech_two = server.login("tech.two", PASSWORD).await;
    server
        .gql(
            Some(&tech_two),
            "mutation($lot: UUID!) { completeLot(lotId: $lot) { status } }",
            json!({ "lot": product }),
        )
        .await
        .data();
    let entries = server.ledger_entry_count().await;
    browser.click("#complete-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("WRONG_LOT_STATE"), "{page}");
    assert!(!page.contains("Lot completed"), "{page}");
    assert_eq!(
        server.ledger_entry_count().await,
        entries,
        "nothing written"
    );
    browser.assert_accessible("a stale form refused").await;
    assert_eq!(
        browser
            .eval("document.querySelector('#lot-status').innerText")
            .await,
        json!("QUARANTINE")
    );
    assert!(!browser.has("#step-form").await, "no step after completion");
    assert!(
        browser
            .has(&format!(
                "#print-labels a[href='/labels/lots/{product}.pdf']"
            ))
            .await,
        "the lot's label sheet is offered"
    );
    browser.screenshot("batch-record.png").await;

    // A unit stored at a scanned location and dispatched.
    let unit = browser
        .eval("document.querySelector('a[href^=\"/units/\"]').getAttribute('href')")
        .await;
    let unit = unit.as_str().expect("a unit link").to_owned();
    browser.goto(&server.url(&unit)).await;

    // Its label, opened from the page with the session cookie: a print in the ledger.
    let entries = server.ledger_entry_count().await;
    let zpl = browser
        .eval(
            "fetch(document.querySelector(\"#print-label a[href$='.zpl']\").href) \
             .then(response => response.text())",
        )
        .await;
    assert!(
        zpl.as_str().is_some_and(|zpl| zpl.starts_with("^XA")),
        "{zpl}"
    );
    assert_eq!(server.ledger_entry_count().await, entries + 1, "the print");
    browser
        .assert_accessible("a unit with its custody forms")
        .await;
    // A location label that is not one: refused at its field, nothing written.
    let entries = server.ledger_entry_count().await;
    browser.fill("#store-location", "LN2-02/R03").await;
    browser.click("#store-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("a location label reads"), "{page}");
    assert_eq!(server.ledger_entry_count().await, entries);
    // The site is the unit's, the rest one scan of the position's label, ended with Enter.
    assert_eq!(
        browser
            .eval("document.querySelector('#store-site').value")
            .await,
        "Invented Cell Therapy Facility"
    );
    browser.set_value("#store-location", "").await;
    browser.fill("#store-location", "").await;
    browser.scan("LN2-02/R03/B07/A1").await;
    let custody = browser.text().await;
    assert!(custody.contains("Unit stored"), "{custody}");
    assert!(
        custody.contains("freezer LN2-02, rack R03, box B07, position A1"),
        "{custody}"
    );
    // A dispatch names the person who receives it: nobody by that name, refused, nothing
    // written; then the second technician.
    let entries = server.ledger_entry_count().await;
    browser.fill("#dispatch-destination", "Ward 7").await;
    browser.fill("#dispatch-receiver", "nobody.here").await;
    browser.click("#dispatch-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("RECEIVER_MAY_NOT_RECEIVE"), "{page}");
    assert_eq!(server.ledger_entry_count().await, entries);
    browser.set_value("#dispatch-receiver", "").await;
    browser.fill("#dispatch-receiver", "tech.two").await;
    browser.click("#dispatch-form button[type=submit]").await;
    let custody = browser.text().await;
    assert!(
        custody.contains("in transit to Ward 7 for Test tech.two"),
        "{custody}"
    );
    assert!(custody.contains("by Test tech.one"), "{custody}");

    // The dispatcher may not receive it: refused, nothing written.
    let entries = server.ledger_entry_count().await;
    browser.fill("#receive-temperature", "-150").await;
    browser.click("#receive-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("SAME_CUSTODIAN"), "{page}");
    assert_eq!(server.ledger_entry_count().await, entries);

    // A second technician receives it.
    browser.click("form[action='/signout'] button").await;
    browser.sign_in(&server, "tech.two", PASSWORD).await;
    browser.goto(&server.url(&unit)).await;
    browser.fill("#receive-temperature", "-150").await;
    browser.click("#receive-form button[type=submit]").await;
    let custody = browser.text().await;
    assert!(custody.contains("Unit received"), "{custody}");
    assert!(custody.contains("received at Ward 7"), "{custody}");
    assert!(
        custody.contains("by Test tech.two, at -150 °C, intact"),
        "{custody}"
    );

    // An auditor reads the record without a form; a forged post is refused by the API.
    browser.click("form[action='/signout'] button").await;
    browser.sign_in(&server, "audit.one", PASSWORD).await;
    browser
        .goto(&server.url(&format!("/lots/{substance}")))
        .await;
    let page = browser.text().await;
    assert!(page.contains("HARVEST"), "{page}");
    assert!(page.contains("Incubator door left open"), "{page}");
    assert!(!browser.has("form[action^='/lots/']").await, "{page}");
    browser
        .assert_accessible("the batch record as an auditor reads it")
        .await;
    let csrf = browser
        .eval("document.querySelector('form[action=\"/signout\"] input[name=csrf]').value")
        .await;
    let entries = server.ledger_entry_count().await;
    let response = server
        .client()
        .post(server.url(&format!("/lots/{substance}/deviation")))
        .header("Cookie", browser.cookie_header().await)
        .form(&[
            ("csrf", csrf.as_str().unwrap_or_default()),
            ("severity", "MINOR"),
            ("description", "forged by an auditor"),
        ])
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 403);
    let body = response.text().await.expect("a page");
    assert!(body.contains("FORBIDDEN"), "{body}");
    assert_eq!(server.ledger_entry_count().await, entries);

    // A clinician is not shown the lot, nor custody forms on a unit.
    browser.click("form[action='/signout'] button").await;
    browser.sign_in(&server, "clin.one", PASSWORD).await;
    browser.goto(&server.url(&format!("/lots/{product}"))).await;
    let page = browser.text().await;
    assert!(page.contains("FORBIDDEN"), "{page}");
    assert!(!browser.has("form[action^='/lots/']").await, "{page}");
    browser
        .assert_accessible("a lot refused to a clinician")
        .await;
    browser.goto(&server.url(&unit)).await;
    assert!(!browser.has("form[action^='/units/']").await);

    browser.assert_same_origin_only(&server).await;
    browser.close().await;
    fixtures.close().await;
    server.finish().await;
}
