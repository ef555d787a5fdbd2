//! GOST through the whole verifier, with the test PKI's GOST keys: signers, certificate links
//! and CRLs, and the refusals (wrong family of hash, other parameter set, keys off the curve or
//! truncated, corrupted signatures). The arithmetic's known answers are in
//! `src/algorithms/gost.rs`, the real NCA RK files in `tests/nca_vectors.rs` and the OpenSSL
//! engine in `tests/gost_engine.rs`.

use crate::support::*;
use signatures::Code;
use signatures::testing::{
    CertificateBuilder, CmsBuilder, Digest, KeyPair, KeyUsageBit, Name, SignatureScheme,
    SignerSpec, TestPki, der,
};

fn gost_signer(pki: &TestPki) -> signatures::testing::Certificate {
    pki.individual_sign(IIN).issued_by(&pki.intermediate)
}

#[test]
fn gost_2015_and_2004_pkis_verify_with_their_crls() {
    for (name, pki, algorithm) in [
        (
            "GOST 2015",
            TestPki::gost2015(),
            "GOST R 34.10-2015 (512 bits) with Streebog-512",
        ),
        (
            "GOST 2004",
            TestPki::gost2004(),
            "GOST 34.310-2004 with GOST 34.311-95",
        ),
    ] {
        let leaf = gost_signer(&pki);
        let crl = parse_crl(&pki.crl().build());
        let configured = verifier(&pki).with_crls(vec![crl]);
        // The intermediate's own revocation (the root's CRL) is not configured: not required.
        let options = at(AT);
        let cms = signed_by(&leaf);
        let report = configured.verify(&cms, None, &options);
        assert_code(&report, Code::Ok);
        assert_eq!(report.signers[0].signature_algorithm, algorithm, "{name}");
        // The GOST-signed CRL verified and covers the leaf: only the intermediate is unchecked.
        let unchecked: Vec<&str> = report.signers[0]
            .warnings
            .iter()
            .filter(|w| w.code == "REVOCATION_NOT_CHECKED" || w.code == "CRL_IGNORED")
            .map(|w| w.message.as_str())
            .collect();
        assert_eq!(unchecked.len(), 1, "{name}: {unchecked:?}");
        assert!(!unchecked[0].contains("IIN"), "{name}: {unchecked:?}");
        // Signer, leaf link, intermediate link, CRL: four GOST checks from the budget.
        assert_eq!(report.work.signature_checks, 4, "{name}: {:?}", report.work);
        // Warm (links cached): the same verdict, the same checks paid.
        let warm = configured.verify(&cms, None, &options);
        assert_code(&warm, Code::Ok);
        assert_eq!(warm.work, report.work, "{name}");

        let revoked = pki
            .crl()
            .revoke(&leaf.serial, AT - time::Duration::days(1), None);
        let with_revoked = verifier(&pki).with_crls(vec![parse_crl(&revoked.build())]);
        assert_code(&with_revoked.verify(&cms, None, &options), Code::Revoked);
    }
}

#[test]
fn a_corrupted_gost_signature_is_invalid() {
    let pki = TestPki::gost2015();
    let leaf = gost_signer(&pki);
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf).corrupt_signature())
        .build();
    assert_code(
        &verifier(&pki).verify(&cms, None, &at(AT)),
        Code::SignatureInvalid,
    );
    // A leaf whose issuer's GOST signature is corrupted: its named issuer's key does not
    // verify it, which is a bad signature, not a missing issuer.
    let mut bad = leaf.clone();
    let last = bad.der.len() - 1;
    bad.der[last] ^= 0x01;
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&bad)
        .signer(SignerSpec::new(&bad))
        .build();
    assert_code(
        &verifier(&pki).verify(&cms, None, &at(AT)),
        Code::SignatureInvalid,
    );
}

#[test]
fn a_hash_of_another_family_than_the_key_is_an_algorithm_mismatch() {
    let gost = TestPki::gost2015();
    let leaf = gost_signer(&gost);
    // SHA-256 as the digestAlgorithm of a GOST 2015 signature (which names Streebog-512).
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf).digest(Digest::Sha256))
        .build();
    assert_code(
        &verifier(&gost).verify(&cms, None, &at(AT)),
        Code::AlgorithmMismatch,
    );
    // Streebog-512 as the digestAlgorithm of an RSA signature.
    let rsa = TestPki::rsa();
    let rsa_leaf = rsa_signer(&rsa);
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&rsa_leaf)
        .signer(SignerSpec::new(&rsa_leaf).digest(Digest::Streebog512))
        .build();
    assert_code(
        &verifier(&rsa).verify(&cms, None, &at(AT)),
        Code::AlgorithmMismatch,
    );
    // Streebog-256 with GOST 2015-512 (it names Streebog-512).
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf).digest(Digest::Streebog256))
        .build();
    assert_code(
        &verifier(&gost).verify(&cms, None, &at(AT)),
        Code::AlgorithmMismatch,
    );
    // A GOST 2004 signature by a GOST 2015 key: no such row.
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf).scheme(SignatureScheme::Gost2004))
        .build();
    assert_code(
        &verifier(&gost).verify(&cms, None, &at(AT)),
        Code::UnsupportedAlgorithm,
    );
}

/// A GOST 2015-512 SubjectPublicKeyInfo with this parameter set and x‖y.
fn gost_spki(set: &str, xy: &[u8]) -> Vec<u8> {
    der::sequence(&[
        der::sequence(&[
            der::oid("1.2.398.3.10.1.1.2.2"),
            der::sequence(&[der::oid(set), der::oid("1.2.398.3.10.1.3.3")]),
        ]),
        der::bit_string(&der::octet_string(xy)),
    ])
}

/// The x‖y of a GOST key.
fn xy(key: &KeyPair) -> Vec<u8> {
    let bits = key.public_key_bits();
    let (_, octets, _) = der::read_tlv(&bits).unwrap();
    octets.to_vec()
}

#[test]
fn other_parameter_sets_keys_off_the_curve_and_truncated_keys_are_refused() {
    let pki = TestPki::gost2015();
    let key = &pki.leaf_key;
    let good = xy(key);
    let mut off_curve = good.clone();
    off_curve[70] ^= 0x01;
    let cases = [
        (
            "paramSetB's NCA-like OID",
            gost_spki("1.2.398.3.10.1.1.2.2.2", &good),
            Code::UnsupportedAlgorithm,
        ),
        (
            "TC26's OID for paramSetA",
            gost_spki("1.2.643.7.1.2.1.2.1", &good),
            Code::UnsupportedAlgorithm,
        ),
        (
            "a point off the curve",
            gost_spki("1.2.398.3.10.1.1.2.2.1", &off_curve),
            Code::SignatureInvalid,
        ),
        (
            "a truncated key",
            gost_spki("1.2.398.3.10.1.1.2.2.1", &good[..127]),
            Code::SignatureInvalid,
        ),
        (
            "no coordinates at all",
            gost_spki("1.2.398.3.10.1.1.2.2.1", &[]),
            Code::SignatureInvalid,
        ),
    ];
    for (name, spki, expected) in cases {
        let leaf =
            CertificateBuilder::new(Name::new().cn(name).serial_number("IIN123456789011"), key)
                .public_key_override(spki)
                .key_usage(&[KeyUsageBit::DigitalSignature])
                .validity(AT - time::Duration::days(30), AT + time::Duration::days(30))
                .issued_by(&pki.intermediate);
        let cms = CmsBuilder::new(CONTENT)
            .certificate(&leaf)
            .signer(SignerSpec::new(&leaf))
            .build();
        let report = verifier(&pki).verify(&cms, None, &at(AT));
        assert_eq!(report.code, expected, "{name}: {}", report.to_json());
    }
}

#[test]
fn gost_keys_round_trip_through_pkcs8_pem() {
    for key in [KeyPair::gost2015_512(), KeyPair::gost2004()] {
        let pem = key.private_key_pem();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"), "{pem}");
        let back = KeyPair::from_private_key_pem(pem.as_bytes()).expect("reads back");
        assert_eq!(back.spki_der(), key.spki_der());
        assert_eq!(back.key_kind(), key.key_kind());
    }
    assert!(
        KeyPair::from_private_key_pem(
            b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
        )
        .is_none()
    );
}
