//! The algorithm table: which (digest, signature scheme, key type) combinations this crate
//! verifies, and with which implementation.
//!
//! Algorithms come in modules ([`AlgorithmModule`]), named in [`MODULES`]: [`standard`] holds
//! RSA PKCS#1 v1.5 and PSS, ECDSA and SHA-2; [`gost`] Kazakhstan's GOST algorithms
//! (GOST R 34.10-2015 512-bit with Streebog-512, GOST 34.310-2004 with GOST 34.311-95), in NCA
//! RK's OIDs and parameter sets only (any other parameter set is `UNSUPPORTED_ALGORITHM`).
//!
//! `ring` is used wherever it can: RSA PKCS#1 v1.5 and PSS from 2048 to 8192 bits (PSS only with
//! MGF1 over the same hash and salt length equal to the hash length), ECDSA P-256/P-384 with
//! SHA-256/384. OpenSSL covers the rest of the table (ECDSA with SHA-512, other PSS salt
//! lengths). Every backend gets the same RSA keys: moduli of at most 8192 bits and public
//! exponents odd, from 3 to 2^33-1 (`ring`'s limits), else `UNSUPPORTED_ALGORITHM`. SHA-1 and MD5
//! are recognised only to be refused (`WEAK_ALGORITHM`), and RSA keys shorter than 2048 bits
//! likewise (NIST SP 800-131A).

pub(crate) mod gost;
mod standard;

use crate::der::{Reader, tag};
use crate::error::Error;
use crate::oid;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Verifier};
use ring::signature as rs;

/// Every algorithm module, consulted in order.
static MODULES: &[&AlgorithmModule] = &[&standard::MODULE, &gost::MODULE];

/// What one module contributes to the table.
#[derive(Debug)]
pub(crate) struct AlgorithmModule {
    /// Hash functions, weak ones included (so they are refused by name, not as unknown).
    pub digests: &'static [&'static DigestAlgorithm],
    /// Signature algorithm OIDs that fix their whole scheme (like GOST's), beside the RSA and
    /// ECDSA identifiers that [`signature_scheme`] parses.
    pub named_schemes: &'static [NamedScheme],
    /// The (digest, scheme, key) combinations that verify.
    pub entries: &'static [Entry],
}

/// A hash implementation: data in, digest out.
pub(crate) type HashFn = fn(&[u8]) -> Vec<u8>;

/// A hash function.
#[derive(Debug)]
pub(crate) struct DigestAlgorithm {
    /// A readable name ("SHA-256").
    pub name: &'static str,
    /// Its OID.
    pub oid: &'static str,
    /// Output length in bytes.
    pub output_len: usize,
    /// The implementation; `None` for weak digests, which are recognised but never computed.
    pub compute: Option<HashFn>,
    /// The same digest in OpenSSL, where OpenSSL verifies for it.
    pub openssl: Option<fn() -> MessageDigest>,
}

impl DigestAlgorithm {
    /// Hashes `data` (`None` for a weak digest).
    pub fn digest(&self, data: &[u8]) -> Option<Vec<u8>> {
        self.compute.map(|compute| compute(data))
    }

    fn is_weak(&self) -> bool {
        self.compute.is_none()
    }
}

fn digests() -> impl Iterator<Item = &'static DigestAlgorithm> {
    MODULES.iter().flat_map(|m| m.digests.iter().copied())
}

/// An AlgorithmIdentifier (RFC 5280 §4.1.1.2): the OID and the raw parameters, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AlgorithmIdentifier {
    pub oid: String,
    pub parameters: Option<Vec<u8>>,
}

impl AlgorithmIdentifier {
    /// Parses an AlgorithmIdentifier SEQUENCE.
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

/// Finds a digest by OID: weak ones are `WEAK_ALGORITHM`, unknown ones `UNSUPPORTED_ALGORITHM`.
pub(crate) fn digest_by_oid(oid: &str, what: &str) -> Result<&'static DigestAlgorithm, Error> {
    match digests().find(|d| d.oid == oid) {
        Some(digest) if digest.is_weak() => Err(weak(digest.name, what)),
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
    /// A scheme fully named by its OID (a module's [`NamedScheme`]).
    Named(&'static str),
}

/// A signature algorithm OID that fixes its digest and verification (e.g. GOST R 34.10-2015
/// with Streebog-512).
#[derive(Debug)]
pub(crate) struct NamedScheme {
    pub oid: &'static str,
    pub name: &'static str,
    pub digest: &'static DigestAlgorithm,
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
            SchemeKind::Named(oid) => MODULES
                .iter()
                .flat_map(|m| m.named_schemes)
                .find(|s| s.oid == oid)
                .map_or(oid, |s| s.name),
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
        oid::SHA256_WITH_RSA => plain(SchemeKind::RsaPkcs1, Some(&standard::SHA256)),
        oid::SHA384_WITH_RSA => plain(SchemeKind::RsaPkcs1, Some(&standard::SHA384)),
        oid::SHA512_WITH_RSA => plain(SchemeKind::RsaPkcs1, Some(&standard::SHA512)),
        // RFC 5758 §3.2: ECDSA identifiers have absent parameters.
        oid::EC_PUBLIC_KEY => return Ok(plain(SchemeKind::Ecdsa, None)),
        oid::ECDSA_WITH_SHA256 => return Ok(plain(SchemeKind::Ecdsa, Some(&standard::SHA256))),
        oid::ECDSA_WITH_SHA384 => return Ok(plain(SchemeKind::Ecdsa, Some(&standard::SHA384))),
        oid::ECDSA_WITH_SHA512 => return Ok(plain(SchemeKind::Ecdsa, Some(&standard::SHA512))),
        oid::SHA1_WITH_RSA | oid::ECDSA_WITH_SHA1 => return Err(weak("SHA-1", what)),
        oid::MD5_WITH_RSA => return Err(weak("MD5", what)),
        oid::RSASSA_PSS => return pss_parameters(algorithm, what),
        other => {
            let named = MODULES
                .iter()
                .flat_map(|m| m.named_schemes)
                .find(|s| s.oid == other)
                .ok_or_else(|| unsupported(other, what))?;
            return Ok(plain(SchemeKind::Named(named.oid), Some(named.digest)));
        }
    };
    if !algorithm.has_no_parameters() {
        return Err(Error::malformed(format!(
            "{what}: unexpected algorithm parameters"
        )));
    }
    Ok(scheme)
}

/// The scheme and digest of a signed X.509 object (a certificate or a CRL), whose algorithm
/// identifier must name its digest. `what` names the object; it is built only on failure, as
/// this runs for every link of every verification.
pub(crate) fn signed_object_scheme(
    algorithm: &AlgorithmIdentifier,
    what: impl Fn() -> String,
) -> Result<(SignatureScheme, &'static DigestAlgorithm), Error> {
    let scheme = signature_scheme(algorithm, "").map_err(|e| e.in_context(what()))?;
    let digest = scheme
        .digest
        .ok_or_else(|| Error::malformed(format!("{}: the algorithm names no digest", what())))?;
    Ok((scheme, digest))
}

/// RSASSA-PSS-params (RFC 4055 §3.1). The defaults (SHA-1, MGF1-SHA-1, salt 20) are weak, so an
/// identifier that leaves the hash out is `WEAK_ALGORITHM`.
fn pss_parameters(algorithm: &AlgorithmIdentifier, what: &str) -> Result<SignatureScheme, Error> {
    let bad = || Error::malformed(format!("{what}: bad RSASSA-PSS parameters"));
    let params = algorithm.parameters.as_deref().ok_or_else(bad)?;
    let mut outer = Reader::new(params);
    let mut seq = outer.read_nested(tag::SEQUENCE, what)?;
    outer.finish(what)?;
    let find = |id: &AlgorithmIdentifier| {
        digests()
            .find(|d| d.oid == id.oid)
            .ok_or_else(|| unsupported(&id.oid, what))
    };
    let mut hash: &'static DigestAlgorithm = &standard::SHA1;
    let mut mgf_hash: &'static DigestAlgorithm = &standard::SHA1;
    let mut salt_len = 20usize;
    if let Some(tlv) = seq.read_optional(tag::context_constructed(0))? {
        let mut inner = tlv.contents(seq.depth())?;
        hash = find(&AlgorithmIdentifier::parse(&mut inner, what)?)?;
    }
    if let Some(tlv) = seq.read_optional(tag::context_constructed(1))? {
        let mut inner = tlv.contents(seq.depth())?;
        let mgf = AlgorithmIdentifier::parse(&mut inner, what)?;
        if mgf.oid != oid::MGF1 {
            return Err(unsupported(&mgf.oid, what));
        }
        let mgf_params = mgf.parameters.as_deref().ok_or_else(bad)?;
        mgf_hash = find(&AlgorithmIdentifier::parse(
            &mut Reader::new(mgf_params),
            what,
        )?)?;
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
        if digest.is_weak() {
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
        /// The public exponent, when it fits in 64 bits (`None` otherwise, or when the key
        /// cannot be read: such a key is refused).
        exponent: Option<u64>,
    },
    EcP256,
    EcP384,
    /// Any other key (GOST, other curves): the OID of its algorithm, or of its curve for EC keys.
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
            oid::RSA_ENCRYPTION => {
                let (bits, exponent) = rsa_key_size(key_bits).unwrap_or((0, None));
                KeyType::Rsa { bits, exponent }
            }
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

/// The bit length of an RSAPublicKey's modulus and its public exponent when that fits in 64
/// bits (RFC 8017 §A.1.1).
fn rsa_key_size(rsa_public_key: &[u8]) -> Option<(usize, Option<u64>)> {
    let mut outer = Reader::new(rsa_public_key);
    let mut seq = outer.read_nested(tag::SEQUENCE, "RSAPublicKey").ok()?;
    let modulus = crate::der::unsigned_integer(seq.read(tag::INTEGER, "modulus").ok()?.value);
    let first = *modulus.first()?;
    let bits = modulus.len() * 8 - first.leading_zeros() as usize;
    let exponent = seq
        .read(tag::INTEGER, "publicExponent")
        .ok()
        .map(|e| crate::der::unsigned_integer(e.value))
        .filter(|e| e.len() <= 8)
        .map(|e| e.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b)));
    Some((bits, exponent))
}

/// Smallest RSA modulus accepted (NIST SP 800-131A rev. 2: 2048 bits since 2014).
const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted, whatever the backend: `ring`'s limit (its verifiers stop at
/// 8192 bits). A larger key costs a check quadratically more (a 16,384-bit check takes ~7 ms
/// in OpenSSL) and no CA issues one; refused by its size before any arithmetic.
const MAX_RSA_BITS: usize = 8192;
/// Largest public exponent accepted: `ring`'s bound (2^33 - 1), applied to OpenSSL too so
/// that both backends accept the same keys and a check costs at most ~33 squarings.
const MAX_RSA_EXPONENT: u64 = (1 << 33) - 1;

/// RFC 8017 §3.1 and the limits above: the modulus at most [`MAX_RSA_BITS`], the public
/// exponent odd, at least 3 and at most [`MAX_RSA_EXPONENT`]. Otherwise
/// `UNSUPPORTED_ALGORITHM` (an exponent of 1 would make any value a "signature").
fn check_rsa_limits(bits: usize, exponent: Option<u64>, what: &str) -> Result<(), Error> {
    if bits > MAX_RSA_BITS {
        return Err(unsupported(
            &format!("RSA-{bits} (moduli over {MAX_RSA_BITS} bits)"),
            what,
        ));
    }
    match exponent {
        Some(e) if e >= 3 && e % 2 == 1 && e <= MAX_RSA_EXPONENT => Ok(()),
        Some(e) => Err(unsupported(
            &format!("RSA public exponent {e} (odd, from 3 to 2^33-1)"),
            what,
        )),
        None => Err(unsupported(
            "RSA public exponent over 64 bits (odd, from 3 to 2^33-1)",
            what,
        )),
    }
}

/// A verifier a module implements itself (GOST: no library here implements it).
pub(crate) trait SignatureVerifier: Sync + std::fmt::Debug {
    /// Whether the module accepts this key's parameters (e.g. a GOST parameter set), before any
    /// arithmetic: an algorithm-level verdict (`UNSUPPORTED_ALGORITHM`), for paths too.
    fn check_key(&self, _key: &PublicKey, _what: &str) -> Result<(), Error> {
        Ok(())
    }

    /// Whether `signature` is `key`'s signature over `message` (the module hashes it).
    fn verify(&self, key: &PublicKey, message: &[u8], signature: &[u8]) -> bool;
}

/// How one table entry verifies.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Backend {
    /// `ring`, for the exact parameters of this algorithm.
    RingRsa(&'static rs::RsaParameters),
    RingEcdsa(&'static rs::EcdsaVerificationAlgorithm),
    /// OpenSSL's EVP interface.
    OpenSsl,
    /// A module's own implementation (the GOST module's).
    Module(&'static dyn SignatureVerifier),
}

/// The key a table entry applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    Rsa,
    EcP256,
    EcP384,
    /// Keys whose [`KeyType::Other`] OID is this.
    Named(&'static str),
}

/// One row: a (digest, scheme, key type) combination that verifies, and how.
#[derive(Debug)]
pub(crate) struct Entry {
    pub digest: &'static str,
    pub scheme: SchemeKind,
    pub key: KeyKind,
    pub backend: Backend,
}

/// Checks that a signature algorithm is acceptable for a key, without verifying anything:
/// the algorithm-level verdicts (`UNSUPPORTED_ALGORITHM`, `WEAK_ALGORITHM`) for a path.
pub(crate) fn check_algorithm(
    scheme: &SignatureScheme,
    digest: &'static DigestAlgorithm,
    key: &PublicKey,
    what: &str,
) -> Result<(), Error> {
    lookup(MODULES, scheme, digest, key, what).map(|_| ())
}

/// Whether a hash is of the key's family: some entry of the table pairs this key type with
/// it (SHA-2 for RSA and ECDSA keys; Streebog-512 for GOST 2015 keys, GOST 34.311-95 for GOST
/// 2004 keys).
/// NCALayer's `digested` mode signs a hash the caller computed: it must be that family's.
pub(crate) fn digest_fits_key(digest: &DigestAlgorithm, key: &PublicKey) -> bool {
    MODULES
        .iter()
        .flat_map(|m| m.entries)
        .any(|e| e.digest == digest.oid && key_kind_matches(&key.key_type, &e.key))
}

fn key_kind_matches(key_type: &KeyType, kind: &KeyKind) -> bool {
    match (key_type, kind) {
        (KeyType::Rsa { .. }, KeyKind::Rsa) => true,
        (KeyType::EcP256, KeyKind::EcP256) | (KeyType::EcP384, KeyKind::EcP384) => true,
        (KeyType::Other(oid), KeyKind::Named(named)) => oid == named,
        _ => false,
    }
}

fn lookup(
    modules: &[&'static AlgorithmModule],
    scheme: &SignatureScheme,
    digest: &'static DigestAlgorithm,
    key: &PublicKey,
    what: &str,
) -> Result<&'static Entry, Error> {
    if digest.is_weak() {
        return Err(weak(digest.name, what));
    }
    let key_matches = |kind: &KeyKind| key_kind_matches(&key.key_type, kind);
    if let KeyType::Rsa { bits, exponent } = key.key_type {
        check_rsa_limits(bits, exponent, what)?;
        if bits < MIN_RSA_BITS {
            return Err(weak(&format!("RSA-{bits}"), what));
        }
    }
    let entries = modules.iter().flat_map(|m| m.entries);
    let mut for_key = entries.filter(|e| key_matches(&e.key)).peekable();
    if for_key.peek().is_none() {
        let KeyType::Other(oid) = &key.key_type else {
            return Err(unsupported("this key type", what));
        };
        return Err(unsupported(oid, what));
    }
    let entry = for_key
        .find(|e| e.digest == digest.oid && e.scheme == scheme.kind)
        .ok_or_else(|| {
            unsupported(
                &format!("{} for this key type", scheme.describe(digest)),
                what,
            )
        })?;
    if let Backend::Module(verifier) = entry.backend {
        verifier.check_key(key, what)?;
    }
    Ok(entry)
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
    let entry = lookup(MODULES, scheme, digest, key, what)?;
    let mut backend = entry.backend;
    if let KeyType::Rsa { .. } = key.key_type {
        // ring's PSS verifiers expect salt = hash length (the key limits, checked in `lookup`,
        // are ring's for every backend).
        let ring_can = scheme.kind != SchemeKind::RsaPss || scheme.salt_len == digest.output_len;
        if !ring_can {
            backend = Backend::OpenSsl;
        }
    }
    Ok(run(backend, scheme, digest, key, message, signature))
}

fn run(
    backend: Backend,
    scheme: &SignatureScheme,
    digest: &DigestAlgorithm,
    key: &PublicKey,
    message: &[u8],
    signature: &[u8],
) -> bool {
    match backend {
        Backend::RingRsa(parameters) => rs::UnparsedPublicKey::new(parameters, &key.key_bits)
            .verify(message, signature)
            .is_ok(),
        Backend::RingEcdsa(algorithm) => rs::UnparsedPublicKey::new(algorithm, &key.key_bits)
            .verify(message, signature)
            .is_ok(),
        Backend::OpenSsl => {
            verify_openssl(scheme, digest, key, message, signature).unwrap_or(false)
        }
        Backend::Module(verifier) => verifier.verify(key, message, signature),
    }
}

fn verify_openssl(
    scheme: &SignatureScheme,
    digest: &DigestAlgorithm,
    key: &PublicKey,
    message: &[u8],
    signature: &[u8],
) -> Result<bool, openssl::error::ErrorStack> {
    let Some(md) = digest.openssl.map(|md| md()) else {
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

#[cfg(test)]
mod tests {
    //! The module seam, exercised with a stand-in module, and the GOST rows of the table.
    use super::*;

    /// Stands in for a national algorithm: "signs" by reversing the message's digest.
    #[derive(Debug)]
    struct ReversedDigest;

    impl SignatureVerifier for ReversedDigest {
        fn verify(&self, _key: &PublicKey, message: &[u8], signature: &[u8]) -> bool {
            let mut expected = standard::SHA256.digest(message).unwrap_or_default();
            expected.reverse();
            expected == signature
        }
    }

    // A private arc no real algorithm uses.
    const KEY_OID: &str = "1.3.6.1.4.1.99999.1.1";
    const SIGNATURE_OID: &str = "1.3.6.1.4.1.99999.1.2";

    static MODULE: AlgorithmModule = AlgorithmModule {
        digests: &[],
        named_schemes: &[NamedScheme {
            oid: SIGNATURE_OID,
            name: "test scheme",
            digest: &standard::SHA256,
        }],
        entries: &[Entry {
            digest: oid::SHA256,
            scheme: SchemeKind::Named(SIGNATURE_OID),
            key: KeyKind::Named(KEY_OID),
            backend: Backend::Module(&ReversedDigest),
        }],
    };

    #[test]
    fn a_module_adds_entries_keyed_by_its_oids() {
        let key = PublicKey {
            spki: Vec::new(),
            key_bits: Vec::new(),
            key_type: KeyType::Other(KEY_OID.to_owned()),
        };
        let scheme = SignatureScheme {
            kind: SchemeKind::Named(SIGNATURE_OID),
            digest: Some(&standard::SHA256),
            salt_len: 0,
        };
        let modules: &[&'static AlgorithmModule] = &[&standard::MODULE, &MODULE];
        let entry = lookup(modules, &scheme, &standard::SHA256, &key, "test").unwrap();
        let mut signature = standard::SHA256.digest(b"message").unwrap();
        signature.reverse();
        assert!(run(
            entry.backend,
            &scheme,
            &standard::SHA256,
            &key,
            b"message",
            &signature
        ));
        assert!(!run(
            entry.backend,
            &scheme,
            &standard::SHA256,
            &key,
            b"other",
            &signature
        ));
        // Without the module the same key is unsupported.
        let without = lookup(
            &[&standard::MODULE],
            &scheme,
            &standard::SHA256,
            &key,
            "test",
        );
        assert!(matches!(without, Err(Error::UnsupportedAlgorithm { oid, .. }) if oid == KEY_OID));
    }

    #[test]
    fn gost_oids_name_their_scheme_and_gost_2015_256_is_not_accepted_yet() {
        for (signature, digest) in [
            (oid::GOST_2015_512_SIGNATURE, oid::STREEBOG_512),
            (oid::GOST_2004_SIGNATURE, oid::GOST94),
        ] {
            // NCA RK writes NULL parameters (certificates) or none (SignerInfos).
            for parameters in [None, Some(vec![tag::NULL, 0])] {
                let algorithm = AlgorithmIdentifier {
                    oid: signature.to_owned(),
                    parameters,
                };
                let scheme = signature_scheme(&algorithm, "test").unwrap();
                assert_eq!(scheme.digest.map(|d| d.oid), Some(digest));
                assert_eq!(scheme.kind, SchemeKind::Named(signature));
            }
        }
        for digest in [oid::STREEBOG_512, oid::STREEBOG_256, oid::GOST94] {
            assert!(digest_by_oid(digest, "test").is_ok(), "{digest}");
        }
        // No NCA sample or profile names GOST 2015-256's parameters (see gost.rs).
        let algorithm = AlgorithmIdentifier {
            oid: oid::GOST_2015_256_SIGNATURE.to_owned(),
            parameters: None,
        };
        assert!(matches!(
            signature_scheme(&algorithm, "test"),
            Err(Error::UnsupportedAlgorithm { .. })
        ));
        assert!(matches!(
            digest_by_oid(oid::SHA1, "test"),
            Err(Error::WeakAlgorithm { .. })
        ));
    }
}
