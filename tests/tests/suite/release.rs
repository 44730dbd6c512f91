//! Release testing and QA disposition over GraphQL and HTTP, on SQLite or PostgreSQL: the
//! default specification, results evaluated at once, out-of-specification investigations,
//! invalidation and retest, signed release and rejection with every unmet condition listed,
//! separation of duties, two QA users disposing of one lot at once, bad input that writes
//! nothing, and the certificate of analysis that a reader checks against the ledger.

use chrono::Utc;
use cordtrace_domain::Role;
use cordtrace_ledger::verify_export;
use cordtrace_store::ledger::export;
use cordtrace_tests::fixtures::{Eligibility, Fixtures, assert_refused, production_server};
use cordtrace_tests::release_fixtures::{
    PASSING, PRODUCT_CODE, ReleaseLot, assert_ledger_verifies, begin_testing, blocker_codes,
    fill_and_complete, formulated_lot, import_default, record, record_input, reject, release,
    result_input, signature, statuses,
};
use cordtrace_tests::{GqlResponse, TestServer};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

const CERTIFICATE: &str = "query($lot: UUID!) { certificateOfAnalysis(lotId: $lot) { draft \
    lot { id code kind status } products { descriptionCode description } \
    units { id din dinCheckCharacter productCode status } \
    specification { version productKind title } testingBeganAt \
    tests { code requirement currentEvaluation criterion { text } \
      results { id value valueText evaluation current retestOf analyst { printedName } \
        invalidation { reason entrySeq } } } \
    investigations { testCode conclusion closedBy { printedName } entrySeq } \
    donors { key eligibility consentWithdrawn } \
    disposition { decision text decidedBy { printedName } entrySeq } \
    signatures { entrySeq action entryHash signature { meaning manifestation } } \
    ledgerProof { entrySeq action entryHash checkpointSize checkpointRoot checkpointNote } } }";

async fn certificate(server: &TestServer, token: &str, lot_id: &str) -> Value {
    let response = server
        .gql(Some(token), CERTIFICATE, json!({ "lot": lot_id }))
        .await;
    response.data()["certificateOfAnalysis"].clone()
}

async fn invalidate(
    server: &TestServer,
    token: &str,
    result_id: &str,
    signature: Value,
) -> GqlResponse {
    server
        .gql(
            Some(token),
            "mutation($id: UUID!, $sig: SignatureInput!) { invalidateTestResult(resultId: $id, \
             reason: \"sample diluted 1:10 twice\", signature: $sig) { id valid \
             invalidation { reason invalidatedBy { printedName } \
             signature { meaning manifestation } } } }",
            json!({ "id": result_id, "sig": signature }),
        )
        .await
}

async fn close_investigation(
    server: &TestServer,
    token: &str,
    investigation_id: &str,
    signature: Value,
) -> GqlResponse {
    server
        .gql(
            Some(token),
            "mutation($id: UUID!, $sig: SignatureInput!) { closeInvestigation(\
             investigationId: $id, conclusion: \"dilution error; the retest passed\", \
             signature: $sig) { id open closure { conclusion closedBy { printedName } \
             signature { manifestation } } } }",
            json!({ "id": investigation_id, "sig": signature }),
        )
        .await
}

fn codes(values: &[&str]) -> Vec<String> {
    values.iter().map(|code| (*code).to_owned()).collect()
}

fn string(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
        .to_owned()
}

/// Runs a poppler tool (Debian's `poppler-utils`, which `.ci/run` installs) on `pdf`.
fn poppler(tool: &str, args: &[&str], pdf: &std::path::Path) -> String {
    let output = std::process::Command::new(tool)
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|error| panic!("{tool} (poppler-utils) could not run: {error}"));
    assert!(output.status.success(), "{tool}: {output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The released lot's certificate as a PDF on A4 and on US Letter: what the HTML page says,
/// headed by the facility, the number and the version, every time in the facility's zone;
/// refused to a role that may not read it and for a paper nobody prints on.
async fn certificate_pdf_checks_out(
    server: &TestServer,
    lot: &ReleaseLot,
    manifestation: &str,
    proof: &Value,
) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let html = certificate_page(server, Some(&lot.auditor), &lot.lot_id)
        .await
        .2;
    for (paper, size) in [("", "(A4)"), ("?paper=letter", "(letter)")] {
        let path = format!("/certificates/{}.pdf{paper}", lot.lot_id);
        let (status, content_type, body) = server.get_document(Some(&lot.auditor), &path).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        assert_eq!(content_type, "application/pdf");
        assert!(
            html.contains(&path.replace('&', "&amp;")),
            "the page links {path}"
        );
        let file = dir.path().join("coa.pdf");
        std::fs::write(&file, &body).expect("written");
        let info = std::process::Command::new("pdfinfo")
            .arg(&file)
            .output()
            .expect("pdfinfo (poppler-utils) runs");
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(info.contains(size), "{info}");
        let text = poppler("pdftotext", &[], &file);
        // pdftotext breaks lines where the PDF does; compare without the breaks.
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            "Certificate of analysis",
            &format!("Document CoA-{}", lot.lot_code),
            "Version 1",
            "Page 1 of",
            "RELEASE by",
            manifestation,
            proof["entryHash"].as_str().unwrap_or("-"),
            "ELIGIBLE",
            "PASS",
            "+00:00",
        ] {
            assert!(
                flat.contains(expected),
                "the PDF lacks {expected:?}:\n{text}"
            );
        }
    }
    let clinician = server.user_token("clinician.pdf", &[Role::Clinician]).await;
    let path = format!("/certificates/{}.pdf", lot.lot_id);
    assert_eq!(server.get_document(Some(&clinician), &path).await.0, 200);
    let admin = server.user_token("admin.pdf", &[Role::Admin]).await;
    let (status, _, body) = server.get_document(Some(&admin), &path).await;
    assert_eq!(status, 403);
    assert!(String::from_utf8_lossy(&body).contains("FORBIDDEN"));
    assert_eq!(server.get_document(None, &path).await.0, 401);
    let legal = format!("{path}?paper=legal");
    let (status, _, body) = server.get_document(Some(&lot.auditor), &legal).await;
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("VALIDATION"));
    let unknown = format!("/certificates/{}.pdf", uuid::Uuid::now_v7());
    assert_eq!(
        server.get_document(Some(&lot.auditor), &unknown).await.0,
        404
    );
}

/// GETs the rendered certificate of `lot_id` with `token`: status, content type and body.
async fn certificate_page(
    server: &TestServer,
    token: Option<&str>,
    lot_id: &str,
) -> (u16, String, String) {
    let (status, content_type, body) = server
        .get_document(token, &format!("/certificates/{lot_id}"))
        .await;
    (
        status,
        content_type,
        String::from_utf8(body).expect("the certificate is text"),
    )
}

#[tokio::test]
async fn a_lot_that_passes_is_released_with_its_units_and_its_certificate_checks_out() {
    let lot = ReleaseLot::start(Eligibility::Eligible).await;
    let server = &lot.server;

    // The default specification, as data, once.
    let imported = import_default(server, &lot.qa).await;
    let spec = imported.data()["importDefaultSpecification"].clone();
    assert_eq!(spec["productKind"], "DRUG_PRODUCT");
    assert_eq!(spec["version"], 1);
    assert_eq!(spec["tests"].as_array().map(Vec::len), Some(PASSING.len()));
    assert!(spec["definedBy"].is_string());
    let cd73 = &spec["tests"][0];
    assert_eq!(cd73["code"], "CD73");
    assert_eq!(cd73["criterion"]["kind"], "NUMERIC");
    assert_eq!(cd73["criterion"]["min"]["value"], "95");
    assert_eq!(cd73["criterion"]["min"]["inclusive"], true);
    assert_eq!(cd73["criterion"]["text"], "≥ 95 %");
    let sterility = &spec["tests"][10];
    assert_eq!(sterility["criterion"]["expected"], "NO_GROWTH");
    assert!(sterility["unit"].is_null());
    assert_eq!(spec["tests"][14]["requirement"], "REPORT_ONLY");
    let again = import_default(server, &lot.qa).await;
    assert_refused(&again, "CONFLICT", Some("DUPLICATE_SPEC_VERSION"));
    let listed = server
        .gql(
            Some(&lot.tech),
            "{ specifications(productKind: DRUG_PRODUCT) { id version } }",
            json!({}),
        )
        .await;
    assert_eq!(listed.data()["specifications"][0]["id"], spec["id"]);

    // Testing begins against version 1; every required test is missing.
    let began = begin_testing(server, &lot.analyst, &lot.lot_id).await;
    let began = &began.data()["beginTesting"];
    assert_eq!(began["specification"]["version"], 1);
    assert_eq!(began["startedBy"]["printedName"], "Test analyst.one");
    assert_eq!(
        blocker_codes(server, &lot.qa, &lot.lot_id).await,
        vec!["TEST_MISSING".to_owned(); PASSING.len() - 1]
    );

    // Every result passes at once; nothing blocks the release any more.
    for (code, value, unit) in PASSING {
        let recorded = record(server, &lot.analyst, &lot.lot_id, code, value, unit).await;
        let payload = &recorded.data()["recordTestResult"];
        assert_eq!(payload["result"]["evaluation"], "PASS", "{code}");
        assert_eq!(payload["result"]["valid"], true);
        assert_eq!(
            payload["result"]["analyst"]["printedName"],
            "Test analyst.one"
        );
        assert!(payload["investigation"].is_null());
    }
    assert!(blocker_codes(server, &lot.qa, &lot.lot_id).await.is_empty());

    // QA releases, signed with the meaning APPROVAL: the lot and its units are released.
    let before = server.ledger_entry_count().await;
    let released = release(server, &lot.qa, &lot.lot_id, signature("APPROVAL")).await;
    let disposition = released.data()["releaseLot"].clone();
    assert_eq!(server.ledger_entry_count().await, before + 1);
    assert_eq!(disposition["decision"], "RELEASE");
    assert_eq!(disposition["lotCode"], lot.lot_code);
    assert_eq!(disposition["text"], "batch record reviewed");
    let mut released_units: Vec<String> = disposition["unitIds"]
        .as_array()
        .expect("unit ids")
        .iter()
        .map(string)
        .collect();
    released_units.sort();
    let mut unit_ids = lot.unit_ids.clone();
    unit_ids.sort();
    assert_eq!(released_units, unit_ids);
    let manifestation = string(&disposition["signature"]["manifestation"]);
    assert!(
        manifestation.starts_with("Signed by Test qa.one on ")
            && manifestation.ends_with(" UTC (APPROVAL)"),
        "{manifestation}"
    );
    assert_eq!(
        statuses(server, &lot.qa, &lot.lot_id, &lot.unit_ids).await,
        ("RELEASED".to_owned(), vec!["RELEASED".to_owned(); 2])
    );

    // The certificate: structured content, every signature, and the ledger proof.
    let coa = certificate(server, &lot.auditor, &lot.lot_id).await;
    assert_eq!(coa["draft"], false);
    assert_eq!(coa["lot"]["code"], lot.lot_code);
    assert_eq!(coa["lot"]["status"], "RELEASED");
    assert_eq!(coa["products"][0]["descriptionCode"], PRODUCT_CODE);
    assert_eq!(coa["units"].as_array().map(Vec::len), Some(2));
    assert_eq!(coa["units"][0]["din"], lot.donor.din.to_string());
    assert_eq!(coa["specification"]["version"], 1);
    let tests = coa["tests"].as_array().expect("tests");
    assert_eq!(tests.len(), PASSING.len());
    assert!(tests.iter().all(|test| test["currentEvaluation"] == "PASS"));
    assert_eq!(tests[0]["results"][0]["valueText"], "98.5 %");
    assert_eq!(coa["donors"][0]["eligibility"], "ELIGIBLE");
    assert_eq!(coa["disposition"]["decision"], "RELEASE");
    let signatures = coa["signatures"].as_array().expect("signatures");
    assert_eq!(signatures.len(), 1);
    assert_eq!(signatures[0]["action"], "lot.released");
    assert_eq!(signatures[0]["signature"]["manifestation"], manifestation);
    let proof = &coa["ledgerProof"];
    assert_eq!(proof["entrySeq"], disposition["entrySeq"]);
    assert_eq!(proof["entryHash"], disposition["entryHash"]);
    let entry_seq = proof["entrySeq"].as_u64().expect("a seq");
    assert!(proof["checkpointSize"].as_u64().expect("a size") >= entry_seq);

    // A reader checks it: the checkpoint verifies under the installation key and names the same
    // tree, the entry has the printed hash, and an export of the ledger verifies offline.
    let note = string(&proof["checkpointNote"]);
    let checkpoint = server
        .checkpoint_verifier()
        .verify(&note)
        .expect("the checkpoint note verifies");
    assert_eq!(json!(checkpoint.size), proof["checkpointSize"]);
    assert_eq!(
        checkpoint.root.to_string(),
        string(&proof["checkpointRoot"])
    );
    let entry = server
        .gql(
            Some(&lot.auditor),
            "query($seq: Int!) { ledgerEntry(seq: $seq) { action hash signature { manifestation } } }",
            json!({ "seq": entry_seq }),
        )
        .await;
    let entry = &entry.data()["ledgerEntry"];
    assert_eq!(entry["hash"], proof["entryHash"]);
    assert_eq!(entry["signature"]["manifestation"], manifestation);
    let database = server.store_database().await;
    let mut exported = Vec::new();
    export::export(&database, &server.settings.origin, &mut exported)
        .await
        .expect("the ledger exports");
    database.close().await.expect("the database closes");
    let summary = verify_export(
        exported.as_slice(),
        server.checkpoint_verifier().verifier_key(),
    )
    .expect("the export verifies offline");
    assert!(summary.last_checkpoint_size >= entry_seq);
    let text = String::from_utf8(exported).expect("the export is text");
    assert!(text.contains(&string(&proof["entryHash"])));

    // The rendered document, for the same roles, ends with the hash and the checkpoint note.
    let (status, content_type, page) =
        certificate_page(server, Some(&lot.auditor), &lot.lot_id).await;
    assert_eq!(status, 200, "{page}");
    assert!(content_type.starts_with("text/html"), "{content_type}");
    for expected in [
        lot.lot_code.as_str(),
        manifestation.as_str(),
        proof["entryHash"].as_str().unwrap_or_default(),
        note.trim_end(),
        "ELIGIBLE",
        "cordtrace ledger verify --file",
    ] {
        assert!(page.contains(expected), "the page lacks {expected}: {page}");
    }
    let hash_at = page.find(proof["entryHash"].as_str().unwrap_or("-"));
    let signatures_at = page.find("Electronic signatures");
    assert!(hash_at > signatures_at, "the proof ends the document");
    let clinician = server.user_token("clinician.one", &[Role::Clinician]).await;
    assert_eq!(
        certificate_page(server, Some(&clinician), &lot.lot_id)
            .await
            .0,
        200
    );
    let admin = server.user_token("admin.one", &[Role::Admin]).await;
    let (status, _, body) = certificate_page(server, Some(&admin), &lot.lot_id).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("FORBIDDEN"), "{body}");
    let (status, _, body) = certificate_page(server, None, &lot.lot_id).await;
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("UNAUTHENTICATED"), "{body}");
    let unknown = uuid::Uuid::now_v7().to_string();
    assert_eq!(
        certificate_page(server, Some(&lot.auditor), &unknown)
            .await
            .0,
        404
    );
    assert_eq!(
        certificate_page(server, Some(&lot.auditor), "not-a-lot")
            .await
            .0,
        400
    );

    certificate_pdf_checks_out(server, &lot, &manifestation, proof).await;

    assert_ledger_verifies(server, &lot.auditor).await;
    lot.finish().await;
}

#[tokio::test]
async fn a_failure_opens_an_investigation_and_a_signed_invalidation_allows_a_retest() {
    let lot = ReleaseLot::start(Eligibility::Eligible).await;
    let server = &lot.server;
    lot.under_test().await;
    lot.pass_all_but(&["ENDOTOXIN"]).await;

    let failed = record(
        server,
        &lot.analyst,
        &lot.lot_id,
        "ENDOTOXIN",
        "0.8",
        Some("EU/mL"),
    )
    .await;
    let payload = failed.data()["recordTestResult"].clone();
    assert_eq!(payload["result"]["evaluation"], "FAIL");
    assert_eq!(payload["investigation"]["open"], true);
    assert_eq!(payload["investigation"]["testCode"], "ENDOTOXIN");
    let failed_id = string(&payload["result"]["id"]);
    let investigation_id = string(&payload["investigation"]["id"]);
    assert_eq!(payload["investigation"]["resultId"], failed_id);

    // The failed result is never outvoted or overwritten.
    let outvote = record(
        server,
        &lot.analyst,
        &lot.lot_id,
        "ENDOTOXIN",
        "0.1",
        Some("EU/mL"),
    )
    .await;
    assert_refused(&outvote, "CONFLICT", Some("RESULT_EXISTS"));

    // A release now lists both unmet conditions, each with its code, and writes nothing.
    let before = server.ledger_entry_count().await;
    let refused = release(server, &lot.qa, &lot.lot_id, signature("APPROVAL")).await;
    assert_eq!(refused.error_code(), "CONFLICT", "{}", refused.body);
    assert_eq!(
        refused.reason_codes(),
        codes(&["TEST_FAILED", "INVESTIGATION_OPEN"])
    );
    assert_eq!(server.ledger_entry_count().await, before);

    // Analysts may not invalidate; QA does, signed; the result stays readable.
    let by_analyst = invalidate(server, &lot.analyst, &failed_id, signature("REVIEW")).await;
    assert_eq!(by_analyst.error_code(), "FORBIDDEN");
    let invalidated = invalidate(server, &lot.qa, &failed_id, signature("REVIEW")).await;
    let invalidated = &invalidated.data()["invalidateTestResult"];
    assert_eq!(invalidated["valid"], false);
    assert_eq!(
        invalidated["invalidation"]["signature"]["meaning"],
        "REVIEW"
    );
    assert!(
        invalidated["invalidation"]["signature"]["manifestation"]
            .as_str()
            .is_some_and(|m| m.starts_with("Signed by Test qa.one on ") && m.ends_with("(REVIEW)"))
    );
    let twice = invalidate(server, &lot.qa, &failed_id, signature("REVIEW")).await;
    assert_refused(&twice, "CONFLICT", Some("RESULT_ALREADY_INVALIDATED"));

    // The retest names the result it replaces.
    let unnamed = record(
        server,
        &lot.analyst,
        &lot.lot_id,
        "ENDOTOXIN",
        "0.1",
        Some("EU/mL"),
    )
    .await;
    assert_refused(&unnamed, "VALIDATION", Some("RETEST_REFERENCE_REQUIRED"));
    let mut retest = result_input(&lot.lot_id, "ENDOTOXIN", "0.1", Some("EU/mL"));
    retest["retestOf"] = json!(failed_id);
    let retested = record_input(server, &lot.analyst, retest).await;
    let retested = &retested.data()["recordTestResult"]["result"];
    assert_eq!(retested["evaluation"], "PASS");
    assert_eq!(retested["retestOf"], failed_id);

    // The investigation still blocks the release until QA closes it, signed.
    assert_eq!(
        blocker_codes(server, &lot.qa, &lot.lot_id).await,
        codes(&["INVESTIGATION_OPEN"])
    );
    let closed =
        close_investigation(server, &lot.qa2, &investigation_id, signature("APPROVAL")).await;
    let closed = &closed.data()["closeInvestigation"];
    assert_eq!(closed["open"], false);
    assert_eq!(closed["closure"]["closedBy"]["printedName"], "Test qa.two");
    let again =
        close_investigation(server, &lot.qa2, &investigation_id, signature("APPROVAL")).await;
    assert_refused(&again, "CONFLICT", Some("INVESTIGATION_CLOSED"));
    let open = server
        .gql(
            Some(&lot.qa),
            "{ investigations(openOnly: true) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(open.data()["investigations"], json!([]));

    release(server, &lot.qa, &lot.lot_id, signature("APPROVAL"))
        .await
        .data();
    let coa = certificate(server, &lot.qa, &lot.lot_id).await;
    let actions: Vec<String> = coa["signatures"]
        .as_array()
        .expect("signatures")
        .iter()
        .map(|line| string(&line["action"]))
        .collect();
    assert_eq!(
        actions,
        codes(&["result.invalidated", "investigation.closed", "lot.released"])
    );
    let endotoxin = coa["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .find(|test| test["code"] == "ENDOTOXIN")
        .cloned()
        .expect("the endotoxin test");
    assert_eq!(endotoxin["currentEvaluation"], "PASS");
    assert_eq!(endotoxin["results"][0]["evaluation"], "FAIL");
    assert_eq!(endotoxin["results"][0]["current"], false);
    assert!(endotoxin["results"][0]["invalidation"]["reason"].is_string());
    assert_eq!(endotoxin["results"][1]["current"], true);
    assert_eq!(
        coa["investigations"][0]["closedBy"]["printedName"],
        "Test qa.two"
    );

    assert_ledger_verifies(server, &lot.auditor).await;
    lot.finish().await;
}

#[tokio::test]
async fn a_refused_release_lists_every_unmet_condition_and_a_rejection_sets_units_aside() {
    let lot = ReleaseLot::start(Eligibility::Pending).await;
    let server = &lot.server;
    let deviation = server
        .gql(
            Some(&lot.tech),
            "mutation($input: OpenDeviationInput!) { openDeviation(input: $input) { id } }",
            json!({ "input": {
                "lotId": lot.lot_id,
                "severity": "MINOR",
                "description": "incubator door left ajar for two minutes",
            } }),
        )
        .await;
    deviation.data();

    let expected = codes(&[
        "TESTING_NOT_STARTED",
        "DONOR_NOT_ELIGIBLE",
        "DEVIATION_OPEN",
    ]);
    assert_eq!(blocker_codes(server, &lot.qa, &lot.lot_id).await, expected);
    let before = server.ledger_entry_count().await;
    let refused = release(server, &lot.qa, &lot.lot_id, signature("APPROVAL")).await;
    assert_eq!(refused.error_code(), "CONFLICT", "{}", refused.body);
    assert_eq!(refused.reason_codes(), expected);
    assert_eq!(server.ledger_entry_count().await, before);

    // A rejection needs no testing; the units are set aside with the lot.
    let rejected = reject(server, &lot.qa2, &lot.lot_id, signature("APPROVAL")).await;
    let rejected = &rejected.data()["rejectLot"];
    assert_eq!(rejected["decision"], "REJECT");
    assert_eq!(rejected["text"], "endotoxin trend");
    assert!(rejected["specificationId"].is_null());
    assert_eq!(
        statuses(server, &lot.qa, &lot.lot_id, &lot.unit_ids).await,
        ("REJECTED".to_owned(), vec!["REJECTED".to_owned(); 2])
    );

    // A lot leaves QUARANTINE once.
    let before = server.ledger_entry_count().await;
    let again = release(server, &lot.qa, &lot.lot_id, signature("APPROVAL")).await;
    assert_refused(&again, "CONFLICT", Some("LOT_NOT_IN_QUARANTINE"));
    assert_eq!(server.ledger_entry_count().await, before);

    let coa = certificate(server, &lot.qa, &lot.lot_id).await;
    assert_eq!(coa["draft"], false);
    assert_eq!(coa["disposition"]["decision"], "REJECT");
    assert_eq!(coa["donors"][0]["eligibility"], "PENDING");
    assert_eq!(coa["ledgerProof"]["action"], "lot.rejected");
    assert!(coa["specification"].is_null());

    assert_ledger_verifies(server, &lot.auditor).await;
    lot.finish().await;
}

/// Sends `input` as a result and checks that it is refused with `code` and `reason` and that
/// the ledger did not grow.
async fn assert_result_refused(lot: &ReleaseLot, input: Value, code: &str, reason: &str) {
    let before = lot.server.ledger_entry_count().await;
    let response = record_input(&lot.server, &lot.analyst, input).await;
    assert_refused(&response, code, Some(reason));
    assert_eq!(lot.server.ledger_entry_count().await, before, "{reason}");
}

#[tokio::test]
async fn bad_input_is_refused_with_a_clear_code_and_writes_nothing() {
    let lot = ReleaseLot::start(Eligibility::Eligible).await;
    let server = &lot.server;

    // No specification yet, and no testing yet.
    let before = server.ledger_entry_count().await;
    let no_spec = begin_testing(server, &lot.analyst, &lot.lot_id).await;
    assert_refused(&no_spec, "CONFLICT", Some("NO_SPECIFICATION_IN_EFFECT"));
    assert_eq!(server.ledger_entry_count().await, before);
    let input = result_input(&lot.lot_id, "CD73", "98", Some("%"));
    assert_result_refused(&lot, input, "CONFLICT", "LOT_NOT_UNDER_TEST").await;

    lot.import_default().await;
    let by_qa = begin_testing(server, &lot.qa, &lot.lot_id).await;
    assert_eq!(by_qa.error_code(), "FORBIDDEN");
    let in_process = begin_testing(server, &lot.analyst, &lot.substance_id).await;
    assert_refused(&in_process, "CONFLICT", Some("LOT_NOT_IN_QUARANTINE"));
    begin_testing(server, &lot.analyst, &lot.lot_id)
        .await
        .data();
    let twice = begin_testing(server, &lot.analyst, &lot.lot_id).await;
    assert_refused(&twice, "CONFLICT", Some("TESTING_ALREADY_STARTED"));

    let mut future = result_input(&lot.lot_id, "CD73", "98", Some("%"));
    future["testedAt"] = json!((Utc::now() + chrono::Duration::hours(2)).to_rfc3339());
    let mut blank_method = result_input(&lot.lot_id, "CD73", "98", Some("%"));
    blank_method["method"] = json!("  ");
    let unknown_lot = uuid::Uuid::now_v7().to_string();
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "unknown test code",
            result_input(&lot.lot_id, "CD999", "98", Some("%")),
            "VALIDATION",
            "UNKNOWN_TEST",
        ),
        (
            "malformed test code",
            result_input(&lot.lot_id, "9-X", "98", Some("%")),
            "VALIDATION",
            "INVALID_TEST_CODE",
        ),
        (
            "wrong unit",
            result_input(&lot.lot_id, "CD73", "98", Some("percent")),
            "VALIDATION",
            "WRONG_UNIT",
        ),
        (
            "missing unit",
            result_input(&lot.lot_id, "ENDOTOXIN", "0.1", None),
            "VALIDATION",
            "WRONG_UNIT",
        ),
        (
            "a unit for a qualitative test",
            result_input(&lot.lot_id, "STERILITY", "NO_GROWTH", Some("%")),
            "VALIDATION",
            "WRONG_UNIT",
        ),
        (
            "a number for a qualitative test",
            result_input(&lot.lot_id, "STERILITY", "12", None),
            "VALIDATION",
            "WRONG_VALUE_KIND",
        ),
        (
            "an outcome the test cannot report",
            result_input(&lot.lot_id, "STERILITY", "NEGATIVE", None),
            "VALIDATION",
            "WRONG_OUTCOME",
        ),
        (
            "a value that is neither",
            result_input(&lot.lot_id, "CD73", "ninety", Some("%")),
            "VALIDATION",
            "INVALID_OUTCOME",
        ),
        ("tested in the future", future, "VALIDATION", "IN_FUTURE"),
        (
            "a blank method",
            blank_method,
            "VALIDATION",
            "INVALID_VALUE",
        ),
        (
            "a lot not under test",
            result_input(&lot.substance_id, "CD73", "98", Some("%")),
            "CONFLICT",
            "LOT_NOT_UNDER_TEST",
        ),
        (
            "an unknown lot",
            result_input(&unknown_lot, "CD73", "98", Some("%")),
            "NOT_FOUND",
            "NOT_FOUND",
        ),
    ];
    for (case, input, code, reason) in cases {
        let before = server.ledger_entry_count().await;
        let response = record_input(server, &lot.analyst, input).await;
        assert_eq!(response.error_code(), code, "{case}: {}", response.body);
        assert_eq!(response.reason_codes(), codes(&[reason]), "{case}");
        assert_eq!(server.ledger_entry_count().await, before, "{case}");
    }

    // Disposition of a lot not in QUARANTINE, by a role that may not, with the wrong meaning.
    let before = server.ledger_entry_count().await;
    let in_process = release(server, &lot.qa, &lot.substance_id, signature("APPROVAL")).await;
    assert_refused(&in_process, "CONFLICT", Some("LOT_NOT_IN_QUARANTINE"));
    let by_analyst = release(server, &lot.analyst, &lot.lot_id, signature("APPROVAL")).await;
    assert_eq!(by_analyst.error_code(), "FORBIDDEN");
    let reviewed = release(server, &lot.qa, &lot.lot_id, signature("REVIEW")).await;
    assert_refused(&reviewed, "VALIDATION", Some("WRONG_SIGNATURE_MEANING"));
    assert_eq!(server.ledger_entry_count().await, before);

    // A wrong password: only the authentication failure is written, and it counts toward lockout.
    let wrong = json!({ "password": "not the password at all", "meaning": "APPROVAL" });
    let rejected = release(server, &lot.qa, &lot.lot_id, wrong.clone()).await;
    assert_refused(&rejected, "FORBIDDEN", Some("SIGNATURE_REJECTED"));
    let rejected = reject(server, &lot.qa, &lot.lot_id, wrong).await;
    assert_refused(&rejected, "FORBIDDEN", Some("SIGNATURE_REJECTED"));
    assert_eq!(server.ledger_entry_count().await, before + 2);
    let db = server.raw_database().await;
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT l.action AS action, u.failed_logins AS failed \
             FROM ledger_entry l, app_user u \
             WHERE u.username = 'qa.one' ORDER BY l.seq DESC LIMIT 1",
        ))
        .await
        .expect("the query runs")
        .expect("a row");
    let action: String = row.try_get("", "action").expect("an action");
    let failed: i32 = row.try_get("", "failed").expect("a count");
    db.close().await.expect("the database closes");
    assert_eq!(action, "user.authentication_failed");
    assert_eq!(failed, 2);
    let (status, _) = statuses(server, &lot.qa, &lot.lot_id, &[]).await;
    assert_eq!(status, "QUARANTINE");

    // Specifications that break the rules.
    let define = |version: u32, effective_on: &str, criterion: Value| {
        json!({ "input": {
            "productKind": "DRUG_PRODUCT",
            "version": version,
            "effectiveOn": effective_on,
            "title": "UC-MSC drug product release specification",
            "tests": [{
                "code": "VIABILITY",
                "name": "Viability",
                "method": "7-AAD flow cytometry",
                "unit": "%",
                "criterion": criterion,
                "requirement": "REQUIRED",
            }],
        } })
    };
    let numeric = json!({ "kind": "NUMERIC", "min": { "value": "80", "inclusive": true } });
    let today = Utc::now().date_naive().to_string();
    let spec_cases = [
        (
            define(1, &today, numeric.clone()),
            "CONFLICT",
            "DUPLICATE_SPEC_VERSION",
        ),
        (
            define(2, "2025-06-01", numeric.clone()),
            "CONFLICT",
            "SPEC_EFFECTIVE_DATE_NOT_INCREASING",
        ),
        (
            define(
                2,
                &today,
                json!({ "kind": "QUALITATIVE", "expected": "NO_GROWTH",
                        "min": { "value": "1", "inclusive": true } }),
            ),
            "VALIDATION",
            "INVALID_SPECIFICATION",
        ),
        (
            define(
                2,
                &today,
                json!({ "kind": "NUMERIC", "min": { "value": "9", "inclusive": true },
                        "max": { "value": "1", "inclusive": true } }),
            ),
            "VALIDATION",
            "INVALID_SPECIFICATION",
        ),
        (
            define(
                2,
                &today,
                json!({ "kind": "NUMERIC", "min": { "value": "1e3", "inclusive": true } }),
            ),
            "VALIDATION",
            "INVALID_VALUE",
        ),
    ];
    for (variables, code, reason) in spec_cases {
        let before = server.ledger_entry_count().await;
        let response = server
            .gql(
                Some(&lot.qa),
                "mutation($input: DefineSpecificationInput!) { defineSpecification(input: $input) { id } }",
                variables,
            )
            .await;
        assert_refused(&response, code, Some(reason));
        assert_eq!(server.ledger_entry_count().await, before, "{reason}");
    }

    assert_ledger_verifies(server, &lot.auditor).await;
    lot.finish().await;
}

#[tokio::test]
async fn a_signer_who_recorded_a_step_or_a_result_may_not_release_the_lot() {
    let server = production_server().await;
    let fixtures = Fixtures::open(&server).await;
    let donor = fixtures.donor(Eligibility::Eligible).await;
    fixtures.product(PRODUCT_CODE).await;
    fixtures.close().await;
    let tech_qa = server
        .user_token("techqa.one", &[Role::Technician, Role::Qa])
        .await;
    let analyst_qa = server
        .user_token("analystqa.one", &[Role::Analyst, Role::Qa])
        .await;
    let qa = server.user_token("qa.one", &[Role::Qa]).await;
    let auditor = server.user_token("auditor.one", &[Role::Auditor]).await;
    let (_, lot_id) = formulated_lot(&server, &tech_qa, &donor).await;
    fill_and_complete(&server, &tech_qa, &lot_id, 'A').await;
    import_default(&server, &qa).await.data();
    begin_testing(&server, &analyst_qa, &lot_id).await.data();
    let mut cd73 = String::new();
    for (code, value, unit) in PASSING {
        let recorded = record(&server, &analyst_qa, &lot_id, code, value, unit).await;
        if code == "CD73" {
            cd73 = string(&recorded.data()["recordTestResult"]["result"]["id"]);
        }
    }

    assert_eq!(
        blocker_codes(&server, &tech_qa, &lot_id).await,
        codes(&["SIGNER_RECORDED_STEP"])
    );
    assert_eq!(
        blocker_codes(&server, &analyst_qa, &lot_id).await,
        codes(&["SIGNER_RECORDED_RESULT"])
    );
    assert!(blocker_codes(&server, &qa, &lot_id).await.is_empty());

    let before = server.ledger_entry_count().await;
    let by_operator = release(&server, &tech_qa, &lot_id, signature("APPROVAL")).await;
    assert_refused(&by_operator, "FORBIDDEN", Some("SIGNER_RECORDED_STEP"));
    let by_analyst = release(&server, &analyst_qa, &lot_id, signature("APPROVAL")).await;
    assert_refused(&by_analyst, "FORBIDDEN", Some("SIGNER_RECORDED_RESULT"));
    let own_result = invalidate(&server, &analyst_qa, &cd73, signature("REVIEW")).await;
    assert_refused(&own_result, "FORBIDDEN", Some("SIGNER_RECORDED_RESULT"));
    assert_eq!(server.ledger_entry_count().await, before);

    let released = release(&server, &qa, &lot_id, signature("APPROVAL")).await;
    assert_eq!(released.data()["releaseLot"]["decision"], "RELEASE");
    assert_ledger_verifies(&server, &auditor).await;
    server.finish().await;
}

#[tokio::test]
async fn two_qa_users_disposing_of_one_lot_at_once_exactly_one_succeeds() {
    let lot = ReleaseLot::start(Eligibility::Eligible).await;
    let server = &lot.server;
    lot.under_test().await;
    lot.pass_all_but(&[]).await;

    let (released, rejected) = tokio::join!(
        release(server, &lot.qa, &lot.lot_id, signature("APPROVAL")),
        reject(server, &lot.qa2, &lot.lot_id, signature("APPROVAL")),
    );
    let outcomes = [
        released.body.get("errors").is_none(),
        rejected.body.get("errors").is_none(),
    ];
    assert_eq!(
        outcomes.iter().filter(|ok| **ok).count(),
        1,
        "{} / {}",
        released.body,
        rejected.body
    );
    let (winner, loser, status) = if outcomes[0] {
        (&released.data()["releaseLot"], &rejected, "RELEASED")
    } else {
        (&rejected.data()["rejectLot"], &released, "REJECTED")
    };
    assert_refused(loser, "CONFLICT", Some("LOT_NOT_IN_QUARANTINE"));
    assert_eq!(
        statuses(server, &lot.qa, &lot.lot_id, &lot.unit_ids).await,
        (status.to_owned(), vec![status.to_owned(); 2])
    );
    let coa = certificate(server, &lot.auditor, &lot.lot_id).await;
    assert_eq!(coa["disposition"]["entrySeq"], winner["entrySeq"]);
    assert_eq!(coa["signatures"].as_array().map(Vec::len), Some(1));

    assert_ledger_verifies(server, &lot.auditor).await;
    lot.finish().await;
}

#[tokio::test]
async fn a_new_specification_version_never_changes_a_lot_already_under_test() {
    let lot = ReleaseLot::start(Eligibility::Eligible).await;
    let server = &lot.server;
    lot.under_test().await;

    // Version 2, in effect from today, asks for 80 % viability instead of 70 %.
    let defined = server
        .gql(
            Some(&lot.qa),
            "mutation($input: DefineSpecificationInput!) { defineSpecification(input: $input) \
             { id version effectiveOn tests { code criterion { text } } } }",
            json!({ "input": {
                "productKind": "DRUG_PRODUCT",
                "version": 2,
                "effectiveOn": Utc::now().date_naive().to_string(),
                "title": "UC-MSC drug product release specification, viability 80 %",
                "tests": [{
                    "code": "VIABILITY",
                    "name": "Viability",
                    "method": "7-AAD flow cytometry",
                    "unit": "%",
                    "criterion": { "kind": "NUMERIC", "min": { "value": "80", "inclusive": true } },
                    "requirement": "REQUIRED",
                }, {
                    "code": "STERILITY",
                    "name": "Sterility",
                    "method": "Automated culture, 14 days",
                    "criterion": { "kind": "QUALITATIVE", "expected": "NO_GROWTH" },
                    "requirement": "REQUIRED",
                }],
            } }),
        )
        .await;
    let v2 = defined.data()["defineSpecification"].clone();
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["tests"][0]["criterion"]["text"], "≥ 80 %");

    // The first lot keeps version 1: 75 % passes there.
    let testing = server
        .gql(
            Some(&lot.analyst),
            "query($lot: UUID!) { lotTesting(lotId: $lot) { specification { version } } }",
            json!({ "lot": lot.lot_id }),
        )
        .await;
    assert_eq!(testing.data()["lotTesting"]["specification"]["version"], 1);
    let first = record(
        server,
        &lot.analyst,
        &lot.lot_id,
        "VIABILITY",
        "75",
        Some("%"),
    )
    .await;
    assert_eq!(
        first.data()["recordTestResult"]["result"]["evaluation"],
        "PASS"
    );

    // A lot whose testing begins now gets version 2: 75 % fails there.
    let (second_lot, _) = lot.another_lot('C').await;
    let began = begin_testing(server, &lot.analyst, &second_lot).await;
    assert_eq!(
        began.data()["beginTesting"]["specification"]["id"],
        v2["id"]
    );
    let second = record(
        server,
        &lot.analyst,
        &second_lot,
        "VIABILITY",
        "75",
        Some("%"),
    )
    .await;
    let second = &second.data()["recordTestResult"];
    assert_eq!(second["result"]["evaluation"], "FAIL");
    assert_eq!(second["investigation"]["open"], true);
    let only_in_v1 = record(server, &lot.analyst, &second_lot, "CD73", "98", Some("%")).await;
    assert_refused(&only_in_v1, "VALIDATION", Some("UNKNOWN_TEST"));

    let listed = server
        .gql(
            Some(&lot.auditor),
            "{ specifications { version } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed.data()["specifications"],
        json!([{ "version": 2 }, { "version": 1 }])
    );
    assert_ledger_verifies(server, &lot.auditor).await;
    lot.finish().await;
}
