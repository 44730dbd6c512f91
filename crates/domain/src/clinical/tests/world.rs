//! The manufacturing part of the fixture world: an eligible donor, a received donation, a cord
//! tissue lot in quarantine, and a released drug product lot with three released units.

use chrono::{TimeZone, Utc};

use crate::event::Event;
use crate::ids::*;
use crate::isbt128::{Din, ProductCode};
use crate::manufacturing::events::*;
use crate::manufacturing::{
    ArrivalCondition, Consent, Container, DinSource, DonorKey, EligibilityStatus, LotCode, LotKind,
    LotStatus, Receipt, StepKind, StorageLocation, UnitStatus,
};
use crate::role::Role;
use crate::time::Timestamp;
use crate::values::{CellCount, Celsius, Label, Millilitres, ZonedTime};

use super::fixture::*;

fn label(text: &str) -> Label {
    Label::parse(text, "test").expect("a label")
}

/// Records the manufacturing world into `fixture`.
pub fn manufacturing(fixture: &mut Fixture) {
    let technician = user(TECHNICIAN, Role::Technician);
    let qa = user(QA, Role::Qa);
    let earlier = Timestamp::from_datetime(
        Utc.with_ymd_and_hms(2026, 1, 10, 9, 0, 0)
            .single()
            .expect("a time"),
    );
    let din = Din::parse("A999926000001").expect("a DIN");
    fixture.record(
        technician,
        earlier,
        vec![
            Event::DonorRegistered(DonorRegistered {
                donor_id: id(DONOR),
                key: DonorKey::new(26, 1),
            }),
            Event::ConsentRecorded(ConsentRecorded {
                donor_id: id(DONOR),
                consent: Consent {
                    form_id: label("CF-1"),
                    form_version: label("3"),
                    signed_on: date(2026, 1, 2),
                    therapy: true,
                    research: false,
                    withdrawal: None,
                },
            }),
            Event::DonationRegistered(DonationRegistered {
                donation_id: id(DONATION),
                donor_id: id(DONOR),
                din,
                din_source: DinSource::Assigned,
                collected_at: ZonedTime::parse("2026-01-10T08:00:00+01:00").expect("a time"),
                site: label("Maternity A"),
            }),
            Event::DonationReceived(DonationReceived {
                donation_id: id(DONATION),
                receipt: Receipt {
                    received_by: id(TECHNICIAN),
                    received_at: earlier,
                    transport_temperature: Celsius::parse("6").expect("a temperature"),
                    condition: ArrivalCondition::Intact,
                    minutes_since_collection: 120,
                    over_time_limit: false,
                },
            }),
            Event::ProductDefined(ProductDefined {
                code: "S1234".to_owned(),
                description: label("UC-MSC, cryopreserved, 50 mL bag"),
            }),
            Event::MaterialLotRegistered(MaterialLotRegistered {
                material_lot_id: id(MATERIAL),
                material: label("platelet lysate"),
                supplier: label("Supplier"),
                supplier_lot: label("PL-77"),
                expires_on: date(2027, 12, 31),
            }),
            step(
                STEP_TISSUE,
                StepKind::TissueProcessing,
                Some(id(DONATION)),
                vec![],
                LOT_CT,
                LotKind::CordTissue,
                vec![],
                earlier,
            ),
            step(
                STEP_FORMULATION,
                StepKind::Formulation,
                None,
                vec![id(LOT_CT)],
                LOT_DP,
                LotKind::DrugProduct,
                vec![id(MATERIAL)],
                earlier,
            ),
            Event::UnitsFilled(UnitsFilled {
                lot_id: id(LOT_DP),
                units: [
                    (UNIT_A, "S1234VA0"),
                    (UNIT_B, "S1234VB0"),
                    (UNIT_C, "S1234VC0"),
                ]
                .into_iter()
                .map(|(unit, code)| FilledUnit {
                    unit_id: id(unit),
                    din,
                    product_code: ProductCode::parse(code).expect("a product code"),
                    container: Container::Bag,
                    volume: Millilitres::parse("50").expect("a volume"),
                    cells: CellCount::new(60_000_000).expect("cells"),
                    cryopreserved_at: earlier,
                    expires_at: Timestamp::from_datetime(
                        Utc.with_ymd_and_hms(2027, 6, 30, 23, 59, 0)
                            .single()
                            .expect("a time"),
                    ),
                    location: StorageLocation {
                        site: label("Lab"),
                        freezer: label("LN2-1"),
                        rack: label("R1"),
                        r#box: label("B1"),
                        position: label("1"),
                    },
                })
                .collect(),
            }),
        ],
    );
    fixture.record(
        qa,
        earlier,
        vec![Event::EligibilityDetermined(EligibilityDetermined {
            donor_id: id(DONOR),
            status: EligibilityStatus::Eligible,
            reasons: vec![],
        })],
    );
    fixture.lot_status(LOT_CT, LotStatus::Quarantine);
    fixture.lot_status(LOT_DP, LotStatus::Quarantine);
    fixture.lot_status(LOT_DP, LotStatus::Released);
    for unit in [UNIT_A, UNIT_B, UNIT_C] {
        fixture.unit_status(unit, UnitStatus::Released);
    }
}

#[expect(clippy::too_many_arguments)]
fn step(
    step_id: u128,
    kind: StepKind,
    donation: Option<DonationId>,
    inputs: Vec<LotId>,
    output: u128,
    output_kind: LotKind,
    material_lots: Vec<MaterialLotId>,
    started_at: Timestamp,
) -> Event {
    Event::StepRecorded(StepRecorded {
        step_id: id(step_id),
        kind,
        sop_id: label("SOP-1"),
        sop_version: label("1"),
        started_at,
        ended_at: Some(started_at),
        donation,
        inputs,
        outputs: vec![NewLot {
            lot_id: id(output),
            code: LotCode::new(output_kind, 26, u32::try_from(output).unwrap_or(0)),
            kind: output_kind,
            bank_level: None,
        }],
        measurements: vec![],
        equipment: vec![],
        material_lots,
        notes: None,
    })
}
