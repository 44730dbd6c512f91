//! The analyst's and QA's work on a lot's review in a real headless Chromium: the analyst
//! begins testing and records every result (a malformed value refused at its field, nothing
//! written), QA invalidates a failed result with a signature (a wrong password refused at the
//! field, nothing written) and its retest is recorded, closes the investigation it opened and
//! assesses and closes a deviation, signed, while the blockers shrink to none; QA who recorded
//! a result of the lot is refused its release, a second QA user releases it; QA who recorded a
//! step of a lot sees SIGNER_RECORDED_STEP among its blockers and is refused, and another QA
//! user rejects that lot, signed with a reason. Material lots: a
//! technician registers them and equipment, QA releases one and rejects another, a technician
//! is offered no QC button and a forged QC post is refused. Every page is checked with
//! axe-core.

use cordtrace_domain::Role;
use cordtrace_tests::browser::Browser;
use cordtrace_tests::fixtures::{Eligibility, Fixtures, production_server};
use cordtrace_tests::release_fixtures::{
    PASSING, PRODUCT_CODE, ReleaseLot, fill_and_complete, formulated_lot,
};
use cordtrace_tests::{PASSWORD, TestServer};
use serde_json::json;

/// The review page of the fixture lot.
fn review(lot: &ReleaseLot) -> String {
    lot.server.url(&format!("/release/{}", lot.lot_id))
}

/// How many blockers the review lists (none once every condition holds).
async fn blockers(browser: &Browser) -> u64 {
    browser
        .eval("document.querySelectorAll('#blockers li').length")
        .await
        .as_u64()
        .expect("a count")
}

/// Records a result of `code` through the review's form, `retest_of` naming the invalidated
/// result it retests (an option's value), or none.
async fn record_in_form(browser: &Browser, code: &str, value: &str, retest_of: Option<&str>) {
    browser.set_value("#record-result-test_code", code).await;
    browser.set_value("#record-result-value", value).await;
    browser
        .set_value("#record-result-instrument", "QC-INSTR-01")
        .await;
    browser
        .set_value("#record-result-sample_id", &format!("QC-{code}-01"))
        .await;
    browser
        .set_value("#record-result-retest_of", retest_of.unwrap_or(""))
        .await;
    browser
        .click("#record-result-form button[type=submit]")
        .await;
}

/// The value of the first option of `select` whose text starts with `prefix`.
async fn option_starting(browser: &Browser, select: &str, prefix: &str) -> String {
    let value = browser
        .eval(&format!(
            "[...document.querySelectorAll({})].find(o => o.textContent.startsWith({})).value",
            json!(format!("{select} option")),
            json!(prefix)
        ))
        .await;
    value.as_str().expect("an option").to_owned()
}

#[tokio::test]
async fn analysts_and_qa_work_a_lot_to_release_with_signatures_and_separated_duties() {
    let lot = ReleaseLot::start(Eligibility::Eligible).await;
    let server = &lot.server;
    lot.import_default().await;
    server
        .user_token("qa.analyst", &[Role::Qa, Role::Analyst])
        .await;
    server
        .gql(
            Some(&lot.tech),
            "mutation($input: OpenDeviationInput!) { openDeviation(input: $input) { id } }",
            json!({ "input": {
                "lotId": lot.lot_id,
                "severity": "MINOR",
                "description": "fill room particle count alarm for two minutes",
            }}),
        )
        .await
        .data();

    // The analyst begins testing and records the results; a malformed value is refused at its
    // field with what was typed kept, and nothing is written.
    let analyst = Browser::launch().await;
    analyst.sign_in(server, "analyst.one", PASSWORD).await;
    analyst.goto(&review(&lot)).await;
    assert!(
        !analyst.has("#release-form").await,
        "an analyst does not release"
    );
    assert!(!analyst.has("#invalidate-result-form").await);
    analyst.assert_accessible("a review before testing").await;
    analyst
        .click("#begin-testing-form button[type=submit]")
        .await;
    assert!(analyst.text().await.contains("Testing begun"));
    assert!(analyst.text().await.contains("now +"), "the zone's offset");
    analyst.assert_accessible("the result form").await;
    let before = server.ledger_entry_count().await;
    record_in_form(&analyst, "CD73", "98,5", None).await;
    assert!(
        analyst.has("#record-result-value-problem").await,
        "{}",
        analyst.text().await
    );
    let problem = analyst
        .eval("document.querySelector('#record-result-value-problem').textContent")
        .await;
    assert!(
        problem
            .as_str()
            .is_some_and(|text| text.contains("INVALID_VALUE")),
        "{problem}"
    );
    let kept = analyst
        .eval("document.querySelector('#record-result-value').value")
        .await;
    assert_eq!(kept, "98,5");
    assert_eq!(server.ledger_entry_count().await, before, "nothing written");
    analyst.assert_accessible("a refused result").await;
    record_in_form(&analyst, "STERILITY", "SOME_GROWTH_MAYBE", None).await;
    assert!(analyst.has("#record-result-value-problem").await);
    assert_eq!(server.ledger_entry_count().await, before, "nothing written");

    // CD73 fails (an investigation opens); every other test passes.
    record_in_form(&analyst, "CD73", "50", None).await;
    assert!(analyst.text().await.contains("Result recorded"));
    for (code, value, _) in PASSING.iter().filter(|(code, _, _)| *code != "CD73") {
        record_in_form(&analyst, code, value, None).await;
        assert!(
            analyst.text().await.contains("Result recorded"),
            "{code}: {}",
            analyst.text().await
        );
    }
    assert!(analyst.text().await.contains("FAIL"));
    analyst.screenshot("release-review.png").await;

    // An analyst is offered no invalidation; a forged one is refused, nothing written.
    let certificate = server
        .gql(
            Some(&lot.analyst),
            "query($lot: UUID!) { certificateOfAnalysis(lotId: $lot) { tests { code \
             results { id } } } }",
            json!({ "lot": lot.lot_id }),
        )
        .await;
    let cd73 = certificate.data()["certificateOfAnalysis"]["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .find(|test| test["code"] == "CD73")
        .and_then(|test| test["results"][0]["id"].as_str())
        .expect("the CD73 result")
        .to_owned();
    let before = server.ledger_entry_count().await;
    let (status, body) = post_with_session(
        &analyst,
        server,
        &format!("/release/{}/invalidate-result", lot.lot_id),
        &[
            ("result_id", &cd73),
            ("reason", "forged"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("FORBIDDEN"), "{body}");
    assert_eq!(server.ledger_entry_count().await, before, "nothing written");
    analyst.assert_same_origin_only(server).await;
    analyst.close().await;

    // QA invalidates the failed result, signed: a wrong password first.
    let qa = Browser::launch().await;
    qa.sign_in(server, "qa.one", PASSWORD).await;
    qa.goto(&review(&lot)).await;
    assert!(!qa.has("#record-result-form").await, "QA records no result");
    let open = blockers(&qa).await;
    assert!(open >= 2, "{}", qa.text().await);
    qa.assert_accessible("a review with an investigation and a deviation")
        .await;
    let failed = option_starting(&qa, "#invalidate-result-result_id", "CD73 ").await;
    qa.set_value("#invalidate-result-result_id", &failed).await;
    qa.set_value(
        "#invalidate-result-reason",
        "sample mislabelled at the bench",
    )
    .await;
    qa.set_value("#invalidate-result--password", "not the password at all")
        .await;
    qa.click("#invalidate-result-form button[type=submit]")
        .await;
    assert!(qa.has("#invalidate-result--password-problem").await);
    assert!(qa.text().await.contains("SIGNATURE_REJECTED"));
    // The ledger records the refused signature (21 CFR 11); the result still stands.
    assert_eq!(
        option_starting(&qa, "#invalidate-result-result_id", "CD73 ").await,
        failed,
        "not invalidated"
    );
    let kept = qa
        .eval("document.querySelector('#invalidate-result-reason').value")
        .await;
    assert_eq!(kept, "sample mislabelled at the bench");
    qa.assert_accessible("a refused signature").await;
    qa.set_value("#invalidate-result--password", PASSWORD).await;
    qa.click("#invalidate-result-form button[type=submit]")
        .await;
    assert!(qa.text().await.contains("Result invalidated and signed"));

    // The investigation closed, signed; the deviation assessed, then closed, signed.
    qa.set_value(
        ".close-investigation input[name=conclusion]",
        "labelling error, no product impact",
    )
    .await;
    qa.set_value(".close-investigation input[name=password]", PASSWORD)
        .await;
    qa.click(".close-investigation button[type=submit]").await;
    assert!(qa.text().await.contains("Investigation closed and signed"));
    qa.set_value(
        ".assess-deviation input[name=impact_assessment]",
        "no impact: the units were sealed",
    )
    .await;
    qa.click(".assess-deviation button[type=submit]").await;
    assert!(qa.text().await.contains("Impact assessment recorded"));
    qa.set_value(
        ".close-deviation input[name=conclusion]",
        "closed after review",
    )
    .await;
    qa.set_value(".close-deviation input[name=password]", PASSWORD)
        .await;
    qa.click(".close-deviation button[type=submit]").await;
    assert!(qa.text().await.contains("Deviation closed and signed"));
    assert!(blockers(&qa).await < open, "{}", qa.text().await);
    qa.assert_accessible("a review with closed records").await;
    qa.close().await;

    // QA who is also an analyst retests CD73 and may then not release the lot.
    let both = Browser::launch().await;
    both.sign_in(server, "qa.analyst", PASSWORD).await;
    both.goto(&review(&lot)).await;
    let invalidated = option_starting(&both, "#record-result-retest_of", "CD73 ").await;
    assert_eq!(invalidated, failed);
    record_in_form(&both, "CD73", "98.5", Some(&invalidated)).await;
    assert!(both.text().await.contains("Result recorded"));
    assert!(
        both.text()
            .await
            .contains("retest of the invalidated result")
    );
    // For this viewer the review lists one condition left: someone else must release.
    assert_eq!(blockers(&both).await, 1, "{}", both.text().await);
    assert!(both.text().await.contains("SIGNER_RECORDED_RESULT"));
    let before = server.ledger_entry_count().await;
    both.set_value("#release-password", PASSWORD).await;
    both.click("#release-form button[type=submit]").await;
    assert!(
        both.text().await.contains("SIGNER_RECORDED_RESULT"),
        "{}",
        both.text().await
    );
    assert!(both.text().await.contains("QUARANTINE"));
    assert_eq!(server.ledger_entry_count().await, before, "nothing written");
    both.assert_accessible("a release refused for separation of duties")
        .await;
    both.close().await;

    // A second QA user releases it.
    let qa2 = Browser::launch().await;
    qa2.sign_in(server, "qa.two", PASSWORD).await;
    qa2.goto(&review(&lot)).await;
    assert!(qa2.text().await.contains("Every condition holds"));
    assert_eq!(blockers(&qa2).await, 0);
    assert!(qa2.has("#steps").await, "the steps and who recorded them");
    qa2.set_value("#release-password", PASSWORD).await;
    qa2.click("#release-form button[type=submit]").await;
    let page = qa2.text().await;
    assert!(page.contains("Lot released and signed"), "{page}");
    assert!(page.contains("RELEASED"), "{page}");
    qa2.assert_accessible("a released lot").await;
    qa2.assert_same_origin_only(server).await;
    qa2.close().await;
    lot.finish().await;
}

/// A form post from `browser`'s session with its valid CSRF token, as a forger who holds the
/// session would send it: only the API's rules stand in the way.
async fn post_with_session(
    browser: &Browser,
    server: &TestServer,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let csrf = browser
        .eval("document.querySelector('input[name=csrf]').value")
        .await;
    let csrf = csrf.as_str().expect("a CSRF token on the page").to_owned();
    let mut fields = vec![("csrf", csrf.as_str())];
    fields.extend_from_slice(form);
    let response = server
        .client()
        .post(server.url(path))
        .header("Cookie", browser.cookie_header().await)
        .form(&fields)
        .send()
        .await
        .expect("an answer");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a body"))
}

/// The id of the material lot whose supplier lot is `supplier_lot`, from its row.
async fn material_lot_id(browser: &Browser, supplier_lot: &str) -> String {
    let id = browser
        .eval(&format!(
            "[...document.querySelectorAll('#material-lots tbody tr')]\
             .find(row => row.textContent.includes({})).id.replace('material-lot-', '')",
            json!(supplier_lot)
        ))
        .await;
    id.as_str().expect("a row").to_owned()
}

async fn register_material(browser: &Browser, supplier_lot: &str) {
    browser
        .set_value("#register-material-lot-material", "human platelet lysate")
        .await;
    browser
        .set_value("#register-material-lot-supplier", "Invented Supplies")
        .await;
    browser
        .set_value("#register-material-lot-supplier_lot", supplier_lot)
        .await;
    browser
        .set_value("#register-material-lot-expires_on", "2027-06-30")
        .await;
    browser
        .click("#register-material-lot-form button[type=submit]")
        .await;
}

#[tokio::test]
async fn technicians_register_material_lots_and_equipment_and_qa_decides_their_qc() {
    let server = TestServer::start().await;
    server.user_token("tech.one", &[Role::Technician]).await;
    server.user_token("qa.one", &[Role::Qa]).await;

    let tech = Browser::launch().await;
    tech.sign_in(&server, "tech.one", PASSWORD).await;
    assert!(tech.has("nav a[href='/materials']").await);
    tech.goto(&server.url("/materials")).await;
    tech.assert_accessible("the material lots, none yet").await;
    register_material(&tech, "HPL-TEST-001").await;
    assert!(tech.text().await.contains("Material lot registered"));
    register_material(&tech, "HPL-TEST-002").await;
    let page = tech.text().await;
    assert!(
        page.contains("HPL-TEST-002") && page.contains("QUARANTINE"),
        "{page}"
    );
    assert!(page.contains("2027-06-30"), "{page}");
    assert!(!tech.has(".release-material-lot").await, "no QC button");
    assert!(!tech.has(".reject-material-lot").await, "no QC button");

    // Equipment with its calibration due, then calibrated.
    tech.set_value("#register-equipment-asset_tag", "BSC-TEST-01")
        .await;
    tech.set_value("#register-equipment-kind", "biosafety cabinet")
        .await;
    tech.set_value("#register-equipment-calibration_due", "2020-01-31")
        .await;
    tech.click("#register-equipment-form button[type=submit]")
        .await;
    let page = tech.text().await;
    assert!(
        page.contains("BSC-TEST-01") && page.contains("overdue"),
        "{page}"
    );
    tech.set_value(
        ".calibrate-equipment input[name=calibration_due]",
        "2030-01-31",
    )
    .await;
    tech.click(".calibrate-equipment button[type=submit]").await;
    let page = tech.text().await;
    assert!(
        page.contains("Calibration recorded") && page.contains("2030-01-31"),
        "{page}"
    );
    assert!(!page.contains("(overdue)"), "{page}");
    tech.assert_accessible("the material lots and equipment")
        .await;

    // A forged QC post by the technician is refused; nothing is written.
    let first = material_lot_id(&tech, "HPL-TEST-001").await;
    let before = server.ledger_entry_count().await;
    let (status, body) = post_with_session(
        &tech,
        &server,
        "/materials/release-material-lot",
        &[("id", &first)],
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("FORBIDDEN"), "{body}");
    assert_eq!(server.ledger_entry_count().await, before, "nothing written");
    tech.assert_same_origin_only(&server).await;
    tech.close().await;

    // QA releases the first and rejects the second.
    let qa = Browser::launch().await;
    qa.sign_in(&server, "qa.one", PASSWORD).await;
    qa.goto(&server.url("/materials")).await;
    qa.assert_accessible("QA's material lots").await;
    let status_of =
        |id: &str| format!("document.querySelector('#material-lot-{id} .qc-status').textContent");
    // Each decision is signed: a wrong password is refused at its form, nothing written.
    let before = server.ledger_entry_count().await;
    qa.fill(
        &format!("#release-material-lot-{first}-password"),
        "not the password at all",
    )
    .await;
    qa.click(&format!(
        "#material-lot-{first} .release-material-lot button"
    ))
    .await;
    let page = qa.text().await;
    assert!(page.contains("SIGNATURE_REJECTED"), "{page}");
    assert_eq!(
        server.ledger_entry_count().await,
        before + 1,
        "only the failed authentication is written"
    );
    assert_eq!(qa.eval(&status_of(&first)).await, "QUARANTINE");
    qa.fill(&format!("#release-material-lot-{first}-password"), PASSWORD)
        .await;
    qa.click(&format!(
        "#material-lot-{first} .release-material-lot button"
    ))
    .await;
    assert!(qa.text().await.contains("Material lot RELEASED"));
    let second = material_lot_id(&qa, "HPL-TEST-002").await;
    qa.fill(&format!("#reject-material-lot-{second}-password"), PASSWORD)
        .await;
    qa.click(&format!(
        "#material-lot-{second} .reject-material-lot button"
    ))
    .await;
    assert!(qa.text().await.contains("Material lot REJECTED"));
    // The ledger holds QA's signature of each decision.
    let qa_token = server.user_token("qa.reader", &[Role::Qa]).await;
    let entries = server
        .gql(
            Some(&qa_token),
            "{ ledgerEntries(action: \"material_lot.qc_changed\", first: 10) { nodes { \
             signature { printedName meaning } } } }",
            serde_json::json!({}),
        )
        .await;
    let nodes = entries.data()["ledgerEntries"]["nodes"].clone();
    let nodes = nodes.as_array().expect("entries");
    assert_eq!(nodes.len(), 2, "{nodes:?}");
    for node in nodes {
        assert_eq!(node["signature"]["meaning"], "APPROVAL", "{node}");
        assert_eq!(node["signature"]["printedName"], "Test qa.one", "{node}");
    }
    assert_eq!(qa.eval(&status_of(&first)).await, "RELEASED");
    assert_eq!(qa.eval(&status_of(&second)).await, "REJECTED");
    assert!(!qa.has(&format!("#material-lot-{second} form")).await);
    qa.assert_accessible("decided material lots").await;
    qa.assert_same_origin_only(&server).await;
    qa.close().await;
    server.finish().await;
}

#[tokio::test]
async fn qa_who_recorded_a_step_is_refused_the_release_and_another_qa_rejects_the_lot() {
    let server = production_server().await;
    let fixtures = Fixtures::open(&server).await;
    let donor = fixtures.donor(Eligibility::Eligible).await;
    fixtures.product(PRODUCT_CODE).await;
    fixtures.close().await;
    // A person who works at the bench and in QA records the lot's steps.
    let both = server
        .user_token("qa.bench", &[Role::Technician, Role::Qa])
        .await;
    let (_, lot_id) = formulated_lot(&server, &both, &donor).await;
    fill_and_complete(&server, &both, &lot_id, 'A').await;

    let browser = Browser::launch().await;
    browser.sign_in(&server, "qa.bench", PASSWORD).await;
    browser
        .goto(&server.url(&format!("/release/{lot_id}")))
        .await;
    assert!(
        browser.text().await.contains("SIGNER_RECORDED_STEP"),
        "{}",
        browser.text().await
    );
    let before = server.ledger_entry_count().await;
    browser.set_value("#release-password", PASSWORD).await;
    browser.click("#release-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("SIGNER_RECORDED_STEP"), "{page}");
    assert!(page.contains("QUARANTINE"), "{page}");
    assert_eq!(server.ledger_entry_count().await, before, "nothing written");
    browser
        .assert_accessible("a release refused to who recorded a step")
        .await;
    browser.assert_same_origin_only(&server).await;
    browser.close().await;

    // Another QA user rejects the lot, signed with a reason: its units are set aside.
    server.user_token("qa.two", &[Role::Qa]).await;
    let qa2 = Browser::launch().await;
    qa2.sign_in(&server, "qa.two", PASSWORD).await;
    qa2.goto(&server.url(&format!("/release/{lot_id}"))).await;
    qa2.fill("#reject-reason", "invented: the cord arrived warm")
        .await;
    qa2.set_value("#reject-password", PASSWORD).await;
    qa2.click("#reject-form button[type=submit]").await;
    let page = qa2.text().await;
    assert!(page.contains("Lot rejected and signed"), "{page}");
    assert!(page.contains("REJECTED"), "{page}");
    qa2.assert_accessible("a rejected lot").await;
    qa2.close().await;
    server.finish().await;
}
