//! The front-office channel: at a counter of the State Corporation an officer files the
//! application for a citizen who is present, having checked their identity document against
//! the state's registries (by number: the document is the state's, not a copy), and an owner
//! who comes to the counter consents in person, which the officer confirms with the body's
//! key. Both are signed through the one signing contract; the officer's signature attests the
//! presence and the document recorded.

use super::InternalError;
use super::applications::draft::DraftChanges;
use super::applications::{self, DraftError, Filer, FrontOfficeIntake};
use super::consents::{self, Decision, Signer};
use super::review::decisions::OFFICER_ROLES;
use super::signing::{self, KeyRequirements, NewSigningRequest, SignError, SigningSubject};
use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::{ActorRole, ApplicationStatus, Iin};
use crate::policy;
use crate::registries::{DocumentMismatch, StateDocument, StateDocumentKind};
use crate::service::{property, representation};
use async_trait::async_trait;
use entities::enums::{ConsentStatus, KeyPurpose, SignaturePurpose, SigningSubjectKind};
use entities::{application, consent, person, signing_request};
use sea_orm::{DatabaseTransaction, EntityTrait};
use serde_json::{Value, json};
use signatures::rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

/// The `type` of the payload an officer signs to confirm a consent given in person.
pub const IN_PERSON_CONSENT_PAYLOAD_TYPE: &str = "registration-kz/consent-in-person";

/// The longest document number accepted, in characters (`state_document.number`'s width).
pub const MAX_DOCUMENT_NUMBER_CHARS: usize = 32;

/// A document named by its kind and number, as printed on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRef {
    pub kind: StateDocumentKind,
    /// Trimmed and upper case, as the registries keep it.
    pub number: String,
}

/// Why a document number cannot be one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a document number is 1 to 32 letters, digits, spaces, hyphens or №")]
pub struct BadDocumentNumber;

impl DocumentRef {
    /// The document of this kind with this number, as a person typed it.
    pub fn new(kind: StateDocumentKind, number: &str) -> Result<Self, BadDocumentNumber> {
        let number = number.trim().to_uppercase();
        let length = number.chars().count();
        let allowed = |c: char| c.is_alphanumeric() || matches!(c, ' ' | '-' | '№');
        if length == 0 || length > MAX_DOCUMENT_NUMBER_CHARS || !number.chars().all(allowed) {
            return Err(BadDocumentNumber);
        }
        Ok(DocumentRef { kind, number })
    }

    /// How the application or the consent records it.
    fn recorded(&self, holder: &Iin, checked_by: &SignedIn, at: OffsetDateTime) -> String {
        json!({
            "kind": self.kind.as_str(),
            "number": self.number,
            "holderIin": holder.as_str(),
            "checkedBy": checked_by.iin,
            "checkedAt": rfc3339(at),
        })
        .to_string()
    }
}

/// A document as the application or the consent recorded it, for the people who read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedDocument {
    pub kind: StateDocumentKind,
    /// All but the last three characters hidden.
    pub masked_number: String,
    pub checked_at: Option<OffsetDateTime>,
}

impl RecordedDocument {
    /// Reads `application.intake_document` or `consent.in_person_document`.
    pub fn read(recorded: Option<&str>) -> Option<Self> {
        let value: Value = serde_json::from_str(recorded?).ok()?;
        Some(RecordedDocument {
            kind: StateDocumentKind::parse(value.get("kind")?.as_str()?)?,
            masked_number: crate::registries::mask_document_number(value.get("number")?.as_str()?),
            checked_at: value
                .get("checkedAt")
                .and_then(Value::as_str)
                .and_then(signatures::parse_rfc3339),
        })
    }
}

/// Why a front-office operation was refused, or failed.
#[derive(Debug, thiserror::Error)]
pub enum FrontOfficeError {
    /// Only an officer of a body works at its counter.
    #[error("only an officer files at a front office")]
    NotAnOfficer,
    /// The population registry does not know the person.
    #[error("the population registry does not know the person")]
    PersonUnknown,
    /// A birth certificate does not identify a person at a counter.
    #[error("not an identity document")]
    NotAnIdentityDocument,
    /// The document does not identify the person.
    #[error("the identity document was not confirmed: {0}")]
    Document(DocumentMismatch),
    /// The person the document names may not consent for the owner.
    #[error("the person present may not consent for this owner")]
    NoAuthority,
    /// No such consent, or not one of the officer's body.
    #[error("no such consent")]
    NotFound,
    /// An organisation's consent is given with its own key, not at a counter.
    #[error("an organisation consents with its own key")]
    OrganisationConsent,
    /// The consent was decided already.
    #[error("the consent was decided already")]
    AlreadyDecided,
    /// Creating the draft failed.
    #[error(transparent)]
    Draft(#[from] DraftError),
    /// Not the caller's fault.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for FrontOfficeError {
    fn from(error: sea_orm::DbErr) -> Self {
        FrontOfficeError::Internal(error.into())
    }
}

/// The document of this kind and number from the state's registries, if it identifies a
/// person on the officer's day; the person is the document's holder.
async fn identified_by(
    ctx: &ServiceContext,
    document: &DocumentRef,
    person: Option<&Iin>,
) -> Result<StateDocument, FrontOfficeError> {
    if !document.kind.is_identity_document() {
        return Err(FrontOfficeError::NotAnIdentityDocument);
    }
    let found = ctx
        .state_documents
        .document(document.kind, &document.number)
        .await
        .map_err(InternalError::from)?;
    let holder = match (person, &found) {
        (Some(person), _) => person.clone(),
        (None, Some(found)) => found.holder.clone(),
        (None, None) => return Err(FrontOfficeError::Document(DocumentMismatch::Unknown)),
    };
    StateDocument::identifies(found.as_ref(), &holder, ctx.clock.now().date())
        .map_err(FrontOfficeError::Document)?;
    found.ok_or(FrontOfficeError::Document(DocumentMismatch::Unknown))
}

/// Opens a draft for the citizen present at the officer's counter, identified by `document`:
/// the channel is the front office, the body the officer's, and the document is recorded.
#[tracing::instrument(skip_all)]
pub async fn open(
    ctx: &ServiceContext,
    officer: &SignedIn,
    applicant: &Iin,
    document: &DocumentRef,
    changes: DraftChanges,
    idempotency_key: Option<String>,
) -> Result<application::Model, FrontOfficeError> {
    let Some(body) = officer.officer_of.clone() else {
        return Err(FrontOfficeError::NotAnOfficer);
    };
    let Some(person) = consents::person_by_iin(ctx, applicant.as_str()).await? else {
        return Err(FrontOfficeError::PersonUnknown);
    };
    // DOMAIN: front office: the applicant's identity document is checked and recorded
    identified_by(ctx, document, Some(applicant)).await?;
    let now = ctx.clock.now();
    let filer = Filer {
        applicant_person_id: person.id,
        applicant_iin: person.iin,
        front_office: Some(FrontOfficeIntake {
            officer_person_id: officer.person_id,
            body_bin: body,
            document: document.recorded(applicant, officer, now),
        }),
    };
    tracing::info!(
        applicant = %applicant.masked(),
        document = document.kind.as_str(),
        "front-office application opened"
    );
    Ok(applications::create_for(ctx, filer, changes, idempotency_key).await?)
}

/// A pending consent of an application of the officer's body, with the application.
async fn pending_consent(
    ctx: &ServiceContext,
    officer: &SignedIn,
    consent_id: Uuid,
) -> Result<(consent::Model, application::Model), FrontOfficeError> {
    let Some(found) = consent::Entity::find_by_id(consent_id).one(&ctx.db).await? else {
        return Err(FrontOfficeError::NotFound);
    };
    let Some(app) = application::Entity::find_by_id(found.application_id)
        .one(&ctx.db)
        .await?
        .filter(|a| policy::may_review(officer, a))
    else {
        return Err(FrontOfficeError::NotFound);
    };
    if found.status != ConsentStatus::Pending
        || ApplicationStatus::from(app.status) != ApplicationStatus::AwaitingConsents
    {
        return Err(FrontOfficeError::AlreadyDecided);
    }
    Ok((found, app))
}

/// Creates the signing request an officer signs to confirm that the owner (or someone who may
/// act for them) consented in person, identified by `document`: the document's holder is the
/// person present.
#[tracing::instrument(skip_all)]
pub async fn prepare_consent_in_person(
    ctx: &ServiceContext,
    officer: &SignedIn,
    consent_id: Uuid,
    document: &DocumentRef,
) -> Result<signing_request::Model, FrontOfficeError> {
    let Some(body) = officer.officer_of.clone() else {
        return Err(FrontOfficeError::NotAnOfficer);
    };
    let (found, app) = pending_consent(ctx, officer, consent_id).await?;
    let Some(party) = found.party_iin.clone() else {
        return Err(FrontOfficeError::OrganisationConsent);
    };
    let present = identified_by(ctx, document, None).await?;
    let today = ctx.clock.now().date();
    // DOMAIN: front office: the owner's personal presence and consent
    let Some(authority) =
        representation::authority(ctx, present.holder.as_str(), &party, today).await?
    else {
        return Err(FrontOfficeError::NoAuthority);
    };
    let signer = Signer {
        iin: present.holder.as_str().to_owned(),
        authority,
    };
    let Some(applicant) = person::Entity::find_by_id(app.applicant_person_id)
        .one(&ctx.db)
        .await?
    else {
        return Err(FrontOfficeError::NotFound);
    };
    let address = match property::address_of(&app) {
        Some(address) => property::find(ctx, &address).await?.map(|p| p.address),
        None => None,
    };
    let now = ctx.clock.now();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let expires_at = (now + signing::SIGNING_TTL).min(found.deadline);
    let mut content = consents::payload(
        &found,
        &app,
        &applicant,
        address.clone(),
        &signer,
        (now, expires_at),
    );
    if let Some(fields) = content.as_object_mut() {
        fields.insert("type".to_owned(), json!(IN_PERSON_CONSENT_PAYLOAD_TYPE));
        fields.insert(
            "inPerson".to_owned(),
            json!({
                "document": { "kind": document.kind.as_str(), "number": document.number },
                "officer": { "iin": officer.iin, "bin": body },
            }),
        );
    }
    let on_behalf = (signer.authority != representation::Authority::Party)
        .then_some((party.as_str(), &signer.authority));
    let text = format!(
        "{}\nМеншік иесі майданшада жеке өзі келісім берді, құжаты: {kind} {masked}; қызметкердің қолымен расталады.\n\
         Собственник лично дал согласие в фронт-офисе, документ: {kind} {masked}; подтверждается подписью сотрудника.",
        consents::text(&app, &applicant, address.as_deref(), on_behalf),
        kind = document.kind.as_str(),
        masked = present.masked_number(),
    );
    let request = signing::create_request(
        &ctx.db,
        NewSigningRequest {
            subject_kind: SigningSubjectKind::Consent,
            subject_id: found.id,
            subject_version: 1,
            payload: serde_json::to_vec(&content).unwrap_or_default(),
            text,
            requirements: KeyRequirements {
                purpose: KeyPurpose::Sign,
                extended_key_usage_oids: vec![signing::EKU_SIGN.to_owned()],
                iin: Some(officer.iin.clone()),
                bin: Some(body),
                role_oids: OFFICER_ROLES.iter().map(|r| (*r).to_owned()).collect(),
            },
            // DOMAIN: consents are by digital signature only; in person, the officer's
            allowed_methods: vec![signing::SigningMethod::Eds],
            expires_at,
        },
        now,
    )
    .await?;
    Ok(request)
}

/// A consent given in person as the subject of the officer's signing request.
#[derive(Debug, Clone, Copy, Default)]
pub struct InPersonConsent;

/// The payload of an in-person request: its document and its signer.
fn in_person_of(request: &signing_request::Model) -> Option<(Value, Signer)> {
    let payload: Value = serde_json::from_slice(&request.payload).ok()?;
    if payload.get("type")?.as_str()? != IN_PERSON_CONSENT_PAYLOAD_TYPE {
        return None;
    }
    let document = payload.get("inPerson")?.get("document")?.clone();
    Some((document, Signer::of_request(request)?))
}

#[async_trait]
impl SigningSubject for InPersonConsent {
    type Completed = consent::Model;

    fn purpose(&self) -> SignaturePurpose {
        SignaturePurpose::Consent
    }

    async fn check(
        &self,
        ctx: &ServiceContext,
        viewer: &SignedIn,
        request: &signing_request::Model,
    ) -> Result<(), SignError> {
        if request.subject_kind != SigningSubjectKind::Consent || in_person_of(request).is_none() {
            return Err(SignError::NotFound);
        }
        if request.expected_iin.as_deref() != Some(&viewer.iin) {
            return Err(SignError::NotAllowed);
        }
        match pending_consent(ctx, viewer, request.subject_id).await {
            Ok(_) => Ok(()),
            Err(FrontOfficeError::AlreadyDecided) => Err(SignError::SubjectDecided),
            Err(FrontOfficeError::Internal(error)) => Err(SignError::Internal(error)),
            Err(_) => Err(SignError::NotFound),
        }
    }

    async fn lock(
        &self,
        txn: &DatabaseTransaction,
        request: &signing_request::Model,
    ) -> Result<(), SignError> {
        consents::lock_for_decision(txn, request).await
    }

    async fn complete(
        &self,
        _ctx: &ServiceContext,
        txn: &DatabaseTransaction,
        viewer: &SignedIn,
        request: &signing_request::Model,
        signature_id: Uuid,
        now: OffsetDateTime,
    ) -> Result<consent::Model, SignError> {
        let (document, signer) = in_person_of(request).ok_or(SignError::NotAllowed)?;
        let mut recorded = document;
        if let Some(fields) = recorded.as_object_mut() {
            fields.insert("holderIin".to_owned(), json!(signer.iin));
            fields.insert("checkedBy".to_owned(), json!(viewer.iin));
            fields.insert("checkedAt".to_owned(), json!(rfc3339(now)));
        }
        let given = consents::decide(
            txn,
            request.subject_id,
            ConsentStatus::Given,
            Decision {
                signature_id: Some(signature_id),
                reason: None,
                signer: Some(&signer),
                in_person: Some((recorded.to_string(), viewer.person_id)),
            },
            (ActorRole::Officer, Some(viewer.person_id)),
            now,
        )
        .await?
        .ok_or(SignError::SubjectDecided)?;
        consents::complete_package(txn, given, (ActorRole::Officer, viewer.person_id), now).await
    }
}

/// Gives a consent in person with the officer's CMS over the request's payload; the last
/// consent puts the application in review, which the service then decides if it can.
pub async fn confirm_consent_in_person(
    ctx: &ServiceContext,
    officer: &SignedIn,
    signing_request_id: Uuid,
    cms: &str,
) -> Result<consent::Model, SignError> {
    let given =
        signing::sign_with_cms(ctx, officer, signing_request_id, cms, &InPersonConsent).await?;
    consents::after_given(ctx, &given).await?;
    Ok(given)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_numbers_are_trimmed_and_upper_cased() {
        let id = DocumentRef::new(StateDocumentKind::IdCard, " 048123456 ").unwrap();
        assert_eq!(id.number, "048123456");
        let passport = DocumentRef::new(StateDocumentKind::Passport, "n12345678").unwrap();
        assert_eq!(passport.number, "N12345678");
        for bad in ["", "   ", "04812\u{202e}3456", "1;DROP", &"9".repeat(33)] {
            assert_eq!(
                DocumentRef::new(StateDocumentKind::IdCard, bad),
                Err(BadDocumentNumber),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_recorded_document_is_read_back_masked() {
        let recorded = json!({"kind": "ID_CARD", "number": "048123456",
            "checkedAt": "2026-12-01T10:00:00Z"})
        .to_string();
        let read = RecordedDocument::read(Some(&recorded)).unwrap();
        assert_eq!(read.kind, StateDocumentKind::IdCard);
        assert_eq!(read.masked_number, "******456");
        assert!(read.checked_at.is_some());
        assert_eq!(RecordedDocument::read(Some("not json")), None);
        assert_eq!(RecordedDocument::read(None), None);
    }
}
