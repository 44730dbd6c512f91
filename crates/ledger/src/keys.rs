//! The ledger's Ed25519 signing key, in the signed-note key formats.
//!
//! The private key file holds `PRIVATE+KEY+<name>+<key id>+<base64(0x01 || 32-byte seed)>`; the
//! public verifier key is `<name>+<key id>+<base64(0x01 || 32-byte public key)>`, where the key id
//! is the first four bytes of SHA-256(name || 0x0A || 0x01 || public key) in hex. The name is the
//! ledger's origin.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::SigningKey;
use signed_note::{Note, StandardSigner};

use crate::checkpoint::{SignedCheckpoint, checkpoint_body};
use crate::hash::Hash;

/// The signed-note algorithm byte for Ed25519.
const ALG_ED25519: u8 = 0x01;

/// Why a key or origin was refused, or signing failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Origins are printable ASCII without spaces or `+`, because they are also key names.
    #[error("{0:?} is not a valid origin: use printable ASCII without spaces or '+'")]
    InvalidOrigin(String),
    /// The private key text is not `PRIVATE+KEY+<name>+<id>+<key>` for an Ed25519 key.
    #[error("the private key is malformed")]
    MalformedPrivateKey,
    /// The verifier key text is not `<name>+<id>+<key>` for an Ed25519 key.
    #[error("the verifier key is malformed: {0}")]
    MalformedVerifierKey(String),
    /// Ed25519 signing failed.
    #[error("signing the checkpoint failed: {0}")]
    Signing(String),
}

/// Checks that `origin` can be both a checkpoint's first line and a signed-note key name.
pub(crate) fn check_origin(origin: &str) -> Result<(), KeyError> {
    let is_allowed = |byte: u8| byte.is_ascii_graphic() && byte != b'+';
    if origin.is_empty() || !origin.bytes().all(is_allowed) {
        return Err(KeyError::InvalidOrigin(origin.to_owned()));
    }
    Ok(())
}

/// The installation's checkpoint signing key. Its `Debug` output shows only public parts.
#[derive(Clone)]
pub struct LedgerSigner {
    origin: String,
    signing_key: SigningKey,
    signer: StandardSigner,
}

impl LedgerSigner {
    /// A new random key named `origin`, from the operating system's random source.
    pub fn generate(origin: &str) -> Result<Self, KeyError> {
        check_origin(origin)?;
        let (private_key, _) = signed_note::generate_key(&mut rand::rngs::OsRng, origin);
        Self::from_private_key(&private_key)
    }

    /// Parses the private key file text; surrounding whitespace is ignored.
    pub fn from_private_key(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        // StandardSigner checks the layout, the algorithm and that the key id matches the key.
        let signer = StandardSigner::new(text).map_err(|_| KeyError::MalformedPrivateKey)?;
        let origin = signed_note::Signer::name(&signer).to_owned();
        check_origin(&origin).map_err(|_| KeyError::MalformedPrivateKey)?;
        // The base64 key may itself contain '+', so split off exactly the four leading fields.
        let key_base64 = text
            .splitn(5, '+')
            .nth(4)
            .ok_or(KeyError::MalformedPrivateKey)?;
        let key_bytes = BASE64
            .decode(key_base64)
            .map_err(|_| KeyError::MalformedPrivateKey)?;
        let seed: [u8; 32] = match key_bytes.split_first() {
            Some((&ALG_ED25519, seed)) => {
                seed.try_into().map_err(|_| KeyError::MalformedPrivateKey)?
            }
            _ => return Err(KeyError::MalformedPrivateKey),
        };
        Ok(Self {
            origin,
            signing_key: SigningKey::from_bytes(&seed),
            signer,
        })
    }

    /// The private key file text. Keep it secret.
    pub fn private_key_string(&self) -> String {
        let key_id = signed_note::Signer::key_id(&self.signer);
        let mut key_bytes = vec![ALG_ED25519];
        key_bytes.extend_from_slice(self.signing_key.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{key_id:08x}+{}",
            self.origin,
            BASE64.encode(key_bytes)
        )
    }

    /// The public verifier key that auditors use, `<name>+<key id>+<base64 key>`.
    pub fn verifier_key(&self) -> String {
        signed_note::new_ed25519_verifier_key(&self.origin, &self.signing_key.verifying_key())
    }

    /// The ledger's origin: the key's name and the first line of every checkpoint.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Signs the checkpoint for the first `size` entries, whose Merkle root is `root`.
    pub fn sign_checkpoint(&self, size: u64, root: Hash) -> Result<SignedCheckpoint, KeyError> {
        let body = checkpoint_body(&self.origin, size, root)?;
        let mut note =
            Note::new(&body, &[]).map_err(|error| KeyError::Signing(error.to_string()))?;
        note.add_sigs(&[&self.signer])
            .map_err(|error| KeyError::Signing(error.to_string()))?;
        let note = String::from_utf8(note.to_bytes())
            .map_err(|error| KeyError::Signing(error.to_string()))?;
        Ok(SignedCheckpoint { size, root, note })
    }
}

impl fmt::Debug for LedgerSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LedgerSigner")
            .field("verifier_key", &self.verifier_key())
            .finish_non_exhaustive()
    }
}
