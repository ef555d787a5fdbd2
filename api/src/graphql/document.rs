//! Uploaded documents in GraphQL: `Document` (a `Node`), `Application.documents`,
//! `uploadDocument` (the GraphQL multipart request spec) and `deleteDocument`. The bytes are
//! served by `GET /documents/{id}` (`http::documents`), not through GraphQL.

use super::application::{Application, KIND as APPLICATION};
use super::context::{request, service, signed_in, state};
use super::errors::{ApiErrorCode, UserError, UserErrorCode, api_error, internal};
use super::ids;
use super::locale::Locale;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject, Upload};
use entities::{application, document};
use registration_core::policy::Operation;
use registration_core::service::documents::{self, DocumentError, DocumentStore, NewDocument};
use std::io::Read;
use time::OffsetDateTime;

/// The kind name inside a document's global ID.
pub const KIND: &str = "Document";

/// What an uploaded document is: only what the state cannot hold is uploaded (the documents
/// it holds are checked by their numbers).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::document::DocumentKind")]
pub enum DocumentKind {
    /// The passport of a citizen arriving from abroad (`arrivalFromAbroad.identityDocument:
    /// PASSPORT`).
    Passport,
    /// The certificate of return of a citizen arriving from abroad whose passport was lost or
    /// expired (`identityDocument: CERTIFICATE_OF_RETURN`).
    CertificateOfReturn,
    /// The document confirming de-registration from the former country
    /// (`deregistrationProof: DEREGISTRATION_DOCUMENT`).
    DeregistrationDocument,
    /// A certificate of citizenship from the former country (`deregistrationProof:
    /// CITIZENSHIP_CERTIFICATE`).
    CitizenshipCertificate,
}

/// A document uploaded for an application.
#[derive(Debug, Clone)]
pub struct Document(pub document::Model);

/// A document uploaded for an application. Its bytes are at `downloadUrl`, for the applicant,
/// the person registered and the reviewing officers.
#[Object]
impl Document {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(KIND, self.0.id)
    }

    /// What it is.
    async fn kind(&self) -> DocumentKind {
        self.0.kind.into()
    }

    /// The file's name as uploaded (without a path, control or bidirectional formatting
    /// characters; at most 200 characters).
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }

    /// The media type detected from the bytes: `application/pdf`, `image/jpeg` or `image/png`.
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }

    /// The size in bytes.
    async fn size(&self) -> i32 {
        i32::try_from(self.0.size).unwrap_or(i32::MAX)
    }

    /// SHA-256 of the bytes, lowercase hex: what the application's signature covers.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// When it was uploaded.
    async fn uploaded_at(&self) -> OffsetDateTime {
        self.0.uploaded_at
    }

    /// Where its bytes are, relative to the server: `GET` it with the same
    /// `Authorization: Bearer …` header.
    async fn download_url(&self) -> String {
        download_url(&ids::encode(KIND, self.0.id))
    }
}

/// The path that serves a document's bytes.
pub fn download_url(id: &ID) -> String {
    format!("/documents/{}", id.as_str())
}

/// The documents of an application the viewer may see (none when they may not read it).
pub async fn of_application(
    ctx: &Context<'_>,
    app: &application::Model,
) -> async_graphql::Result<Vec<Document>> {
    let viewer = signed_in(ctx, Operation::ReadApplication)?;
    let locale = request(ctx)?.locale;
    // An owner reading the application of a consent sees no documents.
    let readable = registration_core::service::applications::readable(service(ctx)?, viewer, app)
        .await
        .map_err(|e| internal(e, locale))?;
    if !readable {
        return Ok(Vec::new());
    }
    let found = ctx
        .data::<crate::graphql::loaders::RequestLoaders>()?
        .load_one(crate::graphql::loaders::ApplicationDocuments(app.id))
        .await
        .map_err(|_| api_error(ApiErrorCode::Internal, locale))?
        .unwrap_or_default();
    Ok(found.iter().cloned().map(Document).collect())
}

/// The documents directory, or an `INTERNAL_SERVER_ERROR` (logged) when the production profile
/// has none.
pub fn store(ctx: &Context<'_>, locale: Locale) -> async_graphql::Result<DocumentStore> {
    state(ctx)?.settings.document_store().ok_or_else(|| {
        tracing::error!("documents are refused: the production profile needs DOCUMENTS_DIR");
        api_error(ApiErrorCode::Internal, locale)
    })
}

/// Input of `uploadDocument`.
#[derive(InputObject, Debug)]
pub struct UploadDocumentInput {
    /// The draft's global ID.
    pub application_id: ID,
    /// What the document is.
    pub kind: DocumentKind,
    /// The file, as a part of the multipart request (the GraphQL multipart request spec): a
    /// PDF, JPEG or PNG of at most `DOCUMENT_MAX_BYTES` (5 MiB by default).
    pub file: Upload,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Result of `uploadDocument`.
#[derive(SimpleObject, Debug)]
pub struct UploadDocumentPayload {
    /// The document as stored (null when refused).
    pub document: Option<Document>,
    /// The application at its new version (an upload voids its signing requests).
    pub application: Option<Application>,
    /// Why the upload was refused; nothing was stored then.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

/// Input of `deleteDocument`.
#[derive(InputObject, Debug)]
pub struct DeleteDocumentInput {
    /// The document's global ID.
    pub document_id: ID,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Result of `deleteDocument`.
#[derive(SimpleObject, Debug)]
pub struct DeleteDocumentPayload {
    /// The global ID of the document deleted (null when refused).
    pub deleted_document_id: Option<ID>,
    /// The application at its new version (a deletion voids its signing requests).
    pub application: Option<Application>,
    /// Why the deletion was refused.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

const APPLICATION_ID: &[&str] = &["input", "applicationId"];
const DOCUMENT_ID: &[&str] = &["input", "documentId"];
const FILE: &[&str] = &["input", "file"];

/// `limit` bytes for people: `5 МБ`, `512 КБ`, `100 Б`.
fn size_for_people(limit: u64, locale: Locale) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    let (number, unit) = if limit >= MIB && limit.is_multiple_of(MIB) {
        (limit / MIB, locale.pick("МБ", "МБ", "MiB"))
    } else if limit >= KIB && limit.is_multiple_of(KIB) {
        (limit / KIB, locale.pick("КБ", "КБ", "KiB"))
    } else {
        (limit, locale.pick("байт", "байт", "bytes"))
    };
    format!("{number} {unit}")
}

/// `DOCUMENT_TOO_LARGE`, with the limit in the message (and in bytes in `detail`).
fn too_large(limit: u64, locale: Locale) -> UserError {
    let size = size_for_people(limit, locale);
    let message = match locale {
        Locale::Kk => format!("Файл тым үлкен: ең көбі {size}."),
        Locale::Ru => format!("Файл слишком большой: допускается не более {size}."),
        Locale::En => format!("The file is too large: at most {size} is accepted."),
    };
    UserError {
        message,
        ..UserError::new(
            UserErrorCode::DocumentTooLarge,
            FILE,
            locale,
            Some(&format!("DOCUMENT_MAX_BYTES is {limit}")),
        )
    }
}

/// A document operation's failure as a user error about `subject` (the application or the
/// document named); `Err` when it is not the caller's fault.
fn document_error(
    error: DocumentError,
    subject: &[&str],
    locale: Locale,
) -> async_graphql::Result<UserError> {
    let (code, field) = match error {
        DocumentError::NotFound => (UserErrorCode::NotFound, subject),
        DocumentError::NotAllowed => (UserErrorCode::NotAllowed, subject),
        DocumentError::NotEditable => (UserErrorCode::NotEditable, subject),
        DocumentError::Conflict => (UserErrorCode::Conflict, subject),
        DocumentError::LimitReached { .. } => (UserErrorCode::DocumentLimitReached, subject),
        DocumentError::Empty => (UserErrorCode::DocumentEmpty, FILE),
        DocumentError::TypeNotAllowed => (UserErrorCode::DocumentTypeNotAllowed, FILE),
        DocumentError::TooLarge { limit } => return Ok(too_large(limit, locale)),
        DocumentError::Storage(error) => {
            tracing::error!(%error, "the documents directory failed");
            return Err(api_error(ApiErrorCode::Internal, locale));
        }
        DocumentError::Internal(error) => return Err(internal(error, locale)),
    };
    Ok(UserError::new(code, field, locale, None))
}

/// Document mutations.
#[derive(Default, Debug)]
pub struct DocumentMutation;

/// Document mutations.
#[Object]
impl DocumentMutation {
    /// Uploads a document to a draft (the applicant only), in a multipart request (the GraphQL
    /// multipart request spec, with a `GraphQL-Preflight` header). Its type is judged by its
    /// bytes; it is stored under its SHA-256, which the application's signature covers. The
    /// application moves to a new version and its signing requests become void.
    async fn upload_document(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft, what the document is, and the file.")]
        input: UploadDocumentInput,
    ) -> async_graphql::Result<UploadDocumentPayload> {
        let viewer = signed_in(ctx, Operation::UpdateApplication)?;
        let locale = request(ctx)?.locale;
        let echo = input.client_mutation_id.clone();
        let refused = |error: UserError| UploadDocumentPayload {
            document: None,
            application: None,
            user_errors: vec![error],
            client_mutation_id: echo.clone(),
        };
        let Some(application_id) = ids::decode_kind(&input.application_id, APPLICATION) else {
            return Ok(refused(UserError::new(
                UserErrorCode::NotFound,
                APPLICATION_ID,
                locale,
                None,
            )));
        };
        let store = store(ctx, locale)?;
        let bad_file = || UserError::new(UserErrorCode::BadUserInput, FILE, locale, None);
        let Ok(file) = input.file.value(ctx) else {
            return Ok(refused(bad_file()));
        };
        // Over the limit, the bytes are not even copied.
        if file.size().is_ok_and(|size| size > store.max_bytes()) {
            return Ok(refused(too_large(store.max_bytes(), locale)));
        }
        let file_name = file.filename.clone();
        let mut bytes = Vec::new();
        if file.into_read().read_to_end(&mut bytes).is_err() {
            return Ok(refused(bad_file()));
        }
        let new = NewDocument {
            application_id,
            kind: input.kind.into(),
            file_name,
            bytes,
        };
        match documents::upload(service(ctx)?, &store, viewer, new).await {
            Ok(uploaded) => Ok(UploadDocumentPayload {
                document: Some(Document(uploaded.document)),
                application: Some(Application(uploaded.application)),
                user_errors: Vec::new(),
                client_mutation_id: echo,
            }),
            Err(error) => Ok(refused(document_error(error, APPLICATION_ID, locale)?)),
        }
    }

    /// Deletes a document of a draft (the applicant only): it no longer counts and is no longer
    /// served; its record stays. The application moves to a new version and its signing
    /// requests become void.
    async fn delete_document(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which document.")] input: DeleteDocumentInput,
    ) -> async_graphql::Result<DeleteDocumentPayload> {
        let viewer = signed_in(ctx, Operation::UpdateApplication)?;
        let locale = request(ctx)?.locale;
        let echo = input.client_mutation_id.clone();
        let refused = |error: UserError| DeleteDocumentPayload {
            deleted_document_id: None,
            application: None,
            user_errors: vec![error],
            client_mutation_id: echo.clone(),
        };
        let Some(document_id) = ids::decode_kind(&input.document_id, KIND) else {
            return Ok(refused(UserError::new(
                UserErrorCode::NotFound,
                DOCUMENT_ID,
                locale,
                None,
            )));
        };
        match documents::delete(service(ctx)?, viewer, document_id).await {
            Ok(deleted) => Ok(DeleteDocumentPayload {
                deleted_document_id: Some(ids::encode(KIND, deleted.document.id)),
                application: Some(Application(deleted.application)),
                user_errors: Vec::new(),
                client_mutation_id: echo,
            }),
            Err(error) => Ok(refused(document_error(error, DOCUMENT_ID, locale)?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::sentences::leaks_english;

    #[test]
    fn the_limit_is_said_in_each_language() {
        for (limit, ru) in [
            (5 * 1024 * 1024, "5 МБ"),
            (512 * 1024, "512 КБ"),
            (1000, "1000 байт"),
        ] {
            for locale in [Locale::Kk, Locale::Ru, Locale::En] {
                let error = too_large(limit, locale);
                assert_eq!(error.code, UserErrorCode::DocumentTooLarge);
                assert!(error.message.ends_with('.'), "{}", error.message);
                if locale != Locale::En {
                    assert_eq!(leaks_english(&error.message), None, "{}", error.message);
                }
            }
            assert!(too_large(limit, Locale::Ru).message.contains(ru));
        }
        assert!(too_large(5 << 20, Locale::En).message.contains("5 MiB"));
    }
}
