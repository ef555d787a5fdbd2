//! The in-process store: the embedded default without `REDIS_URL`. The same decisions as the
//! Redis script, each under one lock, so that the same tests hold for both. Codes live in this
//! process's memory: they do not survive a restart and are not shared between instances.

use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Mutex;
use time::{Duration, OffsetDateTime};

use super::{
    CodeTag, DAY, HOUR, IssueOutcome, NewChallenge, OtpLimits, OtpStore, OtpStoreError,
    VerifyOutcome, seconds_until, window,
};

/// How long a challenge is remembered after its code expired, so that a late attempt is told
/// "expired" rather than "unknown" (the Redis store keeps its keys as long).
const REMEMBER: Duration = Duration::hours(1);

#[derive(Debug)]
struct Challenge {
    tag: CodeTag,
    attempts: u32,
    expires_at: OffsetDateTime,
    iin_key: String,
    deliverable: bool,
    record: String,
}

#[derive(Debug, Default)]
struct State {
    challenges: HashMap<String, Challenge>,
    /// (count, forgotten at).
    counters: HashMap<String, (u32, OffsetDateTime)>,
    cooldowns: HashMap<String, OffsetDateTime>,
    operations: u32,
}

impl State {
    fn count(&self, key: &str, now: OffsetDateTime) -> u32 {
        match self.counters.get(key) {
            Some(&(count, until)) if until > now => count,
            _ => 0,
        }
    }

    fn increment(&mut self, key: String, now: OffsetDateTime, lifetime: i64) {
        let until = now + Duration::seconds(lifetime + 60);
        let entry = self.counters.entry(key).or_insert((0, until));
        if entry.1 <= now {
            *entry = (0, until);
        }
        entry.0 += 1;
    }

    fn purge(&mut self, now: OffsetDateTime) {
        self.operations = self.operations.wrapping_add(1);
        if !self.operations.is_multiple_of(256) {
            return;
        }
        self.challenges.retain(|_, c| c.expires_at + REMEMBER > now);
        self.counters.retain(|_, &mut (_, until)| until > now);
        self.cooldowns.retain(|_, &mut until| until > now);
    }
}

/// Challenges in a map in this process.
#[derive(Debug)]
pub struct MemoryOtpStore {
    limits: OtpLimits,
    state: Mutex<State>,
}

impl MemoryOtpStore {
    /// An empty store with these limits.
    #[must_use]
    pub fn new(limits: OtpLimits) -> Self {
        MemoryOtpStore {
            limits,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

#[async_trait]
impl OtpStore for MemoryOtpStore {
    async fn issue(&self, new: &NewChallenge<'_>) -> Result<IssueOutcome, OtpStoreError> {
        let now = new.now;
        let limits = &self.limits;
        let mut state = self.state();
        state.purge(now);
        if let Some(&resend_at) = state.cooldowns.get(new.cooldown_key)
            && resend_at > now
        {
            return Ok(IssueOutcome::ResendTooSoon {
                retry_after_seconds: seconds_until(now, resend_at),
            });
        }
        let (hour, hour_left) = window(now, HOUR);
        let (day, day_left) = window(now, DAY);
        let phone = format!("p:{}:{hour}", new.phone_key);
        let iin = format!("i:{}:{day}", new.iin_key);
        let global = format!("g:{hour}");
        if state.count(&phone, now) >= limits.sends_per_phone_per_hour {
            return Ok(IssueOutcome::RateLimited {
                retry_after_seconds: hour_left,
            });
        }
        if state.count(&iin, now) >= limits.sends_per_iin_per_day {
            return Ok(IssueOutcome::RateLimited {
                retry_after_seconds: day_left,
            });
        }
        if state.count(&global, now) >= limits.global_sms_per_hour {
            return Ok(IssueOutcome::RateLimited {
                retry_after_seconds: hour_left,
            });
        }
        let expires_at = now + limits.code_ttl;
        let resend_after = now + limits.resend_cooldown;
        state.challenges.insert(
            new.id.to_owned(),
            Challenge {
                tag: new.tag.clone(),
                attempts: 0,
                expires_at,
                iin_key: new.iin_key.to_owned(),
                deliverable: new.deliverable,
                record: new.record.to_owned(),
            },
        );
        state.increment(phone, now, HOUR);
        state.increment(iin, now, DAY);
        if new.deliverable {
            state.increment(global, now, HOUR);
        }
        state
            .cooldowns
            .insert(new.cooldown_key.to_owned(), resend_after);
        Ok(IssueOutcome::Issued {
            expires_at,
            resend_after,
        })
    }

    async fn verify(
        &self,
        challenge_id: &str,
        tag: &CodeTag,
        now: OffsetDateTime,
    ) -> Result<VerifyOutcome, OtpStoreError> {
        let limits = &self.limits;
        let mut state = self.state();
        let Some(challenge) = state
            .challenges
            .get(challenge_id)
            .filter(|c| c.expires_at + REMEMBER > now)
        else {
            // The same comparison as for a challenge, against a tag no code has.
            let _ = std::hint::black_box(CodeTag::none().matches(tag));
            return Ok(VerifyOutcome::Unknown);
        };
        if challenge.attempts >= limits.max_attempts {
            return Ok(VerifyOutcome::AttemptsExceeded);
        }
        if now >= challenge.expires_at {
            return Ok(VerifyOutcome::Expired);
        }
        let (hour, hour_left) = window(now, HOUR);
        let verifications = format!("v:{}:{hour}", challenge.iin_key);
        if state.count(&verifications, now) >= limits.verifications_per_iin_per_hour {
            return Ok(VerifyOutcome::RateLimited {
                retry_after_seconds: hour_left,
            });
        }
        state.increment(verifications, now, HOUR);
        let Some(challenge) = state.challenges.get_mut(challenge_id) else {
            return Ok(VerifyOutcome::Unknown);
        };
        let right = challenge.tag.matches(tag);
        if right && challenge.deliverable {
            let record = state
                .challenges
                .remove(challenge_id)
                .map(|c| c.record)
                .unwrap_or_default();
            return Ok(VerifyOutcome::Accepted { record });
        }
        challenge.attempts += 1;
        Ok(VerifyOutcome::Invalid {
            attempts_left: limits.max_attempts.saturating_sub(challenge.attempts),
        })
    }

    fn kind(&self) -> &'static str {
        "memory"
    }

    async fn ping(&self) -> bool {
        true
    }
}
