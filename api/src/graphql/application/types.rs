//! The `Application` node and the output types around it.

use super::KIND;
use super::messages::{field_path, requirement_message};
use crate::graphql::connection::{self, Page};
use crate::graphql::consent::Consent;
use crate::graphql::context::{request, service, signed_in};
use crate::graphql::enums::{
    ActorRole, ApplicationStatus, RefusalGround, RefusalReason, RegistrationKind, Representation,
    RequirementCode, SigningMethod,
};
use crate::graphql::errors::{ApiErrorCode, UserError, api_error, internal};
use crate::graphql::ids;
use crate::graphql::loaders::{FirstHistory, HistoryCount, RequestLoaders, SubmissionSignature};
use crate::graphql::pagination::{Cursor, PageInfo};
use async_graphql::{ComplexObject, Context, Enum, ID, Object, SimpleObject};
use entities::enums::AuthMethod;
use entities::{application, application_status_change};
use registration_core::domain::{self, Area};
use registration_core::policy::Operation;
use registration_core::service::applications;
use registration_core::service::applications::draft::{self, missing_requirements};
use registration_core::service::property;
use time::OffsetDateTime;
use uuid::Uuid;

/// An application for registration at the place of residence.
#[derive(Debug, Clone)]
pub struct Application(pub application::Model);

/// The address of an application, as the applicant gave it.
#[derive(SimpleObject, Debug)]
pub struct ApplicationAddress {
    /// The address registration code (RKA), when given.
    pub rka: Option<String>,
    /// The owner's IIN, when the address is given by owner and area.
    pub owner_iin: Option<String>,
    /// The area in m², two decimals, when given with the owner's IIN.
    pub area: Option<String>,
}

/// One thing that blocks submission.
#[derive(SimpleObject, Debug)]
pub struct MissingRequirement {
    /// The input field concerned, e.g. `["input", "periodMonths"]`.
    pub field: Vec<String>,
    /// What is missing.
    pub code: RequirementCode,
    /// The same, for people.
    pub message: String,
}

/// One status change.
#[derive(SimpleObject, Debug)]
pub struct StatusChange {
    /// The previous status (null for the draft's creation).
    pub from: Option<ApplicationStatus>,
    /// The new status.
    pub to: ApplicationStatus,
    /// Who made the change.
    pub actor_role: ActorRole,
    /// Why, when a reason was given.
    pub reason: Option<String>,
    /// When.
    pub at: OffsetDateTime,
}

/// An edge of the status history.
#[derive(SimpleObject, Debug)]
pub struct StatusChangeEdge {
    /// The change.
    pub node: StatusChange,
    /// Its cursor.
    pub cursor: String,
}

/// A page of the status history, oldest first.
#[derive(SimpleObject, Debug)]
#[graphql(complex)]
pub struct StatusChangeConnection {
    /// The changes on this page.
    pub edges: Vec<StatusChangeEdge>,
    /// Paging information.
    pub page_info: PageInfo,
    #[graphql(skip)]
    pub application: Uuid,
}

#[ComplexObject]
impl StatusChangeConnection {
    /// How many status changes the application has in all, on every page.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let locale = request(ctx)?.locale;
        let count = ctx
            .data::<RequestLoaders>()?
            .load_one(HistoryCount(self.application))
            .await
            .map_err(|_| api_error(ApiErrorCode::Internal, locale))?
            .unwrap_or(0);
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }
}

/// How an application was signed.
#[derive(SimpleObject, Debug)]
pub struct ApplicationSignature {
    /// `EDS` (a CMS, kept with its verification report) or `OTP` (an SMS code, its evidence
    /// sealed by the service: see `sealKeys`).
    pub method: SigningMethod,
    /// When the signature was received.
    pub signed_at: OffsetDateTime,
    /// For `OTP`: the phone the code went to, as `+7 7** *** 12 34`.
    pub masked_phone: Option<String>,
    /// The signer's IIN.
    pub signer_iin: Option<String>,
}

/// An application for registration at the place of residence.
#[Object]
impl Application {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(KIND, self.0.id)
    }

    /// The human-readable number, e.g. `26-K7QF-2M9X`.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// The current status.
    async fn status(&self) -> Option<ApplicationStatus> {
        Some(domain::ApplicationStatus::from(self.0.status).into())
    }

    /// The current status for people, in the request's language.
    async fn status_label(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&'static str>> {
        let locale = request(ctx)?.locale;
        let (kk, ru, en) = domain::ApplicationStatus::from(self.0.status).label();
        Ok(Some(locale.pick(kk, ru, en)))
    }

    /// The version, to pass back with every change (optimistic concurrency).
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Permanent or temporary registration (null while not chosen).
    async fn kind(&self) -> Option<RegistrationKind> {
        self.0.kind.map(|k| draft::RegistrationKind::from(k).into())
    }

    /// The period of a temporary registration, in months.
    async fn period_months(&self) -> Option<i32> {
        self.0.period_months
    }

    /// The address as given.
    async fn address(&self) -> ApplicationAddress {
        ApplicationAddress {
            rka: self.0.address_rka.clone(),
            owner_iin: self.0.address_owner_iin.clone(),
            area: self
                .0
                .address_area_hundredths
                .and_then(|h| Area::from_hundredths(h).ok())
                .map(|a| a.to_string()),
        }
    }

    /// In whose name the application is filed.
    async fn representation(&self) -> Option<Representation> {
        Some(draft::Representation::from(self.0.representation).into())
    }

    /// The IIN of the person to register.
    async fn subject_iin(&self) -> Option<&str> {
        self.0.subject_iin.as_deref()
    }

    /// Whether the person to register has refugee status.
    async fn refugee(&self) -> bool {
        self.0.refugee
    }

    /// The consent to access restricted personal data (null while unanswered).
    async fn personal_data_consent(&self) -> Option<bool> {
        self.0.personal_data_consent
    }

    /// The ground of refusal, when refused.
    async fn refusal_ground(&self) -> Option<RefusalGround> {
        self.0
            .refusal_ground
            .map(|g| domain::RefusalGround::from(g).into())
    }

    /// When the draft was created.
    async fn created_at(&self) -> OffsetDateTime {
        self.0.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> OffsetDateTime {
        self.0.updated_at
    }

    /// When it was submitted.
    async fn submitted_at(&self) -> Option<OffsetDateTime> {
        self.0.submitted_at
    }

    /// The consents it needs from the owners (or a hostel's administration), oldest first.
    async fn consents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Consent>> {
        let locale = request(ctx)?.locale;
        let found = registration_core::service::consents::of_application(service(ctx)?, self.0.id)
            .await
            .map_err(|e| internal(e, locale))?;
        Ok(found.into_iter().map(Consent).collect())
    }

    /// The documents uploaded for it that count (not deleted), oldest first; empty for a
    /// party who may not read the application itself (an owner asked to consent).
    async fn documents(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<crate::graphql::document::Document>> {
        crate::graphql::document::of_application(ctx, &self.0).await
    }

    /// Where it was filed.
    async fn channel(&self) -> crate::graphql::review::Channel {
        self.0.channel.into()
    }

    /// At a front office: the applicant's identity document the officer checked against the
    /// state's registries (number masked).
    async fn intake_document(&self) -> Option<crate::graphql::front_office::CheckedDocument> {
        crate::graphql::front_office::CheckedDocument::read(self.0.intake_document.as_deref())
    }

    /// When the service time started: when the package became complete (the last consent,
    /// or submission when none is needed).
    async fn service_clock_started_at(&self) -> Option<OffsetDateTime> {
        self.0.service_clock_started_at
    }

    /// When the service time ends (15 minutes on the portal, 30 at a front office).
    async fn service_deadline(&self) -> Option<OffsetDateTime> {
        self.0.service_deadline
    }

    /// Whether it was decided within the service time; false also while undecided past it;
    /// null while the time runs (or before it started).
    async fn service_deadline_met(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<bool>> {
        let now = service(ctx)?.clock.now();
        Ok(registration_core::service::review::deadline_met(
            &self.0, now,
        ))
    }

    /// When it was decided.
    async fn decided_at(&self) -> Option<OffsetDateTime> {
        self.0.decided_at
    }

    /// Why it waits for an officer, when it does (officers only).
    async fn review_reason(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::graphql::review::ReviewReason>> {
        let viewer = signed_in(ctx, Operation::ReadApplication)?;
        Ok(registration_core::policy::may_review(viewer, &self.0)
            .then_some(self.0.review_reason)
            .flatten()
            .map(Into::into))
    }

    /// Whether an officer holds it now (officers of its body only; null for others).
    async fn claimed_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ClaimHolder>> {
        let viewer = signed_in(ctx, Operation::ReadApplication)?;
        let now = service(ctx)?.clock.now();
        if !registration_core::policy::may_review(viewer, &self.0) {
            return Ok(None);
        }
        Ok(match (self.0.claimed_by, self.0.claim_expires_at) {
            (Some(person), Some(until)) if until > now => Some(ClaimHolder {
                me: person == viewer.person_id,
            }),
            _ => None,
        })
    }

    /// Until when the claim holds (officers of its body only).
    async fn claim_expires_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<OffsetDateTime>> {
        let viewer = signed_in(ctx, Operation::ReadApplication)?;
        let now = service(ctx)?.clock.now();
        Ok(self
            .0
            .claim_expires_at
            .filter(|until| *until > now && registration_core::policy::may_review(viewer, &self.0)))
    }

    /// The latest results of the checks that decide it (officers of its body only; empty for
    /// others).
    async fn checks(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<crate::graphql::review::CheckResult>> {
        let viewer = signed_in(ctx, Operation::ReadApplication)?;
        let locale = request(ctx)?.locale;
        if !registration_core::policy::may_review(viewer, &self.0) {
            return Ok(Vec::new());
        }
        let rows = ctx
            .data::<RequestLoaders>()?
            .load_one(crate::graphql::loaders::ApplicationChecks(self.0.id))
            .await
            .map_err(|_| api_error(ApiErrorCode::Internal, locale))?
            .unwrap_or_default();
        Ok(rows
            .iter()
            .cloned()
            .map(crate::graphql::review::CheckResult)
            .collect())
    }

    /// For a refused application: where to complain of the refusal and until when
    /// (`fileComplaint` with `against: { applicationId }`); null for any other.
    async fn appeal_route(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AppealRoute>> {
        if domain::ApplicationStatus::from(self.0.status) != domain::ApplicationStatus::Refused {
            return Ok(None);
        }
        let locale = request(ctx)?.locale;
        Ok(
            registration_core::service::appeals::complaints::appeal_route(service(ctx)?, &self.0)
                .await
                .map_err(|e| internal(e, locale))?
                .map(AppealRoute),
        )
    }

    /// The decision, once made.
    async fn decision(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::graphql::review::Decision>> {
        let locale = request(ctx)?.locale;
        let found = ctx
            .data::<RequestLoaders>()?
            .load_one(crate::graphql::loaders::ApplicationDecision(self.0.id))
            .await
            .map_err(|_| api_error(ApiErrorCode::Internal, locale))?;
        Ok(found
            .flatten()
            .map(|row| crate::graphql::review::Decision((*row).clone())))
    }

    /// The registration it resulted in: the service's result.
    async fn registration(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::graphql::review::Registration>> {
        let locale = request(ctx)?.locale;
        let found = ctx
            .data::<RequestLoaders>()?
            .load_one(crate::graphql::loaders::ApplicationRegistration(self.0.id))
            .await
            .map_err(|_| api_error(ApiErrorCode::Internal, locale))?;
        Ok(found
            .flatten()
            .map(|row| crate::graphql::review::Registration((*row).clone())))
    }

    /// Why, within its ground, it was refused.
    async fn refusal_reason(&self) -> Option<RefusalReason> {
        self.0.refusal_reason.map(Into::into)
    }

    /// How it was signed: the evidence an officer sees (null for a draft).
    async fn signature(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ApplicationSignature>> {
        let locale = request(ctx)?.locale;
        let found = ctx
            .data::<RequestLoaders>()?
            .load_one(SubmissionSignature(self.0.id))
            .await
            .map_err(|_| api_error(ApiErrorCode::Internal, locale))?;
        Ok(found.map(|row| ApplicationSignature {
            method: match row.method {
                AuthMethod::Eds => SigningMethod::Eds,
                AuthMethod::Otp => SigningMethod::Otp,
            },
            signed_at: row.received_at,
            masked_phone: row.masked_phone.clone(),
            signer_iin: row.signer_iin.clone(),
        }))
    }

    /// What still blocks submission (empty when it can be submitted).
    async fn missing_requirements(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<MissingRequirement>> {
        let locale = request(ctx)?.locale;
        let service = service(ctx)?;
        let address_found = match property::address_of(&self.0) {
            None => None,
            Some(address) => Some(
                ctx.data::<RequestLoaders>()?
                    .load_one(address)
                    .await
                    .map_err(|_| api_error(ApiErrorCode::Internal, locale))?
                    .unwrap_or(false),
            ),
        };
        let today = service.clock.now();
        let mut missing = missing_requirements(
            &self.0,
            address_found,
            (today.year(), u8::from(today.month()), today.day()),
        );
        // Only an arrival from abroad asks for uploaded documents (then one query).
        missing.extend(
            registration_core::service::documents::missing(&service.db, &self.0)
                .await
                .map_err(|e| internal(e, locale))?,
        );
        Ok(missing
            .into_iter()
            .map(|m| MissingRequirement {
                field: field_path(m.field)
                    .iter()
                    .map(|f| (*f).to_owned())
                    .collect(),
                code: m.code.into(),
                message: requirement_message(m.code.into(), locale).to_owned(),
            })
            .collect())
    }

    /// The status changes, oldest first.
    #[graphql(
        complexity = "usize::try_from(first.unwrap_or(20).clamp(1, 100)).unwrap_or(100) * child_complexity"
    )]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many changes (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "The cursor after which to start.")] after: Option<String>,
    ) -> async_graphql::Result<StatusChangeConnection> {
        let locale = request(ctx)?.locale;
        let id = self.0.id;
        let Page { edges, page_info } = connection::page(
            first,
            after,
            locale,
            |after, limit| async move {
                if after.is_none() {
                    // The first page of every application on the page, in one statement.
                    let key = FirstHistory {
                        application: id,
                        limit,
                    };
                    let rows = ctx
                        .data::<RequestLoaders>()?
                        .load_one(key)
                        .await
                        .map_err(|_| api_error(ApiErrorCode::Internal, locale))?;
                    return Ok(rows.map(|r| r.as_ref().clone()).unwrap_or_default());
                }
                applications::page_of_history(service(ctx)?, id, after, limit)
                    .await
                    .map_err(|e| internal(e, locale))
            },
            |row: &application_status_change::Model| Cursor {
                at: row.at,
                id: row.id,
            },
            |row, cursor| StatusChangeEdge {
                cursor,
                node: status_change(row),
            },
        )
        .await?;
        Ok(StatusChangeConnection {
            edges,
            page_info,
            application: id,
        })
    }
}

fn status_change(row: application_status_change::Model) -> StatusChange {
    StatusChange {
        from: row
            .from_status
            .map(|s| domain::ApplicationStatus::from(s).into()),
        to: domain::ApplicationStatus::from(row.to_status).into(),
        actor_role: domain::ActorRole::from(row.actor_role).into(),
        reason: row.reason,
        at: row.at,
    }
}

/// The kind of dwelling.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DwellingKind {
    /// A house.
    House,
    /// A flat.
    Apartment,
    /// A dacha structure.
    Dacha,
    /// A building used for residence (hostel, dormitory) run by an organisation's administration.
    Hostel,
}

impl From<registration_core::registries::PropertyKind> for DwellingKind {
    fn from(kind: registration_core::registries::PropertyKind) -> Self {
        use registration_core::registries::PropertyKind as K;
        match kind {
            K::House => DwellingKind::House,
            K::Apartment => DwellingKind::Apartment,
            K::Dacha => DwellingKind::Dacha,
            K::Hostel => DwellingKind::Hostel,
        }
    }
}

/// What the property registry says of an address, without anyone's personal data.
#[derive(SimpleObject, Debug)]
pub struct PropertyLookupResult {
    /// Whether the registry has the address.
    pub found: bool,
    /// The kind of dwelling.
    pub kind: Option<DwellingKind>,
    /// How many owners it has (0 for a hostel, whose administration consents instead); told only
    /// to one of its owners: a bare RKA reveals nothing about another person's property's owners.
    pub owner_count: Option<i32>,
    /// Whether an organisation's administration runs it (its application replaces the owners' consent).
    pub has_administration: Option<bool>,
}

/// An edge of a list of applications.
#[derive(SimpleObject, Debug)]
pub struct ApplicationEdge {
    /// The application.
    pub node: Application,
    /// Its cursor.
    pub cursor: String,
}

/// The officer who holds an application.
#[derive(SimpleObject, Debug)]
pub struct ClaimHolder {
    /// The signed-in officer themself.
    pub me: bool,
}

/// A page of applications.
#[derive(SimpleObject, Debug)]
#[graphql(complex)]
pub struct ApplicationConnection {
    /// The applications on this page.
    pub edges: Vec<ApplicationEdge>,
    /// Paging information.
    pub page_info: PageInfo,
    /// For an officer's queue: its filter (`None`: the signed-in person's own applications).
    #[graphql(skip)]
    pub review: Option<registration_core::service::review::QueueFilter>,
}

#[ComplexObject]
impl ApplicationConnection {
    /// How many applications the list has in all, on every page: the signed-in person's
    /// own, or the officer's queue with its filter.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let locale = request(ctx)?.locale;
        let count = match self.review {
            Some(filter) => {
                let viewer = signed_in(ctx, Operation::ReviewApplications)?;
                registration_core::service::review::queue_count(service(ctx)?, viewer, filter).await
            }
            None => {
                let viewer = signed_in(ctx, Operation::ListOwnApplications)?;
                applications::count_mine(service(ctx)?, viewer).await
            }
        }
        .map_err(|e| internal(e, locale))?;
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }
}

/// Result of an application mutation.
#[derive(SimpleObject, Debug)]
pub struct ApplicationPayload {
    /// The application as it is now (null when the mutation was refused before finding it).
    pub application: Option<Application>,
    /// Why the mutation was refused.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

impl ApplicationPayload {
    /// The mutation succeeded: the application as it is now.
    pub fn done(application: application::Model) -> Self {
        ApplicationPayload {
            application: Some(Application(application)),
            user_errors: Vec::new(),
            client_mutation_id: None,
        }
    }

    /// The mutation was refused, and why.
    pub fn refused(user_errors: Vec<UserError>) -> Self {
        ApplicationPayload {
            application: None,
            user_errors,
            client_mutation_id: None,
        }
    }

    /// The payload with the input's `clientMutationId` echoed.
    pub fn echoing(self, client_mutation_id: Option<String>) -> Self {
        ApplicationPayload {
            client_mutation_id,
            ..self
        }
    }
}

/// Where and until when a refusal can be complained of.
#[derive(Debug, Clone)]
pub struct AppealRoute(pub registration_core::service::appeals::complaints::AppealRoute);

/// Where and until when a refusal can be complained of.
#[Object]
impl AppealRoute {
    /// The body that hears the complaint (the one above the body that refused).
    async fn body(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::graphql::appeal::AdministrativeBody>> {
        crate::graphql::appeal::body_of(ctx, &self.0.hearing_body).await
    }

    /// The body that refused, through which the complaint is filed.
    async fn filed_through(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::graphql::appeal::AdministrativeBody>> {
        crate::graphql::appeal::body_of(ctx, &self.0.body_complained_of).await
    }

    /// When the applicant was notified of the refusal (the 3 months run from that day).
    async fn learned_at(&self) -> OffsetDateTime {
        self.0.learned_at
    }

    /// The end of the 3 months: 24:00 Almaty time of their last day. A later complaint is
    /// still received, with a request to restore the term.
    async fn deadline(&self) -> OffsetDateTime {
        self.0.deadline
    }
}
