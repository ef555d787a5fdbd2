//! What goes wrong, in one enum.
//!
//! [`RevocationError`] is every failure of this crate: a configuration that cannot be used
//! (found at start-up), and the reasons a source gave no usable revocation data (found at run
//! time, recorded in the source's status and, for OCSP, handed to the caller). The fetcher port
//! has its own [`FetchError`], since another implementation of the port must be able to produce
//! it without knowing this crate's other failures; it is carried here as
//! [`RevocationError::Fetch`].
//!
//! Every variant is `Clone`: an OCSP failure is shared by the callers that waited for the same
//! fetch (see `ocsp`), and a CRL source's last error is kept in its status.
//!
//! A leaf module: it depends on no other module of the crate but the port's error.

use crate::fetch::FetchError;
use std::path::PathBuf;

/// Why the configuration is unusable, or why a source gave no usable revocation data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RevocationError {
    /// The configuration is wrong; `field` names where, as a path into the JSON
    /// (`cas[1].ocsp_url`).
    #[error("revocation configuration: {field}: {reason}")]
    Config {
        /// Where, e.g. `http.retries` or `cas[0].crl_urls[2]`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A CA's certificate file cannot be read, or does not hold exactly one certificate.
    #[error("revocation configuration: the certificate of CA {ca:?} ({}): {reason}", path.display())]
    CaCertificate {
        /// The CA's configured name.
        ca: String,
        /// The configured `ca_certificate` path.
        path: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },

    /// The certificate's issuer is none of the configured CAs (by subject and public key), so
    /// no URL may be asked about it: a URL named inside the certificate is never used.
    #[error("the issuer {issuer:?} is not a configured CA: no revocation source for it")]
    UnknownIssuer {
        /// The issuer's subject, as readable text.
        issuer: String,
    },

    /// The issuer's CA has no OCSP URL configured.
    #[error("CA {ca:?} has no OCSP responder configured")]
    NoOcspResponder {
        /// The CA's configured name.
        ca: String,
    },

    /// The request or download failed.
    #[error(transparent)]
    Fetch(#[from] FetchError),

    /// The responder's answer is not an OCSP response that can be used (unparsable, not
    /// `successful`, or about another certificate).
    #[error("the OCSP response from {url}: {reason}")]
    BadOcspResponse {
        /// The responder's URL.
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The response does not carry the nonce sent in the request (RFC 8954 §2.1, RFC 6960
    /// §4.4.1): it may be a replay of an older answer, so it is not used.
    #[error(
        "the OCSP response from {url} does not carry the nonce sent: refused as a possible replay"
    )]
    NonceMismatch {
        /// The responder's URL.
        url: String,
    },

    /// A CRL source's body or file is not a usable CRL. The last good CRL is kept.
    #[error("the CRL {source_name}: {reason}")]
    BadCrl {
        /// The URL or file.
        source_name: String,
        /// What is wrong with it.
        reason: String,
    },
}
