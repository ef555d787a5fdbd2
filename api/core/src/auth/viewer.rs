//! Who is asking: resolved once per request from `Authorization: Bearer …`.

use super::tokens::{API_KEY_PREFIX, SESSION_PREFIX, hash};
use entities::enums::AuthMethod;
use entities::{integrator, officer, person, session};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use time::OffsetDateTime;
use uuid::Uuid;

/// A signed-in person.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session_id: Uuid,
    pub person_id: Uuid,
    pub iin: String,
    /// For an officer's session: the body (BIN) the officer acts for. Re-checked against the
    /// officer list on every request, so removing an officer takes effect at once.
    pub officer_of: Option<String>,
    /// For a session opened with a legal entity's key: the organisation (BIN) it acts for (an
    /// officer's body, or an organisation whose administration consents). Never for a session
    /// opened by a one-time password.
    pub acting_for: Option<String>,
    /// How the session was opened: an officer's needs EDS.
    pub auth_method: AuthMethod,
}

/// The caller of a request.
#[derive(Debug, Clone)]
pub enum Principal {
    /// No `Authorization` header.
    Anonymous,
    /// A header whose token is unknown, expired or revoked.
    InvalidToken,
    /// A person with a live session.
    Person(SignedIn),
    /// An integrator with a live API key.
    Integrator { id: Uuid, name: String },
}

/// Resolves the `Authorization` header's value.
pub async fn resolve(
    db: &DatabaseConnection,
    authorization: Option<&str>,
    now: OffsetDateTime,
) -> Result<Principal, DbErr> {
    let Some(value) = authorization else {
        return Ok(Principal::Anonymous);
    };
    let Some(token) = value.strip_prefix("Bearer ").map(str::trim) else {
        return Ok(Principal::InvalidToken);
    };
    if token.starts_with(SESSION_PREFIX) {
        let found = session::Entity::find()
            .filter(session::Column::TokenHash.eq(hash(token)))
            .filter(session::Column::RevokedAt.is_null())
            .filter(session::Column::ExpiresAt.gt(now))
            .find_also_related(person::Entity)
            .one(db)
            .await?;
        let Some((session, Some(person))) = found else {
            return Ok(Principal::InvalidToken);
        };
        // Only an EDS session acts for a body: a session opened by a one-time password never
        // does, whatever it claims.
        let acting_bin = session
            .acting_bin
            .filter(|_| session.auth_method == AuthMethod::Eds);
        let officer_of = match acting_bin.clone() {
            Some(bin) => officer::Entity::find()
                .filter(officer::Column::Iin.eq(person.iin.clone()))
                .filter(officer::Column::BodyBin.eq(bin.clone()))
                .one(db)
                .await?
                .map(|_| bin),
            None => None,
        };
        return Ok(Principal::Person(SignedIn {
            session_id: session.id,
            person_id: person.id,
            iin: person.iin,
            officer_of,
            acting_for: acting_bin,
            auth_method: session.auth_method,
        }));
    }
    if token.starts_with(API_KEY_PREFIX) {
        let found = integrator::Entity::find()
            .filter(integrator::Column::KeyHash.eq(hash(token)))
            .filter(integrator::Column::RevokedAt.is_null())
            .one(db)
            .await?;
        return Ok(match found {
            Some(integrator) => Principal::Integrator {
                id: integrator.id,
                name: integrator.name,
            },
            None => Principal::InvalidToken,
        });
    }
    Ok(Principal::InvalidToken)
}
