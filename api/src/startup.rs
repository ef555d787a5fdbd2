//! Builds the HTTP server on a bound listener, so tests spawn the very same application on
//! port 0 and learn the port.

use crate::configuration::{Profile, Settings};
use crate::graphql;
use crate::http;
use crate::state::AppState;
use crate::telemetry;
use actix_web::dev::Server;
use actix_web::{App, HttpResponse, HttpServer, web};
use registration_core::context::ServiceContext;
use registration_core::registries::LocalRegistries;
use registration_core::trust::TrustStore;
use registration_core::{Clock, SystemClock, database};
use std::net::TcpListener;
use std::sync::Arc;

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Trust(#[from] registration_core::trust::TrustError),
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
}

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
        let trust = TrustStore::load(&settings.trust_config())?;
        if trust.uses_demo_anchor {
            tracing::warn!(
                "DEMO PKI TRUSTED: signatures made with the demo keys in demo/pki are accepted. \
                 This is the development profile; never expose it."
            );
        }
        let db = database::connect(settings.database_url.expose()).await?;
        database::migrate(&db).await?;
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
        let redis = settings
            .redis_url
            .as_ref()
            .map(|url| redis::Client::open(url.expose()))
            .transpose()?;
        let listener = TcpListener::bind(settings.bind_addr)?;
        let port = listener.local_addr()?.port();
        let service = ServiceContext {
            properties: Arc::new(LocalRegistries::new(db.clone())),
            db,
            clock,
            trust: Arc::new(trust),
            settings: Arc::new(settings.service_settings()),
        };
        let state = AppState {
            settings: Arc::new(settings),
            service,
            redis,
        };
        let schema = graphql::build(Some(state.clone()));
        let server = HttpServer::new(move || {
            App::new()
                .wrap(actix_web::middleware::from_fn(telemetry::with_request_id))
                .app_data(web::Data::new(state.clone()))
                .app_data(web::Data::new(schema.clone()))
                .route("/graphql", web::post().to(http::graphql::post))
                .route("/graphql", web::get().to(http::graphql::get))
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

/// Liveness: the process is up and serving HTTP.
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// Readiness: the database answers, and Redis when it is configured.
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let database = state.service.db.ping().await.is_ok();
    let redis = match &state.redis {
        None => None,
        Some(client) => Some(ping_redis(client).await),
    };
    let ready = database && redis.unwrap_or(true);
    let body = serde_json::json!({
        "status": if ready { "ready" } else { "unavailable" },
        "database": database,
        "redis": redis,
    });
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

async fn ping_redis(client: &redis::Client) -> bool {
    let Ok(mut connection) = client.get_multiplexed_async_connection().await else {
        return false;
    };
    redis::cmd("PING")
        .query_async::<String>(&mut connection)
        .await
        .is_ok()
}
