//! Uploaded documents: what the state cannot hold (a passport or certificate of return of a
//! citizen arriving from abroad, the former country's de-registration document, a certificate of
//! citizenship of that country). The bytes live in a content-addressed directory, named by their
//! SHA-256; a row says which application they belong to and what they are. Rows are never
//! deleted: a deleted document keeps its row with `deleted_at` set.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Document {
    Table,
    Id,
    ApplicationId,
    Kind,
    FileName,
    ContentType,
    Size,
    Sha256,
    UploadedBy,
    UploadedAt,
    DeletedAt,
    DeletedBy,
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
                    .table(Document::Table)
                    .col(ColumnDef::new(Document::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Document::ApplicationId).uuid().not_null())
                    .col(ColumnDef::new(Document::Kind).string_len(32).not_null())
                    .col(
                        ColumnDef::new(Document::FileName)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Document::ContentType)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Document::Size).big_integer().not_null())
                    .col(ColumnDef::new(Document::Sha256).string_len(64).not_null())
                    .col(ColumnDef::new(Document::UploadedBy).uuid().not_null())
                    .col(
                        ColumnDef::new(Document::UploadedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Document::DeletedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(Document::DeletedBy).uuid().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_document_application")
                    .table(Document::Table)
                    .col(Document::ApplicationId)
                    .col(Document::UploadedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Document::Table).to_owned())
            .await?;
        Ok(())
    }
}
