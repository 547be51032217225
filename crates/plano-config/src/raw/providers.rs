//! Raw `model_providers` / `llm_providers` entries, including our `retry_policy` extension.

use std::time::Duration;

use crate::errors::{Diag, Loc, Sp};
use crate::read::{Obj, loc};

use super::{millis, narrow};

#[derive(Debug, Default)]
pub(crate) struct RawProvider {
    pub loc: Loc,
    pub model: Option<Sp<String>>,
    pub name: Option<Sp<String>>,
    pub access_key: Option<Sp<String>>,
    pub default: Option<Sp<bool>>,
    pub base_url: Option<Sp<String>>,
    pub passthrough_auth: Option<Sp<bool>>,
    pub http_host: Option<Sp<String>>,
    pub provider_interface: Option<Sp<String>>,
    /// Legacy spelling of `provider_interface`.
    pub provider: Option<Sp<String>>,
    pub headers: Vec<(Sp<String>, Sp<String>)>,
    /// Deprecated inline preferences (migrated for versions before v0.4.0).
    pub routing_preferences: Option<Sp<Vec<RawInlinePref>>>,
    pub retry_policy: Option<RawRetryPolicy>,
    pub api_version: Option<Sp<String>>,
    pub connect_timeout: Option<Sp<Duration>>,
    pub first_byte_timeout: Option<Sp<Duration>>,
    pub idle_timeout: Option<Sp<Duration>>,
    /// Extension: credential style override (`bearer`, `api_key`, `x_api_key`, `aws_sigv4`).
    pub auth_style: Option<Sp<String>>,
    /// Extension: AWS region for SigV4 (default: from a `bedrock-runtime.<region>` host).
    pub aws_region: Option<Sp<String>>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct RawInlinePref {
    pub loc: Loc,
    pub name: Option<Sp<String>>,
    pub description: Option<Sp<String>>,
}

#[derive(Debug, Default)]
pub(crate) struct RawRetryPolicy {
    pub loc: Loc,
    pub fallback_models: Option<Sp<Vec<Sp<String>>>>,
    pub default_strategy: Option<Sp<String>>,
    pub default_max_attempts: Option<Sp<u32>>,
    pub on_status_codes: Vec<RawRetryRule>,
    pub on_timeout: Option<RawRetryRule>,
    pub backoff: Option<RawBackoff>,
    pub max_retry_duration: Option<Sp<Duration>>,
    pub try_remaining_providers: Option<Sp<bool>>,
}

/// `on_status_codes[]` (with `codes`) or `on_timeout` (without).
#[derive(Debug, Default)]
pub(crate) struct RawRetryRule {
    pub codes: Vec<Sp<u16>>,
    pub strategy: Option<Sp<String>>,
    pub max_attempts: Option<Sp<u32>>,
}

#[derive(Debug, Default)]
pub(crate) struct RawBackoff {
    pub loc: Loc,
    pub apply_to: Option<Sp<String>>,
    pub base_ms: Option<Sp<Duration>>,
    pub max_ms: Option<Sp<Duration>>,
    pub jitter: Option<Sp<bool>>,
}

/// Values of `auth_style`, in the order errors list them.
pub(crate) const AUTH_STYLES: &[&str] = &["bearer", "api_key", "x_api_key", "aws_sigv4"];
pub(crate) const STRATEGIES: &[&str] = &["same_model", "same_provider", "different_provider"];
/// Upper bound for attempt counts: large enough for any real policy, small enough that a typo
/// (`max_attempts: 30000`) is caught.
const MAX_ATTEMPTS: i128 = 100;

pub(crate) fn read_list(
    o: &mut Obj<'_>,
    d: &mut Diag,
    key: &'static str,
) -> Option<Sp<Vec<RawProvider>>> {
    let (items, l) = o.list(d, key)?;
    let v = items
        .into_iter()
        .filter_map(|(n, p)| {
            let mut po = Obj::open(n, &p, d)?;
            let r = read_provider(&mut po, d);
            po.finish(d);
            Some(r)
        })
        .collect();
    Some(Sp { v, loc: l })
}

fn read_provider(o: &mut Obj<'_>, d: &mut Diag) -> RawProvider {
    RawProvider {
        loc: o.loc.clone(),
        model: o.req_str(d, "model"),
        name: o.str(d, "name"),
        access_key: o.str(d, "access_key"),
        default: o.bool(d, "default"),
        base_url: o.str(d, "base_url"),
        passthrough_auth: o.bool(d, "passthrough_auth"),
        http_host: o.str(d, "http_host"),
        provider_interface: o.str(d, "provider_interface"),
        provider: o.str(d, "provider"),
        headers: o.str_map(d, "headers").unwrap_or_default(),
        routing_preferences: read_inline_prefs(o, d),
        retry_policy: o.obj(d, "retry_policy").map(|mut ro| {
            let r = read_retry(&mut ro, d);
            ro.finish(d);
            r
        }),
        api_version: o.str(d, "api_version"),
        connect_timeout: o.duration(d, "connect_timeout"),
        first_byte_timeout: o.duration(d, "first_byte_timeout"),
        idle_timeout: o.duration(d, "idle_timeout"),
        auth_style: o.one_of(d, "auth_style", AUTH_STYLES),
        aws_region: o.str(d, "aws_region"),
    }
}

fn read_inline_prefs(o: &mut Obj<'_>, d: &mut Diag) -> Option<Sp<Vec<RawInlinePref>>> {
    let (items, l) = o.list(d, "routing_preferences")?;
    let v = items
        .into_iter()
        .filter_map(|(n, p)| {
            let mut po = Obj::open(n, &p, d)?;
            let r = RawInlinePref {
                loc: po.loc.clone(),
                name: po.req_str(d, "name"),
                description: po.req_str(d, "description"),
            };
            po.finish(d);
            Some(r)
        })
        .collect();
    Some(Sp { v, loc: l })
}

fn read_retry(o: &mut Obj<'_>, d: &mut Diag) -> RawRetryPolicy {
    let mut r = RawRetryPolicy {
        loc: o.loc.clone(),
        fallback_models: o.str_list(d, "fallback_models"),
        default_strategy: o.one_of(d, "default_strategy", STRATEGIES),
        default_max_attempts: narrow(o.int(d, "default_max_attempts", 1, MAX_ATTEMPTS)),
        ..RawRetryPolicy::default()
    };
    if let Some((items, _)) = o.list(d, "on_status_codes") {
        for (n, p) in items {
            let Some(mut ro) = Obj::open(n, &p, d) else {
                continue;
            };
            let mut rule = read_rule(&mut ro, d);
            if ro.node("codes").is_none() {
                d.error(&ro.loc, "missing required key `codes`");
            } else if let Some((codes, cl)) = ro.list(d, "codes") {
                if codes.is_empty() {
                    d.error(&cl, "`codes` must list at least one HTTP status code");
                }
                rule.codes = codes
                    .into_iter()
                    .filter_map(|(cn, cp)| {
                        narrow(crate::read::as_int(d, cn, loc(&cp, cn), 100, 599))
                    })
                    .collect();
            }
            ro.finish(d);
            r.on_status_codes.push(rule);
        }
    }
    r.on_timeout = o.obj(d, "on_timeout").map(|mut to| {
        let rule = read_rule(&mut to, d);
        to.finish(d);
        rule
    });
    r.backoff = o.obj(d, "backoff").map(|mut bo| {
        let b = RawBackoff {
            loc: bo.loc.clone(),
            apply_to: bo.one_of(
                d,
                "apply_to",
                &["same_model", "same_provider", "all_retries", "all"],
            ),
            base_ms: millis(bo.int(d, "base_ms", 0, 3_600_000)),
            max_ms: millis(bo.int(d, "max_ms", 0, 3_600_000)),
            jitter: bo.bool(d, "jitter"),
        };
        bo.finish(d);
        b
    });
    r.max_retry_duration = millis(o.int(d, "max_retry_duration_ms", 1, 86_400_000));
    r.try_remaining_providers = o.bool(d, "try_remaining_providers");
    r
}

fn read_rule(o: &mut Obj<'_>, d: &mut Diag) -> RawRetryRule {
    RawRetryRule {
        codes: Vec::new(),
        strategy: o.one_of(d, "strategy", STRATEGIES),
        max_attempts: narrow(o.int(d, "max_attempts", 1, MAX_ATTEMPTS)),
    }
}
