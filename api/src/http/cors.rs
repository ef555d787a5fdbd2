//! Cross-origin requests from browsers (the Fetch standard's CORS protocol): pages served from
//! an origin in `CORS_ALLOWED_ORIGINS` may call `/graphql` and download `/documents/{id}`; every
//! other origin gets no CORS header at all, so the browser keeps the answer from its page.
//!
//! Tokens travel in `Authorization`, never in cookies, so credentials mode is not offered
//! (`Access-Control-Allow-Credentials` is never sent).

use crate::state::AppState;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

/// The methods `/graphql` answers.
const METHODS: &str = "GET, POST";
/// The request headers the API reads; a preflight asking for others is refused.
const HEADERS: &[&str] = &[
    "accept",
    "accept-language",
    "authorization",
    "content-type",
    "graphql-preflight",
    "apollo-require-preflight",
    "x-request-id",
];
/// The response headers a page may read besides the CORS-safelisted ones (a download's file
/// name among them).
const EXPOSED: &str = "retry-after, x-request-id, content-disposition";

/// Whether a path is one a page on an allowed origin may call: the GraphQL endpoint, and
/// document downloads (which need `Authorization`, hence a preflight).
fn offered(path: &str) -> bool {
    path == "/graphql" || path.starts_with("/documents/")
}
/// How long a browser may cache a preflight answer, in seconds (Chromium caps it at 7,200).
const MAX_AGE: &str = "7200";

/// Whether a request from `origin` may read the API's answers: an allowed origin, or the
/// server's own (GraphiQL, served by the API itself, sends its `Origin` on POST). Non-browser
/// clients send no `Origin` and are not concerned.
pub fn origin_accepted(origin: &str, allowed: &[String], host: Option<&str>) -> bool {
    allowed.iter().any(|a| a == origin)
        || host.is_some_and(|host| {
            origin
                .split_once("://")
                .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host))
        })
}

/// Answers preflight requests for `/graphql` and `/documents/…` and marks answers to allowed
/// origins.
pub async fn middleware(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let allowed = request
        .app_data::<web::Data<AppState>>()
        .map(|state| state.settings.cors_allowed_origins.clone())
        .unwrap_or_default();
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|origin| allowed.iter().any(|a| a == origin))
        .map(str::to_owned);
    let is_preflight = request.method() == Method::OPTIONS
        && offered(request.path())
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if is_preflight {
        let response = preflight(&request, origin.as_deref());
        return Ok(request.into_response(response).map_into_right_body());
    }
    if request.method() == Method::OPTIONS && offered(request.path()) {
        let allow = if request.path() == "/graphql" {
            "GET, POST, OPTIONS"
        } else {
            "GET, OPTIONS"
        };
        let response = HttpResponse::NoContent()
            .insert_header((header::ALLOW, allow))
            .finish();
        return Ok(request.into_response(response).map_into_right_body());
    }
    let mut response = next.call(request).await?;
    let headers = response.headers_mut();
    headers.append(header::VARY, header::HeaderValue::from_static("Origin"));
    if let Some(origin) = origin
        && let Ok(value) = header::HeaderValue::from_str(&origin)
    {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            header::HeaderValue::from_static(EXPOSED),
        );
    }
    Ok(response.map_into_left_body())
}

/// A preflight's answer: 204 with the permissions for an allowed origin asking for what the
/// API offers; otherwise 403 without CORS headers, which the browser reports as a CORS failure.
fn preflight(request: &ServiceRequest, origin: Option<&str>) -> HttpResponse {
    let method_ok = request
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|m| m == "GET" || m == "POST");
    let headers_ok = request
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|asked| {
            asked
                .split(',')
                .map(str::trim)
                .filter(|h| !h.is_empty())
                .all(|h| {
                    HEADERS
                        .iter()
                        .any(|offered| offered.eq_ignore_ascii_case(h))
                })
        });
    match origin {
        Some(origin) if method_ok && headers_ok => HttpResponse::NoContent()
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin))
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, METHODS))
            .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, HEADERS.join(", ")))
            .insert_header((header::ACCESS_CONTROL_MAX_AGE, MAX_AGE))
            .insert_header((header::VARY, "Origin"))
            .finish(),
        _ => HttpResponse::build(StatusCode::FORBIDDEN)
            .insert_header((header::VARY, "Origin"))
            .content_type("text/plain; charset=utf-8")
            .body(match origin {
                None => "this origin may not call the API from a browser (CORS_ALLOWED_ORIGINS)",
                Some(_) => "the API offers GET and POST, with its own headers only",
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_is_accepted_when_allowed_or_our_own() {
        let allowed = vec!["https://app.example.kz".to_owned()];
        assert!(origin_accepted("https://app.example.kz", &allowed, None));
        assert!(!origin_accepted("https://evil.example", &allowed, None));
        assert!(!origin_accepted(
            "https://app.example.kz.evil.example",
            &allowed,
            Some("api.example.kz")
        ));
        assert!(origin_accepted(
            "http://127.0.0.1:8080",
            &[],
            Some("127.0.0.1:8080")
        ));
        assert!(!origin_accepted(
            "http://127.0.0.1:8081",
            &[],
            Some("127.0.0.1:8080")
        ));
        assert!(!origin_accepted("null", &allowed, Some("127.0.0.1:8080")));
    }
}
