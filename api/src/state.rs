//! What every request shares. Nothing here is state only one instance knows: the database and
//! Redis hold it, so instances can be added behind a load balancer.

use crate::configuration::Settings;
use crate::eds::TrustStore;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// The application's shared state.
#[derive(Debug, Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: DatabaseConnection,
    pub trust: Arc<TrustStore>,
    pub redis: Option<redis::Client>,
}
