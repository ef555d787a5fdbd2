//! The authorisation matrix: every role against every operation.

use crate::helpers::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Anonymous,
    InvalidToken,
    Owner,
    OtherCitizen,
    Officer,
    Integrator,
}

/// What a role gets from an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Data, no errors and no user errors.
    Allowed,
    /// A null object (not visible), no error: existence is not revealed.
    Hidden,
    /// A top-level error with this `extensions.code`.
    Error(&'static str),
    /// A user error with this code.
    UserError(&'static str),
    /// Not run here: the owner's submission is what the applications tests are about.
    CoveredElsewhere,
}

use Outcome::{Allowed, CoveredElsewhere, Error, Hidden, UserError};
use Role::*;

fn outcome(response: &Value, field: &str) -> Outcome {
    if let Some(code) = response["errors"][0]["extensions"]["code"].as_str() {
        return Error(match code {
            "UNAUTHENTICATED" => "UNAUTHENTICATED",
            "FORBIDDEN" => "FORBIDDEN",
            other => panic!("unexpected error {other}: {response}"),
        });
    }
    let data = &response["data"][field];
    if data.is_null() {
        return Hidden;
    }
    match data["userErrors"][0]["code"].as_str() {
        Some("NOT_FOUND") => UserError("NOT_FOUND"),
        Some("NOT_ALLOWED") => UserError("NOT_ALLOWED"),
        Some(other) => panic!("unexpected user error {other}: {response}"),
        None => Allowed,
    }
}

#[actix_web::test]
async fn every_role_against_every_operation() {
    // The demo body reviews by hand here: the filed application waits in review, readable by
    // its officers and withdrawable by its applicant.
    let app = spawn_app_with(Backend::Sqlite, &[("MANUAL_REVIEW_BODIES", "940140000385")]).await;
    let owner = app.login_with(&auth_certificate("871008401427")).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = app.login_with(&auth_certificate("760212350620")).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    api::core::service::admin::add_officer(&db, "850315300019", "940140000385", now())
        .await
        .expect("listed");
    let officer_key = officer_auth_certificate();
    let officer = app.login_with(&officer_key).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let integrator = api::core::service::admin::add_integrator(
        &db,
        "portal",
        &api::core::auth::viewer::IntegratorScope::everything(),
        now(),
    )
    .await
    .expect("a key");

    let created = app
        .graphql(
            "mutation { createApplication(input: { kind: PERMANENT, address: { rka: \"0201900148270042\" }, personalDataConsent: true }) { application { id } } }",
            json!({}),
            Some(&owner),
        )
        .await;
    let id = created["data"]["createApplication"]["application"]["id"].clone();
    let prepared = app
        .graphql("mutation($id: ID!) { prepareSigning(input: { applicationId: $id, version: 1 }) { signingRequest { id } } }", json!({ "id": id }), Some(&owner))
        .await;
    let request = prepared["data"]["prepareSigning"]["signingRequest"]["id"].clone();

    // A second application of the owner's, filed: from then on it is the body's.
    let created = app
        .graphql(
            "mutation { createApplication(input: { kind: PERMANENT, address: { rka: \"0201900148270042\" }, personalDataConsent: true }) { application { id } } }",
            json!({}),
            Some(&owner),
        )
        .await;
    let filed = created["data"]["createApplication"]["application"]["id"].clone();
    let prepared = app
        .graphql("mutation($id: ID!) { prepareSigning(input: { applicationId: $id, version: 1 }) { signingRequest { id payload } } }", json!({ "id": filed }), Some(&owner))
        .await;
    let filing = &prepared["data"]["prepareSigning"]["signingRequest"];
    let payload = STANDARD
        .decode(filing["payload"].as_str().expect("a payload"))
        .expect("base64");
    let submitted = app
        .graphql(
            "mutation($request: ID!, $cms: String!) { submitApplication(input: { signingRequestId: $request, signature: { cms: $cms } }) { application { status version } userErrors { code } } }",
            json!({ "request": filing["id"], "cms": sign(&sign_certificate("871008401427"), &payload) }),
            Some(&owner),
        )
        .await;
    let filed_application = &submitted["data"]["submitApplication"]["application"];
    assert_eq!(filed_application["status"], "IN_REVIEW", "{submitted}");
    let filed_version = filed_application["version"].clone();

    let token = |role: Role| -> Option<String> {
        match role {
            Anonymous => None,
            InvalidToken => Some("rs_expired-or-made-up".to_owned()),
            Owner => Some(owner.clone()),
            OtherCitizen => Some(other.clone()),
            Officer => Some(officer.clone()),
            Integrator => Some(integrator.clone()),
        }
    };
    const UNAUTH: Outcome = Error("UNAUTHENTICATED");
    const FORBID: Outcome = Error("FORBIDDEN");
    // Per operation: the query, its root field, and the outcome for
    // [Anonymous, InvalidToken, Owner, OtherCitizen, Officer, Integrator].
    let matrix: Vec<(&str, &str, [Outcome; 6])> = vec![
        (
            "{ viewer { id } }",
            "viewer",
            [UNAUTH, UNAUTH, Allowed, Allowed, Allowed, FORBID],
        ),
        // A draft is no body's yet: hidden from officers as from other citizens.
        (
            "query($id: ID!) { node(id: $id) { id } }",
            "node",
            [UNAUTH, UNAUTH, Allowed, Hidden, Hidden, FORBID],
        ),
        (
            "query($id: ID!) { application(id: $id) { id } }",
            "application",
            [UNAUTH, UNAUTH, Allowed, Hidden, Hidden, FORBID],
        ),
        // A filed application is its body's: its officers read it, and only read it.
        (
            "query($filed: ID!) { node(id: $filed) { id } }",
            "node",
            [UNAUTH, UNAUTH, Allowed, Hidden, Allowed, FORBID],
        ),
        (
            "query($filed: ID!) { application(id: $filed) { id } }",
            "application",
            [UNAUTH, UNAUTH, Allowed, Hidden, Allowed, FORBID],
        ),
        (
            "mutation($filed: ID!, $filedVersion: Int!) { updateApplication(input: { id: $filed, version: $filedVersion, refugee: false }) { userErrors { code } } }",
            "updateApplication",
            [
                UNAUTH,
                UNAUTH,
                CoveredElsewhere,
                UserError("NOT_FOUND"),
                UserError("NOT_ALLOWED"),
                FORBID,
            ],
        ),
        (
            "mutation($filed: ID!, $filedVersion: Int!) { withdrawApplication(input: { id: $filed, version: $filedVersion }) { userErrors { code } } }",
            "withdrawApplication",
            [
                UNAUTH,
                UNAUTH,
                Allowed,
                UserError("NOT_FOUND"),
                UserError("NOT_ALLOWED"),
                FORBID,
            ],
        ),
        (
            "{ myApplications { edges { cursor } } }",
            "myApplications",
            [UNAUTH, UNAUTH, Allowed, Allowed, Allowed, FORBID],
        ),
        (
            "{ propertyLookup(input: { rka: \"0201900148270042\" }) { found } }",
            "propertyLookup",
            [UNAUTH, UNAUTH, Allowed, Allowed, Allowed, FORBID],
        ),
        (
            "mutation { createAuthChallenge { challenge { id } } }",
            "createAuthChallenge",
            [Allowed, Allowed, Allowed, Allowed, Allowed, Allowed],
        ),
        (
            "mutation { createApplication(input: {}) { application { id } userErrors { code } } }",
            "createApplication",
            [UNAUTH, UNAUTH, Allowed, Allowed, Allowed, FORBID],
        ),
        (
            "mutation($id: ID!) { updateApplication(input: { id: $id, version: 1, refugee: false }) { userErrors { code } } }",
            "updateApplication",
            [
                UNAUTH,
                UNAUTH,
                Allowed,
                UserError("NOT_FOUND"),
                UserError("NOT_FOUND"),
                FORBID,
            ],
        ),
        (
            "mutation($id: ID!) { prepareSigning(input: { applicationId: $id, version: 2 }) { userErrors { code } } }",
            "prepareSigning",
            [
                UNAUTH,
                UNAUTH,
                Allowed,
                UserError("NOT_FOUND"),
                UserError("NOT_FOUND"),
                FORBID,
            ],
        ),
        (
            "mutation($request: ID!) { submitApplication(input: { signingRequestId: $request, signature: { cms: \"eA==\" } }) { userErrors { code } } }",
            "submitApplication",
            [
                UNAUTH,
                UNAUTH,
                CoveredElsewhere,
                UserError("NOT_FOUND"),
                UserError("NOT_FOUND"),
                FORBID,
            ],
        ),
        (
            "mutation($id: ID!) { withdrawApplication(input: { id: $id, version: 2 }) { userErrors { code } } }",
            "withdrawApplication",
            [
                UNAUTH,
                UNAUTH,
                Allowed,
                UserError("NOT_FOUND"),
                UserError("NOT_FOUND"),
                FORBID,
            ],
        ),
        (
            "{ myNotifications { totalCount edges { cursor } } }",
            "myNotifications",
            [UNAUTH, UNAUTH, Allowed, Allowed, Allowed, FORBID],
        ),
        (
            // Another person's notification, or none at all: not found either way.
            "mutation { markNotificationsRead(input: { ids: [\"Tm90aWZpY2F0aW9uOjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA\"] }) { userErrors { code } } }",
            "markNotificationsRead",
            [
                UNAUTH,
                UNAUTH,
                UserError("NOT_FOUND"),
                UserError("NOT_FOUND"),
                UserError("NOT_FOUND"),
                FORBID,
            ],
        ),
        (
            "mutation { logout { revoked } }",
            "logout",
            [UNAUTH, UNAUTH, Allowed, Allowed, Allowed, FORBID],
        ),
    ];
    let roles = [
        Anonymous,
        InvalidToken,
        OtherCitizen,
        Officer,
        Integrator,
        Owner,
    ];
    for (query, field, expected) in &matrix {
        // The owner goes last: its mutations change the application the others try.
        for role in roles {
            let index = [
                Anonymous,
                InvalidToken,
                Owner,
                OtherCitizen,
                Officer,
                Integrator,
            ]
            .iter()
            .position(|r| *r == role)
            .unwrap();
            let want = expected[index].clone();
            if want == CoveredElsewhere {
                continue;
            }
            let response = app
                .graphql(
                    query,
                    json!({ "id": id, "request": request, "filed": filed, "filedVersion": filed_version }),
                    token(role).as_deref(),
                )
                .await;
            assert_eq!(
                outcome(&response, field),
                want,
                "{role:?} × {field}: {response}"
            );
        }
    }
}
