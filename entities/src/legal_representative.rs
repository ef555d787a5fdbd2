//! A legal representative of a person, as the civil registry records them: a parent or
//! guardian of a minor, a guardian or trustee of a person a court recognised incapacitated or
//! of limited capacity.

use crate::enums::RepresentationBasis;
use sea_orm::entity::prelude::*;

/// One representative of one person.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "legal_representative")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The person represented.
    pub principal_iin: String,
    /// Who represents them.
    pub representative_iin: String,
    pub basis: RepresentationBasis,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
