//! Errors, by layer:
//! - expected failures of a mutation (bad input, conflicts, signature rejections, business
//!   rules) are [`UserError`]s in its payload, with a [`UserErrorCode`];
//! - authentication, authorisation, limits and bugs are top-level GraphQL errors with an
//!   `extensions.code` from [`ApiErrorCode`]; bugs are logged with the request id and reported
//!   without internals.

use super::locale::Locale;
use super::sentences::Sentence;
use async_graphql::{Enum, ErrorExtensions, SimpleObject};
use registration_core::service::InternalError;
use registration_core::service::otp::OtpError;
use registration_core::service::signing::{SignError, SignatureRefusal};

/// Codes of top-level errors (`extensions.code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiErrorCode {
    /// A malformed request, document or argument: GraphQL's own parse and validation errors,
    /// input values that do not coerce, a bad page size or cursor.
    BadUserInput,
    /// No valid session or API key.
    Unauthenticated,
    /// Signed in, but not allowed to do this.
    Forbidden,
    /// Too many requests of this kind: `extensions.retryAfterSeconds` says when to try again.
    RateLimited,
    /// A limit of one request was exceeded (`extensions.limit` says which).
    LimitExceeded,
    /// The service is saturated (signature verification): HTTP 503 with `Retry-After`.
    ServiceUnavailable,
    /// A bug or an unavailable dependency; details are in the server log under the request id.
    Internal,
    /// The event feed's cursor is older than its retention (`EVENT_RETENTION_DAYS`).
    CursorExpired,
}

impl ApiErrorCode {
    /// Every code, for the catalogue in docs/frontend.md.
    pub const ALL: [ApiErrorCode; 8] = [
        ApiErrorCode::BadUserInput,
        ApiErrorCode::Unauthenticated,
        ApiErrorCode::Forbidden,
        ApiErrorCode::RateLimited,
        ApiErrorCode::LimitExceeded,
        ApiErrorCode::ServiceUnavailable,
        ApiErrorCode::Internal,
        ApiErrorCode::CursorExpired,
    ];

    /// What the code means, for the catalogue.
    pub fn meaning(self) -> &'static str {
        match self {
            ApiErrorCode::BadUserInput => {
                "A malformed request, document or argument: GraphQL's own parse and validation \
                 errors, values that do not coerce, a bad page size or cursor. Fix the request."
            }
            ApiErrorCode::Unauthenticated => {
                "No valid session token or API key: sign in again (`Authorization: Bearer …`)."
            }
            ApiErrorCode::Forbidden => "Signed in, but this role may not do this.",
            ApiErrorCode::RateLimited => {
                "Too many requests of this kind: `extensions.retryAfterSeconds` says when to try \
                 again."
            }
            ApiErrorCode::LimitExceeded => {
                "A limit of one request was exceeded: `extensions.limit` names it (see the README's \
                 HTTP section)."
            }
            ApiErrorCode::ServiceUnavailable => {
                "Signature verification is saturated: HTTP 503 with `Retry-After`; retry after it."
            }
            ApiErrorCode::Internal => {
                "A bug or an unavailable dependency; the server log has the details under the \
                 response's `X-Request-Id`."
            }
            ApiErrorCode::CursorExpired => {
                "The event feed's cursor is older than its retention (`EVENT_RETENTION_DAYS`): \
                 start again without `after` and reconcile through the ordinary queries."
            }
        }
    }

    /// The code as `extensions.code` carries it.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiErrorCode::BadUserInput => "BAD_USER_INPUT",
            ApiErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ApiErrorCode::Forbidden => "FORBIDDEN",
            ApiErrorCode::RateLimited => "RATE_LIMITED",
            ApiErrorCode::LimitExceeded => "LIMIT_EXCEEDED",
            ApiErrorCode::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            ApiErrorCode::Internal => "INTERNAL_SERVER_ERROR",
            ApiErrorCode::CursorExpired => "CURSOR_EXPIRED",
        }
    }
}

/// A top-level error with its code.
pub fn api_error(code: ApiErrorCode, locale: Locale) -> async_graphql::Error {
    let message = match code {
        ApiErrorCode::BadUserInput => UserErrorCode::BadUserInput.message(locale),
        ApiErrorCode::Unauthenticated => locale.pick(
            "Жүйеге кіру қажет.",
            "Требуется вход в систему.",
            "Sign-in required.",
        ),
        ApiErrorCode::Forbidden => locale.pick(
            "Бұл әрекетке рұқсат жоқ.",
            "Нет прав на это действие.",
            "Not allowed.",
        ),
        ApiErrorCode::RateLimited => locale.pick(
            "Сұраулар тым көп. Кейінірек қайталаңыз.",
            "Слишком много запросов. Повторите позже.",
            "Too many requests. Try again later.",
        ),
        ApiErrorCode::LimitExceeded => locale.pick(
            "Сұрау шектеуден асып кетті.",
            "Запрос превышает ограничение.",
            "The request exceeds a limit.",
        ),
        ApiErrorCode::ServiceUnavailable => locale.pick(
            "Қызмет бос емес. Бір сәттен кейін қайталаңыз.",
            "Сервис перегружен. Повторите через мгновение.",
            "The service is busy. Try again in a moment.",
        ),
        ApiErrorCode::Internal => locale.pick(
            "Ішкі қате. Кейінірек қайталаңыз.",
            "Внутренняя ошибка. Повторите позже.",
            "Internal error. Try again later.",
        ),
        ApiErrorCode::CursorExpired => locale.pick(
            "Курсор сақтау мерзімінен ескі: басынан бастаңыз.",
            "Курсор старше срока хранения событий: начните сначала.",
            "The cursor is older than the feed's retention: start again.",
        ),
    };
    async_graphql::Error::new(message)
        .extend_with(|_, extensions| extensions.set("code", code.as_str()))
}

/// A top-level error for a bad argument of a query (queries have no payload for user errors):
/// `extensions.code` is `BAD_USER_INPUT`, like GraphQL's own validation errors; the message is
/// a sentence in the request's language.
pub fn bad_argument(message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message.into())
        .extend_with(|_, extensions| extensions.set("code", ApiErrorCode::BadUserInput.as_str()))
}

/// Gives GraphQL's own errors (parsing, validation, input coercion) an `extensions.code` like
/// every other top-level error: `BAD_USER_INPUT` (a malformed document or value), or
/// `LIMIT_EXCEEDED` for async-graphql's recursion limit, the one limit it raises itself (ours set
/// their code and `extensions.limit` where they arise, in `limits.rs` and the HTTP handler).
pub fn classify(errors: &mut [async_graphql::ServerError]) {
    for error in errors {
        let has_code = error
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some());
        if has_code {
            continue;
        }
        let code = if error.message.contains("recursion") {
            ApiErrorCode::LimitExceeded
        } else {
            ApiErrorCode::BadUserInput
        };
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code.as_str());
    }
}

/// Logs a bug or dependency failure with its whole cause chain and turns it into an
/// `INTERNAL_SERVER_ERROR`.
pub fn internal(error: impl Into<InternalError>, locale: Locale) -> async_graphql::Error {
    let error = error.into();
    tracing::error!(error = %error.chain(), "internal error");
    api_error(ApiErrorCode::Internal, locale)
}

/// `RATE_LIMITED`, with when to try again.
pub fn rate_limited(retry_after_seconds: u32, locale: Locale) -> async_graphql::Error {
    api_error(ApiErrorCode::RateLimited, locale).extend_with(|_, extensions| {
        extensions.set("retryAfterSeconds", retry_after_seconds);
    })
}

/// `LIMIT_EXCEEDED`, naming the limit.
pub fn limit_exceeded(limit: &str, locale: Locale) -> async_graphql::Error {
    let limit = limit.to_owned();
    api_error(ApiErrorCode::LimitExceeded, locale)
        .extend_with(move |_, extensions| extensions.set("limit", limit.as_str()))
}

/// A signature refusal as a user error's code and the verifier's detail.
pub fn signature_refusal(refusal: &SignatureRefusal) -> (UserErrorCode, Option<String>) {
    match refusal {
        SignatureRefusal::Malformed(detail) => (UserErrorCode::Malformed, Some(detail.clone())),
        SignatureRefusal::PayloadTextSigned => (UserErrorCode::PayloadTextSigned, None),
        SignatureRefusal::ContentMismatch => (UserErrorCode::ContentMismatch, None),
        SignatureRefusal::SignerCount => (UserErrorCode::SignerCount, None),
        SignatureRefusal::Verdict { code, detail } => (
            UserErrorCode::from_verifier(*code).unwrap_or(UserErrorCode::SignatureInvalid),
            Some(detail.clone()),
        ),
        SignatureRefusal::SignerMismatch => (UserErrorCode::SignerMismatch, None),
        SignatureRefusal::NotAnIndividualKey => (UserErrorCode::NotAnIndividualKey, None),
    }
}

/// A signing failure as a user error (`Err`: not the caller's fault).
pub fn sign_error(error: SignError, locale: Locale) -> Result<UserError, async_graphql::Error> {
    const REQUEST: &[&str] = &["input", "signingRequestId"];
    const CMS: &[&str] = &["input", "signature", "cms"];
    const CODE: &[&str] = &["input", "signature", "otp"];
    let (code, field, detail) = match error {
        SignError::NotFound => (UserErrorCode::NotFound, REQUEST, None),
        SignError::NotAllowed => (UserErrorCode::NotAllowed, REQUEST, None),
        SignError::RequestUsed => (UserErrorCode::SigningRequestUsed, REQUEST, None),
        SignError::RequestVoid => (UserErrorCode::SigningRequestVoid, REQUEST, None),
        SignError::RequestExpired => (UserErrorCode::SigningRequestExpired, REQUEST, None),
        SignError::MethodNotAllowed => (UserErrorCode::SigningMethodNotAllowed, REQUEST, None),
        SignError::Conflict => (UserErrorCode::Conflict, REQUEST, None),
        SignError::Signature(refusal) => {
            let (code, detail) = signature_refusal(&refusal);
            (code, CMS, detail)
        }
        SignError::Otp(error) => return otp_error(error, CODE, locale),
        SignError::SubjectDecided => (UserErrorCode::ConsentAlreadyDecided, REQUEST, None),
        SignError::Busy => return Err(api_error(ApiErrorCode::ServiceUnavailable, locale)),
        SignError::Internal(error) => return Err(internal(error, locale)),
    };
    Ok(UserError::new(code, field, locale, detail.as_deref()))
}

/// A one-time-password failure as a user error about `field` (the code, or the signing
/// request); `Err` for none today, kept for symmetry with [`sign_error`].
pub fn otp_error(
    error: OtpError,
    field: &[&str],
    locale: Locale,
) -> Result<UserError, async_graphql::Error> {
    const REQUEST: &[&str] = &["input", "signingRequestId"];
    let user_error = |code| UserError::new(code, field, locale, None);
    Ok(match error {
        OtpError::Invalid { attempts_left } => {
            user_error(UserErrorCode::OtpInvalid).with_attempts_left(attempts_left)
        }
        OtpError::Expired => user_error(UserErrorCode::OtpExpired),
        OtpError::AttemptsExceeded => {
            user_error(UserErrorCode::OtpAttemptsExceeded).with_attempts_left(0)
        }
        OtpError::ResendTooSoon {
            retry_after_seconds,
        } => user_error(UserErrorCode::OtpResendTooSoon).with_retry_after(retry_after_seconds),
        OtpError::RateLimited {
            retry_after_seconds,
        } => user_error(UserErrorCode::OtpRateLimited).with_retry_after(retry_after_seconds),
        OtpError::PhoneNotRegistered => user_error(UserErrorCode::PhoneNotRegistered),
        OtpError::Unavailable(detail) => {
            // The store's or registry's own words stay in the log.
            tracing::warn!(%detail, "one-time passwords unavailable");
            user_error(UserErrorCode::OtpUnavailable)
        }
        OtpError::RequestNotFound => UserError::new(UserErrorCode::NotFound, REQUEST, locale, None),
        OtpError::RequestUsed => {
            UserError::new(UserErrorCode::SigningRequestUsed, REQUEST, locale, None)
        }
        OtpError::RequestVoid => {
            UserError::new(UserErrorCode::SigningRequestVoid, REQUEST, locale, None)
        }
        OtpError::RequestExpired => {
            UserError::new(UserErrorCode::SigningRequestExpired, REQUEST, locale, None)
        }
        OtpError::NotOffered => UserError::new(
            UserErrorCode::SigningMethodNotAllowed,
            REQUEST,
            locale,
            None,
        ),
        OtpError::NotTheSigner => {
            UserError::new(UserErrorCode::SignerMismatch, REQUEST, locale, None)
        }
    })
}

/// Why a mutation refused its input. Stable identifiers: clients branch on them.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserErrorCode {
    /// A value is malformed or out of range.
    BadUserInput,
    /// No such object, or not one the caller may see.
    NotFound,
    /// The caller may see the object but not change it.
    NotAllowed,
    /// The `version` given is stale: reload and apply the change again.
    Conflict,
    /// The idempotency key was used before with other content: use a new key for new content.
    IdempotencyKeyReused,
    /// Only a draft can be changed.
    NotEditable,
    /// The status change is not allowed from the current status.
    TransitionNotAllowed,
    /// Something still blocks submission: see the application's `missingRequirements`.
    RequirementsMissing,
    /// The signing request was voided: the draft changed since. Prepare signing again.
    SigningRequestVoid,
    /// The signing request was already used.
    SigningRequestUsed,
    /// The signing request has expired. Prepare signing again.
    SigningRequestExpired,
    /// The signing request does not offer this signing method (see its `allowedMethods`).
    SigningMethodNotAllowed,
    /// The signer is not the signed-in person the signing request expects.
    SignerMismatch,
    /// Applications are signed with an individual's own key, not an organisation's.
    NotAnIndividualKey,
    /// Give exactly one of `cms` and `otp`.
    SignatureMissing,
    /// The signature is not a consent: it signs something else (the application's payload,
    /// say) or has another set of signers than the consent's party.
    NotAConsent,
    /// The consent was already given, declined or expired (or its application decided).
    ConsentAlreadyDecided,
    /// The owner was reminded less than a day ago: `retryAfterSeconds` says when another
    /// reminder may go.
    ReminderTooSoon,
    /// The file is larger than the service accepts (`DOCUMENT_MAX_BYTES`): the message says the
    /// limit; nothing was stored.
    DocumentTooLarge,
    /// The file is not a PDF, JPEG or PNG, judged by its bytes (not its name or the
    /// `Content-Type` sent): nothing was stored.
    DocumentTypeNotAllowed,
    /// The file is empty.
    DocumentEmpty,
    /// The application holds as many documents as it may (10): delete one first.
    DocumentLimitReached,
    /// Another officer holds the application: `retryAfterSeconds` says when their claim
    /// lapses.
    AlreadyClaimed,
    /// Claim the application first (`claimApplication`), or claim it again: the claim lapsed.
    NotClaimed,
    /// The application is not in review (decided, withdrawn, or its consents still awaited).
    NotInReview,
    /// A refusal names its ground, from the closed list (`RefusalGround`).
    GroundRequired,
    /// An approval names no refusal ground.
    GroundNotAllowed,
    /// A refusal says why (`reason`).
    ReasonRequired,
    /// The person did not consent to access to their restricted personal data (in an
    /// application before the officer's body): the access was refused, and recorded.
    NoPersonalDataConsent,
    /// The identity document named at the front office is not in the state's registries, was
    /// issued to someone else, is not valid today, or is not an identity document (a birth
    /// certificate): the message says which. Nothing was recorded.
    IdentityDocumentNotConfirmed,
    /// The one-time password is wrong: `attemptsLeft` says how many tries the code has left.
    OtpInvalid,
    /// The one-time password's lifetime is over, or none was asked for: ask for a new one
    /// (`requestOtp`).
    OtpExpired,
    /// Every attempt of this code was used: the code is void; ask for a new one.
    OtpAttemptsExceeded,
    /// A code for the same thing was sent moments ago: `retryAfterSeconds` says when another
    /// may be sent.
    OtpResendTooSoon,
    /// Too many codes were asked for or checked: `retryAfterSeconds` says when to try again.
    OtpRateLimited,
    /// The signer has no phone that the citizens' mobile database confirms: sign with EDS.
    PhoneNotRegistered,
    /// One-time passwords are unavailable right now (their store does not answer): try again
    /// later, or sign with EDS.
    OtpUnavailable,
    /// The sign-in challenge does not exist.
    ChallengeUnknown,
    /// The sign-in challenge has expired: request a new one.
    ChallengeExpired,
    /// The sign-in challenge was already used.
    ChallengeUsed,
    /// The request comes from another web origin than the challenge's.
    OriginMismatch,
    /// The request comes from a web origin that may not use the API (`CORS_ALLOWED_ORIGINS`).
    OriginNotAllowed,
    /// The signed content is not what was asked to be signed.
    ContentMismatch,
    /// The base64 text of the payload was signed instead of its bytes (NCALayer's `decode`
    /// left false): sign again with `decode: true`.
    PayloadTextSigned,
    /// The CMS carries another number of signers than expected.
    SignerCount,
    /// The certificate names no IIN.
    NoIin,
    /// A legal entity's key whose holder is not a listed officer of that body.
    NotAnOfficer,
    /// See the verifier: the CMS cannot be read.
    Malformed,
    /// See the verifier: checking the CMS would take more work than its budget allows.
    BudgetExceeded,
    /// See the verifier: a detached CMS without its content.
    ContentMissing,
    /// See the verifier: an algorithm that is not supported.
    UnsupportedAlgorithm,
    /// See the verifier: SHA-1, MD5 or a short RSA key.
    WeakAlgorithm,
    /// See the verifier: the digest algorithm disagrees with the signature algorithm or the key.
    AlgorithmMismatch,
    /// See the verifier: the content's digest differs from the signed one.
    DigestMismatch,
    /// See the verifier: the signature value does not verify.
    SignatureInvalid,
    /// See the verifier: the certificate does not chain to a trusted root.
    UntrustedChain,
    /// See the verifier: a critical extension that is not supported.
    UnsupportedCriticalExtension,
    /// See the verifier: a certificate not yet valid.
    CertNotYetValid,
    /// See the verifier: an expired certificate.
    CertExpired,
    /// See the verifier: the key usage does not allow signatures.
    KeyUsage,
    /// The key is of the wrong purpose (sign-in needs an authentication key, signing a
    /// document a signing key).
    KeyPurpose,
    /// See the verifier: a revoked certificate.
    Revoked,
    /// See the verifier: no current revocation data.
    RevocationUnknown,
    /// The body addressed is not a known administrative body (see `administrativeBodies`).
    UnknownAdministrativeBody,
    /// The appeal's status does not allow this (only one `NEEDS_CORRECTION` is corrected; a
    /// draft, a returned or a withdrawn one is not withdrawn).
    AppealNotEditable,
    /// The appeal's correction deadline has passed: it is returned.
    CorrectionDeadlinePassed,
    /// The appeal is already with the body it would be referred to.
    AlreadyWithBody,
    /// An extension would pass 2 calendar months beyond the first decision term (the message
    /// names the latest day).
    ExtensionTooLong,
    /// The application or appeal named has nothing to complain of: not refused, not decided,
    /// no deadline missed.
    NothingToComplainOf,
    /// The body complained of may satisfy a complaint itself only within 3 working days of
    /// its receipt (art. 92 of the Administrative Procedure Code); it must forward it now.
    ForwardingDeadlinePassed,
    /// A late complaint: the hearing body decides the restoration of its term first.
    RestorationUndecided,
    /// Only a satisfied complaint against an act (a refusal, an appeal's decision or deemed
    /// refusal) cancels it.
    NothingToCancel,
}

impl UserErrorCode {
    /// The code for a verifier verdict (`None` for `OK`).
    pub fn from_verifier(code: signatures::Code) -> Option<Self> {
        use signatures::Code;
        Some(match code {
            Code::Ok => return None,
            Code::Malformed => UserErrorCode::Malformed,
            Code::BudgetExceeded => UserErrorCode::BudgetExceeded,
            Code::ContentMissing => UserErrorCode::ContentMissing,
            Code::UnsupportedAlgorithm => UserErrorCode::UnsupportedAlgorithm,
            Code::WeakAlgorithm => UserErrorCode::WeakAlgorithm,
            Code::AlgorithmMismatch => UserErrorCode::AlgorithmMismatch,
            Code::DigestMismatch => UserErrorCode::DigestMismatch,
            Code::SignatureInvalid => UserErrorCode::SignatureInvalid,
            Code::UntrustedChain => UserErrorCode::UntrustedChain,
            Code::UnsupportedCriticalExtension => UserErrorCode::UnsupportedCriticalExtension,
            Code::CertNotYetValid => UserErrorCode::CertNotYetValid,
            Code::CertExpired => UserErrorCode::CertExpired,
            Code::KeyUsage => UserErrorCode::KeyUsage,
            Code::KeyPurpose => UserErrorCode::KeyPurpose,
            Code::Revoked => UserErrorCode::Revoked,
            Code::RevocationUnknown => UserErrorCode::RevocationUnknown,
        })
    }

    /// The sentence a person reads.
    pub fn message(self, locale: Locale) -> &'static str {
        use UserErrorCode as C;
        let (kk, ru, en) = match self {
            C::BadUserInput => ("Мән қате.", "Неверное значение.", "Invalid value."),
            C::NotFound => ("Табылмады.", "Не найдено.", "Not found."),
            C::NotAllowed => (
                "Бұл әрекетке рұқсат жоқ.",
                "Нет прав на это действие.",
                "Not allowed.",
            ),
            C::Conflict => (
                "Өтінішті басқа біреу өзгертті: жаңартып, қайталаңыз.",
                "Заявление уже изменено: обновите и повторите.",
                "The application changed meanwhile: reload and try again.",
            ),
            C::IdempotencyKeyReused => (
                "Бұл кілт басқа мазмұнмен пайдаланылған: жаңа кілт алыңыз.",
                "Этот ключ идемпотентности уже использован с другим содержимым: возьмите новый.",
                "This idempotency key was used with other content: use a new key.",
            ),
            C::SigningMethodNotAllowed => (
                "Бұл құжатқа мұндай тәсілмен қол қоюға болмайды.",
                "Этот документ нельзя подписать таким способом.",
                "This document cannot be signed this way.",
            ),
            C::UnknownAdministrativeBody => (
                "Мұндай әкімшілік орган жоқ: тізімнен таңдаңыз.",
                "Такого административного органа нет: выберите из списка.",
                "No such administrative body: choose one from the list.",
            ),
            C::AppealNotEditable => (
                "Өтініштің қазіргі мәртебесінде бұл әрекетке болмайды.",
                "В текущем статусе обращения это действие невозможно.",
                "The appeal's status does not allow this.",
            ),
            C::CorrectionDeadlinePassed => (
                "Өтінішті түзету мерзімі өтті.",
                "Срок исправления обращения истёк.",
                "The deadline to correct the appeal has passed.",
            ),
            C::AlreadyWithBody => (
                "Өтініш осы органның қарауында.",
                "Обращение уже рассматривает этот орган.",
                "The appeal is already with that body.",
            ),
            C::ExtensionTooLong => (
                "Мерзімді барлығы 2 айдан артық ұзартуға болмайды.",
                "Срок нельзя продлить более чем на 2 месяца в общей сложности.",
                "The term cannot be extended by more than 2 months in all.",
            ),
            C::NothingToComplainOf => (
                "Шағымдануға негіз жоқ: бас тарту, шешім немесе өткен мерзім жоқ.",
                "Обжаловать нечего: нет отказа, решения или пропущенного срока.",
                "Nothing to complain of: no refusal, decision or missed deadline.",
            ),
            C::ForwardingDeadlinePassed => (
                "Шағымды өзі қанағаттандыру мерзімі (3 жұмыс күні) өтті: оны жіберіңіз.",
                "Срок удовлетворения жалобы самим органом (3 рабочих дня) истёк: направьте её.",
                "The 3 working days to satisfy the complaint yourself have passed: forward it.",
            ),
            C::RestorationUndecided => (
                "Алдымен мерзімді қалпына келтіру туралы шешім қабылдаңыз.",
                "Сначала решите вопрос о восстановлении срока.",
                "Decide the restoration of the term first.",
            ),
            C::NothingToCancel => (
                "Күшін жоятын акт жоқ.",
                "Нет акта, который можно отменить.",
                "There is no act to cancel.",
            ),
            C::NotEditable => (
                "Тек жобаны өзгертуге болады.",
                "Изменять можно только черновик.",
                "Only a draft can be changed.",
            ),
            C::TransitionNotAllowed => (
                "Бұл мәртебеге ауысуға болмайды.",
                "Такой переход статуса недопустим.",
                "This status change is not allowed.",
            ),
            C::RequirementsMissing => (
                "Өтініш толық емес: жетіспейтінін қараңыз.",
                "Заявление не заполнено: смотрите, чего не хватает.",
                "The application is incomplete: see what is missing.",
            ),
            C::SigningRequestVoid => (
                "Өтініш өзгерді: қол қоюды қайта дайындаңыз.",
                "Заявление изменилось: подготовьте подписание заново.",
                "The application changed: prepare signing again.",
            ),
            C::SigningRequestUsed => (
                "Бұл қол қою сұрауы пайдаланылған.",
                "Этот запрос на подпись уже использован.",
                "This signing request was already used.",
            ),
            C::SigningRequestExpired => (
                "Қол қою мерзімі өтті: қайта дайындаңыз.",
                "Срок подписания истёк: подготовьте заново.",
                "The signing request expired: prepare it again.",
            ),
            C::SignerMismatch => (
                "Қол қоюшы жүйеге кірген адам емес.",
                "Подписант не совпадает с вошедшим пользователем.",
                "The signer is not the signed-in person.",
            ),
            C::NotAnIndividualKey => (
                "Жеке тұлғаның өз кілтімен қол қойыңыз.",
                "Подпишите личным ключом физического лица.",
                "Sign with your own individual key.",
            ),
            C::SignatureMissing => (
                "Қолтаңбаны бір тәсілмен ғана беріңіз: ЭЦҚ немесе SMS-код.",
                "Передайте подпись одним способом: ЭЦП или SMS-код.",
                "Give exactly one of cms and otp.",
            ),
            C::NotAConsent => (
                "Бұл қолтаңба келісім емес: келісімнің өзіне қол қойыңыз.",
                "Эта подпись не является согласием: подпишите само согласие.",
                "This signature is not a consent: sign the consent itself.",
            ),
            C::ReminderTooSoon => (
                "Меншік иесіне бүгін еске салынды: ертең қайталаңыз.",
                "Собственнику уже напомнили сегодня: повторите завтра.",
                "The owner was reminded today: try again tomorrow.",
            ),
            C::DocumentTooLarge => (
                "Файл тым үлкен.",
                "Файл слишком большой.",
                "The file is too large.",
            ),
            C::DocumentTypeNotAllowed => (
                "Тек PDF құжаттары немесе JPEG не PNG суреттері қабылданады.",
                "Принимаются только документы PDF и изображения JPEG или PNG.",
                "Only PDF documents and JPEG or PNG images are accepted.",
            ),
            C::DocumentEmpty => ("Файл бос.", "Файл пуст.", "The file is empty."),
            C::DocumentLimitReached => (
                "Өтініште құжаттар тым көп: алдымен біреуін жойыңыз.",
                "У заявления уже максимум документов: сначала удалите один.",
                "The application holds as many documents as it may: delete one first.",
            ),
            C::AlreadyClaimed => (
                "Өтінішті басқа қызметкер қарап жатыр.",
                "Заявление рассматривает другой сотрудник.",
                "Another officer holds this application.",
            ),
            C::NotClaimed => (
                "Алдымен өтінішті қарауға алыңыз.",
                "Сначала возьмите заявление на рассмотрение.",
                "Claim the application first.",
            ),
            C::NotInReview => (
                "Өтініш қаралып жатқан жоқ.",
                "Заявление не находится на рассмотрении.",
                "The application is not in review.",
            ),
            C::GroundRequired => (
                "Бас тарту негізін көрсетіңіз.",
                "Укажите основание отказа.",
                "Give the ground of the refusal.",
            ),
            C::GroundNotAllowed => (
                "Мақұлдауда бас тарту негізі болмайды.",
                "При одобрении основание отказа не указывается.",
                "An approval has no ground of refusal.",
            ),
            C::ReasonRequired => (
                "Бас тарту себебін жазыңыз.",
                "Укажите причину отказа.",
                "Say why the application is refused.",
            ),
            C::NoPersonalDataConsent => (
                "Адам дербес деректеріне қол жеткізуге келісім бермеген.",
                "Лицо не давало согласия на доступ к персональным данным.",
                "The person did not consent to access to their personal data.",
            ),
            C::IdentityDocumentNotConfirmed => (
                "Жеке басты куәландыратын құжат расталмады.",
                "Документ, удостоверяющий личность, не подтверждён.",
                "The identity document was not confirmed.",
            ),
            C::ConsentAlreadyDecided => (
                "Бұл келісім бойынша шешім қабылданған.",
                "По этому согласию уже принято решение.",
                "This consent was already decided.",
            ),
            C::OtpInvalid => (
                "SMS-код қате.",
                "Неверный SMS-код.",
                "The SMS code is wrong.",
            ),
            C::OtpExpired => (
                "SMS-кодтың мерзімі өтті: жаңасын сұраңыз.",
                "Срок действия SMS-кода истёк: запросите новый.",
                "The SMS code has expired: request a new one.",
            ),
            C::OtpAttemptsExceeded => (
                "Әрекет саны таусылды: жаңа SMS-код сұраңыз.",
                "Попытки исчерпаны: запросите новый SMS-код.",
                "No attempts left: request a new SMS code.",
            ),
            C::OtpResendTooSoon => (
                "SMS-код жақында жіберілді: біраз күтіп, қайта сұраңыз.",
                "SMS-код только что отправлен: подождите и запросите снова.",
                "An SMS code was just sent: wait a little and request again.",
            ),
            C::OtpRateLimited => (
                "SMS-код сұраулары тым көп: кейінірек қайталаңыз.",
                "Слишком много запросов SMS-кода: повторите позже.",
                "Too many SMS code requests: try again later.",
            ),
            C::PhoneNotRegistered => (
                "Телефон нөміріңіз азаматтардың мобильді базасында тіркелмеген: ЭЦҚ-мен қол қойыңыз.",
                "Ваш номер телефона не зарегистрирован в базе мобильных граждан: подпишите ЭЦП.",
                "Your phone number is not registered in the citizens' mobile database: sign with EDS.",
            ),
            C::OtpUnavailable => (
                "SMS-код қазір қолжетімсіз: кейінірек қайталаңыз немесе ЭЦҚ-мен қол қойыңыз.",
                "SMS-код сейчас недоступен: повторите позже или подпишите ЭЦП.",
                "SMS codes are unavailable right now: try again later or sign with EDS.",
            ),
            C::ChallengeUnknown => (
                "Кіру сұрауы табылмады.",
                "Запрос на вход не найден.",
                "Unknown sign-in challenge.",
            ),
            C::ChallengeExpired => (
                "Кіру сұрауының мерзімі өтті. Жаңасын сұраңыз.",
                "Срок запроса на вход истёк. Запросите новый.",
                "The sign-in challenge has expired. Request a new one.",
            ),
            C::ChallengeUsed => (
                "Кіру сұрауы бұрын пайдаланылған.",
                "Запрос на вход уже использован.",
                "The sign-in challenge was already used.",
            ),
            C::OriginMismatch => (
                "Сұрау басқа сайттан келді.",
                "Запрос пришёл с другого сайта.",
                "The request comes from another origin.",
            ),
            C::OriginNotAllowed => (
                "Бұл сайттан кіруге болмайды.",
                "С этого сайта вход невозможен.",
                "Sign-in is not possible from this site.",
            ),
            C::ContentMismatch => (
                "Қол қойылған мазмұн сұралғанмен сәйкес емес.",
                "Подписано не то содержимое, что было запрошено.",
                "The signed content is not what was requested.",
            ),
            C::PayloadTextSigned => (
                "Деректердің өзіне емес, base64 мәтініне қол қойылған. NCALayer-де decode: true қойыңыз.",
                "Подписан текст base64, а не сами данные. Укажите в NCALayer decode: true.",
                "The base64 text was signed instead of the bytes. Use decode: true in NCALayer.",
            ),
            C::SignerCount => (
                "Қол қоюшылар саны дұрыс емес.",
                "Неверное число подписантов.",
                "Unexpected number of signers.",
            ),
            C::NoIin => (
                "Сертификатта ЖСН жоқ.",
                "В сертификате нет ИИН.",
                "The certificate names no IIN.",
            ),
            C::NotAnOfficer => (
                "Бұл кілт иесі осы органның қызметкері ретінде тіркелмеген.",
                "Владелец ключа не зарегистрирован как сотрудник этого органа.",
                "The key holder is not a listed officer of this body.",
            ),
            C::Malformed => (
                "Қолтаңба оқылмайды.",
                "Подпись не читается.",
                "The signature cannot be read.",
            ),
            C::BudgetExceeded => (
                "Қолтаңбаны тексеру тым көп жұмысты талап етеді: артық сертификаттарсыз қайта қол қойыңыз.",
                "Проверка подписи требует слишком много работы: подпишите заново без лишних сертификатов.",
                "Checking the signature takes too much work: sign again without extra certificates.",
            ),
            C::ContentMissing => (
                "Қол қойылған мазмұн берілмеген.",
                "Не передано подписанное содержимое.",
                "The signed content is missing.",
            ),
            C::UnsupportedAlgorithm => (
                "Қолтаңба алгоритміне қолдау жоқ.",
                "Алгоритм подписи не поддерживается.",
                "The signature algorithm is not supported.",
            ),
            C::WeakAlgorithm => (
                "Қолтаңба алгоритмі әлсіз.",
                "Алгоритм подписи слишком слабый.",
                "The signature algorithm is too weak.",
            ),
            C::AlgorithmMismatch => (
                "Қолтаңбаның алгоритмдері бір-біріне сәйкес келмейді.",
                "Алгоритмы подписи не согласованы между собой.",
                "The signature's algorithms do not agree with each other.",
            ),
            C::DigestMismatch => (
                "Мазмұн қол қойылғаннан өзгеше.",
                "Содержимое отличается от подписанного.",
                "The content differs from what was signed.",
            ),
            C::SignatureInvalid => (
                "Қолтаңба жарамсыз.",
                "Подпись недействительна.",
                "The signature is invalid.",
            ),
            C::UntrustedChain => (
                "Сертификат сенімді куәландырушы орталықпен берілмеген.",
                "Сертификат выдан не доверенным удостоверяющим центром.",
                "The certificate is not issued by a trusted authority.",
            ),
            C::UnsupportedCriticalExtension => (
                "Сертификатта белгісіз маңызды кеңейту бар.",
                "В сертификате неизвестное критическое расширение.",
                "The certificate has an unsupported critical extension.",
            ),
            C::CertNotYetValid => (
                "Сертификат әлі жарамды емес.",
                "Сертификат ещё не действует.",
                "The certificate is not yet valid.",
            ),
            C::CertExpired => (
                "Сертификаттың мерзімі өткен.",
                "Срок действия сертификата истёк.",
                "The certificate has expired.",
            ),
            C::KeyUsage => (
                "Кілт қолтаңбаға арналмаған.",
                "Ключ не предназначен для подписи.",
                "The key may not sign.",
            ),
            C::KeyPurpose => (
                "Кілттің түрі дұрыс емес: кіру үшін AUTH кілті, қол қою үшін RSA/GOST SIGN кілті керек.",
                "Неверный тип ключа: для входа нужен ключ AUTH, для подписи — ключ SIGN.",
                "Wrong key type: sign-in needs an AUTH key, signing a SIGN key.",
            ),
            C::Revoked => (
                "Сертификат кері қайтарылған.",
                "Сертификат отозван.",
                "The certificate is revoked.",
            ),
            C::RevocationUnknown => (
                "Сертификаттың кері қайтарылу мәртебесі белгісіз.",
                "Статус отзыва сертификата неизвестен.",
                "The certificate's revocation status is unknown.",
            ),
        };
        locale.pick(kk, ru, en)
    }
}

/// An expected failure of a mutation.
#[derive(SimpleObject, Debug, Clone)]
pub struct UserError {
    /// What went wrong, for programs.
    pub code: UserErrorCode,
    /// The path of the input field at fault, e.g. `["input", "cms"]`; null when no one field is.
    pub field: Option<Vec<String>>,
    /// What went wrong, for people: whole sentences in the request's language.
    pub message: String,
    /// A technical detail for developers, in English (e.g. the signature verifier's finding);
    /// not for people, and not stable: branch on `code`.
    pub detail: Option<String>,
    /// For `OTP_INVALID` and `OTP_ATTEMPTS_EXCEEDED`: how many tries the code has left.
    pub attempts_left: Option<i32>,
    /// For `OTP_RESEND_TOO_SOON` and `OTP_RATE_LIMITED`: seconds until another try may
    /// succeed.
    pub retry_after_seconds: Option<i32>,
}

impl UserError {
    /// A user error about `field` (a path under `input`), with the code's sentence in the
    /// request's language and, when given, a technical detail (in English) beside it.
    pub fn new(code: UserErrorCode, field: &[&str], locale: Locale, detail: Option<&str>) -> Self {
        UserError {
            code,
            field: path(field),
            message: code.message(locale).to_owned(),
            detail: detail.map(str::to_owned),
            attempts_left: None,
            retry_after_seconds: None,
        }
    }

    /// With how many tries the code has left.
    #[must_use]
    pub fn with_attempts_left(self, attempts_left: u32) -> Self {
        UserError {
            attempts_left: Some(i32::try_from(attempts_left).unwrap_or(i32::MAX)),
            ..self
        }
    }

    /// With when to try again.
    #[must_use]
    pub fn with_retry_after(self, seconds: u32) -> Self {
        UserError {
            retry_after_seconds: Some(i32::try_from(seconds).unwrap_or(i32::MAX)),
            ..self
        }
    }

    /// A user error whose message is a more precise sentence than the code's own.
    pub fn explained(
        code: UserErrorCode,
        field: &[&str],
        locale: Locale,
        sentence: Sentence,
    ) -> Self {
        UserError {
            code,
            field: path(field),
            message: sentence.pick(locale).to_owned(),
            detail: None,
            attempts_left: None,
            retry_after_seconds: None,
        }
    }
}

fn path(field: &[&str]) -> Option<Vec<String>> {
    (!field.is_empty()).then(|| field.iter().map(|f| (*f).to_owned()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::sentences::leaks_english;
    use async_graphql::resolver_utils::EnumType;

    #[test]
    fn every_code_has_whole_sentences_in_each_language() {
        for item in UserErrorCode::items() {
            for locale in [Locale::Kk, Locale::Ru, Locale::En] {
                let message = item.value.message(locale);
                assert!(
                    message.chars().next().is_some_and(char::is_uppercase)
                        && message.ends_with('.'),
                    "{}: not a whole sentence: {message}",
                    item.name
                );
                if locale != Locale::En {
                    assert_eq!(leaks_english(message), None, "{}: {message}", item.name);
                }
            }
        }
    }

    #[test]
    fn a_detail_never_reaches_the_message() {
        let error = UserError::new(
            UserErrorCode::Malformed,
            &["input", "cms"],
            Locale::Ru,
            Some("ContentInfo: expected tag 0x30, found 0x00"),
        );
        assert_eq!(error.message, UserErrorCode::Malformed.message(Locale::Ru));
        assert_eq!(
            error.detail.as_deref(),
            Some("ContentInfo: expected tag 0x30, found 0x00")
        );
    }
}
