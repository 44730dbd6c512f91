use super::*;

#[test]
fn fins() {
    check_table(
        &[
            ("A9999", "ok A9999 test"),
            ("A9990", "ok A9990 test"),
            ("A9989", "ok A9989"),
            ("B9999", "ok B9999"),
            ("19999", "ok 19999"),
            ("Z0001", "ok Z0001"),
            (
                "09999",
                "FIN_BAD_FIRST_CHARACTER: a FIN starts with A-N, P-Z or 1-9 (no letter O, no zero), found '0'",
            ),
            (
                "O1234",
                "FIN_BAD_FIRST_CHARACTER: a FIN starts with A-N, P-Z or 1-9 (no letter O, no zero), found 'O'",
            ),
            (
                "a9999",
                "FIN_LOWERCASE: ISBT 128 is uppercase: a FIN with lowercase letters is refused",
            ),
            ("A999", "FIN_WRONG_LENGTH: a FIN is 5 characters, found 4"),
            (
                "A99X9",
                "FIN_NOT_DIGIT: character 4 of a FIN must be a digit, found 'X'",
            ),
        ],
        Fin::parse,
        |fin| {
            let test = if fin.is_reserved_for_testing() {
                " test"
            } else {
                ""
            };
            format!("{fin}{test}")
        },
    );
    assert_eq!(serde_json::to_string(&test_fin()).unwrap(), "\"A9999\"");
    assert!(serde_json::from_str::<Fin>("\"A99X9\"").is_err());
    assert_eq!(format!("{:?}", test_fin()), "Fin(A9999)");
}

#[test]
fn flags() {
    check_table(
        &[
            ("00", "ok 00 Unused"),
            ("04", "ok 04 ContainerOfSet(ContainerNumber(4))"),
            ("05", "ok 05 ReprintedLabel"),
            ("06", "ok 06 PilotTube"),
            ("07", "ok 07 TestTube"),
            ("08", "ok 08 DonorRecord"),
            ("09", "ok 09 NatSample"),
            ("10", "ok 10 BacterialTestingSample"),
            ("19", "ok 19 ContainerOfSet(ContainerNumber(9))"),
            ("59", "ok 59 Local(LocalFlag(59))"),
            ("96", "ok 96 CheckValue(CheckValue(36))"),
            ("14", "FLAG_RESERVED: flag 14 is reserved and not accepted"),
            ("99", "FLAG_RESERVED: flag 99 is reserved and not accepted"),
            (
                "5",
                "FLAG_NOT_TWO_DIGITS: flag must be two digits, found \"5\"",
            ),
            (
                "O5",
                "FLAG_NOT_TWO_DIGITS: flag must be two digits, found \"O5\"",
            ),
        ],
        Flag::parse,
        |flag| format!("{flag} {flag:?}"),
    );
}

#[test]
fn every_flag_value_round_trips_and_only_reserved_ones_are_refused() {
    let refused: Vec<u8> = (0..=u8::MAX)
        .filter(|value| Flag::from_value(*value).is_err())
        .collect();
    let expected: Vec<u8> = [11, 12, 13, 14].into_iter().chain(97..=u8::MAX).collect();
    assert_eq!(refused, expected);
    for value in (0..=96).filter(|value| !(11..=14).contains(value)) {
        assert_eq!(Flag::from_value(value).map(Flag::value), Ok(value));
    }
    assert_eq!(ContainerNumber::new(0), None);
    assert_eq!(ContainerNumber::new(9).map(ContainerNumber::get), Some(9));
    assert_eq!(ContainerNumber::new(10), None);
    assert_eq!(LocalFlag::new(19), None);
    assert_eq!(LocalFlag::new(20).map(LocalFlag::get), Some(20));
    assert_eq!(LocalFlag::new(60), None);
}

#[test]
fn product_codes() {
    check_table(
        &[
            (
                "S1234V00",
                "ok S1234V00 class S description S1234 collection V division 00 undivided",
            ),
            (
                "S1234VA0",
                "ok S1234VA0 class S description S1234 collection V division A0",
            ),
            (
                "S1234VAa",
                "ok S1234VAa class S description S1234 collection V division Aa",
            ),
            (
                "E0001099",
                "ok E0001099 class E description E0001 collection 0 division 99",
            ),
            (
                "s1234V00",
                "PRODUCT_CODE_LOWERCASE: ISBT 128 is uppercase: lowercase is refused in character 1 of a product code",
            ),
            (
                "S1234v00",
                "PRODUCT_CODE_LOWERCASE: ISBT 128 is uppercase: lowercase is refused in character 6 of a product code",
            ),
            (
                "S1234V0",
                "PRODUCT_CODE_WRONG_LENGTH: a product code is 8 characters, found 7",
            ),
            (
                "S1234V000",
                "PRODUCT_CODE_WRONG_LENGTH: a product code is 8 characters, found 9",
            ),
            (
                "11234V00",
                "PRODUCT_CODE_BAD_PRODUCT_CLASS: a product code starts with a product class letter A-Z, found '1'",
            ),
            (
                "S12X4V00",
                "PRODUCT_CODE_NOT_DIGIT: character 4 of a product code must be a digit, found 'X'",
            ),
            (
                "S1234-00",
                "PRODUCT_CODE_BAD_CHARACTER: character 6 of a product code must be 0-9 or A-Z, found '-'",
            ),
            (
                "S1234V-0",
                "PRODUCT_CODE_BAD_CHARACTER: character 7 of a product code must be 0-9 or A-Z, found '-'",
            ),
            (
                "S1234V0-",
                "PRODUCT_CODE_BAD_CHARACTER: character 8 of a product code must be 0-9 or A-Z, found '-'",
            ),
        ],
        ProductCode::parse,
        |code| {
            let undivided = if code.is_undivided() {
                " undivided"
            } else {
                ""
            };
            format!(
                "{code} class {} description {} collection {} division {}{undivided}",
                code.product_class(),
                code.description_code(),
                code.collection_type(),
                code.division()
            )
        },
    );
    let code = ProductCode::parse("S1234V00").unwrap();
    assert_eq!(serde_json::to_string(&code).unwrap(), "\"S1234V00\"");
    assert_eq!(
        serde_json::from_str::<ProductCode>("\"S1234V00\"").unwrap(),
        code
    );
    assert!(serde_json::from_str::<ProductCode>("\"s1234V00\"").is_err());
}
