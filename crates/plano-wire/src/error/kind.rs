//! `ErrorKind`: one classification of failures, spelled per API and tied to HTTP statuses.

/// What went wrong, independent of the API that reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// 400 (and other unclassified 4xx): the request is malformed or unacceptable.
    InvalidRequest,
    /// 401: missing or bad credentials.
    Authentication,
    /// 402: billing or quota problem.
    Billing,
    /// 403: the credentials may not do this.
    Permission,
    /// 404: unknown model or path.
    NotFound,
    /// 413: request body too large.
    RequestTooLarge,
    /// 429: rate limited.
    RateLimit,
    /// 408 / 504: took too long.
    Timeout,
    /// 503 / 529: temporarily overloaded.
    Overloaded,
    /// 500 and other 5xx: a server-side failure.
    Server,
}

impl ErrorKind {
    /// Classifies an HTTP status.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 | 409 | 422 => ErrorKind::InvalidRequest,
            401 => ErrorKind::Authentication,
            402 => ErrorKind::Billing,
            403 => ErrorKind::Permission,
            404 => ErrorKind::NotFound,
            408 | 504 => ErrorKind::Timeout,
            413 => ErrorKind::RequestTooLarge,
            429 => ErrorKind::RateLimit,
            503 | 529 => ErrorKind::Overloaded,
            400..=499 => ErrorKind::InvalidRequest,
            _ => ErrorKind::Server,
        }
    }

    /// Classifies a `type` string from either API (plus a few common provider spellings).
    pub fn from_type_str(s: &str) -> Option<Self> {
        Some(match s {
            "invalid_request_error" | "invalid_request" | "bad_request" | "BadRequestError" => {
                ErrorKind::InvalidRequest
            }
            "authentication_error" | "invalid_api_key" | "unauthorized" => {
                ErrorKind::Authentication
            }
            "billing_error" | "insufficient_quota" => ErrorKind::Billing,
            "permission_error" | "permission_denied" | "forbidden" => ErrorKind::Permission,
            "not_found_error" | "not_found" | "model_not_found" => ErrorKind::NotFound,
            "request_too_large" => ErrorKind::RequestTooLarge,
            "rate_limit_error" | "rate_limit_exceeded" | "tokens" | "requests" => {
                ErrorKind::RateLimit
            }
            "timeout_error" | "timeout" => ErrorKind::Timeout,
            "overloaded_error" | "overloaded" | "service_unavailable" | "engine_overloaded" => {
                ErrorKind::Overloaded
            }
            "api_error" | "server_error" | "internal_server_error" | "internal_error" => {
                ErrorKind::Server
            }
            _ => return Self::from_aws_exception(s),
        })
    }

    /// Classifies an AWS exception name, as Bedrock reports it: `ThrottlingException` in the
    /// `x-amzn-ErrorType` header or a body's `__type` (possibly namespaced, `ns#Name`, or with a
    /// `:<url>` suffix), `throttlingException` as a ConverseStream exception event.
    pub fn from_aws_exception(s: &str) -> Option<Self> {
        let name = s.split(':').next().unwrap_or(s);
        let name = name.rsplit('#').next().unwrap_or(name);
        // Stream exception events spell the name in lowerCamelCase; compare in UpperCamelCase.
        let mut chars = name.chars();
        let first = chars.next()?;
        let upper: String = first.to_ascii_uppercase().to_string() + chars.as_str();
        Some(match upper.as_str() {
            "ValidationException" | "SerializationException" => ErrorKind::InvalidRequest,
            "UnrecognizedClientException"
            | "ExpiredTokenException"
            | "InvalidSignatureException"
            | "IncompleteSignature"
            | "MissingAuthenticationToken" => ErrorKind::Authentication,
            "AccessDeniedException" => ErrorKind::Permission,
            "ResourceNotFoundException" => ErrorKind::NotFound,
            "ThrottlingException" | "ServiceQuotaExceededException" => ErrorKind::RateLimit,
            "ModelTimeoutException" => ErrorKind::Timeout,
            "ServiceUnavailableException" | "ModelNotReadyException" => ErrorKind::Overloaded,
            "InternalServerException"
            | "ModelStreamErrorException"
            | "ModelErrorException"
            | "InternalFailure" => ErrorKind::Server,
            _ => return None,
        })
    }

    /// The OpenAI `error.type` spelling.
    pub fn openai_type(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest | ErrorKind::RequestTooLarge => "invalid_request_error",
            ErrorKind::Authentication => "authentication_error",
            ErrorKind::Billing => "insufficient_quota",
            ErrorKind::Permission => "permission_error",
            ErrorKind::NotFound => "not_found_error",
            ErrorKind::RateLimit => "rate_limit_error",
            ErrorKind::Timeout => "timeout_error",
            ErrorKind::Overloaded | ErrorKind::Server => "server_error",
        }
    }

    /// The Anthropic `error.type` spelling.
    pub fn anthropic_type(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "invalid_request_error",
            ErrorKind::Authentication => "authentication_error",
            ErrorKind::Billing => "billing_error",
            ErrorKind::Permission => "permission_error",
            ErrorKind::NotFound => "not_found_error",
            ErrorKind::RequestTooLarge => "request_too_large",
            ErrorKind::RateLimit => "rate_limit_error",
            ErrorKind::Timeout => "timeout_error",
            ErrorKind::Overloaded => "overloaded_error",
            ErrorKind::Server => "api_error",
        }
    }

    /// The status to answer with when the gateway itself reports this kind.
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::InvalidRequest => 400,
            ErrorKind::Authentication => 401,
            ErrorKind::Billing => 402,
            ErrorKind::Permission => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::RequestTooLarge => 413,
            ErrorKind::RateLimit => 429,
            ErrorKind::Timeout => 504,
            ErrorKind::Overloaded => 503,
            ErrorKind::Server => 500,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_mapping() {
        let cases = [
            (400, "invalid_request_error", "invalid_request_error"),
            (401, "authentication_error", "authentication_error"),
            (403, "permission_error", "permission_error"),
            (404, "not_found_error", "not_found_error"),
            (413, "invalid_request_error", "request_too_large"),
            (418, "invalid_request_error", "invalid_request_error"),
            (429, "rate_limit_error", "rate_limit_error"),
            (500, "server_error", "api_error"),
            (502, "server_error", "api_error"),
            (504, "timeout_error", "timeout_error"),
            (529, "server_error", "overloaded_error"),
        ];
        for (status, openai, anthropic) in cases {
            let kind = ErrorKind::from_status(status);
            assert_eq!(
                (kind.openai_type(), kind.anthropic_type()),
                (openai, anthropic),
                "{status}"
            );
        }
    }

    #[test]
    fn aws_exception_names() {
        for (name, kind) in [
            ("ThrottlingException", ErrorKind::RateLimit),
            ("throttlingException", ErrorKind::RateLimit),
            (
                "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/",
                ErrorKind::InvalidRequest,
            ),
            (
                "com.amazon.coral.service#AccessDeniedException",
                ErrorKind::Permission,
            ),
            ("modelStreamErrorException", ErrorKind::Server),
            ("serviceUnavailableException", ErrorKind::Overloaded),
            ("ModelTimeoutException", ErrorKind::Timeout),
            ("ResourceNotFoundException", ErrorKind::NotFound),
            ("UnrecognizedClientException", ErrorKind::Authentication),
        ] {
            assert_eq!(ErrorKind::from_type_str(name), Some(kind), "{name}");
        }
        for other in ["", "Exception", "throttling", "xThrottlingException"] {
            assert_eq!(ErrorKind::from_aws_exception(other), None, "{other}");
        }
    }

    #[test]
    fn every_spelling_round_trips() {
        use ErrorKind::*;
        for kind in [
            InvalidRequest,
            Authentication,
            Billing,
            Permission,
            NotFound,
            RequestTooLarge,
            RateLimit,
            Timeout,
            Overloaded,
            Server,
        ] {
            assert_eq!(ErrorKind::from_type_str(kind.anthropic_type()), Some(kind));
            let via_openai = ErrorKind::from_type_str(kind.openai_type()).unwrap();
            assert_eq!(via_openai.openai_type(), kind.openai_type());
            assert_eq!(ErrorKind::from_status(kind.status()), kind);
        }
    }
}
