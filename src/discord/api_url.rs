//! `DISCORD_API_URL`: where the bot sends its HTTP requests, and so its token. Anything but
//! Discord itself is for a proxy or a local test double, so the rule is: `https://` to any
//! host, `http://` only to this machine (127.0.0.0/8, `::1`, `localhost`), where no network
//! carries the token in clear. Anything else is refused before the first request.

use std::net::IpAddr;

/// Why a `DISCORD_API_URL` was refused. The messages never repeat the URL whole: it could
/// carry a password, and it is not needed to fix the setting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "DISCORD_API_URL is refused: {0}. The bot token is sent there: use https://, or http:// \
     only to this machine (127.0.0.1, ::1 or localhost)"
)]
pub struct Refused(String);

/// Checks `DISCORD_API_URL` (trimmed, not empty) against the rule above.
pub fn check(api: &str) -> Result<(), Refused> {
    let url = url::Url::parse(api)
        .map_err(|error| Refused(format!("it is not a valid URL ({error})")))?;
    match url.scheme() {
        // The url crate refuses an http(s) URL without a host.
        "https" => Ok(()),
        "http" if is_this_machine(url.host()) => Ok(()),
        "http" => Err(Refused(format!(
            "it is http:// to {}, which is not this machine, so the token would cross the \
             network unencrypted",
            url.host_str().unwrap_or_default()
        ))),
        scheme => Err(Refused(format!(
            "its scheme is {scheme}:, not https: or http:"
        ))),
    }
}

/// A loopback address, or `localhost` (which the system resolves to one).
fn is_this_machine(host: Option<url::Host<&str>>) -> bool {
    match host {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_only_to_this_machine() {
        for allowed in [
            "https://discord.com",
            "https://proxy.example.net:8443/discord",
            "http://127.0.0.1:8080",
            "http://127.20.30.40/",
            "http://[::1]:3000",
            "http://localhost:9000",
            "http://LocalHost",
        ] {
            assert_eq!(check(allowed), Ok(()), "{allowed}");
        }
    }

    #[test]
    fn anything_else_is_refused_with_the_reason() {
        for (refused, why) in [
            ("http://discord.com", "http:// to discord.com"),
            ("http://10.0.0.7:8080", "http:// to 10.0.0.7"),
            ("http://0.0.0.0:8080", "http:// to 0.0.0.0"),
            ("http://[::ffff:127.0.0.1]", "http:// to [::ffff:7f00:1]"),
            (
                "http://localhost.evil.example",
                "http:// to localhost.evil.example",
            ),
            ("http://127.0.0.1.nip.io", "http:// to 127.0.0.1.nip.io"),
            ("ftp://127.0.0.1", "its scheme is ftp:"),
            ("ws://localhost", "its scheme is ws:"),
            ("discord.com", "not a valid URL"),
            ("https://", "not a valid URL"),
            ("http//127.0.0.1", "not a valid URL"),
        ] {
            let error = check(refused).expect_err(refused).to_string();
            assert!(error.starts_with("DISCORD_API_URL is refused: "), "{error}");
            assert!(error.contains(why), "{refused}: {error}");
        }
    }

    #[test]
    fn the_message_does_not_repeat_a_password_in_the_url() {
        let error = check("http://user:hunter2@example.com/").unwrap_err();
        assert!(!error.to_string().contains("hunter2"), "{error}");
    }
}
