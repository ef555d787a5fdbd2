//! Administration: listing officers and integrators (the CLI's `officers add`,
//! `integrators add`).

use crate::auth::tokens::{self, API_KEY_PREFIX};
use crate::domain::{Bin, Iin};
use crate::service::feed;
use entities::{integrator, officer};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use time::OffsetDateTime;
use uuid::Uuid;

/// Lists a person (by IIN) as an officer of a body (by BIN). Idempotent.
pub async fn add_officer(
    db: &DatabaseConnection,
    iin: &str,
    body: &str,
    now: OffsetDateTime,
) -> Result<OfficerAdded, String> {
    let iin = Iin::from_certificate(iin).map_err(|e| format!("--iin: {e}"))?;
    let body = Bin::parse(body).map_err(|e| format!("--body: {e}"))?;
    let exists = officer::Entity::find()
        .filter(officer::Column::Iin.eq(iin.as_str()))
        .filter(officer::Column::BodyBin.eq(body.as_str()))
        .one(db)
        .await
        .map_err(|e| e.to_string())?;
    if exists.is_none() {
        officer::ActiveModel {
            id: Set(Uuid::new_v4()),
            iin: Set(iin.as_str().to_owned()),
            body_bin: Set(body.as_str().to_owned()),
            created_at: Set(now),
        }
        .insert(db)
        .await
        .map_err(|e| e.to_string())?;
        Ok(OfficerAdded::Added)
    } else {
        Ok(OfficerAdded::AlreadyListed)
    }
}

/// What `add_officer` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficerAdded {
    /// The officer is now listed for the body.
    Added,
    /// The officer was listed for the body already; nothing changed.
    AlreadyListed,
}

/// Registers an integrator with its event-feed scope and returns its API key (shown once; only
/// its hash is stored).
pub async fn add_integrator(
    db: &DatabaseConnection,
    name: &str,
    scope: &crate::auth::viewer::IntegratorScope,
    now: OffsetDateTime,
) -> Result<String, String> {
    for body in &scope.bodies {
        if body != "*" && crate::domain::Bin::parse(body).is_err() {
            return Err(format!("--bodies: {body} is not a BIN (or *)"));
        }
    }
    for kind in &scope.types {
        let known = || feed::ALL_TYPES.iter().map(|k| feed::type_name(*k));
        if kind != "*" && !known().any(|name| name == kind) {
            return Err(format!(
                "--types: {kind} is not an event type ({} or *)",
                known().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    let name = name.trim();
    if name.is_empty() || name.len() > 200 {
        return Err("--name must be 1 to 200 characters".to_owned());
    }
    let key =
        tokens::new_token(API_KEY_PREFIX).map_err(|_| "random generator failed".to_owned())?;
    integrator::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(name.to_owned()),
        key_hash: Set(tokens::hash(&key)),
        created_at: Set(now),
        revoked_at: Set(None),
        scope_bodies: Set(serde_json::to_string(&scope.bodies).unwrap_or_default()),
        scope_types: Set(serde_json::to_string(&scope.types).unwrap_or_default()),
    }
    .insert(db)
    .await
    .map_err(|e| e.to_string())?;
    Ok(key)
}
