//! What the double records: HTTP requests with its answers, gateway frames; and the faults a
//! test may inject.

use std::time::Instant;

use serde_json::Value;

/// One HTTP request the double received, with what it answered.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// 0-based position among all requests.
    pub index: usize,
    pub method: String,
    /// The path without the query, e.g. `/api/v10/channels/1/messages`.
    pub path: String,
    pub query: Option<String>,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    /// The JSON body (for multipart requests: the `payload_json` part); `Null` if none or not JSON.
    pub body: Value,
    pub raw_body: Vec<u8>,
    /// The parts of a `multipart/form-data` body (files are `files[N]`).
    pub parts: Vec<MultipartPart>,
    /// The status the double answered; 0 while it is hanging on purpose ([`Fault::Hang`]).
    pub status: u16,
    /// The JSON the double answered (`Null` for 204 or a hang).
    pub response: Value,
    pub received_at: Instant,
}

impl Recorded {
    /// Whether the request is `method` on `pattern`, where a `*` segment matches any one segment:
    /// `r.is("POST", "/api/v10/interactions/*/*/callback")`.
    pub fn is(&self, method: &str, pattern: &str) -> bool {
        if !self.method.eq_ignore_ascii_case(method) {
            return false;
        }
        let want: Vec<&str> = pattern.trim_matches('/').split('/').collect();
        let got: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        want.len() == got.len() && want.iter().zip(&got).all(|(w, g)| *w == "*" || w == g)
    }

    /// The uploaded files: `(filename, bytes)`.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        self.parts
            .iter()
            .filter_map(|p| p.filename.clone().map(|f| (f, p.data.clone())))
            .collect()
    }
}

#[derive(Clone, Debug)]
pub struct MultipartPart {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// One frame the bot sent over the gateway.
#[derive(Clone, Debug)]
pub struct GatewayFrame {
    /// 1-based number of the WebSocket connection it came on.
    pub connection: usize,
    /// The opcode; `None` for a close frame or something that is not JSON.
    pub op: Option<u64>,
    pub d: Value,
    /// The text; for a close frame `close <code> <reason>`.
    pub raw: String,
    pub received_at: Instant,
}

/// A fault to inject into the next matching HTTP requests.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer this status with a Discord-style JSON error.
    Status(u16),
    /// Answer this status with Discord's JSON error `code` (e.g. 403 with 50013 Missing
    /// Permissions, as a send to a channel where the bot lost Send Messages gets).
    Discord {
        status: u16,
        code: u64,
        message: &'static str,
    },
    /// Answer 429 with `retry_after` (seconds) like Discord's rate limiter.
    RateLimited { retry_after: f64, global: bool },
    /// Never answer.
    Hang,
    /// Do what the request asks (a message is created and echoed), then never answer: as if
    /// the connection died after Discord accepted the request.
    AcceptThenHang,
}
