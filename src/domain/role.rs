//! What an API token or a web account may do: `admin` changes the register, `auditor`
//! reads everything and changes nothing, `producer` acts for its own organisation only,
//! `buyer` reads what the public reads and keeps its own watch list and webhooks.

use super::words::words;

words! {
    /// A role of an API token or a web account.
    pub enum Role {
        /// The certification authority: accredits, suspends, revokes, issues tokens.
        Admin = "admin",
        /// The CNEL auditor: reads everything, changes nothing.
        Auditor = "auditor",
        /// A producer: registers and labels its own lots.
        Producer = "producer",
        /// A shop or distributor: reads what the public reads, owns its watch list and
        /// webhooks, changes nothing in the register.
        Buyer = "buyer",
    }
}

impl Role {
    /// True for the certification authority.
    pub fn is_admin(self) -> bool {
        self == Self::Admin
    }

    /// True for a producer's account or token.
    pub fn is_producer(self) -> bool {
        self == Self::Producer
    }

    /// True for a buyer's account or token.
    pub fn is_buyer(self) -> bool {
        self == Self::Buyer
    }

    /// Admins and auditors read every producer's data.
    pub fn reads_everything(self) -> bool {
        matches!(self, Self::Admin | Self::Auditor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_back_as_written() {
        for &role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{role}\""));
            assert_eq!(
                serde_json::from_str::<Role>(&format!("\"{role}\"")).unwrap(),
                role
            );
        }
        assert_eq!(Role::NAMES, ["admin", "auditor", "producer", "buyer"]);
        assert_eq!(Role::parse("Admin"), None);
        assert_eq!(Role::parse(""), None);
    }
}
