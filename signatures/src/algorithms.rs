//! The algorithm table: which (digest, signature scheme, key type) combinations this crate
//! verifies, and with which implementation.
//!
//! `ring` is used wherever it can: RSA PKCS#1 v1.5 and PSS from 2048 to 8192 bits (PSS only with
//! MGF1 over the same hash and salt length equal to the hash length), ECDSA P-256/P-384 with
//! SHA-256/384. OpenSSL covers the rest of the table (ECDSA with SHA-512, other PSS salt lengths,
//! RSA keys over 8192 bits). SHA-1 and MD5 are recognised only to be refused
//! (`WEAK_ALGORITHM`), and RSA keys shorter than 2048 bits likewise (NIST SP 800-131A).
//! Kazakhstan's GOST algorithms are recognised by their OID arc and refused as
//! `UNSUPPORTED_ALGORITHM` until their module adds digests and entries to these tables.

use crate::der::{Reader, tag};
use crate::error::Error;
use crate::oid;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Verifier};
use ring::signature as rs;

/// A hash function.
#[derive(Debug)]
pub(crate) struct DigestAlgorithm {
    /// A readable name ("SHA-256").
    pub name: &'static str,
    /// Its OID.
    pub oid: &'static str,
    /// Output length in bytes.
    pub output_len: usize,
    /// `None` for weak digests, which are recognised but never computed.
    ring: Option<&'static ring::digest::Algorithm>,
}

impl DigestAlgorithm {
    /// Hashes `data`.
    pub fn digest(&self, data: &[u8]) -> Option<Vec<u8>> {
        self.ring
            .map(|algorithm| ring::digest::digest(algorithm, data).as_ref().to_vec())
    }

    fn openssl(&self) -> Option<MessageDigest> {
        match self.oid {
            oid::SHA256 => Some(MessageDigest::sha256()),
            oid::SHA384 => Some(MessageDigest::sha384()),
            oid::SHA512 => Some(MessageDigest::sha512()),
            _ => None,
        }
    }
}

pub(crate) static SHA256: DigestAlgorithm = DigestAlgorithm {
    name: "SHA-256",
    oid: oid::SHA256,
    output_len: 32,
    ring: Some(&ring::digest::SHA256),
};
pub(crate) static SHA384: DigestAlgorithm = DigestAlgorithm {
    name: "SHA-384",
    oid: oid::SHA384,
    output_len: 48,
    ring: Some(&ring::digest::SHA384),
};
pub(crate) static SHA512: DigestAlgorithm = DigestAlgorithm {
    name: "SHA-512",
    oid: oid::SHA512,
    output_len: 64,
    ring: Some(&ring::digest::SHA512),
};
static SHA1: DigestAlgorithm = DigestAlgorithm {
    name: "SHA-1",
    oid: oid::SHA1,
    output_len: 20,
    ring: None,
};
static MD5: DigestAlgorithm = DigestAlgorithm {
    name: "MD5",
    oid: oid::MD5,
    output_len: 16,
    ring: None,
};

/// Every digest this crate knows, strong ones first.
static DIGESTS: [&DigestAlgorithm; 5] = [&SHA256, &SHA384, &SHA512, &SHA1, &MD5];

/// An AlgorithmIdentifier (RFC 5280 §4.1.1.2): the OID and the raw parameters, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AlgorithmIdentifier {
    pub oid: String,
    pub parameters: Option<Vec<u8>>,
}

impl AlgorithmIdentifier {
    /// Parses the contents of an AlgorithmIdentifier SEQUENCE.
    pub fn parse(reader: &mut Reader<'_>, what: &str) -> Result<Self, Error> {
        let mut seq = reader.read_nested(tag::SEQUENCE, what)?;
        let oid_tlv = seq.read(tag::OID, what)?;
        let oid = crate::der::oid_to_string(oid_tlv.value)
            .ok_or_else(|| Error::malformed(format!("{what}: bad object identifier")))?;
        let parameters = if seq.is_empty() {
            None
        } else {
            Some(seq.read_any()?.raw.to_vec())
        };
        seq.finish(what)?;
        Ok(AlgorithmIdentifier { oid, parameters })
    }

    /// Parameters that are absent or NULL (RFC 4055 §2.1 allows both for SHA-2 and RSA).
    fn has_no_parameters(&self) -> bool {
        matches!(self.parameters.as_deref(), None | Some([tag::NULL, 0]))
    }
}

fn unsupported(oid: &str, what: &str) -> Error {
    Error::UnsupportedAlgorithm {
        oid: oid.to_owned(),
        what: what.to_owned(),
    }
}

fn weak(algorithm: &str, what: &str) -> Error {
    Error::WeakAlgorithm {
        algorithm: algorithm.to_owned(),
        what: what.to_owned(),
    }
}

/// Finds a digest by OID: weak ones are `WEAK_ALGORITHM`, unknown ones (GOST included)
/// `UNSUPPORTED_ALGORITHM`.
pub(crate) fn digest_by_oid(oid: &str, what: &str) -> Result<&'static DigestAlgorithm, Error> {
    match DIGESTS.iter().find(|d| d.oid == oid) {
        Some(digest) if digest.ring.is_none() => Err(weak(digest.name, what)),
        Some(digest) => Ok(digest),
        None => Err(unsupported(oid, what)),
    }
}

/// The family of a signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SchemeKind {
    RsaPkcs1,
    RsaPss,
    Ecdsa,
}

/// A signature algorithm as named in an AlgorithmIdentifier.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SignatureScheme {
    pub kind: SchemeKind,
    /// The digest the scheme names; `None` when the identifier names only the key type
    /// (`rsaEncryption` or `id-ecPublicKey` in a SignerInfo, as OpenSSL writes them), in which
    /// case the SignerInfo's digestAlgorithm applies.
    pub digest: Option<&'static DigestAlgorithm>,
    /// PSS only: the salt length in bytes.
    pub salt_len: usize,
}

impl SignatureScheme {
    /// A readable name, e.g. "RSA-PSS with SHA-256".
    pub fn describe(&self, digest: &DigestAlgorithm) -> String {
        let family = match self.kind {
            SchemeKind::RsaPkcs1 => "RSA PKCS#1 v1.5",
            SchemeKind::RsaPss => "RSA-PSS",
            SchemeKind::Ecdsa => "ECDSA",
        };
        format!("{family} with {}", digest.name)
    }
}

/// Interprets a signature AlgorithmIdentifier. `what` says where it was met, for messages.
pub(crate) fn signature_scheme(
    algorithm: &AlgorithmIdentifier,
    what: &str,
) -> Result<SignatureScheme, Error> {
    let plain = |kind, digest: Option<&'static DigestAlgorithm>| SignatureScheme {
        kind,
        digest,
        salt_len: 0,
    };
    let scheme = match algorithm.oid.as_str() {
        oid::RSA_ENCRYPTION => plain(SchemeKind::RsaPkcs1, None),
        oid::SHA256_WITH_RSA => plain(SchemeKind::RsaPkcs1, Some(&SHA256)),
        oid::SHA384_WITH_RSA => plain(SchemeKind::RsaPkcs1, Some(&SHA384)),
        oid::SHA512_WITH_RSA => plain(SchemeKind::RsaPkcs1, Some(&SHA512)),
        oid::EC_PUBLIC_KEY => return Ok(plain(SchemeKind::Ecdsa, None)),
        oid::ECDSA_WITH_SHA256 => return Ok(plain(SchemeKind::Ecdsa, Some(&SHA256))),
        oid::ECDSA_WITH_SHA384 => return Ok(plain(SchemeKind::Ecdsa, Some(&SHA384))),
        oid::ECDSA_WITH_SHA512 => return Ok(plain(SchemeKind::Ecdsa, Some(&SHA512))),
        oid::SHA1_WITH_RSA | oid::ECDSA_WITH_SHA1 => return Err(weak("SHA-1", what)),
        oid::MD5_WITH_RSA => return Err(weak("MD5", what)),
        oid::RSASSA_PSS => return pss_parameters(algorithm, what),
        other => return Err(unsupported(other, what)),
    };
    if !algorithm.has_no_parameters() {
        return Err(Error::malformed(format!(
            "{what}: unexpected algorithm parameters"
        )));
    }
    Ok(scheme)
}

/// RSASSA-PSS-params (RFC 4055 §3.1). The defaults (SHA-1, MGF1-SHA-1, salt 20) are weak, so an
/// identifier that leaves the hash out is `WEAK_ALGORITHM`.
fn pss_parameters(algorithm: &AlgorithmIdentifier, what: &str) -> Result<SignatureScheme, Error> {
    let bad = || Error::malformed(format!("{what}: bad RSASSA-PSS parameters"));
    let params = algorithm.parameters.as_deref().ok_or_else(bad)?;
    let mut outer = Reader::new(params);
    let mut seq = outer.read_nested(tag::SEQUENCE, what)?;
    outer.finish(what)?;
    let mut hash: &'static DigestAlgorithm = &SHA1;
    let mut mgf_hash: &'static DigestAlgorithm = &SHA1;
    let mut salt_len = 20usize;
    if let Some(tlv) = seq.read_optional(tag::context_constructed(0))? {
        let mut inner = tlv.contents(seq.depth())?;
        let id = AlgorithmIdentifier::parse(&mut inner, what)?;
        hash = DIGESTS
            .iter()
            .find(|d| d.oid == id.oid)
            .copied()
            .ok_or_else(|| unsupported(&id.oid, what))?;
    }
    if let Some(tlv) = seq.read_optional(tag::context_constructed(1))? {
        let mut inner = tlv.contents(seq.depth())?;
        let mgf = AlgorithmIdentifier::parse(&mut inner, what)?;
        if mgf.oid != oid::MGF1 {
            return Err(unsupported(&mgf.oid, what));
        }
        let mgf_params = mgf.parameters.as_deref().ok_or_else(bad)?;
        let id = AlgorithmIdentifier::parse(&mut Reader::new(mgf_params), what)?;
        mgf_hash = DIGESTS
            .iter()
            .find(|d| d.oid == id.oid)
            .copied()
            .ok_or_else(|| unsupported(&id.oid, what))?;
    }
    if let Some(tlv) = seq.read_optional(tag::context_constructed(2))? {
        let mut inner = tlv.contents(seq.depth())?;
        salt_len = usize::try_from(inner.read_small_uint(what)?).map_err(|_| bad())?;
    }
    if let Some(tlv) = seq.read_optional(tag::context_constructed(3))? {
        // RFC 4055 §3.1: the trailer field must be 1 (0xBC).
        if tlv.contents(seq.depth())?.read_small_uint(what)? != 1 {
            return Err(bad());
        }
    }
    seq.finish(what)?;
    for digest in [hash, mgf_hash] {
        if digest.ring.is_none() {
            return Err(weak(digest.name, what));
        }
    }
    if hash.oid != mgf_hash.oid {
        return Err(unsupported(
            &format!("{} with MGF1-{}", oid::RSASSA_PSS, mgf_hash.name),
            what,
        ));
    }
    Ok(SignatureScheme {
        kind: SchemeKind::RsaPss,
        digest: Some(hash),
        salt_len,
    })
}

/// A public key, as far as the table needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyType {
    Rsa {
        bits: usize,
    },
    EcP256,
    EcP384,
    /// Any other key (GOST, other curves): the OID of its algorithm or curve.
    Other(String),
}

/// A SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), kept whole for OpenSSL and split for `ring`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PublicKey {
    /// The whole SubjectPublicKeyInfo DER.
    pub spki: Vec<u8>,
    /// The subjectPublicKey BIT STRING's bits (RSAPublicKey DER, or an EC point).
    pub key_bits: Vec<u8>,
    pub key_type: KeyType,
}

impl PublicKey {
    /// Reads a SubjectPublicKeyInfo's algorithm and key.
    pub fn from_spki(spki: &[u8], algorithm: &AlgorithmIdentifier, key_bits: &[u8]) -> Self {
        let key_type = match algorithm.oid.as_str() {
            oid::RSA_ENCRYPTION => KeyType::Rsa {
                bits: rsa_modulus_bits(key_bits).unwrap_or(0),
            },
            oid::EC_PUBLIC_KEY => {
                let curve = algorithm
                    .parameters
                    .as_deref()
                    .and_then(|p| Reader::new(p).read(tag::OID, "curve").ok())
                    .and_then(|t| crate::der::oid_to_string(t.value))
                    .unwrap_or_default();
                match curve.as_str() {
                    oid::CURVE_P256 => KeyType::EcP256,
                    oid::CURVE_P384 => KeyType::EcP384,
                    _ => KeyType::Other(curve),
                }
            }
            other => KeyType::Other(other.to_owned()),
        };
        PublicKey {
            spki: spki.to_vec(),
            key_bits: key_bits.to_vec(),
            key_type,
        }
    }
}

/// The bit length of an RSAPublicKey's modulus (RFC 8017 §A.1.1).
fn rsa_modulus_bits(rsa_public_key: &[u8]) -> Option<usize> {
    let mut outer = Reader::new(rsa_public_key);
    let mut seq = outer.read_nested(tag::SEQUENCE, "RSAPublicKey").ok()?;
    let modulus = crate::der::unsigned_integer(seq.read(tag::INTEGER, "modulus").ok()?.value);
    let first = *modulus.first()?;
    Some(modulus.len() * 8 - first.leading_zeros() as usize)
}

/// Smallest RSA modulus accepted (NIST SP 800-131A rev. 2: 2048 bits since 2014).
const MIN_RSA_BITS: usize = 2048;

/// How one table entry verifies.
#[derive(Debug, Clone, Copy)]
enum Backend {
    /// `ring`, for the exact parameters of this algorithm.
    Ring(&'static rs::RsaParameters),
    RingEcdsa(&'static rs::EcdsaVerificationAlgorithm),
    /// OpenSSL's EVP interface.
    OpenSsl,
}

/// One row: a (digest, scheme, key type) combination that verifies, and how.
#[derive(Debug)]
struct Entry {
    digest: &'static str,
    scheme: SchemeKind,
    key: KeyKind,
    backend: Backend,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Rsa,
    EcP256,
    EcP384,
}

/// The table. A PSS row names the `ring` verifier for salt length = hash length; other salt
/// lengths go to OpenSSL (see [`verify_signature`]).
static TABLE: &[Entry] = &[
    Entry {
        digest: oid::SHA256,
        scheme: SchemeKind::RsaPkcs1,
        key: KeyKind::Rsa,
        backend: Backend::Ring(&rs::RSA_PKCS1_2048_8192_SHA256),
    },
    Entry {
        digest: oid::SHA384,
        scheme: SchemeKind::RsaPkcs1,
        key: KeyKind::Rsa,
        backend: Backend::Ring(&rs::RSA_PKCS1_2048_8192_SHA384),
    },
    Entry {
        digest: oid::SHA512,
        scheme: SchemeKind::RsaPkcs1,
        key: KeyKind::Rsa,
        backend: Backend::Ring(&rs::RSA_PKCS1_2048_8192_SHA512),
    },
    Entry {
        digest: oid::SHA256,
        scheme: SchemeKind::RsaPss,
        key: KeyKind::Rsa,
        backend: Backend::Ring(&rs::RSA_PSS_2048_8192_SHA256),
    },
    Entry {
        digest: oid::SHA384,
        scheme: SchemeKind::RsaPss,
        key: KeyKind::Rsa,
        backend: Backend::Ring(&rs::RSA_PSS_2048_8192_SHA384),
    },
    Entry {
        digest: oid::SHA512,
        scheme: SchemeKind::RsaPss,
        key: KeyKind::Rsa,
        backend: Backend::Ring(&rs::RSA_PSS_2048_8192_SHA512),
    },
    Entry {
        digest: oid::SHA256,
        scheme: SchemeKind::Ecdsa,
        key: KeyKind::EcP256,
        backend: Backend::RingEcdsa(&rs::ECDSA_P256_SHA256_ASN1),
    },
    Entry {
        digest: oid::SHA384,
        scheme: SchemeKind::Ecdsa,
        key: KeyKind::EcP256,
        backend: Backend::RingEcdsa(&rs::ECDSA_P256_SHA384_ASN1),
    },
    Entry {
        digest: oid::SHA512,
        scheme: SchemeKind::Ecdsa,
        key: KeyKind::EcP256,
        backend: Backend::OpenSsl,
    },
    Entry {
        digest: oid::SHA256,
        scheme: SchemeKind::Ecdsa,
        key: KeyKind::EcP384,
        backend: Backend::RingEcdsa(&rs::ECDSA_P384_SHA256_ASN1),
    },
    Entry {
        digest: oid::SHA384,
        scheme: SchemeKind::Ecdsa,
        key: KeyKind::EcP384,
        backend: Backend::RingEcdsa(&rs::ECDSA_P384_SHA384_ASN1),
    },
    Entry {
        digest: oid::SHA512,
        scheme: SchemeKind::Ecdsa,
        key: KeyKind::EcP384,
        backend: Backend::OpenSsl,
    },
];

/// Checks that a signature algorithm is acceptable for a key, without verifying anything:
/// the algorithm-level verdicts (`UNSUPPORTED_ALGORITHM`, `WEAK_ALGORITHM`) for a path.
pub(crate) fn check_algorithm(
    scheme: &SignatureScheme,
    digest: &'static DigestAlgorithm,
    key: &PublicKey,
    what: &str,
) -> Result<(), Error> {
    lookup(scheme, digest, key, what).map(|_| ())
}

fn lookup(
    scheme: &SignatureScheme,
    digest: &'static DigestAlgorithm,
    key: &PublicKey,
    what: &str,
) -> Result<&'static Entry, Error> {
    if digest.ring.is_none() {
        return Err(weak(digest.name, what));
    }
    let kind = match &key.key_type {
        KeyType::Rsa { bits } if *bits < MIN_RSA_BITS => {
            return Err(weak(&format!("RSA-{bits}"), what));
        }
        KeyType::Rsa { .. } => KeyKind::Rsa,
        KeyType::EcP256 => KeyKind::EcP256,
        KeyType::EcP384 => KeyKind::EcP384,
        KeyType::Other(oid) => return Err(unsupported(oid, what)),
    };
    TABLE
        .iter()
        .find(|e| e.digest == digest.oid && e.scheme == scheme.kind && e.key == kind)
        .ok_or_else(|| {
            unsupported(
                &format!("{} for this key type", scheme.describe(digest)),
                what,
            )
        })
}

/// Verifies `signature` over `message` with `key` under `scheme` and `digest`. Algorithm-level
/// failures come back as errors; a signature that does not verify is `Ok(false)`.
pub(crate) fn verify_signature(
    scheme: &SignatureScheme,
    digest: &'static DigestAlgorithm,
    key: &PublicKey,
    message: &[u8],
    signature: &[u8],
    what: &str,
) -> Result<bool, Error> {
    let entry = lookup(scheme, digest, key, what)?;
    let KeyType::Rsa { bits } = key.key_type else {
        return Ok(verify_with(
            entry.backend,
            scheme,
            digest,
            key,
            message,
            signature,
        ));
    };
    // ring's RSA verifiers stop at 8192 bits and its PSS verifiers expect salt = hash length.
    let ring_can =
        bits <= 8192 && (scheme.kind != SchemeKind::RsaPss || scheme.salt_len == digest.output_len);
    let backend = if ring_can {
        entry.backend
    } else {
        Backend::OpenSsl
    };
    Ok(verify_with(
        backend, scheme, digest, key, message, signature,
    ))
}

fn verify_with(
    backend: Backend,
    scheme: &SignatureScheme,
    digest: &DigestAlgorithm,
    key: &PublicKey,
    message: &[u8],
    signature: &[u8],
) -> bool {
    match backend {
        Backend::Ring(parameters) => rs::UnparsedPublicKey::new(parameters, &key.key_bits)
            .verify(message, signature)
            .is_ok(),
        Backend::RingEcdsa(algorithm) => rs::UnparsedPublicKey::new(algorithm, &key.key_bits)
            .verify(message, signature)
            .is_ok(),
        Backend::OpenSsl => {
            verify_openssl(scheme, digest, key, message, signature).unwrap_or(false)
        }
    }
}

fn verify_openssl(
    scheme: &SignatureScheme,
    digest: &DigestAlgorithm,
    key: &PublicKey,
    message: &[u8],
    signature: &[u8],
) -> Result<bool, openssl::error::ErrorStack> {
    let Some(md) = digest.openssl() else {
        return Ok(false);
    };
    let pkey = PKey::public_key_from_der(&key.spki)?;
    let mut verifier = Verifier::new(md, &pkey)?;
    if scheme.kind == SchemeKind::RsaPss {
        verifier.set_rsa_padding(Padding::PKCS1_PSS)?;
        verifier.set_rsa_mgf1_md(md)?;
        let salt = i32::try_from(scheme.salt_len).unwrap_or(i32::MAX);
        verifier.set_rsa_pss_saltlen(RsaPssSaltlen::custom(salt))?;
    }
    verifier.update(message)?;
    verifier.verify(signature)
}
