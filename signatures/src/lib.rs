//! Verification of Kazakhstan EDS signatures: CMS / PKCS#7 `SignedData` as NCALayer produces
//! it (RFC 5652), certification paths to NCA RK's roots (RFC 5280 §6.1) and revocation from
//! CRLs (RFC 5280 §6.3), with the signer read per the NCA RK certificate profile.
//!
//! The library never reads the system clock: the caller passes its current time in
//! [`Options::now`] (and may force a validation time with [`Options::at`]).
//!
//! ```no_run
//! use signatures::{Options, Verifier};
//! use time::OffsetDateTime;
//!
//! fn verify_file(now: OffsetDateTime) -> Result<bool, Box<dyn std::error::Error>> {
//!     let roots = Verifier::certificates_from(&std::fs::read("root_rsa_test.crt")?, "root")?;
//!     let verifier = Verifier::new(roots);
//!     let report = verifier.verify(&std::fs::read("signature.p7s")?, None, &Options::new(now));
//!     println!("{}", report.to_json());
//!     Ok(report.valid)
//! }
//! ```
//!
//! Module map: `ber` turns a BER CMS into DER, [`der`](crate) reads DER, `cms` the SignedData
//! envelope, `cert` and `crl` the X.509 objects, `algorithms` holds the one algorithm table,
//! `chain` builds and validates paths (`name_constraints` for every name form), `revocation`
//! checks CRLs (`distribution_point` decides which apply) and the caller's OCSP responses
//! (`ocsp`, RFC 6960), `timestamp` verifies RFC 3161
//! tokens (whose time becomes a signer's validation time), `profile` reads NCA RK's
//! certificate profile, `verify` ties them together and `report` is what comes out;
//! `evidence` reads a report's evidence back ([`StoredEvidence`]) to re-check a decision
//! later without the network ([`Verifier::verify_with`]).
#![deny(missing_docs)]

mod algorithms;
mod ber;
mod budget;
mod cache;
mod cert;
mod chain;
mod cms;
mod crl;
mod der;
mod distribution_point;
mod encoding;
mod error;
mod evidence;
mod extensions;
mod name;
mod name_constraints;
mod ocsp;
mod oid;
mod profile;
mod report;
mod revocation;
mod stamped;
mod times;
mod timestamp;
mod verify;

#[cfg(feature = "testing")]
pub mod testing;

pub use budget::Work;
pub use cert::Certificate;
pub use crl::Crl;
pub use encoding::{MAX_INPUT_LEN, decode_cms};
pub use error::{Code, ConfigError, Error};
pub use evidence::{MAX_EVIDENCE_ITEMS, StoredEvidence};
pub use ocsp::{CertIdHash, OcspOptions, OcspResponse, request as ocsp_request};
pub use profile::{Purpose, Role, Signer, check_digit_holds};
pub use report::{CertificateReport, CrlEvidence, Evidence, OcspEvidence, RevocationFrom};
pub use report::{
    ChainEntry, ErrorEntry, Report, Revocation, SignerReport, TimeSource, Timestamp, Warning,
};
pub use stamped::{MAX_STAMPED_SIGNERS, signature_values};
pub use times::{parse_rfc3339, rfc3339};
pub use verify::{CrlFile, MAX_REVOCATION_SUBJECTS, Options, Verifier, encapsulated_content};
