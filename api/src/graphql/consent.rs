//! Owners' consents in GraphQL: `Consent` (a `Node`), `Application.consents`, `myConsents`,
//! `prepareConsentSigning`, `signConsent` and `declineConsent`.

use super::application::Application;
use super::connection::{self, Page};
use super::context::{request, service, signed_in};
use super::errors::{UserError, UserErrorCode, internal, sign_error};
use super::ids;
use super::pagination::{Cursor, PageInfo};
use super::signing::{KIND as SIGNING_REQUEST, SignatureInput, SigningRequest};
use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, Object, SimpleObject};
use entities::enums::{self as stored, ConsentStatus as StoredStatus};
use entities::{application, consent, person};
use registration_core::policy::Operation;
use registration_core::service::consents::{self, ConsentError, RemindError};
use registration_core::service::signing::{SignError, SignatureRefusal};
use sea_orm::EntityTrait;
use time::OffsetDateTime;

/// The kind name inside a consent's global ID.
pub const KIND: &str = "Consent";

/// Where a consent stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "stored::ConsentStatus")]
pub enum ConsentStatus {
    /// Waiting for the owner (or the administration) until its `deadline`.
    Pending,
    /// Given, with a digital signature.
    Given,
    /// Declined: the application is refused.
    Declined,
    /// Not given by the deadline: the application is refused.
    Expired,
}

/// Under what authority a consent was decided.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "stored::ConsentAuthority")]
pub enum ConsentAuthority {
    /// By the party itself: the owner (or tenant), or the organisation's administration.
    Party,
    /// By a parent of an owner who is a minor.
    Parent,
    /// By a guardian of a minor or of an owner recognised incapacitated.
    Guardian,
    /// By a trustee of an owner of limited capacity.
    Trustee,
    /// By an attorney under a notarised power of attorney (`powerOfAttorney`).
    PowerOfAttorney,
}

/// The notarised power of attorney a consent was decided under.
#[derive(SimpleObject, Debug, Clone)]
pub struct PowerOfAttorneyReference {
    /// Its number in the notaries' registry.
    pub number: String,
    /// The day it was issued (YYYY-MM-DD).
    pub issued_on: String,
}

/// A consent an application needs from an owner of the dwelling (or a hostel's
/// administration), signed with EDS only.
#[derive(Debug, Clone)]
pub struct Consent(pub consent::Model);

/// A consent an application needs.
#[Object]
impl Consent {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(KIND, self.0.id)
    }

    /// Where it stands.
    async fn status(&self) -> ConsentStatus {
        self.0.status.into()
    }

    /// Until when it may be given.
    async fn deadline(&self) -> OffsetDateTime {
        self.0.deadline
    }

    /// When it was given, declined or expired.
    async fn decided_at(&self) -> Option<OffsetDateTime> {
        self.0.decided_at
    }

    /// Why the owner declined, in their words.
    async fn decline_reason(&self) -> Option<&str> {
        self.0.decline_reason.as_deref()
    }

    /// Under what authority it was given or declined: by the party itself, a legal
    /// representative or an attorney.
    async fn authority(&self) -> Option<ConsentAuthority> {
        self.0.authority.map(Into::into)
    }

    /// Given in person at a front office: the identity document of the person present, as the
    /// officer checked it (number masked). The officer's signature confirms the consent.
    async fn in_person_document(&self) -> Option<super::front_office::CheckedDocument> {
        super::front_office::CheckedDocument::read(self.0.in_person_document.as_deref())
    }

    /// The power of attorney it was decided under, when an attorney decided it.
    async fn power_of_attorney(&self) -> Option<PowerOfAttorneyReference> {
        Some(PowerOfAttorneyReference {
            number: self.0.authority_number.clone()?,
            issued_on: self.0.authority_date?.to_string(),
        })
    }

    /// Who consents: the owner's name (masked, `С*** А***`, when the applicant reads it), or the
    /// organisation's name and BIN for a hostel's administration.
    async fn owner_display_name(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let viewer = signed_in(ctx, Operation::ReadConsent)?;
        let locale = request(ctx)?.locale;
        let service = service(ctx)?;
        let Some(iin) = &self.0.party_iin else {
            return consents::organisation_name(service, &self.0)
                .await
                .map_err(|e| internal(e, locale));
        };
        let found = consents::person_by_iin(service, iin)
            .await
            .map_err(|e| internal(e, locale))?;
        let name = found.map_or_else(
            || consents::mask_iin(iin),
            |p| {
                [p.surname, p.given_name]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            },
        );
        // The owner, those who act for them and officers read the name; the applicant only its
        // initials.
        let acts_for_owner = consents::may_decide(service, viewer, &self.0)
            .await
            .map_err(|e| internal(e, locale))?;
        if acts_for_owner || viewer.officer_of.is_some() {
            Ok(name)
        } else {
            Ok(mask_name(&name))
        }
    }

    /// The application consented to (what, where, for how long, by whom).
    async fn application(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Application>> {
        let _viewer = signed_in(ctx, Operation::ReadConsent)?;
        let locale = request(ctx)?.locale;
        // The owner reads the application the consent is about, as the signing payload shows
        // it: a consent is visible only to its parties (see `consents::find`).
        let found = application::Entity::find_by_id(self.0.application_id)
            .one(&service(ctx)?.db)
            .await
            .map_err(|e| internal(e, locale))?;
        Ok(found.map(Application))
    }

    /// The applicant's name.
    async fn applicant_name(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let locale = request(ctx)?.locale;
        let db = &service(ctx)?.db;
        let Some(app) = application::Entity::find_by_id(self.0.application_id)
            .one(db)
            .await
            .map_err(|e| internal(e, locale))?
        else {
            return Ok(None);
        };
        let applicant = person::Entity::find_by_id(app.applicant_person_id)
            .one(db)
            .await
            .map_err(|e| internal(e, locale))?;
        Ok(applicant.map(|p| registration_core::service::full_name(&p)))
    }
}

/// `СЕЙТОВА АЙГЕРІМ` as `С*** А***`.
fn mask_name(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .map(|initial| format!("{initial}***"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// An edge of a consent connection.
#[derive(SimpleObject, Debug)]
pub struct ConsentEdge {
    /// The consent.
    pub node: Consent,
    /// Its cursor.
    pub cursor: String,
}

/// A page of the signed-in person's consents.
#[derive(SimpleObject, Debug)]
#[graphql(complex)]
pub struct ConsentConnection {
    /// The consents on this page, newest first.
    pub edges: Vec<ConsentEdge>,
    /// Paging information.
    pub page_info: PageInfo,
    #[graphql(skip)]
    pub status: Option<StoredStatus>,
}

#[ComplexObject]
impl ConsentConnection {
    /// How many such consents there are, on every page.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let viewer = signed_in(ctx, Operation::ListOwnConsents)?;
        let locale = request(ctx)?.locale;
        let count = consents::count_mine(service(ctx)?, viewer, self.status)
            .await
            .map_err(|e| internal(e, locale))?;
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }
}

/// Consent queries.
#[derive(Default, Debug)]
pub struct ConsentQuery;

/// Consent queries.
#[Object]
impl ConsentQuery {
    /// The consents the signed-in person is asked for as an owner, newest first.
    async fn my_consents(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "The cursor after which to start.")] after: Option<String>,
        #[graphql(desc = "Only consents in this status.")] status: Option<ConsentStatus>,
    ) -> async_graphql::Result<ConsentConnection> {
        let viewer = signed_in(ctx, Operation::ListOwnConsents)?;
        let locale = request(ctx)?.locale;
        let status: Option<StoredStatus> = status.map(Into::into);
        let Page { edges, page_info } = connection::page(
            first,
            after,
            locale,
            |after, limit| async move {
                consents::mine(service(ctx)?, viewer, status, after, limit)
                    .await
                    .map_err(|e| internal(e, locale))
            },
            |row: &consent::Model| Cursor {
                at: row.created_at,
                id: row.id,
            },
            |row, cursor| ConsentEdge {
                cursor,
                node: Consent(row),
            },
        )
        .await?;
        Ok(ConsentConnection {
            edges,
            page_info,
            status,
        })
    }
}

/// Input of `prepareConsentSigning`.
#[derive(InputObject, Debug)]
pub struct PrepareConsentSigningInput {
    /// The consent's global ID.
    pub consent_id: ID,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Result of `prepareConsentSigning`.
#[derive(SimpleObject, Debug)]
pub struct PrepareConsentSigningPayload {
    /// What to sign (its subject is the consent; EDS only).
    pub signing_request: Option<SigningRequest>,
    /// Why signing cannot be prepared.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

/// Input of `signConsent`.
#[derive(InputObject, Debug)]
pub struct SignConsentInput {
    /// The signing request's global ID (from `prepareConsentSigning`).
    pub signing_request_id: ID,
    /// The CMS over its payload (`otp` is refused: a consent is by digital signature only).
    pub signature: SignatureInput,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Input of `declineConsent`.
#[derive(InputObject, Debug)]
pub struct DeclineConsentInput {
    /// The consent's global ID.
    pub consent_id: ID,
    /// Why, in the owner's words (at most 1,000 characters).
    pub reason: Option<String>,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Result of `signConsent` and `declineConsent`.
#[derive(SimpleObject, Debug)]
pub struct ConsentPayload {
    /// The consent, as decided.
    pub consent: Option<Consent>,
    /// Why it was not decided.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

impl ConsentPayload {
    pub(crate) fn decided(consent: consent::Model, client_mutation_id: Option<String>) -> Self {
        ConsentPayload {
            consent: Some(Consent(consent)),
            user_errors: Vec::new(),
            client_mutation_id,
        }
    }

    pub(crate) fn refused(error: UserError, client_mutation_id: Option<String>) -> Self {
        ConsentPayload {
            consent: None,
            user_errors: vec![error],
            client_mutation_id,
        }
    }
}

/// Input of `remindConsent`.
#[derive(InputObject, Debug)]
pub struct RemindConsentInput {
    /// The consent's global ID.
    pub consent_id: ID,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Longest CMS accepted, in characters.
pub(crate) const MAX_CMS_LEN: usize = 1024 * 1024;
/// Longest decline reason, in characters.
const MAX_REASON_CHARS: usize = 1000;

/// Consent mutations.
#[derive(Default, Debug)]
pub struct ConsentMutation;

/// Where a consent mutation names its consent.
const CONSENT: &[&str] = &["input", "consentId"];

/// The consent a mutation names, or `NOT_FOUND` about `input.consentId`.
pub(crate) fn consent_id(id: &ID, locale: super::locale::Locale) -> Result<uuid::Uuid, UserError> {
    ids::decode_kind(id, KIND)
        .ok_or_else(|| UserError::new(UserErrorCode::NotFound, CONSENT, locale, None))
}

fn consent_error(
    error: ConsentError,
    field: &[&str],
    locale: super::locale::Locale,
) -> async_graphql::Result<UserError> {
    let code = match error {
        ConsentError::NotFound => UserErrorCode::NotFound,
        ConsentError::NotAllowed => UserErrorCode::NotAllowed,
        ConsentError::AlreadyDecided => UserErrorCode::ConsentAlreadyDecided,
        ConsentError::Internal(error) => return Err(internal(error, locale)),
    };
    Ok(UserError::new(code, field, locale, None))
}

/// Who gives a consent with a signature: its party (or their representative) with their own
/// key, or an officer at a front office confirming it was given in person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HowGiven {
    ByParty,
    InPerson,
}

/// Gives a consent with the CMS over its signing request's payload (`signConsent`,
/// `confirmConsentInPerson`): the same checks of the input and the same answers.
pub(crate) async fn give(
    ctx: &Context<'_>,
    viewer: &registration_core::auth::viewer::SignedIn,
    input: SignConsentInput,
    how: HowGiven,
) -> async_graphql::Result<ConsentPayload> {
    let locale = request(ctx)?.locale;
    let echo = input.client_mutation_id.clone();
    let refused = |code, field: &[&str]| {
        ConsentPayload::refused(UserError::new(code, field, locale, None), echo.clone())
    };
    let Some(id) = ids::decode_kind(&input.signing_request_id, SIGNING_REQUEST) else {
        return Ok(refused(
            UserErrorCode::NotFound,
            &["input", "signingRequestId"],
        ));
    };
    let cms = match (input.signature.cms, input.signature.otp) {
        (Some(cms), None) => cms,
        // DOMAIN: consents are by digital signature only; an SMS code is never a consent
        (None, Some(_)) => {
            return Ok(refused(
                UserErrorCode::SigningMethodNotAllowed,
                &["input", "signature", "otp"],
            ));
        }
        _ => {
            return Ok(refused(
                UserErrorCode::SignatureMissing,
                &["input", "signature"],
            ));
        }
    };
    if cms.trim().is_empty() || cms.len() > MAX_CMS_LEN {
        return Ok(refused(
            UserErrorCode::BadUserInput,
            &["input", "signature", "cms"],
        ));
    }
    let service = service(ctx)?;
    let given = match how {
        HowGiven::ByParty => consents::sign(service, viewer, id, &cms).await,
        HowGiven::InPerson => {
            registration_core::service::front_office::confirm_consent_in_person(
                service, viewer, id, &cms,
            )
            .await
        }
    };
    match given {
        Ok(given) => {
            tracing::info!(in_person = how == HowGiven::InPerson, "consent given");
            Ok(ConsentPayload::decided(given, echo))
        }
        // A signature over something else than this consent (the application's payload,
        // say), or by another set of signers, is not a consent.
        Err(SignError::Signature(
            SignatureRefusal::ContentMismatch | SignatureRefusal::SignerCount,
        )) => Ok(refused(
            UserErrorCode::NotAConsent,
            &["input", "signature", "cms"],
        )),
        Err(SignError::SubjectDecided) => Ok(refused(
            UserErrorCode::ConsentAlreadyDecided,
            &["input", "signingRequestId"],
        )),
        Err(error) => Ok(ConsentPayload::refused(sign_error(error, locale)?, echo)),
    }
}

/// Consent mutations.
#[Object]
impl ConsentMutation {
    /// Fixes the exact bytes of a pending consent for its owner to sign with EDS (a signing key
    /// of the owner's own IIN; for a hostel, a key of the administration's BIN with an accepted
    /// role).
    async fn prepare_consent_signing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which consent.")] input: PrepareConsentSigningInput,
    ) -> async_graphql::Result<PrepareConsentSigningPayload> {
        let viewer = signed_in(ctx, Operation::PrepareConsentSigning)?;
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
        match consents::prepare(service(ctx)?, viewer, id).await {
            Ok(request) => Ok(PrepareConsentSigningPayload {
                signing_request: Some(SigningRequest(request)),
                user_errors: Vec::new(),
                client_mutation_id: echo,
            }),
            Err(error) => Ok(refused(consent_error(error, CONSENT, locale)?)),
        }
    }

    /// Gives a consent with the CMS over its signing request's payload. The last consent given
    /// moves the application to `IN_REVIEW` in the same transaction.
    async fn sign_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signing request and its signature.")] input: SignConsentInput,
    ) -> async_graphql::Result<ConsentPayload> {
        let viewer = signed_in(ctx, Operation::SignConsent)?;
        give(ctx, viewer, input, HowGiven::ByParty).await
    }

    /// Reminds the owner by SMS that a consent waits (for the application's applicant; at most
    /// once a day per consent, counting the SMS sent when the consent was asked).
    async fn remind_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which consent.")] input: RemindConsentInput,
    ) -> async_graphql::Result<ConsentPayload> {
        let viewer = signed_in(ctx, Operation::RemindConsent)?;
        let locale = request(ctx)?.locale;
        let echo = input.client_mutation_id.clone();
        let id = match consent_id(&input.consent_id, locale) {
            Ok(id) => id,
            Err(error) => return Ok(ConsentPayload::refused(error, echo)),
        };
        let error = match consents::remind(service(ctx)?, viewer, id).await {
            Ok(reminded) => {
                return Ok(ConsentPayload::decided(reminded, echo));
            }
            Err(RemindError::Consent(error)) => consent_error(error, CONSENT, locale)?,
            Err(RemindError::TooSoon {
                retry_after_seconds,
            }) => UserError::new(UserErrorCode::ReminderTooSoon, CONSENT, locale, None)
                .with_retry_after(retry_after_seconds),
            Err(RemindError::NoPhone) => {
                UserError::new(UserErrorCode::PhoneNotRegistered, CONSENT, locale, None)
            }
        };
        Ok(ConsentPayload::refused(error, echo))
    }

    /// Declines a consent: the application is refused (ground `UNRELIABLE_DOCUMENTS_OR_DATA`,
    /// reason `CONSENT_DECLINED`).
    async fn decline_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which consent, and why.")] input: DeclineConsentInput,
    ) -> async_graphql::Result<ConsentPayload> {
        let viewer = signed_in(ctx, Operation::DeclineConsent)?;
        let locale = request(ctx)?.locale;
        let echo = input.client_mutation_id.clone();
        let id = match consent_id(&input.consent_id, locale) {
            Ok(id) => id,
            Err(error) => return Ok(ConsentPayload::refused(error, echo)),
        };
        let reason = match input
            .reason
            .map(|r| registration_core::domain::MultilineText::parse(&r, MAX_REASON_CHARS))
        {
            None => None,
            Some(Ok(text)) => Some(text.into_string()),
            Some(Err(_)) => {
                return Ok(ConsentPayload::refused(
                    UserError::new(
                        UserErrorCode::BadUserInput,
                        &["input", "reason"],
                        locale,
                        None,
                    ),
                    echo,
                ));
            }
        };
        match consents::decline(service(ctx)?, viewer, id, reason).await {
            Ok(declined) => Ok(ConsentPayload::decided(declined, echo)),
            Err(error) => Ok(ConsentPayload::refused(
                consent_error(error, CONSENT, locale)?,
                echo,
            )),
        }
    }
}
