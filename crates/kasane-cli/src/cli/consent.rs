//! `consent`: recording a person's consent (who gave it, for what, to which agencies, which kinds
//! of information, from when to when, how and before whom), printing the 同意書 to sign, and
//! recording a withdrawal. Dates default to today on this PC's clock; a withdrawal keeps the
//! consent on record.

use std::path::PathBuf;

use clap::Subcommand;
use kasane::{ConsentGiver, ConsentHow, ConsentPurpose, Error, InfoKind, NewConsent, Vault};

use super::input::{agency, date, id};
use super::print::Out;
use super::vault::unlock;
use super::{Global, Result};

#[derive(Debug, Subcommand)]
pub enum ConsentCmd {
    /// Record a consent.
    Add(ConsentAdd),
    /// Write the consent form (同意書, HTML) for the person to sign: from the terms given, or
    /// from a recorded consent (--id).
    Print(ConsentPrint),
    /// Record a withdrawal: the shares resting on the consent end.
    Withdraw(ConsentWithdraw),
}

#[derive(Debug, clap::Args)]
pub struct ConsentTerms {
    /// The person the information is about.
    #[arg(long)]
    pub person: String,
    /// Who consented: person | legal-representative | guardian | other-proxy
    /// (or 本人 / 法定代理人 / 成年後見人 / その他の代理人).
    #[arg(long, default_value = "person")]
    pub by: String,
    /// The proxy's name (needed unless the person consented).
    #[arg(long)]
    pub giver_name: Option<String>,
    /// The proxy's relation to the person, e.g. 母.
    #[arg(long)]
    pub relation: Option<String>,
    /// What was agreed, in the form's words, e.g. "支援のための関係機関での情報共有".
    #[arg(long)]
    pub scope: String,
    /// jusoteki-shien-kaigi | shien-chosei-kaigi | referral | coordinated-support (repeatable).
    #[arg(long = "purpose", required = true)]
    pub purposes: Vec<String>,
    /// basic | health | finances | progress (基本情報 / 健康・障害 / 家計 / 支援経過), repeatable;
    /// `all` for every kind.
    #[arg(long = "kind", required = true)]
    pub kinds: Vec<String>,
    /// Agencies the consent names (repeatable, at least one).
    #[arg(long = "agency", required = true)]
    pub agencies: Vec<String>,
    /// First day (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// Last day.
    #[arg(long)]
    pub until: String,
    /// written | verbal | other (or 書面 / 口頭 / その他)
    #[arg(long)]
    pub how: String,
    /// Who heard a verbal consent, or witnessed the signing.
    #[arg(long)]
    pub witness: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ConsentAdd {
    #[command(flatten)]
    pub terms: ConsentTerms,
}

#[derive(Debug, clap::Args)]
pub struct ConsentPrint {
    /// A recorded consent to print again (instead of the terms).
    #[arg(long, conflicts_with_all = ["person", "scope", "purposes", "kinds", "agencies", "until", "how"])]
    pub id: Option<String>,
    #[command(flatten)]
    pub terms: Option<ConsentTerms>,
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, default_value_t = 1)]
    pub copies: u32,
}

#[derive(Debug, clap::Args)]
pub struct ConsentWithdraw {
    pub id: String,
    /// Default: today.
    #[arg(long)]
    pub date: Option<String>,
}

fn terms(v: &Vault, t: &ConsentTerms) -> Result<NewConsent> {
    let agencies = t.agencies.iter().map(|s| agency(v, s)).collect::<Result<Vec<_>>>()?;
    let kinds = if t.kinds.iter().any(|k| k == "all") {
        InfoKind::ALL.to_vec()
    } else {
        t.kinds
            .iter()
            .map(|k| InfoKind::parse(k))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(Error::from)?
    };
    let purposes = t
        .purposes
        .iter()
        .map(|p| ConsentPurpose::parse(p))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(Error::from)?;
    Ok(NewConsent {
        person: id(&t.person, "person")?,
        given_by: ConsentGiver::parse(&t.by).map_err(Error::from)?,
        giver_name: t.giver_name.clone(),
        giver_relation: t.relation.clone(),
        scope: t.scope.clone(),
        purposes,
        kinds,
        agencies,
        date: t
            .date
            .as_deref()
            .map(date)
            .transpose()?
            .unwrap_or_else(|| v.ambient().clock.today()),
        until: date(&t.until)?,
        how: ConsentHow::parse(&t.how).map_err(Error::from)?,
        witness: t.witness.clone(),
    })
}

pub fn run(g: &Global, out: &Out, cmd: ConsentCmd) -> Result<()> {
    match cmd {
        ConsentCmd::Add(a) => {
            let mut v = unlock(g)?;
            let new = terms(&v, &a.terms)?;
            let id = v.add_consent(new)?;
            out.id("consent", id);
        }
        ConsentCmd::Print(a) => {
            let mut v = unlock(g)?;
            let draft = match (&a.id, &a.terms) {
                (Some(k), _) => {
                    let k = id(k, "consent")?;
                    v.consent(k)?.as_new()
                }
                (None, Some(t)) => terms(&v, t)?,
                (None, None) => {
                    return Err(super::usage(
                        "give the consent's terms (--person, --scope, --purpose, --kind, --agency, --until, --how) or --id of a recorded consent",
                    ));
                }
            };
            let html = v.print_consent_form(&draft, a.copies)?;
            v.save_printout(&a.out, &html)?;
            out.printout(
                &format!("同意書を出力しました / consent form written: {}", a.out.display()),
                &a.out,
            );
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
