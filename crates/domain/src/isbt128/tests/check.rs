use super::*;

#[test]
fn mod37_2_vectors() {
    check_table(
        &[
            // Published ST-001 worked example.
            ("G123417654321", "ok A"),
            // Hand-computed (arithmetic for the first in check.rs).
            ("A999926000001", "ok 8"),
            ("A999926000002", "ok 6"),
            ("A999926000005", "ok 0"),
            ("A999926000088", "ok *"),
            ("A999926000389", "ok A"),
            ("A999926999999", "ok N"),
            (
                "",
                "CHECK_EMPTY: no characters to compute a check character over",
            ),
            (
                "A99-9",
                "CHECK_INVALID_CHARACTER: character 4 ('-') is not 0-9 or A-Z",
            ),
            (
                "a",
                "CHECK_INVALID_CHARACTER: character 1 ('a') is not 0-9 or A-Z",
            ),
            (
                "A*",
                "CHECK_INVALID_CHARACTER: character 2 ('*') is not 0-9 or A-Z",
            ),
        ],
        mod37_2_check,
        |c| c.to_string(),
    );
}

#[test]
fn check_values() {
    check_table(
        &[
            ("G123417654321", "ok 10"),
            ("A999926000088", "ok 36"),
            ("A999926000005", "ok 0"),
        ],
        mod37_2_check_value,
        |value| value.value().to_string(),
    );
    assert_eq!(CheckValue::new(36).map(CheckValue::character), Some('*'));
    assert_eq!(CheckValue::new(37), None);
    assert_eq!(
        CheckValue::from_character('*').map(CheckValue::value),
        Some(36)
    );
    assert_eq!(
        CheckValue::from_character('Z').map(CheckValue::value),
        Some(35)
    );
    assert_eq!(CheckValue::from_character('z'), None);
    assert_eq!(
        CheckValue::new(10).map(|v| v.to_string()),
        Some("A".to_owned())
    );
}
