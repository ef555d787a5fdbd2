//! Uploaded documents end to end: multipart uploads (the GraphQL multipart request spec, with
//! the `GraphQL-Preflight` header), limits judged by the bytes, `GET /documents/{id}` for those
//! who may read the application only, the signature over the documents' digests, deletion, and
//! a file damaged on disk never served. Each test keeps its documents in a folder of its own.

use crate::helpers::*;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};

/// Aigerim: in the demo data, sole owner of the flat with this RKA.
const AIGERIM: &str = "871008401427";
const AIGERIM_FLAT: &str = "0201900148270042";
const NURLAN: &str = "760212350620";

/// A small but real PDF (ASCII, so its bytes read the same as text).
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// The first bytes of a PNG, and more: binary, not UTF-8.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\xff\xfe";

const FIELDS: &str = "document { id kind fileName contentType size sha256 uploadedAt downloadUrl } application { id version status missingRequirements { code field } documents { id kind sha256 } } userErrors { code field message detail } clientMutationId";

const CREATE: &str = "mutation($input: CreateApplicationInput!) { createApplication(input: $input) { application { id version missingRequirements { code field } } userErrors { code field } } }";
const DELETE: &str = "mutation($input: DeleteDocumentInput!) { deleteDocument(input: $input) { deletedDocumentId application { id version documents { id } missingRequirements { code } } userErrors { code field } clientMutationId } }";
const READ: &str = "query($id: ID!) { application(id: $id) { version status documents { id kind fileName sha256 downloadUrl } missingRequirements { code field } } }";
const NODE: &str =
    "query($id: ID!) { node(id: $id) { __typename ... on Document { id kind sha256 } } }";
const PREPARE: &str = "mutation($input: PrepareSigningInput!) { prepareSigning(input: $input) { signingRequest { id payload } userErrors { code field detail } } }";
const SUBMIT: &str = "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { id status version } userErrors { code field } } }";

/// A raw HTTP answer: the bytes of a document are not text.
#[derive(Debug)]
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// One HTTP/1.1 exchange with a binary body, over a fresh connection (blocking).
fn exchange(port: u16, method: &str, path: &str, headers: &[(String, String)], body: &[u8]) -> Raw {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the server listens");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("head written");
    stream.write_all(body).expect("body written");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("an answer");
    let split = find(&raw, b"\r\n\r\n").expect("a head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut rest = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .expect("a status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        let mut body = Vec::new();
        while let Some(end) = find(&rest, b"\r\n") {
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..end]).trim(), 16)
                .expect("a chunk size");
            if size == 0 {
                break;
            }
            body.extend_from_slice(&rest[end + 2..end + 2 + size]);
            rest = rest[end + 2 + size + 2..].to_vec();
        }
        rest = body;
    }
    Raw {
        status,
        headers,
        body: rest,
    }
}

async fn send(
    port: u16,
    method: &'static str,
    path: &str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
) -> Raw {
    let path = path.to_owned();
    actix_web::rt::task::spawn_blocking(move || exchange(port, method, &path, &headers, &body))
        .await
        .expect("the client task")
}

/// A file for `uploadDocument`: its name and the Content-Type the client claims.
struct File<'a> {
    name: &'a str,
    claimed_type: &'a str,
    bytes: &'a [u8],
}

fn pdf(name: &str) -> File<'_> {
    File {
        name,
        claimed_type: "application/pdf",
        bytes: PDF,
    }
}

/// `uploadDocument` as a multipart request (`operations`, `map`, the file part), with the
/// `GraphQL-Preflight` header; the whole answer.
async fn upload_raw(
    app: &TestApp,
    token: &str,
    application: &Value,
    kind: &str,
    file: &File<'_>,
) -> Raw {
    let boundary = "----registration-documents-7f3a9c";
    let operations = json!({
        "query": format!("mutation($input: UploadDocumentInput!) {{ uploadDocument(input: $input) {{ {FIELDS} }} }}"),
        "variables": { "input": {
            "applicationId": application["id"],
            "kind": kind,
            "file": null,
            "clientMutationId": "upload-1",
        } },
    });
    let mut body = Vec::new();
    for (name, value) in [
        ("operations", operations.to_string()),
        ("map", json!({ "0": ["variables.input.file"] }).to_string()),
    ] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
            file.name, file.claimed_type
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let headers = vec![
        (
            "Content-Type".to_owned(),
            format!("multipart/form-data; boundary={boundary}"),
        ),
        ("GraphQL-Preflight".to_owned(), "1".to_owned()),
        ("Authorization".to_owned(), format!("Bearer {token}")),
    ];
    send(app.port, "POST", "/graphql", headers, body).await
}

/// `uploadDocument`'s payload.
async fn upload(
    app: &TestApp,
    token: &str,
    application: &Value,
    kind: &str,
    file: &File<'_>,
) -> Value {
    let answer = upload_raw(app, token, application, kind, file).await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let json = answer.json();
    assert!(json["errors"].is_null(), "{json}");
    json["data"]["uploadDocument"].clone()
}

/// `GET` a document's URL, signed in with `token` (or not).
async fn download(app: &TestApp, token: Option<&str>, url: &str) -> Raw {
    let headers = token
        .map(|t| vec![("Authorization".to_owned(), format!("Bearer {t}"))])
        .unwrap_or_default();
    send(app.port, "GET", url, headers, Vec::new()).await
}

/// An app whose documents go to a folder of the test's own (removed when the test ends).
async fn app_with_documents(backend: Backend, extra: &[(&str, &str)]) -> (TestApp, RemoveFolder) {
    let folder = RemoveFolder::new("documents");
    let dir = folder.0.display().to_string();
    let mut settings = vec![("DOCUMENTS_DIR", dir.as_str())];
    settings.extend_from_slice(extra);
    (spawn_app_with(backend, &settings).await, folder)
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

fn sha256_hex(bytes: &[u8]) -> String {
    signatures::testing::Digest::Sha256
        .compute(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A complete draft of Aigerim's arriving from abroad: temporary (no de-registration proof
/// named), so it lacks only her passport.
async fn arrival_draft(app: &TestApp, token: &str) -> Value {
    let input = json!({
        "kind": "TEMPORARY",
        "periodMonths": 6,
        "address": { "rka": AIGERIM_FLAT },
        "personalDataConsent": true,
        "arrivalFromAbroad": { "country": "UZ", "identityDocument": "PASSPORT", "identityDocumentNumber": "FA1234567" },
    });
    let created = app
        .graphql(CREATE, json!({ "input": input }), Some(token))
        .await;
    let draft = created["data"]["createApplication"]["application"].clone();
    assert!(draft["id"].is_string(), "{created}");
    draft
}

fn requirement_codes(application: &Value) -> Vec<String> {
    application["missingRequirements"]
        .as_array()
        .expect("missing requirements")
        .iter()
        .map(|m| m["code"].as_str().expect("a code").to_owned())
        .collect()
}

async fn read(app: &TestApp, token: &str, id: &Value) -> Value {
    app.graphql(READ, json!({ "id": id }), Some(token)).await["data"]["application"].clone()
}

#[actix_web::test]
async fn a_pdf_goes_up_and_comes_back_to_those_who_may_read_it_only() {
    for backend in BACKENDS {
        let (app, folder) = app_with_documents(backend, &[]).await;
        let token = signed_in(&app, AIGERIM).await;
        let draft = arrival_draft(&app, &token).await;
        // DOMAIN: a citizen arriving from abroad uploads the identity document they named.
        assert_eq!(
            requirement_codes(&draft),
            ["IDENTITY_DOCUMENT_NOT_UPLOADED"]
        );
        assert_eq!(
            draft["missingRequirements"][0]["field"],
            json!(["input", "arrivalFromAbroad", "identityDocument"])
        );

        let uploaded = upload(&app, &token, &draft, "PASSPORT", &pdf("../../паспорт.pdf")).await;
        assert_eq!(
            codes(&uploaded),
            Vec::<String>::new(),
            "{backend:?}: {uploaded}"
        );
        assert_eq!(uploaded["clientMutationId"], "upload-1");
        let document = &uploaded["document"];
        assert_eq!(document["kind"], "PASSPORT");
        assert_eq!(document["fileName"], "паспорт.pdf", "no path kept");
        assert_eq!(document["contentType"], "application/pdf");
        assert_eq!(document["size"], PDF.len());
        assert_eq!(document["sha256"], sha256_hex(PDF));
        let url = document["downloadUrl"].as_str().expect("a URL");
        assert_eq!(
            url,
            format!("/documents/{}", document["id"].as_str().unwrap())
        );
        // The application moved on: a new version, nothing missing, the document listed.
        let application = &uploaded["application"];
        assert_eq!(application["version"], 2, "{uploaded}");
        assert_eq!(application["missingRequirements"], json!([]));
        assert_eq!(application["documents"][0]["id"], document["id"]);
        // Stored under its digest.
        let stored = files_under(&folder.0);
        assert_eq!(stored.len(), 1, "{stored:?}");
        assert_eq!(std::fs::read(&stored[0]).unwrap(), PDF);
        assert!(stored[0].ends_with(sha256_hex(PDF)));

        // The applicant reads the bytes back, as an attachment never sniffed or cached.
        let answer = download(&app, Some(&token), url).await;
        assert_eq!(answer.status, 200, "{backend:?}");
        assert_eq!(answer.body, PDF);
        assert_eq!(answer.header("content-type"), Some("application/pdf"));
        let disposition = answer.header("content-disposition").expect("a disposition");
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert!(
            disposition.contains("filename*=UTF-8''%D0%BF%D0%B0%D1%81%D0%BF%D0%BE%D1%80%D1%82.pdf"),
            "{disposition}"
        );
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(answer.header("cache-control"), Some("private, no-store"));

        // Anyone else learns nothing, not even that it exists.
        let nurlan = signed_in(&app, NURLAN).await;
        for token in [Some(nurlan.as_str()), None, Some("rs_not-a-session")] {
            let answer = download(&app, token, url).await;
            assert_eq!(answer.status, 404, "{backend:?} {token:?}");
            assert!(find(&answer.body, b"%PDF").is_none());
        }
        let unknown = format!(
            "/documents/{}",
            URL_SAFE_NO_PAD.encode("Document:00000000-0000-4000-8000-000000000000")
        );
        assert_eq!(download(&app, Some(&token), &unknown).await.status, 404);
        assert_eq!(
            download(&app, Some(&token), "/documents/garbage")
                .await
                .status,
            404
        );
        // node(id): a Document for the applicant, nothing for another citizen.
        let node = app
            .graphql(NODE, json!({ "id": document["id"] }), Some(&token))
            .await;
        assert_eq!(node["data"]["node"]["__typename"], "Document", "{node}");
        assert_eq!(node["data"]["node"]["sha256"], sha256_hex(PDF));
        let hidden = app
            .graphql(NODE, json!({ "id": document["id"] }), Some(&nurlan))
            .await;
        assert!(hidden["data"]["node"].is_null(), "{hidden}");
        // Nor may they upload to it.
        let theirs = upload(&app, &nurlan, &draft, "PASSPORT", &pdf("x.pdf")).await;
        assert_eq!(codes(&theirs), ["NOT_FOUND"], "{theirs}");
        assert_eq!(
            theirs["userErrors"][0]["field"],
            json!(["input", "applicationId"])
        );

        // A binary photograph is served as what its bytes are, whatever the client said.
        let photo = File {
            name: "photo.pdf",
            claimed_type: "application/pdf",
            bytes: PNG,
        };
        let png = upload(&app, &token, &draft, "PASSPORT", &photo).await;
        assert_eq!(png["document"]["contentType"], "image/png", "{png}");
        let answer = download(
            &app,
            Some(&token),
            png["document"]["downloadUrl"].as_str().unwrap(),
        )
        .await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, PNG);
        assert_eq!(answer.header("content-type"), Some("image/png"));
        let listed = read(&app, &token, &draft["id"]).await;
        assert_eq!(
            listed["documents"].as_array().map(Vec::len),
            Some(2),
            "{listed}"
        );
        assert_eq!(listed["version"], 3);
    }
}

#[actix_web::test]
async fn files_over_the_limit_empty_or_in_disguise_are_refused_and_nothing_is_stored() {
    for backend in BACKENDS {
        let (app, folder) = app_with_documents(backend, &[("DOCUMENT_MAX_BYTES", "1024")]).await;
        let token = signed_in(&app, AIGERIM).await;
        let draft = arrival_draft(&app, &token).await;

        let mut large = PDF.to_vec();
        large.resize(2000, b' ');
        let too_large = File {
            name: "scan.pdf",
            claimed_type: "application/pdf",
            bytes: &large,
        };
        let refused = upload(&app, &token, &draft, "PASSPORT", &too_large).await;
        assert_eq!(
            codes(&refused),
            ["DOCUMENT_TOO_LARGE"],
            "{backend:?}: {refused}"
        );
        assert_eq!(refused["userErrors"][0]["field"], json!(["input", "file"]));
        let message = refused["userErrors"][0]["message"].as_str().unwrap();
        assert!(message.contains("1 КБ"), "the limit is said: {message}");
        assert!(refused["document"].is_null() && refused["application"].is_null());

        let executable = File {
            name: "scan.pdf",
            claimed_type: "application/pdf",
            bytes:
                b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0This program cannot be run in DOS mode.",
        };
        let html = File {
            name: "scan.pdf",
            claimed_type: "application/pdf",
            bytes: b"<!DOCTYPE html><html><body><script>fetch('/graphql')</script>%PDF-1.4</body></html>",
        };
        for disguised in [&executable, &html] {
            let refused = upload(&app, &token, &draft, "PASSPORT", disguised).await;
            assert_eq!(
                codes(&refused),
                ["DOCUMENT_TYPE_NOT_ALLOWED"],
                "{backend:?}: {refused}"
            );
            assert_eq!(refused["userErrors"][0]["field"], json!(["input", "file"]));
        }
        let empty = File {
            name: "scan.pdf",
            claimed_type: "application/pdf",
            bytes: b"",
        };
        assert_eq!(
            codes(&upload(&app, &token, &draft, "PASSPORT", &empty).await),
            ["DOCUMENT_EMPTY"]
        );

        // Nothing stored: no file, no row, the same version, still missing the passport.
        assert_eq!(files_under(&folder.0), Vec::<PathBuf>::new(), "{backend:?}");
        let unchanged = read(&app, &token, &draft["id"]).await;
        assert_eq!(unchanged["documents"], json!([]), "{unchanged}");
        assert_eq!(unchanged["version"], draft["version"]);
        assert_eq!(
            requirement_codes(&unchanged),
            ["IDENTITY_DOCUMENT_NOT_UPLOADED"]
        );
    }
}

#[actix_web::test]
async fn an_application_holds_ten_documents_at_most() {
    for backend in BACKENDS {
        let (app, folder) = app_with_documents(backend, &[]).await;
        let token = signed_in(&app, AIGERIM).await;
        let draft = arrival_draft(&app, &token).await;
        for n in 0..10 {
            let uploaded = upload(
                &app,
                &token,
                &draft,
                "PASSPORT",
                &pdf(&format!("page-{n}.pdf")),
            )
            .await;
            assert_eq!(
                codes(&uploaded),
                Vec::<String>::new(),
                "{backend:?} {n}: {uploaded}"
            );
        }
        let eleventh = upload(&app, &token, &draft, "PASSPORT", &pdf("page-10.pdf")).await;
        assert_eq!(
            codes(&eleventh),
            ["DOCUMENT_LIMIT_REACHED"],
            "{backend:?}: {eleventh}"
        );
        // The same bytes ten times are one file.
        assert_eq!(files_under(&folder.0).len(), 1);
    }
}

#[actix_web::test]
async fn the_signature_covers_the_documents_which_are_fixed_once_submitted() {
    for backend in BACKENDS {
        let (app, _folder) = app_with_documents(backend, &[]).await;
        let token = signed_in(&app, AIGERIM).await;
        // Permanent, with a certificate of citizenship named: both documents are wanted.
        let input = json!({
            "kind": "PERMANENT",
            "address": { "rka": AIGERIM_FLAT },
            "personalDataConsent": true,
            "arrivalFromAbroad": {
                "country": "RU",
                "identityDocument": "PASSPORT",
                "identityDocumentNumber": "N0000001",
                "deregistrationProof": "CITIZENSHIP_CERTIFICATE",
            },
        });
        let created = app
            .graphql(CREATE, json!({ "input": input }), Some(&token))
            .await;
        let draft = created["data"]["createApplication"]["application"].clone();
        assert_eq!(
            requirement_codes(&draft),
            [
                "IDENTITY_DOCUMENT_NOT_UPLOADED",
                "DEREGISTRATION_PROOF_NOT_UPLOADED"
            ],
            "{created}"
        );
        // Preparing the signing is refused until they are there.
        let refused = app
            .graphql(
                PREPARE,
                json!({ "input": { "applicationId": draft["id"], "version": draft["version"] } }),
                Some(&token),
            )
            .await;
        assert_eq!(
            codes(&refused["data"]["prepareSigning"]),
            ["REQUIREMENTS_MISSING"],
            "{refused}"
        );

        let certificate = File {
            name: "certificate.png",
            claimed_type: "image/png",
            bytes: PNG,
        };
        upload(
            &app,
            &token,
            &draft,
            "CITIZENSHIP_CERTIFICATE",
            &certificate,
        )
        .await;
        let uploaded = upload(&app, &token, &draft, "PASSPORT", &pdf("passport.pdf")).await;
        let application = uploaded["application"].clone();
        assert_eq!(application["missingRequirements"], json!([]), "{uploaded}");

        let prepare = |application: Value| {
            let (app, token) = (&app, &token);
            async move {
                let input = json!({ "applicationId": application["id"], "version": application["version"] });
                app.graphql(PREPARE, json!({ "input": input }), Some(token))
                    .await["data"]["prepareSigning"]["signingRequest"]
                    .clone()
            }
        };
        let request = prepare(application.clone()).await;
        let payload: Value = serde_json::from_slice(
            &STANDARD
                .decode(request["payload"].as_str().expect("a payload"))
                .unwrap(),
        )
        .unwrap();
        // Sorted by kind, then digest.
        assert_eq!(
            payload["documents"],
            json!([
                { "kind": "CITIZENSHIP_CERTIFICATE", "sha256": sha256_hex(PNG) },
                { "kind": "PASSPORT", "sha256": sha256_hex(PDF) },
            ]),
            "{backend:?}: {payload}"
        );

        // A document added after the signing was prepared voids it: the signed bytes no longer
        // describe the application.
        let mut another = PDF.to_vec();
        another.extend_from_slice(b"% page 2\n");
        let page = File {
            name: "passport-2.pdf",
            claimed_type: "application/pdf",
            bytes: &another,
        };
        let added = upload(&app, &token, &draft, "PASSPORT", &page).await;
        let stale = request["payload"]
            .as_str()
            .map(|p| STANDARD.decode(p).unwrap())
            .unwrap();
        let submit = |request_id: Value, bytes: Vec<u8>| {
            let (app, token) = (&app, &token);
            async move {
                let input = json!({ "signingRequestId": request_id, "signature": { "cms": sign(&sign_certificate(AIGERIM), &bytes) } });
                app.graphql(SUBMIT, json!({ "input": input }), Some(token))
                    .await["data"]["submitApplication"]
                    .clone()
            }
        };
        let void = submit(request["id"].clone(), stale).await;
        assert_eq!(
            codes(&void),
            ["SIGNING_REQUEST_VOID"],
            "{backend:?}: {void}"
        );

        let request = prepare(added["application"].clone()).await;
        let bytes = STANDARD
            .decode(request["payload"].as_str().unwrap())
            .unwrap();
        let payload: Value = serde_json::from_slice(&bytes).unwrap();
        let mut passports = [sha256_hex(PDF), sha256_hex(&another)];
        passports.sort();
        assert_eq!(
            payload["documents"],
            json!([
                { "kind": "CITIZENSHIP_CERTIFICATE", "sha256": sha256_hex(PNG) },
                { "kind": "PASSPORT", "sha256": passports[0] },
                { "kind": "PASSPORT", "sha256": passports[1] },
            ])
        );
        let submitted = submit(request["id"].clone(), bytes).await;
        assert_eq!(
            codes(&submitted),
            Vec::<String>::new(),
            "{backend:?}: {submitted}"
        );
        // Submitted (and then reviewed, or registered at once: not this test's concern).
        assert_ne!(submitted["application"]["status"], "DRAFT", "{submitted}");

        // Signed: the documents are fixed.
        let late = upload(&app, &token, &draft, "PASSPORT", &pdf("late.pdf")).await;
        assert_eq!(codes(&late), ["NOT_EDITABLE"], "{backend:?}: {late}");
        let document_id = &added["document"]["id"];
        let deleted = app
            .graphql(
                DELETE,
                json!({ "input": { "documentId": document_id } }),
                Some(&token),
            )
            .await;
        assert_eq!(
            codes(&deleted["data"]["deleteDocument"]),
            ["NOT_EDITABLE"],
            "{deleted}"
        );
        let read_back = read(&app, &token, &draft["id"]).await;
        assert_eq!(read_back["documents"].as_array().map(Vec::len), Some(3));

        // A reviewing officer reads them.
        let db = sea_orm::Database::connect(&app.database_url)
            .await
            .expect("the test database");
        api::core::service::admin::add_officer(&db, "850315300019", "940140000385", now())
            .await
            .expect("listed");
        let _ = db.close().await;
        let officer = app.login_with(&officer_auth_certificate()).await["token"]
            .as_str()
            .expect("an officer's session")
            .to_owned();
        let answer = download(
            &app,
            Some(&officer),
            added["document"]["downloadUrl"].as_str().unwrap(),
        )
        .await;
        assert_eq!(answer.status, 200, "{backend:?}");
        assert_eq!(answer.body, another);
    }
}

#[actix_web::test]
async fn a_deleted_document_is_hidden_and_its_record_kept() {
    for backend in BACKENDS {
        let (app, folder) = app_with_documents(backend, &[]).await;
        let token = signed_in(&app, AIGERIM).await;
        let draft = arrival_draft(&app, &token).await;
        let uploaded = upload(&app, &token, &draft, "PASSPORT", &pdf("passport.pdf")).await;
        let document = uploaded["document"].clone();

        // Another citizen cannot see it, so cannot delete it.
        let nurlan = signed_in(&app, NURLAN).await;
        let theirs = app
            .graphql(
                DELETE,
                json!({ "input": { "documentId": document["id"] } }),
                Some(&nurlan),
            )
            .await;
        assert_eq!(
            codes(&theirs["data"]["deleteDocument"]),
            ["NOT_FOUND"],
            "{theirs}"
        );

        let deleted = app
            .graphql(
                DELETE,
                json!({ "input": { "documentId": document["id"], "clientMutationId": "d-1" } }),
                Some(&token),
            )
            .await;
        let deleted = &deleted["data"]["deleteDocument"];
        assert_eq!(
            codes(deleted),
            Vec::<String>::new(),
            "{backend:?}: {deleted}"
        );
        assert_eq!(deleted["deletedDocumentId"], document["id"]);
        assert_eq!(deleted["clientMutationId"], "d-1");
        assert_eq!(deleted["application"]["version"], 3);
        assert_eq!(deleted["application"]["documents"], json!([]));
        assert_eq!(
            requirement_codes(&deleted["application"]),
            ["IDENTITY_DOCUMENT_NOT_UPLOADED"]
        );

        // Hidden everywhere: not listed, not a node, not served; deleting again finds nothing.
        assert_eq!(
            read(&app, &token, &draft["id"]).await["documents"],
            json!([])
        );
        let node = app
            .graphql(NODE, json!({ "id": document["id"] }), Some(&token))
            .await;
        assert!(node["data"]["node"].is_null(), "{node}");
        let url = document["downloadUrl"].as_str().unwrap();
        assert_eq!(download(&app, Some(&token), url).await.status, 404);
        let again = app
            .graphql(
                DELETE,
                json!({ "input": { "documentId": document["id"] } }),
                Some(&token),
            )
            .await;
        assert_eq!(codes(&again["data"]["deleteDocument"]), ["NOT_FOUND"]);

        // Its row stays, marked; its file too (the bytes of what may have been signed).
        let db = sea_orm::Database::connect(&app.database_url)
            .await
            .expect("the test database");
        use sea_orm::ConnectionTrait;
        let rows = db
            .query_all_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT deleted_at, deleted_by FROM document",
            ))
            .await
            .expect("the documents");
        assert_eq!(rows.len(), 1);
        let deleted_by: Option<uuid::Uuid> = rows[0].try_get("", "deleted_by").expect("a column");
        assert!(deleted_by.is_some(), "{backend:?}");
        let _ = db.close().await;
        assert_eq!(files_under(&folder.0).len(), 1);
    }
}

#[actix_web::test]
async fn a_file_changed_on_disk_is_never_served() {
    for backend in BACKENDS {
        let (app, folder) = app_with_documents(backend, &[]).await;
        let token = signed_in(&app, AIGERIM).await;
        let draft = arrival_draft(&app, &token).await;
        let uploaded = upload(&app, &token, &draft, "PASSPORT", &pdf("passport.pdf")).await;
        let url = uploaded["document"]["downloadUrl"]
            .as_str()
            .unwrap()
            .to_owned();
        let stored = files_under(&folder.0);
        assert_eq!(stored.len(), 1);

        // One byte changed: same size, another digest.
        let mut tampered = PDF.to_vec();
        tampered[9] = b'X';
        std::fs::write(&stored[0], &tampered).unwrap();
        let answer = download(&app, Some(&token), &url).await;
        assert_eq!(answer.status, 500, "{backend:?}");
        assert!(
            find(&answer.body, b"%PDF").is_none(),
            "the bytes are never served"
        );
        assert_eq!(
            answer.header("content-type"),
            Some("text/plain; charset=utf-8")
        );

        // Gone altogether: the same.
        std::fs::remove_file(&stored[0]).unwrap();
        assert_eq!(download(&app, Some(&token), &url).await.status, 500);
    }
}
