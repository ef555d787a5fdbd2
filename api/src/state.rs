//! What every request shares. Nothing here is state only one instance knows: the database and
//! Redis hold it, so instances can be added behind a load balancer.

use crate::configuration::Settings;
use registration_core::ServiceContext;
use std::sync::Arc;

/// The application's shared state.
#[derive(Debug, Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    /// What the service core's operations receive.
    pub service: ServiceContext,
    pub redis: Option<redis::Client>,
}
