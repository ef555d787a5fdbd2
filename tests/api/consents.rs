//! Owners' consents end to end: the owner check at submission, consents signed with EDS or
//! declined, the deadline applied once by the clock, a hostel's administration, a tenant of
//! state housing, a minor owner's parent and an attorney.

use crate::helpers::*;
use api::core::{Clock, ManualClock};
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
/// The hostel whose administration consents instead of an owner, with a key of the head or an
/// employee (the demo data's configuration for it).
const HOSTEL: &str = "0101300211840015";
const HOSTEL_BIN: &str = "050740003216";
/// Erlan: an employee of that organisation; also the tenant of a state rental flat, and Bolat's
/// attorney.
const ERLAN: &str = "850315300019";
/// The state rental flat (owned by an akimat) Erlan rents, with his wife Madina in the lease.
const RENTAL_FLAT: &str = "0101100072450031";
const MADINA: &str = "880422400230";
/// The house Gulnar owns with her daughter Әлия, a minor whose parents are Nurlan and Gulnar.
const GULNAR_HOUSE: &str = "0101400118620004";
const ALIYA: &str = "120914600121";
/// The family house of Bolat, Asel and Aigerim.
const FAMILY_HOUSE: &str = "0201800033100027";
const BOLAT: &str = "540302300122";
const ASEL: &str = "581127400039";

const APPLICATION: &str = "id number status version refusalGround refusalReason consents { id status deadline ownerDisplayName } decision { outcome automatic } registration { kind active registryReference } history { edges { node { from to actorRole reason } } }";

async fn application(app: &TestApp, token: &str, id: &Value) -> Value {
    application_as(app, token, id, APPLICATION).await
}

/// Files, prepares and signs with EDS a permanent application of `iin` for `address`;
/// returns it.
async fn submitted(app: &TestApp, token: &str, iin: &str, address: Value) -> Value {
    file_application(
        app,
        token,
        iin,
        json!({ "kind": "PERMANENT", "address": address, "personalDataConsent": true }),
        APPLICATION,
    )
    .await
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
        "mutation($input: SignConsentInput!) { signConsent(input: $input) { consent { id status decidedAt authority powerOfAttorney { number issuedOn } } userErrors { code field message } } }",
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

/// `application` was complete by `role`'s doing, then decided automatically and registered:
/// its history ends IN_REVIEW (by `role`), APPROVED and REGISTERED (by the service).
fn assert_registered_once_complete_by(application: &Value, role: &str) {
    assert_eq!(application["status"], "REGISTERED", "{application}");
    let history = statuses(application);
    assert!(
        history.ends_with(&[
            pair("IN_REVIEW", role),
            pair("APPROVED", "SYSTEM"),
            pair("REGISTERED", "SYSTEM")
        ]),
        "{history:?}"
    );
    assert_eq!(
        application["decision"],
        json!({ "outcome": "APPROVE", "automatic": true }),
        "{application}"
    );
    assert_eq!(application["registration"]["kind"], "PERMANENT");
    assert_eq!(application["registration"]["active"], true);
    assert!(
        application["registration"]["registryReference"]
            .as_str()
            .is_some_and(|r| r.starts_with("PR-")),
        "{application}"
    );
}

#[actix_web::test]
async fn a_sole_owner_needs_no_consent_and_goes_to_review_at_once() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let token = signed_in(&app, AIGERIM).await;
        let filed = submitted(&app, &token, AIGERIM, json!({ "rka": AIGERIM_FLAT })).await;
        // In review at once, and so decided and registered at once.
        assert_eq!(filed["status"], "REGISTERED", "{backend:?}: {filed}");
        assert_eq!(filed["consents"], json!([]));
        assert_eq!(
            statuses(&filed),
            [
                pair("DRAFT", "APPLICANT"),
                pair("SUBMITTED", "APPLICANT"),
                pair("IN_REVIEW", "SYSTEM"),
                pair("APPROVED", "SYSTEM"),
                pair("REGISTERED", "SYSTEM")
            ]
        );
        assert_registered_once_complete_by(&filed, "SYSTEM");
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

        // Her consent completes the package: it is in review, decided and registered at once.
        let now = application(&app, &nurlan, &filed["id"]).await;
        assert_eq!(now["status"], "REGISTERED", "{now}");
        assert_eq!(
            statuses(&now),
            [
                pair("DRAFT", "APPLICANT"),
                pair("SUBMITTED", "APPLICANT"),
                pair("AWAITING_CONSENTS", "SYSTEM"),
                pair("IN_REVIEW", "OWNER"),
                pair("APPROVED", "SYSTEM"),
                pair("REGISTERED", "SYSTEM")
            ]
        );
        assert_registered_once_complete_by(&now, "OWNER");
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
        assert!(
            his.contains(&"APPLICATION REGISTERED".to_owned()),
            "{his:?}"
        );
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
    // By RKA and owner IIN: confirmed for its owner, refused for anyone else's IIN.
    let by_rka_and_owner = submitted(
        &app,
        &dana,
        DANA,
        json!({ "rka": AIGERIM_FLAT, "ownerIin": AIGERIM }),
    )
    .await;
    assert_eq!(
        by_rka_and_owner["status"], "AWAITING_CONSENTS",
        "{by_rka_and_owner}"
    );
    // Someone else's IIN with the RKA: the object exists, but the owner check refuses, saying
    // which check failed.
    let not_the_owner = submitted(
        &app,
        &dana,
        DANA,
        json!({ "rka": AIGERIM_FLAT, "ownerIin": NURLAN }),
    )
    .await;
    assert_eq!(not_the_owner["status"], "REFUSED", "{not_the_owner}");
    assert_eq!(not_the_owner["refusalReason"], "OWNER_NOT_CONFIRMED");
    let last = not_the_owner["history"]["edges"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()["node"]
        .clone();
    assert!(
        last["reason"].as_str().unwrap().contains("not an owner"),
        "says which check failed: {last}"
    );
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
    let request = prepare_signing(&app, &nurlan, &draft).await;
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

/// A key of an organisation's `role` for `iin`, for signing in (`auth`) or signing.
fn organisation_key(iin: &str, bin: &str, role: &str, auth: bool) -> testing::Certificate {
    use signatures::testing::{KeyUsageBit, nca};
    let mut builder = pki().legal_entity_sign(iin, bin, role);
    if auth {
        builder = builder
            .key_usage(&[KeyUsageBit::DigitalSignature, KeyUsageBit::KeyEncipherment])
            .ext_key_usage(&[nca::EKU_CLIENT_AUTH, nca::EKU_LEGAL_ENTITY, role]);
    }
    builder
        .validity(
            now() - time::Duration::days(1),
            now() + time::Duration::days(30),
        )
        .issued_by(&pki().intermediate)
}

/// Signs a consent as `key`'s holder: prepares it and signs the payload.
async fn consent_with(
    app: &TestApp,
    token: &str,
    consent: &Value,
    key: &testing::Certificate,
) -> (Value, Value) {
    let prepared = prepare_consent(app, token, consent).await;
    let request = prepared["signingRequest"].clone();
    assert!(request["id"].is_string(), "{prepared}");
    let signed = sign_consent(
        app,
        token,
        &request["id"],
        json!({ "cms": sign(key, &payload_of(&request)) }),
    )
    .await;
    (request, signed)
}

#[actix_web::test]
async fn a_hostel_administration_consents_with_an_employee_key_of_its_bin() {
    let app = spawn_app(Backend::Postgres).await;
    let dana = signed_in(&app, DANA).await;
    let filed = submitted(&app, &dana, DANA, json!({ "rka": HOSTEL })).await;
    assert_eq!(filed["status"], "AWAITING_CONSENTS", "{filed}");
    assert_eq!(
        filed["consents"][0]["ownerDisplayName"],
        format!("ТОО «Студенческий городок Астаны» (BIN {HOSTEL_BIN})")
    );
    let consent = filed["consents"][0]["id"].clone();

    // A commandant signs in with an employee key of the organisation: no officer list needed,
    // the organisation accepts employee keys. A key of a role it does not accept is turned
    // away.
    let refused = app
        .login_with(&organisation_key(
            ERLAN,
            HOSTEL_BIN,
            testing::nca::ROLE_MAY_SIGN,
            true,
        ))
        .await;
    assert_eq!(codes(&refused), ["NOT_AN_OFFICER"], "{refused}");
    let login = app
        .login_with(&organisation_key(
            ERLAN,
            HOSTEL_BIN,
            testing::nca::ROLE_EMPLOYEE,
            true,
        ))
        .await;
    let erlan = login["token"]
        .as_str()
        .unwrap_or_else(|| panic!("signed in for the organisation: {login}"))
        .to_owned();
    let mine = app
        .graphql(
            "{ myConsents { totalCount edges { node { id ownerDisplayName } } } }",
            json!({}),
            Some(&erlan),
        )
        .await;
    assert_eq!(mine["data"]["myConsents"]["totalCount"], 1, "{mine}");
    assert_eq!(
        mine["data"]["myConsents"]["edges"][0]["node"]["id"], consent,
        "{mine}"
    );
    // The same person signed in as a citizen does not see the organisation's consents.
    let citizen = signed_in(&app, ERLAN).await;
    let as_citizen = app
        .graphql("{ myConsents { totalCount } }", json!({}), Some(&citizen))
        .await;
    assert_eq!(as_citizen["data"]["myConsents"]["totalCount"], 0);

    let prepared = prepare_consent(&app, &erlan, &consent).await;
    let request = &prepared["signingRequest"];
    assert_eq!(request["keyRequirements"]["bin"], HOSTEL_BIN, "{prepared}");
    assert_eq!(
        request["keyRequirements"]["roleOids"],
        json!(["1.2.398.3.3.4.1.2.1", "1.2.398.3.3.4.1.2.5"]),
        "the organisation's configured roles"
    );
    // A key of another organisation does not do, nor one of a role it does not accept.
    for key in [
        organisation_key(ERLAN, "990240000012", testing::nca::ROLE_EMPLOYEE, false),
        organisation_key(ERLAN, HOSTEL_BIN, testing::nca::ROLE_MAY_SIGN, false),
    ] {
        let refused = sign_consent(
            &app,
            &erlan,
            &request["id"],
            json!({ "cms": sign(&key, &payload_of(request)) }),
        )
        .await;
        assert_eq!(codes(&refused), ["SIGNER_MISMATCH"], "{refused}");
    }
    let key = organisation_key(ERLAN, HOSTEL_BIN, testing::nca::ROLE_EMPLOYEE, false);
    let given = sign_consent(
        &app,
        &erlan,
        &request["id"],
        json!({ "cms": sign(&key, &payload_of(request)) }),
    )
    .await;
    assert_eq!(codes(&given), Vec::<String>::new(), "{given}");
    assert_eq!(given["consent"]["authority"], "PARTY");
    // The administration's consent completes the package, so Dana is registered at once.
    let now = application(&app, &dana, &filed["id"]).await;
    assert_registered_once_complete_by(&now, "ADMINISTRATION");
    // The administration reads the story in its notifications.
    sequence_events(&app).await;
    let notes = app
        .graphql(
            "{ myNotifications { totalCount } }",
            json!({}),
            Some(&erlan),
        )
        .await;
    assert!(
        notes["data"]["myNotifications"]["totalCount"]
            .as_i64()
            .unwrap()
            >= 2,
        "{notes}"
    );
}

#[actix_web::test]
async fn a_tenant_of_state_housing_consents_and_only_the_household_may_register() {
    let app = spawn_app(Backend::Sqlite).await;
    // Dana names the rental flat by its tenant's IIN and area: confirmed as a dwelling, but
    // she is not in the lease.
    let dana = signed_in(&app, DANA).await;
    let outsider = submitted(
        &app,
        &dana,
        DANA,
        json!({ "ownerIin": ERLAN, "area": "48.20" }),
    )
    .await;
    assert_eq!(outsider["status"], "REFUSED", "{outsider}");
    assert_eq!(outsider["refusalGround"], "UNRELIABLE_DOCUMENTS_OR_DATA");
    assert_eq!(outsider["refusalReason"], "NOT_IN_TENANTS_HOUSEHOLD");

    // Madina, of Erlan's household, names it by RKA and the tenant's IIN: Erlan consents (not
    // the akimat that owns it).
    let madina = signed_in(&app, MADINA).await;
    let filed = submitted(
        &app,
        &madina,
        MADINA,
        json!({ "rka": RENTAL_FLAT, "ownerIin": ERLAN }),
    )
    .await;
    assert_eq!(filed["status"], "AWAITING_CONSENTS", "{filed}");
    let consents = filed["consents"].as_array().unwrap();
    assert_eq!(consents.len(), 1, "the tenant's only: {filed}");
    let erlan = signed_in(&app, ERLAN).await;
    let (_, given) = consent_with(&app, &erlan, &consents[0]["id"], &sign_certificate(ERLAN)).await;
    assert_eq!(codes(&given), Vec::<String>::new(), "{given}");
    assert_eq!(given["consent"]["status"], "GIVEN");
    let now = application(&app, &madina, &filed["id"]).await;
    assert_registered_once_complete_by(&now, "OWNER");

    // The tenant applying himself, by RKA alone, needs nobody's consent.
    let own = submitted(&app, &erlan, ERLAN, json!({ "rka": RENTAL_FLAT })).await;
    assert_registered_once_complete_by(&own, "SYSTEM");
    assert_eq!(own["consents"], json!([]));
}

/// Writes a power of attorney from `principal` to `attorney` into the registry mirror, valid
/// from `from` to `until` days from today.
async fn power_of_attorney(
    app: &TestApp,
    number: &str,
    (principal, attorney): (&str, &str),
    (from, until): (i64, i64),
) {
    use sea_orm::ActiveModelTrait;
    let db = sea_orm::Database::connect(&app.database_url).await.unwrap();
    let today = now().date();
    entities::power_of_attorney::ActiveModel {
        id: sea_orm::Set(uuid::Uuid::new_v4()),
        number: sea_orm::Set(number.to_owned()),
        issued_on: sea_orm::Set(today + time::Duration::days(from)),
        valid_until: sea_orm::Set(today + time::Duration::days(until)),
        principal_iin: sea_orm::Set(principal.to_owned()),
        attorney_iin: sea_orm::Set(attorney.to_owned()),
        revoked_on: sea_orm::Set(None),
    }
    .insert(&db)
    .await
    .expect("a power of attorney");
    let _ = db.close().await;
}

#[actix_web::test]
async fn a_parent_consents_for_a_minor_owner_and_an_attorney_for_an_adult_one() {
    let app = spawn_app(Backend::Postgres).await;
    let dana = signed_in(&app, DANA).await;
    // Dana names Gulnar's house by RKA and Gulnar's IIN: Gulnar and her daughter Әлия, a
    // minor, must consent.
    let filed = submitted(
        &app,
        &dana,
        DANA,
        json!({ "rka": GULNAR_HOUSE, "ownerIin": GULNAR }),
    )
    .await;
    assert_eq!(filed["status"], "AWAITING_CONSENTS", "{filed}");
    assert_eq!(filed["consents"].as_array().unwrap().len(), 2, "{filed}");

    // Nurlan, her father, finds his daughter's consent among his own and reads her name.
    let nurlan = signed_in(&app, NURLAN).await;
    let mine = app
        .graphql(
            "{ myConsents { totalCount edges { node { id ownerDisplayName } } } }",
            json!({}),
            Some(&nurlan),
        )
        .await;
    assert_eq!(mine["data"]["myConsents"]["totalCount"], 1, "{mine}");
    let aliyas = mine["data"]["myConsents"]["edges"][0]["node"].clone();
    assert_eq!(aliyas["ownerDisplayName"], "ОМАРОВА ӘЛИЯ", "{mine}");
    // He was told it waits, as her representative.
    sequence_events(&app).await;
    let notes = app
        .graphql(
            "{ myNotifications { totalCount } }",
            json!({}),
            Some(&nurlan),
        )
        .await;
    assert_eq!(notes["data"]["myNotifications"]["totalCount"], 1, "{notes}");
    // Dana, the applicant, may read it but not decide it.
    let not_hers = prepare_consent(&app, &dana, &aliyas["id"]).await;
    assert_eq!(codes(&not_hers), ["NOT_ALLOWED"], "{not_hers}");

    let (request, given) =
        consent_with(&app, &nurlan, &aliyas["id"], &sign_certificate(NURLAN)).await;
    assert_eq!(request["keyRequirements"]["iin"], NURLAN);
    let signed: Value = serde_json::from_slice(&payload_of(&request)).unwrap();
    assert_eq!(signed["party"]["iin"], ALIYA, "{signed}");
    assert_eq!(signed["signer"]["iin"], NURLAN);
    assert_eq!(signed["signer"]["authority"], "PARENT");
    assert!(
        request["text"]
            .as_str()
            .unwrap()
            .contains("как законный представитель"),
        "{request}"
    );
    assert_eq!(codes(&given), Vec::<String>::new(), "{given}");
    assert_eq!(given["consent"]["authority"], "PARENT");

    let gulnar = signed_in(&app, GULNAR).await;
    let hers = app
        .graphql(
            "{ myConsents(status: PENDING) { edges { node { id } } } }",
            json!({}),
            Some(&gulnar),
        )
        .await;
    let hers = hers["data"]["myConsents"]["edges"][0]["node"]["id"].clone();
    let (_, given) = consent_with(&app, &gulnar, &hers, &sign_certificate(GULNAR)).await;
    assert_eq!(given["consent"]["authority"], "PARTY", "{given}");
    // The last of the two consents completes the package: registered at once.
    let reviewed = application(&app, &dana, &filed["id"]).await;
    assert_registered_once_complete_by(&reviewed, "OWNER");

    // An attorney: Bolat gave Erlan a power of attorney; Asel's to him has expired.
    power_of_attorney(&app, "НТ-TEST-0001", (BOLAT, ERLAN), (-30, 300)).await;
    power_of_attorney(&app, "НТ-TEST-0002", (ASEL, ERLAN), (-400, -1)).await;
    let filed = submitted(
        &app,
        &dana,
        DANA,
        json!({ "rka": FAMILY_HOUSE, "ownerIin": BOLAT }),
    )
    .await;
    assert_eq!(filed["consents"].as_array().unwrap().len(), 3, "{filed}");
    let erlan = signed_in(&app, ERLAN).await;
    let mine = app
        .graphql(
            "{ myConsents(status: PENDING) { totalCount edges { node { id } } } }",
            json!({}),
            Some(&erlan),
        )
        .await;
    // Bolat's only, and the demo power of attorney (also from Bolat) changes nothing.
    assert_eq!(mine["data"]["myConsents"]["totalCount"], 1, "{mine}");
    let bolats = mine["data"]["myConsents"]["edges"][0]["node"]["id"].clone();
    let (request, given) = consent_with(&app, &erlan, &bolats, &sign_certificate(ERLAN)).await;
    let signed: Value = serde_json::from_slice(&payload_of(&request)).unwrap();
    assert_eq!(signed["signer"]["authority"], "POWER_OF_ATTORNEY");
    assert_eq!(
        given["consent"]["authority"], "POWER_OF_ATTORNEY",
        "{given}"
    );
    // The newest valid one from Bolat (the demo data's, from June 2026, is older).
    let number = "НТ-TEST-0001";
    assert_eq!(
        given["consent"]["powerOfAttorney"],
        json!({ "number": number, "issuedOn": (now().date() - time::Duration::days(30)).to_string() }),
        "{given}"
    );
    assert_eq!(signed["signer"]["powerOfAttorney"]["number"], number);
    assert!(
        request["text"].as_str().unwrap().contains(number),
        "{request}"
    );
}
