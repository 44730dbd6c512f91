//! Label data and its emission: `parse(emit(x)) == x` for every data structure, the compound
//! message and a unit's label (proptest), and worked examples of what a label prints.

use std::fmt;

use chrono::{NaiveDate, NaiveTime};
use proptest::prelude::*;
use proptest::test_runner::Config;

use super::*;

fn din() -> impl Strategy<Value = Din> {
    (0u32..10, 0u8..100, 1u32..=999_999).prop_map(|(fin, year, sequence)| {
        let fin = Fin::parse(&format!("A999{fin}")).expect("a test FIN");
        Din::new(fin, year, sequence).expect("year and sequence in range")
    })
}

fn flag() -> impl Strategy<Value = Flag> {
    (0u8..=96).prop_filter_map("reserved flag", |value| Flag::from_value(value).ok())
}

/// Parses what the regular expression generates, keeping only what the grammar accepts: the
/// generator proposes, the parser under test decides.
fn parsed<T: fmt::Debug, E>(
    pattern: &'static str,
    parse: fn(&str) -> Result<T, E>,
) -> impl Strategy<Value = T> {
    pattern.prop_filter_map("outside the grammar", move |raw| parse(&raw).ok())
}

fn label_date_time() -> impl Strategy<Value = LabelDateTime> {
    let date = (2000i32..=2999, 1u32..=366).prop_filter_map("no such day", |(year, day)| {
        NaiveDate::from_yo_opt(year, day)
    });
    let time = proptest::option::of(
        (0u32..24, 0u32..60)
            .prop_filter_map("time of day", |(h, m)| NaiveTime::from_hms_opt(h, m, 0)),
    );
    (date, time).prop_map(|(date, time)| LabelDateTime::new(date, time).expect("whole minutes"))
}

fn product_code() -> impl Strategy<Value = ProductCode> {
    parsed("[A-Z][0-9]{4}[0-9A-Z]{2}[0-9A-Za-z]", ProductCode::parse)
}

fn scan() -> impl Strategy<Value = Scan> {
    prop_oneof![
        (din(), flag()).prop_filter_map("type 3 flag of another DIN", |(din, flag)| {
            din.barcode_data(flag).ok().map(|_| Scan::Din { din, flag })
        }),
        din().prop_map(|din| Scan::Din {
            din,
            flag: din.type3_flag()
        }),
        product_code().prop_map(Scan::ProductCode),
        label_date_time().prop_map(|date| Scan::Expiry(Expiry::new(date))),
        label_date_time().prop_map(Scan::Collection),
        label_date_time().prop_map(Scan::Production),
        ("[0-9]{2}", "[0-9A-Z]{1,20}").prop_filter_map("patient grammar", |(location, number)| {
            PatientId::new(&location, &number).ok().map(Scan::Patient)
        }),
        parsed("A999[0-9][0-9A-Z]{6}", StaffId::parse).prop_map(Scan::Staff),
        parsed("A999[0-9][0-9A-Z]{6}[0-9A-Z]{5}", ProcessorProductId::parse)
            .prop_map(Scan::ProcessorProduct),
        parsed("CHA999[0-9][0-9]{8}", ChainOfIdentityId::parse).prop_map(Scan::ChainOfIdentity),
    ]
}

fn label_flag() -> impl Strategy<Value = LabelFlag> {
    prop_oneof![Just(LabelFlag::CheckValue), Just(LabelFlag::Reprinted)]
}

fn processing_date() -> impl Strategy<Value = Option<ProcessingDate>> {
    proptest::option::of(prop_oneof![
        label_date_time().prop_map(ProcessingDate::Collection),
        label_date_time().prop_map(ProcessingDate::Production),
    ])
}

fn unit_label() -> impl Strategy<Value = UnitLabelData> {
    (
        din(),
        label_flag(),
        product_code(),
        label_date_time(),
        processing_date(),
    )
        .prop_map(|(din, flag, product, expiry, date)| {
            UnitLabelData::new(din, flag, product, Expiry::new(expiry), date)
        })
}

proptest! {
    #![proptest_config(Config::with_cases(512))]

    #[test]
    fn every_structure_reads_back_as_emitted(scan in scan()) {
        prop_assert_eq!(Scan::parse(&scan.data_structure()), Ok(scan));
    }

    #[test]
    fn a_compound_message_reads_back_as_its_structures(
        structures in proptest::collection::vec(scan(), 1..12)
    ) {
        let message = CompoundMessage::new(structures.clone()).expect("1 to 99 structures");
        prop_assert_eq!(Scan::parse_all(&message.to_string()), Ok(structures));
    }

    #[test]
    fn a_unit_label_reads_back_as_its_data(label in unit_label()) {
        let structures = label.structures();
        let emitted = [
            Some(label.din_data_structure()),
            Some(label.product_data_structure()),
            Some(label.expiry_data_structure()),
            label.processing_date_data_structure(),
        ];
        let emitted: Vec<String> = emitted.into_iter().flatten().collect();
        let read: Result<Vec<Scan>, ScanError> =
            emitted.iter().map(|structure| Scan::parse(structure)).collect();
        prop_assert_eq!(read, Ok(structures.clone()));
        prop_assert_eq!(Scan::parse_all(&label.compound().to_string()), Ok(structures));

        let eye = label.eye_readable_din();
        let typed = format!("{} {}", eye.din_text(), eye.check_character());
        prop_assert_eq!(Din::parse_typed(&typed), Ok(label.din()));
        prop_assert_eq!(
            label.din_data_structure(),
            format!("={}{}", label.din(), eye.flag_text())
        );
    }

    #[test]
    fn the_flag_is_the_check_flag_of_the_din_or_05(
        din in din(),
        flag in label_flag(),
        product in product_code(),
        expiry in label_date_time(),
    ) {
        let label = UnitLabelData::new(din, flag, product, Expiry::new(expiry), None);
        let expected = match flag {
            LabelFlag::CheckValue => din.type3_flag(),
            LabelFlag::Reprinted => Flag::ReprintedLabel,
        };
        prop_assert_eq!(label.flag(), expected);
        prop_assert!(din.barcode_data(label.flag()).is_ok());
    }
}

fn example(flag: LabelFlag, date: Option<ProcessingDate>) -> UnitLabelData {
    let din = Din::parse("A999926000001").unwrap();
    let product = ProductCode::parse("S1234V00").unwrap();
    let expiry = LabelDateTime::new(
        NaiveDate::from_ymd_opt(2026, 4, 30).unwrap(),
        NaiveTime::from_hms_opt(9, 5, 0),
    )
    .unwrap();
    UnitLabelData::new(din, flag, product, Expiry::new(expiry), date)
}

fn show(label: &UnitLabelData) -> String {
    let eye = label.eye_readable_din();
    let structures: Vec<String> = label
        .structures()
        .iter()
        .map(Scan::data_structure)
        .collect();
    format!(
        "{} | eye {} [{}] flags {} | {}",
        structures.join(" "),
        eye.din_text(),
        eye.check_character(),
        eye.flag_text(),
        label.compound()
    )
}

#[test]
fn worked_examples() {
    let collected =
        LabelDateTime::new(NaiveDate::from_ymd_opt(2026, 1, 15).unwrap(), None).unwrap();
    let cases = [
        (
            example(LabelFlag::CheckValue, None),
            "=A99992600000168 =<S1234V00 &>0261200905 | eye A9999 26 000001 [8] flags 68 \
             | =+03000=A99992600000168=<S1234V00&>0261200905",
        ),
        (
            example(
                LabelFlag::for_print(true, true),
                Some(ProcessingDate::Collection(collected)),
            ),
            "=A99992600000105 =<S1234V00 &>0261200905 =*026015 | eye A9999 26 000001 [8] \
             flags 05 | =+04000=A99992600000105=<S1234V00&>0261200905=*026015",
        ),
    ];
    for (label, expected) in cases {
        assert_eq!(show(&label), expected);
    }
}

#[test]
fn a_reprint_keeps_the_check_flag_where_the_facility_does_not_flag_reprints() {
    assert_eq!(LabelFlag::for_print(true, false), LabelFlag::CheckValue);
    assert_eq!(LabelFlag::for_print(false, true), LabelFlag::CheckValue);
    assert_eq!(LabelFlag::for_print(true, true), LabelFlag::Reprinted);
}

#[test]
fn a_compound_message_holds_1_to_99_structures() {
    let product = Scan::ProductCode(ProductCode::parse("S1234V00").unwrap());
    for (count, expected) in [
        (
            0,
            "COMPOUND_WRONG_COUNT: a compound message holds 1 to 99 data structures, found 0",
        ),
        (1, "ok =+01000=<S1234V00"),
        (
            100,
            "COMPOUND_WRONG_COUNT: a compound message holds 1 to 99 data structures, found 100",
        ),
    ] {
        let message = CompoundMessage::new(vec![product.clone(); count]);
        assert_eq!(render(message, |m| m.to_string()), expected);
    }
}
