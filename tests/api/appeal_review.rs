//! Appeals on the bodies' side end to end (issue 16, second part): the officers' list of what
//! their body considers, the referral to the authorised body (in time or late), the officer's
//! signed decision, the head's signed extension of the term (capped at 2 calendar months beyond
//! the first term, with its notice), and the deemed refusal at the end of the term, applied
//! exactly once however many instances run the maintenance step.

use crate::appeal_kit::{
    AIGERIM, BODY, BOLAT, ERLAN, MINISTRY, appeal_received, body_sign_at, complete, deadlines_of,
    end_of, instant, list_officer, officer_token, sign_at, term_end, token_of,
};
use crate::helpers::*;
use api::core::calendar::{Calendar, WorkingHours};
use api::core::service::appeals::deadlines::add_months;
use api::core::service::appeals::expiry::deem_refused_overdue;
use api::core::{Clock, ManualClock};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use signatures::testing::nca::{ROLE_CEO, ROLE_EMPLOYEE};
use std::sync::Arc;
use time::macros::{date, datetime};
use time::{Date, Duration, OffsetDateTime};

/// A well-formed BIN of no administrative body.
const NO_BODY: &str = "940140000018";

const APPEAL: &str = "id number status version handlingBody { bin } referredAt outcome decisionReason decidedAt termEndedAt deemedRefusedAt extension { reason decidedAt } extensionLimit receipt { receivedAt } deadlines { kind startedAt dueAt metAt supersededAt late countedDays } history { from to actorRole reason at }";

/// Aigerim's appeal to the body, dated the clock's day in Almaty, prepared and filed with her
/// EDS: the appeal as received.
async fn filed(app: &TestApp, token: &str, calendar: &Calendar, now: OffsetDateTime) -> Value {
    let date = calendar.almaty().at(now).date().to_string();
    appeal_received(app, token, complete(&date), APPEAL).await
}

/// An appeal as `token` reads it.
async fn read(app: &TestApp, token: &str, appeal: &Value) -> Value {
    let query = format!("query($id: ID!) {{ node(id: $id) {{ ... on Appeal {{ {APPEAL} }} }} }}");
    let answer = app
        .graphql(&query, json!({ "id": appeal["id"] }), Some(token))
        .await;
    assert!(answer["data"]["node"]["id"].is_string(), "{answer}");
    answer["data"]["node"].clone()
}

/// `appealsForReview` as `token` reads it.
async fn review_list(app: &TestApp, token: &str, arguments: Value) -> Value {
    let answer = app
        .graphql(
            "query($filter: AppealReviewFilter, $first: Int, $after: String) { appealsForReview(filter: $filter, first: $first, after: $after) { totalCount edges { cursor node { id status handlingBody { bin } } } pageInfo { hasNextPage endCursor } } }",
            arguments,
            Some(token),
        )
        .await;
    let list = answer["data"]["appealsForReview"].clone();
    assert!(list["totalCount"].is_number(), "{answer}");
    list
}

/// The appeals' IDs on a page of `appealsForReview`, in order.
fn ids(list: &Value) -> Vec<Value> {
    list["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["id"].clone())
        .collect()
}

async fn refer_with(
    app: &TestApp,
    token: &str,
    appeal: &Value,
    version: &Value,
    bin: &str,
    reason: &str,
) -> Value {
    let query = format!(
        "mutation($input: ReferAppealInput!) {{ referAppeal(input: $input) {{ appeal {{ {APPEAL} }} userErrors {{ code field }} clientMutationId }} }}"
    );
    let answer = app
        .graphql(
            &query,
            json!({ "input": { "appealId": appeal["id"], "version": version, "bodyBin": bin, "reason": reason, "clientMutationId": "r1" } }),
            Some(token),
        )
        .await;
    assert!(answer["data"]["referAppeal"].is_object(), "{answer}");
    answer["data"]["referAppeal"].clone()
}

/// Refers `appeal` (at its version) to `bin`.
async fn refer(app: &TestApp, token: &str, appeal: &Value, bin: &str) -> Value {
    refer_with(
        app,
        token,
        appeal,
        &appeal["version"],
        bin,
        "вопрос относится к компетенции министерства",
    )
    .await
}

const PREPARE_ACT_FIELDS: &str = "appeal { id version } signingRequest { id payload text allowedMethods keyRequirements { iin bin roleOids } } userErrors { code field detail } clientMutationId";

async fn prepare_decision(
    app: &TestApp,
    token: &str,
    appeal: &Value,
    outcome: &str,
    reason: Option<&str>,
) -> Value {
    let query = format!(
        "mutation($input: PrepareAppealDecisionSigningInput!) {{ prepareAppealDecisionSigning(input: $input) {{ {PREPARE_ACT_FIELDS} }} }}"
    );
    let answer = app
        .graphql(
            &query,
            json!({ "input": { "appealId": appeal["id"], "version": appeal["version"], "outcome": outcome, "reason": reason, "clientMutationId": "d1" } }),
            Some(token),
        )
        .await;
    assert!(
        answer["data"]["prepareAppealDecisionSigning"].is_object(),
        "{answer}"
    );
    answer["data"]["prepareAppealDecisionSigning"].clone()
}

async fn prepare_extension(
    app: &TestApp,
    token: &str,
    appeal: &Value,
    until: &str,
    reason: &str,
    decided_at: Option<OffsetDateTime>,
) -> Value {
    let query = format!(
        "mutation($input: PrepareAppealExtensionSigningInput!) {{ prepareAppealExtensionSigning(input: $input) {{ {PREPARE_ACT_FIELDS} }} }}"
    );
    let answer = app
        .graphql(
            &query,
            json!({ "input": { "appealId": appeal["id"], "version": appeal["version"], "until": until, "reason": reason, "decidedAt": decided_at.map(rfc3339) } }),
            Some(token),
        )
        .await;
    assert!(
        answer["data"]["prepareAppealExtensionSigning"].is_object(),
        "{answer}"
    );
    answer["data"]["prepareAppealExtensionSigning"].clone()
}

/// Signs a prepared act (`decideAppeal` or `extendAppeal`) with `signature` (`{ cms }` or
/// `{ otp }`).
async fn sign_act(
    app: &TestApp,
    token: &str,
    mutation: &str,
    request: &Value,
    signature: Value,
) -> Value {
    let query = format!(
        "mutation($input: SignAppealActInput!) {{ {mutation}(input: $input) {{ appeal {{ {APPEAL} }} userErrors {{ code field }} clientMutationId }} }}"
    );
    let answer = app
        .graphql(
            &query,
            json!({ "input": { "signingRequestId": request["id"], "signature": signature, "clientMutationId": "s1" } }),
            Some(token),
        )
        .await;
    assert!(answer["data"][mutation].is_object(), "{answer}");
    answer["data"][mutation].clone()
}

/// The CMS of `certificate`'s key over a signing request's payload.
fn cms_of(certificate: &signatures::testing::Certificate, request: &Value) -> Value {
    json!({ "cms": sign(certificate, &payload_of(request)) })
}

/// The notifications `token` reads (in English), newest first, after running the relay.
async fn notifications(app: &TestApp, token: &str) -> Vec<Value> {
    sequence_events(app).await;
    let answer = app
        .graphql_with(
            "{ myNotifications(first: 100) { edges { node { subject appealId appealNumber applicationId text fromStatus toStatus actorRole } } } }",
            json!({}),
            Some(token),
            &[("Accept-Language", "en")],
        )
        .await;
    answer["data"]["myNotifications"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"))
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

/// The notification of `appeal`'s change to `to`.
fn notification<'a>(notes: &'a [Value], appeal: &Value, to: &str) -> Option<&'a Value> {
    notes
        .iter()
        .find(|n| n["appealId"] == appeal["id"] && n["toStatus"] == to)
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .expect("formatted")
}

/// The appeal's one deadline of `kind` that stands (not superseded).
fn standing<'a>(appeal: &'a Value, kind: &str) -> &'a Value {
    let standing: Vec<&Value> = deadlines_of(appeal, kind)
        .into_iter()
        .filter(|d| d["supersededAt"].is_null())
        .collect();
    assert_eq!(standing.len(), 1, "one standing {kind} deadline: {appeal}");
    standing[0]
}

/// The last history entry.
fn last_change(appeal: &Value) -> &Value {
    appeal["history"]
        .as_array()
        .and_then(|h| h.last())
        .unwrap_or_else(|| panic!("a history: {appeal}"))
}

/// When a decision term counted from `at` ends.
fn decision_due(calendar: &Calendar, at: OffsetDateTime) -> OffsetDateTime {
    term_end(calendar, at, 15)
}

/// The last working day on or before `day`.
fn working_day_on_or_before(calendar: &Calendar, mut day: Date) -> Date {
    while !calendar.is_working_day(day).working {
        day = day.previous_day().expect("a previous day");
    }
    day
}

/// `n` working days before `at`, at the same time of day (Almaty).
fn working_days_before(calendar: &Calendar, at: OffsetDateTime, n: u32) -> OffsetDateTime {
    let almaty = calendar.almaty();
    let today = almaty.at(at).date();
    let time_of_day = at - almaty.start_of_day(today);
    let mut day = today;
    let mut counted = 0;
    while counted < n {
        day = day.previous_day().expect("a previous day");
        if calendar.is_working_day(day).working {
            counted += 1;
        }
    }
    almaty.start_of_day(day) + time_of_day
}

#[actix_web::test]
async fn officers_list_their_bodys_appeals_and_refer_them_in_time_or_late() {
    for backend in BACKENDS {
        let calendar = Calendar::bundled().unwrap();
        // Tuesday 1 December 2026, 10:00 in Almaty.
        let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 05:00 UTC)));
        let app =
            spawn_app_with_clock(backend, &[("BACKGROUND_TASKS", "false")], clock.clone()).await;
        let aigerim = token_of(&app, AIGERIM).await;
        let first = filed(&app, &aigerim, &calendar, clock.now()).await;
        clock.advance(Duration::minutes(5));
        let second = filed(&app, &aigerim, &calendar, clock.now()).await;
        list_officer(&app, ERLAN, BODY, clock.now()).await;
        list_officer(&app, BOLAT, MINISTRY, clock.now()).await;
        let erlan = officer_token(&app, ERLAN, BODY, ROLE_EMPLOYEE).await;
        let bolat = officer_token(&app, BOLAT, MINISTRY, ROLE_EMPLOYEE).await;

        // The body's officer lists both, oldest first; the ministry's none; a citizen none.
        let listed = review_list(&app, &erlan, json!({})).await;
        assert_eq!(listed["totalCount"], 2, "{backend:?}: {listed}");
        assert_eq!(
            ids(&listed),
            [first["id"].clone(), second["id"].clone()],
            "{listed}"
        );
        let page = review_list(&app, &erlan, json!({ "first": 1 })).await;
        assert_eq!(ids(&page), [first["id"].clone()], "{page}");
        assert_eq!(page["totalCount"], 2);
        assert_eq!(page["pageInfo"]["hasNextPage"], true);
        let next = review_list(
            &app,
            &erlan,
            json!({ "first": 1, "after": page["pageInfo"]["endCursor"] }),
        )
        .await;
        assert_eq!(ids(&next), [second["id"].clone()], "{next}");
        assert_eq!(next["pageInfo"]["hasNextPage"], false);
        let decided_only = review_list(
            &app,
            &erlan,
            json!({ "filter": { "statuses": ["DECIDED"] } }),
        )
        .await;
        assert_eq!(decided_only["totalCount"], 0, "{decided_only}");
        let ministry = review_list(&app, &bolat, json!({})).await;
        assert_eq!(ministry["totalCount"], 0, "{ministry}");
        assert_eq!(ministry["edges"], json!([]));
        let citizen = review_list(&app, &aigerim, json!({})).await;
        assert_eq!(citizen["totalCount"], 0, "{citizen}");

        // Refused referrals change nothing.
        let same = refer(&app, &erlan, &second, BODY).await;
        assert_eq!(codes(&same), ["ALREADY_WITH_BODY"], "{backend:?}: {same}");
        assert_eq!(same["userErrors"][0]["field"], json!(["input", "bodyBin"]));
        let unknown = refer(&app, &erlan, &second, NO_BODY).await;
        assert_eq!(
            codes(&unknown),
            ["UNKNOWN_ADMINISTRATIVE_BODY"],
            "{unknown}"
        );
        let stale = refer_with(
            &app,
            &erlan,
            &second,
            &json!(second["version"].as_i64().unwrap() + 1),
            MINISTRY,
            "компетенция министерства",
        )
        .await;
        assert_eq!(codes(&stale), ["CONFLICT"], "{stale}");
        let no_reason = refer_with(&app, &erlan, &second, &second["version"], MINISTRY, " ").await;
        assert_eq!(codes(&no_reason), ["REASON_REQUIRED"], "{no_reason}");
        // The applicant is no officer of the body: it is not hers to refer.
        let by_citizen = refer(&app, &aigerim, &second, MINISTRY).await;
        assert_eq!(codes(&by_citizen), ["NOT_FOUND"], "{by_citizen}");
        // Nor the ministry's, before it is referred there.
        let by_ministry = refer(&app, &bolat, &second, MINISTRY).await;
        assert_eq!(codes(&by_ministry), ["NOT_FOUND"], "{by_ministry}");
        let unchanged = read(&app, &aigerim, &second).await;
        assert_eq!(unchanged["status"], "RECEIVED");
        assert_eq!(unchanged["version"], second["version"]);
        assert_eq!(unchanged["handlingBody"]["bin"], BODY);

        // Referred within 3 working days: the referral term met in time, the decision's
        // term superseded by one counted from now.
        clock.advance(Duration::hours(2));
        let referred = refer(&app, &erlan, &first, MINISTRY).await;
        assert_eq!(referred["userErrors"], json!([]), "{backend:?}: {referred}");
        assert_eq!(referred["clientMutationId"], "r1");
        let referred = &referred["appeal"];
        let now = clock.now();
        assert_eq!(referred["status"], "REFERRED");
        assert_eq!(referred["handlingBody"]["bin"], MINISTRY);
        assert_eq!(instant(&referred["referredAt"]), now);
        assert_eq!(
            referred["version"].as_i64().unwrap(),
            first["version"].as_i64().unwrap() + 1
        );
        let referral = standing(referred, "REFERRAL");
        assert_eq!(instant(&referral["metAt"]), now, "{referral}");
        assert!(instant(&referral["dueAt"]) > now);
        assert_eq!(referral["late"], false, "{referral}");
        let decisions = deadlines_of(referred, "DECISION");
        assert_eq!(decisions.len(), 2, "{referred}");
        let old = decisions
            .iter()
            .find(|d| !d["supersededAt"].is_null())
            .unwrap_or_else(|| panic!("the first term superseded: {referred}"));
        assert_eq!(instant(&old["supersededAt"]), now);
        assert_eq!(old["metAt"], Value::Null);
        assert_eq!(
            instant(&old["dueAt"]),
            instant(&standing(&first, "DECISION")["dueAt"]),
            "kept as it was"
        );
        let new = standing(referred, "DECISION");
        assert_eq!(instant(&new["startedAt"]), now);
        assert_eq!(instant(&new["dueAt"]), decision_due(&calendar, now));
        assert_eq!(new["countedDays"].as_array().unwrap().len(), 15);
        assert_eq!(new["metAt"], Value::Null);
        let change = last_change(referred);
        assert_eq!(change["from"], "RECEIVED");
        assert_eq!(change["to"], "REFERRED");
        assert_eq!(change["actorRole"], "OFFICER");
        let why = change["reason"].as_str().unwrap();
        assert!(
            why.contains(MINISTRY) && why.contains("компетенции министерства"),
            "{why}"
        );

        // Now the ministry's to consider, no longer the body's.
        let ministry = review_list(&app, &bolat, json!({})).await;
        assert_eq!(ministry["totalCount"], 1, "{backend:?}: {ministry}");
        assert_eq!(ids(&ministry), [first["id"].clone()]);
        assert_eq!(ministry["edges"][0]["node"]["status"], "REFERRED");
        let body = review_list(&app, &erlan, json!({})).await;
        assert_eq!(body["totalCount"], 1, "{body}");
        assert_eq!(ids(&body), [second["id"].clone()]);
        // The body still reads it but acts on it no more.
        let again = refer(&app, &erlan, referred, BODY).await;
        assert_eq!(codes(&again), ["NOT_ALLOWED"], "{again}");

        // The applicant is notified at once, and so is the ministry.
        let notes = notifications(&app, &aigerim).await;
        let note = notification(&notes, &first, "REFERRED")
            .unwrap_or_else(|| panic!("{backend:?}: the referral notified: {notes:?}"));
        assert_eq!(note["subject"], "APPEAL");
        assert_eq!(note["appealNumber"], first["number"]);
        assert_eq!(note["applicationId"], Value::Null);
        assert_eq!(note["fromStatus"], "RECEIVED");
        assert_eq!(note["actorRole"], "OFFICER");
        assert!(
            note["text"]
                .as_str()
                .unwrap()
                .contains(first["number"].as_str().unwrap()),
            "{note}"
        );
        assert!(
            notification(&notes, &second, "REFERRED").is_none(),
            "{notes:?}"
        );
        let theirs = notifications(&app, &bolat).await;
        assert!(
            notification(&theirs, &first, "REFERRED").is_some(),
            "the ministry's officers are notified: {theirs:?}"
        );

        // The other one is referred after its referral term ended: allowed, and late.
        let due = instant(&standing(&second, "REFERRAL")["dueAt"]);
        clock.set(due + Duration::hours(1));
        let erlan = officer_token(&app, ERLAN, BODY, ROLE_EMPLOYEE).await;
        let late = refer(&app, &erlan, &second, MINISTRY).await;
        assert_eq!(late["userErrors"], json!([]), "{backend:?}: {late}");
        let late = &late["appeal"];
        assert_eq!(late["status"], "REFERRED");
        let referral = standing(late, "REFERRAL");
        assert_eq!(instant(&referral["metAt"]), clock.now());
        assert_eq!(instant(&referral["dueAt"]), due);
        assert_eq!(referral["late"], true, "{referral}");
        let new = standing(late, "DECISION");
        assert_eq!(instant(&new["startedAt"]), clock.now());
        assert_eq!(instant(&new["dueAt"]), decision_due(&calendar, clock.now()));
        // The first stays met in time.
        let aigerim = token_of(&app, AIGERIM).await;
        let first = read(&app, &aigerim, &first).await;
        assert_eq!(standing(&first, "REFERRAL")["late"], false, "{first}");
        let bolat = officer_token(&app, BOLAT, MINISTRY, ROLE_EMPLOYEE).await;
        let ministry = review_list(&app, &bolat, json!({})).await;
        assert_eq!(ministry["totalCount"], 2, "{ministry}");
        let body = review_list(&app, &erlan, json!({})).await;
        assert_eq!(body["totalCount"], 0, "{body}");
    }
}

#[actix_web::test]
async fn an_officer_decides_an_appeal_with_the_bodys_key() {
    for backend in BACKENDS {
        let calendar = Calendar::bundled().unwrap();
        let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 05:00 UTC)));
        let app =
            spawn_app_with_clock(backend, &[("BACKGROUND_TASKS", "false")], clock.clone()).await;
        let aigerim = token_of(&app, AIGERIM).await;
        let appeal = filed(&app, &aigerim, &calendar, clock.now()).await;
        let other = filed(&app, &aigerim, &calendar, clock.now()).await;
        list_officer(&app, ERLAN, BODY, clock.now()).await;
        list_officer(&app, BOLAT, BODY, clock.now()).await;
        // Two working days later.
        clock.advance(Duration::days(2));
        let erlan = officer_token(&app, ERLAN, BODY, ROLE_EMPLOYEE).await;
        let aigerim = token_of(&app, AIGERIM).await;

        // A refusal needs its reasons; the version must be current; it is not the applicant's.
        for reason in [None, Some("   ")] {
            let refused = prepare_decision(&app, &erlan, &appeal, "REFUSED", reason).await;
            assert_eq!(
                codes(&refused),
                ["REASON_REQUIRED"],
                "{backend:?}: {refused}"
            );
            assert_eq!(
                refused["userErrors"][0]["field"],
                json!(["input", "reason"])
            );
            assert_eq!(refused["signingRequest"], Value::Null);
        }
        let mut stale = appeal.clone();
        stale["version"] = json!(appeal["version"].as_i64().unwrap() - 1);
        let stale = prepare_decision(&app, &erlan, &stale, "SATISFIED", None).await;
        assert_eq!(codes(&stale), ["CONFLICT"], "{stale}");
        let by_citizen = prepare_decision(&app, &aigerim, &appeal, "SATISFIED", None).await;
        assert_eq!(codes(&by_citizen), ["NOT_FOUND"], "{by_citizen}");

        let prepared = prepare_decision(
            &app,
            &erlan,
            &appeal,
            "SATISFIED",
            Some("Разъяснение дано, заявление рассмотрено."),
        )
        .await;
        assert_eq!(prepared["userErrors"], json!([]), "{backend:?}: {prepared}");
        assert_eq!(prepared["clientMutationId"], "d1");
        let request = &prepared["signingRequest"];
        assert_eq!(request["allowedMethods"], json!(["EDS"]));
        assert_eq!(request["keyRequirements"]["iin"], ERLAN);
        assert_eq!(request["keyRequirements"]["bin"], BODY);
        let roles = request["keyRequirements"]["roleOids"].as_array().unwrap();
        assert!(
            roles.contains(&json!(ROLE_EMPLOYEE)) && roles.contains(&json!(ROLE_CEO)),
            "{request}"
        );
        let payload: Value = serde_json::from_slice(&payload_of(request)).unwrap();
        assert_eq!(payload["type"], "registration-kz/appeal-act");
        assert_eq!(payload["act"], "DECISION");
        assert_eq!(payload["outcome"], "SATISFIED");
        assert_eq!(payload["number"], appeal["number"]);
        assert_eq!(payload["body"], BODY);

        // An SMS code, the applicant's key, the officer's own (personal) key and his key of
        // another body are all refused; the appeal waits.
        let by_code = sign_act(
            &app,
            &erlan,
            "decideAppeal",
            request,
            json!({ "otp": "123456" }),
        )
        .await;
        assert_eq!(codes(&by_code), ["SIGNING_METHOD_NOT_ALLOWED"], "{by_code}");
        for (key, what) in [
            (sign_at(AIGERIM), "the applicant's key"),
            (sign_at(ERLAN), "the officer's personal key"),
            (
                body_sign_at(ERLAN, MINISTRY, ROLE_EMPLOYEE),
                "another body's key",
            ),
            (
                body_sign_at(BOLAT, BODY, ROLE_EMPLOYEE),
                "another officer's key",
            ),
        ] {
            let refused =
                sign_act(&app, &erlan, "decideAppeal", request, cms_of(&key, request)).await;
            assert_eq!(
                codes(&refused),
                ["SIGNER_MISMATCH"],
                "{backend:?}: {what}: {refused}"
            );
        }
        assert_eq!(read(&app, &aigerim, &appeal).await["status"], "RECEIVED");

        // Signed with his key of the body: decided, the decision's term met.
        let decided = sign_act(
            &app,
            &erlan,
            "decideAppeal",
            request,
            cms_of(&body_sign_at(ERLAN, BODY, ROLE_EMPLOYEE), request),
        )
        .await;
        assert_eq!(decided["userErrors"], json!([]), "{backend:?}: {decided}");
        assert_eq!(decided["clientMutationId"], "s1");
        let decided = &decided["appeal"];
        let now = clock.now();
        assert_eq!(decided["status"], "DECIDED");
        assert_eq!(decided["outcome"], "SATISFIED");
        assert_eq!(
            decided["decisionReason"],
            "Разъяснение дано, заявление рассмотрено."
        );
        assert_eq!(instant(&decided["decidedAt"]), now);
        let decision = standing(decided, "DECISION");
        assert_eq!(instant(&decision["metAt"]), now, "{decision}");
        assert_eq!(decision["late"], false);
        let change = last_change(decided);
        assert_eq!(change["from"], "RECEIVED");
        assert_eq!(change["to"], "DECIDED");
        assert_eq!(change["actorRole"], "OFFICER");
        // Signed once; decided once; no longer the applicant's to withdraw.
        let twice = sign_act(
            &app,
            &erlan,
            "decideAppeal",
            request,
            cms_of(&body_sign_at(ERLAN, BODY, ROLE_EMPLOYEE), request),
        )
        .await;
        assert_eq!(codes(&twice), ["SIGNING_REQUEST_USED"], "{twice}");
        let again = prepare_decision(&app, &erlan, decided, "REFUSED", Some("нет")).await;
        assert_eq!(codes(&again), ["APPEAL_NOT_EDITABLE"], "{again}");
        let withdrawn = app
            .graphql(
                "mutation($input: WithdrawAppealInput!) { withdrawAppeal(input: $input) { appeal { status } userErrors { code } } }",
                json!({ "input": { "appealId": decided["id"], "version": decided["version"], "reason": "передумала" } }),
                Some(&aigerim),
            )
            .await;
        assert_eq!(
            codes(&withdrawn["data"]["withdrawAppeal"]),
            ["APPEAL_NOT_EDITABLE"],
            "{backend:?}: {withdrawn}"
        );
        let review = review_list(&app, &erlan, json!({})).await;
        assert_eq!(ids(&review), [other["id"].clone()], "{review}");

        // The head's key decides too: the other one refused, with the reasons.
        let bolat = officer_token(&app, BOLAT, BODY, ROLE_CEO).await;
        let prepared = prepare_decision(
            &app,
            &bolat,
            &other,
            "REFUSED",
            Some("Основания для удовлетворения отсутствуют."),
        )
        .await;
        assert_eq!(prepared["userErrors"], json!([]), "{prepared}");
        let request = &prepared["signingRequest"];
        let refused = sign_act(
            &app,
            &bolat,
            "decideAppeal",
            request,
            cms_of(&body_sign_at(BOLAT, BODY, ROLE_CEO), request),
        )
        .await;
        assert_eq!(refused["userErrors"], json!([]), "{backend:?}: {refused}");
        assert_eq!(refused["appeal"]["status"], "DECIDED");
        assert_eq!(refused["appeal"]["outcome"], "REFUSED");
        assert_eq!(
            refused["appeal"]["decisionReason"],
            "Основания для удовлетворения отсутствуют."
        );

        // The applicant is notified of both decisions.
        let notes = notifications(&app, &aigerim).await;
        for decided in [&appeal, &other] {
            let note = notification(&notes, decided, "DECIDED")
                .unwrap_or_else(|| panic!("{backend:?}: notified: {notes:?}"));
            assert_eq!(note["subject"], "APPEAL");
            assert_eq!(note["appealNumber"], decided["number"]);
            assert_eq!(
                note["text"],
                format!(
                    "Appeal No. {} was decided.",
                    decided["number"].as_str().unwrap()
                )
            );
        }
    }
}

#[actix_web::test]
async fn the_head_extends_the_term_up_to_two_months_after_the_first_with_a_notice() {
    for backend in BACKENDS {
        let calendar = Calendar::bundled().unwrap();
        // An appeal whose first term's last day is 31 December 2025: 2 months later is
        // 28 February 2026, clamped at the month's end.
        let last_day = date!(2025 - 12 - 31);
        let filed_at = (1..=40)
            .map(|n| {
                calendar.almaty().start_of_day(last_day - Duration::days(n)) + Duration::hours(10)
            })
            .find(|at| {
                *calendar
                    .term_from_receipt(*at, WorkingHours::default(), 15)
                    .value()
                    == last_day
            })
            .expect("a day to file on whose term ends on 31 December");
        let limit = add_months(last_day, 2);
        assert_eq!(limit, date!(2026 - 02 - 28), "clamped at the month's end");

        let clock = Arc::new(ManualClock::new(filed_at));
        let app =
            spawn_app_with_clock(backend, &[("BACKGROUND_TASKS", "false")], clock.clone()).await;
        let aigerim = token_of(&app, AIGERIM).await;
        let appeal = filed(&app, &aigerim, &calendar, clock.now()).await;
        assert_eq!(
            instant(&standing(&appeal, "DECISION")["dueAt"]),
            end_of(&calendar, last_day),
            "{appeal}"
        );
        assert_eq!(
            appeal["extensionLimit"],
            limit.to_string(),
            "{backend:?}: {appeal}"
        );
        assert_eq!(appeal["extension"], Value::Null);

        // Ten days later, inside the term.
        clock.advance(Duration::days(10));
        list_officer(&app, ERLAN, BODY, clock.now()).await;
        list_officer(&app, BOLAT, BODY, clock.now()).await;
        let erlan = officer_token(&app, ERLAN, BODY, ROLE_EMPLOYEE).await;
        let bolat = officer_token(&app, BOLAT, BODY, ROLE_CEO).await;
        let aigerim = token_of(&app, AIGERIM).await;
        let reason = "Требуется запрос в другой государственный орган.";

        // What the input must be.
        let too_long = prepare_extension(&app, &bolat, &appeal, "2026-03-01", reason, None).await;
        assert_eq!(
            codes(&too_long),
            ["EXTENSION_TOO_LONG"],
            "{backend:?}: {too_long}"
        );
        assert_eq!(
            too_long["userErrors"][0]["field"],
            json!(["input", "until"])
        );
        assert_eq!(too_long["userErrors"][0]["detail"], limit.to_string());
        let not_later =
            prepare_extension(&app, &bolat, &appeal, &last_day.to_string(), reason, None).await;
        assert_eq!(codes(&not_later), ["BAD_USER_INPUT"], "{not_later}");
        assert_eq!(
            not_later["userErrors"][0]["field"],
            json!(["input", "until"])
        );
        let malformed = prepare_extension(&app, &bolat, &appeal, "2026-02-30", reason, None).await;
        assert_eq!(codes(&malformed), ["BAD_USER_INPUT"], "{malformed}");
        let no_reason = prepare_extension(&app, &bolat, &appeal, "2026-02-27", " ", None).await;
        assert_eq!(codes(&no_reason), ["REASON_REQUIRED"], "{no_reason}");
        let future = prepare_extension(
            &app,
            &bolat,
            &appeal,
            "2026-02-27",
            reason,
            Some(clock.now() + Duration::hours(1)),
        )
        .await;
        assert_eq!(codes(&future), ["BAD_USER_INPUT"], "{future}");
        assert_eq!(
            future["userErrors"][0]["field"],
            json!(["input", "decidedAt"])
        );

        // An employee's key does not extend a term, even his own request's.
        let asked = prepare_extension(&app, &erlan, &appeal, "2026-02-27", reason, None).await;
        assert_eq!(asked["userErrors"], json!([]), "{asked}");
        let request = &asked["signingRequest"];
        assert_eq!(
            request["keyRequirements"]["roleOids"],
            json!([ROLE_CEO]),
            "{request}"
        );
        let refused = sign_act(
            &app,
            &erlan,
            "extendAppeal",
            request,
            cms_of(&body_sign_at(ERLAN, BODY, ROLE_EMPLOYEE), request),
        )
        .await;
        assert_eq!(
            codes(&refused),
            ["SIGNER_MISMATCH"],
            "{backend:?}: {refused}"
        );

        // The head decided it 5 working days ago, and it is entered now, to the limit.
        let decided_at = working_days_before(&calendar, clock.now(), 5);
        assert!(decided_at >= instant(&appeal["receipt"]["receivedAt"]));
        let prepared = prepare_extension(
            &app,
            &bolat,
            &appeal,
            &limit.to_string(),
            reason,
            Some(decided_at),
        )
        .await;
        assert_eq!(prepared["userErrors"], json!([]), "{backend:?}: {prepared}");
        let request = &prepared["signingRequest"];
        let payload: Value = serde_json::from_slice(&payload_of(request)).unwrap();
        assert_eq!(payload["act"], "EXTENSION");
        assert_eq!(payload["until"], limit.to_string());
        assert!(
            request["text"]
                .as_str()
                .unwrap()
                .contains(&limit.to_string()),
            "{request}"
        );
        let employee = sign_act(
            &app,
            &bolat,
            "extendAppeal",
            request,
            cms_of(&body_sign_at(BOLAT, BODY, ROLE_EMPLOYEE), request),
        )
        .await;
        assert_eq!(codes(&employee), ["SIGNER_MISMATCH"], "{employee}");
        let extended = sign_act(
            &app,
            &bolat,
            "extendAppeal",
            request,
            cms_of(&body_sign_at(BOLAT, BODY, ROLE_CEO), request),
        )
        .await;
        assert_eq!(extended["userErrors"], json!([]), "{backend:?}: {extended}");
        let extended = &extended["appeal"];
        let now = clock.now();
        assert_eq!(extended["status"], "RECEIVED");
        assert_eq!(extended["extension"]["reason"], reason);
        assert_eq!(instant(&extended["extension"]["decidedAt"]), decided_at);
        // The limit counts from the first term, not from the extended one.
        assert_eq!(extended["extensionLimit"], limit.to_string());
        let decisions = deadlines_of(extended, "DECISION");
        assert_eq!(decisions.len(), 2, "{extended}");
        let old = decisions
            .iter()
            .find(|d| !d["supersededAt"].is_null())
            .unwrap_or_else(|| panic!("the first term superseded: {extended}"));
        assert_eq!(instant(&old["supersededAt"]), now);
        assert_eq!(instant(&old["dueAt"]), end_of(&calendar, last_day));
        let new = standing(extended, "DECISION");
        assert_eq!(instant(&new["startedAt"]), now);
        assert_eq!(
            instant(&new["dueAt"]),
            end_of(&calendar, working_day_on_or_before(&calendar, limit)),
            "24:00 of the last working day on or before {limit}: {new}"
        );
        assert_eq!(new["metAt"], Value::Null);
        let notice = standing(extended, "EXTENSION_NOTICE");
        assert_eq!(instant(&notice["startedAt"]), decided_at);
        let notice_due = term_end(&calendar, decided_at, 3);
        assert_eq!(instant(&notice["dueAt"]), notice_due, "{notice}");
        assert!(notice_due < now);
        assert_eq!(instant(&notice["metAt"]), now);
        assert_eq!(notice["late"], true, "{backend:?}: {notice}");
        let change = last_change(extended);
        assert_eq!(change["from"], "RECEIVED");
        assert_eq!(change["to"], "RECEIVED");
        assert_eq!(change["actorRole"], "OFFICER");
        assert!(
            change["reason"]
                .as_str()
                .unwrap()
                .contains(&limit.to_string()),
            "{change}"
        );

        // No further: the limit is reached.
        let beyond = prepare_extension(&app, &bolat, extended, "2026-03-02", reason, None).await;
        assert_eq!(codes(&beyond), ["EXTENSION_TOO_LONG"], "{beyond}");

        // The applicant is told the term was extended.
        let notes = notifications(&app, &aigerim).await;
        let note = notes
            .iter()
            .find(|n| {
                n["appealId"] == appeal["id"]
                    && n["fromStatus"] == "RECEIVED"
                    && n["toStatus"] == "RECEIVED"
            })
            .unwrap_or_else(|| panic!("{backend:?}: the extension notified: {notes:?}"));
        assert_eq!(note["subject"], "APPEAL");
        assert_eq!(
            note["text"],
            format!(
                "The term of appeal No. {} was extended.",
                appeal["number"].as_str().unwrap()
            ),
            "{note}"
        );
    }
}

#[actix_web::test]
async fn an_appeal_not_decided_by_the_end_of_its_term_is_deemed_refused() {
    for backend in BACKENDS {
        let calendar = Calendar::bundled().unwrap();
        let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 05:00 UTC)));
        let app =
            spawn_app_with_clock(backend, &[("BACKGROUND_TASKS", "false")], clock.clone()).await;
        let aigerim = token_of(&app, AIGERIM).await;
        let appeal = filed(&app, &aigerim, &calendar, clock.now()).await;
        let extended = filed(&app, &aigerim, &calendar, clock.now()).await;
        let due = instant(&standing(&appeal, "DECISION")["dueAt"]);
        assert_eq!(due, instant(&standing(&extended, "DECISION")["dueAt"]));
        list_officer(&app, ERLAN, BODY, clock.now()).await;
        list_officer(&app, BOLAT, BODY, clock.now()).await;
        let ctx = instance(&app, clock.clone()).await;

        // The head extends the other one's term by a week.
        let bolat = officer_token(&app, BOLAT, BODY, ROLE_CEO).await;
        let last_day = calendar.almaty().at(due - Duration::SECOND).date();
        let until = last_day + Duration::days(7);
        let prepared = prepare_extension(
            &app,
            &bolat,
            &extended,
            &until.to_string(),
            "Нужна дополнительная проверка.",
            None,
        )
        .await;
        assert_eq!(prepared["userErrors"], json!([]), "{backend:?}: {prepared}");
        let request = &prepared["signingRequest"];
        let signed = sign_act(
            &app,
            &bolat,
            "extendAppeal",
            request,
            cms_of(&body_sign_at(BOLAT, BODY, ROLE_CEO), request),
        )
        .await;
        assert_eq!(signed["userErrors"], json!([]), "{signed}");
        let extended_due = instant(&standing(&signed["appeal"], "DECISION")["dueAt"]);
        assert!(extended_due > due);

        // Ten minutes before the end, the officer prepares a decision, not signed in time.
        clock.set(due - Duration::minutes(10));
        let erlan = officer_token(&app, ERLAN, BODY, ROLE_EMPLOYEE).await;
        let aigerim = token_of(&app, AIGERIM).await;
        let current = read(&app, &aigerim, &appeal).await;
        let prepared =
            prepare_decision(&app, &erlan, &current, "SATISFIED", Some("удовлетворить")).await;
        assert_eq!(prepared["userErrors"], json!([]), "{prepared}");
        let late_request = prepared["signingRequest"].clone();

        // One second before the end: nothing.
        clock.set(due - Duration::SECOND);
        assert_eq!(
            deem_refused_overdue(&ctx, clock.now()).await.unwrap(),
            0,
            "{backend:?}"
        );
        let waiting = read(&app, &aigerim, &appeal).await;
        assert_eq!(waiting["status"], "RECEIVED", "{waiting}");
        assert_eq!(waiting["version"], current["version"]);
        assert_eq!(standing(&waiting, "DECISION")["late"], false);

        // At 24:00 of the last working day: deemed refused, the extended one not.
        clock.set(due);
        assert_eq!(
            deem_refused_overdue(&ctx, clock.now()).await.unwrap(),
            1,
            "{backend:?}"
        );
        let refused = read(&app, &aigerim, &appeal).await;
        assert_eq!(refused["status"], "DEEMED_REFUSED", "{refused}");
        assert_eq!(instant(&refused["termEndedAt"]), due);
        assert_eq!(instant(&refused["deemedRefusedAt"]), clock.now());
        assert_eq!(refused["outcome"], Value::Null);
        assert_eq!(refused["decidedAt"], Value::Null);
        assert_eq!(
            refused["version"].as_i64().unwrap(),
            current["version"].as_i64().unwrap() + 1
        );
        let decision = standing(&refused, "DECISION");
        assert_eq!(decision["metAt"], Value::Null);
        assert_eq!(decision["late"], true, "{decision}");
        let change = last_change(&refused);
        assert_eq!(change["from"], "RECEIVED");
        assert_eq!(change["to"], "DEEMED_REFUSED");
        assert_eq!(change["actorRole"], "SYSTEM");
        assert!(
            change["reason"]
                .as_str()
                .unwrap()
                .contains("deemed refused"),
            "{change}"
        );
        assert_eq!(read(&app, &aigerim, &extended).await["status"], "RECEIVED");

        // Once: the next run (the whole maintenance step) finds nothing.
        let again = api::core::service::maintenance::run_once(&ctx, clock.now())
            .await
            .unwrap();
        assert_eq!(again.appeals_deemed_refused, 0, "{backend:?}");
        assert_eq!(deem_refused_overdue(&ctx, clock.now()).await.unwrap(), 0);

        // The decision signed after the end of the term is refused: the law decided first.
        let signed_late = sign_act(
            &app,
            &erlan,
            "decideAppeal",
            &late_request,
            cms_of(&body_sign_at(ERLAN, BODY, ROLE_EMPLOYEE), &late_request),
        )
        .await;
        // Too late: the appeal was deemed refused meanwhile.
        assert_eq!(
            codes(&signed_late),
            ["CONFLICT"],
            "{backend:?}: {signed_late}"
        );
        let still = read(&app, &aigerim, &appeal).await;
        assert_eq!(still["status"], "DEEMED_REFUSED", "{still}");
        assert_eq!(still["outcome"], Value::Null);
        assert_eq!(still["version"], refused["version"]);
        let prepared = prepare_decision(&app, &erlan, &still, "SATISFIED", None).await;
        assert_eq!(codes(&prepared), ["APPEAL_NOT_EDITABLE"], "{prepared}");

        let notes = notifications(&app, &aigerim).await;
        let note = notification(&notes, &appeal, "DEEMED_REFUSED")
            .unwrap_or_else(|| panic!("{backend:?}: notified: {notes:?}"));
        assert_eq!(note["subject"], "APPEAL");
        assert_eq!(note["actorRole"], "SYSTEM");

        // The extended term ends in its turn.
        clock.set(extended_due);
        assert_eq!(deem_refused_overdue(&ctx, clock.now()).await.unwrap(), 1);
        let aigerim = token_of(&app, AIGERIM).await;
        let ended = read(&app, &aigerim, &extended).await;
        assert_eq!(ended["status"], "DEEMED_REFUSED", "{ended}");
        assert_eq!(instant(&ended["termEndedAt"]), extended_due);
    }
}

#[actix_web::test]
async fn two_instances_deem_each_overdue_appeal_refused_exactly_once() {
    let calendar = Calendar::bundled().unwrap();
    let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 05:00 UTC)));
    let app = spawn_app_with_clock(
        Backend::Postgres,
        &[("BACKGROUND_TASKS", "false")],
        clock.clone(),
    )
    .await;
    let aigerim = token_of(&app, AIGERIM).await;
    let mut appeals = Vec::new();
    for _ in 0..5 {
        appeals.push(filed(&app, &aigerim, &calendar, clock.now()).await);
        clock.advance(Duration::minutes(1));
    }
    // One of them referred: the authorised body's term ends the same way.
    list_officer(&app, ERLAN, BODY, clock.now()).await;
    let erlan = officer_token(&app, ERLAN, BODY, ROLE_EMPLOYEE).await;
    let referred = refer(&app, &erlan, &appeals[4], MINISTRY).await;
    assert_eq!(referred["userErrors"], json!([]), "{referred}");
    let due: Vec<OffsetDateTime> = appeals
        .iter()
        .take(4)
        .chain(std::iter::once(&referred["appeal"]))
        .map(|a| instant(&standing(a, "DECISION")["dueAt"]))
        .collect();
    let run_at = *due.iter().max().unwrap() + Duration::hours(1);
    clock.set(run_at);

    let (a, b) = (
        instance(&app, clock.clone()).await,
        instance(&app, clock.clone()).await,
    );
    let (first, second) = futures_join(
        deem_refused_overdue(&a, run_at),
        deem_refused_overdue(&b, run_at),
    )
    .await;
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_eq!(first + second, 5, "{first} + {second}");
    let (again_a, again_b) = futures_join(
        deem_refused_overdue(&a, run_at),
        deem_refused_overdue(&b, run_at),
    )
    .await;
    assert_eq!((again_a.unwrap(), again_b.unwrap()), (0, 0));

    let aigerim = token_of(&app, AIGERIM).await;
    for (appeal, due) in appeals.iter().zip(&due) {
        let refused = read(&app, &aigerim, appeal).await;
        assert_eq!(refused["status"], "DEEMED_REFUSED", "{refused}");
        assert_eq!(instant(&refused["termEndedAt"]), *due);
        assert_eq!(instant(&refused["deemedRefusedAt"]), run_at);
        let entries = refused["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["to"] == "DEEMED_REFUSED")
            .count();
        assert_eq!(entries, 1, "{refused}");
    }

    // Exactly one event (and one history row) per appeal.
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    for appeal in &appeals {
        let row = entities::appeal::Entity::find()
            .filter(entities::appeal::Column::Number.eq(appeal["number"].as_str().unwrap()))
            .one(&db)
            .await
            .unwrap()
            .expect("the appeal's row");
        let events = entities::event::Entity::find()
            .filter(
                entities::event::Column::EntityKind.eq(entities::enums::EventEntityKind::Appeal),
            )
            .filter(entities::event::Column::EntityId.eq(row.id))
            .filter(entities::event::Column::ToStatus.eq("DEEMED_REFUSED"))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(events.len(), 1, "{}: {events:?}", row.number);
        assert_eq!(events[0].at, run_at);
        let history = entities::appeal_history::Entity::find()
            .filter(entities::appeal_history::Column::AppealId.eq(row.id))
            .filter(entities::appeal_history::Column::ToStatus.eq("DEEMED_REFUSED"))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(history.len(), 1, "{}", row.number);
    }
    let all = entities::event::Entity::find()
        .filter(entities::event::Column::ToStatus.eq("DEEMED_REFUSED"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
    let _ = db.close().await;
}

/// The contract `decideAppeal` documents for a decision signed after the appeal was deemed
/// refused: `CONFLICT` (the decision came too late), not a void request to prepare again (a
/// new one is refused: `APPEAL_NOT_EDITABLE`).
#[actix_web::test]
async fn a_decision_signed_after_a_deemed_refusal_is_a_conflict() {
    let calendar = Calendar::bundled().unwrap();
    let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 05:00 UTC)));
    let app = spawn_app_with_clock(
        Backend::Sqlite,
        &[("BACKGROUND_TASKS", "false")],
        clock.clone(),
    )
    .await;
    let aigerim = token_of(&app, AIGERIM).await;
    let appeal = filed(&app, &aigerim, &calendar, clock.now()).await;
    let due = instant(&standing(&appeal, "DECISION")["dueAt"]);
    list_officer(&app, ERLAN, BODY, clock.now()).await;
    clock.set(due - Duration::minutes(10));
    let erlan = officer_token(&app, ERLAN, BODY, ROLE_EMPLOYEE).await;
    let prepared = prepare_decision(&app, &erlan, &appeal, "SATISFIED", Some("да")).await;
    assert_eq!(prepared["userErrors"], json!([]), "{prepared}");
    let request = &prepared["signingRequest"];
    clock.set(due);
    let ctx = instance(&app, clock.clone()).await;
    assert_eq!(deem_refused_overdue(&ctx, due).await.unwrap(), 1);
    let signed = sign_act(
        &app,
        &erlan,
        "decideAppeal",
        request,
        cms_of(&body_sign_at(ERLAN, BODY, ROLE_EMPLOYEE), request),
    )
    .await;
    assert_eq!(codes(&signed), ["CONFLICT"], "{signed}");
}
