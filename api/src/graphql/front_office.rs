//! The front-office channel in GraphQL: an owner's consent given in person and confirmed by the
//! officer's signature (`prepareConsentInPersonSigning`, `confirmConsentInPerson`), the
//! documents checked there as the application and the consent show them, and the user errors
//! of both. (Filing for the citizen present is `createApplication` with `frontOffice`.)

use super::consent::{
    ConsentPayload, HowGiven, PrepareConsentSigningPayload, SignConsentInput, consent_id, give,
};
use super::context::{request, service, signed_in};
use super::enums::StateDocumentKind;
use super::errors::{UserError, UserErrorCode, internal};
use super::locale::Locale;
use super::sentences;
use super::signing::{SignatureInput, SigningRequest};
use crate::graphql::application::IdentityDocumentInput;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use registration_core::policy::Operation;
use registration_core::registries::DocumentMismatch;
use registration_core::service::applications::DraftError;
use registration_core::service::front_office::{self, DocumentRef, FrontOfficeError};
use time::OffsetDateTime;

/// A document an officer checked at a front office, as recorded: its kind and its number with
/// all but the last three characters hidden.
#[derive(SimpleObject, Debug, Clone)]
pub struct CheckedDocument {
    /// What it is.
    pub kind: StateDocumentKind,
    /// Its number, all but the last three characters hidden.
    pub masked_number: String,
    /// When the officer checked it against the state's registries.
    pub checked_at: Option<OffsetDateTime>,
}

impl CheckedDocument {
    /// Reads a recorded document (`application.intake_document`, `consent.in_person_document`).
    pub fn read(recorded: Option<&str>) -> Option<Self> {
        let read = front_office::RecordedDocument::read(recorded)?;
        Some(CheckedDocument {
            kind: read.kind.into(),
            masked_number: read.masked_number,
            checked_at: read.checked_at,
        })
    }
}

/// A front-office failure as a user error; `field` is the input the document sits under.
pub fn front_office_error(
    error: FrontOfficeError,
    field: &[&str],
    locale: Locale,
) -> async_graphql::Result<UserError> {
    let at = |last: &'static str| {
        let mut path = field.to_vec();
        path.push(last);
        path
    };
    let document = |sentence| {
        Ok(UserError::explained(
            UserErrorCode::IdentityDocumentNotConfirmed,
            &at("identityDocument"),
            locale,
            sentence,
        ))
    };
    let (code, path) = match error {
        FrontOfficeError::NotAnIdentityDocument => {
            return document(sentences::NOT_AN_IDENTITY_DOCUMENT);
        }
        FrontOfficeError::Document(DocumentMismatch::Unknown) => {
            return document(sentences::DOCUMENT_UNKNOWN);
        }
        FrontOfficeError::Document(DocumentMismatch::OtherHolder) => {
            return document(sentences::DOCUMENT_OTHER_HOLDER);
        }
        FrontOfficeError::Document(DocumentMismatch::NotValid) => {
            return document(sentences::DOCUMENT_NOT_VALID);
        }
        FrontOfficeError::NoAuthority => {
            return Ok(UserError::explained(
                UserErrorCode::NotAllowed,
                &at("identityDocument"),
                locale,
                sentences::PRESENT_PERSON_NO_AUTHORITY,
            ));
        }
        FrontOfficeError::NotAnOfficer => (UserErrorCode::NotAllowed, field.to_vec()),
        FrontOfficeError::PersonUnknown => (UserErrorCode::NotFound, at("applicantIin")),
        FrontOfficeError::NotFound => (UserErrorCode::NotFound, at("consentId")),
        FrontOfficeError::OrganisationConsent => (UserErrorCode::NotAllowed, at("consentId")),
        FrontOfficeError::AlreadyDecided => (UserErrorCode::ConsentAlreadyDecided, at("consentId")),
        FrontOfficeError::Draft(DraftError::Internal(error)) => {
            return Err(internal(error, locale));
        }
        // The draft's own refusals are `createApplication`'s to explain (it does).
        FrontOfficeError::Draft(_) => (UserErrorCode::BadUserInput, field.to_vec()),
        FrontOfficeError::Internal(error) => return Err(internal(error, locale)),
    };
    Ok(UserError::new(code, &path, locale, None))
}

/// Input of `prepareConsentInPersonSigning`.
#[derive(InputObject, Debug)]
pub struct PrepareConsentInPersonSigningInput {
    /// The pending consent's global ID (of an application of the officer's body).
    pub consent_id: ID,
    /// The identity document the person at the counter presented: the owner's, or that of
    /// someone who may consent for them (a legal representative, an attorney).
    pub identity_document: IdentityDocumentInput,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Input of `confirmConsentInPerson`.
#[derive(InputObject, Debug)]
pub struct ConfirmConsentInPersonInput {
    /// The signing request's global ID (from `prepareConsentInPersonSigning`).
    pub signing_request_id: ID,
    /// The officer's CMS over its payload (EDS only).
    pub signature: SignatureInput,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Front-office mutations.
#[derive(Default, Debug)]
pub struct FrontOfficeMutation;

/// Front-office mutations.
#[Object]
impl FrontOfficeMutation {
    /// For an officer at a front office: fixes the exact bytes that confirm a pending consent
    /// given in person, after checking the presented identity document against the state's
    /// registries. The officer signs it with a key of the body (head or employee role).
    async fn prepare_consent_in_person_signing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which consent, and the document presented.")]
        input: PrepareConsentInPersonSigningInput,
    ) -> async_graphql::Result<PrepareConsentSigningPayload> {
        let viewer = signed_in(ctx, Operation::ReviewApplications)?;
        let locale = request(ctx)?.locale;
        let echo = input.client_mutation_id.clone();
        let refused = |error: UserError| PrepareConsentSigningPayload {
            signing_request: None,
            user_errors: vec![error],
            client_mutation_id: echo.clone(),
        };
        let id = match consent_id(&input.consent_id, locale) {
            Ok(id) => id,
            Err(error) => return Ok(refused(error)),
        };
        let document = match DocumentRef::new(
            input.identity_document.kind.into(),
            &input.identity_document.number,
        ) {
            Ok(document) => document,
            Err(_) => {
                return Ok(refused(UserError::explained(
                    UserErrorCode::BadUserInput,
                    &["input", "identityDocument", "number"],
                    locale,
                    sentences::DOCUMENT_NUMBER_SHAPE,
                )));
            }
        };
        match front_office::prepare_consent_in_person(service(ctx)?, viewer, id, &document).await {
            Ok(request) => Ok(PrepareConsentSigningPayload {
                signing_request: Some(SigningRequest(request)),
                user_errors: Vec::new(),
                client_mutation_id: echo,
            }),
            Err(error) => Ok(refused(front_office_error(error, &["input"], locale)?)),
        }
    }

    /// Gives a consent in person with the officer's CMS over the signing request's payload.
    /// The last consent moves the application to review, as `signConsent` does.
    async fn confirm_consent_in_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signing request and the officer's signature.")]
        input: ConfirmConsentInPersonInput,
    ) -> async_graphql::Result<ConsentPayload> {
        let viewer = signed_in(ctx, Operation::ReviewApplications)?;
        let input = SignConsentInput {
            signing_request_id: input.signing_request_id,
            signature: input.signature,
            client_mutation_id: input.client_mutation_id,
        };
        give(ctx, viewer, input, HowGiven::InPerson).await
    }
}
