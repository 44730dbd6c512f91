//! The clinic in a real headless Chromium, as a clinician uses it: a patient registered,
//! weighed, an order signed, a unit allocated by scanning its label, received at the ward and
//! thawed, a follow-up visit and an adverse event recorded and seen in the patient's chart;
//! refusals shown next to their form with nothing written; a technician offered no clinical
//! page and refused by the API when forging one; the bedside verdicts for an expired and a
//! recalled unit, on a 1024x768 screen and zoomed to 200 %; a follow-up visit due on the home
//! page until it is recorded.
//!
//! Every page is checked with axe-core; screenshots are left in `target/web-artifacts/`.

use cordtrace_domain::Role;
use cordtrace_domain::ids::UserId;
use cordtrace_tests::browser::Browser;
use cordtrace_tests::clinical_fixtures::{
    Clinic, PatientFixture, ThawAt, UnitSpec, administration_input, signed, unit_scans,
};
use cordtrace_tests::history::{PastInfusion, administer_days_ago};
use cordtrace_tests::{PASSWORD, TestServer};
use serde_json::json;

/// Dispatches `unit_id` from the lab to the ward, as the technician.
async fn dispatch(clinic: &Clinic, unit_id: &str) {
    clinic
        .server
        .gql(
            Some(&clinic.tech),
            "mutation($u: UUID!) { dispatchUnit(unitId: $u, destination: \"Ward 7\", \
             receiver: \"clin.one\") { id } }",
            json!({ "u": unit_id }),
        )
        .await
        .data();
}

/// The patient page's URL path for `key`.
fn patient_path(key: &str) -> String {
    format!("/patients/{key}")
}

#[tokio::test]
async fn a_clinician_registers_orders_prepares_and_follows_up_a_patient() {
    let clinic = Clinic::start().await;
    let server = &clinic.server;
    let lot = clinic.released_lot(&[UnitSpec::standard('A')]).await;
    let unit = &lot.units[0];

    let browser = Browser::launch().await;
    browser.sign_in(server, "clin.one", PASSWORD).await;

    // Registration.
    browser.goto(&server.url("/patients")).await;
    browser.assert_accessible("the patients page").await;
    browser.fill("#full_name", "Invented Patient WEB3001").await;
    browser.fill("#wristband_id", "WEB3001").await;
    browser.click("#register-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("Patient registered"), "{page}");
    assert!(page.contains("Invented Patient WEB3001"), "{page}");
    let url = browser.url().await;
    let key = url
        .split("/patients/")
        .nth(1)
        .and_then(|rest| rest.split('?').next())
        .expect("the patient's page")
        .to_owned();
    browser.assert_accessible("a new patient's page").await;

    // A weight, and the same form sent again from the same page (a double click, a resend
    // after "back"): done once, the second refused with its code.
    browser.fill("#weight-kilograms", "75").await;
    let weight_form = browser
        .eval(
            "Object.fromEntries(new FormData(document.querySelector(\"form[action$='/weight']\")).entries())",
        )
        .await;
    let entries = server.ledger_entry_count().await;
    browser
        .click("form[action$='/weight'] button[type=submit]")
        .await;
    let page = browser.text().await;
    assert!(page.contains("Weight recorded"), "{page}");
    assert!(page.contains("75 kg on"), "{page}");
    assert_eq!(server.ledger_entry_count().await, entries + 1);
    let resent = server
        .client()
        .post(server.url(&format!("/patients/{key}/weight")))
        .header("Cookie", browser.cookie_header().await)
        .form(&weight_form)
        .send()
        .await
        .expect("the resent form is answered");
    assert_eq!(resent.status(), 409);
    let body = resent.text().await.expect("a page");
    assert!(body.contains("DUPLICATE_SUBMISSION"), "{body}");
    assert_eq!(
        server.ledger_entry_count().await,
        entries + 1,
        "nothing more was recorded"
    );
    // The page opened again is a new decision: the same weight is recorded once more.
    browser.fill("#weight-kilograms", "75").await;
    browser
        .click("form[action$='/weight'] button[type=submit]")
        .await;
    assert!(browser.text().await.contains("Weight recorded"));
    assert_eq!(server.ledger_entry_count().await, entries + 2);

    // A malformed visit is not sent: the refusal is next to its field, what was typed stays,
    // nothing is written.
    let entries = server.ledger_entry_count().await;
    browser.fill("#visit-sledai2k", "twelve").await;
    browser.fill("#visit-proteinuria", "1.2").await;
    browser.click("#visit-form button[type=submit]").await;
    assert!(
        browser.has("#visit-sledai2k-problem").await,
        "{}",
        browser.text().await
    );
    let page = browser.text().await;
    assert!(page.contains("SLEDAI-2K must be a whole number"), "{page}");
    assert_eq!(
        browser
            .eval("document.querySelector('#visit-proteinuria').value")
            .await,
        json!("1.2")
    );
    browser.assert_accessible("a refused visit form").await;
    assert_eq!(server.ledger_entry_count().await, entries);

    // An order signed with a wrong password is refused and places nothing (the API keeps the
    // rejected signature in the ledger, as it keeps failed logins); then signed.
    browser
        .fill("#order-password", "not the password at all")
        .await;
    browser.click("#order-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("SIGNATURE_REJECTED"), "{page}");
    assert!(page.contains("No order."), "no order was placed: {page}");
    browser.fill("#order-password", PASSWORD).await;
    browser.click("#order-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("Order placed and signed"), "{page}");
    assert!(page.contains("1000000 cells/kg, day 0"), "{page}");

    // Allocation by the label's DIN (typed with its check character) and product code.
    browser.fill("#allocate-din", &unit.eye_readable()).await;
    browser
        .fill("#allocate-product_code", &unit.product_code)
        .await;
    browser
        .click("form[action$='/allocate'] button[type=submit]")
        .await;
    let page = browser.text().await;
    assert!(page.contains("Unit allocated to the order"), "{page}");
    assert!(page.contains(&unit.eye_readable()), "{page}");
    assert!(page.contains("frozen, not thawed"), "{page}");

    // The lab sends it; the ward receives it, then thaws it.
    dispatch(&clinic, &unit.id).await;
    browser.goto(&server.url(&patient_path(&key))).await;
    browser
        .fill(&format!("#receive-temperature-{}", unit.id), "-150")
        .await;
    browser
        .click("form[action$='/receive'] button[type=submit]")
        .await;
    let page = browser.text().await;
    assert!(page.contains("Unit received at the ward"), "{page}");
    browser
        .click("form[action$='/thaw'] button[type=submit]")
        .await;
    let page = browser.text().await;
    assert!(page.contains("Thaw recorded"), "{page}");
    assert!(page.contains("min left"), "{page}");

    // The home page lists it with the time left.
    browser.goto(&server.url("/")).await;
    let home = browser.text().await;
    assert!(home.contains(&key), "{home}");
    assert!(home.contains("min left"), "{home}");
    browser
        .assert_accessible("the home page with a thawed unit")
        .await;

    // Given at the bedside (through the API here; the bedside screen has its own tests).
    let patient = PatientFixture {
        id: server
            .gql(
                Some(&clinic.clinician),
                "query($k: String!) { patientByKey(key: $k) { id } }",
                json!({ "k": key }),
            )
            .await
            .data()["patientByKey"]["id"]
            .as_str()
            .expect("an id")
            .to_owned(),
        key: key.clone(),
        wristband: "WEB3001".to_owned(),
    };
    let check = clinic
        .check(
            &clinic.clinician,
            &unit_scans(unit),
            &patient.wristband_scan(),
        )
        .await;
    assert_eq!(check["ok"], true, "{check}");
    clinic
        .try_administer(
            &clinic.clinician,
            administration_input(unit, &patient),
            signed("RESPONSIBILITY"),
        )
        .await
        .data();

    // A follow-up visit, linked to the administration, and seen in the chart and the table.
    browser.goto(&server.url(&patient_path(&key))).await;
    browser
        .tick("#visit-form input[name=administration_ids]")
        .await;
    browser.fill("#visit-sledai2k", "6").await;
    browser.fill("#visit-proteinuria", "0.8").await;
    browser.fill("#visit-prednisone", "10").await;
    browser.click("#visit-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("Visit recorded"), "{page}");
    assert!(page.contains("follow-up"), "{page}");
    let chart = browser
        .eval("Array.from(document.querySelectorAll('figure.chart svg desc')).map(d => d.textContent).join(' | ')")
        .await;
    let chart = chart.as_str().unwrap_or_default();
    assert!(chart.contains("SLEDAI-2K"), "{chart}");
    assert!(chart.contains('6'), "the visit is in the chart: {chart}");
    assert!(
        chart.contains("infusion"),
        "the infusion is marked: {chart}"
    );

    // An adverse event.
    browser
        .fill("#adverse-event-term", "Infusion related reaction")
        .await;
    browser
        .set_value("#adverse-event-relatedness", "PROBABLE")
        .await;
    browser
        .click("form[action$='/adverse-event'] button[type=submit]")
        .await;
    let page = browser.text().await;
    assert!(page.contains("Adverse event recorded"), "{page}");
    assert!(page.contains("Infusion related reaction"), "{page}");
    assert!(page.contains("PROBABLE"), "{page}");
    browser.screenshot("patient.png").await;
    browser.assert_accessible("the patient's page").await;

    // A forged form post: without the page's token, nothing runs.
    let entries = server.ledger_entry_count().await;
    let response = server
        .client()
        .post(server.url(&format!("/patients/{key}/weight")))
        .header("Cookie", browser.cookie_header().await)
        .form(&[("kilograms", "80"), ("measured_on", "2026-12-01")])
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 403);
    assert_eq!(server.ledger_entry_count().await, entries);

    // The outcome summary draws the patient's group.
    browser.goto(&server.url("/outcomes")).await;
    let outcomes = browser.text().await;
    assert!(outcomes.contains("1000000 cells/kg"), "{outcomes}");
    assert!(browser.has("figure.chart svg").await);
    browser.assert_accessible("the outcomes page").await;

    browser.assert_same_origin_only(server).await;
    browser.close().await;
    clinic.finish().await;
}

/// The user id behind `token`.
async fn user_id(clinic: &Clinic, token: &str) -> UserId {
    let me = clinic
        .server
        .gql(Some(token), "{ me { id } }", json!({}))
        .await;
    let id = me.data()["me"]["id"].as_str().expect("an id").to_owned();
    UserId::from_uuid(id.parse().expect("a UUID"))
}

#[tokio::test]
async fn a_follow_up_visit_due_is_on_the_home_page_until_it_is_recorded() {
    let clinic = Clinic::start().await;
    let server = &clinic.server;
    let lot = clinic.released_lot(&[UnitSpec::standard('A')]).await;
    let unit = &lot.units[0];
    let patient = clinic.patient("WEB3101", Some("75")).await;
    clinic
        .ready_unit(&patient, unit, ThawAt::MinutesAgo(10))
        .await;
    clinic
        .accepted_check(&clinic.clinician, unit, &patient)
        .await;
    // Infused 100 days ago: the 3-month window (target plus or minus 30 days) is open today.
    let infusion = PastInfusion {
        unit_id: &unit.id,
        patient_id: &patient.id,
        cells: unit.cells,
        volume_ml: &unit.volume_ml,
    };
    let clinician = user_id(&clinic, &clinic.clinician).await;
    administer_days_ago(server, clinician, infusion, 100).await;

    let browser = Browser::launch().await;
    browser.sign_in(server, "clin.one", PASSWORD).await;
    browser.goto(&server.url("/")).await;
    let home = browser.text().await;
    assert!(home.contains("Follow-up visits due"), "{home}");
    let due = browser
        .eval("document.querySelector('#visits-due tbody').innerText")
        .await;
    let due = due.as_str().unwrap_or_default();
    assert!(due.contains(&patient.key), "{due}");
    assert!(due.contains("3-month follow-up"), "{due}");
    assert!(due.contains("DUE now"), "{due}");
    assert!(
        !due.contains("6-month"),
        "only the open window is due: {due}"
    );
    browser
        .assert_accessible("the home page with a visit due")
        .await;

    // The patient's schedule says the same, and a visit today meets the 3-month time point.
    browser
        .click(&format!("#visits-due a[href='/patients/{}']", patient.key))
        .await;
    let schedule = browser
        .eval("document.querySelector('#follow-ups').innerText")
        .await;
    let schedule = schedule.as_str().unwrap_or_default().to_owned();
    assert!(schedule.contains("DUE now"), "{schedule}");
    assert!(schedule.contains("UPCOMING"), "{schedule}");
    browser.assert_accessible("a patient's schedule").await;
    browser
        .tick("#visit-form input[name=administration_ids]")
        .await;
    browser.fill("#visit-sledai2k", "4").await;
    browser.click("#visit-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("Visit recorded"), "{page}");
    let schedule = browser
        .eval("document.querySelector('#follow-ups').innerText")
        .await;
    let schedule = schedule.as_str().unwrap_or_default().to_owned();
    assert!(schedule.contains("DONE: visit on"), "{schedule}");
    assert!(!schedule.contains("DUE now"), "{schedule}");

    browser.goto(&server.url("/")).await;
    let home = browser.text().await;
    assert!(home.contains("No follow-up visit is due."), "{home}");

    browser.assert_same_origin_only(server).await;
    browser.close().await;
    clinic.finish().await;
}

#[tokio::test]
async fn a_technician_is_offered_no_clinical_page_and_a_forged_one_is_refused() {
    let clinic = Clinic::start().await;
    let server = &clinic.server;
    let patient = clinic.patient("WEB4001", Some("70")).await;

    let browser = Browser::launch().await;
    browser.sign_in(server, "tech.one", PASSWORD).await;
    let home = browser.text().await;
    assert!(home.contains("TECHNICIAN"), "{home}");
    for link in ["/bedside", "/patients", "/outcomes"] {
        assert!(
            !browser.has(&format!("nav a[href='{link}']")).await,
            "{link} is not offered to a technician"
        );
    }
    browser.assert_accessible("a technician's home page").await;

    browser.goto(&server.url("/bedside")).await;
    let page = browser.text().await;
    assert!(page.contains("Not for your role"), "{page}");
    assert!(!browser.has("#scan").await, "no scan field");
    for path in ["/patients".to_owned(), patient_path(&patient.key)] {
        browser.goto(&server.url(&path)).await;
        let page = browser.text().await;
        assert!(page.contains("FORBIDDEN"), "{path}: {page}");
        assert!(!page.contains("WEB4001"), "{path}: {page}");
    }
    browser.assert_accessible("a refused page").await;

    // A form forged with the technician's own valid token still meets the API's rule.
    let cookie = browser.cookie_header().await;
    let csrf = browser
        .eval("document.querySelector('form[action=\"/signout\"] input[name=csrf]').value")
        .await;
    let entries = server.ledger_entry_count().await;
    let response = server
        .client()
        .post(server.url(&format!("/patients/{}/weight", patient.key)))
        .header("Cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str().expect("a token")),
            ("kilograms", "80"),
            ("measured_on", "2026-12-01"),
        ])
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 403);
    let body = response.text().await.expect("a page");
    assert!(body.contains("FORBIDDEN"), "{body}");
    assert!(!body.contains("WEB4001"), "{body}");
    assert_eq!(
        server.ledger_entry_count().await,
        entries,
        "nothing written"
    );

    browser.assert_same_origin_only(server).await;
    browser.close().await;
    clinic.finish().await;
}

/// Scans `patient` then every barcode of `unit`'s label at the bedside and asks for the check.
async fn bedside_check(
    browser: &Browser,
    server: &TestServer,
    patient: &PatientFixture,
    unit: &cordtrace_tests::clinical_fixtures::LabelledUnit,
) -> String {
    browser.goto(&server.url("/bedside")).await;
    browser.scan(&patient.wristband_scan()).await;
    for scan in unit_scans(unit) {
        browser.scan(&scan).await;
    }
    browser.click("#check").await;
    browser.text().await
}

#[tokio::test]
async fn the_bedside_refuses_an_expired_and_a_recalled_unit_on_a_small_or_zoomed_screen() {
    let clinic = Clinic::start().await;
    let server = &clinic.server;
    let lot = clinic
        .released_lot(&[UnitSpec::standard('A'), UnitSpec::expired('B')])
        .await;
    let (unit, expired) = (&lot.units[0], &lot.units[1]);
    let patient = clinic.patient("WEB5001", Some("75")).await;
    clinic
        .ready_unit(&patient, unit, ThawAt::MinutesAgo(10))
        .await;

    let browser = Browser::launch().await;
    browser.sign_in(server, "clin.one", PASSWORD).await;

    // A 1024x768 ward PC: the verdict and the facts fit, nothing scrolls sideways.
    browser.viewport(1024, 768, 1.0).await;
    let verdict = bedside_check(&browser, server, &patient, unit).await;
    assert!(verdict.contains("OK to infuse"), "{verdict}");
    browser.screenshot("bedside-ok-1024x768.png").await;
    assert!(
        browser.in_view("#verdict-heading").await,
        "{}",
        browser
            .eval("JSON.stringify(document.querySelector('#verdict-heading').getBoundingClientRect()) + ' ' + window.innerHeight + ' ' + window.scrollY")
            .await
    );
    assert!(!browser.overflows_sideways().await);

    // The expired unit, zoomed to 200 %.
    browser.viewport(512, 384, 2.0).await;
    let verdict = bedside_check(&browser, server, &patient, expired).await;
    assert!(verdict.contains("DO NOT INFUSE"), "{verdict}");
    assert!(verdict.contains("EXPIRED"), "{verdict}");
    assert!(!browser.has("#administration").await);
    browser.screenshot("bedside-expired-200-percent.png").await;
    assert!(
        browser.in_view("#verdict-heading").await,
        "{}",
        browser
            .eval("JSON.stringify(document.querySelector('#verdict-heading').getBoundingClientRect()) + ' ' + window.innerHeight + ' ' + window.innerWidth + ' ' + window.scrollY")
            .await
    );
    assert!(!browser.overflows_sideways().await, "reflows at 200 %");
    browser
        .assert_accessible("the expired verdict at 200 %")
        .await;

    // A scan of garbage for the wristband: refused, with no way forward, nothing shown of
    // the patient.
    browser.goto(&server.url("/bedside")).await;
    browser.scan("%%!?garbage").await;
    for scan in unit_scans(unit) {
        browser.scan(&scan).await;
    }
    browser.click("#check").await;
    let verdict = browser.text().await;
    assert!(verdict.contains("DO NOT INFUSE"), "{verdict}");
    assert!(!verdict.contains("WEB5001"), "{verdict}");
    assert!(!browser.has("#administration").await);

    // QA recalls the lot: the unit ready a minute ago may no longer be given.
    let recalled = server
        .gql(
            Some(&clinic.qa),
            "mutation($f: DownstreamFrom!, $s: SignatureInput!) { recall(from: $f, \
             reason: \"invented sterility failure\", signature: $s) { lotsChanged } }",
            json!({ "f": { "lotId": lot.lot_id }, "s": signed("APPROVAL") }),
        )
        .await;
    recalled.data();
    browser.viewport(1024, 768, 1.0).await;
    let verdict = bedside_check(&browser, server, &patient, unit).await;
    assert!(verdict.contains("DO NOT INFUSE"), "{verdict}");
    assert!(verdict.contains("ON_HOLD_OR_RECALLED"), "{verdict}");
    assert!(!verdict.contains("OK to infuse"), "{verdict}");
    assert!(!browser.has("#administration").await);
    browser.screenshot("bedside-recalled.png").await;
    browser.assert_accessible("the recalled verdict").await;

    browser.assert_same_origin_only(server).await;
    browser.close().await;
    clinic.finish().await;
}

#[tokio::test]
async fn search_goes_straight_to_a_patient_a_unit_and_a_lot() {
    let clinic = Clinic::start().await;
    let server = &clinic.server;
    let lot = clinic
        .released_lot(&[UnitSpec::standard('A'), UnitSpec::standard('B')])
        .await;
    let unit = &lot.units[0];
    let patient = clinic.patient("WEB6001", Some("75")).await;
    server
        .user_token("qa.search", &[Role::Qa, Role::Clinician])
        .await;

    let browser = Browser::launch().await;
    browser.sign_in(server, "qa.search", PASSWORD).await;
    let search = |query: String| {
        let browser = &browser;
        async move {
            browser.goto(&server.url("/")).await;
            browser.fill("#search-q", &query).await;
            browser.press_enter().await;
            (browser.url().await, browser.text().await)
        }
    };
    let (url, _) = search(patient.key.to_lowercase()).await;
    assert!(url.ends_with(&patient_path(&patient.key)), "{url}");
    // The DIN is on two units: the list to choose from.
    let (_, page) = search(unit.eye_readable()).await;
    assert!(page.contains("several units"), "{page}");
    assert!(page.contains(&lot.units[1].product_code), "{page}");
    // Its 13 characters alone, and as scanned with its flags; then the whole label.
    let (_, page) = search(unit.din.clone()).await;
    assert!(page.contains("several units"), "{page}");
    let (_, page) = search(unit_scans(unit)[0].clone()).await;
    assert!(page.contains("several units"), "{page}");
    let (url, page) = search(format!("{} {}", unit.eye_readable(), unit.product_code)).await;
    assert!(url.contains(&format!("/units/{}", unit.id)), "{url}");
    assert!(page.contains("RELEASED"), "{page}");
    browser.assert_accessible("a unit's page").await;
    let (url, page) = search(lot.lot_code.clone()).await;
    assert!(url.contains(&format!("/lots/{}", lot.lot_id)), "{url}");
    assert!(page.contains(&unit.product_code), "{page}");
    browser.assert_accessible("a lot's page").await;
    let (url, page) = search("no such thing".to_owned()).await;
    assert!(url.contains("/search"), "{url}");
    assert!(page.contains("Not found"), "{page}");
    browser.assert_accessible("the not-found page").await;

    browser.assert_same_origin_only(server).await;
    browser.close().await;
    clinic.finish().await;
}
