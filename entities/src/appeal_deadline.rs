//! A deadline of an appeal, computed when its event happened and stored: it keeps the calendar
//! version it was counted on, even after the calendar file changes.

use sea_orm::entity::prelude::*;

/// One deadline.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appeal_deadline")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub appeal_id: Uuid,
    /// `DECISION`, `REFERRAL`, `CORRECTION`, `EXTENSION_NOTICE`, `FORWARDING`, `FILING`.
    pub kind: String,
    pub started_at: TimeDateTimeWithTimeZone,
    /// 24:00 Almaty time of the last working day (the next day's 00:00), in UTC.
    pub due_at: TimeDateTimeWithTimeZone,
    pub met_at: Option<TimeDateTimeWithTimeZone>,
    /// Counted over days the calendar data does not confirm.
    pub provisional: bool,
    /// The calendar versions counted on (`CalendarVersion`'s Display, comma-separated).
    pub calendar_version: String,
    /// The JSON list of the working days counted.
    pub computed_on: String,
    /// When a referral or an extension replaced it with a new term (it is kept as it was).
    pub superseded_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
