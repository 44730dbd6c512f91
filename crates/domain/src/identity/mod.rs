//! Users, roles, authentication state and password policy (21 CFR Part 11).

pub mod commands;
pub mod events;
mod names;
mod password;
mod user;

pub use commands::{IdentityError, LockoutPolicy};
pub use names::{NameError, PrintedName, Username};
pub use password::{Password, PasswordPolicyError};
pub use user::User;
