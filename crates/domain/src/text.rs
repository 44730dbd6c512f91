//! Free text that is printed for people: the one check every text type runs.
//!
//! Names, labels, notes and reasons end up on certificates, signature manifestations, labels,
//! audit trails and screens. A character that changes how the text around it is displayed, or
//! that displays as nothing, lets two different texts look the same or one text read as another
//! (a right-to-left override shows the characters after it reversed; a zero-width space gives a
//! second account a printed name that looks exactly like the first's). Every free-text type of the domain
//! ([`Label`](crate::values::Label), [`Narrative`](crate::values::Narrative),
//! [`PrintedName`](crate::identity::PrintedName), [`TestUnit`](crate::release::TestUnit)) parses
//! through [`printable`] or [`printable_lines`], so a new text field gets the rule by using one of
//! those types.
//!
//! Refused: control characters (a multi-line text keeps tab, line feed and carriage return),
//! bidirectional formatting characters (embeddings, overrides, isolates and the marks LRM, RLM
//! and ALM), invisible formatting characters (zero-width space, joiner and non-joiner, word
//! joiner, byte order mark, soft hyphen, invisible operators, deprecated format characters,
//! interlinear annotation, tag characters, line and paragraph separators), Unicode
//! noncharacters and private-use characters. Letters, marks, digits, punctuation and symbols of
//! every script pass: `Zoë Ångström`, `李小龙` and `محمد` are names like any other.

use std::fmt;

/// The reason code of a refused character, in `extensions.reasons` of a VALIDATION error.
pub const UNSAFE_CHARACTER: &str = "UNSAFE_CHARACTER";

/// Why a character may not appear in free text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnsafeClass {
    /// A C0 or C1 control character or DELETE.
    Control,
    /// A character that reorders or re-directs the text around it when displayed.
    Bidirectional,
    /// A character that displays as nothing, or as a line break inside one line.
    Invisible,
    /// A code point Unicode reserves never to be a character (U+FDD0..U+FDEF, every U+xxFFFE
    /// and U+xxFFFF).
    Noncharacter,
    /// A private-use character, whose glyph depends on the font.
    PrivateUse,
}

impl UnsafeClass {
    /// The class in words, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            UnsafeClass::Control => "a control character",
            UnsafeClass::Bidirectional => "a bidirectional formatting character",
            UnsafeClass::Invisible => "an invisible formatting character",
            UnsafeClass::Noncharacter => "a noncharacter",
            UnsafeClass::PrivateUse => "a private-use character",
        }
    }
}

/// A free text that holds a character it may not: the first such character, and what the text
/// is ("the printed name", "full name", "notes").
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what} contains {}, which is not allowed", Described(*.character))]
pub struct UnsafeCharacter {
    /// What the text is, as the field is named in messages.
    pub what: &'static str,
    /// The character.
    pub character: char,
    /// Why it is refused.
    pub class: UnsafeClass,
}

impl UnsafeCharacter {
    /// The reason code, [`UNSAFE_CHARACTER`].
    pub fn code(&self) -> &'static str {
        UNSAFE_CHARACTER
    }
}

/// Checks a one-line text (a name, a label): any [`UnsafeClass`] character is refused.
pub fn printable<'a>(text: &'a str, what: &'static str) -> Result<&'a str, UnsafeCharacter> {
    check(text, what, false)
}

/// Checks a text that may run over several lines (notes, a narrative): as [`printable`], except
/// that tab, line feed and carriage return are kept.
pub fn printable_lines<'a>(text: &'a str, what: &'static str) -> Result<&'a str, UnsafeCharacter> {
    check(text, what, true)
}

fn check<'a>(text: &'a str, what: &'static str, lines: bool) -> Result<&'a str, UnsafeCharacter> {
    let found = text.chars().find_map(|character| {
        if lines && matches!(character, '\t' | '\n' | '\r') {
            return None;
        }
        classify(character).map(|class| (character, class))
    });
    match found {
        Some((character, class)) => Err(UnsafeCharacter {
            what,
            character,
            class,
        }),
        None => Ok(text),
    }
}

/// The class of a character free text may not hold, or `None` for one it may.
pub fn classify(character: char) -> Option<UnsafeClass> {
    let code_point = u32::from(character);
    if character.is_control() {
        return Some(UnsafeClass::Control);
    }
    if (0xFDD0..=0xFDEF).contains(&code_point) || (code_point & 0xFFFE) == 0xFFFE {
        return Some(UnsafeClass::Noncharacter);
    }
    match code_point {
        0x061C | 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069 => {
            Some(UnsafeClass::Bidirectional)
        }
        0x00AD
        | 0x180E
        | 0x200B..=0x200D
        | 0x2028
        | 0x2029
        | 0x2060..=0x2064
        | 0x206A..=0x206F
        | 0xFEFF
        | 0xFFF9..=0xFFFB
        | 0xE0000..=0xE007F => Some(UnsafeClass::Invisible),
        0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x10_0000..=0x10_FFFD => {
            Some(UnsafeClass::PrivateUse)
        }
        _ => None,
    }
}

/// The Unicode name of the refused characters people are most likely to meet.
fn name(character: char) -> Option<&'static str> {
    Some(match character {
        '\u{0}' => "NULL",
        '\u{7}' => "BELL",
        '\u{8}' => "BACKSPACE",
        '\t' => "CHARACTER TABULATION",
        '\n' => "LINE FEED",
        '\u{b}' => "LINE TABULATION",
        '\u{c}' => "FORM FEED",
        '\r' => "CARRIAGE RETURN",
        '\u{1b}' => "ESCAPE",
        '\u{7f}' => "DELETE",
        '\u{85}' => "NEXT LINE",
        '\u{ad}' => "SOFT HYPHEN",
        '\u{61c}' => "ARABIC LETTER MARK",
        '\u{180e}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{200b}' => "ZERO WIDTH SPACE",
        '\u{200c}' => "ZERO WIDTH NON-JOINER",
        '\u{200d}' => "ZERO WIDTH JOINER",
        '\u{200e}' => "LEFT-TO-RIGHT MARK",
        '\u{200f}' => "RIGHT-TO-LEFT MARK",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{202a}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202b}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202c}' => "POP DIRECTIONAL FORMATTING",
        '\u{202d}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202e}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{feff}' => "ZERO WIDTH NO-BREAK SPACE",
        _ => return None,
    })
}

/// A refused character as messages show it: `U+202E RIGHT-TO-LEFT OVERRIDE`, or, for one
/// without a name here, `U+E000 (a private-use character)`.
struct Described(char);

impl fmt::Display for Described {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code_point = u32::from(self.0);
        match (name(self.0), classify(self.0)) {
            (Some(name), _) => write!(f, "U+{code_point:04X} {name}"),
            (None, Some(class)) => write!(f, "U+{code_point:04X} ({})", class.describe()),
            (None, None) => write!(f, "U+{code_point:04X}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_of_unsafe_character_is_refused_and_named() {
        let cases: &[(&str, UnsafeClass, &str)] = &[
            // Control characters.
            ("Ada\u{0}Tester", UnsafeClass::Control, "U+0000 NULL"),
            ("Ada\u{7}", UnsafeClass::Control, "U+0007 BELL"),
            ("Ada\u{1b}[31m", UnsafeClass::Control, "U+001B ESCAPE"),
            ("Ada\u{7f}", UnsafeClass::Control, "U+007F DELETE"),
            ("Ada\u{85}", UnsafeClass::Control, "U+0085 NEXT LINE"),
            (
                "Ada\u{9b}",
                UnsafeClass::Control,
                "U+009B (a control character)",
            ),
            ("Ada\nTester", UnsafeClass::Control, "U+000A LINE FEED"),
            // Bidirectional embeddings, overrides, isolates and marks.
            (
                "Ada\u{202a}",
                UnsafeClass::Bidirectional,
                "U+202A LEFT-TO-RIGHT EMBEDDING",
            ),
            (
                "Ada\u{202b}",
                UnsafeClass::Bidirectional,
                "U+202B RIGHT-TO-LEFT EMBEDDING",
            ),
            (
                "Ada\u{202c}",
                UnsafeClass::Bidirectional,
                "U+202C POP DIRECTIONAL FORMATTING",
            ),
            (
                "Ada\u{202d}",
                UnsafeClass::Bidirectional,
                "U+202D LEFT-TO-RIGHT OVERRIDE",
            ),
            (
                "Ada\u{202e}",
                UnsafeClass::Bidirectional,
                "U+202E RIGHT-TO-LEFT OVERRIDE",
            ),
            (
                "Ada\u{2066}",
                UnsafeClass::Bidirectional,
                "U+2066 LEFT-TO-RIGHT ISOLATE",
            ),
            (
                "Ada\u{2067}",
                UnsafeClass::Bidirectional,
                "U+2067 RIGHT-TO-LEFT ISOLATE",
            ),
            (
                "Ada\u{2068}",
                UnsafeClass::Bidirectional,
                "U+2068 FIRST STRONG ISOLATE",
            ),
            (
                "Ada\u{2069}",
                UnsafeClass::Bidirectional,
                "U+2069 POP DIRECTIONAL ISOLATE",
            ),
            (
                "Ada\u{200e}",
                UnsafeClass::Bidirectional,
                "U+200E LEFT-TO-RIGHT MARK",
            ),
            (
                "Ada\u{200f}",
                UnsafeClass::Bidirectional,
                "U+200F RIGHT-TO-LEFT MARK",
            ),
            (
                "محمد\u{61c}",
                UnsafeClass::Bidirectional,
                "U+061C ARABIC LETTER MARK",
            ),
            // Zero-width and other invisible characters.
            (
                "Ada\u{200b}Tester",
                UnsafeClass::Invisible,
                "U+200B ZERO WIDTH SPACE",
            ),
            (
                "Ada\u{200c}",
                UnsafeClass::Invisible,
                "U+200C ZERO WIDTH NON-JOINER",
            ),
            (
                "Ada\u{200d}",
                UnsafeClass::Invisible,
                "U+200D ZERO WIDTH JOINER",
            ),
            ("Ada\u{2060}", UnsafeClass::Invisible, "U+2060 WORD JOINER"),
            (
                "\u{feff}Ada",
                UnsafeClass::Invisible,
                "U+FEFF ZERO WIDTH NO-BREAK SPACE",
            ),
            ("Ad\u{ad}a", UnsafeClass::Invisible, "U+00AD SOFT HYPHEN"),
            (
                "Ada\u{2062}",
                UnsafeClass::Invisible,
                "U+2062 (an invisible formatting character)",
            ),
            (
                "Ada\u{e0041}",
                UnsafeClass::Invisible,
                "U+E0041 (an invisible formatting character)",
            ),
            (
                "Ada\u{2028}",
                UnsafeClass::Invisible,
                "U+2028 LINE SEPARATOR",
            ),
            // Noncharacters.
            (
                "Ada\u{fdd0}",
                UnsafeClass::Noncharacter,
                "U+FDD0 (a noncharacter)",
            ),
            (
                "Ada\u{fdef}",
                UnsafeClass::Noncharacter,
                "U+FDEF (a noncharacter)",
            ),
            (
                "Ada\u{fffe}",
                UnsafeClass::Noncharacter,
                "U+FFFE (a noncharacter)",
            ),
            (
                "Ada\u{ffff}",
                UnsafeClass::Noncharacter,
                "U+FFFF (a noncharacter)",
            ),
            (
                "Ada\u{1fffe}",
                UnsafeClass::Noncharacter,
                "U+1FFFE (a noncharacter)",
            ),
            (
                "Ada\u{10ffff}",
                UnsafeClass::Noncharacter,
                "U+10FFFF (a noncharacter)",
            ),
            // Private use: the BMP area and planes 15 and 16.
            (
                "Ada\u{e000}",
                UnsafeClass::PrivateUse,
                "U+E000 (a private-use character)",
            ),
            (
                "Ada\u{f8ff}",
                UnsafeClass::PrivateUse,
                "U+F8FF (a private-use character)",
            ),
            (
                "Ada\u{f0000}",
                UnsafeClass::PrivateUse,
                "U+F0000 (a private-use character)",
            ),
            (
                "Ada\u{10fffd}",
                UnsafeClass::PrivateUse,
                "U+10FFFD (a private-use character)",
            ),
        ];
        for &(text, class, shown) in cases {
            let error = printable(text, "the printed name").expect_err(text);
            assert_eq!(error.class, class, "{text:?}");
            assert_eq!(
                error.to_string(),
                format!("the printed name contains {shown}, which is not allowed"),
                "{text:?}"
            );
            assert_eq!(error.code(), "UNSAFE_CHARACTER");
        }
    }

    #[test]
    fn names_and_text_of_every_script_pass() {
        for text in [
            "Zoë Ångström",
            "李小龙",
            "محمد",
            "José María O'Brien-Núñez",
            "Nguyễn Thị Minh Khai",
            "Þórunn Ægisdóttir",
            "Дмитрий Шостакович",
            "שרה כהן",
            "देवनागरी",
            "x10^6 cells/mL, 37 °C ± 2 µL",
            "Dr. Ada Tester (QA) — 😀",
        ] {
            assert_eq!(printable(text, "a name"), Ok(text), "{text}");
        }
    }

    #[test]
    fn only_multi_line_text_keeps_tabs_and_line_breaks() {
        let notes = "first line\r\nsecond\tline\nthird";
        assert_eq!(printable_lines(notes, "notes"), Ok(notes));
        assert_eq!(
            printable(notes, "a label").map_err(|error| error.character),
            Err('\r')
        );
        for refused in ["a\u{0}b", "a\u{b}b", "a\u{200d}b", "a\u{2029}b"] {
            assert!(printable_lines(refused, "notes").is_err(), "{refused:?}");
        }
    }

    #[test]
    fn the_first_unsafe_character_is_the_one_named() {
        let error = printable("A\u{202e}B\u{200b}", "site").expect_err("refused");
        assert_eq!(error.character, '\u{202e}');
        assert_eq!(
            error.to_string(),
            "site contains U+202E RIGHT-TO-LEFT OVERRIDE, which is not allowed"
        );
    }
}
