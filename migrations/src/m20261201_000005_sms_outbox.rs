//! The development SMS outbox: what the development profile "sends" instead of an SMS, read by
//! `registration-api dev-outbox`. Rows are deleted once their code has expired, so the index is
//! on `expires_at`; the command lists by phone.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum SmsOutbox {
    Table,
    Id,
    Phone,
    Text,
    Code,
    SentAt,
    ExpiresAt,
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
                    .table(SmsOutbox::Table)
                    .col(
                        ColumnDef::new(SmsOutbox::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SmsOutbox::Phone).string_len(16).not_null())
                    .col(ColumnDef::new(SmsOutbox::Text).text().not_null())
                    .col(ColumnDef::new(SmsOutbox::Code).string_len(32).null())
                    .col(timestamp(SmsOutbox::SentAt))
                    .col(timestamp(SmsOutbox::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sms_outbox_expires_at")
                    .table(SmsOutbox::Table)
                    .col(SmsOutbox::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sms_outbox_phone_sent_at")
                    .table(SmsOutbox::Table)
                    .col(SmsOutbox::Phone)
                    .col(SmsOutbox::SentAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SmsOutbox::Table).to_owned())
            .await?;
        Ok(())
    }
}
