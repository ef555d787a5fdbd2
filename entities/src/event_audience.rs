//! Who may see an event: one row per party, named by person id, IIN or organisation BIN.

use crate::enums::AudienceKind;
use sea_orm::entity::prelude::*;

/// One party of an event's audience.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_audience")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: AudienceKind,
    /// A person id (hyphenated UUID), an IIN or a BIN (12 digits).
    #[sea_orm(primary_key, auto_increment = false)]
    pub value: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
