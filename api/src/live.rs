//! Live events for subscriptions (issue 17): one reader per instance reads the newly sequenced
//! events from the database by cursor and broadcasts them, with their audience, to this
//! instance's subscribers, who only filter. Nothing is read once per subscriber.
//!
//! The reader is woken, never polling on a subscriber's behalf: by this instance's relay when
//! it sequenced events, and, with Redis, by the relay of any instance, which publishes how
//! many it sequenced on `{OTP_KEY_PREFIX}events`. Redis pub/sub drops messages across a
//! reconnect, so a message is only a wake-up: the events themselves always come from the
//! database, after the last sequence this reader broadcast; a slow safety tick covers a
//! wake-up lost with a reconnect.

use entities::enums::AudienceKind;
use entities::{event, event_audience};
use futures_util::StreamExt;
use registration_core::ServiceContext;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use tokio::sync::{Notify, broadcast};

/// How many events a subscriber may fall behind the reader before its connection is closed
/// (1013: it resumes from its cursor): the per-connection bound on buffered events.
pub const SUBSCRIBER_BUFFER: usize = 1024;

/// How many events one read takes; a longer backlog takes several (at most half the buffer:
/// see [`LiveEvents::paced`]).
const READ_BATCH: u64 = 500;

/// How long the reader waits at most for subscribers to take a batch before sending the next.
const PACE_LIMIT: Duration = Duration::from_secs(1);

/// How often the reader looks whether subscribers took what it sent.
const PACE_POLL: Duration = Duration::from_millis(10);

/// The safety tick: a wake-up lost with a Redis reconnect delays delivery by at most this.
const SAFETY_TICK: Duration = Duration::from_secs(10);

/// How long to wait before reconnecting to Redis after a failure.
const REDIS_RETRY: Duration = Duration::from_secs(2);

/// An event as broadcast: the row and who may see it.
#[derive(Debug, Clone)]
pub struct LiveEvent {
    pub event: event::Model,
    /// The parties of its audience, as stored.
    pub audience: Vec<(AudienceKind, String)>,
}

/// This instance's live events.
#[derive(Debug, Clone)]
pub struct LiveEvents {
    sender: broadcast::Sender<Arc<LiveEvent>>,
    wake: Arc<Notify>,
    /// The highest sequence broadcast (a subscriber's replay reads up to it, then goes live).
    last: Arc<AtomicI64>,
    /// Where the relay's wake-ups go to every instance (`None`: this instance only).
    channel: Option<(redis::Client, String)>,
}

impl LiveEvents {
    /// The live events of an instance; `redis`: the client and the key prefix whose
    /// `{prefix}events` channel carries the wake-ups across instances.
    pub fn new(redis: Option<(redis::Client, String)>) -> Self {
        let (sender, _) = broadcast::channel(SUBSCRIBER_BUFFER);
        LiveEvents {
            sender,
            wake: Arc::new(Notify::new()),
            last: Arc::new(AtomicI64::new(0)),
            channel: redis.map(|(client, prefix)| (client, format!("{prefix}events"))),
        }
    }

    /// A new subscriber's receiver (subscribe before replaying: nothing falls in the seam).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<LiveEvent>> {
        self.sender.subscribe()
    }

    /// The highest sequence broadcast so far.
    pub fn last_sequence(&self) -> i64 {
        self.last.load(Ordering::Acquire)
    }

    /// The relay sequenced `count` events: wake this instance's reader, and every other
    /// instance's through Redis (the message is a wake-up: its value, the count, is only for
    /// whoever watches the channel).
    pub async fn sequenced(&self, count: u64) {
        self.wake.notify_one();
        if let Some((client, channel)) = &self.channel {
            let published: Result<(), redis::RedisError> = async {
                let mut connection = client.get_multiplexed_async_connection().await?;
                redis::cmd("PUBLISH")
                    .arg(channel)
                    .arg(count)
                    .query_async::<i64>(&mut connection)
                    .await?;
                Ok(())
            }
            .await;
            if let Err(error) = published {
                // The other instances still read on their safety tick.
                tracing::warn!(error = %error, "publishing an event wake-up to Redis failed");
            }
        }
    }

    /// Starts the reader (and, with Redis, the wake-up listener) on the runtime.
    pub fn spawn(&self, service: ServiceContext) {
        let live = self.clone();
        actix_web::rt::spawn(async move {
            match highest_sequence(&service).await {
                Ok(highest) => live.last.store(highest, Ordering::Release),
                Err(error) => tracing::error!(error = %error, "reading the last event failed"),
            }
            loop {
                let _ = actix_web::rt::time::timeout(SAFETY_TICK, live.wake.notified()).await;
                if let Err(error) = live.read_new(&service).await {
                    tracing::error!(error = %error, "reading new events failed");
                }
            }
        });
        if let Some((client, channel)) = self.channel.clone() {
            let wake = Arc::clone(&self.wake);
            actix_web::rt::spawn(async move {
                loop {
                    match listen(&client, &channel, &wake).await {
                        Ok(()) => tracing::warn!("the Redis event channel closed: reconnecting"),
                        Err(error) => {
                            tracing::warn!(error = %error, "the Redis event channel failed: reconnecting")
                        }
                    }
                    // Whatever was published meanwhile is read from the database anyway.
                    wake.notify_one();
                    actix_web::rt::time::sleep(REDIS_RETRY).await;
                }
            });
        }
    }

    /// Waits, up to [`PACE_LIMIT`], until every subscriber took all but half a buffer of what
    /// was broadcast: a backlog read in several batches then reaches subscribers who keep up at
    /// their pace instead of overflowing their buffers at the reader's. One that does not keep
    /// up delays the others by at most [`PACE_LIMIT`] a batch, until it falls a whole buffer
    /// behind and its connection is closed (1013).
    async fn paced(&self) {
        let deadline = actix_web::rt::time::Instant::now() + PACE_LIMIT;
        while self.sender.len() > SUBSCRIBER_BUFFER - READ_BATCH as usize
            && actix_web::rt::time::Instant::now() < deadline
        {
            actix_web::rt::time::sleep(PACE_POLL).await;
        }
    }

    /// Reads every event sequenced after the last one broadcast and broadcasts it.
    async fn read_new(&self, service: &ServiceContext) -> Result<(), sea_orm::DbErr> {
        loop {
            let after = self.last.load(Ordering::Acquire);
            let events = event::Entity::find()
                .filter(event::Column::Sequence.gt(after))
                .order_by_asc(event::Column::Sequence)
                .limit(READ_BATCH)
                .all(&service.db)
                .await?;
            let Some(highest) = events.last().and_then(|e| e.sequence) else {
                return Ok(());
            };
            let mut audiences: HashMap<i64, Vec<(AudienceKind, String)>> = HashMap::new();
            for row in event_audience::Entity::find()
                .filter(event_audience::Column::EventId.is_in(events.iter().map(|e| e.id)))
                .all(&service.db)
                .await?
            {
                audiences
                    .entry(row.event_id)
                    .or_default()
                    .push((row.kind, row.value));
            }
            let full = events.len() as u64 == READ_BATCH;
            self.paced().await;
            for event in events {
                let audience = audiences.remove(&event.id).unwrap_or_default();
                // No subscriber is no error.
                let _ = self.sender.send(Arc::new(LiveEvent { event, audience }));
            }
            self.last.store(highest, Ordering::Release);
            if !full {
                return Ok(());
            }
        }
    }
}

async fn highest_sequence(service: &ServiceContext) -> Result<i64, sea_orm::DbErr> {
    let highest: Option<Option<i64>> = event::Entity::find()
        .select_only()
        .column_as(event::Column::Sequence.max(), "highest")
        .into_tuple()
        .one(&service.db)
        .await?;
    Ok(highest.flatten().unwrap_or(0))
}

/// Wakes the reader on every message of the channel until the connection ends.
async fn listen(
    client: &redis::Client,
    channel: &str,
    wake: &Notify,
) -> Result<(), redis::RedisError> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    let mut messages = pubsub.into_on_message();
    while messages.next().await.is_some() {
        wake.notify_one();
    }
    Ok(())
}
