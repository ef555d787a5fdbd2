//! Kazakhstan's GOST algorithms, verified with open code.
//!
//! - GOST R 34.10-2015 (the Kazakh name of GOST R 34.10-2012, RFC 7091) with Streebog
//!   (GOST R 34.11-2012, RFC 6986): NCA RK's keys since April 2024, 512 bits on the curve of
//!   RFC 7836's `id-tc26-gost-3410-12-512-paramSetA`.
//! - GOST 34.310-2004 (= GOST R 34.10-2001, RFC 5832) on the CryptoPro-A curve (RFC 4357
//!   §11.4) with GOST 34.311-95 (= GOST R 34.11-94, RFC 5831) under its *test* S-box
//!   (RFC 5831 §7.3.1, RustCrypto's `Gost94Test`): NCA RK's older GOST keys.
//!
//! NCA RK writes both in its own arc 1.2.398.3.10 and little-endian (see the NCA vectors'
//! README): the public key OCTET STRING is x‖y, the signature r‖s, each coordinate or
//! integer little-endian and as long as the curve's coordinates (the byte reversal of RFC 4491
//! and RFC 9215's big-endian s‖r); the digest is read as a little-endian integer.
//!
//! Accepted parameter sets are exactly [`PARAMETER_SETS`]; any other is
//! `UNSUPPORTED_ALGORITHM`, decided before any arithmetic (so for paths too). The module also
//! holds the arithmetic of GOST 2015's other TC26 curves (512 paramSetB and C, 256 paramSetA)
//! and of CryptoPro-B and C, checked against OpenSSL's GOST engine in the tests, but accepts
//! none of them under an NCA OID until a real sample or NCA RK's published profile names them
//! (until then they are built for the tests only: accepting one is one more [`ParameterSet`]
//! row). GOST 2015-256 (signature OID 1.2.398.3.10.1.1.2.3.1) is therefore not in the table
//! either.
//!
//! Verification is GOST R 34.10-2012 §6.2 (RFC 7091 §6.2): 0 < r, s < q; e = α mod q (1 when
//! 0); C = (s·e⁻¹)·P + (−r·e⁻¹)·Q; valid when x(C) mod q = r. The key must be a point of the
//! curve, not the point at infinity, and, on curves with a cofactor (tc26 512 paramSetC and 256
//! paramSetA have 4), not of small order. A key that cannot be read, or fails those checks,
//! verifies nothing (`SIGNATURE_INVALID`).
//!
//! The curve arithmetic is OpenSSL's (`EC_GROUP_new_curve_GFp` from the standard's
//! parameters, `EC_POINT_mul` for n·P + m·Q): measured at ~1,100 verifications per second on
//! one core for the 512-bit curve, against ~680 for Jacobian coordinates over `crypto-bigint`'s
//! Montgomery form (0.7, binary Shamir), so OpenSSL's audited code and no new crate.

use super::{
    AlgorithmModule, Backend, DigestAlgorithm, Entry, KeyKind, NamedScheme, PublicKey, SchemeKind,
    SignatureVerifier, unsupported,
};
use crate::der::{Reader, tag};
use crate::error::Error;
use crate::oid;
use openssl::bn::{BigNum, BigNumContext, BigNumContextRef};
use openssl::ec::{EcGroup, EcPoint};
use openssl::error::ErrorStack;
use std::cmp::Ordering;
use std::sync::OnceLock;
use streebog::digest::Digest as _;

pub(crate) static MODULE: AlgorithmModule = AlgorithmModule {
    digests: &[&STREEBOG_512, &STREEBOG_256, &GOST94],
    named_schemes: &[
        NamedScheme {
            oid: oid::GOST_2015_512_SIGNATURE,
            name: "GOST R 34.10-2015 (512 bits)",
            digest: &STREEBOG_512,
        },
        NamedScheme {
            oid: oid::GOST_2004_SIGNATURE,
            name: "GOST 34.310-2004",
            digest: &GOST94,
        },
    ],
    entries: &[
        Entry {
            digest: oid::STREEBOG_512,
            scheme: SchemeKind::Named(oid::GOST_2015_512_SIGNATURE),
            key: KeyKind::Named(oid::GOST_2015_512_KEY),
            backend: Backend::Module(&GOST_2015_512),
        },
        Entry {
            digest: oid::GOST94,
            scheme: SchemeKind::Named(oid::GOST_2004_SIGNATURE),
            key: KeyKind::Named(oid::GOST_2004_KEY),
            backend: Backend::Module(&GOST_2004),
        },
    ],
};

/// Streebog-512 (GOST R 34.11-2012, RFC 6986): the digest as the hash outputs it, which is the
/// byte reversal of the integer RFC 6986 §10 prints.
pub(crate) static STREEBOG_512: DigestAlgorithm = DigestAlgorithm {
    name: "Streebog-512",
    oid: oid::STREEBOG_512,
    output_len: 64,
    compute: Some(|data| streebog::Streebog512::digest(data).to_vec()),
    openssl: None,
};
/// Streebog-256. Recognised (so a CMS naming it next to a 512-bit key is `ALGORITHM_MISMATCH`,
/// not unknown); no accepted key pairs with it yet.
pub(crate) static STREEBOG_256: DigestAlgorithm = DigestAlgorithm {
    name: "Streebog-256",
    oid: oid::STREEBOG_256,
    output_len: 32,
    compute: Some(|data| streebog::Streebog256::digest(data).to_vec()),
    openssl: None,
};
/// GOST 34.311-95 = GOST R 34.11-94 with the test S-box (RFC 5831 §7.3.1), as NCA RK uses it.
pub(crate) static GOST94: DigestAlgorithm = DigestAlgorithm {
    name: "GOST 34.311-95",
    oid: oid::GOST94,
    output_len: 32,
    compute: Some(|data| gost94::Gost94Test::digest(data).to_vec()),
    openssl: None,
};

/// An elliptic curve of GOST R 34.10 in short Weierstrass form y² = x³ + ax + b over GF(p),
/// with its base point P of prime order q (hex, big-endian, as the standards print them).
#[derive(Debug)]
pub(crate) struct Curve {
    #[cfg_attr(
        not(any(test, feature = "testing")),
        expect(dead_code, reason = "read by the tests and the test PKI")
    )]
    pub name: &'static str,
    /// Length in bytes of a coordinate, of r and s (32 or 64).
    pub size: usize,
    p: &'static str,
    a: &'static str,
    b: &'static str,
    q: &'static str,
    x: &'static str,
    y: &'static str,
    cofactor: u32,
    /// OpenSSL's group, built on first use (`None` if OpenSSL refused the parameters).
    group: OnceLock<Option<Group>>,
}

/// A curve as OpenSSL holds it.
#[derive(Debug)]
pub(crate) struct Group {
    pub group: EcGroup,
    pub p: BigNum,
    pub q: BigNum,
    cofactor: BigNum,
}

impl Curve {
    const fn new(
        name: &'static str,
        size: usize,
        [p, a, b, q, x, y]: [&'static str; 6],
        cofactor: u32,
    ) -> Self {
        Curve {
            name,
            size,
            p,
            a,
            b,
            q,
            x,
            y,
            cofactor,
            group: OnceLock::new(),
        }
    }

    /// OpenSSL's group of this curve, with P as its generator.
    pub fn group(&self) -> Option<&Group> {
        self.group.get_or_init(|| self.build().ok()).as_ref()
    }

    fn build(&self) -> Result<Group, ErrorStack> {
        let mut ctx = BigNumContext::new()?;
        let p = BigNum::from_hex_str(self.p)?;
        let q = BigNum::from_hex_str(self.q)?;
        let cofactor = BigNum::from_u32(self.cofactor)?;
        let mut group = EcGroup::from_components(
            p.to_owned()?,
            BigNum::from_hex_str(self.a)?,
            BigNum::from_hex_str(self.b)?,
            &mut ctx,
        )?;
        let (x, y) = (BigNum::from_hex_str(self.x)?, BigNum::from_hex_str(self.y)?);
        let mut generator = EcPoint::new(&group)?;
        generator.set_affine_coordinates_gfp(&group, &x, &y, &mut ctx)?;
        group.set_generator(generator, q.to_owned()?, cofactor.to_owned()?)?;
        Ok(Group {
            group,
            p,
            q,
            cofactor,
        })
    }
}

/// TC 26's id-tc26-gost-3410-12-512-paramSetA (1.2.643.7.1.2.1.2.1): NCA RK's GOST 2015 curve
/// (1.2.398.3.10.1.1.2.2.1). Cofactor 1.
pub(crate) static TC26_512_A: Curve = Curve::new(
    "tc26-512-paramSetA",
    64,
    [
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC7",
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC4",
        "E8C2505DEDFC86DDC1BD0B2B6667F1DA34B82574761CB0E879BD081CFD0B6265EE3CB090F30D27614CB4574010DA90DD862EF9D4EBEE4761503190785A71C760",
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF27E69532F48D89116FF22B8D4E0560609B4B38ABFAD2B85DCACDB1411F10B275",
        "3",
        "7503CFE87A836AE3A61B8816E25450E6CE5E1C93ACF1ABC1778064FDCBEFA921DF1626BE4FD036E93D75E6A50E3A41E98028FE5FC235F5B889A589CB5215F2A4",
    ],
    1,
);

/// id-tc26-gost-3410-12-512-paramSetB (1.2.643.7.1.2.1.2.2). Cofactor 1. Not accepted under an NCA OID (no sample).
#[cfg(any(test, feature = "testing"))]
pub(crate) static TC26_512_B: Curve = Curve::new(
    "tc26-512-paramSetB",
    64,
    [
        "8000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000006F",
        "8000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000006C",
        "687D1B459DC841457E3E06CF6F5E2517B97C7D614AF138BCBF85DC806C4B289F3E965D2DB1416D217F8B276FAD1AB69C50F78BEE1FA3106EFB8CCBC7C5140116",
        "800000000000000000000000000000000000000000000000000000000000000149A1EC142565A545ACFDB77BD9D40CFA8B996712101BEA0EC6346C54374F25BD",
        "2",
        "1A8F7EDA389B094C2C071E3647A8940F3C123B697578C213BE6DD9E6C8EC7335DCB228FD1EDF4A39152CBCAAF8C0398828041055F94CEEEC7E21340780FE41BD",
    ],
    1,
);

/// id-tc26-gost-3410-12-512-paramSetC (RFC 7836 appendix A, a twisted Edwards curve in
/// Weierstrass form). Cofactor 4. Not accepted under an NCA OID (no sample).
#[cfg(any(test, feature = "testing"))]
pub(crate) static TC26_512_C: Curve = Curve::new(
    "tc26-512-paramSetC",
    64,
    [
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC7",
        "DC9203E514A721875485A529D2C722FB187BC8980EB866644DE41C68E143064546E861C0E2C9EDD92ADE71F46FCF50FF2AD97F951FDA9F2A2EB6546F39689BD3",
        "B4C4EE28CEBC6C2C8AC12952CF37F16AC7EFB6A9F69F4B57FFDA2E4F0DE5ADE038CBC2FFF719D2C18DE0284B8BFEF3B52B8CC7A5F5BF0A3C8D2319A5312557E1",
        "3FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC98CDBA46506AB004C33A9FF5147502CC8EDA9E7A769A12694623CEF47F023ED",
        "E2E31EDFC23DE7BDEBE241CE593EF5DE2295B7A9CBAEF021D385F7074CEA043AA27272A7AE602BF2A7B9033DB9ED3610C6FB85487EAE97AAC5BC7928C1950148",
        "F5CE40D95B5EB899ABBCCFF5911CB8577939804D6527378B8C108C3D2090FF9BE18E2D33E3021ED2EF32D85822423B6304F726AA854BAE07D0396E9A9ADDC40F",
    ],
    4,
);

/// id-tc26-gost-3410-12-256-paramSetA (RFC 7836 appendix A, twisted Edwards in Weierstrass form).
/// Cofactor 4. GOST 2015-256 has no NCA sample: not accepted under an NCA OID.
#[cfg(any(test, feature = "testing"))]
pub(crate) static TC26_256_A: Curve = Curve::new(
    "tc26-256-paramSetA",
    32,
    [
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD97",
        "C2173F1513981673AF4892C23035A27CE25E2013BF95AA33B22C656F277E7335",
        "295F9BAE7428ED9CCC20E7C359A9D41A22FCCD9108E17BF7BA9337A6F8AE9513",
        "400000000000000000000000000000000FD8CDDFC87B6635C115AF556C360C67",
        "91E38443A5E82C0D880923425712B2BB658B9196932E02C78B2582FE742DAA28",
        "32879423AB1A0375895786C4BB46E9565FDE0B5344766740AF268ADB32322E5C",
    ],
    4,
);

/// id-GostR3410-2001-CryptoPro-A-ParamSet (RFC 4357 §11.4; tc26 256 paramSetB): NCA RK's
/// GOST 2004 curve (1.2.398.3.10.1.1.1.1.1). Cofactor 1.
pub(crate) static CRYPTOPRO_A: Curve = Curve::new(
    "CryptoPro-A",
    32,
    [
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD97",
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD94",
        "A6",
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF6C611070995AD10045841B09B761B893",
        "1",
        "8D91E471E0989CDA27DF505A453F2B7635294F2DDF23E3B122ACC99C9E9F1E14",
    ],
    1,
);

/// id-GostR3410-2001-CryptoPro-B-ParamSet (RFC 4357 §11.4). Not accepted under an NCA OID.
#[cfg(any(test, feature = "testing"))]
pub(crate) static CRYPTOPRO_B: Curve = Curve::new(
    "CryptoPro-B",
    32,
    [
        "8000000000000000000000000000000000000000000000000000000000000C99",
        "8000000000000000000000000000000000000000000000000000000000000C96",
        "3E1AF419A269A5F866A7D3C25C3DF80AE979259373FF2B182F49D4CE7E1BBC8B",
        "800000000000000000000000000000015F700CFFF1A624E5E497161BCC8A198F",
        "1",
        "3FA8124359F96680B83D1C3EB2C070E5C545C9858D03ECFB744BF8D717717EFC",
    ],
    1,
);

/// id-GostR3410-2001-CryptoPro-C-ParamSet (RFC 4357 §11.4). Not accepted under an NCA OID.
#[cfg(any(test, feature = "testing"))]
pub(crate) static CRYPTOPRO_C: Curve = Curve::new(
    "CryptoPro-C",
    32,
    [
        "9B9F605F5A858107AB1EC85E6B41C8AACF846E86789051D37998F7B9022D759B",
        "9B9F605F5A858107AB1EC85E6B41C8AACF846E86789051D37998F7B9022D7598",
        "805A",
        "9B9F605F5A858107AB1EC85E6B41C8AA582CA3511EDDFB74F02F3A6598980BB9",
        "0",
        "41ECE55743711A8C3CBF3783CD08C0EE4D4DC440D4641A8F366E550DFDB3BB67",
    ],
    1,
);

/// A parameter set accepted under a key OID.
#[derive(Debug)]
pub(crate) struct ParameterSet {
    /// The SubjectPublicKeyInfo's algorithm OID.
    pub key: &'static str,
    /// The publicKeyParamSet OID in its parameters.
    pub oid: &'static str,
    pub curve: &'static Curve,
}

/// The accepted (key, parameter set) pairs: NCA RK's, as its vectors show them. Every other
/// parameter set is `UNSUPPORTED_ALGORITHM`.
pub(crate) static PARAMETER_SETS: &[ParameterSet] = &[
    ParameterSet {
        key: oid::GOST_2015_512_KEY,
        oid: oid::GOST_2015_512_PARAMSET_A,
        curve: &TC26_512_A,
    },
    ParameterSet {
        key: oid::GOST_2004_KEY,
        oid: oid::GOST_2004_PARAMSET_A,
        curve: &CRYPTOPRO_A,
    },
];

/// GOST R 34.10-2015, 512 bits, with Streebog-512.
static GOST_2015_512: GostVerifier = GostVerifier {
    key: oid::GOST_2015_512_KEY,
    digest: &STREEBOG_512,
};
/// GOST 34.310-2004 with GOST 34.311-95.
static GOST_2004: GostVerifier = GostVerifier {
    key: oid::GOST_2004_KEY,
    digest: &GOST94,
};

/// The module's verifier for one key OID.
#[derive(Debug)]
struct GostVerifier {
    key: &'static str,
    digest: &'static DigestAlgorithm,
}

impl SignatureVerifier for GostVerifier {
    fn check_key(&self, key: &PublicKey, what: &str) -> Result<(), Error> {
        curve_of(self.key, &key.spki, what).map(|_| ())
    }

    fn verify(&self, key: &PublicKey, message: &[u8], signature: &[u8]) -> bool {
        let Ok(curve) = curve_of(self.key, &key.spki, "") else {
            return false;
        };
        let Some(digest) = self.digest.digest(message) else {
            return false;
        };
        let Some(point) = key_point(&key.key_bits, curve.size) else {
            return false;
        };
        verify_digest(curve, point, &digest, signature)
    }
}

/// The accepted curve of a GOST SubjectPublicKeyInfo: its parameters are a SEQUENCE whose first
/// member is the publicKeyParamSet OID (RFC 4491 §2.3.2, RFC 9215 §3; NCA RK adds the digest
/// parameter set after it).
pub(crate) fn curve_of(key_oid: &str, spki: &[u8], what: &str) -> Result<&'static Curve, Error> {
    let no_set = || unsupported(&format!("{key_oid} without a parameter set"), what);
    let (algorithm, _) = crate::cert::parse_spki(spki).map_err(|_| no_set())?;
    let parameters = algorithm.parameters.ok_or_else(no_set)?;
    let mut outer = Reader::new(&parameters);
    let mut seq = outer.read_nested(tag::SEQUENCE, "").map_err(|_| no_set())?;
    let set = seq.read(tag::OID, "").map_err(|_| no_set())?;
    let set = crate::der::oid_to_string(set.value).ok_or_else(no_set)?;
    PARAMETER_SETS
        .iter()
        .find(|p| p.key == key_oid && p.oid == set)
        .map(|p| p.curve)
        .ok_or_else(|| unsupported(&format!("{key_oid} with parameter set {set}"), what))
}

/// The x‖y of a GOST key: the OCTET STRING inside the subjectPublicKey BIT STRING, two
/// coordinates of `size` bytes each.
pub(crate) fn key_point(key_bits: &[u8], size: usize) -> Option<&[u8]> {
    let mut reader = Reader::new(key_bits);
    let octets = reader.read(tag::OCTET_STRING, "").ok()?;
    reader.finish("").ok()?;
    (octets.value.len() == 2 * size).then_some(octets.value)
}

/// A little-endian integer.
fn little_endian(bytes: &[u8]) -> Result<BigNum, ErrorStack> {
    let mut big_endian = bytes.to_vec();
    big_endian.reverse();
    BigNum::from_slice(&big_endian)
}

/// Why a public key is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyProblem {
    /// Not two coordinates of the curve's size, or one of them not below p.
    Encoding,
    /// Not a point of the curve.
    OffCurve,
    /// The point at infinity, or a point of order dividing the cofactor.
    SmallOrder,
    /// OpenSSL failed (memory).
    OpenSsl,
}

impl From<ErrorStack> for KeyProblem {
    fn from(_: ErrorStack) -> Self {
        KeyProblem::OpenSsl
    }
}

/// The public key Q from its little-endian x‖y, checked: coordinates below p, on the curve,
/// not at infinity and not of small order.
pub(crate) fn public_point(
    group: &Group,
    xy: &[u8],
    size: usize,
    ctx: &mut BigNumContextRef,
) -> Result<EcPoint, KeyProblem> {
    if xy.len() != 2 * size {
        return Err(KeyProblem::Encoding);
    }
    let (x, y) = xy.split_at(size);
    let (x, y) = (little_endian(x)?, little_endian(y)?);
    if x.ucmp(&group.p) != Ordering::Less || y.ucmp(&group.p) != Ordering::Less {
        return Err(KeyProblem::Encoding);
    }
    let mut point = EcPoint::new(&group.group)?;
    // OpenSSL 3 refuses coordinates off the curve here already; checked below either way.
    if point
        .set_affine_coordinates_gfp(&group.group, &x, &y, ctx)
        .is_err()
        || !point.is_on_curve(&group.group, ctx)?
    {
        return Err(KeyProblem::OffCurve);
    }
    if point.is_infinity(&group.group) {
        return Err(KeyProblem::SmallOrder);
    }
    if group.cofactor.num_bits() > 1 {
        let zero = BigNum::new()?;
        let mut multiple = EcPoint::new(&group.group)?;
        multiple.mul_full(&group.group, &zero, &point, &group.cofactor, ctx)?;
        if multiple.is_infinity(&group.group) {
            return Err(KeyProblem::SmallOrder);
        }
    }
    Ok(point)
}

/// GOST R 34.10-2012 §6.2 over a digest: `xy` is the key's x‖y and `signature` r‖s, both
/// little-endian, `digest` the hash output (read as a little-endian integer).
pub(crate) fn verify_digest(curve: &Curve, xy: &[u8], digest: &[u8], signature: &[u8]) -> bool {
    verify_digest_checked(curve, xy, digest, signature).unwrap_or(false)
}

fn verify_digest_checked(
    curve: &Curve,
    xy: &[u8],
    digest: &[u8],
    signature: &[u8],
) -> Result<bool, KeyProblem> {
    let Some(group) = curve.group() else {
        return Ok(false);
    };
    if signature.len() != 2 * curve.size {
        return Ok(false);
    }
    let (r, s) = signature.split_at(curve.size);
    let (r, s) = (little_endian(r)?, little_endian(s)?);
    // Step 1: 0 < r < q and 0 < s < q.
    let in_range = |n: &BigNum| n.num_bits() > 0 && n.ucmp(&group.q) == Ordering::Less;
    if !in_range(&r) || !in_range(&s) {
        return Ok(false);
    }
    let mut ctx = BigNumContext::new()?;
    let key = public_point(group, xy, curve.size, &mut ctx)?;
    // Steps 2-3: e = α mod q, or 1 when that is 0.
    let alpha = little_endian(digest)?;
    let mut e = BigNum::new()?;
    e.nnmod(&alpha, &group.q, &mut ctx)?;
    if e.num_bits() == 0 {
        e = BigNum::from_u32(1)?;
    }
    // Steps 4-5: v = e⁻¹, z1 = s·v, z2 = −r·v (mod q).
    let mut v = BigNum::new()?;
    v.mod_inverse(&e, &group.q, &mut ctx)?;
    let mut z1 = BigNum::new()?;
    z1.mod_mul(&s, &v, &group.q, &mut ctx)?;
    let mut minus_r = BigNum::new()?;
    minus_r.checked_sub(&group.q, &r)?;
    let mut z2 = BigNum::new()?;
    z2.mod_mul(&minus_r, &v, &group.q, &mut ctx)?;
    // Step 6: C = z1·P + z2·Q, R = x(C) mod q.
    let mut c = EcPoint::new(&group.group)?;
    c.mul_full(&group.group, &z1, &key, &z2, &mut ctx)?;
    if c.is_infinity(&group.group) {
        return Ok(false);
    }
    let (mut x, mut y) = (BigNum::new()?, BigNum::new()?);
    c.affine_coordinates_gfp(&group.group, &mut x, &mut y, &mut ctx)?;
    let mut big_r = BigNum::new()?;
    big_r.nnmod(&x, &group.q, &mut ctx)?;
    // Step 7.
    Ok(big_r == r)
}

/// Signing, for the test PKI only (feature `testing`): the nonce is drawn by OpenSSL but the
/// arithmetic is not constant-time, so a signer leaks its nonce through timing.
#[cfg(any(test, feature = "testing"))]
pub(crate) mod signing {
    use super::{Curve, little_endian};
    use openssl::bn::{BigNum, BigNumContext, BigNumRef};
    use openssl::ec::EcPoint;
    use openssl::error::ErrorStack;

    fn to_le(n: &BigNumRef, size: usize) -> Result<Vec<u8>, ErrorStack> {
        let mut bytes = n.to_vec_padded(i32::try_from(size).unwrap_or(i32::MAX))?;
        bytes.reverse();
        Ok(bytes)
    }

    /// The public key x‖y (little-endian) of the private key `d`.
    pub(crate) fn public_key(curve: &Curve, d: &BigNumRef) -> Result<Vec<u8>, ErrorStack> {
        let group = curve.group().ok_or_else(ErrorStack::get)?;
        let mut ctx = BigNumContext::new()?;
        let zero = BigNum::new()?;
        let generator = group.group.generator_opt().ok_or_else(ErrorStack::get)?;
        let mut q = EcPoint::new(&group.group)?;
        q.mul_full(&group.group, d, generator, &zero, &mut ctx)?;
        let (mut x, mut y) = (BigNum::new()?, BigNum::new()?);
        q.affine_coordinates_gfp(&group.group, &mut x, &mut y, &mut ctx)?;
        let mut out = to_le(&x, curve.size)?;
        out.extend(to_le(&y, curve.size)?);
        Ok(out)
    }

    /// A random private key in [1, q-1].
    pub(crate) fn private_key(curve: &Curve) -> Result<BigNum, ErrorStack> {
        let group = curve.group().ok_or_else(ErrorStack::get)?;
        let mut d = BigNum::new()?;
        loop {
            group.q.rand_range(&mut d)?;
            if d.num_bits() > 0 {
                return Ok(d);
            }
        }
    }

    /// GOST R 34.10-2012 §6.1 over a digest (read little-endian), with the nonce `k`:
    /// r‖s little-endian, or `None` when k gives r = 0 or s = 0.
    pub(crate) fn sign_with_nonce(
        curve: &Curve,
        d: &BigNumRef,
        digest: &[u8],
        k: &BigNumRef,
    ) -> Result<Option<Vec<u8>>, ErrorStack> {
        let group = curve.group().ok_or_else(ErrorStack::get)?;
        let mut ctx = BigNumContext::new()?;
        let alpha = little_endian(digest)?;
        let mut e = BigNum::new()?;
        e.nnmod(&alpha, &group.q, &mut ctx)?;
        if e.num_bits() == 0 {
            e = BigNum::from_u32(1)?;
        }
        let zero = BigNum::new()?;
        let mut c = EcPoint::new(&group.group)?;
        let generator = group.group.generator_opt().ok_or_else(ErrorStack::get)?;
        c.mul_full(&group.group, k, generator, &zero, &mut ctx)?;
        let (mut x, mut y) = (BigNum::new()?, BigNum::new()?);
        c.affine_coordinates_gfp(&group.group, &mut x, &mut y, &mut ctx)?;
        let mut r = BigNum::new()?;
        r.nnmod(&x, &group.q, &mut ctx)?;
        let (mut rd, mut ke, mut s) = (BigNum::new()?, BigNum::new()?, BigNum::new()?);
        rd.mod_mul(&r, d, &group.q, &mut ctx)?;
        ke.mod_mul(k, &e, &group.q, &mut ctx)?;
        s.mod_add(&rd, &ke, &group.q, &mut ctx)?;
        if r.num_bits() == 0 || s.num_bits() == 0 {
            return Ok(None);
        }
        let mut out = to_le(&r, curve.size)?;
        out.extend(to_le(&s, curve.size)?);
        Ok(Some(out))
    }

    /// Signs a digest with a fresh random nonce.
    pub(crate) fn sign(curve: &Curve, d: &BigNumRef, digest: &[u8]) -> Result<Vec<u8>, ErrorStack> {
        loop {
            let k = private_key(curve)?;
            if let Some(signature) = sign_with_nonce(curve, d, digest, &k)? {
                return Ok(signature);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! Known answers from the standards: RFC 6986 (Streebog), RFC 5831 (GOST R 34.11-94 with
    //! the test S-box), GOST R 34.10-2012 appendix A = RFC 7091 §7 (both examples); the
    //! curves' own consistency; and the refusals (ranges, keys off the curve or of small
    //! order). The interoperability tests with OpenSSL's GOST engine are in
    //! `tests/gost_engine.rs`.
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        reason = "tests stop on the first broken expectation"
    )]
    use super::signing::{public_key, sign, sign_with_nonce};
    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    /// A big-endian hex number as `size` little-endian bytes.
    fn le(text: &str, size: usize) -> Vec<u8> {
        let n = BigNum::from_hex_str(text).unwrap();
        let mut bytes = n.to_vec_padded(size as i32).unwrap();
        bytes.reverse();
        bytes
    }

    #[test]
    fn streebog_matches_rfc_6986() {
        // §10.1 and §10.2: M1 (63 bytes) and M2 (72 bytes, cp1251). The RFC prints each hash as
        // an integer; the hash output is its byte reversal (what every tool prints).
        let m1 = b"012345678901234567890123456789012345678901234567890123456789012";
        let m2 = hex(
            "d1e520e2e5f2f0e82c20d1f2f0e8e1eee6e820e2edf3f6e82c20e2e5fef2fa20f120eceef0ff20f1f2f0\
             e5ebe0ece820ede020f5f0e0e1f0fbff20efebfaeafb20c8e3eef0e5e2fb",
        );
        assert_eq!(m2.len(), 72);
        let cases: [(&DigestAlgorithm, &[u8], &str); 4] = [
            (
                &STREEBOG_512,
                m1,
                "1b54d01a4af5b9d5cc3d86d68d285462b19abc2475222f35c085122be4ba1ffa\
                 00ad30f8767b3a82384c6574f024c311e2a481332b08ef7f41797891c1646f48",
            ),
            (
                &STREEBOG_256,
                m1,
                "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500",
            ),
            (
                &STREEBOG_512,
                &m2,
                "1e88e62226bfca6f9994f1f2d51569e0daf8475a3b0fe61a5300eee46d961376\
                 035fe83549ada2b8620fcd7c496ce5b33f0cb9dddc2b6460143b03dabac9fb28",
            ),
            (
                &STREEBOG_256,
                &m2,
                "9dd2fe4e90409e5da87f53976d7405b0c0cac628fc669a741d50063c557e8f50",
            ),
        ];
        for (digest, message, expected) in cases {
            assert_eq!(
                digest.digest(message).unwrap(),
                hex(expected),
                "{}",
                digest.name
            );
        }
    }

    #[test]
    fn gost94_with_the_test_s_box_matches_rfc_5831() {
        let cases = [
            (
                "",
                "ce85b99cc46752fffee35cab9a7b0278abb4c2d2055cff685af4912c49490f8d",
            ),
            (
                "abc",
                "f3134348c44fb1b2a277729e2285ebb5cb5e0f29c975bc753b70497c06a4d51d",
            ),
            (
                "This is message, length=32 bytes",
                "b1c466d37519b82e8319819ff32595e047a28cb6f83eff1c6916a815a637fffa",
            ),
            (
                "Suppose the original message has length = 50 bytes",
                "471aba57a60a770d3a76130635c1fbea4ef14de51f78b4ae57dd893b62f55208",
            ),
        ];
        for (message, expected) in cases {
            assert_eq!(
                GOST94.digest(message.as_bytes()).unwrap(),
                hex(expected),
                "{message:?}"
            );
        }
    }

    /// GOST R 34.10-2012 appendix A.1's curve (= id-GostR3410-2001-TestParamSet).
    static TEST_256: Curve = Curve::new(
        "GOST R 34.10-2012 A.1",
        32,
        [
            "8000000000000000000000000000000000000000000000000000000000000431",
            "7",
            "5FBFF498AA938CE739B8E022FBAFEF40563F6E6A3472FC2A514C0CE9DAE23B7E",
            "8000000000000000000000000000000150FE8A1892976154C59CFC193ACCF5B3",
            "2",
            "08E2A8A0E65147D4BD6316030E16D19C85C97F0A9CA267122B96ABBCEA7E8FC8",
        ],
        1,
    );

    /// GOST R 34.10-2012 appendix A.2's curve (= id-tc26-gost-3410-12-512-paramSetTest).
    static TEST_512: Curve = Curve::new(
        "GOST R 34.10-2012 A.2",
        64,
        [
            "4531ACD1FE0023C7550D267B6B2FEE80922B14B2FFB90F04D4EB7C09B5D2D15DF1D852741AF4704A0458047E80E4546D35B8336FAC224DD81664BBF528BE6373",
            "7",
            "1CFF0806A31116DA29D8CFA54E57EB748BC5F377E49400FDD788B649ECA1AC4361834013B2AD7322480A89CA58E0CF74BC9E540C2ADD6897FAD0A3084F302ADC",
            "4531ACD1FE0023C7550D267B6B2FEE80922B14B2FFB90F04D4EB7C09B5D2D15DA82F2D7ECB1DBAC719905C5EECC423F1D86E25EDBE23C595D644AAF187E6E6DF",
            "24D19CC64572EE30F396BF6EBBFD7A6C5213B3B3D7057CC825F91093A68CD762FD60611262CD838DC6B60AA7EEE804E28BC849977FAC33B4B530F1B120248A9A",
            "2BB312A43BD2CE6E0D020613C857ACDDCFBF061E91E5F2C3F32447C259F39B2C83AB156D77F1496BF7EB3351E1EE4E43DC1A18B91B24640B6DBB92CB1ADD371E",
        ],
        1,
    );

    /// One example of appendix A: d, Q = (x, y), e (the digest's integer), k, r, s.
    struct Example {
        curve: &'static Curve,
        d: &'static str,
        x: &'static str,
        y: &'static str,
        e: &'static str,
        k: &'static str,
        r: &'static str,
        s: &'static str,
    }

    const EXAMPLES: [Example; 2] = [
        Example {
            curve: &TEST_256,
            d: "7A929ADE789BB9BE10ED359DD39A72C11B60961F49397EEE1D19CE9891EC3B28",
            x: "7F2B49E270DB6D90D8595BEC458B50C58585BA1D4E9B788F6689DBD8E56FD80B",
            y: "26F1B489D6701DD185C8413A977B3CBBAF64D1C593D26627DFFB101A87FF77DA",
            e: "2DFBC1B372D89A1188C09C52E0EEC61FCE52032AB1022E8E67ECE6672B043EE5",
            k: "77105C9B20BCD3122823C8CF6FCC7B956DE33814E95B7FE64FED924594DCEAB3",
            r: "41AA28D2F1AB148280CD9ED56FEDA41974053554A42767B83AD043FD39DC0493",
            s: "01456C64BA4642A1653C235A98A60249BCD6D3F746B631DF928014F6C5BF9C40",
        },
        Example {
            curve: &TEST_512,
            d: "0BA6048AADAE241BA40936D47756D7C93091A0E8514669700EE7508E508B102072E8123B2200A0563322DAD2827E2714A2636B7BFD18AADFC62967821FA18DD4",
            x: "115DC5BC96760C7B48598D8AB9E740D4C4A85A65BE33C1815B5C320C854621DD5A515856D13314AF69BC5B924C8B4DDFF75C45415C1D9DD9DD33612CD530EFE1",
            y: "37C7C90CD40B0F5621DC3AC1B751CFA0E2634FA0503B3D52639F5D7FB72AFD61EA199441D943FFE7F0C70A2759A3CDB84C114E1F9339FDF27F35ECA93677BEEC",
            e: "3754F3CFACC9E0615C4F4A7C4D8DAB531B09B6F9C170C533A71D147035B0C5917184EE536593F4414339976C647C5D5A407ADEDB1D560C4FC6777D2972075B8C",
            k: "0359E7F4B1410FEACC570456C6801496946312120B39D019D455986E364F365886748ED7A44B3E794434006011842286212273A6D14CF70EA3AF71BB1AE679F1",
            r: "2F86FA60A081091A23DD795E1E3C689EE512A3C82EE0DCC2643C78EEA8FCACD35492558486B20F1C9EC197C90699850260C93BCBCD9C5C3317E19344E173AE36",
            s: "1081B394696FFE8E6585E7A9362D26B6325F56778AADBC081C0BFBE933D52FF5823CE288E8C4F362526080DF7F70CE406A6EEB1F56919CB92A9853BDE73E5B4A",
        },
    ];

    fn parts(example: &Example) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let size = example.curve.size;
        let mut key = le(example.x, size);
        key.extend(le(example.y, size));
        let mut signature = le(example.r, size);
        signature.extend(le(example.s, size));
        (key, le(example.e, size), signature)
    }

    #[test]
    fn the_examples_of_gost_r_34_10_2012_appendix_a_sign_and_verify() {
        for example in &EXAMPLES {
            let curve = example.curve;
            let (key, digest, signature) = parts(example);
            let d = BigNum::from_hex_str(example.d).unwrap();
            assert_eq!(
                public_key(curve, &d).unwrap(),
                key,
                "{}: Q = dP",
                curve.name
            );
            let k = BigNum::from_hex_str(example.k).unwrap();
            let made = sign_with_nonce(curve, &d, &digest, &k).unwrap().unwrap();
            assert_eq!(made, signature, "{}: the signature", curve.name);
            assert!(
                verify_digest(curve, &key, &digest, &signature),
                "{}",
                curve.name
            );
            // Any flipped bit of the signature, the digest or the key fails.
            for i in [0, curve.size - 1, curve.size, 2 * curve.size - 1] {
                let mut bad = signature.clone();
                bad[i] ^= 1;
                assert!(
                    !verify_digest(curve, &key, &digest, &bad),
                    "{}: sig {i}",
                    curve.name
                );
                let mut bad = key.clone();
                bad[i] ^= 1;
                assert!(
                    !verify_digest(curve, &bad, &digest, &signature),
                    "{}: key {i}",
                    curve.name
                );
            }
            let mut bad = digest.clone();
            bad[0] ^= 1;
            assert!(
                !verify_digest(curve, &key, &bad, &signature),
                "{}",
                curve.name
            );
            // s‖r, or the big-endian form, is not the NCA encoding.
            let mut swapped = signature[curve.size..].to_vec();
            swapped.extend(&signature[..curve.size]);
            assert!(!verify_digest(curve, &key, &digest, &swapped));
            let mut reversed = signature.clone();
            reversed.reverse();
            assert!(!verify_digest(curve, &key, &digest, &reversed));
        }
    }

    fn curves() -> [&'static Curve; 9] {
        [
            &TC26_512_A,
            &TC26_512_B,
            &TC26_512_C,
            &TC26_256_A,
            &CRYPTOPRO_A,
            &CRYPTOPRO_B,
            &CRYPTOPRO_C,
            &TEST_256,
            &TEST_512,
        ]
    }

    #[test]
    fn every_curve_has_its_base_point_of_prime_order_q() {
        for curve in curves() {
            let group = curve.group().unwrap_or_else(|| panic!("{}", curve.name));
            let mut ctx = BigNumContext::new().unwrap();
            let generator = group.group.generator_opt().unwrap();
            assert!(generator.is_on_curve(&group.group, &mut ctx).unwrap());
            let zero = BigNum::new().unwrap();
            let mut multiple = EcPoint::new(&group.group).unwrap();
            multiple
                .mul_full(&group.group, &zero, generator, &group.q, &mut ctx)
                .unwrap();
            assert!(multiple.is_infinity(&group.group), "{}: qP = O", curve.name);
            assert!(group.q.is_prime(64, &mut ctx).unwrap(), "{}", curve.name);
            assert!(group.p.is_prime(64, &mut ctx).unwrap(), "{}", curve.name);
            assert_eq!(group.p.num_bytes() as usize, curve.size, "{}", curve.name);
            // The curve's order is cofactor·q: within Hasse's bound of p + 1.
            let mut order = BigNum::new().unwrap();
            order
                .checked_mul(&group.q, &group.cofactor, &mut ctx)
                .unwrap();
            let mut diff = BigNum::new().unwrap();
            diff.checked_sub(&order, &group.p).unwrap();
            assert!(
                diff.num_bits() <= group.p.num_bits() / 2 + 2,
                "{}",
                curve.name
            );
        }
    }

    #[test]
    fn signatures_of_every_curve_verify_and_fail_when_changed() {
        for curve in curves() {
            let d = signing::private_key(curve).unwrap();
            let key = public_key(curve, &d).unwrap();
            let digest = STREEBOG_512.digest(curve.name.as_bytes()).unwrap();
            let digest = &digest[..curve.size];
            let signature = sign(curve, &d, digest).unwrap();
            assert!(
                verify_digest(curve, &key, digest, &signature),
                "{}",
                curve.name
            );
            let mut bad = signature.clone();
            bad[3] ^= 0x10;
            assert!(!verify_digest(curve, &key, digest, &bad), "{}", curve.name);
        }
    }

    #[test]
    fn r_and_s_out_of_range_are_refused() {
        let example = &EXAMPLES[0];
        let curve = example.curve;
        let (key, digest, signature) = parts(example);
        let size = curve.size;
        let zero = vec![0u8; size];
        let q = le(curve.q, size);
        let mut q_plus_r = BigNum::from_hex_str(curve.q).unwrap();
        let r = BigNum::from_hex_str(example.r).unwrap();
        let copy = q_plus_r.to_owned().unwrap();
        q_plus_r.checked_add(&copy, &r).unwrap();
        let (r_part, s_part) = signature.split_at(size);
        let cases: [(&str, Vec<u8>); 5] = [
            ("r = 0", [zero.as_slice(), s_part].concat()),
            ("s = 0", [r_part, zero.as_slice()].concat()),
            ("r = q", [q.as_slice(), s_part].concat()),
            ("s = q", [r_part, q.as_slice()].concat()),
            ("short", signature[1..].to_vec()),
        ];
        for (name, bad) in cases {
            assert!(!verify_digest(curve, &key, &digest, &bad), "{name}");
        }
        // r + q reduces to r mod q but is out of range (when it fits at all): refused.
        if q_plus_r.num_bytes() as usize == size {
            let mut bad = le(&q_plus_r.to_hex_str().unwrap(), size);
            bad.extend(s_part);
            assert!(!verify_digest(curve, &key, &digest, &bad));
        }
    }

    #[test]
    fn keys_off_the_curve_of_small_order_or_badly_encoded_are_refused() {
        let mut ctx = BigNumContext::new().unwrap();
        let example = &EXAMPLES[0];
        let group = example.curve.group().unwrap();
        let (key, _, _) = parts(example);
        assert!(public_point(group, &key, 32, &mut ctx).is_ok());
        let mut off = key.clone();
        off[40] ^= 1;
        assert_eq!(
            public_point(group, &off, 32, &mut ctx).err(),
            Some(KeyProblem::OffCurve)
        );
        assert_eq!(
            public_point(group, &key[..63], 32, &mut ctx).err(),
            Some(KeyProblem::Encoding)
        );
        // x ≥ p.
        let mut big = vec![0xff; 32];
        big.extend(&key[32..]);
        assert_eq!(
            public_point(group, &big, 32, &mut ctx).err(),
            Some(KeyProblem::Encoding)
        );
        // tc26 256 paramSetA has cofactor 4: a point of order 2 or 4 (q·R for a random point R
        // of the curve) is refused.
        for curve in [&TC26_256_A, &TC26_512_C] {
            let group = curve.group().unwrap();
            let small = small_order_point(curve, &mut ctx);
            assert_eq!(
                public_point(group, &small, curve.size, &mut ctx).err(),
                Some(KeyProblem::SmallOrder),
                "{}",
                curve.name
            );
        }
    }

    /// A point of order 2 or 4 of a curve with cofactor 4, little-endian x‖y.
    fn small_order_point(curve: &Curve, ctx: &mut BigNumContext) -> Vec<u8> {
        let group = curve.group().unwrap();
        let a = BigNum::from_hex_str(curve.a).unwrap();
        let b = BigNum::from_hex_str(curve.b).unwrap();
        for candidate in 1u32..200 {
            let x = BigNum::from_u32(candidate).unwrap();
            // y² = x³ + ax + b
            let mut x2 = BigNum::new().unwrap();
            x2.mod_sqr(&x, &group.p, ctx).unwrap();
            let mut x3 = BigNum::new().unwrap();
            x3.mod_mul(&x2, &x, &group.p, ctx).unwrap();
            let mut ax = BigNum::new().unwrap();
            ax.mod_mul(&a, &x, &group.p, ctx).unwrap();
            let mut sum = BigNum::new().unwrap();
            sum.mod_add(&x3, &ax, &group.p, ctx).unwrap();
            let mut rhs = BigNum::new().unwrap();
            rhs.mod_add(&sum, &b, &group.p, ctx).unwrap();
            let mut y = BigNum::new().unwrap();
            if y.mod_sqrt(&rhs, &group.p, ctx).is_err() {
                continue;
            }
            let mut point = EcPoint::new(&group.group).unwrap();
            if point
                .set_affine_coordinates_gfp(&group.group, &x, &y, ctx)
                .is_err()
            {
                continue;
            }
            let zero = BigNum::new().unwrap();
            let mut small = EcPoint::new(&group.group).unwrap();
            small
                .mul_full(&group.group, &zero, &point, &group.q, ctx)
                .unwrap();
            if small.is_infinity(&group.group) {
                continue;
            }
            let (mut sx, mut sy) = (BigNum::new().unwrap(), BigNum::new().unwrap());
            small
                .affine_coordinates_gfp(&group.group, &mut sx, &mut sy, ctx)
                .unwrap();
            let mut out = le(&sx.to_hex_str().unwrap(), curve.size);
            out.extend(le(&sy.to_hex_str().unwrap(), curve.size));
            return out;
        }
        panic!("no point of small order found on {}", curve.name);
    }

    /// A DER TLV (lengths below 64 KiB).
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        crate::der::encode_length(content.len(), &mut out);
        out.extend(content);
        out
    }

    fn oid_tlv(dotted: &str) -> Vec<u8> {
        let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
        let mut body = vec![(arcs[0] * 40 + arcs[1]) as u8];
        for &arc in &arcs[2..] {
            let mut chunk = vec![(arc & 0x7f) as u8];
            let mut rest = arc >> 7;
            while rest > 0 {
                chunk.push(0x80 | (rest & 0x7f) as u8);
                rest >>= 7;
            }
            chunk.reverse();
            body.extend(chunk);
        }
        tlv(tag::OID, &body)
    }

    /// A SubjectPublicKeyInfo of a GOST key.
    fn spki(key_oid: &str, set: &str, xy: &[u8]) -> Vec<u8> {
        let parameters = tlv(
            tag::SEQUENCE,
            &[oid_tlv(set), oid_tlv(oid::STREEBOG_512)].concat(),
        );
        let algorithm = tlv(tag::SEQUENCE, &[oid_tlv(key_oid), parameters].concat());
        let bits = [&[0u8][..], &tlv(tag::OCTET_STRING, xy)].concat();
        tlv(
            tag::SEQUENCE,
            &[algorithm, tlv(tag::BIT_STRING, &bits)].concat(),
        )
    }

    #[test]
    fn only_the_listed_parameter_sets_are_accepted() {
        let xy = vec![1u8; 128];
        let accepted = spki(oid::GOST_2015_512_KEY, oid::GOST_2015_512_PARAMSET_A, &xy);
        assert!(std::ptr::eq(
            curve_of(oid::GOST_2015_512_KEY, &accepted, "").unwrap(),
            &TC26_512_A
        ));
        for set in [
            "1.2.398.3.10.1.1.2.2.2",
            "1.2.643.7.1.2.1.2.1",
            oid::GOST_2004_PARAMSET_A,
        ] {
            let other = spki(oid::GOST_2015_512_KEY, set, &xy);
            assert!(matches!(
                curve_of(oid::GOST_2015_512_KEY, &other, "test"),
                Err(Error::UnsupportedAlgorithm { .. })
            ));
        }
        assert_eq!(key_point(&tlv(tag::OCTET_STRING, &xy), 64), Some(&xy[..]));
        assert_eq!(key_point(&tlv(tag::OCTET_STRING, &xy[1..]), 64), None);
        assert_eq!(key_point(&xy, 64), None);
    }
}
