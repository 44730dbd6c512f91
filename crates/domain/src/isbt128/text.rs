//! Character classes and small helpers shared by the ISBT 128 parsers.

/// Whether the text holds an ASCII lowercase letter (ISBT 128 identifiers are uppercase).
pub(crate) fn has_lowercase(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_lowercase())
}

/// Whether `c` is an ASCII digit or an uppercase ASCII letter.
pub(crate) fn is_upper_alphanumeric(c: char) -> bool {
    c.is_ascii_digit() || c.is_ascii_uppercase()
}

/// The first character (1-based position and the character) of `chars` that fails `allowed`,
/// with `offset` added to the position so it counts from the start of the caller's input.
pub(crate) fn first_not(
    chars: &[char],
    offset: usize,
    allowed: impl Fn(char) -> bool,
) -> Option<(usize, char)> {
    chars
        .iter()
        .position(|c| !allowed(*c))
        .map(|idx| (offset + idx + 1, chars[idx]))
}

/// The number written by ASCII digits; the caller has checked that every character is a digit.
pub(crate) fn digits_value(chars: &[char]) -> u32 {
    chars
        .iter()
        .fold(0, |acc, c| acc * 10 + c.to_digit(10).unwrap_or(0))
}

/// Copies exactly `N` ASCII characters into a byte array; the caller has checked length and class.
pub(crate) fn ascii_array<const N: usize>(chars: &[char]) -> [u8; N] {
    let mut bytes = [0_u8; N];
    for (byte, c) in bytes.iter_mut().zip(chars) {
        *byte = u8::try_from(u32::from(*c)).unwrap_or(b'?');
    }
    bytes
}

/// The text of an array of ASCII bytes built by [`ascii_array`].
pub(crate) fn ascii_str(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or("?")
}
