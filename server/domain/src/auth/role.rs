//! Roles (DESIGN.md §8): buyers and their company administrators, the exporter's staff and
//! administrators.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a signed-in person may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Browses, sends RFQs, follows the company's orders.
    Buyer,
    /// A buyer who also manages the company's users.
    BuyerAdmin,
    /// The exporter's staff: the admin panel.
    Staff,
    /// Staff who may also manage users, API clients and settings.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Buyer, Role::BuyerAdmin, Role::Staff, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Buyer => "buyer",
            Role::BuyerAdmin => "buyer_admin",
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether the role opens the admin panel.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Staff | Role::Admin)
    }

    /// Whether the role manages people, API clients and settings.
    pub fn is_admin(self) -> bool {
        self == Role::Admin
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
    fn roles_round_trip_and_only_staff_roles_open_the_admin_panel() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(Role::Staff.is_staff() && Role::Admin.is_staff());
        assert!(!Role::Buyer.is_staff() && !Role::BuyerAdmin.is_staff());
    }
}
