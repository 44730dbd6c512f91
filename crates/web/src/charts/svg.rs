//! Writing SVG text: escaping, number formatting, the accessible root element.

/// Text, dark grey: 17.4:1 on white.
pub(super) const TEXT: &str = "#1a1a1a";
/// The main data colour, blue: 6.6:1 on white.
pub(super) const BLUE: &str = "#0b5cad";
/// Infusions and serious events, brown: 6.7:1 on white.
pub(super) const BROWN: &str = "#8a4b00";
/// A third data colour, purple: 9.9:1 on white.
pub(super) const PURPLE: &str = "#5a2d82";
/// Grid lines: decorative only (every value is also printed), so they need no contrast.
pub(super) const GRID: &str = "#d9d9d9";

/// The font size of tick labels, bar values and legends.
pub(super) const SMALL: &str = "11";
/// The font size of axis titles and notices.
pub(super) const NORMAL: &str = "12";

/// `text` with the five XML special characters replaced by entities, safe in element content
/// and in double- or single-quoted attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// `value` rounded to at most two decimals without trailing zeros (`12`, `2.5`, `0.33`).
/// A value that is not finite prints as `0`: no `NaN` or `inf` ever reaches a page, and
/// rounding never prints `-0`.
pub(super) fn num(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    if !rounded.is_finite() || rounded == 0.0 {
        return "0".to_owned();
    }
    let text = format!("{rounded:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A change as `+2.5`, `-4` or `0`: the sign says the direction without the bar's position.
pub(super) fn signed(value: f64) -> String {
    let text = num(value);
    if text == "0" || text.starts_with('-') {
        text
    } else {
        format!("+{text}")
    }
}

/// A word list as people write it: `a`, `a and b`, `a, b and c`.
pub(super) fn words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The prefix of a chart's element ids, reduced to letters, digits, `-` and `_` so the ids are
/// single tokens in `aria-labelledby` whatever the caller passed.
fn id_token(prefix: &str) -> String {
    let token: String = prefix
        .chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() || character == '-' || character == '_' {
                character
            } else {
                '_'
            }
        })
        .collect();
    if token.is_empty() {
        "chart".to_owned()
    } else {
        token
    }
}

/// An SVG document being written, one element a line.
pub(super) struct Svg {
    out: String,
}

impl Svg {
    /// The root element, with the title and description that assistive technology reads out
    /// instead of the drawing (`role="img"`, `aria-labelledby`). The namespace makes the text
    /// valid on its own too, for a `data:` image.
    pub(super) fn open(id_prefix: &str, width: f64, height: f64, title: &str, desc: &str) -> Self {
        let id = id_token(id_prefix);
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" \
             aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {} {}\" width=\"100%\" \
             font-family=\"sans-serif\">\n",
            num(width),
            num(height),
        );
        out.push_str(&format!(
            "<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n",
            escape(title),
            escape(desc),
        ));
        Self { out }
    }

    /// Appends `<name …/>`.
    pub(super) fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.start(name, attributes);
        self.out.push_str("/>\n");
    }

    /// Appends `<name …><title>tooltip</title></name>`: the tooltip names what a mark stands
    /// for when a pointer rests on it.
    pub(super) fn with_tooltip(&mut self, name: &str, attributes: &[(&str, &str)], tooltip: &str) {
        self.start(name, attributes);
        self.out
            .push_str(&format!("><title>{}</title></{name}>\n", escape(tooltip)));
    }

    /// Appends a `<text>` at (`x`, `y`) in the small font and the text colour.
    pub(super) fn text(&mut self, x: f64, y: f64, anchor: &str, content: &str) {
        self.text_with(
            &[
                ("x", &num(x)),
                ("y", &num(y)),
                ("text-anchor", anchor),
                ("font-size", SMALL),
                ("fill", TEXT),
            ],
            content,
        );
    }

    /// Appends a `<text>` with `attributes`.
    pub(super) fn text_with(&mut self, attributes: &[(&str, &str)], content: &str) {
        self.start("text", attributes);
        self.out.push_str(&format!(">{}</text>\n", escape(content)));
    }

    /// Closes the root element and returns the document.
    pub(super) fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }

    fn start(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (attribute, value) in attributes {
            self.out
                .push_str(&format!(" {attribute}=\"{}\"", escape(value)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{BLUE, BROWN, PURPLE, TEXT, escape, id_token, num, signed, words};

    #[test]
    fn numbers_have_at_most_two_decimals_and_are_always_finite() {
        let cases = [
            (12.0, "12"),
            (2.5, "2.5"),
            (1.0 / 3.0, "0.33"),
            (-0.001, "0"),
            (-4.256, "-4.26"),
            (0.1 + 0.2, "0.3"),
            (f64::NAN, "0"),
            (f64::INFINITY, "0"),
            (f64::MAX, "0"),
        ];
        for (value, text) in cases {
            assert_eq!(num(value), text, "{value}");
        }
        assert_eq!(signed(2.5), "+2.5");
        assert_eq!(signed(-4.0), "-4");
        assert_eq!(signed(0.0), "0");
    }

    #[test]
    fn special_characters_are_escaped_and_ids_are_tokens() {
        assert_eq!(escape(r#"a<&">'b"#), "a&lt;&amp;&quot;&gt;&#39;b");
        assert_eq!(id_token("course 1\"><x"), "course_1___x");
        assert_eq!(id_token(""), "chart");
        assert_eq!(words(&["a".into(), "b".into(), "c".into()]), "a, b and c");
    }

    /// WCAG 2 relative luminance of `#rrggbb`.
    fn luminance(colour: &str) -> f64 {
        let channel = |index: usize| {
            let value = u8::from_str_radix(&colour[1 + 2 * index..3 + 2 * index], 16).expect("hex")
                as f64
                / 255.0;
            if value <= 0.039_28 {
                value / 12.92
            } else {
                ((value + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
    }

    #[test]
    fn colours_contrast_with_white_enough_for_text() {
        // Every colour here also colours text (values, labels), so each needs 4.5:1.
        for colour in [TEXT, BLUE, BROWN, PURPLE] {
            let ratio = 1.05 / (luminance(colour) + 0.05);
            assert!(ratio >= 4.5, "{colour}: {ratio}");
        }
    }
}
