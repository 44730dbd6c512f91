use chrono::{Datelike, NaiveDate, NaiveTime};

use super::*;

fn show(label: LabelDateTime) -> String {
    match label.time() {
        Some(time) => format!("{} {}", label.date(), time.format("%H:%M")),
        None => label.date().to_string(),
    }
}

#[test]
fn dates() {
    check_table(
        &[
            ("026001", "ok 2026-01-01"),
            ("026120", "ok 2026-04-30"),
            ("024366", "ok 2024-12-31"),
            ("000060", "ok 2000-02-29"),
            ("126001", "ok 2126-01-01"),
            (
                "026366",
                "DATE_DAY_OUT_OF_RANGE: day 366 does not exist in 2026",
            ),
            (
                "026000",
                "DATE_DAY_OUT_OF_RANGE: day 000 does not exist in 2026",
            ),
            (
                "026999",
                "DATE_DAY_OUT_OF_RANGE: day 999 does not exist in 2026",
            ),
            (
                "02601",
                "DATE_WRONG_LENGTH: expected 6 digits, found 5 characters",
            ),
            (
                "0260150930",
                "DATE_WRONG_LENGTH: expected 6 digits, found 10 characters",
            ),
            (
                "02601A",
                "DATE_NOT_DIGIT: character 6 of the date must be a digit, found 'A'",
            ),
        ],
        LabelDateTime::parse_date,
        show,
    );
}

#[test]
fn date_times() {
    check_table(
        &[
            // ST-012 section 6.2: the expiry that the SEC states as 2018-12-31.
            ("0183652359", "ok 2018-12-31 23:59"),
            ("0260150930", "ok 2026-01-15 09:30"),
            ("0260150000", "ok 2026-01-15 00:00"),
            (
                "0260152400",
                "DATE_BAD_TIME: time 2400 is not a time of day (0000 to 2359)",
            ),
            (
                "0260151260",
                "DATE_BAD_TIME: time 1260 is not a time of day (0000 to 2359)",
            ),
            (
                "026015093",
                "DATE_WRONG_LENGTH: expected 10 digits, found 9 characters",
            ),
            (
                "02601509 0",
                "DATE_NOT_DIGIT: character 9 of the date must be a digit, found ' '",
            ),
        ],
        LabelDateTime::parse_date_time,
        show,
    );
}

#[test]
fn construction_and_encoding() {
    let date = NaiveDate::from_ymd_opt(2026, 4, 30).unwrap();
    let time = NaiveTime::from_hms_opt(9, 5, 0).unwrap();
    let with_time = LabelDateTime::new(date, Some(time)).unwrap();
    assert_eq!(with_time.content(), "0261200905");
    assert_eq!(
        with_time.to_data_structure(DateKind::Expiry),
        "&>0261200905"
    );
    assert_eq!(
        with_time.to_data_structure(DateKind::Collection),
        "&*0261200905"
    );
    let date_only = LabelDateTime::new(date, None).unwrap();
    assert_eq!(
        date_only.to_data_structure(DateKind::Production),
        "=}026120"
    );
    let later = LabelDateTime::new(NaiveDate::from_ymd_opt(2126, 1, 1).unwrap(), None).unwrap();
    assert_eq!(later.content(), "126001");

    let before_2000 = NaiveDate::from_ymd_opt(1999, 12, 31).unwrap();
    assert_eq!(
        render(LabelDateTime::new(before_2000, None), show),
        "DATE_YEAR_OUT_OF_RANGE: ISBT 128 dates cover the years 2000 to 2999, found 1999"
    );
    let with_seconds = NaiveTime::from_hms_opt(9, 5, 30).unwrap();
    assert_eq!(
        render(LabelDateTime::new(date, Some(with_seconds)), show),
        "DATE_NOT_WHOLE_MINUTE: a label time is whole minutes; seconds are refused"
    );
}

#[test]
fn every_day_of_two_years_round_trips() {
    for year in [2026, 2028] {
        let mut date = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        while date.year() == year {
            let label = LabelDateTime::new(date, None).unwrap();
            assert_eq!(LabelDateTime::parse_date(&label.content()), Ok(label));
            date = date.succ_opt().unwrap();
        }
    }
}

#[test]
fn expiry_without_time_is_end_of_day() {
    let date_only = Expiry::new(LabelDateTime::parse_date("026120").unwrap());
    assert_eq!(date_only.at().to_string(), "2026-04-30 23:59:00");
    let timed = Expiry::new(LabelDateTime::parse_date_time("0261200905").unwrap());
    assert_eq!(timed.at().to_string(), "2026-04-30 09:05:00");
    assert_eq!(timed.label().time(), NaiveTime::from_hms_opt(9, 5, 0));
}

#[test]
fn serde_is_checked() {
    let label = LabelDateTime::parse_date_time("0261200905").unwrap();
    let json = serde_json::to_string(&label).unwrap();
    assert_eq!(json, r#"{"date":"2026-04-30","time":"09:05:00"}"#);
    assert_eq!(serde_json::from_str::<LabelDateTime>(&json).unwrap(), label);
    assert!(serde_json::from_str::<LabelDateTime>(r#"{"date":"1999-04-30","time":null}"#).is_err());
    assert!(
        serde_json::from_str::<LabelDateTime>(r#"{"date":"2026-04-30","time":"09:05:30"}"#)
            .is_err()
    );
}
