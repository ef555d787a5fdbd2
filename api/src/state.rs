//! What every request shares. Nothing here is state only one instance knows: the database and
//! Redis hold it, so instances can be added behind a load balancer.

use crate::configuration::Settings;
use registration_core::ServiceContext;
use registration_core::service::otp::OtpRuntime;
use std::sync::Arc;

/// The application's shared state.
#[derive(Debug, Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    /// What the service core's operations receive.
    pub service: ServiceContext,
    /// One-time passwords: the store (Redis, or this process's memory in development), the
    /// SMS gateway and the seal.
    pub otp: OtpRuntime,
    /// The live events this instance's subscribers filter (read from the database once per
    /// instance, woken through Redis across instances).
    pub live: crate::live::LiveEvents,
    /// The sessions and keys of this instance's WebSocket connections, re-checked in batches.
    pub sessions: crate::session_watch::SessionWatch,
}
