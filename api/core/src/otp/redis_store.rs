//! The Redis store. Each decision is one Lua script, which Redis runs atomically: of twenty
//! concurrent right codes exactly one consumes the challenge, and no wrong attempt is lost.
//! Every key is under the configured prefix and has a TTL. A Redis that does not answer is an
//! [`OtpStoreError`] within the connection and command timeouts; the next operation connects
//! again, so the store recovers by itself when Redis is back.

use async_trait::async_trait;
use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Script};
use time::OffsetDateTime;

use super::{
    CodeTag, DAY, HOUR, IssueOutcome, NewChallenge, OtpLimits, OtpStore, OtpStoreError,
    VerifyOutcome, window,
};

/// How long Redis may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedisTimeouts {
    /// To connect (including the handshake).
    pub connect: std::time::Duration,
    /// To answer one command.
    pub command: std::time::Duration,
}

impl Default for RedisTimeouts {
    fn default() -> Self {
        RedisTimeouts {
            connect: std::time::Duration::from_millis(500),
            command: std::time::Duration::from_millis(500),
        }
    }
}

/// KEYS: challenge, cooldown, phone counter, IIN counter, global counter.
/// ARGV: now (ms), cooldown (ms), phone limit, IIN limit, global limit, seconds left in the
/// hour, in the day, code lifetime (ms), tag, IIN key, deliverable (1/0), record,
/// challenge key TTL (s).
/// Returns {0} when kept, {1, seconds} for the cooldown, {2, seconds} for a rate limit.
const ISSUE: &str = r"
local now = tonumber(ARGV[1])
local resend_at = tonumber(redis.call('GET', KEYS[2]) or '0')
if resend_at > now then return {1, math.ceil((resend_at - now) / 1000)} end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[3]) then return {2, tonumber(ARGV[6])} end
if tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[4]) then return {2, tonumber(ARGV[7])} end
if tonumber(redis.call('GET', KEYS[5]) or '0') >= tonumber(ARGV[5]) then return {2, tonumber(ARGV[6])} end
redis.call('HSET', KEYS[1], 'tag', ARGV[9], 'attempts', '0', 'expires', tostring(now + tonumber(ARGV[8])),
  'iin', ARGV[10], 'ok', ARGV[11], 'record', ARGV[12])
redis.call('EXPIRE', KEYS[1], ARGV[13])
redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], 3660)
redis.call('INCR', KEYS[4])
redis.call('EXPIRE', KEYS[4], 86460)
if ARGV[11] == '1' then
  redis.call('INCR', KEYS[5])
  redis.call('EXPIRE', KEYS[5], 3660)
end
local cooldown = tonumber(ARGV[2])
if cooldown > 0 then
  redis.call('SET', KEYS[2], tostring(now + cooldown), 'PX', tostring(cooldown + 1000))
end
return {0}
";

/// KEYS: challenge. ARGV: tag, now (ms), max attempts, verifications limit, verification
/// counter prefix, hour index, seconds left in the hour, a tag no code has.
/// Returns {'0', record} accepted, {'1', left} invalid, {'3'} expired, {'4'} attempts exceeded,
/// {'5'} unknown, {'6', seconds} rate limited.
///
/// The verification counter's key is derived from the challenge (its IIN key), which is fine
/// on a single Redis, not on a cluster.
const VERIFY: &str = r"
local function same(a, b)
  local d = 0
  if #a ~= #b then d = 1 end
  for i = 1, math.min(#a, #b) do
    d = bit.bor(d, bit.bxor(string.byte(a, i), string.byte(b, i)))
  end
  return d == 0
end
local h = redis.call('HMGET', KEYS[1], 'tag', 'attempts', 'expires', 'iin', 'ok', 'record')
if not h[1] then
  same(ARGV[1], ARGV[8])
  return {'5'}
end
local attempts = tonumber(h[2])
local max = tonumber(ARGV[3])
if attempts >= max then return {'4'} end
if tonumber(ARGV[2]) >= tonumber(h[3]) then return {'3'} end
local vkey = ARGV[5] .. h[4] .. ':' .. ARGV[6]
if tonumber(redis.call('GET', vkey) or '0') >= tonumber(ARGV[4]) then return {'6', ARGV[7]} end
redis.call('INCR', vkey)
redis.call('EXPIRE', vkey, 3660)
local right = same(h[1], ARGV[1])
if right and h[5] == '1' then
  redis.call('DEL', KEYS[1])
  return {'0', h[6]}
end
attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
return {'1', tostring(max - attempts)}
";

/// Challenges in Redis.
#[derive(Debug)]
pub struct RedisOtpStore {
    client: redis::Client,
    prefix: String,
    limits: OtpLimits,
    timeouts: RedisTimeouts,
    connection: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    issue: Script,
    verify: Script,
}

impl RedisOtpStore {
    /// A store at this Redis URL, with keys under `prefix`. It connects on first use.
    ///
    /// # Errors
    ///
    /// When the URL does not parse.
    pub fn new(
        url: &str,
        prefix: &str,
        limits: OtpLimits,
        timeouts: RedisTimeouts,
    ) -> Result<Self, OtpStoreError> {
        let client = redis::Client::open(url)
            .map_err(|e| OtpStoreError::Unavailable(format!("invalid Redis URL: {e}")))?;
        Ok(RedisOtpStore {
            client,
            prefix: prefix.to_owned(),
            limits,
            timeouts,
            connection: tokio::sync::Mutex::new(None),
            issue: Script::new(ISSUE),
            verify: Script::new(VERIFY),
        })
    }

    async fn connection(&self) -> Result<MultiplexedConnection, redis::RedisError> {
        let mut guard = self.connection.lock().await;
        if let Some(connection) = guard.as_ref() {
            return Ok(connection.clone());
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.timeouts.connect))
            .set_response_timeout(Some(self.timeouts.command));
        let connection = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await?;
        *guard = Some(connection.clone());
        Ok(connection)
    }

    /// Runs one script invocation within the timeouts; on failure, forgets the connection so
    /// that the next operation connects again.
    async fn run<T: redis::FromRedisValue>(
        &self,
        invocation: redis::ScriptInvocation<'_>,
    ) -> Result<T, OtpStoreError> {
        let bound = self.timeouts.connect + self.timeouts.command * 3;
        let attempt = async {
            let mut connection = self.connection().await?;
            invocation.invoke_async::<T>(&mut connection).await
        };
        let failure = match tokio::time::timeout(bound, attempt).await {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(error)) => error.to_string(),
            Err(_) => "timed out".to_owned(),
        };
        *self.connection.lock().await = None;
        Err(OtpStoreError::Unavailable(failure))
    }
}

fn millis(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

fn duration_millis(duration: time::Duration) -> i64 {
    i64::try_from(duration.whole_milliseconds()).unwrap_or(i64::MAX)
}

fn seconds(value: Option<&i64>) -> u32 {
    value.map_or(1, |&s| u32::try_from(s.max(1)).unwrap_or(u32::MAX))
}

#[async_trait]
impl OtpStore for RedisOtpStore {
    async fn issue(&self, new: &NewChallenge<'_>) -> Result<IssueOutcome, OtpStoreError> {
        let now = new.now;
        let limits = &self.limits;
        let (hour, hour_left) = window(now, HOUR);
        let (day, day_left) = window(now, DAY);
        let p = &self.prefix;
        let mut invocation = self.issue.prepare_invoke();
        invocation
            .key(format!("{p}c:{}", new.id))
            .key(format!("{p}cool:{}", new.cooldown_key))
            .key(format!("{p}p:{}:{hour}", new.phone_key))
            .key(format!("{p}i:{}:{day}", new.iin_key))
            .key(format!("{p}g:{hour}"))
            .arg(millis(now))
            .arg(duration_millis(limits.resend_cooldown))
            .arg(limits.sends_per_phone_per_hour)
            .arg(limits.sends_per_iin_per_day)
            .arg(limits.global_sms_per_hour)
            .arg(hour_left)
            .arg(day_left)
            .arg(duration_millis(limits.code_ttl))
            .arg(new.tag.to_hex())
            .arg(new.iin_key)
            .arg(if new.deliverable { "1" } else { "0" })
            .arg(new.record)
            .arg(limits.code_ttl.whole_seconds().max(1) + HOUR);
        let answer: Vec<i64> = self.run(invocation).await?;
        match answer.first() {
            Some(0) => Ok(IssueOutcome::Issued {
                expires_at: now + limits.code_ttl,
                resend_after: now + limits.resend_cooldown,
            }),
            Some(1) => Ok(IssueOutcome::ResendTooSoon {
                retry_after_seconds: seconds(answer.get(1)),
            }),
            Some(2) => Ok(IssueOutcome::RateLimited {
                retry_after_seconds: seconds(answer.get(1)),
            }),
            _ => Err(OtpStoreError::Unavailable(format!(
                "unexpected answer of the issue script: {answer:?}"
            ))),
        }
    }

    async fn verify(
        &self,
        challenge_id: &str,
        tag: &CodeTag,
        now: OffsetDateTime,
    ) -> Result<VerifyOutcome, OtpStoreError> {
        let limits = &self.limits;
        let (hour, hour_left) = window(now, HOUR);
        let p = &self.prefix;
        let mut invocation = self.verify.prepare_invoke();
        invocation
            .key(format!("{p}c:{challenge_id}"))
            .arg(tag.to_hex())
            .arg(millis(now))
            .arg(limits.max_attempts)
            .arg(limits.verifications_per_iin_per_hour)
            .arg(format!("{p}v:"))
            .arg(hour)
            .arg(hour_left)
            .arg(CodeTag::none().to_hex());
        let answer: Vec<String> = self.run(invocation).await?;
        let number = |i: usize| answer.get(i).and_then(|s| s.parse::<i64>().ok());
        match answer.first().map(String::as_str) {
            Some("0") => Ok(VerifyOutcome::Accepted {
                record: answer.get(1).cloned().unwrap_or_default(),
            }),
            Some("1") => Ok(VerifyOutcome::Invalid {
                attempts_left: number(1).map_or(0, |n| u32::try_from(n.max(0)).unwrap_or(0)),
            }),
            Some("3") => Ok(VerifyOutcome::Expired),
            Some("4") => Ok(VerifyOutcome::AttemptsExceeded),
            Some("5") => Ok(VerifyOutcome::Unknown),
            Some("6") => Ok(VerifyOutcome::RateLimited {
                retry_after_seconds: seconds(number(1).as_ref()),
            }),
            _ => Err(OtpStoreError::Unavailable(format!(
                "unexpected answer of the verify script: {answer:?}"
            ))),
        }
    }

    fn kind(&self) -> &'static str {
        "redis"
    }

    async fn ping(&self) -> bool {
        let attempt = async {
            let mut connection = self.connection().await?;
            redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await
        };
        let bound = self.timeouts.connect + self.timeouts.command;
        match tokio::time::timeout(bound, attempt).await {
            Ok(Ok(_)) => true,
            _ => {
                *self.connection.lock().await = None;
                false
            }
        }
    }
}
