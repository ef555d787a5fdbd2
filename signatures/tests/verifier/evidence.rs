//! Long-term validity by stored evidence: a timestamped signature verified shortly after its
//! timestamp keeps a report; years later (the certificate expired, its CRLs stale, none in
//! the trust configuration) the decision is re-checked from that report's evidence alone.
//! Evidence is verified like configured data: what does not verify or names other
//! certificates does not help and never hurts; genuine evidence of a revocation revokes.

use crate::support::{AT, CONTENT, NOW, assert_code, parse, parse_crl, rsa_signer, verifier};
use signatures::testing::ocsp::{OcspResponseBuilder, OcspStatus};
use signatures::testing::{
    self, CmsBuilder, CrlBuilder, Reason, SignerSpec, TestPki, TimestampSpec, cached_rsa_2048,
};
use signatures::{Code, OcspResponse, Options, Report, StoredEvidence, TimeSource};
use time::OffsetDateTime;
use time::macros::datetime;

/// Shortly after the timestamp ([`AT`]): when the signature was first verified.
const SOON: OffsetDateTime = datetime!(2021-06-02 1:00 UTC);

struct Case {
    pki: TestPki,
    leaf: testing::Certificate,
    tsa: testing::Certificate,
    cms: Vec<u8>,
}

fn case() -> Case {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let tsa = pki.tsa(cached_rsa_2048(5)).issued_by(&pki.intermediate);
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf).timestamp(TimestampSpec::new(&tsa, AT)))
        .build();
    Case {
        pki,
        leaf,
        tsa,
        cms,
    }
}

/// The intermediate's CRL, issued a day after the timestamp and stale a week later.
fn intermediate_crl(pki: &TestPki) -> CrlBuilder {
    pki.crl()
        .this_update(datetime!(2021-06-02 0:00 UTC))
        .next_update(Some(datetime!(2021-06-09 0:00 UTC)))
        .number(7)
}

/// The root's CRL (covering the intermediate), issued a day after the timestamp.
fn root_crl(pki: &TestPki) -> Vec<u8> {
    CrlBuilder::new(&pki.root)
        .this_update(datetime!(2021-06-02 0:00 UTC))
        .next_update(Some(datetime!(2021-06-09 0:00 UTC)))
        .build()
}

fn required(now: OffsetDateTime) -> Options {
    Options {
        require_revocation: true,
        ..Options::new(now)
    }
}

fn warned(report: &Report, code: &str) -> bool {
    report.signers[0].warnings.iter().any(|w| w.code == code)
}

/// The first verification, with the CRLs in the trust configuration: valid, and its report's
/// evidence names both CRLs.
fn first_report(case: &Case, crl: &[u8]) -> Report {
    let first =
        verifier(&case.pki).with_crls(vec![parse_crl(crl), parse_crl(&root_crl(&case.pki))]);
    let report = first.verify(&case.cms, None, &required(SOON));
    assert_code(&report, Code::Ok);
    assert_eq!(report.signers[0].time_source, TimeSource::Timestamp);
    assert_eq!(report.evidence.crls.len(), 2, "{}", report.to_json());
    report
}

fn evidence(report: &Report, crls: &[&[u8]]) -> StoredEvidence {
    let mut evidence = StoredEvidence::new();
    evidence
        .add_report_json(report.to_json().as_bytes(), "first.json")
        .expect("a report's evidence reads");
    for (index, crl) in crls.iter().enumerate() {
        evidence.add_crls(crl, &format!("kept-{index}.crl"));
    }
    evidence
}

#[test]
fn years_later_stored_crls_handed_back_prove_what_the_trust_store_no_longer_can() {
    let case = case();
    let crl = intermediate_crl(&case.pki).build();
    let report = first_report(&case, &crl);

    // 2030: the certificate has long expired, the CRLs are stale and gone from the trust store.
    let later = verifier(&case.pki);
    let without = later.verify(&case.cms, None, &required(NOW));
    assert_code(&without, Code::RevocationUnknown);

    let root = root_crl(&case.pki);
    let handed_back = evidence(&report, &[&crl, &root]);
    let again = later.verify_with(&case.cms, None, &required(NOW), &handed_back);
    assert_code(&again, Code::Ok);
    assert_eq!(again.signers[0].validated_at, AT);
    for code in [
        "EVIDENCE_UNUSED",
        "EVIDENCE_CRL_MISSING",
        "EVIDENCE_IGNORED",
    ] {
        assert!(!warned(&again, code), "{code}: {}", again.to_json());
    }
    // The new report relies on the same CRLs, so it can be kept in turn.
    let digests = |r: &Report| -> Vec<String> {
        let mut d: Vec<String> = r.evidence.crls.iter().map(|c| c.sha256.clone()).collect();
        d.sort();
        d
    };
    assert_eq!(digests(&again), digests(&report));

    // The report alone names the CRLs but cannot hold them: the missing ones are said.
    let report_only = later.verify_with(&case.cms, None, &required(NOW), &evidence(&report, &[]));
    assert_code(&report_only, Code::RevocationUnknown);
    assert!(
        warned(&report_only, "EVIDENCE_CRL_MISSING"),
        "{}",
        report_only.to_json()
    );
}

#[test]
fn years_later_stored_ocsp_responses_in_the_report_are_enough_for_the_signer_and_its_tsa() {
    let case = case();
    let pki = &case.pki;
    // The leaf's and the TSA's statuses by OCSP, produced an hour after the timestamp; the
    // intermediate's by the root's CRL.
    let produced = AT + time::Duration::hours(1);
    let good = |target: &testing::Certificate| {
        OcspResponseBuilder::new(target, &pki.intermediate, &pki.intermediate)
            .this_update(produced)
            .build()
    };
    let root = root_crl(pki);
    let mut options = required(SOON);
    options.ocsp.responses = [&case.leaf, &case.tsa]
        .iter()
        .map(|c| OcspResponse::from_der(&good(c)).expect("parses"))
        .collect();
    let first = verifier(pki).with_crls(vec![parse_crl(&root)]);
    let report = first.verify(&case.cms, None, &options);
    assert_code(&report, Code::Ok);
    assert_eq!(
        report.evidence.ocsp_responses.len(),
        2,
        "{}",
        report.to_json()
    );
    assert_eq!(report.evidence.crls.len(), 1, "{}", report.to_json());

    let later = verifier(pki);
    assert_code(
        &later.verify(&case.cms, None, &required(NOW)),
        Code::RevocationUnknown,
    );
    let again = later.verify_with(
        &case.cms,
        None,
        &required(NOW),
        &evidence(&report, &[&root]),
    );
    assert_code(&again, Code::Ok);
    assert_eq!(again.evidence.ocsp_responses.len(), 2);

    // Without the TSA's response the TSA's certificate is unproven: revocation is required,
    // and the TSA vouches for the time the signer is judged at.
    let mut partial = report.clone();
    partial
        .evidence
        .ocsp_responses
        .retain(|r| r.response == good(&case.leaf));
    assert_eq!(partial.evidence.ocsp_responses.len(), 1);
    let unproven = later.verify_with(
        &case.cms,
        None,
        &required(NOW),
        &evidence(&partial, &[&root]),
    );
    assert_code(&unproven, Code::RevocationUnknown);
    assert!(
        unproven.signers[0].message.contains("МЕТКИ ВРЕМЕНИ"),
        "{}",
        unproven.to_json()
    );
    // Not required: it passes with the warning, at the timestamp's time.
    let lenient = later.verify_with(
        &case.cms,
        None,
        &Options::new(NOW),
        &evidence(&partial, &[&root]),
    );
    assert_code(&lenient, Code::Ok);
    assert!(warned(&lenient, "TIMESTAMP_REVOCATION_NOT_CHECKED"));

    // A genuine response, learnt later, saying the key was revoked before the timestamp.
    let revoked = OcspResponseBuilder::new(&case.leaf, &pki.intermediate, &pki.intermediate)
        .this_update(datetime!(2021-09-01 0:00 UTC))
        .next_update(None)
        .status(OcspStatus::Revoked(datetime!(2021-05-01 0:00 UTC), Some(1)))
        .build();
    let mut with_revocation = evidence(&report, &[&root]);
    with_revocation
        .ocsp_responses
        .push(OcspResponse::from_der(&revoked).expect("parses"));
    let report = later.verify_with(&case.cms, None, &Options::new(NOW), &with_revocation);
    assert_code(&report, Code::Revoked);
    assert!(
        report
            .evidence
            .ocsp_responses
            .iter()
            .any(|r| r.response == revoked),
        "{}",
        report.to_json()
    );
}

#[test]
fn tampered_or_foreign_evidence_does_not_help_and_does_not_hurt() {
    let case = case();
    let pki = &case.pki;
    let crl = intermediate_crl(pki).build();
    let report = first_report(&case, &crl);
    let root = root_crl(pki);
    let later = verifier(pki);
    // A CRL with the issuer's name but not its signature, revoking the signer before the
    // timestamp; an OCSP response about another certificate, signed by the right issuer.
    let forged = intermediate_crl(pki)
        .number(8)
        .revoke(
            &case.leaf.serial,
            datetime!(2021-05-01 0:00 UTC),
            Some(Reason::KeyCompromise),
        )
        .signed_by(cached_rsa_2048(4))
        .build();
    let other = pki
        .individual_sign("123456789020")
        .issued_by(&pki.intermediate);
    let foreign = OcspResponseBuilder::new(&other, &pki.intermediate, &pki.intermediate)
        .this_update(AT + time::Duration::hours(1))
        .build();
    let mut bad = StoredEvidence::new();
    bad.add_crls(&forged, "forged.crl");
    bad.ocsp_responses
        .push(OcspResponse::from_der(&foreign).expect("parses"));
    bad.add_crls(b"not a CRL at all", "garbage.crl");

    // Alone, they prove nothing: the signer's status stays unknown.
    let alone = later.verify_with(&case.cms, None, &required(NOW), &bad);
    assert_code(&alone, Code::RevocationUnknown);
    for code in ["CRL_IGNORED", "EVIDENCE_UNUSED", "EVIDENCE_IGNORED"] {
        assert!(warned(&alone, code), "{code}: {}", alone.to_json());
    }
    // Beside the genuine evidence, they change nothing.
    let mut mixed = evidence(&report, &[&crl, &root]);
    mixed.crls.extend(bad.crls.iter().cloned());
    mixed
        .ocsp_responses
        .extend(bad.ocsp_responses.iter().cloned());
    let again = later.verify_with(&case.cms, None, &required(NOW), &mixed);
    assert_code(&again, Code::Ok);
    assert!(warned(&again, "CRL_IGNORED"), "{}", again.to_json());
    assert!(warned(&again, "EVIDENCE_UNUSED"), "{}", again.to_json());
    // The forged CRL is not evidence the new report relied on.
    assert_eq!(again.evidence.crls.len(), 2, "{}", again.to_json());
    assert!(again.evidence.ocsp_responses.is_empty());

    // A report that is not one is refused (a usage error, before verifying).
    let mut not_a_report = StoredEvidence::new();
    assert!(
        not_a_report
            .add_report_json(b"{\"valid\":true}", "x.json")
            .is_err()
    );
    assert!(not_a_report.add_report_json(b"\x30\x03", "x.der").is_err());
    // A response in a report that cannot be read is ignored, with a warning.
    let mut json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("JSON");
    json["evidence"]["ocspResponses"] = serde_json::json!([{"response": "AAAA"}, {"x": 1}]);
    let mut odd = StoredEvidence::new();
    odd.add_report_json(json.to_string().as_bytes(), "odd.json")
        .expect("still a report");
    assert_eq!(odd.ignored.len(), 2, "{:?}", odd.ignored);
    assert_eq!(odd.named_crls.len(), 2);
}

#[test]
fn genuine_evidence_of_a_revocation_before_the_timestamp_revokes() {
    let case = case();
    let pki = &case.pki;
    let crl = intermediate_crl(pki).build();
    let report = first_report(&case, &crl);
    // Learnt later: the key was compromised before the timestamp (a CRL issued after it).
    let revoking = intermediate_crl(pki)
        .this_update(datetime!(2021-09-01 0:00 UTC))
        .next_update(Some(datetime!(2021-09-08 0:00 UTC)))
        .number(9)
        .revoke(
            &case.leaf.serial,
            datetime!(2021-05-01 0:00 UTC),
            Some(Reason::KeyCompromise),
        )
        .build();
    let root = root_crl(pki);
    let later = verifier(pki);
    let revoked = later.verify_with(
        &case.cms,
        None,
        &required(NOW),
        &evidence(&report, &[&crl, &root, &revoking]),
    );
    assert_code(&revoked, Code::Revoked);
    let revocation = revoked.signers[0].revocation.as_ref().expect("reported");
    assert_eq!(revocation.reason, "keyCompromise");
    // It is the revoking CRL the new report relied on for the signer.
    let sha256 = |der: &[u8]| {
        let digest = ring::digest::digest(&ring::digest::SHA256, der);
        digest
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let relied: Vec<&str> = revoked
        .evidence
        .crls
        .iter()
        .map(|c| c.sha256.as_str())
        .collect();
    assert!(
        relied.contains(&sha256(&revoking).as_str()),
        "{}",
        revoked.to_json()
    );
    // Revoked after the timestamp: not revoked then.
    let after = intermediate_crl(pki)
        .this_update(datetime!(2021-09-01 0:00 UTC))
        .next_update(Some(datetime!(2021-09-08 0:00 UTC)))
        .number(9)
        .revoke(
            &case.leaf.serial,
            datetime!(2021-08-01 0:00 UTC),
            Some(Reason::KeyCompromise),
        )
        .build();
    assert_code(
        &later.verify_with(
            &case.cms,
            None,
            &required(NOW),
            &evidence(&report, &[&root, &after]),
        ),
        Code::Ok,
    );
}

#[test]
fn a_certificate_on_its_own_is_rechecked_from_evidence_too() {
    let case = case();
    let pki = &case.pki;
    let crl = intermediate_crl(pki).build();
    let root = root_crl(pki);
    let at = Options {
        at: Some(datetime!(2021-06-05 0:00 UTC)),
        require_revocation: true,
        ..Options::new(NOW)
    };
    let leaf = parse(&case.leaf);
    let first = verifier(pki)
        .with_crls(vec![parse_crl(&crl), parse_crl(&root)])
        .verify_certificate(&leaf, &[], &at);
    assert_eq!(first.code, Code::Ok, "{}", first.to_json());
    let later = verifier(pki);
    assert_eq!(
        later.verify_certificate(&leaf, &[], &at).code,
        Code::RevocationUnknown
    );
    let mut handed_back = StoredEvidence::new();
    handed_back
        .add_report_json(first.to_json().as_bytes(), "certificate.json")
        .expect("a certificate report's evidence reads");
    handed_back.add_crls(&crl, "kept.crl");
    handed_back.add_crls(&root, "root.crl");
    let again = later.verify_certificate_with(&leaf, &[], &at, &handed_back);
    assert_eq!(again.code, Code::Ok, "{}", again.to_json());
    assert!(
        again
            .warnings
            .iter()
            .all(|w| !w.code.starts_with("EVIDENCE")),
        "{}",
        again.to_json()
    );
}
