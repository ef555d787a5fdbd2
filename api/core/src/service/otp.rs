//! One-time passwords by SMS: asking for a code (to sign in, or to sign one signing request)
//! and checking one. The store ([`crate::otp`]) decides atomically; this module finds the
//! phone, makes sure the mobile database (BMG) confirms it, binds the code to what it may be
//! used for, and queues the SMS after the answer.
//!
//! No enumeration: asking for a sign-in code for an IIN without a confirmed phone makes the
//! same registry, store and HMAC calls as for one with a phone, and gets the same answer (a
//! challenge, no masked phone); its challenge can never be satisfied and no SMS is sent.

use crate::context::ServiceContext;
use crate::domain::{Iin, PhoneNumber};
use crate::otp::{
    IssueOutcome, NewChallenge, OtpHasher, OtpLimits, OtpStore, VerifyOutcome, generate_code,
};
use crate::registries::MobileDatabase;
use crate::service::signing::{self, SigningMethod};
use crate::sms::{SmsGateway, SmsMessage, SmsPurpose, otp_text};
use entities::{application, signing_request};
use sea_orm::EntityTrait;
use std::sync::Arc;
use time::OffsetDateTime;
use uuid::Uuid;

/// What one-time passwords need besides the service context.
#[derive(Debug, Clone)]
pub struct OtpRuntime {
    pub store: Arc<dyn OtpStore>,
    pub hasher: OtpHasher,
    pub sms: Arc<dyn SmsGateway>,
    pub mobile: Arc<dyn MobileDatabase>,
    pub limits: OtpLimits,
    /// Seals the evidence of a signature made with a code.
    pub seal: Arc<crate::seal::Sealer>,
}

/// What a code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtpPurpose {
    Login,
    Sign,
}

/// A code was sent (or, for an unknown person, seemingly so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpChallenge {
    pub id: Uuid,
    pub purpose: OtpPurpose,
    pub expires_at: OffsetDateTime,
    pub resend_after: OffsetDateTime,
    /// `+7 7** *** 12 34`; only for signing, where the caller is signed in.
    pub masked_phone: Option<String>,
}

/// A code that was accepted: who it was sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedOtp {
    pub iin: String,
    pub masked_phone: String,
    /// The web origin a sign-in code was asked for from (empty for other clients).
    pub origin: String,
    /// When the citizens' mobile database confirmed the phone, before the code was sent.
    pub confirmed_at: OffsetDateTime,
    /// When the code was accepted.
    pub verified_at: OffsetDateTime,
}

/// Why no code was sent or accepted.
#[derive(Debug, thiserror::Error)]
pub enum OtpError {
    #[error("wrong code")]
    Invalid { attempts_left: u32 },
    #[error("the code expired")]
    Expired,
    #[error("no attempts left")]
    AttemptsExceeded,
    #[error("a code was sent moments ago")]
    ResendTooSoon { retry_after_seconds: u32 },
    #[error("too many codes")]
    RateLimited { retry_after_seconds: u32 },
    #[error("no confirmed phone")]
    PhoneNotRegistered,
    #[error("one-time passwords are unavailable: {0}")]
    Unavailable(String),
    /// No such signing request.
    #[error("no such signing request")]
    RequestNotFound,
    /// The signing request was already used.
    #[error("the signing request was already used")]
    RequestUsed,
    /// The signing request's subject changed since it was issued.
    #[error("the signing request is void")]
    RequestVoid,
    /// The signing request has expired.
    #[error("the signing request has expired")]
    RequestExpired,
    /// The signing request does not offer one-time passwords.
    #[error("the signing request is not offered for one-time passwords")]
    NotOffered,
    /// The caller is not the signer the request names.
    #[error("the caller is not the signer")]
    NotTheSigner,
}

/// What the store keeps with a challenge and gives back when the code is accepted.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Record {
    iin: String,
    masked_phone: String,
    #[serde(default)]
    origin: String,
    /// Unix seconds.
    confirmed_at: i64,
}

/// `+7 7** *** 12 34`: the operator's first digit and the last four.
#[must_use]
pub fn masked_phone(phone: &PhoneNumber) -> String {
    let digits: Vec<char> = phone.as_e164().chars().skip(2).collect();
    let at = |i: usize| digits.get(i).copied().unwrap_or('*');
    format!("+7 {}** *** {}{} {}{}", at(0), at(6), at(7), at(8), at(9))
}

/// A number no one has, asked about when a person has none, so that both paths ask the same.
fn nobodys_phone() -> Result<PhoneNumber, OtpError> {
    PhoneNumber::parse("+77000000000").map_err(|e| OtpError::Unavailable(e.to_string()))
}

/// The phone in the person's profile, if BMG confirms it; the same two registry questions
/// whether or not the profile has one.
async fn confirmed_phone(rt: &OtpRuntime, iin: &Iin) -> Result<Option<PhoneNumber>, OtpError> {
    let unavailable = |e: crate::registries::RegistryError| OtpError::Unavailable(e.to_string());
    let profile = rt.mobile.phone_of(iin).await.map_err(unavailable)?;
    let asked = match &profile {
        Some(phone) => phone.clone(),
        None => nobodys_phone()?,
    };
    let confirmed = rt.mobile.confirms(iin, &asked).await.map_err(unavailable)?;
    Ok(profile.filter(|_| confirmed))
}

fn binding_of(request: &signing_request::Model) -> String {
    format!("SIGN:{}:{}", request.id, request.digest)
}

/// The one challenge of a signer for a signing request: unguessable without the server's
/// secret, and the same on every instance.
fn sign_challenge_id(rt: &OtpRuntime, request: &signing_request::Model, signer: &Iin) -> Uuid {
    let key = rt.hasher.subject_key(
        "sign-challenge",
        &format!("{}:{}", request.id, signer.as_str()),
    );
    // 32 hex digits: a UUID's simple form.
    Uuid::parse_str(&key).unwrap_or_default()
}

const LOGIN: &str = "LOGIN";

struct Issue<'a> {
    /// The challenge's id: random for sign-in, derived from the request and the signer for
    /// signing (a resend replaces the code, and `submitApplication` finds it without an id).
    id: Uuid,
    origin: &'a str,
    iin: &'a Iin,
    phone: Option<PhoneNumber>,
    binding: String,
    purpose: OtpPurpose,
    cooldown: String,
    /// What the SMS names: the application's or the appeal's number.
    signs: Option<Signs>,
}

/// What a signing code signs, as its SMS names it.
enum Signs {
    Application(String),
    Appeal { number: String, complaint: bool },
}

async fn issue(
    ctx: &ServiceContext,
    rt: &OtpRuntime,
    issue: Issue<'_>,
) -> Result<OtpChallenge, OtpError> {
    let now = ctx.clock.now();
    let id = issue.id;
    let code = generate_code().map_err(|e| OtpError::Unavailable(e.to_string()))?;
    let id_text = id.to_string();
    let tag = rt.hasher.code_tag(&id_text, &issue.binding, &code);
    let iin_key = rt.hasher.subject_key("iin", issue.iin.as_str());
    let phone_key = match &issue.phone {
        Some(phone) => rt.hasher.subject_key("phone", phone.as_e164()),
        None => rt
            .hasher
            .subject_key("phone", &format!("none:{}", issue.iin.as_str())),
    };
    let cooldown_key = rt.hasher.subject_key("cooldown", &issue.cooldown);
    let masked = issue.phone.as_ref().map(masked_phone);
    let record = serde_json::to_string(&Record {
        iin: issue.iin.as_str().to_owned(),
        masked_phone: masked.clone().unwrap_or_default(),
        origin: issue.origin.to_owned(),
        confirmed_at: now.unix_timestamp(),
    })
    .map_err(|e| OtpError::Unavailable(e.to_string()))?;
    let outcome = rt
        .store
        .issue(&NewChallenge {
            id: &id_text,
            tag: &tag,
            iin_key: &iin_key,
            phone_key: &phone_key,
            cooldown_key: &cooldown_key,
            deliverable: issue.phone.is_some(),
            record: &record,
            now,
        })
        .await
        .map_err(|e| OtpError::Unavailable(e.to_string()))?;
    let (expires_at, resend_after) = match outcome {
        IssueOutcome::Issued {
            expires_at,
            resend_after,
        } => (expires_at, resend_after),
        IssueOutcome::ResendTooSoon {
            retry_after_seconds,
        } => {
            return Err(OtpError::ResendTooSoon {
                retry_after_seconds,
            });
        }
        IssueOutcome::RateLimited {
            retry_after_seconds,
        } => {
            return Err(OtpError::RateLimited {
                retry_after_seconds,
            });
        }
    };
    if let Some(phone) = &issue.phone {
        let purpose = match &issue.signs {
            Some(Signs::Application(number)) => SmsPurpose::Sign {
                application_number: number,
            },
            Some(Signs::Appeal { number, complaint }) => SmsPurpose::SignAppeal {
                number,
                complaint: *complaint,
            },
            None => SmsPurpose::Login,
        };
        let message = SmsMessage {
            phone: phone.as_e164().to_owned(),
            text: otp_text(&code, purpose),
            code: Some(code),
            expires_at,
        };
        // The SMS leaves after the answer, from a task of its own: the answer's timing does
        // not tell whether a message was sent.
        let sms = Arc::clone(&rt.sms);
        tokio::spawn(async move {
            if let Err(error) = sms.send(&message).await {
                tracing::warn!(phone = %crate::sms::mask_phone(&message.phone), %error, "one-time password SMS not sent");
            }
        });
    }
    Ok(OtpChallenge {
        id,
        purpose: issue.purpose,
        expires_at,
        resend_after,
        masked_phone: match issue.purpose {
            OtpPurpose::Login => None,
            OtpPurpose::Sign => masked,
        },
    })
}

/// Sends a sign-in code to the phone of this IIN, if it has a confirmed one; answers the same
/// either way. The code signs in only from `origin` (the web origin it was asked from, empty
/// for other clients), as an EDS challenge does.
pub async fn request_login(
    ctx: &ServiceContext,
    rt: &OtpRuntime,
    iin: &Iin,
    origin: &str,
) -> Result<OtpChallenge, OtpError> {
    let phone = confirmed_phone(rt, iin).await?;
    issue(
        ctx,
        rt,
        Issue {
            id: Uuid::new_v4(),
            origin,
            iin,
            phone,
            binding: LOGIN.to_owned(),
            purpose: OtpPurpose::Login,
            cooldown: format!("{LOGIN}:{}", iin.as_str()),
            signs: None,
        },
    )
    .await
}

async fn usable_request(
    ctx: &ServiceContext,
    signing_request_id: Uuid,
) -> Result<signing_request::Model, OtpError> {
    let request = signing_request::Entity::find_by_id(signing_request_id)
        .one(&ctx.db)
        .await
        .map_err(|e| OtpError::Unavailable(e.to_string()))?
        .ok_or(OtpError::RequestNotFound)?;
    let now = ctx.clock.now();
    if request.used_at.is_some() {
        return Err(OtpError::RequestUsed);
    }
    if request.voided_at.is_some() {
        return Err(OtpError::RequestVoid);
    }
    if request.expires_at <= now {
        return Err(OtpError::RequestExpired);
    }
    if !signing::allowed_methods(&request).contains(&SigningMethod::Otp) {
        return Err(OtpError::NotOffered);
    }
    Ok(request)
}

/// Sends a code that signs exactly this signing request's payload, to the signed-in signer's
/// confirmed phone.
pub async fn request_sign(
    ctx: &ServiceContext,
    rt: &OtpRuntime,
    signer_iin: &Iin,
    signing_request_id: Uuid,
) -> Result<OtpChallenge, OtpError> {
    let request = usable_request(ctx, signing_request_id).await?;
    if request.expected_iin.as_deref() != Some(signer_iin.as_str()) {
        return Err(OtpError::NotTheSigner);
    }
    let phone = confirmed_phone(rt, signer_iin)
        .await?
        .ok_or(OtpError::PhoneNotRegistered)?;
    let unavailable = |e: sea_orm::DbErr| OtpError::Unavailable(e.to_string());
    let signs = match request.subject_kind {
        entities::enums::SigningSubjectKind::Appeal => {
            entities::appeal::Entity::find_by_id(request.subject_id)
                .one(&ctx.db)
                .await
                .map_err(unavailable)?
                .map(|a| Signs::Appeal {
                    complaint: a.procedure == "COMPLAINT",
                    number: a.number,
                })
        }
        _ => application::Entity::find_by_id(request.subject_id)
            .one(&ctx.db)
            .await
            .map_err(unavailable)?
            .map(|a| Signs::Application(a.number)),
    };
    issue(
        ctx,
        rt,
        Issue {
            id: sign_challenge_id(rt, &request, signer_iin),
            origin: "",
            iin: signer_iin,
            phone: Some(phone),
            binding: binding_of(&request),
            purpose: OtpPurpose::Sign,
            cooldown: format!("SIGN:{}:{}", request.id, signer_iin.as_str()),
            signs,
        },
    )
    .await
}

async fn verify(
    ctx: &ServiceContext,
    rt: &OtpRuntime,
    challenge_id: Uuid,
    binding: &str,
    code: &str,
) -> Result<VerifiedOtp, OtpError> {
    let now = ctx.clock.now();
    let id = challenge_id.to_string();
    let tag = rt.hasher.code_tag(&id, binding, code.trim());
    let outcome = rt
        .store
        .verify(&id, &tag, now)
        .await
        .map_err(|e| OtpError::Unavailable(e.to_string()))?;
    match outcome {
        VerifyOutcome::Accepted { record } => {
            let record: Record =
                serde_json::from_str(&record).map_err(|e| OtpError::Unavailable(e.to_string()))?;
            Ok(VerifiedOtp {
                iin: record.iin,
                masked_phone: record.masked_phone,
                origin: record.origin,
                confirmed_at: OffsetDateTime::from_unix_timestamp(record.confirmed_at)
                    .unwrap_or(now),
                verified_at: now,
            })
        }
        VerifyOutcome::Invalid { attempts_left } => Err(OtpError::Invalid { attempts_left }),
        VerifyOutcome::Expired | VerifyOutcome::Unknown => Err(OtpError::Expired),
        VerifyOutcome::AttemptsExceeded => Err(OtpError::AttemptsExceeded),
        VerifyOutcome::RateLimited {
            retry_after_seconds,
        } => Err(OtpError::RateLimited {
            retry_after_seconds,
        }),
    }
}

/// Checks a sign-in code: the IIN it was sent for, when right.
pub async fn verify_login(
    ctx: &ServiceContext,
    rt: &OtpRuntime,
    challenge_id: Uuid,
    code: &str,
) -> Result<VerifiedOtp, OtpError> {
    verify(ctx, rt, challenge_id, LOGIN, code).await
}

/// Checks a signing code against this signing request (its id and the SHA-256 of its exact
/// payload): a code sent for another request, or for sign-in, is a wrong code. The caller
/// must be the signer the request names.
pub async fn verify_sign(
    ctx: &ServiceContext,
    rt: &OtpRuntime,
    signer_iin: &Iin,
    signing_request_id: Uuid,
    code: &str,
) -> Result<VerifiedOtp, OtpError> {
    let request = usable_request(ctx, signing_request_id).await?;
    if request.expected_iin.as_deref() != Some(signer_iin.as_str()) {
        return Err(OtpError::NotTheSigner);
    }
    let challenge_id = sign_challenge_id(rt, &request, signer_iin);
    let verified = verify(ctx, rt, challenge_id, &binding_of(&request), code).await?;
    if verified.iin != signer_iin.as_str() {
        return Err(OtpError::NotTheSigner);
    }
    Ok(verified)
}

/// A signature made with a code: the evidence it relied on, as the exact bytes the service
/// sealed, and the seal.
#[derive(Debug, Clone)]
pub struct SealedOtpSignature {
    pub signer_iin: String,
    pub masked_phone: String,
    /// Canonical JSON (see [`OtpEvidence`]).
    pub evidence: Vec<u8>,
    pub seal: crate::seal::Seal,
}

/// The `type` of a one-time-password signature's evidence.
pub const EVIDENCE_TYPE: &str = "registration-kz/otp-signature";

/// What a signature by one-time password relied on: which exact payload (by its SHA-256),
/// who, the phone the code went to (masked), the citizens' mobile database's answer and when
/// the code was accepted. Its fields are in this order in the sealed bytes.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OtpEvidence<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub signing_request_id: String,
    pub subject_id: String,
    pub subject_version: i32,
    /// SHA-256 of the signed payload, lowercase hex.
    pub payload_digest: &'a str,
    pub signer_iin: &'a str,
    pub masked_phone: &'a str,
    /// BMG confirmed that this phone is the signer's, at this time.
    pub mobile_database: MobileDatabaseAnswer,
    pub verified_at: String,
    pub seal_key_id: &'a str,
}

/// The citizens' mobile database's answer, as evidence.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MobileDatabaseAnswer {
    pub confirmed: bool,
    pub confirmed_at: String,
}

/// Seals the evidence of an accepted signing code for this request.
#[must_use]
pub fn seal_signature(
    rt: &OtpRuntime,
    request: &signing_request::Model,
    verified: &VerifiedOtp,
) -> SealedOtpSignature {
    let evidence = OtpEvidence {
        kind: EVIDENCE_TYPE,
        signing_request_id: request.id.to_string(),
        subject_id: request.subject_id.to_string(),
        subject_version: request.subject_version,
        payload_digest: &request.digest,
        signer_iin: &verified.iin,
        masked_phone: &verified.masked_phone,
        mobile_database: MobileDatabaseAnswer {
            confirmed: true,
            confirmed_at: signatures::rfc3339(verified.confirmed_at),
        },
        verified_at: signatures::rfc3339(verified.verified_at),
        seal_key_id: rt.seal.current_key_id(),
    };
    let bytes = serde_json::to_vec(&evidence).unwrap_or_default();
    SealedOtpSignature {
        signer_iin: verified.iin.clone(),
        masked_phone: verified.masked_phone.clone(),
        seal: rt.seal.seal(&bytes),
        evidence: bytes,
    }
}
