//! Key pairs, digests and signature schemes, with the DER AlgorithmIdentifiers that
//! name them.

use std::sync::OnceLock;

use openssl::ec::{EcGroup, EcKey};
use openssl::hash::{MessageDigest, hash};
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Private};
use openssl::rsa::{Padding, Rsa};
use openssl::sign::{RsaPssSaltlen, Signer};

use super::der;
use super::gost::{self, Curve, Hash};
use openssl::bn::BigNum;
use std::sync::Arc;

/// The kinds of key the generator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// RSA of any size.
    Rsa,
    /// ECDSA on NIST P-256 (prime256v1).
    EcP256,
    /// ECDSA on NIST P-384 (secp384r1).
    EcP384,
    /// GOST R 34.10-2015, 512 bits, NCA RK's parameter set (tc26-512-paramSetA).
    Gost2015_512,
    /// GOST 34.310-2004 on CryptoPro-A.
    Gost2004,
}

/// NCA RK's OIDs of a GOST key: (key, parameter set, digest parameter set).
fn gost_oids(kind: KeyKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        KeyKind::Gost2015_512 => (
            "1.2.398.3.10.1.1.2.2",
            "1.2.398.3.10.1.1.2.2.1",
            "1.2.398.3.10.1.3.3",
        ),
        KeyKind::Gost2004 => (
            "1.2.398.3.10.1.1.1.1",
            "1.2.398.3.10.1.1.1.1.1",
            "1.2.398.3.10.1.3.1.1.0",
        ),
        other => panic!("{other:?} is not a GOST key"),
    }
}

/// The SubjectPublicKeyInfo (and PKCS#8) AlgorithmIdentifier of a GOST key, as NCA RK writes
/// it: the key OID, then its parameter set and digest parameter set.
fn gost_algorithm(kind: KeyKind) -> Vec<u8> {
    let (key, set, digest) = gost_oids(kind);
    der::sequence(&[
        der::oid(key),
        der::sequence(&[der::oid(set), der::oid(digest)]),
    ])
}

/// A GOST private key: the scalar d of its curve (for tests only: see [`gost`]).
#[derive(Debug, Clone)]
struct GostKey {
    kind: KeyKind,
    d: Arc<BigNum>,
}

impl GostKey {
    fn curve(&self) -> Curve {
        match self.kind {
            KeyKind::Gost2015_512 => Curve::Tc26_512A,
            _ => Curve::CryptoProA,
        }
    }
}

#[derive(Debug, Clone)]
enum Inner {
    OpenSsl(PKey<Private>),
    Gost(GostKey),
}

/// A private key. Cloning is cheap: OpenSSL keys are reference counted, GOST keys shared.
///
/// GOST keys (NCA RK's GOST 2015-512 and GOST 2004) are signed with [`gost`]'s test signer:
/// OpenSSL knows neither NCA RK's OIDs nor its little-endian encodings.
#[derive(Debug, Clone)]
pub struct KeyPair {
    inner: Inner,
}

impl KeyPair {
    /// Generates an RSA key of `bits` bits (slow: prefer [`cached_rsa_2048`]).
    pub fn rsa(bits: u32) -> Self {
        let rsa = Rsa::generate(bits).expect("OpenSSL failed to generate an RSA key");
        Self::from_pkey(PKey::from_rsa(rsa).expect("OpenSSL failed to wrap an RSA key"))
    }

    /// Generates an ECDSA key on P-256.
    pub fn ec_p256() -> Self {
        Self::ec(Nid::X9_62_PRIME256V1)
    }

    /// Generates an ECDSA key on P-384.
    pub fn ec_p384() -> Self {
        Self::ec(Nid::SECP384R1)
    }

    /// Generates a GOST R 34.10-2015 512-bit key on NCA RK's parameter set.
    pub fn gost2015_512() -> Self {
        Self::gost(KeyKind::Gost2015_512)
    }

    /// Generates a GOST 34.310-2004 key on CryptoPro-A.
    pub fn gost2004() -> Self {
        Self::gost(KeyKind::Gost2004)
    }

    fn gost(kind: KeyKind) -> Self {
        let curve = match kind {
            KeyKind::Gost2015_512 => Curve::Tc26_512A,
            _ => Curve::CryptoProA,
        };
        let d = gost::private_key(curve);
        Self {
            inner: Inner::Gost(GostKey {
                kind,
                d: Arc::new(d),
            }),
        }
    }

    /// The PKCS#8 PEM (`PRIVATE KEY`) of the key. For GOST keys, NCA RK's form: the key's
    /// AlgorithmIdentifier as in its certificates, and d as a little-endian OCTET STRING
    /// (TC26's form, RFC 9215, with NCA RK's OIDs). For tests and development tools only.
    pub fn private_key_pem(&self) -> String {
        match &self.inner {
            Inner::OpenSsl(pkey) => String::from_utf8(
                pkey.private_key_to_pem_pkcs8()
                    .expect("OpenSSL writes PKCS#8"),
            )
            .expect("PEM is text"),
            Inner::Gost(key) => {
                let size = key.curve().size();
                let mut d = key
                    .d
                    .to_vec_padded(i32::try_from(size).expect("small"))
                    .expect("d fits its curve");
                d.reverse();
                let info = der::sequence(&[
                    der::integer_i64(0),
                    gost_algorithm(key.kind),
                    der::octet_string(&der::octet_string(&d)),
                ]);
                super::cert::pem_armor("PRIVATE KEY", &info)
            }
        }
    }

    /// Reads a PKCS#8 PEM private key: one OpenSSL reads, or a GOST key in the form
    /// [`KeyPair::private_key_pem`] writes. `None` when it is neither.
    pub fn from_private_key_pem(pem: &[u8]) -> Option<Self> {
        if let Ok(pkey) = PKey::private_key_from_pem(pem) {
            return matches!(pkey.id(), Id::RSA | Id::EC).then(|| Self {
                inner: Inner::OpenSsl(pkey),
            });
        }
        let text = std::str::from_utf8(pem).ok()?;
        let body = text
            .split("-----BEGIN PRIVATE KEY-----")
            .nth(1)?
            .split("-----END PRIVATE KEY-----")
            .next()?;
        let body: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        use base64::Engine as _;
        let info = base64::engine::general_purpose::STANDARD
            .decode(body)
            .ok()?;
        let (_, content, _) = der::read_tlv(&info)?;
        let (_, _, rest) = der::read_tlv(content)?; // version
        let algorithm = &rest[..rest.len() - der::read_tlv(rest)?.2.len()];
        let (_, _, rest) = der::read_tlv(rest)?;
        let (_, outer, _) = der::read_tlv(rest)?;
        let (_, d, _) = der::read_tlv(outer)?;
        let kind = [KeyKind::Gost2015_512, KeyKind::Gost2004]
            .into_iter()
            .find(|k| gost_algorithm(*k) == algorithm)?;
        let mut big_endian = d.to_vec();
        big_endian.reverse();
        let d = BigNum::from_slice(&big_endian).ok()?;
        Some(Self {
            inner: Inner::Gost(GostKey {
                kind,
                d: Arc::new(d),
            }),
        })
    }

    fn ec(curve: Nid) -> Self {
        let group = EcGroup::from_curve_name(curve).expect("OpenSSL does not know the curve");
        let key = EcKey::generate(&group).expect("OpenSSL failed to generate an EC key");
        Self::from_pkey(PKey::from_ec_key(key).expect("OpenSSL failed to wrap an EC key"))
    }

    /// Wraps an existing OpenSSL key (e.g. one loaded from a fixture).
    ///
    /// # Panics
    /// When the key is not RSA, P-256 or P-384, so that [`KeyPair::key_kind`] is total.
    pub fn from_pkey(pkey: PKey<Private>) -> Self {
        let key = Self {
            inner: Inner::OpenSsl(pkey),
        };
        key.key_kind();
        key
    }

    /// The OpenSSL key.
    ///
    /// # Panics
    /// For a GOST key, which OpenSSL does not hold.
    pub fn pkey(&self) -> &PKey<Private> {
        match &self.inner {
            Inner::OpenSsl(pkey) => pkey,
            Inner::Gost(_) => panic!("a GOST key has no OpenSSL key"),
        }
    }

    /// What kind of key this is.
    pub fn key_kind(&self) -> KeyKind {
        let pkey = match &self.inner {
            Inner::OpenSsl(pkey) => pkey,
            Inner::Gost(key) => return key.kind,
        };
        match pkey.id() {
            Id::RSA => KeyKind::Rsa,
            Id::EC => {
                let ec = pkey.ec_key().expect("an EC pkey holds an EC key");
                match ec.group().curve_name() {
                    Some(Nid::X9_62_PRIME256V1) => KeyKind::EcP256,
                    Some(Nid::SECP384R1) => KeyKind::EcP384,
                    other => panic!("unsupported EC curve {other:?}"),
                }
            }
            other => panic!("unsupported key type {other:?}"),
        }
    }

    /// The DER SubjectPublicKeyInfo of the public half.
    pub fn spki_der(&self) -> Vec<u8> {
        match &self.inner {
            Inner::OpenSsl(pkey) => pkey
                .public_key_to_der()
                .expect("OpenSSL failed to encode a SubjectPublicKeyInfo"),
            // NCA RK's form: x‖y little-endian in an OCTET STRING (see algorithms/gost.rs).
            Inner::Gost(key) => der::sequence(&[
                gost_algorithm(key.kind),
                der::bit_string(&der::octet_string(&gost::public_key(key.curve(), &key.d))),
            ]),
        }
    }

    /// The content of the subjectPublicKey BIT STRING (without the unused-bits octet):
    /// what RFC 5280 §4.2.1.2 hashes into a key identifier.
    pub fn public_key_bits(&self) -> Vec<u8> {
        let spki = self.spki_der();
        let (_, spki_content, _) = der::read_tlv(&spki).expect("SPKI is a SEQUENCE");
        let (_, _algorithm, rest) = der::read_tlv(spki_content).expect("SPKI has an algorithm");
        let (tag, bits, _) = der::read_tlv(rest).expect("SPKI has a subjectPublicKey");
        assert_eq!(tag, der::TAG_BIT_STRING, "subjectPublicKey is a BIT STRING");
        bits[1..].to_vec()
    }

    /// The signature scheme used when a test does not pick one: PKCS#1 v1.5 with
    /// SHA-256 for RSA, ECDSA with the hash matching the curve size otherwise.
    pub fn default_scheme(&self) -> SignatureScheme {
        match self.key_kind() {
            KeyKind::Rsa => SignatureScheme::RsaPkcs1(Digest::Sha256),
            KeyKind::EcP256 => SignatureScheme::Ecdsa(Digest::Sha256),
            KeyKind::EcP384 => SignatureScheme::Ecdsa(Digest::Sha384),
            KeyKind::Gost2015_512 => SignatureScheme::Gost2015,
            KeyKind::Gost2004 => SignatureScheme::Gost2004,
        }
    }

    /// Signs `message` (hashing it with the scheme's digest). ECDSA signatures come out
    /// DER-encoded (`Ecdsa-Sig-Value`), as OpenSSL gives them.
    ///
    /// # Panics
    /// When the scheme does not fit the key (e.g. ECDSA with an RSA key).
    pub fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Vec<u8> {
        let pkey = match &self.inner {
            Inner::OpenSsl(pkey) => pkey,
            Inner::Gost(key) => {
                // Either GOST scheme over the key's curve (the other one makes the "wrong
                // algorithm for the key" cases); r‖s little-endian, as NCA RK writes it.
                assert!(
                    matches!(
                        scheme,
                        SignatureScheme::Gost2015 | SignatureScheme::Gost2004
                    ),
                    "a GOST key signs only with a GOST scheme, not {scheme:?}"
                );
                let digest = scheme.digest().compute(message);
                return gost::sign_digest(key.curve(), &key.d, &digest);
            }
        };
        assert!(
            !matches!(
                scheme,
                SignatureScheme::Gost2015 | SignatureScheme::Gost2004
            ),
            "a GOST scheme needs a GOST key"
        );
        let md = scheme.digest().message_digest();
        let mut signer = Signer::new(md, pkey).expect("OpenSSL failed to create a signer");
        match scheme {
            SignatureScheme::RsaPkcs1(_) => signer
                .set_rsa_padding(Padding::PKCS1)
                .expect("cannot set PKCS#1 v1.5 padding (not an RSA key?)"),
            SignatureScheme::RsaPss { salt_len, .. } => {
                signer
                    .set_rsa_padding(Padding::PKCS1_PSS)
                    .expect("cannot set PSS padding (not an RSA key?)");
                signer
                    .set_rsa_pss_saltlen(RsaPssSaltlen::custom(salt_len))
                    .expect("cannot set the PSS salt length");
                signer
                    .set_rsa_mgf1_md(md)
                    .expect("cannot set the MGF1 digest");
            }
            SignatureScheme::Ecdsa(_) => assert_ne!(
                self.key_kind(),
                KeyKind::Rsa,
                "ECDSA needs an EC key, got RSA"
            ),
            SignatureScheme::Gost2015 | SignatureScheme::Gost2004 => {
                unreachable!("refused above")
            }
        }
        signer
            .sign_oneshot_to_vec(message)
            .expect("OpenSSL failed to sign")
    }
}

/// Hash algorithms, including the broken ones tests need to see rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Digest {
    /// MD5 (1.2.840.113549.2.5).
    Md5,
    /// SHA-1 (1.3.14.3.2.26).
    Sha1,
    /// SHA-256 (2.16.840.1.101.3.4.2.1).
    Sha256,
    /// SHA-384 (2.16.840.1.101.3.4.2.2).
    Sha384,
    /// SHA-512 (2.16.840.1.101.3.4.2.3).
    Sha512,
    /// Streebog-512 (1.2.398.3.10.1.3.3).
    Streebog512,
    /// Streebog-256 (1.2.398.3.10.1.3.2).
    Streebog256,
    /// GOST 34.311-95 with the test S-box (1.2.398.3.10.1.3.1).
    Gost94,
}

impl Digest {
    /// The dotted OID of the hash algorithm.
    pub fn oid(&self) -> &'static str {
        match self {
            Self::Md5 => "1.2.840.113549.2.5",
            Self::Sha1 => "1.3.14.3.2.26",
            Self::Sha256 => "2.16.840.1.101.3.4.2.1",
            Self::Sha384 => "2.16.840.1.101.3.4.2.2",
            Self::Sha512 => "2.16.840.1.101.3.4.2.3",
            Self::Streebog512 => Hash::Streebog512.oid(),
            Self::Streebog256 => Hash::Streebog256.oid(),
            Self::Gost94 => Hash::Gost94.oid(),
        }
    }

    /// The DER AlgorithmIdentifier, with NULL parameters as OpenSSL and NCALayer write
    /// them (RFC 5754 allows absent ones too; tests needing that can write it with
    /// [`der`]).
    pub fn algorithm_identifier(&self) -> Vec<u8> {
        der::sequence(&[der::oid(self.oid()), der::null()])
    }

    /// The OpenSSL digest.
    ///
    /// # Panics
    /// For the GOST hashes, which OpenSSL does not have without its GOST engine.
    pub fn message_digest(&self) -> MessageDigest {
        match self {
            Self::Md5 => MessageDigest::md5(),
            Self::Sha1 => MessageDigest::sha1(),
            Self::Sha256 => MessageDigest::sha256(),
            Self::Sha384 => MessageDigest::sha384(),
            Self::Sha512 => MessageDigest::sha512(),
            Self::Streebog512 | Self::Streebog256 | Self::Gost94 => {
                panic!("OpenSSL has no {self:?}")
            }
        }
    }

    /// Hashes `data`.
    pub fn compute(&self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Streebog512 => return Hash::Streebog512.compute(data),
            Self::Streebog256 => return Hash::Streebog256.compute(data),
            Self::Gost94 => return Hash::Gost94.compute(data),
            _ => {}
        }
        hash(self.message_digest(), data)
            .expect("OpenSSL failed to hash")
            .to_vec()
    }
}

/// A signature algorithm: the padding/algorithm and its digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureScheme {
    /// RSASSA-PKCS1-v1_5.
    RsaPkcs1(Digest),
    /// RSASSA-PSS with MGF1 over the same digest.
    RsaPss {
        /// The message digest (also used by MGF1).
        digest: Digest,
        /// The salt length in bytes.
        salt_len: i32,
    },
    /// ECDSA.
    Ecdsa(Digest),
    /// GOST R 34.10-2015 512-bit with Streebog-512 (1.2.398.3.10.1.1.2.3.2).
    Gost2015,
    /// GOST 34.310-2004 with GOST 34.311-95 (1.2.398.3.10.1.1.1.2).
    Gost2004,
}

/// id-RSASSA-PSS.
const OID_RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
/// id-mgf1.
const OID_MGF1: &str = "1.2.840.113549.1.1.8";
/// The salt length RSASSA-PSS-params defaults to (RFC 4055 §3.1).
const PSS_DEFAULT_SALT_LEN: i32 = 20;

impl SignatureScheme {
    /// The digest the signature is computed with.
    pub fn digest(&self) -> Digest {
        match *self {
            Self::RsaPkcs1(digest) | Self::Ecdsa(digest) | Self::RsaPss { digest, .. } => digest,
            Self::Gost2015 => Digest::Streebog512,
            Self::Gost2004 => Digest::Gost94,
        }
    }

    /// The dotted OID of the signature algorithm.
    ///
    /// # Panics
    /// For ECDSA with MD5, which has no OID.
    pub fn oid(&self) -> &'static str {
        match *self {
            Self::RsaPkcs1(Digest::Md5) => "1.2.840.113549.1.1.4",
            Self::RsaPkcs1(Digest::Sha1) => "1.2.840.113549.1.1.5",
            Self::RsaPkcs1(Digest::Sha256) => "1.2.840.113549.1.1.11",
            Self::RsaPkcs1(Digest::Sha384) => "1.2.840.113549.1.1.12",
            Self::RsaPkcs1(Digest::Sha512) => "1.2.840.113549.1.1.13",
            Self::RsaPss { .. } => OID_RSASSA_PSS,
            Self::Ecdsa(Digest::Md5) => panic!("ECDSA with MD5 has no OID"),
            Self::Ecdsa(Digest::Sha1) => "1.2.840.10045.4.1",
            Self::Ecdsa(Digest::Sha256) => "1.2.840.10045.4.3.2",
            Self::Ecdsa(Digest::Sha384) => "1.2.840.10045.4.3.3",
            Self::Ecdsa(Digest::Sha512) => "1.2.840.10045.4.3.4",
            Self::RsaPkcs1(gost) | Self::Ecdsa(gost) => panic!("no RSA or ECDSA with {gost:?}"),
            Self::Gost2015 => "1.2.398.3.10.1.1.2.3.2",
            Self::Gost2004 => "1.2.398.3.10.1.1.1.2",
        }
    }

    /// The DER AlgorithmIdentifier of the scheme.
    ///
    /// - PKCS#1 v1.5: `shaNWithRSAEncryption` (or md5WithRSAEncryption) with NULL
    ///   parameters (RFC 4055 §5).
    /// - PSS: `id-RSASSA-PSS` with RSASSA-PSS-params: hashAlgorithm `[0]`,
    ///   maskGenAlgorithm `[1]` (MGF1 with the same hash) and saltLength `[2]`; the
    ///   trailerField is always omitted. The hash AlgorithmIdentifiers carry NULL
    ///   parameters, as OpenSSL writes them. Fields equal to their DEFAULT (SHA-1,
    ///   MGF1-SHA-1, salt 20) are omitted, as DER requires.
    /// - ECDSA: `ecdsa-with-SHAn` with absent parameters (RFC 5758 §3.2).
    pub fn algorithm_identifier(&self) -> Vec<u8> {
        match *self {
            Self::RsaPkcs1(_) => der::sequence(&[der::oid(self.oid()), der::null()]),
            Self::RsaPss { digest, salt_len } => {
                let mut params = Vec::new();
                if digest != Digest::Sha1 {
                    let hash_algorithm = digest.algorithm_identifier();
                    let mask_gen_algorithm =
                        der::sequence(&[der::oid(OID_MGF1), hash_algorithm.clone()]);
                    params.push(der::explicit(0, hash_algorithm));
                    params.push(der::explicit(1, mask_gen_algorithm));
                }
                if salt_len != PSS_DEFAULT_SALT_LEN {
                    params.push(der::explicit(2, der::integer_i64(i64::from(salt_len))));
                }
                der::sequence(&[der::oid(OID_RSASSA_PSS), der::sequence(&params)])
            }
            Self::Ecdsa(_) => der::sequence(&[der::oid(self.oid())]),
            // NULL parameters, as NCA RK writes them.
            Self::Gost2015 | Self::Gost2004 => der::sequence(&[der::oid(self.oid()), der::null()]),
        }
    }
}

/// How many keys of each kind the cache holds.
const CACHE_SLOTS: usize = 8;

/// One lazily generated key per slot, shared by the whole test process.
type KeyCache = [OnceLock<KeyPair>; CACHE_SLOTS];

fn cached(cache: &'static KeyCache, slot: usize, generate: fn() -> KeyPair) -> &'static KeyPair {
    assert!(
        slot < CACHE_SLOTS,
        "key cache slot {slot} out of range (0..{CACHE_SLOTS})"
    );
    cache[slot].get_or_init(generate)
}

/// A process-wide RSA-2048 key for `slot` (0..8), generated on first use. Distinct
/// slots give distinct keys; the same slot always gives the same key.
pub fn cached_rsa_2048(slot: usize) -> &'static KeyPair {
    static CACHE: KeyCache = [const { OnceLock::new() }; CACHE_SLOTS];
    cached(&CACHE, slot, || KeyPair::rsa(2048))
}

/// A process-wide P-256 key for `slot` (0..8), generated on first use.
pub fn cached_ec_p256(slot: usize) -> &'static KeyPair {
    static CACHE: KeyCache = [const { OnceLock::new() }; CACHE_SLOTS];
    cached(&CACHE, slot, KeyPair::ec_p256)
}

/// A process-wide P-384 key for `slot` (0..8), generated on first use.
pub fn cached_ec_p384(slot: usize) -> &'static KeyPair {
    static CACHE: KeyCache = [const { OnceLock::new() }; CACHE_SLOTS];
    cached(&CACHE, slot, KeyPair::ec_p384)
}

/// A process-wide GOST 2015-512 key for `slot` (0..8), generated on first use.
pub fn cached_gost2015_512(slot: usize) -> &'static KeyPair {
    static CACHE: KeyCache = [const { OnceLock::new() }; CACHE_SLOTS];
    cached(&CACHE, slot, KeyPair::gost2015_512)
}

/// A process-wide GOST 2004 key for `slot` (0..8), generated on first use.
pub fn cached_gost2004(slot: usize) -> &'static KeyPair {
    static CACHE: KeyCache = [const { OnceLock::new() }; CACHE_SLOTS];
    cached(&CACHE, slot, KeyPair::gost2004)
}

/// A process-wide RSA-1024 key, for tests that weak keys are refused.
pub fn cached_rsa_1024() -> &'static KeyPair {
    static KEY: OnceLock<KeyPair> = OnceLock::new();
    KEY.get_or_init(|| KeyPair::rsa(1024))
}

/// The DER SubjectPublicKeyInfo of an RSA public key with a random odd modulus of exactly
/// `bits` bits and public exponent `exponent`: a key no one holds, for tests of the key
/// limits (a 16,384-bit key needs no generation this way).
pub fn rsa_spki(bits: usize, exponent: u64) -> Vec<u8> {
    let mut modulus = vec![0u8; bits.div_ceil(8)];
    openssl::rand::rand_bytes(&mut modulus).expect("OpenSSL has no randomness");
    let top_bits = bits % 8;
    modulus[0] &= if top_bits == 0 {
        0xff
    } else {
        (1u8 << top_bits) - 1
    };
    modulus[0] |= if top_bits == 0 {
        0x80
    } else {
        1 << (top_bits - 1)
    };
    *modulus.last_mut().expect("a modulus has bytes") |= 1;
    let rsa_public_key = der::sequence(&[
        der::integer_unsigned(&modulus),
        der::integer_unsigned(&exponent.to_be_bytes()),
    ]);
    der::sequence(&[
        der::sequence(&[der::oid("1.2.840.113549.1.1.1"), der::null()]),
        der::bit_string(&rsa_public_key),
    ])
}

/// The DER SubjectPublicKeyInfo of `key` (an RSA key) with its public exponent replaced by
/// `exponent`.
pub fn rsa_spki_with_exponent(key: &KeyPair, exponent: u64) -> Vec<u8> {
    let rsa = key.pkey().rsa().expect("an RSA key");
    let rsa_public_key = der::sequence(&[
        der::integer_unsigned(&rsa.n().to_vec()),
        der::integer_unsigned(&exponent.to_be_bytes()),
    ]);
    der::sequence(&[
        der::sequence(&[der::oid("1.2.840.113549.1.1.1"), der::null()]),
        der::bit_string(&rsa_public_key),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::sign::Verifier;

    #[test]
    fn cached_keys_are_stable_and_distinct() {
        assert!(std::ptr::eq(cached_ec_p256(0), cached_ec_p256(0)));
        assert_ne!(cached_ec_p256(0).spki_der(), cached_ec_p256(1).spki_der());
        assert_eq!(cached_ec_p384(0).key_kind(), KeyKind::EcP384);
    }

    #[test]
    fn pss_signatures_verify() {
        let key = cached_rsa_2048(0);
        let scheme = SignatureScheme::RsaPss {
            digest: Digest::Sha256,
            salt_len: 32,
        };
        let signature = key.sign(scheme, b"message");
        let mut verifier = Verifier::new(MessageDigest::sha256(), key.pkey()).expect("verifier");
        verifier.set_rsa_padding(Padding::PKCS1_PSS).expect("pss");
        verifier
            .set_rsa_pss_saltlen(RsaPssSaltlen::custom(32))
            .expect("salt");
        assert!(
            verifier
                .verify_oneshot(&signature, b"message")
                .expect("verify")
        );
    }
}
