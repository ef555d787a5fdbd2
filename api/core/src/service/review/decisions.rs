//! An officer's decision: prepared for the application's exact version and the checks'
//! results, signed with a legal-entity key of the deciding body (through the one signing
//! contract), and kept with its signature, report and evidence. A refusal's ground comes only
//! from the closed list.

use super::{checks, holds_claim, registrations};
use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::{ActorRole, ApplicationStatus, RefusalGround};
use crate::service::InternalError;
use crate::service::applications::{self, Actor, DraftError};
use crate::service::signing::{
    self, KeyRequirements, NewSigningRequest, SignError, SigningMethod, SigningSubject,
};
use async_trait::async_trait;
use entities::enums::{DecisionOutcome, KeyPurpose, SignaturePurpose, SigningSubjectKind};
use entities::{application, decision, signing_request};
use sea_orm::{ActiveEnum, ActiveModelTrait, DatabaseTransaction, EntityTrait, Set};
use serde_json::json;
use signatures::rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

/// The `type` of a decision's signing payload.
pub const PAYLOAD_TYPE: &str = "registration-kz/decision";

/// The role OIDs an officer's deciding key may hold: the head (…4.1.2.1) or an employee
/// (…4.1.2.5) of the body, as sign-in accepts them.
pub const OFFICER_ROLES: [&str; 2] = ["1.2.398.3.3.4.1.2.1", "1.2.398.3.3.4.1.2.5"];

/// What the officer decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionInput {
    pub application_id: Uuid,
    /// The version the officer read.
    pub version: i32,
    pub outcome: DecisionOutcome,
    /// A refusal's ground (required to refuse, refused to approve).
    pub ground: Option<RefusalGround>,
    /// Why, in the officer's words (required to refuse).
    pub reason: Option<String>,
}

/// Why a decision could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("no such application")]
    NotFound,
    /// Not an officer (with an EDS session) of the deciding body.
    #[error("not an officer of the body that decides it")]
    NotAllowed,
    /// Not in review.
    #[error("the application is not in review")]
    NotInReview,
    /// Changed since the officer read it.
    #[error("the application changed")]
    Conflict,
    /// The officer must claim it first (or their claim lapsed).
    #[error("claim the application first")]
    NotClaimed,
    /// A refusal needs a ground from the closed list.
    #[error("a refusal needs its ground")]
    GroundRequired,
    /// An approval takes no ground.
    #[error("an approval has no ground")]
    GroundNotAllowed,
    /// A refusal needs its reason.
    #[error("a refusal needs its reason")]
    ReasonRequired,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for PrepareError {
    fn from(error: sea_orm::DbErr) -> Self {
        PrepareError::Internal(error.into())
    }
}

fn ground_name(ground: RefusalGround) -> String {
    entities::enums::RefusalGround::from(ground).to_value()
}

/// Creates the signing request of an officer's decision on an application they claimed.
#[tracing::instrument(skip_all)]
pub async fn prepare(
    ctx: &ServiceContext,
    officer: &SignedIn,
    input: DecisionInput,
) -> Result<signing_request::Model, PrepareError> {
    let Some(app) = application::Entity::find_by_id(input.application_id)
        .one(&ctx.db)
        .await?
    else {
        return Err(PrepareError::NotFound);
    };
    if !crate::policy::may_review(officer, &app) {
        return Err(if crate::policy::may_read(officer, &app) {
            PrepareError::NotAllowed
        } else {
            PrepareError::NotFound
        });
    }
    if ApplicationStatus::from(app.status) != ApplicationStatus::InReview {
        return Err(PrepareError::NotInReview);
    }
    if app.version != input.version {
        return Err(PrepareError::Conflict);
    }
    let now = ctx.clock.now();
    if !holds_claim(officer, &app, now) {
        return Err(PrepareError::NotClaimed);
    }
    // DOMAIN: grounds for refusal are a closed list of two
    match (input.outcome, input.ground, input.reason.as_deref()) {
        (DecisionOutcome::Refuse, None, _) => return Err(PrepareError::GroundRequired),
        (DecisionOutcome::Refuse, Some(_), None) => return Err(PrepareError::ReasonRequired),
        (DecisionOutcome::Approve, Some(_), _) => return Err(PrepareError::GroundNotAllowed),
        _ => {}
    }
    let body = app.body_bin.clone().unwrap_or_default();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let expires_at = now + signing::SIGNING_TTL;
    let results = checks::latest(&ctx.db, app.id).await?;
    let payload = json!({
        "type": PAYLOAD_TYPE,
        "applicationId": app.id.to_string(),
        "number": app.number,
        "version": app.version,
        "decision": input.outcome.to_value(),
        "ground": input.ground.map(ground_name),
        "reason": input.reason,
        "subjectIin": app.subject_iin,
        "kind": app.kind.map(|k| k.to_value()),
        "periodMonths": app.period_months,
        "address": { "rka": app.address_rka, "ownerIin": app.address_owner_iin, "areaHundredths": app.address_area_hundredths },
        "checks": results.iter().map(|r| json!({ "check": r.check.to_value(), "outcome": r.outcome.to_value() })).collect::<Vec<_>>(),
        "body": body,
        "officer": { "iin": officer.iin },
        "issuedAt": rfc3339(now),
        "expiresAt": rfc3339(expires_at),
    });
    let text = match input.outcome {
        DecisionOutcome::Approve => format!(
            "№ {n} өтінішін мақұлдаймын: тіркеу жүргізілсін.\nОдобряю заявление № {n}: произвести регистрацию.",
            n = app.number
        ),
        DecisionOutcome::Refuse => format!(
            "№ {n} өтініші бойынша бас тартамын ({ground}): {reason}.\nОтказываю по заявлению № {n} ({ground}): {reason}.",
            n = app.number,
            ground = input.ground.map(ground_name).unwrap_or_default(),
            reason = input.reason.clone().unwrap_or_default(),
        ),
    };
    Ok(signing::create_request(
        &ctx.db,
        NewSigningRequest {
            subject_kind: SigningSubjectKind::Decision,
            subject_id: app.id,
            subject_version: app.version,
            payload: serde_json::to_vec(&payload).unwrap_or_default(),
            text,
            requirements: KeyRequirements {
                purpose: KeyPurpose::Sign,
                extended_key_usage_oids: vec![signing::EKU_SIGN.to_owned()],
                iin: Some(officer.iin.clone()),
                bin: Some(body),
                role_oids: OFFICER_ROLES.iter().map(|r| (*r).to_owned()).collect(),
            },
            // DOMAIN: an officer's decision is signed with the body's legal-entity key
            allowed_methods: vec![SigningMethod::Eds],
            expires_at,
        },
        now,
    )
    .await?)
}

/// The decision a signing request describes, read back from its payload (what was signed).
fn decided(
    request: &signing_request::Model,
) -> Option<(DecisionOutcome, Option<RefusalGround>, Option<String>)> {
    let payload: serde_json::Value = serde_json::from_slice(&request.payload).ok()?;
    let outcome =
        DecisionOutcome::try_from_value(&payload.get("decision")?.as_str()?.to_owned()).ok()?;
    let ground = match payload.get("ground").and_then(|g| g.as_str()) {
        Some(g) => Some(RefusalGround::from(
            entities::enums::RefusalGround::try_from_value(&g.to_owned()).ok()?,
        )),
        None => None,
    };
    let reason = payload
        .get("reason")
        .and_then(|r| r.as_str())
        .map(str::to_owned);
    Some((outcome, ground, reason))
}

/// An officer's decision as the subject of a signing request: signing makes it.
#[derive(Debug, Clone, Copy, Default)]
pub struct DecisionSigning;

#[async_trait]
impl SigningSubject for DecisionSigning {
    type Completed = application::Model;

    fn purpose(&self) -> SignaturePurpose {
        SignaturePurpose::Decision
    }

    async fn check(
        &self,
        ctx: &ServiceContext,
        viewer: &SignedIn,
        request: &signing_request::Model,
    ) -> Result<(), SignError> {
        if request.subject_kind != SigningSubjectKind::Decision {
            return Err(SignError::NotFound);
        }
        let Some(app) = application::Entity::find_by_id(request.subject_id)
            .one(&ctx.db)
            .await?
        else {
            return Err(SignError::NotFound);
        };
        if !crate::policy::may_review(viewer, &app)
            || request.expected_iin.as_deref() != Some(viewer.iin.as_str())
        {
            return Err(SignError::NotAllowed);
        }
        if request.used_at.is_none()
            && (app.version != request.subject_version
                || ApplicationStatus::from(app.status) != ApplicationStatus::InReview)
        {
            return Err(SignError::RequestVoid);
        }
        Ok(())
    }

    async fn lock(
        &self,
        txn: &DatabaseTransaction,
        request: &signing_request::Model,
    ) -> Result<(), SignError> {
        match applications::lock(txn, request.subject_id).await? {
            Some(app)
                if app.version == request.subject_version
                    && ApplicationStatus::from(app.status) == ApplicationStatus::InReview =>
            {
                Ok(())
            }
            _ => Err(SignError::Conflict),
        }
    }

    async fn complete(
        &self,
        _ctx: &ServiceContext,
        txn: &DatabaseTransaction,
        viewer: &SignedIn,
        request: &signing_request::Model,
        signature_id: Uuid,
        now: OffsetDateTime,
    ) -> Result<application::Model, SignError> {
        let Some(app) = application::Entity::find_by_id(request.subject_id)
            .one(txn)
            .await?
        else {
            return Err(SignError::Conflict);
        };
        // The claim must still be the signer's: a lapsed claim another officer took over
        // means their decision, not this one.
        if !holds_claim(viewer, &app, now) {
            return Err(SignError::NotAllowed);
        }
        let (outcome, ground, reason) = decided(request).ok_or(SignError::Conflict)?;
        decision::ActiveModel {
            id: Set(Uuid::new_v4()),
            application_id: Set(app.id),
            outcome: Set(outcome),
            ground: Set(ground.map(Into::into)),
            reason: Set(reason.clone()),
            automatic: Set(false),
            officer_person_id: Set(Some(viewer.person_id)),
            body_bin: Set(app.body_bin.clone()),
            signature_id: Set(Some(signature_id)),
            decided_at: Set(now),
            cancelled_at: Set(None),
        }
        .insert(txn)
        .await?;
        let actor = Actor {
            person: Some(viewer.person_id),
            role: ActorRole::Officer,
            reason,
        };
        let decided = match outcome {
            DecisionOutcome::Approve => {
                applications::transition(txn, &app, ApplicationStatus::Approved, actor, None, now)
                    .await
            }
            DecisionOutcome::Refuse => {
                applications::transition(txn, &app, ApplicationStatus::Refused, actor, ground, now)
                    .await
            }
        };
        decided.map_err(|e| match e {
            DraftError::Internal(internal) => SignError::Internal(internal),
            _ => SignError::Conflict,
        })
    }
}

/// Decides an application with the officer's CMS over the decision's signing request; an
/// approval is then entered in the population registry (and stays `APPROVED` until the
/// registry confirms).
pub async fn decide(
    ctx: &ServiceContext,
    officer: &SignedIn,
    signing_request_id: Uuid,
    cms: &str,
) -> Result<application::Model, SignError> {
    let decided =
        signing::sign_with_cms(ctx, officer, signing_request_id, cms, &DecisionSigning).await?;
    if ApplicationStatus::from(decided.status) == ApplicationStatus::Approved {
        match registrations::register_approved(ctx, decided.id).await {
            Ok(Some(registered)) => return Ok(registered),
            Ok(None) => {}
            Err(error) => {
                tracing::error!(error = %error.chain(), "registering an approved application failed; the maintenance task tries again");
            }
        }
    }
    Ok(decided)
}
