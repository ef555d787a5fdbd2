//! Builds the HTTP server on a bound listener, so tests spawn the very same application on
//! port 0 and learn the port.

use crate::configuration::{Profile, Settings};
use crate::graphql;
use crate::http;
use crate::state::AppState;
use crate::telemetry;
use actix_web::dev::Server;
use actix_web::{App, HttpResponse, HttpServer, web};
use registration_core::context::{ServiceContext, VerificationSlots};
use registration_core::registries::LocalRegistries;
use registration_core::service::maintenance;
use registration_core::trust::{FetchedCrls, TrustStore};
use registration_core::{Clock, SystemClock, database};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Trust(#[from] registration_core::trust::TrustError),
    #[error(transparent)]
    Configuration(#[from] crate::configuration::ConfigurationError),
    #[error("the working-day calendar: {0}")]
    Calendar(String),
    #[error("REDIS_URL: {0}")]
    Redis(String),
}

/// Told of every SQL statement the application runs.
pub type StatementObserver = Arc<dyn Fn(&sea_orm::Statement) + Send + Sync>;

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Connects, migrates, loads the trust configuration, binds the listener and builds the
    /// server, on the system clock.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// The same, on a given clock (tests move time with a `ManualClock`).
    pub async fn build_with_clock(
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartupError> {
        Self::build_observed(settings, clock, None).await
    }

    /// The same, with every SQL statement the application's own connection runs reported to
    /// `observer` (tests count statements with it).
    pub async fn build_observed(
        settings: Settings,
        clock: Arc<dyn Clock>,
        observer: Option<StatementObserver>,
    ) -> Result<Self, StartupError> {
        // First, so that a taken port is said before anything is written to disk (the SQLite
        // file, migrations, the demo data).
        let listener =
            TcpListener::bind(settings.bind_addr).map_err(|source| StartupError::Bind {
                address: settings.bind_addr,
                source,
            })?;
        let mut trust = TrustStore::load(&settings.trust_config(), clock.now())?;
        if let Some(path) = &settings.revocation_config {
            // Per instance: every instance fetches the (public) CRLs for itself.
            trust = trust.with_sources(FetchedCrls::load(path)?);
        }
        if let Some(url) = &settings.tsa_url {
            trust = trust.with_timestamping(url)?;
        }
        if trust.uses_demo_anchor {
            tracing::warn!(
                "DEMO PKI TRUSTED: signatures made with the demo keys in demo/pki are accepted. \
                 This is the development profile; never expose it."
            );
        }
        let mut db = database::connect(settings.database_url.expose()).await?;
        if let Some(observer) = observer {
            db.set_metric_callback(move |info| observer(info.statement));
        }
        let applied = database::migrate(&db).await?;
        if applied > 0 {
            tracing::info!(applied, "migrations applied");
        }
        if settings.profile == Profile::Development {
            match registration_core::registries::import::load_demo_data_if_empty(&db, clock.now())
                .await?
            {
                Some(report) if !report.is_ok() => {
                    tracing::error!(%report, "the demo data set did not load")
                }
                Some(report) => tracing::info!(%report, "demo data set loaded"),
                None => {}
            }
        }
        let registries = Arc::new(LocalRegistries::new(db.clone()));
        let otp = settings.otp_runtime(db.clone(), Arc::clone(&clock), registries.clone())?;
        tracing::info!(
            store = otp.store.kind(),
            seal_key = otp.seal.current_key_id(),
            "one-time passwords ready"
        );
        let calendar = Arc::new(
            registration_core::calendar::Calendar::bundled()
                .map_err(|error| StartupError::Calendar(error.to_string()))?,
        );
        // The alert: a year without its data file counts provisionally (see docs/calendar.md).
        let missing = calendar_years_missing(&calendar, clock.now());
        if !missing.is_empty() {
            tracing::warn!(
                years = ?missing,
                "no working-day calendar data for these years: their deadlines are provisional"
            );
        }
        let port = listener.local_addr()?.port();
        let service = ServiceContext {
            calendar,
            sms: Arc::clone(&otp.sms),
            representation: registries.clone(),
            population: registries.clone(),
            state_documents: registries.clone(),
            properties: registries,
            db,
            clock,
            trust: Arc::new(trust),
            verification: {
                let wait =
                    Duration::from_millis(u64::from(settings.verification_wait_milliseconds));
                match settings.verification_slots {
                    Some(slots) => VerificationSlots::new(slots as usize, wait),
                    None => VerificationSlots::per_core(wait),
                }
            },
            settings: Arc::new(settings.service_settings()),
        };
        // Wake-ups across instances go through Redis when there is one (the key prefix keeps
        // parallel test runs apart); without it this instance's relay wakes its own reader.
        let redis = match &settings.redis_url {
            Some(url) => Some((
                redis::Client::open(url.expose())
                    .map_err(|e| StartupError::Redis(e.to_string()))?,
                settings.otp_key_prefix.clone(),
            )),
            None => None,
        };
        let live = crate::live::LiveEvents::new(redis);
        live.spawn(service.clone());
        if settings.background_tasks {
            spawn_background_tasks(&service, &live, &settings);
        }
        let sessions = crate::session_watch::SessionWatch::default();
        sessions.spawn(
            service.clone(),
            std::time::Duration::from_secs(u64::from(settings.subscription_session_check_seconds)),
        );
        http::documents::announce(&settings);
        let state = AppState {
            settings: Arc::new(settings),
            service,
            otp,
            live,
            sessions,
        };
        let schema = graphql::build(Some(state.clone()));
        let server = HttpServer::new(move || {
            App::new()
                .wrap(actix_web::middleware::from_fn(http::cors::middleware))
                .wrap(actix_web::middleware::from_fn(telemetry::with_request_id))
                .app_data(web::Data::new(state.clone()))
                .app_data(web::Data::new(schema.clone()))
                .route("/graphql", web::post().to(http::graphql::post))
                .route(
                    "/graphql",
                    web::get()
                        .guard(actix_web::guard::fn_guard(|ctx| {
                            ctx.head()
                                .headers()
                                .get(actix_web::http::header::UPGRADE)
                                .and_then(|v| v.to_str().ok())
                                .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
                        }))
                        .to(http::websocket::upgrade),
                )
                .route("/graphql", web::get().to(http::graphql::get))
                .route(
                    "/graphiql/{fingerprint}/{name}",
                    web::get().to(http::graphiql::asset),
                )
                .route(
                    "/graphiql/{fingerprint}/{name}",
                    web::head().to(http::graphiql::asset),
                )
                .route("/documents/{id}", web::get().to(http::documents::get))
                .route("/healthz", web::get().to(healthz))
                .route("/readyz", web::get().to(readyz))
        })
        .listen(listener)?
        .run();
        Ok(Application { port, server })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process is stopped.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Starts a background task on the Tokio runtime itself, not on actix's local task set. A task
/// that holds a pooled database connection (a relay run, a reader's query, a transaction in
/// flight) returns it on drop by spawning, which needs a Tokio context: the runtime drops its
/// own tasks inside one when the process stops, while actix drops its local set outside one,
/// and sqlx then panics ("this functionality requires a Tokio context") on SIGTERM.
pub(crate) fn spawn_background<F>(task: F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    drop(tokio::spawn(task));
}

/// How often expired sign-in data is deleted.
const MAINTENANCE_INTERVAL: Duration = Duration::from_secs(60);

/// The background tasks of one instance, off every request's path: CRL files reloaded when they
/// change and the CRLs of `REVOCATION_CONFIG` refreshed when due, committed events put in order
/// (the relay, `relay.rs`), and expired sign-in data deleted. Each step is a `run_once` that
/// tests call directly with a moved clock.
fn spawn_background_tasks(
    service: &ServiceContext,
    live: &crate::live::LiveEvents,
    settings: &Settings,
) {
    let trust = Arc::clone(&service.trust);
    let clock = Arc::clone(&service.clock);
    spawn_background(async move {
        let mut tick = actix_web::rt::time::interval(trust.check_interval());
        loop {
            tick.tick().await;
            let now = clock.now();
            // File reads and CRL parsing are blocking work.
            let files = Arc::clone(&trust);
            let _ = actix_web::rt::task::spawn_blocking(move || files.run_once(now)).await;
            trust.refresh_sources(now).await;
        }
    });
    // Every instance runs the relay; one at a time assigns sequences (see `events::relay`).
    crate::relay::spawn(
        service.clone(),
        live.clone(),
        Duration::from_secs(u64::from(settings.event_relay_interval_seconds)),
        settings.database_url.expose(),
    );
    let service = service.clone();
    spawn_background(async move {
        let mut tick = actix_web::rt::time::interval(MAINTENANCE_INTERVAL);
        loop {
            tick.tick().await;
            if let Err(error) = maintenance::run_once(&service, service.clock.now()).await {
                tracing::error!(error = %error.chain(), "maintenance failed");
            }
        }
    });
}

/// This year and next (the Almaty date of `now`) when they have no calendar data file: reported
/// by `/readyz` and warned of at start, never a reason to refuse readiness (their days count
/// provisionally).
fn calendar_years_missing(
    calendar: &registration_core::calendar::Calendar,
    now: time::OffsetDateTime,
) -> Vec<i32> {
    let year = calendar.almaty().at(now).year();
    [year, year + 1]
        .into_iter()
        .filter(|y| !calendar.years_with_data().any(|with| with == *y))
        .collect()
}

/// Liveness: the process is up and serving HTTP.
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// How long readiness waits for Redis before calling it down.
const REDIS_PING_TIMEOUT: Duration = Duration::from_secs(1);

/// Readiness, one rule for every dependency: 503 only when the database is unreachable or a
/// required revocation source has no current data (no instance could do its work); anything
/// else that can be degraded (Redis, a CRL file that failed to reload) is listed with its state
/// under a 200, so that one shared dependency going down never takes every instance out of the
/// load balancer.
/// The sources of `REVOCATION_CONFIG` are listed under `revocationSources`; their CRLs count as
/// revocation data beside the files', and none is required when the configuration's
/// requirement is `NONE`.
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let now = state.service.clock.now();
    let mut checks = Vec::new();
    let database = state.service.db.ping().await;
    checks.push(serde_json::json!({
        "name": "database",
        "status": if database.is_ok() { "up" } else { "down" },
        "error": database.as_ref().err().map(|_| "the database does not answer"),
        "lastGoodAt": null,
    }));
    // The in-process store of the development profile cannot be down; Redis can.
    let store = &state.otp.store;
    let redis = match store.kind() {
        "redis" => {
            let up = actix_web::rt::time::timeout(REDIS_PING_TIMEOUT, store.ping())
                .await
                .unwrap_or(false);
            checks.push(serde_json::json!({
                "name": "redis",
                "status": if up { "up" } else { "down" },
                "error": (!up).then_some("Redis does not answer: one-time passwords are unavailable"),
                "lastGoodAt": null,
            }));
            Some(up)
        }
        _ => None,
    };
    let crls = state.service.trust.status();
    let files_current = crls.files > 0 && crls.earliest_next_update.is_none_or(|next| next > now);
    // The sources of REVOCATION_CONFIG: each one listed with its state. A CRL source that
    // answered once still serves its CRL until that CRL's nextUpdate, failing or not.
    let sources = state.service.trust.revocation_sources();
    let fetched_current = sources.as_ref().is_some_and(|(_, sources)| {
        sources.iter().any(|s| {
            s.kind == registration_core::trust::SourceKind::Crl
                && s.last_success.is_some()
                && s.next_update.is_none_or(|next| next > now)
        })
    });
    let crls_current = files_current || fetched_current;
    // Without current revocation data a production instance cannot do its work, unless the
    // revocation configuration says none is required: then it is only reported.
    let required = state.service.trust.require_revocation
        && sources.as_ref().is_none_or(|(requirement, _)| {
            *requirement != registration_core::trust::Requirement::None
        });
    let revocation_missing = required && !crls_current;
    if crls.files > 0 || state.service.trust.require_revocation {
        let status = match (&crls.error, crls_current) {
            (_, false) => "down",
            (Some(_), true) => "degraded",
            (None, true) => "up",
        };
        checks.push(serde_json::json!({
            "name": "crls",
            "status": status,
            "error": crls.error.clone().or_else(|| (!crls_current).then(|| "no current CRL".to_owned())),
            "lastGoodAt": crls.last_good_at.map(signatures::rfc3339),
        }));
    }
    let ready = database.is_ok() && !revocation_missing;
    // The alert of a stored deadline that counts on a year with no data file: computed
    // provisionally, never refused; an operator adds the year's data and recomputes.
    let deadline_years =
        registration_core::service::appeals::deadlines::open_in_years_without_data(
            &state.service.db,
            &state.service.calendar,
        )
        .await
        .unwrap_or_default();
    let calendar = serde_json::json!({
        "yearsWithData": state.service.calendar.years_with_data().collect::<Vec<_>>(),
        "missing": calendar_years_missing(&state.service.calendar, now),
        "deadlinesInYearsWithoutData": deadline_years,
    });
    let mut body = serde_json::json!({
        "status": if ready { "ready" } else { "unavailable" },
        "database": database.is_ok(),
        "redis": redis,
        "checks": checks,
        "calendar": calendar,
    });
    if let (Some((requirement, sources)), Some(fields)) = (sources, body.as_object_mut()) {
        fields.insert(
            "revocationRequirement".to_owned(),
            serde_json::json!(requirement.as_str()),
        );
        let sources: serde_json::Value = sources
            .iter()
            .map(|s| {
                serde_json::json!({
                    "kind": s.kind,
                    "ca": s.ca,
                    "url": s.url,
                    "state": s.state,
                    "lastSuccess": s.last_success.map(signatures::rfc3339),
                    "lastError": s.last_error,
                    "nextUpdate": s.next_update.map(signatures::rfc3339),
                })
            })
            .collect();
        fields.insert("revocationSources".to_owned(), sources);
    }
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
