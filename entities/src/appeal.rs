//! An appeal in the administrative procedure, from its draft to its receipt and beyond.
//! `kind` and `status` are text (the core's `AppealKind`, `AppealStatus`): later parts add
//! statuses without a migration.

use sea_orm::entity::prelude::*;

/// One appeal.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appeal")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Human-readable, unique (`26-K7QF-2M9X`).
    pub number: String,
    pub applicant_person_id: Uuid,
    /// `PERSON` or `LEGAL_ENTITY`.
    pub kind: String,
    pub full_name: String,
    pub iin: Option<String>,
    pub bin: Option<String>,
    pub postal_address: Option<String>,
    /// The administrative body addressed.
    pub body_bin: String,
    pub essence: String,
    pub appeal_date: TimeDate,
    /// The application it concerns, if any.
    pub application_id: Option<Uuid>,
    pub status: String,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub received_at: Option<TimeDateTimeWithTimeZone>,
    /// The receipt's number, unique.
    pub receipt_number: Option<String>,
    pub receiver_name: Option<String>,
    pub receiver_position: Option<String>,
    /// The requirements it misses, a JSON list of codes.
    pub missing: String,
    /// The stored signature that filed it.
    pub signature_id: Option<Uuid>,
    /// `APPEAL` or `COMPLAINT` (a complaint is a row of this table).
    pub procedure: String,
    /// The body that handles it now (after a referral); null: `body_bin`.
    pub handling_body_bin: Option<String>,
    /// When it was last referred to the authorised body.
    pub referred_at: Option<TimeDateTimeWithTimeZone>,
    /// The decision: `SATISFIED` or `REFUSED` (a complaint also `SATISFIED_BY_BODY`).
    pub outcome: Option<String>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
    /// The officer (person id) who decided it.
    pub decided_by: Option<Uuid>,
    /// The stored signature of the decision.
    pub decision_signature_id: Option<Uuid>,
    /// A deemed refusal: the instant the term ended (24:00 Almaty time of its last day).
    pub term_ended_at: Option<TimeDateTimeWithTimeZone>,
    /// A deemed refusal: when the service applied it.
    pub deemed_refused_at: Option<TimeDateTimeWithTimeZone>,
    /// The head's reasons for the last extension.
    pub extension_reason: Option<String>,
    /// When the head decided the last extension.
    pub extended_at: Option<TimeDateTimeWithTimeZone>,
    /// The head (person id) who extended it.
    pub extended_by: Option<Uuid>,
    /// A complaint: what it is against (`REFUSAL`, `APPEAL_DECISION`, `MISSED_DEADLINE`).
    pub against: Option<String>,
    /// A complaint: the application or appeal complained of.
    pub target_id: Option<Uuid>,
    /// A complaint: when the person learned of the act (the notification on record).
    pub learned_at: Option<TimeDateTimeWithTimeZone>,
    /// A complaint filed after its 3 months.
    pub late: bool,
    /// A late complaint's request to restore the term: the reason given.
    pub restoration_reason: Option<String>,
    /// The hearing body's answer to it: `GRANTED` or `DENIED`.
    pub restoration: Option<String>,
    /// A complaint: the body that hears it (the complained-of body's parent).
    pub hearing_body_bin: Option<String>,
    /// A complaint: when the body complained of forwarded it.
    pub forwarded_at: Option<TimeDateTimeWithTimeZone>,
    /// A complaint's decision cancelled the act complained of.
    pub act_cancelled: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
