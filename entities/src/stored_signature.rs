//! A received signature, kept with what it signed and the verifier's report: the evidence
//! behind a sign-in, an application or a consent. What the verification relied on (CRLs) is
//! in [`crate::evidence`], linked by [`crate::signature_evidence`].

use crate::enums::{AuthMethod, SignaturePurpose};
use sea_orm::entity::prelude::*;

/// A stored signature.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stored_signature")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// What the signature authorises.
    pub purpose: SignaturePurpose,
    /// The challenge, application or consent it belongs to.
    pub subject_id: Uuid,
    pub signer_iin: Option<String>,
    pub signer_serial: Option<String>,
    /// The CMS exactly as received (DER).
    pub cms: Vec<u8>,
    /// The bytes that were signed.
    pub signed_content: Vec<u8>,
    /// The verifier's JSON report.
    pub report: String,
    pub valid: bool,
    /// When the signature was received: its validation time.
    pub received_at: TimeDateTimeWithTimeZone,
    /// How it was made: a CMS (`EDS`) or a one-time password (`OTP`, whose `cms` is the
    /// service's seal over `signed_content`, the evidence).
    pub method: AuthMethod,
    /// For a one-time password: the phone the code went to, masked (`+7 7** *** 12 34`).
    pub masked_phone: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
