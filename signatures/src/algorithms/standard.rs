//! The international algorithms: SHA-2 (SHA-1 and MD5 only to refuse them), RSA PKCS#1 v1.5,
//! RSA-PSS and ECDSA on P-256 and P-384.

use super::{AlgorithmModule, Backend, DigestAlgorithm, Entry, KeyKind, SchemeKind};
use crate::oid;
use openssl::hash::MessageDigest;
use ring::signature as rs;

pub(crate) static MODULE: AlgorithmModule = AlgorithmModule {
    digests: &[&SHA256, &SHA384, &SHA512, &SHA1, &MD5],
    named_schemes: &[],
    entries: ENTRIES,
};

fn ring_digest(algorithm: &'static ring::digest::Algorithm, data: &[u8]) -> Vec<u8> {
    ring::digest::digest(algorithm, data).as_ref().to_vec()
}

pub(crate) static SHA256: DigestAlgorithm = DigestAlgorithm {
    name: "SHA-256",
    oid: oid::SHA256,
    output_len: 32,
    compute: Some(|data| ring_digest(&ring::digest::SHA256, data)),
    openssl: Some(MessageDigest::sha256),
};
pub(crate) static SHA384: DigestAlgorithm = DigestAlgorithm {
    name: "SHA-384",
    oid: oid::SHA384,
    output_len: 48,
    compute: Some(|data| ring_digest(&ring::digest::SHA384, data)),
    openssl: Some(MessageDigest::sha384),
};
pub(crate) static SHA512: DigestAlgorithm = DigestAlgorithm {
    name: "SHA-512",
    oid: oid::SHA512,
    output_len: 64,
    compute: Some(|data| ring_digest(&ring::digest::SHA512, data)),
    openssl: Some(MessageDigest::sha512),
};
/// Weak: recognised so that it is refused as weak (RFC 6194), never computed.
pub(crate) static SHA1: DigestAlgorithm = DigestAlgorithm {
    name: "SHA-1",
    oid: oid::SHA1,
    output_len: 20,
    compute: None,
    openssl: None,
};
/// Weak: recognised so that it is refused as weak (RFC 6151), never computed.
static MD5: DigestAlgorithm = DigestAlgorithm {
    name: "MD5",
    oid: oid::MD5,
    output_len: 16,
    compute: None,
    openssl: None,
};

const fn entry(digest: &'static str, scheme: SchemeKind, key: KeyKind, backend: Backend) -> Entry {
    Entry {
        digest,
        scheme,
        key,
        backend,
    }
}

use Backend::{OpenSsl, RingEcdsa, RingRsa};
use KeyKind::{EcP256, EcP384, Rsa};
use SchemeKind::{Ecdsa, RsaPkcs1, RsaPss};

/// A PSS row names the `ring` verifier for salt length = hash length; other salt lengths go to
/// OpenSSL (see `verify_signature`).
static ENTRIES: &[Entry] = &[
    entry(
        oid::SHA256,
        RsaPkcs1,
        Rsa,
        RingRsa(&rs::RSA_PKCS1_2048_8192_SHA256),
    ),
    entry(
        oid::SHA384,
        RsaPkcs1,
        Rsa,
        RingRsa(&rs::RSA_PKCS1_2048_8192_SHA384),
    ),
    entry(
        oid::SHA512,
        RsaPkcs1,
        Rsa,
        RingRsa(&rs::RSA_PKCS1_2048_8192_SHA512),
    ),
    entry(
        oid::SHA256,
        RsaPss,
        Rsa,
        RingRsa(&rs::RSA_PSS_2048_8192_SHA256),
    ),
    entry(
        oid::SHA384,
        RsaPss,
        Rsa,
        RingRsa(&rs::RSA_PSS_2048_8192_SHA384),
    ),
    entry(
        oid::SHA512,
        RsaPss,
        Rsa,
        RingRsa(&rs::RSA_PSS_2048_8192_SHA512),
    ),
    entry(
        oid::SHA256,
        Ecdsa,
        EcP256,
        RingEcdsa(&rs::ECDSA_P256_SHA256_ASN1),
    ),
    entry(
        oid::SHA384,
        Ecdsa,
        EcP256,
        RingEcdsa(&rs::ECDSA_P256_SHA384_ASN1),
    ),
    entry(oid::SHA512, Ecdsa, EcP256, OpenSsl),
    entry(
        oid::SHA256,
        Ecdsa,
        EcP384,
        RingEcdsa(&rs::ECDSA_P384_SHA256_ASN1),
    ),
    entry(
        oid::SHA384,
        Ecdsa,
        EcP384,
        RingEcdsa(&rs::ECDSA_P384_SHA384_ASN1),
    ),
    entry(oid::SHA512, Ecdsa, EcP384, OpenSsl),
];
