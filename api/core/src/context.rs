//! What every operation receives: the database, the clock, the registry ports, the trust store
//! and the settings the workflows need. Nothing here is state that only one instance knows.

use crate::clock::Clock;
use crate::registries::PropertyRegistry;
use crate::trust::TrustStore;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Settings of the workflows (the transport's settings stay with the transport).
#[derive(Debug, Clone)]
pub struct ServiceSettings {
    /// The audience written into sign-in challenges.
    pub service_name: String,
    /// How long a sign-in challenge may be signed, in seconds.
    pub challenge_ttl_seconds: u32,
    /// How long a session lives, in seconds.
    pub session_ttl_seconds: u32,
    /// How many property lookups one person may make in a rolling hour.
    pub property_lookups_per_hour: u32,
}

/// The context of every operation.
#[derive(Debug, Clone)]
pub struct ServiceContext {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
    pub properties: Arc<dyn PropertyRegistry>,
    pub trust: Arc<TrustStore>,
    pub settings: Arc<ServiceSettings>,
}
