//! The documents the state holds and the front office: the identity documents and birth
//! certificates the state issued (checked by number, never uploaded); the identity document an
//! officer checked when filing for a citizen present at a front office, and who filed it; and
//! an owner's consent given in person, confirmed by the officer's signature.

use crate::shared::{add_columns, drop_columns, index, uuid_key as id};
use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum StateDocument {
    Table,
    Id,
    Kind,
    Number,
    HolderIin,
    IssuedOn,
    ValidUntil,
    InvalidatedOn,
}

#[derive(DeriveIden)]
enum Application {
    Table,
    IntakeOfficerPersonId,
    IntakeDocument,
}

#[derive(DeriveIden)]
enum Consent {
    Table,
    InPersonDocument,
    ConfirmedByPersonId,
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
                    .table(StateDocument::Table)
                    .col(id(StateDocument::Id))
                    .col(
                        ColumnDef::new(StateDocument::Kind)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StateDocument::Number)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StateDocument::HolderIin)
                            .string_len(12)
                            .not_null(),
                    )
                    .col(ColumnDef::new(StateDocument::IssuedOn).date().not_null())
                    .col(ColumnDef::new(StateDocument::ValidUntil).date().null())
                    .col(ColumnDef::new(StateDocument::InvalidatedOn).date().null())
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_state_document_number",
            StateDocument::Table,
            vec![
                StateDocument::Kind.into_iden(),
                StateDocument::Number.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "ix_state_document_holder",
            StateDocument::Table,
            vec![StateDocument::HolderIin.into_iden()],
            false,
        )
        .await?;
        add_columns(
            manager,
            Application::Table,
            vec![
                ColumnDef::new(Application::IntakeOfficerPersonId)
                    .uuid()
                    .null()
                    .to_owned(),
                ColumnDef::new(Application::IntakeDocument)
                    .text()
                    .null()
                    .to_owned(),
            ],
        )
        .await?;
        add_columns(
            manager,
            Consent::Table,
            vec![
                ColumnDef::new(Consent::InPersonDocument)
                    .text()
                    .null()
                    .to_owned(),
                ColumnDef::new(Consent::ConfirmedByPersonId)
                    .uuid()
                    .null()
                    .to_owned(),
            ],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(
            manager,
            Consent::Table,
            vec![
                Consent::InPersonDocument.into_iden(),
                Consent::ConfirmedByPersonId.into_iden(),
            ],
        )
        .await?;
        drop_columns(
            manager,
            Application::Table,
            vec![
                Application::IntakeOfficerPersonId.into_iden(),
                Application::IntakeDocument.into_iden(),
            ],
        )
        .await?;
        manager
            .drop_table(Table::drop().table(StateDocument::Table).to_owned())
            .await
    }
}
