//! Sign-in mutations: `createAuthChallenge`, `loginWithSignature`, `logout`.

use super::context::{request, service, signed_in};
use super::enums::AuthMethod;
use super::errors::{
    ApiErrorCode, UserError, UserErrorCode, api_error, internal, signature_refusal,
};
use super::ids;
use super::person::Person;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use registration_core::policy::Operation;
use registration_core::service::sign_in::{self, SignInError, SignInRequest};
use time::OffsetDateTime;

/// The kind name inside a challenge's global ID.
const CHALLENGE: &str = "AuthChallenge";

/// Input of `createAuthChallenge`.
#[derive(InputObject, Debug, Default)]
pub struct CreateAuthChallengeInput {
    /// Echoed back in the payload, for clients that track their mutations (Relay).
    pub client_mutation_id: Option<String>,
}

/// A sign-in challenge: sign the decoded `payload` bytes with an authentication key.
#[derive(SimpleObject, Debug)]
pub struct AuthChallenge {
    /// The challenge's global ID, to pass to `loginWithSignature`.
    pub id: ID,
    /// Standard base64 of the canonical JSON bytes (RFC 8785) to sign: NCALayer must sign the
    /// decoded bytes (`decode: true`), not this text.
    pub payload: String,
    /// The same content in Kazakh and Russian, to show beside the signing button.
    pub text: String,
    /// When the challenge stops being accepted.
    pub expires_at: OffsetDateTime,
}

/// Result of `createAuthChallenge`.
#[derive(SimpleObject, Debug)]
pub struct CreateAuthChallengePayload {
    /// The new challenge.
    pub challenge: Option<AuthChallenge>,
    /// Expected failures (none for this mutation today).
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

/// Input of `loginWithSignature`.
#[derive(InputObject, Debug)]
pub struct LoginWithSignatureInput {
    /// The challenge's global ID.
    pub challenge_id: ID,
    /// The CMS from NCALayer: bare base64 or PEM (`-----BEGIN CMS-----`), attached or detached.
    pub cms: String,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Result of `loginWithSignature`.
#[derive(SimpleObject, Debug)]
pub struct LoginWithSignaturePayload {
    /// The bearer token for `Authorization: Bearer …` (null on failure).
    pub token: Option<String>,
    /// When the token expires.
    pub expires_at: Option<OffsetDateTime>,
    /// The signed-in person.
    pub person: Option<Person>,
    /// `EDS`.
    pub auth_method: Option<AuthMethod>,
    /// Why sign-in was refused.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

/// Input of `logout`.
#[derive(InputObject, Debug, Default)]
pub struct LogoutInput {
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Result of `logout`.
#[derive(SimpleObject, Debug)]
pub struct LogoutPayload {
    /// Whether a live session was revoked.
    pub revoked: bool,
    /// Expected failures (none for this mutation today).
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

/// Longest CMS accepted, in characters: a sign-in CMS with a full chain is a few kilobytes.
const MAX_CMS_LEN: usize = 256 * 1024;

/// Sign-in mutations.
#[derive(Default, Debug)]
pub struct AuthMutation;

/// Sign-in mutations.
#[Object]
impl AuthMutation {
    /// Starts a sign-in: returns a single-use challenge to sign with an authentication key.
    async fn create_auth_challenge(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Options of the challenge.")] input: Option<CreateAuthChallengeInput>,
    ) -> async_graphql::Result<CreateAuthChallengePayload> {
        let request = request(ctx)?;
        let client_mutation_id = input.and_then(|i| i.client_mutation_id);
        // A challenge is bound to the origin it was made for: a page of another site could
        // otherwise have a citizen sign our challenge and relay it.
        if !request.origin.is_empty() && !request.origin_accepted {
            return Ok(CreateAuthChallengePayload {
                challenge: None,
                user_errors: vec![UserError::new(
                    UserErrorCode::OriginNotAllowed,
                    &[],
                    request.locale,
                    None,
                )],
                client_mutation_id,
            });
        }
        let (id, challenge) = sign_in::create_challenge(service(ctx)?, &request.origin)
            .await
            .map_err(|e| internal(e, request.locale))?;
        Ok(CreateAuthChallengePayload {
            challenge: Some(AuthChallenge {
                id: ids::encode(CHALLENGE, id),
                payload: STANDARD.encode(challenge.canonical_bytes()),
                text: challenge.text(),
                expires_at: challenge.expires_at,
            }),
            user_errors: Vec::new(),
            client_mutation_id,
        })
    }

    /// Signs in with a CMS over a challenge's payload, made with an authentication key
    /// (NCALayer's AUTHENTICATION key type): a citizen with an individual's key, an officer
    /// with a legal entity's key of a listed body.
    async fn login_with_signature(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The challenge and its signature.")] input: LoginWithSignatureInput,
    ) -> async_graphql::Result<LoginWithSignaturePayload> {
        let request = request(ctx)?;
        let locale = request.locale;
        let refused = |code, field: &[&str], detail: Option<&str>| LoginWithSignaturePayload {
            token: None,
            expires_at: None,
            person: None,
            auth_method: None,
            user_errors: vec![UserError::new(code, field, locale, detail)],
            client_mutation_id: input.client_mutation_id.clone(),
        };
        let Some(challenge_id) = ids::decode_kind(&input.challenge_id, CHALLENGE) else {
            return Ok(refused(
                UserErrorCode::ChallengeUnknown,
                &["input", "challengeId"],
                None,
            ));
        };
        if input.cms.trim().is_empty() || input.cms.len() > MAX_CMS_LEN {
            return Ok(refused(
                UserErrorCode::BadUserInput,
                &["input", "cms"],
                None,
            ));
        }
        let outcome = sign_in::login(
            service(ctx)?,
            SignInRequest {
                challenge_id,
                cms: &input.cms,
                origin: &request.origin,
            },
        )
        .await;
        const CHALLENGE_ID: &[&str] = &["input", "challengeId"];
        const CMS: &[&str] = &["input", "cms"];
        let (code, field, detail) = match outcome {
            Ok(signed_in) => {
                tracing::info!(legal_entity = signed_in.acting_for.is_some(), "signed in");
                return Ok(LoginWithSignaturePayload {
                    token: Some(signed_in.token),
                    expires_at: Some(signed_in.expires_at),
                    person: Some(Person(signed_in.person)),
                    auth_method: Some(signed_in.auth_method.into()),
                    user_errors: Vec::new(),
                    client_mutation_id: input.client_mutation_id.clone(),
                });
            }
            Err(SignInError::ChallengeUnknown) => {
                (UserErrorCode::ChallengeUnknown, CHALLENGE_ID, None)
            }
            Err(SignInError::ChallengeExpired) => {
                (UserErrorCode::ChallengeExpired, CHALLENGE_ID, None)
            }
            Err(SignInError::ChallengeUsed) => (UserErrorCode::ChallengeUsed, CHALLENGE_ID, None),
            Err(SignInError::OriginMismatch) => (UserErrorCode::OriginMismatch, CHALLENGE_ID, None),
            Err(SignInError::Signature(refusal)) => {
                let (code, detail) = signature_refusal(&refusal);
                (code, CMS, detail)
            }
            Err(SignInError::NoIin) => (UserErrorCode::NoIin, CMS, None),
            Err(SignInError::NotAnOfficer) => (UserErrorCode::NotAnOfficer, CMS, None),
            Err(SignInError::Busy) => {
                return Err(api_error(ApiErrorCode::ServiceUnavailable, locale));
            }
            Err(SignInError::Internal(error)) => return Err(internal(error, locale)),
        };
        tracing::info!(code = ?code, "sign-in refused");
        Ok(refused(code, field, detail.as_deref()))
    }

    /// Ends the current session: its token stops working at once.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Nothing but the client's mutation id.")] input: Option<LogoutInput>,
    ) -> async_graphql::Result<LogoutPayload> {
        let viewer = signed_in(ctx, Operation::Logout)?;
        let locale = request(ctx)?.locale;
        let revoked = sign_in::logout(service(ctx)?, viewer.session_id)
            .await
            .map_err(|e| internal(e, locale))?;
        Ok(LogoutPayload {
            revoked,
            user_errors: Vec::new(),
            client_mutation_id: input.and_then(|i| i.client_mutation_id),
        })
    }
}
