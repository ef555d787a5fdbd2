//! The administrative bodies appeals are addressed to, each with the body above it (who hears
//! a complaint against it).

use sea_orm::entity::prelude::*;

/// One body.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "administrative_body")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub bin: String,
    pub name: String,
    /// The higher body; `None` at the top.
    pub parent_bin: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
