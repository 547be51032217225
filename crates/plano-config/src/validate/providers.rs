//! `model_providers` entries → [`Provider`]s (spec §1.5, rules 8–17 of §1.19.2).
//!
//! Provider families come from `plano-catalog`, never from a list here: a prefix the catalog
//! knows is built in (its row may demand a `base_url`), any other prefix is custom and needs a
//! `base_url` plus a `provider_interface` naming a catalog row usable as an interface.
//!
//! Deliberate difference from upstream (rule 15): the same model id under several prefixes
//! (`custom/claude-opus-4-6` and `custom-aws/claude-opus-4-6`) is allowed — it is how users
//! configure failover between channels. Two entries with the same full `model` are allowed too
//! when their `name`s differ; without names they collide as duplicate names.

use std::collections::HashSet;

use plano_catalog::providers::{PathStyle, builtin_ids, interface_ids};
use plano_catalog::{AuthStyle, ProviderSpec, lookup};

use crate::env::EnvPolicy;
use crate::errors::{Diag, Loc, Sp};
use crate::model::{AwsCredentials, BaseUrl, Overrides, Provider};
use crate::raw::{RawProvider, RawRetryPolicy};
use crate::secret::Secret;
use crate::suggest;

use super::{Env, or};

/// Builds every provider that is valid on its own; cross-provider rules follow. The second
/// vector holds each built provider's raw retry policy, resolved once all providers exist.
pub(crate) fn build(
    raw: Vec<RawProvider>,
    overrides: &Overrides,
    env: &Env<'_>,
    d: &mut Diag,
) -> (Vec<Provider>, Vec<Option<RawRetryPolicy>>) {
    let mut providers = Vec::with_capacity(raw.len());
    let mut retries = Vec::with_capacity(raw.len());
    let mut names: HashSet<String> = HashSet::with_capacity(raw.len());
    let mut default_seen: Option<String> = None;

    for mut r in raw {
        let retry = r.retry_policy.take();
        let Some(p) = provider(r, overrides, env, d, &mut names, &mut default_seen) else {
            continue;
        };
        providers.push(p);
        retries.push(retry);
    }
    (providers, retries)
}

fn provider(
    r: RawProvider,
    overrides: &Overrides,
    env: &Env<'_>,
    d: &mut Diag,
    names: &mut HashSet<String>,
    default_seen: &mut Option<String>,
) -> Option<Provider> {
    let model = r.model?;
    let Some((prefix, model_id)) = model
        .v
        .split_once('/')
        .filter(|(p, m)| !p.is_empty() && !m.is_empty())
    else {
        // Pre-0.2 configs named the provider separately (`provider: openai`, `model: gpt-4o`).
        let hint = match r.provider_interface.as_ref().or(r.provider.as_ref()) {
            Some(i) if !model.v.contains('/') => format!(" Write `model: {}/{}`.", i.v, model.v),
            _ => String::new(),
        };
        d.error(
            &model.loc,
            format!(
                "Invalid model name {}. Please provide model name in the format <provider>/<model_id> \
                 or <provider>/* for wildcards.{hint}",
                model.v
            ),
        );
        return None;
    };
    let wildcard = model_id == "*";
    if !wildcard && model_id.contains('*') {
        d.error(
            &model.loc,
            format!(
                "`{}`: a wildcard must be the whole model id; write `{prefix}/*`",
                model.v
            ),
        );
        return None;
    }

    // Legacy `provider` key.
    let interface = match (r.provider_interface, r.provider) {
        (Some(_), Some(legacy)) => {
            d.error(
                &legacy.loc,
                "Please provide either provider or provider_interface, not both",
            );
            None
        }
        (Some(i), None) => Some(i),
        (None, Some(legacy)) => {
            d.warn(
                &legacy.loc,
                "`provider` is deprecated; rename it to `provider_interface`",
            );
            Some(legacy)
        }
        (None, None) => None,
    };

    // An invalid base_url is reported once, as invalid, not again as missing.
    let base_url_written = r.base_url.is_some();
    let base_url = r
        .base_url
        .and_then(|b| match crate::url::parse(&b.v, &["http", "https"]) {
            Ok(u) => Some(Sp { v: u, loc: b.loc }),
            Err(why) => {
                d.error(
                &b.loc,
                format!(
                    "Please provide a valid URL with scheme (http/https) in base_url: `{}` — {why}",
                    b.v
                ),
            );
                None
            }
        });

    let spec = match lookup(prefix) {
        Some(spec) => {
            if let Some(i) = &interface {
                d.error(
                    &i.loc,
                    format!(
                        "`provider_interface` is only for custom prefixes: `{}` already uses the built-in \
                         provider `{prefix}`. Please provide provider interface as part of model name \
                         (`<provider>/<model_id>`) and remove `provider_interface`",
                        model.v
                    ),
                );
            }
            if spec.base_url_required && !base_url_written {
                d.error(
                    &r.loc,
                    format!(
                        "Provider '{prefix}' requires 'base_url' to be set for model {}",
                        model.v
                    ),
                );
            }
            Some(spec)
        }
        None => custom_spec(
            prefix,
            &model,
            wildcard,
            base_url_written,
            interface.as_ref(),
            d,
        ),
    };

    let explicit_name = r.name.is_some();
    let name = r.name.map_or_else(|| model.v.clone(), |n| n.v);
    if name.is_empty() {
        d.error(&r.loc, "provider `name` must not be empty");
    }
    if names.contains(&name) {
        let why = if explicit_name {
            String::new()
        } else {
            " (an entry without `name` is named after its `model`; give each entry a distinct `name`)"
                .to_owned()
        };
        d.error(
            &r.loc,
            format!(
                "Duplicate model_provider name {name}, please provide unique name for each model_provider{why}"
            ),
        );
    } else {
        names.insert(name.clone());
    }

    let default = or(r.default.clone(), false);
    if default {
        if wildcard {
            d.error(
                r.default.as_ref().map_or(&r.loc, |s| &s.loc),
                format!(
                    "Model {} is configured as default but uses wildcard (*). Default models cannot be wildcards.",
                    model.v
                ),
            );
        }
        match default_seen {
            Some(first) => d.error(
                r.default.as_ref().map_or(&r.loc, |s| &s.loc),
                format!(
                    "There must be at most one default LLM Provider: `{first}` and `{name}` are both `default: true`"
                ),
            ),
            None => *default_seen = Some(name.clone()),
        }
    }

    let passthrough_auth = or(r.passthrough_auth, false);
    let access_key = match r.access_key {
        Some(k) if k.v.trim().is_empty() => {
            d.warn(&k.loc, "access_key is empty; no credential will be sent");
            None
        }
        Some(k) => Some(k),
        None => None,
    };
    if passthrough_auth && access_key.is_some() {
        d.warn_global(format!(
            "WARNING: Model provider '{name}' has both 'passthrough_auth: true' and 'access_key' configured. \
             The access_key will be ignored and the client's Authorization header will be forwarded instead."
        ));
    }

    let mut headers = Vec::with_capacity(r.headers.len());
    for (k, v) in r.headers {
        if !is_header_name(&k.v) {
            d.error(&k.loc, format!("`{}` is not a valid HTTP header name", k.v));
            continue;
        }
        if v.v.contains(['\r', '\n']) {
            d.error(&v.loc, "header values must not contain line breaks");
            continue;
        }
        headers.push((k.v, Secret::new(v.v)));
    }

    if let Some(av) = &r.api_version
        && spec.is_some_and(|s| s.path_style != PathStyle::AzureDeployments)
    {
        d.warn(
            &av.loc,
            format!("api_version only applies to azure_openai providers; ignored for `{name}`"),
        );
    }

    let spec = spec?;
    let base_url = base_url.map(|b| b.v);
    let auth_style = r.auth_style.as_ref().and_then(|a| auth_style(&a.v));
    let (aws_region, aws_credentials) = match (&r.auth_style, auth_style) {
        (Some(a), Some(AuthStyle::AwsSigV4)) => {
            if spec.path_style != PathStyle::BedrockConverse {
                d.error(
                    &a.loc,
                    format!("auth_style `aws_sigv4` is only for amazon_bedrock providers; `{name}` is not one"),
                );
            }
            if passthrough_auth {
                d.error(
                    &a.loc,
                    "auth_style `aws_sigv4` signs with AWS credentials and cannot be combined with `passthrough_auth: true`",
                );
            }
            let region = sigv4_region(r.aws_region, base_url.as_ref(), &a.loc, d);
            (region, aws_credentials(env, &a.loc, d))
        }
        _ => {
            if let Some(reg) = &r.aws_region {
                d.warn(
                    &reg.loc,
                    format!(
                        "aws_region only applies with `auth_style: aws_sigv4`; ignored for `{name}`"
                    ),
                );
            }
            (None, None)
        }
    };
    Some(Provider {
        name,
        model: model.v.clone(),
        prefix: prefix.to_owned(),
        model_id: model_id.to_owned(),
        wildcard,
        spec,
        access_key: access_key.map(|k| Secret::new(k.v)),
        default,
        base_url,
        passthrough_auth,
        http_host: r.http_host.map(|h| h.v),
        headers,
        api_version: r.api_version.map(|a| a.v),
        connect_timeout: or(r.connect_timeout, overrides.upstream_connect_timeout),
        first_byte_timeout: r.first_byte_timeout.map(|t| t.v),
        idle_timeout: r.idle_timeout.map(|t| t.v),
        retry_policy: None,
        internal: false,
        auth_style,
        aws_region,
        aws_credentials,
    })
}

/// An `auth_style` value (already checked against the allowed list when read).
fn auth_style(v: &str) -> Option<AuthStyle> {
    match v {
        "bearer" => Some(AuthStyle::Bearer),
        "api_key" => Some(AuthStyle::AzureKey),
        "x_api_key" => Some(AuthStyle::AnthropicKey),
        "aws_sigv4" => Some(AuthStyle::AwsSigV4),
        _ => None,
    }
}

/// The SigV4 region: `aws_region`, else the `<region>` of a
/// `bedrock-runtime.<region>.amazonaws.com` base_url (the only host shape that names it).
fn sigv4_region(
    written: Option<Sp<String>>,
    base_url: Option<&BaseUrl>,
    at: &Loc,
    d: &mut Diag,
) -> Option<String> {
    if let Some(r) = written {
        let ok = !r.v.is_empty()
            && r.v
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            d.error(
                &r.loc,
                format!("`{}` is not an AWS region (like `us-east-1`)", r.v),
            );
            return None;
        }
        return Some(r.v);
    }
    let from_host = base_url.and_then(|b| {
        b.host
            .strip_prefix("bedrock-runtime.")?
            .strip_suffix(".amazonaws.com")
            .filter(|r| !r.is_empty() && !r.contains('.'))
            .map(str::to_owned)
    });
    if from_host.is_none() {
        d.error(
            at,
            "auth_style `aws_sigv4` needs the AWS region: set `aws_region` (the base_url host is not \
             `bedrock-runtime.<region>.amazonaws.com`)",
        );
    }
    from_host
}

/// The standard AWS credential variables, looked up like `$VAR` references (process environment,
/// then `.env`), so SigV4 needs no secrets in the config file.
fn aws_credentials(env: &Env<'_>, at: &Loc, d: &mut Diag) -> Option<AwsCredentials> {
    let get = |name: &str| (env.lookup)(name).filter(|v| !v.is_empty());
    let id = get("AWS_ACCESS_KEY_ID");
    let secret = get("AWS_SECRET_ACCESS_KEY");
    let token = get("AWS_SESSION_TOKEN");
    let missing: Vec<&str> = [
        ("AWS_ACCESS_KEY_ID", &id),
        ("AWS_SECRET_ACCESS_KEY", &secret),
    ]
    .into_iter()
    .filter(|(_, v)| v.is_none())
    .map(|(n, _)| n)
    .collect();
    if !missing.is_empty() {
        let what = format!(
            "auth_style `aws_sigv4` needs environment variable(s) {} (export them or add them to .env)",
            missing.join(", ")
        );
        match env.policy {
            EnvPolicy::Strict => d.error(at, what),
            EnvPolicy::Lenient => d.warn(at, what),
        }
    }
    Some(AwsCredentials {
        access_key_id: Secret::new(id?),
        secret_access_key: Secret::new(secret?),
        session_token: token.map(Secret::new),
    })
}

/// The provider family of a custom prefix: its `provider_interface` (rule 13).
fn custom_spec(
    prefix: &str,
    model: &Sp<String>,
    wildcard: bool,
    has_base_url: bool,
    interface: Option<&Sp<String>>,
    d: &mut Diag,
) -> Option<&'static ProviderSpec> {
    let what = if wildcard { "wildcard model" } else { "model" };
    if !has_base_url || interface.is_none() {
        d.error(
            &model.loc,
            format!(
                "Must provide base_url and provider_interface for unsupported provider {prefix} \
                 for {what} {}. Supported providers are: {}",
                model.v,
                builtin_ids().collect::<Vec<_>>().join(", ")
            ),
        );
    }
    let i = interface?;
    let spec = interface_ids()
        .find(|id| id.eq_ignore_ascii_case(&i.v))
        .and_then(lookup);
    if spec.is_none() {
        let hint = suggest::hint(&i.v, interface_ids());
        d.error(
            &i.loc,
            format!(
                "unknown provider_interface `{}`{hint}; valid interfaces: {}",
                i.v,
                interface_ids().collect::<Vec<_>>().join(", ")
            ),
        );
    }
    spec
}

/// RFC 9110 token characters.
fn is_header_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
