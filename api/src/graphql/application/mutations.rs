//! The draft mutations: `createApplication`, `updateApplication` and `withdrawApplication`.

use super::KIND;
use super::inputs::{
    CreateApplicationInput, UpdateApplicationInput, Validation, WithdrawApplicationInput, maybe,
};
use super::messages::field_path;
use super::types::ApplicationPayload;
use crate::graphql::context::{request, service, signed_in};
use crate::graphql::errors::{UserError, UserErrorCode, internal};
use crate::graphql::ids;
use crate::graphql::locale::Locale;
use crate::graphql::sentences;
use async_graphql::{Context, Object};
use registration_core::domain::{MultilineText, Text};
use registration_core::policy::Operation;
use registration_core::service::applications::draft::{self, DraftChanges};
use registration_core::service::applications::{self, DraftError};
use registration_core::service::front_office::{self, FrontOfficeError};

/// A draft operation's failure as a user error (`Err`: not the caller's fault).
fn draft_error(error: DraftError, locale: Locale) -> async_graphql::Result<UserError> {
    let (code, field): (UserErrorCode, &[&str]) = match error {
        DraftError::NotFound => (UserErrorCode::NotFound, &["input", "id"]),
        DraftError::Forbidden => (UserErrorCode::NotAllowed, &["input", "id"]),
        DraftError::Conflict => (UserErrorCode::Conflict, &["input", "version"]),
        DraftError::NotEditable => (UserErrorCode::NotEditable, &["input", "id"]),
        DraftError::TransitionNotAllowed => (UserErrorCode::TransitionNotAllowed, &["input", "id"]),
        DraftError::IdempotencyKeyReused => (
            UserErrorCode::IdempotencyKeyReused,
            &["input", "idempotencyKey"],
        ),
        DraftError::Inconsistent(field, draft::Inconsistency::PeriodForPermanent) => {
            return Ok(UserError::explained(
                UserErrorCode::BadUserInput,
                field_path(field),
                locale,
                sentences::NO_PERIOD_FOR_PERMANENT,
            ));
        }
        DraftError::Internal(error) => return Err(internal(error, locale)),
    };
    Ok(UserError::new(code, field, locale, None))
}

/// Longest idempotency key accepted.
const MAX_IDEMPOTENCY_KEY: usize = 64;

/// Application mutations.
#[derive(Default, Debug)]
pub struct ApplicationMutation;

/// Application mutations.
#[Object]
impl ApplicationMutation {
    /// Creates a draft application; it may be incomplete (see `missingRequirements`).
    async fn create_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What is known so far.")] input: CreateApplicationInput,
    ) -> async_graphql::Result<ApplicationPayload> {
        let echo = input.client_mutation_id.clone();
        Ok(create(ctx, input).await?.echoing(echo))
    }

    /// Changes a draft. Fields left out stay; fields set to null are cleared. A stale
    /// `version` is refused with `CONFLICT`; the draft's signing requests become void.
    async fn update_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateApplicationInput,
    ) -> async_graphql::Result<ApplicationPayload> {
        let echo = input.client_mutation_id.clone();
        Ok(update(ctx, input).await?.echoing(echo))
    }

    /// Withdraws an application before a decision.
    async fn withdraw_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which application, at which version.")] input: WithdrawApplicationInput,
    ) -> async_graphql::Result<ApplicationPayload> {
        let echo = input.client_mutation_id.clone();
        Ok(withdraw(ctx, input).await?.echoing(echo))
    }
}

async fn create(
    ctx: &Context<'_>,
    input: CreateApplicationInput,
) -> async_graphql::Result<ApplicationPayload> {
    let viewer = signed_in(ctx, Operation::CreateApplication)?;
    let locale = request(ctx)?.locale;
    let mut v = Validation::new(ctx, locale)?;
    let key = input
        .idempotency_key
        .as_deref()
        .and_then(|k| v.text(&["input", "idempotencyKey"], k, MAX_IDEMPOTENCY_KEY))
        .map(Text::into_string);
    let front_office = input.front_office.map(|f| v.front_office(f));
    let changes = DraftChanges {
        kind: Some(input.kind.map(Into::into)),
        period: Some(v.period(input.period_months)),
        address: Some(input.address.and_then(|a| v.address(a))),
        representation: input.representation.and_then(|r| v.representation(r)),
        arrival: Some(input.arrival_from_abroad.and_then(|a| v.arrival(a))),
        refugee: input.refugee,
        personal_data_consent: Some(input.personal_data_consent),
    };
    if !v.errors.is_empty() {
        return Ok(ApplicationPayload::refused(v.errors));
    }
    let service = service(ctx)?;
    if let Some(present) = front_office {
        let Some((applicant, document)) = present else {
            return Ok(ApplicationPayload::refused(v.errors));
        };
        return Ok(
            match front_office::open(service, viewer, &applicant, &document, changes, key).await {
                Ok(created) => {
                    tracing::info!(application = %created.id, "front-office application opened");
                    ApplicationPayload::done(created)
                }
                Err(FrontOfficeError::Draft(error)) => {
                    ApplicationPayload::refused(vec![draft_error(error, locale)?])
                }
                Err(error) => ApplicationPayload::refused(vec![
                    crate::graphql::front_office::front_office_error(
                        error,
                        &["input", "frontOffice"],
                        locale,
                    )?,
                ]),
            },
        );
    }
    Ok(
        match applications::create(service, viewer, changes, key).await {
            Ok(created) => ApplicationPayload::done(created),
            Err(error) => ApplicationPayload::refused(vec![draft_error(error, locale)?]),
        },
    )
}

async fn update(
    ctx: &Context<'_>,
    input: UpdateApplicationInput,
) -> async_graphql::Result<ApplicationPayload> {
    let viewer = signed_in(ctx, Operation::UpdateApplication)?;
    let locale = request(ctx)?.locale;
    let Some(id) = ids::decode_kind(&input.id, KIND) else {
        return Ok(ApplicationPayload::refused(vec![draft_error(
            DraftError::NotFound,
            locale,
        )?]));
    };
    let mut v = Validation::new(ctx, locale)?;
    let period = maybe(input.period_months, |m| v.period(Some(m)));
    let address = maybe(input.address, |a| v.address(a));
    let arrival = maybe(input.arrival_from_abroad, |a| v.arrival(a));
    let representation = input.representation.and_then(|r| v.representation(r));
    let (Ok(period), Ok(address), Ok(arrival)) = (period, address, arrival) else {
        return Ok(ApplicationPayload::refused(v.errors));
    };
    if !v.errors.is_empty() {
        return Ok(ApplicationPayload::refused(v.errors));
    }
    let changes = DraftChanges {
        kind: maybe(input.kind, |k| Some(k.into())).unwrap_or(None),
        period,
        address,
        representation,
        arrival,
        refugee: input.refugee,
        personal_data_consent: maybe(input.personal_data_consent, Some).unwrap_or(None),
    };
    Ok(
        match applications::update(service(ctx)?, viewer, id, input.version, changes).await {
            Ok(updated) => ApplicationPayload::done(updated),
            Err(error) => ApplicationPayload::refused(vec![draft_error(error, locale)?]),
        },
    )
}

async fn withdraw(
    ctx: &Context<'_>,
    input: WithdrawApplicationInput,
) -> async_graphql::Result<ApplicationPayload> {
    let viewer = signed_in(ctx, Operation::WithdrawApplication)?;
    let locale = request(ctx)?.locale;
    let Some(id) = ids::decode_kind(&input.id, KIND) else {
        return Ok(ApplicationPayload::refused(vec![draft_error(
            DraftError::NotFound,
            locale,
        )?]));
    };
    let mut v = Validation::new(ctx, locale)?;
    let reason = input.reason.as_deref().and_then(|r| {
        MultilineText::parse(r, 2000)
            .map_err(|e| v.bad(&["input", "reason"], e))
            .ok()
    });
    if !v.errors.is_empty() {
        return Ok(ApplicationPayload::refused(v.errors));
    }
    Ok(
        match applications::withdraw(service(ctx)?, viewer, id, input.version, reason).await {
            Ok(updated) => ApplicationPayload::done(updated),
            Err(error) => ApplicationPayload::refused(vec![draft_error(error, locale)?]),
        },
    )
}
