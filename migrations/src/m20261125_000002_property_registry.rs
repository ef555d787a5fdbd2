//! The local mirror of the property registry: real-estate objects and their owners.
//!
//! Persons (the population registry and the citizens' mobile database) already have their table,
//! created by the first migration.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RealEstateObject {
    Table,
    Id,
    Rka,
    Address,
    AreaHundredths,
    Kind,
    AdministrationBin,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RealEstateOwner {
    Table,
    Id,
    ObjectId,
    OwnerIin,
    OwnerBin,
    ShareNumerator,
    ShareDenominator,
}

// The signatures are the trait's, as `async_trait` spells them (it cannot take `'_` here).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RealEstateObject::Table)
                    .col(
                        ColumnDef::new(RealEstateObject::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(RealEstateObject::Rka)
                            .string_len(20)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(RealEstateObject::Address).text().not_null())
                    // Integer hundredths of a square metre: exact on both databases, where a
                    // float would make the owner-and-area check depend on rounding.
                    .col(
                        ColumnDef::new(RealEstateObject::AreaHundredths)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RealEstateObject::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RealEstateObject::AdministrationBin)
                            .string_len(12)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(RealEstateObject::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RealEstateObject::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RealEstateOwner::Table)
                    .col(
                        ColumnDef::new(RealEstateOwner::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(RealEstateOwner::ObjectId).uuid().not_null())
                    // Exactly one of the two is set (a person or an organisation); the importer
                    // enforces it, as a portable CHECK constraint is not worth the dialect risk.
                    .col(
                        ColumnDef::new(RealEstateOwner::OwnerIin)
                            .string_len(12)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(RealEstateOwner::OwnerBin)
                            .string_len(12)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(RealEstateOwner::ShareNumerator)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RealEstateOwner::ShareDenominator)
                            .integer()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_real_estate_owner_object")
                            .from(RealEstateOwner::Table, RealEstateOwner::ObjectId)
                            .to(RealEstateObject::Table, RealEstateObject::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Indexes are separate statements: SQLite has no inline index syntax. There is no
        // unique index on (object, IIN, BIN): with one of the two always NULL it would not be
        // unique on either database (NULLs are distinct), so the importer refuses duplicates.
        manager
            .create_index(
                Index::create()
                    .name("ix_real_estate_owner_object")
                    .table(RealEstateOwner::Table)
                    .col(RealEstateOwner::ObjectId)
                    .to_owned(),
            )
            .await?;
        // The owner check looks objects up by owner IIN (with the area).
        manager
            .create_index(
                Index::create()
                    .name("ix_real_estate_owner_iin")
                    .table(RealEstateOwner::Table)
                    .col(RealEstateOwner::OwnerIin)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RealEstateOwner::Table.into_iden(),
            RealEstateObject::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
