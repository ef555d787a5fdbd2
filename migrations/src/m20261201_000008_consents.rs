//! Owners' consents: one row per party whose consent an application needs (an owner who is not
//! the applicant, a co-owning applicant who signed by SMS code, or a hostel's administration),
//! with its deadline and outcome; nothing about a consent is deleted. An application also
//! keeps why, within its ground, it was refused.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Consent {
    Table,
    Id,
    ApplicationId,
    PartyIin,
    PartyBin,
    RoleOids,
    Status,
    Deadline,
    DecidedAt,
    DeclineReason,
    SignatureId,
    CreatedAt,
    LastRemindedAt,
}

#[derive(DeriveIden)]
enum Application {
    Table,
    RefusalReason,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

fn timestamp(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

// The signatures are the trait's, as `async_trait` spells them (it cannot take `'_` here).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Consent::Table)
                    .col(ColumnDef::new(Consent::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Consent::ApplicationId).uuid().not_null())
                    .col(ColumnDef::new(Consent::PartyIin).string_len(12).null())
                    .col(ColumnDef::new(Consent::PartyBin).string_len(12).null())
                    .col(ColumnDef::new(Consent::RoleOids).text().not_null())
                    .col(ColumnDef::new(Consent::Status).string_len(16).not_null())
                    .col(timestamp(Consent::Deadline))
                    .col(
                        ColumnDef::new(Consent::DecidedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(Consent::DeclineReason).text().null())
                    .col(ColumnDef::new(Consent::SignatureId).uuid().null())
                    .col(timestamp(Consent::CreatedAt))
                    .col(
                        ColumnDef::new(Consent::LastRemindedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("ix_consent_application", vec![Consent::ApplicationId]),
            (
                "ix_consent_party_iin",
                vec![Consent::PartyIin, Consent::CreatedAt],
            ),
            (
                "ix_consent_party_bin",
                vec![Consent::PartyBin, Consent::CreatedAt],
            ),
            (
                "ix_consent_status_deadline",
                vec![Consent::Status, Consent::Deadline],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(Consent::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Application::Table)
                    .add_column(
                        ColumnDef::new(Application::RefusalReason)
                            .string_len(32)
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Application::Table)
                    .drop_column(Application::RefusalReason)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Consent::Table).to_owned())
            .await?;
        Ok(())
    }
}
