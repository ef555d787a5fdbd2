//! One-time passwords by SMS in GraphQL: `requestOtp` (to sign in, or to sign one signing
//! request), `loginWithOtp`, and the public keys of the seal over OTP signatures.

use super::context::{request, service, state};
use super::enums::{AuthMethod, OtpPurpose};
use super::errors::{ApiErrorCode, UserError, UserErrorCode, api_error, internal, otp_error};
use super::ids;
use super::person::Person;
use super::signing::KIND as SIGNING_REQUEST;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use registration_core::auth::viewer::Principal;
use registration_core::domain::Iin;
use registration_core::service::otp::{self, OtpPurpose as Purpose};
use registration_core::service::sign_in::{self, OtpSignInError};
use time::OffsetDateTime;

/// The kind name inside a one-time-password challenge's global ID.
const CHALLENGE: &str = "OtpChallenge";

/// Input of `requestOtp`.
#[derive(InputObject, Debug)]
pub struct RequestOtpInput {
    /// What the code is for.
    pub purpose: OtpPurpose,
    /// For `LOGIN`: the IIN of the person signing in.
    pub iin: Option<String>,
    /// For `SIGN`: the signing request's global ID (from `prepareSigning`).
    pub signing_request_id: Option<ID>,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// A code was sent: enter it before `expiresAt`; another may be asked for after `resendAfter`.
#[derive(SimpleObject, Debug)]
pub struct OtpChallenge {
    /// The challenge's global ID, to pass to `loginWithOtp` (signing needs only the code).
    pub id: ID,
    /// What the code is for.
    pub purpose: OtpPurpose,
    /// When the code stops being accepted.
    pub expires_at: OffsetDateTime,
    /// When another code may be asked for.
    pub resend_after: OffsetDateTime,
    /// The phone the code went to, as `+7 7** *** 12 34`: for `SIGN` only (a sign-in answer
    /// never says whether an IIN has a phone).
    pub masked_phone: Option<String>,
}

/// Result of `requestOtp`.
#[derive(SimpleObject, Debug)]
pub struct RequestOtpPayload {
    /// The challenge (for `LOGIN`, also when the IIN has no confirmed phone: no code is sent
    /// then, and none can be entered).
    pub otp_challenge: Option<OtpChallenge>,
    /// Why no code was sent.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

/// Input of `loginWithOtp`.
#[derive(InputObject, Debug)]
pub struct LoginWithOtpInput {
    /// The challenge's global ID, from `requestOtp` with `LOGIN`.
    pub otp_challenge_id: ID,
    /// The 6-digit code from the SMS.
    pub code: String,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Result of `loginWithOtp`: the same session as `loginWithSignature`.
#[derive(SimpleObject, Debug)]
pub struct LoginWithOtpPayload {
    /// The bearer token for `Authorization: Bearer …` (null on failure).
    pub token: Option<String>,
    /// When the token expires.
    pub expires_at: Option<OffsetDateTime>,
    /// The signed-in person.
    pub person: Option<Person>,
    /// `OTP`: such a session never acts for a body (officers sign in with EDS).
    pub auth_method: Option<AuthMethod>,
    /// Why sign-in was refused.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

/// A public key of the service's seal: an Ed25519 key (RFC 8032) that seals the evidence of
/// every signature made with a one-time password.
#[derive(SimpleObject, Debug)]
pub struct SealKey {
    /// The id a seal names (`keyId`): the first 16 hex digits of the key's SHA-256.
    pub id: String,
    /// `Ed25519`.
    pub algorithm: String,
    /// The raw 32-byte public key, standard base64.
    pub public_key: String,
    /// The key as PEM (`-----BEGIN PUBLIC KEY-----`), for `openssl pkeyutl -verify -rawin`.
    pub public_key_pem: String,
    /// A retired key seals nothing new; its seals stay valid.
    pub retired: bool,
}

/// Sign-in and signing codes.
#[derive(Default, Debug)]
pub struct OtpMutation;

/// A code as typed: six digits, spaces around ignored.
pub(crate) fn well_formed_code(code: &str) -> Option<&str> {
    let code = code.trim();
    (code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

/// Sign-in and signing codes.
#[Object]
impl OtpMutation {
    /// Sends a one-time password by SMS to the phone in the person's profile that the
    /// citizens' mobile database confirms: `LOGIN` with an IIN (anyone; the answer is the
    /// same whether or not the IIN has such a phone), or `SIGN` with a signing request (the
    /// signed-in signer it names; the code signs exactly that request's payload).
    async fn request_otp(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the code is for, and for whom.")] input: RequestOtpInput,
    ) -> async_graphql::Result<RequestOtpPayload> {
        let request = request(ctx)?;
        let locale = request.locale;
        let client_mutation_id = input.client_mutation_id.clone();
        let refused = |error: UserError| RequestOtpPayload {
            otp_challenge: None,
            user_errors: vec![error],
            client_mutation_id: client_mutation_id.clone(),
        };
        const IIN: &[&str] = &["input", "iin"];
        const REQUEST: &[&str] = &["input", "signingRequestId"];
        let bad = |field: &[&str]| UserError::new(UserErrorCode::BadUserInput, field, locale, None);
        let service = service(ctx)?;
        let runtime = &state(ctx)?.otp;
        let outcome = match input.purpose {
            OtpPurpose::Login => {
                // A code is bound to the origin it was asked from, like an EDS challenge.
                if !request.origin.is_empty() && !request.origin_accepted {
                    return Ok(refused(UserError::new(
                        UserErrorCode::OriginNotAllowed,
                        &[],
                        locale,
                        None,
                    )));
                }
                if input.signing_request_id.is_some() {
                    return Ok(refused(bad(REQUEST)));
                }
                let Some(iin) = input.iin.as_deref().and_then(|i| Iin::parse(i.trim()).ok()) else {
                    return Ok(refused(bad(IIN)));
                };
                otp::request_login(service, runtime, &iin, &request.origin).await
            }
            OtpPurpose::Sign => {
                let Principal::Person(viewer) = &request.principal else {
                    return Err(api_error(ApiErrorCode::Unauthenticated, locale));
                };
                let Some(id) = input
                    .signing_request_id
                    .as_ref()
                    .and_then(|id| ids::decode_kind(id, SIGNING_REQUEST))
                else {
                    return Ok(refused(bad(REQUEST)));
                };
                if input
                    .iin
                    .as_deref()
                    .is_some_and(|iin| iin.trim() != viewer.iin)
                {
                    return Ok(refused(UserError::new(
                        UserErrorCode::SignerMismatch,
                        IIN,
                        locale,
                        None,
                    )));
                }
                // An IIN that fails the checksum (NCA RK's test certificates have them) has no
                // phone in the mobile database.
                let Ok(signer) = Iin::parse(&viewer.iin) else {
                    return Ok(refused(UserError::new(
                        UserErrorCode::PhoneNotRegistered,
                        REQUEST,
                        locale,
                        None,
                    )));
                };
                otp::request_sign(service, runtime, &signer, id).await
            }
        };
        let field = match input.purpose {
            OtpPurpose::Login => IIN,
            OtpPurpose::Sign => REQUEST,
        };
        match outcome {
            Ok(challenge) => {
                tracing::info!(purpose = ?challenge.purpose, "one-time password requested");
                Ok(RequestOtpPayload {
                    otp_challenge: Some(OtpChallenge {
                        id: ids::encode(CHALLENGE, challenge.id),
                        purpose: match challenge.purpose {
                            Purpose::Login => OtpPurpose::Login,
                            Purpose::Sign => OtpPurpose::Sign,
                        },
                        expires_at: challenge.expires_at,
                        resend_after: challenge.resend_after,
                        masked_phone: challenge.masked_phone,
                    }),
                    user_errors: Vec::new(),
                    client_mutation_id,
                })
            }
            Err(error) => {
                let user_error = otp_error(error, field, locale)?;
                tracing::info!(code = ?user_error.code, "one-time password refused");
                Ok(refused(user_error))
            }
        }
    }

    /// Signs a citizen in with the code of a `LOGIN` challenge: the same session as
    /// `loginWithSignature`, from the same origin as the request, marked `OTP`. Officers and
    /// legal entities sign in with EDS only.
    async fn login_with_otp(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The challenge and the code from the SMS.")] input: LoginWithOtpInput,
    ) -> async_graphql::Result<LoginWithOtpPayload> {
        let request = request(ctx)?;
        let locale = request.locale;
        let client_mutation_id = input.client_mutation_id.clone();
        let refused = |error: UserError| LoginWithOtpPayload {
            token: None,
            expires_at: None,
            person: None,
            auth_method: None,
            user_errors: vec![error],
            client_mutation_id: client_mutation_id.clone(),
        };
        const CHALLENGE_ID: &[&str] = &["input", "otpChallengeId"];
        const CODE: &[&str] = &["input", "code"];
        let Some(challenge_id) = ids::decode_kind(&input.otp_challenge_id, CHALLENGE) else {
            return Ok(refused(UserError::new(
                UserErrorCode::OtpExpired,
                CHALLENGE_ID,
                locale,
                None,
            )));
        };
        let Some(code) = well_formed_code(&input.code) else {
            return Ok(refused(UserError::new(
                UserErrorCode::BadUserInput,
                CODE,
                locale,
                None,
            )));
        };
        let outcome = sign_in::login_with_otp(
            service(ctx)?,
            &state(ctx)?.otp,
            challenge_id,
            code,
            &request.origin,
        )
        .await;
        match outcome {
            Ok(signed_in) => {
                tracing::info!("signed in by one-time password");
                Ok(LoginWithOtpPayload {
                    token: Some(signed_in.token),
                    expires_at: Some(signed_in.expires_at),
                    person: Some(Person(signed_in.person)),
                    auth_method: Some(signed_in.auth_method.into()),
                    user_errors: Vec::new(),
                    client_mutation_id,
                })
            }
            Err(OtpSignInError::Otp(error)) => {
                let user_error = otp_error(error, CODE, locale)?;
                tracing::info!(code = ?user_error.code, "sign-in by one-time password refused");
                Ok(refused(user_error))
            }
            Err(OtpSignInError::OriginMismatch) => Ok(refused(UserError::new(
                UserErrorCode::OriginMismatch,
                CHALLENGE_ID,
                locale,
                None,
            ))),
            Err(OtpSignInError::Internal(error)) => Err(internal(error, locale)),
        }
    }
}

/// The seal's public keys.
#[derive(Default, Debug)]
pub struct SealQuery;

/// The seal's public keys.
#[Object]
impl SealQuery {
    /// Every key the service has sealed one-time-password signatures with: the current one
    /// first, then the retired ones. Public: anyone may re-check a seal.
    async fn seal_keys(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SealKey>> {
        Ok(state(ctx)?
            .otp
            .seal
            .keys()
            .iter()
            .map(|key| SealKey {
                id: key.id.clone(),
                algorithm: registration_core::seal::ALGORITHM.to_owned(),
                public_key: base64::Engine::encode(
                    &base64::engine::general_purpose::STANDARD,
                    key.public_key,
                ),
                public_key_pem: key.pem(),
                retired: key.retired,
            })
            .collect())
    }
}
