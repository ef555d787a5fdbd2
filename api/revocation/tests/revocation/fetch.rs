//! The HTTP fetcher: bodies, failures that are retried and those that are not, timeouts,
//! size limits, redirects.

use crate::helpers::tiny_http;
use revocation::{FetchError, Fetcher, HttpFetcher};
use std::time::Duration;
use wiremock::matchers::{body_bytes, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fetcher() -> HttpFetcher {
    HttpFetcher::new(&tiny_http()).unwrap()
}

#[tokio::test]
async fn a_good_answer_is_its_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/a.crl"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"crl bytes".to_vec()))
        .expect(1)
        .mount(&server)
        .await;
    let body = fetcher()
        .get(&format!("{}/a.crl", server.uri()), 1024)
        .await;
    assert_eq!(body.unwrap(), b"crl bytes");
}

#[tokio::test]
async fn a_post_sends_its_body_and_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/ocsp"))
        .and(header("content-type", "application/ocsp-request"))
        .and(body_bytes(b"request".to_vec()))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"response".to_vec()))
        .expect(1)
        .mount(&server)
        .await;
    let url = format!("{}/ocsp", server.uri());
    let body = fetcher()
        .post(&url, "application/ocsp-request", b"request".to_vec(), 1024)
        .await;
    assert_eq!(body.unwrap(), b"response");
}

#[tokio::test]
async fn server_errors_are_retried_then_each_attempt_is_reported() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .expect(2) // one attempt and one retry
        .mount(&server)
        .await;
    let url = format!("{}/a.crl", server.uri());
    let error = fetcher().get(&url, 1024).await.unwrap_err();
    assert_eq!(
        error,
        FetchError::AllAttemptsFailed {
            url: url.clone(),
            attempts: vec!["HTTP 500".to_owned(), "HTTP 500".to_owned()],
        }
    );
    assert_eq!(
        error.to_string(),
        format!("{url}: all 2 attempts failed: HTTP 500; HTTP 500")
    );
}

#[tokio::test]
async fn a_failure_that_passes_is_absorbed_by_a_retry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"late".to_vec()))
        .expect(1)
        .mount(&server)
        .await;
    let body = fetcher()
        .get(&format!("{}/a.crl", server.uri()), 1024)
        .await;
    assert_eq!(body.unwrap(), b"late");
}

#[tokio::test]
async fn a_server_that_hangs_fails_on_the_read_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let url = format!("{}/a.crl", server.uri());
    match fetcher().get(&url, 1024).await {
        Err(FetchError::AllAttemptsFailed { attempts, .. }) => {
            assert_eq!(attempts, vec!["no answer within 200 ms"; 2]);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn nothing_listening_is_a_connection_failure() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/a.crl");
    match fetcher().get(&url, 1024).await {
        Err(FetchError::AllAttemptsFailed { attempts, .. }) => {
            assert_eq!(attempts, vec!["could not connect"; 2]);
        }
        other => panic!("expected a connection failure, got {other:?}"),
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![0x30; 4097]))
        .expect(1)
        .mount(&server)
        .await;
    let url = format!("{}/a.crl", server.uri());
    assert_eq!(
        fetcher().get(&url, 4096).await,
        Err(FetchError::TooLarge { url, limit: 4096 })
    );
}

#[tokio::test]
async fn a_body_at_the_limit_is_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![0x30; 4096]))
        .mount(&server)
        .await;
    let body = fetcher()
        .get(&format!("{}/a.crl", server.uri()), 4096)
        .await;
    assert_eq!(body.map(|b| b.len()), Ok(4096));
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let server = MockServer::start().await;
    Mock::given(path("/a.crl"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/elsewhere", server.uri())),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/elsewhere"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"followed".to_vec()))
        .expect(0)
        .mount(&server)
        .await;
    let url = format!("{}/a.crl", server.uri());
    let error = fetcher().get(&url, 1024).await.unwrap_err();
    assert_eq!(error, FetchError::Refused { url, status: 302 });
    assert!(error.to_string().contains("not followed"), "{error}");
}

#[tokio::test]
async fn a_client_error_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let url = format!("{}/a.crl", server.uri());
    assert_eq!(
        fetcher().get(&url, 1024).await,
        Err(FetchError::Refused { url, status: 404 })
    );
}
