//! One signing contract for every subject, content-addressed evidence, idempotency digests and
//! the property-lookup audit.
//!
//! - `signing_request` becomes general: a subject (kind, id, version) instead of an application,
//!   and the key requirements (purpose, IIN, BIN, role OIDs) and allowed methods it was issued
//!   with. SQLite cannot change a column's nullability, so the table is rebuilt and its rows
//!   copied (every old row signs an application with an individual's signing key by EDS).
//! - `evidence`: what a verification relied on (CRLs today; OCSP responses and timestamp tokens
//!   later), stored once under its SHA-256 and linked to each signature by `signature_evidence`.
//! - `application.idempotency_digest`: the digest of the request that created a draft, so a
//!   replay with other content is told apart from a retry.
//! - `property_lookup`: every `propertyLookup`, for the rate limit (counted here so that it holds
//!   across instances) and the audit.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum SigningRequest {
    Table,
    Id,
    SubjectKind,
    SubjectId,
    SubjectVersion,
    Payload,
    Text,
    Digest,
    KeyPurpose,
    ExpectedIin,
    ExpectedBin,
    RoleOids,
    AllowedMethods,
    CreatedAt,
    ExpiresAt,
    VoidedAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum SigningRequestV1 {
    Table,
}

#[derive(DeriveIden)]
enum Evidence {
    Table,
    Digest,
    Kind,
    Bytes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SignatureEvidence {
    Table,
    SignatureId,
    Digest,
}

#[derive(DeriveIden)]
enum StoredSignature {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Application {
    Table,
    IdempotencyDigest,
}

#[derive(DeriveIden)]
enum PropertyLookup {
    Table,
    Id,
    PersonId,
    At,
    ByOwner,
    OwnerIinMasked,
    Found,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

fn timestamp(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn nullable_timestamp(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

// The signatures are the trait's, as `async_trait` spells them (it cannot take `'_` here).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .rename_table(
                Table::rename()
                    .table(SigningRequest::Table, SigningRequestV1::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SigningRequest::Table)
                    .col(
                        ColumnDef::new(SigningRequest::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(SigningRequest::SubjectKind)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(SigningRequest::SubjectId).uuid().not_null())
                    .col(
                        ColumnDef::new(SigningRequest::SubjectVersion)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(SigningRequest::Payload).blob().not_null())
                    .col(ColumnDef::new(SigningRequest::Text).text().not_null())
                    .col(
                        ColumnDef::new(SigningRequest::Digest)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SigningRequest::KeyPurpose)
                            .string_len(8)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SigningRequest::ExpectedIin)
                            .string_len(12)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SigningRequest::ExpectedBin)
                            .string_len(12)
                            .null(),
                    )
                    .col(ColumnDef::new(SigningRequest::RoleOids).text().not_null())
                    .col(
                        ColumnDef::new(SigningRequest::AllowedMethods)
                            .text()
                            .not_null(),
                    )
                    .col(timestamp(SigningRequest::CreatedAt))
                    .col(timestamp(SigningRequest::ExpiresAt))
                    .col(nullable_timestamp(SigningRequest::VoidedAt))
                    .col(nullable_timestamp(SigningRequest::UsedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO signing_request (id, subject_kind, subject_id, subject_version, \
                 payload, text, digest, key_purpose, expected_iin, expected_bin, role_oids, \
                 allowed_methods, created_at, expires_at, voided_at, used_at) \
                 SELECT id, 'APPLICATION', application_id, application_version, payload, text, \
                 digest, 'SIGN', expected_iin, NULL, '[]', '[\"EDS\"]', created_at, expires_at, \
                 voided_at, used_at FROM signing_request_v1",
            )
            .await?;
        manager
            .drop_table(Table::drop().table(SigningRequestV1::Table).to_owned())
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_signing_request_subject")
                    .table(SigningRequest::Table)
                    .col(SigningRequest::SubjectId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Evidence::Table)
                    .col(
                        ColumnDef::new(Evidence::Digest)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Evidence::Kind).string_len(24).not_null())
                    .col(ColumnDef::new(Evidence::Bytes).blob().not_null())
                    .col(timestamp(Evidence::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignatureEvidence::Table)
                    .col(
                        ColumnDef::new(SignatureEvidence::SignatureId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SignatureEvidence::Digest)
                            .string_len(64)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(SignatureEvidence::SignatureId)
                            .col(SignatureEvidence::Digest),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_signature_evidence_signature")
                            .from(SignatureEvidence::Table, SignatureEvidence::SignatureId)
                            .to(StoredSignature::Table, StoredSignature::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_signature_evidence_evidence")
                            .from(SignatureEvidence::Table, SignatureEvidence::Digest)
                            .to(Evidence::Table, Evidence::Digest),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(Application::Table)
                    .add_column(
                        ColumnDef::new(Application::IdempotencyDigest)
                            .string_len(64)
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PropertyLookup::Table)
                    .col(
                        ColumnDef::new(PropertyLookup::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(PropertyLookup::PersonId).uuid().not_null())
                    .col(timestamp(PropertyLookup::At))
                    .col(ColumnDef::new(PropertyLookup::ByOwner).boolean().not_null())
                    .col(
                        ColumnDef::new(PropertyLookup::OwnerIinMasked)
                            .string_len(12)
                            .null(),
                    )
                    .col(ColumnDef::new(PropertyLookup::Found).boolean().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_property_lookup_person")
                            .from(PropertyLookup::Table, PropertyLookup::PersonId)
                            .to(Person::Table, Person::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_property_lookup_person_at")
                    .table(PropertyLookup::Table)
                    .col(PropertyLookup::PersonId)
                    .col(PropertyLookup::At)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PropertyLookup::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Application::Table)
                    .drop_column(Application::IdempotencyDigest)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(SignatureEvidence::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Evidence::Table).to_owned())
            .await?;
        // Back to the application-only shape: requests of other subjects cannot be kept.
        manager
            .rename_table(
                Table::rename()
                    .table(SigningRequest::Table, SigningRequestV1::Table)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE signing_request (id uuid NOT NULL PRIMARY KEY, application_id uuid NOT NULL, \
             application_version integer NOT NULL, payload bytea NOT NULL, text text NOT NULL, \
             digest varchar(64) NOT NULL, expected_iin varchar(12) NOT NULL, \
             created_at timestamp with time zone NOT NULL, expires_at timestamp with time zone NOT NULL, \
             voided_at timestamp with time zone NULL, used_at timestamp with time zone NULL)"
                .replace(
                    "bytea",
                    if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Sqlite {
                        "blob"
                    } else {
                        "bytea"
                    },
                )
                .as_str(),
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO signing_request SELECT id, subject_id, subject_version, payload, text, \
             digest, expected_iin, created_at, expires_at, voided_at, used_at \
             FROM signing_request_v1 WHERE subject_kind = 'APPLICATION' AND expected_iin IS NOT NULL",
        )
        .await?;
        manager
            .drop_table(Table::drop().table(SigningRequestV1::Table).to_owned())
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_signing_request_application")
                    .table(SigningRequest::Table)
                    .col(Alias::new("application_id"))
                    .to_owned(),
            )
            .await
    }
}
