//! Peak heap of verifying the worst cases of issue 9 (a CMS of up to 1 MiB is decided in
//! 20 MB, whatever it holds). A test binary of its own, with one test: dhat's global allocator
//! counts the whole process, so nothing else may run beside it.
//!
//! dhat rather than a counting `GlobalAlloc` wrapper written here: implementing `GlobalAlloc`
//! takes `unsafe impl`, and the workspace forbids `unsafe_code` (a forbid no file can lift),
//! while `dhat::Alloc` is declared without any.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops with a message on the first broken expectation"
)]

#[path = "support/mod.rs"]
mod support;

use signatures::testing::{
    CertificateBuilder, CmsBuilder, KeyUsageBit, Name, SignerSpec, TestPki, cached_rsa_2048,
    rsa_spki,
};
use signatures::{Code, Options, Verifier};
use support::*;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// The bound of the issue.
const LIMIT: usize = 20 * 1024 * 1024;

/// The peak of live heap bytes while `verifier` verifies `cms` (what was allocated before, the
/// inputs included, is not counted), and the report's code.
fn peak(verifier: &Verifier, cms: &[u8], options: &Options) -> (usize, Code) {
    let profiler = dhat::Profiler::builder()
        .testing()
        .trim_backtraces(Some(4))
        .build();
    let report = verifier.verify(cms, None, options);
    let stats = dhat::HeapStats::get();
    drop(profiler);
    (stats.max_bytes, report.code)
}

/// A CA named like the PKI's intermediate with the same key identifier, issued by the root.
fn look_alike(pki: &TestPki) -> signatures::testing::Certificate {
    CertificateBuilder::new(pki.intermediate.subject.clone(), cached_rsa_2048(6))
        .subject_key_id(pki.intermediate.subject_key_id.clone())
        .ca(Some(0))
        .key_usage(&[KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign])
        .public_key_override(rsa_spki(16_384, 65_537))
        .issued_by(&pki.root)
}

#[test]
fn the_worst_cases_are_verified_in_under_20_mb() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let required = Options {
        require_revocation: true,
        ocsp: Default::default(),
        ..at(AT)
    };
    let mut results = Vec::new();

    // An embedded CRL whose issuer name is 32 KiB, with 16,000 entries (about 700 KB in all):
    // a copy of the name per entry would be half a gigabyte.
    let mut large = Name::new();
    for i in 0..64 {
        large = large.org_unit(&format!("{i:03}{}", "x".repeat(509)));
    }
    let large_ca = CertificateBuilder::new(large, cached_rsa_2048(7))
        .ca(Some(0))
        .key_usage(&[KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign])
        .issued_by(&pki.root);
    let mut crl = signatures::testing::CrlBuilder::new(&large_ca);
    for i in 0..16_000_u32 {
        let [_, a, b, c] = i.to_be_bytes();
        crl = crl.revoke(&[1, a, b, c], AT - time::Duration::days(30), None);
    }
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&large_ca)
        .crl(crl.build())
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf))
        .build();
    assert!(cms.len() <= 1024 * 1024, "{} bytes", cms.len());
    results.push((
        "large-issuer CRL",
        cms.len(),
        peak(&verifier(&pki), &cms, &required),
    ));

    // 64 signers over 63 look-alike issuers with 16,384-bit keys and the real intermediate.
    let mut builder = CmsBuilder::new(CONTENT);
    for _ in 0..63 {
        builder = builder.certificate(&look_alike(&pki));
    }
    builder = builder.certificate(&pki.intermediate);
    for _ in 0..64 {
        let leaf = rsa_signer(&pki);
        builder = builder.certificate(&leaf).signer(SignerSpec::new(&leaf));
    }
    let cms = builder.build();
    let lone = Verifier::new(vec![parse(&pki.root)]);
    results.push((
        "64 signers x look-alikes",
        cms.len(),
        peak(&lone, &cms, &at(AT)),
    ));

    for (name, size, (bytes, code)) in &results {
        eprintln!("{name}: {size} bytes of CMS, peak {bytes} bytes of heap ({code:?})");
    }
    for (name, _, (bytes, code)) in results {
        assert!(bytes < LIMIT, "{name}: {bytes} bytes");
        assert_ne!(code, Code::Malformed, "{name}: the case must be read");
    }
}
