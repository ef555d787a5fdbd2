//! Content-addressed evidence: bytes a verification relied on (a CRL; later OCSP responses and
//! timestamp tokens), stored once under their SHA-256, so any decision can be re-checked later.

use crate::enums::EvidenceKind;
use sea_orm::entity::prelude::*;

/// One piece of evidence.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evidence")]
pub struct Model {
    /// SHA-256 of `bytes`, lowercase hex.
    #[sea_orm(primary_key, auto_increment = false)]
    pub digest: String,
    pub kind: EvidenceKind,
    pub bytes: Vec<u8>,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
