//! The service's own seal: an Ed25519 signature (RFC 8032) over evidence the service itself
//! vouches for, such as what a one-time-password signature relied on. A CMS carries its
//! signer's certificate; a seal carries the id of the service key that made it, and the API
//! publishes every key it has used (the current one and the retired ones), so that anyone can
//! re-check a seal years later with nothing but the sealed bytes, the seal and the published
//! key, as `openssl pkeyutl -verify -rawin` does.
//!
//! A key id is the first 16 hex digits of the SHA-256 of the raw 32-byte public key: it names
//! the key without any registry, and two instances with the same key agree on it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::signature::{self, Ed25519KeyPair, KeyPair};
use std::fmt;

/// The algorithm's name in seals and in the published keys.
pub const ALGORITHM: &str = "Ed25519";

/// The public-key prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4): the DER that comes
/// before the 32 key bytes.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// Why a seal key could not be read, or a seal does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// Not a base64 PKCS#8 Ed25519 private key.
    #[error("not a base64 PKCS#8 Ed25519 private key: {0}")]
    PrivateKey(String),
    /// Not a base64 Ed25519 public key (32 raw bytes, or a SubjectPublicKeyInfo).
    #[error("not a base64 Ed25519 public key (32 raw bytes or SubjectPublicKeyInfo DER)")]
    PublicKey,
    /// No published key has this id.
    #[error("no seal key has the id {0}")]
    UnknownKey(String),
    /// The signature does not verify over these bytes with that key.
    #[error("the seal does not verify")]
    Invalid,
    /// The operating system's random source failed.
    #[error("the random source failed")]
    Random,
}

/// A public seal key, as the API publishes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealKey {
    /// The key id seals name.
    pub id: String,
    /// The raw 32-byte public key.
    pub public_key: [u8; 32],
    /// A retired key makes no new seals; its old seals stay verifiable.
    pub retired: bool,
}

impl SealKey {
    fn new(public_key: [u8; 32], retired: bool) -> Self {
        SealKey {
            id: key_id(&public_key),
            public_key,
            retired,
        }
    }

    /// The key as a PEM `PUBLIC KEY` (SubjectPublicKeyInfo, RFC 8410), for OpenSSL.
    #[must_use]
    pub fn pem(&self) -> String {
        let mut der = SPKI_PREFIX.to_vec();
        der.extend_from_slice(&self.public_key);
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            STANDARD.encode(der)
        )
    }

    /// Parses a base64 public key: 32 raw bytes or an Ed25519 SubjectPublicKeyInfo.
    ///
    /// # Errors
    ///
    /// [`SealError::PublicKey`] for anything else.
    pub fn parse_public(text: &str, retired: bool) -> Result<Self, SealError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| SealError::PublicKey)?;
        let raw = match bytes.len() {
            32 => Some(bytes.as_slice()),
            44 => bytes.strip_prefix(SPKI_PREFIX.as_slice()),
            _ => None,
        }
        .ok_or(SealError::PublicKey)?;
        let public_key: [u8; 32] = raw.try_into().map_err(|_| SealError::PublicKey)?;
        Ok(SealKey::new(public_key, retired))
    }
}

/// A seal over some bytes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seal {
    /// Always [`ALGORITHM`].
    pub algorithm: String,
    /// The id of the key that made it.
    pub key_id: String,
    /// The 64-byte signature, standard base64.
    pub signature: String,
}

/// The id of a public key: the first 16 hex digits of its SHA-256.
fn key_id(public_key: &[u8; 32]) -> String {
    crate::service::hex_sha256(public_key)
        .chars()
        .take(16)
        .collect()
}

/// Makes seals with the current key and knows every key it has used.
pub struct Sealer {
    pair: Ed25519KeyPair,
    /// The current key first, then the retired ones.
    keys: Vec<SealKey>,
    current_id: String,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer")
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}

impl Sealer {
    /// A sealer with this base64 PKCS#8 private key (`openssl genpkey -algorithm ed25519`, or
    /// `registration-api generate-seal-key`) and these retired public keys.
    ///
    /// # Errors
    ///
    /// When the private key does not parse.
    pub fn from_pkcs8_base64(private_key: &str, retired: Vec<SealKey>) -> Result<Self, SealError> {
        let der = STANDARD
            .decode(private_key.trim())
            .map_err(|e| SealError::PrivateKey(e.to_string()))?;
        let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der)
            .map_err(|e| SealError::PrivateKey(e.to_string()))?;
        Ok(Self::with_pair(pair, retired))
    }

    /// The development profile's key, derived from a public constant: anyone can forge its
    /// seals, so it is never used in production (where the key is required).
    ///
    /// # Errors
    ///
    /// None in practice: a 32-byte seed always makes a key pair.
    pub fn development() -> Result<Self, SealError> {
        let seed = ring::digest::digest(
            &ring::digest::SHA256,
            b"registration-kz development seal key: public, never for production",
        );
        let pair = Ed25519KeyPair::from_seed_unchecked(seed.as_ref())
            .map_err(|e| SealError::PrivateKey(e.to_string()))?;
        Ok(Self::with_pair(pair, Vec::new()))
    }

    fn with_pair(pair: Ed25519KeyPair, retired: Vec<SealKey>) -> Self {
        let mut public_key = [0u8; 32];
        public_key.copy_from_slice(pair.public_key().as_ref());
        let current = SealKey::new(public_key, false);
        let current_id = current.id.clone();
        let mut keys = vec![current];
        for key in retired {
            if keys.iter().all(|k| k.id != key.id) {
                keys.push(SealKey {
                    retired: true,
                    ..key
                });
            }
        }
        Sealer {
            pair,
            keys,
            current_id,
        }
    }

    /// A new base64 PKCS#8 private key and its base64 raw public key.
    ///
    /// # Errors
    ///
    /// If the random source fails.
    pub fn generate() -> Result<(String, String), SealError> {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| SealError::Random)?;
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|_| SealError::Random)?;
        Ok((
            STANDARD.encode(pkcs8.as_ref()),
            STANDARD.encode(pair.public_key().as_ref()),
        ))
    }

    /// Seals these exact bytes with the current key.
    #[must_use]
    pub fn seal(&self, bytes: &[u8]) -> Seal {
        Seal {
            algorithm: ALGORITHM.to_owned(),
            key_id: self.current_id.clone(),
            signature: STANDARD.encode(self.pair.sign(bytes).as_ref()),
        }
    }

    /// Every key: the current one first, then the retired ones.
    #[must_use]
    pub fn keys(&self) -> &[SealKey] {
        &self.keys
    }

    /// The current key's id.
    #[must_use]
    pub fn current_key_id(&self) -> &str {
        &self.current_id
    }

    /// Checks a seal over these bytes against the keys this sealer knows.
    ///
    /// # Errors
    ///
    /// [`SealError::UnknownKey`] or [`SealError::Invalid`].
    pub fn verify(&self, bytes: &[u8], seal: &Seal) -> Result<(), SealError> {
        verify(&self.keys, bytes, seal)
    }
}

/// Checks a seal over these bytes against published keys.
///
/// # Errors
///
/// [`SealError::UnknownKey`] when no key has the seal's id, [`SealError::Invalid`] when the
/// signature does not verify.
pub fn verify(keys: &[SealKey], bytes: &[u8], seal: &Seal) -> Result<(), SealError> {
    if seal.algorithm != ALGORITHM {
        return Err(SealError::Invalid);
    }
    let key = keys
        .iter()
        .find(|k| k.id == seal.key_id)
        .ok_or_else(|| SealError::UnknownKey(seal.key_id.clone()))?;
    let signature = STANDARD
        .decode(&seal.signature)
        .map_err(|_| SealError::Invalid)?;
    signature::UnparsedPublicKey::new(&signature::ED25519, key.public_key)
        .verify(bytes, &signature)
        .map_err(|_| SealError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seal_verifies_over_its_bytes_only_and_with_its_key_only() {
        let sealer = Sealer::development().unwrap();
        let seal = sealer.seal(b"evidence");
        assert_eq!(sealer.verify(b"evidence", &seal), Ok(()));
        assert_eq!(sealer.verify(b"evidencf", &seal), Err(SealError::Invalid));
        let (private, _) = Sealer::generate().unwrap();
        let other = Sealer::from_pkcs8_base64(&private, Vec::new()).unwrap();
        assert_eq!(
            other.verify(b"evidence", &seal),
            Err(SealError::UnknownKey(seal.key_id.clone()))
        );
        let forged = Seal {
            key_id: seal.key_id.clone(),
            ..other.seal(b"evidence")
        };
        assert_eq!(sealer.verify(b"evidence", &forged), Err(SealError::Invalid));
    }

    #[test]
    fn a_retired_key_still_verifies_its_old_seals() {
        let (old_private, old_public) = Sealer::generate().unwrap();
        let old = Sealer::from_pkcs8_base64(&old_private, Vec::new()).unwrap();
        let old_seal = old.seal(b"sealed in 2026");
        let (new_private, _) = Sealer::generate().unwrap();
        let retired = SealKey::parse_public(&old_public, true).unwrap();
        let new = Sealer::from_pkcs8_base64(&new_private, vec![retired]).unwrap();
        assert_eq!(new.verify(b"sealed in 2026", &old_seal), Ok(()));
        assert_ne!(new.seal(b"x").key_id, old_seal.key_id);
        assert_eq!(new.keys().len(), 2);
        let retired: Vec<bool> = new.keys().iter().map(|k| k.retired).collect();
        assert_eq!(retired, [false, true]);
    }

    #[test]
    fn public_keys_parse_raw_or_as_spki_and_nothing_else() {
        let key = Sealer::development()
            .unwrap()
            .keys()
            .first()
            .unwrap()
            .clone();
        let raw = STANDARD.encode(key.public_key);
        let pem = key.pem();
        let spki: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        assert_eq!(SealKey::parse_public(&raw, false), Ok(key.clone()));
        assert_eq!(SealKey::parse_public(&spki, false), Ok(key));
        assert_eq!(
            SealKey::parse_public("AAAA", false),
            Err(SealError::PublicKey)
        );
        assert!(Sealer::from_pkcs8_base64("bm90IGEga2V5", Vec::new()).is_err());
    }
}
