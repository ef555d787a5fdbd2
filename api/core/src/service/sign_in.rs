//! Sign-in with EDS (NCALayer's AUTHENTICATION key): a single-use challenge, its signature
//! verified, a session opened.

use super::InternalError;
use super::signing::{self, SignatureRefusal};
use crate::auth::challenge::Challenge;
use crate::auth::tokens::{self, SESSION_PREFIX};
use crate::context::ServiceContext;
use crate::domain::Iin;
use crate::service::otp::{OtpError, OtpRuntime};
use entities::enums::{AuthMethod, SignaturePurpose};
use entities::{auth_challenge, officer, person, session};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use signatures::{Purpose, Role};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Why sign-in was refused, or failed.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// No such challenge.
    #[error("unknown challenge")]
    ChallengeUnknown,
    /// The challenge has expired.
    #[error("the challenge has expired")]
    ChallengeExpired,
    /// The challenge was already used.
    #[error("the challenge was already used")]
    ChallengeUsed,
    /// The request comes from another origin than the challenge's.
    #[error("origin mismatch")]
    OriginMismatch,
    /// The signature does not sign the challenge.
    #[error(transparent)]
    Signature(#[from] SignatureRefusal),
    /// The certificate names no (well-formed) IIN.
    #[error("the certificate names no IIN")]
    NoIin,
    /// A legal entity's key whose holder is not a listed officer of that body.
    #[error("not a listed officer")]
    NotAnOfficer,
    /// No verification slot came free in time: try again shortly.
    #[error("busy")]
    Busy,
    /// Not the caller's fault.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for SignInError {
    fn from(error: sea_orm::DbErr) -> Self {
        SignInError::Internal(error.into())
    }
}

/// A new challenge, stored.
#[tracing::instrument(skip_all)]
pub async fn create_challenge(
    ctx: &ServiceContext,
    origin: &str,
) -> Result<(Uuid, Challenge), InternalError> {
    let now = ctx.clock.now();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let ttl = i64::from(ctx.settings.challenge_ttl_seconds);
    let challenge = Challenge::new(
        &ctx.settings.service_name,
        origin,
        now,
        now + Duration::seconds(ttl),
    )?;
    let id = Uuid::new_v4();
    auth_challenge::ActiveModel {
        id: Set(id),
        payload: Set(challenge.canonical_bytes()),
        origin: Set(origin.to_owned()),
        issued_at: Set(challenge.issued_at),
        expires_at: Set(challenge.expires_at),
        consumed_at: Set(None),
    }
    .insert(&ctx.db)
    .await?;
    Ok((id, challenge))
}

/// An opened session.
#[derive(Debug)]
pub struct SignedIn {
    pub token: String,
    pub expires_at: OffsetDateTime,
    pub person: person::Model,
    /// The organisation (BIN) a legal entity's key signed in for: a body its officer works
    /// for, or an organisation whose administration consents.
    pub acting_for: Option<String>,
    /// How the session was opened.
    pub auth_method: AuthMethod,
}

/// What sign-in is given.
#[derive(Debug)]
pub struct SignInRequest<'a> {
    pub challenge_id: Uuid,
    pub cms: &'a str,
    pub origin: &'a str,
}

/// Verifies a signed challenge and opens a session.
#[tracing::instrument(skip_all)]
pub async fn login(
    ctx: &ServiceContext,
    request: SignInRequest<'_>,
) -> Result<SignedIn, SignInError> {
    let db = &ctx.db;
    let received_at = ctx.clock.now();
    let Some(challenge) = auth_challenge::Entity::find_by_id(request.challenge_id)
        .one(db)
        .await?
    else {
        return Err(SignInError::ChallengeUnknown);
    };
    if challenge.consumed_at.is_some() {
        return Err(SignInError::ChallengeUsed);
    }
    if challenge.expires_at <= received_at {
        return Err(SignInError::ChallengeExpired);
    }
    if challenge.origin != request.origin {
        return Err(SignInError::OriginMismatch);
    }

    let verified = signing::verify_on_slot(
        ctx,
        request.cms,
        &challenge.payload,
        Purpose::Auth,
        received_at,
    )
    .await
    .map_err(|_| SignInError::Busy)??;
    let signer = &verified.signer;
    let Some(iin) = signer.signer.iin.clone() else {
        return Err(SignInError::NoIin);
    };
    // The NCA test PKI issues IINs that fail the checksum: the certificate's IIN is taken on
    // its format alone (the CA vouches for it).
    if Iin::from_certificate(&iin).is_err() {
        return Err(SignInError::NoIin);
    }
    // A legal entity's key signs an officer in for that body, if the officer is listed with a
    // staff role; or signs an organisation's administration in for it (a hostel's, to see and
    // sign its consents), if the key holds one of the roles the organisation accepts. An
    // individual's key signs a citizen in.
    let acting_for = if signer.signer.roles.contains(&Role::LegalEntity) {
        let Some(bin) = signer.signer.bin.clone() else {
            return Err(SignInError::NotAnOfficer);
        };
        let staff = signer
            .signer
            .roles
            .iter()
            .any(|r| matches!(r, Role::Employee | Role::Ceo));
        let listed = officer::Entity::find()
            .filter(officer::Column::Iin.eq(iin.clone()))
            .filter(officer::Column::BodyBin.eq(bin.clone()))
            .one(db)
            .await?;
        let officer = listed.is_some() && staff;
        if !officer && !administration_accepts(ctx, &bin, &signer.signer.extended_key_usage).await?
        {
            return Err(SignInError::NotAnOfficer);
        }
        Some(bin)
    } else {
        None
    };

    let txn = db.begin().await?;
    // Consume the challenge with one conditional UPDATE: of two racing sign-ins (on any
    // number of instances), exactly one sees a row changed.
    let consumed = auth_challenge::Entity::update_many()
        .col_expr(auth_challenge::Column::ConsumedAt, Expr::value(received_at))
        .filter(auth_challenge::Column::Id.eq(challenge.id))
        .filter(auth_challenge::Column::ConsumedAt.is_null())
        .filter(auth_challenge::Column::ExpiresAt.gt(received_at))
        .exec(&txn)
        .await?;
    if consumed.rows_affected != 1 {
        txn.rollback().await?;
        return Err(SignInError::ChallengeUsed);
    }
    let surname = signer.signer.surname.clone();
    // NCA RK's CN is "SURNAME GIVEN": the given name is what follows the surname.
    let given_name = match (&signer.signer.common_name, &surname) {
        (Some(cn), Some(surname)) => cn
            .strip_prefix(surname.as_str())
            .map(|g| g.trim().to_owned()),
        _ => None,
    }
    .filter(|g| !g.is_empty());
    // A person the registry mirror (or an earlier sign-in) knows is kept as is; a new one is
    // created from the certificate. ON CONFLICT makes two first sign-ins of one person at the
    // same moment (on any instances) both succeed.
    person::Entity::insert(person::ActiveModel {
        id: Set(Uuid::new_v4()),
        iin: Set(iin.clone()),
        surname: Set(surname),
        given_name: Set(given_name),
        patronymic: Set(signer.signer.given_name.clone()),
        phone: Set(None),
        created_at: Set(received_at),
    })
    .on_conflict(
        OnConflict::column(person::Column::Iin)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let Some(person) = person::Entity::find()
        .filter(person::Column::Iin.eq(iin.clone()))
        .one(&txn)
        .await?
    else {
        return Err(sea_orm::DbErr::RecordNotFound("the person just created".to_owned()).into());
    };
    let (token, expires_at) = open_session(
        ctx,
        &txn,
        person.id,
        acting_for.clone(),
        AuthMethod::Eds,
        received_at,
    )
    .await?;
    signing::store(
        &txn,
        SignaturePurpose::SignIn,
        challenge.id,
        &verified,
        received_at,
    )
    .await?;
    txn.commit().await?;
    Ok(SignedIn {
        token,
        expires_at,
        person,
        acting_for,
        auth_method: AuthMethod::Eds,
    })
}

/// Whether `bin` is an organisation whose administration consents (a hostel's) and the key
/// holds one of the role OIDs it accepts.
// DOMAIN: organisation administration replaces the owner's consent
async fn administration_accepts(
    ctx: &ServiceContext,
    bin: &str,
    extended_key_usage: &[String],
) -> Result<bool, InternalError> {
    let Ok(bin) = crate::domain::Bin::parse(bin) else {
        return Ok(false);
    };
    let organisation = ctx.properties.organisation(&bin).await?;
    Ok(organisation.is_some_and(|o| {
        o.consent_role_oids
            .iter()
            .any(|role| extended_key_usage.contains(role))
    }))
}

/// Stores a new session and gives its bearer token (never stored: only its hash is).
async fn open_session<C: ConnectionTrait>(
    ctx: &ServiceContext,
    db: &C,
    person_id: Uuid,
    acting_for: Option<String>,
    auth_method: AuthMethod,
    now: OffsetDateTime,
) -> Result<(String, OffsetDateTime), InternalError> {
    let token = tokens::new_token(SESSION_PREFIX)?;
    let expires_at = now + Duration::seconds(i64::from(ctx.settings.session_ttl_seconds));
    session::ActiveModel {
        id: Set(Uuid::new_v4()),
        token_hash: Set(tokens::hash(&token)),
        person_id: Set(person_id),
        acting_bin: Set(acting_for),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        auth_method: Set(auth_method),
    }
    .insert(db)
    .await?;
    Ok((token, expires_at))
}

/// Why sign-in with a one-time password failed.
#[derive(Debug, thiserror::Error)]
pub enum OtpSignInError {
    /// The code was not accepted (or no code could be checked).
    #[error(transparent)]
    Otp(#[from] OtpError),
    /// The code was asked for from another web origin.
    #[error("origin mismatch")]
    OriginMismatch,
    /// Not the caller's fault.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for OtpSignInError {
    fn from(error: sea_orm::DbErr) -> Self {
        OtpSignInError::Internal(error.into())
    }
}

/// Signs a citizen in with a code sent by `requestOtp` (`LOGIN`): the same session as EDS
/// sign-in, bound to the same origin, marked `OTP`, and never an officer's (an officer acts
/// for a body only with an EDS session of that body's key).
#[tracing::instrument(skip_all)]
pub async fn login_with_otp(
    ctx: &ServiceContext,
    otp: &OtpRuntime,
    challenge_id: Uuid,
    code: &str,
    origin: &str,
) -> Result<SignedIn, OtpSignInError> {
    let verified = crate::service::otp::verify_login(ctx, otp, challenge_id, code).await?;
    if verified.origin != origin {
        return Err(OtpSignInError::OriginMismatch);
    }
    // A code went only to the phone of a person the registry mirror knows.
    let Some(person) = person::Entity::find()
        .filter(person::Column::Iin.eq(verified.iin.clone()))
        .one(&ctx.db)
        .await?
    else {
        return Err(OtpSignInError::Otp(OtpError::Expired));
    };
    let (token, expires_at) = open_session(
        ctx,
        &ctx.db,
        person.id,
        None,
        AuthMethod::Otp,
        verified.verified_at,
    )
    .await?;
    Ok(SignedIn {
        token,
        expires_at,
        person,
        acting_for: None,
        auth_method: AuthMethod::Otp,
    })
}

/// Revokes the session of `token_session_id`.
pub async fn logout(ctx: &ServiceContext, session_id: Uuid) -> Result<bool, InternalError> {
    let result = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(ctx.clock.now()))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(&ctx.db)
        .await?;
    Ok(result.rows_affected == 1)
}
