//! The audit of officers opening another person's restricted personal data: who, whose,
//! when, why, and whether it was allowed (the person consented to the access).

use sea_orm::entity::prelude::*;

/// One access, or one refused attempt.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "restricted_data_access")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The officer (person id).
    pub officer_person_id: Uuid,
    /// The body the officer acted for.
    pub body_bin: String,
    /// Whose data.
    pub subject_iin: String,
    /// The application the access was for, if any.
    pub application_id: Option<Uuid>,
    /// Why, in the officer's words.
    pub purpose: String,
    pub allowed: bool,
    pub at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
