//! The signing contract in GraphQL: `SigningRequest` (what to sign, for any subject),
//! `prepareSigning` and `submitApplication`.

use super::application::field_path;
use super::application::{Application, ApplicationPayload, KIND as APPLICATION};
use super::context::{request, service, signed_in, state};
use super::enums::{KeyPurpose, SigningMethod};
use super::errors::{UserError, UserErrorCode, internal, sign_error};
use super::ids;
use super::otp::well_formed_code;
use super::person::Node;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use entities::enums::SigningSubjectKind;
use entities::signing_request;
use registration_core::policy::Operation;
use registration_core::service::signing;
use registration_core::service::submission::{self, PrepareError};
use registration_core::service::{applications, consents};
use time::OffsetDateTime;

/// The kind name inside a signing request's global ID.
pub const KIND: &str = "SigningRequest";

/// What the signing key must be: pass these to NCALayer's `signerParams`.
#[derive(SimpleObject, Debug)]
pub struct KeyRequirements {
    /// The key's purpose.
    pub purpose: KeyPurpose,
    /// Extended key usage OIDs the key must have (NCALayer's `extKeyUsageOids`).
    pub extended_key_usage_oids: Vec<String>,
    /// The IIN the certificate must name (NCALayer's `iin`), when one person must sign.
    pub iin: Option<String>,
    /// The BIN the certificate must name (NCALayer's `bin`), when an organisation's key must sign.
    pub bin: Option<String>,
    /// Role OIDs of which the key must hold one (empty: any role).
    pub role_oids: Vec<String>,
}

/// A request to sign one version of a subject (an application today): the exact bytes, the
/// text to show beside them, and what the key must be.
#[derive(Debug, Clone)]
pub struct SigningRequest(pub signing_request::Model);

/// A request to sign one version of a subject.
#[Object]
impl SigningRequest {
    /// The global ID, to pass to the signing mutation (`submitApplication`).
    pub async fn id(&self) -> ID {
        ids::encode(KIND, self.0.id)
    }

    /// What is signed (an `Application`, a `Consent`, an `Appeal` or a `Complaint`); null when
    /// the caller may no longer see it.
    async fn subject(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Node>> {
        let viewer = signed_in(ctx, Operation::Node)?;
        let locale = request(ctx)?.locale;
        match self.0.subject_kind {
            SigningSubjectKind::Application => {
                let found = applications::find(service(ctx)?, viewer, self.0.subject_id)
                    .await
                    .map_err(|e| internal(e, locale))?;
                Ok(found.map(|a| Node::Application(Application(a))))
            }
            SigningSubjectKind::Consent => {
                let found = consents::find(service(ctx)?, viewer, self.0.subject_id)
                    .await
                    .map_err(|e| internal(e, locale))?;
                Ok(found.map(|c| Node::Consent(super::consent::Consent(c))))
            }
            // A decision is about its application.
            SigningSubjectKind::Decision => {
                let found = applications::find(service(ctx)?, viewer, self.0.subject_id)
                    .await
                    .map_err(|e| internal(e, locale))?;
                Ok(found.map(|a| Node::Application(Application(a))))
            }
            // A body's act is about its appeal or complaint.
            SigningSubjectKind::Appeal | SigningSubjectKind::AppealAct => {
                use registration_core::service::appeals::{self, Procedure};
                let found = appeals::find(service(ctx)?, viewer, self.0.subject_id)
                    .await
                    .map_err(|e| internal(e, locale))?;
                Ok(found.map(|a| match Procedure::of(&a) {
                    Procedure::Appeal => Node::Appeal(super::appeal::Appeal(a)),
                    Procedure::Complaint => Node::Complaint(super::complaint::Complaint(a)),
                }))
            }
        }
    }

    /// How it may be signed.
    async fn allowed_methods(&self) -> Vec<SigningMethod> {
        signing::allowed_methods(&self.0)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// Standard base64 (no line breaks) of the canonical JSON bytes (RFC 8785) to sign. Sign
    /// the decoded bytes (NCALayer's `decode: true`), attached or detached.
    async fn payload(&self) -> String {
        STANDARD.encode(&self.0.payload)
    }

    /// The same content in Kazakh and Russian, to show beside the signing button: NCALayer
    /// shows the signer nothing.
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// SHA-256 of the payload bytes, lowercase hex.
    async fn digest(&self) -> &str {
        &self.0.digest
    }

    /// When the request stops being accepted.
    async fn expires_at(&self) -> OffsetDateTime {
        self.0.expires_at
    }

    /// What the signing key must be.
    async fn key_requirements(&self) -> KeyRequirements {
        let requirements = signing::requirements(&self.0);
        KeyRequirements {
            purpose: requirements.purpose.into(),
            extended_key_usage_oids: requirements.extended_key_usage_oids,
            iin: requirements.iin,
            bin: requirements.bin,
            role_oids: requirements.role_oids,
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
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Result of `prepareSigning`.
#[derive(SimpleObject, Debug)]
pub struct PrepareSigningPayload {
    /// What to sign.
    pub signing_request: Option<SigningRequest>,
    /// Why signing cannot be prepared.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

/// The signature: a CMS from NCALayer, or a one-time password sent by SMS. Exactly one.
#[derive(InputObject, Debug)]
pub struct SignatureInput {
    /// The CMS: bare base64 or PEM, attached or detached over the payload.
    pub cms: Option<String>,
    /// The 6-digit code that `requestOtp` with `SIGN` sent for this signing request, when its
    /// `allowedMethods` include `OTP`.
    pub otp: Option<String>,
}

/// Input of `submitApplication`.
#[derive(InputObject, Debug)]
pub struct SubmitApplicationInput {
    /// The signing request's global ID.
    pub signing_request_id: ID,
    /// The signature over its payload.
    pub signature: SignatureInput,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
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
        let viewer = signed_in(ctx, Operation::PrepareSigning)?;
        let locale = request(ctx)?.locale;
        let client_mutation_id = input.client_mutation_id.clone();
        let refused = |code, field: &[&str], detail: Option<&str>| PrepareSigningPayload {
            signing_request: None,
            user_errors: vec![UserError::new(code, field, locale, detail)],
            client_mutation_id: client_mutation_id.clone(),
        };
        const APPLICATION_ID: &[&str] = &["input", "applicationId"];
        let Some(id) = ids::decode_kind(&input.application_id, APPLICATION) else {
            return Ok(refused(UserErrorCode::NotFound, APPLICATION_ID, None));
        };
        Ok(
            match submission::prepare(service(ctx)?, viewer, id, input.version).await {
                Ok(request) => PrepareSigningPayload {
                    signing_request: Some(SigningRequest(request)),
                    user_errors: Vec::new(),
                    client_mutation_id,
                },
                Err(PrepareError::NotFound) => {
                    refused(UserErrorCode::NotFound, APPLICATION_ID, None)
                }
                Err(PrepareError::NotAllowed) => {
                    refused(UserErrorCode::NotAllowed, APPLICATION_ID, None)
                }
                Err(PrepareError::NotEditable) => {
                    refused(UserErrorCode::NotEditable, APPLICATION_ID, None)
                }
                Err(PrepareError::Conflict) => {
                    refused(UserErrorCode::Conflict, &["input", "version"], None)
                }
                Err(PrepareError::RequirementsMissing(missing)) => {
                    let codes: Vec<_> = missing.iter().map(|m| m.code).collect();
                    let field = missing.first().map_or(&[][..], |m| field_path(m.field));
                    refused(
                        UserErrorCode::RequirementsMissing,
                        field,
                        Some(&format!("{codes:?}")),
                    )
                }
                Err(PrepareError::Internal(error)) => return Err(internal(error, locale)),
            },
        )
    }

    /// Submits an application with the signature over its signing request's payload. It moves
    /// to `SUBMITTED`, or at once to `REFUSED` when the personal-data consent was refused.
    async fn submit_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signing request and its signature.")] input: SubmitApplicationInput,
    ) -> async_graphql::Result<ApplicationPayload> {
        let echo = input.client_mutation_id.clone();
        Ok(submit(ctx, input).await?.echoing(echo))
    }
}

async fn submit(
    ctx: &Context<'_>,
    input: SubmitApplicationInput,
) -> async_graphql::Result<ApplicationPayload> {
    let viewer = signed_in(ctx, Operation::SubmitApplication)?;
    let locale = request(ctx)?.locale;
    let refused = |code, field: &[&str], detail: Option<&str>| {
        ApplicationPayload::refused(vec![UserError::new(code, field, locale, detail)])
    };
    let Some(id) = ids::decode_kind(&input.signing_request_id, KIND) else {
        return Ok(refused(
            UserErrorCode::NotFound,
            &["input", "signingRequestId"],
            None,
        ));
    };
    let outcome = match (input.signature.cms, input.signature.otp) {
        (Some(cms), None) => {
            if cms.trim().is_empty() || cms.len() > MAX_CMS_LEN {
                return Ok(refused(
                    UserErrorCode::BadUserInput,
                    &["input", "signature", "cms"],
                    None,
                ));
            }
            submission::submit(service(ctx)?, viewer, id, &cms).await
        }
        (None, Some(code)) => {
            let Some(code) = well_formed_code(&code) else {
                return Ok(refused(
                    UserErrorCode::BadUserInput,
                    &["input", "signature", "otp"],
                    None,
                ));
            };
            submission::submit_with_otp(service(ctx)?, &state(ctx)?.otp, viewer, id, code).await
        }
        _ => {
            return Ok(refused(
                UserErrorCode::SignatureMissing,
                &["input", "signature"],
                None,
            ));
        }
    };
    match outcome {
        Ok(app) => {
            tracing::info!(
                number = %app.number,
                status = ?app.status,
                "application submitted"
            );
            Ok(ApplicationPayload::done(app))
        }
        Err(error) => {
            let user_error = sign_error(error, locale)?;
            tracing::info!(code = ?user_error.code, "submission refused");
            Ok(ApplicationPayload::refused(vec![user_error]))
        }
    }
}
