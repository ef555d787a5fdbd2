//! A consent an application needs: from an owner of the dwelling (by IIN) or a hostel's
//! administration (by BIN), signed with EDS only. Never deleted.

use crate::enums::{ConsentAuthority, ConsentStatus};
use sea_orm::entity::prelude::*;

/// One consent.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consent")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    /// The owner who consents, for a person.
    pub party_iin: Option<String>,
    /// The organisation that consents (a hostel's administration), for an organisation.
    pub party_bin: Option<String>,
    /// JSON array of the role OIDs of which an organisation's key must hold one.
    pub role_oids: String,
    pub status: ConsentStatus,
    /// When a consent still pending is missing for good.
    pub deadline: TimeDateTimeWithTimeZone,
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
    /// Why it was declined, in the owner's words.
    pub decline_reason: Option<String>,
    /// The stored signature that gave it.
    pub signature_id: Option<Uuid>,
    pub created_at: TimeDateTimeWithTimeZone,
    /// When the owner was last told by SMS that it waits (at creation, then by
    /// `remindConsent`, at most once a day).
    pub last_reminded_at: Option<TimeDateTimeWithTimeZone>,
    /// Who signed or declined it: the party, or a representative of theirs.
    pub signer_iin: Option<String>,
    /// Under what authority the signer decided it.
    pub authority: Option<ConsentAuthority>,
    /// The number of the power of attorney, when an attorney decided it.
    pub authority_number: Option<String>,
    /// The date of that power of attorney.
    pub authority_date: Option<TimeDate>,
    /// For a consent given in person at a front office: the owner's identity document the
    /// officer checked (JSON: kind, number).
    pub in_person_document: Option<String>,
    /// The officer (person id) whose signature confirmed a consent given in person.
    pub confirmed_by_person_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
