//! What every operation receives: the database, the clock, the registry ports, the trust store
//! and the settings the workflows need. Nothing here is state that only one instance knows.

use crate::clock::Clock;
use crate::registries::{
    DocumentRegistry, PopulationRegistry, PropertyRegistry, RepresentationRegistry,
};
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
    /// How many `certificateInfo` checks one caller (a person or an integrator) may make in a
    /// rolling hour.
    pub certificate_checks_per_hour: u32,
    /// How many calendar days an owner has to consent.
    pub consent_days: u32,
    /// The body (BIN) that decides applications.
    pub service_body_bin: String,
    /// Bodies whose applications an officer always decides.
    pub manual_review_bodies: Vec<String>,
    /// How long an officer's claim on an application lasts, in minutes.
    pub claim_minutes: u32,
    /// The working hours in Almaty time: a receipt at or after closing counts from the next
    /// working day.
    pub working_hours: crate::calendar::WorkingHours,
    /// The surname and initials of the named operator who receives appeals online.
    pub appeals_operator_name: String,
    /// That operator's position.
    pub appeals_operator_position: String,
    /// Working days an applicant has to correct an appeal that misses a requirement.
    pub appeal_correction_days: u32,
    /// How many days back the event feed serves (an older cursor is `CURSOR_EXPIRED`).
    pub event_retention_days: u32,
}

/// Signature verification is CPU work: it runs on blocking threads, at most as many at once as
/// there are slots (by default one per core), so that it never stalls the async workers that
/// serve everyone else. A request that waits longer than `wait` for a slot is turned away
/// (`Busy`) rather than queued without bound.
#[derive(Debug, Clone)]
pub struct VerificationSlots {
    slots: Arc<tokio::sync::Semaphore>,
    wait: std::time::Duration,
}

/// No verification slot came free in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("every signature verification slot is busy")]
pub struct Busy;

impl VerificationSlots {
    /// `slots` verifications at once; a request waits at most `wait` for one.
    pub fn new(slots: usize, wait: std::time::Duration) -> Self {
        VerificationSlots {
            slots: Arc::new(tokio::sync::Semaphore::new(slots)),
            wait,
        }
    }

    /// One per core of this machine.
    pub fn per_core(wait: std::time::Duration) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Self::new(cores, wait)
    }

    /// Runs CPU work on a blocking thread once a slot is free.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let permit = tokio::time::timeout(self.wait, Arc::clone(&self.slots).acquire_owned())
            .await
            .map_err(|_| Busy)?
            .map_err(|_| Busy)?;
        let outcome = tokio::task::spawn_blocking(move || {
            let result = work();
            drop(permit);
            result
        })
        .await;
        outcome.map_err(|_| Busy)
    }
}

/// The context of every operation.
#[derive(Debug, Clone)]
pub struct ServiceContext {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
    pub properties: Arc<dyn PropertyRegistry>,
    /// Legal representatives and powers of attorney: who may consent for an owner.
    pub representation: Arc<dyn RepresentationRegistry>,
    /// Who a person is, and where registrations are entered.
    pub population: Arc<dyn PopulationRegistry>,
    /// The identity documents and birth certificates the state issued, checked by number.
    pub state_documents: Arc<dyn DocumentRegistry>,
    pub trust: Arc<TrustStore>,
    /// Where SMS go: owners told of consents (one-time passwords take it from their runtime).
    pub sms: Arc<dyn crate::sms::SmsGateway>,
    pub verification: VerificationSlots,
    pub settings: Arc<ServiceSettings>,
    /// The working-day calendar, parsed once at start.
    pub calendar: Arc<crate::calendar::Calendar>,
}
