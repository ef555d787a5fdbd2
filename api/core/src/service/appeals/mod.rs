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

pub mod cases;
pub mod complaints;
pub mod correction;
pub mod deadlines;
pub mod draft;
pub mod expiry;
pub mod filing;
pub mod review;

use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::ActorRole;
use crate::policy;
use crate::service::InternalError;
use crate::service::events::{self, Audience, EntityKind, EventDraft};
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

/// Where an appeal (or a complaint) stands. Stored as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppealStatus {
    /// Being written; not filed.
    Draft,
    /// Filed and received, with its receipt: the body considers it.
    Received,
    /// Received, but missing a requirement: to be corrected by its deadline.
    NeedsCorrection,
    /// Not corrected in time: returned with the reasons.
    Returned,
    /// Withdrawn by the applicant before a decision.
    Withdrawn,
    /// Referred to the authorised body, which now considers it.
    Referred,
    /// Decided (the outcome says how).
    Decided,
    /// Not decided by the end of its term: deemed refused.
    DeemedRefused,
    /// A complaint the body complained of forwarded to the body that hears it.
    Forwarded,
    /// A complaint the body complained of satisfied itself (art. 92 of the Code).
    SatisfiedByBody,
    /// A late complaint whose term the hearing body refused to restore.
    RestorationDenied,
}

impl AppealStatus {
    /// Every status.
    pub const ALL: [AppealStatus; 11] = [
        AppealStatus::Draft,
        AppealStatus::Received,
        AppealStatus::NeedsCorrection,
        AppealStatus::Returned,
        AppealStatus::Withdrawn,
        AppealStatus::Referred,
        AppealStatus::Decided,
        AppealStatus::DeemedRefused,
        AppealStatus::Forwarded,
        AppealStatus::SatisfiedByBody,
        AppealStatus::RestorationDenied,
    ];

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AppealStatus::Draft => "DRAFT",
            AppealStatus::Received => "RECEIVED",
            AppealStatus::NeedsCorrection => "NEEDS_CORRECTION",
            AppealStatus::Returned => "RETURNED",
            AppealStatus::Withdrawn => "WITHDRAWN",
            AppealStatus::Referred => "REFERRED",
            AppealStatus::Decided => "DECIDED",
            AppealStatus::DeemedRefused => "DEEMED_REFUSED",
            AppealStatus::Forwarded => "FORWARDED",
            AppealStatus::SatisfiedByBody => "SATISFIED_BY_BODY",
            AppealStatus::RestorationDenied => "RESTORATION_DENIED",
        }
    }

    /// From the stored text (`None` for a value this version does not know).
    pub fn from_stored(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the body is still to decide it (its decision term runs).
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            AppealStatus::Received | AppealStatus::Referred | AppealStatus::Forwarded
        )
    }

    /// The status changes allowed.
    pub fn may_become(self, to: AppealStatus) -> bool {
        use AppealStatus as S;
        matches!(
            (self, to),
            (S::Draft, S::Received | S::NeedsCorrection)
                | (S::NeedsCorrection, S::Received | S::Returned | S::Withdrawn)
                | (
                    S::Received,
                    S::Withdrawn
                        | S::Referred
                        | S::Decided
                        | S::DeemedRefused
                        | S::Forwarded
                        | S::SatisfiedByBody
                )
                | (
                    S::Referred,
                    S::Withdrawn | S::Referred | S::Decided | S::DeemedRefused
                )
                | (S::Forwarded, S::Withdrawn | S::Decided | S::RestorationDenied)
                // DOMAIN: complaints: a decision on a complaint may cancel the act complained
                // of and reopen the appeal.
                | (S::Decided | S::DeemedRefused, S::Received)
        )
    }
}

/// Which procedure a row of the appeal table follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Procedure {
    /// An appeal (обращение) to the body addressed.
    Appeal,
    /// A complaint (жалоба) against an act, an action or an inaction, filed through the body
    /// complained of and heard by the body above it.
    Complaint,
}

impl Procedure {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Procedure::Appeal => "APPEAL",
            Procedure::Complaint => "COMPLAINT",
        }
    }

    /// The procedure of a stored row.
    pub fn of(appeal: &appeal::Model) -> Self {
        if appeal.procedure == Procedure::Complaint.as_str() {
            Procedure::Complaint
        } else {
            Procedure::Appeal
        }
    }
}

/// The body that considers the appeal now: the one addressed, or the one it was referred to.
/// For a complaint, the body complained of until it forwards it, then the body that hears it.
pub fn handling_body(appeal: &appeal::Model) -> &str {
    appeal
        .handling_body_bin
        .as_deref()
        .unwrap_or(&appeal.body_bin)
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

/// The appeal (or complaint), if the viewer may read it or reads it as the case of a complaint
/// they hear ([`cases`]): for reading only, never to act on it.
pub async fn find_readable(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    id: Uuid,
) -> Result<Option<appeal::Model>, InternalError> {
    let Some(found) = appeal::Entity::find_by_id(id).one(&ctx.db).await? else {
        return Ok(None);
    };
    let readable = policy::may_read_appeal(viewer, &found)
        || (Procedure::of(&found) == Procedure::Appeal
            && cases::handles_a_complaint_against(ctx, viewer, found.id).await?);
    Ok(readable.then_some(found))
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

/// One page of the viewer's appeals (or complaints), newest first, and how many there are.
pub async fn list_own(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    procedure: Procedure,
    after: Option<(OffsetDateTime, Uuid)>,
    limit: u64,
) -> Result<(Vec<appeal::Model>, u64), InternalError> {
    let own = appeal::Entity::find()
        .filter(appeal::Column::ApplicantPersonId.eq(viewer.person_id))
        .filter(appeal::Column::Procedure.eq(procedure.as_str()));
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

/// Writes the history row and the event (with its notifications) of the change that made
/// `appeal` (as changed, `from` before): part of the transaction of the change.
pub(crate) async fn record_change<C: ConnectionTrait>(
    db: &C,
    appeal: &appeal::Model,
    from: Option<AppealStatus>,
    actor: &Actor,
    at: OffsetDateTime,
) -> Result<(), sea_orm::DbErr> {
    let to = AppealStatus::from_stored(&appeal.status).unwrap_or(AppealStatus::Draft);
    appeal_history::ActiveModel {
        id: Set(Uuid::new_v4()),
        appeal_id: Set(appeal.id),
        version: Set(appeal.version),
        from_status: Set(from.map(|s| s.as_str().to_owned())),
        to_status: Set(to.as_str().to_owned()),
        actor_person_id: Set(actor.person),
        actor_role: Set(entities::enums::ActorRole::from(actor.role).to_value()),
        reason: Set(actor.reason.clone()),
        at: Set(at),
    }
    .insert(db)
    .await?;
    // DOMAIN: every status change is in the personal account: the applicant's, and the
    // inboxes of the bodies that handle it (the one complained of and the one that hears a
    // complaint).
    let mut audience = vec![Audience::Person(appeal.applicant_person_id)];
    if to != AppealStatus::Draft {
        audience.push(Audience::Bin(appeal.body_bin.clone()));
        audience.push(Audience::Bin(handling_body(appeal).to_owned()));
        audience.extend(appeal.hearing_body_bin.clone().map(Audience::Bin));
    }
    events::record(
        db,
        EventDraft {
            entity: match Procedure::of(appeal) {
                Procedure::Appeal => EntityKind::Appeal,
                Procedure::Complaint => EntityKind::Complaint,
            },
            entity_id: appeal.id,
            application_id: appeal.application_id,
            // A draft is the applicant's alone: no body (and no integrator of one) sees it.
            body: (to != AppealStatus::Draft).then(|| handling_body(appeal).to_owned()),
            from: from.map(|s| s.as_str().to_owned()),
            to: to.as_str().to_owned(),
            actor_role: actor.role,
            actor_person: actor.person,
            audience,
            at,
        },
    )
    .await?;
    Ok(())
}

/// Sets a field of a signing payload being built (a JSON object; a no-op on anything else).
pub(crate) fn set_field(object: &mut serde_json::Value, field: &str, value: serde_json::Value) {
    if let Some(fields) = object.as_object_mut() {
        fields.insert(field.to_owned(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_a_decided_appeal_reopens_only_to_received() {
        for status in AppealStatus::ALL {
            assert_eq!(AppealStatus::from_stored(status.as_str()), Some(status));
        }
        assert_eq!(AppealStatus::from_stored("IN_REVIEW"), None);
        use AppealStatus as S;
        let from_decided: Vec<S> = S::ALL
            .into_iter()
            .filter(|to| S::Decided.may_become(*to))
            .collect();
        assert_eq!(from_decided, [S::Received]);
        for terminal in [
            S::Returned,
            S::Withdrawn,
            S::SatisfiedByBody,
            S::RestorationDenied,
        ] {
            assert!(S::ALL.into_iter().all(|to| !terminal.may_become(to)));
        }
        assert!(!S::Draft.may_become(S::Decided));
        assert!(!S::NeedsCorrection.may_become(S::Decided));
        assert!(S::Referred.may_become(S::DeemedRefused));
        assert!(!S::Forwarded.may_become(S::DeemedRefused));
    }
}
