//! Administration: listing officers and integrators (the CLI's `officers add`,
//! `integrators add`, `integrators list`, `integrators revoke`).

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

/// An integrator as listed (never its key: only the key's hash is stored).
#[derive(Debug, Clone)]
pub struct IntegratorListing {
    pub id: Uuid,
    pub name: String,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    pub bodies: Vec<String>,
    pub types: Vec<String>,
}

/// Every integrator, oldest first.
pub async fn list_integrators(
    db: &DatabaseConnection,
) -> Result<Vec<IntegratorListing>, sea_orm::DbErr> {
    use sea_orm::QueryOrder;
    Ok(integrator::Entity::find()
        .order_by_asc(integrator::Column::CreatedAt)
        .order_by_asc(integrator::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let scope = crate::auth::viewer::IntegratorScope::from_stored(
                &row.scope_bodies,
                &row.scope_types,
            );
            IntegratorListing {
                id: row.id,
                name: row.name,
                created_at: row.created_at,
                revoked_at: row.revoked_at,
                bodies: scope.bodies,
                types: scope.types,
            }
        })
        .collect())
}

/// What revoking an integrator's key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoked {
    /// The key is revoked from now: requests with it are refused, and its subscriptions end
    /// (4403) at the next session check.
    Now,
    /// It was revoked before; nothing changed.
    Already,
}

/// Revokes the API key of integrator `id`; `Err` when there is no such integrator.
pub async fn revoke_integrator(
    db: &DatabaseConnection,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<Revoked, String> {
    let found = integrator::Entity::find_by_id(id)
        .one(db)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no integrator has the id {id}"))?;
    if found.revoked_at.is_some() {
        return Ok(Revoked::Already);
    }
    let updated = integrator::Entity::update_many()
        .col_expr(
            integrator::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(integrator::Column::Id.eq(id))
        .filter(integrator::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .map_err(|e| e.to_string())?;
    Ok(if updated.rows_affected == 1 {
        Revoked::Now
    } else {
        Revoked::Already
    })
}
