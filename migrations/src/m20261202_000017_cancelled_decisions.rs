//! A decision a complaint's decision cancelled (issue 16): kept, marked `cancelled_at`, so that
//! the reopened application can be decided again. One standing decision per application is
//! still all the database admits (a partial unique index: two racing decisions cannot both
//! stand), on PostgreSQL and SQLite alike.

use crate::shared::{add_columns, drop_columns};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveIden)]
enum Decision {
    Table,
    ApplicationId,
    CancelledAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

// The signatures are the trait's, as `async_trait` spells them (it cannot take `'_` here).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(
            manager,
            Decision::Table,
            vec![
                ColumnDef::new(Decision::CancelledAt)
                    .timestamp_with_time_zone()
                    .null()
                    .to_owned(),
            ],
        )
        .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ux_decision_application")
                    .table(Decision::Table)
                    .to_owned(),
            )
            .await?;
        // sea-query builds no partial index: the statement is the same on both backends.
        manager
            .get_connection()
            .execute_unprepared(
                r#"CREATE UNIQUE INDEX "ux_decision_standing" ON "decision" ("application_id") WHERE "cancelled_at" IS NULL"#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(r#"DROP INDEX "ux_decision_standing""#)
            .await?;
        // The old shape holds one decision per application: the cancelled ones go.
        db.execute_unprepared(r#"DELETE FROM "decision" WHERE "cancelled_at" IS NOT NULL"#)
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_decision_application")
                    .table(Decision::Table)
                    .col(Decision::ApplicationId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        drop_columns(
            manager,
            Decision::Table,
            vec![Decision::CancelledAt.into_iden()],
        )
        .await
    }
}
