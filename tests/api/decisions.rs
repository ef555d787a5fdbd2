//! Deciding and registering end to end: the automatic registration of a complete application
//! within the service time, officers' claims and signed decisions for a body that reviews by
//! hand, the registration record (a new permanent one ends the previous, a temporary one ends
//! by itself), and officers' audited access to a person's registrations.

use crate::helpers::*;
use api::core::{Clock, ManualClock};
use serde_json::{Value, json};
use std::sync::Arc;

/// Aigerim: the sole owner of her flat.
const AIGERIM: &str = "871008401427";
const AIGERIM_FLAT: &str = "0201900148270042";
/// Nurlan and Gulnar: half each of their flat.
const NURLAN: &str = "760212350620";
const GULNAR: &str = "790514400122";
const THEIR_FLAT: &str = "0101200057310097";
/// Dana: owns nothing.
const DANA: &str = "061211600012";
/// The demo body that decides applications, and two of its officers.
const BODY: &str = "940140000385";
const ERLAN: &str = "850315300019";
const BOLAT: &str = "540302300122";
/// Another body (the hostel's organisation serves as one here).
const OTHER_BODY: &str = "050740003216";

const APPLICATION: &str = "id number status version refusalGround serviceClockStartedAt serviceDeadline serviceDeadlineMet decidedAt reviewReason claimedBy { me } claimExpiresAt checks { check outcome detail } decision { outcome ground reason automatic bodyBin } registration { kind addressRka address startsOn endsOn endedOn endReason active registryReference } consents { id status } history { edges { node { from to actorRole reason } } }";

async fn application(app: &TestApp, token: &str, id: &Value) -> Value {
    application_as(app, token, id, APPLICATION).await
}

/// Files, prepares and signs with EDS an application of `iin`; returns it as submitted.
async fn filed(app: &TestApp, token: &str, iin: &str, input: Value) -> Value {
    file_application(app, token, iin, input, APPLICATION).await
}

fn permanent_at(address: Value) -> Value {
    json!({ "kind": "PERMANENT", "address": address, "personalDataConsent": true })
}

/// Gives every pending consent of an application, each by its owner (individuals).
async fn consent_all(app: &TestApp, filed: &Value) {
    for consent in filed["consents"].as_array().expect("consents") {
        let owner = owner_of(app, &consent["id"]).await;
        let token = signed_in(app, &owner).await;
        let prepared = app
            .graphql(
                "mutation($input: PrepareConsentSigningInput!) { prepareConsentSigning(input: $input) { signingRequest { id payload } userErrors { code } } }",
                json!({ "input": { "consentId": consent["id"] } }),
                Some(&token),
            )
            .await;
        let request = prepared["data"]["prepareConsentSigning"]["signingRequest"].clone();
        assert!(request["id"].is_string(), "{prepared}");
        let given = app
            .graphql(
                "mutation($input: SignConsentInput!) { signConsent(input: $input) { consent { status } userErrors { code } } }",
                json!({ "input": { "signingRequestId": request["id"], "signature": { "cms": sign(&sign_certificate(&owner), &payload_of(&request)) } } }),
                Some(&token),
            )
            .await;
        assert_eq!(
            given["data"]["signConsent"]["consent"]["status"], "GIVEN",
            "{given}"
        );
    }
}

/// The IIN a consent asks (read from the database: the API shows owners masked).
async fn owner_of(app: &TestApp, consent_id: &Value) -> String {
    use sea_orm::EntityTrait;
    let (kind, id) =
        api::graphql::ids::decode(consent_id.as_str().expect("an id")).expect("a global id");
    assert_eq!(kind, "Consent");
    let db = sea_orm::Database::connect(&app.database_url).await.unwrap();
    let row = entities::consent::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .expect("the consent");
    let _ = db.close().await;
    row.party_iin.expect("a person's consent")
}

#[actix_web::test]
async fn a_sole_owner_is_registered_automatically_within_the_service_time() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = spawn_app(backend).await;
        let aigerim = signed_in(&app, AIGERIM).await;
        let done = filed(
            &app,
            &aigerim,
            AIGERIM,
            permanent_at(json!({ "rka": AIGERIM_FLAT })),
        )
        .await;
        assert_eq!(done["status"], "REGISTERED", "{backend:?}: {done}");
        assert_eq!(
            statuses(&done)[2..],
            [
                pair("IN_REVIEW", "SYSTEM"),
                pair("APPROVED", "SYSTEM"),
                pair("REGISTERED", "SYSTEM")
            ]
        );
        // The service time ran from the package's completion (here, the submission) and was
        // kept.
        let started = time::OffsetDateTime::parse(
            done["serviceClockStartedAt"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        let deadline = time::OffsetDateTime::parse(
            done["serviceDeadline"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        assert_eq!(deadline - started, time::Duration::minutes(15));
        assert_eq!(done["serviceDeadlineMet"], true);
        assert_eq!(done["decision"]["automatic"], true);
        assert_eq!(done["decision"]["outcome"], "APPROVE");
        let registration = &done["registration"];
        assert_eq!(registration["kind"], "PERMANENT");
        assert_eq!(registration["addressRka"], AIGERIM_FLAT);
        assert_eq!(registration["active"], true);
        assert_eq!(registration["endsOn"], Value::Null);
        assert!(
            registration["registryReference"]
                .as_str()
                .unwrap()
                .starts_with("PR-")
        );
        // The citizen reads it among her registrations, and as the result in her account.
        let mine = app
            .graphql(
                "{ myRegistrations { edges { node { addressRka active kind } } } }",
                json!({}),
                Some(&aigerim),
            )
            .await;
        assert_eq!(
            mine["data"]["myRegistrations"]["edges"],
            json!([{ "node": { "addressRka": AIGERIM_FLAT, "active": true, "kind": "PERMANENT" } }]),
            "{mine}"
        );
        sequence_events(&app).await;
        let notes = app
            .graphql_with(
                "{ myNotifications(first: 1) { edges { node { subject toStatus text } } } }",
                json!({}),
                Some(&aigerim),
                &[("Accept-Language", "ru")],
            )
            .await;
        let newest = &notes["data"]["myNotifications"]["edges"][0]["node"];
        assert!(
            newest["subject"] == "REGISTRATION" || newest["toStatus"] == "REGISTERED",
            "{notes}"
        );
        // The checks are evidence the applicant does not read; her body's officers do.
        assert_eq!(done["checks"], json!([]));
        let erlan = officer_signed_in(&app, ERLAN, BODY).await;
        let seen = application(&app, &erlan, &done["id"]).await;
        let checks = seen["checks"].as_array().expect("checks");
        assert_eq!(checks.len(), 6, "{seen}");
        assert!(checks.iter().all(|c| c["outcome"] == "PASSED"), "{seen}");
    }
}

/// The officers' queue of a body that reviews every application by hand.
async fn manual_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, &[("MANUAL_REVIEW_BODIES", BODY)]).await
}

async fn claim(app: &TestApp, token: &str, id: &Value) -> Value {
    app.graphql(
        "mutation($input: ClaimApplicationInput!) { claimApplication(input: $input) { application { id claimedBy { me } claimExpiresAt } userErrors { code field retryAfterSeconds } } }",
        json!({ "input": { "applicationId": id } }),
        Some(token),
    )
    .await["data"]["claimApplication"]
        .clone()
}

async fn prepare_decision(app: &TestApp, token: &str, input: Value) -> Value {
    app.graphql(
        "mutation($input: PrepareDecisionSigningInput!) { prepareDecisionSigning(input: $input) { signingRequest { id payload text allowedMethods keyRequirements { iin bin roleOids } } userErrors { code field } } }",
        json!({ "input": input }),
        Some(token),
    )
    .await["data"]["prepareDecisionSigning"]
        .clone()
}

async fn decide(app: &TestApp, token: &str, request: &Value, cms: String) -> Value {
    let query = format!(
        "mutation($input: DecideApplicationInput!) {{ decideApplication(input: $input) {{ application {{ {APPLICATION} }} userErrors {{ code field message }} }} }}"
    );
    app.graphql(
        &query,
        json!({ "input": { "signingRequestId": request["id"], "signature": { "cms": cms } } }),
        Some(token),
    )
    .await["data"]["decideApplication"]
        .clone()
}

#[actix_web::test]
async fn an_officer_approves_and_refuses_on_both_grounds_with_signed_decisions() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = manual_app(backend).await;
        let aigerim = signed_in(&app, AIGERIM).await;
        let waiting = filed(
            &app,
            &aigerim,
            AIGERIM,
            permanent_at(json!({ "rka": AIGERIM_FLAT })),
        )
        .await;
        assert_eq!(waiting["status"], "IN_REVIEW", "{backend:?}: {waiting}");
        let erlan = officer_signed_in(&app, ERLAN, BODY).await;
        let queue = app
            .graphql(
                "{ applicationsForReview { totalCount edges { node { id reviewReason serviceDeadline } } } }",
                json!({}),
                Some(&erlan),
            )
            .await;
        assert_eq!(
            queue["data"]["applicationsForReview"]["totalCount"], 1,
            "{queue}"
        );
        let node = &queue["data"]["applicationsForReview"]["edges"][0]["node"];
        assert_eq!(node["id"], waiting["id"]);
        assert_eq!(node["reviewReason"], "MANUAL_REVIEW");

        // A decision needs a claim, a current version, and for a refusal its ground and reason.
        let approve = json!({ "applicationId": waiting["id"], "version": waiting["version"], "decision": "APPROVE" });
        assert_eq!(
            codes(&prepare_decision(&app, &erlan, approve.clone()).await),
            ["NOT_CLAIMED"]
        );
        let claimed = claim(&app, &erlan, &waiting["id"]).await;
        assert_eq!(claimed["application"]["claimedBy"]["me"], true, "{claimed}");
        for (input, code) in [
            (
                json!({ "applicationId": waiting["id"], "version": waiting["version"], "decision": "REFUSE", "reason": "x" }),
                "GROUND_REQUIRED",
            ),
            (
                json!({ "applicationId": waiting["id"], "version": waiting["version"], "decision": "REFUSE", "ground": "UNRELIABLE_DOCUMENTS_OR_DATA" }),
                "REASON_REQUIRED",
            ),
            (
                json!({ "applicationId": waiting["id"], "version": waiting["version"], "decision": "APPROVE", "ground": "NO_PERSONAL_DATA_CONSENT" }),
                "GROUND_NOT_ALLOWED",
            ),
            (
                json!({ "applicationId": waiting["id"], "version": 1, "decision": "APPROVE" }),
                "CONFLICT",
            ),
        ] {
            assert_eq!(
                codes(&prepare_decision(&app, &erlan, input.clone()).await),
                [code],
                "{input}"
            );
        }
        let prepared = prepare_decision(&app, &erlan, approve).await;
        let request = &prepared["signingRequest"];
        assert_eq!(request["keyRequirements"]["bin"], BODY, "{prepared}");
        assert_eq!(request["keyRequirements"]["iin"], ERLAN);
        assert_eq!(request["allowedMethods"], json!(["EDS"]));
        let signed: Value = serde_json::from_slice(&payload_of(request)).unwrap();
        assert_eq!(signed["decision"], "APPROVE");
        assert_eq!(
            signed["applicationId"].as_str(),
            api::graphql::ids::decode(waiting["id"].as_str().unwrap())
                .map(|(_, id)| id.to_string())
                .as_deref()
        );
        assert_eq!(signed["checks"].as_array().unwrap().len(), 6, "{signed}");
        // A citizen's key does not sign a decision.
        let citizen = decide(
            &app,
            &erlan,
            request,
            sign(&sign_certificate(ERLAN), &payload_of(request)),
        )
        .await;
        assert_eq!(codes(&citizen), ["SIGNER_MISMATCH"], "{citizen}");
        let approved = decide(
            &app,
            &erlan,
            request,
            sign(&officer_sign_certificate(ERLAN, BODY), &payload_of(request)),
        )
        .await;
        assert_eq!(codes(&approved), Vec::<String>::new(), "{approved}");
        let approved = &approved["application"];
        assert_eq!(approved["status"], "REGISTERED", "{approved}");
        assert_eq!(approved["decision"]["automatic"], false);
        assert_eq!(approved["decision"]["bodyBin"], BODY);
        assert_eq!(
            statuses(approved)[3..],
            [pair("APPROVED", "OFFICER"), pair("REGISTERED", "SYSTEM")]
        );

        // Both grounds of the closed list refuse with a signed decision.
        for (applicant, ground) in [
            (NURLAN, "UNRELIABLE_DOCUMENTS_OR_DATA"),
            (GULNAR, "NO_PERSONAL_DATA_CONSENT"),
        ] {
            let token = signed_in(&app, applicant).await;
            let waiting = filed(
                &app,
                &token,
                applicant,
                permanent_at(json!({ "rka": THEIR_FLAT })),
            )
            .await;
            consent_all(&app, &waiting).await;
            let waiting = application(&app, &token, &waiting["id"]).await;
            assert_eq!(waiting["status"], "IN_REVIEW", "{waiting}");
            claim(&app, &erlan, &waiting["id"]).await;
            let prepared = prepare_decision(
                &app,
                &erlan,
                json!({ "applicationId": waiting["id"], "version": waiting["version"], "decision": "REFUSE", "ground": ground, "reason": "Документ не подтверждён" }),
            )
            .await;
            let request = &prepared["signingRequest"];
            assert!(
                request["text"].as_str().unwrap().contains(ground),
                "{prepared}"
            );
            let refused = decide(
                &app,
                &erlan,
                request,
                sign(&officer_sign_certificate(ERLAN, BODY), &payload_of(request)),
            )
            .await;
            let refused = &refused["application"];
            assert_eq!(refused["status"], "REFUSED", "{refused}");
            assert_eq!(refused["refusalGround"], ground);
            assert_eq!(refused["decision"]["ground"], ground);
            assert_eq!(refused["decision"]["reason"], "Документ не подтверждён");
            assert_eq!(refused["registration"], Value::Null);
            assert_eq!(refused["serviceDeadlineMet"], true);
        }
    }
}

#[actix_web::test]
async fn two_officers_claim_at_once_and_a_claim_lapses_with_the_clock() {
    let clock = Arc::new(ManualClock::new(now()));
    let app = spawn_app_with_clock(
        Backend::Postgres,
        &[("MANUAL_REVIEW_BODIES", BODY), ("CLAIM_MINUTES", "10")],
        clock.clone(),
    )
    .await;
    let aigerim = signed_in(&app, AIGERIM).await;
    let waiting = filed(
        &app,
        &aigerim,
        AIGERIM,
        permanent_at(json!({ "rka": AIGERIM_FLAT })),
    )
    .await;
    let erlan = officer_signed_in(&app, ERLAN, BODY).await;
    let bolat = officer_signed_in(&app, BOLAT, BODY).await;
    let (first, second) = futures_join(
        claim(&app, &erlan, &waiting["id"]),
        claim(&app, &bolat, &waiting["id"]),
    )
    .await;
    let outcomes = [codes(&first), codes(&second)];
    assert!(
        outcomes.contains(&Vec::new()) && outcomes.contains(&vec!["ALREADY_CLAIMED".to_owned()]),
        "exactly one claim: {first} {second}"
    );
    let (holder, other, refused) = if codes(&first).is_empty() {
        (&erlan, &bolat, &second)
    } else {
        (&bolat, &erlan, &first)
    };
    let wait = refused["userErrors"][0]["retryAfterSeconds"]
        .as_i64()
        .expect("when the claim lapses");
    assert!((1..=10 * 60).contains(&wait), "{refused}");
    // The holder renews their own claim; the other still cannot prepare a decision.
    assert_eq!(
        codes(&claim(&app, holder, &waiting["id"]).await),
        Vec::<String>::new()
    );
    let approve = json!({ "applicationId": waiting["id"], "version": waiting["version"], "decision": "APPROVE" });
    assert_eq!(
        codes(&prepare_decision(&app, other, approve.clone()).await),
        ["NOT_CLAIMED"]
    );
    // The holder prepares, then the claim lapses: the other officer takes it over, and the
    // first one's signature no longer decides.
    let prepared = prepare_decision(&app, holder, approve.clone()).await;
    let request = prepared["signingRequest"].clone();
    clock.advance(time::Duration::minutes(11));
    let taken = claim(&app, other, &waiting["id"]).await;
    assert_eq!(codes(&taken), Vec::<String>::new(), "{taken}");
    let holder_iin = if holder == &erlan { ERLAN } else { BOLAT };
    let late = decide(
        &app,
        holder,
        &request,
        sign(
            &officer_sign_certificate(holder_iin, BODY),
            &payload_of(&request),
        ),
    )
    .await;
    assert_eq!(codes(&late), ["NOT_ALLOWED"], "{late}");
    let still = application(&app, &aigerim, &waiting["id"]).await;
    assert_eq!(still["status"], "IN_REVIEW", "{still}");
    assert_eq!(still["decision"], Value::Null);
    // Released, it is nobody's.
    let released = app
        .graphql(
            "mutation($input: ClaimApplicationInput!) { releaseApplication(input: $input) { application { claimedBy { me } } userErrors { code } } }",
            json!({ "input": { "applicationId": waiting["id"] } }),
            Some(other),
        )
        .await;
    assert_eq!(
        released["data"]["releaseApplication"]["application"]["claimedBy"],
        Value::Null,
        "{released}"
    );
}

#[actix_web::test]
async fn an_officer_of_another_body_neither_sees_nor_decides() {
    let app = manual_app(Backend::Sqlite).await;
    let aigerim = signed_in(&app, AIGERIM).await;
    let waiting = filed(
        &app,
        &aigerim,
        AIGERIM,
        permanent_at(json!({ "rka": AIGERIM_FLAT })),
    )
    .await;
    let stranger = officer_signed_in(&app, BOLAT, OTHER_BODY).await;
    let queue = app
        .graphql(
            "{ applicationsForReview { totalCount edges { node { id } } } }",
            json!({}),
            Some(&stranger),
        )
        .await;
    assert_eq!(
        queue["data"]["applicationsForReview"]["totalCount"], 0,
        "{queue}"
    );
    assert_eq!(
        application(&app, &stranger, &waiting["id"]).await,
        Value::Null
    );
    assert_eq!(
        codes(&claim(&app, &stranger, &waiting["id"]).await),
        ["NOT_FOUND"]
    );
    let prepared = prepare_decision(
        &app,
        &stranger,
        json!({ "applicationId": waiting["id"], "version": waiting["version"], "decision": "APPROVE" }),
    )
    .await;
    assert_eq!(codes(&prepared), ["NOT_FOUND"]);
    // Nor does a citizen.
    assert_eq!(
        codes(&claim(&app, &aigerim, &waiting["id"]).await),
        ["NOT_ALLOWED"]
    );
    let statistics = app
        .graphql(
            "{ serviceTimeStatistics { bodyBin decided breached overdue } }",
            json!({}),
            Some(&stranger),
        )
        .await;
    assert_eq!(
        statistics["data"]["serviceTimeStatistics"],
        json!({ "bodyBin": OTHER_BODY, "decided": 0, "breached": 0, "overdue": 0 })
    );
}

#[actix_web::test]
async fn a_new_permanent_registration_ends_the_previous_one_the_same_day() {
    let app = spawn_app(Backend::Postgres).await;
    let dana = signed_in(&app, DANA).await;
    let first = filed(
        &app,
        &dana,
        DANA,
        permanent_at(json!({ "ownerIin": AIGERIM, "area": "54.30" })),
    )
    .await;
    consent_all(&app, &first).await;
    let first = application(&app, &dana, &first["id"]).await;
    assert_eq!(first["status"], "REGISTERED", "{first}");
    let second = filed(
        &app,
        &dana,
        DANA,
        permanent_at(json!({ "rka": THEIR_FLAT, "ownerIin": NURLAN })),
    )
    .await;
    consent_all(&app, &second).await;
    let second = application(&app, &dana, &second["id"]).await;
    assert_eq!(second["status"], "REGISTERED", "{second}");
    let before = application(&app, &dana, &first["id"]).await;
    assert_eq!(before["registration"]["active"], false, "{before}");
    assert_eq!(before["registration"]["endReason"], "REPLACED");
    assert_eq!(
        before["registration"]["endedOn"],
        second["registration"]["startsOn"]
    );
    let mine = app
        .graphql(
            "{ myRegistrations { edges { node { addressRka active } } } }",
            json!({}),
            Some(&dana),
        )
        .await;
    assert_eq!(
        mine["data"]["myRegistrations"]["edges"],
        json!([
            { "node": { "addressRka": THEIR_FLAT, "active": true } },
            { "node": { "addressRka": AIGERIM_FLAT, "active": false } }
        ]),
        "{mine}"
    );
}

#[actix_web::test]
async fn a_temporary_registration_ends_by_itself_when_its_period_is_over() {
    let clock = Arc::new(ManualClock::new(now()));
    let app = spawn_app_with_clock(Backend::Sqlite, &[], clock.clone()).await;
    let aigerim = signed_in(&app, AIGERIM).await;
    let done = filed(
        &app,
        &aigerim,
        AIGERIM,
        json!({ "kind": "TEMPORARY", "periodMonths": 1, "address": { "rka": AIGERIM_FLAT }, "personalDataConsent": true }),
    )
    .await;
    assert_eq!(done["status"], "REGISTERED", "{done}");
    let registration = &done["registration"];
    assert_eq!(registration["kind"], "TEMPORARY");
    let ends_on = registration["endsOn"]
        .as_str()
        .expect("a last day")
        .to_owned();
    let ctx = instance(&app, clock.clone()).await;
    // Not before its last day is over.
    let progress = api::core::service::review::run_pending(&ctx, clock.now())
        .await
        .unwrap();
    assert_eq!(progress.ended, 0);
    clock.advance(time::Duration::days(32));
    let progress = api::core::service::review::run_pending(&ctx, clock.now())
        .await
        .unwrap();
    assert_eq!(progress.ended, 1);
    // A second instance running the same step ends nothing twice.
    let again =
        api::core::service::review::run_pending(&instance(&app, clock.clone()).await, clock.now())
            .await
            .unwrap();
    assert_eq!(again.ended, 0);
    // Her session of a month ago is over: she signs in again to read it.
    let aigerim = signed_in(&app, AIGERIM).await;
    let after = application(&app, &aigerim, &done["id"]).await;
    assert_eq!(after["registration"]["active"], false, "{after}");
    assert_eq!(after["registration"]["endReason"], "PERIOD_ENDED");
    assert_eq!(after["registration"]["endedOn"], ends_on.as_str());
}

#[actix_web::test]
async fn officers_read_a_persons_registrations_only_with_consent_and_every_access_is_recorded() {
    let app = spawn_app(Backend::Postgres).await;
    let aigerim = signed_in(&app, AIGERIM).await;
    let done = filed(
        &app,
        &aigerim,
        AIGERIM,
        permanent_at(json!({ "rka": AIGERIM_FLAT })),
    )
    .await;
    let erlan = officer_signed_in(&app, ERLAN, BODY).await;
    // Reading her application is an access to her data too.
    assert_eq!(
        application(&app, &erlan, &done["id"]).await["id"],
        done["id"]
    );
    // By node(id) as well.
    let node = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Application { id } } }",
            json!({ "id": done["id"] }),
            Some(&erlan),
        )
        .await;
    assert_eq!(node["data"]["node"]["id"], done["id"], "{node}");
    let query = "query($iin: String!, $purpose: String) { registrations(iin: $iin, purpose: $purpose) { edges { node { addressRka active } } } }";
    let read = app
        .graphql(
            query,
            json!({ "iin": AIGERIM, "purpose": "проверка заявления" }),
            Some(&erlan),
        )
        .await;
    assert_eq!(
        read["data"]["registrations"]["edges"],
        json!([{ "node": { "addressRka": AIGERIM_FLAT, "active": true } }]),
        "{read}"
    );
    // Nurlan filed nothing with this body: no consent, no access.
    let refused = app
        .graphql(query, json!({ "iin": NURLAN }), Some(&erlan))
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
    // A citizen is no officer.
    let citizen = app
        .graphql(query, json!({ "iin": NURLAN }), Some(&aigerim))
        .await;
    assert_eq!(
        citizen["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{citizen}"
    );
    // Every officer access is in the audit table, with who, whose, when and why.
    let db = sea_orm::Database::connect(&app.database_url).await.unwrap();
    use sea_orm::{EntityTrait, QueryOrder};
    let audit = entities::restricted_data_access::Entity::find()
        .order_by_asc(entities::restricted_data_access::Column::At)
        .all(&db)
        .await
        .unwrap();
    let _ = db.close().await;
    let rows: Vec<(&str, &str, bool)> = audit
        .iter()
        .map(|r| (r.subject_iin.as_str(), r.purpose.as_str(), r.allowed))
        .collect();
    assert_eq!(
        rows,
        [
            (AIGERIM, "application review", true),
            (AIGERIM, "application review", true),
            (AIGERIM, "проверка заявления", true),
            (NURLAN, "application review", false)
        ]
    );
    assert!(audit.iter().all(|r| r.body_bin == BODY));
}
