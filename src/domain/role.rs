//! What an API token or a web account may do: `admin` changes the register, `auditor`
//! reads everything and changes nothing, `producer` acts for its own organisation only.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A role of an API token or a web account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The certification authority: accredits, suspends, revokes, issues tokens.
    Admin,
    /// The CNEL auditor: reads everything, changes nothing.
    Auditor,
    /// A producer: registers and labels its own lots.
    Producer,
}

impl Role {
    /// Every role, in the order forms list them.
    pub const ALL: [Self; 3] = [Self::Admin, Self::Auditor, Self::Producer];

    /// The role's name as stored and sent: `admin`, `auditor` or `producer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Auditor => "auditor",
            Self::Producer => "producer",
        }
    }

    /// The role named `name`, exactly as [`Role::as_str`] writes it.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// Admins and auditors read every producer's data.
    pub fn reads_everything(self) -> bool {
        matches!(self, Self::Admin | Self::Auditor)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_back_as_written() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{role}\""));
        }
        assert_eq!(Role::parse("Admin"), None);
        assert_eq!(Role::parse(""), None);
    }
}
