//! The result of one check the service ran before deciding an application: evidence of what
//! the decision (automatic or an officer's) rested on. Never changed once written.

use crate::enums::{CheckKind, CheckOutcome};
use sea_orm::entity::prelude::*;

/// One check's result, in one run of the checks.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "check_result")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    /// The run it belongs to: every check of one run shares it.
    pub run_id: Uuid,
    pub check: CheckKind,
    pub outcome: CheckOutcome,
    /// What was found, in words (no full IINs).
    pub detail: String,
    pub checked_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
