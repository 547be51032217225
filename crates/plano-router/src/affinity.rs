//! Session affinity hashes (spec §4.6).
//!
//! A client that sends no explicit session id still has an identity worth keeping: the same tenant, system
//! prompt, tool set and opening user message mean the same conversation, and its prompt-cache prefix is warm at
//! whichever model served it last. [`session_key`] names that conversation; [`prefix_hash`] names the cacheable
//! prefix alone so the gateway can tell when it drifted.
//!
//! The hash is FNV-1a 64 — not cryptographic, but stable across processes, platforms and releases, which is
//! what a key stored in a shared session cache needs (std's `DefaultHasher` promises none of that). A salt
//! versions the scheme, and a unit-separator byte (0x1f) after every field keeps `("ab", "c")` and `("a", "bc")`
//! apart.

use crate::conversation::Conversation;

const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;
const SALT: &str = "plano-affinity-v1";
const SEPARATOR: u8 = 0x1f;

/// `implicit:<16 lowercase hex>` over (tenant, system text, tool names joined by `,`, first user text);
/// `None` when the conversation has no user turn.
pub fn session_key(tenant: &str, conv: &Conversation) -> Option<String> {
    let first_user = conv.first_user_text()?;
    let tools = conv.tool_names.join(",");
    let hash = affinity_hash(&[tenant, &conv.system_text(), &tools, first_user]);
    Some(format!("implicit:{hash:016x}"))
}

/// The hash of (tenant, system text, tool names joined by `,`); `None` when the conversation has no user turn.
pub fn prefix_hash(tenant: &str, conv: &Conversation) -> Option<u64> {
    conv.first_user_text()?;
    let tools = conv.tool_names.join(",");
    Some(affinity_hash(&[tenant, &conv.system_text(), &tools]))
}

/// FNV-1a 64 of the salt and `fields`, each followed by [`SEPARATOR`].
fn affinity_hash(fields: &[&str]) -> u64 {
    let mut hash = OFFSET_BASIS;
    for field in std::iter::once(&SALT).chain(fields) {
        for &byte in field.as_bytes().iter().chain(&[SEPARATOR]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::{Role, Turn};

    /// An independent FNV-1a 64, straight from the definition, over one byte string.
    fn fnv1a(bytes: &[u8]) -> u64 {
        let mut h: u64 = 14_695_981_039_346_656_037;
        for b in bytes {
            h = (h ^ *b as u64).wrapping_mul(1_099_511_628_211);
        }
        h
    }

    fn conv() -> Conversation {
        Conversation {
            turns: vec![
                Turn::new(Role::System, "sys"),
                Turn::new(Role::Developer, "dev"),
                Turn::new(Role::User, "first"),
                Turn::new(Role::Assistant, "a"),
                Turn::new(Role::User, "second"),
            ],
            tool_names: vec!["read".into(), "write".into()],
        }
    }

    #[test]
    fn fnv_reference_vectors() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn known_values() {
        let c = conv();
        let key_input = b"plano-affinity-v1\x1ftenant-a\x1fsys\ndev\x1fread,write\x1ffirst\x1f";
        assert_eq!(
            session_key("tenant-a", &c).unwrap(),
            format!("implicit:{:016x}", fnv1a(key_input))
        );
        let prefix_input = b"plano-affinity-v1\x1ftenant-a\x1fsys\ndev\x1fread,write\x1f";
        assert_eq!(prefix_hash("tenant-a", &c), Some(fnv1a(prefix_input)));
        // Pinned literal, so a change to the helper cannot hide a change to the scheme.
        assert_eq!(
            session_key(
                "",
                &Conversation {
                    turns: vec![Turn::new(Role::User, "hi")],
                    tool_names: vec![]
                }
            ),
            Some(format!(
                "implicit:{:016x}",
                fnv1a(b"plano-affinity-v1\x1f\x1f\x1f\x1fhi\x1f")
            ))
        );
    }

    #[test]
    fn key_format_and_stability() {
        let c = conv();
        let key = session_key("t", &c).unwrap();
        assert_eq!(key.len(), "implicit:".len() + 16);
        let hex = key.strip_prefix("implicit:").unwrap();
        assert!(hex.chars().all(|ch| matches!(ch, '0'..='9' | 'a'..='f')));
        assert_eq!(session_key("t", &c).unwrap(), key);
        assert_eq!(session_key("t", &c.clone()).unwrap(), key);
        assert_eq!(prefix_hash("t", &c), prefix_hash("t", &c));
    }

    #[test]
    fn inputs_change_the_key() {
        let c = conv();
        assert_ne!(session_key("t1", &c), session_key("t2", &c));
        assert_ne!(prefix_hash("t1", &c), prefix_hash("t2", &c));

        // Later user turns do not move the key; the first one does.
        let mut later = c.clone();
        later.turns.push(Turn::new(Role::User, "third"));
        assert_eq!(session_key("t", &c), session_key("t", &later));
        let mut first = c.clone();
        first.turns[2].text = "other".into();
        assert_ne!(session_key("t", &c), session_key("t", &first));
        assert_eq!(prefix_hash("t", &c), prefix_hash("t", &first));

        let mut tools = c.clone();
        tools.tool_names.pop();
        assert_ne!(prefix_hash("t", &c), prefix_hash("t", &tools));

        // Field boundaries matter.
        let mut shifted = c.clone();
        shifted.turns[0].text = "sy".into();
        let mut shifted_tenant = shifted.clone();
        shifted_tenant.turns[0].text = "y".into();
        // Without separators both would hash "tsy\ndev".
        assert_ne!(
            prefix_hash("t", &shifted),
            prefix_hash("ts", &shifted_tenant)
        );
    }

    #[test]
    fn no_user_turn_means_none() {
        let c = Conversation {
            turns: vec![Turn::new(Role::System, "s"), Turn::new(Role::Tool, "x")],
            tool_names: vec![],
        };
        assert_eq!(session_key("t", &c), None);
        assert_eq!(prefix_hash("t", &c), None);
        assert_eq!(session_key("t", &Conversation::default()), None);
    }
}
