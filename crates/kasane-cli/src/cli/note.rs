//! `note`: the contact log (支援経過). Edits and retractions keep the earlier text in the log;
//! internal notes (機関内メモ) are marked wherever they are listed.

use clap::Subcommand;
use kasane::{Error, NewNote, Note, NoteKind, Vault};
use uuid::Uuid;

use super::input::{date, id};
use super::print::{Out, date_cell, outln};
use super::vault::unlock;
use super::{Global, IdArg, Result};

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
            let flags = format!(
                "{}{}",
                if n.internal { "【機関内】" } else { "" },
                if n.retracted { "【取消】" } else { "" }
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
