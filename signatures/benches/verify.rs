//! Verification of one attached CMS (signer → intermediate → root, chain depth 2): our
//! verifier cold (link-signature cache emptied before each call) and warm, against OpenSSL's
//! `CMS_verify` on the same bytes, for an RSA-2048 and an ECDSA P-256 test PKI; the same CMS
//! signed with GOST R 34.10-2015 512-bit (Streebog-512) and GOST 34.310-2004 (GOST 34.311-95),
//! beside raw EVP verification of one signature in TC26's encoding by OpenSSL's GOST engine
//! (OpenSSL cannot read NCA RK's OIDs, so no `CMS_verify` there); and the hash rates.
//!
//! Run, from the workspace root:
//!
//! ```text
//! cargo bench -p signatures --bench verify --config \
//!   "target.x86_64-unknown-linux-gnu.runner=['env','OPENSSL_CONF=$PWD/signatures/benches/gost-engine.cnf']"
//! ```
//!
//! Measured on the project's machine (2 cores, release, one core busy), 2026-12-01:
//!
//! | group | ours cold | ours warm | OpenSSL |
//! | --- | --- | --- | --- |
//! | rsa2048 | 92 µs | 44 µs | 256 µs (`CMS_verify`) |
//! | p256 | 181 µs | 71 µs | 390 µs (`CMS_verify`) |
//! | gost2015_512 | 2.89 ms | 945 µs (1,059/s) | 640 µs (engine, raw EVP, one signature) |
//! | gost2004 | 1.15 ms | 420 µs (2,381/s) | 194 µs (engine, raw EVP, one signature) |
//!
//! With an RFC 3161 token (`rsa2048_timestamped`: the token's RSA signature, ESSCertID, the
//! TSA's path and the imprint on top), measured 2026-12-01 with the machine busier (other
//! builds running), beside plain `rsa2048` in the same run: cold 223 µs / 173 µs, warm
//! 161 µs / 80 µs, OpenSSL `CMS_verify` 456 µs (plain, it ignores the token).
//!
//! Hashes over 1 MiB: Streebog-512 124 MiB/s, Streebog-256 128 MiB/s, GOST 34.311-95 (test
//! S-box) 22 MiB/s, SHA-256 (OpenSSL) 1.31 GiB/s. A warm GOST 2015 verification is one GOST-512
//! check (~0.9 ms of `EC_POINT_mul` on the generic GF(p) code; the engine's own arithmetic is
//! about 1.5 times faster), a cold one three (signer and two links).
//!
//! `OPENSSL_CONF` goes to the bench process only (through the runner): cargo itself links
//! another OpenSSL, which crashes loading Debian's engine. Without `OPENSSL_CONF`, or without
//! the engine, the engine baseline is left out with a note.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "a benchmark's setup should stop loudly on failure; criterion's macros add undocumented items"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use openssl::cms::{CMSOptions, CmsContentInfo};
use openssl::x509::store::{X509Store, X509StoreBuilder};
use openssl::x509::verify::X509VerifyParam;
use signatures::testing::{CmsBuilder, SignerSpec, TestPki, TimestampSpec};
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

/// The GOST PKIs: ours cold and warm (a warm verification is one GOST check, the signer's;
/// the links come from the cache and the content and attributes are hashed once each).
fn bench_gost_pki(c: &mut Criterion, name: &str, pki: &TestPki, engine: Option<(&str, &str)>) {
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
    let intermediate = Certificate::from_der(&pki.intermediate.der).expect("intermediate parses");
    let ours = Verifier::new(vec![root]).with_intermediates(vec![intermediate]);
    let options = Options::new(AT);
    let report = ours.verify(&cms, None, &options);
    assert!(report.valid, "{}", report.to_json());
    let mut group = c.benchmark_group(name);
    group.bench_function("ours_cold", |b| {
        b.iter(|| {
            ours.clear_cache();
            ours.verify(black_box(&cms), None, &options)
        });
    });
    ours.verify(&cms, None, &options);
    group.bench_function("ours_warm", |b| {
        b.iter(|| ours.verify(black_box(&cms), None, &options))
    });
    if let Some((algorithm, paramset)) = engine
        && let Some(raw) = EngineCase::new(algorithm, paramset)
    {
        group.bench_function("openssl_engine_evp_verify", |b| {
            b.iter(|| assert!(raw.verify()))
        });
    }
    group.finish();
}

/// One signature in TC26's encoding (RFC 9215), made by the engine (`openssl pkeyutl`), and
/// verified in this process through EVP with the engine loaded by `OPENSSL_CONF`: the cost of
/// the engine's own GOST verification, digest given.
struct EngineCase {
    key: openssl::pkey::PKey<openssl::pkey::Public>,
    digest: Vec<u8>,
    signature: Vec<u8>,
}

impl EngineCase {
    fn new(algorithm: &str, paramset: &str) -> Option<Self> {
        if std::env::var_os("OPENSSL_CONF").is_none() || !signatures::testing::gost::gost_engine() {
            eprintln!(
                "NOTE: no GOST engine baseline: run with OPENSSL_CONF=signatures/benches/gost-engine.cnf and libengine-gost-openssl installed"
            );
            return None;
        }
        let dir = std::env::temp_dir().join(format!("gost-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let key = dir.join("key.pem");
        let run = |args: &[&str]| {
            let output = std::process::Command::new("openssl")
                .args(args)
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            output.stdout
        };
        let key_path = key.to_str().unwrap();
        run(&[
            "genpkey",
            "-engine",
            "gost",
            "-algorithm",
            algorithm,
            "-pkeyopt",
            &format!("paramset:{paramset}"),
            "-out",
            key_path,
        ]);
        let spki = run(&[
            "pkey", "-engine", "gost", "-pubout", "-outform", "DER", "-in", key_path,
        ]);
        let digest = if algorithm == "gost2001" {
            signatures::testing::gost::Hash::Gost94.compute(b"bench")
        } else {
            signatures::testing::gost::Hash::Streebog512.compute(b"bench")
        };
        let digest_path = dir.join("digest.bin");
        std::fs::write(&digest_path, &digest).unwrap();
        let signature = run(&[
            "pkeyutl",
            "-engine",
            "gost",
            "-sign",
            "-inkey",
            key_path,
            "-in",
            digest_path.to_str().unwrap(),
        ]);
        let _ = std::fs::remove_dir_all(&dir);
        let key = openssl::pkey::PKey::public_key_from_der(&spki).ok()?;
        let case = EngineCase {
            key,
            digest,
            signature,
        };
        case.verify().then_some(case)
    }

    fn verify(&self) -> bool {
        let mut ctx = openssl::pkey_ctx::PkeyCtx::new(&self.key).unwrap();
        ctx.verify_init().unwrap();
        ctx.verify(black_box(&self.digest), &self.signature)
            .unwrap_or(false)
    }
}

/// Hash rates over 1 MiB: the GOST hashes against SHA-256 (`ring`).
fn bench_hashes(c: &mut Criterion) {
    use signatures::testing::Digest;
    let data = vec![0x5au8; 1 << 20];
    let mut group = c.benchmark_group("hash_1MiB");
    group.throughput(Throughput::Bytes(data.len() as u64));
    for (name, digest) in [
        ("streebog512", Digest::Streebog512),
        ("streebog256", Digest::Streebog256),
        ("gost94_test", Digest::Gost94),
        ("sha256_openssl", Digest::Sha256),
    ] {
        group.bench_function(name, |b| b.iter(|| digest.compute(black_box(&data))));
    }
    group.finish();
}

/// The RSA case with an RFC 3161 token from a TSA under the same intermediate, verified at a
/// `now` after every certificate has expired: the token decides the validation time, so its
/// CMS signature, ESSCertID, TSA path and imprint are checked on top of the signer's.
fn bench_timestamped(c: &mut Criterion) {
    let pki = TestPki::rsa();
    let leaf = pki
        .individual_sign("123456789011")
        .issued_by(&pki.intermediate);
    let tsa = pki
        .tsa(signatures::testing::cached_rsa_2048(5))
        .issued_by(&pki.intermediate);
    let content = vec![b'x'; CONTENT_LEN];
    let cms = CmsBuilder::new(&content)
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf).timestamp(TimestampSpec::new(&tsa, AT)))
        .build();
    let root = Certificate::from_der(&pki.root.der).expect("root parses");
    let intermediate = Certificate::from_der(&pki.intermediate.der).expect("intermediate parses");
    let ours = Verifier::new(vec![root]).with_intermediates(vec![intermediate]);
    let options = Options::new(datetime!(2030-01-01 0:00 UTC));
    let report = ours.verify(&cms, None, &options);
    assert!(
        report.valid
            && report
                .signers
                .first()
                .is_some_and(|s| s.time_source == signatures::TimeSource::Timestamp),
        "the timestamped bench CMS: {}",
        report.to_json()
    );
    let mut group = c.benchmark_group("rsa2048_timestamped");
    group.bench_function("ours_cold", |b| {
        b.iter(|| {
            ours.clear_cache();
            ours.verify(black_box(&cms), None, &options)
        });
    });
    group.bench_function("ours_warm", |b| {
        b.iter(|| ours.verify(black_box(&cms), None, &options));
    });
    group.finish();
}

fn verify(c: &mut Criterion) {
    bench_timestamped(c);
    bench_pki(c, "rsa2048", &TestPki::rsa());
    bench_pki(c, "p256", &TestPki::ec_p256());
    bench_gost_pki(
        c,
        "gost2015_512",
        &TestPki::gost2015(),
        Some(("gost2012_512", "A")),
    );
    bench_gost_pki(c, "gost2004", &TestPki::gost2004(), Some(("gost2001", "A")));
    bench_hashes(c);
}

criterion_group!(benches, verify);
criterion_main!(benches);
