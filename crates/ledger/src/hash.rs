//! The 32-byte SHA-256 value used for entry hashes, Merkle nodes and signature content hashes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

/// A SHA-256 hash, written as 64 lowercase hexadecimal digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// Thirty-two zero bytes: the `prev_hash` of the first entry.
    pub const ZERO: Hash = Hash([0; 32]);

    /// SHA-256 of `data`, with no prefix.
    pub fn sha256(data: &[u8]) -> Self {
        Self(Sha256::digest(data).into())
    }

    /// The RFC 9162 leaf hash of `data`: SHA-256(0x00 || data).
    pub fn leaf(data: &[u8]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update([0x00]);
        hasher.update(data);
        Self(hasher.finalize().into())
    }

    /// The raw bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Converts to the hash type of `tlog_tiles`, which this crate keeps out of its public API.
    pub(crate) const fn to_tlog(self) -> tlog_tiles::Hash {
        tlog_tiles::Hash(self.0)
    }

    /// Converts from the hash type of `tlog_tiles`.
    pub(crate) const fn from_tlog(hash: tlog_tiles::Hash) -> Self {
        Self(hash.0)
    }
}

/// Why a string is not a hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a hash is exactly 64 lowercase hexadecimal digits")]
pub struct HashParseError;

impl FromStr for Hash {
    type Err = HashParseError;

    /// Parses 64 lowercase hex digits; uppercase is refused so that a parsed entry re-serializes
    /// to the same bytes.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let is_lower_hex = |byte: &u8| matches!(byte, b'0'..=b'9' | b'a'..=b'f');
        if text.len() != 64 || !text.as_bytes().iter().all(is_lower_hex) {
            return Err(HashParseError);
        }
        let mut bytes = [0_u8; 32];
        hex::decode_to_slice(text, &mut bytes).map_err(|_| HashParseError)?;
        Ok(Self(bytes))
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({self})")
    }
}

impl Serialize for Hash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Hash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_only_64_lowercase_hex_digits() {
        let valid = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";
        let cases = [
            (valid.to_owned(), true),
            (valid.to_uppercase(), false),
            (valid[..62].to_owned(), false),
            (format!("{valid}00"), false),
            (format!("{}zz", &valid[..62]), false),
            (String::new(), false),
        ];
        for (text, want_ok) in cases {
            let parsed = text.parse::<Hash>();
            assert_eq!(parsed.is_ok(), want_ok, "{text:?}");
            if let Ok(hash) = parsed {
                assert_eq!(hash.to_string(), text);
            }
        }
    }

    #[test]
    fn serde_uses_the_hex_string() {
        let hash = Hash::sha256(b"");
        let json = serde_json::to_string(&hash).unwrap();
        assert_eq!(
            json,
            "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\""
        );
        assert_eq!(serde_json::from_str::<Hash>(&json).unwrap(), hash);
        assert!(serde_json::from_str::<Hash>("\"E3B0\"").is_err());
    }

    #[test]
    fn leaf_hash_equals_tlog_record_hash() {
        for data in [&b""[..], b"\x00", b"cordtrace"] {
            assert_eq!(Hash::leaf(data).to_tlog(), tlog_tiles::record_hash(data));
        }
    }

    #[test]
    fn zero_prints_as_64_zeros() {
        assert_eq!(Hash::ZERO.to_string(), "0".repeat(64));
    }
}
