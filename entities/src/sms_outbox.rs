//! The development SMS outbox: messages the development profile "sends" instead of an SMS. It
//! holds the only plain copy of a one-time password, so each row is deleted once its code has
//! expired (`expires_at`). The production profile never writes here.

use sea_orm::entity::prelude::*;

/// One message.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sms_outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// E.164, `+77011234567`.
    pub phone: String,
    pub text: String,
    /// The code the text carries, in plain (development only).
    pub code: Option<String>,
    pub sent_at: TimeDateTimeWithTimeZone,
    /// When the code expires: the row is deleted then.
    pub expires_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
