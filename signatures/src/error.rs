//! The verdicts of verification.
//!
//! One flat enum, [`Code`], names every way a signature can fail. Its declaration order is the
//! order in which a signer's failures are reported: a signer's code is its *first* failure in
//! this order, so a caller always sees the most fundamental problem. [`Error`] carries the code
//! with the context a person needs (the date that was passed, the revocation reason, …).
//! Problems with the caller's own inputs (an unreadable trust anchor, a bad CRL file) are not
//! verdicts: they are [`ConfigError`].
//!
//! A leaf module: it depends on no other module of the crate (the others all report through it).

use serde::Serialize;
use std::fmt;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

// Defined here rather than in `times` (which re-exports it) so that this module depends on no
// other module of the crate.
/// RFC 3339 in UTC, e.g. `2021-06-01T00:00:00Z`: the form of every time in messages and reports.
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// The result code of a verification, for programs. Stable identifiers: scripts match on them.
/// Deliberately exhaustive: a new code must be handled by every caller that maps codes.
///
/// The declaration order is the reporting order (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    /// The signature is valid.
    Ok,
    /// The CMS structure (or a certificate or CRL inside it) cannot be parsed.
    Malformed,
    /// The verification used up its budget of signature checks and path-building steps
    /// before reaching a verdict: the CMS (or the configuration) holds more candidate
    /// certificates or CRLs than an honest one ever needs.
    BudgetExceeded,
    /// The CMS is detached, and no content was given to verify it against.
    ContentMissing,
    /// An algorithm in the signer's path is unknown or not implemented (e.g. a GOST parameter
    /// set other than NCA RK's, or GOST 2015-256, which no NCA sample names yet).
    UnsupportedAlgorithm,
    /// SHA-1, MD5 or a too-short RSA key anywhere in the signer's path.
    WeakAlgorithm,
    /// The algorithms of a SignerInfo disagree: its digestAlgorithm is not the hash its
    /// signatureAlgorithm names, or the hash is not of the key's family.
    AlgorithmMismatch,
    /// The content's digest differs from the signed message-digest (or content-type differs).
    DigestMismatch,
    /// The signature value does not verify with the signer's public key; or a certificate's
    /// named issuer does not verify it and no other path to an anchor exists (tampered or
    /// forged, not merely unknown).
    SignatureInvalid,
    /// No path from the signer's certificate to a configured trust anchor.
    UntrustedChain,
    /// A certificate in the path has a critical extension this verifier does not process.
    UnsupportedCriticalExtension,
    /// A certificate in the path is not yet valid at the validation time.
    CertNotYetValid,
    /// A certificate in the path has expired at the validation time.
    CertExpired,
    /// The signer's key usage does not allow digital signatures.
    KeyUsage,
    /// The signer's key is not of the purpose the caller required (signing or authentication).
    KeyPurpose,
    /// A certificate in the path is revoked (or on hold) at the validation time.
    Revoked,
    /// Revocation data was required but none applicable and current was available.
    RevocationUnknown,
}

impl Code {
    /// The stable identifier, as it appears in reports (`"SIGNATURE_INVALID"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Ok => "OK",
            Code::Malformed => "MALFORMED",
            Code::BudgetExceeded => "BUDGET_EXCEEDED",
            Code::ContentMissing => "CONTENT_MISSING",
            Code::UnsupportedAlgorithm => "UNSUPPORTED_ALGORITHM",
            Code::WeakAlgorithm => "WEAK_ALGORITHM",
            Code::AlgorithmMismatch => "ALGORITHM_MISMATCH",
            Code::DigestMismatch => "DIGEST_MISMATCH",
            Code::SignatureInvalid => "SIGNATURE_INVALID",
            Code::UntrustedChain => "UNTRUSTED_CHAIN",
            Code::UnsupportedCriticalExtension => "UNSUPPORTED_CRITICAL_EXTENSION",
            Code::CertNotYetValid => "CERT_NOT_YET_VALID",
            Code::CertExpired => "CERT_EXPIRED",
            Code::KeyUsage => "KEY_USAGE",
            Code::KeyPurpose => "KEY_PURPOSE",
            Code::Revoked => "REVOKED",
            Code::RevocationUnknown => "REVOCATION_UNKNOWN",
        }
    }

    /// Every code, in reporting order.
    pub const ALL: [Code; 17] = [
        Code::Ok,
        Code::Malformed,
        Code::BudgetExceeded,
        Code::ContentMissing,
        Code::UnsupportedAlgorithm,
        Code::WeakAlgorithm,
        Code::AlgorithmMismatch,
        Code::DigestMismatch,
        Code::SignatureInvalid,
        Code::UntrustedChain,
        Code::UnsupportedCriticalExtension,
        Code::CertNotYetValid,
        Code::CertExpired,
        Code::KeyUsage,
        Code::KeyPurpose,
        Code::Revoked,
        Code::RevocationUnknown,
    ];
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a signer (or the whole CMS) failed: a [`Code`] and what a person needs to understand it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// See [`Code::Malformed`].
    #[error("malformed signature: {0}")]
    Malformed(String),
    /// See [`Code::BudgetExceeded`].
    #[error("verification gave up: {0}")]
    BudgetExceeded(String),
    /// See [`Code::ContentMissing`].
    #[error("the signature is detached and no content was given to verify it against")]
    ContentMissing,
    /// See [`Code::UnsupportedAlgorithm`].
    #[error("unsupported algorithm {oid} ({what})")]
    UnsupportedAlgorithm {
        /// The algorithm's object identifier.
        oid: String,
        /// Where it was met, e.g. "signer's signature" or "certificate ҰКО 3.0 (RSA TEST)".
        what: String,
    },
    /// See [`Code::WeakAlgorithm`].
    #[error("weak algorithm {algorithm} in {what}")]
    WeakAlgorithm {
        /// The algorithm (name, or OID).
        algorithm: String,
        /// Where it was met.
        what: String,
    },
    /// See [`Code::AlgorithmMismatch`].
    #[error("algorithm mismatch: {0}")]
    AlgorithmMismatch(String),
    /// See [`Code::DigestMismatch`].
    #[error("{what}")]
    DigestMismatch {
        /// What disagreed, as a sentence.
        what: &'static str,
    },
    /// See [`Code::SignatureInvalid`].
    #[error("the signature value does not verify with the signer's public key")]
    SignatureInvalid,
    /// See [`Code::SignatureInvalid`]: a certificate names an issuer whose key does not verify
    /// its signature, and no other path to an anchor exists (a tampered or forged
    /// certificate, rather than a missing issuer).
    #[error("no trusted certificate path: {0}")]
    CertificateSignatureInvalid(String),
    /// See [`Code::UntrustedChain`].
    #[error("no trusted certificate path: {0}")]
    UntrustedChain(String),
    /// See [`Code::UnsupportedCriticalExtension`].
    #[error("certificate {subject} has an unsupported critical extension {oid}")]
    UnsupportedCriticalExtension {
        /// The certificate's subject.
        subject: String,
        /// The extension's object identifier.
        oid: String,
    },
    /// See [`Code::CertNotYetValid`].
    #[error("certificate {subject} is valid only from {} (validation time {})", rfc3339(*.not_before), rfc3339(*.at))]
    CertNotYetValid {
        /// The certificate's subject.
        subject: String,
        /// Its notBefore.
        not_before: OffsetDateTime,
        /// The validation time.
        at: OffsetDateTime,
    },
    /// See [`Code::CertExpired`].
    #[error("certificate {subject} expired at {} (validation time {})", rfc3339(*.not_after), rfc3339(*.at))]
    CertExpired {
        /// The certificate's subject.
        subject: String,
        /// Its notAfter.
        not_after: OffsetDateTime,
        /// The validation time.
        at: OffsetDateTime,
    },
    /// See [`Code::KeyUsage`].
    #[error("the signer's key usage does not allow digital signatures")]
    KeyUsage,
    /// See [`Code::KeyPurpose`].
    #[error("the signer's key is not {required}")]
    KeyPurpose {
        /// The purpose the caller required, as a phrase ("a signing key", "an authentication
        /// key").
        required: &'static str,
    },
    /// See [`Code::Revoked`].
    #[error("certificate {subject} (serial {serial}) was revoked at {} ({reason})", rfc3339(*.revoked_at))]
    Revoked {
        /// The certificate's subject.
        subject: String,
        /// The certificate's serial, lowercase hex.
        serial: String,
        /// The revocation date from the CRL entry.
        revoked_at: OffsetDateTime,
        /// The CRL reason code, e.g. "keyCompromise", "certificateHold", "unspecified".
        reason: String,
    },
    /// See [`Code::Revoked`]: the issuer's OCSP responder says the certificate was never
    /// issued (RFC 6960 §2.2: revoked, certificateHold, 1970-01-01, extended-revoke).
    #[error(
        "certificate {subject} (serial {serial}) was never issued by its CA, its OCSP responder says"
    )]
    NotIssued {
        /// The certificate's subject.
        subject: String,
        /// The certificate's serial, lowercase hex.
        serial: String,
    },
    /// See [`Code::RevocationUnknown`].
    #[error("no current revocation data for certificate {subject}")]
    RevocationUnknown {
        /// The certificate's subject.
        subject: String,
    },
}

impl Error {
    /// The code of this error.
    pub fn code(&self) -> Code {
        match self {
            Error::Malformed(_) => Code::Malformed,
            Error::BudgetExceeded(_) => Code::BudgetExceeded,
            Error::ContentMissing => Code::ContentMissing,
            Error::UnsupportedAlgorithm { .. } => Code::UnsupportedAlgorithm,
            Error::WeakAlgorithm { .. } => Code::WeakAlgorithm,
            Error::AlgorithmMismatch(_) => Code::AlgorithmMismatch,
            Error::DigestMismatch { .. } => Code::DigestMismatch,
            Error::SignatureInvalid | Error::CertificateSignatureInvalid(_) => {
                Code::SignatureInvalid
            }
            Error::UntrustedChain(_) => Code::UntrustedChain,
            Error::UnsupportedCriticalExtension { .. } => Code::UnsupportedCriticalExtension,
            Error::CertNotYetValid { .. } => Code::CertNotYetValid,
            Error::CertExpired { .. } => Code::CertExpired,
            Error::KeyUsage => Code::KeyUsage,
            Error::KeyPurpose { .. } => Code::KeyPurpose,
            Error::Revoked { .. } | Error::NotIssued { .. } => Code::Revoked,
            Error::RevocationUnknown { .. } => Code::RevocationUnknown,
        }
    }

    /// The same error, saying where it was met (for errors built before the place was known).
    pub(crate) fn in_context(self, place: String) -> Self {
        match self {
            Error::UnsupportedAlgorithm { oid, .. } => {
                Error::UnsupportedAlgorithm { oid, what: place }
            }
            Error::WeakAlgorithm { algorithm, .. } => Error::WeakAlgorithm {
                algorithm,
                what: place,
            },
            Error::Malformed(message) => Error::Malformed(format!("{place}{message}")),
            other => other,
        }
    }

    pub(crate) fn malformed(what: impl Into<String>) -> Self {
        Error::Malformed(what.into())
    }
}

/// A problem with the verifier's configuration: a trust anchor, intermediate, CRL or content
/// file that cannot be parsed. Never a verdict about a signature.
#[derive(Debug, thiserror::Error)]
#[error("{what}: {reason}")]
pub struct ConfigError {
    /// What was being loaded ("trust anchor", "CRL", …) and from where.
    pub what: String,
    /// Why it failed.
    pub reason: String,
}

impl ConfigError {
    pub(crate) fn new(what: impl Into<String>, reason: impl Into<String>) -> Self {
        ConfigError {
            what: what.into(),
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn every_code_is_listed_in_reporting_order_and_in_the_schema() {
        assert!(Code::ALL.windows(2).all(|w| w[0] < w[1]));
        let position = |code| Code::ALL.iter().position(|c| *c == code);
        assert_eq!(
            position(Code::BudgetExceeded),
            position(Code::Malformed).map(|p| p + 1)
        );
        assert_eq!(
            position(Code::AlgorithmMismatch),
            position(Code::WeakAlgorithm).map(|p| p + 1)
        );
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../report.schema.json")).unwrap_or_default();
        let listed: Vec<&str> = schema["$defs"]["code"]["enum"]
            .as_array()
            .map(|codes| codes.iter().filter_map(|c| c.as_str()).collect())
            .unwrap_or_default();
        let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(listed, all);
    }
}
