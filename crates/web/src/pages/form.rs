//! Forms as the pages read them: the fields a person typed, kept to be shown again after a
//! refusal, and the few changes of shape a page makes before the API sees them (a whole
//! number, an empty field as "not given", a time in the facility's zone). What a value may be
//! is the API's rule, never a page's.

use serde_json::Value;

use super::Shown;

/// The fields of a posted form, in order; a name may repeat (checkboxes).
#[derive(Clone, Debug, Default)]
pub(crate) struct Fields(pub(crate) Vec<(String, String)>);

impl Fields {
    /// The first value of `name`, trimmed; empty when absent.
    pub(crate) fn text(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.trim())
    }

    /// Every value of `name`, trimmed, without the empty ones.
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .filter(|value| !value.is_empty())
            .collect()
    }

    /// The value of `name` as a string, or `null` when left empty.
    pub(crate) fn optional(&self, name: &str) -> Value {
        match self.text(name) {
            "" => Value::Null,
            value => Value::String(value.to_owned()),
        }
    }

    /// The value of `name` as a whole number, `null` when left empty.
    pub(crate) fn whole(&self, name: &str, label: &str) -> Result<Value, Problem> {
        match self.text(name) {
            "" => Ok(Value::Null),
            value => value
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| Problem::new(name, format!("{label} must be a whole number"))),
        }
    }

    /// The value of `name`, which must not be empty.
    pub(crate) fn required(&self, name: &str, label: &str) -> Result<&str, Problem> {
        match self.text(name) {
            "" => Err(Problem::new(name, format!("{label} is required"))),
            value => Ok(value),
        }
    }

    /// The non-empty lines of the text area `name`.
    pub(crate) fn lines(&self, name: &str) -> Vec<&str> {
        self.text(name)
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect()
    }

    /// Whether the checkbox `name` is ticked.
    pub(crate) fn ticked(&self, name: &str) -> bool {
        !self.text(name).is_empty()
    }
}

/// Why a form was not sent to the API: its field and the sentence.
#[derive(Clone, Debug)]
pub(crate) struct Problem {
    pub(crate) field: String,
    pub(crate) message: String,
}

impl Problem {
    pub(crate) fn new(field: &str, message: String) -> Self {
        Self {
            field: field.to_owned(),
            message,
        }
    }

    /// The problem as a refusal is shown: nothing was sent, so nothing was recorded.
    pub(crate) fn shown(&self) -> Shown {
        Shown {
            message: format!("{}; nothing was recorded", self.message),
            code: "VALIDATION".to_owned(),
            reasons: Vec::new(),
        }
    }
}

/// A form that was refused, to show again with what was typed and why.
pub(crate) struct Refused {
    /// Which form (its action's name).
    pub(crate) form: &'static str,
    pub(crate) fields: Fields,
    pub(crate) shown: Shown,
    /// The field the refusal concerns, when a page found it.
    pub(crate) field: Option<String>,
}

impl Refused {
    /// The value typed in `name` of `form`, if this is that form.
    pub(crate) fn value(&self, form: &str, name: &str) -> Option<&str> {
        (self.form == form).then(|| self.fields.text(name))
    }
}

#[cfg(test)]
mod tests {
    use super::Fields;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn empty_fields_are_not_given_and_numbers_are_whole() {
        let form = fields(&[
            ("a", " 12 "),
            ("b", ""),
            ("c", "1.5"),
            ("d", "x"),
            ("d", "y"),
        ]);
        assert_eq!(form.whole("a", "A").ok(), Some(12.into()));
        assert_eq!(form.whole("b", "B").ok(), Some(serde_json::Value::Null));
        let problem = form.whole("c", "C").expect_err("not whole");
        assert_eq!(problem.field, "c");
        assert!(problem.message.contains("whole number"));
        assert_eq!(form.optional("b"), serde_json::Value::Null);
        assert_eq!(form.all("d"), ["x", "y"]);
        assert!(form.required("missing", "M").is_err());
    }
}
