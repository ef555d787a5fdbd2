//! One signing contract for every subject (applications now; consents, officers' decisions and
//! appeals later): a signing request fixes the exact bytes to sign and what the key must be; a
//! signature is verified against it, stored with its evidence, and handed to the subject's
//! completion. A subject implements [`SigningSubject`]; this module never changes for it.

use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::Iin;
use crate::service::otp::{OtpError, OtpRuntime, SealedOtpSignature};
use crate::service::{InternalError, hex_sha256};
use crate::trust::{Outcome, TrustSnapshot, TrustStore};
use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use entities::enums::{AuthMethod, EvidenceKind, KeyPurpose, SignaturePurpose, SigningSubjectKind};
use entities::{evidence, signature_evidence, signing_request, stored_signature};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};
use signatures::{OcspOptions, OcspResponse, Options, Purpose, Report, SignerReport, Warning};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// id-kp-emailProtection: what NCA RK's signing keys carry (NCALayer's `extKeyUsageOids`).
pub const EKU_SIGN: &str = "1.3.6.1.5.5.7.3.4";
/// id-kp-clientAuth: NCA RK's authentication keys.
pub const EKU_AUTH: &str = "1.3.6.1.5.5.7.3.2";

/// How a signing request may be signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigningMethod {
    /// A CMS made with an NCA RK key (NCALayer).
    Eds,
    /// A one-time password sent by SMS to the signer's phone confirmed by the citizens' mobile
    /// database (never for consents and decisions).
    Otp,
}

impl SigningMethod {
    fn stored(self) -> &'static str {
        match self {
            SigningMethod::Eds => "EDS",
            SigningMethod::Otp => "OTP",
        }
    }

    fn from_stored(text: &str) -> Option<Self> {
        [SigningMethod::Eds, SigningMethod::Otp]
            .into_iter()
            .find(|m| m.stored() == text)
    }
}

/// What the signing key must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRequirements {
    /// Signing or authentication key.
    pub purpose: KeyPurpose,
    /// Extended key usages the key must have.
    pub extended_key_usage_oids: Vec<String>,
    /// The IIN the certificate must name, when one person must sign.
    pub iin: Option<String>,
    /// The BIN the certificate must name, when an organisation's key must sign.
    pub bin: Option<String>,
    /// Role OIDs of which the key must hold one (empty: any).
    pub role_oids: Vec<String>,
}

/// A new signing request's content.
#[derive(Debug, Clone)]
pub struct NewSigningRequest {
    pub subject_kind: SigningSubjectKind,
    pub subject_id: Uuid,
    pub subject_version: i32,
    /// The canonical bytes to sign.
    pub payload: Vec<u8>,
    /// The same content in Kazakh and Russian.
    pub text: String,
    pub requirements: KeyRequirements,
    pub allowed_methods: Vec<SigningMethod>,
    /// When it stops being accepted.
    pub expires_at: OffsetDateTime,
}

/// Stores a signing request.
pub async fn create_request<C: ConnectionTrait>(
    db: &C,
    new: NewSigningRequest,
    now: OffsetDateTime,
) -> Result<signing_request::Model, sea_orm::DbErr> {
    let methods: Vec<&str> = new.allowed_methods.iter().map(|m| m.stored()).collect();
    signing_request::ActiveModel {
        id: Set(Uuid::new_v4()),
        subject_kind: Set(new.subject_kind),
        subject_id: Set(new.subject_id),
        subject_version: Set(new.subject_version),
        digest: Set(hex_sha256(&new.payload)),
        payload: Set(new.payload),
        text: Set(new.text),
        key_purpose: Set(new.requirements.purpose),
        expected_iin: Set(new.requirements.iin),
        expected_bin: Set(new.requirements.bin),
        role_oids: Set(serde_json::to_string(&new.requirements.role_oids).unwrap_or_default()),
        allowed_methods: Set(serde_json::to_string(&methods).unwrap_or_default()),
        created_at: Set(now),
        expires_at: Set(new.expires_at),
        voided_at: Set(None),
        used_at: Set(None),
    }
    .insert(db)
    .await
}

/// The key requirements a request was issued with.
pub fn requirements(request: &signing_request::Model) -> KeyRequirements {
    let purpose = request.key_purpose;
    KeyRequirements {
        purpose,
        extended_key_usage_oids: vec![
            match purpose {
                KeyPurpose::Sign => EKU_SIGN,
                KeyPurpose::Auth => EKU_AUTH,
            }
            .to_owned(),
        ],
        iin: request.expected_iin.clone(),
        bin: request.expected_bin.clone(),
        role_oids: serde_json::from_str(&request.role_oids).unwrap_or_default(),
    }
}

/// The methods a request may be signed with.
pub fn allowed_methods(request: &signing_request::Model) -> Vec<SigningMethod> {
    serde_json::from_str::<Vec<String>>(&request.allowed_methods)
        .unwrap_or_default()
        .iter()
        .filter_map(|m| SigningMethod::from_stored(m))
        .collect()
}

/// Why a signature does not sign what it was asked to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureRefusal {
    /// The CMS cannot be read.
    #[error("the CMS cannot be read: {0}")]
    Malformed(String),
    /// The payload's base64 text was signed instead of its bytes (NCALayer's `decode` left
    /// false).
    #[error("the base64 text was signed instead of the bytes")]
    PayloadTextSigned,
    /// The signed content is not the payload.
    #[error("the signed content is not the payload")]
    ContentMismatch,
    /// Not exactly one signer.
    #[error("not exactly one signer")]
    SignerCount,
    /// The verifier's verdict.
    #[error("{detail}")]
    Verdict {
        code: signatures::Code,
        detail: String,
    },
    /// The signer is not who the request expects.
    #[error("the signer is not the expected person")]
    SignerMismatch,
    /// An organisation's key where a person's own is needed.
    #[error("not an individual's key")]
    NotAnIndividualKey,
}

/// A verified signature, ready to be stored.
#[derive(Debug, Clone)]
pub struct VerifiedSignature {
    pub report: Report,
    /// The one signer.
    pub signer: SignerReport,
    /// The CMS as received, DER when it decodes.
    pub cms: Vec<u8>,
    /// The bytes it signs.
    pub content: Vec<u8>,
    /// What the verification relied on.
    pub trust: TrustSnapshot,
}

/// The CMS as stored: its DER when it decodes (from base64 or PEM, as the verifier reads it),
/// else the text as received.
fn cms_bytes(cms: &str) -> Vec<u8> {
    signatures::decode_cms(cms.as_bytes())
        .map_or_else(|| cms.as_bytes().to_vec(), std::borrow::Cow::into_owned)
}

/// Verifies a CMS that must sign exactly `payload` with one signer whose key serves
/// `purpose`, at `at`. Recognises the NCALayer trap of signing the payload's base64 text
/// instead of its bytes. No OCSP: [`verify_payload_with`] takes the responses fetched.
pub fn verify_payload(
    trust: &TrustStore,
    cms: &str,
    payload: &[u8],
    purpose: Purpose,
    at: OffsetDateTime,
) -> Result<VerifiedSignature, SignatureRefusal> {
    verify_payload_with(trust, cms, payload, purpose, at, Vec::new())
}

/// [`verify_payload`] with the OCSP responses fetched for it (`TrustStore::ocsp_responses`),
/// under the revocation requirement in force (`trust::requirement`): what is required and
/// missing is refused as `REVOCATION_UNKNOWN`, like the verifier's own verdict; what is not
/// required and missing is a warning in the report and the logs.
pub fn verify_payload_with(
    trust: &TrustStore,
    cms: &str,
    payload: &[u8],
    purpose: Purpose,
    at: OffsetDateTime,
    ocsp: Vec<OcspResponse>,
) -> Result<VerifiedSignature, SignatureRefusal> {
    let snapshot = trust.snapshot();
    let verifier = &snapshot.verifier;
    let options = Options {
        now: at,
        at: Some(at),
        purpose: Some(purpose),
        require_revocation: trust.requires_revocation(),
        ocsp: OcspOptions {
            responses: ocsp,
            max_age: trust.ocsp_max_age(),
        },
    };
    let payload_text = STANDARD.encode(payload);
    let attached = signatures::encapsulated_content(cms.as_bytes())
        .map_err(|e| SignatureRefusal::Malformed(e.to_string()))?;
    let report = match attached {
        Some(content) if content == payload => verifier.verify(cms.as_bytes(), None, &options),
        Some(content) if content == payload_text.as_bytes() => {
            return Err(SignatureRefusal::PayloadTextSigned);
        }
        Some(_) => return Err(SignatureRefusal::ContentMismatch),
        None => {
            let report = verifier.verify(cms.as_bytes(), Some(payload), &options);
            if report.code == signatures::Code::DigestMismatch {
                let over_text =
                    verifier.verify(cms.as_bytes(), Some(payload_text.as_bytes()), &options);
                if over_text.code != signatures::Code::DigestMismatch {
                    return Err(SignatureRefusal::PayloadTextSigned);
                }
                return Err(SignatureRefusal::ContentMismatch);
            }
            report
        }
    };
    let [signer] = report.signers.as_slice() else {
        return Err(SignatureRefusal::SignerCount);
    };
    if !report.valid {
        return Err(SignatureRefusal::Verdict {
            code: report.code,
            detail: report.message.clone(),
        });
    }
    let mut signer = signer.clone();
    let mut report = report;
    match trust.revocation_outcome(&signer) {
        Outcome::Satisfied => {}
        Outcome::Unknown => {
            let required = trust
                .requirement_in_force()
                .map_or("revocation data", crate::trust::required_data);
            return Err(SignatureRefusal::Verdict {
                code: signatures::Code::RevocationUnknown,
                detail: format!(
                    "signer 1: the revocation configuration requires {required} for the signer's certificate, and none was relied on"
                ),
            });
        }
        Outcome::Warning(message) => {
            tracing::warn!(
                serial = signer.serial_number.as_deref().unwrap_or_default(),
                "{message}"
            );
            let warning = Warning {
                code: "REVOCATION_SOURCES_UNANSWERED",
                message,
            };
            signer.warnings.push(warning.clone());
            if let Some(reported) = report.signers.first_mut() {
                reported.warnings.push(warning);
            }
        }
    }
    Ok(VerifiedSignature {
        signer,
        report,
        cms: cms_bytes(cms),
        content: payload.to_vec(),
        trust: snapshot.clone(),
    })
}

/// [`verify_payload_with`] on a verification slot (see
/// [`crate::context::VerificationSlots`]), with the OCSP responses of the CMS's certificates
/// fetched first when `REVOCATION_CONFIG` names an OCSP responder: the certificates are found
/// on a slot too (path building checks signatures, CPU work that must not hold the async
/// threads), then fetched without one (waiting on the network must not hold a slot), within
/// the budget of `TrustStore::ocsp_wait`.
pub async fn verify_on_slot(
    ctx: &ServiceContext,
    cms: &str,
    payload: &[u8],
    purpose: Purpose,
    at: OffsetDateTime,
) -> Result<Result<VerifiedSignature, SignatureRefusal>, crate::context::Busy> {
    let trust = Arc::clone(&ctx.trust);
    let cms = Arc::<str>::from(cms);
    let payload = payload.to_vec();
    let mut ocsp = Vec::new();
    if trust.fetches_ocsp() {
        let (store, signature) = (Arc::clone(&trust), Arc::clone(&cms));
        let subjects = ctx
            .verification
            .run(move || {
                store
                    .snapshot()
                    .verifier
                    .revocation_subjects(signature.as_bytes())
            })
            .await?;
        ocsp = trust.ocsp_responses(subjects, at).await;
    }
    ctx.verification
        .run(move || verify_payload_with(&trust, &cms, &payload, purpose, at, ocsp))
        .await
}

/// Checks the signer against the request's key requirements and the signed-in person: a
/// signature binds the exact content and the actor it authorises.
fn check_signer(
    verified: &VerifiedSignature,
    requirements: &KeyRequirements,
    viewer: &SignedIn,
) -> Result<(), SignatureRefusal> {
    let holder = &verified.signer.signer;
    let iin = holder.iin.as_deref();
    if iin != Some(viewer.iin.as_str())
        || requirements
            .iin
            .as_deref()
            .is_some_and(|expected| iin != Some(expected))
    {
        return Err(SignatureRefusal::SignerMismatch);
    }
    // An organisation's key must hold one of the roles the request accepts (an EKU in NCA
    // RK's profile).
    if !requirements.role_oids.is_empty()
        && !requirements
            .role_oids
            .iter()
            .any(|role| holder.extended_key_usage.contains(role))
    {
        return Err(SignatureRefusal::SignerMismatch);
    }
    match requirements.bin.as_deref() {
        None => {
            if !holder.roles.contains(&signatures::Role::Individual)
                || holder.roles.contains(&signatures::Role::LegalEntity)
            {
                return Err(SignatureRefusal::NotAnIndividualKey);
            }
        }
        Some(bin) => {
            if holder.bin.as_deref() != Some(bin) {
                return Err(SignatureRefusal::SignerMismatch);
            }
        }
    }
    Ok(())
}

/// Stores a verified signature and the evidence its verification relied on (each CRL file and
/// OCSP response once, under its digest). Part of the caller's transaction.
pub async fn store<C: ConnectionTrait>(
    db: &C,
    purpose: SignaturePurpose,
    subject_id: Uuid,
    verified: &VerifiedSignature,
    received_at: OffsetDateTime,
) -> Result<Uuid, sea_orm::DbErr> {
    let id = Uuid::new_v4();
    stored_signature::ActiveModel {
        id: Set(id),
        purpose: Set(purpose),
        subject_id: Set(subject_id),
        signer_iin: Set(verified.signer.signer.iin.clone()),
        signer_serial: Set(verified.signer.serial_number.clone()),
        cms: Set(verified.cms.clone()),
        signed_content: Set(verified.content.clone()),
        report: Set(verified.report.to_json()),
        valid: Set(true),
        received_at: Set(received_at),
        method: Set(AuthMethod::Eds),
        masked_phone: Set(None),
    }
    .insert(db)
    .await?;
    for crl in verified.trust.crl_files.iter() {
        keep_evidence(db, id, EvidenceKind::Crl, crl.clone(), received_at).await?;
    }
    // The OCSP responses the verification relied on, byte for byte as the responder signed
    // them: what a later re-check hands back (`StoredEvidence`), beside the CRLs.
    for ocsp in &verified.report.evidence.ocsp_responses {
        keep_evidence(
            db,
            id,
            EvidenceKind::Ocsp,
            ocsp.response.clone(),
            received_at,
        )
        .await?;
    }
    Ok(id)
}

/// Keeps a piece of evidence once under its SHA-256 (content-addressed: a CRL that many
/// verifications relied on is stored once) and links it to a stored signature.
pub(crate) async fn keep_evidence<C: ConnectionTrait>(
    db: &C,
    signature_id: Uuid,
    kind: EvidenceKind,
    bytes: Vec<u8>,
    at: OffsetDateTime,
) -> Result<(), sea_orm::DbErr> {
    let digest = hex_sha256(&bytes);
    evidence::Entity::insert(evidence::ActiveModel {
        digest: Set(digest.clone()),
        kind: Set(kind),
        bytes: Set(bytes),
        created_at: Set(at),
    })
    .on_conflict(
        OnConflict::column(evidence::Column::Digest)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    signature_evidence::ActiveModel {
        signature_id: Set(signature_id),
        digest: Set(digest),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Marks a request used, if it is still neither used nor void: of two racing signers, exactly
/// one sees `true`.
async fn consume<C: ConnectionTrait>(
    db: &C,
    request_id: Uuid,
    now: OffsetDateTime,
) -> Result<bool, sea_orm::DbErr> {
    let used = signing_request::Entity::update_many()
        .col_expr(signing_request::Column::UsedAt, Expr::value(now))
        .filter(signing_request::Column::Id.eq(request_id))
        .filter(signing_request::Column::UsedAt.is_null())
        .filter(signing_request::Column::VoidedAt.is_null())
        .exec(db)
        .await?;
    Ok(used.rows_affected == 1)
}

/// Why signing a request failed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// No such request, or not one the caller may see.
    #[error("no such signing request")]
    NotFound,
    /// The caller may see it but not sign it.
    #[error("the caller may not sign this request")]
    NotAllowed,
    /// Already used.
    #[error("the signing request was already used")]
    RequestUsed,
    /// Its subject changed since it was issued.
    #[error("the signing request is void")]
    RequestVoid,
    /// Past its expiry.
    #[error("the signing request has expired")]
    RequestExpired,
    /// Another signing method than the request allows.
    #[error("the signing method is not allowed for this request")]
    MethodNotAllowed,
    /// The signature does not sign the request.
    #[error(transparent)]
    Signature(#[from] SignatureRefusal),
    /// The subject changed while the signature was being checked (a concurrent change won).
    #[error("the subject changed meanwhile")]
    Conflict,
    /// The one-time password was not accepted.
    #[error(transparent)]
    Otp(#[from] OtpError),
    /// The subject was decided meanwhile (a consent given, declined or expired).
    #[error("the subject was already decided")]
    SubjectDecided,
    /// No verification slot came free in time: try again shortly.
    #[error("busy")]
    Busy,
    /// Not the caller's fault.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for SignError {
    fn from(error: sea_orm::DbErr) -> Self {
        SignError::Internal(error.into())
    }
}

/// What a signing request signs, and what happens once it is signed.
#[async_trait]
pub trait SigningSubject: Send + Sync {
    /// What completing the subject gives back.
    type Completed: Send;

    /// The stored signature's purpose.
    fn purpose(&self) -> SignaturePurpose;

    /// Before any verification: may this person sign this request, and does the request still
    /// describe the subject as it is? (`NotFound`, `NotAllowed`, `RequestVoid`.)
    async fn check(
        &self,
        ctx: &ServiceContext,
        viewer: &SignedIn,
        request: &signing_request::Model,
    ) -> Result<(), SignError>;

    /// Inside the transaction, first of all (the lock order): locks the subject and checks the
    /// request still describes it (`Conflict` otherwise).
    async fn lock(
        &self,
        txn: &DatabaseTransaction,
        request: &signing_request::Model,
    ) -> Result<(), SignError>;

    /// Inside the same transaction, after the signature is stored: what signing does to the
    /// subject (`ctx` for the registry ports it may consult).
    async fn complete(
        &self,
        ctx: &ServiceContext,
        txn: &DatabaseTransaction,
        viewer: &SignedIn,
        request: &signing_request::Model,
        signature_id: Uuid,
        now: OffsetDateTime,
    ) -> Result<Self::Completed, SignError>;
}

/// A request the viewer may read: one whose subject the viewer may read.
pub async fn find_request(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    id: Uuid,
) -> Result<Option<signing_request::Model>, InternalError> {
    let Some(request) = signing_request::Entity::find_by_id(id).one(&ctx.db).await? else {
        return Ok(None);
    };
    let visible = match request.subject_kind {
        SigningSubjectKind::Application => {
            crate::service::applications::find(ctx, viewer, request.subject_id)
                .await?
                .is_some_and(|a| crate::policy::may_change(viewer, &a))
        }
        SigningSubjectKind::Consent => request.expected_iin.as_deref() == Some(&viewer.iin),
        SigningSubjectKind::Decision => {
            request.expected_iin.as_deref() == Some(&viewer.iin)
                && crate::service::applications::find(ctx, viewer, request.subject_id)
                    .await?
                    .is_some_and(|a| crate::policy::may_review(viewer, &a))
        }
        SigningSubjectKind::Appeal => {
            crate::service::appeals::find(ctx, viewer, request.subject_id)
                .await?
                .is_some()
        }
        SigningSubjectKind::AppealAct => {
            request.expected_iin.as_deref() == Some(&viewer.iin)
                && crate::service::appeals::find(ctx, viewer, request.subject_id)
                    .await?
                    .is_some()
        }
    };
    Ok(visible.then_some(request))
}

/// A request that `viewer` may sign now with `method`: found, checked by its subject, neither
/// used nor void nor expired, and offering that method.
async fn signable<S: SigningSubject>(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    request_id: Uuid,
    method: SigningMethod,
    subject: &S,
    now: OffsetDateTime,
) -> Result<signing_request::Model, SignError> {
    let Some(request) = signing_request::Entity::find_by_id(request_id)
        .one(&ctx.db)
        .await?
    else {
        return Err(SignError::NotFound);
    };
    subject.check(ctx, viewer, &request).await?;
    if request.used_at.is_some() {
        return Err(SignError::RequestUsed);
    }
    if request.voided_at.is_some() {
        return Err(SignError::RequestVoid);
    }
    if request.expires_at <= now {
        return Err(SignError::RequestExpired);
    }
    if !allowed_methods(&request).contains(&method) {
        return Err(SignError::MethodNotAllowed);
    }
    Ok(request)
}

/// A signature made, to be stored.
enum Made<'a> {
    Cms(&'a VerifiedSignature),
    Otp(&'a SealedOtpSignature),
}

/// In one transaction, in the lock order: locks the subject, consumes the request, stores the
/// signature and its evidence, and completes the subject.
async fn complete<S: SigningSubject>(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    request: &signing_request::Model,
    made: Made<'_>,
    subject: &S,
    received_at: OffsetDateTime,
) -> Result<S::Completed, SignError> {
    let txn = ctx.db.begin().await?;
    subject.lock(&txn, request).await?;
    if !consume(&txn, request.id, received_at).await? {
        txn.rollback().await?;
        return Err(SignError::Conflict);
    }
    let purpose = subject.purpose();
    let signature_id = match made {
        Made::Cms(verified) => {
            store(&txn, purpose, request.subject_id, verified, received_at).await?
        }
        Made::Otp(sealed) => {
            store_otp(&txn, purpose, request.subject_id, sealed, received_at).await?
        }
    };
    match subject
        .complete(ctx, &txn, viewer, request, signature_id, received_at)
        .await
    {
        Ok(completed) => {
            txn.commit().await?;
            Ok(completed)
        }
        Err(error) => {
            txn.rollback().await?;
            Err(error)
        }
    }
}

/// Signs a request by EDS: checks it, verifies the CMS against it, and completes it.
#[tracing::instrument(skip_all)]
pub async fn sign_with_cms<S: SigningSubject>(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    request_id: Uuid,
    cms: &str,
    subject: &S,
) -> Result<S::Completed, SignError> {
    let received_at = ctx.clock.now();
    let request = signable(
        ctx,
        viewer,
        request_id,
        SigningMethod::Eds,
        subject,
        received_at,
    )
    .await?;
    let requirements = requirements(&request);
    let purpose = match requirements.purpose {
        KeyPurpose::Sign => Purpose::Sign,
        KeyPurpose::Auth => Purpose::Auth,
    };
    let verified = verify_on_slot(ctx, cms, &request.payload, purpose, received_at)
        .await
        .map_err(|_| SignError::Busy)??;
    check_signer(&verified, &requirements, viewer)?;
    complete(
        ctx,
        viewer,
        &request,
        Made::Cms(&verified),
        subject,
        received_at,
    )
    .await
}

/// Signs a request with a one-time password sent for it (`requestOtp` with `SIGN`): checks
/// the request, has the store accept the code (which consumes it), seals the evidence, and
/// completes the request.
#[tracing::instrument(skip_all)]
pub async fn sign_with_otp<S: SigningSubject>(
    ctx: &ServiceContext,
    otp: &OtpRuntime,
    viewer: &SignedIn,
    request_id: Uuid,
    code: &str,
    subject: &S,
) -> Result<S::Completed, SignError> {
    let received_at = ctx.clock.now();
    let request = signable(
        ctx,
        viewer,
        request_id,
        SigningMethod::Otp,
        subject,
        received_at,
    )
    .await?;
    // An IIN that fails the checksum (NCA RK's test certificates have them) has no phone in
    // the mobile database, so no code can have been sent to it.
    let signer = Iin::parse(&viewer.iin).map_err(|_| SignError::Otp(OtpError::Expired))?;
    let verified = crate::service::otp::verify_sign(ctx, otp, &signer, request.id, code).await?;
    let sealed = crate::service::otp::seal_signature(otp, &request, &verified);
    complete(
        ctx,
        viewer,
        &request,
        Made::Otp(&sealed),
        subject,
        received_at,
    )
    .await
}

/// Stores a signature made with a one-time password: the sealed evidence as its signed
/// content, the seal as its signature, and the sealed document in the evidence table. Part of
/// the caller's transaction.
async fn store_otp<C: ConnectionTrait>(
    db: &C,
    purpose: SignaturePurpose,
    subject_id: Uuid,
    sealed: &SealedOtpSignature,
    received_at: OffsetDateTime,
) -> Result<Uuid, sea_orm::DbErr> {
    let id = Uuid::new_v4();
    let report = serde_json::json!({
        "method": "OTP",
        "valid": true,
        "maskedPhone": sealed.masked_phone,
        "seal": sealed.seal,
    });
    let signature = STANDARD.decode(&sealed.seal.signature).unwrap_or_default();
    stored_signature::ActiveModel {
        id: Set(id),
        purpose: Set(purpose),
        subject_id: Set(subject_id),
        signer_iin: Set(Some(sealed.signer_iin.clone())),
        signer_serial: Set(None),
        cms: Set(signature),
        signed_content: Set(sealed.evidence.clone()),
        report: Set(report.to_string()),
        valid: Set(true),
        received_at: Set(received_at),
        method: Set(AuthMethod::Otp),
        masked_phone: Set(Some(sealed.masked_phone.clone())),
    }
    .insert(db)
    .await?;
    let document = serde_json::to_vec(&serde_json::json!({
        "evidence": STANDARD.encode(&sealed.evidence),
        "seal": sealed.seal,
    }))
    .unwrap_or_default();
    keep_evidence(db, id, EvidenceKind::OtpSeal, document, received_at).await?;
    Ok(id)
}

/// How long a signing request may be signed. NCALayer needs the citizen to pick a key and type
/// a password: minutes, not hours.
pub const SIGNING_TTL: Duration = Duration::minutes(30);
