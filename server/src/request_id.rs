//! A request id on every log line of a request, echoed in the answer's `X-Request-Id`: taken from
//! the request when a trusted proxy sent it (it may have logged it already), made here otherwise.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request};
use http::{HeaderName, HeaderValue};

/// A name made once, not parsed from a string at every answer.
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");
/// The longest id taken from a proxy; longer or odd ones are replaced.
const MAX_LEN: usize = 128;

/// The request's id: the trusted proxy's, or a new random one.
pub fn of(request: &Request, trusted_proxies: &[IpAddr]) -> HeaderValue {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let from_proxy = peer
        .filter(|peer| trusted_proxies.contains(peer))
        .and_then(|_| request.headers().get(HEADER))
        .filter(|value| well_formed(value.as_bytes()));
    match from_proxy {
        Some(value) => value.clone(),
        None => made(rand::random()),
    }
}

/// A new id: 128 random bits in hex, written in place rather than through a `String`.
fn made(random: [u8; 16]) -> HeaderValue {
    let mut digits = [0u8; 32];
    let hex = base16ct::lower::encode(&random, &mut digits).expect("32 digits hold 16 bytes");
    HeaderValue::from_bytes(hex).expect("hex is a valid header")
}

/// Letters, digits and `-_.:` only: an id goes into log lines, which must not be forged.
fn well_formed(value: &[u8]) -> bool {
    !value.is_empty()
        && value.len() <= MAX_LEN
        && value.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn request(peer: &str, id: Option<&str>) -> Request {
        let mut builder = http::Request::get("/");
        if let Some(id) = id {
            builder = builder.header(HEADER, id);
        }
        let mut request = builder.body(Body::empty()).unwrap();
        request.extensions_mut().insert(ConnectInfo(SocketAddr::new(peer.parse().unwrap(), 1)));
        request
    }

    #[test]
    fn a_trusted_proxys_id_is_kept_and_anyone_elses_replaced() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        assert_eq!(of(&request("10.0.0.2", Some("abc-123")), &[proxy]), "abc-123");
        assert_ne!(of(&request("203.0.113.9", Some("abc-123")), &[proxy]), "abc-123");
        assert_ne!(of(&request("10.0.0.2", Some("a b\"}")), &[proxy]), "a b\"}");
        let made = of(&request("10.0.0.2", None), &[proxy]);
        assert_eq!(made.len(), 32);
        assert_ne!(made, of(&request("10.0.0.2", None), &[proxy]));
    }
}
