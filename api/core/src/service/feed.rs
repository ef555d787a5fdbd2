//! The event feed (issue 17): every stored event after a cursor, in the public sequence the
//! relay assigns in commit order (see [`crate::service::events`]), for an integrator within its
//! scope or a person for their own entities. Events carry ids, types, statuses and times only;
//! what the reader may know of the subject they read through the ordinary queries.
//!
//! Delivery is at least once and in order: a reader that resumes from its last cursor gets
//! every later event once, because a sequence is only ever assigned above the ones visible.
//! The feed serves `EVENT_RETENTION_DAYS` back; a cursor older than that is refused
//! (`CursorExpired`) rather than silently skipping what fell out of the window.

use crate::auth::viewer::{IntegratorScope, SignedIn};
use crate::context::ServiceContext;
use crate::service::InternalError;
use crate::service::events::{EntityKind, viewer_audience};
use entities::enums::{AudienceKind, EventEntityKind};
use entities::event;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Days back the feed serves when `EVENT_RETENTION_DAYS` is not set.
pub const DEFAULT_RETENTION_DAYS: u32 = 30;

/// Who reads the feed.
#[derive(Debug, Clone, Copy)]
pub enum Reader<'a> {
    /// An integrator: the events of the bodies and types of its scope.
    Integrator(&'a IntegratorScope),
    /// A person: the events whose audience names them (as the notifications).
    Person(&'a SignedIn),
}

/// What the reader asks for, within what it may read.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only these types (empty: every type).
    pub types: Vec<EntityKind>,
    /// Only the events of this subject (an application, with its registration's; a consent,
    /// an appeal, a complaint): those whose `subjectId` it is.
    pub subject: Option<Uuid>,
}

/// Why a page cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The cursor's event is older than the retention: resume from a newer one.
    #[error("the cursor is older than the feed's retention")]
    CursorExpired,
    /// No event has the cursor's sequence.
    #[error("the cursor is not one of the feed's")]
    CursorUnknown,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for FeedError {
    fn from(error: sea_orm::DbErr) -> Self {
        FeedError::Internal(error.into())
    }
}

/// An event type's stored name (`APPLICATION`, …): what an integrator's scope lists.
pub fn type_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Application => "APPLICATION",
        EntityKind::Consent => "CONSENT",
        EntityKind::Registration => "REGISTRATION",
        EntityKind::Appeal => "APPEAL",
        EntityKind::Complaint => "COMPLAINT",
    }
}

/// Every event type, in the order the documentation lists them.
pub const ALL_TYPES: [EntityKind; 5] = [
    EntityKind::Application,
    EntityKind::Consent,
    EntityKind::Registration,
    EntityKind::Appeal,
    EntityKind::Complaint,
];

/// The types the reader gets: those asked for (or all) that its scope allows.
fn types(reader: Reader<'_>, filter: &Filter) -> Vec<EventEntityKind> {
    let asked: Vec<EntityKind> = if filter.types.is_empty() {
        ALL_TYPES.to_vec()
    } else {
        filter.types.clone()
    };
    asked
        .into_iter()
        .filter(|kind| match reader {
            Reader::Integrator(scope) => scope
                .types()
                .is_none_or(|allowed| allowed.iter().any(|t| t == type_name(*kind))),
            Reader::Person(_) => true,
        })
        .map(Into::into)
        .collect()
}

/// The events `reader` may read, by the row alone (what authorisation needs is on the row).
fn readable(reader: Reader<'_>) -> Condition {
    match reader {
        Reader::Integrator(scope) => match scope.bodies() {
            None => Condition::all(),
            Some(bodies) => {
                Condition::all().add(event::Column::BodyBin.is_in(bodies.iter().cloned()))
            }
        },
        Reader::Person(viewer) => crate::service::notifications::visible_to(viewer),
    }
}

impl Reader<'_> {
    /// Whether this reader may read `event`, whose stored audience is `audience`: the rules of
    /// [`page`] (its types and [`readable`]), for events already read (the subscriptions'
    /// live events, read once per instance and filtered per subscriber).
    pub fn may_read(&self, event: &event::Model, audience: &[(AudienceKind, String)]) -> bool {
        match self {
            Reader::Integrator(scope) => {
                let kind = EntityKind::from(event.entity_kind);
                scope
                    .types()
                    .is_none_or(|types| types.iter().any(|t| t == type_name(kind)))
                    && scope.bodies().is_none_or(|bodies| {
                        event
                            .body_bin
                            .as_ref()
                            .is_some_and(|body| bodies.contains(body))
                    })
            }
            Reader::Person(viewer) => viewer_audience(viewer)
                .iter()
                .any(|party| audience.contains(&party.stored())),
        }
    }
}

impl Filter {
    /// Whether `event` is one asked for: the filter of [`page`], for events already read.
    pub fn matches(&self, event: &event::Model) -> bool {
        let kind = EntityKind::from(event.entity_kind);
        (self.types.is_empty() || self.types.contains(&kind))
            && self.subject.is_none_or(|subject| {
                event.entity_id == subject
                    || (kind == EntityKind::Registration && event.application_id == Some(subject))
            })
    }
}

/// The first instant the feed still serves.
pub fn horizon(ctx: &ServiceContext, now: OffsetDateTime) -> OffsetDateTime {
    now - Duration::days(i64::from(ctx.settings.event_retention_days))
}

/// Checks a cursor's sequence against the retention.
async fn check_cursor(
    ctx: &ServiceContext,
    after: i64,
    now: OffsetDateTime,
) -> Result<(), FeedError> {
    let at: Option<OffsetDateTime> = event::Entity::find()
        .select_only()
        .column(event::Column::At)
        .filter(event::Column::Sequence.eq(after))
        .into_tuple()
        .one(&ctx.db)
        .await?;
    match at {
        None => Err(FeedError::CursorUnknown),
        Some(at) if at < horizon(ctx, now) => Err(FeedError::CursorExpired),
        Some(_) => Ok(()),
    }
}

/// Up to `limit` events after the sequence `after` (from the start of the retention when
/// `None`), in sequence order.
#[tracing::instrument(skip_all)]
pub async fn page(
    ctx: &ServiceContext,
    reader: Reader<'_>,
    after: Option<i64>,
    filter: &Filter,
    limit: u64,
) -> Result<Vec<event::Model>, FeedError> {
    let now = ctx.clock.now();
    if let Some(after) = after {
        check_cursor(ctx, after, now).await?;
    }
    let kinds = types(reader, filter);
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = event::Entity::find()
        .filter(event::Column::Sequence.is_not_null())
        .filter(event::Column::At.gte(horizon(ctx, now)))
        .filter(event::Column::EntityKind.is_in(kinds))
        .filter(readable(reader));
    if let Some(after) = after {
        query = query.filter(event::Column::Sequence.gt(after));
    }
    if let Some(subject) = filter.subject {
        // As `subjectId` shows it: a registration's events are its application's.
        query = query.filter(
            Condition::any()
                .add(event::Column::EntityId.eq(subject))
                .add(
                    Condition::all()
                        .add(event::Column::EntityKind.eq(EventEntityKind::Registration))
                        .add(event::Column::ApplicationId.eq(subject)),
                ),
        );
    }
    Ok(query
        .order_by_asc(event::Column::Sequence)
        .limit(limit)
        .all(&ctx.db)
        .await?)
}

/// One event by its public id, if `reader` may read it.
pub async fn find(
    ctx: &ServiceContext,
    reader: Reader<'_>,
    public_id: Uuid,
) -> Result<Option<event::Model>, InternalError> {
    let found = event::Entity::find()
        .filter(event::Column::PublicId.eq(public_id))
        .filter(event::Column::Sequence.is_not_null())
        .filter(readable(reader))
        .one(&ctx.db)
        .await?;
    Ok(found.filter(|e| types(reader, &Filter::default()).contains(&e.entity_kind)))
}
