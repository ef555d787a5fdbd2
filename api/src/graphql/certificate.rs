//! `certificateInfo`: a certificate's holder, validity, path and revocation status now, as the
//! verifier in force judges it, for a frontend (or an integrator's) to check a key before
//! asking a citizen to sign with it.

use super::context::{request, service};
use super::enums::KeyPurpose;
use super::errors::{ApiErrorCode, api_error, bad_argument, internal, rate_limited};
use super::locale::Locale;
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use registration_core::policy::{self, Denied, Operation};
use registration_core::service::certificates::{
    self, Caller, CertificateInfoError, DecodeError, MAX_INPUT_BYTES,
};
use time::OffsetDateTime;

/// Input of `certificateInfo`.
#[derive(InputObject, Debug)]
pub struct CertificateInfoInput {
    /// The certificate: PEM (`-----BEGIN CERTIFICATE-----`, as NCALayer's `getCertificate`
    /// or a key file gives it) or its DER in base64 (line breaks ignored); one certificate,
    /// at most 16 KiB.
    pub certificate: String,
}

/// The verifier's verdict codes, as `eds-verify` and the signing errors name them.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "signatures::Code")]
pub enum CertificateCode {
    /// The certificate is valid.
    Ok,
    /// The certificate (or a CRL or OCSP response relied on) cannot be parsed.
    Malformed,
    /// The verification used up its budget of signature checks and path-building steps.
    BudgetExceeded,
    /// Not for certificates: a detached signature without its content.
    ContentMissing,
    /// An algorithm in the path is unknown or not implemented.
    UnsupportedAlgorithm,
    /// SHA-1, MD5 or a too-short RSA key in the path.
    WeakAlgorithm,
    /// Not for certificates: a signer's algorithms disagree.
    AlgorithmMismatch,
    /// Not for certificates: signed content differs.
    DigestMismatch,
    /// A certificate's signature in the path does not verify (tampered or forged).
    SignatureInvalid,
    /// No path from the certificate to a trusted root of this service.
    UntrustedChain,
    /// A certificate in the path has a critical extension the verifier does not process.
    UnsupportedCriticalExtension,
    /// A certificate in the path is not yet valid.
    CertNotYetValid,
    /// A certificate in the path has expired.
    CertExpired,
    /// The key's usage does not allow digital signatures.
    KeyUsage,
    /// The key is not of the purpose required (never here: no purpose is required).
    KeyPurpose,
    /// A certificate in the path is revoked (or on hold): see `revocation`.
    Revoked,
    /// Revocation data is required (production) but none applicable and current was found.
    RevocationUnknown,
}

/// A holder's role, as NCA RK certificates state it (an extended key usage or policy OID).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "signatures::Role")]
pub enum CertificateRole {
    /// A natural person (1.2.398.3.3.4.1.1).
    Individual,
    /// An employee of a legal entity, in general (1.2.398.3.3.4.1.2).
    LegalEntity,
    /// The head of the legal entity (1.2.398.3.3.4.1.2.1).
    Ceo,
    /// A person who may sign for the legal entity (1.2.398.3.3.4.1.2.2).
    MaySign,
    /// A person who may sign financial documents (1.2.398.3.3.4.1.2.3).
    MaySignFinancial,
    /// A human-resources officer (1.2.398.3.3.4.1.2.4).
    HumanResources,
    /// An employee (1.2.398.3.3.4.1.2.5).
    Employee,
}

/// Whether the certificate's path is revoked now.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "certificates::RevocationStatus")]
pub enum CertificateRevocationStatus {
    /// Current revocation data covers every certificate of the path below the root, and none
    /// is revoked.
    Good,
    /// A certificate of the path (the holder's or a CA's) is revoked or on hold.
    Revoked,
    /// Not known: no path to a trusted root, or no applicable, current CRL or OCSP response
    /// for some certificate of it (`warnings` names which).
    Unknown,
}

/// Where the revocation status came from.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "certificates::RevocationSource")]
pub enum CertificateRevocationSource {
    /// A CRL (a configured file, or fetched from a configured URL).
    Crl,
    /// An OCSP response.
    Ocsp,
}

/// The certificate's holder, as the NCA RK profile reads its subject.
#[derive(SimpleObject, Debug)]
pub struct CertificateHolder {
    /// The IIN (12 digits), from the subject's `serialNumber` `IIN…`.
    pub iin: Option<String>,
    /// The BIN (12 digits) of a legal entity, from the subject's `OU` `BIN…`.
    pub bin: Option<String>,
    /// The surname.
    pub surname: Option<String>,
    /// The given name (what follows the surname in the common name).
    pub given_name: Option<String>,
    /// The patronymic (NCA RK's `givenName` attribute).
    pub patronymic: Option<String>,
    /// The common name as written.
    pub common_name: Option<String>,
    /// The organisation of a legal entity.
    pub organisation: Option<String>,
    /// The holder's roles.
    pub roles: Vec<CertificateRole>,
    /// What the key serves: signing (`SIGN`), authentication (`AUTH`), or both.
    pub key_purposes: Vec<KeyPurpose>,
    /// The extended key usage OIDs as the certificate lists them (NCALayer's
    /// `extKeyUsageOids`; role OIDs among them).
    pub extended_key_usage_oids: Vec<String>,
}

/// One certificate of the path.
#[derive(SimpleObject, Debug)]
pub struct CertificatePathEntry {
    /// The subject, RFC 4514-style text.
    pub subject: String,
    /// The issuer, RFC 4514-style text.
    pub issuer: String,
    /// The serial number, lowercase hex.
    pub serial_number: String,
    /// Start of validity.
    pub not_before: OffsetDateTime,
    /// End of validity.
    pub not_after: OffsetDateTime,
}

/// The revocation status of the path now.
#[derive(SimpleObject, Debug)]
pub struct CertificateRevocation {
    /// Revoked, good, or unknown.
    pub status: CertificateRevocationStatus,
    /// What it relied on (an OCSP response when one was, else a CRL); null when nothing.
    pub source: Option<CertificateRevocationSource>,
    /// The revoked certificate's subject (the holder's or a CA's), when revoked.
    pub subject: Option<String>,
    /// When it was revoked.
    pub revoked_at: Option<OffsetDateTime>,
    /// The CRL reason (`keyCompromise`, `certificateHold`, …), when revoked.
    pub reason: Option<String>,
}

/// One failure the verifier found.
#[derive(SimpleObject, Debug)]
pub struct CertificateError {
    /// The code.
    pub code: CertificateCode,
    /// What failed, in English, for developers.
    pub message: String,
}

/// A finding that does not decide validity (e.g. `REVOCATION_NOT_CHECKED`, `IIN_CHECKSUM`).
#[derive(SimpleObject, Debug)]
pub struct CertificateWarning {
    /// A stable identifier, as `eds-verify` reports it.
    pub code: String,
    /// What it means, in English, for developers.
    pub message: String,
}

/// What `certificateInfo` found.
#[derive(SimpleObject, Debug)]
pub struct CertificateInfo {
    /// Whether the certificate is valid now: a trusted path, within its validity, not revoked
    /// (and, in production, with current revocation data).
    pub valid: bool,
    /// `OK`, or the first failure.
    pub code: CertificateCode,
    /// `code` explained, in English, for developers.
    pub message: String,
    /// The time it was judged at: now, by the service's clock.
    pub validation_time: OffsetDateTime,
    /// Whose key it is.
    pub holder: CertificateHolder,
    /// The serial number, lowercase hex.
    pub serial_number: String,
    /// The issuer, RFC 4514-style text.
    pub issuer: String,
    /// Start of the certificate's validity.
    pub not_before: Option<OffsetDateTime>,
    /// End of the certificate's validity.
    pub not_after: Option<OffsetDateTime>,
    /// The path, the certificate first, the trusted root last (the certificate alone when no
    /// path was found).
    pub path: Vec<CertificatePathEntry>,
    /// The revocation status now.
    pub revocation: CertificateRevocation,
    /// Every failure found (the first decides `code`).
    pub errors: Vec<CertificateError>,
    /// Findings that do not decide validity.
    pub warnings: Vec<CertificateWarning>,
}

impl From<certificates::CertificateInfo> for CertificateInfo {
    fn from(info: certificates::CertificateInfo) -> Self {
        let certificates::CertificateInfo {
            report,
            holder,
            not_before,
            not_after,
            revocation,
        } = info;
        CertificateInfo {
            valid: report.valid,
            code: report.code.into(),
            message: report.message,
            validation_time: report.validation_time,
            holder: CertificateHolder {
                iin: holder.iin,
                bin: holder.bin,
                surname: holder.surname,
                given_name: holder.given_name,
                patronymic: holder.patronymic,
                common_name: holder.common_name,
                organisation: holder.organisation,
                roles: holder.roles.into_iter().map(Into::into).collect(),
                key_purposes: holder
                    .key_purposes
                    .into_iter()
                    .map(|purpose| match purpose {
                        signatures::Purpose::Sign => KeyPurpose::Sign,
                        signatures::Purpose::Auth => KeyPurpose::Auth,
                    })
                    .collect(),
                extended_key_usage_oids: holder.extended_key_usage_oids,
            },
            serial_number: report.serial_number,
            issuer: report.issuer,
            not_before,
            not_after,
            path: report
                .chain
                .into_iter()
                .map(|entry| CertificatePathEntry {
                    subject: entry.subject,
                    issuer: entry.issuer,
                    serial_number: entry.serial_number,
                    not_before: entry.not_before,
                    not_after: entry.not_after,
                })
                .collect(),
            revocation: CertificateRevocation {
                status: revocation.status.into(),
                source: revocation.source.map(Into::into),
                subject: revocation.subject,
                revoked_at: revocation.revoked_at,
                reason: revocation.reason,
            },
            errors: report
                .errors
                .into_iter()
                .map(|error| CertificateError {
                    code: error.code.into(),
                    message: error.message,
                })
                .collect(),
            warnings: report
                .warnings
                .into_iter()
                .map(|warning| CertificateWarning {
                    code: warning.code.to_owned(),
                    message: warning.message,
                })
                .collect(),
        }
    }
}

/// Why the input is not a certificate, as a sentence in the request's language.
fn decode_message(error: &DecodeError, locale: Locale) -> String {
    match error {
        DecodeError::Empty => locale
            .pick(
                "Сертификат берілмеген.",
                "Сертификат не передан.",
                "No certificate was given.",
            )
            .to_owned(),
        DecodeError::TooLarge { limit } => {
            let kib = limit / 1024;
            match locale {
                Locale::Kk => format!("Сертификат тым үлкен: ең көбі {kib} КиБ."),
                Locale::Ru => format!("Сертификат слишком велик: не более {kib} КиБ."),
                Locale::En => format!("The certificate is too large: {kib} KiB at most."),
            }
        }
        DecodeError::NotACertificate(_) => locale
            .pick(
                "Бұл сертификат емес: PEM немесе base64 түріндегі DER беріңіз.",
                "Это не сертификат: передайте PEM или DER в base64.",
                "This is not a certificate: give it as PEM or as base64 DER.",
            )
            .to_owned(),
        DecodeError::SeveralCertificates(_) => locale
            .pick(
                "Тек бір сертификат беріңіз: иесінің сертификатын.",
                "Передайте один сертификат: сертификат владельца.",
                "Give one certificate only: the holder's.",
            )
            .to_owned(),
    }
}

/// The certificate query.
#[derive(Default, Debug)]
pub struct CertificateQuery;

/// The certificate query.
#[Object]
impl CertificateQuery {
    /// Checks a certificate now, as signing with its key would be checked: its holder (IIN,
    /// BIN, names, roles, key purposes), validity, path to a trusted root and revocation status,
    /// by the verifier in force. For signed-in persons and integrators (an API key); each has
    /// `CERTIFICATE_INFO_PER_HOUR` (default 60) checks in a rolling hour, then `RATE_LIMITED`
    /// with `extensions.retryAfterSeconds`. Not a certificate, or over 16 KiB:
    /// `BAD_USER_INPUT`. Null with the error, whatever the error.
    async fn certificate_info(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The certificate, PEM or base64 DER.")] input: CertificateInfoInput,
    ) -> async_graphql::Result<Option<CertificateInfo>> {
        let request = request(ctx)?;
        let locale = request.locale;
        let caller = match policy::authorize(&request.principal, Operation::CertificateInfo) {
            Ok(_) => Caller::of(&request.principal),
            Err(Denied::Unauthenticated) => None,
            Err(Denied::Forbidden) => return Err(api_error(ApiErrorCode::Forbidden, locale)),
        };
        let Some(caller) = caller else {
            return Err(api_error(ApiErrorCode::Unauthenticated, locale));
        };
        match certificates::check(service(ctx)?, caller, &input.certificate).await {
            Ok(info) => Ok(Some(info.into())),
            Err(CertificateInfoError::Input(error)) => {
                Err(bad_argument(decode_message(&error, locale)))
            }
            Err(CertificateInfoError::RateLimited {
                retry_after_seconds,
            }) => Err(rate_limited(retry_after_seconds, locale)),
            Err(CertificateInfoError::Busy) => {
                Err(api_error(ApiErrorCode::ServiceUnavailable, locale))
            }
            Err(CertificateInfoError::Internal(error)) => Err(internal(error, locale)),
        }
    }
}

// The cap the input's description states.
const _: () = assert!(MAX_INPUT_BYTES == 16 * 1024);
