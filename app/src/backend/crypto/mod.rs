//! The cryptography, each piece a pure function of its inputs (randomness from the OS CSPRNG):
//! TOTP codes, sealing at rest, password hashing, backup codes, session tokens, device cookies,
//! QR codes and texted codes. No SQL here.

pub mod access_codes;
pub mod backup_codes;
pub mod devices;
pub mod passwords;
pub mod qr;
pub mod sealing;
pub mod sms_codes;
pub mod tokens;
pub mod totp;
