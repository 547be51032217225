//! The metrics listener's one route: `GET /metrics`.

use http::{HeaderValue, Method, Request, Response, StatusCode, header};

use crate::body::{self, ResponseBody};
use crate::state::Gateway;

/// Answers a request on the metrics listener.
pub(crate) fn respond<B>(gw: &Gateway, req: &Request<B>) -> Response<ResponseBody> {
    let mut r = match (req.method(), req.uri().path()) {
        (&Method::GET | &Method::HEAD, "/metrics") => {
            let mut r = Response::new(body::full(super::render(gw)));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            return r;
        }
        _ => Response::new(body::full("not found; try GET /metrics\n")),
    };
    *r.status_mut() = StatusCode::NOT_FOUND;
    r
}
