//! Browsers on other origins: CORS preflights and headers by `CORS_ALLOWED_ORIGINS`, and
//! sign-in challenges only for origins that may use the API.

use crate::helpers::*;
use serde_json::json;

const APP: &str = "https://app.example.kz";

fn preflight_headers(origin: &str, method: &str, headers: &str) -> Vec<(String, String)> {
    vec![
        ("Origin".to_owned(), origin.to_owned()),
        (
            "Access-Control-Request-Method".to_owned(),
            method.to_owned(),
        ),
        (
            "Access-Control-Request-Headers".to_owned(),
            headers.to_owned(),
        ),
    ]
}

async fn post_from(app: &TestApp, origin: &str) -> Response {
    let headers = vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("Origin".to_owned(), origin.to_owned()),
    ];
    let body = json!({ "query": "{ __typename }" }).to_string();
    request(app.port, "POST", "/graphql", headers, body).await
}

#[actix_web::test]
async fn allowed_origins_get_preflights_and_headers_and_others_get_none() {
    let app = spawn_app_with(Backend::Sqlite, &[("CORS_ALLOWED_ORIGINS", APP)]).await;
    let asked = "content-type, authorization, accept-language";
    let ok = request(
        app.port,
        "OPTIONS",
        "/graphql",
        preflight_headers(APP, "POST", asked),
        String::new(),
    )
    .await;
    assert_eq!(ok.status, 204, "{}", ok.body);
    assert_eq!(ok.header("access-control-allow-origin"), Some(APP));
    let methods = ok
        .header("access-control-allow-methods")
        .unwrap_or_default();
    assert!(
        methods.contains("POST") && methods.contains("GET"),
        "{methods}"
    );
    let allowed = ok
        .header("access-control-allow-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    for header in [
        "content-type",
        "authorization",
        "accept-language",
        "graphql-preflight",
    ] {
        assert!(allowed.contains(header), "{header} in {allowed}");
    }
    assert!(
        ok.header("access-control-max-age")
            .and_then(|age| age.parse::<u32>().ok())
            .is_some_and(|age| age > 0)
    );
    assert_eq!(ok.header("access-control-allow-credentials"), None);

    for (origin, method, headers) in [
        ("https://evil.example", "POST", "content-type"),
        (APP, "DELETE", "content-type"),
        (APP, "POST", "content-type, x-something-else"),
    ] {
        let refused = request(
            app.port,
            "OPTIONS",
            "/graphql",
            preflight_headers(origin, method, headers),
            String::new(),
        )
        .await;
        assert_eq!(refused.status, 403, "{origin} {method} {headers}");
        assert_eq!(refused.header("access-control-allow-origin"), None);
    }

    let answered = post_from(&app, APP).await;
    assert_eq!(answered.status, 200);
    assert_eq!(answered.header("access-control-allow-origin"), Some(APP));
    assert!(
        answered
            .header("access-control-expose-headers")
            .is_some_and(|h| h.contains("retry-after"))
    );
    assert!(
        answered
            .header("vary")
            .is_some_and(|v| v.contains("Origin"))
    );
    let foreign = post_from(&app, "https://evil.example").await;
    assert_eq!(foreign.header("access-control-allow-origin"), None);

    // Not a preflight: what the resource allows.
    let options = request(app.port, "OPTIONS", "/graphql", vec![], String::new()).await;
    assert_eq!(options.status, 204);
    assert!(options.header("allow").is_some_and(|a| a.contains("POST")));
}

#[actix_web::test]
async fn without_the_setting_no_origin_is_allowed() {
    let app = spawn_app(Backend::Sqlite).await;
    let refused = request(
        app.port,
        "OPTIONS",
        "/graphql",
        preflight_headers(APP, "POST", "content-type"),
        String::new(),
    )
    .await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.header("access-control-allow-origin"), None);
    assert_eq!(
        post_from(&app, APP)
            .await
            .header("access-control-allow-origin"),
        None
    );
}

#[actix_web::test]
async fn challenges_are_made_only_for_origins_that_may_use_the_api() {
    let app = spawn_app_with(Backend::Sqlite, &[("CORS_ALLOWED_ORIGINS", APP)]).await;
    let ask = |origin: &'static str| {
        let app = &app;
        async move {
            app.graphql_with(
                "mutation { createAuthChallenge { challenge { id } userErrors { code } } }",
                json!({}),
                None,
                &[("Origin", origin)],
            )
            .await["data"]["createAuthChallenge"]
                .clone()
        }
    };
    let foreign = ask("https://evil.example").await;
    assert_eq!(codes(&foreign), ["ORIGIN_NOT_ALLOWED"], "{foreign}");
    assert!(foreign["challenge"].is_null());
    assert_eq!(codes(&ask(APP).await), Vec::<String>::new());
    // The server's own pages (GraphiQL): Origin names the Host the request was sent to.
    assert_eq!(codes(&ask("http://127.0.0.1").await), Vec::<String>::new());
    // Non-browser clients send no Origin.
    let (id, _) = app.challenge(None).await;
    assert!(!id.is_empty());
}

#[actix_web::test]
async fn allowed_origins_may_download_documents_with_their_token() {
    let app = spawn_app_with(Backend::Sqlite, &[("CORS_ALLOWED_ORIGINS", APP)]).await;
    let path = "/documents/RG9jdW1lbnQ6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw";
    let ok = request(
        app.port,
        "OPTIONS",
        path,
        preflight_headers(APP, "GET", "authorization"),
        String::new(),
    )
    .await;
    assert_eq!(ok.status, 204, "{}", ok.body);
    assert_eq!(ok.header("access-control-allow-origin"), Some(APP));
    let refused = request(
        app.port,
        "OPTIONS",
        path,
        preflight_headers("https://evil.example", "GET", "authorization"),
        String::new(),
    )
    .await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.header("access-control-allow-origin"), None);
    // The answer itself (here a 404: no such document) may be read by the page, with the
    // file name header exposed.
    let token = signed_in(&app, "871008401427").await;
    let answer = request(
        app.port,
        "GET",
        path,
        vec![
            ("Origin".to_owned(), APP.to_owned()),
            ("Authorization".to_owned(), format!("Bearer {token}")),
        ],
        String::new(),
    )
    .await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.header("access-control-allow-origin"), Some(APP));
    assert!(
        answer
            .header("access-control-expose-headers")
            .unwrap_or_default()
            .contains("content-disposition")
    );
}
