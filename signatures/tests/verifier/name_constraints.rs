//! Name constraints of every form (RFC 5280 §4.2.1.10) along generated paths: rfc822Name
//! (with the subject's emailAddress), dNSName, URI, iPAddress, directoryName; permitted and
//! excluded; intersected across the path (§6.1.4 (g)); failing closed on forms that are not
//! checked.

use crate::support::*;
use signatures::Code;
use signatures::Verifier;
use signatures::testing::cert::GeneralName;
use signatures::testing::{
    self, CertificateBuilder, KeyUsageBit, Name, TestPki, cached_rsa_2048, der,
};
use time::macros::datetime;

fn ca(name: &str, slot: usize) -> CertificateBuilder {
    CertificateBuilder::new(Name::new().country("KZ").cn(name), cached_rsa_2048(slot))
        .ca(None)
        .key_usage(&[KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign])
        .validity(
            datetime!(2015-01-01 0:00 UTC),
            datetime!(2035-01-01 0:00 UTC),
        )
}

fn dns(name: &str) -> GeneralName {
    GeneralName::Dns(name.to_owned())
}

fn email(address: &str) -> GeneralName {
    GeneralName::Rfc822(address.to_owned())
}

fn uri(uri: &str) -> GeneralName {
    GeneralName::Uri(uri.to_owned())
}

fn ip(bytes: &[u8]) -> GeneralName {
    GeneralName::Ip(bytes.to_vec())
}

/// The code for a leaf with these subjectAltNames (none: no extension) and `subject`, below
/// one CA with these constraints.
fn verdict(
    permitted: &[GeneralName],
    excluded: &[GeneralName],
    subject_alt_names: &[GeneralName],
    subject: Option<Name>,
) -> Code {
    let pki = TestPki::rsa();
    let constrained = ca("Constrained", 3)
        .general_name_constraints(permitted, excluded)
        .issued_by(&pki.root);
    verdict_below(&pki, &[constrained], subject_alt_names, subject)
}

/// The code for a leaf issued by the last of `cas` (each issued by the one before, the first
/// by the root).
fn verdict_below(
    pki: &TestPki,
    cas: &[testing::Certificate],
    subject_alt_names: &[GeneralName],
    subject: Option<Name>,
) -> Code {
    let mut leaf = match subject {
        Some(subject) => CertificateBuilder::new(subject, &pki.leaf_key)
            .key_usage(&[KeyUsageBit::DigitalSignature, KeyUsageBit::NonRepudiation])
            .validity(
                datetime!(2021-01-18 0:00 UTC),
                datetime!(2022-01-18 0:00 UTC),
            ),
        None => pki.individual_sign(IIN),
    };
    if !subject_alt_names.is_empty() {
        leaf = leaf.subject_alt_names(subject_alt_names);
    }
    let leaf = leaf.issued_by(cas.last().expect("a CA"));
    let report = Verifier::new(vec![parse(&pki.root)])
        .with_intermediates(cas.iter().map(parse).collect())
        .verify(&signed_by(&leaf), None, &at(AT));
    assert_eq!(report.valid, report.code == Code::Ok);
    report.code
}

#[track_caller]
fn check(cases: &[(&str, Code, Code)]) {
    for (case, got, expected) in cases {
        assert_eq!(got, expected, "{case}");
    }
}

#[test]
fn dns_name_constraints() {
    let permitted = [dns("gov.kz")];
    let excluded = [dns("evil.kz")];
    check(&[
        (
            "permitted, a name below it",
            verdict(&permitted, &[], &[dns("egov.gov.kz")], None),
            Code::Ok,
        ),
        (
            "permitted, the name itself, any case",
            verdict(&permitted, &[], &[dns("GOV.kz")], None),
            Code::Ok,
        ),
        (
            "permitted, a name outside",
            verdict(&permitted, &[], &[dns("egov.evil.kz")], None),
            Code::UntrustedChain,
        ),
        (
            "permitted, a look-alike suffix that is not a label",
            verdict(&permitted, &[], &[dns("notgov.kz")], None),
            Code::UntrustedChain,
        ),
        (
            "permitted, one of two names outside",
            verdict(&permitted, &[], &[dns("gov.kz"), dns("x.com")], None),
            Code::UntrustedChain,
        ),
        (
            "permitted, no dNSName at all",
            verdict(&permitted, &[], &[], None),
            Code::Ok,
        ),
        (
            "excluded, a name below it",
            verdict(&[], &excluded, &[dns("www.evil.kz")], None),
            Code::UntrustedChain,
        ),
        (
            "excluded, another name",
            verdict(&[], &excluded, &[dns("gov.kz")], None),
            Code::Ok,
        ),
    ]);
}

#[test]
fn rfc822_name_constraints_cover_the_subjects_email_address() {
    let in_domain = [email(".gov.kz")];
    let subject = |address: &str| Some(Name::new().country("KZ").cn("Officer").email(address));
    check(&[
        (
            "permitted domain, an address in it",
            verdict(&in_domain, &[], &[email("a@mail.gov.kz")], None),
            Code::Ok,
        ),
        (
            "permitted domain, an address at the domain's own host",
            verdict(&in_domain, &[], &[email("a@gov.kz")], None),
            Code::UntrustedChain,
        ),
        (
            "permitted host, an address at it",
            verdict(&[email("gov.kz")], &[], &[email("a@gov.kz")], None),
            Code::Ok,
        ),
        (
            "permitted mailbox, another mailbox at the host",
            verdict(&[email("root@gov.kz")], &[], &[email("admin@gov.kz")], None),
            Code::UntrustedChain,
        ),
        (
            "permitted domain, the subject's emailAddress outside",
            verdict(&in_domain, &[], &[], subject("a@gmail.com")),
            Code::UntrustedChain,
        ),
        (
            "permitted domain, the subject's emailAddress inside",
            verdict(&in_domain, &[], &[], subject("a@mail.gov.kz")),
            Code::Ok,
        ),
        (
            "excluded host, the subject's emailAddress at it",
            verdict(&[], &[email("gmail.com")], &[], subject("x@GMAIL.com")),
            Code::UntrustedChain,
        ),
        (
            "excluded host, an address elsewhere",
            verdict(&[], &[email("gmail.com")], &[email("x@gov.kz")], None),
            Code::Ok,
        ),
    ]);
}

#[test]
fn uri_name_constraints_constrain_the_host() {
    let permitted = [uri(".gov.kz")];
    check(&[
        (
            "permitted domain, a host in it",
            verdict(&permitted, &[], &[uri("https://egov.gov.kz/x")], None),
            Code::Ok,
        ),
        (
            "permitted domain, a host outside",
            verdict(&permitted, &[], &[uri("https://evil.kz/x")], None),
            Code::UntrustedChain,
        ),
        (
            "permitted domain, a URI without a host (§4.2.1.10: MUST reject)",
            verdict(&permitted, &[], &[uri("urn:oid:1.2.398")], None),
            Code::UntrustedChain,
        ),
        (
            "excluded host, that host with a port and user",
            verdict(
                &[],
                &[uri("evil.kz")],
                &[uri("http://u@evil.kz:8080/")],
                None,
            ),
            Code::UntrustedChain,
        ),
        (
            "excluded host, a host below it (a host constraint is exact)",
            verdict(&[], &[uri("evil.kz")], &[uri("http://www.evil.kz/")], None),
            Code::Ok,
        ),
    ]);
}

#[test]
fn ip_address_name_constraints_compare_under_the_mask() {
    let ten = [ip(&[10, 0, 0, 0, 255, 0, 0, 0])];
    let mut v6 = vec![0u8; 32];
    v6[0] = 0x20;
    v6[1] = 0x01;
    v6[16] = 0xff;
    v6[17] = 0xff;
    let mut v6_name = vec![0u8; 16];
    v6_name[0] = 0x20;
    v6_name[1] = 0x01;
    v6_name[15] = 1;
    check(&[
        (
            "permitted 10/8, 10.1.2.3",
            verdict(&ten, &[], &[ip(&[10, 1, 2, 3])], None),
            Code::Ok,
        ),
        (
            "permitted 10/8, 192.168.0.1",
            verdict(&ten, &[], &[ip(&[192, 168, 0, 1])], None),
            Code::UntrustedChain,
        ),
        (
            "permitted 10/8, an IPv6 address",
            verdict(&ten, &[], &[ip(&v6_name)], None),
            Code::UntrustedChain,
        ),
        (
            "permitted 2001::/16, an address in it",
            verdict(&[ip(&v6)], &[], &[ip(&v6_name)], None),
            Code::Ok,
        ),
        (
            "excluded 10/8, 10.1.2.3",
            verdict(&[], &ten, &[ip(&[10, 1, 2, 3])], None),
            Code::UntrustedChain,
        ),
        (
            "excluded 10/8, 192.168.1.1",
            verdict(&[], &ten, &[ip(&[192, 168, 1, 1])], None),
            Code::Ok,
        ),
        (
            "permitted 10/8, an address of 5 octets cannot be compared",
            verdict(&ten, &[], &[ip(&[10, 1, 2, 3, 4])], None),
            Code::UntrustedChain,
        ),
    ]);
}

#[test]
fn directory_name_constraints_cover_directory_alt_names() {
    let kz = GeneralName::Directory(Name::new().country("KZ"));
    let ru = GeneralName::Directory(Name::new().country("RU").cn("x"));
    let subject = Some(Name::new().country("KZ").cn("Officer"));
    check(&[
        (
            "permitted C=KZ, subject and alt name inside",
            verdict(
                std::slice::from_ref(&kz),
                &[],
                &[GeneralName::Directory(Name::new().country("KZ").cn("y"))],
                subject.clone(),
            ),
            Code::Ok,
        ),
        (
            "permitted C=KZ, a directory alt name outside",
            verdict(
                std::slice::from_ref(&kz),
                &[],
                std::slice::from_ref(&ru),
                subject.clone(),
            ),
            Code::UntrustedChain,
        ),
        (
            "excluded C=RU, a directory alt name inside it",
            verdict(
                &[],
                &[GeneralName::Directory(Name::new().country("RU"))],
                &[ru],
                subject,
            ),
            Code::UntrustedChain,
        ),
    ]);
}

#[test]
fn permitted_subtrees_intersect_along_the_path() {
    let pki = TestPki::rsa();
    let outer = ca("Outer", 3)
        .general_name_constraints(&[dns("gov.kz")], &[])
        .issued_by(&pki.root);
    let narrower = ca("Narrower", 5)
        .general_name_constraints(&[dns("egov.gov.kz")], &[])
        .issued_by(&outer);
    let elsewhere = ca("Elsewhere", 5)
        .general_name_constraints(&[dns("example.com")], &[])
        .issued_by(&outer);
    // Another form below: does not widen or narrow the dNSName subtrees.
    let emails = ca("E-mail only", 5)
        .general_name_constraints(&[email(".gov.kz")], &[])
        .issued_by(&outer);
    let both =
        |cas: &[testing::Certificate], names: &[GeneralName]| verdict_below(&pki, cas, names, None);
    check(&[
        (
            "inside both",
            both(&[outer.clone(), narrower.clone()], &[dns("a.egov.gov.kz")]),
            Code::Ok,
        ),
        (
            "inside the outer only",
            both(&[outer.clone(), narrower], &[dns("other.gov.kz")]),
            Code::UntrustedChain,
        ),
        (
            "inside the inner only: the intersection is empty",
            both(&[outer.clone(), elsewhere], &[dns("www.example.com")]),
            Code::UntrustedChain,
        ),
        (
            "a dNSName below a CA constraining only e-mail",
            both(&[outer.clone(), emails.clone()], &[dns("a.gov.kz")]),
            Code::Ok,
        ),
        (
            "an e-mail address checked by the inner, a dNSName by the outer",
            both(&[outer, emails], &[dns("x.com"), email("a@mail.gov.kz")]),
            Code::UntrustedChain,
        ),
    ]);
}

#[test]
fn constraints_the_verifier_cannot_check_fail_closed() {
    let registered_id = |oid: &str| GeneralName::Encoded(der::implicit(8, false, der::oid(oid)));
    // A dNSName subtree with maximum [1] 2: forbidden by RFC 5280, so not checked.
    let bounded = der::sequence(&[
        dns("gov.kz").to_der(),
        der::implicit(1, false, der::integer_i64(2)),
    ]);
    let pki = TestPki::rsa();
    let with_bounded = ca("Bounded", 3)
        .encoded_name_constraints(&[bounded], &[])
        .issued_by(&pki.root);
    check(&[
        (
            "an excluded registeredID, the certificate has one",
            verdict(
                &[],
                &[registered_id("1.2.3")],
                &[registered_id("1.2.3.4")],
                None,
            ),
            Code::UntrustedChain,
        ),
        (
            "a permitted registeredID, the certificate has the same one",
            verdict(
                &[registered_id("1.2.3")],
                &[],
                &[registered_id("1.2.3")],
                None,
            ),
            Code::UntrustedChain,
        ),
        (
            "an excluded registeredID, the certificate has none",
            verdict(&[], &[registered_id("1.2.3")], &[dns("gov.kz")], None),
            Code::Ok,
        ),
        (
            "a subtree with a maximum, the certificate has a dNSName",
            verdict_below(
                &pki,
                std::slice::from_ref(&with_bounded),
                &[dns("a.gov.kz")],
                None,
            ),
            Code::UntrustedChain,
        ),
        (
            "a subtree with a maximum, the certificate has no dNSName",
            verdict_below(&pki, &[with_bounded], &[], None),
            Code::Ok,
        ),
    ]);
}
