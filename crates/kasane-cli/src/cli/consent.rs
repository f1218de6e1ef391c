//! `consent`: recording a person's consent and its withdrawal. The date defaults to today on
//! this PC's clock; a withdrawal keeps the consent on record.

use clap::Subcommand;
use kasane::{ConsentHow, Error, NewConsent};

use super::input::{agency, date, id};
use super::print::Out;
use super::vault::unlock;
use super::{Global, Result};

#[derive(Debug, Subcommand)]
pub enum ConsentCmd {
    Add(ConsentAdd),
    Withdraw(ConsentWithdraw),
}

#[derive(Debug, clap::Args)]
pub struct ConsentAdd {
    #[arg(long)]
    pub person: String,
    /// What was agreed, e.g. "支援会議での情報共有".
    #[arg(long)]
    pub scope: String,
    /// Default: today.
    #[arg(long)]
    pub date: Option<String>,
    /// written | verbal | other (or 書面 / 口頭 / その他)
    #[arg(long)]
    pub how: String,
    /// Agencies the consent names (repeatable).
    #[arg(long)]
    pub agency: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct ConsentWithdraw {
    pub id: String,
    /// Default: today.
    #[arg(long)]
    pub date: Option<String>,
}

pub fn run(g: &Global, out: &Out, cmd: ConsentCmd) -> Result<()> {
    match cmd {
        ConsentCmd::Add(a) => {
            let mut v = unlock(g)?;
            let agencies = a.agency.iter().map(|s| agency(&v, s)).collect::<Result<Vec<_>>>()?;
            let id = v.add_consent(NewConsent {
                person: id(&a.person, "person")?,
                scope: a.scope,
                agencies,
                date: a
                    .date
                    .as_deref()
                    .map(date)
                    .transpose()?
                    .unwrap_or_else(|| v.ambient().clock.today()),
                how: ConsentHow::parse(&a.how).map_err(Error::from)?,
            })?;
            out.id("consent", id);
        }
        ConsentCmd::Withdraw(a) => {
            let mut v = unlock(g)?;
            let on = a
                .date
                .as_deref()
                .map(date)
                .transpose()?
                .unwrap_or_else(|| v.ambient().clock.today());
            v.withdraw_consent(id(&a.id, "consent")?, on)?;
            out.done("consent withdrawn");
        }
    }
    Ok(())
}
