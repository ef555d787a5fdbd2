//! Settings, layered: built-in defaults, then an optional TOML file (`APP_CONFIG`), then
//! environment variables. Every variable is listed in the README with its default.
//!
//! Two profiles. `development` (the default) runs on SQLite with the demo data and trusts the
//! demo PKI, loudly. `production` (`APP_ENV=production`, implied by a PostgreSQL
//! `DATABASE_URL`) fails closed: explicit trust anchors are required, the demo anchor is refused
//! and every certificate in a path needs current revocation data.

use registration_core::Clock;
use registration_core::otp::{
    MemoryOtpStore, OtpHasher, OtpLimits, OtpStore, RedisOtpStore, RedisTimeouts,
};
use registration_core::registries::MobileDatabase;
use registration_core::seal::{SealKey, Sealer};
use registration_core::service::otp::OtpRuntime;
use registration_core::sms::{
    ContentType, DevOutbox, HttpGateway, HttpGatewayConfig, HttpMethod, SecretValue, SmsGateway,
};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Where one-time-password keys live in Redis by default.
pub const DEFAULT_OTP_KEY_PREFIX: &str = "registration:otp:";
/// The shortest `OTP_SECRET` accepted: 32 characters, 256 bits of base64 less a few.
const MIN_OTP_SECRET_LEN: usize = 32;
/// The development profile's HMAC key: public, so never used in production.
const DEVELOPMENT_OTP_SECRET: &str =
    "registration-kz development OTP secret: public, never for production";

/// Where the server listens by default.
pub const DEFAULT_BIND_ADDR: &str = "127.0.0.1:8080";
/// The embedded default database: a SQLite file in the working directory, created if missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://registration.sqlite?mode=rwc";
/// Where the development profile keeps uploaded documents, relative to the working directory.
pub const DEFAULT_DOCUMENTS_DIR: &str = "data/documents";
/// The largest document accepted by default: 5 MiB, a scan of a few pages.
pub const DEFAULT_DOCUMENT_MAX_BYTES: u32 = 5 * 1024 * 1024;
/// The wait before the SMS gateway's first retry; it doubles before each next one.
pub const SMS_GATEWAY_BACKOFF: std::time::Duration = std::time::Duration::from_millis(250);

/// The deployment profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Local development: SQLite, demo data, demo PKI trusted.
    Development,
    /// Production: fails closed.
    Production,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// A setting that may hold a password (database and Redis URLs, the SMS gateway's URL, auth
/// header and body template): never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value, for the one place that needs it (opening a connection).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The server's settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: Profile,
    /// `BIND_ADDR`; port 0 picks a free port (tests do).
    pub bind_addr: SocketAddr,
    /// `DATABASE_URL`: `sqlite://…` or `postgres://…`.
    pub database_url: Secret,
    /// `REDIS_URL`, when Redis is used (one-time passwords).
    pub redis_url: Option<Secret>,
    /// `SERVICE_NAME`: the audience written into sign-in challenges.
    pub service_name: String,
    /// `EDS_TRUST_ANCHORS`: certificate files of the trusted roots (NCA RK's).
    pub trust_anchors: Vec<PathBuf>,
    /// `EDS_INTERMEDIATES`: intermediate CA certificate files.
    pub intermediates: Vec<PathBuf>,
    /// `EDS_CRLS`: CRL files, reloaded when they change.
    pub crls: Vec<PathBuf>,
    /// `EDS_CRL_CHECK_SECONDS`: how often CRL files are checked for changes, at most.
    pub crl_check_seconds: u32,
    /// `REVOCATION_CONFIG`: the JSON file of the revocation sources (docs/revocation.md), read
    /// at start-up; none by default.
    pub revocation_config: Option<PathBuf>,
    /// `TSA_URL`: the RFC 3161 time-stamping authority that stamps signatures received
    /// without a token (docs/revocation.md); none by default (off).
    pub tsa_url: Option<String>,
    /// `CHALLENGE_TTL_SECONDS`: how long a sign-in challenge may be signed.
    pub challenge_ttl_seconds: u32,
    /// `SESSION_TTL_SECONDS`: how long a session token lives.
    pub session_ttl_seconds: u32,
    /// `PROPERTY_LOOKUP_PER_HOUR`: how many `propertyLookup`s one person may make in a rolling
    /// hour (counted in the database, so the limit holds across instances).
    pub property_lookups_per_hour: u32,
    /// `CERTIFICATE_INFO_PER_HOUR`: how many `certificateInfo` checks one caller (a person or
    /// an integrator) may make in a rolling hour (counted in the database, so the limit holds
    /// across instances).
    pub certificate_checks_per_hour: u32,
    /// `BODY_TIMEOUT_SECONDS`: how long a request body may take to arrive (then 408).
    pub body_timeout_seconds: u32,
    /// `QUERY_TIMEOUT_SECONDS`: how long a query may run (mutations are never cancelled).
    pub query_timeout_seconds: u32,
    /// `SUBSCRIPTION_INIT_TIMEOUT_SECONDS`: how long a WebSocket client has to send
    /// `connection_init` (then 4408).
    pub subscription_init_timeout_seconds: u32,
    /// `SUBSCRIPTION_SESSION_CHECK_SECONDS`: how often the sessions and keys of an instance's
    /// WebSocket connections are checked, in one batch (expired, logged out or revoked: 4403).
    pub subscription_session_check_seconds: u32,
    /// `SUBSCRIPTION_WRITE_TIMEOUT_SECONDS`: how long a write to a WebSocket client that does
    /// not read may wait before the connection is dropped.
    pub subscription_write_timeout_seconds: u32,
    /// `EVENT_RELAY_INTERVAL_SECONDS`: how often the event relay runs without being woken. On
    /// PostgreSQL it runs as soon as events commit, and this tick only covers a notice lost
    /// while its listening connection reconnects; on SQLite it is how late events are numbered.
    pub event_relay_interval_seconds: u32,
    /// `VERIFICATION_WAIT_MILLISECONDS`: how long a request may wait for a signature
    /// verification slot before `SERVICE_UNAVAILABLE` (503).
    pub verification_wait_milliseconds: u32,
    /// `VERIFICATION_SLOTS`: how many verifications run at once (default: one per core).
    pub verification_slots: Option<u32>,
    /// `BATCH_MAX`: how many operations one batched request may hold (0, the default: batches
    /// are refused).
    pub batch_max: u32,
    /// `BACKGROUND_TASKS`: whether this instance runs the background tasks (CRL reload,
    /// clean-up); `false` only for tests that count statements.
    pub background_tasks: bool,
    /// `LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// `CORS_ALLOWED_ORIGINS`: the web origins (`https://host[:port]`) whose pages may call the
    /// API from a browser; none by default.
    pub cors_allowed_origins: Vec<String>,
    /// `SMS_GATEWAY_URL`: the SMS operator's HTTP API (its query may carry a key, so it is a
    /// secret). None: the development outbox (development profile only).
    pub sms_gateway_url: Option<Secret>,
    /// `SMS_GATEWAY_METHOD`: `POST` (default), `PUT` or `GET` (the template as the query).
    pub sms_gateway_method: HttpMethod,
    /// `SMS_GATEWAY_CONTENT_TYPE`: `application/json` (default) or
    /// `application/x-www-form-urlencoded`.
    pub sms_gateway_content_type: ContentType,
    /// `SMS_GATEWAY_AUTH_HEADER`: one header sent with every request, `Name: value`.
    pub sms_gateway_auth_header: Option<Secret>,
    /// `SMS_GATEWAY_BODY`: the body template with `{phone}` and `{text}`; none: the content
    /// type's default (`{"phone":"{phone}","text":"{text}"}` or `phone={phone}&text={text}`).
    pub sms_gateway_body: Option<Secret>,
    /// `SMS_GATEWAY_TIMEOUT_MILLISECONDS`: how long one attempt may take.
    pub sms_gateway_timeout_milliseconds: u32,
    /// `SMS_GATEWAY_RETRIES`: how many times a failed attempt is repeated.
    pub sms_gateway_retries: u32,
    /// `OTP_SECRET`: the key of the HMAC that stands in for codes, IINs and phones in the
    /// store (required in production; the same on every instance).
    pub otp_secret: Option<Secret>,
    /// `OTP_KEY_PREFIX`: the prefix of every Redis key of one-time passwords.
    pub otp_key_prefix: String,
    /// `OTP_CODE_TTL_SECONDS`, `OTP_MAX_ATTEMPTS`, `OTP_RESEND_COOLDOWN_SECONDS`,
    /// `OTP_SENDS_PER_PHONE_PER_HOUR`, `OTP_SENDS_PER_IIN_PER_DAY`,
    /// `OTP_VERIFICATIONS_PER_IIN_PER_HOUR`, `OTP_GLOBAL_SMS_PER_HOUR`.
    pub otp_limits: OtpLimits,
    /// `REDIS_CONNECT_TIMEOUT_MILLISECONDS` and `REDIS_COMMAND_TIMEOUT_MILLISECONDS`.
    pub redis_timeouts: RedisTimeouts,
    /// `OTP_SEAL_KEY`: base64 PKCS#8 Ed25519 private key of the service's seal (required in
    /// production).
    pub otp_seal_key: Option<Secret>,
    /// `OTP_SEAL_RETIRED_KEYS`: base64 public keys of earlier seal keys, comma-separated.
    pub otp_seal_retired_keys: Vec<String>,
    /// `CONSENT_DEADLINE_DAYS`: how many calendar days an owner has to consent.
    pub consent_deadline_days: u32,
    /// `SERVICE_BODY_BIN`: the body (BIN) that decides this deployment's applications (its
    /// officers review them). Development: the demo body; production requires it.
    pub service_body_bin: String,
    /// `MANUAL_REVIEW_BODIES`: BINs of bodies whose applications an officer always decides
    /// (comma-separated); every other body's are decided automatically when every check passes.
    pub manual_review_bodies: Vec<String>,
    /// `CLAIM_MINUTES`: how long an officer's claim on an application lasts.
    pub claim_minutes: u32,
    /// `WORKING_HOURS`: the service's working hours in Almaty time, `HH:MM-HH:MM`; an appeal
    /// received at or after the closing time counts from the next working day.
    pub working_hours: registration_core::calendar::WorkingHours,
    /// `APPEALS_OPERATOR_NAME`: the surname and initials of the service's named operator who
    /// receives appeals online (printed on every receipt).
    pub appeals_operator_name: String,
    /// `APPEALS_OPERATOR_POSITION`: that operator's position.
    pub appeals_operator_position: String,
    /// `APPEAL_CORRECTION_DAYS`: the working days an applicant has to correct an appeal that
    /// misses a requirement.
    pub appeal_correction_days: u32,
    /// `EVENT_RETENTION_DAYS`: how many days back the event feed serves.
    pub event_retention_days: u32,
    /// `DOCUMENTS_DIR`: where uploaded documents are kept (shared by every instance). None:
    /// [`DEFAULT_DOCUMENTS_DIR`] in development; the production profile refuses documents
    /// without it (see [`Settings::document_store`]).
    pub documents_dir: Option<PathBuf>,
    /// `DOCUMENT_MAX_BYTES`: the largest document accepted, in bytes.
    pub document_max_bytes: u32,
}

/// The optional file's shape: every key optional, named like the variables in lowercase.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    app_env: Option<Profile>,
    bind_addr: Option<String>,
    database_url: Option<String>,
    redis_url: Option<String>,
    service_name: Option<String>,
    eds_trust_anchors: Option<Vec<PathBuf>>,
    eds_intermediates: Option<Vec<PathBuf>>,
    eds_crls: Option<Vec<PathBuf>>,
    eds_crl_check_seconds: Option<u32>,
    revocation_config: Option<PathBuf>,
    tsa_url: Option<String>,
    challenge_ttl_seconds: Option<u32>,
    session_ttl_seconds: Option<u32>,
    property_lookup_per_hour: Option<u32>,
    certificate_info_per_hour: Option<u32>,
    body_timeout_seconds: Option<u32>,
    query_timeout_seconds: Option<u32>,
    subscription_init_timeout_seconds: Option<u32>,
    subscription_session_check_seconds: Option<u32>,
    subscription_write_timeout_seconds: Option<u32>,
    event_relay_interval_seconds: Option<u32>,
    verification_wait_milliseconds: Option<u32>,
    verification_slots: Option<u32>,
    batch_max: Option<u32>,
    log_format: Option<LogFormat>,
    cors_allowed_origins: Option<Vec<String>>,
    sms_gateway_url: Option<String>,
    sms_gateway_method: Option<String>,
    sms_gateway_content_type: Option<String>,
    sms_gateway_auth_header: Option<String>,
    sms_gateway_body: Option<String>,
    sms_gateway_timeout_milliseconds: Option<u32>,
    sms_gateway_retries: Option<u32>,
    otp_secret: Option<String>,
    otp_key_prefix: Option<String>,
    otp_code_ttl_seconds: Option<u32>,
    otp_max_attempts: Option<u32>,
    otp_resend_cooldown_seconds: Option<u32>,
    otp_sends_per_phone_per_hour: Option<u32>,
    otp_sends_per_iin_per_day: Option<u32>,
    otp_verifications_per_iin_per_hour: Option<u32>,
    otp_global_sms_per_hour: Option<u32>,
    redis_connect_timeout_milliseconds: Option<u32>,
    redis_command_timeout_milliseconds: Option<u32>,
    otp_seal_key: Option<String>,
    otp_seal_retired_keys: Option<Vec<String>>,
    consent_deadline_days: Option<u32>,
    service_body_bin: Option<String>,
    manual_review_bodies: Option<Vec<String>>,
    claim_minutes: Option<u32>,
    working_hours: Option<String>,
    appeals_operator_name: Option<String>,
    appeals_operator_position: Option<String>,
    appeal_correction_days: Option<u32>,
    event_retention_days: Option<u32>,
    documents_dir: Option<PathBuf>,
    document_max_bytes: Option<u32>,
}

/// The body that decides applications in development: the demo officers' body.
pub const DEVELOPMENT_BODY_BIN: &str = "940140000385";

/// A configuration error, said so that an operator can fix it.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigurationError(pub String);

impl Settings {
    /// Reads defaults, then the file named by `APP_CONFIG` (if set), then the environment.
    pub fn load() -> Result<Self, ConfigurationError> {
        Self::from_sources(|name| std::env::var(name).ok())
    }

    /// The same, with the environment given as a lookup function (tests pass a map).
    pub fn from_sources(env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigurationError> {
        let file = match env("APP_CONFIG") {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| ConfigurationError(format!("APP_CONFIG {path}: {e}")))?;
                toml::from_str::<FileSettings>(&text)
                    .map_err(|e| ConfigurationError(format!("APP_CONFIG {path}: {e}")))?
            }
            None => FileSettings::default(),
        };
        let text = |name: &str, from_file: Option<String>| env(name).or(from_file);
        let list = |name: &str, from_file: Option<Vec<PathBuf>>| -> Vec<PathBuf> {
            match env(name) {
                // A list in one variable: paths separated by commas.
                Some(value) => value
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(PathBuf::from)
                    .collect(),
                None => from_file.unwrap_or_default(),
            }
        };
        let number =
            |name: &str, from_file: Option<u32>, default: u32| -> Result<u32, ConfigurationError> {
                match env(name) {
                    Some(value) => value.trim().parse().map_err(|_| {
                        ConfigurationError(format!("{name}={value:?} is not a whole number"))
                    }),
                    None => Ok(from_file.unwrap_or(default)),
                }
            };

        let database_url = text("DATABASE_URL", file.database_url)
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres")) {
            return Err(ConfigurationError(
                "DATABASE_URL must be a sqlite:// or postgres:// URL".to_owned(),
            ));
        }
        let profile = match text("APP_ENV", None) {
            Some(value) => match value.as_str() {
                "production" => Profile::Production,
                "development" => Profile::Development,
                other => {
                    return Err(ConfigurationError(format!(
                        "APP_ENV={other:?}: expected development or production"
                    )));
                }
            },
            // A PostgreSQL database means a real deployment: it implies production.
            None => file
                .app_env
                .unwrap_or(if database_url.starts_with("postgres") {
                    Profile::Production
                } else {
                    Profile::Development
                }),
        };
        let bind_text =
            text("BIND_ADDR", file.bind_addr).unwrap_or_else(|| DEFAULT_BIND_ADDR.to_owned());
        let bind_addr = bind_text.parse().map_err(|e| {
            ConfigurationError(format!(
                "BIND_ADDR={bind_text:?} is not an address like 127.0.0.1:8080: {e}"
            ))
        })?;
        let log_format = match text("LOG_FORMAT", None) {
            Some(value) => match value.as_str() {
                "json" => LogFormat::Json,
                "text" => LogFormat::Text,
                other => {
                    return Err(ConfigurationError(format!(
                        "LOG_FORMAT={other:?}: expected text or json"
                    )));
                }
            },
            None => file.log_format.unwrap_or(LogFormat::Text),
        };
        let settings = Settings {
            profile,
            bind_addr,
            database_url: Secret::new(database_url),
            redis_url: text("REDIS_URL", file.redis_url)
                .filter(|url| !url.is_empty())
                .map(Secret::new),
            service_name: text("SERVICE_NAME", file.service_name)
                .unwrap_or_else(|| "registration.kz".to_owned()),
            trust_anchors: list("EDS_TRUST_ANCHORS", file.eds_trust_anchors),
            intermediates: list("EDS_INTERMEDIATES", file.eds_intermediates),
            crls: list("EDS_CRLS", file.eds_crls),
            crl_check_seconds: number("EDS_CRL_CHECK_SECONDS", file.eds_crl_check_seconds, 5)?,
            revocation_config: match text("REVOCATION_CONFIG", None) {
                Some(path) => Some(PathBuf::from(path)).filter(|p| !p.as_os_str().is_empty()),
                None => file.revocation_config,
            },
            tsa_url: text("TSA_URL", file.tsa_url).filter(|url| !url.is_empty()),
            challenge_ttl_seconds: number(
                "CHALLENGE_TTL_SECONDS",
                file.challenge_ttl_seconds,
                300,
            )?,
            session_ttl_seconds: number(
                "SESSION_TTL_SECONDS",
                file.session_ttl_seconds,
                12 * 3600,
            )?,
            property_lookups_per_hour: number(
                "PROPERTY_LOOKUP_PER_HOUR",
                file.property_lookup_per_hour,
                10,
            )?,
            certificate_checks_per_hour: number(
                "CERTIFICATE_INFO_PER_HOUR",
                file.certificate_info_per_hour,
                60,
            )?,
            body_timeout_seconds: number("BODY_TIMEOUT_SECONDS", file.body_timeout_seconds, 10)?,
            query_timeout_seconds: number("QUERY_TIMEOUT_SECONDS", file.query_timeout_seconds, 10)?,
            subscription_init_timeout_seconds: number(
                "SUBSCRIPTION_INIT_TIMEOUT_SECONDS",
                file.subscription_init_timeout_seconds,
                10,
            )?
            .max(1),
            subscription_session_check_seconds: number(
                "SUBSCRIPTION_SESSION_CHECK_SECONDS",
                file.subscription_session_check_seconds,
                15,
            )?
            .max(1),
            subscription_write_timeout_seconds: number(
                "SUBSCRIPTION_WRITE_TIMEOUT_SECONDS",
                file.subscription_write_timeout_seconds,
                10,
            )?
            .max(1),
            event_relay_interval_seconds: number(
                "EVENT_RELAY_INTERVAL_SECONDS",
                file.event_relay_interval_seconds,
                1,
            )?
            .max(1),
            verification_wait_milliseconds: number(
                "VERIFICATION_WAIT_MILLISECONDS",
                file.verification_wait_milliseconds,
                2_000,
            )?,
            verification_slots: match text("VERIFICATION_SLOTS", None) {
                Some(_) => Some(number("VERIFICATION_SLOTS", None, 0)?),
                None => file.verification_slots,
            },
            batch_max: number("BATCH_MAX", file.batch_max, 0)?,
            background_tasks: match text("BACKGROUND_TASKS", None).as_deref() {
                None | Some("true") => true,
                Some("false") => false,
                Some(other) => {
                    return Err(ConfigurationError(format!(
                        "BACKGROUND_TASKS={other:?}: expected true or false"
                    )));
                }
            },
            log_format,
            cors_allowed_origins: origins(
                text("CORS_ALLOWED_ORIGINS", None),
                file.cors_allowed_origins,
            )?,
            sms_gateway_url: text("SMS_GATEWAY_URL", file.sms_gateway_url)
                .filter(|url| !url.trim().is_empty())
                .map(Secret::new),
            sms_gateway_method: match text("SMS_GATEWAY_METHOD", file.sms_gateway_method) {
                Some(value) => HttpMethod::parse(&value).ok_or_else(|| {
                    ConfigurationError(format!(
                        "SMS_GATEWAY_METHOD={value:?}: expected POST, PUT or GET"
                    ))
                })?,
                None => HttpMethod::Post,
            },
            sms_gateway_content_type: match text(
                "SMS_GATEWAY_CONTENT_TYPE",
                file.sms_gateway_content_type,
            ) {
                Some(value) => ContentType::parse(&value).ok_or_else(|| {
                    ConfigurationError(format!(
                        "SMS_GATEWAY_CONTENT_TYPE={value:?}: expected application/json or \
                         application/x-www-form-urlencoded"
                    ))
                })?,
                None => ContentType::Json,
            },
            sms_gateway_auth_header: text("SMS_GATEWAY_AUTH_HEADER", file.sms_gateway_auth_header)
                .filter(|header| !header.trim().is_empty())
                .map(Secret::new),
            sms_gateway_body: text("SMS_GATEWAY_BODY", file.sms_gateway_body)
                .filter(|body| !body.is_empty())
                .map(Secret::new),
            sms_gateway_timeout_milliseconds: number(
                "SMS_GATEWAY_TIMEOUT_MILLISECONDS",
                file.sms_gateway_timeout_milliseconds,
                5_000,
            )?,
            sms_gateway_retries: number("SMS_GATEWAY_RETRIES", file.sms_gateway_retries, 2)?,
            otp_secret: text("OTP_SECRET", file.otp_secret)
                .filter(|secret| !secret.is_empty())
                .map(Secret::new),
            otp_key_prefix: text("OTP_KEY_PREFIX", file.otp_key_prefix)
                .unwrap_or_else(|| DEFAULT_OTP_KEY_PREFIX.to_owned()),
            otp_limits: {
                let defaults = OtpLimits::default();
                let seconds = |d: time::Duration| u32::try_from(d.whole_seconds()).unwrap_or(0);
                OtpLimits {
                    code_ttl: time::Duration::seconds(i64::from(number(
                        "OTP_CODE_TTL_SECONDS",
                        file.otp_code_ttl_seconds,
                        seconds(defaults.code_ttl),
                    )?)),
                    max_attempts: number(
                        "OTP_MAX_ATTEMPTS",
                        file.otp_max_attempts,
                        defaults.max_attempts,
                    )?,
                    resend_cooldown: time::Duration::seconds(i64::from(number(
                        "OTP_RESEND_COOLDOWN_SECONDS",
                        file.otp_resend_cooldown_seconds,
                        seconds(defaults.resend_cooldown),
                    )?)),
                    sends_per_phone_per_hour: number(
                        "OTP_SENDS_PER_PHONE_PER_HOUR",
                        file.otp_sends_per_phone_per_hour,
                        defaults.sends_per_phone_per_hour,
                    )?,
                    sends_per_iin_per_day: number(
                        "OTP_SENDS_PER_IIN_PER_DAY",
                        file.otp_sends_per_iin_per_day,
                        defaults.sends_per_iin_per_day,
                    )?,
                    verifications_per_iin_per_hour: number(
                        "OTP_VERIFICATIONS_PER_IIN_PER_HOUR",
                        file.otp_verifications_per_iin_per_hour,
                        defaults.verifications_per_iin_per_hour,
                    )?,
                    global_sms_per_hour: number(
                        "OTP_GLOBAL_SMS_PER_HOUR",
                        file.otp_global_sms_per_hour,
                        defaults.global_sms_per_hour,
                    )?,
                }
            },
            redis_timeouts: {
                let millis = |name: &str, from_file: Option<u32>| {
                    number(name, from_file, 500)
                        .map(|ms| std::time::Duration::from_millis(u64::from(ms)))
                };
                RedisTimeouts {
                    connect: millis(
                        "REDIS_CONNECT_TIMEOUT_MILLISECONDS",
                        file.redis_connect_timeout_milliseconds,
                    )?,
                    command: millis(
                        "REDIS_COMMAND_TIMEOUT_MILLISECONDS",
                        file.redis_command_timeout_milliseconds,
                    )?,
                }
            },
            otp_seal_key: text("OTP_SEAL_KEY", file.otp_seal_key)
                .filter(|key| !key.trim().is_empty())
                .map(Secret::new),
            otp_seal_retired_keys: match env("OTP_SEAL_RETIRED_KEYS") {
                Some(value) => value
                    .split(',')
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .map(str::to_owned)
                    .collect(),
                None => file.otp_seal_retired_keys.unwrap_or_default(),
            },
            consent_deadline_days: number(
                "CONSENT_DEADLINE_DAYS",
                file.consent_deadline_days,
                registration_core::service::consents::DEFAULT_CONSENT_DAYS,
            )?,
            service_body_bin: text("SERVICE_BODY_BIN", file.service_body_bin)
                .map(|bin| bin.trim().to_owned())
                .filter(|bin| !bin.is_empty())
                .unwrap_or_default(),
            manual_review_bodies: match env("MANUAL_REVIEW_BODIES") {
                Some(value) => value
                    .split(',')
                    .map(str::trim)
                    .filter(|b| !b.is_empty())
                    .map(str::to_owned)
                    .collect(),
                None => file.manual_review_bodies.unwrap_or_default(),
            },
            claim_minutes: number(
                "CLAIM_MINUTES",
                file.claim_minutes,
                registration_core::service::review::DEFAULT_CLAIM_MINUTES,
            )?,
            working_hours: match text("WORKING_HOURS", file.working_hours) {
                Some(hours) if !hours.trim().is_empty() => hours
                    .trim()
                    .parse()
                    .map_err(|error| ConfigurationError(format!("WORKING_HOURS: {error}")))?,
                _ => registration_core::calendar::WorkingHours::default(),
            },
            appeals_operator_name: text("APPEALS_OPERATOR_NAME", file.appeals_operator_name)
                .map(|name| name.trim().to_owned())
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| {
                    registration_core::service::appeals::DEFAULT_OPERATOR_NAME.to_owned()
                }),
            appeals_operator_position: text(
                "APPEALS_OPERATOR_POSITION",
                file.appeals_operator_position,
            )
            .map(|position| position.trim().to_owned())
            .filter(|position| !position.is_empty())
            .unwrap_or_else(|| {
                registration_core::service::appeals::DEFAULT_OPERATOR_POSITION.to_owned()
            }),
            appeal_correction_days: number(
                "APPEAL_CORRECTION_DAYS",
                file.appeal_correction_days,
                registration_core::service::appeals::DEFAULT_CORRECTION_DAYS,
            )?,
            event_retention_days: number(
                "EVENT_RETENTION_DAYS",
                file.event_retention_days,
                registration_core::service::feed::DEFAULT_RETENTION_DAYS,
            )?,
            documents_dir: match env("DOCUMENTS_DIR") {
                Some(dir) => Some(PathBuf::from(dir)).filter(|d| !d.as_os_str().is_empty()),
                None => file.documents_dir,
            },
            document_max_bytes: number(
                "DOCUMENT_MAX_BYTES",
                file.document_max_bytes,
                DEFAULT_DOCUMENT_MAX_BYTES,
            )?,
        };
        let multipart_cap = crate::http::graphql::MAX_MULTIPART_BYTES;
        if settings.document_max_bytes == 0 || settings.document_max_bytes as usize > multipart_cap
        {
            return Err(ConfigurationError(format!(
                "DOCUMENT_MAX_BYTES must be 1 to {multipart_cap} (an upload travels in one \
                 multipart request of at most that size)"
            )));
        }
        if settings.profile == Profile::Production && settings.trust_anchors.is_empty() {
            return Err(ConfigurationError(
                "the production profile needs EDS_TRUST_ANCHORS (NCA RK's root certificates)"
                    .to_owned(),
            ));
        }
        if settings.profile == Profile::Production && settings.documents_dir.is_none() {
            return Err(ConfigurationError(
                "the production profile needs DOCUMENTS_DIR (a directory every instance shares, for uploaded documents)"
                    .to_owned(),
            ));
        }
        let mut settings = settings;
        if settings.service_body_bin.is_empty() {
            if settings.profile == Profile::Production {
                return Err(ConfigurationError(
                    "the production profile needs SERVICE_BODY_BIN (the BIN of the body that decides applications)"
                        .to_owned(),
                ));
            }
            settings.service_body_bin = DEVELOPMENT_BODY_BIN.to_owned();
        }
        for bin in std::iter::once(&settings.service_body_bin).chain(&settings.manual_review_bodies)
        {
            if registration_core::domain::Bin::parse(bin).is_err() {
                return Err(ConfigurationError(format!(
                    "SERVICE_BODY_BIN and MANUAL_REVIEW_BODIES take valid BINs: {bin:?} is not one"
                )));
            }
        }
        if settings.challenge_ttl_seconds == 0
            || settings.consent_deadline_days == 0
            || settings.session_ttl_seconds == 0
            || settings.body_timeout_seconds == 0
            || settings.query_timeout_seconds == 0
        {
            return Err(ConfigurationError(
                "time-to-live settings must be positive".to_owned(),
            ));
        }
        if settings.sms_gateway_timeout_milliseconds == 0 {
            return Err(ConfigurationError(
                "SMS_GATEWAY_TIMEOUT_MILLISECONDS must be positive".to_owned(),
            ));
        }
        let limits = &settings.otp_limits;
        if limits.code_ttl.is_zero()
            || limits.max_attempts == 0
            || limits.sends_per_phone_per_hour == 0
            || limits.sends_per_iin_per_day == 0
            || limits.verifications_per_iin_per_hour == 0
            || limits.global_sms_per_hour == 0
            || settings.redis_timeouts.connect.is_zero()
            || settings.redis_timeouts.command.is_zero()
        {
            return Err(ConfigurationError(
                "one-time password limits and Redis timeouts must be positive \
                 (OTP_RESEND_COOLDOWN_SECONDS may be 0)"
                    .to_owned(),
            ));
        }
        if settings
            .otp_secret
            .as_ref()
            .is_some_and(|secret| secret.expose().len() < MIN_OTP_SECRET_LEN)
        {
            return Err(ConfigurationError(format!(
                "OTP_SECRET must be at least {MIN_OTP_SECRET_LEN} characters (e.g. `openssl rand -base64 32`)"
            )));
        }
        if settings.sms_gateway_retries > 10 {
            return Err(ConfigurationError(
                "SMS_GATEWAY_RETRIES must be at most 10".to_owned(),
            ));
        }
        // A gateway that cannot work is said at start-up, not at the first sign-in.
        if let Some(config) = settings.sms_gateway_config()? {
            HttpGateway::new(config).map_err(|e| ConfigurationError(e.to_string()))?;
        }
        Ok(settings)
    }

    /// The HTTP gateway's settings, when `SMS_GATEWAY_URL` is set.
    pub fn sms_gateway_config(&self) -> Result<Option<HttpGatewayConfig>, ConfigurationError> {
        let Some(url) = &self.sms_gateway_url else {
            return Ok(None);
        };
        let auth_header = match &self.sms_gateway_auth_header {
            Some(header) => match header.expose().split_once(':') {
                Some((name, value)) if !name.trim().is_empty() && !value.trim().is_empty() => {
                    Some((name.trim().to_owned(), SecretValue::new(value.trim())))
                }
                // Not the value: it is the secret.
                _ => {
                    return Err(ConfigurationError(
                        "SMS_GATEWAY_AUTH_HEADER must be `Name: value`, e.g. \
                         `Authorization: Bearer …`"
                            .to_owned(),
                    ));
                }
            },
            None => None,
        };
        Ok(Some(HttpGatewayConfig {
            url: url.expose().to_owned(),
            method: self.sms_gateway_method,
            content_type: self.sms_gateway_content_type,
            auth_header,
            body_template: match &self.sms_gateway_body {
                Some(body) => body.expose().to_owned(),
                None => self.sms_gateway_content_type.default_template().to_owned(),
            },
            timeout: std::time::Duration::from_millis(u64::from(
                self.sms_gateway_timeout_milliseconds,
            )),
            retries: self.sms_gateway_retries,
            backoff: SMS_GATEWAY_BACKOFF,
        }))
    }

    /// The SMS gateway one-time passwords go through: the HTTP gateway when `SMS_GATEWAY_URL`
    /// is set; without it the development outbox in `db` (`registration-api dev-outbox` prints
    /// it), which the production profile refuses.
    pub fn sms_gateway(
        &self,
        db: sea_orm::DatabaseConnection,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<dyn SmsGateway>, ConfigurationError> {
        match self.sms_gateway_config()? {
            Some(config) => {
                let gateway =
                    HttpGateway::new(config).map_err(|e| ConfigurationError(e.to_string()))?;
                tracing::info!(host = %gateway.host(), "SMS go through the HTTP gateway");
                Ok(Arc::new(gateway))
            }
            None if self.profile == Profile::Production => Err(ConfigurationError(
                "the production profile needs SMS_GATEWAY_URL (the SMS operator's HTTP API); \
                 the development outbox keeps codes in plain"
                    .to_owned(),
            )),
            None => {
                tracing::warn!(
                    "no SMS_GATEWAY_URL: SMS go to the development outbox, \
                     printed by `registration-api dev-outbox`"
                );
                Ok(Arc::new(DevOutbox::new(db, clock)))
            }
        }
    }

    /// What one-time passwords need: the store (Redis at `REDIS_URL`, else in process), the
    /// keyed hash, the SMS gateway, the mobile database and the seal. The production profile
    /// needs `REDIS_URL`, `OTP_SECRET`, `OTP_SEAL_KEY` and `SMS_GATEWAY_URL`: codes in one
    /// instance's memory, a secret or seal key anyone knows, or SMS in a table would not do.
    pub fn otp_runtime(
        &self,
        db: sea_orm::DatabaseConnection,
        clock: Arc<dyn Clock>,
        mobile: Arc<dyn MobileDatabase>,
    ) -> Result<OtpRuntime, ConfigurationError> {
        let production = self.profile == Profile::Production;
        let missing = |name: &str, why: &str| {
            ConfigurationError(format!("the production profile needs {name} ({why})"))
        };
        let store: Arc<dyn OtpStore> = match &self.redis_url {
            Some(url) => Arc::new(
                RedisOtpStore::new(
                    url.expose(),
                    &self.otp_key_prefix,
                    self.otp_limits.clone(),
                    self.redis_timeouts,
                )
                .map_err(|e| ConfigurationError(format!("REDIS_URL: {e}")))?,
            ),
            None if production => {
                return Err(missing(
                    "REDIS_URL",
                    "one-time passwords shared by every instance",
                ));
            }
            None => {
                tracing::warn!(
                    "no REDIS_URL: one-time passwords live in this process's memory \
                     (lost on restart, unknown to other instances)"
                );
                Arc::new(MemoryOtpStore::new(self.otp_limits.clone()))
            }
        };
        let hasher = match &self.otp_secret {
            Some(secret) => OtpHasher::new(secret.expose().as_bytes()),
            None if production => {
                return Err(missing("OTP_SECRET", "the key of the codes' HMAC"));
            }
            None => OtpHasher::new(DEVELOPMENT_OTP_SECRET.as_bytes()),
        };
        let retired = self
            .otp_seal_retired_keys
            .iter()
            .map(|key| SealKey::parse_public(key, true))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ConfigurationError(format!("OTP_SEAL_RETIRED_KEYS: {e}")))?;
        let seal = match &self.otp_seal_key {
            Some(key) => Sealer::from_pkcs8_base64(key.expose(), retired)
                // Not the key: it is the secret.
                .map_err(|_| {
                    ConfigurationError(
                        "OTP_SEAL_KEY is not a base64 PKCS#8 Ed25519 private key \
                         (`registration-api generate-seal-key` makes one)"
                            .to_owned(),
                    )
                })?,
            None if production => {
                return Err(missing(
                    "OTP_SEAL_KEY",
                    "the service's seal over one-time-password signatures",
                ));
            }
            None => {
                tracing::warn!(
                    "no OTP_SEAL_KEY: one-time-password signatures are sealed with the public \
                     development key"
                );
                Sealer::development().map_err(|e| ConfigurationError(e.to_string()))?
            }
        };
        Ok(OtpRuntime {
            store,
            hasher,
            sms: self.sms_gateway(db, clock)?,
            mobile,
            limits: self.otp_limits.clone(),
            seal: Arc::new(seal),
        })
    }

    /// Whether the database is the embedded SQLite one.
    pub fn is_sqlite(&self) -> bool {
        self.database_url.expose().starts_with("sqlite:")
    }

    /// Whether revocation data is required for every certificate in a path.
    pub fn require_revocation(&self) -> bool {
        self.profile == Profile::Production
    }

    /// What the trust store is loaded from.
    pub fn trust_config(&self) -> registration_core::trust::TrustConfig {
        registration_core::trust::TrustConfig {
            production: self.profile == Profile::Production,
            trust_anchors: self.trust_anchors.clone(),
            intermediates: self.intermediates.clone(),
            crls: self.crls.clone(),
            crl_check_seconds: self.crl_check_seconds,
            require_revocation: self.require_revocation(),
        }
    }

    /// Where documents are kept and how large one may be: `DOCUMENTS_DIR`, or in the
    /// development profile [`DEFAULT_DOCUMENTS_DIR`]. The production profile has no default (a
    /// directory one instance alone sees would lose documents behind a load balancer), and
    /// loading production settings without `DOCUMENTS_DIR` fails; `None` is left only for
    /// settings put together by hand.
    pub fn document_store(&self) -> Option<registration_core::service::documents::DocumentStore> {
        let dir = match (&self.documents_dir, self.profile) {
            (Some(dir), _) => dir.clone(),
            (None, Profile::Development) => PathBuf::from(DEFAULT_DOCUMENTS_DIR),
            (None, Profile::Production) => return None,
        };
        Some(registration_core::service::documents::DocumentStore::new(
            dir,
            u64::from(self.document_max_bytes),
        ))
    }

    /// The settings the workflows need.
    pub fn service_settings(&self) -> registration_core::context::ServiceSettings {
        registration_core::context::ServiceSettings {
            service_name: self.service_name.clone(),
            challenge_ttl_seconds: self.challenge_ttl_seconds,
            session_ttl_seconds: self.session_ttl_seconds,
            property_lookups_per_hour: self.property_lookups_per_hour,
            certificate_checks_per_hour: self.certificate_checks_per_hour,
            consent_days: self.consent_deadline_days,
            service_body_bin: self.service_body_bin.clone(),
            manual_review_bodies: self.manual_review_bodies.clone(),
            claim_minutes: self.claim_minutes,
            working_hours: self.working_hours,
            appeals_operator_name: self.appeals_operator_name.clone(),
            appeals_operator_position: self.appeals_operator_position.clone(),
            appeal_correction_days: self.appeal_correction_days,
            event_retention_days: self.event_retention_days,
        }
    }
}

/// `CORS_ALLOWED_ORIGINS`, comma-separated (or a TOML array), each a serialized origin as
/// browsers send it in `Origin` (RFC 6454 §6.2): scheme, host and optional port, nothing else.
fn origins(
    variable: Option<String>,
    file: Option<Vec<String>>,
) -> Result<Vec<String>, ConfigurationError> {
    let listed: Vec<String> = match variable {
        Some(value) => value
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
            .collect(),
        None => file.unwrap_or_default(),
    };
    for origin in &listed {
        if !is_serialized_origin(origin) {
            return Err(ConfigurationError(format!(
                "CORS_ALLOWED_ORIGINS: {origin:?} is not an origin like https://app.example.kz \
                 (scheme, lowercase host and optional port; no path, no trailing slash, no *)"
            )));
        }
    }
    Ok(listed)
}

/// Whether `origin` is `http(s)://host[:port]`, lowercase, as browsers serialize it.
pub fn is_serialized_origin(origin: &str) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let (host, port) = match authority.strip_prefix('[') {
        // An IPv6 literal: `[…]` then an optional port.
        Some(rest) => match rest.split_once(']') {
            Some((address, after)) if !address.is_empty() => (
                address,
                match after.strip_prefix(':') {
                    Some(port) => Some(port),
                    None if after.is_empty() => None,
                    None => return false,
                },
            ),
            _ => return false,
        },
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    matches!(scheme, "http" | "https")
        && !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | ':'))
        && port
            .is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(pairs: &[(&str, &str)]) -> Result<Settings, ConfigurationError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_sources(|name| map.get(name).cloned())
    }

    #[test]
    fn no_configuration_at_all_is_the_development_profile_on_sqlite() {
        let settings = load(&[]).unwrap();
        assert_eq!(settings.profile, Profile::Development);
        assert_eq!(settings.database_url.expose(), DEFAULT_DATABASE_URL);
        assert!(
            !format!("{settings:?}").contains("sqlite://"),
            "URLs never print"
        );
        assert_eq!(settings.bind_addr.to_string(), DEFAULT_BIND_ADDR);
        assert!(!settings.require_revocation());
    }

    #[test]
    fn working_hours_and_the_appeals_receiver_have_defaults_and_a_bad_value_stops_start_up() {
        let settings = load(&[]).unwrap();
        assert_eq!(settings.working_hours.to_string(), "09:00-18:00");
        assert_eq!(settings.appeals_operator_name, "Оператор сервиса");
        assert_eq!(settings.appeal_correction_days, 5);
        let settings = load(&[
            ("WORKING_HOURS", "08:30-17:30"),
            ("APPEALS_OPERATOR_NAME", "Ахметова А. Б."),
        ])
        .unwrap();
        assert_eq!(settings.working_hours.to_string(), "08:30-17:30");
        assert_eq!(settings.appeals_operator_name, "Ахметова А. Б.");
        let error = load(&[("WORKING_HOURS", "18:00-09:00")]).unwrap_err();
        assert!(error.0.starts_with("WORKING_HOURS"), "{error}");
    }

    #[test]
    fn deciding_bodies_are_valid_bins() {
        let settings = load(&[("MANUAL_REVIEW_BODIES", "940140000385, 050740003216")]).unwrap();
        assert_eq!(
            settings.manual_review_bodies,
            ["940140000385", "050740003216"]
        );
        assert_eq!(settings.service_body_bin, DEVELOPMENT_BODY_BIN);
        assert_eq!(settings.claim_minutes, 30);
        for (name, value) in [
            ("MANUAL_REVIEW_BODIES", "940140000385,123"),
            ("SERVICE_BODY_BIN", "940140000384"),
        ] {
            let error = load(&[(name, value)]).unwrap_err();
            assert!(error.0.contains("valid BINs"), "{name}: {error}");
        }
    }

    #[test]
    fn postgres_implies_production_which_needs_trust_anchors() {
        let error = load(&[("DATABASE_URL", "postgres://localhost/db")]).unwrap_err();
        assert!(error.0.contains("EDS_TRUST_ANCHORS"));
        let error = load(&[
            ("DATABASE_URL", "postgres://localhost/db"),
            ("EDS_TRUST_ANCHORS", "a.pem, b.pem"),
            ("DOCUMENTS_DIR", "/srv/documents"),
        ])
        .unwrap_err();
        assert!(error.0.contains("SERVICE_BODY_BIN"), "{error}");
        let error = load(&[
            ("DATABASE_URL", "postgres://localhost/db"),
            ("EDS_TRUST_ANCHORS", "a.pem, b.pem"),
        ])
        .unwrap_err();
        assert!(error.0.contains("DOCUMENTS_DIR"), "{error}");
        let settings = load(&[
            ("DATABASE_URL", "postgres://localhost/db"),
            ("EDS_TRUST_ANCHORS", "a.pem, b.pem"),
            ("SERVICE_BODY_BIN", "940140000385"),
            ("DOCUMENTS_DIR", "/srv/documents"),
        ])
        .unwrap();
        assert_eq!(settings.profile, Profile::Production);
        assert_eq!(settings.service_body_bin, "940140000385");
        assert_eq!(
            settings.trust_anchors,
            [PathBuf::from("a.pem"), PathBuf::from("b.pem")]
        );
        assert!(settings.require_revocation());
        // An explicit development profile on PostgreSQL is allowed (local experiments).
        let settings = load(&[
            ("DATABASE_URL", "postgres://localhost/db"),
            ("APP_ENV", "development"),
        ])
        .unwrap();
        assert_eq!(settings.profile, Profile::Development);
    }

    #[test]
    fn a_file_layers_under_the_environment() {
        let path =
            std::env::temp_dir().join(format!("registration-config-{}.toml", std::process::id()));
        std::fs::write(
            &path,
            "bind_addr = \"127.0.0.1:9000\"\nservice_name = \"from-file\"\n",
        )
        .unwrap();
        let path_text = path.to_string_lossy().into_owned();
        let settings = load(&[("APP_CONFIG", &path_text), ("SERVICE_NAME", "from-env")]).unwrap();
        assert_eq!(settings.bind_addr.port(), 9000);
        assert_eq!(settings.service_name, "from-env");
        std::fs::write(&path, "no_such_key = 1\n").unwrap();
        assert!(
            load(&[("APP_CONFIG", &path_text)]).is_err(),
            "unknown keys are refused"
        );
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn bad_values_are_refused_with_the_variable_named() {
        for (name, value) in [
            ("BIND_ADDR", "localhost"),
            ("DATABASE_URL", "mysql://x"),
            ("APP_ENV", "staging"),
            ("LOG_FORMAT", "xml"),
            ("SESSION_TTL_SECONDS", "soon"),
            ("CHALLENGE_TTL_SECONDS", "0"),
        ] {
            let error = load(&[(name, value)]).unwrap_err();
            assert!(
                error.0.contains(name) || error.0.contains("positive"),
                "{name}: {error}"
            );
        }
    }

    #[test]
    fn the_sms_gateway_is_configured_and_its_secrets_never_print() {
        let settings = load(&[]).unwrap();
        assert!(settings.sms_gateway_config().unwrap().is_none());
        let settings = load(&[
            (
                "SMS_GATEWAY_URL",
                "https://sms.example.kz/send?key=url-secret",
            ),
            ("SMS_GATEWAY_METHOD", "put"),
            (
                "SMS_GATEWAY_CONTENT_TYPE",
                "application/x-www-form-urlencoded",
            ),
            ("SMS_GATEWAY_AUTH_HEADER", "X-Api-Key:  header-secret "),
            (
                "SMS_GATEWAY_BODY",
                "to={phone}&msg={text}&token=body-secret",
            ),
            ("SMS_GATEWAY_TIMEOUT_MILLISECONDS", "1500"),
            ("SMS_GATEWAY_RETRIES", "3"),
        ])
        .unwrap();
        let config = settings.sms_gateway_config().unwrap().unwrap();
        assert_eq!(config.url, "https://sms.example.kz/send?key=url-secret");
        assert_eq!(config.method, HttpMethod::Put);
        assert_eq!(config.content_type, ContentType::Form);
        let (name, value) = config.auth_header.clone().unwrap();
        assert_eq!(
            (name.as_str(), value.expose()),
            ("X-Api-Key", "header-secret")
        );
        assert_eq!(
            config.body_template,
            "to={phone}&msg={text}&token=body-secret"
        );
        assert_eq!(config.timeout, std::time::Duration::from_millis(1500));
        assert_eq!(config.retries, 3);
        for printed in [format!("{settings:?}"), format!("{config:?}")] {
            for secret in ["url-secret", "header-secret", "body-secret"] {
                assert!(!printed.contains(secret), "{secret} in {printed}");
            }
        }
        // Defaults: POST, JSON, the content type's template, 5 s, 2 retries.
        let config = load(&[("SMS_GATEWAY_URL", "http://127.0.0.1:9/sms")])
            .unwrap()
            .sms_gateway_config()
            .unwrap()
            .unwrap();
        assert_eq!(config.method, HttpMethod::Post);
        assert_eq!(config.content_type, ContentType::Json);
        assert_eq!(
            config.body_template,
            r#"{"phone":"{phone}","text":"{text}"}"#
        );
        assert_eq!(config.timeout, std::time::Duration::from_millis(5000));
        assert_eq!(config.retries, 2);
        assert!(config.auth_header.is_none());
    }

    #[test]
    fn bad_sms_gateway_settings_are_refused_without_their_secrets() {
        for (name, value) in [
            ("SMS_GATEWAY_METHOD", "DELETE"),
            ("SMS_GATEWAY_CONTENT_TYPE", "text/plain"),
            ("SMS_GATEWAY_TIMEOUT_MILLISECONDS", "0"),
            ("SMS_GATEWAY_RETRIES", "many"),
            ("SMS_GATEWAY_AUTH_HEADER", "no-colon-secret"),
            (
                "SMS_GATEWAY_BODY",
                "{\"only\":\"{text}\",\"k\":\"body-secret\"}",
            ),
            ("SMS_GATEWAY_URL", "ftp://sms.example.kz/?key=url-secret"),
        ] {
            let error = load(&[
                ("SMS_GATEWAY_URL", "https://sms.example.kz/"),
                (name, value),
            ])
            .err()
            .unwrap_or_else(|| panic!("{name}={value} accepted"));
            let text = error.to_string();
            for secret in ["no-colon-secret", "body-secret", "url-secret"] {
                assert!(!text.contains(secret), "{name}: {text}");
            }
        }
    }

    #[tokio::test]
    async fn production_needs_an_sms_gateway_url_and_development_uses_the_outbox() {
        let db = registration_core::database::connect("sqlite::memory:")
            .await
            .unwrap();
        let clock: Arc<dyn Clock> = Arc::new(registration_core::SystemClock);
        let production = load(&[
            ("APP_ENV", "production"),
            ("EDS_TRUST_ANCHORS", "root.pem"),
            ("SERVICE_BODY_BIN", "940140000385"),
            ("DOCUMENTS_DIR", "/srv/documents"),
        ])
        .unwrap();
        let error = production
            .sms_gateway(db.clone(), clock.clone())
            .unwrap_err();
        assert!(error.0.contains("SMS_GATEWAY_URL"), "{error}");
        let gateway = load(&[])
            .unwrap()
            .sms_gateway(db.clone(), clock.clone())
            .unwrap();
        assert!(
            format!("{gateway:?}").starts_with("DevOutbox"),
            "{gateway:?}"
        );
        let gateway = load(&[
            ("APP_ENV", "production"),
            ("EDS_TRUST_ANCHORS", "root.pem"),
            ("SERVICE_BODY_BIN", "940140000385"),
            ("DOCUMENTS_DIR", "/srv/documents"),
            ("SMS_GATEWAY_URL", "https://sms.example.kz/send"),
        ])
        .unwrap()
        .sms_gateway(db, clock)
        .unwrap();
        assert!(
            format!("{gateway:?}").starts_with("HttpGateway"),
            "{gateway:?}"
        );
    }

    #[test]
    fn allowed_origins_are_serialized_origins() {
        let settings = load(&[(
            "CORS_ALLOWED_ORIGINS",
            "https://app.example.kz, http://127.0.0.1:3000,http://[::1]:8080",
        )])
        .unwrap();
        assert_eq!(
            settings.cors_allowed_origins,
            [
                "https://app.example.kz",
                "http://127.0.0.1:3000",
                "http://[::1]:8080"
            ]
        );
        assert!(load(&[]).unwrap().cors_allowed_origins.is_empty());
        for bad in [
            "*",
            "app.example.kz",
            "https://app.example.kz/",
            "https://app.example.kz/path",
            "https://App.example.kz",
            "ftp://example.kz",
            "https://example.kz:",
            "https://example.kz:99999x",
            "https://[::1",
        ] {
            let error = load(&[("CORS_ALLOWED_ORIGINS", bad)]).unwrap_err();
            assert!(error.0.contains("CORS_ALLOWED_ORIGINS"), "{bad}: {error}");
        }
    }

    #[test]
    fn documents_have_a_default_directory_in_development_only_and_a_bounded_size() {
        let store = load(&[]).unwrap().document_store().unwrap();
        assert_eq!(store.dir(), std::path::Path::new(DEFAULT_DOCUMENTS_DIR));
        assert_eq!(store.max_bytes(), 5 * 1024 * 1024);
        // The production profile has no default directory; with one, it is used.
        let mut production = load(&[]).unwrap();
        production.profile = Profile::Production;
        assert!(production.document_store().is_none());
        let mut shared = load(&[
            ("DOCUMENTS_DIR", "/srv/documents"),
            ("DOCUMENT_MAX_BYTES", "1024"),
        ])
        .unwrap();
        shared.profile = Profile::Production;
        let store = shared.document_store().unwrap();
        assert_eq!(store.dir(), std::path::Path::new("/srv/documents"));
        assert_eq!(store.max_bytes(), 1024);
        for bad in ["0", "10485761", "big"] {
            let error = load(&[("DOCUMENT_MAX_BYTES", bad)]).unwrap_err();
            assert!(error.0.contains("DOCUMENT_MAX_BYTES"), "{bad}: {error}");
        }
    }
}
