//! RFC 5280 §6.3.3 (b): distribution points matched against a CRL's issuing distribution point,
//! with names relative to the CRL issuer (§4.2.1.13, §5.2.5) expanded into full names, and
//! cRLIssuer in indirect CRLs.

use crate::support::*;
use signatures::testing::cert::{
    OID_CN, distribution_point_der, distribution_point_name_directory,
    distribution_point_name_relative,
};
use signatures::testing::crl::{OID_ISSUING_DISTRIBUTION_POINT, idp_der};
use signatures::testing::{
    self, CertificateBuilder, CrlBuilder, KeyUsageBit, Name, Reason, TestPki, cached_rsa_2048,
};
use signatures::{Code, Options, Verifier};
use time::macros::datetime;

fn required() -> Options {
    Options {
        require_revocation: true,
        ocsp: Default::default(),
        ..at(AT)
    }
}

/// A leaf of the RSA PKI with one distribution point whose `[0]` field is `name_field`.
fn leaf_with_point(pki: &TestPki, name_field: Vec<u8>) -> testing::Certificate {
    pki.individual_sign(IIN)
        .crl_distribution_point_der(distribution_point_der(Some(name_field), None))
        .issued_by(&pki.intermediate)
}

/// The intermediate's CRL revoking `leaf`, scoped by an IDP whose `[0]` field is `name_field`.
fn partitioned_crl(pki: &TestPki, leaf: &testing::Certificate, name_field: Vec<u8>) -> Vec<u8> {
    pki.crl()
        .extension(
            OID_ISSUING_DISTRIBUTION_POINT,
            true,
            idp_der(name_field, false),
        )
        .revoke(
            &leaf.serial,
            datetime!(2021-05-01 0:00 UTC),
            Some(Reason::KeyCompromise),
        )
        .build()
}

fn code(pki: &TestPki, leaf: &testing::Certificate, crl: &[u8]) -> Code {
    let report = verifier(pki)
        .with_crls(vec![
            parse_crl(crl),
            parse_crl(&CrlBuilder::new(&pki.root).build()),
        ])
        .verify(&signed_by(leaf), None, &required());
    report.code
}

#[test]
fn a_name_relative_to_the_issuer_matches_the_full_name_it_expands_to() {
    let pki = TestPki::rsa();
    let partition = pki.intermediate.subject.clone().cn("partition 1");
    let other = pki.intermediate.subject.clone().cn("partition 2");

    // The certificate's point is relative, the CRL's full.
    let leaf = leaf_with_point(
        &pki,
        distribution_point_name_relative(OID_CN, "partition 1"),
    );
    let crl = partitioned_crl(&pki, &leaf, distribution_point_name_directory(&partition));
    assert_eq!(code(&pki, &leaf, &crl), Code::Revoked);
    let crl = partitioned_crl(&pki, &leaf, distribution_point_name_directory(&other));
    assert_eq!(code(&pki, &leaf, &crl), Code::RevocationUnknown);

    // The certificate's point is full, the CRL's relative (to the CRL issuer, §5.2.5).
    let leaf = leaf_with_point(&pki, distribution_point_name_directory(&partition));
    let crl = partitioned_crl(
        &pki,
        &leaf,
        distribution_point_name_relative(OID_CN, "partition 1"),
    );
    assert_eq!(code(&pki, &leaf, &crl), Code::Revoked);
    let crl = partitioned_crl(
        &pki,
        &leaf,
        distribution_point_name_relative(OID_CN, "partition 2"),
    );
    assert_eq!(code(&pki, &leaf, &crl), Code::RevocationUnknown);

    // Both relative: the same RDN matches, another does not.
    let leaf = leaf_with_point(
        &pki,
        distribution_point_name_relative(OID_CN, "partition 1"),
    );
    let crl = partitioned_crl(
        &pki,
        &leaf,
        distribution_point_name_relative(OID_CN, "partition 1"),
    );
    assert_eq!(code(&pki, &leaf, &crl), Code::Revoked);
    let crl = partitioned_crl(
        &pki,
        &leaf,
        distribution_point_name_relative(OID_CN, "partition 2"),
    );
    assert_eq!(code(&pki, &leaf, &crl), Code::RevocationUnknown);
}

#[test]
fn a_relative_name_with_a_crl_issuer_is_relative_to_the_crl_issuer() {
    let pki = TestPki::rsa();
    let delegated_name = Name::new().country("KZ").cn("NCA CRL issuer");
    let delegated = CertificateBuilder::new(delegated_name.clone(), cached_rsa_2048(4))
        .key_usage(&[KeyUsageBit::CrlSign])
        .validity(
            datetime!(2019-01-01 0:00 UTC),
            datetime!(2030-01-01 0:00 UTC),
        )
        .issued_by(&pki.root);
    // §4.2.1.13: the fragment is appended to the cRLIssuer's name, not the certificate issuer's.
    let leaf = pki
        .individual_sign(IIN)
        .crl_distribution_point_der(distribution_point_der(
            Some(distribution_point_name_relative(OID_CN, "partition 1")),
            Some(&delegated_name),
        ))
        .issued_by(&pki.intermediate);
    let indirect = |idp_base: &Name| {
        CrlBuilder::new(&delegated)
            .extension(
                OID_ISSUING_DISTRIBUTION_POINT,
                true,
                idp_der(
                    distribution_point_name_directory(&idp_base.clone().cn("partition 1")),
                    true,
                ),
            )
            .revoke_with_issuer(
                &leaf.serial,
                datetime!(2021-05-01 0:00 UTC),
                Some(Reason::KeyCompromise),
                &pki.intermediate.subject,
            )
            .build()
    };
    let code_with = |crl: Vec<u8>| {
        Verifier::new(vec![parse(&pki.root)])
            .with_intermediates(vec![parse(&pki.intermediate), parse(&delegated)])
            .with_crls(vec![
                parse_crl(&crl),
                parse_crl(&CrlBuilder::new(&pki.root).build()),
            ])
            .verify(&signed_by(&leaf), None, &required())
            .code
    };
    assert_eq!(code_with(indirect(&delegated_name)), Code::Revoked);
    assert_eq!(
        code_with(indirect(&pki.intermediate.subject)),
        Code::RevocationUnknown
    );
}
