use super::*;

#[test]
fn staff_ids() {
    check_table(
        &[
            ("A9999TECH01", "ok A9999TECH01 fin A9999 number TECH01"),
            (
                "A9999tech01",
                "STAFF_ID_LOWERCASE: ISBT 128 is uppercase: a staff identification with lowercase letters is refused",
            ),
            (
                "A9999TECH0",
                "STAFF_ID_WRONG_LENGTH: a staff identification is 11 characters (FIN and 6), found 10",
            ),
            (
                "O9999TECH01",
                "FIN_BAD_FIRST_CHARACTER: bad FIN in staff identification: a FIN starts with A-N, P-Z or 1-9 (no letter O, no zero), found 'O'",
            ),
            (
                "A9999TECH-1",
                "STAFF_ID_BAD_CHARACTER: character 10 of a staff identification must be 0-9 or A-Z, found '-'",
            ),
        ],
        StaffId::parse,
        |id| format!("{id} fin {} number {}", id.fin(), id.staff_number()),
    );
}

#[test]
fn processor_product_ids() {
    check_table(
        &[
            (
                "A9997XYZ100T0479",
                "ok A9997XYZ100T0479 fin A9997 product XYZ100 description T0479",
            ),
            (
                "A9997XYZ100t0479",
                "PPIC_LOWERCASE: ISBT 128 is uppercase: a processor product code with lowercase letters is refused",
            ),
            (
                "A9997XYZ100T047",
                "PPIC_WRONG_LENGTH: a processor product identification code is 16 characters, found 15",
            ),
            (
                "A99X7XYZ100T0479",
                "FIN_NOT_DIGIT: bad FIN in processor product identification code: character 4 of a FIN must be a digit, found 'X'",
            ),
            (
                "A9997XYZ10!T0479",
                "PPIC_BAD_CHARACTER: character 11 of a processor product code must be 0-9 or A-Z, found '!'",
            ),
            (
                "A9997XYZ100T04X9",
                "PRODUCT_CODE_NOT_DIGIT: bad product description code: character 15 of a product code must be a digit, found 'X'",
            ),
        ],
        ProcessorProductId::parse,
        |id| {
            format!(
                "{id} fin {} product {} description {}",
                id.fin(),
                id.facility_product_code(),
                id.description_code()
            )
        },
    );
}

#[test]
fn chain_of_identity_ids() {
    check_table(
        &[
            (
                "CHA999926000001",
                "ok CHA999926000001 fin A9999 year 26 sequence 1",
            ),
            (
                "CHA999926000000",
                "ok CHA999926000000 fin A9999 year 26 sequence 0",
            ),
            (
                "cHA999926000001",
                "COI_LOWERCASE: ISBT 128 is uppercase: a chain of identity identifier with lowercase letters is refused",
            ),
            (
                "CHA99992600001",
                "COI_WRONG_LENGTH: a chain of identity identifier is 15 characters, found 14",
            ),
            (
                "CXA999926000001",
                "COI_MISSING_PREFIX: a chain of identity identifier starts with CH",
            ),
            (
                "CH0999926000001",
                "FIN_BAD_FIRST_CHARACTER: bad FIN in chain of identity identifier: a FIN starts with A-N, P-Z or 1-9 (no letter O, no zero), found '0'",
            ),
            (
                "CHA99992600000X",
                "COI_NOT_DIGIT: character 15 of a chain of identity identifier must be a digit, found 'X'",
            ),
        ],
        ChainOfIdentityId::parse,
        |id| {
            format!(
                "{id} fin {} year {} sequence {}",
                id.fin(),
                id.year_2digit(),
                id.sequence()
            )
        },
    );
    let id = ChainOfIdentityId::parse("CHA999926000001").unwrap();
    assert_eq!(serde_json::to_string(&id).unwrap(), "\"CHA999926000001\"");
    assert_eq!(format!("{id:?}"), "ChainOfIdentityId(CHA999926000001)");
}

#[test]
fn patient_ids() {
    check_table(
        &[
            ("0105ABC12", "ok 0105ABC12 location 01 number ABC12"),
            ("AB01Z", "ok AB01Z location AB number Z"),
            (
                "01",
                "PATIENT_ID_TOO_SHORT: patient identification needs a location code and a length, found 2 characters",
            ),
            (
                "0105abc12",
                "PATIENT_ID_LOWERCASE: ISBT 128 is uppercase: a patient identification with lowercase letters is refused",
            ),
            (
                "0!05ABC12",
                "PATIENT_ID_BAD_LOCATION_CODE: patient location code must be two characters 0-9 or A-Z",
            ),
            (
                "01X5ABC12",
                "PATIENT_ID_BAD_LENGTH_FIELD: patient number length must be two digits from 01 to 99",
            ),
            (
                "0100",
                "PATIENT_ID_BAD_LENGTH_FIELD: patient number length must be two digits from 01 to 99",
            ),
            (
                "0106ABC12",
                "PATIENT_ID_LENGTH_MISMATCH: patient number length field says 6, found 5 characters",
            ),
            (
                "0105AB-12",
                "PATIENT_ID_BAD_CHARACTER: character 3 of the patient number must be 0-9 or A-Z",
            ),
        ],
        PatientId::parse,
        |id| {
            format!(
                "{id} location {} number {}",
                id.location_code(),
                id.number()
            )
        },
    );
    let too_long = "9".repeat(100);
    assert_eq!(
        render(PatientId::new("01", &too_long), |id| id.to_string()),
        "PATIENT_ID_BAD_NUMBER_LENGTH: patient number must be 1 to 99 characters, found 100"
    );
    assert_eq!(
        render(PatientId::new("01", ""), |id| id.to_string()),
        "PATIENT_ID_BAD_NUMBER_LENGTH: patient number must be 1 to 99 characters, found 0"
    );
    let id = PatientId::new("01", "ABC12").unwrap();
    assert_eq!(format!("{id:?}"), "PatientId(01, <redacted>)");
    assert_eq!(serde_json::to_string(&id).unwrap(), "\"0105ABC12\"");
    assert_eq!(
        serde_json::from_str::<PatientId>("\"0105ABC12\"").unwrap(),
        id
    );
}
