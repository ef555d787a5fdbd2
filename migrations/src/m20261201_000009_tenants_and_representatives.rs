//! Who else may consent: the tenants of state or municipal rental housing (with the household
//! named in their lease), the legal representatives of minors and incapacitated persons, and
//! attorneys under notarised powers of attorney; the organisations whose administrations
//! consent for their hostels, with the role OIDs their keys may hold. A consent records who
//! signed it and under what authority. A submitted application counts the owner checks a
//! registry did not answer, and when to ask again (backoff).

use crate::shared::{add_columns, drop_columns, index};
use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum RealEstateTenant {
    Table,
    Id,
    ObjectId,
    Iin,
    Household,
}

#[derive(DeriveIden)]
enum RealEstateObject {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Bin,
    Name,
    ConsentRoleOids,
}

#[derive(DeriveIden)]
enum LegalRepresentative {
    Table,
    Id,
    PrincipalIin,
    RepresentativeIin,
    Basis,
}

#[derive(DeriveIden)]
enum PowerOfAttorney {
    Table,
    Id,
    Number,
    IssuedOn,
    ValidUntil,
    PrincipalIin,
    AttorneyIin,
    RevokedOn,
}

#[derive(DeriveIden)]
enum Consent {
    Table,
    SignerIin,
    Authority,
    AuthorityNumber,
    AuthorityDate,
}

#[derive(DeriveIden)]
enum Application {
    Table,
    OwnerCheckAttempts,
    OwnerCheckNextAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

fn iin(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).string_len(12).not_null().to_owned()
}

// The signatures are the trait's, as `async_trait` spells them (it cannot take `'_` here).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RealEstateTenant::Table)
                    .col(
                        ColumnDef::new(RealEstateTenant::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(RealEstateTenant::ObjectId).uuid().not_null())
                    .col(iin(RealEstateTenant::Iin))
                    // The IINs of the household named in the lease, as a JSON array.
                    .col(
                        ColumnDef::new(RealEstateTenant::Household)
                            .text()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_real_estate_tenant_object")
                            .from(RealEstateTenant::Table, RealEstateTenant::ObjectId)
                            .to(RealEstateObject::Table, RealEstateObject::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_real_estate_tenant_object_iin",
            RealEstateTenant::Table,
            vec![
                RealEstateTenant::ObjectId.into_iden(),
                RealEstateTenant::Iin.into_iden(),
            ],
            true,
        )
        .await?;
        // The owner (tenant) check looks objects up by the tenant's IIN (with the area).
        index(
            manager,
            "ix_real_estate_tenant_iin",
            RealEstateTenant::Table,
            vec![RealEstateTenant::Iin.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Organisation::Table)
                    .col(
                        ColumnDef::new(Organisation::Bin)
                            .string_len(12)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Organisation::Name).text().not_null())
                    // The role OIDs a key of its administration may hold to consent, as a JSON
                    // array.
                    .col(
                        ColumnDef::new(Organisation::ConsentRoleOids)
                            .text()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LegalRepresentative::Table)
                    .col(
                        ColumnDef::new(LegalRepresentative::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(iin(LegalRepresentative::PrincipalIin))
                    .col(iin(LegalRepresentative::RepresentativeIin))
                    .col(
                        ColumnDef::new(LegalRepresentative::Basis)
                            .string_len(16)
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_legal_representative_pair",
            LegalRepresentative::Table,
            vec![
                LegalRepresentative::PrincipalIin.into_iden(),
                LegalRepresentative::RepresentativeIin.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "ix_legal_representative_representative",
            LegalRepresentative::Table,
            vec![LegalRepresentative::RepresentativeIin.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(PowerOfAttorney::Table)
                    .col(
                        ColumnDef::new(PowerOfAttorney::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(PowerOfAttorney::Number)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(PowerOfAttorney::IssuedOn).date().not_null())
                    .col(
                        ColumnDef::new(PowerOfAttorney::ValidUntil)
                            .date()
                            .not_null(),
                    )
                    .col(iin(PowerOfAttorney::PrincipalIin))
                    .col(iin(PowerOfAttorney::AttorneyIin))
                    .col(ColumnDef::new(PowerOfAttorney::RevokedOn).date().null())
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_power_of_attorney_number",
            PowerOfAttorney::Table,
            vec![PowerOfAttorney::Number.into_iden()],
            true,
        )
        .await?;
        index(
            manager,
            "ix_power_of_attorney_attorney",
            PowerOfAttorney::Table,
            vec![PowerOfAttorney::AttorneyIin.into_iden()],
            false,
        )
        .await?;

        add_columns(
            manager,
            Consent::Table,
            vec![
                ColumnDef::new(Consent::SignerIin)
                    .string_len(12)
                    .null()
                    .to_owned(),
                ColumnDef::new(Consent::Authority)
                    .string_len(24)
                    .null()
                    .to_owned(),
                ColumnDef::new(Consent::AuthorityNumber)
                    .string_len(64)
                    .null()
                    .to_owned(),
                ColumnDef::new(Consent::AuthorityDate)
                    .date()
                    .null()
                    .to_owned(),
            ],
        )
        .await?;
        add_columns(
            manager,
            Application::Table,
            vec![
                ColumnDef::new(Application::OwnerCheckAttempts)
                    .integer()
                    .not_null()
                    .default(0)
                    .to_owned(),
                ColumnDef::new(Application::OwnerCheckNextAt)
                    .timestamp_with_time_zone()
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
            Application::Table,
            vec![
                Application::OwnerCheckNextAt.into_iden(),
                Application::OwnerCheckAttempts.into_iden(),
            ],
        )
        .await?;
        drop_columns(
            manager,
            Consent::Table,
            vec![
                Consent::AuthorityDate.into_iden(),
                Consent::AuthorityNumber.into_iden(),
                Consent::Authority.into_iden(),
                Consent::SignerIin.into_iden(),
            ],
        )
        .await?;
        for table in [
            PowerOfAttorney::Table.into_iden(),
            LegalRepresentative::Table.into_iden(),
            Organisation::Table.into_iden(),
            RealEstateTenant::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
