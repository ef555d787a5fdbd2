//! An owner of a real-estate object, with their share: a person (IIN) or an organisation (BIN).

use sea_orm::entity::prelude::*;

/// An owner's share of an object. Exactly one of `owner_iin` and `owner_bin` is set.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "real_estate_owner")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub object_id: Uuid,
    /// The owner's IIN, when the owner is a person.
    pub owner_iin: Option<String>,
    /// The owner's BIN, when the owner is an organisation.
    pub owner_bin: Option<String>,
    pub share_numerator: i32,
    pub share_denominator: i32,
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
