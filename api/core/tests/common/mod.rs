//! What the core's integration tests share: a migrated in-memory database and a service
//! context on it (the registry mirror behind every port, the demo PKI, test settings). A test
//! replaces the ports it makes fail with struct update syntax.

#![allow(
    dead_code,
    reason = "each test binary uses the part of this module it needs"
)]
#![allow(
    clippy::expect_used,
    reason = "a test stops with a message on the first broken expectation"
)]

use registration_core::context::{ServiceContext, ServiceSettings, VerificationSlots};
use registration_core::registries::LocalRegistries;
use registration_core::trust::{TrustConfig, TrustStore};
use registration_core::{Clock, ManualClock, database};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// A fresh migrated SQLite database in memory, with the demo data set when `demo_data`.
pub async fn database(demo_data: bool, clock: &ManualClock) -> DatabaseConnection {
    let db = database::connect("sqlite::memory:").await.expect("SQLite");
    database::migrate(&db).await.expect("migrated");
    if demo_data {
        registration_core::registries::import::load_demo_data_if_empty(&db, clock.now())
            .await
            .expect("the demo data set loads");
    }
    db
}

/// The settings the tests run with.
pub fn settings() -> ServiceSettings {
    ServiceSettings {
        service_name: "test".to_owned(),
        challenge_ttl_seconds: 300,
        session_ttl_seconds: 3600,
        property_lookups_per_hour: 10,
        certificate_checks_per_hour: 60,
        consent_days: 5,
        service_body_bin: "940140000385".to_owned(),
        manual_review_bodies: Vec::new(),
        claim_minutes: 30,
        working_hours: Default::default(),
        appeals_operator_name: "Оператор сервиса".to_owned(),
        appeals_operator_position: "оператор".to_owned(),
        appeal_correction_days: 5,
        event_retention_days: 30,
    }
}

/// A service context on `db` and `clock`: every registry port the mirror, SMS to the
/// development outbox, the demo PKI trusted.
pub fn context(db: &DatabaseConnection, clock: &Arc<ManualClock>) -> ServiceContext {
    let registries = Arc::new(LocalRegistries::new(db.clone()));
    ServiceContext {
        sms: Arc::new(registration_core::sms::DevOutbox::new(
            db.clone(),
            clock.clone(),
        )),
        properties: registries.clone(),
        representation: registries.clone(),
        state_documents: registries.clone(),
        population: registries,
        db: db.clone(),
        clock: clock.clone(),
        trust: Arc::new(TrustStore::load(&TrustConfig::default(), clock.now()).expect("demo PKI")),
        verification: VerificationSlots::new(1, std::time::Duration::from_secs(1)),
        settings: Arc::new(settings()),
        calendar: Arc::new(registration_core::calendar::Calendar::bundled().expect("the calendar")),
    }
}
