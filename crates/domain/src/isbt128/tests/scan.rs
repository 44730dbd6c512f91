use super::*;

fn show(scan: Scan) -> String {
    let time = |label: LabelDateTime| match label.time() {
        Some(time) => format!("{} {}", label.date(), time.format("%H:%M")),
        None => label.date().to_string(),
    };
    match scan {
        Scan::Din { din, flag } => format!("din {din} flag {flag}"),
        Scan::ProductCode(code) => format!("product {code}"),
        Scan::Expiry(expiry) => format!("expiry {}", expiry.at()),
        Scan::Collection(label) => format!("collection {}", time(label)),
        Scan::Production(label) => format!("production {}", time(label)),
        Scan::Patient(id) => format!("patient {} {}", id.location_code(), id.number()),
        Scan::Staff(id) => format!("staff {id}"),
        Scan::ProcessorProduct(id) => format!("ppic {id}"),
        Scan::ChainOfIdentity(id) => format!("coi {id}"),
    }
}

fn show_all(scans: Vec<Scan>) -> String {
    scans.into_iter().map(show).collect::<Vec<_>>().join(" | ")
}

#[test]
fn single_structures() {
    check_table(
        &[
            ("=A99992600000100", "ok din A999926000001 flag 00"),
            ("=A99992600000168\r\n", "ok din A999926000001 flag 68"),
            ("  =<S1234V00  ", "ok product S1234V00"),
            ("=>026120", "ok expiry 2026-04-30 23:59:00"),
            ("&>0261200905", "ok expiry 2026-04-30 09:05:00"),
            ("=*026015", "ok collection 2026-01-15"),
            ("&*0260150930", "ok collection 2026-01-15 09:30"),
            ("=}026016", "ok production 2026-01-16"),
            ("&}0260161400", "ok production 2026-01-16 14:00"),
            ("&#0105ABC12", "ok patient 01 ABC12"),
            ("='A9999TECH01", "ok staff A9999TECH01"),
            ("=/A9997XYZ100T0479", "ok ppic A9997XYZ100T0479"),
            ("&/CHA999926000001", "ok coi CHA999926000001"),
        ],
        Scan::parse,
        show,
    );
}

#[test]
fn single_structure_refusals() {
    check_table(
        &[
            ("", "SCAN_EMPTY: nothing was scanned"),
            (" \r\n", "SCAN_EMPTY: nothing was scanned"),
            (
                "=",
                "SCAN_UNKNOWN_DATA_IDENTIFIER: unknown data identifier \"=\"",
            ),
            (
                "=%T300",
                "SCAN_UNKNOWN_DATA_IDENTIFIER: unknown data identifier \"=%\"",
            ),
            (
                "=O99992600000100",
                "SCAN_UNKNOWN_DATA_IDENTIFIER: unknown data identifier \"=O\"",
            ),
            (
                "A9999260000018",
                "SCAN_UNKNOWN_DATA_IDENTIFIER: unknown data identifier \"A9\"",
            ),
            (
                "&a0000",
                "SCAN_UNKNOWN_DATA_IDENTIFIER: unknown data identifier \"&a\"",
            ),
            (
                "=A999926000001",
                "SCAN_WRONG_LENGTH: DIN (data structure 001) must be 16 characters, found 14",
            ),
            (
                "=A99992600000100=<S1234V00",
                "SCAN_WRONG_LENGTH: DIN (data structure 001) must be 16 characters, found 26",
            ),
            (
                "=<S1234V0",
                "SCAN_WRONG_LENGTH: product code (=<) must be 10 characters, found 9",
            ),
            (
                "&>026120",
                "SCAN_WRONG_LENGTH: expiry date and time (&>) must be 12 characters, found 8",
            ),
            (
                "&#01",
                "SCAN_WRONG_LENGTH: patient identification (&#) must be 6 characters, found 4",
            ),
            (
                "&#0105ABC1",
                "SCAN_WRONG_LENGTH: patient identification (&#) must be 11 characters, found 10",
            ),
            (
                "&#01XXABC12",
                "PATIENT_ID_BAD_LENGTH_FIELD: patient identification: patient number length must be two digits from 01 to 99",
            ),
            (
                "=A99992600000169",
                "DIN_FLAG_MISMATCH: DIN: type 3 flag 69 does not match the DIN (expected 68)",
            ),
            (
                "=A99992600000112",
                "FLAG_RESERVED: DIN: bad flag: flag 12 is reserved and not accepted",
            ),
            (
                "=<s1234V00",
                "PRODUCT_CODE_LOWERCASE: product code: ISBT 128 is uppercase: lowercase is refused in character 1 of a product code",
            ),
            (
                "=>026366",
                "DATE_DAY_OUT_OF_RANGE: date: day 366 does not exist in 2026",
            ),
            (
                "='A9999TECH-1",
                "STAFF_ID_BAD_CHARACTER: staff identification: character 10 of a staff identification must be 0-9 or A-Z, found '-'",
            ),
            (
                "=/A9997XYZ100T04X9",
                "PRODUCT_CODE_NOT_DIGIT: processor product identification code: bad product description code: character 15 of a product code must be a digit, found 'X'",
            ),
            (
                "&/CXA999926000001",
                "COI_MISSING_PREFIX: chain of identity identifier: a chain of identity identifier starts with CH",
            ),
            (
                "=+01000=<S1234V00",
                "SCAN_UNEXPECTED_COMPOUND: a compound message holds several structures; read it with Scan::parse_all",
            ),
        ],
        Scan::parse,
        show,
    );
}

#[test]
fn compound_and_concatenated_messages() {
    check_table(
        &[
            (
                "=+04000=/A9997XYZ100T0479=A99992600000100=<S1234V00=>026120\r\n",
                "ok ppic A9997XYZ100T0479 | din A999926000001 flag 00 | product S1234V00 | expiry 2026-04-30 23:59:00",
            ),
            (
                "=+03035&/CHA999926000001&#0105ABC12&*0260150930",
                "ok coi CHA999926000001 | patient 01 ABC12 | collection 2026-01-15 09:30",
            ),
            ("=A99992600000168", "ok din A999926000001 flag 68"),
            (
                "=A99992600000100=<S1234V00",
                "ok din A999926000001 flag 00 | product S1234V00",
            ),
            (
                "=+03000=<S1234V00=>026120",
                "SCAN_COMPOUND_COUNT_MISMATCH: compound message announces 3 data structures, found 2",
            ),
            (
                "=+01000=<S1234V00=>026120",
                "SCAN_COMPOUND_COUNT_MISMATCH: compound message announces 1 data structures, found 2",
            ),
            (
                "=+0A000=<S1234V00",
                "SCAN_BAD_COMPOUND_HEADER: compound message header must be =+ then 2 digits (01-99) and 3 digits",
            ),
            (
                "=+00000",
                "SCAN_BAD_COMPOUND_HEADER: compound message header must be =+ then 2 digits (01-99) and 3 digits",
            ),
            (
                "=+01",
                "SCAN_WRONG_LENGTH: compound message header (=+) must be 7 characters, found 4",
            ),
            (
                "=+02000=+01000=<S1234V00",
                "SCAN_NESTED_COMPOUND: a compound message cannot hold another compound message",
            ),
            (
                "=+02000=<S1234V00=A9999260000",
                "SCAN_WRONG_LENGTH: DIN (data structure 001) must be 16 characters, found 12",
            ),
            (
                "=+02000=<S1234V00 =>026120",
                "SCAN_UNKNOWN_DATA_IDENTIFIER: unknown data identifier \" =\"",
            ),
            (
                "=+02000=<S1234V00=%T300",
                "SCAN_UNKNOWN_DATA_IDENTIFIER: unknown data identifier \"=%\"",
            ),
            (
                "=+02000=<S1234V00=A99992600000169",
                "DIN_FLAG_MISMATCH: DIN: type 3 flag 69 does not match the DIN (expected 68)",
            ),
        ],
        Scan::parse_all,
        show_all,
    );
}

#[test]
fn structure_names() {
    let scans = Scan::parse_all("=+02000=A99992600000100&#0105ABC12").unwrap();
    let names: Vec<&str> = scans.iter().map(Scan::structure_name).collect();
    assert_eq!(names, ["DIN", "patient identification"]);
}
