//! A request to sign one version of a subject (an application today; consents, decisions and
//! appeals later): the exact bytes to sign and what the key must be. A changed subject voids
//! its signing requests.

use crate::enums::{KeyPurpose, SigningSubjectKind};
use sea_orm::entity::prelude::*;

/// A signing request.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signing_request")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub subject_kind: SigningSubjectKind,
    pub subject_id: Uuid,
    /// The subject's version the payload describes.
    pub subject_version: i32,
    /// Canonical JSON bytes (RFC 8785) to sign.
    pub payload: Vec<u8>,
    /// The same content as readable Kazakh and Russian text.
    pub text: String,
    /// SHA-256 of the payload, lowercase hex.
    pub digest: String,
    pub key_purpose: KeyPurpose,
    /// The IIN whose key must sign, when one is required.
    pub expected_iin: Option<String>,
    /// The BIN the key must name (a legal entity's key), when one is required.
    pub expected_bin: Option<String>,
    /// JSON array of role OIDs of which the key must hold one (empty: any).
    pub role_oids: String,
    /// JSON array of the signing methods offered (`EDS`, …).
    pub allowed_methods: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub expires_at: TimeDateTimeWithTimeZone,
    pub voided_at: Option<TimeDateTimeWithTimeZone>,
    pub used_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
