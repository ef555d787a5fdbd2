//! Who is asking: resolved once per request from `Authorization: Bearer …`.

use super::tokens::{API_KEY_PREFIX, SESSION_PREFIX, hash};
use entities::enums::AuthMethod;
use entities::{integrator, officer, person, session};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashSet;
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
    Integrator {
        id: Uuid,
        name: String,
        scope: IntegratorScope,
    },
}

/// What an integrator's key may read of the event feed, set when the key is made: the bodies
/// whose events (by the body that handles the subject) and the event types (what changed
/// status: `APPLICATION`, `CONSENT`, `REGISTRATION`, `APPEAL`, `COMPLAINT`). `*` is every one;
/// an empty list is none.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IntegratorScope {
    pub bodies: Vec<String>,
    pub types: Vec<String>,
}

impl IntegratorScope {
    /// Every body and every type.
    pub fn everything() -> Self {
        IntegratorScope {
            bodies: vec!["*".to_owned()],
            types: vec!["*".to_owned()],
        }
    }

    /// From the stored JSON lists (a malformed one is read as none: nothing is revealed).
    pub fn from_stored(bodies: &str, types: &str) -> Self {
        IntegratorScope {
            bodies: serde_json::from_str(bodies).unwrap_or_default(),
            types: serde_json::from_str(types).unwrap_or_default(),
        }
    }

    /// The bodies, or `None` for every body.
    pub fn bodies(&self) -> Option<&[String]> {
        (!self.bodies.iter().any(|b| b == "*")).then_some(self.bodies.as_slice())
    }

    /// The types, or `None` for every type.
    pub fn types(&self) -> Option<&[String]> {
        (!self.types.iter().any(|t| t == "*")).then_some(self.types.as_slice())
    }
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
    let credential = Credential::of(value);
    if let Some(Credential::Session(token_hash)) = &credential {
        let found = session::Entity::find()
            .filter(session::Column::TokenHash.eq(token_hash.clone()))
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
    if let Some(Credential::ApiKey(key_hash)) = &credential {
        let found = integrator::Entity::find()
            .filter(integrator::Column::KeyHash.eq(key_hash.clone()))
            .filter(integrator::Column::RevokedAt.is_null())
            .one(db)
            .await?;
        return Ok(match found {
            Some(integrator) => Principal::Integrator {
                scope: IntegratorScope::from_stored(
                    &integrator.scope_bodies,
                    &integrator.scope_types,
                ),
                id: integrator.id,
                name: integrator.name,
            },
            None => Principal::InvalidToken,
        });
    }
    Ok(Principal::InvalidToken)
}

/// What a caller authenticated with, as stored (its hash): what [`resolve`] looks up, and what a
/// long-lived connection is re-checked by in batches ([`still_live`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Credential {
    /// A session token's hash.
    Session(Vec<u8>),
    /// An integrator's API key's hash.
    ApiKey(Vec<u8>),
}

impl Credential {
    /// The credential of an `Authorization` value (`Bearer …`); `None` when it is no token of
    /// ours.
    pub fn of(authorization: &str) -> Option<Self> {
        let token = authorization.strip_prefix("Bearer ")?.trim();
        if token.starts_with(SESSION_PREFIX) {
            Some(Credential::Session(hash(token)))
        } else if token.starts_with(API_KEY_PREFIX) {
            Some(Credential::ApiKey(hash(token)))
        } else {
            None
        }
    }
}

/// How many credentials one query checks (well under SQLite's and PostgreSQL's bound-parameter
/// limits).
const LIVE_CHECK_CHUNK: usize = 500;

/// Which of `credentials` are still live at `now`: a session neither revoked nor expired, an
/// API key not revoked. One query per kind per [`LIVE_CHECK_CHUNK`] credentials, whatever the
/// number of connections that share them.
pub async fn still_live(
    db: &DatabaseConnection,
    credentials: &[Credential],
    now: OffsetDateTime,
) -> Result<HashSet<Credential>, DbErr> {
    let mut sessions = Vec::new();
    let mut keys = Vec::new();
    for credential in credentials {
        match credential {
            Credential::Session(hash) => sessions.push(hash.clone()),
            Credential::ApiKey(hash) => keys.push(hash.clone()),
        }
    }
    let mut live = HashSet::new();
    for chunk in sessions.chunks(LIVE_CHECK_CHUNK) {
        let found: Vec<Vec<u8>> = session::Entity::find()
            .select_only()
            .column(session::Column::TokenHash)
            .filter(session::Column::TokenHash.is_in(chunk.iter().cloned()))
            .filter(session::Column::RevokedAt.is_null())
            .filter(session::Column::ExpiresAt.gt(now))
            .into_tuple()
            .all(db)
            .await?;
        live.extend(found.into_iter().map(Credential::Session));
    }
    for chunk in keys.chunks(LIVE_CHECK_CHUNK) {
        let found: Vec<Vec<u8>> = integrator::Entity::find()
            .select_only()
            .column(integrator::Column::KeyHash)
            .filter(integrator::Column::KeyHash.is_in(chunk.iter().cloned()))
            .filter(integrator::Column::RevokedAt.is_null())
            .into_tuple()
            .all(db)
            .await?;
        live.extend(found.into_iter().map(Credential::ApiKey));
    }
    Ok(live)
}
