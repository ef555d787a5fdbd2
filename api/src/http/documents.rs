//! `GET /documents/{id}`: an uploaded document's bytes, for whoever may read its application
//! (the policy decides: its applicant, the person registered, the reviewing officers), signed in
//! with `Authorization: Bearer <session token>`. Everyone else, signed in or not, gets 404: a
//! document's existence is not revealed. The bytes are checked against the SHA-256 recorded at
//! upload before they are served; a file that differs is never served (500, logged).

use crate::configuration::Settings;
use crate::graphql::document::KIND;
use crate::graphql::ids;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use registration_core::auth::viewer;
use registration_core::policy::{self, Operation};
use registration_core::service::documents::{self, DownloadError, ReadError};

/// Says at start-up where documents go, and loudly when they cannot go anywhere.
pub fn announce(settings: &Settings) {
    match settings.document_store() {
        Some(store) => tracing::info!(
            dir = %store.dir().display(),
            max_bytes = store.max_bytes(),
            "documents are kept in a directory every instance must share"
        ),
        None => tracing::error!(
            "the production profile needs DOCUMENTS_DIR (a directory shared by every \
             instance): until it is set, uploads and downloads of documents fail"
        ),
    }
}

/// A plain answer without a body anyone could take for a document.
fn plain(mut response: actix_web::HttpResponseBuilder, text: &'static str) -> HttpResponse {
    response
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .content_type("text/plain; charset=utf-8")
        .body(text)
}

fn not_found() -> HttpResponse {
    plain(HttpResponse::NotFound(), "not found\n")
}

fn internal_error() -> HttpResponse {
    plain(HttpResponse::InternalServerError(), "internal error\n")
}

/// `filename="…"` for old clients (ASCII, quotes and backslashes replaced) and `filename*`
/// (RFC 6266 §4.3, RFC 8187) with the name as stored.
fn content_disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// `GET /documents/{id}`.
pub async fn get(
    state: web::Data<AppState>,
    http: HttpRequest,
    id: web::Path<String>,
) -> HttpResponse {
    let service = &state.service;
    let authorization = http
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let principal = match viewer::resolve(&service.db, authorization, service.clock.now()).await {
        Ok(principal) => principal,
        Err(error) => {
            tracing::error!(%error, "resolving the session of a document download failed");
            return internal_error();
        }
    };
    // Anonymous, an unknown token, an integrator: nothing here for them, and nothing said.
    let Ok(Some(viewer)) = policy::authorize(&principal, Operation::ReadApplication) else {
        return not_found();
    };
    let Some(document_id) = ids::decode_kind(&id, KIND) else {
        return not_found();
    };
    let Some(store) = state.settings.document_store() else {
        tracing::error!("documents are refused: the production profile needs DOCUMENTS_DIR");
        return internal_error();
    };
    match documents::download(service, &store, viewer, document_id).await {
        Ok((document, bytes)) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, document.content_type.as_str()))
            .insert_header((
                header::CONTENT_DISPOSITION,
                content_disposition(&document.file_name),
            ))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .insert_header((header::CACHE_CONTROL, "private, no-store"))
            // Opened in a browser anyway, a PDF's scripts and forms have nowhere to go.
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox",
            ))
            .body(bytes),
        Err(DownloadError::NotFound) => not_found(),
        Err(DownloadError::Unreadable(ReadError::Corrupted {
            expected,
            found,
            size,
        })) => {
            tracing::error!(
                document = %document_id,
                %expected,
                %found,
                size,
                "a document's file differs from what was uploaded: not served"
            );
            internal_error()
        }
        Err(DownloadError::Unreadable(ReadError::Io(error))) => {
            tracing::error!(document = %document_id, %error, "a document's file cannot be read");
            internal_error()
        }
        Err(DownloadError::Internal(error)) => {
            tracing::error!(error = %error.chain(), "a document download failed");
            internal_error()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_and_encoded() {
        assert_eq!(
            content_disposition("scan 1.pdf"),
            "attachment; filename=\"scan 1.pdf\"; filename*=UTF-8''scan%201.pdf"
        );
        assert_eq!(
            content_disposition("паспорт \"x\".pdf"),
            "attachment; filename=\"_______ _x_.pdf\"; \
             filename*=UTF-8''%D0%BF%D0%B0%D1%81%D0%BF%D0%BE%D1%80%D1%82%20%22x%22.pdf"
        );
    }
}
