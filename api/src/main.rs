//! `registration-api`: the server, and its administration commands.
//!
//! ```text
//! registration-api [serve]                      run the server (the default)
//! registration-api migrate                      apply pending migrations and exit
//! registration-api print-schema                 print the GraphQL SDL
//! registration-api print-error-codes            print the error catalogue (docs/frontend.md)
//! registration-api import FILE                   load registry data, a JSON array or JSON Lines
//!                                               (idempotent; reports bad rows by line)
//! registration-api officers add --iin IIN --body BIN
//! registration-api integrators add --name NAME  prints the new API key once
//! registration-api integrators list             every integrator, one JSON line each (no key)
//! registration-api integrators revoke --id ID   revoke an integrator's API key
//! registration-api dev-outbox [--phone PHONE]   print the development SMS outbox (JSON lines;
//!                                               refused in production)
//! registration-api generate-seal-key            print a new OTP_SEAL_KEY and its public key
//! registration-api reverify SIGNATURE_ID        re-check a stored signature offline from its
//!                                               evidence; JSON on stdout; exit 0 when the
//!                                               verdict is the stored one, 1 when it differs
//! registration-api calendar YEAR                the working-day calendar of YEAR, one JSON line
//!                                               per day; exit 1 for a year without data
//! ```

use api::configuration::{Profile, Settings};
use api::startup::Application;
use api::{graphql, telemetry};
use registration_core::service::{admin, reverify};
use registration_core::{Clock, SystemClock, database};
use std::process::ExitCode;

const USAGE: &str = "usage: registration-api [serve | migrate | print-schema | print-error-codes | import FILE | officers add --iin IIN --body BIN | integrators add --name NAME --bodies BIN,…|* [--types TYPE,…|*] | integrators list | integrators revoke --id ID | dev-outbox [--phone PHONE] | generate-seal-key | reverify SIGNATURE_ID | calendar YEAR | recompute-deadlines]";

fn flag(args: &[String], name: &str) -> Result<String, String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .ok_or_else(|| format!("{name} is required"))
}

/// The database, migrated, and how many migrations that applied.
async fn migrated(settings: &Settings) -> Result<(sea_orm::DatabaseConnection, usize), String> {
    let db = database::connect(settings.database_url.expose())
        .await
        .map_err(|e| e.to_string())?;
    let applied = database::migrate(&db).await.map_err(|e| e.to_string())?;
    Ok((db, applied))
}

/// `reverify SIGNATURE_ID`: the stored signature re-checked offline from its evidence, with the
/// server's trust anchors, intermediates and seal keys (never its CRL files or revocation
/// sources). Prints the comparison as one JSON object; exit 0 when the verdict is the stored
/// one, 1 when it differs.
async fn reverify_command(settings: &Settings, id: &str) -> Result<ExitCode, String> {
    let signature_id = uuid::Uuid::parse_str(id)
        .map_err(|_| format!("reverify: {id} is not a signature id (a UUID)"))?;
    let (db, _) = migrated(settings).await?;
    let clock = std::sync::Arc::new(SystemClock);
    let registries = std::sync::Arc::new(registration_core::registries::LocalRegistries::new(
        db.clone(),
    ));
    // The seal keys `sealKeys` publishes: the server's own, read from the same settings.
    let otp = settings
        .otp_runtime(db.clone(), clock.clone(), registries)
        .map_err(|e| e.to_string())?;
    let reverified = reverify::reverify(
        &db,
        &settings.trust_config(),
        otp.seal.keys(),
        signature_id,
        clock.now(),
    )
    .await
    .map_err(|e| match e {
        reverify::ReverifyError::Internal(internal) => internal.chain(),
        other => other.to_string(),
    })?;
    println!("{}", reverified.to_json());
    tracing::info!(
        signature = %signature_id,
        stored = %reverified.stored_code,
        now = %reverified.now_code,
        same_verdict = reverified.same_verdict,
        "stored signature re-checked offline from its evidence"
    );
    Ok(if reverified.same_verdict {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `calendar YEAR`: every day of YEAR from the bundled working-day calendar, one JSON line
/// each, for operators to check the data; a year without a data file is exit 1 (its days
/// would only be computed from the law, provisional). Needs no settings or database.
fn calendar_command(year: &str) -> Result<ExitCode, String> {
    let year: i32 = year
        .parse()
        .ok()
        .filter(|y| (1900..=9999).contains(y))
        .ok_or_else(|| format!("calendar: {year} is not a year\n{USAGE}"))?;
    match registration_core::calendar::year_lines(year) {
        Ok(lines) => {
            use std::io::Write;
            // A reader that stops early (`| head`) is no error of ours.
            let mut out = std::io::stdout().lock();
            for line in lines {
                if writeln!(out, "{line}").is_err() {
                    break;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("registration-api: calendar: {error}");
            Ok(ExitCode::from(1))
        }
    }
}

async fn run(args: Vec<String>) -> Result<ExitCode, String> {
    let command: Vec<&str> = args.iter().take(2).map(String::as_str).collect();
    if command.first() == Some(&"print-schema") {
        println!("{}", graphql::sdl());
        return Ok(ExitCode::SUCCESS);
    }
    if command.first() == Some(&"generate-seal-key") {
        // Needs no settings: a new key for an operator to put in OTP_SEAL_KEY.
        let (private_key, public_key) =
            registration_core::seal::Sealer::generate().map_err(|e| e.to_string())?;
        println!("OTP_SEAL_KEY={private_key}");
        println!(
            "# public key (for OTP_SEAL_RETIRED_KEYS once this key is replaced): {public_key}"
        );
        return Ok(ExitCode::SUCCESS);
    }
    if let ["calendar", year] = command.as_slice() {
        return calendar_command(year);
    }
    if command.first() == Some(&"print-error-codes") {
        print!("{}", graphql::catalogue::markdown());
        return Ok(ExitCode::SUCCESS);
    }
    let settings = Settings::load().map_err(|e| e.to_string())?;
    let serving = matches!(command.as_slice(), [] | ["serve", ..]);
    telemetry::init(
        settings.log_format,
        if serving {
            telemetry::SERVER_FILTER
        } else {
            telemetry::COMMAND_FILTER
        },
    );
    let done = match command.as_slice() {
        [] | ["serve", ..] => {
            let application = Application::build(settings)
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!(port = application.port(), "registration-api listening");
            application
                .run_until_stopped()
                .await
                .map_err(|e| e.to_string())
        }
        ["migrate", ..] => {
            let (_, applied) = migrated(&settings).await?;
            tracing::info!(applied, "migrations applied");
            Ok(())
        }
        ["officers", "add"] => {
            let (iin, body) = (flag(&args, "--iin")?, flag(&args, "--body")?);
            let (db, _) = migrated(&settings).await?;
            let masked = registration_core::domain::Iin::from_certificate(&iin)
                .map(|iin| iin.masked())
                .unwrap_or_default();
            match admin::add_officer(&db, &iin, &body, SystemClock.now()).await? {
                admin::OfficerAdded::Added => {
                    tracing::info!(officer = %masked, body = %body, "officer added")
                }
                admin::OfficerAdded::AlreadyListed => tracing::info!(
                    officer = %masked,
                    body = %body,
                    "officer already listed for this body: nothing changed"
                ),
            }
            Ok(())
        }
        ["import", file] => {
            let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
            let (db, _) = migrated(&settings).await?;
            let report =
                registration_core::registries::import::import(&db, &text, SystemClock.now())
                    .await
                    .map_err(|e| e.to_string())?;
            if report.is_ok() {
                tracing::info!("{report}");
                Ok(())
            } else {
                println!("{report}");
                Err("nothing was imported: fix the rows above".to_owned())
            }
        }
        ["integrators", "add"] => {
            let name = flag(&args, "--name")?;
            let list = |text: String| -> Vec<String> {
                text.split(',')
                    .map(str::trim)
                    .filter(|item| !item.is_empty())
                    .map(str::to_owned)
                    .collect()
            };
            let scope = registration_core::auth::viewer::IntegratorScope {
                bodies: list(flag(&args, "--bodies")?),
                types: if args.iter().any(|a| a == "--types") {
                    list(flag(&args, "--types")?)
                } else {
                    vec!["*".to_owned()]
                },
            };
            let (db, _) = migrated(&settings).await?;
            let key = admin::add_integrator(&db, &name, &scope, SystemClock.now()).await?;
            tracing::info!(integrator = %name.trim(), "integrator added: its API key is on stdout, shown this once");
            println!("{key}");
            Ok(())
        }
        ["integrators", "list"] => {
            let (db, _) = migrated(&settings).await?;
            let rfc3339 = |at: time::OffsetDateTime| {
                at.format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
            };
            for integrator in admin::list_integrators(&db)
                .await
                .map_err(|e| e.to_string())?
            {
                println!(
                    "{}",
                    serde_json::json!({
                        "id": integrator.id,
                        "name": integrator.name,
                        "createdAt": rfc3339(integrator.created_at),
                        "revokedAt": integrator.revoked_at.map(rfc3339),
                        "bodies": integrator.bodies,
                        "types": integrator.types,
                    })
                );
            }
            Ok(())
        }
        ["integrators", "revoke"] => {
            let id = flag(&args, "--id")?;
            let id = uuid::Uuid::parse_str(id.trim()).map_err(|_| {
                format!("--id: {id} is not an integrator's id (see integrators list)")
            })?;
            let (db, _) = migrated(&settings).await?;
            match admin::revoke_integrator(&db, id, SystemClock.now()).await? {
                admin::Revoked::Now => {
                    tracing::info!(integrator = %id, "integrator's API key revoked");
                    println!("revoked");
                }
                admin::Revoked::Already => println!("already revoked"),
            }
            Ok(())
        }
        ["dev-outbox", ..] => {
            if settings.profile == Profile::Production {
                return Err(
                    "dev-outbox is for the development profile only: in production SMS \
                            go through SMS_GATEWAY_URL and no code is kept in plain"
                        .to_owned(),
                );
            }
            let phone = if args.iter().any(|a| a == "--phone") {
                let phone = flag(&args, "--phone")?;
                Some(
                    registration_core::domain::PhoneNumber::parse(&phone)
                        .map_err(|e| format!("--phone: {e}"))?,
                )
            } else {
                None
            };
            let (db, _) = migrated(&settings).await?;
            let clock = std::sync::Arc::new(SystemClock);
            let outbox = registration_core::sms::DevOutbox::new(db, clock.clone());
            // Codes past their lifetime are gone first: the outbox never shows an expired one.
            outbox
                .purge_expired(clock.now())
                .await
                .map_err(|e| e.to_string())?;
            let entries = outbox
                .list(phone.as_ref().map(AsRef::as_ref))
                .await
                .map_err(|e| e.to_string())?;
            for entry in &entries {
                println!("{}", entry.to_json());
            }
            tracing::info!(
                messages = entries.len(),
                "development SMS outbox printed on stdout"
            );
            Ok(())
        }
        ["reverify", id] => return reverify_command(&settings, id).await,
        ["recompute-deadlines"] => {
            let (db, _) = migrated(&settings).await?;
            let calendar = registration_core::calendar::Calendar::bundled()
                .map_err(|e| format!("the working-day calendar: {e}"))?;
            let changed = registration_core::service::appeals::deadlines::recompute_stale(
                &db,
                &calendar,
                settings.working_hours,
                settings.appeal_correction_days,
                SystemClock.now(),
            )
            .await
            .map_err(|e| e.chain())?;
            for line in &changed {
                println!("{}", serde_json::to_string(line).unwrap_or_default());
            }
            tracing::info!(recomputed = changed.len(), "deadlines recomputed");
            Ok(())
        }
        _ => Err(USAGE.to_owned()),
    };
    done.map(|()| ExitCode::SUCCESS)
}

#[actix_web::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if matches!(
        args.first().map(String::as_str),
        Some("--help" | "-h" | "help")
    ) {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run(args).await {
        Ok(code) => code,
        Err(message) => {
            eprintln!("registration-api: {message}");
            ExitCode::from(2)
        }
    }
}
