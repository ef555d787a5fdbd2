//! A measurement, not a check (`#[ignore]`): one-time password round trips (issue a challenge,
//! then verify its code: two Lua scripts, four HMACs) per second on the real Redis at
//! 127.0.0.1:6379, to set beside `redis-benchmark -t set,get` on the same machine.
//!
//! `cargo test --release -p registration-core --test otp_bench -- --ignored --nocapture`
//!
//! Measured on the 2-core development machine (2026-12-01, Redis 7 at 127.0.0.1:6379, idle):
//! 8 523 round trips/s with one task, 26 094 with 50 tasks; `redis-benchmark -t set,get -q`
//! on the same machine: SET 45 683/s and GET 44 131/s with `-c 1`, SET 67 866/s and
//! GET 73 937/s with `-c 50`. A round trip is two script calls, so 0.19 (one task) and 0.38
//! (50 tasks) round trips per SET, about 0.37 and 0.77 script calls per SET.

#![allow(
    clippy::unwrap_used,
    reason = "a measurement fails when something is wrong"
)]

use registration_core::otp::{
    IssueOutcome, NewChallenge, OtpHasher, OtpLimits, OtpStore, RedisOtpStore, RedisTimeouts,
    VerifyOutcome, generate_code,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use time::macros::datetime;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement: run it with --ignored --nocapture"]
async fn otp_round_trips_per_second_on_redis() {
    let limits = OtpLimits {
        resend_cooldown: time::Duration::ZERO,
        sends_per_phone_per_hour: u32::MAX,
        sends_per_iin_per_day: u32::MAX,
        verifications_per_iin_per_hour: u32::MAX,
        global_sms_per_hour: u32::MAX,
        ..OtpLimits::default()
    };
    let prefix = format!("bench:otp:{}:", uuid::Uuid::new_v4().simple());
    let store: Arc<dyn OtpStore> = Arc::new(
        RedisOtpStore::new(
            "redis://127.0.0.1:6379",
            &prefix,
            limits,
            RedisTimeouts::default(),
        )
        .unwrap(),
    );
    let hasher = OtpHasher::random().unwrap();
    let now = datetime!(2026-12-01 10:00 UTC);
    let done = Arc::new(AtomicU64::new(0));
    let length = Duration::from_secs(5);
    for concurrency in [1usize, 50] {
        done.store(0, Ordering::SeqCst);
        let started = Instant::now();
        let tasks: Vec<_> = (0..concurrency)
            .map(|t| {
                let (store, hasher, done) = (Arc::clone(&store), hasher.clone(), Arc::clone(&done));
                tokio::spawn(async move {
                    let mut n = 0u64;
                    while started.elapsed() < length {
                        let id = uuid::Uuid::new_v4().to_string();
                        let code = generate_code().unwrap();
                        let iin = format!("iin{t}:{n}");
                        let iin_key = hasher.subject_key("iin", &iin);
                        let phone_key = hasher.subject_key("phone", &iin);
                        let cooldown = hasher.subject_key("cooldown", &iin);
                        let tag = hasher.code_tag(&id, "LOGIN", &code);
                        let issued = store
                            .issue(&NewChallenge {
                                id: &id,
                                tag: &tag,
                                iin_key: &iin_key,
                                phone_key: &phone_key,
                                cooldown_key: &cooldown,
                                deliverable: true,
                                record: "{}",
                                now,
                            })
                            .await
                            .unwrap();
                        assert!(matches!(issued, IssueOutcome::Issued { .. }));
                        let tag = hasher.code_tag(&id, "LOGIN", &code);
                        let verified = store.verify(&id, &tag, now).await.unwrap();
                        assert!(matches!(verified, VerifyOutcome::Accepted { .. }));
                        n += 1;
                    }
                    done.fetch_add(n, Ordering::SeqCst);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let seconds = started.elapsed().as_secs_f64();
        let total = done.load(Ordering::SeqCst);
        println!(
            "concurrency {concurrency}: {total} round trips in {seconds:.2} s = {:.0} round trips/s",
            total as f64 / seconds
        );
    }
}
