//! A sign-in challenge: the exact bytes a person signs with an authentication key. Single use.

use sea_orm::entity::prelude::*;

/// A challenge.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "auth_challenge")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The canonical JSON bytes that must be signed (RFC 8785).
    pub payload: Vec<u8>,
    /// The web origin that requested it; sign-in must come from the same origin.
    pub origin: String,
    pub issued_at: TimeDateTimeWithTimeZone,
    pub expires_at: TimeDateTimeWithTimeZone,
    /// Set once, by the one sign-in that consumes it.
    pub consumed_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
