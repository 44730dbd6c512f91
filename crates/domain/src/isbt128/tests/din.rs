use super::*;

fn show_din(din: Din) -> String {
    din.to_string()
}

fn show_scanned((din, flag): (Din, Flag)) -> String {
    format!("{din} {flag:?}")
}

#[test]
fn parse_typed() {
    check_table(
        &[
            ("A9999260000018", "ok A999926000001"),
            ("A9999 26 000001 8", "ok A999926000001"),
            ("  A9999260000018\r\n", "ok A999926000001"),
            ("A999926000088*", "ok A999926000088"),
            ("A9999260000050", "ok A999926000005"),
            (
                "A9999260000017",
                "DIN_BAD_CHECK_CHARACTER: check character '7' does not match the DIN (expected '8'): re-enter it",
            ),
            (
                "A9999260000028",
                "DIN_BAD_CHECK_CHARACTER: check character '8' does not match the DIN (expected '6'): re-enter it",
            ),
            (
                "a9999260000018",
                "DIN_LOWERCASE: ISBT 128 is uppercase: a DIN with lowercase letters is refused",
            ),
            (
                "A999926000001",
                "DIN_WRONG_LENGTH: expected 14 characters, found 13",
            ),
            (
                "A9999260000018 00",
                "DIN_BAD_SPACING: a spaced DIN reads `A9999 26 000001 K` (single spaces after characters 5, 7 and 13)",
            ),
            (
                "A9999  26 000001 8",
                "DIN_BAD_SPACING: a spaced DIN reads `A9999 26 000001 K` (single spaces after characters 5, 7 and 13)",
            ),
            (
                "A999926 000001 8",
                "DIN_BAD_SPACING: a spaced DIN reads `A9999 26 000001 K` (single spaces after characters 5, 7 and 13)",
            ),
            (
                "O9999260000018",
                "FIN_BAD_FIRST_CHARACTER: bad FIN in DIN: a FIN starts with A-N, P-Z or 1-9 (no letter O, no zero), found 'O'",
            ),
            (
                "A99X9260000018",
                "FIN_NOT_DIGIT: bad FIN in DIN: character 4 of a FIN must be a digit, found 'X'",
            ),
            (
                "A99992X0000018",
                "DIN_NOT_DIGIT: character 7 of the DIN must be a digit, found 'X'",
            ),
            (
                "A999926000000X",
                "DIN_BAD_SEQUENCE: sequence must be 1 to 999999, found 0",
            ),
        ],
        Din::parse_typed,
        show_din,
    );
}

#[test]
fn parse_scanned() {
    check_table(
        &[
            ("=A99992600000100", "ok A999926000001 Unused"),
            (
                "=A99992600000168\r\n",
                "ok A999926000001 CheckValue(CheckValue(8))",
            ),
            (
                "=A99992600000115",
                "ok A999926000001 ContainerOfSet(ContainerNumber(5))",
            ),
            (
                "=A99992600000103",
                "ok A999926000001 ContainerOfSet(ContainerNumber(3))",
            ),
            ("=A99992600000125", "ok A999926000001 Local(LocalFlag(25))"),
            (
                "=A99992600000169",
                "DIN_FLAG_MISMATCH: type 3 flag 69 does not match the DIN (expected 68)",
            ),
            (
                "=A99992600000111",
                "FLAG_RESERVED: bad flag: flag 11 is reserved and not accepted",
            ),
            (
                "=A99992600000197",
                "FLAG_RESERVED: bad flag: flag 97 is reserved and not accepted",
            ),
            (
                "=A999926000001AB",
                "FLAG_NOT_TWO_DIGITS: bad flag: flag must be two digits, found \"AB\"",
            ),
            (
                "A999926000001000",
                "DIN_MISSING_DATA_IDENTIFIER: scanned DIN data must start with '=', found 'A'",
            ),
            (
                "=A9999260000010",
                "DIN_WRONG_LENGTH: expected 16 characters, found 15",
            ),
            (
                "=A99992600000a00",
                "DIN_LOWERCASE: ISBT 128 is uppercase: a DIN with lowercase letters is refused",
            ),
            (
                "=A99992X00000100",
                "DIN_NOT_DIGIT: character 8 of the DIN must be a digit, found 'X'",
            ),
        ],
        Din::parse_scanned,
        show_scanned,
    );
}

#[test]
fn parse_stored() {
    check_table(
        &[
            ("A999926000001", "ok A999926000001"),
            (
                "A9999260000018",
                "DIN_WRONG_LENGTH: expected 13 characters, found 14",
            ),
            (
                "a999926000001",
                "DIN_LOWERCASE: ISBT 128 is uppercase: a DIN with lowercase letters is refused",
            ),
        ],
        Din::parse,
        show_din,
    );
    assert_eq!(
        "A999926000001".parse::<Din>().map(|din| din.sequence()),
        Ok(1)
    );
}

#[test]
fn new_and_assign() {
    let fin = test_fin();
    let cases: [(u8, u32, &str); 4] = [
        (26, 1, "ok A999926000001"),
        (0, 999_999, "ok A999900999999"),
        (
            100,
            1,
            "DIN_BAD_YEAR: year of assignment must be 0 to 99, found 100",
        ),
        (
            26,
            0,
            "DIN_BAD_SEQUENCE: sequence must be 1 to 999999, found 0",
        ),
    ];
    for (year, sequence, expected) in cases {
        assert_eq!(render(Din::new(fin, year, sequence), show_din), expected);
    }
    assert_eq!(
        render(Din::new(fin, 26, 1_000_000), show_din),
        "DIN_BAD_SEQUENCE: sequence must be 1 to 999999, found 1000000"
    );

    let assigned = |next: u32| {
        render(Din::assign(fin, 26, next), |(din, next)| {
            format!("{din} next {next}")
        })
    };
    assert_eq!(assigned(1), "ok A999926000001 next 2");
    assert_eq!(assigned(999_999), "ok A999926999999 next 1000000");
    assert_eq!(
        assigned(1_000_000),
        "DIN_SEQUENCE_EXHAUSTED: all 999999 sequence numbers of year 26 for FIN A9999 are assigned"
    );
    assert_eq!(
        assigned(0),
        "DIN_BAD_SEQUENCE: sequence must be 1 to 999999, found 0"
    );
}

#[test]
fn parts_and_printed_forms() {
    let din = Din::new(test_fin(), 26, 1).unwrap();
    assert_eq!(din.fin().to_string(), "A9999");
    assert_eq!((din.year_2digit(), din.sequence()), (26, 1));
    assert_eq!(din.to_string(), "A999926000001");
    assert_eq!(format!("{din:?}"), "Din(A999926000001)");
    assert_eq!(din.check_value().value(), 8);
    assert_eq!(din.check_character(), '8');
    assert_eq!(din.eye_readable(), "A9999260000018");
    assert_eq!(din.type3_flag().to_string(), "68");
    assert_eq!(din.barcode_data(Flag::Unused).unwrap(), "=A99992600000100");
    assert_eq!(
        din.barcode_data(din.type3_flag()).unwrap(),
        "=A99992600000168"
    );
    let wrong = Flag::CheckValue(CheckValue::new(9).unwrap());
    assert_eq!(
        render(din.barcode_data(wrong), |s| s),
        "DIN_FLAG_MISMATCH: type 3 flag 69 does not match the DIN (expected 68)"
    );
    // The published example carries the type 3 flag 70 (check value 10, `A`).
    let (published, flag) = Din::parse_scanned("=G12341765432170").unwrap();
    assert_eq!((published.check_character(), flag.value()), ('A', 70));
}

#[test]
fn serde_goes_through_the_parser() {
    let din = Din::new(test_fin(), 26, 1).unwrap();
    assert_eq!(serde_json::to_string(&din).unwrap(), "\"A999926000001\"");
    assert_eq!(
        serde_json::from_str::<Din>("\"A999926000001\"").unwrap(),
        din
    );
    for bad in [
        "\"A9999260000018\"",
        "\"a999926000001\"",
        "\"A999926000000\"",
        "13",
    ] {
        assert!(serde_json::from_str::<Din>(bad).is_err(), "{bad}");
    }
}
