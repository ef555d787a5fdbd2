//! A natural person known to the service: signed in at least once, or imported from the
//! population registry mirror.

use sea_orm::entity::prelude::*;

/// A person.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The IIN (12 digits), unique.
    #[sea_orm(unique)]
    pub iin: String,
    pub surname: Option<String>,
    pub given_name: Option<String>,
    pub patronymic: Option<String>,
    /// Mobile phone in E.164, from the citizens' mobile database.
    pub phone: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
