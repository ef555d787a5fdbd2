//! An appeal in the administrative procedure, from its draft to its receipt and beyond.
//! `kind` and `status` are text (the core's `AppealKind`, `AppealStatus`): later parts add
//! statuses without a migration.

use sea_orm::entity::prelude::*;

/// One appeal.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appeal")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Human-readable, unique (`26-K7QF-2M9X`).
    pub number: String,
    pub applicant_person_id: Uuid,
    /// `PERSON` or `LEGAL_ENTITY`.
    pub kind: String,
    pub full_name: String,
    pub iin: Option<String>,
    pub bin: Option<String>,
    pub postal_address: Option<String>,
    /// The administrative body addressed.
    pub body_bin: String,
    pub essence: String,
    pub appeal_date: TimeDate,
    /// The application it concerns, if any.
    pub application_id: Option<Uuid>,
    pub status: String,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub received_at: Option<TimeDateTimeWithTimeZone>,
    /// The receipt's number, unique.
    pub receipt_number: Option<String>,
    pub receiver_name: Option<String>,
    pub receiver_position: Option<String>,
    /// The requirements it misses, a JSON list of codes.
    pub missing: String,
    /// The stored signature that filed it.
    pub signature_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
