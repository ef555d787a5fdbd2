//! Sign-in with EDS (NCALayer's AUTHENTICATION key): a single-use challenge, its signature
//! verified, a session opened.

use super::ServiceError;
use crate::auth::challenge::Challenge;
use crate::auth::tokens::{self, SESSION_PREFIX};
use crate::domain::Iin;
use crate::eds::TrustStore;
use crate::graphql::errors::UserErrorCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use entities::{auth_challenge, officer, person, session, stored_signature};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};
use signatures::{Options, Purpose, Report, Role};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// A refusal: the code and, for verifier verdicts, the verifier's explanation.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub code: UserErrorCode,
    pub detail: Option<String>,
}

impl Refusal {
    fn new(code: UserErrorCode) -> Self {
        Refusal { code, detail: None }
    }
}

/// A new challenge, stored.
pub async fn create_challenge(
    db: &DatabaseConnection,
    audience: &str,
    origin: &str,
    ttl_seconds: u32,
) -> Result<(Uuid, Challenge), ServiceError> {
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc());
    let challenge = Challenge::new(
        audience,
        origin,
        now,
        now + Duration::seconds(i64::from(ttl_seconds)),
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
    .insert(db)
    .await?;
    Ok((id, challenge))
}

/// An opened session.
#[derive(Debug)]
pub struct SignedIn {
    pub token: String,
    pub expires_at: OffsetDateTime,
    pub person: person::Model,
    /// The body an officer signed in for.
    pub officer_of: Option<String>,
}

/// What sign-in needs besides the database.
#[derive(Debug)]
pub struct SignInRequest<'a> {
    pub challenge_id: Uuid,
    pub cms: &'a str,
    pub origin: &'a str,
    pub session_ttl_seconds: u32,
}

/// Verifies a signed challenge and opens a session.
pub async fn login(
    db: &DatabaseConnection,
    trust: &TrustStore,
    request: SignInRequest<'_>,
) -> Result<Result<SignedIn, Refusal>, ServiceError> {
    let received_at = OffsetDateTime::now_utc();
    let Some(challenge) = auth_challenge::Entity::find_by_id(request.challenge_id)
        .one(db)
        .await?
    else {
        return Ok(Err(Refusal::new(UserErrorCode::ChallengeUnknown)));
    };
    if challenge.consumed_at.is_some() {
        return Ok(Err(Refusal::new(UserErrorCode::ChallengeUsed)));
    }
    if challenge.expires_at <= received_at {
        return Ok(Err(Refusal::new(UserErrorCode::ChallengeExpired)));
    }
    if challenge.origin != request.origin {
        return Ok(Err(Refusal::new(UserErrorCode::OriginMismatch)));
    }

    let report = match verify_signed_payload(
        trust,
        request.cms,
        &challenge.payload,
        Purpose::Auth,
        received_at,
    ) {
        Ok(report) => report,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some(signer) = report.signers.first() else {
        return Ok(Err(Refusal::new(UserErrorCode::SignerCount)));
    };
    let Some(iin) = signer.signer.iin.clone() else {
        return Ok(Err(Refusal::new(UserErrorCode::NoIin)));
    };
    // The NCA test PKI issues IINs that fail the checksum: the certificate's IIN is taken on
    // its format alone (the CA vouches for it).
    if Iin::from_certificate(&iin).is_err() {
        return Ok(Err(Refusal::new(UserErrorCode::NoIin)));
    }
    // A legal entity's key signs an officer in for that body, if the officer is listed with a
    // staff role; an individual's key signs a citizen in.
    let officer_of = if signer.signer.roles.contains(&Role::LegalEntity) {
        let staff = signer
            .signer
            .roles
            .iter()
            .any(|r| matches!(r, Role::Employee | Role::Ceo));
        let Some(bin) = signer.signer.bin.clone().filter(|_| staff) else {
            return Ok(Err(Refusal::new(UserErrorCode::NotAnOfficer)));
        };
        let listed = officer::Entity::find()
            .filter(officer::Column::Iin.eq(iin.clone()))
            .filter(officer::Column::BodyBin.eq(bin.clone()))
            .one(db)
            .await?;
        if listed.is_none() {
            return Ok(Err(Refusal::new(UserErrorCode::NotAnOfficer)));
        }
        Some(bin)
    } else {
        None
    };

    let token = tokens::new_token(SESSION_PREFIX)?;
    let expires_at = received_at + Duration::seconds(i64::from(request.session_ttl_seconds));
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
        return Ok(Err(Refusal::new(UserErrorCode::ChallengeUsed)));
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
        return Err(ServiceError::Database(sea_orm::DbErr::RecordNotFound(
            "the person just created".to_owned(),
        )));
    };
    session::ActiveModel {
        id: Set(Uuid::new_v4()),
        token_hash: Set(tokens::hash(&token)),
        person_id: Set(person.id),
        acting_bin: Set(officer_of.clone()),
        created_at: Set(received_at),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    stored_signature::ActiveModel {
        id: Set(Uuid::new_v4()),
        purpose: Set("SIGN_IN".to_owned()),
        subject_id: Set(challenge.id),
        signer_iin: Set(Some(iin)),
        signer_serial: Set(signer.serial_number.clone()),
        cms: Set(decode_cms_bytes(request.cms)),
        signed_content: Set(challenge.payload.clone()),
        report: Set(report.to_json()),
        valid: Set(true),
        received_at: Set(received_at),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Ok(SignedIn {
        token,
        expires_at,
        person,
        officer_of,
    }))
}

/// The CMS as stored: its DER when it decodes (from base64 or PEM, as the verifier reads it),
/// else the text as received.
pub(crate) fn decode_cms_bytes(cms: &str) -> Vec<u8> {
    signatures::decode_cms(cms.as_bytes())
        .map_or_else(|| cms.as_bytes().to_vec(), std::borrow::Cow::into_owned)
}

/// Verifies a CMS that must sign exactly `payload` with one signer of the given purpose.
/// Recognises the NCALayer trap of signing the payload's base64 text instead of its bytes.
pub fn verify_signed_payload(
    trust: &TrustStore,
    cms: &str,
    payload: &[u8],
    purpose: Purpose,
    received_at: OffsetDateTime,
) -> Result<Report, Refusal> {
    let verifier = trust.verifier();
    let options = Options {
        at: Some(received_at),
        purpose: Some(purpose),
        require_revocation: trust.require_revocation,
    };
    let payload_text = STANDARD.encode(payload);
    let refuse_verdict = |report: &Report| Refusal {
        code: UserErrorCode::from_verifier(report.code).unwrap_or(UserErrorCode::SignatureInvalid),
        detail: Some(report.message.clone()),
    };
    let attached = match signatures::encapsulated_content(cms.as_bytes()) {
        Ok(attached) => attached,
        Err(e) => {
            return Err(Refusal {
                code: UserErrorCode::Malformed,
                detail: Some(e.to_string()),
            });
        }
    };
    let report = match attached {
        Some(content) if content == payload => verifier.verify(cms.as_bytes(), None, &options),
        Some(content) if content == payload_text.as_bytes() => {
            return Err(Refusal::new(UserErrorCode::PayloadTextSigned));
        }
        Some(_) => return Err(Refusal::new(UserErrorCode::ContentMismatch)),
        None => {
            let report = verifier.verify(cms.as_bytes(), Some(payload), &options);
            if report.code == signatures::Code::DigestMismatch {
                let over_text =
                    verifier.verify(cms.as_bytes(), Some(payload_text.as_bytes()), &options);
                if over_text.code != signatures::Code::DigestMismatch {
                    return Err(Refusal::new(UserErrorCode::PayloadTextSigned));
                }
                return Err(Refusal::new(UserErrorCode::ContentMismatch));
            }
            report
        }
    };
    if report.signers.len() != 1 {
        return Err(Refusal::new(UserErrorCode::SignerCount));
    }
    if !report.valid {
        return Err(refuse_verdict(&report));
    }
    Ok(report)
}

/// Revokes the session of `token_session_id`.
pub async fn logout(db: &DatabaseConnection, session_id: Uuid) -> Result<bool, ServiceError> {
    let result = session::Entity::update_many()
        .col_expr(
            session::Column::RevokedAt,
            Expr::value(OffsetDateTime::now_utc()),
        )
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
