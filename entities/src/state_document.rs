//! A document the state issued to a person (an identity card, a passport, a birth
//! certificate), as its registries record it: what the service checks by number instead of
//! asking for a copy.

use crate::enums::StateDocumentKind;
use sea_orm::entity::prelude::*;

/// One document, by its kind and number.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "state_document")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: StateDocumentKind,
    /// Its number (series included), as printed, upper case.
    pub number: String,
    /// The person it was issued to.
    pub holder_iin: String,
    pub issued_on: TimeDate,
    /// The last day it is valid (a birth certificate has none).
    pub valid_until: Option<TimeDate>,
    /// When it stopped being valid before that: declared lost, replaced, withdrawn.
    pub invalidated_on: Option<TimeDate>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
