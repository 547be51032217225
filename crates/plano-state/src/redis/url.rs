//! Parsing `redis://[user[:password]@]host[:port][/db]` and `rediss://…` (TLS).
//!
//! The URL holds a credential, so nothing here echoes it: errors describe what is wrong without
//! quoting the input, and [`RedisUrl`]'s `Debug` redacts the password. User and password are
//! percent-decoded (a password may contain `@`, `:` or `/`). Query parameters are ignored.

use std::fmt;

use crate::error::StoreError;

const DEFAULT_PORT: u16 = 6379;

/// Where and how to connect.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisUrl {
    /// `rediss://`: connect with TLS, SNI = `host`.
    pub tls: bool,
    /// Host name or IP address, without IPv6 brackets.
    pub host: String,
    pub port: u16,
    /// `AUTH` user name (Redis 6 ACL); only used with a password.
    pub username: Option<String>,
    pub password: Option<String>,
    /// `SELECT` this database when not 0.
    pub db: u32,
}

impl RedisUrl {
    pub fn parse(url: &str) -> Result<RedisUrl, StoreError> {
        let invalid = |why: &str| StoreError::InvalidUrl(why.to_owned());
        let (tls, rest) = if let Some(rest) = url.strip_prefix("redis://") {
            (false, rest)
        } else if let Some(rest) = url.strip_prefix("rediss://") {
            (true, rest)
        } else {
            return Err(invalid("scheme must be redis:// or rediss://"));
        };
        let rest = rest.split(['?', '#']).next().unwrap_or_default();
        // The authority ends at the first `/` after the last `@`: a password may hold `/` only
        // percent-encoded, but an unencoded `@` in it is common enough to tolerate.
        let (userinfo, host_path) = match rest.rfind('@') {
            Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
            None => (None, rest),
        };
        let (authority, path) = match host_path.find('/') {
            Some(slash) => (&host_path[..slash], &host_path[slash + 1..]),
            None => (host_path, ""),
        };

        let (username, password) = match userinfo {
            None => (None, None),
            Some(info) => {
                let (user, pass) = match info.split_once(':') {
                    Some((user, pass)) => (user, Some(pass)),
                    None => (info, None),
                };
                let user = percent_decode(user)
                    .ok_or_else(|| invalid("user name is not valid percent-encoded UTF-8"))?;
                let pass = pass
                    .map(percent_decode)
                    .map(|p| {
                        p.ok_or_else(|| invalid("password is not valid percent-encoded UTF-8"))
                    })
                    .transpose()?;
                (
                    (!user.is_empty()).then_some(user),
                    pass.filter(|p| !p.is_empty()),
                )
            }
        };

        let (host, port) = split_host_port(authority).ok_or_else(|| invalid("bad host or port"))?;
        if host.is_empty() {
            return Err(invalid("missing host"));
        }
        let db = match path.trim_end_matches('/') {
            "" => 0,
            db => db
                .parse()
                .map_err(|_| invalid("database must be a number, as in redis://host:6379/0"))?,
        };
        Ok(RedisUrl {
            tls,
            host: host.to_owned(),
            port,
            username,
            password,
            db,
        })
    }

    /// `host:port` for messages (IPv6 in brackets); never includes credentials.
    pub fn addr(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisUrl")
            .field("tls", &self.tls)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("db", &self.db)
            .finish()
    }
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_host_port(authority: &str) -> Option<(&str, u16)> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = match port {
        None => DEFAULT_PORT,
        Some(port) => port.parse().ok()?,
    };
    Some((host, port))
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> RedisUrl {
        RedisUrl::parse(url).unwrap()
    }

    #[test]
    fn plain_host_defaults() {
        let u = parse("redis://127.0.0.1");
        assert!(!u.tls);
        assert_eq!((u.host.as_str(), u.port, u.db), ("127.0.0.1", 6379, 0));
        assert_eq!((u.username, u.password), (None, None));
        assert_eq!(parse("redis://cache:6380/").port, 6380);
    }

    #[test]
    fn credentials_port_and_db() {
        let u = parse("rediss://alice:s3cr%40t@redis.example.com:6380/4");
        assert!(u.tls);
        assert_eq!(u.host, "redis.example.com");
        assert_eq!((u.port, u.db), (6380, 4));
        assert_eq!(u.username.as_deref(), Some("alice"));
        assert_eq!(u.password.as_deref(), Some("s3cr@t"));

        let u = parse("redis://:pw@h");
        assert_eq!((u.username, u.password.as_deref()), (None, Some("pw")));
        // An unencoded `@` in the password still parses.
        assert_eq!(parse("redis://:p@ss@h/1").password.as_deref(), Some("p@ss"));
    }

    #[test]
    fn ipv6_and_ignored_query() {
        let u = parse("redis://[::1]:7000/2?protocol=resp2");
        assert_eq!((u.host.as_str(), u.port, u.db), ("::1", 7000, 2));
        assert_eq!(u.addr(), "[::1]:7000");
        assert_eq!(parse("redis://[::1]").port, 6379);
    }

    #[test]
    fn errors_never_echo_the_password() {
        for url in [
            "http://:hunter2@h",
            "redis://:hunter2@h:notaport",
            "redis://:hunter2@h/db",
            "redis://:hunter2@",
            "redis://:hunter2%zz@h",
        ] {
            let err = RedisUrl::parse(url).unwrap_err();
            let text = format!("{err} {err:?}");
            assert!(matches!(err, StoreError::InvalidUrl(_)), "{url}");
            assert!(!text.contains("hunter2"), "{text}");
        }
        let debug = format!("{:?}", parse("redis://u:hunter2@h"));
        assert!(!debug.contains("hunter2"), "{debug}");
    }
}
