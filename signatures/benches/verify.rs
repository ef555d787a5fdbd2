//! Verification of one attached CMS (signer → intermediate → root, chain depth 2): our
//! verifier cold (link-signature cache emptied before each call) and warm, against OpenSSL's
//! `CMS_verify` on the same bytes, for an RSA-2048 and an ECDSA P-256 test PKI.
//!
//! Run: `cargo bench -p signatures --bench verify`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "a benchmark's setup should stop loudly on failure; criterion's macros add undocumented items"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use openssl::cms::{CMSOptions, CmsContentInfo};
use openssl::x509::store::{X509Store, X509StoreBuilder};
use openssl::x509::verify::X509VerifyParam;
use signatures::testing::{CmsBuilder, SignerSpec, TestPki};
use signatures::{Certificate, Options, Verifier};
use time::OffsetDateTime;
use time::macros::datetime;

/// The validation time: inside every certificate's validity (the signer's is 2021-01-18 to
/// 2022-01-18).
const AT: OffsetDateTime = datetime!(2021-06-01 0:00 UTC);
/// What the signer claims.
const SIGNING_TIME: OffsetDateTime = datetime!(2021-05-31 12:00 UTC);
/// Size of the signed content: about a registration application's JSON.
const CONTENT_LEN: usize = 1024;

/// One case: the CMS bytes and both verifiers, configured alike.
struct Case {
    cms: Vec<u8>,
    ours: Verifier,
    options: Options,
    /// The root and the intermediate, at the validation time. `CMS_verify`'s `certs`
    /// argument only helps find signer certificates (paths are built from the CMS's own
    /// certificates and the store), so the intermediate goes into the store. OpenSSL still
    /// builds the path up to the self-signed root and checks the intermediate's signature
    /// (a corrupted intermediate fails with "certificate signature failure").
    store: X509Store,
}

impl Case {
    fn new(pki: &TestPki) -> Self {
        let content: Vec<u8> = b"{\"iin\":\"123456789011\"}"
            .iter()
            .copied()
            .cycle()
            .take(CONTENT_LEN)
            .collect();
        let leaf = pki
            .individual_sign("123456789011")
            .issued_by(&pki.intermediate);
        let cms = CmsBuilder::new(&content)
            .certificate(&leaf)
            .signer(SignerSpec::new(&leaf).signing_time(SIGNING_TIME))
            .build();

        let root = Certificate::from_der(&pki.root.der).expect("root parses");
        let intermediate =
            Certificate::from_der(&pki.intermediate.der).expect("intermediate parses");
        let ours = Verifier::new(vec![root]).with_intermediates(vec![intermediate]);
        let options = Options::new(AT);

        let mut param = X509VerifyParam::new().unwrap();
        param.set_time(AT.unix_timestamp());
        let mut store = X509StoreBuilder::new().unwrap();
        store.add_cert(pki.root.x509()).unwrap();
        store.add_cert(pki.intermediate.x509()).unwrap();
        store.set_param(&param).unwrap();

        let case = Case {
            cms,
            ours,
            options,
            store: store.build(),
        };
        let report = case.ours();
        assert!(
            report.valid,
            "our verifier rejects the bench CMS: {}",
            report.to_json()
        );
        case.openssl().expect("OpenSSL rejects the bench CMS");
        case
    }

    fn ours(&self) -> signatures::Report {
        self.ours.verify(black_box(&self.cms), None, &self.options)
    }

    /// Parses and verifies, as ours does: content digest, signed attributes, signer
    /// signature, and the path to the root at the validation time.
    fn openssl(&self) -> Result<(), openssl::error::ErrorStack> {
        let mut cms = CmsContentInfo::from_der(black_box(&self.cms))?;
        cms.verify(None, Some(&self.store), None, None, CMSOptions::BINARY)
    }
}

fn bench_pki(c: &mut Criterion, name: &str, pki: &TestPki) {
    let case = Case::new(pki);
    let mut group = c.benchmark_group(name);
    group.bench_function("ours_cold", |b| {
        b.iter(|| {
            // A mutex and a two-entry map: tens of nanoseconds against tens of microseconds.
            case.ours.clear_cache();
            case.ours()
        });
    });
    case.ours();
    group.bench_function("ours_warm", |b| b.iter(|| case.ours()));
    group.bench_function("openssl", |b| b.iter(|| case.openssl().unwrap()));
    group.finish();
}

fn verify(c: &mut Criterion) {
    bench_pki(c, "rsa2048", &TestPki::rsa());
    bench_pki(c, "p256", &TestPki::ec_p256());
}

criterion_group!(benches, verify);
criterion_main!(benches);
