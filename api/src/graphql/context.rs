//! What a resolver knows about the request: who asks, in which language, from which origin.

use super::errors::{ApiErrorCode, api_error};
use super::locale::Locale;
use crate::auth::viewer::{Principal, SignedIn};
use crate::state::AppState;
use async_graphql::Context;

/// Per-request data, attached by the HTTP handler.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub principal: Principal,
    pub locale: Locale,
    /// The `Origin` header, or empty for non-browser clients.
    pub origin: String,
}

/// The request's data (a request always has it: the handler attaches it).
pub fn request<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a RequestContext> {
    ctx.data::<RequestContext>()
}

/// The application's state.
pub fn state<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a AppState> {
    ctx.data::<AppState>()
}

/// The signed-in person, or `UNAUTHENTICATED`.
pub fn signed_in<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a SignedIn> {
    let request = request(ctx)?;
    match &request.principal {
        Principal::Person(person) => Ok(person),
        Principal::Integrator { .. } => Err(api_error(ApiErrorCode::Forbidden, request.locale)),
        Principal::Anonymous | Principal::InvalidToken => {
            Err(api_error(ApiErrorCode::Unauthenticated, request.locale))
        }
    }
}
