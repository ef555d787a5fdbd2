//! `registration-api reverify SIGNATURE_ID`: a signature stored by the real server, re-checked
//! offline by the built binary from its evidence alone, with the verdict it had; revocation
//! from the stored CRLs though the command has none configured; a tampered row, an unknown id;
//! a one-time-password signature by its seal.

use crate::helpers::*;
use entities::stored_signature;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use signatures::testing::{CrlBuilder, Reason};
use std::path::Path;
use std::process::Command;
use time::Duration;

/// Aigerim: in the demo data, with a phone and a flat of her own.
const AIGERIM: &str = "871008401427";
const AIGERIM_PHONE: &str = "+77017234518";
const AIGERIM_FLAT: &str = "0201900148270042";

/// The trust configuration the command reads, as the test app's: the test PKIs' roots and
/// intermediates, written to `dir`. No CRL file.
fn trust_env(dir: &Path) -> Vec<(String, String)> {
    let write = |name: &str, pem: String| {
        let path = dir.join(name);
        std::fs::write(&path, pem).expect("written");
        path.display().to_string()
    };
    let anchors = [
        write("root.pem", pki().root.pem()),
        write("gost-root.pem", gost_pki().root.pem()),
    ];
    let intermediates = [
        write("intermediate.pem", pki().intermediate.pem()),
        write("gost-intermediate.pem", gost_pki().intermediate.pem()),
    ];
    vec![
        ("EDS_TRUST_ANCHORS".to_owned(), anchors.join(",")),
        ("EDS_INTERMEDIATES".to_owned(), intermediates.join(",")),
        (
            "DOCUMENTS_DIR".to_owned(),
            dir.join("documents").display().to_string(),
        ),
    ]
}

/// What the command answered: its exit code, its JSON (`Null` when stdout is empty) and stderr.
#[derive(Debug)]
struct Answer {
    code: Option<i32>,
    json: Value,
    stderr: String,
}

/// Runs `registration-api ARGS…` on the app's database in the development profile with
/// `extra` (and nothing else of this process's environment), off the server's thread.
async fn run(app: &TestApp, args: &[&str], extra: Vec<(String, String)>) -> Answer {
    let binary = registration_api_of_this_build().to_path_buf();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let database_url = app.database_url.clone();
    let output = actix_web::rt::task::spawn_blocking(move || {
        let mut command = Command::new(binary);
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", database_url)
            .env("APP_ENV", "development");
        for (name, value) in extra {
            command.env(name, value);
        }
        command.output().expect("registration-api runs")
    })
    .await
    .expect("the command's task");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let json = if stdout.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("not one JSON object ({e}): {stdout}"))
    };
    Answer {
        code: output.status.code(),
        json,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

async fn reverify(app: &TestApp, id: &str, extra: Vec<(String, String)>) -> Answer {
    run(app, &["reverify", id], extra).await
}

/// The app's stored signatures of `purpose`, oldest first.
async fn signatures_of(app: &TestApp, purpose: &str) -> Vec<stored_signature::Model> {
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    let mut rows: Vec<stored_signature::Model> = stored_signature::Entity::find()
        .all(&db)
        .await
        .expect("the stored signatures")
        .into_iter()
        .filter(|row| sea_orm::ActiveEnum::to_value(&row.purpose) == purpose)
        .collect();
    rows.sort_by_key(|row| row.received_at);
    let _ = db.close().await;
    rows
}

/// Changes a stored signature's row.
async fn tamper(
    app: &TestApp,
    row: &stored_signature::Model,
    change: stored_signature::ActiveModel,
) {
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    stored_signature::Entity::update_many()
        .set(change)
        .filter(stored_signature::Column::Id.eq(row.id))
        .exec(&db)
        .await
        .expect("the row changed");
    let _ = db.close().await;
}

fn assert_same(answer: &Answer, case: &str) {
    assert_eq!(answer.code, Some(0), "{case}: {answer:?}");
    assert_eq!(answer.json["sameVerdict"], true, "{case}: {answer:?}");
    assert_eq!(answer.json["storedValid"], true, "{case}");
    assert_eq!(answer.json["nowValid"], true, "{case}");
    assert_eq!(answer.json["storedCode"], "OK", "{case}");
    assert_eq!(answer.json["nowCode"], "OK", "{case}");
}

fn assert_differs(answer: &Answer, case: &str) {
    assert_eq!(answer.code, Some(1), "{case}: {answer:?}");
    assert_eq!(answer.json["sameVerdict"], false, "{case}: {answer:?}");
    assert_eq!(answer.json["storedValid"], true, "{case}");
    assert_eq!(answer.json["nowValid"], false, "{case}");
}

#[actix_web::test]
async fn a_stored_signature_is_reverified_offline_with_the_verdict_it_had() {
    for backend in BACKENDS {
        let case = format!("{backend:?}");
        let app = spawn_app(backend).await;
        let folder = RemoveFolder::new("reverify");
        let env = trust_env(&folder.0);
        let token = signed_in(&app, AIGERIM).await;
        file_application(
            &app,
            &token,
            AIGERIM,
            json!({ "kind": "PERMANENT", "address": { "rka": AIGERIM_FLAT }, "personalDataConsent": true }),
            "id",
        )
        .await;
        let [sign_in] = signatures_of(&app, "SIGN_IN")
            .await
            .try_into()
            .expect("one sign-in");
        let [application] = signatures_of(&app, "APPLICATION")
            .await
            .try_into()
            .expect("one application signature");

        // Both verify again with the verdict they had, at the time they had.
        for (row, purpose) in [(&sign_in, "SIGN_IN"), (&application, "APPLICATION")] {
            let answer = reverify(&app, &row.id.to_string(), env.clone()).await;
            assert_same(&answer, &case);
            let json = &answer.json;
            assert_eq!(json["signatureId"], row.id.to_string(), "{case}");
            assert_eq!(json["method"], "EDS");
            assert_eq!(json["purpose"], purpose);
            let stored: Value = serde_json::from_str(&row.report).expect("a JSON report");
            assert_eq!(json["validationTime"], stored["validationTime"], "{case}");
            assert_eq!(json["report"]["validationTime"], stored["validationTime"]);
            assert_eq!(json["report"]["signers"][0]["timeSource"], "GIVEN");
            assert_eq!(json["report"]["signers"][0]["iin"], AIGERIM);
            assert_eq!(json["evidence"]["missing"], json!([]), "{case}");
        }

        // A tampered row no longer holds the verdict it had: the content, then the CMS.
        let mut content = application.signed_content.clone();
        content.push(b' ');
        tamper(
            &app,
            &application,
            stored_signature::ActiveModel {
                signed_content: Set(content),
                ..Default::default()
            },
        )
        .await;
        let answer = reverify(&app, &application.id.to_string(), env.clone()).await;
        assert_differs(&answer, &case);
        assert_ne!(answer.json["nowCode"], "OK");
        let mut cms = sign_in.cms.clone();
        let last = cms.len() - 1;
        cms[last] ^= 0x01;
        tamper(
            &app,
            &sign_in,
            stored_signature::ActiveModel {
                cms: Set(cms),
                ..Default::default()
            },
        )
        .await;
        let answer = reverify(&app, &sign_in.id.to_string(), env.clone()).await;
        assert_differs(&answer, &case);
        assert_eq!(
            answer.json["nowCode"], "SIGNATURE_INVALID",
            "{case}: {answer:?}"
        );

        // No such signature, not an id, no id: usage errors, nothing on stdout.
        let unknown = uuid::Uuid::new_v4().to_string();
        for args in [
            vec!["reverify", unknown.as_str()],
            vec!["reverify", "not-an-id"],
            vec!["reverify"],
        ] {
            let answer = run(&app, &args, env.clone()).await;
            assert_eq!(answer.code, Some(2), "{case} {args:?}: {answer:?}");
            assert_eq!(answer.json, Value::Null, "{case} {args:?}");
        }
        let answer = reverify(&app, &unknown, env.clone()).await;
        assert!(
            answer.stderr.contains("no stored signature") && answer.stderr.contains(&unknown),
            "{case}: {}",
            answer.stderr
        );
    }
}

/// A current CRL of `issuer`, revoking `revoked` half an hour ago when given.
fn current_crl(
    issuer: &signatures::testing::Certificate,
    number: u64,
    revoked: Option<&[u8]>,
) -> Vec<u8> {
    let now = now();
    let mut crl = CrlBuilder::new(issuer)
        .number(number)
        .this_update(now - Duration::hours(1))
        .next_update(Some(now + Duration::days(7)));
    if let Some(serial) = revoked {
        crl = crl.revoke(
            serial,
            now - Duration::minutes(30),
            Some(Reason::KeyCompromise),
        );
    }
    crl.build()
}

/// The settings the production profile needs besides the trust configuration, as the test
/// app's (its Redis, seal key and the rest).
fn production_env(dir: &Path) -> Vec<(String, String)> {
    let mut env = trust_env(dir);
    env.extend(
        [
            ("APP_ENV", "production"),
            ("REDIS_URL", REDIS_URL),
            ("OTP_KEY_PREFIX", "test:reverify:"),
            (
                "OTP_SECRET",
                "a secret of 32 characters or more that the command never uses",
            ),
            ("OTP_SEAL_KEY", seal_key()),
            ("SMS_GATEWAY_URL", "http://127.0.0.1:9/sms"),
            ("SERVICE_BODY_BIN", "940140000385"),
        ]
        .map(|(n, v)| (n.to_owned(), v.to_owned())),
    );
    env
}

#[actix_web::test]
async fn revocation_comes_from_the_stored_evidence_alone() {
    let folder = RemoveFolder::new("reverify-crls");
    let dir = folder.0.clone();
    let leaf_crl = dir.join("nca.crl");
    let root_crl = dir.join("root.crl");
    std::fs::write(&leaf_crl, current_crl(&pki().intermediate, 1, None)).expect("written");
    std::fs::write(&root_crl, current_crl(&pki().root, 1, None)).expect("written");
    let crls = format!("{},{}", leaf_crl.display(), root_crl.display());
    // Production: revocation data is required, so without the stored CRLs the verdict changes.
    let app = spawn_app_with(
        Backend::Sqlite,
        &[
            ("APP_ENV", "production"),
            ("EDS_CRLS", &crls),
            ("EDS_CRL_CHECK_SECONDS", "0"),
        ],
    )
    .await;
    let env = production_env(&dir);
    let certificate = auth_certificate("910520300017");
    assert!(app.login_with(&certificate).await["token"].is_string());
    assert!(app.login_with(&certificate).await["token"].is_string());
    let [first, second] = signatures_of(&app, "SIGN_IN")
        .await
        .try_into()
        .expect("two sign-ins");

    // The command has no CRL configured: what it relies on is the CRLs stored beside the
    // signature, which the new report names as its revocation evidence.
    let answer = reverify(&app, &first.id.to_string(), env.clone()).await;
    assert_same(&answer, "with its CRLs");
    assert_eq!(answer.json["evidence"]["crls"], 2, "{answer:?}");
    assert_eq!(answer.json["evidence"]["missing"], json!([]));
    let stored: Value = serde_json::from_str(&first.report).expect("a JSON report");
    let digests = |report: &Value| -> Vec<String> {
        let mut d: Vec<String> = report["evidence"]["crls"]
            .as_array()
            .expect("CRL evidence")
            .iter()
            .map(|c| c["sha256"].as_str().expect("a digest").to_owned())
            .collect();
        d.sort();
        d
    };
    assert_eq!(digests(&answer.json["report"]), digests(&stored));
    assert_eq!(digests(&stored).len(), 2);

    // Without them, the CRLs the report names are missing (the verifier says so) and the
    // revocation status is unknown: not the verdict it had.
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    let unlink = |id: uuid::Uuid| {
        let db = db.clone();
        async move {
            entities::signature_evidence::Entity::delete_many()
                .filter(entities::signature_evidence::Column::SignatureId.eq(id))
                .exec(&db)
                .await
                .expect("unlinked");
        }
    };
    unlink(first.id).await;
    let answer = reverify(&app, &first.id.to_string(), env.clone()).await;
    assert_differs(&answer, "without its CRLs");
    assert_eq!(answer.json["nowCode"], "REVOCATION_UNKNOWN", "{answer:?}");
    let missing = answer.json["evidence"]["missing"].to_string();
    for digest in digests(&stored) {
        assert!(missing.contains(&digest), "{missing}");
    }

    // The CRL file now revokes the key (compromised half an hour ago, before both
    // signatures): the server refuses it from then on.
    std::fs::write(
        &leaf_crl,
        current_crl(&pki().intermediate, 2, Some(&certificate.serial)),
    )
    .expect("rewritten");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while codes(&app.login_with(&certificate).await) != ["REVOKED"] {
        assert!(std::time::Instant::now() < deadline, "never reloaded");
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Another person's sign-in is stored with that CRL as its evidence (content-addressed);
    // kept beside the second signature too, it re-verifies that one as revoked, offline.
    assert!(app.login_with(&auth_certificate("880422400230")).await["token"].is_string());
    // The file as the server read it (a CRL is signed anew each time it is built).
    let file = std::fs::read(&leaf_crl).expect("the CRL file");
    let digest = {
        let d = ring::digest::digest(&ring::digest::SHA256, &file);
        d.as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let kept = entities::evidence::Entity::find_by_id(digest.clone())
        .one(&db)
        .await
        .expect("the evidence table")
        .expect("the revoking CRL is kept as evidence");
    assert_eq!(sea_orm::ActiveEnum::to_value(&kept.kind), "CRL");
    entities::signature_evidence::ActiveModel {
        signature_id: Set(second.id),
        digest: Set(digest),
    }
    .insert(&db)
    .await
    .expect("linked");
    let _ = db.close().await;
    let answer = reverify(&app, &second.id.to_string(), env.clone()).await;
    assert_differs(&answer, "revoked by its evidence");
    assert_eq!(answer.json["nowCode"], "REVOKED", "{answer:?}");
    assert_eq!(
        answer.json["report"]["signers"][0]["revocation"]["reason"],
        "keyCompromise"
    );
}

#[actix_web::test]
async fn a_one_time_password_signature_is_rechecked_by_its_seal() {
    let app = spawn_app(Backend::Sqlite).await;
    let folder = RemoveFolder::new("reverify-otp");
    let env = trust_env(&folder.0);
    let token = signed_in(&app, AIGERIM).await;
    let created = app
        .graphql(
            "mutation($input: CreateApplicationInput!) { createApplication(input: $input) { application { id version } userErrors { code } } }",
            json!({ "input": { "kind": "PERMANENT", "address": { "rka": AIGERIM_FLAT }, "personalDataConsent": true } }),
            Some(&token),
        )
        .await;
    let draft = created["data"]["createApplication"]["application"].clone();
    let request = prepare_signing(&app, &token, &draft).await;
    let before = outbox(&app, AIGERIM_PHONE).await.len();
    let asked = app
        .graphql(
            "mutation($input: RequestOtpInput!) { requestOtp(input: $input) { otpChallenge { id } userErrors { code } } }",
            json!({ "input": { "purpose": "SIGN", "signingRequestId": request["id"] } }),
            Some(&token),
        )
        .await;
    assert_eq!(
        asked["data"]["requestOtp"]["userErrors"],
        json!([]),
        "{asked}"
    );
    let (_, code) = sms_number(&app, AIGERIM_PHONE, before).await;
    let submitted = app
        .graphql(
            "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { status } userErrors { code } } }",
            json!({ "input": { "signingRequestId": request["id"], "signature": { "otp": code.expect("a code") } } }),
            Some(&token),
        )
        .await;
    assert_eq!(
        codes(&submitted["data"]["submitApplication"]),
        Vec::<String>::new(),
        "{submitted}"
    );
    let [signature] = signatures_of(&app, "APPLICATION")
        .await
        .try_into()
        .expect("one application signature");
    let id = signature.id.to_string();

    // The seal verifies over the kept evidence with the key the service publishes.
    let answer = reverify(&app, &id, env.clone()).await;
    assert_same(&answer, "OTP");
    let json = &answer.json;
    assert_eq!(json["method"], "OTP");
    assert_eq!(json["evidence"]["otpSeals"], 1);
    assert_eq!(json["report"]["code"], "OK");
    assert_eq!(json["report"]["maskedPhone"], "+7 7** *** 45 18");
    assert_eq!(json["report"]["keyRetired"], false);
    let keys = app.graphql("{ sealKeys { id } }", json!({}), None).await;
    assert_eq!(
        json["report"]["seal"]["keyId"],
        keys["data"]["sealKeys"][0]["id"]
    );

    // With another seal key than the one that sealed it, the seal names no published key.
    let mut other = env.clone();
    other.push(("OTP_SEAL_KEY".to_owned(), seal_key().to_owned()));
    let answer = reverify(&app, &id, other).await;
    assert_differs(&answer, "another key");
    assert_eq!(answer.json["nowCode"], "SEAL_KEY_UNKNOWN", "{answer:?}");

    // The row's sealed evidence changed: no longer what the seal and the evidence table hold.
    let mut content = signature.signed_content.clone();
    content.push(b' ');
    tamper(
        &app,
        &signature,
        stored_signature::ActiveModel {
            signed_content: Set(content),
            ..Default::default()
        },
    )
    .await;
    let answer = reverify(&app, &id, env.clone()).await;
    assert_differs(&answer, "tampered");
    assert_eq!(answer.json["nowCode"], "EVIDENCE_MISMATCH", "{answer:?}");

    // The kept seal document is gone: the evidence is missing, said as an error.
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    db.execute_unprepared("DELETE FROM signature_evidence")
        .await
        .expect("unlinked");
    let _ = db.close().await;
    let answer = reverify(&app, &id, env).await;
    assert_eq!(answer.code, Some(2), "{answer:?}");
    assert!(
        answer.stderr.contains("evidence missing"),
        "{}",
        answer.stderr
    );
}
