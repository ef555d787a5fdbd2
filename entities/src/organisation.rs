//! An organisation whose administration consents for the building it runs (a hostel or
//! dormitory), with the role OIDs its administration's keys may hold.

use sea_orm::entity::prelude::*;

/// One organisation, by BIN.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub bin: String,
    pub name: String,
    /// JSON array of the role OIDs of which a consenting key must hold one.
    pub consent_role_oids: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
