//! The terms of an appeal on the working-day calendar. Each deadline is computed when its event
//! happens (the receipt, the correction) and stored with the calendar versions it counted on
//! and the working days it counted: a later change of the calendar file never moves it.

use crate::calendar::{Calendar, Deadline, WorkingHours};
use crate::service::InternalError;
use entities::appeal_deadline;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The working days of the procedure, from receipt.
// DOMAIN: appeal deadline: the procedure takes 15 working days from receipt.
pub const DECISION_DAYS: u32 = 15;

/// The working days to refer an appeal that is not this body's, from receipt.
// DOMAIN: referral: an appeal received by a body without authority over it is referred no
// later than 3 working days after receipt (a duty, not a window: a later one is recorded late).
pub const REFERRAL_DAYS: u32 = 3;

/// What a deadline is for. Stored as text, so that the later parts add kinds (the extension's
/// notice, the complaint's term) without a migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeadlineKind {
    /// The decision on the appeal.
    Decision,
    /// Referring it to the authorised body, when it is not this body's.
    Referral,
    /// The applicant's correction of a missing requirement.
    Correction,
}

impl DeadlineKind {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::Decision => "DECISION",
            DeadlineKind::Referral => "REFERRAL",
            DeadlineKind::Correction => "CORRECTION",
        }
    }

    /// From the stored text.
    pub fn from_stored(text: &str) -> Option<Self> {
        [
            DeadlineKind::Decision,
            DeadlineKind::Referral,
            DeadlineKind::Correction,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

/// A term counted, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub kind: DeadlineKind,
    pub started_at: OffsetDateTime,
    /// The day the receipt counts from.
    pub received_on: Date,
    /// The last working day of the term.
    pub last_day: Date,
    /// The instant the term ends: the next day's 00:00 in Almaty.
    pub due_at: OffsetDateTime,
    /// The working days counted, in order.
    pub counted: Vec<Date>,
    pub provisional: bool,
    /// The calendar versions counted on, as stored (`kz-2025/v1,kz-2026/law-v1`).
    pub calendar_version: String,
}

/// Counts `n` working days for something received at `received_at`, under `hours`.
pub fn count(
    calendar: &Calendar,
    hours: WorkingHours,
    kind: DeadlineKind,
    received_at: OffsetDateTime,
    n: u32,
) -> Term {
    let term: Deadline = calendar.term_from_receipt(received_at, hours, n);
    let received_on = *calendar.received_on(received_at, hours).value();
    let last_day = *term.value();
    // The days counted, the same walk as the calendar's: each working day after the receipt's.
    let mut counted = Vec::new();
    let mut day = received_on;
    while day < last_day {
        let Some(next) = day.next_day() else { break };
        day = next;
        if calendar.is_working_day(day).working {
            counted.push(day);
        }
    }
    let without_data = term.years_without_data();
    if !without_data.is_empty() {
        // The alert: the term counts on days no data file confirms.
        tracing::warn!(
            years = ?without_data,
            kind = kind.as_str(),
            "an appeal's deadline counts on years without calendar data: stored as provisional"
        );
    }
    let calendar_version = term
        .versions()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",");
    // DOMAIN: a term in working days ends at 24:00 local time on its last working day.
    let due_at = match last_day.next_day() {
        Some(next) => calendar.almaty().start_of_day(next),
        None => calendar.almaty().start_of_day(last_day),
    };
    Term {
        kind,
        started_at: received_at,
        received_on,
        last_day,
        due_at,
        counted,
        provisional: term.is_provisional() || !without_data.is_empty(),
        calendar_version,
    }
}

/// Stores a term for an appeal: part of the transaction of its event.
pub async fn store<C: ConnectionTrait>(
    db: &C,
    appeal_id: Uuid,
    term: &Term,
) -> Result<appeal_deadline::Model, InternalError> {
    let computed_on: Vec<String> = term.counted.iter().map(ToString::to_string).collect();
    Ok(appeal_deadline::ActiveModel {
        id: Set(Uuid::new_v4()),
        appeal_id: Set(appeal_id),
        kind: Set(term.kind.as_str().to_owned()),
        started_at: Set(term.started_at),
        due_at: Set(term.due_at),
        met_at: Set(None),
        provisional: Set(term.provisional),
        calendar_version: Set(term.calendar_version.clone()),
        computed_on: Set(serde_json::to_string(&computed_on).unwrap_or_default()),
    }
    .insert(db)
    .await?)
}
