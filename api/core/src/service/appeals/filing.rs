//! Filing: the appeal as the subject of a signing request. A valid signature files it, in one
//! transaction with its receipt and its deadlines; a bad one leaves the draft as it was (the
//! signing contract's refusal, a user error).

use super::deadlines::{self, DeadlineKind, REFERRAL_DAYS};
use super::{Actor, AppealStatus};
use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::ActorRole;
use crate::service::otp::OtpRuntime;
use crate::service::signing::{self, SignError, SigningSubject};
use async_trait::async_trait;
use entities::enums::{SignaturePurpose, SigningSubjectKind};
use entities::{appeal, signing_request};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, IntoActiveModel, Set};
use time::OffsetDateTime;
use uuid::Uuid;

/// An appeal as the subject of a signing request: signing files it.
#[derive(Debug, Clone, Copy, Default)]
pub struct AppealFiling;

#[async_trait]
impl SigningSubject for AppealFiling {
    type Completed = appeal::Model;

    fn purpose(&self) -> SignaturePurpose {
        SignaturePurpose::Appeal
    }

    async fn check(
        &self,
        ctx: &ServiceContext,
        viewer: &SignedIn,
        request: &signing_request::Model,
    ) -> Result<(), SignError> {
        if request.subject_kind != SigningSubjectKind::Appeal {
            return Err(SignError::NotFound);
        }
        let Some(appeal) = super::find(ctx, viewer, request.subject_id).await? else {
            return Err(SignError::NotFound);
        };
        // Officers may read a filed appeal; only its applicant files it.
        if appeal.applicant_person_id != viewer.person_id {
            return Err(SignError::NotAllowed);
        }
        if request.used_at.is_none()
            && (appeal.version != request.subject_version
                || super::status(&appeal) != Some(AppealStatus::Draft))
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
        match super::lock(txn, request.subject_id).await? {
            Some(appeal)
                if appeal.version == request.subject_version
                    && super::status(&appeal) == Some(AppealStatus::Draft) =>
            {
                Ok(())
            }
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
        let Some(draft) = super::lock(txn, request.subject_id).await? else {
            return Err(SignError::Conflict);
        };
        receive(ctx, txn, viewer, draft, signature_id, now)
            .await
            .map_err(SignError::Internal)
    }
}

/// Receives a signed draft: the receipt, the status, the deadlines, the history.
// DOMAIN: appeals: receiving an appeal may never be refused: on filing, the applicant gets a
// receipt with a unique number, date and time, and the surname, initials and position of the
// person who received it.
async fn receive(
    ctx: &ServiceContext,
    txn: &DatabaseTransaction,
    viewer: &SignedIn,
    draft: appeal::Model,
    signature_id: Uuid,
    now: OffsetDateTime,
) -> Result<appeal::Model, crate::service::InternalError> {
    let missing = super::missing(&draft);
    // DOMAIN: appeals: one that does not meet the requirements is told which, with a time
    // limit to bring it into compliance.
    let to = if missing.is_empty() {
        AppealStatus::Received
    } else {
        AppealStatus::NeedsCorrection
    };
    let settings = &ctx.settings;
    let procedure = super::Procedure::of(&draft);
    let hours = settings.working_hours;
    let calendar = &ctx.calendar;
    // DOMAIN: complaints: filed no later than 3 months from the day the participant learned
    // of the act; a later one is still received (never a ground to refuse), with its request
    // to restore the term.
    let filing_term = match (procedure, draft.learned_at) {
        (super::Procedure::Complaint, Some(learned_at)) => {
            let learned_on = calendar.almaty().at(learned_at).date();
            Some(deadlines::ending_on(
                calendar,
                DeadlineKind::Filing,
                learned_at,
                deadlines::add_months(learned_on, deadlines::COMPLAINT_MONTHS),
                false,
            ))
        }
        _ => None,
    };
    let late = filing_term.as_ref().is_some_and(|term| now >= term.due_at);
    let mut filed = draft.clone().into_active_model();
    filed.status = Set(to.as_str().to_owned());
    filed.version = Set(draft.version + 1);
    filed.received_at = Set(Some(now));
    filed.receipt_number = Set(Some(crate::service::applications::new_number(now)?));
    filed.receiver_name = Set(Some(settings.appeals_operator_name.clone()));
    filed.receiver_position = Set(Some(settings.appeals_operator_position.clone()));
    filed.signature_id = Set(Some(signature_id));
    filed.handling_body_bin = Set(Some(draft.body_bin.clone()));
    filed.late = Set(late);
    let filed = filed.update(txn).await?;
    let mut terms = Vec::new();
    match procedure {
        // The referral duty runs from the receipt whatever the appeal misses.
        super::Procedure::Appeal => terms.push(deadlines::count(
            calendar,
            hours,
            DeadlineKind::Referral,
            now,
            REFERRAL_DAYS,
        )),
        super::Procedure::Complaint => terms.push(deadlines::count(
            calendar,
            hours,
            DeadlineKind::Forwarding,
            now,
            deadlines::FORWARDING_DAYS,
        )),
    }
    terms.push(match to {
        AppealStatus::NeedsCorrection => deadlines::count(
            calendar,
            hours,
            DeadlineKind::Correction,
            now,
            settings.appeal_correction_days,
        ),
        _ => deadlines::count(
            calendar,
            hours,
            DeadlineKind::Decision,
            now,
            deadlines::decision_days(procedure),
        ),
    });
    for term in &terms {
        deadlines::store(txn, filed.id, term).await?;
    }
    if let Some(term) = &filing_term {
        deadlines::store(txn, filed.id, term).await?;
        deadlines::meet(txn, filed.id, DeadlineKind::Filing, now).await?;
    }
    let reason = (!missing.is_empty()).then(|| {
        let codes: Vec<&str> = missing.iter().map(|r| r.code()).collect();
        format!("missing: {}", codes.join(", "))
    });
    super::record_change(
        txn,
        &filed,
        Some(AppealStatus::Draft),
        &Actor {
            person: Some(viewer.person_id),
            role: ActorRole::Applicant,
            reason,
        },
        now,
    )
    .await?;
    Ok(filed)
}

/// Files the appeal of a signing request with the applicant's CMS.
pub async fn file(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    request_id: Uuid,
    cms: &str,
) -> Result<appeal::Model, SignError> {
    let filed = signing::sign_with_cms(ctx, viewer, request_id, cms, &AppealFiling).await?;
    announce(&filed);
    Ok(filed)
}

/// Files the appeal of a signing request with a one-time password sent for it.
pub async fn file_with_otp(
    ctx: &ServiceContext,
    otp: &OtpRuntime,
    viewer: &SignedIn,
    request_id: Uuid,
    code: &str,
) -> Result<appeal::Model, SignError> {
    let filed = signing::sign_with_otp(ctx, otp, viewer, request_id, code, &AppealFiling).await?;
    announce(&filed);
    Ok(filed)
}

fn announce(filed: &appeal::Model) {
    tracing::info!(
        number = %filed.number,
        receipt = filed.receipt_number.as_deref().unwrap_or_default(),
        status = %filed.status,
        "appeal received"
    );
}
