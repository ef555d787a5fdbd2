//! Settings: defaults, then environment variables.

use std::net::SocketAddr;

/// Where the server listens when `BIND_ADDR` is unset.
pub const DEFAULT_BIND_ADDR: &str = "127.0.0.1:8080";

/// The server's settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The address to listen on (`BIND_ADDR`); port 0 picks a free port (tests do).
    pub bind_addr: SocketAddr,
}

impl Settings {
    /// Reads the settings from the environment.
    pub fn from_env() -> Result<Self, String> {
        let text = std::env::var("BIND_ADDR").unwrap_or_else(|_| DEFAULT_BIND_ADDR.to_owned());
        let bind_addr = text.parse().map_err(|e| {
            format!("BIND_ADDR={text:?} is not an address like 127.0.0.1:8080: {e}")
        })?;
        Ok(Settings { bind_addr })
    }
}
