//! A request to sign one version of an application: the exact bytes to sign. A changed draft
//! voids its signing requests.

use sea_orm::entity::prelude::*;

/// A signing request.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signing_request")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    /// The application version the payload describes.
    pub application_version: i32,
    /// Canonical JSON bytes (RFC 8785) to sign.
    pub payload: Vec<u8>,
    /// The same content as readable Kazakh and Russian text.
    pub text: String,
    /// SHA-256 of the payload, lowercase hex.
    pub digest: String,
    /// The IIN whose key must sign.
    pub expected_iin: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub expires_at: TimeDateTimeWithTimeZone,
    pub voided_at: Option<TimeDateTimeWithTimeZone>,
    pub used_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
