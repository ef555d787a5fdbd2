//! Complaints against an administrative act, action or inaction: a refused application, a
//! decided or deemed-refused appeal, a missed deadline. A complaint is a row of the appeal
//! table (`procedure = COMPLAINT`) and shares its filing, receipt, correction, deadlines and
//! history; what it is against, and so the body complained of, the body that hears it and when
//! the person learned of the act, comes from the record, never from the filer.
//!
//! The path: filed through the body complained of (`RECEIVED`), which within 3 working days
//! forwards it (`FORWARDED`) or satisfies it itself (`SATISFIED_BY_BODY`, art. 92); the hearing
//! body decides a late complaint's restoration first (`RESTORATION_DENIED` ends it), then
//! decides it within 5 working days of receipt with a signed act that may cancel the act
//! complained of and reopen it.

use super::deadlines::{self, DeadlineKind};
use super::draft::{self, AppealError, AppealFields, ComplaintPart};
use super::review::{self, Outcome, ReviewError};
use super::{Actor, AppealStatus, Procedure, handling_body};
use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::{ActorRole, ApplicationStatus, MultilineText};
use crate::service::InternalError;
use entities::enums::EventEntityKind;
use entities::{appeal, appeal_deadline, application, event, signing_request};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use time::OffsetDateTime;
use uuid::Uuid;

/// What a complaint is against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Against {
    /// A refused application (the act: the refusal).
    Refusal,
    /// A decided or deemed-refused appeal.
    AppealDecision,
    /// A deadline the body missed (inaction).
    MissedDeadline,
}

impl Against {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Against::Refusal => "REFUSAL",
            Against::AppealDecision => "APPEAL_DECISION",
            Against::MissedDeadline => "MISSED_DEADLINE",
        }
    }

    /// From the stored text.
    pub fn from_stored(text: &str) -> Option<Self> {
        [
            Against::Refusal,
            Against::AppealDecision,
            Against::MissedDeadline,
        ]
        .into_iter()
        .find(|a| a.as_str() == text)
    }
}

/// The application or appeal a complaint names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Application(Uuid),
    Appeal(Uuid),
}

/// A complaint as the filer gives it: the filer's fields (as an appeal's; the body and the
/// application are the service's to fill in), what it is against, and, for a late one, why its
/// term should be restored.
#[derive(Debug, Clone)]
pub struct ComplaintFields {
    pub filer: AppealFields,
    pub target: Target,
    pub restoration_reason: Option<String>,
}

/// What the record says a complaint against `target` is.
#[derive(Debug, Clone)]
struct Grounds {
    against: Against,
    body_complained_of: String,
    learned_at: OffsetDateTime,
    application_id: Option<Uuid>,
}

/// When the person learned of the refusal: the time of its notification (the event) on record.
async fn refusal_notified_at(
    ctx: &ServiceContext,
    app: &application::Model,
) -> Result<Option<OffsetDateTime>, InternalError> {
    let refused = entities::enums::ApplicationStatus::from(ApplicationStatus::Refused);
    let notified = event::Entity::find()
        .filter(event::Column::EntityKind.eq(EventEntityKind::Application))
        .filter(event::Column::EntityId.eq(app.id))
        .filter(event::Column::ToStatus.eq(sea_orm::ActiveEnum::to_value(&refused)))
        .order_by_desc(event::Column::Id)
        .one(&ctx.db)
        .await?;
    Ok(notified.map(|e| e.at).or(app.decided_at))
}

/// The first deadline of the appeal the body missed, by `now`: met late, or running past due.
async fn missed_deadline(
    ctx: &ServiceContext,
    appeal_id: Uuid,
    now: OffsetDateTime,
) -> Result<Option<OffsetDateTime>, InternalError> {
    let terms = appeal_deadline::Entity::find()
        .filter(appeal_deadline::Column::AppealId.eq(appeal_id))
        .order_by_asc(appeal_deadline::Column::DueAt)
        .all(&ctx.db)
        .await?;
    Ok(terms
        .into_iter()
        // The applicant's own correction term is not the body's to miss.
        .filter(|t| t.kind != DeadlineKind::Correction.as_str())
        .filter(|t| t.kind != DeadlineKind::Filing.as_str())
        // An open referral term is a duty only if the body lacks authority: not referring is
        // no missed deadline; referring late is.
        .filter(|t| t.met_at.is_some() || t.kind != DeadlineKind::Referral.as_str())
        .find(|t| deadlines::is_late(t, now))
        .map(|t| t.due_at))
}

async fn grounds(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    target: Target,
    now: OffsetDateTime,
) -> Result<Grounds, AppealError> {
    match target {
        Target::Application(id) => {
            let Some(app) = crate::service::applications::find(ctx, viewer, id).await? else {
                return Err(AppealError::NotFound);
            };
            let Some(body) = app.body_bin.clone() else {
                return Err(AppealError::NothingToComplainOf);
            };
            let status = ApplicationStatus::from(app.status);
            if status == ApplicationStatus::Refused {
                let learned_at = refusal_notified_at(ctx, &app)
                    .await?
                    .ok_or(AppealError::NothingToComplainOf)?;
                return Ok(Grounds {
                    against: Against::Refusal,
                    body_complained_of: body,
                    learned_at,
                    application_id: Some(app.id),
                });
            }
            // DOMAIN: the service time is a deadline of the body: an application still not
            // decided after it is an inaction one may complain of.
            match app.service_deadline {
                Some(deadline)
                    if deadline <= now && !status.is_final() && app.decided_at.is_none() =>
                {
                    Ok(Grounds {
                        against: Against::MissedDeadline,
                        body_complained_of: body,
                        learned_at: deadline,
                        application_id: Some(app.id),
                    })
                }
                _ => Err(AppealError::NothingToComplainOf),
            }
        }
        Target::Appeal(id) => {
            let Some(complained) = super::find(ctx, viewer, id).await? else {
                return Err(AppealError::NotFound);
            };
            if Procedure::of(&complained) != Procedure::Appeal {
                return Err(AppealError::NothingToComplainOf);
            }
            let body = handling_body(&complained).to_owned();
            match super::status(&complained) {
                Some(AppealStatus::Decided) => Ok(Grounds {
                    against: Against::AppealDecision,
                    body_complained_of: body,
                    learned_at: complained.decided_at.unwrap_or(now),
                    application_id: complained.application_id,
                }),
                Some(AppealStatus::DeemedRefused) => Ok(Grounds {
                    against: Against::AppealDecision,
                    body_complained_of: body,
                    learned_at: complained.deemed_refused_at.unwrap_or(now),
                    application_id: complained.application_id,
                }),
                _ => match missed_deadline(ctx, complained.id, now).await? {
                    Some(learned_at) => Ok(Grounds {
                        against: Against::MissedDeadline,
                        body_complained_of: body,
                        learned_at,
                        application_id: complained.application_id,
                    }),
                    None => Err(AppealError::NothingToComplainOf),
                },
            }
        }
    }
}

/// The body that hears complaints against `body`: the one above it, or (a body with none
/// above it in the list) the body itself.
// DOMAIN: complaints: heard by the higher body, filed through the body complained of.
pub async fn hearing_body(ctx: &ServiceContext, body: &str) -> Result<String, InternalError> {
    Ok(super::body(ctx, body)
        .await?
        .and_then(|b| b.parent_bin)
        .unwrap_or_else(|| body.to_owned()))
}

/// Where and until when a refused application can be complained of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppealRoute {
    /// The body that refused it, through which the complaint is filed.
    pub body_complained_of: String,
    /// The body that hears the complaint.
    pub hearing_body: String,
    /// When the applicant was notified of the refusal.
    pub learned_at: OffsetDateTime,
    /// The end of the 3 months: 24:00 Almaty time of their last day (filed later, a complaint
    /// is still received, with a request to restore the term).
    pub deadline: OffsetDateTime,
}

/// The appeal route of a refused application (`None` for any other).
// DOMAIN: complaints: filed with the body whose act is complained of, heard by the higher
// body, no later than 3 months from the day the participant learned of it.
pub async fn appeal_route(
    ctx: &ServiceContext,
    app: &application::Model,
) -> Result<Option<AppealRoute>, InternalError> {
    if ApplicationStatus::from(app.status) != ApplicationStatus::Refused {
        return Ok(None);
    }
    let (Some(body), Some(learned_at)) =
        (app.body_bin.clone(), refusal_notified_at(ctx, app).await?)
    else {
        return Ok(None);
    };
    let learned_on = ctx.calendar.almaty().at(learned_at).date();
    let term = deadlines::ending_on(
        &ctx.calendar,
        DeadlineKind::Filing,
        learned_at,
        deadlines::add_months(learned_on, deadlines::COMPLAINT_MONTHS),
        false,
    );
    Ok(Some(AppealRoute {
        hearing_body: hearing_body(ctx, &body).await?,
        body_complained_of: body,
        learned_at,
        deadline: term.due_at,
    }))
}

/// Makes a `DRAFT` complaint and its signing request (filed with `fileComplaint`, as an
/// appeal is: the same signing subject).
#[tracing::instrument(skip_all)]
pub async fn prepare(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    fields: &ComplaintFields,
) -> Result<(appeal::Model, signing_request::Model), AppealError> {
    let now = ctx.clock.now();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let grounds = grounds(ctx, viewer, fields.target, now).await?;
    let restoration_reason = fields
        .restoration_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| {
            MultilineText::parse(r, review::MAX_REASON)
                .map(|t| t.as_str().to_owned())
                .map_err(|_| AppealError::Invalid(draft::Field::Reason))
        })
        .transpose()?;
    let mut filer = fields.filer.clone();
    filer.body_bin = grounds.body_complained_of.clone();
    filer.application_id = None;
    let mut checked = draft::check(ctx, viewer, &filer, now).await?;
    checked.application_id = grounds.application_id;
    let part = ComplaintPart {
        against: grounds.against.as_str(),
        target_id: match fields.target {
            Target::Application(id) | Target::Appeal(id) => id,
        },
        learned_at: grounds.learned_at,
        hearing_body_bin: hearing_body(ctx, &grounds.body_complained_of).await?,
        restoration_reason,
    };
    draft::create(ctx, viewer, &checked, Some(&part), now).await
}

/// Whether a complaint's decision with `outcome` may cancel the act complained of: only a
/// satisfied complaint against an act (a refusal, an appeal's decision or deemed refusal).
pub fn may_cancel(complaint: &appeal::Model, outcome: Outcome) -> bool {
    matches!(outcome, Outcome::Satisfied | Outcome::SatisfiedByBody)
        && matches!(
            complaint.against.as_deref().and_then(Against::from_stored),
            Some(Against::Refusal | Against::AppealDecision)
        )
}

/// Cancels the act a satisfied complaint was against, in its transaction: a refused
/// application goes back to review with a new service time; a decided or deemed-refused appeal
/// is received again with a new decision term.
// DOMAIN: complaints: a decision can cancel the act and reopen the application or appeal.
pub(crate) async fn reopen_target(
    ctx: &ServiceContext,
    txn: &DatabaseTransaction,
    officer: &SignedIn,
    complaint: &appeal::Model,
    now: OffsetDateTime,
) -> Result<(), ReviewError> {
    let Some(target_id) = complaint.target_id else {
        return Err(ReviewError::NothingToCancel);
    };
    let why = format!(
        "the act was cancelled on complaint No. {}",
        complaint.number
    );
    match complaint.against.as_deref().and_then(Against::from_stored) {
        Some(Against::Refusal) => {
            let Some(app) = crate::service::applications::lock(txn, target_id).await? else {
                return Err(ReviewError::NothingToCancel);
            };
            crate::service::review::cancel_decision(txn, app.id, now).await?;
            crate::service::applications::reopen(
                txn,
                &app,
                crate::service::applications::Actor {
                    person: Some(officer.person_id),
                    role: ActorRole::Officer,
                    reason: Some(why),
                },
                now,
            )
            .await
            .map_err(|error| match error {
                crate::service::applications::DraftError::Internal(internal) => {
                    ReviewError::Internal(internal)
                }
                _ => ReviewError::NothingToCancel,
            })?;
            Ok(())
        }
        Some(Against::AppealDecision) => {
            let Some(decided) = super::lock(txn, target_id).await? else {
                return Err(ReviewError::NothingToCancel);
            };
            let from = super::status(&decided);
            if !from.is_some_and(|s| s.may_become(AppealStatus::Received)) {
                return Err(ReviewError::NothingToCancel);
            }
            // The term that ran out (a deemed refusal) is replaced, not left to expire again.
            deadlines::supersede(txn, decided.id, DeadlineKind::Decision, now).await?;
            let term = deadlines::count(
                &ctx.calendar,
                ctx.settings.working_hours,
                DeadlineKind::Decision,
                now,
                deadlines::DECISION_DAYS,
            );
            deadlines::store(txn, decided.id, &term).await?;
            let mut reopened = decided.clone().into_active_model();
            reopened.term_ended_at = Set(None);
            reopened.deemed_refused_at = Set(None);
            reopened.status = Set(AppealStatus::Received.as_str().to_owned());
            reopened.outcome = Set(None);
            reopened.decision_reason = Set(None);
            reopened.decided_at = Set(None);
            reopened.decided_by = Set(None);
            reopened.decision_signature_id = Set(None);
            review::save(
                txn,
                &decided,
                reopened,
                from,
                &Actor {
                    person: Some(officer.person_id),
                    role: ActorRole::Officer,
                    reason: Some(why),
                },
                now,
            )
            .await?;
            Ok(())
        }
        _ => Err(ReviewError::NothingToCancel),
    }
}

fn required_reason(text: Option<&str>) -> Result<String, ReviewError> {
    let text = text
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or(ReviewError::ReasonRequired)?;
    MultilineText::parse(text, review::MAX_REASON)
        .map(|t| t.as_str().to_owned())
        .map_err(|_| ReviewError::Invalid("reason"))
}

fn officer_actor(officer: &SignedIn, reason: Option<String>) -> Actor {
    Actor {
        person: Some(officer.person_id),
        role: ActorRole::Officer,
        reason,
    }
}

async fn load_complaint<C: ConnectionTrait>(
    db: &C,
    officer: &SignedIn,
    id: Uuid,
    version: i32,
    body_of: impl Fn(&appeal::Model) -> Option<&str>,
) -> Result<appeal::Model, ReviewError> {
    let current = review::load_for(db, officer, id, version, body_of).await?;
    if Procedure::of(&current) != Procedure::Complaint {
        return Err(ReviewError::NotFound);
    }
    Ok(current)
}

/// The body complained of satisfies the complaint itself, within its forwarding term, and may
/// cancel its act at once.
// DOMAIN: complaints: art. 92 of the Administrative Procedure Code: the body complained of may
// not forward the complaint when within three working days of its receipt it adopts an act, or
// takes the action, that fully satisfies it (see deadlines::FORWARDING_DAYS).
#[tracing::instrument(skip_all)]
pub async fn satisfy(
    ctx: &ServiceContext,
    officer: &SignedIn,
    id: Uuid,
    version: i32,
    why: Option<&str>,
    cancel_act: bool,
) -> Result<appeal::Model, ReviewError> {
    let why = required_reason(why)?;
    let now = ctx.clock.now();
    let txn = ctx.db.begin().await?;
    let current = load_complaint(&txn, officer, id, version, |c| Some(&c.body_bin)).await?;
    let from = super::status(&current);
    if from != Some(AppealStatus::Received) {
        return Err(ReviewError::NotPending);
    }
    let forwarding = deadlines::active(&txn, current.id, DeadlineKind::Forwarding).await?;
    if forwarding.is_none_or(|term| now >= term.due_at) {
        return Err(ReviewError::ForwardingDeadlinePassed);
    }
    if cancel_act && !may_cancel(&current, Outcome::SatisfiedByBody) {
        return Err(ReviewError::NothingToCancel);
    }
    deadlines::meet(&txn, current.id, DeadlineKind::Forwarding, now).await?;
    deadlines::meet(&txn, current.id, DeadlineKind::Decision, now).await?;
    let mut changed = current.clone().into_active_model();
    changed.status = Set(AppealStatus::SatisfiedByBody.as_str().to_owned());
    changed.outcome = Set(Some(Outcome::SatisfiedByBody.as_str().to_owned()));
    changed.decision_reason = Set(Some(why.clone()));
    changed.decided_at = Set(Some(now));
    changed.decided_by = Set(Some(officer.person_id));
    changed.act_cancelled = Set(cancel_act);
    let satisfied = review::save(
        &txn,
        &current,
        changed,
        from,
        &officer_actor(officer, Some(why)),
        now,
    )
    .await?;
    if cancel_act {
        reopen_target(ctx, &txn, officer, &satisfied, now).await?;
    }
    txn.commit().await?;
    Ok(satisfied)
}

/// The body complained of forwards the complaint, with its case, to the body that hears it.
#[tracing::instrument(skip_all)]
pub async fn forward(
    ctx: &ServiceContext,
    officer: &SignedIn,
    id: Uuid,
    version: i32,
) -> Result<appeal::Model, ReviewError> {
    let now = ctx.clock.now();
    let txn = ctx.db.begin().await?;
    let current = load_complaint(&txn, officer, id, version, |c| Some(&c.body_bin)).await?;
    let from = super::status(&current);
    if from != Some(AppealStatus::Received) {
        return Err(ReviewError::NotPending);
    }
    deadlines::meet(&txn, current.id, DeadlineKind::Forwarding, now).await?;
    let mut changed = current.clone().into_active_model();
    changed.status = Set(AppealStatus::Forwarded.as_str().to_owned());
    changed.handling_body_bin = Set(current.hearing_body_bin.clone());
    changed.forwarded_at = Set(Some(now));
    let forwarded = review::save(
        &txn,
        &current,
        changed,
        from,
        &officer_actor(officer, Some("forwarded to the hearing body".to_owned())),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(forwarded)
}

/// The hearing body grants or denies a late complaint's request to restore its term. Denied,
/// the complaint is not considered (`RESTORATION_DENIED`); granted, it proceeds.
// DOMAIN: complaints: a deadline missed for a good reason may be restored on request by the
// body considering the complaint.
#[tracing::instrument(skip_all)]
pub async fn decide_restoration(
    ctx: &ServiceContext,
    officer: &SignedIn,
    id: Uuid,
    version: i32,
    granted: bool,
    why: Option<&str>,
) -> Result<appeal::Model, ReviewError> {
    let why = required_reason(why)?;
    let now = ctx.clock.now();
    let txn = ctx.db.begin().await?;
    let current = load_complaint(&txn, officer, id, version, |c| {
        c.hearing_body_bin.as_deref()
    })
    .await?;
    let from = super::status(&current);
    if from != Some(AppealStatus::Forwarded) || !current.late || current.restoration.is_some() {
        return Err(ReviewError::NotPending);
    }
    let mut changed = current.clone().into_active_model();
    changed.restoration = Set(Some(if granted { "GRANTED" } else { "DENIED" }.to_owned()));
    if !granted {
        deadlines::meet(&txn, current.id, DeadlineKind::Decision, now).await?;
        changed.status = Set(AppealStatus::RestorationDenied.as_str().to_owned());
    }
    let decided = review::save(
        &txn,
        &current,
        changed,
        from,
        &officer_actor(
            officer,
            Some(format!(
                "restoration of the term {}: {why}",
                if granted { "granted" } else { "denied" }
            )),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(decided)
}
