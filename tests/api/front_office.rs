//! The front-office channel end to end: an officer files for a citizen present, checking the
//! identity document against the state's registries; the owner consents in person, confirmed
//! by the officer's signature; the service registers it within the front office's 30 minutes.

use crate::helpers::*;
use serde_json::{Value, json};

const AIGERIM: &str = "871008401427";
const DANA: &str = "061211600012";
const BODY: &str = "940140000385";
const OTHER_BODY: &str = "050740003216";
/// Officers: Erlan at the demo body's counter, Bolat at another body's.
const ERLAN: &str = "850315300019";
const BOLAT: &str = "540302300122";

/// Documents the tests add to the state's registries (numbers the demo data does not use).
const DANA_ID: &str = "990000101";
const DANA_EXPIRED_ID: &str = "990000102";
const AIGERIM_ID: &str = "990000103";

const FIELDS: &str = "id version status channel intakeDocument { kind maskedNumber checkedAt } serviceClockStartedAt serviceDeadline consents { id status inPersonDocument { kind maskedNumber } authority } registration { kind active } history { edges { node { from to actorRole reason } } }";

async fn add_documents(app: &TestApp) {
    use entities::enums::StateDocumentKind::IdCard;
    use sea_orm::{ActiveModelTrait, Set};
    let db = sea_orm::Database::connect(&app.database_url).await.unwrap();
    let today = now().date();
    for (number, holder, valid_until) in [
        (DANA_ID, DANA, today + time::Duration::days(3650)),
        (DANA_EXPIRED_ID, DANA, today - time::Duration::days(1)),
        (AIGERIM_ID, AIGERIM, today + time::Duration::days(3650)),
    ] {
        entities::state_document::ActiveModel {
            id: Set(uuid::Uuid::new_v4()),
            kind: Set(IdCard),
            number: Set(number.to_owned()),
            holder_iin: Set(holder.to_owned()),
            issued_on: Set(today - time::Duration::days(3000)),
            valid_until: Set(Some(valid_until)),
            invalidated_on: Set(None),
        }
        .insert(&db)
        .await
        .unwrap();
    }
    let _ = db.close().await;
}

async fn open(app: &TestApp, token: &str, kind: &str, number: &str) -> Value {
    let response = app
        .graphql(
            &format!("mutation($input: CreateApplicationInput!) {{ createApplication(input: $input) {{ application {{ {FIELDS} }} userErrors {{ code field message }} }} }}"),
            json!({ "input": {
                "frontOffice": { "applicantIin": DANA, "identityDocument": { "kind": kind, "number": number } },
                "kind": "PERMANENT",
                "address": { "ownerIin": AIGERIM, "area": "54.30" },
                "personalDataConsent": true,
            } }),
            Some(token),
        )
        .await;
    response["data"]["createApplication"].clone()
}

fn first_error(payload: &Value) -> (String, Vec<String>) {
    let error = &payload["userErrors"][0];
    let field = error["field"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|p| p.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default();
    (error["code"].as_str().unwrap_or_default().to_owned(), field)
}

async fn submit(app: &TestApp, token: &str, request: &Value, cms: String) -> Value {
    let response = app
        .graphql(
            &format!("mutation($input: SubmitApplicationInput!) {{ submitApplication(input: $input) {{ application {{ {FIELDS} }} userErrors {{ code field }} }} }}"),
            json!({ "input": { "signingRequestId": request["id"], "signature": { "cms": cms } } }),
            Some(token),
        )
        .await;
    response["data"]["submitApplication"].clone()
}

async fn prepare_in_person(app: &TestApp, token: &str, consent: &Value, number: &str) -> Value {
    let response = app
        .graphql(
            "mutation($input: PrepareConsentInPersonSigningInput!) { prepareConsentInPersonSigning(input: $input) { signingRequest { id payload text keyRequirements { iin bin } allowedMethods } userErrors { code field message } } }",
            json!({ "input": { "consentId": consent, "identityDocument": { "kind": "ID_CARD", "number": number } } }),
            Some(token),
        )
        .await;
    response["data"]["prepareConsentInPersonSigning"].clone()
}

async fn confirm(app: &TestApp, token: &str, request: &Value, cms: String) -> Value {
    let response = app
        .graphql(
            "mutation($input: ConfirmConsentInPersonInput!) { confirmConsentInPerson(input: $input) { consent { status authority inPersonDocument { kind maskedNumber checkedAt } } userErrors { code field } } }",
            json!({ "input": { "signingRequestId": request["id"], "signature": { "cms": cms } } }),
            Some(token),
        )
        .await;
    response["data"]["confirmConsentInPerson"].clone()
}

#[actix_web::test]
async fn an_officer_files_for_a_citizen_present_and_the_owner_consents_in_person() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        add_documents(&app).await;
        let officer = officer_signed_in(&app, ERLAN, BODY).await;
        let dana = signed_in(&app, DANA).await;

        // The document must be the applicant's own, valid, and an identity document.
        for (kind, number, why) in [
            ("ID_CARD", AIGERIM_ID, "another person's"),
            ("ID_CARD", DANA_EXPIRED_ID, "expired"),
            ("ID_CARD", "990000199", "unknown"),
            ("BIRTH_CERTIFICATE", DANA_ID, "not an identity document"),
        ] {
            let refused = open(&app, &officer, kind, number).await;
            assert!(refused["application"].is_null(), "{why}: {refused}");
            assert_eq!(
                first_error(&refused),
                (
                    "IDENTITY_DOCUMENT_NOT_CONFIRMED".to_owned(),
                    vec![
                        "input".into(),
                        "frontOffice".into(),
                        "identityDocument".into()
                    ]
                ),
                "{why}: {refused}"
            );
        }
        // Only an officer files at a counter.
        let by_citizen = open(&app, &dana, "ID_CARD", DANA_ID).await;
        assert_eq!(first_error(&by_citizen).0, "NOT_ALLOWED", "{by_citizen}");

        let opened = open(&app, &officer, "ID_CARD", " 990000101 ").await;
        let draft = opened["application"].clone();
        assert_eq!(draft["channel"], "FRONT_OFFICE", "{opened}");
        assert_eq!(draft["status"], "DRAFT");
        assert_eq!(draft["intakeDocument"]["kind"], "ID_CARD");
        assert_eq!(draft["intakeDocument"]["maskedNumber"], "******101");
        assert_eq!(statuses(&draft), vec![pair("DRAFT", "OFFICER")]);

        // The citizen reads it but does not change it; an officer of another body sees nothing.
        let read = application_as(&app, &dana, &draft["id"], "channel").await;
        assert_eq!(read["channel"], "FRONT_OFFICE");
        let changed = app
            .graphql(
                "mutation($input: UpdateApplicationInput!) { updateApplication(input: $input) { userErrors { code } } }",
                json!({ "input": { "id": draft["id"], "version": draft["version"], "refugee": false } }),
                Some(&dana),
            )
            .await;
        assert_eq!(
            codes(&changed["data"]["updateApplication"]),
            vec!["NOT_ALLOWED"]
        );
        let stranger = officer_signed_in(&app, BOLAT, OTHER_BODY).await;
        assert!(
            application_as(&app, &stranger, &draft["id"], "id")
                .await
                .is_null(),
            "another body's officer reads nothing"
        );

        // The officer signs the filing with the body's key: not with a personal one.
        let request = prepare_signing(&app, &officer, &draft).await;
        let payload: Value = serde_json::from_slice(&payload_of(&request)).unwrap();
        assert_eq!(payload["channel"], "FRONT_OFFICE");
        assert_eq!(payload["intake"]["number"], DANA_ID);
        assert_eq!(payload["applicant"]["iin"], DANA);
        let personal = submit(
            &app,
            &officer,
            &request,
            sign(&sign_certificate(ERLAN), &payload_of(&request)),
        )
        .await;
        assert_eq!(codes(&personal), vec!["SIGNER_MISMATCH"], "{personal}");
        let filed = submit(
            &app,
            &officer,
            &request,
            sign(
                &officer_sign_certificate(ERLAN, BODY),
                &payload_of(&request),
            ),
        )
        .await;
        let application = filed["application"].clone();
        assert_eq!(application["status"], "AWAITING_CONSENTS", "{filed}");
        let consent = application["consents"][0]["id"].clone();

        // In person: the document's holder must be the owner (or act for them).
        let not_owner = prepare_in_person(&app, &officer, &consent, DANA_ID).await;
        assert_eq!(first_error(&not_owner).0, "NOT_ALLOWED", "{not_owner}");
        let elsewhere = prepare_in_person(&app, &stranger, &consent, AIGERIM_ID).await;
        assert_eq!(first_error(&elsewhere).0, "NOT_FOUND", "{elsewhere}");
        let prepared = prepare_in_person(&app, &officer, &consent, AIGERIM_ID).await;
        let request = prepared["signingRequest"].clone();
        assert_eq!(request["keyRequirements"]["bin"], BODY, "{prepared}");
        assert_eq!(request["keyRequirements"]["iin"], ERLAN);
        assert_eq!(request["allowedMethods"], json!(["EDS"]));
        let payload: Value = serde_json::from_slice(&payload_of(&request)).unwrap();
        assert_eq!(payload["type"], "registration-kz/consent-in-person");
        assert_eq!(payload["signer"]["iin"], AIGERIM);
        assert_eq!(payload["inPerson"]["document"]["number"], AIGERIM_ID);

        // The owner's own key does not confirm it (the officer's session asks for the body's);
        // the ordinary signConsent does not take an in-person request either.
        let owner_key = confirm(
            &app,
            &officer,
            &request,
            sign(&sign_certificate(ERLAN), &payload_of(&request)),
        )
        .await;
        assert_eq!(codes(&owner_key), vec!["SIGNER_MISMATCH"], "{owner_key}");
        let aigerim = signed_in(&app, AIGERIM).await;
        let as_owner = app
            .graphql(
                "mutation($input: SignConsentInput!) { signConsent(input: $input) { userErrors { code } } }",
                json!({ "input": { "signingRequestId": request["id"], "signature": { "cms": sign(&sign_certificate(AIGERIM), &payload_of(&request)) } } }),
                Some(&aigerim),
            )
            .await;
        assert_eq!(
            codes(&as_owner["data"]["signConsent"]),
            vec!["NOT_ALLOWED"],
            "{as_owner}"
        );

        let given = confirm(
            &app,
            &officer,
            &request,
            sign(
                &officer_sign_certificate(ERLAN, BODY),
                &payload_of(&request),
            ),
        )
        .await;
        assert_eq!(given["consent"]["status"], "GIVEN", "{given}");
        assert_eq!(given["consent"]["authority"], "PARTY");
        assert_eq!(
            given["consent"]["inPersonDocument"]["maskedNumber"],
            "******103"
        );

        // Complete: the service registers it, within the front office's 30 minutes.
        let done = application_as(&app, &dana, &application["id"], FIELDS).await;
        assert_eq!(done["status"], "REGISTERED", "{done}");
        assert_eq!(done["registration"]["active"], true);
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
        assert_eq!(deadline - started, time::Duration::minutes(30));
        let history = statuses(&done);
        assert_eq!(
            history[..3],
            [
                pair("DRAFT", "OFFICER"),
                pair("SUBMITTED", "OFFICER"),
                pair("AWAITING_CONSENTS", "SYSTEM"),
            ]
        );
        assert!(
            history.contains(&pair("IN_REVIEW", "OFFICER")),
            "{history:?}"
        );
        assert_eq!(history.last(), Some(&pair("REGISTERED", "SYSTEM")));
    }
}
