//! Stopping the server: SIGTERM while its background tasks are busy with the database (the relay
//! numbering a stream of committed events, the reader reading them) ends the process cleanly.
//! Those tasks used to live on actix's local task set, which is dropped outside a Tokio context:
//! a pooled connection dropped with a relay run in flight then panicked ("this functionality
//! requires a Tokio context") and the process exited with 101.

use crate::helpers::*;
use sea_orm::ConnectionTrait;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// An event of the body, as another instance or an operator would commit it.
const EVENT: &str = "WITH e AS (INSERT INTO event (public_id, entity_kind, entity_id, application_id, from_status, to_status, actor_role, actor_person_id, at, sequence, sequenced_at, body_bin) VALUES (gen_random_uuid(), 'APPEAL', gen_random_uuid(), NULL, NULL, 'FILED', 'APPLICANT', NULL, clock_timestamp(), NULL, NULL, '940140000385') RETURNING id) INSERT INTO event_audience (event_id, kind, value) SELECT id, 'BIN', '940140000385' FROM e";

/// A port nobody listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

#[actix_web::test]
async fn sigterm_while_events_are_being_numbered_stops_the_server_cleanly() {
    // The database of a test app whose own background tasks are off: only the binary's relay
    // numbers the events.
    let app = spawn_app_with(Backend::Postgres, &[("BACKGROUND_TASKS", "false")]).await;
    let scratch = std::env::temp_dir().join(format!("shutdown-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&scratch).expect("a scratch folder");
    let port = free_port();
    let server = Command::new(registration_api_of_this_build())
        .current_dir(&scratch)
        .env("DATABASE_URL", &app.database_url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("APP_ENV", "development")
        .env("DOCUMENTS_DIR", scratch.join("documents"))
        .env("RUST_LOG", "warn")
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let ready = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < ready, "the server did not listen");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }

    // Events commit one after the other; each wakes the relay, whose runs overlap the signal.
    let db = sea_orm::Database::connect(&app.database_url).await.unwrap();
    let writing = Instant::now();
    let mut signalled = false;
    let mut written = 0;
    while writing.elapsed() < Duration::from_secs(3) {
        db.execute_unprepared(EVENT)
            .await
            .expect("an event committed");
        written += 1;
        if !signalled && writing.elapsed() > Duration::from_millis(800) {
            let kill = Command::new("kill")
                .args(["-TERM", &server.id().to_string()])
                .status()
                .expect("kill runs");
            assert!(kill.success());
            signalled = true;
        }
    }
    let _ = db.close().await;
    assert!(signalled && written > 10, "{written} events written");

    let output = actix_web::rt::task::spawn_blocking(move || server.wait_with_output())
        .await
        .unwrap()
        .expect("the server's output");
    let _ = std::fs::remove_dir_all(&scratch);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !stderr.contains("panicked") && !stdout.contains("panicked"),
        "{stdout}\n{stderr}"
    );
    assert!(
        output.status.success(),
        "{:?}\n{stdout}\n{stderr}",
        output.status
    );
}
