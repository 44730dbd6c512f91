//! The auditor's pages in a real headless Chromium: the ledger browser filtered by action, a
//! unit's chain of custody as a timeline with its signatures, verification of the whole ledger
//! and an entry's inclusion proof; a technician refused the ledger. Every page is checked with
//! axe-core.

use cordtrace_tests::PASSWORD;
use cordtrace_tests::browser::Browser;
use cordtrace_tests::clinical_fixtures::{Clinic, UnitSpec};
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
    browser.click("#run-verification").await;
    let page = browser.text().await;
    assert!(page.contains("The ledger is intact"), "{page}");
    browser.assert_accessible("the verification page").await;
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
