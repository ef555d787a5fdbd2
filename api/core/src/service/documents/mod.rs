//! Documents the state cannot hold, uploaded by the applicant while the application is a draft:
//! a citizen arriving from abroad's passport or certificate of return, the former country's
//! de-registration document, a certificate of citizenship of that country. Everything the state
//! holds is checked by its number through the registry ports instead.
//!
//! The bytes go to the [`DocumentStore`] (content-addressed by SHA-256) before the row is
//! inserted, in a transaction that locks the application (the lock order of
//! [`crate::service`]): a failed insert leaves at most a complete file no row names, which is
//! never served. A document is part of what the applicant signs (see
//! [`signing_list`]): an upload or a deletion changes the application's version and voids its
//! signing requests, like any other change to the draft. Rows are never deleted.

pub mod content;
pub mod store;

pub use content::MediaType;
pub use store::{DocumentStore, ReadError};

use crate::auth::viewer::SignedIn;
use crate::context::ServiceContext;
use crate::domain::ApplicationStatus;
use crate::policy;
use crate::service::InternalError;
use crate::service::applications::{self, draft};
use entities::application;
use entities::document::{self, DocumentKind};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};
use std::sync::Arc;
use time::OffsetDateTime;
use uuid::Uuid;

/// How many documents one application may hold (not counting deleted ones): the passport or
/// certificate of return and the de-registration proof, with room for several pages scanned
/// apart.
pub const MAX_DOCUMENTS: u64 = 10;

/// Why an upload or a deletion was refused, or failed.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// No such application or document, or not one the caller may see.
    #[error("no such application or document")]
    NotFound,
    /// The caller may see it but not change it: only the applicant uploads and deletes.
    #[error("only the applicant may change the application's documents")]
    NotAllowed,
    /// The application is no longer a draft: what was signed is fixed.
    #[error("only a draft's documents can change")]
    NotEditable,
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// The file is larger than the store accepts.
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    /// The bytes are not a PDF, JPEG or PNG file.
    #[error("the file is not a PDF, JPEG or PNG")]
    TypeNotAllowed,
    /// The application holds [`MAX_DOCUMENTS`] already.
    #[error("the application holds {limit} documents already")]
    LimitReached { limit: u64 },
    /// The application changed meanwhile (its version moved under the lock).
    #[error("the application changed meanwhile")]
    Conflict,
    /// The documents directory failed.
    #[error("the documents directory failed")]
    Storage(#[source] std::io::Error),
    /// Not the caller's fault.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for DocumentError {
    fn from(error: sea_orm::DbErr) -> Self {
        DocumentError::Internal(error.into())
    }
}

/// Why a document's bytes cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// No such document, deleted, or not one the caller may read.
    #[error("no such document")]
    NotFound,
    /// The file is missing, unreadable or not the bytes stored (never served then).
    #[error(transparent)]
    Unreadable(#[from] ReadError),
    /// Not the caller's fault.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for DownloadError {
    fn from(error: sea_orm::DbErr) -> Self {
        DownloadError::Internal(error.into())
    }
}

/// A file to upload, as the transport received it.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub application_id: Uuid,
    pub kind: DocumentKind,
    /// The name the client gave (sanitised before it is stored).
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A document that was uploaded or deleted, and its application as it is now (at its new
/// version).
#[derive(Debug, Clone)]
pub struct Changed {
    pub document: document::Model,
    pub application: application::Model,
}

/// The application, if the viewer may change its documents now: `NotFound` when they may not
/// see it, `NotAllowed` when they may see but not change it, `NotEditable` once it is no longer
/// a draft.
fn editable(
    viewer: &SignedIn,
    found: Option<application::Model>,
) -> Result<application::Model, DocumentError> {
    let Some(app) = found.filter(|a| policy::may_read(viewer, a)) else {
        return Err(DocumentError::NotFound);
    };
    if !policy::may_change(viewer, &app) {
        return Err(DocumentError::NotAllowed);
    }
    // The signature covers the documents: once signed, they are fixed.
    if ApplicationStatus::from(app.status) != ApplicationStatus::Draft {
        return Err(DocumentError::NotEditable);
    }
    Ok(app)
}

async fn count_of<C: ConnectionTrait>(db: &C, application_id: Uuid) -> Result<u64, sea_orm::DbErr> {
    document::Entity::find()
        .filter(document::Column::ApplicationId.eq(application_id))
        .filter(document::Column::DeletedAt.is_null())
        .count(db)
        .await
}

/// A new version of the application (its documents changed), written under its lock; its
/// signing requests describe content that no longer exists.
async fn changed<C: ConnectionTrait>(
    db: &C,
    current: &application::Model,
    now: OffsetDateTime,
) -> Result<application::Model, DocumentError> {
    let written = application::Entity::update_many()
        .col_expr(
            application::Column::Version,
            Expr::value(current.version + 1),
        )
        .col_expr(application::Column::UpdatedAt, Expr::value(now))
        .filter(application::Column::Id.eq(current.id))
        .filter(application::Column::Version.eq(current.version))
        .exec(db)
        .await?;
    if written.rows_affected != 1 {
        return Err(DocumentError::Conflict);
    }
    applications::void_signing_requests(db, current.id, now).await?;
    let mut next = current.clone();
    next.version = current.version + 1;
    next.updated_at = now;
    Ok(next)
}

/// Uploads a document to the viewer's draft: checks its size and type (from the bytes), writes
/// it to the store, then records it in a transaction that locks the application, counts its
/// documents and moves its version.
#[tracing::instrument(skip_all)]
pub async fn upload(
    ctx: &ServiceContext,
    store: &DocumentStore,
    viewer: &SignedIn,
    new: NewDocument,
) -> Result<Changed, DocumentError> {
    let found = application::Entity::find_by_id(new.application_id)
        .one(&ctx.db)
        .await?;
    editable(viewer, found)?;
    if new.bytes.is_empty() {
        return Err(DocumentError::Empty);
    }
    let size = u64::try_from(new.bytes.len()).unwrap_or(u64::MAX);
    if size > store.max_bytes() {
        return Err(DocumentError::TooLarge {
            limit: store.max_bytes(),
        });
    }
    // DOMAIN: only what the state cannot hold is uploaded, as a scan or a photograph; the type
    // is the bytes', never the client's claim.
    let Some(media_type) = MediaType::detect(&new.bytes) else {
        return Err(DocumentError::TypeNotAllowed);
    };
    if count_of(&ctx.db, new.application_id).await? >= MAX_DOCUMENTS {
        return Err(DocumentError::LimitReached {
            limit: MAX_DOCUMENTS,
        });
    }
    let bytes: Arc<[u8]> = new.bytes.into();
    let sha256 = store.put(bytes).await.map_err(DocumentError::Storage)?;
    let txn = ctx.db.begin().await?;
    let current = editable(viewer, applications::lock(&txn, new.application_id).await?)?;
    if count_of(&txn, current.id).await? >= MAX_DOCUMENTS {
        return Err(DocumentError::LimitReached {
            limit: MAX_DOCUMENTS,
        });
    }
    let now = ctx.clock.now();
    let document = document::ActiveModel {
        id: Set(Uuid::new_v4()),
        application_id: Set(current.id),
        kind: Set(new.kind),
        file_name: Set(content::file_name(&new.file_name, media_type)),
        content_type: Set(media_type.as_str().to_owned()),
        size: Set(i64::try_from(size).unwrap_or(i64::MAX)),
        sha256: Set(sha256),
        uploaded_by: Set(viewer.person_id),
        uploaded_at: Set(now),
        deleted_at: Set(None),
        deleted_by: Set(None),
    }
    .insert(&txn)
    .await?;
    let application = changed(&txn, &current, now).await?;
    txn.commit().await?;
    tracing::info!(kind = new.kind.to_value(), "document uploaded");
    Ok(Changed {
        document,
        application,
    })
}

/// Deletes (hides) a document of the viewer's draft; its row stays, with who deleted it and
/// when.
#[tracing::instrument(skip_all)]
pub async fn delete(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    document_id: Uuid,
) -> Result<Changed, DocumentError> {
    let Some(found) = document::Entity::find_by_id(document_id)
        .filter(document::Column::DeletedAt.is_null())
        .one(&ctx.db)
        .await?
    else {
        return Err(DocumentError::NotFound);
    };
    let txn = ctx.db.begin().await?;
    let current = editable(
        viewer,
        applications::lock(&txn, found.application_id).await?,
    )?;
    let now = ctx.clock.now();
    let hidden = document::Entity::update_many()
        .col_expr(document::Column::DeletedAt, Expr::value(now))
        .col_expr(document::Column::DeletedBy, Expr::value(viewer.person_id))
        .filter(document::Column::Id.eq(document_id))
        .filter(document::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?;
    if hidden.rows_affected != 1 {
        // Deleted meanwhile.
        return Err(DocumentError::NotFound);
    }
    let application = changed(&txn, &current, now).await?;
    txn.commit().await?;
    Ok(Changed {
        document: document::Model {
            deleted_at: Some(now),
            deleted_by: Some(viewer.person_id),
            ..found
        },
        application,
    })
}

/// The application's documents that count (not deleted), oldest first. The caller has decided
/// that the viewer may read the application.
pub async fn of_application<C: ConnectionTrait>(
    db: &C,
    application_id: Uuid,
) -> Result<Vec<document::Model>, sea_orm::DbErr> {
    document::Entity::find()
        .filter(document::Column::ApplicationId.eq(application_id))
        .filter(document::Column::DeletedAt.is_null())
        .order_by_asc(document::Column::UploadedAt)
        .order_by_asc(document::Column::Id)
        .all(db)
        .await
}

/// The documents that count of each of these applications (one statement for a page), oldest
/// first; an application without any is absent. The caller has decided the viewer may read
/// them.
pub async fn of_applications<C: ConnectionTrait>(
    db: &C,
    application_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<document::Model>>, sea_orm::DbErr> {
    let rows = document::Entity::find()
        .filter(document::Column::ApplicationId.is_in(application_ids.iter().copied()))
        .filter(document::Column::DeletedAt.is_null())
        .order_by_asc(document::Column::UploadedAt)
        .order_by_asc(document::Column::Id)
        .all(db)
        .await?;
    let mut by_application: std::collections::HashMap<Uuid, Vec<document::Model>> =
        std::collections::HashMap::new();
    for row in rows {
        by_application
            .entry(row.application_id)
            .or_default()
            .push(row);
    }
    Ok(by_application)
}

/// A document the viewer may read, with its application; `None` when it does not exist, was
/// deleted, or the viewer may not read its application.
pub async fn find(
    ctx: &ServiceContext,
    viewer: &SignedIn,
    document_id: Uuid,
) -> Result<Option<document::Model>, InternalError> {
    let Some(found) = document::Entity::find_by_id(document_id)
        .filter(document::Column::DeletedAt.is_null())
        .one(&ctx.db)
        .await?
    else {
        return Ok(None);
    };
    let Some(app) = application::Entity::find_by_id(found.application_id)
        .one(&ctx.db)
        .await?
    else {
        return Ok(None);
    };
    let readable = crate::service::applications::readable(ctx, viewer, &app).await?;
    Ok(readable.then_some(found))
}

/// A document's bytes for the viewer, checked against the SHA-256 and size its row recorded
/// (a file changed on disk is never served).
pub async fn download(
    ctx: &ServiceContext,
    store: &DocumentStore,
    viewer: &SignedIn,
    document_id: Uuid,
) -> Result<(document::Model, Vec<u8>), DownloadError> {
    let Some(found) = find(ctx, viewer, document_id).await? else {
        return Err(DownloadError::NotFound);
    };
    let size = u64::try_from(found.size).unwrap_or_default();
    let bytes = store.get(&found.sha256, size).await?;
    Ok((found, bytes))
}

/// What the application's signature covers of its documents: `[{kind, sha256}]`, sorted by
/// kind, then SHA-256, so that the same documents always give the same bytes to sign and a
/// file changed after signing no longer matches.
pub async fn signing_list<C: ConnectionTrait>(
    db: &C,
    application_id: Uuid,
) -> Result<serde_json::Value, sea_orm::DbErr> {
    let mut listed: Vec<(String, String)> = of_application(db, application_id)
        .await?
        .into_iter()
        .map(|d| (d.kind.to_value(), d.sha256))
        .collect();
    listed.sort();
    Ok(serde_json::Value::Array(
        listed
            .into_iter()
            .map(|(kind, sha256)| serde_json::json!({ "kind": kind, "sha256": sha256 }))
            .collect(),
    ))
}

/// What blocks submission for want of an uploaded document (see
/// [`draft::missing_documents`]): nothing without an arrival from abroad, and then without a
/// query.
pub async fn missing<C: ConnectionTrait>(
    db: &C,
    app: &application::Model,
) -> Result<Vec<draft::Missing>, sea_orm::DbErr> {
    if app.arrival_from_abroad.is_none() {
        return Ok(Vec::new());
    }
    let kinds: Vec<DocumentKind> = of_application(db, app.id)
        .await?
        .into_iter()
        .map(|d| d.kind)
        .collect();
    Ok(draft::missing_documents(app, &kinds))
}
