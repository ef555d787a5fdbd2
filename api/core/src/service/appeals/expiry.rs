//! Deemed refusal: an appeal not decided by the end of its term is refused by law from the next
//! instant. The maintenance task applies it exactly once however many instances run it:
//!
//! - PostgreSQL: each candidate is locked with `FOR UPDATE SKIP LOCKED` in its own transaction,
//!   so two instances never wait on (or both take) the same row; the row's status is checked
//!   again under the lock;
//! - SQLite: one writer at a time, and the change is a conditional UPDATE on the status and
//!   version: only the writer whose UPDATE changed the row writes the history and the event.

use super::deadlines::DeadlineKind;
use super::{Actor, AppealStatus, Procedure};
use crate::context::ServiceContext;
use crate::domain::ActorRole;
use crate::service::InternalError;
use entities::{appeal, appeal_deadline};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{
    ColumnTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use time::OffsetDateTime;

/// How many appeals one run refuses at most; a longer backlog takes several runs.
pub const BATCH: u64 = 100;

/// The statuses in which an appeal's decision term runs.
const RUNNING: [AppealStatus; 2] = [AppealStatus::Received, AppealStatus::Referred];

/// Applies every deemed refusal due at `now`: returns how many this instance applied.
// DOMAIN: appeals: if no act is adopted within the time limit, from the day it expires the
// body is deemed to have refused; the term ends at 24:00 Almaty time of its last working day.
#[tracing::instrument(skip_all)]
pub async fn deem_refused_overdue(
    ctx: &ServiceContext,
    now: OffsetDateTime,
) -> Result<u64, InternalError> {
    let running = Query::select()
        .column(appeal::Column::Id)
        .from(appeal::Entity)
        .and_where(Expr::col(appeal::Column::Procedure).eq(Procedure::Appeal.as_str()))
        .and_where(Expr::col(appeal::Column::Status).is_in(RUNNING.map(|s| s.as_str())))
        .to_owned();
    let due = appeal_deadline::Entity::find()
        .filter(appeal_deadline::Column::Kind.eq(DeadlineKind::Decision.as_str()))
        .filter(appeal_deadline::Column::MetAt.is_null())
        .filter(appeal_deadline::Column::SupersededAt.is_null())
        .filter(appeal_deadline::Column::DueAt.lte(now))
        .filter(appeal_deadline::Column::AppealId.in_subquery(running))
        .order_by_asc(appeal_deadline::Column::DueAt)
        .limit(BATCH)
        .all(&ctx.db)
        .await?;
    let mut applied = 0;
    for deadline in due {
        let txn = ctx.db.begin().await?;
        let mut select = appeal::Entity::find_by_id(deadline.appeal_id)
            .filter(appeal::Column::Status.is_in(RUNNING.map(|s| s.as_str())));
        if ctx.db.get_database_backend() == DatabaseBackend::Postgres {
            select = select.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let Some(current) = select.one(&txn).await? else {
            // Another instance holds it, or it was decided meanwhile.
            txn.rollback().await?;
            continue;
        };
        // Under the lock: the term read before may have been superseded (an extension signed
        // a moment ago) or met (a decision).
        let still_due = appeal_deadline::Entity::find_by_id(deadline.id)
            .one(&txn)
            .await?
            .is_some_and(|d| d.met_at.is_none() && d.superseded_at.is_none() && d.due_at <= now);
        if !still_due {
            txn.rollback().await?;
            continue;
        }
        let from = super::status(&current);
        let changed = appeal::Entity::update_many()
            .col_expr(
                appeal::Column::Status,
                Expr::value(AppealStatus::DeemedRefused.as_str()),
            )
            .col_expr(appeal::Column::Version, Expr::value(current.version + 1))
            .col_expr(appeal::Column::TermEndedAt, Expr::value(deadline.due_at))
            .col_expr(appeal::Column::DeemedRefusedAt, Expr::value(now))
            .filter(appeal::Column::Id.eq(current.id))
            .filter(appeal::Column::Status.eq(current.status.clone()))
            .filter(appeal::Column::Version.eq(current.version))
            .exec(&txn)
            .await?;
        if changed.rows_affected != 1 {
            txn.rollback().await?;
            continue;
        }
        super::deadlines::close_referral(&txn, current.id, now).await?;
        let refused = appeal::Model {
            status: AppealStatus::DeemedRefused.as_str().to_owned(),
            version: current.version + 1,
            term_ended_at: Some(deadline.due_at),
            deemed_refused_at: Some(now),
            ..current.clone()
        };
        super::record_change(
            &txn,
            &refused,
            from,
            &Actor {
                person: None,
                role: ActorRole::System,
                reason: Some(format!(
                    "no decision by the end of the term ({} UTC): deemed refused",
                    signatures::rfc3339(deadline.due_at)
                )),
            },
            now,
        )
        .await?;
        txn.commit().await?;
        tracing::info!(number = %refused.number, "appeal deemed refused");
        applied += 1;
    }
    Ok(applied)
}
