//! The case goes with an appeal or a complaint to the bodies that handle it.
//!
//! An application is read by the body that decides it, an appeal by the bodies it is addressed
//! to, handled by or heard by ([`crate::policy`]). A body that handles an appeal or a complaint
//! about them decides on them too: the authorised body an appeal was referred to, and the
//! higher body that hears a complaint. Its officers read the application an appeal or
//! complaint concerns, and the appeal a complaint is against, for as long as they may read
//! that appeal or complaint. Reading only: it gives no right to change, sign, decide or
//! complain of them.

use super::Procedure;
use super::review::may_handle_read;
use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::service::InternalError;
use entities::appeal;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Whether the officer handles an appeal or a complaint (past its draft) that concerns the
/// application.
pub async fn handles_a_case_of_application(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    application_id: Uuid,
) -> Result<bool, InternalError> {
    // DOMAIN: an appeal received by a body without authority over it is referred to the
    // authorised body; a complaint is heard by the higher body: each decides on the case.
    handles_any(
        ctx,
        viewer,
        Condition::all().add(appeal::Column::ApplicationId.eq(application_id)),
    )
    .await
}

/// Whether the officer hears (or handles) a complaint (past its draft) against the appeal.
pub async fn handles_a_complaint_against(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    appeal_id: Uuid,
) -> Result<bool, InternalError> {
    // DOMAIN: a complaint is heard by the higher body, filed through the body complained of.
    handles_any(
        ctx,
        viewer,
        Condition::all()
            .add(appeal::Column::TargetId.eq(appeal_id))
            .add(appeal::Column::Procedure.eq(Procedure::Complaint.as_str())),
    )
    .await
}

/// Whether the officer may read (as its handler) any appeal or complaint that `which` selects.
async fn handles_any(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    which: Condition,
) -> Result<bool, InternalError> {
    if viewer.officer_of.is_none() {
        return Ok(false);
    }
    let cases = appeal::Entity::find().filter(which).all(&ctx.db).await?;
    Ok(cases.iter().any(|case| may_handle_read(viewer, case)))
}
