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

/// The GOST hash functions, as the verifier computes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hash {
    /// Streebog-512 (GOST R 34.11-2012), OID 1.2.398.3.10.1.3.3.
    Streebog512,
    /// Streebog-256, OID 1.2.398.3.10.1.3.2.
    Streebog256,
    /// GOST 34.311-95 (GOST R 34.11-94, test S-box), OID 1.2.398.3.10.1.3.1.
    Gost94,
}

impl Hash {
    /// The NCA RK OID of the hash.
    pub fn oid(self) -> &'static str {
        self.algorithm().oid
    }

    /// Hashes `data`.
    pub fn compute(self, data: &[u8]) -> Vec<u8> {
        self.algorithm()
            .digest(data)
            .expect("GOST hashes are computed")
    }

    fn algorithm(self) -> &'static crate::algorithms::DigestAlgorithm {
        match self {
            Hash::Streebog512 => &gost::STREEBOG_512,
            Hash::Streebog256 => &gost::STREEBOG_256,
            Hash::Gost94 => &gost::GOST94,
        }
    }
}

/// Whether OpenSSL's GOST engine (Debian's `libengine-gost-openssl`) is available to the
/// `openssl` command, for the interoperability tests and the bench.
///
/// Without it they do not run: this says so once per process, with how to install it, and
/// returns `false`. With `REAL_PEERS_REQUIRED=1` (which `.ci/run` exports, and installs the
/// engine before) a missing engine is a failure instead.
pub fn gost_engine() -> bool {
    static SAID: std::sync::Once = std::sync::Once::new();
    let available = std::process::Command::new("openssl")
        .args(["engine", "-t", "gost"])
        .output()
        .is_ok_and(|o| {
            o.status.success() && String::from_utf8_lossy(&o.stdout).contains("[ available ]")
        });
    if !available {
        let required = std::env::var("REAL_PEERS_REQUIRED").is_ok_and(|v| v == "1");
        let how = "install OpenSSL's GOST engine (Debian: apt-get install libengine-gost-openssl)";
        assert!(
            !required,
            "REAL_PEERS_REQUIRED=1 but the GOST engine is missing: {how}"
        );
        SAID.call_once(|| {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "NOTE: the OpenSSL GOST engine interop tests did not run: {how}"
            );
        });
    }
    available
}
