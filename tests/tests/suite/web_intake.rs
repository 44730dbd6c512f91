//! Intake in a real headless Chromium, as a technician and QA use it: a donor registered with
//! her personal data, her consent, a cord donation and the whole screening panel recorded, and
//! QA's signed eligibility determination (a wrong password refused first); cord donations
//! registered by a DIN checked as it is typed (a wrong check character said so at once and
//! refused by the API next to the field, nothing written), by a scanned data structure and by
//! assignment, found by search, and received with the transit time shown and, past the limit,
//! the over-limit flag; the technician's worklist before and after the receipt, and with lots
//! in process and units in transit; a clinician offered none of it and refused a forged form.
//! Every page is checked with axe-core.

use std::time::Duration;

use chrono::{Datelike as _, Utc};
use cordtrace_domain::Role;
use cordtrace_domain::isbt128::{Din, Fin};
use cordtrace_tests::browser::Browser;
use cordtrace_tests::clinical_fixtures::{Clinic, UnitSpec, din_scan};
use cordtrace_tests::fixtures::{Eligibility, Fixtures};
use cordtrace_tests::release_fixtures::formulated_lot;
use cordtrace_tests::{PASSWORD, TestServer};
use serde_json::json;

/// The FIN the installation assigns DINs under in these tests.
const INSTALLATION_FIN: &str = "A9993";
/// The FIN of the labels typed and scanned here.
const LABEL_FIN: &str = "A9992";

/// Waits until the text of `selector` contains `needle` (a fragment htmx swaps in), and
/// returns it.
async fn wait_for_text(browser: &Browser, selector: &str, needle: &str) -> String {
    let mut text = String::new();
    for _ in 0..50 {
        text = browser
            .eval(&format!(
                "(document.querySelector({}) || {{ innerText: '' }}).innerText",
                json!(selector)
            ))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if text.contains(needle) {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{selector} never showed {needle:?}; it shows {text:?}");
}

/// The text of the element `selector`, empty when there is none.
async fn text_of(browser: &Browser, selector: &str) -> String {
    browser
        .eval(&format!(
            "(document.querySelector({}) || {{ innerText: '' }}).innerText",
            json!(selector)
        ))
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The id at the end of the current URL's path under `prefix`.
async fn id_in_url(browser: &Browser, prefix: &str) -> String {
    browser
        .url()
        .await
        .split(prefix)
        .nth(1)
        .and_then(|rest| rest.split('?').next())
        .expect("a page under the prefix")
        .to_owned()
}

/// A `datetime-local` value `hours` before now, in the facility's zone (UTC in tests).
fn hours_ago(hours: i64) -> String {
    (Utc::now() - chrono::Duration::hours(hours))
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

#[tokio::test]
async fn a_donor_is_registered_consented_screened_and_found_eligible_by_qa() {
    let server = TestServer::start_with(|settings| {
        settings.fin = Some(INSTALLATION_FIN.to_owned());
    })
    .await;
    server.user_token("tech.one", &[Role::Technician]).await;
    server.user_token("qa.one", &[Role::Qa]).await;

    let browser = Browser::launch().await;
    browser.sign_in(&server, "tech.one", PASSWORD).await;
    assert!(browser.has("nav a[href='/donors']").await);
    assert!(browser.has("nav a[href='/donations']").await);
    browser.goto(&server.url("/donors")).await;
    assert!(browser.text().await.contains("No donor is registered"));
    browser.assert_accessible("the donors page").await;

    // Registration with her personal data: her page names her, its URL does not.
    browser.fill("#full_name", "Invented Donor Webb").await;
    browser.set_value("#date_of_birth", "1990-05-17").await;
    browser
        .fill("#hospital_record_number", "TEST-MRN-7001")
        .await;
    browser.fill("#contact", "Invented Street 1").await;
    browser.click("#register-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("Donor registered"), "{page}");
    assert_eq!(
        text_of(&browser, "#donor-name").await,
        "Invented Donor Webb"
    );
    assert!(page.contains("TEST-MRN-7001"), "{page}");
    let url = browser.url().await;
    assert!(!url.contains("Invented") && !url.contains("MRN"), "{url}");
    let donor_id = id_in_url(&browser, "/donors/").await;
    browser.assert_accessible("a new donor's page").await;

    // Consent.
    browser.fill("#consent-form_id", "UC-CONSENT-TEST").await;
    browser.fill("#consent-form_version", "1.0").await;
    browser.tick("#scope-therapy").await;
    browser.click("#consent-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("Consent recorded"), "{page}");
    assert!(
        text_of(&browser, "#consent").await.contains("for THERAPY"),
        "{page}"
    );

    // Her cord donation, from her page, under a DIN the installation assigns.
    browser
        .click(&format!("a[href='/donations?donor={donor_id}']"))
        .await;
    browser.fill("#site", "Invented Maternity Ward").await;
    browser.click("#register-assign").await;
    let page = browser.text().await;
    assert!(page.contains("Donation registered"), "{page}");
    browser
        .goto(&server.url(&format!("/donors/{donor_id}")))
        .await;

    // QA's determination asked for too early: the refusal lists what is missing, nothing is
    // written.
    let entries = server.ledger_entry_count().await;
    browser
        .click("#request-eligibility-form button[type=submit]")
        .await;
    let page = browser.text().await;
    assert!(page.contains("SCREENING_MISSING"), "{page}");
    assert_eq!(server.ledger_entry_count().await, entries);

    // The whole screening panel, each marker with its result.
    let markers = browser
        .eval("document.querySelectorAll('#screening-form select').length")
        .await
        .as_u64()
        .expect("a count");
    assert!(markers > 0, "the panel has markers");
    browser.fill("#screening-method", "CMIA (test)").await;
    for position in 0..markers {
        browser
            .set_value(&format!("#screening-result-{position}"), "NON_REACTIVE")
            .await;
    }
    browser.click("#screening-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("Screening results recorded"), "{page}");
    let screening = text_of(&browser, "#screening").await;
    assert!(!screening.contains("not tested"), "{screening}");
    assert_eq!(
        screening.matches("NON_REACTIVE (CMIA (test)").count(),
        usize::try_from(markers).expect("a small count"),
        "{screening}"
    );
    // Screened and consented, she waits for QA: the technician is offered no determination.
    assert!(
        text_of(&browser, "#eligibility-status")
            .await
            .contains("awaiting QA's determination (PENDING)")
    );
    assert!(!browser.has("#determine-form").await);
    browser.assert_accessible("a screened donor's page").await;
    // The record complete, the technician asks QA for the determination.
    browser
        .click("#request-eligibility-form button[type=submit]")
        .await;
    let page = browser.text().await;
    assert!(page.contains("determination requested"), "{page}");
    assert!(browser.has("#eligibility-request").await, "{page}");
    assert!(
        !browser.has("#request-eligibility-form").await,
        "asked once"
    );
    browser.close().await;

    // QA determines, signing; a wrong password first is refused with its code, and the
    // determination is not made (the API keeps the rejected signature, as it keeps failed
    // logins).
    let browser = Browser::launch().await;
    browser.sign_in(&server, "qa.one", PASSWORD).await;
    // QA's home page lists the request, and leads to her page.
    let waiting = format!("#determinations a[href='/donors/{donor_id}']");
    assert!(browser.has(&waiting).await, "{}", browser.text().await);
    browser.assert_accessible("QA's home page").await;
    browser
        .goto(&server.url(&format!("/donors/{donor_id}")))
        .await;
    assert!(browser.text().await.contains("Signed by Test qa.one"));
    browser.assert_accessible("QA's view of a donor").await;
    browser
        .fill("#determine-password", "not the password at all")
        .await;
    browser.click("#determine-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("SIGNATURE_REJECTED"), "{page}");
    assert!(
        text_of(&browser, "#eligibility-status")
            .await
            .contains("PENDING"),
        "{page}"
    );
    browser.assert_accessible("a refused determination").await;
    browser.fill("#determine-password", PASSWORD).await;
    browser.click("#determine-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("Eligibility determined and signed"), "{page}");
    assert_eq!(
        text_of(&browser, "#eligibility-status").await,
        "eligible (ELIGIBLE)"
    );
    let determination = text_of(&browser, "#determination").await;
    assert!(
        determination.contains("Signed by Test qa.one")
            && determination.contains("(RESPONSIBILITY)"),
        "{determination}"
    );
    assert!(page.contains("none: her material may be used"), "{page}");
    assert!(!browser.has("#eligibility-request").await, "answered");
    browser.goto(&server.url("/")).await;
    assert!(
        browser.text().await.contains("No determination is waiting"),
        "the determination answered the request"
    );
    browser.goto(&server.url("/donors")).await;
    assert!(
        text_of(&browser, "#donors")
            .await
            .contains("eligible (ELIGIBLE)")
    );
    browser.assert_same_origin_only(&server).await;
    browser.close().await;
    server.finish().await;
}

#[tokio::test]
async fn donations_are_registered_by_din_checked_as_typed_and_received() {
    let server = TestServer::start_with(|settings| {
        settings.fin = Some(INSTALLATION_FIN.to_owned());
    })
    .await;
    let fixtures = Fixtures::open(&server).await;
    let donor = fixtures.donor(Eligibility::Pending).await;
    fixtures.close().await;
    server.user_token("tech.one", &[Role::Technician]).await;
    server.user_token("clin.one", &[Role::Clinician]).await;

    let year = u8::try_from(Utc::now().year() % 100).expect("two digits");
    let label = Din::new(Fin::parse(LABEL_FIN).expect("a test FIN"), year, 1).expect("a DIN");
    let check = label.check_character();
    let wrong = if check == '0' { '1' } else { '0' };
    let typed_wrong = format!("{label}{wrong}");

    let browser = Browser::launch().await;
    browser.sign_in(&server, "tech.one", PASSWORD).await;
    assert!(
        browser.has("#awaiting-none").await,
        "nothing waits yet: {}",
        browser.text().await
    );
    browser.assert_accessible("the technician's home").await;
    browser
        .goto(&server.url(&format!("/donations?donor={}", donor.donor_id)))
        .await;
    browser.assert_accessible("the donations page").await;

    // Typed with a wrong check character: the check says so as it is typed ...
    browser.fill("#din", &typed_wrong).await;
    let verdict = wait_for_text(&browser, "#din-check", "Check character should be").await;
    assert!(
        verdict.contains(&format!("should be {check}:")),
        "{verdict}"
    );
    browser.assert_accessible("a DIN checked as typed").await;
    browser.screenshot("intake-din-check.png").await;
    // ... and the API refuses it next to the field, writing nothing.
    browser.set_value("#collected_at", &hours_ago(30)).await;
    browser.fill("#site", "Invented Maternity Ward").await;
    let entries = server.ledger_entry_count().await;
    browser.click("#register-given").await;
    let problem = text_of(&browser, "#din-problem").await;
    assert!(problem.contains("DIN_BAD_CHECK_CHARACTER"), "{problem}");
    assert_eq!(
        browser.eval("document.querySelector('#din').value").await,
        json!(typed_wrong)
    );
    assert_eq!(
        browser
            .eval("document.querySelector('#din').getAttribute('aria-invalid')")
            .await,
        json!("true")
    );
    assert_eq!(
        server.ledger_entry_count().await,
        entries,
        "nothing written"
    );
    browser.assert_accessible("a refused DIN").await;

    // Scanned as data structure 001 with its type 3 flag: read, registered.
    let scan = din_scan(
        &label.to_string(),
        &format!("{:02}", 60 + label.check_value().value()),
    );
    browser.set_value("#din", "").await;
    browser.fill("#din", &scan).await;
    wait_for_text(&browser, "#din-check", "its flag matches").await;
    browser.click("#register-given").await;
    let page = browser.text().await;
    assert!(page.contains("Donation registered"), "{page}");
    assert_eq!(text_of(&browser, "#din").await, label.eye_readable());
    assert!(page.contains("scanned from its barcode"), "{page}");
    assert!(page.contains("DONOR_ELIGIBILITY_PENDING"), "{page}");
    let scanned_id = id_in_url(&browser, "/donations/").await;
    browser.assert_accessible("a new donation's page").await;

    // Search finds the donation by its DIN before any unit carries it.
    browser.fill("#search-q", &label.eye_readable()).await;
    browser.press_enter().await;
    assert_eq!(id_in_url(&browser, "/donations/").await, scanned_id);

    // The worklist shows it awaiting receipt, with the hours since recovery.
    browser.goto(&server.url("/")).await;
    let awaiting = text_of(&browser, "#awaiting-receipt").await;
    assert!(awaiting.contains(&label.eye_readable()), "{awaiting}");
    assert!(awaiting.contains("30.0 hours"), "{awaiting}");

    // Received within the limit: the transit hours are shown, with no flag.
    browser
        .goto(&server.url(&format!("/donations/{scanned_id}")))
        .await;
    browser.fill("#temperature", "4.5").await;
    browser.click("#receive-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("Receipt recorded"), "{page}");
    let transit = text_of(&browser, "#transit").await;
    assert!(
        transit.contains("hours in transit, within the limit"),
        "{transit}"
    );
    assert!(transit.starts_with("30."), "{transit}");
    assert!(!browser.has("#over-limit").await);
    browser.assert_accessible("a received donation").await;
    browser.goto(&server.url("/")).await;
    assert!(
        browser.has("#awaiting-none").await,
        "no longer waiting: {}",
        browser.text().await
    );

    // A DIN assigned under the installation's FIN, received past the limit: flagged.
    browser
        .goto(&server.url(&format!("/donations?donor={}", donor.donor_id)))
        .await;
    browser.set_value("#collected_at", &hours_ago(60)).await;
    browser.fill("#site", "Invented Maternity Ward").await;
    browser.click("#register-assign").await;
    let page = browser.text().await;
    assert!(page.contains("Donation registered"), "{page}");
    assert!(
        text_of(&browser, "#din")
            .await
            .starts_with(INSTALLATION_FIN),
        "{page}"
    );
    browser.fill("#temperature", "5.0").await;
    browser.click("#receive-form button[type=submit]").await;
    let flag = text_of(&browser, "#over-limit").await;
    assert!(flag.contains("Over the transit time limit"), "{flag}");
    assert!(
        text_of(&browser, "#transit")
            .await
            .contains("OVER THE TRANSIT TIME LIMIT")
    );
    browser
        .assert_accessible("a donation received past the limit")
        .await;
    browser.screenshot("intake-over-limit.png").await;
    browser.assert_same_origin_only(&server).await;
    browser.close().await;

    // A clinician is offered none of it; a forged registration is refused, nothing written.
    let browser = Browser::launch().await;
    browser.sign_in(&server, "clin.one", PASSWORD).await;
    assert!(!browser.has("nav a[href='/donors']").await);
    assert!(!browser.has("nav a[href='/donations']").await);
    assert!(!browser.has("#lab-worklist").await);
    for path in [
        "/donations".to_owned(),
        format!("/donors/{}", donor.donor_id),
    ] {
        browser.goto(&server.url(&path)).await;
        let page = browser.text().await;
        assert!(page.contains("FORBIDDEN"), "{path}: {page}");
        assert!(!page.contains("Invented Test Mother"), "{path}: {page}");
    }
    browser
        .assert_accessible("a page refused to a clinician")
        .await;
    let cookie = browser.cookie_header().await;
    let csrf = browser
        .eval("document.querySelector('form[action=\"/signout\"] input[name=csrf]').value")
        .await;
    let entries = server.ledger_entry_count().await;
    let donor_id = donor.donor_id.to_string();
    let forged = label.to_string().replace("000001", "000002");
    let response = server
        .client()
        .post(server.url("/donations"))
        .header("Cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str().expect("a token")),
            ("donor_id", donor_id.as_str()),
            ("din", &din_scan(&forged, "00")),
            ("collected_at", &hours_ago(2)),
            ("site", "Invented Maternity Ward"),
            ("entry", "given"),
        ])
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 403);
    let body = response.text().await.expect("a page");
    assert!(body.contains("FORBIDDEN"), "{body}");
    assert_eq!(
        server.ledger_entry_count().await,
        entries,
        "nothing written"
    );
    browser.close().await;
    server.finish().await;
}

#[tokio::test]
async fn the_technicians_worklist_shows_lots_in_process_and_units_in_transit() {
    let clinic = Clinic::start().await;
    let server = &clinic.server;
    let released = clinic
        .released_lot(&[UnitSpec::standard('A'), UnitSpec::standard('B')])
        .await;
    let (unit, returned) = (&released.units[0], &released.units[1]);
    server
        .gql(
            Some(&clinic.tech),
            "mutation($u: UUID!) { dispatchUnit(unitId: $u, destination: \"Ward 7\", \
             receiver: \"clin.one\") { id } }",
            json!({ "u": unit.id }),
        )
        .await
        .data();
    // The second unit goes to the ward and comes back to the technician, who must store it.
    let hand_off = |token: &str, query: &str| {
        let query = query.to_owned();
        let token = token.to_owned();
        async move {
            server
                .gql(Some(&token), &query, json!({ "u": returned.id }))
                .await
                .data();
        }
    };
    let receive = "mutation($u: UUID!) { receiveUnit(unitId: $u, temperatureCelsius: \"-150\", \
                   condition: INTACT) { id } }";
    hand_off(
        &clinic.tech,
        "mutation($u: UUID!) { dispatchUnit(unitId: $u, destination: \"Ward 7\", \
         receiver: \"clin.one\") { id } }",
    )
    .await;
    hand_off(&clinic.clinician, receive).await;
    hand_off(
        &clinic.clinician,
        "mutation($u: UUID!) { dispatchUnit(unitId: $u, destination: \"Cell therapy lab\", \
         receiver: \"tech.one\") { id } }",
    )
    .await;
    hand_off(&clinic.tech, receive).await;
    let donor = clinic.fixtures.donor(Eligibility::Eligible).await;
    let (_, product) = formulated_lot(server, &clinic.tech, &donor).await;
    let code = server
        .gql(
            Some(&clinic.tech),
            "query($id: UUID!) { lot(id: $id) { code } }",
            json!({ "id": product }),
        )
        .await
        .data()["lot"]["code"]
        .as_str()
        .expect("a lot code")
        .to_owned();

    let browser = Browser::launch().await;
    browser.sign_in(server, "tech.one", PASSWORD).await;
    let lots = text_of(&browser, "#lots-in-process").await;
    let row = lots
        .lines()
        .find(|line| line.contains(&code))
        .unwrap_or_else(|| panic!("{code} is in process: {lots}"));
    assert!(row.contains("FORMULATION, started"), "{row}");
    assert!(row.contains("by Test tech.one"), "{row}");
    assert!(browser.has(&format!("a[href='/lots/{product}']")).await);
    let hand_offs = text_of(&browser, "#hand-offs").await;
    assert!(hand_offs.contains(&unit.eye_readable()), "{hand_offs}");
    assert!(hand_offs.contains("Ward 7"), "{hand_offs}");
    assert!(browser.has(&format!("a[href='/units/{}']", unit.id)).await);
    let to_store = text_of(&browser, "#to-store").await;
    assert!(to_store.contains(&returned.eye_readable()), "{to_store}");
    assert!(to_store.contains(&returned.product_code), "{to_store}");
    assert!(to_store.contains("Cell therapy lab"), "{to_store}");
    assert!(!to_store.contains(&unit.product_code), "{to_store}");
    browser.assert_accessible("the technician's worklist").await;
    browser.screenshot("lab-worklist.png").await;
    // Stored from its page by one scan, it leaves the list.
    browser
        .click(&format!("#to-store a[href='/units/{}']", returned.id))
        .await;
    browser.fill("#store-location", "").await;
    browser.scan("LN2-01/R01/B01/A1").await;
    assert!(browser.text().await.contains("Unit stored"));
    browser.goto(&server.url("/")).await;
    assert!(
        browser
            .text()
            .await
            .contains("No unit you received waits to be stored")
    );
    browser.assert_same_origin_only(server).await;
    browser.close().await;
    clinic.finish().await;
}
