//! What a resolver knows about the request: who asks, in which language, from which origin.

use super::errors::{ApiErrorCode, api_error};
use super::locale::Locale;
use crate::state::AppState;
use async_graphql::Context;
use registration_core::ServiceContext;
use registration_core::auth::viewer::{Principal, SignedIn};
use registration_core::policy::{self, Denied, Operation};
use std::sync::Arc;
use std::sync::atomic::AtomicU32;

/// Per-request data, attached by the HTTP handler.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub principal: Principal,
    pub locale: Locale,
    /// The `Origin` header, or empty for non-browser clients.
    pub origin: String,
    /// Whether that origin may use the API from a browser: one of `CORS_ALLOWED_ORIGINS`, or
    /// the server's own (see `http::cors::origin_accepted`).
    pub origin_accepted: bool,
    /// How many property lookups this request has asked for (at most one runs).
    pub property_lookups: Arc<AtomicU32>,
}

/// The request's data (a request always has it: the handler attaches it).
pub fn request<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a RequestContext> {
    ctx.data::<RequestContext>()
}

/// The application's state.
pub fn state<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a AppState> {
    ctx.data::<AppState>()
}

/// The service core's context.
pub fn service<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a ServiceContext> {
    Ok(&state(ctx)?.service)
}

/// The signed-in person who may run `operation` (the policy decides), or `UNAUTHENTICATED` /
/// `FORBIDDEN`.
pub fn signed_in<'a>(
    ctx: &Context<'a>,
    operation: Operation,
) -> async_graphql::Result<&'a SignedIn> {
    let request = request(ctx)?;
    match policy::authorize(&request.principal, operation) {
        Ok(Some(person)) => Ok(person),
        Ok(None) | Err(Denied::Unauthenticated) => {
            Err(api_error(ApiErrorCode::Unauthenticated, request.locale))
        }
        Err(Denied::Forbidden) => Err(api_error(ApiErrorCode::Forbidden, request.locale)),
    }
}
