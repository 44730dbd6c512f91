//! What clinical tests need: released drug product lots filled with units of chosen sizes and
//! expiries, patients with wristbands and weights, signed orders, allocation, the custody
//! hand-off to the ward, thaw; the bedside check and administration as a client sends them; and
//! the raw strings a bedside scanner delivers for a unit (ISBT 128 data structures) and a
//! wristband.
//!
//! Everything the clinic does goes through GraphQL over HTTP on the [`TestServer`]; the donors
//! behind the lots are made by the store fixtures ([`Fixtures`]) and the lots by the production
//! and release API, as the release tests do. DINs are under the test FINs, every datum is
//! invented, and every time is relative to now with margins, so the tests do not depend on the
//! time of day.
//!
//! A typical use:
//!
//! ```ignore
//! let clinic = Clinic::start().await;
//! let lot = clinic.released_lot(&[UnitSpec::standard('A')]).await;
//! let patient = clinic.patient("WB1001", Some("75")).await;
//! let order = clinic.ready_unit(&patient, &lot.units[0], ThawAt::MinutesAgo(10)).await;
//! let check = clinic.check(&clinic.clinician, &unit_scans(&lot.units[0]), &patient.wristband).await;
//! ```

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use cordtrace_domain::Role;
use serde_json::{Value, json};

use crate::fixtures::{DonorFixture, Eligibility, Fixtures, production_server};
use crate::release_fixtures::{
    PASSING, PRODUCT_CODE, begin_testing, formulated_lot, import_default, record, release,
    signature,
};
use crate::{GqlResponse, TestServer};

/// The ward units are dispatched to.
pub const WARD: &str = "Invented Haematology Ward 4";

/// The fields of a bedside check result the tests read back.
pub const CHECK_FIELDS: &str = "checkId ok codes reasons { code message } scanErrors \
    facts { unitId din dinWithCheckCharacter productCode productDescription lotId lotCode \
    cells volumeMl expiresAt thawedAt useBy patientId patientKey orderId \
    prescribedDosePerKg weightKg weightMeasuredOn cellsPerKg }";

/// The fields of an administration the tests read back.
pub const ADMINISTRATION_FIELDS: &str = "id unitId lotId patientId patientKey orderId checkId \
    startedAt endedAt volumeMl cells weightKg cellsPerKg reactions administeredBy recordedAt \
    unit { id din dinWithCheckCharacter productCode lotCode }";

/// The fields of an order the tests read back.
pub const ORDER_FIELDS: &str = "id patientId dosePerKg scheduleDays route startsOn orderedBy \
    status active administrationIds allocations { unitId thawedAt useBy unit { din productCode } }";

/// The fields of a patient the tests read back (personal data excluded: see
/// [`PERSONAL_FIELDS`]).
pub const PATIENT_FIELDS: &str =
    "id key registeredAt weights { kilograms measuredOn } latestWeight { kilograms measuredOn }";

/// The personal data fields (clinicians only).
pub const PERSONAL_FIELDS: &str =
    "personalData { fullName dateOfBirth hospitalRecordNumber wristbandId redactedAt }";

/// One unit to fill: its division, cells, volume and expiry.
#[derive(Clone, Debug)]
pub struct UnitSpec {
    /// The division letter: the unit's product code is [`PRODUCT_CODE`] `V` letter `0`.
    pub division: char,
    /// Viable cells.
    pub cells: u64,
    /// Volume, mL, as a decimal.
    pub volume_ml: String,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
}

impl UnitSpec {
    /// A 50 mL bag of 75 x 10^6 cells (1 x 10^6 cells/kg for 75 kg) expiring in a year.
    pub fn standard(division: char) -> Self {
        Self {
            division,
            cells: 75_000_000,
            volume_ml: "50".to_owned(),
            expires_at: Utc::now() + Duration::days(365),
        }
    }

    /// A standard unit that expired yesterday (it can be filled and released, never allocated).
    pub fn expired(division: char) -> Self {
        Self {
            expires_at: Utc::now() - Duration::days(1),
            ..Self::standard(division)
        }
    }

    /// The product code it gets.
    pub fn product_code(&self) -> String {
        format!("{PRODUCT_CODE}V{}0", self.division)
    }
}

/// A unit as filled, with what its label carries.
#[derive(Clone, Debug)]
pub struct LabelledUnit {
    /// Identity.
    pub id: String,
    /// The 13-character DIN.
    pub din: String,
    /// The keyboard check character of the DIN.
    pub check_character: char,
    /// The product code.
    pub product_code: String,
    /// Viable cells.
    pub cells: u64,
    /// Volume, mL.
    pub volume_ml: String,
    /// The recorded expiry.
    pub expires_at: DateTime<Utc>,
}

impl LabelledUnit {
    /// The DIN followed by its check character, as printed eye-readable.
    pub fn eye_readable(&self) -> String {
        format!("{}{}", self.din, self.check_character)
    }
}

/// A drug product lot and its units.
#[derive(Clone, Debug)]
pub struct ClinicalLot {
    /// The lot.
    pub lot_id: String,
    /// Its code.
    pub lot_code: String,
    /// Its donor.
    pub donor: DonorFixture,
    /// Its units, in the order specified.
    pub units: Vec<LabelledUnit>,
}

/// A registered patient.
#[derive(Clone, Debug)]
pub struct PatientFixture {
    /// Identity.
    pub id: String,
    /// The opaque key.
    pub key: String,
    /// The plain wristband id (uppercase letters and digits, so it also reads as `&#`).
    pub wristband: String,
}

impl PatientFixture {
    /// The wristband as an ISBT 128 patient identification scan (`&#`).
    pub fn wristband_scan(&self) -> String {
        wristband_scan(&self.wristband)
    }
}

/// When a unit was thawed, relative to now.
#[derive(Clone, Copy, Debug)]
pub enum ThawAt {
    /// Not thawed.
    Never,
    /// That many minutes ago.
    MinutesAgo(i64),
}

/// A server with the people of a clinic and of the lab behind it.
pub struct Clinic {
    /// The server (its installation FIN is the fixtures' pool FIN).
    pub server: TestServer,
    /// A writer acting as fixture users, for donors.
    pub fixtures: Fixtures,
    /// A technician (`tech.one`): records the steps and dispatches units to the ward.
    pub tech: String,
    /// An analyst (`analyst.one`).
    pub analyst: String,
    /// A QA user (`qa.one`): releases, holds.
    pub qa: String,
    /// A clinician (`clin.one`): registers, orders, checks, administers.
    pub clinician: String,
    /// A second clinician (`clin.two`).
    pub clinician2: String,
    /// An auditor.
    pub auditor: String,
}

/// A signature of `meaning` with the test password.
pub fn signed(meaning: &str) -> Value {
    signature(meaning)
}

/// A signature with a wrong password.
pub fn wrong_password(meaning: &str) -> Value {
    json!({ "password": "not the password at all", "meaning": meaning })
}

impl Clinic {
    /// A clinic on a fresh server with the default settings, the default specification
    /// imported.
    pub async fn start() -> Self {
        Self::on(production_server().await).await
    }

    /// A clinic on `server` (made with [`production_server`] or with the fixtures' pool FIN).
    pub async fn on(server: TestServer) -> Self {
        let fixtures = Fixtures::open(&server).await;
        fixtures.product(PRODUCT_CODE).await;
        let tech = server.user_token("tech.one", &[Role::Technician]).await;
        let analyst = server.user_token("analyst.one", &[Role::Analyst]).await;
        let qa = server.user_token("qa.one", &[Role::Qa]).await;
        let clinician = server.user_token("clin.one", &[Role::Clinician]).await;
        let clinician2 = server.user_token("clin.two", &[Role::Clinician]).await;
        let auditor = server.user_token("auditor.one", &[Role::Auditor]).await;
        import_default(&server, &qa).await.data();
        Self {
            server,
            fixtures,
            tech,
            analyst,
            qa,
            clinician,
            clinician2,
            auditor,
        }
    }

    /// A drug product lot of a new eligible donor, filled with `units` (cryopreserved 30 days
    /// ago, so thaws may be dated hours back) and completed to QUARANTINE.
    pub async fn quarantined_lot(&self, units: &[UnitSpec]) -> ClinicalLot {
        let donor = self.fixtures.donor(Eligibility::Eligible).await;
        let (_, lot_id) = formulated_lot(&self.server, &self.tech, &donor).await;
        let fill = units
            .iter()
            .enumerate()
            .map(|(index, spec)| {
                json!({
                    "productCode": spec.product_code(),
                    "container": "BAG",
                    "volumeMl": spec.volume_ml,
                    "cells": spec.cells,
                    "expiresAt": spec.expires_at.to_rfc3339(),
                    "location": {
                        "site": "Invented Cell Therapy Facility",
                        "freezer": "LN2-01",
                        "rack": "R01",
                        "box": "B01",
                        "position": format!("P{:02}", index + 1),
                    },
                })
            })
            .collect::<Vec<_>>();
        let filled = self
            .server
            .gql(
                Some(&self.tech),
                "mutation($input: FillUnitsInput!) { fillUnits(input: $input) { din \
                 units { id din dinCheckCharacter productCode cells volumeMl expiresAt } } }",
                json!({ "input": {
                    "lotId": lot_id,
                    "cryopreservedAt": (Utc::now() - Duration::days(30)).to_rfc3339(),
                    "units": fill,
                } }),
            )
            .await;
        let units = filled.data()["fillUnits"]["units"]
            .as_array()
            .expect("units")
            .iter()
            .map(labelled_unit)
            .collect();
        let completed = self
            .server
            .gql(
                Some(&self.tech),
                "mutation($id: UUID!) { completeLot(lotId: $id) { code status } }",
                json!({ "id": lot_id }),
            )
            .await;
        let lot = &completed.data()["completeLot"];
        assert_eq!(lot["status"], "QUARANTINE", "{}", completed.body);
        ClinicalLot {
            lot_id,
            lot_code: string(&lot["code"]),
            donor,
            units,
        }
    }

    /// Tests `lot` (every result passing) and releases it, signed by QA.
    pub async fn release(&self, lot: &ClinicalLot) {
        begin_testing(&self.server, &self.analyst, &lot.lot_id)
            .await
            .data();
        for (code, value, unit) in PASSING {
            record(&self.server, &self.analyst, &lot.lot_id, code, value, unit)
                .await
                .data();
        }
        let released = release(&self.server, &self.qa, &lot.lot_id, signature("APPROVAL")).await;
        assert_eq!(
            released.data()["releaseLot"]["decision"],
            "RELEASE",
            "{}",
            released.body
        );
    }

    /// A RELEASED drug product lot of a new eligible donor, filled with `units`.
    pub async fn released_lot(&self, units: &[UnitSpec]) -> ClinicalLot {
        let lot = self.quarantined_lot(units).await;
        self.release(&lot).await;
        lot
    }

    /// Registers a patient with an invented name and `wristband` as the plain wristband id,
    /// weighed today at `kilograms` when given.
    pub async fn patient(&self, wristband: &str, kilograms: Option<&str>) -> PatientFixture {
        let response = self.try_register(&personal_data(wristband)).await;
        let registered = &response.data()["registerPatient"];
        let patient = PatientFixture {
            id: string(&registered["id"]),
            key: string(&registered["key"]),
            wristband: wristband.to_owned(),
        };
        if let Some(kilograms) = kilograms {
            self.weigh(&patient.id, kilograms, 0).await.data();
        }
        patient
    }

    /// `registerPatient` with `personal_data` as the clinician.
    pub async fn try_register(&self, personal_data: &Value) -> GqlResponse {
        let query = format!(
            "mutation($p: PatientPersonalDataInput!) {{ registerPatient(personalData: $p) \
             {{ {PATIENT_FIELDS} {PERSONAL_FIELDS} }} }}"
        );
        self.server
            .gql(Some(&self.clinician), &query, json!({ "p": personal_data }))
            .await
    }

    /// `recordWeight` of `kilograms` measured `days_ago` days before today (UTC).
    pub async fn weigh(&self, patient_id: &str, kilograms: &str, days_ago: i64) -> GqlResponse {
        let measured_on = (Utc::now() - Duration::days(days_ago)).date_naive();
        let query = format!(
            "mutation($id: UUID!, $kg: String!, $on: NaiveDate!) {{ recordWeight(patientId: $id, \
             kilograms: $kg, measuredOn: $on) {{ {PATIENT_FIELDS} }} }}"
        );
        self.server
            .gql(
                Some(&self.clinician),
                &query,
                json!({ "id": patient_id, "kg": kilograms, "on": measured_on }),
            )
            .await
    }

    /// `placeOrder` of `order` (an `OrderInput`) as the clinician, signed with `signature`.
    pub async fn try_order(&self, order: Value, signature: Value) -> GqlResponse {
        let query = format!(
            "mutation($o: OrderInput!, $s: SignatureInput!) {{ placeOrder(order: $o, \
             signature: $s) {{ {ORDER_FIELDS} }} }}"
        );
        self.server
            .gql(
                Some(&self.clinician),
                &query,
                json!({ "o": order, "s": signature }),
            )
            .await
    }

    /// Signs an order (meaning AUTHORSHIP) for `patient_id` of `dose_per_kg` (the default
    /// 1 x 10^6 when `None`) on `schedule_days` (the default `[0]` when empty), starting
    /// today; returns its id.
    pub async fn order(
        &self,
        patient_id: &str,
        dose_per_kg: Option<u64>,
        schedule_days: &[u16],
    ) -> String {
        let mut order = json!({
            "patientId": patient_id,
            "startsOn": Utc::now().date_naive(),
        });
        if let Some(dose) = dose_per_kg {
            order["dosePerKg"] = json!(dose);
        }
        if !schedule_days.is_empty() {
            order["scheduleDays"] = json!(schedule_days);
        }
        let response = self.try_order(order, signed("AUTHORSHIP")).await;
        string(&response.data()["placeOrder"]["id"])
    }

    /// `allocateUnit` as `token`.
    pub async fn try_allocate(&self, token: &str, order_id: &str, unit_id: &str) -> GqlResponse {
        let query = format!(
            "mutation($o: UUID!, $u: UUID!) {{ allocateUnit(orderId: $o, unitId: $u) \
             {{ {ORDER_FIELDS} }} }}"
        );
        self.server
            .gql(Some(token), &query, json!({ "o": order_id, "u": unit_id }))
            .await
    }

    /// Allocates `unit_id` to `order_id` as the technician.
    pub async fn allocate(&self, order_id: &str, unit_id: &str) {
        self.try_allocate(&self.tech, order_id, unit_id)
            .await
            .data();
    }

    /// The technician dispatches `unit_id` to [`WARD`] and the clinician receives it there at
    /// -150 °C, intact: the custody hand-off to the ward.
    pub async fn deliver_to_ward(&self, unit_id: &str) {
        let dispatched = self
            .server
            .gql(
                Some(&self.tech),
                "mutation($u: UUID!, $d: String!) { dispatchUnit(unitId: $u, destination: $d, \
                 receiver: \"clin.one\") { custody { state destination } } }",
                json!({ "u": unit_id, "d": WARD }),
            )
            .await;
        assert_eq!(
            dispatched.data()["dispatchUnit"]["custody"]["state"],
            "IN_TRANSIT"
        );
        let received = self
            .server
            .gql(
                Some(&self.clinician),
                "mutation($u: UUID!) { receiveUnit(unitId: $u, temperatureCelsius: \"-150\", \
                 condition: INTACT) { custody { state destination } } }",
                json!({ "u": unit_id }),
            )
            .await;
        let custody = &received.data()["receiveUnit"]["custody"];
        assert_eq!(custody["state"], "RECEIVED");
        assert_eq!(custody["destination"], WARD);
    }

    /// `thawUnit` of `unit_id` at `thawed_at` as `token`.
    pub async fn try_thaw(
        &self,
        token: &str,
        unit_id: &str,
        thawed_at: DateTime<Utc>,
    ) -> GqlResponse {
        let query = format!(
            "mutation($u: UUID!, $t: DateTime!) {{ thawUnit(unitId: $u, thawedAt: $t) \
             {{ {ORDER_FIELDS} }} }}"
        );
        self.server
            .gql(
                Some(token),
                &query,
                json!({ "u": unit_id, "t": thawed_at.to_rfc3339() }),
            )
            .await
    }

    /// Records that the clinician thawed `unit_id` `minutes_ago` minutes ago.
    pub async fn thaw(&self, unit_id: &str, minutes_ago: i64) {
        self.try_thaw(
            &self.clinician,
            unit_id,
            Utc::now() - Duration::minutes(minutes_ago),
        )
        .await
        .data();
    }

    /// Makes `unit` ready at the bedside for `patient`: an order at the standard dose on day 0
    /// and 7 (so a second unit may follow), allocation, delivery to the ward and thaw as
    /// `thaw` says. Returns the order.
    pub async fn ready_unit(
        &self,
        patient: &PatientFixture,
        unit: &LabelledUnit,
        thaw: ThawAt,
    ) -> String {
        let order_id = self.order(&patient.id, None, &[0, 7]).await;
        self.ready_for_order(&order_id, unit, thaw).await;
        order_id
    }

    /// Allocates `unit` to `order_id`, delivers it to the ward and thaws it as `thaw` says.
    pub async fn ready_for_order(&self, order_id: &str, unit: &LabelledUnit, thaw: ThawAt) {
        self.allocate(order_id, &unit.id).await;
        self.deliver_to_ward(&unit.id).await;
        if let ThawAt::MinutesAgo(minutes) = thaw {
            self.thaw(&unit.id, minutes).await;
        }
    }

    /// `bedsideCheck` of `unit_scans` against `patient_scan` as `token`.
    pub async fn try_check(
        &self,
        token: &str,
        unit_scans: &[String],
        patient_scan: &str,
    ) -> GqlResponse {
        let query = format!(
            "mutation($u: [String!]!, $p: String!) {{ bedsideCheck(unitScans: $u, \
             patientScan: $p) {{ {CHECK_FIELDS} }} }}"
        );
        self.server
            .gql(
                Some(token),
                &query,
                json!({ "u": unit_scans, "p": patient_scan }),
            )
            .await
    }

    /// A bedside check as `token` (it is answered, accepted or refused); returns the result.
    pub async fn check(&self, token: &str, unit_scans: &[String], patient_scan: &str) -> Value {
        self.try_check(token, unit_scans, patient_scan).await.data()["bedsideCheck"].clone()
    }

    /// A check of `unit` with every label structure against `patient`'s plain wristband,
    /// as `token`, that must pass; returns the result.
    pub async fn accepted_check(
        &self,
        token: &str,
        unit: &LabelledUnit,
        patient: &PatientFixture,
    ) -> Value {
        let check = self
            .check(token, &unit_scans(unit), &patient.wristband)
            .await;
        assert_eq!(check["ok"], true, "{check}");
        check
    }

    /// `administerUnit` of `administration` (an `AdministrationInput`) as `token`, signed with
    /// `signature`.
    pub async fn try_administer(
        &self,
        token: &str,
        administration: Value,
        signature: Value,
    ) -> GqlResponse {
        let query = format!(
            "mutation($a: AdministrationInput!, $s: SignatureInput!) {{ administerUnit(\
             administration: $a, signature: $s) {{ {ADMINISTRATION_FIELDS} }} }}"
        );
        self.server
            .gql(
                Some(token),
                &query,
                json!({ "a": administration, "s": signature }),
            )
            .await
    }

    /// Administers the whole of `unit` to `patient` as `token`, signed with meaning
    /// RESPONSIBILITY (see [`administration_input`]; the unit's latest check must be an accepted
    /// one, made within the window); returns the administration.
    pub async fn administer(
        &self,
        token: &str,
        unit: &LabelledUnit,
        patient: &PatientFixture,
    ) -> Value {
        let response = self
            .try_administer(
                token,
                administration_input(unit, patient),
                signed("RESPONSIBILITY"),
            )
            .await;
        response.data()["administerUnit"].clone()
    }

    /// The status of unit `unit_id`, read by QA.
    pub async fn unit_status(&self, unit_id: &str) -> String {
        let response = self
            .server
            .gql(
                Some(&self.qa),
                "query($id: UUID!) { unit(id: $id) { status } }",
                json!({ "id": unit_id }),
            )
            .await;
        string(&response.data()["unit"]["status"])
    }

    /// QA holds lot `lot_id`, or lifts its hold.
    pub async fn hold(&self, lot_id: &str, held: bool) {
        let (query, field, status) = if held {
            (
                "mutation($id: UUID!) { holdLot(lotId: $id, reason: \"invented deviation\") \
                 { status } }",
                "holdLot",
                "ON_HOLD",
            )
        } else {
            (
                "mutation($id: UUID!) { liftLotHold(lotId: $id, reason: \"deviation closed\") \
                 { status } }",
                "liftLotHold",
                "RELEASED",
            )
        };
        let response = self
            .server
            .gql(Some(&self.qa), query, json!({ "id": lot_id }))
            .await;
        assert_eq!(
            response.data()[field]["status"],
            status,
            "{}",
            response.body
        );
    }

    /// An order read back by `token`.
    pub async fn read_order(&self, token: &str, order_id: &str) -> Value {
        let query = format!("query($id: UUID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}");
        let response = self
            .server
            .gql(Some(token), &query, json!({ "id": order_id }))
            .await;
        response.data()["order"].clone()
    }

    /// The action of the latest ledger entry, read in the database.
    pub async fn last_action(&self) -> String {
        use sea_orm::{ConnectionTrait, Statement};
        let db = self.server.raw_database().await;
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT action FROM ledger_entry ORDER BY seq DESC LIMIT 1",
            ))
            .await
            .expect("the ledger reads")
            .expect("an entry");
        let action: String = row.try_get("", "action").expect("an action");
        db.close().await.expect("the database closes");
        action
    }

    /// The latest ledger entry's body as JSON (its canonical form: `action`, `subjects`,
    /// `payload`, `signature`, ...).
    pub async fn last_entry(&self) -> Value {
        let database = self.server.store_database().await;
        let size = u64::try_from(self.server.ledger_entry_count().await).expect("a size");
        let entries =
            cordtrace_store::ledger::read::entries_after(&database, size.saturating_sub(1), 1)
                .await
                .expect("the ledger reads");
        database.close().await.expect("the database closes");
        let entry = entries.last().expect("an entry");
        serde_json::from_slice(&entry.body().canonical_bytes()).expect("canonical JSON")
    }

    /// Every ledger entry's canonical text, for looking for what must never be there.
    pub async fn ledger_text(&self) -> String {
        let database = self.server.store_database().await;
        let entries = crate::all_entries(&database).await;
        database.close().await.expect("the database closes");
        entries
            .iter()
            .map(|entry| String::from_utf8_lossy(&entry.body().canonical_bytes()).into_owned())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Closes the fixture writer, stops the server and drops its database.
    pub async fn finish(self) {
        self.fixtures.close().await;
        self.server.finish().await;
    }
}

/// Invented personal data with `wristband` as the wristband id.
pub fn personal_data(wristband: &str) -> Value {
    json!({
        "fullName": format!("Invented Patient {wristband}"),
        "dateOfBirth": "1984-05-17",
        "hospitalRecordNumber": format!("TEST-HRN-{wristband}"),
        "wristbandId": wristband,
    })
}

/// An `AdministrationInput` of the whole of `unit` to `patient`, started and ended now (after
/// the check just made), without reactions.
pub fn administration_input(unit: &LabelledUnit, patient: &PatientFixture) -> Value {
    let now = Utc::now().to_rfc3339();
    json!({
        "unitId": unit.id,
        "patientId": patient.id,
        "startedAt": now,
        "endedAt": now,
        "volumeMl": unit.volume_ml,
        "cells": unit.cells,
        "reactions": [],
    })
}

fn string(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
        .to_owned()
}

fn labelled_unit(unit: &Value) -> LabelledUnit {
    LabelledUnit {
        id: string(&unit["id"]),
        din: string(&unit["din"]),
        check_character: string(&unit["dinCheckCharacter"])
            .chars()
            .next()
            .expect("a check character"),
        product_code: string(&unit["productCode"]),
        cells: unit["cells"].as_u64().expect("a cell count"),
        volume_ml: string(&unit["volumeMl"]),
        expires_at: DateTime::parse_from_rfc3339(&string(&unit["expiresAt"]))
            .expect("an RFC 3339 expiry")
            .with_timezone(&Utc),
    }
}

// --- Scanner strings -------------------------------------------------------------------------

/// The ISO/IEC 7064 MOD 37-2 alphabet: a check character's position is its check value.
const MOD37_ALPHABET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";

/// Data structure 001: `=`, the DIN, two flag characters (e.g. `00`, `01`, `06`).
pub fn din_scan(din: &str, flag: &str) -> String {
    format!("={din}{flag}")
}

/// Data structure 001 with the "type 3" flag: 60 plus the DIN's check value.
pub fn din_scan_type3(unit: &LabelledUnit) -> String {
    let value = MOD37_ALPHABET
        .find(unit.check_character)
        .expect("a MOD 37-2 check character");
    din_scan(&unit.din, &(60 + value).to_string())
}

/// Data structure 003: `=<` and the product code.
pub fn product_code_scan(product_code: &str) -> String {
    format!("=<{product_code}")
}

/// `cyyjjj`: century digit, year, day of the year.
fn label_date(at: DateTime<Utc>) -> String {
    let years = at.year() - 2000;
    format!("{}{:02}{:03}", years / 100, years % 100, at.ordinal())
}

/// Data structure 004: `=>cyyjjj`, the expiry date (UTC, the default facility time zone).
pub fn expiry_date_scan(at: DateTime<Utc>) -> String {
    format!("=>{}", label_date(at))
}

/// Data structure 005: `&>cyyjjjhhmm`, the expiry date and time (UTC).
pub fn expiry_scan(at: DateTime<Utc>) -> String {
    format!("&>{}{:02}{:02}", label_date(at), at.hour(), at.minute())
}

/// A compound message (`=+aabbb`): `structures` concatenated after a header announcing
/// their number (reference `000`: no ICCBBA-defined sequence).
pub fn compound_scan(structures: &[String]) -> String {
    format!("=+{:02}000{}", structures.len(), structures.concat())
}

/// What a scanner reads from `unit`'s bag, one structure per scan: the DIN (flag `00`), the
/// product code and the expiry date and time.
pub fn unit_scans(unit: &LabelledUnit) -> Vec<String> {
    vec![
        din_scan(&unit.din, "00"),
        product_code_scan(&unit.product_code),
        expiry_scan(unit.expires_at),
    ]
}

/// Data structure 025: `&#`, location code `00`, the two-digit length and the patient number
/// (1 to 99 of 0-9 and A-Z).
pub fn wristband_scan(number: &str) -> String {
    format!("&#00{:02}{number}", number.len())
}
