//! Appeals (the administrative procedure, issue 16): the appeal with its receipt, the deadlines
//! computed on the working-day calendar when their event happened (each with the calendar
//! version it was counted on), its history, and the administrative bodies (who hears a
//! complaint against whom). Statuses and kinds are text, so that the later parts (review,
//! referral, decision, deemed refusal) add values without a migration.

use crate::shared::{index, timestamp, uuid_key as id};
use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Appeal {
    Table,
    Id,
    Number,
    ApplicantPersonId,
    Kind,
    FullName,
    Iin,
    Bin,
    PostalAddress,
    BodyBin,
    Essence,
    #[sea_orm(iden = "appeal_date")]
    DateOfFiling,
    ApplicationId,
    Status,
    Version,
    CreatedAt,
    ReceivedAt,
    ReceiptNumber,
    ReceiverName,
    ReceiverPosition,
    Missing,
    SignatureId,
}

#[derive(DeriveIden)]
enum AppealDeadline {
    Table,
    Id,
    AppealId,
    Kind,
    StartedAt,
    DueAt,
    MetAt,
    Provisional,
    CalendarVersion,
    ComputedOn,
}

#[derive(DeriveIden)]
enum AppealHistory {
    Table,
    Id,
    AppealId,
    Version,
    FromStatus,
    ToStatus,
    ActorPersonId,
    ActorRole,
    Reason,
    At,
}

#[derive(DeriveIden)]
enum AdministrativeBody {
    Table,
    Bin,
    Name,
    ParentBin,
}

/// The demo body (the demo officers', `SERVICE_BODY_BIN` in development) and its parent. The
/// parent's BIN is made up (a valid check digit in the demo data's style), not a real one.
const DEMO_BODIES: [(&str, &str, Option<&str>); 2] = [
    (
        "940140000048",
        "Министерство внутренних дел Республики Казахстан",
        None,
    ),
    (
        "940140000385",
        "Департамент миграционной службы",
        Some("940140000048"),
    ),
];

#[derive(DeriveMigrationName)]
pub struct Migration;

// The signatures are the trait's, as `async_trait` spells them (it cannot take `'_` here).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let text = |c: Appeal| ColumnDef::new(c).text().not_null().to_owned();
        let optional = |c: Appeal| ColumnDef::new(c).text().null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(AdministrativeBody::Table)
                    .col(
                        ColumnDef::new(AdministrativeBody::Bin)
                            .string_len(12)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(AdministrativeBody::Name).text().not_null())
                    .col(
                        ColumnDef::new(AdministrativeBody::ParentBin)
                            .string_len(12)
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        let mut seed = Query::insert();
        seed.into_table(AdministrativeBody::Table).columns([
            AdministrativeBody::Bin,
            AdministrativeBody::Name,
            AdministrativeBody::ParentBin,
        ]);
        for (bin, name, parent) in DEMO_BODIES {
            seed.values_panic([bin.into(), name.into(), parent.map(str::to_owned).into()]);
        }
        manager.exec_stmt(seed.to_owned()).await?;
        manager
            .create_table(
                Table::create()
                    .table(Appeal::Table)
                    .col(id(Appeal::Id))
                    .col(text(Appeal::Number))
                    .col(ColumnDef::new(Appeal::ApplicantPersonId).uuid().not_null())
                    .col(text(Appeal::Kind))
                    .col(text(Appeal::FullName))
                    .col(optional(Appeal::Iin))
                    .col(optional(Appeal::Bin))
                    .col(optional(Appeal::PostalAddress))
                    .col(text(Appeal::BodyBin))
                    .col(text(Appeal::Essence))
                    .col(ColumnDef::new(Appeal::DateOfFiling).date().not_null())
                    .col(ColumnDef::new(Appeal::ApplicationId).uuid().null())
                    .col(text(Appeal::Status))
                    .col(ColumnDef::new(Appeal::Version).integer().not_null())
                    .col(timestamp(Appeal::CreatedAt))
                    .col(
                        ColumnDef::new(Appeal::ReceivedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(optional(Appeal::ReceiptNumber))
                    .col(optional(Appeal::ReceiverName))
                    .col(optional(Appeal::ReceiverPosition))
                    .col(text(Appeal::Missing))
                    .col(ColumnDef::new(Appeal::SignatureId).uuid().null())
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_appeal_number",
            Appeal::Table,
            vec![Appeal::Number.into_iden()],
            true,
        )
        .await?;
        index(
            manager,
            "ux_appeal_receipt_number",
            Appeal::Table,
            vec![Appeal::ReceiptNumber.into_iden()],
            true,
        )
        .await?;
        index(
            manager,
            "ix_appeal_applicant",
            Appeal::Table,
            vec![
                Appeal::ApplicantPersonId.into_iden(),
                Appeal::CreatedAt.into_iden(),
                Appeal::Id.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "ix_appeal_status",
            Appeal::Table,
            vec![Appeal::Status.into_iden()],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(AppealDeadline::Table)
                    .col(id(AppealDeadline::Id))
                    .col(ColumnDef::new(AppealDeadline::AppealId).uuid().not_null())
                    .col(ColumnDef::new(AppealDeadline::Kind).text().not_null())
                    .col(timestamp(AppealDeadline::StartedAt))
                    .col(timestamp(AppealDeadline::DueAt))
                    .col(
                        ColumnDef::new(AppealDeadline::MetAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(AppealDeadline::Provisional)
                            .boolean()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AppealDeadline::CalendarVersion)
                            .text()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AppealDeadline::ComputedOn).text().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(AppealDeadline::Table, AppealDeadline::AppealId)
                            .to(Appeal::Table, Appeal::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_appeal_deadline_appeal",
            AppealDeadline::Table,
            vec![AppealDeadline::AppealId.into_iden()],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(AppealHistory::Table)
                    .col(id(AppealHistory::Id))
                    .col(ColumnDef::new(AppealHistory::AppealId).uuid().not_null())
                    .col(ColumnDef::new(AppealHistory::Version).integer().not_null())
                    .col(ColumnDef::new(AppealHistory::FromStatus).text().null())
                    .col(ColumnDef::new(AppealHistory::ToStatus).text().not_null())
                    .col(ColumnDef::new(AppealHistory::ActorPersonId).uuid().null())
                    .col(ColumnDef::new(AppealHistory::ActorRole).text().not_null())
                    .col(ColumnDef::new(AppealHistory::Reason).text().null())
                    .col(timestamp(AppealHistory::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AppealHistory::Table, AppealHistory::AppealId)
                            .to(Appeal::Table, Appeal::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_appeal_history_appeal",
            AppealHistory::Table,
            vec![
                AppealHistory::AppealId.into_iden(),
                AppealHistory::Version.into_iden(),
            ],
            true,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AppealHistory::Table.into_iden(),
            AppealDeadline::Table.into_iden(),
            Appeal::Table.into_iden(),
            AdministrativeBody::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
