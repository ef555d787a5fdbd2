//! The `registration-api` commands, run as the binary an operator runs.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops with a message on the first broken expectation"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch folder, removed when the test ends, passed or failed.
struct Scratch(PathBuf);

impl Scratch {
    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch() -> Scratch {
    let dir = std::env::temp_dir().join(format!("registration-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    Scratch(dir)
}

/// The lines a command logged at INFO (stderr), checked to carry no terminal colours: stderr
/// is a pipe here, not a terminal.
fn info_lines(output: &Output) -> Vec<String> {
    let stderr = text(&output.stderr);
    assert!(
        !stderr.contains('\u{1b}'),
        "ANSI escapes in a pipe: {stderr:?}"
    );
    stderr
        .lines()
        .filter(|line| line.contains(" INFO "))
        .map(str::to_owned)
        .collect()
}

fn run(database: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_registration-api"))
        .args(args)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", database.display()),
        )
        .env_remove("APP_ENV")
        .env_remove("EDS_TRUST_ANCHORS")
        .env_remove("RUST_LOG")
        .env_remove("LOG_FORMAT")
        .output()
        .expect("registration-api runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn print_schema_prints_the_committed_sdl() {
    let dir = scratch();
    let output = run(&dir.join("db.sqlite"), &["print-schema"]);
    assert!(output.status.success());
    let committed =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql"))
            .expect("schema.graphql");
    assert_eq!(text(&output.stdout).trim_end(), committed.trim_end());
}

#[test]
fn migrate_and_import_are_idempotent_and_bad_rows_are_reported_by_line() {
    let dir = scratch();
    let db = dir.join("db.sqlite");
    let first = run(&db, &["migrate"]);
    assert!(first.status.success());
    let lines = info_lines(&first);
    assert_eq!(lines.len(), 1, "one line says what was done: {lines:?}");
    assert!(lines[0].contains("migrations applied"), "{lines:?}");
    assert!(!lines[0].contains("applied=0"), "{lines:?}");
    let again = run(&db, &["migrate"]);
    assert!(again.status.success(), "migrating twice is harmless");
    let lines = info_lines(&again);
    assert!(
        lines.len() == 1 && lines[0].contains("applied=0"),
        "{lines:?}"
    );

    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo/data.jsonl");
    let demo = demo.to_str().expect("a path");
    let first = run(&db, &["import", demo]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let lines = info_lines(&first);
    assert!(
        lines.len() == 1 && lines[0].contains("persons 9 created"),
        "{lines:?}"
    );
    let second = run(&db, &["import", demo]);
    assert!(second.status.success());
    let lines = info_lines(&second);
    assert!(
        lines.len() == 1 && lines[0].contains("persons 0 created, 0 updated"),
        "{lines:?}"
    );

    let bad = dir.join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"type\":\"person\",\"iin\":\"910520300017\",\"surname\":\"A\",\"givenName\":\"B\"}\n\
         {\"type\":\"person\",\"iin\":\"821214240092\",\"surname\":\"A\",\"givenName\":\"B\"}\n\
         not json\n",
    )
    .unwrap();
    let refused = run(&db, &["import", bad.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    let report = text(&refused.stdout);
    assert!(
        report.contains("line 2") && report.contains("line 3"),
        "{report}"
    );
    assert!(
        !report.contains("line 1:"),
        "the good row is not an error: {report}"
    );
}

#[test]
fn officers_and_integrators_are_added_and_integrators_listed_and_revoked() {
    let dir = scratch();
    let db = dir.join("db.sqlite");
    let officer = run(
        &db,
        &[
            "officers",
            "add",
            "--iin",
            "850315300019",
            "--body",
            "940140000385",
        ],
    );
    assert!(officer.status.success(), "{}", text(&officer.stderr));
    let lines = info_lines(&officer);
    assert!(
        lines.len() == 1 && lines[0].contains("officer added"),
        "{lines:?}"
    );
    assert!(
        !lines[0].contains("850315300019"),
        "no full IIN in logs: {lines:?}"
    );
    let again = run(
        &db,
        &[
            "officers",
            "add",
            "--iin",
            "850315300019",
            "--body",
            "940140000385",
        ],
    );
    assert!(again.status.success());
    let lines = info_lines(&again);
    assert!(
        lines.len() == 1 && lines[0].contains("already listed"),
        "{lines:?}"
    );
    let bad_body = run(
        &db,
        &["officers", "add", "--iin", "850315300019", "--body", "123"],
    );
    assert_eq!(bad_body.status.code(), Some(2));
    assert!(text(&bad_body.stderr).contains("--body"));
    // An integrator's key is made with its event-feed scope: the bodies are required.
    let unscoped = run(&db, &["integrators", "add", "--name", "a municipal portal"]);
    assert_eq!(unscoped.status.code(), Some(2));
    assert!(text(&unscoped.stderr).contains("--bodies"), "{unscoped:?}");
    let bad_type = run(
        &db,
        &[
            "integrators",
            "add",
            "--name",
            "a portal",
            "--bodies",
            "940140000385",
            "--types",
            "APPEAL,GOSSIP",
        ],
    );
    assert_eq!(bad_type.status.code(), Some(2));
    assert!(text(&bad_type.stderr).contains("GOSSIP"), "{bad_type:?}");
    let integrator = run(
        &db,
        &[
            "integrators",
            "add",
            "--name",
            "a municipal portal",
            "--bodies",
            "940140000385",
            "--types",
            "APPEAL,APPLICATION",
        ],
    );
    assert!(integrator.status.success(), "{integrator:?}");
    let key = text(&integrator.stdout);
    assert!(
        key.trim().starts_with("ri_") && key.trim().len() > 40,
        "{key}"
    );
    // Listed, one JSON line each, never with the key.
    let listed = run(&db, &["integrators", "list"]);
    assert!(listed.status.success(), "{listed:?}");
    let rows: Vec<serde_json::Value> = text(&listed.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["name"], "a municipal portal");
    assert_eq!(rows[0]["bodies"], serde_json::json!(["940140000385"]));
    assert_eq!(
        rows[0]["types"],
        serde_json::json!(["APPEAL", "APPLICATION"])
    );
    assert_eq!(rows[0]["revokedAt"], serde_json::Value::Null);
    assert!(!text(&listed.stdout).contains(key.trim()));
    // Revoked once; a second time changes nothing.
    let id = rows[0]["id"].as_str().expect("an id").to_owned();
    let revoked = run(&db, &["integrators", "revoke", "--id", &id]);
    assert_eq!(text(&revoked.stdout).trim(), "revoked", "{revoked:?}");
    let again = run(&db, &["integrators", "revoke", "--id", &id]);
    assert_eq!(text(&again.stdout).trim(), "already revoked", "{again:?}");
    let listed = text(&run(&db, &["integrators", "list"]).stdout);
    assert!(listed.contains("\"revokedAt\":\"20"), "{listed}");
    // Not an id, or nobody's: refused with the reason.
    let not_an_id = run(&db, &["integrators", "revoke", "--id", "portal"]);
    assert_eq!(not_an_id.status.code(), Some(2));
    assert!(text(&not_an_id.stderr).contains("is not an integrator's id"));
    let nobody = uuid::Uuid::new_v4().to_string();
    let unknown = run(&db, &["integrators", "revoke", "--id", &nobody]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("no integrator has the id"));
}

#[test]
fn unknown_commands_and_bad_configuration_are_usage_errors() {
    let dir = scratch();
    let db = dir.join("db.sqlite");
    for flag in ["--help", "-h", "help"] {
        let help = run(&db, &[flag]);
        assert_eq!(help.status.code(), Some(0), "{flag}");
        assert!(text(&help.stdout).starts_with("usage:"), "{flag}");
    }
    let unknown = run(&db, &["frobnicate"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("usage"));
    let bad = Command::new(env!("CARGO_BIN_EXE_registration-api"))
        .arg("migrate")
        .env("DATABASE_URL", "postgres://127.0.0.1:5432/x")
        .env_remove("APP_ENV")
        .env_remove("EDS_TRUST_ANCHORS")
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("EDS_TRUST_ANCHORS"),
        "production fails closed: {}",
        text(&bad.stderr)
    );
}

#[test]
fn a_taken_port_is_said_before_anything_is_written() {
    let dir = scratch();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let address = taken.local_addr().expect("its address").to_string();
    let db = dir.join("db.sqlite");
    let output = Command::new(env!("CARGO_BIN_EXE_registration-api"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", db.display()),
        )
        .env("BIND_ADDR", &address)
        .env_remove("APP_ENV")
        .env_remove("EDS_TRUST_ANCHORS")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {address}")),
        "{stderr}"
    );
    assert!(!db.exists(), "no database file was created");
}

#[test]
fn dev_outbox_prints_the_stored_messages_and_never_an_expired_code() {
    use registration_core::sms::{DevOutbox, SmsGateway, SmsMessage, SmsPurpose, otp_text};
    use registration_core::{Clock, SystemClock};
    let dir = scratch();
    let db = dir.join("db.sqlite");
    assert!(run(&db, &["migrate"]).status.success());
    let now = SystemClock.now();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let connection =
            registration_core::database::connect(&format!("sqlite://{}?mode=rwc", db.display()))
                .await
                .expect("the database");
        let outbox = DevOutbox::new(connection.clone(), std::sync::Arc::new(SystemClock));
        for (phone, code, expires_at) in [
            ("+77011234567", "111111", now + time::Duration::minutes(5)),
            ("+77021234567", "222222", now + time::Duration::minutes(5)),
            // Expired a minute ago: the command deletes it instead of printing it.
            ("+77011234567", "333333", now - time::Duration::minutes(1)),
        ] {
            outbox
                .send(&SmsMessage {
                    phone: phone.to_owned(),
                    text: otp_text(code, SmsPurpose::Login),
                    code: Some(code.to_owned()),
                    expires_at,
                })
                .await
                .expect("kept");
        }
        connection.close().await.expect("closed");
    });

    let all = run(&db, &["dev-outbox"]);
    assert!(all.status.success(), "{}", text(&all.stderr));
    let lines: Vec<serde_json::Value> = text(&all.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 2, "{}", text(&all.stdout));
    assert_eq!(lines[0]["phone"], "+77011234567");
    assert_eq!(lines[0]["code"], "111111");
    assert_eq!(lines[0]["text"], otp_text("111111", SmsPurpose::Login));
    let sent_at = time::OffsetDateTime::parse(
        lines[0]["sentAt"].as_str().expect("sentAt"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("RFC 3339");
    assert!((sent_at - now).abs() < time::Duration::minutes(1));
    assert_eq!(
        lines[0].as_object().unwrap().keys().collect::<Vec<_>>(),
        ["phone", "text", "code", "sentAt"]
    );
    assert_eq!(lines[1]["code"], "222222");
    let logged = text(&all.stderr);
    assert!(!logged.contains("111111"), "no code on stderr: {logged}");
    assert_eq!(info_lines(&all).len(), 1, "{logged}");

    // One phone, written as people write it.
    let mine = run(&db, &["dev-outbox", "--phone", "8 701 123 45 67"]);
    assert!(mine.status.success(), "{}", text(&mine.stderr));
    let codes: Vec<String> = text(&mine.stdout)
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap()["code"].to_string())
        .collect();
    assert_eq!(codes, ["\"111111\""]);
    let bad = run(&db, &["dev-outbox", "--phone", "12345"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("--phone"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn dev_outbox_refuses_the_production_profile() {
    let dir = scratch();
    let db = dir.join("db.sqlite");
    let output = Command::new(env!("CARGO_BIN_EXE_registration-api"))
        .arg("dev-outbox")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", db.display()),
        )
        .env("APP_ENV", "production")
        .env("EDS_TRUST_ANCHORS", dir.join("root.pem"))
        .env("SERVICE_BODY_BIN", "940140000385")
        .env("DOCUMENTS_DIR", dir.join("documents"))
        .env_remove("RUST_LOG")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("dev-outbox is for the development profile only"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
    assert!(!db.exists(), "refused before the database is opened");
}

#[test]
fn calendar_prints_every_day_of_a_year_and_refuses_a_year_without_data() {
    let work = scratch();
    let database = work.join("db.sqlite");
    let output = run(&database, &["calendar", "2025"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let days: Vec<serde_json::Value> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    assert_eq!(days.len(), 365);
    let day = |date: &str| {
        days.iter()
            .find(|d| d["date"] == date)
            .unwrap_or_else(|| panic!("{date} is listed"))
            .clone()
    };
    // DOMAIN: working days: 2025-01-03 is a day off by transfer, 2025-01-05 (a Sunday) is worked
    assert_eq!(day("2025-01-03")["working"], false);
    assert_eq!(day("2025-01-05")["working"], true);
    assert_eq!(day("2025-01-05")["provisional"], false);
    for d in &days {
        let keys: Vec<&String> = d.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["date", "working", "reason", "provisional"]);
    }

    let missing = run(&database, &["calendar", "2031"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(missing.stdout.is_empty());
    assert!(
        text(&missing.stderr).contains("no calendar data for 2031"),
        "{}",
        text(&missing.stderr)
    );
    let bad = run(&database, &["calendar", "next"]);
    assert_eq!(bad.status.code(), Some(2));
}
