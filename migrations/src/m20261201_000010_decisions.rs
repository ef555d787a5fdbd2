//! Deciding and registering: an application's channel, deciding body, service clock and
//! officer's claim; the results of the checks that decide it; the decision (automatic, or an
//! officer's signed one); the registration record and the population registry's confirmation;
//! and the audit of officers opening other persons' restricted data.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Application {
    Table,
    Channel,
    BodyBin,
    ServiceClockStartedAt,
    ServiceDeadline,
    DecidedAt,
    ClaimedBy,
    ClaimExpiresAt,
    ReviewReason,
}

#[derive(DeriveIden)]
enum CheckResult {
    Table,
    Id,
    ApplicationId,
    RunId,
    Check,
    Outcome,
    Detail,
    CheckedAt,
}

#[derive(DeriveIden)]
enum Decision {
    Table,
    Id,
    ApplicationId,
    Outcome,
    Ground,
    Reason,
    Automatic,
    OfficerPersonId,
    BodyBin,
    SignatureId,
    DecidedAt,
}

#[derive(DeriveIden)]
enum Registration {
    Table,
    Id,
    ApplicationId,
    Iin,
    Kind,
    AddressRka,
    Address,
    StartsOn,
    EndsOn,
    EndedOn,
    EndReason,
    RegistryReference,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PopulationRegistryEntry {
    Table,
    ApplicationId,
    Iin,
    Kind,
    AddressRka,
    Reference,
    RegisteredAt,
}

#[derive(DeriveIden)]
enum RestrictedDataAccess {
    Table,
    Id,
    OfficerPersonId,
    BodyBin,
    SubjectIin,
    ApplicationId,
    Purpose,
    Allowed,
    At,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

fn id(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .uuid()
        .not_null()
        .primary_key()
        .to_owned()
}

fn timestamp(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    columns: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    if unique {
        index.unique();
    }
    manager.create_index(index.to_owned()).await
}

// The signatures are the trait's, as `async_trait` spells them (it cannot take `'_` here).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for column in [
            ColumnDef::new(Application::Channel)
                .string_len(16)
                .not_null()
                .default("PORTAL")
                .to_owned(),
            ColumnDef::new(Application::BodyBin)
                .string_len(12)
                .null()
                .to_owned(),
            ColumnDef::new(Application::ServiceClockStartedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(Application::ServiceDeadline)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(Application::DecidedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(Application::ClaimedBy)
                .uuid()
                .null()
                .to_owned(),
            ColumnDef::new(Application::ClaimExpiresAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(Application::ReviewReason)
                .string_len(32)
                .null()
                .to_owned(),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Application::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        // The officers' queue is read by body and service deadline.
        index(
            manager,
            "ix_application_review_queue",
            Application::Table,
            vec![
                Application::BodyBin.into_iden(),
                Application::ServiceDeadline.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(CheckResult::Table)
                    .col(id(CheckResult::Id))
                    .col(ColumnDef::new(CheckResult::ApplicationId).uuid().not_null())
                    .col(ColumnDef::new(CheckResult::RunId).uuid().not_null())
                    .col(ColumnDef::new(CheckResult::Check).string_len(40).not_null())
                    .col(
                        ColumnDef::new(CheckResult::Outcome)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(CheckResult::Detail).text().not_null())
                    .col(timestamp(CheckResult::CheckedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_check_result_application",
            CheckResult::Table,
            vec![
                CheckResult::ApplicationId.into_iden(),
                CheckResult::CheckedAt.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Decision::Table)
                    .col(id(Decision::Id))
                    .col(ColumnDef::new(Decision::ApplicationId).uuid().not_null())
                    .col(ColumnDef::new(Decision::Outcome).string_len(16).not_null())
                    .col(ColumnDef::new(Decision::Ground).string_len(40).null())
                    .col(ColumnDef::new(Decision::Reason).text().null())
                    .col(ColumnDef::new(Decision::Automatic).boolean().not_null())
                    .col(ColumnDef::new(Decision::OfficerPersonId).uuid().null())
                    .col(ColumnDef::new(Decision::BodyBin).string_len(12).null())
                    .col(ColumnDef::new(Decision::SignatureId).uuid().null())
                    .col(timestamp(Decision::DecidedAt))
                    .to_owned(),
            )
            .await?;
        // One decision per application: two racing decisions cannot both be stored.
        index(
            manager,
            "ux_decision_application",
            Decision::Table,
            vec![Decision::ApplicationId.into_iden()],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Registration::Table)
                    .col(id(Registration::Id))
                    .col(
                        ColumnDef::new(Registration::ApplicationId)
                            .uuid()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Registration::Iin).string_len(12).not_null())
                    .col(ColumnDef::new(Registration::Kind).string_len(16).not_null())
                    .col(
                        ColumnDef::new(Registration::AddressRka)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Registration::Address).text().not_null())
                    .col(ColumnDef::new(Registration::StartsOn).date().not_null())
                    .col(ColumnDef::new(Registration::EndsOn).date().null())
                    .col(ColumnDef::new(Registration::EndedOn).date().null())
                    .col(
                        ColumnDef::new(Registration::EndReason)
                            .string_len(16)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Registration::RegistryReference)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(timestamp(Registration::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_registration_application",
            Registration::Table,
            vec![Registration::ApplicationId.into_iden()],
            true,
        )
        .await?;
        index(
            manager,
            "ix_registration_iin",
            Registration::Table,
            vec![
                Registration::Iin.into_iden(),
                Registration::StartsOn.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(PopulationRegistryEntry::Table)
                    .col(id(PopulationRegistryEntry::ApplicationId))
                    .col(
                        ColumnDef::new(PopulationRegistryEntry::Iin)
                            .string_len(12)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PopulationRegistryEntry::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PopulationRegistryEntry::AddressRka)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PopulationRegistryEntry::Reference)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(timestamp(PopulationRegistryEntry::RegisteredAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RestrictedDataAccess::Table)
                    .col(id(RestrictedDataAccess::Id))
                    .col(
                        ColumnDef::new(RestrictedDataAccess::OfficerPersonId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RestrictedDataAccess::BodyBin)
                            .string_len(12)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RestrictedDataAccess::SubjectIin)
                            .string_len(12)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RestrictedDataAccess::ApplicationId)
                            .uuid()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(RestrictedDataAccess::Purpose)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RestrictedDataAccess::Allowed)
                            .boolean()
                            .not_null(),
                    )
                    .col(timestamp(RestrictedDataAccess::At))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_restricted_data_access_subject",
            RestrictedDataAccess::Table,
            vec![
                RestrictedDataAccess::SubjectIin.into_iden(),
                RestrictedDataAccess::At.into_iden(),
            ],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RestrictedDataAccess::Table.into_iden(),
            PopulationRegistryEntry::Table.into_iden(),
            Registration::Table.into_iden(),
            Decision::Table.into_iden(),
            CheckResult::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ix_application_review_queue")
                    .table(Application::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Application::ReviewReason,
            Application::ClaimExpiresAt,
            Application::ClaimedBy,
            Application::DecidedAt,
            Application::ServiceDeadline,
            Application::ServiceClockStartedAt,
            Application::BodyBin,
            Application::Channel,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Application::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
