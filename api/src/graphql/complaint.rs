//! Complaints in GraphQL: the applicant's `prepareComplaintSigning`, `fileComplaint`,
//! `withdrawComplaint` and `myComplaints`; the bodies' `complaintsForReview`,
//! `forwardComplaint`, `satisfyComplaint`, `decideComplaintRestoration`,
//! `prepareComplaintDecisionSigning` and `decideComplaint`; and the `Complaint` node. A
//! complaint is a row of the appeal table: it shares the appeal's receipt, deadlines and
//! history. The workflow is `registration_core::service::appeals::complaints`.

use super::appeal::{
    self, AdministrativeBody, AppealFieldsInput, AppealHistoryEntry, AppealKind, AppealOutcome,
    AppealStatus, Deadline, Receipt,
};
use super::appeal_review::{self, PrepareAppealActSigningPayload, SignAppealActInput};
use super::application::{Application, KIND as APPLICATION};
use super::connection::{self, Page};
use super::context::{request, service, signed_in};
use super::errors::{UserError, UserErrorCode, internal};
use super::ids;
use super::locale::Locale;
use super::pagination::{Cursor, PageInfo};
use super::signing::{SignatureInput, SigningRequest};
use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, Object, SimpleObject};
use entities::appeal as stored;
use registration_core::policy::Operation;
use registration_core::service::appeals::complaints::{
    self, Against as CoreAgainst, ComplaintFields, Target,
};
use registration_core::service::appeals::review::{Act, ReviewError, ReviewList};
use registration_core::service::appeals::{
    self, AppealKind as CoreKind, AppealStatus as CoreStatus,
};
use registration_core::service::applications;
use time::OffsetDateTime;

/// The kind name inside a complaint's global ID.
pub const KIND: &str = "Complaint";

/// What a complaint is against.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "CoreAgainst")]
pub enum ComplaintAgainst {
    /// A refused application: the refusal.
    Refusal,
    /// An appeal's decision, or its deemed refusal.
    AppealDecision,
    /// A deadline the body missed (inaction): an application's service time, an appeal's
    /// term.
    MissedDeadline,
}

/// A late complaint's request to restore its term.
#[derive(SimpleObject, Debug, Clone)]
pub struct RestorationRequest {
    /// The reason the filer gave (null when they gave none).
    pub reason: Option<String>,
    /// The hearing body's answer: `GRANTED`, `DENIED`, or null while undecided.
    pub decision: Option<String>,
}

/// A complaint against an administrative act, action or inaction.
#[derive(Debug, Clone)]
pub struct Complaint(pub stored::Model);

/// A complaint against an administrative act, action or inaction, filed through the body
/// complained of and heard by the body above it.
#[Object]
impl Complaint {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(KIND, self.0.id)
    }

    /// Its human-readable number.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// Where it stands.
    async fn status(&self) -> Option<AppealStatus> {
        appeals::status(&self.0).map(Into::into)
    }

    /// The version, for the mutations that change it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Who files it.
    async fn kind(&self) -> Option<AppealKind> {
        CoreKind::from_stored(&self.0.kind).map(Into::into)
    }

    /// The filer's full name, or the organisation's name.
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }

    /// A natural person's IIN.
    async fn iin(&self) -> Option<&str> {
        self.0.iin.as_deref()
    }

    /// A legal entity's BIN.
    async fn bin(&self) -> Option<&str> {
        self.0.bin.as_deref()
    }

    /// A natural person's postal address.
    async fn postal_address(&self) -> Option<&str> {
        self.0.postal_address.as_deref()
    }

    /// The essence of the complaint.
    async fn essence(&self) -> &str {
        &self.0.essence
    }

    /// The date of filing the filer wrote (YYYY-MM-DD).
    async fn complaint_date(&self) -> String {
        self.0.appeal_date.to_string()
    }

    /// What it is against.
    async fn against(&self) -> Option<ComplaintAgainst> {
        self.0
            .against
            .as_deref()
            .and_then(CoreAgainst::from_stored)
            .map(Into::into)
    }

    /// The application it concerns (the one refused or not decided in time, or the appeal's),
    /// if the caller may see it.
    async fn application(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Application>> {
        let Some(id) = self.0.application_id else {
            return Ok(None);
        };
        let viewer = signed_in(ctx, Operation::ReadAppeals)?;
        let locale = request(ctx)?.locale;
        Ok(applications::read(service(ctx)?, viewer, id)
            .await
            .map_err(|e| internal(e, locale))?
            .map(Application))
    }

    /// The appeal complained of (its decision, deemed refusal or missed deadline), if any.
    async fn appeal(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<appeal::Appeal>> {
        let Some(target) = self.0.target_id else {
            return Ok(None);
        };
        if self.0.target_id == self.0.application_id {
            return Ok(None);
        }
        let viewer = signed_in(ctx, Operation::ReadAppeals)?;
        let locale = request(ctx)?.locale;
        Ok(appeals::find_readable(service(ctx)?, viewer, target)
            .await
            .map_err(|e| internal(e, locale))?
            .filter(|a| appeals::Procedure::of(a) == appeals::Procedure::Appeal)
            .map(appeal::Appeal))
    }

    /// The body complained of, through which it is filed.
    async fn body_complained_of(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<AdministrativeBody>> {
        appeal::body_of(ctx, &self.0.body_bin).await
    }

    /// The body that hears it: the one above the body complained of.
    async fn hearing_body(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<AdministrativeBody>> {
        match &self.0.hearing_body_bin {
            Some(bin) => appeal::body_of(ctx, bin).await,
            None => Ok(None),
        }
    }

    /// When the person learned of the act: the time of its notification on record (the 3
    /// months to complain run from that day).
    async fn learned_at(&self) -> Option<OffsetDateTime> {
        self.0.learned_at
    }

    /// Filed after its 3 months: received all the same, with its restoration request.
    async fn late(&self) -> bool {
        self.0.late
    }

    /// A late complaint's request to restore its term, and the hearing body's answer.
    async fn restoration_request(&self) -> Option<RestorationRequest> {
        self.0.late.then(|| RestorationRequest {
            reason: self.0.restoration_reason.clone(),
            decision: self.0.restoration.clone(),
        })
    }

    /// When the body complained of forwarded it to the hearing body.
    async fn forwarded_at(&self) -> Option<OffsetDateTime> {
        self.0.forwarded_at
    }

    /// How it was decided.
    async fn outcome(&self) -> Option<AppealOutcome> {
        appeal::outcome(&self.0)
    }

    /// The decision's reasons.
    async fn decision_reason(&self) -> Option<&str> {
        self.0.decision_reason.as_deref()
    }

    /// When it was decided.
    async fn decided_at(&self) -> Option<OffsetDateTime> {
        self.0.decided_at
    }

    /// Whether the decision cancelled the act complained of (and reopened the application or
    /// appeal).
    async fn act_cancelled(&self) -> bool {
        self.0.act_cancelled
    }

    /// The requirements it misses.
    async fn missing_requirements(&self) -> Vec<appeal::AppealRequirement> {
        appeals::missing(&self.0)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// When the draft was made.
    async fn created_at(&self) -> OffsetDateTime {
        self.0.created_at
    }

    /// The receipt, once filed.
    async fn receipt(&self) -> Option<Receipt> {
        appeal::receipt(&self.0)
    }

    /// Its deadlines: `FILING`, `FORWARDING`, `DECISION` (and `CORRECTION`).
    async fn deadlines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Deadline>> {
        appeal::deadlines(ctx, &self.0).await
    }

    /// Its status changes, oldest first: who, when, why.
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AppealHistoryEntry>> {
        appeal::history(ctx, &self.0).await
    }
}

/// One complaint in a list.
#[derive(SimpleObject, Debug)]
pub struct ComplaintEdge {
    /// The position, for `after`.
    pub cursor: String,
    /// The complaint.
    pub node: Complaint,
}

/// A page of complaints.
#[derive(SimpleObject, Debug)]
#[graphql(complex)]
pub struct ComplaintConnection {
    /// The complaints on this page.
    pub edges: Vec<ComplaintEdge>,
    /// Paging information.
    pub page_info: PageInfo,
    #[graphql(skip)]
    pub total: u64,
}

#[ComplexObject]
impl ComplaintConnection {
    /// How many there are, on every page.
    async fn total_count(&self) -> i32 {
        i32::try_from(self.total).unwrap_or(i32::MAX)
    }
}

/// Which complaints an officer lists.
#[derive(InputObject, Debug, Default)]
pub struct ComplaintReviewFilter {
    /// Only these statuses (default: `RECEIVED`, `FORWARDED`, `NEEDS_CORRECTION`).
    pub statuses: Option<Vec<AppealStatus>>,
}

/// Complaint queries.
#[derive(Default, Debug)]
pub struct ComplaintQuery;

/// Complaint queries.
#[Object]
impl ComplaintQuery {
    /// The signed-in person's complaints, newest first.
    async fn my_complaints(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "The cursor after which to start.")] after: Option<String>,
    ) -> async_graphql::Result<ComplaintConnection> {
        let viewer = signed_in(ctx, Operation::ReadAppeals)?;
        let locale = request(ctx)?.locale;
        let mut total = 0;
        let total_ref = &mut total;
        let Page { edges, page_info } = connection::page(
            first,
            after,
            locale,
            |after, limit| async move {
                let (rows, count) = appeals::list_own(
                    service(ctx)?,
                    viewer,
                    appeals::Procedure::Complaint,
                    after,
                    limit,
                )
                .await
                .map_err(|e| internal(e, locale))?;
                *total_ref = count;
                Ok(rows)
            },
            |row: &stored::Model| Cursor {
                at: row.created_at,
                id: row.id,
            },
            |row, cursor| ComplaintEdge {
                cursor,
                node: Complaint(row),
            },
        )
        .await?;
        Ok(ComplaintConnection {
            edges,
            page_info,
            total,
        })
    }

    /// The complaints against the signed-in officer's body and those it hears, oldest first,
    /// with `totalCount`.
    async fn complaints_for_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which statuses.")] filter: Option<ComplaintReviewFilter>,
        #[graphql(desc = "How many (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "The cursor after which to start.")] after: Option<String>,
    ) -> async_graphql::Result<ComplaintConnection> {
        let wanted = appeal_review::statuses(
            filter.unwrap_or_default().statuses,
            &[
                CoreStatus::Received,
                CoreStatus::Forwarded,
                CoreStatus::NeedsCorrection,
            ],
        );
        let (Page { edges, page_info }, total) = appeal_review::review_page(
            ctx,
            ReviewList::Complaints,
            &wanted,
            first,
            after,
            |row, cursor| ComplaintEdge {
                cursor,
                node: Complaint(row),
            },
        )
        .await?;
        Ok(ComplaintConnection {
            edges,
            page_info,
            total,
        })
    }
}

/// What a complaint is against: exactly one of the two.
#[derive(InputObject, Debug)]
pub struct ComplaintTargetInput {
    /// A refused application, or one not decided in its service time.
    pub application_id: Option<ID>,
    /// A decided or deemed-refused appeal, or one whose deadline the body missed.
    pub appeal_id: Option<ID>,
}

/// The fields of a complaint: the filer's (as an appeal's, without the body: the body
/// complained of follows from what it is against), what it is against, and for a late one the
/// reason to restore its term.
#[derive(InputObject, Debug)]
pub struct ComplaintFieldsInput {
    /// Who files it.
    pub kind: AppealKind,
    /// The filer's full name, or the organisation's name.
    pub full_name: Option<String>,
    /// A natural person's IIN.
    pub iin: Option<String>,
    /// A natural person's postal address.
    pub postal_address: Option<String>,
    /// A legal entity's BIN.
    pub bin: Option<String>,
    /// The essence of the complaint (1 to 5000 characters).
    pub essence: String,
    /// The date of filing (YYYY-MM-DD, not in the future).
    pub date: String,
    /// What it is against.
    pub against: ComplaintTargetInput,
    /// Why the term should be restored, when it is filed more than 3 months after the person
    /// learned of the act (the complaint is received either way).
    pub restoration_reason: Option<String>,
}

/// Input of `prepareComplaintSigning`.
#[derive(InputObject, Debug)]
pub struct PrepareComplaintSigningInput {
    /// The complaint's fields.
    pub complaint: ComplaintFieldsInput,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Result of `prepareComplaintSigning`.
#[derive(SimpleObject, Debug)]
pub struct PrepareComplaintSigningPayload {
    /// The draft made.
    pub complaint: Option<Complaint>,
    /// What to sign (EDS or SMS code); `fileComplaint` files it.
    pub signing_request: Option<SigningRequest>,
    /// Why the draft was not made.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

/// Input of `fileComplaint`.
#[derive(InputObject, Debug)]
pub struct FileComplaintInput {
    /// The signing request's global ID (from `prepareComplaintSigning`).
    pub signing_request_id: ID,
    /// The signature over its payload.
    pub signature: SignatureInput,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Input of `withdrawComplaint` and `forwardComplaint`.
#[derive(InputObject, Debug)]
pub struct ComplaintStepInput {
    /// The complaint's global ID.
    pub complaint_id: ID,
    /// Its current version.
    pub version: i32,
    /// Why (optional for a withdrawal; not used to forward).
    pub reason: Option<String>,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Input of `satisfyComplaint`.
#[derive(InputObject, Debug)]
pub struct SatisfyComplaintInput {
    /// The complaint's global ID.
    pub complaint_id: ID,
    /// Its current version.
    pub version: i32,
    /// What the body did to satisfy it (required).
    pub reason: String,
    /// Cancel the act complained of (a refusal reopens the application; an appeal's decision
    /// reopens the appeal).
    pub cancel_act: bool,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Input of `decideComplaintRestoration`.
#[derive(InputObject, Debug)]
pub struct DecideComplaintRestorationInput {
    /// The complaint's global ID.
    pub complaint_id: ID,
    /// Its current version.
    pub version: i32,
    /// Whether the term is restored (the reason was good).
    pub granted: bool,
    /// Why (required).
    pub reason: String,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Input of `prepareComplaintDecisionSigning`.
#[derive(InputObject, Debug)]
pub struct PrepareComplaintDecisionSigningInput {
    /// The complaint's global ID.
    pub complaint_id: ID,
    /// The version the officer read.
    pub version: i32,
    /// `SATISFIED` or `REFUSED`.
    pub outcome: AppealOutcome,
    /// The reasons (required to refuse).
    pub reason: Option<String>,
    /// Cancel the act complained of (only when satisfied, against a refusal or an appeal's
    /// decision).
    pub cancel_act: bool,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Result of a complaint mutation.
#[derive(SimpleObject, Debug)]
pub struct ComplaintPayload {
    /// The complaint as it is now.
    pub complaint: Option<Complaint>,
    /// Why it was not changed.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

/// A body's step as the payload's outcome: the row, or the user error (`Err`: not the
/// caller's fault).
fn reviewed(
    result: Result<stored::Model, ReviewError>,
    locale: Locale,
) -> async_graphql::Result<Result<stored::Model, UserError>> {
    match result {
        Ok(row) => Ok(Ok(row)),
        Err(error) => Ok(Err(appeal_review::review_error(
            error,
            "complaintId",
            locale,
        )?)),
    }
}

impl ComplaintPayload {
    fn outcome(
        outcome: Result<stored::Model, UserError>,
        echo: Option<String>,
    ) -> ComplaintPayload {
        match outcome {
            Ok(row) => ComplaintPayload {
                complaint: Some(Complaint(row)),
                user_errors: Vec::new(),
                client_mutation_id: echo,
            },
            Err(user_error) => ComplaintPayload {
                complaint: None,
                user_errors: vec![user_error],
                client_mutation_id: echo,
            },
        }
    }
}

fn complaint_id(id: &ID, locale: Locale) -> Result<uuid::Uuid, UserError> {
    ids::decode_kind(id, KIND).ok_or_else(|| {
        UserError::new(
            UserErrorCode::NotFound,
            &["input", "complaintId"],
            locale,
            None,
        )
    })
}

fn target(input: &ComplaintTargetInput, locale: Locale) -> Result<Target, UserError> {
    let refuse = |field: &str| {
        UserError::new(
            UserErrorCode::BadUserInput,
            &["input", "complaint", "against", field],
            locale,
            None,
        )
    };
    match (&input.application_id, &input.appeal_id) {
        (Some(id), None) => ids::decode_kind(id, APPLICATION)
            .map(Target::Application)
            .ok_or_else(|| refuse("applicationId")),
        (None, Some(id)) => ids::decode_kind(id, appeal::KIND)
            .map(Target::Appeal)
            .ok_or_else(|| refuse("appealId")),
        _ => Err(refuse("applicationId")),
    }
}

/// Complaint mutations.
#[derive(Default, Debug)]
pub struct ComplaintMutation;

/// Complaint mutations.
#[Object]
impl ComplaintMutation {
    /// Makes a `DRAFT` complaint against a refused application, a decided or deemed-refused
    /// appeal, or a missed deadline, and the signing request to file it with. The body
    /// complained of, the hearing body and when the person learned of the act come from the
    /// record. Nothing to complain of is `NOTHING_TO_COMPLAIN_OF`.
    async fn prepare_complaint_signing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The complaint's fields.")] input: PrepareComplaintSigningInput,
    ) -> async_graphql::Result<PrepareComplaintSigningPayload> {
        let viewer = signed_in(ctx, Operation::PrepareComplaintSigning)?;
        let locale = request(ctx)?.locale;
        let echo = input.client_mutation_id.clone();
        let refused = |user_error| PrepareComplaintSigningPayload {
            complaint: None,
            signing_request: None,
            user_errors: vec![user_error],
            client_mutation_id: echo.clone(),
        };
        let fields = input.complaint;
        let target = match target(&fields.against, locale) {
            Ok(target) => target,
            Err(user_error) => return Ok(refused(user_error)),
        };
        const PREFIX: &[&str] = &["input", "complaint"];
        let filer = match appeal::fields(
            AppealFieldsInput {
                kind: fields.kind,
                full_name: fields.full_name,
                iin: fields.iin,
                postal_address: fields.postal_address,
                bin: fields.bin,
                body_bin: String::new(),
                essence: fields.essence,
                date: fields.date,
                application_id: None,
            },
            PREFIX,
            locale,
        ) {
            Ok(filer) => filer,
            Err(user_error) => return Ok(refused(user_error)),
        };
        let complaint = ComplaintFields {
            filer,
            target,
            restoration_reason: fields.restoration_reason,
        };
        match complaints::prepare(service(ctx)?, viewer, &complaint).await {
            Ok((row, signing_request)) => Ok(PrepareComplaintSigningPayload {
                complaint: Some(Complaint(row)),
                signing_request: Some(SigningRequest(signing_request)),
                user_errors: Vec::new(),
                client_mutation_id: echo,
            }),
            Err(error) => Ok(refused(appeal::appeal_error(error, PREFIX, locale)?)),
        }
    }

    /// Files a complaint with the signature over its signing request (EDS or SMS code).
    /// Receiving is never refused: a late one is received with its restoration request.
    async fn file_complaint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signing request and its signature.")] input: FileComplaintInput,
    ) -> async_graphql::Result<ComplaintPayload> {
        let (row, user_errors) = appeal::file_signed(
            ctx,
            Operation::FileComplaint,
            &input.signing_request_id,
            input.signature,
        )
        .await?;
        Ok(ComplaintPayload {
            complaint: row.map(Complaint),
            user_errors,
            client_mutation_id: input.client_mutation_id,
        })
    }

    /// Withdraws the applicant's complaint before a decision.
    async fn withdraw_complaint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The complaint, its version and why.")] input: ComplaintStepInput,
    ) -> async_graphql::Result<ComplaintPayload> {
        let viewer = signed_in(ctx, Operation::FileComplaint)?;
        let locale = request(ctx)?.locale;
        let echo = input.client_mutation_id.clone();
        let outcome = match complaint_id(&input.complaint_id, locale) {
            Ok(id) => match appeals::correction::withdraw(
                service(ctx)?,
                viewer,
                id,
                input.version,
                input.reason.as_deref(),
            )
            .await
            {
                Ok(row) => Ok(row),
                Err(error) => Err(appeal::appeal_error(error, &["input"], locale)?),
            },
            Err(user_error) => Err(user_error),
        };
        Ok(ComplaintPayload::outcome(outcome, echo))
    }

    /// The body complained of forwards the complaint to the body that hears it (due within 3
    /// working days of receipt: the `FORWARDING` deadline).
    async fn forward_complaint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The complaint and its version.")] input: ComplaintStepInput,
    ) -> async_graphql::Result<ComplaintPayload> {
        let viewer = signed_in(ctx, Operation::ReviewAppeals)?;
        let locale = request(ctx)?.locale;
        let echo = input.client_mutation_id.clone();
        let id = match complaint_id(&input.complaint_id, locale) {
            Ok(id) => id,
            Err(user_error) => return Ok(ComplaintPayload::outcome(Err(user_error), echo)),
        };
        let forwarded = complaints::forward(service(ctx)?, viewer, id, input.version).await;
        Ok(ComplaintPayload::outcome(
            reviewed(forwarded, locale)?,
            echo,
        ))
    }

    /// The body complained of satisfies the complaint itself instead of forwarding it, within
    /// 3 working days of receipt (art. 92 of the Administrative Procedure Code), and may cancel
    /// its act (`cancelAct`): it is `SATISFIED_BY_BODY`.
    async fn satisfy_complaint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The complaint, its version, what was done.")]
        input: SatisfyComplaintInput,
    ) -> async_graphql::Result<ComplaintPayload> {
        let viewer = signed_in(ctx, Operation::ReviewAppeals)?;
        let locale = request(ctx)?.locale;
        let echo = input.client_mutation_id.clone();
        let id = match complaint_id(&input.complaint_id, locale) {
            Ok(id) => id,
            Err(user_error) => return Ok(ComplaintPayload::outcome(Err(user_error), echo)),
        };
        let satisfied = complaints::satisfy(
            service(ctx)?,
            viewer,
            id,
            input.version,
            Some(&input.reason),
            input.cancel_act,
        )
        .await;
        Ok(ComplaintPayload::outcome(
            reviewed(satisfied, locale)?,
            echo,
        ))
    }

    /// The hearing body grants or denies a late complaint's request to restore its term;
    /// denied, it is `RESTORATION_DENIED` and not considered.
    async fn decide_complaint_restoration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The complaint, its version, the answer and why.")]
        input: DecideComplaintRestorationInput,
    ) -> async_graphql::Result<ComplaintPayload> {
        let viewer = signed_in(ctx, Operation::ReviewAppeals)?;
        let locale = request(ctx)?.locale;
        let echo = input.client_mutation_id.clone();
        let id = match complaint_id(&input.complaint_id, locale) {
            Ok(id) => id,
            Err(user_error) => return Ok(ComplaintPayload::outcome(Err(user_error), echo)),
        };
        let decided = complaints::decide_restoration(
            service(ctx)?,
            viewer,
            id,
            input.version,
            input.granted,
            Some(&input.reason),
        )
        .await;
        Ok(ComplaintPayload::outcome(reviewed(decided, locale)?, echo))
    }

    /// Prepares the hearing body's decision on a forwarded complaint (decided within 5 working
    /// days of receipt), for a legal-entity key of the hearing body.
    async fn prepare_complaint_decision_signing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The complaint, its version and the decision.")]
        input: PrepareComplaintDecisionSigningInput,
    ) -> async_graphql::Result<PrepareAppealActSigningPayload> {
        appeal_review::prepare_act(
            ctx,
            &input.complaint_id,
            "complaintId",
            input.version,
            Act::Decision {
                outcome: input.outcome.into(),
                reason: input.reason,
                cancel_act: input.cancel_act,
            },
            input.client_mutation_id,
        )
        .await
    }

    /// Decides the complaint with the officer's CMS; a satisfied one with `cancelAct` reopens
    /// the refused application (back in review, with a new service time) or the decided
    /// appeal (received again, with a new term).
    async fn decide_complaint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signing request and its signature.")] input: SignAppealActInput,
    ) -> async_graphql::Result<ComplaintPayload> {
        let outcome = appeal_review::sign_act(
            ctx,
            Operation::ReviewAppeals,
            &input.signing_request_id,
            input.signature,
        )
        .await?;
        Ok(ComplaintPayload::outcome(outcome, input.client_mutation_id))
    }
}
