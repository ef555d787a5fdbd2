//! The conventions every client relies on: answers keep the selection's order, every mutation
//! echoes a `clientMutationId`, and connections count their whole list.

use crate::helpers::*;
use serde_json::{Value, json};

const AIGERIM: &str = "871008401427";

/// Posts a body and returns the raw answer text: the order of keys is only visible there.
async fn raw_answer(app: &TestApp, token: &str, body: Value) -> String {
    let headers = vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("Authorization".to_owned(), format!("Bearer {token}")),
    ];
    let response = request(app.port, "POST", "/graphql", headers, body.to_string()).await;
    assert_eq!(response.status, 200, "{}", response.body);
    response.body
}

/// Asserts that `keys` appear in `text` as JSON keys, in this order.
fn in_order(text: &str, keys: &[&str]) {
    let positions: Vec<usize> = keys
        .iter()
        .map(|key| {
            text.find(&format!("\"{key}\":"))
                .unwrap_or_else(|| panic!("{key} missing from {text}"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|pair| pair[0] < pair[1]),
        "expected {keys:?} in this order: {text}"
    );
}

#[actix_web::test]
async fn answers_keep_the_order_of_the_selection_set() {
    let app = spawn_app_with(Backend::Sqlite, &[("BATCH_MAX", "2")]).await;
    let token = signed_in(&app, AIGERIM).await;
    // Both orders, so that no fixed (e.g. alphabetical) order can pass.
    let errors_first = "mutation { createApplication(input: { kind: PERMANENT, address: { rka: \"0201900148270042\" }, personalDataConsent: true }) { userErrors { message field code } clientMutationId application { version status number id } } }";
    let application_first = "mutation { createApplication(input: { kind: PERMANENT, address: { rka: \"0201900148270042\" }, personalDataConsent: true }) { application { id number status version } clientMutationId userErrors { code field message } } }";
    let answer = raw_answer(&app, &token, json!({ "query": errors_first })).await;
    in_order(
        &answer,
        &[
            "userErrors",
            "clientMutationId",
            "application",
            "version",
            "status",
            "number",
            "id",
        ],
    );
    let answer = raw_answer(&app, &token, json!({ "query": application_first })).await;
    in_order(
        &answer,
        &[
            "application",
            "id",
            "number",
            "status",
            "version",
            "clientMutationId",
            "userErrors",
        ],
    );
    // A refused mutation, whose user error is built on another path.
    let refused = "mutation { createApplication(input: { periodMonths: 40 }) { userErrors { message field code } application { id } } }";
    let answer = raw_answer(&app, &token, json!({ "query": refused })).await;
    in_order(
        &answer,
        &["userErrors", "message", "field", "code", "application"],
    );
    // Fragments are expanded where they are spread, each key at its first occurrence.
    let fragments = "{ myApplications(first: 1) { ...Counted edges { node { ... on Node { id } number ... on Application { status id } } } } } fragment Counted on ApplicationConnection { totalCount pageInfo { hasNextPage } }";
    let answer = raw_answer(&app, &token, json!({ "query": fragments })).await;
    in_order(
        &answer,
        &["totalCount", "pageInfo", "edges", "id", "number", "status"],
    );
    // A batch, whose answers are put together by the transport.
    let list = "{ viewer { __typename } myApplications(first: 1) { totalCount pageInfo { hasNextPage } edges { node { number } } } }";
    let answer = raw_answer(&app, &token, json!([{ "query": list }, { "query": list }])).await;
    for single in answer.split("\"viewer\"").skip(1) {
        in_order(
            single,
            &["myApplications", "totalCount", "pageInfo", "edges"],
        );
    }
}

/// Every mutation's input takes a `clientMutationId` and its payload returns it.
#[actix_web::test]
async fn every_mutation_echoes_its_client_mutation_id() {
    let app = spawn_app(Backend::Sqlite).await;
    let schema = app
        .graphql(
            "{ __schema { mutationType { fields { name args { name type { name ofType { name } } } type { name ofType { name } } } } } }",
            json!({}),
            None,
        )
        .await;
    let fields = schema["data"]["__schema"]["mutationType"]["fields"]
        .as_array()
        .expect("mutations")
        .clone();
    assert!(fields.len() >= 7, "{schema}");
    for field in &fields {
        let name = field["name"].as_str().expect("a name");
        let input = field["args"]
            .as_array()
            .and_then(|args| args.iter().find(|a| a["name"] == "input"))
            .unwrap_or_else(|| panic!("{name} takes one `input`"));
        let input_type = input["type"]["name"]
            .as_str()
            .or_else(|| input["type"]["ofType"]["name"].as_str())
            .expect("an input type");
        let payload_type = field["type"]["name"]
            .as_str()
            .or_else(|| field["type"]["ofType"]["name"].as_str())
            .expect("a payload type");
        for type_name in [input_type, payload_type] {
            let fields = app
                .graphql(
                    "query($name: String!) { __type(name: $name) { fields { name } inputFields { name } } }",
                    json!({ "name": type_name }),
                    None,
                )
                .await;
            let ty = &fields["data"]["__type"];
            let names: Vec<&str> = ty["fields"]
                .as_array()
                .or_else(|| ty["inputFields"].as_array())
                .expect("fields")
                .iter()
                .filter_map(|f| f["name"].as_str())
                .collect();
            assert!(
                names.contains(&"clientMutationId"),
                "{name}: {type_name} has no clientMutationId: {names:?}"
            );
        }
    }

    // And it comes back, from success and from refusal alike.
    let token = signed_in(&app, AIGERIM).await;
    let created = app
        .graphql(
            "mutation { createApplication(input: { clientMutationId: \"c-1\" }) { clientMutationId application { id version } } }",
            json!({}),
            Some(&token),
        )
        .await;
    let created = &created["data"]["createApplication"];
    assert_eq!(created["clientMutationId"], "c-1", "{created}");
    let update = "mutation($input: UpdateApplicationInput!) { updateApplication(input: $input) { clientMutationId userErrors { code } } }";
    let stale = app
        .graphql(
            update,
            json!({ "input": { "id": created["application"]["id"], "version": 99, "refugee": true, "clientMutationId": "c-2" } }),
            Some(&token),
        )
        .await;
    assert_eq!(
        stale["data"]["updateApplication"]["clientMutationId"],
        "c-2"
    );
    assert_eq!(
        stale["data"]["updateApplication"]["userErrors"][0]["code"],
        "CONFLICT"
    );
    let withdraw = "mutation($input: WithdrawApplicationInput!) { withdrawApplication(input: $input) { clientMutationId application { status } } }";
    let withdrawn = app
        .graphql(
            withdraw,
            json!({ "input": { "id": created["application"]["id"], "version": created["application"]["version"], "clientMutationId": "c-3" } }),
            Some(&token),
        )
        .await;
    assert_eq!(
        withdrawn["data"]["withdrawApplication"]["clientMutationId"],
        "c-3"
    );
    let submit = "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { clientMutationId userErrors { code } } }";
    let unknown = app
        .graphql(
            submit,
            json!({ "input": { "signingRequestId": "nonsense", "signature": { "cms": "AA==" }, "clientMutationId": "c-4" } }),
            Some(&token),
        )
        .await;
    assert_eq!(
        unknown["data"]["submitApplication"]["clientMutationId"],
        "c-4"
    );
}

#[actix_web::test]
async fn connections_count_the_whole_list() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let token = signed_in(&app, AIGERIM).await;
        let create = "mutation { createApplication(input: {}) { application { id version } } }";
        let mut last = Value::Null;
        for _ in 0..3 {
            last = app.graphql(create, json!({}), Some(&token)).await["data"]["createApplication"]
                ["application"]
                .clone();
        }
        let withdraw = "mutation($input: WithdrawApplicationInput!) { withdrawApplication(input: $input) { application { id } } }";
        app.graphql(
            withdraw,
            json!({ "input": { "id": last["id"], "version": last["version"] } }),
            Some(&token),
        )
        .await;
        let list = "query($after: String) { myApplications(first: 2, after: $after) { totalCount pageInfo { endCursor } edges { node { id history(first: 1) { totalCount edges { node { to } } } } } } }";
        let first =
            app.graphql(list, json!({}), Some(&token)).await["data"]["myApplications"].clone();
        assert_eq!(first["totalCount"], 3, "{backend:?}: {first}");
        let second = app
            .graphql(
                list,
                json!({ "after": first["pageInfo"]["endCursor"] }),
                Some(&token),
            )
            .await["data"]["myApplications"]
            .clone();
        assert_eq!(
            second["totalCount"], 3,
            "{backend:?}: every page counts all"
        );
        // Newest first: the withdrawn draft has two changes (created, withdrawn), on a page
        // of one.
        let nodes: Vec<&Value> = first["edges"]
            .as_array()
            .into_iter()
            .chain(second["edges"].as_array())
            .flatten()
            .map(|edge| &edge["node"])
            .collect();
        let withdrawn = nodes
            .iter()
            .find(|node| node["id"] == last["id"])
            .expect("the withdrawn draft is listed");
        assert_eq!(
            withdrawn["history"]["totalCount"], 2,
            "{backend:?}: {withdrawn}"
        );
        assert_eq!(
            withdrawn["history"]["edges"].as_array().map(Vec::len),
            Some(1)
        );
        for node in nodes.iter().filter(|node| node["id"] != last["id"]) {
            assert_eq!(node["history"]["totalCount"], 1, "{backend:?}: {node}");
        }
        // Another person counts only their own.
        let other = signed_in(&app, "760212350620").await;
        let theirs = app.graphql(list, json!({}), Some(&other)).await;
        assert_eq!(theirs["data"]["myApplications"]["totalCount"], 0);
    }
}

/// A Latin-script word of 3 letters or more, other than names of programs and codes: an
/// English internal in a Kazakh or Russian message.
fn english_in(text: &str) -> Option<String> {
    const ALLOWED: &[&str] = &[
        "NCALayer", "base64", "decode", "true", "AUTH", "SIGN", "RSA", "GOST", "ISO", "SMS",
    ];
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| word.chars().filter(char::is_ascii_alphabetic).count() >= 3)
        .find(|word| !ALLOWED.contains(word))
        .map(str::to_owned)
}

#[actix_web::test]
async fn messages_are_whole_sentences_in_the_requests_language() {
    let app = spawn_app(Backend::Sqlite).await;
    let token = signed_in(&app, AIGERIM).await;
    for language in ["kk", "ru"] {
        let headers = [("Accept-Language", language)];
        // A domain rule's own sentence, not the generic one with an English aside.
        let period = app
            .graphql_with(
                "mutation { createApplication(input: { kind: TEMPORARY, periodMonths: 40 }) { userErrors { code field message detail } } }",
                json!({}),
                Some(&token),
                &headers,
            )
            .await;
        let error = &period["data"]["createApplication"]["userErrors"][0];
        assert_eq!(error["code"], "BAD_USER_INPUT", "{period}");
        assert_eq!(error["field"], json!(["input", "periodMonths"]));
        let message = error["message"].as_str().expect("a message");
        assert_eq!(english_in(message), None, "{language}: {message}");
        assert!(
            message.contains("12"),
            "{language}: the rule itself: {message}"
        );

        // The verifier's findings go to `detail`, in English, never into the message.
        let (challenge, payload) = app.challenge(None).await;
        let signing_key = sign_certificate(AIGERIM);
        let cms = signatures::testing::cms::base64(
            &signatures::testing::CmsBuilder::new(&payload)
                .certificate(&signing_key)
                .signer(signatures::testing::SignerSpec::new(&signing_key))
                .build(),
        );
        let wrong_key = app.login(&challenge, &cms, &headers).await;
        let error = &wrong_key["userErrors"][0];
        assert_eq!(error["code"], "KEY_PURPOSE", "{wrong_key}");
        let message = error["message"].as_str().expect("a message");
        assert_eq!(english_in(message), None, "{language}: {message}");
        let (challenge, _) = app.challenge(None).await;
        let garbage = app.login(&challenge, "AAAAAAAA", &headers).await;
        let error = &garbage["userErrors"][0];
        assert_eq!(error["code"], "MALFORMED", "{garbage}");
        let message = error["message"].as_str().expect("a message");
        assert_eq!(english_in(message), None, "{language}: {message}");
    }
}
