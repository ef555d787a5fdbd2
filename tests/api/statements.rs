//! No N+1: a page of applications with their missing requirements, the start of their
//! histories, their decisions, registrations and documents costs the same number of SQL statements
//! for one application as for fifty.

use crate::helpers::*;
use serde_json::json;
use std::sync::atomic::Ordering;

const PAGE: &str = "{ myApplications(first: 50) { edges { node { missingRequirements { code } history(first: 5) { edges { node { to } } } decision { outcome } registration { kind } documents { sha256 } } } } }";
const CREATE: &str = "mutation($input: CreateApplicationInput!) { createApplication(input: $input) { application { id } userErrors { code } } }";

#[actix_web::test]
async fn a_page_costs_the_same_statements_for_one_application_as_for_fifty() {
    for backend in BACKENDS {
        let (app, statements) = spawn_app_counting(backend).await;
        let token = app.login_with(&auth_certificate("871008401427")).await["token"]
            .as_str()
            .expect("signed in")
            .to_owned();
        // Known and unknown addresses and none. (An address by owner and area is one more
        // statement for the whole page, whatever its size.)
        let inputs = [
            json!({ "kind": "PERMANENT", "address": { "rka": "0201900148270042" } }),
            json!({ "kind": "PERMANENT", "address": { "rka": "999" } }),
            json!({ "kind": "TEMPORARY" }),
        ];
        let create = |n: usize| {
            let input = inputs[n % inputs.len()].clone();
            let (app, token) = (&app, &token);
            async move {
                let created = app
                    .graphql(CREATE, json!({ "input": input }), Some(token))
                    .await;
                assert!(created["data"]["createApplication"]["application"]["id"].is_string());
            }
        };
        create(0).await;
        statements.store(0, Ordering::SeqCst);
        let one = app.graphql(PAGE, json!({}), Some(&token)).await;
        let for_one = statements.load(Ordering::SeqCst);
        assert_eq!(
            one["data"]["myApplications"]["edges"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );
        for n in 1..50 {
            create(n).await;
        }
        statements.store(0, Ordering::SeqCst);
        let fifty = app.graphql(PAGE, json!({}), Some(&token)).await;
        let for_fifty = statements.load(Ordering::SeqCst);
        let edges = fifty["data"]["myApplications"]["edges"]
            .as_array()
            .expect("edges");
        assert_eq!(edges.len(), 50, "{fifty}");
        assert!(
            edges
                .iter()
                .all(|e| e["node"]["history"]["edges"][0]["node"]["to"] == "DRAFT")
        );
        assert_eq!(
            for_one, for_fifty,
            "{backend:?}: statements for 1 and for 50 applications"
        );
        assert!(for_one <= 8, "{backend:?}: {for_one} statements");
    }
}

const EVENTS: &str = "{ events(first: 50) { edges { node { type to subject { id } } } } }";

/// The feed's subjects are loaded a kind at a time: a page of fifty events costs the statements
/// of a page of one.
#[actix_web::test]
async fn a_feed_page_loads_its_subjects_in_one_statement_per_kind() {
    for backend in BACKENDS {
        let (app, statements) = spawn_app_counting(backend).await;
        let token = app.login_with(&auth_certificate("871008401427")).await["token"]
            .as_str()
            .expect("signed in")
            .to_owned();
        let create = || async {
            let created = app
                .graphql(
                    CREATE,
                    json!({ "input": { "kind": "TEMPORARY" } }),
                    Some(&token),
                )
                .await;
            assert!(created["data"]["createApplication"]["application"]["id"].is_string());
        };
        create().await;
        sequence_events(&app).await;
        statements.store(0, Ordering::SeqCst);
        let one = app.graphql(EVENTS, json!({}), Some(&token)).await;
        let for_one = statements.load(Ordering::SeqCst);
        let edges = one["data"]["events"]["edges"].as_array().expect("edges");
        assert_eq!(edges.len(), 1, "{backend:?}: {one}");
        assert!(edges[0]["node"]["subject"]["id"].is_string(), "{one}");
        for _ in 1..50 {
            create().await;
        }
        sequence_events(&app).await;
        statements.store(0, Ordering::SeqCst);
        let fifty = app.graphql(EVENTS, json!({}), Some(&token)).await;
        let for_fifty = statements.load(Ordering::SeqCst);
        let edges = fifty["data"]["events"]["edges"].as_array().expect("edges");
        assert_eq!(edges.len(), 50, "{backend:?}: {fifty}");
        assert!(
            edges.iter().all(|e| e["node"]["subject"]["id"].is_string()),
            "{fifty}"
        );
        assert_eq!(
            for_fifty, for_one,
            "{backend:?}: {for_one} statements for one event, {for_fifty} for fifty"
        );
    }
}
