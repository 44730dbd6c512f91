//! What production tests need before their first step: donors with consent, screening and a
//! received donation; material lots; equipment; product codes. Made directly through the store's
//! commands on the test database (as `TestServer::add_user` does), acting as fixture users, so the
//! production tests do not depend on the donor and material API.
//!
//! DINs are assigned under the test FIN [`DONATION_FIN`]; every datum is invented.

use chrono::{Duration, NaiveDate, Utc};
use cordtrace_domain::identity::PrintedName;
use cordtrace_domain::ids::{
    DonationId, DonorId, EquipmentId, MaterialLotId, ScreeningTestId, UserId,
};
use cordtrace_domain::isbt128::{Din, Fin};
use cordtrace_domain::manufacturing::commands::donations::ReceiptInput;
use cordtrace_domain::manufacturing::commands::donors::screening_test;
use cordtrace_domain::manufacturing::{
    ArrivalCondition, Consent, EligibilityStatus, MaterialQcStatus, ScreeningPolicy,
    ScreeningResult,
};
use cordtrace_domain::signature::{Meaning, Signature};
use cordtrace_domain::values::{Celsius, Label, Narrative, ZonedTime};
use cordtrace_domain::{Actor, Role, Timestamp};
use cordtrace_store::commands::manufacturing::donations::{
    DinEntry, ReceiveDonation, RegisterDonation,
};
use cordtrace_store::commands::manufacturing::donors::{
    DetermineEligibility, RecordConsent, RecordScreening, RegisterDonor, WithdrawConsent,
};
use cordtrace_store::commands::manufacturing::materials::{
    DefineProduct, RegisterEquipment, RegisterMaterialLot, SetMaterialQc,
};
use cordtrace_store::executor::Command;
use cordtrace_store::side_write::DonorPersonalData;
use cordtrace_store::{Database, Executor};
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::TestServer;

/// The test FIN donations are registered under.
pub const DONATION_FIN: &str = "A9990";
/// The test FIN the server assigns pool DINs under (set it with [`production_server`]).
pub const POOL_FIN: &str = "A9991";

/// A test server whose installation FIN is [`POOL_FIN`], so multi-donation lots get pool DINs.
pub async fn production_server() -> TestServer {
    TestServer::start_with(|settings| settings.fin = Some(POOL_FIN.to_owned())).await
}

/// Where a fixture donor stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eligibility {
    /// Determined ELIGIBLE, signed by QA.
    Eligible,
    /// Not determined yet.
    Pending,
}

/// A donor and her received donation.
#[derive(Clone, Copy, Debug)]
pub struct DonorFixture {
    /// The donor.
    pub donor_id: DonorId,
    /// Her cord donation, received at the lab.
    pub donation_id: DonationId,
    /// The donation's DIN.
    pub din: Din,
}

/// A writer on the test database acting as fixture users of each role it needs.
pub struct Fixtures {
    database: Database,
    executor: Executor,
    writer: JoinHandle<()>,
    technician: Actor,
    qa: Actor,
    admin: Actor,
    qa_name: PrintedName,
    screening: ScreeningPolicy,
}

fn label(text: &str) -> Label {
    Label::parse(text, "label").expect("a valid fixture label")
}

fn user_actor(user_id: UserId, role: Role) -> Actor {
    Actor::User { user_id, role }
}

impl Fixtures {
    /// Registers the fixture users (`fixture.tech`, `fixture.qa`, `fixture.admin`) on `server`
    /// and opens a writer on its database.
    pub async fn open(server: &TestServer) -> Self {
        let technician = server.add_user("fixture.tech", &[Role::Technician]).await;
        let qa = server.add_user("fixture.qa", &[Role::Qa]).await;
        let admin = server.add_user("fixture.admin", &[Role::Admin]).await;
        let database = Database::connect(&server.settings.database_url())
            .await
            .expect("the database opens");
        let (executor, writer) = Executor::start(database.clone());
        Self {
            database,
            executor,
            writer,
            technician: user_actor(technician, Role::Technician),
            qa: user_actor(qa, Role::Qa),
            admin: user_actor(admin, Role::Admin),
            qa_name: PrintedName::parse("Test fixture.qa").expect("a valid printed name"),
            screening: ScreeningPolicy::default(),
        }
    }

    async fn run<C: Command>(&self, actor: Actor, command: C) -> C::Output {
        self.executor
            .execute(actor, command)
            .await
            .unwrap_or_else(|error| panic!("fixture command {} failed: {error:?}", C::NAME))
            .output
    }

    /// A donor with therapy consent, the full non-reactive screening panel and a cord donation
    /// collected 30 hours ago and received 6 hours later; determined ELIGIBLE if asked.
    pub async fn donor(&self, eligibility: Eligibility) -> DonorFixture {
        let donor_id = DonorId::from_uuid(Uuid::now_v7());
        let collected = Utc::now() - Duration::hours(30);
        self.run(
            self.technician,
            RegisterDonor {
                donor_id,
                personal: DonorPersonalData {
                    full_name: label("Invented Test Mother"),
                    date_of_birth: NaiveDate::from_ymd_opt(1991, 3, 14),
                    hospital_record_number: Some(label("TEST-MRN-0001")),
                    contact: None,
                },
            },
        )
        .await;
        self.run(
            self.technician,
            RecordConsent {
                donor_id,
                consent: Consent {
                    form_id: label("UC-CONSENT-TEST"),
                    form_version: label("1.0"),
                    signed_on: (collected - Duration::days(20)).date_naive(),
                    therapy: true,
                    research: false,
                    withdrawal: None,
                },
            },
        )
        .await;
        let donation_id = DonationId::from_uuid(Uuid::now_v7());
        let din = self
            .run(
                self.technician,
                RegisterDonation {
                    donation_id,
                    donor_id,
                    din: DinEntry::Assign,
                    fin: Some(Fin::parse(DONATION_FIN).expect("a test FIN")),
                    collected_at: ZonedTime::parse(&collected.to_rfc3339())
                        .expect("an RFC 3339 time"),
                    site: label("Invented Maternity Ward"),
                },
            )
            .await;
        for rule in &self.screening.markers {
            self.run(
                self.technician,
                RecordScreening {
                    donor_id,
                    test: screening_test(
                        ScreeningTestId::from_uuid(Uuid::now_v7()),
                        label(&rule.name),
                        label("CMIA (test)"),
                        ScreeningResult::NonReactive,
                        collected.date_naive(),
                    ),
                    policy: self.screening.clone(),
                },
            )
            .await;
        }
        self.run(
            self.technician,
            ReceiveDonation {
                input: ReceiptInput {
                    donation_id,
                    received_at: Timestamp::from_datetime(collected + Duration::hours(6)),
                    transport_temperature: Celsius::parse("4.0").expect("a temperature"),
                    condition: ArrivalCondition::Intact,
                },
                max_transit_hours: 48,
            },
        )
        .await;
        if eligibility == Eligibility::Eligible {
            self.determine(donor_id, EligibilityStatus::Eligible).await;
        }
        DonorFixture {
            donor_id,
            donation_id,
            din,
        }
    }

    /// The fixture QA's signature, with the meaning APPROVAL, made now.
    fn qa_signature(&self) -> Signature {
        let Actor::User { user_id, .. } = self.qa else {
            panic!("the fixture QA is a user")
        };
        Signature {
            signer_id: user_id,
            printed_name: self.qa_name.clone(),
            signed_at: Timestamp::from_datetime(Utc::now()),
            meaning: Meaning::Approval,
        }
    }

    /// QA determines `donor_id` ELIGIBLE or INELIGIBLE (with a reason), signed.
    pub async fn determine(&self, donor_id: DonorId, status: EligibilityStatus) {
        let reasons = match status {
            EligibilityStatus::Eligible => Vec::new(),
            EligibilityStatus::Ineligible => vec![label("invented reactive result")],
        };
        self.run(
            self.qa,
            DetermineEligibility {
                donor_id,
                status,
                reasons,
                policy: self.screening.clone(),
                signature: self.qa_signature(),
            },
        )
        .await;
    }

    /// The donor withdraws consent today.
    pub async fn withdraw_consent(&self, donor_id: DonorId) {
        self.run(
            self.qa,
            WithdrawConsent {
                donor_id,
                withdrawn_on: Utc::now().date_naive(),
                reason: Narrative::parse("invented withdrawal for a test", "reason")
                    .expect("a valid reason"),
            },
        )
        .await;
    }

    /// A material lot expiring on `expires_on`, left in QUARANTINE or moved to `qc_status`.
    pub async fn material_lot(
        &self,
        material: &str,
        qc_status: MaterialQcStatus,
        expires_on: NaiveDate,
    ) -> MaterialLotId {
        let material_lot_id = MaterialLotId::from_uuid(Uuid::now_v7());
        self.run(
            self.technician,
            RegisterMaterialLot {
                material_lot_id,
                material: label(material),
                supplier: label("Invented Supplies Ltd"),
                supplier_lot: label(&format!("LOT-{}", &material_lot_id.to_string()[..8])),
                expires_on,
            },
        )
        .await;
        if qc_status != MaterialQcStatus::Quarantine {
            self.run(
                self.qa,
                SetMaterialQc {
                    material_lot_id,
                    status: qc_status,
                    signature: self.qa_signature(),
                },
            )
            .await;
        }
        material_lot_id
    }

    /// A released material lot expiring in a year.
    pub async fn released_material(&self, material: &str) -> MaterialLotId {
        let expires_on = (Utc::now() + Duration::days(365)).date_naive();
        self.material_lot(material, MaterialQcStatus::Released, expires_on)
            .await
    }

    /// Equipment whose calibration is due on `calibration_due`.
    pub async fn equipment(&self, asset_tag: &str, calibration_due: NaiveDate) -> EquipmentId {
        let equipment_id = EquipmentId::from_uuid(Uuid::now_v7());
        self.run(
            self.technician,
            RegisterEquipment {
                equipment_id,
                asset_tag: label(asset_tag),
                kind: label("biosafety cabinet"),
                calibration_due,
            },
        )
        .await;
        equipment_id
    }

    /// Equipment calibrated until a year from now.
    pub async fn calibrated_equipment(&self, asset_tag: &str) -> EquipmentId {
        self.equipment(asset_tag, (Utc::now() + Duration::days(365)).date_naive())
            .await
    }

    /// Defines the product description code `code` (`αoooo`).
    pub async fn product(&self, code: &str) {
        self.run(
            self.admin,
            DefineProduct {
                code: code.to_owned(),
                description: label("UC-MSC drug product, cryopreserved (test)"),
            },
        )
        .await;
    }

    /// Stops the writer and closes the connection.
    pub async fn close(self) {
        drop(self.executor);
        self.writer.await.expect("the fixture writer stops");
        self.database
            .close()
            .await
            .expect("the fixture database closes");
    }
}

/// Entries in the ledger now; a refused command must leave it unchanged.
pub async fn ledger_size(server: &TestServer) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = server.raw_database().await;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM ledger_entry",
        ))
        .await
        .expect("the ledger counts")
        .expect("a count");
    let size: i64 = row.try_get("", "n").expect("an integer count");
    db.close().await.expect("the database closes");
    size
}

/// Asserts that `response` is an error with `extensions.code` `code` whose reasons include
/// `reason` (when given).
pub fn assert_refused(response: &crate::GqlResponse, code: &str, reason: Option<&str>) {
    assert_eq!(response.error_code(), code, "{}", response.body);
    if let Some(reason) = reason {
        assert!(
            response.reason_codes().iter().any(|r| r == reason),
            "expected reason {reason}: {}",
            response.body
        );
    }
}

/// The fields of a step the production tests read back.
pub const STEP_FIELDS: &str = "id kind sopId operator { printedName } startedAt endedAt \
    inputs { id code kind status } outputs { id code kind status } \
    measurements { kind value unit } equipment { id assetTag } materialLots { id material } \
    donation { din dinCheckCharacter }";

/// A technician at the bench: records steps through the API with the same SOP, times,
/// equipment and material lots unless a test says otherwise.
pub struct Bench<'a> {
    /// The server.
    pub server: &'a TestServer,
    /// The technician's token.
    pub token: String,
    /// Equipment every step uses.
    pub equipment: Vec<String>,
    /// Material lots every step uses.
    pub materials: Vec<String>,
}

impl Bench<'_> {
    /// A `RecordStepInput` for `kind` taking `inputs` and making lots of `outputs` kinds
    /// (CELL_BANK outputs are MASTER banks), started two hours ago and ended one hour ago.
    pub fn input(&self, kind: &str, inputs: &[&str], outputs: &[&str]) -> serde_json::Value {
        let started = Utc::now() - Duration::hours(2);
        serde_json::json!({
            "kind": kind,
            "sopId": format!("SOP-{kind}"),
            "sopVersion": "3",
            "startedAt": started.to_rfc3339(),
            "endedAt": (started + Duration::hours(1)).to_rfc3339(),
            "inputLotIds": inputs,
            "outputs": outputs
                .iter()
                .map(|kind| {
                    let level = (*kind == "CELL_BANK").then_some("MASTER");
                    serde_json::json!({ "kind": kind, "bankLevel": level })
                })
                .collect::<Vec<_>>(),
            "equipmentIds": self.equipment,
            "materialLotIds": self.materials,
        })
    }

    /// Sends `recordStep` with `input`.
    pub async fn try_step(&self, input: serde_json::Value) -> crate::GqlResponse {
        let query = format!(
            "mutation($input: RecordStepInput!) {{ recordStep(input: $input) {{ {STEP_FIELDS} }} }}"
        );
        self.server
            .gql(
                Some(&self.token),
                &query,
                serde_json::json!({ "input": input }),
            )
            .await
    }

    /// Records a step, failing the test if it is refused; returns the step.
    pub async fn step(&self, input: serde_json::Value) -> serde_json::Value {
        self.try_step(input).await.data()["recordStep"].clone()
    }

    /// Records a step of `kind` and returns the ids of the lots it made.
    pub async fn make(&self, kind: &str, inputs: &[&str], outputs: &[&str]) -> Vec<String> {
        let step = self.step(self.input(kind, inputs, outputs)).await;
        output_ids(&step)
    }

    /// Processes `donation_id` into a cord tissue lot and returns it.
    pub async fn tissue(&self, donation_id: DonationId) -> String {
        let mut input = self.input("TISSUE_PROCESSING", &[], &["CORD_TISSUE"]);
        input["donationId"] = serde_json::json!(donation_id.to_string());
        let step = self.step(input).await;
        output_ids(&step).remove(0)
    }

    /// Carries `donation_id` through tissue, explant and passage to a PASSAGE lot.
    pub async fn expanded(&self, donation_id: DonationId) -> String {
        let tissue = self.tissue(donation_id).await;
        let primary = self
            .make("EXPLANT_CULTURE", &[&tissue], &["PRIMARY_CULTURE"])
            .await
            .remove(0);
        self.make("PASSAGE", &[&primary], &["PASSAGE"])
            .await
            .remove(0)
    }

    /// Harvests `lot` into a DRUG_SUBSTANCE lot.
    pub async fn harvest(&self, lot: &str) -> String {
        self.make("HARVEST", &[lot], &["DRUG_SUBSTANCE"])
            .await
            .remove(0)
    }

    /// Formulates `lots` into a DRUG_PRODUCT lot.
    pub async fn formulate(&self, lots: &[&str]) -> String {
        self.make("FORMULATION", lots, &["DRUG_PRODUCT"])
            .await
            .remove(0)
    }
}

/// The ids of the lots a step (as returned by `recordStep`) made.
pub fn output_ids(step: &serde_json::Value) -> Vec<String> {
    step["outputs"]
        .as_array()
        .map(|outputs| {
            outputs
                .iter()
                .filter_map(|lot| lot["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The fields of a unit the production tests read back.
pub const UNIT_FIELDS: &str = "id din dinCheckCharacter productCode division container volumeMl \
    cells expiresAt status lot { id code } location { site freezer rack box position } \
    custody { state destination dispatchedBy { printedName } dispatchedAt \
    receivedBy { printedName } receivedAt arrivalTemperatureCelsius arrivalCondition }";

/// A `UnitFillInput` for `product_code`: a 50 mL bag of 75 million cells, expiring in a year,
/// at position `position` of a test freezer.
pub fn unit_input(product_code: &str, position: &str) -> serde_json::Value {
    serde_json::json!({
        "productCode": product_code,
        "container": "BAG",
        "volumeMl": "50",
        "cells": 75_000_000u64,
        "expiresAt": (Utc::now() + Duration::days(365)).to_rfc3339(),
        "location": {
            "site": "Invented Cell Therapy Facility",
            "freezer": "LN2-01",
            "rack": "R01",
            "box": "B01",
            "position": position,
        },
    })
}

/// Sends `fillUnits` for `lot_id`, cryopreserved an hour ago.
pub async fn try_fill(
    server: &TestServer,
    token: &str,
    lot_id: &str,
    units: Vec<serde_json::Value>,
) -> crate::GqlResponse {
    let query = format!(
        "mutation($input: FillUnitsInput!) {{ fillUnits(input: $input) {{ din dinCheckCharacter \
         units {{ {UNIT_FIELDS} }} }} }}"
    );
    let input = serde_json::json!({
        "lotId": lot_id,
        "cryopreservedAt": (Utc::now() - Duration::hours(1)).to_rfc3339(),
        "units": units,
    });
    server
        .gql(Some(token), &query, serde_json::json!({ "input": input }))
        .await
}
