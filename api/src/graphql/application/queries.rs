//! The application queries: `application`, `propertyLookup` and `myApplications`.

use super::KIND;
use super::inputs::{AddressInput, Validation};
use super::types::{Application, ApplicationConnection, ApplicationEdge, PropertyLookupResult};
use crate::graphql::connection::{self, Page};
use crate::graphql::context::{request, service, signed_in};
use crate::graphql::errors::{UserErrorCode, bad_argument, internal, limit_exceeded, rate_limited};
use crate::graphql::ids;
use crate::graphql::pagination::Cursor;
use async_graphql::{Context, ID, Object};
use entities::application;
use registration_core::policy::Operation;
use registration_core::service::applications;
use registration_core::service::property::{self, LookupAnswer, LookupError};
use std::sync::atomic::Ordering;

/// Application queries.
#[derive(Default, Debug)]
pub struct ApplicationQuery;

/// Application queries.
#[Object]
impl ApplicationQuery {
    /// An application the caller may see (its applicant, the person it registers, officers).
    async fn application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The global ID.")] id: ID,
    ) -> async_graphql::Result<Option<Application>> {
        let viewer = signed_in(ctx, Operation::ReadApplication)?;
        let locale = request(ctx)?.locale;
        let Some(uuid) = ids::decode_kind(&id, KIND) else {
            return Ok(None);
        };
        // An officer reading another person's application is audited.
        let found = applications::read(service(ctx)?, viewer, uuid)
            .await
            .map_err(|e| internal(e, locale))?;
        Ok(found.map(Application))
    }

    /// Whether an address exists in the property registry (by RKA, or by owner IIN + area), so a
    /// typo is a form error rather than a legal refusal. Asked about another person's IIN, it
    /// says only whether the property is confirmed. At most one lookup runs per request, and a
    /// person has `PROPERTY_LOOKUP_PER_HOUR` (default 10) in a rolling hour; past that it is
    /// `RATE_LIMITED` with `extensions.retryAfterSeconds`. Every lookup is audited.
    async fn property_lookup(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The address, as the application would give it.")] input: AddressInput,
    ) -> async_graphql::Result<PropertyLookupResult> {
        let viewer = signed_in(ctx, Operation::LookupProperty)?;
        let request = request(ctx)?;
        let locale = request.locale;
        if request.property_lookups.fetch_add(1, Ordering::SeqCst) > 0 {
            return Err(limit_exceeded("PROPERTY_LOOKUPS_PER_REQUEST", locale));
        }
        let mut v = Validation::new(ctx, locale)?;
        let Some(address) = v.address(input) else {
            let message = v.errors.first().map_or_else(
                || UserErrorCode::BadUserInput.message(locale).to_owned(),
                |e| e.message.clone(),
            );
            return Err(bad_argument(message));
        };
        let answer = match property::lookup(service(ctx)?, viewer, &address).await {
            Ok(answer) => answer,
            Err(LookupError::RateLimited {
                retry_after_seconds,
            }) => return Err(rate_limited(retry_after_seconds, locale)),
            Err(LookupError::Internal(error)) => return Err(internal(error, locale)),
        };
        Ok(match answer {
            LookupAnswer::NotFound => PropertyLookupResult {
                found: false,
                kind: None,
                owner_count: None,
                has_administration: None,
            },
            LookupAnswer::Confirmed => PropertyLookupResult {
                found: true,
                kind: None,
                owner_count: None,
                has_administration: None,
            },
            LookupAnswer::Found {
                kind,
                owner_count,
                has_administration,
            } => PropertyLookupResult {
                found: true,
                kind: Some(kind.into()),
                owner_count: owner_count.map(|n| i32::try_from(n).unwrap_or(i32::MAX)),
                has_administration: Some(has_administration),
            },
        })
    }

    /// The signed-in person's own applications, newest first.
    #[graphql(
        complexity = "usize::try_from(first.unwrap_or(20).clamp(1, 100)).unwrap_or(100) * child_complexity"
    )]
    async fn my_applications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "The cursor after which to start.")] after: Option<String>,
    ) -> async_graphql::Result<ApplicationConnection> {
        let viewer = signed_in(ctx, Operation::ListOwnApplications)?;
        let locale = request(ctx)?.locale;
        let Page { edges, page_info } = connection::page(
            first,
            after,
            locale,
            |after, limit| async move {
                let rows = applications::page_of_mine(service(ctx)?, viewer, after, limit)
                    .await
                    .map_err(|e| internal(e, locale))?;
                crate::graphql::loaders::prime_for_applications(ctx, &rows).await?;
                Ok(rows)
            },
            |row: &application::Model| Cursor {
                at: row.created_at,
                id: row.id,
            },
            |row, cursor| ApplicationEdge {
                cursor,
                node: Application(row),
            },
        )
        .await?;
        Ok(ApplicationConnection {
            edges,
            page_info,
            review: None,
        })
    }
}
