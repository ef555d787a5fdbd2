//! The integrators' event feed (issue 17): an integrator's scope, set when its API key is
//! made: the bodies whose events it reads (`scope_bodies`, a JSON list of BINs; `["*"]` for
//! every body) and the event types (`scope_types`, a JSON list; `["*"]` for every type).
//! Integrators made before this migration keep no scope (`[]`): they read no events until an
//! operator makes them a new key with one.

use crate::shared::{add_columns, drop_columns};
use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Integrator {
    Table,
    ScopeBodies,
    ScopeTypes,
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
            Integrator::Table,
            vec![
                ColumnDef::new(Integrator::ScopeBodies)
                    .text()
                    .not_null()
                    .default("[]")
                    .to_owned(),
                ColumnDef::new(Integrator::ScopeTypes)
                    .text()
                    .not_null()
                    .default("[]")
                    .to_owned(),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(
            manager,
            Integrator::Table,
            vec![
                Integrator::ScopeBodies.into_iden(),
                Integrator::ScopeTypes.into_iden(),
            ],
        )
        .await
    }
}
