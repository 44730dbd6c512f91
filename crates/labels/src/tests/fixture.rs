//! An invented unit under the test FIN A9999: no real facility, donor or patient.

use chrono::{NaiveDate, NaiveTime};
use cordtrace_domain::isbt128::{
    Din, Expiry, Fin, LabelDateTime, LabelFlag, ProcessingDate, ProductCode, UnitLabelData,
};

use crate::{Container, Recipient, UnitLabel};

fn date_time(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> LabelDateTime {
    let date = NaiveDate::from_ymd_opt(year, month, day).expect("a calendar date");
    LabelDateTime::new(date, NaiveTime::from_hms_opt(hour, minute, 0)).expect("whole minutes")
}

/// Label data of DIN A9999 26 000001 with the check flag, product S1234V00, an expiry and a
/// collection date: four data structures.
pub(super) fn data() -> UnitLabelData {
    let fin = Fin::parse("A9999").expect("a test FIN");
    let din = Din::new(fin, 26, 1).expect("a DIN");
    UnitLabelData::new(
        din,
        LabelFlag::CheckValue,
        ProductCode::parse("S1234V00").expect("a product code"),
        Expiry::new(date_time(2026, 4, 30, 9, 5)),
        Some(ProcessingDate::Collection(date_time(2026, 1, 15, 9, 30))),
    )
}

/// The base label of an allocated bag.
pub(super) fn bag() -> UnitLabel {
    UnitLabel {
        data: data(),
        product_description: "Umbilical cord MSC, cryopreserved, 10 % DMSO (demo product)"
            .to_owned(),
        facility_name: "Demo Cord Cell Laboratory".to_owned(),
        facility_address: "1 Example Street, 00000 Demo City".to_owned(),
        collection: Some("Collected 2026-01-15 09:30 +01:00".to_owned()),
        expiry: "Expires 2026-04-30 09:05 +02:00".to_owned(),
        cells: "75 × 10⁶ viable cells".to_owned(),
        volume: "50 mL".to_owned(),
        storage: "Store at or below −150 °C".to_owned(),
        donor_key: "DNR-7Q2K-93XF".to_owned(),
        recipient: Some(Recipient {
            key: "RCP-0042".to_owned(),
            name: Some("Demo Patient B".to_owned()),
        }),
        warnings: vec![
            "FOR USE BY INTENDED RECIPIENT ONLY".to_owned(),
            "NOT EVALUATED FOR INFECTIOUS SUBSTANCES".to_owned(),
        ],
        container: Container::Bag,
    }
}

/// The same unit's vial label.
pub(super) fn vial() -> UnitLabel {
    UnitLabel {
        container: Container::Vial,
        ..bag()
    }
}

/// The data structures, one per Code 128 symbol.
pub(super) fn structures(label: &UnitLabel) -> Vec<String> {
    label
        .data
        .structures()
        .iter()
        .map(|structure| structure.data_structure())
        .collect()
}
