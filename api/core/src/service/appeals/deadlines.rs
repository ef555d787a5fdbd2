//! The terms of an appeal on the working-day calendar. Each deadline is computed when its event
//! happens (the receipt, the correction) and stored with the calendar versions it counted on
//! and the working days it counted: a later change of the calendar file never moves it.

use crate::calendar::{Calendar, Deadline, WorkingHours};
use crate::service::InternalError;
use entities::appeal_deadline;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The working days of the procedure, from receipt.
// DOMAIN: appeal deadline: the procedure takes 15 working days from receipt.
pub const DECISION_DAYS: u32 = 15;

/// The working days to refer an appeal that is not this body's, from receipt.
// DOMAIN: referral: an appeal received by a body without authority over it is referred no
// later than 3 working days after receipt (a duty, not a window: a later one is recorded late).
pub const REFERRAL_DAYS: u32 = 3;

/// The working days to decide a complaint, from receipt.
// DOMAIN: complaints: considered within 5 working days of receipt (the Law "On Public
// Services").
pub const COMPLAINT_DECISION_DAYS: u32 = 5;

/// The working days the body complained of has to forward a complaint to the body that hears
/// it, or to satisfy it itself, from receipt.
// DOMAIN: complaints: art. 92 of the Administrative Procedure Code (Code of the RK of
// 29 June 2020 No. 350-VI, "Consideration of a complaint by the body whose act is complained
// of"): the body checks the complaint and within three working days of its receipt forwards it,
// with the case, to the body that hears it, unless within those three working days it adopts a
// favourable act, or takes the action, that fully satisfies the complaint. Source: the Code's
// text on adilet.zan.kz (K2000000350); the number of days is read from that text as this
// service's authors know it and is not re-verified in this repository (see the calendar's
// rules in docs/calendar.md).
pub const FORWARDING_DAYS: u32 = 3;

/// The working days to notify the participant of an extension, from the head's decision.
// DOMAIN: appeals: the participant is notified of an extension within 3 working days.
pub const EXTENSION_NOTICE_DAYS: u32 = 3;

/// The calendar months an extension may add in all to the first decision term.
// DOMAIN: appeals: the head of the body may extend the term by a reasoned decision by at most
// 2 months.
pub const MAX_EXTENSION_MONTHS: u8 = 2;

/// The calendar months to file a complaint, from the day the person learned of the act.
// DOMAIN: complaints: no later than 3 months from the day the participant learned of it.
pub const COMPLAINT_MONTHS: u8 = 3;

/// What the calendar version of a term counted in calendar months says: no working days.
pub const CALENDAR_MONTHS: &str = "calendar-months";

/// The working days of a decision term of the procedure.
pub fn decision_days(procedure: super::Procedure) -> u32 {
    match procedure {
        super::Procedure::Appeal => DECISION_DAYS,
        super::Procedure::Complaint => COMPLAINT_DECISION_DAYS,
    }
}

/// What a deadline is for. Stored as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeadlineKind {
    /// The decision on the appeal (or complaint).
    Decision,
    /// Referring it to the authorised body, when it is not this body's.
    Referral,
    /// The applicant's correction of a missing requirement.
    Correction,
    /// Notifying the participant of the head's extension.
    ExtensionNotice,
    /// A complaint: the body complained of forwards it (or satisfies it itself).
    Forwarding,
    /// A complaint: the person's term to file it, from when they learned of the act.
    Filing,
}

impl DeadlineKind {
    /// Every kind.
    pub const ALL: [DeadlineKind; 6] = [
        DeadlineKind::Decision,
        DeadlineKind::Referral,
        DeadlineKind::Correction,
        DeadlineKind::ExtensionNotice,
        DeadlineKind::Forwarding,
        DeadlineKind::Filing,
    ];

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::Decision => "DECISION",
            DeadlineKind::Referral => "REFERRAL",
            DeadlineKind::Correction => "CORRECTION",
            DeadlineKind::ExtensionNotice => "EXTENSION_NOTICE",
            DeadlineKind::Forwarding => "FORWARDING",
            DeadlineKind::Filing => "FILING",
        }
    }

    /// From the stored text.
    pub fn from_stored(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// `date` plus `months` calendar months, clamped at the month's end (31 January + 1 month is
/// 28 or 29 February).
pub fn add_months(date: Date, months: u8) -> Date {
    let total = i32::from(date.month() as u8) - 1 + i32::from(months);
    let year = date.year() + total.div_euclid(12);
    let month = time::Month::try_from(u8::try_from(total.rem_euclid(12) + 1).unwrap_or(1))
        .unwrap_or(time::Month::January);
    let last = month.length(year);
    Date::from_calendar_date(year, month, date.day().min(last)).unwrap_or(date)
}

/// A term that ends on a day given in calendar terms (the head's extension to `until`, a
/// complaint's months): its last day is the last working day on or before `until` when
/// `working_day` is asked, else `until` itself.
pub fn ending_on(
    calendar: &Calendar,
    kind: DeadlineKind,
    started_at: OffsetDateTime,
    until: Date,
    working_day: bool,
) -> Term {
    let mut last_day = until;
    let mut versions = std::collections::BTreeSet::new();
    let mut provisional = false;
    if working_day {
        loop {
            let day = calendar.is_working_day(last_day);
            versions.insert(day.version.to_string());
            provisional |= day.provisional;
            if day.working {
                break;
            }
            match last_day.previous_day() {
                Some(previous) => last_day = previous,
                None => break,
            }
        }
    }
    let started_on = calendar.almaty().at(started_at).date();
    let due_at = match last_day.next_day() {
        Some(next) => calendar.almaty().start_of_day(next),
        None => calendar.almaty().start_of_day(last_day),
    };
    Term {
        kind,
        started_at,
        received_on: started_on,
        last_day,
        due_at,
        counted: Vec::new(),
        provisional,
        calendar_version: if working_day {
            versions.into_iter().collect::<Vec<_>>().join(",")
        } else {
            CALENDAR_MONTHS.to_owned()
        },
    }
}

/// The years without a calendar data file in which a running term (not met, not superseded)
/// ends: the alert of `/readyz` (such terms are stored provisional and logged when counted).
pub async fn open_in_years_without_data<C: ConnectionTrait>(
    db: &C,
    calendar: &Calendar,
) -> Result<Vec<i32>, sea_orm::DbErr> {
    let open: Vec<OffsetDateTime> = appeal_deadline::Entity::find()
        .select_only()
        .column(appeal_deadline::Column::DueAt)
        .filter(appeal_deadline::Column::Provisional.eq(true))
        .filter(appeal_deadline::Column::MetAt.is_null())
        .filter(appeal_deadline::Column::SupersededAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let with_data: std::collections::BTreeSet<i32> = calendar.years_with_data().collect();
    let years: std::collections::BTreeSet<i32> = open
        .into_iter()
        .map(|due| {
            calendar
                .almaty()
                .at(due - time::Duration::SECOND)
                .date()
                .year()
        })
        .filter(|year| !with_data.contains(year))
        .collect();
    Ok(years.into_iter().collect())
}

/// A running term counted again on the calendar as it is now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recomputed {
    /// The appeal's (or complaint's) number.
    pub appeal: String,
    pub kind: &'static str,
    /// The stored term's versions and end.
    pub old_calendar_version: String,
    /// RFC 3339.
    pub old_due_at: String,
    /// The new term's (equal to the old when only the version changed).
    pub new_calendar_version: String,
    /// RFC 3339.
    pub new_due_at: String,
}

/// Whether a stored term was counted on data that is no longer the calendar's current data.
fn is_stale(calendar: &Calendar, stored_versions: &str) -> bool {
    stored_versions != CALENDAR_MONTHS
        && stored_versions.split(',').any(|version| {
            version
                .parse::<crate::calendar::CalendarVersion>()
                .map_or(true, |version| !calendar.is_current(version))
        })
}

/// The operator's explicit recomputation (`registration-api recompute-deadlines`): every
/// running term (not met, not superseded) counted on calendar data that has changed since is
/// counted again from the same event; the stored term is kept, superseded, and the new one
/// stored beside it, in one transaction. A term that ends on a day the head chose (an
/// extension) is not counted in days and is left as it is. Every change is logged.
pub async fn recompute_stale(
    db: &sea_orm::DatabaseConnection,
    calendar: &Calendar,
    hours: WorkingHours,
    correction_days: u32,
    now: OffsetDateTime,
) -> Result<Vec<Recomputed>, InternalError> {
    use sea_orm::TransactionTrait;
    let open = appeal_deadline::Entity::find()
        .filter(appeal_deadline::Column::MetAt.is_null())
        .filter(appeal_deadline::Column::SupersededAt.is_null())
        .order_by_asc(appeal_deadline::Column::DueAt)
        .all(db)
        .await?;
    let txn = db.begin().await?;
    let mut changed = Vec::new();
    for stored in open {
        if !is_stale(calendar, &stored.calendar_version) || stored.computed_on == "[]" {
            continue;
        }
        let Some(kind) = DeadlineKind::from_stored(&stored.kind) else {
            continue;
        };
        let Some(appeal) = entities::appeal::Entity::find_by_id(stored.appeal_id)
            .one(&txn)
            .await?
        else {
            continue;
        };
        let days = match kind {
            DeadlineKind::Decision => decision_days(super::Procedure::of(&appeal)),
            DeadlineKind::Referral => REFERRAL_DAYS,
            DeadlineKind::Forwarding => FORWARDING_DAYS,
            DeadlineKind::ExtensionNotice => EXTENSION_NOTICE_DAYS,
            DeadlineKind::Correction => correction_days,
            DeadlineKind::Filing => continue,
        };
        let term = count(calendar, hours, kind, stored.started_at, days);
        let mut superseded = stored.clone().into_active_model();
        superseded.superseded_at = Set(Some(now));
        superseded.update(&txn).await?;
        store(&txn, stored.appeal_id, &term).await?;
        tracing::info!(
            appeal = %appeal.number,
            kind = kind.as_str(),
            old_due_at = %signatures::rfc3339(stored.due_at),
            new_due_at = %signatures::rfc3339(term.due_at),
            old_version = %stored.calendar_version,
            new_version = %term.calendar_version,
            "deadline recomputed on the current calendar data"
        );
        changed.push(Recomputed {
            appeal: appeal.number,
            kind: kind.as_str(),
            old_calendar_version: stored.calendar_version,
            old_due_at: signatures::rfc3339(stored.due_at),
            new_calendar_version: term.calendar_version,
            new_due_at: signatures::rfc3339(term.due_at),
        });
    }
    txn.commit().await?;
    Ok(changed)
}

/// Whether a term was missed at `now`: met at or after its `due_at` (the term ends at that
/// instant, so met then is already after it), or still open (not superseded) once it passed.
/// What `Deadline.late` shows, and what a complaint of a missed term is grounded on.
pub fn is_late(term: &appeal_deadline::Model, now: OffsetDateTime) -> bool {
    match term.met_at {
        Some(met) => met >= term.due_at,
        None => term.superseded_at.is_none() && term.due_at <= now,
    }
}

/// The appeal's term of `kind` that runs now: not met and not superseded (the latest, should a
/// bug have left two).
pub async fn active<C: ConnectionTrait>(
    db: &C,
    appeal_id: Uuid,
    kind: DeadlineKind,
) -> Result<Option<appeal_deadline::Model>, sea_orm::DbErr> {
    appeal_deadline::Entity::find()
        .filter(appeal_deadline::Column::AppealId.eq(appeal_id))
        .filter(appeal_deadline::Column::Kind.eq(kind.as_str()))
        .filter(appeal_deadline::Column::MetAt.is_null())
        .filter(appeal_deadline::Column::SupersededAt.is_null())
        .order_by_desc(appeal_deadline::Column::StartedAt)
        .one(db)
        .await
}

/// The first term of `kind` the appeal got (the decision term an extension is capped from).
pub async fn first<C: ConnectionTrait>(
    db: &C,
    appeal_id: Uuid,
    kind: DeadlineKind,
) -> Result<Option<appeal_deadline::Model>, sea_orm::DbErr> {
    appeal_deadline::Entity::find()
        .filter(appeal_deadline::Column::AppealId.eq(appeal_id))
        .filter(appeal_deadline::Column::Kind.eq(kind.as_str()))
        .order_by_asc(appeal_deadline::Column::StartedAt)
        .one(db)
        .await
}

/// Marks the running term of `kind` met at `at` (nothing when none runs).
pub async fn meet<C: ConnectionTrait>(
    db: &C,
    appeal_id: Uuid,
    kind: DeadlineKind,
    at: OffsetDateTime,
) -> Result<(), sea_orm::DbErr> {
    if let Some(deadline) = active(db, appeal_id, kind).await? {
        let mut met = deadline.into_active_model();
        met.met_at = Set(Some(at));
        met.update(db).await?;
    }
    Ok(())
}

/// Closes a running referral term that no longer applies: the body kept the appeal (decided
/// or extended it), or the appeal ended otherwise (withdrawn, returned, deemed refused). Marked
/// superseded, not met: nothing was referred, and nothing was late.
pub async fn close_referral<C: ConnectionTrait>(
    db: &C,
    appeal_id: Uuid,
    at: OffsetDateTime,
) -> Result<(), sea_orm::DbErr> {
    supersede(db, appeal_id, DeadlineKind::Referral, at)
        .await
        .map(|_| ())
}

/// Marks the running term of `kind` superseded at `at` by a new one (kept as it was).
pub async fn supersede<C: ConnectionTrait>(
    db: &C,
    appeal_id: Uuid,
    kind: DeadlineKind,
    at: OffsetDateTime,
) -> Result<Option<appeal_deadline::Model>, sea_orm::DbErr> {
    let Some(deadline) = active(db, appeal_id, kind).await? else {
        return Ok(None);
    };
    let mut superseded = deadline.into_active_model();
    superseded.superseded_at = Set(Some(at));
    Ok(Some(superseded.update(db).await?))
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
        superseded_at: Set(None),
    }
    .insert(db)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_are_added_and_clamped_at_the_months_end() {
        assert_eq!(add_months(date!(2025 - 01 - 31), 1), date!(2025 - 02 - 28));
        assert_eq!(add_months(date!(2024 - 12 - 31), 2), date!(2025 - 02 - 28));
        assert_eq!(add_months(date!(2023 - 12 - 30), 2), date!(2024 - 02 - 29));
        assert_eq!(add_months(date!(2025 - 11 - 15), 3), date!(2026 - 02 - 15));
        assert_eq!(add_months(date!(2025 - 03 - 10), 0), date!(2025 - 03 - 10));
    }

    #[test]
    fn a_term_ending_on_a_day_off_ends_on_the_working_day_before() {
        let calendar = Calendar::bundled().expect("calendar");
        // 2025-03-22 is a Saturday inside Nauryz (21-23 March, moved to Monday 24th): the last
        // working day on or before it is Thursday 20 March.
        let term = ending_on(
            &calendar,
            DeadlineKind::Decision,
            time::macros::datetime!(2025-01-10 05:00 UTC),
            date!(2025 - 03 - 22),
            true,
        );
        assert_eq!(term.last_day, date!(2025 - 03 - 20));
        assert_eq!(
            term.due_at,
            time::macros::datetime!(2025-03-20 19:00 UTC),
            "24:00 in Almaty (UTC+5 in 2025)"
        );
        let months = ending_on(
            &calendar,
            DeadlineKind::Filing,
            time::macros::datetime!(2025-01-10 05:00 UTC),
            date!(2025 - 03 - 22),
            false,
        );
        assert_eq!(months.last_day, date!(2025 - 03 - 22));
        assert_eq!(months.calendar_version, CALENDAR_MONTHS);
    }
}
