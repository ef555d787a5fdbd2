//! `prepareSigning` and `submitApplication`: what to sign, and the signature that submits.

use super::application::{Application, KIND as APPLICATION};
use super::context::{request, signed_in, state};
use super::errors::{UserError, UserErrorCode, internal};
use super::ids;
use crate::service::submission;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use time::OffsetDateTime;

/// The kind name inside a signing request's global ID.
pub const KIND: &str = "SigningRequest";

/// What a key is for, as NCALayer's key types name it.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPurpose {
    /// A signing key (NCALayer's `SIGNATURE`).
    Sign,
    /// An authentication key (NCALayer's `AUTHENTICATION`).
    Auth,
}

/// What the signing key must be: pass these to NCALayer's `signerParams`.
#[derive(SimpleObject, Debug)]
pub struct KeyRequirements {
    /// The key's purpose.
    pub purpose: KeyPurpose,
    /// Extended key usage OIDs the key must have (NCALayer's `extKeyUsageOids`).
    pub extended_key_usage_oids: Vec<String>,
    /// The IIN the certificate must name (NCALayer's `iin`).
    pub iin: String,
}

/// A request to sign one version of an application.
#[derive(SimpleObject, Debug)]
pub struct SigningRequest {
    /// The global ID, to pass to `submitApplication`.
    #[graphql(owned)]
    pub id: ID,
    /// Standard base64 (no line breaks) of the canonical JSON bytes (RFC 8785) to sign. Sign
    /// the decoded bytes (NCALayer's `decode: true`), attached or detached.
    pub payload: String,
    /// The same content in Kazakh and Russian, to show beside the signing button: NCALayer
    /// shows the signer nothing.
    pub text: String,
    /// SHA-256 of the payload bytes, lowercase hex.
    pub digest: String,
    /// When the request stops being accepted.
    pub expires_at: OffsetDateTime,
    /// What the signing key must be.
    pub key_requirements: KeyRequirements,
}

impl From<entities::signing_request::Model> for SigningRequest {
    fn from(request: entities::signing_request::Model) -> Self {
        SigningRequest {
            id: ids::encode(KIND, request.id),
            payload: STANDARD.encode(&request.payload),
            text: request.text,
            digest: request.digest,
            expires_at: request.expires_at,
            key_requirements: KeyRequirements {
                purpose: KeyPurpose::Sign,
                // id-kp-emailProtection: what NCA RK's signing keys carry.
                extended_key_usage_oids: vec!["1.3.6.1.5.5.7.3.4".to_owned()],
                iin: request.expected_iin,
            },
        }
    }
}

/// Input of `prepareSigning`.
#[derive(InputObject, Debug)]
pub struct PrepareSigningInput {
    /// The application's global ID.
    pub application_id: ID,
    /// The version to sign.
    pub version: i32,
}

/// Result of `prepareSigning`.
#[derive(SimpleObject, Debug)]
pub struct PrepareSigningPayload {
    /// What to sign.
    pub signing_request: Option<SigningRequest>,
    /// Why signing cannot be prepared.
    pub user_errors: Vec<UserError>,
}

/// The signature: a CMS from NCALayer, or (in a later version) a one-time password by SMS.
#[derive(InputObject, Debug)]
pub struct SignatureInput {
    /// The CMS: bare base64 or PEM, attached or detached over the payload.
    pub cms: Option<String>,
    /// A one-time password sent by SMS (not available yet).
    pub otp: Option<String>,
}

/// Input of `submitApplication`.
#[derive(InputObject, Debug)]
pub struct SubmitApplicationInput {
    /// The signing request's global ID.
    pub signing_request_id: ID,
    /// The signature over its payload.
    pub signature: SignatureInput,
}

/// Longest CMS accepted, in characters.
const MAX_CMS_LEN: usize = 1024 * 1024;

/// Signing mutations.
#[derive(Default, Debug)]
pub struct SigningMutation;

/// Signing mutations.
#[Object]
impl SigningMutation {
    /// Fixes the exact bytes of one version of a complete draft for the applicant to sign. A
    /// mutation, not a field, so that client caches never serve a stale payload.
    async fn prepare_signing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which application, at which version.")] input: PrepareSigningInput,
    ) -> async_graphql::Result<PrepareSigningPayload> {
        let viewer = signed_in(ctx)?;
        let locale = request(ctx)?.locale;
        let refused = |code, field: &[&str], detail: Option<&str>| PrepareSigningPayload {
            signing_request: None,
            user_errors: vec![UserError::new(code, field, locale, detail)],
        };
        let Some(id) = ids::decode_kind(&input.application_id, APPLICATION) else {
            return Ok(refused(
                UserErrorCode::NotFound,
                &["input", "applicationId"],
                None,
            ));
        };
        let outcome = submission::prepare(&state(ctx)?.db, viewer, id, input.version)
            .await
            .map_err(|e| internal(e, locale))?;
        Ok(match outcome {
            Ok(prepared) => PrepareSigningPayload {
                signing_request: Some(SigningRequest::from(prepared.request)),
                user_errors: Vec::new(),
            },
            Err(refusal) => refused(refusal.code, refusal.field, refusal.detail.as_deref()),
        })
    }

    /// Submits an application with the signature over its signing request's payload. It moves
    /// to `SUBMITTED`, or at once to `REFUSED` when the personal-data consent was refused.
    async fn submit_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signing request and its signature.")] input: SubmitApplicationInput,
    ) -> async_graphql::Result<super::application::ApplicationPayload> {
        let viewer = signed_in(ctx)?;
        let locale = request(ctx)?.locale;
        let refused =
            |code, field: &[&str], detail: Option<&str>| super::application::ApplicationPayload {
                application: None,
                user_errors: vec![UserError::new(code, field, locale, detail)],
            };
        let Some(id) = ids::decode_kind(&input.signing_request_id, KIND) else {
            return Ok(refused(
                UserErrorCode::NotFound,
                &["input", "signingRequestId"],
                None,
            ));
        };
        let cms = match (input.signature.cms, input.signature.otp) {
            (Some(cms), None) => cms,
            (None, Some(_)) => {
                return Ok(refused(
                    UserErrorCode::OtpNotAvailable,
                    &["input", "signature", "otp"],
                    None,
                ));
            }
            _ => {
                return Ok(refused(
                    UserErrorCode::SignatureMissing,
                    &["input", "signature"],
                    None,
                ));
            }
        };
        if cms.trim().is_empty() || cms.len() > MAX_CMS_LEN {
            return Ok(refused(
                UserErrorCode::BadUserInput,
                &["input", "signature", "cms"],
                None,
            ));
        }
        let state = state(ctx)?;
        let outcome = submission::submit(&state.db, &state.trust, viewer, id, &cms)
            .await
            .map_err(|e| internal(e, locale))?;
        Ok(match outcome {
            Ok(app) => {
                tracing::info!(number = %app.number, status = %app.status, "application submitted");
                super::application::ApplicationPayload {
                    application: Some(Application(app)),
                    user_errors: Vec::new(),
                }
            }
            Err(refusal) => {
                tracing::info!(code = ?refusal.code, "submission refused");
                refused(refusal.code, refusal.field, refusal.detail.as_deref())
            }
        })
    }
}
