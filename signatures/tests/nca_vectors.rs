//! Interoperability with real NCA RK test PKI material (read from `NCA_TEST_VECTORS`, which
//! `.ci/run` sets to `../shared/nca-test-vectors`).
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops with a message on the first broken expectation"
)]

use openssl::cms::{CMSOptions, CmsContentInfo};
use openssl::pkcs12::Pkcs12;
use openssl::provider::Provider;
use signatures::{Certificate, Code, Crl, Options, Purpose, Role, Signer, Verifier, parse_rfc3339};
use std::path::PathBuf;
use std::sync::OnceLock;
use time::OffsetDateTime;
use time::macros::datetime;

/// The vectors' folder; every test here starts by returning early without it (the note says
/// why, once).
fn vectors() -> PathBuf {
    signatures::testing::nca_vectors().expect("checked at the start of the test")
}

fn read(name: &str) -> Vec<u8> {
    let path = vectors().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn certificates(name: &str) -> Vec<Certificate> {
    Verifier::certificates_from(&read(name), name).expect("a vector certificate parses")
}

fn rsa_verifier() -> Verifier {
    Verifier::new(certificates("root_rsa_test.crt"))
        .with_intermediates(certificates("nca_rsa_test.crt"))
}

/// The "current time" passed as `Options::now`: fixed (tests never read the clock), and after
/// every vector certificate has expired, so the forced validation times below are what decide.
const NOW: OffsetDateTime = datetime!(2030-01-01 0:00 UTC);

/// Options validating at `text` (RFC 3339), a forced validation time.
fn at(text: &str) -> Options {
    Options {
        at: Some(parse_rfc3339(text).expect("an RFC 3339 time")),
        ..Options::new(NOW)
    }
}

/// Signs `content` with a key from one of the vectors' PKCS#12 files (RC2-encrypted: OpenSSL 3
/// needs its legacy provider for them).
fn sign_with_p12(name: &str, password: &str, content: &[u8]) -> Vec<u8> {
    static PROVIDERS: OnceLock<(Provider, Provider)> = OnceLock::new();
    PROVIDERS.get_or_init(|| {
        let legacy = Provider::try_load(None, "legacy", true).expect("OpenSSL's legacy provider");
        let default =
            Provider::try_load(None, "default", true).expect("OpenSSL's default provider");
        (legacy, default)
    });
    let p12 = Pkcs12::from_der(&read(name))
        .expect("a PKCS#12 file")
        .parse2(password)
        .expect("the password opens it");
    let (cert, key) = (p12.cert.expect("a certificate"), p12.pkey.expect("a key"));
    CmsContentInfo::sign(
        Some(&cert),
        Some(&key),
        None,
        Some(content),
        CMSOptions::BINARY,
    )
    .expect("OpenSSL signs")
    .to_der()
    .expect("DER")
}

#[test]
fn the_rsa_single_signer_file_verifies() {
    if signatures::testing::nca_vectors().is_none() {
        return;
    }
    let report = rsa_verifier().verify(
        &read("cms_attached_1signer_rsa_test123.p7s"),
        None,
        &at("2021-06-01T00:00:00Z"),
    );
    assert!(report.valid, "{}", report.to_json());
    let signer = &report.signers[0];
    assert_eq!(signer.signer.iin.as_deref(), Some("123456789011"));
    assert_eq!(
        signer.serial_number.as_deref(),
        Some("4279390a141f5353a62947b61ed65e81741467d1")
    );
    assert_eq!(signer.chain.len(), 3);
    // Its signing-time claim (2022-09-28) is after the certificate expired: a warning only.
    assert_eq!(signer.signing_time, parse_rfc3339("2022-09-28T14:40:30Z"));
    assert!(
        signer
            .warnings
            .iter()
            .any(|w| w.code == "SIGNING_TIME_OUTSIDE_VALIDITY")
    );
}

#[test]
fn in_the_two_signer_files_rsa_is_valid_and_gost_unsupported() {
    if signatures::testing::nca_vectors().is_none() {
        return;
    }
    let verifier = rsa_verifier();
    let options = at("2021-06-01T00:00:00Z");
    let attached = verifier.verify(
        &read("cms_attached_2signers_gost2015_rsa_test123.p7s"),
        None,
        &options,
    );
    let detached = verifier.verify(
        &read("cms_detached_2signers_test123.p7s"),
        Some(b"test123"),
        &options,
    );
    for report in [attached, detached] {
        assert_eq!(
            report.code,
            Code::UnsupportedAlgorithm,
            "{}",
            report.to_json()
        );
        let codes: Vec<_> = report.signers.iter().map(|s| s.code).collect();
        assert_eq!(codes, [Code::UnsupportedAlgorithm, Code::Ok]);
        assert_eq!(
            report.signers[0].signer.iin.as_deref(),
            Some("123456789012")
        );
        assert_eq!(
            report.signers[1].signer.iin.as_deref(),
            Some("123456789011")
        );
    }
    let without_content =
        verifier.verify(&read("cms_detached_2signers_test123.p7s"), None, &options);
    assert_eq!(without_content.code, Code::ContentMissing);
}

#[test]
fn the_revoked_key_is_revoked_by_the_nca_crl() {
    if signatures::testing::nca_vectors().is_none() {
        return;
    }
    let crl =
        Verifier::crls_from(&read("nca_rsa_test.crl"), "nca_rsa_test.crl").expect("the CRL parses");
    let verifier = rsa_verifier().with_crls(crl);
    let options = at("2022-06-01T00:00:00Z");

    let revoked = sign_with_p12("individual_sign_revoked_2004.p12", "Qwerty12", b"test123");
    let report = verifier.verify(&revoked, None, &options);
    assert_eq!(report.code, Code::Revoked, "{}", report.to_json());
    let revocation = report.signers[0]
        .revocation
        .as_ref()
        .expect("revocation details");
    assert_eq!(
        revocation.revoked_at,
        parse_rfc3339("2022-01-18T04:40:24Z").expect("a time")
    );

    // After the CRL's nextUpdate (2022-03-29 + its period) the permanent revocation it lists
    // still counts (RFC 5280 §6.3): staleness only weakens "not revoked".
    let stale = verifier.verify(&revoked, None, &at("2022-10-01T00:00:00Z"));
    assert_eq!(stale.code, Code::Revoked, "{}", stale.to_json());

    // Before its revocation date the same signature was good.
    let before = verifier.verify(&revoked, None, &at("2022-01-18T04:40:00Z"));
    assert!(before.valid, "{}", before.to_json());

    // The valid key of the same person (its certificate ran 2021-01-18..2022-01-18) is not on
    // the same CRL, which counts although it was issued after that time.
    let valid = sign_with_p12("individual_valid_sign_2004_rsa.p12", "Qwerty12", b"test123");
    let options = Options {
        purpose: Some(Purpose::Sign),
        ..at("2021-06-01T00:00:00Z")
    };
    let report = verifier.verify(&valid, None, &options);
    assert!(report.valid, "{}", report.to_json());
    let report = verifier.verify(
        &valid,
        None,
        &Options {
            purpose: Some(Purpose::Auth),
            ..options
        },
    );
    assert_eq!(report.code, Code::KeyPurpose);
}

#[test]
fn the_nca_crls_parse() {
    if signatures::testing::nca_vectors().is_none() {
        return;
    }
    let rsa = Crl::from_der(&read("nca_rsa_test.crl")).expect("RSA CRL");
    assert_eq!(rsa.issuer(), "C=KZ, CN=ҰКО 3.0 (RSA TEST)");
    assert_eq!(
        rsa.this_update(),
        parse_rfc3339("2022-03-29T04:18:29Z").expect("a time")
    );
    Crl::from_der(&read("nca_gost2022_test.crl")).expect("GOST CRL");
}

#[test]
fn the_nca_profiles_are_read() {
    if signatures::testing::nca_vectors().is_none() {
        return;
    }
    let sign = Signer::from_certificate(&certificates("individual_valid_sign_2004_rsa.cer")[0]);
    assert_eq!(sign.purposes, [Purpose::Sign]);
    assert_eq!(sign.roles, [Role::Individual]);
    let auth =
        Signer::from_certificate(&certificates("individual_valid_sign_2004_rsa_auth.cer")[0]);
    assert_eq!(auth.purposes, [Purpose::Auth]);
    let ceo = Signer::from_certificate(&certificates("ceo_valid_sign_2004_gost.cer")[0]);
    assert!(ceo.bin.is_some(), "{ceo:?}");
    assert!(ceo.organization.is_some());
    assert!(ceo.roles.contains(&Role::Ceo), "{:?}", ceo.roles);
    let gost_intermediate = certificates("nca_gost2015_test.cer");
    assert_eq!(gost_intermediate.len(), 1);
}
