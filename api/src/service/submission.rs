//! Signing and submitting an application: a signing request fixes the exact bytes of one
//! version; the applicant's CMS over those bytes submits it.

use super::ServiceError;
use super::applications::status::ApplicationStatus;
use super::applications::{self, may_see};
use super::sign_in::verify_signed_payload;
use crate::auth::viewer::SignedIn;
use crate::eds::TrustStore;
use crate::graphql::errors::UserErrorCode;
use crate::service::property;
use entities::{application, person, signing_request, stored_signature};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};
use serde_json::{Value, json};
use signatures::{Purpose, Role, rfc3339};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// How long a signing request may be signed. NCALayer needs the citizen to pick a key and type
/// a password: minutes, not hours.
const SIGNING_TTL_MINUTES: i64 = 30;

/// The `type` of an application's signing payload.
pub const PAYLOAD_TYPE: &str = "registration-kz/application";

/// A refusal: the code, the input field, and an optional detail.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub code: UserErrorCode,
    pub field: &'static [&'static str],
    pub detail: Option<String>,
}

fn refuse(code: UserErrorCode, field: &'static [&'static str]) -> Refusal {
    Refusal {
        code,
        field,
        detail: None,
    }
}

/// The canonical content of one version of an application (RFC 8785: `serde_json`'s maps are
/// sorted, output is compact, and no value is a float).
fn payload(
    app: &application::Model,
    applicant: &person::Model,
    address: Option<String>,
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
        "kind": app.kind,
        "periodMonths": app.period_months,
        "address": {
            "rka": app.address_rka,
            "ownerIin": app.address_owner_iin,
            "areaHundredths": app.address_area_hundredths,
            "text": address,
        },
        "representation": app.representation,
        "representationDocument": parse(&app.representation_document),
        "arrivalFromAbroad": parse(&app.arrival_from_abroad),
        "refugee": app.refugee,
        "personalDataConsent": app.personal_data_consent,
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
    let name = [
        applicant.surname.as_deref(),
        applicant.given_name.as_deref(),
        applicant.patronymic.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let kind_kk = match app.kind.as_deref() {
        Some("TEMPORARY") => format!("уақытша ({} ай)", app.period_months.unwrap_or_default()),
        _ => "тұрақты".to_owned(),
    };
    let kind_ru = match app.kind.as_deref() {
        Some("TEMPORARY") => format!("временная ({} мес.)", app.period_months.unwrap_or_default()),
        _ => "постоянная".to_owned(),
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

/// A created signing request.
#[derive(Debug)]
pub struct Prepared {
    pub request: signing_request::Model,
}

/// A signing request the viewer may see: the applicant's own.
pub async fn find_request(
    db: &DatabaseConnection,
    viewer: &SignedIn,
    id: Uuid,
) -> Result<Option<signing_request::Model>, ServiceError> {
    let Some(request) = signing_request::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let owner = application::Entity::find_by_id(request.application_id)
        .one(db)
        .await?
        .is_some_and(|a| a.applicant_person_id == viewer.person_id);
    Ok(owner.then_some(request))
}

/// Creates a signing request for a draft at `version`, when nothing blocks its submission.
pub async fn prepare(
    db: &DatabaseConnection,
    viewer: &SignedIn,
    application_id: Uuid,
    version: i32,
) -> Result<Result<Prepared, Refusal>, ServiceError> {
    let Some(app) = application::Entity::find_by_id(application_id)
        .one(db)
        .await?
        .filter(|a| may_see(viewer, a))
    else {
        return Ok(Err(refuse(
            UserErrorCode::NotFound,
            &["input", "applicationId"],
        )));
    };
    if app.applicant_person_id != viewer.person_id {
        return Ok(Err(refuse(
            UserErrorCode::NotAllowed,
            &["input", "applicationId"],
        )));
    }
    if app.status != ApplicationStatus::Draft.as_str() {
        return Ok(Err(refuse(
            UserErrorCode::NotEditable,
            &["input", "applicationId"],
        )));
    }
    if app.version != version {
        return Ok(Err(refuse(UserErrorCode::Conflict, &["input", "version"])));
    }
    let found = match property::address_of(&app) {
        Some(address) => property::find(db, &address).await?,
        None => None,
    };
    let today = OffsetDateTime::now_utc();
    let missing = super::applications::draft::missing_requirements(
        &app,
        property::address_of(&app).map(|_| found.is_some()),
        (today.year(), u8::from(today.month()), today.day()),
    );
    if let Some(first) = missing.first() {
        return Ok(Err(Refusal {
            code: UserErrorCode::RequirementsMissing,
            field: first.field,
            detail: Some(format!(
                "{:?}",
                missing.iter().map(|m| m.code).collect::<Vec<_>>()
            )),
        }));
    }
    let Some(applicant) = person::Entity::find_by_id(viewer.person_id).one(db).await? else {
        return Ok(Err(refuse(
            UserErrorCode::NotFound,
            &["input", "applicationId"],
        )));
    };
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(today);
    let expires_at = now + Duration::minutes(SIGNING_TTL_MINUTES);
    let address_text = found.map(|p| p.address);
    let bytes = serde_json::to_vec(&payload(
        &app,
        &applicant,
        address_text.clone(),
        now,
        expires_at,
    ))
    .unwrap_or_default();
    let digest: String = ring::digest::digest(&ring::digest::SHA256, &bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let request = signing_request::ActiveModel {
        id: Set(Uuid::new_v4()),
        application_id: Set(app.id),
        application_version: Set(app.version),
        payload: Set(bytes),
        text: Set(text(&app, &applicant, address_text.as_deref(), expires_at)),
        digest: Set(digest),
        expected_iin: Set(viewer.iin.clone()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        voided_at: Set(None),
        used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(Ok(Prepared { request }))
}

/// Submits the application of a signing request with the applicant's CMS over its payload.
pub async fn submit(
    db: &DatabaseConnection,
    trust: &TrustStore,
    viewer: &SignedIn,
    signing_request_id: Uuid,
    cms: &str,
) -> Result<Result<application::Model, Refusal>, ServiceError> {
    let received_at = OffsetDateTime::now_utc();
    let request_field: &'static [&'static str] = &["input", "signingRequestId"];
    let cms_field: &'static [&'static str] = &["input", "signature", "cms"];
    let Some(request) = signing_request::Entity::find_by_id(signing_request_id)
        .one(db)
        .await?
    else {
        return Ok(Err(refuse(UserErrorCode::NotFound, request_field)));
    };
    let Some(app) = application::Entity::find_by_id(request.application_id)
        .one(db)
        .await?
        .filter(|a| may_see(viewer, a))
    else {
        return Ok(Err(refuse(UserErrorCode::NotFound, request_field)));
    };
    if app.applicant_person_id != viewer.person_id {
        return Ok(Err(refuse(UserErrorCode::NotAllowed, request_field)));
    }
    if request.used_at.is_some() {
        return Ok(Err(refuse(
            UserErrorCode::SigningRequestUsed,
            request_field,
        )));
    }
    if request.voided_at.is_some()
        || app.version != request.application_version
        || app.status != ApplicationStatus::Draft.as_str()
    {
        return Ok(Err(refuse(
            UserErrorCode::SigningRequestVoid,
            request_field,
        )));
    }
    if request.expires_at <= received_at {
        return Ok(Err(refuse(
            UserErrorCode::SigningRequestExpired,
            request_field,
        )));
    }
    let report =
        match verify_signed_payload(trust, cms, &request.payload, Purpose::Sign, received_at) {
            Ok(report) => report,
            Err(refusal) => {
                return Ok(Err(Refusal {
                    code: refusal.code,
                    field: cms_field,
                    detail: refusal.detail,
                }));
            }
        };
    let Some(signer) = report.signers.first() else {
        return Ok(Err(refuse(UserErrorCode::SignerCount, cms_field)));
    };
    // The signer must be the signed-in person, whom the request expects (the applicant or the
    // representative), signing with an individual's key.
    if signer.signer.iin.as_deref() != Some(viewer.iin.as_str())
        || signer.signer.iin.as_deref() != Some(request.expected_iin.as_str())
    {
        return Ok(Err(refuse(UserErrorCode::SignerMismatch, cms_field)));
    }
    if !signer.signer.roles.contains(&Role::Individual)
        || signer.signer.roles.contains(&Role::LegalEntity)
    {
        return Ok(Err(refuse(UserErrorCode::NotAnIndividualKey, cms_field)));
    }

    let txn = db.begin().await?;
    let used = signing_request::Entity::update_many()
        .col_expr(signing_request::Column::UsedAt, Expr::value(received_at))
        .filter(signing_request::Column::Id.eq(request.id))
        .filter(signing_request::Column::UsedAt.is_null())
        .filter(signing_request::Column::VoidedAt.is_null())
        .exec(&txn)
        .await?;
    if used.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(Err(refuse(
            UserErrorCode::SigningRequestUsed,
            request_field,
        )));
    }
    stored_signature::ActiveModel {
        id: Set(Uuid::new_v4()),
        purpose: Set("APPLICATION".to_owned()),
        subject_id: Set(app.id),
        signer_iin: Set(signer.signer.iin.clone()),
        signer_serial: Set(signer.serial_number.clone()),
        cms: Set(super::sign_in::decode_cms_bytes(cms)),
        signed_content: Set(request.payload.clone()),
        report: Set(report.to_json()),
        valid: Set(true),
        received_at: Set(received_at),
    }
    .insert(&txn)
    .await?;
    // DOMAIN: refusal ground (2): no consent to access restricted personal data refuses at once.
    let outcome = if app.personal_data_consent == Some(false) {
        applications::transition(
            &txn,
            &app,
            ApplicationStatus::Refused,
            applications::Actor {
                person: Some(viewer.person_id),
                role: "SYSTEM",
                reason: Some("no consent to access restricted personal data".to_owned()),
            },
            Some("NO_PERSONAL_DATA_CONSENT"),
        )
        .await?
    } else {
        let actor = applications::Actor {
            person: Some(viewer.person_id),
            role: "APPLICANT",
            reason: None,
        };
        applications::transition(&txn, &app, ApplicationStatus::Submitted, actor, None).await?
    };
    match outcome {
        Ok(model) => {
            txn.commit().await?;
            Ok(Ok(model))
        }
        Err(_) => {
            txn.rollback().await?;
            Ok(Err(refuse(UserErrorCode::Conflict, request_field)))
        }
    }
}
