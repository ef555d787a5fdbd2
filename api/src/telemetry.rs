//! Structured logs with `tracing`: text for people, JSON (`LOG_FORMAT=json`) for machines, and a
//! request id on every request and every line logged while serving it.
//!
//! What is never logged: full IINs (use `Iin::masked`), tokens, one-time passwords, signatures.

use crate::configuration::LogFormat;
use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;

/// The header carrying the request id, in and out.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The server's log filter when `RUST_LOG` is unset: our INFO lines, without the migration
/// library's line per migration (start-up logs one line for all of them).
pub const SERVER_FILTER: &str = "info,sea_orm_migration=warn";
/// The administration commands' filter when `RUST_LOG` is unset: the one line a command logs
/// about what it did, and warnings.
pub const COMMAND_FILTER: &str = "warn,registration_api=info";

/// Installs the global subscriber (once per process; later calls are ignored, as tests spawn
/// many applications in one process). `default_filter` applies when `RUST_LOG` is unset.
pub fn init(format: LogFormat, default_filter: &str) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter));
    // Colours only for a person at a terminal (and never under NO_COLOR): a file, a pipe or a
    // log collector gets plain text.
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    // Logs go to stderr: stdout is the commands' output (a new API key, an import report).
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// The id of the request being served, available to handlers as request extension data.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// A fresh request id: 16 random bytes, hex.
fn new_request_id() -> String {
    match registration_core::auth::tokens::random_bytes::<16>() {
        Ok(bytes) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        Err(_) => "unavailable".to_owned(),
    }
}

/// Middleware body: takes the caller's `X-Request-Id` when it is sane (so a request can be
/// followed across systems) or makes one, logs the request inside a span carrying it, and
/// returns it in the response.
pub async fn with_request_id(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .map_or_else(new_request_id, str::to_owned);
    request.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.path());
    let started = std::time::Instant::now();
    let mut response = next.call(request).instrument(span.clone()).await?;
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "served"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    Ok(response)
}
