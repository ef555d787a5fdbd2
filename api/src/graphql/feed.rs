//! The event feed in GraphQL (issue 17): `events(after, first, filter)` and the `StatusEvent`
//! node. An event carries ids, its type, the statuses and times, never IINs or names. The
//! workflow is `registration_core::service::feed`.

use super::context::{request, service};
use super::enums::ActorRole;
use super::errors::{ApiErrorCode, api_error, bad_argument, internal};
use super::ids;
use super::loaders::{EventSubject, RequestLoaders, SubjectRow};
use super::locale::Locale;
use super::pagination::{PageInfo, page_size};
use super::person::Node;
use super::sentences;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entities::event;
use registration_core::auth::viewer::Principal;
use registration_core::domain;
use registration_core::policy::{self, Denied, Operation};
use registration_core::service::appeals::Procedure;
use registration_core::service::events::EntityKind;
use registration_core::service::feed::{self, FeedError, Filter, Reader};
use time::OffsetDateTime;

/// The kind name inside an event's global ID.
pub const KIND: &str = "StatusEvent";

/// What changed status: an event's type.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "EntityKind")]
pub enum StatusEventType {
    /// An application changed status (`DRAFT`, `SUBMITTED`, … `REGISTERED`, `REFUSED`).
    Application,
    /// An owner's (or administration's) consent changed status (`PENDING`, `GIVEN`, …).
    Consent,
    /// A registration began (`ACTIVE`) or ended (`ENDED`).
    Registration,
    /// An appeal changed status (`RECEIVED`, `REFERRED`, `DECIDED`, `DEEMED_REFUSED`, …).
    Appeal,
    /// A complaint changed status (`RECEIVED`, `FORWARDED`, `DECIDED`, …).
    Complaint,
}

/// A status change, as the feed delivers it.
#[derive(Debug, Clone)]
pub struct StatusEvent(pub event::Model);

/// A status change: at least once, in order, identified by its `id` (deduplicate by it).
#[Object]
impl StatusEvent {
    /// The opaque global ID: the same on every delivery of the event.
    pub async fn id(&self) -> ID {
        ids::encode(KIND, self.0.public_id)
    }

    /// Its place in the feed, for `after`.
    async fn cursor(&self) -> String {
        encode_cursor(self.0.sequence.unwrap_or_default())
    }

    /// Its place in the public order (commit order), increasing.
    async fn sequence(&self) -> i64 {
        self.0.sequence.unwrap_or_default()
    }

    /// What changed status.
    #[graphql(name = "type")]
    async fn kind(&self) -> StatusEventType {
        EntityKind::from(self.0.entity_kind).into()
    }

    /// When the change happened.
    async fn occurred_at(&self) -> OffsetDateTime {
        self.0.at
    }

    /// What changed, when the caller may read it through the ordinary queries (a person: their
    /// own; an integrator: nothing yet, so null). For a registration, its application. A page
    /// of events loads its subjects in one statement per kind.
    async fn subject(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Node>> {
        let request = request(ctx)?;
        let Principal::Person(viewer) = &request.principal else {
            return Ok(None);
        };
        let locale = request.locale;
        let Some(key) = subject_key(&self.0) else {
            return Ok(None);
        };
        // A subscription's connection has no request's loaders (a cache that lived as long as
        // the connection would grow without bound): one event, one load.
        let loaded = match ctx.data_opt::<RequestLoaders>() {
            Some(loaders) => loaders.load_one(key).await,
            None => {
                super::loaders::for_request(super::context::service(ctx)?)
                    .load_one(key)
                    .await
            }
        }
        .map_err(|_| api_error(ApiErrorCode::Internal, locale))?;
        // The event reached this person through its audience; the subject is shown as the
        // ordinary queries' policy shows it (a consent: to the audience of its events).
        Ok(match loaded {
            Some(SubjectRow::Application(a)) if policy::may_read(viewer, &a) => {
                Some(Node::Application(super::application::Application(a)))
            }
            Some(SubjectRow::Consent(c)) => Some(Node::Consent(super::consent::Consent(c))),
            Some(SubjectRow::Appeal(a)) if policy::may_read_appeal(viewer, &a) => {
                Some(match Procedure::of(&a) {
                    Procedure::Appeal => Node::Appeal(super::appeal::Appeal(a)),
                    Procedure::Complaint => Node::Complaint(super::complaint::Complaint(a)),
                })
            }
            _ => None,
        })
    }

    /// The subject's global ID (an `Application`, `Consent`, `Appeal` or `Complaint`; for a
    /// registration, its application's), whoever reads: what an integrator reconciles by.
    async fn subject_id(&self) -> Option<ID> {
        let id = self.0.entity_id;
        match EntityKind::from(self.0.entity_kind) {
            EntityKind::Application => Some(ids::encode(super::application::KIND, id)),
            EntityKind::Registration => self
                .0
                .application_id
                .map(|a| ids::encode(super::application::KIND, a)),
            EntityKind::Consent => Some(ids::encode(super::consent::KIND, id)),
            EntityKind::Appeal => Some(ids::encode(super::appeal::KIND, id)),
            EntityKind::Complaint => Some(ids::encode(super::complaint::KIND, id)),
        }
    }

    /// The status before, as the subject's status enum names it; null for a creation.
    async fn from(&self) -> Option<&str> {
        self.0.from_status.as_deref()
    }

    /// The status after.
    async fn to(&self) -> &str {
        &self.0.to_status
    }

    /// Who made the change.
    async fn actor_role(&self) -> ActorRole {
        domain::ActorRole::from(self.0.actor_role).into()
    }
}

/// What an event's `subject` loads.
fn subject_key(event: &event::Model) -> Option<EventSubject> {
    Some(match EntityKind::from(event.entity_kind) {
        EntityKind::Application | EntityKind::Registration => {
            EventSubject::Application(event.application_id?)
        }
        EntityKind::Consent => EventSubject::Consent(event.entity_id),
        EntityKind::Appeal | EntityKind::Complaint => EventSubject::Appeal(event.entity_id),
    })
}

/// An edge of the feed.
#[derive(SimpleObject, Debug)]
pub struct StatusEventEdge {
    /// The event.
    pub node: StatusEvent,
    /// Its cursor (the same as `node.cursor`).
    pub cursor: String,
}

/// A page of the feed, in sequence order.
#[derive(SimpleObject, Debug)]
pub struct StatusEventConnection {
    /// The events on this page.
    pub edges: Vec<StatusEventEdge>,
    /// Paging information; `endCursor` is where to resume (also when the page is empty, it is
    /// the cursor given).
    pub page_info: PageInfo,
}

/// Which events.
#[derive(InputObject, Debug, Default)]
pub struct StatusEventFilter {
    /// Only these types (default: every type the caller may read).
    pub types: Option<Vec<StatusEventType>>,
    /// Only the events whose `subjectId` this is: an application's global ID (with its
    /// registration's events), a consent's, an appeal's or a complaint's.
    pub subject_id: Option<ID>,
}

/// An event's cursor: its sequence.
pub fn encode_cursor(sequence: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("event:{sequence}"))
}

pub(super) fn decode_cursor(cursor: &str, locale: Locale) -> async_graphql::Result<i64> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("event:")?.parse::<i64>().ok())
        .filter(|sequence| *sequence > 0)
        .ok_or_else(|| bad_argument(sentences::CURSOR_NOT_FROM_LIST.pick(locale)))
}

/// The reader of the request: an integrator with its scope, or the signed-in person.
pub(super) fn reader<'a>(ctx: &Context<'a>) -> async_graphql::Result<Reader<'a>> {
    let request = request(ctx)?;
    match policy::authorize(&request.principal, Operation::ReadEvents) {
        Ok(Some(person)) => Ok(Reader::Person(person)),
        Ok(None) => match &request.principal {
            Principal::Integrator { scope, .. } => Ok(Reader::Integrator(scope)),
            _ => Err(api_error(ApiErrorCode::Unauthenticated, request.locale)),
        },
        Err(Denied::Unauthenticated) => {
            Err(api_error(ApiErrorCode::Unauthenticated, request.locale))
        }
        Err(Denied::Forbidden) => Err(api_error(ApiErrorCode::Forbidden, request.locale)),
    }
}

/// The filter asked for, in the core's terms.
pub(super) fn filter(filter: Option<StatusEventFilter>) -> Filter {
    let filter = filter.unwrap_or_default();
    Filter {
        types: filter
            .types
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
        subject: filter.subject_id.as_ref().and_then(|id| {
            ids::decode(id)
                .map(|(_, uuid)| uuid)
                // An ID that is no one's matches nothing.
                .or(Some(uuid::Uuid::nil()))
        }),
    }
}

/// A feed error as a top-level error.
pub(super) fn feed_error(error: FeedError, locale: Locale) -> async_graphql::Error {
    match error {
        FeedError::CursorExpired => api_error(ApiErrorCode::CursorExpired, locale),
        FeedError::CursorUnknown => bad_argument(sentences::CURSOR_NOT_FROM_LIST.pick(locale)),
        FeedError::Internal(error) => internal(error, locale),
    }
}

/// The feed's queries.
#[derive(Default, Debug)]
pub struct FeedQuery;

/// The feed's queries.
#[Object]
impl FeedQuery {
    /// Every stored event after the cursor, in the public sequence (commit order): an
    /// integrator gets the events of its scope's bodies and types, a person those of their
    /// own entities. At least once and in order: resume from the last cursor you processed and
    /// deduplicate by `id`. Retention is `EVENT_RETENTION_DAYS`: an older cursor is the
    /// top-level error `CURSOR_EXPIRED`.
    #[graphql(
        complexity = "usize::try_from(first.unwrap_or(20).clamp(1, 100)).unwrap_or(100) * child_complexity"
    )]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cursor after which to start (none: the oldest retained).")]
        after: Option<String>,
        #[graphql(desc = "How many (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Which events.")] filter: Option<StatusEventFilter>,
    ) -> async_graphql::Result<StatusEventConnection> {
        let reader = reader(ctx)?;
        let locale = request(ctx)?.locale;
        let limit = page_size(first, locale)?;
        let after_sequence = after
            .as_deref()
            .map(|c| decode_cursor(c, locale))
            .transpose()?;
        let mut rows = feed::page(
            service(ctx)?,
            reader,
            after_sequence,
            &self::filter(filter),
            limit.saturating_add(1),
        )
        .await
        .map_err(|e| feed_error(e, locale))?;
        let has_next_page = rows.len() as u64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        // A batch closes after a short delay: loaded here, a page's subjects are one statement
        // per kind whatever the page's size (the resolvers then find them cached).
        if matches!(reader, Reader::Person(_))
            && ctx
                .look_ahead()
                .field("edges")
                .field("node")
                .field("subject")
                .exists()
            && let Ok(loaders) = ctx.data::<RequestLoaders>()
        {
            let keys: Vec<EventSubject> = rows.iter().filter_map(subject_key).collect();
            loaders
                .load_many(keys)
                .await
                .map_err(|_| api_error(ApiErrorCode::Internal, locale))?;
        }
        let edges: Vec<StatusEventEdge> = rows
            .into_iter()
            .map(|row| StatusEventEdge {
                cursor: encode_cursor(row.sequence.unwrap_or_default()),
                node: StatusEvent(row),
            })
            .collect();
        let mut cursors: Vec<String> = edges.iter().map(|e| e.cursor.clone()).collect();
        if cursors.is_empty()
            && let Some(after) = after
        {
            cursors.push(after);
        }
        let mut page_info = PageInfo::new(&cursors, has_next_page);
        if edges.is_empty() {
            page_info.start_cursor = None;
        }
        Ok(StatusEventConnection { edges, page_info })
    }
}
