//! The README's walk-through on the embedded default: a demo citizen signs in with her demo key,
//! files a draft, signs it and submits it, and is registered at once. Once through the API from
//! Rust, and once by running the real `demo/walkthrough.sh` (curl, python3 and `eds-sign`)
//! against a live server; and the script's SMS path (`--otp`: codes from the development outbox,
//! read with `registration-api dev-outbox`) and its consent path (`--consent`: Dana applies at
//! Aigerim's flat, Aigerim consents, Dana is registered), also against a live server.

use crate::helpers::{RemoveFolder, peer_available, spawn_demo_app};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use openssl::cms::{CMSOptions, CmsContentInfo};
use openssl::pkey::PKey;
use openssl::x509::X509;
use serde_json::{Value, json};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Signs like `eds-sign --key demo/pki/NAME.pem --base64 PAYLOAD` (NCALayer with `decode: true`).
fn eds_sign(key_file: &str, payload_base64: &str) -> String {
    let pem = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("demo/pki")
            .join(key_file),
    )
    .expect("a demo key");
    let certificate = X509::from_pem(&pem).expect("a certificate");
    let key = PKey::private_key_from_pem(&pem).expect("a key");
    let data = STANDARD.decode(payload_base64).expect("base64");
    let cms = CmsContentInfo::sign(
        Some(&certificate),
        Some(&key),
        None,
        Some(&data),
        CMSOptions::BINARY,
    )
    .expect("signed");
    STANDARD.encode(cms.to_der().expect("DER"))
}

#[actix_web::test]
async fn a_demo_citizen_goes_from_sign_in_to_a_submitted_application() {
    let app = spawn_demo_app().await;

    // 1. A challenge, signed with Aigerim's authentication key.
    let challenge = app
        .graphql(
            "mutation { createAuthChallenge { challenge { id payload text } } }",
            json!({}),
            None,
        )
        .await;
    let challenge = &challenge["data"]["createAuthChallenge"]["challenge"];
    let cms = eds_sign(
        "aigerim.auth.pem",
        challenge["payload"].as_str().expect("a payload"),
    );
    let login = app
        .graphql(
            "mutation($input: LoginWithSignatureInput!) { loginWithSignature(input: $input) { token person { iin surname } userErrors { code message } } }",
            json!({ "input": { "challengeId": challenge["id"], "cms": cms } }),
            None,
        )
        .await;
    let login = &login["data"]["loginWithSignature"];
    assert_eq!(login["person"]["surname"], "СЕЙТОВА", "{login}");
    let token = login["token"].as_str().expect("a token");

    // 2. Is the flat in the registry? Then a complete draft.
    let lookup = app
        .graphql(
            "{ propertyLookup(input: { rka: \"0201900148270042\" }) { found ownerCount } }",
            json!({}),
            Some(token),
        )
        .await;
    assert_eq!(
        lookup["data"]["propertyLookup"],
        json!({ "found": true, "ownerCount": 1 })
    );
    let created = app
        .graphql(
            "mutation($input: CreateApplicationInput!) { createApplication(input: $input) { application { id version number missingRequirements { code } } userErrors { code } } }",
            json!({ "input": { "kind": "PERMANENT", "address": { "rka": "0201900148270042" }, "personalDataConsent": true } }),
            Some(token),
        )
        .await;
    let application = &created["data"]["createApplication"]["application"];
    assert_eq!(application["missingRequirements"], json!([]), "{created}");

    // 3. What to sign, signed with her signing key; submitted.
    let prepared = app
        .graphql(
            "mutation($input: PrepareSigningInput!) { prepareSigning(input: $input) { signingRequest { id payload text } userErrors { code } } }",
            json!({ "input": { "applicationId": application["id"], "version": application["version"] } }),
            Some(token),
        )
        .await;
    let request = &prepared["data"]["prepareSigning"]["signingRequest"];
    let cms = eds_sign(
        "aigerim.sign.pem",
        request["payload"].as_str().expect("a payload"),
    );
    let submitted = app
        .graphql(
            "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { number status statusLabel decision { outcome automatic } registration { kind address registryReference active } } userErrors { code message } } }",
            json!({ "input": { "signingRequestId": request["id"], "signature": { "cms": cms } } }),
            Some(token),
        )
        .await;
    let submitted = &submitted["data"]["submitApplication"];
    // Her own flat needs no other consent: decided automatically and registered at once.
    assert_eq!(
        submitted["application"]["status"], "REGISTERED",
        "{submitted}"
    );
    assert_eq!(submitted["application"]["statusLabel"], "Зарегистрирован");
    assert_eq!(submitted["application"]["number"], application["number"]);
    assert_eq!(
        submitted["application"]["decision"],
        json!({ "outcome": "APPROVE", "automatic": true }),
        "{submitted}"
    );
    assert_registered_at_aigerims_flat(&submitted["application"]["registration"]);
}

/// The registration an application resulted in: permanent, active, at Aigerim's flat, with the
/// population registry's reference.
fn assert_registered_at_aigerims_flat(registration: &Value) {
    assert_eq!(registration["kind"], "PERMANENT", "{registration}");
    assert_eq!(registration["active"], true, "{registration}");
    assert_eq!(
        registration["address"], "г. Алматы, Бостандыкский район, пр. Абая, д. 150, кв. 42",
        "{registration}"
    );
    assert!(
        registration["registryReference"]
            .as_str()
            .is_some_and(|r| r.starts_with("PR-")),
        "{registration}"
    );
}

/// The statuses of an application's history (as the script reads it back), each with who made
/// the change: ending, after `before`, in an automatic decision and the registration.
fn assert_history_ends_registered(application: &Value, before: &[(&str, &str)]) {
    let history: Vec<(&str, &str)> = application["history"]["edges"]
        .as_array()
        .expect("history edges")
        .iter()
        .map(|edge| {
            (
                edge["node"]["to"].as_str().unwrap_or_default(),
                edge["node"]["actorRole"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    let mut expected = before.to_vec();
    expected.extend([("APPROVED", "SYSTEM"), ("REGISTERED", "SYSTEM")]);
    assert_eq!(history, expected, "{application}");
    let reasons: Vec<&str> = application["history"]["edges"]
        .as_array()
        .expect("history edges")
        .iter()
        .map(|edge| edge["node"]["reason"].as_str().unwrap_or_default())
        .collect();
    let reference = application["registration"]["registryReference"]
        .as_str()
        .unwrap_or_default();
    let registered = format!("entered in the population registry (reference {reference})");
    assert_eq!(
        reasons[reasons.len().saturating_sub(2)..],
        [
            "decided automatically: every check passed",
            registered.as_str()
        ],
        "{application}"
    );
    assert_eq!(application["status"], "REGISTERED", "{application}");
    assert_eq!(
        application["decision"],
        json!({ "outcome": "APPROVE", "automatic": true }),
        "{application}"
    );
    assert!(
        application["serviceClockStartedAt"].is_string(),
        "{application}"
    );
    assert!(application["serviceDeadline"].is_string(), "{application}");
    assert_eq!(application["serviceDeadlineMet"], true, "{application}");
    assert_registered_at_aigerims_flat(&application["registration"]);
}

/// The script's last line: `Done: application NUMBER is REGISTERED (HOW): WHO is registered at
/// ADDRESS from DAY, population registry reference REFERENCE.`
fn done_line(application: &Value, how: &str, who: &str) -> String {
    let registration = &application["registration"];
    format!(
        "Done: application {} is REGISTERED{how}: {who} is registered at {} from {}, population registry reference {}.",
        application["number"].as_str().expect("a number"),
        registration["address"].as_str().expect("an address"),
        registration["startsOn"].as_str().expect("a first day"),
        registration["registryReference"]
            .as_str()
            .expect("a reference"),
    )
}

/// The repository's root (the walk-through script runs from there).
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What the script needs besides `eds-sign`, or `None` when all is there.
fn missing_tools() -> Option<String> {
    ["bash", "python3", "curl"]
        .into_iter()
        .find(|tool| {
            Command::new(tool)
                .arg("--version")
                .output()
                .map_or(true, |output| !output.status.success())
        })
        .map(|tool| {
            format!("{tool} is not installed (demo/walkthrough.sh needs bash, python3 and curl)")
        })
}

/// `eds-sign` of this build: beside the test binary's profile folder (`…/target/debug/deps/api-…`
/// → `…/target/debug/eds-sign`). `cargo test --workspace` builds it (signatures/tests/cli.rs runs
/// it); when it is missing (`cargo test --test api` alone), it is built here with the same target
/// folder and profile. `Err` says why there is none.
pub(crate) fn eds_sign_binary() -> Result<PathBuf, String> {
    // The walk-through signs with a GOST demo key, which eds-sign signs with only under the
    // testing feature.
    workspace_binary("eds-sign", "signatures", &["--features", "testing"])
}

/// `registration-api` of this build, found or built as [`eds_sign_binary`] finds `eds-sign`
/// (`cargo test --workspace` builds it: api/tests/cli.rs runs it).
fn registration_api_binary() -> Result<PathBuf, String> {
    workspace_binary("registration-api", "api", &[])
}

/// The binary `name` of the workspace's `package` beside the test binary's profile folder, built
/// there (`cargo build -p PACKAGE --bin NAME EXTRA… --profile …`) when it is missing.
fn workspace_binary(name: &str, package: &str, extra: &[&str]) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("no path to the test binary: {e}"))?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| format!("{} is not in a target folder", exe.display()))?;
    let binary = profile_dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if binary.is_file() {
        return Ok(binary);
    }
    let target_dir = profile_dir
        .parent()
        .filter(|dir| dir.join("CACHEDIR.TAG").is_file())
        .ok_or_else(|| {
            format!(
                "{} is missing and {} is not a cargo target folder to build it in",
                binary.display(),
                profile_dir.display()
            )
        })?;
    // Cargo's folder `debug` is the `dev` profile; any other folder is named after its profile.
    let profile = match profile_dir.file_name().and_then(|name| name.to_str()) {
        Some("debug") => "dev".to_owned(),
        Some(name) => name.to_owned(),
        None => return Err(format!("{} has no profile name", profile_dir.display())),
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let build = Command::new(&cargo)
        .args(["build", "-p", package, "--bin", name])
        .args(extra)
        .args(["--profile", &profile])
        .env("CARGO_TARGET_DIR", target_dir)
        .current_dir(root())
        .output()
        .map_err(|e| format!("{cargo} did not run: {e}"))?;
    if !build.status.success() || !binary.is_file() {
        return Err(format!(
            "`cargo build -p {package} --bin {name} --profile {profile}` did not make {}: {}",
            binary.display(),
            String::from_utf8_lossy(&build.stderr)
        ));
    }
    Ok(binary)
}

/// Runs `demo/walkthrough.sh BASE_URL` with `eds_sign` as `EDS_SIGN`, off the server's thread.
async fn run_walkthrough(base_url: String, eds_sign: PathBuf) -> Output {
    run_script(vec![base_url], vec![("EDS_SIGN", eds_sign.into())]).await
}

/// Runs `demo/walkthrough.sh ARGS…` with the variables given, off the server's thread.
async fn run_script(args: Vec<String>, env: Vec<(&'static str, OsString)>) -> Output {
    actix_web::rt::task::spawn_blocking(move || {
        Command::new("bash")
            .arg(root().join("demo/walkthrough.sh"))
            .args(args)
            .env_remove("CARGO_TARGET_DIR")
            // The server is on loopback: no proxy in between.
            .env_remove("http_proxy")
            .env_remove("HTTP_PROXY")
            .env_remove("all_proxy")
            .env_remove("ALL_PROXY")
            // `registration-api dev-outbox` (--otp) reads these: only what a test gives.
            .env_remove("DATABASE_URL")
            .env_remove("APP_ENV")
            .env_remove("APP_CONFIG")
            .env_remove("REGISTRATION_API")
            .envs(env)
            .current_dir(std::env::temp_dir())
            .output()
    })
    .await
    .expect("the script's task")
    .expect("bash runs")
}

/// One step of the script's output: its number, how many steps there are, its title, and the
/// JSON responses printed under it (one per line).
#[derive(Debug)]
struct Step {
    number: usize,
    of: usize,
    title: String,
    responses: Vec<Value>,
}

/// The script's stdout as steps: a `== step N/M: TITLE` line opens each; every line under it that
/// starts with `{` is one JSON response and must parse.
fn steps(stdout: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for line in stdout.lines() {
        if let Some(header) = line.strip_prefix("== step ") {
            let (counts, title) = header.split_once(": ").expect("== step N/M: TITLE");
            let (number, of) = counts.split_once('/').expect("N/M");
            steps.push(Step {
                number: number.parse().expect("a step number"),
                of: of.parse().expect("a step count"),
                title: title.to_owned(),
                responses: Vec::new(),
            });
        } else if line.starts_with('{') {
            let response: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("a response that is not JSON ({e}): {line}"));
            steps
                .last_mut()
                .unwrap_or_else(|| panic!("JSON before the first step: {line}"))
                .responses
                .push(response);
        }
    }
    steps
}

/// The script's stdout and steps, once it exited 0 having printed steps 1 to `count` of
/// `count`.
fn succeeded_in_steps(output: &Output, count: usize) -> (String, Vec<Step>) {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the script failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    let steps = steps(&stdout);
    let numbers: Vec<(usize, usize)> = steps.iter().map(|s| (s.number, s.of)).collect();
    assert_eq!(
        numbers,
        (1..=count).map(|n| (n, count)).collect::<Vec<_>>(),
        "{stdout}"
    );
    (stdout, steps)
}

/// The one response a step printed.
fn response(step: &Step) -> &Value {
    assert_eq!(step.responses.len(), 1, "step {}: {step:?}", step.number);
    &step.responses[0]
}

/// Whether the tools the script needs are here; says so (or fails under
/// `REAL_PEERS_REQUIRED=1`) when not. `Some` holds eds-sign.
fn script_prerequisites(test: &str) -> Option<PathBuf> {
    if !peer_available(test, missing_tools()) {
        return None;
    }
    match eds_sign_binary() {
        Ok(binary) => Some(binary),
        Err(missing) => {
            peer_available(test, Some(missing));
            None
        }
    }
}

#[actix_web::test]
async fn the_walkthrough_script_submits_an_application_on_a_live_server() {
    let Some(eds_sign) = script_prerequisites("the walk-through script") else {
        return;
    };
    let app = spawn_demo_app().await;
    let output = run_walkthrough(format!("http://127.0.0.1:{}", app.port), eds_sign.clone()).await;
    let (stdout, steps) = succeeded_in_steps(&output, 7);
    for step in &steps {
        let response = response(step);
        assert!(
            response.get("errors").is_none(),
            "step {}: {response}",
            step.number
        );
        let payload = response["data"]
            .as_object()
            .and_then(|data| data.values().next())
            .unwrap_or_else(|| panic!("step {}: no data: {response}", step.number));
        assert!(
            payload.get("userErrors").is_none_or(|e| e == &json!([])),
            "step {}: {response}",
            step.number
        );
    }
    let login = &response(&steps[1])["data"]["loginWithSignature"];
    assert_eq!(login["person"]["iin"], "871008401427", "{login}");
    let created = &response(&steps[3])["data"]["createApplication"]["application"];
    assert_eq!(created["status"], "DRAFT", "{created}");
    let submitted = &response(&steps[5])["data"]["submitApplication"]["application"];
    assert_eq!(submitted["status"], "REGISTERED", "{submitted}");
    // As most citizens now do: with a GOST 2015-512 key, for sign-in and signing alike.
    assert_eq!(
        stdout
            .matches("signed the decoded payload with demo/pki/aigerim.gost.pem")
            .count(),
        2,
        "{stdout}"
    );

    // The last step reads the application back: registered, with its registration and history.
    let last = steps.last().expect("a last step");
    assert!(last.title.starts_with("application:"), "{}", last.title);
    let application = &response(last)["data"]["application"];
    assert_eq!(application["number"], created["number"], "{application}");
    assert_history_ends_registered(
        application,
        &[
            ("DRAFT", "APPLICANT"),
            ("SUBMITTED", "APPLICANT"),
            ("IN_REVIEW", "SYSTEM"),
        ],
    );
    let done = done_line(
        application,
        " (her own flat needs no other consent, so it was decided automatically)",
        "Aigerim",
    );
    assert!(stdout.contains(&done), "{done}\n{stdout}");

    // Run again on the same server, she is registered there already: the new application waits
    // for an officer, and the script says why it stops.
    let again = run_walkthrough(format!("http://127.0.0.1:{}", app.port), eds_sign).await;
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(again.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "the application's status is IN_REVIEW, not REGISTERED: Aigerim is already registered at the flat 0201900148270042"
        ),
        "{stderr}"
    );
    assert_eq!(steps_of(&again), 7, "it stops after reading it back");
}

/// How many steps the script printed.
fn steps_of(output: &Output) -> usize {
    steps(&String::from_utf8_lossy(&output.stdout)).len()
}

/// Whether the tools `demo/walkthrough.sh --otp` needs are here, as [`script_prerequisites`]
/// says; `Some` holds `registration-api` (it reads the development SMS outbox).
fn otp_script_prerequisites(test: &str) -> Option<PathBuf> {
    if !peer_available(test, missing_tools()) {
        return None;
    }
    match registration_api_binary() {
        Ok(binary) => Some(binary),
        Err(missing) => {
            peer_available(test, Some(missing));
            None
        }
    }
}

/// Runs `demo/walkthrough.sh --otp BASE_URL` with the server's database as `DATABASE_URL` and
/// `registration_api` as `REGISTRATION_API`; `EDS_SIGN` names no file, since that path needs none.
async fn run_otp_walkthrough(
    base_url: String,
    database_url: &str,
    registration_api: PathBuf,
) -> Output {
    run_script(
        vec!["--otp".to_owned(), base_url],
        vec![
            ("DATABASE_URL", database_url.into()),
            ("REGISTRATION_API", registration_api.into()),
            (
                "EDS_SIGN",
                std::env::temp_dir()
                    .join("no-such-folder-for-eds-sign/eds-sign")
                    .into(),
            ),
        ],
    )
    .await
}

/// The payload of a step's one response (`data.FIELD`), with no top-level errors and no
/// `userErrors`.
fn payload<'a>(step: &'a Step, field: &str) -> &'a Value {
    let response = response(step);
    assert!(
        response.get("errors").is_none(),
        "step {}: {response}",
        step.number
    );
    let payload = &response["data"][field];
    assert!(
        payload.is_object(),
        "step {}: no data.{field}: {response}",
        step.number
    );
    assert!(
        payload.get("userErrors").is_none_or(|e| e == &json!([])),
        "step {}: {response}",
        step.number
    );
    payload
}

#[actix_web::test]
async fn the_walkthrough_script_signs_in_and_signs_with_one_time_passwords() {
    let Some(registration_api) = otp_script_prerequisites("the walk-through script's SMS path")
    else {
        return;
    };
    let app = spawn_demo_app().await;
    let output = run_otp_walkthrough(
        format!("http://127.0.0.1:{}", app.port),
        &app.database_url,
        registration_api,
    )
    .await;
    let (stdout, steps) = succeeded_in_steps(&output, 8);
    let operations = [
        "requestOtp",
        "loginWithOtp",
        "propertyLookup",
        "createApplication",
        "prepareSigning",
        "requestOtp",
        "submitApplication",
        "application",
    ];
    for (step, operation) in steps.iter().zip(operations) {
        assert!(
            step.title.starts_with(&format!("{operation}: ")),
            "step {}: {}",
            step.number,
            step.title
        );
    }
    let [
        login_code,
        login,
        lookup,
        created,
        prepared,
        sign_code,
        submitted,
        read_back,
    ] = [
        payload(&steps[0], "requestOtp"),
        payload(&steps[1], "loginWithOtp"),
        payload(&steps[2], "propertyLookup"),
        payload(&steps[3], "createApplication"),
        payload(&steps[4], "prepareSigning"),
        payload(&steps[5], "requestOtp"),
        payload(&steps[6], "submitApplication"),
        payload(&steps[7], "application"),
    ];

    // Signed in with the code the outbox holds: an OTP session of Aigerim's. A sign-in answer
    // never says where the code went.
    assert_eq!(
        login_code["otpChallenge"]["purpose"], "LOGIN",
        "{login_code}"
    );
    assert_eq!(
        login_code["otpChallenge"]["maskedPhone"],
        Value::Null,
        "{login_code}"
    );
    assert_eq!(login["authMethod"], "OTP", "{login}");
    assert_eq!(login["person"]["iin"], "871008401427", "{login}");
    assert!(login["token"].is_string(), "{login}");
    assert_eq!(lookup["found"], true, "{lookup}");
    assert_eq!(created["application"]["status"], "DRAFT", "{created}");
    assert_eq!(
        prepared["signingRequest"]["allowedMethods"],
        json!(["EDS", "OTP"]),
        "{prepared}"
    );

    // The signing code went to her phone, and signed the application.
    assert_eq!(sign_code["otpChallenge"]["purpose"], "SIGN", "{sign_code}");
    assert_eq!(
        sign_code["otpChallenge"]["maskedPhone"], "+7 7** *** 45 18",
        "{sign_code}"
    );
    assert_eq!(
        submitted["application"]["status"], "REGISTERED",
        "{submitted}"
    );
    assert_eq!(
        read_back["number"], created["application"]["number"],
        "{read_back}"
    );
    let signature = &read_back["signature"];
    assert_eq!(signature["method"], "OTP", "{read_back}");
    assert_eq!(signature["maskedPhone"], "+7 7** *** 45 18", "{read_back}");
    assert_eq!(signature["signerIin"], "871008401427", "{read_back}");
    // Signed by SMS code, it is decided and registered as one signed with EDS.
    assert_history_ends_registered(
        read_back,
        &[
            ("DRAFT", "APPLICANT"),
            ("SUBMITTED", "APPLICANT"),
            ("IN_REVIEW", "SYSTEM"),
        ],
    );

    // Each code was read from the development outbox, under the step that asked for it, and
    // said to be from there; no EDS key was used.
    let outbox_reads: Vec<&str> = stdout
        .lines()
        .filter(|line| line.contains("registration-api dev-outbox --phone +77017234518: code "))
        .collect();
    assert_eq!(outbox_reads.len(), 2, "{stdout}");
    let codes: Vec<&str> = outbox_reads
        .iter()
        .map(|line| {
            let code = line
                .split(": code ")
                .nth(1)
                .and_then(|rest| rest.get(..6))
                .unwrap_or_default();
            assert!(
                code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
                "a 6-digit code: {line}"
            );
            code
        })
        .collect();
    let sections: Vec<&str> = stdout.split("\n== step ").collect();
    assert!(
        sections[1].starts_with("1/8: ") && sections[1].contains(codes[0]),
        "{stdout}"
    );
    assert!(
        sections[6].starts_with("6/8: ") && sections[6].contains(codes[1]),
        "{stdout}"
    );
    assert!(
        !stdout.contains("eds-sign") && !stdout.contains("demo/pki"),
        "{stdout}"
    );
    let done = done_line(read_back, ", signed with a one-time password", "Aigerim");
    assert!(stdout.contains(&done), "{done}\n{stdout}");
}

#[actix_web::test]
async fn the_walkthrough_script_says_how_to_build_a_missing_registration_api() {
    if !peer_available(
        "the walk-through script's registration-api check",
        missing_tools(),
    ) {
        return;
    }
    let missing = std::env::temp_dir().join("no-such-folder-for-registration-api/registration-api");
    let output = run_otp_walkthrough(
        "http://127.0.0.1:1".to_owned(),
        "sqlite::memory:",
        missing.clone(),
    )
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "registration-api not found at {}",
            missing.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("cargo build --release -p api"), "{stderr}");
    assert!(output.stdout.is_empty(), "nothing ran before the check");
}

/// An `eds-sign` in `dir` that ignores the key it is given and signs with `key` (a demo key
/// file) instead: how the wrong-key tests make a client sign with the wrong key.
pub(crate) fn eds_sign_with_key(
    dir: &std::path::Path,
    eds_sign: &std::path::Path,
    key: &str,
) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let wrapper = dir.join("eds-sign-wrong-key");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nshift 2\nexec '{}' --key '{}' \"$@\"\n",
            eds_sign.display(),
            root().join("demo/pki").join(key).display()
        ),
    )
    .expect("the wrapper written");
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755))
        .expect("the wrapper executable");
    wrapper
}

#[actix_web::test]
async fn the_walkthrough_script_stops_at_the_first_user_error() {
    let Some(eds_sign) = script_prerequisites("the walk-through script's stop") else {
        return;
    };
    // An eds-sign that always signs with Aigerim's SIGNATURE key: the sign-in (step 2) must
    // refuse it with KEY_PURPOSE, and the script must stop there.
    let dir = RemoveFolder::new("registration-e2e-walkthrough");
    let wrong_key = eds_sign_with_key(&dir.0, &eds_sign, "aigerim.sign.pem");
    let app = spawn_demo_app().await;
    let output = run_walkthrough(format!("http://127.0.0.1:{}", app.port), wrong_key).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    let steps = steps(&stdout);
    assert_eq!(steps.len(), 2, "{stdout}");
    assert_eq!(
        response(&steps[1])["data"]["loginWithSignature"]["userErrors"][0]["code"],
        "KEY_PURPOSE",
        "{stdout}"
    );
    assert!(
        stderr.contains("loginWithSignature refused: KEY_PURPOSE"),
        "{stderr}"
    );
}

#[actix_web::test]
async fn the_walkthrough_script_says_how_to_build_a_missing_eds_sign() {
    if !peer_available("the walk-through script's eds-sign check", missing_tools()) {
        return;
    }
    let missing = std::env::temp_dir().join("no-such-folder-for-eds-sign/eds-sign");
    let output = run_walkthrough("http://127.0.0.1:1".to_owned(), missing.clone()).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("eds-sign not found at {}", missing.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains("cargo build --release -p signatures"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty(), "nothing ran before the check");
}

#[actix_web::test]
async fn the_walkthrough_script_takes_an_application_to_a_consent() {
    let Some(eds_sign) = script_prerequisites("the walk-through script's consent") else {
        return;
    };
    let app = spawn_demo_app().await;
    let output = run_script(
        vec![
            "--consent".to_owned(),
            format!("http://127.0.0.1:{}", app.port),
        ],
        vec![("EDS_SIGN", eds_sign.into())],
    )
    .await;
    let (stdout, steps) = succeeded_in_steps(&output, 11);
    let operations = [
        "createAuthChallenge",
        "loginWithSignature",
        "createApplication",
        "prepareSigning",
        "submitApplication",
        "createAuthChallenge",
        "loginWithSignature",
        "myConsents",
        "prepareConsentSigning",
        "signConsent",
        "application",
    ];
    for (step, operation) in steps.iter().zip(operations) {
        assert!(
            step.title.starts_with(&format!("{operation}: ")),
            "step {}: {}",
            step.number,
            step.title
        );
    }
    let payloads: Vec<&Value> = steps
        .iter()
        .zip(operations)
        .map(|(step, operation)| payload(step, operation))
        .collect();
    let [
        _,
        dana,
        created,
        _,
        submitted,
        _,
        aigerim,
        pending,
        prepared,
        signed,
        read_back,
    ] = payloads[..]
    else {
        panic!("eleven steps: {stdout}");
    };

    // Dana files at Aigerim's flat, named by its owner and area: it waits for Aigerim's consent.
    assert_eq!(dana["person"]["iin"], "061211600012", "{dana}");
    assert_eq!(created["application"]["status"], "DRAFT", "{created}");
    assert_eq!(
        created["application"]["missingRequirements"],
        json!([]),
        "{created}"
    );
    let application = &submitted["application"];
    assert_eq!(application["status"], "AWAITING_CONSENTS", "{submitted}");
    let consents = application["consents"].as_array().expect("consents");
    assert_eq!(consents.len(), 1, "{submitted}");
    let consent = &consents[0];
    assert_eq!(consent["status"], "PENDING", "{submitted}");
    assert!(consent["deadline"].is_string(), "{submitted}");

    // Aigerim finds it among her pending consents, and gives it with her signing key.
    assert_eq!(aigerim["person"]["iin"], "871008401427", "{aigerim}");
    assert_eq!(pending["totalCount"], 1, "{pending}");
    let listed = &pending["edges"][0]["node"];
    assert_eq!(listed["id"], consent["id"], "{pending}");
    assert_eq!(listed["status"], "PENDING", "{pending}");
    assert!(listed["applicantName"].is_string(), "{pending}");
    let request = &prepared["signingRequest"];
    assert_eq!(request["allowedMethods"], json!(["EDS"]), "{prepared}");
    assert_eq!(
        request["keyRequirements"]["iin"], "871008401427",
        "{prepared}"
    );
    assert_eq!(signed["consent"]["id"], consent["id"], "{signed}");
    assert_eq!(signed["consent"]["status"], "GIVEN", "{signed}");
    assert!(signed["consent"]["decidedAt"].is_string(), "{signed}");
    // Both signed in and signed with their GOST 2015-512 keys.
    for key in ["dana.gost.pem", "aigerim.gost.pem"] {
        assert_eq!(
            stdout
                .matches(&format!("signed the decoded payload with demo/pki/{key}"))
                .count(),
            2,
            "{stdout}"
        );
    }

    // Dana reads it back: the owner's consent completed it (in review by the owner's doing),
    // then it was decided automatically and Dana registered at the flat.
    assert_eq!(read_back["number"], application["number"], "{read_back}");
    assert_eq!(
        read_back["consents"],
        json!([{ "status": "GIVEN" }]),
        "{read_back}"
    );
    assert_history_ends_registered(
        read_back,
        &[
            ("DRAFT", "APPLICANT"),
            ("SUBMITTED", "APPLICANT"),
            ("AWAITING_CONSENTS", "SYSTEM"),
            ("IN_REVIEW", "OWNER"),
        ],
    );
    let done = done_line(read_back, " (Aigerim, the flat's owner, consented)", "Dana");
    assert!(stdout.contains(&done), "{done}\n{stdout}");
}
