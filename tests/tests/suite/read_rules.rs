//! Every read rule holds through every door, on SQLite or PostgreSQL: the ledger
//! (`chainOfCustody`, `ledgerEntries`, `ledgerEntry`) shows a role only what the role may read of
//! the records themselves, and a field the access table refuses is present as `null` with its
//! FORBIDDEN error.
//!
//! The expected readers of each subject kind are written out here, apart from
//! `cordtrace_api::access::readers`, so that a change to the code's table fails this test. A
//! world with at least one subject of every kind is made through the API as a facility would,
//! then every role reads every kind's chain, every entry and the whole ledger.
//!
//! Every name, record number and wristband here is invented.

use crate::clinical_flow;

use std::collections::BTreeMap;

use cordtrace_domain::Role;
use cordtrace_domain::Role::{Admin, Analyst, Auditor, Clinician, Qa, Technician};
use cordtrace_domain::ids::UserId;
use cordtrace_domain::subject::SubjectKind;
use cordtrace_tests::clinical_fixtures::{Clinic, ThawAt, UnitSpec};
use cordtrace_tests::release_fixtures::{begin_testing, record};
use cordtrace_tests::{GqlResponse, PASSWORD, TestServer, all_entries};
use serde_json::{Value, json};

/// Who reads the subjects of `kind`, as README ("Who reads what") states it. A user's own
/// records are also read by that user.
fn expected_readers(kind: SubjectKind) -> &'static [Role] {
    match kind {
        SubjectKind::User => &[Auditor, Admin],
        SubjectKind::Donor
        | SubjectKind::Donation
        | SubjectKind::MaterialLot
        | SubjectKind::Equipment => &[Technician, Analyst, Qa, Auditor],
        SubjectKind::Product => &[Technician, Analyst, Qa, Clinician, Auditor, Admin],
        SubjectKind::Lot | SubjectKind::Step | SubjectKind::Deviation => {
            &[Technician, Analyst, Qa, Auditor]
        }
        SubjectKind::Unit => &[Technician, Analyst, Qa, Clinician, Auditor],
        SubjectKind::Specification | SubjectKind::TestResult | SubjectKind::Investigation => {
            &[Technician, Analyst, Qa, Auditor]
        }
        SubjectKind::Patient
        | SubjectKind::Order
        | SubjectKind::BedsideCheck
        | SubjectKind::Administration
        | SubjectKind::Visit
        | SubjectKind::AdverseEvent => &[Clinician, Qa, Auditor],
        SubjectKind::Recall => &[Qa, Auditor],
    }
}

/// Who may page and look up the ledger at all.
const LEDGER_READERS: [Role; 3] = [Qa, Auditor, Admin];

/// One ledger entry as the database holds it: its seq and the subjects it touches.
#[derive(Clone, Debug)]
struct Stored {
    seq: u64,
    subjects: Vec<(String, String)>,
}

/// A signed-in user of one role, and their id.
struct Reader {
    role: Role,
    user_id: UserId,
    token: String,
}

impl Reader {
    /// Whether this reader may read subject `kind` `id` by the expected table.
    fn reads_subject(&self, kind: &str, id: &str) -> bool {
        let kind = SubjectKind::parse(kind).expect("a known subject kind");
        expected_readers(kind).contains(&self.role)
            || (kind == SubjectKind::User && id == self.user_id.to_string())
    }

    /// Whether this reader may see `entry`: every subject it touches is readable.
    fn sees(&self, entry: &Stored) -> bool {
        entry
            .subjects
            .iter()
            .all(|(kind, id)| self.reads_subject(kind, id))
    }
}

/// A facility with at least one subject of every kind in its ledger, a reader of each role,
/// and the ledger as the database holds it.
struct World {
    clinic: Clinic,
    readers: Vec<Reader>,
    /// The donor of the lot given to the patient.
    donor_id: String,
    /// One subject of each kind (for users, a user who is none of the readers).
    samples: BTreeMap<SubjectKind, String>,
    entries: Vec<Stored>,
}

impl World {
    async fn build() -> Self {
        let clinic = Clinic::start().await;
        let server = &clinic.server;
        clinic
            .fixtures
            .released_material("Invented culture medium")
            .await;
        clinic.fixtures.calibrated_equipment("BSC-0001").await;

        // A released lot, a patient who receives one of its units, follow-up.
        let lot = clinic
            .released_lot(&[UnitSpec::standard('A'), UnitSpec::standard('B')])
            .await;
        let unit = &lot.units[0];
        let patient = clinic.patient("WB5001", Some("75")).await;
        clinic
            .ready_unit(&patient, unit, ThawAt::MinutesAgo(10))
            .await;
        clinic
            .accepted_check(&clinic.clinician, unit, &patient)
            .await;
        let administration = clinic.administer(&clinic.clinician, unit, &patient).await;
        let administration_id = string(&administration["id"]);
        let today = clinical_flow::today();
        clinical_flow::visit(
            server,
            &clinic.clinician,
            &patient.id,
            &[&administration_id],
            today,
            4,
            "10",
            None,
        )
        .await;
        clinical_flow::adverse_event(
            server,
            &clinic.clinician,
            &patient.id,
            &[&administration_id],
            "Invented infusion reaction",
            1,
            false,
            today,
        )
        .await;

        // A deviation, and a failed result on a second lot that opens an investigation.
        server
            .gql(
                Some(&clinic.tech),
                "mutation($input: OpenDeviationInput!) { openDeviation(input: $input) { id } }",
                json!({ "input": {
                    "lotId": lot.lot_id,
                    "severity": "MINOR",
                    "description": "label printer jammed for two minutes",
                } }),
            )
            .await
            .data();
        let other = clinic.quarantined_lot(&[UnitSpec::standard('C')]).await;
        begin_testing(server, &clinic.analyst, &other.lot_id)
            .await
            .data();
        let failed = record(
            server,
            &clinic.analyst,
            &other.lot_id,
            "ENDOTOXIN",
            "0.8",
            Some("EU/mL"),
        )
        .await;
        assert_eq!(
            failed.data()["recordTestResult"]["investigation"]["open"],
            true
        );

        // QA recalls everything made from the donor: the recall names the patient.
        let donor_id = lot.donor.donor_id.to_string();
        clinical_flow::try_recall(
            server,
            &clinic.qa,
            clinical_flow::from("donorId", &donor_id),
            "invented donor look-back",
            PASSWORD,
        )
        .await
        .data();

        let mut readers = Vec::new();
        for role in Role::ALL {
            let username = format!("reader.{}", role.as_str());
            let user_id = server.add_user(&username, &[role]).await;
            let token = server.login(&username, PASSWORD).await;
            readers.push(Reader {
                role,
                user_id,
                token,
            });
        }

        let entries = stored_entries(server).await;
        let mut samples = BTreeMap::new();
        for entry in &entries {
            for (kind, id) in &entry.subjects {
                let kind = SubjectKind::parse(kind).expect("a known subject kind");
                samples.entry(kind).or_insert_with(|| id.clone());
            }
        }
        let missing: Vec<SubjectKind> = SubjectKind::ALL
            .into_iter()
            .filter(|kind| !samples.contains_key(kind))
            .collect();
        assert!(
            missing.is_empty(),
            "the world has a subject of every kind: {missing:?}"
        );
        assert!(
            readers
                .iter()
                .all(|reader| samples[&SubjectKind::User] != reader.user_id.to_string()),
            "the sample user is none of the readers"
        );
        Self {
            clinic,
            readers,
            donor_id,
            samples,
            entries,
        }
    }

    fn server(&self) -> &TestServer {
        &self.clinic.server
    }

    fn reader(&self, role: Role) -> &Reader {
        self.readers
            .iter()
            .find(|reader| reader.role == role)
            .expect("a reader of every role")
    }

    /// The seqs of the entries about subject `kind` `id` that `reader` may see.
    fn expected_chain(&self, reader: &Reader, kind: SubjectKind, id: &str) -> Vec<u64> {
        self.entries
            .iter()
            .filter(|entry| {
                entry
                    .subjects
                    .iter()
                    .any(|(k, i)| k == kind.as_str() && i == id)
            })
            .filter(|entry| reader.sees(entry))
            .map(|entry| entry.seq)
            .collect()
    }

    async fn finish(self) {
        self.clinic.finish().await;
    }
}

/// Every entry of the server's ledger, read in the database.
async fn stored_entries(server: &TestServer) -> Vec<Stored> {
    let database = server.store_database().await;
    let entries = all_entries(&database).await;
    database.close().await.expect("the database closes");
    entries
        .iter()
        .map(|entry| Stored {
            seq: entry.seq(),
            subjects: entry
                .body()
                .subjects
                .iter()
                .map(|link| (link.kind.clone(), link.id.clone()))
                .collect(),
        })
        .collect()
}

fn string(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a string: {value}"))
        .to_owned()
}

/// The seqs of a page of entries (`edges { node { seq } }`).
fn seqs(page: &Value) -> Vec<u64> {
    page["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| edge["node"]["seq"].as_u64().expect("a seq"))
        .collect()
}

/// Reads the seqs of `field` to the end: `chainOfCustody` of `subject`, or `ledgerEntries` with
/// no subject. Two entries a page, so that paging past the entries left out is exercised; the
/// refusal if the first page is refused.
async fn read_all(
    server: &TestServer,
    token: &str,
    field: &str,
    subject: Option<(SubjectKind, &str)>,
) -> Result<Vec<u64>, GqlResponse> {
    let (declarations, arguments, variables) = match subject {
        Some((kind, id)) => (
            "$kind: String!, $id: String!, ",
            "kind: $kind, id: $id, ",
            json!({ "kind": kind.as_str(), "id": id }),
        ),
        None => ("", "", json!({})),
    };
    let query = format!(
        "query({declarations}$after: String) {{ {field}({arguments}after: $after, first: 2) {{ \
         edges {{ cursor node {{ seq }} }} pageInfo {{ hasNextPage }} }} }}"
    );
    let mut found = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut variables = variables.clone();
        variables["after"] = json!(after);
        let response = server.gql(Some(token), &query, variables).await;
        if response.body.get("errors").is_some() {
            assert!(found.is_empty(), "refused mid-way: {}", response.body);
            return Err(response);
        }
        let page = &response.data()[field];
        let page_seqs = seqs(page);
        assert!(page_seqs.len() <= 2, "{}", response.body);
        found.extend(&page_seqs);
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            return Ok(found);
        }
        after = Some(page_seqs.last().expect("a full page").to_string());
    }
}

/// The seqs of the chain of custody of `kind` `id` as `token` reads it, or the refusal.
async fn chain(
    server: &TestServer,
    token: &str,
    kind: SubjectKind,
    id: &str,
) -> Result<Vec<u64>, GqlResponse> {
    read_all(server, token, "chainOfCustody", Some((kind, id))).await
}

/// Checks that `response` is the ledger's refusal of a subject: FORBIDDEN
/// `SUBJECT_NOT_READABLE`, nothing returned.
fn assert_not_readable(response: &GqlResponse, context: &str) {
    assert_eq!(
        response.error_code(),
        "FORBIDDEN",
        "{context}: {}",
        response.body
    );
    assert_eq!(
        response.reason_codes(),
        ["SUBJECT_NOT_READABLE"],
        "{context}: {}",
        response.body
    );
    assert!(
        response.body["data"].is_null(),
        "{context}: {}",
        response.body
    );
}

#[tokio::test]
async fn every_subject_kinds_chain_of_custody_answers_every_role_as_its_readers_say() {
    let world = World::build().await;
    let server = world.server();
    let mut mismatches = Vec::new();
    for reader in &world.readers {
        for kind in SubjectKind::ALL {
            let id = &world.samples[&kind];
            let context = format!("{:?} reading the chain of {kind} {id}", reader.role);
            match chain(server, &reader.token, kind, id).await {
                Ok(found) if expected_readers(kind).contains(&reader.role) => {
                    let expected = world.expected_chain(reader, kind, id);
                    if found != expected {
                        mismatches.push(format!("{context}: {found:?}, expected {expected:?}"));
                    }
                }
                Ok(found) => mismatches.push(format!("{context}: answered {found:?}")),
                Err(refused) if expected_readers(kind).contains(&reader.role) => {
                    mismatches.push(format!("{context}: refused {}", refused.body));
                }
                Err(refused) => assert_not_readable(&refused, &context),
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} chains disagree with the read rules:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );

    // Each user reads their own chain (registration, logins), whatever their roles.
    for reader in &world.readers {
        let own = reader.user_id.to_string();
        let found = chain(server, &reader.token, SubjectKind::User, &own)
            .await
            .unwrap_or_else(|refused| panic!("{:?}: {}", reader.role, refused.body));
        assert_eq!(
            found,
            world.expected_chain(reader, SubjectKind::User, &own),
            "{:?}",
            reader.role
        );
        assert!(found.len() >= 2, "{:?}: {found:?}", reader.role);
    }
    world.finish().await;
}

#[tokio::test]
async fn the_doors_found_under_attack_are_shut() {
    let world = World::build().await;
    let server = world.server();
    let from_donor = json!({ "from": { "donorId": world.donor_id } });

    // A technician no longer reads the administrations a downstream trace reaches (weight,
    // dose, reactions): null there, FORBIDDEN, the count still given. An analyst learns the
    // patient's id from the look-back; neither reads the patient's chain (weights, orders,
    // visits, administrations).
    let technician = world.reader(Technician);
    let downstream = server
        .gql(
            Some(&technician.token),
            "query($from: DownstreamFrom!) { downstream(from: $from) { administrationCount \
             administrations(first: 10) { nodes { patientId weightKg } } } }",
            from_donor.clone(),
        )
        .await;
    assert_eq!(
        downstream.body["data"]["downstream"]["administrationCount"],
        1
    );
    assert!(downstream.body["data"]["downstream"]["administrations"].is_null());
    assert_eq!(downstream.error_code(), "FORBIDDEN", "{}", downstream.body);
    assert_eq!(
        downstream.body["errors"][0]["path"],
        json!(["downstream", "administrations"])
    );
    let analyst = world.reader(Analyst);
    let lookback = server
        .gql(
            Some(&analyst.token),
            "query($from: DownstreamFrom!) { lookback(from: $from) { patients { patientId } } }",
            from_donor,
        )
        .await;
    let patient_id = string(&lookback.data()["lookback"]["patients"][0]["patientId"]);
    for reader in [technician, analyst] {
        let refused = chain(server, &reader.token, SubjectKind::Patient, &patient_id)
            .await
            .expect_err("the patient's chain is refused");
        assert_not_readable(&refused, &format!("{:?}", reader.role));
    }

    // The unit's chain shows a technician its custody but none of the entries about the patient
    // (allocation, thaw, bedside check, administration: weight and dose).
    let unit_id = &world.samples[&SubjectKind::Unit];
    let unit_chain = chain(server, &technician.token, SubjectKind::Unit, unit_id)
        .await
        .expect("a technician reads a unit's chain");
    assert!(!unit_chain.is_empty());
    let full_chain: Vec<&Stored> = world
        .entries
        .iter()
        .filter(|entry| {
            entry
                .subjects
                .iter()
                .any(|(kind, id)| kind == "unit" && id == unit_id)
        })
        .collect();
    let patient_side = ["patient", "order", "bedside_check", "administration"];
    assert!(
        full_chain.iter().any(|entry| entry
            .subjects
            .iter()
            .any(|(kind, _)| patient_side.contains(&kind.as_str()))),
        "the unit was allocated, checked and administered"
    );
    for entry in full_chain {
        let about_patient = entry
            .subjects
            .iter()
            .any(|(kind, _)| patient_side.contains(&kind.as_str()));
        assert_eq!(
            unit_chain.contains(&entry.seq),
            !about_patient,
            "entry {} ({:?})",
            entry.seq,
            entry.subjects
        );
    }

    // Clinicians and admins read no donor's screening or eligibility.
    for role in [Clinician, Admin] {
        let refused = chain(
            server,
            &world.reader(role).token,
            SubjectKind::Donor,
            &world.donor_id,
        )
        .await
        .expect_err("the donor's chain is refused");
        assert_not_readable(&refused, &format!("{role:?}"));
    }

    // Nobody but admins and auditors reads another user's logins.
    let other_user = &world.samples[&SubjectKind::User];
    for role in [Technician, Analyst, Qa, Clinician] {
        let refused = chain(
            server,
            &world.reader(role).token,
            SubjectKind::User,
            other_user,
        )
        .await
        .expect_err("another user's chain is refused");
        assert_not_readable(&refused, &format!("{role:?}"));
    }

    // An admin pages the ledger and finds no clinical or donor payload: only users and
    // product codes.
    let admin = world.reader(Admin);
    let response = server
        .gql(
            Some(&admin.token),
            "{ ledgerEntries(first: 500) { nodes { subjects { kind } payload } } }",
            json!({}),
        )
        .await;
    let nodes = response.data()["ledgerEntries"]["nodes"]
        .as_array()
        .expect("nodes")
        .clone();
    assert!(!nodes.is_empty());
    for node in &nodes {
        for subject in node["subjects"].as_array().expect("subjects") {
            assert!(
                ["user", "product"].contains(&subject["kind"].as_str().expect("a kind")),
                "{node}"
            );
        }
    }
    let text = serde_json::to_string(&nodes).expect("JSON");
    for clinical in ["sledai", "weight", "prednisone", "screening", "eligib"] {
        assert!(
            !text.to_lowercase().contains(clinical),
            "{clinical} in {text}"
        );
    }
    world.finish().await;
}

#[tokio::test]
async fn the_ledger_lists_and_looks_up_for_each_role_only_the_entries_it_may_read() {
    let world = World::build().await;
    let server = world.server();
    let size = world.entries.len() as u64;
    for reader in &world.readers {
        let listed = read_all(server, &reader.token, "ledgerEntries", None).await;
        if !LEDGER_READERS.contains(&reader.role) {
            let refused = listed.expect_err("the ledger is refused");
            assert_eq!(refused.error_code(), "FORBIDDEN", "{:?}", reader.role);
            let one = server
                .gql(
                    Some(&reader.token),
                    "{ ledgerEntry(seq: 1) { seq } }",
                    json!({}),
                )
                .await;
            assert_eq!(one.error_code(), "FORBIDDEN", "{:?}", reader.role);
            continue;
        }
        let listed = listed.unwrap_or_else(|refused| panic!("{:?}: {}", reader.role, refused.body));
        let expected: Vec<u64> = world
            .entries
            .iter()
            .filter(|entry| reader.sees(entry))
            .map(|entry| entry.seq)
            .collect();
        assert_eq!(listed, expected, "{:?} pages the ledger", reader.role);

        // Each entry alone: the same ones answer, the others are refused.
        for entry in &world.entries {
            let response = server
                .gql(
                    Some(&reader.token),
                    "query($seq: Int!) { ledgerEntry(seq: $seq) { seq hash } }",
                    json!({ "seq": entry.seq }),
                )
                .await;
            if reader.sees(entry) {
                assert_eq!(
                    response.data()["ledgerEntry"]["seq"],
                    json!(entry.seq),
                    "{:?}",
                    reader.role
                );
            } else {
                assert_not_readable(
                    &response,
                    &format!(
                        "{:?} looking up entry {} ({:?})",
                        reader.role, entry.seq, entry.subjects
                    ),
                );
            }
        }
        let beyond = server
            .gql(
                Some(&reader.token),
                "query($seq: Int!) { ledgerEntry(seq: $seq) { seq } }",
                json!({ "seq": size + 1 }),
            )
            .await;
        assert_eq!(beyond.error_code(), "NOT_FOUND", "{:?}", reader.role);
    }

    // Auditors read every subject kind, so they page the whole ledger, gap-free; QA reads all
    // but other users' records, admins only users' records and product codes.
    let auditor = read_all(server, &world.reader(Auditor).token, "ledgerEntries", None)
        .await
        .expect("auditors read the ledger");
    assert_eq!(auditor, (1..=size).collect::<Vec<_>>());
    world.finish().await;
}

/// A document reading `field(id: $id)` with `selection`, as `token`.
async fn read(server: &TestServer, token: &str, field: &str, id: &str, selection: &str) -> Value {
    server
        .gql(
            Some(token),
            &format!("query($id: UUID!) {{ {field}(id: $id) {{ {selection} }} }}"),
            json!({ "id": id }),
        )
        .await
        .body
}

/// Checks that `body` is exactly `data` and one FORBIDDEN error at `path`.
fn assert_refused_at(body: &Value, data: &Value, path: &Value) {
    assert_eq!(&body["data"], data, "{body}");
    let errors = body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(&errors[0]["path"], path, "{body}");
    assert_eq!(errors[0]["extensions"]["code"], "FORBIDDEN", "{body}");
}

#[tokio::test]
async fn a_refused_field_is_present_as_null_with_its_error() {
    let clinic = Clinic::start().await;
    let server = &clinic.server;
    let donor = clinic
        .fixtures
        .donor(cordtrace_tests::fixtures::Eligibility::Eligible)
        .await;
    let donor_id = donor.donor_id.to_string();
    let patient = clinic.patient("WB5101", None).await;
    let technician = clinic.tech.clone();
    let donor_key =
        string(&read(server, &technician, "donor", &donor_id, "key").await["data"]["donor"]["key"]);

    // Analysts and auditors read donors, not their personal data.
    for token in [&clinic.analyst, &clinic.auditor] {
        let body = read(
            server,
            token,
            "donor",
            &donor_id,
            "key personalData { fullName }",
        )
        .await;
        assert_refused_at(
            &body,
            &json!({ "donor": { "key": donor_key, "personalData": null } }),
            &json!(["donor", "personalData"]),
        );
        let only = read(
            server,
            token,
            "donor",
            &donor_id,
            "personalData { fullName }",
        )
        .await;
        assert_refused_at(
            &only,
            &json!({ "donor": { "personalData": null } }),
            &json!(["donor", "personalData"]),
        );
        let listed = server
            .gql(
                Some(token),
                "{ donors(first: 1) { nodes { personalData { fullName } } } }",
                json!({}),
            )
            .await;
        assert_refused_at(
            &listed.body,
            &json!({ "donors": { "nodes": [{ "personalData": null }] } }),
            &json!(["donors", "nodes", 0, "personalData"]),
        );
    }

    // QA and auditors read patients, not their personal data.
    for token in [&clinic.qa, &clinic.auditor] {
        let body = read(
            server,
            token,
            "patient",
            &patient.id,
            "key personalData { fullName }",
        )
        .await;
        assert_refused_at(
            &body,
            &json!({ "patient": { "key": patient.key, "personalData": null } }),
            &json!(["patient", "personalData"]),
        );
        let only = read(
            server,
            token,
            "patient",
            &patient.id,
            "personalData { fullName }",
        )
        .await;
        assert_refused_at(
            &only,
            &json!({ "patient": { "personalData": null } }),
            &json!(["patient", "personalData"]),
        );
    }

    // Those who may read it get it, and no error.
    let read_donor = read(
        server,
        &clinic.qa,
        "donor",
        &donor_id,
        "personalData { fullName }",
    )
    .await;
    assert!(read_donor["errors"].is_null(), "{read_donor}");
    assert!(read_donor["data"]["donor"]["personalData"]["fullName"].is_string());
    let read_patient = read(
        server,
        &clinic.clinician,
        "patient",
        &patient.id,
        "personalData { fullName }",
    )
    .await;
    assert!(read_patient["errors"].is_null(), "{read_patient}");
    assert!(read_patient["data"]["patient"]["personalData"]["fullName"].is_string());

    // Only a nullable field becomes null: a refused non-null root field leaves `data` null, a
    // refused nullable one is present as null.
    let refused_root = read(server, &clinic.clinician, "donor", &donor_id, "key").await;
    assert_refused_at(&refused_root, &Value::Null, &json!(["donor"]));
    let nullable_root = server
        .gql(
            Some(&clinic.clinician),
            "query($id: UUID!) { lotTesting(lotId: $id) { lotId } }",
            json!({ "id": uuid::Uuid::new_v4() }),
        )
        .await;
    assert_refused_at(
        &nullable_root.body,
        &json!({ "lotTesting": null }),
        &json!(["lotTesting"]),
    );
    clinic.finish().await;
}
