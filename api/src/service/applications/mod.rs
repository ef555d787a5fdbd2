//! Applications: drafts that may be incomplete, their changes under optimistic concurrency,
//! withdrawal, and the append-only history of status changes. Every operation runs its writes
//! in one transaction.

pub mod draft;
pub mod status;

use crate::auth::viewer::SignedIn;
use crate::service::ServiceError;
use draft::DraftChanges;
use entities::{application, application_status_change, signing_request};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use status::ApplicationStatus;
use time::OffsetDateTime;
use uuid::Uuid;

/// Why an application operation was refused (expected failures).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such application, or not one the caller may see.
    NotFound,
    /// The caller may see it but not change it.
    Forbidden,
    /// The `version` given is not the current one: someone changed it meanwhile.
    Conflict,
    /// Only a draft can be changed.
    NotEditable,
    /// The status change is not allowed from the current status.
    TransitionNotAllowed,
}

/// Who may see an application: its applicant, the person it registers, and officers.
pub fn may_see(viewer: &SignedIn, application: &application::Model) -> bool {
    viewer.person_id == application.applicant_person_id
        || application.subject_iin.as_deref() == Some(viewer.iin.as_str())
        || viewer.officer_of.is_some()
}

/// Alphabet of application numbers: no 0/O, 1/I/L, so they can be read over the phone.
const NUMBER_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ#";

/// A new human-readable number: the year and eight random characters (`26-K7QF-2M9X`), about
/// 40 bits of randomness; uniqueness is enforced by the database.
fn new_number(now: OffsetDateTime) -> Result<String, ServiceError> {
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
    /// `APPLICANT`, `OFFICER` or `SYSTEM`.
    pub role: &'static str,
    pub reason: Option<String>,
}

async fn record_change<C: ConnectionTrait>(
    db: &C,
    application_id: Uuid,
    (from, to): (Option<ApplicationStatus>, ApplicationStatus),
    actor: Actor,
    at: OffsetDateTime,
) -> Result<(), sea_orm::DbErr> {
    application_status_change::ActiveModel {
        id: Set(Uuid::new_v4()),
        application_id: Set(application_id),
        from_status: Set(from.map(|s| s.as_str().to_owned())),
        to_status: Set(to.as_str().to_owned()),
        actor_person_id: Set(actor.person),
        actor_role: Set(actor.role.to_owned()),
        reason: Set(actor.reason),
        at: Set(at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Creates a draft. With an idempotency key, a retry returns the draft the first call made.
pub async fn create(
    db: &DatabaseConnection,
    viewer: &SignedIn,
    changes: DraftChanges,
    idempotency_key: Option<String>,
) -> Result<application::Model, ServiceError> {
    if let Some(key) = &idempotency_key
        && let Some(existing) = find_by_key(db, viewer.person_id, key).await?
    {
        return Ok(existing);
    }
    let now = OffsetDateTime::now_utc();
    let mut draft = application::Model {
        id: Uuid::new_v4(),
        number: new_number(now)?,
        applicant_person_id: viewer.person_id,
        subject_iin: Some(viewer.iin.clone()),
        kind: None,
        period_months: None,
        address_rka: None,
        address_owner_iin: None,
        address_area_hundredths: None,
        representation: draft::Representation::SelfApplicant.as_str().to_owned(),
        representation_document: None,
        arrival_from_abroad: None,
        refugee: false,
        personal_data_consent: None,
        status: ApplicationStatus::Draft.as_str().to_owned(),
        refusal_ground: None,
        version: 1,
        idempotency_key: idempotency_key.clone(),
        created_at: now,
        updated_at: now,
        submitted_at: None,
    };
    changes.apply(&mut draft, &viewer.iin);
    let txn = db.begin().await?;
    let inserted = draft
        .clone()
        .into_active_model()
        .reset_all()
        .insert(&txn)
        .await;
    match inserted {
        Ok(model) => {
            let actor = Actor {
                person: Some(viewer.person_id),
                role: "APPLICANT",
                reason: None,
            };
            record_change(&txn, model.id, (None, ApplicationStatus::Draft), actor, now).await?;
            txn.commit().await?;
            Ok(model)
        }
        Err(error) => {
            txn.rollback().await?;
            // A concurrent retry with the same key won the insert: return its draft.
            match &idempotency_key {
                Some(key) => find_by_key(db, viewer.person_id, key)
                    .await?
                    .ok_or(ServiceError::Database(error)),
                None => Err(ServiceError::Database(error)),
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

/// An application the viewer may see.
pub async fn find(
    db: &DatabaseConnection,
    viewer: &SignedIn,
    id: Uuid,
) -> Result<Option<application::Model>, ServiceError> {
    Ok(application::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|a| may_see(viewer, a)))
}

/// The caller's own application at `version`, read inside the transaction: `NotFound` when the
/// caller may not see it, `Forbidden` when they may see but not change it, `Conflict` when the
/// version is stale.
async fn load_own<C: ConnectionTrait>(
    db: &C,
    viewer: &SignedIn,
    id: Uuid,
    version: i32,
) -> Result<Result<application::Model, Refusal>, sea_orm::DbErr> {
    let Some(current) = application::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|a| may_see(viewer, a))
    else {
        return Ok(Err(Refusal::NotFound));
    };
    if current.applicant_person_id != viewer.person_id {
        return Ok(Err(Refusal::Forbidden));
    }
    if current.version != version {
        return Ok(Err(Refusal::Conflict));
    }
    Ok(Ok(current))
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
pub async fn update(
    db: &DatabaseConnection,
    viewer: &SignedIn,
    id: Uuid,
    version: i32,
    changes: DraftChanges,
) -> Result<Result<application::Model, Refusal>, ServiceError> {
    let txn = db.begin().await?;
    let current = match load_own(&txn, viewer, id, version).await? {
        Ok(current) => current,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if current.status != ApplicationStatus::Draft.as_str() {
        return Ok(Err(Refusal::NotEditable));
    }
    let now = OffsetDateTime::now_utc();
    let mut next = current.clone();
    changes.apply(&mut next, &viewer.iin);
    next.version = current.version + 1;
    next.updated_at = now;
    if !write_versioned(&txn, &next, version).await? {
        txn.rollback().await?;
        return Ok(Err(Refusal::Conflict));
    }
    void_signing_requests(&txn, id, now).await?;
    txn.commit().await?;
    Ok(Ok(next))
}

/// A changed draft's signing requests describe a version that no longer exists.
pub async fn void_signing_requests<C: ConnectionTrait>(
    db: &C,
    application_id: Uuid,
    now: OffsetDateTime,
) -> Result<(), sea_orm::DbErr> {
    signing_request::Entity::update_many()
        .col_expr(signing_request::Column::VoidedAt, Expr::value(now))
        .filter(signing_request::Column::ApplicationId.eq(application_id))
        .filter(signing_request::Column::VoidedAt.is_null())
        .filter(signing_request::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Moves an application to `to` at `version`, recording who and why.
pub async fn transition<C: ConnectionTrait>(
    db: &C,
    current: &application::Model,
    to: ApplicationStatus,
    actor: Actor,
    refusal_ground: Option<&str>,
) -> Result<Result<application::Model, Refusal>, sea_orm::DbErr> {
    let Some(from) = ApplicationStatus::parse(&current.status) else {
        return Ok(Err(Refusal::TransitionNotAllowed));
    };
    if !from.can_become(to) {
        return Ok(Err(Refusal::TransitionNotAllowed));
    }
    let now = OffsetDateTime::now_utc();
    let mut next = current.clone();
    next.status = to.as_str().to_owned();
    next.version = current.version + 1;
    next.updated_at = now;
    if to == ApplicationStatus::Submitted
        || (from == ApplicationStatus::Draft && to == ApplicationStatus::Refused)
    {
        next.submitted_at = Some(now);
    }
    if let Some(ground) = refusal_ground {
        next.refusal_ground = Some(ground.to_owned());
    }
    if !write_versioned(db, &next, current.version).await? {
        return Ok(Err(Refusal::Conflict));
    }
    record_change(db, current.id, (Some(from), to), actor, now).await?;
    void_signing_requests(db, current.id, now).await?;
    Ok(Ok(next))
}

/// Withdraws an application at `version` (DOMAIN: the applicant may withdraw before a decision).
pub async fn withdraw(
    db: &DatabaseConnection,
    viewer: &SignedIn,
    id: Uuid,
    version: i32,
    reason: Option<String>,
) -> Result<Result<application::Model, Refusal>, ServiceError> {
    let txn = db.begin().await?;
    let current = match load_own(&txn, viewer, id, version).await? {
        Ok(current) => current,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let actor = Actor {
        person: Some(viewer.person_id),
        role: "APPLICANT",
        reason,
    };
    let outcome = transition(&txn, &current, ApplicationStatus::Withdrawn, actor, None).await?;
    if outcome.is_ok() {
        txn.commit().await?;
    } else {
        txn.rollback().await?;
    }
    Ok(outcome)
}

/// A page of the viewer's own applications, newest first, after the cursor `(created_at, id)`.
pub async fn page_of_mine(
    db: &DatabaseConnection,
    viewer: &SignedIn,
    after: Option<(OffsetDateTime, Uuid)>,
    limit: u64,
) -> Result<Vec<application::Model>, ServiceError> {
    let mut query = application::Entity::find()
        .filter(application::Column::ApplicantPersonId.eq(viewer.person_id));
    if let Some((created_at, id)) = after {
        query = query.filter(
            sea_orm::Condition::any()
                .add(application::Column::CreatedAt.lt(created_at))
                .add(
                    sea_orm::Condition::all()
                        .add(application::Column::CreatedAt.eq(created_at))
                        .add(application::Column::Id.lt(id)),
                ),
        );
    }
    Ok(query
        .order_by_desc(application::Column::CreatedAt)
        .order_by_desc(application::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// A page of an application's status history, oldest first, after the cursor `(at, id)`.
pub async fn page_of_history(
    db: &DatabaseConnection,
    application_id: Uuid,
    after: Option<(OffsetDateTime, Uuid)>,
    limit: u64,
) -> Result<Vec<application_status_change::Model>, ServiceError> {
    use application_status_change::Column;
    let mut query =
        application_status_change::Entity::find().filter(Column::ApplicationId.eq(application_id));
    if let Some((at, id)) = after {
        query = query.filter(
            sea_orm::Condition::any().add(Column::At.gt(at)).add(
                sea_orm::Condition::all()
                    .add(Column::At.eq(at))
                    .add(Column::Id.gt(id)),
            ),
        );
    }
    Ok(query
        .order_by_asc(Column::At)
        .order_by_asc(Column::Id)
        .limit(limit)
        .all(db)
        .await?)
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
