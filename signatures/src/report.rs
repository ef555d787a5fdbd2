//! The verification report: what a person reads and a program parses. Its JSON form is the
//! CLI's output contract, described by `signatures/report.schema.json`.

use crate::budget::Work;
use crate::cert::Certificate;
use crate::error::{Code, Error};
use crate::profile::Signer;
use crate::times::rfc3339;
use serde::{Serialize, Serializer};
use time::OffsetDateTime;

fn time_rfc3339<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*t))
}

fn option_rfc3339<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&rfc3339(*t)),
        None => s.serialize_none(),
    }
}

/// The verdict on a whole CMS.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Whether every signer is valid.
    pub valid: bool,
    /// `OK`, or the first non-OK signer's code in SignerInfo order (or `MALFORMED` when the
    /// CMS itself cannot be read).
    pub code: Code,
    /// A human-readable summary of `code`.
    pub message: String,
    /// The validation time used where no timestamp decides: `Options::at` when given,
    /// otherwise `Options::now` (each signer's `validatedAt` says the time it was judged at).
    #[serde(serialize_with = "time_rfc3339")]
    pub validation_time: OffsetDateTime,
    /// One entry per SignerInfo, in order.
    pub signers: Vec<SignerReport>,
    /// The revocation data this verification relied on, to store and hand back later.
    pub evidence: Evidence,
    /// What the verification spent of its budget (not part of the JSON report).
    #[serde(skip)]
    pub work: Work,
}

impl Report {
    pub(crate) fn from_signers(signers: Vec<SignerReport>, at: OffsetDateTime) -> Self {
        let failed = signers.iter().find(|s| !s.valid);
        let (code, message) = match failed {
            Some(signer) => (
                signer.code,
                format!("signer {}: {}", signer.index + 1, signer.message),
            ),
            None => (Code::Ok, "every signature is valid".to_owned()),
        };
        Report {
            valid: failed.is_none(),
            code,
            message,
            validation_time: at,
            signers,
            evidence: Evidence::default(),
            work: Work::default(),
        }
    }

    pub(crate) fn failed(error: &Error, at: OffsetDateTime) -> Self {
        Report {
            valid: false,
            code: error.code(),
            message: error.to_string(),
            validation_time: at,
            signers: Vec::new(),
            evidence: Evidence::default(),
            work: Work::default(),
        }
    }

    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"valid\":false,\"code\":\"MALFORMED\",\"message\":\"report serialisation failed: {e}\",\"signers\":[]}}"))
    }
}

/// A finding that does not decide validity (e.g. a signing-time claim outside the
/// certificate's validity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// A stable identifier, e.g. `SIGNING_TIME_OUTSIDE_VALIDITY`.
    pub code: &'static str,
    /// What it means, for a person.
    pub message: String,
}

/// One certificate of the path, signer first, anchor last.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainEntry {
    /// The subject, RFC 4514-style text.
    pub subject: String,
    /// The issuer.
    pub issuer: String,
    /// Lowercase hex of the serial's unsigned value, no leading zeros.
    pub serial_number: String,
    /// Start of validity.
    #[serde(serialize_with = "time_rfc3339")]
    pub not_before: OffsetDateTime,
    /// End of validity.
    #[serde(serialize_with = "time_rfc3339")]
    pub not_after: OffsetDateTime,
}

impl ChainEntry {
    pub(crate) fn of(certificate: &Certificate) -> Self {
        ChainEntry {
            subject: certificate.subject.to_string(),
            issuer: certificate.issuer.to_string(),
            serial_number: certificate.serial_hex(),
            not_before: certificate.not_before,
            not_after: certificate.not_after,
        }
    }
}

/// The revocation found for a revoked certificate.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Revocation {
    /// The subject of the revoked certificate (the signer's or a CA's).
    pub subject: String,
    /// When it was revoked.
    #[serde(serialize_with = "time_rfc3339")]
    pub revoked_at: OffsetDateTime,
    /// The CRL reason, e.g. `keyCompromise`, `certificateHold`.
    pub reason: String,
}

/// The verdict on one SignerInfo.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignerReport {
    /// Position in the CMS (0-based).
    #[serde(skip)]
    pub index: usize,
    /// Whether this signer's signature is valid.
    pub valid: bool,
    /// `OK` or the first failure in the order of [`Code`].
    pub code: Code,
    /// A human-readable explanation of `code`.
    pub message: String,
    /// Every failure found (the first decides `code`).
    pub errors: Vec<ErrorEntry>,
    /// Who signed, per the NCA RK profile (fields are null when the certificate is unknown).
    #[serde(flatten)]
    pub signer: Signer,
    /// The signer certificate's serial (lowercase hex), or the one the SignerInfo names.
    pub serial_number: Option<String>,
    /// The signer certificate's issuer.
    pub issuer: Option<String>,
    /// The signer certificate's validity.
    #[serde(serialize_with = "option_rfc3339")]
    pub not_before: Option<OffsetDateTime>,
    /// The signer certificate's validity.
    #[serde(serialize_with = "option_rfc3339")]
    pub not_after: Option<OffsetDateTime>,
    /// The signing-time attribute: the signer's own claim, never trusted for validity.
    #[serde(serialize_with = "option_rfc3339")]
    pub signing_time: Option<OffsetDateTime>,
    /// The digest algorithm (name, or OID when unknown).
    pub digest_algorithm: String,
    /// The signature algorithm (name, or OID when unknown).
    pub signature_algorithm: String,
    /// Findings that do not decide validity.
    pub warnings: Vec<Warning>,
    /// The certificate path, signer first, trust anchor last (just the signer's certificate
    /// when no path was found).
    pub chain: Vec<ChainEntry>,
    /// Set when `code` is `REVOKED`.
    pub revocation: Option<Revocation>,
    /// Which revocation sources gave the signer's own certificate its status (not part of
    /// the JSON report, whose `evidence` already holds the data): for a caller whose policy
    /// asks for a kind of source, e.g. an OCSP response for every signer.
    #[serde(skip)]
    pub revocation_from: RevocationFrom,
    /// The time this signer's certificates were judged at.
    #[serde(serialize_with = "time_rfc3339")]
    pub validated_at: OffsetDateTime,
    /// Why that time: a valid timestamp's, the caller's given time, or now.
    pub time_source: TimeSource,
    /// The valid RFC 3161 timestamp tokens of this signer (earliest first; the first decides
    /// `validatedAt` unless a time was given), with their DER for the caller to keep as
    /// evidence.
    pub timestamps: Vec<Timestamp>,
}

/// Which revocation sources gave a certificate its status at the validation time (RFC 5280
/// §6.3, RFC 6960): both, when a current CRL said it was not revoked and a response said so
/// too; neither, when its status is unknown (or it is a trust anchor, which has none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RevocationFrom {
    /// Current CRLs decided its status (not revoked, or revoked).
    pub crl: bool,
    /// An OCSP response relied on gave its status (good, or revoked).
    pub ocsp: bool,
}

/// Where a signer's validation time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TimeSource {
    /// The earliest valid RFC 3161 timestamp on the signature.
    Timestamp,
    /// The time the caller forced (`Options::at`).
    Given,
    /// The caller's current time (`Options::now`).
    Now,
}

/// A verified RFC 3161 timestamp token.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timestamp {
    /// Its genTime, to the second.
    #[serde(serialize_with = "time_rfc3339")]
    pub time: OffsetDateTime,
    /// The TSA: the subject of the certificate that signed it (named by signingCertificate).
    pub tsa: String,
    /// That certificate's serial (lowercase hex).
    pub tsa_serial_number: String,
    /// The TSA policy OID it was issued under.
    pub policy: String,
    /// The token's own serial (lowercase hex).
    pub serial_number: String,
    /// The hash of its message imprint.
    pub imprint_algorithm: String,
    /// The token (DER), base64 in JSON.
    #[serde(serialize_with = "base64_bytes")]
    pub token: Vec<u8>,
}

fn base64_bytes<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    use base64::Engine;
    s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// One failure, for programs that want them all.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorEntry {
    /// The code.
    pub code: Code,
    /// What failed.
    pub message: String,
}

/// The revocation data a verification relied on, for the caller to store and hand back
/// later to re-check the decision without the network: [`StoredEvidence`] reads it from the
/// report's JSON (the OCSP responses whole; the CRLs by number and digest, which the caller
/// keeps beside it) for [`Verifier::verify_with`](crate::Verifier::verify_with).
///
/// [`StoredEvidence`]: crate::StoredEvidence
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// The OCSP responses that gave a status, in the order they were given.
    pub ocsp_responses: Vec<OcspEvidence>,
    /// The CRLs that decided a status (the revocation found, a hold, or "not revoked" from
    /// current data), for the paths of signers, TSAs, CRL issuers and delegated OCSP
    /// responders: not every CRL that was read.
    pub crls: Vec<CrlEvidence>,
}

/// An OCSP response relied on.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OcspEvidence {
    /// Its producedAt: when the revocation data was issued.
    #[serde(serialize_with = "time_rfc3339")]
    pub produced_at: OffsetDateTime,
    /// The responder, as the response names it.
    pub responder: String,
    /// The whole OCSPResponse (DER), base64 in JSON.
    #[serde(serialize_with = "base64_bytes")]
    pub response: Vec<u8>,
}

/// A CRL relied on, by its number and digest (the CRL itself is public, at its distribution
/// point, and large).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CrlEvidence {
    /// The CRL issuer.
    pub issuer: String,
    /// Its cRLNumber, hex (`null` when it has none).
    pub number: Option<String>,
    /// For a delta CRL, the number of the CRL it is based on, hex.
    pub delta_base: Option<String>,
    /// SHA-256 of its DER, lowercase hex.
    pub sha256: String,
    /// Its thisUpdate: when the revocation data was issued.
    #[serde(serialize_with = "time_rfc3339")]
    pub this_update: OffsetDateTime,
    /// Its nextUpdate.
    #[serde(serialize_with = "option_rfc3339")]
    pub next_update: Option<OffsetDateTime>,
}

/// The verdict on one certificate's path for a purpose (`Verifier::verify_certificate`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateReport {
    /// Whether the certificate is valid for the purpose at the validation time.
    pub valid: bool,
    /// `OK` or the first failure in the order of [`Code`].
    pub code: Code,
    /// A human-readable explanation of `code`.
    pub message: String,
    /// The validation time used.
    #[serde(serialize_with = "time_rfc3339")]
    pub validation_time: OffsetDateTime,
    /// The holder, per the NCA RK profile.
    pub signer: Signer,
    /// The certificate's serial (lowercase hex).
    pub serial_number: String,
    /// The certificate's issuer.
    pub issuer: String,
    /// Every failure found (the first decides `code`).
    pub errors: Vec<ErrorEntry>,
    /// Findings that do not decide validity.
    pub warnings: Vec<Warning>,
    /// The certificate path, the certificate first, trust anchor last.
    pub chain: Vec<ChainEntry>,
    /// Set when `code` is `REVOKED`.
    pub revocation: Option<Revocation>,
    /// The revocation data relied on.
    pub evidence: Evidence,
    /// What the verification spent of its budget (not part of the JSON report).
    #[serde(skip)]
    pub work: Work,
}

impl CertificateReport {
    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"valid\":false,\"code\":\"MALFORMED\",\"message\":\"report serialisation failed: {e}\"}}"))
    }
}
