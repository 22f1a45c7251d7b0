//! Reading `multipart/form-data` bodies (uploads).

use crate::record::MultipartPart;

fn find_bytes(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// A small `multipart/form-data` parser (axum's `multipart` feature is not enabled).
pub(crate) fn parse_multipart(content_type: &str, body: &[u8]) -> Vec<MultipartPart> {
    let Some(boundary) = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_owned())
        .next()
    else {
        return Vec::new();
    };
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let mut pos = match find_bytes(body, &delimiter, 0) {
        Some(p) => p + delimiter.len(),
        None => return parts,
    };
    loop {
        if body[pos..].starts_with(b"--") {
            break;
        }
        let start = pos
            + if body[pos..].starts_with(b"\r\n") {
                2
            } else {
                0
            };
        let Some(next) = find_bytes(body, &delimiter, start) else {
            break;
        };
        let chunk = &body[start..next];
        let chunk = chunk.strip_suffix(b"\r\n").unwrap_or(chunk);
        if let Some(split) = find_bytes(chunk, b"\r\n\r\n", 0) {
            let head = String::from_utf8_lossy(&chunk[..split]).to_string();
            let data = chunk[split + 4..].to_vec();
            let mut part = MultipartPart {
                name: String::new(),
                filename: None,
                content_type: None,
                data,
            };
            for line in head.lines() {
                let lower = line.to_ascii_lowercase();
                if lower.starts_with("content-disposition:") {
                    for attr in line.split(';').skip(1) {
                        let attr = attr.trim();
                        if let Some(v) = attr.strip_prefix("name=") {
                            part.name = v.trim_matches('"').to_owned();
                        } else if let Some(v) = attr.strip_prefix("filename=") {
                            part.filename = Some(v.trim_matches('"').to_owned());
                        }
                    }
                } else if lower.starts_with("content-type:") {
                    part.content_type = Some(line["content-type:".len()..].trim().to_owned());
                }
            }
            parts.push(part);
        }
        pos = next + delimiter.len();
    }
    parts
}
