//! Which evidence a stored signature's verification relied on.

use sea_orm::entity::prelude::*;

/// A link from a stored signature to a piece of evidence.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signature_evidence")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub signature_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub digest: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
