//! GraphQL subscriptions over WebSocket at `/graphql` (issue 17): `graphql-transport-ws` and the
//! legacy `graphql-ws` (subscriptions-transport-ws) subprotocols, on `actix-ws` with
//! `async_graphql::http::WebSocket` as the protocol machine and this adapter around it:
//!
//! - authentication in `connection_init` under `authorization` (a session token or an
//!   integrator's API key, with or without `Bearer `);
//! - the close codes of graphql-transport-ws where async-graphql 7.2 gets them wrong: a rejected
//!   init is 4403 (it says 1002), a subscribe before the ack 4401 (it says 1011), a malformed
//!   message 4400 (1002), and no `connection_init` within `SUBSCRIPTION_INIT_TIMEOUT_SECONDS` is 4408 (it has none);
//! - at most [`MAX_SUBSCRIPTIONS`] at once per connection (more: 4429);
//! - a session that expires or is logged out, or a key that is revoked, is closed with 4403
//!   (every connection's credential is checked in one batch per instance every
//!   `SUBSCRIPTION_SESSION_CHECK_SECONDS`: [`crate::session_watch`]; graphql-ws then retries and
//!   calls `connectionParams` again, so a refreshed token reconnects);
//! - a subscriber that falls more than [`crate::live::SUBSCRIBER_BUFFER`] events behind closes
//!   the connection with 1013 (it resumes from its cursor), and a client that does not read for
//!   `SUBSCRIPTION_WRITE_TIMEOUT_SECONDS` is dropped: nothing grows without bound, nothing slows the others.
//!
//! Protocols: <https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md>,
//! <https://github.com/apollographql/subscriptions-transport-ws/blob/master/PROTOCOL.md>.

use crate::graphql::AppSchema;
use crate::graphql::context::RequestContext;
use crate::graphql::locale::Locale;
use crate::graphql::subscription::ConnectionControl;
use crate::live::LiveEvents;
use crate::session_watch::Watched;
use crate::signal::Signal;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{CloseCode, CloseReason, Message};
use async_graphql::Data;
use async_graphql::http::{WebSocket, WebSocketProtocols as Protocols, WsMessage};
use futures_util::StreamExt;
use registration_core::auth::viewer::{self, Credential, Principal};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// How many subscriptions a connection may hold at once.
pub const MAX_SUBSCRIPTIONS: usize = 20;

/// How many client frames wait for the protocol machine (backpressure beyond).
const INBOUND_BUFFER: usize = 16;

/// The subprotocol asked for: graphql-transport-ws first, the legacy one otherwise.
fn protocol_of(request: &HttpRequest) -> Option<Protocols> {
    let offered: Vec<String> = request
        .headers()
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|p| p.trim().to_owned()))
        .collect();
    if offered.iter().any(|p| p == "graphql-transport-ws") {
        Some(Protocols::GraphQLWS)
    } else if offered.iter().any(|p| p == "graphql-ws") {
        Some(Protocols::SubscriptionsTransportWS)
    } else {
        None
    }
}

/// The close codes of graphql-transport-ws.
mod codes {
    pub const BAD_REQUEST: u16 = 4400;
    pub const UNAUTHORIZED: u16 = 4401;
    pub const FORBIDDEN: u16 = 4403;
    pub const INIT_TIMEOUT: u16 = 4408;
    pub const TOO_MANY: u16 = 4429;
    /// RFC 6455: try again later (the subscriber fell behind).
    pub const TRY_AGAIN_LATER: u16 = 1013;
}

/// Upgrades a request to a GraphQL WebSocket connection.
pub async fn upgrade(
    request: HttpRequest,
    body: web::Payload,
    schema: web::Data<AppSchema>,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let Some(protocol) = protocol_of(&request) else {
        return Ok(HttpResponse::BadRequest()
            .content_type("text/plain; charset=utf-8")
            .body("Sec-WebSocket-Protocol must offer graphql-transport-ws or graphql-ws"));
    };
    let (mut response, session, frames) = actix_ws::handle(&request, body)?;
    response.headers_mut().insert(
        header::SEC_WEBSOCKET_PROTOCOL,
        header::HeaderValue::from_static(protocol.sec_websocket_protocol()),
    );
    let locale = Locale::from_accept_language(
        request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let live = state.live.clone();
    actix_web::rt::spawn(connection(
        schema.into_inner(),
        state.into_inner(),
        live,
        protocol,
        (locale, origin),
        session,
        frames,
    ));
    Ok(response)
}

/// What the adapter learns of the conversation, to map close codes and to re-check the
/// session.
#[derive(Debug, Default)]
struct Conversation {
    init_received: bool,
    acknowledged: bool,
    /// The watch on the credential the client authenticated with (dropped with the
    /// connection).
    watched: Option<Watched>,
    active: HashSet<String>,
}

fn authorization_of(payload: &serde_json::Value) -> Option<String> {
    let value = payload
        .get("authorization")
        .or_else(|| payload.get("Authorization"))?
        .as_str()?
        .trim();
    Some(if value.starts_with("Bearer ") {
        value.to_owned()
    } else {
        format!("Bearer {value}")
    })
}

async fn connection(
    schema: Arc<AppSchema>,
    state: Arc<AppState>,
    live: LiveEvents,
    protocol: Protocols,
    (locale, origin): (Locale, String),
    mut session: actix_ws::Session,
    mut frames: actix_ws::MessageStream,
) {
    let conversation = Arc::new(Mutex::new(Conversation::default()));
    let control = Arc::new(ConnectionControl::default());
    let session_ended = Arc::new(Signal::default());
    let (inbound, inbound_frames) = mpsc::channel::<String>(INBOUND_BUFFER);
    let init = {
        let state = Arc::clone(&state);
        let conversation = Arc::clone(&conversation);
        let control = Arc::clone(&control);
        let live = live.clone();
        let session_ended = Arc::clone(&session_ended);
        move |payload: serde_json::Value| {
            let state = Arc::clone(&state);
            let conversation = Arc::clone(&conversation);
            let control = Arc::clone(&control);
            let live = live.clone();
            let session_ended = Arc::clone(&session_ended);
            let origin = origin.clone();
            async move {
                let authorization = authorization_of(&payload);
                let principal = viewer::resolve(
                    &state.service.db,
                    authorization.as_deref(),
                    state.service.clock.now(),
                )
                .await
                .map_err(|_| async_graphql::Error::new("the service is unavailable"))?;
                if !matches!(
                    principal,
                    Principal::Person(_) | Principal::Integrator { .. }
                ) {
                    return Err(async_graphql::Error::new("Forbidden"));
                }
                if let Some(credential) = authorization.as_deref().and_then(Credential::of)
                    && let Ok(mut conversation) = conversation.lock()
                {
                    conversation.watched = Some(state.sessions.watch(credential, session_ended));
                }
                let mut data = Data::default();
                data.insert(RequestContext {
                    principal,
                    locale,
                    origin,
                    origin_accepted: true,
                    property_lookups: Default::default(),
                });
                data.insert(control);
                data.insert(live);
                Ok(data)
            }
        }
    };
    let messages = tokio_stream_of(inbound_frames);
    let mut machine =
        WebSocket::new((*schema).clone(), messages, protocol).on_connection_init(init);
    let init_deadline = actix_web::rt::time::sleep(Duration::from_secs(u64::from(
        state.settings.subscription_init_timeout_seconds,
    )));
    tokio::pin!(init_deadline);
    let transport_ws = protocol == Protocols::GraphQLWS;
    let write_timeout =
        Duration::from_secs(u64::from(state.settings.subscription_write_timeout_seconds));
    let mut client_closed = false;
    let close = loop {
        tokio::select! {
            frame = frames.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    if let Some(code) = note_client_message(&conversation, &text) {
                        break Some(code);
                    }
                    if inbound.send(text.to_string()).await.is_err() {
                        break None;
                    }
                }
                Some(Ok(Message::Binary(bytes))) => {
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    if let Some(code) = note_client_message(&conversation, &text) {
                        break Some(code);
                    }
                    if inbound.send(text).await.is_err() {
                        break None;
                    }
                }
                Some(Ok(Message::Ping(bytes))) => {
                    if session.pong(&bytes).await.is_err() {
                        break None;
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                    client_closed = true;
                    break None;
                }
                Some(Ok(_)) => {}
            },
            out = machine.next() => match out {
                Some(WsMessage::Text(text)) => {
                    note_server_message(&conversation, &text);
                    match actix_web::rt::time::timeout(write_timeout, session.text(text)).await {
                        Ok(Ok(())) => {}
                        // Gone, or not reading: drop the connection.
                        _ => return,
                    }
                }
                Some(WsMessage::Close(code, reason)) => {
                    break Some(map_close(&conversation, transport_ws, code, reason));
                }
                None => break None,
            },
            () = &mut init_deadline, if !initialised(&conversation) => {
                break Some((codes::INIT_TIMEOUT, "Connection initialisation timeout".to_owned()));
            }
            () = session_ended.raised() => {
                break Some((codes::FORBIDDEN, "Forbidden: the session ended".to_owned()));
            }
            () = control.overflowed() => {
                break Some((
                    codes::TRY_AGAIN_LATER,
                    "too slow: resume from your last cursor".to_owned(),
                ));
            }
        }
    };
    if let Some((code, reason)) = close {
        let _ = actix_web::rt::time::timeout(
            write_timeout,
            session.close(Some(CloseReason {
                code: CloseCode::Other(code),
                description: Some(close_reason(reason)),
            })),
        )
        .await;
    } else {
        let _ = session.close(None).await;
    }
    if client_closed {
        return;
    }
    // The closing handshake (RFC 6455, 7.1.1): the server ends the TCP connection once it
    // has both sent and received a close, so a client still reading what came before the close
    // frame (a slow consumer's backlog) gets it all; one that never answers is let go after
    // the write timeout.
    let _ = actix_web::rt::time::timeout(write_timeout, async {
        while let Some(Ok(message)) = frames.next().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

fn tokio_stream_of(
    mut receiver: mpsc::Receiver<String>,
) -> impl futures_util::Stream<Item = String> + Send + Unpin + 'static {
    Box::pin(futures_util::stream::poll_fn(move |cx| {
        receiver.poll_recv(cx)
    }))
}

fn initialised(conversation: &Mutex<Conversation>) -> bool {
    conversation.lock().map(|c| c.init_received).unwrap_or(true)
}

/// Notes what the client sent (its init, its subscriptions); the close code when it asks for
/// more subscriptions than a connection may hold.
fn note_client_message(conversation: &Mutex<Conversation>, text: &str) -> Option<(u16, String)> {
    let message: serde_json::Value = serde_json::from_str(text).ok()?;
    let kind = message.get("type")?.as_str()?;
    let id = message
        .get("id")
        .and_then(|i| i.as_str())
        .map(str::to_owned);
    let mut conversation = conversation.lock().ok()?;
    match kind {
        "connection_init" => conversation.init_received = true,
        "subscribe" | "start" => {
            if let Some(id) = id {
                conversation.active.insert(id);
            }
            if conversation.active.len() > MAX_SUBSCRIPTIONS {
                return Some((
                    codes::TOO_MANY,
                    format!("at most {MAX_SUBSCRIPTIONS} subscriptions per connection"),
                ));
            }
        }
        "complete" | "stop" => {
            if let Some(id) = id {
                conversation.active.remove(&id);
            }
        }
        _ => {}
    }
    None
}

/// Notes what the server sent: the ack, and the subscriptions it ended (`complete`, `error`),
/// whose places are free again (the client sends no `complete` for those).
fn note_server_message(conversation: &Mutex<Conversation>, text: &str) {
    // The bulk of what is sent is results: async-graphql serialises the type first (an
    // internally tagged enum), so those are known by their start and never parsed.
    if text.starts_with(r#"{"type":"next""#) || text.starts_with(r#"{"type":"data""#) {
        return;
    }
    let Ok(message) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    let kind = message
        .get("type")
        .and_then(|t| t.as_str())
        .unwrap_or_default();
    let Ok(mut conversation) = conversation.lock() else {
        return;
    };
    match kind {
        "connection_ack" => conversation.acknowledged = true,
        "complete" | "error" => {
            if let Some(id) = message.get("id").and_then(|i| i.as_str()) {
                conversation.active.remove(id);
            }
        }
        _ => {}
    }
}

/// A close frame carries at most 123 bytes of reason (RFC 6455, 5.5): longer ones are cut at
/// a character's boundary, or the client rejects the frame (and sees 1006).
fn close_reason(reason: String) -> String {
    const MAX: usize = 123;
    if reason.len() <= MAX {
        return reason;
    }
    let mut end = MAX;
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason[..end].to_owned()
}

/// The close code to send for async-graphql's: graphql-transport-ws's own where async-graphql
/// gets it wrong.
fn map_close(
    conversation: &Mutex<Conversation>,
    transport_ws: bool,
    code: u16,
    reason: String,
) -> (u16, String) {
    if !transport_ws {
        return (code, reason);
    }
    let (init_received, acknowledged) = conversation
        .lock()
        .map(|c| (c.init_received, c.acknowledged))
        .unwrap_or((false, false));
    match code {
        1002 if init_received && !acknowledged => (codes::FORBIDDEN, "Forbidden".to_owned()),
        1002 => (codes::BAD_REQUEST, reason),
        1011 if !acknowledged => (codes::UNAUTHORIZED, "Unauthorized".to_owned()),
        other => (other, reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_known_by_their_start_and_the_rest_are_read() {
        let conversation = Mutex::new(Conversation::default());
        note_client_message(
            &conversation,
            r#"{"type":"subscribe","id":"a","payload":{}}"#,
        );
        note_client_message(
            &conversation,
            r#"{"type":"subscribe","id":"b","payload":{}}"#,
        );
        note_server_message(&conversation, r#"{"type":"connection_ack"}"#);
        note_server_message(
            &conversation,
            r#"{"type":"next","id":"a","payload":{"data":{"type":"complete"}}}"#,
        );
        note_server_message(&conversation, r#"{"type":"complete","id":"b"}"#);
        let conversation = conversation.lock().expect("not poisoned");
        assert!(conversation.acknowledged);
        assert_eq!(
            conversation.active.iter().collect::<Vec<_>>(),
            [&"a".to_owned()]
        );
    }

    #[test]
    fn a_close_reason_fits_a_close_frame_and_stays_text() {
        assert_eq!(close_reason("Forbidden".to_owned()), "Forbidden");
        let long = "ж".repeat(100);
        let cut = close_reason(long);
        assert!(cut.len() <= 123 && cut.len() >= 121, "{}", cut.len());
        assert!(cut.chars().all(|c| c == 'ж'));
    }
}
