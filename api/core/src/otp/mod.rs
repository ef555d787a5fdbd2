//! One-time passwords: the store port that keeps challenges and counts attempts and sends, its
//! two implementations (Redis, and an in-process map for the embedded default), the keyed hash
//! of codes and the limits.
//!
//! A store never sees a code, an IIN or a phone number: it keeps the HMAC-SHA256 tag of the code
//! (keyed with a server secret and bound to the challenge and to what the code may be used for)
//! and counts under HMAC-derived keys. Every decision about one challenge (expired? attempts
//! left? the right code? consume it) is one atomic step: a Lua script in Redis, one critical
//! section in process. Time comes from the caller (the service's [`crate::Clock`]), so that tests
//! move the clock instead of sleeping, against either store.

mod hash;
mod memory;
mod redis_store;

pub use hash::{CodeTag, OtpHasher, RandomUnavailable, generate_code};
pub use memory::MemoryOtpStore;
pub use redis_store::{RedisOtpStore, RedisTimeouts};

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

/// The limits of one-time passwords, each configurable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpLimits {
    /// How long a code may be used.
    pub code_ttl: Duration,
    /// Wrong attempts per code; the code is void after the last one.
    pub max_attempts: u32,
    /// How long after a send the same person may ask for another code for the same thing.
    pub resend_cooldown: Duration,
    /// Codes sent to one phone in one clock hour.
    pub sends_per_phone_per_hour: u32,
    /// Codes sent for one IIN in one day (UTC).
    pub sends_per_iin_per_day: u32,
    /// Codes checked for one IIN in one clock hour.
    pub verifications_per_iin_per_hour: u32,
    /// SMS the whole service may send in one clock hour.
    pub global_sms_per_hour: u32,
}

impl Default for OtpLimits {
    fn default() -> Self {
        OtpLimits {
            code_ttl: Duration::minutes(5),
            max_attempts: 5,
            resend_cooldown: Duration::seconds(60),
            sends_per_phone_per_hour: 5,
            sends_per_iin_per_day: 10,
            verifications_per_iin_per_hour: 20,
            global_sms_per_hour: 10_000,
        }
    }
}

/// A new challenge for the store to keep.
#[derive(Debug, Clone)]
pub struct NewChallenge<'a> {
    /// The challenge's id (random, unguessable).
    pub id: &'a str,
    /// The keyed hash of the code, bound to the challenge and its purpose.
    pub tag: &'a CodeTag,
    /// The person's rate-limit key ([`OtpHasher::subject_key`] of the IIN).
    pub iin_key: &'a str,
    /// The phone's rate-limit key; for a person without a confirmed phone, a key derived from
    /// the IIN, so that the per-phone limit refuses them the same way.
    pub phone_key: &'a str,
    /// The resend cooldown's key: the person and what the code is for.
    pub cooldown_key: &'a str,
    /// Whether a code is really sent: a challenge for a person without a confirmed phone is
    /// kept and counted like any other, but can never be satisfied and spends no SMS budget.
    pub deliverable: bool,
    /// Opaque data the store gives back when the code is accepted.
    pub record: &'a str,
    /// Now, by the service's clock.
    pub now: OffsetDateTime,
}

/// What the store did with a new challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueOutcome {
    /// Kept; the code may be sent.
    Issued {
        expires_at: OffsetDateTime,
        resend_after: OffsetDateTime,
    },
    /// A code for the same thing went out less than the cooldown ago.
    ResendTooSoon { retry_after_seconds: u32 },
    /// A per-phone, per-IIN or global limit is reached.
    RateLimited { retry_after_seconds: u32 },
}

/// What the store decided about a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyOutcome {
    /// The right code: the challenge is consumed, and here is its record.
    Accepted { record: String },
    /// A wrong code; this many attempts are left (0: the code is void now).
    Invalid { attempts_left: u32 },
    /// The code's lifetime is over.
    Expired,
    /// Every attempt was used; the code is void.
    AttemptsExceeded,
    /// Too many codes were checked for this person this hour.
    RateLimited { retry_after_seconds: u32 },
    /// No such challenge (never issued, consumed, or long gone).
    Unknown,
}

/// The store did not answer in time or failed.
#[derive(Debug, thiserror::Error)]
pub enum OtpStoreError {
    #[error("the one-time password store is unavailable: {0}")]
    Unavailable(String),
}

/// Where challenges live.
#[async_trait]
pub trait OtpStore: Send + Sync + std::fmt::Debug {
    /// Keeps a challenge, unless the cooldown or a rate limit refuses it.
    async fn issue(&self, challenge: &NewChallenge<'_>) -> Result<IssueOutcome, OtpStoreError>;

    /// Checks a code against a challenge, counting the attempt, and consumes the challenge
    /// when it is right: of any number of concurrent right codes, exactly one is accepted.
    async fn verify(
        &self,
        challenge_id: &str,
        tag: &CodeTag,
        now: OffsetDateTime,
    ) -> Result<VerifyOutcome, OtpStoreError>;

    /// Which store this is, for `/readyz` and the logs.
    fn kind(&self) -> &'static str;

    /// Whether the store answers now.
    async fn ping(&self) -> bool;
}

/// Fixed windows: the index of the window `now` falls in and the seconds until it ends.
pub(crate) fn window(now: OffsetDateTime, seconds: i64) -> (i64, u32) {
    let t = now.unix_timestamp();
    let index = t.div_euclid(seconds);
    let left = (index + 1) * seconds - t;
    (index, u32::try_from(left).unwrap_or(u32::MAX))
}

/// Seconds from `now` until `then`, rounded up, at least 1.
pub(crate) fn seconds_until(now: OffsetDateTime, then: OffsetDateTime) -> u32 {
    let millis = (then - now).whole_milliseconds().max(1);
    u32::try_from((millis + 999) / 1000).unwrap_or(u32::MAX)
}

pub(crate) const HOUR: i64 = 3600;
pub(crate) const DAY: i64 = 86_400;
