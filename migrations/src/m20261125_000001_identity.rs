//! People, sign-in challenges, sessions, officers, integrators and stored signatures.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    Iin,
    Surname,
    GivenName,
    Patronymic,
    Phone,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuthChallenge {
    Table,
    Id,
    Payload,
    Origin,
    IssuedAt,
    ExpiresAt,
    ConsumedAt,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    TokenHash,
    PersonId,
    ActingBin,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Officer {
    Table,
    Id,
    Iin,
    BodyBin,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Integrator {
    Table,
    Id,
    Name,
    KeyHash,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum StoredSignature {
    Table,
    Id,
    Purpose,
    SubjectId,
    SignerIin,
    SignerSerial,
    Cms,
    SignedContent,
    Report,
    Valid,
    ReceivedAt,
}

// The signatures are the trait's, as `async_trait` spells them (it cannot take `'_` here).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Person::Table)
                    .col(ColumnDef::new(Person::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Person::Iin).string_len(12).not_null().unique_key())
                    .col(ColumnDef::new(Person::Surname).string().null())
                    .col(ColumnDef::new(Person::GivenName).string().null())
                    .col(ColumnDef::new(Person::Patronymic).string().null())
                    .col(ColumnDef::new(Person::Phone).string_len(16).null())
                    .col(ColumnDef::new(Person::CreatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuthChallenge::Table)
                    .col(ColumnDef::new(AuthChallenge::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AuthChallenge::Payload).blob().not_null())
                    .col(ColumnDef::new(AuthChallenge::Origin).string().not_null())
                    .col(ColumnDef::new(AuthChallenge::IssuedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(AuthChallenge::ExpiresAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(AuthChallenge::ConsumedAt).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Session::Table)
                    .col(ColumnDef::new(Session::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Session::TokenHash).blob().not_null().unique_key())
                    .col(ColumnDef::new(Session::PersonId).uuid().not_null())
                    .col(ColumnDef::new(Session::ActingBin).string_len(12).null())
                    .col(ColumnDef::new(Session::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Session::ExpiresAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Session::RevokedAt).timestamp_with_time_zone().null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_session_person")
                            .from(Session::Table, Session::PersonId)
                            .to(Person::Table, Person::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Officer::Table)
                    .col(ColumnDef::new(Officer::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Officer::Iin).string_len(12).not_null())
                    .col(ColumnDef::new(Officer::BodyBin).string_len(12).not_null())
                    .col(ColumnDef::new(Officer::CreatedAt).timestamp_with_time_zone().not_null())
                    .index(
                        Index::create()
                            .name("ux_officer_iin_body")
                            .col(Officer::Iin)
                            .col(Officer::BodyBin)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Integrator::Table)
                    .col(ColumnDef::new(Integrator::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Integrator::Name).string().not_null())
                    .col(ColumnDef::new(Integrator::KeyHash).blob().not_null().unique_key())
                    .col(ColumnDef::new(Integrator::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Integrator::RevokedAt).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StoredSignature::Table)
                    .col(ColumnDef::new(StoredSignature::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(StoredSignature::Purpose).string_len(32).not_null())
                    .col(ColumnDef::new(StoredSignature::SubjectId).uuid().not_null())
                    .col(ColumnDef::new(StoredSignature::SignerIin).string_len(12).null())
                    .col(ColumnDef::new(StoredSignature::SignerSerial).string_len(64).null())
                    .col(ColumnDef::new(StoredSignature::Cms).blob().not_null())
                    .col(ColumnDef::new(StoredSignature::SignedContent).blob().not_null())
                    .col(ColumnDef::new(StoredSignature::Report).text().not_null())
                    .col(ColumnDef::new(StoredSignature::Valid).boolean().not_null())
                    .col(ColumnDef::new(StoredSignature::ReceivedAt).timestamp_with_time_zone().not_null())
                    .index(
                        Index::create()
                            .name("ix_stored_signature_subject")
                            .col(StoredSignature::SubjectId),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            StoredSignature::Table.into_iden(),
            Integrator::Table.into_iden(),
            Officer::Table.into_iden(),
            Session::Table.into_iden(),
            AuthChallenge::Table.into_iden(),
            Person::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
