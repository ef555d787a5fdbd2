//! After filing: the applicant corrects an appeal that misses a requirement within its
//! deadline (then it is received, and the decision's term runs from the day the corrected
//! appeal is received); not corrected in time, the maintenance task returns it with the
//! reasons; the applicant may withdraw it before a decision.

use super::deadlines::{self, DeadlineKind};
use super::draft::{AppealError, AppealFields, missing_json};
use super::{Actor, AppealStatus};
use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::{ActorRole, Text};
use crate::service::InternalError;
use entities::{appeal, appeal_deadline};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set, TransactionTrait,
};
use time::OffsetDateTime;
use uuid::Uuid;

/// Longest reason of a withdrawal, in characters.
pub const MAX_REASON: usize = 1000;

/// The viewer's appeal at `version`, locked: `NotFound` when the viewer may not read it,
/// `Conflict` when the version is stale.
async fn load_own(
    txn: &sea_orm::DatabaseTransaction,
    viewer: &SignedIn,
    id: Uuid,
    version: i32,
) -> Result<appeal::Model, AppealError> {
    let Some(current) = super::lock(txn, id)
        .await?
        .filter(|a| crate::policy::may_read_appeal(viewer, a))
    else {
        return Err(AppealError::NotFound);
    };
    if current.version != version {
        return Err(AppealError::Conflict);
    }
    Ok(current)
}

/// The open correction deadline of an appeal.
async fn correction_deadline<C: sea_orm::ConnectionTrait>(
    db: &C,
    appeal_id: Uuid,
) -> Result<Option<appeal_deadline::Model>, sea_orm::DbErr> {
    appeal_deadline::Entity::find()
        .filter(appeal_deadline::Column::AppealId.eq(appeal_id))
        .filter(appeal_deadline::Column::Kind.eq(DeadlineKind::Correction.as_str()))
        .filter(appeal_deadline::Column::MetAt.is_null())
        .one(db)
        .await
}

/// Corrects an appeal set for correction with `fields` (the appeal's fields as they should
/// be), before its correction deadline. Still missing a requirement, it stays set for
/// correction with what is left; complete, it is received and its decision's term is counted
/// from now.
#[tracing::instrument(skip_all)]
pub async fn correct(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    appeal_id: Uuid,
    version: i32,
    fields: &AppealFields,
) -> Result<appeal::Model, AppealError> {
    let now = ctx.clock.now();
    let checked = super::draft::check(ctx, viewer, fields, now).await?;
    let txn = ctx.db.begin().await?;
    let current = load_own(&txn, viewer, appeal_id, version).await?;
    if super::status(&current) != Some(AppealStatus::NeedsCorrection) {
        return Err(AppealError::NotEditable);
    }
    let deadline = correction_deadline(&txn, current.id).await?;
    // The term ends at 24:00 of its last working day: from that instant it is too late.
    if deadline.as_ref().is_none_or(|d| now >= d.due_at) {
        return Err(AppealError::CorrectionDeadlinePassed);
    }
    let to = if checked.missing.is_empty() {
        AppealStatus::Received
    } else {
        AppealStatus::NeedsCorrection
    };
    let mut corrected = current.clone().into_active_model();
    corrected.kind = Set(checked.kind.as_str().to_owned());
    corrected.full_name = Set(checked.full_name.clone().unwrap_or_default());
    corrected.iin = Set(checked.iin.clone());
    corrected.bin = Set(checked.bin.clone());
    corrected.postal_address = Set(checked.postal_address.clone());
    corrected.body_bin = Set(checked.body_bin.clone());
    corrected.essence = Set(checked.essence.clone());
    corrected.appeal_date = Set(checked.appeal_date);
    corrected.application_id = Set(checked.application_id);
    corrected.missing = Set(missing_json(&checked.missing));
    corrected.status = Set(to.as_str().to_owned());
    corrected.version = Set(current.version + 1);
    let corrected = corrected.update(&txn).await?;
    if to == AppealStatus::Received {
        if let Some(deadline) = deadline {
            let mut met = deadline.into_active_model();
            met.met_at = Set(Some(now));
            met.update(&txn).await?;
        }
        // The term runs from the day the corrected appeal is received: before that the body
        // had no appeal it could decide.
        let term = deadlines::count(
            &ctx.calendar,
            ctx.settings.working_hours,
            DeadlineKind::Decision,
            now,
            deadlines::decision_days(super::Procedure::of(&corrected)),
        );
        deadlines::store(&txn, corrected.id, &term).await?;
        super::record_change(
            &txn,
            &corrected,
            Some(AppealStatus::NeedsCorrection),
            &Actor {
                person: Some(viewer.person_id),
                role: ActorRole::Applicant,
                reason: Some("corrected".to_owned()),
            },
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(corrected)
}

/// Withdraws the viewer's appeal before a decision.
// DOMAIN: appeals: the applicant may withdraw the appeal by written application before a
// decision is made.
#[tracing::instrument(skip_all)]
pub async fn withdraw(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    appeal_id: Uuid,
    version: i32,
    reason: Option<&str>,
) -> Result<appeal::Model, AppealError> {
    let reason = reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| Text::parse(r, MAX_REASON))
        .transpose()
        .map_err(|_| AppealError::Invalid(super::draft::Field::Reason))?;
    let now = ctx.clock.now();
    let txn = ctx.db.begin().await?;
    let current = load_own(&txn, viewer, appeal_id, version).await?;
    let from = super::status(&current);
    if !from.is_some_and(|s| s.may_become(AppealStatus::Withdrawn)) {
        return Err(AppealError::NotEditable);
    }
    deadlines::close_referral(&txn, current.id, now).await?;
    let mut withdrawn = current.clone().into_active_model();
    withdrawn.status = Set(AppealStatus::Withdrawn.as_str().to_owned());
    withdrawn.version = Set(current.version + 1);
    let withdrawn = withdrawn.update(&txn).await?;
    super::record_change(
        &txn,
        &withdrawn,
        from,
        &Actor {
            person: Some(viewer.person_id),
            role: ActorRole::Applicant,
            reason: reason.map(|r| r.as_str().to_owned()),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(withdrawn)
}

/// The maintenance step: returns every appeal whose correction deadline has passed
/// uncorrected. Exactly once across instances: each return is a conditional UPDATE on the
/// appeal's status and version, and only the instance whose UPDATE changed the row writes its
/// history.
pub async fn return_overdue(
    ctx: &ServiceContext,
    now: OffsetDateTime,
) -> Result<u64, InternalError> {
    let overdue = appeal_deadline::Entity::find()
        .filter(appeal_deadline::Column::Kind.eq(DeadlineKind::Correction.as_str()))
        .filter(appeal_deadline::Column::MetAt.is_null())
        .filter(appeal_deadline::Column::DueAt.lte(now))
        .all(&ctx.db)
        .await?;
    let mut returned = 0;
    for deadline in overdue {
        let Some(current) = appeal::Entity::find_by_id(deadline.appeal_id)
            .one(&ctx.db)
            .await?
        else {
            continue;
        };
        if super::status(&current) != Some(AppealStatus::NeedsCorrection) {
            continue;
        }
        let txn = ctx.db.begin().await?;
        let changed = appeal::Entity::update_many()
            .col_expr(
                appeal::Column::Status,
                Expr::value(AppealStatus::Returned.as_str()),
            )
            .col_expr(appeal::Column::Version, Expr::value(current.version + 1))
            .filter(appeal::Column::Id.eq(current.id))
            .filter(appeal::Column::Status.eq(AppealStatus::NeedsCorrection.as_str()))
            .filter(appeal::Column::Version.eq(current.version))
            .exec(&txn)
            .await?;
        if changed.rows_affected != 1 {
            txn.rollback().await?;
            continue;
        }
        deadlines::close_referral(&txn, current.id, now).await?;
        let codes: Vec<&str> = super::missing(&current).iter().map(|r| r.code()).collect();
        let returned_appeal = appeal::Model {
            status: AppealStatus::Returned.as_str().to_owned(),
            version: current.version + 1,
            ..current.clone()
        };
        super::record_change(
            &txn,
            &returned_appeal,
            Some(AppealStatus::NeedsCorrection),
            &Actor {
                person: None,
                role: ActorRole::System,
                reason: Some(format!(
                    "not corrected by the deadline; missing: {}",
                    codes.join(", ")
                )),
            },
            now,
        )
        .await?;
        txn.commit().await?;
        returned += 1;
    }
    Ok(returned)
}
