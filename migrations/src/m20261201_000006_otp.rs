//! One-time passwords: a session says how it was opened (`EDS` or `OTP`), and a stored
//! signature says how it was made and, for a one-time password, the masked phone the code went
//! to. Existing rows were all made with EDS, which the defaults say.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Session {
    Table,
    AuthMethod,
}

#[derive(DeriveIden)]
enum StoredSignature {
    Table,
    Method,
    MaskedPhone,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

// The signatures are the trait's, as `async_trait` spells them (it cannot take `'_` here).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Session::Table)
                    .add_column(
                        ColumnDef::new(Session::AuthMethod)
                            .string_len(8)
                            .not_null()
                            .default("EDS"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StoredSignature::Table)
                    .add_column(
                        ColumnDef::new(StoredSignature::Method)
                            .string_len(8)
                            .not_null()
                            .default("EDS"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StoredSignature::Table)
                    .add_column(
                        ColumnDef::new(StoredSignature::MaskedPhone)
                            .string_len(24)
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
                    .table(StoredSignature::Table)
                    .drop_column(StoredSignature::MaskedPhone)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StoredSignature::Table)
                    .drop_column(StoredSignature::Method)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Session::Table)
                    .drop_column(Session::AuthMethod)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
