//! Tests of the ISBT 128 module: table-driven, `(input, expected)` rendered as text in the style
//! of rust-analyzer's `check`, so a failing row shows what came out. Fixtures use only the test
//! FINs A9990-A9999, apart from the published MOD 37-2 example `G123417654321`.

mod check;
mod dates;
mod din;
mod fin_flag_product;
mod ids;
mod label;
mod property;
mod scan;

use std::fmt::Display;

use super::*;

/// The stable code of an error, so one helper can render every error enum.
trait Coded: Display {
    fn code(&self) -> &'static str;
}

macro_rules! coded {
    ($($error:ty),* $(,)?) => {
        $(impl Coded for $error {
            fn code(&self) -> &'static str {
                <$error>::code(self)
            }
        })*
    };
}

coded!(
    CheckError,
    FinError,
    DinError,
    FlagError,
    ProductCodeError,
    DateError,
    PatientIdError,
    StaffIdError,
    ProcessorProductIdError,
    ChainOfIdentityError,
    ScanError,
    CompoundError,
);

/// Renders a result as `ok <value>` or `<CODE>: <message>`, checking the message style.
fn render<T, E: Coded>(result: Result<T, E>, show: impl Fn(T) -> String) -> String {
    match result {
        Ok(value) => format!("ok {}", show(value)),
        Err(error) => {
            let message = error.to_string();
            assert!(
                !message.ends_with('.'),
                "message ends with a period: {message}"
            );
            assert!(!message.is_empty(), "empty message for {}", error.code());
            format!("{}: {message}", error.code())
        }
    }
}

/// Asserts every row: `render(parse(input)) == expected`.
fn check_table<T, E: Coded>(
    cases: &[(&str, &str)],
    parse: impl Fn(&str) -> Result<T, E>,
    show: impl Fn(T) -> String,
) {
    for (input, expected) in cases {
        let actual = render(parse(input), &show);
        assert_eq!(&actual, expected, "input {input:?}");
    }
}

fn test_fin() -> Fin {
    Fin::parse("A9999").unwrap()
}
