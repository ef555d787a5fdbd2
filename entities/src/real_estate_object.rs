//! A real-estate object of the property registry mirror: a dwelling identified by its address
//! registration code (RKA).

use sea_orm::entity::prelude::*;

/// A real-estate object.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "real_estate_object")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The address registration code (RKA), unique.
    #[sea_orm(unique)]
    pub rka: String,
    /// The address as the registry writes it.
    pub address: String,
    /// The area in hundredths of a square metre (5430 is 54.30 m²), exact.
    pub area_hundredths: i64,
    /// `HOUSE`, `APARTMENT`, `DACHA` or `HOSTEL`.
    pub kind: String,
    /// For a hostel or dormitory: the BIN of the organisation whose administration's application
    /// replaces the owner's consent.
    pub administration_bin: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::real_estate_owner::Entity")]
    Owner,
    #[sea_orm(has_many = "super::real_estate_tenant::Entity")]
    Tenant,
}

impl Related<super::real_estate_tenant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tenant.def()
    }
}

impl Related<super::real_estate_owner::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Owner.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
