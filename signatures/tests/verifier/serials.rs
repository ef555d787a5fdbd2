//! Serial numbers as encoded (RFC 5280 §4.1.2.2, §5.1.2.6): a negative serial, non-conforming
//! but seen in the wild, parses, identifies its signer and matches only itself in a CRL.

use crate::support::*;
use signatures::testing::{CmsBuilder, CrlBuilder, Reason, SignerSpec, TestPki};
use signatures::{Code, Options};
use time::macros::datetime;

fn required() -> Options {
    Options {
        require_revocation: true,
        ocsp: Default::default(),
        ..at(AT)
    }
}

#[test]
fn a_negative_serial_matches_only_its_own_encoding_in_a_crl() {
    let pki = TestPki::rsa();
    // -255: INTEGER contents FF 01. Its magnitude's twin, 65281, is 00 FF 01.
    let negative = pki
        .individual_sign(IIN)
        .serial_integer_content(&[0xff, 0x01])
        .issued_by(&pki.intermediate);
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&negative)
        .signer(SignerSpec::new(&negative))
        .build();
    let root_crl = parse_crl(&CrlBuilder::new(&pki.root).build());
    let revoked_at = datetime!(2021-05-01 0:00 UTC);

    // Nothing revoked: the signer is found by its (negative) serial and is valid.
    let clean = pki.crl().build();
    let report = verifier(&pki)
        .with_crls(vec![parse_crl(&clean), root_crl.clone()])
        .verify(&cms, None, &required());
    assert_code(&report, Code::Ok);
    assert_eq!(report.signers[0].serial_number.as_deref(), Some("ff01"));

    // The positive 65281 revoked: not this certificate.
    let twin = pki
        .crl()
        .revoke(&[0xff, 0x01], revoked_at, Some(Reason::KeyCompromise))
        .build();
    let report = verifier(&pki)
        .with_crls(vec![parse_crl(&twin), root_crl.clone()])
        .verify(&cms, None, &required());
    assert_code(&report, Code::Ok);

    // The negative -255 revoked, with a redundant leading FF: this certificate.
    let own = pki
        .crl()
        .revoke_integer_content(&[0xff, 0xff, 0x01], revoked_at, Some(Reason::KeyCompromise))
        .build();
    let report = verifier(&pki)
        .with_crls(vec![parse_crl(&own), root_crl])
        .verify(&cms, None, &required());
    assert_code(&report, Code::Revoked);
}

#[test]
fn a_positive_serial_is_not_revoked_by_its_negative_twin() {
    let pki = TestPki::rsa();
    let positive = pki
        .individual_sign(IIN)
        .serial(&[0xff, 0x01])
        .issued_by(&pki.intermediate);
    let negative_twin = pki
        .crl()
        .revoke_integer_content(&[0xff, 0x01], datetime!(2021-05-01 0:00 UTC), None)
        .build();
    let report = verifier(&pki)
        .with_crls(vec![
            parse_crl(&negative_twin),
            parse_crl(&CrlBuilder::new(&pki.root).build()),
        ])
        .verify(&signed_by(&positive), None, &required());
    assert_code(&report, Code::Ok);
    assert_eq!(report.signers[0].serial_number.as_deref(), Some("ff01"));
}
