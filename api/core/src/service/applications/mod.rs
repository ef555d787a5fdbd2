//! Applications: drafts that may be incomplete, their changes under optimistic concurrency,
//! withdrawal, and the append-only history of status changes. Every operation runs its writes
//! in one transaction.

pub mod draft;

use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::{ActorRole, ApplicationStatus, MultilineText, RefusalGround};
use crate::policy;
use crate::service::InternalError;
use crate::service::events;
use crate::service::keyset::{self, Direction};
use draft::{DraftChanges, DraftField, Inconsistency};
use entities::{application, application_status_change, person, signing_request};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use time::OffsetDateTime;
use uuid::Uuid;

/// Why a draft operation (create, update, withdraw) was refused, or failed.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    /// No such application, or not one the caller may see.
    #[error("no such application")]
    NotFound,
    /// The caller may see it but not change it.
    #[error("the caller may not change this application")]
    Forbidden,
    /// The `version` given is not the current one: someone changed it meanwhile.
    #[error("the application changed meanwhile")]
    Conflict,
    /// Only a draft can be changed.
    #[error("only a draft can be changed")]
    NotEditable,
    /// The status change is not allowed from the current status.
    #[error("the status change is not allowed")]
    TransitionNotAllowed,
    /// The idempotency key was used before with other content.
    #[error("the idempotency key was used with other content")]
    IdempotencyKeyReused,
    /// The draft would contradict itself.
    #[error("the draft contradicts itself: {1:?}")]
    Inconsistent(DraftField, Inconsistency),
    /// Not the caller's fault.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for DraftError {
    fn from(error: sea_orm::DbErr) -> Self {
        DraftError::Internal(error.into())
    }
}

/// Alphabet of application numbers: no 0/O, 1/I/L, so they can be read over the phone.
const NUMBER_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ#";

/// A new human-readable number: the year and eight random characters (`26-K7QF-2M9X`), about
/// 40 bits of randomness; uniqueness is enforced by the database.
pub(crate) fn new_number(now: OffsetDateTime) -> Result<String, InternalError> {
    let bytes = crate::auth::tokens::random_bytes::<8>()?;
    // 31 usable symbols: drop '#'; the modulo bias over 256 is negligible for a number.
    let symbols: String = bytes
        .iter()
        .filter_map(|b| {
            NUMBER_ALPHABET
                .get(usize::from(*b) % 31)
                .map(|c| char::from(*c))
        })
        .collect();
    let (first, second) = symbols.split_at(4.min(symbols.len()));
    Ok(format!("{:02}-{first}-{second}", now.year() % 100))
}

/// Who changes a status, and why.
#[derive(Debug, Clone)]
pub struct Actor {
    pub person: Option<Uuid>,
    pub role: ActorRole,
    pub reason: Option<String>,
}

async fn record_change<C: ConnectionTrait>(
    db: &C,
    application_id: Uuid,
    (from, to): (Option<ApplicationStatus>, ApplicationStatus),
    actor: Actor,
    at: OffsetDateTime,
) -> Result<(), sea_orm::DbErr> {
    let (role, person) = (actor.role, actor.person);
    application_status_change::ActiveModel {
        id: Set(Uuid::new_v4()),
        application_id: Set(application_id),
        from_status: Set(from.map(Into::into)),
        to_status: Set(to.into()),
        actor_person_id: Set(actor.person),
        actor_role: Set(actor.role.into()),
        reason: Set(actor.reason),
        at: Set(at),
    }
    .insert(db)
    .await?;
    // DOMAIN: every status change is in the personal account: the event is written in the
    // change's own transaction (the outbox), for the applicant and the person registered.
    let application = application::Entity::find_by_id(application_id)
        .one(db)
        .await?
        .ok_or_else(|| sea_orm::DbErr::RecordNotFound(format!("application {application_id}")))?;
    let stored = |status: ApplicationStatus| entities::enums::ApplicationStatus::from(status);
    events::record(
        db,
        events::EventDraft {
            entity: events::EntityKind::Application,
            entity_id: application_id,
            application_id: Some(application_id),
            body: application.body_bin.clone(),
            from: from.map(|status| stored(status).to_value()),
            to: stored(to).to_value(),
            actor_role: role,
            actor_person: person,
            audience: events::application_audience(&application),
            at,
        },
    )
    .await?;
    Ok(())
}

/// Creates a draft. With an idempotency key, a retry returns the draft the first call made; the
/// same key with other content is `IdempotencyKeyReused`.
#[tracing::instrument(skip_all)]
pub async fn create(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    changes: DraftChanges,
    idempotency_key: Option<String>,
) -> Result<application::Model, DraftError> {
    let filer = Filer {
        applicant_person_id: viewer.person_id,
        applicant_iin: viewer.iin.clone(),
        front_office: None,
    };
    create_for(ctx, filer, changes, idempotency_key).await
}

/// Who a new draft is for, and how it is filed.
#[derive(Debug, Clone)]
pub struct Filer {
    pub applicant_person_id: Uuid,
    pub applicant_iin: String,
    /// Filed at a front office by an officer, for the applicant present.
    pub front_office: Option<FrontOfficeIntake>,
}

/// A front-office filing: the officer, their body, and the applicant's identity document the
/// officer checked (JSON, as `application.intake_document` keeps it).
#[derive(Debug, Clone)]
pub struct FrontOfficeIntake {
    pub officer_person_id: Uuid,
    pub body_bin: String,
    pub document: String,
}

/// Creates a draft for `filer`, recorded as created by its applicant or, at a front office, by
/// the officer.
pub async fn create_for(
    ctx: &ServiceContext,
    filer: Filer,
    changes: DraftChanges,
    idempotency_key: Option<String>,
) -> Result<application::Model, DraftError> {
    let db = &ctx.db;
    let now = ctx.clock.now();
    let mut draft = draft::blank(
        new_number(now)?,
        filer.applicant_person_id,
        &filer.applicant_iin,
        now,
    );
    let mut actor = Actor {
        person: Some(filer.applicant_person_id),
        role: ActorRole::Applicant,
        reason: None,
    };
    if let Some(intake) = filer.front_office {
        draft.channel = entities::enums::Channel::FrontOffice;
        // The counter's body decides it; its officers change it until it is filed.
        draft.body_bin = Some(intake.body_bin);
        draft.intake_officer_person_id = Some(intake.officer_person_id);
        draft.intake_document = Some(intake.document);
        actor = Actor {
            person: Some(intake.officer_person_id),
            role: ActorRole::Officer,
            reason: Some("opened at a front office for the applicant present".to_owned()),
        };
    }
    let viewer_person = filer.applicant_person_id;
    draft.idempotency_key = idempotency_key.clone();
    changes.apply(&mut draft, &filer.applicant_iin);
    let digest = draft::content_digest(&draft);
    draft.idempotency_digest = idempotency_key.as_ref().map(|_| digest.clone());
    let replay = |existing: application::Model| match &existing.idempotency_digest {
        Some(first) if *first != digest => Err(DraftError::IdempotencyKeyReused),
        _ => Ok(existing),
    };
    if let Some(key) = &idempotency_key
        && let Some(existing) = find_by_key(db, viewer_person, key).await?
    {
        return replay(existing);
    }
    if let Some((field, inconsistency)) = draft::inconsistency(&draft) {
        return Err(DraftError::Inconsistent(field, inconsistency));
    }
    let txn = db.begin().await?;
    let inserted = draft
        .clone()
        .into_active_model()
        .reset_all()
        .insert(&txn)
        .await;
    match inserted {
        Ok(model) => {
            record_change(&txn, model.id, (None, ApplicationStatus::Draft), actor, now).await?;
            txn.commit().await?;
            Ok(model)
        }
        Err(error) => {
            txn.rollback().await?;
            // A concurrent retry with the same key won the insert: return its draft.
            match &idempotency_key {
                Some(key) => match find_by_key(db, viewer_person, key).await? {
                    Some(existing) => replay(existing),
                    None => Err(error.into()),
                },
                None => Err(error.into()),
            }
        }
    }
}

async fn find_by_key(
    db: &DatabaseConnection,
    person: Uuid,
    key: &str,
) -> Result<Option<application::Model>, sea_orm::DbErr> {
    application::Entity::find()
        .filter(application::Column::ApplicantPersonId.eq(person))
        .filter(application::Column::IdempotencyKey.eq(key))
        .one(db)
        .await
}

/// An application the viewer may read.
pub async fn find(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    id: Uuid,
) -> Result<Option<application::Model>, InternalError> {
    Ok(application::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .filter(|a| policy::may_read(viewer, a)))
}

/// Whether the viewer may read the application, or reads it as the case of an appeal or a
/// complaint they handle ([`crate::service::appeals::cases`]): for reading only, never to
/// act on it.
pub async fn readable(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    app: &application::Model,
) -> Result<bool, InternalError> {
    Ok(policy::may_read(viewer, app)
        || crate::service::appeals::cases::handles_a_case_of_application(ctx, viewer, app.id)
            .await?)
}

/// An application the viewer reads (as [`readable`]), an officer's reading of another
/// person's audited ([`crate::service::review::audit::application_read`]): what every read
/// of one application by its id goes through.
pub async fn read(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    id: Uuid,
) -> Result<Option<application::Model>, InternalError> {
    let Some(found) = application::Entity::find_by_id(id).one(&ctx.db).await? else {
        return Ok(None);
    };
    if !readable(ctx, viewer, &found).await? {
        return Ok(None);
    }
    crate::service::review::audit::application_read(ctx, viewer, &found).await?;
    Ok(Some(found))
}

/// Locks an application's row for the rest of the transaction: the first step of the lock
/// order (see [`crate::service`]). SQLite has no row locks and needs none: it serialises
/// writers.
pub(crate) async fn lock<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<Option<application::Model>, sea_orm::DbErr> {
    application::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await
}

/// The caller's own application at `version`, read inside the transaction: `NotFound` when the
/// caller may not see it, `Forbidden` when they may see but not change it, `Conflict` when the
/// version is stale.
async fn load_own<C: ConnectionTrait>(
    db: &C,
    viewer: &SignedIn,
    id: Uuid,
    version: i32,
    may: fn(&SignedIn, &application::Model) -> bool,
) -> Result<application::Model, DraftError> {
    let Some(current) = lock(db, id).await?.filter(|a| policy::may_read(viewer, a)) else {
        return Err(DraftError::NotFound);
    };
    if !may(viewer, &current) {
        return Err(DraftError::Forbidden);
    }
    if current.version != version {
        return Err(DraftError::Conflict);
    }
    Ok(current)
}

/// Writes `next` over the row if it is still at `expected_version`. The version in the WHERE
/// clause makes the check and the write one step: of two concurrent writers at the same
/// version, one changes no row (and is told `false`).
async fn write_versioned<C: ConnectionTrait>(
    db: &C,
    next: &application::Model,
    expected_version: i32,
) -> Result<bool, sea_orm::DbErr> {
    let written = application::Entity::update_many()
        .set(next.clone().into_active_model().reset_all())
        .filter(application::Column::Id.eq(next.id))
        .filter(application::Column::Version.eq(expected_version))
        .exec(db)
        .await?;
    Ok(written.rows_affected == 1)
}

/// Changes a draft at `version`; voids its signing requests.
#[tracing::instrument(skip_all)]
pub async fn update(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    id: Uuid,
    version: i32,
    changes: DraftChanges,
) -> Result<application::Model, DraftError> {
    let txn = ctx.db.begin().await?;
    let current = load_own(&txn, viewer, id, version, policy::may_change).await?;
    if ApplicationStatus::from(current.status) != ApplicationStatus::Draft {
        return Err(DraftError::NotEditable);
    }
    let now = ctx.clock.now();
    let mut next = current.clone();
    // At a front office the officer changes the citizen's draft: "themself" is the citizen.
    let applicant_iin = match current.applicant_person_id == viewer.person_id {
        true => viewer.iin.clone(),
        false => person::Entity::find_by_id(current.applicant_person_id)
            .one(&txn)
            .await?
            .map(|p| p.iin)
            .ok_or(DraftError::NotFound)?,
    };
    changes.apply(&mut next, &applicant_iin);
    if let Some((field, inconsistency)) = draft::inconsistency(&next) {
        return Err(DraftError::Inconsistent(field, inconsistency));
    }
    next.version = current.version + 1;
    next.updated_at = now;
    if !write_versioned(&txn, &next, version).await? {
        txn.rollback().await?;
        return Err(DraftError::Conflict);
    }
    void_signing_requests(&txn, id, now).await?;
    txn.commit().await?;
    Ok(next)
}

/// A changed draft's signing requests describe a version that no longer exists.
pub async fn void_signing_requests<C: ConnectionTrait>(
    db: &C,
    application_id: Uuid,
    now: OffsetDateTime,
) -> Result<(), sea_orm::DbErr> {
    signing_request::Entity::update_many()
        .col_expr(signing_request::Column::VoidedAt, Expr::value(now))
        .filter(signing_request::Column::SubjectId.eq(application_id))
        .filter(signing_request::Column::VoidedAt.is_null())
        .filter(signing_request::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Moves an application to `to`, recording who and why. The caller holds the row's lock
/// (see the lock order in [`crate::service`]).
pub async fn transition<C: ConnectionTrait>(
    db: &C,
    current: &application::Model,
    to: ApplicationStatus,
    actor: Actor,
    refusal_ground: Option<RefusalGround>,
    now: OffsetDateTime,
) -> Result<application::Model, DraftError> {
    transition_with_reason(db, current, to, actor, refusal_ground, None, now).await
}

/// Reopens a refused application whose refusal a complaint's decision cancelled: back in
/// review, with a new service time. The caller holds the row's lock.
pub async fn reopen<C: ConnectionTrait>(
    db: &C,
    current: &application::Model,
    actor: Actor,
    now: OffsetDateTime,
) -> Result<application::Model, DraftError> {
    transition(db, current, ApplicationStatus::InReview, actor, None, now).await
}

/// Refuses an application on the ground of unreliable documents or data, for `reason`
/// (`actor.reason` says it in words). The caller holds the row's lock.
// DOMAIN: grounds for refusal are a closed list of two
pub async fn refuse_unreliable<C: ConnectionTrait>(
    db: &C,
    current: &application::Model,
    reason: entities::enums::RefusalReason,
    actor: Actor,
    now: OffsetDateTime,
) -> Result<application::Model, DraftError> {
    transition_with_reason(
        db,
        current,
        ApplicationStatus::Refused,
        actor,
        Some(RefusalGround::UnreliableDocumentsOrData),
        Some(reason),
        now,
    )
    .await
}

async fn transition_with_reason<C: ConnectionTrait>(
    db: &C,
    current: &application::Model,
    to: ApplicationStatus,
    actor: Actor,
    refusal_ground: Option<RefusalGround>,
    refusal_reason: Option<entities::enums::RefusalReason>,
    now: OffsetDateTime,
) -> Result<application::Model, DraftError> {
    let from = ApplicationStatus::from(current.status);
    if !from.can_become(to) {
        return Err(DraftError::TransitionNotAllowed);
    }
    // A change is recorded after the one before it, so the history's order (by time) is the
    // order things happened in, even when two happen at one instant of the clock (a submission
    // routed at once).
    let now = now.max(current.updated_at + time::Duration::milliseconds(1));
    let mut next = current.clone();
    next.status = to.into();
    next.version = current.version + 1;
    next.updated_at = now;
    if to == ApplicationStatus::Submitted
        || (from == ApplicationStatus::Draft && to == ApplicationStatus::Refused)
    {
        next.submitted_at = Some(now);
    }
    // DOMAIN: the service time (15 minutes on the portal, 30 at a front office) starts when
    // the package is complete: the last consent, or submission when none is needed.
    if to == ApplicationStatus::InReview && next.service_clock_started_at.is_none() {
        next.service_clock_started_at = Some(now);
        next.service_deadline = Some(now + crate::service::review::service_time(next.channel));
    }
    if matches!(to, ApplicationStatus::Approved | ApplicationStatus::Refused) {
        next.decided_at = Some(now);
    }
    if from == ApplicationStatus::Refused && to == ApplicationStatus::InReview {
        // Reopened on a complaint: the refusal is cancelled (its decision row stays in the
        // record) and the body has a new service time from now.
        next.decided_at = None;
        next.refusal_ground = None;
        next.refusal_reason = None;
        next.service_clock_started_at = Some(now);
        next.service_deadline = Some(now + crate::service::review::service_time(next.channel));
    }
    if to != ApplicationStatus::InReview {
        // A claim is on an application in review only.
        next.claimed_by = None;
        next.claim_expires_at = None;
    }
    if let Some(ground) = refusal_ground {
        next.refusal_ground = Some(ground.into());
    }
    if refusal_reason.is_some() {
        next.refusal_reason = refusal_reason;
    }
    if !write_versioned(db, &next, current.version).await? {
        return Err(DraftError::Conflict);
    }
    record_change(db, current.id, (Some(from), to), actor, now).await?;
    void_signing_requests(db, current.id, now).await?;
    Ok(next)
}

/// Withdraws an application at `version` (DOMAIN: the applicant may withdraw before a decision).
#[tracing::instrument(skip_all)]
pub async fn withdraw(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    id: Uuid,
    version: i32,
    reason: Option<MultilineText>,
) -> Result<application::Model, DraftError> {
    let txn = ctx.db.begin().await?;
    let current = load_own(&txn, viewer, id, version, policy::may_withdraw).await?;
    let actor = Actor {
        person: Some(viewer.person_id),
        role: match current.applicant_person_id == viewer.person_id {
            true => ActorRole::Applicant,
            false => ActorRole::Officer,
        },
        reason: reason.map(MultilineText::into_string),
    };
    let now = ctx.clock.now();
    let outcome = transition(
        &txn,
        &current,
        ApplicationStatus::Withdrawn,
        actor,
        None,
        now,
    )
    .await;
    if outcome.is_ok() {
        txn.commit().await?;
    } else {
        txn.rollback().await?;
    }
    outcome
}

/// A page of the viewer's own applications, newest first, after the cursor `(created_at, id)`.
pub async fn page_of_mine(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    after: Option<(OffsetDateTime, Uuid)>,
    limit: u64,
) -> Result<Vec<application::Model>, InternalError> {
    let query = application::Entity::find()
        .filter(application::Column::ApplicantPersonId.eq(viewer.person_id));
    Ok(keyset::page(
        query,
        (application::Column::CreatedAt, application::Column::Id),
        Direction::Descending,
        after,
        limit,
    )
    .all(&ctx.db)
    .await?)
}

/// How many applications the viewer has filed (a connection's `totalCount`).
pub async fn count_mine(ctx: &ServiceContext, viewer: &SignedIn) -> Result<u64, InternalError> {
    Ok(application::Entity::find()
        .filter(application::Column::ApplicantPersonId.eq(viewer.person_id))
        .count(&ctx.db)
        .await?)
}

/// How many status changes each application has: one statement for a whole page of
/// applications (`GROUP BY`); an application without changes is 0.
pub async fn history_counts(
    ctx: &ServiceContext,
    application_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, u64>, InternalError> {
    use application_status_change::Column;
    let mut counts: std::collections::HashMap<Uuid, u64> =
        application_ids.iter().map(|id| (*id, 0)).collect();
    if application_ids.is_empty() {
        return Ok(counts);
    }
    let rows: Vec<(Uuid, i64)> = application_status_change::Entity::find()
        .select_only()
        .column(Column::ApplicationId)
        .column_as(Column::Id.count(), "changes")
        .filter(Column::ApplicationId.is_in(application_ids.iter().copied()))
        .group_by(Column::ApplicationId)
        .into_tuple()
        .all(&ctx.db)
        .await?;
    for (application, changes) in rows {
        counts.insert(application, u64::try_from(changes).unwrap_or(0));
    }
    Ok(counts)
}

/// The signature that submitted each application (an application is signed once): one
/// statement for a whole page. An application without one (a draft) is absent.
pub async fn submission_signatures(
    ctx: &ServiceContext,
    application_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, entities::stored_signature::Model>, InternalError> {
    use entities::enums::SignaturePurpose;
    use entities::stored_signature::{Column, Entity};
    if application_ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows = Entity::find()
        .filter(Column::Purpose.eq(SignaturePurpose::Application))
        .filter(Column::SubjectId.is_in(application_ids.iter().copied()))
        .filter(Column::Valid.eq(true))
        .order_by_asc(Column::ReceivedAt)
        .all(&ctx.db)
        .await?;
    // The latest wins, should there ever be two.
    Ok(rows.into_iter().map(|row| (row.subject_id, row)).collect())
}

/// A page of an application's status history, oldest first, after the cursor `(at, id)`.
pub async fn page_of_history(
    ctx: &ServiceContext,
    application_id: Uuid,
    after: Option<(OffsetDateTime, Uuid)>,
    limit: u64,
) -> Result<Vec<application_status_change::Model>, InternalError> {
    use application_status_change::Column;
    let query =
        application_status_change::Entity::find().filter(Column::ApplicationId.eq(application_id));
    Ok(keyset::page(
        query,
        (Column::At, Column::Id),
        Direction::Ascending,
        after,
        limit,
    )
    .all(&ctx.db)
    .await?)
}

/// The first `per_application` status changes of each application, oldest first: one statement
/// for a whole page of applications (`ROW_NUMBER() OVER (PARTITION BY …)`, which SQLite has
/// since 3.25 and PostgreSQL always had).
pub async fn first_history_of_each(
    ctx: &ServiceContext,
    application_ids: &[Uuid],
    per_application: u64,
) -> Result<std::collections::HashMap<Uuid, Vec<application_status_change::Model>>, InternalError> {
    let mut by_application: std::collections::HashMap<Uuid, Vec<_>> =
        application_ids.iter().map(|id| (*id, Vec::new())).collect();
    if application_ids.is_empty() {
        return Ok(by_application);
    }
    let backend = ctx.db.get_database_backend();
    let placeholder = |n: usize| match backend {
        sea_orm::DatabaseBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    };
    let list: Vec<String> = (1..=application_ids.len()).map(placeholder).collect();
    let limit = placeholder(application_ids.len() + 1);
    let sql = format!(
        "SELECT id, application_id, from_status, to_status, actor_person_id, actor_role, reason, at \
         FROM (SELECT c.*, ROW_NUMBER() OVER (PARTITION BY application_id ORDER BY at, id) AS position \
               FROM application_status_change c WHERE application_id IN ({})) ranked \
         WHERE position <= {limit} ORDER BY application_id, at, id",
        list.join(", ")
    );
    let mut values: Vec<sea_orm::Value> = application_ids.iter().map(|id| (*id).into()).collect();
    values.push(i64::try_from(per_application).unwrap_or(i64::MAX).into());
    let rows = application_status_change::Entity::find()
        .from_raw_sql(sea_orm::Statement::from_sql_and_values(
            backend, sql, values,
        ))
        .all(&ctx.db)
        .await?;
    for row in rows {
        by_application
            .entry(row.application_id)
            .or_default()
            .push(row);
    }
    Ok(by_application)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_readable_and_random() {
        let now = time::macros::datetime!(2026-11-25 0:00 UTC);
        let a = new_number(now).unwrap();
        let b = new_number(now).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 12);
        assert!(a.starts_with("26-"));
        assert!(
            a.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase())
        );
        assert!(!a.contains(['0', 'O', '1', 'I', 'L']));
    }
}
