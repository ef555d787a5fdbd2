//! The SMS gateways: the development outbox on SQLite and PostgreSQL (stored, listed, purged
//! with the code's lifetime, also by the maintenance task), and the HTTP gateway against a
//! local HTTP server started here (bodies, auth header, retries, timeouts, and errors and logs
//! that carry no secret and no code).
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops with a message on the first broken expectation"
)]

use registration_core::sms::{
    ContentType, DevOutbox, HttpGateway, HttpGatewayConfig, HttpMethod, SecretValue, SmsError,
    SmsGateway, SmsMessage, SmsPurpose, otp_text,
};
use registration_core::{Clock, ManualClock, SystemClock, database};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::macros::datetime;

// ---------------------------------------------------------------------------------------------
// The development outbox
// ---------------------------------------------------------------------------------------------

fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A fresh PostgreSQL database (`test_<unix time>_<id>`, as the end-to-end tests name theirs),
/// dropped when this is dropped, passed or failed.
struct PgDatabase {
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                if let Ok(admin) = Database::connect(postgres_admin_url()).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

async fn postgres() -> (PgDatabase, DatabaseConnection) {
    let now = SystemClock.now().unix_timestamp();
    let name = format!("test_{now}_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(postgres_admin_url())
        .await
        .expect("PostgreSQL answers at TEST_POSTGRES_URL");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("a fresh database");
    admin.close().await.expect("closed");
    let base = postgres_admin_url();
    let (server, _) = base.rsplit_once('/').expect("a database URL");
    let guard = PgDatabase { name: name.clone() };
    let db = database::connect(&format!("{server}/{name}"))
        .await
        .expect("the test database");
    database::migrate(&db).await.expect("migrated");
    (guard, db)
}

async fn sqlite() -> DatabaseConnection {
    let db = database::connect("sqlite::memory:").await.expect("SQLite");
    database::migrate(&db).await.expect("migrated");
    db
}

fn message(phone: &str, code: &str, expires_at: time::OffsetDateTime) -> SmsMessage {
    SmsMessage {
        phone: phone.to_owned(),
        text: otp_text(code, SmsPurpose::Login),
        code: Some(code.to_owned()),
        expires_at,
    }
}

async fn outbox_keeps_lists_and_purges(db: DatabaseConnection) {
    let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 10:00 UTC)));
    let outbox = DevOutbox::new(db.clone(), clock.clone());
    let gateway: Arc<dyn SmsGateway> = Arc::new(outbox.clone());
    gateway
        .send(&message(
            "+77011234567",
            "111111",
            datetime!(2026-12-01 10:05 UTC),
        ))
        .await
        .expect("stored");
    clock.advance(time::Duration::minutes(1));
    gateway
        .send(&message(
            "+77021234567",
            "222222",
            datetime!(2026-12-01 10:06 UTC),
        ))
        .await
        .expect("stored");
    clock.advance(time::Duration::minutes(1));
    gateway
        .send(&message(
            "+77011234567",
            "333333",
            datetime!(2026-12-01 10:07 UTC),
        ))
        .await
        .expect("stored");

    let all = outbox.list(None).await.expect("listed");
    let codes: Vec<_> = all.iter().map(|e| e.code.as_deref().unwrap()).collect();
    assert_eq!(codes, ["111111", "222222", "333333"], "oldest first");
    assert_eq!(
        all[0].sent_at,
        datetime!(2026-12-01 10:00 UTC),
        "the clock's time"
    );
    assert_eq!(all[0].text, otp_text("111111", SmsPurpose::Login));
    assert_eq!(all[0].expires_at, datetime!(2026-12-01 10:05 UTC));
    let json = all[0].to_json();
    assert_eq!(
        json,
        serde_json::json!({
            "phone": "+77011234567",
            "text": otp_text("111111", SmsPurpose::Login),
            "code": "111111",
            "sentAt": "2026-12-01T10:00:00Z",
        })
    );
    assert!(
        !format!("{:?}", all[0]).contains("111111"),
        "Debug hides it"
    );

    let mine = outbox.list(Some("+77011234567")).await.expect("listed");
    let codes: Vec<_> = mine.iter().map(|e| e.code.as_deref().unwrap()).collect();
    assert_eq!(codes, ["111111", "333333"]);
    assert!(outbox.list(Some("+77051234567")).await.unwrap().is_empty());

    // At 10:05 the first code is still valid (expires at 10:05, not before it).
    assert_eq!(
        outbox
            .purge_expired(datetime!(2026-12-01 10:05 UTC))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        outbox
            .purge_expired(datetime!(2026-12-01 10:06:30 UTC))
            .await
            .unwrap(),
        2
    );
    let left = outbox.list(None).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].code.as_deref(), Some("333333"));
    assert_eq!(
        outbox
            .purge_expired(datetime!(2026-12-01 11:00 UTC))
            .await
            .unwrap(),
        1
    );
    assert!(outbox.list(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_outbox_keeps_lists_and_purges_on_sqlite() {
    outbox_keeps_lists_and_purges(sqlite().await).await;
}

#[tokio::test]
async fn the_outbox_keeps_lists_and_purges_on_postgres() {
    let (_guard, db) = postgres().await;
    outbox_keeps_lists_and_purges(db).await;
}

// ---------------------------------------------------------------------------------------------
// The HTTP gateway against a local server
// ---------------------------------------------------------------------------------------------

/// What the server answers to one request: a status, after a delay.
#[derive(Clone, Copy)]
struct Reply {
    status: u16,
    delay: Duration,
}

fn reply(status: u16) -> Reply {
    Reply {
        status,
        delay: Duration::ZERO,
    }
}

/// One request as the server read it.
#[derive(Debug, Clone)]
struct Seen {
    request_line: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A local HTTP/1.1 server on a thread: it answers the scripted replies in order (then 200),
/// one request per connection, and records what it was sent.
struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn start(replies: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let recorded = seen.clone();
        std::thread::spawn(move || {
            let mut replies = replies.into_iter();
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                let mut headers = Vec::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                        break;
                    }
                    if let Some((name, value)) = line.trim_end().split_once(':') {
                        headers.push((name.trim().to_owned(), value.trim().to_owned()));
                    }
                }
                let length = headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                    .and_then(|(_, v)| v.parse::<usize>().ok())
                    .unwrap_or(0);
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                recorded.lock().unwrap().push(Seen {
                    request_line: request_line.trim_end().to_owned(),
                    headers,
                    body: String::from_utf8_lossy(&body).into_owned(),
                });
                let reply = replies.next().unwrap_or(reply(200));
                std::thread::sleep(reply.delay);
                let _ = write!(
                    stream,
                    "HTTP/1.1 {} X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                    reply.status
                );
                let _ = stream.flush();
            }
        });
        Server { port, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

const SECRET: &str = "Bearer s3cret-token";

fn config(port: u16, content_type: ContentType, template: &str) -> HttpGatewayConfig {
    HttpGatewayConfig {
        url: format!("http://127.0.0.1:{port}/api/send?key=url-secret"),
        method: HttpMethod::Post,
        content_type,
        auth_header: Some(("Authorization".to_owned(), SecretValue::new(SECRET))),
        body_template: template.to_owned(),
        timeout: Duration::from_millis(2_000),
        retries: 2,
        backoff: Duration::from_millis(10),
    }
}

fn signing_message() -> SmsMessage {
    SmsMessage {
        phone: "+77011234567".to_owned(),
        text: otp_text(
            "482913",
            SmsPurpose::Sign {
                application_number: "26-5GKP-GRZK",
            },
        ),
        code: Some("482913".to_owned()),
        expires_at: datetime!(2026-12-01 10:05 UTC),
    }
}

/// Log lines written while `work` runs (this thread's, which runs the whole test).
fn logs() -> (Arc<Mutex<Vec<u8>>>, tracing::subscriber::DefaultGuard) {
    #[derive(Clone)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = Sink(buffer.clone());
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    (buffer, tracing::subscriber::set_default(subscriber))
}

fn assert_no_secret(text: &str) {
    for secret in ["482913", "s3cret", "url-secret", "tmpl-secret", "1234567"] {
        assert!(!text.contains(secret), "{secret:?} in {text:?}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_json_body_is_posted_with_the_auth_header() {
    let (logged, _guard) = logs();
    let server = Server::start(vec![reply(200)]);
    let gateway = HttpGateway::new(config(
        server.port,
        ContentType::Json,
        r#"{"to":"{phone}","message":"{text}","sender":"eGov","token":"tmpl-secret"}"#,
    ))
    .expect("a gateway");
    let message = signing_message();
    gateway.send(&message).await.expect("sent");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].request_line,
        "POST /api/send?key=url-secret HTTP/1.1"
    );
    assert_eq!(seen[0].header("authorization"), Some(SECRET));
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_str(&seen[0].body).expect("JSON");
    assert_eq!(body["to"], "+77011234567");
    assert_eq!(body["message"], message.text.as_str());
    assert_eq!(body["sender"], "eGov");
    let logged = String::from_utf8(logged.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("SMS sent"), "{logged}");
    assert!(logged.contains("+7701***4567"), "{logged}");
    assert_no_secret(&logged);
}

#[tokio::test(flavor = "current_thread")]
async fn a_form_body_is_percent_encoded() {
    let server = Server::start(vec![reply(201)]);
    let mut config = config(
        server.port,
        ContentType::Form,
        "to={phone}&msg={text}&from=eGov",
    );
    config.auth_header = None;
    let gateway = HttpGateway::new(config).expect("a gateway");
    let message = signing_message();
    gateway
        .send(&message)
        .await
        .expect("sent (201 is a success)");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(seen[0].header("authorization"), None);
    let pairs: Vec<(String, String)> = url_decode_pairs(&seen[0].body);
    assert_eq!(
        pairs,
        [
            ("to".to_owned(), "+77011234567".to_owned()),
            ("msg".to_owned(), message.text.clone()),
            ("from".to_owned(), "eGov".to_owned()),
        ]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn get_sends_the_template_as_the_query() {
    let server = Server::start(vec![reply(200)]);
    let mut config = config(server.port, ContentType::Form, "to={phone}&msg={text}");
    config.method = HttpMethod::Get;
    HttpGateway::new(config)
        .expect("a gateway")
        .send(&signing_message())
        .await
        .expect("sent");
    let seen = server.seen();
    assert!(
        seen[0]
            .request_line
            .starts_with("GET /api/send?key=url-secret&to=%2B77011234567&msg="),
        "{}",
        seen[0].request_line
    );
    assert!(seen[0].body.is_empty());
}

/// `a=b&c=d` back into pairs (percent-decoding, `+` as space).
fn url_decode_pairs(body: &str) -> Vec<(String, String)> {
    fn decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 2;
                }
                other => out.push(other),
            }
            i += 1;
        }
        String::from_utf8(out).unwrap()
    }
    body.split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap();
            (decode(name), decode(value))
        })
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn a_server_error_is_retried_with_backoff_until_it_succeeds() {
    let (logged, _guard) = logs();
    let server = Server::start(vec![reply(500), reply(503), reply(200)]);
    let gateway = HttpGateway::new(config(
        server.port,
        ContentType::Json,
        r#"{"to":"{phone}","text":"{text}"}"#,
    ))
    .expect("a gateway");
    gateway
        .send(&signing_message())
        .await
        .expect("sent on the third attempt");
    let seen = server.seen();
    assert_eq!(seen.len(), 3, "two retries");
    assert!(seen.iter().all(|s| s.body == seen[0].body), "the same body");
    let logged = String::from_utf8(logged.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("retrying"), "{logged}");
    assert!(logged.contains("retry_in_ms=10"), "{logged}");
    assert!(logged.contains("retry_in_ms=20"), "doubled: {logged}");
    assert_no_secret(&logged);
}

#[tokio::test(flavor = "current_thread")]
async fn failing_on_every_attempt_is_an_error_naming_host_and_status_only() {
    let (logged, _guard) = logs();
    let server = Server::start(vec![reply(500), reply(502), reply(503), reply(200)]);
    let gateway = HttpGateway::new(config(
        server.port,
        ContentType::Json,
        r#"{"to":"{phone}","text":"{text}","token":"tmpl-secret"}"#,
    ))
    .expect("a gateway");
    let error = gateway.send(&signing_message()).await.expect_err("fails");
    assert_eq!(
        server.seen().len(),
        3,
        "one attempt and two retries, no more"
    );
    let SmsError::Failed {
        ref host,
        attempts,
        ref reason,
    } = error
    else {
        panic!("{error:?}");
    };
    assert_eq!(host, &format!("127.0.0.1:{}", server.port));
    assert_eq!(attempts, 3);
    assert_eq!(reason, "HTTP 503");
    let text = error.to_string();
    assert!(
        text.contains(&format!("127.0.0.1:{}", server.port)),
        "{text}"
    );
    assert!(text.contains("503"), "{text}");
    assert_no_secret(&text);
    assert_no_secret(&format!("{error:?}"));
    assert_no_secret(&format!("{gateway:?}"));
    assert_no_secret(&String::from_utf8(logged.lock().unwrap().clone()).unwrap());
}

#[tokio::test(flavor = "current_thread")]
async fn a_client_error_is_not_retried() {
    let server = Server::start(vec![reply(400), reply(200)]);
    let gateway = HttpGateway::new(config(
        server.port,
        ContentType::Json,
        r#"{"to":"{phone}","text":"{text}"}"#,
    ))
    .expect("a gateway");
    let error = gateway.send(&signing_message()).await.expect_err("refused");
    assert!(
        matches!(error, SmsError::Refused { status: 400, .. }),
        "{error:?}"
    );
    assert_eq!(server.seen().len(), 1, "no retry");
    let text = error.to_string();
    assert!(text.contains("400") && text.contains("127.0.0.1"), "{text}");
    assert_no_secret(&text);
}

#[tokio::test(flavor = "current_thread")]
async fn a_redirect_is_a_refusal_and_is_not_followed() {
    let server = Server::start(vec![reply(302), reply(200)]);
    let gateway = HttpGateway::new(config(
        server.port,
        ContentType::Json,
        r#"{"to":"{phone}","text":"{text}"}"#,
    ))
    .expect("a gateway");
    let error = gateway.send(&signing_message()).await.expect_err("refused");
    assert!(
        matches!(error, SmsError::Refused { status: 302, .. }),
        "{error:?}"
    );
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn a_gateway_that_does_not_answer_in_time_times_out_and_is_retried() {
    let slow = Reply {
        status: 200,
        delay: Duration::from_millis(1_500),
    };
    let server = Server::start(vec![slow, slow, slow]);
    let mut config = config(
        server.port,
        ContentType::Json,
        r#"{"to":"{phone}","text":"{text}"}"#,
    );
    config.timeout = Duration::from_millis(200);
    config.retries = 1;
    let gateway = HttpGateway::new(config).expect("a gateway");
    let error = gateway
        .send(&signing_message())
        .await
        .expect_err("times out");
    let SmsError::Failed {
        attempts,
        ref reason,
        ..
    } = error
    else {
        panic!("{error:?}");
    };
    assert_eq!(attempts, 2);
    assert_eq!(reason, "no answer within 200 ms");
    assert_no_secret(&error.to_string());
}

#[tokio::test(flavor = "current_thread")]
async fn a_gateway_that_is_down_is_retried_then_reported() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut config = config(
        port,
        ContentType::Json,
        r#"{"to":"{phone}","text":"{text}"}"#,
    );
    config.retries = 1;
    let error = HttpGateway::new(config)
        .expect("a gateway")
        .send(&signing_message())
        .await
        .expect_err("nobody listens");
    let text = error.to_string();
    assert!(
        matches!(error, SmsError::Failed { attempts: 2, .. }),
        "{error:?}"
    );
    assert!(text.contains("could not connect"), "{text}");
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert_no_secret(&text);
}
