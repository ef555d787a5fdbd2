//! The CRL sources: a refresh only when due, an atomic swap of the new set, the last good CRL
//! kept when a refresh fails, garbage, older and foreign CRLs refused, files re-read.

use crate::helpers::{NOW, Pki, config, sources};
use revocation::{RETRY_FIRST, RevocationSources, SourceKind, SourceState};
use std::time::Duration;
use time::macros::datetime;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn serve(server: &MockServer, body: Vec<u8>, times: u64) {
    Mock::given(method("GET"))
        .and(path("/ca.crl"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(body))
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
}

fn crl_sources(pki: &Pki, server: &MockServer) -> RevocationSources {
    sources(vec![pki.ca(vec![format!("{}/ca.crl", server.uri())], None)])
}

#[tokio::test]
async fn a_good_crl_is_fetched_once_and_served_until_due() {
    let pki = Pki::new("crl-good");
    let server = MockServer::start().await;
    serve(&server, pki.crl(datetime!(2021-06-01 0:00 UTC), 1), 1).await;
    let sources = crl_sources(&pki, &server);
    let url = format!("{}/ca.crl", server.uri());

    let before = sources.crl().status();
    assert_eq!(before.len(), 1);
    assert_eq!(before[0].state, SourceState::NeverFetched);
    assert!(sources.crl().crls().is_empty());

    let refresh = sources.crl().run_once(NOW).await;
    assert_eq!(
        (refresh.attempted, refresh.failed, refresh.changed),
        (1, 0, true)
    );
    let crls = sources.crl().crls();
    assert_eq!(crls.len(), 1);
    assert_eq!(crls[0].this_update(), datetime!(2021-06-01 0:00 UTC));

    let status = &sources.crl().status()[0];
    assert_eq!(status.kind, SourceKind::Crl);
    assert_eq!(status.ca, "NCA RSA TEST");
    assert_eq!(status.url, url);
    assert_eq!(status.state, SourceState::Ok);
    assert_eq!(status.last_success, Some(NOW));
    assert_eq!(status.last_error, None);
    assert_eq!(status.next_update, Some(datetime!(2021-06-02 0:00 UTC)));

    // Hours later, but before nextUpdate minus the margin (one hour): nothing is fetched.
    let refresh = sources
        .crl()
        .run_once(datetime!(2021-06-01 22:00 UTC))
        .await;
    assert_eq!(refresh.attempted, 0);
    assert_eq!(sources.crl().crls().len(), 1);
    server.verify().await;
}

#[tokio::test]
async fn past_next_update_minus_the_margin_the_next_crl_is_fetched_and_swapped_in() {
    let pki = Pki::new("crl-swap");
    let server = MockServer::start().await;
    serve(&server, pki.crl(datetime!(2021-06-01 0:00 UTC), 1), 1).await;
    let sources = crl_sources(&pki, &server);
    sources.crl().run_once(NOW).await;
    let generation = sources.crl().generation();
    server.verify().await;

    server.reset().await;
    serve(&server, pki.crl(datetime!(2021-06-01 23:00 UTC), 2), 1).await;
    // nextUpdate is 2021-06-02 00:00; with a margin of one hour, 23:00 is due.
    let refresh = sources
        .crl()
        .run_once(datetime!(2021-06-01 23:00 UTC))
        .await;
    assert_eq!(
        (refresh.attempted, refresh.failed, refresh.changed),
        (1, 0, true)
    );
    let crls = sources.crl().crls();
    assert_eq!(crls.len(), 1);
    assert_eq!(crls[0].this_update(), datetime!(2021-06-01 23:00 UTC));
    assert_ne!(sources.crl().generation(), generation);
    assert_eq!(
        sources.crl().status()[0].next_update,
        Some(datetime!(2021-06-02 23:00 UTC))
    );
    server.verify().await;
}

#[tokio::test]
async fn the_same_crl_again_changes_nothing() {
    let pki = Pki::new("crl-same");
    let server = MockServer::start().await;
    serve(&server, pki.crl(datetime!(2021-06-01 0:00 UTC), 1), 2).await;
    let sources = crl_sources(&pki, &server);
    sources.crl().run_once(NOW).await;
    let generation = sources.crl().generation();
    let refresh = sources
        .crl()
        .run_once(datetime!(2021-06-01 23:30 UTC))
        .await;
    assert_eq!((refresh.attempted, refresh.changed), (1, false));
    assert_eq!(sources.crl().generation(), generation);
    server.verify().await;
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_last_good_crl_and_retries_after_a_backoff() {
    let pki = Pki::new("crl-keep");
    let server = MockServer::start().await;
    serve(&server, pki.crl(datetime!(2021-06-01 0:00 UTC), 1), 1).await;
    let sources = crl_sources(&pki, &server);
    sources.crl().run_once(NOW).await;
    server.verify().await;

    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .expect(2) // one attempt and one retry, in the one run that is due
        .mount(&server)
        .await;
    let due = datetime!(2021-06-01 23:00 UTC);
    let refresh = sources.crl().run_once(due).await;
    assert_eq!(
        (refresh.attempted, refresh.failed, refresh.changed),
        (1, 1, false)
    );
    let crls = sources.crl().crls();
    assert_eq!(crls.len(), 1, "the last good CRL is kept");
    assert_eq!(crls[0].this_update(), datetime!(2021-06-01 0:00 UTC));
    let status = &sources.crl().status()[0];
    assert_eq!(status.state, SourceState::Failing);
    assert_eq!(status.last_success, Some(NOW));
    let error = status.last_error.as_deref().unwrap();
    assert!(error.contains("HTTP 500; HTTP 500"), "{error}");
    assert_eq!(status.next_update, Some(datetime!(2021-06-02 0:00 UTC)));

    // Within the retry backoff nothing is fetched.
    let refresh = sources
        .crl()
        .run_once(due + time::Duration::seconds(30))
        .await;
    assert_eq!(refresh.attempted, 0);
    server.verify().await;

    // After it, the source is asked again, and coming back swaps the new CRL in.
    server.reset().await;
    serve(&server, pki.crl(datetime!(2021-06-01 23:00 UTC), 2), 1).await;
    let refresh = sources.crl().run_once(due + RETRY_FIRST).await;
    assert_eq!(
        (refresh.attempted, refresh.failed, refresh.changed),
        (1, 0, true)
    );
    assert_eq!(sources.crl().status()[0].state, SourceState::Ok);
    assert_eq!(sources.crl().status()[0].last_error, None);
    server.verify().await;
}

#[tokio::test]
async fn a_garbage_body_is_recorded_and_the_last_good_crl_kept() {
    let pki = Pki::new("crl-garbage");
    let server = MockServer::start().await;
    serve(&server, pki.crl(datetime!(2021-06-01 0:00 UTC), 1), 1).await;
    let sources = crl_sources(&pki, &server);
    sources.crl().run_once(NOW).await;
    server.reset().await;
    serve(&server, b"<html>maintenance</html>".to_vec(), 1).await;
    let refresh = sources
        .crl()
        .run_once(datetime!(2021-06-01 23:00 UTC))
        .await;
    assert_eq!((refresh.failed, refresh.changed), (1, false));
    assert_eq!(sources.crl().crls().len(), 1);
    let status = &sources.crl().status()[0];
    assert_eq!(status.state, SourceState::Failing);
    assert!(status.last_error.as_deref().unwrap().contains("not a CRL"));
    server.verify().await;
}

#[tokio::test]
async fn a_first_fetch_of_garbage_leaves_no_crl() {
    let pki = Pki::new("crl-garbage-first");
    let server = MockServer::start().await;
    serve(&server, vec![0x30, 0x03, 0x02, 0x01], 1).await;
    let sources = crl_sources(&pki, &server);
    let refresh = sources.crl().run_once(NOW).await;
    assert_eq!(refresh.failed, 1);
    assert!(sources.crl().crls().is_empty());
    let status = &sources.crl().status()[0];
    assert_eq!(status.state, SourceState::Failing);
    assert_eq!(status.last_success, None);
}

#[tokio::test]
async fn a_crl_over_the_size_limit_is_refused() {
    let pki = Pki::new("crl-large");
    let server = MockServer::start().await;
    serve(&server, vec![0x30; 64 * 1024 + 1], 1).await;
    let sources = crl_sources(&pki, &server);
    sources.crl().run_once(NOW).await;
    let status = &sources.crl().status()[0];
    assert_eq!(status.state, SourceState::Failing);
    let error = status.last_error.as_deref().unwrap();
    assert!(error.contains("larger than 65536 bytes"), "{error}");
    server.verify().await;
}

#[tokio::test]
async fn a_hanging_source_fails_on_the_timeout() {
    let pki = Pki::new("crl-hang");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_bytes(pki.crl(datetime!(2021-06-01 0:00 UTC), 1))
                .set_delay(Duration::from_secs(30)),
        )
        .mount(&server)
        .await;
    let sources = crl_sources(&pki, &server);
    let refresh = sources.crl().run_once(NOW).await;
    assert_eq!(refresh.failed, 1);
    let error = sources.crl().status()[0].last_error.clone().unwrap();
    assert!(error.contains("no answer within 200 ms"), "{error}");
}

#[tokio::test]
async fn an_older_crl_is_refused_as_a_possible_replay() {
    let pki = Pki::new("crl-older");
    let server = MockServer::start().await;
    serve(&server, pki.crl(datetime!(2021-06-01 0:00 UTC), 2), 1).await;
    let sources = crl_sources(&pki, &server);
    sources.crl().run_once(NOW).await;
    server.reset().await;
    serve(&server, pki.crl(datetime!(2021-05-31 12:00 UTC), 1), 1).await;
    let refresh = sources
        .crl()
        .run_once(datetime!(2021-06-01 23:00 UTC))
        .await;
    assert_eq!((refresh.failed, refresh.changed), (1, false));
    assert_eq!(
        sources.crl().crls()[0].this_update(),
        datetime!(2021-06-01 0:00 UTC)
    );
    let error = sources.crl().status()[0].last_error.clone().unwrap();
    assert!(error.contains("older than the CRL held"), "{error}");
}

#[tokio::test]
async fn a_crl_of_another_issuer_is_refused() {
    let pki = Pki::new("crl-foreign");
    let other = Pki::of(signatures::testing::TestPki::ec_p256(), "crl-foreign-other");
    let server = MockServer::start().await;
    serve(&server, other.crl(datetime!(2021-06-01 0:00 UTC), 1), 1).await;
    let sources = crl_sources(&pki, &server);
    sources.crl().run_once(NOW).await;
    assert!(sources.crl().crls().is_empty());
    let error = sources.crl().status()[0].last_error.clone().unwrap();
    assert!(error.contains("issued by"), "{error}");
}

#[tokio::test]
async fn crl_files_are_read_and_read_again_when_they_change() {
    let pki = Pki::new("crl-file");
    let file = pki.dir.join("ca.crl");
    std::fs::write(&file, pki.crl(datetime!(2021-06-01 0:00 UTC), 1)).unwrap();
    let mut ca = pki.ca(Vec::new(), None);
    ca.crl_files = vec![file.clone()];
    let sources = RevocationSources::from_config(config(vec![ca])).unwrap();

    let refresh = sources.crl().run_once(NOW).await;
    assert_eq!((refresh.attempted, refresh.changed), (1, true));
    assert_eq!(sources.crl().status()[0].url, file.display().to_string());
    assert_eq!(sources.crl().status()[0].state, SourceState::Ok);
    // Unchanged and not due: not read.
    assert_eq!(sources.crl().run_once(NOW).await.attempted, 0);

    // A new CRL (of another size, so the change shows whatever the file system's clock).
    let newer = signatures::testing::CrlBuilder::new(&pki.pki.intermediate)
        .this_update(datetime!(2021-06-01 00:30 UTC))
        .number(2)
        .revoke(&[0x01, 0x02], datetime!(2021-06-01 00:20 UTC), None)
        .build();
    std::fs::write(&file, newer).unwrap();
    let refresh = sources.crl().run_once(NOW).await;
    assert_eq!((refresh.attempted, refresh.changed), (1, true));
    assert_eq!(
        sources.crl().crls()[0].this_update(),
        datetime!(2021-06-01 00:30 UTC)
    );

    // A file that goes missing keeps its last good CRL.
    std::fs::remove_file(&file).unwrap();
    let refresh = sources.crl().run_once(NOW).await;
    assert_eq!(refresh.failed, 1);
    assert_eq!(sources.crl().crls().len(), 1);
    assert_eq!(sources.crl().status()[0].state, SourceState::Failing);
}
