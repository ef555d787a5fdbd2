//! The bodies' side of appeals in GraphQL: `appealsForReview`, `referAppeal`, the officer's
//! signed decision (`prepareAppealDecisionSigning`, `decideAppeal`) and the head's signed
//! extension (`prepareAppealExtensionSigning`, `extendAppeal`). The resolvers only translate:
//! the workflow is `registration_core::service::appeals::review`.

use super::appeal::{
    Appeal, AppealConnection, AppealEdge, AppealOutcome, AppealPayload, AppealStatus,
};
use super::connection::{self, Page};
use super::context::{request, service, signed_in};
use super::errors::{UserError, UserErrorCode, internal, sign_error};
use super::ids;
use super::locale::Locale;
use super::pagination::Cursor;
use super::signing::{KIND as SIGNING_REQUEST, SignatureInput, SigningRequest};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entities::appeal;
use registration_core::policy::Operation;
use registration_core::service::appeals::draft::parse_date;
use registration_core::service::appeals::review::{self, Act, ReviewError, ReviewList};
use registration_core::service::appeals::{AppealStatus as CoreStatus, Procedure};
use time::OffsetDateTime;

/// Longest CMS accepted, in characters (as `submitApplication`).
const MAX_CMS_LEN: usize = 1024 * 1024;

/// A body's step refused, as a user error (`Err`: not the caller's fault). `id_field` names
/// the input's id field (`appealId`, `complaintId`).
pub(super) fn review_error(
    error: ReviewError,
    id_field: &str,
    locale: Locale,
) -> Result<UserError, async_graphql::Error> {
    let (code, field, detail): (UserErrorCode, &str, Option<String>) = match error {
        ReviewError::NotFound => (UserErrorCode::NotFound, id_field, None),
        ReviewError::NotAllowed => (UserErrorCode::NotAllowed, id_field, None),
        ReviewError::Conflict => (UserErrorCode::Conflict, "version", None),
        ReviewError::NotPending => (UserErrorCode::AppealNotEditable, id_field, None),
        ReviewError::UnknownBody => (UserErrorCode::UnknownAdministrativeBody, "bodyBin", None),
        ReviewError::SameBody => (UserErrorCode::AlreadyWithBody, "bodyBin", None),
        ReviewError::ReasonRequired => (UserErrorCode::ReasonRequired, "reason", None),
        ReviewError::Invalid(field) => (UserErrorCode::BadUserInput, field, None),
        ReviewError::ExtensionTooLong(limit) => (
            UserErrorCode::ExtensionTooLong,
            "until",
            Some(limit.to_string()),
        ),
        ReviewError::ForwardingDeadlinePassed => {
            (UserErrorCode::ForwardingDeadlinePassed, id_field, None)
        }
        ReviewError::RestorationUndecided => (UserErrorCode::RestorationUndecided, id_field, None),
        ReviewError::NothingToCancel => (UserErrorCode::NothingToCancel, "cancelAct", None),
        ReviewError::Internal(error) => return Err(internal(error, locale)),
    };
    Ok(UserError::new(
        code,
        &["input", field],
        locale,
        detail.as_deref(),
    ))
}

/// The CMS of a body's act: EDS only (`SIGNING_METHOD_NOT_ALLOWED` for a code), bounded.
pub(super) fn act_cms(signature: SignatureInput, locale: Locale) -> Result<String, UserError> {
    let refuse = |code, field: &[&str]| UserError::new(code, field, locale, None);
    match (signature.cms, signature.otp) {
        (Some(cms), None) if !cms.trim().is_empty() && cms.len() <= MAX_CMS_LEN => Ok(cms),
        (Some(_), None) => Err(refuse(
            UserErrorCode::BadUserInput,
            &["input", "signature", "cms"],
        )),
        // DOMAIN: a body's act is signed with the body's legal-entity key
        (None, Some(_)) => Err(refuse(
            UserErrorCode::SigningMethodNotAllowed,
            &["input", "signature", "otp"],
        )),
        _ => Err(refuse(
            UserErrorCode::SignatureMissing,
            &["input", "signature"],
        )),
    }
}

/// Signs a body's act (a decision, an extension) with the CMS: the row as it is now, or the
/// user error.
pub(super) async fn sign_act(
    ctx: &Context<'_>,
    operation: Operation,
    signing_request_id: &ID,
    signature: SignatureInput,
) -> async_graphql::Result<Result<appeal::Model, UserError>> {
    let viewer = signed_in(ctx, operation)?;
    let locale = request(ctx)?.locale;
    let Some(id) = ids::decode_kind(signing_request_id, SIGNING_REQUEST) else {
        return Ok(Err(UserError::new(
            UserErrorCode::NotFound,
            &["input", "signingRequestId"],
            locale,
            None,
        )));
    };
    let cms = match act_cms(signature, locale) {
        Ok(cms) => cms,
        Err(user_error) => return Ok(Err(user_error)),
    };
    match review::sign_act(service(ctx)?, viewer, id, &cms).await {
        Ok(signed) => Ok(Ok(signed)),
        Err(error) => Ok(Err(sign_error(error, locale)?)),
    }
}

/// One page of an officer's list (appeals or complaints), oldest first, and how many there
/// are in all.
pub(super) async fn review_page<E>(
    ctx: &Context<'_>,
    which: ReviewList,
    statuses: &[CoreStatus],
    first: Option<i32>,
    after: Option<String>,
    edge: impl Fn(appeal::Model, String) -> E,
) -> async_graphql::Result<(Page<E>, u64)> {
    let viewer = signed_in(ctx, Operation::ReviewAppeals)?;
    let locale = request(ctx)?.locale;
    let mut total = 0;
    let total_ref = &mut total;
    let page = connection::page(
        first,
        after,
        locale,
        |after, limit| async move {
            let (rows, count) = review::list(service(ctx)?, viewer, which, statuses, after, limit)
                .await
                .map_err(|e| internal(e, locale))?;
            *total_ref = count;
            Ok(rows)
        },
        |row: &appeal::Model| Cursor {
            at: row.created_at,
            id: row.id,
        },
        edge,
    )
    .await?;
    Ok((page, total))
}

/// Which appeals an officer lists.
#[derive(InputObject, Debug, Default)]
pub struct AppealReviewFilter {
    /// Only these statuses (default: `RECEIVED`, `REFERRED`, `NEEDS_CORRECTION`: what the body
    /// still has to act on).
    pub statuses: Option<Vec<AppealStatus>>,
}

/// The statuses a filter asks for.
pub(super) fn statuses(
    asked: Option<Vec<AppealStatus>>,
    default: &[CoreStatus],
) -> Vec<CoreStatus> {
    match asked {
        Some(asked) if !asked.is_empty() => asked.into_iter().map(Into::into).collect(),
        _ => default.to_vec(),
    }
}

/// The officers' appeal queries.
#[derive(Default, Debug)]
pub struct AppealReviewQuery;

/// The officers' appeal queries.
#[Object]
impl AppealReviewQuery {
    /// The appeals the signed-in officer's body considers now, oldest first (the soonest terms
    /// first), with `totalCount`. Empty for a person who is not an officer.
    async fn appeals_for_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which statuses.")] filter: Option<AppealReviewFilter>,
        #[graphql(desc = "How many (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "The cursor after which to start.")] after: Option<String>,
    ) -> async_graphql::Result<AppealConnection> {
        let wanted = statuses(
            filter.unwrap_or_default().statuses,
            &[
                CoreStatus::Received,
                CoreStatus::Referred,
                CoreStatus::NeedsCorrection,
            ],
        );
        let (Page { edges, page_info }, total) = review_page(
            ctx,
            ReviewList::Appeals,
            &wanted,
            first,
            after,
            |row, cursor| AppealEdge {
                cursor,
                node: Appeal(row),
            },
        )
        .await?;
        Ok(AppealConnection {
            edges,
            page_info,
            total,
        })
    }
}

/// Input of `referAppeal`.
#[derive(InputObject, Debug)]
pub struct ReferAppealInput {
    /// The appeal's global ID.
    pub appeal_id: ID,
    /// Its current version.
    pub version: i32,
    /// The BIN of the authorised body (see `administrativeBodies`).
    pub body_bin: String,
    /// Why it is that body's (required).
    pub reason: String,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Input of `prepareAppealDecisionSigning`.
#[derive(InputObject, Debug)]
pub struct PrepareAppealDecisionSigningInput {
    /// The appeal's global ID.
    pub appeal_id: ID,
    /// The version the officer read.
    pub version: i32,
    /// `SATISFIED` or `REFUSED`.
    pub outcome: AppealOutcome,
    /// The reasons (required to refuse).
    pub reason: Option<String>,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Input of `prepareAppealExtensionSigning`.
#[derive(InputObject, Debug)]
pub struct PrepareAppealExtensionSigningInput {
    /// The appeal's global ID.
    pub appeal_id: ID,
    /// The version the head read.
    pub version: i32,
    /// The new last day of the term (YYYY-MM-DD): after the running term's, and at most
    /// `extensionLimit`. A day off ends the term on the working day before it.
    pub until: String,
    /// The head's reasons (required).
    pub reason: String,
    /// When the head decided it (default now; not in the future). Entered more than 3 working
    /// days after it, the `EXTENSION_NOTICE` deadline is late.
    pub decided_at: Option<OffsetDateTime>,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Result of preparing a body's act on an appeal or complaint.
#[derive(SimpleObject, Debug)]
pub struct PrepareAppealActSigningPayload {
    /// The appeal the act covers, as it is (null for a complaint's act).
    pub appeal: Option<Appeal>,
    /// The complaint the act covers, as it is (null for an appeal's act).
    pub complaint: Option<super::complaint::Complaint>,
    /// What to sign, with a legal-entity key of the body (EDS only).
    pub signing_request: Option<SigningRequest>,
    /// Why nothing was prepared.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

/// Input of `decideAppeal` and `extendAppeal`.
#[derive(InputObject, Debug)]
pub struct SignAppealActInput {
    /// The signing request's global ID.
    pub signing_request_id: ID,
    /// The CMS over its payload (EDS only).
    pub signature: SignatureInput,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Prepares an act's signing request; the payload or the user error.
pub(super) async fn prepare_act(
    ctx: &Context<'_>,
    id: &ID,
    id_field: &str,
    version: i32,
    act: Act,
    echo: Option<String>,
) -> async_graphql::Result<PrepareAppealActSigningPayload> {
    let viewer = signed_in(ctx, Operation::ReviewAppeals)?;
    let locale = request(ctx)?.locale;
    let refused = |user_error| PrepareAppealActSigningPayload {
        appeal: None,
        complaint: None,
        signing_request: None,
        user_errors: vec![user_error],
        client_mutation_id: echo.clone(),
    };
    let Some(id) = ids::decode_kind(id, super::appeal::KIND)
        .or_else(|| ids::decode_kind(id, super::complaint::KIND))
    else {
        return Ok(refused(UserError::new(
            UserErrorCode::NotFound,
            &["input", id_field],
            locale,
            None,
        )));
    };
    match review::prepare_act(service(ctx)?, viewer, id, version, act).await {
        Ok((row, signing_request)) => {
            let (appeal, complaint) = match Procedure::of(&row) {
                Procedure::Appeal => (Some(Appeal(row)), None),
                Procedure::Complaint => (None, Some(super::complaint::Complaint(row))),
            };
            Ok(PrepareAppealActSigningPayload {
                appeal,
                complaint,
                signing_request: Some(SigningRequest(signing_request)),
                user_errors: Vec::new(),
                client_mutation_id: echo,
            })
        }
        Err(error) => Ok(refused(review_error(error, id_field, locale)?)),
    }
}

/// The officers' appeal mutations.
#[derive(Default, Debug)]
pub struct AppealReviewMutation;

/// The officers' appeal mutations.
#[Object]
impl AppealReviewMutation {
    /// Refers an appeal the officer's body has no authority over to the authorised body,
    /// notifying the applicant at once. Due within 3 working days of receipt; a later referral
    /// is allowed and its `REFERRAL` deadline shows it late. The authorised body's `DECISION`
    /// term runs from the referral.
    async fn refer_appeal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The appeal, its version, the body and why.")] input: ReferAppealInput,
    ) -> async_graphql::Result<AppealPayload> {
        let viewer = signed_in(ctx, Operation::ReviewAppeals)?;
        let locale = request(ctx)?.locale;
        let echo = input.client_mutation_id.clone();
        let id = match super::appeal::appeal_id(&input.appeal_id, locale) {
            Ok(id) => id,
            Err(user_error) => return Ok(AppealPayload::refused(user_error, echo)),
        };
        match review::refer(
            service(ctx)?,
            viewer,
            id,
            input.version,
            &input.body_bin,
            Some(&input.reason),
        )
        .await
        {
            Ok(referred) => Ok(AppealPayload::done(referred, echo)),
            Err(error) => Ok(AppealPayload::refused(
                review_error(error, "appealId", locale)?,
                echo,
            )),
        }
    }

    /// Prepares the officer's decision on an appeal the body considers (`RECEIVED` or
    /// `REFERRED`): a signing request for a legal-entity key of the body.
    async fn prepare_appeal_decision_signing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The appeal, its version and the decision.")]
        input: PrepareAppealDecisionSigningInput,
    ) -> async_graphql::Result<PrepareAppealActSigningPayload> {
        prepare_act(
            ctx,
            &input.appeal_id,
            "appealId",
            input.version,
            Act::Decision {
                outcome: input.outcome.into(),
                reason: input.reason,
                cancel_act: false,
            },
            input.client_mutation_id,
        )
        .await
    }

    /// Decides the appeal with the officer's CMS over the decision's signing request: it is
    /// `DECIDED`, and its `DECISION` deadline met. A decision signed after the term ended (the
    /// appeal deemed refused meanwhile) is `CONFLICT`.
    async fn decide_appeal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signing request and its signature.")] input: SignAppealActInput,
    ) -> async_graphql::Result<AppealPayload> {
        let echo = input.client_mutation_id.clone();
        Ok(
            match sign_act(
                ctx,
                Operation::ReviewAppeals,
                &input.signing_request_id,
                input.signature,
            )
            .await?
            {
                Ok(decided) => AppealPayload::done(decided, echo),
                Err(user_error) => AppealPayload::refused(user_error, echo),
            },
        )
    }

    /// Prepares the head's reasoned extension of an appeal's term, to be signed with the
    /// head's key of the body (role: head of the organisation). At most 2 calendar months in
    /// all beyond the first term (`EXTENSION_TOO_LONG` names `extensionLimit`).
    async fn prepare_appeal_extension_signing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The appeal, its version, the new last day and why.")]
        input: PrepareAppealExtensionSigningInput,
    ) -> async_graphql::Result<PrepareAppealActSigningPayload> {
        let locale = request(ctx)?.locale;
        let Some(until) = parse_date(&input.until) else {
            return Ok(PrepareAppealActSigningPayload {
                appeal: None,
                complaint: None,
                signing_request: None,
                user_errors: vec![UserError::new(
                    UserErrorCode::BadUserInput,
                    &["input", "until"],
                    locale,
                    None,
                )],
                client_mutation_id: input.client_mutation_id,
            });
        };
        prepare_act(
            ctx,
            &input.appeal_id,
            "appealId",
            input.version,
            Act::Extension {
                until,
                reason: Some(input.reason),
                decided_at: input.decided_at,
            },
            input.client_mutation_id,
        )
        .await
    }

    /// Extends the appeal's term with the head's CMS over the extension's signing request: a
    /// new `DECISION` deadline (the old one kept, superseded) and the `EXTENSION_NOTICE`
    /// deadline, met now by the applicant's notification.
    async fn extend_appeal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signing request and its signature.")] input: SignAppealActInput,
    ) -> async_graphql::Result<AppealPayload> {
        let echo = input.client_mutation_id.clone();
        Ok(
            match sign_act(
                ctx,
                Operation::ReviewAppeals,
                &input.signing_request_id,
                input.signature,
            )
            .await?
            {
                Ok(extended) => AppealPayload::done(extended, echo),
                Err(user_error) => AppealPayload::refused(user_error, echo),
            },
        )
    }
}
