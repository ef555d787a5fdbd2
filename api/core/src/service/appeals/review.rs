//! The bodies' side of appeals and complaints: the lists of what a body considers, the
//! referral to the authorised body, and the acts an officer signs with the body's key through
//! the one signing contract: a decision on an appeal, the head's extension of its term, a
//! decision on a complaint (which may cancel the act complained of and reopen it).

use super::deadlines::{self, DeadlineKind};
use super::{Actor, AppealStatus, Procedure, handling_body};
use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::{ActorRole, MultilineText};
use crate::service::InternalError;
use crate::service::keyset::{self, Direction};
use crate::service::review::decisions::OFFICER_ROLES;
use crate::service::signing::{
    self, KeyRequirements, NewSigningRequest, SignError, SigningMethod, SigningSubject,
};
use async_trait::async_trait;
use entities::enums::{KeyPurpose, SignaturePurpose, SigningSubjectKind};
use entities::{appeal, signing_request};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, Set, TransactionTrait,
};
use serde_json::json;
use signatures::rfc3339;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The `type` of a body's act's signing payload.
pub const ACT_PAYLOAD_TYPE: &str = "registration-kz/appeal-act";

/// The role OID of the head of an organisation in NCA RK's certificates: only the head's key
/// signs an extension.
// DOMAIN: appeals: the head of the body may extend the term by a reasoned decision.
pub const HEAD_ROLE: &str = "1.2.398.3.3.4.1.2.1";

/// Longest reason of a body's act, in characters.
pub const MAX_REASON: usize = 5000;

/// How an appeal or complaint is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The applicant's request is granted.
    Satisfied,
    /// It is refused (with the reasons).
    Refused,
    /// A complaint the body complained of satisfied itself before forwarding it.
    SatisfiedByBody,
}

impl Outcome {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Satisfied => "SATISFIED",
            Outcome::Refused => "REFUSED",
            Outcome::SatisfiedByBody => "SATISFIED_BY_BODY",
        }
    }

    /// From the stored text.
    pub fn from_stored(text: &str) -> Option<Self> {
        [
            Outcome::Satisfied,
            Outcome::Refused,
            Outcome::SatisfiedByBody,
        ]
        .into_iter()
        .find(|o| o.as_str() == text)
    }
}

/// Why a body's step on an appeal or complaint was not taken.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// No such appeal, or not one the officer's body handles.
    #[error("not found")]
    NotFound,
    /// Not an officer of the body this step belongs to (or not the head, for an extension).
    #[error("not allowed")]
    NotAllowed,
    /// The version is stale.
    #[error("the appeal changed meanwhile")]
    Conflict,
    /// Its status does not allow the step.
    #[error("the appeal's status does not allow this")]
    NotPending,
    /// The body referred to is not known.
    #[error("unknown administrative body")]
    UnknownBody,
    /// Referred to the body that already handles it.
    #[error("the appeal is already with that body")]
    SameBody,
    /// A refusal, a referral, an extension and a restoration need their reasons.
    #[error("the reason is required")]
    ReasonRequired,
    /// A malformed value (the field named).
    #[error("malformed: {0}")]
    Invalid(&'static str),
    /// The extension would pass 2 calendar months beyond the first term: the latest day.
    #[error("at most until {0}")]
    ExtensionTooLong(Date),
    /// The body complained of may satisfy a complaint only within its forwarding term.
    #[error("the forwarding term has passed")]
    ForwardingDeadlinePassed,
    /// A late complaint: the restoration of its term must be decided first.
    #[error("the restoration of the term is undecided")]
    RestorationUndecided,
    /// Cancelling the act: only with a satisfied complaint against a refusal or a decision.
    #[error("nothing to cancel")]
    NothingToCancel,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for ReviewError {
    fn from(error: sea_orm::DbErr) -> Self {
        ReviewError::Internal(error.into())
    }
}

/// Which list an officer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewList {
    /// The appeals the officer's body considers now.
    Appeals,
    /// The complaints against the officer's body, and those it hears.
    Complaints,
}

fn officer_body(officer: &SignedIn) -> Option<&str> {
    officer.officer_of.as_deref()
}

/// Rows the body handles now (the addressed one until referred).
fn handled_by(body: &str) -> Condition {
    Condition::any()
        .add(appeal::Column::HandlingBodyBin.eq(body))
        .add(
            Condition::all()
                .add(appeal::Column::HandlingBodyBin.is_null())
                .add(appeal::Column::BodyBin.eq(body)),
        )
}

/// May this officer read the appeal or complaint? Officers of the body addressed (or
/// complained of), of the body that handles it now, and of the body that hears a complaint.
pub fn may_handle_read(officer: &SignedIn, appeal: &appeal::Model) -> bool {
    let Some(body) = officer_body(officer) else {
        return false;
    };
    super::status(appeal) != Some(AppealStatus::Draft)
        && (appeal.body_bin == body
            || handling_body(appeal) == body
            || appeal.hearing_body_bin.as_deref() == Some(body))
}

/// One page of the list, oldest first (the soonest terms first), and how many there are.
pub async fn list(
    ctx: &ServiceContext,
    officer: &SignedIn,
    which: ReviewList,
    statuses: &[AppealStatus],
    after: Option<(OffsetDateTime, Uuid)>,
    limit: u64,
) -> Result<(Vec<appeal::Model>, u64), InternalError> {
    let Some(body) = officer_body(officer) else {
        return Ok((Vec::new(), 0));
    };
    let mut query = appeal::Entity::find()
        .filter(appeal::Column::Status.ne(AppealStatus::Draft.as_str()))
        .filter(appeal::Column::Status.is_in(statuses.iter().map(|s| s.as_str())));
    query = match which {
        ReviewList::Appeals => query
            .filter(appeal::Column::Procedure.eq(Procedure::Appeal.as_str()))
            .filter(handled_by(body)),
        ReviewList::Complaints => query
            .filter(appeal::Column::Procedure.eq(Procedure::Complaint.as_str()))
            .filter(
                Condition::any()
                    .add(appeal::Column::BodyBin.eq(body))
                    .add(appeal::Column::HearingBodyBin.eq(body)),
            ),
    };
    let total = query.clone().count(&ctx.db).await?;
    let page = keyset::page(
        query,
        (appeal::Column::CreatedAt, appeal::Column::Id),
        Direction::Ascending,
        after,
        limit,
    )
    .all(&ctx.db)
    .await?;
    Ok((page, total))
}

/// A reason given, checked.
fn reason(text: Option<&str>) -> Result<Option<String>, ReviewError> {
    text.map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| {
            MultilineText::parse(r, MAX_REASON)
                .map(|t| t.as_str().to_owned())
                .map_err(|_| ReviewError::Invalid("reason"))
        })
        .transpose()
}

/// Locks the row and checks the version and that the officer's body is `body_of(row)`.
pub(crate) async fn load_for<C: ConnectionTrait>(
    db: &C,
    officer: &SignedIn,
    id: Uuid,
    version: i32,
    body_of: impl Fn(&appeal::Model) -> Option<&str>,
) -> Result<appeal::Model, ReviewError> {
    let Some(current) = super::lock(db, id).await? else {
        return Err(ReviewError::NotFound);
    };
    if !may_handle_read(officer, &current) {
        return Err(ReviewError::NotFound);
    }
    if body_of(&current) != officer_body(officer) {
        return Err(ReviewError::NotAllowed);
    }
    if current.version != version {
        return Err(ReviewError::Conflict);
    }
    Ok(current)
}

/// The changed row as stored, with its history and event.
pub(crate) async fn save<C: ConnectionTrait>(
    db: &C,
    current: &appeal::Model,
    mut changed: appeal::ActiveModel,
    from: Option<AppealStatus>,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<appeal::Model, ReviewError> {
    changed.version = Set(current.version + 1);
    let saved = changed.update(db).await?;
    super::record_change(db, &saved, from, actor, now).await?;
    Ok(saved)
}

fn officer_actor(officer: &SignedIn, reason: Option<String>) -> Actor {
    Actor {
        person: Some(officer.person_id),
        role: ActorRole::Officer,
        reason,
    }
}

/// Refers an appeal to the authorised body, notifying the applicant at once (the event of the
/// change is their notification). The referral term is met now, late or not; the authorised
/// body's decision term runs from now.
// DOMAIN: referral: an appeal received by a body without authority over it is referred to the
// authorised body no later than 3 working days after receipt, notifying the participant at the
// same time (a later referral is allowed, and recorded late).
#[tracing::instrument(skip_all)]
pub async fn refer(
    ctx: &ServiceContext,
    officer: &SignedIn,
    id: Uuid,
    version: i32,
    to_body: &str,
    why: Option<&str>,
) -> Result<appeal::Model, ReviewError> {
    let why = reason(why)?.ok_or(ReviewError::ReasonRequired)?;
    let to_body =
        crate::domain::Bin::parse(to_body.trim()).map_err(|_| ReviewError::Invalid("bodyBin"))?;
    if super::body(ctx, to_body.as_str()).await?.is_none() {
        return Err(ReviewError::UnknownBody);
    }
    let now = ctx.clock.now();
    let txn = ctx.db.begin().await?;
    let current = load_for(&txn, officer, id, version, |a| Some(handling_body(a))).await?;
    let from = super::status(&current);
    if Procedure::of(&current) != Procedure::Appeal
        || !from.is_some_and(|s| s.may_become(AppealStatus::Referred))
    {
        return Err(ReviewError::NotPending);
    }
    if handling_body(&current) == to_body.as_str() {
        return Err(ReviewError::SameBody);
    }
    deadlines::meet(&txn, current.id, DeadlineKind::Referral, now).await?;
    deadlines::supersede(&txn, current.id, DeadlineKind::Decision, now).await?;
    let term = deadlines::count(
        &ctx.calendar,
        ctx.settings.working_hours,
        DeadlineKind::Decision,
        now,
        deadlines::DECISION_DAYS,
    );
    deadlines::store(&txn, current.id, &term).await?;
    let mut changed = current.clone().into_active_model();
    changed.status = Set(AppealStatus::Referred.as_str().to_owned());
    changed.handling_body_bin = Set(Some(to_body.as_str().to_owned()));
    changed.referred_at = Set(Some(now));
    let referred = save(
        &txn,
        &current,
        changed,
        from,
        &officer_actor(
            officer,
            Some(format!("referred to {}: {why}", to_body.as_str())),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(referred)
}

/// A body's act to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    /// The decision on an appeal (or, with `cancel_act`, on a complaint).
    Decision {
        outcome: Outcome,
        reason: Option<String>,
        /// A complaint's decision cancels the act complained of and reopens it.
        cancel_act: bool,
    },
    /// The head's extension of an appeal's term to `until`, decided at `decided_at`.
    Extension {
        until: Date,
        reason: Option<String>,
        decided_at: Option<OffsetDateTime>,
    },
}

impl Act {
    fn name(&self) -> &'static str {
        match self {
            Act::Decision { .. } => "DECISION",
            Act::Extension { .. } => "EXTENSION",
        }
    }
}

/// The latest day an extension may reach: 2 calendar months after the first decision term's
/// last day, clamped at the month's end.
pub async fn extension_limit<C: ConnectionTrait>(
    db: &C,
    ctx: &ServiceContext,
    appeal_id: Uuid,
) -> Result<Option<Date>, sea_orm::DbErr> {
    Ok(deadlines::first(db, appeal_id, DeadlineKind::Decision)
        .await?
        .map(|first| {
            let last_day = ctx
                .calendar
                .almaty()
                .at(first.due_at - time::Duration::SECOND)
                .date();
            deadlines::add_months(last_day, deadlines::MAX_EXTENSION_MONTHS)
        }))
}

/// Checks an act against the row as it is; returns the act with its reason checked.
async fn check_act<C: ConnectionTrait>(
    db: &C,
    ctx: &ServiceContext,
    current: &appeal::Model,
    act: &Act,
    now: OffsetDateTime,
) -> Result<Act, ReviewError> {
    let status = super::status(current);
    let procedure = Procedure::of(current);
    match act {
        Act::Decision {
            outcome,
            reason: why,
            cancel_act,
        } => {
            let why = reason(why.as_deref())?;
            let pending = match procedure {
                Procedure::Appeal => {
                    matches!(
                        status,
                        Some(AppealStatus::Received | AppealStatus::Referred)
                    )
                }
                Procedure::Complaint => status == Some(AppealStatus::Forwarded),
            };
            if !pending || *outcome == Outcome::SatisfiedByBody {
                return Err(if pending {
                    ReviewError::Invalid("outcome")
                } else {
                    ReviewError::NotPending
                });
            }
            if *outcome == Outcome::Refused && why.is_none() {
                return Err(ReviewError::ReasonRequired);
            }
            if procedure == Procedure::Complaint
                && current.late
                && current.restoration.as_deref() != Some("GRANTED")
            {
                return Err(ReviewError::RestorationUndecided);
            }
            if *cancel_act && !super::complaints::may_cancel(current, *outcome) {
                return Err(ReviewError::NothingToCancel);
            }
            Ok(Act::Decision {
                outcome: *outcome,
                reason: why,
                cancel_act: *cancel_act,
            })
        }
        Act::Extension {
            until,
            reason: why,
            decided_at,
        } => {
            let why = reason(why.as_deref())?.ok_or(ReviewError::ReasonRequired)?;
            if procedure != Procedure::Appeal
                || !matches!(
                    status,
                    Some(AppealStatus::Received | AppealStatus::Referred)
                )
            {
                return Err(ReviewError::NotPending);
            }
            let decided_at = decided_at.unwrap_or(now);
            if decided_at > now || current.received_at.is_none_or(|r| decided_at < r) {
                return Err(ReviewError::Invalid("decidedAt"));
            }
            let running = deadlines::active(db, current.id, DeadlineKind::Decision)
                .await?
                .ok_or(ReviewError::NotPending)?;
            let almaty = ctx.calendar.almaty();
            let running_last_day = almaty.at(running.due_at - time::Duration::SECOND).date();
            if *until <= running_last_day {
                return Err(ReviewError::Invalid("until"));
            }
            let limit = extension_limit(db, ctx, current.id)
                .await?
                .ok_or(ReviewError::NotPending)?;
            if *until > limit {
                return Err(ReviewError::ExtensionTooLong(limit));
            }
            Ok(Act::Extension {
                until: *until,
                reason: Some(why),
                decided_at: Some(decided_at),
            })
        }
    }
}

/// The body whose officers sign the act on this row: the handling body for an appeal, the
/// hearing body for a complaint.
fn acting_body(appeal: &appeal::Model) -> Option<&str> {
    match Procedure::of(appeal) {
        Procedure::Appeal => Some(handling_body(appeal)),
        Procedure::Complaint => appeal.hearing_body_bin.as_deref(),
    }
}

/// Creates the signing request of a body's act on the appeal (or complaint) at `version`.
#[tracing::instrument(skip_all)]
pub async fn prepare_act(
    ctx: &ServiceContext,
    officer: &SignedIn,
    id: Uuid,
    version: i32,
    act: Act,
) -> Result<(appeal::Model, signing_request::Model), ReviewError> {
    let Some(current) = appeal::Entity::find_by_id(id).one(&ctx.db).await? else {
        return Err(ReviewError::NotFound);
    };
    if !may_handle_read(officer, &current) {
        return Err(ReviewError::NotFound);
    }
    let body = acting_body(&current).unwrap_or_default().to_owned();
    if officer_body(officer) != Some(body.as_str()) {
        return Err(ReviewError::NotAllowed);
    }
    if current.version != version {
        return Err(ReviewError::Conflict);
    }
    let now = ctx.clock.now();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let act = check_act(&ctx.db, ctx, &current, &act, now).await?;
    let expires_at = now + signing::SIGNING_TTL;
    let mut payload = json!({
        "type": ACT_PAYLOAD_TYPE,
        "act": act.name(),
        "procedure": current.procedure,
        "appealId": current.id.to_string(),
        "number": current.number,
        "version": current.version,
        "body": body,
        "officer": { "iin": officer.iin },
        "issuedAt": rfc3339(now),
        "expiresAt": rfc3339(expires_at),
    });
    let (text, roles) = match &act {
        Act::Decision {
            outcome,
            reason,
            cancel_act,
        } => {
            super::set_field(&mut payload, "outcome", json!(outcome.as_str()));
            super::set_field(&mut payload, "reason", json!(reason));
            super::set_field(&mut payload, "cancelAct", json!(cancel_act));
            (
                format!(
                    "№ {n} бойынша шешім: {o}. {r}\nРешение по № {n}: {o}. {r}",
                    n = current.number,
                    o = outcome.as_str(),
                    r = reason.clone().unwrap_or_default()
                ),
                OFFICER_ROLES.iter().map(|r| (*r).to_owned()).collect(),
            )
        }
        Act::Extension {
            until,
            reason,
            decided_at,
        } => {
            super::set_field(&mut payload, "until", json!(until.to_string()));
            super::set_field(&mut payload, "reason", json!(reason));
            super::set_field(&mut payload, "decidedAt", json!(decided_at.map(rfc3339)));
            (
                format!(
                    "№ {n} қарау мерзімі {u} дейін ұзартылады: {r}\nСрок рассмотрения № {n} продлевается до {u}: {r}",
                    n = current.number,
                    u = until,
                    r = reason.clone().unwrap_or_default()
                ),
                vec![HEAD_ROLE.to_owned()],
            )
        }
    };
    let request = signing::create_request(
        &ctx.db,
        NewSigningRequest {
            subject_kind: SigningSubjectKind::AppealAct,
            subject_id: current.id,
            subject_version: current.version,
            payload: serde_json::to_vec(&payload).unwrap_or_default(),
            text,
            requirements: KeyRequirements {
                purpose: KeyPurpose::Sign,
                extended_key_usage_oids: vec![signing::EKU_SIGN.to_owned()],
                iin: Some(officer.iin.clone()),
                bin: Some(body),
                role_oids: roles,
            },
            // DOMAIN: a body's act is signed with the body's legal-entity key
            allowed_methods: vec![SigningMethod::Eds],
            expires_at,
        },
        now,
    )
    .await?;
    Ok((current, request))
}

/// The act a signing request describes, read back from what was signed.
fn signed_act(request: &signing_request::Model) -> Option<Act> {
    let payload: serde_json::Value = serde_json::from_slice(&request.payload).ok()?;
    let reason = payload
        .get("reason")
        .and_then(|r| r.as_str())
        .map(str::to_owned);
    match payload.get("act")?.as_str()? {
        "DECISION" => Some(Act::Decision {
            outcome: Outcome::from_stored(payload.get("outcome")?.as_str()?)?,
            reason,
            cancel_act: payload.get("cancelAct")?.as_bool()?,
        }),
        "EXTENSION" => Some(Act::Extension {
            until: super::draft::parse_date(payload.get("until")?.as_str()?)?,
            reason,
            decided_at: payload
                .get("decidedAt")
                .and_then(|d| d.as_str())
                .and_then(|d| {
                    OffsetDateTime::parse(d, &time::format_description::well_known::Rfc3339).ok()
                }),
        }),
        _ => None,
    }
}

/// A body's act as the subject of a signing request: signing applies it.
#[derive(Debug, Clone, Copy, Default)]
pub struct AppealActSigning;

#[async_trait]
impl SigningSubject for AppealActSigning {
    type Completed = appeal::Model;

    fn purpose(&self) -> SignaturePurpose {
        SignaturePurpose::AppealAct
    }

    async fn check(
        &self,
        ctx: &ServiceContext,
        viewer: &SignedIn,
        request: &signing_request::Model,
    ) -> Result<(), SignError> {
        if request.subject_kind != SigningSubjectKind::AppealAct {
            return Err(SignError::NotFound);
        }
        let Some(current) = appeal::Entity::find_by_id(request.subject_id)
            .one(&ctx.db)
            .await?
        else {
            return Err(SignError::NotFound);
        };
        if !may_handle_read(viewer, &current) {
            return Err(SignError::NotFound);
        }
        if acting_body(&current) != officer_body(viewer)
            || request.expected_iin.as_deref() != Some(viewer.iin.as_str())
        {
            return Err(SignError::NotAllowed);
        }
        if request.used_at.is_none() && current.version != request.subject_version {
            // Still pending: prepare the act again on the appeal as it is. No longer pending
            // (decided, or deemed refused at 24:00 meanwhile): the act came too late.
            let pending = super::status(&current).is_some_and(AppealStatus::is_pending);
            return Err(if pending {
                SignError::RequestVoid
            } else {
                SignError::Conflict
            });
        }
        Ok(())
    }

    async fn lock(
        &self,
        txn: &DatabaseTransaction,
        request: &signing_request::Model,
    ) -> Result<(), SignError> {
        match super::lock(txn, request.subject_id).await? {
            Some(current) if current.version == request.subject_version => Ok(()),
            _ => Err(SignError::Conflict),
        }
    }

    async fn complete(
        &self,
        ctx: &ServiceContext,
        txn: &DatabaseTransaction,
        viewer: &SignedIn,
        request: &signing_request::Model,
        signature_id: Uuid,
        now: OffsetDateTime,
    ) -> Result<appeal::Model, SignError> {
        let Some(current) = super::lock(txn, request.subject_id).await? else {
            return Err(SignError::Conflict);
        };
        let act = signed_act(request).ok_or(SignError::Conflict)?;
        // The row may have moved on since the request was made (a deemed refusal at 24:00):
        // the act is checked again as it is now.
        let act = check_act(txn, ctx, &current, &act, now)
            .await
            .map_err(|error| match error {
                ReviewError::Internal(internal) => SignError::Internal(internal),
                _ => SignError::Conflict,
            })?;
        apply(ctx, txn, viewer, &current, act, signature_id, now)
            .await
            .map_err(|error| match error {
                ReviewError::Internal(internal) => SignError::Internal(internal),
                _ => SignError::Conflict,
            })
    }
}

/// Applies a signed act in the signing's transaction.
async fn apply(
    ctx: &ServiceContext,
    txn: &DatabaseTransaction,
    officer: &SignedIn,
    current: &appeal::Model,
    act: Act,
    signature_id: Uuid,
    now: OffsetDateTime,
) -> Result<appeal::Model, ReviewError> {
    let from = super::status(current);
    match act {
        Act::Decision {
            outcome,
            reason,
            cancel_act,
        } => {
            deadlines::meet(txn, current.id, DeadlineKind::Decision, now).await?;
            // The body decided it itself: no referral is due any more.
            deadlines::close_referral(txn, current.id, now).await?;
            let mut changed = current.clone().into_active_model();
            changed.status = Set(AppealStatus::Decided.as_str().to_owned());
            changed.outcome = Set(Some(outcome.as_str().to_owned()));
            changed.decision_reason = Set(reason.clone());
            changed.decided_at = Set(Some(now));
            changed.decided_by = Set(Some(officer.person_id));
            changed.decision_signature_id = Set(Some(signature_id));
            changed.act_cancelled = Set(cancel_act);
            let decided = save(
                txn,
                current,
                changed,
                from,
                &officer_actor(officer, reason),
                now,
            )
            .await?;
            if cancel_act {
                super::complaints::reopen_target(ctx, txn, officer, &decided, now).await?;
            }
            Ok(decided)
        }
        Act::Extension {
            until,
            reason,
            decided_at,
        } => {
            let decided_at = decided_at.unwrap_or(now);
            // The head extends the body's own term: it keeps the appeal.
            deadlines::close_referral(txn, current.id, now).await?;
            deadlines::supersede(txn, current.id, DeadlineKind::Decision, now).await?;
            let term =
                deadlines::ending_on(&ctx.calendar, DeadlineKind::Decision, now, until, true);
            deadlines::store(txn, current.id, &term).await?;
            // DOMAIN: appeals: the participant is notified of an extension within 3 working
            // days: the notice is the event written now; it is late when the head decided
            // more than 3 working days before it was entered.
            let notice = deadlines::count(
                &ctx.calendar,
                ctx.settings.working_hours,
                DeadlineKind::ExtensionNotice,
                decided_at,
                deadlines::EXTENSION_NOTICE_DAYS,
            );
            deadlines::store(txn, current.id, &notice).await?;
            deadlines::meet(txn, current.id, DeadlineKind::ExtensionNotice, now).await?;
            let mut changed = current.clone().into_active_model();
            changed.extension_reason = Set(reason.clone());
            changed.extended_at = Set(Some(decided_at));
            changed.extended_by = Set(Some(officer.person_id));
            save(
                txn,
                current,
                changed,
                from,
                &officer_actor(
                    officer,
                    Some(format!(
                        "extended until {until}: {}",
                        reason.unwrap_or_default()
                    )),
                ),
                now,
            )
            .await
        }
    }
}

/// Signs a body's act with the officer's CMS over its signing request.
pub async fn sign_act(
    ctx: &ServiceContext,
    officer: &SignedIn,
    request_id: Uuid,
    cms: &str,
) -> Result<appeal::Model, SignError> {
    let signed = signing::sign_with_cms(ctx, officer, request_id, cms, &AppealActSigning).await?;
    tracing::info!(number = %signed.number, status = %signed.status, "appeal act signed");
    Ok(signed)
}
