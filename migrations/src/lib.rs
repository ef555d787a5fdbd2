//! Database migrations, shared unchanged by SQLite (the embedded default) and PostgreSQL.
//!
//! Each migration declares its own identifiers and never imports the entities, so old
//! migrations stay valid when entities change. Every schema change is a new migration; a
//! landed migration is never edited. Column types are chosen to be portable: UUID identifiers,
//! timestamps with time zone (stored in UTC), binary blobs, JSON kept as text, and areas as
//! integer hundredths of a square metre.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_identity;
mod m20261125_000002_property_registry;
mod m20261125_000003_applications;
mod m20261201_000004_signing_contract;
mod m20261201_000005_sms_outbox;
mod m20261201_000006_otp;
mod m20261201_000007_events;
mod m20261201_000008_consents;
mod m20261201_000009_tenants_and_representatives;
mod m20261201_000010_decisions;
mod m20261201_000011_documents;
mod m20261201_000012_front_office;
mod m20261201_000013_certificate_lookups;
mod m20261201_000014_appeals;
mod m20261202_000015_appeal_review;
mod m20261202_000016_event_feed;
mod m20261202_000017_cancelled_decisions;
mod m20261202_000018_event_committed_notice;

/// The PostgreSQL channel on which committed events are announced (migration 000018).
pub use m20261202_000018_event_committed_notice::CHANNEL as EVENT_COMMITTED_CHANNEL;

mod shared;

/// Runs the migrations in order.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_identity::Migration),
            Box::new(m20261125_000002_property_registry::Migration),
            Box::new(m20261125_000003_applications::Migration),
            Box::new(m20261201_000004_signing_contract::Migration),
            Box::new(m20261201_000005_sms_outbox::Migration),
            Box::new(m20261201_000006_otp::Migration),
            Box::new(m20261201_000007_events::Migration),
            Box::new(m20261201_000008_consents::Migration),
            Box::new(m20261201_000009_tenants_and_representatives::Migration),
            Box::new(m20261201_000010_decisions::Migration),
            Box::new(m20261201_000011_documents::Migration),
            Box::new(m20261201_000012_front_office::Migration),
            Box::new(m20261201_000013_certificate_lookups::Migration),
            Box::new(m20261201_000014_appeals::Migration),
            Box::new(m20261202_000015_appeal_review::Migration),
            Box::new(m20261202_000016_event_feed::Migration),
            Box::new(m20261202_000017_cancelled_decisions::Migration),
            Box::new(m20261202_000018_event_committed_notice::Migration),
        ]
    }
}
