//! Appeals in GraphQL (issue 16, first part): `prepareAppealSigning`, `fileAppeal`,
//! `correctAppeal`, `withdrawAppeal`, `myAppeals`, `administrativeBodies`, and the `Appeal`
//! node with its receipt, deadlines and history. The resolvers only translate: the workflow is
//! `registration_core::service::appeals`.

use super::application::{Application, KIND as APPLICATION};
use super::connection::{self, Page};
use super::context::{request, service, signed_in, state};
use super::enums::ActorRole;
use super::errors::{UserError, UserErrorCode, internal, sign_error};
use super::ids;
use super::locale::Locale;
use super::otp::well_formed_code;
use super::pagination::{Cursor, PageInfo};
use super::signing::{KIND as SIGNING_REQUEST, SignatureInput, SigningRequest};
use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, Object, SimpleObject};
use entities::{administrative_body, appeal, appeal_deadline, appeal_history};
use registration_core::domain;
use registration_core::policy::Operation;
use registration_core::service::appeals::deadlines::DeadlineKind as CoreDeadlineKind;
use registration_core::service::appeals::draft::{
    AppealError, AppealFields, Field, Requirement, parse_date,
};
use registration_core::service::appeals::review::Outcome as CoreOutcome;
use registration_core::service::appeals::{
    self, AppealKind as CoreKind, AppealStatus as CoreStatus, correction, draft, filing,
};
use registration_core::service::applications;
use sea_orm::ActiveEnum;
use time::OffsetDateTime;

/// The kind name inside an appeal's global ID.
pub const KIND: &str = "Appeal";

/// Longest CMS accepted, in characters (as `submitApplication`).
const MAX_CMS_LEN: usize = 1024 * 1024;

/// Where an appeal stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppealStatus {
    /// Being written; not filed yet.
    Draft,
    /// Filed and received, with its receipt; the decision's term runs.
    Received,
    /// Received, but missing a requirement (`missingRequirements`): correct it by the
    /// `CORRECTION` deadline.
    NeedsCorrection,
    /// Not corrected in time: returned with the reasons (see `history`).
    Returned,
    /// Withdrawn by the applicant before a decision.
    Withdrawn,
    /// Referred to the authorised body (`handlingBody`), which now considers it.
    Referred,
    /// Decided (`outcome`), with the officer's signed act.
    Decided,
    /// Not decided by the end of its term (24:00 Almaty time of its last working day): deemed
    /// refused from the next instant (`termEndedAt`, `deemedRefusedAt`).
    DeemedRefused,
    /// A complaint forwarded by the body complained of to the body that hears it.
    Forwarded,
    /// A complaint the body complained of satisfied itself (art. 92 of the Administrative
    /// Procedure Code).
    SatisfiedByBody,
    /// A late complaint whose term the hearing body did not restore: not considered.
    RestorationDenied,
}

impl From<CoreStatus> for AppealStatus {
    fn from(status: CoreStatus) -> Self {
        match status {
            CoreStatus::Draft => AppealStatus::Draft,
            CoreStatus::Received => AppealStatus::Received,
            CoreStatus::NeedsCorrection => AppealStatus::NeedsCorrection,
            CoreStatus::Returned => AppealStatus::Returned,
            CoreStatus::Withdrawn => AppealStatus::Withdrawn,
            CoreStatus::Referred => AppealStatus::Referred,
            CoreStatus::Decided => AppealStatus::Decided,
            CoreStatus::DeemedRefused => AppealStatus::DeemedRefused,
            CoreStatus::Forwarded => AppealStatus::Forwarded,
            CoreStatus::SatisfiedByBody => AppealStatus::SatisfiedByBody,
            CoreStatus::RestorationDenied => AppealStatus::RestorationDenied,
        }
    }
}

impl From<AppealStatus> for CoreStatus {
    fn from(status: AppealStatus) -> Self {
        match status {
            AppealStatus::Draft => CoreStatus::Draft,
            AppealStatus::Received => CoreStatus::Received,
            AppealStatus::NeedsCorrection => CoreStatus::NeedsCorrection,
            AppealStatus::Returned => CoreStatus::Returned,
            AppealStatus::Withdrawn => CoreStatus::Withdrawn,
            AppealStatus::Referred => CoreStatus::Referred,
            AppealStatus::Decided => CoreStatus::Decided,
            AppealStatus::DeemedRefused => CoreStatus::DeemedRefused,
            AppealStatus::Forwarded => CoreStatus::Forwarded,
            AppealStatus::SatisfiedByBody => CoreStatus::SatisfiedByBody,
            AppealStatus::RestorationDenied => CoreStatus::RestorationDenied,
        }
    }
}

/// How an appeal or a complaint was decided.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "CoreOutcome")]
pub enum AppealOutcome {
    /// The request is granted.
    Satisfied,
    /// It is refused, with the reasons.
    Refused,
    /// A complaint the body complained of satisfied itself before forwarding it.
    SatisfiedByBody,
}

/// Who files the appeal.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppealKind {
    /// A natural person: full name, IIN and postal address.
    Person,
    /// A legal entity: its name and BIN.
    LegalEntity,
}

impl From<AppealKind> for CoreKind {
    fn from(kind: AppealKind) -> Self {
        match kind {
            AppealKind::Person => CoreKind::Person,
            AppealKind::LegalEntity => CoreKind::LegalEntity,
        }
    }
}

impl From<CoreKind> for AppealKind {
    fn from(kind: CoreKind) -> Self {
        match kind {
            CoreKind::Person => AppealKind::Person,
            CoreKind::LegalEntity => AppealKind::LegalEntity,
        }
    }
}

/// A requirement of an appeal that it misses.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppealRequirement {
    /// The full name (a person's, or the organisation's name).
    FullName,
    /// A natural person's IIN.
    Iin,
    /// A natural person's postal address.
    PostalAddress,
    /// A legal entity's BIN.
    Bin,
}

impl From<Requirement> for AppealRequirement {
    fn from(requirement: Requirement) -> Self {
        match requirement {
            Requirement::FullName => AppealRequirement::FullName,
            Requirement::Iin => AppealRequirement::Iin,
            Requirement::PostalAddress => AppealRequirement::PostalAddress,
            Requirement::Bin => AppealRequirement::Bin,
        }
    }
}

/// What a deadline is for.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineKind {
    /// The decision on the appeal: 15 working days from the day it counts as received.
    Decision,
    /// Referring it to the authorised body, should it not be this body's: 3 working days from
    /// receipt (a duty of the body; a later referral is recorded as late).
    Referral,
    /// The applicant's correction of a missing requirement.
    Correction,
    /// Notifying the participant of the head's extension: 3 working days from the head's
    /// decision (met when the service notified them; late when entered later).
    ExtensionNotice,
    /// A complaint: the body complained of forwards it to the body that hears it, or
    /// satisfies it itself, within 3 working days of receipt (art. 92 of the Code).
    Forwarding,
    /// A complaint: 3 calendar months from the day the person learned of the act (met when
    /// filed; met late means the restoration of the term was asked for).
    Filing,
}

impl From<CoreDeadlineKind> for DeadlineKind {
    fn from(kind: CoreDeadlineKind) -> Self {
        match kind {
            CoreDeadlineKind::Decision => DeadlineKind::Decision,
            CoreDeadlineKind::Referral => DeadlineKind::Referral,
            CoreDeadlineKind::Correction => DeadlineKind::Correction,
            CoreDeadlineKind::ExtensionNotice => DeadlineKind::ExtensionNotice,
            CoreDeadlineKind::Forwarding => DeadlineKind::Forwarding,
            CoreDeadlineKind::Filing => DeadlineKind::Filing,
        }
    }
}

/// A term counted on the working-day calendar when its event happened, and stored: a later
/// change of the calendar never moves it.
#[derive(Debug, Clone)]
pub struct Deadline(pub appeal_deadline::Model);

/// A term counted on the working-day calendar.
#[Object]
impl Deadline {
    /// What it is for (null for a kind a later version added).
    async fn kind(&self) -> Option<DeadlineKind> {
        CoreDeadlineKind::from_stored(&self.0.kind).map(Into::into)
    }

    /// When its event happened (the receipt, the correction).
    async fn started_at(&self) -> OffsetDateTime {
        self.0.started_at
    }

    /// When the term ends: 24:00 Almaty time of its last working day (the next day's 00:00).
    async fn due_at(&self) -> OffsetDateTime {
        self.0.due_at
    }

    /// When it was met; null while open.
    async fn met_at(&self) -> Option<OffsetDateTime> {
        self.0.met_at
    }

    /// When a referral or an extension replaced it with a new term (this one kept as it was),
    /// or, for `REFERRAL`, when it stopped being due (the body kept the appeal: decided or
    /// extended it; or the appeal ended); null while it stands.
    async fn superseded_at(&self) -> Option<OffsetDateTime> {
        self.0.superseded_at
    }

    /// Whether it was missed: met at or after `dueAt`, or still open (not superseded) then.
    async fn late(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(registration_core::service::appeals::deadlines::is_late(
            &self.0,
            service(ctx)?.clock.now(),
        ))
    }

    /// Whether a day it counted may still change (no transfer act or no data for its year):
    /// shown as provisional.
    async fn provisional(&self) -> bool {
        self.0.provisional
    }

    /// The calendar data it was counted on (`kz-2025/v1`; several, comma-separated, when it
    /// spans years).
    async fn calendar_version(&self) -> &str {
        &self.0.calendar_version
    }

    /// The working days it counted, in order (YYYY-MM-DD).
    async fn counted_days(&self) -> Vec<String> {
        serde_json::from_str(&self.0.computed_on).unwrap_or_default()
    }
}

/// The receipt of a filed appeal.
#[derive(SimpleObject, Debug, Clone)]
pub struct Receipt {
    /// Its unique human-readable number.
    pub number: String,
    /// When it was received.
    pub received_at: OffsetDateTime,
    /// The surname and initials of who received it (online: the service's named operator).
    pub receiver_name: String,
    /// Their position.
    pub receiver_position: String,
}

/// One status change of an appeal.
#[derive(SimpleObject, Debug, Clone)]
pub struct AppealHistoryEntry {
    /// The status before; null for the creation.
    pub from: Option<AppealStatus>,
    /// The status after.
    pub to: Option<AppealStatus>,
    /// Who made the change.
    pub actor_role: Option<ActorRole>,
    /// Why (the requirements missing, a withdrawal's reason, a return's reasons).
    pub reason: Option<String>,
    /// When.
    pub at: OffsetDateTime,
}

impl From<appeal_history::Model> for AppealHistoryEntry {
    fn from(row: appeal_history::Model) -> Self {
        let status = |s: &str| CoreStatus::from_stored(s).map(AppealStatus::from);
        AppealHistoryEntry {
            from: row.from_status.as_deref().and_then(status),
            to: status(&row.to_status),
            actor_role: entities::enums::ActorRole::try_from_value(&row.actor_role)
                .ok()
                .map(|r| domain::ActorRole::from(r).into()),
            reason: row.reason,
            at: row.at,
        }
    }
}

/// An administrative body appeals are addressed to.
#[derive(Debug, Clone)]
pub struct AdministrativeBody(pub administrative_body::Model);

/// An administrative body.
#[Object]
impl AdministrativeBody {
    /// Its BIN.
    async fn bin(&self) -> &str {
        &self.0.bin
    }

    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The higher body, which hears complaints against this one; null at the top.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AdministrativeBody>> {
        let Some(parent) = &self.0.parent_bin else {
            return Ok(None);
        };
        let locale = request(ctx)?.locale;
        Ok(appeals::body(service(ctx)?, parent)
            .await
            .map_err(|e| internal(e, locale))?
            .map(AdministrativeBody))
    }
}

/// An appeal in the administrative procedure.
#[derive(Debug, Clone)]
pub struct Appeal(pub appeal::Model);

/// An appeal in the administrative procedure.
#[Object]
impl Appeal {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(KIND, self.0.id)
    }

    /// Its human-readable number.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// Where it stands (null for a status a later version added).
    async fn status(&self) -> Option<AppealStatus> {
        appeals::status(&self.0).map(Into::into)
    }

    /// The version, for `correctAppeal` and `withdrawAppeal`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Who files it.
    async fn kind(&self) -> Option<AppealKind> {
        CoreKind::from_stored(&self.0.kind).map(Into::into)
    }

    /// The applicant's full name, or the organisation's name.
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }

    /// A natural person's IIN.
    async fn iin(&self) -> Option<&str> {
        self.0.iin.as_deref()
    }

    /// A legal entity's BIN.
    async fn bin(&self) -> Option<&str> {
        self.0.bin.as_deref()
    }

    /// A natural person's postal address.
    async fn postal_address(&self) -> Option<&str> {
        self.0.postal_address.as_deref()
    }

    /// The body addressed.
    async fn body(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AdministrativeBody>> {
        body_of(ctx, &self.0.body_bin).await
    }

    /// The essence of the appeal.
    async fn essence(&self) -> &str {
        &self.0.essence
    }

    /// The date of filing the applicant wrote (YYYY-MM-DD).
    async fn appeal_date(&self) -> String {
        self.0.appeal_date.to_string()
    }

    /// The application it concerns, if any (null too when the caller may not see it).
    async fn application(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Application>> {
        let Some(id) = self.0.application_id else {
            return Ok(None);
        };
        let viewer = signed_in(ctx, Operation::ReadAppeals)?;
        let locale = request(ctx)?.locale;
        Ok(applications::read(service(ctx)?, viewer, id)
            .await
            .map_err(|e| internal(e, locale))?
            .map(Application))
    }

    /// The requirements it misses (empty when it meets them all).
    async fn missing_requirements(&self) -> Vec<AppealRequirement> {
        appeals::missing(&self.0)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// When the draft was made.
    async fn created_at(&self) -> OffsetDateTime {
        self.0.created_at
    }

    /// The receipt, once filed.
    async fn receipt(&self) -> Option<Receipt> {
        receipt(&self.0)
    }

    /// Its deadlines, each as computed when its event happened.
    async fn deadlines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Deadline>> {
        deadlines(ctx, &self.0).await
    }

    /// Its status changes, oldest first: who, when, why.
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AppealHistoryEntry>> {
        history(ctx, &self.0).await
    }

    /// The body that considers it now: the one addressed, or the one it was referred to.
    async fn handling_body(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<AdministrativeBody>> {
        body_of(ctx, appeals::handling_body(&self.0)).await
    }

    /// When it was last referred to the authorised body.
    async fn referred_at(&self) -> Option<OffsetDateTime> {
        self.0.referred_at
    }

    /// How it was decided, once decided.
    async fn outcome(&self) -> Option<AppealOutcome> {
        outcome(&self.0)
    }

    /// The decision's reasons.
    async fn decision_reason(&self) -> Option<&str> {
        self.0.decision_reason.as_deref()
    }

    /// When the signed decision was made.
    async fn decided_at(&self) -> Option<OffsetDateTime> {
        self.0.decided_at
    }

    /// A deemed refusal: when the term ended (24:00 Almaty time of its last working day).
    async fn term_ended_at(&self) -> Option<OffsetDateTime> {
        self.0.term_ended_at
    }

    /// A deemed refusal: when the service recorded it (at or just after `termEndedAt`).
    async fn deemed_refused_at(&self) -> Option<OffsetDateTime> {
        self.0.deemed_refused_at
    }

    /// The head's last extension of the term, if any (the new term is the `DECISION` deadline
    /// that is not superseded).
    async fn extension(&self) -> Option<AppealExtension> {
        Some(AppealExtension {
            reason: self.0.extension_reason.clone()?,
            decided_at: self.0.extended_at?,
        })
    }

    /// The latest day the head may extend the term to: 2 calendar months after the first
    /// decision term's last day (clamped at the month's end), YYYY-MM-DD; null before receipt.
    async fn extension_limit(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let locale = request(ctx)?.locale;
        let service = service(ctx)?;
        Ok(
            appeals::review::extension_limit(&service.db, service, self.0.id)
                .await
                .map_err(|e| internal(e, locale))?
                .map(|day| day.to_string()),
        )
    }
}

/// The head's extension of an appeal's term.
#[derive(SimpleObject, Debug, Clone)]
pub struct AppealExtension {
    /// The head's reasons.
    pub reason: String,
    /// When the head decided it.
    pub decided_at: OffsetDateTime,
}

/// The receipt of a filed appeal or complaint.
pub(super) fn receipt(row: &appeal::Model) -> Option<Receipt> {
    Some(Receipt {
        number: row.receipt_number.clone()?,
        received_at: row.received_at?,
        receiver_name: row.receiver_name.clone()?,
        receiver_position: row.receiver_position.clone()?,
    })
}

/// The outcome of a decided appeal or complaint.
pub(super) fn outcome(row: &appeal::Model) -> Option<AppealOutcome> {
    row.outcome
        .as_deref()
        .and_then(CoreOutcome::from_stored)
        .map(Into::into)
}

/// An appeal's or complaint's deadlines.
pub(super) async fn deadlines(
    ctx: &Context<'_>,
    row: &appeal::Model,
) -> async_graphql::Result<Vec<Deadline>> {
    let locale = request(ctx)?.locale;
    Ok(appeals::deadlines_of(service(ctx)?, row.id)
        .await
        .map_err(|e| internal(e, locale))?
        .into_iter()
        .map(Deadline)
        .collect())
}

/// An appeal's or complaint's history.
pub(super) async fn history(
    ctx: &Context<'_>,
    row: &appeal::Model,
) -> async_graphql::Result<Vec<AppealHistoryEntry>> {
    let locale = request(ctx)?.locale;
    Ok(appeals::history(service(ctx)?, row.id)
        .await
        .map_err(|e| internal(e, locale))?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// A body by its BIN.
pub(super) async fn body_of(
    ctx: &Context<'_>,
    bin: &str,
) -> async_graphql::Result<Option<AdministrativeBody>> {
    let locale = request(ctx)?.locale;
    Ok(appeals::body(service(ctx)?, bin)
        .await
        .map_err(|e| internal(e, locale))?
        .map(AdministrativeBody))
}

/// One appeal in a list.
#[derive(SimpleObject, Debug)]
pub struct AppealEdge {
    /// The position, for `after`.
    pub cursor: String,
    /// The appeal.
    pub node: Appeal,
}

/// A page of appeals.
#[derive(SimpleObject, Debug)]
#[graphql(complex)]
pub struct AppealConnection {
    /// The appeals on this page, newest first.
    pub edges: Vec<AppealEdge>,
    /// Paging information.
    pub page_info: PageInfo,
    #[graphql(skip)]
    pub total: u64,
}

#[ComplexObject]
impl AppealConnection {
    /// How many there are, on every page.
    async fn total_count(&self) -> i32 {
        i32::try_from(self.total).unwrap_or(i32::MAX)
    }
}

/// Appeal queries.
#[derive(Default, Debug)]
pub struct AppealQuery;

/// Appeal queries.
#[Object]
impl AppealQuery {
    /// The signed-in person's appeals, newest first.
    async fn my_appeals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "The cursor after which to start.")] after: Option<String>,
    ) -> async_graphql::Result<AppealConnection> {
        let viewer = signed_in(ctx, Operation::ReadAppeals)?;
        let locale = request(ctx)?.locale;
        let mut total = 0;
        let total_ref = &mut total;
        let Page { edges, page_info } = connection::page(
            first,
            after,
            locale,
            |after, limit| async move {
                let (rows, count) = appeals::list_own(
                    service(ctx)?,
                    viewer,
                    appeals::Procedure::Appeal,
                    after,
                    limit,
                )
                .await
                .map_err(|e| internal(e, locale))?;
                *total_ref = count;
                Ok(rows)
            },
            |row: &appeal::Model| Cursor {
                at: row.created_at,
                id: row.id,
            },
            |row, cursor| AppealEdge {
                cursor,
                node: Appeal(row),
            },
        )
        .await?;
        Ok(AppealConnection {
            edges,
            page_info,
            total,
        })
    }

    /// The administrative bodies, each with the body above it (who hears a complaint against
    /// whom).
    async fn administrative_bodies(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<AdministrativeBody>> {
        signed_in(ctx, Operation::ListAdministrativeBodies)?;
        let locale = request(ctx)?.locale;
        Ok(appeals::bodies(service(ctx)?)
            .await
            .map_err(|e| internal(e, locale))?
            .into_iter()
            .map(AdministrativeBody)
            .collect())
    }
}

/// An input's `appealId` as an appeal's (or a complaint's) id, or `NOT_FOUND` on
/// `input.appealId`.
pub(super) fn appeal_id(id: &ID, locale: Locale) -> Result<uuid::Uuid, UserError> {
    ids::decode_kind(id, KIND)
        .or_else(|| ids::decode_kind(id, super::complaint::KIND))
        .ok_or_else(|| {
            UserError::new(
                UserErrorCode::NotFound,
                &["input", "appealId"],
                locale,
                None,
            )
        })
}

/// The fields of an appeal (DOMAIN.md, "Appeals"). A requirement left out (the full name; the
/// IIN and postal address of a person; the BIN of a legal entity) does not refuse it: filed, it
/// is set for correction.
#[derive(InputObject, Debug)]
pub struct AppealFieldsInput {
    /// Who files it.
    pub kind: AppealKind,
    /// The applicant's full name, or the organisation's name.
    pub full_name: Option<String>,
    /// A natural person's IIN.
    pub iin: Option<String>,
    /// A natural person's postal address.
    pub postal_address: Option<String>,
    /// A legal entity's BIN.
    pub bin: Option<String>,
    /// The BIN of the administrative body addressed (see `administrativeBodies`).
    pub body_bin: String,
    /// The essence of the appeal (1 to 5000 characters).
    pub essence: String,
    /// The date of filing (YYYY-MM-DD, not in the future).
    pub date: String,
    /// The application concerned, if any.
    pub application_id: Option<ID>,
}

/// Input of `prepareAppealSigning`.
#[derive(InputObject, Debug)]
pub struct PrepareAppealSigningInput {
    /// The appeal's fields.
    pub appeal: AppealFieldsInput,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Result of `prepareAppealSigning`.
#[derive(SimpleObject, Debug)]
pub struct PrepareAppealSigningPayload {
    /// The draft made.
    pub appeal: Option<Appeal>,
    /// What to sign (EDS or SMS code); `fileAppeal` files it.
    pub signing_request: Option<SigningRequest>,
    /// Why the draft was not made.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

/// Input of `fileAppeal`.
#[derive(InputObject, Debug)]
pub struct FileAppealInput {
    /// The signing request's global ID (from `prepareAppealSigning`).
    pub signing_request_id: ID,
    /// The signature over its payload.
    pub signature: SignatureInput,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Input of `correctAppeal`.
#[derive(InputObject, Debug)]
pub struct CorrectAppealInput {
    /// The appeal's global ID.
    pub appeal_id: ID,
    /// Its current version.
    pub version: i32,
    /// Its fields as they should be.
    pub appeal: AppealFieldsInput,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Input of `withdrawAppeal`.
#[derive(InputObject, Debug)]
pub struct WithdrawAppealInput {
    /// The appeal's global ID.
    pub appeal_id: ID,
    /// Its current version.
    pub version: i32,
    /// Why (optional, at most 1000 characters).
    pub reason: Option<String>,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Result of an appeal mutation.
#[derive(SimpleObject, Debug)]
pub struct AppealPayload {
    /// The appeal as it is now (as it was, on a user error about it).
    pub appeal: Option<Appeal>,
    /// Why it was not changed.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

impl AppealPayload {
    /// The appeal as changed.
    pub(super) fn done(appeal: appeal::Model, echo: Option<String>) -> Self {
        AppealPayload {
            appeal: Some(Appeal(appeal)),
            user_errors: Vec::new(),
            client_mutation_id: echo,
        }
    }

    /// Nothing changed, for the user error.
    pub(super) fn refused(user_error: UserError, echo: Option<String>) -> Self {
        AppealPayload {
            appeal: None,
            user_errors: vec![user_error],
            client_mutation_id: echo,
        }
    }
}

/// The input's fields for the core, or the user error of the first malformed one.
pub(super) fn fields(
    input: AppealFieldsInput,
    prefix: &[&str],
    locale: Locale,
) -> Result<AppealFields, UserError> {
    let at = |field: &str| -> Vec<String> {
        prefix
            .iter()
            .map(|p| (*p).to_owned())
            .chain([field.to_owned()])
            .collect()
    };
    let refuse = |field: &str| {
        let path = at(field);
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        UserError::new(UserErrorCode::BadUserInput, &path, locale, None)
    };
    let Some(appeal_date) = parse_date(&input.date) else {
        return Err(refuse("date"));
    };
    let application_id = match &input.application_id {
        Some(id) => match ids::decode_kind(id, APPLICATION) {
            Some(uuid) => Some(uuid),
            None => return Err(refuse("applicationId")),
        },
        None => None,
    };
    Ok(AppealFields {
        kind: input.kind.into(),
        full_name: input.full_name,
        iin: input.iin,
        bin: input.bin,
        postal_address: input.postal_address,
        body_bin: input.body_bin,
        essence: input.essence,
        appeal_date,
        application_id,
    })
}

/// An appeal workflow's refusal as a user error (`Err`: not the caller's fault).
pub(super) fn appeal_error(
    error: AppealError,
    prefix: &[&str],
    locale: Locale,
) -> Result<UserError, async_graphql::Error> {
    let field = |name: &str| -> Vec<String> {
        prefix
            .iter()
            .map(|p| (*p).to_owned())
            .chain([name.to_owned()])
            .collect()
    };
    let (code, path): (UserErrorCode, Vec<String>) = match error {
        AppealError::Invalid(which) => {
            let name = match which {
                Field::FullName => "fullName",
                Field::Iin => "iin",
                Field::Bin => "bin",
                Field::PostalAddress => "postalAddress",
                Field::Body => "bodyBin",
                Field::Essence => "essence",
                Field::AppealDate => "date",
                Field::Application => "applicationId",
                Field::Reason => "reason",
            };
            (UserErrorCode::BadUserInput, field(name))
        }
        AppealError::UnknownBody => (UserErrorCode::UnknownAdministrativeBody, field("bodyBin")),
        AppealError::NotFound => (
            UserErrorCode::NotFound,
            vec!["input".into(), "appealId".into()],
        ),
        AppealError::Conflict => (
            UserErrorCode::Conflict,
            vec!["input".into(), "version".into()],
        ),
        AppealError::NotEditable => (
            UserErrorCode::AppealNotEditable,
            vec!["input".into(), "appealId".into()],
        ),
        AppealError::CorrectionDeadlinePassed => (
            UserErrorCode::CorrectionDeadlinePassed,
            vec!["input".into(), "appealId".into()],
        ),
        AppealError::NothingToComplainOf => (UserErrorCode::NothingToComplainOf, field("against")),
        AppealError::Internal(error) => return Err(internal(error, locale)),
    };
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    Ok(UserError::new(code, &path, locale, None))
}

/// Files the draft (appeal or complaint) of a signing request with its signature (EDS or SMS
/// code): the filed row, or the draft as it stayed beside the user error.
pub(super) async fn file_signed(
    ctx: &Context<'_>,
    operation: Operation,
    signing_request_id: &ID,
    signature: SignatureInput,
) -> async_graphql::Result<(Option<appeal::Model>, Vec<UserError>)> {
    let viewer = signed_in(ctx, operation)?;
    let locale = request(ctx)?.locale;
    let refused = |code, field: &[&str]| (None, vec![UserError::new(code, field, locale, None)]);
    let Some(id) = ids::decode_kind(signing_request_id, SIGNING_REQUEST) else {
        return Ok(refused(
            UserErrorCode::NotFound,
            &["input", "signingRequestId"],
        ));
    };
    let outcome = match (signature.cms, signature.otp) {
        (Some(cms), None) => {
            if cms.trim().is_empty() || cms.len() > MAX_CMS_LEN {
                return Ok(refused(
                    UserErrorCode::BadUserInput,
                    &["input", "signature", "cms"],
                ));
            }
            filing::file(service(ctx)?, viewer, id, &cms).await
        }
        (None, Some(code)) => {
            let Some(code) = well_formed_code(&code) else {
                return Ok(refused(
                    UserErrorCode::BadUserInput,
                    &["input", "signature", "otp"],
                ));
            };
            filing::file_with_otp(service(ctx)?, &state(ctx)?.otp, viewer, id, code).await
        }
        _ => {
            return Ok(refused(
                UserErrorCode::SignatureMissing,
                &["input", "signature"],
            ));
        }
    };
    match outcome {
        Ok(filed) => Ok((Some(filed), Vec::new())),
        Err(error) => {
            let user_error = sign_error(error, locale)?;
            // The draft stays as it was: show it beside the error.
            let request =
                registration_core::service::signing::find_request(service(ctx)?, viewer, id)
                    .await
                    .map_err(|e| internal(e, locale))?;
            let draft = match request {
                Some(request) => appeals::find(service(ctx)?, viewer, request.subject_id)
                    .await
                    .map_err(|e| internal(e, locale))?,
                None => None,
            };
            Ok((draft, vec![user_error]))
        }
    }
}

/// Appeal mutations.
#[derive(Default, Debug)]
pub struct AppealMutation;

/// Appeal mutations.
#[Object]
impl AppealMutation {
    /// Makes a `DRAFT` appeal from its fields and the signing request to file it with. A
    /// requirement left out is recorded (`missingRequirements`), never refused; a malformed
    /// field or an unknown body is a user error.
    async fn prepare_appeal_signing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The appeal's fields.")] input: PrepareAppealSigningInput,
    ) -> async_graphql::Result<PrepareAppealSigningPayload> {
        let viewer = signed_in(ctx, Operation::PrepareAppealSigning)?;
        let locale = request(ctx)?.locale;
        let echo = input.client_mutation_id.clone();
        let refused = |user_error| PrepareAppealSigningPayload {
            appeal: None,
            signing_request: None,
            user_errors: vec![user_error],
            client_mutation_id: echo.clone(),
        };
        const PREFIX: &[&str] = &["input", "appeal"];
        let fields = match fields(input.appeal, PREFIX, locale) {
            Ok(fields) => fields,
            Err(user_error) => return Ok(refused(user_error)),
        };
        match draft::prepare(service(ctx)?, viewer, &fields).await {
            Ok((appeal, signing_request)) => Ok(PrepareAppealSigningPayload {
                appeal: Some(Appeal(appeal)),
                signing_request: Some(SigningRequest(signing_request)),
                user_errors: Vec::new(),
                client_mutation_id: echo,
            }),
            Err(error) => Ok(refused(appeal_error(error, PREFIX, locale)?)),
        }
    }

    /// Files an appeal with the signature over its signing request's payload (EDS or SMS
    /// code). Receiving is never refused: it is `RECEIVED` with its receipt and deadlines, or
    /// `NEEDS_CORRECTION` when it misses a requirement. A bad signature leaves the draft as it
    /// was, with a user error.
    async fn file_appeal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signing request and its signature.")] input: FileAppealInput,
    ) -> async_graphql::Result<AppealPayload> {
        let echo = input.client_mutation_id.clone();
        let (appeal, user_errors) = file_signed(
            ctx,
            Operation::FileAppeal,
            &input.signing_request_id,
            input.signature,
        )
        .await?;
        Ok(AppealPayload {
            appeal: appeal.map(Appeal),
            user_errors,
            client_mutation_id: echo,
        })
    }

    /// Corrects an appeal that is `NEEDS_CORRECTION`, before its `CORRECTION` deadline. With
    /// every requirement met it is `RECEIVED`, and its `DECISION` term runs from the day the
    /// corrected appeal is received.
    async fn correct_appeal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The appeal, its version and its corrected fields.")]
        input: CorrectAppealInput,
    ) -> async_graphql::Result<AppealPayload> {
        let viewer = signed_in(ctx, Operation::CorrectAppeal)?;
        let locale = request(ctx)?.locale;
        let echo = input.client_mutation_id.clone();
        const PREFIX: &[&str] = &["input", "appeal"];
        let id = match appeal_id(&input.appeal_id, locale) {
            Ok(id) => id,
            Err(user_error) => return Ok(AppealPayload::refused(user_error, echo)),
        };
        let fields = match fields(input.appeal, PREFIX, locale) {
            Ok(fields) => fields,
            Err(user_error) => return Ok(AppealPayload::refused(user_error, echo)),
        };
        match correction::correct(service(ctx)?, viewer, id, input.version, &fields).await {
            Ok(corrected) => Ok(AppealPayload {
                appeal: Some(Appeal(corrected)),
                user_errors: Vec::new(),
                client_mutation_id: echo,
            }),
            Err(error) => Ok(AppealPayload::refused(
                appeal_error(error, PREFIX, locale)?,
                echo,
            )),
        }
    }

    /// Withdraws the applicant's appeal before a decision (`RECEIVED` or `NEEDS_CORRECTION`).
    async fn withdraw_appeal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The appeal, its version and why.")] input: WithdrawAppealInput,
    ) -> async_graphql::Result<AppealPayload> {
        let viewer = signed_in(ctx, Operation::WithdrawAppeal)?;
        let locale = request(ctx)?.locale;
        let echo = input.client_mutation_id.clone();
        let id = match appeal_id(&input.appeal_id, locale) {
            Ok(id) => id,
            Err(user_error) => return Ok(AppealPayload::refused(user_error, echo)),
        };
        match correction::withdraw(
            service(ctx)?,
            viewer,
            id,
            input.version,
            input.reason.as_deref(),
        )
        .await
        {
            Ok(withdrawn) => Ok(AppealPayload {
                appeal: Some(Appeal(withdrawn)),
                user_errors: Vec::new(),
                client_mutation_id: echo,
            }),
            Err(error) => Ok(AppealPayload::refused(
                appeal_error(error, &["input"], locale)?,
                echo,
            )),
        }
    }
}
