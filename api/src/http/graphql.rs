//! `/graphql` over HTTP, as the GraphQL-over-HTTP specification asks:
//!
//! - `Accept` is parsed with q-values; missing or `*/*` means `application/json`;
//!   `application/graphql-response+json` is served when preferred; anything else is 406.
//! - POST needs `Content-Type: application/json` (else 415), or `multipart/form-data` (the
//!   GraphQL multipart request spec) with a preflight-forcing header and a limit of its own. The body is read chunk by chunk:
//!   over [`MAX_BODY_BYTES`] it is 413 (`extensions.limit: BODY_SIZE`) before it is read whole,
//!   and a body that does not arrive within the configured time is 408.
//! - A malformed request (not JSON, no `query`, parameters of the wrong type) is 400 with a JSON
//!   body whose errors carry `extensions.code`.
//! - Parse, validation and variable-coercion errors are 200 under `application/json`, and 400
//!   with no `data` member under `application/graphql-response+json`.
//! - GET executes queries: the operation is selected by `operationName` before execution, and a
//!   mutation or subscription is 405 with `Allow: POST`; GET responses carry `Vary: Accept`.
//!   GraphiQL is served on GET only when `Accept` prefers `text/html` and there is no `query`.

use super::prescan;
use crate::graphql::context::RequestContext;
use crate::graphql::locale::Locale;
use crate::graphql::{self, AppSchema};
use crate::state::AppState;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{ServerError, Variables};
use futures_util::StreamExt;
use registration_core::auth::viewer;
use serde_json::{Map, Value, json};
use std::time::Duration;

/// Largest request body accepted: a GraphQL document with a CMS of a few kilobytes fits many
/// times over; anything larger is refused before it is read whole.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Longest GraphQL document accepted, in bytes: the frontends' largest operation is under 4 KiB.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;

/// The media type of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaType {
    Json,
    GraphqlResponse,
}

impl MediaType {
    fn content_type(self) -> &'static str {
        match self {
            MediaType::Json => "application/json; charset=utf-8",
            MediaType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
        }
    }
}

/// What `Accept` prefers: a response media type, HTML (GraphiQL), or nothing we serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Preference {
    Graphql(MediaType),
    Html,
    Unacceptable,
}

/// Reads `Accept` with q-values (RFC 9110 §12.5.1). On equal quality the more specific
/// GraphQL type wins, then the order of listing.
fn negotiate(accept: Option<&str>) -> Preference {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Preference::Graphql(MediaType::Json);
    };
    let mut best: Option<(f32, u8, Preference)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let quality = parts
            .filter_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if quality <= 0.0 {
            continue;
        }
        let (rank, preference) = match media.as_str() {
            "application/graphql-response+json" => {
                (3, Preference::Graphql(MediaType::GraphqlResponse))
            }
            "application/json" => (2, Preference::Graphql(MediaType::Json)),
            "text/html" => (2, Preference::Html),
            "*/*" | "application/*" => (1, Preference::Graphql(MediaType::Json)),
            _ => continue,
        };
        let better = match best {
            None => true,
            Some((q, r, _)) => quality > q || (quality == q && rank > r),
        };
        if better {
            best = Some((quality, rank, preference));
        }
    }
    best.map_or(Preference::Unacceptable, |(_, _, p)| p)
}

/// An error response that never reached execution.
fn request_error(
    status: StatusCode,
    media: MediaType,
    code: &str,
    limit: Option<&str>,
    message: &str,
) -> HttpResponse {
    let mut extensions = Map::new();
    extensions.insert("code".to_owned(), json!(code));
    if let Some(limit) = limit {
        extensions.insert("limit".to_owned(), json!(limit));
    }
    HttpResponse::build(status)
        .content_type(media.content_type())
        .body(json!({ "errors": [{ "message": message, "extensions": extensions }] }).to_string())
}

/// 406: `Accept` names nothing this endpoint serves.
fn not_acceptable() -> HttpResponse {
    request_error(
        StatusCode::NOT_ACCEPTABLE,
        MediaType::Json,
        "NOT_ACCEPTABLE",
        None,
        "accept application/graphql-response+json or application/json",
    )
}

/// Why a body could not be read.
enum BodyError {
    TooLarge,
    TimedOut,
    Broken,
}

async fn read_limited(
    http: &HttpRequest,
    payload: &mut web::Payload,
    timeout: Duration,
    max: usize,
) -> Result<web::Bytes, BodyError> {
    let declared = http
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > max) {
        return Err(BodyError::TooLarge);
    }
    let read = async {
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|_| BodyError::Broken)?;
            if body.len() + chunk.len() > max {
                return Err(BodyError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    };
    match actix_web::rt::time::timeout(timeout, read).await {
        Ok(result) => result,
        Err(_) => Err(BodyError::TimedOut),
    }
}

/// The answer to a body that could not be read.
fn body_error(error: BodyError, media: MediaType) -> HttpResponse {
    match error {
        BodyError::TooLarge => request_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            media,
            "LIMIT_EXCEEDED",
            Some("BODY_SIZE"),
            "the request body is too large",
        ),
        BodyError::TimedOut => request_error(
            StatusCode::REQUEST_TIMEOUT,
            media,
            "LIMIT_EXCEEDED",
            Some("TIMEOUT"),
            "the request body did not arrive in time",
        ),
        BodyError::Broken => request_error(
            StatusCode::BAD_REQUEST,
            media,
            "BAD_USER_INPUT",
            None,
            "the request body could not be read",
        ),
    }
}

/// The parameters of a GraphQL request, checked for their types.
struct Parameters {
    query: String,
    operation_name: Option<String>,
    variables: Option<Value>,
    extensions: Option<Value>,
}

fn parameters(object: &Map<String, Value>) -> Result<Parameters, &'static str> {
    let query = match object.get("query") {
        Some(Value::String(query)) => query.clone(),
        Some(_) => return Err("`query` must be a string"),
        None => return Err("`query` is missing"),
    };
    let text = |name: &str| match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(value)) => Ok(Some(value.clone())),
        Some(_) => Err(()),
    };
    let map = |name: &str| match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value @ Value::Object(_)) => Ok(Some(value.clone())),
        Some(_) => Err(()),
    };
    Ok(Parameters {
        query,
        operation_name: text("operationName").map_err(|()| "`operationName` must be a string")?,
        variables: map("variables").map_err(|()| "`variables` must be an object")?,
        extensions: map("extensions").map_err(|()| "`extensions` must be an object")?,
    })
}

impl Parameters {
    fn into_request(self) -> async_graphql::Request {
        let mut request = async_graphql::Request::new(self.query);
        if let Some(name) = self.operation_name {
            request = request.operation_name(name);
        }
        if let Some(variables) = self.variables {
            request = request.variables(Variables::from_json(variables));
        }
        if let Some(Value::Object(extensions)) = self.extensions {
            for (name, value) in extensions {
                if let Ok(value) = async_graphql::Value::from_json(value) {
                    request.extensions.insert(name, value);
                }
            }
        }
        request
    }
}

/// The type of the operation a request would run, when the document parses and names it.
fn operation_type(query: &str, operation_name: Option<&str>) -> Option<OperationType> {
    let document = async_graphql::parser::parse_query(query).ok()?;
    match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => Some(operation.node.ty),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.get(name).map(|o| o.node.ty)
        }
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|o| o.node.ty)
        }
        _ => None,
    }
}

/// `POST /graphql`.
pub async fn post(
    state: web::Data<AppState>,
    schema: web::Data<AppSchema>,
    http: HttpRequest,
    mut payload: web::Payload,
) -> HttpResponse {
    let media = match negotiate(header_text(&http, header::ACCEPT)) {
        Preference::Graphql(media) => media,
        Preference::Html | Preference::Unacceptable => {
            return not_acceptable();
        }
    };
    let content_type = header_text(&http, header::CONTENT_TYPE)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    if essence == "multipart/form-data" {
        return multipart(&state, &schema, &http, &mut payload, media).await;
    }
    if essence != "application/json" {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            "BAD_USER_INPUT",
            None,
            "send the request as application/json",
        );
    }
    let timeout = Duration::from_secs(u64::from(state.settings.body_timeout_seconds));
    let body = match read_limited(&http, &mut payload, timeout, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(error) => return body_error(error, media),
    };
    let parsed = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(object)) => parameters(&object),
        Ok(Value::Array(operations)) => {
            let max = state.settings.batch_max as usize;
            if operations.len() > max || operations.is_empty() {
                let message = if max == 0 {
                    "batched requests are not accepted: send one operation per request".to_owned()
                } else {
                    format!("a batch holds 1 to {max} operations")
                };
                return request_error(
                    StatusCode::BAD_REQUEST,
                    media,
                    "LIMIT_EXCEEDED",
                    Some("BATCH"),
                    &message,
                );
            }
            return batch(&state, &schema, &http, operations, media).await;
        }
        Ok(_) => Err("the body must be a JSON object"),
        Err(_) => Err("the body is not JSON"),
    };
    match parsed {
        Ok(parameters) => {
            execute(
                &state,
                &schema,
                &http,
                parameters.into_request(),
                media,
                false,
            )
            .await
        }
        Err(message) => request_error(
            StatusCode::BAD_REQUEST,
            media,
            "BAD_USER_INPUT",
            None,
            message,
        ),
    }
}

/// A batch (allowed by `BATCH_MAX`): each operation runs in turn, with every limit of a single
/// request, and the answers come back as an array in the same order.
async fn batch(
    state: &AppState,
    schema: &AppSchema,
    http: &HttpRequest,
    operations: Vec<Value>,
    media: MediaType,
) -> HttpResponse {
    let mut answers = Vec::with_capacity(operations.len());
    let mut unavailable = false;
    for operation in operations {
        let response = match &operation {
            Value::Object(object) => match parameters(object) {
                Ok(parameters) => {
                    execute(state, schema, http, parameters.into_request(), media, false).await
                }
                Err(message) => request_error(
                    StatusCode::BAD_REQUEST,
                    media,
                    "BAD_USER_INPUT",
                    None,
                    message,
                ),
            },
            _ => request_error(
                StatusCode::BAD_REQUEST,
                media,
                "BAD_USER_INPUT",
                None,
                "each operation of a batch must be a JSON object",
            ),
        };
        unavailable |= response.status() == StatusCode::SERVICE_UNAVAILABLE;
        let body = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap_or_default();
        answers.push(serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null));
    }
    let mut response = if unavailable {
        HttpResponse::ServiceUnavailable()
    } else {
        HttpResponse::Ok()
    };
    if unavailable {
        response.insert_header((header::RETRY_AFTER, "1"));
    }
    response
        .content_type(media.content_type())
        .body(Value::Array(answers).to_string())
}

/// Largest multipart request (the GraphQL multipart request spec, for uploads), all files
/// together.
pub const MAX_MULTIPART_BYTES: usize = 10 * 1024 * 1024;
/// Most files in one multipart request.
const MAX_FILES: usize = 5;

/// A multipart request (the GraphQL multipart request specification). Browsers send
/// `multipart/form-data` cross-origin without a preflight, so a header they never send on their
/// own (`GraphQL-Preflight` or `Apollo-Require-Preflight`) is required: without it a page on
/// another site could make a signed-in citizen's browser post a mutation (CSRF).
async fn multipart(
    state: &AppState,
    schema: &AppSchema,
    http: &HttpRequest,
    payload: &mut web::Payload,
    media: MediaType,
) -> HttpResponse {
    let preflighted = ["graphql-preflight", "apollo-require-preflight"]
        .iter()
        .any(|name| http.headers().contains_key(*name));
    if !preflighted {
        return request_error(
            StatusCode::BAD_REQUEST,
            media,
            "BAD_USER_INPUT",
            None,
            "a multipart request needs the GraphQL-Preflight header",
        );
    }
    let timeout = Duration::from_secs(u64::from(state.settings.body_timeout_seconds));
    let body = match read_limited(http, payload, timeout, MAX_MULTIPART_BYTES).await {
        Ok(body) => body,
        Err(error) => return body_error(error, media),
    };
    let options = async_graphql::http::MultipartOptions::default()
        .max_file_size(MAX_MULTIPART_BYTES)
        .max_num_files(MAX_FILES);
    let content_type = header_text(http, header::CONTENT_TYPE).map(str::to_owned);
    match async_graphql::http::receive_body(
        content_type,
        futures_util::io::Cursor::new(body.to_vec()),
        options,
    )
    .await
    {
        Ok(request) => execute(state, schema, http, request, media, false).await,
        Err(_) => request_error(
            StatusCode::BAD_REQUEST,
            media,
            "BAD_USER_INPUT",
            None,
            "the multipart request cannot be read",
        ),
    }
}

/// `GET /graphql`: executes a query from the URL, or serves GraphiQL to a browser.
pub async fn get(
    state: web::Data<AppState>,
    schema: web::Data<AppSchema>,
    http: HttpRequest,
) -> HttpResponse {
    let pairs: Vec<(String, String)> =
        match serde_urlencoded::from_str::<Vec<(String, String)>>(http.query_string()) {
            Ok(pairs) => pairs,
            Err(_) => {
                return request_error(
                    StatusCode::BAD_REQUEST,
                    MediaType::Json,
                    "BAD_USER_INPUT",
                    None,
                    "the query string cannot be read",
                );
            }
        };
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let preference = negotiate(header_text(&http, header::ACCEPT));
    if preference == Preference::Html && param("query").is_none() {
        return graphiql();
    }
    let media = match preference {
        Preference::Graphql(media) => media,
        Preference::Html => MediaType::Json,
        Preference::Unacceptable => {
            return not_acceptable();
        }
    };
    let Some(query) = param("query") else {
        return with_vary(request_error(
            StatusCode::BAD_REQUEST,
            media,
            "BAD_USER_INPUT",
            None,
            "`query` is missing",
        ));
    };
    let json_param = |name: &str| -> Result<Option<Value>, String> {
        match param(name) {
            None => Ok(None),
            Some(text) => match serde_json::from_str::<Value>(&text) {
                Ok(Value::Null) => Ok(None),
                Ok(value @ Value::Object(_)) => Ok(Some(value)),
                _ => Err(format!("`{name}` must be a JSON object")),
            },
        }
    };
    let (variables, extensions) = match (json_param("variables"), json_param("extensions")) {
        (Ok(v), Ok(e)) => (v, e),
        (Err(message), _) | (_, Err(message)) => {
            return with_vary(request_error(
                StatusCode::BAD_REQUEST,
                media,
                "BAD_USER_INPUT",
                None,
                &message,
            ));
        }
    };
    let parameters = Parameters {
        query,
        operation_name: param("operationName").filter(|n| !n.is_empty()),
        variables,
        extensions,
    };
    with_vary(
        execute(
            &state,
            &schema,
            &http,
            parameters.into_request(),
            media,
            true,
        )
        .await,
    )
}

fn with_vary(mut response: HttpResponse) -> HttpResponse {
    response
        .headers_mut()
        .insert(header::VARY, header::HeaderValue::from_static("Accept"));
    response
}

fn header_text(http: &HttpRequest, name: header::HeaderName) -> Option<&str> {
    http.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Runs one operation and answers by the media type's rules.
async fn execute(
    state: &AppState,
    schema: &AppSchema,
    http: &HttpRequest,
    mut request: async_graphql::Request,
    media: MediaType,
    over_get: bool,
) -> HttpResponse {
    let locale = Locale::from_accept_language(header_text(http, header::ACCEPT_LANGUAGE));
    let validation_failed = |errors: Vec<ServerError>| {
        let status = match media {
            MediaType::Json => StatusCode::OK,
            MediaType::GraphqlResponse => StatusCode::BAD_REQUEST,
        };
        let body = match media {
            MediaType::Json => json!({ "data": null, "errors": errors }),
            MediaType::GraphqlResponse => json!({ "errors": errors }),
        };
        HttpResponse::build(status)
            .content_type(media.content_type())
            .body(body.to_string())
    };
    if prescan::nests_deeper_than(&request.query, prescan::MAX_NESTING) {
        return validation_failed(vec![graphql::limits::limit_error(
            "VALUE_DEPTH",
            "the GraphQL document nests too deep",
        )]);
    }
    if request.query.len() > MAX_DOCUMENT_BYTES {
        return validation_failed(vec![graphql::limits::limit_error(
            "DOCUMENT_SIZE",
            "the GraphQL document is longer than 64 KiB",
        )]);
    }
    let operation = operation_type(&request.query, request.operation_name.as_deref());
    if over_get
        && matches!(
            operation,
            Some(OperationType::Mutation | OperationType::Subscription)
        )
    {
        let mut response = request_error(
            StatusCode::METHOD_NOT_ALLOWED,
            media,
            "BAD_USER_INPUT",
            None,
            "only queries run over GET: send mutations with POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return response;
    }
    let origin = header_text(http, header::ORIGIN)
        .unwrap_or_default()
        .to_owned();
    let now = state.service.clock.now();
    let principal = match viewer::resolve(
        &state.service.db,
        header_text(http, header::AUTHORIZATION),
        now,
    )
    .await
    {
        Ok(principal) => principal,
        Err(error) => {
            let error = graphql::errors::internal(error, locale);
            let response = async_graphql::Response::from_errors(vec![
                error.into_server_error(async_graphql::Pos::default()),
            ]);
            return HttpResponse::InternalServerError()
                .content_type(media.content_type())
                .body(serde_json::to_string(&response).unwrap_or_default());
        }
    };
    request = request.data(graphql::loaders::for_request(&state.service));
    let origin_accepted = super::cors::origin_accepted(
        &origin,
        &state.settings.cors_allowed_origins,
        header_text(http, header::HOST),
    );
    request = request.data(RequestContext {
        principal,
        locale,
        origin,
        origin_accepted,
        property_lookups: Default::default(),
    });
    let timeout = Duration::from_secs(u64::from(state.settings.query_timeout_seconds));
    // A mutation is never cancelled: it may have committed. Queries are, past the deadline.
    let mut response = if operation == Some(OperationType::Mutation) {
        schema.execute(request).await
    } else {
        match actix_web::rt::time::timeout(timeout, schema.execute(request)).await {
            Ok(response) => response,
            Err(_) => async_graphql::Response::from_errors(vec![graphql::limits::limit_error(
                "TIMEOUT",
                "the query took too long",
            )]),
        }
    };
    graphql::errors::classify(&mut response.errors);
    let unavailable = response.errors.iter().any(|e| {
        e.extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .is_some_and(|c| c.to_string() == "\"SERVICE_UNAVAILABLE\"")
    });
    if unavailable {
        return HttpResponse::ServiceUnavailable()
            .insert_header((header::RETRY_AFTER, "1"))
            .content_type(media.content_type())
            .body(serde_json::to_string(&response).unwrap_or_default());
    }
    // Nothing ran: the document did not parse or validate, or its variables did not coerce.
    let not_executed = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    if not_executed {
        return validation_failed(response.errors);
    }
    HttpResponse::Ok()
        .content_type(media.content_type())
        .body(serde_json::to_string(&response).unwrap_or_default())
}

/// GraphiQL, where integrators read the schema's documentation: our own page, which loads
/// everything from this server ([`super::graphiql`]).
fn graphiql() -> HttpResponse {
    let mut page = super::graphiql::page();
    page.headers_mut()
        .insert(header::VARY, header::HeaderValue::from_static("Accept"));
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_is_negotiated_with_q_values() {
        use MediaType::*;
        use Preference::*;
        assert_eq!(negotiate(None), Graphql(Json));
        assert_eq!(negotiate(Some("*/*")), Graphql(Json));
        assert_eq!(negotiate(Some("application/json")), Graphql(Json));
        assert_eq!(
            negotiate(Some(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Graphql(GraphqlResponse)
        );
        assert_eq!(
            negotiate(Some(
                "application/graphql-response+json;q=0.5, application/json"
            )),
            Graphql(Json)
        );
        assert_eq!(
            negotiate(Some("text/html,application/xhtml+xml,*/*;q=0.8")),
            Html
        );
        assert_eq!(negotiate(Some("image/png")), Unacceptable);
        assert_eq!(negotiate(Some("application/json;q=0")), Unacceptable);
    }
}
