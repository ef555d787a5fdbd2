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
//!
//! A backlog reaches subscribers at their pace: before a batch that would put a subscriber a
//! whole buffer behind, the reader waits for those who are still taking events, never for one
//! that stopped (it is closed with 1013 when it falls a buffer behind), so a stalled or
//! replaying subscriber slows nobody else.

use entities::enums::AudienceKind;
use entities::{event, event_audience};
use futures_util::StreamExt;
use registration_core::ServiceContext;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{Notify, broadcast};
use tokio::time::Instant;

/// How many events a subscriber may fall behind the reader before its connection is closed
/// (1013: it resumes from its cursor): the per-connection bound on buffered events.
pub const SUBSCRIBER_BUFFER: usize = 1024;

/// How many events one read takes; a longer backlog takes several (at most half the buffer:
/// see [`LiveEvents::paced`]).
const READ_BATCH: u64 = 500;

/// How long the reader waits at most for subscribers to take a batch before sending the next.
const PACE_LIMIT: Duration = Duration::from_secs(1);

/// How long a subscriber that is behind may take no event before the reader stops waiting for
/// it. One draining a backlog takes events every few milliseconds, but a healthy client's
/// connection can pause for a few hundred (a congested link, a busy machine); one that took
/// none for this long is blocked on a socket that does not drain, still replaying from the
/// database, or gone. It costs the others this much once, not once a batch: from then on it
/// counts as stalled until it takes an event again.
const STALLED_AFTER: Duration = Duration::from_millis(500);

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

/// How far one subscriber has taken the broadcast.
#[derive(Debug)]
struct Progress {
    /// The sequence of the last event it took (where it stood when it subscribed, until then).
    sequence: AtomicI64,
    /// When it last took one (or subscribed), in milliseconds since the instance's epoch.
    at: AtomicU64,
}

/// This instance's subscribers' progress, for the reader's pacing.
#[derive(Debug, Default)]
struct Subscribers {
    next_id: u64,
    progress: HashMap<u64, Arc<Progress>>,
    /// When each recent batch was broadcast, oldest first: its highest sequence and the time
    /// (as [`Progress::at`]), at most [`SUBSCRIBER_BUFFER`] of them (no more batches than
    /// events fit in a buffer). A subscriber has had something to take since the batch of
    /// the first event it has not taken.
    sent: VecDeque<(i64, u64)>,
    /// The highest sequence of the last batch no longer in `sent`.
    forgotten: Option<i64>,
}

impl Subscribers {
    /// The lock (a panic while it was held left nothing half-done that matters: the worst
    /// is a pacing decision on stale progress).
    fn lock(subscribers: &Mutex<Subscribers>) -> std::sync::MutexGuard<'_, Subscribers> {
        subscribers.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Since when the subscriber standing at `sequence` has had an event to take (0: since
    /// before the batches remembered).
    fn waiting_since(&self, sequence: i64) -> u64 {
        let first_untaken = self
            .sent
            .partition_point(|(highest, _)| *highest <= sequence);
        if first_untaken == 0 && self.forgotten.is_some_and(|highest| sequence < highest) {
            // Its first untaken event is older than the batches remembered: it is a buffer
            // behind anyway.
            return 0;
        }
        self.sent.get(first_untaken).map_or(0, |(_, at)| *at)
    }
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
    subscribers: Arc<Mutex<Subscribers>>,
    /// What [`Progress::at`] counts from.
    epoch: Instant,
}

/// A subscriber's receiver of the live events, which tells the reader how far it took them.
#[derive(Debug)]
pub struct LiveReceiver {
    receiver: broadcast::Receiver<Arc<LiveEvent>>,
    id: u64,
    progress: Arc<Progress>,
    subscribers: Arc<Mutex<Subscribers>>,
    epoch: Instant,
}

impl LiveReceiver {
    /// The next live event (as [`broadcast::Receiver::recv`]).
    pub async fn recv(&mut self) -> Result<Arc<LiveEvent>, broadcast::error::RecvError> {
        let received = self.receiver.recv().await;
        if let Ok(live) = &received {
            let sequence = live.event.sequence.unwrap_or_default();
            self.progress.sequence.store(sequence, Ordering::Release);
            self.progress
                .at
                .store(millis_since(self.epoch), Ordering::Release);
        }
        received
    }
}

impl Drop for LiveReceiver {
    fn drop(&mut self) {
        Subscribers::lock(&self.subscribers)
            .progress
            .remove(&self.id);
    }
}

/// Milliseconds from `epoch` to now.
fn millis_since(epoch: Instant) -> u64 {
    u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
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
            subscribers: Arc::default(),
            epoch: Instant::now(),
        }
    }

    /// A new subscriber's receiver (subscribe before replaying: nothing falls in the seam).
    pub fn subscribe(&self) -> LiveReceiver {
        let mut subscribers = Subscribers::lock(&self.subscribers);
        let receiver = self.sender.subscribe();
        // It starts where the last batch ended, or later: its lag reads as no less than it is.
        let progress = Arc::new(Progress {
            sequence: AtomicI64::new(self.last_sequence()),
            at: AtomicU64::new(millis_since(self.epoch)),
        });
        let id = subscribers.next_id;
        subscribers.next_id += 1;
        subscribers.progress.insert(id, Arc::clone(&progress));
        LiveReceiver {
            receiver,
            id,
            progress,
            subscribers: Arc::clone(&self.subscribers),
            epoch: self.epoch,
        }
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
        crate::startup::spawn_background(async move {
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
            crate::startup::spawn_background(async move {
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

    /// Waits, up to [`PACE_LIMIT`], until a batch of `batch` events would put no subscriber
    /// that is still taking events a whole buffer behind: a backlog read in several batches
    /// then reaches subscribers who keep up at their pace instead of overflowing their buffers
    /// at the reader's. One that took nothing for [`STALLED_AFTER`] is not waited for: it falls
    /// a buffer behind and its connection is closed (1013), and nobody else is delayed by it.
    async fn paced(&self, batch: usize) {
        let deadline = Instant::now() + PACE_LIMIT;
        // `len` is what the furthest-behind receiver has yet to take: the cheap first test.
        while self.sender.len() + batch > SUBSCRIBER_BUFFER
            && Instant::now() < deadline
            && self.someone_taking_events_would_overflow(batch)
        {
            tokio::time::sleep(PACE_POLL).await;
        }
    }

    /// Whether a batch of `batch` would put a subscriber that is still taking events (it had
    /// something to take for less than [`STALLED_AFTER`] without taking it) more than a buffer
    /// behind (its lag counted in sequences, which is never less than in events).
    fn someone_taking_events_would_overflow(&self, batch: usize) -> bool {
        let head = self.last_sequence();
        let now = millis_since(self.epoch);
        let stalled_after = u64::try_from(STALLED_AFTER.as_millis()).unwrap_or(u64::MAX);
        let subscribers = Subscribers::lock(&self.subscribers);
        subscribers.progress.values().any(|progress| {
            let sequence = progress.sequence.load(Ordering::Acquire);
            let behind = usize::try_from(head.saturating_sub(sequence)).unwrap_or(0);
            // Idle while it had nothing to take is not stalling: it counts from the later of
            // its last take and the broadcast of what it has yet to take.
            let since = progress
                .at
                .load(Ordering::Acquire)
                .max(subscribers.waiting_since(sequence));
            behind + batch > SUBSCRIBER_BUFFER && now.saturating_sub(since) < stalled_after
        })
    }

    /// Broadcasts one batch read from the database (in sequence order), at the subscribers'
    /// pace, and records its highest sequence as the last broadcast.
    async fn broadcast(&self, batch: Vec<LiveEvent>) {
        let Some(highest) = batch.last().and_then(|live| live.event.sequence) else {
            return;
        };
        self.paced(batch.len()).await;
        {
            let mut subscribers = Subscribers::lock(&self.subscribers);
            if subscribers.sent.len() == SUBSCRIBER_BUFFER {
                subscribers.forgotten = subscribers.sent.pop_front().map(|(highest, _)| highest);
            }
            subscribers
                .sent
                .push_back((highest, millis_since(self.epoch)));
        }
        for live in batch {
            // No subscriber is no error.
            let _ = self.sender.send(Arc::new(live));
        }
        self.last.store(highest, Ordering::Release);
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
            if events.is_empty() {
                return Ok(());
            }
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
            let batch = events
                .into_iter()
                .map(|event| {
                    let audience = audiences.remove(&event.id).unwrap_or_default();
                    LiveEvent { event, audience }
                })
                .collect();
            self.broadcast(batch).await;
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

#[cfg(test)]
mod tests {
    use super::*;
    use entities::enums::{ActorRole, EventEntityKind};

    fn live_event(sequence: i64) -> LiveEvent {
        LiveEvent {
            event: event::Model {
                id: sequence,
                public_id: uuid::Uuid::new_v4(),
                entity_kind: EventEntityKind::Application,
                entity_id: uuid::Uuid::nil(),
                application_id: None,
                from_status: None,
                to_status: "SUBMITTED".to_owned(),
                actor_role: ActorRole::System,
                actor_person_id: None,
                at: time::OffsetDateTime::UNIX_EPOCH,
                sequence: Some(sequence),
                sequenced_at: None,
                body_bin: None,
            },
            audience: Vec::new(),
        }
    }

    /// `batches` batches of [`READ_BATCH`] events, one after the other, as a backlog is read.
    async fn broadcast_a_backlog(live: &LiveEvents, batches: i64) {
        for batch in 0..batches {
            let first = batch * 500 + 1;
            live.broadcast((first..first + 500).map(live_event).collect())
                .await;
        }
    }

    /// Takes `count` events, pausing `pause` after each; how many it took, or how it failed.
    async fn take(
        mut receiver: LiveReceiver,
        count: usize,
        pause: Duration,
    ) -> Result<usize, broadcast::error::RecvError> {
        for taken in 0..count {
            let live = receiver.recv().await?;
            assert_eq!(live.event.sequence, Some(taken as i64 + 1), "in order");
            tokio::time::sleep(pause).await;
        }
        Ok(count)
    }

    // On tokio's paused clock: time moves only while every task waits, so the durations
    // measured are the reader's own waits, exactly.

    #[tokio::test(start_paused = true)]
    async fn a_subscriber_that_took_nothing_for_a_while_is_not_waited_for() {
        let live = LiveEvents::new(None);
        let mut stalled = live.subscribe();
        let keeping_up = tokio::spawn(take(live.subscribe(), 2500, Duration::ZERO));
        let started = Instant::now();
        broadcast_a_backlog(&live, 5).await;
        // The third batch would put both a buffer behind: the reader waits until the one
        // that takes nothing counts as stalled, and then never again for it (three batches
        // would wait a pace limit each otherwise).
        // (Give or take the polls that let the one keeping up take its batches.)
        let waited = started.elapsed();
        assert!(
            waited >= STALLED_AFTER && waited <= STALLED_AFTER + 5 * PACE_POLL,
            "waited {waited:?}"
        );
        assert_eq!(keeping_up.await.unwrap(), Ok(2500));
        assert!(
            matches!(
                stalled.recv().await,
                Err(broadcast::error::RecvError::Lagged(_))
            ),
            "the stalled one fell a buffer behind (its connection is closed with 1013)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_subscriber_still_taking_events_is_waited_for_up_to_the_pace_limit() {
        let live = LiveEvents::new(None);
        // 1,000 events a second: half a buffer in half a second, within the pace limit.
        let steady = tokio::spawn(take(live.subscribe(), 1500, Duration::from_millis(1)));
        // 50 events a second: the reader gives up on it after the limit.
        let too_slow = tokio::spawn(take(live.subscribe(), 1500, Duration::from_millis(20)));
        // Idle for a long while, with nothing to take: that is no stall.
        tokio::time::advance(Duration::from_secs(60)).await;
        let started = Instant::now();
        broadcast_a_backlog(&live, 3).await;
        let waited = started.elapsed();
        assert!(
            waited >= PACE_LIMIT && waited <= PACE_LIMIT + PACE_POLL,
            "waited {waited:?}"
        );
        assert_eq!(
            steady.await.unwrap(),
            Ok(1500),
            "paced, it never overflowed"
        );
        assert!(matches!(
            too_slow.await.unwrap(),
            Err(broadcast::error::RecvError::Lagged(_))
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_subscriber_is_forgotten() {
        let live = LiveEvents::new(None);
        let receiver = live.subscribe();
        assert_eq!(live.subscribers.lock().unwrap().progress.len(), 1);
        drop(receiver);
        assert!(live.subscribers.lock().unwrap().progress.is_empty());
    }
}
