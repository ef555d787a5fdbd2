//! Shared arrangements for the verifier's tests: a test PKI shaped like NCA RK's, a verifier
//! trusting it, and a validation time inside its end-entity certificates' validity.
#![allow(dead_code, reason = "each test binary uses a different part")]

use signatures::testing::{self, CmsBuilder, SignerSpec, TestPki};
use signatures::{Code, Options, Report, Verifier};
use time::OffsetDateTime;
use time::macros::datetime;

/// Inside the default validity of the test PKI's end-entity certificates (2021-01-18..2022-01-18).
pub const AT: OffsetDateTime = datetime!(2021-06-01 0:00 UTC);
/// The "current time" the tests pass as `Options::now`: fixed (tests never read the clock), and
/// after every test certificate has expired, so a test that forces `at` also shows that `at` wins.
pub const NOW: OffsetDateTime = datetime!(2030-01-01 0:00 UTC);
pub const CONTENT: &[u8] = b"test123";
pub const IIN: &str = "123456789011";

pub fn parse(certificate: &testing::Certificate) -> signatures::Certificate {
    signatures::Certificate::from_der(&certificate.der).expect("a generated certificate parses")
}

pub fn parse_crl(der: &[u8]) -> signatures::Crl {
    signatures::Crl::from_der(der).expect("a generated CRL parses")
}

/// A verifier trusting the PKI's root, with its intermediate configured.
pub fn verifier(pki: &TestPki) -> Verifier {
    Verifier::new(vec![parse(&pki.root)]).with_intermediates(vec![parse(&pki.intermediate)])
}

/// Options validating at `t` (a forced validation time; `now` is [`NOW`]).
pub fn at(t: OffsetDateTime) -> Options {
    Options {
        at: Some(t),
        ..Options::new(NOW)
    }
}

/// An attached CMS over [`CONTENT`] by `leaf`, carrying its certificate.
pub fn signed_by(leaf: &testing::Certificate) -> Vec<u8> {
    CmsBuilder::new(CONTENT)
        .certificate(leaf)
        .signer(SignerSpec::new(leaf))
        .build()
}

/// The individual signing certificate of the RSA test PKI.
pub fn rsa_signer(pki: &TestPki) -> testing::Certificate {
    pki.individual_sign(IIN).issued_by(&pki.intermediate)
}

/// Asserts the report's code, printing the report when it differs.
#[track_caller]
pub fn assert_code(report: &Report, expected: Code) {
    assert_eq!(report.code, expected, "report: {}", report.to_json());
    assert_eq!(
        report.valid,
        expected == Code::Ok,
        "report: {}",
        report.to_json()
    );
}

/// Replaces every occurrence of `from` by `to` (same length) in `bytes`.
pub fn patch(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len(), "patches keep lengths");
    let mut out = bytes.to_vec();
    let mut found = false;
    let mut i = 0;
    while i + from.len() <= out.len() {
        if &out[i..i + from.len()] == from {
            out[i..i + from.len()].copy_from_slice(to);
            found = true;
            i += from.len();
        } else {
            i += 1;
        }
    }
    assert!(found, "the pattern to patch is present");
    out
}
