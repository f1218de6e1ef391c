//! `note`: the contact log (支援経過). Edits and retractions keep the earlier text in the log;
//! internal notes (機関内メモ) are marked wherever they are listed.

use clap::Subcommand;
use kasane::{Error, NewNote, Note, NoteKind, Vault};
use uuid::Uuid;

use super::input::{date, id};
use super::print::{Out, date_cell, outln};
use super::vault::unlock;
use super::{Global, IdArg, Result, usage};

#[derive(Debug, Subcommand)]
pub enum NoteCmd {
    Add(NoteAdd),
    List(NoteList),
    Edit(NoteEdit),
    Retract(IdArg),
}

#[derive(Debug, clap::Args)]
pub struct NoteAdd {
    #[arg(long)]
    pub case: String,
    /// visit | office | phone | email | meeting | accompany | other (or 訪問 / 来所 / 電話 / メール / 会議 / 同行 / その他)
    #[arg(long)]
    pub kind: String,
    #[arg(long)]
    pub text: String,
    /// Default: today.
    #[arg(long)]
    pub date: Option<String>,
    /// Keep on this PC only (機関内メモ): never shared.
    #[arg(long)]
    pub internal: bool,
    /// A contact attempt's outcome: met | not-home | refused | phone-only | left-note | other
    /// (or 面会できた / 不在 / 拒否 / 電話のみ / 手紙・置き手紙 / その他).
    #[arg(long)]
    pub outcome: Option<String>,
    /// The attempt's time of day (14:30); needs --outcome.
    #[arg(long)]
    pub time: Option<String>,
    /// Whom the worker met or reached (本人, 母 …); needs --outcome.
    #[arg(long)]
    pub contacted: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct NoteList {
    #[arg(long)]
    pub case: String,
}

#[derive(Debug, clap::Args)]
pub struct NoteEdit {
    pub id: String,
    #[arg(long)]
    pub text: String,
}

pub fn run(g: &Global, out: &Out, cmd: NoteCmd) -> Result<()> {
    let mut v = unlock(g)?;
    match cmd {
        NoteCmd::Add(a) => {
            let id = v.add_note(NewNote {
                case: id(&a.case, "case")?,
                kind: NoteKind::parse(&a.kind).map_err(Error::from)?,
                text: a.text,
                date: a.date.as_deref().map(date).transpose()?,
                internal: a.internal,
                outreach: match (&a.outcome, a.time.is_some() || a.contacted.is_some()) {
                    (Some(o), _) => Some(kasane::Outreach {
                        time: a.time.clone(),
                        contacted: a.contacted.clone(),
                        outcome: kasane::ContactOutcome::parse(o).map_err(Error::from)?,
                    }),
                    (None, true) => {
                        return Err(usage(
                            "--time and --contacted describe a contact attempt: give its --outcome too",
                        ));
                    }
                    (None, false) => None,
                },
            })?;
            out.id("note", id);
        }
        NoteCmd::List(a) => {
            let notes = v.notes_of(id(&a.case, "case")?)?;
            out.notes(&v, &notes)?;
        }
        NoteCmd::Edit(a) => {
            v.edit_note(id(&a.id, "note")?, &a.text)?;
            out.done("note edited (the earlier version stays in the log)");
        }
        NoteCmd::Retract(a) => {
            v.retract_note(id(&a.id, "note")?)?;
            out.done("note retracted");
        }
    }
    Ok(())
}

impl Out {
    pub fn notes(&self, v: &Vault, notes: &[Note]) -> Result<()> {
        if self.json {
            self.print_json(&notes);
            return Ok(());
        }
        let agencies: std::collections::HashMap<Uuid, String> =
            v.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        for n in notes {
            let attempt = n.outreach.as_ref().map(|o| {
                let mut s = format!("［{}", o.outcome.label_ja());
                if let Some(t) = &o.time {
                    s.push_str(&format!(" {t}"));
                }
                if let Some(c) = &o.contacted {
                    s.push_str(&format!(" {c}"));
                }
                s + "］"
            });
            let flags = format!(
                "{}{}{}",
                if n.internal { "【機関内】" } else { "" },
                if n.retracted { "【取消】" } else { "" },
                attempt.unwrap_or_default()
            );
            outln!(
                "  {} {} {} {}{}  {}",
                date_cell(&n.date),
                n.kind.label_ja(),
                agencies.get(&n.agency).map(String::as_str).unwrap_or("?"),
                flags,
                n.id,
                n.text.replace('\n', " ")
            );
        }
        Ok(())
    }
}
