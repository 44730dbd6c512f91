//! The fixture: a small manufacturing record built directly (cord tissue -> drug substance ->
//! drug product with three units, one donor, one material lot), on which the release commands run
//! and their events are applied, with a log kept for replay.

use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use crate::actor::Actor;
use crate::event::{Event, EventMeta};
use crate::identity::{PrintedName, User, Username};
use crate::ids::{
    DonorId, InvestigationId, LotId, MaterialLotId, SpecificationId, StepId, TestResultId, UnitId,
    UserId,
};
use crate::isbt128::{Din, ProductCode};
use crate::manufacturing::{
    Consent, Container, Custody, Determination, Donor, DonorKey, EligibilityStatus, Lot, LotCode,
    LotKind, LotStatus, MaterialLot, MaterialQcStatus, ProcessingStep, StepKind, StorageLocation,
    Unit, UnitStatus,
};
use crate::refusal::Refusal;
use crate::role::{Role, Roles};
use crate::signature::{Meaning, Signature};
use crate::state::State;
use crate::time::Timestamp;
use crate::values::{CellCount, Label, Millilitres, Narrative};

use crate::release::commands::{self, DispositionInput, NewResult};
use crate::release::{
    ReleaseError, ResultValue, TestCode, TestUnit, current_result,
    default_drug_product_specification,
};

/// A UUID from a small number, so ids read well in failures.
pub(super) fn uuid(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// A time on a day of March 2026 (UTC).
pub(super) fn at(day: u32, hour: u32) -> Timestamp {
    Timestamp::from_datetime(Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap())
}

pub(super) fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn label(text: &str) -> Label {
    Label::parse(text, "label").unwrap()
}

pub(super) fn narrative(text: &str) -> Narrative {
    Narrative::parse(text, "text").unwrap()
}

/// A passing value and unit for every test of the default specification.
pub(super) fn passing(code: &str) -> (&'static str, Option<&'static str>) {
    match code {
        "CD73" | "CD90" | "CD105" => ("98.5", Some("%")),
        "CD34" | "CD45" | "CD14" | "CD19" | "HLA_DR" => ("0.4", Some("%")),
        "VIABILITY" => ("92", Some("%")),
        "VIABLE_CELL_COUNT" => ("2.5", Some("x10^6 cells/mL")),
        "STERILITY" => ("NO_GROWTH", None),
        "MYCOPLASMA" => ("NOT_DETECTED", None),
        "ENDOTOXIN" => ("0.1", Some("EU/mL")),
        "KARYOTYPE" => ("NORMAL_KARYOTYPE", None),
        "POTENCY" => ("35", Some("%")),
        other => panic!("no passing value for {other}"),
    }
}

/// The small world the release tests run in.
pub(super) struct Fixture {
    pub state: State,
    /// The state before any release event, for replay.
    pub base: State,
    /// Every release event applied, with its meta.
    pub log: Vec<(Event, EventMeta)>,
    pub technician: UserId,
    pub analyst: UserId,
    pub analyst2: UserId,
    pub qa: UserId,
    pub qa2: UserId,
    pub donor: DonorId,
    pub material: MaterialLotId,
    pub tissue: LotId,
    pub substance: LotId,
    pub product: LotId,
    pub steps: [StepId; 3],
    pub units: [UnitId; 3],
    pub spec: SpecificationId,
    /// The clock: each command runs one hour after the previous one.
    pub now: Timestamp,
    next_seq: u64,
    next_id: u128,
}

fn user(id: UserId, username: &str, name: &str, role: Role) -> User {
    User {
        id,
        username: Username::parse(username).unwrap(),
        printed_name: PrintedName::parse(name).unwrap(),
        roles: Roles::new([role]).unwrap(),
        active: true,
        must_change_password: false,
        failed_logins: 0,
        locked_until: None,
        registered_at: at(1, 8),
    }
}

fn lot(id: LotId, kind: LotKind, sequence: u32, parents: &[LotId], made_by: StepId) -> Lot {
    Lot {
        id,
        code: LotCode::new(kind, 26, sequence),
        kind,
        bank_level: None,
        status: LotStatus::InProcess,
        held_from: None,
        parents: parents.to_vec(),
        donation_id: None,
        donors: BTreeSet::from([DonorId::from_uuid(uuid(20))]),
        made_by,
        created_at: at(2, 10),
    }
}

fn step(
    id: StepId,
    kind: StepKind,
    operator: UserId,
    inputs: &[LotId],
    outputs: &[LotId],
) -> ProcessingStep {
    ProcessingStep {
        id,
        kind,
        sop_id: label("SOP-MFG-001"),
        sop_version: label("3"),
        operator,
        started_at: at(2, 9),
        ended_at: Some(at(2, 12)),
        donation: None,
        inputs: inputs.to_vec(),
        outputs: outputs.to_vec(),
        measurements: Vec::new(),
        equipment: Vec::new(),
        material_lots: Vec::new(),
        notes: None,
        recorded_at: at(2, 12),
    }
}

fn unit(id: UnitId, lot_id: LotId, product_code: &str, status: UnitStatus) -> Unit {
    Unit {
        id,
        lot_id,
        din: Din::parse("A999926000001").unwrap(),
        product_code: ProductCode::parse(product_code).unwrap(),
        container: Container::Bag,
        volume: Millilitres::parse("50").unwrap(),
        cells: CellCount::new(100_000_000).unwrap(),
        cryopreserved_at: at(3, 10),
        expires_at: at(3, 10).plus(chrono::Duration::days(365)),
        location: StorageLocation {
            site: label("Main lab"),
            freezer: label("LN2-1"),
            rack: label("R1"),
            r#box: label("B1"),
            position: label("A1"),
        },
        status,
        custody: Custody::Stored,
        filled_at: at(3, 10),
        labels_printed: 0,
    }
}

impl Fixture {
    /// The manufacturing record, with the drug product lot in QUARANTINE and the default
    /// specification (effective 2026-01-01) defined. Testing has not begun.
    pub fn new() -> Self {
        let [technician, analyst, analyst2, qa, qa2] =
            [1, 2, 3, 4, 5].map(|n| UserId::from_uuid(uuid(n)));
        let donor = DonorId::from_uuid(uuid(20));
        let material = MaterialLotId::from_uuid(uuid(30));
        let [tissue, substance, product] = [40, 41, 42].map(|n| LotId::from_uuid(uuid(n)));
        let steps = [50, 51, 52].map(|n| StepId::from_uuid(uuid(n)));
        let units = [60, 61, 62].map(|n| UnitId::from_uuid(uuid(n)));

        let mut state = State::default();
        for (id, username, name, role) in [
            (technician, "tech.one", "Tess Technician", Role::Technician),
            (analyst, "analyst.one", "Ann Analyst", Role::Analyst),
            (analyst2, "analyst.two", "Abe Analyst", Role::Analyst),
            (qa, "qa.one", "Quinn Assurance", Role::Qa),
            (qa2, "qa.two", "Quincy Assurance", Role::Qa),
        ] {
            state.users.insert(id, user(id, username, name, role));
        }
        state.donors.insert(
            donor,
            Donor {
                id: donor,
                key: DonorKey::new(26, 1),
                consent: Some(Consent {
                    form_id: label("CONSENT-UC"),
                    form_version: label("2"),
                    signed_on: date(2026, 2, 1),
                    therapy: true,
                    research: false,
                    withdrawal: None,
                }),
                screening: Vec::new(),
                eligibility: Some(Determination {
                    status: EligibilityStatus::Eligible,
                    reasons: Vec::new(),
                    determined_by: qa2,
                    determined_at: at(1, 9),
                }),
                eligibility_request: None,
                registered_at: at(1, 8),
                personal_data_redaction: None,
            },
        );
        state.material_lots.insert(
            material,
            MaterialLot {
                id: material,
                material: label("human platelet lysate"),
                supplier: label("Lysate Co"),
                supplier_lot: label("HPL-7"),
                expires_on: date(2027, 1, 1),
                qc_status: MaterialQcStatus::Released,
                registered_at: at(1, 8),
            },
        );
        state
            .lots
            .insert(tissue, lot(tissue, LotKind::CordTissue, 1, &[], steps[0]));
        state.lots.insert(
            substance,
            lot(substance, LotKind::DrugSubstance, 1, &[tissue], steps[1]),
        );
        let mut product_lot = lot(product, LotKind::DrugProduct, 1, &[substance], steps[2]);
        product_lot.status = LotStatus::Quarantine;
        state.lots.insert(product, product_lot);
        state.steps.insert(
            steps[0],
            step(
                steps[0],
                StepKind::TissueProcessing,
                technician,
                &[],
                &[tissue],
            ),
        );
        let mut expansion = step(
            steps[1],
            StepKind::Passage,
            technician,
            &[tissue],
            &[substance],
        );
        expansion.material_lots = vec![material];
        state.steps.insert(steps[1], expansion);
        state.steps.insert(
            steps[2],
            step(
                steps[2],
                StepKind::Formulation,
                technician,
                &[substance],
                &[product],
            ),
        );
        state.units.insert(
            units[0],
            unit(units[0], product, "S1234VA0", UnitStatus::Quarantine),
        );
        state.units.insert(
            units[1],
            unit(units[1], product, "S1234VB0", UnitStatus::Quarantine),
        );
        state.units.insert(
            units[2],
            unit(units[2], product, "S1234VC0", UnitStatus::Expired),
        );

        let mut fixture = Self {
            base: state.clone(),
            state,
            log: Vec::new(),
            technician,
            analyst,
            analyst2,
            qa,
            qa2,
            donor,
            material,
            tissue,
            substance,
            product,
            steps,
            units,
            spec: SpecificationId::from_uuid(uuid(70)),
            now: at(5, 8),
            next_seq: 100,
            next_id: 1000,
        };
        let spec = fixture.spec;
        let content = default_drug_product_specification().unwrap();
        fixture
            .run(Actor::System, |state, actor| {
                commands::define_specification(state, actor, spec, content)
            })
            .unwrap();
        fixture
    }

    /// [`Fixture::new`], testing begun and a passing result recorded for every test.
    pub fn tested() -> Self {
        let mut fixture = Self::new();
        fixture.begin_testing().unwrap();
        let codes: Vec<String> = fixture.state.specifications[&fixture.spec]
            .content
            .tests()
            .iter()
            .map(|test| test.code().as_str().to_owned())
            .collect();
        for code in codes {
            let (value, unit) = passing(&code);
            fixture.record(&code, value, unit).unwrap();
        }
        fixture
    }

    /// An actor.
    pub fn actor(user_id: UserId, role: Role) -> Actor {
        Actor::User { user_id, role }
    }

    /// A re-checked signature of `user_id`.
    pub fn sign(&self, user_id: UserId, meaning: Meaning) -> Signature {
        Signature {
            signer_id: user_id,
            printed_name: self.state.users[&user_id].printed_name.clone(),
            signed_at: self.now,
            meaning,
        }
    }

    /// A fresh id.
    pub fn fresh(&mut self) -> Uuid {
        self.next_id += 1;
        uuid(self.next_id)
    }

    /// Decides with `decide` and, on success, applies the events as the executor would.
    pub fn run<E>(
        &mut self,
        actor: Actor,
        decide: impl FnOnce(&State, &Actor) -> Result<Vec<Event>, E>,
    ) -> Result<Vec<Event>, E> {
        self.now = self.now.plus(chrono::Duration::hours(1));
        let events = decide(&self.state, &actor)?;
        for event in &events {
            self.next_seq += 1;
            let meta = EventMeta {
                seq: self.next_seq,
                recorded_at: self.now,
                actor,
            };
            event.apply(&mut self.state, &meta).unwrap();
            self.log.push((event.clone(), meta));
        }
        Ok(events)
    }

    /// The analyst begins testing the drug product lot.
    pub fn begin_testing(&mut self) -> Result<Vec<Event>, ReleaseError> {
        let (lot, now) = (self.product, self.now);
        self.run(Self::actor(self.analyst, Role::Analyst), |state, actor| {
            commands::begin_testing(state, actor, lot, now)
        })
    }

    /// The input of a result for the drug product lot, tested an hour ago.
    pub fn result_input(&mut self, code: &str, value: &str, unit: Option<&str>) -> NewResult {
        NewResult {
            result_id: TestResultId::from_uuid(self.fresh()),
            investigation_id: InvestigationId::from_uuid(self.fresh()),
            lot_id: self.product,
            test_code: TestCode::parse(code).unwrap(),
            value: ResultValue::parse(value).unwrap(),
            unit: unit.map(|unit| TestUnit::parse(unit).unwrap()),
            method: label("per specification"),
            instrument: label("QC-INSTR-1"),
            sample_id: label(&format!("S-{code}")),
            tested_at: self.now,
            retest_of: None,
        }
    }

    /// `analyst` records `input`.
    pub fn record_as(
        &mut self,
        analyst: UserId,
        input: NewResult,
    ) -> Result<Vec<Event>, ReleaseError> {
        let now = self.now.plus(chrono::Duration::hours(1));
        self.run(Self::actor(analyst, Role::Analyst), |state, actor| {
            commands::record_result(state, actor, input, now)
        })
    }

    /// The first analyst records a result for the drug product lot.
    pub fn record(
        &mut self,
        code: &str,
        value: &str,
        unit: Option<&str>,
    ) -> Result<Vec<Event>, ReleaseError> {
        let input = self.result_input(code, value, unit);
        self.record_as(self.analyst, input)
    }

    /// The current result id of `code` on the drug product lot.
    pub fn current(&self, code: &str) -> TestResultId {
        current_result(&self.state, self.product, &TestCode::parse(code).unwrap())
            .unwrap()
            .id
    }
}

/// `qa` releases the drug product lot, signing with APPROVAL.
pub(super) fn release_by(fixture: &mut Fixture, qa: UserId) -> Result<Vec<Event>, Refusal> {
    let signature = fixture.sign(qa, Meaning::Approval);
    let lot = fixture.product;
    fixture.run(Fixture::actor(qa, Role::Qa), |state, actor| {
        commands::dispose(
            state,
            actor,
            lot,
            DispositionInput::Release { note: None },
            &signature,
        )
    })
}

/// `qa` rejects the drug product lot, signing with APPROVAL.
pub(super) fn reject_by(fixture: &mut Fixture, qa: UserId) -> Result<Vec<Event>, Refusal> {
    let signature = fixture.sign(qa, Meaning::Approval);
    let lot = fixture.product;
    let input = DispositionInput::Reject {
        reason: narrative("sterility failure confirmed"),
    };
    fixture.run(Fixture::actor(qa, Role::Qa), |state, actor| {
        commands::dispose(state, actor, lot, input, &signature)
    })
}
