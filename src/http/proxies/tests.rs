use axum::http::HeaderValue;

use super::*;

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, value) in pairs {
        h.append(*name, HeaderValue::from_str(value).unwrap());
    }
    h
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn networks_parse_and_contain() {
    let lan = Cidr::parse("10.0.0.0/8").unwrap();
    assert!(lan.contains(ip("10.200.3.4")));
    assert!(!lan.contains(ip("11.0.0.1")));
    assert!(lan.contains(ip("::ffff:10.1.2.3")), "IPv4-mapped IPv6");
    let one = Cidr::parse("192.0.2.7").unwrap();
    assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
    let v6 = Cidr::parse("2001:db8::/32").unwrap();
    assert!(v6.contains(ip("2001:db8:1::5")) && !v6.contains(ip("2001:db9::1")));
    assert!(
        Cidr::parse("0.0.0.0/0")
            .unwrap()
            .contains(ip("203.0.113.9"))
    );
    for bad in [
        "10.0.0.0/33",
        "::/129",
        "example.org",
        "10.0.0/8",
        "10.0.0.0/x",
        "",
    ] {
        assert!(Cidr::parse(bad).is_err(), "{bad:?}");
    }
    assert_eq!(parse_list("10.0.0.0/8, ::1").unwrap().len(), 2);
    assert!(parse_list("10.0.0.0/8,nope").is_err());
}

#[test]
fn only_a_trusted_peer_may_name_the_client() {
    let trusted = parse_list("10.0.0.0/8").unwrap();
    let spoofed = headers(&[("x-forwarded-for", "198.51.100.1")]);
    // An outside peer's headers are ignored.
    assert_eq!(
        client(ip("203.0.113.5"), &spoofed, &trusted),
        ip("203.0.113.5")
    );
    // Behind our proxy: the rightmost address outside the trusted networks.
    let h = headers(&[("x-forwarded-for", "198.51.100.1, 203.0.113.5, 10.0.0.2")]);
    assert_eq!(client(ip("10.0.0.1"), &h, &trusted), ip("203.0.113.5"));
    // No header: the proxy itself.
    assert_eq!(
        client(ip("10.0.0.1"), &HeaderMap::new(), &trusted),
        ip("10.0.0.1")
    );
    // Nobody trusted: the peer, whatever it says.
    assert_eq!(client(ip("10.0.0.1"), &h, &[]), ip("10.0.0.1"));
}

#[test]
fn forwarded_is_read_as_rfc_7239_writes_it_and_wins() {
    let trusted = parse_list("10.0.0.0/8").unwrap();
    let h = headers(&[
        ("forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43"),
        (
            "forwarded",
            "For=\"[2001:db8:cafe::17]:4711\", for=10.0.0.3",
        ),
        ("x-forwarded-for", "198.51.100.99"),
    ]);
    assert_eq!(
        client(ip("10.0.0.1"), &h, &trusted),
        ip("2001:db8:cafe::17")
    );
    let h = headers(&[("forwarded", "for=\"192.0.2.43:47011\"")]);
    assert_eq!(client(ip("10.0.0.1"), &h, &trusted), ip("192.0.2.43"));
    // An obfuscated or unknown hop: the walk stops at the last trusted hop.
    let h = headers(&[("forwarded", "for=_hidden, for=10.0.0.9")]);
    assert_eq!(client(ip("10.0.0.1"), &h, &trusted), ip("10.0.0.9"));
    let h = headers(&[("forwarded", "for=unknown")]);
    assert_eq!(client(ip("10.0.0.1"), &h, &trusted), ip("10.0.0.1"));
}
