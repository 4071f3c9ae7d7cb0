//! Settings, from flags or the environment, with the defaults SPEC fixes.

use std::path::PathBuf;

/// How the service is reached and where it keeps its data.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Database: `sqlite://PATH` (embedded) or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/origine.db",
        global = true
    )]
    pub database_url: String,
    /// Address the server listens on.
    #[arg(
        long,
        env = "ORIGINE_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: String,
    /// Public address QR codes point to (default `http://` + bind).
    #[arg(long, env = "ORIGINE_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// Directory holding the signing keys.
    #[arg(long, env = "ORIGINE_KEYS_DIR", default_value = "keys", global = true)]
    pub keys_dir: PathBuf,
    /// Checkpoint origin line and key name (default: the base URL's host + `/log`); a
    /// signed-note key name: non-empty, no whitespace, no `+`.
    #[arg(long, env = "ORIGINE_LOG_ORIGIN", global = true, value_parser = origin)]
    pub log_origin: Option<String>,
    /// Seconds between signed checkpoints while entries arrive.
    #[arg(
        long,
        env = "ORIGINE_CHECKPOINT_SECONDS",
        default_value_t = 3,
        global = true
    )]
    pub checkpoint_seconds: u64,
    /// Witnesses whose cosignatures the service accepts and publishes: C2SP verifier keys
    /// (`name+keyid+base64key`), separated by commas.
    #[arg(long, env = "ORIGINE_WITNESSES", value_delimiter = ',', global = true)]
    pub witnesses: Vec<String>,
    /// A C2SP tlog-policy file: its `witness <name> <vkey> <url>` lines are the witnesses
    /// each new checkpoint is pushed to (tlog-witness), and their cosignatures are served.
    #[arg(long, env = "ORIGINE_WITNESS_POLICY", global = true)]
    pub witness_policy: Option<PathBuf>,
    /// With a quorum in `ORIGINE_WITNESS_POLICY`: `true` serves the latest checkpoint at
    /// once (a young witness network must not stop the register); `false` serves only
    /// checkpoints whose cosignatures meet the quorum.
    #[arg(
        long,
        env = "ORIGINE_WITNESS_FAIL_OPEN",
        default_value_t = true,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub witness_fail_open: bool,
    /// Reverse proxies allowed to name the client through `Forwarded` or `X-Forwarded-For`:
    /// comma-separated CIDR networks (default none: the peer is the client).
    #[arg(long, env = "ORIGINE_TRUSTED_PROXIES", global = true, value_parser = proxies, default_value = "")]
    pub trusted_proxies: crate::http::proxies::Trusted,
    /// Connections served at once; more wait in the kernel's backlog.
    #[arg(
        long,
        env = "ORIGINE_MAX_CONNECTIONS",
        default_value_t = 512,
        global = true
    )]
    pub max_connections: usize,
    /// Seconds a client has to send a request's head before its connection is closed.
    #[arg(
        long,
        env = "ORIGINE_HEADER_TIMEOUT_SECONDS",
        default_value_t = 10,
        global = true
    )]
    pub header_timeout_seconds: u64,
    /// Requests per second each client may make (bursts of four times that); 0 = no limit.
    #[arg(long, env = "ORIGINE_RATE_LIMIT", default_value_t = 50, global = true)]
    pub rate_limit: u32,
    /// Seconds between the server's own audits of the register (shown to auditors).
    #[arg(
        long,
        env = "ORIGINE_AUDIT_SECONDS",
        default_value_t = 3600,
        global = true
    )]
    pub audit_seconds: u64,
    /// SMTP server for buyers' e-mail notifications (`smtp://host:port`, `smtps://…`,
    /// with `user:password@` if it needs a login); none = no e-mail.
    #[arg(long, env = "ORIGINE_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,
    /// Sender address of those e-mails (default `origine@` + the base URL's host).
    #[arg(long, env = "ORIGINE_SMTP_FROM", global = true)]
    pub smtp_from: Option<String>,
}

impl Config {
    /// The public base URL, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
            .trim_end_matches('/')
            .to_owned()
    }

    /// How often a checkpoint is published (at least every 100 ms).
    pub fn checkpoint_interval(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.checkpoint_seconds.saturating_mul(1000).max(100))
    }

    /// The witness policy of `ORIGINE_WITNESS_POLICY`; without one, no witness and
    /// `quorum none`.
    ///
    /// # Errors
    /// The file cannot be read or is not a tlog-policy.
    pub fn witness_policy(&self) -> anyhow::Result<crate::log::policy::Policy> {
        let Some(path) = &self.witness_policy else {
            return Ok(crate::log::policy::Policy::default());
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("ORIGINE_WITNESS_POLICY {}: {e}", path.display()))?;
        crate::log::policy::Policy::parse(&text)
            .map_err(|e| anyhow::anyhow!("ORIGINE_WITNESS_POLICY {}: {e}", path.display()))
    }

    /// The mailer of `ORIGINE_SMTP_URL`, if set.
    ///
    /// # Errors
    /// A URL or sender address that does not parse (the message never shows the URL).
    pub fn mailer(&self) -> anyhow::Result<Option<crate::service::notify::Mailer>> {
        let Some(url) = self.smtp_url.as_deref().filter(|u| !u.is_empty()) else {
            return Ok(None);
        };
        let from = self
            .smtp_from
            .clone()
            .unwrap_or_else(|| format!("origine@{}", host_of(&self.base_url())));
        crate::service::notify::Mailer::new(url, &from).map(Some)
    }

    /// The log origin, which also names the issuer and keys.
    pub fn log_origin(&self) -> String {
        self.log_origin
            .clone()
            .unwrap_or_else(|| format!("{}/log", host_of(&self.base_url())))
    }
}

/// Checks a log origin given in `ORIGINE_LOG_ORIGIN` or `--log-origin`: it names the
/// log's key in every checkpoint, so one that is not a signed-note key name would let the
/// service certify lots it can never publish a checkpoint for. Refused at start (exit 2).
fn origin(value: &str) -> Result<String, String> {
    crate::log::note::KeyName::parse(value)
        .map(|name| name.as_str().to_owned())
        .map_err(|_| {
            format!(
                "ORIGINE_LOG_ORIGIN must be a signed-note key name (non-empty, no whitespace, no `+`), not {value:?}"
            )
        })
}

/// Parses `ORIGINE_TRUSTED_PROXIES` (exit 2 on a bad network).
fn proxies(value: &str) -> Result<crate::http::proxies::Trusted, String> {
    crate::http::proxies::parse_list(value)
        .map(crate::http::proxies::Trusted)
        .map_err(|e| format!("ORIGINE_TRUSTED_PROXIES: {e}"))
}

/// The host of a URL, without scheme, port, path or user info.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    if authority.starts_with('[') {
        return authority
            .split_inclusive(']')
            .next()
            .unwrap_or(authority)
            .to_owned();
    }
    authority
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn origin_host_drops_scheme_port_and_path() {
        assert_eq!(host_of("http://127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(
            host_of("https://Origine.example.it/base/"),
            "origine.example.it"
        );
        assert_eq!(host_of("http://[::1]:8080/x"), "[::1]");
    }
}
