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
fn in_the_two_signer_files_rsa_is_valid_and_gost_untrusted_without_its_anchor() {
    if signatures::testing::nca_vectors().is_none() {
        return;
    }
    // With the RSA PKI alone, the GOST 2015 signer's signature verifies (its algorithm is
    // supported) but its certificate chains to nothing configured.
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
        assert_eq!(report.code, Code::UntrustedChain, "{}", report.to_json());
        let codes: Vec<_> = report.signers.iter().map(|s| s.code).collect();
        assert_eq!(codes, [Code::UntrustedChain, Code::Ok]);
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

/// The GOST 2015 intermediate (its root is not published) as the anchor, beside the RSA PKI.
fn gost2015_verifier() -> Verifier {
    let mut anchors = certificates("root_rsa_test.crt");
    anchors.extend(certificates("nca_gost2015_test.cer"));
    Verifier::new(anchors).with_intermediates(certificates("nca_rsa_test.crt"))
}

/// The GOST 2004 PKI: root and intermediate.
fn gost2004_verifier() -> Verifier {
    Verifier::new(certificates("root_gost_test.crt"))
        .with_intermediates(certificates("nca_gost_test.crt"))
}

fn gost_crl() -> Vec<Crl> {
    Verifier::crls_from(&read("nca_gost2022_test.crl"), "nca_gost2022_test.crl")
        .expect("the GOST CRL parses")
}

/// The signing time of both two-signer files, inside the GOST 2015 certificate's validity
/// (2022-07-28..2023-07-28) and the GOST CRL's (2022-07-27..2023-01-23).
const GOST_SIGNING_TIME: &str = "2022-09-27T21:17:59Z";

/// The children of a DER SEQUENCE or SET, with their offsets in `whole`.
fn children<'a>(whole: &'a [u8], contents: &'a [u8]) -> Vec<(usize, &'a [u8])> {
    let mut rest = contents;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (_, _, after) = signatures::testing::der::read_tlv(rest).expect("DER");
        let tlv = &rest[..rest.len() - after.len()];
        out.push((tlv.as_ptr() as usize - whole.as_ptr() as usize, tlv));
        rest = after;
    }
    out
}

fn contents(tlv: &[u8]) -> &[u8] {
    signatures::testing::der::read_tlv(tlv).expect("DER").1
}

/// The offset of the last byte of the first SignerInfo's signature value in a DER CMS.
fn first_signature_end(cms: &[u8]) -> usize {
    let content_info = contents(cms);
    let (_, explicit) = children(cms, content_info)[1];
    let (_, signed_data_tlv) = children(cms, contents(explicit))[0];
    let members = children(cms, contents(signed_data_tlv));
    let (_, signer_infos) = *members.last().expect("signerInfos");
    let (_, first) = children(cms, contents(signer_infos))[0];
    let (offset, signature) = *children(cms, contents(first))
        .iter()
        .rfind(|(_, tlv)| tlv[0] == 0x04)
        .expect("the signature OCTET STRING");
    offset + signature.len() - 1
}

#[test]
fn the_gost_2015_signer_of_the_two_signer_files_is_valid_at_its_signing_time() {
    if signatures::testing::nca_vectors().is_none() {
        return;
    }
    let verifier = gost2015_verifier().with_crls(gost_crl());
    let options = Options {
        require_revocation: true,
        ocsp: Default::default(),
        purpose: Some(Purpose::Sign),
        ..at(GOST_SIGNING_TIME)
    };
    let attached = read("cms_attached_2signers_gost2015_rsa_test123.p7s");
    let detached = read("cms_detached_2signers_test123.p7s");
    for (name, cms, content) in [
        ("attached", &attached, None),
        ("detached", &detached, Some(&b"test123"[..])),
    ] {
        let report = verifier.verify(cms, content, &options);
        let gost = &report.signers[0];
        assert_eq!(gost.code, Code::Ok, "{name}: {}", report.to_json());
        assert_eq!(gost.signer.iin.as_deref(), Some("123456789012"));
        assert_eq!(gost.digest_algorithm, "Streebog-512");
        assert_eq!(
            gost.signature_algorithm,
            "GOST R 34.10-2015 (512 bits) with Streebog-512"
        );
        assert_eq!(gost.chain.len(), 2, "{name}: signer and anchor");
        // Revocation was required and the GOST-signed CRL covers the signer: it verified.
        assert!(
            gost.warnings.iter().all(|w| w.code != "CRL_IGNORED"),
            "{name}: {}",
            report.to_json()
        );
        // The RSA signer's certificate had expired by then.
        assert_eq!(report.signers[1].code, Code::CertExpired, "{name}");
        // Signer, CRL and the RSA signer's links: the GOST checks are paid like any other.
        assert!(
            report.work.signature_checks >= 2,
            "{name}: {:?}",
            report.work
        );

        // A flipped bit in the GOST signature value.
        let mut flipped = cms.clone();
        flipped[first_signature_end(cms)] ^= 0x01;
        let report = verifier.verify(&flipped, content, &options);
        assert_eq!(
            report.signers[0].code,
            Code::SignatureInvalid,
            "{name}: {}",
            report.to_json()
        );
    }
}

#[test]
fn the_gost_crl_verifies_and_a_flipped_byte_makes_it_ignored() {
    if signatures::testing::nca_vectors().is_none() {
        return;
    }
    let cms = read("cms_attached_2signers_gost2015_rsa_test123.p7s");
    let options = Options {
        require_revocation: true,
        ocsp: Default::default(),
        ..at(GOST_SIGNING_TIME)
    };
    let good = gost2015_verifier().with_crls(gost_crl());
    assert_eq!(good.verify(&cms, None, &options).signers[0].code, Code::Ok);

    let mut der = read("nca_gost2022_test.crl");
    let last = der.len() - 1;
    der[last] ^= 0x01;
    let bad = gost2015_verifier().with_crls(vec![Crl::from_der(&der).expect("still parses")]);
    let report = bad.verify(&cms, None, &options);
    let gost = &report.signers[0];
    assert_eq!(gost.code, Code::RevocationUnknown, "{}", report.to_json());
    assert!(
        gost.warnings.iter().any(|w| w.code == "CRL_IGNORED"),
        "{}",
        report.to_json()
    );
    // Without revocation required, the signature itself stays valid.
    let report = bad.verify(&cms, None, &at(GOST_SIGNING_TIME));
    assert_eq!(report.signers[0].code, Code::Ok, "{}", report.to_json());
}

/// A CMS over `test123` whose only SignerInfo names `signer` (by issuer and serial), carries
/// `certificates`, and holds a signature no key made: verifying it judges the signer's path
/// (the report's `chain` and `errors`) while the signature itself is `SIGNATURE_INVALID`.
fn cms_naming(signer: &[u8], certificates: &[&[u8]], digest: &str, signature: &str) -> Vec<u8> {
    use signatures::testing::der;
    let x509 = openssl::x509::X509::from_der(signer).expect("a certificate");
    let serial = x509.serial_number().to_bn().expect("a serial").to_vec();
    let sid = der::sequence(&[
        x509.issuer_name().to_der().expect("a name"),
        der::integer_unsigned(&serial),
    ]);
    let signer_info = der::sequence(&[
        der::integer_i64(1),
        sid,
        der::sequence(&[der::oid(digest)]),
        der::sequence(&[der::oid(signature)]),
        der::octet_string(&[0x55; 128]),
    ]);
    let signed_data = der::sequence(&[
        der::integer_i64(1),
        der::set(&[der::sequence(&[der::oid(digest)])]),
        der::sequence(&[
            der::oid("1.2.840.113549.1.7.1"),
            der::explicit(0, der::octet_string(b"test123")),
        ]),
        der::implicit(
            0,
            true,
            der::set(&certificates.iter().map(|c| c.to_vec()).collect::<Vec<_>>()),
        ),
        der::set(&[signer_info]),
    ]);
    der::sequence(&[
        der::oid("1.2.840.113549.1.7.2"),
        der::explicit(0, signed_data),
    ])
}

/// The DER of a PEM or DER certificate file.
fn certificate_der(name: &str) -> Vec<u8> {
    certificates(name)[0].der().to_vec()
}

/// Flips a bit in the last byte of a certificate: its signature value.
fn flip_signature(der: &[u8]) -> Vec<u8> {
    let mut der = der.to_vec();
    let last = der.len() - 1;
    der[last] ^= 0x01;
    der
}

#[track_caller]
fn assert_path_judged(report: &signatures::Report, chain_len: usize, expected: &[Code]) {
    let signer = &report.signers[0];
    let codes: Vec<Code> = signer.errors.iter().map(|e| e.code).collect();
    assert_eq!(codes, expected, "{}", report.to_json());
    assert_eq!(signer.chain.len(), chain_len, "{}", report.to_json());
}

#[test]
fn the_gost_2004_ceo_certificate_chains_to_the_gost_root() {
    if signatures::testing::nca_vectors().is_none() {
        return;
    }
    let ceo = certificate_der("ceo_valid_sign_2004_gost.cer");
    let options = at("2022-06-01T00:00:00Z");
    let verifier = gost2004_verifier();
    let cms = cms_naming(&ceo, &[&ceo], "1.2.398.3.10.1.3.1", "1.2.398.3.10.1.1.1.2");
    // CEO, ҰКО 3.0 (GOST TEST), НЕГІЗГІ КО TEST (GOST): both links verified with GOST 2004;
    // only the made-up signature fails.
    assert_path_judged(
        &verifier.verify(&cms, None, &options),
        3,
        &[Code::SignatureInvalid],
    );
    let flipped = flip_signature(&ceo);
    let cms = cms_naming(
        &flipped,
        &[&flipped],
        "1.2.398.3.10.1.3.1",
        "1.2.398.3.10.1.1.1.2",
    );
    let report = verifier.verify(&cms, None, &options);
    assert_path_judged(
        &report,
        1,
        &[Code::SignatureInvalid, Code::SignatureInvalid],
    );
    assert!(
        report.signers[0].errors[1]
            .message
            .contains("is not signed by the key of"),
        "{}",
        report.to_json()
    );
    // The intermediate with a flipped signature does not chain to the root either.
    let intermediate = flip_signature(&certificate_der("nca_gost_test.crt"));
    let broken = Verifier::new(certificates("root_gost_test.crt")).with_intermediates(vec![
        Certificate::from_der(&intermediate).expect("still parses"),
    ]);
    let cms = cms_naming(&ceo, &[&ceo], "1.2.398.3.10.1.3.1", "1.2.398.3.10.1.1.1.2");
    let report = broken.verify(&cms, None, &options);
    assert_path_judged(
        &report,
        1,
        &[Code::SignatureInvalid, Code::SignatureInvalid],
    );
    assert!(
        report.signers[0].errors[1]
            .message
            .contains("ҰКО 3.0 (GOST TEST) is not signed by the key of"),
        "{}",
        report.to_json()
    );
}

/// The certificate of `individual_valid_2015_gost.p12` (under RC2-40, whose GOST key OpenSSL
/// cannot decode: `-nokeys`), extracted by the `openssl` command.
fn p12_certificate() -> Vec<u8> {
    let output = std::process::Command::new("openssl")
        .args([
            "pkcs12",
            "-legacy",
            "-nokeys",
            "-clcerts",
            "-passin",
            "pass:Aa123456",
            "-in",
        ])
        .arg(vectors().join("individual_valid_2015_gost.p12"))
        .output()
        .expect("the openssl command runs");
    assert!(
        output.status.success(),
        "openssl pkcs12: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Verifier::certificates_from(&output.stdout, "individual_valid_2015_gost.p12")
        .expect("a certificate")[0]
        .der()
        .to_vec()
}

#[test]
fn the_gost_2015_certificate_of_the_p12_file_verifies_against_its_issuer() {
    if signatures::testing::nca_vectors().is_none() {
        return;
    }
    let leaf = p12_certificate();
    let parsed = Certificate::from_der(&leaf).expect("parses");
    assert!(
        parsed.subject().contains("IIN123456789012"),
        "{}",
        parsed.subject()
    );
    let verifier = Verifier::new(certificates("nca_gost2015_test.cer"));
    let cms = cms_naming(
        &leaf,
        &[&leaf],
        "1.2.398.3.10.1.3.3",
        "1.2.398.3.10.1.1.2.3.2",
    );
    let options = at(GOST_SIGNING_TIME);
    assert_path_judged(
        &verifier.verify(&cms, None, &options),
        2,
        &[Code::SignatureInvalid],
    );
    let flipped = flip_signature(&leaf);
    let cms = cms_naming(
        &flipped,
        &[&flipped],
        "1.2.398.3.10.1.3.3",
        "1.2.398.3.10.1.1.2.3.2",
    );
    assert_path_judged(
        &verifier.verify(&cms, None, &options),
        1,
        &[Code::SignatureInvalid, Code::SignatureInvalid],
    );
}

#[test]
fn the_gost_2004_timestamp_token_verifies_as_a_cms() {
    if signatures::testing::nca_vectors().is_none() {
        return;
    }
    // An RFC 3161 token is a SignedData over a TSTInfo: its TSA signed with GOST 2004 and
    // GOST 34.311-95, chaining to ҰКО 3.0 (GOST TEST).
    let report =
        gost2004_verifier().verify(&read("tsp_token.bin"), None, &at("2022-09-18T13:20:14Z"));
    let signer = &report.signers[0];
    assert_eq!(signer.code, Code::Ok, "{}", report.to_json());
    assert_eq!(signer.digest_algorithm, "GOST 34.311-95");
    assert_eq!(signer.chain.len(), 3, "{}", report.to_json());
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
    let gost = Crl::from_der(&read("nca_gost2022_test.crl")).expect("GOST CRL");
    assert_eq!(
        gost.this_update(),
        parse_rfc3339("2022-07-27T11:26:06Z").expect("a time")
    );
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

#[test]
fn the_nca_timestamp_token_verifies_with_sha1_warnings() {
    if signatures::testing::nca_vectors().is_none() {
        return;
    }
    // RFC 3161: the NCA TSA's token. Its signature (GOST 2004) and its ESSCertID (SHA-1)
    // verify, and its TSA chains to ҰКО 3.0 (GOST TEST) at its genTime. The signature it
    // stamped is not among the vectors, so its imprint is not checked here.
    let token = read("tsp_token.bin");
    let (timestamp, warnings) = gost2004_verifier()
        .verify_timestamp_token(&token, None, &Options::new(NOW))
        .expect("the token verifies");
    assert_eq!(
        timestamp.time,
        parse_rfc3339("2022-09-18T13:20:14Z").expect("a time")
    );
    assert_eq!(timestamp.policy, "1.2.398.3.3.2.6.1");
    assert!(
        timestamp.tsa.contains("СЕРВИС МЕТКИ ВРЕМЕНИ"),
        "{}",
        timestamp.tsa
    );
    assert_eq!(
        timestamp.tsa_serial_number,
        "622ddd64fc75397c61d228530beefe9e1cf87094"
    );
    assert_eq!(timestamp.imprint_algorithm, "SHA-1");
    assert_eq!(timestamp.token, token);
    assert!(
        warnings.iter().any(|w| w.code == "TIMESTAMP_SHA1"),
        "{warnings:?}"
    );
    // Stamping anything else fails on the imprint; a flipped byte of its signature fails.
    let other =
        gost2004_verifier().verify_timestamp_token(&token, Some(b"other"), &Options::new(NOW));
    assert!(other.is_err_and(|e| e.contains("imprint")));
    let mut forged = token.clone();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    assert!(
        gost2004_verifier()
            .verify_timestamp_token(&forged, None, &Options::new(NOW))
            .is_err()
    );
    // No CRL of the NCA issued after its time is among the vectors: where revocation is
    // required, its TSA is unproven and the token does not count.
    let required = Options {
        require_revocation: true,
        ..Options::new(NOW)
    };
    let unproven = gost2004_verifier().verify_timestamp_token(&token, None, &required);
    assert!(
        unproven
            .as_ref()
            .is_err_and(|e| e.contains("revocation is required")),
        "{unproven:?}"
    );
    // Not before its own time.
    let early = Options::new(parse_rfc3339("2022-09-18T13:00:00Z").expect("a time"));
    assert!(
        gost2004_verifier()
            .verify_timestamp_token(&token, None, &early)
            .is_err()
    );
}
