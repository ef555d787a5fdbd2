//! A signed-in session: the bearer token is never stored, only its SHA-256.

use crate::enums::AuthMethod;
use sea_orm::entity::prelude::*;

/// A session.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// SHA-256 of the bearer token.
    #[sea_orm(unique)]
    pub token_hash: Vec<u8>,
    pub person_id: Uuid,
    /// For an officer's session: the BIN of the body the officer acts for.
    pub acting_bin: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub expires_at: TimeDateTimeWithTimeZone,
    /// Set by `logout`.
    pub revoked_at: Option<TimeDateTimeWithTimeZone>,
    /// How the session was opened.
    pub auth_method: AuthMethod,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id"
    )]
    Person,
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
