//! Passphrases and recovery codes for the CLI: from the environment when scripted, otherwise
//! from a no-echo prompt on the terminal.

use kasane::{ExposeSecret, SecretString};

use super::{CliError, Result};

/// Asks on the terminal without echo; without a terminal, says which variable to set.
fn prompt(text: &str, var: &str) -> Result<String> {
    rpassword::prompt_password(text).map_err(|e| {
        CliError::Usage(format!(
            "cannot ask for it here ({e}); set {var} or run kasane in a terminal"
        ))
    })
}

pub fn passphrase(text: &str) -> Result<SecretString> {
    if let Ok(p) = std::env::var("KASANE_PASSPHRASE") {
        return Ok(SecretString::from(p));
    }
    Ok(SecretString::from(prompt(text, "KASANE_PASSPHRASE")?))
}

/// A new passphrase: from `var`, or asked twice so a typo does not lock anyone out.
pub fn new_passphrase(var: &str, text: &str) -> Result<SecretString> {
    if let Ok(p) = std::env::var(var) {
        return Ok(SecretString::from(p));
    }
    let first = SecretString::from(prompt(text, var)?);
    let again = SecretString::from(prompt("もう一度 / again: ", var)?);
    if first.expose_secret() != again.expose_secret() {
        return Err(CliError::Engine(kasane::KeyError::PassphraseMismatch.into()));
    }
    Ok(first)
}

pub fn recovery_code() -> Result<String> {
    if let Ok(c) = std::env::var("KASANE_RECOVERY_CODE") {
        return Ok(c);
    }
    prompt("復旧用コード / recovery code: ", "KASANE_RECOVERY_CODE")
}
