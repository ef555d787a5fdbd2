//! Signing and submitting an application: a signing request fixes the exact bytes of one
//! version; the applicant's signature over those bytes submits it, through the one signing
//! contract of [`super::signing`].

use super::InternalError;
use super::applications::draft::{Missing, missing_requirements};
use super::applications::{self, Actor, DraftError};
use super::signing::{
    self, KeyRequirements, NewSigningRequest, SignError, SigningMethod, SigningSubject,
};
use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::{ActorRole, ApplicationStatus, RefusalGround};
use crate::policy;
use crate::service::{consents, property};
use async_trait::async_trait;
use entities::enums::{self as stored, KeyPurpose, SignaturePurpose, SigningSubjectKind};
use entities::{application, person, signing_request};
use sea_orm::{ActiveEnum, DatabaseTransaction, EntityTrait};
use serde_json::{Value, json};
use signatures::rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

/// The `type` of an application's signing payload.
pub const PAYLOAD_TYPE: &str = "registration-kz/application";

/// Why signing could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// No such application, or not one the caller may see.
    #[error("no such application")]
    NotFound,
    /// The caller may see it but not sign it.
    #[error("the caller may not sign this application")]
    NotAllowed,
    /// Only a draft is signed.
    #[error("only a draft can be signed")]
    NotEditable,
    /// The version is stale.
    #[error("the application changed meanwhile")]
    Conflict,
    /// Something still blocks submission (never empty).
    #[error("the application is incomplete")]
    RequirementsMissing(Vec<Missing>),
    /// Not the caller's fault.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for PrepareError {
    fn from(error: sea_orm::DbErr) -> Self {
        PrepareError::Internal(error.into())
    }
}

/// Why a submission failed: the signing contract's errors.
pub type SubmitError = SignError;

/// The canonical content of one version of an application (RFC 8785: `serde_json`'s maps are
/// sorted, output is compact, and no value is a float).
fn payload(
    app: &application::Model,
    applicant: &person::Model,
    address: Option<String>,
    documents: Value,
    issued_at: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Value {
    let parse = |text: &Option<String>| {
        text.as_deref()
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
    };
    json!({
        "type": PAYLOAD_TYPE,
        "applicationId": app.id.to_string(),
        "number": app.number,
        "version": app.version,
        "applicant": {
            "iin": applicant.iin,
            "surname": applicant.surname,
            "givenName": applicant.given_name,
            "patronymic": applicant.patronymic,
        },
        "subjectIin": app.subject_iin,
        "kind": app.kind.map(|k| k.to_value()),
        "periodMonths": app.period_months,
        "address": {
            "rka": app.address_rka,
            "ownerIin": app.address_owner_iin,
            "areaHundredths": app.address_area_hundredths,
            "text": address,
        },
        "representation": app.representation.as_str(),
        "representationDocument": parse(&app.representation_document),
        "arrivalFromAbroad": parse(&app.arrival_from_abroad),
        // The uploaded documents by their digests: one changed after signing does not match.
        "documents": documents,
        "refugee": app.refugee,
        "personalDataConsent": app.personal_data_consent,
        "channel": app.channel.to_value(),
        // At a front office: the applicant's identity document the officer checked.
        "intake": parse(&app.intake_document),
        "issuedAt": rfc3339(issued_at),
        "expiresAt": rfc3339(expires_at),
    })
}

/// The same content for a person to read, in Kazakh and Russian.
fn text(
    app: &application::Model,
    applicant: &person::Model,
    address: Option<&str>,
    expires_at: OffsetDateTime,
) -> String {
    let name = super::full_name(applicant);
    let temporary = app.kind == Some(stored::RegistrationKind::Temporary);
    let kind_kk = match temporary {
        true => format!("уақытша ({} ай)", app.period_months.unwrap_or_default()),
        false => "тұрақты".to_owned(),
    };
    let kind_ru = match temporary {
        true => format!("временная ({} мес.)", app.period_months.unwrap_or_default()),
        false => "постоянная".to_owned(),
    };
    let consent_kk = if app.personal_data_consent == Some(true) {
        "бар"
    } else {
        "жоқ"
    };
    let consent_ru = if app.personal_data_consent == Some(true) {
        "да"
    } else {
        "нет"
    };
    let address = address.unwrap_or("—");
    let subject = app.subject_iin.as_deref().unwrap_or("—");
    format!(
        "Тұрғылықты жері бойынша тіркеу туралы өтініш № {number} (нұсқа {version}). Өтініш беруші: {name}, ЖСН {iin}. Тіркелетін адамның ЖСН: {subject}. Тіркеу түрі: {kind_kk}. Мекенжай: {address}. Дербес деректерге қол жеткізуге келісім: {consent_kk}. Қол қою мерзімі: {expires} дейін.\n\
         Заявление о регистрации по месту жительства № {number} (версия {version}). Заявитель: {name}, ИИН {iin}. ИИН регистрируемого: {subject}. Вид регистрации: {kind_ru}. Адрес: {address}. Согласие на доступ к персональным данным: {consent_ru}. Подписать до: {expires}.",
        number = app.number,
        version = app.version,
        iin = applicant.iin,
        expires = rfc3339(expires_at),
    )
}

/// Creates a signing request for a draft at `version`, when nothing blocks its submission.
#[tracing::instrument(skip_all)]
pub async fn prepare(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    application_id: Uuid,
    version: i32,
) -> Result<signing_request::Model, PrepareError> {
    let db = &ctx.db;
    let Some(app) = application::Entity::find_by_id(application_id)
        .one(db)
        .await?
        .filter(|a| policy::may_read(viewer, a))
    else {
        return Err(PrepareError::NotFound);
    };
    if !policy::may_change(viewer, &app) {
        return Err(PrepareError::NotAllowed);
    }
    if ApplicationStatus::from(app.status) != ApplicationStatus::Draft {
        return Err(PrepareError::NotEditable);
    }
    if app.version != version {
        return Err(PrepareError::Conflict);
    }
    let found = match property::address_of(&app) {
        Some(address) => property::find(ctx, &address).await?,
        None => None,
    };
    let now = ctx.clock.now();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let mut missing = missing_requirements(
        &app,
        property::address_of(&app).map(|_| found.is_some()),
        (now.year(), u8::from(now.month()), now.day()),
    );
    missing.extend(super::documents::missing(db, &app).await?);
    if !missing.is_empty() {
        return Err(PrepareError::RequirementsMissing(missing));
    }
    let Some(applicant) = person::Entity::find_by_id(app.applicant_person_id)
        .one(db)
        .await?
    else {
        return Err(PrepareError::NotFound);
    };
    let expires_at = now + signing::SIGNING_TTL;
    let address_text = found.map(|p| p.address);
    let bytes = serde_json::to_vec(&payload(
        &app,
        &applicant,
        address_text.clone(),
        super::documents::signing_list(db, app.id).await?,
        now,
        expires_at,
    ))
    .unwrap_or_default();
    let request = signing::create_request(
        db,
        NewSigningRequest {
            subject_kind: SigningSubjectKind::Application,
            subject_id: app.id,
            subject_version: app.version,
            payload: bytes,
            text: text(&app, &applicant, address_text.as_deref(), expires_at),
            requirements: signer_requirements(viewer, &app),
            allowed_methods: match app.channel {
                // DOMAIN: signed by the applicant either with EDS, or with a one-time password sent by SMS
                stored::Channel::Portal => vec![SigningMethod::Eds, SigningMethod::Otp],
                stored::Channel::FrontOffice => vec![SigningMethod::Eds],
            },
            expires_at,
        },
        now,
    )
    .await?;
    Ok(request)
}

/// Who signs an application: on the portal its applicant's own key; at a front office the
/// officer's key of the counter's body, which attests that the applicant was present and
/// identified by the document recorded.
fn signer_requirements(viewer: &SignedIn, app: &application::Model) -> KeyRequirements {
    let (bin, role_oids) = match app.channel {
        stored::Channel::Portal => (None, Vec::new()),
        // DOMAIN: front office: the filing is confirmed by the officer's signature
        stored::Channel::FrontOffice => (
            app.body_bin.clone(),
            super::review::decisions::OFFICER_ROLES
                .iter()
                .map(|r| (*r).to_owned())
                .collect(),
        ),
    };
    KeyRequirements {
        purpose: KeyPurpose::Sign,
        extended_key_usage_oids: vec![signing::EKU_SIGN.to_owned()],
        iin: Some(viewer.iin.clone()),
        bin,
        role_oids,
    }
}

/// An application as the subject of a signing request: signing submits it.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApplicationSubmission;

fn draft_error(error: DraftError) -> SignError {
    match error {
        DraftError::Internal(internal) => SignError::Internal(internal),
        _ => SignError::Conflict,
    }
}

#[async_trait]
impl SigningSubject for ApplicationSubmission {
    type Completed = application::Model;

    fn purpose(&self) -> SignaturePurpose {
        SignaturePurpose::Application
    }

    async fn check(
        &self,
        ctx: &ServiceContext,
        viewer: &SignedIn,
        request: &signing_request::Model,
    ) -> Result<(), SignError> {
        if request.subject_kind != SigningSubjectKind::Application {
            return Err(SignError::NotFound);
        }
        let Some(app) = applications::find(ctx, viewer, request.subject_id).await? else {
            return Err(SignError::NotFound);
        };
        if !policy::may_change(viewer, &app) {
            return Err(SignError::NotAllowed);
        }
        if request.used_at.is_none()
            && (app.version != request.subject_version
                || ApplicationStatus::from(app.status) != ApplicationStatus::Draft)
        {
            return Err(SignError::RequestVoid);
        }
        Ok(())
    }

    async fn lock(
        &self,
        txn: &DatabaseTransaction,
        request: &signing_request::Model,
    ) -> Result<(), SignError> {
        let current = applications::lock(txn, request.subject_id).await?;
        match current {
            Some(app)
                if app.version == request.subject_version
                    && ApplicationStatus::from(app.status) == ApplicationStatus::Draft =>
            {
                Ok(())
            }
            _ => Err(SignError::Conflict),
        }
    }

    async fn complete(
        &self,
        ctx: &ServiceContext,
        txn: &DatabaseTransaction,
        viewer: &SignedIn,
        request: &signing_request::Model,
        _signature_id: Uuid,
        now: OffsetDateTime,
    ) -> Result<application::Model, SignError> {
        let Some(mut app) = application::Entity::find_by_id(request.subject_id)
            .one(txn)
            .await?
        else {
            return Err(SignError::Conflict);
        };
        // The body that decides it, from the moment it is filed (at a front office, the
        // counter's, set when it was opened).
        if app.body_bin.is_none() {
            app.body_bin = Some(ctx.settings.service_body_bin.clone());
        }
        let (role, reason) = match app.channel {
            stored::Channel::Portal => (ActorRole::Applicant, None),
            stored::Channel::FrontOffice => (
                ActorRole::Officer,
                Some("filed at a front office for the applicant present".to_owned()),
            ),
        };
        // DOMAIN: refusal ground (2): no consent to access restricted personal data refuses at once.
        let (to, actor, ground) = if app.personal_data_consent == Some(false) {
            (
                ApplicationStatus::Refused,
                Actor {
                    person: Some(viewer.person_id),
                    role: ActorRole::System,
                    reason: Some("no consent to access restricted personal data".to_owned()),
                },
                Some(RefusalGround::NoPersonalDataConsent),
            )
        } else {
            (
                ApplicationStatus::Submitted,
                Actor {
                    person: Some(viewer.person_id),
                    role,
                    reason,
                },
                None,
            )
        };
        applications::transition(txn, &app, to, actor, ground, now)
            .await
            .map_err(draft_error)
    }
}

/// Submits the application of a signing request with the applicant's CMS over its payload.
pub async fn submit(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    signing_request_id: Uuid,
    cms: &str,
) -> Result<application::Model, SubmitError> {
    let submitted =
        signing::sign_with_cms(ctx, viewer, signing_request_id, cms, &ApplicationSubmission)
            .await?;
    routed(ctx, submitted).await
}

/// The owner check and the consents it calls for, right after the submission committed (the
/// registry is asked outside any transaction); the maintenance task repeats it for an
/// application it left `SUBMITTED`.
async fn routed(
    ctx: &ServiceContext,
    submitted: application::Model,
) -> Result<application::Model, SubmitError> {
    match consents::route_submitted(ctx, submitted.id, ctx.clock.now()).await {
        Ok(Some(routed)) => Ok(routed),
        Ok(None) => Ok(submitted),
        Err(error) => {
            // Submitted it is; the maintenance task routes it later.
            tracing::error!(error = %error.chain(), "routing a submitted application failed");
            Ok(submitted)
        }
    }
}

/// Submits the application of a signing request with a one-time password sent for it.
pub async fn submit_with_otp(
    ctx: &ServiceContext,
    otp: &crate::service::otp::OtpRuntime,
    viewer: &SignedIn,
    signing_request_id: Uuid,
    code: &str,
) -> Result<application::Model, SubmitError> {
    let submitted = signing::sign_with_otp(
        ctx,
        otp,
        viewer,
        signing_request_id,
        code,
        &ApplicationSubmission,
    )
    .await?;
    routed(ctx, submitted).await
}
