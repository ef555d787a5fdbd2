//! GraphQL subscriptions (issue 17), served over WebSocket (`http::websocket`):
//! `statusEvents(after, filter)` for integrators and people (it first replays every stored
//! event after the cursor from the database, then streams the live ones this instance's reader
//! broadcasts, with no gap and no duplicate at the seam: live events at or below the last
//! sequence replayed are skipped), `applicationStatusChanged(id)` and `notificationAdded` for
//! people. Subscribers only filter what the reader broadcast ([`crate::live`]).

use super::context::{request, service, signed_in};
use super::errors::{ApiErrorCode, api_error, internal};
use super::feed::{StatusEvent, StatusEventFilter, feed_error, filter as core_filter, reader};
use super::ids;
use super::notification::Notification;
use crate::live::{LiveEvents, LiveReceiver};
use async_graphql::{Context, ID, Subscription};
use entities::event;
use futures_util::Stream;
use registration_core::ServiceContext;
use registration_core::auth::viewer::{IntegratorScope, SignedIn};
use registration_core::policy::Operation;
use registration_core::service::events::EntityKind;
use registration_core::service::feed::{self, Filter, Reader};
use registration_core::service::notifications;
use std::collections::VecDeque;
use std::sync::Arc;
use tokio::sync::broadcast;

/// How many stored events one replay read takes.
const REPLAY_PAGE: u64 = 100;

/// What a connection's subscriptions tell the connection: that one of them fell too far
/// behind the live events (the connection is closed with 1013; the client resumes from its
/// cursor).
#[derive(Debug, Default)]
pub struct ConnectionControl {
    overflowed: crate::signal::Signal,
}

impl ConnectionControl {
    /// A subscriber fell behind by more than the buffer.
    pub fn overflow(&self) {
        self.overflowed.raise();
    }

    /// Resolves when a subscriber overflowed.
    pub async fn overflowed(&self) {
        self.overflowed.raised().await;
    }
}

/// The reader, owned by a stream that outlives the request's borrow.
#[derive(Debug, Clone)]
enum Owner {
    Integrator(IntegratorScope),
    Person(SignedIn),
}

impl Owner {
    fn of(reader: Reader<'_>) -> Self {
        match reader {
            Reader::Integrator(scope) => Owner::Integrator(scope.clone()),
            Reader::Person(person) => Owner::Person(person.clone()),
        }
    }

    fn reader(&self) -> Reader<'_> {
        match self {
            Owner::Integrator(scope) => Reader::Integrator(scope),
            Owner::Person(person) => Reader::Person(person),
        }
    }
}

/// Where a subscription stream stands.
struct Subscriber {
    service: ServiceContext,
    owner: Owner,
    filter: Filter,
    live: LiveReceiver,
    control: Option<Arc<ConnectionControl>>,
    /// The last sequence delivered (replayed or live).
    last: i64,
    /// Still replaying stored events.
    replaying: bool,
    pending: VecDeque<event::Model>,
    ended: bool,
}

impl Subscriber {
    /// The next event, or `None` when the stream ends.
    async fn next(&mut self) -> Option<async_graphql::Result<event::Model>> {
        loop {
            if self.ended {
                return None;
            }
            if let Some(event) = self.pending.pop_front() {
                return Some(Ok(event));
            }
            if self.replaying {
                let page = feed::page(
                    &self.service,
                    self.owner.reader(),
                    (self.last > 0).then_some(self.last),
                    &self.filter,
                    REPLAY_PAGE,
                )
                .await;
                match page {
                    Ok(rows) if rows.is_empty() => self.replaying = false,
                    Ok(rows) => {
                        self.last = rows.last().and_then(|e| e.sequence).unwrap_or(self.last);
                        self.pending.extend(rows);
                    }
                    Err(error) => {
                        self.ended = true;
                        return Some(Err(feed_error(error, super::locale::Locale::En)));
                    }
                }
                continue;
            }
            match self.live.recv().await {
                Ok(live) => {
                    let sequence = live.event.sequence.unwrap_or_default();
                    if sequence <= self.last
                        || !self.owner.reader().may_read(&live.event, &live.audience)
                        || !self.filter.matches(&live.event)
                    {
                        continue;
                    }
                    self.last = sequence;
                    return Some(Ok(live.event.clone()));
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    // Too far behind: the connection is closed with a reason; the client
                    // resumes from its last cursor and misses nothing.
                    if let Some(control) = &self.control {
                        control.overflow();
                    }
                    self.ended = true;
                    return Some(Err(async_graphql::Error::new(
                        "too slow: the subscriber fell behind; resume from the last cursor",
                    )));
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

fn live_events<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a LiveEvents> {
    ctx.data::<LiveEvents>()
}

/// A stream of a subscriber's events.
fn stream(subscriber: Subscriber) -> impl Stream<Item = async_graphql::Result<event::Model>> {
    futures_util::stream::unfold(subscriber, |mut subscriber| async move {
        subscriber.next().await.map(|item| (item, subscriber))
    })
}

fn subscriber(
    ctx: &Context<'_>,
    owner: Owner,
    filter: Filter,
    after: Option<i64>,
) -> async_graphql::Result<Subscriber> {
    let live = live_events(ctx)?;
    // Subscribe before reading where to start: nothing falls between the two.
    let receiver = live.subscribe();
    let (last, replaying) = match after {
        Some(after) => (after, true),
        None => (live.last_sequence(), false),
    };
    Ok(Subscriber {
        service: service(ctx)?.clone(),
        owner,
        filter,
        live: receiver,
        control: ctx.data_opt::<Arc<ConnectionControl>>().cloned(),
        last,
        replaying,
        pending: VecDeque::new(),
        ended: false,
    })
}

/// The subscriptions.
#[derive(Default, Debug)]
pub struct SubscriptionRoot;

/// The subscriptions (WebSocket at `/graphql`: `graphql-transport-ws`, or the legacy
/// `graphql-ws`; authenticate in `connection_init` with `{ "authorization": "<token or key>" }`).
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Every event the caller may read (as `events`): first each stored one after `after`, then
    /// the live ones, in sequence order, each once. Without `after`, live ones from now. A
    /// client that reconnects with its last cursor misses nothing; one that falls more than
    /// 1024 events behind is disconnected (1013) to resume so.
    async fn status_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cursor after which to replay stored events.")] after: Option<String>,
        #[graphql(desc = "Which events.")] filter: Option<StatusEventFilter>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<StatusEvent>>> {
        let reader = reader(ctx)?;
        let locale = request(ctx)?.locale;
        let after = after
            .as_deref()
            .map(|cursor| super::feed::decode_cursor(cursor, locale))
            .transpose()?;
        let owner = Owner::of(reader);
        let filter = core_filter(filter);
        // An expired or unknown cursor is refused at once, as the query refuses it.
        if let Some(after) = after {
            feed::page(service(ctx)?, owner.reader(), Some(after), &filter, 1)
                .await
                .map_err(|e| feed_error(e, locale))?;
        }
        let subscriber = subscriber(ctx, owner, filter, after)?;
        Ok(futures_util::StreamExt::map(stream(subscriber), |item| {
            item.map(StatusEvent)
        }))
    }

    /// The status changes of one of the signed-in person's applications, live.
    async fn application_status_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The application's global ID.")] id: ID,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<StatusEvent>>> {
        let viewer = signed_in(ctx, Operation::ReadEvents)?;
        let locale = request(ctx)?.locale;
        let found = match ids::decode_kind(&id, super::application::KIND) {
            Some(uuid) => {
                registration_core::service::applications::find(service(ctx)?, viewer, uuid)
                    .await
                    .map_err(|e| internal(e, locale))?
            }
            None => None,
        };
        let Some(application) = found else {
            return Err(super::errors::bad_argument(
                super::errors::UserErrorCode::NotFound.message(locale),
            ));
        };
        let filter = Filter {
            types: vec![EntityKind::Application],
            subject: Some(application.id),
        };
        let subscriber = subscriber(ctx, Owner::Person(viewer.clone()), filter, None)?;
        Ok(futures_util::StreamExt::map(stream(subscriber), |item| {
            item.map(StatusEvent)
        }))
    }

    /// The signed-in person's new notifications, live (as `myNotifications` lists them).
    async fn notification_added(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Notification>>> {
        let viewer = signed_in(ctx, Operation::ReadNotifications)?.clone();
        let locale = request(ctx)?.locale;
        if matches!(reader(ctx)?, Reader::Integrator(_)) {
            return Err(api_error(ApiErrorCode::Forbidden, locale));
        }
        let service = service(ctx)?.clone();
        let subscriber = subscriber(ctx, Owner::Person(viewer.clone()), Filter::default(), None)?;
        Ok(futures_util::StreamExt::then(
            stream(subscriber),
            move |item| {
                let service = service.clone();
                let viewer = viewer.clone();
                async move {
                    let event = item?;
                    let mut complete =
                        notifications::complete_events(&service, &viewer, vec![event])
                            .await
                            .map_err(|e| internal(e, locale))?;
                    complete
                        .pop()
                        .map(Notification)
                        .ok_or_else(|| api_error(ApiErrorCode::Internal, locale))
                }
            },
        ))
    }
}
