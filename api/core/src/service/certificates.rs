//! `certificateInfo`: what a certificate says of its holder and whether it is good now, so that
//! a frontend (or an integrator) can check a key before asking a citizen to sign with it.
//!
//! The certificate arrives as PEM or as base64 DER, at most [`MAX_INPUT_BYTES`]; it is judged
//! by the verifier in force (the trust store's anchors, intermediates and CRLs, revocation
//! required as the trust store says), at the clock's time, for no particular purpose, on a
//! verification slot. Each caller — a signed-in person or an integrator — has
//! `certificate_checks_per_hour` checks in a rolling hour, counted in the database so that the
//! limit holds across instances. An input that is not a certificate is refused before it
//! counts.

use crate::auth::viewer::Principal;
use crate::context::ServiceContext;
use crate::domain::CertificateIin;
use crate::service::InternalError;
use entities::certificate_lookup;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use signatures::{Certificate, CertificateReport, Code, Options, Purpose, Role, Verifier};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// The largest input accepted, in bytes, before anything is decoded. An NCA RK certificate is
/// 1.2 to 2.5 KB of DER (RSA 2048 or GOST 2015-512, with its policies, EKUs and distribution
/// points); base64 adds a third and PEM its armour and line breaks, so a real one is under
/// 4 KB of text. 16 KiB leaves four times that for unusually long names and extensions while
/// keeping the work an input can cause small (one parse, one path), far below the request's
/// own 1 MiB.
pub const MAX_INPUT_BYTES: usize = 16 * 1024;

/// The rolling window of the hourly limit.
const WINDOW: Duration = Duration::hours(1);

/// Who asks: a signed-in person or an integrator (each has its own limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// A signed-in person, by person id.
    Person(Uuid),
    /// An integrator, by its id.
    Integrator(Uuid),
}

impl Caller {
    /// The caller behind a principal, when it is one who may ask (the policy decides first:
    /// `Operation::CertificateInfo`).
    pub fn of(principal: &Principal) -> Option<Self> {
        match principal {
            Principal::Person(person) => Some(Caller::Person(person.person_id)),
            Principal::Integrator { id, .. } => Some(Caller::Integrator(*id)),
            Principal::Anonymous | Principal::InvalidToken => None,
        }
    }
}

/// Why an input is not a certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Nothing but whitespace.
    #[error("no certificate given")]
    Empty,
    /// Longer than [`MAX_INPUT_BYTES`].
    #[error("the input is over {limit} bytes")]
    TooLarge { limit: usize },
    /// Neither PEM (`CERTIFICATE`) nor base64 of an X.509 certificate's DER.
    #[error("not a certificate: {0}")]
    NotACertificate(String),
    /// More than one certificate (a PEM bundle): the holder's alone is checked.
    #[error("{0} certificates given: give the holder's certificate alone")]
    SeveralCertificates(usize),
}

/// Decodes one certificate from PEM or base64 DER (whitespace and line breaks ignored).
pub fn decode(input: &str) -> Result<Certificate, DecodeError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(DecodeError::TooLarge {
            limit: MAX_INPUT_BYTES,
        });
    }
    let text = input.trim();
    if text.is_empty() {
        return Err(DecodeError::Empty);
    }
    // Text only: raw DER cannot come through a GraphQL string, and a PEM block or base64 of
    // DER always begins with `-----BEGIN` or `MI`.
    if text.as_bytes().first() == Some(&0x30) {
        return Err(DecodeError::NotACertificate(
            "expected PEM or base64".to_owned(),
        ));
    }
    let mut certificates = Verifier::certificates_from(text.as_bytes(), "the input")
        .map_err(|e| DecodeError::NotACertificate(reason(&e.to_string())))?;
    match certificates.len() {
        1 => certificates
            .pop()
            .ok_or_else(|| DecodeError::NotACertificate("no certificate".to_owned())),
        n => Err(DecodeError::SeveralCertificates(n)),
    }
}

/// The parser's reason without the source name it prefixes (`the input: …`).
fn reason(error: &str) -> String {
    error
        .strip_prefix("the input: ")
        .unwrap_or(error)
        .to_owned()
}

/// Whether the certificate's path is revoked, known good, or unknown now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationStatus {
    /// Current revocation data covers every certificate of the path below the anchor, and none
    /// is revoked.
    Good,
    /// A certificate of the path is revoked (or on hold).
    Revoked,
    /// No path to an anchor, or some certificate of it without applicable, current data.
    Unknown,
}

/// Where the revocation verdict came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationSource {
    /// A CRL (configured files, or fetched from the configured URLs).
    Crl,
    /// An OCSP response.
    Ocsp,
}

/// The revocation status of the path now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationSummary {
    pub status: RevocationStatus,
    /// What was relied on: an OCSP response when one was, else a CRL; none when nothing was.
    pub source: Option<RevocationSource>,
    /// The revoked certificate's subject (the holder's or a CA's), when revoked.
    pub subject: Option<String>,
    /// When it was revoked.
    pub revoked_at: Option<OffsetDateTime>,
    /// The CRL reason (`keyCompromise`, `certificateHold`, …).
    pub reason: Option<String>,
}

impl RevocationSummary {
    /// Reads the summary from a report.
    pub fn of(report: &CertificateReport) -> Self {
        let evidence = &report.evidence;
        let source = if !evidence.ocsp_responses.is_empty() {
            Some(RevocationSource::Ocsp)
        } else if !evidence.crls.is_empty() {
            Some(RevocationSource::Crl)
        } else {
            None
        };
        if let Some(revocation) = &report.revocation {
            return RevocationSummary {
                status: RevocationStatus::Revoked,
                source,
                subject: Some(revocation.subject.clone()),
                revoked_at: Some(revocation.revoked_at),
                reason: Some(revocation.reason.clone()),
            };
        }
        let unknown = source.is_none()
            || report
                .errors
                .iter()
                .any(|e| e.code == Code::RevocationUnknown)
            || report
                .warnings
                .iter()
                .any(|w| w.code == "REVOCATION_NOT_CHECKED");
        RevocationSummary {
            status: if unknown {
                RevocationStatus::Unknown
            } else {
                RevocationStatus::Good
            },
            source,
            subject: None,
            revoked_at: None,
            reason: None,
        }
    }
}

/// The holder, as the NCA RK profile reads the subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The IIN (12 digits).
    pub iin: Option<String>,
    /// The BIN of a legal entity.
    pub bin: Option<String>,
    /// The surname.
    pub surname: Option<String>,
    /// The given name: NCA RK's CN is "SURNAME GIVEN", so what follows the surname there.
    pub given_name: Option<String>,
    /// The patronymic: NCA RK puts it in the `givenName` attribute.
    pub patronymic: Option<String>,
    /// The common name as written.
    pub common_name: Option<String>,
    /// The organisation of a legal entity.
    pub organisation: Option<String>,
    /// The holder's roles.
    pub roles: Vec<Role>,
    /// What the key serves: signing, authentication, or both.
    pub key_purposes: Vec<Purpose>,
    /// The extended key usage OIDs as the certificate lists them.
    pub extended_key_usage_oids: Vec<String>,
}

impl Holder {
    /// Reads the holder from a report's signer.
    pub fn of(report: &CertificateReport) -> Self {
        let signer = &report.signer;
        // DOMAIN: NCA RK's CN is "SURNAME GIVEN", its givenName attribute the patronymic
        let given_name = match (&signer.common_name, &signer.surname) {
            (Some(cn), Some(surname)) => cn
                .strip_prefix(surname.as_str())
                .map(|g| g.trim().to_owned()),
            _ => None,
        }
        .filter(|g| !g.is_empty());
        Holder {
            iin: signer.iin.clone(),
            bin: signer.bin.clone(),
            surname: signer.surname.clone(),
            given_name,
            patronymic: signer.given_name.clone(),
            common_name: signer.common_name.clone(),
            organisation: signer.organization.clone(),
            roles: signer.roles.clone(),
            key_purposes: signer.purposes.clone(),
            extended_key_usage_oids: signer.extended_key_usage.clone(),
        }
    }
}

/// What `certificateInfo` answers.
#[derive(Debug, Clone)]
pub struct CertificateInfo {
    /// The verifier's report (validity, code, path, errors, warnings, evidence).
    pub report: CertificateReport,
    /// The holder, with the names split as NCA RK writes them.
    pub holder: Holder,
    /// The certificate's own validity (from the path's first entry, the certificate itself:
    /// `None` only if the verifier ever reported no path at all).
    pub not_before: Option<OffsetDateTime>,
    pub not_after: Option<OffsetDateTime>,
    /// The revocation status now.
    pub revocation: RevocationSummary,
}

/// Why a check was not made.
#[derive(Debug, thiserror::Error)]
pub enum CertificateInfoError {
    /// The input is not one certificate.
    #[error(transparent)]
    Input(#[from] DecodeError),
    /// Too many checks in the last hour.
    #[error("too many certificate checks: retry after {retry_after_seconds} s")]
    RateLimited { retry_after_seconds: u32 },
    /// No verification slot came free in time.
    #[error("every verification slot is busy")]
    Busy,
    /// Not the caller's fault.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for CertificateInfoError {
    fn from(error: sea_orm::DbErr) -> Self {
        CertificateInfoError::Internal(error.into())
    }
}

/// Checks a certificate for `caller`: decodes it, counts the check against the caller's hourly
/// limit, and judges it with the verifier in force at the clock's time, with `ocsp` (responses
/// the caller of this function fetched for it; none today) beside the CRLs.
#[tracing::instrument(skip_all)]
pub async fn check(
    ctx: &ServiceContext,
    caller: Caller,
    input: &str,
) -> Result<CertificateInfo, CertificateInfoError> {
    let certificate = decode(input)?;
    let now = ctx.clock.now();
    let place = take_place(ctx, caller, now).await?;
    let snapshot = ctx.trust.snapshot();
    let verifier = Arc::clone(&snapshot.verifier);
    let mut options = Options::new(now);
    options.require_revocation = ctx.trust.requires_revocation();
    options.ocsp.max_age = ctx.trust.ocsp_max_age();
    let checked = async {
        // The revocation status now: the OCSP responses of its path, when some CA has a
        // responder configured (path building is CPU work, so on a slot too).
        if ctx.trust.fetches_ocsp() {
            let (finder, leaf) = (Arc::clone(&verifier), certificate.clone());
            let subjects = ctx
                .verification
                .run(move || finder.certificate_revocation_subjects(&leaf))
                .await?;
            options.ocsp.responses = ctx.trust.ocsp_responses(subjects, now).await;
        }
        ctx.verification
            .run(move || verifier.verify_certificate(&certificate, &[], &options))
            .await
    };
    let report = match checked.await {
        Ok(report) => report,
        Err(crate::context::Busy) => {
            // No check was made: the place is given back.
            certificate_lookup::Entity::delete_by_id(place)
                .exec(&ctx.db)
                .await?;
            return Err(CertificateInfoError::Busy);
        }
    };
    let holder = Holder::of(&report);
    // The path starts with the certificate itself (alone when no path was found).
    let own = report
        .chain
        .first()
        .filter(|entry| entry.serial_number == report.serial_number);
    let (not_before, not_after) = (own.map(|e| e.not_before), own.map(|e| e.not_after));
    let revocation = RevocationSummary::of(&report);
    tracing::info!(
        caller = match caller {
            Caller::Person(_) => "person",
            Caller::Integrator(_) => "integrator",
        },
        holder = holder
            .iin
            .as_deref()
            .and_then(|iin| CertificateIin::parse(iin).ok())
            .map(|iin| iin.masked())
            .as_deref(),
        code = report.code.as_str(),
        "certificate checked"
    );
    Ok(CertificateInfo {
        report,
        holder,
        not_before,
        not_after,
        revocation,
    })
}

/// Takes one of the caller's places in the rolling hour, or says when one frees. The row is
/// written first and the window counted after, so that of racing checks (on any instances)
/// none gets past the limit: each counts the others' rows, and one that finds itself over the
/// limit takes its row back. The caller's rows older than the window are deleted on the way,
/// so the table only ever holds the window.
async fn take_place(
    ctx: &ServiceContext,
    caller: Caller,
    now: OffsetDateTime,
) -> Result<Uuid, CertificateInfoError> {
    let since = now - WINDOW;
    let (person, integrator) = match caller {
        Caller::Person(id) => (Some(id), None),
        Caller::Integrator(id) => (None, Some(id)),
    };
    let mine = match caller {
        Caller::Person(id) => certificate_lookup::Column::PersonId.eq(id),
        Caller::Integrator(id) => certificate_lookup::Column::IntegratorId.eq(id),
    };
    certificate_lookup::Entity::delete_many()
        .filter(mine.clone())
        .filter(certificate_lookup::Column::At.lte(since))
        .exec(&ctx.db)
        .await?;
    let id = Uuid::new_v4();
    certificate_lookup::ActiveModel {
        id: Set(id),
        person_id: Set(person),
        integrator_id: Set(integrator),
        at: Set(now),
    }
    .insert(&ctx.db)
    .await?;
    let window = certificate_lookup::Entity::find()
        .filter(mine)
        .filter(certificate_lookup::Column::At.gt(since));
    let count = window.clone().count(&ctx.db).await?;
    let limit = ctx.settings.certificate_checks_per_hour;
    if count <= u64::from(limit) {
        return Ok(id);
    }
    certificate_lookup::Entity::delete_by_id(id)
        .exec(&ctx.db)
        .await?;
    // A place frees when the oldest check in the window is an hour old.
    let oldest = window
        .order_by_asc(certificate_lookup::Column::At)
        .one(&ctx.db)
        .await?
        .map_or(now, |row| row.at);
    let wait = (oldest + WINDOW - now).whole_seconds().max(1);
    Err(CertificateInfoError::RateLimited {
        retry_after_seconds: u32::try_from(wait).unwrap_or(u32::MAX),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    /// A demo person's signing key file: the certificate, then the (test-only) private key.
    const AIGERIM: &str = include_str!("../../../../demo/pki/aigerim.sign.pem");

    /// The first PEM block of `text`, whole.
    fn certificate_block(text: &str) -> &str {
        let end = "-----END CERTIFICATE-----";
        let at = text.find(end).expect("a certificate block");
        &text[..at + end.len()]
    }

    #[test]
    fn decodes_pem_and_base64_der_and_refuses_the_rest() {
        let pem = certificate_block(AIGERIM);
        let body: String = pem
            .lines()
            .filter(|line| !line.starts_with("-----"))
            .collect();
        let der = STANDARD.decode(&body).expect("the block's base64");

        // PEM, alone or beside its key (only CERTIFICATE blocks are read).
        assert_eq!(decode(pem).expect("PEM").der(), der.as_slice());
        assert_eq!(decode(AIGERIM).expect("PEM file").der(), der.as_slice());
        // Base64 DER, on one line or wrapped with CRLF and surrounded by whitespace.
        assert_eq!(decode(&body).expect("base64 DER").der(), der.as_slice());
        let wrapped: String = body
            .as_bytes()
            .chunks(64)
            .map(|line| format!("{}\r\n", String::from_utf8_lossy(line)))
            .collect();
        let wrapped = format!("  \n{wrapped}\n");
        assert_eq!(decode(&wrapped).expect("wrapped").der(), der.as_slice());

        assert_eq!(decode("  \n ").err(), Some(DecodeError::Empty));
        for garbage in [
            "not a certificate at all!",
            "0\u{3}\u{2}\u{1}\u{1}",
            // Base64, but of something that is not a certificate.
            &STANDARD.encode(b"\x30\x03\x02\x01\x01"),
            // Base64 cut short.
            &body[..body.len() / 2],
            // A PEM block of another kind.
            "-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n",
        ] {
            assert!(
                matches!(decode(garbage), Err(DecodeError::NotACertificate(_))),
                "{garbage:?}: {:?}",
                decode(garbage).map(|c| c.subject())
            );
        }
        let bundle = format!("{pem}\n{}", crate::trust::DEMO_ROOT_PEM);
        assert_eq!(
            decode(&bundle).err(),
            Some(DecodeError::SeveralCertificates(2))
        );
        // The cap counts bytes, before anything is decoded: a good certificate padded past it
        // is refused, and one just under it is read.
        let padding = MAX_INPUT_BYTES - pem.len();
        assert!(decode(&format!("{pem}{}", " ".repeat(padding))).is_ok());
        assert_eq!(
            decode(&format!("{pem}{}", " ".repeat(padding + 1))).err(),
            Some(DecodeError::TooLarge {
                limit: MAX_INPUT_BYTES
            })
        );
    }

    #[test]
    fn the_holder_splits_nca_names() {
        let certificate = decode(AIGERIM).expect("PEM");
        let verifier = Verifier::new(Vec::new());
        let report = verifier.verify_certificate(
            &certificate,
            &[],
            &Options::new(time::macros::datetime!(2026-12-01 10:00 UTC)),
        );
        let holder = Holder::of(&report);
        let cn = holder.common_name.clone().expect("a CN");
        let surname = holder.surname.clone().expect("a surname");
        assert_eq!(
            Some(cn.trim_start_matches(surname.as_str()).trim().to_owned()),
            holder.given_name
        );
        assert!(holder.iin.is_some());
        // No anchor: no path, so nothing about revocation is known.
        assert_eq!(
            RevocationSummary::of(&report).status,
            RevocationStatus::Unknown
        );
    }
}
