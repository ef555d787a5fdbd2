//! The decision on an application: automatic (every check passed), or an officer's, signed
//! with a legal-entity key of the deciding body. One per application.

use crate::enums::{DecisionOutcome, RefusalGround};
use sea_orm::entity::prelude::*;

/// One decision.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "decision")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    pub outcome: DecisionOutcome,
    /// A refusal's ground, from the closed list.
    pub ground: Option<RefusalGround>,
    /// Why, in the officer's words (or the service's, for an automatic decision).
    pub reason: Option<String>,
    pub automatic: bool,
    /// The officer who decided (person id), for an officer's decision.
    pub officer_person_id: Option<Uuid>,
    /// The body the officer decided for.
    pub body_bin: Option<String>,
    /// The stored signature of an officer's decision.
    pub signature_id: Option<Uuid>,
    pub decided_at: TimeDateTimeWithTimeZone,
    /// When a complaint's decision cancelled it (the application was reopened); null while it
    /// stands. At most one standing decision per application.
    pub cancelled_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
