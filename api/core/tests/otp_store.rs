//! The one-time password stores: every test runs against the in-process store and against the
//! real Redis at 127.0.0.1:6379 (each test under its own key prefix), moving a ManualClock.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "the helpers of these tests fail the test when something is wrong"
)]

use registration_core::otp::{
    CodeTag, IssueOutcome, MemoryOtpStore, NewChallenge, OtpHasher, OtpLimits, OtpStore,
    RedisOtpStore, RedisTimeouts, VerifyOutcome,
};
use registration_core::{Clock, ManualClock};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};
use time::Duration;
use time::macros::datetime;

const REDIS: &str = "redis://127.0.0.1:6379";

fn stores(limits: &OtpLimits) -> Vec<Arc<dyn OtpStore>> {
    let prefix = format!("test:otp:{}:", uuid::Uuid::new_v4().simple());
    vec![
        Arc::new(MemoryOtpStore::new(limits.clone())),
        Arc::new(
            RedisOtpStore::new(REDIS, &prefix, limits.clone(), RedisTimeouts::default()).unwrap(),
        ),
    ]
}

fn clock() -> ManualClock {
    ManualClock::new(datetime!(2026-12-01 10:00:30 UTC))
}

/// One person's challenge: what the service will hand the store.
struct Person {
    hasher: OtpHasher,
    iin_key: String,
    phone_key: String,
}

impl Person {
    fn new(hasher: &OtpHasher, iin: &str, phone: &str) -> Self {
        Person {
            hasher: hasher.clone(),
            iin_key: hasher.subject_key("iin", iin),
            phone_key: hasher.subject_key("phone", phone),
        }
    }

    async fn issue(
        &self,
        store: &dyn OtpStore,
        id: &str,
        code: &str,
        deliverable: bool,
        clock: &dyn Clock,
    ) -> IssueOutcome {
        let tag = self.hasher.code_tag(id, "LOGIN", code);
        let cooldown = format!("{}:LOGIN", self.iin_key);
        store
            .issue(&NewChallenge {
                id,
                tag: &tag,
                iin_key: &self.iin_key,
                phone_key: &self.phone_key,
                cooldown_key: &cooldown,
                deliverable,
                record: "the record",
                now: clock.now(),
            })
            .await
            .unwrap()
    }

    fn tag(&self, id: &str, code: &str) -> CodeTag {
        self.hasher.code_tag(id, "LOGIN", code)
    }
}

fn id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn issued(outcome: &IssueOutcome) -> bool {
    matches!(outcome, IssueOutcome::Issued { .. })
}

#[tokio::test]
async fn a_right_code_is_accepted_once() {
    let limits = OtpLimits::default();
    for store in stores(&limits) {
        let clock = clock();
        let hasher = OtpHasher::random().unwrap();
        let aigerim = Person::new(&hasher, "871008401427", "+77017234518");
        let c = id();
        let outcome = aigerim.issue(&*store, &c, "123456", true, &clock).await;
        assert_eq!(
            outcome,
            IssueOutcome::Issued {
                expires_at: clock.now() + Duration::minutes(5),
                resend_after: clock.now() + Duration::seconds(60),
            },
            "{}",
            store.kind()
        );
        let first = store
            .verify(&c, &aigerim.tag(&c, "123456"), clock.now())
            .await;
        assert_eq!(
            first.unwrap(),
            VerifyOutcome::Accepted {
                record: "the record".into()
            },
            "{}",
            store.kind()
        );
        // Replay: the challenge is consumed.
        let again = store
            .verify(&c, &aigerim.tag(&c, "123456"), clock.now())
            .await;
        assert_eq!(again.unwrap(), VerifyOutcome::Unknown, "{}", store.kind());
        // A challenge never issued.
        let none = store
            .verify(&id(), &aigerim.tag("x", "123456"), clock.now())
            .await;
        assert_eq!(none.unwrap(), VerifyOutcome::Unknown, "{}", store.kind());
        assert!(store.ping().await);
    }
}

#[tokio::test]
async fn a_code_expires_after_its_lifetime() {
    let limits = OtpLimits {
        code_ttl: Duration::minutes(3),
        ..OtpLimits::default()
    };
    for store in stores(&limits) {
        let clock = clock();
        let person = Person::new(
            &OtpHasher::random().unwrap(),
            "871008401427",
            "+77017234518",
        );
        let (early, late) = (id(), id());
        assert!(issued(
            &person.issue(&*store, &early, "111111", true, &clock).await
        ));
        clock.advance(Duration::minutes(3) - Duration::seconds(1));
        let ok = store
            .verify(&early, &person.tag(&early, "111111"), clock.now())
            .await;
        assert!(
            matches!(ok.unwrap(), VerifyOutcome::Accepted { .. }),
            "{}",
            store.kind()
        );

        clock.advance(Duration::minutes(1));
        assert!(issued(
            &person.issue(&*store, &late, "222222", true, &clock).await
        ));
        clock.advance(Duration::minutes(3));
        let expired = store
            .verify(&late, &person.tag(&late, "222222"), clock.now())
            .await;
        assert_eq!(expired.unwrap(), VerifyOutcome::Expired, "{}", store.kind());
    }
}

#[tokio::test]
async fn wrong_attempts_count_down_and_then_the_code_is_void() {
    let limits = OtpLimits {
        max_attempts: 3,
        ..OtpLimits::default()
    };
    for store in stores(&limits) {
        let clock = clock();
        let person = Person::new(
            &OtpHasher::random().unwrap(),
            "871008401427",
            "+77017234518",
        );
        let c = id();
        assert!(issued(
            &person.issue(&*store, &c, "123456", true, &clock).await
        ));
        for left in [2, 1, 0] {
            let wrong = store
                .verify(&c, &person.tag(&c, "654321"), clock.now())
                .await;
            assert_eq!(
                wrong.unwrap(),
                VerifyOutcome::Invalid {
                    attempts_left: left
                },
                "{}",
                store.kind()
            );
        }
        let right = store
            .verify(&c, &person.tag(&c, "123456"), clock.now())
            .await;
        assert_eq!(
            right.unwrap(),
            VerifyOutcome::AttemptsExceeded,
            "{}",
            store.kind()
        );
    }
}

#[tokio::test]
async fn a_code_bound_to_one_purpose_does_not_serve_another() {
    let limits = OtpLimits::default();
    for store in stores(&limits) {
        let clock = clock();
        let hasher = OtpHasher::random().unwrap();
        let person = Person::new(&hasher, "871008401427", "+77017234518");
        let c = id();
        assert!(issued(
            &person.issue(&*store, &c, "123456", true, &clock).await
        ));
        // The same code, checked as a signature of some request: another tag, a wrong code.
        let other = hasher.code_tag(&c, "SIGN:request:digest", "123456");
        let outcome = store.verify(&c, &other, clock.now()).await;
        assert_eq!(
            outcome.unwrap(),
            VerifyOutcome::Invalid { attempts_left: 4 },
            "{}",
            store.kind()
        );
    }
}

#[tokio::test]
async fn a_challenge_without_a_phone_is_never_satisfied() {
    let limits = OtpLimits::default();
    for store in stores(&limits) {
        let clock = clock();
        let person = Person::new(&OtpHasher::random().unwrap(), "760212350620", "no phone");
        let c = id();
        assert!(issued(
            &person.issue(&*store, &c, "123456", false, &clock).await
        ));
        let outcome = store
            .verify(&c, &person.tag(&c, "123456"), clock.now())
            .await;
        assert_eq!(
            outcome.unwrap(),
            VerifyOutcome::Invalid { attempts_left: 4 },
            "{}",
            store.kind()
        );
    }
}

#[tokio::test]
async fn a_resend_waits_for_the_cooldown() {
    let limits = OtpLimits {
        resend_cooldown: Duration::seconds(45),
        ..OtpLimits::default()
    };
    for store in stores(&limits) {
        let clock = clock();
        let person = Person::new(
            &OtpHasher::random().unwrap(),
            "871008401427",
            "+77017234518",
        );
        assert!(issued(
            &person.issue(&*store, &id(), "1", true, &clock).await
        ));
        clock.advance(Duration::seconds(20));
        assert_eq!(
            person.issue(&*store, &id(), "2", true, &clock).await,
            IssueOutcome::ResendTooSoon {
                retry_after_seconds: 25
            },
            "{}",
            store.kind()
        );
        clock.advance(Duration::seconds(25));
        assert!(
            issued(&person.issue(&*store, &id(), "3", true, &clock).await),
            "{}",
            store.kind()
        );
    }
}

fn no_cooldown() -> OtpLimits {
    OtpLimits {
        resend_cooldown: Duration::ZERO,
        ..OtpLimits::default()
    }
}

#[tokio::test]
async fn sends_per_phone_per_hour_are_limited() {
    let limits = OtpLimits {
        sends_per_phone_per_hour: 2,
        ..no_cooldown()
    };
    for store in stores(&limits) {
        let clock = clock(); // 10:00:30
        let hasher = OtpHasher::random().unwrap();
        // Two people who share a phone: the phone's limit counts both.
        let a = Person::new(&hasher, "871008401427", "+77017234518");
        let b = Person::new(&hasher, "061211600012", "+77017234518");
        assert!(issued(&a.issue(&*store, &id(), "1", true, &clock).await));
        assert!(issued(&b.issue(&*store, &id(), "2", true, &clock).await));
        assert_eq!(
            a.issue(&*store, &id(), "3", true, &clock).await,
            IssueOutcome::RateLimited {
                retry_after_seconds: 3570
            },
            "{}",
            store.kind()
        );
        // Another phone is not limited; the next hour is not either.
        let c = Person::new(&hasher, "871008401427", "+77019302245");
        assert!(issued(&c.issue(&*store, &id(), "4", true, &clock).await));
        clock.advance(Duration::seconds(3570));
        assert!(
            issued(&a.issue(&*store, &id(), "5", true, &clock).await),
            "{}",
            store.kind()
        );
    }
}

#[tokio::test]
async fn sends_per_iin_per_day_are_limited() {
    let limits = OtpLimits {
        sends_per_iin_per_day: 2,
        ..no_cooldown()
    };
    for store in stores(&limits) {
        let clock = clock();
        let hasher = OtpHasher::random().unwrap();
        let phones = ["+77017234518", "+77019302245", "+77051187340"];
        let people: Vec<Person> = phones
            .iter()
            .map(|p| Person::new(&hasher, "871008401427", p))
            .collect();
        assert!(issued(
            &people[0].issue(&*store, &id(), "1", true, &clock).await
        ));
        clock.advance(Duration::hours(2));
        assert!(issued(
            &people[1].issue(&*store, &id(), "2", true, &clock).await
        ));
        assert_eq!(
            people[2].issue(&*store, &id(), "3", true, &clock).await,
            // 12:00:30: until midnight.
            IssueOutcome::RateLimited {
                retry_after_seconds: 12 * 3600 - 30
            },
            "{}",
            store.kind()
        );
        clock.advance(Duration::hours(12));
        assert!(
            issued(&people[2].issue(&*store, &id(), "4", true, &clock).await),
            "{}",
            store.kind()
        );
    }
}

#[tokio::test]
async fn the_global_sms_budget_is_limited_and_refuses_everyone_alike() {
    let limits = OtpLimits {
        global_sms_per_hour: 2,
        ..no_cooldown()
    };
    for store in stores(&limits) {
        let clock = clock();
        let hasher = OtpHasher::random().unwrap();
        let person = |n: usize| Person::new(&hasher, &format!("iin{n}"), &format!("phone{n}"));
        // Challenges that send nothing spend no budget.
        assert!(issued(
            &person(0).issue(&*store, &id(), "0", false, &clock).await
        ));
        assert!(issued(
            &person(1).issue(&*store, &id(), "1", true, &clock).await
        ));
        assert!(issued(
            &person(2).issue(&*store, &id(), "2", true, &clock).await
        ));
        let refused = IssueOutcome::RateLimited {
            retry_after_seconds: 3570,
        };
        assert_eq!(
            person(3).issue(&*store, &id(), "3", true, &clock).await,
            refused
        );
        // A person without a phone is refused the same way.
        assert_eq!(
            person(4).issue(&*store, &id(), "4", false, &clock).await,
            refused,
            "{}",
            store.kind()
        );
    }
}

#[tokio::test]
async fn verifications_per_iin_per_hour_are_limited() {
    let limits = OtpLimits {
        verifications_per_iin_per_hour: 3,
        ..no_cooldown()
    };
    for store in stores(&limits) {
        let clock = clock();
        let person = Person::new(
            &OtpHasher::random().unwrap(),
            "871008401427",
            "+77017234518",
        );
        let (first, second) = (id(), id());
        assert!(issued(
            &person.issue(&*store, &first, "123456", true, &clock).await
        ));
        assert!(issued(
            &person.issue(&*store, &second, "123456", true, &clock).await
        ));
        for _ in 0..2 {
            let wrong = store
                .verify(&first, &person.tag(&first, "0"), clock.now())
                .await;
            assert!(matches!(wrong.unwrap(), VerifyOutcome::Invalid { .. }));
        }
        let wrong = store
            .verify(&second, &person.tag(&second, "0"), clock.now())
            .await;
        assert!(matches!(wrong.unwrap(), VerifyOutcome::Invalid { .. }));
        // The fourth check this hour for this person, even with the right code.
        let limited = store
            .verify(&second, &person.tag(&second, "123456"), clock.now())
            .await;
        assert_eq!(
            limited.unwrap(),
            VerifyOutcome::RateLimited {
                retry_after_seconds: 3570
            },
            "{}",
            store.kind()
        );
        clock.advance(Duration::seconds(3570));
        let next_hour = store
            .verify(&second, &person.tag(&second, "123456"), clock.now())
            .await;
        // The code expired meanwhile: the limit no longer answers, the challenge does.
        assert_eq!(
            next_hour.unwrap(),
            VerifyOutcome::Expired,
            "{}",
            store.kind()
        );
    }
}

/// Races `right` right codes and `wrong` wrong codes at one challenge.
async fn race(store: Arc<dyn OtpStore>, right: usize, wrong: usize) -> Vec<VerifyOutcome> {
    let clock = clock();
    let person = Arc::new(Person::new(
        &OtpHasher::random().unwrap(),
        "871008401427",
        "+77017234518",
    ));
    let c = id();
    assert!(issued(
        &person.issue(&*store, &c, "123456", true, &clock).await
    ));
    let now = clock.now();
    let barrier = Arc::new(tokio::sync::Barrier::new(right + wrong));
    let tasks: Vec<_> = (0..right + wrong)
        .map(|i| {
            let (store, person, c, barrier) = (
                Arc::clone(&store),
                Arc::clone(&person),
                c.clone(),
                Arc::clone(&barrier),
            );
            // Interleave the wrong codes among the right ones.
            let code = if i % ((right + wrong) / wrong.max(1)) == 0
                && i / ((right + wrong) / wrong.max(1)) < wrong
            {
                "000000"
            } else {
                "123456"
            };
            tokio::spawn(async move {
                barrier.wait().await;
                store.verify(&c, &person.tag(&c, code), now).await.unwrap()
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}

fn tally(outcomes: &[VerifyOutcome]) -> (usize, Vec<u32>) {
    let accepted = outcomes
        .iter()
        .filter(|o| matches!(o, VerifyOutcome::Accepted { .. }))
        .count();
    let mut left: Vec<u32> = outcomes
        .iter()
        .filter_map(|o| match o {
            VerifyOutcome::Invalid { attempts_left } => Some(*attempts_left),
            _ => None,
        })
        .collect();
    left.sort_unstable();
    (accepted, left)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn twenty_concurrent_right_and_wrong_codes_have_one_winner() {
    for _ in 0..5 {
        for store in stores(&OtpLimits::default()) {
            let kind = store.kind();
            // 20 right and 4 wrong: exactly one success.
            let outcomes = race(Arc::clone(&store), 20, 4).await;
            let (accepted, left) = tally(&outcomes);
            assert_eq!(accepted, 1, "{kind}: {outcomes:?}");
            // Each wrong attempt counted once, in order, never two with the same count.
            let n = left.len();
            assert!(n <= 4, "{kind}: {outcomes:?}");
            assert_eq!(left, (5 - n as u32..5).collect::<Vec<_>>(), "{kind}");

            // 20 right and 8 wrong: at most one success, none after the fifth wrong.
            let outcomes = race(Arc::clone(&store), 20, 8).await;
            let (accepted, left) = tally(&outcomes);
            assert!(accepted <= 1, "{kind}: {outcomes:?}");
            let n = left.len();
            assert!(n <= 5, "{kind}: {outcomes:?}");
            assert_eq!(left, (5 - n as u32..5).collect::<Vec<_>>(), "{kind}");
            assert!(
                !(accepted == 1 && n == 5),
                "{kind}: a success after the fifth wrong code"
            );
            if accepted == 0 {
                assert_eq!(n, 5, "{kind}: {outcomes:?}");
            }
        }
    }
}

#[tokio::test]
async fn a_redis_that_does_not_answer_fails_within_the_timeouts() {
    let store = RedisOtpStore::new(
        "redis://127.0.0.1:1",
        "test:otp:closed:",
        OtpLimits::default(),
        RedisTimeouts::default(),
    )
    .unwrap();
    let person = Person::new(
        &OtpHasher::random().unwrap(),
        "871008401427",
        "+77017234518",
    );
    let clock = clock();
    let started = Instant::now();
    let tag = person.tag("c", "1");
    let cooldown = "cooldown".to_owned();
    let outcome = store
        .issue(&NewChallenge {
            id: "c",
            tag: &tag,
            iin_key: &person.iin_key,
            phone_key: &person.phone_key,
            cooldown_key: &cooldown,
            deliverable: true,
            record: "",
            now: clock.now(),
        })
        .await;
    assert!(outcome.is_err());
    assert!(store.verify("c", &tag, clock.now()).await.is_err());
    assert!(!store.ping().await);
    assert!(
        started.elapsed() < StdDuration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

/// A redis-server of this test's own, on its own port.
struct OwnRedis {
    port: u16,
    child: Option<std::process::Child>,
}

impl OwnRedis {
    fn start(port: u16) -> Self {
        let child = std::process::Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server must be installed");
        let deadline = Instant::now() + StdDuration::from_secs(5);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(StdDuration::from_millis(20));
        }
        OwnRedis {
            port,
            child: Some(child),
        }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_redis_store_recovers_when_redis_is_back() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut redis = OwnRedis::start(port);
    let store = RedisOtpStore::new(
        &format!("redis://127.0.0.1:{}", redis.port),
        "test:otp:",
        no_cooldown(),
        RedisTimeouts::default(),
    )
    .unwrap();
    let clock = clock();
    let person = Person::new(
        &OtpHasher::random().unwrap(),
        "871008401427",
        "+77017234518",
    );
    assert!(issued(
        &person.issue(&store, &id(), "1", true, &clock).await
    ));
    assert!(store.ping().await);

    redis.stop();
    let started = Instant::now();
    let tag = person.tag("c", "1");
    let cooldown = "k".to_owned();
    let new = NewChallenge {
        id: "c",
        tag: &tag,
        iin_key: &person.iin_key,
        phone_key: &person.phone_key,
        cooldown_key: &cooldown,
        deliverable: true,
        record: "",
        now: clock.now(),
    };
    assert!(store.issue(&new).await.is_err());
    assert!(!store.ping().await);
    assert!(
        started.elapsed() < StdDuration::from_secs(3),
        "{:?}",
        started.elapsed()
    );

    let _redis = OwnRedis::start(port);
    // The scripts are gone with the old server; the store loads them again.
    let c = id();
    assert!(issued(
        &person.issue(&store, &c, "777777", true, &clock).await
    ));
    let outcome = store
        .verify(&c, &person.tag(&c, "777777"), clock.now())
        .await;
    assert!(matches!(outcome.unwrap(), VerifyOutcome::Accepted { .. }));
    assert!(store.ping().await);
}
