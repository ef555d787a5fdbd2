//! Appeals end to end (issue 16, first part): drafted and signed (EDS or SMS code), received
//! with a receipt and deadlines counted on the working-day calendar (after working hours, on a
//! worked Saturday, into a year whose data is provisional), set for correction and corrected
//! in time or returned by the maintenance task exactly once, withdrawn, and read by their
//! applicant only.

use crate::appeal_kit::{
    AIGERIM, BODY, DANA, MINISTRY, complete, deadlines_of, end_of, instant, sign_at, token_of,
};
use crate::helpers::*;
use api::core::calendar::{Calendar, WorkingHours};
use api::core::{Clock, ManualClock};
use serde_json::{Value, json};
use std::sync::Arc;
use time::macros::datetime;

/// Aigerim's phone, which the mobile database confirms.
const AIGERIM_PHONE: &str = "+77017234518";

const APPEAL: &str = "id number status version kind fullName iin bin postalAddress essence appealDate missingRequirements body { bin name parent { bin } } receipt { number receivedAt receiverName receiverPosition } deadlines { kind startedAt dueAt metAt provisional calendarVersion countedDays } history { from to actorRole reason at }";

fn prepare_query() -> String {
    format!(
        "mutation($input: PrepareAppealSigningInput!) {{ prepareAppealSigning(input: $input) {{ appeal {{ {APPEAL} }} signingRequest {{ id payload allowedMethods text subject {{ id }} }} userErrors {{ code field }} clientMutationId }} }}"
    )
}

fn file_query() -> String {
    format!(
        "mutation($input: FileAppealInput!) {{ fileAppeal(input: $input) {{ appeal {{ {APPEAL} }} userErrors {{ code field }} clientMutationId }} }}"
    )
}

async fn prepare(app: &TestApp, token: &str, appeal: Value) -> Value {
    let answer = app
        .graphql(
            &prepare_query(),
            json!({ "input": { "appeal": appeal, "clientMutationId": "p1" } }),
            Some(token),
        )
        .await;
    answer["data"]["prepareAppealSigning"].clone()
}

async fn file_cms(app: &TestApp, token: &str, request: &Value, cms: String) -> Value {
    let answer = app
        .graphql(
            &file_query(),
            json!({ "input": { "signingRequestId": request["id"], "signature": { "cms": cms }, "clientMutationId": "f1" } }),
            Some(token),
        )
        .await;
    answer["data"]["fileAppeal"].clone()
}

/// Prepares and files with Aigerim's EDS; returns the filed appeal, received or set for
/// correction (so not the kit's `appeal_received`).
async fn filed(app: &TestApp, token: &str, appeal: Value) -> Value {
    let prepared = prepare(app, token, appeal).await;
    assert_eq!(prepared["userErrors"], json!([]), "{prepared}");
    let request = &prepared["signingRequest"];
    let filed = file_cms(
        app,
        token,
        request,
        sign(&sign_at(AIGERIM), &payload_of(request)),
    )
    .await;
    assert_eq!(filed["userErrors"], json!([]), "{filed}");
    filed["appeal"].clone()
}

/// The appeal's first deadline of `kind`, as listed.
fn deadline<'a>(appeal: &'a Value, kind: &str) -> &'a Value {
    deadlines_of(appeal, kind)
        .first()
        .copied()
        .unwrap_or_else(|| panic!("no {kind} deadline: {appeal}"))
}

#[actix_web::test]
async fn an_appeal_is_filed_with_eds_and_received_with_its_receipt_and_deadlines() {
    for backend in BACKENDS {
        let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 05:00 UTC)));
        let app = spawn_app_with_clock(backend, &[], clock.clone()).await;
        let token = token_of(&app, AIGERIM).await;

        // Who hears a complaint against whom.
        let bodies = app
            .graphql(
                "{ administrativeBodies { bin name parent { bin name } } }",
                json!({}),
                Some(&token),
            )
            .await;
        let bodies = bodies["data"]["administrativeBodies"]
            .as_array()
            .unwrap_or_else(|| panic!("{backend:?}: {bodies}"))
            .clone();
        let body = bodies
            .iter()
            .find(|b| b["bin"] == BODY)
            .expect("the demo body");
        assert_eq!(body["parent"]["bin"], MINISTRY, "{backend:?}");
        let ministry = bodies
            .iter()
            .find(|b| b["bin"] == MINISTRY)
            .expect("the ministry");
        assert_eq!(ministry["parent"], Value::Null);

        // Malformed input is refused; an unknown body too.
        let bad = prepare(
            &app,
            &token,
            json!({ "kind": "PERSON", "bodyBin": BODY, "essence": "x", "date": "2026-12-02" }),
        )
        .await;
        assert_eq!(
            codes(&bad),
            ["BAD_USER_INPUT"],
            "{backend:?}: a date in the future: {bad}"
        );
        assert_eq!(
            bad["userErrors"][0]["field"],
            json!(["input", "appeal", "date"])
        );
        let mut unknown = complete("2026-12-01");
        unknown["bodyBin"] = json!("821214240092");
        let unknown = prepare(&app, &token, unknown).await;
        assert_eq!(codes(&unknown), ["BAD_USER_INPUT"], "{unknown}");
        let mut unknown = complete("2026-12-01");
        unknown["bodyBin"] = json!("940140000018");
        let unknown = prepare(&app, &token, unknown).await;
        assert_eq!(
            codes(&unknown),
            ["UNKNOWN_ADMINISTRATIVE_BODY"],
            "{unknown}"
        );

        let prepared = prepare(&app, &token, complete("2026-12-01")).await;
        assert_eq!(prepared["userErrors"], json!([]), "{backend:?}: {prepared}");
        assert_eq!(prepared["clientMutationId"], "p1");
        let draft = &prepared["appeal"];
        assert_eq!(draft["status"], "DRAFT");
        assert_eq!(draft["missingRequirements"], json!([]));
        let request = &prepared["signingRequest"];
        assert_eq!(request["allowedMethods"], json!(["EDS", "OTP"]));
        assert_eq!(request["subject"]["id"], draft["id"]);
        let payload: Value = serde_json::from_slice(&payload_of(request)).unwrap();
        assert_eq!(payload["type"], "registration-kz/appeal");
        assert_eq!(payload["bodyBin"], BODY);
        assert!(
            request["text"]
                .as_str()
                .unwrap()
                .contains("Административное обращение")
        );

        // A bad signature (another person's key) leaves the draft, with a user error.
        let refused = file_cms(
            &app,
            &token,
            request,
            sign(&sign_at(DANA), &payload_of(request)),
        )
        .await;
        assert_eq!(
            codes(&refused),
            ["SIGNER_MISMATCH"],
            "{backend:?}: {refused}"
        );
        assert_eq!(refused["appeal"]["status"], "DRAFT", "{refused}");
        assert_eq!(refused["appeal"]["receipt"], Value::Null);

        // Signed: received, with its receipt and its deadlines.
        let received = file_cms(
            &app,
            &token,
            request,
            sign(&sign_at(AIGERIM), &payload_of(request)),
        )
        .await;
        assert_eq!(received["userErrors"], json!([]), "{backend:?}: {received}");
        assert_eq!(received["clientMutationId"], "f1");
        let appeal = &received["appeal"];
        assert_eq!(appeal["status"], "RECEIVED");
        let receipt = &appeal["receipt"];
        let number = receipt["number"].as_str().expect("a receipt number");
        assert_eq!(number.len(), 12, "{number}");
        assert_eq!(instant(&receipt["receivedAt"]), clock.now());
        assert_eq!(receipt["receiverName"], "Оператор сервиса");
        assert_eq!(receipt["receiverPosition"], "дежурный оператор портала");
        let calendar = Calendar::bundled().unwrap();
        for (kind, days) in [("DECISION", 15), ("REFERRAL", 3)] {
            let stored = deadline(appeal, kind);
            let term = calendar.term_from_receipt(clock.now(), WorkingHours::default(), days);
            assert_eq!(
                instant(&stored["dueAt"]),
                end_of(&calendar, *term.value()),
                "{kind}"
            );
            assert_eq!(
                stored["countedDays"].as_array().unwrap().len(),
                days as usize
            );
            assert_eq!(stored["metAt"], Value::Null);
            assert_eq!(stored["provisional"], term.is_provisional());
            let versions: Vec<String> = term.versions().iter().map(ToString::to_string).collect();
            assert_eq!(stored["calendarVersion"], versions.join(","), "{kind}");
        }
        assert_eq!(
            appeal["history"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| (h["to"].clone(), h["actorRole"].clone()))
                .collect::<Vec<_>>(),
            [
                (json!("DRAFT"), json!("APPLICANT")),
                (json!("RECEIVED"), json!("APPLICANT"))
            ]
        );
        // Signed once.
        let again = file_cms(
            &app,
            &token,
            request,
            sign(&sign_at(AIGERIM), &payload_of(request)),
        )
        .await;
        assert_eq!(codes(&again), ["SIGNING_REQUEST_USED"], "{again}");

        // Only the applicant reads it.
        let dana = token_of(&app, DANA).await;
        let theirs = app
            .graphql(
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": appeal["id"] }),
                Some(&dana),
            )
            .await;
        assert_eq!(theirs["data"]["node"], Value::Null, "{theirs}");
        let listed = app
            .graphql(
                "{ myAppeals { totalCount edges { node { id } } } }",
                json!({}),
                Some(&dana),
            )
            .await;
        assert_eq!(listed["data"]["myAppeals"]["totalCount"], 0, "{listed}");
        let withdraw = "mutation($input: WithdrawAppealInput!) { withdrawAppeal(input: $input) { appeal { status history { to reason } } userErrors { code } } }";
        let not_theirs = app
            .graphql(
                withdraw,
                json!({ "input": { "appealId": appeal["id"], "version": appeal["version"] } }),
                Some(&dana),
            )
            .await;
        assert_eq!(codes(&not_theirs["data"]["withdrawAppeal"]), ["NOT_FOUND"]);
        let mine = app
            .graphql("{ myAppeals(first: 1) { totalCount edges { node { id status } } pageInfo { hasNextPage } } }", json!({}), Some(&token))
            .await;
        let mine = &mine["data"]["myAppeals"];
        assert_eq!(mine["totalCount"], 1, "{mine}");
        assert_eq!(mine["edges"][0]["node"]["id"], appeal["id"]);
        assert_eq!(mine["pageInfo"]["hasNextPage"], false);

        // Withdrawn before a decision, once.
        let withdrawn = app
            .graphql(withdraw, json!({ "input": { "appealId": appeal["id"], "version": appeal["version"], "reason": "решено" } }), Some(&token))
            .await;
        let withdrawn = &withdrawn["data"]["withdrawAppeal"];
        assert_eq!(withdrawn["userErrors"], json!([]), "{withdrawn}");
        assert_eq!(withdrawn["appeal"]["status"], "WITHDRAWN");
        assert_eq!(withdrawn["appeal"]["history"][2]["reason"], "решено");
        let twice = app
            .graphql(withdraw, json!({ "input": { "appealId": appeal["id"], "version": appeal["version"].as_i64().unwrap() + 1 } }), Some(&token))
            .await;
        assert_eq!(
            codes(&twice["data"]["withdrawAppeal"]),
            ["APPEAL_NOT_EDITABLE"]
        );
    }
}

#[actix_web::test]
async fn an_appeal_is_filed_with_an_sms_code() {
    let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 05:00 UTC)));
    let app = spawn_app_with_clock(Backend::Sqlite, &[], clock).await;
    let token = token_of(&app, AIGERIM).await;
    let prepared = prepare(&app, &token, complete("2026-12-01")).await;
    let request = &prepared["signingRequest"];
    let sent = app
        .graphql(
            "mutation($input: RequestOtpInput!) { requestOtp(input: $input) { otpChallenge { purpose } userErrors { code } } }",
            json!({ "input": { "purpose": "SIGN", "signingRequestId": request["id"] } }),
            Some(&token),
        )
        .await;
    assert_eq!(
        sent["data"]["requestOtp"]["userErrors"],
        json!([]),
        "{sent}"
    );
    let (text, code) = sms_number(&app, AIGERIM_PHONE, 0).await;
    let code = code.expect("the code");
    // The SMS names what is signed: the appeal and its number, not a sign-in.
    let number = prepared["appeal"]["number"].as_str().expect("a number");
    assert!(
        text.contains(&format!("Код подписи обращения {number}")),
        "{text}"
    );
    let answer = app
        .graphql(
            &file_query(),
            json!({ "input": { "signingRequestId": request["id"], "signature": { "otp": code } } }),
            Some(&token),
        )
        .await;
    let filed = &answer["data"]["fileAppeal"];
    assert_eq!(filed["userErrors"], json!([]), "{answer}");
    assert_eq!(filed["appeal"]["status"], "RECEIVED");
    assert!(filed["appeal"]["receipt"]["number"].is_string());
}

#[actix_web::test]
async fn one_filed_after_hours_on_3_may_2024_counts_from_the_worked_saturday() {
    // 19:00 in Almaty (UTC+5 since March 2024), a Friday: after the office closed.
    let clock = Arc::new(ManualClock::new(datetime!(2024-05-03 14:00 UTC)));
    let app = spawn_app_with_clock(Backend::Sqlite, &[], clock.clone()).await;
    let token = token_of(&app, AIGERIM).await;
    let appeal = filed(&app, &token, complete("2024-05-03")).await;
    assert_eq!(appeal["status"], "RECEIVED", "{appeal}");
    let decision = deadline(&appeal, "DECISION");
    let counted: Vec<&str> = decision["countedDays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    // Received on Saturday 4 May (worked by the transfer order); 7, 8 and 9 May are days off.
    assert_eq!(counted.first(), Some(&"2024-05-06"), "{decision}");
    assert!(!counted.contains(&"2024-05-07") && !counted.contains(&"2024-05-08"));
    assert_eq!(counted.last(), Some(&"2024-05-29"));
    // DOMAIN: a term ends at 24:00 local time on its last working day.
    assert_eq!(instant(&decision["dueAt"]), datetime!(2024-05-29 19:00 UTC));
    let calendar = Calendar::bundled().unwrap();
    let term = calendar.term_from_receipt(clock.now(), WorkingHours::default(), 15);
    assert_eq!(*term.value(), time::macros::date!(2024 - 05 - 29));
    assert_eq!(decision["provisional"], false);
    assert_eq!(
        decision["calendarVersion"],
        calendar.version(2024).to_string()
    );
    let referral = deadline(&appeal, "REFERRAL");
    assert_eq!(
        instant(&referral["dueAt"]),
        datetime!(2024-05-13 19:00 UTC),
        "{referral}"
    );
}

#[actix_web::test]
async fn one_filed_on_30_december_2025_is_provisional_into_2026() {
    let clock = Arc::new(ManualClock::new(datetime!(2025-12-30 05:00 UTC)));
    let app = spawn_app_with_clock(Backend::Sqlite, &[], clock.clone()).await;
    let token = token_of(&app, AIGERIM).await;
    let appeal = filed(&app, &token, complete("2025-12-30")).await;
    let decision = deadline(&appeal, "DECISION");
    assert_eq!(decision["provisional"], true, "{decision}");
    let version = decision["calendarVersion"].as_str().unwrap();
    assert!(
        version.contains("2025") && version.contains("2026"),
        "{version}"
    );
    let calendar = Calendar::bundled().unwrap();
    let term = calendar.term_from_receipt(clock.now(), WorkingHours::default(), 15);
    assert_eq!(
        instant(&decision["dueAt"]),
        end_of(&calendar, *term.value())
    );
    assert!(term.value().year() == 2026);
}

const CORRECT: &str = "mutation($input: CorrectAppealInput!) { correctAppeal(input: $input) { appeal { status version missingRequirements deadlines { kind startedAt dueAt metAt } history { from to reason } } userErrors { code field } } }";

#[actix_web::test]
async fn an_appeal_missing_a_requirement_is_corrected_in_time_and_received() {
    for backend in BACKENDS {
        let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 05:00 UTC)));
        let app = spawn_app_with_clock(backend, &[], clock.clone()).await;
        let token = token_of(&app, AIGERIM).await;
        let mut incomplete = complete("2026-12-01");
        incomplete["postalAddress"] = Value::Null;
        let appeal = filed(&app, &token, incomplete).await;
        // Received all the same, set for correction with what is missing and a deadline.
        assert_eq!(
            appeal["status"], "NEEDS_CORRECTION",
            "{backend:?}: {appeal}"
        );
        assert!(appeal["receipt"]["number"].is_string());
        assert_eq!(appeal["missingRequirements"], json!(["POSTAL_ADDRESS"]));
        let correction = deadline(&appeal, "CORRECTION");
        let calendar = Calendar::bundled().unwrap();
        let term = calendar.term_from_receipt(clock.now(), WorkingHours::default(), 5);
        assert_eq!(
            instant(&correction["dueAt"]),
            end_of(&calendar, *term.value())
        );
        assert!(
            appeal["deadlines"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["kind"] != "DECISION")
        );

        // Two days later it is corrected: received, its decision's term counted from now.
        clock.advance(time::Duration::days(2));
        // A session lasts less than that: sign in again.
        let token = token_of(&app, AIGERIM).await;
        let answer = app
            .graphql(CORRECT, json!({ "input": { "appealId": appeal["id"], "version": appeal["version"], "appeal": complete("2026-12-01") } }), Some(&token))
            .await;
        let corrected = &answer["data"]["correctAppeal"];
        assert_eq!(corrected["userErrors"], json!([]), "{backend:?}: {answer}");
        let corrected = &corrected["appeal"];
        assert_eq!(corrected["status"], "RECEIVED");
        assert_eq!(corrected["missingRequirements"], json!([]));
        assert!(deadline(corrected, "CORRECTION")["metAt"].is_string());
        let decision = deadline(corrected, "DECISION");
        assert_eq!(instant(&decision["startedAt"]), clock.now());
        let term = calendar.term_from_receipt(clock.now(), WorkingHours::default(), 15);
        assert_eq!(
            instant(&decision["dueAt"]),
            end_of(&calendar, *term.value())
        );
        assert_eq!(corrected["history"][2]["from"], "NEEDS_CORRECTION");
        assert_eq!(corrected["history"][2]["to"], "RECEIVED");
    }
}

#[actix_web::test]
async fn an_appeal_not_corrected_in_time_is_returned_exactly_once() {
    for backend in BACKENDS {
        let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 05:00 UTC)));
        let app =
            spawn_app_with_clock(backend, &[("BACKGROUND_TASKS", "false")], clock.clone()).await;
        let token = token_of(&app, AIGERIM).await;
        let mut incomplete = complete("2026-12-01");
        incomplete["iin"] = Value::Null;
        let appeal = filed(&app, &token, incomplete).await;
        assert_eq!(
            appeal["status"], "NEEDS_CORRECTION",
            "{backend:?}: {appeal}"
        );
        let due = instant(&deadline(&appeal, "CORRECTION")["dueAt"]);

        // Before the deadline nothing happens.
        let early = instance(&app, clock.clone()).await;
        let run = api::core::service::maintenance::run_once(&early, clock.now())
            .await
            .unwrap();
        assert_eq!(run.appeals_returned, 0);

        // From the deadline's instant it is too late to correct, returned or not yet.
        clock.set(due);
        let token = token_of(&app, AIGERIM).await;
        let late = app
            .graphql(CORRECT, json!({ "input": { "appealId": appeal["id"], "version": appeal["version"], "appeal": complete("2026-12-01") } }), Some(&token))
            .await;
        assert_eq!(
            codes(&late["data"]["correctAppeal"]),
            ["CORRECTION_DEADLINE_PASSED"],
            "{late}"
        );

        // At the deadline, two instances at once: returned once.
        let (a, b) = (
            instance(&app, clock.clone()).await,
            instance(&app, clock.clone()).await,
        );
        let (first, second) = futures_join(
            api::core::service::maintenance::run_once(&a, due),
            api::core::service::maintenance::run_once(&b, due),
        )
        .await;
        let returned = first.unwrap().appeals_returned + second.unwrap().appeals_returned;
        assert_eq!(returned, 1, "{backend:?}");
        let again = api::core::service::maintenance::run_once(&a, due)
            .await
            .unwrap();
        assert_eq!(again.appeals_returned, 0);

        let read = app
            .graphql(
                &format!("query($id: ID!) {{ node(id: $id) {{ ... on Appeal {{ {APPEAL} }} }} }}"),
                json!({ "id": appeal["id"] }),
                Some(&token),
            )
            .await;
        let returned = &read["data"]["node"];
        assert_eq!(returned["status"], "RETURNED", "{read}");
        let history = returned["history"].as_array().unwrap();
        assert_eq!(history.len(), 3, "{returned}");
        assert_eq!(history[2]["actorRole"], "SYSTEM");
        assert!(history[2]["reason"].as_str().unwrap().contains("IIN"));

        // Returned: no longer corrected.
        let late = app
            .graphql(CORRECT, json!({ "input": { "appealId": appeal["id"], "version": returned["version"], "appeal": complete("2026-12-01") } }), Some(&token))
            .await;
        assert_eq!(
            codes(&late["data"]["correctAppeal"]),
            ["APPEAL_NOT_EDITABLE"],
            "{late}"
        );
    }
}
