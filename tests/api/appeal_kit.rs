//! What the appeal tests (`appeals`, `appeal_review`, `complaints`) share: the demo people and
//! bodies, certificates valid over the clocks those tests set, signing in (a citizen, a listed
//! officer), Aigerim's appeal filed with her EDS, and the deadlines and terms read off an
//! appeal or a complaint.

use crate::helpers::{TestApp, payload_of, pki, sign};
use api::core::calendar::{Calendar, WorkingHours};
use serde_json::{Value, json};
use signatures::testing::{Certificate, CertificateBuilder, KeyUsageBit, nca};
use time::macros::datetime;
use time::{Date, OffsetDateTime};

/// Aigerim: the applicant, in the demo data.
pub(crate) const AIGERIM: &str = "871008401427";
/// Dana: another citizen.
pub(crate) const DANA: &str = "061211600012";
/// The demo body (a Department of the Migration Service), which decides applications and
/// appeals, and its parent, the Ministry of Internal Affairs (made-up BIN), which hears
/// complaints against it.
pub(crate) const BODY: &str = "940140000385";
pub(crate) const MINISTRY: &str = "940140000048";
/// Erlan: an officer (employee) of the body.
pub(crate) const ERLAN: &str = "850315300019";
/// Bolat: an officer of the ministry, or the body's head, as a test lists him.
pub(crate) const BOLAT: &str = "540302300122";

/// `certificate` valid over the clocks these tests set (2024 to 2028; the test PKI's
/// intermediate CA is valid 2019 to 2029), issued by the intermediate CA.
fn over_window(certificate: CertificateBuilder) -> Certificate {
    certificate
        .validity(
            datetime!(2024-01-01 0:00 UTC),
            datetime!(2028-01-01 0:00 UTC),
        )
        .issued_by(&pki().intermediate)
}

/// A person's authentication key, valid over the window.
fn auth_at(iin: &str) -> Certificate {
    over_window(pki().individual_auth(iin))
}

/// A person's signing key, valid over the window.
pub(crate) fn sign_at(iin: &str) -> Certificate {
    over_window(pki().individual_sign(iin))
}

/// A legal entity's signing key of `body` for `iin` with `role` (employee or head), valid over
/// the window.
pub(crate) fn body_sign_at(iin: &str, body: &str, role: &str) -> Certificate {
    over_window(pki().legal_entity_sign(iin, body, role))
}

/// A legal entity's authentication key of `body` for `iin` with `role`, valid over the window.
fn body_auth_at(iin: &str, body: &str, role: &str) -> Certificate {
    over_window(
        pki()
            .legal_entity_sign(iin, body, role)
            .key_usage(&[KeyUsageBit::DigitalSignature, KeyUsageBit::KeyEncipherment])
            .ext_key_usage(&[nca::EKU_CLIENT_AUTH, nca::EKU_LEGAL_ENTITY, role]),
    )
}

/// Signs `iin` in with their authentication key (valid over the window); the token.
pub(crate) async fn token_of(app: &TestApp, iin: &str) -> String {
    let payload = app.login_with(&auth_at(iin)).await;
    payload["token"]
        .as_str()
        .unwrap_or_else(|| panic!("signed in: {payload}"))
        .to_owned()
}

/// Lists `iin` as an officer of `body` from `at`.
pub(crate) async fn list_officer(app: &TestApp, iin: &str, body: &str, at: OffsetDateTime) {
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    api::core::service::admin::add_officer(&db, iin, body, at)
        .await
        .expect("listed as an officer");
    let _ = db.close().await;
}

/// Signs a listed officer in with their body's key with `role` (valid over the window); the
/// token.
pub(crate) async fn officer_token(app: &TestApp, iin: &str, body: &str, role: &str) -> String {
    let login = app.login_with(&body_auth_at(iin, body, role)).await;
    login["token"]
        .as_str()
        .unwrap_or_else(|| panic!("an officer signed in: {login}"))
        .to_owned()
}

/// Aigerim's complete appeal to the body, dated `date`, of `essence`.
pub(crate) fn appeal_input(date: &str, essence: &str) -> Value {
    json!({
        "kind": "PERSON",
        "fullName": "Серикова Айгерим Нурлановна",
        "iin": AIGERIM,
        "postalAddress": "г. Астана, ул. Кенесары, 40, кв. 12",
        "bodyBin": BODY,
        "essence": essence,
        "date": date,
    })
}

/// Aigerim's complete appeal to the body, dated `date`: why her application takes longer than
/// its term.
pub(crate) fn complete(date: &str) -> Value {
    appeal_input(
        date,
        "Прошу разъяснить, почему заявление о регистрации рассматривается дольше срока.",
    )
}

/// Prepares `appeal` and files it signed with Aigerim's EDS; the appeal as received, with the
/// `fields` selection.
pub(crate) async fn appeal_received(
    app: &TestApp,
    token: &str,
    appeal: Value,
    fields: &str,
) -> Value {
    let answer = app
        .graphql(
            "mutation($input: PrepareAppealSigningInput!) { prepareAppealSigning(input: $input) { signingRequest { id payload } userErrors { code field } } }",
            json!({ "input": { "appeal": appeal } }),
            Some(token),
        )
        .await;
    let prepared = &answer["data"]["prepareAppealSigning"];
    assert_eq!(prepared["userErrors"], json!([]), "{answer}");
    let request = &prepared["signingRequest"];
    assert!(request["id"].is_string(), "{answer}");
    let answer = app
        .graphql(
            &format!("mutation($input: FileAppealInput!) {{ fileAppeal(input: $input) {{ appeal {{ {fields} }} userErrors {{ code field }} }} }}"),
            json!({ "input": { "signingRequestId": request["id"], "signature": { "cms": sign(&sign_at(AIGERIM), &payload_of(request)) } } }),
            Some(token),
        )
        .await;
    let filed = &answer["data"]["fileAppeal"];
    assert_eq!(filed["userErrors"], json!([]), "{answer}");
    assert_eq!(filed["appeal"]["status"], "RECEIVED", "{answer}");
    filed["appeal"].clone()
}

/// An instant in an answer (RFC 3339).
pub(crate) fn instant(text: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(
        text.as_str()
            .unwrap_or_else(|| panic!("an instant: {text}")),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("RFC 3339")
}

/// An appeal's or a complaint's deadlines of `kind`, as listed (oldest first).
pub(crate) fn deadlines_of<'a>(row: &'a Value, kind: &str) -> Vec<&'a Value> {
    row["deadlines"]
        .as_array()
        .unwrap_or_else(|| panic!("deadlines: {row}"))
        .iter()
        .filter(|d| d["kind"] == kind)
        .collect()
}

/// The instant a term ends: 24:00 Almaty of its last day.
pub(crate) fn end_of(calendar: &Calendar, last: Date) -> OffsetDateTime {
    calendar
        .almaty()
        .start_of_day(last.next_day().expect("a next day"))
}

/// When a term of `days` working days counted from `received_at` ends.
pub(crate) fn term_end(
    calendar: &Calendar,
    received_at: OffsetDateTime,
    days: u32,
) -> OffsetDateTime {
    let term = calendar.term_from_receipt(received_at, WorkingHours::default(), days);
    end_of(calendar, *term.value())
}
