//! A ledger entry: its fields, their JSON shape, and the hash that seals them.
//!
//! Every field is always present (`null`, never omitted), and every value has exactly one text
//! form, so an entry parsed from an export serializes back to the bytes it was hashed from.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::canonical::canonical_bytes;
use crate::hash::Hash;
use crate::payload::{ActionName, Payload};
use crate::time::Timestamp;

/// Who caused an entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Actor {
    /// cordtrace itself: bootstrap from the command line, scheduled work.
    System,
    /// A signed-in user acting in one role.
    User {
        /// The user.
        #[serde(with = "uuid_text")]
        user_id: Uuid,
        /// The role that authorised the action, such as `qa`.
        role: String,
    },
}

/// The JSON object of an actor, flattened, so that a `system` actor carrying a `user_id` or any
/// other field is refused (serde's internally tagged enums ignore extra fields on unit variants).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorJson {
    kind: String,
    #[serde(default, with = "optional_uuid_text")]
    user_id: Option<Uuid>,
    #[serde(default)]
    role: Option<String>,
}

impl<'de> Deserialize<'de> for Actor {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = ActorJson::deserialize(deserializer)?;
        match (json.kind.as_str(), json.user_id, json.role) {
            ("system", None, None) => Ok(Actor::System),
            ("user", Some(user_id), Some(role)) => Ok(Actor::User { user_id, role }),
            _ => Err(de::Error::custom(
                "an actor is {\"kind\":\"system\"} or {\"kind\":\"user\",\"user_id\":...,\"role\":...}",
            )),
        }
    }
}

/// One aggregate an entry touches, and where the entry sits in that aggregate's sub-chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectLink {
    /// The kind of aggregate, such as `lot`, `unit` or `user`.
    pub kind: String,
    /// The aggregate's identifier as text.
    pub id: String,
    /// The `seq` of the previous entry about this subject; `None` for its first entry.
    #[serde(deserialize_with = "Option::deserialize")]
    pub prev_seq: Option<u64>,
}

/// Marks an entry as a correction of an earlier one (21 CFR 11.10(e): the old value stays).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// The `seq` of the corrected entry.
    pub seq: u64,
    /// Why the correction was made.
    pub reason: String,
}

/// What an electronic signature means (21 CFR 11.50(a)(3)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SignatureMeaning {
    /// "I wrote this."
    Authorship,
    /// "I reviewed this."
    Review,
    /// "I approve this."
    Approval,
    /// "I take responsibility for this."
    Responsibility,
    /// "I verified this."
    Verification,
}

/// The electronic signature recorded with an entry (21 CFR 11.50, 11.70).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntrySignature {
    /// The signer.
    #[serde(with = "uuid_text")]
    pub signer_id: Uuid,
    /// The signer's printed name at the time of signing.
    pub printed_name: String,
    /// When the signature was made.
    pub signed_at: Timestamp,
    /// What the signature means.
    pub meaning: SignatureMeaning,
    /// [`signed_content_hash`](crate::signed_content_hash) of the entry's action, subjects and
    /// payload.
    pub content_hash: Hash,
}

/// Every field of an entry except its hash: exactly what the hash covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryBody {
    /// Position in the ledger, gap-free from 1.
    pub seq: u64,
    /// The entry's UUID (version 7).
    #[serde(with = "uuid_text")]
    pub id: Uuid,
    /// When the entry was recorded (server clock).
    pub recorded_at: Timestamp,
    /// Who caused it.
    pub actor: Actor,
    /// What happened, such as `lot.released`.
    pub action: ActionName,
    /// The aggregates it touches, in the order the domain lists them.
    pub subjects: Vec<SubjectLink>,
    /// The event's data.
    pub payload: Payload,
    /// The entry this one corrects, if any.
    #[serde(deserialize_with = "Option::deserialize")]
    pub corrects: Option<Correction>,
    /// The electronic signature, if the action required one.
    #[serde(deserialize_with = "Option::deserialize")]
    pub signature: Option<EntrySignature>,
    /// The hash of entry `seq - 1`; [`Hash::ZERO`] for entry 1.
    pub prev_hash: Hash,
}

impl EntryBody {
    /// The RFC 8785 canonical bytes of this body: what the entry hash covers.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        canonical_bytes(self)
    }

    /// SHA-256(0x00 || canonical bytes): the entry hash, which is also its Merkle leaf hash.
    pub fn compute_hash(&self) -> Hash {
        Hash::leaf(&self.canonical_bytes())
    }
}

/// An entry as recorded: a body and the hash stored with it.
///
/// [`Entry::seal`] makes a new entry whose hash is right. An entry read back from storage or an
/// export keeps the hash it was stored with, right or wrong, so that the
/// [`ChainVerifier`](crate::ChainVerifier) can compare it with [`Entry::recompute_hash`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    body: EntryBody,
    hash: Hash,
}

impl Entry {
    /// Computes the hash of `body` and attaches it.
    pub fn seal(body: EntryBody) -> Self {
        let hash = body.compute_hash();
        Self { body, hash }
    }

    /// An entry as stored, with its stored hash; nothing is checked.
    pub fn from_parts(body: EntryBody, hash: Hash) -> Self {
        Self { body, hash }
    }

    /// Every field but the hash.
    pub fn body(&self) -> &EntryBody {
        &self.body
    }

    /// The stored hash.
    pub fn hash(&self) -> Hash {
        self.hash
    }

    /// The entry's sequence number.
    pub fn seq(&self) -> u64 {
        self.body.seq
    }

    /// The hash the body should have; equal to [`Entry::hash`] unless the entry was altered.
    pub fn recompute_hash(&self) -> Hash {
        self.body.compute_hash()
    }

    /// Splits the entry into its body and stored hash.
    pub fn into_parts(self) -> (EntryBody, Hash) {
        (self.body, self.hash)
    }
}

/// The JSON form of an entry: the body's fields followed by `hash`.
#[derive(Serialize)]
struct EntryJson<'a> {
    #[serde(flatten)]
    body: &'a EntryBody,
    hash: Hash,
}

impl Serialize for Entry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        EntryJson {
            body: &self.body,
            hash: self.hash,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Entry {
    /// Takes `hash` out of the object and parses the rest as a body, so that unknown fields are
    /// still refused (serde cannot combine `flatten` with `deny_unknown_fields`).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut object = Map::<String, Value>::deserialize(deserializer)?;
        let hash = object
            .remove("hash")
            .ok_or_else(|| de::Error::missing_field("hash"))?;
        let hash = Hash::deserialize(hash).map_err(de::Error::custom)?;
        let body = EntryBody::deserialize(Value::Object(object)).map_err(de::Error::custom)?;
        Ok(Self { body, hash })
    }
}

/// Serde for UUIDs in their one ledger form, lowercase and hyphenated; other spellings that the
/// `uuid` crate would accept (uppercase, braces, no hyphens) are refused.
mod uuid_text {
    use serde::{Deserialize, Deserializer, Serializer};
    use uuid::Uuid;

    pub(crate) fn serialize<S: Serializer>(uuid: &Uuid, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&uuid.hyphenated())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Uuid, D::Error> {
        let text = String::deserialize(deserializer)?;
        let uuid = Uuid::try_parse(&text).map_err(serde::de::Error::custom)?;
        if uuid.hyphenated().to_string() != text {
            return Err(serde::de::Error::custom(format!(
                "{text:?} is not a lowercase hyphenated UUID"
            )));
        }
        Ok(uuid)
    }
}

/// [`uuid_text`] for a field that may be absent, used only while parsing an [`Actor`].
mod optional_uuid_text {
    use serde::Deserializer;
    use uuid::Uuid;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Uuid>, D::Error> {
        super::uuid_text::deserialize(deserializer).map(Some)
    }
}

#[cfg(test)]
#[path = "entry_tests.rs"]
mod tests;
