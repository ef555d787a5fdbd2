//! The service's own timestamps: a signature received without an RFC 3161 token is stamped by
//! the configured TSA (a local one the test runs, with a generated key), verified against the
//! signature value and kept as its evidence, once, even from a TSA whose clock is a little
//! ahead of ours; a TSA that fails, or dates its token well after now, gives nothing and is
//! asked again; a TSA_URL that is no http(s) URL stops start-up.

use crate::helpers::*;
use api::core::ManualClock;
use api::core::service::timestamping::{self, Stamped};
use api::core::trust::{TrustConfig, TrustStore};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use signatures::testing::{TimestampSpec, cached_rsa_2048, der};
use std::sync::Arc;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A TSA: a token over the request's imprint, echoing its nonce, signed by `tsa`, its genTime
/// `ahead` of the system clock (a real TSA's clock is never exactly ours).
struct LocalTsa {
    tsa: signatures::testing::Certificate,
    ahead: time::Duration,
}

/// The imprint and the nonce of a TimeStampReq, read as a TSA reads them.
fn imprint_and_nonce(request: &[u8]) -> (Vec<u8>, Vec<u8>) {
    fn tlv(input: &[u8]) -> (&[u8], &[u8]) {
        let first = input[1];
        let (length, header) = if first < 0x80 {
            (usize::from(first), 2)
        } else {
            let count = usize::from(first & 0x7f);
            let length = input[2..2 + count]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (length, 2 + count)
        };
        (&input[header..header + length], &input[header + length..])
    }
    let (request, _) = tlv(request);
    let (_version, rest) = tlv(request);
    let (message_imprint, rest) = tlv(rest);
    let (_algorithm, imprint) = tlv(message_imprint);
    let (imprint, _) = tlv(imprint);
    let (nonce, _) = tlv(rest);
    (imprint.to_vec(), nonce.to_vec())
}

impl Respond for LocalTsa {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let (imprint, nonce) = imprint_and_nonce(&request.body);
        let token = TimestampSpec::new(&self.tsa, now() + self.ahead)
            .given_imprint(&imprint)
            .nonce(&nonce)
            .token(&[]);
        let granted = der::sequence(&[der::sequence(&[der::integer_i64(0)]), token]);
        ResponseTemplate::new(200).set_body_bytes(granted)
    }
}

/// A [`LocalTsa`] whose clock is `ahead`, expecting exactly one request (checked when the
/// server is dropped), and its URL.
async fn local_tsa(ahead: time::Duration) -> (MockServer, String) {
    let tsa = pki().tsa(cached_rsa_2048(6)).issued_by(&pki().intermediate);
    let server = MockServer::start().await;
    let url = format!("{}/tsa", server.uri());
    Mock::given(method("POST"))
        .respond_with(LocalTsa { tsa, ahead })
        .expect(1)
        .mount(&server)
        .await;
    (server, url)
}

/// The server's trust (the test PKI), with the TSA at `url`, for a context of the test's own.
fn trust_with_tsa(url: &str) -> TrustStore {
    let dir = std::env::temp_dir().join(format!("tsa-trust-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let (root, intermediate) = (dir.join("root.pem"), dir.join("intermediate.pem"));
    std::fs::write(&root, pki().root.pem()).unwrap();
    std::fs::write(&intermediate, pki().intermediate.pem()).unwrap();
    let config = TrustConfig {
        trust_anchors: vec![root],
        intermediates: vec![intermediate],
        ..TrustConfig::default()
    };
    let trust = TrustStore::load(&config, now())
        .unwrap()
        .with_timestamping(url)
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    trust
}

/// An app where a sign-in stored one signature without a token, and a context of the test's
/// own on it with the TSA at `url`.
async fn signed_in_with_tsa(url: &str) -> (TestApp, api::core::ServiceContext) {
    let app = spawn_app(Backend::Sqlite).await;
    signed_in(&app, "871008401427").await;
    let clock = Arc::new(ManualClock::new(now()));
    let mut ctx = instance(&app, clock).await;
    ctx.trust = Arc::new(trust_with_tsa(url));
    (app, ctx)
}

/// The timestamp tokens kept as evidence of each stored signature.
async fn tokens(app: &TestApp) -> Vec<(uuid::Uuid, Vec<u8>)> {
    let db = sea_orm::Database::connect(&app.database_url).await.unwrap();
    let mut found = Vec::new();
    for link in entities::signature_evidence::Entity::find()
        .all(&db)
        .await
        .unwrap()
    {
        if let Some(row) = entities::evidence::Entity::find_by_id(link.digest.clone())
            .filter(
                entities::evidence::Column::Kind.eq(entities::enums::EvidenceKind::TimestampToken),
            )
            .one(&db)
            .await
            .unwrap()
        {
            found.push((link.signature_id, row.bytes));
        }
    }
    let _ = db.close().await;
    found
}

#[actix_web::test]
async fn a_signature_without_a_token_is_stamped_once_by_the_configured_tsa() {
    // Its clock a few seconds ahead of the run's `now`: the token is still timely.
    let (_server, url) = local_tsa(time::Duration::seconds(5)).await;
    // The server itself stamps nothing here (no TSA_URL): the test's context does, with
    // the clock where the test wants it.
    let (app, ctx) = signed_in_with_tsa(&url).await;
    let signatures = stored_signatures(&app).await;
    assert_eq!(signatures.len(), 1, "the sign-in's signature is stored");
    assert_ne!(
        signatures[0].3["signers"][0]["timeSource"], "TIMESTAMP",
        "the test's CMS carries no token"
    );

    let tsa = ctx.trust.timestamp_authority().expect("a TSA configured");
    let stamped = timestamping::stamp_pending(&ctx, tsa, now()).await.unwrap();
    assert_eq!(
        stamped,
        Stamped {
            stamped: 1,
            failed: 0
        }
    );
    let kept = tokens(&app).await;
    assert_eq!(kept.len(), 1, "one token, kept as the signature's evidence");

    // The token stamps that very signature value, by the verifier's own judgement.
    let db = sea_orm::Database::connect(&app.database_url).await.unwrap();
    let signature = entities::stored_signature::Entity::find_by_id(kept[0].0)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let value = signatures::signature_values(&signature.cms)
        .unwrap()
        .remove(0);
    // (Its genTime is the TSA's, ahead of ours: judged as the service judged it.)
    let judged_at = now() + timestamping::TSA_CLOCK_ALLOWANCE;
    let verifier = ctx.trust.snapshot().verifier;
    verifier
        .verify_timestamp_token(
            &kept[0].1,
            Some(&value),
            &signatures::Options::new(judged_at),
        )
        .expect("the kept token stamps the stored signature");

    // Stamped once: the next run asks the TSA nothing (the mock expects one request).
    let again = timestamping::stamp_pending(&ctx, tsa, now()).await.unwrap();
    assert_eq!(again, Stamped::default());
    // Past the window, nothing is stamped either.
    let later = now() + timestamping::STAMP_WINDOW + time::Duration::hours(1);
    assert_eq!(
        timestamping::stamp_pending(&ctx, tsa, later).await.unwrap(),
        Stamped::default()
    );
}

#[actix_web::test]
async fn a_failing_tsa_gives_no_token_and_is_asked_again() {
    let server = MockServer::start().await;
    let url = format!("{}/tsa", server.uri());
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"no TimeStampResp".to_vec()))
        .expect(2)
        .mount(&server)
        .await;
    let (app, ctx) = signed_in_with_tsa(&url).await;
    let tsa = ctx.trust.timestamp_authority().unwrap();
    for _ in 0..2 {
        let run = timestamping::stamp_pending(&ctx, tsa, now()).await.unwrap();
        assert_eq!(
            run,
            Stamped {
                stamped: 0,
                failed: 1
            }
        );
    }
    assert!(tokens(&app).await.is_empty());
}

#[actix_web::test]
async fn a_token_dated_well_after_now_does_not_count() {
    let (_server, url) =
        local_tsa(timestamping::TSA_CLOCK_ALLOWANCE + time::Duration::minutes(5)).await;
    let (app, ctx) = signed_in_with_tsa(&url).await;
    let tsa = ctx.trust.timestamp_authority().unwrap();
    let run = timestamping::stamp_pending(&ctx, tsa, now()).await.unwrap();
    assert_eq!(
        run,
        Stamped {
            stamped: 0,
            failed: 1
        },
        "a TSA clock this far ahead is not believed"
    );
    assert!(tokens(&app).await.is_empty());
}

#[actix_web::test]
async fn a_tsa_url_that_is_no_http_url_stops_start_up() {
    let (settings, _) = settings(Backend::Sqlite, &[("TSA_URL", "ldap://tsa.example")]).await;
    let started = api::startup::Application::build(settings).await;
    let Err(error) = started else {
        panic!("start-up refused");
    };
    let error = error.to_string();
    assert!(error.contains("TSA_URL"), "{error}");
}
