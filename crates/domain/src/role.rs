//! Roles a user can hold, and a non-empty set of them.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a user may do, from 21 CFR Part 11 separation of duties.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Manufacturing: donations, receipt, processing steps, units.
    Technician,
    /// Quality control testing: release test results.
    Analyst,
    /// Quality assurance: disposition, donor eligibility, deviations, recalls.
    Qa,
    /// Patients, orders and the bedside.
    Clinician,
    /// Reads everything but personal data, runs verification.
    Auditor,
    /// Users and configuration only, no product data entry.
    Admin,
}

impl Role {
    /// Every role, in a fixed order.
    pub const ALL: [Role; 6] = [
        Role::Technician,
        Role::Analyst,
        Role::Qa,
        Role::Clinician,
        Role::Auditor,
        Role::Admin,
    ];

    /// The lowercase name used in the ledger, the CLI and the configuration.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Role::Technician => "technician",
            Role::Analyst => "analyst",
            Role::Qa => "qa",
            Role::Clinician => "clinician",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of [`Role::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`: expected one of technician, analyst, qa, clinician, auditor, admin")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// A non-empty set of roles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Role>", into = "Vec<Role>")]
pub struct Roles(BTreeSet<Role>);

/// A user must hold at least one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a user needs at least one role")]
pub struct NoRoles;

impl Roles {
    /// Builds the set, refusing an empty one.
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Result<Self, NoRoles> {
        let set: BTreeSet<Role> = roles.into_iter().collect();
        if set.is_empty() {
            Err(NoRoles)
        } else {
            Ok(Self(set))
        }
    }

    /// Whether `role` is in the set.
    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    /// The roles in a fixed order.
    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    /// The roles joined by commas, for a database column.
    pub fn to_csv(&self) -> String {
        self.iter()
            .map(|role| role.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Parses what [`Roles::to_csv`] wrote.
    pub fn from_csv(csv: &str) -> Result<Self, RolesParseError> {
        let roles = csv
            .split(',')
            .filter(|part| !part.is_empty())
            .map(Role::from_str)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::new(roles)?)
    }
}

/// A stored role list that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RolesParseError {
    /// A name is not a role.
    #[error(transparent)]
    Unknown(#[from] UnknownRole),
    /// The list is empty.
    #[error(transparent)]
    Empty(#[from] NoRoles),
}

impl TryFrom<Vec<Role>> for Roles {
    type Error = NoRoles;

    fn try_from(roles: Vec<Role>) -> Result<Self, Self::Error> {
        Self::new(roles)
    }
}

impl From<Roles> for Vec<Role> {
    fn from(roles: Roles) -> Self {
        roles.0.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_csv_in_a_fixed_order() {
        let roles = Roles::new([Role::Qa, Role::Analyst, Role::Qa]).unwrap();
        assert_eq!(roles.to_csv(), "analyst,qa");
        assert_eq!(Roles::from_csv("analyst,qa").unwrap(), roles);
    }

    #[test]
    fn empty_and_unknown_roles_are_refused() {
        assert_eq!(Roles::new([]), Err(NoRoles));
        assert!(matches!(
            Roles::from_csv("qa,root"),
            Err(RolesParseError::Unknown(_))
        ));
        assert!(matches!(
            Roles::from_csv(""),
            Err(RolesParseError::Empty(_))
        ));
    }
}
