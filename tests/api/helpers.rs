//! `spawn_app()`: the application as production builds it, on port 0, with a database of its
//! own and a test PKI generated for the run.

use api::configuration::Settings;
use api::startup::Application;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use signatures::testing::{self, CmsBuilder, SignerSpec, TestPki};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::OnceLock;
use uuid::Uuid;

/// The database an app runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Both backends, for tests that must hold on each.
pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

/// Where PostgreSQL's maintenance database is (trust auth on the team's machines and in CI).
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// Drops the databases of test runs that ended more than an hour ago (named `test_<unix time>_…`),
/// so that a CI machine does not accumulate them.
async fn drop_stale_databases(admin: &sea_orm::DatabaseConnection, now: i64) {
    let rows = admin
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT datname FROM pg_database WHERE datname LIKE 'test!_%' ESCAPE '!'",
        ))
        .await
        .unwrap_or_default();
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let created = name.split('_').nth(1).and_then(|t| t.parse::<i64>().ok());
        if created.is_some_and(|t| now - t > 3600) {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

/// A test PKI shaped like NCA RK's, generated once per test binary.
pub fn pki() -> &'static TestPki {
    static PKI: OnceLock<TestPki> = OnceLock::new();
    PKI.get_or_init(TestPki::ec_p256)
}

/// A GOST 2015-512 test PKI, trusted by test apps beside [`pki`]: how NCA RK has issued keys
/// since 2024 (see [`gost_certificate`]).
pub fn gost_pki() -> &'static TestPki {
    static PKI: OnceLock<TestPki> = OnceLock::new();
    PKI.get_or_init(TestPki::gost2015)
}

/// The Redis the suite uses (each test under a key prefix of its own).
pub const REDIS_URL: &str = "redis://127.0.0.1:6379";

/// A seal key generated once per test binary (base64 PKCS#8).
pub fn seal_key() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(|| api::core::seal::Sealer::generate().expect("a seal key").0)
}

/// The scratch directory of the app whose id is `id`.
fn scratch_dir(id: &str) -> PathBuf {
    std::env::temp_dir().join(format!("registration-e2e-{id}"))
}

/// A scratch directory for one app.
fn scratch() -> PathBuf {
    scratch_with(&Uuid::new_v4().simple().to_string())
}

fn scratch_with(id: &str) -> PathBuf {
    let dir = scratch_dir(id);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// A running application. Dropping it (when its test ends, passed or failed) removes what its
/// test made: the scratch folder of a SQLite app, the database of a PostgreSQL one.
#[derive(Debug)]
pub struct TestApp {
    pub port: u16,
    pub database_url: String,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        remove_test_database(&self.database_url);
    }
}

/// Removes a test's scratch folder (SQLite) or database (PostgreSQL), named as [`settings`]
/// names them; anything else is left alone.
pub fn remove_test_database(database_url: &str) {
    if let Some(path) = database_url.strip_prefix("sqlite://") {
        let file = PathBuf::from(path.split('?').next().unwrap_or_default());
        if let Some(dir) = file.parent().filter(|dir| {
            dir.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("registration-e2e-"))
        }) {
            let _ = std::fs::remove_dir_all(dir);
        }
        return;
    }
    let Some(name) = database_url
        .strip_prefix("postgres")
        .and_then(|url| url.rsplit('/').next())
        .filter(|name| {
            name.starts_with("test_")
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
        .map(str::to_owned)
    else {
        return;
    };
    if let Some(id) = name.rsplit('_').next() {
        let _ = std::fs::remove_dir_all(scratch_dir(id));
    }
    // Drop runs outside any async context the test may still be in: a thread of its own with
    // a runtime of its own. FORCE ends the connections the app still holds.
    let _ = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
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

/// Settings for a test app: the variables given, over a fresh database, port 0 and the test
/// PKI as trust anchor.
pub async fn settings(backend: Backend, extra: &[(&str, &str)]) -> (Settings, String) {
    // One id names both the scratch folder and the PostgreSQL database, so that dropping the
    // app finds both.
    let id = Uuid::new_v4().simple().to_string();
    let dir = scratch_with(&id);
    let database_url = match backend {
        Backend::Sqlite => format!("sqlite://{}?mode=rwc", dir.join("test.sqlite").display()),
        Backend::Postgres => {
            let now = now().unix_timestamp();
            let name = format!("test_{now}_{id}");
            let admin = Database::connect(postgres_admin_url())
                .await
                .expect("PostgreSQL answers");
            drop_stale_databases(&admin, now).await;
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("a fresh database");
            admin.close().await.expect("closed");
            let base = postgres_admin_url();
            let (server, _) = base.rsplit_once('/').expect("a database URL");
            format!("{server}/{name}")
        }
    };
    let root = dir.join("root.pem");
    std::fs::write(&root, pki().root.pem()).expect("root written");
    let intermediate = dir.join("intermediate.pem");
    std::fs::write(&intermediate, pki().intermediate.pem()).expect("intermediate written");
    let gost_root = dir.join("gost-root.pem");
    std::fs::write(&gost_root, gost_pki().root.pem()).expect("GOST root written");
    let gost_intermediate = dir.join("gost-intermediate.pem");
    std::fs::write(&gost_intermediate, gost_pki().intermediate.pem())
        .expect("GOST intermediate written");
    let mut env: HashMap<String, String> = HashMap::from([
        ("BIND_ADDR".to_owned(), "127.0.0.1:0".to_owned()),
        ("DATABASE_URL".to_owned(), database_url.clone()),
        ("APP_ENV".to_owned(), "development".to_owned()),
        (
            "EDS_TRUST_ANCHORS".to_owned(),
            format!("{},{}", root.display(), gost_root.display()),
        ),
        (
            "EDS_INTERMEDIATES".to_owned(),
            format!("{},{}", intermediate.display(), gost_intermediate.display()),
        ),
        // Uploaded documents stay in the app's scratch folder, never in the checkout.
        (
            "DOCUMENTS_DIR".to_owned(),
            dir.join("documents").display().to_string(),
        ),
    ]);
    // Production refuses to start without a shared OTP store, secret, seal key, SMS gateway
    // and deciding body: a production test app gets the real Redis under a prefix of its own,
    // a gateway at a closed port (its tests send no SMS) and the demo officers' body.
    if extra
        .iter()
        .any(|(name, value)| *name == "APP_ENV" && *value == "production")
    {
        env.insert("REDIS_URL".to_owned(), REDIS_URL.to_owned());
        env.insert("OTP_KEY_PREFIX".to_owned(), format!("test:{id}:"));
        env.insert("OTP_SECRET".to_owned(), format!("test secret of {id}"));
        env.insert("OTP_SEAL_KEY".to_owned(), seal_key().to_owned());
        env.insert(
            "SMS_GATEWAY_URL".to_owned(),
            "http://127.0.0.1:9/sms".to_owned(),
        );
        env.insert("SERVICE_BODY_BIN".to_owned(), "940140000385".to_owned());
    }
    for (name, value) in extra {
        env.insert((*name).to_owned(), (*value).to_owned());
    }
    let settings = Settings::from_sources(|name| env.get(name).cloned()).expect("test settings");
    (settings, database_url)
}

/// Builds the application as production does (on `clock`, with an optional statement
/// observer) over fresh test settings, and runs it in the background of the test's runtime.
async fn start(
    backend: Backend,
    extra: &[(&str, &str)],
    clock: std::sync::Arc<dyn api::core::Clock>,
    observer: Option<api::startup::StatementObserver>,
) -> TestApp {
    let (settings, database_url) = settings(backend, extra).await;
    let application = Application::build_observed(settings, clock, observer)
        .await
        .expect("the application starts");
    let port = application.port();
    actix_web::rt::spawn(application.run_until_stopped());
    TestApp { port, database_url }
}

/// Starts the application on a clock the test moves.
pub async fn spawn_app_with_clock(
    backend: Backend,
    extra: &[(&str, &str)],
    clock: std::sync::Arc<api::core::ManualClock>,
) -> TestApp {
    start(backend, extra, clock, None).await
}

/// Starts the application with every SQL statement it runs counted (background tasks off, so
/// that only requests run statements).
pub async fn spawn_app_counting(
    backend: Backend,
) -> (TestApp, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&count);
    let observer: api::startup::StatementObserver =
        std::sync::Arc::new(move |_: &sea_orm::Statement| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        });
    let app = start(
        backend,
        &[("BACKGROUND_TASKS", "false")],
        std::sync::Arc::new(api::core::SystemClock),
        Some(observer),
    )
    .await;
    (app, count)
}

/// Starts the application with extra settings.
pub async fn spawn_app_with(backend: Backend, extra: &[(&str, &str)]) -> TestApp {
    start(
        backend,
        extra,
        std::sync::Arc::new(api::core::SystemClock),
        None,
    )
    .await
}

/// Starts the application in the background of the test's runtime.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, &[]).await
}

/// An HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 exchange over a fresh connection (blocking: run it off the server's thread
/// with [`request`]). A dependency-free client is enough for JSON in and out.
fn exchange(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    // A server that refuses a body (413) may answer and close before the client has written
    // it all: the answer is still there to read.
    let closed_early = |e: &std::io::Error| {
        matches!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
        )
    };
    let written = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.as_bytes()));
    if let Err(error) = written
        && !closed_early(&error)
    {
        return Err(error);
    }
    let mut raw = Vec::new();
    if let Err(error) = stream.read_to_end(&mut raw)
        && (!closed_early(&error) || raw.is_empty())
    {
        return Err(error);
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other("not an HTTP response"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

/// Sends a request without blocking the server's runtime.
pub async fn request(
    port: u16,
    method: &'static str,
    path: &str,
    headers: Vec<(String, String)>,
    body: String,
) -> Response {
    let path = path.to_owned();
    actix_web::rt::task::spawn_blocking(move || {
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        exchange(port, method, &path, &headers, &body)
    })
    .await
    .expect("the client task")
    .expect("the server answers")
}

impl TestApp {
    /// Posts a GraphQL operation; `token` signs the request in.
    pub async fn graphql(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        self.graphql_with(query, variables, token, &[]).await
    }

    /// The same, with extra headers (Origin, Accept-Language).
    pub async fn graphql_with(
        &self,
        query: &str,
        variables: Value,
        token: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Value {
        let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        if let Some(token) = token {
            headers.push(("Authorization".to_owned(), format!("Bearer {token}")));
        }
        headers.extend(
            extra
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
        );
        let body = json!({ "query": query, "variables": variables }).to_string();
        let response = request(self.port, "POST", "/graphql", headers, body).await;
        assert_eq!(response.status, 200, "{}", response.body);
        response.json()
    }

    /// A new challenge's ID and decoded payload bytes.
    pub async fn challenge(&self, origin: Option<&str>) -> (String, Vec<u8>) {
        let headers: Vec<(&str, &str)> = origin.map(|o| vec![("Origin", o)]).unwrap_or_default();
        let response = self
            .graphql_with(
                "mutation { createAuthChallenge { challenge { id payload text expiresAt } userErrors { code } } }",
                json!({}),
                None,
                &headers,
            )
            .await;
        let challenge = &response["data"]["createAuthChallenge"]["challenge"];
        let payload = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            challenge["payload"].as_str().expect("a payload"),
        )
        .expect("base64");
        (challenge["id"].as_str().expect("an id").to_owned(), payload)
    }

    /// Signs in with `certificate` over a fresh challenge; returns the whole payload.
    pub async fn login_with(&self, certificate: &testing::Certificate) -> Value {
        let (id, payload) = self.challenge(None).await;
        let cms = testing::cms::base64(
            &CmsBuilder::new(&payload)
                .certificate(certificate)
                .signer(SignerSpec::new(certificate))
                .build(),
        );
        self.login(&id, &cms, &[]).await
    }

    /// Calls `loginWithSignature`.
    pub async fn login(&self, challenge_id: &str, cms: &str, headers: &[(&str, &str)]) -> Value {
        let response = self
            .graphql_with(
                "mutation($input: LoginWithSignatureInput!) { loginWithSignature(input: $input) { token expiresAt person { id iin surname givenName patronymic } userErrors { code field message detail } } }",
                json!({ "input": { "challengeId": challenge_id, "cms": cms } }),
                None,
                headers,
            )
            .await;
        response["data"]["loginWithSignature"].clone()
    }
}

/// Signs `iin` in with an authentication key of the test PKI; the session's token.
pub async fn signed_in(app: &TestApp, iin: &str) -> String {
    let payload = app.login_with(&auth_certificate(iin)).await;
    payload["token"]
        .as_str()
        .unwrap_or_else(|| panic!("signed in: {payload}"))
        .to_owned()
}

/// An attached CMS over `content` by `certificate`'s key, bare base64 (as NCALayer returns it).
pub fn sign(certificate: &testing::Certificate, content: &[u8]) -> String {
    testing::cms::base64(
        &CmsBuilder::new(content)
            .certificate(certificate)
            .signer(SignerSpec::new(certificate))
            .build(),
    )
}

/// An individual's authentication certificate from the test PKI.
pub fn auth_certificate(iin: &str) -> testing::Certificate {
    pki()
        .individual_auth(iin)
        .validity(
            now() - time::Duration::days(30),
            now() + time::Duration::days(365),
        )
        .issued_by(&pki().intermediate)
}

/// An individual's signing certificate from the test PKI.
pub fn sign_certificate(iin: &str) -> testing::Certificate {
    pki()
        .individual_sign(iin)
        .validity(
            now() - time::Duration::days(30),
            now() + time::Duration::days(365),
        )
        .issued_by(&pki().intermediate)
}

/// Makes a CMS over the bytes it is given (a table-driven test's way to vary the signature).
pub type SignPayload = Box<dyn Fn(&[u8]) -> String>;

/// The embedded default as `cargo run -p api` starts it (development profile, SQLite, demo data,
/// demo PKI trusted), on port 0 and a fresh database file.
pub async fn spawn_demo_app() -> TestApp {
    let database_url = format!(
        "sqlite://{}?mode=rwc",
        scratch().join("demo.sqlite").display()
    );
    let env: HashMap<&str, String> = HashMap::from([
        ("BIND_ADDR", "127.0.0.1:0".to_owned()),
        ("DATABASE_URL", database_url.clone()),
    ]);
    let settings = Settings::from_sources(|name| env.get(name).cloned()).expect("demo settings");
    let application = Application::build(settings)
        .await
        .expect("the demo application starts");
    let port = application.port();
    actix_web::rt::spawn(application.run_until_stopped());
    TestApp { port, database_url }
}

/// The codes of a mutation payload's `userErrors`.
pub fn codes(payload: &Value) -> Vec<String> {
    payload["userErrors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The demo officer's authentication key: a legal entity's employee of the body 940140000385.
pub fn officer_auth_certificate() -> testing::Certificate {
    use signatures::testing::{KeyUsageBit, nca};
    pki()
        .legal_entity_sign("850315300019", "940140000385", nca::ROLE_EMPLOYEE)
        .key_usage(&[KeyUsageBit::DigitalSignature, KeyUsageBit::KeyEncipherment])
        .ext_key_usage(&[
            nca::EKU_CLIENT_AUTH,
            nca::EKU_LEGAL_ENTITY,
            nca::ROLE_EMPLOYEE,
        ])
        .validity(
            now() - time::Duration::days(1),
            now() + time::Duration::days(30),
        )
        .issued_by(&pki().intermediate)
}

/// The system clock's time. A test needs it where the server runs on the system clock (the
/// default): certificates it issues and rows it writes by hand must be current for the server.
pub fn now() -> time::OffsetDateTime {
    use api::core::Clock;
    api::core::SystemClock.now()
}

/// Polls two futures concurrently (their HTTP exchanges run on blocking threads, so the two
/// requests really are in flight together).
pub async fn futures_join<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    use std::task::Poll;
    let (mut a, mut b) = (std::pin::pin!(a), std::pin::pin!(b));
    let (mut first, mut second) = (None, None);
    std::future::poll_fn(|cx| {
        if first.is_none()
            && let Poll::Ready(value) = a.as_mut().poll(cx)
        {
            first = Some(value);
        }
        if second.is_none()
            && let Poll::Ready(value) = b.as_mut().poll(cx)
        {
            second = Some(value);
        }
        if first.is_some() && second.is_some() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    (
        first.expect("polled to completion"),
        second.expect("polled to completion"),
    )
}

/// Whether a real-peer test can run: `missing` names what is not installed (`None` when all
/// is). Without it the test says so and does not run, so that a plain clone's suite passes;
/// with `REAL_PEERS_REQUIRED=1` (which `.ci/run` exports) it fails instead, so CI always runs it.
#[allow(dead_code, reason = "used by the real-peer binaries, not by tests/api")]
pub fn peer_available(test: &str, missing: Option<String>) -> bool {
    let Some(missing) = missing else {
        return true;
    };
    let required = std::env::var("REAL_PEERS_REQUIRED").is_ok_and(|v| v == "1");
    assert!(!required, "REAL_PEERS_REQUIRED=1 but {missing}");
    // Written to the real stderr, past the test harness's capture, so that it shows.
    let _ = writeln!(std::io::stderr(), "NOTE: {test} did not run: {missing}");
    false
}

/// An individual's GOST 2015-512 key from [`gost_pki`], as NCA RK issues them: one key that
/// both signs documents and signs in (keyUsage digitalSignature, nonRepudiation and
/// keyEncipherment; EKU emailProtection and the individual's role).
pub fn gost_certificate(iin: &str) -> testing::Certificate {
    gost_pki()
        .individual_combined(iin)
        .validity(
            now() - time::Duration::days(30),
            now() + time::Duration::days(365),
        )
        .issued_by(&gost_pki().intermediate)
}

/// The demo officer's GOST 2015-512 key from [`gost_pki`]: a legal entity's employee of the
/// body 940140000385, one key for signing and signing in.
pub fn gost_officer_certificate() -> testing::Certificate {
    use signatures::testing::nca;
    gost_pki()
        .legal_entity_combined("850315300019", "940140000385", nca::ROLE_EMPLOYEE)
        .validity(
            now() - time::Duration::days(1),
            now() + time::Duration::days(30),
        )
        .issued_by(&gost_pki().intermediate)
}

/// A key of the demo PKI, `demo/pki/<file>` (certificate and private key in one PEM, RSA or
/// GOST), to sign with through [`CmsBuilder`] as `eds-sign` does.
pub fn demo_key(file: &str) -> testing::Certificate {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("demo/pki")
        .join(file);
    let pem = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let key = testing::KeyPair::from_private_key_pem(&pem).expect("a private key");
    let der = openssl::x509::X509::from_pem(&pem)
        .and_then(|c| c.to_der())
        .expect("a certificate");
    testing::Certificate::from_der(&der, key).expect("a readable certificate")
}

/// The signatures an app stored, oldest first: their purpose (`SIGN_IN`, `APPLICATION`), the
/// signer's IIN and serial, and the verifier's report.
pub async fn stored_signatures(app: &TestApp) -> Vec<(String, Option<String>, String, Value)> {
    let db = Database::connect(&app.database_url)
        .await
        .expect("the test database");
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT purpose, signer_iin, signer_serial, report FROM stored_signature \
             ORDER BY received_at",
        ))
        .await
        .expect("the stored signatures");
    let signatures = rows
        .iter()
        .map(|row| {
            let report: String = row.try_get("", "report").expect("a report");
            (
                row.try_get("", "purpose").expect("a purpose"),
                row.try_get("", "signer_iin").expect("an IIN column"),
                row.try_get("", "signer_serial").expect("a serial"),
                serde_json::from_str(&report).expect("the report is JSON"),
            )
        })
        .collect();
    let _ = db.close().await;
    signatures
}

/// Removes, when dropped (the test passed or failed), what [`settings`] made for a test that
/// builds its application itself.
#[derive(Debug)]
pub struct RemoveDatabase(pub String);

impl Drop for RemoveDatabase {
    fn drop(&mut self) {
        remove_test_database(&self.0);
    }
}

/// Removes a folder a test made, when dropped.
#[derive(Debug)]
pub struct RemoveFolder(pub PathBuf);

impl RemoveFolder {
    /// A new, empty scratch folder named after `what`, removed when the test ends.
    pub fn new(what: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("{what}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        RemoveFolder(dir)
    }
}

impl Drop for RemoveFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The SMS the development outbox holds for `phone`, oldest first: (text, code; no code for
/// a notice such as a consent's).
pub async fn outbox(app: &TestApp, phone: &str) -> Vec<(String, Option<String>)> {
    let db = Database::connect(&app.database_url)
        .await
        .expect("the test database");
    let rows = db
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            db.get_database_backend(),
            match db.get_database_backend() {
                sea_orm::DatabaseBackend::Postgres => {
                    "SELECT text, code FROM sms_outbox WHERE phone = $1 ORDER BY sent_at"
                }
                _ => "SELECT text, code FROM sms_outbox WHERE phone = ? ORDER BY sent_at",
            },
            [phone.into()],
        ))
        .await
        .expect("the outbox");
    let _ = db.close().await;
    rows.iter()
        .map(|row| {
            (
                row.try_get("", "text").expect("a text"),
                row.try_get("", "code").expect("a code column"),
            )
        })
        .collect()
}

/// The `nth` SMS to `phone` (0: the first), waiting for it: an SMS leaves from a task of its
/// own, after the response.
pub async fn sms_number(app: &TestApp, phone: &str, nth: usize) -> (String, Option<String>) {
    for _ in 0..100 {
        if let Some(sms) = outbox(app, phone).await.get(nth) {
            return sms.clone();
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no SMS number {nth} to {phone}");
}

/// Runs the event relay on a connection of the test's own (the app runs it too, every
/// second), so that notifications of what was just committed can be read at once. When the
/// app's own relay holds the lock at that moment, it waits for its turn as leader.
pub async fn sequence_events(app: &TestApp) {
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    for _ in 0..100 {
        let run = api::core::service::events::relay::sequence(&db, now())
            .await
            .expect("the relay runs");
        if run.leader {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let _ = db.close().await;
}

/// Another instance's service context on the app's database and clock: to run a background
/// task's step (the deadline, the review, the registrations) at a moment the test chooses.
pub async fn instance(
    app: &TestApp,
    clock: std::sync::Arc<api::core::ManualClock>,
) -> api::core::ServiceContext {
    use api::core::Clock;
    use api::core::context::{ServiceContext, ServiceSettings, VerificationSlots};
    let db = api::core::database::connect(&app.database_url)
        .await
        .expect("the test database");
    ServiceContext {
        sms: std::sync::Arc::new(api::core::sms::DevOutbox::new(db.clone(), clock.clone())),
        properties: std::sync::Arc::new(api::core::registries::LocalRegistries::new(db.clone())),
        representation: std::sync::Arc::new(api::core::registries::LocalRegistries::new(
            db.clone(),
        )),
        population: std::sync::Arc::new(api::core::registries::LocalRegistries::new(db.clone())),
        state_documents: std::sync::Arc::new(api::core::registries::LocalRegistries::new(
            db.clone(),
        )),
        db,
        trust: std::sync::Arc::new(
            api::core::trust::TrustStore::load(&Default::default(), clock.now())
                .expect("a trust store"),
        ),
        clock,
        verification: VerificationSlots::new(1, std::time::Duration::from_secs(1)),
        settings: std::sync::Arc::new(ServiceSettings {
            service_name: "test".to_owned(),
            challenge_ttl_seconds: 300,
            session_ttl_seconds: 3600,
            property_lookups_per_hour: 10,
            certificate_checks_per_hour: 60,
            consent_days: 5,
            service_body_bin: "940140000385".to_owned(),
            manual_review_bodies: Vec::new(),
            claim_minutes: 30,
            working_hours: Default::default(),
            appeals_operator_name: "Оператор сервиса".to_owned(),
            appeals_operator_position: "оператор".to_owned(),
            appeal_correction_days: 5,
            event_retention_days: 30,
        }),
        calendar: std::sync::Arc::new(
            api::core::calendar::Calendar::bundled().expect("the bundled calendar"),
        ),
    }
}

/// An officer's signing key: a legal entity's employee key of `body` for `iin`.
pub fn officer_sign_certificate(iin: &str, body: &str) -> testing::Certificate {
    pki()
        .legal_entity_sign(iin, body, signatures::testing::nca::ROLE_EMPLOYEE)
        .validity(
            now() - time::Duration::days(1),
            now() + time::Duration::days(30),
        )
        .issued_by(&pki().intermediate)
}

/// An officer's authentication key: a legal entity's employee key of `body` for `iin`.
pub fn officer_auth_certificate_of(iin: &str, body: &str) -> testing::Certificate {
    use signatures::testing::{KeyUsageBit, nca};
    pki()
        .legal_entity_sign(iin, body, nca::ROLE_EMPLOYEE)
        .key_usage(&[KeyUsageBit::DigitalSignature, KeyUsageBit::KeyEncipherment])
        .ext_key_usage(&[
            nca::EKU_CLIENT_AUTH,
            nca::EKU_LEGAL_ENTITY,
            nca::ROLE_EMPLOYEE,
        ])
        .validity(
            now() - time::Duration::days(1),
            now() + time::Duration::days(30),
        )
        .issued_by(&pki().intermediate)
}

/// Lists `iin` as an officer of `body` and signs them in with their body's key: the session's
/// token.
pub async fn officer_signed_in(app: &TestApp, iin: &str, body: &str) -> String {
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    api::core::service::admin::add_officer(&db, iin, body, now())
        .await
        .expect("listed as an officer");
    let _ = db.close().await;
    let login = app
        .login_with(&officer_auth_certificate_of(iin, body))
        .await;
    login["token"]
        .as_str()
        .unwrap_or_else(|| panic!("an officer signed in: {login}"))
        .to_owned()
}

/// The bytes a signing request asks to sign (its `payload`, standard base64).
pub fn payload_of(request: &Value) -> Vec<u8> {
    base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        request["payload"].as_str().expect("a payload"),
    )
    .expect("base64")
}

/// An application by its global ID with the given selection, as `token` reads it.
pub async fn application_as(app: &TestApp, token: &str, id: &Value, fields: &str) -> Value {
    let query = format!("query($id: ID!) {{ application(id: $id) {{ {fields} }} }}");
    let response = app.graphql(&query, json!({ "id": id }), Some(token)).await;
    response["data"]["application"].clone()
}

/// An application's history as (status reached, who) pairs, oldest first.
pub fn statuses(application: &Value) -> Vec<(String, String)> {
    application["history"]["edges"]
        .as_array()
        .expect("a history")
        .iter()
        .map(|e| {
            (
                e["node"]["to"].as_str().unwrap_or_default().to_owned(),
                e["node"]["actorRole"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

/// One entry of [`statuses`].
pub fn pair(to: &str, role: &str) -> (String, String) {
    (to.to_owned(), role.to_owned())
}

/// Prepares the signing of a draft (`id`, `version`); the signing request (`id`, `payload`).
pub async fn prepare_signing(app: &TestApp, token: &str, draft: &Value) -> Value {
    let response = app
        .graphql(
            "mutation($input: PrepareSigningInput!) { prepareSigning(input: $input) { signingRequest { id payload } userErrors { code } } }",
            json!({ "input": { "applicationId": draft["id"], "version": draft["version"] } }),
            Some(token),
        )
        .await;
    let request = response["data"]["prepareSigning"]["signingRequest"].clone();
    assert!(request["id"].is_string(), "{response}");
    request
}

/// Creates an application of `iin` from `input`, prepares it and submits it signed with the
/// test PKI's signing key of `iin`; the submitted application with the `fields` selection.
pub async fn file_application(
    app: &TestApp,
    token: &str,
    iin: &str,
    input: Value,
    fields: &str,
) -> Value {
    let created = app
        .graphql(
            "mutation($input: CreateApplicationInput!) { createApplication(input: $input) { application { id version } userErrors { code field } } }",
            json!({ "input": input }),
            Some(token),
        )
        .await;
    let draft = created["data"]["createApplication"]["application"].clone();
    assert!(draft["id"].is_string(), "{created}");
    let request = prepare_signing(app, token, &draft).await;
    let cms = sign(&sign_certificate(iin), &payload_of(&request));
    let query = format!(
        "mutation($input: SubmitApplicationInput!) {{ submitApplication(input: $input) {{ application {{ {fields} }} userErrors {{ code field message }} }} }}"
    );
    let response = app
        .graphql(
            &query,
            json!({ "input": { "signingRequestId": request["id"], "signature": { "cms": cms } } }),
            Some(token),
        )
        .await;
    let payload = &response["data"]["submitApplication"];
    assert_eq!(codes(payload), Vec::<String>::new(), "{response}");
    payload["application"].clone()
}

/// `registration-api` of this build, in the test binary's target folder. Built here once per
/// run (a no-op when it is fresh): `cargo test --test api` alone does not rebuild another
/// package's binary, and a stale one would not be the code under test.
pub fn registration_api_of_this_build() -> &'static std::path::Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let exe = std::env::current_exe().expect("the test binary's path");
        let profile_dir = exe
            .parent()
            .and_then(std::path::Path::parent)
            .expect("a target folder")
            .to_path_buf();
        let target_dir = profile_dir.parent().expect("the target folder's parent");
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") => "dev".to_owned(),
            Some(name) => name.to_owned(),
            None => panic!("{} has no profile name", profile_dir.display()),
        };
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let build = std::process::Command::new(&cargo)
            .args(["build", "-p", "api", "--bin", "registration-api"])
            .args(["--profile", &profile])
            .env("CARGO_TARGET_DIR", target_dir)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo runs");
        assert!(
            build.status.success(),
            "building registration-api failed: {}",
            String::from_utf8_lossy(&build.stderr)
        );
        profile_dir.join(format!("registration-api{}", std::env::consts::EXE_SUFFIX))
    })
}
