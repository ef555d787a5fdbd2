//! A registration at the place of residence (permanent) or of temporary stay, as the service
//! recorded it once the population registry confirmed the entry.

use crate::enums::{RegistrationEndReason, RegistrationKind};
use sea_orm::entity::prelude::*;

/// One registration.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registration")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    /// The person registered.
    pub iin: String,
    pub kind: RegistrationKind,
    pub address_rka: String,
    /// The address as the property registry writes it.
    pub address: String,
    pub starts_on: TimeDate,
    /// The last day of a temporary registration's period.
    pub ends_on: Option<TimeDate>,
    /// The day it ended (replaced, or its period over), once it has.
    pub ended_on: Option<TimeDate>,
    pub end_reason: Option<RegistrationEndReason>,
    /// The population registry's reference for the entry.
    pub registry_reference: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
