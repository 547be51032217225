//! Per-request routing preferences (`routing_preferences` in the request body, spec §4.1 step 2, §4.5).
//!
//! A client may bring its own routes for one request. The member is ours, not the provider's, so it is taken
//! out before the body goes upstream — and taken out *losslessly*: the same-API path forwards the client's
//! bytes untouched except for `model`, and removing a member must not reformat, reorder or re-escape anything
//! else. The member is located with `plano_wire`'s top-level scanner and cut out with its separating comma.
//!
//! A malformed value is still removed (it would confuse the provider) and reported as an error for the
//! caller to log and ignore.

use std::collections::HashSet;

use plano_wire::json_scan::{Span, visit_top_level};
use serde_json::Value;

const MEMBER: &str = "routing_preferences";

/// One inline route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlinePreference {
    pub name: String,
    pub description: String,
    /// Candidate models in preference order; never empty.
    pub models: Vec<String>,
}

/// A body with its `routing_preferences` removed, and what they were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inline {
    /// The original bytes minus the member (and one separating comma); still a valid JSON object.
    pub body: Vec<u8>,
    /// The parsed preferences, or why they are unusable.
    pub preferences: Result<Vec<InlinePreference>, String>,
}

/// Takes a top-level `routing_preferences` member out of `body`.
///
/// `None` when the body is not a valid JSON object or has no such member. Every occurrence is removed when
/// the key is repeated (a repeated key is reported as malformed).
pub fn take_inline_preferences(body: &[u8]) -> Option<Inline> {
    // (key start, value span, is ours) of each top-level member, in order.
    let mut members: Vec<(usize, Span, bool)> = Vec::new();
    let mut boundary = 0usize;
    visit_top_level(body, &mut |key, span| {
        // Between the previous value (or the start of the body) and this key there is only whitespace, `{`
        // or `,`, so the key starts at the first quote after it.
        let key_start = body[boundary..span.start]
            .iter()
            .position(|&b| b == b'"')
            .map_or(span.start, |at| boundary + at);
        members.push((key_start, span, key == MEMBER));
        boundary = span.end;
        Ok(())
    })
    .ok()?;
    let hits: Vec<usize> = (0..members.len()).filter(|&i| members[i].2).collect();
    let last_hit = *hits.last()?;

    // Byte ranges to cut. Leading members go with the separator that follows them (up to the first kept
    // key); any other member goes with the separator before it (from the end of the previous value).
    let leading = members.iter().take_while(|m| m.2).count();
    let mut cuts: Vec<(usize, usize)> = Vec::with_capacity(hits.len());
    if leading > 0 {
        let end = members
            .get(leading)
            .map_or(members[leading - 1].1.end, |kept| kept.0);
        cuts.push((members[0].0, end));
    }
    for &i in hits.iter().filter(|&&i| i > leading) {
        cuts.push((members[i - 1].1.end, members[i].1.end));
    }
    let cuts = merge(cuts);
    let mut out = Vec::with_capacity(body.len());
    let mut at = 0;
    for (start, end) in cuts {
        out.extend_from_slice(&body[at..start]);
        at = end;
    }
    out.extend_from_slice(&body[at..]);

    let span = members[last_hit].1;
    let preferences = if hits.len() > 1 {
        Err(format!("`{MEMBER}` appears more than once"))
    } else {
        parse(&body[span.start..span.end])
    };
    Some(Inline {
        body: out,
        preferences,
    })
}

/// Joins touching ranges (consecutive removed members); `cuts` is in order.
fn merge(cuts: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(cuts.len());
    for (start, end) in cuts {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// `[{"name", "description", "models": [..]}, …]` → preferences.
fn parse(value: &[u8]) -> Result<Vec<InlinePreference>, String> {
    let value: Value = serde_json::from_slice(value).map_err(|e| format!("`{MEMBER}`: {e}"))?;
    let Value::Array(entries) = value else {
        return Err(format!("`{MEMBER}` must be a list"));
    };
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let at = format!("`{MEMBER}[{i}]`");
        let Value::Object(entry) = entry else {
            return Err(format!("{at} must be an object"));
        };
        let name = match entry.get("name") {
            Some(Value::String(name)) if !name.trim().is_empty() => name.clone(),
            _ => return Err(format!("{at} needs a non-empty string `name`")),
        };
        let Some(Value::String(description)) = entry.get("description") else {
            return Err(format!("{at} (`{name}`) needs a string `description`"));
        };
        let models: Vec<String> = match entry.get("models") {
            Some(Value::Array(models)) => models
                .iter()
                .map(|m| match m {
                    Value::String(m) if !m.is_empty() => Some(m.clone()),
                    _ => None,
                })
                .collect::<Option<_>>()
                .ok_or_else(|| format!("{at} (`{name}`): `models` must hold non-empty strings"))?,
            _ => return Err(format!("{at} (`{name}`) needs a `models` list")),
        };
        if models.is_empty() {
            return Err(format!("{at} (`{name}`): `models` must not be empty"));
        }
        if !seen.insert(name.clone()) {
            return Err(format!("duplicate routing preference name `{name}`"));
        }
        out.push(InlinePreference {
            name,
            description: description.clone(),
            models,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
