//! The flows of an account, each taking the `Caller` and owning its transactions: sign-up,
//! login and logout (`login`), confirming the address (`address`), "Forgot password?"
//! (`password_reset`), a new password, closing and the mail language (`changes`), and the list
//! of its sessions and remembered browsers (`session_list`); who is an administrator
//! (`administrators`, changed only from the command line) and what they may do on the admin
//! pages (`admin_console`).

pub mod access_codes;
pub mod address;
pub mod admin_actions;
pub mod admin_console;
pub mod administrators;
pub mod changes;
pub mod login;
pub mod password_reset;
pub mod session_list;
pub mod two_factor_policy;
