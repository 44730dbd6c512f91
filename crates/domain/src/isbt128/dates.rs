//! Dates and date-times of data structures 004 to 009: `cyyjjj` and `cyyjjjhhmm` after `=>`/`&>`
//! (expiry), `=*`/`&*` (collection) and `=}`/`&}` (production). One parser serves every tag.
//!
//! `c` is the century counted from 2000 (`0` = 2000-2099), `yy` the year, `jjj` the ordinal day
//! (366 only in a leap year), `hhmm` the time of day. Assumption: ST-001 does not spell out the
//! `c` arithmetic in the material consulted; the reading year = 2000 + 100 c + yy comes from a
//! third-party implementation that checks it against the ST-012 section 6.2 example
//! (`&>0183652359` = 2018-12-31 23:59).
//!
//! The times are local facility time, as printed on the label. Converting to UTC needs the
//! facility's time zone and happens outside this module.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use super::text::{digits_value, first_not};

/// Which date a date data structure carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DateKind {
    /// Expiry: `=>` date (data structure 004), `&>` date and time (005).
    Expiry,
    /// Collection: `=*` date (006), `&*` date and time (007).
    Collection,
    /// Production: `=}` date (008), `&}` date and time (009).
    Production,
}

impl DateKind {
    /// The data identifier for this kind, with or without a time of day.
    pub fn data_identifier(self, with_time: bool) -> &'static str {
        match (self, with_time) {
            (Self::Expiry, false) => "=>",
            (Self::Expiry, true) => "&>",
            (Self::Collection, false) => "=*",
            (Self::Collection, true) => "&*",
            (Self::Production, false) => "=}",
            (Self::Production, true) => "&}",
        }
    }

    /// The kind and whether a time follows, for a data identifier.
    pub(crate) fn from_data_identifier(identifier: &str) -> Option<(Self, bool)> {
        [Self::Expiry, Self::Collection, Self::Production]
            .into_iter()
            .flat_map(|kind| [(kind, false), (kind, true)])
            .find(|(kind, with_time)| kind.data_identifier(*with_time) == identifier)
    }
}

/// A date from a label, with the time of day when the label carries one. Years 2000 to 2999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "LabelDateTimeFields", into = "LabelDateTimeFields")]
pub struct LabelDateTime {
    date: NaiveDate,
    time: Option<NaiveTime>,
}

/// The serialized shape of [`LabelDateTime`], checked on the way in.
#[derive(Serialize, Deserialize)]
struct LabelDateTimeFields {
    date: NaiveDate,
    time: Option<NaiveTime>,
}

/// A date or date-time that cannot be read or represented.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The content is not 6 (`cyyjjj`) or 10 (`cyyjjjhhmm`) characters as its tag requires.
    #[error("expected {expected} digits, found {found} characters")]
    WrongLength {
        /// Characters expected.
        expected: usize,
        /// Characters found.
        found: usize,
    },
    /// A character is not a digit.
    #[error("character {position} of the date must be a digit, found {found:?}")]
    NotDigit {
        /// 1-based position in the content.
        position: usize,
        /// The character found.
        found: char,
    },
    /// The ordinal day does not exist in that year (000, above 365, or 366 outside a leap year).
    #[error("day {day:03} does not exist in {year}")]
    DayOutOfRange {
        /// The year read.
        year: i32,
        /// The ordinal day read.
        day: u32,
    },
    /// The time is not between 0000 and 2359.
    #[error("time {hour:02}{minute:02} is not a time of day (0000 to 2359)")]
    BadTime {
        /// Hours read.
        hour: u32,
        /// Minutes read.
        minute: u32,
    },
    /// The year cannot be written as `cyy`.
    #[error("ISBT 128 dates cover the years 2000 to 2999, found {year}")]
    YearOutOfRange {
        /// The year given.
        year: i32,
    },
    /// The time has seconds, which a label cannot carry.
    #[error("a label time is whole minutes; seconds are refused")]
    NotWholeMinute,
}

impl DateError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongLength { .. } => "DATE_WRONG_LENGTH",
            Self::NotDigit { .. } => "DATE_NOT_DIGIT",
            Self::DayOutOfRange { .. } => "DATE_DAY_OUT_OF_RANGE",
            Self::BadTime { .. } => "DATE_BAD_TIME",
            Self::YearOutOfRange { .. } => "DATE_YEAR_OUT_OF_RANGE",
            Self::NotWholeMinute => "DATE_NOT_WHOLE_MINUTE",
        }
    }
}

impl LabelDateTime {
    /// A label date, with a time of day in whole minutes when given.
    pub fn new(date: NaiveDate, time: Option<NaiveTime>) -> Result<Self, DateError> {
        if !(2000..=2999).contains(&date.year()) {
            return Err(DateError::YearOutOfRange { year: date.year() });
        }
        if time.is_some_and(|t| t.second() != 0 || t.nanosecond() != 0) {
            return Err(DateError::NotWholeMinute);
        }
        Ok(Self { date, time })
    }

    /// Parses `cyyjjj`, the content of `=>`, `=*` and `=}`.
    pub fn parse_date(content: &str) -> Result<Self, DateError> {
        Self::parse_content(content, false)
    }

    /// Parses `cyyjjjhhmm`, the content of `&>`, `&*` and `&}`.
    pub fn parse_date_time(content: &str) -> Result<Self, DateError> {
        Self::parse_content(content, true)
    }

    /// The one parser behind every date tag.
    fn parse_content(content: &str, with_time: bool) -> Result<Self, DateError> {
        let chars: Vec<char> = content.chars().collect();
        let expected = if with_time { 10 } else { 6 };
        if chars.len() != expected {
            return Err(DateError::WrongLength {
                expected,
                found: chars.len(),
            });
        }
        if let Some((position, found)) = first_not(&chars, 0, |c| c.is_ascii_digit()) {
            return Err(DateError::NotDigit { position, found });
        }
        let year =
            i32::try_from(2000 + 100 * digits_value(&chars[..1]) + digits_value(&chars[1..3]))
                .unwrap_or(i32::MAX);
        let day = digits_value(&chars[3..6]);
        let date =
            NaiveDate::from_yo_opt(year, day).ok_or(DateError::DayOutOfRange { year, day })?;
        let time = if with_time {
            let (hour, minute) = (digits_value(&chars[6..8]), digits_value(&chars[8..10]));
            let time = NaiveTime::from_hms_opt(hour, minute, 0)
                .ok_or(DateError::BadTime { hour, minute })?;
            Some(time)
        } else {
            None
        };
        Ok(Self { date, time })
    }

    /// The date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The time of day, when the label carries one.
    pub fn time(&self) -> Option<NaiveTime> {
        self.time
    }

    /// The content as encoded: `cyyjjj`, followed by `hhmm` when there is a time.
    pub fn content(&self) -> String {
        let years_from_2000 = self.date.year() - 2000;
        let mut content = format!(
            "{}{:02}{:03}",
            years_from_2000 / 100,
            years_from_2000 % 100,
            self.date.ordinal()
        );
        if let Some(time) = self.time {
            content.push_str(&format!("{:02}{:02}", time.hour(), time.minute()));
        }
        content
    }

    /// The whole data structure for `kind`, for example `=>026120` or `&*0260150930`.
    pub fn to_data_structure(&self, kind: DateKind) -> String {
        format!(
            "{}{}",
            kind.data_identifier(self.time.is_some()),
            self.content()
        )
    }
}

impl TryFrom<LabelDateTimeFields> for LabelDateTime {
    type Error = DateError;

    fn try_from(fields: LabelDateTimeFields) -> Result<Self, Self::Error> {
        Self::new(fields.date, fields.time)
    }
}

impl From<LabelDateTime> for LabelDateTimeFields {
    fn from(label: LabelDateTime) -> Self {
        Self {
            date: label.date,
            time: label.time,
        }
    }
}

/// The time a date-only expiry means (evaluated at compile time).
const END_OF_DAY: NaiveTime = match NaiveTime::from_hms_opt(23, 59, 0) {
    Some(time) => time,
    None => panic!("23:59 is a time of day"),
};

/// An expiry read from a label; a date without a time expires at 23:59 that day (domain.md:
/// "time defaults to 2359").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Expiry(LabelDateTime);

impl Expiry {
    /// The expiry a label date or date-time states.
    pub fn new(label: LabelDateTime) -> Self {
        Self(label)
    }

    /// The date (and time, if any) as printed.
    pub fn label(&self) -> LabelDateTime {
        self.0
    }

    /// The local facility date-time of expiry: the printed time, or 23:59 for a date alone.
    pub fn at(&self) -> NaiveDateTime {
        self.0.date.and_time(self.0.time.unwrap_or(END_OF_DAY))
    }
}
