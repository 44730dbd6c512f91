//! The web application used as a person uses it, in a real headless Chromium: sign-in, the
//! forced password change of a new user, the bedside check typed as a keyboard-wedge scanner
//! types it (accepted, then signed administration; refused for the wrong patient), CSRF
//! refusals that write nothing, GraphiQL from the binary in the browser session, and no
//! request to another origin from any page.
//!
//! Every page visited is checked with axe-core for serious and critical accessibility
//! violations. Screenshots of both verdicts are left in `target/web-artifacts/`. Needs Debian's
//! `chromium` (`.ci/run` installs it).

use cordtrace_domain::Role;
use cordtrace_tests::browser::Browser;
use cordtrace_tests::clinical_fixtures::{Clinic, ThawAt, UnitSpec, unit_scans};
use cordtrace_tests::{PASSWORD, TestServer};
use serde_json::json;

#[tokio::test]
async fn a_clinician_checks_at_the_bedside_administers_and_is_stopped_for_the_wrong_patient() {
    let clinic = Clinic::start().await;
    let server = &clinic.server;
    let lot = clinic
        .released_lot(&[UnitSpec::standard('A'), UnitSpec::standard('B')])
        .await;
    let (right_unit, other_unit) = (&lot.units[0], &lot.units[1]);
    let patient = clinic.patient("WEB1001", Some("75")).await;
    let other_patient = clinic.patient("WEB1002", Some("75")).await;
    let order_id = clinic
        .ready_unit(&patient, right_unit, ThawAt::MinutesAgo(10))
        .await;
    clinic
        .ready_for_order(&order_id, other_unit, ThawAt::MinutesAgo(10))
        .await;

    let browser = Browser::launch().await;
    browser.sign_in(server, "clin.one", PASSWORD).await;
    let home = browser.text().await;
    assert!(home.contains("Test clin.one"), "{home}");
    assert!(home.contains("CLINICIAN"), "{home}");
    assert!(home.contains("UTC"), "{home}");
    browser.assert_accessible("the home page").await;
    browser.screenshot("home.png").await;
    assert!(
        home.contains(&right_unit.eye_readable()),
        "the allocated unit is listed: {home}"
    );

    // The right patient: the wristband first, then every barcode of the label, each typed as
    // a scanner types it and ended with Enter.
    browser.goto(&server.url("/bedside")).await;
    browser.wait_for_focused_input().await;
    assert_eq!(browser.focused_id().await, "scan");
    assert!(
        browser
            .text()
            .await
            .contains("Scan the patient's wristband")
    );
    // A unit's barcode scanned first is set aside: the screen still asks for the wristband.
    browser.scan(&unit_scans(right_unit)[0]).await;
    let page = browser.text().await;
    assert!(page.contains("WRONG_SCAN_KIND"), "{page}");
    assert!(page.contains("Scan the patient's wristband"), "{page}");
    browser.wait_for_focused_input().await;
    browser.scan(&patient.wristband_scan()).await;
    browser.wait_for_focused_input().await;
    assert_eq!(browser.focused_id().await, "scan");
    // A wristband scanned where the unit label is expected is set aside too.
    browser.scan(&other_patient.wristband_scan()).await;
    let page = browser.text().await;
    assert!(page.contains("WRONG_SCAN_KIND"), "{page}");
    assert!(page.contains("the patient is scanned already"), "{page}");
    browser.wait_for_focused_input().await;
    assert!(
        browser
            .text()
            .await
            .contains("Scan the next barcode of the unit label")
    );
    for scan in unit_scans(right_unit) {
        browser.scan(&scan).await;
    }
    browser.click("#check").await;
    let verdict = browser.text().await;
    assert!(verdict.contains("OK to infuse"), "{verdict}");
    assert!(verdict.contains(&patient.key), "{verdict}");
    assert!(verdict.contains("Invented Patient WEB1001"), "{verdict}");
    assert!(verdict.contains(&right_unit.din), "{verdict}");
    assert!(!verdict.contains("DO NOT INFUSE"), "{verdict}");
    assert!(verdict.contains("RESPONSIBILITY"), "{verdict}");
    browser.screenshot("bedside-ok-to-infuse.png").await;
    browser.assert_accessible("the accepted verdict").await;

    // What a second submission of the same form would send.
    let form_fields = browser
        .eval(
            "Object.fromEntries(new FormData(document.querySelector('#administration')).entries())",
        )
        .await;
    browser.fill("#signature_password", PASSWORD).await;
    browser.click("#sign").await;
    let after = browser.text().await;
    assert!(after.contains("Administration recorded"), "{after}");
    assert!(
        !after.contains(&patient.key),
        "the next patient sees nothing of this one: {after}"
    );
    assert!(!after.contains("WEB1001"), "{after}");
    browser.wait_for_focused_input().await;
    assert_eq!(
        browser.focused_id().await,
        "scan",
        "ready for the next patient"
    );

    // A double submission is refused by the API, and says so.
    let mut resubmitted = form_fields.clone();
    resubmitted["password"] = json!(PASSWORD);
    let cookie = browser.cookie_header().await;
    let response = server
        .client()
        .post(server.url("/bedside/administer"))
        .header("Cookie", &cookie)
        .form(&resubmitted)
        .send()
        .await
        .expect("the resubmission is answered");
    assert_eq!(response.status(), 409);
    let body = response.text().await.expect("a page");
    assert!(
        body.contains("ALREADY_ADMINISTERED") || body.contains("CONFLICT"),
        "{body}"
    );

    // The wrong patient: the unit is allocated to the first patient's order.
    browser.goto(&server.url("/bedside")).await;
    browser.scan(&other_patient.wristband_scan()).await;
    for scan in unit_scans(other_unit) {
        browser.scan(&scan).await;
    }
    browser.click("#check").await;
    let refused = browser.text().await;
    assert!(refused.contains("DO NOT INFUSE"), "{refused}");
    assert!(refused.contains("WRONG_PATIENT"), "{refused}");
    assert!(!refused.contains("OK to infuse"), "{refused}");
    assert!(
        !browser.has("#administration").await,
        "no way forward to administration"
    );
    browser.screenshot("bedside-do-not-infuse.png").await;
    browser.assert_accessible("the refused verdict").await;

    // Forged posts: without the token, or with another, nothing runs and nothing is written.
    let entries = server.ledger_entry_count().await;
    let forged_check = [
        ("patient_scan", patient.wristband_scan()),
        ("unit_scans", unit_scans(other_unit).join("\n")),
        ("action", "check".to_owned()),
    ];
    for csrf in [None, Some("0".repeat(64))] {
        let mut form: Vec<(&str, String)> = forged_check.to_vec();
        if let Some(csrf) = csrf {
            form.push(("csrf", csrf));
        }
        let response = server
            .client()
            .post(server.url("/bedside"))
            .header("Cookie", &cookie)
            .form(&form)
            .send()
            .await
            .expect("the forged post is answered");
        assert_eq!(response.status(), 403);
        let body = response.text().await.expect("a page");
        assert!(body.contains("CSRF"), "{body}");
    }
    let mut forged_administration = resubmitted.clone();
    forged_administration
        .as_object_mut()
        .expect("form fields")
        .remove("csrf");
    let response = server
        .client()
        .post(server.url("/bedside/administer"))
        .header("Cookie", &cookie)
        .form(&forged_administration)
        .send()
        .await
        .expect("the forged post is answered");
    assert_eq!(response.status(), 403);
    assert_eq!(
        server.ledger_entry_count().await,
        entries,
        "nothing was written"
    );

    // The certificate of analysis opens for the signed-in browser session too.
    let certificate = server
        .client()
        .get(server.url(&format!("/certificates/{}", lot.lot_id)))
        .header("Cookie", &cookie)
        .send()
        .await
        .expect("the certificate is answered");
    assert_eq!(certificate.status(), 200);
    let document = certificate.text().await.expect("a document");
    assert!(document.contains(&lot.lot_code), "{document}");
    let pdf = server
        .client()
        .get(server.url(&format!("/certificates/{}.pdf", lot.lot_id)))
        .header("Cookie", &cookie)
        .send()
        .await
        .expect("the certificate's PDF is answered");
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let pdf = pdf.bytes().await.expect("a PDF");
    assert!(pdf.starts_with(b"%PDF-"), "a PDF document");

    browser.assert_same_origin_only(server).await;
    browser.close().await;
    clinic.finish().await;
}

#[tokio::test]
async fn a_new_user_changes_the_temporary_password_before_anything_else() {
    let server = TestServer::start().await;
    let admin = server.user_token("admin.one", &[Role::Admin]).await;
    server
        .gql(
            Some(&admin),
            "mutation($input: CreateUserInput!) { createUser(input: $input) { id } }",
            json!({ "input": {
                "username": "clin.new",
                "printedName": "Invented Clinician",
                "roles": ["CLINICIAN"],
                "temporaryPassword": "a temporary passphrase",
            }}),
        )
        .await
        .data();

    let browser = Browser::launch().await;
    // A wrong password is refused with its code, and the form stays.
    browser.goto(&server.url("/signin")).await;
    browser.screenshot("signin.png").await;
    browser
        .sign_in(&server, "clin.new", "not the password at all")
        .await;
    let refused = browser.text().await;
    assert!(refused.contains("UNAUTHENTICATED"), "{refused}");
    browser
        .assert_accessible("the sign-in page with a refusal")
        .await;

    browser
        .sign_in(&server, "clin.new", "a temporary passphrase")
        .await;
    assert!(browser.url().await.ends_with("/password"));
    assert!(browser.text().await.contains("Choose your own"));
    browser.assert_accessible("the password page").await;
    // Every page leads back to the password change.
    browser.goto(&server.url("/bedside")).await;
    assert!(browser.url().await.ends_with("/password"));

    browser
        .fill("#current_password", "a temporary passphrase")
        .await;
    browser
        .fill("#new_password", "my own long passphrase")
        .await;
    browser
        .fill("#confirm_password", "my own long passphrase")
        .await;
    browser.press_enter().await;
    assert!(
        browser.url().await.ends_with('/'),
        "{}",
        browser.url().await
    );
    let home = browser.text().await;
    assert!(home.contains("Welcome, Invented Clinician"), "{home}");

    browser.click("form[action='/signout'] button").await;
    assert!(browser.url().await.ends_with("/signin"));
    browser
        .sign_in(&server, "clin.new", "my own long passphrase")
        .await;
    assert!(browser.text().await.contains("Welcome, Invented Clinician"));

    browser.assert_same_origin_only(&server).await;
    browser.close().await;
    server.finish().await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_assets_are_embedded() {
    let server = TestServer::start().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");

    let home = client.get(server.url("/")).send().await.expect("an answer");
    assert_eq!(home.status(), 303);
    assert_eq!(home.headers()["location"], "/signin");

    let signin = client
        .get(server.url("/signin"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(signin.status(), 200);
    let headers = signin.headers();
    assert_eq!(
        headers["content-security-policy"],
        content_security_policy()
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["cache-control"], "no-store");
    let cookie = headers["set-cookie"].to_str().expect("a cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(
        cookie.contains("Path=/") && !cookie.contains("Secure"),
        "{cookie}"
    );
    let page = signin.text().await.expect("a page");
    assert!(
        !page.contains("<script>") && !page.contains("style="),
        "no inline script or style"
    );
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no other origin"
    );

    for (path, content_type) in [
        ("/static/app.css", "text/css; charset=utf-8"),
        ("/static/htmx.min.js", "text/javascript; charset=utf-8"),
        ("/static/graphiql.min.js", "text/javascript; charset=utf-8"),
        ("/static/graphiql.min.css", "text/css; charset=utf-8"),
        (
            "/static/react.production.min.js",
            "text/javascript; charset=utf-8",
        ),
        (
            "/static/react-dom.production.min.js",
            "text/javascript; charset=utf-8",
        ),
        (
            "/static/graphiql-start.js",
            "text/javascript; charset=utf-8",
        ),
    ] {
        let asset = client
            .get(server.url(path))
            .send()
            .await
            .expect("an answer");
        assert_eq!(asset.status(), 200, "{path}");
        assert_eq!(asset.headers()["content-type"], content_type);
        assert_eq!(
            asset.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(asset.headers()["x-content-type-options"], "nosniff");
    }
    let missing = client
        .get(server.url("/static/nothing.js"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(missing.status(), 404);

    // A sign-in post without the token of its form runs nothing.
    let forged = client
        .post(server.url("/signin"))
        .form(&[("username", "nobody"), ("password", "whatever it is")])
        .send()
        .await
        .expect("an answer");
    assert_eq!(forged.status(), 403);

    // Bearer tokens keep working for API clients.
    let token = server.user_token("clin.one", &[Role::Clinician]).await;
    let me = server
        .gql(Some(&token), "{ me { username } }", json!({}))
        .await;
    assert_eq!(me.data()["me"]["username"], "clin.one");

    // GraphiQL comes from the binary and carries the session's CSRF token; the session cookie
    // opens /graphql only together with that token.
    let cookie = format!("cordtrace_session={token}");
    let graphiql = client
        .get(server.url("/graphql"))
        .header("Accept", "text/html")
        .header("Cookie", &cookie)
        .send()
        .await
        .expect("an answer");
    assert_eq!(graphiql.status(), 200);
    assert_eq!(
        graphiql.headers()["content-security-policy"],
        content_security_policy()
    );
    let page = graphiql.text().await.expect("a page");
    assert!(
        !page.contains("http://") && !page.contains("https://") && !page.contains("<script>"),
        "{page}"
    );
    let csrf = page
        .split("name=\"cordtrace-csrf\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page carries the session's CSRF token")
        .to_owned();
    let me_by_cookie = |cookie: Option<&str>, csrf: Option<&str>| {
        let mut request = client
            .post(server.url("/graphql"))
            .json(&json!({ "query": "{ me { username } }" }));
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf);
        }
        async move {
            let response = request.send().await.expect("an answer");
            let status = response.status().as_u16();
            (
                status,
                response.json::<serde_json::Value>().await.expect("JSON"),
            )
        }
    };
    let (status, body) = me_by_cookie(Some(&cookie), Some(&csrf)).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["me"]["username"], "clin.one", "{body}");
    // Without the token the cookie is ignored: an anonymous request.
    let (_, body) = me_by_cookie(Some(&cookie), None).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    // Another token, or a token without its cookie, is refused before anything runs.
    for (cookie, csrf) in [
        (Some(cookie.as_str()), "0".repeat(64)),
        (None, csrf.clone()),
    ] {
        let (status, body) = me_by_cookie(cookie, Some(&csrf)).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
        assert!(body.get("data").is_none(), "{body}");
    }
    server.finish().await;
}

/// The Content-Security-Policy of every page.
fn content_security_policy() -> &'static str {
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
}

#[tokio::test]
async fn graphiql_runs_from_the_binary_in_the_signed_in_session() {
    let server = TestServer::start().await;
    server.user_token("clin.one", &[Role::Clinician]).await;
    let browser = Browser::launch().await;
    browser.sign_in(&server, "clin.one", PASSWORD).await;
    browser.goto(&server.url("/graphql")).await;
    for _ in 0..100 {
        if browser.has(".graphiql-container").await {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        browser.has(".graphiql-container").await,
        "GraphiQL started: {}",
        browser.text().await
    );
    // What GraphiQL's fetcher sends: the cookie and the page's CSRF token.
    let username = browser
        .eval(
            "fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', \
             'x-csrf-token': document.querySelector('meta[name=cordtrace-csrf]').content }, \
             body: JSON.stringify({ query: '{ me { username } }' }) }) \
             .then(r => r.json()).then(b => b.data.me.username)",
        )
        .await;
    assert_eq!(username, json!("clin.one"));
    browser.screenshot("graphiql.png").await;
    browser.assert_same_origin_only(&server).await;
    browser.close().await;
    server.finish().await;
}

#[tokio::test]
async fn every_document_of_the_web_application_is_valid_against_the_schema() {
    let server = TestServer::start().await;
    let token = server.user_token("clin.one", &[Role::Clinician]).await;
    for (file, document) in cordtrace_web::documents::ALL {
        // Executed without variables: a document that does not parse or validate is refused
        // as a whole with errors that have no path; one that validates runs, and fails at
        // most in a resolver (a missing variable, no session after `logout`), with a path.
        let response = server.gql(Some(&token), document, json!({})).await;
        for error in response.body["errors"].as_array().into_iter().flatten() {
            assert!(
                error["path"]
                    .as_array()
                    .is_some_and(|path| !path.is_empty()),
                "{file} does not validate against the schema: {error}"
            );
        }
    }
    server.finish().await;
}
