//! C2SP tlog-policy files: which logs are trusted, which witnesses cosign, and the quorum
//! of cosignatures a checkpoint needs to count as witnessed.
//!
//! Origine reads them in three places: the log's `ORIGINE_WITNESS_POLICY` (the witnesses it
//! pushes checkpoints to), a witness's `--logs` (the only logs it witnesses), and the policy
//! a verifier checks an offline proof against. The log serves its own on `/log/policy`.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use ed25519_dalek::VerifyingKey;

use super::note::{self, ALG_COSIGNATURE_V1, ALG_ED25519, KeyName, Note};

/// A log a policy trusts: its origin (the vkey's name), key and optional URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyLog {
    /// The log's origin line, which is its key's name.
    pub origin: KeyName,
    /// The verifier key as written.
    pub vkey: String,
    /// The log's Ed25519 key.
    pub key: VerifyingKey,
    /// Where to reach it, when given.
    pub url: Option<String>,
}

/// A witness a policy names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyWitness {
    /// The witness's name in this policy (for groups and the quorum only).
    pub name: String,
    /// The cosigner's key name, from its vkey.
    pub key_name: KeyName,
    /// The verifier key as written.
    pub vkey: String,
    /// The witness's Ed25519 `cosignature/v1` key.
    pub key: VerifyingKey,
    /// Its submission prefix, when given.
    pub url: Option<String>,
}

/// A group: witnessed when at least `threshold` of its members are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// How many members must have witnessed.
    pub threshold: usize,
    /// Witness or group names, each defined earlier in the file.
    pub members: Vec<String>,
}

/// A parsed tlog-policy file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Policy {
    /// The logs, in file order.
    pub logs: Vec<PolicyLog>,
    /// The witnesses, in file order.
    pub witnesses: Vec<PolicyWitness>,
    /// The groups by name.
    pub groups: BTreeMap<String, Group>,
    /// The quorum's witness or group name; `None` for `quorum none` (or no quorum line,
    /// where [`Policy::parse_logs`] allows one).
    pub quorum: Option<String>,
}

/// Why a policy file was refused: the line and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct PolicyError {
    /// 1-based line number (0 for the file as a whole).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

fn fail<T>(line: usize, message: impl Into<String>) -> Result<T, PolicyError> {
    Err(PolicyError {
        line,
        message: message.into(),
    })
}

impl Policy {
    /// Parses a policy file, which must have exactly one `quorum` line.
    ///
    /// # Errors
    /// The first line that breaks the C2SP tlog-policy syntax or rules.
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        let (policy, quorum_seen) = Self::parse_lines(text)?;
        if !quorum_seen {
            return fail(0, "a policy needs exactly one `quorum` line");
        }
        Ok(policy)
    }

    /// Parses a list of logs in policy syntax (a witness's `--logs`): the quorum line may
    /// be left out, and at least one `log` line is required.
    ///
    /// # Errors
    /// As [`Policy::parse`], and a file without logs.
    pub fn parse_logs(text: &str) -> Result<Self, PolicyError> {
        let (policy, _) = Self::parse_lines(text)?;
        if policy.logs.is_empty() {
            return fail(0, "no `log <vkey>` line: the witness would witness nothing");
        }
        Ok(policy)
    }

    fn parse_lines(text: &str) -> Result<(Self, bool), PolicyError> {
        let mut policy = Self::default();
        let mut quorum_seen = false;
        let mut names: HashSet<String> = HashSet::new();
        let mut keys: HashSet<[u8; 32]> = HashSet::new();
        for (i, raw) in text.split('\n').enumerate() {
            let n = i + 1;
            if raw.bytes().any(|b| b < 0x20 && b != b'\t' || b == 0x7f) {
                return fail(n, "control characters other than tab are not allowed");
            }
            let words: Vec<&str> = raw.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
            let Some((&keyword, args)) = words.split_first() else {
                continue;
            };
            if keyword.starts_with('#') {
                continue;
            }
            match (keyword, args) {
                ("log", [vkey, rest @ ..]) if rest.len() <= 1 => {
                    let (origin, key) = parse_key(n, vkey, ALG_ED25519)?;
                    if !keys.insert(key.to_bytes()) {
                        return fail(n, "this key is listed twice");
                    }
                    policy.logs.push(PolicyLog {
                        origin,
                        vkey: (*vkey).to_owned(),
                        key,
                        url: rest.first().map(|u| (*u).to_owned()),
                    });
                }
                ("witness", [name, vkey, rest @ ..]) if rest.len() <= 1 => {
                    let (key_name, key) = parse_key(n, vkey, ALG_COSIGNATURE_V1)?;
                    define(n, &mut names, name)?;
                    if !keys.insert(key.to_bytes()) {
                        return fail(n, "this key is listed twice");
                    }
                    policy.witnesses.push(PolicyWitness {
                        name: (*name).to_owned(),
                        key_name,
                        vkey: (*vkey).to_owned(),
                        key,
                        url: rest.first().map(|u| (*u).to_owned()),
                    });
                }
                ("group", [name, threshold, members @ ..]) if !members.is_empty() => {
                    let mut listed = HashSet::new();
                    for member in members {
                        if *member == "none" || !names.contains(*member) {
                            return fail(n, format!("{member:?} is not defined above"));
                        }
                        if !listed.insert(*member) {
                            return fail(n, format!("{member:?} is listed twice"));
                        }
                    }
                    let threshold = match *threshold {
                        "all" => members.len(),
                        "any" => 1,
                        k => match note::parse_decimal(k).and_then(|v| usize::try_from(v).ok()) {
                            Some(v) if (1..=members.len()).contains(&v) => v,
                            _ => {
                                return fail(
                                    n,
                                    format!("threshold {k:?} is not 1..={}", members.len()),
                                );
                            }
                        },
                    };
                    define(n, &mut names, name)?;
                    policy.groups.insert(
                        (*name).to_owned(),
                        Group {
                            threshold,
                            members: members.iter().map(|m| (*m).to_owned()).collect(),
                        },
                    );
                }
                ("quorum", [name]) => {
                    if quorum_seen {
                        return fail(n, "a second `quorum` line");
                    }
                    quorum_seen = true;
                    if *name != "none" {
                        if !names.contains(*name) {
                            return fail(n, format!("{name:?} is not defined above"));
                        }
                        policy.quorum = Some((*name).to_owned());
                    }
                }
                _ => return fail(n, format!("not a policy line: {:?}", raw.trim())),
            }
        }
        Ok((policy, quorum_seen))
    }

    /// The log whose origin is `origin`.
    #[must_use]
    pub fn log(&self, origin: &str) -> Option<&PolicyLog> {
        self.logs.iter().find(|l| l.origin == origin)
    }

    /// Whether the witnesses that validly cosigned `checkpoint` meet the quorum. A policy
    /// with `quorum none` is met by any checkpoint.
    #[must_use]
    pub fn quorum_met(&self, checkpoint: &Note) -> bool {
        let cosigned: HashSet<&str> = self
            .witnesses
            .iter()
            .filter(|w| note::verify_cosignature(checkpoint, &w.key_name, &w.key).is_ok())
            .map(|w| w.name.as_str())
            .collect();
        self.quorum
            .as_deref()
            .is_none_or(|q| self.witnessed(q, &cosigned))
    }

    fn witnessed(&self, name: &str, cosigned: &HashSet<&str>) -> bool {
        match self.groups.get(name) {
            Some(group) => {
                group
                    .members
                    .iter()
                    .filter(|m| self.witnessed(m, cosigned))
                    .count()
                    >= group.threshold
            }
            None => cosigned.contains(name),
        }
    }

    /// The policy as a file.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::new();
        for log in &self.logs {
            let _ = writeln!(out, "log {}{}", log.vkey, url_suffix(log.url.as_deref()));
        }
        for w in &self.witnesses {
            let _ = writeln!(
                out,
                "witness {} {}{}",
                w.name,
                w.vkey,
                url_suffix(w.url.as_deref())
            );
        }
        // Groups only refer to names defined before them; definition order is kept by
        // writing each group after its members.
        let mut written: HashSet<&str> = self.witnesses.iter().map(|w| w.name.as_str()).collect();
        while written.len() < self.witnesses.len() + self.groups.len() {
            let before = written.len();
            for (name, group) in &self.groups {
                if !written.contains(name.as_str())
                    && group.members.iter().all(|m| written.contains(m.as_str()))
                {
                    let threshold = group.threshold.to_string();
                    let _ = writeln!(out, "group {name} {threshold} {}", group.members.join(" "));
                    written.insert(name);
                }
            }
            if written.len() == before {
                break;
            }
        }
        let _ = writeln!(out, "quorum {}", self.quorum.as_deref().unwrap_or("none"));
        out
    }
}

fn url_suffix(url: Option<&str>) -> String {
    url.map(|u| format!(" {u}")).unwrap_or_default()
}

fn define(line: usize, names: &mut HashSet<String>, name: &str) -> Result<(), PolicyError> {
    if name == "none" {
        return fail(line, "`none` is a reserved name");
    }
    if !names.insert(name.to_owned()) {
        return fail(line, format!("{name:?} is defined twice"));
    }
    Ok(())
}

fn parse_key(line: usize, vkey: &str, alg: u8) -> Result<(KeyName, VerifyingKey), PolicyError> {
    let (name, found, public) = note::parse_vkey(vkey).map_err(|e| PolicyError {
        line,
        message: e.to_string(),
    })?;
    if found != alg {
        return fail(
            line,
            format!("{name}: signature type {found:#04x}, expected {alg:#04x}"),
        );
    }
    let key = VerifyingKey::from_bytes(&public).map_err(|_| PolicyError {
        line,
        message: format!("{name}: not an Ed25519 public key"),
    })?;
    Ok((name, key))
}

#[cfg(test)]
mod tests;
