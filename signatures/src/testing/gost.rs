//! GOST for tests: every curve of the GOST module (accepted under an NCA OID or not), raw
//! verification of a digest in NCA RK's little-endian encoding, and signing.
//!
//! The signer is for tests only: OpenSSL draws its nonce, but the arithmetic is not
//! constant-time, so it leaks the nonce (and with it the key) through timing.

use crate::algorithms::gost::{self, signing};
use openssl::bn::{BigNum, BigNumRef};

/// A curve of GOST R 34.10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    /// id-tc26-gost-3410-12-512-paramSetA: NCA RK's GOST 2015 curve (1.2.398.3.10.1.1.2.2.1).
    Tc26_512A,
    /// id-tc26-gost-3410-12-512-paramSetB (not accepted under an NCA OID).
    Tc26_512B,
    /// id-tc26-gost-3410-12-512-paramSetC, cofactor 4 (not accepted under an NCA OID).
    Tc26_512C,
    /// id-tc26-gost-3410-12-256-paramSetA, cofactor 4 (GOST 2015-256: not accepted yet).
    Tc26_256A,
    /// id-GostR3410-2001-CryptoPro-A-ParamSet: NCA RK's GOST 2004 curve (1.2.398.3.10.1.1.1.1.1).
    CryptoProA,
    /// id-GostR3410-2001-CryptoPro-B-ParamSet (not accepted under an NCA OID).
    CryptoProB,
    /// id-GostR3410-2001-CryptoPro-C-ParamSet (not accepted under an NCA OID).
    CryptoProC,
}

impl Curve {
    /// Every curve.
    pub const ALL: [Curve; 7] = [
        Curve::Tc26_512A,
        Curve::Tc26_512B,
        Curve::Tc26_512C,
        Curve::Tc26_256A,
        Curve::CryptoProA,
        Curve::CryptoProB,
        Curve::CryptoProC,
    ];

    fn inner(self) -> &'static gost::Curve {
        match self {
            Curve::Tc26_512A => &gost::TC26_512_A,
            Curve::Tc26_512B => &gost::TC26_512_B,
            Curve::Tc26_512C => &gost::TC26_512_C,
            Curve::Tc26_256A => &gost::TC26_256_A,
            Curve::CryptoProA => &gost::CRYPTOPRO_A,
            Curve::CryptoProB => &gost::CRYPTOPRO_B,
            Curve::CryptoProC => &gost::CRYPTOPRO_C,
        }
    }

    /// The length of a coordinate, of r and of s, in bytes (64 or 32).
    pub fn size(self) -> usize {
        self.inner().size
    }

    /// A readable name ("tc26-512-paramSetA").
    pub fn name(self) -> &'static str {
        self.inner().name
    }
}

/// Whether `signature` (r‖s, little-endian) is the signature of `digest` (the hash output,
/// read little-endian) by the key x‖y (little-endian), exactly as the verifier decides it.
pub fn verify_digest(curve: Curve, public_key: &[u8], digest: &[u8], signature: &[u8]) -> bool {
    gost::verify_digest(curve.inner(), public_key, digest, signature)
}

/// A random private key of `curve`.
pub fn private_key(curve: Curve) -> BigNum {
    signing::private_key(curve.inner()).expect("OpenSSL draws a private key")
}

/// The public key x‖y (little-endian) of the private key `d`.
pub fn public_key(curve: Curve, d: &BigNumRef) -> Vec<u8> {
    signing::public_key(curve.inner(), d).expect("OpenSSL computes the public key")
}

/// Signs a digest (read little-endian) with `d`: r‖s, little-endian.
pub fn sign_digest(curve: Curve, d: &BigNumRef, digest: &[u8]) -> Vec<u8> {
    signing::sign(curve.inner(), d, digest).expect("OpenSSL signs")
}
