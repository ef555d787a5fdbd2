//! Every status change of an appeal: who, when, why.

use sea_orm::entity::prelude::*;

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appeal_history")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub appeal_id: Uuid,
    /// The appeal's version after the change: the order of the history (several changes may
    /// share an instant).
    pub version: i32,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor_person_id: Option<Uuid>,
    /// `ActorRole` as stored (`APPLICANT`, `SYSTEM`, …).
    pub actor_role: String,
    pub reason: Option<String>,
    pub at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
