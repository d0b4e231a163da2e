//! Who the client is behind a reverse proxy (`PORTFRONT_TRUSTED_PROXIES`).
//!
//! The TCP peer is the client unless it is a trusted proxy. Then the hops the proxies recorded
//! — `Forwarded: for=…` (RFC 7239) or, without it, `X-Forwarded-For` — are read from the right
//! (the hop nearest to us) and the first address that is not a trusted proxy is the client.
//! Anything a client wrote into those headers itself sits further left and is never believed
//! past the first untrusted hop. Whether the browser used TLS comes from the nearest trusted
//! hop's `proto=` / `X-Forwarded-Proto`. With no trusted proxies (the default) the headers are
//! ignored entirely.

use std::net::IpAddr;

use http::HeaderMap;
use ipnet::IpNet;

/// What a request's forwarding headers are allowed to tell.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

/// The client as far as the trusted hops tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    pub ip: IpAddr,
    /// `Some(true)` when a trusted proxy says the browser used https, `Some(false)` for http,
    /// `None` when no trusted proxy said.
    pub https: Option<bool>,
}

impl TrustedProxies {
    /// Parses `PORTFRONT_TRUSTED_PROXIES`: CIDR blocks or single addresses, separated by commas
    /// or spaces (`10.0.0.0/8, 192.0.2.10, 2001:db8::/48`). Empty: none.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for item in text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
        {
            let net = match item.parse::<IpNet>() {
                Ok(net) => net,
                Err(_) => match item.parse::<IpAddr>() {
                    Ok(ip) => IpNet::from(ip),
                    Err(_) => {
                        return Err(format!(
                            "{item:?} is neither a CIDR block (10.0.0.0/8, 2001:db8::/48) nor an IP address"
                        ));
                    }
                },
            };
            nets.push(net.trunc());
        }
        Ok(Self(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// The client of a request that arrived from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> Client {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return Client {
                ip: peer,
                https: None,
            };
        }
        let (hops, proto) = match forwarded(headers) {
            Some(found) => found,
            None => (x_forwarded_for(headers), x_forwarded_proto(headers)),
        };
        let mut client = peer;
        // Nearest hop first; stop at the first hop we do not trust (that one is the client).
        for hop in hops.iter().rev() {
            match hop {
                Some(ip) => {
                    client = canonical(*ip);
                    if !self.trusts(client) {
                        break;
                    }
                }
                // "unknown" or an obfuscated name: nothing further left can be believed.
                None => break,
            }
        }
        Client {
            ip: client,
            https: proto.map(|p| p.eq_ignore_ascii_case("https")),
        }
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) are the IPv4 address.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// One address of a forwarding header: `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711`,
/// `2001:db8::1`; `None` for `unknown`, `_hidden` and anything else.
fn hop_address(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Some(rest) = text.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    if let Ok(ip) = text.parse() {
        return Some(ip);
    }
    // IPv4 with a port.
    let (host, port) = text.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// The `for=` of every element of every `Forwarded` header, in order, and the last element's
/// `proto=`; `None` when there is no `Forwarded` header.
fn forwarded(headers: &HeaderMap) -> Option<(Vec<Option<IpAddr>>, Option<String>)> {
    let mut seen = false;
    let mut hops = Vec::new();
    let mut proto = None;
    for value in headers.get_all(http::header::FORWARDED) {
        seen = true;
        let Ok(value) = value.to_str() else {
            hops.push(None);
            continue;
        };
        for element in value.split(',') {
            let mut hop = None;
            let mut element_proto = None;
            for pair in element.split(';') {
                let Some((name, val)) = pair.split_once('=') else {
                    continue;
                };
                match name.trim().to_ascii_lowercase().as_str() {
                    "for" => hop = Some(hop_address(val)),
                    "proto" => element_proto = Some(val.trim().trim_matches('"').to_owned()),
                    _ => {}
                }
            }
            hops.push(hop.flatten());
            proto = element_proto;
        }
    }
    seen.then_some((hops, proto))
}

fn x_forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("unknown").split(','))
        .map(hop_address)
        .collect()
}

/// The nearest proxy's value (the last one).
fn x_forwarded_proto(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all("x-forwarded-proto")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|p| p.trim().to_owned())
        .rfind(|p| !p.is_empty())
}

/// What a rate limit counts by: an IPv4 address, or an IPv6 /64 (one subscriber's network,
/// inside which addresses cost nothing to change).
pub fn rate_key(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_headers_are_ignored() {
        let none = TrustedProxies::parse("").unwrap();
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.7"),
            ("x-forwarded-proto", "https"),
        ]);
        assert_eq!(
            none.client(ip("10.0.0.2"), &h),
            Client {
                ip: ip("10.0.0.2"),
                https: None
            }
        );
    }

    #[test]
    fn an_untrusted_peer_cannot_claim_an_address() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let h = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(trusted.client(ip("203.0.113.9"), &h).ip, ip("203.0.113.9"));
    }

    #[test]
    fn the_first_untrusted_hop_from_the_right_is_the_client() {
        let trusted = TrustedProxies::parse("10.0.0.0/8, 192.0.2.10").unwrap();
        // The client forged the first entry; the edge proxy appended the real address.
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4, 198.51.100.7, 10.1.1.1"),
            ("x-forwarded-proto", "https"),
        ]);
        assert_eq!(
            trusted.client(ip("192.0.2.10"), &h),
            Client {
                ip: ip("198.51.100.7"),
                https: Some(true)
            }
        );
        // Several headers count as one list.
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "198.51.100.8"),
        ]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &h).ip, ip("198.51.100.8"));
        // Only proxies all the way: the leftmost is as far as we can see.
        let h = headers(&[("x-forwarded-for", "10.9.9.9, 10.1.1.1")]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &h).ip, ip("10.9.9.9"));
        // No header: the proxy itself.
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &HeaderMap::new()).ip,
            ip("10.0.0.1")
        );
    }

    #[test]
    fn forwarded_is_preferred_and_understood() {
        let trusted = TrustedProxies::parse("2001:db8:ffff::/48 10.0.0.0/8").unwrap();
        let h = headers(&[
            (
                "forwarded",
                r#"for=1.2.3.4, for="[2001:db8:cafe::17]:4711";proto=https"#,
            ),
            ("x-forwarded-for", "5.6.7.8"),
        ]);
        assert_eq!(
            trusted.client(ip("2001:db8:ffff::1"), &h),
            Client {
                ip: ip("2001:db8:cafe::17"),
                https: Some(true)
            }
        );
        let h = headers(&[(
            "forwarded",
            "for=192.0.2.60:8080;proto=http;by=203.0.113.43",
        )]);
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &h),
            Client {
                ip: ip("192.0.2.60"),
                https: Some(false)
            }
        );
        // An obfuscated hop stops the walk at the proxy that reported it.
        let h = headers(&[("forwarded", "for=_hidden, for=10.2.2.2")]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &h).ip, ip("10.2.2.2"));
    }

    #[test]
    fn mapped_ipv4_peers_are_ipv4() {
        let trusted = TrustedProxies::parse("127.0.0.1").unwrap();
        let h = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(
            trusted.client(ip("::ffff:127.0.0.1"), &h).ip,
            ip("198.51.100.7")
        );
    }

    #[test]
    fn bad_lists_are_refused_with_the_item() {
        let e = TrustedProxies::parse("10.0.0.0/8, proxy.internal").unwrap_err();
        assert!(e.contains("proxy.internal"), "{e}");
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
    }

    #[test]
    fn rate_limits_count_ipv6_networks_not_addresses() {
        assert_eq!(rate_key(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
        assert_eq!(rate_key(ip("2001:db8:1:2:bbbb::9")), ip("2001:db8:1:2::"));
        assert_ne!(rate_key(ip("2001:db8:1:3::1")), ip("2001:db8:1:2::"));
        assert_eq!(rate_key(ip("192.0.2.1")), ip("192.0.2.1"));
        assert_eq!(rate_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
    }
}
