//! A tenant of state or municipal rental housing, with the household their lease names.

use sea_orm::entity::prelude::*;

/// One tenant of one object.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "real_estate_tenant")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub object_id: Uuid,
    /// The tenant's IIN.
    pub iin: String,
    /// JSON array of the IINs of the household the lease names (the tenant not included).
    pub household: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::real_estate_object::Entity",
        from = "Column::ObjectId",
        to = "super::real_estate_object::Column::Id"
    )]
    Object,
}

impl Related<super::real_estate_object::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Object.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
