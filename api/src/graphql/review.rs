//! Deciding and registering in GraphQL: the officers' queue (`applicationsForReview`), claims,
//! signed decisions (`prepareDecisionSigning`, `decideApplication`), registrations
//! (`myRegistrations`, and `registrations(iin)` for officers, audited), the service-time
//! statistics, and the `Application` fields that show the service clock, the checks, the
//! decision and the registration.

use super::application::{Application, ApplicationConnection, ApplicationEdge};
use super::connection::{self, Page};
use super::context::{request, service, signed_in};
use super::enums::RefusalGround;
use super::errors::{UserError, UserErrorCode, internal, sign_error};
use super::ids;
use super::pagination::{Cursor, PageInfo};
use super::signing::{KIND as SIGNING_REQUEST, SignatureInput, SigningRequest};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entities::enums as stored;
use entities::{application, check_result, decision, registration};
use registration_core::domain::Iin;
use registration_core::policy::Operation;
use registration_core::service::review::{
    self, ClaimError, QueueFilter,
    decisions::{self, DecisionInput, PrepareError},
    registrations::{self, AccessError},
};
use time::OffsetDateTime;

/// Where an application was filed.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "stored::Channel")]
pub enum Channel {
    /// Online, through a frontend of the portal (service time 15 minutes).
    Portal,
    /// At a State Corporation front office (service time 30 minutes).
    FrontOffice,
}

/// Why an application waits for an officer.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "stored::ReviewReason")]
pub enum ReviewReason {
    /// The property registry did not answer for the owner check.
    RegistryUnavailable,
    /// A check could not run (a port down) or gave no clear answer.
    CheckUndetermined,
    /// A check failed: an officer decides.
    CheckFailed,
    /// The body reviews every application by hand.
    ManualReview,
}

/// A check the service runs before deciding.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "stored::CheckKind")]
pub enum CheckKind {
    /// The property registry confirms the owner's (or tenant's, or the hostel's) right.
    OwnerConfirmed,
    /// Every consent the application needs was given.
    ConsentsGiven,
    /// Nothing the application needs is missing.
    RequirementsMet,
    /// The population registry knows the person to be registered, and a document the state
    /// issued identifies them (an identity card or passport; a minor's birth certificate).
    IdentityConfirmed,
    /// The documents the state holds are confirmed by number; uploaded ones need an officer.
    DocumentsConfirmed,
    /// The person is not already registered there in the same way.
    NoConflictingRegistration,
}

/// A check's outcome.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "stored::CheckOutcome")]
pub enum CheckOutcome {
    /// It holds.
    Passed,
    /// It does not hold: an officer decides (and may refuse).
    Failed,
    /// It could not run or gave no clear answer: an officer looks.
    Undetermined,
}

/// What a decision decides.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "stored::DecisionOutcome")]
pub enum DecisionOutcome {
    /// Register.
    Approve,
    /// Refuse, on a ground of the closed list.
    Refuse,
}

/// Why a registration ended.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "stored::RegistrationEndReason")]
pub enum RegistrationEndReason {
    /// A new permanent registration replaced it, the same day.
    Replaced,
    /// A temporary registration's period ended.
    PeriodEnded,
}

/// One check's result, as stored when the application was decided (or sent to an officer).
#[derive(Debug, Clone)]
pub struct CheckResult(pub check_result::Model);

/// One check's result, as stored when the application was decided (or sent to an officer).
#[Object]
impl CheckResult {
    /// Which check.
    async fn check(&self) -> CheckKind {
        self.0.check.into()
    }
    /// What it found.
    async fn outcome(&self) -> CheckOutcome {
        self.0.outcome.into()
    }
    /// What was found, in words.
    async fn detail(&self) -> &str {
        &self.0.detail
    }
    /// When it ran.
    async fn checked_at(&self) -> OffsetDateTime {
        self.0.checked_at
    }
}

/// The decision on an application.
#[derive(Debug, Clone)]
pub struct Decision(pub decision::Model);

/// The decision on an application: automatic, or an officer's signed one.
#[Object]
impl Decision {
    /// Approve or refuse.
    async fn outcome(&self) -> DecisionOutcome {
        self.0.outcome.into()
    }
    /// A refusal's ground.
    async fn ground(&self) -> Option<RefusalGround> {
        self.0
            .ground
            .map(|g| registration_core::domain::RefusalGround::from(g).into())
    }
    /// Why.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// Made by the service (every check passed) rather than signed by an officer.
    async fn automatic(&self) -> bool {
        self.0.automatic
    }
    /// The body it was made for.
    async fn body_bin(&self) -> Option<&str> {
        self.0.body_bin.as_deref()
    }
    /// When it was made.
    async fn decided_at(&self) -> OffsetDateTime {
        self.0.decided_at
    }
}

/// A registration at the place of residence (permanent) or of temporary stay.
#[derive(Debug, Clone)]
pub struct Registration(pub registration::Model);

/// A registration at the place of residence (permanent) or of temporary stay: the service's
/// result, as entered in the population registry.
#[Object]
impl Registration {
    /// The opaque global ID.
    async fn id(&self) -> ID {
        ids::encode("Registration", self.0.id)
    }
    /// Permanent (the address of residence) or temporary (the address of stay).
    async fn kind(&self) -> super::enums::RegistrationKind {
        registration_core::service::applications::draft::RegistrationKind::from(self.0.kind).into()
    }
    /// The person registered.
    async fn iin(&self) -> &str {
        &self.0.iin
    }
    /// The address registration code.
    async fn address_rka(&self) -> &str {
        &self.0.address_rka
    }
    /// The address as the property registry writes it.
    async fn address(&self) -> &str {
        &self.0.address
    }
    /// The first day (YYYY-MM-DD).
    async fn starts_on(&self) -> String {
        self.0.starts_on.to_string()
    }
    /// A temporary registration's last day (YYYY-MM-DD).
    async fn ends_on(&self) -> Option<String> {
        self.0.ends_on.map(|d| d.to_string())
    }
    /// The day it ended, once it has (YYYY-MM-DD).
    async fn ended_on(&self) -> Option<String> {
        self.0.ended_on.map(|d| d.to_string())
    }
    /// Why it ended, once it has.
    async fn end_reason(&self) -> Option<RegistrationEndReason> {
        self.0.end_reason.map(Into::into)
    }
    /// Whether it holds now.
    async fn active(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let today = service(ctx)?.clock.now().date();
        Ok(self.0.ended_on.is_none() && self.0.ends_on.is_none_or(|end| end >= today))
    }
    /// The population registry's reference for the entry.
    async fn registry_reference(&self) -> &str {
        &self.0.registry_reference
    }
    /// The application it results from.
    async fn application_id(&self) -> ID {
        ids::encode(super::application::KIND, self.0.application_id)
    }
}

/// An edge of a registration connection.
#[derive(SimpleObject, Debug)]
pub struct RegistrationEdge {
    /// The registration.
    pub node: Registration,
    /// Its cursor.
    pub cursor: String,
}

/// A page of registrations, newest first.
#[derive(SimpleObject, Debug)]
pub struct RegistrationConnection {
    /// The registrations on this page.
    pub edges: Vec<RegistrationEdge>,
    /// Paging information.
    pub page_info: PageInfo,
}

/// How a body kept the service time.
#[derive(SimpleObject, Debug)]
pub struct ServiceTimeStatistics {
    /// The body.
    pub body_bin: String,
    /// Applications decided (whose service time started since `since`).
    pub decided: i32,
    /// Of them, decided after their service deadline: the breaches.
    pub breached: i32,
    /// Still undecided past their service deadline.
    pub overdue: i32,
}

/// Which applications the officers' queue lists.
#[derive(InputObject, Debug, Default, Clone, Copy)]
pub struct ReviewFilter {
    /// Only those waiting for this reason.
    pub reason: Option<ReviewReason>,
    /// Only those the officer holds (`true`), or only those nobody holds (`false`).
    pub claimed_by_me: Option<bool>,
    /// Only those past their service deadline (`true`), or within it (`false`).
    pub overdue: Option<bool>,
}

impl From<ReviewFilter> for QueueFilter {
    fn from(filter: ReviewFilter) -> Self {
        QueueFilter {
            reason: filter.reason.map(Into::into),
            claimed_by_me: filter.claimed_by_me,
            overdue: filter.overdue,
        }
    }
}

/// Longest purpose of an access to another person's registrations, in characters.
const MAX_PURPOSE_CHARS: usize = 500;

/// Review queries.
#[derive(Default, Debug)]
pub struct ReviewQuery;

#[Object]
impl ReviewQuery {
    /// The applications in review of the officer's body, soonest service deadline first, with
    /// their evidence (`checks`, `consents`, `signature`, `documents`). Officers only (an empty
    /// page for anyone else).
    async fn applications_for_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which applications.")] filter: Option<ReviewFilter>,
        #[graphql(desc = "How many (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "The cursor after which to start.")] after: Option<String>,
    ) -> async_graphql::Result<ApplicationConnection> {
        let viewer = signed_in(ctx, Operation::ReviewApplications)?;
        let locale = request(ctx)?.locale;
        let filter: QueueFilter = filter.unwrap_or_default().into();
        let Page { edges, page_info } = connection::page(
            first,
            after,
            locale,
            |after, limit| async move {
                let rows = review::queue(service(ctx)?, viewer, filter, after, limit)
                    .await
                    .map_err(|e| internal(e, locale))?;
                crate::graphql::loaders::prime_for_applications(ctx, &rows).await?;
                Ok(rows)
            },
            |row: &application::Model| Cursor {
                at: row.service_deadline.unwrap_or(row.updated_at),
                id: row.id,
            },
            |row, cursor| ApplicationEdge {
                cursor,
                node: Application(row),
            },
        )
        .await?;
        Ok(ApplicationConnection {
            edges,
            page_info,
            review: Some(filter),
        })
    }

    /// The signed-in citizen's registrations, newest first.
    async fn my_registrations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "The cursor after which to start.")] after: Option<String>,
    ) -> async_graphql::Result<RegistrationConnection> {
        let viewer = signed_in(ctx, Operation::ListOwnRegistrations)?;
        let locale = request(ctx)?.locale;
        registration_page(first, after, locale, |after, limit| async move {
            registrations::mine(service(ctx)?, viewer, after, limit)
                .await
                .map_err(|e| internal(e, locale))
        })
        .await
    }

    /// A person's registrations, for an officer: every call is recorded in the audit table
    /// (who, whose, when, `purpose`), and refused (`FORBIDDEN`, recorded too) unless the person
    /// consented to access to their restricted personal data in an application before the
    /// officer's body.
    async fn registrations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person's IIN.")] iin: String,
        #[graphql(desc = "Why the officer looks (recorded).")] purpose: Option<String>,
        #[graphql(desc = "How many (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "The cursor after which to start.")] after: Option<String>,
    ) -> async_graphql::Result<RegistrationConnection> {
        use super::errors::{ApiErrorCode, api_error};
        let viewer = signed_in(ctx, Operation::ReviewApplications)?;
        let locale = request(ctx)?.locale;
        let Ok(iin) = Iin::parse(&iin) else {
            return Err(api_error(ApiErrorCode::BadUserInput, locale));
        };
        let purpose = match purpose
            .as_deref()
            .map(|p| registration_core::domain::Text::parse(p, MAX_PURPOSE_CHARS))
        {
            Some(Ok(text)) => text.into_string(),
            Some(Err(_)) => return Err(api_error(ApiErrorCode::BadUserInput, locale)),
            None => "application review".to_owned(),
        };
        let iin = &iin;
        let purpose = &purpose;
        registration_page(first, after, locale, |after, limit| async move {
            match registrations::of_person(service(ctx)?, viewer, iin, purpose, after, limit).await
            {
                Ok(rows) => Ok(rows),
                Err(AccessError::NotAnOfficer | AccessError::NoConsent) => {
                    Err(api_error(ApiErrorCode::Forbidden, locale))
                }
                Err(AccessError::Internal(error)) => Err(internal(error, locale)),
            }
        })
        .await
    }

    /// How the officer's body kept the service time for applications whose service time
    /// started since `since` (default: the last 30 days).
    async fn service_time_statistics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "From when.")] since: Option<OffsetDateTime>,
    ) -> async_graphql::Result<Option<ServiceTimeStatistics>> {
        let viewer = signed_in(ctx, Operation::ReviewApplications)?;
        let locale = request(ctx)?.locale;
        let Some(body) = viewer.officer_of.clone() else {
            return Ok(None);
        };
        let service = service(ctx)?;
        let since = since.unwrap_or_else(|| service.clock.now() - time::Duration::days(30));
        let counted = review::statistics(service, viewer, since)
            .await
            .map_err(|e| internal(e, locale))?;
        let int = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
        Ok(Some(ServiceTimeStatistics {
            body_bin: body,
            decided: int(counted.decided),
            breached: int(counted.breached),
            overdue: int(counted.overdue),
        }))
    }
}

async fn registration_page<Fut>(
    first: Option<i32>,
    after: Option<String>,
    locale: super::locale::Locale,
    fetch: impl FnOnce(Option<(OffsetDateTime, uuid::Uuid)>, u64) -> Fut,
) -> async_graphql::Result<RegistrationConnection>
where
    Fut: std::future::Future<Output = async_graphql::Result<Vec<registration::Model>>>,
{
    let Page { edges, page_info } = connection::page(
        first,
        after,
        locale,
        fetch,
        |row: &registration::Model| Cursor {
            at: row.created_at,
            id: row.id,
        },
        |row, cursor| RegistrationEdge {
            cursor,
            node: Registration(row),
        },
    )
    .await?;
    Ok(RegistrationConnection { edges, page_info })
}

/// Input of `claimApplication` and `releaseApplication`.
#[derive(InputObject, Debug)]
pub struct ClaimApplicationInput {
    /// The application's global ID.
    pub application_id: ID,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Result of `claimApplication` and `releaseApplication`.
#[derive(SimpleObject, Debug)]
pub struct ClaimApplicationPayload {
    /// The application, with `claimedByMe` and `claimExpiresAt`.
    pub application: Option<Application>,
    /// Why it was refused.
    pub user_errors: Vec<UserError>,
    /// The `clientMutationId` (echoed back).
    pub client_mutation_id: Option<String>,
}

/// Input of `prepareDecisionSigning`.
#[derive(InputObject, Debug)]
pub struct PrepareDecisionSigningInput {
    /// The application's global ID.
    pub application_id: ID,
    /// The version the officer read.
    pub version: i32,
    /// Approve or refuse.
    pub decision: DecisionOutcome,
    /// A refusal's ground, from the closed list (only to refuse).
    pub ground: Option<RefusalGround>,
    /// Why (required to refuse; at most 2,000 characters).
    pub reason: Option<String>,
    /// The `clientMutationId` (echoed back).
    pub client_mutation_id: Option<String>,
}

/// Result of `prepareDecisionSigning`.
#[derive(SimpleObject, Debug)]
pub struct PrepareDecisionSigningPayload {
    /// What to sign: with a legal-entity key of the body (`keyRequirements.bin`, `roleOids`).
    pub signing_request: Option<SigningRequest>,
    /// Why it was refused.
    pub user_errors: Vec<UserError>,
    /// The `clientMutationId` (echoed back).
    pub client_mutation_id: Option<String>,
}

/// Input of `decideApplication`.
#[derive(InputObject, Debug)]
pub struct DecideApplicationInput {
    /// The signing request's global ID (from `prepareDecisionSigning`).
    pub signing_request_id: ID,
    /// The CMS over its payload (EDS only).
    pub signature: SignatureInput,
    /// The `clientMutationId` (echoed back).
    pub client_mutation_id: Option<String>,
}

/// Result of `decideApplication`.
#[derive(SimpleObject, Debug)]
pub struct DecideApplicationPayload {
    /// The application as decided: `REGISTERED` once the population registry confirmed an
    /// approval (`APPROVED` until then), or `REFUSED`.
    pub application: Option<Application>,
    /// Why it was refused.
    pub user_errors: Vec<UserError>,
    /// The `clientMutationId` (echoed back).
    pub client_mutation_id: Option<String>,
}

const APPLICATION_ID: &[&str] = &["input", "applicationId"];
/// Longest decision reason, in characters.
const MAX_REASON_CHARS: usize = 2000;
/// Longest CMS accepted, in characters.
const MAX_CMS_LEN: usize = 1024 * 1024;

fn claim_error(
    error: ClaimError,
    locale: super::locale::Locale,
    now: OffsetDateTime,
) -> async_graphql::Result<UserError> {
    Ok(match error {
        ClaimError::NotFound => {
            UserError::new(UserErrorCode::NotFound, APPLICATION_ID, locale, None)
        }
        ClaimError::NotAllowed => {
            UserError::new(UserErrorCode::NotAllowed, APPLICATION_ID, locale, None)
        }
        ClaimError::NotInReview => {
            UserError::new(UserErrorCode::NotInReview, APPLICATION_ID, locale, None)
        }
        ClaimError::ClaimedByAnother { until } => {
            let seconds = (until - now).whole_seconds().max(1);
            UserError::new(UserErrorCode::AlreadyClaimed, APPLICATION_ID, locale, None)
                .with_retry_after(u32::try_from(seconds).unwrap_or(u32::MAX))
        }
        ClaimError::Internal(error) => return Err(internal(error, locale)),
    })
}

/// Review mutations.
#[derive(Default, Debug)]
pub struct ReviewMutation;

#[Object]
impl ReviewMutation {
    /// Claims an application in review for the signed-in officer (their body's only), for
    /// `CLAIM_MINUTES`: two officers never decide the same application. Claiming one's own
    /// claim again renews it.
    async fn claim_application(
        &self,
        ctx: &Context<'_>,
        input: ClaimApplicationInput,
    ) -> async_graphql::Result<ClaimApplicationPayload> {
        self.claim_or_release(ctx, input, true).await
    }

    /// Releases the signed-in officer's claim on an application.
    async fn release_application(
        &self,
        ctx: &Context<'_>,
        input: ClaimApplicationInput,
    ) -> async_graphql::Result<ClaimApplicationPayload> {
        self.claim_or_release(ctx, input, false).await
    }

    /// Fixes the exact bytes of an officer's decision on an application they hold, for its
    /// version and its checks' results, to sign with a legal-entity key of the body.
    async fn prepare_decision_signing(
        &self,
        ctx: &Context<'_>,
        input: PrepareDecisionSigningInput,
    ) -> async_graphql::Result<PrepareDecisionSigningPayload> {
        let viewer = signed_in(ctx, Operation::ReviewApplications)?;
        let locale = request(ctx)?.locale;
        let echo = input.client_mutation_id.clone();
        let refused = |code, field: &[&str]| PrepareDecisionSigningPayload {
            signing_request: None,
            user_errors: vec![UserError::new(code, field, locale, None)],
            client_mutation_id: echo.clone(),
        };
        let Some(id) = ids::decode_kind(&input.application_id, super::application::KIND) else {
            return Ok(refused(UserErrorCode::NotFound, APPLICATION_ID));
        };
        let reason = match input
            .reason
            .as_deref()
            .map(|r| registration_core::domain::MultilineText::parse(r, MAX_REASON_CHARS))
        {
            None => None,
            Some(Ok(text)) => Some(text.into_string()),
            Some(Err(_)) => return Ok(refused(UserErrorCode::BadUserInput, &["input", "reason"])),
        };
        let decision = DecisionInput {
            application_id: id,
            version: input.version,
            outcome: input.decision.into(),
            ground: input.ground.map(Into::into),
            reason,
        };
        match decisions::prepare(service(ctx)?, viewer, decision).await {
            Ok(request) => Ok(PrepareDecisionSigningPayload {
                signing_request: Some(SigningRequest(request)),
                user_errors: Vec::new(),
                client_mutation_id: echo,
            }),
            Err(error) => {
                let (code, field): (_, &[&str]) = match error {
                    PrepareError::NotFound => (UserErrorCode::NotFound, APPLICATION_ID),
                    PrepareError::NotAllowed => (UserErrorCode::NotAllowed, APPLICATION_ID),
                    PrepareError::NotInReview => (UserErrorCode::NotInReview, APPLICATION_ID),
                    PrepareError::Conflict => (UserErrorCode::Conflict, &["input", "version"]),
                    PrepareError::NotClaimed => (UserErrorCode::NotClaimed, APPLICATION_ID),
                    PrepareError::GroundRequired => {
                        (UserErrorCode::GroundRequired, &["input", "ground"])
                    }
                    PrepareError::GroundNotAllowed => {
                        (UserErrorCode::GroundNotAllowed, &["input", "ground"])
                    }
                    PrepareError::ReasonRequired => {
                        (UserErrorCode::ReasonRequired, &["input", "reason"])
                    }
                    PrepareError::Internal(error) => return Err(internal(error, locale)),
                };
                Ok(refused(code, field))
            }
        }
    }

    /// Decides an application with the officer's CMS over the decision's signing request. An
    /// approval is entered in the population registry at once (`REGISTERED` when it
    /// confirms); a refusal is `REFUSED` with its ground.
    async fn decide_application(
        &self,
        ctx: &Context<'_>,
        input: DecideApplicationInput,
    ) -> async_graphql::Result<DecideApplicationPayload> {
        let viewer = signed_in(ctx, Operation::ReviewApplications)?;
        let locale = request(ctx)?.locale;
        let echo = input.client_mutation_id.clone();
        let refused = |error: UserError| DecideApplicationPayload {
            application: None,
            user_errors: vec![error],
            client_mutation_id: echo.clone(),
        };
        let code = |code, field: &[&str]| UserError::new(code, field, locale, None);
        let Some(id) = ids::decode_kind(&input.signing_request_id, SIGNING_REQUEST) else {
            return Ok(refused(code(
                UserErrorCode::NotFound,
                &["input", "signingRequestId"],
            )));
        };
        let cms = match (input.signature.cms, input.signature.otp) {
            (Some(cms), None) => cms,
            // DOMAIN: an officer's decision is signed with the body's legal-entity key
            (None, Some(_)) => {
                return Ok(refused(code(
                    UserErrorCode::SigningMethodNotAllowed,
                    &["input", "signature", "otp"],
                )));
            }
            _ => {
                return Ok(refused(code(
                    UserErrorCode::SignatureMissing,
                    &["input", "signature"],
                )));
            }
        };
        if cms.trim().is_empty() || cms.len() > MAX_CMS_LEN {
            return Ok(refused(code(
                UserErrorCode::BadUserInput,
                &["input", "signature", "cms"],
            )));
        }
        match decisions::decide(service(ctx)?, viewer, id, &cms).await {
            Ok(decided) => {
                tracing::info!("application decided by an officer");
                Ok(DecideApplicationPayload {
                    application: Some(Application(decided)),
                    user_errors: Vec::new(),
                    client_mutation_id: echo,
                })
            }
            Err(error) => Ok(refused(sign_error(error, locale)?)),
        }
    }
}

impl ReviewMutation {
    async fn claim_or_release(
        &self,
        ctx: &Context<'_>,
        input: ClaimApplicationInput,
        claim: bool,
    ) -> async_graphql::Result<ClaimApplicationPayload> {
        let viewer = signed_in(ctx, Operation::ReviewApplications)?;
        let locale = request(ctx)?.locale;
        let echo = input.client_mutation_id.clone();
        let service = service(ctx)?;
        let refused = |error: UserError| ClaimApplicationPayload {
            application: None,
            user_errors: vec![error],
            client_mutation_id: echo.clone(),
        };
        let Some(id) = ids::decode_kind(&input.application_id, super::application::KIND) else {
            return Ok(refused(UserError::new(
                UserErrorCode::NotFound,
                APPLICATION_ID,
                locale,
                None,
            )));
        };
        let outcome = if claim {
            review::claim(service, viewer, id).await
        } else {
            review::release(service, viewer, id).await
        };
        match outcome {
            Ok(app) => Ok(ClaimApplicationPayload {
                application: Some(Application(app)),
                user_errors: Vec::new(),
                client_mutation_id: echo,
            }),
            Err(error) => Ok(refused(claim_error(error, locale, service.clock.now())?)),
        }
    }
}
