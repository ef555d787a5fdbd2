//! The transactional outbox: one row per status change of an application or a consent, written
//! in the transaction of the change. `id` is the insert order, which is not the commit order;
//! `sequence` is the public order, assigned by one relay in commit order (null until then), and
//! the only order a reader may page by.

use crate::enums::{ActorRole, EventEntityKind};
use sea_orm::entity::prelude::*;

/// One event.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event")]
pub struct Model {
    /// The insert order (auto-increment): never shown, never a cursor.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The public identifier (random), inside a notification's global ID.
    #[sea_orm(unique)]
    pub public_id: Uuid,
    pub entity_kind: EventEntityKind,
    pub entity_id: Uuid,
    /// The application the event concerns (the entity itself for an application's event);
    /// null for an appeal or a complaint that concerns none.
    pub application_id: Option<Uuid>,
    /// The stored value of the previous status (null for a creation).
    pub from_status: Option<String>,
    /// The stored value of the new status.
    pub to_status: String,
    pub actor_role: ActorRole,
    pub actor_person_id: Option<Uuid>,
    /// When the change happened (the service's clock).
    pub at: TimeDateTimeWithTimeZone,
    /// The public order, in commit order; null until the relay has seen the row committed.
    #[sea_orm(unique)]
    pub sequence: Option<i64>,
    /// When the relay assigned the sequence, read once it holds its lock (so the relay's lag is
    /// `sequenced_at - at`, to within the instances' clock skew).
    pub sequenced_at: Option<TimeDateTimeWithTimeZone>,
    /// The body that handles the subject, when one does (an integrator's scope, officers).
    pub body_bin: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
