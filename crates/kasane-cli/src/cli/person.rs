//! `person`: the members of a household (世帯員). Birth dates take 和暦 or ISO, partial dates
//! included, and are shown in both. `person records` collects every record about one person for a
//! disclosure request (開示請求), with judgement and third parties' information marked.

use clap::Subcommand;
use kasane::{Error, NewPerson, PartialDate, Person, PersonRecords, PersonUpdate, ReviewMark, Sex};

use super::input::{clearable, date, id};
use super::print::{Out, outln};
use super::vault::unlock;
use super::{CliError, Global, IdArg, Result, usage};

#[derive(Debug, Subcommand)]
pub enum PersonCmd {
    Add(PersonAdd),
    Show(IdArg),
    Update(PersonUpdateArgs),
    /// Every record about the person for a disclosure request (開示請求), judgement and third parties'
    /// information marked for the reviewer; `--out FILE.html` writes it printable, `--out FILE.json`
    /// as JSON for the reviewer's tools.
    Records(PersonRecordsArgs),
}

#[derive(Debug, clap::Args)]
pub struct PersonRecordsArgs {
    pub id: String,
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    #[arg(long, default_value_t = 1)]
    pub copies: u32,
}

#[derive(Debug, clap::Args)]
pub struct PersonAdd {
    #[arg(long)]
    pub household: String,
    #[arg(long)]
    pub family_name: String,
    #[arg(long)]
    pub given_name: String,
    #[arg(long)]
    pub family_kana: String,
    #[arg(long)]
    pub given_kana: String,
    /// 和暦 (S23.5.1, 昭和23年5月1日, R1.5.1) or ISO (1948-05-01); partial dates (S15, 1990-03) are fine.
    #[arg(long)]
    pub birth: String,
    /// female | male | other | unanswered (or 女性 / 男性 / その他 / 未回答).
    #[arg(long)]
    pub sex: String,
    /// Relation as seen from the person supported (支援対象者（本人）からみた続柄): 本人, 妻, 長男 …
    #[arg(long)]
    pub relation: String,
    /// yes | no (default yes).
    #[arg(long)]
    pub living_together: Option<String>,
    #[arg(long)]
    pub deceased: Option<String>,
    /// 出産予定日 of a 特定妊婦 (和暦 or ISO).
    #[arg(long)]
    pub expecting: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct PersonUpdateArgs {
    pub id: String,
    #[arg(long)]
    pub family_name: Option<String>,
    #[arg(long)]
    pub given_name: Option<String>,
    #[arg(long)]
    pub family_kana: Option<String>,
    #[arg(long)]
    pub given_kana: Option<String>,
    #[arg(long)]
    pub birth: Option<String>,
    #[arg(long)]
    pub sex: Option<String>,
    #[arg(long)]
    pub relation: Option<String>,
    #[arg(long)]
    pub living_together: Option<String>,
    #[arg(long)]
    pub deceased: Option<String>,
    /// 出産予定日 of a 特定妊婦; "none" clears it.
    #[arg(long)]
    pub expecting: Option<String>,
}

pub fn run(g: &Global, out: &Out, cmd: PersonCmd) -> Result<()> {
    let mut v = unlock(g)?;
    match cmd {
        PersonCmd::Add(a) => {
            let id = v.add_person(NewPerson {
                household: id(&a.household, "household")?,
                family_name: a.family_name,
                given_name: a.given_name,
                family_kana: a.family_kana,
                given_kana: a.given_kana,
                birth: Some(partial(&a.birth)?),
                sex: Sex::parse(&a.sex).map_err(Error::from)?,
                relation: a.relation,
                living_together: a.living_together.as_deref().map(yes_no).transpose()?.unwrap_or(true),
                deceased: a.deceased.as_deref().map(partial).transpose()?,
                expecting: a.expecting.as_deref().map(date).transpose()?,
            })?;
            out.id("person", id);
        }
        PersonCmd::Show(a) => {
            let p = v.person(id(&a.id, "person")?)?;
            out.person(&p);
        }
        PersonCmd::Update(a) => {
            v.update_person(
                id(&a.id, "person")?,
                PersonUpdate {
                    family_name: a.family_name,
                    given_name: a.given_name,
                    family_kana: a.family_kana,
                    given_kana: a.given_kana,
                    birth: clearable(&a.birth, partial)?,
                    sex: a.sex.as_deref().map(Sex::parse).transpose().map_err(Error::from)?,
                    relation: a.relation,
                    living_together: a.living_together.as_deref().map(yes_no).transpose()?,
                    deceased: clearable(&a.deceased, partial)?,
                    expecting: clearable(&a.expecting, date)?,
                    archived: None,
                },
            )?;
            out.done("person updated");
        }
        PersonCmd::Records(a) => {
            let person = id(&a.id, "person")?;
            match &a.out {
                Some(path) => {
                    let json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
                    let text = if json {
                        v.records_about_json(person)?
                    } else {
                        v.print_records_about(person, a.copies)?
                    };
                    // A folder that is not there is the user's to fix: exit 2, the file named.
                    v.save_printout(path, &text).map_err(|source| CliError::File {
                        path: path.clone(),
                        source,
                    })?;
                    out.printout(
                        &format!(
                            "開示請求に係る記録を出力しました / records for the disclosure request written: {}",
                            path.display()
                        ),
                        path,
                    );
                }
                None => out.person_records(&v.records_about(person)?),
            }
        }
    }
    Ok(())
}

fn partial(s: &str) -> Result<PartialDate> {
    Ok(PartialDate::parse(s).map_err(Error::from)?)
}

fn yes_no(s: &str) -> Result<bool> {
    match s.trim() {
        "yes" | "y" | "true" | "はい" | "同居" => Ok(true),
        "no" | "n" | "false" | "いいえ" | "別居" => Ok(false),
        other => Err(usage(format!("\"{other}\" is not yes or no"))),
    }
}

impl Out {
    pub fn person(&self, p: &Person) {
        if self.json {
            return self.print_json(p);
        }
        outln!("{}（{}）  {}", p.full_name(), p.full_kana(), p.id);
        print_person_line(p);
    }
}

impl Out {
    /// Every section and record, each field with the marks the reviewer reads.
    pub fn person_records(&self, r: &PersonRecords) {
        if self.json {
            return self.print_json(r);
        }
        let p = &r.person;
        outln!(
            "{}（{}）の記録　開示請求 / records for a disclosure request",
            p.full_name(),
            p.full_kana()
        );
        outln!(
            "保有機関 {}　作成 {}（{}）{}",
            r.agency_name,
            kasane::wareki(r.made),
            r.made,
            r.made_by
        );
        outln!(
            "印 / marks: 評価・判断 {}　第三者の情報 {}　第三者の情報を含む可能性 {}",
            r.counts.judgement,
            r.counts.third_party,
            r.counts.possibly_third_party
        );
        for s in &r.sections {
            outln!();
            outln!("== {} ==", s.title_ja);
            if s.items.is_empty() {
                outln!("  （なし / none）");
            }
            for it in &s.items {
                let flags = format!(
                    "{}{}",
                    if it.internal { "　[機関内メモ]" } else { "" },
                    if it.retracted { "　[取消済み]" } else { "" }
                );
                outln!("  {}{flags}", it.heading);
                for m in &it.marks {
                    outln!("    {}", mark_line(m));
                }
                for f in &it.fields {
                    let value = f.value.replace('\n', " / ");
                    outln!("    {}: {value}", f.label_ja);
                    for m in &f.marks {
                        outln!("      {}", mark_line(m));
                    }
                }
            }
        }
    }
}

fn mark_line(m: &ReviewMark) -> String {
    format!("【{}】{}", m.kind.label_ja(), m.reason_ja)
}

pub fn print_person_line(p: &Person) {
    let age = p.age.map(|a| format!("{a}歳")).unwrap_or_else(|| "年齢不明".into());
    let birth = match (&p.birth, &p.birth_wareki) {
        (Some(b), Some(w)) => format!("{w} ({b})"),
        _ => "-".into(),
    };
    let flags = format!(
        "{}{}{}",
        if p.living_together { "" } else { " 別居" },
        p.deceased.map(|d| format!(" 死亡 {d}")).unwrap_or_default(),
        p.expecting.map(|d| format!(" 出産予定日 {d}")).unwrap_or_default()
    );
    outln!(
        "  {}  {}（{}）  {}  {}  {}  {}{}",
        p.id,
        p.full_name(),
        p.full_kana(),
        p.relation,
        p.sex.label_ja(),
        birth,
        age,
        flags
    );
}
