//! Liveness and readiness.

use crate::helpers::{BACKENDS, request, spawn_app};

#[actix_web::test]
async fn healthz_and_readyz_answer_on_both_backends() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let health = request(app.port, "GET", "/healthz", vec![], String::new()).await;
        assert_eq!(health.status, 200);
        assert_eq!(health.json()["status"], "ok");
        assert!(
            health
                .header("x-request-id")
                .is_some_and(|id| id.len() == 32),
            "{backend:?}: a request id"
        );
        let ready = request(app.port, "GET", "/readyz", vec![], String::new()).await;
        assert_eq!(ready.status, 200, "{backend:?}: {}", ready.body);
        assert_eq!(ready.json()["database"], true);
    }
}

#[actix_web::test]
async fn a_callers_request_id_is_kept() {
    let app = spawn_app(crate::helpers::Backend::Sqlite).await;
    let response = request(
        app.port,
        "GET",
        "/healthz",
        vec![("X-Request-Id".to_owned(), "abc-123".to_owned())],
        String::new(),
    )
    .await;
    assert_eq!(response.header("x-request-id"), Some("abc-123"));
}

#[actix_web::test]
async fn unknown_paths_are_not_found() {
    let app = spawn_app(crate::helpers::Backend::Sqlite).await;
    assert_eq!(
        request(app.port, "GET", "/nope", vec![], String::new())
            .await
            .status,
        404
    );
}

#[actix_web::test]
async fn graphiql_is_served_on_get_to_a_browser() {
    let app = spawn_app(crate::helpers::Backend::Sqlite).await;
    // A browser prefers HTML: GraphiQL. Without `Accept` (a program), GET is a GraphQL request.
    let accept = vec![(
        "Accept".to_owned(),
        "text/html,application/xhtml+xml,*/*;q=0.8".to_owned(),
    )];
    let page = request(app.port, "GET", "/graphql", accept, String::new()).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("graphiql"), "a GraphiQL page");
    let program = request(app.port, "GET", "/graphql", vec![], String::new()).await;
    assert_eq!(program.status, 400, "{}", program.body);
}

#[actix_web::test]
async fn readiness_lists_redis_and_stays_ready_without_it() {
    // One shared dependency going down must not take every instance out of the load balancer:
    // Redis down is listed as down under a 200.
    for (url, up) in [
        ("redis://127.0.0.1:6379", true),
        ("redis://127.0.0.1:1", false),
    ] {
        let (settings, database_url) =
            crate::helpers::settings(crate::helpers::Backend::Sqlite, &[("REDIS_URL", url)]).await;
        let _cleanup = crate::helpers::RemoveDatabase(database_url);
        let application = api::startup::Application::build(settings)
            .await
            .expect("starts");
        let port = application.port();
        actix_web::rt::spawn(application.run_until_stopped());
        let response = request(port, "GET", "/readyz", vec![], String::new()).await;
        assert_eq!(response.status, 200, "{url}: {}", response.body);
        let body = response.json();
        assert_eq!(body["redis"], up);
        let redis = body["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .find(|c| c["name"] == "redis")
            .expect("a redis check")
            .clone();
        assert_eq!(redis["status"], if up { "up" } else { "down" }, "{body}");
    }
}

#[actix_web::test]
async fn a_test_app_leaves_nothing_behind() {
    use sea_orm::ConnectionTrait;
    let sqlite = spawn_app(crate::helpers::Backend::Sqlite).await;
    let file = sqlite
        .database_url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    let dir = std::path::PathBuf::from(&file)
        .parent()
        .expect("a scratch folder")
        .to_path_buf();
    assert!(dir.is_dir());
    drop(sqlite);
    assert!(!dir.exists(), "{} is left behind", dir.display());

    let postgres = spawn_app(crate::helpers::Backend::Postgres).await;
    let name = postgres
        .database_url
        .rsplit('/')
        .next()
        .expect("a name")
        .to_owned();
    drop(postgres);
    let admin = sea_orm::Database::connect(
        std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned()),
    )
    .await
    .expect("PostgreSQL answers");
    let left = admin
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            format!("SELECT datname FROM pg_database WHERE datname = '{name}'"),
        ))
        .await
        .expect("pg_database");
    assert!(left.is_empty(), "{name} is left behind");
}

#[actix_web::test]
async fn readyz_reports_the_years_without_calendar_data_and_stays_ready() {
    use api::core::ManualClock;
    use std::sync::Arc;
    // On the last evening of 2027 in Almaty (UTC+5), 2028 is next year: no file for it.
    let clock = Arc::new(ManualClock::new(
        time::macros::datetime!(2027-12-31 12:00 UTC),
    ));
    let app =
        crate::helpers::spawn_app_with_clock(crate::helpers::Backend::Sqlite, &[], clock.clone())
            .await;
    let ready = request(app.port, "GET", "/readyz", vec![], String::new()).await;
    assert_eq!(ready.status, 200, "{}", ready.body);
    let calendar = &ready.json()["calendar"];
    assert_eq!(calendar["missing"], serde_json::json!([2028]), "{calendar}");
    let years = calendar["yearsWithData"].as_array().expect("years");
    assert!(years.contains(&serde_json::json!(2027)), "{calendar}");
    // 20:00 in Almaty is already 2028 there: this year and next both lack a file.
    clock.set(time::macros::datetime!(2027-12-31 20:00 UTC));
    let ready = request(app.port, "GET", "/readyz", vec![], String::new()).await;
    assert_eq!(ready.status, 200);
    assert_eq!(
        ready.json()["calendar"]["missing"],
        serde_json::json!([2028, 2029])
    );
}
