//! Builds the HTTP server on a bound listener, so tests can spawn the very same application on
//! port 0 and learn the port.

use crate::configuration::Settings;
use actix_web::dev::Server;
use actix_web::{App, HttpResponse, HttpServer, web};
use std::net::TcpListener;

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
    /// Binds the listener and builds the server.
    pub fn build(settings: &Settings) -> std::io::Result<Self> {
        let listener = TcpListener::bind(settings.bind_addr)?;
        let port = listener.local_addr()?.port();
        let server = HttpServer::new(|| App::new().route("/healthz", web::get().to(healthz)))
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
