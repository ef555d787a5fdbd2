//! The result: an approved application is entered in the population registry (its port,
//! idempotent by application), and only once the registry confirms is it `REGISTERED`, with
//! the registration recorded and, for a permanent one, the previous permanent registration
//! ended the same day in the same transaction. Temporary registrations end by themselves at
//! the end of their period.

use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::{ActorRole, ApplicationStatus, Iin};
use crate::registries::PopulationEntry;
use crate::service::InternalError;
use crate::service::applications::{self, Actor, DraftError};
use crate::service::events::{self, EntityKind, EventDraft};
use crate::service::keyset::{self, Direction};
use crate::service::property;
use entities::enums::{RegistrationEndReason, RegistrationKind};
use entities::{application, registration};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The last day of a temporary registration of `months` months from `start`: the day before
/// the same date `months` later, or that month's last day when it has no such date (a stay
/// from 31 January for a month lasts to the end of February).
// DOMAIN: temporary registration: online periods 1 to 12 months
pub fn temporary_end(start: Date, months: u8) -> Date {
    let total = i32::from(u8::from(start.month())) - 1 + i32::from(months);
    let year = start.year() + total.div_euclid(12);
    let month = u8::try_from(total.rem_euclid(12) + 1)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .unwrap_or(time::Month::January);
    let last = month.length(year);
    if start.day() > last {
        return Date::from_calendar_date(year, month, last).unwrap_or(start);
    }
    let same_day = Date::from_calendar_date(year, month, start.day()).unwrap_or(start);
    same_day.previous_day().unwrap_or(same_day)
}

/// Enters an approved application in the population registry and, once it confirms, makes it
/// `REGISTERED`. `Ok(None)`: not approved (nothing to do); `Ok(Some(app))` with the application
/// still `APPROVED` when the registry did not answer (the maintenance task asks again).
pub async fn register_approved(
    ctx: &ServiceContext,
    application_id: Uuid,
) -> Result<Option<application::Model>, InternalError> {
    let Some(app) = application::Entity::find_by_id(application_id)
        .one(&ctx.db)
        .await?
    else {
        return Ok(None);
    };
    if ApplicationStatus::from(app.status) != ApplicationStatus::Approved {
        return Ok(None);
    }
    let now = ctx.clock.now();
    let (Some(iin), Some(address)) = (
        app.subject_iin.as_deref().and_then(|i| Iin::parse(i).ok()),
        property::address_of(&app),
    ) else {
        tracing::error!(application = %app.id, "an approved application names no person or address");
        return Ok(Some(app));
    };
    let found = match property::find(ctx, &address).await {
        Ok(Some(found)) => found,
        Ok(None) | Err(_) => {
            tracing::warn!(application = %app.id, "the address of an approved application was not found now; registering later");
            return Ok(Some(app));
        }
    };
    let temporary = app.kind == Some(RegistrationKind::Temporary);
    let entry = PopulationEntry {
        application_id: app.id,
        iin: iin.clone(),
        temporary,
        rka: found.rka.clone(),
        at: now,
    };
    let reference = match ctx.population.register(&entry).await {
        Ok(reference) => reference,
        Err(error) => {
            tracing::warn!(application = %app.id, %error, "the population registry did not confirm; asking again later");
            return Ok(Some(app));
        }
    };
    let today = now.date();
    let txn = ctx.db.begin().await?;
    let Some(current) = applications::lock(&txn, app.id).await? else {
        txn.rollback().await?;
        return Ok(None);
    };
    if ApplicationStatus::from(current.status) != ApplicationStatus::Approved {
        // Registered meanwhile by another instance.
        txn.rollback().await?;
        return Ok(Some(current));
    }
    let kind = if temporary {
        RegistrationKind::Temporary
    } else {
        RegistrationKind::Permanent
    };
    // DOMAIN: a new permanent registration ends the previous one the same day
    if !temporary {
        let previous = registration::Entity::find()
            .filter(registration::Column::Iin.eq(iin.as_str()))
            .filter(registration::Column::Kind.eq(RegistrationKind::Permanent))
            .filter(registration::Column::EndedOn.is_null())
            .all(&txn)
            .await?;
        for ended in previous {
            end(&txn, ended, today, RegistrationEndReason::Replaced, now).await?;
        }
    }
    let months = u8::try_from(current.period_months.unwrap_or(1)).unwrap_or(1);
    let created = registration::ActiveModel {
        id: Set(Uuid::new_v4()),
        application_id: Set(current.id),
        iin: Set(iin.as_str().to_owned()),
        kind: Set(kind),
        address_rka: Set(found.rka.as_str().to_owned()),
        address: Set(found.address.clone()),
        starts_on: Set(today),
        ends_on: Set(temporary.then(|| temporary_end(today, months))),
        ended_on: Set(None),
        end_reason: Set(None),
        registry_reference: Set(reference.clone()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    record(&txn, &created, &current, None, "ACTIVE", now).await?;
    let registered = applications::transition(
        &txn,
        &current,
        ApplicationStatus::Registered,
        Actor {
            person: None,
            role: ActorRole::System,
            reason: Some(format!(
                "entered in the population registry (reference {reference})"
            )),
        },
        None,
        now,
    )
    .await;
    match registered {
        Ok(registered) => {
            txn.commit().await?;
            tracing::info!(
                application = %registered.id,
                person = %iin.masked(),
                temporary,
                "registered in the population registry"
            );
            Ok(Some(registered))
        }
        Err(DraftError::Internal(internal)) => Err(internal),
        Err(_) => {
            txn.rollback().await?;
            Ok(application::Entity::find_by_id(app.id).one(&ctx.db).await?)
        }
    }
}

/// Ends a registration on `day`, with its event.
async fn end<C: ConnectionTrait>(
    db: &C,
    registration: registration::Model,
    day: Date,
    reason: RegistrationEndReason,
    now: OffsetDateTime,
) -> Result<(), sea_orm::DbErr> {
    let changed = registration::Entity::update_many()
        .col_expr(registration::Column::EndedOn, Expr::value(day))
        .col_expr(
            registration::Column::EndReason,
            Expr::value(sea_orm::ActiveEnum::to_value(&reason)),
        )
        .filter(registration::Column::Id.eq(registration.id))
        .filter(registration::Column::EndedOn.is_null())
        .exec(db)
        .await?;
    if changed.rows_affected != 1 {
        return Ok(());
    }
    if let Some(app) = application::Entity::find_by_id(registration.application_id)
        .one(db)
        .await?
    {
        record(db, &registration, &app, Some("ACTIVE"), "ENDED", now).await?;
    }
    Ok(())
}

/// The event of a registration's change, for the application's parties.
async fn record<C: ConnectionTrait>(
    db: &C,
    registration: &registration::Model,
    app: &application::Model,
    from: Option<&str>,
    to: &str,
    at: OffsetDateTime,
) -> Result<(), sea_orm::DbErr> {
    events::record(
        db,
        EventDraft {
            entity: EntityKind::Registration,
            entity_id: registration.id,
            application_id: Some(app.id),
            body: app.body_bin.clone(),
            from: from.map(str::to_owned),
            to: to.to_owned(),
            actor_role: ActorRole::System,
            actor_person: None,
            audience: events::application_audience(app),
            at,
        },
    )
    .await?;
    Ok(())
}

/// Ends every temporary registration whose period is over (its last day before `now`'s date),
/// exactly once however many instances run it (a conditional UPDATE per row). How many ended.
// DOMAIN: temporary registration ends by itself at the end of its period
pub async fn end_expired(ctx: &ServiceContext, now: OffsetDateTime) -> Result<u64, InternalError> {
    let today = now.date();
    let over = registration::Entity::find()
        .filter(registration::Column::Kind.eq(RegistrationKind::Temporary))
        .filter(registration::Column::EndedOn.is_null())
        .filter(registration::Column::EndsOn.lt(today))
        .limit(500)
        .all(&ctx.db)
        .await?;
    let mut ended = 0;
    for registration in over {
        let day = registration.ends_on.unwrap_or(today);
        let txn = ctx.db.begin().await?;
        end(
            &txn,
            registration,
            day,
            RegistrationEndReason::PeriodEnded,
            now,
        )
        .await?;
        txn.commit().await?;
        ended += 1;
    }
    Ok(ended)
}

/// The registration an application resulted in, if any.
pub async fn of_application(
    ctx: &ServiceContext,
    application_id: Uuid,
) -> Result<Option<registration::Model>, InternalError> {
    Ok(of_applications(ctx, &[application_id])
        .await?
        .remove(&application_id))
}

/// The registrations these applications resulted in, by application (one statement for a
/// page).
pub async fn of_applications(
    ctx: &ServiceContext,
    application_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, registration::Model>, InternalError> {
    Ok(registration::Entity::find()
        .filter(registration::Column::ApplicationId.is_in(application_ids.to_vec()))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|row| (row.application_id, row))
        .collect())
}

/// A page of a person's registrations, newest first, after the cursor `(created_at, id)`.
async fn page_of(
    ctx: &ServiceContext,
    iin: &str,
    after: Option<(OffsetDateTime, Uuid)>,
    limit: u64,
) -> Result<Vec<registration::Model>, InternalError> {
    let query = registration::Entity::find().filter(registration::Column::Iin.eq(iin));
    Ok(keyset::page(
        query,
        (registration::Column::CreatedAt, registration::Column::Id),
        Direction::Descending,
        after,
        limit,
    )
    .all(&ctx.db)
    .await?)
}

/// The signed-in citizen's own registrations, newest first.
pub async fn mine(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    after: Option<(OffsetDateTime, Uuid)>,
    limit: u64,
) -> Result<Vec<registration::Model>, InternalError> {
    page_of(ctx, &viewer.iin, after, limit).await
}

/// Why an officer may not read a person's registrations.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// Not an officer.
    #[error("only officers read other persons' registrations")]
    NotAnOfficer,
    /// The person did not consent to access to their restricted data for any application
    /// before the officer's body.
    #[error("the person did not consent to access to their restricted personal data")]
    NoConsent,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for AccessError {
    fn from(error: sea_orm::DbErr) -> Self {
        AccessError::Internal(error.into())
    }
}

/// A page of another person's registrations, for an officer: recorded in the audit table
/// (who, whose, when, why), and refused (and recorded as refused) unless the person consented
/// to access to their restricted personal data in an application before the officer's body.
// DOMAIN: refusal ground (2): restricted personal data only with the person's consent
pub async fn of_person(
    ctx: &ServiceContext,
    officer: &SignedIn,
    iin: &Iin,
    purpose: &str,
    after: Option<(OffsetDateTime, Uuid)>,
    limit: u64,
) -> Result<Vec<registration::Model>, AccessError> {
    let Some(body) = &officer.officer_of else {
        return Err(AccessError::NotAnOfficer);
    };
    let consenting = application::Entity::find()
        .filter(application::Column::SubjectIin.eq(iin.as_str()))
        .filter(application::Column::BodyBin.eq(body.clone()))
        .filter(application::Column::PersonalDataConsent.eq(true))
        .order_by_desc(application::Column::SubmittedAt)
        .one(&ctx.db)
        .await?;
    let allowed = consenting.is_some();
    super::audit::record(
        ctx,
        officer,
        super::audit::Access {
            subject: iin,
            application: consenting.as_ref().map(|a| a.id),
            purpose,
            allowed,
        },
    )
    .await?;
    if !allowed {
        return Err(AccessError::NoConsent);
    }
    Ok(page_of(ctx, iin.as_str(), after, limit).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_temporary_period_ends_the_day_before_the_same_date_months_later() {
        assert_eq!(
            temporary_end(date!(2026 - 12 - 01), 1),
            date!(2026 - 12 - 31)
        );
        assert_eq!(
            temporary_end(date!(2026 - 12 - 15), 3),
            date!(2027 - 03 - 14)
        );
        assert_eq!(
            temporary_end(date!(2026 - 01 - 31), 1),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            temporary_end(date!(2024 - 01 - 31), 1),
            date!(2024 - 02 - 29)
        );
        assert_eq!(
            temporary_end(date!(2024 - 01 - 29), 1),
            date!(2024 - 02 - 28)
        );
        assert_eq!(
            temporary_end(date!(2026 - 03 - 01), 12),
            date!(2027 - 02 - 28)
        );
    }
}
