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
//! registration-api dev-outbox [--phone PHONE]   print the development SMS outbox (JSON lines;
//!                                               refused in production)
//! registration-api generate-seal-key            print a new OTP_SEAL_KEY and its public key
//! ```

use api::configuration::{Profile, Settings};
use api::startup::Application;
use api::{graphql, telemetry};
use registration_core::service::admin;
use registration_core::{Clock, SystemClock, database};
use std::process::ExitCode;

const USAGE: &str = "usage: registration-api [serve | migrate | print-schema | print-error-codes | import FILE | officers add --iin IIN --body BIN | integrators add --name NAME | dev-outbox [--phone PHONE] | generate-seal-key]";

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

async fn run(args: Vec<String>) -> Result<(), String> {
    let command: Vec<&str> = args.iter().take(2).map(String::as_str).collect();
    if command.first() == Some(&"print-schema") {
        println!("{}", graphql::sdl());
        return Ok(());
    }
    if command.first() == Some(&"generate-seal-key") {
        // Needs no settings: a new key for an operator to put in OTP_SEAL_KEY.
        let (private_key, public_key) =
            registration_core::seal::Sealer::generate().map_err(|e| e.to_string())?;
        println!("OTP_SEAL_KEY={private_key}");
        println!(
            "# public key (for OTP_SEAL_RETIRED_KEYS once this key is replaced): {public_key}"
        );
        return Ok(());
    }
    if command.first() == Some(&"print-error-codes") {
        print!("{}", graphql::catalogue::markdown());
        return Ok(());
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
    match command.as_slice() {
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
            let (db, _) = migrated(&settings).await?;
            let key = admin::add_integrator(&db, &name, SystemClock.now()).await?;
            tracing::info!(integrator = %name.trim(), "integrator added: its API key is on stdout, shown this once");
            println!("{key}");
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
        _ => Err(USAGE.to_owned()),
    }
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
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("registration-api: {message}");
            ExitCode::from(2)
        }
    }
}
