//! Background work that keeps the database small: sign-in challenges and sessions past their
//! deadline are deleted, and so are development-outbox SMS messages whose code has expired (the
//! only plain copy of a code). Each task exposes `run_once(now)`, so tests drive it with the clock;
//! the server runs it on an interval. Deadlines are decided by the stored times, never by when
//! this runs: a row it has not deleted yet is already refused by the operations.

use crate::context::ServiceContext;
use crate::service::InternalError;
use entities::{auth_challenge, session};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use time::{Duration, OffsetDateTime};

/// How long an expired or revoked session is kept before it is deleted (for the audit of a
/// recent sign-in).
const SESSION_RETENTION: Duration = Duration::days(1);

/// What one run deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub challenges: u64,
    pub sessions: u64,
    /// Development-outbox messages whose code had expired.
    pub outbox: u64,
    /// Applications refused because a consent was not given by its deadline.
    pub consents_missing: u64,
    /// What deciding and registering did (applications decided, registered, registrations
    /// ended, claims lapsed).
    pub review: crate::service::review::Progress,
    /// Appeals returned because they were not corrected by their deadline.
    pub appeals_returned: u64,
    /// Appeals deemed refused: not decided by the end of their term.
    pub appeals_deemed_refused: u64,
    /// Signatures stamped by the service's TSA (`TSA_URL`), and those it gave no token for.
    pub timestamps: crate::service::timestamping::Stamped,
}

/// Deletes expired challenges, and sessions that ended over a day ago. Safe to run on every
/// instance at once: each delete is one statement over rows nobody can use any more.
#[tracing::instrument(skip_all)]
pub async fn run_once(ctx: &ServiceContext, now: OffsetDateTime) -> Result<Purged, InternalError> {
    let challenges = auth_challenge::Entity::delete_many()
        .filter(auth_challenge::Column::ExpiresAt.lt(now))
        .exec(&ctx.db)
        .await?
        .rows_affected;
    let cutoff = now - SESSION_RETENTION;
    let sessions = session::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(session::Column::ExpiresAt.lt(cutoff))
                .add(session::Column::RevokedAt.lt(cutoff)),
        )
        .exec(&ctx.db)
        .await?
        .rows_affected;
    let outbox = crate::sms::outbox::purge_expired(&ctx.db, now).await?;
    // Not deletions: submitted applications are routed again, and consents past their
    // deadline expire (nothing about a consent is deleted).
    let routed = crate::service::consents::route_pending(ctx, now).await?;
    if routed > 0 {
        tracing::info!(routed, "submitted applications routed");
    }
    let consents_missing = crate::service::consents::expire_overdue(ctx, now).await?;
    if consents_missing > 0 {
        tracing::info!(
            consents_missing,
            "applications refused for a missing consent"
        );
    }
    let appeals_returned = crate::service::appeals::correction::return_overdue(ctx, now).await?;
    if appeals_returned > 0 {
        tracing::info!(appeals_returned, "appeals returned: not corrected in time");
    }
    let appeals_deemed_refused =
        crate::service::appeals::expiry::deem_refused_overdue(ctx, now).await?;
    if appeals_deemed_refused > 0 {
        tracing::info!(appeals_deemed_refused, "appeals deemed refused");
    }
    let review = crate::service::review::run_pending(ctx, now).await?;
    if review != crate::service::review::Progress::default() {
        tracing::info!(
            reviewed = review.reviewed,
            registered = review.registered,
            ended = review.ended,
            claims_lapsed = review.claims_lapsed,
            "applications decided and registered"
        );
    }
    let timestamps = match ctx.trust.timestamp_authority() {
        Some(tsa) => crate::service::timestamping::stamp_pending(ctx, tsa, now).await?,
        None => crate::service::timestamping::Stamped::default(),
    };
    if timestamps.stamped + timestamps.failed > 0 {
        tracing::info!(
            stamped = timestamps.stamped,
            failed = timestamps.failed,
            "signatures timestamped by the service's TSA"
        );
    }
    if challenges + sessions + outbox > 0 {
        tracing::info!(challenges, sessions, outbox, "expired sign-in data deleted");
    }
    Ok(Purged {
        challenges,
        sessions,
        outbox,
        review,
        consents_missing,
        appeals_returned,
        appeals_deemed_refused,
        timestamps,
    })
}
