//! A generator of test PKIs: keys, X.509 certificates, CRLs and CMS SignedData built
//! at test time from hand-written DER, so that every field can be set, including
//! deliberately wrong ones (SHA-1, bad digests, unknown critical extensions, …).
//!
//! Signatures are made by OpenSSL; everything around them is encoded by [`der`].
//! Start with [`nca::TestPki`] for a ready chain shaped like NCA RK's:
//!
//! ```ignore
//! let pki = TestPki::rsa();
//! let leaf = pki.individual_sign("123456789011").issued_by(&pki.intermediate);
//! let cms = CmsBuilder::new(b"hello").certificate(&leaf).signer(SignerSpec::new(&leaf)).build();
//! ```
//!
//! Failures inside OpenSSL (which only happen on a broken installation) panic with a
//! message: this is test support, and a test should stop there.
#![deny(missing_docs)]
#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test support: a misuse or an OpenSSL failure should stop the test with a clear message"
)]

pub mod cert;
pub mod cms;
pub mod crl;
pub mod der;
pub mod gost;
pub mod keys;
pub mod nca;
pub mod ocsp;
pub mod tsp;

pub use cert::{Certificate, CertificateBuilder, KeyUsageBit, Name};
pub use cms::{CmsBuilder, SignerSpec};
pub use crl::{CrlBuilder, Idp, Reason};
pub use keys::{
    Digest, KeyKind, KeyPair, SignatureScheme, cached_ec_p256, cached_ec_p384, cached_gost2004,
    cached_gost2015_512, cached_rsa_1024, cached_rsa_2048, rsa_spki, rsa_spki_with_exponent,
};
pub use nca::TestPki;
pub use tsp::{EssVersion, TimestampSpec};

/// The folder of real NCA RK test vectors, from `NCA_TEST_VECTORS`. They are public test
/// material of the NCA RK (published in NCANode's `src/test/resources` and gokalkan's
/// `internal/testdata`), kept beside the repository, never in it.
///
/// Without them the interop tests do not run: this says so once per test binary, with how to
/// enable them, and returns `None`. With `NCA_TEST_VECTORS_REQUIRED=1` (which `.ci/run`
/// exports) a missing folder is a failure instead, so CI always runs them.
pub fn nca_vectors() -> Option<std::path::PathBuf> {
    static SAID: std::sync::Once = std::sync::Once::new();
    let dir = std::env::var_os("NCA_TEST_VECTORS")
        .map(std::path::PathBuf::from)
        .filter(|dir| dir.is_dir());
    if dir.is_none() {
        let required = std::env::var("NCA_TEST_VECTORS_REQUIRED").is_ok_and(|v| v == "1");
        let how = "set NCA_TEST_VECTORS to a folder of the NCA RK's public test vectors \
                   (NCANode's src/test/resources, gokalkan's internal/testdata; on the team's \
                   machines ../shared/nca-test-vectors)";
        assert!(
            !required,
            "NCA_TEST_VECTORS_REQUIRED=1 but no vectors: {how}"
        );
        // Written to the real stderr, past the test harness's capture of `eprintln!`, so that
        // it shows in a passing run.
        SAID.call_once(|| {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "NOTE: the NCA RK interop tests did not run: {how}"
            );
        });
    }
    dir
}
