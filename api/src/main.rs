//! `registration-api`: the server binary.

use api::configuration::Settings;
use api::startup::Application;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let settings = Settings::load().map_err(std::io::Error::other)?;
    let application = Application::build(&settings)?;
    tracing::info!(port = application.port(), "registration-api listening");
    application.run_until_stopped().await
}
