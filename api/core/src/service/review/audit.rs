//! The audit of officers opening other persons' restricted personal data: every access (and
//! every refused attempt) is a row of `restricted_data_access` — who, for which body, whose,
//! when, why, and whether it was allowed. Logs carry masked IINs only.

use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::Iin;
use crate::service::InternalError;
use entities::{application, restricted_data_access};
use sea_orm::{ActiveModelTrait, Set};
use uuid::Uuid;

/// What an officer opened, and why.
#[derive(Debug, Clone, Copy)]
pub struct Access<'a> {
    /// Whose data.
    pub subject: &'a Iin,
    /// The application the access is for, if any.
    pub application: Option<Uuid>,
    /// Why, in the officer's words.
    pub purpose: &'a str,
    /// Whether it was allowed.
    pub allowed: bool,
}

/// Records one access by an officer (a person acting for a body).
pub async fn record(
    ctx: &ServiceContext,
    officer: &SignedIn,
    access: Access<'_>,
) -> Result<(), InternalError> {
    let Some(body) = &officer.officer_of else {
        return Ok(());
    };
    restricted_data_access::ActiveModel {
        id: Set(Uuid::new_v4()),
        officer_person_id: Set(officer.person_id),
        body_bin: Set(body.clone()),
        subject_iin: Set(access.subject.as_str().to_owned()),
        application_id: Set(access.application),
        purpose: Set(access.purpose.to_owned()),
        allowed: Set(access.allowed),
        at: Set(ctx.clock.now()),
    }
    .insert(&ctx.db)
    .await?;
    tracing::info!(
        person = %access.subject.masked(),
        allowed = access.allowed,
        purpose = access.purpose,
        "an officer opened a person's restricted data"
    );
    Ok(())
}

/// Records an officer reading an application of another person's (the subject's data, which
/// the application's personal-data consent lets the bodies see) that they were allowed to
/// read: as the deciding body's, or as the case of an appeal or complaint their body handles.
pub async fn application_read(
    ctx: &ServiceContext,
    officer: &SignedIn,
    app: &application::Model,
) -> Result<(), InternalError> {
    let others = app.applicant_person_id != officer.person_id
        && app.subject_iin.as_deref() != Some(officer.iin.as_str());
    if !others || officer.officer_of.is_none() {
        return Ok(());
    }
    let purpose = if crate::policy::may_review(officer, app) {
        "application review"
    } else {
        "the case of an appeal or complaint"
    };
    let Some(subject) = app.subject_iin.as_deref().and_then(|i| Iin::parse(i).ok()) else {
        return Ok(());
    };
    record(
        ctx,
        officer,
        Access {
            subject: &subject,
            application: Some(app.id),
            purpose,
            allowed: app.personal_data_consent == Some(true),
        },
    )
    .await
}
