//! A document uploaded for an application: only what the state cannot hold (see
//! [`DocumentKind`]). The bytes are in the documents directory under their SHA-256; the row
//! says whose they are and what they are. Never deleted: `deleted_at` hides a deleted one.

use sea_orm::entity::prelude::*;

/// `document.kind`: what an uploaded document is. Stored as the GraphQL enum value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum DocumentKind {
    /// The passport of a citizen arriving from abroad.
    #[sea_orm(string_value = "PASSPORT")]
    Passport,
    /// The certificate of return of a citizen arriving from abroad whose passport was lost or
    /// expired.
    #[sea_orm(string_value = "CERTIFICATE_OF_RETURN")]
    CertificateOfReturn,
    /// The document confirming de-registration from the former country.
    #[sea_orm(string_value = "DEREGISTRATION_DOCUMENT")]
    DeregistrationDocument,
    /// A certificate of citizenship from the former country.
    #[sea_orm(string_value = "CITIZENSHIP_CERTIFICATE")]
    CitizenshipCertificate,
}

/// One uploaded document.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    pub kind: DocumentKind,
    /// The file's name as the uploader gave it, sanitised (no path, no control or bidirectional
    /// formatting characters, at most 200 characters).
    pub file_name: String,
    /// The media type detected from the bytes (never the client's claim).
    pub content_type: String,
    /// The size in bytes.
    pub size: i64,
    /// SHA-256 of the bytes, lowercase hex: also the file's name in the documents directory.
    pub sha256: String,
    /// The person who uploaded it (the applicant).
    pub uploaded_by: Uuid,
    pub uploaded_at: TimeDateTimeWithTimeZone,
    /// When it was deleted (hidden); null while it counts.
    pub deleted_at: Option<TimeDateTimeWithTimeZone>,
    /// Who deleted it.
    pub deleted_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
