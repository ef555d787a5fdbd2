//! An appeal's fields (DOMAIN: appeals: full name, IIN and postal address of a natural person,
//! BIN for a legal entity; the body addressed; the essence; the date of filing; the signature)
//! and the draft with its signing request. Malformed input is refused; a requirement left out
//! never is: it is recorded, and after filing sets the appeal for correction.

use super::{Actor, AppealKind, AppealStatus};
use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::{ActorRole, Bin, Iin, MultilineText, Text};
use crate::service::InternalError;
use crate::service::signing::{self, KeyRequirements, NewSigningRequest, SigningMethod};
use entities::enums::{KeyPurpose, SigningSubjectKind};
use entities::{appeal, signing_request};
use sea_orm::{ActiveModelTrait, Set, TransactionTrait};
use serde_json::json;
use signatures::rfc3339;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The `type` of an appeal's signing payload.
pub const PAYLOAD_TYPE: &str = "registration-kz/appeal";

/// The `type` of a complaint's signing payload.
pub const COMPLAINT_PAYLOAD_TYPE: &str = "registration-kz/complaint";

/// What makes a draft a complaint: what it is against, decided by the service from the record
/// (never taken from the filer), and the filer's request to restore a missed term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintPart {
    /// `REFUSAL`, `APPEAL_DECISION` or `MISSED_DEADLINE`.
    pub against: &'static str,
    /// The application or appeal complained of.
    pub target_id: Uuid,
    /// When the person learned of the act: the notification on record.
    pub learned_at: OffsetDateTime,
    /// The body that hears it.
    pub hearing_body_bin: String,
    /// Why a late complaint should be heard anyway.
    pub restoration_reason: Option<String>,
}

/// Longest full name or organisation name, in characters.
pub const MAX_NAME: usize = 300;
/// Longest postal address, in characters.
pub const MAX_ADDRESS: usize = 500;
/// Longest essence, in characters.
pub const MAX_ESSENCE: usize = 5000;

/// A requirement of an appeal that it misses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Requirement {
    /// The full name (a person's, or the organisation's name).
    FullName,
    /// A natural person's IIN.
    Iin,
    /// A natural person's postal address.
    PostalAddress,
    /// A legal entity's BIN.
    Bin,
}

impl Requirement {
    /// As stored and as the API names it.
    pub fn code(self) -> &'static str {
        match self {
            Requirement::FullName => "FULL_NAME",
            Requirement::Iin => "IIN",
            Requirement::PostalAddress => "POSTAL_ADDRESS",
            Requirement::Bin => "BIN",
        }
    }

    /// From the stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Requirement::FullName,
            Requirement::Iin,
            Requirement::PostalAddress,
            Requirement::Bin,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }
}

/// The fields of an appeal as given (empty or absent ones are missing requirements).
#[derive(Debug, Clone)]
pub struct AppealFields {
    pub kind: AppealKind,
    pub full_name: Option<String>,
    pub iin: Option<String>,
    pub bin: Option<String>,
    pub postal_address: Option<String>,
    /// The BIN of the administrative body addressed.
    pub body_bin: String,
    pub essence: String,
    /// The date of filing the applicant wrote.
    pub appeal_date: Date,
    /// The application it concerns.
    pub application_id: Option<Uuid>,
}

/// Which field is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    FullName,
    Iin,
    Bin,
    PostalAddress,
    Body,
    Essence,
    AppealDate,
    Application,
    /// A withdrawal's reason.
    Reason,
}

/// Why a draft (or a correction) cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum AppealError {
    /// A field is malformed (too long, control characters, a bad check digit, a date in the
    /// future).
    #[error("a field is malformed")]
    Invalid(Field),
    /// The body addressed is not a known administrative body.
    #[error("unknown administrative body")]
    UnknownBody,
    /// No such appeal or application, or not one the caller may see.
    #[error("not found")]
    NotFound,
    /// The version is stale.
    #[error("the appeal changed meanwhile")]
    Conflict,
    /// Not in a status that allows this.
    #[error("the appeal cannot be changed so in its status")]
    NotEditable,
    /// The correction deadline has passed.
    #[error("the correction deadline has passed")]
    CorrectionDeadlinePassed,
    /// A complaint names an application or appeal with no act, action or inaction to
    /// complain of (not refused, not decided, no deadline missed).
    #[error("nothing to complain of")]
    NothingToComplainOf,
    /// Not the caller's fault.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for AppealError {
    fn from(error: sea_orm::DbErr) -> Self {
        AppealError::Internal(error.into())
    }
}

/// The fields, checked: the values to store and the requirements missing.
#[derive(Debug, Clone)]
pub struct Checked {
    pub kind: AppealKind,
    pub full_name: Option<String>,
    pub iin: Option<String>,
    pub bin: Option<String>,
    pub postal_address: Option<String>,
    pub body_bin: String,
    pub essence: String,
    pub appeal_date: Date,
    pub application_id: Option<Uuid>,
    pub missing: Vec<Requirement>,
}

/// A text that is given and not blank.
fn present(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

/// Checks the fields against the viewer and the Almaty date of `now`.
pub async fn check(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    fields: &AppealFields,
    now: OffsetDateTime,
) -> Result<Checked, AppealError> {
    let invalid = AppealError::Invalid;
    let full_name = present(&fields.full_name)
        .map(|n| Text::parse(n, MAX_NAME).map_err(|_| invalid(Field::FullName)))
        .transpose()?;
    let iin = present(&fields.iin)
        .map(|n| Iin::parse(n).map_err(|_| invalid(Field::Iin)))
        .transpose()?;
    let bin = present(&fields.bin)
        .map(|n| Bin::parse(n).map_err(|_| invalid(Field::Bin)))
        .transpose()?;
    let postal_address = present(&fields.postal_address)
        .map(|n| Text::parse(n, MAX_ADDRESS).map_err(|_| invalid(Field::PostalAddress)))
        .transpose()?;
    let body = Bin::parse(fields.body_bin.trim()).map_err(|_| invalid(Field::Body))?;
    if super::body(ctx, body.as_str()).await?.is_none() {
        return Err(AppealError::UnknownBody);
    }
    let essence =
        MultilineText::parse(&fields.essence, MAX_ESSENCE).map_err(|_| invalid(Field::Essence))?;
    if fields.appeal_date > ctx.calendar.almaty().at(now).date() {
        return Err(invalid(Field::AppealDate));
    }
    if let Some(application_id) = fields.application_id
        && crate::service::applications::find(ctx, viewer, application_id)
            .await?
            .is_none()
    {
        return Err(invalid(Field::Application));
    }
    let mut missing = Vec::new();
    if full_name.is_none() {
        missing.push(Requirement::FullName);
    }
    match fields.kind {
        AppealKind::Person => {
            if iin.is_none() {
                missing.push(Requirement::Iin);
            }
            if postal_address.is_none() {
                missing.push(Requirement::PostalAddress);
            }
        }
        AppealKind::LegalEntity => {
            if bin.is_none() {
                missing.push(Requirement::Bin);
            }
        }
    }
    // A person's appeal carries no BIN, and a legal entity's no IIN: what does not belong to
    // the kind is not kept.
    let (iin, bin) = match fields.kind {
        AppealKind::Person => (iin, None),
        AppealKind::LegalEntity => (None, bin),
    };
    Ok(Checked {
        kind: fields.kind,
        full_name: full_name.map(|t| t.as_str().to_owned()),
        iin: iin.map(|i| i.as_str().to_owned()),
        bin: bin.map(|b| b.as_str().to_owned()),
        postal_address: postal_address.map(|t| t.as_str().to_owned()),
        body_bin: body.as_str().to_owned(),
        essence: essence.as_str().to_owned(),
        appeal_date: fields.appeal_date,
        application_id: fields.application_id,
        missing,
    })
}

/// A date written `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<Date> {
    Date::parse(
        text.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// The requirements as stored.
pub fn missing_json(missing: &[Requirement]) -> String {
    let codes: Vec<&str> = missing.iter().map(|r| r.code()).collect();
    serde_json::to_string(&codes).unwrap_or_else(|_| "[]".to_owned())
}

/// Creates a `DRAFT` appeal from the fields and a signing request over its version 1 (each call
/// a new draft: a draft nobody signs is harmless).
#[tracing::instrument(skip_all)]
pub async fn prepare(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    fields: &AppealFields,
) -> Result<(appeal::Model, signing_request::Model), AppealError> {
    let now = ctx.clock.now();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let checked = check(ctx, viewer, fields, now).await?;
    create(ctx, viewer, &checked, None, now).await
}

/// Stores a draft (an appeal, or a complaint with its part) and its signing request.
pub(crate) async fn create(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    checked: &Checked,
    complaint: Option<&ComplaintPart>,
    now: OffsetDateTime,
) -> Result<(appeal::Model, signing_request::Model), AppealError> {
    let txn = ctx.db.begin().await?;
    let appeal = appeal::ActiveModel {
        id: Set(Uuid::new_v4()),
        number: Set(crate::service::applications::new_number(now)?),
        applicant_person_id: Set(viewer.person_id),
        kind: Set(checked.kind.as_str().to_owned()),
        full_name: Set(checked.full_name.clone().unwrap_or_default()),
        iin: Set(checked.iin.clone()),
        bin: Set(checked.bin.clone()),
        postal_address: Set(checked.postal_address.clone()),
        body_bin: Set(checked.body_bin.clone()),
        essence: Set(checked.essence.clone()),
        appeal_date: Set(checked.appeal_date),
        application_id: Set(checked.application_id),
        status: Set(AppealStatus::Draft.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        received_at: Set(None),
        receipt_number: Set(None),
        receiver_name: Set(None),
        receiver_position: Set(None),
        missing: Set(missing_json(&checked.missing)),
        signature_id: Set(None),
        procedure: Set(match complaint {
            Some(_) => super::Procedure::Complaint,
            None => super::Procedure::Appeal,
        }
        .as_str()
        .to_owned()),
        handling_body_bin: Set(None),
        referred_at: Set(None),
        outcome: Set(None),
        decision_reason: Set(None),
        decided_at: Set(None),
        decided_by: Set(None),
        decision_signature_id: Set(None),
        term_ended_at: Set(None),
        deemed_refused_at: Set(None),
        extension_reason: Set(None),
        extended_at: Set(None),
        extended_by: Set(None),
        against: Set(complaint.map(|c| c.against.to_owned())),
        target_id: Set(complaint.map(|c| c.target_id)),
        learned_at: Set(complaint.map(|c| c.learned_at)),
        late: Set(false),
        restoration_reason: Set(complaint.and_then(|c| c.restoration_reason.clone())),
        restoration: Set(None),
        hearing_body_bin: Set(complaint.map(|c| c.hearing_body_bin.clone())),
        forwarded_at: Set(None),
        act_cancelled: Set(false),
    }
    .insert(&txn)
    .await?;
    super::record_change(
        &txn,
        &appeal,
        None,
        &Actor {
            person: Some(viewer.person_id),
            role: ActorRole::Applicant,
            reason: None,
        },
        now,
    )
    .await?;
    let expires_at = now + signing::SIGNING_TTL;
    let bytes = serde_json::to_vec(&payload(&appeal, now, expires_at)).unwrap_or_default();
    let request = signing::create_request(
        &txn,
        NewSigningRequest {
            subject_kind: SigningSubjectKind::Appeal,
            subject_id: appeal.id,
            subject_version: appeal.version,
            payload: bytes,
            text: text(&appeal, expires_at),
            requirements: KeyRequirements {
                purpose: KeyPurpose::Sign,
                extended_key_usage_oids: vec![signing::EKU_SIGN.to_owned()],
                iin: Some(viewer.iin.clone()),
                bin: None,
                role_oids: Vec::new(),
            },
            // DOMAIN: appeals: signed by the applicant (EDS, or the SMS code the portal's
            // applications are signed with)
            allowed_methods: vec![SigningMethod::Eds, SigningMethod::Otp],
            expires_at,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok((appeal, request))
}

/// The canonical content of one version of an appeal (RFC 8785 like the application's:
/// `serde_json`'s maps are sorted, output is compact, no floats).
fn payload(
    appeal: &appeal::Model,
    issued_at: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> serde_json::Value {
    let complaint = super::Procedure::of(appeal) == super::Procedure::Complaint;
    let mut content = json!({
        "type": if complaint { COMPLAINT_PAYLOAD_TYPE } else { PAYLOAD_TYPE },
        "appealId": appeal.id.to_string(),
        "number": appeal.number,
        "version": appeal.version,
        "kind": appeal.kind,
        "fullName": appeal.full_name,
        "iin": appeal.iin,
        "bin": appeal.bin,
        "postalAddress": appeal.postal_address,
        "bodyBin": appeal.body_bin,
        "essence": appeal.essence,
        "appealDate": appeal.appeal_date.to_string(),
        "applicationId": appeal.application_id.map(|id| id.to_string()),
        "issuedAt": rfc3339(issued_at),
        "expiresAt": rfc3339(expires_at),
    });
    if complaint {
        super::set_field(&mut content, "against", json!(appeal.against));
        super::set_field(
            &mut content,
            "targetId",
            json!(appeal.target_id.map(|id| id.to_string())),
        );
        super::set_field(
            &mut content,
            "learnedAt",
            json!(appeal.learned_at.map(rfc3339)),
        );
        super::set_field(
            &mut content,
            "hearingBodyBin",
            json!(appeal.hearing_body_bin),
        );
        super::set_field(
            &mut content,
            "restorationReason",
            json!(appeal.restoration_reason),
        );
    }
    content
}

/// The same content for a person to read, in Kazakh and Russian.
fn text(appeal: &appeal::Model, expires_at: OffsetDateTime) -> String {
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_owned());
    let who = match appeal.kind.as_str() {
        "LEGAL_ENTITY" => format!("БСН/БИН {}", dash(&appeal.bin)),
        _ => format!(
            "ЖСН/ИИН {}, {}",
            dash(&appeal.iin),
            dash(&appeal.postal_address)
        ),
    };
    let (kk, ru) = match super::Procedure::of(appeal) {
        super::Procedure::Complaint => ("Шағым", "Жалоба"),
        super::Procedure::Appeal => ("Әкімшілік өтініш", "Административное обращение"),
    };
    format!(
        "{kk} № {number}, {date}. Өтініш беруші: {name}, {who}. Кімге: БСН {body}. Мәні: {essence}. Қол қою мерзімі: {expires} дейін.\n\
         {ru} № {number} от {date}. Заявитель: {name}, {who}. Кому: БИН {body}. Суть: {essence}. Подписать до: {expires}.",
        number = appeal.number,
        date = appeal.appeal_date,
        name = if appeal.full_name.is_empty() {
            "—"
        } else {
            &appeal.full_name
        },
        body = appeal.body_bin,
        essence = appeal.essence,
        expires = rfc3339(expires_at),
    )
}
