//! `certificateInfo`'s rolling hourly limit: one row per check, by a person or an integrator,
//! counted in the database so that the limit holds across instances. Only the rolling window
//! is kept (the check deletes its caller's older rows); nothing of the certificate is stored.

use crate::shared::{index, timestamp, uuid_key as id};
use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum CertificateLookup {
    Table,
    Id,
    PersonId,
    IntegratorId,
    At,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

// The signatures are the trait's, as `async_trait` spells them (it cannot take `'_` here).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CertificateLookup::Table)
                    .col(id(CertificateLookup::Id))
                    .col(ColumnDef::new(CertificateLookup::PersonId).uuid().null())
                    .col(
                        ColumnDef::new(CertificateLookup::IntegratorId)
                            .uuid()
                            .null(),
                    )
                    .col(timestamp(CertificateLookup::At))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_certificate_lookup_person_at",
            CertificateLookup::Table,
            vec![
                CertificateLookup::PersonId.into_iden(),
                CertificateLookup::At.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "ix_certificate_lookup_integrator_at",
            CertificateLookup::Table,
            vec![
                CertificateLookup::IntegratorId.into_iden(),
                CertificateLookup::At.into_iden(),
            ],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CertificateLookup::Table).to_owned())
            .await
    }
}
