//! GraphQL over HTTP at the edges: hostile nesting, body size and time limits, media types,
//! GET, batches and the document limits (the graphql-http audit runs in `tests/peers.rs`).

use crate::helpers::*;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

fn json_headers(accept: &str) -> Vec<(String, String)> {
    vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("Accept".to_owned(), accept.to_owned()),
    ]
}

async fn post(app: &TestApp, accept: &str, body: String) -> Response {
    request(app.port, "POST", "/graphql", json_headers(accept), body).await
}

fn limit_of(response: &Response) -> Value {
    response.json()["errors"][0]["extensions"]["limit"].clone()
}

/// Sends raw bytes and reads the response head (a blocking exchange, off the server's thread).
async fn raw(port: u16, head: String, body: Vec<u8>, pause_after_head: bool) -> String {
    actix_web::rt::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("a timeout");
        stream.write_all(head.as_bytes()).expect("head written");
        if !pause_after_head {
            // The server may close the connection before the whole body is sent: that is the
            // point of the limit.
            let _ = stream.write_all(&body);
        }
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .expect("the client task")
}

#[actix_web::test]
async fn nesting_too_deep_in_any_value_position_is_refused_and_the_server_lives() {
    let app = spawn_app(Backend::Sqlite).await;
    for levels in [2_000, 100_000] {
        let list = format!("{}1{}", "[".repeat(levels), "]".repeat(levels));
        let object = format!("{}1{}", "{a: ".repeat(levels), "}".repeat(levels));
        for document in [
            format!("{{ __typename(a: {list}) }}"),
            format!("{{ __typename(a: {object}) }}"),
            format!("query($v: [Int] = {list}) {{ __typename }}"),
            format!("{{ __typename @skip(if: {list}) }}"),
            format!("mutation {{ logout(input: {object}) {{ revoked }} }}"),
        ] {
            let response = post(
                &app,
                "application/json",
                json!({ "query": document }).to_string(),
            )
            .await;
            assert_eq!(response.status, 200, "{levels}");
            let errors = &response.json()["errors"];
            assert_eq!(
                errors[0]["extensions"]["code"], "LIMIT_EXCEEDED",
                "{levels}"
            );
            assert_eq!(errors[0]["extensions"]["limit"], "VALUE_DEPTH");
        }
    }
    // Deep JSON variables are refused by the JSON reader's own recursion limit.
    let variables = format!("{}1{}", "[".repeat(2_000), "]".repeat(2_000));
    let body = format!(
        "{{\"query\":\"query($v: [Int]) {{ __typename }}\",\"variables\":{{\"v\":{variables}}}}}"
    );
    let response = post(&app, "application/json", body).await;
    assert_eq!(response.status, 400, "{}", response.body);
    let alive = post(
        &app,
        "application/json",
        json!({ "query": "{ __typename }" }).to_string(),
    )
    .await;
    assert_eq!(alive.json()["data"]["__typename"], "Query");
}

#[actix_web::test]
async fn bodies_over_the_limit_are_refused_before_they_are_read_whole() {
    let app = spawn_app_with(Backend::Sqlite, &[("BODY_TIMEOUT_SECONDS", "2")]).await;
    let big = format!(
        "{{\"query\":\"{{ __typename }}\",\"x\":\"{}\"}}",
        "a".repeat(3 << 20)
    );
    let response = post(&app, "application/json", big.clone()).await;
    assert_eq!(response.status, 413);
    assert_eq!(limit_of(&response), "BODY_SIZE");
    // Declared as 50 MB: refused from the header alone, nothing sent.
    let head = "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\nConnection: close\r\n\r\n".to_owned();
    let answer = raw(app.port, head, Vec::new(), true).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // Chunked, with no length declared: refused once the limit is passed.
    let mut chunked = Vec::new();
    for piece in big.as_bytes().chunks(64 * 1024) {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let head = "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_owned();
    let answer = raw(app.port, head, chunked, false).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // A body that never arrives: 408 after BODY_TIMEOUT_SECONDS.
    let head = "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"que".to_owned();
    let answer = raw(app.port, head, Vec::new(), true).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[actix_web::test]
async fn media_types_methods_and_malformed_requests() {
    let app = spawn_app(Backend::Sqlite).await;
    let query = json!({ "query": "{ __typename }" }).to_string();
    // application/json is answered as application/json, and so is a request without Accept.
    let json = post(&app, "application/json", query.clone()).await;
    assert!(
        json.header("content-type")
            .unwrap_or_default()
            .starts_with("application/json")
    );
    let none = request(
        app.port,
        "POST",
        "/graphql",
        vec![("Content-Type".to_owned(), "application/json".to_owned())],
        query.clone(),
    )
    .await;
    assert!(
        none.header("content-type")
            .unwrap_or_default()
            .starts_with("application/json")
    );
    assert_eq!(none.json()["data"]["__typename"], "Query");
    // Malformed JSON is a GraphQL error with a code, not text/plain.
    let malformed = post(&app, "application/json", "{\"query\":".to_owned()).await;
    assert_eq!(malformed.status, 400);
    assert_eq!(
        malformed.json()["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    let missing = post(&app, "application/json", "{}".to_owned()).await;
    assert_eq!(missing.status, 400);
    let wrong = post(
        &app,
        "application/json",
        json!({ "query": "{ __typename }", "variables": "x" }).to_string(),
    )
    .await;
    assert_eq!(wrong.status, 400);
    // Parse errors: 200 under application/json, 400 without data under graphql-response+json.
    let broken = json!({ "query": "{" }).to_string();
    let as_json = post(&app, "application/json", broken.clone()).await;
    assert_eq!(as_json.status, 200);
    let as_graphql = post(&app, "application/graphql-response+json", broken).await;
    assert_eq!(as_graphql.status, 400);
    assert!(
        as_graphql.json().get("data").is_none(),
        "{}",
        as_graphql.body
    );
    // Other content types: 415. Unservable Accept: 406.
    let text = request(
        app.port,
        "POST",
        "/graphql",
        vec![("Content-Type".to_owned(), "text/plain".to_owned())],
        query.clone(),
    )
    .await;
    assert_eq!(text.status, 415);
    assert_eq!(post(&app, "image/png", query.clone()).await.status, 406);
    // GET runs queries, never mutations.
    let get = request(
        app.port,
        "GET",
        "/graphql?query=%7B__typename%7D",
        vec![],
        String::new(),
    )
    .await;
    assert_eq!(get.status, 200);
    assert_eq!(get.json()["data"]["__typename"], "Query");
    assert_eq!(get.header("vary"), Some("Accept"));
    let mutation = request(
        app.port,
        "GET",
        "/graphql?query=mutation%7Blogout%7Brevoked%7D%7D",
        vec![],
        String::new(),
    )
    .await;
    assert_eq!(mutation.status, 405);
    assert_eq!(mutation.header("allow"), Some("POST"));
    // Batches are refused.
    let batch = post(&app, "application/json", format!("[{query},{query}]")).await;
    assert_eq!(batch.status, 400);
    assert_eq!(limit_of(&batch), "BATCH");
}

#[actix_web::test]
async fn document_limits_have_their_names() {
    let app = spawn_app(Backend::Sqlite).await;
    let aliases: String = (0..100).map(|i| format!("a{i}: __typename ")).collect();
    let many = post(
        &app,
        "application/json",
        json!({ "query": format!("{{ {aliases} }}") }).to_string(),
    )
    .await;
    assert_eq!(limit_of(&many), "ALIASES", "{}", many.body);
    let challenges: String = (0..499)
        .map(|i| format!("c{i}: createAuthChallenge {{ challenge {{ id }} }} "))
        .collect();
    let flood = post(
        &app,
        "application/json",
        json!({ "query": format!("mutation {{ {challenges} }}") }).to_string(),
    )
    .await;
    let limit = limit_of(&flood);
    assert!(
        ["ALIASES", "ROOT_FIELDS", "COMPLEXITY"].contains(&limit.as_str().unwrap_or_default()),
        "{}",
        flood.body
    );
    let four = "mutation { logout { revoked } b: logout { revoked } c: logout { revoked } d: logout { revoked } }";
    assert_eq!(
        limit_of(
            &post(
                &app,
                "application/json",
                json!({ "query": four }).to_string()
            )
            .await
        ),
        "ROOT_FIELDS"
    );
    let typenames = "__typename ".repeat(2_000);
    let wide = post(
        &app,
        "application/json",
        json!({ "query": format!("{{ {typenames} }}") }).to_string(),
    )
    .await;
    assert_eq!(limit_of(&wide), "COMPLEXITY", "{}", wide.body);
    let long = format!("{{ __typename }} # {}", "x".repeat(70_000));
    assert_eq!(
        limit_of(
            &post(
                &app,
                "application/json",
                json!({ "query": long }).to_string()
            )
            .await
        ),
        "DOCUMENT_SIZE"
    );
    // A connection costs its page size times its selection.
    let token = app.login_with(&auth_certificate("871008401427")).await["token"]
        .as_str()
        .expect("signed in")
        .to_owned();
    let pages = "{ myApplications(first: 100) { edges { node { history(first: 100) { edges { node { to at reason } } } } } } }";
    let costly = app.graphql(pages, json!({}), Some(&token)).await;
    assert_eq!(
        costly["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED",
        "{costly}"
    );
    let fair = "{ myApplications(first: 50) { edges { node { missingRequirements { code } history(first: 5) { edges { node { to } } } } } } }";
    let allowed = app.graphql(fair, json!({}), Some(&token)).await;
    assert!(allowed["errors"].is_null(), "{allowed}");
}

#[actix_web::test]
async fn a_saturated_verifier_answers_503_with_retry_after() {
    // No verification slot at all: every signature check waits out its time and is refused.
    let app = spawn_app_with(
        Backend::Sqlite,
        &[
            ("VERIFICATION_SLOTS", "0"),
            ("VERIFICATION_WAIT_MILLISECONDS", "50"),
        ],
    )
    .await;
    let (id, payload) = app.challenge(None).await;
    let certificate = auth_certificate("871008401427");
    let cms = signatures::testing::cms::base64(
        &signatures::testing::CmsBuilder::new(&payload)
            .certificate(&certificate)
            .signer(signatures::testing::SignerSpec::new(&certificate))
            .build(),
    );
    let body = json!({
        "query": "mutation($input: LoginWithSignatureInput!) { loginWithSignature(input: $input) { token } }",
        "variables": { "input": { "challengeId": id, "cms": cms } },
    });
    let response = post(&app, "application/json", body.to_string()).await;
    assert_eq!(response.status, 503, "{}", response.body);
    assert_eq!(response.header("retry-after"), Some("1"));
    assert_eq!(
        response.json()["errors"][0]["extensions"]["code"],
        "SERVICE_UNAVAILABLE"
    );
}

#[actix_web::test]
async fn multipart_requests_need_a_preflight_header_and_have_a_limit_of_their_own() {
    let app = spawn_app(Backend::Sqlite).await;
    let boundary = "----registration";
    let part = |name: &str, body: &str| {
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{body}\r\n")
    };
    let body = format!(
        "{}{}--{boundary}--\r\n",
        part("operations", r#"{"query":"{ __typename }"}"#),
        part("map", "{}")
    );
    let headers = |preflight: bool| {
        let mut headers = vec![
            (
                "Content-Type".to_owned(),
                format!("multipart/form-data; boundary={boundary}"),
            ),
            ("Accept".to_owned(), "application/json".to_owned()),
        ];
        if preflight {
            headers.push(("GraphQL-Preflight".to_owned(), "1".to_owned()));
        }
        headers
    };
    // Without the header a browser would send it cross-site without asking: refused (CSRF).
    let bare = request(app.port, "POST", "/graphql", headers(false), body.clone()).await;
    assert_eq!(bare.status, 400, "{}", bare.body);
    let preflighted = request(app.port, "POST", "/graphql", headers(true), body).await;
    assert_eq!(preflighted.status, 200, "{}", preflighted.body);
    assert_eq!(preflighted.json()["data"]["__typename"], "Query");
    // Over the multipart limit (10 MiB): 413 from the declared length.
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nGraphQL-Preflight: 1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        11 << 20
    );
    let answer = raw(app.port, head, Vec::new(), true).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

#[actix_web::test]
async fn batches_run_only_when_a_setting_allows_them_and_within_its_limit() {
    let app = spawn_app_with(Backend::Sqlite, &[("BATCH_MAX", "2")]).await;
    let one = json!({ "query": "{ __typename }" });
    let two = post(&app, "application/json", json!([one, one]).to_string()).await;
    assert_eq!(two.status, 200, "{}", two.body);
    let answers = two.json();
    assert_eq!(answers[0]["data"]["__typename"], "Query");
    assert_eq!(answers[1]["data"]["__typename"], "Query");
    let three = post(&app, "application/json", json!([one, one, one]).to_string()).await;
    assert_eq!(three.status, 400);
    assert_eq!(limit_of(&three), "BATCH");
}
