//! Deciding an application once its package is complete (`IN_REVIEW`): automatically by
//! default, when every check passes; by an officer's signed decision for the exceptions (a
//! check that failed or could not run, or a body that reviews everything by hand). The
//! service time runs from the package's completion; officers work a queue ordered by its
//! deadline, each application claimed by one officer at a time.

pub mod audit;
pub mod checks;
pub mod decisions;
mod identity;
pub mod registrations;

use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::{ActorRole, ApplicationStatus};
use crate::service::InternalError;
use crate::service::applications::{self, Actor, DraftError};
use crate::service::keyset::{self, Direction};
use entities::enums::{self as stored, CheckOutcome, DecisionOutcome, ReviewReason};
use entities::{application, decision};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, TransactionTrait,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// The service time on the portal.
// DOMAIN: time limit: 15 minutes on the portal; 30 minutes at a front office
pub const PORTAL_SERVICE_TIME: Duration = Duration::minutes(15);
/// The service time at a State Corporation front office.
// DOMAIN: time limit: 15 minutes on the portal; 30 minutes at a front office
pub const FRONT_OFFICE_SERVICE_TIME: Duration = Duration::minutes(30);
/// How long an officer's claim lasts by default.
pub const DEFAULT_CLAIM_MINUTES: u32 = 30;

/// The service time of an application filed through `channel`.
pub fn service_time(channel: stored::Channel) -> Duration {
    match channel {
        stored::Channel::Portal => PORTAL_SERVICE_TIME,
        stored::Channel::FrontOffice => FRONT_OFFICE_SERVICE_TIME,
    }
}

/// Whether the service time was kept: decided by its deadline (`true`), decided after it or
/// still undecided past it (`false`); `None` while it runs, or before it started.
pub fn deadline_met(app: &application::Model, now: OffsetDateTime) -> Option<bool> {
    let deadline = app.service_deadline?;
    match app.decided_at {
        Some(decided) => Some(decided <= deadline),
        None if now > deadline => Some(false),
        None => None,
    }
}

/// Whether the body reviews every application by hand.
fn manual(ctx: &ServiceContext, app: &application::Model) -> bool {
    app.body_bin
        .as_ref()
        .is_some_and(|bin| ctx.settings.manual_review_bodies.contains(bin))
}

/// Sends an application in review to the officers' queue, saying why, unless it is decided or
/// queued already (a conditional UPDATE: nothing a client sees changes, so no version bump).
async fn queue_for_officer(
    ctx: &ServiceContext,
    app: &application::Model,
    reason: ReviewReason,
) -> Result<(), InternalError> {
    application::Entity::update_many()
        .col_expr(
            application::Column::ReviewReason,
            Expr::value(reason.to_value()),
        )
        .filter(application::Column::Id.eq(app.id))
        .filter(application::Column::Status.eq(stored::ApplicationStatus::InReview))
        .filter(application::Column::ReviewReason.is_null())
        .exec(&ctx.db)
        .await?;
    Ok(())
}

/// Decides an application in review automatically when it can: the body does not review by
/// hand, no officer holds it, and every check passes; then it is approved and entered in the
/// population registry. A check that fails or cannot run sends it to the officers' queue with
/// the results stored: never to approval or refusal by itself. Returns the application as it
/// is afterwards (`None`: no such application).
pub async fn decide_automatically(
    ctx: &ServiceContext,
    application_id: Uuid,
) -> Result<Option<application::Model>, InternalError> {
    let Some(app) = application::Entity::find_by_id(application_id)
        .one(&ctx.db)
        .await?
    else {
        return Ok(None);
    };
    if ApplicationStatus::from(app.status) != ApplicationStatus::InReview
        || app.review_reason.is_some()
        || app.claimed_by.is_some()
    {
        return Ok(Some(app));
    }
    // The same checks run whoever decides: an officer of a body that reviews by hand sees
    // their results too.
    let findings = checks::run(ctx, &app).await?;
    let now = ctx.clock.now();
    checks::store(&ctx.db, app.id, &findings, now).await?;
    if manual(ctx, &app) {
        queue_for_officer(ctx, &app, ReviewReason::ManualReview).await?;
        return Ok(application::Entity::find_by_id(app.id).one(&ctx.db).await?);
    }
    if let Some(worst) = findings
        .iter()
        .map(|f| f.outcome)
        .find(|o| *o != CheckOutcome::Passed)
    {
        let reason = if findings.iter().any(|f| f.outcome == CheckOutcome::Failed) {
            ReviewReason::CheckFailed
        } else {
            debug_assert_eq!(worst, CheckOutcome::Undetermined);
            ReviewReason::CheckUndetermined
        };
        queue_for_officer(ctx, &app, reason).await?;
        tracing::info!(application = %app.id, reason = %reason.to_value(), "sent to the officers' queue");
        return Ok(application::Entity::find_by_id(app.id).one(&ctx.db).await?);
    }
    let txn = ctx.db.begin().await?;
    let Some(current) = applications::lock(&txn, app.id).await? else {
        txn.rollback().await?;
        return Ok(None);
    };
    if current.version != app.version || current.claimed_by.is_some() {
        // Withdrawn, claimed or decided meanwhile.
        txn.rollback().await?;
        return Ok(application::Entity::find_by_id(app.id).one(&ctx.db).await?);
    }
    decision::ActiveModel {
        id: Set(Uuid::new_v4()),
        application_id: Set(current.id),
        outcome: Set(DecisionOutcome::Approve),
        ground: Set(None),
        reason: Set(Some("every check passed".to_owned())),
        automatic: Set(true),
        officer_person_id: Set(None),
        body_bin: Set(current.body_bin.clone()),
        signature_id: Set(None),
        decided_at: Set(now),
        cancelled_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let approved = applications::transition(
        &txn,
        &current,
        ApplicationStatus::Approved,
        Actor {
            person: None,
            role: ActorRole::System,
            reason: Some("decided automatically: every check passed".to_owned()),
        },
        None,
        now,
    )
    .await;
    match approved {
        Ok(_) => {
            txn.commit().await?;
            tracing::info!(application = %app.id, "approved automatically: every check passed");
        }
        Err(DraftError::Internal(internal)) => return Err(internal),
        Err(_) => {
            txn.rollback().await?;
            return Ok(application::Entity::find_by_id(app.id).one(&ctx.db).await?);
        }
    }
    match registrations::register_approved(ctx, app.id).await? {
        Some(registered) => Ok(Some(registered)),
        None => Ok(application::Entity::find_by_id(app.id).one(&ctx.db).await?),
    }
}

/// Runs right after a change that may have put an application in review commits (its
/// submission, its last consent): decides it if it can. A failure is logged, not returned:
/// the change itself succeeded, and the maintenance task tries again.
pub async fn after_change(ctx: &ServiceContext, app: &application::Model) -> application::Model {
    if ApplicationStatus::from(app.status) != ApplicationStatus::InReview {
        return app.clone();
    }
    match decide_automatically(ctx, app.id).await {
        Ok(Some(decided)) => decided,
        Ok(None) => app.clone(),
        Err(error) => {
            tracing::error!(error = %error.chain(), "deciding an application failed; the maintenance task tries again");
            app.clone()
        }
    }
}

/// What one maintenance step did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Applications in review decided automatically (or sent to the queue).
    pub reviewed: u64,
    /// Approved applications entered in the population registry.
    pub registered: u64,
    /// Temporary registrations whose period ended.
    pub ended: u64,
    /// Officers' claims that lapsed.
    pub claims_lapsed: u64,
}

/// The maintenance task's step: applications left in review undecided (a crash, a registry
/// down), approved ones the population registry has not confirmed yet, temporary
/// registrations whose period is over, and lapsed claims.
pub async fn run_pending(
    ctx: &ServiceContext,
    now: OffsetDateTime,
) -> Result<Progress, InternalError> {
    let mut progress = Progress::default();
    let lapsed = application::Entity::update_many()
        .col_expr(
            application::Column::ClaimedBy,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(
            application::Column::ClaimExpiresAt,
            Expr::value(Option::<OffsetDateTime>::None),
        )
        .filter(application::Column::ClaimExpiresAt.lte(now))
        .exec(&ctx.db)
        .await?;
    progress.claims_lapsed = lapsed.rows_affected;
    let undecided: Vec<Uuid> = application::Entity::find()
        .select_only()
        .column(application::Column::Id)
        .filter(application::Column::Status.eq(stored::ApplicationStatus::InReview))
        .filter(application::Column::ReviewReason.is_null())
        .filter(application::Column::ClaimedBy.is_null())
        // The request that put it in review decides it right after its commit.
        .filter(
            application::Column::ServiceClockStartedAt
                .lte(now - crate::service::consents::AFTER_REQUEST_GRACE),
        )
        .order_by_asc(application::Column::ServiceDeadline)
        .limit(100)
        .into_tuple()
        .all(&ctx.db)
        .await?;
    for id in undecided {
        decide_automatically(ctx, id).await?;
        progress.reviewed += 1;
    }
    let approved: Vec<Uuid> = application::Entity::find()
        .select_only()
        .column(application::Column::Id)
        .filter(application::Column::Status.eq(stored::ApplicationStatus::Approved))
        .order_by_asc(application::Column::DecidedAt)
        .limit(100)
        .into_tuple()
        .all(&ctx.db)
        .await?;
    for id in approved {
        if registrations::register_approved(ctx, id)
            .await?
            .is_some_and(|a| ApplicationStatus::from(a.status) == ApplicationStatus::Registered)
        {
            progress.registered += 1;
        }
    }
    progress.ended = registrations::end_expired(ctx, now).await?;
    Ok(progress)
}

/// Which applications an officer's queue lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// Only those waiting for this reason.
    pub reason: Option<ReviewReason>,
    /// Only those the officer holds (`true`), or only those nobody holds (`false`).
    pub claimed_by_me: Option<bool>,
    /// Only those past their service deadline.
    pub overdue: Option<bool>,
}

/// The applications in review of the officer's body that the filter keeps (`None` for one
/// who is no officer).
fn queue_query(
    officer: &SignedIn,
    filter: QueueFilter,
    now: OffsetDateTime,
) -> Option<sea_orm::Select<application::Entity>> {
    let body = officer.officer_of.as_ref()?;
    let mut query = application::Entity::find()
        .filter(application::Column::Status.eq(stored::ApplicationStatus::InReview))
        .filter(application::Column::BodyBin.eq(body.clone()));
    if let Some(reason) = filter.reason {
        query = query.filter(application::Column::ReviewReason.eq(reason));
    }
    match filter.claimed_by_me {
        Some(true) => {
            query = query
                .filter(application::Column::ClaimedBy.eq(officer.person_id))
                .filter(application::Column::ClaimExpiresAt.gt(now));
        }
        Some(false) => {
            query = query.filter(
                sea_orm::Condition::any()
                    .add(application::Column::ClaimedBy.is_null())
                    .add(application::Column::ClaimExpiresAt.lte(now)),
            );
        }
        None => {}
    }
    match filter.overdue {
        Some(true) => query = query.filter(application::Column::ServiceDeadline.lt(now)),
        Some(false) => query = query.filter(application::Column::ServiceDeadline.gte(now)),
        None => {}
    }
    Some(query)
}

/// A page of the applications in review of the officer's body, soonest service deadline
/// first, after the cursor `(deadline, id)`.
pub async fn queue(
    ctx: &ServiceContext,
    officer: &SignedIn,
    filter: QueueFilter,
    after: Option<(OffsetDateTime, Uuid)>,
    limit: u64,
) -> Result<Vec<application::Model>, InternalError> {
    let Some(query) = queue_query(officer, filter, ctx.clock.now()) else {
        return Ok(Vec::new());
    };
    Ok(keyset::page(
        query,
        (
            application::Column::ServiceDeadline,
            application::Column::Id,
        ),
        Direction::Ascending,
        after,
        limit,
    )
    .all(&ctx.db)
    .await?)
}

/// How many applications the officer's queue holds with this filter, on every page.
pub async fn queue_count(
    ctx: &ServiceContext,
    officer: &SignedIn,
    filter: QueueFilter,
) -> Result<u64, InternalError> {
    use sea_orm::PaginatorTrait;
    match queue_query(officer, filter, ctx.clock.now()) {
        Some(query) => Ok(query.count(&ctx.db).await?),
        None => Ok(0),
    }
}

/// How a body kept the service time: applications decided, and of them how many after their
/// deadline; applications still undecided past it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServiceTimeStatistics {
    pub decided: u64,
    pub breached: u64,
    pub overdue: u64,
}

/// The service-time statistics of the officer's body, for applications whose service time
/// started at or after `since`.
pub async fn statistics(
    ctx: &ServiceContext,
    officer: &SignedIn,
    since: OffsetDateTime,
) -> Result<ServiceTimeStatistics, InternalError> {
    let Some(body) = &officer.officer_of else {
        return Ok(ServiceTimeStatistics::default());
    };
    let now = ctx.clock.now();
    let rows: Vec<(Option<OffsetDateTime>, Option<OffsetDateTime>)> = application::Entity::find()
        .select_only()
        .column(application::Column::ServiceDeadline)
        .column(application::Column::DecidedAt)
        .filter(application::Column::BodyBin.eq(body.clone()))
        .filter(application::Column::ServiceClockStartedAt.gte(since))
        .into_tuple()
        .all(&ctx.db)
        .await?;
    let mut statistics = ServiceTimeStatistics::default();
    for (deadline, decided) in rows {
        let Some(deadline) = deadline else { continue };
        match decided {
            Some(at) => {
                statistics.decided += 1;
                if at > deadline {
                    statistics.breached += 1;
                }
            }
            None if now > deadline => statistics.overdue += 1,
            None => {}
        }
    }
    Ok(statistics)
}

/// Why a claim failed.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    /// No such application in the officer's body.
    #[error("no such application")]
    NotFound,
    /// Only an officer of the deciding body claims.
    #[error("not an officer of the body that decides it")]
    NotAllowed,
    /// Not in review (decided, withdrawn, or not complete yet).
    #[error("the application is not in review")]
    NotInReview,
    /// Another officer holds it until then.
    #[error("claimed by another officer")]
    ClaimedByAnother { until: OffsetDateTime },
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for ClaimError {
    fn from(error: sea_orm::DbErr) -> Self {
        ClaimError::Internal(error.into())
    }
}

async fn reviewable(
    ctx: &ServiceContext,
    officer: &SignedIn,
    id: Uuid,
) -> Result<application::Model, ClaimError> {
    let Some(app) = application::Entity::find_by_id(id).one(&ctx.db).await? else {
        return Err(ClaimError::NotFound);
    };
    if !crate::policy::may_review(officer, &app) {
        return Err(if crate::policy::may_read(officer, &app) {
            ClaimError::NotAllowed
        } else {
            ClaimError::NotFound
        });
    }
    if ApplicationStatus::from(app.status) != ApplicationStatus::InReview {
        return Err(ClaimError::NotInReview);
    }
    Ok(app)
}

/// Claims an application in review for the officer, for the configured time (renewing their
/// own claim). One conditional UPDATE decides between officers claiming at once.
pub async fn claim(
    ctx: &ServiceContext,
    officer: &SignedIn,
    id: Uuid,
) -> Result<application::Model, ClaimError> {
    let app = reviewable(ctx, officer, id).await?;
    let now = ctx.clock.now();
    let until = now + Duration::minutes(i64::from(ctx.settings.claim_minutes));
    let claimed = application::Entity::update_many()
        .col_expr(
            application::Column::ClaimedBy,
            Expr::value(officer.person_id),
        )
        .col_expr(application::Column::ClaimExpiresAt, Expr::value(until))
        .filter(application::Column::Id.eq(app.id))
        .filter(application::Column::Status.eq(stored::ApplicationStatus::InReview))
        .filter(
            sea_orm::Condition::any()
                .add(application::Column::ClaimedBy.is_null())
                .add(application::Column::ClaimedBy.eq(officer.person_id))
                .add(application::Column::ClaimExpiresAt.lte(now)),
        )
        .exec(&ctx.db)
        .await?;
    let current = application::Entity::find_by_id(app.id)
        .one(&ctx.db)
        .await?
        .ok_or(ClaimError::NotFound)?;
    if claimed.rows_affected != 1 {
        return Err(match current.claim_expires_at {
            Some(until) if current.claimed_by.is_some() => ClaimError::ClaimedByAnother { until },
            _ => ClaimError::NotInReview,
        });
    }
    tracing::info!(application = %app.id, "an officer claimed an application");
    Ok(current)
}

/// Releases the officer's own claim (nothing happens if they hold none).
pub async fn release(
    ctx: &ServiceContext,
    officer: &SignedIn,
    id: Uuid,
) -> Result<application::Model, ClaimError> {
    let app = reviewable(ctx, officer, id).await?;
    application::Entity::update_many()
        .col_expr(
            application::Column::ClaimedBy,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(
            application::Column::ClaimExpiresAt,
            Expr::value(Option::<OffsetDateTime>::None),
        )
        .filter(application::Column::Id.eq(app.id))
        .filter(application::Column::ClaimedBy.eq(officer.person_id))
        .exec(&ctx.db)
        .await?;
    application::Entity::find_by_id(app.id)
        .one(&ctx.db)
        .await?
        .ok_or(ClaimError::NotFound)
}

/// Whether the officer holds a live claim on the application.
pub fn holds_claim(officer: &SignedIn, app: &application::Model, now: OffsetDateTime) -> bool {
    app.claimed_by == Some(officer.person_id) && app.claim_expires_at.is_some_and(|t| t > now)
}

/// Cancels the standing decision on an application (a complaint's decision cancelled it): kept
/// in the record, marked `cancelled_at`. Part of the reopening's transaction.
pub async fn cancel_decision<C: sea_orm::ConnectionTrait>(
    db: &C,
    application_id: Uuid,
    at: OffsetDateTime,
) -> Result<(), sea_orm::DbErr> {
    decision::Entity::update_many()
        .col_expr(
            decision::Column::CancelledAt,
            sea_orm::sea_query::Expr::value(at),
        )
        .filter(decision::Column::ApplicationId.eq(application_id))
        .filter(decision::Column::CancelledAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The standing decision on an application.
pub async fn decision_of(
    ctx: &ServiceContext,
    application_id: Uuid,
) -> Result<Option<decision::Model>, InternalError> {
    Ok(decisions_of(ctx, &[application_id])
        .await?
        .remove(&application_id))
}

/// The standing decisions on these applications, by application (one statement for a page): a
/// decision a complaint cancelled is not one.
pub async fn decisions_of(
    ctx: &ServiceContext,
    application_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, decision::Model>, InternalError> {
    Ok(decision::Entity::find()
        .filter(decision::Column::ApplicationId.is_in(application_ids.to_vec()))
        .filter(decision::Column::CancelledAt.is_null())
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|row| (row.application_id, row))
        .collect())
}
