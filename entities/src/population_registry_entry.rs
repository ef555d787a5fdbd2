//! The population registry's entries, as the local mirror keeps them: what the registry
//! confirmed for each application (one entry per application, so asking twice is harmless).

use crate::enums::RegistrationKind;
use sea_orm::entity::prelude::*;

/// One entry.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "population_registry_entry")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub application_id: Uuid,
    pub iin: String,
    pub kind: RegistrationKind,
    pub address_rka: String,
    /// The registry's reference for the entry.
    pub reference: String,
    pub registered_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
