//! Owners' consents end to end: the owner check at submission, consents signed with EDS or
//! declined, the deadline applied once by the clock, a hostel's administration.

use crate::helpers::*;
use api::core::{Clock, ManualClock};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use signatures::testing;
use std::sync::Arc;

/// Aigerim: the sole owner of her flat.
const AIGERIM: &str = "871008401427";
const AIGERIM_FLAT: &str = "0201900148270042";
/// Nurlan and Gulnar: half each of their flat.
const NURLAN: &str = "760212350620";
const NURLAN_PHONE: &str = "+77772150634";
const GULNAR: &str = "790514400122";
const GULNAR_PHONE: &str = "+77019302245";
const THEIR_FLAT: &str = "0101200057310097";
/// Dana: owns nothing.
const DANA: &str = "061211600012";
/// The hostel whose administration (BIN 940140000385) consents instead of an owner.
const HOSTEL: &str = "0101300211840015";
const HOSTEL_BIN: &str = "940140000385";
/// Erlan: an employee of that organisation.
const ERLAN: &str = "850315300019";

const APPLICATION: &str = "id number status version refusalGround refusalReason consents { id status deadline ownerDisplayName } history { edges { node { from to actorRole reason } } }";

fn payload_of(request: &Value) -> Vec<u8> {
    STANDARD
        .decode(request["payload"].as_str().expect("a payload"))
        .expect("base64")
}

async fn application(app: &TestApp, token: &str, id: &Value) -> Value {
    let query = format!("query($id: ID!) {{ application(id: $id) {{ {APPLICATION} }} }}");
    let response = app.graphql(&query, json!({ "id": id }), Some(token)).await;
    response["data"]["application"].clone()
}

/// Files, prepares and signs with EDS an application of `iin` for `address`; returns it.
async fn submitted(app: &TestApp, token: &str, iin: &str, address: Value) -> Value {
    let created = app
        .graphql(
            "mutation($input: CreateApplicationInput!) { createApplication(input: $input) { application { id version } userErrors { code } } }",
            json!({ "input": { "kind": "PERMANENT", "address": address, "personalDataConsent": true } }),
            Some(token),
        )
        .await;
    let draft = created["data"]["createApplication"]["application"].clone();
    let prepared = prepare(app, token, &draft).await;
    let cms = sign(&sign_certificate(iin), &payload_of(&prepared));
    let query = format!(
        "mutation($input: SubmitApplicationInput!) {{ submitApplication(input: $input) {{ application {{ {APPLICATION} }} userErrors {{ code field message }} }} }}"
    );
    let response = app
        .graphql(
            &query,
            json!({ "input": { "signingRequestId": prepared["id"], "signature": { "cms": cms } } }),
            Some(token),
        )
        .await;
    let payload = &response["data"]["submitApplication"];
    assert_eq!(codes(payload), Vec::<String>::new(), "{response}");
    payload["application"].clone()
}

async fn prepare(app: &TestApp, token: &str, draft: &Value) -> Value {
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

async fn prepare_consent(app: &TestApp, token: &str, consent: &Value) -> Value {
    app.graphql(
        "mutation($input: PrepareConsentSigningInput!) { prepareConsentSigning(input: $input) { signingRequest { id payload text allowedMethods keyRequirements { iin bin roleOids } subject { id } } userErrors { code field } clientMutationId } }",
        json!({ "input": { "consentId": consent, "clientMutationId": "c1" } }),
        Some(token),
    )
    .await["data"]["prepareConsentSigning"]
        .clone()
}

async fn sign_consent(app: &TestApp, token: &str, request: &Value, signature: Value) -> Value {
    app.graphql(
        "mutation($input: SignConsentInput!) { signConsent(input: $input) { consent { id status decidedAt } userErrors { code field message } } }",
        json!({ "input": { "signingRequestId": request, "signature": signature } }),
        Some(token),
    )
    .await["data"]["signConsent"]
        .clone()
}

async fn decline(app: &TestApp, token: &str, consent: &Value) -> Value {
    app.graphql(
        "mutation($input: DeclineConsentInput!) { declineConsent(input: $input) { consent { id status declineReason } userErrors { code field } } }",
        json!({ "input": { "consentId": consent, "reason": "Мы против" } }),
        Some(token),
    )
    .await["data"]["declineConsent"]
        .clone()
}

fn statuses(application: &Value) -> Vec<(String, String)> {
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

fn pair(to: &str, role: &str) -> (String, String) {
    (to.to_owned(), role.to_owned())
}

#[actix_web::test]
async fn a_sole_owner_needs_no_consent_and_goes_to_review_at_once() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let token = signed_in(&app, AIGERIM).await;
        let filed = submitted(&app, &token, AIGERIM, json!({ "rka": AIGERIM_FLAT })).await;
        assert_eq!(filed["status"], "IN_REVIEW", "{backend:?}: {filed}");
        assert_eq!(filed["consents"], json!([]));
        assert_eq!(
            statuses(&filed),
            [
                pair("DRAFT", "APPLICANT"),
                pair("SUBMITTED", "APPLICANT"),
                pair("IN_REVIEW", "SYSTEM")
            ]
        );
    }
}

#[actix_web::test]
async fn a_co_owner_consents_with_eds_and_the_application_moves_to_review() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let nurlan = signed_in(&app, NURLAN).await;
        let filed = submitted(&app, &nurlan, NURLAN, json!({ "rka": THEIR_FLAT })).await;
        assert_eq!(filed["status"], "AWAITING_CONSENTS", "{backend:?}: {filed}");
        let consents = filed["consents"].as_array().unwrap();
        assert_eq!(consents.len(), 1, "only Gulnar: {filed}");
        let consent = consents[0]["id"].clone();
        assert_eq!(consents[0]["status"], "PENDING");
        // The applicant reads the owner's initials only.
        assert_eq!(consents[0]["ownerDisplayName"], "О*** Г***");

        // Gulnar finds it in her consents, with her name.
        let gulnar = signed_in(&app, GULNAR).await;
        let mine = app
            .graphql(
                "{ myConsents(status: PENDING) { totalCount edges { node { id status ownerDisplayName applicantName } } } }",
                json!({}),
                Some(&gulnar),
            )
            .await;
        let list = &mine["data"]["myConsents"];
        assert_eq!(list["totalCount"], 1, "{mine}");
        assert_eq!(list["edges"][0]["node"]["id"], consent);
        assert_eq!(
            list["edges"][0]["node"]["ownerDisplayName"],
            "ОМАРОВА ГҮЛНАР"
        );
        // Nurlan is asked for nothing; Dana cannot see the consent.
        let none = app
            .graphql("{ myConsents { totalCount } }", json!({}), Some(&nurlan))
            .await;
        assert_eq!(none["data"]["myConsents"]["totalCount"], 0);
        let dana = signed_in(&app, DANA).await;
        assert_eq!(
            codes(&prepare_consent(&app, &dana, &consent).await),
            ["NOT_FOUND"]
        );

        let prepared = prepare_consent(&app, &gulnar, &consent).await;
        assert_eq!(prepared["clientMutationId"], "c1");
        let request = &prepared["signingRequest"];
        assert_eq!(request["allowedMethods"], json!(["EDS"]), "{prepared}");
        assert_eq!(request["keyRequirements"]["iin"], GULNAR);
        assert_eq!(request["subject"]["id"], consent);
        assert!(request["text"].as_str().unwrap().contains("согласие"));

        // Never by SMS code; never with a signature over something else.
        let by_code = sign_consent(&app, &gulnar, &request["id"], json!({ "otp": "123456" })).await;
        assert_eq!(codes(&by_code), ["SIGNING_METHOD_NOT_ALLOWED"]);
        let other = sign(
            &sign_certificate(GULNAR),
            b"{\"type\":\"registration-kz/application\"}",
        );
        let not_a_consent =
            sign_consent(&app, &gulnar, &request["id"], json!({ "cms": other })).await;
        assert_eq!(codes(&not_a_consent), ["NOT_A_CONSENT"], "{not_a_consent}");
        // Nor with Nurlan's key.
        let his = sign(&sign_certificate(NURLAN), &payload_of(request));
        let wrong_signer = sign_consent(&app, &nurlan, &request["id"], json!({ "cms": his })).await;
        assert_eq!(codes(&wrong_signer), ["NOT_ALLOWED"], "{wrong_signer}");

        let cms = sign(&sign_certificate(GULNAR), &payload_of(request));
        let given = sign_consent(&app, &gulnar, &request["id"], json!({ "cms": cms })).await;
        assert_eq!(codes(&given), Vec::<String>::new(), "{backend:?}: {given}");
        assert_eq!(given["consent"]["status"], "GIVEN");
        let again = prepare_consent(&app, &gulnar, &consent).await;
        assert_eq!(codes(&again), ["CONSENT_ALREADY_DECIDED"]);

        let now = application(&app, &nurlan, &filed["id"]).await;
        assert_eq!(now["status"], "IN_REVIEW", "{now}");
        assert_eq!(
            statuses(&now),
            [
                pair("DRAFT", "APPLICANT"),
                pair("SUBMITTED", "APPLICANT"),
                pair("AWAITING_CONSENTS", "SYSTEM"),
                pair("IN_REVIEW", "OWNER")
            ]
        );
        // Each party's personal account tells of it: Gulnar that a consent was asked and given,
        // Nurlan that his application moved on; Dana of nothing.
        let db = sea_orm::Database::connect(&app.database_url).await.unwrap();
        api::core::service::events::relay::sequence(&db, crate::helpers::now())
            .await
            .expect("the relay runs");
        let _ = db.close().await;
        let told = |token: String| {
            let app = &app;
            async move {
                let response = app
                    .graphql(
                        "{ myNotifications(first: 20) { edges { node { subject toStatus text } } } }",
                        json!({}),
                        Some(&token),
                    )
                    .await;
                response["data"]["myNotifications"]["edges"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{response}"))
                    .iter()
                    .map(|e| {
                        format!(
                            "{} {}",
                            e["node"]["subject"].as_str().unwrap_or_default(),
                            e["node"]["toStatus"].as_str().unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
            }
        };
        let hers = told(gulnar.clone()).await;
        assert!(hers.contains(&"CONSENT PENDING".to_owned()), "{hers:?}");
        assert!(hers.contains(&"CONSENT GIVEN".to_owned()), "{hers:?}");
        let his = told(nurlan.clone()).await;
        assert!(his.contains(&"APPLICATION IN_REVIEW".to_owned()), "{his:?}");
        assert!(his.contains(&"CONSENT GIVEN".to_owned()), "{his:?}");
        assert_eq!(told(dana.clone()).await, Vec::<String>::new());
        // The consent's signature is kept with the others.
        let purposes: Vec<String> = stored_signatures(&app)
            .await
            .into_iter()
            .map(|(purpose, ..)| purpose)
            .collect();
        assert!(purposes.contains(&"CONSENT".to_owned()), "{purposes:?}");
    }
}

#[actix_web::test]
async fn a_declined_consent_refuses_the_application_with_its_ground_and_reason() {
    let app = spawn_app(Backend::Sqlite).await;
    let nurlan = signed_in(&app, NURLAN).await;
    let filed = submitted(&app, &nurlan, NURLAN, json!({ "rka": THEIR_FLAT })).await;
    let consent = filed["consents"][0]["id"].clone();
    let gulnar = signed_in(&app, GULNAR).await;
    // Bad input changes nothing: a reason with a control character, a consent id of another
    // kind.
    let bad = app
        .graphql(
            "mutation($input: DeclineConsentInput!) { declineConsent(input: $input) { consent { id } userErrors { code field } } }",
            json!({ "input": { "consentId": consent, "reason": "нет\u{0007}" } }),
            Some(&gulnar),
        )
        .await;
    assert_eq!(
        bad["data"]["declineConsent"]["userErrors"],
        json!([{ "code": "BAD_USER_INPUT", "field": ["input", "reason"] }]),
        "{bad}"
    );
    let wrong_kind = decline(&app, &gulnar, &filed["id"]).await;
    assert_eq!(codes(&wrong_kind), ["NOT_FOUND"]);
    assert_eq!(
        codes(&remind(&app, &nurlan, &filed["id"]).await),
        ["NOT_FOUND"]
    );
    let declined = decline(&app, &gulnar, &consent).await;
    assert_eq!(codes(&declined), Vec::<String>::new(), "{declined}");
    assert_eq!(declined["consent"]["status"], "DECLINED");
    assert_eq!(declined["consent"]["declineReason"], "Мы против");
    let twice = decline(&app, &gulnar, &consent).await;
    assert_eq!(codes(&twice), ["CONSENT_ALREADY_DECIDED"]);
    let now = application(&app, &nurlan, &filed["id"]).await;
    assert_eq!(now["status"], "REFUSED");
    assert_eq!(now["refusalGround"], "UNRELIABLE_DOCUMENTS_OR_DATA");
    assert_eq!(now["refusalReason"], "CONSENT_DECLINED");
    let last = now["history"]["edges"].as_array().unwrap().last().unwrap()["node"].clone();
    assert_eq!(last["actorRole"], "OWNER");
    assert!(
        last["reason"].as_str().unwrap().contains("7905******22"),
        "names the owner, masked: {last}"
    );
}

#[actix_web::test]
async fn a_consent_missing_at_the_deadline_refuses_once_whatever_runs_the_task() {
    for backend in BACKENDS {
        let clock = Arc::new(ManualClock::new(now()));
        let app =
            spawn_app_with_clock(backend, &[("BACKGROUND_TASKS", "false")], clock.clone()).await;
        let nurlan = signed_in(&app, NURLAN).await;
        let filed = submitted(&app, &nurlan, NURLAN, json!({ "rka": THEIR_FLAT })).await;
        let deadline = time::OffsetDateTime::parse(
            filed["consents"][0]["deadline"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        // Five calendar days (the database keeps microseconds).
        let off = deadline - (clock.now() + time::Duration::days(5));
        assert!(off.abs() < time::Duration::seconds(1), "{filed}");

        // Gulnar was told by SMS; Nurlan may remind her once a day, she may not.
        let consent = filed["consents"][0]["id"].clone();
        sms_number(&app, GULNAR_PHONE, 0).await;
        assert_eq!(outbox(&app, GULNAR_PHONE).await.len(), 1, "{backend:?}");
        let soon = remind(&app, &nurlan, &consent).await;
        assert_eq!(codes(&soon), ["REMINDER_TOO_SOON"], "{soon}");
        assert!(soon["userErrors"][0]["retryAfterSeconds"].as_i64().unwrap() > 86_000);
        let gulnar = signed_in(&app, GULNAR).await;
        assert_eq!(
            codes(&remind(&app, &gulnar, &consent).await),
            ["NOT_ALLOWED"]
        );
        clock.advance(time::Duration::days(1));
        let nurlan = signed_in(&app, NURLAN).await;
        let reminded = remind(&app, &nurlan, &consent).await;
        assert_eq!(codes(&reminded), Vec::<String>::new(), "{reminded}");
        let (text, _) = sms_number(&app, GULNAR_PHONE, 1).await;
        assert_eq!(outbox(&app, GULNAR_PHONE).await.len(), 2, "{text}");
        assert!(text.contains(filed["number"].as_str().unwrap()), "{text}");

        // Two instances run the deadline task at once, before and after the deadline.
        let (one, two) = (
            instance(&app, clock.clone()).await,
            instance(&app, clock.clone()).await,
        );
        clock.advance(time::Duration::days(3));
        let (a, b) = futures_join(
            api::core::service::maintenance::run_once(&one, clock.now()),
            api::core::service::maintenance::run_once(&two, clock.now()),
        )
        .await;
        assert_eq!(a.unwrap().consents_missing + b.unwrap().consents_missing, 0);
        clock.advance(time::Duration::days(1) + time::Duration::seconds(1));
        // On PostgreSQL at the same moment; SQLite has one writer (one instance), so there the
        // second run follows the first.
        let (a, b) = if backend == Backend::Postgres {
            futures_join(
                api::core::service::maintenance::run_once(&one, clock.now()),
                api::core::service::maintenance::run_once(&two, clock.now()),
            )
            .await
        } else {
            let a = api::core::service::maintenance::run_once(&one, clock.now()).await;
            (
                a,
                api::core::service::maintenance::run_once(&two, clock.now()).await,
            )
        };
        assert_eq!(
            a.unwrap().consents_missing + b.unwrap().consents_missing,
            1,
            "{backend:?}: exactly one refusal"
        );
        // Five days on, his session has ended: he signs in again.
        let nurlan = signed_in(&app, NURLAN).await;
        let now = application(&app, &nurlan, &filed["id"]).await;
        assert_eq!(now["status"], "REFUSED", "{now}");
        assert_eq!(now["refusalReason"], "CONSENT_MISSING");
        assert_eq!(now["consents"][0]["status"], "EXPIRED");
        let refusals = statuses(&now)
            .into_iter()
            .filter(|(to, _)| to == "REFUSED")
            .count();
        assert_eq!(refusals, 1, "{now}");
    }
}

async fn remind(app: &TestApp, token: &str, consent: &Value) -> Value {
    app.graphql(
        "mutation($input: RemindConsentInput!) { remindConsent(input: $input) { consent { id } userErrors { code field retryAfterSeconds } } }",
        json!({ "input": { "consentId": consent } }),
        Some(token),
    )
    .await["data"]["remindConsent"]
        .clone()
}

/// Another instance's service context on the app's database and clock.
async fn instance(app: &TestApp, clock: Arc<ManualClock>) -> api::core::ServiceContext {
    use api::core::context::{ServiceContext, ServiceSettings, VerificationSlots};
    let db = api::core::database::connect(&app.database_url)
        .await
        .expect("the test database");
    ServiceContext {
        sms: Arc::new(api::core::sms::DevOutbox::new(db.clone(), clock.clone())),
        properties: Arc::new(api::core::registries::LocalRegistries::new(db.clone())),
        db,
        trust: Arc::new(
            api::core::trust::TrustStore::load(&Default::default(), clock.now())
                .expect("a trust store"),
        ),
        clock,
        verification: VerificationSlots::new(1, std::time::Duration::from_secs(1)),
        settings: Arc::new(ServiceSettings {
            service_name: "test".to_owned(),
            challenge_ttl_seconds: 300,
            session_ttl_seconds: 3600,
            property_lookups_per_hour: 10,
            consent_days: 5,
        }),
    }
}

#[actix_web::test]
async fn an_owner_not_confirmed_by_iin_and_rka_is_refused_saying_which_check() {
    let app = spawn_app(Backend::Sqlite).await;
    let dana = signed_in(&app, DANA).await;
    // Dana names Aigerim's flat by its RKA: she is not its owner.
    let filed = submitted(&app, &dana, DANA, json!({ "rka": AIGERIM_FLAT })).await;
    assert_eq!(filed["status"], "REFUSED", "{filed}");
    assert_eq!(filed["refusalGround"], "UNRELIABLE_DOCUMENTS_OR_DATA");
    assert_eq!(filed["refusalReason"], "OWNER_NOT_CONFIRMED");
    let last = filed["history"]["edges"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()["node"]
        .clone();
    assert!(
        last["reason"].as_str().unwrap().contains("RKA"),
        "says which check failed: {last}"
    );
    // By owner IIN and area she names the owner: confirmed, and Aigerim must consent.
    let by_owner = submitted(
        &app,
        &dana,
        DANA,
        json!({ "ownerIin": AIGERIM, "area": "54.30" }),
    )
    .await;
    assert_eq!(by_owner["status"], "AWAITING_CONSENTS", "{by_owner}");
    assert_eq!(by_owner["consents"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn a_co_owning_applicant_who_signed_by_sms_code_consents_with_eds_too() {
    let app = spawn_app(Backend::Sqlite).await;
    let nurlan = signed_in(&app, NURLAN).await;
    let created = app
        .graphql(
            "mutation($input: CreateApplicationInput!) { createApplication(input: $input) { application { id version } } }",
            json!({ "input": { "kind": "PERMANENT", "address": { "rka": THEIR_FLAT }, "personalDataConsent": true } }),
            Some(&nurlan),
        )
        .await;
    let draft = created["data"]["createApplication"]["application"].clone();
    let request = prepare(&app, &nurlan, &draft).await;
    app.graphql(
        "mutation($input: RequestOtpInput!) { requestOtp(input: $input) { userErrors { code } } }",
        json!({ "input": { "purpose": "SIGN", "signingRequestId": request["id"] } }),
        Some(&nurlan),
    )
    .await;
    let code = sms_number(&app, NURLAN_PHONE, 0)
        .await
        .1
        .expect("the signing code");
    let query = format!(
        "mutation($input: SubmitApplicationInput!) {{ submitApplication(input: $input) {{ application {{ {APPLICATION} }} userErrors {{ code }} }} }}"
    );
    let response = app
        .graphql(
            &query,
            json!({ "input": { "signingRequestId": request["id"], "signature": { "otp": code } } }),
            Some(&nurlan),
        )
        .await;
    let filed = &response["data"]["submitApplication"]["application"];
    assert_eq!(filed["status"], "AWAITING_CONSENTS", "{response}");
    assert_eq!(
        filed["consents"].as_array().unwrap().len(),
        2,
        "Gulnar and Nurlan himself"
    );
    let mine = app
        .graphql("{ myConsents { totalCount } }", json!({}), Some(&nurlan))
        .await;
    assert_eq!(mine["data"]["myConsents"]["totalCount"], 1, "{mine}");
}

#[actix_web::test]
async fn a_hostel_administration_consents_with_a_key_of_its_bin() {
    let app = spawn_app(Backend::Postgres).await;
    let dana = signed_in(&app, DANA).await;
    let filed = submitted(&app, &dana, DANA, json!({ "rka": HOSTEL })).await;
    assert_eq!(filed["status"], "AWAITING_CONSENTS", "{filed}");
    assert_eq!(
        filed["consents"][0]["ownerDisplayName"],
        format!("BIN {HOSTEL_BIN}")
    );
    let consent = filed["consents"][0]["id"].clone();

    // Erlan acts for the organisation with its legal-entity key.
    let db = sea_orm::Database::connect(&app.database_url).await.unwrap();
    api::core::service::admin::add_officer(&db, ERLAN, HOSTEL_BIN, now())
        .await
        .expect("listed");
    let _ = db.close().await;
    let login = app.login_with(&officer_auth_certificate()).await;
    let erlan = login["token"]
        .as_str()
        .expect("signed in for the body")
        .to_owned();
    let mine = app
        .graphql(
            "{ myConsents { totalCount edges { node { id } } } }",
            json!({}),
            Some(&erlan),
        )
        .await;
    assert_eq!(
        mine["data"]["myConsents"]["edges"][0]["node"]["id"], consent,
        "{mine}"
    );
    let prepared = prepare_consent(&app, &erlan, &consent).await;
    let request = &prepared["signingRequest"];
    assert_eq!(request["keyRequirements"]["bin"], HOSTEL_BIN, "{prepared}");
    assert_eq!(
        request["keyRequirements"]["roleOids"],
        json!([
            "1.2.398.3.3.4.1.2.1",
            "1.2.398.3.3.4.1.2.2",
            "1.2.398.3.3.4.1.2.5"
        ])
    );
    // A key of another organisation does not do.
    let other = pki()
        .legal_entity_sign(ERLAN, "990240000012", testing::nca::ROLE_EMPLOYEE)
        .validity(
            now() - time::Duration::days(1),
            now() + time::Duration::days(30),
        )
        .issued_by(&pki().intermediate);
    let refused = sign_consent(
        &app,
        &erlan,
        &request["id"],
        json!({ "cms": sign(&other, &payload_of(request)) }),
    )
    .await;
    assert_eq!(codes(&refused), ["SIGNER_MISMATCH"], "{refused}");
    let key = gost_officer_certificate();
    let given = sign_consent(
        &app,
        &erlan,
        &request["id"],
        json!({ "cms": sign(&key, &payload_of(request)) }),
    )
    .await;
    assert_eq!(codes(&given), Vec::<String>::new(), "{given}");
    let now = application(&app, &dana, &filed["id"]).await;
    assert_eq!(now["status"], "IN_REVIEW", "{now}");
    let last = now["history"]["edges"].as_array().unwrap().last().unwrap()["node"].clone();
    assert_eq!(last["actorRole"], "ADMINISTRATION");
}
