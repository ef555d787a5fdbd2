//! The checks of `certificateInfo` in the rolling hour, one row each, by a person or an
//! integrator (exactly one of the two is set): what the hourly limit counts, in the database
//! so that it holds across instances. Nothing of the certificate is kept.

use sea_orm::entity::prelude::*;

/// One check.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificate_lookup")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The signed-in person who asked.
    pub person_id: Option<Uuid>,
    /// The integrator who asked.
    pub integrator_id: Option<Uuid>,
    pub at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
