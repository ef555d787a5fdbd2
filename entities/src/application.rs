//! An application for registration at the place of residence (an e-request), from draft to
//! decision. Enumerated columns are the active enums of [`crate::enums`].

use crate::enums::{
    ApplicationStatus, Channel, RefusalGround, RefusalReason, RegistrationKind, Representation,
    ReviewReason,
};
use sea_orm::entity::prelude::*;

/// An application.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The human-readable number (e.g. `26-K7QF-2M9X`), unique.
    #[sea_orm(unique)]
    pub number: String,
    /// The signed-in person who files it: the applicant, or the representative.
    pub applicant_person_id: Uuid,
    /// The IIN of the person to register (the applicant's own, or the represented person's).
    pub subject_iin: Option<String>,
    pub kind: Option<RegistrationKind>,
    /// Temporary registration: 1 to 12 months.
    pub period_months: Option<i32>,
    pub address_rka: Option<String>,
    pub address_owner_iin: Option<String>,
    /// The area given with the owner's IIN, in hundredths of m².
    pub address_area_hundredths: Option<i64>,
    pub representation: Representation,
    /// JSON: the representative's document (kind, number, date, issuer).
    pub representation_document: Option<String>,
    /// JSON: arrival from abroad (country and documents).
    pub arrival_from_abroad: Option<String>,
    pub refugee: bool,
    /// The applicant's consent to access restricted personal data; null while unanswered.
    pub personal_data_consent: Option<bool>,
    pub status: ApplicationStatus,
    pub refusal_ground: Option<RefusalGround>,
    /// Why, within the ground, it was refused (an owner not confirmed, a consent declined or
    /// missing).
    pub refusal_reason: Option<RefusalReason>,
    /// Optimistic concurrency: every change increments it.
    pub version: i32,
    pub idempotency_key: Option<String>,
    /// SHA-256 (hex) of the content the idempotency key first came with.
    pub idempotency_digest: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub submitted_at: Option<TimeDateTimeWithTimeZone>,
    /// How many times the owner check found a registry not answering.
    pub owner_check_attempts: i32,
    /// When to ask the registry again (backoff), while it does not answer.
    pub owner_check_next_at: Option<TimeDateTimeWithTimeZone>,
    /// Where it was filed.
    pub channel: Channel,
    /// The body (BIN) that decides it, from submission.
    pub body_bin: Option<String>,
    /// When the package became complete (the last consent, or submission when none is needed):
    /// the service time runs from here.
    pub service_clock_started_at: Option<TimeDateTimeWithTimeZone>,
    /// When the service time ends.
    pub service_deadline: Option<TimeDateTimeWithTimeZone>,
    /// When it was decided (approved or refused in review).
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
    /// The officer (person id) whose claim it is, until `claim_expires_at`.
    pub claimed_by: Option<Uuid>,
    pub claim_expires_at: Option<TimeDateTimeWithTimeZone>,
    /// Why it waits for an officer, when it does.
    pub review_reason: Option<ReviewReason>,
    /// For a front-office application: the officer (person id) who filed it for the citizen
    /// present.
    pub intake_officer_person_id: Option<Uuid>,
    /// For a front-office application: the applicant's identity document the officer checked
    /// (JSON: kind, number, when, by whom).
    pub intake_document: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
