//! The workspace root: it exists so that the end-to-end tests in `tests/` build (Cargo builds a
//! top-level `tests/` only for a package). Their shared helpers live here.

use std::io::{Read, Write};
use std::net::TcpStream;

/// Sends one HTTP/1.1 GET and returns the status code and body. A dependency-free client is
/// enough for health checks; the GraphQL tests will bring a real one.
pub fn http_get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP response: {response:?}")))?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}
