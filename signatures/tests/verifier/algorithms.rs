//! The algorithm table: what verifies, what is weak, what is unsupported.

use crate::support::*;
use signatures::Code;
use signatures::testing::{
    CertificateBuilder, CmsBuilder, Digest, KeyUsageBit, Name, SignatureScheme, SignerSpec,
    TestPki, cached_ec_p384, cached_rsa_1024,
};

#[test]
fn every_supported_combination_verifies() {
    let rsa = TestPki::rsa();
    let rsa_leaf = rsa_signer(&rsa);
    let ec = TestPki::ec_p256();
    let ec_leaf = ec.individual_sign(IIN).issued_by(&ec.intermediate);
    let p384_leaf = CertificateBuilder::new(
        Name::new().cn("P-384").serial_number("IIN123456789011"),
        cached_ec_p384(0),
    )
    .key_usage(&[KeyUsageBit::DigitalSignature])
    .validity(AT - time::Duration::days(30), AT + time::Duration::days(30))
    .issued_by(&ec.intermediate);
    let cases = [
        (
            "RSA PKCS#1 SHA-256",
            &rsa,
            &rsa_leaf,
            SignatureScheme::RsaPkcs1(Digest::Sha256),
        ),
        (
            "RSA PKCS#1 SHA-384",
            &rsa,
            &rsa_leaf,
            SignatureScheme::RsaPkcs1(Digest::Sha384),
        ),
        (
            "RSA PKCS#1 SHA-512",
            &rsa,
            &rsa_leaf,
            SignatureScheme::RsaPkcs1(Digest::Sha512),
        ),
        (
            "RSA-PSS SHA-256 salt 32 (ring)",
            &rsa,
            &rsa_leaf,
            SignatureScheme::RsaPss {
                digest: Digest::Sha256,
                salt_len: 32,
            },
        ),
        (
            "RSA-PSS SHA-512 salt 64 (ring)",
            &rsa,
            &rsa_leaf,
            SignatureScheme::RsaPss {
                digest: Digest::Sha512,
                salt_len: 64,
            },
        ),
        (
            "RSA-PSS SHA-256 salt 20 (OpenSSL)",
            &rsa,
            &rsa_leaf,
            SignatureScheme::RsaPss {
                digest: Digest::Sha256,
                salt_len: 20,
            },
        ),
        (
            "ECDSA P-256 SHA-256",
            &ec,
            &ec_leaf,
            SignatureScheme::Ecdsa(Digest::Sha256),
        ),
        (
            "ECDSA P-256 SHA-384",
            &ec,
            &ec_leaf,
            SignatureScheme::Ecdsa(Digest::Sha384),
        ),
        (
            "ECDSA P-256 SHA-512 (OpenSSL)",
            &ec,
            &ec_leaf,
            SignatureScheme::Ecdsa(Digest::Sha512),
        ),
        (
            "ECDSA P-384 SHA-384",
            &ec,
            &p384_leaf,
            SignatureScheme::Ecdsa(Digest::Sha384),
        ),
        (
            "ECDSA P-384 SHA-256",
            &ec,
            &p384_leaf,
            SignatureScheme::Ecdsa(Digest::Sha256),
        ),
        (
            "ECDSA P-384 SHA-512 (OpenSSL)",
            &ec,
            &p384_leaf,
            SignatureScheme::Ecdsa(Digest::Sha512),
        ),
    ];
    for (name, pki, leaf, scheme) in cases {
        let cms = CmsBuilder::new(CONTENT)
            .certificate(leaf)
            .signer(SignerSpec::new(leaf).scheme(scheme))
            .build();
        let report = verifier(pki).verify(&cms, None, &at(AT));
        assert_eq!(report.code, Code::Ok, "{name}: {}", report.to_json());
        // The same signature, corrupted, must fail through the same backend.
        let cms = CmsBuilder::new(CONTENT)
            .certificate(leaf)
            .signer(SignerSpec::new(leaf).scheme(scheme).corrupt_signature())
            .build();
        let report = verifier(pki).verify(&cms, None, &at(AT));
        assert_eq!(
            report.code,
            Code::SignatureInvalid,
            "{name} corrupted: {}",
            report.to_json()
        );
    }
}

#[test]
fn pss_with_a_wrong_salt_length_in_the_parameters_fails() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    // Signed with salt 32, declared with salt 20: the declared parameters are what is verified.
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf).scheme(SignatureScheme::RsaPss {
            digest: Digest::Sha256,
            salt_len: 32,
        }))
        .build();
    let declared_32 = [0xa2, 0x03, 0x02, 0x01, 0x20];
    let declared_20 = [0xa2, 0x03, 0x02, 0x01, 0x14];
    let patched = patch(&cms, &declared_32, &declared_20);
    assert_code(
        &verifier(&pki).verify(&patched, None, &at(AT)),
        Code::SignatureInvalid,
    );
}

#[test]
fn sha1_and_md5_anywhere_in_the_path_are_weak() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let verifier = verifier(&pki);
    for (name, scheme) in [
        ("SHA-1 signature", SignatureScheme::RsaPkcs1(Digest::Sha1)),
        ("MD5 signature", SignatureScheme::RsaPkcs1(Digest::Md5)),
        (
            "PSS over SHA-1",
            SignatureScheme::RsaPss {
                digest: Digest::Sha1,
                salt_len: 20,
            },
        ),
    ] {
        let cms = CmsBuilder::new(CONTENT)
            .certificate(&leaf)
            .signer(SignerSpec::new(&leaf).scheme(scheme))
            .build();
        let report = verifier.verify(&cms, None, &at(AT));
        assert_eq!(
            report.code,
            Code::WeakAlgorithm,
            "{name}: {}",
            report.to_json()
        );
    }
    // A SHA-1 message digest under a SHA-256 signature.
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf).digest(Digest::Sha1))
        .build();
    assert_code(&verifier.verify(&cms, None, &at(AT)), Code::WeakAlgorithm);

    // A certificate in the path signed with SHA-1.
    let sha1_leaf = pki
        .individual_sign(IIN)
        .signature_scheme(SignatureScheme::RsaPkcs1(Digest::Sha1))
        .issued_by(&pki.intermediate);
    assert_code(
        &verifier.verify(&signed_by(&sha1_leaf), None, &at(AT)),
        Code::WeakAlgorithm,
    );
}

#[test]
fn short_rsa_keys_are_weak() {
    let pki = TestPki::rsa();
    let leaf = CertificateBuilder::new(
        Name::new().cn("short").serial_number("IIN123456789011"),
        cached_rsa_1024(),
    )
    .key_usage(&[KeyUsageBit::DigitalSignature])
    .validity(AT - time::Duration::days(30), AT + time::Duration::days(30))
    .issued_by(&pki.intermediate);
    let report = verifier(&pki).verify(&signed_by(&leaf), None, &at(AT));
    assert_code(&report, Code::WeakAlgorithm);
    assert!(
        report.signers[0].message.contains("RSA-1024"),
        "{}",
        report.to_json()
    );
}

#[test]
fn unknown_algorithms_are_unsupported() {
    let pki = TestPki::rsa();
    let cms = signed_by(&rsa_signer(&pki));
    // SHA-256 → SHA-224 (2.16.840.1.101.3.4.2.4): a digest the table does not hold.
    let sha256 = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
    let sha224 = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04];
    let report = verifier(&pki).verify(&patch(&cms, &sha256, &sha224), None, &at(AT));
    assert_code(&report, Code::UnsupportedAlgorithm);
    assert_eq!(report.signers[0].digest_algorithm, "2.16.840.1.101.3.4.2.4");
}

/// A signer certificate over `spki` (the key limits' cases), issued by the PKI's intermediate.
fn signer_with_spki(pki: &TestPki, spki: Vec<u8>) -> signatures::testing::Certificate {
    pki.individual_sign(IIN)
        .public_key_override(spki)
        .issued_by(&pki.intermediate)
}

#[test]
fn rsa_moduli_over_8192_bits_are_unsupported_before_any_arithmetic() {
    let pki = TestPki::rsa();
    // A random odd 16,384-bit modulus: no one holds its key, and none need be generated.
    let leaf = signer_with_spki(&pki, signatures::testing::rsa_spki(16_384, 65_537));
    let report = verifier(&pki).verify(&signed_by(&leaf), None, &at(AT));
    assert_code(&report, Code::UnsupportedAlgorithm);
    assert!(
        report.signers[0].message.contains("RSA-16384"),
        "{}",
        report.to_json()
    );

    // The same size in an issuer: refused as the key of a link, not tried.
    let big_ca = CertificateBuilder::new(pki.intermediate.subject.clone(), &pki.intermediate.key)
        .public_key_override(signatures::testing::rsa_spki(16_384, 65_537))
        .ca(Some(0))
        .key_usage(&[KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign])
        .issued_by(&pki.root);
    let leaf = rsa_signer(&pki);
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .certificate(&big_ca)
        .signer(SignerSpec::new(&leaf))
        .build();
    let lone = signatures::Verifier::new(vec![parse(&pki.root)]);
    assert_code(
        &lone.verify(&cms, None, &at(AT)),
        Code::UnsupportedAlgorithm,
    );
}

#[test]
fn rsa_public_exponents_must_be_odd_and_at_least_3() {
    let pki = TestPki::rsa();
    for exponent in [1u64, 2, 65_536, 1 << 40] {
        let spki = signatures::testing::rsa_spki_with_exponent(&pki.leaf_key, exponent);
        let leaf = signer_with_spki(&pki, spki);
        let report = verifier(&pki).verify(&signed_by(&leaf), None, &at(AT));
        assert_code(&report, Code::UnsupportedAlgorithm);
    }
    // Exponent 1 with PSS and an odd salt (OpenSSL's path): still refused by the key limit.
    let spki = signatures::testing::rsa_spki_with_exponent(&pki.leaf_key, 1);
    let leaf = signer_with_spki(&pki, spki);
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf).scheme(SignatureScheme::RsaPss {
            digest: Digest::Sha256,
            salt_len: 17,
        }))
        .build();
    assert_code(
        &verifier(&pki).verify(&cms, None, &at(AT)),
        Code::UnsupportedAlgorithm,
    );
}

#[test]
fn the_digest_algorithm_must_be_the_hash_the_signature_algorithm_names() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .signer(
            SignerSpec::new(&leaf)
                .scheme(SignatureScheme::RsaPkcs1(Digest::Sha256))
                .digest(Digest::Sha384),
        )
        .build();
    let report = verifier(&pki).verify(&cms, None, &at(AT));
    assert_code(&report, Code::AlgorithmMismatch);
    // With rsaEncryption as the signature algorithm, the digestAlgorithm names the hash.
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .signer(
            SignerSpec::new(&leaf)
                .scheme(SignatureScheme::RsaPkcs1(Digest::Sha384))
                .signature_algorithm_rsa_encryption(),
        )
        .build();
    assert_code(&verifier(&pki).verify(&cms, None, &at(AT)), Code::Ok);
}
