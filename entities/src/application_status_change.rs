//! The append-only history of an application's status: who, when, from, to, why.

use crate::enums::{ActorRole, ApplicationStatus};
use sea_orm::entity::prelude::*;

/// One status change.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application_status_change")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    /// Null for the creation of the draft.
    pub from_status: Option<ApplicationStatus>,
    pub to_status: ApplicationStatus,
    pub actor_person_id: Option<Uuid>,
    pub actor_role: ActorRole,
    pub reason: Option<String>,
    pub at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
