//! The PIN on the command line: from `GRIDWORK_PIN` (scripts and tests) or asked on the terminal
//! without echo; `init` and `enroll` set it (making the vault, or encrypting an old plain store),
//! every other command unlocks with it.

use anyhow::{Context, Result, bail};
use gridwork_core::vault::{NoKeyring, OsKeyring, Pin, SecretStore, Vault, VaultState};
use gridwork_core::{CoreError, Engine};
use gridwork_domain::policy::DevicePolicy;
use std::io::IsTerminal;
use std::path::Path;

/// The keyring the store's key is split with: the OS keyring (Secret Service), unless
/// `GRIDWORK_KEYRING=none` asks for the PIN alone.
pub fn keyring() -> Box<dyn SecretStore> {
    match std::env::var("GRIDWORK_KEYRING").as_deref() {
        Ok("none") => Box::new(NoKeyring),
        _ => Box::new(OsKeyring),
    }
}

/// The PIN from `var`, or asked on the terminal as `prompt`.
fn read_pin(var: &str, prompt: &str) -> Result<Pin> {
    if let Ok(pin) = std::env::var(var) {
        return Pin::new(&pin).map_err(|e| match e {
            CoreError::BadPin(m) => CoreError::BadPin(format!("{m} (the PIN in {var})")).into(),
            e => e.into(),
        });
    }
    if !std::io::stdin().is_terminal() {
        bail!("this store is locked with a PIN: set {var}, or run the command in a terminal to be asked for it");
    }
    let typed = rpassword::prompt_password(prompt).context("reading the PIN")?;
    Ok(Pin::new(typed.trim())?)
}

/// The PIN being set: from `var`, or asked twice on the terminal.
fn read_new_pin(var: &str) -> Result<Pin> {
    if std::env::var(var).is_ok() {
        return read_pin(var, "");
    }
    let pin = read_pin(var, "New PIN (6-12 digits): ")?;
    let again = read_pin(var, "The new PIN again: ")?;
    if pin.as_str() != again.as_str() {
        bail!("the two PINs differ: nothing was changed");
    }
    Ok(pin)
}

/// Opens the store at `db`: `creates` (init, enroll) sets the PIN when the store has none yet;
/// every command unlocks a locked store, and encrypts a plain one (made before stores were
/// encrypted) in place with the PIN given.
pub fn open(db: &Path, creates: bool) -> Result<Engine> {
    let vault = Vault::at(db);
    let keyring = keyring();
    let engine = match vault.state()? {
        VaultState::Locked { .. } => vault.unlock(&read_pin("GRIDWORK_PIN", "PIN: ")?, &*keyring)?,
        VaultState::New if !creates => return Err(CoreError::NoStore(db.display().to_string()).into()),
        VaultState::New | VaultState::Plain => {
            let pin = read_new_pin("GRIDWORK_PIN")?;
            let engine = vault.create(&pin, &*keyring, &DevicePolicy::default())?;
            if let Some(note) = vault.keyring_note()? {
                eprintln!("warning: {note}");
            }
            engine
        }
    };
    Ok(engine)
}

/// The PIN of a locked store (from `GRIDWORK_PIN`, or asked).
pub fn pin() -> Result<Pin> {
    read_pin("GRIDWORK_PIN", "PIN: ")
}

/// `gridwork pin change`: the old PIN from `GRIDWORK_PIN` (or asked), the new one from
/// `GRIDWORK_NEW_PIN` (or asked twice).
pub fn change(db: &Path) -> Result<()> {
    let vault = Vault::at(db);
    let old = read_pin("GRIDWORK_PIN", "Current PIN: ")?;
    let new = read_new_pin("GRIDWORK_NEW_PIN")?;
    vault.change_pin(&old, &new, &*keyring())?;
    Ok(())
}
