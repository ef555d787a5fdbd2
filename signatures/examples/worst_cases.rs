//! Builds the worst cases of issue 9 and prints what verifying each costs: its size, the time
//! of a cold verification (the link cache cleared), the signature checks and path steps it
//! spent, and its verdict. Every case must be decided in under 100 ms (in a release build).
//!
//! ```sh
//! cargo run --release -p signatures --example worst_cases --features testing
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a measurement script"
)]

use signatures::testing::{
    CertificateBuilder, CmsBuilder, CrlBuilder, Digest, KeyUsageBit, Name, SignatureScheme,
    SignerSpec, TestPki, cached_rsa_2048, rsa_spki,
};
use signatures::{Certificate, Options, Verifier};
use std::time::Instant;
use time::macros::datetime;

const CONTENT: &[u8] = b"test123";

fn parse(certificate: &signatures::testing::Certificate) -> Certificate {
    Certificate::from_der(&certificate.der).unwrap()
}

/// A CA named like the intermediate, with its key identifier and the key `spki`.
fn look_alike(pki: &TestPki, spki: Vec<u8>) -> signatures::testing::Certificate {
    CertificateBuilder::new(pki.intermediate.subject.clone(), cached_rsa_2048(6))
        .subject_key_id(pki.intermediate.subject_key_id.clone())
        .ca(Some(0))
        .key_usage(&[KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign])
        .public_key_override(spki)
        .issued_by(&pki.root)
}

fn main() {
    let pki = TestPki::rsa();
    let signer = || {
        pki.individual_sign("123456789011")
            .issued_by(&pki.intermediate)
    };
    let leaf = signer();
    let at = datetime!(2021-06-01 0:00 UTC);
    let options = Options {
        at: Some(at),
        ..Options::new(datetime!(2030-01-01 0:00 UTC))
    };
    let required = Options {
        require_revocation: true,
        ocsp: Default::default(),
        ..options.clone()
    };
    let configured =
        Verifier::new(vec![parse(&pki.root)]).with_intermediates(vec![parse(&pki.intermediate)]);
    let lone = Verifier::new(vec![parse(&pki.root)]);
    let mut cases: Vec<(&str, Vec<u8>, &Verifier, &Options)> = Vec::new();

    let normal = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf))
        .build();
    cases.push(("one signer (for comparison)", normal, &configured, &options));

    // 64 signers x 63 look-alike issuers with 16,384-bit keys, and the intermediate.
    let mut builder = CmsBuilder::new(CONTENT);
    for _ in 0..63 {
        builder = builder.certificate(&look_alike(&pki, rsa_spki(16_384, 65_537)));
    }
    builder = builder.certificate(&pki.intermediate);
    for _ in 0..64 {
        let leaf = signer();
        builder = builder.certificate(&leaf).signer(SignerSpec::new(&leaf));
    }
    cases.push((
        "64 signers x 63 look-alikes, 16,384-bit keys",
        builder.build(),
        &lone,
        &options,
    ));

    // 64 signers x 64 look-alikes with 2,048-bit keys (each a real check): the budget runs out.
    let mut builder = CmsBuilder::new(CONTENT);
    for _ in 0..64 {
        builder = builder.certificate(&look_alike(&pki, rsa_spki(2048, 65_537)));
    }
    for _ in 0..64 {
        let leaf = signer();
        builder = builder.certificate(&leaf).signer(SignerSpec::new(&leaf));
    }
    cases.push((
        "64 signers x 64 look-alikes, 2,048-bit keys",
        builder.build(),
        &lone,
        &options,
    ));

    // CRL-signer lookup: 126 CAs named like the CRL issuer before the real one.
    let mut builder = CmsBuilder::new(CONTENT);
    for _ in 0..126 {
        builder = builder.certificate(&look_alike(&pki, rsa_spki(2048, 65_537)));
    }
    let cms = builder
        .certificate(&pki.intermediate)
        .certificate(&leaf)
        .crl(pki.crl().build())
        .crl(CrlBuilder::new(&pki.root).build())
        .signer(SignerSpec::new(&leaf))
        .build();
    cases.push(("CRL signer among 126 look-alikes", cms, &lone, &required));

    // An embedded CRL with a 32 KiB issuer name and 16,000 entries.
    let mut large = Name::new();
    for i in 0..64 {
        large = large.org_unit(&format!("{i:03}{}", "x".repeat(509)));
    }
    let large_ca = CertificateBuilder::new(large, cached_rsa_2048(7))
        .ca(Some(0))
        .key_usage(&[KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign])
        .issued_by(&pki.root);
    let mut crl = CrlBuilder::new(&large_ca);
    for i in 0..16_000_u32 {
        let [_, a, b, c] = i.to_be_bytes();
        crl = crl.revoke(&[1, a, b, c], datetime!(2021-05-01 0:00 UTC), None);
    }
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&large_ca)
        .crl(crl.build())
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf))
        .build();
    cases.push((
        "CRL with a 32 KiB issuer, 16,000 entries",
        cms,
        &configured,
        &required,
    ));

    // Injected material: a look-alike of the signer first, a SHA-1 CRL, a forged CRL and 64
    // decoy CAs.
    let impostor = pki
        .individual_sign("123456789011")
        .serial(&leaf.serial)
        .issued_by(&look_alike(&pki, rsa_spki(2048, 65_537)));
    let mut builder = CmsBuilder::new(CONTENT)
        .certificate(&impostor)
        .crl(
            pki.crl()
                .signature_scheme(SignatureScheme::RsaPkcs1(Digest::Sha1))
                .build(),
        )
        .crl(
            CrlBuilder::new(&pki.intermediate)
                .revoke(&leaf.serial, datetime!(2021-05-01 0:00 UTC), None)
                .signed_by(cached_rsa_2048(5))
                .build(),
        );
    for _ in 0..64 {
        builder = builder.certificate(&look_alike(&pki, rsa_spki(2048, 65_537)));
    }
    let cms = builder
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf))
        .build();
    cases.push(("injected certificates and CRLs", cms, &configured, &options));

    for (name, cms, verifier, options) in &cases {
        let runs = 5;
        let mut total = 0.0;
        let mut report = None;
        for _ in 0..runs {
            verifier.clear_cache();
            let start = Instant::now();
            report = Some(verifier.verify(cms, None, options));
            total += start.elapsed().as_secs_f64();
        }
        let report = report.unwrap();
        println!(
            "{name:<46} {:>7} bytes {:>8.2} ms  {:>3} checks {:>4} steps  {:?}",
            cms.len(),
            total * 1e3 / f64::from(runs),
            report.work.signature_checks,
            report.work.path_steps,
            report.code
        );
    }
}
