//! Reading the bedside scans.

use crate::clinical::bedside::{BedsideScans, Wristband};

#[test]
fn wristbands() {
    let cases: [(&str, Result<&str, &str>); 8] = [
        ("WB-0001", Ok("WB-0001")),
        ("  WB-0001\\r\\n", Err("WRISTBAND_BAD_PLAIN_ID")),
        (" WB-0001\n", Ok("WB-0001")),
        ("&#0105AB123", Ok("AB123")),
        ("&#0105AB12", Err("SCAN_WRONG_LENGTH")),
        ("=<S1234VA0", Err("WRISTBAND_NOT_PATIENT_IDENTIFICATION")),
        ("", Err("WRISTBAND_EMPTY")),
        ("Jane Doe", Err("WRISTBAND_BAD_PLAIN_ID")),
    ];
    for (raw, expected) in cases {
        let got = Wristband::parse(raw);
        assert_eq!(
            got.as_ref()
                .map(Wristband::lookup_key)
                .map_err(|e| e.code()),
            expected,
            "{raw:?}"
        );
        if let Ok(wristband) = got {
            let shown = format!("{wristband:?}");
            assert!(
                !shown.contains("WB-0001") && !shown.contains("AB123"),
                "{shown}"
            );
        }
    }
}

#[test]
fn unit_scan_problems_are_coded() {
    // (unit scans, codes, whether DIN and product code still identify a unit to look up)
    let cases: [(&[&str], &[&str], bool); 8] = [
        (&["=A99992600000168", "=<S1234VA0"], &[], true),
        (&["=A99992600000168"], &["PRODUCT_CODE_NOT_SCANNED"], false),
        (&["=<S1234VA0"], &["DIN_NOT_SCANNED"], false),
        (
            &["=A99992600000168", "=A99992600000268", "=<S1234VA0"],
            &["DIN_FLAG_MISMATCH"],
            true,
        ),
        (
            &["=A99992600000168", "=A99992600000266", "=<S1234VA0"],
            &["DIN_CONFLICT"],
            false,
        ),
        (
            &["=A99992600000168", "=<S1234VA0", "=>027181", "=>027182"],
            &["EXPIRY_CONFLICT"],
            true,
        ),
        (
            &["=A99992600000109", "=<S1234VA0"],
            &["NOT_A_PRODUCT_LABEL"],
            false,
        ),
        (
            &["=A99992600000168", "=<s1234VA0"],
            &["PRODUCT_CODE_LOWERCASE"],
            false,
        ),
    ];
    for (unit, expected, identified) in cases {
        let scans = BedsideScans::parse(unit, "WB-0001");
        assert_eq!(scans.scan_errors(), expected, "{unit:?}");
        assert_eq!(scans.unit_key().is_some(), identified, "{unit:?}");
    }
}
