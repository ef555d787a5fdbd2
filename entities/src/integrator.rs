//! A third-party system with an API key (only the key's SHA-256 is stored).

use sea_orm::entity::prelude::*;

/// An integrator.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "integrator")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    #[sea_orm(unique)]
    pub key_hash: Vec<u8>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub revoked_at: Option<TimeDateTimeWithTimeZone>,
    /// The bodies whose events it reads: a JSON list of BINs, `["*"]` for every body.
    pub scope_bodies: String,
    /// The event types it reads: a JSON list, `["*"]` for every type.
    pub scope_types: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
