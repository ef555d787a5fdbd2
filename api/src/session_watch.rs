//! The sessions and API keys of this instance's WebSocket connections, re-checked in batches
//! (issue 17): a connection that authenticated registers its credential here, and one task
//! checks every registered credential each `SUBSCRIPTION_SESSION_CHECK_SECONDS` with
//! [`viewer::still_live`] (a query per 500 distinct credentials), then ends the connections
//! whose session expired or was logged out, or whose key was revoked (they close with 4403).
//!
//! Why not a check per connection: 10,000 idle subscribers each resolving their session every
//! 15 s cost ~615 database transactions a second on the pool the relay and the live reader use,
//! and stalled the relay under load (`tools/graphql-ws/LOAD.md`); the connections sharing one
//! API key ran the identical query. The registry holds only this instance's own connections:
//! the truth stays in the database.

use crate::signal::Signal;
use registration_core::ServiceContext;
use registration_core::auth::viewer::{self, Credential};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// This instance's registry of watched credentials.
#[derive(Debug, Clone, Default)]
pub struct SessionWatch {
    registry: Arc<Registry>,
}

#[derive(Debug, Default)]
struct Registry {
    watched: Mutex<HashMap<Credential, HashMap<u64, Arc<Signal>>>>,
    next_id: AtomicU64,
}

/// A connection's registration: dropping it (the connection ends) stops the watch.
#[derive(Debug)]
pub struct Watched {
    id: u64,
    credential: Credential,
    registry: Arc<Registry>,
}

impl Drop for Watched {
    fn drop(&mut self) {
        if let Ok(mut watched) = self.registry.watched.lock()
            && let Some(connections) = watched.get_mut(&self.credential)
        {
            connections.remove(&self.id);
            if connections.is_empty() {
                watched.remove(&self.credential);
            }
        }
    }
}

impl SessionWatch {
    /// Watches `credential` for a connection, which awaits `ended` (raised when the credential
    /// is found ended).
    pub fn watch(&self, credential: Credential, ended: Arc<Signal>) -> Watched {
        let id = self.registry.next_id.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut watched) = self.registry.watched.lock() {
            watched
                .entry(credential.clone())
                .or_default()
                .insert(id, ended);
        }
        Watched {
            id,
            credential,
            registry: Arc::clone(&self.registry),
        }
    }

    /// How many distinct credentials are watched.
    pub fn credentials(&self) -> usize {
        self.registry.watched.lock().map(|w| w.len()).unwrap_or(0)
    }

    /// Checks every watched credential once and ends the connections of those no longer live;
    /// how many credentials ended. A database that does not answer ends nothing (it is no
    /// reason to drop subscribers).
    pub async fn check_once(&self, service: &ServiceContext) -> Result<usize, sea_orm::DbErr> {
        let credentials: Vec<Credential> = match self.registry.watched.lock() {
            Ok(watched) => watched.keys().cloned().collect(),
            Err(_) => return Ok(0),
        };
        if credentials.is_empty() {
            return Ok(0);
        }
        let live = viewer::still_live(&service.db, &credentials, service.clock.now()).await?;
        let mut ended = 0;
        if let Ok(watched) = self.registry.watched.lock() {
            for credential in credentials.iter().filter(|c| !live.contains(*c)) {
                if let Some(connections) = watched.get(credential) {
                    ended += 1;
                    connections
                        .values()
                        .for_each(|connection| connection.raise());
                }
            }
        }
        Ok(ended)
    }

    /// Starts the check on the runtime, every `every`.
    pub fn spawn(&self, service: ServiceContext, every: Duration) {
        let watch = self.clone();
        crate::startup::spawn_background(async move {
            let mut tick = actix_web::rt::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match watch.check_once(&service).await {
                    Ok(0) => {}
                    Ok(ended) => tracing::debug!(ended, "subscriptions' credentials ended"),
                    Err(error) => {
                        tracing::warn!(error = %error, "checking subscriptions' sessions failed")
                    }
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registration_is_dropped_with_its_connection() {
        let watch = SessionWatch::default();
        let first = watch.watch(Credential::Session(vec![1]), Arc::default());
        let second = watch.watch(Credential::Session(vec![1]), Arc::default());
        let third = watch.watch(Credential::ApiKey(vec![2]), Arc::default());
        assert_eq!(watch.credentials(), 2);
        drop(first);
        assert_eq!(
            watch.credentials(),
            2,
            "the second connection still shares it"
        );
        drop(second);
        drop(third);
        assert_eq!(watch.credentials(), 0);
    }
}
