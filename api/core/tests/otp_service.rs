//! Asking for and checking one-time passwords through the service: the phone the mobile
//! database confirms, no enumeration, purpose and payload binding, Redis unavailable.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "the helpers of these tests fail the test when something is wrong"
)]

mod common;

use async_trait::async_trait;
use entities::enums::{KeyPurpose, SigningSubjectKind};
use registration_core::context::ServiceContext;
use registration_core::domain::{Iin, PhoneNumber};
use registration_core::otp::{
    CodeTag, IssueOutcome, MemoryOtpStore, NewChallenge, OtpHasher, OtpLimits, OtpStore,
    OtpStoreError, RedisOtpStore, RedisTimeouts, VerifyOutcome,
};
use registration_core::registries::{LocalRegistries, MobileDatabase, RegistryError};
use registration_core::service::otp::{self, OtpError, OtpPurpose, OtpRuntime};
use registration_core::service::signing::{
    self, KeyRequirements, NewSigningRequest, SigningMethod,
};
use registration_core::sms::{SmsError, SmsGateway, SmsMessage};
use registration_core::{Clock, ManualClock};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use time::Duration;
use time::macros::datetime;
use uuid::Uuid;

const AIGERIM: &str = "871008401427";
const DANA: &str = "061211600012";

/// Keeps what it is asked to send.
#[derive(Debug, Default)]
struct Recorder(Mutex<Vec<SmsMessage>>);

#[async_trait]
impl SmsGateway for Recorder {
    async fn send(&self, message: &SmsMessage) -> Result<(), SmsError> {
        self.0.lock().unwrap().push(message.clone());
        Ok(())
    }
}

impl Recorder {
    /// The code of the last message to `phone`, waiting a little for the queue.
    async fn code_for(&self, phone: &str) -> String {
        for _ in 0..100 {
            if let Some(m) = self
                .0
                .lock()
                .unwrap()
                .iter()
                .rev()
                .find(|m| m.phone == phone)
            {
                return m.code.clone().unwrap();
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("no SMS to {phone}");
    }

    fn count(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

/// Counts the registry questions.
#[derive(Debug)]
struct CountingMobile {
    inner: LocalRegistries,
    calls: AtomicUsize,
}

#[async_trait]
impl MobileDatabase for CountingMobile {
    async fn phone_of(&self, iin: &Iin) -> Result<Option<PhoneNumber>, RegistryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.phone_of(iin).await
    }
    async fn confirms(&self, iin: &Iin, phone: &PhoneNumber) -> Result<bool, RegistryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.confirms(iin, phone).await
    }
}

/// Counts the store calls.
#[derive(Debug)]
struct CountingStore {
    inner: Arc<dyn OtpStore>,
    calls: AtomicUsize,
}

#[async_trait]
impl OtpStore for CountingStore {
    async fn issue(&self, c: &NewChallenge<'_>) -> Result<IssueOutcome, OtpStoreError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.issue(c).await
    }
    async fn verify(
        &self,
        id: &str,
        tag: &CodeTag,
        now: time::OffsetDateTime,
    ) -> Result<VerifyOutcome, OtpStoreError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.verify(id, tag, now).await
    }
    fn kind(&self) -> &'static str {
        self.inner.kind()
    }
    async fn ping(&self) -> bool {
        self.inner.ping().await
    }
}

struct Setup {
    ctx: ServiceContext,
    rt: OtpRuntime,
    sms: Arc<Recorder>,
    mobile: Arc<CountingMobile>,
    store: Arc<CountingStore>,
    clock: Arc<ManualClock>,
}

async fn setup(store: Arc<dyn OtpStore>) -> Setup {
    let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 10:00 UTC)));
    let db = common::database(true, &clock).await;
    let ctx = common::context(&db, &clock);
    let sms = Arc::new(Recorder::default());
    let mobile = Arc::new(CountingMobile {
        inner: LocalRegistries::new(db),
        calls: AtomicUsize::new(0),
    });
    let store = Arc::new(CountingStore {
        inner: store,
        calls: AtomicUsize::new(0),
    });
    let rt = OtpRuntime {
        store: store.clone(),
        hasher: OtpHasher::random().unwrap(),
        sms: sms.clone(),
        mobile: mobile.clone(),
        limits: OtpLimits::default(),
        seal: Arc::new(registration_core::seal::Sealer::development().unwrap()),
    };
    Setup {
        ctx,
        rt,
        sms,
        mobile,
        store,
        clock,
    }
}

fn stores() -> Vec<Arc<dyn OtpStore>> {
    let prefix = format!("test:otp-service:{}:", Uuid::new_v4().simple());
    vec![
        Arc::new(MemoryOtpStore::new(OtpLimits::default())),
        Arc::new(
            RedisOtpStore::new(
                "redis://127.0.0.1:6379",
                &prefix,
                OtpLimits::default(),
                RedisTimeouts::default(),
            )
            .unwrap(),
        ),
    ]
}

/// A well-formed IIN that neither registry knows.
fn stranger() -> Iin {
    (0..10)
        .find_map(|d| Iin::parse(&format!("99010130000{d}")).ok())
        .unwrap()
}

async fn signing_request(
    s: &Setup,
    signer: &str,
    methods: Vec<SigningMethod>,
    payload: &[u8],
) -> Uuid {
    let now = s.clock.now();
    signing::create_request(
        &s.ctx.db,
        NewSigningRequest {
            subject_kind: SigningSubjectKind::Application,
            subject_id: Uuid::new_v4(),
            subject_version: 1,
            payload: payload.to_vec(),
            text: "text".to_owned(),
            requirements: KeyRequirements {
                purpose: KeyPurpose::Sign,
                extended_key_usage_oids: vec![signing::EKU_SIGN.to_owned()],
                iin: Some(signer.to_owned()),
                bin: None,
                role_oids: Vec::new(),
            },
            allowed_methods: methods,
            expires_at: now + Duration::minutes(30),
        },
        now,
    )
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn a_sign_in_code_goes_to_the_confirmed_phone_and_works_once() {
    for store in stores() {
        let s = setup(store).await;
        let iin = Iin::parse(AIGERIM).unwrap();
        let challenge = otp::request_login(&s.ctx, &s.rt, &iin, "").await.unwrap();
        assert_eq!(challenge.purpose, OtpPurpose::Login);
        assert_eq!(challenge.masked_phone, None);
        assert_eq!(challenge.expires_at, s.clock.now() + Duration::minutes(5));
        let code = s.sms.code_for("+77017234518").await;
        assert_eq!(code.len(), 6);
        let wrong = if code == "000000" { "111111" } else { "000000" };
        assert!(matches!(
            otp::verify_login(&s.ctx, &s.rt, challenge.id, wrong).await,
            Err(OtpError::Invalid { attempts_left: 4 })
        ));
        let verified = otp::verify_login(&s.ctx, &s.rt, challenge.id, &code)
            .await
            .unwrap();
        assert_eq!(verified.iin, AIGERIM);
        assert_eq!(verified.masked_phone, "+7 7** *** 45 18");
        assert!(matches!(
            otp::verify_login(&s.ctx, &s.rt, challenge.id, &code).await,
            Err(OtpError::Expired)
        ));
    }
}

#[tokio::test]
async fn an_iin_without_a_phone_gets_the_same_answer_after_the_same_calls() {
    for store in stores() {
        let s = setup(store).await;
        let known = Iin::parse(AIGERIM).unwrap();
        let unknown = stranger();

        let before = (
            s.mobile.calls.load(Ordering::SeqCst),
            s.store.calls.load(Ordering::SeqCst),
        );
        let a = otp::request_login(&s.ctx, &s.rt, &known, "").await.unwrap();
        let mid = (
            s.mobile.calls.load(Ordering::SeqCst),
            s.store.calls.load(Ordering::SeqCst),
        );
        let b = otp::request_login(&s.ctx, &s.rt, &unknown, "")
            .await
            .unwrap();
        let after = (
            s.mobile.calls.load(Ordering::SeqCst),
            s.store.calls.load(Ordering::SeqCst),
        );
        assert_eq!(
            (mid.0 - before.0, mid.1 - before.1),
            (after.0 - mid.0, after.1 - mid.1)
        );
        assert_eq!((mid.0 - before.0, mid.1 - before.1), (2, 1));
        // The same shape of answer.
        assert_eq!(
            (a.purpose, &a.masked_phone, a.expires_at),
            (b.purpose, &b.masked_phone, b.expires_at)
        );
        assert_eq!(a.resend_after, b.resend_after);
        // Only the real one sent an SMS; the other can never be satisfied.
        s.sms.code_for("+77017234518").await;
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert_eq!(s.sms.count(), 1);
        for code in ["000000", "123456"] {
            assert!(matches!(
                otp::verify_login(&s.ctx, &s.rt, b.id, code).await,
                Err(OtpError::Invalid { .. })
            ));
        }
        // And the cooldown refuses both alike.
        for iin in [&known, &unknown] {
            assert!(matches!(
                otp::request_login(&s.ctx, &s.rt, iin, "").await,
                Err(OtpError::ResendTooSoon {
                    retry_after_seconds: 60
                })
            ));
        }
    }
}

#[tokio::test]
async fn a_signing_code_signs_only_its_request() {
    for store in stores() {
        let s = setup(store).await;
        let aigerim = Iin::parse(AIGERIM).unwrap();
        let first = signing_request(
            &s,
            AIGERIM,
            vec![SigningMethod::Eds, SigningMethod::Otp],
            b"one",
        )
        .await;
        let second = signing_request(
            &s,
            AIGERIM,
            vec![SigningMethod::Eds, SigningMethod::Otp],
            b"two",
        )
        .await;
        let challenge = otp::request_sign(&s.ctx, &s.rt, &aigerim, first)
            .await
            .unwrap();
        assert_eq!(challenge.purpose, OtpPurpose::Sign);
        assert_eq!(challenge.masked_phone.as_deref(), Some("+7 7** *** 45 18"));
        let code = s.sms.code_for("+77017234518").await;
        // Not a sign-in code, not a signature of another request.
        assert!(matches!(
            otp::verify_login(&s.ctx, &s.rt, challenge.id, &code).await,
            Err(OtpError::Invalid { attempts_left: 4 })
        ));
        // No code was asked for the second request: nothing to check there.
        assert!(matches!(
            otp::verify_sign(&s.ctx, &s.rt, &aigerim, second, &code).await,
            Err(OtpError::Expired)
        ));
        // Nor someone else's.
        let dana = Iin::parse(DANA).unwrap();
        assert!(matches!(
            otp::verify_sign(&s.ctx, &s.rt, &dana, first, &code).await,
            Err(OtpError::NotTheSigner)
        ));
        let verified = otp::verify_sign(&s.ctx, &s.rt, &aigerim, first, &code)
            .await
            .unwrap();
        assert_eq!(verified.iin, AIGERIM);
        assert_eq!(verified.verified_at, s.clock.now());
    }
}

#[tokio::test]
async fn signing_codes_are_for_the_signer_of_a_request_that_offers_them() {
    let s = setup(Arc::new(MemoryOtpStore::new(OtpLimits::default()))).await;
    let aigerim = Iin::parse(AIGERIM).unwrap();
    let dana = Iin::parse(DANA).unwrap();
    let eds_only = signing_request(&s, AIGERIM, vec![SigningMethod::Eds], b"consent").await;
    assert!(matches!(
        otp::request_sign(&s.ctx, &s.rt, &aigerim, eds_only).await,
        Err(OtpError::NotOffered)
    ));
    let request = signing_request(
        &s,
        AIGERIM,
        vec![SigningMethod::Eds, SigningMethod::Otp],
        b"x",
    )
    .await;
    assert!(matches!(
        otp::request_sign(&s.ctx, &s.rt, &dana, request).await,
        Err(OtpError::NotTheSigner)
    ));
    assert!(matches!(
        otp::request_sign(&s.ctx, &s.rt, &aigerim, Uuid::new_v4()).await,
        Err(OtpError::RequestNotFound)
    ));
    // A signer without a confirmed phone is told so (they are signed in: nothing to hide).
    let stranger = stranger();
    let theirs = signing_request(
        &s,
        stranger.as_str(),
        vec![SigningMethod::Eds, SigningMethod::Otp],
        b"y",
    )
    .await;
    assert!(matches!(
        otp::request_sign(&s.ctx, &s.rt, &stranger, theirs).await,
        Err(OtpError::PhoneNotRegistered)
    ));
    // An expired request.
    s.clock.advance(Duration::minutes(31));
    assert!(matches!(
        otp::request_sign(&s.ctx, &s.rt, &aigerim, request).await,
        Err(OtpError::RequestExpired)
    ));
}

#[tokio::test]
async fn a_redis_that_does_not_answer_makes_codes_unavailable() {
    let store = Arc::new(
        RedisOtpStore::new(
            "redis://127.0.0.1:1",
            "test:",
            OtpLimits::default(),
            RedisTimeouts::default(),
        )
        .unwrap(),
    );
    let s = setup(store).await;
    let started = std::time::Instant::now();
    let iin = Iin::parse(AIGERIM).unwrap();
    assert!(matches!(
        otp::request_login(&s.ctx, &s.rt, &iin, "").await,
        Err(OtpError::Unavailable(_))
    ));
    assert!(matches!(
        otp::verify_login(&s.ctx, &s.rt, Uuid::new_v4(), "123456").await,
        Err(OtpError::Unavailable(_))
    ));
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    assert_eq!(s.sms.count(), 0);
}
