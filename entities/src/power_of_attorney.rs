//! A notarised power of attorney, as the notaries' registry records it.

use sea_orm::entity::prelude::*;

/// One power of attorney, by its registry number.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "power_of_attorney")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Its number in the notaries' registry.
    pub number: String,
    pub issued_on: TimeDate,
    /// The last day it is valid.
    pub valid_until: TimeDate,
    /// Who gave it.
    pub principal_iin: String,
    /// Who acts under it.
    pub attorney_iin: String,
    /// When the principal revoked it, if they did.
    pub revoked_on: Option<TimeDate>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
