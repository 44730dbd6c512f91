//! The auditor's pages in a real headless Chromium: the ledger browser filtered by action, a
//! unit's chain of custody as a timeline with its signatures, verification of the whole ledger
//! and an entry's inclusion proof; a technician refused the ledger; an administrator creating
//! and managing a user, others refused; an administrator defining product codes and QA
//! importing the default release specification, others offered no form and refused; QA's
//! look-back from a lot and its signed recall; QA's review and signed release of a lot. Every
//! page is checked with axe-core.

use cordtrace_domain::Role;
use cordtrace_tests::browser::Browser;
use cordtrace_tests::clinical_fixtures::{
    Clinic, ThawAt, UnitSpec, administration_input, signed, unit_scans,
};
use cordtrace_tests::release_fixtures::{PASSING, begin_testing, record};
use cordtrace_tests::{PASSWORD, TestServer};
use serde_json::json;

#[tokio::test]
async fn an_auditor_browses_the_ledger_follows_a_unit_and_verifies_everything() {
    let clinic = Clinic::start().await;
    let server = &clinic.server;
    let lot = clinic.released_lot(&[UnitSpec::standard('A')]).await;
    let unit = &lot.units[0];
    server
        .gql(
            Some(&clinic.auditor),
            "mutation { signCheckpoint { treeSize } }",
            json!({}),
        )
        .await
        .data();

    let browser = Browser::launch().await;
    browser.sign_in(server, "auditor.one", PASSWORD).await;
    assert!(browser.has("nav a[href='/ledger']").await);

    // The ledger, then only the releases.
    browser.goto(&server.url("/ledger")).await;
    let page = browser.text().await;
    assert!(page.contains("#1 "), "{page}");
    browser.assert_accessible("the ledger").await;
    browser.fill("#action", "lot.released").await;
    browser.press_enter().await;
    let page = browser.text().await;
    assert!(page.contains("lot.released"), "{page}");
    assert!(!page.contains("lot.units_filled"), "{page}");
    assert!(
        page.contains("(APPROVAL)"),
        "the signature's manifestation: {page}"
    );
    assert!(page.contains("Test qa.one"), "who signed, by name: {page}");

    // One subject's entries, by its kind and identifier; a malformed identifier is refused.
    browser.set_value("#subject_kind", "unit").await;
    browser.set_value("#subject_id", "not-an-id").await;
    browser.click("#subject-filter button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("VALIDATION"), "{page}");
    browser.assert_accessible("a refused subject filter").await;
    browser.set_value("#subject_kind", "unit").await;
    browser.set_value("#subject_id", &unit.id).await;
    browser.click("#subject-filter button[type=submit]").await;
    let page = browser.text().await;
    assert!(
        page.contains(&format!("Chain of custody of unit {}", unit.id)),
        "{page}"
    );
    assert!(page.contains("lot.units_filled"), "{page}");

    // The unit's page leads to its chain of custody.
    browser
        .goto(&server.url(&format!("/units/{}", unit.id)))
        .await;
    browser
        .click(&format!("a[href='/custody/unit/{}']", unit.id))
        .await;
    let page = browser.text().await;
    assert!(page.contains("Chain of custody of unit"), "{page}");
    assert!(page.contains("lot.units_filled"), "{page}");
    browser.assert_accessible("a chain of custody").await;

    // Verification, and the first entry's inclusion proof.
    browser.goto(&server.url("/verification")).await;
    assert!(browser.text().await.contains("Latest signed checkpoint"));
    // The offline check the page spells out runs as written: the key is given as itself.
    let key = server.signer().verifier_key();
    let command = browser
        .eval("document.querySelector('#offline-command').textContent")
        .await;
    assert_eq!(
        command.as_str(),
        Some(format!("cordtrace ledger verify --file ledger.jsonl --key '{key}'").as_str()),
    );
    browser.click("#run-verification").await;
    let page = browser.text().await;
    assert!(page.contains("The ledger is intact"), "{page}");
    browser.assert_accessible("the verification page").await;
    browser.screenshot("verification.png").await;
    browser.fill("#seq", "1").await;
    browser.press_enter().await;
    assert!(browser.has("#proof").await, "{}", browser.text().await);
    browser.fill("#seq", "x").await;
    browser.press_enter().await;
    assert!(browser.text().await.contains("whole number"));

    browser.assert_same_origin_only(server).await;
    browser.close().await;

    // A technician does not read the ledger: the API says so.
    let browser = Browser::launch().await;
    browser.sign_in(server, "tech.one", PASSWORD).await;
    assert!(!browser.has("nav a[href='/ledger']").await);
    browser.goto(&server.url("/ledger")).await;
    assert!(browser.text().await.contains("FORBIDDEN"));
    browser.close().await;
    clinic.finish().await;
}

#[tokio::test]
async fn an_administrator_creates_and_manages_a_user() {
    let server = TestServer::start().await;
    server.user_token("admin.one", &[Role::Admin]).await;
    server.user_token("clin.one", &[Role::Clinician]).await;

    let browser = Browser::launch().await;
    browser.sign_in(&server, "admin.one", PASSWORD).await;
    browser.goto(&server.url("/users")).await;
    browser.assert_accessible("the users page").await;

    // A temporary password too short is refused; what was typed stays, nothing is created.
    let entries = server.ledger_entry_count().await;
    browser.fill("#username", "clin.web").await;
    browser
        .fill("#printed_name", "Invented Clinician Web")
        .await;
    browser.tick("#create-user input[value=CLINICIAN]").await;
    browser.fill("#temporary_password", "short").await;
    browser.click("#create-user button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("VALIDATION"), "{page}");
    assert_eq!(
        browser
            .eval("document.querySelector('#username').value")
            .await,
        json!("clin.web")
    );
    assert_eq!(server.ledger_entry_count().await, entries);

    browser.tick("#create-user input[value=CLINICIAN]").await;
    browser
        .fill("#temporary_password", "a temporary passphrase")
        .await;
    browser.click("#create-user button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("User created"), "{page}");
    assert!(page.contains("temporary: to change"), "{page}");
    browser.assert_accessible("a user's page").await;

    browser
        .tick("form[action$='/roles'] input[value=AUDITOR]")
        .await;
    browser
        .click("form[action$='/roles'] button[type=submit]")
        .await;
    let page = browser.text().await;
    assert!(page.contains("Roles set"), "{page}");
    assert!(page.contains("CLINICIAN, AUDITOR"), "{page}");

    browser
        .fill("#reason", "left the hospital (invented)")
        .await;
    browser
        .click("form[action$='/deactivate'] button[type=submit]")
        .await;
    let page = browser.text().await;
    assert!(page.contains("User deactivated"), "{page}");
    assert!(page.contains("no (deactivated)"), "{page}");
    browser
        .click("form[action$='/reactivate'] button[type=submit]")
        .await;
    assert!(browser.text().await.contains("User reactivated"));

    // Two failed sign-ins of theirs: the page counts them and offers the unlock, which
    // forgives them.
    for _ in 0..2 {
        let refused = server
            .gql(
                None,
                "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
                json!({ "u": "clin.web", "p": "not the password at all" }),
            )
            .await;
        assert_eq!(refused.error_code(), "UNAUTHENTICATED", "{}", refused.body);
    }
    // Words as read, whatever the lines the layout puts them on.
    let words = |text: String| text.split_whitespace().collect::<Vec<_>>().join(" ");
    browser.goto(&browser.url().await).await;
    let page = words(browser.text().await);
    assert!(page.contains("Failed sign-ins 2"), "{page}");
    browser
        .click("form[action$='/unlock'] button[type=submit]")
        .await;
    let page = words(browser.text().await);
    assert!(page.contains("User unlocked"), "{page}");
    assert!(page.contains("Failed sign-ins 0"), "{page}");
    assert!(!browser.has("form[action$='/unlock']").await);

    // A password reset: a temporary password they must change at their next sign-in.
    browser
        .fill(
            "form[action$='/reset-password'] #temporary_password",
            "another temporary phrase",
        )
        .await;
    browser
        .click("form[action$='/reset-password'] button[type=submit]")
        .await;
    let page = browser.text().await;
    assert!(page.contains("Password reset"), "{page}");
    assert!(page.contains("temporary: to change"), "{page}");
    let token = server.login("clin.web", "another temporary phrase").await;
    let me = server
        .gql(Some(&token), "{ me { mustChangePassword } }", json!({}))
        .await;
    assert_eq!(me.data()["me"]["mustChangePassword"], true);
    browser.assert_same_origin_only(&server).await;
    browser.close().await;

    // Not an administrator: nothing offered, and the API refuses.
    let browser = Browser::launch().await;
    browser.sign_in(&server, "clin.one", PASSWORD).await;
    assert!(!browser.has("nav a[href='/users']").await);
    browser.goto(&server.url("/users")).await;
    assert!(browser.text().await.contains("FORBIDDEN"));
    browser.close().await;
    server.finish().await;
}

#[tokio::test]
async fn qa_looks_back_from_a_lot_and_recalls_it_after_seeing_the_consequences() {
    let clinic = Clinic::start().await;
    let server = &clinic.server;
    let lot = clinic
        .released_lot(&[UnitSpec::standard('A'), UnitSpec::standard('B')])
        .await;
    let (given, spare) = (&lot.units[0], &lot.units[1]);
    let patient = clinic.patient("WEB7001", Some("75")).await;
    clinic
        .ready_unit(&patient, given, ThawAt::MinutesAgo(5))
        .await;
    let check = clinic
        .check(
            &clinic.clinician,
            &unit_scans(given),
            &patient.wristband_scan(),
        )
        .await;
    assert_eq!(check["ok"], true, "{check}");
    clinic
        .try_administer(
            &clinic.clinician,
            administration_input(given, &patient),
            signed("RESPONSIBILITY"),
        )
        .await
        .data();

    // An analyst reads the look-back, the patients by opaque key only.
    let browser = Browser::launch().await;
    browser.sign_in(server, "analyst.one", PASSWORD).await;
    browser
        .goto(&server.url(&format!("/lookback?from=lot&id={}", lot.lot_id)))
        .await;
    let page = browser.text().await;
    assert!(page.contains("ADMINISTERED: 1"), "{page}");
    assert!(page.contains(&patient.key), "{page}");
    assert!(!page.contains("WEB7001"), "no personal data: {page}");
    assert!(!browser.has("#recall-form").await, "only QA recalls");

    // Started from what people hold in their hands: the lot's code, the donation's DIN, the
    // donor's key (typed in lower case), each as typed into the form.
    let facts = server
        .gql(
            Some(&clinic.analyst),
            "query($donor: UUID!, $donation: UUID!) { donor(id: $donor) { key } \
             donation(id: $donation) { din } }",
            json!({
                "donor": lot.donor.donor_id.to_string(),
                "donation": lot.donor.donation_id.to_string(),
            }),
        )
        .await;
    let facts = facts.data();
    let donor_key = facts["donor"]["key"].as_str().expect("a key").to_owned();
    let din = facts["donation"]["din"].as_str().expect("a DIN").to_owned();
    for (from, typed) in [
        ("lot", lot.lot_code.clone()),
        ("donation", din),
        ("donor", donor_key.to_lowercase()),
    ] {
        browser.goto(&server.url("/lookback")).await;
        browser.set_value("#from", from).await;
        browser.fill("#id", &typed).await;
        browser.click("#lookback-form button[type=submit]").await;
        let page = browser.text().await;
        assert!(
            page.contains("ADMINISTERED: 1"),
            "from {from} {typed}: {page}"
        );
        assert!(page.contains(&lot.lot_code), "{page}");
    }
    // A supplier lot nobody registered names nothing, and says so.
    browser.goto(&server.url("/lookback")).await;
    browser.set_value("#from", "material_lot").await;
    browser.fill("#id", "NO-SUCH-SUPPLIER-LOT").await;
    browser.click("#lookback-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(
        page.contains("no material lot has the supplier lot NO-SUCH-SUPPLIER-LOT"),
        "{page}"
    );
    browser
        .goto(&server.url("/lookback?from=donor&id=DNR99-999999"))
        .await;
    assert!(browser.text().await.contains("NOT_FOUND"));
    browser.close().await;

    let browser = Browser::launch().await;
    browser.sign_in(server, "qa.one", PASSWORD).await;
    browser
        .goto(&server.url(&format!("/lots/{}", lot.lot_id)))
        .await;
    browser.click("main a[href^='/lookback?']").await;
    let page = browser.text().await;
    assert!(
        page.contains(&patient.key),
        "the patient to contact: {page}"
    );
    assert!(page.contains("1 unit(s) not yet given"), "{page}");
    browser.assert_accessible("a look-back").await;

    browser.fill("#reason", "invented sterility failure").await;
    browser
        .fill("#recall-password", "not the password at all")
        .await;
    browser.click("#recall-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("SIGNATURE_REJECTED"), "{page}");
    assert!(page.contains("RELEASED: 1"), "nothing moved: {page}");

    browser.fill("#reason", "invented sterility failure").await;
    browser.fill("#recall-password", PASSWORD).await;
    browser.click("#recall-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("Recall recorded and signed"), "{page}");
    assert!(page.contains("1 patient(s) to contact"), "{page}");
    browser
        .goto(&server.url(&format!("/units/{}", spare.id)))
        .await;
    assert!(browser.text().await.contains("RECALLED"));
    browser.assert_same_origin_only(server).await;
    browser.close().await;
    clinic.finish().await;
}

#[tokio::test]
async fn qa_reviews_a_lot_sees_its_blockers_and_releases_it_signed() {
    let clinic = Clinic::start().await;
    let server = &clinic.server;
    let lot = clinic.quarantined_lot(&[UnitSpec::standard('A')]).await;

    let browser = Browser::launch().await;
    browser.sign_in(server, "qa.one", PASSWORD).await;
    browser.goto(&server.url("/release")).await;
    let page = browser.text().await;
    assert!(page.contains(&lot.lot_code), "{page}");
    assert!(page.contains("open"), "{page}");
    browser.assert_accessible("the release queue").await;
    browser
        .click(&format!("a[href='/release/{}']", lot.lot_id))
        .await;
    assert!(browser.has("#blockers").await, "{}", browser.text().await);
    // Each donor with her eligibility, when it was determined, and her consent, linked to her
    // record.
    let donors = browser
        .eval("document.querySelector('#donors tbody').textContent")
        .await;
    let donors = donors.as_str().unwrap_or_default();
    assert!(donors.contains("ELIGIBLE, determined"), "{donors}");
    assert!(
        donors.contains("GIVEN, covering therapeutic use"),
        "{donors}"
    );
    assert!(
        browser
            .has(&format!("#donors a[href='/donors/{}']", lot.donor.donor_id))
            .await
    );

    // Released too early: refused with every unmet condition, nothing changes.
    browser.fill("#release-password", PASSWORD).await;
    browser.click("#release-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("QUARANTINE"), "{page}");
    assert!(page.contains("TESTING_NOT_STARTED"), "{page}");
    browser.assert_accessible("a refused release").await;

    // The analyst records every result; the blockers are gone.
    begin_testing(server, &clinic.analyst, &lot.lot_id)
        .await
        .data();
    for (code, value, unit) in PASSING {
        record(server, &clinic.analyst, &lot.lot_id, code, value, unit)
            .await
            .data();
    }
    browser
        .goto(&server.url(&format!("/release/{}", lot.lot_id)))
        .await;
    let page = browser.text().await;
    assert!(page.contains("Every condition holds"), "{page}");
    assert!(page.contains("PASS"), "evaluations in words: {page}");
    browser.assert_accessible("a lot ready for release").await;

    browser
        .fill("#release-password", "not the password at all")
        .await;
    browser.click("#release-form button[type=submit]").await;
    assert!(browser.text().await.contains("SIGNATURE_REJECTED"));
    browser.fill("#release-password", PASSWORD).await;
    browser.click("#release-form button[type=submit]").await;
    let page = browser.text().await;
    assert!(page.contains("Lot released and signed"), "{page}");
    assert!(page.contains("RELEASED"), "{page}");
    assert!(!browser.has("#release-form").await, "decided once");
    browser.assert_same_origin_only(server).await;
    browser.close().await;
    clinic.finish().await;
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

#[tokio::test]
async fn an_administrator_defines_product_codes_and_qa_imports_the_default_specification() {
    let server = TestServer::start().await;
    server.user_token("admin.one", &[Role::Admin]).await;
    server.user_token("qa.one", &[Role::Qa]).await;
    server.user_token("tech.one", &[Role::Technician]).await;

    let admin = Browser::launch().await;
    admin.sign_in(&server, "admin.one", PASSWORD).await;
    admin.goto(&server.url("/products")).await;
    assert!(admin.text().await.contains("No product is defined yet."));
    admin.assert_accessible("the product codes").await;

    // A code outside the grammar is refused; what was typed stays, nothing is written.
    let entries = server.ledger_entry_count().await;
    admin.fill("#code", "s12").await;
    admin
        .fill(
            "#description",
            "UC-MSC drug product, cryopreserved, 50 mL bag",
        )
        .await;
    admin.click("#define-product button[type=submit]").await;
    let page = admin.text().await;
    assert!(page.contains("MALFORMED_PRODUCT_CODE"), "{page}");
    assert!(page.contains("a capital letter and four digits"), "{page}");
    assert_eq!(
        admin.eval("document.querySelector('#code').value").await,
        json!("s12")
    );
    assert_eq!(server.ledger_entry_count().await, entries);
    admin.assert_accessible("a refused product code").await;

    admin.set_value("#code", "S1234").await;
    admin.click("#define-product button[type=submit]").await;
    let page = admin.text().await;
    assert!(page.contains("Product S1234 defined."), "{page}");
    let listed = admin
        .eval("document.querySelector('#products tbody').innerText")
        .await;
    let listed = listed.as_str().unwrap_or_default();
    assert!(
        listed.contains("S1234") && listed.contains("50 mL bag"),
        "{listed}"
    );
    admin.assert_same_origin_only(&server).await;
    admin.close().await;

    // A technician reads the codes but is offered no form; a forged post is refused by the API.
    let tech = Browser::launch().await;
    tech.sign_in(&server, "tech.one", PASSWORD).await;
    tech.goto(&server.url("/products")).await;
    assert!(tech.text().await.contains("S1234"));
    assert!(!tech.has("#define-product").await);
    let entries = server.ledger_entry_count().await;
    let (status, body) = post_with_session(
        &tech,
        &server,
        "/products",
        &[("code", "S1235"), ("description", "forged")],
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("FORBIDDEN"), "{body}");
    assert_eq!(server.ledger_entry_count().await, entries);
    tech.goto(&server.url("/specifications")).await;
    assert!(!tech.has("#import-default").await);
    tech.close().await;

    // QA imports the default specification once and reads its tests; a second import is
    // refused with its code.
    let qa = Browser::launch().await;
    qa.sign_in(&server, "qa.one", PASSWORD).await;
    qa.goto(&server.url("/specifications")).await;
    assert!(qa.text().await.contains("No specification is defined yet."));
    qa.click("#import-default button[type=submit]").await;
    let page = qa.text().await;
    assert!(page.contains("was imported"), "{page}");
    assert!(page.contains("DRUG_PRODUCT version 1"), "{page}");
    assert!(page.contains("CD73"), "{page}");
    assert!(page.contains("STERILITY"), "{page}");
    qa.assert_accessible("the specifications").await;
    let entries = server.ledger_entry_count().await;
    qa.click("#import-default button[type=submit]").await;
    let page = qa.text().await;
    assert!(page.contains("DUPLICATE_SPEC_VERSION"), "{page}");
    assert_eq!(server.ledger_entry_count().await, entries);
    qa.assert_same_origin_only(&server).await;
    qa.close().await;
    server.finish().await;
}
