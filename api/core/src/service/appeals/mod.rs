//! Appeals in the administrative procedure (issue 16, first part): an applicant drafts an
//! appeal and signs it (EDS or SMS code, through the one signing contract); filing it is never
//! refused: it is received with a receipt, or, when it misses a requirement, set for correction
//! with a deadline; corrected in time it proceeds, otherwise the maintenance task returns it.
//! The applicant may withdraw it before a decision. Every deadline is counted on the
//! working-day calendar when its event happens, and stored with the calendar version it used.
//!
//! - [`draft`]: the fields, their checks and the draft with its signing request;
//! - [`filing`]: the appeal as a signing subject: the receipt;
//! - [`correction`]: correcting in time, returning when not, withdrawing;
//! - [`deadlines`]: the terms on the calendar.

pub mod correction;
pub mod deadlines;
pub mod draft;
pub mod filing;

use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::ActorRole;
use crate::policy;
use crate::service::InternalError;
use crate::service::keyset::{self, Direction};
use entities::{administrative_body, appeal, appeal_deadline, appeal_history};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use time::OffsetDateTime;
use uuid::Uuid;

/// The receiver printed on receipts when `APPEALS_OPERATOR_NAME` is not set: a made-up name of
/// the service's operator, to be replaced by the deployment's named operator.
pub const DEFAULT_OPERATOR_NAME: &str = "Оператор сервиса";

/// The receiver's position when `APPEALS_OPERATOR_POSITION` is not set (made up).
pub const DEFAULT_OPERATOR_POSITION: &str = "дежурный оператор портала";

/// Working days to correct an appeal that misses a requirement, when `APPEAL_CORRECTION_DAYS`
/// is not set. The Administrative Procedure Code asks for "a reasonable time" that the body
/// sets; the number of days is not verified against the Code, hence a setting.
pub const DEFAULT_CORRECTION_DAYS: u32 = 5;

/// Where an appeal stands. Stored as text: the later parts add `IN_REVIEW`, `REFERRED`,
/// `DECIDED` and `DEEMED_REFUSED` without a migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppealStatus {
    /// Being written; not filed.
    Draft,
    /// Filed and received, with its receipt.
    Received,
    /// Received, but missing a requirement: to be corrected by its deadline.
    NeedsCorrection,
    /// Not corrected in time: returned with the reasons.
    Returned,
    /// Withdrawn by the applicant before a decision.
    Withdrawn,
}

impl AppealStatus {
    /// Every status.
    pub const ALL: [AppealStatus; 5] = [
        AppealStatus::Draft,
        AppealStatus::Received,
        AppealStatus::NeedsCorrection,
        AppealStatus::Returned,
        AppealStatus::Withdrawn,
    ];

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AppealStatus::Draft => "DRAFT",
            AppealStatus::Received => "RECEIVED",
            AppealStatus::NeedsCorrection => "NEEDS_CORRECTION",
            AppealStatus::Returned => "RETURNED",
            AppealStatus::Withdrawn => "WITHDRAWN",
        }
    }

    /// From the stored text (`None` for a value this version does not know).
    pub fn from_stored(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The status changes this part allows.
    pub fn may_become(self, to: AppealStatus) -> bool {
        use AppealStatus as S;
        matches!(
            (self, to),
            (S::Draft, S::Received | S::NeedsCorrection)
                | (S::NeedsCorrection, S::Received | S::Returned | S::Withdrawn)
                | (S::Received, S::Withdrawn)
        )
    }
}

/// Who files: a natural person or a legal entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppealKind {
    /// A natural person: full name, IIN and postal address.
    Person,
    /// A legal entity: its name and BIN.
    LegalEntity,
}

impl AppealKind {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AppealKind::Person => "PERSON",
            AppealKind::LegalEntity => "LEGAL_ENTITY",
        }
    }

    /// From the stored text.
    pub fn from_stored(text: &str) -> Option<Self> {
        [AppealKind::Person, AppealKind::LegalEntity]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// The status of a stored appeal (`None` for a value that a later version wrote).
pub fn status(appeal: &appeal::Model) -> Option<AppealStatus> {
    AppealStatus::from_stored(&appeal.status)
}

/// The requirements an appeal misses, as stored (a JSON list of codes).
pub fn missing(appeal: &appeal::Model) -> Vec<draft::Requirement> {
    serde_json::from_str::<Vec<String>>(&appeal.missing)
        .unwrap_or_default()
        .iter()
        .filter_map(|code| draft::Requirement::from_code(code))
        .collect()
}

/// The appeal, if the viewer may read it.
pub async fn find(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    id: Uuid,
) -> Result<Option<appeal::Model>, InternalError> {
    Ok(appeal::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .filter(|a| policy::may_read_appeal(viewer, a)))
}

/// Locks an appeal's row for the rest of the transaction (see the lock order in
/// [`crate::service`]).
pub(crate) async fn lock<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<Option<appeal::Model>, sea_orm::DbErr> {
    appeal::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await
}

/// One page of the viewer's appeals, newest first, and how many there are.
pub async fn list_own(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    after: Option<(OffsetDateTime, Uuid)>,
    limit: u64,
) -> Result<(Vec<appeal::Model>, u64), InternalError> {
    let own = appeal::Entity::find().filter(appeal::Column::ApplicantPersonId.eq(viewer.person_id));
    let total = own.clone().count(&ctx.db).await?;
    let page = keyset::page(
        own,
        (appeal::Column::CreatedAt, appeal::Column::Id),
        Direction::Descending,
        after,
        limit,
    )
    .all(&ctx.db)
    .await?;
    Ok((page, total))
}

/// An appeal's history, oldest first.
pub async fn history(
    ctx: &ServiceContext,
    appeal_id: Uuid,
) -> Result<Vec<appeal_history::Model>, InternalError> {
    Ok(appeal_history::Entity::find()
        .filter(appeal_history::Column::AppealId.eq(appeal_id))
        .order_by_asc(appeal_history::Column::Version)
        .all(&ctx.db)
        .await?)
}

/// An appeal's stored deadlines, in the order they were computed.
pub async fn deadlines_of(
    ctx: &ServiceContext,
    appeal_id: Uuid,
) -> Result<Vec<appeal_deadline::Model>, InternalError> {
    Ok(appeal_deadline::Entity::find()
        .filter(appeal_deadline::Column::AppealId.eq(appeal_id))
        .order_by_asc(appeal_deadline::Column::StartedAt)
        .order_by_asc(appeal_deadline::Column::Kind)
        .all(&ctx.db)
        .await?)
}

/// Every administrative body, by name.
pub async fn bodies(
    ctx: &ServiceContext,
) -> Result<Vec<administrative_body::Model>, InternalError> {
    Ok(administrative_body::Entity::find()
        .order_by_asc(administrative_body::Column::Name)
        .all(&ctx.db)
        .await?)
}

/// One body by its BIN.
pub async fn body(
    ctx: &ServiceContext,
    bin: &str,
) -> Result<Option<administrative_body::Model>, InternalError> {
    Ok(administrative_body::Entity::find_by_id(bin.to_owned())
        .one(&ctx.db)
        .await?)
}

/// Who changes an appeal's status, and why.
#[derive(Debug, Clone)]
pub struct Actor {
    pub person: Option<Uuid>,
    pub role: ActorRole,
    pub reason: Option<String>,
}

/// Writes one history row for the change that made `appeal` (as changed): part of the
/// transaction of the change.
pub(crate) async fn record_change<C: ConnectionTrait>(
    db: &C,
    (appeal_id, version): (Uuid, i32),
    from: Option<AppealStatus>,
    to: AppealStatus,
    actor: &Actor,
    at: OffsetDateTime,
) -> Result<(), sea_orm::DbErr> {
    appeal_history::ActiveModel {
        id: Set(Uuid::new_v4()),
        appeal_id: Set(appeal_id),
        version: Set(version),
        from_status: Set(from.map(|s| s.as_str().to_owned())),
        to_status: Set(to.as_str().to_owned()),
        actor_person_id: Set(actor.person),
        actor_role: Set(entities::enums::ActorRole::from(actor.role).to_value()),
        reason: Set(actor.reason.clone()),
        at: Set(at),
    }
    .insert(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_only_the_allowed_changes_are_allowed() {
        for status in AppealStatus::ALL {
            assert_eq!(AppealStatus::from_stored(status.as_str()), Some(status));
        }
        assert_eq!(AppealStatus::from_stored("DECIDED"), None);
        use AppealStatus as S;
        let allowed: Vec<(S, S)> = S::ALL
            .into_iter()
            .flat_map(|from| S::ALL.into_iter().map(move |to| (from, to)))
            .filter(|(from, to)| from.may_become(*to))
            .collect();
        assert_eq!(
            allowed,
            [
                (S::Draft, S::Received),
                (S::Draft, S::NeedsCorrection),
                (S::Received, S::Withdrawn),
                (S::NeedsCorrection, S::Received),
                (S::NeedsCorrection, S::Returned),
                (S::NeedsCorrection, S::Withdrawn),
            ]
        );
    }
}
