//! When this instance's event relay runs (issue 17: events are pushed, not polled).
//!
//! The relay (`events::relay` in the core) gives committed events their public sequence. On
//! PostgreSQL it runs as soon as events commit: a trigger on `event` (migration 000018)
//! notifies [`EVENT_COMMITTED_CHANNEL`], which PostgreSQL delivers to every listening session
//! only at commit, whoever wrote the rows (any instance, a background task, an operator's
//! command). Every instance listens; the one whose run takes the advisory lock numbers the
//! events, and an instance whose run was already under way when a notice came runs again, so
//! nothing committed waits for a tick. Notices are lost while the listening connection
//! reconnects: the tick (`EVENT_RELAY_INTERVAL_SECONDS`) covers that, and is all there is on
//! SQLite, where nothing notifies.

use crate::live::LiveEvents;
use migrations::EVENT_COMMITTED_CHANNEL;
use registration_core::ServiceContext;
use registration_core::service::events;
use sea_orm::DatabaseBackend;
use sea_orm::sqlx::postgres::PgListener;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How long to wait before listening again after the listening connection failed.
const LISTEN_RETRY: Duration = Duration::from_secs(2);

/// Starts the relay on the runtime: every `every`, and on PostgreSQL on every notice (the
/// listener connects to `database_url`, the pool's own database).
pub fn spawn(service: ServiceContext, live: LiveEvents, every: Duration, database_url: &str) {
    let wake = Arc::new(Notify::new());
    if service.db.get_database_backend() == DatabaseBackend::Postgres {
        let url = database_url.to_owned();
        let wake = Arc::clone(&wake);
        // (The listener's drop, too, hands its connection to a task.)
        crate::startup::spawn_background(async move {
            loop {
                if let Err(error) = listen(&url, &wake).await {
                    tracing::warn!(error = %error, "listening for committed events failed: retrying");
                }
                // Whatever committed meanwhile is numbered by the run this starts.
                wake.notify_one();
                tokio::time::sleep(LISTEN_RETRY).await;
            }
        });
    }
    crate::startup::spawn_background(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = wake.notified() => {}
            }
            run(&service, &live).await;
        }
    });
}

/// One run of the relay (at most [`events::relay::BATCH`] events: a longer backlog waits for
/// the next wake-up or tick, which paces a burst for the readers), waking the readers of
/// every instance when it numbered some.
async fn run(service: &ServiceContext, live: &LiveEvents) {
    match events::relay::run_once(service).await {
        Ok(sequenced) if sequenced.events > 0 => live.sequenced(sequenced.events).await,
        Ok(_) => {}
        Err(error) => tracing::error!(error = %error.chain(), "the event relay failed"),
    }
}

/// Listens on its own connection (not one of the pool's) and wakes the relay on each notice;
/// returns when the connection cannot be had again.
async fn listen(url: &str, wake: &Notify) -> Result<(), sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(EVENT_COMMITTED_CHANNEL).await?;
    // What committed before the LISTEN took effect had no one to tell.
    wake.notify_one();
    loop {
        // `None`: the connection was lost (and is made again on the next call, listening
        // again); notices sent meanwhile are gone, so the relay runs once to make up for them.
        let _ = listener.try_recv().await?;
        wake.notify_one();
    }
}
