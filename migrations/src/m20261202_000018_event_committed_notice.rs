//! A notice when events commit (issue 17), on PostgreSQL: a statement trigger on `event` runs
//! `pg_notify('event_committed', '')`, which PostgreSQL delivers to every listening session
//! only when the inserting transaction commits (and never when it rolls back), whoever wrote
//! the rows: a request on any instance, a background task, an operator's command or `psql`.
//! Each instance's relay listens and numbers the events at once instead of on its next tick.
//! SQLite has no such notice (and one process): this migration leaves it unchanged.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

/// The channel; `api`'s relay listens on the same name.
pub const CHANNEL: &str = "event_committed";

#[derive(DeriveMigrationName)]
pub struct Migration;

// The signatures are the trait's, as `async_trait` spells them (it cannot take `'_` here).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        // NOTIFY folds identical notices of one transaction into one, so a transaction that
        // records many events wakes each relay once.
        db.execute_unprepared(&format!(
            "CREATE FUNCTION event_committed_notice() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$"
        ))
        .await?;
        db.execute_unprepared(
            "CREATE TRIGGER event_committed_notice AFTER INSERT ON event \
             FOR EACH STATEMENT EXECUTE FUNCTION event_committed_notice()",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared("DROP TRIGGER event_committed_notice ON event")
            .await?;
        db.execute_unprepared("DROP FUNCTION event_committed_notice()")
            .await?;
        Ok(())
    }
}
