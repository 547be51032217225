//! The Redis client against a scripted fake server: timeouts, stale connections, error replies,
//! partial reads and connect back-off, without a real Redis.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::resp::{self, Decoded};
use super::*;

/// What the fake server does with one command.
enum Action {
    Reply(&'static [u8]),
    /// Send the reply one byte at a time.
    Trickle(&'static [u8]),
    Silent,
    Close,
}

type Script = dyn Fn(usize, &[String]) -> Action + Send + Sync;

struct Fake {
    port: u16,
    accepted: Arc<AtomicUsize>,
    /// Every command received, as `conn#: ARG ARG …`.
    log: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A server that answers each command (given its connection number) as `script` says.
async fn fake(script: impl Fn(usize, &[String]) -> Action + Send + Sync + 'static) -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let log = Arc::new(Mutex::new(Vec::new()));
    let script: Arc<Script> = Arc::new(script);
    let task = tokio::spawn({
        let (accepted, log) = (Arc::clone(&accepted), Arc::clone(&log));
        async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let conn = accepted.fetch_add(1, Ordering::SeqCst);
                let (script, log) = (Arc::clone(&script), Arc::clone(&log));
                tokio::spawn(serve(socket, conn, script, log));
            }
        }
    });
    Fake {
        port,
        accepted,
        log,
        task,
    }
}

async fn serve(
    mut socket: tokio::net::TcpStream,
    conn: usize,
    script: Arc<Script>,
    log: Arc<Mutex<Vec<String>>>,
) {
    let mut buf = Vec::new();
    loop {
        let args = loop {
            let decoded = resp::decode(&buf);
            if let Ok(Decoded::Frame { value, len }) = decoded {
                buf.drain(..len);
                let Value::Array(items) = value else { return };
                break items
                    .into_iter()
                    .map(|v| match v {
                        Value::Bulk(b) => String::from_utf8_lossy(&b).into_owned(),
                        _ => String::new(),
                    })
                    .collect::<Vec<_>>();
            }
            if decoded.is_err() {
                // Not RESP (e.g. a TLS ClientHello): hang up, as Redis does.
                return;
            }
            let mut chunk = [0u8; 4096];
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        log.lock()
            .unwrap()
            .push(format!("{conn}: {}", args.join(" ")));
        match script(conn, &args) {
            Action::Reply(bytes) => {
                let _ = socket.write_all(bytes).await;
            }
            Action::Trickle(bytes) => {
                for byte in bytes {
                    let _ = socket.write_all(&[*byte]).await;
                    let _ = socket.flush().await;
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
            Action::Silent => {}
            Action::Close => return,
        }
    }
}

fn options() -> RedisOptions {
    RedisOptions {
        connect_timeout: Duration::from_millis(500),
        response_timeout: Duration::from_millis(300),
        reconnect_backoff: Duration::from_millis(200),
        ..RedisOptions::default()
    }
}

async fn connect(fake: &Fake, userinfo_and_db: (&str, &str)) -> Result<RedisStore, StoreError> {
    let (userinfo, db) = userinfo_and_db;
    let url = format!("redis://{userinfo}127.0.0.1:{}{db}", fake.port);
    RedisStore::connect(&url, options()).await
}

fn is_ping(args: &[String]) -> bool {
    args.first().is_some_and(|a| a == "PING")
}

#[tokio::test]
async fn silent_server_times_out_at_connect() {
    let server = fake(|_, _| Action::Silent).await;
    let started = Instant::now();
    let err = connect(&server, ("", "")).await.unwrap_err();
    assert!(matches!(err, StoreError::Timeout(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn sends_auth_and_select_from_the_url() {
    let server = fake(|_, _| Action::Reply(b"+OK\r\n")).await;
    let _store = connect(&server, ("alice:p%40ss@", "/3")).await.unwrap();
    let log = server.log.lock().unwrap().clone();
    assert_eq!(log, ["0: AUTH alice p@ss", "0: SELECT 3", "0: PING"]);
}

#[tokio::test]
async fn auth_failure_names_the_command_not_the_password() {
    let server = fake(|_, _| Action::Reply(b"-WRONGPASS invalid username-password pair\r\n")).await;
    let err = connect(&server, (":hunter2@", "")).await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(
        matches!(&err, StoreError::Server { command, .. } if command == "AUTH"),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "{text}");
}

#[tokio::test]
async fn put_sends_set_ex_with_the_ttl_rounded_up() {
    let server = fake(|_, _| Action::Reply(b"+OK\r\n")).await;
    let store = connect(&server, ("", "")).await.unwrap();
    let binding = Binding {
        anchor_model: "a/x".into(),
        last_used: 3,
        ..Binding::default()
    };
    store
        .put("s1", &binding, Duration::from_millis(1500))
        .await
        .unwrap();
    store.put("s1", &binding, Duration::ZERO).await.unwrap();
    let json = serde_json::to_string(&binding).unwrap();
    let log = server.log.lock().unwrap().clone();
    assert_eq!(log[1], format!("0: SET plano:affinity:s1 {json} EX 2"));
    assert_eq!(log[2], format!("0: SET plano:affinity:s1 {json} EX 1"));
}

#[tokio::test]
async fn reply_arriving_byte_by_byte_is_decoded() {
    const JSON: &str =
        r#"{"anchor_model":"a/x","default_model":"a/y","requested_model":"x","last_used":3}"#;
    const REPLY: &str = concat!(
        "$80\r\n",
        r#"{"anchor_model":"a/x","default_model":"a/y","requested_model":"x","last_used":3}"#,
        "\r\n"
    );
    assert_eq!(JSON.len(), 80);
    let server = fake(|_, args| match args[0].as_str() {
        "GET" => Action::Trickle(REPLY.as_bytes()),
        _ => Action::Reply(b"+PONG\r\n"),
    })
    .await;
    let store = connect(&server, ("", "")).await.unwrap();
    let got = store.get("s").await.unwrap().unwrap();
    assert_eq!(
        (got.anchor_model.as_str(), got.default_model.as_str()),
        ("a/x", "a/y")
    );
    assert_eq!(server.log.lock().unwrap()[1], "0: GET plano:affinity:s");
}

#[tokio::test]
async fn missing_key_is_none_and_bad_value_is_an_error_on_a_healthy_connection() {
    let server = fake(|_, args| match args.get(1).map(String::as_str) {
        Some("plano:affinity:missing") => Action::Reply(b"$-1\r\n"),
        Some(_) => Action::Reply(b"$3\r\nxyz\r\n"),
        None => Action::Reply(b"+PONG\r\n"),
    })
    .await;
    let store = connect(&server, ("", "")).await.unwrap();
    assert_eq!(store.get("missing").await.unwrap(), None);
    let err = store.get("garbage").await.unwrap_err();
    assert!(matches!(err, StoreError::BadValue(_)), "{err:?}");
    // A value that does not parse says nothing about the connection: it stays pooled.
    assert_eq!(store.idle_connections(), 1);
    assert_eq!(server.accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn error_reply_becomes_store_error_and_drops_the_connection() {
    let server = fake(|_, args| {
        if is_ping(args) {
            Action::Reply(b"+PONG\r\n")
        } else {
            Action::Reply(b"-ERR boom\r\n")
        }
    })
    .await;
    let store = connect(&server, ("", "")).await.unwrap();
    let err = store.get("k").await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Server { command, message } if command == "GET" && message == "ERR boom"),
        "{err:?}"
    );
    assert_eq!(store.idle_connections(), 0);
}

#[tokio::test]
async fn unexpected_reply_type_is_a_protocol_error() {
    let server = fake(|_, args| {
        if is_ping(args) {
            Action::Reply(b"+PONG\r\n")
        } else {
            Action::Reply(b":1\r\n")
        }
    })
    .await;
    let store = connect(&server, ("", "")).await.unwrap();
    let err = store.get("k").await.unwrap_err();
    assert!(matches!(err, StoreError::Protocol(_)), "{err:?}");
}

#[tokio::test]
async fn stale_idle_connection_is_retried_once_on_a_fresh_one() {
    // Connection 0 answers the start-up PING, then is "killed"; later connections work.
    let server = fake(|conn, args| match (conn, is_ping(args)) {
        (_, true) => Action::Reply(b"+PONG\r\n"),
        (0, false) => Action::Close,
        _ => Action::Reply(b"$-1\r\n"),
    })
    .await;
    let store = connect(&server, ("", "")).await.unwrap();
    assert_eq!(store.get("k").await.unwrap(), None);
    assert_eq!(server.accepted.load(Ordering::SeqCst), 2);
    // The fresh connection went back to the pool and is reused.
    assert_eq!(store.get("k").await.unwrap(), None);
    assert_eq!(server.accepted.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn failure_on_a_fresh_connection_is_not_retried() {
    let server = fake(|_, args| {
        if is_ping(args) {
            Action::Reply(b"+PONG\r\n")
        } else {
            Action::Close
        }
    })
    .await;
    let store = connect(&server, ("", "")).await.unwrap();
    let err = store.get("k").await.unwrap_err();
    assert!(matches!(err, StoreError::Closed), "{err:?}");
    // The stale pooled connection, then one fresh one: no third attempt.
    assert_eq!(server.accepted.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn slow_reply_times_out_and_the_connection_is_dropped() {
    let server = fake(|_, args| {
        if is_ping(args) {
            Action::Reply(b"+PONG\r\n")
        } else {
            Action::Silent
        }
    })
    .await;
    let store = connect(&server, ("", "")).await.unwrap();
    let started = Instant::now();
    let err = store.get("k").await.unwrap_err();
    assert!(matches!(err, StoreError::Timeout(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(store.idle_connections(), 0);
}

#[tokio::test]
async fn refused_connect_backs_off_then_retries() {
    let server = fake(|_, _| Action::Reply(b"+PONG\r\n")).await;
    let store = connect(&server, ("", "")).await.unwrap();
    // Take the server away: the pooled connection dies with it and new connects are refused.
    drop(server);
    tokio::time::sleep(Duration::from_millis(50)).await;
    store.drop_idle_connections();

    let err = store.get("k").await.unwrap_err();
    assert!(matches!(err, StoreError::Connect { .. }), "{err:?}");
    let err = store.get("k").await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err:?}");
    tokio::time::sleep(options().reconnect_backoff).await;
    let err = store.get("k").await.unwrap_err();
    assert!(matches!(err, StoreError::Connect { .. }), "{err:?}");
}

#[tokio::test]
async fn rediss_against_a_plain_server_fails_the_handshake() {
    let server = fake(|_, _| Action::Close).await;
    let url = format!("rediss://localhost:{}", server.port);
    let err = RedisStore::connect(&url, options()).await.unwrap_err();
    assert!(matches!(err, StoreError::Tls { .. }), "{err:?}");
}

#[test]
fn ttl_rounds_up_to_whole_seconds() {
    assert_eq!(ttl_secs(Duration::ZERO), 1);
    assert_eq!(ttl_secs(Duration::from_millis(1)), 1);
    assert_eq!(ttl_secs(Duration::from_secs(300)), 300);
    assert_eq!(ttl_secs(Duration::from_millis(300_001)), 301);
}
