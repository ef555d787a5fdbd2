//! The database: one connection pool, migrated at start-up. SQLite (the embedded default) and
//! PostgreSQL run the same migrations.

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// Opens the pool for `url`.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    // SQL statements are logged at debug level only: they can carry IINs as parameters.
    options.sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // SQLite serialises writers; one connection avoids "database is locked" under load.
        options.max_connections(1);
    } else {
        options.max_connections(20);
    }
    Database::connect(options).await
}

/// Applies every pending migration; returns how many there were.
pub async fn migrate(db: &DatabaseConnection) -> Result<usize, DbErr> {
    let pending = Migrator::get_pending_migrations(db).await?.len();
    Migrator::up(db, None).await?;
    Ok(pending)
}
