//! The audit of `propertyLookup`: who asked, when, and whether it was found. It also counts
//! lookups for the hourly limit, so that the limit holds across instances. Owner IINs are kept
//! masked only.

use sea_orm::entity::prelude::*;

/// One lookup.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "property_lookup")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub at: TimeDateTimeWithTimeZone,
    /// By owner IIN + area (true) or by RKA (false).
    pub by_owner: bool,
    /// The owner IIN asked about, masked (`8710*****427`).
    pub owner_iin_masked: Option<String>,
    pub found: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
