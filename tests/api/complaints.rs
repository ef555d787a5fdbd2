//! Complaints end to end (issue 16, third part): against a refused application (its appeal
//! route, the body complained of satisfying it itself and cancelling the refusal), against an
//! appeal's decision (forwarded within 3 working days, decided by the hearing body's signed
//! act that reopens the appeal), filed late (received all the same, the restoration of its
//! term granted or denied), against a missed service time and a deemed refusal; nothing to
//! complain of otherwise. Three tests pin what was wrong when they were written: a cancelled
//! refusal decided again, a reopened deemed refusal running only its new term, a deadline met
//! at the instant it ends being late. The case goes with a complaint to the hearing body, and
//! with an appeal to the body it is referred to: they read it, and only read it.

use crate::appeal_kit::{
    self, AIGERIM, BODY, BOLAT, DANA, ERLAN, MINISTRY, appeal_input, appeal_received, body_sign_at,
    deadlines_of, end_of, instant, list_officer, sign_at, term_end, token_of,
};
use crate::helpers::*;
use api::core::calendar::Calendar;
use api::core::{Clock, ManualClock};
use serde_json::{Value, json};
use signatures::testing::nca::ROLE_EMPLOYEE;
use std::sync::Arc;
use time::macros::{date, datetime};

/// Aigerim's flat in the demo data, of which she is the sole owner.
const AIGERIM_FLAT: &str = "0201900148270042";

/// A Tuesday, 10:00 in Almaty.
const START: time::OffsetDateTime = datetime!(2026-12-01 05:00 UTC);

const APPLICATION: &str = "id number status version serviceDeadline decidedAt refusalGround appealRoute { body { bin } filedThrough { bin } learnedAt deadline } history { edges { node { from to actorRole reason } } }";

const COMPLAINT: &str = "id number status version against complaintDate application { id status } appeal { id status } bodyComplainedOf { bin } hearingBody { bin } learnedAt late restorationRequest { reason decision } forwardedAt outcome decisionReason decidedAt actCancelled receipt { number receivedAt } deadlines { kind startedAt dueAt metAt late supersededAt } history { from to actorRole reason }";

const APPEAL: &str = "id number status version outcome decidedAt deemedRefusedAt deadlines { kind startedAt dueAt metAt late supersededAt } history { from to actorRole reason }";

/// Lists `iin` as an officer of `body` (idempotent) and signs them in with the body's employee
/// key.
async fn officer_token(app: &TestApp, iin: &str, body: &str) -> String {
    list_officer(app, iin, body, now()).await;
    appeal_kit::officer_token(app, iin, body, ROLE_EMPLOYEE).await
}

/// The app on `clock`, background tasks off (a test runs each step itself), and applications
/// reviewed by hand when `manual`.
async fn app_on(backend: Backend, clock: &Arc<ManualClock>, manual: bool) -> TestApp {
    let mut extra = vec![("BACKGROUND_TASKS", "false")];
    if manual {
        extra.push(("MANUAL_REVIEW_BODIES", BODY));
    }
    spawn_app_with_clock(backend, &extra, clock.clone()).await
}

/// The newest deadline of `kind` (they are listed oldest first).
fn deadline<'a>(row: &'a Value, kind: &str) -> &'a Value {
    deadlines_of(row, kind)
        .last()
        .copied()
        .unwrap_or_else(|| panic!("no {kind} deadline: {row}"))
}

/// The end of a term of `days` working days from `received_at`.
fn working_days_from(received_at: time::OffsetDateTime, days: u32) -> time::OffsetDateTime {
    term_end(&Calendar::bundled().unwrap(), received_at, days)
}

/// The statuses of an appeal's or complaint's history, oldest first.
fn steps(row: &Value) -> Vec<(String, String)> {
    row["history"]
        .as_array()
        .unwrap_or_else(|| panic!("a history: {row}"))
        .iter()
        .map(|h| {
            (
                h["to"].as_str().unwrap_or_default().to_owned(),
                h["actorRole"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

// ---- applications -------------------------------------------------------------------------

/// Creates an application of Aigerim's from `input` and submits it signed with her key (valid
/// over the window); the submitted application.
async fn submitted(app: &TestApp, token: &str, input: Value) -> Value {
    let created = app
        .graphql(
            "mutation($input: CreateApplicationInput!) { createApplication(input: $input) { application { id version } userErrors { code field } } }",
            json!({ "input": input }),
            Some(token),
        )
        .await;
    let draft = created["data"]["createApplication"]["application"].clone();
    assert!(draft["id"].is_string(), "{created}");
    let request = prepare_signing(app, token, &draft).await;
    let query = format!(
        "mutation($input: SubmitApplicationInput!) {{ submitApplication(input: $input) {{ application {{ {APPLICATION} }} userErrors {{ code field message }} }} }}"
    );
    let response = app
        .graphql(
            &query,
            json!({ "input": { "signingRequestId": request["id"], "signature": { "cms": sign(&sign_at(AIGERIM), &payload_of(&request)) } } }),
            Some(token),
        )
        .await;
    let payload = &response["data"]["submitApplication"];
    assert_eq!(codes(payload), Vec::<String>::new(), "{response}");
    payload["application"].clone()
}

/// Aigerim's permanent registration in her own flat: in review (by hand) or registered.
async fn own_flat(app: &TestApp, token: &str) -> Value {
    submitted(
        app,
        token,
        json!({ "kind": "PERMANENT", "address": { "rka": AIGERIM_FLAT }, "personalDataConsent": true }),
    )
    .await
}

/// Refused at its submission: no consent to access her restricted personal data.
async fn refused_at_once(app: &TestApp, token: &str) -> Value {
    let refused = submitted(
        app,
        token,
        json!({ "kind": "PERMANENT", "address": { "rka": AIGERIM_FLAT }, "personalDataConsent": false }),
    )
    .await;
    assert_eq!(refused["status"], "REFUSED", "{refused}");
    refused
}

async fn application(app: &TestApp, token: &str, id: &Value) -> Value {
    application_as(app, token, id, APPLICATION).await
}

async fn claim(app: &TestApp, officer: &str, id: &Value) {
    let claimed = app
        .graphql(
            "mutation($input: ClaimApplicationInput!) { claimApplication(input: $input) { application { claimedBy { me } } userErrors { code } } }",
            json!({ "input": { "applicationId": id } }),
            Some(officer),
        )
        .await;
    assert_eq!(
        claimed["data"]["claimApplication"]["application"]["claimedBy"]["me"], true,
        "{claimed}"
    );
}

/// The officer claims the application in review and decides it with a signed decision
/// (`REFUSE` on the ground of unreliable data, or `APPROVE`); the payload of
/// `decideApplication`.
async fn officer_decides(
    app: &TestApp,
    officer: &str,
    officer_iin: &str,
    waiting: &Value,
    decision: &str,
) -> Value {
    claim(app, officer, &waiting["id"]).await;
    let mut input = json!({ "applicationId": waiting["id"], "version": waiting["version"], "decision": decision });
    if decision == "REFUSE" {
        input["ground"] = json!("UNRELIABLE_DOCUMENTS_OR_DATA");
        input["reason"] = json!("Сведения о собственнике не подтверждены");
    }
    let prepared = app
        .graphql(
            "mutation($input: PrepareDecisionSigningInput!) { prepareDecisionSigning(input: $input) { signingRequest { id payload } userErrors { code field } } }",
            json!({ "input": input }),
            Some(officer),
        )
        .await;
    let request = prepared["data"]["prepareDecisionSigning"]["signingRequest"].clone();
    assert!(request["id"].is_string(), "{prepared}");
    let query = format!(
        "mutation($input: DecideApplicationInput!) {{ decideApplication(input: $input) {{ application {{ {APPLICATION} }} userErrors {{ code field message }} }} }}"
    );
    let decided = app
        .graphql(
            &query,
            json!({ "input": { "signingRequestId": request["id"], "signature": { "cms": sign(&body_sign_at(officer_iin, BODY, ROLE_EMPLOYEE), &payload_of(&request)) } } }),
            Some(officer),
        )
        .await;
    let payload = decided["data"]["decideApplication"].clone();
    assert!(payload.is_object(), "{decided}");
    payload
}

/// Aigerim's application in review by hand, refused by Erlan's signed decision.
async fn refused_by_officer(app: &TestApp, aigerim: &str, erlan: &str) -> Value {
    let waiting = own_flat(app, aigerim).await;
    assert_eq!(waiting["status"], "IN_REVIEW", "{waiting}");
    assert_eq!(
        waiting["appealRoute"],
        Value::Null,
        "not refused: {waiting}"
    );
    let decided = officer_decides(app, erlan, ERLAN, &waiting, "REFUSE").await;
    assert_eq!(codes(&decided), Vec::<String>::new(), "{decided}");
    let refused = decided["application"].clone();
    assert_eq!(refused["status"], "REFUSED", "{refused}");
    refused
}

// ---- appeals ------------------------------------------------------------------------------

/// Files Aigerim's appeal with her EDS: received.
async fn appealed(app: &TestApp, token: &str, date: &str) -> Value {
    let essence = "Прошу разъяснить порядок регистрации по месту жительства.";
    appeal_received(app, token, appeal_input(date, essence), APPEAL).await
}

/// Erlan decides the appeal (`REFUSED`, with the reasons) with his body's signed act.
async fn appeal_refused(app: &TestApp, erlan: &str, appeal: &Value) -> Value {
    let prepared = app
        .graphql(
            "mutation($input: PrepareAppealDecisionSigningInput!) { prepareAppealDecisionSigning(input: $input) { signingRequest { id payload } userErrors { code field } } }",
            json!({ "input": { "appealId": appeal["id"], "version": appeal["version"], "outcome": "REFUSED", "reason": "Оснований для пересмотра нет" } }),
            Some(erlan),
        )
        .await;
    let request = prepared["data"]["prepareAppealDecisionSigning"]["signingRequest"].clone();
    assert!(request["id"].is_string(), "{prepared}");
    let decided = app
        .graphql(
            &format!("mutation($input: SignAppealActInput!) {{ decideAppeal(input: $input) {{ appeal {{ {APPEAL} }} userErrors {{ code field }} }} }}"),
            json!({ "input": { "signingRequestId": request["id"], "signature": { "cms": sign(&body_sign_at(ERLAN, BODY, ROLE_EMPLOYEE), &payload_of(&request)) } } }),
            Some(erlan),
        )
        .await;
    let decided = &decided["data"]["decideAppeal"];
    assert_eq!(codes(decided), Vec::<String>::new(), "{decided}");
    assert_eq!(decided["appeal"]["status"], "DECIDED", "{decided}");
    assert_eq!(decided["appeal"]["outcome"], "REFUSED");
    decided["appeal"].clone()
}

async fn appeal_as(app: &TestApp, token: &str, id: &Value) -> Value {
    let read = app
        .graphql(
            &format!("query($id: ID!) {{ node(id: $id) {{ ... on Appeal {{ {APPEAL} }} }} }}"),
            json!({ "id": id }),
            Some(token),
        )
        .await;
    read["data"]["node"].clone()
}

#[actix_web::test]
async fn the_body_an_appeal_is_referred_to_reads_the_application_it_concerns() {
    let clock = Arc::new(ManualClock::new(START));
    let app = app_on(Backend::Sqlite, &clock, true).await;
    let aigerim = token_of(&app, AIGERIM).await;
    let waiting = own_flat(&app, &aigerim).await;
    assert_eq!(waiting["status"], "IN_REVIEW", "{waiting}");
    let mut input = appeal_input("2026-12-01", "Прошу ускорить рассмотрение заявления.");
    input["applicationId"] = waiting["id"].clone();
    let fields = "id status version application { id status }";
    let appeal = appeal_received(&app, &aigerim, input, fields).await;
    assert_eq!(appeal["application"]["id"], waiting["id"], "{appeal}");
    let read_as = |token: String| {
        let app = &app;
        let id = appeal["id"].clone();
        async move {
            let query =
                format!("query($id: ID!) {{ node(id: $id) {{ ... on Appeal {{ {fields} }} }} }}");
            app.graphql(&query, json!({ "id": id }), Some(&token)).await["data"]["node"].clone()
        }
    };
    let erlan = officer_token(&app, ERLAN, BODY).await;
    let bolat = officer_token(&app, BOLAT, MINISTRY).await;
    // Addressed to the department: the ministry reads neither the appeal nor the application.
    assert_eq!(read_as(bolat.clone()).await, Value::Null);
    assert_eq!(
        application_as(&app, &bolat, &waiting["id"], "id").await,
        Value::Null
    );

    let referred = app
        .graphql(
            "mutation($input: ReferAppealInput!) { referAppeal(input: $input) { userErrors { code field } } }",
            json!({ "input": { "appealId": appeal["id"], "version": appeal["version"], "bodyBin": MINISTRY, "reason": "компетенция министерства" } }),
            Some(&erlan),
        )
        .await;
    assert_eq!(
        referred["data"]["referAppeal"]["userErrors"],
        json!([]),
        "{referred}"
    );

    // Referred, the ministry handles it with its case: the application it concerns.
    let handled = read_as(bolat.clone()).await;
    assert_eq!(handled["application"]["id"], waiting["id"], "{handled}");
    assert_eq!(handled["application"]["status"], "IN_REVIEW");
    assert_eq!(
        application_as(&app, &bolat, &waiting["id"], "id").await["id"],
        waiting["id"]
    );
    // Reading only: the ministry does not review the department's application.
    let claim = app
        .graphql(
            "mutation($input: ClaimApplicationInput!) { claimApplication(input: $input) { userErrors { code } } }",
            json!({ "input": { "applicationId": waiting["id"] } }),
            Some(&bolat),
        )
        .await;
    assert_eq!(
        codes(&claim["data"]["claimApplication"]),
        ["NOT_FOUND"],
        "{claim}"
    );
    let stranger = officer_token(&app, STRANGER, OTHER_BODY).await;
    assert_eq!(read_as(stranger.clone()).await, Value::Null);
    assert_eq!(
        application_as(&app, &stranger, &waiting["id"], "id").await,
        Value::Null
    );
}

// ---- complaints ---------------------------------------------------------------------------

/// Aigerim's complaint, dated `date`, against `against` (`{ applicationId }` or
/// `{ appealId }`).
fn complaint_input(date: &str, against: Value) -> Value {
    json!({
        "kind": "PERSON",
        "fullName": "Серикова Айгерим Нурлановна",
        "iin": AIGERIM,
        "postalAddress": "г. Астана, ул. Кенесары, 40, кв. 12",
        "essence": "Считаю решение незаконным и прошу его отменить.",
        "date": date,
        "against": against,
    })
}

async fn prepare_complaint(app: &TestApp, token: &str, complaint: Value) -> Value {
    let answer = app
        .graphql(
            &format!("mutation($input: PrepareComplaintSigningInput!) {{ prepareComplaintSigning(input: $input) {{ complaint {{ {COMPLAINT} }} signingRequest {{ id payload allowedMethods text subject {{ id }} }} userErrors {{ code field }} clientMutationId }} }}"),
            json!({ "input": { "complaint": complaint, "clientMutationId": "c1" } }),
            Some(token),
        )
        .await;
    let payload = answer["data"]["prepareComplaintSigning"].clone();
    assert!(payload.is_object(), "{answer}");
    payload
}

async fn file_complaint(app: &TestApp, token: &str, request: &Value, cms: String) -> Value {
    let answer = app
        .graphql(
            &format!("mutation($input: FileComplaintInput!) {{ fileComplaint(input: $input) {{ complaint {{ {COMPLAINT} }} userErrors {{ code field }} clientMutationId }} }}"),
            json!({ "input": { "signingRequestId": request["id"], "signature": { "cms": cms }, "clientMutationId": "c2" } }),
            Some(token),
        )
        .await;
    let payload = answer["data"]["fileComplaint"].clone();
    assert!(payload.is_object(), "{answer}");
    payload
}

/// Prepares and files Aigerim's complaint with her EDS; the complaint as received.
async fn complained(app: &TestApp, token: &str, complaint: Value) -> Value {
    let prepared = prepare_complaint(app, token, complaint).await;
    assert_eq!(prepared["userErrors"], json!([]), "{prepared}");
    let request = &prepared["signingRequest"];
    let filed = file_complaint(
        app,
        token,
        request,
        sign(&sign_at(AIGERIM), &payload_of(request)),
    )
    .await;
    assert_eq!(filed["userErrors"], json!([]), "{filed}");
    filed["complaint"].clone()
}

/// Runs a complaint step (`forwardComplaint`, `satisfyComplaint`, `decideComplaintRestoration`)
/// with `input`; its payload.
async fn step(app: &TestApp, token: &str, mutation: &str, input_type: &str, input: Value) -> Value {
    let answer = app
        .graphql(
            &format!("mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ complaint {{ {COMPLAINT} }} userErrors {{ code field }} }} }}"),
            json!({ "input": input }),
            Some(token),
        )
        .await;
    let payload = answer[&"data"][mutation].clone();
    assert!(payload.is_object(), "{answer}");
    payload
}

async fn forward(app: &TestApp, token: &str, complaint: &Value) -> Value {
    step(
        app,
        token,
        "forwardComplaint",
        "ComplaintStepInput",
        json!({ "complaintId": complaint["id"], "version": complaint["version"] }),
    )
    .await
}

async fn satisfy(app: &TestApp, token: &str, complaint: &Value, cancel_act: bool) -> Value {
    step(
        app,
        token,
        "satisfyComplaint",
        "SatisfyComplaintInput",
        json!({ "complaintId": complaint["id"], "version": complaint["version"], "reason": "Отказ отменён, заявление рассматривается повторно", "cancelAct": cancel_act }),
    )
    .await
}

async fn restoration(app: &TestApp, token: &str, complaint: &Value, granted: bool) -> Value {
    step(
        app,
        token,
        "decideComplaintRestoration",
        "DecideComplaintRestorationInput",
        json!({ "complaintId": complaint["id"], "version": complaint["version"], "granted": granted, "reason": if granted { "Заявитель находился на лечении" } else { "Уважительных причин не приведено" } }),
    )
    .await
}

/// `prepareComplaintDecisionSigning` for the complaint at its version.
async fn prepare_decision(
    app: &TestApp,
    token: &str,
    complaint: &Value,
    outcome: &str,
    cancel_act: bool,
) -> Value {
    let answer = app
        .graphql(
            "mutation($input: PrepareComplaintDecisionSigningInput!) { prepareComplaintDecisionSigning(input: $input) { appeal { id version } signingRequest { id payload allowedMethods text keyRequirements { iin bin roleOids } } userErrors { code field } } }",
            json!({ "input": { "complaintId": complaint["id"], "version": complaint["version"], "outcome": outcome, "reason": "Доводы жалобы подтвердились", "cancelAct": cancel_act } }),
            Some(token),
        )
        .await;
    let payload = answer["data"]["prepareComplaintDecisionSigning"].clone();
    assert!(payload.is_object(), "{answer}");
    payload
}

async fn decide(app: &TestApp, token: &str, request: &Value, cms: String) -> Value {
    let answer = app
        .graphql(
            &format!("mutation($input: SignAppealActInput!) {{ decideComplaint(input: $input) {{ complaint {{ {COMPLAINT} }} userErrors {{ code field }} }} }}"),
            json!({ "input": { "signingRequestId": request["id"], "signature": { "cms": cms } } }),
            Some(token),
        )
        .await;
    let payload = answer["data"]["decideComplaint"].clone();
    assert!(payload.is_object(), "{answer}");
    payload
}

/// Bolat, for the ministry, decides the complaint with its signed act; the complaint decided.
async fn ministry_decides(
    app: &TestApp,
    bolat: &str,
    complaint: &Value,
    outcome: &str,
    cancel_act: bool,
) -> Value {
    let prepared = prepare_decision(app, bolat, complaint, outcome, cancel_act).await;
    assert_eq!(prepared["userErrors"], json!([]), "{prepared}");
    let request = &prepared["signingRequest"];
    assert_eq!(request["keyRequirements"]["bin"], MINISTRY, "{prepared}");
    assert_eq!(request["keyRequirements"]["iin"], BOLAT);
    assert_eq!(request["allowedMethods"], json!(["EDS"]));
    let signed: Value = serde_json::from_slice(&payload_of(request)).unwrap();
    assert_eq!(signed["type"], "registration-kz/appeal-act", "{signed}");
    assert_eq!(signed["procedure"], "COMPLAINT");
    assert_eq!(signed["outcome"], outcome);
    assert_eq!(signed["cancelAct"], cancel_act);
    assert_eq!(signed["body"], MINISTRY);
    let decided = decide(
        app,
        bolat,
        request,
        sign(
            &body_sign_at(BOLAT, MINISTRY, ROLE_EMPLOYEE),
            &payload_of(request),
        ),
    )
    .await;
    assert_eq!(decided["userErrors"], json!([]), "{decided}");
    decided["complaint"].clone()
}

/// A body that has nothing to do with Aigerim's case, and an officer of it.
const OTHER_BODY: &str = "940140000503";
const STRANGER: &str = "780512300014";

/// The purposes of an officer's audited readings, in order.
async fn case_audit(app: &TestApp, officer_iin: &str) -> Vec<String> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let db = sea_orm::Database::connect(&app.database_url).await.unwrap();
    let officer = entities::person::Entity::find()
        .filter(entities::person::Column::Iin.eq(officer_iin))
        .one(&db)
        .await
        .unwrap()
        .expect("the officer signed in");
    let rows = entities::restricted_data_access::Entity::find()
        .filter(entities::restricted_data_access::Column::OfficerPersonId.eq(officer.id))
        .order_by_asc(entities::restricted_data_access::Column::At)
        .all(&db)
        .await
        .unwrap();
    let _ = db.close().await;
    rows.into_iter().map(|r| r.purpose).collect()
}

async fn complaint_as(app: &TestApp, token: &str, id: &Value) -> Value {
    let read = app
        .graphql(
            &format!(
                "query($id: ID!) {{ node(id: $id) {{ ... on Complaint {{ {COMPLAINT} }} }} }}"
            ),
            json!({ "id": id }),
            Some(token),
        )
        .await;
    read["data"]["node"].clone()
}

/// The complaints an officer's list holds (the default statuses), by id.
async fn for_review(app: &TestApp, token: &str) -> Vec<Value> {
    let listed = app
        .graphql(
            "{ complaintsForReview { totalCount edges { node { id status } } } }",
            json!({}),
            Some(token),
        )
        .await;
    let list = &listed["data"]["complaintsForReview"];
    let edges = list["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{listed}"))
        .clone();
    assert_eq!(list["totalCount"], edges.len(), "{listed}");
    edges.into_iter().map(|e| e["node"]["id"].clone()).collect()
}

// ---- the tests ----------------------------------------------------------------------------

#[actix_web::test]
async fn a_refusal_is_complained_of_through_its_appeal_route_and_satisfied_by_the_body_itself() {
    for backend in BACKENDS {
        let clock = Arc::new(ManualClock::new(START));
        let app = app_on(backend, &clock, true).await;
        let aigerim = token_of(&app, AIGERIM).await;
        let erlan = officer_token(&app, ERLAN, BODY).await;
        let refused = refused_by_officer(&app, &aigerim, &erlan).await;

        // The refusal carries its route: filed through the department, heard by the ministry,
        // within 3 calendar months of the day she was notified (1 December 2026): until 24:00
        // Almaty time (UTC+5) of 1 March 2027.
        let refused = application(&app, &aigerim, &refused["id"]).await;
        let route = &refused["appealRoute"];
        assert_eq!(route["body"]["bin"], MINISTRY, "{backend:?}: {refused}");
        assert_eq!(route["filedThrough"]["bin"], BODY);
        let learned_at = instant(&route["learnedAt"]);
        assert!(
            learned_at >= START && learned_at - START < time::Duration::SECOND,
            "notified when refused: {route}"
        );
        assert_eq!(instant(&route["deadline"]), datetime!(2027-03-01 19:00 UTC));
        let calendar = Calendar::bundled().unwrap();
        assert_eq!(
            instant(&route["deadline"]),
            end_of(&calendar, date!(2027 - 03 - 01))
        );
        let first_deadline = instant(&refused["serviceDeadline"]);

        // An hour later she complains of the refusal: received, the body and the term from the
        // record.
        clock.advance(time::Duration::HOUR);
        let prepared = prepare_complaint(
            &app,
            &aigerim,
            complaint_input("2026-12-01", json!({ "applicationId": refused["id"] })),
        )
        .await;
        assert_eq!(prepared["userErrors"], json!([]), "{backend:?}: {prepared}");
        assert_eq!(prepared["clientMutationId"], "c1");
        let draft = &prepared["complaint"];
        assert_eq!(draft["status"], "DRAFT", "{draft}");
        assert_eq!(draft["against"], "REFUSAL");
        let request = &prepared["signingRequest"];
        assert_eq!(request["allowedMethods"], json!(["EDS", "OTP"]));
        assert_eq!(request["subject"]["id"], draft["id"]);
        assert!(
            request["text"].as_str().unwrap().contains("Жалоба"),
            "{request}"
        );
        let signed: Value = serde_json::from_slice(&payload_of(request)).unwrap();
        assert_eq!(signed["against"], "REFUSAL", "{signed}");
        assert_eq!(signed["bodyBin"], BODY);
        assert_eq!(signed["hearingBodyBin"], MINISTRY);
        // Another person's key does not file it.
        let refused_signature = file_complaint(
            &app,
            &aigerim,
            request,
            sign(&sign_at(DANA), &payload_of(request)),
        )
        .await;
        assert_eq!(codes(&refused_signature), ["SIGNER_MISMATCH"]);
        let filed = file_complaint(
            &app,
            &aigerim,
            request,
            sign(&sign_at(AIGERIM), &payload_of(request)),
        )
        .await;
        assert_eq!(filed["userErrors"], json!([]), "{backend:?}: {filed}");
        assert_eq!(filed["clientMutationId"], "c2");
        let complaint = filed["complaint"].clone();
        let received_at = clock.now();
        assert_eq!(complaint["status"], "RECEIVED", "{complaint}");
        assert_eq!(complaint["against"], "REFUSAL");
        assert_eq!(complaint["complaintDate"], "2026-12-01");
        assert_eq!(complaint["application"]["id"], refused["id"]);
        assert_eq!(complaint["appeal"], Value::Null);
        assert_eq!(complaint["bodyComplainedOf"]["bin"], BODY);
        assert_eq!(complaint["hearingBody"]["bin"], MINISTRY);
        assert_eq!(complaint["learnedAt"], route["learnedAt"]);
        assert_eq!(instant(&complaint["learnedAt"]), learned_at);
        assert_eq!(complaint["late"], false);
        assert_eq!(complaint["restorationRequest"], Value::Null);
        assert!(complaint["receipt"]["number"].is_string(), "{complaint}");
        assert_eq!(instant(&complaint["receipt"]["receivedAt"]), received_at);
        let filing = deadline(&complaint, "FILING");
        assert_eq!(instant(&filing["metAt"]), received_at, "{filing}");
        assert_eq!(filing["dueAt"], route["deadline"]);
        assert_eq!(instant(&filing["dueAt"]), datetime!(2027-03-01 19:00 UTC));
        assert_eq!(filing["late"], false);
        for (kind, days) in [("FORWARDING", 3), ("DECISION", 5)] {
            let term = deadline(&complaint, kind);
            assert_eq!(
                instant(&term["dueAt"]),
                working_days_from(received_at, days),
                "{kind}: {term}"
            );
            assert_eq!(instant(&term["startedAt"]), received_at);
            assert_eq!(term["metAt"], Value::Null);
            assert_eq!(term["late"], false);
        }
        assert_eq!(
            steps(&complaint),
            [
                ("DRAFT".to_owned(), "APPLICANT".to_owned()),
                ("RECEIVED".to_owned(), "APPLICANT".to_owned())
            ]
        );
        // Hers to read; both bodies' officers list it.
        let mine = app
            .graphql(
                "{ myComplaints { totalCount edges { node { id status } } } }",
                json!({}),
                Some(&aigerim),
            )
            .await;
        assert_eq!(mine["data"]["myComplaints"]["totalCount"], 1, "{mine}");
        assert_eq!(
            mine["data"]["myComplaints"]["edges"][0]["node"]["id"],
            complaint["id"]
        );
        assert_eq!(for_review(&app, &erlan).await, [complaint["id"].clone()]);
        let bolat = officer_token(&app, BOLAT, MINISTRY).await;
        assert_eq!(for_review(&app, &bolat).await, [complaint["id"].clone()]);
        let dana = token_of(&app, DANA).await;
        assert_eq!(
            complaint_as(&app, &dana, &complaint["id"]).await,
            Value::Null
        );
        // Only the body complained of satisfies it (the ministry hears it once forwarded).
        assert_eq!(
            codes(&satisfy(&app, &bolat, &complaint, true).await),
            ["NOT_ALLOWED"]
        );

        // Within its 3 working days the department satisfies it itself, cancelling the
        // refusal.
        clock.advance(time::Duration::days(1));
        let erlan = officer_token(&app, ERLAN, BODY).await;
        let aigerim = token_of(&app, AIGERIM).await;
        let satisfied = satisfy(&app, &erlan, &complaint, true).await;
        assert_eq!(
            satisfied["userErrors"],
            json!([]),
            "{backend:?}: {satisfied}"
        );
        let satisfied = &satisfied["complaint"];
        assert_eq!(satisfied["status"], "SATISFIED_BY_BODY", "{satisfied}");
        assert_eq!(satisfied["outcome"], "SATISFIED_BY_BODY");
        assert_eq!(satisfied["actCancelled"], true);
        assert_eq!(instant(&satisfied["decidedAt"]), clock.now());
        assert_eq!(
            satisfied["decisionReason"],
            "Отказ отменён, заявление рассматривается повторно"
        );
        assert_eq!(satisfied["forwardedAt"], Value::Null);
        for kind in ["FORWARDING", "DECISION"] {
            let term = deadline(satisfied, kind);
            assert_eq!(instant(&term["metAt"]), clock.now(), "{kind}: {term}");
            assert_eq!(term["late"], false);
        }
        assert_eq!(
            steps(satisfied).last(),
            Some(&("SATISFIED_BY_BODY".to_owned(), "OFFICER".to_owned()))
        );
        // Once.
        assert_eq!(
            codes(&satisfy(&app, &erlan, satisfied, true).await),
            ["APPEAL_NOT_EDITABLE"]
        );

        // The application is in review again, with a new service time from now.
        let reopened = application(&app, &aigerim, &refused["id"]).await;
        assert_eq!(reopened["status"], "IN_REVIEW", "{backend:?}: {reopened}");
        assert_eq!(reopened["refusalGround"], Value::Null);
        assert_eq!(reopened["decidedAt"], Value::Null);
        assert_eq!(reopened["appealRoute"], Value::Null);
        let new_deadline = instant(&reopened["serviceDeadline"]);
        assert!(new_deadline > first_deadline, "{reopened}");
        assert_eq!(new_deadline, clock.now() + time::Duration::minutes(15));
        let last = statuses(&reopened).last().cloned();
        assert_eq!(last, Some(pair("IN_REVIEW", "OFFICER")), "{reopened}");
        let why = reopened["history"]["edges"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()["node"]["reason"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            why.contains(satisfied["number"].as_str().unwrap()),
            "the reason names the complaint: {why}"
        );
        // Its officers have it in their queue again.
        let queue = app
            .graphql(
                "{ applicationsForReview { edges { node { id } } } }",
                json!({}),
                Some(&erlan),
            )
            .await;
        assert_eq!(
            queue["data"]["applicationsForReview"]["edges"][0]["node"]["id"], refused["id"],
            "{queue}"
        );

        // Her personal account tells her of the complaint's steps.
        sequence_events(&app).await;
        let notes = app
            .graphql_with(
                "{ myNotifications(first: 50) { edges { node { subject toStatus appealId appealNumber applicationId text } } } }",
                json!({}),
                Some(&aigerim),
                &[("Accept-Language", "ru")],
            )
            .await;
        let notes: Vec<Value> = notes["data"]["myNotifications"]["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("{notes}"))
            .iter()
            .map(|e| e["node"].clone())
            .filter(|n| n["subject"] == "COMPLAINT")
            .collect();
        let reached: Vec<&str> = notes
            .iter()
            .map(|n| n["toStatus"].as_str().unwrap())
            .collect();
        for status in ["RECEIVED", "SATISFIED_BY_BODY"] {
            assert!(
                reached.contains(&status),
                "{backend:?}: {status}: {notes:?}"
            );
        }
        for note in &notes {
            assert_eq!(note["appealId"], complaint["id"], "{note}");
            assert_eq!(note["appealNumber"], complaint["number"]);
            assert_eq!(note["applicationId"], refused["id"]);
        }
        let received_note = notes.iter().find(|n| n["toStatus"] == "RECEIVED").unwrap();
        assert!(
            received_note["text"]
                .as_str()
                .unwrap()
                .contains(complaint["number"].as_str().unwrap()),
            "{received_note}"
        );
    }
}

#[actix_web::test]
async fn a_complaint_against_an_appeals_decision_is_forwarded_and_the_ministry_reopens_the_appeal()
{
    for backend in BACKENDS {
        let clock = Arc::new(ManualClock::new(START));
        let app = app_on(backend, &clock, false).await;
        let aigerim = token_of(&app, AIGERIM).await;
        let erlan = officer_token(&app, ERLAN, BODY).await;
        let appeal = appealed(&app, &aigerim, "2026-12-01").await;
        clock.advance(time::Duration::HOUR);
        let decided = appeal_refused(&app, &erlan, &appeal).await;
        let decided_at = instant(&decided["decidedAt"]);

        // Two complaints against the decision, an hour after it.
        clock.advance(time::Duration::HOUR);
        let against = json!({ "appealId": appeal["id"] });
        let first = complained(
            &app,
            &aigerim,
            complaint_input("2026-12-01", against.clone()),
        )
        .await;
        let received_at = clock.now();
        assert_eq!(first["status"], "RECEIVED", "{backend:?}: {first}");
        assert_eq!(first["against"], "APPEAL_DECISION");
        assert_eq!(first["appeal"]["id"], appeal["id"]);
        assert_eq!(first["appeal"]["status"], "DECIDED");
        assert_eq!(first["application"], Value::Null);
        assert_eq!(first["bodyComplainedOf"]["bin"], BODY);
        assert_eq!(first["hearingBody"]["bin"], MINISTRY);
        assert_eq!(instant(&first["learnedAt"]), decided_at);
        assert_eq!(first["late"], false);
        assert_eq!(
            instant(&deadline(&first, "FILING")["dueAt"]),
            datetime!(2027-03-01 19:00 UTC)
        );
        let second = complained(&app, &aigerim, complaint_input("2026-12-01", against)).await;
        assert_eq!(second["status"], "RECEIVED", "{second}");

        // The ministry does not decide what was not forwarded to it.
        let bolat = officer_token(&app, BOLAT, MINISTRY).await;
        assert_eq!(
            codes(&prepare_decision(&app, &bolat, &first, "SATISFIED", true).await),
            ["APPEAL_NOT_EDITABLE"]
        );
        // Only the body complained of forwards it.
        assert_eq!(codes(&forward(&app, &bolat, &first).await), ["NOT_ALLOWED"]);

        // The department forwards the first within its 3 working days.
        clock.advance(time::Duration::HOUR);
        let forwarded = forward(&app, &erlan, &first).await;
        assert_eq!(
            forwarded["userErrors"],
            json!([]),
            "{backend:?}: {forwarded}"
        );
        let forwarded = forwarded["complaint"].clone();
        assert_eq!(forwarded["status"], "FORWARDED", "{forwarded}");
        assert_eq!(instant(&forwarded["forwardedAt"]), clock.now());
        let forwarding = deadline(&forwarded, "FORWARDING");
        assert_eq!(instant(&forwarding["metAt"]), clock.now(), "{forwarding}");
        assert_eq!(forwarding["late"], false);
        assert_eq!(deadline(&forwarded, "DECISION")["metAt"], Value::Null);
        assert_eq!(
            steps(&forwarded).last(),
            Some(&("FORWARDED".to_owned(), "OFFICER".to_owned()))
        );
        // Forwarded, it is no longer the department's to satisfy or forward again.
        assert_eq!(
            codes(&satisfy(&app, &erlan, &forwarded, true).await),
            ["APPEAL_NOT_EDITABLE"]
        );
        assert_eq!(
            codes(&forward(&app, &erlan, &forwarded).await),
            ["APPEAL_NOT_EDITABLE"]
        );
        // The department may not decide it: the ministry hears it.
        assert_eq!(
            codes(&prepare_decision(&app, &erlan, &forwarded, "SATISFIED", true).await),
            ["NOT_ALLOWED"]
        );
        // It hears it with the case: the appeal complained of, which is not addressed to it.
        let heard = complaint_as(&app, &bolat, &first["id"]).await;
        assert_eq!(heard["appeal"]["id"], appeal["id"], "{backend:?}: {heard}");
        assert_eq!(heard["appeal"]["status"], "DECIDED");
        let stranger = officer_token(&app, STRANGER, OTHER_BODY).await;
        assert_eq!(appeal_as(&app, &stranger, &appeal["id"]).await, Value::Null);
        // The ministry's list has both; the forwarded one is the ministry's to decide.
        let listed = for_review(&app, &bolat).await;
        assert!(
            listed.contains(&first["id"]) && listed.contains(&second["id"]),
            "{listed:?}"
        );

        // The second one: its 3 working days end at 24:00; from that instant the department
        // may no longer satisfy it itself.
        let due = instant(&deadline(&second, "FORWARDING")["dueAt"]);
        assert_eq!(due, working_days_from(received_at, 3));
        clock.set(due);
        let erlan = officer_token(&app, ERLAN, BODY).await;
        let bolat = officer_token(&app, BOLAT, MINISTRY).await;
        let aigerim = token_of(&app, AIGERIM).await;
        let too_late = satisfy(&app, &erlan, &second, true).await;
        assert_eq!(
            codes(&too_late),
            ["FORWARDING_DEADLINE_PASSED"],
            "{backend:?}: {too_late}"
        );
        let still = complaint_as(&app, &aigerim, &second["id"]).await;
        assert_eq!(still["status"], "RECEIVED", "{still}");
        assert_eq!(deadline(&still, "FORWARDING")["late"], true, "{still}");
        // It is still forwarded, late.
        clock.advance(time::Duration::MINUTE);
        let erlan = officer_token(&app, ERLAN, BODY).await;
        let late = forward(&app, &erlan, &still).await;
        assert_eq!(late["userErrors"], json!([]), "{late}");
        assert_eq!(deadline(&late["complaint"], "FORWARDING")["late"], true);

        // A refusal cancels nothing.
        assert_eq!(
            codes(&prepare_decision(&app, &bolat, &forwarded, "REFUSED", true).await),
            ["NOTHING_TO_CANCEL"]
        );
        // A department officer's key does not sign the ministry's act.
        let prepared = prepare_decision(&app, &bolat, &forwarded, "SATISFIED", true).await;
        let request = &prepared["signingRequest"];
        let wrong = decide(
            &app,
            &bolat,
            request,
            sign(
                &body_sign_at(BOLAT, BODY, ROLE_EMPLOYEE),
                &payload_of(request),
            ),
        )
        .await;
        assert_eq!(codes(&wrong), ["SIGNER_MISMATCH"], "{wrong}");
        // Nor does the department sign the ministry's request.
        let theirs = decide(
            &app,
            &erlan,
            request,
            sign(
                &body_sign_at(ERLAN, BODY, ROLE_EMPLOYEE),
                &payload_of(request),
            ),
        )
        .await;
        assert_eq!(codes(&theirs), ["NOT_ALLOWED"], "{theirs}");

        // The ministry satisfies it with its signed act, cancelling the appeal's decision.
        let decided_complaint = ministry_decides(&app, &bolat, &forwarded, "SATISFIED", true).await;
        assert_eq!(
            decided_complaint["status"], "DECIDED",
            "{backend:?}: {decided_complaint}"
        );
        assert_eq!(decided_complaint["outcome"], "SATISFIED");
        assert_eq!(decided_complaint["actCancelled"], true);
        assert_eq!(instant(&decided_complaint["decidedAt"]), clock.now());
        let decision = deadline(&decided_complaint, "DECISION");
        assert_eq!(instant(&decision["metAt"]), clock.now(), "{decision}");
        assert_eq!(
            instant(&decision["dueAt"]),
            working_days_from(received_at, 5)
        );
        assert_eq!(decision["late"], false);
        assert_eq!(
            steps(&decided_complaint).last(),
            Some(&("DECIDED".to_owned(), "OFFICER".to_owned()))
        );
        // The ministry reads the appeal it reopened as the complaint's case.
        assert_eq!(decided_complaint["appeal"]["id"], appeal["id"]);
        assert_eq!(decided_complaint["appeal"]["status"], "RECEIVED");

        // The appeal is received again, with a new decision term from now.
        let reopened = appeal_as(&app, &aigerim, &appeal["id"]).await;
        assert_eq!(reopened["status"], "RECEIVED", "{backend:?}: {reopened}");
        assert_eq!(reopened["outcome"], Value::Null);
        assert_eq!(reopened["decidedAt"], Value::Null);
        let terms = deadlines_of(&reopened, "DECISION");
        assert_eq!(terms.len(), 2, "{reopened}");
        let running: Vec<&&Value> = terms
            .iter()
            .filter(|d| d["metAt"].is_null() && d["supersededAt"].is_null())
            .collect();
        assert_eq!(running.len(), 1, "one term runs: {reopened}");
        assert_eq!(instant(&running[0]["startedAt"]), clock.now());
        assert_eq!(
            instant(&running[0]["dueAt"]),
            working_days_from(clock.now(), 15)
        );
        assert_eq!(running[0]["late"], false);
        let history = steps(&reopened);
        assert_eq!(
            history.last(),
            Some(&("RECEIVED".to_owned(), "OFFICER".to_owned())),
            "{reopened}"
        );
        assert_eq!(
            reopened["history"].as_array().unwrap().last().unwrap()["from"],
            "DECIDED"
        );
        // Received again, the department decides it anew: it is in its list.
        let queue = app
            .graphql(
                "{ appealsForReview { edges { node { id } } } }",
                json!({}),
                Some(&erlan),
            )
            .await;
        assert_eq!(
            queue["data"]["appealsForReview"]["edges"][0]["node"]["id"], appeal["id"],
            "{queue}"
        );
        // Decided once: an act prepared before comes too late.
        let again = decide(
            &app,
            &bolat,
            request,
            sign(
                &body_sign_at(BOLAT, MINISTRY, ROLE_EMPLOYEE),
                &payload_of(request),
            ),
        )
        .await;
        assert_eq!(codes(&again), ["CONFLICT"], "{again}");
        assert_eq!(
            codes(&prepare_decision(&app, &bolat, &decided_complaint, "REFUSED", false).await),
            ["APPEAL_NOT_EDITABLE"]
        );
    }
}

#[actix_web::test]
async fn a_late_complaint_is_received_and_heard_only_once_its_term_is_restored() {
    for backend in BACKENDS {
        let clock = Arc::new(ManualClock::new(START));
        let app = app_on(backend, &clock, false).await;
        let aigerim = token_of(&app, AIGERIM).await;
        let refused = refused_at_once(&app, &aigerim).await;
        let route = application(&app, &aigerim, &refused["id"]).await["appealRoute"].clone();
        assert_eq!(instant(&route["deadline"]), datetime!(2027-03-01 19:00 UTC));

        // Nine days after the 3 months ended.
        clock.set(datetime!(2027-03-10 05:00 UTC));
        let aigerim = token_of(&app, AIGERIM).await;
        let erlan = officer_token(&app, ERLAN, BODY).await;
        let bolat = officer_token(&app, BOLAT, MINISTRY).await;
        // The route still says until when it ran.
        assert_eq!(
            application(&app, &aigerim, &refused["id"]).await["appealRoute"],
            route
        );
        let mut input = complaint_input("2027-03-10", json!({ "applicationId": refused["id"] }));
        input["restorationReason"] = json!("Находилась на стационарном лечении");
        let late = complained(&app, &aigerim, input.clone()).await;
        // Received, never refused: late, with its request to restore the term.
        assert_eq!(late["status"], "RECEIVED", "{backend:?}: {late}");
        assert!(late["receipt"]["number"].is_string());
        assert_eq!(late["late"], true);
        assert_eq!(
            late["restorationRequest"],
            json!({ "reason": "Находилась на стационарном лечении", "decision": null })
        );
        assert_eq!(late["learnedAt"], route["learnedAt"]);
        let filing = deadline(&late, "FILING");
        assert_eq!(filing["dueAt"], route["deadline"], "{filing}");
        assert_eq!(instant(&filing["metAt"]), clock.now());
        assert_eq!(filing["late"], true, "{filing}");
        assert_eq!(
            instant(&deadline(&late, "FORWARDING")["dueAt"]),
            working_days_from(clock.now(), 3)
        );
        assert_eq!(
            instant(&deadline(&late, "DECISION")["dueAt"]),
            working_days_from(clock.now(), 5)
        );
        // Another one, its restoration to be denied.
        input["restorationReason"] = json!("Забыла");
        let other = complained(&app, &aigerim, input).await;
        assert_eq!(other["late"], true, "{other}");

        // Its restoration is the hearing body's to decide, once forwarded.
        assert_eq!(
            codes(&restoration(&app, &bolat, &late, true).await),
            ["APPEAL_NOT_EDITABLE"]
        );
        let late = forward(&app, &erlan, &late).await;
        assert_eq!(late["userErrors"], json!([]), "{late}");
        let late = late["complaint"].clone();
        let other = forward(&app, &erlan, &other).await["complaint"].clone();
        assert_eq!(other["status"], "FORWARDED", "{other}");
        assert_eq!(
            codes(&restoration(&app, &erlan, &late, true).await),
            ["NOT_ALLOWED"]
        );

        // Not decided before its term is restored.
        assert_eq!(
            codes(&prepare_decision(&app, &bolat, &late, "SATISFIED", true).await),
            ["RESTORATION_UNDECIDED"],
            "{backend:?}"
        );
        let granted = restoration(&app, &bolat, &late, true).await;
        assert_eq!(granted["userErrors"], json!([]), "{granted}");
        let granted = granted["complaint"].clone();
        assert_eq!(granted["status"], "FORWARDED", "{granted}");
        assert_eq!(granted["restorationRequest"]["decision"], "GRANTED");
        let last = granted["history"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last["from"], "FORWARDED", "{granted}");
        assert_eq!(last["to"], "FORWARDED");
        assert!(
            last["reason"].as_str().unwrap().contains("granted"),
            "{last}"
        );
        // Decided once only.
        assert_eq!(
            codes(&restoration(&app, &bolat, &granted, false).await),
            ["APPEAL_NOT_EDITABLE"]
        );
        // Restored, it is heard: the refusal is cancelled.
        let decided = ministry_decides(&app, &bolat, &granted, "SATISFIED", true).await;
        assert_eq!(decided["status"], "DECIDED", "{backend:?}: {decided}");
        assert_eq!(decided["actCancelled"], true);
        // The ministry reads the application it reopened as the complaint's case.
        assert_eq!(decided["application"]["id"], refused["id"]);
        assert_eq!(decided["application"]["status"], "IN_REVIEW");
        let reopened = application(&app, &aigerim, &refused["id"]).await;
        assert_eq!(reopened["status"], "IN_REVIEW", "{reopened}");
        assert_eq!(
            instant(&reopened["serviceDeadline"]),
            clock.now() + time::Duration::minutes(15)
        );

        // The other's restoration is denied: not considered, and not decided afterwards.
        let denied = restoration(&app, &bolat, &other, false).await;
        assert_eq!(denied["userErrors"], json!([]), "{denied}");
        let denied = denied["complaint"].clone();
        assert_eq!(denied["status"], "RESTORATION_DENIED", "{denied}");
        assert_eq!(denied["restorationRequest"]["decision"], "DENIED");
        assert_eq!(denied["outcome"], Value::Null);
        assert_eq!(
            instant(&deadline(&denied, "DECISION")["metAt"]),
            clock.now()
        );
        assert_eq!(
            steps(&denied).last(),
            Some(&("RESTORATION_DENIED".to_owned(), "OFFICER".to_owned()))
        );
        assert_eq!(
            codes(&prepare_decision(&app, &bolat, &denied, "SATISFIED", false).await),
            ["APPEAL_NOT_EDITABLE"]
        );
        assert_eq!(
            codes(&restoration(&app, &bolat, &denied, true).await),
            ["APPEAL_NOT_EDITABLE"]
        );
        // Out of the lists of what the bodies still have to act on.
        assert!(for_review(&app, &bolat).await.is_empty());
    }
}

#[actix_web::test]
async fn nothing_to_complain_of_until_the_service_time_is_missed() {
    for backend in BACKENDS {
        let clock = Arc::new(ManualClock::new(START));
        let app = app_on(backend, &clock, true).await;
        let aigerim = token_of(&app, AIGERIM).await;
        let waiting = own_flat(&app, &aigerim).await;
        assert_eq!(waiting["status"], "IN_REVIEW", "{backend:?}: {waiting}");
        let appeal = appealed(&app, &aigerim, "2026-12-01").await;
        let against_application = json!({ "applicationId": waiting["id"] });

        // In review within its service time; an appeal just received.
        for against in [
            against_application.clone(),
            json!({ "appealId": appeal["id"] }),
        ] {
            let nothing =
                prepare_complaint(&app, &aigerim, complaint_input("2026-12-01", against)).await;
            assert_eq!(
                codes(&nothing),
                ["NOTHING_TO_COMPLAIN_OF"],
                "{backend:?}: {nothing}"
            );
            assert_eq!(
                nothing["userErrors"][0]["field"],
                json!(["input", "complaint", "against"])
            );
            assert_eq!(nothing["complaint"], Value::Null);
        }
        // Another person's application or appeal is not found.
        let dana = token_of(&app, DANA).await;
        for against in [
            against_application.clone(),
            json!({ "appealId": appeal["id"] }),
        ] {
            let theirs =
                prepare_complaint(&app, &dana, complaint_input("2026-12-01", against)).await;
            assert_eq!(codes(&theirs), ["NOT_FOUND"], "{theirs}");
        }
        // What it is against: exactly one of the two.
        let both = prepare_complaint(
            &app,
            &aigerim,
            complaint_input(
                "2026-12-01",
                json!({ "applicationId": waiting["id"], "appealId": appeal["id"] }),
            ),
        )
        .await;
        assert_eq!(codes(&both), ["BAD_USER_INPUT"], "{both}");
        let neither =
            prepare_complaint(&app, &aigerim, complaint_input("2026-12-01", json!({}))).await;
        assert_eq!(codes(&neither), ["BAD_USER_INPUT"], "{neither}");

        // A second before the service time ends: still nothing.
        let service_deadline = instant(&waiting["serviceDeadline"]);
        clock.set(service_deadline - time::Duration::SECOND);
        let nothing = prepare_complaint(
            &app,
            &aigerim,
            complaint_input("2026-12-01", against_application.clone()),
        )
        .await;
        assert_eq!(codes(&nothing), ["NOTHING_TO_COMPLAIN_OF"], "{nothing}");
        // From its end, undecided: the body's inaction is complained of.
        clock.set(service_deadline + time::Duration::MINUTE);
        let missed = complained(
            &app,
            &aigerim,
            complaint_input("2026-12-01", against_application),
        )
        .await;
        assert_eq!(missed["status"], "RECEIVED", "{backend:?}: {missed}");
        assert_eq!(missed["against"], "MISSED_DEADLINE");
        assert_eq!(instant(&missed["learnedAt"]), service_deadline);
        assert_eq!(missed["application"]["id"], waiting["id"]);
        assert_eq!(missed["application"]["status"], "IN_REVIEW");
        assert_eq!(missed["bodyComplainedOf"]["bin"], BODY);
        assert_eq!(missed["hearingBody"]["bin"], MINISTRY);
        assert_eq!(missed["late"], false);
        // 3 months from the day the service time ended.
        assert_eq!(
            instant(&deadline(&missed, "FILING")["dueAt"]),
            datetime!(2027-03-01 19:00 UTC)
        );
        // An inaction is no act: nothing to cancel, whoever decides.
        let erlan = officer_token(&app, ERLAN, BODY).await;
        assert_eq!(
            codes(&satisfy(&app, &erlan, &missed, true).await),
            ["NOTHING_TO_CANCEL"]
        );
        let forwarded = forward(&app, &erlan, &missed).await["complaint"].clone();
        let bolat = officer_token(&app, BOLAT, MINISTRY).await;
        // The ministry hears it with the case: it reads the application complained of, by the
        // complaint and by its id (its documents list as the applicant's, empty here), and
        // each reading is audited as the case's; an officer of another body reads neither.
        let heard = complaint_as(&app, &bolat, &forwarded["id"]).await;
        assert_eq!(
            heard["application"]["id"], waiting["id"],
            "{backend:?}: {heard}"
        );
        let case_fields = "id status documents { id }";
        let case = application_as(&app, &bolat, &waiting["id"], case_fields).await;
        assert_eq!(case["id"], waiting["id"], "{case}");
        assert_eq!(
            case,
            application_as(&app, &aigerim, &waiting["id"], case_fields).await
        );
        assert_eq!(
            case_audit(&app, BOLAT).await,
            ["the case of an appeal or complaint"; 2]
        );
        let stranger = officer_token(&app, STRANGER, OTHER_BODY).await;
        assert_eq!(
            complaint_as(&app, &stranger, &forwarded["id"]).await,
            Value::Null
        );
        assert_eq!(
            application_as(&app, &stranger, &waiting["id"], case_fields).await,
            Value::Null
        );
        assert_eq!(
            codes(&prepare_decision(&app, &bolat, &forwarded, "SATISFIED", true).await),
            ["NOTHING_TO_CANCEL"]
        );
        let decided = ministry_decides(&app, &bolat, &forwarded, "SATISFIED", false).await;
        assert_eq!(decided["status"], "DECIDED", "{decided}");
        assert_eq!(decided["actCancelled"], false);
        let aigerim = token_of(&app, AIGERIM).await;
        let still = complaint_as(&app, &aigerim, &decided["id"]).await;
        assert_eq!(still["application"]["status"], "IN_REVIEW", "{still}");
    }
}

/// Aigerim's appeal to the department, not decided within its 15 working days and deemed
/// refused by the maintenance step; the appeal.
async fn deemed_refused(app: &TestApp, clock: &Arc<ManualClock>) -> Value {
    let aigerim = token_of(app, AIGERIM).await;
    let appeal = appealed(app, &aigerim, "2026-12-01").await;
    let due = instant(&deadline(&appeal, "DECISION")["dueAt"]);
    clock.set(due);
    let ctx = instance(app, clock.clone()).await;
    let run = api::core::service::maintenance::run_once(&ctx, due)
        .await
        .unwrap();
    assert_eq!(run.appeals_deemed_refused, 1);
    let aigerim = token_of(app, AIGERIM).await;
    let refused = appeal_as(app, &aigerim, &appeal["id"]).await;
    assert_eq!(refused["status"], "DEEMED_REFUSED", "{refused}");
    refused
}

#[actix_web::test]
async fn a_deemed_refusal_is_complained_of_and_cancelled_by_the_ministry() {
    let clock = Arc::new(ManualClock::new(START));
    let app = app_on(Backend::Postgres, &clock, false).await;
    let appeal = deemed_refused(&app, &clock).await;
    clock.advance(time::Duration::HOUR);
    let aigerim = token_of(&app, AIGERIM).await;
    let complaint = complained(
        &app,
        &aigerim,
        complaint_input("2026-12-22", json!({ "appealId": appeal["id"] })),
    )
    .await;
    assert_eq!(complaint["status"], "RECEIVED", "{complaint}");
    assert_eq!(complaint["against"], "APPEAL_DECISION");
    assert_eq!(complaint["learnedAt"], appeal["deemedRefusedAt"]);
    assert_eq!(complaint["appeal"]["status"], "DEEMED_REFUSED");
    let erlan = officer_token(&app, ERLAN, BODY).await;
    let forwarded = forward(&app, &erlan, &complaint).await["complaint"].clone();
    let bolat = officer_token(&app, BOLAT, MINISTRY).await;
    let decided = ministry_decides(&app, &bolat, &forwarded, "SATISFIED", true).await;
    assert_eq!(decided["status"], "DECIDED", "{decided}");
    assert_eq!(decided["actCancelled"], true);
    let reopened = appeal_as(&app, &aigerim, &appeal["id"]).await;
    assert_eq!(reopened["status"], "RECEIVED", "{reopened}");
    assert_eq!(
        reopened["history"].as_array().unwrap().last().unwrap()["from"],
        "DEEMED_REFUSED"
    );
    let running = deadline(&reopened, "DECISION");
    assert_eq!(instant(&running["startedAt"]), clock.now(), "{reopened}");
    assert_eq!(
        instant(&running["dueAt"]),
        working_days_from(clock.now(), 15)
    );
}

#[actix_web::test]
async fn a_reopened_deemed_refusal_runs_only_its_new_term() {
    let clock = Arc::new(ManualClock::new(START));
    let app = app_on(Backend::Sqlite, &clock, false).await;
    let appeal = deemed_refused(&app, &clock).await;
    clock.advance(time::Duration::HOUR);
    let aigerim = token_of(&app, AIGERIM).await;
    let complaint = complained(
        &app,
        &aigerim,
        complaint_input("2026-12-22", json!({ "appealId": appeal["id"] })),
    )
    .await;
    let erlan = officer_token(&app, ERLAN, BODY).await;
    let forwarded = forward(&app, &erlan, &complaint).await["complaint"].clone();
    let bolat = officer_token(&app, BOLAT, MINISTRY).await;
    ministry_decides(&app, &bolat, &forwarded, "SATISFIED", true).await;
    let reopened = appeal_as(&app, &aigerim, &appeal["id"]).await;
    assert_eq!(reopened["status"], "RECEIVED", "{reopened}");
    // The maintenance step leaves it alone until its new term ends.
    let ctx = instance(&app, clock.clone()).await;
    let run = api::core::service::maintenance::run_once(&ctx, clock.now())
        .await
        .unwrap();
    let still = appeal_as(&app, &aigerim, &appeal["id"]).await;
    assert_eq!(
        run.appeals_deemed_refused, 0,
        "deemed refused again at once: {still}"
    );
    assert_eq!(still["status"], "RECEIVED", "{still}");
    // The old term is over: only the new one runs, and it is not late.
    let open: Vec<&Value> = deadlines_of(&reopened, "DECISION")
        .into_iter()
        .filter(|d| d["metAt"].is_null() && d["supersededAt"].is_null())
        .collect();
    assert_eq!(open.len(), 1, "one decision term runs: {reopened}");
    assert_eq!(open[0]["late"], false, "{reopened}");
}

#[actix_web::test]
async fn a_refusal_cancelled_on_a_complaint_is_decided_again() {
    let clock = Arc::new(ManualClock::new(START));
    let app = app_on(Backend::Sqlite, &clock, true).await;
    let aigerim = token_of(&app, AIGERIM).await;
    let erlan = officer_token(&app, ERLAN, BODY).await;
    let refused = refused_by_officer(&app, &aigerim, &erlan).await;
    let complaint = complained(
        &app,
        &aigerim,
        complaint_input("2026-12-01", json!({ "applicationId": refused["id"] })),
    )
    .await;
    let satisfied = satisfy(&app, &erlan, &complaint, true).await;
    assert_eq!(satisfied["userErrors"], json!([]), "{satisfied}");
    let reopened = application(&app, &aigerim, &refused["id"]).await;
    assert_eq!(reopened["status"], "IN_REVIEW", "{reopened}");
    // The officer now approves it: registered.
    let decided = officer_decides(&app, &erlan, ERLAN, &reopened, "APPROVE").await;
    assert_eq!(codes(&decided), Vec::<String>::new(), "{decided}");
    assert_eq!(decided["application"]["status"], "REGISTERED", "{decided}");
}

#[actix_web::test]
async fn a_deadline_met_at_the_instant_it_ends_is_late() {
    let clock = Arc::new(ManualClock::new(START));
    let app = app_on(Backend::Sqlite, &clock, false).await;
    let aigerim = token_of(&app, AIGERIM).await;
    let refused = refused_at_once(&app, &aigerim).await;
    // Filed at 24:00 Almaty time of the last day of its 3 months.
    clock.set(datetime!(2027-03-01 19:00 UTC));
    let aigerim = token_of(&app, AIGERIM).await;
    let complaint = complained(
        &app,
        &aigerim,
        complaint_input("2027-03-02", json!({ "applicationId": refused["id"] })),
    )
    .await;
    assert_eq!(complaint["late"], true, "{complaint}");
    assert_eq!(
        deadline(&complaint, "FILING")["late"],
        true,
        "the complaint is late, its FILING deadline says so: {complaint}"
    );
    // Forwarded at the instant its 3 working days end, when it may no longer be satisfied by
    // the body: late too.
    clock.set(instant(&deadline(&complaint, "FORWARDING")["dueAt"]));
    let erlan = officer_token(&app, ERLAN, BODY).await;
    assert_eq!(
        codes(&satisfy(&app, &erlan, &complaint, true).await),
        ["FORWARDING_DEADLINE_PASSED"]
    );
    let forwarded = forward(&app, &erlan, &complaint).await;
    assert_eq!(
        deadline(&forwarded["complaint"], "FORWARDING")["late"],
        true,
        "{forwarded}"
    );
}
