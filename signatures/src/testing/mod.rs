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
pub mod keys;
pub mod nca;

pub use cert::{Certificate, CertificateBuilder, KeyUsageBit, Name};
pub use cms::{CmsBuilder, SignerSpec};
pub use crl::{CrlBuilder, Idp, Reason};
pub use keys::{
    Digest, KeyKind, KeyPair, SignatureScheme, cached_ec_p256, cached_ec_p384, cached_rsa_1024,
    cached_rsa_2048, rsa_spki, rsa_spki_with_exponent,
};
pub use nca::TestPki;
