//! Abuse limits: a per-client token bucket (429 problem with `Retry-After` when empty).
//!
//! Clients are told apart by their address as this server sees it; requests without one
//! (in-process tests) are not limited. The map of buckets is pruned as it grows, so a
//! flood of distinct addresses cannot exhaust memory.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::AppError;
use super::state::AppState;

/// Most clients tracked before idle buckets are dropped.
const MAX_CLIENTS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets per client address (or any other key, such as a login name).
#[derive(Debug)]
pub struct RateLimiter<K = IpAddr> {
    /// Tokens per second refilled; 0 turns limiting off.
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<K, Bucket>>,
}

impl RateLimiter<IpAddr> {
    /// `rate` requests per second per client, with bursts of four seconds' worth.
    pub fn new(rate: u32) -> Self {
        Self::with_burst(f64::from(rate), f64::from(rate) * 4.0)
    }
}

impl<K: std::hash::Hash + Eq + Clone> RateLimiter<K> {
    /// `rate` tokens per second per key, at most `burst` saved up.
    pub fn with_burst(rate: f64, burst: f64) -> Self {
        Self {
            rate,
            burst,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// True when `key` has a token left (none is taken).
    pub fn has_token(&self, key: &K) -> bool {
        if self.rate <= 0.0 {
            return true;
        }
        let Ok(buckets) = self.buckets.lock() else {
            return true;
        };
        buckets
            .get(key)
            .is_none_or(|b| b.tokens + b.at.elapsed().as_secs_f64() * self.rate >= 1.0)
    }

    /// Takes one token for `key`; false when its bucket is empty.
    pub fn allow(&self, client: K) -> bool {
        if self.rate <= 0.0 {
            return true;
        }
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return true;
        };
        if buckets.len() >= MAX_CLIENTS {
            let (rate, burst) = (self.rate, self.burst);
            buckets.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate < burst);
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        bucket.tokens = (bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * self.rate)
            .min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone> RateLimiter<K> {
    /// Gives back a token taken for `key` (at most up to the burst).
    pub fn refund(&self, key: &K) {
        if let Ok(mut buckets) = self.buckets.lock()
            && let Some(bucket) = buckets.get_mut(key)
        {
            bucket.tokens = (bucket.tokens + 1.0).min(self.burst);
        }
    }
}

/// Login attempts, limited per (account, client address) and per client address, and
/// counted before the password is checked: an attacker's guesses use up their own
/// buckets, never the real user's from another address, and concurrent guesses cannot
/// all slip past a check made before any of them failed.
#[derive(Debug)]
pub struct LoginLimits {
    /// Per account and address: five attempts, then one every twelve seconds.
    per_account: RateLimiter<(String, String)>,
    /// Per address, whatever the account: twenty attempts, then one every three seconds.
    per_client: RateLimiter<String>,
    /// Held while both buckets are checked and taken from, so the pair is one step.
    taking: Mutex<()>,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            per_account: RateLimiter::with_burst(1.0 / 12.0, 5.0),
            per_client: RateLimiter::with_burst(1.0 / 3.0, 20.0),
            taking: Mutex::new(()),
        }
    }
}

impl LoginLimits {
    /// Takes one attempt for `email` from `client` (`None` for in-process callers, which
    /// are limited per account only); false, taking nothing, when a bucket is empty.
    pub fn attempt(&self, email: &str, client: Option<&str>) -> bool {
        let account = (email.to_owned(), client.unwrap_or_default().to_owned());
        let Ok(_taking) = self.taking.lock() else {
            return false;
        };
        let client_ok = client.is_none_or(|c| self.per_client.has_token(&c.to_owned()));
        if !client_ok || !self.per_account.has_token(&account) {
            return false;
        }
        self.per_account.allow(account);
        if let Some(c) = client {
            self.per_client.allow(c.to_owned());
        }
        true
    }

    /// Gives back the attempt of a login that succeeded, or whose password was never
    /// checked: only failures count.
    pub fn give_back(&self, email: &str, client: Option<&str>) {
        let account = (email.to_owned(), client.unwrap_or_default().to_owned());
        self.per_account.refund(&account);
        if let Some(c) = client {
            self.per_client.refund(&c.to_owned());
        }
    }
}

/// Middleware: refuses a client that exceeds its rate with a 429 problem.
pub async fn rate_limit(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(ip) = client
        && !app.limiter.allow(ip)
    {
        let mut response = AppError::TooManyRequests.into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_burst_then_is_refused_and_others_are_not() {
        let limiter = RateLimiter::new(2);
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        assert_eq!((0..8).filter(|_| limiter.allow(a)).count(), 8);
        assert!(!limiter.allow(a));
        assert!(limiter.allow(b));
        assert!(RateLimiter::new(0).allow(a), "0 turns limiting off");
    }

    #[test]
    fn login_attempts_are_counted_per_account_and_address_and_per_address() {
        let limits = LoginLimits::default();
        let attacker = Some("192.0.2.1");
        assert_eq!(
            (0..8)
                .filter(|_| limits.attempt("pa@x.it", attacker))
                .count(),
            5
        );
        assert!(
            limits.attempt("pa@x.it", Some("198.51.100.7")),
            "the user elsewhere"
        );
        // Spraying other accounts from one address stops at the address's own limit.
        let sprayed = (0..40)
            .filter(|i| limits.attempt(&format!("u{i}@x.it"), attacker))
            .count();
        assert_eq!(sprayed, 15, "20 per address, 5 of them already used");
        limits.give_back("u0@x.it", attacker);
        assert!(
            limits.attempt("u0@x.it", attacker),
            "a success costs nothing"
        );
    }

    #[test]
    fn keyed_buckets_can_be_checked_without_taking() {
        let limiter = RateLimiter::with_burst(1.0 / 60.0, 3.0);
        let key = "email:ufficio@esempio.it".to_owned();
        assert!(limiter.has_token(&key));
        assert_eq!((0..5).filter(|_| limiter.allow(key.clone())).count(), 3);
        assert!(!limiter.has_token(&key));
        assert!(limiter.has_token(&"email:altro@esempio.it".to_owned()));
    }
}
