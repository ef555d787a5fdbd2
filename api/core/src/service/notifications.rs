//! The personal account's notifications ("History of obtained services"): the sequenced events
//! whose audience names the signed-in person, newest first, with what each person has read.
//! An event the relay has not sequenced yet is not shown: its place in the order is not known.

use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::service::InternalError;
use crate::service::events::viewer_audience;
use entities::enums::EventEntityKind;
use entities::{appeal, application, event, event_audience, notification_read};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// At most this many notifications are marked read by one call.
pub const MAX_MARKED: usize = 100;

/// One notification: an event, the numbers of the application and of the appeal (or complaint)
/// it concerns, and when the viewer read it.
#[derive(Debug, Clone)]
pub struct Notification {
    pub event: event::Model,
    /// The application's human-readable number (`26-K7QF-2M9X`), when it concerns one.
    pub application_number: Option<String>,
    /// The appeal's or complaint's number, for an appeal's or complaint's event.
    pub appeal_number: Option<String>,
    /// When the viewer marked it read; `None` while unread.
    pub read_at: Option<OffsetDateTime>,
}

/// Events whose audience names one of the viewer's parties.
pub(crate) fn visible_to(viewer: &SignedIn) -> Condition {
    let mut parties = Condition::any();
    for party in viewer_audience(viewer) {
        let (kind, value) = party.stored();
        parties = parties.add(
            Condition::all()
                .add(event_audience::Column::Kind.eq(kind))
                .add(event_audience::Column::Value.eq(value)),
        );
    }
    let audience = Query::select()
        .expr(Expr::value(1))
        .from(event_audience::Entity)
        .and_where(
            Expr::col((event_audience::Entity, event_audience::Column::EventId))
                .equals((event::Entity, event::Column::Id)),
        )
        .cond_where(parties)
        .to_owned();
    Condition::all()
        .add(event::Column::Sequence.is_not_null())
        .add(Expr::exists(audience))
}

/// Events the viewer has not read.
fn unread_by(viewer: &SignedIn) -> Condition {
    let read = Query::select()
        .expr(Expr::value(1))
        .from(notification_read::Entity)
        .and_where(
            Expr::col((
                notification_read::Entity,
                notification_read::Column::EventId,
            ))
            .equals((event::Entity, event::Column::Id)),
        )
        .and_where(
            Expr::col((
                notification_read::Entity,
                notification_read::Column::PersonId,
            ))
            .eq(viewer.person_id),
        )
        .to_owned();
    Condition::all().not().add(Expr::exists(read))
}

fn mine(viewer: &SignedIn, unread_only: bool) -> Condition {
    let mut condition = visible_to(viewer);
    if unread_only {
        condition = condition.add(unread_by(viewer));
    }
    condition
}

/// A page of the viewer's notifications, newest first, before the sequence `before` (the
/// cursor of the previous page's last one).
pub async fn page_of_mine(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    before: Option<i64>,
    unread_only: bool,
    limit: u64,
) -> Result<Vec<Notification>, InternalError> {
    let mut query = event::Entity::find().filter(mine(viewer, unread_only));
    if let Some(before) = before {
        query = query.filter(event::Column::Sequence.lt(before));
    }
    let events = query
        .order_by_desc(event::Column::Sequence)
        .limit(limit)
        .all(&ctx.db)
        .await?;
    complete(ctx, viewer, events).await
}

/// How many notifications the viewer has (unread ones only, when asked).
pub async fn count_mine(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    unread_only: bool,
) -> Result<u64, InternalError> {
    Ok(event::Entity::find()
        .filter(mine(viewer, unread_only))
        .count(&ctx.db)
        .await?)
}

/// The application and appeal numbers and read times of a page of events: three statements for
/// the page.
/// The notifications of these events as the viewer reads them (a live subscriber's).
pub async fn complete_events(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    events: Vec<event::Model>,
) -> Result<Vec<Notification>, InternalError> {
    complete(ctx, viewer, events).await
}

async fn complete(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    events: Vec<event::Model>,
) -> Result<Vec<Notification>, InternalError> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let numbers: HashMap<Uuid, String> = application::Entity::find()
        .select_only()
        .column(application::Column::Id)
        .column(application::Column::Number)
        .filter(application::Column::Id.is_in(events.iter().filter_map(|e| e.application_id)))
        .into_tuple::<(Uuid, String)>()
        .all(&ctx.db)
        .await?
        .into_iter()
        .collect();
    let of_appeals = |e: &&event::Model| {
        matches!(
            e.entity_kind,
            EventEntityKind::Appeal | EventEntityKind::Complaint
        )
    };
    let appeal_numbers: HashMap<Uuid, String> = if events.iter().any(|e| of_appeals(&e)) {
        appeal::Entity::find()
            .select_only()
            .column(appeal::Column::Id)
            .column(appeal::Column::Number)
            .filter(appeal::Column::Id.is_in(events.iter().filter(of_appeals).map(|e| e.entity_id)))
            .into_tuple::<(Uuid, String)>()
            .all(&ctx.db)
            .await?
            .into_iter()
            .collect()
    } else {
        HashMap::new()
    };
    let read: HashMap<i64, OffsetDateTime> = notification_read::Entity::find()
        .filter(notification_read::Column::PersonId.eq(viewer.person_id))
        .filter(notification_read::Column::EventId.is_in(events.iter().map(|e| e.id)))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|row| (row.event_id, row.read_at))
        .collect();
    Ok(events
        .into_iter()
        .map(|event| Notification {
            application_number: event
                .application_id
                .and_then(|id| numbers.get(&id).cloned()),
            appeal_number: of_appeals(&&event)
                .then(|| appeal_numbers.get(&event.entity_id).cloned())
                .flatten(),
            read_at: read.get(&event.id).copied(),
            event,
        })
        .collect())
}

/// Why notifications could not be marked read.
#[derive(Debug, thiserror::Error)]
pub enum MarkError {
    /// No ids, or more than [`MAX_MARKED`].
    #[error("between 1 and {MAX_MARKED} notifications at once")]
    Count,
    /// These positions of the list name no notification of the viewer's: nothing was marked.
    #[error("no such notification")]
    NotFound(Vec<usize>),
    /// Not the caller's fault.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for MarkError {
    fn from(error: sea_orm::DbErr) -> Self {
        MarkError::Internal(error.into())
    }
}

/// What marking did.
#[derive(Debug, Clone)]
pub struct Marked {
    /// How many became read now (the others were read before).
    pub newly_read: u64,
    /// The notifications named, as they are now, in the order given.
    pub notifications: Vec<Notification>,
}

/// Marks the viewer's notifications read (by their public ids): all of them, or none when one
/// is not the viewer's. Marking one read again keeps its first read time.
#[tracing::instrument(skip_all)]
pub async fn mark_read(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    ids: &[Uuid],
) -> Result<Marked, MarkError> {
    if ids.is_empty() || ids.len() > MAX_MARKED {
        return Err(MarkError::Count);
    }
    let now = ctx.clock.now();
    let txn = ctx.db.begin().await?;
    let found: HashMap<Uuid, event::Model> = event::Entity::find()
        .filter(visible_to(viewer))
        .filter(event::Column::PublicId.is_in(ids.iter().copied()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|event| (event.public_id, event))
        .collect();
    let missing: Vec<usize> = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !found.contains_key(id))
        .map(|(position, _)| position)
        .collect();
    if !missing.is_empty() {
        txn.rollback().await?;
        return Err(MarkError::NotFound(missing));
    }
    let before = notification_read::Entity::find()
        .filter(notification_read::Column::PersonId.eq(viewer.person_id))
        .filter(notification_read::Column::EventId.is_in(found.values().map(|e| e.id)))
        .count(&txn)
        .await?;
    let mut event_ids: Vec<i64> = found.values().map(|e| e.id).collect();
    event_ids.sort_unstable();
    event_ids.dedup();
    let distinct = u64::try_from(event_ids.len()).unwrap_or(u64::MAX);
    notification_read::Entity::insert_many(event_ids.into_iter().map(|event_id| {
        notification_read::ActiveModel {
            event_id: Set(event_id),
            person_id: Set(viewer.person_id),
            read_at: Set(now),
        }
    }))
    .on_conflict_do_nothing_on([
        notification_read::Column::PersonId,
        notification_read::Column::EventId,
    ])
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    let mut events: Vec<event::Model> = Vec::new();
    for id in ids {
        if let Some(event) = found.get(id)
            && !events.iter().any(|e| e.id == event.id)
        {
            events.push(event.clone());
        }
    }
    Ok(Marked {
        newly_read: distinct.saturating_sub(before),
        notifications: complete(ctx, viewer, events).await?,
    })
}
